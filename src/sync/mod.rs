//! Sign-in state and the sync driver: moves the outbox to the LRS following the pure
//! `boiduong_core::sync::SyncPolicy`, and applies its effects durably.
//!
//! Sync runs at start-up, after each learner action, on the browser's `online` event, every
//! minute, and on "Sync now". One drive loop at a time; a kick during a run asks for one more.
//! It sends only the signed-in account's outbox (records are kept per account).
//! One tab at a time too: a run holds the Web Lock [`SYNC_LOCK`], so two open tabs never send
//! the same outbox (the second waits, then finds what the first sent gone from it).
//!
//! A sign-in is one of three [`SessionMode`]s: the default keeps the identity on the device
//! and the password in memory; "remember me" (learners only) also keeps the credential, sealed
//! ([`device`]), for the configured days; "máy dùng chung" (shared computer) keeps nothing
//! beyond the page. Sign-out deletes the account's records once they are sent.
//!
//! Anonymous evaluations never travel with the learner's statements: a run sends the
//! learner's outbox first, then at most one anonymous record, through the anonymous account
//! of `config.json`, when its random delay and the quiet time after the last request are
//! over (the policy is `boiduong_core::sync::anonymous_step`). They stay the account's records
//! on the device (shown to it alone, deleted with its records), never linked on the LRS.

pub mod device;

use boiduong_core::sync::{
    anonymous_step, AnonymousStep, Effect as SyncEffect, Pending, SyncConfig, SyncPolicy,
};
use boiduong_core::xapi::{Learner, StatementContext};
use boiduong_core::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::net::config::{fetch_config, Config};
use crate::net::lrs::{self, Credentials};
use crate::platform::now_ms;
use crate::state::AppState;
use crate::storage::{joined_key, last_sync_key, Queued, RejectedStatement, Storage, IDENTITY_KEY};

pub use device::REMEMBER_KEY;

const PERIOD_MS: i32 = 60_000;
/// The Web Lock a sync run holds (one tab at a time).
pub const SYNC_LOCK: &str = "boiduong-sync";

/// How a sign-in treats the device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SessionMode {
    /// The identity is kept (learning goes on after a reload; the password is asked again to
    /// send), the password only in memory.
    #[default]
    Default,
    /// "Remember me", learners only: the credential is kept too, sealed, for the configured
    /// days.
    Remember,
    /// "Máy dùng chung": nothing is kept beyond the page (a reload signs out); sign-out
    /// deletes the account's records once they are sent.
    Shared,
}

/// Who the learner is (not secret; kept on the device with their records).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The LRS account the training centre gave them.
    pub account: String,
    /// Their name as it appears to trainers.
    pub name: String,
    /// Class code (mã lớp).
    pub class_code: String,
    /// A trainer account (giảng viên): the LRS lets it read every learner's statements.
    /// Decided at sign-in from the LRS (see [`lrs::scopes`]), never by the form.
    #[serde(default)]
    pub trainer: bool,
}

