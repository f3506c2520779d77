//! The document: the app's mount and first paint, focus, the page's language, page loads.

use wasm_bindgen::JsCast;

/// Moves keyboard and screen-reader focus to the element `id` once the next frame has
/// rendered it (nothing happens when it is not there).
pub fn focus_by_id(id: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Sets `<html lang>` (screen readers pick their voice from it).
pub fn set_html_lang(lang: &str) {
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang);
    }
}

/// Loads `path` as a new page (the other app's page, which this app's router cannot show).
pub fn load_page(path: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
}

/// Loads this page again (a new service worker's files).
pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Mounts `app` in `#app`, the hidden element of the learner app's index.html that follows the
/// build's static first paint (`#prepaint`, scripts/build/prepaint.mjs), or on `<body>` when
/// the page has none (the trainer app, the browser tests). The first paint stays until
/// [`reveal_app`]: at once on any route but the catalog (whose first paint is a neutral
/// shell), when the catalog has rendered on `/` (so the catalog is not replaced by "Loading"
/// and back: no jump).
pub fn mount_behind_prepaint<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: leptos::prelude::IntoView,
{
    let document = web_sys::window().and_then(|w| w.document());
    let root = document
        .as_ref()
        .and_then(|d| d.get_element_by_id("app"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    let Some(root) = root else {
        leptos::mount::mount_to_body(app);
        return;
    };
    leptos::mount::mount_to(root, app).forget();
    let on_catalog = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|p| p == "/");
    if !on_catalog {
        show_app();
    }
}

/// Replaces the build's static first paint by the app, before the next frame is painted (the
/// app's own view is then in the document). Nothing happens once done.
pub fn reveal_app() {
    leptos::prelude::request_animation_frame(show_app);
}

fn show_app() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(prepaint) = document.get_element_by_id("prepaint") {
        prepaint.remove();
    }
    if let Some(app) = document.get_element_by_id("app") {
        let _ = app.remove_attribute("hidden");
    }
}
