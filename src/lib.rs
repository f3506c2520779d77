//! Boiduong: the browser app (Leptos, client-side rendered).
//!
//! `app` holds the shell and the route table; `pages` the routes; `components` shared,
//! presentational pieces; `state` the app-wide context; `storage` (IndexedDB) and `net`
//! (HTTP) the only adapters that touch the outside; `crypto` wraps WebCrypto. The learning model lives in the pure
//! crate `boiduong-core`.

#[macro_use]
pub mod i18n;
pub mod app;
pub mod components;
pub mod crypto;
pub mod error;
pub mod net;
pub mod pages;
pub mod platform;
pub mod pwa;
pub mod selfassess;
pub mod state;
pub mod storage;
pub mod sync;
pub mod trainer;

/// Mounts the app on `<body>`.
pub fn start() {
    // Readable panic messages in development; a release build leaves the hook (and its
    // formatting code) out of the learner's download.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
