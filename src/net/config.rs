//! The runtime configuration, `/config.json` (editable on the server without a rebuild).

use serde::Deserialize;

use crate::error::AppError;

/// Where records go and how they are named.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Shown in the header and sent as the xAPI `platform`.
    pub portal_name: String,
    /// The LRS's xAPI endpoint, e.g. `https://lrs.example.vn/xAPI/`.
    pub lrs_endpoint: String,
    /// Base IRI of activity ids and extensions, e.g. `https://boiduong.example/xapi`.
    pub base_iri: String,
    /// `account.homePage` of learner agents: the system that issued the accounts.
    pub account_home_page: String,
    /// Trainer accounts, for an LRS that cannot say which accounts may read everything
    /// (Ralph answers `GET /whoami` with the scopes; then this list is not needed).
    #[serde(default)]
    pub trainer_accounts: Vec<String>,
    /// Authoring preview (`/preview/scenario/<id>/<node>`): on in the dev/demo server's
    /// config, off (absent) in production.
    #[serde(default)]
    pub preview: bool,
    /// Days a learner's "remember me" sign-in lasts (default 14; 0: not offered).
    #[serde(default)]
    pub remember_days: Option<u32>,
    /// Days the trainer's class cache is kept before it is read again from the LRS (default 7).
    #[serde(default)]
    pub trainer_cache_days: Option<u32>,
    /// The write-only LRS account anonymous evaluations go through (never the learner's).
    /// Without it, the evaluation form does not offer "send without my name".
    #[serde(default)]
    pub anonymous_account: Option<AnonymousAccount>,
}

/// A write-only LRS account (scope `statements/write` only) shared by every learner: the LRS
/// stamps it, not the learner, as the `authority` of an anonymous evaluation.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnonymousAccount {
    pub name: String,
    pub password: String,
    /// An anonymous evaluation waits a random delay in this range (seconds) before it is sent,
    /// and is never sent within the lower bound of a request carrying a learner's own
    /// statements. Default 60-900 s.
    #[serde(default = "default_anonymous_delay_s")]
    pub delay_s: [u64; 2],
}

fn default_anonymous_delay_s() -> [u64; 2] {
    [60, 900]
}

impl AnonymousAccount {
    /// The delay range in ms, lower bound first.
    pub fn delay_ms(&self) -> (u64, u64) {
        let [a, b] = self.delay_s;
        (
            a.min(b).saturating_mul(1_000),
            a.max(b).saturating_mul(1_000),
        )
    }
}

impl std::fmt::Debug for AnonymousAccount {
    // Never print the password (logs, panics).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AnonymousAccount({}, ***, {:?} s)",
            self.name, self.delay_s
        )
    }
}

/// Default of [`Config::remember_days`].
pub const REMEMBER_DAYS: u32 = 14;
/// Default of [`Config::trainer_cache_days`].
pub const TRAINER_CACHE_DAYS: u32 = 7;

impl Config {
    pub fn remember_days(&self) -> u32 {
        self.remember_days.unwrap_or(REMEMBER_DAYS)
    }

    pub fn trainer_cache_days(&self) -> u32 {
        self.trainer_cache_days.unwrap_or(TRAINER_CACHE_DAYS)
    }

    /// Checks what a mistyped file could get wrong, with a plain message per field.
    pub fn validate(&self) -> Result<(), String> {
        for (field, value) in [
            ("lrs_endpoint", &self.lrs_endpoint),
            ("base_iri", &self.base_iri),
            ("account_home_page", &self.account_home_page),
        ] {
            if !(value.starts_with("https://") || value.starts_with("http://")) {
                return Err(format!(
                    "`{field}` must be an http(s) address, found `{value}`"
                ));
            }
        }
        if self.lrs_endpoint.contains('@') {
            return Err("`lrs_endpoint` must not contain credentials".into());
        }
        if self.remember_days.is_some_and(|d| d > 365) {
            return Err("`remember_days` must be 0 to 365".into());
        }
        if self.trainer_cache_days.is_some_and(|d| d == 0 || d > 365) {
            return Err("`trainer_cache_days` must be 1 to 365".into());
        }
        if let Some(a) = &self.anonymous_account {
            if a.name.trim().is_empty() || a.password.is_empty() {
                return Err("`anonymous_account` needs a `name` and a `password`".into());
            }
        }
        boiduong_core::urls::check_lrs_endpoint(&self.lrs_endpoint)
            .map_err(|reason| format!("`lrs_endpoint`: {reason}"))
    }
}

pub async fn fetch_config() -> Result<Config, AppError> {
    let url = "/config.json";
    let response = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| AppError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(AppError::Http {
            status: response.status(),
            url: url.into(),
        });
    }
    let text = response
        .text()
        .await
        .map_err(|e| AppError::Network(e.to_string()))?;
    let config: Config = serde_json::from_str(&text).map_err(|e| AppError::Malformed {
        url: url.into(),
        reason: e.to_string(),
    })?;
    config.validate().map_err(|reason| AppError::Malformed {
        url: url.into(),
        reason,
    })?;
    Ok(config)
}
