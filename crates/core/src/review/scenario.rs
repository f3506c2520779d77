//! Per-scenario and per-learner views: completion, endings, scores, path flow, layout,
//! sub-optimal choices, competencies, times, drop-off, loops, first vs best attempt.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::{ContentKind, EndingKind, Scenario};
use crate::text::LocalText;

use super::class::{Attempt, Class};
use super::statement::Account;

/// Attempts that ended at one ending node.
#[derive(Clone, Debug, PartialEq)]
pub struct EndingCount {
    pub node: String,
    pub kind: Option<EndingKind>,
    /// Empty when the ending is not in the given scenario (another content version).
    pub title: LocalText,
    pub count: usize,
}

/// Completed attempts whose total score (sum of `competency-scores`) is in `from..=to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoreBucket {
    pub from: i64,
    pub to: i64,
    pub count: usize,
}

/// One choice at a node: how often it was taken and where it led.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceFlow {
    pub choice: String,
    pub text: LocalText,
    /// Scores as much as the best choice at this node.
    pub best: bool,
    /// Times taken (an attempt looping through the node counts each time).
    pub taken: usize,
    /// Attempts that took it at least once.
    pub attempts: usize,
    /// Destination node → times (branch destinations included).
    pub to: Vec<(String, usize)>,
}

/// One node of the flow diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeFlow {
    pub node: String,
    pub ending: Option<EndingKind>,
    /// Attempts that reached the node (the start: every attempt).
    pub attempts: usize,
    pub learners: usize,
    /// Decisions made here (more than `attempts` with loops).
    pub answers: usize,
    /// Median `result.duration` of the decisions made here.
    pub median_ms: Option<i64>,
    /// Unfinished attempts whose last node is this one.
    pub drop_offs: usize,
    /// Attempts that came here more than once.
    pub revisits: usize,
    /// In the scenario's order; choices never taken have `taken == 0`.
    pub choices: Vec<ChoiceFlow>,
}

/// One edge of the flow diagram: `from` --choice--> `to`, taken `count` times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowEdge {
    pub from: String,
    pub choice: String,
    pub to: String,
    pub count: usize,
}

/// A choice scoring below the node's best total, and how often it was taken.
#[derive(Clone, Debug, PartialEq)]
pub struct SubOptimal {
    pub node: String,
    pub choice: String,
    pub text: LocalText,
    pub taken: usize,
    /// `taken` / decisions at the node.
    pub share: f64,
    pub total: i32,
    pub best_total: i32,
    /// The feedback the learner saw after taking it.
    pub feedback: LocalText,
}

/// Class averages of one competency over completed attempts.
#[derive(Clone, Debug, PartialEq)]
pub struct CompetencyAverage {
    pub competency: String,
    /// Mean of `competency-levels` (0–5) where present.
    pub level: Option<f64>,
    pub level_n: usize,
    /// Mean of `competency-scores`.
    pub score: Option<f64>,
    pub score_n: usize,
}

/// Unfinished attempts by the last node they reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DropOff {
    pub node: String,
    pub attempts: usize,
}

/// Attempts that visited some node more than once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoopStats {
    pub attempts: usize,
    /// Node → attempts that came back to it, in the scenario's order.
    pub nodes: Vec<(String, usize)>,
}

/// Ending kinds and mean total score of one attempt per learner.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FirstBestSide {
    pub good: usize,
    pub mixed: usize,
    pub bad: usize,
    pub mean_total: Option<f64>,
}

/// First completed attempt vs best completed attempt (ending kind good > mixed > bad, then
/// total score), over learners with at least one completed attempt.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FirstBest {
    pub learners: usize,
    pub first: FirstBestSide,
    pub best: FirstBestSide,
    /// Learners whose best attempt is strictly better than their first.
    pub improved: usize,
    /// Attempts (finished or not) per learner who tried the scenario.
    pub attempts_per_learner: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioReview {
    pub scenario: String,
    pub title: LocalText,
    pub learners: usize,
    pub attempts: usize,
    pub completed: usize,
    /// `completed / attempts`; None without attempts.
    pub completion_rate: Option<f64>,
    /// Attempts taken on another content version than `scenario.version` (still counted;
    /// ids that no longer exist show up without titles).
    pub other_versions: usize,
    /// Every ending of the scenario (in its order, zero counts included), then endings
    /// reached that it does not have.
    pub endings: Vec<EndingCount>,
    pub scores: Vec<ScoreBucket>,
    /// Every node of the scenario, in its order.
    pub nodes: Vec<NodeFlow>,
    pub edges: Vec<FlowEdge>,
    /// Most taken first.
    pub sub_optimal: Vec<SubOptimal>,
    /// The scenario's competencies, in its order.
    pub competencies: Vec<CompetencyAverage>,
    /// Most frequent first.
    pub drop_off: Vec<DropOff>,
    pub loops: LoopStats,
    pub first_best: FirstBest,
}

