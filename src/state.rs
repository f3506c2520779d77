//! App-wide state, provided once by `App` and read through `use_app_state()`.

use boiduong_core::attempt::AttemptSummary;
use boiduong_core::model::{Catalog, ContentKind};
use boiduong_core::Lang;
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{use_i18n, Locale};
use crate::storage::{Storage, Summaries};

#[derive(Clone, Copy)]
pub struct AppState {
    storage: StoredValue<Option<Storage>, LocalStorage>,
    /// Storage has been opened (IndexedDB or the memory fallback).
    pub storage_ready: RwSignal<bool>,
    /// Why records are not durable, when they are not.
    pub storage_warning: RwSignal<Option<AppError>>,
    /// Local records that could not be read (kept untouched).
    pub damaged: RwSignal<usize>,
    /// The signed-in account's attempt summaries, kept in step with storage (another
    /// account's are never read into the page).
    pub summaries: RwSignal<Vec<AttemptSummary>>,
    pub catalog: LocalResource<Result<Catalog, AppError>>,
    /// The signed-in learner's account ("" before the first sign-in on this device).
    pub learner_id: RwSignal<String>,
}

impl AppState {
    pub fn storage(&self) -> Option<Storage> {
        self.storage.get_value()
    }

    /// Makes `account` the one whose records the pages show ("" = nobody): reads its
    /// summaries first, so no page ever pairs one account with another's records.
    pub async fn switch_account(&self, account: &str) {
        let found = match (account.is_empty(), self.storage()) {
            (false, Some(storage)) => storage.summaries(account).await,
            _ => Ok(Summaries::default()),
        };
        match found {
            Ok(found) => {
                self.summaries.set(found.summaries);
                self.damaged.set(found.damaged);
            }
            Err(e) => {
                self.summaries.set(Vec::new());
                self.storage_warning.set(Some(e));
            }
        }
        self.learner_id.set(account.to_owned());
    }

    /// Replaces one summary after a durable write.
    pub fn put_summary(&self, summary: AttemptSummary) {
        self.summaries
            .update(|all| match all.iter_mut().find(|s| s.id == summary.id) {
                Some(old) => *old = summary,
                None => all.push(summary),
            });
    }

    pub fn attempts_of(&self, kind: ContentKind, id: &str) -> Vec<AttemptSummary> {
        let mut list: Vec<AttemptSummary> = self
            .summaries
            .read()
            .iter()
            .filter(|s| s.kind == kind && s.content_id == id)
            .cloned()
            .collect();
        boiduong_core::order::sort_by_key(&mut list, |s| !s.started_ms);
        list
    }
}

/// Provides the state and starts opening storage and loading the catalog.
pub fn provide_app_state() -> AppState {
    let state = AppState {
        storage: StoredValue::new_local(None),
        storage_ready: RwSignal::new(false),
        storage_warning: RwSignal::new(None),
        damaged: RwSignal::new(0),
        summaries: RwSignal::new(Vec::new()),
        catalog: LocalResource::new(crate::net::content::fetch_catalog),
        learner_id: RwSignal::new(String::new()),
    };
    provide_context(state);
    // The summaries are read when the account is known (`switch_account`, by the sync state).
    leptos::task::spawn_local(async move {
        let (storage, warning) = Storage::open().await;
        state.storage.set_value(Some(storage));
        if warning.is_some() {
            state.storage_warning.set(warning);
        }
        state.storage_ready.set(true);
    });
    state
}

pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}

/// The UI language as the core's `Lang`.
pub fn use_lang() -> Signal<Lang> {
    let i18n = use_i18n();
    Signal::derive(move || match i18n.get_locale() {
        Locale::vi => Lang::Vi,
        Locale::en => Lang::En,
    })
}
