use super::*;
use crate::model::{Answer, Content, EndingKind};
use crate::module::tests::sample as sample_module;
use crate::module::{AttemptMode, CheckScore};
use crate::scenario::tests::sample as sample_scenario;

fn run(content: &Content, intents: Vec<Intent>) -> (Attempt, Vec<AttemptEvent>) {
    let (mut attempt, first) = Attempt::start(content, "att-1", "learner-1", 1_000);
    let mut log = vec![first];
    for (i, intent) in intents.into_iter().enumerate() {
        let (next, events) = attempt
            .decide(content, intent, 2_000 + i as i64)
            .expect("valid intent");
        log.extend(events);
        attempt = next;
    }
    (attempt, log)
}

fn answer(item: &str, a: Answer) -> Intent {
    Intent::Answer {
        item: item.into(),
        answer: a,
    }
}

// Guards "resume at the exact step": replaying any prefix of the log gives the same state
// as the live attempt had after that many events.
#[test]
fn replay_of_every_prefix_matches_live_state() {
    let content = Content::Scenario(sample_scenario());
    let (mut live, first) = Attempt::start(&content, "a", "l", 0);
    let mut log = vec![first];
    for (i, c) in ["b", "c"].iter().enumerate() {
        let (next, events) = live
            .decide(
                &content,
                Intent::Choose {
                    choice: (*c).into(),
                },
                i as i64 + 1,
            )
            .expect("choice");
        log.extend(events);
        live = next;
        let replayed = Attempt::replay(&content, &log).expect("replay");
        assert_eq!(replayed, live);
    }
    assert_eq!(live.status(), AttemptStatus::Completed);
    assert!(matches!(
        live.outcome,
        Some(Outcome::Scenario { ref ending, ending_kind: EndingKind::Mixed }) if ending == "ok"
    ));
}

// Guards the module outcome: the finished event carries the score and pass decision.
#[test]
fn module_attempt_records_score() {
    let content = Content::Module(sample_module());
    let (attempt, log) = run(
        &content,
        vec![
            answer("p1", Answer::Single("a".into())),
            Intent::Continue,
            answer("p2", Answer::TrueFalse(true)),
            Intent::Continue,
            answer("q1", Answer::Multiple(vec!["a".into(), "c".into()])),
            Intent::Continue,
            answer(
                "q2",
                Answer::Ordering(vec!["c".into(), "a".into(), "b".into()]),
            ),
            Intent::Continue,
            answer("q3", Answer::Single("a".into())),
            Intent::Continue,
        ],
    );
    assert_eq!(attempt.status(), AttemptStatus::Passed);
    let last = log.last().expect("events");
    assert!(matches!(
        last.action,
        Action::Finished {
            outcome: Outcome::Module {
                passed: true,
                score: CheckScore {
                    raw: 3,
                    max: 4,
                    pass: 3
                }
            }
        }
    ));
    let summary = attempt.summary(&content);
    assert_eq!(summary.events, log.len() as u32);
    assert_eq!(Attempt::replay(&content, &log).expect("replay"), attempt);
}

// Guards against resuming an attempt on a different content version (answers would be
// reinterpreted against other questions).
#[test]
fn replay_refuses_other_version() {
    let content = Content::Scenario(sample_scenario());
    let (_, log) = run(&content, vec![Intent::Choose { choice: "a".into() }]);
    let mut changed = sample_scenario();
    changed.version = "v2".into();
    let err = Attempt::replay(&Content::Scenario(changed), &log).unwrap_err();
    assert!(matches!(err, AttemptError::ContentMismatch { .. }));
}

// Guards against a gap in the log (a lost event) going unnoticed.
#[test]
fn replay_refuses_gaps() {
    let content = Content::Scenario(sample_scenario());
    let (_, mut log) = run(
        &content,
        vec![
            Intent::Choose { choice: "a".into() },
            Intent::Choose { choice: "c".into() },
        ],
    );
    log.remove(1);
    assert!(matches!(
        Attempt::replay(&content, &log),
        Err(AttemptError::OutOfOrder { .. })
    ));
}

// Guards the catalog badge: the best state wins over older attempts.
#[test]
fn entry_state_takes_the_best() {
    let content = Content::Scenario(sample_scenario());
    let (done, _) = run(
        &content,
        vec![
            Intent::Choose { choice: "a".into() },
            Intent::Choose { choice: "c".into() },
        ],
    );
    let (open, _) = run(&content, vec![Intent::Choose { choice: "a".into() }]);
    let s1 = done.summary(&content);
    let s2 = open.summary(&content);
    assert_eq!(entry_state([&s2]), EntryState::InProgress);
    assert_eq!(entry_state([&s2, &s1]), EntryState::Completed);
    assert_eq!(entry_state(std::iter::empty()), EntryState::NotStarted);
}

