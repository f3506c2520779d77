//! Pieces shared by the player pages.

use boiduong_core::attempt::{AttemptStatus, AttemptSummary};
use boiduong_core::model::ContentKind;
use leptos::prelude::*;

use super::player::{LoadError, Player, VersionNotice};
use crate::components::notice::ErrorNotice;
use crate::i18n::*;
use crate::platform::format_datetime;
use crate::state::{use_app_state, use_lang};

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{t!(i18n, loading)}</p> }
}

#[component]
pub fn LoadFailure(error: LoadError) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    match error {
        LoadError::NotFound => view! {
            <section class="card">
                <h1 class="page-title">{t!(i18n, content_missing)}</h1>
                <a class="button button-secondary" href="/">{t!(i18n, back_to_catalog)}</a>
            </section>
        }
        .into_any(),
        LoadError::Failed(e) => {
            let message = Signal::derive(move || {
                format!(
                    "{} ({})",
                    t_string!(i18n, error_load_catalog),
                    e.plain(lang.get())
                )
            });
            view! { <ErrorNotice message=message /> }.into_any()
        }
    }
}

/// The save error of a player, with "try again".
#[component]
pub fn PlayerError(player: Player) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    move || {
        player.error.get().map(|e| {
            let message = Signal::derive(move || {
                t_string!(i18n, error_save, reason = e.plain(lang.get())).to_string()
            });
            view! { <ErrorNotice message=message on_retry=Callback::new(move |_| player.retry()) /> }
        })
    }
}

#[component]
pub fn VersionNoticeView(notice: Option<VersionNotice>) -> impl IntoView {
    let i18n = use_i18n();
    notice.map(|n| match n {
        VersionNotice::ResumedOld(version) => view! {
            <div class="notice notice-info" role="status">
                <p>{t!(i18n, old_version_notice, version = version.clone())}</p>
            </div>
        }
        .into_any(),
        VersionNotice::Unavailable => view! {
            <div class="notice notice-warning" role="status">
                <p>{t!(i18n, old_version_missing)}</p>
            </div>
        }
        .into_any(),
    })
}

pub fn status_text(status: AttemptStatus, i18n: crate::i18n::I18n) -> String {
    match status {
        AttemptStatus::InProgress => t_string!(i18n, status_in_progress).to_string(),
        AttemptStatus::Completed => t_string!(i18n, status_completed).to_string(),
        AttemptStatus::Passed => t_string!(i18n, status_passed).to_string(),
        AttemptStatus::Failed => t_string!(i18n, status_failed).to_string(),
    }
}

/// "Kiểm tra đầu vào" or "Luyện tập" for a pre-test or a practice-only attempt.
pub fn mode_label(s: &AttemptSummary, i18n: crate::i18n::I18n) -> Option<&'static str> {
    if s.mode == boiduong_core::module::AttemptMode::PreTest {
        Some(t_string!(i18n, mode_pretest))
    } else if s.practice_only {
        Some(t_string!(i18n, mode_practice))
    } else {
        None
    }
}

pub fn result_text(s: &AttemptSummary) -> String {
    match (&s.score, &s.ending) {
        (Some(score), _) => format!("{}/{}", score.raw, score.max),
        (None, Some(ending)) => {
            let measured: Vec<f64> = s
                .competencies
                .iter()
                .filter(|c| c.decisions > 0)
                .map(|c| c.level)
                .collect();
            let level = if measured.is_empty() {
                0.0
            } else {
                measured.iter().sum::<f64>() / measured.len() as f64
            };
            format!("{ending} · {}/5", boiduong_core::text::fixed(level, 1))
        }
        _ => format!("{}/{}", s.steps_done, s.steps_total),
    }
}

/// This learner's attempts of one module or scenario, newest first.
#[component]
pub fn AttemptList(kind: ContentKind, id: String) -> impl IntoView {
    let state = use_app_state();
    let i18n = use_i18n();
    let lang = use_lang();
    let rows = Memo::new(move |_| state.attempts_of(kind, &id));
    view! {
        <Show when=move || !rows.read().is_empty()>
            <section class="card attempts" data-testid="attempt-list">
                <h2>{t!(i18n, history_for)}</h2>
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, col_started)}</th>
                            <th scope="col">{t!(i18n, col_status)}</th>
                            <th scope="col">{t!(i18n, col_result)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows.get()
                            .into_iter()
                            .map(|s| view! {
                                <tr data-testid="attempt-row" data-status=s.status.name()>
                                    <td>{format_datetime(s.started_ms, lang.get())}</td>
                                    <td>
                                        {status_text(s.status, i18n)}
                                        {mode_label(&s, i18n).map(|m| format!(" · {m}"))}
                                    </td>
                                    <td>{result_text(&s)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </section>
        </Show>
    }
}

/// "Start", or "Sign in to start" when no learner is signed in on this device (records must
/// be attributed to someone before they can be synced).
#[component]
pub fn StartButton(player: Player) -> impl IntoView {
    let i18n = use_i18n();
    let sync = crate::sync::use_sync();
    let next = leptos_router::hooks::use_location().pathname;
    move || {
        if sync.identity.read().is_some() {
            view! {
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="start"
                    disabled=move || player.busy.get()
                    on:click=move |_| player.start()
                >
                    {t!(i18n, start)}
                </button>
            }
            .into_any()
        } else {
            let href = format!("/sign-in?next={}", next.get_untracked());
            view! {
                <leptos_router::components::A href=href attr:class="button button-primary" attr:data-testid="sign-in-to-start">
                    {t!(i18n, sign_in_to_start)}
                </leptos_router::components::A>
            }
            .into_any()
        }
    }
}

/// Loads the module or scenario of the route (`:id`) once storage is open — its content, and
/// the learner's unfinished attempt if any — then renders it with `render`.
#[component]
pub fn PlayerRoute(
    /// Module or scenario.
    kind: ContentKind,
    /// The page once loaded.
    render: fn(super::player::Loaded) -> AnyView,
) -> impl IntoView {
    let state = use_app_state();
    let sync = crate::sync::use_sync();
    let params = leptos_router::hooks::use_params::<super::player::ContentParams>();
    let id = move || {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.id.clone())
            .unwrap_or_default()
    };
    view! {
        <Show when=move || state.storage_ready.get() fallback=|| view! { <Loading /> }>
            {move || {
                let id = id();
                let loaded = LocalResource::new(move || super::player::load(state, sync, kind, id.clone()));
                view! {
                    <Suspense fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            match loaded.await {
                                Ok(l) => render(l),
                                Err(e) => view! { <LoadFailure error=e /> }.into_any(),
                            }
                        })}
                    </Suspense>
                }
            }}
        </Show>
    }
}
