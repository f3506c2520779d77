//! The trainer's copy of one class's statements: read from the LRS, cached in IndexedDB page
//! by page so a class opened once reopens offline, and aggregated by `boiduong_core::review`.
//!
//! What is read: one class at a time, never the whole LRS, with the filters every LRS backend
//! honours (`review::refresh`): the class's roster from its `joined` statements (`verb` +
//! `activity` = the class activity `{base}/classes/{CODE}`), then each learner's statements
//! (`agent`), then the class's anonymous evaluations (`registration` = the class's), each
//! oldest first with its own high-water mark (`review::refresh::page_mark`), stored with each
//! page in one transaction, so "refresh" asks only for what is new and an interrupted refresh
//! resumes where the cache ends. A read that reaches the page limit says so on screen; the
//! next refresh goes on from there. The cache is per class (page keys `{CODE}/…`, marks per
//! class); the cache is not the record: the LRS is.
//!
//! The class is every learner's data, so the cache is the trainer's alone and only while they
//! are there: nothing of it is read before the LRS has accepted the password in this page
//! session (`SyncState::verified`; a reload asks again); its pages are sealed (AES-GCM) with a
//! key derived from the password (PBKDF2, salt in `review_owner`), so without the password
//! they are unreadable; it is deleted when it is older than `trainer_cache_days` (config,
//! default 7), on sign-out, when the LRS refuses the account (401/403), and when another
//! account signs in. Learners the trainer hid (joined the class by mistake) are kept per
//! class in the meta `review_hidden:<trainer>` (names of accounts only; deleted at sign-out).
//!
//! The class is built with the content versions of [`versions`]: the review keeps only
//! statements whose authority names their actor and recomputes every result from the
//! content (see `boiduong_core::review::trust`). The class so prepared is kept with the pages
//! as a snapshot, and a reopening reads it instead of replaying every statement when it was
//! made from the same pages and inputs ([`cache`], `boiduong_core::review::snapshot`).

pub mod cache;
mod versions;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use boiduong_core::model::ContentKind;
use boiduong_core::review::refresh::{self as marks_of, CacheMarks, ClassMarks};
use boiduong_core::review::{self, Account, Filter, Prepared, Statement, Versions};
use boiduong_core::xapi::verbs;
use leptos::prelude::*;
use serde::Deserialize;

use crate::crypto;
use crate::error::AppError;
use crate::net::lrs::{self, Credentials};
use crate::platform::now_ms;
use crate::session::{use_session as use_sync, Session as SyncState};
use crate::state::{use_app_state, AppState};
use crate::storage::{Storage, REVIEW_MARK, REVIEW_OWNER};
use cache::{page_prefix, Pages};

/// Statements per LRS page (Ralph's maximum is 100).
const PAGE: usize = 100;
/// Bound on pages per query and refresh (1,000 pages = 100,000 statements of one learner):
/// reaching it is said on screen, and the next refresh goes on from there.
const MAX_PAGES: usize = 1_000;
const DAY_MS: i64 = 86_400_000;

/// Whose the cache is and the salt of its key (meta `review_owner`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CacheOwner {
    pub account: String,
    /// Hex of the PBKDF2 salt.
    pub salt: String,
    pub created_ms: i64,
}

impl CacheOwner {
    /// Whether a cache made at `created_ms` is still to be used at `now_ms`.
    pub fn fresh(&self, account: &str, now_ms: i64, days: u32) -> bool {
        self.account == account && now_ms - self.created_ms < i64::from(days) * DAY_MS
    }
}

/// The key that seals `account`'s cache: the stored owner's salt when the cache is theirs
/// and fresh; otherwise the cache is deleted and a new salt kept. Derived from the password.
pub async fn cache_key(
    storage: &Storage,
    account: &str,
    password: &str,
    now_ms: i64,
    days: u32,
) -> Result<web_sys::CryptoKey, AppError> {
    let owner: Option<CacheOwner> = storage
        .meta(REVIEW_OWNER)
        .await?
        .and_then(|v| boiduong_core::record::from_value(&v).ok());
    let salt = match owner.filter(|o| o.fresh(account, now_ms, days)) {
        Some(o) => crypto::from_hex(&o.salt)
            .ok_or_else(|| AppError::Damaged("review_owner salt".into()))?,
        None => {
            storage.review_clear().await?;
            let salt = crypto::random_bytes(crypto::SALT_BYTES)?;
            let owner = CacheOwner {
                account: account.to_owned(),
                salt: crypto::to_hex(&salt),
                created_ms: now_ms,
            };
            let value = boiduong_core::record::to_value(&owner)
                .map_err(|e| AppError::Storage(e.to_string()))?;
            storage.set_meta(REVIEW_OWNER, &value).await?;
            salt
        }
    };
    crypto::password_key(password, &salt).await
}