use crate::module::tests::pool_sample;

/// Answers every check item of a module attempt (right or wrong), continuing after each.
fn finish_check(
    content: &Content,
    mut attempt: Attempt,
    right: bool,
) -> (Attempt, Vec<AttemptEvent>) {
    let Content::Module(m) = content else {
        panic!("module expected")
    };
    let mut log = Vec::new();
    let mut t = 10_000;
    while !attempt.is_finished() {
        let Progress::Module(st) = &attempt.progress else {
            panic!("module progress")
        };
        let intent = match st.current_response(m) {
            Some(_) => Intent::Continue,
            None => {
                let item = st.current_item(m).expect("an item");
                let answer = match (&item.answer, right) {
                    (a, true) => a.clone(),
                    (Answer::TrueFalse(b), false) => Answer::TrueFalse(!b),
                    (_, false) => Answer::Single("b".into()),
                };
                Intent::Answer {
                    item: item.id.clone(),
                    answer,
                }
            }
        };
        t += 1_000;
        let (next, events) = attempt.decide(content, intent, t).expect("valid");
        log.extend(events);
        attempt = next;
    }
    (attempt, log)
}

// Guards the pre-test: the check alone, recorded with its draw, never a pass (even when
// perfect), left out of the catalog badge, and replayable from its log.
#[test]
fn pretest_attempt_is_a_diagnosis() {
    let content = Content::Module(pool_sample());
    let opts = StartOptions {
        mode: AttemptMode::PreTest,
        seed: Some(11),
        ..StartOptions::default()
    };
    let (attempt, first) = Attempt::start_with(&content, "pre-1", "l", 1_000, opts).expect("start");
    let Action::Started { draw, .. } = &first.action else {
        panic!("started")
    };
    let draw = draw.clone().expect("drawn");
    assert_eq!(draw.seed, 11);
    let (done, log) = finish_check(&content, attempt, true);
    assert_eq!(done.status(), AttemptStatus::Completed);
    assert!(matches!(
        done.outcome,
        Some(Outcome::Module { passed: false, score }) if score.raw == 2 && score.max == 2
    ));
    let mut full_log = vec![first];
    full_log.extend(log);
    assert_eq!(Attempt::replay(&content, &full_log).expect("replay"), done);
    let summary = done.summary(&content);
    assert_eq!(summary.mode, AttemptMode::PreTest);
    assert_eq!(summary.drawn, draw.items);
    assert_eq!(entry_state([&summary]), EntryState::NotStarted);
}

// Guards the post-test draw: it avoids the latest pre-test's items (pool >= 2N), and the
// gain is computed from the pre-test and the later check.
#[test]
fn posttest_avoids_pretest_items_and_gain_follows() {
    let content = Content::Module(pool_sample());
    let pre_opts = StartOptions {
        mode: AttemptMode::PreTest,
        seed: Some(3),
        ..StartOptions::default()
    };
    let (pre, _) = Attempt::start_with(&content, "pre", "l", 1_000, pre_opts).expect("pre");
    let (pre, _) = finish_check(&content, pre, false);
    let summaries = vec![pre.summary(&content)];
    let avoid = latest_pretest_items(&summaries, "pool");
    assert_eq!(avoid.len(), 2);
    let post_opts = StartOptions {
        avoid: avoid.clone(),
        ..StartOptions::default()
    };
    let (post, _) = Attempt::start_with(&content, "post", "l", 50_000, post_opts).expect("post");
    let drawn = post.draw.clone().expect("draw").items;
    assert!(drawn.iter().all(|i| !avoid.contains(i)));
    let (post, _) = finish_check(&content, post, true);
    assert_eq!(post.status(), AttemptStatus::Passed);
    let mut all = summaries;
    all.push(post.summary(&content));
    let gain = pretest_gain(&all, "pool").expect("gain");
    assert_eq!(
        (gain.pre_percent, gain.post_percent, gain.normalised),
        (0.0, 100.0, 1.0)
    );
    assert!(pretest_gain(&all[..1], "pool").is_none());
}

