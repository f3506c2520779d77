//! The authoring format as read from TOML, before validation. Every field that can be wrong
//! keeps its span so a diagnostic can name the line.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

/// A text as written: a plain string (Vietnamese) or `{ vi = "…", en = "…" }`.
#[derive(Clone, Debug, Default)]
pub struct SrcText {
    pub vi: Option<String>,
    pub en: Option<String>,
}

impl<'de> Deserialize<'de> for SrcText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = SrcText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text: a string, or a table { vi = \"…\", en = \"…\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SrcText, E> {
                Ok(SrcText {
                    vi: Some(v.to_owned()),
                    en: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SrcText, A::Error> {
                let mut text = SrcText::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "vi" => text.vi = Some(map.next_value()?),
                        "en" => text.en = Some(map.next_value()?),
                        other => {
                            return Err(de::Error::custom(format!(
                                "unknown language `{other}` in a text (use `vi` and `en`)"
                            )))
                        }
                    }
                }
                Ok(text)
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcCompetencies {
    #[serde(default)]
    pub competency: Vec<SrcCompetency>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcCompetency {
    pub id: Spanned<String>,
    pub name: Spanned<SrcText>,
    pub description: Spanned<SrcText>,
    pub levels: Spanned<Vec<Spanned<SrcText>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcFields {
    #[serde(default)]
    pub field: Vec<SrcField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcField {
    pub id: Spanned<String>,
    pub name: Spanned<SrcText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcModule {
    pub id: Spanned<String>,
    pub field: Spanned<String>,
    pub title: Spanned<SrcText>,
    pub summary: Spanned<SrcText>,
    pub duration_min: Spanned<u32>,
    #[serde(default)]
    pub competencies: Vec<Spanned<String>>,
    #[serde(rename = "lesson", default)]
    pub lessons: Vec<SrcLesson>,
    pub check: Option<Spanned<SrcCheck>>,
    /// Legal documents the content rests on (for trainers and reviewers, never shown to
    /// learners): compiled into `meta.json`, not into the learner's content files.
    #[serde(default)]
    pub basis: Vec<Spanned<String>>,
    /// When the content was last checked against the law in force, `YYYY-MM-DD`.
    pub reviewed: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcLesson {
    pub id: Spanned<String>,
    pub title: Spanned<SrcText>,
    pub body: Spanned<SrcText>,
    pub practice: Option<SrcItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcCheck {
    pub pass_points: Spanned<u32>,
    pub draw: Option<Spanned<u32>>,
    #[serde(rename = "item", default)]
    pub items: Vec<SrcItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcItem {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub prompt: Spanned<SrcText>,
    #[serde(default)]
    pub options: Vec<SrcOption>,
    pub answer: Option<Spanned<toml::Value>>,
    pub explanation: Option<Spanned<SrcText>>,
    pub points: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcOption {
    pub id: Spanned<String>,
    pub text: Spanned<SrcText>,
    pub feedback: Option<Spanned<SrcText>>,
    /// Pinned at its written place when options are shuffled (e.g. "Tất cả các ý trên").
    #[serde(default)]
    pub fixed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcScenario {
    pub id: Spanned<String>,
    pub field: Spanned<String>,
    pub title: Spanned<SrcText>,
    pub summary: Spanned<SrcText>,
    pub duration_min: Spanned<u32>,
    pub competencies: Spanned<Vec<Spanned<String>>>,
    pub delta_range: Spanned<(i32, i32)>,
    pub start: Spanned<String>,
    #[serde(rename = "node", default)]
    pub nodes: Vec<SrcNode>,
    /// Legal documents the content rests on (for trainers and reviewers, never shown to
    /// learners): compiled into `meta.json`, not into the learner's content files.
    #[serde(default)]
    pub basis: Vec<Spanned<String>>,
    /// When the content was last checked against the law in force, `YYYY-MM-DD`.
    pub reviewed: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcNode {
    pub id: Spanned<String>,
    pub text: Spanned<SrcText>,
    pub image: Option<Spanned<String>>,
    #[serde(rename = "choice", default)]
    pub choices: Vec<SrcChoice>,
    pub ending: Option<Spanned<SrcEnding>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcChoice {
    pub id: Spanned<String>,
    pub text: Spanned<SrcText>,
    pub to: Spanned<String>,
    #[serde(rename = "branch", default)]
    pub branches: Vec<SrcBranch>,
    pub consequence: Option<Spanned<SrcText>>,
    pub feedback: Option<Spanned<SrcText>>,
    #[serde(default)]
    pub scores: BTreeMap<Spanned<String>, Spanned<i64>>,
    /// Someone is hurt, a citizen wronged or the law broken: no good ending may follow.
    #[serde(default)]
    pub harm: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcBranch {
    pub when: Spanned<String>,
    pub to: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcEnding {
    pub kind: Spanned<String>,
    pub title: Spanned<SrcText>,
}

/// `cast.toml`: the people of the library's stories, one name for one person.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcCast {
    #[serde(rename = "person", default)]
    pub people: Vec<SrcPerson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcPerson {
    /// The full name as the texts write it ("Nguyễn Thị Mai").
    pub name: Spanned<String>,
    /// The name the texts call the person by ("Mai"), when it is used alone.
    pub short: Option<Spanned<String>>,
    /// Who the person is (for writers: "công dân nộp hồ sơ", "Phó Chủ tịch UBND phường").
    pub role: Spanned<String>,
    /// Ids of the modules and scenarios the person appears in.
    #[serde(rename = "in")]
    pub appears_in: Vec<Spanned<String>>,
}

/// `standards.toml`: the standards of each position type.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcStandards {
    pub source: Spanned<SrcText>,
    /// The note shown beside every value the training centre sets, unless it has its own.
    pub centre_note: Option<Spanned<SrcText>>,
    #[serde(default)]
    pub training: Vec<SrcTraining>,
    #[serde(default)]
    pub position: Vec<SrcPosition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcTraining {
    pub id: Spanned<String>,
    pub name: Spanned<SrcText>,
    pub qualification: Spanned<String>,
    pub level: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcPosition {
    pub id: Spanned<String>,
    pub name: Spanned<SrcText>,
    pub description: Option<Spanned<SrcText>>,
    pub education: Option<Spanned<SrcRequirement>>,
    pub political_theory: Option<Spanned<SrcRequirement>>,
    pub state_management: Option<Spanned<SrcRequirement>>,
    pub foreign_language: Option<Spanned<SrcRequirement>>,
    pub it_skill: Option<Spanned<SrcRequirement>>,
    #[serde(rename = "competency", default)]
    pub competencies: Vec<SrcCompetencyRequirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcRequirement {
    pub min: Option<Spanned<String>>,
    pub basis: Spanned<String>,
    pub note: Option<Spanned<SrcText>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrcCompetencyRequirement {
    pub id: Spanned<String>,
    pub level: Spanned<i64>,
    pub basis: Option<Spanned<String>>,
    pub note: Option<Spanned<SrcText>>,
}
