//! Self-assessment: gap computation, rating comparisons, evaluation validation.

use std::collections::BTreeMap;

use super::gap::{GapError, UnknownReason};
use super::rating::{Agreement, ModuleLink, RatingError};
use super::standards::{Basis, CompetencyRequirement, Requirement, Training};
use super::*;
use crate::attempt::{AttemptStatus, AttemptSummary};
use crate::model::{Catalog, CatalogEntry, Competency, ContentKind};
use crate::module::AttemptMode;
use crate::scenario::CompetencyResult;
use crate::text::LocalText;

fn competency(id: &str, name: &str, en: &str) -> Competency {
    Competency {
        id: id.into(),
        name: LocalText::both(name, en),
        description: LocalText::vi("…"),
        levels: (1..=5).map(|l| LocalText::vi(format!("Mức {l}"))).collect(),
    }
}

fn entry(kind: ContentKind, id: &str, comps: &[&str], minutes: u32) -> CatalogEntry {
    CatalogEntry {
        kind,
        id: id.into(),
        field: "mot-cua".into(),
        title: LocalText::both(id, id),
        summary: LocalText::vi("…"),
        duration_min: minutes,
        version: "v1".into(),
        competencies: comps.iter().map(|c| (*c).into()).collect(),
        file: format!("{id}.json"),
    }
}

pub(crate) fn catalog() -> Catalog {
    Catalog {
        format: 1,
        fields: vec![],
        competencies: vec![
            competency("giao_tiep", "Giao tiếp", "Communication"),
            competency("phap_luat", "Tuân thủ pháp luật", "Legal compliance"),
            competency("dao_duc", "Đạo đức công vụ", "Public-service ethics"),
        ],
        entries: vec![
            entry(
                ContentKind::Module,
                "tiep-nhan",
                &["giao_tiep", "phap_luat"],
                20,
            ),
            entry(
                ContentKind::Module,
                "dao-duc",
                &["dao_duc", "giao_tiep"],
                15,
            ),
            entry(ContentKind::Module, "van-ban", &["phap_luat"], 10),
            entry(ContentKind::Scenario, "tinh-huong", &["giao_tiep"], 5),
        ],
    }
}

fn standards() -> Standards {
    let centre = LocalText::both("Trung tâm quy định.", "The centre sets it.");
    Standards {
        format: 1,
        source: LocalText::both("Kế hoạch", "Plan"),
        trainings: vec![
            Training {
                id: "trung-cap-llct".into(),
                name: LocalText::both(
                    "Lớp trung cấp lý luận chính trị",
                    "Intermediate political theory course",
                ),
                qualification: Qualification::PoliticalTheory,
                level: "trung_cap".into(),
            },
            Training {
                id: "cao-cap-llct".into(),
                name: LocalText::both(
                    "Lớp cao cấp lý luận chính trị",
                    "Advanced political theory course",
                ),
                qualification: Qualification::PoliticalTheory,
                level: "cao_cap".into(),
            },
        ],
        positions: vec![PositionStandard {
            id: "cong-chuc-xa".into(),
            name: LocalText::both("Công chức chuyên môn cấp xã", "Ward specialist"),
            description: None,
            education: Requirement {
                min: Some(Education::University),
                basis: Basis::Plan,
                note: None,
            },
            political_theory: Requirement {
                min: Some(PoliticalTheory::Intermediate),
                basis: Basis::Plan,
                note: None,
            },
            state_management: Requirement {
                min: None,
                basis: Basis::Centre,
                note: Some(centre.clone()),
            },
            foreign_language: Requirement::not_stated(),
            it_skill: Requirement {
                min: Some(ItSkill::Basic),
                basis: Basis::Centre,
                note: Some(centre),
            },
            competencies: ["giao_tiep", "phap_luat", "dao_duc"]
                .iter()
                .map(|c| CompetencyRequirement {
                    competency: (*c).into(),
                    level: 3,
                    basis: Basis::Centre,
                    note: None,
                })
                .collect(),
        }],
    }
}

fn profile() -> Profile {
    Profile {
        position: Some("cong-chuc-xa".into()),
        education: Some(Education::Master),
        political_theory: Some(PoliticalTheory::Elementary),
        ..Profile::new(0)
    }
}

