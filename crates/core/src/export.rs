//! "My records" as one file: the versioned document a learner exports from one device and
//! imports on another (`{format: "boiduong-records", version, exported_ms, learner, stores}`),
//! and the checks of its header before anything in it is read. The app adds the stores (its
//! IndexedDB dump) and, on import, rebuilds every statement itself; what is pure lives here.
//!
//! Versions: 1 (current). A file of a newer portal is refused whole (nothing read), a file
//! without a version too (it cannot be told from a newer one); the stored records inside it
//! carry their own formats and are migrated on read like any other ([`crate::record`],
//! [`crate::self_assessment::stored`]).

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::attempt::AttemptSummary;
use crate::model::ContentKind;
use crate::record::decode_summary;

/// The `format` of a records file.
pub const EXPORT_FORMAT: &str = "boiduong-records";
/// The current `version` of a records file.
pub const EXPORT_VERSION: u64 = 1;

/// Key of a stored content version: `module/<id>@<version>` (the device's content store and
/// the records file name content versions this way).
pub fn content_key(kind: ContentKind, id: &str, version: &str) -> String {
    format!("{}/{id}@{version}", kind.as_str())
}

/// Why a records file's header refuses the whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderRefusal {
    /// Not a records file (another JSON document).
    NotRecords,
    /// Made by a newer version of the portal (or without a version).
    Newer,
    /// The file names no account.
    NoAccount,
    /// The file is another account's.
    OtherAccount { file: String },
}

/// The records file of `account`: only its records out of every store of the device
/// (`stores`: store name -> list of stored records), with `learner` (its identity).
pub fn records_document(
    stores: Map<String, Value>,
    account: &str,
    learner: Option<Value>,
    now_ms: i64,
) -> Value {
    json!({
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_ms": now_ms,
        "learner": learner,
        "stores": Value::Object(keep_account(stores, account)),
    })
}

/// Checks a records file's header for `account` (the signed-in one).
pub fn check_header(doc: &Value, account: &str) -> Result<(), HeaderRefusal> {
    if doc.get("format").and_then(Value::as_str) != Some(EXPORT_FORMAT) {
        return Err(HeaderRefusal::NotRecords);
    }
    if doc
        .get("version")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX)
        > EXPORT_VERSION
    {
        return Err(HeaderRefusal::Newer);
    }
    let file_account = doc
        .get("learner")
        .and_then(|l| l.get("account"))
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty())
        .ok_or(HeaderRefusal::NoAccount)?;
    if file_account != account {
        return Err(HeaderRefusal::OtherAccount {
            file: file_account.to_owned(),
        });
    }
    Ok(())
}

/// `account`'s records out of every exported store: its attempts, their events and content
/// versions, and the records of the other stores that name it.
pub fn keep_account(mut stores: Map<String, Value>, account: &str) -> Map<String, Value> {
    let attempts: Vec<AttemptSummary> = stores
        .get("attempts")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|v| decode_summary(v.clone()).ok())
                .filter(|s| s.learner_id == account)
                .collect()
        })
        .unwrap_or_default();
    let ids: HashSet<&str> = attempts.iter().map(|s| s.id.as_str()).collect();
    let versions: HashSet<String> = attempts
        .iter()
        .map(|s| content_key(s.kind, &s.content_id, &s.version))
        .collect();
    let keep = |store: &str, v: &Value| -> bool {
        match store {
            "attempts" => v
                .get("learner_id")
                .and_then(Value::as_str)
                .is_some_and(|l| l == account),
            "events" => v
                .get("attempt_id")
                .and_then(Value::as_str)
                .is_some_and(|a| ids.contains(a)),
            "content" => v
                .get("key")
                .and_then(Value::as_str)
                .is_some_and(|k| versions.contains(k)),
            _ => v.get("account").and_then(Value::as_str) == Some(account),
        }
    };
    for (store, list) in stores.iter_mut() {
        if let Value::Array(records) = list {
            records.retain(|v| keep(store, v));
        }
    }
    stores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attempt::Attempt;
    use crate::model::Content;
    use crate::record::encode_summary;

    const ME: &str = "hocvien1";

    fn stores() -> Map<String, Value> {
        let content = Content::Module(crate::module::tests::sample());
        let summary = |id: &str, learner: &str| {
            let (attempt, _) = Attempt::start(&content, id, learner, 0);
            encode_summary(&attempt.summary(&content))
        };
        let key = content_key(ContentKind::Module, content.id(), content.version());
        let mut stores = Map::new();
        stores.insert(
            "attempts".into(),
            json!([summary("a1", ME), summary("a2", "hocvien2")]),
        );
        stores.insert(
            "events".into(),
            json!([{"attempt_id": "a1"}, {"attempt_id": "a2"}]),
        );
        stores.insert(
            "content".into(),
            json!([{"key": key}, {"key": "module/other@v9"}]),
        );
        stores.insert(
            "outbox".into(),
            json!([{"account": ME}, {"account": "hocvien2"}, {}]),
        );
        stores
    }

    fn len(doc: &Value, store: &str) -> usize {
        doc["stores"][store].as_array().map_or(0, Vec::len)
    }

    // Guards one person's records per file: an export holds the account's attempts, their
    // events and content versions and its own records of every other store, nobody else's
    // (nor records naming no one).
    #[test]
    fn an_export_holds_one_accounts_records() {
        let doc = records_document(stores(), ME, Some(json!({"account": ME})), 7);
        assert_eq!(
            [
                len(&doc, "attempts"),
                len(&doc, "events"),
                len(&doc, "content"),
                len(&doc, "outbox")
            ],
            [1, 1, 1, 1]
        );
        assert_eq!(doc["stores"]["attempts"][0]["id"], "a1");
        assert_eq!(doc["exported_ms"], 7);
        assert_eq!(check_header(&doc, ME), Ok(()));
    }

    // Guards the header of every version: the current one is read; a newer version, a file
    // without a version, another document, a file naming no account or another account are
    // refused with their reason before anything in them is read.
    #[test]
    fn headers_are_checked_before_anything_is_read() {
        let doc = |v: Value| json!({"format": EXPORT_FORMAT, "version": v, "learner": {"account": ME}, "stores": {}});
        assert_eq!(check_header(&doc(json!(1)), ME), Ok(()));
        assert_eq!(
            check_header(&doc(json!(EXPORT_VERSION + 1)), ME),
            Err(HeaderRefusal::Newer)
        );
        assert_eq!(
            check_header(&doc(Value::Null), ME),
            Err(HeaderRefusal::Newer)
        );
        assert_eq!(
            check_header(&json!({"format": "other", "version": 1}), ME),
            Err(HeaderRefusal::NotRecords)
        );
        let mut nobody = doc(json!(1));
        nobody["learner"]["account"] = json!("");
        assert_eq!(check_header(&nobody, ME), Err(HeaderRefusal::NoAccount));
        assert_eq!(
            check_header(&doc(json!(1)), "hocvien2"),
            Err(HeaderRefusal::OtherAccount { file: ME.into() })
        );
    }
}
