//! `/trainer/scenario/:id/learner/:account`: one learner's attempts at a scenario replayed,
//! compared with the class, each decision with its choices in the order the learner saw them.

use boiduong_core::model::{Content, ContentKind, Scenario};
use boiduong_core::review::{self, LearnerReview};
use boiduong_core::Lang;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use super::{content_resource, tables_view, with_labels, FormativeNote};
use crate::i18n::*;
use crate::platform::format_datetime;
use crate::state::{use_app_state, use_lang};
use crate::trainer::use_trainer;

/// The params of a learner's replay: the scenario's `:id` and the learner's `:account`.
#[derive(Params, PartialEq, Clone, Debug)]
pub struct LearnerParams {
    pub id: Option<String>,
    pub account: Option<String>,
}

/// `/trainer/scenario/:id/learner/:account`: one learner's attempts replayed.
#[component]
pub fn TrainerLearner() -> impl IntoView {
    let trainer = use_trainer();
    let app = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let params = use_params::<LearnerParams>();
    let scenario = content_resource(ContentKind::Scenario);
    let body = move || {
        let Some(Some(Content::Scenario(s))) = scenario.get() else {
            return view! { <p>{t!(i18n, loading)}</p> }.into_any();
        };
        let l = lang.get();
        let name = params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.account.clone())
            .unwrap_or_default();
        let catalog = app.catalog.get().and_then(|r| r.ok());
        let class = trainer.class.get().0;
        let Some(account) = class
            .learners
            .iter()
            .find(|x| x.account.name == name)
            .map(|x| x.account.clone())
        else {
            return view! { <p class="notice notice-warning">{t!(i18n, trainer_no_learner)}</p> }
                .into_any();
        };
        let review = review::learner_review(&class, &account, &s);
        let tables = with_labels(l, catalog.as_ref(), |labels| review.tables(labels));
        let replay = replay_view(&review, &s, l);
        let synced = review
            .last_synced_ms
            .map(|ms| format_datetime(ms, l))
            .unwrap_or_else(|| "—".into());
        let back = format!("/trainer/scenario/{}", s.id);
        view! {
            <h1 class="page-title">{format!("{} · {}", review.name, s.title.get(l))}</h1>
            <p><A href=back>{t!(i18n, trainer_back_scenario)}</A></p>
            <p class="meta" data-testid="learner-synced">
                {t!(i18n, trainer_last_synced)} ": " {synced}
            </p>
            <FormativeNote />
            <section class="card">{tables_view(tables, l)}</section>
            {replay}
        }
        .into_any()
    };
    view! { <div class="page" data-testid="trainer-learner">{body}</div> }
}

/// Each decision of each attempt with the node's choices in the order the learner saw them
/// (from the `shown-order` of their statements), the one taken marked; a decision recorded
/// without an order says so and lists the written order.
fn replay_view(review: &LearnerReview, scenario: &Scenario, l: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let attempts = review
        .attempts
        .iter()
        .map(|a| {
            let steps = a
                .steps
                .iter()
                .map(|step| {
                    let known = step.shown_order.is_some();
                    let ids = step.shown_order.clone().unwrap_or_else(|| step.written_order.clone());
                    let node = scenario.node(&step.node);
                    let choices = ids
                        .iter()
                        .map(|id| {
                            let text = node
                                .and_then(|n| n.choice(id))
                                .map_or_else(|| id.clone(), |c| c.text.get(l).to_owned());
                            let taken = *id == step.choice;
                            view! {
                                <li class=if taken { "replay-choice replay-taken" } else { "replay-choice" } data-choice=id.clone()>
                                    {text}
                                    {taken.then(|| view! { <strong>" · " {t!(i18n, trainer_replay_taken)}</strong> })}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <li data-testid="replay-step" data-node=step.node.clone() data-order=ids.join(",") data-known=known.to_string()>
                            <p class="replay-node">{step.node.clone()}</p>
                            {(!known).then(|| view! { <p class="meta">{t!(i18n, trainer_order_unknown)}</p> })}
                            <ol class="replay-choices">{choices}</ol>
                        </li>
                    }
                })
                .collect_view();
            let n = a.number;
            view! {
                <h3>{t!(i18n, trainer_replay_attempt, n = n)}</h3>
                <ol class="replay" data-testid="replay-attempt" data-attempt=a.registration.clone()>{steps}</ol>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="trainer-replay">
            <h2>{t!(i18n, trainer_replay)}</h2>
            <p class="meta">{t!(i18n, trainer_replay_help)}</p>
            {attempts}
        </section>
    }
}
