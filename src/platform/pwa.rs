//! The service worker (offline use) and the update flow: a new build installs in the
//! background; the learner sees "A new version is ready" and switches on their click,
//! never in the middle of an attempt (the banner is not shown on player pages).

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Clone, Copy)]
pub struct Pwa {
    /// A new version is installed and waiting for the learner's click.
    pub update_ready: ReadSignal<bool>,
    set_update_ready: WriteSignal<bool>,
    registration: StoredValue<Option<web_sys::ServiceWorkerRegistration>, LocalStorage>,
}

pub fn use_pwa() -> Pwa {
    expect_context::<Pwa>()
}

/// Registers `/sw.js` (when the browser supports it) and watches for updates.
pub fn provide_pwa() -> Pwa {
    let (update_ready, set_update_ready) = signal(false);
    let pwa = Pwa {
        update_ready,
        set_update_ready,
        registration: StoredValue::new_local(None),
    };
    provide_context(pwa);
    let navigator = window().navigator();
    let supported = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if !supported {
        return pwa;
    }
    let container = navigator.service_worker();
    leptos::task::spawn_local(async move {
        let Ok(value) = JsFuture::from(container.register("/sw.js")).await else {
            return;
        };
        let Ok(registration) = value.dyn_into::<web_sys::ServiceWorkerRegistration>() else {
            return;
        };
        let has_controller = window().navigator().service_worker().controller().is_some();
        if registration.waiting().is_some() && has_controller {
            pwa.set_update_ready.set(true);
        }
        let reg = registration.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                let controlled = window().navigator().service_worker().controller().is_some();
                if worker.state() == web_sys::ServiceWorkerState::Installed && controlled {
                    pwa.set_update_ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
        pwa.registration.set_value(Some(registration));
    });
    pwa
}

impl Pwa {
    /// Activates the waiting version and reloads once it controls the page.
    pub fn apply_update(self) {
        let Some(registration) = self.registration.get_value() else {
            return;
        };
        let Some(waiting) = registration.waiting() else {
            return;
        };
        let container = window().navigator().service_worker();
        let reload = Closure::<dyn FnMut()>::new(move || {
            super::dom::reload();
        });
        container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
        reload.forget();
        let _ = waiting.post_message(&"skip-waiting".into());
    }
}
