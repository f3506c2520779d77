//! In-memory fallback when IndexedDB is unavailable: same behaviour, lost on close.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use boiduong_core::attempt::{AttemptEvent, AttemptSummary};

use super::Summaries;
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
}

impl MemoryStore {
    pub fn record(
        &self,
        events: &[AttemptEvent],
        summary: &AttemptSummary,
        content: Option<(&str, &str)>,
    ) -> Result<(), AppError> {
        let mut inner = self.inner.borrow_mut();
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

    pub fn content(&self, key: &str) -> Option<String> {
        self.inner.borrow().content.get(key).cloned()
    }
}
