//! Loading states of a page: "Loading…", and why a page could not load.

use leptos::prelude::*;

use crate::components::notice::ErrorNotice;
use crate::error::AppError;
use crate::i18n::*;
use crate::state::use_lang;

/// Why a page's content could not be shown.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// No such module, scenario or page in the catalog.
    NotFound,
    /// It could not be read (network, storage): the reason.
    Failed(AppError),
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{t!(i18n, loading)}</p> }
}

#[component]
pub fn LoadFailure(error: LoadError) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    match error {
        LoadError::NotFound => view! {
            <section class="card">
                <h1 class="page-title">{t!(i18n, content_missing)}</h1>
                <a class="button button-secondary" href="/">{t!(i18n, back_to_catalog)}</a>
            </section>
        }
        .into_any(),
        LoadError::Failed(e) => {
            let message = Signal::derive(move || {
                format!(
                    "{} ({})",
                    t_string!(i18n, error_load_catalog),
                    e.plain(lang.get())
                )
            });
            view! { <ErrorNotice message=message /> }.into_any()
        }
    }
}
