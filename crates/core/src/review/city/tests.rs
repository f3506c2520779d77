//! A small city: two classes, four learners, one scenario and one module, played through the
//! portal's own engine and xAPI mapping, written as JSON Lines with a few bad lines, read back
//! by the streaming reader; every figure checked against values worked out by hand, and every
//! table of the HTML page checked against its CSV file.

use serde_json::Value;

use super::html::{render, PageInfo};
use super::*;
use crate::attempt::{Attempt as Play, Intent, StartOptions};
use crate::model::{
    Answer, Catalog, CatalogEntry, Check, Choice, Competency, Content, ContentKind, Ending,
    EndingKind, Item, ItemOption, Lesson, Module, Node, Scenario,
};
use crate::module::AttemptMode;
use crate::review::{parse_timestamp_ms, Table};
use crate::selfassess::{Consent, Evaluation, SelfRating};
use crate::text::{Lang, LocalText};
use crate::xapi::{self, derived_id, Learner as XLearner, StatementContext};

const BASE: &str = "https://boiduong.example/xapi";
const MIN: i64 = 60_000;

fn at(ts: &str) -> i64 {
    parse_timestamp_ms(ts).expect("timestamp")
}

fn choice(id: &str, to: &str, gt: i32) -> Choice {
    Choice {
        id: id.into(),
        text: LocalText::vi(format!("Chọn {id}")),
        to: to.into(),
        branches: vec![],
        consequence: LocalText::vi("…"),
        feedback: LocalText::vi(format!("Phản hồi {id}")),
        scores: [("gt".to_owned(), gt)].into_iter().collect(),
        harm: false,
    }
}

fn node(id: &str, choices: Vec<Choice>, ending: Option<EndingKind>) -> Node {
    Node {
        id: id.into(),
        text_html: LocalText::vi(format!("<p>{id}</p>")),
        image: None,
        choices,
        ending: ending.map(|kind| Ending {
            kind,
            title: LocalText::vi(format!("Kết thúc {id}")),
        }),
    }
}

/// start: a (gt +2) → good, b (gt −1) → bad.
fn scenario() -> Scenario {
    Scenario {
        id: "s".into(),
        version: "v1".into(),
        field: "mot-cua".into(),
        title: LocalText::vi("Tình huống"),
        summary: LocalText::vi("…"),
        duration_min: 5,
        competencies: vec!["gt".into()],
        delta_range: (-2, 2),
        start: "start".into(),
        nodes: vec![
            node(
                "start",
                vec![choice("a", "good", 2), choice("b", "bad", -1)],
                None,
            ),
            node("good", vec![], Some(EndingKind::Good)),
            node("bad", vec![], Some(EndingKind::Bad)),
        ],
    }
}

fn item(id: &str, options: &[&str], answer: Answer) -> Item {
    Item {
        id: id.into(),
        prompt: LocalText::vi(format!("Câu {id}")),
        options: options
            .iter()
            .map(|o| ItemOption {
                id: (*o).into(),
                text: LocalText::vi(format!("Phương án {o}")),
                feedback: None,
                fixed: false,
            })
            .collect(),
        answer,
        explanation: LocalText::vi("…"),
        points: 1,
    }
}

/// One lesson (practice p1), check q1 (single, key a) and q2 (true/false, key true), pass 2.
fn module() -> Module {
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
            practice: item("p1", &["a", "b"], Answer::Single("a".into())),
        }],
        check: Check {
            pass_points: 2,
            draw: None,
            items: vec![
                item("q1", &["a", "b"], Answer::Single("a".into())),
                item("q2", &[], Answer::TrueFalse(true)),
            ],
        },
    }
}

fn catalog() -> Catalog {
    Catalog {
        format: 1,
        fields: vec![],
        competencies: vec![Competency {
            id: "gt".into(),
            name: LocalText::vi("Giao tiếp"),
            description: LocalText::vi("…"),
            levels: (1..=5).map(|k| LocalText::vi(format!("Mức {k}"))).collect(),
        }],
        entries: vec![CatalogEntry {
            kind: ContentKind::Module,
            id: "m".into(),
            field: "mot-cua".into(),
            title: LocalText::vi("Học phần"),
            summary: LocalText::vi("…"),
            duration_min: 10,
            version: "v1".into(),
            competencies: vec!["gt".into()],
            file: "m.json".into(),
        }],
    }
}

