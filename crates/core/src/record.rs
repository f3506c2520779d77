//! The stored record format, versioned, with a migration path.
//!
//! Records are JSON objects carrying `"v"`. Format 3 (current) stores an event as
//! `{"v":3,"attempt_id","seq","at_ms","action":{"type":…}}`; its `started` action may carry
//! `mode` (`pre_test`), `draw` (`{seed, items, avoided}`) and `practice_only`, and a summary
//! `mode`, `drawn` and `practice_only`. Format 2 had the same envelope without those fields:
//! it reads as format 3 with their defaults (a full attempt of the whole check, not practice),
//! which is what it meant. Format 3 is a new number, not a silent extension, so that an older
//! portal refuses (and keeps) a pre-test's records instead of replaying them as a module
//! attempt. Format 1 stored the action's fields inline beside the envelope and had no `"v"`.
//! Each step is kept so the path from an older layout is exercised by tests; a future layout
//! change adds a step to [`decode_event`] the same way. Records are never rewritten in place
//! by a read: the migrated form is written back only by an explicit upgrade.

use serde::de::{Deserializer, Error as _, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::attempt::{Action, AttemptEvent, AttemptSummary, Outcome};
use crate::model::{Answer, ContentKind, EndingKind};
use crate::module::{AttemptMode, CheckScore, Draw, Position};

/// Current format of stored records.
pub const RECORD_FORMAT: u64 = 3;

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

/// Every field a stored action may carry, whatever its `type`: one plain derived reader for
/// the whole log. (serde's derived reader of the internally tagged [`Action`] buffers each
/// object into an intermediate tree and reads it again: a second copy of every field's
/// reader in the wasm.)
#[derive(Deserialize)]
struct ActionFields {
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
        assert_eq!(stored["v"], json!(3));
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
            },
            Action::Started {
                kind: ContentKind::Scenario,
                content_id: "s".into(),
                version: "v".into(),
                learner_id: "l".into(),
                mode: AttemptMode::Full,
                draw: None,
                practice_only: false,
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
