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

use serde::de::{DeserializeOwned, Deserializer, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::attempt::{Action, AttemptEvent, AttemptSummary, Outcome};
use crate::model::{Answer, ContentKind, EndingKind};
use crate::module::{AttemptMode, CheckScore, Draw, Position};

/// Current format of stored records.
pub const RECORD_FORMAT: u64 = 4;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("record written by a newer version of the portal (format {0}); it is kept untouched")]
    TooNew(u64),
    #[error("damaged record: {0}")]
    Corrupt(String),
}

/// `value` read as `T` through its JSON text. The app reads every stored type this way or
/// from text directly, never with `serde_json::from_value`: that would put a second reader of
/// each type (over `Value`) into the wasm beside the one over text that the network and the
/// records file need anyway. Stored records are small; the extra pass costs microseconds.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_str(&value.to_string())
}

/// `t` as a JSON value, through its JSON text (see [`from_value`]).
pub fn to_value<T: Serialize + ?Sized>(t: &T) -> Result<Value, serde_json::Error> {
    serde_json::from_str(&serde_json::to_string(t)?)
}

fn corrupt(e: serde_json::Error) -> RecordError {
    RecordError::Corrupt(e.to_string())
}

/// The format number of a stored record (`v`; none before format 2).
#[derive(Deserialize)]
struct Format {
    v: Option<u64>,
}

fn check_format(v: Option<u64>) -> Result<(), RecordError> {
    match v {
        Some(format) if format > RECORD_FORMAT => Err(RecordError::TooNew(format)),
        _ => Ok(()),
    }
}

/// Reads a stored event of any known format from its JSON text, in one pass: the envelope
/// and the action under `action` (formats 2 to 4), or the action's fields inline beside the
/// envelope (format 1, without `v`); 2 -> 3 only added fields with defaults; 3 -> 4: an
/// attempt recorded before the shuffle has no order seed, whatever its JSON holds, so it
/// replays in the written order it was shown in.
pub fn decode_event_json(text: &str) -> Result<AttemptEvent, RecordError> {
    let mut fields: ActionFields = serde_json::from_str(text).map_err(corrupt)?;
    check_format(fields.v)?;
    let before_shuffle = fields.v.unwrap_or(1) <= 3;
    let attempt_id = field(fields.attempt_id.take(), "attempt_id").map_err(corrupt)?;
    let seq = field(fields.seq.take(), "seq").map_err(corrupt)?;
    let at_ms = field(fields.at_ms.take(), "at_ms").map_err(corrupt)?;
    let mut action = match fields.action.take() {
        Some(action) => *action,
        None => fields,
    };
    if before_shuffle {
        action.order_seed = None;
    }
    let action = action.into_action().map_err(corrupt)?;
    Ok(AttemptEvent {
        attempt_id,
        seq,
        at_ms,
        action,
    })
}

/// Reads a stored event of any known format.
pub fn decode_event(value: Value) -> Result<AttemptEvent, RecordError> {
    if !value.is_object() {
        return Err(RecordError::Corrupt("event is not an object".into()));
    }
    decode_event_json(&value.to_string())
}

/// An event in the current format, as JSON text.
pub fn encode_event_json(event: &AttemptEvent) -> String {
    #[derive(Serialize)]
    struct Stored<'a> {
        v: u64,
        attempt_id: &'a str,
        seq: u32,
        at_ms: i64,
        action: &'a Action,
    }
    serde_json::to_string(&Stored {
        v: RECORD_FORMAT,
        attempt_id: &event.attempt_id,
        seq: event.seq,
        at_ms: event.at_ms,
        action: &event.action,
    })
    .unwrap_or_default()
}

pub fn encode_event(event: &AttemptEvent) -> Value {
    serde_json::from_str(&encode_event_json(event)).unwrap_or(Value::Null)
}

/// Reads a stored attempt summary from its JSON text (summaries are derived: a damaged one is
/// rebuilt from the log).
pub fn decode_summary_json(text: &str) -> Result<AttemptSummary, RecordError> {
    let format: Format = serde_json::from_str(text).map_err(corrupt)?;
    check_format(format.v)?;
    serde_json::from_str(text).map_err(corrupt)
}

/// Reads a stored attempt summary.
pub fn decode_summary(value: Value) -> Result<AttemptSummary, RecordError> {
    if !value.is_object() {
        return Err(RecordError::Corrupt("summary is not an object".into()));
    }
    decode_summary_json(&value.to_string())
}

/// A summary in the current format, as JSON text (`v` first).
pub fn encode_summary_json(summary: &AttemptSummary) -> String {
    let body = serde_json::to_string(summary).unwrap_or_default();
    // a summary is a non-empty object: `{"id":…` becomes `{"v":3,"id":…`
    match body.strip_prefix('{') {
        Some(rest) => format!("{{\"v\":{RECORD_FORMAT},{rest}"),
        None => body,
    }
}

