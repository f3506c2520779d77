//! Trust figures: can a learner reach a good ending, or a right answer, without thinking?
//!
//! The portal shuffles choices and options per attempt, so position gives nothing away; what
//! is left to a guesser is the text itself. These pure functions measure the cues the content
//! still gives (the key is the longest option; always clicking the longest or the shortest
//! choice wins) and the design the library asks for instead (real dilemmas, no good ending
//! after harm). [`super::report`] turns them into figures and findings; the compiler refuses a
//! good ending after harm outright.
//!
//! Lengths are counted in characters (Unicode scalar values) of the Vietnamese text, the
//! language every learner sees first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::model::{Answer, Choice, EndingKind, Item, Node, Scenario};
use crate::text::LocalText;

/// Share (percent) of decision nodes, or of items, above which the library fails CI.
pub const MAX_LONGEST_SHARE_PERCENT: u32 = 40;

/// Steps a naive player takes before the walk gives up on a loop (scores change every step,
/// so a loop is detected by state; this only bounds pathological graphs).
const NAIVE_STEP_CAP: usize = 1_000;

/// Length of a text as the learner reads it first: characters of the Vietnamese.
pub fn text_len(text: &LocalText) -> usize {
    text.vi.chars().count()
}

/// A naive way of playing a scenario without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Naive {
    /// Always the longest choice (every tied choice is tried).
    Longest,
    /// Always the shortest choice (every tied choice is tried).
    Shortest,
}

impl Naive {
    pub const ALL: [Naive; 2] = [Naive::Longest, Naive::Shortest];

    pub fn as_str(self) -> &'static str {
        match self {
            Naive::Longest => "longest",
            Naive::Shortest => "shortest",
        }
    }

    /// The choices this strategy takes at a node (several on a tie).
    fn pick(self, node: &Node) -> Vec<&Choice> {
        let lens = node.choices.iter().map(|c| text_len(&c.text));
        let target = match self {
            Naive::Longest => lens.max(),
            Naive::Shortest => lens.min(),
        };
        node.choices
            .iter()
            .filter(|c| Some(text_len(&c.text)) == target)
            .collect()
    }
}

/// An ending a naive strategy can reach.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NaiveEnding {
    pub ending: String,
    pub kind: EndingKind,
}

/// The endings `strategy` reaches, played as the engine plays (branch conditions evaluated on
/// the accumulated scores). Ties are explored, so a strategy "wins" if any tie-break wins.
pub fn naive_endings(scenario: &Scenario, strategy: Naive) -> Vec<NaiveEnding> {
    let index: HashMap<&str, &Node> = scenario.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut found = BTreeSet::new();
    let mut seen: BTreeSet<(String, Vec<(String, i32)>)> = BTreeSet::new();
    let start: BTreeMap<String, i32> = scenario
        .competencies
        .iter()
        .map(|c| (c.clone(), 0))
        .collect();
    let mut stack = vec![(scenario.start.clone(), start, 0usize)];
    while let Some((at, scores, steps)) = stack.pop() {
        let Some(node) = index.get(at.as_str()) else {
            continue;
        };
        if let Some(ending) = &node.ending {
            found.insert(NaiveEnding {
                ending: node.id.clone(),
                kind: ending.kind,
            });
            continue;
        }
        let key = (
            at.clone(),
            scores.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        );
        if steps >= NAIVE_STEP_CAP || !seen.insert(key) {
            continue;
        }
        for choice in strategy.pick(node) {
            let mut next = scores.clone();
            for (c, d) in &choice.scores {
                *next.entry(c.clone()).or_insert(0) += d;
            }
            let to = resolve(choice, &next);
            stack.push((to.to_owned(), next, steps + 1));
        }
    }
    found.into_iter().collect()
}

/// Where a choice leads given the scores after it (the engine's rule: first branch that holds).
fn resolve<'a>(choice: &'a Choice, scores: &BTreeMap<String, i32>) -> &'a str {
    choice
        .branches
        .iter()
        .find(|b| b.when.holds(scores))
        .map_or(choice.to.as_str(), |b| b.to.as_str())
}

/// The choice with the strictly highest total score at a node, if there is one.
pub fn unique_best(node: &Node) -> Option<&Choice> {
    let best = node.choices.iter().map(Choice::total).max()?;
    let mut top = node.choices.iter().filter(|c| c.total() == best);
    let first = top.next()?;
    top.next().is_none().then_some(first)
}

