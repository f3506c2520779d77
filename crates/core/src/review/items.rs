//! Knowledge-check item analysis: facility, discrimination, distractors, flags.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Answer, ContentKind, ItemKind, Module};
use crate::text::LocalText;

use super::class::{Attempt, Class, ItemAnswer};

/// An item more than 90 % of learners get right tells the trainer little: flagged too easy.
pub const TOO_EASY_FACILITY: f64 = 0.9;
/// An item fewer than 20 % get right is flagged too hard (or its key is wrong).
pub const TOO_HARD_FACILITY: f64 = 0.2;
/// Discrimination (corrected point-biserial) below this flags the item misleading: the
/// learners who do well on the rest of the check do worse on it.
pub const MISLEADING_DISCRIMINATION: f64 = 0.0;
/// Share of attempts in each of the upper and lower groups of the upper-lower index
/// (Kelley's 27 %).
pub const UPPER_LOWER_SHARE: f64 = 0.27;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemFlag {
    /// Facility above [`TOO_EASY_FACILITY`].
    TooEasy,
    /// Facility below [`TOO_HARD_FACILITY`].
    TooHard,
    /// Discrimination below [`MISLEADING_DISCRIMINATION`], or a wrong response chosen more
    /// often than the key by the upper group.
    Misleading,
}

impl ItemFlag {
    /// Label key of the flag ([`super::Labels`]).
    pub fn key(self) -> &'static str {
        match self {
            ItemFlag::TooEasy => "review_flag_too_easy",
            ItemFlag::TooHard => "review_flag_too_hard",
            ItemFlag::Misleading => "review_flag_misleading",
        }
    }
}

/// Responses involving one option: single choice: chose it; multiple choice: selected it
/// (among others); ordering: placed it where the key has it; true/false: options `true` and
/// `false`.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionCount {
    pub option: String,
    pub text: LocalText,
    /// Part of the key (ordering: every option is).
    pub key: bool,
    pub count: usize,
    pub upper: usize,
    pub lower: usize,
}

