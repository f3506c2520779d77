//! The scenario report: what a compiled scenario offers a learner, and where it falls short of
//! the library's quality bar.
//!
//! [`analyse`] is pure (a compiled [`Scenario`] in, a [`ScenarioReport`] out); [`report_dir`]
//! compiles a content directory and attaches source lines to the findings. The command line
//! only formats.
//!
//! Paths are walked the way the engine plays them: the accumulated scores are carried along and
//! each branch condition is evaluated with [`Condition::holds`], as in
//! [`crate::scenario::ScenarioState::resolve`]. A path never visits a node twice (the engine
//! allows loops; a report over loop-free plays stays finite). Two counts come out: the paths of
//! the choice graph, where every branch target is a possible destination, and the playable
//! ones, where the scores decide; the figures (shortest, longest, score ranges) are over the
//! playable paths.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::source::SrcScenario;
use super::trust::{self, Naive, NaiveEnding, MAX_LONGEST_SHARE_PERCENT};
use super::{compile_dir, read_source, Diagnostic};
use crate::model::{CompareOp, Condition, Content, ContentMeta, EndingKind, Module, Scenario};

mod library;
#[cfg(test)]
mod tests;

pub use library::{
    days_of, library_trust, report_dir, report_library, stale_content, FileReport, LibraryReport,
    LibraryTrust, ModuleTrust, SourceLines, Stale,
};

/// Paths counted before the walk stops (the report then says "at least").
pub const PATH_CAP: u64 = 100_000;

/// Node visits before the walk stops, whatever the count: bounds the time spent on graphs
/// whose loop-free walks mostly run into themselves.
const VISIT_BUDGET: u64 = 20_000_000;

