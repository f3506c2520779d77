//! The attempt mapping's tests: statement shapes, ids, durations, text, the pre-test.

use serde_json::Value;
use uuid::Uuid;

use super::*;
use crate::attempt::{Action, Attempt, AttemptEvent, Intent};
use crate::model::ItemOption;
use crate::model::{Answer, Content};
use crate::module::tests::sample as sample_module;
use crate::module::AttemptMode;
use crate::scenario::tests::sample as sample_scenario;
use crate::shuffle;
use crate::text::{Lang, LocalText};
use serde_json::json;

const ATTEMPT: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
const T0: i64 = 1_795_835_045_123; // 2026-11-28T03:04:05.123Z

fn ctx() -> StatementContext {
    StatementContext {
        base: "https://boiduong.example/xapi".into(),
        learner: Learner {
            name: "Nguyễn Thị Hồng".into(),
            home_page: "https://boiduong.example".into(),
            account_name: "hong.nt".into(),
        },
        class_code: "QLNN-2026-01".into(),
        platform: "Boiduong 0.1.0 (web)".into(),
        language: Lang::Vi,
    }
}

fn run(content: &Content, intents: Vec<Intent>) -> Vec<AttemptEvent> {
    let (mut attempt, first) = Attempt::start(content, ATTEMPT, "learner-1", T0);
    let mut log = vec![first];
    for (i, intent) in intents.into_iter().enumerate() {
        let (next, events) = attempt
            .decide(content, intent, T0 + 60_500 * (i as i64 + 1))
            .expect("valid intent");
        log.extend(events);
        attempt = next;
    }
    log
}

fn answer(item: &str, a: Answer) -> Intent {
    Intent::Answer {
        item: item.into(),
        answer: a,
    }
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// A full module run; `good` scores 3 of 4 (pass mark 3), else 1 of 4.
fn module_run(good: bool) -> (Content, Vec<AttemptEvent>) {
    let content = Content::Module(sample_module());
    let q1 = if good { ids(&["c", "a"]) } else { ids(&["a"]) };
    let q3 = "c";
    let log = run(
        &content,
        vec![
            answer("p1", Answer::Single("a".into())),
            Intent::Continue,
            answer("p2", Answer::TrueFalse(false)),
            Intent::Continue,
            answer("q1", Answer::Multiple(q1)),
            Intent::Continue,
            answer("q2", Answer::Ordering(ids(&["c", "a", "b"]))),
            Intent::Continue,
            answer("q3", Answer::Single(q3.into())),
            Intent::Continue,
        ],
    );
    (content, log)
}

fn scenario_run(choices: &[&str]) -> (Content, Vec<AttemptEvent>) {
    let content = Content::Scenario(sample_scenario());
    let intents = choices
        .iter()
        .map(|c| Intent::Choose {
            choice: (*c).into(),
        })
        .collect();
    let log = run(&content, intents);
    (content, log)
}

fn map(content: &Content, log: &[AttemptEvent]) -> Vec<Statement> {
    statements_for(log, &ctx(), content, &mut derived_id).expect("statements")
}

fn verb_names(st: &[Statement]) -> Vec<String> {
    st.iter()
        .map(|s| s.verb.id.rsplit('/').next().unwrap_or("").to_owned())
        .collect()
}

fn ext<'a>(e: &'a Extensions, name: &str) -> Option<&'a Value> {
    e.get(&ctx().extension(name))
}

// Guards the documented verb sequence of a module run (docs/xapi-profile.md table).
#[test]
fn module_run_produces_documented_verbs() {
    let (content, log) = module_run(true);
    let st = map(&content, &log);
    assert_eq!(
        verb_names(&st),
        [
            "launched",
            "initialized",
            "answered",
            "experienced",
            "progressed",
            "answered",
            "experienced",
            "progressed",
            "answered",
            "progressed",
            "answered",
            "progressed",
            "answered",
            "completed",
            "passed",
            "terminated",
        ]
    );
    let objects: Vec<&str> = st.iter().map(|s| s.object.id.as_str()).collect();
    let m = "https://boiduong.example/xapi/modules/m";
    assert_eq!(objects[0], m);
    assert_eq!(objects[2], format!("{m}/items/p1"));
    assert_eq!(objects[3], format!("{m}/lessons/l1"));
    assert_eq!(objects[6], format!("{m}/lessons/l2"));
    assert_eq!(objects[12], format!("{m}/items/q3"));
    assert!(objects[13..].iter().all(|o| *o == m));
}