#[derive(Clone, Copy)]
pub struct SyncState {
    app: AppState,
    pub config: RwSignal<Option<Result<Config, AppError>>>,
    pub identity: RwSignal<Option<Identity>>,
    credentials: StoredValue<Option<Credentials>>,
    /// Credentials are present (in memory) for this session.
    pub signed_in: RwSignal<bool>,
    /// Signed in while the LRS could not be reached: the account is checked at the first sync.
    pub unverified: RwSignal<bool>,
    /// The LRS accepted the password in this page session (not a remembered credential, not
    /// an offline sign-in): what the trainer's class needs before anything of it is shown.
    pub verified: RwSignal<bool>,
    /// Signed in as "máy dùng chung" (shared computer).
    pub shared: RwSignal<bool>,
    pub pending: RwSignal<usize>,
    pub rejected: RwSignal<Vec<RejectedStatement>>,
    pub last_sync_ms: RwSignal<Option<i64>>,
    pub online: RwSignal<bool>,
    /// The LRS refused the credentials: sign in again (nothing is lost meanwhile).
    pub auth_required: RwSignal<bool>,
    /// Last problem talking to the LRS, in plain words.
    pub last_error: RwSignal<Option<String>>,
    pub syncing: RwSignal<bool>,
    /// The LRS refused or does not have its statements resource (403/404): its address or
    /// the account's rights are wrong (status, reason). Nothing is sent or rejected until
    /// "Sync now" or a new sign-in.
    pub misconfigured: RwSignal<Option<(u16, String)>>,
    /// Anonymous evaluations cannot be sent: the anonymous account or its rights were
    /// refused (the LRS's reason). They wait, kept, until "Sync now".
    pub anonymous_refused: RwSignal<Option<String>>,
    again: StoredValue<bool>,
    policy: StoredValue<SyncPolicy, LocalStorage>,
    /// The policy of anonymous records (their own account, their own backoff).
    anonymous_policy: StoredValue<SyncPolicy, LocalStorage>,
    /// When the last request carrying the learner's statements or an anonymous record left.
    last_sent_ms: StoredValue<u64>,
    /// The time a wake-up timer is set for (one at a time: the earliest).
    wake: StoredValue<Option<u64>>,
    /// The identity, counts and remembered credentials have been read from storage.
    local_loaded: StoredValue<bool>,
}

pub fn use_sync() -> SyncState {
    expect_context::<SyncState>()
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn browser_online() -> bool {
    window().navigator().on_line()
}

fn random_u64() -> u64 {
    (js_sys::Math::random() * (u64::MAX as f64)) as u64
}

/// Provides the sync state; starts loading the config and the identity once storage is open.
pub fn provide_sync(app: AppState) -> SyncState {
    let state = SyncState {
        app,
        config: RwSignal::new(None),
        identity: RwSignal::new(None),
        credentials: StoredValue::new(None),
        signed_in: RwSignal::new(false),
        unverified: RwSignal::new(false),
        verified: RwSignal::new(false),
        shared: RwSignal::new(false),
        pending: RwSignal::new(0),
        rejected: RwSignal::new(Vec::new()),
        last_sync_ms: RwSignal::new(None),
        online: RwSignal::new(browser_online()),
        auth_required: RwSignal::new(false),
        last_error: RwSignal::new(None),
        syncing: RwSignal::new(false),
        misconfigured: RwSignal::new(None),
        anonymous_refused: RwSignal::new(None),
        again: StoredValue::new(false),
        policy: StoredValue::new_local(SyncPolicy::new(SyncConfig::default())),
        anonymous_policy: StoredValue::new_local(SyncPolicy::new(SyncConfig::default())),
        last_sent_ms: StoredValue::new(0),
        wake: StoredValue::new(None),
        local_loaded: StoredValue::new(false),
    };
    provide_context(state);
    leptos::task::spawn_local(async move {
        state.config.set(Some(fetch_config().await));
    });
    let _ = window_event_listener(leptos::ev::online, move |_| {
        state.online.set(true);
        state.policy.update_value(|p| p.retry_now());
        state.kick();
    });
    let _ = window_event_listener(leptos::ev::offline, move |_| state.online.set(false));
    let _ = set_interval_with_handle(
        move || state.kick(),
        std::time::Duration::from_millis(PERIOD_MS as u64),
    );
    // Identity and counts come from storage once it is open; then the first sync.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !app.storage_ready.get() {
            return done.unwrap_or(false);
        }
        leptos::task::spawn_local(async move {
            state.load_local().await;
            state.kick();
        });
        true
    });
    state
}

