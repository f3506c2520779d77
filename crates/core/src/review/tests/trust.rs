//! The trust checks on the fixture class: statements posted as someone else, without an
//! authority or for an unknown content version are set aside with their reason; results a
//! device claims are recomputed from the responses and the content, the differences listed,
//! and every figure equals the one the honest statements give.
//!
//! Hand count of the fixture module (pass mark 3 of 5; keys q1 a, q2 true, q3 a+c, q4 b,
//! q5 x,y,z): E answers q1 `b` (wrong) and scores 2/5 (q2, q4), failed; F scores 2/5 (q2,
//! q4), failed. Scenario: An's attempt 2 is b (gt −1) at start, then d (pl −2) → `bad`.

use serde_json::Value;

use crate::model::ContentKind;

use super::*;

const REG: &str = "00000000-0000-4000-8000-";

fn reg(n: u32) -> String {
    format!("{REG}{n:012}")
}

fn verb(name: &str) -> String {
    format!("http://adlnet.gov/expapi/verbs/{name}")
}

fn ext(name: &str) -> String {
    format!("{BASE}/extensions/{name}")
}

/// The fixture's statements as an LRS page's values, to tamper with.
fn values() -> (Fixture, Vec<Value>) {
    let f = fixture();
    let page: Value = serde_json::from_str(&f.json).expect("page");
    let list = page["statements"].as_array().expect("statements").clone();
    (f, list)
}

fn build(values: &[Value], filter: &Filter) -> Class {
    let json = serde_json::to_string(values).expect("json");
    let page = parse_page(&json).expect("page");
    Class::build(&page.statements, BASE, filter, &versions())
}

fn registration(v: &Value) -> &str {
    v["context"]["registration"].as_str().unwrap_or("")
}

/// The one statement of registration `n` with this verb on an object ending in `object`.
fn find<'a>(values: &'a mut [Value], n: u32, name: &str, object: &str) -> &'a mut Value {
    let (r, v) = (reg(n), verb(name));
    let mut found = values.iter_mut().filter(|x| {
        registration(x) == r
            && x["verb"]["id"] == v.as_str()
            && x["object"]["id"]
                .as_str()
                .is_some_and(|o| o.ends_with(object))
    });
    let one = found.next().expect("statement");
    assert!(found.next().is_none(), "one statement only");
    one
}

/// A new statement id (derived from another's: same shape, other first group).
fn new_id(v: &Value, first: &str) -> String {
    let id = v["id"].as_str().expect("id");
    format!("{first}{}", &id[8..])
}

