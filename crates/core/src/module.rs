//! The module engine: lessons each ending in a practice item, then a knowledge check.
//!
//! A module whose check is a question pool (`check.draw = N`) gives each attempt N items drawn
//! with a seeded PRNG ([`draw_items`]); the attempt records the seed and the drawn ids, and the
//! engine iterates the drawn items instead of the whole check. Without `draw`, every attempt
//! gets every check item, in order, as before.
//!
//! A pre-test ([`AttemptMode::PreTest`]) is an attempt of the module that skips the lessons and
//! takes only the (drawn) check items; [`normalised_gain`] compares it with a later check.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Answer, Check, Item, Module};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ModuleError {
    #[error("item `{0}` is not the item in front of the learner")]
    NotCurrentItem(String),
    #[error("item `{0}` was already answered")]
    AlreadyAnswered(String),
    #[error("the response does not fit item `{0}`")]
    BadResponse(String),
    #[error("the current step has not been answered yet")]
    NotAnswered,
    #[error("the module is finished")]
    Finished,
}

/// Where the learner is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "at", content = "index")]
pub enum Position {
    Lesson(usize),
    Check(usize),
    Done,
}

impl Position {
    /// For messages: `lesson 2`, `check 0`, `done` (no `Debug` formatting in the app).
    pub fn describe(&self) -> String {
        match self {
            Position::Lesson(i) => format!("lesson {i}"),
            Position::Check(i) => format!("check {i}"),
            Position::Done => "done".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResponse {
    pub item: String,
    pub answer: Answer,
    pub correct: bool,
}

/// What a module attempt is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptMode {
    /// Lessons, then the knowledge check (the post-test when a pre-test was taken).
    #[default]
    Full,
    /// The pre-test (kiểm tra đầu vào): the check items alone, before the lessons. Its result
    /// is a diagnosis, never a pass.
    PreTest,
}

impl AttemptMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptMode::Full => "full",
            AttemptMode::PreTest => "pre_test",
        }
    }

    pub fn is_full(&self) -> bool {
        *self == AttemptMode::Full
    }
}

/// The items one attempt of a question pool was given, and how they were drawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw {
    /// Seed of the PRNG (32 bits, so it survives a trip through JavaScript numbers).
    pub seed: u32,
    /// Drawn item ids, in the order the learner sees them. Replay uses these ids, never the
    /// PRNG, so an attempt still replays after the PRNG's output changes in a dependency update.
    pub items: Vec<String>,
    /// Pool items the draw kept out when it could (the learner's latest pre-test items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avoided: Vec<String>,
}

/// Draws `check.draw` items from a question pool: a seeded shuffle of the items not in `avoid`,
/// followed (only when too few remain) by a seeded shuffle of the avoided ones. None when the
/// check is not a pool. The same (check, seed, avoid) always gives the same draw.
pub fn draw_items(check: &Check, seed: u32, avoid: &[String]) -> Option<Draw> {
    let n = check.draw? as usize;
    let mut rng = fastrand::Rng::with_seed(u64::from(seed));
    let (mut fresh, mut used): (Vec<&Item>, Vec<&Item>) =
        check.items.iter().partition(|i| !avoid.contains(&i.id));
    rng.shuffle(&mut fresh);
    rng.shuffle(&mut used);
    let mut avoided: Vec<String> = used.iter().map(|i| i.id.clone()).collect();
    avoided.sort();
    let items = fresh
        .into_iter()
        .chain(used)
        .take(n)
        .map(|i| i.id.clone())
        .collect();
    Some(Draw {
        seed,
        items,
        avoided,
    })
}

