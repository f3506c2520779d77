//! The learner's profile for self-assessment: position and qualifications, kept on the device.
//!
//! Stored as JSON with a `version`. Version 2 (current) is [`Profile`] as serialised. Version 1
//! (no `version` key) named the position `position_id`, nested the qualifications under
//! `qualifications` (IT as `it`) and the time as `updated_ms`; [`decode_profile`] migrates it,
//! dropping any level it does not know (the learner picks it again) rather than refusing the
//! whole profile.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::levels::{
    Education, ForeignLanguage, ItSkill, Level, PoliticalTheory, Qualification, StateManagement,
};
use crate::record::RecordError;

/// Current stored format of a profile.
pub const PROFILE_FORMAT: u32 = 2;

/// Every field is optional: a learner fills in what they know; a missing one makes the
/// matching requirement "unknown" in the gap report, never "not met".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub version: u32,
    /// A position id of standards.json.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub political_theory: Option<PoliticalTheory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_management: Option<StateManagement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_language: Option<ForeignLanguage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub it_skill: Option<ItSkill>,
    pub updated_at_ms: i64,
}

impl Profile {
    /// An empty profile (nothing stated yet).
    pub fn new(now_ms: i64) -> Self {
        Profile {
            version: PROFILE_FORMAT,
            position: None,
            education: None,
            political_theory: None,
            state_management: None,
            foreign_language: None,
            it_skill: None,
            updated_at_ms: now_ms,
        }
    }

    /// The level the learner holds for a qualification, as an id.
    pub fn held(&self, q: Qualification) -> Option<&'static str> {
        match q {
            Qualification::Education => self.education.map(Level::as_str),
            Qualification::PoliticalTheory => self.political_theory.map(Level::as_str),
            Qualification::StateManagement => self.state_management.map(Level::as_str),
            Qualification::ForeignLanguage => self.foreign_language.map(Level::as_str),
            Qualification::ItSkill => self.it_skill.map(Level::as_str),
        }
    }
}

/// Reads a stored profile of any known version.
pub fn decode_profile(value: Value) -> Result<Profile, RecordError> {
    let Value::Object(obj) = value else {
        return Err(RecordError::Corrupt("profile is not an object".into()));
    };
    let version = match obj.get("version") {
        None => 1,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| RecordError::Corrupt("profile `version` is not a number".into()))?,
    };
    if version > u64::from(PROFILE_FORMAT) {
        return Err(RecordError::TooNew(version));
    }
    let obj = if version == 1 {
        migrate_profile_v1(obj)
    } else {
        obj
    };
    crate::record::from_value(&Value::Object(obj)).map_err(|e| RecordError::Corrupt(e.to_string()))
}

pub fn encode_profile(profile: &Profile) -> Value {
    let mut p = profile.clone();
    p.version = PROFILE_FORMAT;
    crate::record::to_value(&p).unwrap_or(Value::Null)
}

/// Version 1 -> 2: rename, flatten, keep only known levels.
fn migrate_profile_v1(mut old: Map<String, Value>) -> Map<String, Value> {
    let mut new = Map::new();
    new.insert("version".into(), Value::from(PROFILE_FORMAT));
    if let Some(p) = old.remove("position_id").filter(Value::is_string) {
        new.insert("position".into(), p);
    }
    let updated = old
        .remove("updated_ms")
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    new.insert("updated_at_ms".into(), Value::from(updated));
    let quals = match old.remove("qualifications") {
        Some(Value::Object(q)) => q,
        _ => Map::new(),
    };
    for q in Qualification::ALL {
        let old_key = match q {
            Qualification::ItSkill => "it",
            other => other.as_str(),
        };
        if let Some(level) = quals.get(old_key).and_then(Value::as_str) {
            if q.rank(level).is_some() {
                new.insert(q.as_str().into(), Value::from(level));
            }
        }
    }
    new
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Guards the migration path: a version-1 profile (nested, renamed fields) reads as the
    // same profile in version 2; an unknown level is dropped, not fatal.
    #[test]
    fn version_1_profile_migrates() {
        let v1 = json!({
            "position_id": "cong-chuc-chuyen-mon-xa",
            "qualifications": {
                "education": "dai_hoc",
                "political_theory": "so_cap",
                "it": "co_ban",
                "foreign_language": "B1 tiếng Anh"
            },
            "updated_ms": 1_700_000_000_000i64
        });
        let p = decode_profile(v1).expect("migrates");
        assert_eq!(p.version, PROFILE_FORMAT);
        assert_eq!(p.position.as_deref(), Some("cong-chuc-chuyen-mon-xa"));
        assert_eq!(p.education, Some(Education::University));
        assert_eq!(p.political_theory, Some(PoliticalTheory::Elementary));
        assert_eq!(p.it_skill, Some(ItSkill::Basic));
        assert_eq!(p.foreign_language, None);
        assert_eq!(p.state_management, None);
        assert_eq!(p.updated_at_ms, 1_700_000_000_000);
        assert_eq!(decode_profile(encode_profile(&p)).expect("round trip"), p);
    }

    // Guards against a newer portal's profile being misread, and damaged ones crashing.
    #[test]
    fn newer_or_damaged_profiles_are_refused() {
        assert_eq!(
            decode_profile(json!({"version": 9, "updated_at_ms": 0})),
            Err(RecordError::TooNew(9))
        );
        assert!(matches!(
            decode_profile(json!({"version": 2, "updated_at_ms": 0, "education": "phd"})),
            Err(RecordError::Corrupt(_))
        ));
        assert!(matches!(
            decode_profile(json!([])),
            Err(RecordError::Corrupt(_))
        ));
        let empty = Profile::new(5);
        let stored = encode_profile(&empty);
        assert_eq!(stored, json!({"version": 2, "updated_at_ms": 5}));
    }
}
