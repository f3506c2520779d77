//! The trainer area (giảng viên): the class's results read from the LRS.
//!
//! `/trainer`: refresh from the LRS, class and date filters, learners with their last sync,
//! scenarios and modules with their figures. `/trainer/scenario/:id`: endings, scores,
//! path flow, weak choices, competencies, time per node, drop-off, loops, first vs best.
//! `/trainer/scenario/:id/learner/:account`: one learner's attempts replayed, compared with
//! the class, each decision with its choices in the order the learner saw them.
//! `/trainer/module/:id`: pre-test → post-test gains, the learners' evaluations and the item
//! analysis of the knowledge check. Scenario and module pages also show position bias: how
//! often learners chose what was shown first, against chance. `/trainer` also compares the
//! class's shared self-ratings with the levels its scenarios measured, and says which
//! statements the trust checks set aside and which claimed results differ from the
//! recomputed ones. Every page that shows results says that the checks are formative (the
//! device holds the keys).
//! Every figure is a cell of a `review::Table`; the CSV button exports that same table.

use boiduong_core::model::{Catalog, Content, ContentKind, Scenario};
use boiduong_core::review::{self, flow_layout, Labels, LearnerReview, ScenarioReview, Table};
use boiduong_core::Lang;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::chart::{Bar, BarChart, FlowDiagram, FlowEdge, FlowNode, Tone};
use crate::components::content_basis::ContentBasis;
use crate::components::data_table::DataTable;
use crate::i18n::*;
use crate::pages::session::sign_in::SignInPage;
use crate::platform::format_datetime;
use crate::session::use_session as use_sync;
use crate::state::{use_app_state, use_lang};
use crate::trainer::use_trainer;

