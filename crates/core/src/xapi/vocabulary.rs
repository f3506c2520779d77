//! The profile's vocabulary: verb IRIs (with their display names), activity type IRIs and
//! extension names. The IRIs built from the portal's base are in [`super::iri`].

use super::types::{LanguageMap, Verb};

/// Verb IRIs (ADL vocabulary, the ones cmi5 uses).
pub mod verbs {
    pub const LAUNCHED: &str = "http://adlnet.gov/expapi/verbs/launched";
    pub const INITIALIZED: &str = "http://adlnet.gov/expapi/verbs/initialized";
    pub const EXPERIENCED: &str = "http://adlnet.gov/expapi/verbs/experienced";
    pub const PROGRESSED: &str = "http://adlnet.gov/expapi/verbs/progressed";
    pub const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";
    pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
    pub const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
    pub const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
    pub const TERMINATED: &str = "http://adlnet.gov/expapi/verbs/terminated";
    /// A learner joined their class (object: the class activity).
    pub const JOINED: &str = "http://activitystrea.ms/join";
}

/// Activity type IRIs (ADL vocabulary).
pub mod activity_types {
    pub const MODULE: &str = "http://adlnet.gov/expapi/activities/module";
    pub const LESSON: &str = "http://adlnet.gov/expapi/activities/lesson";
    pub const INTERACTION: &str = "http://adlnet.gov/expapi/activities/cmi.interaction";
    pub const SIMULATION: &str = "http://adlnet.gov/expapi/activities/simulation";
    pub const PROFILE: &str = "http://adlnet.gov/expapi/activities/profile";
    /// A module's pre-test.
    pub const ASSESSMENT: &str = "http://adlnet.gov/expapi/activities/assessment";
    /// A module's evaluation form (đánh giá khóa học).
    pub const SURVEY: &str = "http://id.tincanapi.com/activitytype/survey";
}

/// cmi5's progress result extension (integer percent 0..=100), reused as is.
pub const CMI5_PROGRESS: &str = "https://w3id.org/xapi/cmi5/result/extensions/progress";

/// Extension names; the IRI is `{base}/extensions/{name}` ([`StatementContext::extension`]).
pub mod ext {
    /// context: the content version (hash) the attempt was taken on.
    pub const CONTENT_VERSION: &str = "content-version";
    /// context: the class code (mã lớp); absent when the learner has none.
    pub const CLASS_CODE: &str = "class-code";
    /// context: the attempt-log sequence number of the event that produced the statement.
    pub const EVENT_SEQ: &str = "event-seq";
    /// context: `practice` (lesson practice item), `check` (knowledge-check item) or
    /// `pretest` (pre-test item).
    pub const ITEM_ROLE: &str = "item-role";
    /// context, every statement of a practice-only attempt (taken offline): `true`.
    pub const PRACTICE_ONLY: &str = "practice-only";
    /// result, completed and passed/failed of a pool's attempt: the drawn item ids.
    pub const DRAWN_ITEMS: &str = "drawn-items";
    /// result, completed and passed/failed of a pool's attempt: the draw's seed.
    pub const DRAW_SEED: &str = "draw-seed";
    /// context, self-ratings taken with a module: `before` | `after`.
    pub const RATING_PHASE: &str = "rating-phase";
    /// context, self-ratings taken with a module: the module attempt's id (its registration).
    pub const MODULE_ATTEMPT: &str = "module-attempt";
    /// context, self-ratings when the learner shares their profile: the position id.
    pub const POSITION: &str = "position";
    /// context: the scenario node the statement is about (the ending on `completed`).
    pub const NODE_ID: &str = "node-id";
    /// context: the module's pass mark in points (on `passed`/`failed`).
    pub const PASS_POINTS: &str = "pass-points";
    /// result: `{competency: delta}` earned by a scenario choice.
    pub const COMPETENCY_DELTAS: &str = "competency-deltas";
    /// result: the node a scenario choice led to.
    pub const NEXT_NODE: &str = "next-node";
    /// result: the ending node id of a completed scenario.
    pub const ENDING: &str = "ending";
    /// result: `good` | `mixed` | `bad`.
    pub const ENDING_KIND: &str = "ending-kind";
    /// result: `{competency: sum of deltas}` over the path.
    pub const COMPETENCY_SCORES: &str = "competency-scores";
    /// result: `{competency: level 0..=5}` (closeness to the best choice, as the end screen),
    /// only for competencies some decision on the path could move.
    pub const COMPETENCY_LEVELS: &str = "competency-levels";
    /// result, single/multiple item answers and node answers of a shuffled attempt: the
    /// 1-based place the chosen option was shown at (an integer; for a multiple choice item
    /// an array, one place per id of `response`, in its order).
    pub const SHOWN_POSITION: &str = "shown-position";
    /// result, same statements: the option (or choice) ids in the order they were shown.
    pub const SHOWN_ORDER: &str = "shown-order";
}

pub(super) fn verb(id: &'static str) -> Verb {
    let (en, vi) = match id {
        verbs::LAUNCHED => ("launched", "đã mở"),
        verbs::INITIALIZED => ("initialized", "đã bắt đầu"),
        verbs::EXPERIENCED => ("experienced", "đã học"),
        verbs::PROGRESSED => ("progressed", "đã học tiếp"),
        verbs::ANSWERED => ("answered", "đã trả lời"),
        verbs::COMPLETED => ("completed", "đã hoàn thành"),
        verbs::PASSED => ("passed", "đã đạt"),
        verbs::FAILED => ("failed", "chưa đạt"),
        verbs::TERMINATED => ("terminated", "đã kết thúc"),
        verbs::JOINED => ("joined", "đã tham gia"),
        _ => ("", ""),
    };
    let mut display = LanguageMap::new();
    display.insert("en-US".into(), en.into());
    display.insert("vi".into(), vi.into());
    Verb {
        id: id.into(),
        display,
    }
}
