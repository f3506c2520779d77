//! Competency self-ratings (Likert 1-5 on the framework of competencies.toml, whose level
//! descriptors say what each level looks like), taken on their own or before and after a
//! module, and how they compare: before with after, and with what the learner's scenarios
//! measured ("you rated communication 4; your scenarios show 2.6 of 5").

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::attempt::{AttemptStatus, AttemptSummary};
use crate::model::{Catalog, ContentKind};
use crate::text::LocalText;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RatingError {
    #[error("a self-rating rates at least one competency")]
    Empty,
    #[error("`{0}` is not a competency of the framework")]
    UnknownCompetency(String),
    #[error("level {level} for `{competency}` is outside 1..=5")]
    OutOfRange { competency: String, level: u8 },
    #[error("`{0}` is not a module of the catalog")]
    UnknownModule(String),
    #[error("before/after ratings must be of the same module, one `before` and one `after`")]
    NotAPair,
}

/// When a module-linked rating was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Before,
    After,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::After => "after",
        }
    }
}

/// The module a rating belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleLink {
    pub module: String,
    pub phase: Phase,
    /// The module attempt it was taken with (the pre-test's before, the check's after).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_id: Option<String>,
}

/// One self-assessment of some competencies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfRating {
    /// A UUID the app generates (the xAPI registration of its statements).
    pub id: String,
    pub learner_id: String,
    /// None for a rating taken on its own (the self-assessment page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<ModuleLink>,
    /// Competency id -> level 1..=5.
    pub ratings: BTreeMap<String, u8>,
    pub at_ms: i64,
}

impl SelfRating {
    pub fn validate(&self, catalog: &Catalog) -> Result<(), RatingError> {
        if self.ratings.is_empty() {
            return Err(RatingError::Empty);
        }
        for (competency, level) in &self.ratings {
            if catalog.competency(competency).is_none() {
                return Err(RatingError::UnknownCompetency(competency.clone()));
            }
            if !(1..=5).contains(level) {
                return Err(RatingError::OutOfRange {
                    competency: competency.clone(),
                    level: *level,
                });
            }
        }
        if let Some(link) = &self.module {
            if catalog.entry(ContentKind::Module, &link.module).is_none() {
                return Err(RatingError::UnknownModule(link.module.clone()));
            }
        }
        Ok(())
    }
}

/// The latest self-rated level of each competency over many ratings.
pub fn latest_ratings(ratings: &[SelfRating]) -> BTreeMap<String, u8> {
    let mut sorted: Vec<&SelfRating> = ratings.iter().collect();
    crate::order::sort_by_key(&mut sorted, |r| r.at_ms);
    let mut out = BTreeMap::new();
    for r in sorted {
        out.extend(r.ratings.iter().map(|(c, l)| (c.clone(), *l)));
    }
    out
}

/// One competency, before and after a module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingChange {
    pub competency: String,
    pub before: Option<u8>,
    pub after: Option<u8>,
    /// after − before, when both were rated.
    pub change: Option<i8>,
}

/// Before and after ratings of the same module, per competency rated in either.
pub fn compare(before: &SelfRating, after: &SelfRating) -> Result<Vec<RatingChange>, RatingError> {
    let (Some(b), Some(a)) = (&before.module, &after.module) else {
        return Err(RatingError::NotAPair);
    };
    if b.module != a.module || b.phase != Phase::Before || a.phase != Phase::After {
        return Err(RatingError::NotAPair);
    }
    let ids: BTreeSet<&String> = before.ratings.keys().chain(after.ratings.keys()).collect();
    Ok(ids
        .into_iter()
        .map(|c| {
            let before = before.ratings.get(c).copied();
            let after = after.ratings.get(c).copied();
            RatingChange {
                competency: c.clone(),
                before,
                after,
                change: before.zip(after).map(|(b, a)| a as i8 - b as i8),
            }
        })
        .collect())
}

/// A competency level measured by the learner's scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasuredLevel {
    pub competency: String,
    /// 0..=5, one decimal: the average over the scenarios that measured it.
    pub level: f64,
    /// How many scenarios measured it.
    pub scenarios: u32,
}