/// Reads the cache with `key`: the statements of every page it opens, and how many pages it
/// could not open or read. When no page opens (the password changed), the cache is deleted.
pub async fn read_cache(
    storage: &Storage,
    key: &web_sys::CryptoKey,
    class: &str,
) -> Result<(Vec<Statement>, usize), AppError> {
    match cache::open_pages(storage, key, class).await? {
        Pages::Cleared => Ok((Vec::new(), 0)),
        Pages::Opened(opened) => {
            let (all, _, bad) = cache::parse_pages(&opened.pages);
            Ok((all, opened.damaged + bad))
        }
    }
}

/// Meta key of the learners `account` hid, per class.
fn hidden_key(account: &str) -> String {
    format!("review_hidden:{account}")
}

/// Meta key of the class `account` opened last.
fn open_key(account: &str) -> String {
    format!("review_open:{account}")
}

/// The marks of the cache, per class; an older cache (the whole LRS by verb, before classes)
/// is deleted, to be read again class by class.
async fn cache_marks(storage: &Storage) -> Result<CacheMarks, AppError> {
    match storage.meta(REVIEW_MARK).await? {
        None => Ok(CacheMarks {
            version: CacheMarks::VERSION,
            ..CacheMarks::default()
        }),
        Some(v) => match CacheMarks::from_value(&v) {
            Some(m) => Ok(m),
            None => {
                storage.review_clear().await?;
                Ok(CacheMarks {
                    version: CacheMarks::VERSION,
                    ..CacheMarks::default()
                })
            }
        },
    }
}

/// One query of a class's reading, with its own mark.
#[derive(Clone, Debug)]
enum Slot {
    Roster,
    Anonymous,
    Learner(Account),
}

fn mark_of(m: &ClassMarks, slot: &Slot) -> Option<String> {
    match slot {
        Slot::Roster => m.roster.clone(),
        Slot::Anonymous => m.anonymous.clone(),
        Slot::Learner(a) => m.learners.get(&marks_of::learner_key(a)).cloned(),
    }
}

fn set_mark(m: &mut ClassMarks, slot: &Slot, mark: String) {
    match slot {
        Slot::Roster => m.roster = Some(mark),
        Slot::Anonymous => m.anonymous = Some(mark),
        Slot::Learner(a) => {
            m.learners.insert(marks_of::learner_key(a), mark);
        }
    }
}

#[derive(Clone, Copy)]
pub struct TrainerState {
    app: AppState,
    sync: SyncState,
    /// Every cached statement, parsed (shared; replaced when pages are added). Reopened
    /// from a snapshot, empty until the pages are parsed, just after the class is shown.
    statements: RwSignal<Arc<Vec<Statement>>>,
    /// The nonces of the pages whose statements are in `statements`, in the same order (set
    /// with it): what a snapshot's basis names.
    pages: StoredValue<Arc<Vec<Vec<u8>>>>,
    /// A class prepared from a snapshot, used while its inputs are the ones in memory.
    ready: StoredValue<Option<Ready>>,
    /// The content versions statements are checked against (shared; replaced when some
    /// are added).
    versions: RwSignal<Arc<Versions>>,
    /// Versions already asked of the server (found or not).
    tried: StoredValue<BTreeSet<(ContentKind, String, String)>>,
    /// A trainer page has been opened: read the cache.
    requested: RwSignal<bool>,
    /// The cache has been read from storage.
    loaded: RwSignal<bool>,
    /// A refresh is running; how many statements it has read so far.
    busy: RwSignal<bool>,
    fetched: RwSignal<usize>,
    error: RwSignal<Option<AppError>>,
    /// Cache pages that could not be read (kept out of the figures).
    damaged: RwSignal<usize>,
    filter: RwSignal<Filter>,
    /// The class open (its code as `xapi::class_code` writes it); none before one is picked.
    class_code: RwSignal<Option<String>>,
    /// Classes with a cache on this device (to pick again).
    classes: RwSignal<Vec<String>>,
    /// The open class's roster (who joined it), as last read.
    roster: RwSignal<Vec<Account>>,
    /// A read stopped at the page limit (said on screen; the next refresh goes on).
    capped: RwSignal<bool>,
    /// The date inputs of the filter as typed (`YYYY-MM-DD` or empty), kept across pages.
    dates: RwSignal<(String, String)>,
    /// The class as filtered: the prepared class (rebuilt when the statements, the content
    /// versions or the hidden learners change; read from its snapshot on reopening) selected
    /// by the filter.
    pub class: Memo<ClassRef>,
    /// The key of the cache, for the account it was derived for (memory only).
    key: StoredValue<Option<(String, web_sys::CryptoKey)>, LocalStorage>,
}

