//! Site header: portal name, navigation, language switch. Shown by both apps: a link to
//! the other app's page is a page load (`rel_for`).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::{rel_for, sign_in_href};
use crate::i18n::*;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let sync = crate::sync::use_sync();
    let switch = move |_| {
        let next = match i18n.get_locale() {
            Locale::vi => Locale::en,
            Locale::en => Locale::vi,
        };
        i18n.set_locale(next);
    };
    view! {
        <header class="header">
            <div class="header-inner">
                <A href="/" attr:class="brand" attr:rel=rel_for("/")>
                    <span class="brand-mark" aria-hidden="true">"BD"</span>
                    <span class="brand-text">
                        <span class="brand-name">{t!(i18n, app_name)}</span>
                        <span class="brand-tagline">{t!(i18n, app_tagline)}</span>
                    </span>
                </A>
                <nav class="nav" aria-label=t!(i18n, nav_main)>
                    <A href="/" attr:class="nav-link" attr:rel=rel_for("/")>{t!(i18n, nav_catalog)}</A>
                    <A href="/history" attr:class="nav-link" attr:rel=rel_for("/history")>{t!(i18n, nav_history)}</A>
                    <A
                        href="/tu-danh-gia"
                        attr:class="nav-link"
                        attr:rel=rel_for("/tu-danh-gia")
                        attr:data-testid="nav-selfassess"
                    >
                        {t!(i18n, nav_selfassess)}
                    </A>
                    <Show when=move || sync.identity.read().as_ref().is_some_and(|i| i.trainer)>
                        <A
                            href="/trainer"
                            attr:class="nav-link"
                            attr:rel=rel_for("/trainer")
                            attr:data-testid="nav-trainer"
                        >
                            {t!(i18n, nav_trainer)}
                        </A>
                    </Show>
                    <SyncBadge />
                    <button
                        type="button"
                        class="lang-switch"
                        data-testid="lang-switch"
                        aria-label=t!(i18n, switch_language_label)
                        on:click=switch
                    >
                        {t!(i18n, switch_language)}
                    </button>
                </nav>
            </div>
        </header>
    }
}

/// Sync state at a glance, linking to the sync page: offline, unsent count, or synced.
#[component]
fn SyncBadge() -> impl IntoView {
    let sync = crate::sync::use_sync();
    let i18n = use_i18n();
    let label = move || {
        if sync.identity.read().is_none() {
            t_string!(i18n, badge_sign_in).to_string()
        } else if !sync.online.get() {
            format!(
                "{} · {}",
                t_string!(i18n, badge_offline),
                t_string!(i18n, badge_pending, n = sync.pending.get())
            )
        } else if sync.pending.get() > 0 {
            t_string!(i18n, badge_pending, n = sync.pending.get())
        } else {
            t_string!(i18n, badge_synced).to_string()
        }
    };
    let class = move || {
        let needs_password = sync.identity.read().is_some() && !sync.signed_in.get();
        if !sync.online.get()
            || sync.auth_required.get()
            || needs_password
            || sync.misconfigured.read().is_some()
            || !sync.rejected.read().is_empty()
        {
            "sync-badge sync-badge-warn"
        } else {
            "sync-badge"
        }
    };
    let sign_in = sign_in_href();
    let href = move || {
        if sync.identity.read().is_none() {
            sign_in.to_string()
        } else {
            "/sync".to_string()
        }
    };
    let (sign_in_rel, sync_rel) = (rel_for(sign_in), rel_for("/sync"));
    let rel = move || {
        if sync.identity.read().is_none() {
            sign_in_rel
        } else {
            sync_rel
        }
    };
    view! {
        <A href=href attr:class=class attr:rel=rel attr:data-testid="sync-badge">
            <span class="sync-dot" aria-hidden="true"></span>
            {label}
        </A>
    }
}
