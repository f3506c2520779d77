//! Durable local records. Only this module touches IndexedDB.
//!
//! One learner action = one readwrite transaction over the attempt log (`events`), the derived
//! summary (`attempts`) and, on the first event, the exact content version (`content`), so an
//! attempt can always be resumed and finished on what the learner started. The caller moves
//! the UI on only after [`Storage::record`] returned `Ok`.
//!
//! When IndexedDB is missing or blocked, [`Storage::open`] falls back to memory and says why;
//! the portal keeps running and shows a warning.

mod idb;
mod memory;

use boiduong_core::attempt::{AttemptEvent, AttemptSummary};
use boiduong_core::model::ContentKind;

use crate::error::AppError;

pub use idb::DB_NAME;

/// Key of a stored content version: `module/<id>@<version>`.
pub fn content_key(kind: ContentKind, id: &str, version: &str) -> String {
    format!("{}/{id}@{version}", kind.as_str())
}

/// What a read of the summaries found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summaries {
    pub summaries: Vec<AttemptSummary>,
    /// Records that could not be read (damaged, or from a newer portal). Kept, not deleted.
    pub damaged: usize,
}

#[derive(Clone)]
pub enum Storage {
    Idb(idb::IdbStore),
    Memory(memory::MemoryStore),
}

impl Storage {
    /// IndexedDB when the browser allows it, otherwise memory plus the reason.
    pub async fn open() -> (Storage, Option<AppError>) {
        Self::open_named(DB_NAME).await
    }

    /// As [`Storage::open`], on a database of another name (tests use their own).
    pub async fn open_named(name: &str) -> (Storage, Option<AppError>) {
        match idb::IdbStore::open(name).await {
            Ok(store) => (Storage::Idb(store), None),
            Err(e) => (Storage::Memory(memory::MemoryStore::default()), Some(e)),
        }
    }

    pub fn memory() -> Storage {
        Storage::Memory(memory::MemoryStore::default())
    }

    /// Records are kept across reloads (false in the in-memory fallback).
    pub fn is_durable(&self) -> bool {
        matches!(self, Storage::Idb(_))
    }

    /// Appends `events`, replaces the attempt's summary and, when given, stores a content
    /// version, all in one transaction. Returns once the transaction has committed.
    pub async fn record(
        &self,
        events: &[AttemptEvent],
        summary: &AttemptSummary,
        content: Option<(&str, &str)>,
    ) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.record(events, summary, content).await,
            Storage::Memory(s) => s.record(events, summary, content),
        }
    }

    pub async fn summaries(&self) -> Result<Summaries, AppError> {
        match self {
            Storage::Idb(s) => s.summaries().await,
            Storage::Memory(s) => Ok(s.summaries()),
        }
    }

    /// The log of one attempt, in order. Damaged records make the read fail (the attempt is
    /// then shown as unreadable, and its records stay untouched).
    pub async fn events(&self, attempt_id: &str) -> Result<Vec<AttemptEvent>, AppError> {
        match self {
            Storage::Idb(s) => s.events(attempt_id).await,
            Storage::Memory(s) => Ok(s.events(attempt_id)),
        }
    }

    pub async fn content(&self, key: &str) -> Result<Option<String>, AppError> {
        match self {
            Storage::Idb(s) => s.content(key).await,
            Storage::Memory(s) => Ok(s.content(key)),
        }
    }
}
