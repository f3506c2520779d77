//! The competency self-rating form: one Likert question per competency, each level with the
//! framework's descriptor (competencies.toml), saved durably before it says "saved".

use std::collections::BTreeMap;

use boiduong_core::model::Catalog;
use boiduong_core::self_assessment::rating::ModuleLink;
use boiduong_core::self_assessment::SelfRating;
use leptos::prelude::*;

use crate::components::likert::Likert;
use crate::components::notice::ErrorNotice;
use crate::i18n::*;
use crate::platform::{new_uuid, now_ms};
use crate::state::save::Save;
use crate::state::self_assessment::use_self_assessment;
use crate::state::{use_app_state, use_lang};

#[component]
pub fn RatingForm(
    /// The competencies to rate (framework ids), in the order shown.
    competencies: Vec<String>,
    /// The module and phase the rating goes with (None: a rating on its own).
    #[prop(optional)]
    link: Option<ModuleLink>,
    /// The catalog (competency names and level descriptors).
    catalog: Catalog,
    /// Prefix of the form's element ids (unique on the page).
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let state = use_self_assessment();
    let app = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let values: Vec<(String, RwSignal<Option<u8>>)> = competencies
        .iter()
        .filter(|c| catalog.competency(c).is_some())
        .map(|c| (c.clone(), RwSignal::new(None)))
        .collect();
    let missing = RwSignal::new(false);
    let catalog = StoredValue::new(catalog);
    let link = StoredValue::new(link);
    let all = StoredValue::new(values.clone());

    let save = Save::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save.busy_untracked() || save.saved_untracked() {
            return;
        }
        let ratings: BTreeMap<String, u8> = all
            .get_value()
            .iter()
            .filter_map(|(c, v)| v.get_untracked().map(|l| (c.clone(), l)))
            .collect();
        if ratings.len() < all.with_value(Vec::len) {
            missing.set(true);
            return;
        }
        missing.set(false);
        let rating = SelfRating {
            id: new_uuid(),
            learner_id: app.learner_id.get_untracked(),
            module: link.get_value(),
            ratings,
            at_ms: now_ms(),
        };
        let catalog = catalog.get_value();
        save.dispatch(async move { state.save_rating(rating, &catalog).await });
    };

    let questions = values
        .into_iter()
        .map(|(c, value)| {
            let competency = catalog.with_value(|cat| cat.competency(&c).cloned());
            let name = competency
                .as_ref()
                .map(|x| x.name.clone())
                .unwrap_or_default();
            let levels = competency.map(|x| x.levels).unwrap_or_default();
            let legend = Signal::derive(move || name.get(lang.get()).to_owned());
            let labels = Signal::derive(move || {
                levels
                    .iter()
                    .map(|l| l.get(lang.get()).to_owned())
                    .collect::<Vec<_>>()
            });
            let invalid = Signal::derive(move || missing.get() && value.get().is_none());
            view! {
                <Likert
                    name=format!("{id}-{c}")
                    legend=legend
                    labels=labels
                    value=value
                    invalid=invalid
                    disabled=Signal::derive(move || save.saved())
                />
            }
        })
        .collect_view();
    let privacy = move || {
        if state.consent.get().share_self_ratings {
            t_string!(i18n, rating_shared_note)
        } else {
            t_string!(i18n, rating_private_note)
        }
    };
    let message = Signal::derive(move || {
        save.error()
            .map(|e| t_string!(i18n, error_save_rating, reason = e.plain(lang.get())))
            .unwrap_or_default()
    });
    view! {
        <form class="form rating-form" data-testid="rating-form" on:submit=submit>
            <p class="meta">{t!(i18n, rating_intro)}</p>
            {questions}
            <p class="meta" data-testid="rating-privacy">{privacy}</p>
            <Show when=move || missing.get()>
                <p class="field-error" role="alert">{t!(i18n, rating_missing)}</p>
            </Show>
            <Show when=move || save.error().is_some()>
                <ErrorNotice message=message />
            </Show>
            <Show
                when=move || save.saved()
                fallback=move || view! {
                    <button type="submit" class="button button-primary" data-testid="rating-save" disabled=move || save.busy()>
                        {t!(i18n, rating_save)}
                    </button>
                }
            >
                <p class="notice notice-info" role="status" data-testid="rating-saved">{t!(i18n, rating_saved)}</p>
            </Show>
        </form>
    }
}
