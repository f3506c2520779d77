//! What the catalog and the history pages read: an attempt's status and the summary kept
//! beside its log, and the questions asked of a learner's summaries (the latest pre-test's
//! items, the gain, an entry's state).

use serde::{Deserialize, Serialize};

use crate::model::{Content, ContentKind, EndingKind};
use crate::module::{normalised_gain, AttemptMode, CheckScore, Gain};
use crate::scenario::{self, CompetencyResult};

use super::event::is_false;
use super::{Attempt, Outcome, Progress};

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

impl Attempt {
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
