//! The statement shape: the subset of xAPI 1.0.3 the portal emits, as serde types, and the
//! small constructors the mappings share.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A language map: BCP 47 tag -> text.
pub type LanguageMap = BTreeMap<String, String>;
/// Extensions: IRI -> any JSON.
pub type Extensions = BTreeMap<String, Value>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub id: String,
    pub actor: Agent,
    pub verb: Verb,
    pub object: Activity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<StatementResult>,
    pub context: Context,
    pub timestamp: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub object_type: String,
    /// Absent for an anonymous evaluation's actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub account: Account,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub home_page: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verb {
    pub id: String,
    pub display: LanguageMap,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub object_type: String,
    pub id: String,
    pub definition: ActivityDefinition,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ActivityDefinition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LanguageMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct_responses_pattern: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<InteractionComponent>>,
    /// The points of a `likert` interaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Vec<InteractionComponent>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionComponent {
    pub id: String,
    pub description: LanguageMap,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct StatementResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: Extensions,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub scaled: f64,
    pub raw: u32,
    pub min: u32,
    pub max: u32,
}

impl Score {
    /// `raw` points out of `max` (min 0); `scaled` is 0 when nothing can be scored.
    pub fn of(raw: u32, max: u32) -> Score {
        let raw = raw.min(max);
        let scaled = if max == 0 {
            0.0
        } else {
            f64::from(raw) / f64::from(max)
        };
        Score {
            scaled,
            raw,
            min: 0,
            max,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// The attempt or record id; absent on an anonymous evaluation (it would name a record
    /// that exists on the learner's device only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
    pub context_activities: ContextActivities,
    /// The content version (also in the `content-version` extension, where queries reach it);
    /// absent on self-ratings, which belong to no content version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Absent on an anonymous evaluation, like `language` (they narrow down who sent it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub extensions: Extensions,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct ContextActivities {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parent: Vec<Activity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grouping: Vec<Activity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<Activity>,
}

pub(super) fn activity(id: String, definition: ActivityDefinition) -> Activity {
    Activity {
        object_type: "Activity".into(),
        id,
        definition,
    }
}

pub(super) fn typed(
    kind: &str,
    name: Option<LanguageMap>,
    description: Option<LanguageMap>,
) -> ActivityDefinition {
    ActivityDefinition {
        name,
        description,
        kind: kind.into(),
        ..ActivityDefinition::default()
    }
}
