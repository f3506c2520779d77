//! The one write path of the forms: a form hands the state's intent method (e.g.
//! `SelfAssessment::save_rating`, `Session::sign_in`) to a [`Save`], which runs it as a
//! Leptos local `Action` and tells the form what it shows: busy while the write is in
//! flight, saved (with what the write returned) once it is durable, the error when it failed
//! (the form keeps its answers, so the learner can try again). A second submit while one is
//! in flight is ignored, so a double click saves once.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

use crate::error::AppError;

/// A write to run, its outcome already kept: an intent method's future, type-erased.
type Write = Pin<Box<dyn Future<Output = ()>>>;

/// A form's save: `T` is what a durable write returns (e.g. how many statements were put
/// back), `E` why it failed (`AppError` unless the intent has its own reasons, as sign-in
/// and import do). The action is one type for every form (the write is a boxed future), so
/// the app holds one copy of its code; only the kept outcome is generic.
pub struct Save<T: 'static = (), E: 'static = AppError> {
    action: Action<(), ()>,
    /// The write the next dispatch runs.
    next: StoredValue<Option<Write>, LocalStorage>,
    /// The last write's outcome; `None` before any, and after an edit of a saved form.
    outcome: RwSignal<Option<Result<T, E>>, LocalStorage>,
}

impl<T, E> Clone for Save<T, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, E> Copy for Save<T, E> {}

impl<T, E> Default for Save<T, E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, E> Save<T, E> {
    /// A save with nothing written yet.
    pub fn new() -> Self {
        let next: StoredValue<Option<Write>, LocalStorage> = StoredValue::new_local(None);
        let action = Action::new_local(move |_: &()| {
            let write = next.try_update_value(Option::take).flatten();
            async move {
                if let Some(write) = write {
                    write.await;
                }
            }
        });
        Self {
            action,
            next,
            outcome: RwSignal::new_local(None),
        }
    }

    /// Starts `write` (an intent method's future, e.g. `state.save_profile(profile)`), unless
    /// a write is in flight: then `write` is dropped, never run.
    pub fn dispatch(self, write: impl Future<Output = Result<T, E>> + 'static) {
        if self.busy_untracked() {
            return;
        }
        let outcome = self.outcome;
        self.next.set_value(Some(Box::pin(async move {
            let result = write.await;
            // The form may be gone by now (a sign-in replaces it): nothing left to tell.
            let _ = outcome.try_set(Some(result));
        })));
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
        !self.busy() && matches!(*self.outcome.read(), Some(Ok(_)))
    }

    /// Like [`Save::saved`], outside a reactive context.
    pub fn saved_untracked(self) -> bool {
        !self.busy_untracked() && matches!(*self.outcome.read_untracked(), Some(Ok(_)))
    }

    /// The form changed since the last write: it no longer shows "saved" (an error stays
    /// until the next write).
    pub fn edited(self) {
        if matches!(*self.outcome.read_untracked(), Some(Ok(_))) {
            self.outcome.set(None);
        }
    }

    /// Forgets the last outcome (the form shows neither "saved" nor an error), e.g. when a
    /// check before the write refused the form.
    pub fn clear(self) {
        self.outcome.set(None);
    }

    /// Why the last write failed (reactive); `None` once a write succeeded.
    pub fn error(self) -> Option<E>
    where
        E: Clone,
    {
        match &*self.outcome.read() {
            Some(Err(e)) => Some(e.clone()),
            _ => None,
        }
    }

    /// What the last write returned, while it stands (reactive): `None` before a write
    /// succeeded, after a failure or an edit.
    pub fn value(self) -> Option<T>
    where
        T: Clone,
    {
        match &*self.outcome.read() {
            Some(Ok(v)) => Some(v.clone()),
            _ => None,
        }
    }
}
