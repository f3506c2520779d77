//! IndexedDB adapter (indexed_db_futures).
//!
//! Values are stored as plain JS objects made from the JSON of the record format
//! (`boiduong_core::record`), so the stored layout is exactly the documented, versioned one.
//! Transactions ask for `durability: "strict"`: the commit resolves only once the data is
//! flushed, which is what "durable before the UI moves on" means.

use boiduong_core::attempt::{AttemptEvent, AttemptSummary};
use boiduong_core::record::{decode_event, decode_summary, encode_event, encode_summary};
use indexed_db_futures::database::Database;
use indexed_db_futures::error::{Error as IdbError, OpenDbError};
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use indexed_db_futures::KeyPath;
use wasm_bindgen::JsValue;

use super::Summaries;
use crate::error::AppError;

pub const DB_NAME: &str = "boiduong";
/// Schema version of the database (object stores and indexes), distinct from the record format.
pub const DB_VERSION: u32 = 1;

pub const EVENTS: &str = "events";
pub const ATTEMPTS: &str = "attempts";
pub const CONTENT: &str = "content";
const BY_ATTEMPT: &str = "by_attempt";

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
    js_sys::JSON::parse(&value.to_string())
        .map_err(|_| AppError::Storage("cannot encode record".into()))
}

fn from_js(value: &JsValue) -> Result<serde_json::Value, AppError> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| AppError::Damaged("record is not JSON".into()))?;
    serde_json::from_str(&text).map_err(|e| AppError::Damaged(e.to_string()))
}

fn strict() -> TransactionOptions {
    TransactionOptions::new().with_durability(TransactionDurability::Strict)
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
                Ok(())
            })
            .await
            .map_err(map_open_err)?;
        Ok(IdbStore {
            db: std::rc::Rc::new(db),
        })
    }

    pub async fn record(
        &self,
        events: &[AttemptEvent],
        summary: &AttemptSummary,
        content: Option<(&str, &str)>,
    ) -> Result<(), AppError> {
        let stores: Vec<&str> = if content.is_some() {
            vec![EVENTS, ATTEMPTS, CONTENT]
        } else {
            vec![EVENTS, ATTEMPTS]
        };
        let tx = self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(map_err)?;
        // Kept to read the real reason when the commit aborts (e.g. QuotaExceededError).
        let raw: web_sys::IdbTransaction = tx.as_sys().clone().into();
        {
            let store = tx.object_store(EVENTS).map_err(map_err)?;
            for event in events {
                // `add`, not `put`: the log is append-only; a second write of the same
                // (attempt, seq) fails the whole transaction instead of overwriting.
                store
                    .add(to_js(&encode_event(event))?)
                    .primitive()
                    .map_err(map_err)?;
            }
            let attempts = tx.object_store(ATTEMPTS).map_err(map_err)?;
            attempts
                .put(to_js(&encode_summary(summary))?)
                .primitive()
                .map_err(map_err)?;
            if let Some((key, json)) = content {
                let store = tx.object_store(CONTENT).map_err(map_err)?;
                let record = serde_json::json!({ "key": key, "json": json });
                store.put(to_js(&record)?).primitive().map_err(map_err)?;
            }
        }
        match tx.commit().await {
            Ok(()) => Ok(()),
            Err(e) => Err(raw
                .error()
                .map(|d| map_dom(&d.name(), &d.message()))
                .unwrap_or_else(|| map_err(e))),
        }
    }

    pub async fn summaries(&self) -> Result<Summaries, AppError> {
        let tx = self.db.transaction(ATTEMPTS).build().map_err(map_err)?;
        let store = tx.object_store(ATTEMPTS).map_err(map_err)?;
        let values: Vec<JsValue> = store
            .get_all::<JsValue>()
            .primitive()
            .map_err(map_err)?
            .await
            .map_err(map_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)?;
        let mut out = Summaries::default();
        for v in values {
            match from_js(&v)
                .and_then(|j| decode_summary(j).map_err(|e| AppError::Damaged(e.to_string())))
            {
                Ok(s) => out.summaries.push(s),
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
            let json = from_js(&v)?;
            events.push(decode_event(json).map_err(|e| AppError::Damaged(e.to_string()))?);
        }
        events.sort_by_key(|e| e.seq);
        Ok(events)
    }

    pub async fn content(&self, key: &str) -> Result<Option<String>, AppError> {
        let tx = self.db.transaction(CONTENT).build().map_err(map_err)?;
        let store = tx.object_store(CONTENT).map_err(map_err)?;
        let value: Option<JsValue> = store
            .get::<JsValue, String, _>(key.to_owned())
            .primitive()
            .map_err(map_err)?
            .await
            .map_err(map_err)?;
        match value {
            None => Ok(None),
            Some(v) => {
                let json = from_js(&v)?;
                Ok(json.get("json").and_then(|j| j.as_str()).map(str::to_owned))
            }
        }
    }
}
