//! The scenario engine: where a choice leads, what it earns, and the end-of-play review.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Choice, Node, Scenario};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PlayError {
    #[error("node `{0}` does not exist in this scenario")]
    UnknownNode(String),
    #[error("node `{node}` has no choice `{choice}`")]
    UnknownChoice { node: String, choice: String },
    #[error("the scenario already ended at `{0}`")]
    Ended(String),
    #[error("the choice was made at `{made_at}` but the learner is at `{current}`")]
    WrongNode { made_at: String, current: String },
}

/// One decision of the learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub node: String,
    pub choice: String,
    pub to: String,
    pub at_ms: i64,
}

/// Where a learner stands in a scenario: replayable from its steps alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioState {
    pub node: String,
    pub scores: BTreeMap<String, i32>,
    pub steps: Vec<Step>,
}

impl ScenarioState {
    pub fn new(scenario: &Scenario) -> Self {
        Self {
            node: scenario.start.clone(),
            scores: scenario
                .competencies
                .iter()
                .map(|c| (c.clone(), 0))
                .collect(),
            steps: Vec::new(),
        }
    }

    pub fn current<'a>(&self, scenario: &'a Scenario) -> Result<&'a Node, PlayError> {
        scenario
            .node(&self.node)
            .ok_or_else(|| PlayError::UnknownNode(self.node.clone()))
    }

    pub fn is_ended(&self, scenario: &Scenario) -> bool {
        scenario
            .node(&self.node)
            .is_some_and(|n| n.ending.is_some())
    }

    /// Where `choice` at the current node leads, given the scores after it is applied.
    pub fn resolve(&self, scenario: &Scenario, choice_id: &str) -> Result<String, PlayError> {
        self.route(scenario, choice_id).map(|r| r.to)
    }

    /// The current node, the choice, where it leads and the scores after it.
    fn route<'a>(&self, scenario: &'a Scenario, choice_id: &str) -> Result<Route<'a>, PlayError> {
        let node = self.current(scenario)?;
        if node.ending.is_some() {
            return Err(PlayError::Ended(node.id.clone()));
        }
        let choice = node
            .choice(choice_id)
            .ok_or_else(|| PlayError::UnknownChoice {
                node: node.id.clone(),
                choice: choice_id.to_owned(),
            })?;
        let after = add_scores(&self.scores, choice);
        let to = choice
            .branches
            .iter()
            .find(|b| b.when.holds(&after))
            .map(|b| b.to.clone())
            .unwrap_or_else(|| choice.to.clone());
        Ok(Route {
            node,
            choice,
            to,
            after,
        })
    }

    /// Takes `choice_id` at the current node at `at_ms`: what [`Self::resolve`] then
    /// [`Self::apply`] do, in one pass (the trainer review replays every recorded path).
    /// Returns the step taken.
    pub fn take(
        &mut self,
        scenario: &Scenario,
        choice_id: &str,
        at_ms: i64,
    ) -> Result<&Step, PlayError> {
        let r = self.route(scenario, choice_id)?;
        self.steps.push(Step {
            node: r.node.id.clone(),
            choice: r.choice.id.clone(),
            to: r.to.clone(),
            at_ms,
        });
        self.scores = r.after;
        self.node = r.to;
        Ok(&self.steps[self.steps.len() - 1])
    }

    /// Applies a recorded step. The step must start at the current node and lead where the
    /// engine says it leads, so a replay of a tampered or mismatched log is refused.
    pub fn apply(&mut self, scenario: &Scenario, step: &Step) -> Result<(), PlayError> {
        if step.node != self.node {
            return Err(PlayError::WrongNode {
                made_at: step.node.clone(),
                current: self.node.clone(),
            });
        }
        let to = self.resolve(scenario, &step.choice)?;
        if to != step.to {
            return Err(PlayError::UnknownNode(step.to.clone()));
        }
        let node = self.current(scenario)?;
        let choice = node
            .choice(&step.choice)
            .ok_or_else(|| PlayError::UnknownChoice {
                node: node.id.clone(),
                choice: step.choice.clone(),
            })?;
        self.scores = add_scores(&self.scores, choice);
        self.node = to;
        self.steps.push(step.clone());
        Ok(())
    }
}

/// A choice resolved at the current node (see [`ScenarioState::resolve`]).
struct Route<'a> {
    node: &'a Node,
    choice: &'a Choice,
    to: String,
    after: BTreeMap<String, i32>,
}

