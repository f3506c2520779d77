//! "My records": every local record as one JSON file, and its import on another device
//! (deduplicated by ids, nothing overwritten), so a lost or replaced browser is recoverable.

use boiduong_core::record::{
    decode_event, decode_summary, encode_event, encode_summary, from_value,
};
use serde_json::{json, Map, Value};

use super::{Queued, RejectedStatement, Storage};
use crate::error::AppError;

pub const EXPORT_FORMAT: &str = "boiduong-records";
pub const EXPORT_VERSION: u64 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Records added to this device.
    pub added: usize,
    /// Records already here (same id): left untouched.
    pub already: usize,
    /// Records that could not be read: skipped.
    pub invalid: usize,
}

/// The key a record has in its store, written the way `JSON.stringify` writes IndexedDB keys,
/// and the record normalised to the current format; `None` when the record cannot be read.
fn keyed(store: &str, value: &Value) -> Option<(String, Value)> {
    match store {
        "events" => {
            let e = decode_event(value.clone()).ok()?;
            Some((json!([e.attempt_id, e.seq]).to_string(), encode_event(&e)))
        }
        "attempts" => {
            let s = decode_summary(value.clone()).ok()?;
            Some((json!(s.id).to_string(), encode_summary(&s)))
        }
        "content" => {
            let key = value.get("key")?.as_str()?;
            value.get("json")?.as_str()?;
            Some((json!(key).to_string(), value.clone()))
        }
        "outbox" | "statements" => {
            let q: Queued = from_value(value).ok()?;
            Some((json!(q.id).to_string(), value.clone()))
        }
        "selfassess" => {
            let r = super::selfassess::SelfRecord::decode(value.clone()).ok()?;
            Some((json!(r.id()).to_string(), r.encode()))
        }
        "rejected" => {
            let r: RejectedStatement = from_value(value).ok()?;
            Some((json!(r.id).to_string(), value.clone()))
        }
        _ => None,
    }
}

impl Storage {
    /// Every local record as one JSON document.
    pub async fn export_records(
        &self,
        learner: Option<Value>,
        now_ms: i64,
    ) -> Result<String, AppError> {
        let stores = match self {
            Storage::Idb(s) => s.export_all().await?,
            Storage::Memory(s) => s.export_all(),
        };
        let doc = json!({
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_ms": now_ms,
            "learner": learner,
            "stores": Value::Object(stores),
        });
        serde_json::to_string(&doc).map_err(|e| AppError::Storage(e.to_string()))
    }

    /// Adds what the file holds and this device does not; never overwrites a record.
    pub async fn import_records(&self, text: &str) -> Result<ImportReport, AppError> {
        let doc: Value = serde_json::from_str(text).map_err(|e| AppError::Malformed {
            url: "file".into(),
            reason: e.to_string(),
        })?;
        if doc.get("format").and_then(Value::as_str) != Some(EXPORT_FORMAT) {
            return Err(AppError::Malformed {
                url: "file".into(),
                reason: "not a Boiduong records file".into(),
            });
        }
        if doc
            .get("version")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX)
            > EXPORT_VERSION
        {
            return Err(AppError::Malformed {
                url: "file".into(),
                reason: "made by a newer version of the portal".into(),
            });
        }
        let empty = Map::new();
        let stores = doc
            .get("stores")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut report = ImportReport::default();
        // Content and logs before summaries and outbox, so a record never points at nothing.
        for store in [
            "content",
            "events",
            "attempts",
            "statements",
            "rejected",
            "selfassess",
            "outbox",
        ] {
            let Some(list) = stores.get(store).and_then(Value::as_array) else {
                continue;
            };
            let mut records = Vec::with_capacity(list.len());
            for value in list {
                match keyed(store, value) {
                    Some(r) => records.push(r),
                    None => report.invalid += 1,
                }
            }
            let added = match self {
                Storage::Idb(s) => s.import_new(store, &records).await?,
                Storage::Memory(s) => s.import_new(store, &records),
            };
            report.added += added;
            report.already += records.len() - added;
        }
        Ok(report)
    }
}
