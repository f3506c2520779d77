//! A simulated class (feature `synth`, native tools only): learners of different skill play
//! scenarios and take modules through the portal's own engine ([`crate::attempt`]) and
//! mapping ([`crate::xapi::statements_for`] with [`crate::xapi::derived_id`]), so every
//! statement is one the portal could have sent. Deterministic from the seed.
//!
//! The self-assessment side too, through the same mapping: most learners take the pre-test
//! of a module whose check is a question pool (the post-test then avoids its items, as in the
//! app); some share their self-ratings (before and after a module, and on their own), the
//! others keep them private (no statement); most evaluate the modules they finish, some
//! anonymously.
//!
//! Learners see choices and options in their attempt's shuffled order (the engine's), so the
//! statements carry `shown-position` and `shown-order`; a weaker learner who guesses at a
//! scenario node often takes the choice shown first, which the review's position bias shows.
//!
//! Used by `boiduong-synth` (demo seed, e2e data) and `boiduong-review-bench`.

use std::collections::BTreeMap;

use crate::attempt::{Attempt, Intent, Progress, StartOptions};
use crate::model::{
    Answer, Catalog, CatalogEntry, Choice, Content, ContentKind, EndingKind, Item, Module, Scenario,
};
use crate::module::AttemptMode;
use crate::rng::Rng;
use crate::self_assessment::rating::{ModuleLink, Phase};
use crate::self_assessment::{Consent, Evaluation, SelfRating};
use crate::text::Lang;
use crate::xapi::{self, derived_id, Learner, StatementContext, XapiError};

mod demo;
pub use demo::{demo_catalog, demo_module, demo_scenario};

/// The class to simulate.
#[derive(Clone, Debug)]
pub struct SynthConfig {
    pub learners: usize,
    /// Class code on every statement; empty for none.
    pub class_code: String,
    pub seed: u64,
    /// Base IRI of activity ids.
    pub base: String,
    /// Account home page of the learners (the LRS or the portal).
    pub home_page: String,
    /// Account names are `{prefix}01`, `{prefix}02`, … (`hocvien-seed-01`).
    pub account_prefix: String,
    /// First day of the course (ms since the epoch, UTC midnight).
    pub start_ms: i64,
    /// Attempts start on days `0..days` after `start_ms`, in office hours (Việt Nam time).
    pub days: u32,
    /// Times each learner comes back to each content (each visit: one attempt, plus retries).
    pub rounds: u32,
    /// Most attempts of one content in one visit.
    pub max_retries: u32,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            learners: 40,
            class_code: "QLNN-2026-01".into(),
            seed: 1,
            base: "https://boiduong.example/xapi".into(),
            home_page: "http://127.0.0.1:8100".into(),
            account_prefix: "hocvien-seed-".into(),
            start_ms: 1_795_824_000_000, // 2026-11-28T00:00:00Z
            days: 14,
            rounds: 1,
            max_retries: 3,
        }
    }
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Hữu", "Gia", "Hoài", "Đức", "Bảo",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khang", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nhung", "Phong", "Phúc", "Quân", "Quỳnh",
    "Sơn", "Tâm", "Thảo", "Trang", "Trí", "Tuấn", "Vy", "Yến",
];

/// A Vietnamese full name for learner `i` (deterministic).
pub fn vietnamese_name(seed: u64, i: usize) -> String {
    let mut r = Rng::derive(seed, &format!("name/{i}"));
    format!(
        "{} {} {}",
        FAMILY[r.below(FAMILY.len())],
        MIDDLE[r.below(MIDDLE.len())],
        GIVEN[r.below(GIVEN.len())]
    )
}

/// A simulated learner.
#[derive(Clone, Debug)]
pub struct SynthLearner {
    pub context: StatementContext,
    /// 0..1: chance-like ability; better learners pick the best choice and answer right
    /// more often, quit less.
    pub skill: f64,
    /// Shares their self-ratings (`Consent::share_self_ratings`); the others' ratings stay
    /// on their device and make no statement.
    pub shares_ratings: bool,
    /// How far above their skill they rate themselves (in levels; mostly above).
    pub confidence: f64,
}

