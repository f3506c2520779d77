//! Position bias and the replay's shown order, from hand-written statements whose places are
//! chosen so that every figure can be worked out on paper (below each test).

use super::*;

/// One `answered` statement, as an LRS returns it: `object` and `parent` are activity paths
/// under the base; `place` is the `shown-position` value as written (a number, an array, or
/// null for none); `order` the `shown-order` (null for none).
#[allow(clippy::too_many_arguments)]
fn answered(
    n: u32,
    registration: &str,
    account: &str,
    parent: &str,
    object: &str,
    response: &str,
    place: serde_json::Value,
    order: serde_json::Value,
) -> serde_json::Value {
    let b = BASE;
    let mut result_ext = serde_json::Map::new();
    if !place.is_null() {
        result_ext.insert(format!("{b}/extensions/shown-position"), place);
    }
    if !order.is_null() {
        result_ext.insert(format!("{b}/extensions/shown-order"), order);
    }
    json!({
        "id": format!("5a5a5a5a-0000-4000-8000-{n:012}"),
        "actor": {"name": account, "account": {"homePage": "https://lrs.example", "name": account}},
        // as the LRS stamps it: the learner's own account posted it
        "authority": {"objectType": "Agent", "account": {"homePage": "https://lrs.example", "name": account}},
        "verb": {"id": xapi::verbs::ANSWERED},
        "object": {"id": format!("{b}/{object}")},
        "result": {"response": response, "extensions": result_ext},
        "context": {
            "registration": registration,
            "revision": "v1",
            "contextActivities": {"parent": [{"id": format!("{b}/{parent}")}]},
            "extensions": {format!("{b}/extensions/event-seq"): n}
        },
        "timestamp": xapi::timestamp(T0 + i64::from(n) * 1_000).expect("time")
    })
}

/// The statements as the trust checks accept them: posted by their learner's own account
/// (the `authority`), on the fixture's content version.
fn build(values: Vec<serde_json::Value>) -> Class {
    let values: Vec<serde_json::Value> = values
        .into_iter()
        .map(|mut v| {
            v["authority"] =
                json!({"objectType": "Agent", "account": v["actor"]["account"].clone()});
            v["context"]["revision"] = json!("v1");
            v
        })
        .collect();
    let page = parse_page(&serde_json::to_string(&values).expect("json")).expect("page");
    assert_eq!(page.malformed, 0);
    Class::build(&page.statements, BASE, &Filter::default(), &versions())
}

fn reg(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

// Guards the scenario's position-bias figures. At `start` (2 choices, each shown first with
// chance 1/2, mean place by chance 1.5), decisions with a known place:
//   a at 1, a at 1, a at 2, b at 1  -> chosen 4, first 3 (75.0 %), chance 2/4 (50.0 %),
//   mean place 5/4 = 1.25, by chance 1.50; and one decision without a place (unknown 1).
// At `mid` (3 choices): c at 3 -> first 0 (0.0 %), chance 1/3 (33.3 %), mean 3.00 by 2.00.
// Endings are not decision nodes.
#[test]
fn node_position_bias_against_chance() {
    let s = scenario();
    let at = |n: u32, r: u32, who: &str, node: &str, choice: &str, place, order| {
        let object = format!("scenarios/s/nodes/{node}");
        answered(
            n,
            &reg(r),
            who,
            "scenarios/s",
            &object,
            choice,
            place,
            order,
        )
    };
    let ab = json!(["a", "b"]);
    let ba = json!(["b", "a"]);
    let class = build(vec![
        at(1, 1, "an", "start", "a", json!(1), ab.clone()),
        at(2, 1, "an", "mid", "c", json!(3), json!(["d", "e", "c"])),
        at(3, 2, "an", "start", "a", json!(1.0), ab),
        at(4, 3, "binh", "start", "a", json!(2), ba.clone()),
        at(5, 4, "chau", "start", "b", json!(1), ba),
        at(6, 5, "dung", "start", "b", json!(null), json!(null)),
    ]);
    let rows = node_position_bias(&class, &s);
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["start", "mid"]);
    let start = &rows[0];
    assert_eq!(
        (start.options, start.chosen, start.first, start.unknown),
        (2, 4, 3, 1)
    );
    assert_eq!(start.first_share(), Some(0.75));
    assert_eq!(start.first_chance(), Some(0.5));
    assert_eq!(start.mean_place(), Some(1.25));
    assert_eq!(start.mean_chance(), Some(1.5));
    let table = node_position_table(&rows, &Labels::builtin(Lang::En));
    assert_eq!(
        table.headers,
        [
            "Node",
            "Options",
            "Choices with a known place",
            "Chosen at place 1",
            "Share chosen at place 1",
            "Share by chance",
            "Mean place chosen",
            "Mean place by chance",
            "Answers, order unknown"
        ]
    );
    assert_eq!(
        table.rows,
        [
            ["start", "2", "4", "3", "75.0 %", "50.0 %", "1.25", "1.50", "1"],
            ["mid", "3", "1", "0", "0.0 %", "33.3 %", "3.00", "2.00", "0"]
        ]
    );
}

