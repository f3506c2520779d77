//! Every kind of statement the portal can emit, from full runs over the valid fixtures, written
//! to a JSON file for the independent validator (tests/xapi/validate.mjs):
//!
//! ```text
//! cargo test -p boiduong-core --features compiler --test xapi_validation
//! node tests/xapi/validate.mjs target/tmp/xapi-statements.json
//! ```
//!
//! The file is `$XAPI_STATEMENTS_OUT` when set, else `xapi-statements.json` in Cargo's
//! integration-test scratch directory (`target/tmp`).
#![cfg(feature = "compiler")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use boiduong_core::attempt::{
    latest_pretest_items, Action, Attempt, AttemptEvent, Intent, Progress, StartOptions,
};
use boiduong_core::compiler::compile_dir;
use boiduong_core::model::{Answer, Catalog, Content, ContentKind, Item, Scenario};
use boiduong_core::module::{AttemptMode, Position};
use boiduong_core::self_assessment::rating::ModuleLink;
use boiduong_core::self_assessment::{Consent, Evaluation, Phase, Profile, SelfRating};
use boiduong_core::xapi::{
    activity_types, derived_id, evaluation_statements, joined_statement, self_rating_statements,
    statements_for, verbs, Learner, Statement, StatementContext, StatementSlot,
};
use boiduong_core::Lang;

const T0: i64 = 1_795_835_045_123; // 2026-11-28T03:04:05.123Z

fn contexts() -> Vec<StatementContext> {
    vec![
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
        },
        // No class code, English interface, another deployment's base (with a trailing slash).
        StatementContext {
            base: "http://127.0.0.1:8100/boiduong/".into(),
            learner: Learner {
                name: "Trần Văn Minh".into(),
                home_page: "http://127.0.0.1:8100".into(),
                account_name: "minh".into(),
            },
            class_code: String::new(),
            platform: "Boiduong 0.1.0 (web)".into(),
            language: Lang::En,
        },
    ]
}

/// A response the item accepts but scores as wrong.
fn wrong(item: &Item) -> Answer {
    let ids: Vec<String> = item.options.iter().map(|o| o.id.clone()).collect();
    let mut reversed = ids.clone();
    reversed.reverse();
    let mut rotated = ids.clone();
    if !rotated.is_empty() {
        rotated.rotate_left(1);
    }
    let candidates = match &item.answer {
        Answer::TrueFalse(b) => vec![Answer::TrueFalse(!b)],
        Answer::Single(_) => ids.iter().map(|i| Answer::Single(i.clone())).collect(),
        Answer::Multiple(_) => ids
            .iter()
            .map(|i| Answer::Multiple(vec![i.clone()]))
            .chain([Answer::Multiple(ids.clone())])
            .collect(),
        Answer::Ordering(_) => vec![Answer::Ordering(reversed), Answer::Ordering(rotated)],
    };
    candidates
        .into_iter()
        .find(|a| item.accepts(a) && !item.is_correct(a))
        .expect("every fixture item has a wrong response")
}

struct Runner {
    next_attempt: u64,
    logs: Vec<(Content, Vec<AttemptEvent>)>,
}

impl Runner {
    fn attempt_id(&mut self) -> String {
        self.next_attempt += 1;
        format!("b7e3c1a4-2f6d-4e8a-9c5b-0d1e2f3a{:04x}", self.next_attempt)
    }

    fn run(&mut self, content: &Content, intents: Vec<Intent>) {
        let id = self.attempt_id();
        let start = T0 + self.next_attempt as i64 * 3_600_000;
        let (attempt, first) = Attempt::start(content, id, "learner", start);
        self.run_from(content, attempt, first, intents);
    }

    fn run_from(
        &mut self,
        content: &Content,
        mut attempt: Attempt,
        first: AttemptEvent,
        intents: Vec<Intent>,
    ) {
        let start = first.at_ms;
        let mut log = vec![first];
        for (i, intent) in intents.into_iter().enumerate() {
            let (next, events) = attempt
                .decide(content, intent, start + 47_250 * (i as i64 + 1))
                .expect("valid intent");
            log.extend(events);
            attempt = next;
        }
        assert!(
            attempt.is_finished(),
            "run of {} did not finish",
            content.id()
        );
        self.logs.push((content.clone(), log));
    }

