//! The self-assessment around a module: the pre-test offer and the self-rating before it (on
//! the intro), the gain, the self-rating after it, the comparisons and the evaluation (on the
//! result). Part of the module page.

use boiduong_core::attempt::{pretest_gain, AttemptSummary};
use boiduong_core::model::{Catalog, Module};
use boiduong_core::module::{AttemptMode, CheckScore, Gain};
use boiduong_core::self_assessment::rating::{ModuleLink, Phase};
use boiduong_core::self_assessment::{compare, compare_with_measured, measured_levels};
use boiduong_core::text::fixed;
use boiduong_core::Lang;
use leptos::prelude::*;

use super::player::Player;
use crate::components::evaluation_form::EvaluationForm;
use crate::components::self_rating_form::RatingForm;
use crate::i18n::*;
use crate::state::self_assessment::use_self_assessment;
use crate::state::{use_app_state, use_lang};

/// `0.666` -> `0,67` in Vietnamese, `0.67` in English.
pub fn decimal(x: f64, lang: Lang) -> String {
    let s = fixed(x, 2);
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A score as a whole percentage.
pub fn percent(score: &CheckScore) -> String {
    format!("{}%", fixed(score.scaled() * 100.0, 0))
}

/// This learner's summaries of one module.
fn my_module_summaries(module: &str) -> Vec<AttemptSummary> {
    let state = use_app_state();
    let learner = state.learner_id.get();
    state
        .summaries
        .get()
        .into_iter()
        .filter(|s| s.learner_id == learner && s.content_id == module)
        .collect()
}

/// On the intro of a module whose check is a question pool: the pre-test (kiểm tra đầu vào),
/// with the latest pre-test's score when there is one.
#[component]
pub fn PreTestOffer(module: Module, player: Player) -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let id = module.id.clone();
    let latest = Memo::new(move |_| {
        my_module_summaries(&id)
            .into_iter()
            .filter(|s| s.mode == AttemptMode::PreTest && s.score.is_some())
            .max_by_key(|s| s.started_ms)
    });
    let items = module.check.items_per_attempt();
    view! {
        <section class="card" aria-labelledby="pretest-heading" data-testid="pretest-offer">
            <h2 id="pretest-heading">{t!(i18n, pretest_title)}</h2>
            <p>{t!(i18n, pretest_intro, n = items)}</p>
            {move || latest.get().and_then(|s| s.score).map(|score| view! {
                <p data-testid="pretest-last">{t!(i18n, pretest_last, raw = score.raw, max = score.max, pct = percent(&score))}</p>
            })}
            <Show when=move || session.identity.read().is_some()>
                <button
                    type="button"
                    class="button button-secondary"
                    data-testid="start-pretest"
                    disabled=move || player.busy.get()
                    on:click=move |_| player.start_with(AttemptMode::PreTest)
                >
                    {t!(i18n, pretest_start)}
                </button>
            </Show>
        </section>
    }
}

/// Shown before starting the post-test offline: it will be practice, and why.
#[component]
pub fn PracticeOnlyNotice(player: Player) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || player.would_be_practice()>
            <div class="notice notice-warning" role="status" data-testid="practice-only-notice">
                <p>{t!(i18n, practice_only_offline)}</p>
            </div>
        </Show>
    }
}

/// "Rate yourself" before or after a module, linked to it; once rated, what was given.
#[component]
pub fn ModuleRating(
    /// The module rated.
    module: Module,
    /// Before or after.
    phase: Phase,
    /// The attempt the rating goes with (the pre-test's, or the finished check's).
    #[prop(optional_no_strip)]
    attempt_id: Option<String>,
    /// Only ratings taken at or after this time count as "done" (the current attempt's start).
    since_ms: i64,
    catalog: Catalog,
) -> impl IntoView {
    let self_assessment = use_self_assessment();
    let session = crate::session::use_session();
    let i18n = use_i18n();
    let id = module.id.clone();
    let done = Memo::new(move |_| {
        self_assessment
            .latest_module_rating(&id, phase)
            .filter(|r| r.at_ms >= since_ms)
            .is_some()
    });
    // Decided once: the form stays on screen after saving (it says "saved" itself).
    let show_form = !done.get_untracked();
    let link = ModuleLink {
        module: module.id.clone(),
        phase,
        attempt_id,
    };
    let competencies = module.competencies.clone();
    let (heading_id, testid) = match phase {
        Phase::Before => ("rating-before-heading", "rating-before"),
        Phase::After => ("rating-after-heading", "rating-after"),
    };
    view! {
        <section class="card" aria-labelledby=heading_id data-testid=testid>
            <h2 id=heading_id>
                {move || match phase {
                    Phase::Before => t_string!(i18n, rating_before_title),
                    Phase::After => t_string!(i18n, rating_after_title),
                }}
            </h2>
            {move || {
                if session.identity.read().is_none() {
                    view! { <p>{t!(i18n, sign_in_to_rate)}</p> }.into_any()
                } else if show_form {
                    view! {
                        <RatingForm
                            competencies=competencies.clone()
                            link=link.clone()
                            catalog=catalog.clone()
                            id=phase.as_str()
                        />
                    }
                    .into_any()
                } else {
                    view! { <p class="meta" data-testid="rating-done">{t!(i18n, rating_done)}</p> }.into_any()
                }
            }}
        </section>
    }
}