/// The library's quality bar (the content-library issue).
pub const MIN_ENDINGS: usize = 3;
pub const MIN_SCORED_COMPETENCIES: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What a finding is about; the command line shows it as `[check]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    TooFewEndings,
    TooFewCompetencies,
    EmptyFeedback,
    ChoiceDoesNotMatter,
    SingleChoice,
    CompetencyNeverScored,
    BranchNeverTaken,
    BranchAlwaysTaken,
    EndingNeverReached,
    /// Always clicking the longest (or the shortest) choice reaches a good ending.
    NaiveWin,
    /// No node where two lawful choices trade off within one point.
    NoDilemma,
    /// A mixed ending that reads "this or that happened" instead of following the path.
    CatchAllEnding,
}

impl Check {
    pub fn as_str(self) -> &'static str {
        match self {
            Check::TooFewEndings => "too_few_endings",
            Check::TooFewCompetencies => "too_few_competencies",
            Check::EmptyFeedback => "empty_feedback",
            Check::ChoiceDoesNotMatter => "choice_does_not_matter",
            Check::SingleChoice => "single_choice",
            Check::CompetencyNeverScored => "competency_never_scored",
            Check::BranchNeverTaken => "branch_never_taken",
            Check::BranchAlwaysTaken => "branch_always_taken",
            Check::EndingNeverReached => "ending_never_reached",
            Check::NaiveWin => "naive_win",
            Check::NoDilemma => "no_dilemma",
            Check::CatchAllEnding => "catch_all_ending",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Check::TooFewEndings
            | Check::TooFewCompetencies
            | Check::EmptyFeedback
            | Check::NaiveWin
            | Check::NoDilemma => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub check: Check,
    /// The node concerned (None: the whole scenario).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The choices concerned, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    pub message: String,
    /// Line in the source file, filled by [`report_dir`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Finding {
    fn new(check: Check, node: Option<&str>, choices: &[&str], message: String) -> Self {
        Self {
            severity: check.severity(),
            check,
            node: node.map(str::to_owned),
            choices: choices.iter().map(|c| (*c).to_owned()).collect(),
            message,
            line: None,
        }
    }

    /// Where, in the words of the compiler's diagnostics: ``node `x`.choice `a` ``.
    pub fn field(&self) -> String {
        match (&self.node, self.choices.as_slice()) {
            (None, _) => String::new(),
            (Some(n), [c]) => format!("node `{n}`.choice `{c}`"),
            (Some(n), _) => format!("node `{n}`"),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EndingCounts {
    pub good: usize,
    pub mixed: usize,
    pub bad: usize,
}

impl EndingCounts {
    pub fn total(&self) -> usize {
        self.good + self.mixed + self.bad
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PathStats {
    /// Loop-free paths from the start to an ending in the choice graph, every branch target
    /// counted as a possible destination of its choice.
    pub count: u64,
    /// Of these, the paths the engine can play: at each choice with branches, the destination
    /// the accumulated scores select.
    pub playable: u64,
    /// The walk stopped at [`PATH_CAP`]: the counts are lower bounds and the figures partial.
    pub capped: bool,
    /// Fewest decisions on a playable path.
    pub shortest: Option<usize>,
    /// Most decisions on a playable path.
    pub longest: Option<usize>,
}

/// The accumulated score of a competency at the end of a playable path: lowest and highest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreRange {
    pub competency: String,
    pub min: i32,
    pub max: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioReport {
    pub id: String,
    pub nodes: usize,
    pub decision_nodes: usize,
    pub endings: EndingCounts,
    pub paths: PathStats,
    /// In the order of the scenario's competencies; empty when no path is playable.
    pub scores: Vec<ScoreRange>,
    pub trust: ScenarioTrust,
    pub findings: Vec<Finding>,
}

/// What a guesser gets from a scenario's texts (see [`trust`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScenarioTrust {
    /// Endings reached by always taking the longest choice.
    pub longest: Vec<NaiveEnding>,
    /// Endings reached by always taking the shortest choice.
    pub shortest: Vec<NaiveEnding>,
    /// Decision nodes with a unique best choice.
    pub nodes_with_best: usize,
    /// Of these, nodes whose best choice is strictly the longest.
    pub best_longest: usize,
    /// Nodes that are real dilemmas, with one qualifying pair each.
    pub dilemmas: Vec<Dilemma>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dilemma {
    pub node: String,
    pub choices: (String, String),
}

impl ScenarioTrust {
    pub fn naive(&self, strategy: Naive) -> &[NaiveEnding] {
        match strategy {
            Naive::Longest => &self.longest,
            Naive::Shortest => &self.shortest,
        }
    }

    /// Whether `strategy` can reach a good ending.
    pub fn naive_wins(&self, strategy: Naive) -> bool {
        self.naive(strategy)
            .iter()
            .any(|e| e.kind == EndingKind::Good)
    }
}

fn scenario_trust(scenario: &Scenario) -> ScenarioTrust {
    let mut t = ScenarioTrust {
        longest: trust::naive_endings(scenario, Naive::Longest),
        shortest: trust::naive_endings(scenario, Naive::Shortest),
        ..ScenarioTrust::default()
    };
    for node in &scenario.nodes {
        if let Some(longest) = trust::best_is_longest(node) {
            t.nodes_with_best += 1;
            t.best_longest += usize::from(longest);
        }
        if let Some(pair) = trust::dilemma_pairs(node).into_iter().next() {
            t.dilemmas.push(Dilemma {
                node: node.id.clone(),
                choices: pair,
            });
        }
    }
    t
}

fn trust_findings(scenario: &Scenario, t: &ScenarioTrust) -> Vec<Finding> {
    let mut out = Vec::new();
    for strategy in Naive::ALL {
        let good: Vec<&str> = t
            .naive(strategy)
            .iter()
            .filter(|e| e.kind == EndingKind::Good)
            .map(|e| e.ending.as_str())
            .collect();
        if !good.is_empty() {
            out.push(Finding::new(
                Check::NaiveWin,
                None,
                &[],
                format!(
                    "always taking the {} choice reaches the good ending `{}`: make the best \
                     choices neither the longest nor the shortest texts every time",
                    strategy.as_str(),
                    good.join("`, `")
                ),
            ));
        }
    }
    if t.dilemmas.is_empty() {
        out.push(Finding::new(
            Check::NoDilemma,
            None,
            &[],
            "no real dilemma: add a node where two lawful choices with positive scores, within \
             one point of each other, trade one value against another, each with its own \
             consequence"
                .into(),
        ));
    }
    for node in scenario.endings() {
        let Some(ending) = &node.ending else { continue };
        if ending.kind == EndingKind::Mixed
            && (trust::is_catch_all(&ending.title) || trust::is_catch_all(&node.text_html))
        {
            out.push(Finding::new(
                Check::CatchAllEnding,
                Some(&node.id),
                &[],
                "this ending reads \"hoặc… hoặc…\": give each path its own ending".into(),
            ));
        }
    }
    out
}

impl ScenarioReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Analyses a compiled scenario, counting at most [`PATH_CAP`] paths.
pub fn analyse(scenario: &Scenario) -> ScenarioReport {
    analyse_with_cap(scenario, PATH_CAP)
}

/// [`analyse`] with another cap on the number of paths (tests use a small one).
pub fn analyse_with_cap(scenario: &Scenario, cap: u64) -> ScenarioReport {
    let mut endings = EndingCounts::default();
    for n in scenario.endings() {
        match n.ending.as_ref().map(|e| e.kind) {
            Some(EndingKind::Good) => endings.good += 1,
            Some(EndingKind::Mixed) => endings.mixed += 1,
            Some(EndingKind::Bad) => endings.bad += 1,
            None => {}
        }
    }
    let decision_nodes = scenario
        .nodes
        .iter()
        .filter(|n| !n.choices.is_empty())
        .count();

    let mut walk = Walk::new(scenario, cap);
    if let Some(&start) = walk.index.get(scenario.start.as_str()) {
        walk.visit(start, 0, true);
    }
    let scores = if walk.playable > 0 {
        scenario
            .competencies
            .iter()
            .zip(&walk.ranges)
            .map(|(c, &(min, max))| ScoreRange {
                competency: c.clone(),
                min,
                max,
            })
            .collect()
    } else {
        Vec::new()
    };

    let trust = scenario_trust(scenario);
    let mut findings = quality_findings(scenario, &endings);
    findings.extend(trust_findings(scenario, &trust));
    findings.extend(design_findings(scenario));
    if !walk.capped {
        findings.extend(walk.play_findings());
    }
    let paths = PathStats {
        count: walk.count,
        playable: walk.playable,
        capped: walk.capped,
        shortest: walk.shortest,
        longest: walk.longest,
    };
    ScenarioReport {
        id: scenario.id.clone(),
        nodes: scenario.nodes.len(),
        decision_nodes,
        endings,
        paths,
        scores,
        trust,
        findings,
    }
}

/// The quality bar: enough endings, enough competencies actually scored, feedback everywhere.
fn quality_findings(scenario: &Scenario, endings: &EndingCounts) -> Vec<Finding> {
    let mut out = Vec::new();
    if endings.total() < MIN_ENDINGS {
        out.push(Finding::new(
            Check::TooFewEndings,
            None,
            &[],
            format!(
                "{} ending(s); a scenario of the library needs at least {MIN_ENDINGS}",
                endings.total()
            ),
        ));
    }
    let scored: Vec<&str> = scenario
        .competencies
        .iter()
        .filter(|c| is_scored(scenario, c))
        .map(String::as_str)
        .collect();
    if scored.len() < MIN_SCORED_COMPETENCIES {
        out.push(Finding::new(
            Check::TooFewCompetencies,
            None,
            &[],
            format!(
                "{} competency(ies) scored by some choice ({}); a scenario of the library \
                 scores at least {MIN_SCORED_COMPETENCIES}",
                scored.len(),
                if scored.is_empty() {
                    "none".to_owned()
                } else {
                    scored.join(", ")
                }
            ),
        ));
    }
    for node in &scenario.nodes {
        for c in &node.choices {
            if c.feedback.vi.trim().is_empty() {
                out.push(Finding::new(
                    Check::EmptyFeedback,
                    Some(&node.id),
                    &[&c.id],
                    "the feedback is empty: say why this choice is good or poor".into(),
                ));
            }
        }
    }
    out
}

fn is_scored(scenario: &Scenario, competency: &str) -> bool {
    scenario
        .nodes
        .iter()
        .flat_map(|n| &n.choices)
        .any(|c| c.score(competency) != 0)
}

/// Findings from the structure alone: choices that change nothing, nodes with one choice,
/// competencies declared but never scored.
fn design_findings(scenario: &Scenario) -> Vec<Finding> {
    let mut out = Vec::new();
    for node in &scenario.nodes {
        if node.choices.len() == 1 {
            out.push(Finding::new(
                Check::SingleChoice,
                Some(&node.id),
                &[],
                format!(
                    "only one choice (`{}`): nothing to decide here",
                    node.choices[0].id
                ),
            ));
        }
        // Choices with the same destination(s) and the same scores, grouped in order.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, c) in node.choices.iter().enumerate() {
            let same = groups.iter_mut().find(|g| {
                let first = &node.choices[g[0]];
                first.to == c.to
                    && first.branches == c.branches
                    && nonzero(&first.scores) == nonzero(&c.scores)
            });
            match same {
                Some(g) => g.push(i),
                None => groups.push(vec![i]),
            }
        }
        for g in groups.into_iter().filter(|g| g.len() > 1) {
            let ids: Vec<&str> = g.iter().map(|&i| node.choices[i].id.as_str()).collect();
            out.push(Finding::new(
                Check::ChoiceDoesNotMatter,
                Some(&node.id),
                &ids,
                format!(
                    "choices {} lead to the same place with the same scores: \
                     the learner's choice does not matter",
                    ids.iter()
                        .map(|id| format!("`{id}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    for c in &scenario.competencies {
        if !is_scored(scenario, c) {
            out.push(Finding::new(
                Check::CompetencyNeverScored,
                None,
                &[],
                format!(
                    "competency `{c}` is declared but no choice scores it: \
                     its level would always be 0"
                ),
            ));
        }
    }
    out
}

