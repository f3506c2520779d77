//! The gap report: a learner's profile and competency evidence against the standard of their
//! position, requirement by requirement, with what closes each gap.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::levels::Qualification;
use super::profile::Profile;
use super::rating::{decimal_vi, latest_ratings, measured_levels, MeasuredLevel, SelfRating};
use super::standards::{Basis, CompetencyRequirement, PositionStandard, Standards, Training};
use crate::attempt::AttemptSummary;
use crate::model::{Catalog, CatalogEntry, ContentKind};
use crate::text::LocalText;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum GapError {
    #[error("the profile names no position")]
    NoPosition,
    #[error("position `{0}` is not in the standards")]
    UnknownPosition(String),
}

/// What is known of the learner's competency levels.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Latest self-rated level (1..=5) per competency.
    pub self_rated: BTreeMap<String, u8>,
    /// Levels measured by scenarios (0..=5).
    pub measured: Vec<MeasuredLevel>,
}

impl Evidence {
    /// From the learner's stored self-ratings and attempt summaries.
    pub fn from_records(ratings: &[SelfRating], summaries: &[AttemptSummary]) -> Self {
        Evidence {
            self_rated: latest_ratings(ratings),
            measured: measured_levels(summaries),
        }
    }

    fn measured(&self, competency: &str) -> Option<f64> {
        self.measured
            .iter()
            .find(|m| m.competency == competency)
            .map(|m| m.level)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownReason {
    /// The standard states no level for this requirement (yet).
    NotStated,
    /// The learner's profile does not say what they hold.
    NotInProfile,
    /// Neither a self-rating nor a scenario has measured the competency.
    NoEvidence,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum GapStatus {
    Met,
    NotMet,
    Unknown(UnknownReason),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualificationGap {
    pub qualification: Qualification,
    /// Level id required (at least), when stated.
    pub required: Option<String>,
    pub required_label: Option<LocalText>,
    /// Level id the learner holds, when stated.
    pub held: Option<String>,
    pub held_label: Option<LocalText>,
    pub status: GapStatus,
    pub basis: Basis,
    /// The standard's note (e.g. "the training centre sets this level").
    pub note: Option<LocalText>,
    pub explanation: LocalText,
    /// The course that closes the gap (not met only).
    pub training: Option<Training>,
}

/// A module that trains a competency the learner falls short in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModuleSuggestion {
    pub id: String,
    pub title: LocalText,
    pub duration_min: u32,
    /// Every not-met competency of the report the module trains.
    pub closes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetencyGap {
    pub competency: String,
    pub name: LocalText,
    /// Expected level 1..=5.
    pub expected: u8,
    /// The framework's descriptor of the expected level.
    pub expected_descriptor: Option<LocalText>,
    pub self_rated: Option<u8>,
    pub measured: Option<f64>,
    pub status: GapStatus,
    pub basis: Basis,
    pub note: Option<LocalText>,
    pub explanation: LocalText,
    /// Modules that train it, most relevant first (not met only).
    pub modules: Vec<ModuleSuggestion>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapCounts {
    pub met: u32,
    pub not_met: u32,
    pub unknown: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapReport {
    pub position: String,
    pub position_name: LocalText,
    /// Where the standards come from.
    pub source: LocalText,
    pub qualifications: Vec<QualificationGap>,
    pub competencies: Vec<CompetencyGap>,
    pub counts: GapCounts,
}

/// The learner against the standard of the position in their profile.
///
/// Qualifications: met when the held level is at or above the required one (levels are
/// ordered). Competencies: met when every available measure reaches the expected level (a
/// self-rating as given, a scenario measure rounded to the nearest level), not met when one
/// falls short, unknown with neither. Not-met competencies list the catalog's modules that
/// train them, ordered by relevance: modules closing more of the learner's gaps first, then
/// those naming the competency earlier in their list (their main aim), then shorter ones.
pub fn gap_report(
    profile: &Profile,
    standards: &Standards,
    catalog: &Catalog,
    evidence: &Evidence,
) -> Result<GapReport, GapError> {
    let id = profile.position.as_deref().ok_or(GapError::NoPosition)?;
    let position = standards
        .position(id)
        .ok_or_else(|| GapError::UnknownPosition(id.to_owned()))?;
    let qualifications: Vec<QualificationGap> = Qualification::ALL
        .into_iter()
        .map(|q| qualification_gap(q, position, profile, standards))
        .collect();
    let mut competencies: Vec<CompetencyGap> = position
        .competencies
        .iter()
        .map(|r| competency_gap(r, catalog, evidence))
        .collect();
    let not_met: Vec<String> = competencies
        .iter()
        .filter(|c| c.status == GapStatus::NotMet)
        .map(|c| c.competency.clone())
        .collect();
    for c in competencies
        .iter_mut()
        .filter(|c| c.status == GapStatus::NotMet)
    {
        c.modules = suggest_modules(&c.competency, &not_met, catalog);
    }
    let mut counts = GapCounts::default();
    for status in qualifications
        .iter()
        .map(|q| q.status)
        .chain(competencies.iter().map(|c| c.status))
    {
        match status {
            GapStatus::Met => counts.met += 1,
            GapStatus::NotMet => counts.not_met += 1,
            GapStatus::Unknown(_) => counts.unknown += 1,
        }
    }
    Ok(GapReport {
        position: position.id.clone(),
        position_name: position.name.clone(),
        source: standards.source.clone(),
        qualifications,
        competencies,
        counts,
    })
}

fn qualification_gap(
    q: Qualification,
    position: &PositionStandard,
    profile: &Profile,
    standards: &Standards,
) -> QualificationGap {
    let req = position.requirement(q);
    let held = profile.held(q);
    let label = |id: Option<&str>| id.and_then(|id| q.level_label(id));
    let required_label = label(req.min);
    let held_label = label(held);
    let kind = q.label();
    let status = match (req.min, held) {
        (None, _) => GapStatus::Unknown(UnknownReason::NotStated),
        (Some(_), None) => GapStatus::Unknown(UnknownReason::NotInProfile),
        (Some(r), Some(h)) if q.rank(h) >= q.rank(r) => GapStatus::Met,
        (Some(_), Some(_)) => GapStatus::NotMet,
    };
    let training = (status == GapStatus::NotMet)
        .then(|| req.min.and_then(|r| standards.training_for(q, r)).cloned())
        .flatten();
    let explanation = match (&required_label, &held_label, status) {
        (Some(r), Some(h), GapStatus::Met | GapStatus::NotMet) => {
            let (vi_head, en_head) = if status == GapStatus::Met {
                ("Đạt", "Met")
            } else {
                ("Chưa đạt", "Not met")
            };
            let mut vi = format!(
                "{vi_head}: vị trí này cần {} {} trở lên; anh/chị có {}.",
                kind.vi, r.vi, h.vi
            );
            let mut en = format!(
                "{en_head}: this position needs {} of {} or higher; you have {}.",
                kind.en.as_deref().unwrap_or(&kind.vi),
                r.get(crate::Lang::En),
                h.get(crate::Lang::En)
            );
            if let Some(t) = &training {
                vi.push_str(&format!(" Nên học: {}.", t.name.vi));
                en.push_str(&format!(" Suggested: {}.", t.name.get(crate::Lang::En)));
            }
            LocalText::both(vi, en)
        }
        (Some(r), _, _) => LocalText::both(
            format!(
                "Vị trí này cần {} {} trở lên; hồ sơ của anh/chị chưa ghi {}.",
                kind.vi, r.vi, kind.vi
            ),
            format!(
                "This position needs {} of {} or higher; your profile does not say yours yet.",
                kind.get(crate::Lang::En),
                r.get(crate::Lang::En)
            ),
        ),
        (None, _, _) => LocalText::both(
            format!("Chưa có mức {} quy định cho vị trí này.", kind.vi),
            format!(
                "No {} level is set for this position yet.",
                kind.get(crate::Lang::En)
            ),
        ),
    };
    QualificationGap {
        qualification: q,
        required: req.min.map(str::to_owned),
        required_label,
        held: held.map(str::to_owned),
        held_label,
        status,
        basis: req.basis,
        note: req.note,
        explanation,
        training,
    }
}

fn competency_gap(
    req: &CompetencyRequirement,
    catalog: &Catalog,
    evidence: &Evidence,
) -> CompetencyGap {
    let framework = catalog.competency(&req.competency);
    let name = framework
        .map(|c| c.name.clone())
        .unwrap_or_else(|| LocalText::vi(req.competency.clone()));
    let self_rated = evidence.self_rated.get(&req.competency).copied();
    let measured = evidence.measured(&req.competency);
    let expected = f64::from(req.level);
    let levels: Vec<f64> = self_rated
        .map(f64::from)
        .into_iter()
        .chain(measured.map(f64::round))
        .collect();
    let status = if levels.is_empty() {
        GapStatus::Unknown(UnknownReason::NoEvidence)
    } else if levels.iter().all(|l| *l >= expected) {
        GapStatus::Met
    } else {
        GapStatus::NotMet
    };
    let mut vi_evidence = Vec::new();
    let mut en_evidence = Vec::new();
    if let Some(s) = self_rated {
        vi_evidence.push(format!("anh/chị tự đánh giá mức {s}"));
        en_evidence.push(format!("you rated yourself {s}"));
    }
    if let Some(m) = measured {
        vi_evidence.push(format!("các tình huống cho thấy {}/5", decimal_vi(m)));
        en_evidence.push(format!(
            "your scenarios show {} of 5",
            crate::text::fixed(m, 1)
        ));
    }
    let en_name = name.get(crate::Lang::En).to_owned();
    let explanation = match status {
        GapStatus::Unknown(_) => LocalText::both(
            format!(
                "Vị trí này mong đợi {} ở mức {}; hãy tự đánh giá hoặc làm một tình huống để biết mình đang ở đâu.",
                name.vi, req.level
            ),
            format!(
                "This position expects {en_name} at level {}; rate yourself or play a scenario to see where you stand.",
                req.level
            ),
        ),
        _ => {
            let (vi_head, en_head) = if status == GapStatus::Met {
                ("Đạt", "Met")
            } else {
                ("Chưa đạt", "Not met")
            };
            LocalText::both(
                format!(
                    "{vi_head}: vị trí này mong đợi {} ở mức {}; {}.",
                    name.vi,
                    req.level,
                    vi_evidence.join(", ")
                ),
                format!(
                    "{en_head}: this position expects {en_name} at level {}; {}.",
                    req.level,
                    en_evidence.join(", ")
                ),
            )
        }
    };
    CompetencyGap {
        competency: req.competency.clone(),
        expected_descriptor: framework
            .and_then(|c| c.levels.get(usize::from(req.level).saturating_sub(1)))
            .cloned(),
        name,
        expected: req.level,
        self_rated,
        measured,
        status,
        basis: req.basis,
        note: req.note.clone(),
        explanation,
        modules: Vec::new(),
    }
}

fn suggest_modules(
    competency: &str,
    not_met: &[String],
    catalog: &Catalog,
) -> Vec<ModuleSuggestion> {
    let mut found: Vec<(&CatalogEntry, usize, Vec<String>)> = catalog
        .entries
        .iter()
        .filter(|e| e.kind == ContentKind::Module)
        .filter_map(|e| {
            let at = e.competencies.iter().position(|c| c == competency)?;
            let closes = not_met
                .iter()
                .filter(|c| e.competencies.contains(c))
                .cloned()
                .collect();
            Some((e, at, closes))
        })
        .collect();
    found.sort_by(|(a, a_at, a_closes), (b, b_at, b_closes)| {
        b_closes
            .len()
            .cmp(&a_closes.len())
            .then(a_at.cmp(b_at))
            .then(a.duration_min.cmp(&b.duration_min))
            .then(a.id.cmp(&b.id))
    });
    found
        .into_iter()
        .map(|(e, _, closes)| ModuleSuggestion {
            id: e.id.clone(),
            title: e.title.clone(),
            duration_min: e.duration_min,
            closes,
        })
        .collect()
}