pub fn encode_summary(summary: &AttemptSummary) -> Value {
    serde_json::from_str(&encode_summary_json(summary)).unwrap_or(Value::Null)
}

/// Every field a stored action may carry, whatever its `type`, and those of the event around
/// it (format 1 kept the action's fields beside them): one plain derived reader for the whole
/// log. (serde's derived reader of the internally tagged [`Action`] buffers each object into
/// an intermediate tree and reads it again: a second copy of every field's reader.)
#[derive(Deserialize)]
struct ActionFields {
    v: Option<u64>,
    attempt_id: Option<String>,
    seq: Option<u32>,
    at_ms: Option<i64>,
    action: Option<Box<ActionFields>>,
    #[serde(rename = "type")]
    tag: Option<String>,
    kind: Option<ContentKind>,
    content_id: Option<String>,
    version: Option<String>,
    learner_id: Option<String>,
    #[serde(default)]
    mode: AttemptMode,
    #[serde(default)]
    draw: Option<Draw>,
    #[serde(default)]
    practice_only: bool,
    order_seed: Option<u32>,
    item: Option<String>,
    answer: Option<Answer>,
    correct: Option<bool>,
    to: Option<Destination>,
    node: Option<String>,
    choice: Option<String>,
    outcome: Option<Outcome>,
}

/// `to` of an action: a module position (`advanced`) or a scenario node (`chose`).
enum Destination {
    Position(Position),
    Node(String),
}

impl<'de> Deserialize<'de> for Destination {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DestinationVisitor;
        impl<'de> Visitor<'de> for DestinationVisitor {
            type Value = Destination;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a node id or a module position")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Destination, E> {
                Ok(Destination::Node(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Destination, A::Error> {
                Position::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Destination::Position)
            }
        }
        deserializer.deserialize_any(DestinationVisitor)
    }
}

fn field<T, E: serde::de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

impl ActionFields {
    fn into_action<E: serde::de::Error>(self) -> Result<Action, E> {
        Ok(match self.tag.as_deref() {
            Some("started") => Action::Started {
                kind: field(self.kind, "kind")?,
                content_id: field(self.content_id, "content_id")?,
                version: field(self.version, "version")?,
                learner_id: field(self.learner_id, "learner_id")?,
                mode: self.mode,
                draw: self.draw,
                practice_only: self.practice_only,
                order_seed: self.order_seed,
            },
            Some("answered") => Action::Answered {
                item: field(self.item, "item")?,
                answer: field(self.answer, "answer")?,
                correct: field(self.correct, "correct")?,
            },
            Some("advanced") => match field(self.to, "to")? {
                Destination::Position(to) => Action::Advanced { to },
                Destination::Node(_) => return Err(E::custom("`advanced` needs a position")),
            },
            Some("chose") => match field(self.to, "to")? {
                Destination::Node(to) => Action::Chose {
                    node: field(self.node, "node")?,
                    choice: field(self.choice, "choice")?,
                    to,
                },
                Destination::Position(_) => return Err(E::custom("`chose` needs a node id")),
            },
            Some("finished") => Action::Finished {
                outcome: field(self.outcome, "outcome")?,
            },
            Some(other) => {
                return Err(E::unknown_variant(
                    other,
                    &["started", "answered", "advanced", "chose", "finished"],
                ))
            }
            None => return Err(E::missing_field("type")),
        })
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ActionFields::deserialize(deserializer)?.into_action()
    }
}

