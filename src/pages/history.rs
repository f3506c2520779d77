//! Every attempt on this device, newest first.

use boiduong_core::model::Catalog;
use leptos::prelude::*;
use leptos_router::components::A;

use super::shared::{result_text, status_text, Loading};
use crate::i18n::*;
use crate::platform::format_datetime;
use crate::state::{use_app_state, use_lang};

#[component]
pub fn HistoryPage() -> impl IntoView {
    let state = use_app_state();
    let i18n = use_i18n();
    view! {
        <div class="page" data-testid="history">
            <h1 class="page-title">{t!(i18n, history_title)}</h1>
            <Show when=move || state.storage_ready.get() fallback=|| view! { <Loading /> }>
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        let catalog = state.catalog.await.ok();
                        view! { <HistoryTable catalog=catalog /> }
                    })}
                </Suspense>
            </Show>
        </div>
    }
}

#[component]
fn HistoryTable(catalog: Option<Catalog>) -> impl IntoView {
    let state = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let rows = move || {
        let mut all = state.summaries.get();
        boiduong_core::order::sort_by_key(&mut all, |s| !s.started_ms);
        all
    };
    view! {
        <Show
            when=move || !rows().is_empty()
            fallback=move || view! { <p data-testid="history-empty">{t!(i18n, history_empty)}</p> }
        >
            <div class="table-wrap">
                <table class="table" data-testid="history-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, col_content)}</th>
                            <th scope="col">{t!(i18n, col_started)}</th>
                            <th scope="col">{t!(i18n, col_status)}</th>
                            <th scope="col">{t!(i18n, col_result)}</th>
                            <th scope="col">{t!(i18n, col_version)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {
                            let catalog = catalog.clone();
                            move || rows()
                                .into_iter()
                                .map(|s| {
                                    let title = catalog
                                        .as_ref()
                                        .and_then(|c| c.entry(s.kind, &s.content_id))
                                        .map(|e| e.title.get(lang.get()).to_owned())
                                        .unwrap_or_else(|| s.content_id.clone());
                                    let href = format!("/{}/{}", s.kind.as_str(), s.content_id);
                                    view! {
                                        <tr data-testid="history-row" data-status=s.status.name()>
                                            <td><A href=href>{title}</A></td>
                                            <td>{format_datetime(s.started_ms, lang.get())}</td>
                                            <td>{status_text(s.status, i18n)}</td>
                                            <td>{result_text(&s)}</td>
                                            <td><code>{s.version.clone()}</code></td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }
                    </tbody>
                </table>
            </div>
        </Show>
    }
}
