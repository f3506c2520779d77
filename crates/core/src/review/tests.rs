//! Hand-computed fixtures: a small scenario with a loop and a small module, played by a few
//! learners through the portal's own engine and xAPI mapping, sent through JSON like an LRS
//! answer, and every figure of the review checked against values worked out by hand.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::attempt::{Attempt as Play, Intent};
use crate::model::{
    Answer, Branch, Check, Choice, CompareOp, Comparison, Condition, Content, Ending, EndingKind,
    Item, ItemKind, ItemOption, Lesson, Module, Node, Scenario,
};
use crate::text::{Lang, LocalText};
use crate::xapi::{self, derived_id, Learner as XLearner, StatementContext};

const BASE: &str = "https://boiduong.example/xapi";
const T0: i64 = 1_795_835_045_123; // 2026-11-28T03:04:05.123Z
const DAY: i64 = 86_400_000;

fn choice(id: &str, to: &str, scores: &[(&str, i32)], feedback: &str) -> Choice {
    Choice {
        id: id.into(),
        text: LocalText::both(format!("Chọn {id}"), format!("Choose {id}")),
        to: to.into(),
        branches: vec![],
        consequence: LocalText::vi("…"),
        feedback: LocalText::both(
            format!("Phản hồi {feedback}"),
            format!("Feedback {feedback}"),
        ),
        scores: scores.iter().map(|(k, v)| ((*k).into(), *v)).collect(),
        harm: false,
    }
}

fn node(id: &str, choices: Vec<Choice>, ending: Option<(EndingKind, &str)>) -> Node {
    Node {
        id: id.into(),
        text_html: LocalText::vi(format!("<p>{id}</p>")),
        image: None,
        choices,
        ending: ending.map(|(kind, title)| Ending {
            kind,
            title: LocalText::both(title, title),
        }),
    }
}

/// start: a (gt +2) → mid, b (gt −1) → mid
/// mid:   c (pl +1) → good if gt ≥ 2 else ok; d (pl −2) → bad; e (0) → start (the loop)
/// Best: a at start (total 2), c at mid (total 1).
fn scenario() -> Scenario {
    let mut c = choice("c", "ok", &[("pl", 1)], "c");
    c.branches.push(Branch {
        when: Condition {
            all: vec![Comparison {
                subject: "gt".into(),
                op: CompareOp::Ge,
                value: 2,
            }],
        },
        to: "good".into(),
    });
    Scenario {
        id: "s".into(),
        version: "v1".into(),
        field: "mot-cua".into(),
        title: LocalText::vi("Tình huống"),
        summary: LocalText::vi("…"),
        duration_min: 5,
        competencies: vec!["gt".into(), "pl".into()],
        delta_range: (-2, 2),
        start: "start".into(),
        nodes: vec![
            node(
                "start",
                vec![
                    choice("a", "mid", &[("gt", 2)], "a"),
                    choice("b", "mid", &[("gt", -1)], "b, hỏi lại"),
                ],
                None,
            ),
            node(
                "mid",
                vec![
                    c,
                    choice("d", "bad", &[("pl", -2)], "d"),
                    choice("e", "start", &[("pl", 0)], "e"),
                ],
                None,
            ),
            node("good", vec![], Some((EndingKind::Good, "Tốt, đúng hạn"))),
            node("ok", vec![], Some((EndingKind::Mixed, "Được"))),
            node("bad", vec![], Some((EndingKind::Bad, "Chưa được"))),
        ],
    }
}

fn opt(id: &str) -> ItemOption {
    ItemOption {
        id: id.into(),
        text: LocalText::vi(format!("Phương án {id}")),
        feedback: None,
        fixed: false,
    }
}

fn item(id: &str, options: &[&str], answer: Answer) -> Item {
    Item {
        id: id.into(),
        prompt: LocalText::vi(format!("Câu {id}")),
        options: options.iter().map(|o| opt(o)).collect(),
        answer,
        explanation: LocalText::vi("…"),
        points: 1,
    }
}

fn module() -> Module {
    let s = |v: &str| Answer::Single(v.into());
    let ids = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    Module {
        id: "m".into(),
        version: "v1".into(),
        field: "mot-cua".into(),
        title: LocalText::vi("Học phần"),
        summary: LocalText::vi("…"),
        duration_min: 10,
        competencies: vec!["gt".into()],
        lessons: vec![Lesson {
            id: "l1".into(),
            title: LocalText::vi("Bài 1"),
            body_html: LocalText::vi("<p>…</p>"),
            practice: item("p1", &["a", "b"], s("a")),
        }],
        check: Check {
            pass_points: 3,
            draw: None,
            items: vec![
                item("q1", &["a", "b", "c"], s("a")),
                item("q2", &[], Answer::TrueFalse(true)),
                item("q3", &["a", "b", "c"], Answer::Multiple(ids(&["a", "c"]))),
                item("q4", &["a", "b", "c"], s("b")),
                item(
                    "q5",
                    &["x", "y", "z"],
                    Answer::Ordering(ids(&["x", "y", "z"])),
                ),
            ],
        },
    }
}

