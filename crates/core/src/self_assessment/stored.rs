//! A self-rating or a module evaluation as the device stores it: a versioned envelope
//! `{id, v, account, kind, shared, record}` around the core's own types, read back through
//! [`SelfRecord::decode`] (older formats migrated on read, a newer one refused and kept).
//!
//! Formats: 1 had no `account` (the app's owner migration names it once and writes format 2);
//! a record without `v` reads as format 1. 2 (current) names the account.

use serde_json::{json, Value};

use super::{Evaluation, SelfRating};
use crate::record::{from_value, to_value, RecordError};

/// Format of a stored self-assessment record (the envelope below). Format 2 adds `account`;
/// a format-1 record gets it once from the app's owner migration.
pub const SELF_RECORD_FORMAT: u64 = 2;

/// A self-rating or an evaluation as stored: `{id, v, account, kind, shared, record}`.
#[derive(Clone, Debug, PartialEq)]
pub enum SelfRecord {
    /// `shared`: statements were queued for it (the learner consented at the time).
    Rating {
        rating: SelfRating,
        shared: bool,
    },
    Evaluation(Evaluation),
}

impl SelfRecord {
    pub fn id(&self) -> &str {
        match self {
            SelfRecord::Rating { rating, .. } => &rating.id,
            SelfRecord::Evaluation(e) => &e.id,
        }
    }

    /// The stored form, owned by `account`.
    pub fn encode(&self, account: &str) -> Value {
        let (kind, shared, record) = match self {
            SelfRecord::Rating { rating, shared } => ("rating", *shared, to_value(rating)),
            SelfRecord::Evaluation(e) => ("evaluation", true, to_value(e)),
        };
        json!({
            "id": self.id(),
            "v": SELF_RECORD_FORMAT,
            "account": account,
            "kind": kind,
            "shared": shared,
            "record": record.unwrap_or(Value::Null),
        })
    }

    pub fn decode(value: Value) -> Result<SelfRecord, RecordError> {
        let v = value.get("v").and_then(Value::as_u64).unwrap_or(0);
        if v > SELF_RECORD_FORMAT {
            return Err(RecordError::TooNew(v));
        }
        let record = value.get("record").cloned().unwrap_or(Value::Null);
        let corrupt = |e: serde_json::Error| RecordError::Corrupt(e.to_string());
        match value.get("kind").and_then(Value::as_str) {
            Some("rating") => Ok(SelfRecord::Rating {
                rating: from_value(&record).map_err(corrupt)?,
                shared: value
                    .get("shared")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }),
            Some("evaluation") => Ok(SelfRecord::Evaluation(
                from_value(&record).map_err(corrupt)?,
            )),
            _ => Err(RecordError::Corrupt(
                "unknown self-assessment record".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn rating() -> SelfRating {
        SelfRating {
            id: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
            learner_id: "hocvien1".into(),
            module: None,
            ratings: BTreeMap::from([("giao_tiep".to_owned(), 4)]),
            at_ms: 1_795_835_045_123,
        }
    }

    fn evaluation() -> Evaluation {
        Evaluation {
            id: "7c9e6679-7425-40de-944b-e07fc1f90ae7".into(),
            module: "m".into(),
            usefulness: 5,
            clarity: 4,
            relevance: 3,
            intended_use: "Hỏi lại người dân trước khi trả hồ sơ".into(),
            comment: None,
            anonymous: true,
            at_ms: 1_795_835_045_123,
        }
    }

    // Guards the current format: a rating (shared or not) and an evaluation come back as
    // stored, with their account and format number in the envelope.
    #[test]
    fn current_format_round_trips() {
        for record in [
            SelfRecord::Rating {
                rating: rating(),
                shared: true,
            },
            SelfRecord::Rating {
                rating: rating(),
                shared: false,
            },
            SelfRecord::Evaluation(evaluation()),
        ] {
            let stored = record.encode("hocvien1");
            assert_eq!(stored["v"], SELF_RECORD_FORMAT);
            assert_eq!(stored["account"], "hocvien1");
            assert_eq!(stored["id"], record.id());
            assert_eq!(SelfRecord::decode(stored), Ok(record));
        }
    }

    // Guards old data staying readable: a format-1 record (no account) and one written
    // before the envelope had `v` read as what they were; `shared` missing reads as private.
    #[test]
    fn older_formats_migrate_on_read() {
        let record = to_value(&rating()).expect("json");
        for v in [json!(1), Value::Null] {
            let mut old =
                json!({"id": rating().id, "kind": "rating", "shared": true, "record": record});
            if !v.is_null() {
                old["v"] = v;
            }
            assert_eq!(
                SelfRecord::decode(old),
                Ok(SelfRecord::Rating {
                    rating: rating(),
                    shared: true
                })
            );
        }
        let unshared = json!({"id": rating().id, "v": 1, "kind": "rating", "record": record});
        assert_eq!(
            SelfRecord::decode(unshared),
            Ok(SelfRecord::Rating {
                rating: rating(),
                shared: false
            })
        );
        let eval = json!({"id": "e", "v": 1, "kind": "evaluation", "record": to_value(&evaluation()).expect("json")});
        assert_eq!(
            SelfRecord::decode(eval),
            Ok(SelfRecord::Evaluation(evaluation()))
        );
    }

    // Guards nothing lost to a newer portal or damage: a newer format is refused as too new
    // (the app keeps it untouched), an unknown kind or a broken record as damaged, never a
    // panic or a default.
    #[test]
    fn newer_or_damaged_records_are_refused() {
        let mut newer = SelfRecord::Evaluation(evaluation()).encode("a");
        newer["v"] = json!(SELF_RECORD_FORMAT + 1);
        assert_eq!(
            SelfRecord::decode(newer),
            Err(RecordError::TooNew(SELF_RECORD_FORMAT + 1))
        );
        let mut unknown = SelfRecord::Evaluation(evaluation()).encode("a");
        unknown["kind"] = json!("note");
        assert!(matches!(
            SelfRecord::decode(unknown),
            Err(RecordError::Corrupt(_))
        ));
        let mut broken = SelfRecord::Evaluation(evaluation()).encode("a");
        broken["record"]["usefulness"] = json!("five");
        assert!(matches!(
            SelfRecord::decode(broken),
            Err(RecordError::Corrupt(_))
        ));
    }
}
