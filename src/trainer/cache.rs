//! Reading one class's cache: its sealed pages of statements (the source of truth; written in
//! the packed form, `review::pack_page`; pages of lean JSON written before it are read as they
//! are) and the snapshot of the class prepared from them (`review::snapshot`), sealed the same
//! way.
//!
//! Reopening a class opens every page (so a damaged one is found and counted) but parses
//! them only after the class is shown, from its snapshot, when the snapshot's basis is the
//! one of the pages opened; otherwise the class is prepared from the statements, and a new
//! snapshot is kept.

use std::collections::BTreeSet;

use boiduong_core::review::{self, snapshot, CachedForm, Prepared, Statement, Versions};

use crate::crypto::{self, Sealed};
use crate::error::AppError;
use crate::storage::Storage;

/// The pages of a class the key opened.
pub struct Opened {
    /// Each page's nonce (its identity in a snapshot's basis) and its text, in key order.
    pub pages: Vec<(Vec<u8>, Vec<u8>)>,
    /// Records that are not sealed pages, or that the key could not open.
    pub damaged: usize,
}

/// What reading the pages found.
pub enum Pages {
    Opened(Opened),
    /// Pages written before the cache kept each statement's authority, or none the key opens
    /// (the password changed): the cache was deleted, to be read from the LRS again.
    Cleared,
}

/// The key prefix of a class's cached pages.
pub fn page_prefix(class: &str) -> String {
    format!("{class}/")
}

/// The key of a class's snapshot (outside its pages' prefix).
pub fn snapshot_key(class: &str) -> String {
    format!("snapshot:{class}")
}

/// Opens every page of `class` with `key`, all at once (the browser decrypts them in
/// parallel).
pub async fn open_pages(
    storage: &Storage,
    key: &web_sys::CryptoKey,
    class: &str,
) -> Result<Pages, AppError> {
    let (sealed, mut damaged) = storage.review_pages_of(&page_prefix(class)).await?;
    let opened = futures::future::join_all(sealed.iter().map(|p| crypto::open(key, p))).await;
    let some = !sealed.is_empty();
    let mut pages = Vec::with_capacity(opened.len());
    for (page, bytes) in sealed.into_iter().zip(opened) {
        let Ok(bytes) = bytes else {
            damaged += 1;
            continue;
        };
        if review::cached_form(&bytes) == CachedForm::Outdated {
            // Written before the cache kept each statement's authority: without it every
            // statement would be set aside. Read the LRS again instead.
            storage.review_clear().await?;
            return Ok(Pages::Cleared);
        }
        pages.push((page.iv, bytes));
    }
    if some && pages.is_empty() {
        storage.review_clear().await?;
        return Ok(Pages::Cleared);
    }
    Ok(Pages::Opened(Opened { pages, damaged }))
}

/// The statements of the opened pages, the nonces of the pages read, and how many could not
/// be read (kept out).
pub fn parse_pages(pages: &[(Vec<u8>, Vec<u8>)]) -> (Vec<Statement>, Vec<Vec<u8>>, usize) {
    let mut all = Vec::new();
    let mut read = Vec::with_capacity(pages.len());
    let mut damaged = 0;
    for (iv, bytes) in pages {
        match review::read_cached(bytes) {
            Ok(statements) => {
                all.extend(statements);
                read.push(iv.clone());
            }
            Err(_) => damaged += 1,
        }
    }
    (all, read, damaged)
}

/// What a class is prepared from, named as a snapshot's basis.
pub fn basis_of(
    base: &str,
    hidden: &BTreeSet<String>,
    versions: &Versions,
    pages: &[Vec<u8>],
) -> String {
    let ids: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
    snapshot::basis(base, hidden, versions, &ids)
}

/// The class's snapshot when it was made from `basis`; None when there is none, it is of
/// another basis or format, or it cannot be opened or read (it is then made again).
pub async fn read_snapshot(
    storage: &Storage,
    key: &web_sys::CryptoKey,
    class: &str,
    basis: &str,
) -> Option<Prepared> {
    read_any_snapshot(storage, key, class)
        .await
        .filter(|(made_from, _)| made_from == basis)
        .map(|(_, prepared)| prepared)
}

/// The class's snapshot and the basis it was made from, whatever it is; None when there is
/// none or it cannot be opened or read.
pub async fn read_any_snapshot(
    storage: &Storage,
    key: &web_sys::CryptoKey,
    class: &str,
) -> Option<(String, Prepared)> {
    let sealed = storage.review_record(&snapshot_key(class)).await.ok()??;
    let bytes = crypto::open(key, &sealed).await.ok()?;
    snapshot::decode(&bytes).ok()
}

/// Keeps the snapshot of `class` prepared from `basis`, sealed, if `still()` holds once it
/// is sealed (checked with no wait before the write, so a cache deleted meanwhile, at
/// sign-out, is not written to again).
pub async fn write_snapshot(
    storage: &Storage,
    key: &web_sys::CryptoKey,
    class: &str,
    basis: &str,
    prepared: &Prepared,
    still: impl Fn() -> bool,
) -> Result<(), AppError> {
    let bytes = snapshot::encode(basis, prepared);
    let sealed: Sealed = crypto::seal(key, &bytes).await?;
    if !still() {
        return Ok(());
    }
    storage
        .review_put_record(&snapshot_key(class), &sealed)
        .await
}
