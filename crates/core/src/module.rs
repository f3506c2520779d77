//! The module engine: lessons each ending in a practice item, then a knowledge check.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Answer, Item, Module};

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResponse {
    pub item: String,
    pub answer: Answer,
    pub correct: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleState {
    pub position: Position,
    /// Practice responses by lesson id.
    pub practice: BTreeMap<String, ItemResponse>,
    /// Knowledge-check responses by item id.
    pub check: BTreeMap<String, ItemResponse>,
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

impl Default for ModuleState {
    fn default() -> Self {
        Self::new()
    }
}

impl ModuleState {
    pub fn new() -> Self {
        Self {
            position: Position::Lesson(0),
            practice: BTreeMap::new(),
            check: BTreeMap::new(),
        }
    }

    /// The item in front of the learner, if any.
    pub fn current_item<'a>(&self, module: &'a Module) -> Option<&'a Item> {
        match self.position {
            Position::Lesson(i) => module.lessons.get(i).map(|l| &l.practice),
            Position::Check(i) => module.check.items.get(i),
            Position::Done => None,
        }
    }

    /// The learner's response to the current item, once given.
    pub fn current_response(&self, module: &Module) -> Option<&ItemResponse> {
        match self.position {
            Position::Lesson(i) => module.lessons.get(i).and_then(|l| self.practice.get(&l.id)),
            Position::Check(i) => module
                .check
                .items
                .get(i)
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
        Ok(match self.position {
            Position::Lesson(i) if i + 1 < module.lessons.len() => Position::Lesson(i + 1),
            Position::Lesson(_) if module.check.items.is_empty() => Position::Done,
            Position::Lesson(_) => Position::Check(0),
            Position::Check(i) if i + 1 < module.check.items.len() => Position::Check(i + 1),
            Position::Check(_) | Position::Done => Position::Done,
        })
    }

    pub fn advance(&mut self, module: &Module) -> Result<Position, ModuleError> {
        self.position = self.next_position(module)?;
        Ok(self.position)
    }

    pub fn score(&self, module: &Module) -> CheckScore {
        let raw = module
            .check
            .items
            .iter()
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
        let total = module.lessons.len() + module.check.items.len();
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
}