    /// The intents that take an attempt to its end, every answer right or every one wrong.
    fn intents_to_end(content: &Content, attempt: &Attempt, right: bool) -> Vec<Intent> {
        let Content::Module(m) = content else {
            unreachable!("a module");
        };
        let mut attempt = attempt.clone();
        let mut intents = Vec::new();
        while !attempt.is_finished() {
            let Progress::Module(st) = &attempt.progress else {
                unreachable!("a module attempt");
            };
            let intent = match st.current_item(m) {
                Some(item) if st.current_response(m).is_none() => Intent::Answer {
                    item: item.id.clone(),
                    answer: if right {
                        item.answer.clone()
                    } else {
                        wrong(item)
                    },
                },
                _ => Intent::Continue,
            };
            attempt = attempt.decide(content, intent.clone(), 0).expect("valid").0;
            intents.push(intent);
        }
        intents
    }

    /// Passed (all right) and failed (all wrong) runs; for a question pool also a pre-test,
    /// a post-test that avoids its items, and a practice-only (offline) attempt.
    fn module(&mut self, content: &Content) {
        let start = |runner: &mut Runner, options: StartOptions, right: bool| {
            let id = runner.attempt_id();
            let at = T0 + runner.next_attempt as i64 * 3_600_000;
            let (attempt, first) =
                Attempt::start_with(content, id, "learner", at, options).expect("start");
            let intents = Self::intents_to_end(content, &attempt, right);
            runner.run_from(content, attempt, first, intents);
            let (c, log) = runner.logs.last().expect("run");
            Attempt::replay(c, log).expect("replay").summary(c)
        };
        for right in [true, false] {
            start(self, StartOptions::default(), right);
        }
        let Content::Module(m) = content else {
            return;
        };
        if m.check.draw.is_none() {
            return;
        }
        let pre = start(
            self,
            StartOptions {
                mode: AttemptMode::PreTest,
                ..StartOptions::default()
            },
            false,
        );
        let avoid = latest_pretest_items(&[pre], &m.id);
        start(
            self,
            StartOptions {
                avoid,
                ..StartOptions::default()
            },
            true,
        );
        start(
            self,
            StartOptions {
                practice_only: true,
                ..StartOptions::default()
            },
            true,
        );
    }

    /// Every path from the start to an ending (bounded, for loops).
    fn scenario(&mut self, content: &Content, s: &Scenario) {
        let mut paths = Vec::new();
        let mut stack = vec![(Attempt::start(content, "x", "l", 0).0, Vec::<String>::new())];
        while let Some((attempt, path)) = stack.pop() {
            if attempt.is_finished() {
                paths.push(path);
                continue;
            }
            if path.len() >= 12 || paths.len() >= 64 {
                continue;
            }
            let Progress::Scenario(st) = &attempt.progress else {
                unreachable!("a scenario attempt");
            };
            let node = s.node(&st.node).expect("current node");
            for c in &node.choices {
                let (next, _) = attempt
                    .decide(
                        content,
                        Intent::Choose {
                            choice: c.id.clone(),
                        },
                        0,
                    )
                    .expect("choice");
                let mut p = path.clone();
                p.push(c.id.clone());
                stack.push((next, p));
            }
        }
        assert!(!paths.is_empty(), "{}: no path reaches an ending", s.id);
        for path in paths {
            let intents = path
                .into_iter()
                .map(|choice| Intent::Choose { choice })
                .collect();
            self.run(content, intents);
        }
    }
}