fn nonzero(scores: &BTreeMap<String, i32>) -> BTreeMap<&str, i32> {
    scores
        .iter()
        .filter(|(_, v)| **v != 0)
        .map(|(k, v)| (k.as_str(), *v))
        .collect()
}

/// `giao_tiep >= 3 and total > 0`, as written in the source.
pub fn condition_text(condition: &Condition) -> String {
    condition
        .all
        .iter()
        .map(|c| {
            let op = match c.op {
                CompareOp::Ge => ">=",
                CompareOp::Le => "<=",
                CompareOp::Gt => ">",
                CompareOp::Lt => "<",
                CompareOp::Eq => "==",
            };
            format!("{} {op} {}", c.subject, c.value)
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// What the engine did at one choice over all playable visits.
#[derive(Clone, Default)]
struct ChoiceUse {
    played: bool,
    /// Per branch: taken at least once.
    branch_taken: Vec<bool>,
    /// The choice's own `to` was taken at least once (no branch held).
    fallback_taken: bool,
}

/// Depth-first walk over loop-free paths, carrying the accumulated scores.
struct Walk<'a> {
    scenario: &'a Scenario,
    index: HashMap<&'a str, usize>,
    on_path: Vec<bool>,
    scores: BTreeMap<String, i32>,
    cap: u64,
    visits: u64,
    count: u64,
    playable: u64,
    capped: bool,
    shortest: Option<usize>,
    longest: Option<usize>,
    /// (min, max) per competency, in the scenario's order.
    ranges: Vec<(i32, i32)>,
    ending_played: Vec<bool>,
    ending_in_graph: Vec<bool>,
    /// `[node][choice]`
    uses: Vec<Vec<ChoiceUse>>,
}

impl<'a> Walk<'a> {
    fn new(scenario: &'a Scenario, cap: u64) -> Self {
        let n = scenario.nodes.len();
        Self {
            scenario,
            index: scenario
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.id.as_str(), i))
                .collect(),
            on_path: vec![false; n],
            scores: scenario
                .competencies
                .iter()
                .map(|c| (c.clone(), 0))
                .collect(),
            cap,
            visits: 0,
            count: 0,
            playable: 0,
            capped: false,
            shortest: None,
            longest: None,
            ranges: vec![(i32::MAX, i32::MIN); scenario.competencies.len()],
            ending_played: vec![false; n],
            ending_in_graph: vec![false; n],
            uses: scenario
                .nodes
                .iter()
                .map(|n| {
                    n.choices
                        .iter()
                        .map(|c| ChoiceUse {
                            branch_taken: vec![false; c.branches.len()],
                            ..ChoiceUse::default()
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// `decisions`: choices made so far; `playable`: every step so far is the one the engine
    /// takes.
    fn visit(&mut self, at: usize, decisions: usize, playable: bool) {
        self.visits += 1;
        if self.visits >= VISIT_BUDGET {
            self.capped = true;
        }
        if self.capped {
            return;
        }
        let scenario = self.scenario;
        let node = &scenario.nodes[at];
        if node.ending.is_some() {
            self.count += 1;
            self.ending_in_graph[at] = true;
            if playable {
                self.playable += 1;
                self.ending_played[at] = true;
                self.shortest = Some(self.shortest.map_or(decisions, |s| s.min(decisions)));
                self.longest = Some(self.longest.map_or(decisions, |l| l.max(decisions)));
                for (range, comp) in self.ranges.iter_mut().zip(&scenario.competencies) {
                    let v = self.scores.get(comp).copied().unwrap_or(0);
                    *range = (range.0.min(v), range.1.max(v));
                }
            }
            if self.count >= self.cap {
                self.capped = true;
            }
            return;
        }
        self.on_path[at] = true;
        for (ci, choice) in node.choices.iter().enumerate() {
            for (comp, delta) in &choice.scores {
                *self.scores.entry(comp.clone()).or_insert(0) += delta;
            }
            let taken = choice
                .branches
                .iter()
                .position(|b| b.when.holds(&self.scores));
            let resolved = taken.map_or(choice.to.as_str(), |b| choice.branches[b].to.as_str());
            if playable {
                let usage = &mut self.uses[at][ci];
                usage.played = true;
                match taken {
                    Some(b) => usage.branch_taken[b] = true,
                    None => usage.fallback_taken = true,
                }
            }
            let mut targets: Vec<&str> = Vec::new();
            for t in choice.targets() {
                if !targets.contains(&t) {
                    targets.push(t);
                }
            }
            for target in targets {
                let Some(&next) = self.index.get(target) else {
                    continue;
                };
                if self.on_path[next] {
                    continue;
                }
                self.visit(next, decisions + 1, playable && target == resolved);
                if self.capped {
                    break;
                }
            }
            for (comp, delta) in &choice.scores {
                *self.scores.entry(comp.clone()).or_insert(0) -= delta;
            }
            if self.capped {
                break;
            }
        }
        self.on_path[at] = false;
    }

    /// Branches and endings the scores never select (only meaningful after a complete walk).
    fn play_findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (ni, node) in self.scenario.nodes.iter().enumerate() {
            for (ci, choice) in node.choices.iter().enumerate() {
                let usage = &self.uses[ni][ci];
                if !usage.played {
                    continue;
                }
                for (bi, branch) in choice.branches.iter().enumerate() {
                    if !usage.branch_taken[bi] {
                        out.push(Finding::new(
                            Check::BranchNeverTaken,
                            Some(&node.id),
                            &[&choice.id],
                            format!(
                                "the branch `when = \"{}\"` (to `{}`) never holds when this \
                                 choice is made",
                                condition_text(&branch.when),
                                branch.to
                            ),
                        ));
                    }
                }
                if !choice.branches.is_empty() && !usage.fallback_taken {
                    out.push(Finding::new(
                        Check::BranchAlwaysTaken,
                        Some(&node.id),
                        &[&choice.id],
                        format!(
                            "a branch holds every time this choice is made: `to = \"{}\"` is \
                             never used",
                            choice.to
                        ),
                    ));
                }
            }
        }
        for (ni, node) in self.scenario.nodes.iter().enumerate() {
            if self.ending_in_graph[ni] && !self.ending_played[ni] {
                out.push(Finding::new(
                    Check::EndingNeverReached,
                    Some(&node.id),
                    &[],
                    "no play reaches this ending: the branch conditions leading here never \
                     hold"
                        .into(),
                ));
            }
        }
        out
    }
}
