//! A simulated class (feature `synth`, native tools only): learners of different skill play
//! scenarios and take modules through the portal's own engine ([`crate::attempt`]) and
//! mapping ([`crate::xapi::statements_for`] with [`crate::xapi::derived_id`]), so every
//! statement is one the portal could have sent. Deterministic from the seed.
//!
//! Used by `boiduong-synth` (demo seed, e2e data) and `boiduong-review-bench`.

use crate::attempt::{Attempt, Intent, Progress};
use crate::model::{
    Answer, Branch, Check, Choice, CompareOp, Comparison, Condition, Content, Ending, EndingKind,
    Item, ItemOption, Lesson, Module, Node, Scenario, TOTAL_SUBJECT,
};
use crate::text::{Lang, LocalText};
use crate::xapi::{self, derived_id, Learner, StatementContext, XapiError};

/// SplitMix64: small, fast, good enough for simulation, identical on every platform.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// An independent stream for `(seed, key)`: adding content or learners does not change
    /// the others' data.
    pub fn derive(seed: u64, key: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mut r = Rng::new(seed ^ h);
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in lo..=hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1).max(1) as u64) as i64
    }

    fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}

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
}

/// The class's learners: skills spread over 0.1–0.95 (mean of two uniforms, so most are
/// average).
pub fn learners(cfg: &SynthConfig) -> Vec<SynthLearner> {
    let width = if cfg.learners >= 100 { 3 } else { 2 };
    (0..cfg.learners)
        .map(|i| {
            let mut r = Rng::derive(cfg.seed, &format!("learner/{i}"));
            let skill = 0.1 + 0.85 * (r.unit() + r.unit()) / 2.0;
            SynthLearner {
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
    mut next: impl FnMut(&Attempt) -> Option<(Intent, i64)>,
) -> Result<(Vec<xapi::Statement>, Attempt), XapiError> {
    let (mut attempt, first) = Attempt::start(content, id, "synth", start);
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
    let (st, attempt) = run(content, learner, r.uuid(), start, |a| {
        if quit_after == Some(steps) || steps >= 40 {
            return None;
        }
        let Progress::Scenario(state) = &a.progress else {
            return None;
        };
        let node = s.node(&state.node)?;
        let best = node.best_choice()?.total();
        let pick = if r.chance(p_best) {
            let bests: Vec<&Choice> = node.choices.iter().filter(|c| c.total() == best).collect();
            bests[r.below(bests.len())]
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
    })?;
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

fn module_attempt(
    m: &Module,
    content: &Content,
    learner: &SynthLearner,
    skill: f64,
    seed: u64,
    r: &mut Rng,
    start: i64,
) -> Result<(Vec<xapi::Statement>, bool), XapiError> {
    let quit_at = r.chance(0.03 + 0.08 * (1.0 - skill)).then(|| r.below(12));
    let mut intents = 0;
    let (st, attempt) = run(content, learner, r.uuid(), start, |a| {
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
    Ok((st, passed))
}

/// Simulates the class over `contents`: every learner visits every content `rounds` times;
/// a visit retries (up to `max_retries` attempts) the more likely the worse it went, a
/// little better each time. Statements come out sorted by timestamp (an LRS's order).
pub fn simulate(
    contents: &[Content],
    cfg: &SynthConfig,
) -> Result<Vec<xapi::Statement>, XapiError> {
    let mut out = Vec::new();
    for (li, learner) in learners(cfg).iter().enumerate() {
        for content in contents {
            for round in 0..cfg.rounds {
                let mut r = Rng::derive(cfg.seed, &format!("{li}/{}/{round}", content.id()));
                let mut start = attempt_start(&mut r, cfg);
                let mut skill = learner.skill;
                for _ in 0..cfg.max_retries.max(1) {
                    let retry_chance = match content {
                        Content::Scenario(s) => {
                            let (st, kind) =
                                scenario_attempt(s, content, learner, skill, &mut r, start)?;
                            out.extend(st);
                            match kind {
                                Some(EndingKind::Good) => 0.1,
                                Some(EndingKind::Mixed) => 0.4,
                                Some(EndingKind::Bad) => 0.65,
                                None => 0.45,
                            }
                        }
                        Content::Module(m) => {
                            let (st, passed) = module_attempt(
                                m, content, learner, skill, cfg.seed, &mut r, start,
                            )?;
                            out.extend(st);
                            if passed {
                                0.03
                            } else {
                                0.5
                            }
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
    // Same format everywhere, so the text order is the time order; stable keeps event order.
    out.sort_by(|a, b| a.timestamp.cmp(&b.timestamp));
    Ok(out)
}

const COMPETENCIES: &[&str] = &["giao_tiep", "phap_luat", "dao_duc", "xu_ly_tinh_huong"];

fn text(vi: String) -> LocalText {
    LocalText::vi(vi)
}

/// A generated scenario of about `nodes` nodes for benchmarks: layers of 3–4 decision
/// nodes, 2–4 choices each leading to the next layer (sometimes skipping one), about one
/// choice in twelve looping back a layer or two, some score-conditioned branches, and
/// good/mixed/bad endings at the bottom plus a few early ones.
pub fn demo_scenario(index: usize, nodes: usize, seed: u64) -> Scenario {
    let mut r = Rng::derive(seed, &format!("demo-scenario/{index}"));
    let competencies: Vec<String> = COMPETENCIES
        .iter()
        .take(2 + index % 3)
        .map(|c| (*c).to_owned())
        .collect();
    // layout of ids: layers of decision nodes, then 3 bottom endings, plus early endings
    let decisions = nodes.saturating_sub(5).max(3);
    let mut layers: Vec<Vec<String>> = Vec::new();
    let mut made = 0;
    while made < decisions {
        let width = if layers.is_empty() { 1 } else { 3 + r.below(2) };
        let width = width.min(decisions - made);
        layers.push((made..made + width).map(|k| format!("n{k}")).collect());
        made += width;
    }
    let bottom = ["ket-tot", "ket-vua", "ket-xau"];
    let early = ["bo-cuoc", "khieu-nai"];
    let mut out_nodes = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        for id in layer {
            let n_choices = 2 + r.below(3);
            let mut choices = Vec::new();
            for c in 0..n_choices {
                let to = if li + 1 >= layers.len() {
                    bottom[r.below(bottom.len())].to_owned()
                } else if li >= 2 && r.chance(1.0 / 12.0) {
                    let back = &layers[li - 1 - r.below(2)];
                    back[r.below(back.len())].clone()
                } else if r.chance(0.04) {
                    early[r.below(early.len())].to_owned()
                } else {
                    let skip = usize::from(li + 2 < layers.len() && r.chance(0.15));
                    let next = &layers[li + 1 + skip];
                    next[r.below(next.len())].clone()
                };
                let mut scores = std::collections::BTreeMap::new();
                for k in &competencies {
                    if r.chance(0.6) {
                        scores.insert(k.clone(), r.range(-2, 2) as i32);
                    }
                }
                let mut branches = Vec::new();
                if li + 1 < layers.len() && r.chance(0.1) {
                    let next = &layers[li + 1];
                    branches.push(Branch {
                        when: Condition {
                            all: vec![Comparison {
                                subject: TOTAL_SUBJECT.into(),
                                op: CompareOp::Ge,
                                value: r.range(0, 4) as i32,
                            }],
                        },
                        to: next[r.below(next.len())].clone(),
                    });
                }
                choices.push(Choice {
                    id: format!("c{c}"),
                    text: text(format!("Phương án {c} tại {id}")),
                    to,
                    branches,
                    consequence: text("Hệ quả.".into()),
                    feedback: text(format!("Nhận xét về phương án {c} tại {id}.")),
                    scores,
                });
            }
            out_nodes.push(Node {
                id: id.clone(),
                text_html: text(format!("<p>Tình huống {id}</p>")),
                image: None,
                choices,
                ending: None,
            });
        }
    }
    for (id, kind) in bottom
        .iter()
        .zip([EndingKind::Good, EndingKind::Mixed, EndingKind::Bad])
        .chain(early.iter().zip([EndingKind::Bad, EndingKind::Mixed]))
    {
        out_nodes.push(Node {
            id: (*id).to_owned(),
            text_html: text(format!("<p>{id}</p>")),
            image: None,
            choices: Vec::new(),
            ending: Some(Ending {
                kind,
                title: text(format!("Kết thúc {id}")),
            }),
        });
    }
    Scenario {
        id: format!("tinh-huong-demo-{index}"),
        version: format!("demo{index}"),
        field: "mot-cua".into(),
        title: text(format!("Tình huống mô phỏng {index}")),
        summary: text("Sinh tự động cho đo hiệu năng.".into()),
        duration_min: 15,
        competencies,
        delta_range: (-2, 2),
        start: "n0".into(),
        nodes: out_nodes,
    }
}

/// A generated module for benchmarks: `lessons` lessons and `items` check items of every
/// kind.
pub fn demo_module(index: usize, lessons: usize, items: usize, seed: u64) -> Module {
    let mut r = Rng::derive(seed, &format!("demo-module/{index}"));
    let options = |n: usize| -> Vec<ItemOption> {
        (0..n)
            .map(|k| ItemOption {
                id: ((b'a' + k as u8) as char).to_string(),
                text: text(format!("Phương án {k}")),
                feedback: None,
            })
            .collect()
    };
    let mut item = |id: String| {
        let (opts, answer) = match r.below(4) {
            0 => (
                options(4),
                Answer::Single(["a", "b", "c", "d"][r.below(4)].into()),
            ),
            1 => (options(4), Answer::Multiple(vec!["a".into(), "c".into()])),
            2 => (Vec::new(), Answer::TrueFalse(r.chance(0.5))),
            _ => (
                options(3),
                Answer::Ordering(vec!["b".into(), "a".into(), "c".into()]),
            ),
        };
        Item {
            prompt: text(format!("Câu hỏi {id}")),
            id,
            options: opts,
            answer,
            explanation: text("Giải thích.".into()),
            points: 1,
        }
    };
    let lessons = (0..lessons)
        .map(|k| Lesson {
            id: format!("bai-{k}"),
            title: text(format!("Bài {k}")),
            body_html: text("<p>Nội dung.</p>".into()),
            practice: item(format!("p{k}")),
        })
        .collect();
    let n_items = items;
    let items: Vec<Item> = (0..n_items).map(|k| item(format!("q{k}"))).collect();
    Module {
        id: format!("hoc-phan-demo-{index}"),
        version: format!("demo{index}"),
        field: "mot-cua".into(),
        title: text(format!("Học phần mô phỏng {index}")),
        summary: text("Sinh tự động cho đo hiệu năng.".into()),
        duration_min: 30,
        competencies: vec![COMPETENCIES[0].into()],
        lessons,
        check: Check {
            pass_points: (n_items as u32 * 7).div_ceil(10),
            draw: None,
            items,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{item_analysis, parse_page, scenario_review, Class, Filter};

    // Guards the generator: deterministic, valid for the engine (every statement mapped),
    // skill shows in the results, and the review reads everything back.
    #[test]
    fn a_class_reads_back() {
        let contents = vec![
            Content::Scenario(demo_scenario(0, 30, 7)),
            Content::Module(demo_module(0, 3, 8, 7)),
        ];
        let cfg = SynthConfig {
            learners: 30,
            ..SynthConfig::default()
        };
        let a = simulate(&contents, &cfg).expect("simulate");
        let b = simulate(&contents, &cfg).expect("again");
        assert_eq!(a, b);
        let ids: std::collections::HashSet<&str> = a.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids.len(), a.len());
        let json = serde_json::to_string(&a).expect("json");
        let page = parse_page(&json).expect("page");
        assert_eq!(page.malformed, 0);
        let class = Class::build(&page.statements, &cfg.base, &Filter::default());
        assert_eq!(class.learners.len(), 30);
        assert_eq!(class.used, a.len());
        let Content::Scenario(s) = &contents[0] else {
            unreachable!()
        };
        let r = scenario_review(&class, s);
        assert!(r.attempts >= 30 && r.completed > 0 && r.completed <= r.attempts);
        let Content::Module(m) = &contents[1] else {
            unreachable!()
        };
        let ia = item_analysis(&class, m);
        assert!(ia.attempts > 20);
        // answers correlate with skill: most items discriminate positively
        let positive = ia
            .items
            .iter()
            .filter(|i| i.point_biserial.is_some_and(|r| r > 0.0))
            .count();
        assert!(
            positive * 2 > ia.items.len(),
            "{positive} of {}",
            ia.items.len()
        );
        assert_eq!(
            class.learners[0].account.name, "hocvien-seed-01",
            "account names"
        );
    }
}
