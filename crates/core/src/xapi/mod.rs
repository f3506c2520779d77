//! xAPI 1.0.3 statements for an attempt: the portal's xAPI profile (docs/xapi-profile.md).
//!
//! An attempt's log ([`AttemptEvent`]s) is mapped to statements by a pure function of the
//! log, the content version it was taken on, a [`StatementContext`] and an id source. Nothing
//! here reads a clock or a random source: timestamps come from `event.at_ms`, statement ids
//! from the caller (or [`derived_id`], which derives them from the attempt id, the event's
//! sequence number and the statement's place in that event, so that mapping the same log twice
//! gives byte-identical statements and re-sending them after a lost answer is idempotent).
//!
//! The statements of event `seq` depend only on events `0..=seq`: mapping a prefix of the log
//! gives a prefix of the statements, so the app maps the log after each recorded action and
//! queues the statements of the new events ([`statements_from`]).
//!
//! | event | statements |
//! |---|---|
//! | `Started` | `launched`, `initialized` (module or scenario) |
//! | `Answered` | `answered` (the item as a `cmi.interaction`) |
//! | `Advanced` | `experienced` (the lesson left, if a lesson) + `progressed` (module, unless done) |
//! | `Chose` | `answered` (the node as a `choice` interaction) |
//!
//! In an attempt whose choices and options are shuffled (an `order_seed` in `Started`), the
//! answers to single and multiple choice items and the scenario decisions also say where the
//! learner saw what they chose (`shown-position`, 1-based) and the order shown
//! (`shown-order`, the ids): the ids stay the statement's `response`.
//! | `Finished` | `completed` (+ `passed`/`failed` for full modules), `terminated` |
//!
//! A pre-test attempt's root activity is `{module}/pretest` (an `assessment`, parent the
//! module); its items carry `item-role` = `pretest` and its score goes on `completed`, with no
//! verdict, as for a practice-only attempt. Self-ratings and evaluations are mapped by
//! [`self_rating_statements`] (consent-gated) and [`evaluation_statements`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;
use uuid::Uuid;

use crate::attempt::{Action, Attempt, AttemptError, AttemptEvent, Outcome};
use crate::model::{Answer, Content, Item, Module, Node, Scenario};
use crate::module::{check_item, AttemptMode, Draw, ModuleState, Position};
use crate::scenario::{self, Step};
use crate::shuffle;
use crate::text::{Lang, LocalText};

mod class;
mod selfassess;

pub use class::{
    class_activity, class_code, class_id, class_registration, class_type, joined_statement,
    ClassCodeError,
};
pub use selfassess::{evaluation_statements, self_rating_statements};

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

#[derive(Debug, Error, PartialEq)]
pub enum XapiError {
    #[error("the attempt log does not fit the content: {0}")]
    Log(#[from] AttemptError),
    #[error("the attempt id `{0}` is not an RFC 4122 UUID (it is the statements' registration)")]
    Registration(String),
    #[error("the id source gave `{0}`, which is not an RFC 4122 UUID")]
    StatementId(String),
    #[error("the base `{0}` is not an absolute IRI")]
    Base(String),
    #[error("the account home page `{0}` is not an absolute IRI")]
    HomePage(String),
    #[error("time {0} ms is outside the years 0000-9999")]
    Time(i64),
    #[error("event {seq} does not fit the content: {reason}")]
    Inconsistent { seq: u32, reason: String },
    #[error("not a valid record to send: {0}")]
    Invalid(String),
}

/// The learner as an xAPI account agent (never an mbox: no e-mail leaves the device).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learner {
    /// Display name.
    pub name: String,
    /// IRI of the system that issued the account (e.g. the portal or the LRS).
    pub home_page: String,
    /// The account name there (e.g. the LRS account).
    pub account_name: String,
}

/// Everything a statement needs besides the log and the content. Keep it fixed for an attempt:
/// with derived ids, a different context gives a different body under the same id (409).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementContext {
    /// Base IRI of activity ids and extensions, e.g. `https://boiduong.example/xapi`.
    pub base: String,
    pub learner: Learner,
    /// Class code (mã lớp); empty when none.
    pub class_code: String,
    /// `context.platform`, e.g. `Boiduong 0.1.0 (web)`.
    pub platform: String,
    /// `context.language`: the interface language.
    pub language: Lang,
}

impl StatementContext {
    fn base(&self) -> &str {
        self.base.trim_end_matches('/')
    }

    /// `{base}/extensions/{name}`.
    pub fn extension(&self, name: &str) -> String {
        format!("{}/extensions/{name}", self.base())
    }

    pub fn profile_id(&self) -> String {
        format!("{}/profile", self.base())
    }

    pub fn field_type(&self) -> String {
        format!("{}/activity-types/field", self.base())
    }

    pub fn field_id(&self, field: &str) -> String {
        format!("{}/fields/{}", self.base(), seg(field))
    }

    pub fn module_id(&self, module: &str) -> String {
        format!("{}/modules/{}", self.base(), seg(module))
    }

    pub fn lesson_id(&self, module: &str, lesson: &str) -> String {
        format!("{}/lessons/{}", self.module_id(module), seg(lesson))
    }

    pub fn item_id(&self, module: &str, item: &str) -> String {
        format!("{}/items/{}", self.module_id(module), seg(item))
    }

    pub fn scenario_id(&self, scenario: &str) -> String {
        format!("{}/scenarios/{}", self.base(), seg(scenario))
    }

    /// A module's pre-test, an activity of its own.
    pub fn pretest_id(&self, module: &str) -> String {
        format!("{}/pretest", self.module_id(module))
    }

    /// A module's evaluation form (the parent of its questions).
    pub fn evaluation_form_id(&self, module: &str) -> String {
        format!("{}/evaluation", self.module_id(module))
    }

    /// A question of a module's evaluation (`usefulness`, `intended-use`, …).
    pub fn evaluation_id(&self, module: &str, question: &str) -> String {
        format!("{}/{}", self.evaluation_form_id(module), seg(question))
    }

    /// A learner's self-rating of a competency.
    pub fn self_rating_id(&self, competency: &str) -> String {
        format!(
            "{}/competencies/{}/self-rating",
            self.base(),
            seg(competency)
        )
    }

    pub fn node_id(&self, scenario: &str, node: &str) -> String {
        format!("{}/nodes/{}", self.scenario_id(scenario), seg(node))
    }
}

/// The place of a statement in the mapping, handed to the id source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementSlot<'a> {
    /// The attempt id (= registration).
    pub registration: &'a str,
    /// Sequence number of the event.
    pub seq: u32,
    /// Place of the statement among those of its event (0-based).
    pub index: u32,
    pub verb: &'static str,
}

/// A statement id derived from (registration, seq, index): a version 8 (custom) UUID over a
/// 128-bit FNV-1a hash. Unique as long as attempt ids are; stable across re-mappings.
pub fn derived_id(slot: &StatementSlot<'_>) -> String {
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    let mut h = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u128::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    };
    feed(b"boiduong/xapi/statement\0");
    feed(slot.registration.as_bytes());
    feed(b"\0");
    feed(&slot.seq.to_be_bytes());
    feed(&slot.index.to_be_bytes());
    // FNV only carries changes upwards; fold the high half back so every input bit reaches
    // the low bytes too.
    for _ in 0..2 {
        h ^= h >> 64;
        h = h.wrapping_mul(PRIME);
    }
    uuid::Builder::from_custom_bytes(h.to_be_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// An RFC 4122/9562 UUID in the hyphenated lower-case form the spec and validators expect.
fn normalize_uuid(s: &str) -> Option<String> {
    let u = Uuid::try_parse(s).ok()?;
    (u.get_variant() == uuid::Variant::RFC4122).then(|| u.hyphenated().to_string())
}

fn is_absolute_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}

/// One IRI path segment: unreserved characters as they are, everything else percent-encoded
/// (content ids are slugs already; this only guards hand-made content).
fn seg(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The statement shape (the subset of xAPI 1.0.3 the portal emits).

/// A language map: BCP 47 tag -> text.
pub type LanguageMap = BTreeMap<String, String>;
/// Extensions: IRI -> any JSON.
pub type Extensions = BTreeMap<String, Value>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub id: String,
    pub actor: Agent,
    pub verb: Verb,
    pub object: Activity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<StatementResult>,
    pub context: Context,
    pub timestamp: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub object_type: String,
    /// Absent for an anonymous evaluation's actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub account: Account,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub home_page: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verb {
    pub id: String,
    pub display: LanguageMap,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub object_type: String,
    pub id: String,
    pub definition: ActivityDefinition,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ActivityDefinition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LanguageMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct_responses_pattern: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<InteractionComponent>>,
    /// The points of a `likert` interaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Vec<InteractionComponent>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionComponent {
    pub id: String,
    pub description: LanguageMap,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct StatementResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: Extensions,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub scaled: f64,
    pub raw: u32,
    pub min: u32,
    pub max: u32,
}