impl SyncState {
    async fn load_local(self) {
        let Some(storage) = self.app.storage() else {
            return;
        };
        let identity = storage
            .meta(IDENTITY_KEY)
            .await
            .ok()
            .flatten()
            .and_then(|v| boiduong_core::record::from_value::<Identity>(&v).ok());
        let remembered = device::remembered(&storage, now_ms()).await;
        match identity {
            Some(identity) => {
                self.app.switch_account(&identity.account).await;
                // A trainer's credential is never remembered (one left by an older portal
                // is dropped), and only the identity's own opens the session.
                match remembered.filter(|c| c.account == identity.account && !identity.trainer) {
                    Some(c) => {
                        self.credentials.set_value(Some(c));
                        self.signed_in.set(true);
                    }
                    None => device::forget(&storage).await,
                }
                if let Ok(Some(v)) = storage.meta(&last_sync_key(&identity.account)).await {
                    self.last_sync_ms.set(v.as_i64());
                }
                self.identity.set(Some(identity));
            }
            None => {
                device::forget(&storage).await;
                self.app.switch_account("").await;
            }
        }
        self.refresh_counts().await;
        self.local_loaded.set_value(true);
    }

    /// Waits (bounded, ~10 s) until the runtime config has been fetched and the local state
    /// read. A learner who submits the sign-in form right after the page opened was told
    /// "config.json could not be read" while it was still loading (found by the e2e tests),
    /// and a sign-in racing `load_local` could be overwritten by the stored identity.
    pub async fn ready(self) {
        for _ in 0..200 {
            if self.config.get_untracked().is_some() && self.local_loaded.get_value() {
                return;
            }
            sleep_ms(50).await;
        }
    }

    async fn refresh_counts(self) {
        let Some(storage) = self.app.storage() else {
            return;
        };
        let Some(account) = self.identity.get_untracked().map(|i| i.account) else {
            self.pending.set(0);
            self.rejected.set(Vec::new());
            return;
        };
        if let Ok(n) = storage.outbox_count(&account).await {
            self.pending.set(n);
        }
        if let Ok(rejected) = storage.rejected(&account).await {
            self.rejected.set(rejected);
        }
    }

    /// The context statements are made in; `None` until signed in and configured.
    pub fn statement_context(&self, lang: Lang) -> Option<StatementContext> {
        let identity = self.identity.get_untracked()?;
        let config = self.config.get_untracked()?.ok()?;
        Some(StatementContext {
            base: config.base_iri.clone(),
            learner: Learner {
                name: identity.name.clone(),
                home_page: config.account_home_page.clone(),
                account_name: identity.account.clone(),
            },
            class_code: identity.class_code.clone(),
            platform: format!("{} {} (web)", config.portal_name, env!("CARGO_PKG_VERSION")),
            language: lang,
        })
    }

    /// Queues the signed-in learner's `joined` statement for their class (the identity's
    /// class code), once per account and class on this device, in one transaction with the
    /// note that it is joined; a trainer, or a learner without a class, joins nothing.
    pub async fn join_class(self, lang: Lang) -> Result<(), AppError> {
        let Some(identity) = self.identity.get_untracked() else {
            return Ok(());
        };
        if identity.trainer || identity.class_code.trim().is_empty() {
            return Ok(());
        }
        let code = boiduong_core::xapi::class_code(&identity.class_code)
            .map_err(|e| AppError::Xapi(e.to_string()))?;
        let storage = self.app.storage().ok_or(AppError::NotSignedIn)?;
        let key = joined_key(&identity.account);
        let mut joined: Vec<String> = storage
            .meta(&key)
            .await?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        if joined.contains(&code) {
            return Ok(());
        }
        let ctx = self.statement_context(lang).ok_or(AppError::NotSignedIn)?;
        let at = now_ms();
        let statement =
            boiduong_core::xapi::joined_statement(&ctx, &crate::platform::new_uuid(), at)
                .map_err(|e| AppError::Xapi(e.to_string()))?;
        let queued = Queued {
            id: statement.id.clone(),
            attempt_id: statement.id.clone(),
            account: identity.account.clone(),
            order: at as f64 * 1000.0,
            body: serde_json::to_string(&statement).map_err(|e| AppError::Xapi(e.to_string()))?,
            anonymous_after_ms: None,
        };
        joined.push(code);
        storage
            .queue_with_meta(&key, &serde_json::json!(joined), &[queued])
            .await?;
        self.refresh_counts().await;
        self.kick();
        Ok(())
    }