/// The nodes an attempt went through, in order: the start, each decision's node and
/// destination, the ending.
fn visited<'a>(a: &'a Attempt, scenario: &'a Scenario) -> Vec<&'a str> {
    let mut seq: Vec<&str> = vec![scenario.start.as_str()];
    for c in &a.choices {
        if seq.last() != Some(&c.node.as_str()) {
            seq.push(&c.node);
        }
        if let Some(to) = &c.to {
            seq.push(to);
        }
    }
    if let Some(end) = a.finish.as_ref().and_then(|f| f.ending.as_deref()) {
        if seq.last() != Some(&end) {
            seq.push(end);
        }
    }
    seq
}

fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    })
}

fn mean(sum: f64, n: usize) -> Option<f64> {
    (n > 0).then(|| sum / n as f64)
}

fn kind_rank(k: Option<EndingKind>) -> i32 {
    match k {
        Some(EndingKind::Good) => 2,
        Some(EndingKind::Mixed) => 1,
        Some(EndingKind::Bad) => 0,
        None => -1,
    }
}

/// Class averages per competency of the scenario over completed attempts.
fn competency_averages(attempts: &[&Attempt], scenario: &Scenario) -> Vec<CompetencyAverage> {
    scenario
        .competencies
        .iter()
        .map(|comp| {
            let (mut ls, mut ln, mut ss, mut sn) = (0.0, 0, 0.0, 0);
            for f in attempts.iter().filter_map(|a| a.finish.as_ref()) {
                if let Some(l) = f.competency_levels.get(comp) {
                    ls += l;
                    ln += 1;
                }
                if let Some(s) = f.competency_scores.get(comp) {
                    ss += s;
                    sn += 1;
                }
            }
            CompetencyAverage {
                competency: comp.clone(),
                level: mean(ls, ln),
                level_n: ln,
                score: mean(ss, sn),
                score_n: sn,
            }
        })
        .collect()
}

fn buckets(totals: &[i64]) -> Vec<ScoreBucket> {
    let (Some(&lo), Some(&hi)) = (totals.iter().min(), totals.iter().max()) else {
        return Vec::new();
    };
    let span = hi - lo + 1;
    // One bucket per score up to 12 values, else about 10 equal buckets.
    let width = if span <= 12 { 1 } else { (span + 9) / 10 };
    let n = (span + width - 1) / width;
    let mut out: Vec<ScoreBucket> = (0..n)
        .map(|i| ScoreBucket {
            from: lo + i * width,
            to: lo + i * width + width - 1,
            count: 0,
        })
        .collect();
    for t in totals {
        out[((t - lo) / width) as usize].count += 1;
    }
    out
}

