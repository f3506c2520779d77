//! The trainer's copy of the class's statements: read from the LRS (GET statements by verb,
//! following `more` pages, with `since` for a refresh), cached in IndexedDB page by page so a
//! review opened once reopens offline, and aggregated by `boiduong_core::review`.
//!
//! What is read: the verbs the review needs (launched, answered, completed, passed, failed),
//! oldest first, each with its own high-water mark (`review::refresh::page_mark`), stored with
//! each page in one transaction, so "refresh" asks only for what is new and an interrupted
//! refresh resumes where the cache ends. The cache is not the record: the LRS is; sign-out
//! deletes it with the rest.

use std::collections::BTreeMap;
use std::sync::Arc;

use boiduong_core::review::{self, Class, Filter, Statement};
use boiduong_core::xapi::verbs;
use leptos::prelude::*;
use serde::Deserialize;

use crate::error::AppError;
use crate::net::lrs;
use crate::state::{use_app_state, AppState};
use crate::storage::REVIEW_MARK;
use crate::sync::{use_sync, SyncState};

/// Verbs the review reads, by IRI.
pub const VERBS: [&str; 5] = [
    verbs::LAUNCHED,
    verbs::ANSWERED,
    verbs::COMPLETED,
    verbs::PASSED,
    verbs::FAILED,
];
/// Statements per LRS page (Ralph's maximum is 100).
const PAGE: usize = 100;
/// Bound on pages per verb and refresh (1,000 pages = 100,000 statements).
const MAX_PAGES: usize = 1_000;

#[derive(Clone, Copy)]
pub struct TrainerState {
    app: AppState,
    sync: SyncState,
    /// Every cached statement, parsed (shared; replaced when pages are added).
    statements: RwSignal<Arc<Vec<Statement>>>,
    /// A trainer page has been opened: read the cache.
    requested: RwSignal<bool>,
    /// The cache has been read from storage.
    pub loaded: RwSignal<bool>,
    /// A refresh is running; how many statements it has read so far.
    pub busy: RwSignal<bool>,
    pub fetched: RwSignal<usize>,
    pub error: RwSignal<Option<AppError>>,
    /// Cache pages that could not be read (kept out of the figures).
    pub damaged: RwSignal<usize>,
    pub filter: RwSignal<Filter>,
    /// The date inputs of the filter as typed (`YYYY-MM-DD` or empty), kept across pages.
    pub dates: RwSignal<(String, String)>,
    /// The class as filtered, rebuilt when statements or the filter change.
    pub class: Memo<ClassRef>,
}

/// A built class, compared by identity (rebuilding is what changes it).
#[derive(Clone)]
pub struct ClassRef(pub Arc<Class>);

impl PartialEq for ClassRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The trainer state; the first call starts reading the cache (once per page load).
pub fn use_trainer() -> TrainerState {
    let state = expect_context::<TrainerState>();
    if !state.requested.get_untracked() {
        state.requested.set(true);
    }
    state
}

/// Provides the trainer state for the whole app (the shell calls it once, so every trainer
/// page shares one cache and one built class). Nothing is read until a trainer page asks.
pub fn provide_trainer() -> TrainerState {
    let app = use_app_state();
    let sync = use_sync();
    let statements = RwSignal::new(Arc::new(Vec::new()));
    let filter = RwSignal::new(Filter::default());
    let class = Memo::new(move |_| {
        let base = match sync.config.read().as_ref() {
            Some(Ok(c)) => c.base_iri.clone(),
            _ => String::new(),
        };
        let all = statements.get();
        let timing = crate::platform::Timing::start("review-aggregate");
        let built = Class::build(&all, &base, &filter.read());
        timing.end();
        ClassRef(Arc::new(built))
    });
    let state = TrainerState {
        app,
        sync,
        statements,
        requested: RwSignal::new(false),
        loaded: RwSignal::new(false),
        busy: RwSignal::new(false),
        fetched: RwSignal::new(0),
        error: RwSignal::new(None),
        damaged: RwSignal::new(0),
        filter,
        dates: RwSignal::new((String::new(), String::new())),
        class,
    };
    provide_context(state);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !app.storage_ready.get() || !state.requested.get() {
            return done.unwrap_or(false);
        }
        leptos::task::spawn_local(async move { state.load_cache().await });
        true
    });
    // Another account (or a sign-out, which also deletes the cache): forget what is in
    // memory, so the next person on this device never sees the previous trainer's class.
    Effect::new(move |previous: Option<Option<String>>| {
        let account = sync
            .identity
            .read()
            .as_ref()
            .filter(|i| i.trainer)
            .map(|i| i.account.clone());
        if let Some(before) = previous {
            if before != account {
                state.statements.set(Arc::new(Vec::new()));
                state.damaged.set(0);
                state.error.set(None);
                if account.is_some() && state.loaded.get_untracked() {
                    leptos::task::spawn_local(async move { state.load_cache().await });
                }
            }
        }
        account
    });
    state
}