fn ctx(account: &str, name: &str, class: &str) -> StatementContext {
    StatementContext {
        base: BASE.into(),
        learner: XLearner {
            name: name.into(),
            home_page: "https://lrs.example".into(),
            account_name: account.into(),
        },
        class_code: class.into(),
        platform: "Boiduong test".into(),
        language: Lang::Vi,
    }
}

/// Plays `intents` (each `secs` after the previous event) and maps the log to statements.
fn play(
    content: &Content,
    ctx: &StatementContext,
    n: u32,
    start: i64,
    intents: Vec<(Intent, i64)>,
) -> Vec<xapi::Statement> {
    let id = format!("00000000-0000-4000-8000-{n:012}");
    let (mut attempt, first) = Play::start(content, id, "l", start);
    let mut log = vec![first];
    let mut now = start;
    for (intent, secs) in intents {
        now += secs * 1_000;
        let (next, events) = attempt.decide(content, intent, now).expect("valid intent");
        log.extend(events);
        attempt = next;
    }
    xapi::statements_for(&log, ctx, content, &mut derived_id).expect("statements")
}

/// The statements as an LRS returns them: each with the `authority` the LRS stamps from the
/// account that posted it, the learner's own (an anonymous evaluation's: another account of
/// the portal, the write-only anonymous one it goes through).
fn lrs_values(all: &[xapi::Statement]) -> Vec<serde_json::Value> {
    all.iter()
        .map(|s| {
            let mut v = serde_json::to_value(s).expect("json");
            let account = if s.actor.name.is_some() {
                json!({"homePage": s.actor.account.home_page, "name": s.actor.account.name})
            } else {
                json!({"homePage": s.actor.account.home_page, "name": "hv-poster"})
            };
            v["authority"] = json!({"objectType": "Agent", "account": account});
            v
        })
        .collect()
}

fn lrs_json(all: &[xapi::Statement]) -> String {
    serde_json::to_string(&lrs_values(all)).expect("json")
}

/// The content versions of the fixture.
fn versions() -> Versions {
    [Content::Scenario(scenario()), Content::Module(module())]
        .into_iter()
        .collect()
}

fn choose(c: &str, secs: i64) -> (Intent, i64) {
    (Intent::Choose { choice: c.into() }, secs)
}

struct Fixture {
    scenario: Scenario,
    module: Module,
    json: String,
}

fn learners() -> [StatementContext; 4] {
    [
        ctx("an", "Nguyễn Văn An", "K1"),
        ctx("binh", "Trần Thị Bình", "K1"),
        ctx("chau", "Lê Minh Châu", "k1 "),
        ctx("dung", "Phạm Dũng", "K2"),
    ]
}

