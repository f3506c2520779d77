//! Fetches the compiled content the build put under /content/.

use boiduong_core::model::{
    Catalog, CatalogEntry, Content, ContentKind, ContentMeta, MetaFile, CONTENT_FORMAT,
};
use boiduong_core::self_assessment::standards::STANDARDS_FORMAT;
use boiduong_core::self_assessment::Standards;
use gloo_net::http::Request;

use crate::error::AppError;

const CONTENT_ROOT: &str = "/content";

async fn get_text(url: &str) -> Result<String, AppError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| AppError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(AppError::Http {
            status: response.status(),
            url: url.to_owned(),
        });
    }
    response
        .text()
        .await
        .map_err(|e| AppError::Network(e.to_string()))
}

/// The catalog (always revalidated: it names the current content versions).
pub async fn fetch_catalog() -> Result<Catalog, AppError> {
    let url = format!("{CONTENT_ROOT}/catalog.json");
    let text = get_text(&url).await?;
    let catalog: Catalog = serde_json::from_str(&text).map_err(|e| AppError::Malformed {
        url: url.clone(),
        reason: e.to_string(),
    })?;
    if catalog.format != CONTENT_FORMAT {
        return Err(AppError::Malformed {
            url,
            reason: format!(
                "content format {} (this portal reads {CONTENT_FORMAT})",
                catalog.format
            ),
        });
    }
    Ok(catalog)
}

/// The trainer-facing facts (legal basis, last review) of one module or scenario, from
/// `meta.json` beside the catalog (the trainer area and the preview fetch it; learners never
/// do). None when the content has no entry.
pub async fn fetch_meta(kind: ContentKind, id: &str) -> Result<Option<ContentMeta>, AppError> {
    let url = format!("{CONTENT_ROOT}/meta.json");
    let text = get_text(&url).await?;
    let meta: MetaFile = serde_json::from_str(&text).map_err(|e| AppError::Malformed {
        url: url.clone(),
        reason: e.to_string(),
    })?;
    if meta.format != CONTENT_FORMAT {
        return Err(AppError::Malformed {
            url,
            reason: format!(
                "content format {} (this portal reads {CONTENT_FORMAT})",
                meta.format
            ),
        });
    }
    Ok(meta
        .entries
        .into_iter()
        .find(|m| m.kind == kind && m.id == id))
}

/// The position standards for self-assessment (standards.json, beside the catalog).
pub async fn fetch_standards() -> Result<Standards, AppError> {
    let url = format!("{CONTENT_ROOT}/standards.json");
    let text = get_text(&url).await?;
    let standards: Standards = serde_json::from_str(&text).map_err(|e| AppError::Malformed {
        url: url.clone(),
        reason: e.to_string(),
    })?;
    if standards.format != STANDARDS_FORMAT {
        return Err(AppError::Malformed {
            url,
            reason: format!(
                "standards format {} (this portal reads {STANDARDS_FORMAT})",
                standards.format
            ),
        });
    }
    Ok(standards)
}

/// One module or scenario at the version the catalog names; returns the raw JSON too so the
/// exact version can be kept on the device for the attempt.
pub async fn fetch_content(entry: &CatalogEntry) -> Result<(Content, String), AppError> {
    let url = format!("{CONTENT_ROOT}/{}", entry.file);
    let text = get_text(&url).await?;
    let content = parse_content(&url, &text)?;
    if content.version() != entry.version || content.id() != entry.id {
        return Err(AppError::Malformed {
            url,
            reason: "the file does not match the catalog entry".into(),
        });
    }
    Ok((content, text))
}

pub fn parse_content(source: &str, text: &str) -> Result<Content, AppError> {
    serde_json::from_str(text).map_err(|e| AppError::Malformed {
        url: source.to_owned(),
        reason: e.to_string(),
    })
}

/// One version of a module or scenario, by the compiler's file name
/// (`{kind}s/{id}.{version}.json`): the trainer review checks older attempts against it when
/// the server still has it. Errors when it is missing or is another content.
pub async fn fetch_version(
    kind: ContentKind,
    id: &str,
    version: &str,
) -> Result<Content, AppError> {
    let url = format!("{CONTENT_ROOT}/{}s/{id}.{version}.json", kind.as_str());
    let text = get_text(&url).await?;
    let content = parse_content(&url, &text)?;
    if content.kind() != kind || content.id() != id || content.version() != version {
        return Err(AppError::Malformed {
            url,
            reason: "the file is not the version it is named after".into(),
        });
    }
    Ok(content)
}

/// The current version of one module or scenario, by id (trainer pages, preview).
pub async fn fetch_current(kind: ContentKind, id: &str) -> Result<Content, AppError> {
    let catalog = fetch_catalog().await?;
    let entry = catalog.entry(kind, id).ok_or_else(|| AppError::Http {
        status: 404,
        url: format!("{CONTENT_ROOT}/{}/{id}", kind.as_str()),
    })?;
    Ok(fetch_content(entry).await?.0)
}
