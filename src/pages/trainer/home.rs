//! `/trainer`: pick or type a class, refresh it from the LRS, hide learners joined by
//! mistake, filter by dates; the class's learners with their last sync, its scenarios and
//! modules with their figures, its shared self-ratings against the levels its scenarios
//! measured, and the statements the trust checks set aside (with the claimed results that
//! differ from the recomputed ones).

use boiduong_core::model::{Catalog, ContentKind};
use boiduong_core::review;
use boiduong_core::Lang;
use leptos::prelude::*;
use leptos_router::components::A;

use super::{caption, tables_view, with_labels, FetchBar, Filters, FormativeNote};
use crate::components::chart::{Bar, BarChart, Tone};
use crate::components::data_table::DataTable;
use crate::i18n::*;
use crate::state::{use_app_state, use_lang};
use crate::trainer::use_trainer;

/// The class's shared self-ratings beside the levels its scenarios measured: a bar chart (two
/// bars per competency) and the table of the same figures as its text alternative.
fn self_rating_section(class: &review::Class, catalog: Option<&Catalog>, l: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let rows = review::ratings_vs_measured(class);
    let name = |id: &str| {
        catalog
            .and_then(|c| c.competency(id))
            .map_or_else(|| id.to_owned(), |c| c.name.get(l).to_owned())
    };
    let strings = Locale::of(l).strings();
    let (self_word, measured_word) = (
        strings.trainer_selfrating_self,
        strings.trainer_selfrating_measured,
    );
    // the value and its scale; how many learners it is over is in the table
    let bar = |label: String, value: Option<f64>, tone: u8| Bar {
        label,
        value: value.unwrap_or(0.0),
        text: value.map_or_else(|| "—".into(), |v| format!("{v:.1}/5")),
        tone: Tone::Series(tone),
    };
    let bars: Vec<Bar> = rows
        .iter()
        .flat_map(|r| {
            let n = name(&r.competency);
            [
                bar(format!("{n} · {self_word}"), r.self_mean, 0),
                bar(format!("{n} · {measured_word}"), r.measured_mean, 1),
            ]
        })
        .collect();
    let table = with_labels(l, catalog, |labels| {
        review::ratings_vs_measured_table(&rows, labels)
    });
    let title = caption("selfrating-measured", l);
    view! {
        <section class="card" data-testid="trainer-selfrating">
            <h2>{t!(i18n, trainer_selfrating)}</h2>
            <p class="meta">{t!(i18n, trainer_selfrating_help)}</p>
            {(!bars.is_empty())
                .then(|| view! { <BarChart bars=bars max=5.0 title=title.clone() id="selfrating" /> })}
            <DataTable table=table caption=title />
        </section>
    }
}

/// What the trust checks set aside (by reason) and the claimed results that differ from the
/// recomputed ones, for the filtered class.
fn trust_section(class: &review::Class, catalog: Option<&Catalog>, l: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let tables = with_labels(l, catalog, |labels| class.trust.tables(class, labels));
    view! {
        <section class="card" data-testid="trainer-trust">
            <h2>{t!(i18n, trainer_trust)}</h2>
            <p class="meta">{t!(i18n, trainer_trust_help)}</p>
            <FormativeNote />
            {tables_view(tables, l)}
        </section>
    }
}

/// The class the trainer reads: picked among the classes cached on this device, or typed.
#[component]
fn ClassPicker() -> impl IntoView {
    let trainer = use_trainer();
    let i18n = use_i18n();
    let typed = RwSignal::new(trainer.class_code().get_untracked().unwrap_or_default());
    let bad = RwSignal::new(false);
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        bad.set(!trainer.open_class(&typed.get_untracked()));
    };
    view! {
        <section class="card" data-testid="class-picker">
            <h2>{t!(i18n, trainer_class_pick)}</h2>
            <p>{t!(i18n, trainer_class_hint)}</p>
            <form class="filters" on:submit=open>
                <label>
                    {t!(i18n, trainer_class_code)}
                    <input
                        type="text"
                        data-testid="class-code-input"
                        list="trainer-classes"
                        autocomplete="off"
                        aria-invalid=move || if bad.get() { "true" } else { "false" }
                        aria-describedby="class-code-error"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                </label>
                <datalist id="trainer-classes">
                    {move || {
                        trainer
                            .classes()
                            .get()
                            .into_iter()
                            .map(|c| view! { <option value=c.clone()></option> })
                            .collect_view()
                    }}
                </datalist>
                <button
                    type="submit"
                    class="button"
                    data-testid="class-open"
                    disabled=move || trainer.busy().get()
                >
                    {t!(i18n, trainer_class_open)}
                </button>
            </form>
            <p id="class-code-error" class="notice notice-error" hidden=move || !bad.get()>
                {t!(i18n, sign_in_bad_class)}
            </p>
            <Show when=move || !trainer.classes().get().is_empty()>
                <p>
                    {t!(i18n, trainer_class_cached)} " "
                    {move || {
                        trainer
                            .classes()
                            .get()
                            .into_iter()
                            .map(|c| {
                                let code = c.clone();
                                view! {
                                    <button
                                        type="button"
                                        class="button button-secondary"
                                        data-testid="class-cached"
                                        aria-pressed=move || {
                                            if trainer.class_code().get().as_deref() == Some(code.as_str()) {
                                                "true"
                                            } else {
                                                "false"
                                            }
                                        }
                                        on:click={
                                            let c = c.clone();
                                            move |_| {
                                                typed.set(c.clone());
                                                bad.set(!trainer.open_class(&c));
                                            }
                                        }
                                    >
                                        {c.clone()}
                                    </button>
                                    " "
                                }
                            })
                            .collect_view()
                    }}
                </p>
            </Show>
        </section>
    }
}

