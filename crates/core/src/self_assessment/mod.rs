//! Self-assessment (tự đánh giá): where a learner stands against the standard of their
//! position, which competencies are weak, what to study next; before and after a module.
//!
//! - [`levels`]: qualification levels as ordered enums (sơ cấp < trung cấp < cao cấp …);
//! - [`standards`]: the position standards compiled from `content/standards.toml`;
//! - [`profile`]: the learner's position and qualifications, stored with a format version;
//! - [`gap`]: the gap report (met / not met / unknown per requirement, and what closes it);
//! - [`rating`]: competency self-ratings (before / after a module) and their comparisons;
//! - [`evaluation`]: the learner's evaluation of a module (đánh giá khóa học);
//! - [`stored`]: a self-rating or an evaluation as the device stores it (versioned envelope);
//! - [`Consent`]: what the learner agrees to share; nothing else leaves the device.
//!
//! Pre-tests and the normalised gain live with the module engine ([`crate::module`]).

pub mod evaluation;
pub mod gap;
pub mod levels;
pub mod profile;
pub mod rating;
pub mod standards;
pub mod stored;

use serde::{Deserialize, Serialize};

pub use evaluation::{Evaluation, EvaluationError};
pub use gap::{gap_report, Evidence, GapReport, GapStatus};
pub use levels::{
    Education, ForeignLanguage, ItSkill, Level, PoliticalTheory, Qualification, StateManagement,
};
pub use profile::Profile;
pub use rating::{compare, compare_with_measured, measured_levels, Phase, SelfRating};
pub use standards::{PositionStandard, Standards};
pub use stored::{SelfRecord, SELF_RECORD_FORMAT};

/// What the learner agrees to share with the training centre's LRS. Private by default: the
/// xAPI mapping produces no statement for a self-rating unless `share_self_ratings`, and never
/// names the learner's position unless `share_profile`. (Module attempts, pre-tests included,
/// and evaluations are training records and are always sent; an evaluation can be anonymous.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    #[serde(default)]
    pub share_self_ratings: bool,
    #[serde(default)]
    pub share_profile: bool,
}

#[cfg(test)]
pub(crate) mod tests;
