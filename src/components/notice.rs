//! Banners: storage warnings and errors with a retry.

use leptos::prelude::*;

use crate::i18n::*;
use crate::state::use_app_state;

/// Warns when records are not durable or some local records could not be read.
#[component]
pub fn StorageNotice() -> impl IntoView {
    let state = use_app_state();
    let session = crate::session::use_session();
    let i18n = use_i18n();
    view! {
        <Show when=move || state.storage_warning.read().is_some()>
            <div class="notice notice-warning" role="alert" data-testid="storage-warning">
                <p>{t!(i18n, storage_memory_warning)}</p>
            </div>
        </Show>
        <Show when=move || session.unverified.get()>
            <div class="notice notice-info" role="status" data-testid="unverified">
                <p>{t!(i18n, sign_in_offline)}</p>
            </div>
        </Show>
        <Show when=move || { state.damaged.get() > 0 }>
            <div class="notice notice-warning" role="status">
                <p>{t!(i18n, storage_damaged_warning, n = state.damaged.get())}</p>
            </div>
        </Show>
    }
}

/// An error message with an optional retry button.
#[component]
pub fn ErrorNotice(
    /// The message, already translated.
    #[prop(into)]
    message: Signal<String>,
    /// Called by the retry button; no button when absent.
    #[prop(optional)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice notice-error" role="alert" data-testid="error">
            <p>{message}</p>
            {on_retry.map(|retry| view! {
                <button type="button" class="button button-secondary" on:click=move |_| retry.run(())>
                    {t!(i18n, try_again)}
                </button>
            })}
        </div>
    }
}

/// "A new version is ready": shown outside the players, so an attempt is never switched
/// mid-way; the switch happens on the learner's click.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let pwa = crate::platform::pwa::use_pwa();
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    let in_player = move || {
        let path = location.pathname.get();
        path.starts_with("/module/") || path.starts_with("/scenario/")
    };
    view! {
        <Show when=move || pwa.update_ready.get() && !in_player()>
            <div class="notice notice-info" role="status" data-testid="update-ready">
                <p>{t!(i18n, update_ready)}</p>
                <button type="button" class="button button-primary" data-testid="apply-update" on:click=move |_| pwa.apply_update()>
                    {t!(i18n, update_apply)}
                </button>
            </div>
        </Show>
    }
}
