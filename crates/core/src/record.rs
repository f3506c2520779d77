//! The stored record format, versioned, with a migration path.
//!
//! Records are JSON objects carrying `"v"`. Format 4 (current) stores an event as
//! `{"v":4,"attempt_id","seq","at_ms","action":{"type":…}}`; its `started` action carries
//! `order_seed` (the seed of the order choices and options are shown in, see
//! [`crate::shuffle`]) and may carry `mode` (`pre_test`), `draw` (`{seed, items, avoided}`)
//! and `practice_only`, and a summary `mode`, `drawn` and `practice_only`. Format 3 had no
//! `order_seed`: its attempts were shown in the written order, and read as format 4 without a
//! seed they still are (a resume shows what the learner saw). Format 4 is a new number so that
//! an older portal refuses (and keeps) a shuffled attempt instead of resuming it in another
//! order. Format 2 had no `mode`, `draw` or `practice_only` either: it reads with their
//! defaults (a full attempt of the whole check, not practice), which is what it meant; format
//! 3 was a new number for the same reason (a pre-test is not replayed as a module attempt by an
//! older portal). Format 1 stored the action's fields inline beside the envelope and had no
//! `"v"`.
//! Each step is kept so the path from an older layout is exercised by tests; a future layout
//! change adds a step to [`decode_event`] the same way. Records are never rewritten in place
//! by a read: the migrated form is written back only by an explicit upgrade.

use serde_json::{Map, Value};
use thiserror::Error;

use crate::attempt::{AttemptEvent, AttemptSummary};

/// Current format of stored records.
pub const RECORD_FORMAT: u64 = 4;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("record written by a newer version of the portal (format {0}); it is kept untouched")]
    TooNew(u64),
    #[error("damaged record: {0}")]
    Corrupt(String),
}

fn format_of(obj: &Map<String, Value>) -> Result<u64, RecordError> {
    match obj.get("v") {
        None => Ok(1),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| RecordError::Corrupt("format `v` is not a number".into())),
    }
}

/// Reads a stored event of any known format.
pub fn decode_event(value: Value) -> Result<AttemptEvent, RecordError> {
    let Value::Object(mut obj) = value else {
        return Err(RecordError::Corrupt("event is not an object".into()));
    };
    let format = format_of(&obj)?;
    if format > RECORD_FORMAT {
        return Err(RecordError::TooNew(format));
    }
    if format == 1 {
        obj = migrate_event_v1(obj);
    }
    // Format 2 -> 3 adds only fields with defaults: nothing to move.
    if format <= 3 {
        migrate_event_v3(&mut obj);
    }
    obj.remove("v");
    serde_json::from_value(Value::Object(obj)).map_err(|e| RecordError::Corrupt(e.to_string()))
}

/// Format 1 -> 2: move the inline action fields under `action`.
fn migrate_event_v1(mut obj: Map<String, Value>) -> Map<String, Value> {
    const ENVELOPE: [&str; 3] = ["attempt_id", "seq", "at_ms"];
    let mut action = Map::new();
    let keys: Vec<String> = obj.keys().cloned().collect();
    for key in keys {
        if !ENVELOPE.contains(&key.as_str()) {
            if let Some(v) = obj.remove(&key) {
                action.insert(key, v);
            }
        }
    }
    obj.insert("action".into(), Value::Object(action));
    obj.insert("v".into(), Value::from(2u64));
    obj
}

/// Format 3 -> 4: an attempt recorded before the shuffle has no order seed, whatever its
/// JSON holds, so it replays in the written order it was shown in.
fn migrate_event_v3(obj: &mut Map<String, Value>) {
    if let Some(Value::Object(action)) = obj.get_mut("action") {
        action.remove("order_seed");
    }
}

pub fn encode_event(event: &AttemptEvent) -> Value {
    let mut value = serde_json::to_value(event).unwrap_or(Value::Null);
    if let Value::Object(obj) = &mut value {
        obj.insert("v".into(), Value::from(RECORD_FORMAT));
    }
    value
}

/// Reads a stored attempt summary (summaries are derived: a damaged one is rebuilt from the log).
pub fn decode_summary(value: Value) -> Result<AttemptSummary, RecordError> {
    let Value::Object(mut obj) = value else {
        return Err(RecordError::Corrupt("summary is not an object".into()));
    };
    let format = format_of(&obj)?;
    if format > RECORD_FORMAT {
        return Err(RecordError::TooNew(format));
    }
    obj.remove("v");
    serde_json::from_value(Value::Object(obj)).map_err(|e| RecordError::Corrupt(e.to_string()))
}