    /// Signs in: checks the credentials with the LRS when it can be reached. Offline, the
    /// sign-in is accepted and checked at the first sync (records keep accumulating), unless
    /// the account has a verifier here and the password does not match it. Another account's
    /// records stay on the device, as its own; its trainer cache goes.
    /// Returns whether the LRS confirmed them (`Ok(false)`: not checked, offline).
    pub async fn sign_in(
        self,
        identity: Identity,
        password: String,
        mode: SessionMode,
    ) -> Result<bool, SignInError> {
        self.ready().await;
        let credentials = Credentials {
            account: identity.account.clone(),
            password,
        };
        let config = match self.config.get_untracked() {
            Some(Ok(c)) => c,
            _ => return Err(SignInError::NoConfig),
        };
        let storage = self.app.storage().ok_or(SignInError::NoConfig)?;
        let checked = match lrs::verify(&config.lrs_endpoint, &credentials).await {
            Ok(true) => true,
            Ok(false) => return Err(SignInError::Refused),
            Err(_) => {
                if device::check_verifier(&storage, &credentials).await == Some(false) {
                    return Err(SignInError::OfflineMismatch);
                }
                false
            }
        };
        let previous = self.identity.get_untracked();
        let mut identity = identity;
        identity.trainer = if checked {
            self.is_trainer(&config.lrs_endpoint, &credentials).await
        } else {
            // Offline: keep what the LRS said at this account's last sign-in.
            previous
                .as_ref()
                .is_some_and(|i| i.account == identity.account && i.trainer)
        };
        if previous
            .as_ref()
            .is_some_and(|p| p.account != identity.account)
        {
            storage.review_clear().await.map_err(SignInError::Storage)?;
        }
        if mode == SessionMode::Shared {
            storage
                .delete_meta(IDENTITY_KEY)
                .await
                .map_err(SignInError::Storage)?;
        } else {
            let value =
                boiduong_core::record::to_value(&identity).map_err(|_| SignInError::NoConfig)?;
            storage
                .set_meta(IDENTITY_KEY, &value)
                .await
                .map_err(SignInError::Storage)?;
        }
        if checked {
            // Without it an offline sign-in is simply unchecked, as before.
            let _ = device::keep_verifier(&storage, &credentials).await;
        }
        let days = config.remember_days();
        let remember = mode == SessionMode::Remember && !identity.trainer && days > 0;
        if !remember
            || device::remember(&storage, &credentials, now_ms(), days)
                .await
                .is_err()
        {
            device::forget(&storage).await;
        }
        self.app.switch_account(&identity.account).await;
        self.last_sync_ms.set(
            storage
                .meta(&last_sync_key(&identity.account))
                .await
                .ok()
                .flatten()
                .and_then(|v| v.as_i64()),
        );
        self.identity.set(Some(identity));
        self.credentials.set_value(Some(credentials));
        self.signed_in.set(true);
        self.verified.set(checked);
        self.shared.set(mode == SessionMode::Shared);
        self.auth_required.set(false);
        self.misconfigured.set(None);
        self.policy.update_value(|p| p.signed_in());
        self.refresh_counts().await;
        self.kick();
        Ok(checked)
    }

    /// Whether the LRS lets this account read every learner's statements: Ralph's `whoami`
    /// lists the scopes (`statements/read` or `all`); an LRS without it is asked nothing and
    /// the accounts listed in `config.json`'s `trainer_accounts` are trainers.
    async fn is_trainer(self, endpoint: &str, credentials: &Credentials) -> bool {
        match lrs::scopes(endpoint, credentials).await {
            Ok(Some(scopes)) => scopes.iter().any(|s| s == "statements/read" || s == "all"),
            Ok(None) | Err(_) => matches!(
                self.config.get_untracked(),
                Some(Ok(c)) if c.trainer_accounts.contains(&credentials.account)
            ),
        }
    }

