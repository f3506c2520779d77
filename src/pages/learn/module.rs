//! A module: intro, lessons each ending in practice, knowledge check, result.

use boiduong_core::attempt::{Attempt, AttemptSummary, Intent};
use boiduong_core::model::{Catalog, Content, ContentKind, Module};
use boiduong_core::module::{AttemptMode, ModuleState, Position};
use boiduong_core::self_assessment::rating::Phase;
use leptos::prelude::*;

use super::module_self_assessment::{
    module_gain, percent, EvaluationBlock, GainView, ModuleRating, PracticeOnlyNotice,
    PreTestOffer, RatingComparison,
};
use super::parts::{AttemptList, PlayerError, PlayerRoute, StartButton, VersionNoticeView};
use super::player::{Loaded, Player};
use crate::components::item::ItemView;
use crate::components::progress::ProgressBar;
use crate::i18n::*;
use crate::state::{use_app_state, use_lang};

#[component]
pub fn ModulePage() -> impl IntoView {
    view! {
        <PlayerRoute
            kind=ContentKind::Module
            render=|l| view! { <ModuleView loaded=l /> }.into_any()
        />
    }
}

fn module_of(player: Player) -> Module {
    match &*player.content.get() {
        Content::Module(m) => m.clone(),
        Content::Scenario(_) => unreachable_module(),
    }
}

/// A scenario never reaches the module page (the route and the catalog kind agree); an empty
/// module keeps the page rendering instead of panicking if it ever did.
fn unreachable_module() -> Module {
    Module {
        id: String::new(),
        version: String::new(),
        field: String::new(),
        title: Default::default(),
        summary: Default::default(),
        duration_min: 0,
        competencies: vec![],
        lessons: vec![],
        check: boiduong_core::model::Check {
            pass_points: 0,
            draw: None,
            items: vec![],
        },
    }
}

#[component]
fn ModuleView(loaded: Loaded) -> impl IntoView {
    let state = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let player = Player::new(state, &loaded);
    let entry = loaded.entry.clone();
    let title = entry.title.clone();
    let notice = loaded.notice.clone();
    let module_id = entry.id.clone();
    let catalog = StoredValue::new(loaded.catalog.clone());

    let body = move || {
        let module = module_of(player);
        let attempt = player.attempt.get();
        let catalog = catalog.get_value();
        match attempt {
            None => {
                view! { <ModuleIntro module=module player=player catalog=catalog /> }.into_any()
            }
            Some(a) => {
                let boiduong_core::attempt::Progress::Module(st) = a.progress.clone() else {
                    return ().into_any();
                };
                match st.position {
                    Position::Done => view! {
                        <ModuleResult module=module st=st attempt=a player=player catalog=catalog />
                    }
                    .into_any(),
                    _ => view! { <ModuleStep module=module st=st player=player attempt=a /> }
                        .into_any(),
                }
            }
        }
    };
    view! {
        <article class="page player" data-testid="module-page">
            <p class="eyebrow">{t!(i18n, kind_module)}</p>
            <h1 class="page-title">{move || title.get(lang.get()).to_owned()}</h1>
            <VersionNoticeView notice=notice />
            <PlayerError player=player />
            {body}
            <AttemptList kind=ContentKind::Module id=module_id />
        </article>
    }
}

/// The start time of this learner's latest pre-test of the module, and its attempt id.
fn latest_pretest(module: &str) -> Option<AttemptSummary> {
    let state = use_app_state();
    let learner = state.learner_id.get_untracked();
    state
        .attempts_of(ContentKind::Module, module)
        .into_iter()
        .filter(|s| s.learner_id == learner && s.mode == AttemptMode::PreTest)
        .max_by_key(|s| s.started_ms)
}