fn fixture() -> Fixture {
    let s = scenario();
    let sc = Content::Scenario(s.clone());
    let [l1, l2, l3, l4] = learners();
    let h = 3_600_000;
    let mut all = Vec::new();
    // An: good (a 10 s, c 20 s), then next day bad (b 30 s, d 40 s)
    all.extend(play(
        &sc,
        &l1,
        1,
        T0,
        vec![choose("a", 10), choose("c", 20)],
    ));
    all.extend(play(
        &sc,
        &l1,
        2,
        T0 + DAY,
        vec![choose("b", 30), choose("d", 40)],
    ));
    // Bình: the loop b, e, a, c → ok (gt = 1 < 2); next day a, then stops at mid
    all.extend(play(
        &sc,
        &l2,
        3,
        T0 + h,
        vec![
            choose("b", 10),
            choose("e", 20),
            choose("a", 30),
            choose("c", 40),
        ],
    ));
    all.extend(play(&sc, &l2, 4, T0 + DAY + h, vec![choose("a", 50)]));
    // Châu: bad (a 60 s, d 70 s), next day good (a 20 s, c 25 s)
    all.extend(play(
        &sc,
        &l3,
        5,
        T0 + 2 * h,
        vec![choose("a", 60), choose("d", 70)],
    ));
    all.extend(play(
        &sc,
        &l3,
        6,
        T0 + DAY + 2 * h,
        vec![choose("a", 20), choose("c", 25)],
    ));
    // Dũng, another class: good
    all.extend(play(
        &sc,
        &l4,
        7,
        T0 + 3 * h,
        vec![choose("a", 5), choose("c", 5)],
    ));

    let m = module();
    let mc = Content::Module(m.clone());
    let ids = |v: &str| v.split(',').map(str::to_owned).collect::<Vec<_>>();
    let single = |v: &str| Answer::Single(v.into());
    // (learner, q1, q3, q4, q5); q2 is always `true`
    let rows: [(&str, &str, Answer, &str, &str); 6] = [
        ("A", "a", Answer::Multiple(ids("c,a")), "a", "x,y,z"),
        ("B", "a", Answer::Multiple(ids("a")), "c", "x,y,z"),
        ("C", "a", Answer::Multiple(ids("a,b")), "b", "x,y,z"),
        ("D", "a", Answer::Multiple(ids("a")), "b", "y,x,z"),
        ("E", "b", Answer::Multiple(ids("b")), "b", "x,z,y"),
        ("F", "c", Answer::Multiple(ids("a")), "b", "z,y,x"),
    ];
    let mut n = 100;
    for (k, (who, q1, q3, q4, q5)) in rows.into_iter().enumerate() {
        let c = ctx(&format!("hv-{who}"), who, "K1");
        let start = T0 + k as i64 * h;
        let answer = |item: &str, a: Answer| {
            [
                (
                    Intent::Answer {
                        item: item.into(),
                        answer: a,
                    },
                    10,
                ),
                (Intent::Continue, 1),
            ]
        };
        let mut intents: Vec<(Intent, i64)> = Vec::new();
        intents.extend(answer("p1", single("b")));
        intents.extend(answer("q1", single(q1)));
        intents.extend(answer("q2", Answer::TrueFalse(true)));
        intents.extend(answer("q3", q3));
        intents.extend(answer("q4", single(q4)));
        intents.extend(answer("q5", Answer::Ordering(ids(q5))));
        if who == "B" {
            // an earlier, unfinished attempt: ignored (not completed)
            n += 1;
            all.extend(play(&mc, &c, n, start - h / 2, intents[..4].to_vec()));
        }
        n += 1;
        all.extend(play(&mc, &c, n, start, intents.clone()));
        if who == "A" {
            // a later retake, all wrong: ignored (not the first completed attempt)
            let wrong: Vec<(Intent, i64)> = intents
                .iter()
                .map(|(i, s)| match i {
                    Intent::Answer { item, .. } if item == "q1" => {
                        (answer("q1", single("c"))[0].0.clone(), *s)
                    }
                    other => (other.clone(), *s),
                })
                .collect();
            n += 1;
            all.extend(play(&mc, &c, n, start + DAY, wrong));
        }
    }
    let mut values = lrs_values(&all);
    // An LRS adds `stored`; a page overlap repeats a statement; other tools' statements and
    // broken ones are mixed in.
    for (i, v) in values.iter_mut().enumerate() {
        let t = xapi::timestamp(T0 + 2 * DAY + i as i64).expect("time");
        v["stored"] = json!(t);
    }
    let dup = values[0].clone();
    values.push(dup);
    values.push(json!({"id": "1b7e0a4c-0000-4000-8000-000000000001",
        "actor": {"account": {"homePage": "https://lrs.example", "name": "an"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://other.example/course/1"},
        "timestamp": "2026-11-28T03:00:00Z"}));
    values.push(json!({"id": "broken", "verb": {"id": "x"}}));
    let json = serde_json::to_string(&json!({"statements": values, "more": ""})).expect("page");
    Fixture {
        scenario: s,
        module: m,
        json,
    }
}

fn class(filter: &Filter) -> (Fixture, Class, Page) {
    let f = fixture();
    let page = parse_page(&f.json).expect("page");
    let class = Class::build(&page.statements, &format!("{BASE}/"), filter, &versions());
    (f, class, page)
}

fn k1() -> Filter {
    Filter {
        class_code: Some("K1".into()),
        ..Filter::default()
    }
}

// Guards the grouping: attempts by registration, learners by account (display name kept),
// dedupe by id, other tools' and broken statements left out and counted, class codes listed
// for the picker whatever the filter, last sync from `stored`.
#[test]
fn class_grouping_and_counts() {
    let (_, class, page) = class(&Filter::default());
    assert_eq!(page.malformed, 1);
    assert_eq!(class.skipped.duplicates, 1);
    assert_eq!(class.skipped.foreign, 1);
    assert_eq!(class.class_codes, ["K1", "K2", "k1"]);
    // 4 scenario learners + 6 module learners
    assert_eq!(class.learners.len(), 10);
    assert_eq!(class.attempts.len(), 7 + 8);
    let (_, binh) = class
        .learner(&Account::new("https://lrs.example", "binh"))
        .expect("Bình");
    assert_eq!(binh.name, "Trần Thị Bình");
    assert_eq!(binh.attempts.len(), 2);
    let first = &class.attempts[binh.attempts[0]];
    assert_eq!(first.registration, "00000000-0000-4000-8000-000000000003");
    assert_eq!(first.choices.len(), 4);
    assert_eq!(first.version.as_deref(), Some("v1"));
    // stored times are T0 + 2 days + the statement's index: the learner's latest one
    assert!(binh.last_synced_ms >= T0 + 2 * DAY);
    assert!(binh.last_synced_ms < T0 + 2 * DAY + 1_000);
    let tables = class.tables(&Labels::builtin(Lang::En));
    assert_eq!(tables[0].rows.len(), 10);
    // the portal's own statements, each posted by its learner: nothing set aside, and every
    // result they claim is the one the content gives
    assert_eq!(class.trust, Trust::default());
}

// Guards the filters: class code (trimmed, case-insensitive), date range on the attempt's
// start (since inclusive, until exclusive), never cutting an attempt.
#[test]
fn filters() {
    let (f, class, _) = class(&k1());
    let r = scenario_review(&class, &f.scenario);
    assert_eq!((r.learners, r.attempts), (3, 6));
    let day1 = Filter {
        class_code: Some("k1".into()),
        since_ms: Some(T0 + DAY),
        until_ms: None,
        ..Filter::default()
    };
    let page = parse_page(&f.json).expect("page");
    let c = Class::build(&page.statements, BASE, &day1, &versions());
    let r = scenario_review(&c, &f.scenario);
    assert_eq!((r.learners, r.attempts, r.completed), (3, 3, 2));
    let day0 = Filter {
        class_code: None,
        since_ms: Some(T0),
        until_ms: Some(T0 + DAY),
        ..Filter::default()
    };
    let c = Class::build(&page.statements, BASE, &day0, &versions());
    let r = scenario_review(&c, &f.scenario);
    assert_eq!((r.learners, r.attempts, r.completed), (4, 4, 4));
    // the filter does not change the picker's options
    assert_eq!(c.class_codes.len(), 3);
    let none = Filter {
        class_code: Some("K9".into()),
        ..Filter::default()
    };
    let c = Class::build(&page.statements, BASE, &none, &versions());
    assert!(c.learners.is_empty() && c.attempts.is_empty());
    // another base: nothing is ours
    let c = Class::build(
        &page.statements,
        "https://elsewhere.example/xapi",
        &Filter::default(),
        &versions(),
    );
    assert!(c.attempts.is_empty());
}

// Guards hiding a learner who joined by mistake: none of their statements counts, the
// others' figures stay, and showing them again brings them back.
#[test]
fn hidden_learners_are_left_out() {
    let (f, _, _) = class(&k1());
    let page = parse_page(&f.json).expect("page");
    let class = Class::build(&page.statements, BASE, &Filter::default(), &versions());
    let all = scenario_review(&class, &f.scenario);
    let first = class.learners[0].account.name.clone();
    let hide = Filter {
        hidden: [first.clone()].into_iter().collect(),
        ..Filter::default()
    };
    let c = Class::build(&page.statements, BASE, &hide, &versions());
    assert!(c.learners.iter().all(|l| l.account.name != first));
    assert_eq!(c.learners.len(), class.learners.len() - 1);
    let r = scenario_review(&c, &f.scenario);
    assert!(r.attempts < all.attempts && r.learners == all.learners - 1);
    let shown = Class::build(&page.statements, BASE, &Filter::default(), &versions());
    assert_eq!(scenario_review(&shown, &f.scenario).attempts, all.attempts);
}

// Guards every figure of the scenario review against the hand count (class K1):
// attempts An 1 a,c→good; An 2 b,d→bad; Bình 1 b,e,a,c→ok; Bình 2 a (stopped);
// Châu 1 a,d→bad; Châu 2 a,c→good.
#[test]
fn scenario_figures() {
    let (f, class, _) = class(&k1());
    let r = scenario_review(&class, &f.scenario);
    assert_eq!((r.learners, r.attempts, r.completed), (3, 6, 5));
    assert_eq!(r.completion_rate, Some(5.0 / 6.0));
    assert_eq!(r.other_versions, 0);
    let endings: Vec<(&str, usize)> = r
        .endings
        .iter()
        .map(|e| (e.node.as_str(), e.count))
        .collect();
    assert_eq!(endings, [("good", 2), ("ok", 1), ("bad", 2)]);
    // totals: 3, −3, 2 (gt 1 + pl 1), 0, 3
    let buckets: Vec<(i64, usize)> = r.scores.iter().map(|b| (b.from, b.count)).collect();
    assert_eq!(
        buckets,
        [(-3, 1), (-2, 0), (-1, 0), (0, 1), (1, 0), (2, 1), (3, 2)]
    );
    let start = &r.nodes[0];
    assert_eq!((start.attempts, start.learners, start.answers), (6, 3, 7));
    // durations at start: 10 30 10 30 50 60 20 → sorted 10 10 20 30 30 50 60 → 30 s
    assert_eq!(start.median_ms, Some(30_000));
    let mid = &r.nodes[1];
    assert_eq!((mid.attempts, mid.answers, mid.drop_offs), (6, 6, 1));
    // durations at mid: 20 40 20 40 70 25 → 20 20 25 40 40 70 → (25 + 40) / 2 = 32.5 s
    assert_eq!(mid.median_ms, Some(32_500));
    let taken: Vec<(&str, usize, usize)> = start
        .choices
        .iter()
        .chain(&mid.choices)
        .map(|c| (c.choice.as_str(), c.taken, c.attempts))
        .collect();
    assert_eq!(
        taken,
        [
            ("a", 5, 5),
            ("b", 2, 2),
            ("c", 3, 3),
            ("d", 2, 2),
            ("e", 1, 1)
        ]
    );
    assert_eq!(
        mid.choices[0].to,
        [("good".to_owned(), 2), ("ok".to_owned(), 1)]
    );
    let good = &r.nodes[2];
    assert_eq!((good.attempts, good.learners, good.answers), (2, 2, 0));
    let edges: Vec<(&str, &str, &str, usize)> = r
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.choice.as_str(), e.to.as_str(), e.count))
        .collect();
    assert_eq!(
        edges,
        [
            ("start", "a", "mid", 5),
            ("start", "b", "mid", 2),
            ("mid", "c", "good", 2),
            ("mid", "c", "ok", 1),
            ("mid", "d", "bad", 2),
            ("mid", "e", "start", 1),
        ]
    );
    let sub: Vec<(&str, &str, usize)> = r
        .sub_optimal
        .iter()
        .map(|s| (s.node.as_str(), s.choice.as_str(), s.taken))
        .collect();
    assert_eq!(sub, [("start", "b", 2), ("mid", "d", 2), ("mid", "e", 1)]);
    assert!((r.sub_optimal[0].share - 2.0 / 7.0).abs() < 1e-12);
    assert_eq!(r.sub_optimal[0].feedback.vi, "Phản hồi b, hỏi lại");
    // levels gt: 5, 0, 2.5, 5, 5 → 3.5; pl: 5, 0, 4.2 (5/6·5 rounded), 0, 5 → 2.84
    // scores gt: 2, −1, 1, 2, 2 → 1.2; pl: 1, −2, 1, −2, 1 → −0.2
    let comp = &r.competencies;
    assert_eq!(comp[0].competency, "gt");
    assert!((comp[0].level.expect("gt") - 3.5).abs() < 1e-9);
    assert!((comp[1].level.expect("pl") - 2.84).abs() < 1e-9);
    assert!((comp[0].score.expect("gt") - 1.2).abs() < 1e-9);
    assert!((comp[1].score.expect("pl") + 0.2).abs() < 1e-9);
    assert_eq!(comp[0].level_n, 5);
    assert_eq!(
        r.drop_off,
        [DropOff {
            node: "mid".into(),
            attempts: 1
        }]
    );
    assert_eq!(r.loops.attempts, 1);
    assert_eq!(
        r.loops.nodes,
        [("start".to_owned(), 1), ("mid".to_owned(), 1)]
    );
    // first: An good 3, Bình mixed 2, Châu bad 0; best: An good 3, Bình mixed 2, Châu good 3
    let fb = &r.first_best;
    assert_eq!(fb.learners, 3);
    assert_eq!((fb.first.good, fb.first.mixed, fb.first.bad), (1, 1, 1));
    assert_eq!((fb.best.good, fb.best.mixed, fb.best.bad), (2, 1, 0));
    assert!((fb.first.mean_total.expect("first") - 5.0 / 3.0).abs() < 1e-9);
    assert!((fb.best.mean_total.expect("best") - 8.0 / 3.0).abs() < 1e-9);
    assert_eq!(fb.improved, 1);
    assert_eq!(fb.attempts_per_learner, Some(2.0));
}

