//! Learning: browse the catalog, play modules and scenarios, see one's history.
//!
//! Routes: [`catalog`] (`/`), [`module`] (`/module/:id`), [`scenario`] (`/scenario/:id`),
//! [`history`] (`/history`). Their helpers: [`player`] (the live attempt: every learner
//! intent made durable before the page moves on), [`parts`] (views the routes share) and
//! [`module_self_assessment`] (the module page's self-ratings before and after, and its
//! evaluation).

pub mod catalog;
pub mod history;
pub mod module;
pub mod module_self_assessment;
pub mod parts;
pub mod player;
pub mod scenario;