fn contents() -> Vec<Content> {
    vec![Content::Scenario(scenario()), Content::Module(module())]
}

fn ctx(who: &str, class: &str) -> StatementContext {
    StatementContext {
        base: BASE.into(),
        learner: XLearner {
            name: format!("Học viên {who}"),
            home_page: "https://lrs.example".into(),
            account_name: who.into(),
        },
        class_code: class.into(),
        platform: "Boiduong test".into(),
        language: Lang::Vi,
    }
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Plays `intents` one minute apart; `finished` says whether the run must end.
fn play(
    content: &Content,
    c: &StatementContext,
    n: u32,
    start: i64,
    options: StartOptions,
    intents: Vec<Intent>,
    finished: bool,
) -> Vec<xapi::Statement> {
    let (mut attempt, first) =
        Play::start_with(content, uuid(n), "l", start, options).expect("start");
    let mut log = vec![first];
    let mut now = start;
    for intent in intents {
        now += MIN;
        let (next, events) = attempt.decide(content, intent, now).expect("valid intent");
        log.extend(events);
        attempt = next;
    }
    assert_eq!(attempt.is_finished(), finished, "attempt {n}");
    xapi::statements_for(&log, c, content, &mut derived_id).expect("statements")
}

fn answer(item: &str, a: Answer) -> [Intent; 2] {
    [
        Intent::Answer {
            item: item.into(),
            answer: a,
        },
        Intent::Continue,
    ]
}

fn module_run(q1: &str) -> Vec<Intent> {
    let mut v = Vec::new();
    v.extend(answer("p1", Answer::Single("a".into())));
    v.extend(answer("q1", Answer::Single(q1.into())));
    v.extend(answer("q2", Answer::TrueFalse(true)));
    v
}

fn pretest_run(right: usize) -> Vec<Intent> {
    let mut v = Vec::new();
    v.extend(answer(
        "q1",
        Answer::Single(if right >= 1 { "a" } else { "b" }.into()),
    ));
    v.extend(answer("q2", Answer::TrueFalse(right >= 2)));
    v
}

/// The city (hand counts in the tests):
///
/// | learner | class | month | scenario | pre-test | module (post-test) |
/// |---|---|---|---|---|---|
/// | hv1 | A | Nov | a → good | 1/2 = 50 % | q1 right, q2 right: passed 100 % (g 1.0) |
/// | hv2 | A | Nov | b → bad | 0/2 = 0 % | q1 wrong, q2 right: failed 50 % (g 0.5) |
/// | hv3 | A | Nov | opens it, stops | — | stops in the lesson |
/// | hv4 | B | Dec | a → good | 1/2 = 50 % | passed 100 % (g 1.0) |
///
/// hv1 evaluates the module with their name (4, 5, 4); an anonymous evaluation says (2, 3, 5)
/// with a comment; hv1 shares a self-rating gt = 4.
fn statements() -> Vec<xapi::Statement> {
    let s = Content::Scenario(scenario());
    let m = Content::Module(module());
    let pre = StartOptions {
        mode: AttemptMode::PreTest,
        ..StartOptions::default()
    };
    let choose = |c: &str| Intent::Choose { choice: c.into() };
    let nov = at("2026-11-10T02:00:00Z");
    let dec = at("2026-12-05T02:00:00Z");
    let (hv1, hv2, hv3, hv4) = (
        ctx("hv1", "A"),
        ctx("hv2", "A"),
        ctx("hv3", "A"),
        ctx("hv4", "B"),
    );
    let mut all = Vec::new();
    all.extend(play(
        &s,
        &hv1,
        1,
        nov,
        StartOptions::default(),
        vec![choose("a")],
        true,
    ));
    all.extend(play(
        &s,
        &hv2,
        2,
        nov,
        StartOptions::default(),
        vec![choose("b")],
        true,
    ));
    all.extend(play(
        &s,
        &hv3,
        3,
        nov,
        StartOptions::default(),
        vec![],
        false,
    ));
    all.extend(play(
        &s,
        &hv4,
        4,
        dec,
        StartOptions::default(),
        vec![choose("a")],
        true,
    ));
    all.extend(play(
        &m,
        &hv1,
        11,
        nov + 60 * MIN,
        pre.clone(),
        pretest_run(1),
        true,
    ));
    all.extend(play(
        &m,
        &hv2,
        12,
        nov + 60 * MIN,
        pre.clone(),
        pretest_run(0),
        true,
    ));
    all.extend(play(
        &m,
        &hv4,
        14,
        dec + 60 * MIN,
        pre,
        pretest_run(1),
        true,
    ));
    let post = nov + 120 * MIN;
    all.extend(play(
        &m,
        &hv1,
        21,
        post,
        StartOptions::default(),
        module_run("a"),
        true,
    ));
    all.extend(play(
        &m,
        &hv2,
        22,
        post,
        StartOptions::default(),
        module_run("b"),
        true,
    ));
    all.extend(play(
        &m,
        &hv3,
        23,
        post,
        StartOptions::default(),
        module_run("a")[..1].to_vec(),
        false,
    ));
    all.extend(play(
        &m,
        &hv4,
        24,
        dec + 120 * MIN,
        StartOptions::default(),
        module_run("a"),
        true,
    ));
    let cat = catalog();
    let entry = cat.entry(ContentKind::Module, "m").expect("entry");
    for (n, who, likert, text, comment, anonymous) in [
        (31, &hv1, [4, 5, 4], "Làm X", None, false),
        (
            32,
            &hv2,
            [2, 3, 5],
            "=Ghi sổ",
            Some("Quá dài, cần rút gọn"),
            true,
        ),
    ] {
        let e = Evaluation {
            id: uuid(n),
            module: "m".into(),
            usefulness: likert[0],
            clarity: likert[1],
            relevance: likert[2],
            intended_use: text.into(),
            comment: comment.map(str::to_owned),
            anonymous,
            at_ms: post + 30 * MIN,
        };
        all.extend(xapi::evaluation_statements(&e, entry, who, &mut derived_id).expect("eval"));
    }
    let rating = SelfRating {
        id: uuid(41),
        learner_id: "l".into(),
        module: None,
        ratings: [("gt".to_owned(), 4)].into_iter().collect(),
        at_ms: nov + 5 * MIN,
    };
    let consent = Consent {
        share_self_ratings: true,
        share_profile: false,
    };
    all.extend(
        xapi::self_rating_statements(&rating, &cat, &consent, None, &hv1, &mut derived_id)
            .expect("rating"),
    );
    all
}

/// Who joined which class (sign-in with the class code): hv1-hv3 and hv5 class A (hv5 never
/// begins), hv4 class B, hv6 class C (where no one begins), and a forged join of hv7 to A
/// (posted by hv1's account).
fn joins() -> Vec<Value> {
    let oct = at("2026-10-30T02:00:00Z");
    let mut out: Vec<Value> = [
        ("hv1", "A"),
        ("hv2", "A"),
        ("hv3", "A"),
        ("hv5", "A"),
        ("hv4", "B"),
        ("hv6", "C"),
        ("hv7", "A"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (who, class))| {
        let id = uuid(800 + i as u32);
        let j = xapi::joined_statement(&ctx(who, class), &id, oct + i as i64 * MIN).expect("join");
        as_stored(&j)
    })
    .collect();
    out[6]["authority"]["account"]["name"] = Value::from("hv1");
    out
}

/// A statement as an LRS stores it: with the `authority` of the account that posted it (the
/// learner; an anonymous evaluation: hv2, who wrote it).
fn as_stored(st: &xapi::Statement) -> Value {
    let mut v = serde_json::to_value(st).expect("json");
    let account = v["actor"]["account"].clone();
    let name = account["name"].as_str().unwrap_or_default().to_owned();
    let poster = if name.starts_with("hv") {
        name
    } else {
        "hv2".into()
    };
    v["authority"] = serde_json::json!({
        "objectType": "Agent",
        "account": {"homePage": account["homePage"], "name": poster},
    });
    v
}

fn stored() -> Vec<Value> {
    statements().iter().map(as_stored).collect()
}

/// The statements as JSON Lines, newest first (as an export may list them), with a
/// duplicate, a statement of another system, a truncated line, a line of prose, a forged
/// statement (hv1's decision posted by hv4's account) and a false claim (hv2's wrong check
/// answer to q1 claiming success).
fn json_lines() -> String {
    let mut values = stored();
    let mut forged = values
        .iter()
        .find(|v| {
            v["actor"]["account"]["name"] == "hv1"
                && v["object"]["id"]
                    .as_str()
                    .is_some_and(|o| o.ends_with("/nodes/start"))
        })
        .expect("hv1's decision")
        .clone();
    forged["id"] = Value::from(uuid(901));
    forged["authority"]["account"]["name"] = Value::from("hv4");
    values.push(forged);
    let false_claim = values
        .iter_mut()
        .find(|v| {
            v["actor"]["account"]["name"] == "hv2"
                && v["object"]["id"]
                    .as_str()
                    .is_some_and(|o| o.ends_with("/items/q1"))
                && v["context"]["extensions"][format!("{BASE}/extensions/item-role")] == "check"
        })
        .expect("hv2's q1");
    assert_eq!(false_claim["result"]["success"], false);
    false_claim["result"]["success"] = Value::from(true);
    let mut lines: Vec<String> = values.iter().map(Value::to_string).collect();
    lines.reverse();
    let dup = lines[3].clone();
    lines.insert(7, dup);
    let mut foreign: Value = serde_json::from_str(&lines[0]).expect("json");
    foreign["id"] = Value::from(uuid(900));
    foreign["object"]["id"] = Value::from("https://other.example/activities/x");
    foreign["context"]["contextActivities"] = Value::Null;
    lines.insert(10, foreign.to_string());
    let truncated = lines[20][..lines[20].len() / 2].to_owned();
    lines.insert(20, truncated);
    lines.insert(30, "Hello, not JSON".into());
    lines.extend(joins().iter().map(Value::to_string));
    lines.join("\n")
}

fn build(filter: CityFilter) -> (CityReport, LinesSummary) {
    let mut b = CityBuilder::new(BASE, &contents(), &[], filter);
    let text = json_lines();
    let summary = read_json_lines(text.as_bytes(), |s| b.push(s)).expect("read");
    (b.finish(&contents(), 420), summary)
}

fn table<'a>(tables: &'a [Table], id: &str) -> &'a Table {
    tables.iter().find(|t| t.id == id).expect(id)
}

