//! Whether the browser believes it is online (its `online`/`offline` events are listened to
//! with leptos's `window_event_listener`).

/// `navigator.onLine` (true when it cannot be read: a sync attempt will tell).
pub fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}
