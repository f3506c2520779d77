//! The trainer area (giảng viên): the class's results read from the LRS, behind one gate.
//!
//! Routes: [`home`] (`/trainer`), [`scenario`] (`/trainer/scenario/:id`), [`learner`]
//! (`/trainer/scenario/:id/learner/:account`), [`module`] (`/trainer/module/:id`). This file
//! holds the gate and the parts the routes share: the refresh bar, the date filters, the
//! formative note, the review's labels and captions, and the content's legal basis. Every page
//! that shows results says that the checks are formative (the device holds the keys). Every
//! figure is a cell of a `review::Table`; the CSV button exports that same table.

use boiduong_core::model::{Catalog, Content, ContentKind};
use boiduong_core::review::{self, Labels, Table};
use boiduong_core::Lang;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use crate::components::content_basis::ContentBasis;
use crate::components::data_table::DataTable;
use crate::i18n::*;
use crate::pages::session::sign_in::SignInPage;
use crate::session::use_session as use_sync;
use crate::state::use_lang;
use crate::trainer::use_trainer;

pub mod home;
pub mod learner;
pub mod module;
pub mod scenario;

/// Runs `f` with the review's labels in `lang` (header words from the core's table,
/// competency names from the catalog, the browser's time zone).
fn with_labels<R>(lang: Lang, catalog: Option<&Catalog>, f: impl FnOnce(&Labels<'_>) -> R) -> R {
    let strings = Locale::of(lang).strings();
    let text = move |k: &str| strings.get(k).unwrap_or(k).to_owned();
    let labels = Labels {
        lang,
        utc_offset_min: crate::platform::utc_offset_min(),
        text: &text,
        catalog,
    };
    f(&labels)
}

/// Caption of a review table, by its id.
fn caption(id: &str, lang: Lang) -> String {
    Locale::of(lang)
        .strings()
        .get(&review::caption_key(id))
        .unwrap_or(id)
        .to_owned()
}

fn tables_view(tables: Vec<Table>, lang: Lang) -> impl IntoView {
    tables
        .into_iter()
        .map(|t| {
            let c = caption(&t.id, lang);
            view! { <DataTable table=t caption=c /> }
        })
        .collect_view()
}

/// Where results are read: the portal's checks are formative (the device holds the keys).
#[component]
fn FormativeNote() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="notice notice-info" data-testid="formative-note">{t!(i18n, trainer_formative)}</p> }
}

/// The gate of every trainer route (their parent route's view): shows the route (`<Outlet/>`)
/// to a trainer whose password the LRS accepted in this page session; asks
/// a trainer restored from the device (a reload, or a page load from the learner app) to sign
/// in again, on this app's own form, before anything of the class is shown; tells anyone else
/// what the area is, with the form.
#[component]
pub fn TrainerGate() -> impl IntoView {
    let sync = use_sync();
    let i18n = use_i18n();
    let is_trainer = move || sync.identity.read().as_ref().is_some_and(|i| i.trainer);
    let someone_else = move || sync.identity.read().as_ref().is_some_and(|i| !i.trainer);
    view! {
        <Show
            when=move || is_trainer() && sync.verified.get()
            fallback=move || {
                view! {
                    <div
                        class="page"
                        data-testid=move || if is_trainer() { "trainer-locked" } else { "trainer-refused" }
                    >
                        <h1 class="page-title">{t!(i18n, trainer_title)}</h1>
                        <Show when=is_trainer>
                            <p class="notice notice-warning">{t!(i18n, trainer_locked)}</p>
                        </Show>
                        <Show when=someone_else>
                            <p class="notice notice-warning">{t!(i18n, trainer_only)}</p>
                        </Show>
                        <SignInPage embedded=true />
                    </div>
                }
            }
        >
            <Outlet />
        </Show>
    }
}

