//! The storage manager: how much the portal's data uses, and whether the browser keeps it.

use wasm_bindgen_futures::JsFuture;

/// What the browser says about keeping the portal's data.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StorageInfo {
    pub usage: f64,
    pub quota: f64,
    /// `navigator.storage.persisted()`; `None` when unsupported.
    pub persisted: Option<bool>,
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::has(&navigator, &"storage".into())
        .unwrap_or(false)
        .then(|| navigator.storage())
}

pub async fn storage_info() -> StorageInfo {
    let Some(manager) = storage_manager() else {
        return StorageInfo::default();
    };
    let mut info = StorageInfo::default();
    if let Ok(promise) = manager.estimate() {
        if let Ok(value) = JsFuture::from(promise).await {
            let get = |k: &str| {
                js_sys::Reflect::get(&value, &k.into())
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0)
            };
            info.usage = get("usage");
            info.quota = get("quota");
        }
    }
    if let Ok(promise) = manager.persisted() {
        info.persisted = JsFuture::from(promise).await.ok().and_then(|v| v.as_bool());
    }
    info
}

/// Asks the browser to keep the portal's data (called after the first completed activity:
/// browsers grant it more readily once the site has been used).
pub fn request_persist() {
    let Some(manager) = storage_manager() else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Ok(promise) = manager.persist() {
            let _ = JsFuture::from(promise).await;
        }
    });
}