// Guards the display cells and the CSV bytes of the scenario tables (what the UI shows and
// exports), with the built-in English labels.
#[test]
fn scenario_tables_and_csv() {
    let (f, class, _) = class(&k1());
    let r = scenario_review(&class, &f.scenario);
    let tables = r.tables(&Labels::builtin(Lang::En));
    let get = |id: &str| tables.iter().find(|t| t.id == id).expect(id);
    assert_eq!(
        get("scenario-summary").rows[3],
        ["Completion rate", "83.3 %"]
    );
    let endings = get("scenario-endings");
    assert_eq!(
        endings.to_csv(),
        "\u{feff}Ending,Kind,Title,Attempts,Share\r\n\
         good,Good,\"Tốt, đúng hạn\",2,40.0 %\r\n\
         ok,Mixed,Được,1,20.0 %\r\n\
         bad,Bad,Chưa được,2,40.0 %\r\n"
    );
    assert_eq!(
        get("scenario-nodes").rows[1],
        ["mid", "", "6", "3", "6", "0:33", "1", "1"]
    );
    assert_eq!(get("scenario-scores").rows[0], ["-3", "1"]);
    assert_eq!(
        get("scenario-choices").rows[2],
        [
            "mid",
            "c",
            "Choose c",
            "Yes",
            "3",
            "50.0 %",
            "good (2), ok (1)"
        ]
    );
    assert_eq!(
        get("scenario-sub-optimal").rows[0],
        [
            "start",
            "b",
            "Choose b",
            "2",
            "28.6 %",
            "Feedback b, hỏi lại"
        ]
    );
    assert_eq!(
        get("scenario-competencies").rows,
        [["gt", "3.5", "1.2", "5"], ["pl", "2.8", "-0.2", "5"]]
    );
    assert_eq!(
        get("scenario-first-best").rows,
        [
            ["First attempt", "3", "1", "1", "1", "1.7", "—"],
            ["Best attempt", "3", "2", "1", "0", "2.7", "1"]
        ]
    );
    // headers go through the caller's translation
    let keys = |k: &str| k.to_owned();
    let raw = Labels {
        text: &keys,
        ..Labels::builtin(Lang::Vi)
    };
    assert_eq!(r.tables(&raw)[1].headers[0], "review_col_ending");
    assert_eq!(
        r.tables(&Labels::builtin(Lang::Vi))[1].headers[0],
        "Kết thúc"
    );
}

