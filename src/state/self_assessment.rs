//! Self-assessment on the device: the signed-in learner's profile, consent, self-ratings and
//! module evaluations, read when storage is open and again whenever the account changes (each
//! account has its own; a new account starts with none and with consent private), and kept
//! in step with storage. Every write is durable (with its statements, when it has any)
//! before the signals change.
//!
//! The rules (gap report, comparisons, which statements a record produces, consent) are the
//! pure core's `boiduong_core::self_assessment` and `xapi::{self_rating_statements,
//! evaluation_statements}`; this module only wires them to storage and the outbox.

use boiduong_core::model::{Catalog, ContentKind};
use boiduong_core::self_assessment::rating::Phase;
use boiduong_core::self_assessment::{Consent, Evaluation, Profile, SelfRating};
use boiduong_core::xapi::{self, Statement};
use boiduong_core::Lang;
use leptos::prelude::*;

use boiduong_core::sync::anonymous_send_after;

use crate::error::AppError;
use crate::net::config::AnonymousAccount;
use crate::platform::now_ms;
use crate::session::{use_session, Session};
use crate::state::{use_app_state, AppState};
use crate::storage::self_assessment::SelfRecord;
use crate::storage::Queued;

#[derive(Clone, Copy)]
pub struct SelfAssessment {
    app: AppState,
    session: Session,
    /// The UI language (statements carry it in `context.language`).
    lang: Signal<Lang>,
    /// Profile, consent and records have been read from storage.
    pub loaded: ReadSignal<bool>,
    set_loaded: WriteSignal<bool>,
    pub profile: ReadSignal<Option<Profile>>,
    set_profile: WriteSignal<Option<Profile>>,
    /// Why the stored profile could not be read (it is kept, untouched, until replaced).
    pub profile_error: ReadSignal<Option<AppError>>,
    set_profile_error: WriteSignal<Option<AppError>>,
    pub consent: ReadSignal<Consent>,
    set_consent: WriteSignal<Consent>,
    /// Every self-rating on the device, with whether it was shared.
    pub ratings: ReadSignal<Vec<(SelfRating, bool)>>,
    set_ratings: WriteSignal<Vec<(SelfRating, bool)>>,
    pub evaluations: ReadSignal<Vec<Evaluation>>,
    set_evaluations: WriteSignal<Vec<Evaluation>>,
    /// Self-assessment records that could not be read (kept).
    pub damaged: ReadSignal<usize>,
    set_damaged: WriteSignal<usize>,
}

pub fn use_self_assessment() -> SelfAssessment {
    expect_context::<SelfAssessment>()
}

/// Provides the state (once, by the shell) and reads it from storage when storage is open.
pub fn provide_self_assessment() -> SelfAssessment {
    let app = use_app_state();
    let loaded = signal(false);
    let profile = signal(None);
    let profile_error = signal(None);
    let consent = signal(Consent::default());
    let ratings = signal(Vec::new());
    let evaluations = signal(Vec::new());
    let damaged = signal(0);
    let state = SelfAssessment {
        app,
        session: use_session(),
        lang: crate::state::use_lang(),
        loaded: loaded.0,
        set_loaded: loaded.1,
        profile: profile.0,
        set_profile: profile.1,
        profile_error: profile_error.0,
        set_profile_error: profile_error.1,
        consent: consent.0,
        set_consent: consent.1,
        ratings: ratings.0,
        set_ratings: ratings.1,
        evaluations: evaluations.0,
        set_evaluations: evaluations.1,
        damaged: damaged.0,
        set_damaged: damaged.1,
    };
    provide_context(state);
    // Another account (or a sign-out): forget the previous one's at once, so the next
    // person never sees it, then read the new account's.
    Effect::new(move |previous: Option<Option<String>>| {
        let learner = app.storage_ready.get().then(|| app.learner_id.get());
        if previous.as_ref() == Some(&learner) {
            return learner;
        }
        state.forget();
        if let Some(account) = learner.clone() {
            leptos::task::spawn_local(async move { state.load(account).await });
        }
        learner
    });
    state
}