// Guards "practice only" (taken offline, keys on the device): scored and kept, but not a
// pass even at full marks.
#[test]
fn practice_only_attempt_never_passes() {
    let content = Content::Module(sample_module());
    let opts = StartOptions {
        practice_only: true,
        ..StartOptions::default()
    };
    let (a, first) = Attempt::start_with(&content, "p", "l", 0, opts).expect("start");
    let (done, log) = finish_check(&content, a, true);
    assert_eq!(done.status(), AttemptStatus::Completed);
    assert!(matches!(
        done.outcome,
        Some(Outcome::Module { passed: false, .. })
    ));
    assert!(done.summary(&content).practice_only);
    let mut full = vec![first];
    full.extend(log);
    assert_eq!(Attempt::replay(&content, &full).expect("replay"), done);
}

// Guards "without draw nothing else changes": an ordinary attempt's first event adds only
// the order seed to its JSON, and a tampered draw (an item outside the pool) does not
// replay.
#[test]
fn ordinary_start_is_unchanged_and_tampered_draws_are_refused() {
    let content = Content::Module(sample_module());
    let (_, first) = Attempt::start(&content, "a", "l", 0);
    let json = serde_json::to_value(&first.action).expect("json");
    let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "content_id",
            "kind",
            "learner_id",
            "order_seed",
            "type",
            "version"
        ]
    );

    let pool = Content::Module(pool_sample());
    let (a, mut first) = Attempt::start(&pool, "b", "l", 0);
    assert_eq!(a.draw.as_ref().map(|d| d.items.len()), Some(2));
    if let Action::Started { draw: Some(d), .. } = &mut first.action {
        d.items[0] = "q1".into();
    }
    assert!(matches!(
        Attempt::replay(&pool, &[first]),
        Err(AttemptError::Setup(_))
    ));
    assert!(matches!(
        Attempt::start_with(
            &Content::Scenario(sample_scenario()),
            "s",
            "l",
            0,
            StartOptions {
                mode: AttemptMode::PreTest,
                ..StartOptions::default()
            }
        ),
        Err(AttemptError::WrongKind(_))
    ));
}

// Guards "a resume shows what the learner saw": the shown order comes from the seed in
// the `started` event, so the replayed attempt shows every node and item in the live
// attempt's order, and another attempt (another id) gets another seed.
#[test]
fn resume_keeps_the_shown_order() {
    let scenario = Content::Scenario(sample_scenario());
    let Content::Scenario(s) = &scenario else {
        unreachable!()
    };
    let (live, first) = Attempt::start(&scenario, "att-1", "l", 0);
    let Action::Started { order_seed, .. } = &first.action else {
        panic!("started")
    };
    assert_eq!(*order_seed, live.order_seed);
    assert!(order_seed.is_some());
    let replayed = Attempt::replay(&scenario, &[first]).expect("replay");
    for node in &s.nodes {
        assert_eq!(replayed.choice_order(node), live.choice_order(node));
    }
    let (other, _) = Attempt::start(&scenario, "att-2", "l", 0);
    assert_ne!(other.order_seed, live.order_seed);

    let module = Content::Module(sample_module());
    let Content::Module(m) = &module else {
        unreachable!()
    };
    let (live, first) = Attempt::start_with(
        &module,
        "att-3",
        "l",
        0,
        StartOptions {
            order_seed: Some(7),
            ..StartOptions::default()
        },
    )
    .expect("start");
    assert_eq!(live.order_seed, Some(7));
    let replayed = Attempt::replay(&module, &[first]).expect("replay");
    for item in m
        .check
        .items
        .iter()
        .chain(m.lessons.iter().map(|l| &l.practice))
    {
        assert_eq!(replayed.option_order(item), live.option_order(item));
    }
    // ordering and true/false items keep their written order here
    let ordering = &m.check.items[1];
    assert_eq!(live.option_order(ordering), [0, 1, 2]);
}

// Guards the attempts recorded before the shuffle: a `started` without a seed replays
// with the written order, so a resume shows what the learner saw then.
#[test]
fn an_attempt_without_a_seed_keeps_the_written_order() {
    let content = Content::Scenario(sample_scenario());
    let Content::Scenario(s) = &content else {
        unreachable!()
    };
    let (_, mut first) = Attempt::start(&content, "old", "l", 0);
    if let Action::Started { order_seed, .. } = &mut first.action {
        *order_seed = None;
    }
    let old = Attempt::replay(&content, &[first]).expect("replay");
    assert_eq!(old.order_seed, None);
    for node in &s.nodes {
        assert_eq!(
            old.choice_order(node),
            (0..node.choices.len()).collect::<Vec<_>>()
        );
    }
    assert!(Attempt::start_with(
        &content,
        "s",
        "l",
        0,
        StartOptions {
            order_seed: Some(3),
            ..StartOptions::default()
        }
    )
    .is_ok_and(|(a, _)| a.order_seed == Some(3)));
}