// Guards the learner view: the path with sub-optimal marks, the ending and competencies,
// and the class average beside them.
#[test]
fn learner_figures() {
    let (f, class, _) = class(&k1());
    let account = Account::new("https://lrs.example", "binh");
    let r = learner_review(&class, &account, &f.scenario);
    assert_eq!(r.name, "Trần Thị Bình");
    assert_eq!(r.attempts.len(), 2);
    let a = &r.attempts[0];
    let path: Vec<(&str, &str, bool)> = a
        .steps
        .iter()
        .map(|s| (s.node.as_str(), s.choice.as_str(), s.sub_optimal))
        .collect();
    assert_eq!(
        path,
        [
            ("start", "b", true),
            ("mid", "e", true),
            ("start", "a", false),
            ("mid", "c", false)
        ]
    );
    assert_eq!(a.steps[0].at_ms, T0 + 3_600_000 + 10_000);
    assert_eq!(a.steps[3].duration_ms, Some(40_000));
    assert_eq!(a.steps[0].deltas, BTreeMap::from([("gt".to_owned(), -1.0)]));
    assert_eq!(a.ending.as_deref(), Some("ok"));
    assert_eq!(a.ending_kind, Some(EndingKind::Mixed));
    assert_eq!(a.total, Some(2.0));
    assert_eq!(a.duration_ms, Some(100_000));
    assert_eq!(
        a.competencies,
        [
            ("gt".to_owned(), Some(2.5), Some(1.0)),
            ("pl".to_owned(), Some(4.2), Some(1.0))
        ]
    );
    assert!(!r.attempts[1].completed);
    assert_eq!(r.class_average[0].level, Some(3.5));
    let tables = r.tables(&Labels::builtin(Lang::En));
    assert_eq!(
        tables[0].rows[0],
        [
            "1",
            "2026-11-28 11:04",
            "Yes",
            "Được",
            "Mixed",
            "2",
            "1:40",
            "4"
        ]
    );
    // the place and order Bình saw at the first node: the attempt's own (same id, same seed)
    let start = &f.scenario.nodes[0];
    let (replayed, _) = Play::start(
        &Content::Scenario(f.scenario.clone()),
        "00000000-0000-4000-8000-000000000003",
        "l",
        0,
    );
    let shown: Vec<&str> = replayed
        .choice_order(start)
        .iter()
        .map(|i| start.choices[*i].id.as_str())
        .collect();
    let place = shown.iter().position(|c| *c == "b").expect("b shown") + 1;
    assert_eq!(
        tables[1].rows[0],
        [
            "1",
            "1",
            "start",
            "b",
            "Choose b",
            "2026-11-28 11:04",
            "0:10",
            "gt -1",
            "Yes",
            &place.to_string(),
            &shown.join(", ")
        ]
    );
    assert_eq!(tables[2].rows[0], ["gt", "1", "2.5", "1", "3.5", "1.2"]);
    // unknown learner: empty, not a panic
    let nobody = learner_review(&class, &Account::new("x", "y"), &f.scenario);
    assert!(nobody.attempts.is_empty());
}

