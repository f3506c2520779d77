//! In-memory fallback when IndexedDB is unavailable: same behaviour, lost on close.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use boiduong_core::attempt::{AttemptEvent, AttemptSummary};
use boiduong_core::record::{from_value, to_value};

use super::{Queued, RejectedStatement, Summaries};
use crate::crypto::Sealed;
use crate::error::AppError;

#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    events: BTreeMap<(String, u32), AttemptEvent>,
    attempts: BTreeMap<String, AttemptSummary>,
    content: BTreeMap<String, String>,
    outbox: Vec<Queued>,
    statements: Vec<Queued>,
    rejected: BTreeMap<String, RejectedStatement>,
    meta: BTreeMap<String, serde_json::Value>,
    review: BTreeMap<String, Sealed>,
    selfassess: BTreeMap<String, serde_json::Value>,
    keys: BTreeMap<String, web_sys::CryptoKey>,
}

impl MemoryStore {
    pub fn record(
        &self,
        events: &[AttemptEvent],
        summary: &AttemptSummary,
        content: Option<(&str, &str)>,
        statements: &[Queued],
    ) -> Result<(), AppError> {
        let mut inner = self.inner.borrow_mut();
        inner.outbox.extend(statements.iter().cloned());
        inner.statements.extend(statements.iter().cloned());
        for e in events {
            inner
                .events
                .insert((e.attempt_id.clone(), e.seq), e.clone());
        }
        inner.attempts.insert(summary.id.clone(), summary.clone());
        if let Some((key, json)) = content {
            inner.content.insert(key.to_owned(), json.to_owned());
        }
        Ok(())
    }

    pub fn summaries(&self, account: &str) -> Summaries {
        Summaries {
            summaries: self
                .inner
                .borrow()
                .attempts
                .values()
                .filter(|s| s.learner_id == account)
                .cloned()
                .collect(),
            damaged: 0,
        }
    }

    pub fn events(&self, attempt_id: &str) -> Vec<AttemptEvent> {
        self.inner
            .borrow()
            .events
            .values()
            .filter(|e| e.attempt_id == attempt_id)
            .cloned()
            .collect()
    }

    pub fn outbox(&self, account: &str) -> Vec<Queued> {
        let mut list: Vec<Queued> = self
            .inner
            .borrow()
            .outbox
            .iter()
            .filter(|q| q.account == account)
            .cloned()
            .collect();
        // orders are whole numbers (ms * 1000 + index)
        boiduong_core::order::sort_by_key(&mut list, |q| q.order as i64);
        list
    }

    pub fn statements(&self, account: &str) -> Vec<Queued> {
        let mut list: Vec<Queued> = self
            .inner
            .borrow()
            .statements
            .iter()
            .filter(|q| q.account == account)
            .cloned()
            .collect();
        boiduong_core::order::sort_by_key(&mut list, |q| q.order as i64);
        list
    }

    pub fn rejected(&self, account: &str) -> Vec<RejectedStatement> {
        self.inner
            .borrow()
            .rejected
            .values()
            .filter(|r| r.account == account)
            .cloned()
            .collect()
    }

    pub fn settle(&self, acked: &[String], rejected: &[RejectedStatement]) {
        let mut inner = self.inner.borrow_mut();
        inner
            .outbox
            .retain(|q| !acked.contains(&q.id) && !rejected.iter().any(|r| r.id == q.id));
        for r in rejected {
            inner.rejected.insert(r.id.clone(), r.clone());
        }
    }