pub fn encode_summary(summary: &AttemptSummary) -> Value {
    let mut value = serde_json::to_value(summary).unwrap_or(Value::Null);
    if let Value::Object(obj) = &mut value {
        obj.insert("v".into(), Value::from(RECORD_FORMAT));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attempt::Action;
    use serde_json::json;

    // Guards the migration path: a format-1 record (action inline, no `v`) reads as the same
    // event a format-2 record holds.
    #[test]
    fn format_1_event_migrates() {
        let v1 = json!({
            "attempt_id": "a1", "seq": 3, "at_ms": 42,
            "type": "chose", "node": "n1", "choice": "c2", "to": "n4"
        });
        let event = decode_event(v1).expect("migrates");
        assert_eq!(event.seq, 3);
        assert_eq!(
            event.action,
            Action::Chose {
                node: "n1".into(),
                choice: "c2".into(),
                to: "n4".into()
            }
        );
        assert_eq!(
            decode_event(encode_event(&event)).expect("round trip"),
            event
        );
    }

    // Guards the 2 -> 3 step: a format-2 `started` (no mode, draw or practice flag) reads as a
    // full attempt over the whole check, and a pre-test's event is written as format 3.
    #[test]
    fn format_2_event_reads_as_full_attempt() {
        use crate::module::{AttemptMode, Draw};
        let v2 = json!({
            "v": 2, "attempt_id": "a1", "seq": 0, "at_ms": 7,
            "action": {"type": "started", "kind": "module", "content_id": "m",
                       "version": "v1", "learner_id": "l"}
        });
        let event = decode_event(v2).expect("reads");
        let Action::Started {
            mode,
            draw,
            practice_only,
            ..
        } = &event.action
        else {
            panic!("started expected");
        };
        assert_eq!(
            (*mode, draw, *practice_only),
            (AttemptMode::Full, &None, false)
        );
        let mut pre = event.clone();
        if let Action::Started { mode, draw, .. } = &mut pre.action {
            *mode = AttemptMode::PreTest;
            *draw = Some(Draw {
                seed: 42,
                items: vec!["q2".into(), "q1".into()],
                avoided: vec![],
            });
        }
        let stored = encode_event(&pre);
        assert_eq!(stored["v"], json!(RECORD_FORMAT));
        assert_eq!(stored["action"]["mode"], json!("pre_test"));
        assert_eq!(stored["action"]["draw"]["seed"], json!(42));
        assert_eq!(decode_event(stored).expect("round trip"), pre);
    }

    // Guards the 3 -> 4 step: a format-3 `started` reads without an order seed (its attempt
    // keeps the written order on resume), even if its JSON somehow held one; a format-4 one
    // keeps its seed through a round trip.
    #[test]
    fn format_3_event_reads_without_an_order_seed() {
        let v3 = json!({
            "v": 3, "attempt_id": "a1", "seq": 0, "at_ms": 7,
            "action": {"type": "started", "kind": "scenario", "content_id": "s",
                       "version": "v1", "learner_id": "l", "order_seed": 99}
        });
        let event = decode_event(v3).expect("reads");
        let Action::Started { order_seed, .. } = &event.action else {
            panic!("started expected");
        };
        assert_eq!(*order_seed, None);
        let mut shuffled = event.clone();
        if let Action::Started { order_seed, .. } = &mut shuffled.action {
            *order_seed = Some(4_000_000_000);
        }
        let stored = encode_event(&shuffled);
        assert_eq!(stored["v"], json!(4));
        assert_eq!(stored["action"]["order_seed"], json!(4_000_000_000u32));
        assert_eq!(decode_event(stored).expect("round trip"), shuffled);
    }

    // Guards against a newer portal's records being misread (or overwritten) by an older one.
    #[test]
    fn newer_format_is_refused() {
        let v9 = json!({"v": 9, "attempt_id": "a1", "seq": 0, "at_ms": 0, "action": {}});
        assert_eq!(decode_event(v9), Err(RecordError::TooNew(9)));
    }

    // Guards against damaged records crashing the reader instead of being reported.
    #[test]
    fn damaged_records_are_reported() {
        assert!(matches!(
            decode_event(json!("x")),
            Err(RecordError::Corrupt(_))
        ));
        assert!(matches!(
            decode_event(json!({"v": 2, "seq": "zero"})),
            Err(RecordError::Corrupt(_))
        ));
    }
}
