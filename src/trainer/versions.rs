//! The content versions the review checks statements against ([`review::Versions`]): every
//! module and scenario at the version the catalog names, and any other version the
//! statements name that the server still serves. A version found nowhere stays unknown, and
//! the review sets its statements aside with that reason.

use std::collections::BTreeSet;

use boiduong_core::model::ContentKind;
use boiduong_core::review::{self, Prepared, Statement, Versions};

use crate::error::AppError;
use crate::net::content;

/// Every module and scenario of the catalog, at its current version (fetched together; the
/// service worker serves them offline).
pub async fn load_current() -> Result<Versions, AppError> {
    let catalog = content::fetch_catalog().await?;
    let all = futures::future::join_all(catalog.entries.iter().map(content::fetch_content)).await;
    let mut versions = Versions::new();
    for fetched in all {
        versions.insert(fetched?.0);
    }
    Ok(versions)
}

/// The versions the statements name that `versions` lacks and that were not asked for yet
/// (`tried` remembers them, found or not), fetched by their file name.
pub async fn load_missing(
    versions: &Versions,
    statements: &[Statement],
    base: &str,
    tried: &mut BTreeSet<(ContentKind, String, String)>,
) -> Vec<boiduong_core::model::Content> {
    let mut found = Vec::new();
    for (c, version) in review::versions_named(statements, base) {
        if versions.has(&c, &version) || !tried.insert((c.kind, c.id.clone(), version.clone())) {
            continue;
        }
        if let Ok(content) = content::fetch_version(c.kind, &c.id, &version).await {
            found.push(content);
        }
    }
    found
}

/// The versions the attempts of a prepared class (a snapshot) were checked against that
/// `versions` lacks and that were not asked for yet: the older ones its statements name,
/// fetched before the snapshot's basis is compared, as [`load_missing`] would after parsing.
pub async fn load_used(
    versions: &Versions,
    prepared: &Prepared,
    tried: &mut BTreeSet<(ContentKind, String, String)>,
) -> Vec<boiduong_core::model::Content> {
    let used: BTreeSet<(ContentKind, &str, &str)> = prepared
        .attempts
        .iter()
        .filter_map(|a| {
            let a = &a.attempt;
            a.version
                .as_deref()
                .map(|v| (a.content.kind, a.content.id.as_str(), v))
        })
        .collect();
    let mut found = Vec::new();
    for (kind, id, version) in used {
        let c = review::ContentRef {
            kind,
            id: id.to_owned(),
        };
        if versions.has(&c, version) || !tried.insert((kind, id.to_owned(), version.to_owned())) {
            continue;
        }
        if let Ok(content) = content::fetch_version(kind, id, version).await {
            found.push(content);
        }
    }
    found
}