/// The class's learners: skills spread over 0.1–0.95 (mean of two uniforms, so most are
/// average).
pub fn learners(cfg: &SynthConfig) -> Vec<SynthLearner> {
    let width = if cfg.learners >= 100 { 3 } else { 2 };
    (0..cfg.learners)
        .map(|i| {
            let mut r = Rng::derive(cfg.seed, &format!("learner/{i}"));
            let skill = 0.1 + 0.85 * (r.unit() + r.unit()) / 2.0;
            let mut a = Rng::derive(cfg.seed, &format!("learner/{i}/assess"));
            let shares_ratings = a.chance(0.6);
            let confidence = a.unit() * 2.0 - 0.5;
            SynthLearner {
                shares_ratings,
                confidence,
                context: StatementContext {
                    base: cfg.base.clone(),
                    learner: Learner {
                        name: vietnamese_name(cfg.seed, i),
                        home_page: cfg.home_page.clone(),
                        account_name: format!("{}{:0width$}", cfg.account_prefix, i + 1),
                    },
                    class_code: cfg.class_code.clone(),
                    platform: "Boiduong synth".into(),
                    language: if r.chance(0.85) { Lang::Vi } else { Lang::En },
                },
                skill,
            }
        })
        .collect()
}

/// Office hours in Việt Nam (UTC+7), 08:00–16:00, on a random day of the course.
fn attempt_start(r: &mut Rng, cfg: &SynthConfig) -> i64 {
    let day = r.range(0, i64::from(cfg.days.max(1)) - 1);
    let minute = r.range(60, 9 * 60 - 1); // 01:00–09:59 UTC
    cfg.start_ms + day * 86_400_000 + minute * 60_000 + r.range(0, 59_999)
}

/// One attempt: intents with their think time (ms). Returns the log's statements.
fn run(
    content: &Content,
    learner: &SynthLearner,
    id: String,
    start: i64,
    options: StartOptions,
    mut next: impl FnMut(&Attempt) -> Option<(Intent, i64)>,
) -> Result<(Vec<xapi::Statement>, Attempt), XapiError> {
    let (mut attempt, first) = Attempt::start_with(content, id, "synth", start, options)?;
    let mut log = vec![first];
    let mut now = start;
    while !attempt.is_finished() {
        let Some((intent, wait)) = next(&attempt) else {
            break;
        };
        now += wait;
        let (after, events) = attempt.decide(content, intent, now)?;
        log.extend(events);
        attempt = after;
    }
    let st = xapi::statements_for(&log, &learner.context, content, &mut derived_id)?;
    Ok((st, attempt))
}

fn scenario_attempt(
    s: &Scenario,
    content: &Content,
    learner: &SynthLearner,
    skill: f64,
    r: &mut Rng,
    start: i64,
) -> Result<(Vec<xapi::Statement>, Option<EndingKind>), XapiError> {
    // Weaker learners give up more often, somewhere along the way.
    let quit_after = r.chance(0.04 + 0.14 * (1.0 - skill)).then(|| r.below(4));
    let p_best = 0.25 + 0.7 * skill;
    let mut steps = 0;
    let (st, attempt) = run(
        content,
        learner,
        r.uuid(),
        start,
        StartOptions::default(),
        |a| {
            if quit_after == Some(steps) || steps >= 40 {
                return None;
            }
            let Progress::Scenario(state) = &a.progress else {
                return None;
            };
            let node = s.node(&state.node)?;
            let best = node.best_choice()?.total();
            let pick = if r.chance(p_best) {
                let bests: Vec<&Choice> =
                    node.choices.iter().filter(|c| c.total() == best).collect();
                bests[r.below(bests.len())]
            } else if r.chance(0.5 * (1.0 - skill)) {
                // a guess by place: the choice shown first (in this attempt's order)
                &node.choices[*a.choice_order(node).first()?]
            } else {
                &node.choices[r.below(node.choices.len())]
            };
            steps += 1;
            let think = ((8_000 + r.range(0, 70_000)) as f64 * (1.6 - skill)) as i64;
            Some((
                Intent::Choose {
                    choice: pick.id.clone(),
                },
                think,
            ))
        },
    )?;
    let kind = match attempt.outcome {
        Some(crate::attempt::Outcome::Scenario { ending_kind, .. }) => Some(ending_kind),
        _ => None,
    };
    Ok((st, kind))
}

