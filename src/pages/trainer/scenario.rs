//! `/trainer/scenario/:id`: a scenario's endings, scores, path flow, weak choices,
//! competencies, first vs best, position bias (how often learners chose what was shown
//! first, against chance), and links to each learner's replay.

use boiduong_core::model::{Content, ContentKind};
use boiduong_core::review::{self, flow_layout, ScenarioReview, Table};
use boiduong_core::Lang;
use leptos::prelude::*;
use leptos_router::components::A;

use super::{
    caption, content_resource, tables_view, with_labels, BasisOf, FetchBar, Filters, FormativeNote,
};
use crate::components::chart::{Bar, BarChart, FlowDiagram, FlowEdge, FlowNode, Tone};
use crate::components::data_table::DataTable;
use crate::i18n::*;
use crate::state::{use_app_state, use_lang};
use crate::trainer::use_trainer;

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

/// `/trainer/scenario/:id`: the class's results on one scenario.
#[component]
pub fn TrainerScenario() -> impl IntoView {
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
                    crate::platform::encode_uri_component(&learner.account.name)
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