impl Score {
    /// `raw` points out of `max` (min 0); `scaled` is 0 when nothing can be scored.
    pub fn of(raw: u32, max: u32) -> Score {
        let raw = raw.min(max);
        let scaled = if max == 0 {
            0.0
        } else {
            f64::from(raw) / f64::from(max)
        };
        Score {
            scaled,
            raw,
            min: 0,
            max,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// The attempt or record id; absent on an anonymous evaluation (it would name a record
    /// that exists on the learner's device only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
    pub context_activities: ContextActivities,
    /// The content version (also in the `content-version` extension, where queries reach it);
    /// absent on self-ratings, which belong to no content version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Absent on an anonymous evaluation, like `language` (they narrow down who sent it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub extensions: Extensions,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct ContextActivities {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parent: Vec<Activity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grouping: Vec<Activity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<Activity>,
}

// ---------------------------------------------------------------------------------------------
// Time.

/// Days since 1970-01-01 -> (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// Milliseconds since the Unix epoch -> `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn timestamp(ms: i64) -> Result<String, XapiError> {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return Err(XapiError::Time(ms));
    }
    let (h, m, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000,
    );
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z"
    ))
}

/// Milliseconds -> ISO 8601 duration (`PT12M3.5S`, `PT1H0.25S`, `PT0S`), truncated to the
/// 0.01 s precision xAPI asks providers not to exceed; negative (a clock moved backwards)
/// counts as zero. Hours are not folded into days.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    let (h, m, s, centi) = (
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1_000 % 60,
        ms / 10 % 100,
    );
    let mut out = String::from("PT");
    if h > 0 {
        let _ = write!(out, "{h}H");
    }
    if m > 0 {
        let _ = write!(out, "{m}M");
    }
    if s > 0 || centi > 0 || (h == 0 && m == 0) {
        let _ = write!(out, "{s}");
        if centi > 0 {
            let frac = format!("{centi:02}");
            let _ = write!(out, ".{}", frac.trim_end_matches('0'));
        }
        out.push('S');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Text.

fn lang_map(text: &LocalText) -> LanguageMap {
    let mut map = LanguageMap::new();
    map.insert(Lang::Vi.as_str().to_owned(), text.vi.clone());
    if let Some(en) = text.en.as_ref().filter(|e| !e.trim().is_empty()) {
        map.insert(Lang::En.as_str().to_owned(), en.clone());
    }
    map
}

fn html_lang_map(text: &LocalText) -> LanguageMap {
    lang_map(&LocalText {
        vi: plain_text(&text.vi),
        en: text.en.as_deref().map(plain_text),
    })
}

/// Sanitised HTML (as the compiler renders it) -> plain text for a description: tags dropped
/// (block tags become spaces), entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    const BLOCK: &[&str] = &[
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "tr",
        "td",
        "th",
        "table",
    ];
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        raw.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = after;
            raw.push('<');
            break;
        };
        let tag = after[..close]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if BLOCK.contains(&tag.as_str()) {
            raw.push(' ');
        }
        rest = &after[close + 1..];
    }
    raw.push_str(rest);
    let decoded = decode_entities(&raw);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Building blocks.

fn verb(id: &'static str) -> Verb {
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

fn activity(id: String, definition: ActivityDefinition) -> Activity {
    Activity {
        object_type: "Activity".into(),
        id,
        definition,
    }
}

fn typed(
    kind: &str,
    name: Option<LanguageMap>,
    description: Option<LanguageMap>,
) -> ActivityDefinition {
    ActivityDefinition {
        name,
        description,
        kind: kind.into(),
        ..ActivityDefinition::default()
    }
}

/// The xAPI response / pattern string of an answer.
pub fn response(answer: &Answer) -> String {
    match answer {
        Answer::Single(id) => id.clone(),
        Answer::Multiple(ids) | Answer::Ordering(ids) => ids.join("[,]"),
        Answer::TrueFalse(b) => b.to_string(),
    }
}

fn item_definition(item: &Item) -> ActivityDefinition {
    let (interaction, with_choices) = match item.answer {
        Answer::Single(_) | Answer::Multiple(_) => ("choice", true),
        Answer::TrueFalse(_) => ("true-false", false),
        Answer::Ordering(_) => ("sequencing", true),
    };
    ActivityDefinition {
        name: None,
        description: Some(lang_map(&item.prompt)),
        kind: activity_types::INTERACTION.into(),
        interaction_type: Some(interaction.into()),
        correct_responses_pattern: Some(vec![response(&item.answer)]),
        choices: with_choices.then(|| {
            item.options
                .iter()
                .map(|o| InteractionComponent {
                    id: o.id.clone(),
                    description: lang_map(&o.text),
                })
                .collect()
        }),
        scale: None,
    }
}

fn node_definition(node: &Node) -> ActivityDefinition {
    // "Correct" = scoring the highest total at this node, the rule of the end-screen recap.
    let best = node.choices.iter().map(|c| c.total()).max();
    ActivityDefinition {
        name: None,
        description: Some(html_lang_map(&node.text_html)),
        kind: activity_types::INTERACTION.into(),
        interaction_type: Some("choice".into()),
        correct_responses_pattern: Some(
            node.choices
                .iter()
                .filter(|c| Some(c.total()) == best)
                .map(|c| c.id.clone())
                .collect(),
        ),
        choices: Some(
            node.choices
                .iter()
                .map(|c| InteractionComponent {
                    id: c.id.clone(),
                    description: lang_map(&c.text),
                })
                .collect(),
        ),
        scale: None,
    }
}

/// A statement before the parts common to the whole attempt are added.
struct Draft {
    verb: &'static str,
    object: Activity,
    result: Option<StatementResult>,
    parent: Vec<Activity>,
    grouping: Vec<Activity>,
    extensions: Extensions,
}

impl Draft {
    fn new(verb: &'static str, object: Activity) -> Self {
        Draft {
            verb,
            object,
            result: None,
            parent: Vec::new(),
            grouping: Vec::new(),
            extensions: Extensions::new(),
        }
    }
}

/// What the mapping knows of the content, as activities.
struct Acts<'a> {
    ctx: &'a StatementContext,
    root: Activity,
    field: Activity,
    /// The module, for a pre-test (whose root is the pre-test activity).
    module: Option<Activity>,
}

impl<'a> Acts<'a> {
    fn new(ctx: &'a StatementContext, content: &Content, mode: AttemptMode) -> Self {
        let (root, field) = match content {
            Content::Module(m) => (
                activity(
                    ctx.module_id(&m.id),
                    typed(
                        activity_types::MODULE,
                        Some(lang_map(&m.title)),
                        Some(lang_map(&m.summary)),
                    ),
                ),
                &m.field,
            ),
            Content::Scenario(s) => (
                activity(
                    ctx.scenario_id(&s.id),
                    typed(
                        activity_types::SIMULATION,
                        Some(lang_map(&s.title)),
                        Some(lang_map(&s.summary)),
                    ),
                ),
                &s.field,
            ),
        };
        let field = activity(ctx.field_id(field), typed(&ctx.field_type(), None, None));
        match (content, mode) {
            (Content::Module(m), AttemptMode::PreTest) => {
                let pretest = activity(
                    ctx.pretest_id(&m.id),
                    typed(
                        activity_types::ASSESSMENT,
                        Some(lang_map(&LocalText {
                            vi: format!("Kiểm tra đầu vào: {}", m.title.vi),
                            en: m.title.en.as_ref().map(|t| format!("Pre-test: {t}")),
                        })),
                        None,
                    ),
                );
                Acts {
                    ctx,
                    root: pretest,
                    field,
                    module: Some(root),
                }
            }
            _ => Acts {
                ctx,
                root,
                field,
                module: None,
            },
        }
    }

    /// A statement about the module/scenario (or pre-test) itself.
    fn on_root(&self, verb: &'static str) -> Draft {
        let mut d = Draft::new(verb, self.root.clone());
        d.parent = self.module.iter().cloned().collect();
        d.grouping = vec![self.field.clone()];
        d
    }

    /// A statement about a part (lesson, item, node) of the module/scenario (or pre-test).
    fn on_part(&self, verb: &'static str, object: Activity) -> Draft {
        let mut d = Draft::new(verb, object);
        d.parent = vec![self.root.clone()];
        d.grouping = self
            .module
            .iter()
            .cloned()
            .chain([self.field.clone()])
            .collect();
        d
    }

    fn lesson(&self, module: &Module, index: usize) -> Option<Activity> {
        let lesson = module.lessons.get(index)?;
        Some(activity(
            self.ctx.lesson_id(&module.id, &lesson.id),
            typed(activity_types::LESSON, Some(lang_map(&lesson.title)), None),
        ))
    }
}

fn ext_key(ctx: &StatementContext, name: &str) -> String {
    ctx.extension(name)
}

