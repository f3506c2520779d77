//! Sync and account: what is waiting, what was sent, what the LRS refused, sign-out.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;
use crate::platform::format_datetime;
use crate::session::use_session;
use crate::state::save::Save;
use crate::state::use_lang;
use crate::storage::RejectedStatement;

/// Offers the rejected statements as a JSON file (the learner or trainer can forward it).
fn download_rejected(list: &[RejectedStatement]) {
    if let Ok(text) = serde_json::to_string_pretty(list) {
        crate::platform::file::download("boiduong-rejected.json", &text);
    }
}

#[component]
pub fn SyncPage() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let lang = use_lang();
    // Putting the refused statements back, then how many were (a failure shows on the
    // sync status, as a sync's does).
    let requeue: Save<usize> = Save::new();
    let on_requeue = move |_| {
        requeue.dispatch(async move {
            session
                .requeue_rejected()
                .await
                .inspect_err(|e| session.report_error(e))
        })
    };
    // A sign-out refused (records unsent or refused) asks to confirm; "saved" is signed out.
    let sign_out_save: Save = Save::new();
    let sign_out = move |confirmed: bool| sign_out_save.dispatch(session.sign_out(confirmed));
    let confirming = move || sign_out_save.error().is_some();
    view! {
        <div class="page" data-testid="sync-page">
            <h1 class="page-title">{t!(i18n, sync_title)}</h1>
            <section class="card" aria-live="polite">
                {move || match session.config.get() {
                    Some(Err(e)) => Some(view! {
                        <div class="notice notice-error" role="alert" data-testid="config-error">
                            <p>{t!(i18n, sign_in_no_config)}</p>
                            <p class="meta">{e.to_string()}</p>
                        </div>
                    }),
                    _ => None,
                }}
                <Show when=move || !session.online.get()>
                    <p class="notice notice-warning" data-testid="offline">{t!(i18n, sync_offline)}</p>
                </Show>
                {move || session.misconfigured.get().map(|(status, reason)| view! {
                    <div class="notice notice-error" role="alert" data-testid="sync-misconfigured">
                        <p>{t_string!(i18n, sync_misconfigured, status = status, reason = reason.clone())}</p>
                    </div>
                })}
                {move || session.anonymous_refused.get().map(|reason| view! {
                    <p class="notice notice-warning" data-testid="sync-anonymous-refused">
                        {t_string!(i18n, sync_anonymous_refused, reason = reason.clone())}
                    </p>
                })}
                <Show when=move || session.auth_required.get()>
                    <div class="notice notice-error" role="alert" data-testid="auth-required">
                        <p>{t!(i18n, sync_auth_required)}</p>
                        <A href="/sign-in?next=/sync" attr:class="button button-secondary">{t!(i18n, sign_in_button)}</A>
                    </div>
                </Show>
                <Show when=move || session.identity.read().is_some() && !session.signed_in.get() && !session.auth_required.get()>
                    <div class="notice notice-info" data-testid="need-password">
                        <p>{t!(i18n, sync_need_password)}</p>
                        <A href="/sign-in?next=/sync" attr:class="button button-secondary">{t!(i18n, sign_in_button)}</A>
                    </div>
                </Show>
                <p data-testid="pending" data-count=move || session.pending.get().to_string()>
                    {move || if session.pending.get() == 0 {
                        t_string!(i18n, sync_all_sent).to_string()
                    } else {
                        t_string!(i18n, sync_pending, n = session.pending.get())
                    }}
                </p>
                <p data-testid="last-sync">
                    {move || match session.last_sync_ms.get() {
                        Some(ms) => t_string!(i18n, sync_last, time = format_datetime(ms, lang.get())),
                        None => t_string!(i18n, sync_never).to_string(),
                    }}
                </p>
                {move || session.last_error.get().map(|reason| view! {
                    <p class="meta" data-testid="sync-error">{t_string!(i18n, sync_error, reason = reason.clone())}</p>
                })}
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="sync-now"
                    disabled=move || session.syncing.get() || !session.signed_in.get()
                    on:click=move |_| session.sync_now()
                >
                    {move || if session.syncing.get() { t_string!(i18n, syncing) } else { t_string!(i18n, sync_now) }}
                </button>
            </section>

            <section class="card" data-testid="rejected">
                <h2>{t!(i18n, rejected_title)}</h2>
                <Show
                    when=move || !session.rejected.read().is_empty()
                    fallback=move || view! { <p>{t!(i18n, rejected_none)}</p> }
                >
                    <p>{t!(i18n, rejected_intro)}</p>
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, col_code)}</th>
                                    <th scope="col">{t!(i18n, col_reason)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {move || session.rejected.get().into_iter().map(|r| view! {
                                    <tr data-testid="rejected-row">
                                        <td>{r.status}</td>
                                        <td>{r.reason.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <div class="actions">
                        <button
                            type="button"
                            class="button button-secondary"
                            data-testid="requeue-rejected"
                            disabled=move || !session.signed_in.get() || requeue.busy()
                            on:click=on_requeue
                        >
                            {t!(i18n, rejected_requeue)}
                        </button>
                        <button type="button" class="button button-secondary" on:click=move |_| download_rejected(&session.rejected.get_untracked())>
                            {t!(i18n, rejected_export)}
                        </button>
                    </div>
                </Show>
                {move || requeue.value().map(|n| view! {
                    <p class="notice notice-info" role="status" data-testid="requeued">
                        {t_string!(i18n, rejected_requeued, n = n)}
                    </p>
                })}
            </section>

            <super::records::MyRecords />

            <section class="card" data-testid="account">
                <h2>{t!(i18n, account_title)}</h2>
                <Show when=move || sign_out_save.saved()>
                    <p class="notice notice-info" role="status">{t!(i18n, sign_out_done)}</p>
                </Show>
                {move || match session.identity.get() {
                    None => view! {
                        <p>{t!(i18n, not_signed_in)}</p>
                        <A href="/sign-in" attr:class="button button-primary">{t!(i18n, sign_in_button)}</A>
                    }.into_any(),
                    Some(id) => view! {
                        <p data-testid="identity">{t_string!(i18n, signed_in_as, name = id.name.clone(), account = id.account.clone(), class = if id.class_code.is_empty() { "—".to_string() } else { id.class_code.clone() })}</p>
                        <p class="meta">{t!(i18n, sign_out_explain)}</p>
                        <Show
                            when=confirming
                            fallback=move || view! {
                                <button type="button" class="button button-secondary" data-testid="sign-out" on:click=move |_| sign_out(false)>
                                    {t!(i18n, sign_out)}
                                </button>
                            }
                        >
                            <div class="notice notice-warning" role="alert" data-testid="sign-out-warning">
                                <Show when=move || { session.pending.get() > 0 }>
                                    <p>{t!(i18n, sign_out_warning, n = session.pending.get())}</p>
                                </Show>
                                <Show when=move || !session.rejected.read().is_empty()>
                                    <p data-testid="sign-out-warning-rejected">
                                        {t!(i18n, sign_out_warning_rejected, n = session.rejected.read().len())}
                                    </p>
                                </Show>
                                <div class="actions">
                                    <button type="button" class="button button-primary" on:click=move |_| { sign_out_save.clear(); session.sync_now(); }>
                                        {t!(i18n, sign_out_sync_first)}
                                    </button>
                                    <button type="button" class="button button-secondary" data-testid="sign-out-anyway" on:click=move |_| sign_out(true)>
                                        {t!(i18n, sign_out_anyway)}
                                    </button>
                                    <button type="button" class="button button-secondary" on:click=move |_| sign_out_save.clear()>
                                        {t!(i18n, cancel)}
                                    </button>
                                </div>
                            </div>
                        </Show>
                    }.into_any(),
                }}
            </section>
        </div>
    }
}