fn out_path() -> PathBuf {
    std::env::var_os("XAPI_STATEMENTS_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("xapi-statements.json"))
}

/// (verb, activity type, interaction type, part) of a statement: what "kind" means here.
fn kind(s: &Statement) -> String {
    let verb = s.verb.id.rsplit('/').next().unwrap_or("");
    let ty = s.object.definition.kind.rsplit('/').next().unwrap_or("");
    let part = if s.object.id.contains("/nodes/") {
        "node"
    } else if s.object.id.contains("/items/") {
        "item"
    } else if s.object.id.ends_with("/self-rating") {
        "self-rating"
    } else if s.object.id.contains("/evaluation/") {
        "evaluation"
    } else {
        ""
    };
    let it = s
        .object
        .definition
        .interaction_type
        .as_deref()
        .unwrap_or("");
    format!("{verb} {ty} {it} {part}").trim_end().to_owned()
}

// Guards the LRS contract: every kind of statement the portal can emit is generated here and
// handed to the independent validator (node tests/xapi/validate.mjs); a kind the mapping
// stops producing, or a duplicate id, fails here first.
/// Every statement of the runs: each context (learner) over every valid fixture, then the
/// self-assessment records. Checks each attempt's events all produced statements.
fn all_statements() -> Vec<Statement> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let compiled = compile_dir(&root).expect("valid fixtures compile");
    let mut runner = Runner {
        next_attempt: 0,
        logs: Vec::new(),
    };
    let mut all: Vec<Statement> = Vec::new();
    // Each context stands for another learner, with attempts of their own.
    for ctx in contexts() {
        for content in &compiled.contents {
            match content {
                Content::Module(_) => runner.module(content),
                Content::Scenario(s) => runner.scenario(content, s),
            }
        }
        for (content, log) in runner.logs.drain(..) {
            let st = statements_for(&log, &ctx, &content, &mut derived_id).expect("statements");
            // every event but the module's final "continue" produces at least one statement
            let silent = log
                .iter()
                .filter(|e| matches!(&e.action, Action::Advanced { to } if *to == Position::Done))
                .count();
            let key = ctx.extension("event-seq");
            let seqs: BTreeSet<u64> = st
                .iter()
                .filter_map(|s| s.context.extensions.get(&key)?.as_u64())
                .collect();
            assert_eq!(seqs.len() + silent, log.len(), "{}", content.id());
            all.extend(st);
        }
        all.extend(self_assessment(&compiled.catalog, &ctx, &mut runner));
        if !ctx.class_code.is_empty() {
            let id = derived_id(&StatementSlot {
                registration: "joined",
                seq: 0,
                index: 0,
                verb: verbs::JOINED,
            });
            all.push(joined_statement(&ctx, &id, T0).expect("joined"));
        }
    }
    all
}

#[test]
fn every_statement_kind_is_written_for_the_validator() {
    let all = all_statements();
    let kinds: BTreeSet<String> = all.iter().map(kind).collect();
    let expected = [
        "launched module",
        "initialized module",
        "experienced lesson",
        "progressed module",
        "answered cmi.interaction choice item",
        "answered cmi.interaction true-false item",
        "answered cmi.interaction sequencing item",
        "completed module",
        "passed module",
        "failed module",
        "terminated module",
        "launched simulation",
        "initialized simulation",
        "answered cmi.interaction choice node",
        "completed simulation",
        "terminated simulation",
        "launched assessment",
        "initialized assessment",
        "progressed assessment",
        "completed assessment",
        "terminated assessment",
        "answered cmi.interaction likert self-rating",
        "answered cmi.interaction likert evaluation",
        "answered cmi.interaction fill-in evaluation",
        "join class",
    ];
    for k in expected {
        assert!(kinds.contains(k), "no `{k}` statement; got {kinds:#?}");
    }
    assert_eq!(
        kinds.len(),
        expected.len(),
        "undocumented kinds: {kinds:#?}"
    );
    assert!(all.iter().any(|s| s.verb.id == verbs::PASSED));
    assert!(all
        .iter()
        .any(|s| s.object.definition.kind == activity_types::SIMULATION));
    let role = |s: &Statement| {
        s.context
            .extensions
            .iter()
            .find(|(k, _)| k.ends_with("/extensions/item-role"))
            .and_then(|(_, v)| v.as_str().map(str::to_owned))
    };
    for r in ["practice", "check", "pretest"] {
        assert!(
            all.iter().any(|s| role(s).as_deref() == Some(r)),
            "no item-role {r}"
        );
    }
    assert!(all.iter().any(|s| s
        .context
        .extensions
        .keys()
        .any(|k| k.ends_with("/extensions/practice-only"))));
    assert!(
        all.iter().any(|s| s.actor.name.is_none()),
        "no anonymous evaluation"
    );
    // Every choice answer (single/multiple item, scenario node) says where the chosen option
    // was shown and in which order; true/false and ordering items are not shuffled.
    let result_ext = |s: &Statement, name: &str| {
        s.result.as_ref().is_some_and(|r| {
            r.extensions
                .keys()
                .any(|k| k.ends_with(&format!("/extensions/{name}")))
        })
    };
    let mut placed = 0;
    for s in &all {
        let k = kind(s);
        let choice = k == "answered cmi.interaction choice item"
            || k == "answered cmi.interaction choice node";
        if choice {
            assert!(result_ext(s, "shown-position"), "no shown-position: {k}");
            assert!(result_ext(s, "shown-order"), "no shown-order: {k}");
            placed += 1;
        } else {
            assert!(!result_ext(s, "shown-position"), "shown-position on {k}");
            assert!(!result_ext(s, "shown-order"), "shown-order on {k}");
        }
    }
    assert!(placed > 0);
    // Every statement of a learner with a class names the class activity in its grouping
    // (what a city LRS can be asked about), and no other statement does.
    for s in &all {
        let coded = s
            .context
            .extensions
            .keys()
            .any(|k| k.ends_with("/extensions/class-code"));
        let grouped = s
            .context
            .context_activities
            .grouping
            .iter()
            .any(|a| a.id == "https://boiduong.example/xapi/classes/QLNN-2026-01");
        assert_eq!(coded, grouped, "{}", kind(s));
    }

    let ids: BTreeSet<&str> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "duplicate statement ids");

    let path = out_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("output dir");
    }
    let json = serde_json::to_vec_pretty(&all).expect("json");
    std::fs::write(&path, json).expect("write statements");
    eprintln!(
        "{} statements ({} kinds) written to {}; validate with: node tests/xapi/validate.mjs {}",
        all.len(),
        kinds.len(),
        path.display(),
        path.display()
    );
}