/// Statements of one self-assessment record, ready for the outbox (the record's id stands
/// where an attempt id stands for attempt statements), owned by `account`.
/// `anonymous_after_ms`: an anonymous record, sent through the anonymous account not before
/// that time.
fn queued(
    statements: &[Statement],
    record_id: &str,
    account: &str,
    anonymous_after_ms: Option<i64>,
) -> Result<Vec<Queued>, AppError> {
    let base = now_ms() as f64 * 1000.0;
    statements
        .iter()
        .enumerate()
        .map(|(i, st)| {
            Ok(Queued {
                id: st.id.clone(),
                attempt_id: record_id.to_owned(),
                account: account.to_owned(),
                order: base + i as f64,
                body: serde_json::to_string(st).map_err(|e| AppError::Xapi(e.to_string()))?,
                anonymous_after_ms,
            })
        })
        .collect()
}

impl SelfAssessment {
    fn forget(self) {
        self.set_loaded.set(false);
        self.set_profile.set(None);
        self.set_profile_error.set(None);
        self.set_consent.set(Consent::default());
        self.set_ratings.set(Vec::new());
        self.set_evaluations.set(Vec::new());
        self.set_damaged.set(0);
    }

    /// Reads `account`'s records ("" = nobody signed in: nothing to read). A read that
    /// finishes after the account changed again is dropped.
    async fn load(self, account: String) {
        let Some(storage) = self.app.storage() else {
            return;
        };
        let still = {
            let account = account.clone();
            move || self.app.learner_id.get_untracked() == account
        };
        if account.is_empty() {
            self.set_loaded.set(true);
            return;
        }
        let profile = storage.load_profile(&account).await;
        let consent = storage.load_consent(&account).await;
        let records = storage.self_records(&account).await;
        if !still() {
            return;
        }
        match profile {
            Ok(p) => self.set_profile.set(p),
            Err(e) => self.set_profile_error.set(Some(e)),
        }
        if let Ok(c) = consent {
            self.set_consent.set(c);
        }
        match records {
            Ok(found) => {
                self.set_ratings.set(found.ratings);
                self.set_evaluations.set(found.evaluations);
                self.set_damaged.set(found.damaged);
            }
            Err(e) => self.set_profile_error.set(Some(e)),
        }
        self.set_loaded.set(true);
    }

    /// Reads the signed-in account's records again (after an import added some).
    pub async fn reload(self) {
        self.load(self.app.learner_id.get_untracked()).await;
    }

    /// The signed-in account (records and settings are kept per account).
    fn account(self) -> Result<String, AppError> {
        let account = self.app.learner_id.get_untracked();
        if account.is_empty() {
            Err(AppError::NotSignedIn)
        } else {
            Ok(account)
        }
    }

    fn storage(self) -> Result<crate::storage::Storage, AppError> {
        self.app
            .storage()
            .ok_or_else(|| AppError::StorageUnavailable("storage not open".into()))
    }

    /// Saves the profile (durable), then shows it.
    pub async fn save_profile(self, mut profile: Profile) -> Result<(), AppError> {
        profile.updated_at_ms = now_ms();
        let account = self.account()?;
        self.storage()?.save_profile(&account, &profile).await?;
        self.set_profile.set(Some(profile));
        self.set_profile_error.set(None);
        Ok(())
    }

    /// Saves the consent (durable), then shows it. It applies to records made from now on.
    pub async fn save_consent(self, consent: Consent) -> Result<(), AppError> {
        let account = self.account()?;
        self.storage()?.save_consent(&account, &consent).await?;
        self.set_consent.set(consent);
        Ok(())
    }

