//! A situation-handling scenario: intro, decisions with consequences, end screen.

use boiduong_core::attempt::{Intent, Progress};
use boiduong_core::model::{Catalog, Content, ContentKind, EndingKind, Scenario};
use boiduong_core::scenario::{self, ScenarioState, Step};
use boiduong_core::Lang;
use leptos::prelude::*;

use super::player::{Loaded, Player};
use super::shared::{AttemptList, PlayerError, PlayerRoute, StartButton, VersionNoticeView};
use crate::components::competency_bars::CompetencyBars;
use crate::components::progress::ProgressBar;
use crate::i18n::*;
use crate::state::{use_app_state, use_lang};

#[component]
pub fn ScenarioPage() -> impl IntoView {
    view! {
        <PlayerRoute
            kind=ContentKind::Scenario
            render=|l| view! { <ScenarioView loaded=l /> }.into_any()
        />
    }
}

fn scenario_of(player: Player) -> Option<Scenario> {
    match &*player.content.get() {
        Content::Scenario(s) => Some(s.clone()),
        Content::Module(_) => None,
    }
}

/// "+2 Giao tiếp, −1 Pháp luật"
fn deltas_text(
    catalog: &Catalog,
    deltas: &std::collections::BTreeMap<String, i32>,
    lang: Lang,
) -> String {
    deltas
        .iter()
        .filter(|(_, d)| **d != 0)
        .map(|(c, d)| {
            let name = catalog
                .competency(c)
                .map(|x| x.name.get(lang).to_owned())
                .unwrap_or_else(|| c.clone());
            let sign = if *d > 0 { "+" } else { "−" };
            format!("{sign}{} {name}", d.abs())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn ScenarioView(loaded: Loaded) -> impl IntoView {
    let state = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let player = Player::new(state, &loaded);
    let catalog = loaded.catalog.clone();
    let title = loaded.entry.title.clone();
    let notice = loaded.notice.clone();
    let id = loaded.entry.id.clone();
    let body = move || {
        let Some(scenario) = scenario_of(player) else {
            return ().into_any();
        };
        let catalog = catalog.clone();
        match player.attempt.get() {
            None => view! { <ScenarioIntro scenario=scenario catalog=catalog player=player /> }
                .into_any(),
            Some(a) => {
                let Progress::Scenario(st) = a.progress.clone() else {
                    return ().into_any();
                };
                if st.is_ended(&scenario) {
                    view! { <EndScreen scenario=scenario catalog=catalog st=st player=player /> }
                        .into_any()
                } else {
                    // The order comes from the attempt (its seed), so a reload shows it again.
                    let order = st
                        .current(&scenario)
                        .map(|n| a.choice_order(n))
                        .unwrap_or_default();
                    view! { <NodeView scenario=scenario catalog=catalog st=st order=order player=player /> }
                        .into_any()
                }
            }
        }
    };
    view! {
        <article class="page player" data-testid="scenario-page">
            <p class="eyebrow">{t!(i18n, kind_scenario)}</p>
            <h1 class="page-title">{move || title.get(lang.get()).to_owned()}</h1>
            <VersionNoticeView notice=notice />
            <PlayerError player=player />
            {body}
            <AttemptList kind=ContentKind::Scenario id=id />
        </article>
    }
}

#[component]
fn ScenarioIntro(scenario: Scenario, catalog: Catalog, player: Player) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let summary = scenario.summary.clone();
    let competencies = scenario.competencies.clone();
    let minutes = scenario.duration_min;
    view! {
        <section class="card intro">
            <p class="lead">{move || summary.get(lang.get()).to_owned()}</p>
            <p class="meta">{t!(i18n, minutes, n = minutes)}</p>
            <ul class="tags">
                {competencies
                    .into_iter()
                    .map(|c| {
                        let name = catalog.competency(&c).map(|x| x.name.clone()).unwrap_or_default();
                        view! { <li class="tag">{move || name.get(lang.get()).to_owned()}</li> }
                    })
                    .collect_view()}
            </ul>
            <StartButton player=player />
        </section>
    }
}

/// What the previous decision led to: shown above the next situation, so a reload shows it too.
#[component]
fn LastStep(scenario: Scenario, catalog: Catalog, step: Step) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let Some(choice) = scenario
        .node(&step.node)
        .and_then(|n| n.choice(&step.choice))
        .cloned()
    else {
        return ().into_any();
    };
    let text = choice.text.clone();
    let consequence = choice.consequence.clone();
    let feedback = choice.feedback.clone();
    let deltas = choice.scores.clone();
    let good = choice.total() > 0;
    view! {
        <section class=if good { "last-step last-step-good" } else { "last-step last-step-poor" } data-testid="last-step" aria-live="polite">
            <p><strong>{t!(i18n, you_chose)}": "</strong>{move || text.get(lang.get()).to_owned()}</p>
            <p><strong>{t!(i18n, consequence)}": "</strong>{move || consequence.get(lang.get()).to_owned()}</p>
            <p><strong>{t!(i18n, feedback)}": "</strong>{move || feedback.get(lang.get()).to_owned()}</p>
            <p class="deltas" data-testid="deltas">
                <strong>{t!(i18n, score_changes)}": "</strong>
                {move || deltas_text(&catalog, &deltas, lang.get())}
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn NodeView(
    /// The scenario played.
    scenario: Scenario,
    /// Competency names.
    catalog: Catalog,
    /// Where the learner is.
    st: ScenarioState,
    /// The order the attempt shows this node's choices in (indices into `choices`, from
    /// `Attempt::choice_order`).
    order: Vec<usize>,
    /// The live attempt.
    player: Player,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let Some(node) = scenario.node(&st.node).cloned() else {
        return ().into_any();
    };
    let done = st.steps.len() as u32;
    let left = scenario::distance_to_ending(&scenario, &st.node).unwrap_or(0) as u32;
    let last = st.steps.last().cloned();
    let text = node.text_html.clone();
    let image = node.image.clone();
    let choices = order
        .iter()
        .filter_map(|i| node.choices.get(*i))
        .map(|c| {
            let id = c.id.clone();
            let text = c.text.clone();
            view! {
                <li>
                    <button
                        type="button"
                        class="choice"
                        data-testid="choice"
                        data-choice=id.clone()
                        disabled=move || player.busy.get()
                        on:click=move |_| player.act(Intent::Choose { choice: id.clone() })
                    >
                        {move || text.get(lang.get()).to_owned()}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card step" data-testid="scenario-node" data-node=node.id.clone()>
            <ProgressBar done=done total=done + left />
            {last.map(|step| view! { <LastStep scenario=scenario.clone() catalog=catalog.clone() step=step /> })}
            <p class="step-count">{t!(i18n, scenario_step, n = done + 1)}</p>
            {image.map(|src| view! { <img class="situation-image" src=format!("/{src}") alt=t!(i18n, image_alt) /> })}
            // Sanitised at build time by the content compiler (pulldown-cmark + ammonia).
            <div class="prose situation" inner_html=move || text.get(lang.get()).to_owned()></div>
            <h2 id="step-heading" tabindex="-1" class="question">{t!(i18n, what_do_you_do)}</h2>
            <ul class="choices">{choices}</ul>
        </section>
    }
    .into_any()
}

#[component]
fn EndScreen(
    scenario: Scenario,
    catalog: Catalog,
    st: ScenarioState,
    player: Player,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let Some(node) = scenario.node(&st.node).cloned() else {
        return ().into_any();
    };
    let Some(ending) = node.ending.clone() else {
        return ().into_any();
    };
    let kind = ending.kind;
    let ending_title = ending.title.clone();
    let text = node.text_html.clone();
    // Only competencies this path could move: an unmeasured one would read as "0/5".
    let profile: Vec<_> = scenario::profile(&scenario, &st.steps)
        .into_iter()
        .filter(|r| r.decisions > 0)
        .collect();
    let recap = scenario::recap(&scenario, &st.steps);
    let all_best = recap.iter().all(|l| l.better.is_none());
    let last = st.steps.last().cloned();
    let path = recap
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let n = scenario.node(&line.node).cloned();
            let chosen = n.as_ref().and_then(|n| n.choice(&line.choice)).cloned();
            let better = line.better.as_ref().and_then(|b| n.as_ref().and_then(|n| n.choice(b))).cloned();
            let deltas = line.deltas.clone();
            let catalog = catalog.clone();
            let chosen_text = chosen.map(|c| c.text).unwrap_or_default();
            view! {
                <li class=if line.better.is_some() { "path-step path-step-poor" } else { "path-step path-step-good" } data-testid="path-step">
                    <p class="path-choice">
                        <span class="path-n">{i + 1}". "</span>
                        {move || chosen_text.get(lang.get()).to_owned()}
                        <span class="deltas">" (" {move || deltas_text(&catalog, &deltas, lang.get())} ")"</span>
                    </p>
                    {better.map(|b| {
                        let btext = b.text.clone();
                        let bfeedback = b.feedback.clone();
                        view! {
                            <div class="better" data-testid="better">
                                <p><strong>{t!(i18n, better_was)}": "</strong>{move || btext.get(lang.get()).to_owned()}</p>
                                <p><strong>{t!(i18n, why)}": "</strong>{move || bfeedback.get(lang.get()).to_owned()}</p>
                            </div>
                        }
                    })}
                </li>
            }
        })
        .collect_view();
    let kind_label = move || match kind {
        EndingKind::Good => t_string!(i18n, ending_good),
        EndingKind::Mixed => t_string!(i18n, ending_mixed),
        EndingKind::Bad => t_string!(i18n, ending_bad),
    };
    let profile_title = Signal::derive(move || t_string!(i18n, profile_heading).to_string());
    view! {
        <section class="card result" data-testid="end-screen" data-ending=node.id.clone() data-ending-kind=kind.as_str()>
            {last.map(|step| view! { <LastStep scenario=scenario.clone() catalog=catalog.clone() step=step /> })}
            <p class=format!("ending-kind ending-{}", kind.as_str())>{kind_label}</p>
            <h2 id="step-heading" tabindex="-1">{move || ending_title.get(lang.get()).to_owned()}</h2>
            <div class="prose" inner_html=move || text.get(lang.get()).to_owned()></div>
            <h3>{t!(i18n, profile_heading)}</h3>
            <p class="meta">{t!(i18n, profile_desc)}</p>
            <CompetencyBars results=profile catalog=catalog.clone() lang=lang title=profile_title />
            <h3>{t!(i18n, path_heading)}</h3>
            {all_best.then(|| view! { <p>{t!(i18n, all_best)}</p> })}
            <ol class="path">{path}</ol>
            <div class="actions">
                <button type="button" class="button button-primary" data-testid="retry" on:click=move |_| { player.close(); player.start(); }>
                    {t!(i18n, retry)}
                </button>
                <a class="button button-secondary" href="/">{t!(i18n, back_to_catalog)}</a>
            </div>
        </section>
    }
    .into_any()
}
