//! Shared, presentational components. They never touch storage or the network.

pub mod chart;
pub mod competency_bars;
pub mod content_basis;
pub mod data_table;
pub mod header;
pub mod item;
pub mod likert;
pub mod notice;
pub mod progress;
