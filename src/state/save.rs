//! The one write path of the forms: a form hands its record to a [`Save`], which runs the
//! state's intent method (e.g. `SelfAssessment::save_rating`) as a Leptos local `Action` and
//! tells the form what it shows: busy while the write is in flight, saved once it is
//! durable, the error when it failed (the form keeps its answers, so the learner can try
//! again). A second submit while one is in flight is ignored, so a double click saves once.

use std::future::Future;

use leptos::prelude::*;

use crate::error::AppError;

/// A form's save of records of type `I`.
pub struct Save<I: 'static> {
    action: Action<I, Result<(), AppError>>,
}

impl<I: 'static> Clone for Save<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for Save<I> {}

impl<I: Clone + 'static> Save<I> {
    /// A save that writes with `write` (an intent method of the state).
    pub fn new<F, Fu>(write: F) -> Self
    where
        F: Fn(I) -> Fu + 'static,
        Fu: Future<Output = Result<(), AppError>> + 'static,
    {
        Self {
            action: Action::new_local(move |input: &I| write(input.clone())),
        }
    }

    /// Starts writing `input`, unless a write is in flight.
    pub fn dispatch(self, input: I) {
        if self.action.pending().get_untracked() {
            return;
        }
        self.action.dispatch_local(input);
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
