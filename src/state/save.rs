//! The one write path of the forms: a form hands the state's intent method (e.g.
//! `SelfAssessment::save_rating`) to a [`Save`], which runs it as a Leptos local `Action` and
//! tells the form what it shows: busy while the write is in flight, saved once it is
//! durable, the error when it failed (the form keeps its answers, so the learner can try
//! again). A second submit while one is in flight is ignored, so a double click saves once.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

use crate::error::AppError;

/// A write to run: an intent method's future.
type Write = Pin<Box<dyn Future<Output = Result<(), AppError>>>>;

/// A form's save. One type for every form (the write is a future, not a generic), so the
/// app holds one copy of the action's code.
#[derive(Clone, Copy)]
pub struct Save {
    action: Action<(), Result<(), AppError>>,
    /// The write the next dispatch runs.
    next: StoredValue<Option<Write>, LocalStorage>,
}

impl Default for Save {
    fn default() -> Self {
        Self::new()
    }
}

impl Save {
    /// A save with nothing written yet.
    pub fn new() -> Self {
        let next: StoredValue<Option<Write>, LocalStorage> = StoredValue::new_local(None);
        let action = Action::new_local(move |_: &()| {
            let write = next.try_update_value(Option::take).flatten();
            async move {
                match write {
                    Some(write) => write.await,
                    None => Ok(()),
                }
            }
        });
        Self { action, next }
    }

    /// Starts `write` (an intent method's future, e.g. `state.save_profile(profile)`), unless
    /// a write is in flight: then `write` is dropped, never run.
    pub fn dispatch(self, write: impl Future<Output = Result<(), AppError>> + 'static) {
        if self.action.pending().get_untracked() {
            return;
        }
        self.next.set_value(Some(Box::pin(write)));
        self.action.dispatch_local(());
    }

    /// A write is in flight (reactive).
    pub fn busy(self) -> bool {
        self.action.pending().get()
    }

    /// Like [`Save::busy`], outside a reactive context (an event handler).
    pub fn busy_untracked(self) -> bool {
        self.action.pending().get_untracked()
    }

    /// The last write succeeded and none is in flight (reactive).
    pub fn saved(self) -> bool {
        !self.busy() && matches!(*self.action.value().read(), Some(Ok(())))
    }

    /// Like [`Save::saved`], outside a reactive context.
    pub fn saved_untracked(self) -> bool {
        !self.busy_untracked() && matches!(*self.action.value().read_untracked(), Some(Ok(())))
    }

    /// The form changed since the last write: it no longer shows "saved" (an error stays
    /// until the next write).
    pub fn edited(self) {
        if matches!(*self.action.value().read_untracked(), Some(Ok(()))) {
            self.action.clear();
        }
    }

    /// Why the last write failed (reactive); `None` once a write succeeded.
    pub fn error(self) -> Option<AppError> {
        match &*self.action.value().read() {
            Some(Err(e)) => Some(e.clone()),
            _ => None,
        }
    }
}
