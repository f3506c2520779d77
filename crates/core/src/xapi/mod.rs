//! xAPI 1.0.3 statements for an attempt: the portal's xAPI profile (docs/xapi-profile.md).
//!
//! An attempt's log ([`AttemptEvent`]s) is mapped to statements by a pure function of the
//! log, the content version it was taken on, a [`StatementContext`] and an id source. Nothing
//! here reads a clock or a random source: timestamps come from `event.at_ms`, statement ids
//! from the caller (or [`derived_id`], which derives them from the attempt id, the event's
//! sequence number and the statement's place in that event, so that mapping the same log twice
//! gives byte-identical statements and re-sending them after a lost answer is idempotent).
//!
//! The statements of event `seq` depend only on events `0..=seq`: mapping a prefix of the log
//! gives a prefix of the statements, so the app maps the log after each recorded action and
//! queues the statements of the new events ([`statements_from`]).
//!
//! | event | statements |
//! |---|---|
//! | `Started` | `launched`, `initialized` (module or scenario) |
//! | `Answered` | `answered` (the item as a `cmi.interaction`) |
//! | `Advanced` | `experienced` (the lesson left, if a lesson) + `progressed` (module, unless done) |
//! | `Chose` | `answered` (the node as a `choice` interaction) |
//!
//! In an attempt whose choices and options are shuffled (an `order_seed` in `Started`), the
//! answers to single and multiple choice items and the scenario decisions also say where the
//! learner saw what they chose (`shown-position`, 1-based) and the order shown
//! (`shown-order`, the ids): the ids stay the statement's `response`.
//! | `Finished` | `completed` (+ `passed`/`failed` for full modules), `terminated` |
//!
//! A pre-test attempt's root activity is `{module}/pretest` (an `assessment`, parent the
//! module); its items carry `item-role` = `pretest` and its score goes on `completed`, with no
//! verdict, as for a practice-only attempt. Self-ratings and evaluations are mapped by
//! [`self_rating_statements`] (consent-gated) and [`evaluation_statements`].
//!
//! One file per concern: [`vocabulary`] (verb, activity type and extension names), [`iri`]
//! (the IRIs minted under the base, [`StatementContext`]), [`ids`] (statement ids), [`types`]
//! (the statement shape), [`calendar`] (timestamps, durations), [`html`] (language maps, HTML
//! to plain text), `mapping` (attempt logs) and `self_assessment` (self-ratings, evaluations).

use thiserror::Error;

use crate::attempt::AttemptError;

pub mod calendar;
mod class;
pub mod html;
pub mod ids;
pub mod iri;
mod mapping;
mod self_assessment;
pub mod types;
pub mod vocabulary;

#[cfg(test)]
mod tests;

pub use calendar::{civil_from_days, duration, timestamp};
pub use class::{
    class_activity, class_code, class_id, class_registration, class_type, joined_statement,
    ClassCodeError,
};
pub use html::plain_text;
pub use ids::{derived_id, StatementSlot};
pub use iri::{Learner, StatementContext};
pub use mapping::{response, statements_for, statements_from};
pub use self_assessment::{evaluation_statements, self_rating_statements};
pub use types::*;
pub use vocabulary::{activity_types, ext, verbs, CMI5_PROGRESS};

// The helpers the mappings share.
use html::lang_map;
use ids::normalize_uuid;
use iri::{ext_key, is_absolute_iri};
use types::{activity, typed};
use vocabulary::verb;

#[derive(Debug, Error, PartialEq)]
pub enum XapiError {
    #[error("the attempt log does not fit the content: {0}")]
    Log(#[from] AttemptError),
    #[error("the attempt id `{0}` is not an RFC 4122 UUID (it is the statements' registration)")]
    Registration(String),
    #[error("the id source gave `{0}`, which is not an RFC 4122 UUID")]
    StatementId(String),
    #[error("the base `{0}` is not an absolute IRI")]
    Base(String),
    #[error("the account home page `{0}` is not an absolute IRI")]
    HomePage(String),
    #[error("time {0} ms is outside the years 0000-9999")]
    Time(i64),
    #[error("event {seq} does not fit the content: {reason}")]
    Inconsistent { seq: u32, reason: String },
    #[error("not a valid record to send: {0}")]
    Invalid(String),
}