fn scenario_summary(id: &str, updated: i64, levels: &[(&str, f64, u32)]) -> AttemptSummary {
    AttemptSummary {
        id: format!("{id}-{updated}"),
        learner_id: "l".into(),
        kind: ContentKind::Scenario,
        content_id: id.into(),
        version: "v1".into(),
        started_ms: updated - 10,
        updated_ms: updated,
        status: AttemptStatus::Completed,
        steps_done: 3,
        steps_total: 3,
        score: None,
        ending: Some("end".into()),
        ending_kind: None,
        competencies: levels
            .iter()
            .map(|(c, level, decisions)| CompetencyResult {
                competency: (*c).into(),
                raw: 0,
                level: *level,
                decisions: *decisions,
            })
            .collect(),
        events: 4,
        mode: AttemptMode::Full,
        drawn: vec![],
        practice_only: false,
    }
}

fn rating(id: &str, link: Option<(&str, Phase)>, at: i64, levels: &[(&str, u8)]) -> SelfRating {
    SelfRating {
        id: id.into(),
        learner_id: "l".into(),
        module: link.map(|(m, phase)| ModuleLink {
            module: m.into(),
            phase,
            attempt_id: Some(format!("att-{id}")),
        }),
        ratings: levels.iter().map(|(c, l)| ((*c).into(), *l)).collect(),
        at_ms: at,
    }
}

// Guards the qualification rules: met at or above the required level, not met below it
// (with the training that closes the gap), unknown when the standard states nothing or the
// profile is silent.
#[test]
fn qualification_gaps_met_not_met_unknown() {
    let report =
        gap_report(&profile(), &standards(), &catalog(), &Evidence::default()).expect("report");
    let by = |q: Qualification| {
        report
            .qualifications
            .iter()
            .find(|g| g.qualification == q)
            .expect("every qualification is reported")
    };
    let edu = by(Qualification::Education);
    assert_eq!(edu.status, GapStatus::Met);
    assert!(edu.explanation.vi.starts_with("Đạt:"));
    let pol = by(Qualification::PoliticalTheory);
    assert_eq!(pol.status, GapStatus::NotMet);
    assert_eq!(
        pol.training.as_ref().map(|t| t.id.as_str()),
        Some("trung-cap-llct")
    );
    assert_eq!(
        pol.explanation.vi,
        "Chưa đạt: vị trí này cần trình độ lý luận chính trị Trung cấp trở lên; anh/chị có Sơ cấp. \
         Nên học: Lớp trung cấp lý luận chính trị."
    );
    assert!(pol
        .explanation
        .en
        .as_deref()
        .is_some_and(|e| e.contains("Suggested: Intermediate political theory course.")));
    let sm = by(Qualification::StateManagement);
    assert_eq!(sm.status, GapStatus::Unknown(UnknownReason::NotStated));
    assert_eq!(sm.basis, Basis::Centre);
    assert!(sm.note.is_some());
    assert_eq!(
        by(Qualification::ForeignLanguage).status,
        GapStatus::Unknown(UnknownReason::NotStated)
    );
    let it = by(Qualification::ItSkill);
    assert_eq!(it.status, GapStatus::Unknown(UnknownReason::NotInProfile));
    assert!(it.training.is_none());
    assert_eq!(report.counts.met, 1);
}

// Guards the competency rules and the suggestions: a shortfall in any measure is a gap; the
// modules that train it come most relevant first; no evidence means unknown, not a gap.
#[test]
fn competency_gaps_and_suggested_modules() {
    let evidence = Evidence {
        self_rated: BTreeMap::from([("giao_tiep".into(), 4), ("phap_luat".into(), 2)]),
        measured: measured_levels(&[scenario_summary(
            "tinh-huong",
            100,
            &[("giao_tiep", 2.6, 3)],
        )]),
    };
    let report = gap_report(&profile(), &standards(), &catalog(), &evidence).expect("report");
    let c = &report.competencies;
    // giao_tiep: rated 4, but the scenarios show 2.6 (rounds to 3): met.
    assert_eq!(c[0].competency, "giao_tiep");
    assert_eq!(c[0].status, GapStatus::Met);
    assert_eq!(c[0].measured, Some(2.6));
    assert!(c[0]
        .explanation
        .vi
        .contains("các tình huống cho thấy 2,6/5"));
    assert!(c[0].modules.is_empty());
    // phap_luat: rated 2 < 3, not met; tiep-nhan trains it first-listed, van-ban too and is
    // shorter, both close only this gap: the one naming it earlier (and shorter) first.
    assert_eq!(c[1].status, GapStatus::NotMet);
    let ids: Vec<&str> = c[1].modules.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["van-ban", "tiep-nhan"]);
    assert_eq!(
        c[1].expected_descriptor.as_ref().map(|d| d.vi.as_str()),
        Some("Mức 3")
    );
    // dao_duc: nothing known.
    assert_eq!(c[2].status, GapStatus::Unknown(UnknownReason::NoEvidence));
    assert!(c[2].modules.is_empty());

    // A scenario at 2.4 (rounds to 2) is a gap even with a self-rating of 4; a module that
    // closes two gaps comes before one that closes one.
    let evidence = Evidence {
        self_rated: BTreeMap::from([("giao_tiep".into(), 4), ("phap_luat".into(), 2)]),
        measured: measured_levels(&[scenario_summary(
            "tinh-huong",
            100,
            &[("giao_tiep", 2.4, 3)],
        )]),
    };
    let report = gap_report(&profile(), &standards(), &catalog(), &evidence).expect("report");
    assert_eq!(report.competencies[0].status, GapStatus::NotMet);
    let first = &report.competencies[1].modules[0];
    assert_eq!(first.id, "tiep-nhan");
    assert_eq!(first.closes, ["giao_tiep", "phap_luat"]);
    assert!(report
        .competencies
        .iter()
        .flat_map(|c| &c.modules)
        .all(|m| m.id != "tinh-huong"));
}

