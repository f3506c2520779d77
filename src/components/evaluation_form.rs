//! The module evaluation (đánh giá học phần): usefulness, clarity and relevance on a 1-5
//! agreement scale, what the learner will do differently, an optional comment, and the choice
//! to send it without their name (offered only when `config.json` names the anonymous account
//! it then goes through). Durable and queued in one transaction.

use boiduong_core::model::Catalog;
use boiduong_core::self_assessment::evaluation::{
    EvaluationError, Question, COMMENT_MAX, INTENDED_USE_MAX,
};
use boiduong_core::self_assessment::Evaluation;
use leptos::prelude::*;

use crate::components::likert::Likert;
use crate::components::notice::ErrorNotice;
use crate::i18n::*;
use crate::platform::{new_uuid, now_ms};
use crate::state::save::Save;
use crate::state::self_assessment::use_self_assessment;
use crate::state::use_lang;

#[component]
pub fn EvaluationForm(
    /// The module evaluated.
    #[prop(into)]
    module: String,
    /// The catalog (the module's entry names the statements' activities).
    catalog: Catalog,
) -> impl IntoView {
    let state = use_self_assessment();
    let i18n = use_i18n();
    let lang = use_lang();
    let answers = [
        RwSignal::new(None::<u8>),
        RwSignal::new(None::<u8>),
        RwSignal::new(None::<u8>),
    ];
    let intended = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let anonymous = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<EvaluationError>::new());
    let catalog = StoredValue::new(catalog);
    let module = StoredValue::new(module);

    let save = Save::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save.busy_untracked() || save.saved_untracked() {
            return;
        }
        let comment_text = comment.get_untracked();
        let evaluation = Evaluation {
            id: new_uuid(),
            module: module.get_value(),
            // 0 = not answered: the core's validation names it.
            usefulness: answers[0].get_untracked().unwrap_or(0),
            clarity: answers[1].get_untracked().unwrap_or(0),
            relevance: answers[2].get_untracked().unwrap_or(0),
            intended_use: intended.get_untracked().trim().to_owned(),
            comment: (!comment_text.trim().is_empty()).then(|| comment_text.trim().to_owned()),
            anonymous: anonymous.get_untracked() && state.anonymous_account().is_some(),
            at_ms: now_ms(),
        };
        if let Err(list) = evaluation.validate() {
            problems.set(list);
            return;
        }
        problems.set(Vec::new());
        let catalog = catalog.get_value();
        save.dispatch(async move { state.save_evaluation(evaluation, &catalog).await });
    };

    let scale = Signal::derive(move || {
        vec![
            t_string!(i18n, agree_1).to_string(),
            t_string!(i18n, agree_2).to_string(),
            t_string!(i18n, agree_3).to_string(),
            t_string!(i18n, agree_4).to_string(),
            t_string!(i18n, agree_5).to_string(),
        ]
    });
    let questions = Question::ALL
        .into_iter()
        .zip(answers)
        .map(|(q, value)| {
            let legend = Signal::derive(move || {
                match q {
                    Question::Usefulness => t_string!(i18n, eval_usefulness),
                    Question::Clarity => t_string!(i18n, eval_clarity),
                    Question::Relevance => t_string!(i18n, eval_relevance),
                }
                .to_string()
            });
            let invalid = Signal::derive(move || {
                problems.read().iter().any(|p| {
                    matches!(p, EvaluationError::OutOfRange { question, .. } if *question == q.as_str())
                })
            });
            view! {
                <Likert
                    name=format!("eval-{}", q.as_str())
                    legend=legend
                    labels=scale
                    value=value
                    invalid=invalid
                    disabled=Signal::derive(move || save.saved())
                />
            }
        })
        .collect_view();
    let problem_text = move || {
        problems
            .read()
            .iter()
            .map(|p| match p {
                EvaluationError::OutOfRange { .. } => {
                    t_string!(i18n, eval_missing_scale).to_string()
                }
                EvaluationError::IntendedUseTooShort => {
                    t_string!(i18n, eval_intended_short).to_string()
                }
                EvaluationError::IntendedUseTooLong => {
                    t_string!(i18n, eval_too_long, max = INTENDED_USE_MAX)
                }
                EvaluationError::CommentTooLong => {
                    t_string!(i18n, eval_too_long, max = COMMENT_MAX)
                }
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|t| view! { <li>{t}</li> })
            .collect_view()
    };
    let message = Signal::derive(move || {
        save.error()
            .map(|e| t_string!(i18n, error_save_rating, reason = e.plain(lang.get())))
            .unwrap_or_default()
    });
    let intended_invalid = move || {
        problems.read().iter().any(|p| {
            matches!(
                p,
                EvaluationError::IntendedUseTooShort | EvaluationError::IntendedUseTooLong
            )
        })
    };
    view! {
        <form class="form evaluation-form" data-testid="evaluation-form" on:submit=submit>
            {questions}
            <div class="form-row">
                <label for="eval-intended">{t!(i18n, eval_intended)}</label>
                <textarea
                    id="eval-intended"
                    rows="3"
                    maxlength=INTENDED_USE_MAX.to_string()
                    aria-invalid=move || intended_invalid().to_string()
                    aria-describedby="eval-intended-hint"
                    prop:value=move || intended.get()
                    disabled=move || save.saved()
                    on:input=move |ev| intended.set(event_target_value(&ev))
                ></textarea>
                <p id="eval-intended-hint" class="meta">{t!(i18n, eval_intended_hint)}</p>
            </div>
            <div class="form-row">
                <label for="eval-comment">{t!(i18n, eval_comment)}</label>
                <textarea
                    id="eval-comment"
                    rows="3"
                    maxlength=COMMENT_MAX.to_string()
                    prop:value=move || comment.get()
                    disabled=move || save.saved()
                    on:input=move |ev| comment.set(event_target_value(&ev))
                ></textarea>
            </div>
            // Offered only when config.json names the anonymous account it goes through.
            <Show when=move || state.anonymous_account().is_some()>
                <div class="choice-row">
                    <input
                        id="eval-anonymous"
                        type="checkbox"
                        data-testid="evaluation-anonymous"
                        prop:checked=move || anonymous.get()
                        disabled=move || save.saved()
                        on:change=move |_| anonymous.update(|a| *a = !*a)
                        aria-describedby="eval-anonymous-hint"
                    />
                    <label for="eval-anonymous">{t!(i18n, eval_anonymous)}</label>
                </div>
                <p id="eval-anonymous-hint" class="meta">{t!(i18n, eval_anonymous_hint)}</p>
            </Show>
            <Show when=move || !problems.read().is_empty()>
                <ul class="field-error" role="alert" data-testid="evaluation-problems">{problem_text}</ul>
            </Show>
            <Show when=move || save.error().is_some()>
                <ErrorNotice message=message />
            </Show>
            <Show
                when=move || save.saved()
                fallback=move || view! {
                    <button type="submit" class="button button-primary" data-testid="evaluation-send" disabled=move || save.busy()>
                        {t!(i18n, eval_send)}
                    </button>
                }
            >
                <p class="notice notice-info" role="status" data-testid="evaluation-saved">
                    {move || if anonymous.get() { t_string!(i18n, eval_saved_anonymous) } else { t_string!(i18n, eval_saved) }}
                </p>
            </Show>
        </form>
    }
}
