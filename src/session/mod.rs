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
mod sync_driver;

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
use crate::platform::network::online as browser_online;
use crate::platform::timer::sleep_ms;
use crate::platform::{now_ms, random_u64};
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
pub struct Session {
    app: AppState,
    pub config: ReadSignal<Option<Result<Config, AppError>>>,
    set_config: WriteSignal<Option<Result<Config, AppError>>>,
    pub identity: ReadSignal<Option<Identity>>,
    set_identity: WriteSignal<Option<Identity>>,
    credentials: StoredValue<Option<Credentials>>,
    /// Credentials are present (in memory) for this session.
    pub signed_in: ReadSignal<bool>,
    set_signed_in: WriteSignal<bool>,
    /// Signed in while the LRS could not be reached: the account is checked at the first sync.
    pub unverified: ReadSignal<bool>,
    set_unverified: WriteSignal<bool>,
    /// The LRS accepted the password in this page session (not a remembered credential, not
    /// an offline sign-in): what the trainer's class needs before anything of it is shown.
    pub verified: ReadSignal<bool>,
    set_verified: WriteSignal<bool>,
    /// Signed in as "máy dùng chung" (shared computer).
    pub shared: ReadSignal<bool>,
    set_shared: WriteSignal<bool>,
    pub pending: ReadSignal<usize>,
    set_pending: WriteSignal<usize>,
    pub rejected: ReadSignal<Vec<RejectedStatement>>,
    set_rejected: WriteSignal<Vec<RejectedStatement>>,
    pub last_sync_ms: ReadSignal<Option<i64>>,
    set_last_sync_ms: WriteSignal<Option<i64>>,
    pub online: ReadSignal<bool>,
    set_online: WriteSignal<bool>,
    /// The LRS refused the credentials: sign in again (nothing is lost meanwhile).
    pub auth_required: ReadSignal<bool>,
    set_auth_required: WriteSignal<bool>,
    /// Last problem talking to the LRS, in plain words.
    pub last_error: ReadSignal<Option<String>>,
    set_last_error: WriteSignal<Option<String>>,
    pub syncing: ReadSignal<bool>,
    set_syncing: WriteSignal<bool>,
    /// The LRS refused or does not have its statements resource (403/404): its address or
    /// the account's rights are wrong (status, reason). Nothing is sent or rejected until
    /// "Sync now" or a new sign-in.
    pub misconfigured: ReadSignal<Option<(u16, String)>>,
    set_misconfigured: WriteSignal<Option<(u16, String)>>,
    /// Anonymous evaluations cannot be sent: the anonymous account or its rights were
    /// refused (the LRS's reason). They wait, kept, until "Sync now".
    pub anonymous_refused: ReadSignal<Option<String>>,
    set_anonymous_refused: WriteSignal<Option<String>>,
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

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Provides the sync state; starts loading the config and the identity once storage is open.
pub fn provide_session(app: AppState) -> Session {
    let config = signal(None);
    let identity = signal(None);
    let signed_in = signal(false);
    let unverified = signal(false);
    let verified = signal(false);
    let shared = signal(false);
    let pending = signal(0);
    let rejected = signal(Vec::new());
    let last_sync_ms = signal(None);
    let online = signal(browser_online());
    let auth_required = signal(false);
    let last_error = signal(None);
    let syncing = signal(false);
    let misconfigured = signal(None);
    let anonymous_refused = signal(None);
    let state = Session {
        app,
        config: config.0,
        set_config: config.1,
        identity: identity.0,
        set_identity: identity.1,
        credentials: StoredValue::new(None),
        signed_in: signed_in.0,
        set_signed_in: signed_in.1,
        unverified: unverified.0,
        set_unverified: unverified.1,
        verified: verified.0,
        set_verified: verified.1,
        shared: shared.0,
        set_shared: shared.1,
        pending: pending.0,
        set_pending: pending.1,
        rejected: rejected.0,
        set_rejected: rejected.1,
        last_sync_ms: last_sync_ms.0,
        set_last_sync_ms: last_sync_ms.1,
        online: online.0,
        set_online: online.1,
        auth_required: auth_required.0,
        set_auth_required: auth_required.1,
        last_error: last_error.0,
        set_last_error: last_error.1,
        syncing: syncing.0,
        set_syncing: syncing.1,
        misconfigured: misconfigured.0,
        set_misconfigured: misconfigured.1,
        anonymous_refused: anonymous_refused.0,
        set_anonymous_refused: anonymous_refused.1,
        again: StoredValue::new(false),
        policy: StoredValue::new_local(SyncPolicy::new(SyncConfig::default())),
        anonymous_policy: StoredValue::new_local(SyncPolicy::new(SyncConfig::default())),
        last_sent_ms: StoredValue::new(0),
        wake: StoredValue::new(None),
        local_loaded: StoredValue::new(false),
    };
    provide_context(state);
    leptos::task::spawn_local(async move {
        state.set_config.set(Some(fetch_config().await));
    });
    let _ = window_event_listener(leptos::ev::online, move |_| {
        state.set_online.set(true);
        state.policy.update_value(|p| p.retry_now());
        state.kick();
    });
    let _ = window_event_listener(leptos::ev::offline, move |_| state.set_online.set(false));
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

impl Session {
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
                        self.set_signed_in.set(true);
                    }
                    None => device::forget(&storage).await,
                }
                if let Ok(Some(v)) = storage.meta(&last_sync_key(&identity.account)).await {
                    self.set_last_sync_ms.set(v.as_i64());
                }
                self.set_identity.set(Some(identity));
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
            self.set_pending.set(0);
            self.set_rejected.set(Vec::new());
            return;
        };
        if let Ok(n) = storage.outbox_count(&account).await {
            self.set_pending.set(n);
        }
        if let Ok(rejected) = storage.rejected(&account).await {
            self.set_rejected.set(rejected);
        }
    }

    /// Shows a problem on the sync page (in plain words) until the next sync run.
    pub fn report_error(self, error: &AppError) {
        self.set_last_error.set(Some(error.to_string()));
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
        self.set_last_sync_ms.set(
            storage
                .meta(&last_sync_key(&identity.account))
                .await
                .ok()
                .flatten()
                .and_then(|v| v.as_i64()),
        );
        self.set_identity.set(Some(identity));
        self.credentials.set_value(Some(credentials));
        self.set_signed_in.set(true);
        self.set_verified.set(checked);
        // Not checked (LRS unreachable): the shell says so until the first sync.
        self.set_unverified.set(!checked);
        self.set_shared.set(mode == SessionMode::Shared);
        self.set_auth_required.set(false);
        self.set_misconfigured.set(None);
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
        self.set_auth_required.set(true);
        self.set_signed_in.set(false);
        self.set_verified.set(false);
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
        self.set_signed_in.set(false);
        self.set_verified.set(false);
        self.set_shared.set(false);
        self.set_identity.set(None);
        self.set_pending.set(0);
        self.set_rejected.set(Vec::new());
        self.set_misconfigured.set(None);
        self.set_last_sync_ms.set(None);
        self.app.switch_account("").await;
        Ok(())
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