/// Every field a stored outcome may carry (see [`ActionFields`]).
#[derive(Deserialize)]
struct OutcomeFields {
    kind: Option<String>,
    score: Option<CheckScore>,
    passed: Option<bool>,
    ending: Option<String>,
    ending_kind: Option<EndingKind>,
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let f = OutcomeFields::deserialize(deserializer)?;
        Ok(match f.kind.as_deref() {
            Some("module") => Outcome::Module {
                score: field(f.score, "score")?,
                passed: field(f.passed, "passed")?,
            },
            Some("scenario") => Outcome::Scenario {
                ending: field(f.ending, "ending")?,
                ending_kind: field(f.ending_kind, "ending_kind")?,
            },
            Some(other) => return Err(D::Error::unknown_variant(other, &["module", "scenario"])),
            None => return Err(D::Error::missing_field("kind")),
        })
    }
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

    // Guards the hand-written action reader: every kind of action and outcome reads back as
    // written, whatever the order of its keys (`type` first as serde writes it, or sorted as
    // a stored object comes back), and a malformed one is refused with the field it lacks.
    #[test]
    fn every_action_reads_back_in_any_key_order() {
        use crate::model::{Answer, ContentKind, EndingKind};
        use crate::module::{AttemptMode, CheckScore, Draw, Position};
        let actions = vec![
            Action::Started {
                kind: ContentKind::Module,
                content_id: "m".into(),
                version: "v".into(),
                learner_id: "l".into(),
                mode: AttemptMode::PreTest,
                draw: Some(Draw {
                    seed: 7,
                    items: vec!["q1".into()],
                    avoided: vec!["q2".into()],
                }),
                practice_only: true,
                order_seed: Some(4_000_000_000),
            },
            Action::Started {
                kind: ContentKind::Scenario,
                content_id: "s".into(),
                version: "v".into(),
                learner_id: "l".into(),
                mode: AttemptMode::Full,
                draw: None,
                practice_only: false,
                order_seed: None,
            },
            Action::Answered {
                item: "q1".into(),
                answer: Answer::Multiple(vec!["a".into(), "c".into()]),
                correct: false,
            },
            Action::Answered {
                item: "q2".into(),
                answer: Answer::TrueFalse(true),
                correct: true,
            },
            Action::Advanced {
                to: Position::Lesson(1),
            },
            Action::Advanced {
                to: Position::Check(0),
            },
            Action::Advanced { to: Position::Done },
            Action::Chose {
                node: "n1".into(),
                choice: "c1".into(),
                to: "n2".into(),
            },
            Action::Finished {
                outcome: Outcome::Module {
                    score: CheckScore {
                        raw: 3,
                        max: 4,
                        pass: 3,
                    },
                    passed: true,
                },
            },
            Action::Finished {
                outcome: Outcome::Scenario {
                    ending: "e".into(),
                    ending_kind: EndingKind::Good,
                },
            },
        ];
        for action in actions {
            let text = serde_json::to_string(&action).expect("json");
            assert!(text.starts_with("{\"type\""), "{text}");
            let back: Action = serde_json::from_str(&text).expect("reads");
            assert_eq!(back, action, "{text}");
            let sorted = serde_json::to_value(&action).expect("value").to_string();
            let back: Action = serde_json::from_str(&sorted).expect("reads sorted");
            assert_eq!(back, action, "{sorted}");
        }
        let refused = |text: &str| {
            serde_json::from_str::<Action>(text)
                .expect_err(text)
                .to_string()
        };
        assert!(refused(r#"{"type":"chose","node":"n1","to":"n2"}"#).contains("`choice`"));
        assert!(refused(r#"{"node":"n1","choice":"c","to":"n2"}"#).contains("`type`"));
        assert!(refused(r#"{"type":"jumped"}"#).contains("jumped"));
        assert!(refused(r#"{"type":"advanced","to":"n2"}"#).contains("position"));
        assert!(
            refused(r#"{"type":"chose","node":"n","choice":"c","to":{"at":"done"}}"#)
                .contains("node id")
        );
        assert!(refused(r#"{"type":"finished","outcome":{"kind":"quiz"}}"#).contains("quiz"));
        assert!(
            refused(r#"{"type":"finished","outcome":{"kind":"scenario","ending":"e"}}"#)
                .contains("`ending_kind`")
        );
    }

    // Guards the text forms the browser stores and reads (one reader per type, no detour
    // through `Value`): an event and a summary written as text carry `v` and read back
    // equal; a format-1 event and a newer summary read from text as from a value.
    #[test]
    fn text_forms_read_back() {
        let event = decode_event(json!({
            "attempt_id": "a1", "seq": 3, "at_ms": 42,
            "type": "chose", "node": "n1", "choice": "c2", "to": "n4"
        }))
        .expect("format 1");
        let text = encode_event_json(&event);
        assert!(text.starts_with("{\"v\":4,"), "{text}");
        assert_eq!(decode_event_json(&text).expect("reads"), event);
        let v1 = r#"{"type":"chose","to":"n4","choice":"c2","node":"n1","at_ms":42,"seq":3,"attempt_id":"a1"}"#;
        assert_eq!(decode_event_json(v1).expect("format 1 text"), event);
        assert!(matches!(
            decode_event_json(r#"{"v":3,"seq":1,"at_ms":0,"action":{"type":"advanced","to":{"at":"done"}}}"#),
            Err(RecordError::Corrupt(m)) if m.contains("attempt_id")
        ));

        let summary: AttemptSummary = serde_json::from_value(json!({
            "id": "a1", "kind": "scenario", "content_id": "s", "version": "v",
            "learner_id": "l", "started_ms": 1, "updated_ms": 2, "status": "completed",
            "steps_done": 3, "steps_total": 3, "ending": "e", "events": 4
        }))
        .expect("summary");
        let text = encode_summary_json(&summary);
        assert!(text.starts_with("{\"v\":4,\"id\":"), "{text}");
        assert_eq!(decode_summary_json(&text).expect("reads"), summary);
        assert_eq!(encode_summary(&summary)["v"], json!(4));
        let newer = text.replacen("\"v\":4", "\"v\":5", 1);
        assert_eq!(decode_summary_json(&newer), Err(RecordError::TooNew(5)));
        assert!(matches!(
            decode_summary(json!([1])),
            Err(RecordError::Corrupt(_))
        ));
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