// Guards the item analysis against the hand computation (first completed attempt of each
// learner; A's retake and B's unfinished first try are ignored). Correct (1) / wrong (0):
//
//       q1 q2 q3 q4 q5 | total
//   A    1  1  1  0  1 |  4
//   B    1  1  0  0  1 |  3
//   C    1  1  0  1  1 |  4
//   D    1  1  0  1  0 |  3
//   E    0  1  0  1  0 |  2
//   F    0  1  0  1  0 |  2
//
// q1: x = 1 1 1 1 0 0, rest y = total − x = 3 2 3 2 2 2; mean x = 2/3, mean y = 7/3;
//     Σ(x−x̄)(y−ȳ) = (1/3)(2/3 − 1/3 + 2/3 − 1/3) + (−2/3)(−1/3 − 1/3) = 2/9 + 4/9 = 2/3;
//     Σ(x−x̄)² = 4·1/9 + 2·4/9 = 4/3; Σ(y−ȳ)² = 2·4/9 + 4·1/9 = 4/3;
//     r = (2/3) / √(16/9) = 0.500.
// q4: x = 0 0 1 1 1 1, y = 4 3 3 2 1 1; mean x = 2/3, mean y = 7/3;
//     Σ(x−x̄)(y−ȳ) = (−2/3)(5/3 + 2/3) + (1/3)(2/3 − 1/3 − 4/3 − 4/3) = −14/9 − 7/9 = −7/3;
//     Σ(x−x̄)² = 4/3; Σ(y−ȳ)² = (25 + 4 + 4 + 1 + 16 + 16)/9 = 22/3;
//     r = (−7/3) / √(88/9) = −7/√88 = −0.746.
// Upper/lower 27 % of 6 = 1.62 → 2 attempts: upper A, C (4); lower E, F (2).
//     q1: 2/2 − 0/2 = 1.000; q3: 1/2 − 0 = 0.500; q4: 1/2 − 2/2 = −0.500.
#[test]
fn item_figures() {
    let (f, class, _) = class(&k1());
    let a = item_analysis(&class, &f.module);
    assert_eq!(a.attempts, 6);
    assert_eq!(a.mean_score, Some(3.0));
    let q = |id: &str| a.items.iter().find(|i| i.item == id).expect(id);
    let q1 = q("q1");
    assert_eq!((q1.n, q1.correct), (6, 4));
    assert!((q1.point_biserial.expect("r") - 0.5).abs() < 1e-9);
    assert_eq!(q1.upper_lower, Some(1.0));
    assert_eq!(q1.group_size, 2);
    assert!(q1.flags.is_empty());
    let counts: Vec<(&str, usize, bool)> = q1
        .options
        .iter()
        .map(|o| (o.option.as_str(), o.count, o.key))
        .collect();
    assert_eq!(counts, [("a", 4, true), ("b", 1, false), ("c", 1, false)]);
    let q2 = q("q2");
    assert_eq!(q2.facility, Some(1.0));
    assert_eq!(q2.point_biserial, None);
    assert_eq!(q2.flags, [ItemFlag::TooEasy]);
    assert_eq!(q2.options[0].option, "true");
    assert_eq!(q2.options[0].count, 6);
    let q3 = q("q3");
    assert_eq!(q3.flags, [ItemFlag::TooHard]);
    assert_eq!(q3.upper_lower, Some(0.5));
    // whole selections (A's `c[,]a` is the key `a[,]c`) and options selected
    let patterns: Vec<(&str, usize, bool)> = q3
        .patterns
        .iter()
        .map(|p| (p.response.as_str(), p.count, p.correct))
        .collect();
    assert_eq!(
        patterns,
        [
            ("a", 3, false),
            ("a[,]c", 1, true),
            ("a[,]b", 1, false),
            ("b", 1, false)
        ]
    );
    let selected: Vec<usize> = q3.options.iter().map(|o| o.count).collect();
    assert_eq!(selected, [5, 2, 1]);
    let q4 = q("q4");
    assert!((q4.point_biserial.expect("r") + 7.0 / 88f64.sqrt()).abs() < 1e-9);
    assert_eq!(q4.upper_lower, Some(-0.5));
    assert_eq!(q4.flags, [ItemFlag::Misleading]);
    // ordering: an option counts where it sits at the key's place
    let q5 = q("q5");
    let placed: Vec<usize> = q5.options.iter().map(|o| o.count).collect();
    assert_eq!(placed, [4, 4, 4]);
    assert_eq!(q5.kind, ItemKind::Ordering);

    let tables = a.tables(&Labels::builtin(Lang::En));
    assert_eq!(
        tables[1].rows[0],
        [
            "q1",
            "Single choice",
            "Câu q1",
            "6",
            "0.67",
            "0.500",
            "1.000",
            ""
        ]
    );
    assert_eq!(
        tables[1].rows[3],
        [
            "q4",
            "Single choice",
            "Câu q4",
            "6",
            "0.67",
            "-0.746",
            "-0.500",
            "Misleading"
        ]
    );
    assert_eq!(tables[1].rows[1][7], "Too easy");
    assert_eq!(tables[1].rows[1][5], "—");
}

