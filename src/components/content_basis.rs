//! The legal basis of a module or scenario and its last review, for trainers and authors
//! (never shown to learners: article numbers are not what a learner should memorise).

use boiduong_core::model::ContentMeta;
use leptos::prelude::*;

use crate::i18n::*;

/// Lists the documents a module or scenario rests on and when it was last checked.
#[component]
pub fn ContentBasis(
    /// The content's facts from `meta.json`; None: the build has none for it.
    meta: Option<ContentMeta>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Some(meta) = meta else {
        return view! { <p class="meta" data-testid="content-basis">{t!(i18n, content_no_basis)}</p> }
            .into_any();
    };
    let reviewed = match meta.reviewed.as_deref().and_then(day_month_year) {
        Some(date) => {
            view! { <p class="meta">{t!(i18n, content_reviewed, date = date.clone())}</p> }
                .into_any()
        }
        None => view! { <p class="meta">{t!(i18n, content_not_reviewed)}</p> }.into_any(),
    };
    let basis = meta
        .basis
        .into_iter()
        .map(|b| view! { <li>{b}</li> })
        .collect_view();
    view! {
        <section class="content-basis" data-testid="content-basis">
            <h2>{t!(i18n, content_basis)}</h2>
            <ul>{basis}</ul>
            {reviewed}
        </section>
    }
    .into_any()
}

/// `2026-12-07` -> `07/12/2026`, as Vietnamese dates are written.
fn day_month_year(iso: &str) -> Option<String> {
    let (y, rest) = iso.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    Some(format!("{d}/{m}/{y}"))
}