/// One whole response (multiple choice: the selection, sorted), most frequent first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternCount {
    /// xAPI response form: `a[,]c`, `true`, `kiem[,]nhan[,]hen`.
    pub response: String,
    pub correct: bool,
    pub count: usize,
    pub upper: usize,
    pub lower: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemStats {
    pub item: String,
    pub kind: ItemKind,
    pub prompt: LocalText,
    /// Attempts that answered the item.
    pub n: usize,
    pub correct: usize,
    /// Share correct (`correct / n`).
    pub facility: Option<f64>,
    /// Point-biserial correlation of the item (0/1) with the attempt's check score without
    /// this item's points (corrected item-total correlation). None when either side has no
    /// variance or n < 2.
    pub point_biserial: Option<f64>,
    /// Share correct in the upper group minus share correct in the lower group, groups being
    /// the top and bottom [`UPPER_LOWER_SHARE`] of attempts by check score (at least one
    /// attempt each; ties broken by registration). None when n < 2.
    pub upper_lower: Option<f64>,
    pub group_size: usize,
    pub options: Vec<OptionCount>,
    pub patterns: Vec<PatternCount>,
    pub flags: Vec<ItemFlag>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemAnalysis {
    pub module: String,
    pub title: LocalText,
    /// Attempts analysed: one per learner.
    pub attempts: usize,
    /// Mean check score (points) of those attempts.
    pub mean_score: Option<f64>,
    pub max_points: u32,
    /// The check's items, in the module's order.
    pub items: Vec<ItemStats>,
}

/// Normalised response: a multiple-choice selection sorted, true/false lower-case.
fn normalise(kind: ItemKind, response: &str) -> String {
    match kind {
        ItemKind::Multiple => {
            let mut ids: Vec<&str> = response.split("[,]").collect();
            ids.sort_unstable();
            ids.dedup();
            ids.join("[,]")
        }
        ItemKind::TrueFalse => response.trim().to_ascii_lowercase(),
        _ => response.to_owned(),
    }
}

fn key_response(answer: &Answer) -> String {
    match answer {
        Answer::Multiple(ids) => {
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            ids.join("[,]")
        }
        other => crate::xapi::response(other),
    }
}

fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mx = xs.iter().sum::<f64>() / nf;
    let my = ys.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= f64::EPSILON || syy <= f64::EPSILON {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

fn points_of(a: &ItemAnswer, item_points: u32) -> f64 {
    match (a.raw, a.success) {
        (Some(r), _) => r,
        (None, Some(true)) => f64::from(item_points),
        _ => 0.0,
    }
}

fn is_correct(a: &ItemAnswer) -> bool {
    a.success.unwrap_or_else(|| a.raw.is_some_and(|r| r > 0.0))
}

/// Item analysis of a module's knowledge check.
///
/// Uses each learner's **first completed attempt** of the module (a retake after seeing the
/// explanations would inflate facility and blur discrimination), and only answers with
/// `item-role` = `check`. Items of a question pool are analysed over the attempts that drew
/// them. Totals are the sum of the attempt's check points.
pub fn item_analysis(class: &Class, module: &Module) -> ItemAnalysis {
    let mut first: BTreeMap<usize, &Attempt> = BTreeMap::new();
    for a in class
        .attempts_of(ContentKind::Module, &module.id)
        .filter(|a| a.is_completed())
    {
        first
            .entry(a.learner)
            .and_modify(|f| {
                if (a.started_ms, &a.registration) < (f.started_ms, &f.registration) {
                    *f = a;
                }
            })
            .or_insert(a);
    }
    let points: HashMap<&str, u32> = module
        .check
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.points))
        .collect();
    // per attempt: its check answers (first per item) and total points
    let rows: Vec<(&Attempt, HashMap<&str, &ItemAnswer>, f64)> = first
        .values()
        .map(|a| {
            let mut answers: HashMap<&str, &ItemAnswer> = HashMap::new();
            for ans in a.answers.iter().filter(|x| x.check) {
                answers.entry(ans.item.as_str()).or_insert(ans);
            }
            let total = answers
                .iter()
                .map(|(id, ans)| points_of(ans, points.get(id).copied().unwrap_or(1)))
                .sum();
            (*a, answers, total)
        })
        .collect();
    let mean_score =
        (!rows.is_empty()).then(|| rows.iter().map(|r| r.2).sum::<f64>() / rows.len() as f64);

    let items = module
        .check
        .items
        .iter()
        .map(|item| {
            let kind = item.kind();
            // (registration, total, correct, item points earned, normalised response)
            let mut data: Vec<(&str, f64, bool, f64, String)> = rows
                .iter()
                .filter_map(|(a, answers, total)| {
                    let ans = answers.get(item.id.as_str())?;
                    Some((
                        a.registration.as_str(),
                        *total,
                        is_correct(ans),
                        points_of(ans, item.points),
                        normalise(kind, ans.response.as_deref().unwrap_or("")),
                    ))
                })
                .collect();
            let n = data.len();
            let correct = data.iter().filter(|d| d.2).count();
            let xs: Vec<f64> = data.iter().map(|d| f64::from(u8::from(d.2))).collect();
            let ys: Vec<f64> = data.iter().map(|d| d.1 - d.3).collect();
            let point_biserial = pearson(&xs, &ys);
            // groups by total score, best first; ties by registration
            data.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let g = if n >= 2 {
                ((UPPER_LOWER_SHARE * n as f64).round() as usize).clamp(1, n / 2)
            } else {
                0
            };
            let upper = &data[..g];
            let lower = &data[n - g..];
            let share = |group: &[(&str, f64, bool, f64, String)]| {
                group.iter().filter(|d| d.2).count() as f64 / group.len() as f64
            };
            let upper_lower = (g > 0).then(|| share(upper) - share(lower));

            let key = key_response(&item.answer);
            let mut patterns: Vec<PatternCount> = Vec::new();
            for (i, d) in data.iter().enumerate() {
                let p = match patterns.iter_mut().find(|p| p.response == d.4) {
                    Some(p) => p,
                    None => {
                        patterns.push(PatternCount {
                            response: d.4.clone(),
                            correct: d.2,
                            count: 0,
                            upper: 0,
                            lower: 0,
                        });
                        patterns.last_mut().expect("just pushed")
                    }
                };
                p.count += 1;
                p.upper += usize::from(i < g);
                p.lower += usize::from(i >= n - g);
            }
            patterns.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then(b.correct.cmp(&a.correct))
                    .then_with(|| a.response.cmp(&b.response))
            });

            let key_ids: Vec<&str> = key.split("[,]").collect();
            let option_ids: Vec<(String, LocalText)> = if kind == ItemKind::TrueFalse {
                ["true", "false"]
                    .iter()
                    .map(|s| ((*s).to_owned(), LocalText::vi(*s)))
                    .collect()
            } else {
                item.options
                    .iter()
                    .map(|o| (o.id.clone(), o.text.clone()))
                    .collect()
            };
            let options = option_ids
                .into_iter()
                .map(|(id, text)| {
                    let hit = |resp: &str| -> bool {
                        let ids: Vec<&str> = resp.split("[,]").collect();
                        match kind {
                            ItemKind::Ordering => {
                                let pos = key_ids.iter().position(|k| *k == id);
                                pos.is_some() && ids.iter().position(|r| *r == id) == pos
                            }
                            _ => ids.contains(&id.as_str()),
                        }
                    };
                    let mut oc = OptionCount {
                        key: key_ids.contains(&id.as_str()),
                        option: id.clone(),
                        text,
                        count: 0,
                        upper: 0,
                        lower: 0,
                    };
                    for (i, d) in data.iter().enumerate() {
                        if hit(&d.4) {
                            oc.count += 1;
                            oc.upper += usize::from(i < g);
                            oc.lower += usize::from(i >= n - g);
                        }
                    }
                    oc
                })
                .collect();

            let facility = (n > 0).then(|| correct as f64 / n as f64);
            let mut flags = Vec::new();
            if facility.is_some_and(|f| f > TOO_EASY_FACILITY) {
                flags.push(ItemFlag::TooEasy);
            }
            if facility.is_some_and(|f| f < TOO_HARD_FACILITY) {
                flags.push(ItemFlag::TooHard);
            }
            let key_upper = patterns
                .iter()
                .filter(|p| p.correct)
                .map(|p| p.upper)
                .sum::<usize>();
            let distractor_wins = patterns.iter().any(|p| !p.correct && p.upper > key_upper);
            if point_biserial.is_some_and(|r| r < MISLEADING_DISCRIMINATION) || distractor_wins {
                flags.push(ItemFlag::Misleading);
            }
            ItemStats {
                item: item.id.clone(),
                kind,
                prompt: item.prompt.clone(),
                n,
                correct,
                facility,
                point_biserial,
                upper_lower,
                group_size: g,
                options,
                patterns,
                flags,
            }
        })
        .collect();
    ItemAnalysis {
        module: module.id.clone(),
        title: module.title.clone(),
        attempts: rows.len(),
        mean_score,
        max_points: module.check.max_points(),
        items,
    }
}
