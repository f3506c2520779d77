//! The learner's evaluation of a module (đánh giá khóa học): three Likert questions and what
//! they will do differently, optionally anonymous.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Shortest meaningful answer to "what will I do differently" (characters, trimmed).
pub const INTENDED_USE_MIN: usize = 5;
/// Longest answer to "what will I do differently" (characters).
pub const INTENDED_USE_MAX: usize = 1_000;
/// Longest free comment (characters).
pub const COMMENT_MAX: usize = 2_000;

/// The three Likert questions, in the order they are asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// "Học phần hữu ích cho công việc của tôi."
    Usefulness,
    /// "Nội dung được trình bày rõ ràng, dễ hiểu."
    Clarity,
    /// "Nội dung sát với nhiệm vụ ở vị trí của tôi."
    Relevance,
}

impl Question {
    pub const ALL: [Question; 3] = [Question::Usefulness, Question::Clarity, Question::Relevance];

    pub fn as_str(self) -> &'static str {
        match self {
            Question::Usefulness => "usefulness",
            Question::Clarity => "clarity",
            Question::Relevance => "relevance",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// A UUID the app generates. It is the xAPI registration, and, for an anonymous
    /// evaluation, the account name of the anonymous actor: it links to nothing else.
    pub id: String,
    /// The module evaluated.
    pub module: String,
    /// 1..=5 each.
    pub usefulness: u8,
    pub clarity: u8,
    pub relevance: u8,
    /// What I will do differently at work.
    pub intended_use: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub anonymous: bool,
    pub at_ms: i64,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EvaluationError {
    #[error("`{question}` must be 1..=5, not {value}")]
    OutOfRange { question: &'static str, value: u8 },
    #[error("say in at least {INTENDED_USE_MIN} characters what you will do differently")]
    IntendedUseTooShort,
    #[error("what you will do differently is limited to {INTENDED_USE_MAX} characters")]
    IntendedUseTooLong,
    #[error("the comment is limited to {COMMENT_MAX} characters")]
    CommentTooLong,
}

impl Evaluation {
    pub fn answer(&self, q: Question) -> u8 {
        match q {
            Question::Usefulness => self.usefulness,
            Question::Clarity => self.clarity,
            Question::Relevance => self.relevance,
        }
    }

    /// The comment, when there is one worth sending (not blank).
    pub fn comment(&self) -> Option<&str> {
        self.comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }

    /// Every problem at once, so the form can mark each field. Lengths count characters
    /// (Vietnamese letters are one character each, not their UTF-8 bytes).
    pub fn validate(&self) -> Result<(), Vec<EvaluationError>> {
        let mut errors = Vec::new();
        for q in Question::ALL {
            let value = self.answer(q);
            if !(1..=5).contains(&value) {
                errors.push(EvaluationError::OutOfRange {
                    question: q.as_str(),
                    value,
                });
            }
        }
        let used = self.intended_use.trim().chars().count();
        if used < INTENDED_USE_MIN {
            errors.push(EvaluationError::IntendedUseTooShort);
        } else if used > INTENDED_USE_MAX {
            errors.push(EvaluationError::IntendedUseTooLong);
        }
        if self
            .comment()
            .is_some_and(|c| c.chars().count() > COMMENT_MAX)
        {
            errors.push(EvaluationError::CommentTooLong);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
