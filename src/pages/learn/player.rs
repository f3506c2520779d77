//! Shared by the module and scenario pages: load the content and any unfinished attempt,
//! start attempts, and turn learner intents into durable events before the UI moves on.

use std::sync::Arc;

use boiduong_core::attempt::{
    latest_pretest_items, Attempt, AttemptEvent, AttemptStatus, Intent, StartOptions,
};
use boiduong_core::model::{Catalog, CatalogEntry, Content, ContentKind};
use boiduong_core::module::AttemptMode;
use boiduong_core::xapi;
use boiduong_core::Lang;
use leptos::prelude::*;
use leptos_router::params::Params;

use crate::components::loading::LoadError;
use crate::error::AppError;
use crate::net::content::{fetch_content, parse_content};
use crate::platform::dom::focus_by_id;
use crate::platform::{new_uuid, now_ms};
use crate::session::{use_session, Session};
use crate::state::use_lang;
use crate::state::AppState;
use crate::storage::{content_key, Queued};

#[derive(Params, PartialEq, Clone, Debug)]
pub struct ContentParams {
    pub id: Option<String>,
}

/// Why an unfinished attempt is not resumed, or is resumed on an older version.
#[derive(Clone, Debug, PartialEq)]
pub enum VersionNotice {
    /// Resumed on the version it was started on (not the catalog's current one).
    ResumedOld(String),
    /// The version is not on this device any more; the records are kept, a new attempt starts.
    Unavailable,
}

/// What a player page needs once loaded.
#[derive(Clone)]
pub struct Loaded {
    pub catalog: Catalog,
    pub entry: CatalogEntry,
    /// The catalog's current version (for new attempts).
    pub current: Arc<Content>,
    pub current_json: Arc<String>,
    /// The unfinished attempt, the content version it runs on, and its log.
    pub active: Option<(Attempt, Arc<Content>, Vec<AttemptEvent>)>,
    pub notice: Option<VersionNotice>,
}

pub async fn load(
    state: AppState,
    session: Session,
    kind: ContentKind,
    id: String,
) -> Result<Loaded, LoadError> {
    // The learner's identity decides which unfinished attempt is theirs: wait until it is read
    // (bounded), or a reload could offer "Start" instead of resuming.
    session.ready().await;
    let catalog = state.catalog.await.map_err(LoadError::Failed)?;
    let entry = catalog
        .entry(kind, &id)
        .cloned()
        .ok_or(LoadError::NotFound)?;
    let storage = state
        .storage()
        .ok_or(LoadError::Failed(AppError::StorageUnavailable(
            "storage not open".into(),
        )))?;
    let (current, json) = fetch_content(&entry).await.map_err(LoadError::Failed)?;
    let current = Arc::new(current);
    let mut notice = None;
    let mut active = None;
    // Untracked: this future runs inside the page's LocalResource, which would otherwise
    // re-run `load` on every saved answer and, once the attempt is finished, find no open
    // attempt and swap the result or end screen for the intro (and drop the step focus).
    let open = untrack(|| state.attempts_of(kind, &id))
        .into_iter()
        .find(|s| {
            s.status == AttemptStatus::InProgress
                && s.learner_id == state.learner_id.get_untracked()
        });
    if let Some(summary) = open {
        let content = if summary.version == current.version() {
            Some(current.clone())
        } else {
            match storage
                .content(&content_key(kind, &id, &summary.version))
                .await
            {
                Ok(Some(text)) => parse_content("local", &text).ok().map(Arc::new),
                _ => None,
            }
        };
        match content {
            Some(content) => {
                let events = storage
                    .events(&summary.id)
                    .await
                    .map_err(LoadError::Failed)?;
                match Attempt::replay(&content, &events) {
                    Ok(attempt) => {
                        if content.version() != current.version() {
                            notice = Some(VersionNotice::ResumedOld(summary.version.clone()));
                        }
                        active = Some((attempt, content, events));
                    }
                    Err(_) => notice = Some(VersionNotice::Unavailable),
                }
            }
            None => notice = Some(VersionNotice::Unavailable),
        }
    }
    Ok(Loaded {
        catalog,
        entry,
        current,
        current_json: Arc::new(json),
        active,
        notice,
    })
}

