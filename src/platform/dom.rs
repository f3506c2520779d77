//! The document: focus, the page's language, page loads.

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