/// Fewest choices from `from` to any ending (None when no ending can be reached).
pub fn distance_to_ending(scenario: &Scenario, from: &str) -> Option<usize> {
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = std::collections::VecDeque::from([(from, 0usize)]);
    while let Some((id, dist)) = queue.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        let node = scenario.node(id)?;
        if node.ending.is_some() {
            return Some(dist);
        }
        for choice in &node.choices {
            for to in choice.targets() {
                queue.push_back((to, dist + 1));
            }
        }
    }
    None
}

fn add_scores(scores: &BTreeMap<String, i32>, choice: &Choice) -> BTreeMap<String, i32> {
    let mut after = scores.clone();
    for (comp, delta) in &choice.scores {
        *after.entry(comp.clone()).or_insert(0) += delta;
    }
    after
}

/// One competency of the end-screen profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetencyResult {
    pub competency: String,
    /// Sum of the deltas earned.
    pub raw: i32,
    /// 0..=5: at each decision that could move this competency, how close the choice came to
    /// the best one available there (5 = always the best, 0 = always the worst).
    pub level: f64,
    /// Number of decisions that could move this competency.
    pub decisions: u32,
}

/// The competency profile of a path. Measured per decision so it stays bounded with loops.
pub fn profile(scenario: &Scenario, steps: &[Step]) -> Vec<CompetencyResult> {
    scenario
        .competencies
        .iter()
        .map(|comp| {
            let mut raw = 0;
            let mut gained = 0i64;
            let mut span = 0i64;
            let mut decisions = 0;
            for step in steps {
                let Some(node) = scenario.node(&step.node) else {
                    continue;
                };
                let Some(choice) = node.choice(&step.choice) else {
                    continue;
                };
                raw += choice.score(comp);
                let (lo, hi) = node
                    .choices
                    .iter()
                    .map(|c| c.score(comp))
                    .fold((i32::MAX, i32::MIN), |(lo, hi), s| (lo.min(s), hi.max(s)));
                if hi > lo {
                    decisions += 1;
                    gained += i64::from(choice.score(comp) - lo);
                    span += i64::from(hi - lo);
                }
            }
            let level = if span == 0 {
                0.0
            } else {
                5.0 * gained as f64 / span as f64
            };
            CompetencyResult {
                competency: comp.clone(),
                raw,
                level: (level * 10.0).round() / 10.0,
                decisions,
            }
        })
        .collect()
}

/// One line of the end-screen recap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecapLine {
    pub node: String,
    pub choice: String,
    pub deltas: BTreeMap<String, i32>,
    /// Set when the learner's choice scored less than the best available at that node.
    pub better: Option<String>,
}

