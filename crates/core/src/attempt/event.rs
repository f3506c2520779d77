//! The attempt log as stored: one [`AttemptEvent`] per durable fact, its [`Action`] and,
//! last, the [`Outcome`] (read back by the hand-written reader in [`crate::record`]).

use serde::{Deserialize, Serialize};

use crate::model::{Answer, ContentKind, EndingKind};
use crate::module::{AttemptMode, CheckScore, Draw, Position};

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

pub(super) fn is_false(b: &bool) -> bool {
    !*b
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
