//! The scenario report's tests: path counts, findings, the trust bar, the library report.

use super::*;
use crate::model::{Branch, Comparison, Node};
use crate::text::LocalText;
// The scenario engine's test builders: a choice, a node, an ending.
use crate::scenario::tests::{choice, ending, node};

/// The design and quality findings alone: these tests' small graphs are not written to
/// the trust bar, which has its own test below.
fn analyse_without_trust(s: &Scenario) -> ScenarioReport {
    let mut r = analyse(s);
    r.findings.retain(|f| {
        !matches!(
            f.check,
            Check::NaiveWin | Check::NoDilemma | Check::CatchAllEnding
        )
    });
    r
}

// Guards the trust findings of a scenario: a naive win and a missing dilemma are errors,
// a catch-all mixed ending a warning; a dilemma at a node clears the second.
#[test]
fn trust_findings_name_naive_wins_dilemmas_and_catch_all_endings() {
    let mut s = diamond();
    for n in s.nodes.iter_mut() {
        if let Some(e) = n.ending.as_mut() {
            if e.kind == EndingKind::Mixed {
                e.title = LocalText::vi("Hoặc hồ sơ bị trả, hoặc phải hẹn lại");
            }
        }
    }
    let r = analyse(&s);
    let checks: Vec<(Check, Severity)> = r.findings.iter().map(|f| (f.check, f.severity)).collect();
    assert!(
        checks.contains(&(Check::NoDilemma, Severity::Error)),
        "{checks:?}"
    );
    assert!(
        checks.contains(&(Check::CatchAllEnding, Severity::Warning)),
        "{checks:?}"
    );
    // Every text is one letter long: both strategies try every choice, and reach "good".
    let wins = r.trust.naive_wins(Naive::Longest) && r.trust.naive_wins(Naive::Shortest);
    assert!(wins);
    assert_eq!(
        checks.iter().any(|(c, _)| *c == Check::NaiveWin),
        wins,
        "a naive win is reported exactly when a naive strategy reaches a good ending"
    );
}

fn branch(subject: &str, op: CompareOp, value: i32, to: &str) -> Branch {
    Branch {
        when: Condition {
            all: vec![Comparison {
                subject: subject.into(),
                op,
                value,
            }],
        },
        to: to.into(),
    }
}

fn scenario(nodes: Vec<Node>) -> Scenario {
    Scenario {
        id: "s".into(),
        version: String::new(),
        field: "f".into(),
        title: LocalText::vi("S"),
        summary: LocalText::vi("S"),
        duration_min: 5,
        competencies: vec!["gt".into(), "pl".into()],
        delta_range: (-2, 2),
        start: "start".into(),
        nodes,
    }
}

/// ```text
/// start: a (gt+2) -> mid      b (gt-1) -> mid      c (pl-2) -> bad
/// mid:   d (pl+1) -> ok, branch gt >= 2 -> good    e (pl-1) -> bad
/// ```
/// Graph paths: a,b each reach mid, where d has 2 targets and e one: 2 x 3 = 6, plus c: 7.
/// Playable: at mid after a (gt 2) d goes to good only; after b (gt -1) d goes to ok only:
/// 2 x 2 + 1 = 5.
fn diamond() -> Scenario {
    let mut d = choice("d", "ok", &[("pl", 1)]);
    d.branches.push(branch("gt", CompareOp::Ge, 2, "good"));
    scenario(vec![
        node(
            "start",
            vec![
                choice("a", "mid", &[("gt", 2)]),
                choice("b", "mid", &[("gt", -1)]),
                choice("c", "bad", &[("pl", -2)]),
            ],
        ),
        node("mid", vec![d, choice("e", "bad", &[("pl", -1)])]),
        ending("good", EndingKind::Good),
        ending("ok", EndingKind::Mixed),
        ending("bad", EndingKind::Bad),
    ])
}

