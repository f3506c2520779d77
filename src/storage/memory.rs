//! In-memory fallback when IndexedDB is unavailable: same behaviour, lost on close.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use boiduong_core::attempt::{AttemptEvent, AttemptSummary};

use super::{Queued, RejectedStatement, Summaries};
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

    pub fn summaries(&self) -> Summaries {
        Summaries {
            summaries: self.inner.borrow().attempts.values().cloned().collect(),
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

    pub fn outbox(&self) -> Vec<Queued> {
        self.inner.borrow().outbox.clone()
    }

    pub fn statements(&self) -> Vec<Queued> {
        self.inner.borrow().statements.clone()
    }

    pub fn rejected(&self) -> Vec<RejectedStatement> {
        self.inner.borrow().rejected.values().cloned().collect()
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

    pub fn meta(&self, key: &str) -> Option<serde_json::Value> {
        self.inner.borrow().meta.get(key).cloned()
    }

    pub fn set_meta(&self, key: &str, value: &serde_json::Value) {
        self.inner
            .borrow_mut()
            .meta
            .insert(key.to_owned(), value.clone());
    }

    pub fn clear_all(&self) {
        *self.inner.borrow_mut() = Inner::default();
    }

    pub fn content(&self, key: &str) -> Option<String> {
        self.inner.borrow().content.get(key).cloned()
    }
}