/// A built class, compared by identity (rebuilding is what changes it).
#[derive(Clone)]
pub struct ClassRef(pub Arc<review::Class>);

impl PartialEq for ClassRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A prepared class and what it was prepared from, compared by identity.
#[derive(Clone)]
struct PreparedRef {
    prepared: Arc<Prepared>,
    /// Prepared here from the statements (not read from a snapshot): to be kept as one.
    fresh: bool,
    base: String,
    hidden: BTreeSet<String>,
    versions: Arc<Versions>,
    pages: Arc<Vec<Vec<u8>>>,
    class: Option<String>,
}

impl PartialEq for PreparedRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.prepared, &other.prepared)
    }
}

/// A class read from its snapshot, and the inputs it stands for: the statements in memory
/// (by identity: their parse follows), the content versions and the hidden learners.
struct Ready {
    statements: Arc<Vec<Statement>>,
    versions: Arc<Versions>,
    hidden: BTreeSet<String>,
    prepared: Arc<Prepared>,
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
    let versions = RwSignal::new(Arc::new(Versions::new()));
    let filter = RwSignal::new(Filter::default());
    let pages = StoredValue::new(Arc::new(Vec::new()));
    let ready: StoredValue<Option<Ready>> = StoredValue::new(None);
    let class_code = RwSignal::new(None);
    let hidden = Memo::new(move |_| filter.with(|f| f.hidden.clone()));
    let prepared = Memo::new(move |_| {
        let base = match sync.config.read().as_ref() {
            Some(Ok(c)) => c.base_iri.clone(),
            _ => String::new(),
        };
        let all = statements.get();
        let known = versions.get();
        let hidden = hidden.get();
        let from_snapshot = ready.with_value(|r| {
            r.as_ref()
                .filter(|r| {
                    Arc::ptr_eq(&r.statements, &all)
                        && Arc::ptr_eq(&r.versions, &known)
                        && r.hidden == hidden
                })
                .map(|r| r.prepared.clone())
        });
        let (prepared, fresh) = match from_snapshot {
            Some(p) => (p, false),
            None if all.is_empty() => (Arc::new(Prepared::new(&all, &base, &hidden, &known)), true),
            None => {
                let timing = crate::platform::Timing::start("review-prepare");
                let p = Prepared::new(&all, &base, &hidden, &known);
                timing.end();
                (Arc::new(p), true)
            }
        };
        PreparedRef {
            prepared,
            fresh,
            base,
            hidden,
            versions: known,
            pages: pages.get_value(),
            class: class_code.get_untracked(),
        }
    });
    let class = Memo::new(move |_| {
        let p = prepared.get().prepared;
        let timing = crate::platform::Timing::start("review-select");
        let built = (*p).clone().select(&filter.read());
        timing.end();
        ClassRef(Arc::new(built))
    });
    let state = TrainerState {
        app,
        sync,
        statements,
        pages,
        ready,
        versions,
        tried: StoredValue::new(BTreeSet::new()),
        requested: RwSignal::new(false),
        loaded: RwSignal::new(false),
        busy: RwSignal::new(false),
        fetched: RwSignal::new(0),
        error: RwSignal::new(None),
        damaged: RwSignal::new(0),
        filter,
        class_code,
        classes: RwSignal::new(Vec::new()),
        roster: RwSignal::new(Vec::new()),
        capped: RwSignal::new(false),
        dates: RwSignal::new((String::new(), String::new())),
        class,
        key: StoredValue::new_local(None),
    };
    provide_context(state);
    // A class prepared from its statements is kept as a snapshot, for the next opening.
    Effect::new(move |_| {
        let p = prepared.get();
        if p.fresh && !p.pages.is_empty() {
            leptos::task::spawn_local(async move { state.keep_snapshot(p).await });
        }
    });
    // Read only once the LRS has accepted the password in this page session.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true)
            || !app.storage_ready.get()
            || !state.requested.get()
            || !sync.verified.get()
        {
            return done.unwrap_or(false);
        }
        leptos::task::spawn_local(async move { state.load_cache().await });
        true
    });
    // The LRS refused the account: the class goes, from memory and from the device.
    Effect::new(move |_| {
        if sync.auth_required.get() {
            leptos::task::spawn_local(async move { state.wipe().await });
        }
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
                state.set_statements(Vec::new(), Vec::new());
                state.roster.set(Vec::new());
                state.classes.set(Vec::new());
                state.class_code.set(None);
                state.damaged.set(0);
                state.error.set(None);
                state.key.set_value(None);
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
    // Read-only views of the trainer's state: only its own methods write it.
    pub fn loaded(&self) -> ReadSignal<bool> {
        self.loaded.read_only()
    }

    pub fn busy(&self) -> ReadSignal<bool> {
        self.busy.read_only()
    }

    pub fn fetched(&self) -> ReadSignal<usize> {
        self.fetched.read_only()
    }

    pub fn error(&self) -> ReadSignal<Option<AppError>> {
        self.error.read_only()
    }

    pub fn damaged(&self) -> ReadSignal<usize> {
        self.damaged.read_only()
    }

    pub fn filter(&self) -> ReadSignal<Filter> {
        self.filter.read_only()
    }

    pub fn class_code(&self) -> ReadSignal<Option<String>> {
        self.class_code.read_only()
    }

    pub fn classes(&self) -> ReadSignal<Vec<String>> {
        self.classes.read_only()
    }

    pub fn roster(&self) -> ReadSignal<Vec<Account>> {
        self.roster.read_only()
    }

    pub fn capped(&self) -> ReadSignal<bool> {
        self.capped.read_only()
    }

    pub fn dates(&self) -> ReadSignal<(String, String)> {
        self.dates.read_only()
    }

    /// The filter's period, from the date inputs as typed (`YYYY-MM-DD` or empty; kept
    /// across pages): attempts started from the first day to the end of the last.
    pub fn set_period(
        &self,
        from: String,
        to: String,
        since_ms: Option<i64>,
        until_ms: Option<i64>,
    ) {
        self.filter.update(|filter| {
            filter.since_ms = since_ms;
            filter.until_ms = until_ms;
        });
        self.dates.set((from, to));
    }
    /// No statement read yet (the first visit reads the LRS). Untracked.
    pub fn is_empty(&self) -> bool {
        self.statements.with_untracked(|s| s.is_empty())
    }

    /// The key of the cache for the signed-in trainer (derived once per page session).
    async fn key(self, storage: &Storage) -> Result<web_sys::CryptoKey, AppError> {
        let credentials = self.sync.credentials().ok_or(AppError::NotSignedIn)?;
        if !self.sync.verified.get_untracked() {
            return Err(AppError::NotSignedIn);
        }
        if let Some((account, key)) = self.key.get_value() {
            if account == credentials.account {
                return Ok(key);
            }
        }
        let days = match self.sync.config.get_untracked() {
            Some(Ok(c)) => c.trainer_cache_days(),
            _ => crate::net::config::TRAINER_CACHE_DAYS,
        };
        let key = cache_key(
            storage,
            &credentials.account,
            &credentials.password,
            now_ms(),
            days,
        )
        .await?;
        self.key
            .set_value(Some((credentials.account.clone(), key.clone())));
        Ok(key)
    }

    /// Forgets the class: memory, key and the cache on the device.
    async fn wipe(self) {
        self.set_statements(Vec::new(), Vec::new());
        self.roster.set(Vec::new());
        self.classes.set(Vec::new());
        self.damaged.set(0);
        self.key.set_value(None);
        if let Some(storage) = self.app.storage() {
            if let Err(e) = storage.review_clear().await {
                self.error.set(Some(e));
            }
        }
    }

    /// Opens a class (its code as typed): the filter names it, its hidden learners are left
    /// out, and its cache is read (the LRS when there is none yet). Returns false for a code
    /// that is not one.
    pub fn open_class(self, typed: &str) -> bool {
        let Ok(code) = boiduong_core::xapi::class_code(typed) else {
            return false;
        };
        if self.busy.get_untracked() {
            return true;
        }
        self.class_code.set(Some(code.clone()));
        self.capped.set(false);
        self.error.set(None);
        // Busy from the click: nothing to refresh until the class's cache is read.
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            if let (Some(storage), Some(credentials)) =
                (self.app.storage(), self.sync.credentials())
            {
                let _ = storage
                    .set_meta(&open_key(&credentials.account), &serde_json::json!(code))
                    .await;
            }
            let hidden = self.hidden_of(&code).await;
            self.filter.update(|f| {
                f.class_code = Some(code.clone());
                f.hidden = hidden;
            });
            self.load_cache().await;
            self.busy.set(false);
            if self.is_empty() && self.class_code.get_untracked().as_deref() == Some(&code) {
                self.refresh();
            }
        });
        true
    }

    /// The class the trainer opened last on this device.
    async fn last_class(self, storage: &Storage) -> Option<String> {
        let credentials = self.sync.credentials()?;
        storage
            .meta(&open_key(&credentials.account))
            .await
            .ok()
            .flatten()
            .and_then(|v| v.as_str().map(str::to_owned))
    }

    /// The learners the trainer hid in `class` (stored per trainer account).
    async fn hidden_of(self, class: &str) -> BTreeSet<String> {
        let (Some(storage), Some(credentials)) = (self.app.storage(), self.sync.credentials())
        else {
            return BTreeSet::new();
        };
        let all: BTreeMap<String, BTreeSet<String>> = storage
            .meta(&hidden_key(&credentials.account))
            .await
            .ok()
            .flatten()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        all.get(class).cloned().unwrap_or_default()
    }

    /// Hides a learner of the open class (joined by mistake) or shows them again; kept on
    /// this device, per class.
    pub fn set_hidden(self, account: String, hide: bool) {
        let Some(class) = self.class_code.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let (Some(storage), Some(credentials)) = (self.app.storage(), self.sync.credentials())
            else {
                return;
            };
            let key = hidden_key(&credentials.account);
            let mut all: BTreeMap<String, BTreeSet<String>> = storage
                .meta(&key)
                .await
                .ok()
                .flatten()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
            let set = all.entry(class.clone()).or_default();
            if hide {
                set.insert(account);
            } else {
                set.remove(&account);
            }
            let now = set.clone();
            if let Err(e) = storage.set_meta(&key, &serde_json::json!(all)).await {
                self.error.set(Some(e));
                return;
            }
            if self.class_code.get_untracked().as_deref() == Some(&class) {
                self.filter.update(|f| f.hidden = now);
            }
        });
    }

    async fn load_cache(self) {
        let Some(storage) = self.app.storage() else {
            return;
        };
        // the content first: statements are checked against it as soon as they are shown
        if self.versions.with_untracked(|v| v.is_empty()) {
            match versions::load_current().await {
                Ok(v) => self.versions.set(Arc::new(v)),
                Err(e) => self.error.set(Some(e)),
            }
        }
        let marks = match cache_marks(&storage).await {
            Ok(m) => m,
            Err(e) => {
                self.error.set(Some(e));
                self.loaded.set(true);
                return;
            }
        };
        self.classes.set(marks.classes.keys().cloned().collect());
        // After a reload: the class opened last, if the device still has it.
        if self.class_code.get_untracked().is_none() {
            if let Some(last) = self.last_class(&storage).await {
                if marks.classes.contains_key(&last) {
                    let hidden = self.hidden_of(&last).await;
                    self.filter.update(|f| {
                        f.class_code = Some(last.clone());
                        f.hidden = hidden;
                    });
                    self.class_code.set(Some(last));
                }
            }
        }
        let Some(class) = self.class_code.get_untracked() else {
            self.set_statements(Vec::new(), Vec::new());
            self.loaded.set(true);
            return;
        };
        if let Err(e) = self.open_class_cache(&storage, &class).await {
            self.error.set(Some(e));
        }
        self.loaded.set(true);
    }

    /// Reads the class's cache: the class from its snapshot when that is the one of the pages
    /// (shown at once, the pages parsed just after), else from the pages' statements.
    async fn open_class_cache(self, storage: &Storage, class: &str) -> Result<(), AppError> {
        let key = self.key(storage).await?;
        let timing = crate::platform::Timing::start("review-parse-cache");
        let opened = match cache::open_pages(storage, &key, class).await? {
            Pages::Opened(o) => o,
            Pages::Cleared => {
                timing.end();
                self.damaged.set(0);
                self.roster.set(Vec::new());
                self.set_statements(Vec::new(), Vec::new());
                return Ok(());
            }
        };
        let base = self.base();
        let mut versions = self.versions.get_untracked();
        let hidden = self.filter.with_untracked(|f| f.hidden.clone());
        let ids: Vec<Vec<u8>> = opened.pages.iter().map(|(iv, _)| iv.clone()).collect();
        let snapshot = cache::read_any_snapshot(storage, &key, class).await;
        if let Some((made_from, prepared)) = &snapshot {
            if *made_from != cache::basis_of(&base, &hidden, &versions, &ids) {
                // made with older content versions too (its statements name them): fetched
                // first, as they would be once the statements are parsed
                let mut tried = self.tried.get_value();
                let found = versions::load_used(&versions, prepared, &mut tried).await;
                self.tried.set_value(tried);
                if !found.is_empty() {
                    let mut more = (*versions).clone();
                    for c in found {
                        more.insert(c);
                    }
                    versions = Arc::new(more);
                    self.versions.set(versions.clone());
                }
            }
        }
        let basis = cache::basis_of(&base, &hidden, &versions, &ids);
        if let Some((_, prepared)) = snapshot.filter(|(made_from, _)| *made_from == basis) {
            // Shown now; the statements (for a refresh, the roster) are parsed just after.
            let placeholder = Arc::new(Vec::new());
            self.ready.set_value(Some(Ready {
                statements: placeholder.clone(),
                versions: versions.clone(),
                hidden: hidden.clone(),
                prepared: Arc::new(prepared),
            }));
            self.pages.set_value(Arc::new(ids));
            self.damaged.set(opened.damaged);
            self.statements.set(placeholder);
            timing.end();
            crate::platform::timer::sleep_ms(0).await;
            let parse = crate::platform::Timing::start("review-parse-statements");
            let (all, read, bad) = cache::parse_pages(&opened.pages);
            drop(opened);
            parse.end();
            self.damaged.set(self.damaged.get_untracked() + bad);
            self.roster.set(self.roster_in(&all, class));
            let all = Arc::new(all);
            if bad == 0 {
                // the same pages: the snapshot stands for their statements
                self.ready.update_value(|r| {
                    if let Some(r) = r.as_mut() {
                        r.statements = all.clone();
                    }
                });
            } else {
                self.ready.set_value(None);
            }
            self.pages.set_value(Arc::new(read));
            self.statements.set(all);
        } else {
            let (all, read, bad) = cache::parse_pages(&opened.pages);
            let damaged = opened.damaged + bad;
            drop(opened);
            timing.end();
            self.damaged.set(damaged);
            self.roster.set(self.roster_in(&all, class));
            self.set_statements(all, read);
        }
        self.load_missing_versions().await;
        Ok(())
    }

    /// The statements in memory and the pages they were read from, in the same order.
    fn set_statements(self, all: Vec<Statement>, pages: Vec<Vec<u8>>) {
        self.ready.set_value(None);
        self.pages.set_value(Arc::new(pages));
        self.statements.set(Arc::new(all));
    }

    /// The base IRI of the configuration (empty before it is read).
    fn base(self) -> String {
        match self.sync.config.get_untracked() {
            Some(Ok(c)) => c.base_iri,
            _ => String::new(),
        }
    }

    /// Keeps `p` as the snapshot of its class (when the trainer's key is there).
    async fn keep_snapshot(self, p: PreparedRef) {
        let (Some(storage), Some(class)) = (self.app.storage(), p.class.as_deref()) else {
            return;
        };
        let Ok(key) = self.key(&storage).await else {
            return;
        };
        let basis = cache::basis_of(&p.base, &p.hidden, &p.versions, &p.pages);
        // the key forgotten meanwhile (sign-out, another account, refused): the cache is gone
        let still =
            move || self.key.with_value(|k| k.is_some()) && self.sync.verified.get_untracked();
        // Not kept is not lost: the class is prepared again from the statements next time.
        let _ = cache::write_snapshot(&storage, &key, class, &basis, &p.prepared, still).await;
    }

    /// Who joined `class`, from its `joined` statements among `all`.
    fn roster_in(self, all: &[Statement], class: &str) -> Vec<Account> {
        let base = match self.sync.config.get_untracked() {
            Some(Ok(c)) => c.base_iri,
            _ => return Vec::new(),
        };
        marks_of::roster(all, &boiduong_core::xapi::class_id(&base, class))
    }

    /// Fetches the content versions the statements name that are not loaded yet (an older
    /// version the server still has), so their attempts are checked rather than set aside.
    async fn load_missing_versions(self) {
        let base = match self.sync.config.get_untracked() {
            Some(Ok(c)) => c.base_iri,
            _ => return,
        };
        let (known, all) = (
            self.versions.get_untracked(),
            self.statements.get_untracked(),
        );
        let mut tried = self.tried.get_value();
        let found = versions::load_missing(&known, &all, &base, &mut tried).await;
        self.tried.set_value(tried);
        if !found.is_empty() {
            let mut more = (*self.versions.get_untracked()).clone();
            for c in found {
                more.insert(c);
            }
            self.versions.set(Arc::new(more));
        }
    }

    /// Reads what is new in the open class since the last refresh (everything the first
    /// time), page by page; each page is durable in the cache before the next is asked for.
    pub fn refresh(self) {
        if self.busy.get_untracked() || self.class_code.get_untracked().is_none() {
            return;
        }
        self.busy.set(true);
        self.error.set(None);
        self.capped.set(false);
        self.fetched.set(0);
        leptos::task::spawn_local(async move {
            let result = self.fetch_new().await;
            if let Err(e) = result {
                if e == AppError::Unauthorized {
                    // Refused by the LRS: sign in again; the class leaves the device.
                    self.sync.refused_by_lrs().await;
                }
                self.error.set(Some(e));
            }
            self.busy.set(false);
        });
    }

    /// Drops the cache and reads the open class again.
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
            self.set_statements(Vec::new(), Vec::new());
            self.roster.set(Vec::new());
            self.classes.set(Vec::new());
            self.refresh();
        });
    }

    async fn fetch_new(self) -> Result<(), AppError> {
        let class = self
            .class_code
            .get_untracked()
            .ok_or(AppError::NotSignedIn)?;
        let storage = self.app.storage().ok_or(AppError::NotSignedIn)?;
        let mut marks = cache_marks(&storage).await?;
        let key = self.key(&storage).await?;
        let credentials = self.sync.credentials().ok_or(AppError::NotSignedIn)?;
        let (endpoint, base) = match self.sync.config.get_untracked() {
            Some(Ok(c)) => (c.lrs_endpoint, c.base_iri),
            _ => return Err(AppError::NotSignedIn),
        };
        let class_activity = boiduong_core::xapi::class_id(&base, &class);
        let mut read = Reading {
            storage: &storage,
            key: &key,
            credentials: &credentials,
            endpoint: &endpoint,
            class: &class,
            marks: &mut marks,
            added: Vec::new(),
            added_pages: Vec::new(),
        };
        // Who joined the class: its `joined` statements.
        let query = |slot: &Slot, since: Option<&str>| match slot {
            Slot::Roster => marks_of::roster_query(verbs::JOINED, &class_activity, PAGE, since),
            Slot::Anonymous => marks_of::registration_query(
                &boiduong_core::xapi::class_registration(&base, &class),
                PAGE,
                since,
            ),
            Slot::Learner(a) => marks_of::agent_query(a, PAGE, since),
        };
        self.read_slot(&mut read, &Slot::Roster, &query).await?;
        let cached = self.statements.get_untracked();
        let mut everything: Vec<Statement> = (*cached).clone();
        everything.append(&mut read.added);
        let mut pages: Vec<Vec<u8>> = (*self.pages.get_value()).clone();
        pages.append(&mut read.added_pages);
        let roster = marks_of::roster(&everything, &class_activity);
        self.roster.set(roster.clone());
        self.set_statements(everything, pages);
        // Each learner's statements (not those the trainer hid), then the anonymous
        // evaluations of the class.
        let hidden = self.filter.with_untracked(|f| f.hidden.clone());
        let mut slots: Vec<Slot> = roster
            .into_iter()
            .filter(|a| !hidden.contains(&a.name))
            .map(Slot::Learner)
            .collect();
        slots.push(Slot::Anonymous);
        for slot in &slots {
            self.read_slot(&mut read, slot, &query).await?;
        }
        if !read.added.is_empty() {
            let mut all = (*self.statements.get_untracked()).clone();
            all.append(&mut read.added);
            let mut pages: Vec<Vec<u8>> = (*self.pages.get_value()).clone();
            pages.append(&mut read.added_pages);
            self.set_statements(all, pages);
        }
        self.classes.set(marks.classes.keys().cloned().collect());
        self.load_missing_versions().await;
        Ok(())
    }

    /// Reads one query to its end (or the page limit, said on screen), each page sealed and
    /// stored with the class's marks before the next is asked for.
    async fn read_slot(
        self,
        read: &mut Reading<'_>,
        slot: &Slot,
        query: &impl Fn(&Slot, Option<&str>) -> String,
    ) -> Result<(), AppError> {
        let statements_url = format!("{}/statements", read.endpoint.trim_end_matches('/'));
        let mut class_marks = read
            .marks
            .classes
            .get(read.class)
            .cloned()
            .unwrap_or_default();
        let mut mark = mark_of(&class_marks, slot);
        // Oldest first, so the mark only ever passes pages the cache holds (see
        // `review::refresh`): an interrupted refresh is resumed, not skipped over.
        let mut url = format!("{statements_url}?{}", query(slot, mark.as_deref()));
        for _ in 0..MAX_PAGES {
            let text = lrs::get_text(&url, read.credentials).await?;
            let raw: RawPage = serde_json::from_str(&text).map_err(|e| AppError::Malformed {
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
            if let Some(m) = review::refresh::page_mark(mark.as_deref(), &stored, last) {
                set_mark(&mut class_marks, slot, m.clone());
                mark = Some(m);
                read.marks
                    .classes
                    .insert(read.class.to_owned(), class_marks.clone());
            }
            if !page.statements.is_empty() {
                let bytes = review::pack_page(&page.statements);
                let page_key = format!(
                    "{}{:015}-{:06}",
                    page_prefix(read.class),
                    crate::platform::now_ms(),
                    self.fetched.get_untracked()
                );
                read.marks
                    .classes
                    .insert(read.class.to_owned(), class_marks.clone());
                let value = boiduong_core::record::to_value(&*read.marks)
                    .map_err(|e| AppError::Storage(e.to_string()))?;
                let sealed = crypto::seal(read.key, &bytes).await?;
                read.storage.review_put(&page_key, &sealed, &value).await?;
                self.fetched.update(|n| *n += page.statements.len());
                read.added.extend(page.statements);
                read.added_pages.push(sealed.iv);
            }
            match page
                .more
                .as_deref()
                .map(str::trim)
                .filter(|m| !m.is_empty())
            {
                // Followed only on the LRS's own origin: the request carries the password.
                Some(more) => match boiduong_core::urls::lrs_link(read.endpoint, more) {
                    Some(next) => url = next,
                    None => {
                        return Err(AppError::Malformed {
                            url: url.clone(),
                            reason: format!("the next page is on another site: {more}"),
                        })
                    }
                },
                None => return Ok(()),
            }
        }
        // The limit: what is cached stays, the next refresh goes on from the mark.
        self.capped.set(true);
        Ok(())
    }
}

/// What one refresh holds while it reads a class.
struct Reading<'a> {
    storage: &'a Storage,
    key: &'a web_sys::CryptoKey,
    credentials: &'a Credentials,
    endpoint: &'a str,
    class: &'a str,
    marks: &'a mut CacheMarks,
    /// Statements read and cached, not yet in the class shown.
    added: Vec<Statement>,
    /// The nonces of the pages they were cached in, in the same order.
    added_pages: Vec<Vec<u8>>,
}
