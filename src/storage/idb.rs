//! IndexedDB adapter (indexed_db_futures).
//!
//! Values are stored as plain JS objects made from the JSON of the record format
//! (`boiduong_core::record`), so the stored layout is exactly the documented, versioned one.
//! Transactions ask for `durability: "strict"`: the commit resolves only once the data is
//! flushed, which is what "durable before the UI moves on" means.

use boiduong_core::attempt::{AttemptEvent, AttemptSummary};
use boiduong_core::record::{
    decode_event_json, decode_summary_json, encode_event_json, encode_summary_json,
};
use indexed_db_futures::database::Database;
use indexed_db_futures::error::{Error as IdbError, OpenDbError};
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use indexed_db_futures::KeyPath;
use wasm_bindgen::{JsCast, JsValue};

use super::{Queued, RejectedStatement, Summaries};
use crate::crypto::Sealed;
use crate::error::AppError;

pub const DB_NAME: &str = "boiduong";
/// Schema version of the database (object stores and indexes), distinct from the record format.
pub const DB_VERSION: u32 = 5;

pub const EVENTS: &str = "events";
pub const ATTEMPTS: &str = "attempts";
pub const CONTENT: &str = "content";
/// Statements waiting for the LRS (schema 2).
pub const OUTBOX: &str = "outbox";
/// Every statement ever queued, kept after it is sent (schema 2): the learner's own copy.
pub const STATEMENTS: &str = "statements";
/// Statements the LRS refused, with its reason (schema 2). Never deleted silently.
pub const REJECTED: &str = "rejected";
/// Small settings: identity, last successful sync (schema 2).
pub const META: &str = "meta";
/// A trainer's copy of the class's statements read from the LRS, one record per LRS page:
/// `{key, iv, data}`, the page's statements in the review's packed form (lean JSON before it)
/// sealed (AES-GCM) with a key derived from the trainer's password (schema 5; schema 3 kept
/// `{key, json}` in clear and is dropped by the upgrade); and per class, under
/// `snapshot:{CODE}`, the class prepared from them, sealed the same way. A cache: the LRS
/// has the originals.
pub const REVIEW: &str = "review";
/// The learner's self-ratings and module evaluations (schema 4), keyed by their id:
/// `{id, v, account, kind, shared, record}` (see `storage::self_assessment`).
pub const SELFASSESS: &str = "selfassess";
/// WebCrypto keys (schema 5): `{id, key}` with `key` a non-exportable `CryptoKey`, stored as
/// is (the device key that seals a remembered credential).
pub const KEYS: &str = "keys";
const BY_ATTEMPT: &str = "by_attempt";
const BY_ORDER: &str = "by_order";
/// What "My records" exports and imports (settings stay on their device).
const EXPORTED: [&str; 7] = [
    EVENTS, ATTEMPTS, CONTENT, OUTBOX, STATEMENTS, REJECTED, SELFASSESS,
];
const ALL_STORES: [&str; 10] = [
    EVENTS, ATTEMPTS, CONTENT, OUTBOX, STATEMENTS, REJECTED, META, REVIEW, SELFASSESS, KEYS,
];
/// Stores whose records name their owner in `account` (schema 5; older records get it from
/// [`super::owners`] once, after the upgrade).
const OWNED: [&str; 4] = [OUTBOX, STATEMENTS, REJECTED, SELFASSESS];

#[derive(Clone)]
pub struct IdbStore {
    db: std::rc::Rc<Database>,
}

fn map_dom(name: &str, message: &str) -> AppError {
    if name == "QuotaExceededError" {
        AppError::StorageFull
    } else {
        AppError::Storage(format!("{name}: {message}"))
    }
}

fn map_err(e: IdbError) -> AppError {
    match e {
        IdbError::DomException(ex) => map_dom(&ex.name(), &ex.message()),
        other => AppError::Storage(other.to_string()),
    }
}

fn map_open_err(e: OpenDbError) -> AppError {
    match e {
        OpenDbError::Base(e) => match map_err(e) {
            AppError::Storage(msg) => AppError::StorageUnavailable(msg),
            other => other,
        },
        other => AppError::StorageUnavailable(other.to_string()),
    }
}

fn to_js(value: &serde_json::Value) -> Result<JsValue, AppError> {
    to_js_text(&value.to_string())
}