/// Chance of answering an item right: logistic in (skill − difficulty).
fn p_right(skill: f64, difficulty: f64) -> f64 {
    1.0 / (1.0 + (-6.0 * (skill - difficulty)).exp())
}

/// A response the item accepts but scores wrong; the first distractors are the more
/// attractive ones. None when the item has no wrong response.
fn wrong_answer(item: &Item, r: &mut Rng) -> Option<Answer> {
    let ids: Vec<String> = item.options.iter().map(|o| o.id.clone()).collect();
    for _ in 0..8 {
        let candidate = match &item.answer {
            Answer::TrueFalse(b) => Answer::TrueFalse(!b),
            Answer::Single(_) => {
                // weight option k by 1/(k+1)
                let weights: Vec<f64> = (0..ids.len()).map(|k| 1.0 / (k as f64 + 1.0)).collect();
                let mut x = r.unit() * weights.iter().sum::<f64>();
                let mut pick = 0;
                for (k, w) in weights.iter().enumerate() {
                    if x < *w {
                        pick = k;
                        break;
                    }
                    x -= w;
                }
                Answer::Single(ids.get(pick)?.clone())
            }
            Answer::Multiple(_) => {
                let sel: Vec<String> = ids.iter().filter(|_| r.chance(0.5)).cloned().collect();
                Answer::Multiple(sel)
            }
            Answer::Ordering(key) => {
                let mut o = key.clone();
                let (i, j) = (r.below(o.len()), r.below(o.len()));
                o.swap(i, j);
                Answer::Ordering(o)
            }
        };
        if item.accepts(&candidate) && !item.is_correct(&candidate) {
            return Some(candidate);
        }
    }
    None
}

/// How a module attempt went.
struct ModuleRun {
    id: String,
    passed: bool,
    finished: bool,
    /// The drawn items (pools).
    drawn: Vec<String>,
    end_ms: i64,
}

#[allow(clippy::too_many_arguments)]
fn module_attempt(
    m: &Module,
    content: &Content,
    learner: &SynthLearner,
    skill: f64,
    seed: u64,
    r: &mut Rng,
    start: i64,
    options: StartOptions,
) -> Result<(Vec<xapi::Statement>, ModuleRun), XapiError> {
    let pretest = options.mode == AttemptMode::PreTest;
    let quit_at = (!pretest && r.chance(0.03 + 0.08 * (1.0 - skill))).then(|| r.below(12));
    let mut intents = 0;
    let id = r.uuid();
    let (st, attempt) = run(content, learner, id.clone(), start, options, |a| {
        if quit_at == Some(intents) {
            return None;
        }
        intents += 1;
        let Progress::Module(state) = &a.progress else {
            return None;
        };
        if state.current_response(m).is_some() {
            return Some((Intent::Continue, 2_000 + r.range(0, 6_000)));
        }
        let item = state.current_item(m)?;
        let difficulty = Rng::derive(seed, &format!("item/{}/{}", m.id, item.id)).unit() * 0.8;
        let answer = if r.chance(p_right(skill, difficulty)) {
            item.answer.clone()
        } else {
            wrong_answer(item, r).unwrap_or_else(|| item.answer.clone())
        };
        let think = ((15_000 + r.range(0, 60_000)) as f64 * (1.5 - skill)) as i64;
        Some((
            Intent::Answer {
                item: item.id.clone(),
                answer,
            },
            think,
        ))
    })?;
    let passed = matches!(
        attempt.outcome,
        Some(crate::attempt::Outcome::Module { passed: true, .. })
    );
    Ok((
        st,
        ModuleRun {
            id,
            passed,
            finished: attempt.is_finished(),
            drawn: attempt.draw.map(|d| d.items).unwrap_or_default(),
            end_ms: attempt.updated_ms,
        },
    ))
}

