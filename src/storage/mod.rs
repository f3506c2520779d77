//! Durable local records. Only this module touches IndexedDB.
//!
//! One learner action = one readwrite transaction over the attempt log (`events`), the derived
//! summary (`attempts`) and, on the first event, the exact content version (`content`), so an
//! attempt can always be resumed and finished on what the learner started. The caller moves
//! the UI on only after [`Storage::record`] returned `Ok`.
//!
//! When IndexedDB is missing or blocked, [`Storage::open`] falls back to memory and says why;
//! the portal keeps running and shows a warning.
//!
//! Records belong to an account (schema 5): reads take the account and return only its
//! records (attempts by their `learner_id`, statements and self-assessment records by their
//! `account`, settings under `<key>:<account>`), so another account on the same device sees
//! none of them. [`owners`] gives older records their owner once.

mod idb;
mod memory;
pub mod owners;
pub mod records;
pub mod self_assessment;

use boiduong_core::attempt::{AttemptEvent, AttemptSummary};

use crate::error::AppError;

pub use idb::DB_NAME;

/// Meta key of the review cache's high-water mark (what the next refresh asks the LRS for).
pub const REVIEW_MARK: &str = "review_mark";
/// Meta key of whose the review cache is: `{account, salt, created_ms}` (the salt of the key
/// derived from the trainer's password that seals its pages).
pub const REVIEW_OWNER: &str = "review_owner";
/// Meta key of the identity signed in on this device (not kept for a shared-computer sign-in).
pub const IDENTITY_KEY: &str = "identity";

/// Meta key of `account`'s last successful sync.
pub fn last_sync_key(account: &str) -> String {
    format!("last_sync_ms:{account}")
}

/// Meta keys that belong to `account` (deleted with its records).
pub fn account_meta_keys(account: &str) -> Vec<String> {
    [
        "last_sync_ms",
        "profile",
        "profile_unreadable",
        "consent",
        "verifier",
        "joined",
        "review_hidden",
        "review_open",
    ]
    .iter()
    .map(|k| format!("{k}:{account}"))
    .collect()
}

/// Meta key of the classes `account` has joined on this device (a list of class codes).
pub fn joined_key(account: &str) -> String {
    format!("joined:{account}")
}

pub use boiduong_core::export::content_key;

/// A statement queued for the LRS (and kept in the learner's own copy).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Queued {
    /// The statement id (UUID).
    pub id: String,
    pub attempt_id: String,
    /// Whose statement it is (the account signed in when it was made; schema 5).
    #[serde(default)]
    pub account: String,
    /// Position in production order (ms since epoch * 1000 + index within the action).
    pub order: f64,
    /// The statement as JSON text, exactly as it is sent.
    pub body: String,
    /// An anonymous record's statement (an anonymous evaluation): sent through the portal's
    /// anonymous account, in a request of its own, never before this time (ms since epoch).
    /// Absent for the learner's own statements (and in records written before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_after_ms: Option<i64>,
}

/// A statement the LRS refused, kept with the LRS's reason.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RejectedStatement {
    pub id: String,
    pub attempt_id: String,
    /// Whose statement it is (schema 5).
    #[serde(default)]
    pub account: String,
    pub status: u16,
    pub reason: String,
    pub body: String,
    pub at_ms: i64,
}