/// Whether a decision node gives its best choice away by length: the best choice is strictly
/// longer than every other. None: not a decision node, or no unique best.
pub fn best_is_longest(node: &Node) -> Option<bool> {
    if node.choices.len() < 2 {
        return None;
    }
    let best = unique_best(node)?;
    let len = text_len(&best.text);
    Some(
        node.choices
            .iter()
            .filter(|c| c.id != best.id)
            .all(|c| text_len(&c.text) < len),
    )
}

/// The pairs of choices at a node that make it a real dilemma: neither harmful, both with a
/// positive total, totals within one point, each with its own consequence.
pub fn dilemma_pairs(node: &Node) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in node.choices.iter().enumerate() {
        for b in &node.choices[i + 1..] {
            let lawful = !a.harm && !b.harm;
            let positive = a.total() > 0 && b.total() > 0;
            let close = (a.total() - b.total()).abs() <= 1;
            let distinct = a.consequence.vi.trim() != b.consequence.vi.trim();
            if lawful && positive && close && distinct {
                out.push((a.id.clone(), b.id.clone()));
            }
        }
    }
    out
}

/// A good ending reachable on a path through a harmful choice.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HarmThenGood {
    /// The node and choice marked `harm` (the first one on the path).
    pub node: String,
    pub choice: String,
    /// The good ending reached.
    pub ending: String,
}

/// Every (harmful choice, good ending) pair such that some playable path takes the choice and
/// ends at the ending. Paths are played as the engine plays them; a state (node, scores, the
/// first harm taken) is explored once, so loops terminate.
pub fn good_endings_after_harm(scenario: &Scenario) -> Vec<HarmThenGood> {
    type Harm = Option<(String, String)>;
    type State = (String, Vec<(String, i32)>, Harm);
    let index: HashMap<&str, &Node> = scenario.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut found = BTreeSet::new();
    let mut seen: BTreeSet<State> = BTreeSet::new();
    let start: BTreeMap<String, i32> = scenario
        .competencies
        .iter()
        .map(|c| (c.clone(), 0))
        .collect();
    let mut stack: Vec<(String, BTreeMap<String, i32>, Harm)> =
        vec![(scenario.start.clone(), start, None)];
    while let Some((at, scores, harm)) = stack.pop() {
        let Some(node) = index.get(at.as_str()) else {
            continue;
        };
        if let Some(ending) = &node.ending {
            if let (EndingKind::Good, Some((n, c))) = (ending.kind, &harm) {
                found.insert(HarmThenGood {
                    node: n.clone(),
                    choice: c.clone(),
                    ending: node.id.clone(),
                });
            }
            continue;
        }
        let state = (
            at.clone(),
            scores.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            harm.clone(),
        );
        if !seen.insert(state) {
            continue;
        }
        for choice in &node.choices {
            let mut next = scores.clone();
            for (c, d) in &choice.scores {
                *next.entry(c.clone()).or_insert(0) += d;
            }
            let to = resolve(choice, &next).to_owned();
            let harm = harm
                .clone()
                .or_else(|| choice.harm.then(|| (node.id.clone(), choice.id.clone())));
            stack.push((to, next, harm));
        }
    }
    found.into_iter().collect()
}

/// How an item's key relates to its options' lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KeyCue {
    /// One option is strictly longer than every other, and it is the key (single) or one of
    /// the keys (multiple): a guesser who picks the longest option is rewarded.
    pub key_longest: bool,
    /// 0-based written position of the first keyed option.
    pub first_key_position: usize,
}

/// The length cue of a single or multiple choice item; None for other kinds.
pub fn key_cue(item: &Item) -> Option<KeyCue> {
    let keys: Vec<&str> = match &item.answer {
        Answer::Single(k) => vec![k.as_str()],
        Answer::Multiple(ks) => ks.iter().map(String::as_str).collect(),
        Answer::TrueFalse(_) | Answer::Ordering(_) => return None,
    };
    let is_key = |id: &str| keys.contains(&id);
    let longest = item.options.iter().map(|o| text_len(&o.text)).max()?;
    let mut at_longest = item.options.iter().filter(|o| text_len(&o.text) == longest);
    let strict = match (at_longest.next(), at_longest.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    };
    let first_key_position = item.options.iter().position(|o| is_key(&o.id))?;
    Some(KeyCue {
        key_longest: strict.is_some_and(|o| is_key(&o.id)),
        first_key_position,
    })
}

