//! The simulator's tests: a class generated, mapped and read back by the review.

use super::*;
use crate::review::{item_analysis, parse_page, scenario_review, Class, Filter, Versions};

// Guards the generator: deterministic, valid for the engine (every statement mapped),
// skill shows in the results, and the review reads everything back.
#[test]
fn a_class_reads_back() {
    let mut pool = demo_module(1, 2, 10, 7);
    pool.check.draw = Some(4);
    pool.check.pass_points = 3;
    pool.competencies.push("phap_luat".into());
    let contents = vec![
        Content::Scenario(demo_scenario(0, 30, 7)),
        Content::Module(demo_module(0, 3, 8, 7)),
        Content::Module(pool.clone()),
    ];
    let catalog = demo_catalog(&contents);
    let cfg = SynthConfig {
        learners: 30,
        ..SynthConfig::default()
    };
    let a = simulate_posted(&contents, &catalog, &cfg).expect("simulate");
    let b = simulate_posted(&contents, &catalog, &cfg).expect("again");
    assert_eq!(a, b);
    let ids: std::collections::HashSet<&str> = a.iter().map(|p| p.statement.id.as_str()).collect();
    assert_eq!(ids.len(), a.len());
    // every statement is posted by its own learner (anonymous evaluations too)
    for p in &a {
        if p.statement.actor.name.is_some() {
            assert_eq!(p.by, p.statement.actor.account);
        }
    }
    let values: Vec<serde_json::Value> = a
        .iter()
        .map(|p| p.with_authority().expect("json"))
        .collect();
    let json = serde_json::to_string(&values).expect("json");
    let page = parse_page(&json).expect("page");
    assert_eq!(page.malformed, 0);
    let versions: Versions = contents.iter().cloned().collect();
    let class = Class::build(&page.statements, &cfg.base, &Filter::default(), &versions);
    assert_eq!(class.learners.len(), 30);
    // the portal's own statements, posted by their learners: nothing set aside, every
    // claimed result the recomputed one
    assert_eq!(class.trust.set_aside, []);
    assert_eq!(class.trust.claims, []);
    // every learner joined the class once: the roster, not a figure
    let class_id = xapi::class_id(&cfg.base, &cfg.class_code);
    let roster = crate::review::refresh::roster(&page.statements, &class_id);
    assert_eq!(roster.len(), 30);
    let joined = a
        .iter()
        .filter(|p| p.statement.verb.id == xapi::verbs::JOINED)
        .count();
    assert_eq!(joined, 30);
    assert_eq!(class.used + joined, a.len());
    let Content::Scenario(s) = &contents[0] else {
        unreachable!()
    };
    let r = scenario_review(&class, s);
    assert!(r.attempts >= 30 && r.completed > 0 && r.completed <= r.attempts);
    let Content::Module(m) = &contents[1] else {
        unreachable!()
    };
    let ia = item_analysis(&class, m);
    assert!(ia.attempts > 20);
    // answers correlate with skill: most items discriminate positively
    let positive = ia
        .items
        .iter()
        .filter(|i| i.point_biserial.is_some_and(|r| r > 0.0))
        .count();
    assert!(
        positive * 2 > ia.items.len(),
        "{positive} of {}",
        ia.items.len()
    );
    assert_eq!(
        class.learners[0].account.name, "hocvien-seed-01",
        "account names"
    );
    // the self-assessment records: pre-tests of the pool only, shared ratings (some
    // before and after a module), evaluations (some anonymous), none a module attempt
    assert_eq!(class.pretests_of(&m.id).count(), 0);
    let pre = crate::review::pre_post(&class, &pool.id);
    assert!(
        pre.rows.len() > 15 && pre.n > 10,
        "{} {}",
        pre.rows.len(),
        pre.n
    );
    assert!(pre.mean_post > pre.mean_pre, "learners gain");
    assert!(class
        .pretests_of(&pool.id)
        .all(|a| a.answers.iter().all(|x| !x.check)));
    let shared: std::collections::HashSet<&str> = class
        .self_ratings
        .iter()
        .map(|r| r.account.name.as_str())
        .collect();
    assert!(shared.len() > 8 && shared.len() < 30, "{}", shared.len());
    for phase in ["before", "after"] {
        assert!(class
            .self_ratings
            .iter()
            .any(|r| r.phase.as_deref() == Some(phase) && r.module.is_some()));
    }
    assert!(class.self_ratings.iter().any(|r| r.phase.is_none()));
    // learners see shuffled orders: every decision and every choice item answer says
    // where the choice was shown, and the guesses by place show as a share at place 1
    // above chance
    assert!(class
        .attempts
        .iter()
        .flat_map(|a| &a.choices)
        .all(|c| c.shown_position.is_some() && !c.shown_order.is_empty()));
    let mut placed = 0;
    for (a, x) in class
        .attempts
        .iter()
        .flat_map(|a| a.answers.iter().map(move |x| (a, x)))
    {
        let module = [m, &pool]
            .into_iter()
            .find(|m| m.id == a.content.id)
            .expect("module");
        let item = module
            .lessons
            .iter()
            .map(|l| &l.practice)
            .chain(&module.check.items)
            .find(|i| i.id == x.item)
            .expect("item");
        let chosen = x.response.as_deref().map_or(0, |r| r.split("[,]").count());
        if crate::shuffle::is_shuffled(item) {
            assert_eq!(x.shown_position.len(), chosen, "{}", x.item);
            assert_eq!(x.shown_order.len(), item.options.len(), "{}", x.item);
            placed += 1;
        } else {
            assert!(x.shown_position.is_empty() && x.shown_order.is_empty());
        }
    }
    assert!(placed > 100, "{placed}");
    let bias = crate::review::node_position_bias(&class, s);
    let first: usize = bias.iter().map(|b| b.first).sum();
    let chance: f64 = bias.iter().map(|b| b.first_expected).sum();
    assert!(
        first as f64 > chance * 1.1,
        "chosen first {first}, by chance {chance:.1}"
    );
    let ev = crate::review::evaluation_summary(&class, &pool.id);
    assert!(ev.evaluations > 10 && ev.anonymous > 0 && ev.anonymous < ev.evaluations);
    assert!(!crate::review::ratings_vs_measured(&class).is_empty());
}
