//! Authoring preview: any node of any scenario, with every choice's consequence, feedback,
//! scores, branch conditions and destination (each a link to that node's preview), so a
//! trainer checks wording and branches without playing from the start. Records nothing.
//! Shown only when the server's `config.json` has `"preview": true` (the dev/demo server).

use boiduong_core::model::{Choice, Content, ContentKind, Scenario};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use crate::components::content_basis::ContentBasis;
use crate::i18n::*;
use crate::session::use_session as use_sync;
use crate::state::use_lang;

/// The params of the preview's routes: the scenario's `:id` and, when given, the `:node`
/// shown (otherwise its start).
#[derive(Params, PartialEq, Clone, Debug)]
pub struct PreviewParams {
    pub id: Option<String>,
    pub node: Option<String>,
}

#[component]
pub fn PreviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let params = use_params::<PreviewParams>();
    let id = move || {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.id.clone())
            .unwrap_or_default()
    };
    let scenario = LocalResource::new(move || {
        let id = id();
        async move { crate::net::content::fetch_current(ContentKind::Scenario, &id).await }
    });
    let meta = LocalResource::new(move || {
        let id = id();
        async move { crate::net::content::fetch_meta(ContentKind::Scenario, &id).await }
    });
    let enabled = move || matches!(sync.config.read().as_ref(), Some(Ok(c)) if c.preview);
    view! {
        <div class="page" data-testid="preview-page">
            <Show
                when=enabled
                fallback=move || view! { <p class="notice">{t!(i18n, preview_disabled)}</p> }
            >
                <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || {
                        scenario
                            .get()
                            .map(|r| match r {
                                Ok(Content::Scenario(s)) => {
                                    view! {
                                        <PreviewScenario scenario=s />
                                        {move || {
                                            meta.get()
                                                .and_then(Result::ok)
                                                .map(|m| view! { <ContentBasis meta=m /> })
                                        }}
                                    }
                                        .into_any()
                                }
                                Ok(Content::Module(_)) | Err(_) => {
                                    view! { <p class="notice notice-error">{t!(i18n, preview_missing)}</p> }
                                        .into_any()
                                }
                            })
                    }}
                </Suspense>
            </Show>
        </div>
    }
}

fn scores_text(choice: &Choice) -> String {
    choice
        .scores
        .iter()
        .filter(|(_, d)| **d != 0)
        .map(|(c, d)| format!("{c} {d:+}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn PreviewScenario(scenario: Scenario) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let params = use_params::<PreviewParams>();
    let sid = scenario.id.clone();
    let start = scenario.start.clone();
    let node_id = move || {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.node.clone())
            .unwrap_or_else(|| start.clone())
    };
    let s = scenario.clone();
    let node_list = scenario
        .nodes
        .iter()
        .map(|n| {
            let href = format!("/preview/scenario/{}/{}", scenario.id, n.id);
            let label = match &n.ending {
                Some(e) => format!("{} ({})", n.id, e.kind.as_str()),
                None => n.id.clone(),
            };
            view! { <li><A href=href>{label}</A></li> }
        })
        .collect_view();
    let body = move || {
        let id = node_id();
        let Some(node) = s.node(&id).cloned() else {
            return view! { <p class="notice notice-error">{t!(i18n, preview_missing)}</p> }
                .into_any();
        };
        let l = lang.get();
        let text = node.text_html.get(l).to_owned();
        let ending = node.ending.clone().map(|e| {
            view! {
                <p class=format!("ending-kind ending-{}", e.kind.as_str())>
                    {format!("{} · {}", e.kind.as_str(), e.title.get(l))}
                </p>
            }
        });
        let choices = node
            .choices
            .into_iter()
            .map(|c| {
                let to = format!("/preview/scenario/{}/{}", sid, c.to);
                let target = c.to.clone();
                let branches = c
                    .branches
                    .iter()
                    .map(|b| {
                        let cond = b
                            .when
                            .all
                            .iter()
                            .map(|x| {
                                let op = boiduong_core::record::to_value(&x.op)
                                    .ok()
                                    .and_then(|v| v.as_str().map(str::to_owned))
                                    .unwrap_or_default();
                                format!("{} {op} {}", x.subject, x.value)
                            })
                            .collect::<Vec<_>>()
                            .join(" and ");
                        let href = format!("/preview/scenario/{}/{}", sid, b.to);
                        let target = b.to.clone();
                        view! {
                            <li>
                                {format!("{cond} → ")}
                                <A href=href>{target}</A>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <li class="card preview-choice" data-choice=c.id.clone()>
                        <p class="preview-choice-text">
                            <strong>{c.id.clone()}</strong>
                            {format!(": {}", c.text.get(l))}
                        </p>
                        <dl class="preview-facts">
                            <dt>{t!(i18n, preview_consequence)}</dt>
                            <dd>{c.consequence.get(l).to_owned()}</dd>
                            <dt>{t!(i18n, preview_feedback)}</dt>
                            <dd>{c.feedback.get(l).to_owned()}</dd>
                            <dt>{t!(i18n, preview_scores)}</dt>
                            <dd>{scores_text(&c)}</dd>
                            <dt>{t!(i18n, preview_leads_to)}</dt>
                            <dd>
                                <A href=to>{target}</A>
                                <ul class="preview-branches">{branches}</ul>
                            </dd>
                        </dl>
                    </li>
                }
            })
            .collect_view();
        view! {
            <p class="meta">{format!("{} · {}", t_string!(i18n, preview_node), id)}</p>
            {ending}
            // Sanitised at build time by the content compiler (pulldown-cmark + ammonia).
            <div class="prose situation" inner_html=text></div>
            <ul class="choices preview-choices">{choices}</ul>
        }
        .into_any()
    };
    let title = scenario.title.clone();
    view! {
        <h1 class="page-title">
            {move || format!("{} · {}", t_string!(i18n, preview_title), title.get(lang.get()))}
        </h1>
        <p class="meta">{t!(i18n, preview_note)}</p>
        <div class="preview-layout">
            <nav class="preview-nodes" aria-label=t!(i18n, preview_nodes)>
                <ul>{node_list}</ul>
            </nav>
            <section class="preview-node">{body}</section>
        </div>
    }
}