/// Walks the log in order, knowing where the learner was before each event.
struct Walker<'a> {
    ctx: &'a StatementContext,
    content: &'a Content,
    acts: Acts<'a>,
    started_ms: i64,
    /// Module: where the learner is, and since when.
    position: Position,
    /// Module: the attempt's mode, draw and practice flag (from `Started`).
    mode: AttemptMode,
    drawn: Option<Vec<String>>,
    draw: Option<Draw>,
    practice_only: bool,
    opened_ms: i64,
    answered: usize,
    /// Scenario: the path so far.
    steps: Vec<Step>,
    /// The seed of the shown order (from `Started`); None: written order, not reported.
    order_seed: Option<u32>,
}

/// `shown-position` and `shown-order` of an answer given with `ids` written in this order and
/// shown in `order` (see [`shuffle`]): the places of `chosen` (an integer for one id, an array
/// for several). None when a chosen id is not among `ids`.
fn shown_extensions(
    ctx: &StatementContext,
    ids: &[&str],
    order: &[usize],
    chosen: &[&str],
    several: bool,
) -> Option<Extensions> {
    let places: Vec<u32> = chosen
        .iter()
        .map(|c| {
            let written = ids.iter().position(|id| id == c)?;
            shuffle::place_of(order, written)
        })
        .collect::<Option<_>>()?;
    let position = match (several, places.as_slice()) {
        (false, [one]) => Value::from(*one),
        _ => Value::from(places),
    };
    let shown: Vec<Value> = order
        .iter()
        .filter_map(|i| ids.get(*i).map(|id| Value::from(*id)))
        .collect();
    Some(Extensions::from([
        (ext_key(ctx, ext::SHOWN_POSITION), position),
        (ext_key(ctx, ext::SHOWN_ORDER), Value::Array(shown)),
    ]))
}

impl<'a> Walker<'a> {
    fn step(&mut self, event: &AttemptEvent) -> Result<Vec<Draft>, XapiError> {
        let bad = |reason: &str| XapiError::Inconsistent {
            seq: event.seq,
            reason: reason.into(),
        };
        let ctx = self.ctx;
        let since_open = event.at_ms - self.opened_ms;
        let drafts = match (&event.action, self.content) {
            (
                Action::Started {
                    mode,
                    draw,
                    practice_only,
                    order_seed,
                    ..
                },
                _,
            ) => {
                self.started_ms = event.at_ms;
                self.order_seed = *order_seed;
                self.opened_ms = event.at_ms;
                self.mode = *mode;
                self.drawn = draw.as_ref().map(|d| d.items.clone());
                self.draw = draw.clone();
                self.practice_only = *practice_only;
                if !mode.is_full() {
                    self.position = Position::Check(0);
                }
                vec![
                    self.acts.on_root(verbs::LAUNCHED),
                    self.acts.on_root(verbs::INITIALIZED),
                ]
            }
            (
                Action::Answered {
                    item,
                    answer,
                    correct,
                },
                Content::Module(m),
            ) => {
                let (found, lesson) = match self.position {
                    Position::Lesson(i) => (
                        m.lessons.get(i).map(|l| &l.practice),
                        Some(
                            self.acts
                                .lesson(m, i)
                                .ok_or_else(|| bad("no such lesson"))?,
                        ),
                    ),
                    Position::Check(i) => (check_item(m, self.drawn.as_deref(), i), None),
                    Position::Done => (None, None),
                };
                let found = found
                    .filter(|it| &it.id == item)
                    .ok_or_else(|| bad("answered item is not the current item"))?;
                self.answered += 1;
                let object = activity(ctx.item_id(&m.id, &found.id), item_definition(found));
                let mut result = StatementResult {
                    success: Some(*correct),
                    response: Some(response(answer)),
                    duration: Some(duration(since_open)),
                    ..StatementResult::default()
                };
                if let Some(seed) = self.order_seed.filter(|_| shuffle::is_shuffled(found)) {
                    let ids: Vec<&str> = found.options.iter().map(|o| o.id.as_str()).collect();
                    let (chosen, several): (Vec<&str>, bool) = match answer {
                        Answer::Single(id) => (vec![id.as_str()], false),
                        Answer::Multiple(list) => (list.iter().map(String::as_str).collect(), true),
                        _ => (Vec::new(), false),
                    };
                    let order = shuffle::option_order(Some(seed), found);
                    result.extensions = shown_extensions(ctx, &ids, &order, &chosen, several)
                        .ok_or_else(|| bad("answer names an option the item does not have"))?;
                }
                let mut d = match lesson {
                    Some(lesson) => {
                        // A practice item belongs to its lesson; the module is one step up.
                        let mut d = Draft::new(verbs::ANSWERED, object);
                        d.parent = vec![lesson];
                        d.grouping = vec![self.acts.root.clone(), self.acts.field.clone()];
                        d.extensions
                            .insert(ext_key(ctx, ext::ITEM_ROLE), "practice".into());
                        d
                    }
                    None => {
                        result.score = Some(Score::of(
                            if *correct { found.points } else { 0 },
                            found.points,
                        ));
                        let mut d = self.acts.on_part(verbs::ANSWERED, object);
                        let role = match self.mode {
                            AttemptMode::Full => "check",
                            AttemptMode::PreTest => "pretest",
                        };
                        d.extensions
                            .insert(ext_key(ctx, ext::ITEM_ROLE), role.into());
                        d
                    }
                };
                d.result = Some(result);
                vec![d]
            }
            (Action::Advanced { to }, Content::Module(m)) => {
                let mut out = Vec::new();
                if let Position::Lesson(i) = self.position {
                    let lesson = self
                        .acts
                        .lesson(m, i)
                        .ok_or_else(|| bad("no such lesson"))?;
                    let mut d = self.acts.on_part(verbs::EXPERIENCED, lesson);
                    d.result = Some(StatementResult {
                        completion: Some(true),
                        duration: Some(duration(since_open)),
                        ..StatementResult::default()
                    });
                    out.push(d);
                }
                if *to != Position::Done {
                    let total = ModuleState::with(self.mode, self.drawn.clone())
                        .progress(m)
                        .1;
                    let percent = (self.answered * 100).checked_div(total).unwrap_or(100);
                    let mut d = self.acts.on_root(verbs::PROGRESSED);
                    d.result = Some(StatementResult {
                        extensions: Extensions::from([(
                            CMI5_PROGRESS.to_owned(),
                            Value::from(percent),
                        )]),
                        ..StatementResult::default()
                    });
                    out.push(d);
                }
                self.position = *to;
                self.opened_ms = event.at_ms;
                out
            }
            (Action::Chose { node, choice, to }, Content::Scenario(s)) => {
                let n = s.node(node).ok_or_else(|| bad("unknown node"))?;
                let c = n.choice(choice).ok_or_else(|| bad("unknown choice"))?;
                let best = n.choices.iter().map(|c| c.total()).max().unwrap_or(0);
                let object = activity(ctx.node_id(&s.id, &n.id), node_definition(n));
                let mut d = self.acts.on_part(verbs::ANSWERED, object);
                let deltas: serde_json::Map<String, Value> = c
                    .scores
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(*v)))
                    .collect();
                let mut extensions = Extensions::from([
                    (ext_key(ctx, ext::COMPETENCY_DELTAS), Value::Object(deltas)),
                    (ext_key(ctx, ext::NEXT_NODE), Value::from(to.clone())),
                ]);
                if let Some(seed) = self.order_seed {
                    let ids: Vec<&str> = n.choices.iter().map(|c| c.id.as_str()).collect();
                    let order = shuffle::choice_order(Some(seed), n);
                    extensions.extend(
                        shown_extensions(ctx, &ids, &order, &[c.id.as_str()], false)
                            .ok_or_else(|| bad("unknown choice"))?,
                    );
                }
                d.result = Some(StatementResult {
                    success: Some(c.total() >= best),
                    response: Some(c.id.clone()),
                    duration: Some(duration(since_open)),
                    extensions,
                    ..StatementResult::default()
                });
                d.extensions
                    .insert(ext_key(ctx, ext::NODE_ID), Value::from(n.id.clone()));
                self.steps.push(Step {
                    node: node.clone(),
                    choice: choice.clone(),
                    to: to.clone(),
                    at_ms: event.at_ms,
                });
                self.opened_ms = event.at_ms;
                vec![d]
            }
            (Action::Finished { outcome }, _) => {
                self.finished(outcome, event.seq, event.at_ms - self.started_ms)?
            }
            _ => return Err(bad("action does not apply to this content")),
        };
        Ok(drafts)
    }

    fn finished(&self, outcome: &Outcome, seq: u32, elapsed: i64) -> Result<Vec<Draft>, XapiError> {
        let ctx = self.ctx;
        let took = duration(elapsed);
        let mut completed = self.acts.on_root(verbs::COMPLETED);
        let mut completed_result = StatementResult {
            completion: Some(true),
            duration: Some(took.clone()),
            ..StatementResult::default()
        };
        let mut out = Vec::new();
        let mut verdict = None;
        match (outcome, self.content) {
            (Outcome::Module { score, passed }, Content::Module(_)) => {
                let draw_ext: Extensions = match &self.draw {
                    Some(d) => Extensions::from([
                        (ext_key(ctx, ext::DRAWN_ITEMS), Value::from(d.items.clone())),
                        (ext_key(ctx, ext::DRAW_SEED), Value::from(d.seed)),
                    ]),
                    None => Extensions::new(),
                };
                if self.mode == AttemptMode::PreTest || self.practice_only {
                    // A diagnosis, or a result scored on the device: no verdict, the score
                    // goes on `completed`.
                    completed_result.score = Some(Score::of(score.raw, score.max));
                    completed_result.extensions = draw_ext;
                } else {
                    let mut d = self.acts.on_root(if *passed {
                        verbs::PASSED
                    } else {
                        verbs::FAILED
                    });
                    d.result = Some(StatementResult {
                        score: Some(Score::of(score.raw, score.max)),
                        success: Some(*passed),
                        completion: Some(true),
                        duration: Some(took.clone()),
                        extensions: draw_ext.clone(),
                        ..StatementResult::default()
                    });
                    d.extensions
                        .insert(ext_key(ctx, ext::PASS_POINTS), Value::from(score.pass));
                    completed_result.extensions = draw_ext;
                    verdict = Some(d);
                }
            }
            (
                Outcome::Scenario {
                    ending,
                    ending_kind,
                },
                Content::Scenario(s),
            ) => {
                completed_result.extensions = scenario_totals(ctx, s, &self.steps);
                completed_result
                    .extensions
                    .insert(ext_key(ctx, ext::ENDING), Value::from(ending.clone()));
                completed_result.extensions.insert(
                    ext_key(ctx, ext::ENDING_KIND),
                    Value::from(ending_kind.as_str()),
                );
                completed
                    .extensions
                    .insert(ext_key(ctx, ext::NODE_ID), Value::from(ending.clone()));
            }
            _ => {
                return Err(XapiError::Inconsistent {
                    seq,
                    reason: "outcome of the other content kind".into(),
                })
            }
        }
        completed.result = Some(completed_result);
        out.push(completed);
        out.extend(verdict);
        let mut terminated = self.acts.on_root(verbs::TERMINATED);
        terminated.result = Some(StatementResult {
            duration: Some(took),
            ..StatementResult::default()
        });
        out.push(terminated);
        Ok(out)
    }
}