    pub fn requeue_rejected(&self, account: &str, ids: &[String]) -> usize {
        let mut inner = self.inner.borrow_mut();
        let mut moved = 0;
        for id in ids {
            if inner.rejected.get(id).is_none_or(|r| r.account != account) {
                continue;
            }
            let Some(r) = inner.rejected.remove(id) else {
                continue;
            };
            let queued = inner
                .statements
                .iter()
                .find(|q| &q.id == id)
                .cloned()
                .unwrap_or_else(|| super::requeued(&r));
            if !inner.outbox.iter().any(|q| &q.id == id) {
                inner.outbox.push(queued);
            }
            moved += 1;
        }
        inner.outbox.sort_by(|a, b| {
            a.order
                .partial_cmp(&b.order)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        moved
    }

    pub fn meta(&self, key: &str) -> Option<serde_json::Value> {
        self.inner.borrow().meta.get(key).cloned()
    }

    pub fn delete_meta(&self, key: &str) {
        self.inner.borrow_mut().meta.remove(key);
    }

    pub fn put_key(&self, id: &str, key: &web_sys::CryptoKey) {
        self.inner
            .borrow_mut()
            .keys
            .insert(id.to_owned(), key.clone());
    }

    pub fn key(&self, id: &str) -> Option<web_sys::CryptoKey> {
        self.inner.borrow().keys.get(id).cloned()
    }

    pub fn delete_key(&self, id: &str) {
        self.inner.borrow_mut().keys.remove(id);
    }

    pub fn set_meta(&self, key: &str, value: &serde_json::Value) {
        self.inner
            .borrow_mut()
            .meta
            .insert(key.to_owned(), value.clone());
    }

    pub fn review_put(&self, key: &str, page: &Sealed, mark: &serde_json::Value) {
        let mut inner = self.inner.borrow_mut();
        inner.review.insert(key.to_owned(), page.clone());
        inner
            .meta
            .insert(super::REVIEW_MARK.to_owned(), mark.clone());
    }

    pub fn review_pages(&self) -> Vec<Sealed> {
        self.inner.borrow().review.values().cloned().collect()
    }

    pub fn review_pages_of(&self, prefix: &str) -> Vec<Sealed> {
        self.inner
            .borrow()
            .review
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn review_record(&self, key: &str) -> Option<Sealed> {
        self.inner.borrow().review.get(key).cloned()
    }

    pub fn review_put_record(&self, key: &str, record: &Sealed) {
        self.inner
            .borrow_mut()
            .review
            .insert(key.to_owned(), record.clone());
    }

    pub fn review_clear(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.review.clear();
        inner.meta.remove(super::REVIEW_MARK);
        inner.meta.remove(super::REVIEW_OWNER);
    }

    pub fn put_self_record(&self, id: &str, value: &serde_json::Value, statements: &[Queued]) {
        let mut inner = self.inner.borrow_mut();
        inner.selfassess.insert(id.to_owned(), value.clone());
        inner.outbox.extend(statements.iter().cloned());
        inner.statements.extend(statements.iter().cloned());
    }

    pub fn queue_with_meta(&self, key: &str, value: &serde_json::Value, statements: &[Queued]) {
        let mut inner = self.inner.borrow_mut();
        inner.meta.insert(key.to_owned(), value.clone());
        inner.outbox.extend(statements.iter().cloned());
        inner.statements.extend(statements.iter().cloned());
    }

    pub fn self_record_values(&self) -> Vec<serde_json::Value> {
        self.inner.borrow().selfassess.values().cloned().collect()
    }

    pub fn clear_all(&self) {
        *self.inner.borrow_mut() = Inner::default();
    }

    pub fn clear_account(&self, account: &str) {
        let mut inner = self.inner.borrow_mut();
        let gone: std::collections::HashSet<String> = inner
            .attempts
            .values()
            .filter(|s| s.learner_id == account)
            .map(|s| s.id.clone())
            .collect();
        inner.attempts.retain(|id, _| !gone.contains(id));
        inner.events.retain(|(id, _), _| !gone.contains(id));
        let needed: std::collections::HashSet<String> = inner
            .attempts
            .values()
            .map(|s| super::content_key(s.kind, &s.content_id, &s.version))
            .collect();
        inner.content.retain(|k, _| needed.contains(k));
        inner.outbox.retain(|q| q.account != account);
        inner.statements.retain(|q| q.account != account);
        inner.rejected.retain(|_, r| r.account != account);
        inner
            .selfassess
            .retain(|_, v| v.get("account").and_then(|a| a.as_str()) != Some(account));
        for key in super::account_meta_keys(account) {
            inner.meta.remove(&key);
        }
        inner.meta.remove(super::REVIEW_MARK);
        inner.meta.remove(super::REVIEW_OWNER);
        let mine = inner
            .meta
            .get(super::IDENTITY_KEY)
            .is_some_and(|i| i.get("account").and_then(|a| a.as_str()) == Some(account));
        if mine {
            inner.meta.remove(super::IDENTITY_KEY);
        }
        inner.review.clear();
        inner.keys.clear();
    }

    pub fn content(&self, key: &str) -> Option<String> {
        self.inner.borrow().content.get(key).cloned()
    }
}

impl MemoryStore {
    /// The same shape as the IndexedDB export (records in their stored JSON form).
    pub fn export_all(&self) -> serde_json::Map<String, serde_json::Value> {
        use boiduong_core::record::{encode_event, encode_summary};
        let inner = self.inner.borrow();
        let mut out = serde_json::Map::new();
        let to = |v: Vec<serde_json::Value>| serde_json::Value::Array(v);
        out.insert(
            "events".into(),
            to(inner.events.values().map(encode_event).collect()),
        );
        out.insert(
            "attempts".into(),
            to(inner.attempts.values().map(encode_summary).collect()),
        );
        out.insert(
            "content".into(),
            to(inner
                .content
                .iter()
                .map(|(k, j)| serde_json::json!({ "key": k, "json": j }))
                .collect()),
        );
        let ser = |q: &Queued| to_value(q).unwrap_or_default();
        out.insert("outbox".into(), to(inner.outbox.iter().map(ser).collect()));
        out.insert(
            "statements".into(),
            to(inner.statements.iter().map(ser).collect()),
        );
        out.insert(
            "rejected".into(),
            to(inner
                .rejected
                .values()
                .map(|r| to_value(r).unwrap_or_default())
                .collect()),
        );
        out.insert(
            "selfassess".into(),
            to(inner.selfassess.values().cloned().collect()),
        );
        out
    }

    /// Adds records whose key is new; returns how many were added.
    pub fn import_new(&self, store: &str, records: &[(String, serde_json::Value)]) -> usize {
        use boiduong_core::record::{decode_event, decode_summary};
        let mut inner = self.inner.borrow_mut();
        let mut added = 0;
        for (_, value) in records {
            let fresh = match store {
                "events" => decode_event(value.clone()).ok().is_some_and(|e| {
                    let key = (e.attempt_id.clone(), e.seq);
                    !inner.events.contains_key(&key) && inner.events.insert(key, e).is_none()
                }),
                "attempts" => decode_summary(value.clone()).ok().is_some_and(|s| {
                    !inner.attempts.contains_key(&s.id)
                        && inner.attempts.insert(s.id.clone(), s).is_none()
                }),
                "content" => match (
                    value.get("key").and_then(|k| k.as_str()),
                    value.get("json").and_then(|j| j.as_str()),
                ) {
                    (Some(k), Some(j)) if !inner.content.contains_key(k) => {
                        inner.content.insert(k.to_owned(), j.to_owned());
                        true
                    }
                    _ => false,
                },
                "outbox" | "statements" => from_value::<Queued>(value).ok().is_some_and(|q| {
                    let list = if store == "outbox" {
                        &mut inner.outbox
                    } else {
                        &mut inner.statements
                    };
                    if list.iter().any(|x| x.id == q.id) {
                        false
                    } else {
                        list.push(q);
                        true
                    }
                }),
                "selfassess" => match value.get("id").and_then(|i| i.as_str()) {
                    Some(id) if !inner.selfassess.contains_key(id) => {
                        inner.selfassess.insert(id.to_owned(), value.clone());
                        true
                    }
                    _ => false,
                },
                "rejected" => from_value::<RejectedStatement>(value)
                    .ok()
                    .is_some_and(|r| {
                        !inner.rejected.contains_key(&r.id)
                            && inner.rejected.insert(r.id.clone(), r).is_none()
                    }),
                _ => false,
            };
            if fresh {
                added += 1;
            }
        }
        added
    }
}
