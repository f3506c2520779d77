//! Site header: portal name, navigation, language switch.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
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
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"BD"</span>
                    <span class="brand-text">
                        <span class="brand-name">{t!(i18n, app_name)}</span>
                        <span class="brand-tagline">{t!(i18n, app_tagline)}</span>
                    </span>
                </A>
                <nav class="nav" aria-label=move || t_string!(i18n, nav_main)>
                    <A href="/" attr:class="nav-link">{t!(i18n, nav_catalog)}</A>
                    <A href="/history" attr:class="nav-link">{t!(i18n, nav_history)}</A>
                    <button
                        type="button"
                        class="lang-switch"
                        data-testid="lang-switch"
                        aria-label=move || t_string!(i18n, switch_language_label)
                        on:click=switch
                    >
                        {t!(i18n, switch_language)}
                    </button>
                </nav>
            </div>
        </header>
    }
}