/// A self-rated level 1–5: skill plus the learner's confidence, and some noise.
fn self_level(learner: &SynthLearner, skill: f64, r: &mut Rng) -> u8 {
    let x = 1.0 + 4.0 * skill + learner.confidence + (r.unit() - 0.5);
    x.round().clamp(1.0, 5.0) as u8
}

/// A shared self-rating of `competencies` (none when the learner keeps ratings private).
fn self_rating(
    catalog: &Catalog,
    learner: &SynthLearner,
    competencies: &[String],
    link: Option<ModuleLink>,
    skill: f64,
    r: &mut Rng,
    at_ms: i64,
) -> Result<Vec<xapi::Statement>, XapiError> {
    let ratings: BTreeMap<String, u8> = competencies
        .iter()
        .filter(|c| catalog.competency(c).is_some())
        .map(|c| (c.clone(), self_level(learner, skill, r)))
        .collect();
    if ratings.is_empty() {
        return Ok(Vec::new());
    }
    let rating = SelfRating {
        id: r.uuid(),
        learner_id: "synth".into(),
        module: link,
        ratings,
        at_ms,
    };
    let consent = Consent {
        share_self_ratings: learner.shares_ratings,
        share_profile: false,
    };
    xapi::self_rating_statements(
        &rating,
        catalog,
        &consent,
        None,
        &learner.context,
        &mut derived_id,
    )
}

const INTENDED_USE: &[&str] = &[
    "Kiểm tra đủ thành phần hồ sơ trước khi tiếp nhận.",
    "Hẹn trả kết quả đúng ngày và báo trước nếu chậm.",
    "Giải thích rõ lý do khi trả lại hồ sơ, bằng văn bản.",
    "Hướng dẫn người dân nộp hồ sơ trực tuyến ngay tại quầy.",
    "Ghi sổ theo dõi mọi yêu cầu, kể cả yêu cầu qua điện thoại.",
    "Xin ý kiến cấp trên bằng văn bản khi vượt thẩm quyền.",
    "Giữ thái độ bình tĩnh, lắng nghe hết trước khi trả lời.",
    "Chia sẻ tài liệu học phần với đồng nghiệp trong tổ.",
];

const COMMENTS: &[&str] = &[
    "Cần thêm ví dụ thực tế ở phường.",
    "Bài kiểm tra hơi dài.",
    "Nội dung hay, dễ áp dụng.",
    "Mong có thêm tình huống về hồ sơ đất đai.",
];

/// A Likert answer, mostly agreeing (weights of 1..=5).
fn agreement(r: &mut Rng, lift: f64) -> u8 {
    let weights = [0.03, 0.08, 0.2 - 0.1 * lift, 0.4, 0.29 + 0.1 * lift];
    let mut x = r.unit() * weights.iter().sum::<f64>();
    for (k, w) in weights.iter().enumerate() {
        if x < *w {
            return k as u8 + 1;
        }
        x -= w;
    }
    5
}

/// A module evaluation, anonymous about one time in three.
fn evaluation(
    entry: &CatalogEntry,
    learner: &SynthLearner,
    passed: bool,
    r: &mut Rng,
    at_ms: i64,
) -> Result<Vec<xapi::Statement>, XapiError> {
    let lift = if passed { 1.0 } else { 0.0 };
    let e = Evaluation {
        id: r.uuid(),
        module: entry.id.clone(),
        usefulness: agreement(r, lift),
        clarity: agreement(r, lift),
        relevance: agreement(r, lift),
        intended_use: INTENDED_USE[r.below(INTENDED_USE.len())].to_owned(),
        comment: r
            .chance(0.3)
            .then(|| COMMENTS[r.below(COMMENTS.len())].to_owned()),
        anonymous: r.chance(0.35),
        at_ms,
    };
    xapi::evaluation_statements(&e, entry, &learner.context, &mut derived_id)
}

