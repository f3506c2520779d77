//! A Likert question: five radio buttons, each labelled with its level and what it means.

use leptos::prelude::*;

#[component]
pub fn Likert(
    /// Radio group name, unique on the page (also the prefix of the inputs' ids).
    #[prop(into)]
    name: String,
    /// The question or competency, shown as the group's legend.
    #[prop(into)]
    legend: Signal<String>,
    /// What each level 1..=5 means, in the UI language (shown beside its number).
    #[prop(into)]
    labels: Signal<Vec<String>>,
    /// The level chosen (None until the learner picks one).
    value: RwSignal<Option<u8>>,
    /// Marks the group as missing an answer (after a submit without one).
    #[prop(optional, into)]
    invalid: Signal<bool>,
    /// The group is read-only (after it was saved).
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let rows = (1u8..=5)
        .map(|level| {
            let id = format!("{name}-{level}");
            let label = move || {
                let text = labels
                    .read()
                    .get(usize::from(level) - 1)
                    .cloned()
                    .unwrap_or_default();
                if text.is_empty() {
                    level.to_string()
                } else {
                    format!("{level} · {text}")
                }
            };
            view! {
                <div class=move || if value.get() == Some(level) { "choice-row chosen" } else { "choice-row" }>
                    <input
                        type="radio"
                        id=id.clone()
                        name=name.clone()
                        value=level.to_string()
                        prop:checked=move || value.get() == Some(level)
                        disabled=move || disabled.get()
                        on:change=move |_| value.set(Some(level))
                    />
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class=move || if invalid.get() { "likert likert-missing" } else { "likert" } data-testid="likert">
            <legend class="likert-legend">{move || legend.get()}</legend>
            <div class="choices">{rows}</div>
        </fieldset>
    }
}