/// Why a recorded draw does not fit a module.
pub fn check_draw(check: &Check, draw: Option<&Draw>) -> Result<(), String> {
    match (check.draw, draw) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err("the attempt drew items but the check is not a pool".into()),
        (Some(_), None) => Err("the check is a pool but the attempt drew no items".into()),
        (Some(n), Some(d)) => {
            let mut seen = std::collections::BTreeSet::new();
            if d.items.len() != n as usize {
                return Err(format!("{} items drawn, the pool gives {n}", d.items.len()));
            }
            for id in &d.items {
                if !check.items.iter().any(|i| &i.id == id) {
                    return Err(format!("drawn item `{id}` is not in the pool"));
                }
                if !seen.insert(id) {
                    return Err(format!("item `{id}` drawn twice"));
                }
            }
            Ok(())
        }
    }
}

/// The `i`-th check item of an attempt: of the drawn items when there are any, else of the
/// whole check.
pub fn check_item<'a>(module: &'a Module, drawn: Option<&[String]>, i: usize) -> Option<&'a Item> {
    match drawn {
        Some(ids) => ids
            .get(i)
            .and_then(|id| module.check.items.iter().find(|it| &it.id == id)),
        None => module.check.items.get(i),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleState {
    pub position: Position,
    /// Practice responses by lesson id.
    pub practice: BTreeMap<String, ItemResponse>,
    /// Knowledge-check responses by item id.
    pub check: BTreeMap<String, ItemResponse>,
    #[serde(default, skip_serializing_if = "AttemptMode::is_full")]
    pub mode: AttemptMode,
    /// The drawn check items (pools only); None = the whole check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawn: Option<Vec<String>>,
}

/// Score of the knowledge check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckScore {
    pub raw: u32,
    pub max: u32,
    pub pass: u32,
}

impl CheckScore {
    pub fn passed(&self) -> bool {
        self.raw >= self.pass
    }

    /// Scaled score in 0..=1 (xAPI `score.scaled`).
    pub fn scaled(&self) -> f64 {
        if self.max == 0 {
            0.0
        } else {
            f64::from(self.raw) / f64::from(self.max)
        }
    }
}

/// A pre-test compared with a later knowledge check of the same module.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gain {
    /// Pre-test score, 0..=100 %.
    pub pre_percent: f64,
    /// Post-test (knowledge check) score, 0..=100 %.
    pub post_percent: f64,
    /// Hake's normalised gain, see [`gain_from_percent`].
    pub normalised: f64,
}

/// Normalised gain g = (post − pre) / (100 − pre), percentages 0..=100: the share of what was
/// left to learn that was learned. Negative when the post-test is worse (it can fall below −1
/// when the pre-test was high). Defined for pre = 100 %, where nothing was left to learn, as
/// (post − 100) / 100: 0 when the post-test is perfect too, the loss on the whole scale
/// otherwise, so a learner who starts perfect is never shown a gain.
pub fn gain_from_percent(pre: f64, post: f64) -> f64 {
    let pre = pre.clamp(0.0, 100.0);
    let post = post.clamp(0.0, 100.0);
    if pre >= 100.0 {
        (post - 100.0) / 100.0
    } else {
        (post - pre) / (100.0 - pre)
    }
}

/// The gain between a pre-test and a post-test score (None when either has no points).
pub fn normalised_gain(pre: &CheckScore, post: &CheckScore) -> Option<Gain> {
    if pre.max == 0 || post.max == 0 {
        return None;
    }
    let pre_percent = pre.scaled() * 100.0;
    let post_percent = post.scaled() * 100.0;
    Some(Gain {
        pre_percent,
        post_percent,
        normalised: gain_from_percent(pre_percent, post_percent),
    })
}

impl Default for ModuleState {
    fn default() -> Self {
        Self::new()
    }
}

impl ModuleState {
    pub fn new() -> Self {
        Self::with(AttemptMode::Full, None)
    }

    /// A state for `mode` over the drawn items (None: the whole check). A pre-test starts at
    /// the first check item.
    pub fn with(mode: AttemptMode, drawn: Option<Vec<String>>) -> Self {
        Self {
            position: match mode {
                AttemptMode::Full => Position::Lesson(0),
                AttemptMode::PreTest => Position::Check(0),
            },
            practice: BTreeMap::new(),
            check: BTreeMap::new(),
            mode,
            drawn,
        }
    }

