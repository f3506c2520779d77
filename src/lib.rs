//! Boiduong: the browser app (Leptos, client-side rendered).
//!
//! Two apps share this library: the learner app (`src/main.rs`, at `/`) and the trainer app
//! (`src/bin/trainer.rs`, at `/trainer/`), each its own wasm so the learner's download holds
//! none of the trainer's code. The learning model lives in the pure crate `boiduong-core`.
//! The layers, each importing only from the ones below it (see `docs/architecture.md`):
//!
//! - `app`: the two shells and their route tables;
//! - `pages`: the routes, one folder per feature (`learn`, `self_assessment`, `session`,
//!   the trainer's `trainer` and `preview`), one file per route;
//! - `components`: pieces shared by several routes;
//! - state: `state` (the signed-in account's records, the catalog; `state::self_assessment`),
//!   `session` (who is signed in; its `sync_driver` moves the outbox to the LRS following
//!   the core's `SyncPolicy`), `trainer` (the trainer's class and its cache), each written
//!   only through its own methods;
//! - adapters, the only code calling the browser: `storage` (IndexedDB), `net` (HTTP:
//!   content, config, the LRS), `platform` (every other browser API: clock, randomness,
//!   files, focus, localStorage, timers, the service worker, storage quota), `crypto`
//!   (WebCrypto);
//! - `i18n` (the UI texts, checked at compile time) and `error` (`AppError`), used by all.

#[macro_use]
pub mod i18n;
pub mod app;
pub mod components;
pub mod crypto;
pub mod error;
pub mod net;
pub mod pages;
pub mod platform;

pub mod session;
pub mod state;
pub mod storage;
pub mod trainer;

/// Mounts the learner app behind the build's static first paint (index.html's `#app`).
pub fn start_learner() {
    panic_hook();
    platform::dom::mount_behind_prepaint(app::LearnerApp);
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
