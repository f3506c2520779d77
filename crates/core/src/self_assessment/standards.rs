//! Position standards (tiêu chuẩn theo vị trí), compiled from `content/standards.toml` into
//! `public/content/standards.json`.

use serde::{Deserialize, Serialize};

use super::levels::{
    Education, ForeignLanguage, ItSkill, Level, PoliticalTheory, Qualification, StateManagement,
};
use crate::text::LocalText;

/// Format number of standards.json. Bump when the shape below changes incompatibly.
pub const STANDARDS_FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standards {
    pub format: u32,
    /// Where the standards come from (the city plan), shown to the learner.
    pub source: LocalText,
    pub trainings: Vec<Training>,
    pub positions: Vec<PositionStandard>,
}

impl Standards {
    pub fn position(&self, id: &str) -> Option<&PositionStandard> {
        self.positions.iter().find(|p| p.id == id)
    }

    /// The training that closes a gap to `required`: the lowest level at or above it.
    pub fn training_for(&self, qualification: Qualification, required: &str) -> Option<&Training> {
        let need = qualification.rank(required)?;
        self.trainings
            .iter()
            .filter(|t| t.qualification == qualification)
            .filter_map(|t| Some((qualification.rank(&t.level)?, t)))
            .filter(|(rank, _)| *rank >= need)
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, t)| t)
    }
}

/// A course that gives a qualification level (e.g. lớp trung cấp lý luận chính trị).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub id: String,
    pub name: LocalText,
    pub qualification: Qualification,
    /// A level id of `qualification`.
    pub level: String,
}

/// Who set a requirement's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The city plan states it.
    Plan,
    /// The plan is silent; the training centre sets (or will set) it. A note says so.
    Centre,
    /// Nobody has stated it.
    NotStated,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Plan => "plan",
            Basis::Centre => "centre",
            Basis::NotStated => "not_stated",
        }
    }
}

/// A qualification requirement of a position: at least `min`, when stated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Requirement<L> {
    // No `default` here: serde would then ask `L: Default`; a missing Option reads as None.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<L>,
    pub basis: Basis,
    /// Shown to the learner beside the requirement (e.g. "the centre sets this level").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LocalText>,
}

impl<L> Requirement<L> {
    pub fn not_stated() -> Self {
        Requirement {
            min: None,
            basis: Basis::NotStated,
            note: None,
        }
    }
}

impl<L: Level> Requirement<L> {
    /// The same requirement with its level as an id (for the qualification-generic report).
    pub fn erased(&self) -> Requirement<&'static str> {
        Requirement {
            min: self.min.map(L::as_str),
            basis: self.basis,
            note: self.note.clone(),
        }
    }
}

/// The expected level (1..=5, the framework's descriptors) of a competency for a position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetencyRequirement {
    pub competency: String,
    pub level: u8,
    pub basis: Basis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LocalText>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PositionStandard {
    pub id: String,
    pub name: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalText>,
    pub education: Requirement<Education>,
    pub political_theory: Requirement<PoliticalTheory>,
    pub state_management: Requirement<StateManagement>,
    pub foreign_language: Requirement<ForeignLanguage>,
    pub it_skill: Requirement<ItSkill>,
    pub competencies: Vec<CompetencyRequirement>,
}

impl PositionStandard {
    /// The requirement for one qualification, its level as an id.
    pub fn requirement(&self, q: Qualification) -> Requirement<&'static str> {
        match q {
            Qualification::Education => self.education.erased(),
            Qualification::PoliticalTheory => self.political_theory.erased(),
            Qualification::StateManagement => self.state_management.erased(),
            Qualification::ForeignLanguage => self.foreign_language.erased(),
            Qualification::ItSkill => self.it_skill.erased(),
        }
    }
}
