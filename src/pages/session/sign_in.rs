//! Sign-in with the account the training centre gave (HTTP Basic credentials of the LRS),
//! the learner's name and class code. "Máy dùng chung" (shared computer) keeps nothing beyond
//! the page; "remember" is opt-in, for learners on their own device. The learner app shows it
//! at `/sign-in`; the trainer app shows the same form on its own pages when no session is open
//! there (the password lives in one page's memory, so a page load of the other app asks for
//! it again).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::notice::ErrorNotice;
use crate::i18n::*;
use crate::session::{use_session, Identity, SessionMode, SignInError};
use crate::state::save::Save;

#[component]
pub fn SignInPage(
    /// Shown inside another page (the trainer area's gate): an `h2` heading, and the page
    /// stays where it is after signing in.
    #[prop(optional)]
    embedded: bool,
) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let lang = crate::state::use_lang();
    let query = use_query_map();
    let go_to = crate::app::use_go_to();
    let home = crate::app::home_href();
    // A shared-computer session leaves nothing for the next person, not even the account.
    let current = session
        .identity
        .get_untracked()
        .filter(|_| !session.shared.get_untracked());
    let account = RwSignal::new(
        current
            .as_ref()
            .map(|i| i.account.clone())
            .unwrap_or_default(),
    );
    let name = RwSignal::new(current.as_ref().map(|i| i.name.clone()).unwrap_or_default());
    let class_code = RwSignal::new(current.map(|i| i.class_code).unwrap_or_default());
    // The identity is read from storage after the page opens: fill the form once it is
    // (never on a shared computer), unless the person at the keyboard has begun with the
    // form: a value set under their typing would be joined to what they type.
    let touched = StoredValue::new(false);
    Effect::new(move |_| {
        if session.shared.get() || touched.get_value() {
            return;
        }
        if let Some(i) = session.identity.read().as_ref() {
            if account.get_untracked().is_empty() && name.get_untracked().is_empty() {
                account.set(i.account.clone());
                name.set(i.name.clone());
                class_code.set(i.class_code.clone());
            }
        }
    });
    let password = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let shared = RwSignal::new(session.shared.get_untracked());
    let remember_offered =
        move || !matches!(session.config.read().as_ref(), Some(Ok(c)) if c.remember_days() == 0);
    // A check before the write refused the form ("missing", "class").
    let refused = RwSignal::new(None::<&'static str>);
    let save: Save<(), SignInError> = Save::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save.busy_untracked() {
            return;
        }
        refused.set(None);
        // A class code in the one form classes are named by (upper case), or refused.
        let code = class_code.get_untracked();
        let code = if code.trim().is_empty() {
            String::new()
        } else {
            match boiduong_core::xapi::class_code(&code) {
                Ok(c) => c,
                Err(_) => {
                    refused.set(Some("class"));
                    return;
                }
            }
        };
        let identity = Identity {
            account: account.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            class_code: code,
            trainer: false,
        };
        let pass = password.get_untracked();
        if identity.account.is_empty() || identity.name.is_empty() || pass.is_empty() {
            refused.set(Some("missing"));
            return;
        }
        let go_to = go_to.clone();
        let next = query
            .read_untracked()
            .get("next")
            // A path of this origin only (never `//x`, `/\x`, `/%09/x` or another site).
            .filter(|n| boiduong_core::urls::local_path(n).is_some())
            .unwrap_or_else(|| home.into());
        let lang_now = lang.get_untracked();
        let mode = if shared.get_untracked() {
            SessionMode::Shared
        } else if remember.get_untracked() {
            SessionMode::Remember
        } else {
            SessionMode::Default
        };
        save.dispatch(async move {
            session.sign_in(identity, pass, mode).await?;
            // (The form may be gone by now: the trainer area replaces it on sign-in.)
            let _ = password.try_set(String::new());
            // Joining the class is a record like any other: durable before moving on.
            session
                .join_class(lang_now)
                .await
                .map_err(SignInError::Storage)?;
            if !embedded {
                // A trainer signing in on the learner app goes on to the trainer app
                // (a page load: that app asks for the password in its own page).
                let trainer = session.identity.get_untracked().is_some_and(|i| i.trainer);
                let next = if trainer && next == "/" {
                    "/trainer".into()
                } else {
                    next
                };
                go_to(&next);
            }
            Ok(())
        });
    };
    let error = move || {
        refused.get().or_else(|| {
            save.error().map(|e| match e {
                SignInError::Refused => "refused",
                SignInError::NoConfig => "config",
                SignInError::OfflineMismatch => "offline",
                SignInError::Storage(_) => "storage",
            })
        })
    };
    let message = Signal::derive(move || match error() {
        Some("missing") => t_string!(i18n, sign_in_missing).to_string(),
        Some("refused") => t_string!(i18n, sign_in_refused).to_string(),
        Some("class") => t_string!(i18n, sign_in_bad_class).to_string(),
        Some("config") => t_string!(i18n, sign_in_no_config).to_string(),
        Some("offline") => t_string!(i18n, sign_in_offline_mismatch).to_string(),
        Some(_) => t_string!(i18n, storage_memory_warning).to_string(),
        None => String::new(),
    });
    let field = move |id: &'static str,
                      label: Signal<&'static str>,
                      value: RwSignal<String>,
                      kind: &'static str,
                      autocomplete: &'static str,
                      required: bool| {
        view! {
            <div class="form-row">
                <label for=id>{move || label.get()}</label>
                <input
                    id=id
                    name=id
                    type=kind
                    autocomplete=autocomplete
                    required=required
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </div>
        }
    };
    view! {
        <section class="page card narrow" data-testid="sign-in">
            {if embedded {
                view! { <h2>{t!(i18n, sign_in_title)}</h2> }.into_any()
            } else {
                view! { <h1 class="page-title">{t!(i18n, sign_in_title)}</h1> }.into_any()
            }}
            <p>{t!(i18n, sign_in_intro)}</p>
            <Show when=move || error().is_some()>
                <ErrorNotice message=message />
            </Show>
            <form class="form" on:submit=submit on:focusin=move |_| touched.set_value(true)>
                {field("account", Signal::derive(move || t_string!(i18n, field_account)), account, "text", "username", true)}
                {field("password", Signal::derive(move || t_string!(i18n, field_password)), password, "password", "current-password", true)}
                {field("name", Signal::derive(move || t_string!(i18n, field_name)), name, "text", "name", true)}
                {field("class", Signal::derive(move || t_string!(i18n, field_class)), class_code, "text", "off", false)}
                <div class="choice-row">
                    <input
                        id="shared"
                        type="checkbox"
                        prop:checked=move || shared.get()
                        on:change=move |_| {
                            shared.update(|s| *s = !*s);
                            if shared.get_untracked() {
                                remember.set(false);
                            }
                        }
                        aria-describedby="shared-hint"
                    />
                    <label for="shared">{t!(i18n, shared_device)}</label>
                </div>
                <p id="shared-hint" class="meta">{t!(i18n, shared_device_hint)}</p>
                <Show when=remember_offered>
                    <div class="choice-row">
                        <input
                            id="remember"
                            type="checkbox"
                            prop:checked=move || remember.get()
                            disabled=move || shared.get()
                            on:change=move |_| remember.update(|r| *r = !*r)
                            aria-describedby="remember-hint"
                        />
                        <label for="remember">{t!(i18n, remember)}</label>
                    </div>
                    <p id="remember-hint" class="meta">
                        {move || {
                            let days = match session.config.read().as_ref() {
                                Some(Ok(c)) => c.remember_days(),
                                _ => crate::net::config::REMEMBER_DAYS,
                            };
                            t_string!(i18n, remember_hint, days = days)
                        }}
                    </p>
                </Show>
                <button type="submit" class="button button-primary" data-testid="sign-in-submit" disabled=move || save.busy()>
                    {t!(i18n, sign_in_button)}
                </button>
            </form>
        </section>
    }
}