fn cell<'a>(t: &'a Table, row_label: &str, col: usize) -> &'a str {
    let row = t
        .rows
        .iter()
        .find(|r| r[0].starts_with(row_label))
        .unwrap_or_else(|| panic!("{row_label} in {}", t.id));
    &row[col]
}

// Guards the city figures against the hand counts of `statements()`: learners, attempts
// (pre-tests are not attempts), completion and pass rates with their Wilson intervals, the
// pre/post gains (mean g, g of the means, n, t interval), classes ranked by the lower bound,
// months, endings and the weaker choice, the evaluation means and distributions (the anonymous
// comment only), self-rating vs measured, the item flagged; and the bad lines reported by
// number, the duplicate and the foreign statement counted; each class's enrolled learners
// (its trusted joins) and those of them who never began, a class joined but never begun
// listed too, the forged join set aside.
#[test]
fn figures_match_the_hand_counts() {
    let (r, lines) = build(CityFilter::default());
    // lines: the truncated one is line 21, the prose line 31 (1-based, after the inserts)
    let bad: Vec<u64> = lines.errors.iter().map(|e| e.line).collect();
    assert_eq!(bad, [21, 31]);
    assert_eq!(r.counts.duplicates, 1);
    assert_eq!(r.counts.foreign, 1);
    // the forged decision and the forged join are set aside; the false success is
    // recomputed (q1 stays 2 of 3)
    assert_eq!(r.counts.untrusted_authority, 2);
    assert_eq!(r.counts.joins, 6);
    assert_eq!(r.counts.untrusted_result, 1);
    assert_eq!(r.counts.unknown_version + r.counts.does_not_fit, 0);

    // 4 scenario + 4 module attempts; completed 3 + 3; verdicts 3, passed 2
    assert_eq!(
        r.total,
        Tally {
            learners: 4,
            attempts: 8,
            completed: 6,
            verdicts: 3,
            passed: 2
        }
    );
    let cat = catalog();
    let l = city_labels(Some(&cat));
    let t = r.tables(&l, lines.unreadable);
    let overview = table(&t, "city-overview");
    assert_eq!(cell(overview, "Số lớp", 1), "3");
    // A: hv1-hv3, hv5 (not started); B: hv4; C: hv6 (not started)
    assert_eq!(cell(overview, "Học viên đã vào lớp", 1), "6");
    assert_eq!(cell(overview, "Đã vào lớp nhưng chưa học", 1), "2");
    assert_eq!(
        cell(overview, "Tỷ lệ hoàn thành / Completion rate", 1),
        "75.0 %"
    );
    // Wilson(6, 8): centre (0.75 + 0.24009) / 1.48019 = 0.66890, half 1.32412 · √(0.0234375
    // + 0.0150061) = 0.25961 → 40.9 % – 92.9 %
    assert_eq!(
        cell(overview, "Tỷ lệ hoàn thành, KTC", 1),
        "40.9 % – 92.9 %"
    );
    assert_eq!(cell(overview, "Tỷ lệ đạt / Pass rate", 1), "66.7 %");
    // g = 1.0, 0.5, 1.0: mean 0.83; pre 33.3, post 83.3 → g of the means 0.75;
    // s = 0.28868, t(2) = 4.303: half 0.71717 → 0.12 – 1.55
    assert_eq!(cell(overview, "Cặp đầu vào", 1), "3");
    assert_eq!(
        cell(overview, "Tiến bộ chuẩn hoá trung bình (g) / Mean", 1),
        "0.83"
    );
    assert_eq!(
        cell(overview, "Tiến bộ chuẩn hoá trung bình (g), KTC", 1),
        "0.12 – 1.55"
    );
    assert_eq!(cell(overview, "Tiến bộ chuẩn hoá của điểm", 1), "0.75");
    assert_eq!(cell(overview, "Phiếu đánh giá", 1), "2");

    // classes: A has 6 attempts, 4 completed (66.7 %, Wilson 30.0 % – 90.3 %); B 2 of 2
    // (100 %, Wilson 34.2 % – 100 %): B ranks first on the lower bound
    let completion = table(&t, "city-classes-completion");
    assert_eq!(
        completion.rows,
        [
            ["1", "B", "1", "0", "1", "2", "2", "100.0 %", "34.2 %", "100.0 %"],
            ["2", "A", "4", "1", "3", "6", "4", "66.7 %", "30.0 %", "90.3 %"],
            ["3", "C", "1", "1", "0", "0", "0", "—", "—", "—"],
        ]
    );
    // gains: A g = 1.0, 0.5 (mean 0.75, s 0.35355, t(1) 12.706: ±3.18 → -2.43 – 3.93);
    // B one pair, no interval: A first
    let gain = table(&t, "city-classes-gain");
    assert_eq!(
        gain.rows,
        [
            ["1", "A", "2", "25.0 %", "75.0 %", "0.75", "-2.43", "3.93", "0.67"],
            ["2", "B", "1", "50.0 %", "100.0 %", "1.00", "—", "—", "1.00"],
        ]
    );
    let months = table(&t, "city-trends");
    assert_eq!(months.rows.len(), 2);
    assert_eq!(&months.rows[0][..5], ["2026-11", "3", "6", "4", "66.7 %"]);
    assert_eq!(&months.rows[1][..5], ["2026-12", "1", "2", "2", "100.0 %"]);

    let prepost = table(&t, "city-prepost");
    assert_eq!(
        prepost.rows,
        [["m", "3", "3", "33.3 %", "83.3 %", "0.83", "0.12", "1.55", "0.75"]]
    );
    let modules = table(&t, "city-modules");
    assert_eq!(
        &modules.rows[0][..6],
        ["m", "Học phần", "4", "4", "3", "75.0 %"]
    );
    assert_eq!(&modules.rows[0][8..11], ["3", "2", "66.7 %"]);

    // evaluations: usefulness 4, 2 → 3.0; clarity 5, 3 → 4.0; relevance 4, 5 → 4.5
    let ev = table(&t, "city-evaluations");
    assert_eq!(ev.rows.len(), 3);
    assert_eq!(
        &ev.rows[0][2..],
        ["2", "1", "2", "3.0", "0", "1", "0", "1", "0"]
    );
    assert_eq!(&ev.rows[1][4..], ["2", "4.0", "0", "0", "1", "0", "1"]);
    assert_eq!(&ev.rows[2][4..], ["2", "4.5", "0", "0", "0", "1", "1"]);
    let comments = table(&t, "city-evaluation-comments");
    assert_eq!(comments.rows, [["m", "=Ghi sổ", "Quá dài, cần rút gọn"]]);

    // scenario: 4 attempts, 3 completed (Wilson(3, 4): centre 1.23020 / 1.96040 = 0.62753,
    // half 0.99978 · √(0.046875 + 0.060023) = 0.32688 → 30.1 % – 95.4 %); endings good 2,
    // bad 1; b taken 1 of 3 decisions
    let sc = table(&t, "city-scenarios");
    assert_eq!(
        &sc.rows[0][2..],
        ["4", "4", "3", "75.0 %", "30.1 %", "95.4 %", "2", "0", "1"]
    );
    let weaker = table(&t, "city-weaker-choices");
    assert_eq!(
        weaker.rows,
        [["s", "start", "b", "Chọn b", "1", "33.3 %", "Phản hồi b"]]
    );
    let endings = table(&t, "city-endings");
    assert_eq!(endings.rows[0][4..], ["2", "66.7 %"]);
    assert_eq!(endings.rows[1][4..], ["1", "33.3 %"]);

    // self-rating 4 (hv1) vs measured: a path of the best choice is level 5, of the worst 0
    let comp = table(&t, "city-competencies");
    assert_eq!(
        comp.rows,
        [[
            "Giao tiếp",
            "4.0",
            "1",
            "—",
            "0",
            "—",
            "0",
            "3.3",
            "3",
            "-1.0",
            "1"
        ]]
    );
    // items over each learner's first completed attempt (hv1, hv2, hv4): q2 always right
    // (facility 1.00 > 0.90: too easy); q1 2 of 3, no flag
    let items = table(&t, "city-items-flagged");
    assert_eq!(items.rows.len(), 1);
    assert_eq!(
        &items.rows[0][..6],
        ["m", "q2", "Đúng/Sai / True/false", "Câu q2", "3", "1.00"]
    );
    assert_eq!(items.rows[0][8], "Quá dễ / Too easy");
}