fn reasons(c: &Class) -> Vec<(SetAsideReason, usize)> {
    c.trust
        .by_reason()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// (learner, part, field, claimed, recomputed) of each claim.
fn claims(c: &Class) -> Vec<(String, Option<String>, ClaimField, ClaimValue, ClaimValue)> {
    c.trust
        .claims
        .iter()
        .map(|x| {
            (
                x.account.name.clone(),
                x.part.clone(),
                x.field,
                x.claimed.clone(),
                x.recomputed.clone(),
            )
        })
        .collect()
}

// Guards identity: An's account posting his own good attempt again as Bình (authority An,
// actor Bình) has every one of those statements set aside, and Bình's and the class's
// figures are those of the honest statements.
#[test]
fn forged_actor_is_set_aside() {
    let (f, honest) = values();
    let mut forged = honest.clone();
    let copy: Vec<Value> = honest
        .iter()
        .filter(|v| registration(v) == reg(1))
        .map(|v| {
            let mut v = v.clone();
            v["id"] = json!(new_id(&v, "ffffffff"));
            v["context"]["registration"] = json!(reg(99));
            v["actor"]["account"]["name"] = json!("binh");
            v["actor"]["name"] = json!("Trần Thị Bình");
            v
        })
        .collect();
    // launched, initialized, 2 answered, completed, terminated, and the fixture's repeat of
    // its first statement (an overlapping page), counted once
    assert_eq!(copy.len(), 7);
    forged.extend(copy);
    let (a, b) = (build(&honest, &k1()), build(&forged, &k1()));
    assert_eq!(reasons(&b), [(SetAsideReason::AuthorityNotActor, 6)]);
    assert!(b.trust.set_aside.iter().all(|s| s.actor.name == "binh"));
    assert_eq!(
        scenario_review(&b, &f.scenario),
        scenario_review(&a, &f.scenario)
    );
    assert_eq!(b.learners, a.learners);
    assert_eq!(b.used, a.used);
}

// Guards "no authority, no trust": statements an LRS returns without `authority` (another
// LRS, an import) are set aside and counted, never read as the actor's.
#[test]
fn missing_authority_is_set_aside() {
    let (f, honest) = values();
    let mut stripped = honest.clone();
    for v in stripped.iter_mut().filter(|v| registration(v) == reg(7)) {
        v.as_object_mut().expect("object").remove("authority");
    }
    let without: Vec<Value> = honest
        .iter()
        .filter(|v| registration(v) != reg(7))
        .cloned()
        .collect();
    let all = Filter::default();
    let (a, b) = (build(&without, &all), build(&stripped, &all));
    assert_eq!(reasons(&b), [(SetAsideReason::NoAuthority, 6)]);
    assert!(b
        .learner(&Account::new("https://lrs.example", "dung"))
        .is_none());
    assert_eq!(
        scenario_review(&b, &f.scenario),
        scenario_review(&a, &f.scenario)
    );
}

// Guards recomputed answers: E's wrong answer to q1 (`b`) claiming `success: true` and 1
// point is listed (success yes → no, score 1/1 → 0/1) and counted as one statement, and the
// item analysis equals the honest one.
#[test]
fn false_success_is_recomputed_and_listed() {
    let (f, honest) = values();
    let mut forged = honest.clone();
    let q1 = find(&mut forged, 107, "answered", "/items/q1");
    assert_eq!(q1["result"]["response"], "b");
    q1["result"]["success"] = json!(true);
    q1["result"]["score"] = json!({"raw": 1, "max": 1, "scaled": 1.0});
    let (a, b) = (build(&honest, &k1()), build(&forged, &k1()));
    assert_eq!(item_analysis(&b, &f.module), item_analysis(&a, &f.module));
    assert_eq!(reasons(&b), []);
    let score = |raw: f64| ClaimValue::Score {
        raw: Some(raw),
        max: Some(1.0),
    };
    assert_eq!(
        claims(&b),
        [
            (
                "hv-E".to_owned(),
                Some("q1".to_owned()),
                ClaimField::Success,
                ClaimValue::Bool(true),
                ClaimValue::Bool(false)
            ),
            (
                "hv-E".to_owned(),
                Some("q1".to_owned()),
                ClaimField::Score,
                score(1.0),
                score(0.0)
            ),
        ]
    );
    assert_eq!(b.trust.claiming_statements(), 1);
    // the trainer's tables: the count, and the claims as the screen and the CSV show them
    let t = b.trust.tables(&b, &Labels::builtin(Lang::En));
    assert_eq!(
        t[0].rows,
        [
            ["Statements set aside (not in the figures)", "0"],
            ["Statements whose claimed result differs", "1"]
        ]
    );
    assert_eq!(t[1].rows.len(), 4);
    assert_eq!(
        t[2].rows
            .iter()
            .map(|r| r[..7].to_vec())
            .collect::<Vec<_>>(),
        [
            ["hv-E", "E", "m", "q1", "Success", "Yes", "No"],
            ["hv-E", "E", "m", "q1", "Score", "1/1", "0/1"]
        ]
    );
}

// Guards recomputed scores and verdicts: F's failed check (2 of 5, pass mark 3) posted as
// `passed` with 5/5 is listed (score 5/5 → 2/5, passed yes → no), the attempt counts as
// failed with 2 points, and the module's figures equal the honest ones.
#[test]
fn false_score_and_verdict_are_recomputed() {
    let (f, honest) = values();
    let mut forged = honest.clone();
    let verdict = find(&mut forged, 108, "failed", "/modules/m");
    assert_eq!(verdict["result"]["score"]["raw"], 2);
    verdict["verb"]["id"] = json!(verb("passed"));
    verdict["result"]["success"] = json!(true);
    verdict["result"]["score"] = json!({"raw": 5, "max": 5, "scaled": 1.0});
    let (a, b) = (build(&honest, &k1()), build(&forged, &k1()));
    assert_eq!(item_analysis(&b, &f.module), item_analysis(&a, &f.module));
    assert_eq!(pre_post(&b, "m"), pre_post(&a, "m"));
    let fifth = |raw: f64| ClaimValue::Score {
        raw: Some(raw),
        max: Some(5.0),
    };
    assert_eq!(
        claims(&b),
        [
            (
                "hv-F".to_owned(),
                None,
                ClaimField::Score,
                fifth(5.0),
                fifth(2.0)
            ),
            (
                "hv-F".to_owned(),
                None,
                ClaimField::Verdict,
                ClaimValue::Bool(true),
                ClaimValue::Bool(false)
            ),
        ]
    );
    let attempt = b
        .attempts
        .iter()
        .find(|x| x.registration == reg(108))
        .expect("F");
    let finish = attempt.finish.as_ref().expect("finished");
    assert_eq!(
        (finish.passed, finish.score_raw, finish.score_max),
        (Some(false), Some(2.0), Some(5.0))
    );
}

// Guards the content version: an attempt for a version the review does not have (Châu's
// second attempt relabelled `v0`), and a statement naming no version, are set aside with
// that reason, never scored against another version's keys.
#[test]
fn unknown_version_is_set_aside() {
    let (f, honest) = values();
    let mut forged = honest.clone();
    for v in forged.iter_mut().filter(|v| registration(v) == reg(6)) {
        v["context"]["revision"] = json!("v0");
    }
    find(&mut forged, 5, "terminated", "/scenarios/s")["context"]
        .as_object_mut()
        .expect("context")
        .remove("revision");
    let without: Vec<Value> = honest
        .iter()
        .filter(|v| {
            registration(v) != reg(6)
                && !(registration(v) == reg(5) && v["verb"]["id"] == verb("terminated").as_str())
        })
        .cloned()
        .collect();
    let (a, b) = (build(&without, &k1()), build(&forged, &k1()));
    assert_eq!(reasons(&b), [(SetAsideReason::UnknownVersion, 7)]);
    assert_eq!(
        scenario_review(&b, &f.scenario),
        scenario_review(&a, &f.scenario)
    );
}

// Guards recomputed scenario results: An's bad attempt (b, d) claiming success and +2 for
// `b`, and the good ending with its scores, is listed field by field and counted as his bad
// attempt in every figure.
#[test]
fn false_choice_and_ending_are_recomputed() {
    let (f, honest) = values();
    let mut forged = honest.clone();
    let b_choice = find(&mut forged, 2, "answered", "/nodes/start");
    b_choice["result"]["success"] = json!(true);
    b_choice["result"]["extensions"][ext("competency-deltas")] = json!({"gt": 2});
    let done = find(&mut forged, 2, "completed", "/scenarios/s");
    let r = &mut done["result"]["extensions"];
    r[ext("ending")] = json!("good");
    r[ext("ending-kind")] = json!("good");
    r[ext("competency-scores")] = json!({"gt": 2, "pl": 1});
    let (a, b) = (build(&honest, &k1()), build(&forged, &k1()));
    assert_eq!(
        scenario_review(&b, &f.scenario),
        scenario_review(&a, &f.scenario)
    );
    let an = Account::new("https://lrs.example", "an");
    assert_eq!(
        learner_review(&b, &an, &f.scenario),
        learner_review(&a, &an, &f.scenario)
    );
    let nums = |v: &[(&str, f64)]| {
        ClaimValue::Numbers(v.iter().map(|(k, x)| ((*k).to_owned(), *x)).collect())
    };
    let start = Some("start".to_owned());
    assert_eq!(
        claims(&b),
        [
            (
                "an".to_owned(),
                start.clone(),
                ClaimField::Success,
                ClaimValue::Bool(true),
                ClaimValue::Bool(false)
            ),
            (
                "an".to_owned(),
                start,
                ClaimField::Deltas,
                nums(&[("gt", 2.0)]),
                nums(&[("gt", -1.0)])
            ),
            (
                "an".to_owned(),
                None,
                ClaimField::Ending,
                ClaimValue::Text("good".into()),
                ClaimValue::Text("bad".into())
            ),
            (
                "an".to_owned(),
                None,
                ClaimField::EndingKind,
                ClaimValue::Kind(EndingKind::Good),
                ClaimValue::Kind(EndingKind::Bad)
            ),
            (
                "an".to_owned(),
                None,
                ClaimField::CompetencyScores,
                nums(&[("gt", 2.0), ("pl", 1.0)]),
                nums(&[("gt", -1.0), ("pl", -2.0)])
            ),
        ]
    );
    assert_eq!(b.trust.claiming_statements(), 2);
}

// Guards "does not fit": a second answer to an item already answered in the attempt, an
// answer to an item the version lacks, and a choice made after the attempt ended are set
// aside (the engine allows none of them), and the figures do not move.
#[test]
fn statements_that_do_not_fit_are_set_aside() {
    let (f, honest) = values();
    let mut forged = honest.clone();
    let again = {
        let q1 = find(&mut forged, 104, "answered", "/items/q1");
        let mut v = q1.clone();
        v["id"] = json!(new_id(q1, "eeeeeeee"));
        v["context"]["extensions"][ext("event-seq")] = json!(90);
        v["result"]["response"] = json!("b");
        v
    };
    let mut unknown = again.clone();
    unknown["id"] = json!(new_id(&again, "dddddddd"));
    unknown["object"]["id"] = json!(format!("{BASE}/modules/m/items/q9"));
    let late = {
        let mid = find(&mut forged, 1, "answered", "/nodes/mid");
        let mut v = mid.clone();
        v["id"] = json!(new_id(mid, "cccccccc"));
        v["context"]["extensions"][ext("event-seq")] = json!(90);
        v
    };
    forged.extend([again, unknown, late]);
    let (a, b) = (build(&honest, &k1()), build(&forged, &k1()));
    assert_eq!(reasons(&b), [(SetAsideReason::DoesNotFit, 3)]);
    assert_eq!(claims(&b), []);
    assert_eq!(item_analysis(&b, &f.module), item_analysis(&a, &f.module));
    assert_eq!(
        scenario_review(&b, &f.scenario),
        scenario_review(&a, &f.scenario)
    );
    assert_eq!(b.used, a.used);
}

// Guards completion: a `completed` claiming an ending that the attempt's choices never
// reached (Bình stopped at `mid`) is listed, and the attempt stays unfinished.
#[test]
fn unearned_completion_is_listed() {
    let (f, honest) = values();
    let mut forged = honest.clone();
    let mut done = find(&mut forged, 1, "completed", "/scenarios/s").clone();
    done["id"] = json!(new_id(&done, "bbbbbbbb"));
    done["context"]["registration"] = json!(reg(4));
    done["actor"]["account"]["name"] = json!("binh");
    done["actor"]["name"] = json!("Trần Thị Bình");
    done["authority"]["account"]["name"] = json!("binh");
    forged.push(done);
    let (a, b) = (build(&honest, &k1()), build(&forged, &k1()));
    assert_eq!(
        scenario_review(&b, &f.scenario),
        scenario_review(&a, &f.scenario)
    );
    assert_eq!(
        claims(&b),
        [(
            "binh".to_owned(),
            None,
            ClaimField::Completion,
            ClaimValue::Bool(true),
            ClaimValue::Bool(false)
        )]
    );
}

// Guards voiding: a learner can void their own statement, never another learner's.
#[test]
fn only_the_learner_voids_their_statements() {
    let (f, honest) = values();
    let mut copy = honest.clone();
    let target = find(&mut copy, 1, "completed", "/scenarios/s")["id"].clone();
    let voiding = |who: &str, id: &str| {
        json!({"id": id,
            "actor": {"account": {"homePage": "https://lrs.example", "name": who}},
            "authority": {"account": {"homePage": "https://lrs.example", "name": who}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": target},
            "timestamp": "2026-12-01T00:00:00Z"})
    };
    let mut by_other = honest.clone();
    by_other.push(voiding("binh", "0b000000-0000-4000-8000-000000000001"));
    let a = build(&honest, &k1());
    let b = build(&by_other, &k1());
    assert_eq!(
        scenario_review(&b, &f.scenario),
        scenario_review(&a, &f.scenario)
    );
    assert_eq!(b.skipped.voided, 1); // the voiding statement itself
    let mut by_self = honest.clone();
    by_self.push(voiding("an", "0b000000-0000-4000-8000-000000000002"));
    let c = build(&by_self, &k1());
    assert_eq!(c.skipped.voided, 2);
    assert_eq!(
        scenario_review(&c, &f.scenario).completed,
        scenario_review(&a, &f.scenario).completed - 1
    );
}

fn statement(actor: Value, authority: Option<Value>) -> Statement {
    let mut v = json!({"id": "0c000000-0000-4000-8000-000000000001", "actor": actor,
        "verb": {"id": "x"}, "object": {"id": "o"}, "timestamp": "2026-12-01T00:00:00Z"});
    if let Some(a) = authority {
        v["authority"] = a;
    }
    parse_statement(&v.to_string()).expect("statement")
}

// Guards the identity rule itself: an account agent, an mbox and a group authority (an
// OAuth application with its user) vouch only for the actor they name; an anonymous
// evaluation's actor is vouched for by an account of the same portal, not of another.
#[test]
fn who_vouches() {
    let account = |home: &str, name: &str| json!({"account": {"homePage": home, "name": name}});
    let an = account("https://lrs.example", "an");
    let ok = statement(an.clone(), Some(an.clone()));
    assert_eq!(vouched(&ok), Ok(()));
    let other = statement(an.clone(), Some(account("https://lrs.example", "binh")));
    assert_eq!(vouched(&other), Err(SetAsideReason::AuthorityNotActor));
    let same_name_elsewhere = statement(an.clone(), Some(account("https://x.example", "an")));
    assert_eq!(
        vouched(&same_name_elsewhere),
        Err(SetAsideReason::AuthorityNotActor)
    );
    assert_eq!(
        vouched(&statement(an.clone(), None)),
        Err(SetAsideReason::NoAuthority)
    );
    assert_eq!(
        vouched(&statement(an.clone(), Some(json!("an")))),
        Err(SetAsideReason::NoAuthority)
    );
    let mbox = json!({"mbox": "mailto:an@b.example"});
    assert_eq!(vouched(&statement(mbox.clone(), Some(mbox))), Ok(()));
    let group = json!({"objectType": "Group", "member": [
        account("https://app.example", "portal-app"), an.clone()]});
    assert_eq!(vouched(&statement(an.clone(), Some(group))), Ok(()));

    let reg = "0d000000-0000-4000-8000-000000000001";
    let anon = account("https://lrs.example", reg);
    let posted = statement(anon.clone(), Some(an));
    assert_eq!(vouched(&posted), Err(SetAsideReason::AuthorityNotActor));
    assert_eq!(vouched_anonymous(&posted, reg), Ok(()));
    let foreign = statement(anon, Some(account("https://x.example", "an")));
    assert_eq!(
        vouched_anonymous(&foreign, reg),
        Err(SetAsideReason::AuthorityNotActor)
    );
    // a named actor is no anonymous evaluation
    let mut named = posted.clone();
    named.actor_name = Some("An".into());
    assert_eq!(
        vouched_anonymous(&named, reg),
        Err(SetAsideReason::AuthorityNotActor)
    );
}

// Guards the response parser that recomputes success: each item kind, a response the item
// does not accept (unknown option, wrong length) is wrong, never right.
#[test]
fn responses_are_scored_from_the_keys() {
    let m = module();
    let q = |id: &str| m.check.items.iter().find(|i| i.id == id).expect("item");
    assert!(is_right(q("q1"), Some("a")));
    assert!(!is_right(q("q1"), Some("b")));
    assert!(!is_right(q("q1"), Some("zz")));
    assert!(is_right(q("q2"), Some("true")));
    assert!(!is_right(q("q2"), Some("TRUE")));
    assert!(is_right(q("q3"), Some("c[,]a")));
    assert!(!is_right(q("q3"), Some("a")));
    assert!(!is_right(q("q3"), Some("a[,]c[,]zz")));
    assert!(is_right(q("q5"), Some("x[,]y[,]z")));
    assert!(!is_right(q("q5"), Some("y[,]x[,]z")));
    assert!(!is_right(q("q5"), Some("x[,]y")));
    assert!(!is_right(q("q1"), None));
    assert_eq!(
        parse_response(q("q3"), "a[,]c"),
        Some(Answer::Multiple(vec!["a".into(), "c".into()]))
    );
}

// Guards what the app fetches before building: every (content, version) the module and
// scenario statements name, once, and nothing for other tools' statements.
#[test]
fn versions_named_by_the_statements() {
    let (_, mut honest) = values();
    for v in honest.iter_mut().filter(|v| registration(v) == reg(6)) {
        v["context"]["revision"] = json!("v0");
    }
    let page = parse_page(&serde_json::to_string(&honest).expect("json")).expect("page");
    let named: Vec<(ContentKind, String, String)> =
        versions_named(&page.statements, &format!("{BASE}/"))
            .into_iter()
            .map(|(c, v)| (c.kind, c.id, v))
            .collect();
    let one = |k: ContentKind, id: &str, v: &str| (k, id.to_owned(), v.to_owned());
    assert_eq!(
        named,
        [
            one(ContentKind::Module, "m", "v1"),
            one(ContentKind::Scenario, "s", "v0"),
            one(ContentKind::Scenario, "s", "v1"),
        ]
    );
}