#[component]
fn ModuleIntro(module: Module, player: Player, catalog: Catalog) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let summary = module.summary.clone();
    let lessons = module.lessons.clone();
    let minutes = module.duration_min;
    let pool = module.check.draw.is_some();
    let pretest_id = latest_pretest(&module.id).map(|s| s.id);
    let extras = view! {
        {pool.then(|| view! { <PreTestOffer module=module.clone() player=player /> })}
        {(!module.competencies.is_empty()).then(|| view! {
            <ModuleRating module=module.clone() phase=Phase::Before attempt_id=pretest_id since_ms=0 catalog=catalog />
        })}
    };
    view! {
        <section class="card intro">
            <p class="lead">{move || summary.get(lang.get()).to_owned()}</p>
            <p class="meta">{t!(i18n, minutes, n = minutes)}</p>
            <h2>{t!(i18n, lessons_heading)}</h2>
            <ol class="toc">
                {lessons
                    .into_iter()
                    .map(|l| view! { <li>{move || l.title.get(lang.get()).to_owned()}</li> })
                    .collect_view()}
                <li>{if pool { t!(i18n, posttest_heading).into_any() } else { t!(i18n, check_heading).into_any() }}</li>
            </ol>
            {pool.then(|| view! { <PracticeOnlyNotice player=player /> })}
            <StartButton player=player />
        </section>
        {extras}
    }
}

#[component]
fn ModuleStep(module: Module, st: ModuleState, player: Player, attempt: Attempt) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let seed = attempt.id.clone();
    let pretest = attempt.mode == AttemptMode::PreTest;
    let practice = attempt.practice_only;
    let pool = module.check.draw.is_some();
    let (done, total) = st.progress(&module);
    let response = st.current_response(&module).cloned();
    let answered = response.is_some();
    let item = st.current_item(&module).cloned();
    // The options' order comes from the attempt (its seed), so a reload shows it again.
    let option_order = item
        .as_ref()
        .map(|i| attempt.option_order(i))
        .unwrap_or_default();
    let lessons = module.lessons.len();
    let check_items = st.check_len(&module);
    let on_answer = Callback::new({
        let item_id = item.as_ref().map(|i| i.id.clone()).unwrap_or_default();
        move |answer| {
            player.act(Intent::Answer {
                item: item_id.clone(),
                answer,
            })
        }
    });
    let heading = match st.position {
        Position::Lesson(i) => {
            let lesson = module.lessons[i].clone();
            let title = lesson.title.clone();
            let body = lesson.body_html.clone();
            view! {
                <p class="step-count">{t!(i18n, lesson_n_of, n = i + 1, total = lessons)}</p>
                <h2 id="step-heading" tabindex="-1">{move || title.get(lang.get()).to_owned()}</h2>
                // Sanitised at build time by the content compiler (pulldown-cmark + ammonia).
                <div class="prose" data-testid="lesson-body" inner_html=move || body.get(lang.get()).to_owned()></div>
                <h3 class="practice-heading">{t!(i18n, practice_heading)}</h3>
            }
            .into_any()
        }
        Position::Check(i) => view! {
            <p class="step-count">{t!(i18n, question_n_of, n = i + 1, total = check_items)}</p>
            <h2 id="step-heading" tabindex="-1">
                {move || if pretest {
                    t_string!(i18n, pretest_title)
                } else if pool {
                    t_string!(i18n, posttest_heading)
                } else {
                    t_string!(i18n, check_heading)
                }}
            </h2>
            <p class="meta">
                {move || if pretest {
                    t_string!(i18n, pretest_step_intro).to_string()
                } else {
                    t_string!(i18n, check_intro, pass = module.check.pass_points, max = module.check.max_points())
                }}
            </p>
        }
        .into_any(),
        Position::Done => ().into_any(),
    };
    let response = Signal::stored(response);
    view! {
        <section class="card step" data-testid="module-step" data-mode=attempt.mode.as_str()>
            {practice.then(|| view! {
                <p class="notice notice-warning" data-testid="practice-only-step">{t!(i18n, practice_only_step)}</p>
            })}
            <ProgressBar done=done as u32 total=total as u32 />
            {heading}
            {item.map(|item| view! {
                <ItemView item=item response=response option_order=option_order seed=seed busy=player.busy on_answer=on_answer lang=lang />
            })}
            <Show when=move || answered>
                <button
                    type="button"
                    class="button button-primary continue"
                    data-testid="continue"
                    disabled=move || player.busy.get()
                    on:click=move |_| player.act(Intent::Continue)
                >
                    {t!(i18n, continue_label)} " →"
                </button>
            </Show>
        </section>
    }
}