/// A record from its JSON text (records go to and from IndexedDB as text on the Rust side:
/// each stored type has one reader and one writer, those over text).
fn to_js_text(json: &str) -> Result<JsValue, AppError> {
    js_sys::JSON::parse(json).map_err(|_| AppError::Storage("cannot encode record".into()))
}

fn text_of(value: &JsValue) -> Result<String, AppError> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| AppError::Damaged("record is not JSON".into()))
}

fn from_js(value: &JsValue) -> Result<serde_json::Value, AppError> {
    serde_json::from_str(&text_of(value)?).map_err(|e| AppError::Damaged(e.to_string()))
}

/// `T` as a stored record (see [`to_js_text`]).
fn record_to_js<T: serde::Serialize>(record: &T) -> Result<JsValue, AppError> {
    to_js_text(&serde_json::to_string(record).map_err(|e| AppError::Storage(e.to_string()))?)
}

fn strict() -> TransactionOptions {
    TransactionOptions::new().with_durability(TransactionDurability::Strict)
}

/// Queues `statements` in the outbox and in the learner's copy, within `tx` (which must
/// cover both stores; an empty list touches neither).
fn queue(tx: &Transaction<'_>, statements: &[Queued]) -> Result<(), AppError> {
    if statements.is_empty() {
        return Ok(());
    }
    let outbox = tx.object_store(OUTBOX).map_err(map_err)?;
    let ledger = tx.object_store(STATEMENTS).map_err(map_err)?;
    for q in statements {
        let value = record_to_js(q)?;
        // `add`: a statement id is never reused; a clash aborts the whole action.
        outbox.add(value.clone()).primitive().map_err(map_err)?;
        ledger.add(value).primitive().map_err(map_err)?;
    }
    Ok(())
}

/// Commits `tx`; when the commit aborts, reports the transaction's own error (`raw`, kept
/// before the commit: e.g. QuotaExceededError) rather than the generic abort.
async fn commit(tx: Transaction<'_>, raw: web_sys::IdbTransaction) -> Result<(), AppError> {
    match tx.commit().await {
        Ok(()) => Ok(()),
        Err(e) => Err(raw
            .error()
            .map(|d| map_dom(&d.name(), &d.message()))
            .unwrap_or_else(|| map_err(e))),
    }
}

