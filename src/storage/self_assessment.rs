//! Self-assessment records on the device: the learner's profile and consent (small settings in
//! the `meta` store, one per account) and their self-ratings and module evaluations (store
//! `selfassess`, schema 4, each naming its account), each written in one transaction with the
//! statements it produced.
//!
//! A self-rating kept private produces no statement (the core's mapping says so) and is
//! stored alone: nothing about it is ever queued.

use boiduong_core::record::{from_value, to_value, RecordError};
use boiduong_core::self_assessment::profile::{decode_profile, encode_profile};
use boiduong_core::self_assessment::{Consent, Evaluation, Profile, SelfRating};
use serde_json::Value;

use super::{Queued, Storage};
use crate::error::AppError;

/// Meta key of `account`'s profile (the core's versioned JSON).
pub fn profile_key(account: &str) -> String {
    format!("profile:{account}")
}

/// Meta key where `account`'s unreadable profile is kept when they save a new one.
pub fn profile_unreadable_key(account: &str) -> String {
    format!("profile_unreadable:{account}")
}

/// Meta key of `account`'s consent (none stored: private).
pub fn consent_key(account: &str) -> String {
    format!("consent:{account}")
}

pub use boiduong_core::self_assessment::stored::{SelfRecord, SELF_RECORD_FORMAT};

/// What a read of the self-assessment records found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SelfRecords {
    pub ratings: Vec<(SelfRating, bool)>,
    pub evaluations: Vec<Evaluation>,
    /// Records that could not be read: kept, not deleted.
    pub damaged: usize,
}

/// The stored profile could not be read (it is kept untouched).
fn unreadable(e: RecordError) -> AppError {
    AppError::Damaged(e.to_string())
}

impl Storage {
    /// `account`'s profile: None when none is stored; `Damaged` when it cannot be read
    /// (a newer portal's, or broken), in which case it stays where it is.
    pub async fn load_profile(&self, account: &str) -> Result<Option<Profile>, AppError> {
        match self.meta(&profile_key(account)).await? {
            None => Ok(None),
            Some(v) => decode_profile(v).map(Some).map_err(unreadable),
        }
    }

    /// Saves `account`'s profile in the current format. An unreadable stored profile is
    /// first kept aside (`profile_unreadable:<account>`), never silently overwritten.
    pub async fn save_profile(&self, account: &str, profile: &Profile) -> Result<(), AppError> {
        if let Some(old) = self.meta(&profile_key(account)).await? {
            if decode_profile(old.clone()).is_err() {
                self.set_meta(&profile_unreadable_key(account), &old)
                    .await?;
            }
        }
        self.set_meta(&profile_key(account), &encode_profile(profile))
            .await
    }

    /// `account`'s consent; private (the default) when none is stored or it is unreadable.
    pub async fn load_consent(&self, account: &str) -> Result<Consent, AppError> {
        Ok(self
            .meta(&consent_key(account))
            .await?
            .and_then(|v| from_value(&v).ok())
            .unwrap_or_default())
    }

    pub async fn save_consent(&self, account: &str, consent: &Consent) -> Result<(), AppError> {
        let value = to_value(consent).map_err(|e| AppError::Storage(e.to_string()))?;
        self.set_meta(&consent_key(account), &value).await
    }

    /// Stores `account`'s self-rating or evaluation and queues its statements, in one
    /// transaction.
    pub async fn save_self_record(
        &self,
        account: &str,
        record: &SelfRecord,
        statements: &[Queued],
    ) -> Result<(), AppError> {
        let value = record.encode(account);
        match self {
            Storage::Idb(s) => s.put_self_record(&value, statements).await,
            Storage::Memory(s) => {
                s.put_self_record(record.id(), &value, statements);
                Ok(())
            }
        }
    }

    /// Every self-rating and evaluation of `account` on this device (records that cannot be
    /// read are counted: whose they are cannot be told).
    pub async fn self_records(&self, account: &str) -> Result<SelfRecords, AppError> {
        let values = match self {
            Storage::Idb(s) => s.self_record_values().await?,
            Storage::Memory(s) => s.self_record_values(),
        };
        let mut out = SelfRecords::default();
        for v in values {
            let mine = v.get("account").and_then(Value::as_str) == Some(account);
            match SelfRecord::decode(v) {
                Ok(_) if !mine => {}
                Ok(SelfRecord::Rating { rating, shared }) => out.ratings.push((rating, shared)),
                Ok(SelfRecord::Evaluation(e)) => out.evaluations.push(e),
                Err(_) => out.damaged += 1,
            }
        }
        Ok(out)
    }
}