/// Before vs after, and the after rating vs what the learner's scenarios measured.
#[component]
pub fn RatingComparison(module: Module, since_ms: i64, catalog: Catalog) -> impl IntoView {
    let self_assessment = use_self_assessment();
    let state = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let id = module.id.clone();
    let catalog = StoredValue::new(catalog);
    let after = Memo::new(move |_| {
        self_assessment
            .latest_module_rating(&id, Phase::After)
            .filter(|r| r.at_ms >= since_ms)
    });
    let id = module.id.clone();
    let before = Memo::new(move |_| self_assessment.latest_module_rating(&id, Phase::Before));
    let name_of = move |c: &str| {
        catalog.with_value(|cat| {
            cat.competency(c)
                .map(|x| x.name.get(lang.get()).to_owned())
                .unwrap_or_else(|| c.to_owned())
        })
    };
    let changes = move || {
        let (Some(b), Some(a)) = (before.get(), after.get()) else {
            return Vec::new();
        };
        compare(&b, &a).unwrap_or_default()
    };
    let vs_measured = move || {
        let Some(a) = after.get() else {
            return Vec::new();
        };
        let learner = state.learner_id.get();
        let mine: Vec<AttemptSummary> = state
            .summaries
            .get()
            .into_iter()
            .filter(|s| s.learner_id == learner)
            .collect();
        let measured = measured_levels(&mine);
        catalog.with_value(|c| {
            compare_with_measured(&a, &measured)
                .iter()
                .map(|r| r.explanation(c).get(lang.get()).to_owned())
                .collect::<Vec<_>>()
        })
    };
    let level = |l: Option<u8>| l.map_or_else(|| "–".to_owned(), |l| l.to_string());
    view! {
        <Show when=move || after.read().is_some()>
            <section class="card" aria-labelledby="compare-heading" data-testid="rating-compare">
                <h2 id="compare-heading">{t!(i18n, compare_title)}</h2>
                <Show when=move || !changes().is_empty() fallback=move || view! { <p>{t!(i18n, compare_no_before)}</p> }>
                    <div class="table-wrap">
                        <table class="table" data-testid="rating-compare-table">
                            <caption class="sr-only">{t!(i18n, compare_title)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, compare_competency)}</th>
                                    <th scope="col">{t!(i18n, compare_before)}</th>
                                    <th scope="col">{t!(i18n, compare_after)}</th>
                                    <th scope="col">{t!(i18n, compare_change)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {move || changes().into_iter().map(|c| {
                                    let change = c.change.map_or_else(|| "–".to_owned(), |d| if d > 0 { format!("+{d}") } else if d < 0 { format!("−{}", -d) } else { "0".to_owned() });
                                    view! {
                                        <tr data-testid="rating-change" data-competency=c.competency.clone()>
                                            <th scope="row">{name_of(&c.competency)}</th>
                                            <td>{level(c.before)}</td>
                                            <td>{level(c.after)}</td>
                                            <td>{change}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </Show>
                <ul class="vs-measured" data-testid="vs-measured">
                    {move || vs_measured().into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// Pre-test score, post-test score and the normalised gain.
#[component]
pub fn GainView(gain: Gain) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    view! {
        <section class="gain" aria-labelledby="gain-heading" data-testid="gain">
            <h3 id="gain-heading">{t!(i18n, gain_title)}</h3>
            <div class="figures">
                <p class="figure">
                    <span class="figure-value" data-testid="gain-pre">{format!("{}%", fixed(gain.pre_percent, 0))}</span>
                    <span class="figure-label">{t!(i18n, gain_pre)}</span>
                </p>
                <p class="figure">
                    <span class="figure-value" data-testid="gain-post">{format!("{}%", fixed(gain.post_percent, 0))}</span>
                    <span class="figure-label">{t!(i18n, gain_post)}</span>
                </p>
                <p class="figure">
                    <span class="figure-value" data-testid="gain-g">{move || decimal(gain.normalised, lang.get())}</span>
                    <span class="figure-label">{t!(i18n, gain_normalised)}</span>
                </p>
            </div>
            <p class="meta">{t!(i18n, gain_help)}</p>
        </section>
    }
}

/// The gain of this learner's latest pre-test to their latest check of the module.
pub fn module_gain(module: &str) -> Option<Gain> {
    pretest_gain(&my_module_summaries(module), module)
}

/// The evaluation form after a finished module, or "sent" once done for this attempt.
#[component]
pub fn EvaluationBlock(module: Module, since_ms: i64, catalog: Catalog) -> impl IntoView {
    let self_assessment = use_self_assessment();
    let session = crate::session::use_session();
    let i18n = use_i18n();
    let id = module.id.clone();
    let done_before = self_assessment
        .evaluations
        .get_untracked()
        .iter()
        .any(|e| e.module == id && e.at_ms >= since_ms);
    view! {
        <section class="card" aria-labelledby="evaluation-heading" data-testid="evaluation">
            <h2 id="evaluation-heading">{t!(i18n, eval_title)}</h2>
            {move || {
                if session.identity.read().is_none() {
                    view! { <p>{t!(i18n, sign_in_to_rate)}</p> }.into_any()
                } else if done_before {
                    view! { <p class="meta" data-testid="evaluation-done">{t!(i18n, eval_done)}</p> }.into_any()
                } else {
                    view! { <EvaluationForm module=id.clone() catalog=catalog.clone() /> }.into_any()
                }
            }}
        </section>
    }
}
