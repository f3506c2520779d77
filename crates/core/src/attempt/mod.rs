//! Attempts as append-only event logs.
//!
//! Every learner action becomes one or more [`AttemptEvent`]s, written durably before the UI
//! moves on. An attempt's state is the replay of its events over the content version it was
//! started on, so a reload resumes exactly where the learner was, and a changed content
//! version can never silently reinterpret old answers.
//!
//! - [`event`]: the log as stored (an event, its action, the outcome);
//! - [`engine`]: start, replay and [`Attempt::decide`] (an intent to its events);
//! - [`summary`]: an attempt's status and summary, and what is read from a learner's
//!   summaries (the latest pre-test, the gain, an entry's state).
//!
//! This file holds the attempt itself, what it is asked ([`Intent`]) and its errors.

pub mod engine;
pub mod event;
pub mod summary;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Answer, ContentKind};
use crate::module::{AttemptMode, Draw, ModuleError, ModuleState};
use crate::scenario::{PlayError, ScenarioState};

pub use engine::seed_from_id;
pub use event::{Action, AttemptEvent, Outcome};
pub use summary::{
    entry_state, latest_pretest_items, pretest_gain, AttemptStatus, AttemptSummary, EntryState,
};

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

#[cfg(test)]
mod tests;
