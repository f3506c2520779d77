//! Files the learner downloads (exports) or picks (imports).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Offers `text` as a downloaded JSON file called `name`.
pub fn download(name: &str, text: &str) {
    download_as(name, text, "application/json");
}

/// Offers `text` as a downloaded file called `name`, of type `mime` (CSV exports).
pub fn download_as(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The file picked in an `<input type="file">`, from its `change` event.
pub struct PickedFile {
    input: web_sys::HtmlInputElement,
    file: web_sys::File,
}

impl PickedFile {
    /// The first file of the input that fired `ev`, if one was picked.
    pub fn from_change(ev: &leptos::ev::Event) -> Option<Self> {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?;
        let file = input.files().and_then(|f| f.get(0))?;
        Some(Self { input, file })
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.file.size() as u64
    }

    /// Its text ("" when it cannot be read as text).
    pub async fn text(&self) -> String {
        JsFuture::from(self.file.text())
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }

    /// Empties the input, so picking the same file again fires `change` again.
    pub fn clear(&self) {
        self.input.set_value("");
    }
}
