//! Attempts as append-only event logs.
//!
//! Every learner action becomes one or more [`AttemptEvent`]s, written durably before the UI
//! moves on. An attempt's state is the replay of its events over the content version it was
//! started on, so a reload resumes exactly where the learner was, and a changed content
//! version can never silently reinterpret old answers.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Answer, Content, ContentKind, EndingKind, Item, Node};
use crate::module::{
    check_draw, draw_items, normalised_gain, AttemptMode, CheckScore, Draw, Gain, ModuleError,
    ModuleState, Position,
};
use crate::scenario::{self, CompetencyResult, PlayError, ScenarioState, Step};
use crate::shuffle;

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
    #[error("the attempt does not fit this module: {0}")]
    Setup(String),
}

/// One durable fact of an attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptEvent {
    pub attempt_id: String,
    pub seq: u32,
    pub at_ms: i64,
    pub action: Action,
}

/// Stored as `{"type":"chose", …its fields…}`; read by the hand-written reader in
/// [`crate::record`] (serde's derived reader of an internally tagged enum buffers the object).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// The first event. `mode`, `draw` and `practice_only` are module-only and absent from
    /// the JSON at their defaults, so an ordinary attempt's event reads as in format 2.
    /// `order_seed` (format 4) draws the order choices and options are shown in
    /// ([`crate::shuffle`]); absent in attempts recorded before it, which keep the written
    /// order.
    Started {
        kind: ContentKind,
        content_id: String,
        version: String,
        learner_id: String,
        #[serde(default, skip_serializing_if = "AttemptMode::is_full")]
        mode: AttemptMode,
        /// The items drawn from a question pool (seed and ids); None without a pool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draw: Option<Draw>,
        /// Taken offline: scored on the device (whose answer keys the learner could read), so
        /// the result is practice and never counts as a pass.
        #[serde(default, skip_serializing_if = "is_false")]
        practice_only: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_seed: Option<u32>,
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

impl Action {
    /// The action's `type` as stored (`started`, `answered`, …), for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Started { .. } => "started",
            Action::Answered { .. } => "answered",
            Action::Advanced { .. } => "advanced",
            Action::Chose { .. } => "chose",
            Action::Finished { .. } => "finished",
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What a `started` event fixes for the whole attempt.
struct Setup {
    mode: AttemptMode,
    draw: Option<Draw>,
    practice_only: bool,
    order_seed: Option<u32>,
}

/// Stored as `{"kind":"module"|"scenario", …}`; read by [`crate::record`] (as [`Action`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Module {
        score: CheckScore,
        /// Counts as a pass: the pass mark reached in a full, not practice-only attempt. A
        /// pre-test or a practice-only attempt is never passed, whatever its score.
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

/// How an attempt starts. Randomness comes in here: `seed` and `order_seed` (None: derived
/// from the attempt id, which the app generates at random). Only `order_seed` applies to a
/// scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StartOptions {
    pub mode: AttemptMode,
    /// Seed of a question pool's draw.
    pub seed: Option<u32>,
    /// Seed of the order choices and options are shown in ([`crate::shuffle`]).
    pub order_seed: Option<u32>,
    /// Pool items to keep out of the draw when the pool allows (the latest pre-test's, see
    /// [`latest_pretest_items`]).
    pub avoid: Vec<String>,
    pub practice_only: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub id: String,
    pub learner_id: String,
    pub kind: ContentKind,
    pub content_id: String,
    pub version: String,
    pub mode: AttemptMode,
    pub draw: Option<Draw>,
    pub practice_only: bool,
    /// Seed of the shown order of choices and options; None for an attempt recorded before
    /// the shuffle (written order).
    pub order_seed: Option<u32>,
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

impl AttemptStatus {
    /// The variant's name (`InProgress`, `Completed`, …), as the pages' `data-status`.
    pub fn name(self) -> &'static str {
        match self {
            AttemptStatus::InProgress => "InProgress",
            AttemptStatus::Completed => "Completed",
            AttemptStatus::Passed => "Passed",
            AttemptStatus::Failed => "Failed",
        }
    }
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
    #[serde(default, skip_serializing_if = "AttemptMode::is_full")]
    pub mode: AttemptMode,
    /// The drawn check items (question pools only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drawn: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub practice_only: bool,
}

/// A 32-bit seed derived from an attempt id (FNV-1a), for attempts started without one.
pub fn seed_from_id(attempt_id: &str) -> u32 {
    shuffle::fnv1a(attempt_id)
}

/// The order seed of an attempt started without one: derived from its id, apart from the
/// draw's seed.
fn order_seed_from_id(attempt_id: &str) -> u32 {
    shuffle::fnv1a(&format!("{attempt_id}/order"))
}

impl Attempt {
    /// A new attempt and its first event: a full attempt, a pool drawn and the shown order
    /// seeded from the attempt id.
    pub fn start(
        content: &Content,
        attempt_id: impl Into<String>,
        learner_id: impl Into<String>,
        now_ms: i64,
    ) -> (Attempt, AttemptEvent) {
        let id = attempt_id.into();
        let draw = match content {
            Content::Module(m) => draw_items(&m.check, seed_from_id(&id), &[]),
            Content::Scenario(_) => None,
        };
        let order_seed = Some(order_seed_from_id(&id));
        Self::build(
            content,
            id,
            learner_id.into(),
            now_ms,
            Setup {
                mode: AttemptMode::Full,
                draw,
                practice_only: false,
                order_seed,
            },
        )
    }

    /// A new module attempt with options: a pre-test, a seed, items to avoid, practice only.
    pub fn start_with(
        content: &Content,
        attempt_id: impl Into<String>,
        learner_id: impl Into<String>,
        now_ms: i64,
        options: StartOptions,
    ) -> Result<(Attempt, AttemptEvent), AttemptError> {
        let id = attempt_id.into();
        let order_seed = Some(
            options
                .order_seed
                .unwrap_or_else(|| order_seed_from_id(&id)),
        );
        let Content::Module(m) = content else {
            let module_only = StartOptions {
                order_seed: None,
                ..options
            };
            if module_only != StartOptions::default() {
                return Err(AttemptError::WrongKind("scenario"));
            }
            return Ok(Self::build(
                content,
                id,
                learner_id.into(),
                now_ms,
                Setup {
                    mode: AttemptMode::Full,
                    draw: None,
                    practice_only: false,
                    order_seed,
                },
            ));
        };
        let seed = options.seed.unwrap_or_else(|| seed_from_id(&id));
        let draw = draw_items(&m.check, seed, &options.avoid);
        Ok(Self::build(
            content,
            id,
            learner_id.into(),
            now_ms,
            Setup {
                mode: options.mode,
                draw,
                practice_only: options.practice_only,
                order_seed,
            },
        ))
    }

    fn build(
        content: &Content,
        id: String,
        learner_id: String,
        now_ms: i64,
        setup: Setup,
    ) -> (Attempt, AttemptEvent) {
        let Setup {
            mode,
            draw,
            practice_only,
            order_seed,
        } = setup;
        let event = AttemptEvent {
            attempt_id: id.clone(),
            seq: 0,
            at_ms: now_ms,
            action: Action::Started {
                kind: content.kind(),
                content_id: content.id().to_owned(),
                version: content.version().to_owned(),
                learner_id: learner_id.clone(),
                mode,
                draw: draw.clone(),
                practice_only,
                order_seed,
            },
        };
        let progress = match content {
            Content::Module(_) => Progress::Module(ModuleState::with(
                mode,
                draw.as_ref().map(|d| d.items.clone()),
            )),
            Content::Scenario(s) => Progress::Scenario(ScenarioState::new(s)),
        };
        let attempt = Attempt {
            id,
            learner_id,
            kind: content.kind(),
            content_id: content.id().to_owned(),
            version: content.version().to_owned(),
            mode,
            draw,
            practice_only,
            order_seed,
            started_ms: now_ms,
            updated_ms: now_ms,
            next_seq: 1,
            progress,
            outcome: None,
        };
        (attempt, event)
    }

    /// The outcome of a module attempt with this score (see [`Outcome::Module`]).
    fn module_outcome(&self, score: CheckScore) -> Outcome {
        Outcome::Module {
            score,
            passed: score.passed() && self.mode == AttemptMode::Full && !self.practice_only,
        }
    }

    /// Rebuilds an attempt from its log. Refuses logs that do not fit `content`.
    pub fn replay(content: &Content, events: &[AttemptEvent]) -> Result<Attempt, AttemptError> {
        let mut sorted: Vec<&AttemptEvent> = events.iter().collect();
        crate::order::sort_by_key(&mut sorted, |e| i64::from(e.seq));
        let first = sorted.first().ok_or(AttemptError::Empty)?;
        let Action::Started {
            kind,
            content_id,
            version,
            learner_id,
            mode,
            draw,
            practice_only,
            order_seed,
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
        match content {
            Content::Module(m) => {
                check_draw(&m.check, draw.as_ref()).map_err(AttemptError::Setup)?
            }
            Content::Scenario(_) => {
                if !mode.is_full() || draw.is_some() || *practice_only {
                    return Err(AttemptError::Setup(
                        "pre-tests, draws and practice-only apply to modules".into(),
                    ));
                }
            }
        }
        let (mut attempt, _) = Attempt::build(
            content,
            first.attempt_id.clone(),
            learner_id.clone(),
            first.at_ms,
            Setup {
                mode: *mode,
                draw: draw.clone(),
                practice_only: *practice_only,
                order_seed: *order_seed,
            },
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

    /// The order this attempt shows a node's choices in: `order[k]` is the index (in
    /// `node.choices`) of the choice at place `k` ([`crate::shuffle`]).
    pub fn choice_order(&self, node: &Node) -> Vec<usize> {
        shuffle::choice_order(self.order_seed, node)
    }

    /// The order this attempt shows an item's options in (indices into `item.options`):
    /// shuffled for single and multiple choice, pinned options in place; written otherwise.
    pub fn option_order(&self, item: &Item) -> Vec<usize> {
        shuffle::option_order(self.order_seed, item)
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
                    actions.push(Action::Finished {
                        outcome: self.module_outcome(after.score(m)),
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
                        reason: format!(
                            "advance to {} but the next step is {}",
                            to.describe(),
                            expected.describe()
                        ),
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
                let passed =
                    score.passed() && self.mode == AttemptMode::Full && !self.practice_only;
                let expected = Outcome::Module { score, passed };
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
                    reason: format!("unexpected `{}` event", action.name()),
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
            // A pre-test diagnoses and a practice-only result does not count: neither passes
            // nor fails.
            Some(Outcome::Module { .. }) if !self.mode.is_full() || self.practice_only => {
                AttemptStatus::Completed
            }
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
            mode: self.mode,
            drawn: self
                .draw
                .as_ref()
                .map(|d| d.items.clone())
                .unwrap_or_default(),
            practice_only: self.practice_only,
        }
    }
}

/// The items of the learner's latest pre-test of `module` (any content version: ids carry
/// over), to avoid in the post-test draw. Empty when there is none.
pub fn latest_pretest_items(summaries: &[AttemptSummary], module: &str) -> Vec<String> {
    summaries
        .iter()
        .filter(|s| {
            s.kind == ContentKind::Module
                && s.content_id == module
                && s.mode == AttemptMode::PreTest
        })
        .max_by_key(|s| s.started_ms)
        .map(|s| s.drawn.clone())
        .unwrap_or_default()
}

/// The gain from the learner's latest finished pre-test of `module` to the latest finished
/// knowledge check (full attempt, practice-only ones included: the learner still learned)
/// started after it. None without such a pair.
pub fn pretest_gain(summaries: &[AttemptSummary], module: &str) -> Option<Gain> {
    let finished = |s: &&AttemptSummary| {
        s.kind == ContentKind::Module
            && s.content_id == module
            && s.status != AttemptStatus::InProgress
            && s.score.is_some()
    };
    let post = summaries
        .iter()
        .filter(finished)
        .filter(|s| s.mode == AttemptMode::Full)
        .max_by_key(|s| s.started_ms)?;
    let pre = summaries
        .iter()
        .filter(finished)
        .filter(|s| s.mode == AttemptMode::PreTest && s.started_ms <= post.started_ms)
        .max_by_key(|s| s.started_ms)?;
    normalised_gain(&pre.score?, &post.score?)
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
/// Pre-tests do not count: taking one does not complete the module.
pub fn entry_state<'a>(attempts: impl IntoIterator<Item = &'a AttemptSummary>) -> EntryState {
    attempts
        .into_iter()
        .filter(|a| a.mode.is_full())
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

    use crate::module::tests::pool_sample;

    /// Answers every check item of a module attempt (right or wrong), continuing after each.
    fn finish_check(
        content: &Content,
        mut attempt: Attempt,
        right: bool,
    ) -> (Attempt, Vec<AttemptEvent>) {
        let Content::Module(m) = content else {
            panic!("module expected")
        };
        let mut log = Vec::new();
        let mut t = 10_000;
        while !attempt.is_finished() {
            let Progress::Module(st) = &attempt.progress else {
                panic!("module progress")
            };
            let intent = match st.current_response(m) {
                Some(_) => Intent::Continue,
                None => {
                    let item = st.current_item(m).expect("an item");
                    let answer = match (&item.answer, right) {
                        (a, true) => a.clone(),
                        (Answer::TrueFalse(b), false) => Answer::TrueFalse(!b),
                        (_, false) => Answer::Single("b".into()),
                    };
                    Intent::Answer {
                        item: item.id.clone(),
                        answer,
                    }
                }
            };
            t += 1_000;
            let (next, events) = attempt.decide(content, intent, t).expect("valid");
            log.extend(events);
            attempt = next;
        }
        (attempt, log)
    }

    // Guards the pre-test: the check alone, recorded with its draw, never a pass (even when
    // perfect), left out of the catalog badge, and replayable from its log.
    #[test]
    fn pretest_attempt_is_a_diagnosis() {
        let content = Content::Module(pool_sample());
        let opts = StartOptions {
            mode: AttemptMode::PreTest,
            seed: Some(11),
            ..StartOptions::default()
        };
        let (attempt, first) =
            Attempt::start_with(&content, "pre-1", "l", 1_000, opts).expect("start");
        let Action::Started { draw, .. } = &first.action else {
            panic!("started")
        };
        let draw = draw.clone().expect("drawn");
        assert_eq!(draw.seed, 11);
        let (done, log) = finish_check(&content, attempt, true);
        assert_eq!(done.status(), AttemptStatus::Completed);
        assert!(matches!(
            done.outcome,
            Some(Outcome::Module { passed: false, score }) if score.raw == 2 && score.max == 2
        ));
        let mut full_log = vec![first];
        full_log.extend(log);
        assert_eq!(Attempt::replay(&content, &full_log).expect("replay"), done);
        let summary = done.summary(&content);
        assert_eq!(summary.mode, AttemptMode::PreTest);
        assert_eq!(summary.drawn, draw.items);
        assert_eq!(entry_state([&summary]), EntryState::NotStarted);
    }

    // Guards the post-test draw: it avoids the latest pre-test's items (pool >= 2N), and the
    // gain is computed from the pre-test and the later check.
    #[test]
    fn posttest_avoids_pretest_items_and_gain_follows() {
        let content = Content::Module(pool_sample());
        let pre_opts = StartOptions {
            mode: AttemptMode::PreTest,
            seed: Some(3),
            ..StartOptions::default()
        };
        let (pre, _) = Attempt::start_with(&content, "pre", "l", 1_000, pre_opts).expect("pre");
        let (pre, _) = finish_check(&content, pre, false);
        let summaries = vec![pre.summary(&content)];
        let avoid = latest_pretest_items(&summaries, "pool");
        assert_eq!(avoid.len(), 2);
        let post_opts = StartOptions {
            avoid: avoid.clone(),
            ..StartOptions::default()
        };
        let (post, _) =
            Attempt::start_with(&content, "post", "l", 50_000, post_opts).expect("post");
        let drawn = post.draw.clone().expect("draw").items;
        assert!(drawn.iter().all(|i| !avoid.contains(i)));
        let (post, _) = finish_check(&content, post, true);
        assert_eq!(post.status(), AttemptStatus::Passed);
        let mut all = summaries;
        all.push(post.summary(&content));
        let gain = pretest_gain(&all, "pool").expect("gain");
        assert_eq!(
            (gain.pre_percent, gain.post_percent, gain.normalised),
            (0.0, 100.0, 1.0)
        );
        assert!(pretest_gain(&all[..1], "pool").is_none());
    }

    // Guards "practice only" (taken offline, keys on the device): scored and kept, but not a
    // pass even at full marks.
    #[test]
    fn practice_only_attempt_never_passes() {
        let content = Content::Module(sample_module());
        let opts = StartOptions {
            practice_only: true,
            ..StartOptions::default()
        };
        let (a, first) = Attempt::start_with(&content, "p", "l", 0, opts).expect("start");
        let (done, log) = finish_check(&content, a, true);
        assert_eq!(done.status(), AttemptStatus::Completed);
        assert!(matches!(
            done.outcome,
            Some(Outcome::Module { passed: false, .. })
        ));
        assert!(done.summary(&content).practice_only);
        let mut full = vec![first];
        full.extend(log);
        assert_eq!(Attempt::replay(&content, &full).expect("replay"), done);
    }

    // Guards "without draw nothing else changes": an ordinary attempt's first event adds only
    // the order seed to its JSON, and a tampered draw (an item outside the pool) does not
    // replay.
    #[test]
    fn ordinary_start_is_unchanged_and_tampered_draws_are_refused() {
        let content = Content::Module(sample_module());
        let (_, first) = Attempt::start(&content, "a", "l", 0);
        let json = serde_json::to_value(&first.action).expect("json");
        let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            [
                "content_id",
                "kind",
                "learner_id",
                "order_seed",
                "type",
                "version"
            ]
        );

        let pool = Content::Module(pool_sample());
        let (a, mut first) = Attempt::start(&pool, "b", "l", 0);
        assert_eq!(a.draw.as_ref().map(|d| d.items.len()), Some(2));
        if let Action::Started { draw: Some(d), .. } = &mut first.action {
            d.items[0] = "q1".into();
        }
        assert!(matches!(
            Attempt::replay(&pool, &[first]),
            Err(AttemptError::Setup(_))
        ));
        assert!(matches!(
            Attempt::start_with(
                &Content::Scenario(sample_scenario()),
                "s",
                "l",
                0,
                StartOptions {
                    mode: AttemptMode::PreTest,
                    ..StartOptions::default()
                }
            ),
            Err(AttemptError::WrongKind(_))
        ));
    }

    // Guards "a resume shows what the learner saw": the shown order comes from the seed in
    // the `started` event, so the replayed attempt shows every node and item in the live
    // attempt's order, and another attempt (another id) gets another seed.
    #[test]
    fn resume_keeps_the_shown_order() {
        let scenario = Content::Scenario(sample_scenario());
        let Content::Scenario(s) = &scenario else {
            unreachable!()
        };
        let (live, first) = Attempt::start(&scenario, "att-1", "l", 0);
        let Action::Started { order_seed, .. } = &first.action else {
            panic!("started")
        };
        assert_eq!(*order_seed, live.order_seed);
        assert!(order_seed.is_some());
        let replayed = Attempt::replay(&scenario, &[first]).expect("replay");
        for node in &s.nodes {
            assert_eq!(replayed.choice_order(node), live.choice_order(node));
        }
        let (other, _) = Attempt::start(&scenario, "att-2", "l", 0);
        assert_ne!(other.order_seed, live.order_seed);

        let module = Content::Module(sample_module());
        let Content::Module(m) = &module else {
            unreachable!()
        };
        let (live, first) = Attempt::start_with(
            &module,
            "att-3",
            "l",
            0,
            StartOptions {
                order_seed: Some(7),
                ..StartOptions::default()
            },
        )
        .expect("start");
        assert_eq!(live.order_seed, Some(7));
        let replayed = Attempt::replay(&module, &[first]).expect("replay");
        for item in m
            .check
            .items
            .iter()
            .chain(m.lessons.iter().map(|l| &l.practice))
        {
            assert_eq!(replayed.option_order(item), live.option_order(item));
        }
        // ordering and true/false items keep their written order here
        let ordering = &m.check.items[1];
        assert_eq!(live.option_order(ordering), [0, 1, 2]);
    }

    // Guards the attempts recorded before the shuffle: a `started` without a seed replays
    // with the written order, so a resume shows what the learner saw then.
    #[test]
    fn an_attempt_without_a_seed_keeps_the_written_order() {
        let content = Content::Scenario(sample_scenario());
        let Content::Scenario(s) = &content else {
            unreachable!()
        };
        let (_, mut first) = Attempt::start(&content, "old", "l", 0);
        if let Action::Started { order_seed, .. } = &mut first.action {
            *order_seed = None;
        }
        let old = Attempt::replay(&content, &[first]).expect("replay");
        assert_eq!(old.order_seed, None);
        for node in &s.nodes {
            assert_eq!(
                old.choice_order(node),
                (0..node.choices.len()).collect::<Vec<_>>()
            );
        }
        assert!(Attempt::start_with(
            &content,
            "s",
            "l",
            0,
            StartOptions {
                order_seed: Some(3),
                ..StartOptions::default()
            }
        )
        .is_ok_and(|(a, _)| a.order_seed == Some(3)));
    }
}
