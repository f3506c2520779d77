//! Browser tier: the app's reactive state in a real Chromium (wasm-bindgen-test): the forms'
//! one write path, `state::save::Save`, and what it keeps of a write (its result, its reason).
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_state
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use boiduong::error::AppError;
use boiduong::state::save::Save;
use futures::channel::oneshot;
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Ends one scripted write with its outcome.
type Finish = oneshot::Sender<Result<(), AppError>>;

/// A save whose writes finish when the test says so, with the outcome the test gives;
/// `calls` counts the writes that ran.
struct Scripted {
    save: Save,
    calls: Rc<Cell<u32>>,
    finish: Rc<RefCell<Vec<Finish>>>,
}

fn scripted() -> Scripted {
    // Mounting (an empty view) starts Leptos's browser executor, which runs the action.
    leptos::mount::mount_to_body(|| ());
    Scripted {
        save: Save::new(),
        calls: Rc::new(Cell::new(0)),
        finish: Rc::new(RefCell::new(Vec::new())),
    }
}

impl Scripted {
    /// Submits the form: hands the save a write that the test ends with [`Scripted::end`].
    fn submit(&self) {
        let (calls, finish) = (self.calls.clone(), self.finish.clone());
        self.save.dispatch(async move {
            calls.set(calls.get() + 1);
            let (tx, rx) = oneshot::channel();
            finish.borrow_mut().push(tx);
            rx.await.unwrap_or(Err(AppError::StorageFull))
        });
    }

    /// Ends the oldest write still running with `outcome`, then lets the action settle.
    async fn end(&self, outcome: Result<(), AppError>) {
        let tx = self.finish.borrow_mut().remove(0);
        let _ = tx.send(outcome);
        settle().await;
    }
}

async fn settle() {
    for _ in 0..5 {
        leptos::task::tick().await;
        boiduong::platform::timer::sleep_ms(1).await;
    }
}

// Guards a double click saving the same record twice, and a form not showing that it waits
// while the write is in flight and that the record is kept once it is.
#[wasm_bindgen_test]
async fn a_save_runs_once_and_reports_busy_then_saved() {
    let owner = Owner::new();
    owner.set();
    let s = scripted();
    assert!(!s.save.busy_untracked() && !s.save.saved_untracked());
    s.submit();
    s.submit();
    settle().await;
    assert_eq!(
        s.calls.get(),
        1,
        "a second submit while one is in flight is ignored"
    );
    assert!(s.save.busy_untracked(), "busy while the write is in flight");
    assert!(
        !s.save.saved_untracked(),
        "not saved before the write is durable"
    );
    s.end(Ok(())).await;
    assert!(!s.save.busy_untracked());
    assert!(s.save.saved_untracked());
    assert_eq!(untrack(|| s.save.error()), None);
}

// Guards a failed save looking saved or losing its reason, and a retry that succeeds still
// showing the old error.
#[wasm_bindgen_test]
async fn a_failed_save_keeps_its_reason_until_a_retry_succeeds() {
    let owner = Owner::new();
    owner.set();
    let s = scripted();
    s.submit();
    settle().await;
    s.end(Err(AppError::StorageFull)).await;
    assert!(!s.save.saved_untracked(), "a failed write is not saved");
    assert_eq!(untrack(|| s.save.error()), Some(AppError::StorageFull));
    s.submit();
    settle().await;
    assert_eq!(s.calls.get(), 2, "a retry after a failure writes again");
    s.end(Ok(())).await;
    assert!(s.save.saved_untracked());
    assert_eq!(untrack(|| s.save.error()), None);
}

// Guards an edited form still saying "saved" for answers that are not saved, and an edit
// hiding why the last save failed.
#[wasm_bindgen_test]
async fn an_edit_clears_saved_but_not_an_error() {
    let owner = Owner::new();
    owner.set();
    let s = scripted();
    s.submit();
    settle().await;
    s.end(Ok(())).await;
    s.save.edited();
    assert!(!s.save.saved_untracked(), "edited since the save");
    s.submit();
    settle().await;
    s.end(Err(AppError::StorageFull)).await;
    s.save.edited();
    assert_eq!(untrack(|| s.save.error()), Some(AppError::StorageFull));
}

// Guards what a write returned (how many refused statements were put back) not reaching the
// page, or still shown after a later write failed with the intent's own reason, and a
// cleared form (a refused sign-out dismissed) still showing that reason.
#[wasm_bindgen_test]
async fn a_save_keeps_what_the_write_returned_until_the_next_outcome() {
    let owner = Owner::new();
    owner.set();
    leptos::mount::mount_to_body(|| ());
    let save: Save<usize, &'static str> = Save::new();
    save.dispatch(async { Ok(3) });
    settle().await;
    assert!(save.saved_untracked());
    assert_eq!(untrack(|| save.value()), Some(3));
    save.dispatch(async { Err("refused") });
    settle().await;
    assert_eq!(
        untrack(|| save.value()),
        None,
        "a failure replaces the result"
    );
    assert_eq!(untrack(|| save.error()), Some("refused"));
    save.clear();
    assert_eq!(untrack(|| save.error()), None, "cleared: no reason shown");
    assert!(!save.saved_untracked(), "cleared: nothing shown as saved");
}
