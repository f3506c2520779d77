use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page card">
            <h1 class="page-title">{t!(i18n, not_found_title)}</h1>
            <p>{t!(i18n, not_found_body)}</p>
            <a class="button button-secondary" href="/" rel=crate::app::rel_for("/")>{t!(i18n, back_to_catalog)}</a>
        </section>
    }
}
