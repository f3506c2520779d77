//! Boiduong: the browser app (Leptos, client-side rendered).
//!
//! Two apps share this library: the learner app (`src/main.rs`, at `/`) and the trainer app
//! (`src/bin/trainer.rs`, at `/trainer/`), each its own wasm so the learner's download holds
//! none of the trainer's code. `app` holds their shells and route tables; `pages` the routes;
//! `components` shared, presentational pieces; `state` the app-wide context; `storage`
//! (IndexedDB) and `net` (HTTP) the only adapters that touch the outside; `crypto` wraps
//! WebCrypto. The learning model lives in the pure
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

/// Mounts the learner app on `<body>`.
pub fn start_learner() {
    panic_hook();
    leptos::mount::mount_to_body(app::LearnerApp);
}

/// Mounts the trainer app on `<body>`.
pub fn start_trainer() {
    panic_hook();
    leptos::mount::mount_to_body(app::TrainerApp);
}

fn panic_hook() {
    // Readable panic messages in development; a release build leaves the hook (and its
    // formatting code) out of the download.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
}
