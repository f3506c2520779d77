//! The LRS client: sends what the sync policy asks for and reports what came back.
//! Every request carries `X-Experience-API-Version: 1.0.3` and HTTP Basic credentials, is
//! never kept in the browser's HTTP cache (`cache: "no-store"`: answers hold learners'
//! records), and is aborted after [`TIMEOUT_MS`] (a timeout is a network outcome: re-sending
//! is safe).

use boiduong_core::sync::{parse_retry_after, Outcome, Request};
use gloo_net::http::{Method, RequestBuilder};
use wasm_bindgen::JsCast;

use crate::error::AppError;

pub const TIMEOUT_MS: i32 = 30_000;
const XAPI_VERSION: &str = "1.0.3";

/// Account name and password for HTTP Basic (kept in memory unless "remember" was chosen).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub account: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    // Never print the password (logs, panics).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, ***)", self.account)
    }
}

impl Credentials {
    fn header(&self) -> String {
        // btoa takes a "binary string": one char per UTF-8 byte, so Vietnamese passwords work.
        let raw: String = format!("{}:{}", self.account, self.password)
            .bytes()
            .map(char::from)
            .collect();
        let encoded = web_sys::window()
            .and_then(|w| w.btoa(&raw).ok())
            .unwrap_or_default();
        format!("Basic {encoded}")
    }
}

/// Aborts a request after the timeout.
struct Deadline {
    controller: Option<web_sys::AbortController>,
    handle: Option<i32>,
    _closure: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

impl Deadline {
    fn new() -> Self {
        let controller = web_sys::AbortController::new().ok();
        let mut handle = None;
        let mut closure = None;
        if let (Some(c), Some(window)) = (controller.clone(), web_sys::window()) {
            let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || c.abort());
            handle = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    cb.as_ref().unchecked_ref(),
                    TIMEOUT_MS,
                )
                .ok();
            closure = Some(cb);
        }
        Self {
            controller,
            handle,
            _closure: closure,
        }
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.controller.as_ref().map(|c| c.signal())
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let (Some(h), Some(window)) = (self.handle, web_sys::window()) {
            window.clear_timeout_with_handle(h);
        }
    }
}

fn builder(method: Method, url: &str, credentials: &Credentials) -> RequestBuilder {
    RequestBuilder::new(url)
        .method(method)
        .cache(web_sys::RequestCache::NoStore)
        .header("X-Experience-API-Version", XAPI_VERSION)
        .header("Authorization", &credentials.header())
}

/// Sends one request of the sync policy.
pub async fn send(request: &Request, endpoint: &str, credentials: &Credentials) -> Outcome {
    let url = request.url(endpoint);
    let method = match request {
        Request::Post { .. } => Method::POST,
        Request::Put { .. } => Method::PUT,
    };
    let deadline = Deadline::new();
    let built = builder(method, &url, credentials)
        .header("Content-Type", "application/json")
        .abort_signal(deadline.signal().as_ref())
        .body(request.body().to_owned());
    let req = match built {
        Ok(r) => r,
        Err(e) => return Outcome::Network(e.to_string()),
    };
    match req.send().await {
        Err(e) => Outcome::Network(e.to_string()),
        Ok(response) => {
            let code = response.status();
            let now = crate::platform::now_ms().max(0) as u64;
            // Readable only when the LRS lists it in Access-Control-Expose-Headers.
            let retry_after_s = response
                .headers()
                .get("retry-after")
                .and_then(|v| parse_retry_after(&v, now));
            match response.text().await {
                Ok(body) => Outcome::Status {
                    code,
                    retry_after_s,
                    body,
                },
                Err(e) => Outcome::Network(format!("response body lost: {e}")),
            }
        }
    }
}

/// Checks credentials with a statement read that matches nothing (any account may read).
/// `Ok(true)`: accepted; `Ok(false)`: refused (401/403); `Err`: the LRS could not be asked.
pub async fn verify(endpoint: &str, credentials: &Credentials) -> Result<bool, AppError> {
    // A query that can match nothing (stored after 2100): the answer says whether the LRS
    // accepts the password, and carries no one's statement (a trainer reads one class only).
    let url = format!(
        "{}/statements?limit=1&since=2100-01-01T00%3A00%3A00Z",
        endpoint.trim_end_matches('/')
    );
    let deadline = Deadline::new();
    let response = builder(Method::GET, &url, credentials)
        .abort_signal(deadline.signal().as_ref())
        .send()
        .await
        .map_err(|e| AppError::Network(e.to_string()))?;
    match response.status() {
        200..=299 => Ok(true),
        401 | 403 => Ok(false),
        status => Err(AppError::Http { status, url }),
    }
}

/// A GET of the LRS (statement queries, `whoami`), answered as text.
/// 401/403 become [`AppError::Unauthorized`]; other non-2xx statuses [`AppError::Http`].
pub async fn get_text(url: &str, credentials: &Credentials) -> Result<String, AppError> {
    let deadline = Deadline::new();
    let response = builder(Method::GET, url, credentials)
        .abort_signal(deadline.signal().as_ref())
        .send()
        .await
        .map_err(|e| AppError::Network(e.to_string()))?;
    match response.status() {
        200..=299 => response
            .text()
            .await
            .map_err(|e| AppError::Network(format!("response body lost: {e}"))),
        401 | 403 => Err(AppError::Unauthorized),
        status => Err(AppError::Http {
            status,
            url: url.to_owned(),
        }),
    }
}

/// The scopes the LRS grants this account, when it says (Ralph's `GET /whoami`, at the
/// root of the LRS's origin). `Ok(None)`: this LRS has no such endpoint.
pub async fn scopes(
    endpoint: &str,
    credentials: &Credentials,
) -> Result<Option<Vec<String>>, AppError> {
    let Some(origin) = boiduong_core::urls::origin(endpoint) else {
        return Ok(None);
    };
    let url = format!("{origin}/whoami");
    match get_text(&url, credentials).await {
        Ok(text) => {
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| AppError::Malformed {
                    url: url.clone(),
                    reason: e.to_string(),
                })?;
            Ok(value.get("scopes").and_then(|s| s.as_array()).map(|list| {
                list.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            }))
        }
        Err(AppError::Http {
            status: 404 | 405, ..
        }) => Ok(None),
        Err(e) => Err(e),
    }
}