/// A self-rating before and after the pool module (shared with consent, profile too) and an
/// evaluation of each module, one named and one anonymous.
fn self_assessment(
    catalog: &Catalog,
    ctx: &StatementContext,
    runner: &mut Runner,
) -> Vec<Statement> {
    let mut out = Vec::new();
    let consent = Consent {
        share_self_ratings: true,
        share_profile: true,
    };
    let profile = Profile {
        position: Some("cong-chuc-xa".into()),
        ..Profile::new(T0)
    };
    for (i, phase) in [Phase::Before, Phase::After].into_iter().enumerate() {
        let rating = SelfRating {
            id: runner.attempt_id(),
            learner_id: "learner".into(),
            module: Some(ModuleLink {
                module: "ngan-hang-cau-hoi".into(),
                phase,
                attempt_id: Some(runner.attempt_id()),
            }),
            ratings: [
                ("giao_tiep".to_owned(), 2 + i as u8),
                ("phap_luat".to_owned(), 3),
            ]
            .into(),
            at_ms: T0 + i as i64 * 60_000,
        };
        out.extend(
            self_rating_statements(
                &rating,
                catalog,
                &consent,
                Some(&profile),
                ctx,
                &mut derived_id,
            )
            .expect("self-rating statements"),
        );
    }
    for (i, entry) in catalog
        .entries
        .iter()
        .filter(|e| e.kind == ContentKind::Module)
        .enumerate()
    {
        let evaluation = Evaluation {
            id: runner.attempt_id(),
            module: entry.id.clone(),
            usefulness: 5,
            clarity: 4,
            relevance: 3,
            intended_use: "Hướng dẫn người dân một lần, đầy đủ, bằng phiếu hướng dẫn.".into(),
            comment: (i == 0).then(|| "Cần thêm ví dụ về hồ sơ đất đai.".to_owned()),
            anonymous: i % 2 == 1,
            at_ms: T0 + 7_200_000,
        };
        out.extend(
            evaluation_statements(&evaluation, entry, ctx, &mut derived_id)
                .expect("evaluation statements"),
        );
    }
    out
}

/// The worked examples of docs/xapi-profile.md: (label, the JSON of its first ```json block).
fn profile_examples() -> Vec<(String, serde_json::Value)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/xapi-profile.md");
    let doc = std::fs::read_to_string(path).expect("docs/xapi-profile.md");
    let mut out = Vec::new();
    for section in doc.split("\n### ").skip(1) {
        let Some(label) = section.split('.').next().filter(|l| l.starts_with('E')) else {
            continue;
        };
        let json = section
            .split("```json\n")
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .unwrap_or_else(|| panic!("example {label}: no JSON block"));
        let value =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("example {label}: not JSON: {e}"));
        out.push((label.to_owned(), value));
    }
    out
}

// Guards the profile's examples going stale: every worked example in docs/xapi-profile.md is,
// to the last field, a statement the mapping makes today for the documented runs (a renamed
// extension, a changed id derivation or a new field fails here until the doc is updated).
#[test]
fn the_profile_examples_are_the_mappings_output() {
    let made: Vec<serde_json::Value> = all_statements()
        .iter()
        .map(|s| serde_json::to_value(s).expect("json"))
        .collect();
    let examples = profile_examples();
    let labels: Vec<&str> = examples.iter().map(|(l, _)| l.as_str()).collect();
    let expected: Vec<String> = (1..=examples.len()).map(|i| format!("E{i}")).collect();
    assert_eq!(labels, expected, "examples numbered E1.. in order");
    assert!(examples.len() >= 22, "the examples are gone");
    for (label, example) in &examples {
        assert!(
            made.contains(example),
            "{label} in docs/xapi-profile.md is not what the mapping makes (id {})",
            example["id"]
        );
    }
}
