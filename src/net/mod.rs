//! Network adapters. Only this module talks to servers.

pub mod config;
pub mod content;
pub mod lrs;
