//! Self-assessment records in the review: pre-tests, self-ratings and evaluations made by the
//! portal's own engine and mapping, added to the fixture class; the module's figures do not
//! move, and the pre/post, evaluation and self-rating figures match a hand count.

use super::*;
use crate::attempt::StartOptions;
use crate::model::{Catalog, CatalogEntry, Competency, ContentKind, Field};
use crate::module::AttemptMode;
use crate::self_assessment::rating::{ModuleLink, Phase};
use crate::self_assessment::{Consent, Evaluation, SelfRating};

fn catalog() -> Catalog {
    let competency = |id: &str| Competency {
        id: id.into(),
        name: LocalText::both(format!("Năng lực {id}"), format!("Competency {id}")),
        description: LocalText::vi("…"),
        levels: (1..=5)
            .map(|k| LocalText::both(format!("Mức {k}"), format!("Level {k}")))
            .collect(),
    };
    let entry = |kind: ContentKind, id: &str| CatalogEntry {
        kind,
        id: id.into(),
        field: "mot-cua".into(),
        title: LocalText::vi(format!("Nội dung {id}")),
        summary: LocalText::vi("…"),
        duration_min: 10,
        version: "v1".into(),
        competencies: vec!["gt".into(), "pl".into()],
        file: format!("{id}.json"),
    };
    Catalog {
        format: 1,
        fields: vec![Field {
            id: "mot-cua".into(),
            name: LocalText::vi("Một cửa"),
        }],
        competencies: vec![competency("gt"), competency("pl")],
        entries: vec![
            entry(ContentKind::Module, "m"),
            entry(ContentKind::Scenario, "s"),
        ],
    }
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// A wrong answer to each check item of the fixture module.
fn wrong(item: &str) -> Answer {
    let ids = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    match item {
        "q1" => Answer::Single("b".into()),
        "q2" => Answer::TrueFalse(false),
        "q3" => Answer::Multiple(ids(&["b"])),
        "q4" => Answer::Single("a".into()),
        _ => Answer::Ordering(ids(&["z", "y", "x"])),
    }
}

/// A pre-test of the fixture module (`Attempt::start_with`, mode pre-test), the first
/// `right` items answered right, the rest wrong.
fn pretest(ctx: &StatementContext, n: u32, start: i64, right: usize) -> Vec<xapi::Statement> {
    let m = module();
    let content = Content::Module(m.clone());
    let options = StartOptions {
        mode: AttemptMode::PreTest,
        ..StartOptions::default()
    };
    let (mut attempt, first) =
        Play::start_with(&content, uuid(n), "l", start, options).expect("pre-test");
    let mut log = vec![first];
    let mut now = start;
    for (k, item) in m.check.items.iter().enumerate() {
        let answer = if k < right {
            item.answer.clone()
        } else {
            wrong(&item.id)
        };
        let intents = [
            Intent::Answer {
                item: item.id.clone(),
                answer,
            },
            Intent::Continue,
        ];
        for intent in intents {
            now += 10_000;
            let (next, events) = attempt.decide(&content, intent, now).expect("valid");
            log.extend(events);
            attempt = next;
        }
    }
    assert!(attempt.is_finished(), "the pre-test is finished");
    xapi::statements_for(&log, ctx, &content, &mut derived_id).expect("statements")
}

fn rating(
    ctx: &StatementContext,
    n: u32,
    at_ms: i64,
    link: Option<(Phase, u32)>,
    levels: &[(&str, u8)],
    share: bool,
) -> Vec<xapi::Statement> {
    let r = SelfRating {
        id: uuid(n),
        learner_id: "l".into(),
        module: link.map(|(phase, attempt)| ModuleLink {
            module: "m".into(),
            phase,
            attempt_id: Some(uuid(attempt)),
        }),
        ratings: levels.iter().map(|(c, l)| ((*c).to_owned(), *l)).collect(),
        at_ms,
    };
    let consent = Consent {
        share_self_ratings: share,
        share_profile: false,
    };
    xapi::self_rating_statements(&r, &catalog(), &consent, None, ctx, &mut derived_id)
        .expect("self-rating statements")
}

#[allow(clippy::too_many_arguments)]
fn evaluation(
    ctx: &StatementContext,
    n: u32,
    at_ms: i64,
    likert: [u8; 3],
    intended_use: &str,
    comment: Option<&str>,
    anonymous: bool,
) -> Vec<xapi::Statement> {
    let e = Evaluation {
        id: uuid(n),
        module: "m".into(),
        usefulness: likert[0],
        clarity: likert[1],
        relevance: likert[2],
        intended_use: intended_use.into(),
        comment: comment.map(str::to_owned),
        anonymous,
        at_ms,
    };
    let cat = catalog();
    let entry = cat.entry(ContentKind::Module, "m").expect("entry");
    xapi::evaluation_statements(&e, entry, ctx, &mut derived_id).expect("evaluation statements")
}

fn hv(who: &str) -> StatementContext {
    ctx(&format!("hv-{who}"), who, "K1")
}

/// The records added to the fixture (see the hand counts in the tests below).
fn records() -> Vec<xapi::Statement> {
    let h = 3_600_000;
    let [an, binh, chau, dung] = learners();
    let mut all = Vec::new();
    // Pre-tests of the module (full attempts start at T0 + k h; A retakes at T0 + 1 day):
    // A 2/5, B 1/5, C 0/5 then 3/5, D 5/5, F 1/5 after their post-test, G 3/5 and no
    // post-test; E none.
    all.extend(pretest(&hv("A"), 200, T0 - DAY, 2));
    all.extend(pretest(&hv("B"), 201, T0 - DAY + h, 1));
    all.extend(pretest(&hv("C"), 202, T0 - 2 * DAY, 0));
    all.extend(pretest(&hv("C"), 203, T0 - DAY + 2 * h, 3));
    all.extend(pretest(&hv("D"), 204, T0 - DAY + 3 * h, 5));
    all.extend(pretest(&hv("F"), 205, T0 + 2 * DAY, 1));
    all.extend(pretest(&hv("G"), 206, T0, 3));
    // Self-ratings of the scenario's learners: An before the module (gt 2) and later on
    // their own (gt 4, pl 4); Bình before (gt 3), after (gt 4, pl 3); Châu keeps hers
    // private (no statement); H, who has no attempt, gt 5; Dũng (class K2) gt 1.
    all.extend(rating(
        &an,
        300,
        T0 - DAY,
        Some((Phase::Before, 200)),
        &[("gt", 2)],
        true,
    ));
    all.extend(rating(
        &an,
        301,
        T0 + 3 * DAY,
        None,
        &[("gt", 4), ("pl", 4)],
        true,
    ));
    all.extend(rating(
        &binh,
        302,
        T0 - DAY,
        Some((Phase::Before, 201)),
        &[("gt", 3)],
        true,
    ));
    all.extend(rating(
        &binh,
        303,
        T0 + 2 * DAY,
        Some((Phase::After, 104)),
        &[("gt", 4), ("pl", 3)],
        true,
    ));
    let private = rating(&chau, 304, T0, None, &[("gt", 5), ("pl", 5)], false);
    assert!(
        private.is_empty(),
        "a private self-rating makes no statement"
    );
    all.extend(rating(&hv("H"), 305, T0, None, &[("gt", 5)], true));
    all.extend(rating(&dung, 306, T0, None, &[("gt", 1)], true));
    // Evaluations: A twice (the later counts), B and C anonymous, D named with a blank
    // comment; Dũng (K2) is filtered out.
    all.extend(evaluation(
        &hv("A"),
        400,
        T0 + 2 * DAY,
        [5, 4, 4],
        "Hẹn trả đúng ngày",
        None,
        false,
    ));
    all.extend(evaluation(
        &hv("A"),
        401,
        T0 + 3 * DAY,
        [4, 4, 5],
        "Kiểm tra đủ giấy tờ trước khi nhận",
        Some("Thêm ví dụ"),
        false,
    ));
    all.extend(evaluation(
        &hv("B"),
        402,
        T0 + 2 * DAY + 5 * h,
        [2, 3, 4],
        "=Ghi sổ theo dõi",
        Some("Quá dài, cần rút gọn"),
        true,
    ));
    all.extend(evaluation(
        &hv("C"),
        403,
        T0 + 2 * DAY,
        [5, 5, 5],
        "Giải thích rõ lý do trả hồ sơ",
        None,
        true,
    ));
    all.extend(evaluation(
        &hv("D"),
        404,
        T0 + 2 * DAY,
        [3, 2, 4],
        "Hướng dẫn người dân nộp trực tuyến",
        Some("   "),
        false,
    ));
    all.extend(evaluation(
        &dung,
        405,
        T0,
        [1, 1, 1],
        "Không có gì thay đổi",
        None,
        false,
    ));
    all
}

/// The fixture's statements, then the records, through JSON like an LRS answer.
fn with_records() -> (Fixture, Vec<Statement>, Vec<Statement>) {
    let f = fixture();
    let plain = parse_page(&f.json).expect("page").statements;
    let page = parse_page(&lrs_json(&records())).expect("records");
    assert_eq!(page.malformed, 0);
    let mut all = plain.clone();
    all.extend(page.statements);
    (f, plain, all)
}

// Guards "pre-tests, self-ratings and evaluations are not module attempts": with them added,
// the module's item analysis, attempt and completion counts, the scenario review and the
// learners' attempt counts are unchanged; pre-tests are listed on their own; an anonymous
// evaluation and a rating-only learner make no learner; the offline cache keeps them.
#[test]
fn records_leave_module_figures_unchanged() {
    let (f, plain, all) = with_records();
    for filter in [Filter::default(), k1()] {
        let before = Class::build(&plain, BASE, &filter, &versions());
        let after = Class::build(&all, BASE, &filter, &versions());
        assert_eq!(
            item_analysis(&after, &f.module),
            item_analysis(&before, &f.module)
        );
        assert_eq!(
            scenario_review(&after, &f.scenario),
            scenario_review(&before, &f.scenario)
        );
        let counts = |c: &Class| {
            let all: Vec<&Attempt> = c.attempts_of(ContentKind::Module, "m").collect();
            let done = all.iter().filter(|a| a.is_completed()).count();
            (all.len(), done)
        };
        assert_eq!(counts(&after), counts(&before));
        assert_eq!(counts(&before), (8, 7));
        assert_eq!(after.pretests_of("m").count(), 7);
        assert!(after.pretests_of("m").all(|a| a.is_completed()));
        // one more learner: G, who took only a pre-test
        assert_eq!(after.learners.len(), before.learners.len() + 1);
        assert!(after
            .learner(&Account::new("https://lrs.example", "hv-G"))
            .is_some());
        assert!(after
            .learner(&Account::new("https://lrs.example", "hv-H"))
            .is_none());
        assert!(after
            .learners
            .iter()
            .all(|l| !l.account.name.starts_with("00000000-")));
        let l = Labels::builtin(Lang::En);
        let rows = |c: &Class| -> Vec<Vec<String>> {
            c.tables(&l)[0]
                .rows
                .iter()
                .filter(|r| r[0] != "hv-G")
                .map(|r| vec![r[0].clone(), r[3].clone(), r[4].clone()])
                .collect()
        };
        assert_eq!(rows(&after), rows(&before));
        assert_eq!(after.skipped, before.skipped);
    }
    let after = Class::build(&all, BASE, &Filter::default(), &versions());
    // 7 pre-tests × (launched, initialized, 5 × answered, 4 progressed, completed,
    // terminated) = 7 × 13; ratings 1 + 2 + 1 + 2 + 1 + 1; evaluations 4 + 5 + 5 + 4 + 4 + 4
    let records = all.len() - plain.len();
    assert_eq!(records, 7 * 13 + 8 + 26);
    assert_eq!(after.self_ratings.len(), 8);
    assert_eq!(after.evaluations.len(), 6);
    assert_eq!(
        after
            .evaluations
            .iter()
            .filter(|e| e.is_anonymous())
            .count(),
        2
    );
    // the trainer's offline cache (lean form) reads back to the same class
    let lean = parse_page(&lean_json(&all)).expect("lean");
    assert_eq!(
        Class::build(&lean.statements, BASE, &Filter::default(), &versions()),
        after
    );
}

// Guards the pre/post figures against the hand count (class K1). Post-test = latest
// finished check: A 3/5 (the retake), B 3/5, C 4/5, D 3/5, E 2/5, F 2/5.
//
//   learner  pre            post   g
//   A        40 %           60 %   (60 − 40) / 60  = 1/3
//   B        20 %           60 %   (60 − 20) / 80  = 0.5
//   C        60 % (latest)  80 %   (80 − 60) / 40  = 0.5
//   D       100 %           60 %   (60 − 100) / 100 = −0.4
//   F        20 % (after)   40 %   —   (the pre-test came after the post-test)
//   G        60 %           —      —
//
// n = 4 (A–D): mean pre 55 %, mean post 65 %, mean g = (1/3 + 0.5 + 0.5 − 0.4) / 4 ≈ 0.233,
// g of the means = (65 − 55) / 45 ≈ 0.222.
#[test]
fn pre_post_figures() {
    let (_, _, all) = with_records();
    let class = Class::build(&all, BASE, &k1(), &versions());
    let p = pre_post(&class, "m");
    let rows: Vec<(&str, f64, Option<f64>, usize)> = p
        .rows
        .iter()
        .map(|r| {
            (
                class.learners[r.learner].account.name.as_str(),
                r.pre,
                r.post,
                r.pretests,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("hv-A", 40.0, Some(60.0), 1),
            ("hv-B", 20.0, Some(60.0), 1),
            ("hv-C", 60.0, Some(80.0), 2),
            ("hv-D", 100.0, Some(60.0), 1),
            ("hv-F", 20.0, Some(40.0), 1),
            ("hv-G", 60.0, None, 1),
        ]
    );
    let gains: Vec<Option<f64>> = p.rows.iter().map(|r| r.gain).collect();
    assert!((gains[0].expect("A") - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(&gains[1..], [Some(0.5), Some(0.5), Some(-0.4), None, None]);
    assert_eq!(p.n, 4);
    assert_eq!((p.mean_pre, p.mean_post), (Some(55.0), Some(65.0)));
    assert!((p.mean_gain.expect("mean g") - (1.0 / 3.0 + 0.6) / 4.0).abs() < 1e-12);
    assert!((p.gain_of_means.expect("g of means") - 10.0 / 45.0).abs() < 1e-12);
    // the core's definition: the same as the learner's own result page
    assert_eq!(
        p.gain_of_means,
        Some(crate::module::gain_from_percent(55.0, 65.0))
    );

    let t = p.tables(&class, &Labels::builtin(Lang::Vi));
    assert_eq!(t[0].id, "prepost-summary");
    let values: Vec<&str> = t[0].rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(values, ["6", "4", "55.0 %", "65.0 %", "0.23", "0.22"]);
    assert_eq!(t[1].id, "prepost-learners");
    assert_eq!(
        t[1].headers,
        [
            "Tài khoản",
            "Họ và tên",
            "Kiểm tra đầu vào",
            "Kiểm tra cuối học phần",
            "Tiến bộ chuẩn hoá (g)",
            "Số lần kiểm tra đầu vào"
        ]
    );
    assert_eq!(t[1].rows[0], ["hv-A", "A", "40.0 %", "60.0 %", "0.33", "1"]);
    assert_eq!(
        t[1].rows[3],
        ["hv-D", "D", "100.0 %", "60.0 %", "-0.40", "1"]
    );
    assert_eq!(t[1].rows[4], ["hv-F", "F", "20.0 %", "40.0 %", "—", "1"]);
    assert_eq!(t[1].rows[5], ["hv-G", "G", "60.0 %", "—", "—", "1"]);
    assert!(t[1]
        .to_csv()
        .contains("\r\nhv-C,C,60.0 %,80.0 %,0.50,2\r\n"));
    // a module nobody pre-tested: no rows, no means
    let none = pre_post(&class, "other");
    assert_eq!((none.rows.len(), none.n, none.mean_gain), (0, 0, None));
}

// Guards the evaluation figures (class K1): counted A's later one, D, and the anonymous B
// and C (Dũng's is class K2):
//   usefulness 4 3 2 5 → 3.5, counts 0 1 1 1 1; clarity 4 2 3 5 → 3.5, 0 1 1 1 1;
//   relevance 5 4 4 5 → 4.5, 0 0 0 2 2.
// The texts: named ones by name, then the anonymous ones as "Ẩn danh", never their names.
#[test]
fn evaluation_figures() {
    let (_, _, all) = with_records();
    let class = Class::build(&all, BASE, &k1(), &versions());
    let e = evaluation_summary(&class, "m");
    assert_eq!((e.evaluations, e.anonymous), (4, 2));
    let q: Vec<(&str, usize, Option<f64>, [usize; 5])> = e
        .questions
        .iter()
        .map(|q| (q.question, q.n, q.mean, q.counts))
        .collect();
    assert_eq!(
        q,
        [
            ("usefulness", 4, Some(3.5), [0, 1, 1, 1, 1]),
            ("clarity", 4, Some(3.5), [0, 1, 1, 1, 1]),
            ("relevance", 4, Some(4.5), [0, 0, 0, 2, 2]),
        ]
    );
    let t = e.tables(&Labels::builtin(Lang::Vi));
    assert_eq!(
        t[0].rows,
        [["Phiếu đánh giá", "4"], ["Trong đó ẩn danh", "2"]]
    );
    assert_eq!(
        t[1].rows[0],
        [
            "Học phần hữu ích cho công việc",
            "4",
            "3.5",
            "0",
            "1",
            "1",
            "1",
            "1"
        ]
    );
    assert_eq!(t[1].rows[2][2], "4.5");
    assert_eq!(
        t[2].rows,
        [
            [
                "A (hv-A)",
                "Kiểm tra đủ giấy tờ trước khi nhận",
                "Thêm ví dụ"
            ],
            ["D (hv-D)", "Hướng dẫn người dân nộp trực tuyến", "—"],
            ["Ẩn danh", "=Ghi sổ theo dõi", "Quá dài, cần rút gọn"],
            ["Ẩn danh", "Giải thích rõ lý do trả hồ sơ", "—"],
        ]
    );
    // the text starting like a formula is escaped where it is shown and exported
    let csv = t[2].to_csv();
    assert!(!csv.contains("hv-B") && !csv.contains("hv-C"), "{csv}");
    assert!(csv.contains("Ẩn danh,'=Ghi sổ theo dõi,\"Quá dài, cần rút gọn\"\r\n"));
    // every class: Dũng's counts too
    let everyone = Class::build(&all, BASE, &Filter::default(), &versions());
    assert_eq!(evaluation_summary(&everyone, "m").evaluations, 5);
}

// Guards self-rating vs measured (class K1). Measured = latest completed attempt of the
// scenario: An's second (gt 0, pl 0), Bình's first (gt 2.5, pl 4.2), Châu's second (5, 5).
//   gt: latest self An 4, Bình 4, H 5 → 13/3; before An 2, Bình 3 → 2.5; after Bình 4;
//       measured (0 + 2.5 + 5) / 3 = 2.5; difference An 4 − 0, Bình 4 − 2.5 → 2.75.
//   pl: latest self An 4, Bình 3 → 3.5; before none; after Bình 3; measured
//       (0 + 4.2 + 5) / 3 ≈ 3.07; difference An 4, Bình −1.2 → 1.4.
// Châu's private rating and Dũng's (class K2) are not there.
#[test]
fn self_rating_vs_measured_figures() {
    let (_, _, all) = with_records();
    let class = Class::build(&all, BASE, &k1(), &versions());
    let r = ratings_vs_measured(&class);
    assert_eq!(r.len(), 2);
    let gt = &r[0];
    assert_eq!(gt.competency, "gt");
    assert!((gt.self_mean.expect("gt") - 13.0 / 3.0).abs() < 1e-12);
    assert_eq!(
        (
            gt.self_n,
            gt.before_mean,
            gt.before_n,
            gt.after_mean,
            gt.after_n
        ),
        (3, Some(2.5), 2, Some(4.0), 1)
    );
    assert_eq!((gt.measured_mean, gt.measured_n), (Some(2.5), 3));
    assert_eq!((gt.difference, gt.paired_n), (Some(2.75), 2));
    let pl = &r[1];
    assert_eq!((pl.self_mean, pl.self_n), (Some(3.5), 2));
    assert_eq!((pl.before_mean, pl.before_n), (None, 0));
    assert_eq!((pl.after_mean, pl.after_n), (Some(3.0), 1));
    assert!((pl.measured_mean.expect("pl") - 9.2 / 3.0).abs() < 1e-12);
    assert!((pl.difference.expect("pl") - 1.4).abs() < 1e-12);
    let t = ratings_vs_measured_table(&r, &Labels::builtin(Lang::En));
    assert_eq!(t.id, "selfrating-measured");
    assert_eq!(
        t.rows,
        [
            ["gt", "4.3", "3", "2.5", "2", "4.0", "1", "2.5", "3", "2.8", "2"],
            ["pl", "3.5", "2", "—", "0", "3.0", "1", "3.1", "3", "1.4", "2"],
        ]
    );
    // every class: Dũng (gt 1, measured gt 5) joins
    let everyone = Class::build(&all, BASE, &Filter::default(), &versions());
    let gt = &ratings_vs_measured(&everyone)[0];
    assert_eq!((gt.self_n, gt.measured_n, gt.paired_n), (4, 4, 3));
}