// Guards the report's preconditions: a position must be chosen and exist.
#[test]
fn gap_report_needs_a_known_position() {
    let mut p = profile();
    p.position = None;
    assert_eq!(
        gap_report(&p, &standards(), &catalog(), &Evidence::default()),
        Err(GapError::NoPosition)
    );
    p.position = Some("giam-doc".into());
    assert_eq!(
        gap_report(&p, &standards(), &catalog(), &Evidence::default()),
        Err(GapError::UnknownPosition("giam-doc".into()))
    );
}

// Guards the measured levels: the latest finished attempt of each scenario counts, in-progress
// ones and competencies no decision could move do not.
#[test]
fn measured_levels_average_latest_attempts() {
    let mut open = scenario_summary("c", 900, &[("giao_tiep", 0.0, 1)]);
    open.status = AttemptStatus::InProgress;
    let m = measured_levels(&[
        scenario_summary("a", 100, &[("giao_tiep", 1.0, 2)]),
        scenario_summary("a", 200, &[("giao_tiep", 3.0, 2), ("dao_duc", 0.0, 0)]),
        scenario_summary("b", 150, &[("giao_tiep", 2.0, 1)]),
        open,
    ]);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].level, m[0].scenarios), (2.5, 2));
}

// Guards before/after comparison: per competency, the change where both were rated; pairs of
// other modules or the wrong phases are refused.
#[test]
fn before_and_after_ratings_compare() {
    let before = rating(
        "b",
        Some(("tiep-nhan", Phase::Before)),
        1,
        &[("giao_tiep", 2), ("phap_luat", 3)],
    );
    let after = rating(
        "a",
        Some(("tiep-nhan", Phase::After)),
        2,
        &[("giao_tiep", 4), ("dao_duc", 3)],
    );
    let changes = compare(&before, &after).expect("pair");
    assert_eq!(changes.len(), 3);
    assert_eq!(changes[1].competency, "giao_tiep");
    assert_eq!(changes[1].change, Some(2));
    assert_eq!(
        (changes[0].before, changes[0].after, changes[0].change),
        (None, Some(3), None)
    );
    assert_eq!(compare(&after, &before), Err(RatingError::NotAPair));
    let other = rating("o", Some(("dao-duc", Phase::After)), 2, &[("giao_tiep", 4)]);
    assert_eq!(compare(&before, &other), Err(RatingError::NotAPair));
    assert_eq!(
        compare(&before, &rating("g", None, 3, &[("giao_tiep", 1)])),
        Err(RatingError::NotAPair)
    );
}

