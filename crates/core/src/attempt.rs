//! Attempts as append-only event logs.
//!
//! Every learner action becomes one or more [`AttemptEvent`]s, written durably before the UI
//! moves on. An attempt's state is the replay of its events over the content version it was
//! started on, so a reload resumes exactly where the learner was, and a changed content
//! version can never silently reinterpret old answers.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Answer, Content, ContentKind, EndingKind};
use crate::module::{CheckScore, ModuleError, ModuleState, Position};
use crate::scenario::{self, CompetencyResult, PlayError, ScenarioState, Step};

#[derive(Debug, Error, PartialEq)]
pub enum AttemptError {
    #[error("the attempt log is empty")]
    Empty,
    #[error("the attempt log does not start with `started`")]
    NotStarted,
    #[error("the attempt was taken on {expected} version {expected_version}, not on this content")]
    ContentMismatch {
        expected: String,
        expected_version: String,
    },
    #[error("event {seq} is out of order (expected {expected})")]
    OutOfOrder { seq: u32, expected: u32 },
    #[error("event {seq} does not fit this attempt: {reason}")]
    Invalid { seq: u32, reason: String },
    #[error(transparent)]
    Module(#[from] ModuleError),
    #[error(transparent)]
    Play(#[from] PlayError),
    #[error("this action does not apply to a {0}")]
    WrongKind(&'static str),
    #[error("the attempt is already finished")]
    Finished,
}

/// One durable fact of an attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptEvent {
    pub attempt_id: String,
    pub seq: u32,
    pub at_ms: i64,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    Started {
        kind: ContentKind,
        content_id: String,
        version: String,
        learner_id: String,
    },
    /// A practice or knowledge-check item answered (which one follows from the position).
    Answered {
        item: String,
        answer: Answer,
        correct: bool,
    },
    /// "Continue" in a module.
    Advanced { to: Position },
    /// A decision in a scenario.
    Chose {
        node: String,
        choice: String,
        to: String,
    },
    /// Written in the same transaction as the action that ended the attempt.
    Finished { outcome: Outcome },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Module {
        score: CheckScore,
        passed: bool,
    },
    Scenario {
        ending: String,
        ending_kind: EndingKind,
    },
}

/// What the learner asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    Answer { item: String, answer: Answer },
    Continue,
    Choose { choice: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Progress {
    Module(ModuleState),
    Scenario(ScenarioState),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub id: String,
    pub learner_id: String,
    pub kind: ContentKind,
    pub content_id: String,
    pub version: String,
    pub started_ms: i64,
    pub updated_ms: i64,
    pub next_seq: u32,
    pub progress: Progress,
    pub outcome: Option<Outcome>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    InProgress,
    /// A scenario that reached an ending, or a module check below the pass mark.
    Completed,
    Passed,
    Failed,
}

/// The derived record kept beside the log, for the catalog and the history pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub id: String,
    pub learner_id: String,
    pub kind: ContentKind,
    pub content_id: String,
    pub version: String,
    pub started_ms: i64,
    pub updated_ms: i64,
    pub status: AttemptStatus,
    pub steps_done: u32,
    pub steps_total: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<CheckScore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_kind: Option<EndingKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub competencies: Vec<CompetencyResult>,
    pub events: u32,
}

impl Attempt {
    /// A new attempt and its first event.
    pub fn start(
        content: &Content,
        attempt_id: impl Into<String>,
        learner_id: impl Into<String>,
        now_ms: i64,
    ) -> (Attempt, AttemptEvent) {
        let id = attempt_id.into();
        let learner_id = learner_id.into();
        let event = AttemptEvent {
            attempt_id: id.clone(),
            seq: 0,
            at_ms: now_ms,
            action: Action::Started {
                kind: content.kind(),
                content_id: content.id().to_owned(),
                version: content.version().to_owned(),
                learner_id: learner_id.clone(),
            },
        };
        let progress = match content {
            Content::Module(_) => Progress::Module(ModuleState::new()),
            Content::Scenario(s) => Progress::Scenario(ScenarioState::new(s)),
        };
        let attempt = Attempt {
            id,
            learner_id,
            kind: content.kind(),
            content_id: content.id().to_owned(),
            version: content.version().to_owned(),
            started_ms: now_ms,
            updated_ms: now_ms,
            next_seq: 1,
            progress,
            outcome: None,
        };
        (attempt, event)
    }

    /// Rebuilds an attempt from its log. Refuses logs that do not fit `content`.
    pub fn replay(content: &Content, events: &[AttemptEvent]) -> Result<Attempt, AttemptError> {
        let mut sorted: Vec<&AttemptEvent> = events.iter().collect();
        sorted.sort_by_key(|e| e.seq);
        let first = sorted.first().ok_or(AttemptError::Empty)?;
        let Action::Started {
            kind,
            content_id,
            version,
            learner_id,
        } = &first.action
        else {
            return Err(AttemptError::NotStarted);
        };
        if *kind != content.kind() || content_id != content.id() || version != content.version() {
            return Err(AttemptError::ContentMismatch {
                expected: content_id.clone(),
                expected_version: version.clone(),
            });
        }
        let (mut attempt, _) = Attempt::start(
            content,
            first.attempt_id.clone(),
            learner_id.clone(),
            first.at_ms,
        );
        for event in sorted.into_iter().skip(1) {
            if event.seq != attempt.next_seq {
                return Err(AttemptError::OutOfOrder {
                    seq: event.seq,
                    expected: attempt.next_seq,
                });
            }
            attempt
                .apply(content, event)
                .map_err(|e| AttemptError::Invalid {
                    seq: event.seq,
                    reason: e.to_string(),
                })?;
        }
        Ok(attempt)
    }

    pub fn is_finished(&self) -> bool {
        self.outcome.is_some()
    }

    /// Turns a learner intent into the events that record it, and the attempt after them.
    /// Nothing changes in `self`: the caller persists the events, then keeps the new attempt.
    pub fn decide(
        &self,
        content: &Content,
        intent: Intent,
        now_ms: i64,
    ) -> Result<(Attempt, Vec<AttemptEvent>), AttemptError> {
        if self.is_finished() {
            return Err(AttemptError::Finished);
        }
        let mut actions = Vec::new();
        match (&self.progress, content, intent) {
            (Progress::Module(st), Content::Module(m), Intent::Answer { item, answer }) => {
                let r = st.evaluate(m, &item, &answer)?;
                actions.push(Action::Answered {
                    item: r.item,
                    answer: r.answer,
                    correct: r.correct,
                });
            }
            (Progress::Module(st), Content::Module(m), Intent::Continue) => {
                let to = st.next_position(m)?;
                actions.push(Action::Advanced { to });
                if to == Position::Done {
                    let mut after = st.clone();
                    after.position = to;
                    let score = after.score(m);
                    actions.push(Action::Finished {
                        outcome: Outcome::Module {
                            score,
                            passed: score.passed(),
                        },
                    });
                }
            }
            (Progress::Scenario(st), Content::Scenario(s), Intent::Choose { choice }) => {
                let to = st.resolve(s, &choice)?;
                actions.push(Action::Chose {
                    node: st.node.clone(),
                    choice,
                    to: to.clone(),
                });
                if let Some(ending) = s.node(&to).and_then(|n| n.ending.as_ref()) {
                    actions.push(Action::Finished {
                        outcome: Outcome::Scenario {
                            ending: to,
                            ending_kind: ending.kind,
                        },
                    });
                }
            }
            (Progress::Module(_), _, _) => return Err(AttemptError::WrongKind("module")),
            (Progress::Scenario(_), _, _) => return Err(AttemptError::WrongKind("scenario")),
        }
        let mut next = self.clone();
        let mut events = Vec::with_capacity(actions.len());
        for action in actions {
            let event = AttemptEvent {
                attempt_id: self.id.clone(),
                seq: next.next_seq,
                at_ms: now_ms,
                action,
            };
            next.apply(content, &event)?;
            events.push(event);
        }
        Ok((next, events))
    }

    fn apply(&mut self, content: &Content, event: &AttemptEvent) -> Result<(), AttemptError> {
        if self.is_finished() {
            return Err(AttemptError::Finished);
        }
        match (&mut self.progress, content, &event.action) {
            (Progress::Module(st), Content::Module(m), Action::Answered { item, answer, .. }) => {
                let r = st.evaluate(m, item, answer)?;
                st.apply_answer(m, r)?;
            }
            (Progress::Module(st), Content::Module(m), Action::Advanced { to }) => {
                let expected = st.next_position(m)?;
                if expected != *to {
                    return Err(AttemptError::Invalid {
                        seq: event.seq,
                        reason: format!("advance to {to:?} but the next step is {expected:?}"),
                    });
                }
                st.position = expected;
            }
            (Progress::Module(st), Content::Module(m), Action::Finished { outcome }) => {
                if st.position != Position::Done {
                    return Err(AttemptError::Invalid {
                        seq: event.seq,
                        reason: "finished before the last step".into(),
                    });
                }
                let score = st.score(m);
                let expected = Outcome::Module {
                    score,
                    passed: score.passed(),
                };
                if *outcome != expected {
                    return Err(AttemptError::Invalid {
                        seq: event.seq,
                        reason: "recorded score differs from the replayed one".into(),
                    });
                }
                self.outcome = Some(expected);
            }
            (Progress::Scenario(st), Content::Scenario(s), Action::Chose { node, choice, to }) => {
                st.apply(
                    s,
                    &Step {
                        node: node.clone(),
                        choice: choice.clone(),
                        to: to.clone(),
                        at_ms: event.at_ms,
                    },
                )?;
            }
            (Progress::Scenario(st), Content::Scenario(s), Action::Finished { outcome }) => {
                let Some(ending) = s.node(&st.node).and_then(|n| n.ending.as_ref()) else {
                    return Err(AttemptError::Invalid {
                        seq: event.seq,
                        reason: "finished away from an ending".into(),
                    });
                };
                let expected = Outcome::Scenario {
                    ending: st.node.clone(),
                    ending_kind: ending.kind,
                };
                if *outcome != expected {
                    return Err(AttemptError::Invalid {
                        seq: event.seq,
                        reason: "recorded ending differs from the replayed one".into(),
                    });
                }
                self.outcome = Some(expected);
            }
            (_, _, action) => {
                return Err(AttemptError::Invalid {
                    seq: event.seq,
                    reason: format!("unexpected {action:?}"),
                })
            }
        }
        self.next_seq = event.seq + 1;
        self.updated_ms = self.updated_ms.max(event.at_ms);
        Ok(())
    }

    pub fn status(&self) -> AttemptStatus {
        match &self.outcome {
            None => AttemptStatus::InProgress,
            Some(Outcome::Module { passed: true, .. }) => AttemptStatus::Passed,
            Some(Outcome::Module { passed: false, .. }) => AttemptStatus::Failed,
            Some(Outcome::Scenario { .. }) => AttemptStatus::Completed,
        }
    }

    pub fn summary(&self, content: &Content) -> AttemptSummary {
        let (steps_done, steps_total, score, competencies) = match (&self.progress, content) {
            (Progress::Module(st), Content::Module(m)) => {
                let (done, total) = st.progress(m);
                let score = self.outcome.as_ref().map(|_| st.score(m));
                (done, total, score, Vec::new())
            }
            (Progress::Scenario(st), Content::Scenario(s)) => {
                let done = st.steps.len();
                let left = scenario::distance_to_ending(s, &st.node).unwrap_or(0);
                (done, done + left, None, scenario::profile(s, &st.steps))
            }
            _ => (0, 0, None, Vec::new()),
        };
        let (ending, ending_kind) = match &self.outcome {
            Some(Outcome::Scenario {
                ending,
                ending_kind,
            }) => (Some(ending.clone()), Some(*ending_kind)),
            _ => (None, None),
        };
        AttemptSummary {
            id: self.id.clone(),
            learner_id: self.learner_id.clone(),
            kind: self.kind,
            content_id: self.content_id.clone(),
            version: self.version.clone(),
            started_ms: self.started_ms,
            updated_ms: self.updated_ms,
            status: self.status(),
            steps_done: steps_done as u32,
            steps_total: steps_total as u32,
            score,
            ending,
            ending_kind,
            competencies,
            events: self.next_seq,
        }
    }
}

/// The catalog state of one module or scenario for a learner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    NotStarted,
    InProgress,
    Completed,
    Passed,
}

/// Best state over a learner's attempts of one entry (passed > completed > in progress).
pub fn entry_state<'a>(attempts: impl IntoIterator<Item = &'a AttemptSummary>) -> EntryState {
    attempts
        .into_iter()
        .map(|a| match a.status {
            AttemptStatus::InProgress => EntryState::InProgress,
            AttemptStatus::Completed | AttemptStatus::Failed => EntryState::Completed,
            AttemptStatus::Passed => EntryState::Passed,
        })
        .max()
        .unwrap_or(EntryState::NotStarted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module::tests::sample as sample_module;
    use crate::scenario::tests::sample as sample_scenario;

    fn run(content: &Content, intents: Vec<Intent>) -> (Attempt, Vec<AttemptEvent>) {
        let (mut attempt, first) = Attempt::start(content, "att-1", "learner-1", 1_000);
        let mut log = vec![first];
        for (i, intent) in intents.into_iter().enumerate() {
            let (next, events) = attempt
                .decide(content, intent, 2_000 + i as i64)
                .expect("valid intent");
            log.extend(events);
            attempt = next;
        }
        (attempt, log)
    }

    fn answer(item: &str, a: Answer) -> Intent {
        Intent::Answer {
            item: item.into(),
            answer: a,
        }
    }

    // Guards "resume at the exact step": replaying any prefix of the log gives the same state
    // as the live attempt had after that many events.
    #[test]
    fn replay_of_every_prefix_matches_live_state() {
        let content = Content::Scenario(sample_scenario());
        let (mut live, first) = Attempt::start(&content, "a", "l", 0);
        let mut log = vec![first];
        for (i, c) in ["b", "c"].iter().enumerate() {
            let (next, events) = live
                .decide(
                    &content,
                    Intent::Choose {
                        choice: (*c).into(),
                    },
                    i as i64 + 1,
                )
                .expect("choice");
            log.extend(events);
            live = next;
            let replayed = Attempt::replay(&content, &log).expect("replay");
            assert_eq!(replayed, live);
        }
        assert_eq!(live.status(), AttemptStatus::Completed);
        assert!(matches!(
            live.outcome,
            Some(Outcome::Scenario { ref ending, ending_kind: EndingKind::Mixed }) if ending == "ok"
        ));
    }

    // Guards the module outcome: the finished event carries the score and pass decision.
    #[test]
    fn module_attempt_records_score() {
        let content = Content::Module(sample_module());
        let (attempt, log) = run(
            &content,
            vec![
                answer("p1", Answer::Single("a".into())),
                Intent::Continue,
                answer("p2", Answer::TrueFalse(true)),
                Intent::Continue,
                answer("q1", Answer::Multiple(vec!["a".into(), "c".into()])),
                Intent::Continue,
                answer(
                    "q2",
                    Answer::Ordering(vec!["c".into(), "a".into(), "b".into()]),
                ),
                Intent::Continue,
                answer("q3", Answer::Single("a".into())),
                Intent::Continue,
            ],
        );
        assert_eq!(attempt.status(), AttemptStatus::Passed);
        let last = log.last().expect("events");
        assert!(matches!(
            last.action,
            Action::Finished {
                outcome: Outcome::Module {
                    passed: true,
                    score: CheckScore {
                        raw: 3,
                        max: 4,
                        pass: 3
                    }
                }
            }
        ));
        let summary = attempt.summary(&content);
        assert_eq!(summary.events, log.len() as u32);
        assert_eq!(Attempt::replay(&content, &log).expect("replay"), attempt);
    }

    // Guards against resuming an attempt on a different content version (answers would be
    // reinterpreted against other questions).
    #[test]
    fn replay_refuses_other_version() {
        let content = Content::Scenario(sample_scenario());
        let (_, log) = run(&content, vec![Intent::Choose { choice: "a".into() }]);
        let mut changed = sample_scenario();
        changed.version = "v2".into();
        let err = Attempt::replay(&Content::Scenario(changed), &log).unwrap_err();
        assert!(matches!(err, AttemptError::ContentMismatch { .. }));
    }

    // Guards against a gap in the log (a lost event) going unnoticed.
    #[test]
    fn replay_refuses_gaps() {
        let content = Content::Scenario(sample_scenario());
        let (_, mut log) = run(
            &content,
            vec![
                Intent::Choose { choice: "a".into() },
                Intent::Choose { choice: "c".into() },
            ],
        );
        log.remove(1);
        assert!(matches!(
            Attempt::replay(&content, &log),
            Err(AttemptError::OutOfOrder { .. })
        ));
    }

    // Guards the catalog badge: the best state wins over older attempts.
    #[test]
    fn entry_state_takes_the_best() {
        let content = Content::Scenario(sample_scenario());
        let (done, _) = run(
            &content,
            vec![
                Intent::Choose { choice: "a".into() },
                Intent::Choose { choice: "c".into() },
            ],
        );
        let (open, _) = run(&content, vec![Intent::Choose { choice: "a".into() }]);
        let s1 = done.summary(&content);
        let s2 = open.summary(&content);
        assert_eq!(entry_state([&s2]), EntryState::InProgress);
        assert_eq!(entry_state([&s2, &s1]), EntryState::Completed);
        assert_eq!(entry_state(std::iter::empty()), EntryState::NotStarted);
    }
}