    /// The LRS refused the account outside the sync (a trainer read): as when a sync is
    /// refused, sign in again; nothing of the records is lost.
    pub async fn refused_by_lrs(self) {
        self.auth_required.set(true);
        self.signed_in.set(false);
        self.verified.set(false);
        self.credentials.set_value(None);
        if let Some(storage) = self.app.storage() {
            device::forget(&storage).await;
        }
    }

    /// The signed-in account's credentials (trainer reads use them too).
    pub fn credentials(&self) -> Option<Credentials> {
        self.credentials.get_value()
    }

    /// Signs out and deletes the account's records on this device (other accounts' stay),
    /// with the trainer's cache and what was remembered. Refused while records are unsent or
    /// statements the LRS refused are kept, unless `confirmed` (the learner chose to lose
    /// them).
    pub async fn sign_out(self, confirmed: bool) -> Result<(), AppError> {
        let unsent = self.pending.get_untracked() > 0 || !self.rejected.read_untracked().is_empty();
        if unsent && !confirmed {
            return Err(AppError::Storage("unsent records".into()));
        }
        if let Some(storage) = self.app.storage() {
            if let Some(identity) = self.identity.get_untracked() {
                storage.clear_account(&identity.account).await?;
            }
            device::forget(&storage).await;
        } else {
            device::forget_now();
        }
        self.credentials.set_value(None);
        self.signed_in.set(false);
        self.verified.set(false);
        self.shared.set(false);
        self.identity.set(None);
        self.pending.set(0);
        self.rejected.set(Vec::new());
        self.misconfigured.set(None);
        self.last_sync_ms.set(None);
        self.app.switch_account("").await;
        Ok(())
    }

    /// "Sync now": also cancels our own backoff (never the LRS's Retry-After) and tries a
    /// misconfigured LRS or a refused anonymous account once more.
    pub fn sync_now(self) {
        self.policy.update_value(|p| p.retry_now());
        self.anonymous_policy.update_value(|p| {
            p.retry_now();
            p.signed_in();
        });
        self.misconfigured.set(None);
        self.anonymous_refused.set(None);
        self.kick();
    }

    /// Puts the statements the LRS refused back in the outbox (the learner chose to, e.g.
    /// once the training centre fixed what the LRS objected to), then syncs.
    pub async fn requeue_rejected(self) -> Result<usize, AppError> {
        let storage = self
            .app
            .storage()
            .ok_or_else(|| AppError::StorageUnavailable("storage not open".into()))?;
        let ids: Vec<String> = self
            .rejected
            .get_untracked()
            .into_iter()
            .map(|r| r.id)
            .collect();
        let Some(account) = self.identity.get_untracked().map(|i| i.account) else {
            return Ok(0);
        };
        let moved = storage.requeue_rejected(&account, &ids).await?;
        self.refresh_counts().await;
        self.sync_now();
        Ok(moved)
    }

    /// Runs the drive loop now, or once more after the current run.
    pub fn kick(self) {
        if self.syncing.get_untracked() {
            self.again.set_value(true);
            return;
        }
        self.syncing.set(true);
        leptos::task::spawn_local(async move {
            // One tab at a time: another tab's run makes this one wait, then this one reads
            // the outbox afresh.
            crate::platform::with_lock(SYNC_LOCK, async move {
                loop {
                    self.again.set_value(false);
                    self.drive().await;
                    if !self.again.get_value() {
                        break;
                    }
                }
            })
            .await;
            self.syncing.set(false);
        });
    }