pub fn recap(scenario: &Scenario, steps: &[Step]) -> Vec<RecapLine> {
    steps
        .iter()
        .filter_map(|step| {
            let node = scenario.node(&step.node)?;
            let choice = node.choice(&step.choice)?;
            let best = node.best_choice()?;
            let better = (best.total() > choice.total()).then(|| best.id.clone());
            Some(RecapLine {
                node: node.id.clone(),
                choice: choice.id.clone(),
                deltas: choice.scores.clone(),
                better,
            })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Branch, CompareOp, Comparison, Condition, Ending, EndingKind};
    use crate::text::LocalText;

    pub(crate) fn choice(id: &str, to: &str, scores: &[(&str, i32)]) -> Choice {
        Choice {
            id: id.into(),
            text: LocalText::vi(id),
            to: to.into(),
            branches: vec![],
            consequence: LocalText::vi("c"),
            feedback: LocalText::vi("f"),
            scores: scores.iter().map(|(k, v)| ((*k).into(), *v)).collect(),
            harm: false,
        }
    }

    pub(crate) fn node(id: &str, choices: Vec<Choice>) -> Node {
        Node {
            id: id.into(),
            text_html: LocalText::vi(id),
            image: None,
            choices,
            ending: None,
        }
    }

    pub(crate) fn ending(id: &str, kind: EndingKind) -> Node {
        Node {
            ending: Some(Ending {
                kind,
                title: LocalText::vi(id),
            }),
            ..node(id, vec![])
        }
    }

    /// start -(a: +2 gt)-> mid ; start -(b: -1 gt)-> mid
    /// mid -(c: +1 pl, branch gt>=2 -> good, else ok)
    /// mid -(d: -2 pl)-> bad
    pub(crate) fn sample() -> Scenario {
        let mut c = choice("c", "ok", &[("pl", 1)]);
        c.branches.push(Branch {
            when: Condition {
                all: vec![Comparison {
                    subject: "gt".into(),
                    op: CompareOp::Ge,
                    value: 2,
                }],
            },
            to: "good".into(),
        });
        Scenario {
            id: "s".into(),
            version: "v1".into(),
            field: "f".into(),
            title: LocalText::vi("S"),
            summary: LocalText::vi("S"),
            duration_min: 5,
            competencies: vec!["gt".into(), "pl".into()],
            delta_range: (-2, 2),
            start: "start".into(),
            nodes: vec![
                node(
                    "start",
                    vec![
                        choice("a", "mid", &[("gt", 2)]),
                        choice("b", "mid", &[("gt", -1)]),
                    ],
                ),
                node("mid", vec![c, choice("d", "bad", &[("pl", -2)])]),
                ending("good", EndingKind::Good),
                ending("ok", EndingKind::Mixed),
                ending("bad", EndingKind::Bad),
            ],
        }
    }

    fn play(s: &Scenario, choices: &[&str]) -> ScenarioState {
        let mut st = ScenarioState::new(s);
        for (i, c) in choices.iter().enumerate() {
            let to = st.resolve(s, c).expect("valid choice");
            let step = Step {
                node: st.node.clone(),
                choice: (*c).into(),
                to,
                at_ms: i as i64,
            };
            st.apply(s, &step).expect("apply");
        }
        st
    }

    // Guards against branch conditions being ignored: the same choice must lead to different
    // endings depending on the accumulated score.
    #[test]
    fn branch_depends_on_accumulated_score() {
        let s = sample();
        let good = play(&s, &["a", "c"]);
        assert_eq!(good.node, "good");
        assert!(good.is_ended(&s));
        let ok = play(&s, &["b", "c"]);
        assert_eq!(ok.node, "ok");
        assert_eq!(ok.scores["gt"], -1);
        assert_eq!(ok.scores["pl"], 1);
    }

    // Guards against a replay accepting a step from a node the learner is not at.
    #[test]
    fn step_from_wrong_node_is_refused() {
        let s = sample();
        let mut st = ScenarioState::new(&s);
        let err = st
            .apply(
                &s,
                &Step {
                    node: "mid".into(),
                    choice: "c".into(),
                    to: "ok".into(),
                    at_ms: 0,
                },
            )
            .unwrap_err();
        assert!(matches!(err, PlayError::WrongNode { .. }));
        assert!(st.steps.is_empty());
    }

    // Guards `take` (one pass) against drifting from `resolve` then `apply`: the same
    // states along every path of the sample (branches included), the same refusals.
    #[test]
    fn take_is_resolve_then_apply() {
        let s = sample();
        for path in [["a", "c"], ["b", "c"], ["a", "d"], ["b", "d"]] {
            let mut st = ScenarioState::new(&s);
            for (i, c) in path.iter().enumerate() {
                let step = st.take(&s, c, i as i64).expect("valid choice").clone();
                assert_eq!(step.choice, *c);
            }
            assert_eq!(st, play(&s, &path));
        }
        let mut st = ScenarioState::new(&s);
        assert!(matches!(
            st.take(&s, "c", 0),
            Err(PlayError::UnknownChoice { .. })
        ));
        assert_eq!(st, ScenarioState::new(&s));
        let mut done = play(&s, &["a", "d"]);
        assert_eq!(done.take(&s, "a", 9), Err(PlayError::Ended("bad".into())));
    }

    // Guards against choosing after an ending.
    #[test]
    fn no_choice_after_ending() {
        let s = sample();
        let st = play(&s, &["a", "d"]);
        assert_eq!(st.node, "bad");
        assert_eq!(st.resolve(&s, "a"), Err(PlayError::Ended("bad".into())));
    }

    // Guards the profile scale: best choices everywhere give 5, worst give 0, and the recap
    // names the better choice only where the learner's was worse.
    #[test]
    fn profile_and_recap() {
        let s = sample();
        let best = play(&s, &["a", "c"]);
        let p = profile(&s, &best.steps);
        assert_eq!(p[0].level, 5.0);
        assert_eq!(p[1].level, 5.0);
        assert!(recap(&s, &best.steps).iter().all(|l| l.better.is_none()));

        let worst = play(&s, &["b", "d"]);
        let p = profile(&s, &worst.steps);
        assert_eq!(p[0].competency, "gt");
        assert_eq!(p[0].level, 0.0);
        assert_eq!(p[0].raw, -1);
        assert_eq!(p[1].raw, -2);
        let r = recap(&s, &worst.steps);
        assert_eq!(r[0].better.as_deref(), Some("a"));
        assert_eq!(r[1].better.as_deref(), Some("c"));
    }
}
