//! The routes, one folder per feature and one file per route. A route uses state (`state`,
//! `session`), adapters and shared components, never another feature's files; a feature's
//! own helpers sit next to its routes (e.g. `learn::player`, the live attempt).
//!
//! - [`learn`]: the catalog (`/`), a module (`/module/:id`), a scenario (`/scenario/:id`),
//!   the learner's history (`/history`);
//! - [`self_assessment`]: the self-assessment profile and gaps (`/tu-danh-gia`);
//! - [`session`]: sign-in (`/sign-in`, `/trainer/sign-in`), sync status and the learner's
//!   records (`/sync`);
//! - [`trainer`] and [`preview`]: the trainer app's routes (`/trainer…`, `/preview/…`); the
//!   trainer's four routes share one gate (`trainer::TrainerGate`, their `ParentRoute`'s
//!   view in `app.rs`);
//! - [`not_found`]: every other path.

pub mod learn;
pub mod not_found;
pub mod preview;
pub mod self_assessment;
pub mod session;
pub mod trainer;