/// The review of one scenario over the class's attempts of it.
pub fn scenario_review(class: &Class, scenario: &Scenario) -> ScenarioReview {
    let attempts: Vec<&Attempt> = class
        .attempts_of(ContentKind::Scenario, &scenario.id)
        .collect();
    let completed: Vec<&Attempt> = attempts
        .iter()
        .copied()
        .filter(|a| a.is_completed())
        .collect();
    let learners: HashSet<usize> = attempts.iter().map(|a| a.learner).collect();

    // endings
    let mut endings: Vec<EndingCount> = scenario
        .endings()
        .map(|n| EndingCount {
            node: n.id.clone(),
            kind: n.ending.as_ref().map(|e| e.kind),
            title: n
                .ending
                .as_ref()
                .map(|e| e.title.clone())
                .unwrap_or_default(),
            count: 0,
        })
        .collect();
    for a in &completed {
        let f = a.finish.as_ref();
        let node = f.and_then(|f| f.ending.clone()).unwrap_or_default();
        match endings.iter_mut().find(|e| e.node == node) {
            Some(e) => e.count += 1,
            None => endings.push(EndingCount {
                node,
                kind: f.and_then(|f| f.ending_kind),
                title: LocalText::default(),
                count: 1,
            }),
        }
    }

    let totals: Vec<i64> = completed
        .iter()
        .filter_map(|a| a.total_score())
        .map(|t| t.round() as i64)
        .collect();

    // flow
    let node_index: HashMap<&str, usize> = scenario
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut nodes: Vec<NodeFlow> = scenario
        .nodes
        .iter()
        .map(|n| NodeFlow {
            node: n.id.clone(),
            ending: n.ending.as_ref().map(|e| e.kind),
            attempts: 0,
            learners: 0,
            answers: 0,
            median_ms: None,
            drop_offs: 0,
            revisits: 0,
            choices: n
                .choices
                .iter()
                .map(|c| ChoiceFlow {
                    choice: c.id.clone(),
                    text: c.text.clone(),
                    best: n.best_choice().is_some_and(|b| c.total() >= b.total()),
                    taken: 0,
                    attempts: 0,
                    to: Vec::new(),
                })
                .collect(),
        })
        .collect();
    let mut node_learners: Vec<HashSet<usize>> = vec![HashSet::new(); nodes.len()];
    let mut durations: Vec<Vec<i64>> = vec![Vec::new(); nodes.len()];
    let mut edges: BTreeMap<(usize, usize, String, String), usize> = BTreeMap::new();
    let mut loops = LoopStats::default();
    let mut loop_nodes = vec![0usize; nodes.len()];
    let mut drops: HashMap<String, usize> = HashMap::new();
    for a in &attempts {
        let seq = visited(a, scenario);
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for n in &seq {
            *counts.entry(n).or_default() += 1;
        }
        let mut looped = false;
        for (n, k) in &counts {
            if let Some(&i) = node_index.get(n) {
                nodes[i].attempts += 1;
                node_learners[i].insert(a.learner);
                if *k > 1 {
                    nodes[i].revisits += 1;
                    loop_nodes[i] += 1;
                }
            }
            looped |= *k > 1;
        }
        if looped {
            loops.attempts += 1;
        }
        if !a.is_completed() {
            if let Some(last) = seq.last() {
                *drops.entry((*last).to_owned()).or_default() += 1;
                if let Some(&i) = node_index.get(last) {
                    nodes[i].drop_offs += 1;
                }
            }
        }
        let mut took: HashSet<(&str, &str)> = HashSet::new();
        for c in &a.choices {
            let ni = node_index.get(c.node.as_str()).copied();
            if let Some(i) = ni {
                nodes[i].answers += 1;
                if let Some(d) = c.duration_ms {
                    durations[i].push(d);
                }
                if let Some(cf) = nodes[i].choices.iter_mut().find(|f| f.choice == c.choice) {
                    cf.taken += 1;
                    if took.insert((&c.node, &c.choice)) {
                        cf.attempts += 1;
                    }
                    if let Some(to) = &c.to {
                        match cf.to.iter_mut().find(|(t, _)| t == to) {
                            Some((_, k)) => *k += 1,
                            None => cf.to.push((to.clone(), 1)),
                        }
                    }
                }
            }
            if let Some(to) = &c.to {
                let ci = ni
                    .and_then(|i| {
                        scenario.nodes[i]
                            .choices
                            .iter()
                            .position(|x| x.id == c.choice)
                    })
                    .unwrap_or(usize::MAX);
                *edges
                    .entry((
                        ni.unwrap_or(usize::MAX),
                        ci,
                        c.node.clone(),
                        format!("{}\u{0}{}", c.choice, to),
                    ))
                    .or_default() += 1;
            }
        }
    }
    for (i, n) in nodes.iter_mut().enumerate() {
        n.learners = node_learners[i].len();
        n.median_ms = median(&mut durations[i]);
        for c in &mut n.choices {
            c.to.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
    }
    loops.nodes = scenario
        .nodes
        .iter()
        .zip(&loop_nodes)
        .filter(|(_, k)| **k > 0)
        .map(|(n, k)| (n.id.clone(), *k))
        .collect();
    let edges = edges
        .into_iter()
        .map(|((_, _, from, key), count)| {
            let (choice, to) = key.split_once('\u{0}').unwrap_or((&key, ""));
            FlowEdge {
                from,
                choice: choice.to_owned(),
                to: to.to_owned(),
                count,
            }
        })
        .collect();

    // sub-optimal choices
    let mut sub_optimal: Vec<(usize, usize, SubOptimal)> = Vec::new();
    for (i, n) in scenario.nodes.iter().enumerate() {
        let Some(best) = n.best_choice().map(|b| b.total()) else {
            continue;
        };
        for (j, c) in n.choices.iter().enumerate() {
            let taken = nodes[i].choices[j].taken;
            if c.total() < best && taken > 0 {
                sub_optimal.push((
                    i,
                    j,
                    SubOptimal {
                        node: n.id.clone(),
                        choice: c.id.clone(),
                        text: c.text.clone(),
                        taken,
                        share: taken as f64 / nodes[i].answers.max(1) as f64,
                        total: c.total(),
                        best_total: best,
                        feedback: c.feedback.clone(),
                    },
                ));
            }
        }
    }
    sub_optimal.sort_by(|a, b| b.2.taken.cmp(&a.2.taken).then((a.0, a.1).cmp(&(b.0, b.1))));

    let mut drop_off: Vec<DropOff> = drops
        .into_iter()
        .map(|(node, attempts)| DropOff { node, attempts })
        .collect();
    drop_off.sort_by(|a, b| {
        b.attempts.cmp(&a.attempts).then_with(|| {
            let ia = node_index.get(a.node.as_str()).unwrap_or(&usize::MAX);
            let ib = node_index.get(b.node.as_str()).unwrap_or(&usize::MAX);
            ia.cmp(ib).then_with(|| a.node.cmp(&b.node))
        })
    });

    ScenarioReview {
        scenario: scenario.id.clone(),
        title: scenario.title.clone(),
        learners: learners.len(),
        attempts: attempts.len(),
        completed: completed.len(),
        completion_rate: (!attempts.is_empty())
            .then(|| completed.len() as f64 / attempts.len() as f64),
        other_versions: attempts
            .iter()
            .filter(|a| a.version.as_deref().is_some_and(|v| v != scenario.version))
            .count(),
        endings,
        scores: buckets(&totals),
        nodes,
        edges,
        sub_optimal: sub_optimal.into_iter().map(|(_, _, s)| s).collect(),
        competencies: competency_averages(&completed, scenario),
        drop_off,
        loops,
        first_best: first_best(&attempts),
    }
}

fn first_best(attempts: &[&Attempt]) -> FirstBest {
    let mut by_learner: BTreeMap<usize, Vec<&Attempt>> = BTreeMap::new();
    for a in attempts {
        by_learner.entry(a.learner).or_default().push(a);
    }
    let mut fb = FirstBest {
        attempts_per_learner: mean(attempts.len() as f64, by_learner.len()),
        ..FirstBest::default()
    };
    let (mut first_sum, mut best_sum, mut first_n, mut best_n) = (0.0, 0.0, 0, 0);
    let key = |a: &Attempt| {
        (
            kind_rank(a.finish.as_ref().and_then(|f| f.ending_kind)),
            a.total_score().unwrap_or(f64::MIN),
        )
    };
    let tally =
        |side: &mut FirstBestSide, a: &Attempt| match a.finish.as_ref().and_then(|f| f.ending_kind)
        {
            Some(EndingKind::Good) => side.good += 1,
            Some(EndingKind::Mixed) => side.mixed += 1,
            Some(EndingKind::Bad) => side.bad += 1,
            None => {}
        };
    for list in by_learner.values() {
        let done: Vec<&Attempt> = list.iter().copied().filter(|a| a.is_completed()).collect();
        let Some(first) = done
            .iter()
            .copied()
            .min_by_key(|a| (a.started_ms, &a.registration))
        else {
            continue;
        };
        // the best; on a tie the earliest
        let mut best = first;
        for a in &done {
            if key(a).partial_cmp(&key(best)) == Some(std::cmp::Ordering::Greater) {
                best = a;
            }
        }
        fb.learners += 1;
        tally(&mut fb.first, first);
        tally(&mut fb.best, best);
        if let Some(t) = first.total_score() {
            first_sum += t;
            first_n += 1;
        }
        if let Some(t) = best.total_score() {
            best_sum += t;
            best_n += 1;
        }
        if key(best).partial_cmp(&key(first)) == Some(std::cmp::Ordering::Greater) {
            fb.improved += 1;
        }
    }
    fb.first.mean_total = mean(first_sum, first_n);
    fb.best.mean_total = mean(best_sum, best_n);
    fb
}

/// Layered layout for drawing the scenario: `(node id, layer, order within the layer)`,
/// sorted by layer then order.
///
/// Layers: longest path from the start over the graph without its back edges (edges to a
/// node on the current depth-first path, i.e. loops), so every forward edge points down.
/// Nodes unreachable from the start go to one extra layer at the bottom. Order: depth-first
/// discovery order, then one barycentre pass top-down (each node placed at the mean order of
/// its predecessors in earlier layers), which removes most crossings of typical scenarios.
pub fn flow_layout(scenario: &Scenario) -> Vec<(String, usize, usize)> {
    let n = scenario.nodes.len();
    let index: HashMap<&str, usize> = scenario
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let succ: Vec<Vec<usize>> = scenario
        .nodes
        .iter()
        .map(|node| {
            let mut out: Vec<usize> = Vec::new();
            for c in &node.choices {
                for t in c.targets() {
                    if let Some(&j) = index.get(t) {
                        if !out.contains(&j) {
                            out.push(j);
                        }
                    }
                }
            }
            out
        })
        .collect();
    // iterative DFS: discovery order and back edges
    let (mut state, mut discovery) = (vec![0u8; n], Vec::with_capacity(n)); // 0 new, 1 on path, 2 done
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); n];
    if let Some(&s) = index.get(scenario.start.as_str()) {
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        state[s] = 1;
        discovery.push(s);
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = succ[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        forward[v].push(w);
                        state[w] = 1;
                        discovery.push(w);
                        stack.push((w, 0));
                    }
                    1 => {} // back edge: a loop
                    _ => forward[v].push(w),
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // longest path over the forward edges, in reverse post-order = a topological order
    let mut layer = vec![0usize; n];
    let mut indegree = vec![0usize; n];
    for v in &discovery {
        for &w in &forward[*v] {
            indegree[w] += 1;
        }
    }
    let mut ready: Vec<usize> = discovery
        .iter()
        .copied()
        .filter(|v| indegree[*v] == 0)
        .collect();
    while let Some(v) = ready.pop() {
        for &w in &forward[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    let reached: HashSet<usize> = discovery.iter().copied().collect();
    let bottom = discovery.iter().map(|v| layer[*v] + 1).max().unwrap_or(0);
    let mut order_of: Vec<usize> = (0..n).collect();
    let mut all: Vec<usize> = discovery.clone();
    for (v, lv) in layer.iter_mut().enumerate() {
        if !reached.contains(&v) {
            *lv = bottom;
            all.push(v);
        }
    }
    let layers = all.iter().map(|v| layer[*v] + 1).max().unwrap_or(0);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for v in all {
        rows[layer[v]].push(v);
    }
    for row in &rows {
        for (k, v) in row.iter().enumerate() {
            order_of[*v] = k;
        }
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (v, ws) in forward.iter().enumerate() {
        for &w in ws {
            preds[w].push(v);
        }
    }
    for (l, row) in rows.iter_mut().enumerate().skip(1) {
        let mut keyed: Vec<(f64, usize, usize)> = row
            .iter()
            .map(|&v| {
                let p: Vec<f64> = preds[v]
                    .iter()
                    .filter(|u| layer[**u] < l)
                    .map(|u| order_of[*u] as f64)
                    .collect();
                let key = if p.is_empty() {
                    order_of[v] as f64
                } else {
                    p.iter().sum::<f64>() / p.len() as f64
                };
                (key, order_of[v], v)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        *row = keyed.into_iter().map(|(_, _, v)| v).collect();
        for (k, v) in row.iter().enumerate() {
            order_of[*v] = k;
        }
    }
    rows.iter()
        .enumerate()
        .flat_map(|(l, row)| {
            row.iter()
                .enumerate()
                .map(move |(k, v)| (scenario.nodes[*v].id.clone(), l, k))
        })
        .collect()
}

/// One decision of a learner.
#[derive(Clone, Debug, PartialEq)]
pub struct PathStep {
    pub node: String,
    pub choice: String,
    /// The choice's text (empty when the scenario does not have it).
    pub text: LocalText,
    pub to: Option<String>,
    pub at_ms: i64,
    pub duration_ms: Option<i64>,
    pub deltas: BTreeMap<String, f64>,
    /// Scored below the node's best total (from the scenario; `result.success == false`
    /// when the scenario does not know the choice).
    pub sub_optimal: bool,
    /// The 1-based place the choice was shown at; None when not recorded.
    pub shown_position: Option<u32>,
    /// The node's choice ids in the order the learner saw them; None when not recorded (an
    /// attempt recorded before the shuffle, shown in the written order, or another tool's).
    pub shown_order: Option<Vec<String>>,
    /// The node's choice ids as written in the scenario (empty when it does not have the
    /// node): what to show when the order seen is unknown.
    pub written_order: Vec<String>,
}

/// One attempt of a learner with its path.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptPath {
    pub registration: String,
    /// 1-based, oldest first.
    pub number: usize,
    pub started_ms: i64,
    pub completed: bool,
    pub duration_ms: Option<i64>,
    pub steps: Vec<PathStep>,
    pub ending: Option<String>,
    pub ending_kind: Option<EndingKind>,
    pub ending_title: LocalText,
    pub total: Option<f64>,
    /// The scenario's competencies in its order: (id, level 0–5, score).
    pub competencies: Vec<(String, Option<f64>, Option<f64>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LearnerReview {
    pub account: Account,
    pub name: String,
    pub last_synced_ms: Option<i64>,
    /// Attempts of the scenario, oldest first (empty when the learner is not in the class).
    pub attempts: Vec<AttemptPath>,
    /// The class's averages, for comparison.
    pub class_average: Vec<CompetencyAverage>,
}

/// One learner's attempts of one scenario, with the class average per competency.
pub fn learner_review(class: &Class, account: &Account, scenario: &Scenario) -> LearnerReview {
    let all: Vec<&Attempt> = class
        .attempts_of(ContentKind::Scenario, &scenario.id)
        .collect();
    let completed: Vec<&Attempt> = all.iter().copied().filter(|a| a.is_completed()).collect();
    let class_average = competency_averages(&completed, scenario);
    let Some((li, learner)) = class.learner(account) else {
        return LearnerReview {
            account: account.clone(),
            name: account.name.clone(),
            last_synced_ms: None,
            attempts: Vec::new(),
            class_average,
        };
    };
    let attempts = all
        .iter()
        .filter(|a| a.learner == li)
        .enumerate()
        .map(|(k, a)| {
            let steps = a
                .choices
                .iter()
                .map(|c| {
                    let node = scenario.node(&c.node);
                    let choice = node.and_then(|n| n.choice(&c.choice));
                    let best = node.and_then(|n| n.best_choice()).map(|b| b.total());
                    let sub_optimal = match (choice, best) {
                        (Some(ch), Some(b)) => ch.total() < b,
                        _ => c.success == Some(false),
                    };
                    PathStep {
                        node: c.node.clone(),
                        choice: c.choice.clone(),
                        text: choice.map(|ch| ch.text.clone()).unwrap_or_default(),
                        to: c.to.clone(),
                        at_ms: c.at_ms,
                        duration_ms: c.duration_ms,
                        deltas: c.deltas.clone(),
                        sub_optimal,
                        shown_position: c.shown_position,
                        shown_order: (!c.shown_order.is_empty()).then(|| c.shown_order.clone()),
                        written_order: node
                            .map(|n| n.choices.iter().map(|x| x.id.clone()).collect())
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let f = a.finish.as_ref();
            let ending = f.and_then(|f| f.ending.clone());
            let ending_title = ending
                .as_deref()
                .and_then(|e| scenario.node(e))
                .and_then(|n| n.ending.as_ref())
                .map(|e| e.title.clone())
                .unwrap_or_default();
            AttemptPath {
                registration: a.registration.clone(),
                number: k + 1,
                started_ms: a.started_ms,
                completed: a.is_completed(),
                duration_ms: f.and_then(|f| f.duration_ms),
                steps,
                ending,
                ending_kind: f.and_then(|f| f.ending_kind),
                ending_title,
                total: a.total_score(),
                competencies: scenario
                    .competencies
                    .iter()
                    .map(|c| {
                        (
                            c.clone(),
                            f.and_then(|f| f.competency_levels.get(c).copied()),
                            f.and_then(|f| f.competency_scores.get(c).copied()),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    LearnerReview {
        account: learner.account.clone(),
        name: learner.name.clone(),
        last_synced_ms: Some(learner.last_synced_ms),
        attempts,
        class_average,
    }
}