// Guards the second "misleading" rule: a wrong answer the upper group prefers to the key.
#[test]
fn distractor_preferred_by_the_upper_group() {
    let mut m = module();
    m.check.items.truncate(3);
    let mc = Content::Module(m.clone());
    let mut all = Vec::new();
    // the upper group (q2, q3 right) answers q1 `b`; the lower group the key `a`
    let ans = |item: &str, answer: Answer| {
        [
            (
                Intent::Answer {
                    item: item.into(),
                    answer,
                },
                5,
            ),
            (Intent::Continue, 1),
        ]
    };
    for (k, upper) in [true, true, false, false].into_iter().enumerate() {
        let c = ctx(&format!("u{k}"), "U", "K1");
        let mut intents = Vec::new();
        intents.extend(ans("p1", Answer::Single("a".into())));
        intents.extend(ans(
            "q1",
            Answer::Single(if upper { "b" } else { "a" }.into()),
        ));
        intents.extend(ans("q2", Answer::TrueFalse(upper)));
        let q3 = if upper {
            vec!["a".into(), "c".into()]
        } else {
            vec!["b".into()]
        };
        intents.extend(ans("q3", Answer::Multiple(q3)));
        all.extend(play(&mc, &c, 200 + k as u32, T0, intents));
    }
    let page = parse_page(&lrs_json(&all)).expect("list");
    let versions: Versions = [mc].into_iter().collect();
    let class = Class::build(&page.statements, BASE, &Filter::default(), &versions);
    let a = item_analysis(&class, &m);
    assert_eq!(a.items[0].group_size, 1);
    let b = a.items[0]
        .patterns
        .iter()
        .find(|p| p.response == "b")
        .expect("b");
    assert_eq!((b.count, b.upper, b.correct), (2, 1, false));
    assert!(a.items[0].flags.contains(&ItemFlag::Misleading));
}