    async fn drive(self) {
        let Some(storage) = self.app.storage() else {
            return;
        };
        let Some(Ok(config)) = self.config.get_untracked() else {
            return;
        };
        // The outbox is read once per run and kept in step locally (re-reading 10,000 records
        // per request would dominate a large drain); statements queued meanwhile are picked up
        // by the next run, which `kick` schedules.
        // The account whose outbox this is: the one signed in on the device (its password
        // may be unknown after a reload: then only its anonymous records can go).
        let Some(account) = self.identity.get_untracked().map(|i| i.account) else {
            self.refresh_counts().await;
            return;
        };
        let outbox = match storage.outbox(&account).await {
            Ok(o) => o,
            Err(e) => {
                self.last_error.set(Some(e.to_string()));
                return;
            }
        };
        let (anonymous, named): (Vec<Queued>, Vec<Queued>) = outbox
            .into_iter()
            .partition(|q| q.anonymous_after_ms.is_some());
        let named_done = match self.credentials.get_value() {
            Some(credentials) => {
                self.drive_named(&storage, &config, &credentials, named, anonymous.len())
                    .await
            }
            None => {
                self.refresh_counts().await;
                true
            }
        };
        if named_done {
            self.drive_anonymous(&storage, &config, &account, anonymous)
                .await;
        }
    }

    /// Sends the learner's own statements. Returns false when the run must stop (the
    /// session or the address was refused, or the outbox could not be written).
    async fn drive_named(
        self,
        storage: &Storage,
        config: &Config,
        credentials: &Credentials,
        mut outbox: Vec<Queued>,
        anonymous_waiting: usize,
    ) -> bool {
        let mut pending: Vec<Pending> = outbox
            .iter()
            .map(|q| Pending {
                id: q.id.clone(),
                body: q.body.clone(),
            })
            .collect();
        let mut commit: Option<futures::future::LocalBoxFuture<'static, Result<(), AppError>>> =
            None;
        // Bounded: each round sends one request; the policy's waits end the loop.
        for _ in 0..100_000 {
            self.pending.set(pending.len() + anonymous_waiting);
            let now = now_ms().max(0) as u64;
            let request = self
                .policy
                .try_update_value(|p| p.next_request(&pending, now))
                .flatten();
            let Some(request) = request else {
                if let Some(previous) = commit.take() {
                    if let Err(e) = previous.await {
                        self.save_failed(e);
                        return false;
                    }
                }
                self.schedule_wake();
                return true;
            };
            self.last_sent_ms.set_value(now);
            // The previous round's outbox commit runs while this request is in flight (at most
            // one outstanding). If the page dies before it lands, the acknowledged statements
            // are simply sent again, and the LRS answers an identical copy with 204.
            let send = lrs::send(&request, &config.lrs_endpoint, credentials);
            let outcome = match commit.take() {
                Some(previous) => {
                    let (outcome, committed) = futures::future::join(send, previous).await;
                    if let Err(e) = committed {
                        // The answer to this request is not applied either: everything the
                        // failed write would have removed is still in the outbox and goes
                        // again after a backoff (the policy is told, so it never waits for
                        // an answer that will not come).
                        self.save_failed(e);
                        return false;
                    }
                    outcome
                }
                None => send.await,
            };
            let now = now_ms().max(0) as u64;
            let effects = self
                .policy
                .try_update_value(|p| p.on_outcome(&request, outcome, now, random_u64()))
                .unwrap_or_default();
            let mut acked = Vec::new();
            let mut rejected = Vec::new();
            let mut auth = false;
            let mut misconfigured = None;
            for effect in effects {
                match effect {
                    SyncEffect::Acked(ids) => acked.extend(ids),
                    SyncEffect::Rejected { id, status, reason } => {
                        rejected.push(rejected_record(
                            &outbox,
                            &credentials.account,
                            id,
                            status,
                            reason,
                        ));
                    }
                    SyncEffect::AuthRequired => auth = true,
                    SyncEffect::Misconfigured { status, reason } => {
                        misconfigured = Some((status, reason));
                    }
                    SyncEffect::WaitUntil(_) => {}
                }
            }
            if !acked.is_empty() || !rejected.is_empty() {
                // One transaction: the outbox change and the time of this sync.
                let synced_at = (!acked.is_empty()).then(now_ms);
                let write = {
                    let storage = storage.clone();
                    let (acked, rejected) = (acked.clone(), rejected.clone());
                    let account = credentials.account.clone();
                    async move { storage.settle(&account, &acked, &rejected, synced_at).await }
                };
                if rejected.is_empty() {
                    commit = Some(Box::pin(write));
                } else if let Err(e) = write.await {
                    // Rejections are rare and shown at once: written before going on.
                    self.save_failed(e);
                    return false;
                }
                let done: std::collections::HashSet<&str> = acked
                    .iter()
                    .map(String::as_str)
                    .chain(rejected.iter().map(|r| r.id.as_str()))
                    .collect();
                pending.retain(|p| !done.contains(p.id.as_str()));
                outbox.retain(|q| !done.contains(q.id.as_str()));
                self.pending.set(pending.len() + anonymous_waiting);
            }
            if !acked.is_empty() {
                self.last_sync_ms.set(Some(now_ms()));
                self.last_error.set(None);
                self.unverified.set(false);
                self.misconfigured.set(None);
            }
            if !rejected.is_empty() {
                self.refresh_counts().await;
            }
            self.last_error.set(
                self.policy
                    .with_value(|p| p.last_error().map(str::to_owned)),
            );
            if auth || misconfigured.is_some() {
                if let Some(previous) = commit.take() {
                    if let Err(e) = previous.await {
                        self.last_error.set(Some(e.to_string()));
                    }
                }
                if auth {
                    self.auth_required.set(true);
                    self.signed_in.set(false);
                    self.verified.set(false);
                    self.credentials.set_value(None);
                    device::forget(storage).await;
                }
                if misconfigured.is_some() {
                    // Stopped, kept, said: never a rejection of the learner's statements.
                    self.misconfigured.set(misconfigured);
                }
                self.refresh_counts().await;
                return false;
            }
        }
        if let Some(previous) = commit.take() {
            if let Err(e) = previous.await {
                self.save_failed(e);
                return false;
            }
        }
        true
    }

