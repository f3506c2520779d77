//! One practice or knowledge-check item: answer it, then see the feedback.

use boiduong_core::model::{Answer, Item, ItemKind};
use boiduong_core::module::ItemResponse;
use boiduong_core::order::{ordered_u64, sort_by_key};
use boiduong_core::Lang;
use leptos::prelude::*;

use crate::i18n::*;

/// Order in which an ordering item's steps are first shown: a fixed shuffle per attempt, so a
/// reload shows the same order, never the correct one when another exists.
pub fn shuffled(ids: &[String], seed: &str) -> Vec<String> {
    let hash = |s: &str| {
        s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let mut out = ids.to_vec();
    sort_by_key(&mut out, |id| ordered_u64(hash(&format!("{seed}/{id}"))));
    if out == ids && ids.len() > 1 {
        out.rotate_left(1);
    }
    out
}

#[component]
pub fn ItemView(
    /// The item to show.
    item: Item,
    /// The learner's response once recorded; the item is then read-only with feedback.
    #[prop(into)]
    response: Signal<Option<ItemResponse>>,
    /// The order to show single and multiple choice options in (indices into
    /// `item.options`), from the attempt (`Attempt::option_order`), so a reload shows it again.
    option_order: Vec<usize>,
    /// Seed of the ordering shuffle (the attempt id).
    #[prop(into)]
    seed: String,
    /// A write is in progress: inputs stay, the submit button waits.
    #[prop(into)]
    busy: Signal<bool>,
    /// Called with the learner's answer.
    on_answer: Callback<Answer>,
    /// Content language.
    #[prop(into)]
    lang: Signal<Lang>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = item.kind();
    let option_ids: Vec<String> = item.options.iter().map(|o| o.id.clone()).collect();
    let initial_order = match response.get_untracked().map(|r| r.answer) {
        Some(Answer::Ordering(order)) => order,
        _ => shuffled(&option_ids, &format!("{seed}/{}", item.id)),
    };
    let single = RwSignal::new(match response.get_untracked().map(|r| r.answer) {
        Some(Answer::Single(id)) => Some(id),
        _ => None,
    });
    let multiple = RwSignal::new(match response.get_untracked().map(|r| r.answer) {
        Some(Answer::Multiple(ids)) => ids,
        _ => Vec::new(),
    });
    let truth = RwSignal::new(match response.get_untracked().map(|r| r.answer) {
        Some(Answer::TrueFalse(b)) => Some(b),
        _ => None,
    });
    let order = RwSignal::new(initial_order);
    let missing = RwSignal::new(false);
    let answered = move || response.read().is_some();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if answered() || busy.get() {
            return;
        }
        let answer = match kind {
            ItemKind::Single => single.get().map(Answer::Single),
            ItemKind::Multiple => {
                let ids = multiple.get();
                (!ids.is_empty()).then_some(Answer::Multiple(ids))
            }
            ItemKind::TrueFalse => truth.get().map(Answer::TrueFalse),
            ItemKind::Ordering => Some(Answer::Ordering(order.get())),
        };
        match answer {
            Some(a) => {
                missing.set(false);
                on_answer.run(a);
            }
            None => missing.set(true),
        }
    };

    let name = format!("item-{}", item.id);
    let hint = move || match kind {
        ItemKind::Single => t_string!(i18n, kind_single),
        ItemKind::Multiple => t_string!(i18n, kind_multiple),
        ItemKind::TrueFalse => t_string!(i18n, kind_true_false),
        ItemKind::Ordering => t_string!(i18n, kind_ordering),
    };
    let text_of = {
        let item = item.clone();
        move |id: &str, lang: Lang| {
            item.option(id)
                .map(|o| o.text.get(lang).to_owned())
                .unwrap_or_default()
        }
    };

    // Row look: chosen, locked after answering, and (once answered) the correct options.
    let key_ids: Vec<String> = match &item.answer {
        Answer::Single(id) => vec![id.clone()],
        Answer::Multiple(ids) => ids.clone(),
        _ => vec![],
    };
    let row_class = move |chosen: bool, is_key: bool| {
        let mut class = String::from("choice-row");
        if chosen {
            class.push_str(" chosen");
        }
        if answered() {
            class.push_str(" locked");
            if is_key {
                class.push_str(" is-key");
            }
        }
        class
    };
    let inputs = match kind {
        ItemKind::Single | ItemKind::Multiple => option_order
            .iter()
            .filter_map(|i| item.options.get(*i))
            .map(|o| {
                let id = o.id.clone();
                let text = o.text.clone();
                let input_id = format!("{name}-{id}");
                let checked = {
                    let id = id.clone();
                    move || match kind {
                        ItemKind::Single => single.read().as_deref() == Some(id.as_str()),
                        _ => multiple.read().contains(&id),
                    }
                };
                let on_change = {
                    let id = id.clone();
                    move |_| match kind {
                        ItemKind::Single => single.set(Some(id.clone())),
                        _ => multiple.update(|ids| {
                            if let Some(pos) = ids.iter().position(|x| *x == id) {
                                ids.remove(pos);
                            } else {
                                ids.push(id.clone());
                            }
                        }),
                    }
                };
                let is_key = key_ids.contains(&id);
                let chosen = checked.clone();
                view! {
                    <div class=move || row_class(chosen(), is_key)>
                        <input
                            type=if kind == ItemKind::Single { "radio" } else { "checkbox" }
                            id=input_id.clone()
                            name=name.clone()
                            value=id.clone()
                            prop:checked=checked
                            disabled=answered
                            on:change=on_change
                        />
                        <label for=input_id>{move || text.get(lang.get()).to_owned()}</label>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
        ItemKind::TrueFalse => [true, false]
            .into_iter()
            .map(|value| {
                let input_id = format!("{name}-{value}");
                let is_key = item.answer == Answer::TrueFalse(value);
                view! {
                    <div class=move || row_class(truth.get() == Some(value), is_key)>
                        <input
                            type="radio"
                            id=input_id.clone()
                            name=name.clone()
                            prop:checked=move || truth.get() == Some(value)
                            disabled=answered
                            on:change=move |_| truth.set(Some(value))
                        />
                        <label for=input_id>
                            {move || if value { t_string!(i18n, true_label) } else { t_string!(i18n, false_label) }}
                        </label>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
        ItemKind::Ordering => {
            let text_of = text_of.clone();
            view! {
                <ol class="ordering">
                    <For
                        each=move || order.get().into_iter().enumerate()
                        key=|(i, id)| (*i, id.clone())
                        let:entry
                    >
                        {
                            let (i, id) = entry;
                            let len = option_ids.len();
                            let text_up = text_of.clone();
                            let text_down = text_of.clone();
                            let text_row = text_of.clone();
                            let id_up = id.clone();
                            let id_down = id.clone();
                            let id_row = id.clone();
                            view! {
                                <li class="ordering-row">
                                    <span class="ordering-text">{move || text_row(&id_row, lang.get())}</span>
                                    <span class="ordering-buttons">
                                        <button
                                            type="button"
                                            class="button button-small"
                                            disabled=move || answered() || i == 0
                                            aria-label=move || t_string!(i18n, move_up_label, item = text_up(&id_up, lang.get())).to_string()
                                            on:click=move |_| order.update(|o| o.swap(i, i - 1))
                                        >
                                            "↑ " {t!(i18n, move_up)}
                                        </button>
                                        <button
                                            type="button"
                                            class="button button-small"
                                            disabled=move || answered() || i + 1 == len
                                            aria-label=move || t_string!(i18n, move_down_label, item = text_down(&id_down, lang.get())).to_string()
                                            on:click=move |_| order.update(|o| o.swap(i, i + 1))
                                        >
                                            "↓ " {t!(i18n, move_down)}
                                        </button>
                                    </span>
                                </li>
                            }
                        }
                    </For>
                </ol>
            }
            .into_any()
        }
    };

    let prompt = item.prompt.clone();
    let feedback_item = item.clone();
    view! {
        <form class="item" on:submit=submit data-testid="item" data-item=item.id.clone()>
            <fieldset>
                <legend class="item-prompt">{move || prompt.get(lang.get()).to_owned()}</legend>
                <p class="item-hint">{hint}</p>
                {inputs}
            </fieldset>
            <Show when=move || missing.get()>
                <p class="field-error" role="alert">{t!(i18n, select_answer_first)}</p>
            </Show>
            <Show when=move || !answered()>
                <button type="submit" class="button button-primary" disabled=move || busy.get() data-testid="submit-answer">
                    {t!(i18n, submit_answer)}
                </button>
            </Show>
            {move || response.get().map(|r| view! { <Feedback item=feedback_item.clone() response=r lang=lang /> })}
        </form>
    }
}

/// Correct or not, the right answer when missed, the explanation and option feedback.
#[component]
fn Feedback(item: Item, response: ItemResponse, #[prop(into)] lang: Signal<Lang>) -> impl IntoView {
    let i18n = use_i18n();
    let describe = {
        let item = item.clone();
        move |answer: &Answer, lang: Lang| -> String {
            match answer {
                Answer::Single(id) => item
                    .option(id)
                    .map(|o| o.text.get(lang).to_owned())
                    .unwrap_or_default(),
                Answer::Multiple(ids) | Answer::Ordering(ids) => ids
                    .iter()
                    .filter_map(|id| item.option(id).map(|o| o.text.get(lang).to_owned()))
                    .collect::<Vec<_>>()
                    .join(if matches!(answer, Answer::Ordering(_)) {
                        " → "
                    } else {
                        "; "
                    }),
                Answer::TrueFalse(true) => match lang {
                    Lang::Vi => "Đúng".into(),
                    Lang::En => "True".into(),
                },
                Answer::TrueFalse(false) => match lang {
                    Lang::Vi => "Sai".into(),
                    Lang::En => "False".into(),
                },
            }
        }
    };
    let chosen_feedback: Vec<_> = match &response.answer {
        Answer::Single(id) => vec![id.clone()],
        Answer::Multiple(ids) => ids.clone(),
        _ => vec![],
    }
    .into_iter()
    .filter_map(|id| item.option(&id).and_then(|o| o.feedback.clone()))
    .collect();
    let correct = response.correct;
    let right = item.answer.clone();
    let describe2 = describe.clone();
    let explanation = item.explanation.clone();
    view! {
        <div
            class=if correct { "feedback feedback-correct" } else { "feedback feedback-incorrect" }
            role="status"
            data-testid="feedback"
            id="item-feedback"
            tabindex="-1"
            data-correct=correct.to_string()
        >
            <p class="feedback-verdict">
                <span aria-hidden="true">{if correct { "✓ " } else { "✗ " }}</span>
                {move || if correct { t_string!(i18n, correct) } else { t_string!(i18n, incorrect) }}
            </p>
            {(!correct).then(|| {
                let given = response.answer.clone();
                view! {
                    <p><strong>{t!(i18n, your_answer)}": "</strong>{move || describe(&given, lang.get())}</p>
                    <p><strong>{t!(i18n, right_answer)}": "</strong>{move || describe2(&right, lang.get())}</p>
                }
            })}
            {chosen_feedback.into_iter().map(|f| view! { <p class="feedback-option">{move || f.get(lang.get()).to_owned()}</p> }).collect_view()}
            <p><strong>{t!(i18n, explanation)}": "</strong>{move || explanation.get(lang.get()).to_owned()}</p>
        </div>
    }
}
