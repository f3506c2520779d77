//! The class's self-assessment figures: pre-test → post-test gains of a module, the module's
//! evaluations, and the class's shared self-ratings beside the levels its scenarios measured.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::ContentKind;
use crate::module::gain_from_percent;

use super::class::{Attempt, Class, EvaluationRecord, SelfRatingAnswer};
use super::statement::Account;

/// One learner's pre-test and post-test of a module.
#[derive(Clone, Debug, PartialEq)]
pub struct PrePostRow {
    /// Index into [`Class::learners`].
    pub learner: usize,
    /// Pre-test score, 0–100 %: the latest finished pre-test started before the post-test
    /// (without a post-test: the latest finished pre-test).
    pub pre: f64,
    /// Post-test (knowledge check) score, 0–100 %: the latest finished full attempt with a
    /// score (practice-only ones included, as on the learner's result page).
    pub post: Option<f64>,
    /// Normalised gain ([`gain_from_percent`]) when the pre-test came before the post-test.
    pub gain: Option<f64>,
    /// Finished pre-tests of the learner.
    pub pretests: usize,
}

/// Pre/post-test figures of one module. The class means are over the learners with both a
/// pre-test and a later post-test (`n`), so that pre and post compare the same people.
#[derive(Clone, Debug, PartialEq)]
pub struct PrePost {
    pub module: String,
    /// One row per learner with a finished pre-test, in [`Class::learners`] order.
    pub rows: Vec<PrePostRow>,
    /// Learners with a pre-test and a later post-test.
    pub n: usize,
    pub mean_pre: Option<f64>,
    pub mean_post: Option<f64>,
    /// Mean of the learners' normalised gains.
    pub mean_gain: Option<f64>,
    /// Normalised gain of the class means (Hake's class-average `<g>`).
    pub gain_of_means: Option<f64>,
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn later<'a>(a: &'a Attempt, b: &'a Attempt) -> &'a Attempt {
    if (b.started_ms, &b.registration) > (a.started_ms, &a.registration) {
        b
    } else {
        a
    }
}

/// Pre-test → post-test of a module for every learner who took its pre-test (the same pairing
/// as the learner's own result page, `attempt::pretest_gain`).
pub fn pre_post(class: &Class, module: &str) -> PrePost {
    let scored = |a: &&Attempt| a.finish.as_ref().and_then(|f| f.percent()).is_some();
    let percent = |a: &Attempt| a.finish.as_ref().and_then(|f| f.percent()).unwrap_or(0.0);
    let mut rows = Vec::new();
    for l in 0..class.learners.len() {
        let pres: Vec<&Attempt> = class
            .pretests_of(module)
            .filter(|a| a.learner == l)
            .filter(scored)
            .collect();
        let Some(latest_pre) = pres.iter().copied().reduce(later) else {
            continue;
        };
        let post = class
            .attempts_of(ContentKind::Module, module)
            .filter(|a| a.learner == l)
            .filter(scored)
            .reduce(later);
        let paired_pre = post.and_then(|p| {
            pres.iter()
                .copied()
                .filter(|a| a.started_ms <= p.started_ms)
                .reduce(later)
        });
        let pre = percent(paired_pre.unwrap_or(latest_pre));
        let post = post.map(percent);
        rows.push(PrePostRow {
            learner: l,
            pre,
            post,
            gain: paired_pre
                .zip(post)
                .map(|(_, post)| gain_from_percent(pre, post)),
            pretests: pres.len(),
        });
    }
    let pairs: Vec<(f64, f64, f64)> = rows
        .iter()
        .filter_map(|r| Some((r.pre, r.post?, r.gain?)))
        .collect();
    let mean_pre = mean(pairs.iter().map(|p| p.0));
    let mean_post = mean(pairs.iter().map(|p| p.1));
    PrePost {
        module: module.to_owned(),
        n: pairs.len(),
        mean_gain: mean(pairs.iter().map(|p| p.2)),
        gain_of_means: mean_pre
            .zip(mean_post)
            .map(|(a, b)| gain_from_percent(a, b)),
        mean_pre,
        mean_post,
        rows,
    }
}

/// One Likert question of the evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct LikertStats {
    /// `usefulness`, `clarity`, `relevance`.
    pub question: &'static str,
    pub n: usize,
    /// 1–5.
    pub mean: Option<f64>,
    /// How many answered 1, 2, 3, 4, 5.
    pub counts: [usize; 5],
}

