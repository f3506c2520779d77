//! The app's error type: every adapter returns `Result<_, AppError>`.

use thiserror::Error;

#[derive(Clone, Debug, Error, PartialEq)]
pub enum AppError {
    /// IndexedDB missing (private mode), blocked by the browser or by a setting.
    #[error("storage unavailable: {0}")]
    StorageUnavailable(String),
    /// The quota is exhausted: nothing new can be written.
    #[error("storage full")]
    StorageFull,
    /// A write or read failed for another reason (name of the DOMException when known).
    #[error("storage error: {0}")]
    Storage(String),
    /// A stored record that cannot be read; it is kept, never deleted.
    #[error("damaged record: {0}")]
    Damaged(String),
    #[error("network error: {0}")]
    Network(String),
    #[error("server answered {status} for {url}")]
    Http { status: u16, url: String },
    #[error("unexpected response from {url}: {reason}")]
    Malformed { url: String, reason: String },
    #[error(transparent)]
    Attempt(#[from] AttemptErrorText),
    /// The LRS refused the account (401/403): sign in again, or not allowed to read this.
    #[error("the LRS refused the account")]
    Unauthorized,
    /// Records need the learner's identity (sign-in) to be attributed.
    #[error("not signed in")]
    NotSignedIn,
    /// WebCrypto refused (unavailable, or a sealed record that another key sealed or that was
    /// altered).
    #[error("encryption: {0}")]
    Crypto(String),
    /// The statement mapping refused the record (configuration or content problem).
    #[error("xAPI: {0}")]
    Xapi(String),
}

/// The engine's error rendered to text (the engine error type is not `Clone`).
#[derive(Clone, Debug, Error, PartialEq)]
#[error("{0}")]
pub struct AttemptErrorText(pub String);

impl From<boiduong_core::attempt::AttemptError> for AppError {
    fn from(e: boiduong_core::attempt::AttemptError) -> Self {
        AppError::Attempt(AttemptErrorText(e.to_string()))
    }
}

impl AppError {
    /// A short reason for learners, in the UI language (texts in `locales/*.json`).
    pub fn plain(&self, lang: boiduong_core::Lang) -> String {
        let t = crate::i18n::Locale::of(lang).strings();
        match self {
            AppError::StorageFull => t.error_storage_full.into(),
            AppError::StorageUnavailable(_) => t.error_storage_unavailable.into(),
            AppError::Network(_) => t.error_network.into(),
            AppError::NotSignedIn => t.error_not_signed_in.into(),
            AppError::Unauthorized => t.error_unauthorized.into(),
            other => other.to_string(),
        }
    }
}