/// Minutes east of UTC of the browser's clock (Việt Nam: 420).
fn utc_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Runs `f` with the review's labels in `lang` (header words from the core's table,
/// competency names from the catalog, the browser's time zone).
fn with_labels<R>(lang: Lang, catalog: Option<&Catalog>, f: impl FnOnce(&Labels<'_>) -> R) -> R {
    let strings = Locale::of(lang).strings();
    let text = move |k: &str| strings.get(k).unwrap_or(k).to_owned();
    let labels = Labels {
        lang,
        utc_offset_min: utc_offset_min(),
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

/// Where results are read: the portal's checks are formative (the device holds the keys).
#[component]
fn FormativeNote() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="notice notice-info" data-testid="formative-note">{t!(i18n, trainer_formative)}</p> }
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

/// Shows `children` to a trainer whose password the LRS accepted in this page session; asks
/// a trainer restored from the device (a reload, or a page load from the learner app) to sign
/// in again, on this app's own form, before anything of the class is shown; tells anyone else
/// what the area is, with the form.
#[component]
fn TrainerGate(children: ChildrenFn) -> impl IntoView {
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
            {children()}
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
    let idle = move || trainer.loaded.get() && !trainer.busy.get() && sync.signed_in.get();
    view! {
        <section class="card" aria-live="polite" data-testid="trainer-fetch">
            <p>
                {move || t_string!(i18n, trainer_cached, n = count())}
                {move || {
                    let d = trainer.damaged.get();
                    (d > 0).then(|| format!(" · {}", t_string!(i18n, trainer_damaged, n = d)))
                }}
            </p>
            <Show when=move || trainer.capped.get()>
                <p class="notice notice-warning" data-testid="trainer-capped">
                    {t!(i18n, trainer_capped)}
                </p>
            </Show>
            <Show when=move || trainer.busy.get()>
                <p data-testid="trainer-progress">
                    <progress aria-label=t!(i18n, trainer_loading_label)></progress>
                    " "
                    {move || t_string!(i18n, trainer_loading, n = trainer.fetched.get())}
                </p>
            </Show>
            {move || {
                trainer
                    .error
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
    let date = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d + i32::from(end));
    let ms = date.get_time();
    ms.is_finite().then_some(ms as i64)
}

/// The class the trainer reads: picked among the classes cached on this device, or typed.
#[component]
fn ClassPicker() -> impl IntoView {
    let trainer = use_trainer();
    let i18n = use_i18n();
    let typed = RwSignal::new(trainer.class_code.get_untracked().unwrap_or_default());
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
                            .classes
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
                    disabled=move || trainer.busy.get()
                >
                    {t!(i18n, trainer_class_open)}
                </button>
            </form>
            <p id="class-code-error" class="notice notice-error" hidden=move || !bad.get()>
                {t!(i18n, sign_in_bad_class)}
            </p>
            <Show when=move || !trainer.classes.get().is_empty()>
                <p>
                    {t!(i18n, trainer_class_cached)} " "
                    {move || {
                        trainer
                            .classes
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
                                            if trainer.class_code.get().as_deref() == Some(code.as_str()) {
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
                    {move || t_string!(i18n, trainer_roster, n = trainer.roster.get().len())}
                </summary>
                <p>{t!(i18n, trainer_roster_help)}</p>
                <ul class="roster">
                    {move || {
                        let hidden = trainer.filter.with(|f| f.hidden.clone());
                        trainer
                            .roster
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

#[component]
fn Filters() -> impl IntoView {
    let trainer = use_trainer();
    let i18n = use_i18n();
    let from = RwSignal::new(trainer.dates.get_untracked().0);
    let to = RwSignal::new(trainer.dates.get_untracked().1);
    let apply = move || {
        let (f, t) = (from.get_untracked(), to.get_untracked());
        trainer.filter.update(|filter| {
            filter.since_ms = date_ms(&f, false);
            filter.until_ms = date_ms(&t, true);
        });
        trainer.dates.set((f, t));
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

#[component]
pub fn TrainerHome() -> impl IntoView {
    view! {
        <TrainerGate>
            <TrainerHomeView />
        </TrainerGate>
    }
}

#[component]
fn TrainerHomeView() -> impl IntoView {
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
            <Show when=move || trainer.class_code.get().is_some()>
                <FetchBar />
                <Roster />
                <Filters />
                {overview}
            </Show>
        </div>
    }
}

fn content_resource(kind: ContentKind) -> LocalResource<Option<Content>> {
    let params = use_params_map();
    LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move { crate::net::content::fetch_current(kind, &id).await.ok() }
    })
}

/// The legal basis and last review of the module or scenario on the page (`meta.json`).
#[component]
fn BasisOf(
    /// Module or scenario: the page's `:id` names it.
    kind: ContentKind,
) -> impl IntoView {
    let params = use_params_map();
    let meta = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move {
            crate::net::content::fetch_meta(kind, &id)
                .await
                .ok()
                .flatten()
        }
    });
    move || meta.get().map(|m| view! { <ContentBasis meta=m /> })
}

#[component]
pub fn TrainerScenario() -> impl IntoView {
    view! {
        <TrainerGate>
            <TrainerScenarioView />
        </TrainerGate>
    }
}

fn ending_bars(review: &ScenarioReview, lang: Lang) -> Vec<Bar> {
    let total: usize = review.endings.iter().map(|e| e.count).sum();
    review
        .endings
        .iter()
        .map(|e| Bar {
            label: e.title.get(lang).to_owned(),
            value: e.count as f64,
            text: if total > 0 {
                format!(
                    "{} ({:.0} %)",
                    e.count,
                    100.0 * e.count as f64 / total as f64
                )
            } else {
                "0".into()
            },
            tone: Tone::from_kind(e.kind.map_or("", |k| k.as_str())),
        })
        .collect()
}

fn flow_parts(
    review: &ScenarioReview,
    scenario: &boiduong_core::model::Scenario,
) -> (Vec<FlowNode>, Vec<FlowEdge>) {
    let layout = flow_layout(scenario);
    let nodes = layout
        .iter()
        .map(|(id, layer, order)| {
            let flow = review.nodes.iter().find(|n| &n.node == id);
            FlowNode {
                id: id.clone(),
                label: id.clone(),
                layer: *layer,
                order: *order,
                reached: flow.map_or(0, |f| f.learners),
                ending: flow
                    .and_then(|f| f.ending)
                    .map(|k| Tone::from_kind(k.as_str())),
            }
        })
        .collect();
    // Every edge of the graph, taken or not, with the class's count.
    let mut edges = Vec::new();
    for node in &scenario.nodes {
        let flow = review.nodes.iter().find(|n| n.node == node.id);
        for choice in &node.choices {
            let cf = flow.and_then(|f| f.choices.iter().find(|c| c.choice == choice.id));
            let best = cf.is_some_and(|c| c.best);
            let mut targets: Vec<String> = vec![choice.to.clone()];
            targets.extend(choice.branches.iter().map(|b| b.to.clone()));
            targets.dedup();
            for to in targets {
                let count = review
                    .edges
                    .iter()
                    .filter(|e| e.from == node.id && e.choice == choice.id && e.to == to)
                    .map(|e| e.count)
                    .sum();
                edges.push(FlowEdge {
                    from: node.id.clone(),
                    to,
                    label: choice.id.clone(),
                    count,
                    best,
                });
            }
        }
    }
    (nodes, edges)
}

#[component]
fn TrainerScenarioView() -> impl IntoView {
    let trainer = use_trainer();
    let app = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let scenario = content_resource(ContentKind::Scenario);
    let body = move || {
        let Some(Some(Content::Scenario(s))) = scenario.get() else {
            return view! { <p>{t!(i18n, loading)}</p> }.into_any();
        };
        let l = lang.get();
        let catalog = app.catalog.get().and_then(|r| r.ok());
        let class = trainer.class.get().0;
        let timing = crate::platform::Timing::start("review-scenario");
        let review = review::scenario_review(&class, &s);
        timing.end();
        let bias = review::node_position_bias(&class, &s);
        let (tables, bias) = with_labels(l, catalog.as_ref(), |labels| {
            (
                review.tables(labels),
                review::node_position_table(&bias, labels),
            )
        });
        let (flow_nodes, flow_edges) = flow_parts(&review, &s);
        let endings = ending_bars(&review, l);
        let scores: Vec<Bar> = review
            .scores
            .iter()
            .map(|b| Bar {
                label: if b.from == b.to {
                    b.from.to_string()
                } else {
                    format!("{} … {}", b.from, b.to)
                },
                value: b.count as f64,
                text: b.count.to_string(),
                tone: Tone::Series(0),
            })
            .collect();
        let comp_name = |id: &str| {
            catalog
                .as_ref()
                .and_then(|c| c.competency(id))
                .map_or_else(|| id.to_owned(), |c| c.name.get(l).to_owned())
        };
        let comps: Vec<Bar> = review
            .competencies
            .iter()
            .map(|c| Bar {
                label: comp_name(&c.competency),
                value: c.level.unwrap_or(0.0),
                text: c.level.map_or("—".into(), |v| format!("{v:.1}/5")),
                tone: Tone::Series(1),
            })
            .collect();
        let max_endings = endings.iter().map(|b| b.value).fold(0.0, f64::max);
        let max_scores = scores.iter().map(|b| b.value).fold(0.0, f64::max);
        let learner_links = class
            .learners
            .iter()
            .filter(|learner| {
                learner
                    .attempts
                    .iter()
                    .any(|i| class.attempts[*i].content.id == s.id)
            })
            .map(|learner| {
                let href = format!(
                    "/trainer/scenario/{}/learner/{}",
                    s.id,
                    js_sys::encode_uri_component(&learner.account.name)
                );
                let name = format!("{} ({})", learner.name, learner.account.name);
                view! { <li><A href=href>{name}</A></li> }
            })
            .collect_view();
        let mut by_id: std::collections::HashMap<String, Table> =
            tables.into_iter().map(|t| (t.id.clone(), t)).collect();
        let mut take = |id: &str| {
            by_id
                .remove(id)
                .map(|t| view! { <DataTable table=t caption=caption(id, l) /> })
        };
        view! {
            <FormativeNote />
            <section class="card">{take("scenario-summary")}</section>
            <section class="card">
                <h2>{t!(i18n, trainer_endings)}</h2>
                <BarChart bars=endings max=max_endings title=caption("scenario-endings", l) id="endings" />
                {take("scenario-endings")}
                <h2>{t!(i18n, trainer_scores)}</h2>
                <BarChart bars=scores max=max_scores title=caption("scenario-scores", l) id="scores" />
                {take("scenario-scores")}
            </section>
            <section class="card">
                <h2>{t!(i18n, trainer_flow)}</h2>
                <p class="meta">{t!(i18n, trainer_flow_help)}</p>
                <FlowDiagram nodes=flow_nodes edges=flow_edges title=caption("scenario-nodes", l) />
                {take("scenario-nodes")}
                {take("scenario-choices")}
            </section>
            <section class="card">{take("scenario-sub-optimal")}</section>
            <section class="card">
                <h2>{t!(i18n, trainer_competencies)}</h2>
                <BarChart bars=comps max=5.0 title=caption("scenario-competencies", l) id="competencies" />
                {take("scenario-competencies")}
            </section>
            <section class="card">{take("scenario-first-best")}</section>
            <section class="card" data-testid="trainer-position-bias">
                <h2>{t!(i18n, trainer_position_bias)}</h2>
                <p class="meta">{t!(i18n, trainer_position_bias_help)}</p>
                {tables_view(vec![bias], l)}
            </section>
            <section class="card">
                <h2>{t!(i18n, trainer_learners)}</h2>
                <ul class="learner-links" data-testid="trainer-learners">{learner_links}</ul>
            </section>
        }
        .into_any()
    };
    let heading = move || {
        scenario.get().flatten().map(|c| {
            let title = c.title().get(lang.get()).to_owned();
            view! {
                <h1 class="page-title">{title}</h1>
                <p><A href="/trainer">{t!(i18n, trainer_back)}</A></p>
            }
        })
    };
    view! {
        <div class="page" data-testid="trainer-scenario">
            {heading}
            <FetchBar />
            <Filters />
            {body}
            <BasisOf kind=ContentKind::Scenario />
        </div>
    }
}

#[component]
pub fn TrainerLearner() -> impl IntoView {
    view! {
        <TrainerGate>
            <TrainerLearnerView />
        </TrainerGate>
    }
}

#[component]
fn TrainerLearnerView() -> impl IntoView {
    let trainer = use_trainer();
    let app = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let params = use_params_map();
    let scenario = content_resource(ContentKind::Scenario);
    let body = move || {
        let Some(Some(Content::Scenario(s))) = scenario.get() else {
            return view! { <p>{t!(i18n, loading)}</p> }.into_any();
        };
        let l = lang.get();
        let name = params.read().get("account").unwrap_or_default();
        let catalog = app.catalog.get().and_then(|r| r.ok());
        let class = trainer.class.get().0;
        let Some(account) = class
            .learners
            .iter()
            .find(|x| x.account.name == name)
            .map(|x| x.account.clone())
        else {
            return view! { <p class="notice notice-warning">{t!(i18n, trainer_no_learner)}</p> }
                .into_any();
        };
        let review = review::learner_review(&class, &account, &s);
        let tables = with_labels(l, catalog.as_ref(), |labels| review.tables(labels));
        let replay = replay_view(&review, &s, l);
        let synced = review
            .last_synced_ms
            .map(|ms| format_datetime(ms, l))
            .unwrap_or_else(|| "—".into());
        let back = format!("/trainer/scenario/{}", s.id);
        view! {
            <h1 class="page-title">{format!("{} · {}", review.name, s.title.get(l))}</h1>
            <p><A href=back>{t!(i18n, trainer_back_scenario)}</A></p>
            <p class="meta" data-testid="learner-synced">
                {t!(i18n, trainer_last_synced)} ": " {synced}
            </p>
            <FormativeNote />
            <section class="card">{tables_view(tables, l)}</section>
            {replay}
        }
        .into_any()
    };
    view! { <div class="page" data-testid="trainer-learner">{body}</div> }
}

/// Each decision of each attempt with the node's choices in the order the learner saw them
/// (from the `shown-order` of their statements), the one taken marked; a decision recorded
/// without an order says so and lists the written order.
fn replay_view(review: &LearnerReview, scenario: &Scenario, l: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let attempts = review
        .attempts
        .iter()
        .map(|a| {
            let steps = a
                .steps
                .iter()
                .map(|step| {
                    let known = step.shown_order.is_some();
                    let ids = step.shown_order.clone().unwrap_or_else(|| step.written_order.clone());
                    let node = scenario.node(&step.node);
                    let choices = ids
                        .iter()
                        .map(|id| {
                            let text = node
                                .and_then(|n| n.choice(id))
                                .map_or_else(|| id.clone(), |c| c.text.get(l).to_owned());
                            let taken = *id == step.choice;
                            view! {
                                <li class=if taken { "replay-choice replay-taken" } else { "replay-choice" } data-choice=id.clone()>
                                    {text}
                                    {taken.then(|| view! { <strong>" · " {t!(i18n, trainer_replay_taken)}</strong> })}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <li data-testid="replay-step" data-node=step.node.clone() data-order=ids.join(",") data-known=known.to_string()>
                            <p class="replay-node">{step.node.clone()}</p>
                            {(!known).then(|| view! { <p class="meta">{t!(i18n, trainer_order_unknown)}</p> })}
                            <ol class="replay-choices">{choices}</ol>
                        </li>
                    }
                })
                .collect_view();
            let n = a.number;
            view! {
                <h3>{t!(i18n, trainer_replay_attempt, n = n)}</h3>
                <ol class="replay" data-testid="replay-attempt" data-attempt=a.registration.clone()>{steps}</ol>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="trainer-replay">
            <h2>{t!(i18n, trainer_replay)}</h2>
            <p class="meta">{t!(i18n, trainer_replay_help)}</p>
            {attempts}
        </section>
    }
}

#[component]
pub fn TrainerModule() -> impl IntoView {
    view! {
        <TrainerGate>
            <TrainerModuleView />
        </TrainerGate>
    }
}

#[component]
fn TrainerModuleView() -> impl IntoView {
    let trainer = use_trainer();
    let app = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let module = content_resource(ContentKind::Module);
    let body = move || {
        let Some(Some(Content::Module(m))) = module.get() else {
            return view! { <p>{t!(i18n, loading)}</p> }.into_any();
        };
        let l = lang.get();
        let catalog = app.catalog.get().and_then(|r| r.ok());
        let class = trainer.class.get().0;
        let timing = crate::platform::Timing::start("review-items");
        let analysis = review::item_analysis(&class, &m);
        timing.end();
        let prepost = review::pre_post(&class, &m.id);
        let evaluations = review::evaluation_summary(&class, &m.id);
        let bias = review::item_position_bias(&class, &m);
        let (tables, prepost, evaluations, bias) = with_labels(l, catalog.as_ref(), |labels| {
            (
                analysis.tables(labels),
                prepost.tables(&class, labels),
                evaluations.tables(labels),
                review::item_position_table(&bias, &m, labels),
            )
        });
        view! {
            <FormativeNote />
            <section class="card" data-testid="trainer-prepost">
                <h2>{t!(i18n, trainer_prepost)}</h2>
                <p class="meta">{t!(i18n, trainer_prepost_help)}</p>
                {tables_view(prepost, l)}
            </section>
            <section class="card" data-testid="trainer-evaluations">
                <h2>{t!(i18n, trainer_evaluations)}</h2>
                <p class="meta">{t!(i18n, trainer_evaluations_help)}</p>
                {tables_view(evaluations, l)}
            </section>
            <section class="card">
                <h2>{t!(i18n, trainer_items)}</h2>
                <p class="meta">{t!(i18n, trainer_items_help)}</p>
                {tables_view(tables, l)}
            </section>
            <section class="card" data-testid="trainer-position-bias">
                <h2>{t!(i18n, trainer_position_bias)}</h2>
                <p class="meta">{t!(i18n, trainer_position_bias_help)}</p>
                {tables_view(vec![bias], l)}
            </section>
        }
        .into_any()
    };
    let heading = move || {
        module.get().flatten().map(|c| {
            let title = c.title().get(lang.get()).to_owned();
            view! {
                <h1 class="page-title">{title}</h1>
                <p><A href="/trainer">{t!(i18n, trainer_back)}</A></p>
            }
        })
    };
    view! {
        <div class="page" data-testid="trainer-module">
            {heading}
            <FetchBar />
            <Filters />
            {body}
            <BasisOf kind=ContentKind::Module />
        </div>
    }
}