/// Refresh buttons, progress and errors of the LRS reads.
#[component]
fn FetchBar() -> impl IntoView {
    let trainer = use_trainer();
    let sync = use_sync();
    let i18n = use_i18n();
    let lang = use_lang();
    let count = move || trainer.class.with(|c| c.0.used);
    // Not before the cache and the content are read: the first visit's refresh starts then.
    let idle = move || trainer.loaded().get() && !trainer.busy().get() && sync.signed_in.get();
    view! {
        <section class="card" aria-live="polite" data-testid="trainer-fetch">
            <p>
                {move || t_string!(i18n, trainer_cached, n = count())}
                {move || {
                    let d = trainer.damaged().get();
                    (d > 0).then(|| format!(" · {}", t_string!(i18n, trainer_damaged, n = d)))
                }}
            </p>
            <Show when=move || trainer.capped().get()>
                <p class="notice notice-warning" data-testid="trainer-capped">
                    {t!(i18n, trainer_capped)}
                </p>
            </Show>
            <Show when=move || trainer.busy().get()>
                <p data-testid="trainer-progress">
                    <progress aria-label=t!(i18n, trainer_loading_label)></progress>
                    " "
                    {move || t_string!(i18n, trainer_loading, n = trainer.fetched().get())}
                </p>
            </Show>
            {move || {
                trainer
                    .error()
                    .get()
                    .map(|e| {
                        view! {
                            <p class="notice notice-error" data-testid="trainer-error">
                                {t!(i18n, trainer_error)} " " {e.plain(lang.get())}
                            </p>
                        }
                    })
            }}
            <div class="actions">
                <button
                    type="button"
                    class="button"
                    data-testid="trainer-refresh"
                    disabled=move || !idle()
                    on:click=move |_| trainer.refresh()
                >
                    {t!(i18n, trainer_refresh)}
                </button>
                <button
                    type="button"
                    class="button button-secondary"
                    disabled=move || !idle()
                    on:click=move |_| trainer.reload_all()
                >
                    {t!(i18n, trainer_reload_all)}
                </button>
            </div>
        </section>
    }
}

/// `YYYY-MM-DD` of an `<input type=date>` as ms at local midnight (`end`: the next midnight).
fn date_ms(value: &str, end: bool) -> Option<i64> {
    let mut parts = value.split('-').map(|p| p.parse::<i32>());
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    crate::platform::local_midnight_ms(y, m, d + i32::from(end))
}

#[component]
fn Filters() -> impl IntoView {
    let trainer = use_trainer();
    let i18n = use_i18n();
    let from = RwSignal::new(trainer.dates().get_untracked().0);
    let to = RwSignal::new(trainer.dates().get_untracked().1);
    let apply = move || {
        let (f, t) = (from.get_untracked(), to.get_untracked());
        let (since, until) = (date_ms(&f, false), date_ms(&t, true));
        trainer.set_period(f, t, since, until);
    };
    view! {
        <section class="card">
            <h2>{t!(i18n, trainer_filters)}</h2>
            <div class="filters">
                <label>
                    {t!(i18n, trainer_from)}
                    <input
                        type="date"
                        data-testid="filter-from"
                        prop:value=move || from.get()
                        on:change=move |ev| {
                            from.set(event_target_value(&ev));
                            apply();
                        }
                    />
                </label>
                <label>
                    {t!(i18n, trainer_to)}
                    <input
                        type="date"
                        data-testid="filter-to"
                        prop:value=move || to.get()
                        on:change=move |ev| {
                            to.set(event_target_value(&ev));
                            apply();
                        }
                    />
                </label>
            </div>
        </section>
    }
}

/// The params of a module's or a scenario's route: its `:id`.
#[derive(Params, PartialEq, Clone, Debug)]
pub struct ContentParams {
    pub id: Option<String>,
}

/// The route's `:id` (empty when missing: no content has that id).
fn use_content_id() -> impl Fn() -> String + Copy {
    let params = use_params::<ContentParams>();
    move || {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.id.clone())
            .unwrap_or_default()
    }
}

/// The current version of the module or scenario the route's `:id` names.
fn content_resource(kind: ContentKind) -> LocalResource<Option<Content>> {
    let id = use_content_id();
    LocalResource::new(move || {
        let id = id();
        async move { crate::net::content::fetch_current(kind, &id).await.ok() }
    })
}

/// The legal basis and last review of the module or scenario on the page (`meta.json`).
#[component]
fn BasisOf(
    /// Module or scenario: the page's `:id` names it.
    kind: ContentKind,
) -> impl IntoView {
    let id = use_content_id();
    let meta = LocalResource::new(move || {
        let id = id();
        async move {
            crate::net::content::fetch_meta(kind, &id)
                .await
                .ok()
                .flatten()
        }
    });
    move || meta.get().map(|m| view! { <ContentBasis meta=m /> })
}
