//! Network adapters. Only this module talks to servers.

pub mod content;