    /// An outbox write failed: say why, and let the policy send again after a backoff.
    fn save_failed(self, error: AppError) {
        let now = now_ms().max(0) as u64;
        self.policy.update_value(|p| {
            p.apply_failed(error.to_string(), now, random_u64());
        });
        self.last_error.set(Some(error.to_string()));
        self.schedule_wake();
    }

    /// Sends at most one anonymous record, through the anonymous account, in a request of its
    /// own, when its delay and the quiet time after the last request are over.
    /// `owner` is the account whose records they are on this device (never sent with them).
    async fn drive_anonymous(
        self,
        storage: &Storage,
        config: &Config,
        owner: &str,
        outbox: Vec<Queued>,
    ) {
        // Without the account (removed from config.json since), the records wait, kept.
        let Some(account) = config.anonymous_account.clone() else {
            return;
        };
        // A refused anonymous account, or an LRS that refuses everything (shown already),
        // waits for "Sync now".
        if outbox.is_empty()
            || self.anonymous_refused.get_untracked().is_some()
            || self.misconfigured.get_untracked().is_some()
        {
            return;
        }
        let (quiet_ms, _) = account.delay_ms();
        let mut due: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
        for q in &outbox {
            let at = q.anonymous_after_ms.unwrap_or(0).max(0) as u64;
            let entry = due.entry(q.attempt_id.as_str()).or_insert(at);
            *entry = (*entry).min(at);
        }
        let records: Vec<(&str, u64)> = due.into_iter().collect();
        let now = now_ms().max(0) as u64;
        let record = match anonymous_step(&records, now, self.last_sent_ms.get_value(), quiet_ms) {
            AnonymousStep::Idle => return,
            AnonymousStep::WaitUntil(at) => {
                self.wake_at(at);
                return;
            }
            AnonymousStep::Send(record) => record.to_owned(),
        };
        let credentials = Credentials {
            account: account.name.clone(),
            password: account.password.clone(),
        };
        let mut pending: Vec<Pending> = outbox
            .iter()
            .filter(|q| q.attempt_id == record)
            .map(|q| Pending {
                id: q.id.clone(),
                body: q.body.clone(),
            })
            .collect();
        // One record: one request, or a few if the LRS asks to split or probe.
        for _ in 0..100 {
            let now = now_ms().max(0) as u64;
            let request = self
                .anonymous_policy
                .try_update_value(|p| p.next_request(&pending, now))
                .flatten();
            let Some(request) = request else {
                break;
            };
            self.last_sent_ms.set_value(now);
            let outcome = lrs::send(&request, &config.lrs_endpoint, &credentials).await;
            let now = now_ms().max(0) as u64;
            let effects = self
                .anonymous_policy
                .try_update_value(|p| p.on_outcome(&request, outcome, now, random_u64()))
                .unwrap_or_default();
            let mut acked = Vec::new();
            let mut rejected = Vec::new();
            for effect in effects {
                match effect {
                    SyncEffect::Acked(ids) => acked.extend(ids),
                    SyncEffect::Rejected { id, status, reason } => {
                        rejected.push(rejected_record(&outbox, owner, id, status, reason));
                    }
                    SyncEffect::AuthRequired => {
                        let reason = self
                            .anonymous_policy
                            .with_value(|p| p.last_error().map(str::to_owned))
                            .unwrap_or_default();
                        self.anonymous_refused.set(Some(reason));
                    }
                    SyncEffect::Misconfigured { status, reason } => {
                        self.anonymous_refused
                            .set(Some(format!("{status}: {reason}")));
                    }
                    SyncEffect::WaitUntil(at) => self.wake_at(at),
                }
            }
            if !acked.is_empty() || !rejected.is_empty() {
                if let Err(e) = storage.settle(owner, &acked, &rejected, None).await {
                    let now = now_ms().max(0) as u64;
                    self.anonymous_policy.update_value(|p| {
                        p.apply_failed(e.to_string(), now, random_u64());
                    });
                    self.last_error.set(Some(e.to_string()));
                    break;
                }
                pending
                    .retain(|p| !acked.contains(&p.id) && !rejected.iter().any(|r| r.id == p.id));
                self.refresh_counts().await;
            }
            if self.anonymous_refused.get_untracked().is_some() {
                break;
            }
        }
        self.last_sent_ms.set_value(now_ms().max(0) as u64);
        // The next record (if any) waits for the quiet time after this one.
        if records.len() > 1 {
            self.wake_at(now_ms().max(0) as u64 + quiet_ms);
        }
    }