/// A learner's visits to a module over the rounds: on a question pool, a pre-test first
/// (most learners) with a shared "before" rating; then the attempts; after a finished one an
/// "after" rating and (most learners) an evaluation.
#[allow(clippy::too_many_arguments)]
fn module_visit(
    m: &Module,
    content: &Content,
    catalog: &Catalog,
    learner: &SynthLearner,
    cfg: &SynthConfig,
    li: usize,
    round: u32,
    r: &mut Rng,
    mut start: i64,
    out: &mut Vec<xapi::Statement>,
) -> Result<(), XapiError> {
    let mut a = Rng::derive(cfg.seed, &format!("{li}/{}/{round}/assess", m.id));
    let rate = !m.competencies.is_empty();
    let mut avoid = Vec::new();
    let mut pretest_id = None;
    if round == 0 && m.check.draw.is_some() && a.chance(0.8) {
        let at = start - a.range(5, 40) * 60_000;
        let options = StartOptions {
            mode: AttemptMode::PreTest,
            ..StartOptions::default()
        };
        // before the lessons: weaker than at the post-test
        let skill = (learner.skill - 0.3).max(0.02);
        let (st, run) = module_attempt(m, content, learner, skill, cfg.seed, &mut a, at, options)?;
        out.extend(st);
        avoid = run.drawn;
        pretest_id = Some(run.id);
    }
    if rate && round == 0 && a.chance(0.7) {
        let link = ModuleLink {
            module: m.id.clone(),
            phase: Phase::Before,
            attempt_id: pretest_id,
        };
        out.extend(self_rating(
            catalog,
            learner,
            &m.competencies,
            Some(link),
            learner.skill - 0.1,
            &mut a,
            start - 60_000,
        )?);
    }
    let mut skill = learner.skill;
    let mut last: Option<ModuleRun> = None;
    for _ in 0..cfg.max_retries.max(1) {
        let options = StartOptions {
            avoid: avoid.clone(),
            ..StartOptions::default()
        };
        let (st, run) = module_attempt(m, content, learner, skill, cfg.seed, r, start, options)?;
        out.extend(st);
        let retry_chance = if run.passed { 0.03 } else { 0.5 };
        last = Some(run);
        if !r.chance(retry_chance) {
            break;
        }
        skill = (skill + 0.08).min(0.97);
        // same day a little later, or another day
        start += if r.chance(0.5) {
            r.range(10, 120) * 60_000
        } else {
            r.range(1, 3) * 86_400_000
        };
    }
    let Some(last) = last.filter(|l| l.finished) else {
        return Ok(());
    };
    if rate && a.chance(0.6) {
        let link = ModuleLink {
            module: m.id.clone(),
            phase: Phase::After,
            attempt_id: Some(last.id.clone()),
        };
        out.extend(self_rating(
            catalog,
            learner,
            &m.competencies,
            Some(link),
            skill,
            &mut a,
            last.end_ms + 30_000,
        )?);
    }
    if let Some(entry) = catalog.entry(ContentKind::Module, &m.id) {
        if a.chance(0.75) {
            out.extend(evaluation(
                entry,
                learner,
                last.passed,
                &mut a,
                last.end_ms + 90_000,
            )?);
        }
    }
    Ok(())
}

/// Simulates the class over `contents`: every learner visits every content `rounds` times;
/// a visit retries (up to `max_retries` attempts) the more likely the worse it went, a
/// little better each time. Modules add pre-tests, self-ratings and evaluations (see the
/// module doc); `catalog` names the competencies and modules they refer to
/// ([`demo_catalog`] for generated content). Statements come out sorted by timestamp (an
/// LRS's order).
pub fn simulate(
    contents: &[Content],
    catalog: &Catalog,
    cfg: &SynthConfig,
) -> Result<Vec<xapi::Statement>, XapiError> {
    Ok(simulate_posted(contents, catalog, cfg)?
        .into_iter()
        .map(|p| p.statement)
        .collect())
}

/// A statement and the learner's account that posts it: the actor's own, also for an
/// anonymous evaluation (whose actor is nobody's account). An LRS stamps that account as
/// the statement's `authority`.
#[derive(Clone, Debug, PartialEq)]
pub struct Posted {
    pub by: xapi::Account,
    pub statement: xapi::Statement,
}

