//! Small device preferences in localStorage (the UI language, the sealed "remember me"
//! credential). Records never go here: they are in IndexedDB (`storage`).

use crate::error::AppError;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The value kept under `key`, if any (and if localStorage can be read at all).
pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Keeps `value` under `key`: an error when localStorage is missing or full.
pub fn set(key: &str, value: &str) -> Result<(), AppError> {
    local_storage()
        .ok_or_else(|| AppError::StorageUnavailable("localStorage".into()))?
        .set_item(key, value)
        .map_err(|_| AppError::StorageFull)
}

/// Forgets `key` (nothing happens when localStorage is missing).
pub fn remove(key: &str) {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(key);
    }
}