// Guards the failed branch: a check below the pass mark gives `failed`, never `passed`.
#[test]
fn module_below_pass_mark_fails() {
    let (content, log) = module_run(false);
    let st = map(&content, &log);
    let tail: Vec<String> = verb_names(&st).into_iter().rev().take(3).collect();
    assert_eq!(tail, ["terminated", "failed", "completed"]);
    let failed = &st[st.len() - 2];
    let r = failed.result.as_ref().expect("result");
    assert_eq!(r.success, Some(false));
    assert_eq!(r.score.map(|s| (s.raw, s.max)), Some((1, 4)));
    assert_eq!(
        ext(&failed.context.extensions, ext::PASS_POINTS),
        Some(&json!(3))
    );
}

// Guards the documented verb sequence of a scenario run.
#[test]
fn scenario_run_produces_documented_verbs() {
    let (content, log) = scenario_run(&["a", "c"]);
    let st = map(&content, &log);
    assert_eq!(
        verb_names(&st),
        [
            "launched",
            "initialized",
            "answered",
            "answered",
            "completed",
            "terminated"
        ]
    );
    let s = "https://boiduong.example/xapi/scenarios/s";
    assert_eq!(st[2].object.id, format!("{s}/nodes/start"));
    assert_eq!(st[3].object.id, format!("{s}/nodes/mid"));
    assert_eq!(st[0].object.definition.kind, activity_types::SIMULATION);
}

// Guards scenario choices: response, node id, competency deltas, next node, and success
// meaning "as good as the best choice here"; the completed statement carries the ending.
#[test]
fn scenario_choice_and_ending_details() {
    let (content, log) = scenario_run(&["b", "d"]);
    let st = map(&content, &log);
    let first = &st[2];
    let r = first.result.as_ref().expect("result");
    assert_eq!(r.response.as_deref(), Some("b"));
    assert_eq!(r.success, Some(false));
    assert_eq!(
        ext(&r.extensions, ext::COMPETENCY_DELTAS),
        Some(&json!({"gt": -1}))
    );
    assert_eq!(ext(&r.extensions, ext::NEXT_NODE), Some(&json!("mid")));
    assert_eq!(
        ext(&first.context.extensions, ext::NODE_ID),
        Some(&json!("start"))
    );
    let def = &first.object.definition;
    assert_eq!(def.interaction_type.as_deref(), Some("choice"));
    assert_eq!(def.correct_responses_pattern, Some(ids(&["a"])));
    let choices: Vec<&str> = def
        .choices
        .iter()
        .flatten()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(choices, ["a", "b"]);

    let completed = &st[4];
    assert_eq!(completed.verb.id, verbs::COMPLETED);
    let r = completed.result.as_ref().expect("result");
    assert_eq!(r.completion, Some(true));
    assert_eq!(r.success, None);
    assert_eq!(ext(&r.extensions, ext::ENDING), Some(&json!("bad")));
    assert_eq!(ext(&r.extensions, ext::ENDING_KIND), Some(&json!("bad")));
    assert_eq!(
        ext(&r.extensions, ext::COMPETENCY_SCORES),
        Some(&json!({"gt": -1, "pl": -2}))
    );
    assert_eq!(
        ext(&r.extensions, ext::COMPETENCY_LEVELS),
        Some(&json!({"gt": 0.0, "pl": 0.0}))
    );
    assert_eq!(
        ext(&completed.context.extensions, ext::NODE_ID),
        Some(&json!("bad"))
    );
}

// Guards competency levels: a competency no decision on the path could move gets no
// level (the engine's 0 would read as "always the worst choice").
#[test]
fn levels_only_where_a_decision_counted() {
    let mut s = sample_scenario();
    for c in &mut s.nodes[1].choices {
        c.scores.insert("pl".into(), 1);
    }
    let content = Content::Scenario(s);
    let log = run(
        &content,
        vec![
            Intent::Choose { choice: "a".into() },
            Intent::Choose { choice: "c".into() },
        ],
    );
    let st = map(&content, &log);
    let completed = st
        .iter()
        .find(|s| s.verb.id == verbs::COMPLETED)
        .expect("completed");
    let r = completed.result.as_ref().expect("result");
    assert_eq!(
        ext(&r.extensions, ext::COMPETENCY_LEVELS),
        Some(&json!({"gt": 5.0}))
    );
    assert_eq!(
        ext(&r.extensions, ext::COMPETENCY_SCORES),
        Some(&json!({"gt": 2, "pl": 1}))
    );
}