/// What one evaluation says in words.
#[derive(Clone, Debug, PartialEq)]
pub struct EvaluationText {
    /// The learner (account, display name); None for an anonymous evaluation.
    pub learner: Option<(Account, String)>,
    pub intended_use: String,
    pub comment: Option<String>,
}

/// The evaluations of one module.
#[derive(Clone, Debug, PartialEq)]
pub struct EvaluationSummary {
    pub module: String,
    /// Evaluations counted: each learner's latest, and every anonymous one (they cannot be
    /// told apart).
    pub evaluations: usize,
    pub anonymous: usize,
    /// Usefulness, clarity, relevance, in that order.
    pub questions: Vec<LikertStats>,
    /// Named ones first (by name), then the anonymous ones (by text); never a name for an
    /// anonymous one.
    pub texts: Vec<EvaluationText>,
}

/// The Likert questions of an evaluation, in the order they are asked.
pub const EVALUATION_QUESTIONS: [&str; 3] = ["usefulness", "clarity", "relevance"];

/// Aggregates the module's evaluations.
pub fn evaluation_summary(class: &Class, module: &str) -> EvaluationSummary {
    let mut latest: BTreeMap<&Account, &EvaluationRecord> = BTreeMap::new();
    let mut anonymous: Vec<&EvaluationRecord> = Vec::new();
    for e in class.evaluations.iter().filter(|e| e.module == module) {
        match &e.account {
            None => anonymous.push(e),
            Some(a) => {
                let slot = latest.entry(a).or_insert(e);
                if (e.at_ms, &e.registration) > (slot.at_ms, &slot.registration) {
                    *slot = e;
                }
            }
        }
    }
    let counted: Vec<&EvaluationRecord> = latest.values().copied().chain(anonymous).collect();
    let questions = EVALUATION_QUESTIONS
        .iter()
        .map(|q| {
            let answers: Vec<u8> = counted
                .iter()
                .filter_map(|e| match *q {
                    "usefulness" => e.usefulness,
                    "clarity" => e.clarity,
                    _ => e.relevance,
                })
                .collect();
            let mut counts = [0; 5];
            for a in &answers {
                counts[usize::from(a - 1)] += 1;
            }
            LikertStats {
                question: q,
                n: answers.len(),
                mean: mean(answers.iter().map(|a| f64::from(*a))),
                counts,
            }
        })
        .collect();
    let mut texts: Vec<EvaluationText> = counted
        .iter()
        .filter_map(|e| {
            let intended_use = e.intended_use.clone().unwrap_or_default();
            let comment = e.comment.clone().filter(|c| !c.is_empty());
            if intended_use.is_empty() && comment.is_none() {
                return None;
            }
            Some(EvaluationText {
                learner: e.account.as_ref().map(|a| {
                    let name = e.name.clone().unwrap_or_else(|| a.name.clone());
                    (a.clone(), name)
                }),
                intended_use,
                comment,
            })
        })
        .collect();
    texts.sort_by(|a, b| {
        let key = |t: &EvaluationText| {
            (
                t.learner.is_none(),
                t.learner.as_ref().map(|(a, n)| (n.clone(), a.clone())),
                t.intended_use.clone(),
                t.comment.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    EvaluationSummary {
        module: module.to_owned(),
        evaluations: counted.len(),
        anonymous: counted.iter().filter(|e| e.is_anonymous()).count(),
        questions,
        texts,
    }
}

/// One competency: how the class rates itself and what its scenarios measured.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingVsMeasuredRow {
    pub competency: String,
    /// Mean of each learner's latest shared self-rating (1–5), whatever its phase.
    pub self_mean: Option<f64>,
    pub self_n: usize,
    /// Mean of each learner's latest `before`-a-module rating.
    pub before_mean: Option<f64>,
    pub before_n: usize,
    /// Mean of each learner's latest `after`-a-module rating.
    pub after_mean: Option<f64>,
    pub after_n: usize,
    /// Mean over learners of their measured level (0–5): per scenario the latest completed
    /// attempt's `competency-levels`, averaged over the scenarios that measured it (the
    /// learner's own "measured" figure, `self_assessment::measured_levels`).
    pub measured_mean: Option<f64>,
    pub measured_n: usize,
    /// Mean of (latest self-rating − measured level) over the learners with both.
    pub difference: Option<f64>,
    pub paired_n: usize,
}

/// Each learner's measured level per competency (see [`RatingVsMeasuredRow::measured_mean`]).
fn measured(class: &Class) -> BTreeMap<(&Account, &str), f64> {
    // (learner, scenario) -> latest completed attempt
    let mut latest: BTreeMap<(usize, &str), &Attempt> = BTreeMap::new();
    for a in class
        .attempts
        .iter()
        .filter(|a| a.content.kind == ContentKind::Scenario && !a.pretest && a.is_completed())
    {
        let slot = latest
            .entry((a.learner, a.content.id.as_str()))
            .or_insert(a);
        if (a.last_ms, &a.registration) > (slot.last_ms, &slot.registration) {
            *slot = a;
        }
    }
    let mut sums: BTreeMap<(&Account, &str), (f64, usize)> = BTreeMap::new();
    for ((l, _), a) in latest {
        let account = &class.learners[l].account;
        for (c, level) in a.finish.iter().flat_map(|f| &f.competency_levels) {
            let e = sums.entry((account, c.as_str())).or_insert((0.0, 0));
            e.0 += level;
            e.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(k, (sum, n))| (k, sum / n as f64))
        .collect()
}

/// Each learner's latest rating per competency among `ratings`.
fn latest_levels<'a>(
    ratings: impl Iterator<Item = &'a SelfRatingAnswer>,
) -> BTreeMap<(&'a Account, &'a str), u8> {
    let mut latest: BTreeMap<(&Account, &str), &SelfRatingAnswer> = BTreeMap::new();
    for r in ratings {
        let slot = latest
            .entry((&r.account, r.competency.as_str()))
            .or_insert(r);
        if (r.at_ms, &r.registration) > (slot.at_ms, &slot.registration) {
            *slot = r;
        }
    }
    latest.into_iter().map(|(k, r)| (k, r.level)).collect()
}

/// The class's self-ratings beside its measured levels, per competency (every competency
/// either self-rated or measured, by id).
pub fn ratings_vs_measured(class: &Class) -> Vec<RatingVsMeasuredRow> {
    let all = latest_levels(class.self_ratings.iter());
    let phase = |p: &str| {
        latest_levels(
            class
                .self_ratings
                .iter()
                .filter(move |r| r.phase.as_deref() == Some(p)),
        )
    };
    let (before, after) = (phase("before"), phase("after"));
    let measured = measured(class);
    let competencies: BTreeSet<&str> = all
        .keys()
        .map(|k| k.1)
        .chain(measured.keys().map(|k| k.1))
        .collect();
    let of = |map: &BTreeMap<(&Account, &str), u8>, c: &str| -> Vec<f64> {
        map.iter()
            .filter(|(k, _)| k.1 == c)
            .map(|(_, v)| f64::from(*v))
            .collect()
    };
    competencies
        .into_iter()
        .map(|c| {
            let selves = of(&all, c);
            let befores = of(&before, c);
            let afters = of(&after, c);
            let levels: Vec<f64> = measured
                .iter()
                .filter(|(k, _)| k.1 == c)
                .map(|(_, v)| *v)
                .collect();
            let diffs: Vec<f64> = all
                .iter()
                .filter(|(k, _)| k.1 == c)
                .filter_map(|(k, v)| Some(f64::from(*v) - measured.get(k)?))
                .collect();
            RatingVsMeasuredRow {
                competency: c.to_owned(),
                self_mean: mean(selves.iter().copied()),
                self_n: selves.len(),
                before_mean: mean(befores.iter().copied()),
                before_n: befores.len(),
                after_mean: mean(afters.iter().copied()),
                after_n: afters.len(),
                measured_mean: mean(levels.iter().copied()),
                measured_n: levels.len(),
                difference: mean(diffs.iter().copied()),
                paired_n: diffs.len(),
            }
        })
        .collect()
}
