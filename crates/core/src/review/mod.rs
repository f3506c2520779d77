//! The trainer review: pure aggregation of xAPI statements read back from an LRS.
//!
//! 1. [`parse_page`] reads an LRS answer into lean [`Statement`]s (tolerant, malformed ones
//!    counted and skipped);
//! 2. [`Class::build`] keeps only the statements the trust checks accept (authority names
//!    the actor; a content version in [`Versions`]), groups them into attempts (by
//!    registration) per learner and content, and recomputes every result from the content
//!    version ([`recompute`]; what differs is listed as a [`Claim`]): that is a [`Prepared`]
//!    class, which the filter then selects from; the trainer's cache keeps it as a
//!    [`snapshot`] so a class reopens without replaying its statements;
//! 3. [`scenario_review`], [`learner_review`] and [`item_analysis`] compute the views,
//!    [`item_position_bias`] and [`node_position_bias`] whether learners choose by the place
//!    an option is shown at, and
//!    [`pre_post`], [`evaluation_summary`] and [`ratings_vs_measured`] the self-assessment
//!    figures (pre-tests, self-ratings and evaluations are never module attempts);
//! 4. every view renders as [`Table`]s whose cells are final display text, and
//!    [`Table::to_csv`] exports exactly those cells.
//!
//! Nothing here reads a clock or the network; the app fetches the pages and hands them in,
//! reading them as [`refresh`] says (oldest first, a mark that never runs ahead of the cache).

mod assess;
mod class;
mod items;
mod labels;
mod lean;
mod pack;
mod packed;
mod position;
pub mod refresh;
mod scenario;
pub mod snapshot;
mod statement;
mod table;
pub(crate) mod time;
mod trust;

#[cfg(feature = "report")]
pub mod city;

#[cfg(test)]
mod tests;

pub use assess::{
    evaluation_summary, pre_post, ratings_vs_measured, EvaluationSummary, EvaluationText,
    LikertStats, PrePost, PrePostRow, RatingVsMeasuredRow, EVALUATION_QUESTIONS,
};
pub use class::{
    Attempt, ChoiceMade, Class, ContentRef, EvaluationRecord, Filter, Finish, ItemAnswer, Learner,
    Prepared, PreparedAttempt, SelfRatingAnswer, SkipCounts,
};
pub use items::{
    item_analysis, ItemAnalysis, ItemFlag, ItemStats, OptionCount, PatternCount,
    MISLEADING_DISCRIMINATION, TOO_EASY_FACILITY, TOO_HARD_FACILITY, UPPER_LOWER_SHARE,
};
pub use lean::{is_current_lean, lean_json};
pub use pack::PackError;
pub use packed::{cached_form, pack_page, read_cached, CachedForm};
pub use position::{item_position_bias, node_position_bias, PositionBias};
pub use scenario::{
    flow_layout, learner_review, scenario_review, AttemptPath, ChoiceFlow, CompetencyAverage,
    DropOff, EndingCount, FirstBest, FirstBestSide, FlowEdge, LearnerReview, LoopStats, NodeFlow,
    PathStep, ScenarioReview, ScoreBucket, SubOptimal,
};
pub use statement::{parse_page, parse_statement, Account, Page, ResultView, Statement};
pub use table::{
    builtin_label, caption_key, csv_safe, item_position_table, layout_table, node_position_table,
    ratings_vs_measured_table, Labels, Table, LABEL_KEYS, TABLE_IDS,
};
pub use time::{format_clock, format_local_minute, parse_duration_ms, parse_timestamp_ms};
pub use trust::{
    is_right, parse_response, recompute, versions_named, vouched, vouched_anonymous, Claim,
    ClaimField, ClaimValue, Recomputed, SetAside, SetAsideReason, Trust, Versions,
};

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReviewError {
    #[error("the LRS answer is not JSON: {0}")]
    Json(String),
    #[error(
        "the LRS answer is JSON but has no `statements` list (nor is it a list of statements)"
    )]
    NotAPage,
}