    /// Stores a self-rating; with the learner's consent, queues its statements in the same
    /// transaction. Private ratings stay on the device.
    pub async fn save_rating(self, rating: SelfRating, catalog: &Catalog) -> Result<(), AppError> {
        rating
            .validate(catalog)
            .map_err(|e| AppError::Xapi(e.to_string()))?;
        let account = self.account()?;
        let consent = self.consent.get_untracked();
        let statements = if consent.share_self_ratings {
            let ctx = self
                .session
                .statement_context(self.lang.get_untracked())
                .ok_or(AppError::NotSignedIn)?;
            let profile = self.profile.get_untracked();
            let list = xapi::self_rating_statements(
                &rating,
                catalog,
                &consent,
                profile.as_ref(),
                &ctx,
                &mut |slot| xapi::derived_id(slot),
            )
            .map_err(|e| AppError::Xapi(e.to_string()))?;
            queued(&list, &rating.id, &account, None)?
        } else {
            Vec::new()
        };
        let shared = !statements.is_empty();
        let record = SelfRecord::Rating {
            rating: rating.clone(),
            shared,
        };
        self.storage()?
            .save_self_record(&account, &record, &statements)
            .await?;
        self.set_ratings.update(|all| all.push((rating, shared)));
        if shared {
            self.session.kick();
        }
        Ok(())
    }

    /// Stores an evaluation and queues its statements in one transaction. An anonymous one
    /// is queued for the anonymous account, after a random delay (see `session::sync_driver`); without that
    /// account in `config.json` it is refused (the form does not offer it).
    pub async fn save_evaluation(
        self,
        evaluation: Evaluation,
        catalog: &Catalog,
    ) -> Result<(), AppError> {
        let anonymous_after_ms = if evaluation.anonymous {
            let account = self
                .anonymous_account()
                .ok_or_else(|| AppError::Xapi("no anonymous account is configured".into()))?;
            let now = now_ms().max(0) as u64;
            let at = anonymous_send_after(now, account.delay_ms(), crate::platform::random_u64());
            Some(i64::try_from(at).unwrap_or(i64::MAX))
        } else {
            None
        };
        let entry = catalog
            .entry(ContentKind::Module, &evaluation.module)
            .ok_or_else(|| AppError::Xapi(format!("unknown module {}", evaluation.module)))?;
        let ctx = self
            .session
            .statement_context(self.lang.get_untracked())
            .ok_or(AppError::NotSignedIn)?;
        let list =
            xapi::evaluation_statements(&evaluation, entry, &ctx, &mut |s| xapi::derived_id(s))
                .map_err(|e| AppError::Xapi(e.to_string()))?;
        let account = self.account()?;
        let statements = queued(&list, &evaluation.id, &account, anonymous_after_ms)?;
        self.storage()?
            .save_self_record(
                &account,
                &SelfRecord::Evaluation(evaluation.clone()),
                &statements,
            )
            .await?;
        self.set_evaluations.update(|all| all.push(evaluation));
        self.session.kick();
        Ok(())
    }

    /// The write-only account anonymous evaluations go through, when `config.json` names one
    /// (otherwise "send without my name" is not offered).
    pub fn anonymous_account(self) -> Option<AnonymousAccount> {
        match self.session.config.read().as_ref() {
            Some(Ok(c)) => c.anonymous_account.clone(),
            _ => None,
        }
    }

    /// The learner's latest rating of a module in a phase (this learner only).
    pub fn latest_module_rating(self, module: &str, phase: Phase) -> Option<SelfRating> {
        let learner = self.app.learner_id.get();
        self.ratings
            .read()
            .iter()
            .map(|(r, _)| r)
            .filter(|r| r.learner_id == learner)
            .filter(|r| {
                r.module
                    .as_ref()
                    .is_some_and(|l| l.module == module && l.phase == phase)
            })
            .max_by_key(|r| r.at_ms)
            .cloned()
    }

    /// This learner's ratings (all phases), oldest first.
    pub fn my_ratings(self) -> Vec<SelfRating> {
        let learner = self.app.learner_id.get();
        let mut list: Vec<SelfRating> = self
            .ratings
            .read()
            .iter()
            .map(|(r, _)| r.clone())
            .filter(|r| r.learner_id == learner)
            .collect();
        boiduong_core::order::sort_by_key(&mut list, |r| r.at_ms);
        list
    }
}