/// The live attempt of a page and the operations on it.
#[derive(Clone, Copy)]
pub struct Player {
    state: AppState,
    session: Session,
    lang: Signal<Lang>,
    /// The attempt's log so far (statements are mapped from the whole log).
    events: StoredValue<Vec<AttemptEvent>>,
    current: StoredValue<Arc<Content>>,
    current_json: StoredValue<Arc<String>>,
    /// The content version the attempt runs on.
    pub content: ReadSignal<Arc<Content>>,
    set_content: WriteSignal<Arc<Content>>,
    pub attempt: ReadSignal<Option<Attempt>>,
    set_attempt: WriteSignal<Option<Attempt>>,
    /// A write is in flight: buttons wait.
    pub busy: ReadSignal<bool>,
    set_busy: WriteSignal<bool>,
    /// The last write failed: the message, and the intent to retry.
    pub error: ReadSignal<Option<AppError>>,
    set_error: WriteSignal<Option<AppError>>,
    retry: StoredValue<Option<Intent>>,
}

impl Player {
    pub fn new(state: AppState, loaded: &Loaded) -> Self {
        let (attempt, content, events) = match &loaded.active {
            Some((a, c, e)) => (Some(a.clone()), c.clone(), e.clone()),
            None => (None, loaded.current.clone(), Vec::new()),
        };
        let (content, set_content) = signal(content);
        let (attempt, set_attempt) = signal(attempt);
        let (busy, set_busy) = signal(false);
        let (error, set_error) = signal(None);
        Self {
            state,
            session: use_session(),
            lang: use_lang(),
            events: StoredValue::new(events),
            current: StoredValue::new(loaded.current.clone()),
            current_json: StoredValue::new(loaded.current_json.clone()),
            content,
            set_content,
            attempt,
            set_attempt,
            busy,
            set_busy,
            error,
            set_error,
            retry: StoredValue::new(None),
        }
    }

    /// Starts a new (full) attempt on the catalog's current version, stored with that version.
    pub fn start(self) {
        self.start_with(AttemptMode::Full);
    }

    /// Whether a full attempt started now would be practice only: the check is a question pool
    /// (the post-test) and the browser is offline, so it would be scored on the device, whose
    /// content files hold the answer keys.
    pub fn would_be_practice(self) -> bool {
        let pool = match &*self.current.get_value() {
            Content::Module(m) => m.check.draw.is_some(),
            Content::Scenario(_) => false,
        };
        pool && !self.session.online.get()
    }

    /// Starts a new attempt in `mode`: a pre-test, or a full attempt whose pool draw avoids the
    /// learner's latest pre-test items (and which is practice only when taken offline).
    pub fn start_with(self, mode: AttemptMode) {
        if self.busy.get_untracked() {
            return;
        }
        let Some(storage) = self.state.storage() else {
            return;
        };
        let content = self.current.get_value();
        let json = self.current_json.get_value();
        let learner = self.state.learner_id.get_untracked();
        if learner.is_empty() {
            self.set_error.set(Some(AppError::NotSignedIn));
            return;
        }
        let options = match (&*content, mode) {
            (Content::Module(m), AttemptMode::Full) if m.check.draw.is_some() => {
                let mine: Vec<_> = self
                    .state
                    .summaries
                    .get_untracked()
                    .into_iter()
                    .filter(|s| s.learner_id == learner)
                    .collect();
                StartOptions {
                    avoid: latest_pretest_items(&mine, &m.id),
                    practice_only: !self.session.online.get_untracked(),
                    ..StartOptions::default()
                }
            }
            _ => StartOptions {
                mode,
                ..StartOptions::default()
            },
        };
        let (attempt, first) =
            match Attempt::start_with(&content, new_uuid(), learner, now_ms(), options) {
                Ok(x) => x,
                Err(e) => {
                    self.set_error.set(Some(e.into()));
                    return;
                }
            };
        let log = vec![first];
        let statements = match self.queue(&content, &log, 0, &attempt.id) {
            Ok(s) => s,
            Err(e) => {
                self.set_error.set(Some(e));
                return;
            }
        };
        self.set_busy.set(true);
        leptos::task::spawn_local(async move {
            let summary = attempt.summary(&content);
            let key = content_key(content.kind(), content.id(), content.version());
            match storage
                .record_with_statements(&log, &summary, Some((&key, &json)), &statements)
                .await
            {
                Ok(()) => {
                    self.events.set_value(log);
                    self.session.kick();
                    self.state.put_summary(summary);
                    self.set_content.set(content);
                    self.set_attempt.set(Some(attempt));
                    self.set_error.set(None);
                    focus_step_heading();
                }
                Err(e) => self.set_error.set(Some(e)),
            }
            self.set_busy.set(false);
        });
    }

