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

use boiduong_core::attempt::{Action, Attempt, AttemptEvent, Intent, Progress};
use boiduong_core::compiler::compile_dir;
use boiduong_core::model::{Answer, Content, Item, Module, Scenario};
use boiduong_core::module::Position;
use boiduong_core::xapi::{
    activity_types, derived_id, statements_for, verbs, Learner, Statement, StatementContext,
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
        let (mut attempt, first) = Attempt::start(content, id, "learner", start);
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

    /// Passed (all right) and failed (all wrong) runs.
    fn module(&mut self, content: &Content, m: &Module) {
        for right in [true, false] {
            let mut intents = Vec::new();
            let items = m.lessons.iter().map(|l| &l.practice).chain(&m.check.items);
            for item in items {
                let answer = if right {
                    item.answer.clone()
                } else {
                    wrong(item)
                };
                intents.push(Intent::Answer {
                    item: item.id.clone(),
                    answer,
                });
                intents.push(Intent::Continue);
            }
            self.run(content, intents);
        }
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
#[test]
fn every_statement_kind_is_written_for_the_validator() {
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
                Content::Module(m) => runner.module(content, m),
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
    }

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
