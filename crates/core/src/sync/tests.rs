//! The policy's tests: batching, backoff, what each answer means, anonymous records.

use super::*;
use proptest::prelude::*;
use serde_json::Value;

fn pending(n: usize) -> Vec<Pending> {
    (0..n)
        .map(|i| Pending {
            id: format!("id-{i}"),
            body: format!(r#"{{"id":"id-{i}","verb":{{"id":"v"}}}}"#),
        })
        .collect()
}

fn config() -> SyncConfig {
    SyncConfig {
        max_batch: 10,
        max_bytes: 100_000,
        base_backoff_ms: 1_000,
        max_backoff_ms: 60_000,
        isolate_after: 3,
    }
}

fn status(code: u16, body: &str) -> Outcome {
    Outcome::Status {
        code,
        retry_after_s: None,
        body: body.into(),
    }
}

fn ids(req: &Request) -> Vec<&str> {
    req.ids().iter().map(String::as_str).collect()
}

/// Applies the effects to an outbox the way the app does.
fn apply(outbox: &mut Vec<Pending>, effects: &[Effect]) -> Vec<(String, u16, String)> {
    let mut rejected = Vec::new();
    for effect in effects {
        match effect {
            Effect::Acked(ids) => outbox.retain(|p| !ids.contains(&p.id)),
            Effect::Rejected { id, status, reason } => {
                outbox.retain(|p| &p.id != id);
                rejected.push((id.clone(), *status, reason.clone()));
            }
            Effect::AuthRequired | Effect::Misconfigured { .. } | Effect::WaitUntil(_) => {}
        }
    }
    rejected
}

#[test]
fn batch_is_the_oldest_statements_as_a_json_array() {
    let outbox = pending(25);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("a batch");
    assert_eq!(req.method(), "POST");
    assert_eq!(req.ids().len(), 10);
    // A lone statement goes by PUT.
    let mut lone = SyncPolicy::new(config());
    let put = lone.next_request(&outbox[..1], 0).expect("one");
    assert_eq!(
        put,
        Request::Put {
            id: "id-0".into(),
            body: outbox[0].body.clone()
        }
    );
    assert_eq!(req.ids()[0], "id-0");
    let parsed: Vec<Value> = serde_json::from_str(req.body()).expect("JSON array");
    assert_eq!(parsed.len(), 10);
    assert_eq!(
        req.url("https://lrs.example/xAPI/"),
        "https://lrs.example/xAPI/statements"
    );
    // One request at a time.
    assert_eq!(policy.next_request(&outbox, 0), None);
    assert!(policy.in_flight());
}

#[test]
fn acks_on_200_and_204_then_moves_on() {
    let mut outbox = pending(15);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    // Ralph lists only the ids it newly stored: still an ack of everything sent.
    let effects = policy.on_outcome(&req, status(200, r#"["id-3"]"#), 1, 0);
    assert_eq!(effects, vec![Effect::Acked(req.ids().to_vec())]);
    apply(&mut outbox, &effects);
    let req = policy.next_request(&outbox, 1).expect("second batch");
    assert_eq!(ids(&req), vec!["id-10", "id-11", "id-12", "id-13", "id-14"]);
    let effects = policy.on_outcome(&req, status(204, ""), 2, 0);
    apply(&mut outbox, &effects);
    assert!(outbox.is_empty());
    assert_eq!(policy.next_request(&outbox, 3), None);
}

#[test]
fn a_200_that_is_not_a_list_of_ids_is_not_an_ack() {
    let outbox = pending(3);
    let mut policy = SyncPolicy::new(config());
    for body in [
        r#"{"inserted":1,"errors":[{"index":2,"reason":"x"}]}"#,
        "<html>Welcome to the hotel wifi</html>",
        "",
    ] {
        let req = policy.next_request(&outbox, u64::MAX / 2).expect("batch");
        let effects = policy.on_outcome(&req, status(200, body), 0, 0);
        assert!(
            matches!(effects.as_slice(), [Effect::WaitUntil(_)]),
            "{body}"
        );
        policy.retry_now();
    }
}

#[test]
fn a_partial_success_report_acks_what_it_lists_and_probes_the_rest() {
    let mut outbox = pending(3);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    let report = r#"{"inserted":1,"rejected":1,"ids":["id-0"],"errors":[{"index":2,"reason":"missing verb"}]}"#;
    let effects = policy.on_outcome(&req, status(200, report), 0, 0);
    assert_eq!(effects, vec![Effect::Acked(vec!["id-0".into()])]);
    apply(&mut outbox, &effects);
    let put = policy.next_request(&outbox, 0).expect("probe");
    assert_eq!(ids(&put), vec!["id-1"]);
    apply(&mut outbox, &policy.on_outcome(&put, status(204, ""), 0, 0));
    let put = policy.next_request(&outbox, 0).expect("probe");
    assert_eq!(ids(&put), vec!["id-2"]);
    let effects = policy.on_outcome(&put, status(422, r#"{"detail":"missing verb"}"#), 0, 0);
    assert_eq!(
        apply(&mut outbox, &effects),
        vec![("id-2".into(), 422, "missing verb".into())]
    );
    assert!(outbox.is_empty());
}

#[test]
fn duplicate_ids_never_share_a_batch() {
    let mut outbox = pending(3);
    outbox.insert(1, outbox[0].clone());
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    assert_eq!(ids(&req), vec!["id-0", "id-1", "id-2"]);
}

#[test]
fn network_error_and_5xx_retry_the_same_statements_after_a_backoff() {
    let outbox = pending(3);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    let effects = policy.on_outcome(&req, Outcome::Network("timeout".into()), 100, 7);
    let [Effect::WaitUntil(t)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!((600..=1_100).contains(t), "{t}");
    assert_eq!(policy.next_wake(), Some(*t));
    assert_eq!(policy.next_request(&outbox, t - 1), None);
    let again = policy.next_request(&outbox, *t).expect("retry");
    assert_eq!(again, req);
    let effects = policy.on_outcome(&again, status(500, "Internal Server Error"), *t, 7);
    assert!(matches!(effects.as_slice(), [Effect::WaitUntil(_)]));
    assert_eq!(policy.failures(), 2);
    assert_eq!(policy.last_error(), Some("Internal Server Error"));
}

#[test]
fn retry_after_is_honoured_on_429_and_503_even_by_sync_now() {
    for code in [429, 503] {
        let outbox = pending(2);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        let outcome = Outcome::Status {
            code,
            retry_after_s: Some(30),
            body: String::new(),
        };
        assert_eq!(
            policy.on_outcome(&req, outcome, 1_000, 0),
            vec![Effect::WaitUntil(31_000)]
        );
        policy.retry_now();
        assert_eq!(policy.next_request(&outbox, 30_999), None);
        assert!(policy.next_request(&outbox, 31_000).is_some());
    }
}

#[test]
fn sync_now_cancels_the_backoff() {
    let outbox = pending(1);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    policy.on_outcome(&req, Outcome::Network("offline".into()), 0, 0);
    assert_eq!(policy.next_request(&outbox, 1), None);
    policy.retry_now();
    assert!(policy.next_request(&outbox, 1).is_some());
}

#[test]
fn a_413_halves_the_batch_and_rejects_a_lone_statement() {
    let mut outbox = pending(8);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    assert_eq!(req.ids().len(), 8);
    let sent_bytes = req.body().len();
    assert!(policy.on_outcome(&req, status(413, ""), 0, 0).is_empty());
    assert_eq!(policy.batch_limits(), (4, sent_bytes / 2 + 1));
    let req = policy.next_request(&outbox, 0).expect("at once");
    assert_eq!(req.ids().len(), 4);
    policy.on_outcome(&req, status(413, ""), 0, 0);
    let req = policy.next_request(&outbox, 0).expect("at once");
    assert_eq!(req.ids().len(), 2);
    policy.on_outcome(&req, status(413, ""), 0, 0);
    let req = policy.next_request(&outbox, 0).expect("at once");
    assert_eq!(ids(&req), vec!["id-0"]);
    let effects = policy.on_outcome(&req, status(413, ""), 0, 0);
    assert_eq!(
        apply(&mut outbox, &effects),
        vec![(
            "id-0".into(),
            413,
            "the statement is too large for the LRS".into()
        )]
    );
    let req = policy.next_request(&outbox, 0).expect("next");
    assert_eq!(ids(&req), vec!["id-1"]);
}

#[test]
fn a_batch_409_is_probed_one_put_at_a_time_and_only_the_culprit_rejected() {
    let mut outbox = pending(3);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    let conflict = r#"{"detail":"Differing statements already exist with the same ID: id-1"}"#;
    assert!(policy
        .on_outcome(&req, status(409, conflict), 0, 0)
        .is_empty());
    let mut rejected = Vec::new();
    for (expected, code) in [("id-0", 204), ("id-1", 409), ("id-2", 204)] {
        let req = policy.next_request(&outbox, 0).expect("probe");
        assert_eq!(req.method(), "PUT");
        assert_eq!(ids(&req), vec![expected]);
        assert_eq!(
            req.url("http://lrs/xAPI"),
            format!("http://lrs/xAPI/statements?statementId={expected}")
        );
        let effects = policy.on_outcome(&req, status(code, conflict), 0, 0);
        rejected.extend(apply(&mut outbox, &effects));
    }
    assert!(outbox.is_empty());
    assert_eq!(
        rejected,
        vec![(
            "id-1".into(),
            409,
            "Differing statements already exist with the same ID: id-1".into()
        )]
    );
}

#[test]
fn other_4xx_on_a_batch_probes_then_rejects_only_the_culprit() {
    let mut outbox = pending(4);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    let invalid = r#"{"detail":[{"type":"missing","loc":["body",2,"verb"],"msg":"Field required","input":{}}]}"#;
    assert!(policy
        .on_outcome(&req, status(422, invalid), 0, 0)
        .is_empty());
    let mut rejected = Vec::new();
    while let Some(req) = policy.next_request(&outbox, 0) {
        let code = if req.ids()[0] == "id-2" { 422 } else { 204 };
        let effects = policy.on_outcome(&req, status(code, invalid), 0, 0);
        rejected.extend(apply(&mut outbox, &effects));
    }
    assert!(outbox.is_empty());
    assert_eq!(
        rejected,
        vec![("id-2".into(), 422, "body.2.verb: Field required".into())]
    );
    // A lone statement refused with any other 4xx is rejected at once.
    let outbox = pending(1);
    let req = policy.next_request(&outbox, 0).expect("single");
    let effects = policy.on_outcome(&req, status(400, "Bad Request"), 0, 0);
    assert_eq!(
        effects,
        vec![Effect::Rejected {
            id: "id-0".into(),
            status: 400,
            reason: "Bad Request".into()
        }]
    );
}

// Guards a wrong endpoint or an account without write rights emptying the outbox into
// "rejected": 403 and 404 stop sync with a configuration error and reject nothing, on a
// batch and on a lone statement, until "Sync now" or a new sign-in.
#[test]
fn a_403_or_404_is_a_configuration_error_never_a_rejection() {
    for (n, code) in [(5, 404), (1, 404), (5, 403), (1, 403)] {
        let mut outbox = pending(n);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("request");
        let effects = policy.on_outcome(&req, status(code, r#"{"detail":"Not Found"}"#), 0, 0);
        assert_eq!(
            effects,
            vec![Effect::Misconfigured {
                status: code,
                reason: "Not Found".into()
            }],
            "{n} statements, {code}"
        );
        assert!(apply(&mut outbox, &effects).is_empty());
        assert_eq!(outbox.len(), n, "nothing leaves the outbox");
        assert_eq!(policy.misconfigured(), Some((code, "Not Found")));
        assert_eq!(policy.next_request(&outbox, 10_000_000), None);
        assert_eq!(policy.next_wake(), None, "no timer retries a wrong address");
        policy.retry_now();
        assert_eq!(policy.next_request(&outbox, 0), Some(req.clone()));
        policy.on_outcome(&req, status(code, ""), 0, 0);
        policy.signed_in();
        assert_eq!(policy.misconfigured(), None);
        assert_eq!(policy.next_request(&outbox, 0), Some(req));
    }
}

// Guards a sync that stalls for good when the app's outbox write fails: the statements
// the LRS acknowledged stay in the outbox and go again after a backoff, not never.
#[test]
fn a_failed_save_sends_the_same_statements_again_after_a_backoff() {
    let outbox = pending(3);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    let effects = policy.on_outcome(&req, status(204, ""), 10, 0);
    assert_eq!(effects, vec![Effect::Acked(req.ids().to_vec())]);
    // ... but the app could not delete them: they are still in its outbox.
    let effects = policy.apply_failed("storage error".into(), 10, 0);
    let [Effect::WaitUntil(t)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!((510..=1_010).contains(t), "{t}");
    assert_eq!(policy.last_error(), Some("storage error"));
    assert_eq!(policy.next_request(&outbox, t - 1), None);
    assert_eq!(policy.next_request(&outbox, *t), Some(req));
}

#[test]
fn a_401_stops_everything_and_keeps_everything_until_sign_in() {
    let outbox = pending(5);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    let effects = policy.on_outcome(
        &req,
        status(401, r#"{"detail":"Invalid authentication credentials"}"#),
        0,
        0,
    );
    assert_eq!(effects, vec![Effect::AuthRequired]);
    assert!(policy.auth_required());
    assert_eq!(policy.next_wake(), None);
    assert_eq!(policy.next_request(&outbox, 1_000_000), None);
    policy.retry_now();
    assert_eq!(policy.next_request(&outbox, 1_000_000), None);
    policy.signed_in();
    assert_eq!(policy.next_request(&outbox, 1_000_000), Some(req));
}

#[test]
fn a_401_during_a_probe_keeps_the_probe() {
    let outbox = pending(3);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    policy.on_outcome(&req, status(409, ""), 0, 0);
    let put = policy.next_request(&outbox, 0).expect("probe");
    assert_eq!(
        policy.on_outcome(&put, status(401, ""), 0, 0),
        vec![Effect::AuthRequired]
    );
    policy.signed_in();
    assert_eq!(policy.next_request(&outbox, 0), Some(put));
}

#[test]
fn a_statement_that_keeps_failing_does_not_block_the_others() {
    // The LRS fails (500, seen as a network error) on any request carrying "id-1".
    let mut outbox = pending(6);
    let mut policy = SyncPolicy::new(SyncConfig {
        max_batch: 3,
        ..config()
    });
    let mut now = 0;
    let mut acked = Vec::new();
    let mut sent = 0;
    let mut sent_when_all_others_acked = None;
    while sent < 40 {
        let Some(req) = policy.next_request(&outbox, now) else {
            now = policy.next_wake().expect("waiting");
            continue;
        };
        sent += 1;
        let outcome = if req.ids().iter().any(|id| id == "id-1") {
            Outcome::Network("TypeError: Failed to fetch".into())
        } else {
            status(204, "")
        };
        let effects = policy.on_outcome(&req, outcome, now, 0);
        for effect in &effects {
            if let Effect::Acked(ids) = effect {
                acked.extend(ids.iter().cloned());
            }
        }
        apply(&mut outbox, &effects);
        if acked.len() == 5 && sent_when_all_others_acked.is_none() {
            sent_when_all_others_acked = Some(sent);
        }
    }
    // [0,1,2] fails 3 times, PUT 0, PUT 1 (fails: held), PUT 2, [3,4,5]: the poison
    // statement cost the others 4 requests and is not tried again before them.
    assert_eq!(sent_when_all_others_acked, Some(7));
    acked.sort();
    assert_eq!(acked, vec!["id-0", "id-2", "id-3", "id-4", "id-5"]);
    // Never dropped: still in the outbox, still retried.
    assert_eq!(outbox, pending(2)[1..].to_vec());
}

// Guards an anonymous record sent with the learner's own statements or right next to
// them: it waits for its drawn delay and for a quiet time after any other request, and
// records go one at a time.
#[test]
fn anonymous_records_wait_for_their_delay_and_a_quiet_time() {
    assert_eq!(anonymous_send_after(1_000, (60_000, 60_000), 12345), 61_000);
    for rand in [0, 1, 7, u64::MAX] {
        let t = anonymous_send_after(1_000, (60_000, 600_000), rand);
        assert!((61_000..=601_000).contains(&t), "{t}");
    }
    assert_eq!(anonymous_step(&[], 5, 0, 10), AnonymousStep::Idle);
    let records = [("b", 5_000), ("a", 9_000), ("c", 5_000)];
    // before any record is due
    assert_eq!(
        anonymous_step(&records, 4_000, 0, 1_000),
        AnonymousStep::WaitUntil(5_000)
    );
    // due, and nothing was sent for a while: the first due, ties by id
    assert_eq!(
        anonymous_step(&records, 5_000, 0, 1_000),
        AnonymousStep::Send("b")
    );
    // due, but the learner's statements just went: wait for the quiet time
    assert_eq!(
        anonymous_step(&records, 6_000, 5_500, 1_000),
        AnonymousStep::WaitUntil(6_500)
    );
    assert_eq!(
        anonymous_step(&records, 6_500, 5_500, 1_000),
        AnonymousStep::Send("b")
    );
}

#[test]
fn reasons_are_plain_and_short() {
    assert_eq!(
        lrs_reason(
            409,
            r#"{"detail":"A different statement already exists with the same ID"}"#
        ),
        "A different statement already exists with the same ID"
    );
    assert_eq!(
        lrs_reason(
            422,
            r#"{"detail":[{"loc":["body","verb"],"msg":"Field required"},{"loc":["body","id"],"msg":"Input should be a valid UUID"}]}"#
        ),
        "body.verb: Field required; body.id: Input should be a valid UUID"
    );
    assert_eq!(lrs_reason(400, r#"{"message":"bad"}"#), "bad");
    assert_eq!(lrs_reason(404, ""), "the LRS answered 404 Not Found");
    let long = "é".repeat(500);
    let reason = lrs_reason(400, &long);
    assert_eq!(reason.chars().count(), 201);
    assert!(reason.ends_with('…'));
}

#[test]
fn retry_after_values() {
    assert_eq!(parse_retry_after(" 120 ", 0), Some(120));
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 0),
        Some(784_111_777)
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777_000 - 1_500),
        Some(2)
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", u64::MAX),
        Some(0)
    );
    assert_eq!(parse_retry_after("soon", 0), None);
    assert_eq!(parse_retry_after("-5", 0), None);
}

#[test]
fn a_fresh_policy_resumes_from_the_outbox_alone() {
    let outbox = pending(3);
    let mut policy = SyncPolicy::new(config());
    let req = policy.next_request(&outbox, 0).expect("batch");
    policy.on_outcome(&req, status(409, ""), 0, 0);
    // The page reloads: the probe queue is gone, the same batch goes again.
    let mut fresh = SyncPolicy::new(config());
    assert_eq!(fresh.next_request(&outbox, 0), Some(req));
}

proptest! {
    #[test]
    fn batches_respect_count_and_bytes(
        sizes in proptest::collection::vec(0usize..400, 1..60),
        max_batch in 1usize..30,
        max_bytes in 1usize..3_000,
    ) {
        let outbox: Vec<Pending> = sizes
            .iter()
            .enumerate()
            .map(|(i, n)| Pending {
                id: format!("s{i}"),
                body: format!(r#"{{"id":"s{i}","pad":"{}"}}"#, "x".repeat(*n)),
            })
            .collect();
        let mut policy = SyncPolicy::new(SyncConfig { max_batch, max_bytes, ..config() });
        let mut rest = outbox.clone();
        while let Some(req) = policy.next_request(&rest, 0) {
            let n = req.ids().len();
            prop_assert!(n >= 1 && n <= max_batch);
            prop_assert!(n == 1 || req.body().len() <= max_bytes);
            // The oldest statements, in order, and a body made of exactly them.
            let head: Vec<&str> = rest[..n].iter().map(|p| p.id.as_str()).collect();
            prop_assert_eq!(ids(&req), head);
            let (parsed, array_len): (Vec<Value>, usize) = match &req {
                Request::Post { body, .. } => {
                    (serde_json::from_str(body).expect("JSON"), body.len())
                }
                Request::Put { body, .. } => {
                    (vec![serde_json::from_str(body).expect("JSON")], body.len() + 2)
                }
            };
            prop_assert_eq!(parsed.len(), n);
            for (value, p) in parsed.iter().zip(&rest) {
                let expected: Value = serde_json::from_str(&p.body).expect("JSON");
                prop_assert_eq!(value, &expected);
            }
            // Maximal: the next statement would not have fitted.
            if let Some(next) = rest.get(n) {
                prop_assert!(n == max_batch || array_len + 1 + next.body.len() > max_bytes);
            }
            let effects = policy.on_outcome(&req, status(204, ""), 0, 0);
            apply(&mut rest, &effects);
        }
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered_within_bounds(
        base in 1u64..5_000,
        max_factor in 1u64..1_000,
        rands in proptest::collection::vec(any::<u64>(), 1..80),
    ) {
        let max = base * max_factor;
        let outbox = pending(1);
        let mut policy = SyncPolicy::new(SyncConfig {
            base_backoff_ms: base,
            max_backoff_ms: max,
            ..config()
        });
        let mut now = 0u64;
        for (i, rand) in rands.iter().enumerate() {
            let req = policy.next_request(&outbox, now).expect("due");
            let effects = policy.on_outcome(&req, Outcome::Network("x".into()), now, *rand);
            let [Effect::WaitUntil(t)] = effects.as_slice() else {
                panic!("{effects:?}")
            };
            let ceiling = base.saturating_mul(1u64 << i.min(40)).min(max);
            let wait = t - now;
            prop_assert!(wait >= ceiling / 2 && wait <= ceiling, "{wait} vs {ceiling}");
            prop_assert!(wait <= max);
            prop_assert_eq!(policy.next_request(&outbox, t - 1), None);
            now = *t;
        }
    }
}
