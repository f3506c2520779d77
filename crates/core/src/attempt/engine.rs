//! The attempt engine: starts an attempt, replays its log (a resume), and turns a learner's
//! intent into the events that record it ([`Attempt::decide`]), over the content version the
//! attempt was started on.

use crate::model::{Content, Item, Node};
use crate::module::{check_draw, draw_items, AttemptMode, CheckScore, Draw, ModuleState, Position};
use crate::scenario::{ScenarioState, Step};
use crate::shuffle;

use super::{Action, Attempt, AttemptError, AttemptEvent, Intent, Outcome, Progress, StartOptions};

/// What a `started` event fixes for the whole attempt.
struct Setup {
    mode: AttemptMode,
    draw: Option<Draw>,
    practice_only: bool,
    order_seed: Option<u32>,
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
}