/// Who joined the open class, each of whom the trainer can hide (joined by mistake) and
/// show again; hidden learners count nowhere and are not read from the LRS.

#[component]
fn Roster() -> impl IntoView {
    let trainer = use_trainer();
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="class-roster">
            <details>
                <summary>
                    {move || t_string!(i18n, trainer_roster, n = trainer.roster().get().len())}
                </summary>
                <p>{t!(i18n, trainer_roster_help)}</p>
                <ul class="roster">
                    {move || {
                        let hidden = trainer.filter().with(|f| f.hidden.clone());
                        trainer
                            .roster()
                            .get()
                            .into_iter()
                            .map(|a| {
                                let is_hidden = hidden.contains(&a.name);
                                let name = a.name.clone();
                                view! {
                                    <li data-testid="roster-learner" data-account=a.name.clone()>
                                        {a.name.clone()}
                                        {is_hidden.then(|| view! { " · " <em>{t!(i18n, trainer_hidden)}</em> })}
                                        " "
                                        <button
                                            type="button"
                                            class="button button-secondary"
                                            data-testid="roster-toggle"
                                            on:click=move |_| trainer.set_hidden(name.clone(), !is_hidden)
                                        >
                                            {if is_hidden {
                                                t_string!(i18n, trainer_show)
                                            } else {
                                                t_string!(i18n, trainer_hide)
                                            }}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </details>
        </section>
    }
}

/// `/trainer`: the class picker, then the open class's overview.
#[component]
pub fn TrainerHome() -> impl IntoView {
    let trainer = use_trainer();
    let app = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    // A class opened for the first time reads the LRS (`open_class`); later visits show
    // its cache until "refresh".
    let overview = move || {
        let l = lang.get();
        let catalog = app.catalog.get().and_then(|r| r.ok());
        let class = trainer.class.get().0;
        let learners = with_labels(l, catalog.as_ref(), |labels| class.tables(labels));
        let rows = catalog.as_ref().map(|cat| {
            // What the class worked on first (most attempts), then the rest in catalog order.
            let mut entries: Vec<_> = cat
                .entries
                .iter()
                .map(|e| (class.attempts_of(e.kind, &e.id).count(), e))
                .collect();
            entries.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
            entries
                .into_iter()
                .map(|(_, e)| {
                    let attempts: Vec<_> = class.attempts_of(e.kind, &e.id).collect();
                    let people = attempts
                        .iter()
                        .map(|a| a.learner)
                        .collect::<std::collections::BTreeSet<_>>()
                        .len();
                    let done = attempts.iter().filter(|a| a.is_completed()).count();
                    let href = match e.kind {
                        ContentKind::Scenario => format!("/trainer/scenario/{}", e.id),
                        ContentKind::Module => format!("/trainer/module/{}", e.id),
                    };
                    let strings = Locale::of(l).strings();
                    let kind = match e.kind {
                        ContentKind::Scenario => strings.trainer_kind_scenario,
                        ContentKind::Module => strings.trainer_kind_module,
                    };
                    let title = e.title.get(l).to_owned();
                    view! {
                        <tr data-content=e.id.clone()>
                            <th scope="row"><A href=href>{title}</A></th>
                            <td>{kind}</td>
                            <td>{people}</td>
                            <td>{attempts.len()}</td>
                            <td>{done}</td>
                        </tr>
                    }
                })
                .collect_view()
        });
        view! {
            <section class="card">
                <h2>{t!(i18n, trainer_content)}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label=t!(i18n, trainer_content)>
                    <table class="table" data-testid="trainer-content">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, trainer_col_title)}</th>
                                <th scope="col">{t!(i18n, trainer_col_kind)}</th>
                                <th scope="col">{t!(i18n, trainer_col_learners)}</th>
                                <th scope="col">{t!(i18n, trainer_col_attempts)}</th>
                                <th scope="col">{t!(i18n, trainer_col_completed)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
            <section class="card">{tables_view(learners, l)}</section>
            {self_rating_section(&class, catalog.as_ref(), l)}
            {trust_section(&class, catalog.as_ref(), l)}
        }
    };
    view! {
        <div class="page" data-testid="trainer-home">
            <h1 class="page-title">{t!(i18n, trainer_title)}</h1>
            <ClassPicker />
            <Show when=move || trainer.class_code().get().is_some()>
                <FetchBar />
                <Roster />
                <Filters />
                {overview}
            </Show>
        </div>
    }
}
