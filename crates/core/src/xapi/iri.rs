//! The IRIs the portal mints: activity ids and extension keys under the configurable base
//! (`{base}/modules/{id}`, `{base}/extensions/{name}`, …), the [`StatementContext`] that
//! carries that base with the learner, and the check that a base is an absolute IRI.

use serde::{Deserialize, Serialize};

use crate::text::Lang;
// One IRI path segment: content ids are slugs already; this only guards hand-made content.
use crate::urls::percent_encode as seg;

/// The learner as an xAPI account agent (never an mbox: no e-mail leaves the device).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learner {
    /// Display name.
    pub name: String,
    /// IRI of the system that issued the account (e.g. the portal or the LRS).
    pub home_page: String,
    /// The account name there (e.g. the LRS account).
    pub account_name: String,
}

/// Everything a statement needs besides the log and the content. Keep it fixed for an attempt:
/// with derived ids, a different context gives a different body under the same id (409).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementContext {
    /// Base IRI of activity ids and extensions, e.g. `https://boiduong.example/xapi`.
    pub base: String,
    pub learner: Learner,
    /// Class code (mã lớp); empty when none.
    pub class_code: String,
    /// `context.platform`, e.g. `Boiduong 0.1.0 (web)`.
    pub platform: String,
    /// `context.language`: the interface language.
    pub language: Lang,
}

impl StatementContext {
    pub(super) fn base(&self) -> &str {
        self.base.trim_end_matches('/')
    }

    /// `{base}/extensions/{name}`.
    pub fn extension(&self, name: &str) -> String {
        format!("{}/extensions/{name}", self.base())
    }

    pub fn profile_id(&self) -> String {
        format!("{}/profile", self.base())
    }

    pub fn field_type(&self) -> String {
        format!("{}/activity-types/field", self.base())
    }

    pub fn field_id(&self, field: &str) -> String {
        format!("{}/fields/{}", self.base(), seg(field))
    }

    pub fn module_id(&self, module: &str) -> String {
        format!("{}/modules/{}", self.base(), seg(module))
    }

    pub fn lesson_id(&self, module: &str, lesson: &str) -> String {
        format!("{}/lessons/{}", self.module_id(module), seg(lesson))
    }

    pub fn item_id(&self, module: &str, item: &str) -> String {
        format!("{}/items/{}", self.module_id(module), seg(item))
    }

    pub fn scenario_id(&self, scenario: &str) -> String {
        format!("{}/scenarios/{}", self.base(), seg(scenario))
    }

    /// A module's pre-test, an activity of its own.
    pub fn pretest_id(&self, module: &str) -> String {
        format!("{}/pretest", self.module_id(module))
    }

    /// A module's evaluation form (the parent of its questions).
    pub fn evaluation_form_id(&self, module: &str) -> String {
        format!("{}/evaluation", self.module_id(module))
    }

    /// A question of a module's evaluation (`usefulness`, `intended-use`, …).
    pub fn evaluation_id(&self, module: &str, question: &str) -> String {
        format!("{}/{}", self.evaluation_form_id(module), seg(question))
    }

    /// A learner's self-rating of a competency.
    pub fn self_rating_id(&self, competency: &str) -> String {
        format!(
            "{}/competencies/{}/self-rating",
            self.base(),
            seg(competency)
        )
    }

    pub fn node_id(&self, scenario: &str, node: &str) -> String {
        format!("{}/nodes/{}", self.scenario_id(scenario), seg(node))
    }
}

pub(super) fn is_absolute_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}

// ---------------------------------------------------------------------------------------------

pub(super) fn ext_key(ctx: &StatementContext, name: &str) -> String {
    ctx.extension(name)
}