    /// The `i`-th check item of this attempt.
    pub fn check_item<'a>(&self, module: &'a Module, i: usize) -> Option<&'a Item> {
        check_item(module, self.drawn.as_deref(), i)
    }

    /// The check items of this attempt, in order (the drawn ones, or the whole check).
    pub fn check_items<'a>(&self, module: &'a Module) -> Vec<&'a Item> {
        (0..self.check_len(module))
            .filter_map(|i| self.check_item(module, i))
            .collect()
    }

    /// Number of check items this attempt is given.
    pub fn check_len(&self, module: &Module) -> usize {
        self.drawn
            .as_ref()
            .map_or(module.check.items.len(), Vec::len)
    }

    /// Number of lessons this attempt goes through (none in a pre-test).
    fn lesson_len(&self, module: &Module) -> usize {
        match self.mode {
            AttemptMode::Full => module.lessons.len(),
            AttemptMode::PreTest => 0,
        }
    }

    /// The item in front of the learner, if any.
    pub fn current_item<'a>(&self, module: &'a Module) -> Option<&'a Item> {
        match self.position {
            Position::Lesson(i) => module.lessons.get(i).map(|l| &l.practice),
            Position::Check(i) => self.check_item(module, i),
            Position::Done => None,
        }
    }

    /// The learner's response to the current item, once given.
    pub fn current_response(&self, module: &Module) -> Option<&ItemResponse> {
        match self.position {
            Position::Lesson(i) => module.lessons.get(i).and_then(|l| self.practice.get(&l.id)),
            Position::Check(i) => self
                .check_item(module, i)
                .and_then(|it| self.check.get(&it.id)),
            Position::Done => None,
        }
    }

    /// Checks and scores a response to the current item without changing the state.
    pub fn evaluate(
        &self,
        module: &Module,
        item_id: &str,
        answer: &Answer,
    ) -> Result<ItemResponse, ModuleError> {
        let item = self.current_item(module).ok_or(ModuleError::Finished)?;
        if item.id != item_id {
            return Err(ModuleError::NotCurrentItem(item_id.to_owned()));
        }
        if self.current_response(module).is_some() {
            return Err(ModuleError::AlreadyAnswered(item_id.to_owned()));
        }
        if !item.accepts(answer) {
            return Err(ModuleError::BadResponse(item_id.to_owned()));
        }
        Ok(ItemResponse {
            item: item.id.clone(),
            answer: answer.clone(),
            correct: item.is_correct(answer),
        })
    }

    pub fn apply_answer(
        &mut self,
        module: &Module,
        response: ItemResponse,
    ) -> Result<(), ModuleError> {
        let checked = self.evaluate(module, &response.item, &response.answer)?;
        match self.position {
            Position::Lesson(i) => {
                let lesson = &module.lessons[i];
                self.practice.insert(lesson.id.clone(), checked);
            }
            Position::Check(_) => {
                self.check.insert(checked.item.clone(), checked);
            }
            Position::Done => return Err(ModuleError::Finished),
        }
        Ok(())
    }

    /// Where "Continue" leads from here.
    pub fn next_position(&self, module: &Module) -> Result<Position, ModuleError> {
        if self.position == Position::Done {
            return Err(ModuleError::Finished);
        }
        if self.current_response(module).is_none() {
            return Err(ModuleError::NotAnswered);
        }
        let checks = self.check_len(module);
        Ok(match self.position {
            Position::Lesson(i) if i + 1 < self.lesson_len(module) => Position::Lesson(i + 1),
            Position::Lesson(_) if checks == 0 => Position::Done,
            Position::Lesson(_) => Position::Check(0),
            Position::Check(i) if i + 1 < checks => Position::Check(i + 1),
            Position::Check(_) | Position::Done => Position::Done,
        })
    }

    pub fn advance(&mut self, module: &Module) -> Result<Position, ModuleError> {
        self.position = self.next_position(module)?;
        Ok(self.position)
    }

    pub fn score(&self, module: &Module) -> CheckScore {
        // Only the attempt's own items count: with a pool, `pass_points` is out of the drawn ones.
        let raw = self
            .check_items(module)
            .into_iter()
            .filter(|it| self.check.get(&it.id).is_some_and(|r| r.correct))
            .map(|it| it.points)
            .sum();
        CheckScore {
            raw,
            max: module.check.max_points(),
            pass: module.check.pass_points,
        }
    }

    /// (steps done, steps in all): a lesson or a check item is done once answered.
    pub fn progress(&self, module: &Module) -> (usize, usize) {
        let total = self.lesson_len(module) + self.check_len(module);
        (self.practice.len() + self.check.len(), total)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Check, ItemOption, Lesson};
    use crate::text::LocalText;

    fn item(id: &str, answer: Answer, points: u32) -> Item {
        Item {
            id: id.into(),
            prompt: LocalText::vi(id),
            options: ["a", "b", "c"]
                .iter()
                .map(|o| ItemOption {
                    id: (*o).into(),
                    text: LocalText::vi(*o),
                    feedback: None,
                    fixed: false,
                })
                .collect(),
            answer,
            explanation: LocalText::vi("why"),
            points,
        }
    }

    pub(crate) fn sample() -> Module {
        Module {
            id: "m".into(),
            version: "v1".into(),
            field: "f".into(),
            title: LocalText::vi("M"),
            summary: LocalText::vi("M"),
            duration_min: 10,
            competencies: vec![],
            lessons: vec![
                Lesson {
                    id: "l1".into(),
                    title: LocalText::vi("L1"),
                    body_html: LocalText::vi("<p>x</p>"),
                    practice: item("p1", Answer::Single("a".into()), 1),
                },
                Lesson {
                    id: "l2".into(),
                    title: LocalText::vi("L2"),
                    body_html: LocalText::vi("<p>y</p>"),
                    practice: item("p2", Answer::TrueFalse(true), 1),
                },
            ],
            check: Check {
                pass_points: 3,
                draw: None,
                items: vec![
                    item("q1", Answer::Multiple(vec!["a".into(), "c".into()]), 2),
                    item(
                        "q2",
                        Answer::Ordering(vec!["c".into(), "a".into(), "b".into()]),
                        1,
                    ),
                    item("q3", Answer::Single("b".into()), 1),
                ],
            },
        }
    }

    fn answer(st: &mut ModuleState, m: &Module, a: Answer) -> bool {
        let id = st.current_item(m).expect("item").id.clone();
        let r = st.evaluate(m, &id, &a).expect("valid");
        let correct = r.correct;
        st.apply_answer(m, r).expect("apply");
        correct
    }

    // Guards the module flow: the learner cannot skip an unanswered step, and passes exactly
    // when the points reach the pass mark.
    #[test]
    fn full_run_and_pass_mark() {
        let m = sample();
        let mut st = ModuleState::new();
        assert_eq!(st.advance(&m), Err(ModuleError::NotAnswered));
        assert!(answer(&mut st, &m, Answer::Single("a".into())));
        assert_eq!(st.advance(&m), Ok(Position::Lesson(1)));
        assert!(!answer(&mut st, &m, Answer::TrueFalse(false)));
        assert_eq!(st.advance(&m), Ok(Position::Check(0)));
        // multiple choice: order of the selection does not matter
        assert!(answer(
            &mut st,
            &m,
            Answer::Multiple(vec!["c".into(), "a".into()])
        ));
        st.advance(&m).expect("next");
        assert!(!answer(
            &mut st,
            &m,
            Answer::Ordering(vec!["a".into(), "c".into(), "b".into()])
        ));
        st.advance(&m).expect("next");
        assert_eq!(st.score(&m).raw, 2);
        assert!(!st.score(&m).passed());
        assert!(answer(&mut st, &m, Answer::Single("b".into())));
        assert_eq!(st.advance(&m), Ok(Position::Done));
        let score = st.score(&m);
        assert_eq!((score.raw, score.max, score.pass), (3, 4, 3));
        assert!(score.passed());
        assert_eq!(st.progress(&m), (5, 5));
    }

    // Guards against a second answer to the same item overwriting the first.
    #[test]
    fn no_second_answer() {
        let m = sample();
        let mut st = ModuleState::new();
        answer(&mut st, &m, Answer::Single("b".into()));
        assert_eq!(
            st.evaluate(&m, "p1", &Answer::Single("a".into())),
            Err(ModuleError::AlreadyAnswered("p1".into()))
        );
    }

    // Guards against responses of the wrong shape or naming unknown options.
    #[test]
    fn malformed_responses_are_refused() {
        let m = sample();
        let st = ModuleState::new();
        assert!(st.evaluate(&m, "p1", &Answer::TrueFalse(true)).is_err());
        assert!(st.evaluate(&m, "p1", &Answer::Single("zz".into())).is_err());
        assert!(st.evaluate(&m, "q1", &Answer::Single("a".into())).is_err());
    }

    /// A module whose check is a pool of 6 one-point items, 2 drawn per attempt, pass mark 2.
    pub(crate) fn pool_sample() -> Module {
        let mut m = sample();
        m.id = "pool".into();
        m.check = Check {
            pass_points: 2,
            draw: Some(2),
            items: (1..=6)
                .map(|i| item(&format!("k{i}"), Answer::Single("a".into()), 1))
                .collect(),
        };
        m
    }

    // Guards the pool's engine: the attempt iterates its drawn items (in drawn order), not the
    // whole pool, and the pass mark is out of the drawn items' points.
    #[test]
    fn pool_attempt_iterates_the_drawn_items() {
        let m = pool_sample();
        let mut st = ModuleState::with(AttemptMode::Full, Some(vec!["k5".into(), "k2".into()]));
        assert_eq!(st.check_len(&m), 2);
        assert_eq!(st.progress(&m), (0, 4));
        answer(&mut st, &m, Answer::Single("a".into()));
        st.advance(&m).expect("next");
        answer(&mut st, &m, Answer::TrueFalse(true));
        assert_eq!(st.advance(&m), Ok(Position::Check(0)));
        assert_eq!(st.current_item(&m).map(|i| i.id.as_str()), Some("k5"));
        assert!(st.evaluate(&m, "k1", &Answer::Single("a".into())).is_err());
        answer(&mut st, &m, Answer::Single("a".into()));
        st.advance(&m).expect("next");
        assert_eq!(st.current_item(&m).map(|i| i.id.as_str()), Some("k2"));
        answer(&mut st, &m, Answer::Single("b".into()));
        assert_eq!(st.advance(&m), Ok(Position::Done));
        let score = st.score(&m);
        assert_eq!((score.raw, score.max, score.pass), (1, 2, 2));
        assert!(!score.passed());
        assert_eq!(st.progress(&m), (4, 4));
    }

    // Guards the pre-test flow: no lessons, straight to the check, done after the last item.
    #[test]
    fn pretest_skips_the_lessons() {
        let m = pool_sample();
        let mut st = ModuleState::with(AttemptMode::PreTest, Some(vec!["k1".into(), "k3".into()]));
        assert_eq!(st.position, Position::Check(0));
        assert_eq!(st.progress(&m), (0, 2));
        answer(&mut st, &m, Answer::Single("a".into()));
        assert_eq!(st.advance(&m), Ok(Position::Check(1)));
        answer(&mut st, &m, Answer::Single("a".into()));
        assert_eq!(st.advance(&m), Ok(Position::Done));
        assert!(st.practice.is_empty());
        assert_eq!(st.score(&m).raw, 2);
    }

    // Guards the draw's two promises on a pool of at least 2N: the same seed gives the same
    // items, and a post-test that avoids the pre-test's items shares none with it; when the
    // pool cannot avoid them all it still gives N items, the fresh ones first.
    #[test]
    fn draws_are_reproducible_and_avoid_the_pretest() {
        let m = pool_sample();
        let pre = draw_items(&m.check, 7, &[]).expect("pool");
        assert_eq!(pre, draw_items(&m.check, 7, &[]).expect("pool"));
        assert_eq!(pre.items.len(), 2);
        for seed in 0..50 {
            let post = draw_items(&m.check, seed, &pre.items).expect("pool");
            assert!(post.items.iter().all(|i| !pre.items.contains(i)), "{seed}");
            assert_eq!(post.avoided.len(), 2);
        }
        let avoid: Vec<String> = (1..=5).map(|i| format!("k{i}")).collect();
        let tight = draw_items(&m.check, 3, &avoid).expect("pool");
        assert_eq!(tight.items[0], "k6");
        assert_eq!(tight.items.len(), 2);
        assert!(draw_items(&sample().check, 3, &[]).is_none());
        assert_eq!(check_draw(&m.check, Some(&pre)), Ok(()));
        let twice = Draw {
            items: vec!["k1".into(), "k1".into()],
            ..pre.clone()
        };
        assert!(check_draw(&m.check, Some(&twice)).is_err());
        assert!(check_draw(&m.check, None).is_err());
        assert!(check_draw(&sample().check, Some(&pre)).is_err());
    }

    // Guards the gain formula: Hake's g, negative when the post-test is worse, and the
    // defined value at pre = 100 % (0 when still perfect, the loss otherwise).
    #[test]
    fn normalised_gain_cases() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(gain_from_percent(40.0, 70.0), 0.5));
        assert!(close(gain_from_percent(0.0, 100.0), 1.0));
        assert!(close(gain_from_percent(60.0, 60.0), 0.0));
        assert!(close(gain_from_percent(50.0, 25.0), -0.5));
        assert!(close(gain_from_percent(100.0, 100.0), 0.0));
        assert!(close(gain_from_percent(100.0, 80.0), -0.2));
        let s = |raw, max| CheckScore { raw, max, pass: 1 };
        let g = normalised_gain(&s(1, 4), &s(3, 4)).expect("gain");
        assert!(close(g.pre_percent, 25.0) && close(g.post_percent, 75.0));
        assert!(close(g.normalised, 2.0 / 3.0));
        assert!(normalised_gain(&s(0, 0), &s(1, 1)).is_none());
    }

    use proptest::prelude::*;

    proptest! {
        // Guards the draw for any seed, pool size and avoided set: N distinct pool items, the
        // same again from the same seed, none avoided while enough others remain.
        #[test]
        fn draw_gives_n_distinct_pool_items(
            seed in any::<u32>(),
            n in 1u32..6,
            extra in 0usize..8,
            avoid_mask in any::<u16>(),
        ) {
            let size = 2 * n as usize + extra;
            let check = Check {
                pass_points: 1,
                draw: Some(n),
                items: (0..size).map(|i| item(&format!("q{i}"), Answer::TrueFalse(true), 1)).collect(),
            };
            let avoid: Vec<String> = (0..size)
                .filter(|i| avoid_mask & (1 << (i % 16)) != 0)
                .map(|i| format!("q{i}"))
                .collect();
            let d = draw_items(&check, seed, &avoid).expect("pool");
            prop_assert_eq!(d.items.len(), n as usize);
            let distinct: std::collections::BTreeSet<&String> = d.items.iter().collect();
            prop_assert_eq!(distinct.len(), n as usize);
            prop_assert!(check_draw(&check, Some(&d)).is_ok());
            prop_assert_eq!(&d, &draw_items(&check, seed, &avoid).expect("pool"));
            let fresh = size - avoid.len();
            let avoided_used = d.items.iter().filter(|i| avoid.contains(i)).count();
            prop_assert_eq!(avoided_used, (n as usize).saturating_sub(fresh));
        }
    }
}