// Guards the filters: a class code keeps that class's attempts and records only (compared
// case-insensitively), a module keeps that module only, a period keeps attempts that started
// in it (whole: an attempt is never cut).
#[test]
fn filters_select_classes_contents_and_periods() {
    let (r, _) = build(CityFilter {
        class_code: Some(" a ".into()),
        module: Some("m".into()),
        ..CityFilter::default()
    });
    assert!(r.scenarios.is_empty());
    assert_eq!(r.classes.len(), 1);
    assert_eq!(r.total.attempts, 3);
    assert_eq!(r.total.learners, 3);
    assert_eq!(r.gains.g.n, 2);
    assert_eq!(r.modules[0].evaluations.evaluations, 2);
    assert!(r.counts.outside_filter > 0);
    // class A's roster only: hv1-hv3 and hv5 (the forged join of hv7 set aside)
    assert_eq!((r.enrolled, r.not_started), (4, 1));
    assert_eq!(r.counts.joins, 4);
    let (dec, _) = build(CityFilter {
        since_ms: Some(at("2026-12-01T00:00:00+07:00")),
        ..CityFilter::default()
    });
    assert_eq!(dec.total.attempts, 2);
    assert_eq!(dec.total.learners, 1);
    // hv1 and hv2: scenario, pre-test, module; hv3: scenario, module
    assert_eq!(dec.counts.attempts_outside_period, 8);
    assert_eq!(dec.evaluations, 0);
    // joined before the period's end, enrolled; none of class A began in December
    let a = dec
        .classes
        .iter()
        .find(|c| c.code.as_deref() == Some("A"))
        .expect("A");
    assert_eq!((a.enrolled, a.not_started), (4, 4));
    let (oct, _) = build(CityFilter {
        until_ms: Some(at("2026-10-30T02:03:00Z")),
        ..CityFilter::default()
    });
    // only the first three joins (02:00, 02:01, 02:02) were made by then
    assert_eq!(oct.enrolled, 3);
}