impl Posted {
    /// The statement as JSON with the `authority` an LRS would give it (what a seed tool
    /// reads to post it with the right account, and what the review reads back).
    pub fn with_authority(&self) -> Result<serde_json::Value, serde_json::Error> {
        let mut v = serde_json::to_value(&self.statement)?;
        if let Some(map) = v.as_object_mut() {
            map.insert(
                "authority".into(),
                serde_json::json!({
                    "objectType": "Agent",
                    "account": {"homePage": self.by.home_page, "name": self.by.name},
                }),
            );
        }
        Ok(v)
    }
}

/// [`simulate`], each statement with the account that posts it.
pub fn simulate_posted(
    contents: &[Content],
    catalog: &Catalog,
    cfg: &SynthConfig,
) -> Result<Vec<Posted>, XapiError> {
    let class = learners(cfg);
    let mut out = Vec::new();
    // learner index of each statement of `out`
    let mut posters: Vec<usize> = Vec::new();
    // what the class's contents train: the competencies of a rating on its own
    let mut trained: Vec<String> = contents
        .iter()
        .flat_map(|c| match c {
            Content::Module(m) => m.competencies.clone(),
            Content::Scenario(s) => s.competencies.clone(),
        })
        .collect();
    trained.sort();
    trained.dedup();
    for (li, learner) in class.iter().enumerate() {
        posters.resize(out.len(), li.saturating_sub(1));
        if !learner.context.class_code.trim().is_empty() {
            // signed in with the class code before the course began: joined the class
            let mut j = Rng::derive(cfg.seed, &format!("{li}/joined"));
            let at = cfg.start_ms - j.range(1, 72) * 3_600_000;
            out.push(xapi::joined_statement(&learner.context, &j.uuid(), at)?);
        }
        let mut a = Rng::derive(cfg.seed, &format!("{li}/self-rating"));
        if a.chance(0.5) {
            let at = attempt_start(&mut a, cfg);
            out.extend(self_rating(
                catalog,
                learner,
                &trained,
                None,
                learner.skill,
                &mut a,
                at,
            )?);
        }
        for content in contents {
            for round in 0..cfg.rounds {
                let mut r = Rng::derive(cfg.seed, &format!("{li}/{}/{round}", content.id()));
                let mut start = attempt_start(&mut r, cfg);
                let s = match content {
                    Content::Module(m) => {
                        module_visit(
                            m, content, catalog, learner, cfg, li, round, &mut r, start, &mut out,
                        )?;
                        continue;
                    }
                    Content::Scenario(s) => s,
                };
                let mut skill = learner.skill;
                for _ in 0..cfg.max_retries.max(1) {
                    let retry_chance = {
                        let (st, kind) =
                            scenario_attempt(s, content, learner, skill, &mut r, start)?;
                        out.extend(st);
                        match kind {
                            Some(EndingKind::Good) => 0.1,
                            Some(EndingKind::Mixed) => 0.4,
                            Some(EndingKind::Bad) => 0.65,
                            None => 0.45,
                        }
                    };
                    if !r.chance(retry_chance) {
                        break;
                    }
                    skill = (skill + 0.08).min(0.97);
                    // same day a little later, or another day
                    start += if r.chance(0.5) {
                        r.range(10, 120) * 60_000
                    } else {
                        r.range(1, 3) * 86_400_000
                    };
                }
            }
        }
    }
    posters.resize(out.len(), class.len().saturating_sub(1));
    let mut posted: Vec<Posted> = out
        .into_iter()
        .zip(posters)
        .map(|(statement, li)| Posted {
            by: xapi::Account {
                home_page: class[li].context.learner.home_page.clone(),
                name: class[li].context.learner.account_name.clone(),
            },
            statement,
        })
        .collect();
    // Same format everywhere, so the text order is the time order; stable keeps event order.
    posted.sort_by(|a, b| a.statement.timestamp.cmp(&b.statement.timestamp));
    Ok(posted)
}

#[cfg(test)]
mod tests;