#[component]
fn ModuleResult(
    module: Module,
    st: ModuleState,
    attempt: Attempt,
    player: Player,
    catalog: Catalog,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let score = st.score(&module);
    let pretest = attempt.mode == AttemptMode::PreTest;
    let practice = attempt.practice_only;
    // A pre-test or a practice-only attempt is never a pass (the core's outcome says so).
    let passed = matches!(
        attempt.outcome,
        Some(boiduong_core::attempt::Outcome::Module { passed: true, .. })
    );
    let pool = module.check.draw.is_some();
    let gain = (pool && !pretest)
        .then(|| module_gain(&module.id))
        .flatten();
    let since = attempt.started_ms;
    let with_rating = !pretest && !module.competencies.is_empty();
    let review = st
        .check_items(&module)
        .into_iter()
        .map(|item| {
            let correct = st.check.get(&item.id).is_some_and(|r| r.correct);
            let prompt = item.prompt.clone();
            let explanation = item.explanation.clone();
            view! {
                <li class=if correct { "review-item review-correct" } else { "review-item review-incorrect" }>
                    <p>
                        <span class="review-mark" aria-hidden="true">{if correct { "✓" } else { "✗" }}</span>
                        " " {move || prompt.get(lang.get()).to_owned()}
                        <span class="sr-only">
                            {move || if correct { t_string!(i18n, correct) } else { t_string!(i18n, incorrect) }}
                        </span>
                    </p>
                    <p class="meta">{move || explanation.get(lang.get()).to_owned()}</p>
                </li>
            }
        })
        .collect_view();
    let verdict = if pretest {
        view! {
            <p data-testid="score">{t!(i18n, pretest_score, raw = score.raw, max = score.max, pct = percent(&score))}</p>
            <p>{t!(i18n, pretest_result_note)}</p>
        }
        .into_any()
    } else if practice {
        view! {
            <p class="verdict verdict-practice" data-testid="practice-verdict">{t!(i18n, practice_verdict)}</p>
            <p data-testid="score">{t!(i18n, score_line, raw = score.raw, max = score.max, pass = score.pass)}</p>
            <p>{t!(i18n, practice_only_result)}</p>
        }
        .into_any()
    } else {
        view! {
            <p class=if passed { "verdict verdict-pass" } else { "verdict verdict-fail" }>
                {move || if passed { t_string!(i18n, passed) } else { t_string!(i18n, failed) }}
            </p>
            <p data-testid="score">{t!(i18n, score_line, raw = score.raw, max = score.max, pass = score.pass)}</p>
            {(!passed).then(|| view! { <p>{t!(i18n, failed_advice)}</p> })}
        }
        .into_any()
    };
    let actions = if pretest {
        view! {
            <button type="button" class="button button-primary" data-testid="start-after-pretest" on:click=move |_| { player.close(); player.start(); }>
                {t!(i18n, pretest_then_learn)}
            </button>
        }
        .into_any()
    } else {
        view! {
            <button type="button" class="button button-primary" data-testid="retake" on:click=move |_| { player.close(); player.start(); }>
                {t!(i18n, retake)}
            </button>
        }
        .into_any()
    };
    let attempt_id = attempt.id.clone();
    view! {
        <section
            class="card result"
            data-testid="module-result"
            data-passed=passed.to_string()
            data-mode=attempt.mode.as_str()
            data-practice=practice.to_string()
        >
            <h2 id="step-heading" tabindex="-1">
                {move || if pretest { t_string!(i18n, pretest_result_heading) } else { t_string!(i18n, result_heading) }}
            </h2>
            {verdict}
            {gain.map(|g| view! { <GainView gain=g /> })}
            <h3>{t!(i18n, review_heading)}</h3>
            <ul class="review">{review}</ul>
            <div class="actions">
                {actions}
                <a class="button button-secondary" href="/">{t!(i18n, back_to_catalog)}</a>
            </div>
        </section>
        {with_rating.then(|| view! {
            <ModuleRating module=module.clone() phase=Phase::After attempt_id=Some(attempt_id) since_ms=since catalog=catalog.clone() />
            <RatingComparison module=module.clone() since_ms=since catalog=catalog.clone() />
        })}
        {(!pretest).then(|| view! { <EvaluationBlock module=module.clone() since_ms=since catalog=catalog.clone() /> })}
    }
}