// Guards a gain interval with a negative bound shown as a formula-escaped text
// ("'-2.43 – 3.93"): its sign is the minus sign, in the page and the CSV alike.
#[test]
fn a_negative_interval_reads_as_a_range() {
    let (r, lines) = build(CityFilter {
        class_code: Some("A".into()),
        ..CityFilter::default()
    });
    let cat = catalog();
    let t = r.tables(&city_labels(Some(&cat)), lines.unreadable);
    // class A: g = 1.0, 0.5 (mean 0.75, t(1) interval -2.43 – 3.93, as in the class table)
    assert_eq!(
        cell(
            table(&t, "city-overview"),
            "Tiến bộ chuẩn hoá trung bình (g), KTC",
            1
        ),
        "\u{2212}2.43 – 3.93"
    );
}

/// The `<table data-table="…">`s of a page: id → header row and body rows, as text.
fn html_tables(html: &str) -> Vec<(String, Vec<Vec<String>>)> {
    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }
    let mut out = Vec::new();
    for part in html.split("<table ").skip(1) {
        let id = part
            .split("data-table=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("id")
            .to_owned();
        let body = part.split("</table>").next().expect("table");
        let mut rows = Vec::new();
        for tr in body.split("<tr>").skip(1) {
            let mut cells = Vec::new();
            for piece in tr.split("</th>").flat_map(|p| p.split("</td>")) {
                if let Some(i) = piece.rfind("<th").or_else(|| piece.rfind("<td")) {
                    let cell = &piece[i..];
                    let start = cell.find('>').expect("tag end") + 1;
                    cells.push(unescape(&cell[start..]));
                }
            }
            rows.push(cells);
        }
        out.push((id, rows));
    }
    out
}