impl IdbStore {
    pub async fn open(name: &str) -> Result<IdbStore, AppError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                let old = event.old_version() as u64;
                // Step by step, so a device on any older schema reaches the current one.
                if old < 1 {
                    let events = db
                        .create_object_store(EVENTS)
                        .with_key_path(KeyPath::from(["attempt_id", "seq"]))
                        .build()?;
                    events
                        .create_index(BY_ATTEMPT, KeyPath::from("attempt_id"))
                        .build()?;
                    db.create_object_store(ATTEMPTS)
                        .with_key_path(KeyPath::from("id"))
                        .build()?;
                    db.create_object_store(CONTENT)
                        .with_key_path(KeyPath::from("key"))
                        .build()?;
                }
                if old < 2 {
                    // Sync: the outbox and the learner's copy of every statement, in the
                    // order they were produced; rejected statements; settings.
                    let outbox = db
                        .create_object_store(OUTBOX)
                        .with_key_path(KeyPath::from("id"))
                        .build()?;
                    outbox
                        .create_index(BY_ORDER, KeyPath::from("order"))
                        .build()?;
                    let statements = db
                        .create_object_store(STATEMENTS)
                        .with_key_path(KeyPath::from("id"))
                        .build()?;
                    statements
                        .create_index(BY_ORDER, KeyPath::from("order"))
                        .build()?;
                    db.create_object_store(REJECTED)
                        .with_key_path(KeyPath::from("id"))
                        .build()?;
                    db.create_object_store(META)
                        .with_key_path(KeyPath::from("key"))
                        .build()?;
                }
                if old < 3 {
                    db.create_object_store(REVIEW)
                        .with_key_path(KeyPath::from("key"))
                        .build()?;
                }
                if old < 4 {
                    db.create_object_store(SELFASSESS)
                        .with_key_path(KeyPath::from("id"))
                        .build()?;
                }
                if old < 5 {
                    // The review cache was kept in clear: drop it (the LRS has the originals;
                    // its mark goes with it at the next trainer sign-in, see `trainer`).
                    if old >= 3 {
                        db.delete_object_store(REVIEW)?;
                        db.create_object_store(REVIEW)
                            .with_key_path(KeyPath::from("key"))
                            .build()?;
                    }
                    db.create_object_store(KEYS)
                        .with_key_path(KeyPath::from("id"))
                        .build()?;
                }
                Ok(())
            })
            .await
            .map_err(map_open_err)?;
        Ok(IdbStore {
            db: std::rc::Rc::new(db),
        })
    }

    /// A strict read-write transaction over `stores`, and over the outbox and the statement
    /// log too when there are `statements` to queue (see [`queue`]); with the raw transaction,
    /// kept to read the real reason when the commit aborts (e.g. QuotaExceededError).
    fn write_queuing(
        &self,
        mut stores: Vec<&'static str>,
        statements: &[Queued],
    ) -> Result<(Transaction<'_>, web_sys::IdbTransaction), AppError> {
        if !statements.is_empty() {
            stores.extend([OUTBOX, STATEMENTS]);
        }
        let tx = self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        let raw: web_sys::IdbTransaction = tx.as_sys().clone().into();
        Ok((tx, raw))
    }

    pub async fn record(
        &self,
        events: &[AttemptEvent],
        summary: &AttemptSummary,
        content: Option<(&str, &str)>,
        statements: &[Queued],
    ) -> Result<(), AppError> {
        let mut stores = vec![EVENTS, ATTEMPTS];
        if content.is_some() {
            stores.push(CONTENT);
        }
        let (tx, raw) = self.write_queuing(stores, statements)?;
        {
            let store = tx.object_store(EVENTS).map_err(map_err)?;
            for event in events {
                // `add`, not `put`: the log is append-only; a second write of the same
                // (attempt, seq) fails the whole transaction instead of overwriting.
                store
                    .add(to_js_text(&encode_event_json(event))?)
                    .primitive()
                    .map_err(map_err)?;
            }
            let attempts = tx.object_store(ATTEMPTS).map_err(map_err)?;
            attempts
                .put(to_js_text(&encode_summary_json(summary))?)
                .primitive()
                .map_err(map_err)?;
            if let Some((key, json)) = content {
                let store = tx.object_store(CONTENT).map_err(map_err)?;
                let record = serde_json::json!({ "key": key, "json": json });
                store.put(to_js(&record)?).primitive().map_err(map_err)?;
            }
            queue(&tx, statements)?;
        }
        commit(tx, raw).await
    }

    /// Stores a self-rating or an evaluation and queues its statements in one transaction:
    /// the record and its statements are durable together or not at all.
    pub async fn put_self_record(
        &self,
        value: &serde_json::Value,
        statements: &[Queued],
    ) -> Result<(), AppError> {
        let (tx, raw) = self.write_queuing(vec![SELFASSESS], statements)?;
        {
            // `add`: a record id is a fresh UUID; a clash aborts instead of overwriting.
            tx.object_store(SELFASSESS)
                .map_err(map_err)?
                .add(to_js(value)?)
                .primitive()
                .map_err(map_err)?;
            queue(&tx, statements)?;
        }
        commit(tx, raw).await
    }

    /// Puts a meta value and queues statements in one transaction.
    pub async fn queue_with_meta(
        &self,
        key: &str,
        value: &serde_json::Value,
        statements: &[Queued],
    ) -> Result<(), AppError> {
        let (tx, raw) = self.write_queuing(vec![META], statements)?;
        {
            tx.object_store(META)
                .map_err(map_err)?
                .put(to_js(&serde_json::json!({ "key": key, "value": value }))?)
                .primitive()
                .map_err(map_err)?;
            queue(&tx, statements)?;
        }
        commit(tx, raw).await
    }

    /// Every self-assessment record as stored (decoded by the caller, damaged ones counted).
    pub async fn self_record_values(&self) -> Result<Vec<serde_json::Value>, AppError> {
        let values = self.raw_all(SELFASSESS, None).await?;
        Ok(values
            .iter()
            .map(|v| from_js(v).unwrap_or(serde_json::Value::Null))
            .collect())
    }

    /// The record `key` of a store as stored, if there is one.
    async fn raw_get(&self, store: &str, key: &str) -> Result<Option<JsValue>, AppError> {
        let tx = self.db.transaction(store).build().map_err(map_err)?;
        tx.object_store(store)
            .map_err(map_err)?
            .get::<JsValue, String, _>(key.to_owned())
            .primitive()
            .map_err(map_err)?
            .await
            .map_err(map_err)
    }

    /// Every record of a store as stored, in key order, or in the order of `index`.
    async fn raw_all(&self, store: &str, index: Option<&str>) -> Result<Vec<JsValue>, AppError> {
        let tx = self.db.transaction(store).build().map_err(map_err)?;
        let store = tx.object_store(store).map_err(map_err)?;
        let values = match index {
            Some(name) => store
                .index(name)
                .map_err(map_err)?
                .get_all::<JsValue>()
                .primitive()
                .map_err(map_err)?
                .await
                .map_err(map_err)?,
            None => store
                .get_all::<JsValue>()
                .primitive()
                .map_err(map_err)?
                .await
                .map_err(map_err)?,
        };
        values.collect::<Result<Vec<_>, _>>().map_err(map_err)
    }

    /// The summaries of `account`'s attempts (records that cannot be read are counted: whose
    /// they are cannot be told).
    pub async fn summaries(&self, account: &str) -> Result<Summaries, AppError> {
        let values = self.raw_all(ATTEMPTS, None).await?;
        let mut out = Summaries::default();
        for v in values {
            match text_of(&v)
                .and_then(|j| decode_summary_json(&j).map_err(|e| AppError::Damaged(e.to_string())))
            {
                Ok(s) if s.learner_id == account => out.summaries.push(s),
                Ok(_) => {}
                Err(_) => out.damaged += 1,
            }
        }
        Ok(out)
    }

    pub async fn events(&self, attempt_id: &str) -> Result<Vec<AttemptEvent>, AppError> {
        let tx = self.db.transaction(EVENTS).build().map_err(map_err)?;
        let store = tx.object_store(EVENTS).map_err(map_err)?;
        let index = store.index(BY_ATTEMPT).map_err(map_err)?;
        let values: Vec<JsValue> = index
            .get_all::<JsValue>()
            .with_query::<String, _>(attempt_id.to_owned())
            .primitive()
            .map_err(map_err)?
            .await
            .map_err(map_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)?;
        let mut events = Vec::with_capacity(values.len());
        for v in values {
            let json = text_of(&v)?;
            events.push(decode_event_json(&json).map_err(|e| AppError::Damaged(e.to_string()))?);
        }
        boiduong_core::order::sort_by_key(&mut events, |e| i64::from(e.seq));
        Ok(events)
    }

    async fn all_of<T: serde::de::DeserializeOwned>(
        &self,
        store: &str,
        by_order: bool,
    ) -> Result<Vec<T>, AppError> {
        let values = self.raw_all(store, by_order.then_some(BY_ORDER)).await?;
        values
            .iter()
            .map(|v| {
                text_of(v).and_then(|j| {
                    serde_json::from_str(&j).map_err(|e| AppError::Damaged(e.to_string()))
                })
            })
            .collect()
    }

    /// `account`'s outbox, oldest first.
    pub async fn outbox(&self, account: &str) -> Result<Vec<Queued>, AppError> {
        let mut all: Vec<Queued> = self.all_of(OUTBOX, true).await?;
        all.retain(|q| q.account == account);
        Ok(all)
    }

    /// Every statement produced on this device for `account`, oldest first.
    pub async fn statements(&self, account: &str) -> Result<Vec<Queued>, AppError> {
        let mut all: Vec<Queued> = self.all_of(STATEMENTS, true).await?;
        all.retain(|q| q.account == account);
        Ok(all)
    }

    pub async fn rejected(&self, account: &str) -> Result<Vec<RejectedStatement>, AppError> {
        let mut all: Vec<RejectedStatement> = self.all_of(REJECTED, false).await?;
        all.retain(|r| r.account == account);
        Ok(all)
    }

    /// Applies what the LRS answered, in one transaction: acknowledged statements leave the
    /// outbox; rejected ones move to the rejected store with the LRS's reason.
    pub async fn settle(
        &self,
        account: &str,
        acked: &[String],
        rejected: &[RejectedStatement],
        synced_at_ms: Option<i64>,
    ) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction([OUTBOX, REJECTED, META])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        {
            let outbox = tx.object_store(OUTBOX).map_err(map_err)?;
            for id in acked {
                outbox.delete(id.clone()).primitive().map_err(map_err)?;
            }
            let store = tx.object_store(REJECTED).map_err(map_err)?;
            for r in rejected {
                outbox.delete(r.id.clone()).primitive().map_err(map_err)?;
                let value = record_to_js(r)?;
                store.put(value).primitive().map_err(map_err)?;
            }
            if let Some(t) = synced_at_ms {
                tx.object_store(META)
                    .map_err(map_err)?
                    .put(to_js(
                        &serde_json::json!({ "key": super::last_sync_key(account), "value": t }),
                    )?)
                    .primitive()
                    .map_err(map_err)?;
            }
        }
        tx.commit().await.map_err(map_err)
    }

    /// Moves `account`'s rejected statements back to the outbox as first queued (from the
    /// learner's copy in `statements`), in one transaction: all of them or none. Another
    /// account's ids are left where they are.
    pub async fn requeue_rejected(&self, account: &str, ids: &[String]) -> Result<usize, AppError> {
        let tx = self
            .db
            .transaction([OUTBOX, STATEMENTS, REJECTED])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        let raw: web_sys::IdbTransaction = tx.as_sys().clone().into();
        let mut moved = 0;
        {
            let outbox = tx.object_store(OUTBOX).map_err(map_err)?;
            let ledger = tx.object_store(STATEMENTS).map_err(map_err)?;
            let rejected = tx.object_store(REJECTED).map_err(map_err)?;
            for id in ids {
                let found: Option<JsValue> = rejected
                    .get::<JsValue, String, _>(id.clone())
                    .primitive()
                    .map_err(map_err)?
                    .await
                    .map_err(map_err)?;
                let Some(found) = found else {
                    continue;
                };
                let r: RejectedStatement = serde_json::from_value(from_js(&found)?)
                    .map_err(|e| AppError::Damaged(e.to_string()))?;
                if r.account != account {
                    continue;
                }
                let copy: Option<JsValue> = ledger
                    .get::<JsValue, String, _>(id.clone())
                    .primitive()
                    .map_err(map_err)?
                    .await
                    .map_err(map_err)?;
                let queued = match copy {
                    Some(v) => v,
                    None => to_js(
                        &serde_json::to_value(super::requeued(&r))
                            .map_err(|e| AppError::Storage(e.to_string()))?,
                    )?,
                };
                outbox.put(queued).primitive().map_err(map_err)?;
                rejected.delete(id.clone()).primitive().map_err(map_err)?;
                moved += 1;
            }
        }
        commit(tx, raw).await?;
        Ok(moved)
    }

    /// Number of `account`'s statements waiting.
    pub async fn outbox_count(&self, account: &str) -> Result<usize, AppError> {
        Ok(self.outbox(account).await?.len())
    }

    pub async fn meta(&self, key: &str) -> Result<Option<serde_json::Value>, AppError> {
        let value = self.raw_get(META, key).await?;
        match value {
            None => Ok(None),
            Some(v) => Ok(from_js(&v)?.get("value").cloned()),
        }
    }

    pub async fn delete_meta(&self, key: &str) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        tx.object_store(META)
            .map_err(map_err)?
            .delete(key)
            .primitive()
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    pub async fn set_meta(&self, key: &str, value: &serde_json::Value) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        tx.object_store(META)
            .map_err(map_err)?
            .put(to_js(&serde_json::json!({ "key": key, "value": value }))?)
            .primitive()
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    /// Every record of the exportable stores, as JSON values, store by store (the caller
    /// keeps one account's).
    pub async fn export_all(&self) -> Result<serde_json::Map<String, serde_json::Value>, AppError> {
        let mut out = serde_json::Map::new();
        for name in EXPORTED {
            let values = self.raw_all(name, None).await?;
            let list = values.iter().map(from_js).collect::<Result<Vec<_>, _>>()?;
            out.insert(name.to_owned(), serde_json::Value::Array(list));
        }
        Ok(out)
    }

    /// Deletes `account`'s records and settings (see [`super::Storage::clear_account`]).
    pub async fn clear_account(&self, account: &str) -> Result<(), AppError> {
        use std::collections::HashSet;
        let mut gone: HashSet<String> = HashSet::new();
        let mut needed: HashSet<String> = HashSet::new();
        let mut others = false;
        for v in self.raw_all(ATTEMPTS, None).await? {
            match text_of(&v).ok().and_then(|j| decode_summary_json(&j).ok()) {
                Some(s) if s.learner_id == account => {
                    gone.insert(s.id);
                }
                Some(s) => {
                    needed.insert(super::content_key(s.kind, &s.content_id, &s.version));
                    others = true;
                }
                None => others = true,
            }
        }
        let event_keys: Vec<JsValue> = self
            .raw_keys(EVENTS)
            .await?
            .into_iter()
            .filter(|k| {
                js_sys::Reflect::get_u32(k, 0)
                    .ok()
                    .and_then(|a| a.as_string())
                    .is_some_and(|a| gone.contains(&a))
            })
            .collect();
        let content_keys: Vec<JsValue> = self
            .raw_keys(CONTENT)
            .await?
            .into_iter()
            .filter(|k| !k.as_string().is_some_and(|k| needed.contains(&k)))
            .collect();
        let mut owned: Vec<(&str, JsValue)> = Vec::new();
        for store in OWNED {
            for v in self.raw_all(store, None).await? {
                let json = from_js(&v).unwrap_or(serde_json::Value::Null);
                let mine = json.get("account").and_then(|a| a.as_str()) == Some(account);
                match json.get("id").and_then(|i| i.as_str()) {
                    Some(id) if mine => owned.push((store, JsValue::from_str(id))),
                    _ => others = true,
                }
            }
        }
        let identity_is_mine = self
            .meta(super::IDENTITY_KEY)
            .await?
            .is_some_and(|i| i.get("account").and_then(|a| a.as_str()) == Some(account));
        let mut meta = super::account_meta_keys(account);
        meta.extend([
            super::REVIEW_MARK.to_owned(),
            super::REVIEW_OWNER.to_owned(),
        ]);
        if identity_is_mine {
            meta.push(super::IDENTITY_KEY.to_owned());
        }
        if !others {
            // Nothing of anyone left: the device is as new (the owners step has nothing to do).
            meta.push(super::owners::DONE_KEY.to_owned());
        }
        let tx = self
            .db
            .transaction(ALL_STORES)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        {
            let attempts = tx.object_store(ATTEMPTS).map_err(map_err)?;
            for id in &gone {
                attempts.delete(id.as_str()).primitive().map_err(map_err)?;
            }
            let events = tx.object_store(EVENTS).map_err(map_err)?;
            for key in event_keys {
                events.delete(key).primitive().map_err(map_err)?;
            }
            let content = tx.object_store(CONTENT).map_err(map_err)?;
            for key in content_keys {
                content.delete(key).primitive().map_err(map_err)?;
            }
            for (store, key) in owned {
                tx.object_store(store)
                    .map_err(map_err)?
                    .delete(key)
                    .primitive()
                    .map_err(map_err)?;
            }
            let store = tx.object_store(META).map_err(map_err)?;
            for key in &meta {
                store.delete(key.as_str()).primitive().map_err(map_err)?;
            }
            for name in [REVIEW, KEYS] {
                tx.object_store(name)
                    .map_err(map_err)?
                    .clear()
                    .map_err(map_err)?;
            }
        }
        tx.commit().await.map_err(map_err)
    }

    /// Every key of a store, as stored.
    async fn raw_keys(&self, store: &str) -> Result<Vec<JsValue>, AppError> {
        let tx = self.db.transaction(store).build().map_err(map_err)?;
        let os = tx.object_store(store).map_err(map_err)?;
        os.get_all_keys::<JsValue>()
            .primitive()
            .map_err(map_err)?
            .await
            .map_err(map_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)
    }

    /// Gives every owned record that has no `account` yet the owner [`super::owners`] finds
    /// (records from before schema 5), and moves the device's profile and consent to their
    /// owner when there is exactly one. Runs once after the upgrade; a no-op afterwards.
    pub async fn assign_owners(&self) -> Result<(), AppError> {
        if self.meta(super::owners::DONE_KEY).await?.is_some() {
            return Ok(());
        }
        let mut found = super::owners::Found::default();
        for name in [ATTEMPTS, OUTBOX, STATEMENTS, REJECTED, SELFASSESS] {
            let values = self.raw_all(name, None).await?;
            let list: Vec<serde_json::Value> = values
                .iter()
                .map(|v| from_js(v).unwrap_or(serde_json::Value::Null))
                .collect();
            found.stores.insert(name, list);
        }
        found.identity = self
            .meta("identity")
            .await?
            .and_then(|v| v.get("account")?.as_str().map(str::to_owned));
        for key in super::owners::DEVICE_KEYS {
            if let Some(v) = self.meta(key).await? {
                found.device_meta.push((key, v));
            }
        }
        let plan = super::owners::assign(&found);
        // A mark without a sealed cache (schema 5 dropped the clear one) would make the next
        // refresh skip what it no longer holds.
        let stale_mark = self.meta(super::REVIEW_OWNER).await?.is_none()
            && self.meta(super::REVIEW_MARK).await?.is_some();
        if plan.is_empty() && found.is_empty() && !stale_mark {
            return Ok(());
        }
        let tx = self
            .db
            .transaction([OUTBOX, STATEMENTS, REJECTED, SELFASSESS, META])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        for (store, value) in &plan.records {
            debug_assert!(OWNED.contains(store));
            tx.object_store(store)
                .map_err(map_err)?
                .put(to_js(value)?)
                .primitive()
                .map_err(map_err)?;
        }
        let meta = tx.object_store(META).map_err(map_err)?;
        for (from, to, value) in &plan.meta_moves {
            meta.put(to_js(&serde_json::json!({ "key": to, "value": value }))?)
                .primitive()
                .map_err(map_err)?;
            meta.delete(*from).primitive().map_err(map_err)?;
        }
        if stale_mark {
            meta.delete(super::REVIEW_MARK)
                .primitive()
                .map_err(map_err)?;
        }
        meta.put(to_js(
            &serde_json::json!({ "key": super::owners::DONE_KEY, "value": 5 }),
        )?)
        .primitive()
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    /// Stores a WebCrypto key under `id` (as is: the browser keeps it unexportable).
    pub async fn put_key(&self, id: &str, key: &web_sys::CryptoKey) -> Result<(), AppError> {
        let record = crate::crypto::object(&[
            ("id", JsValue::from_str(id)),
            ("key", crate::crypto::key_value(key)),
        ])?;
        let tx = self
            .db
            .transaction(KEYS)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        tx.object_store(KEYS)
            .map_err(map_err)?
            .put(JsValue::from(record))
            .primitive()
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    pub async fn key(&self, id: &str) -> Result<Option<web_sys::CryptoKey>, AppError> {
        let value = self.raw_get(KEYS, id).await?;
        Ok(value
            .and_then(|v| js_sys::Reflect::get(&v, &JsValue::from_str("key")).ok())
            .and_then(crate::crypto::key_from))
    }

    pub async fn delete_key(&self, id: &str) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction(KEYS)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        tx.object_store(KEYS)
            .map_err(map_err)?
            .delete(id)
            .primitive()
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    /// Adds the records whose keys are not on this device yet; never overwrites.
    pub async fn import_new(
        &self,
        store: &str,
        records: &[(String, serde_json::Value)],
    ) -> Result<usize, AppError> {
        let existing: std::collections::HashSet<String> = {
            let tx = self.db.transaction(store).build().map_err(map_err)?;
            let os = tx.object_store(store).map_err(map_err)?;
            let keys: Vec<JsValue> = os
                .get_all_keys::<JsValue>()
                .primitive()
                .map_err(map_err)?
                .await
                .map_err(map_err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(map_err)?;
            keys.iter()
                .filter_map(|k| js_sys::JSON::stringify(k).ok().and_then(|s| s.as_string()))
                .collect()
        };
        let fresh: Vec<&serde_json::Value> = records
            .iter()
            .filter(|(key, _)| !existing.contains(key))
            .map(|(_, v)| v)
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        let tx = self
            .db
            .transaction(store)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        {
            let os = tx.object_store(store).map_err(map_err)?;
            for value in &fresh {
                os.add(to_js(value)?).primitive().map_err(map_err)?;
            }
        }
        tx.commit().await.map_err(map_err)?;
        Ok(fresh.len())
    }

    /// Deletes every local record (sign-out, after sync or the learner's confirmation).
    pub async fn clear_all(&self) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction(ALL_STORES)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        for name in ALL_STORES {
            tx.object_store(name)
                .map_err(map_err)?
                .clear()
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    /// Adds one sealed page of the review cache and the new high-water mark, in one
    /// transaction.
    pub async fn review_put(
        &self,
        key: &str,
        page: &Sealed,
        mark: &serde_json::Value,
    ) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction([REVIEW, META])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        tx.object_store(REVIEW)
            .map_err(map_err)?
            .put(sealed_record(key, page)?)
            .primitive()
            .map_err(map_err)?;
        tx.object_store(META)
            .map_err(map_err)?
            .put(to_js(
                &serde_json::json!({ "key": super::REVIEW_MARK, "value": mark }),
            )?)
            .primitive()
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    /// Every sealed page of the review cache, in key order, and how many records are not
    /// sealed pages (kept out).
    pub async fn review_pages(&self) -> Result<(Vec<Sealed>, usize), AppError> {
        self.review_pages_of("").await
    }

    /// The sealed pages whose key starts with `prefix` (one class's), in key order, and how
    /// many of those records are not sealed pages.
    pub async fn review_pages_of(&self, prefix: &str) -> Result<(Vec<Sealed>, usize), AppError> {
        let mut values = self.raw_all(REVIEW, None).await?;
        if !prefix.is_empty() {
            values.retain(|v| {
                js_sys::Reflect::get(v, &JsValue::from_str("key"))
                    .ok()
                    .and_then(|k| k.as_string())
                    .is_some_and(|k| k.starts_with(prefix))
            });
        }
        let mut pages = Vec::with_capacity(values.len());
        let mut other = 0;
        for v in &values {
            match sealed_of(v) {
                Some(page) => pages.push(page),
                None => other += 1,
            }
        }
        Ok((pages, other))
    }

    /// The sealed record `key` of the review cache, if it is one.
    pub async fn review_record(&self, key: &str) -> Result<Option<Sealed>, AppError> {
        let value = self.raw_get(REVIEW, key).await?;
        Ok(value.as_ref().and_then(sealed_of))
    }

    /// Writes the sealed record `key` of the review cache, replacing it.
    pub async fn review_put_record(&self, key: &str, record: &Sealed) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction(REVIEW)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        tx.object_store(REVIEW)
            .map_err(map_err)?
            .put(sealed_record(key, record)?)
            .primitive()
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    /// Empties the review cache (a full reload from the LRS follows).
    pub async fn review_clear(&self) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction([REVIEW, META])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        tx.object_store(REVIEW)
            .map_err(map_err)?
            .clear()
            .map_err(map_err)?;
        let meta = tx.object_store(META).map_err(map_err)?;
        meta.delete(super::REVIEW_MARK)
            .primitive()
            .map_err(map_err)?;
        meta.delete(super::REVIEW_OWNER)
            .primitive()
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    pub async fn content(&self, key: &str) -> Result<Option<String>, AppError> {
        let value = self.raw_get(CONTENT, key).await?;
        match value {
            None => Ok(None),
            Some(v) => {
                let json = from_js(&v)?;
                Ok(json.get("json").and_then(|j| j.as_str()).map(str::to_owned))
            }
        }
    }
}

/// A sealed record of the review cache as stored: `{key, iv, data}`.
fn sealed_record(key: &str, sealed: &Sealed) -> Result<JsValue, AppError> {
    let record = crate::crypto::object(&[
        ("key", JsValue::from_str(key)),
        ("iv", js_sys::Uint8Array::from(sealed.iv.as_slice()).into()),
        (
            "data",
            js_sys::Uint8Array::from(sealed.data.as_slice()).into(),
        ),
    ])?;
    Ok(JsValue::from(record))
}

/// The sealed record a stored value holds, if it is one (its `iv` and `data` bytes).
fn sealed_of(value: &JsValue) -> Option<Sealed> {
    let bytes = |k: &str| {
        js_sys::Reflect::get(value, &JsValue::from_str(k))
            .ok()?
            .dyn_into::<js_sys::Uint8Array>()
            .ok()
            .map(|a| a.to_vec())
    };
    Some(Sealed {
        iv: bytes("iv")?,
        data: bytes("data")?,
    })
}