/// The `stored` times of a page as the LRS wrote them: the next `since` goes back verbatim,
/// at the LRS's own precision (the review's parse keeps milliseconds only).
#[derive(Deserialize)]
struct RawPage {
    #[serde(default)]
    statements: Vec<RawStored>,
}

#[derive(Deserialize)]
struct RawStored {
    #[serde(default)]
    stored: Option<String>,
}

impl TrainerState {
    async fn load_cache(self) {
        let Some(storage) = self.app.storage() else {
            return;
        };
        match storage.review_pages().await {
            Ok(pages) => {
                let timing = crate::platform::Timing::start("review-parse-cache");
                let mut all = Vec::new();
                let mut damaged = 0;
                for page in &pages {
                    match review::parse_page(page) {
                        Ok(p) => all.extend(p.statements),
                        Err(_) => damaged += 1,
                    }
                }
                timing.end();
                self.damaged.set(damaged);
                self.statements.set(Arc::new(all));
            }
            Err(e) => self.error.set(Some(e)),
        }
        self.loaded.set(true);
    }

    /// Reads what is new since the last refresh (everything the first time), page by page;
    /// each page is durable in the cache before the next is asked for.
    pub fn refresh(self) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        self.error.set(None);
        self.fetched.set(0);
        leptos::task::spawn_local(async move {
            let result = self.fetch_new().await;
            if let Err(e) = result {
                self.error.set(Some(e));
            }
            self.busy.set(false);
        });
    }

    /// Drops the cache and reads everything again.
    pub fn reload_all(self) {
        if self.busy.get_untracked() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Some(storage) = self.app.storage() {
                if let Err(e) = storage.review_clear().await {
                    self.error.set(Some(e));
                    return;
                }
            }
            self.statements.set(Arc::new(Vec::new()));
            self.refresh();
        });
    }

    async fn fetch_new(self) -> Result<(), AppError> {
        let storage = self.app.storage().ok_or(AppError::NotSignedIn)?;
        let credentials = self.sync.credentials().ok_or(AppError::NotSignedIn)?;
        let endpoint = match self.sync.config.get_untracked() {
            Some(Ok(c)) => c.lrs_endpoint,
            _ => return Err(AppError::NotSignedIn),
        };
        let mut marks: BTreeMap<String, String> = storage
            .meta(REVIEW_MARK)
            .await?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let statements_url = format!("{}/statements", endpoint.trim_end_matches('/'));
        for verb in VERBS {
            // Oldest first, so the mark only ever passes pages the cache holds (see
            // `review::refresh`): an interrupted refresh is resumed, not skipped over.
            let mut url = format!(
                "{statements_url}?{}",
                review::refresh::statements_query(verb, PAGE, marks.get(verb).map(String::as_str))
            );
            let mut added = Vec::new();
            for _ in 0..MAX_PAGES {
                let text = lrs::get_text(&url, &credentials).await?;
                let raw: RawPage =
                    serde_json::from_str(&text).map_err(|e| AppError::Malformed {
                        url: url.clone(),
                        reason: e.to_string(),
                    })?;
                let page = review::parse_page(&text).map_err(|e| AppError::Malformed {
                    url: url.clone(),
                    reason: e.to_string(),
                })?;
                let stored: Vec<&str> = raw
                    .statements
                    .iter()
                    .filter_map(|s| s.stored.as_deref())
                    .collect();
                let last = page.more.as_deref().is_none_or(|m| m.trim().is_empty());
                if let Some(mark) =
                    review::refresh::page_mark(marks.get(verb).map(String::as_str), &stored, last)
                {
                    marks.insert(verb.to_owned(), mark);
                }
                if !page.statements.is_empty() {
                    let json = review::lean_json(&page.statements);
                    let key = format!(
                        "{:015}-{:06}",
                        crate::platform::now_ms(),
                        self.fetched.get_untracked()
                    );
                    let mark = serde_json::to_value(&marks)
                        .map_err(|e| AppError::Storage(e.to_string()))?;
                    storage.review_put(&key, &json, &mark).await?;
                    self.fetched.update(|n| *n += page.statements.len());
                    added.extend(page.statements);
                }
                match page
                    .more
                    .as_deref()
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                {
                    // Followed only on the LRS's own origin: the request carries the password.
                    Some(more) => match boiduong_core::urls::lrs_link(&endpoint, more) {
                        Some(next) => url = next,
                        None => {
                            return Err(AppError::Malformed {
                                url: url.clone(),
                                reason: format!("the next page is on another site: {more}"),
                            })
                        }
                    },
                    None => break,
                }
            }
            if !added.is_empty() {
                // Once per verb, not per page: the class is rebuilt from the whole set.
                let mut all = (*self.statements.get_untracked()).clone();
                all.extend(added);
                self.statements.set(Arc::new(all));
            }
        }
        Ok(())
    }
}