/// Whether an ending's title reads as a catch-all ("this or that happened"): two "hoặc".
pub fn is_catch_all(text: &LocalText) -> bool {
    text.vi.to_lowercase().matches("hoặc").count() >= 2
}

/// `part` of `whole` as a whole percentage, rounded down (0 of 0 is 0 %).
pub fn percent(part: usize, whole: usize) -> u32 {
    (part * 100)
        .checked_div(whole)
        .map_or(0, |p| u32::try_from(p).unwrap_or(100))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Branch, CompareOp, Comparison, Condition, ItemOption};
    use crate::scenario::tests::{choice, ending, node};

    fn text_choice(id: &str, text: &str, to: &str, scores: &[(&str, i32)]) -> Choice {
        let mut c = choice(id, to, scores);
        c.text = LocalText::vi(text);
        c.consequence = LocalText::vi(format!("hệ quả {id}"));
        c
    }

    fn scenario(nodes: Vec<Node>) -> Scenario {
        Scenario {
            id: "s".into(),
            version: "v".into(),
            field: "f".into(),
            title: LocalText::vi("t"),
            summary: LocalText::vi("s"),
            duration_min: 5,
            competencies: vec!["a".into(), "b".into()],
            delta_range: (-2, 2),
            start: "n1".into(),
            nodes,
        }
    }

    /// n1: long best / short weak; n2: same; endings by path.
    fn long_wins() -> Scenario {
        scenario(vec![
            node(
                "n1",
                vec![
                    text_choice("tot", "Làm đủ mọi bước cẩn thận", "n2", &[("a", 2)]),
                    text_choice("kem", "Bỏ qua", "n2", &[("a", -1)]),
                ],
            ),
            node(
                "n2",
                vec![
                    {
                        let mut c =
                            text_choice("tot2", "Giải thích rõ ràng, đầy đủ", "xau", &[("b", 2)]);
                        c.branches = vec![Branch {
                            when: Condition {
                                all: vec![Comparison {
                                    subject: "a".into(),
                                    op: CompareOp::Ge,
                                    value: 2,
                                }],
                            },
                            to: "hay".into(),
                        }];
                        c
                    },
                    text_choice("kem2", "Im lặng", "xau", &[("b", -1)]),
                ],
            ),
            ending("hay", EndingKind::Good),
            ending("xau", EndingKind::Bad),
        ])
    }

    // Guards the naive-strategy walk: always-longest follows branches on the accumulated
    // scores to the good ending; always-shortest reaches the bad one.
    #[test]
    fn naive_strategies_follow_the_engine() {
        let s = long_wins();
        let longest = naive_endings(&s, Naive::Longest);
        assert_eq!(
            longest,
            vec![NaiveEnding {
                ending: "hay".into(),
                kind: EndingKind::Good
            }]
        );
        let shortest = naive_endings(&s, Naive::Shortest);
        assert_eq!(shortest.len(), 1);
        assert_eq!(shortest[0].kind, EndingKind::Bad);
    }

    // Guards tie handling: on equal lengths every tied choice is tried, so a win through any
    // of them counts.
    #[test]
    fn ties_are_explored() {
        let mut s = long_wins();
        s.nodes[0].choices[1].text = LocalText::vi("Làm đủ mọi bước cẩn thậN");
        let kinds: Vec<EndingKind> = naive_endings(&s, Naive::Longest)
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert!(kinds.contains(&EndingKind::Good) && kinds.contains(&EndingKind::Bad));
    }

    // Guards the length cue: the unique best strictly longest counts; a tie on the best
    // score, or a longer weaker choice, does not.
    #[test]
    fn best_is_longest_only_when_strictly_longer() {
        let s = long_wins();
        assert_eq!(best_is_longest(&s.nodes[0]), Some(true));
        let mut n = s.nodes[0].clone();
        n.choices[1].text = LocalText::vi("Một câu trả lời còn dài hơn cả phương án tốt");
        assert_eq!(best_is_longest(&n), Some(false));
        n.choices[1].scores = n.choices[0].scores.clone();
        assert_eq!(best_is_longest(&n), None);
        assert_eq!(best_is_longest(&s.nodes[2]), None);
    }

    // Guards the dilemma definition: lawful, both positive, within one point, distinct
    // consequences; a harm mark or a 2-point gap disqualifies.
    #[test]
    fn dilemmas_need_two_close_lawful_positive_choices() {
        let mut n = node(
            "n",
            vec![
                text_choice("nhanh", "Nhanh", "e", &[("a", 2)]),
                text_choice("du", "Đủ", "e", &[("b", 1)]),
                text_choice("sai", "Sai", "e", &[("a", -2)]),
            ],
        );
        assert_eq!(dilemma_pairs(&n), vec![("nhanh".into(), "du".into())]);
        n.choices[1].harm = true;
        assert!(dilemma_pairs(&n).is_empty());
        n.choices[1].harm = false;
        n.choices[0].scores.insert("b".into(), 1);
        assert!(dilemma_pairs(&n).is_empty(), "3 against 1 is no dilemma");
        n.choices[0].scores.remove("b");
        n.choices[1].consequence = n.choices[0].consequence.clone();
        assert!(
            dilemma_pairs(&n).is_empty(),
            "same consequence is no trade-off"
        );
    }

    // Guards the harm rule's reachability: a good ending after a harm choice is found only
    // when the scores let the path reach it.
    #[test]
    fn good_ending_after_harm_is_found_on_playable_paths_only() {
        let mut s = long_wins();
        s.nodes[0].choices[1].harm = true; // "Bỏ qua": a = -1, so n2's branch never holds
        assert!(good_endings_after_harm(&s).is_empty());
        s.nodes[0].choices[1].scores.insert("a".into(), 3);
        assert_eq!(
            good_endings_after_harm(&s),
            vec![HarmThenGood {
                node: "n1".into(),
                choice: "kem".into(),
                ending: "hay".into()
            }]
        );
    }

    fn opt(id: &str, text: &str) -> ItemOption {
        ItemOption {
            id: id.into(),
            text: LocalText::vi(text),
            feedback: None,
            fixed: false,
        }
    }

    fn item(options: Vec<ItemOption>, answer: Answer) -> Item {
        Item {
            id: "q".into(),
            prompt: LocalText::vi("?"),
            options,
            answer,
            explanation: LocalText::vi("vì"),
            points: 1,
        }
    }

    // Guards the item cue: the strictly longest option is the key (single) or a key
    // (multiple); a tie for longest gives nothing away; other kinds are not measured.
    #[test]
    fn key_cues_of_single_and_multiple_items() {
        let opts = || {
            vec![
                opt("a", "ngắn"),
                opt("b", "dài hơn nhiều"),
                opt("c", "vừa vừa"),
            ]
        };
        let single = item(opts(), Answer::Single("b".into()));
        assert_eq!(
            key_cue(&single),
            Some(KeyCue {
                key_longest: true,
                first_key_position: 1
            })
        );
        let single = item(opts(), Answer::Single("c".into()));
        assert!(!key_cue(&single).expect("cue").key_longest);
        let multi = item(opts(), Answer::Multiple(vec!["a".into(), "b".into()]));
        assert!(key_cue(&multi).expect("cue").key_longest);
        let multi = item(opts(), Answer::Multiple(vec!["a".into(), "c".into()]));
        assert!(!key_cue(&multi).expect("cue").key_longest);
        let tie = item(
            vec![opt("a", "bằng nhau"), opt("b", "bằng nhaU"), opt("c", "x")],
            Answer::Single("a".into()),
        );
        assert!(!key_cue(&tie).expect("cue").key_longest);
        assert_eq!(key_cue(&item(vec![], Answer::TrueFalse(true))), None);
    }

    // Guards the catch-all heuristic on ending titles.
    #[test]
    fn catch_all_endings_say_or_twice() {
        assert!(is_catch_all(&LocalText::vi(
            "Hoặc hồ sơ bị trả, hoặc người dân khiếu nại"
        )));
        assert!(!is_catch_all(&LocalText::vi(
            "Hồ sơ được nhận hoặc hẹn lại"
        )));
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(0, 0), 0);
    }
}