fn scenario_totals(ctx: &StatementContext, s: &Scenario, steps: &[Step]) -> Extensions {
    let profile = scenario::profile(s, steps);
    let scores: serde_json::Map<String, Value> = profile
        .iter()
        .map(|c| (c.competency.clone(), Value::from(c.raw)))
        .collect();
    // A level only means something where a decision on the path could move the competency;
    // elsewhere the engine reports 0, which would read as "worst".
    let levels: serde_json::Map<String, Value> = profile
        .iter()
        .filter(|c| c.decisions > 0)
        .map(|c| (c.competency.clone(), Value::from(c.level)))
        .collect();
    let mut out = Extensions::from([(ext_key(ctx, ext::COMPETENCY_SCORES), Value::Object(scores))]);
    if !levels.is_empty() {
        out.insert(ext_key(ctx, ext::COMPETENCY_LEVELS), Value::Object(levels));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Entry points.

/// Every statement of an attempt, in order. `events` is the attempt's whole log (any order);
/// `content` the version it was started on; `ids` gives each statement its id (a UUID).
pub fn statements_for(
    events: &[AttemptEvent],
    ctx: &StatementContext,
    content: &Content,
    ids: &mut impl FnMut(&StatementSlot<'_>) -> String,
) -> Result<Vec<Statement>, XapiError> {
    statements_from(events, 0, ctx, content, ids)
}

/// The statements of the events with `seq >= from_seq`, the earlier events giving the
/// context (what was open since when). `ids` is only asked for the statements returned.
pub fn statements_from(
    events: &[AttemptEvent],
    from_seq: u32,
    ctx: &StatementContext,
    content: &Content,
    ids: &mut impl FnMut(&StatementSlot<'_>) -> String,
) -> Result<Vec<Statement>, XapiError> {
    // The replay refuses logs that do not fit this content version (or have gaps).
    Attempt::replay(content, events)?;
    if !is_absolute_iri(ctx.base()) {
        return Err(XapiError::Base(ctx.base.clone()));
    }
    if !is_absolute_iri(&ctx.learner.home_page) {
        return Err(XapiError::HomePage(ctx.learner.home_page.clone()));
    }
    let mut sorted: Vec<&AttemptEvent> = events.iter().collect();
    crate::order::sort_by_key(&mut sorted, |e| i64::from(e.seq));
    let Some(first) = sorted.first() else {
        return Ok(Vec::new());
    };
    let registration = normalize_uuid(&first.attempt_id)
        .ok_or_else(|| XapiError::Registration(first.attempt_id.clone()))?;
    let (mode, practice_only) = match &first.action {
        Action::Started {
            mode,
            practice_only,
            ..
        } => (*mode, *practice_only),
        _ => (AttemptMode::Full, false),
    };

    let actor = Agent {
        object_type: "Agent".into(),
        name: Some(ctx.learner.name.clone()),
        account: Account {
            home_page: ctx.learner.home_page.clone(),
            name: ctx.learner.account_name.clone(),
        },
    };
    let category = vec![activity(
        ctx.profile_id(),
        typed(activity_types::PROFILE, None, None),
    )];
    let mut common_ext = Extensions::new();
    common_ext.insert(
        ext_key(ctx, ext::CONTENT_VERSION),
        Value::from(content.version()),
    );
    if !ctx.class_code.trim().is_empty() {
        common_ext.insert(
            ext_key(ctx, ext::CLASS_CODE),
            Value::from(ctx.class_code.trim()),
        );
    }
    if practice_only {
        common_ext.insert(ext_key(ctx, ext::PRACTICE_ONLY), Value::from(true));
    }

    let class = class_activity(ctx);
    let mut walker = Walker {
        ctx,
        content,
        acts: Acts::new(ctx, content, mode),
        started_ms: first.at_ms,
        position: Position::Lesson(0),
        mode,
        drawn: None,
        draw: None,
        practice_only,
        opened_ms: first.at_ms,
        answered: 0,
        steps: Vec::new(),
        order_seed: None,
    };
    let mut out = Vec::new();
    for event in sorted {
        let drafts = walker.step(event)?;
        if event.seq < from_seq {
            continue;
        }
        let at = timestamp(event.at_ms)?;
        for (index, d) in drafts.into_iter().enumerate() {
            let slot = StatementSlot {
                registration: &registration,
                seq: event.seq,
                index: index as u32,
                verb: d.verb,
            };
            let given = ids(&slot);
            let id = normalize_uuid(&given).ok_or(XapiError::StatementId(given))?;
            let mut extensions = common_ext.clone();
            extensions.insert(ext_key(ctx, ext::EVENT_SEQ), Value::from(event.seq));
            extensions.extend(d.extensions);
            let mut grouping = d.grouping;
            grouping.extend(class.clone());
            out.push(Statement {
                id,
                actor: actor.clone(),
                verb: verb(d.verb),
                object: d.object,
                result: d.result,
                context: Context {
                    registration: Some(registration.clone()),
                    context_activities: ContextActivities {
                        parent: d.parent,
                        grouping,
                        category: category.clone(),
                    },
                    revision: Some(content.version().to_owned()),
                    platform: Some(ctx.platform.clone()),
                    language: Some(ctx.language.as_str().to_owned()),
                    extensions,
                },
                timestamp: at.clone(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attempt::Intent;
    use crate::model::ItemOption;
    use crate::module::tests::sample as sample_module;
    use crate::scenario::tests::sample as sample_scenario;
    use proptest::prelude::*;
    use serde_json::json;

    const ATTEMPT: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const T0: i64 = 1_795_835_045_123; // 2026-11-28T03:04:05.123Z

    fn ctx() -> StatementContext {
        StatementContext {
            base: "https://boiduong.example/xapi".into(),
            learner: Learner {
                name: "Nguyễn Thị Hồng".into(),
                home_page: "https://boiduong.example".into(),
                account_name: "hong.nt".into(),
            },
            class_code: "QLNN-2026-01".into(),
            platform: "Boiduong 0.1.0 (web)".into(),
            language: Lang::Vi,
        }
    }

    fn run(content: &Content, intents: Vec<Intent>) -> Vec<AttemptEvent> {
        let (mut attempt, first) = Attempt::start(content, ATTEMPT, "learner-1", T0);
        let mut log = vec![first];
        for (i, intent) in intents.into_iter().enumerate() {
            let (next, events) = attempt
                .decide(content, intent, T0 + 60_500 * (i as i64 + 1))
                .expect("valid intent");
            log.extend(events);
            attempt = next;
        }
        log
    }

    fn answer(item: &str, a: Answer) -> Intent {
        Intent::Answer {
            item: item.into(),
            answer: a,
        }
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    /// A full module run; `good` scores 3 of 4 (pass mark 3), else 1 of 4.
    fn module_run(good: bool) -> (Content, Vec<AttemptEvent>) {
        let content = Content::Module(sample_module());
        let q1 = if good { ids(&["c", "a"]) } else { ids(&["a"]) };
        let q3 = "c";
        let log = run(
            &content,
            vec![
                answer("p1", Answer::Single("a".into())),
                Intent::Continue,
                answer("p2", Answer::TrueFalse(false)),
                Intent::Continue,
                answer("q1", Answer::Multiple(q1)),
                Intent::Continue,
                answer("q2", Answer::Ordering(ids(&["c", "a", "b"]))),
                Intent::Continue,
                answer("q3", Answer::Single(q3.into())),
                Intent::Continue,
            ],
        );
        (content, log)
    }

    fn scenario_run(choices: &[&str]) -> (Content, Vec<AttemptEvent>) {
        let content = Content::Scenario(sample_scenario());
        let intents = choices
            .iter()
            .map(|c| Intent::Choose {
                choice: (*c).into(),
            })
            .collect();
        let log = run(&content, intents);
        (content, log)
    }

    fn map(content: &Content, log: &[AttemptEvent]) -> Vec<Statement> {
        statements_for(log, &ctx(), content, &mut derived_id).expect("statements")
    }

    fn verb_names(st: &[Statement]) -> Vec<String> {
        st.iter()
            .map(|s| s.verb.id.rsplit('/').next().unwrap_or("").to_owned())
            .collect()
    }

    fn ext<'a>(e: &'a Extensions, name: &str) -> Option<&'a Value> {
        e.get(&ctx().extension(name))
    }

    // Guards the documented verb sequence of a module run (docs/xapi-profile.md table).
    #[test]
    fn module_run_produces_documented_verbs() {
        let (content, log) = module_run(true);
        let st = map(&content, &log);
        assert_eq!(
            verb_names(&st),
            [
                "launched",
                "initialized",
                "answered",
                "experienced",
                "progressed",
                "answered",
                "experienced",
                "progressed",
                "answered",
                "progressed",
                "answered",
                "progressed",
                "answered",
                "completed",
                "passed",
                "terminated",
            ]
        );
        let objects: Vec<&str> = st.iter().map(|s| s.object.id.as_str()).collect();
        let m = "https://boiduong.example/xapi/modules/m";
        assert_eq!(objects[0], m);
        assert_eq!(objects[2], format!("{m}/items/p1"));
        assert_eq!(objects[3], format!("{m}/lessons/l1"));
        assert_eq!(objects[6], format!("{m}/lessons/l2"));
        assert_eq!(objects[12], format!("{m}/items/q3"));
        assert!(objects[13..].iter().all(|o| *o == m));
    }

    // Guards the failed branch: a check below the pass mark gives `failed`, never `passed`.
    #[test]
    fn module_below_pass_mark_fails() {
        let (content, log) = module_run(false);
        let st = map(&content, &log);
        let tail: Vec<String> = verb_names(&st).into_iter().rev().take(3).collect();
        assert_eq!(tail, ["terminated", "failed", "completed"]);
        let failed = &st[st.len() - 2];
        let r = failed.result.as_ref().expect("result");
        assert_eq!(r.success, Some(false));
        assert_eq!(r.score.map(|s| (s.raw, s.max)), Some((1, 4)));
        assert_eq!(
            ext(&failed.context.extensions, ext::PASS_POINTS),
            Some(&json!(3))
        );
    }

    // Guards the documented verb sequence of a scenario run.
    #[test]
    fn scenario_run_produces_documented_verbs() {
        let (content, log) = scenario_run(&["a", "c"]);
        let st = map(&content, &log);
        assert_eq!(
            verb_names(&st),
            [
                "launched",
                "initialized",
                "answered",
                "answered",
                "completed",
                "terminated"
            ]
        );
        let s = "https://boiduong.example/xapi/scenarios/s";
        assert_eq!(st[2].object.id, format!("{s}/nodes/start"));
        assert_eq!(st[3].object.id, format!("{s}/nodes/mid"));
        assert_eq!(st[0].object.definition.kind, activity_types::SIMULATION);
    }

    // Guards scenario choices: response, node id, competency deltas, next node, and success
    // meaning "as good as the best choice here"; the completed statement carries the ending.
    #[test]
    fn scenario_choice_and_ending_details() {
        let (content, log) = scenario_run(&["b", "d"]);
        let st = map(&content, &log);
        let first = &st[2];
        let r = first.result.as_ref().expect("result");
        assert_eq!(r.response.as_deref(), Some("b"));
        assert_eq!(r.success, Some(false));
        assert_eq!(
            ext(&r.extensions, ext::COMPETENCY_DELTAS),
            Some(&json!({"gt": -1}))
        );
        assert_eq!(ext(&r.extensions, ext::NEXT_NODE), Some(&json!("mid")));
        assert_eq!(
            ext(&first.context.extensions, ext::NODE_ID),
            Some(&json!("start"))
        );
        let def = &first.object.definition;
        assert_eq!(def.interaction_type.as_deref(), Some("choice"));
        assert_eq!(def.correct_responses_pattern, Some(ids(&["a"])));
        let choices: Vec<&str> = def
            .choices
            .iter()
            .flatten()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(choices, ["a", "b"]);

        let completed = &st[4];
        assert_eq!(completed.verb.id, verbs::COMPLETED);
        let r = completed.result.as_ref().expect("result");
        assert_eq!(r.completion, Some(true));
        assert_eq!(r.success, None);
        assert_eq!(ext(&r.extensions, ext::ENDING), Some(&json!("bad")));
        assert_eq!(ext(&r.extensions, ext::ENDING_KIND), Some(&json!("bad")));
        assert_eq!(
            ext(&r.extensions, ext::COMPETENCY_SCORES),
            Some(&json!({"gt": -1, "pl": -2}))
        );
        assert_eq!(
            ext(&r.extensions, ext::COMPETENCY_LEVELS),
            Some(&json!({"gt": 0.0, "pl": 0.0}))
        );
        assert_eq!(
            ext(&completed.context.extensions, ext::NODE_ID),
            Some(&json!("bad"))
        );
    }

    // Guards competency levels: a competency no decision on the path could move gets no
    // level (the engine's 0 would read as "always the worst choice").
    #[test]
    fn levels_only_where_a_decision_counted() {
        let mut s = sample_scenario();
        for c in &mut s.nodes[1].choices {
            c.scores.insert("pl".into(), 1);
        }
        let content = Content::Scenario(s);
        let log = run(
            &content,
            vec![
                Intent::Choose { choice: "a".into() },
                Intent::Choose { choice: "c".into() },
            ],
        );
        let st = map(&content, &log);
        let completed = st
            .iter()
            .find(|s| s.verb.id == verbs::COMPLETED)
            .expect("completed");
        let r = completed.result.as_ref().expect("result");
        assert_eq!(
            ext(&r.extensions, ext::COMPETENCY_LEVELS),
            Some(&json!({"gt": 5.0}))
        );
        assert_eq!(
            ext(&r.extensions, ext::COMPETENCY_SCORES),
            Some(&json!({"gt": 2, "pl": 1}))
        );
    }

    // Guards the exact JSON shape of a knowledge-check answer (actor form, interaction
    // definition, score, context) against a silent rename or a dropped field.
    #[test]
    fn check_item_statement_shape() {
        let (content, log) = module_run(true);
        let st = map(&content, &log);
        let q1 = st
            .iter()
            .find(|s| s.object.id.ends_with("/items/q1"))
            .expect("q1 statement");
        let mut v = serde_json::to_value(q1).expect("json");
        let id = v["id"].take();
        assert!(id.as_str().and_then(normalize_uuid).is_some());
        // the order the attempt showed q1's options in, from its state
        let attempt = Attempt::replay(&content, &log).expect("replay");
        let Content::Module(module) = &content else {
            unreachable!()
        };
        let item = &module.check.items[0];
        let shown: Vec<&str> = attempt
            .option_order(item)
            .iter()
            .map(|i| item.options[*i].id.as_str())
            .collect();
        let place = |id: &str| shown.iter().position(|x| *x == id).map(|p| p + 1);
        let m = "https://boiduong.example/xapi/modules/m";
        let b = "https://boiduong.example/xapi";
        let expected = json!({
            "id": null,
            "actor": {
                "objectType": "Agent",
                "name": "Nguyễn Thị Hồng",
                "account": {"homePage": "https://boiduong.example", "name": "hong.nt"}
            },
            "verb": {
                "id": "http://adlnet.gov/expapi/verbs/answered",
                "display": {"en-US": "answered", "vi": "đã trả lời"}
            },
            "object": {
                "objectType": "Activity",
                "id": format!("{m}/items/q1"),
                "definition": {
                    "description": {"vi": "q1"},
                    "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                    "interactionType": "choice",
                    "correctResponsesPattern": ["a[,]c"],
                    "choices": [
                        {"id": "a", "description": {"vi": "a"}},
                        {"id": "b", "description": {"vi": "b"}},
                        {"id": "c", "description": {"vi": "c"}}
                    ]
                }
            },
            "result": {
                "score": {"scaled": 1.0, "raw": 2, "min": 0, "max": 2},
                "success": true,
                "response": "c[,]a",
                "duration": "PT1M0.5S",
                "extensions": {
                    format!("{b}/extensions/shown-order"): shown,
                    format!("{b}/extensions/shown-position"): [place("c"), place("a")]
                }
            },
            "context": {
                "registration": ATTEMPT,
                "contextActivities": {
                    "parent": [{
                        "objectType": "Activity",
                        "id": m,
                        "definition": {
                            "name": {"vi": "M"},
                            "description": {"vi": "M"},
                            "type": "http://adlnet.gov/expapi/activities/module"
                        }
                    }],
                    "grouping": [{
                        "objectType": "Activity",
                        "id": format!("{b}/fields/f"),
                        "definition": {"type": format!("{b}/activity-types/field")}
                    }, {
                        "objectType": "Activity",
                        "id": format!("{b}/classes/QLNN-2026-01"),
                        "definition": {
                            "name": {"vi": "Lớp QLNN-2026-01", "en": "Class QLNN-2026-01"},
                            "type": format!("{b}/activity-types/class")
                        }
                    }],
                    "category": [{
                        "objectType": "Activity",
                        "id": format!("{b}/profile"),
                        "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}
                    }]
                },
                "revision": "v1",
                "platform": "Boiduong 0.1.0 (web)",
                "language": "vi",
                "extensions": {
                    format!("{b}/extensions/class-code"): "QLNN-2026-01",
                    format!("{b}/extensions/content-version"): "v1",
                    format!("{b}/extensions/event-seq"): 5,
                    format!("{b}/extensions/item-role"): "check"
                }
            },
            "timestamp": "2026-11-28T03:09:07.623Z"
        });
        assert_eq!(v, expected);
    }

    // Guards the place a shuffled attempt's answers report: for single and multiple choice
    // items and scenario nodes, `shown-order` is the attempt's order (ids) and `shown-position`
    // the 1-based place of each chosen id in it; true/false and ordering items report none.
    #[test]
    fn shuffled_answers_say_where_the_choice_was_shown() {
        let (module, mlog) = module_run(true);
        let (scenario, slog) = scenario_run(&["a", "c"]);
        for (content, log) in [(&module, &mlog), (&scenario, &slog)] {
            let attempt = Attempt::replay(content, log).expect("replay");
            let mut seen = 0;
            for s in map(content, log)
                .iter()
                .filter(|s| s.verb.id == verbs::ANSWERED)
            {
                let r = s.result.as_ref().expect("result");
                let part = s.object.id.rsplit('/').next().expect("id");
                let written: Vec<String> = match content {
                    Content::Module(m) => {
                        let item = m
                            .lessons
                            .iter()
                            .map(|l| &l.practice)
                            .chain(&m.check.items)
                            .find(|i| i.id == part)
                            .expect("item");
                        if !shuffle::is_shuffled(item) {
                            assert_eq!(ext(&r.extensions, ext::SHOWN_POSITION), None, "{part}");
                            assert_eq!(ext(&r.extensions, ext::SHOWN_ORDER), None, "{part}");
                            continue;
                        }
                        attempt
                            .option_order(item)
                            .iter()
                            .map(|i| item.options[*i].id.clone())
                            .collect()
                    }
                    Content::Scenario(sc) => {
                        let node = sc.node(part).expect("node");
                        attempt
                            .choice_order(node)
                            .iter()
                            .map(|i| node.choices[*i].id.clone())
                            .collect()
                    }
                };
                assert_eq!(
                    ext(&r.extensions, ext::SHOWN_ORDER),
                    Some(&json!(written)),
                    "{part}"
                );
                let places: Vec<Value> = r
                    .response
                    .as_deref()
                    .expect("response")
                    .split("[,]")
                    .map(|id| json!(written.iter().position(|w| w == id).expect("shown") + 1))
                    .collect();
                let several = r.response.as_deref().is_some_and(|x| x.contains("[,]"));
                let want = if several {
                    Value::Array(places)
                } else {
                    places[0].clone()
                };
                assert_eq!(
                    ext(&r.extensions, ext::SHOWN_POSITION),
                    Some(&want),
                    "{part}"
                );
                seen += 1;
            }
            assert!(seen >= 2, "{} shuffled answers", content.id());
        }
    }

    // Guards the statements of attempts recorded before the shuffle (no seed): unchanged, no
    // place reported (re-deriving them gives the bodies already sent, never a 409).
    #[test]
    fn unshuffled_attempts_report_no_place() {
        for (content, mut log) in [module_run(true), scenario_run(&["a", "c"])] {
            if let Action::Started { order_seed, .. } = &mut log[0].action {
                *order_seed = None;
            }
            for s in map(&content, &log) {
                let r = s.result.unwrap_or_default();
                assert_eq!(ext(&r.extensions, ext::SHOWN_POSITION), None);
                assert_eq!(ext(&r.extensions, ext::SHOWN_ORDER), None);
            }
        }
    }

    // Guards the interaction mapping of each item kind (type, pattern, response, components).
    #[test]
    fn interaction_types_per_item_kind() {
        let (content, log) = module_run(true);
        let st = map(&content, &log);
        let by_item = |id: &str| {
            st.iter()
                .find(|s| s.object.id.ends_with(&format!("/items/{id}")))
                .expect("item statement")
        };
        let tf = by_item("p2");
        assert_eq!(
            tf.object.definition.interaction_type.as_deref(),
            Some("true-false")
        );
        assert_eq!(
            tf.object.definition.correct_responses_pattern,
            Some(ids(&["true"]))
        );
        assert_eq!(tf.object.definition.choices, None);
        let r = tf.result.as_ref().expect("result");
        assert_eq!(
            (r.response.as_deref(), r.success),
            (Some("false"), Some(false))
        );
        let ord = by_item("q2");
        assert_eq!(
            ord.object.definition.interaction_type.as_deref(),
            Some("sequencing")
        );
        assert_eq!(
            ord.object.definition.correct_responses_pattern,
            Some(ids(&["c[,]a[,]b"]))
        );
        assert_eq!(
            ord.result.as_ref().and_then(|r| r.response.as_deref()),
            Some("c[,]a[,]b")
        );
        let single = by_item("p1");
        assert_eq!(
            single.object.definition.interaction_type.as_deref(),
            Some("choice")
        );
        assert_eq!(
            single.result.as_ref().and_then(|r| r.response.as_deref()),
            Some("a")
        );
        // practice items are not scored (they do not count towards the pass mark)
        assert_eq!(single.result.as_ref().and_then(|r| r.score), None);
    }

    // Guards the activity tree: item/lesson/node -> module/scenario, practice item -> lesson,
    // everything grouped under its field, every statement in the profile category.
    #[test]
    fn context_activities_link_parts_to_their_whole() {
        let (content, log) = module_run(true);
        let mut st = map(&content, &log);
        let (scontent, slog) = scenario_run(&["a", "c"]);
        st.extend(map(&scontent, &slog));
        let b = "https://boiduong.example/xapi";
        for s in &st {
            let ca = &s.context.context_activities;
            let parent: Vec<&str> = ca.parent.iter().map(|a| a.id.as_str()).collect();
            let grouping: Vec<&str> = ca.grouping.iter().map(|a| a.id.as_str()).collect();
            let o = s.object.id.as_str();
            let field = format!("{b}/fields/f");
            // the class closes every grouping
            let class = format!("{b}/classes/QLNN-2026-01");
            if o.contains("/items/p") {
                assert_eq!(parent, [o.replace("/items/p", "/lessons/l")], "{o}");
                assert_eq!(
                    grouping,
                    [format!("{b}/modules/m"), field.clone(), class.clone()],
                    "{o}"
                );
            } else if o.contains("/items/") || o.contains("/lessons/") {
                assert_eq!(parent, [format!("{b}/modules/m")], "{o}");
                assert_eq!(grouping, [field.as_str(), &class], "{o}");
            } else if o.contains("/nodes/") {
                assert_eq!(parent, [format!("{b}/scenarios/s")], "{o}");
                assert_eq!(grouping, [field.as_str(), &class], "{o}");
            } else {
                assert!(parent.is_empty(), "{o}");
                assert_eq!(grouping, [field.as_str(), &class], "{o}");
            }
            assert_eq!(ca.category.len(), 1);
            assert_eq!(ca.category[0].id, format!("{b}/profile"));
        }
    }

    // Guards the registration: every statement of an attempt carries the attempt id, and a
    // non-UUID attempt id is refused rather than sent (an LRS rejects the whole batch).
    #[test]
    fn registration_is_the_attempt_id() {
        let (content, log) = scenario_run(&["a", "c"]);
        let st = map(&content, &log);
        assert!(st
            .iter()
            .all(|s| s.context.registration.as_deref() == Some(ATTEMPT)));
        let upper: Vec<AttemptEvent> = log
            .iter()
            .cloned()
            .map(|mut e| {
                e.attempt_id = ATTEMPT.to_uppercase();
                e
            })
            .collect();
        let st = map(&content, &upper);
        assert!(st
            .iter()
            .all(|s| s.context.registration.as_deref() == Some(ATTEMPT)));
        let bad: Vec<AttemptEvent> = log
            .into_iter()
            .map(|mut e| {
                e.attempt_id = "att-1".into();
                e
            })
            .collect();
        assert_eq!(
            statements_for(&bad, &ctx(), &content, &mut derived_id),
            Err(XapiError::Registration("att-1".into()))
        );
    }

    // Guards statement ids: unique within and across attempts, UUIDs of the RFC variant, and
    // the same on a second mapping (so a re-send is idempotent, not a duplicate).
    #[test]
    fn ids_are_unique_and_stable() {
        let (content, log) = module_run(true);
        let a = map(&content, &log);
        assert_eq!(a, map(&content, &log));
        let other: Vec<AttemptEvent> = log
            .iter()
            .cloned()
            .map(|mut e| {
                e.attempt_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7".into();
                e
            })
            .collect();
        let b = map(&content, &other);
        let mut all: Vec<&str> = a.iter().chain(&b).map(|s| s.id.as_str()).collect();
        for id in &all {
            let u = Uuid::parse_str(id).expect("uuid");
            assert_eq!(u.get_variant(), uuid::Variant::RFC4122);
            assert_eq!(u.get_version_num(), 8);
        }
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    // Guards the id source contract: its ids are used as given (normalised), a non-UUID is
    // refused, and it is asked exactly once per returned statement.
    #[test]
    fn caller_ids_are_checked() {
        let (content, log) = scenario_run(&["a", "c"]);
        let mut n = 0u32;
        let st = statements_for(&log, &ctx(), &content, &mut |_| {
            n += 1;
            format!("{{6ba7b810-9dad-41d1-80b4-00c04fd4{n:04X}}}")
        })
        .expect("statements");
        assert_eq!(n as usize, st.len());
        assert_eq!(st[0].id, "6ba7b810-9dad-41d1-80b4-00c04fd40001");
        let err = statements_for(&log, &ctx(), &content, &mut |_| "not-a-uuid".into());
        assert_eq!(err, Err(XapiError::StatementId("not-a-uuid".into())));
        // the nil UUID is not of the RFC variant: validators reject it
        let err = statements_for(&log, &ctx(), &content, &mut |_| Uuid::nil().to_string());
        assert!(matches!(err, Err(XapiError::StatementId(_))));
    }

    // Guards incremental emission: statements of new events equal the tail of a full mapping,
    // and mapping a prefix of the log gives a prefix of the statements.
    #[test]
    fn mapping_is_prefix_stable() {
        let (content, log) = module_run(true);
        let full = map(&content, &log);
        for k in 1..log.len() {
            let head = map(&content, &log[..k]);
            assert_eq!(head[..], full[..head.len()], "prefix of {k} events");
            let tail =
                statements_from(&log, k as u32, &ctx(), &content, &mut derived_id).expect("tail");
            assert_eq!(head.len() + tail.len(), full.len());
            assert_eq!(tail[..], full[head.len()..]);
        }
    }

    // Guards score math: scaled = raw / max, min 0, raw never above max, 0/0 stays valid.
    #[test]
    fn score_math() {
        let (content, log) = module_run(true);
        let st = map(&content, &log);
        let passed = st
            .iter()
            .find(|s| s.verb.id == verbs::PASSED)
            .expect("passed");
        let r = passed.result.as_ref().expect("result");
        assert_eq!(
            r.score,
            Some(Score {
                scaled: 0.75,
                raw: 3,
                min: 0,
                max: 4
            })
        );
        assert_eq!((r.success, r.completion), (Some(true), Some(true)));
        assert_eq!(Score::of(0, 0).scaled, 0.0);
        assert_eq!(Score::of(5, 4).raw, 4);
        assert!((Score::of(2, 3).scaled - 2.0 / 3.0).abs() < 1e-12);
        // a wrong check item scores 0 of its points
        let (content, log) = module_run(false);
        let st = map(&content, &log);
        let q1 = st
            .iter()
            .find(|s| s.object.id.ends_with("/items/q1"))
            .expect("q1");
        assert_eq!(
            q1.result.as_ref().and_then(|r| r.score),
            Some(Score::of(0, 2))
        );
    }

    // Guards durations: ISO 8601 as validators accept it, at most 0.01 s precision (xAPI's
    // SHOULD; an LRS may truncate further digits), from first to last event for the
    // whole attempt, from the step's opening for a lesson or an answer.
    #[test]
    fn durations() {
        assert_eq!(duration(0), "PT0S");
        assert_eq!(duration(723_500), "PT12M3.5S");
        assert_eq!(duration(3_600_000), "PT1H");
        assert_eq!(duration(3_600_250), "PT1H0.25S");
        assert_eq!(duration(90_061_001), "PT25H1M1S");
        assert_eq!(duration(59_999), "PT59.99S");
        assert_eq!(duration(3_600_005), "PT1H");
        assert_eq!(duration(7), "PT0S");
        assert_eq!(duration(1_050), "PT1.05S");
        assert_eq!(duration(120_000), "PT2M");
        assert_eq!(duration(-5), "PT0S");
        let (content, log) = module_run(true);
        let st = map(&content, &log);
        // 10 intents, 60.5 s apart
        let done = st
            .iter()
            .find(|s| s.verb.id == verbs::TERMINATED)
            .expect("terminated");
        assert_eq!(
            done.result.as_ref().and_then(|r| r.duration.as_deref()),
            Some("PT10M5S")
        );
        // lesson 1: opened at start, left after answer + continue = 2 intents
        let l1 = st
            .iter()
            .find(|s| s.verb.id == verbs::EXPERIENCED)
            .expect("experienced");
        assert_eq!(
            l1.result.as_ref().and_then(|r| r.duration.as_deref()),
            Some("PT2M1S")
        );
    }

    // Guards timestamp conversion on known dates, leap days included, and the range check.
    #[test]
    fn timestamps_on_known_dates() {
        assert_eq!(timestamp(0).as_deref(), Ok("1970-01-01T00:00:00.000Z"));
        assert_eq!(timestamp(-1).as_deref(), Ok("1969-12-31T23:59:59.999Z"));
        assert_eq!(
            timestamp(951_782_400_000).as_deref(),
            Ok("2000-02-29T00:00:00.000Z")
        );
        assert_eq!(
            timestamp(1_709_164_800_000).as_deref(),
            Ok("2024-02-29T00:00:00.000Z")
        );
        // 2100 and 1900 are not leap years: 28 February is followed by 1 March
        assert_eq!(
            timestamp(4_107_542_400_000).as_deref(),
            Ok("2100-03-01T00:00:00.000Z")
        );
        assert_eq!(
            timestamp(4_107_542_400_000 - 1).as_deref(),
            Ok("2100-02-28T23:59:59.999Z")
        );
        assert_eq!(
            timestamp(-2_203_891_200_000).as_deref(),
            Ok("1900-03-01T00:00:00.000Z")
        );
        assert_eq!(timestamp(T0).as_deref(), Ok("2026-11-28T03:04:05.123Z"));
        assert_eq!(
            timestamp(253_402_300_799_999).as_deref(),
            Ok("9999-12-31T23:59:59.999Z")
        );
        assert_eq!(
            timestamp(253_402_300_800_000),
            Err(XapiError::Time(253_402_300_800_000))
        );
        assert_eq!(
            timestamp(-62_135_596_800_000).as_deref(),
            Ok("0001-01-01T00:00:00.000Z")
        );
    }

    fn is_leap(y: i64) -> bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    fn days_in(y: i64, m: u32) -> u32 {
        match m {
            2 if is_leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    proptest! {
        // Guards the calendar arithmetic everywhere in 0000-9999: each day is the calendar
        // successor of the day before (month lengths and leap rule checked independently).
        #[test]
        fn consecutive_days_are_calendar_successors(d in -719_528i64..2_932_896) {
            let (y, m, day) = civil_from_days(d);
            let next = civil_from_days(d + 1);
            let expected = if day < days_in(y, m) {
                (y, m, day + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            prop_assert_eq!(next, expected);
        }
    }

    // Guards Vietnamese text: titles, prompts and node texts keep their diacritics (no
    // escaping, no normalisation loss), HTML is reduced to text, English joins when present.
    #[test]
    fn vietnamese_text_is_preserved() {
        let mut s = sample_scenario();
        s.title = LocalText::both("Tiếp công dân", "Receiving citizens");
        s.nodes[0].text_html = LocalText::vi(
            "<p>Ông Minh nộp hồ sơ nhưng <strong>thiếu</strong> bản sao &amp; &quot;giấy tờ&quot;.</p>\n<ul>\n<li>Một</li><li>Hai</li></ul>",
        );
        s.nodes[0].choices[0].text = LocalText::both("Hướng dẫn một lần", "Explain once");
        let content = Content::Scenario(s);
        let log = run(&content, vec![Intent::Choose { choice: "a".into() }]);
        let st = map(&content, &log);
        let json = serde_json::to_string(&st).expect("json");
        assert!(json.contains("\"vi\":\"Tiếp công dân\""));
        assert!(json.contains("\"en\":\"Receiving citizens\""));
        assert!(json.contains("Nguyễn Thị Hồng"));
        let node = &st[2].object.definition;
        assert_eq!(
            node.description
                .as_ref()
                .and_then(|d| d.get("vi"))
                .map(String::as_str),
            Some("Ông Minh nộp hồ sơ nhưng thiếu bản sao & \"giấy tờ\". Một Hai")
        );
        let first = &node.choices.as_ref().expect("choices")[0];
        assert_eq!(
            first.description.get("en").map(String::as_str),
            Some("Explain once")
        );
        assert_eq!(verb(verbs::COMPLETED).display["vi"], "đã hoàn thành");
    }

    // Guards plain_text on entities and broken markup (never panics, never drops text).
    #[test]
    fn plain_text_edge_cases() {
        assert_eq!(
            plain_text("a &lt;b&gt; &#7909; &#x1EE5; &unknown; & c"),
            "a <b> ụ ụ &unknown; & c"
        );
        assert_eq!(plain_text("x <unclosed"), "x <unclosed");
        assert_eq!(plain_text("<p>one</p><p>two</p>"), "one two");
        assert_eq!(plain_text("hồ<em>sơ</em>"), "hồsơ");
    }

    // Guards the content-version tie: a log taken on another version is refused, not mapped
    // against questions it was not answering.
    #[test]
    fn other_content_version_is_refused() {
        let (_, log) = scenario_run(&["a", "c"]);
        let mut changed = sample_scenario();
        changed.version = "v2".into();
        let err = statements_for(&log, &ctx(), &Content::Scenario(changed), &mut derived_id);
        assert!(matches!(
            err,
            Err(XapiError::Log(AttemptError::ContentMismatch { .. }))
        ));
    }

    // Guards the configurable base: a trailing slash does not double, ids are escaped into
    // one path segment, a relative base is refused.
    #[test]
    fn base_iri_is_configurable() {
        let mut c = ctx();
        c.base = "https://lms.hcm.example/xapi/".into();
        assert_eq!(
            c.module_id("hoc-phan"),
            "https://lms.hcm.example/xapi/modules/hoc-phan"
        );
        assert_eq!(
            c.node_id("s", "a b/c"),
            "https://lms.hcm.example/xapi/scenarios/s/nodes/a%20b%2Fc"
        );
        assert_eq!(
            c.extension("class-code"),
            "https://lms.hcm.example/xapi/extensions/class-code"
        );
        let (content, log) = scenario_run(&["a", "c"]);
        let st = statements_for(&log, &c, &content, &mut derived_id).expect("statements");
        assert!(st.iter().all(|s| s
            .object
            .id
            .starts_with("https://lms.hcm.example/xapi/scenarios/s")));
        c.base = "boiduong/xapi".into();
        assert!(matches!(
            statements_for(&log, &c, &content, &mut derived_id),
            Err(XapiError::Base(_))
        ));
        let mut c = ctx();
        c.learner.home_page = "boiduong".into();
        assert!(matches!(
            statements_for(&log, &c, &content, &mut derived_id),
            Err(XapiError::HomePage(_))
        ));
    }

    // Guards the class code: present (trimmed) when the learner has one, absent when empty,
    // so trainers' queries never match an empty string.
    #[test]
    fn class_code_only_when_given() {
        let (content, log) = scenario_run(&["a", "c"]);
        let st = map(&content, &log);
        assert!(st
            .iter()
            .all(|s| ext(&s.context.extensions, ext::CLASS_CODE) == Some(&json!("QLNN-2026-01"))));
        let mut c = ctx();
        c.class_code = "  ".into();
        let st = statements_for(&log, &c, &content, &mut derived_id).expect("statements");
        assert!(st
            .iter()
            .all(|s| ext(&s.context.extensions, ext::CLASS_CODE).is_none()));
        // nor a class activity in the grouping
        assert!(st.iter().all(|s| !s
            .context
            .context_activities
            .grouping
            .iter()
            .any(|a| a.id.contains("/classes/"))));
        assert!(st
            .iter()
            .all(|s| ext(&s.context.extensions, ext::CONTENT_VERSION) == Some(&json!("v1"))));
    }

    // Guards progress: the cmi5 progress extension counts answered steps of all steps.
    #[test]
    fn progress_percent() {
        let (content, log) = module_run(true);
        let st = map(&content, &log);
        let progress: Vec<&Value> = st
            .iter()
            .filter(|s| s.verb.id == verbs::PROGRESSED)
            .filter_map(|s| s.result.as_ref()?.extensions.get(CMI5_PROGRESS))
            .collect();
        assert_eq!(progress, [&json!(20), &json!(40), &json!(60), &json!(80)]);
    }

    // Guards options with English text: a choice component carries both languages.
    #[test]
    fn english_option_text_joins_the_map() {
        let mut m = sample_module();
        m.lessons[0].practice.options[0] = ItemOption {
            id: "a".into(),
            text: LocalText::both("Đúng quy trình", "By the rules"),
            feedback: None,
            fixed: false,
        };
        let content = Content::Module(m);
        let log = run(&content, vec![answer("p1", Answer::Single("a".into()))]);
        let st = map(&content, &log);
        let choices = st[2].object.definition.choices.as_ref().expect("choices");
        assert_eq!(choices[0].description.len(), 2);
        assert_eq!(choices[0].description["vi"], "Đúng quy trình");
    }

    // Guards the pre-test mapping: its own activity (assessment, parent module), answers with
    // item-role `pretest`, the score on `completed` and no passed/failed; the drawn items and
    // seed travel with the result.
    #[test]
    fn pretest_maps_to_its_own_activity() {
        use crate::attempt::StartOptions;
        let content = Content::Module(crate::module::tests::pool_sample());
        let opts = StartOptions {
            mode: AttemptMode::PreTest,
            seed: Some(5),
            ..StartOptions::default()
        };
        let (mut attempt, first) =
            Attempt::start_with(&content, ATTEMPT, "l", T0, opts).expect("start");
        let mut log = vec![first];
        let drawn = attempt.draw.clone().expect("draw").items;
        for (i, item) in drawn.iter().enumerate() {
            for intent in [answer(item, Answer::Single("a".into())), Intent::Continue] {
                let (next, events) = attempt
                    .decide(&content, intent, T0 + 1_000 * (i as i64 + 1))
                    .expect("valid");
                log.extend(events);
                attempt = next;
            }
        }
        let st = map(&content, &log);
        assert_eq!(
            verb_names(&st),
            [
                "launched",
                "initialized",
                "answered",
                "progressed",
                "answered",
                "completed",
                "terminated"
            ]
        );
        let pretest = "https://boiduong.example/xapi/modules/pool/pretest";
        assert_eq!(st[0].object.id, pretest);
        assert_eq!(st[0].object.definition.kind, activity_types::ASSESSMENT);
        assert_eq!(
            st[0].context.context_activities.parent[0].id,
            "https://boiduong.example/xapi/modules/pool"
        );
        assert_eq!(st[2].context.context_activities.parent[0].id, pretest);
        assert_eq!(
            ext(&st[2].context.extensions, ext::ITEM_ROLE),
            Some(&json!("pretest"))
        );
        let done = st[5].result.as_ref().expect("result");
        assert_eq!(done.score.map(|s| (s.raw, s.max)), Some((2, 2)));
        assert_eq!(ext(&done.extensions, ext::DRAWN_ITEMS), Some(&json!(drawn)));
        assert_eq!(ext(&done.extensions, ext::DRAW_SEED), Some(&json!(5)));
    }

    // Guards "practice only": every statement says so, and no passed/failed is sent for a
    // result scored on the device.
    #[test]
    fn practice_only_attempt_has_no_verdict() {
        use crate::attempt::StartOptions;
        let content = Content::Module(sample_module());
        let opts = StartOptions {
            practice_only: true,
            ..StartOptions::default()
        };
        let (mut attempt, first) =
            Attempt::start_with(&content, ATTEMPT, "l", T0, opts).expect("start");
        let mut log = vec![first];
        // the intents of the good run, decided afresh (its finished event says "passed")
        let (_, good) = module_run(true);
        for (i, e) in good.iter().enumerate() {
            let intent = match &e.action {
                Action::Answered { item, answer, .. } => Intent::Answer {
                    item: item.clone(),
                    answer: answer.clone(),
                },
                Action::Advanced { .. } => Intent::Continue,
                _ => continue,
            };
            let (next, events) = attempt
                .decide(&content, intent, T0 + i as i64)
                .expect("valid");
            log.extend(events);
            attempt = next;
        }
        assert!(attempt.is_finished());
        let st = map(&content, &log);
        let names = verb_names(&st);
        assert!(!names.iter().any(|v| v == "passed" || v == "failed"));
        assert!(st
            .iter()
            .all(|s| ext(&s.context.extensions, ext::PRACTICE_ONLY) == Some(&json!(true))));
        let completed = st
            .iter()
            .find(|s| s.verb.id == verbs::COMPLETED)
            .expect("completed");
        assert!(completed.result.as_ref().is_some_and(|r| r.score.is_some()));
    }
}
