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

/// Lines of a scenario's source, to point findings at.
#[derive(Clone, Debug, Default)]
pub struct SourceLines {
    pub id: Option<usize>,
    pub nodes: HashMap<String, usize>,
    pub choices: HashMap<(String, String), usize>,
}

impl SourceLines {
    /// Reads the node and choice lines of a scenario source (empty when it does not parse).
    pub fn of(src: &str) -> Self {
        let line = |offset: usize| {
            src[..offset.min(src.len())]
                .bytes()
                .filter(|b| *b == b'\n')
                .count()
                + 1
        };
        let Ok(parsed) = toml::from_str::<SrcScenario>(src) else {
            return Self::default();
        };
        let mut lines = Self {
            id: Some(line(parsed.id.span().start)),
            ..Self::default()
        };
        for n in &parsed.nodes {
            let nid = n.id.get_ref().clone();
            lines.nodes.insert(nid.clone(), line(n.id.span().start));
            for c in &n.choices {
                lines.choices.insert(
                    (nid.clone(), c.id.get_ref().clone()),
                    line(c.id.span().start),
                );
            }
        }
        lines
    }

    /// The line a finding is about: its choice, else its node, else the scenario's id.
    pub fn line_of(&self, finding: &Finding) -> Option<usize> {
        match (&finding.node, finding.choices.first()) {
            (Some(n), Some(c)) => self
                .choices
                .get(&(n.clone(), c.clone()))
                .or_else(|| self.nodes.get(n))
                .copied(),
            (Some(n), None) => self.nodes.get(n).copied(),
            (None, _) => self.id,
        }
    }
}

/// One scenario's report and the file it was compiled from.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    pub file: PathBuf,
    #[serde(flatten)]
    pub report: ScenarioReport,
}

/// The length cue of a module's single and multiple choice items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModuleTrust {
    pub id: String,
    pub file: PathBuf,
    /// Single and multiple choice items (practice and check).
    pub items: usize,
    /// Items whose key is strictly the longest option (all keys longer, for multiple).
    pub key_longest: usize,
    /// How many items have their first key at written position 1, 2, 3, … (before shuffling).
    pub first_key_position: Vec<usize>,
}

fn module_trust(module: &Module, file: PathBuf) -> ModuleTrust {
    let mut t = ModuleTrust {
        id: module.id.clone(),
        file,
        items: 0,
        key_longest: 0,
        first_key_position: Vec::new(),
    };
    let items = module
        .lessons
        .iter()
        .map(|l| &l.practice)
        .chain(&module.check.items);
    for cue in items.filter_map(trust::key_cue) {
        t.items += 1;
        t.key_longest += usize::from(cue.key_longest);
        if t.first_key_position.len() <= cue.first_key_position {
            t.first_key_position.resize(cue.first_key_position + 1, 0);
        }
        t.first_key_position[cue.first_key_position] += 1;
    }
    t
}

/// The library's trust figures, and whether they pass the bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LibraryTrust {
    pub scenarios: usize,
    /// Scenarios where always taking the longest choice can reach a good ending.
    pub longest_wins: usize,
    /// Scenarios where always taking the shortest choice can reach a good ending.
    pub shortest_wins: usize,
    pub nodes_with_best: usize,
    pub best_longest: usize,
    pub best_longest_percent: u32,
    pub items: usize,
    pub key_longest: usize,
    pub key_longest_percent: u32,
    pub dilemma_nodes: usize,
    pub scenarios_without_dilemma: usize,
}

impl LibraryTrust {
    /// The library-wide failures (the per-scenario ones are findings).
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.best_longest_percent > MAX_LONGEST_SHARE_PERCENT {
            out.push(format!(
                "the best choice is strictly the longest at {} % of decision nodes ({} of {}); \
                 the limit is {MAX_LONGEST_SHARE_PERCENT} %",
                self.best_longest_percent, self.best_longest, self.nodes_with_best
            ));
        }
        if self.key_longest_percent > MAX_LONGEST_SHARE_PERCENT {
            out.push(format!(
                "the key is strictly the longest option in {} % of items ({} of {}); the limit \
                 is {MAX_LONGEST_SHARE_PERCENT} %",
                self.key_longest_percent, self.key_longest, self.items
            ));
        }
        out
    }
}