    /// Wakes the loop when the policy's backoff or Retry-After ends.
    fn schedule_wake(self) {
        if let Some(at) = self.policy.with_value(|p| p.next_wake()) {
            self.wake_at(at);
        }
    }

    /// Runs the loop again at `at` (ms since epoch; at once when past), unless a timer is
    /// already set for no later than that (the run it starts sets the next one).
    fn wake_at(self, at: u64) {
        let now = now_ms().max(0) as u64;
        if self.wake.get_value().is_some_and(|t| t > now && t <= at) {
            return;
        }
        self.wake.set_value(Some(at));
        let delay = at.saturating_sub(now).min(i32::MAX as u64);
        set_timeout(
            move || {
                if self.wake.get_value() == Some(at) {
                    self.wake.set_value(None);
                }
                self.kick();
            },
            std::time::Duration::from_millis(delay),
        );
    }
}

/// A refused statement as kept in the rejected store (as `account`'s), with what the outbox
/// knew of it.
fn rejected_record(
    outbox: &[Queued],
    account: &str,
    id: String,
    status: u16,
    reason: String,
) -> RejectedStatement {
    let queued = outbox.iter().find(|q| q.id == id);
    RejectedStatement {
        attempt_id: queued.map(|q| q.attempt_id.clone()).unwrap_or_default(),
        account: account.to_owned(),
        body: queued.map(|q| q.body.clone()).unwrap_or_default(),
        id,
        status,
        reason,
        at_ms: now_ms(),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SignInError {
    /// The LRS refused the account or password.
    Refused,
    /// `/config.json` is missing or wrong.
    NoConfig,
    /// Offline, and the password is not the one the LRS last accepted for this account on
    /// this device (its records here stay closed until the LRS can be asked).
    OfflineMismatch,
    Storage(AppError),
}