// Guards "you rated communication 4; your scenarios show 2.6 of 5": both numbers, the
// difference and its reading, in both languages.
#[test]
fn self_rating_against_measured() {
    let r = rating(
        "r",
        None,
        1,
        &[("giao_tiep", 4), ("dao_duc", 3), ("phap_luat", 2)],
    );
    let measured = measured_levels(&[scenario_summary(
        "a",
        1,
        &[("giao_tiep", 2.6, 3), ("phap_luat", 2.5, 2)],
    )]);
    let cmp = compare_with_measured(&r, &measured);
    let gt = cmp
        .iter()
        .find(|c| c.competency == "giao_tiep")
        .expect("gt");
    assert_eq!(
        (gt.self_rated, gt.measured, gt.difference),
        (4, Some(2.6), Some(1.4))
    );
    assert_eq!(gt.agreement, Agreement::Higher);
    let text = gt.explanation(&catalog());
    assert_eq!(
        text.en.as_deref(),
        Some("You rated communication 4; your scenarios show 2.6 of 5.")
    );
    assert_eq!(
        text.vi,
        "Anh/chị tự đánh giá Giao tiếp ở mức 4; các tình huống đã làm cho thấy 2,6/5."
    );
    let dd = cmp.iter().find(|c| c.competency == "dao_duc").expect("dd");
    assert_eq!(dd.agreement, Agreement::Unmeasured);
    let pl = cmp
        .iter()
        .find(|c| c.competency == "phap_luat")
        .expect("pl");
    assert_eq!(pl.agreement, Agreement::Close);
}

// Guards rating validation: levels 1..5, framework competencies, catalog modules.
#[test]
fn self_rating_validation() {
    let cat = catalog();
    assert_eq!(
        rating("r", None, 0, &[("giao_tiep", 5)]).validate(&cat),
        Ok(())
    );
    assert_eq!(
        rating("r", None, 0, &[]).validate(&cat),
        Err(RatingError::Empty)
    );
    assert!(matches!(
        rating("r", None, 0, &[("giao_tiep", 0)]).validate(&cat),
        Err(RatingError::OutOfRange { .. })
    ));
    assert!(matches!(
        rating("r", None, 0, &[("giao_tiep", 6)]).validate(&cat),
        Err(RatingError::OutOfRange { .. })
    ));
    assert_eq!(
        rating("r", None, 0, &[("lanh_dao", 3)]).validate(&cat),
        Err(RatingError::UnknownCompetency("lanh_dao".into()))
    );
    assert_eq!(
        rating(
            "r",
            Some(("tinh-huong", Phase::Before)),
            0,
            &[("giao_tiep", 3)]
        )
        .validate(&cat),
        Err(RatingError::UnknownModule("tinh-huong".into()))
    );
    // the latest rating of each competency wins
    let latest = rating::latest_ratings(&[
        rating("b", None, 5, &[("giao_tiep", 4)]),
        rating("a", None, 1, &[("giao_tiep", 2), ("dao_duc", 3)]),
    ]);
    assert_eq!(
        latest,
        BTreeMap::from([("dao_duc".into(), 3), ("giao_tiep".into(), 4)])
    );
}

pub(crate) fn evaluation() -> Evaluation {
    Evaluation {
        id: "6f1c2b1e-8d4a-4c1b-9a53-2f0e7d6c5b4a".into(),
        module: "tiep-nhan".into(),
        usefulness: 5,
        clarity: 4,
        relevance: 3,
        intended_use: "Hướng dẫn người dân một lần, đầy đủ, bằng phiếu.".into(),
        comment: Some("Cần thêm ví dụ về hồ sơ đất đai.".into()),
        anonymous: false,
        at_ms: 0,
    }
}

// Guards evaluation validation: every rating in 1..5, an intended use that says something
// and is not a wall of text, a bounded comment; lengths in characters, not bytes.
#[test]
fn evaluation_validation() {
    use evaluation::{EvaluationError as E, COMMENT_MAX, INTENDED_USE_MAX};
    assert_eq!(evaluation().validate(), Ok(()));
    let mut e = evaluation();
    e.clarity = 0;
    e.relevance = 6;
    e.intended_use = "  ok  ".into();
    e.comment = Some("x".repeat(COMMENT_MAX + 1));
    assert_eq!(
        e.validate(),
        Err(vec![
            E::OutOfRange {
                question: "clarity",
                value: 0
            },
            E::OutOfRange {
                question: "relevance",
                value: 6
            },
            E::IntendedUseTooShort,
            E::CommentTooLong,
        ])
    );
    let mut e = evaluation();
    // 1,000 Vietnamese letters are 2,000+ bytes but within the limit
    e.intended_use = "ữ".repeat(INTENDED_USE_MAX);
    e.comment = Some("   ".into());
    assert_eq!(e.validate(), Ok(()));
    assert_eq!(e.comment(), None);
    e.intended_use.push('ữ');
    assert_eq!(e.validate(), Err(vec![E::IntendedUseTooLong]));
}