pub fn library_trust(scenarios: &[FileReport], modules: &[ModuleTrust]) -> LibraryTrust {
    let mut t = LibraryTrust {
        scenarios: scenarios.len(),
        ..LibraryTrust::default()
    };
    for r in scenarios {
        let s = &r.report.trust;
        t.longest_wins += usize::from(s.naive_wins(Naive::Longest));
        t.shortest_wins += usize::from(s.naive_wins(Naive::Shortest));
        t.nodes_with_best += s.nodes_with_best;
        t.best_longest += s.best_longest;
        t.dilemma_nodes += s.dilemmas.len();
        t.scenarios_without_dilemma += usize::from(s.dilemmas.is_empty());
    }
    for m in modules {
        t.items += m.items;
        t.key_longest += m.key_longest;
    }
    t.best_longest_percent = trust::percent(t.best_longest, t.nodes_with_best);
    t.key_longest_percent = trust::percent(t.key_longest, t.items);
    t
}

/// Content whose `reviewed` date is older than `max_age_days` before `today` (days since
/// 1970-01-01), or missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stale {
    pub kind: crate::model::ContentKind,
    pub id: String,
    pub reviewed: Option<String>,
}

pub fn stale_content(meta: &[ContentMeta], today: i64, max_age_days: i64) -> Vec<Stale> {
    meta.iter()
        .filter(|m| {
            m.reviewed
                .as_deref()
                .and_then(days_of)
                .is_none_or(|d| today - d > max_age_days)
        })
        .map(|m| Stale {
            kind: m.kind,
            id: m.id.clone(),
            reviewed: m.reviewed.clone(),
        })
        .collect()
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn days_of(date: &str) -> Option<i64> {
    if !super::validate::is_iso_date(date) {
        return None;
    }
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: u32 = date.get(5..7)?.parse().ok()?;
    let d: u32 = date.get(8..10)?.parse().ok()?;
    Some(crate::calendar::days_from_civil(y, m, d))
}

/// Everything `boiduong-content report` prints.
#[derive(Clone, Debug, Serialize)]
pub struct LibraryReport {
    pub scenarios: Vec<FileReport>,
    pub modules: Vec<ModuleTrust>,
    pub trust: LibraryTrust,
    #[serde(skip)]
    pub meta: Vec<ContentMeta>,
}

/// Compiles `root` and reports on its scenarios and modules.
pub fn report_library(root: &Path) -> Result<LibraryReport, Vec<Diagnostic>> {
    let compiled = compile_dir(root)?;
    let scenarios = scenario_reports(root, &compiled.contents);
    let mut modules: Vec<ModuleTrust> = compiled
        .contents
        .iter()
        .filter_map(|c| match c {
            Content::Module(m) => Some(module_trust(
                m,
                root.join("modules").join(format!("{}.toml", m.id)),
            )),
            Content::Scenario(_) => None,
        })
        .collect();
    modules.sort_by(|a, b| a.file.cmp(&b.file));
    let trust = library_trust(&scenarios, &modules);
    Ok(LibraryReport {
        scenarios,
        modules,
        trust,
        meta: compiled.meta,
    })
}

/// Compiles `root` and reports on each of its scenarios, findings pointed at source lines.
/// Fails with the compiler's diagnostics when the content does not compile.
pub fn report_dir(root: &Path) -> Result<Vec<FileReport>, Vec<Diagnostic>> {
    let compiled = compile_dir(root)?;
    Ok(scenario_reports(root, &compiled.contents))
}

fn scenario_reports(root: &Path, contents: &[Content]) -> Vec<FileReport> {
    let mut out: Vec<FileReport> = contents
        .iter()
        .filter_map(|c| match c {
            Content::Scenario(s) => Some(s),
            Content::Module(_) => None,
        })
        .map(|s| {
            let file = root.join("scenarios").join(format!("{}.toml", s.id));
            let lines = read_source(&file)
                .map(|src| SourceLines::of(&src))
                .unwrap_or_default();
            let mut report = analyse(s);
            for f in &mut report.findings {
                f.line = lines.line_of(f);
            }
            FileReport { file, report }
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

#[cfg(test)]
mod tests {
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
        let checks: Vec<(Check, Severity)> =
            r.findings.iter().map(|f| (f.check, f.severity)).collect();
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
}