    /// Records an intent durably, then moves the UI on. On failure nothing moves and the
    /// intent can be retried.
    pub fn act(self, intent: Intent) {
        if self.busy.get_untracked() {
            return;
        }
        let Some(storage) = self.state.storage() else {
            return;
        };
        let Some(attempt) = self.attempt.get_untracked() else {
            return;
        };
        let content = self.content.get_untracked();
        let moves_on = !matches!(intent, Intent::Answer { .. });
        let (next, events) = match attempt.decide(&content, intent.clone(), now_ms()) {
            Ok(x) => x,
            Err(e) => {
                self.set_error.set(Some(e.into()));
                return;
            }
        };
        let mut log = self.events.get_value();
        let from_seq = events.first().map(|e| e.seq).unwrap_or(0);
        log.extend(events.iter().cloned());
        let statements = match self.queue(&content, &log, from_seq, &attempt.id) {
            Ok(s) => s,
            Err(e) => {
                self.set_error.set(Some(e));
                return;
            }
        };
        self.set_busy.set(true);
        leptos::task::spawn_local(async move {
            let summary = next.summary(&content);
            mark_durable_start();
            let result = storage
                .record_with_statements(&events, &summary, None, &statements)
                .await;
            measure_durable(result.is_ok());
            match result {
                Ok(()) => {
                    self.events.set_value(log);
                    self.session.kick();
                    if next.is_finished() {
                        crate::platform::quota::request_persist();
                    }
                    self.state.put_summary(summary);
                    self.set_attempt.set(Some(next));
                    self.set_error.set(None);
                    self.retry.set_value(None);
                    // Focus follows the learner: the next step's heading, or the feedback
                    // that replaced the submit button (so keyboard users are not dropped).
                    focus_by_id(if moves_on {
                        "step-heading"
                    } else {
                        "item-feedback"
                    });
                }
                Err(e) => {
                    self.retry.set_value(Some(intent));
                    self.set_error.set(Some(e));
                }
            }
            self.set_busy.set(false);
        });
    }

    /// The statements of the log's events from `from_seq`, ready for the outbox. Made once,
    /// at the action, so their ids and bodies never change afterwards.
    fn queue(
        self,
        content: &Content,
        log: &[AttemptEvent],
        from_seq: u32,
        attempt_id: &str,
    ) -> Result<Vec<Queued>, AppError> {
        let ctx = self
            .session
            .statement_context(self.lang.get_untracked())
            .ok_or(AppError::NotSignedIn)?;
        let statements = xapi::statements_from(log, from_seq, &ctx, content, &mut |slot| {
            xapi::derived_id(slot)
        })
        .map_err(|e| AppError::Xapi(e.to_string()))?;
        let base = now_ms() as f64 * 1000.0;
        statements
            .iter()
            .enumerate()
            .map(|(i, st)| {
                Ok(Queued {
                    id: st.id.clone(),
                    attempt_id: attempt_id.to_owned(),
                    account: ctx.learner.account_name.clone(),
                    order: base + i as f64,
                    body: serde_json::to_string(st).map_err(|e| AppError::Xapi(e.to_string()))?,
                    anonymous_after_ms: None,
                })
            })
            .collect()
    }

    pub fn retry(self) {
        match self.retry.get_value() {
            Some(intent) => self.act(intent),
            None => self.set_error.set(None),
        }
    }

    /// Leaves the result screen for the intro (a new attempt starts from there).
    pub fn close(self) {
        self.set_attempt.set(None);
        self.events.set_value(Vec::new());
        self.set_content.set(self.current.get_value());
    }
}

const DURABLE_MARK: &str = "boiduong-record-start";

fn mark_durable_start() {
    crate::platform::mark(DURABLE_MARK);
}

/// Records, in the browser's performance timeline, how long a learner action took to become
/// durable (IndexedDB commit). `scripts/bench/bench-durability.mjs` reads these entries.
fn measure_durable(ok: bool) {
    let name = if ok {
        "boiduong-durable"
    } else {
        "boiduong-durable-failed"
    };
    crate::platform::measure(name, DURABLE_MARK);
}

/// Moves keyboard and screen-reader focus to the heading of the new step.
pub fn focus_step_heading() {
    focus_by_id("step-heading");
}