// Guards the path counts and figures against hand-computed values, including a branch that
// decides the destination from the accumulated score.
#[test]
fn paths_and_ranges_of_a_small_scenario() {
    let r = analyse_without_trust(&diamond());
    assert_eq!(r.nodes, 5);
    assert_eq!(r.decision_nodes, 2);
    assert_eq!(
        r.endings,
        EndingCounts {
            good: 1,
            mixed: 1,
            bad: 1
        }
    );
    assert_eq!(r.paths.count, 7);
    assert_eq!(r.paths.playable, 5);
    assert!(!r.paths.capped);
    assert_eq!(r.paths.shortest, Some(1)); // c
    assert_eq!(r.paths.longest, Some(2));
    // playable ends: a,d gt2 pl1 | a,e gt2 pl-1 | b,d gt-1 pl1 | b,e gt-1 pl-1 | c gt0 pl-2
    assert_eq!(
        r.scores,
        vec![
            ScoreRange {
                competency: "gt".into(),
                min: -1,
                max: 2
            },
            ScoreRange {
                competency: "pl".into(),
                min: -2,
                max: 1
            },
        ]
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

// Guards the loop-free rule and the cap: a cycle does not make the count infinite, and a
// capped walk says so.
#[test]
fn cycles_are_walked_once_and_the_cap_is_reported() {
    // start <-> back; either can end. Paths: start-end | start-back-end (back->start skipped).
    let s = scenario(vec![
        node(
            "start",
            vec![
                choice("a", "back", &[("gt", 1)]),
                choice("b", "end", &[("pl", 1)]),
            ],
        ),
        node(
            "back",
            vec![
                choice("c", "start", &[("gt", -1)]),
                choice("d", "end", &[("pl", -1)]),
            ],
        ),
        ending("end", EndingKind::Good),
    ]);
    let r = analyse_without_trust(&s);
    assert_eq!((r.paths.count, r.paths.playable), (2, 2));
    assert_eq!((r.paths.shortest, r.paths.longest), (Some(1), Some(2)));

    let capped = analyse_with_cap(&diamond(), 3);
    assert!(capped.paths.capped);
    assert_eq!(capped.paths.count, 3);
}

// Guards the "choice does not matter" and "single choice" warnings: same destination and
// same scores (zeros ignored) warn; a different score or destination does not.
#[test]
fn indifferent_choices_and_single_choice_nodes_warn() {
    let mut s = diamond();
    s.nodes[0]
        .choices
        .push(choice("a2", "mid", &[("gt", 2), ("pl", 0)]));
    s.nodes[0].choices.push(choice("a3", "mid", &[("gt", 1)]));
    s.nodes[1].choices.remove(1); // mid keeps only d
    let r = analyse_without_trust(&s);
    let same: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.check == Check::ChoiceDoesNotMatter)
        .collect();
    assert_eq!(same.len(), 1, "{:#?}", r.findings);
    assert_eq!(same[0].node.as_deref(), Some("start"));
    assert_eq!(same[0].choices, vec!["a", "a2"]);
    assert_eq!(same[0].severity, Severity::Warning);
    let single: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.check == Check::SingleChoice)
        .collect();
    assert_eq!(single.len(), 1);
    assert_eq!(single[0].node.as_deref(), Some("mid"));
    assert_eq!(r.count(Severity::Error), 0);
}

// Guards the branch warnings: a condition no play can meet leaves its ending unreached.
#[test]
fn a_branch_that_never_holds_is_reported() {
    let mut s = diamond();
    s.nodes[1].choices[0].branches[0] = branch("gt", CompareOp::Ge, 5, "good");
    let r = analyse_without_trust(&s);
    let checks: Vec<Check> = r.findings.iter().map(|f| f.check).collect();
    assert_eq!(
        checks,
        vec![Check::BranchNeverTaken, Check::EndingNeverReached],
        "{:#?}",
        r.findings
    );
    assert_eq!(r.paths.playable, 5);
    assert_eq!(r.findings[1].node.as_deref(), Some("good"));

    // gt >= -5 always holds: the fallback `to` is never used.
    s.nodes[1].choices[0].branches[0] = branch("gt", CompareOp::Ge, -5, "good");
    let r = analyse_without_trust(&s);
    let checks: Vec<Check> = r.findings.iter().map(|f| f.check).collect();
    assert_eq!(
        checks,
        vec![Check::BranchAlwaysTaken, Check::EndingNeverReached]
    );
    assert_eq!(r.findings[1].node.as_deref(), Some("ok"));
}

// Guards each error of the quality bar: too few endings, too few competencies scored,
// an empty feedback.
#[test]
fn the_quality_bar_is_enforced_as_errors() {
    let mut s = diamond();
    s.nodes.pop(); // drop `bad`: two endings left
    for c in s.nodes[0].choices.iter_mut() {
        c.to = "mid".into();
    }
    s.nodes[1].choices[1].to = "ok".into();
    let r = analyse_without_trust(&s);
    assert_eq!(r.endings.total(), 2);
    assert!(r
        .findings
        .iter()
        .any(|f| f.check == Check::TooFewEndings && f.severity == Severity::Error));

    let mut s = diamond();
    for n in s.nodes.iter_mut() {
        for c in n.choices.iter_mut() {
            c.scores.remove("pl");
        }
    }
    s.nodes[0].choices[1].feedback = LocalText::vi("  ");
    let r = analyse_without_trust(&s);
    let errors: Vec<(Check, Option<&str>, &[String])> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.check, f.node.as_deref(), f.choices.as_slice()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (Check::TooFewCompetencies, None, &[][..]),
            (Check::EmptyFeedback, Some("start"), &["b".to_owned()][..]),
        ]
    );
    assert!(r
        .findings
        .iter()
        .any(|f| f.check == Check::CompetencyNeverScored && f.message.contains("`pl`")));
}

// Guards the source lines attached to findings: the choice's line, else the node's.
#[test]
fn findings_point_at_source_lines() {
    let src = "id = \"s\"\nfield = \"f\"\ntitle = \"t\"\nsummary = \"s\"\nduration_min = 1\n\
               competencies = [\"gt\"]\ndelta_range = [-1, 1]\nstart = \"a\"\n\n\
               [[node]]\nid = \"a\"\ntext = \"x\"\n\n[[node.choice]]\nid = \"c1\"\n\
               text = \"x\"\nto = \"b\"\n";
    let lines = SourceLines::of(src);
    let mut f = Finding::new(Check::EmptyFeedback, Some("a"), &["c1"], String::new());
    assert_eq!(lines.line_of(&f), Some(15));
    f.choices.clear();
    assert_eq!(lines.line_of(&f), Some(11));
    f.node = None;
    assert_eq!(lines.line_of(&f), Some(1));
}