/// An RFC 4180 CSV file (with its BOM) as rows of cells.
fn csv_rows(csv: &str) -> Vec<Vec<String>> {
    let body = csv.strip_prefix('\u{feff}').expect("BOM");
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

// Guards "the CSV equals the HTML tables": every table of the page, parsed back from the
// HTML, has exactly the rows and cells of its CSV file parsed back (a formula-like comment
// escaped in both); the page has no script, names every table by a caption, and keeps the
// anonymous evaluation anonymous.
#[test]
fn csv_files_equal_the_html_tables() {
    let (r, lines) = build(CityFilter::default());
    let cat = catalog();
    let l = city_labels(Some(&cat));
    let tables = r.tables(&l, lines.unreadable);
    let html = render(
        &r,
        &tables,
        &PageInfo {
            period: "2026-11-01 – 2026-12-31".into(),
            source: "test.jsonl".into(),
            generated: "2026-12-31 08:00".into(),
            unreadable_lines: lines.unreadable,
            line_errors: lines.errors.clone(),
            ..PageInfo::default()
        },
    );
    let parsed = html_tables(&html);
    assert_eq!(parsed.len(), tables.len());
    for t in &tables {
        let (_, rows) = parsed
            .iter()
            .find(|(id, _)| *id == t.id)
            .unwrap_or_else(|| panic!("{} on the page", t.id));
        assert_eq!(*rows, csv_rows(&t.to_csv()), "{}", t.id);
        assert_eq!(rows.len(), t.rows.len() + 1, "{}", t.id);
    }
    let comments = &parsed
        .iter()
        .find(|(id, _)| id == "city-evaluation-comments")
        .expect("comments")
        .1;
    assert_eq!(comments[1][1], "'=Ghi sổ");
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert_eq!(html.matches("<caption").count(), tables.len());
    assert!(
        !html.contains("hv2"),
        "the anonymous evaluation names nobody"
    );
    assert!(html.contains("Dòng <span lang=\"en\">/ line</span> 21:"));
}