/// A rejected statement back in the outbox when the learner's copy of it is gone: in the
/// order it was refused, through the learner's own channel.
fn requeued(r: &RejectedStatement) -> Queued {
    Queued {
        id: r.id.clone(),
        attempt_id: r.attempt_id.clone(),
        account: r.account.clone(),
        order: r.at_ms as f64 * 1000.0,
        body: r.body.clone(),
        anonymous_after_ms: None,
    }
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

    /// As [`Storage::open`], on a database of another name (tests use their own). Records
    /// from before schema 5 are given their owner first ([`owners`]); if that fails they stay
    /// as they were (shown to no account) and the reason is returned.
    pub async fn open_named(name: &str) -> (Storage, Option<AppError>) {
        match idb::IdbStore::open(name).await {
            Ok(store) => {
                let warning = store.assign_owners().await.err();
                (Storage::Idb(store), warning)
            }
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
        self.record_with_statements(events, summary, content, &[])
            .await
    }

    /// As [`Storage::record`], queuing the statements the action produced in the same
    /// transaction: the action and its statements are durable together or not at all.
    pub async fn record_with_statements(
        &self,
        events: &[AttemptEvent],
        summary: &AttemptSummary,
        content: Option<(&str, &str)>,
        statements: &[Queued],
    ) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.record(events, summary, content, statements).await,
            Storage::Memory(s) => s.record(events, summary, content, statements),
        }
    }

    /// Sets the meta `key` to `value` and queues `statements`, in one transaction: both are
    /// durable together or not at all (a class joined and its `joined` statement).
    pub async fn queue_with_meta(
        &self,
        key: &str,
        value: &serde_json::Value,
        statements: &[Queued],
    ) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.queue_with_meta(key, value, statements).await,
            Storage::Memory(s) => {
                s.queue_with_meta(key, value, statements);
                Ok(())
            }
        }
    }

    /// `account`'s statements waiting for the LRS, oldest first.
    pub async fn outbox(&self, account: &str) -> Result<Vec<Queued>, AppError> {
        match self {
            Storage::Idb(s) => s.outbox(account).await,
            Storage::Memory(s) => Ok(s.outbox(account)),
        }
    }

    /// Every statement produced on this device for `account`, oldest first.
    pub async fn statements(&self, account: &str) -> Result<Vec<Queued>, AppError> {
        match self {
            Storage::Idb(s) => s.statements(account).await,
            Storage::Memory(s) => Ok(s.statements(account)),
        }
    }

    pub async fn rejected(&self, account: &str) -> Result<Vec<RejectedStatement>, AppError> {
        match self {
            Storage::Idb(s) => s.rejected(account).await,
            Storage::Memory(s) => Ok(s.rejected(account)),
        }
    }

    /// Removes acknowledged statements from the outbox and moves rejected ones aside; the
    /// time of `account`'s last sync with them.
    pub async fn settle(
        &self,
        account: &str,
        acked: &[String],
        rejected: &[RejectedStatement],
        synced_at_ms: Option<i64>,
    ) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.settle(account, acked, rejected, synced_at_ms).await,
            Storage::Memory(s) => {
                s.settle(acked, rejected);
                if let Some(t) = synced_at_ms {
                    s.set_meta(&last_sync_key(account), &serde_json::json!(t));
                }
                Ok(())
            }
        }
    }

    /// Moves `account`'s rejected statements back to the outbox, as they were first queued
    /// (order and channel from the learner's copy), in one transaction. Returns how many moved.
    pub async fn requeue_rejected(&self, account: &str, ids: &[String]) -> Result<usize, AppError> {
        match self {
            Storage::Idb(s) => s.requeue_rejected(account, ids).await,
            Storage::Memory(s) => Ok(s.requeue_rejected(account, ids)),
        }
    }

    /// Number of `account`'s statements waiting for the LRS.
    pub async fn outbox_count(&self, account: &str) -> Result<usize, AppError> {
        match self {
            Storage::Idb(s) => s.outbox_count(account).await,
            Storage::Memory(s) => Ok(s.outbox(account).len()),
        }
    }

    pub async fn meta(&self, key: &str) -> Result<Option<serde_json::Value>, AppError> {
        match self {
            Storage::Idb(s) => s.meta(key).await,
            Storage::Memory(s) => Ok(s.meta(key)),
        }
    }

    pub async fn set_meta(&self, key: &str, value: &serde_json::Value) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.set_meta(key, value).await,
            Storage::Memory(s) => {
                s.set_meta(key, value);
                Ok(())
            }
        }
    }

    pub async fn delete_meta(&self, key: &str) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.delete_meta(key).await,
            Storage::Memory(s) => {
                s.delete_meta(key);
                Ok(())
            }
        }
    }

    /// Deletes every local record.
    pub async fn clear_all(&self) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.clear_all().await,
            Storage::Memory(s) => {
                s.clear_all();
                Ok(())
            }
        }
    }

    /// Deletes `account`'s records and settings, the device's identity, the trainer's cache
    /// and the stored keys, in one transaction; content versions no remaining attempt needs
    /// go too. Other accounts' records stay.
    pub async fn clear_account(&self, account: &str) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.clear_account(account).await,
            Storage::Memory(s) => {
                s.clear_account(account);
                Ok(())
            }
        }
    }

    /// The summaries of `account`'s attempts.
    pub async fn summaries(&self, account: &str) -> Result<Summaries, AppError> {
        match self {
            Storage::Idb(s) => s.summaries(account).await,
            Storage::Memory(s) => Ok(s.summaries(account)),
        }
    }

    /// Stores a WebCrypto key as is (IndexedDB keeps it unexportable; memory loses it).
    pub async fn put_key(&self, id: &str, key: &web_sys::CryptoKey) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.put_key(id, key).await,
            Storage::Memory(s) => {
                s.put_key(id, key);
                Ok(())
            }
        }
    }

    pub async fn key(&self, id: &str) -> Result<Option<web_sys::CryptoKey>, AppError> {
        match self {
            Storage::Idb(s) => s.key(id).await,
            Storage::Memory(s) => Ok(s.key(id)),
        }
    }

    pub async fn delete_key(&self, id: &str) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.delete_key(id).await,
            Storage::Memory(s) => {
                s.delete_key(id);
                Ok(())
            }
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

    /// Adds one sealed page of the trainer's review cache with the new high-water mark,
    /// atomically.
    pub async fn review_put(
        &self,
        key: &str,
        page: &crate::crypto::Sealed,
        mark: &serde_json::Value,
    ) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.review_put(key, page, mark).await,
            Storage::Memory(s) => {
                s.review_put(key, page, mark);
                Ok(())
            }
        }
    }

    /// Every sealed page of the review cache, oldest first, and how many records are not
    /// sealed pages.
    pub async fn review_pages(&self) -> Result<(Vec<crate::crypto::Sealed>, usize), AppError> {
        match self {
            Storage::Idb(s) => s.review_pages().await,
            Storage::Memory(s) => Ok((s.review_pages(), 0)),
        }
    }

    /// The sealed pages of the review cache whose key starts with `prefix` (one class's),
    /// oldest first, and how many of those records are not sealed pages.
    pub async fn review_pages_of(
        &self,
        prefix: &str,
    ) -> Result<(Vec<crate::crypto::Sealed>, usize), AppError> {
        match self {
            Storage::Idb(s) => s.review_pages_of(prefix).await,
            Storage::Memory(s) => Ok((s.review_pages_of(prefix), 0)),
        }
    }

    /// The sealed record `key` of the review cache (a class's snapshot), if any.
    pub async fn review_record(
        &self,
        key: &str,
    ) -> Result<Option<crate::crypto::Sealed>, AppError> {
        match self {
            Storage::Idb(s) => s.review_record(key).await,
            Storage::Memory(s) => Ok(s.review_record(key)),
        }
    }

    /// Writes the sealed record `key` of the review cache (a class's snapshot), replacing it.
    pub async fn review_put_record(
        &self,
        key: &str,
        record: &crate::crypto::Sealed,
    ) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.review_put_record(key, record).await,
            Storage::Memory(s) => {
                s.review_put_record(key, record);
                Ok(())
            }
        }
    }

    /// Deletes the review cache, its mark and its owner.
    pub async fn review_clear(&self) -> Result<(), AppError> {
        match self {
            Storage::Idb(s) => s.review_clear().await,
            Storage::Memory(s) => {
                s.review_clear();
                Ok(())
            }
        }
    }
}