// Guards the items' figures, pinned options and multiple choice included. The module is the
// fixture's with q4's option `c` pinned at place 3 (the shuffle moves a and b over places 1
// and 2 only). Answers with a known place:
//   q1 (3 options, none pinned: first by chance 1/3, mean 2): a at 1, b at 1, c at 2, and
//      a at 3 in a pre-test -> chosen 4, first 2 (50.0 %), chance 4/3 of 4 (33.3 %),
//      mean 7/4 = 1.75, by chance 2.00.
//   q3 (multiple): `a[,]c` at [2, 1], `b` at [3] -> chosen 3, first 1 (33.3 %), chance
//      33.3 %, mean 6/3 = 2.00, by chance 2.00; `a[,]b` with one place: unknown 1.
//   q4: c (pinned) at 3 -> first by chance 0, mean 3; a at 1 and b at 1 -> each first by
//      chance 1/2, mean 1.5 -> chosen 3, first 2 (66.7 %), chance 1/3 (33.3 %), mean
//      5/3 = 1.67, by chance 6/3 = 2.00.
//   p1 (practice): no answer -> no figures. q2 (true/false) and q5 (ordering): not shuffled,
//   not listed.
#[test]
fn item_position_bias_against_chance() {
    let mut m = module();
    m.check.items[3].options[2].fixed = true;
    let at = |n: u32, r: u32, who: &str, item: &str, response: &str, place, order| {
        let object = format!("modules/m/items/{item}");
        answered(
            n,
            &reg(r),
            who,
            "modules/m",
            &object,
            response,
            place,
            order,
        )
    };
    let abc = json!(["a", "b", "c"]);
    let class = build(vec![
        at(1, 10, "an", "q1", "a", json!(1), abc.clone()),
        at(
            2,
            10,
            "an",
            "q3",
            "a[,]c",
            json!([2, 1]),
            json!(["c", "a", "b"]),
        ),
        at(3, 10, "an", "q4", "c", json!(3), json!(["b", "a", "c"])),
        at(4, 11, "binh", "q1", "b", json!(1), json!(["b", "c", "a"])),
        at(5, 11, "binh", "q3", "b", json!([3]), json!(["a", "c", "b"])),
        at(6, 11, "binh", "q4", "a", json!(1), abc.clone()),
        at(7, 12, "chau", "q1", "c", json!(2), json!(["a", "c", "b"])),
        at(8, 12, "chau", "q3", "a[,]b", json!([1]), abc.clone()),
        at(9, 12, "chau", "q4", "b", json!(1), json!(["b", "a", "c"])),
        at(10, 12, "chau", "q2", "true", json!(null), json!(null)),
        // a pre-test's answer counts too
        answered(
            11,
            &reg(13),
            "dung",
            "modules/m/pretest",
            "modules/m/items/q1",
            "a",
            json!(3),
            json!(["b", "c", "a"]),
        ),
    ]);
    assert!(class.attempts.iter().any(|a| a.pretest));
    let rows = item_position_bias(&class, &m);
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["p1", "q1", "q3", "q4"]);
    let q4 = &rows[3];
    assert!((q4.first_chance().expect("chance") - 1.0 / 3.0).abs() < 1e-12);
    assert!((q4.mean_place().expect("mean") - 5.0 / 3.0).abs() < 1e-12);
    let table = item_position_table(&rows, &m, &Labels::builtin(Lang::En));
    assert_eq!(table.id, "item-position-bias");
    assert_eq!(&table.headers[..3], ["Item", "Item kind", "Prompt"]);
    assert_eq!(
        table.rows,
        [
            [
                "p1",
                "Single choice",
                "Câu p1",
                "2",
                "0",
                "0",
                "—",
                "—",
                "—",
                "—",
                "0"
            ],
            [
                "q1",
                "Single choice",
                "Câu q1",
                "3",
                "4",
                "2",
                "50.0 %",
                "33.3 %",
                "1.75",
                "2.00",
                "0"
            ],
            [
                "q3",
                "Multiple choice",
                "Câu q3",
                "3",
                "3",
                "1",
                "33.3 %",
                "33.3 %",
                "2.00",
                "2.00",
                "1"
            ],
            [
                "q4",
                "Single choice",
                "Câu q4",
                "3",
                "3",
                "2",
                "66.7 %",
                "33.3 %",
                "1.67",
                "2.00",
                "0"
            ]
        ]
    );
}

// Guards the replay: each decision shows the place and the order the learner saw, and a
// decision recorded without them (before the shuffle) says the order is unknown and gives
// the written order.
#[test]
fn replay_shows_the_order_seen_or_says_it_is_unknown() {
    let s = scenario();
    let at = |n: u32, node: &str, choice: &str, place, order| {
        let object = format!("scenarios/s/nodes/{node}");
        answered(
            n,
            &reg(20),
            "an",
            "scenarios/s",
            &object,
            choice,
            place,
            order,
        )
    };
    let class = build(vec![
        at(1, "start", "a", json!(2), json!(["b", "a"])),
        at(2, "mid", "d", json!(null), json!(null)),
    ]);
    let r = learner_review(&class, &Account::new("https://lrs.example", "an"), &s);
    let steps = &r.attempts[0].steps;
    assert_eq!(steps[0].shown_position, Some(2));
    assert_eq!(
        steps[0].shown_order.as_deref(),
        Some(&["b".to_owned(), "a".to_owned()][..])
    );
    assert_eq!(
        (steps[1].shown_position, steps[1].shown_order.as_ref()),
        (None, None)
    );
    assert_eq!(steps[1].written_order, ["c", "d", "e"]);
    let tables = r.tables(&Labels::builtin(Lang::En));
    let path = &tables[1];
    assert_eq!(&path.headers[9..], ["Place shown", "Order shown"]);
    assert_eq!(&path.rows[0][9..], ["2", "b, a"]);
    assert_eq!(&path.rows[1][9..], ["—", "Unknown; written order: c, d, e"]);
    let vi = r.tables(&Labels::builtin(Lang::Vi));
    assert_eq!(vi[1].rows[1][10], "Không rõ; thứ tự gốc: c, d, e");
}
