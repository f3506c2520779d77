//! The content versions the review checks statements against ([`review::Versions`]): every
//! module and scenario at the version the catalog names, and any other version the
//! statements name that the server still serves. A version found nowhere stays unknown, and
//! the review sets its statements aside with that reason.

use std::collections::BTreeSet;

use boiduong_core::model::ContentKind;
use boiduong_core::review::{self, Statement, Versions};

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
