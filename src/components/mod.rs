//! Shared components, used by more than one route. Most are presentational (props in, events
//! out); the header, the notices and the two self-assessment forms read app state and save
//! through its intent methods. None touches storage, the network or a browser API directly,
//! and none imports a page.

pub mod chart;
pub mod competency_bars;
pub mod content_basis;
pub mod data_table;
pub mod evaluation_form;
pub mod header;
pub mod item;
pub mod likert;
pub mod loading;
pub mod notice;
pub mod progress;
pub mod self_rating_form;