// Guards the exact JSON shape of a knowledge-check answer (actor form, interaction
// definition, score, context) against a silent rename or a dropped field.
#[test]
fn check_item_statement_shape() {
    let (content, log) = module_run(true);
    let st = map(&content, &log);
    let q1 = st
        .iter()
        .find(|s| s.object.id.ends_with("/items/q1"))
        .expect("q1 statement");
    let mut v = serde_json::to_value(q1).expect("json");
    let id = v["id"].take();
    assert!(id.as_str().and_then(normalize_uuid).is_some());
    // the order the attempt showed q1's options in, from its state
    let attempt = Attempt::replay(&content, &log).expect("replay");
    let Content::Module(module) = &content else {
        unreachable!()
    };
    let item = &module.check.items[0];
    let shown: Vec<&str> = attempt
        .option_order(item)
        .iter()
        .map(|i| item.options[*i].id.as_str())
        .collect();
    let place = |id: &str| shown.iter().position(|x| *x == id).map(|p| p + 1);
    let m = "https://boiduong.example/xapi/modules/m";
    let b = "https://boiduong.example/xapi";
    let expected = json!({
        "id": null,
        "actor": {
            "objectType": "Agent",
            "name": "Nguyễn Thị Hồng",
            "account": {"homePage": "https://boiduong.example", "name": "hong.nt"}
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/answered",
            "display": {"en-US": "answered", "vi": "đã trả lời"}
        },
        "object": {
            "objectType": "Activity",
            "id": format!("{m}/items/q1"),
            "definition": {
                "description": {"vi": "q1"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "choice",
                "correctResponsesPattern": ["a[,]c"],
                "choices": [
                    {"id": "a", "description": {"vi": "a"}},
                    {"id": "b", "description": {"vi": "b"}},
                    {"id": "c", "description": {"vi": "c"}}
                ]
            }
        },
        "result": {
            "score": {"scaled": 1.0, "raw": 2, "min": 0, "max": 2},
            "success": true,
            "response": "c[,]a",
            "duration": "PT1M0.5S",
            "extensions": {
                format!("{b}/extensions/shown-order"): shown,
                format!("{b}/extensions/shown-position"): [place("c"), place("a")]
            }
        },
        "context": {
            "registration": ATTEMPT,
            "contextActivities": {
                "parent": [{
                    "objectType": "Activity",
                    "id": m,
                    "definition": {
                        "name": {"vi": "M"},
                        "description": {"vi": "M"},
                        "type": "http://adlnet.gov/expapi/activities/module"
                    }
                }],
                "grouping": [{
                    "objectType": "Activity",
                    "id": format!("{b}/fields/f"),
                    "definition": {"type": format!("{b}/activity-types/field")}
                }, {
                    "objectType": "Activity",
                    "id": format!("{b}/classes/QLNN-2026-01"),
                    "definition": {
                        "name": {"vi": "Lớp QLNN-2026-01", "en": "Class QLNN-2026-01"},
                        "type": format!("{b}/activity-types/class")
                    }
                }],
                "category": [{
                    "objectType": "Activity",
                    "id": format!("{b}/profile"),
                    "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}
                }]
            },
            "revision": "v1",
            "platform": "Boiduong 0.1.0 (web)",
            "language": "vi",
            "extensions": {
                format!("{b}/extensions/class-code"): "QLNN-2026-01",
                format!("{b}/extensions/content-version"): "v1",
                format!("{b}/extensions/event-seq"): 5,
                format!("{b}/extensions/item-role"): "check"
            }
        },
        "timestamp": "2026-11-28T03:09:07.623Z"
    });
    assert_eq!(v, expected);
}

// Guards the place a shuffled attempt's answers report: for single and multiple choice
// items and scenario nodes, `shown-order` is the attempt's order (ids) and `shown-position`
// the 1-based place of each chosen id in it; true/false and ordering items report none.
#[test]
fn shuffled_answers_say_where_the_choice_was_shown() {
    let (module, mlog) = module_run(true);
    let (scenario, slog) = scenario_run(&["a", "c"]);
    for (content, log) in [(&module, &mlog), (&scenario, &slog)] {
        let attempt = Attempt::replay(content, log).expect("replay");
        let mut seen = 0;
        for s in map(content, log)
            .iter()
            .filter(|s| s.verb.id == verbs::ANSWERED)
        {
            let r = s.result.as_ref().expect("result");
            let part = s.object.id.rsplit('/').next().expect("id");
            let written: Vec<String> = match content {
                Content::Module(m) => {
                    let item = m
                        .lessons
                        .iter()
                        .map(|l| &l.practice)
                        .chain(&m.check.items)
                        .find(|i| i.id == part)
                        .expect("item");
                    if !shuffle::is_shuffled(item) {
                        assert_eq!(ext(&r.extensions, ext::SHOWN_POSITION), None, "{part}");
                        assert_eq!(ext(&r.extensions, ext::SHOWN_ORDER), None, "{part}");
                        continue;
                    }
                    attempt
                        .option_order(item)
                        .iter()
                        .map(|i| item.options[*i].id.clone())
                        .collect()
                }
                Content::Scenario(sc) => {
                    let node = sc.node(part).expect("node");
                    attempt
                        .choice_order(node)
                        .iter()
                        .map(|i| node.choices[*i].id.clone())
                        .collect()
                }
            };
            assert_eq!(
                ext(&r.extensions, ext::SHOWN_ORDER),
                Some(&json!(written)),
                "{part}"
            );
            let places: Vec<Value> = r
                .response
                .as_deref()
                .expect("response")
                .split("[,]")
                .map(|id| json!(written.iter().position(|w| w == id).expect("shown") + 1))
                .collect();
            let several = r.response.as_deref().is_some_and(|x| x.contains("[,]"));
            let want = if several {
                Value::Array(places)
            } else {
                places[0].clone()
            };
            assert_eq!(
                ext(&r.extensions, ext::SHOWN_POSITION),
                Some(&want),
                "{part}"
            );
            seen += 1;
        }
        assert!(seen >= 2, "{} shuffled answers", content.id());
    }
}

// Guards the statements of attempts recorded before the shuffle (no seed): unchanged, no
// place reported (re-deriving them gives the bodies already sent, never a 409).
#[test]
fn unshuffled_attempts_report_no_place() {
    for (content, mut log) in [module_run(true), scenario_run(&["a", "c"])] {
        if let Action::Started { order_seed, .. } = &mut log[0].action {
            *order_seed = None;
        }
        for s in map(&content, &log) {
            let r = s.result.unwrap_or_default();
            assert_eq!(ext(&r.extensions, ext::SHOWN_POSITION), None);
            assert_eq!(ext(&r.extensions, ext::SHOWN_ORDER), None);
        }
    }
}

// Guards the interaction mapping of each item kind (type, pattern, response, components).
#[test]
fn interaction_types_per_item_kind() {
    let (content, log) = module_run(true);
    let st = map(&content, &log);
    let by_item = |id: &str| {
        st.iter()
            .find(|s| s.object.id.ends_with(&format!("/items/{id}")))
            .expect("item statement")
    };
    let tf = by_item("p2");
    assert_eq!(
        tf.object.definition.interaction_type.as_deref(),
        Some("true-false")
    );
    assert_eq!(
        tf.object.definition.correct_responses_pattern,
        Some(ids(&["true"]))
    );
    assert_eq!(tf.object.definition.choices, None);
    let r = tf.result.as_ref().expect("result");
    assert_eq!(
        (r.response.as_deref(), r.success),
        (Some("false"), Some(false))
    );
    let ord = by_item("q2");
    assert_eq!(
        ord.object.definition.interaction_type.as_deref(),
        Some("sequencing")
    );
    assert_eq!(
        ord.object.definition.correct_responses_pattern,
        Some(ids(&["c[,]a[,]b"]))
    );
    assert_eq!(
        ord.result.as_ref().and_then(|r| r.response.as_deref()),
        Some("c[,]a[,]b")
    );
    let single = by_item("p1");
    assert_eq!(
        single.object.definition.interaction_type.as_deref(),
        Some("choice")
    );
    assert_eq!(
        single.result.as_ref().and_then(|r| r.response.as_deref()),
        Some("a")
    );
    // practice items are not scored (they do not count towards the pass mark)
    assert_eq!(single.result.as_ref().and_then(|r| r.score), None);
}

// Guards the activity tree: item/lesson/node -> module/scenario, practice item -> lesson,
// everything grouped under its field, every statement in the profile category.
#[test]
fn context_activities_link_parts_to_their_whole() {
    let (content, log) = module_run(true);
    let mut st = map(&content, &log);
    let (scontent, slog) = scenario_run(&["a", "c"]);
    st.extend(map(&scontent, &slog));
    let b = "https://boiduong.example/xapi";
    for s in &st {
        let ca = &s.context.context_activities;
        let parent: Vec<&str> = ca.parent.iter().map(|a| a.id.as_str()).collect();
        let grouping: Vec<&str> = ca.grouping.iter().map(|a| a.id.as_str()).collect();
        let o = s.object.id.as_str();
        let field = format!("{b}/fields/f");
        // the class closes every grouping
        let class = format!("{b}/classes/QLNN-2026-01");
        if o.contains("/items/p") {
            assert_eq!(parent, [o.replace("/items/p", "/lessons/l")], "{o}");
            assert_eq!(
                grouping,
                [format!("{b}/modules/m"), field.clone(), class.clone()],
                "{o}"
            );
        } else if o.contains("/items/") || o.contains("/lessons/") {
            assert_eq!(parent, [format!("{b}/modules/m")], "{o}");
            assert_eq!(grouping, [field.as_str(), &class], "{o}");
        } else if o.contains("/nodes/") {
            assert_eq!(parent, [format!("{b}/scenarios/s")], "{o}");
            assert_eq!(grouping, [field.as_str(), &class], "{o}");
        } else {
            assert!(parent.is_empty(), "{o}");
            assert_eq!(grouping, [field.as_str(), &class], "{o}");
        }
        assert_eq!(ca.category.len(), 1);
        assert_eq!(ca.category[0].id, format!("{b}/profile"));
    }
}

// Guards the registration: every statement of an attempt carries the attempt id, and a
// non-UUID attempt id is refused rather than sent (an LRS rejects the whole batch).
#[test]
fn registration_is_the_attempt_id() {
    let (content, log) = scenario_run(&["a", "c"]);
    let st = map(&content, &log);
    assert!(st
        .iter()
        .all(|s| s.context.registration.as_deref() == Some(ATTEMPT)));
    let upper: Vec<AttemptEvent> = log
        .iter()
        .cloned()
        .map(|mut e| {
            e.attempt_id = ATTEMPT.to_uppercase();
            e
        })
        .collect();
    let st = map(&content, &upper);
    assert!(st
        .iter()
        .all(|s| s.context.registration.as_deref() == Some(ATTEMPT)));
    let bad: Vec<AttemptEvent> = log
        .into_iter()
        .map(|mut e| {
            e.attempt_id = "att-1".into();
            e
        })
        .collect();
    assert_eq!(
        statements_for(&bad, &ctx(), &content, &mut derived_id),
        Err(XapiError::Registration("att-1".into()))
    );
}

// Guards statement ids: unique within and across attempts, UUIDs of the RFC variant, and
// the same on a second mapping (so a re-send is idempotent, not a duplicate).
#[test]
fn ids_are_unique_and_stable() {
    let (content, log) = module_run(true);
    let a = map(&content, &log);
    assert_eq!(a, map(&content, &log));
    let other: Vec<AttemptEvent> = log
        .iter()
        .cloned()
        .map(|mut e| {
            e.attempt_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7".into();
            e
        })
        .collect();
    let b = map(&content, &other);
    let mut all: Vec<&str> = a.iter().chain(&b).map(|s| s.id.as_str()).collect();
    for id in &all {
        let u = Uuid::parse_str(id).expect("uuid");
        assert_eq!(u.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(u.get_version_num(), 8);
    }
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n);
}

// Guards the id source contract: its ids are used as given (normalised), a non-UUID is
// refused, and it is asked exactly once per returned statement.
#[test]
fn caller_ids_are_checked() {
    let (content, log) = scenario_run(&["a", "c"]);
    let mut n = 0u32;
    let st = statements_for(&log, &ctx(), &content, &mut |_| {
        n += 1;
        format!("{{6ba7b810-9dad-41d1-80b4-00c04fd4{n:04X}}}")
    })
    .expect("statements");
    assert_eq!(n as usize, st.len());
    assert_eq!(st[0].id, "6ba7b810-9dad-41d1-80b4-00c04fd40001");
    let err = statements_for(&log, &ctx(), &content, &mut |_| "not-a-uuid".into());
    assert_eq!(err, Err(XapiError::StatementId("not-a-uuid".into())));
    // the nil UUID is not of the RFC variant: validators reject it
    let err = statements_for(&log, &ctx(), &content, &mut |_| Uuid::nil().to_string());
    assert!(matches!(err, Err(XapiError::StatementId(_))));
}

// Guards incremental emission: statements of new events equal the tail of a full mapping,
// and mapping a prefix of the log gives a prefix of the statements.
#[test]
fn mapping_is_prefix_stable() {
    let (content, log) = module_run(true);
    let full = map(&content, &log);
    for k in 1..log.len() {
        let head = map(&content, &log[..k]);
        assert_eq!(head[..], full[..head.len()], "prefix of {k} events");
        let tail =
            statements_from(&log, k as u32, &ctx(), &content, &mut derived_id).expect("tail");
        assert_eq!(head.len() + tail.len(), full.len());
        assert_eq!(tail[..], full[head.len()..]);
    }
}

// Guards score math: scaled = raw / max, min 0, raw never above max, 0/0 stays valid.
#[test]
fn score_math() {
    let (content, log) = module_run(true);
    let st = map(&content, &log);
    let passed = st
        .iter()
        .find(|s| s.verb.id == verbs::PASSED)
        .expect("passed");
    let r = passed.result.as_ref().expect("result");
    assert_eq!(
        r.score,
        Some(Score {
            scaled: 0.75,
            raw: 3,
            min: 0,
            max: 4
        })
    );
    assert_eq!((r.success, r.completion), (Some(true), Some(true)));
    assert_eq!(Score::of(0, 0).scaled, 0.0);
    assert_eq!(Score::of(5, 4).raw, 4);
    assert!((Score::of(2, 3).scaled - 2.0 / 3.0).abs() < 1e-12);
    // a wrong check item scores 0 of its points
    let (content, log) = module_run(false);
    let st = map(&content, &log);
    let q1 = st
        .iter()
        .find(|s| s.object.id.ends_with("/items/q1"))
        .expect("q1");
    assert_eq!(
        q1.result.as_ref().and_then(|r| r.score),
        Some(Score::of(0, 2))
    );
}

// Guards durations: ISO 8601 as validators accept it, at most 0.01 s precision (xAPI's
// SHOULD; an LRS may truncate further digits), from first to last event for the
// whole attempt, from the step's opening for a lesson or an answer.
#[test]
fn durations() {
    assert_eq!(duration(0), "PT0S");
    assert_eq!(duration(723_500), "PT12M3.5S");
    assert_eq!(duration(3_600_000), "PT1H");
    assert_eq!(duration(3_600_250), "PT1H0.25S");
    assert_eq!(duration(90_061_001), "PT25H1M1S");
    assert_eq!(duration(59_999), "PT59.99S");
    assert_eq!(duration(3_600_005), "PT1H");
    assert_eq!(duration(7), "PT0S");
    assert_eq!(duration(1_050), "PT1.05S");
    assert_eq!(duration(120_000), "PT2M");
    assert_eq!(duration(-5), "PT0S");
    let (content, log) = module_run(true);
    let st = map(&content, &log);
    // 10 intents, 60.5 s apart
    let done = st
        .iter()
        .find(|s| s.verb.id == verbs::TERMINATED)
        .expect("terminated");
    assert_eq!(
        done.result.as_ref().and_then(|r| r.duration.as_deref()),
        Some("PT10M5S")
    );
    // lesson 1: opened at start, left after answer + continue = 2 intents
    let l1 = st
        .iter()
        .find(|s| s.verb.id == verbs::EXPERIENCED)
        .expect("experienced");
    assert_eq!(
        l1.result.as_ref().and_then(|r| r.duration.as_deref()),
        Some("PT2M1S")
    );
}

// Guards Vietnamese text: titles, prompts and node texts keep their diacritics (no
// escaping, no normalisation loss), HTML is reduced to text, English joins when present.
#[test]
fn vietnamese_text_is_preserved() {
    let mut s = sample_scenario();
    s.title = LocalText::both("Tiếp công dân", "Receiving citizens");
    s.nodes[0].text_html = LocalText::vi(
        "<p>Ông Minh nộp hồ sơ nhưng <strong>thiếu</strong> bản sao &amp; &quot;giấy tờ&quot;.</p>\n<ul>\n<li>Một</li><li>Hai</li></ul>",
    );
    s.nodes[0].choices[0].text = LocalText::both("Hướng dẫn một lần", "Explain once");
    let content = Content::Scenario(s);
    let log = run(&content, vec![Intent::Choose { choice: "a".into() }]);
    let st = map(&content, &log);
    let json = serde_json::to_string(&st).expect("json");
    assert!(json.contains("\"vi\":\"Tiếp công dân\""));
    assert!(json.contains("\"en\":\"Receiving citizens\""));
    assert!(json.contains("Nguyễn Thị Hồng"));
    let node = &st[2].object.definition;
    assert_eq!(
        node.description
            .as_ref()
            .and_then(|d| d.get("vi"))
            .map(String::as_str),
        Some("Ông Minh nộp hồ sơ nhưng thiếu bản sao & \"giấy tờ\". Một Hai")
    );
    let first = &node.choices.as_ref().expect("choices")[0];
    assert_eq!(
        first.description.get("en").map(String::as_str),
        Some("Explain once")
    );
    assert_eq!(verb(verbs::COMPLETED).display["vi"], "đã hoàn thành");
}

// Guards the content-version tie: a log taken on another version is refused, not mapped
// against questions it was not answering.
#[test]
fn other_content_version_is_refused() {
    let (_, log) = scenario_run(&["a", "c"]);
    let mut changed = sample_scenario();
    changed.version = "v2".into();
    let err = statements_for(&log, &ctx(), &Content::Scenario(changed), &mut derived_id);
    assert!(matches!(
        err,
        Err(XapiError::Log(AttemptError::ContentMismatch { .. }))
    ));
}

// Guards the configurable base: a trailing slash does not double, ids are escaped into
// one path segment, a relative base is refused.
#[test]
fn base_iri_is_configurable() {
    let mut c = ctx();
    c.base = "https://lms.hcm.example/xapi/".into();
    assert_eq!(
        c.module_id("hoc-phan"),
        "https://lms.hcm.example/xapi/modules/hoc-phan"
    );
    assert_eq!(
        c.node_id("s", "a b/c"),
        "https://lms.hcm.example/xapi/scenarios/s/nodes/a%20b%2Fc"
    );
    assert_eq!(
        c.extension("class-code"),
        "https://lms.hcm.example/xapi/extensions/class-code"
    );
    let (content, log) = scenario_run(&["a", "c"]);
    let st = statements_for(&log, &c, &content, &mut derived_id).expect("statements");
    assert!(st.iter().all(|s| s
        .object
        .id
        .starts_with("https://lms.hcm.example/xapi/scenarios/s")));
    c.base = "boiduong/xapi".into();
    assert!(matches!(
        statements_for(&log, &c, &content, &mut derived_id),
        Err(XapiError::Base(_))
    ));
    let mut c = ctx();
    c.learner.home_page = "boiduong".into();
    assert!(matches!(
        statements_for(&log, &c, &content, &mut derived_id),
        Err(XapiError::HomePage(_))
    ));
}

// Guards the class code: present (trimmed) when the learner has one, absent when empty,
// so trainers' queries never match an empty string.
#[test]
fn class_code_only_when_given() {
    let (content, log) = scenario_run(&["a", "c"]);
    let st = map(&content, &log);
    assert!(st
        .iter()
        .all(|s| ext(&s.context.extensions, ext::CLASS_CODE) == Some(&json!("QLNN-2026-01"))));
    let mut c = ctx();
    c.class_code = "  ".into();
    let st = statements_for(&log, &c, &content, &mut derived_id).expect("statements");
    assert!(st
        .iter()
        .all(|s| ext(&s.context.extensions, ext::CLASS_CODE).is_none()));
    // nor a class activity in the grouping
    assert!(st.iter().all(|s| !s
        .context
        .context_activities
        .grouping
        .iter()
        .any(|a| a.id.contains("/classes/"))));
    assert!(st
        .iter()
        .all(|s| ext(&s.context.extensions, ext::CONTENT_VERSION) == Some(&json!("v1"))));
}

// Guards progress: the cmi5 progress extension counts answered steps of all steps.
#[test]
fn progress_percent() {
    let (content, log) = module_run(true);
    let st = map(&content, &log);
    let progress: Vec<&Value> = st
        .iter()
        .filter(|s| s.verb.id == verbs::PROGRESSED)
        .filter_map(|s| s.result.as_ref()?.extensions.get(CMI5_PROGRESS))
        .collect();
    assert_eq!(progress, [&json!(20), &json!(40), &json!(60), &json!(80)]);
}

// Guards options with English text: a choice component carries both languages.
#[test]
fn english_option_text_joins_the_map() {
    let mut m = sample_module();
    m.lessons[0].practice.options[0] = ItemOption {
        id: "a".into(),
        text: LocalText::both("Đúng quy trình", "By the rules"),
        feedback: None,
        fixed: false,
    };
    let content = Content::Module(m);
    let log = run(&content, vec![answer("p1", Answer::Single("a".into()))]);
    let st = map(&content, &log);
    let choices = st[2].object.definition.choices.as_ref().expect("choices");
    assert_eq!(choices[0].description.len(), 2);
    assert_eq!(choices[0].description["vi"], "Đúng quy trình");
}

// Guards the pre-test mapping: its own activity (assessment, parent module), answers with
// item-role `pretest`, the score on `completed` and no passed/failed; the drawn items and
// seed travel with the result.
#[test]
fn pretest_maps_to_its_own_activity() {
    use crate::attempt::StartOptions;
    let content = Content::Module(crate::module::tests::pool_sample());
    let opts = StartOptions {
        mode: AttemptMode::PreTest,
        seed: Some(5),
        ..StartOptions::default()
    };
    let (mut attempt, first) =
        Attempt::start_with(&content, ATTEMPT, "l", T0, opts).expect("start");
    let mut log = vec![first];
    let drawn = attempt.draw.clone().expect("draw").items;
    for (i, item) in drawn.iter().enumerate() {
        for intent in [answer(item, Answer::Single("a".into())), Intent::Continue] {
            let (next, events) = attempt
                .decide(&content, intent, T0 + 1_000 * (i as i64 + 1))
                .expect("valid");
            log.extend(events);
            attempt = next;
        }
    }
    let st = map(&content, &log);
    assert_eq!(
        verb_names(&st),
        [
            "launched",
            "initialized",
            "answered",
            "progressed",
            "answered",
            "completed",
            "terminated"
        ]
    );
    let pretest = "https://boiduong.example/xapi/modules/pool/pretest";
    assert_eq!(st[0].object.id, pretest);
    assert_eq!(st[0].object.definition.kind, activity_types::ASSESSMENT);
    assert_eq!(
        st[0].context.context_activities.parent[0].id,
        "https://boiduong.example/xapi/modules/pool"
    );
    assert_eq!(st[2].context.context_activities.parent[0].id, pretest);
    assert_eq!(
        ext(&st[2].context.extensions, ext::ITEM_ROLE),
        Some(&json!("pretest"))
    );
    let done = st[5].result.as_ref().expect("result");
    assert_eq!(done.score.map(|s| (s.raw, s.max)), Some((2, 2)));
    assert_eq!(ext(&done.extensions, ext::DRAWN_ITEMS), Some(&json!(drawn)));
    assert_eq!(ext(&done.extensions, ext::DRAW_SEED), Some(&json!(5)));
}

// Guards "practice only": every statement says so, and no passed/failed is sent for a
// result scored on the device.
#[test]
fn practice_only_attempt_has_no_verdict() {
    use crate::attempt::StartOptions;
    let content = Content::Module(sample_module());
    let opts = StartOptions {
        practice_only: true,
        ..StartOptions::default()
    };
    let (mut attempt, first) =
        Attempt::start_with(&content, ATTEMPT, "l", T0, opts).expect("start");
    let mut log = vec![first];
    // the intents of the good run, decided afresh (its finished event says "passed")
    let (_, good) = module_run(true);
    for (i, e) in good.iter().enumerate() {
        let intent = match &e.action {
            Action::Answered { item, answer, .. } => Intent::Answer {
                item: item.clone(),
                answer: answer.clone(),
            },
            Action::Advanced { .. } => Intent::Continue,
            _ => continue,
        };
        let (next, events) = attempt
            .decide(&content, intent, T0 + i as i64)
            .expect("valid");
        log.extend(events);
        attempt = next;
    }
    assert!(attempt.is_finished());
    let st = map(&content, &log);
    let names = verb_names(&st);
    assert!(!names.iter().any(|v| v == "passed" || v == "failed"));
    assert!(st
        .iter()
        .all(|s| ext(&s.context.extensions, ext::PRACTICE_ONLY) == Some(&json!(true))));
    let completed = st
        .iter()
        .find(|s| s.verb.id == verbs::COMPLETED)
        .expect("completed");
    assert!(completed.result.as_ref().is_some_and(|r| r.score.is_some()));
}