/// Average competency levels (0-5) from scenario attempt summaries: for each scenario, its
/// latest finished attempt (the learner's current practice, not their first tries), and only
/// the competencies some decision on its path could move (elsewhere the level is 0 by
/// construction and would read as "worst").
pub fn measured_levels(summaries: &[AttemptSummary]) -> Vec<MeasuredLevel> {
    let mut latest: BTreeMap<&str, &AttemptSummary> = BTreeMap::new();
    for s in summaries {
        if s.kind != ContentKind::Scenario || s.status == AttemptStatus::InProgress {
            continue;
        }
        let slot = latest.entry(s.content_id.as_str()).or_insert(s);
        if s.updated_ms > slot.updated_ms {
            *slot = s;
        }
    }
    let mut sums: BTreeMap<&str, (f64, u32)> = BTreeMap::new();
    for s in latest.values() {
        for c in s.competencies.iter().filter(|c| c.decisions > 0) {
            let e = sums.entry(c.competency.as_str()).or_insert((0.0, 0));
            e.0 += c.level;
            e.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(c, (sum, n))| MeasuredLevel {
            competency: c.to_owned(),
            level: (sum / f64::from(n) * 10.0).round() / 10.0,
            scenarios: n,
        })
        .collect()
}

/// How a self-rating stands against the measured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// Within one level.
    Close,
    /// The learner rates themself at least one level above what the scenarios show.
    Higher,
    /// At least one level below.
    Lower,
    /// No scenario measured it yet.
    Unmeasured,
}

/// One competency: the self-rating and the scenarios' measure side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingVsMeasured {
    pub competency: String,
    pub self_rated: u8,
    pub measured: Option<f64>,
    pub scenarios: u32,
    /// self_rated − measured.
    pub difference: Option<f64>,
    pub agreement: Agreement,
}

impl RatingVsMeasured {
    /// The sentence the result page shows, in both languages.
    pub fn explanation(&self, catalog: &Catalog) -> LocalText {
        let name = catalog
            .competency(&self.competency)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| LocalText::vi(self.competency.clone()));
        let en_name = name.en.clone().unwrap_or_else(|| name.vi.clone());
        match self.measured {
            Some(m) => LocalText::both(
                format!(
                    "Anh/chị tự đánh giá {} ở mức {}; các tình huống đã làm cho thấy {}/5.",
                    name.vi,
                    self.self_rated,
                    decimal_vi(m)
                ),
                format!(
                    "You rated {} {}; your scenarios show {} of 5.",
                    en_name.to_lowercase(),
                    self.self_rated,
                    crate::text::fixed(m, 1)
                ),
            ),
            None => LocalText::both(
                format!(
                    "Anh/chị tự đánh giá {} ở mức {}; chưa có tình huống nào đo năng lực này.",
                    name.vi, self.self_rated
                ),
                format!(
                    "You rated {} {}; no scenario has measured it yet.",
                    en_name.to_lowercase(),
                    self.self_rated
                ),
            ),
        }
    }
}

/// `2.6` -> `2,6` (Vietnamese decimal comma).
pub(crate) fn decimal_vi(x: f64) -> String {
    crate::text::fixed(x, 1).replace('.', ",")
}

/// Each self-rated competency beside its measured level.
pub fn compare_with_measured(
    self_rating: &SelfRating,
    measured: &[MeasuredLevel],
) -> Vec<RatingVsMeasured> {
    self_rating
        .ratings
        .iter()
        .map(|(c, &rated)| {
            let m = measured.iter().find(|m| &m.competency == c);
            let difference = m.map(|m| ((f64::from(rated) - m.level) * 10.0).round() / 10.0);
            let agreement = match difference {
                None => Agreement::Unmeasured,
                Some(d) if d >= 1.0 => Agreement::Higher,
                Some(d) if d <= -1.0 => Agreement::Lower,
                Some(_) => Agreement::Close,
            };
            RatingVsMeasured {
                competency: c.clone(),
                self_rated: rated,
                measured: m.map(|m| m.level),
                scenarios: m.map_or(0, |m| m.scenarios),
                difference,
                agreement,
            }
        })
        .collect()
}
