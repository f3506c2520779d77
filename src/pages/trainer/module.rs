//! `/trainer/module/:id`: a module's pre-test → post-test gains, the learners' evaluations,
//! the item analysis of its knowledge check and its position bias.

use boiduong_core::model::{Content, ContentKind};
use boiduong_core::review;
use leptos::prelude::*;
use leptos_router::components::A;

use super::{
    content_resource, tables_view, with_labels, BasisOf, FetchBar, Filters, FormativeNote,
};
use crate::i18n::*;
use crate::state::{use_app_state, use_lang};
use crate::trainer::use_trainer;

/// `/trainer/module/:id`: the class's results on one module.
#[component]
pub fn TrainerModule() -> impl IntoView {
    let trainer = use_trainer();
    let app = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let module = content_resource(ContentKind::Module);
    let body = move || {
        let Some(Some(Content::Module(m))) = module.get() else {
            return view! { <p>{t!(i18n, loading)}</p> }.into_any();
        };
        let l = lang.get();
        let catalog = app.catalog.get().and_then(|r| r.ok());
        let class = trainer.class.get().0;
        let timing = crate::platform::Timing::start("review-items");
        let analysis = review::item_analysis(&class, &m);
        timing.end();
        let prepost = review::pre_post(&class, &m.id);
        let evaluations = review::evaluation_summary(&class, &m.id);
        let bias = review::item_position_bias(&class, &m);
        let (tables, prepost, evaluations, bias) = with_labels(l, catalog.as_ref(), |labels| {
            (
                analysis.tables(labels),
                prepost.tables(&class, labels),
                evaluations.tables(labels),
                review::item_position_table(&bias, &m, labels),
            )
        });
        view! {
            <FormativeNote />
            <section class="card" data-testid="trainer-prepost">
                <h2>{t!(i18n, trainer_prepost)}</h2>
                <p class="meta">{t!(i18n, trainer_prepost_help)}</p>
                {tables_view(prepost, l)}
            </section>
            <section class="card" data-testid="trainer-evaluations">
                <h2>{t!(i18n, trainer_evaluations)}</h2>
                <p class="meta">{t!(i18n, trainer_evaluations_help)}</p>
                {tables_view(evaluations, l)}
            </section>
            <section class="card">
                <h2>{t!(i18n, trainer_items)}</h2>
                <p class="meta">{t!(i18n, trainer_items_help)}</p>
                {tables_view(tables, l)}
            </section>
            <section class="card" data-testid="trainer-position-bias">
                <h2>{t!(i18n, trainer_position_bias)}</h2>
                <p class="meta">{t!(i18n, trainer_position_bias_help)}</p>
                {tables_view(vec![bias], l)}
            </section>
        }
        .into_any()
    };
    let heading = move || {
        module.get().flatten().map(|c| {
            let title = c.title().get(lang.get()).to_owned();
            view! {
                <h1 class="page-title">{title}</h1>
                <p><A href="/trainer">{t!(i18n, trainer_back)}</A></p>
            }
        })
    };
    view! {
        <div class="page" data-testid="trainer-module">
            {heading}
            <FetchBar />
            <Filters />
            {body}
            <BasisOf kind=ContentKind::Module />
        </div>
    }
}
