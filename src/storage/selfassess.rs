//! Self-assessment records on the device: the learner's profile and consent (small settings in
//! the `meta` store, one per account) and their self-ratings and module evaluations (store
//! `selfassess`, schema 4, each naming its account), each written in one transaction with the
//! statements it produced.
//!
//! A self-rating kept private produces no statement (the core's mapping says so) and is
//! stored alone: nothing about it is ever queued.

use boiduong_core::record::{from_value, to_value, RecordError};
use boiduong_core::selfassess::profile::{decode_profile, encode_profile};
use boiduong_core::selfassess::{Consent, Evaluation, Profile, SelfRating};
use serde_json::{json, Value};

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

/// Format of a stored self-assessment record (the envelope below). Format 2 adds `account`;
/// a format-1 record gets it once from [`super::owners`].
pub const SELF_RECORD_FORMAT: u64 = 2;

/// A self-rating or an evaluation as stored: `{id, v, account, kind, shared, record}`.
#[derive(Clone, Debug, PartialEq)]
pub enum SelfRecord {
    /// `shared`: statements were queued for it (the learner consented at the time).
    Rating {
        rating: SelfRating,
        shared: bool,
    },
    Evaluation(Evaluation),
}

impl SelfRecord {
    pub fn id(&self) -> &str {
        match self {
            SelfRecord::Rating { rating, .. } => &rating.id,
            SelfRecord::Evaluation(e) => &e.id,
        }
    }

    /// The stored form, owned by `account`.
    pub fn encode(&self, account: &str) -> Value {
        let (kind, shared, record) = match self {
            SelfRecord::Rating { rating, shared } => ("rating", *shared, to_value(rating)),
            SelfRecord::Evaluation(e) => ("evaluation", true, to_value(e)),
        };
        json!({
            "id": self.id(),
            "v": SELF_RECORD_FORMAT,
            "account": account,
            "kind": kind,
            "shared": shared,
            "record": record.unwrap_or(Value::Null),
        })
    }

    pub fn decode(value: Value) -> Result<SelfRecord, RecordError> {
        let v = value.get("v").and_then(Value::as_u64).unwrap_or(0);
        if v > SELF_RECORD_FORMAT {
            return Err(RecordError::TooNew(v));
        }
        let record = value.get("record").cloned().unwrap_or(Value::Null);
        let corrupt = |e: serde_json::Error| RecordError::Corrupt(e.to_string());
        match value.get("kind").and_then(Value::as_str) {
            Some("rating") => Ok(SelfRecord::Rating {
                rating: from_value(&record).map_err(corrupt)?,
                shared: value
                    .get("shared")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }),
            Some("evaluation") => Ok(SelfRecord::Evaluation(
                from_value(&record).map_err(corrupt)?,
            )),
            _ => Err(RecordError::Corrupt(
                "unknown self-assessment record".into(),
            )),
        }
    }
}

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