// Guards the layout: longest-path layers without back edges, endings below their parents,
// every node placed once, order a permutation per layer.
#[test]
fn layout_layers() {
    let s = scenario();
    let layout = flow_layout(&s);
    let layers: Vec<(&str, usize, usize)> = layout
        .iter()
        .map(|(n, l, o)| (n.as_str(), *l, *o))
        .collect();
    assert_eq!(
        layers,
        [
            ("start", 0, 0),
            ("mid", 1, 0),
            ("good", 2, 0),
            ("ok", 2, 1),
            ("bad", 2, 2)
        ]
    );
    // a chain with a shortcut: longest path puts `c` below `b`, and an unreachable node goes
    // to an extra bottom layer
    let mut s2 = scenario();
    s2.nodes[0].choices[1].to = "good".into(); // start -b-> good (shortcut)
    s2.nodes
        .push(node("orphan", vec![], Some((EndingKind::Bad, "x"))));
    let l2 = flow_layout(&s2);
    let find = |id: &str| l2.iter().find(|(n, _, _)| n == id).map(|(_, l, _)| *l);
    assert_eq!(find("good"), Some(2));
    assert_eq!(find("orphan"), Some(3));
    assert_eq!(l2.len(), s2.nodes.len());
}

// Guards the barycentre pass: depth-first discovery puts Z (reached straight from the start
// and via B) before W (child of A), which would cross A→W and B→Z; one pass swaps them.
#[test]
fn layout_barycentre() {
    let mut s = scenario();
    s.nodes = vec![
        node(
            "start",
            vec![
                choice("z", "Z", &[("gt", 1)], "z"),
                choice("a", "A", &[("gt", 0)], "a"),
                choice("b", "B", &[("gt", 0)], "b"),
            ],
            None,
        ),
        node("A", vec![choice("w", "W", &[], "w")], None),
        node("B", vec![choice("z2", "Z", &[], "z2")], None),
        node("Z", vec![], Some((EndingKind::Good, "Z"))),
        node("W", vec![], Some((EndingKind::Bad, "W"))),
    ];
    let layout = flow_layout(&s);
    let pos = |id: &str| {
        layout
            .iter()
            .find(|(n, _, _)| n == id)
            .map(|(_, l, o)| (*l, *o))
    };
    assert_eq!(pos("A"), Some((1, 0)));
    assert_eq!(pos("B"), Some((1, 1)));
    assert_eq!(pos("W"), Some((2, 0)));
    assert_eq!(pos("Z"), Some((2, 1)));
}

mod position;
mod self_assessment;
mod trust;
