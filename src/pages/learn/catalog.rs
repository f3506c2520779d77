//! The catalog: modules and scenarios grouped by field, with duration and state.

use boiduong_core::attempt::{entry_state, EntryState};
use boiduong_core::model::{Catalog, CatalogEntry, ContentKind};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::loading::{LoadError, LoadFailure, Loading};
use crate::i18n::*;
use crate::state::{use_app_state, use_lang};

#[component]
pub fn CatalogPage() -> impl IntoView {
    let state = use_app_state();
    let i18n = use_i18n();
    view! {
        <div class="page" data-testid="catalog">
            <h1 class="page-title">{t!(i18n, catalog_title)}</h1>
            <p class="lead">{t!(i18n, catalog_intro)}</p>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let catalog = state.catalog.await;
                    // The catalog (or why it is missing) replaces the build's first paint.
                    crate::platform::dom::reveal_app();
                    match catalog {
                        Ok(catalog) => view! { <Fields catalog=catalog /> }.into_any(),
                        Err(e) => view! { <LoadFailure error=LoadError::Failed(e) /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Fields(catalog: Catalog) -> impl IntoView {
    let lang = use_lang();
    catalog
        .fields
        .iter()
        .filter(|f| catalog.entries.iter().any(|e| e.field == f.id))
        .map(|field| {
            let name = field.name.clone();
            let heading_id = format!("field-{}", field.id);
            let entries: Vec<CatalogEntry> = catalog.entries.iter().filter(|e| e.field == field.id).cloned().collect();
            view! {
                <section class="field" aria-labelledby=heading_id.clone()>
                    <h2 id=heading_id.clone() class="field-title">{move || name.get(lang.get()).to_owned()}</h2>
                    <ul class="cards">
                        {entries.into_iter().map(|e| view! { <EntryCard entry=e /> }).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
}

#[component]
fn EntryCard(entry: CatalogEntry) -> impl IntoView {
    let state = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let kind = entry.kind;
    let id = entry.id.clone();
    let entry_state_now = Memo::new(move |_| {
        let list = state.attempts_of(kind, &id);
        entry_state(list.iter())
    });
    let href = format!("/{}/{}", kind.as_str(), entry.id);
    let title = entry.title.clone();
    let summary = entry.summary.clone();
    let minutes = entry.duration_min;
    // A closure, so the badge follows both the language switch and a change of state.
    let state_label = move || match entry_state_now.get() {
        EntryState::NotStarted => t_string!(i18n, state_not_started),
        EntryState::InProgress => t_string!(i18n, state_in_progress),
        EntryState::Completed => t_string!(i18n, state_completed),
        EntryState::Passed => t_string!(i18n, state_passed),
    };
    let state_class = move || match entry_state_now.get() {
        EntryState::NotStarted => "badge badge-notstarted",
        EntryState::InProgress => "badge badge-inprogress",
        EntryState::Completed => "badge badge-completed",
        EntryState::Passed => "badge badge-passed",
    };
    view! {
        <li class="entry" data-testid="entry" data-kind=kind.as_str() data-id=entry.id.clone()>
            <p class="entry-kind">
                {move || match kind {
                    ContentKind::Module => t_string!(i18n, kind_module),
                    ContentKind::Scenario => t_string!(i18n, kind_scenario),
                }}
            </p>
            <h3 class="entry-title">
                <A href=href>{move || title.get(lang.get()).to_owned()}</A>
            </h3>
            <p class="entry-summary">{move || summary.get(lang.get()).to_owned()}</p>
            <p class="entry-meta">
                <span>{t!(i18n, minutes, n = minutes)}</span>
                <span class=state_class data-testid="entry-state">
                    <span class="sr-only">{t!(i18n, state_label)}": "</span>
                    {state_label}
                </span>
            </p>
        </li>
    }
}
