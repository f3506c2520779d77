//! Pages, one folder-free file per route. Pages use state and adapters, never each other
//! (except the shared player helpers).

pub mod catalog;
pub mod history;
pub mod module;
pub mod module_assess;
pub mod not_found;
pub mod player;
pub mod preview;
pub mod records;
pub mod scenario;
pub mod self_assessment;
pub mod shared;
pub mod sign_in;
pub mod sync_status;
pub mod trainer;
