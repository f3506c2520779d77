//! Sending the outbox of xAPI statements to the Learning Record Store: the policy, free of IO.
//!
//! The app keeps an *outbox* of [`Pending`] statements (durable, oldest first, one entry per
//! client-generated UUID) and a *rejected* store. It drives one [`SyncPolicy`] per page life:
//!
//! ```text
//! on start-up, after an action, on `online`, on a timer, on "Sync now" (retry_now() first):
//!   if a drive loop is already running: return
//!   loop {
//!     let outbox = read the outbox, oldest first;
//!     let Some(req) = policy.next_request(&outbox, now_ms) else { break };
//!     let outcome = send req (method(), url(endpoint), body(), header
//!                   X-Experience-API-Version: 1.0.3); any fetch failure, abort or timeout
//!                   becomes Outcome::Network;
//!     for effect in policy.on_outcome(&req, outcome, now_ms, random_u64) {
//!       Acked(ids)   -> delete these ids from the outbox (one transaction)
//!       Rejected{..} -> move that statement to the rejected store with status and reason
//!       AuthRequired -> ask the learner to sign in again, then call signed_in()
//!       Misconfigured{..} -> say the LRS address or the account's rights are wrong; nothing
//!                   is sent until retry_now() ("Sync now") or signed_in()
//!       WaitUntil(t) -> set a timer for t (next_wake() tells the same)
//!     }
//!     if applying Acked/Rejected durably failed: apply_failed(now_ms, random_u64), stop
//!   }
//! ```
//!
//! A statement leaves the outbox only through `Acked` (the LRS answered 200/204 to a request
//! carrying it, including 204 "identical copy already stored") or `Rejected` (the LRS refused
//! *that* statement with a 4xx). Every other answer keeps it. The policy's own state (backoff,
//! probe queue, reduced batch limits) is in memory only: a reload starts a fresh policy over
//! the same outbox, and the simulator in `tests/sync_sim.rs` checks that it still converges.
//!
//! # Rules, per answer
//! - **204**: ack of every id sent. **200**: ack of every id sent, provided the body is an
//!   xAPI answer (a JSON array of strings; for a PUT, an empty body too). Ralph lists only
//!   the ids it newly stored (ids already stored identically are dropped silently), so the
//!   list is not required to cover the request. When partial success is Ralph's server
//!   default, a POST is answered 200 with a report `{"inserted":..,"ids":[..],"errors":[..]}`:
//!   the ids listed are acked and every other statement of the batch is probed with a PUT (it
//!   was either stored already or refused). Any other 200 body is not trusted (a captive portal answers 200 with
//!   HTML): it is retried like a network error, and the re-send is answered by the LRS.
//! - **401** (and 407): stop, emit `AuthRequired`, keep everything, until
//!   [`SyncPolicy::signed_in`].
//! - **403, 404**: the statements resource itself is refused or missing (a wrong endpoint, an
//!   account without the right to write): a configuration error, never a rejection of the
//!   statements. Stop, emit `Misconfigured`, keep everything, until [`SyncPolicy::retry_now`]
//!   or [`SyncPolicy::signed_in`].
//! - **413**: on a batch, the count and byte limits drop to half of what was sent and the
//!   next batch goes at once; on a single statement, that statement is rejected as too large.
//! - **429, 5xx, 408, network errors, unexpected answers**: retry after an exponential
//!   backoff with jitter (`base * 2^(n-1)` capped at `max_backoff_ms`, drawn in the upper
//!   half), and never before a `Retry-After` the LRS gave.
//! - **Other 4xx** (400, 409, 422, ...): on a single statement, that statement is
//!   rejected with the LRS's reason. On a batch, the LRS refused the whole batch for one
//!   statement (Ralph: 409 when one id exists with another body, 422 when one statement is
//!   invalid, 400 for duplicate ids), so the batch is *probed*: one `PUT
//!   /statements?statementId=ID` per statement, in order; each answer then acks or rejects
//!   only that statement. (The learner can queue rejected statements again.)
//! - **The app could not apply an answer** (its outbox write failed): it calls
//!   [`SyncPolicy::apply_failed`]; the statements stay in the outbox and go again after a
//!   backoff (an LRS answers a re-send of what it holds with 204), so sync never stalls on a
//!   failed write and never hammers a broken storage.
//!
//! # Decisions beyond the brief, and why
//! - **Poison statements do not block the queue.** Ralph answers 500 for some statements it
//!   cannot store (an `mbox` without `mailto:`), and its 500s carry no CORS headers, so the
//!   browser sees a network error, indistinguishable from being offline. Such a statement
//!   must not be rejected (the same error is an outage for the others) nor block everything
//!   behind it. So after `isolate_after` consecutive retryable failures of a batch, the batch
//!   is probed one by one as above, and a probe that fails retryably is *held*: skipped by
//!   later batches until nothing else is left to send (or [`SyncPolicy::retry_now`]), then
//!   retried, with backoff, forever. Statements are never dropped for failing.
//! - **At most one request in flight.** `next_request` returns `None` until the outcome of
//!   the previous request is given to `on_outcome`. Two concurrent POSTs of the same batch
//!   could both pass Ralph's existence check (no locking) and store a statement twice. The
//!   app must therefore answer every request it was handed (an aborted fetch is a
//!   `Network` outcome).
//! - **Reduced batch limits stay reduced** for the life of the policy (a 413 says something
//!   stable about the server or a proxy in front of it); a reload restores the configured
//!   limits and costs at most one more 413.
//! - **`Retry-After` wins over a shorter backoff, a longer backoff wins over it** (the wait is
//!   the longer of the two). [`SyncPolicy::retry_now`] ("Sync now", `online`) cancels the
//!   backoff but never a `Retry-After`. In a browser the header is readable only if the LRS
//!   lists it in `Access-Control-Expose-Headers`; otherwise the app passes `None` and the
//!   backoff applies.
//! - **A lone statement goes by PUT, never as a POST of one.** PUT answers are about that one
//!   statement (204 stored or already identical, 409 another body, 4xx invalid), whatever the
//!   server's batch mode. With Ralph's partial-success default on, a POST whose statements are
//!   all stored already (a re-send after a lost answer) is answered 400 `inserted: 0`: for a
//!   POST of one, that would reject a statement the LRS holds. POSTs carry two or more.
//! - **A batch never holds the same id twice** (Ralph answers 400 to that): a duplicate waits
//!   for a later batch.
//!
//! # Anonymous records
//! An anonymous record (an anonymous module evaluation) must not be linkable to the learner
//! who made it, also not through how it reached the LRS. So its statements never travel with
//! the learner's own: they go through a separate, write-only account (the LRS stamps that
//! account as `authority`, not the learner's), one record per request, by a [`SyncPolicy`] of
//! their own, and later: not before a delay drawn at random when the record is made
//! ([`anonymous_send_after`]), and never within a quiet time of a request carrying the
//! learner's own statements or another anonymous record ([`anonymous_step`]), so the LRS's
//! `stored` times do not pair them either.
//!
//! # What the app must guarantee
//! - `Pending::id` is the statement's `id` and is unique in the outbox (never reused for
//!   another body): the LRS treats a re-send with the same id and body as the same statement.
//! - The statement body is final when queued, with its own `timestamp`: Ralph fills in a
//!   missing `timestamp` with the time of storing and compares it on a re-send, so a re-send
//!   after a lost answer would be answered 409.

use std::collections::{BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

mod anonymous;
mod answer;
#[cfg(test)]
mod tests;

pub use anonymous::{anonymous_send_after, anonymous_step, AnonymousStep};
use answer::{is_xapi_ids, partial_report_ids};
pub use answer::{lrs_reason, parse_retry_after};

/// One statement waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The statement's client-generated UUID (its `id`).
    pub id: String,
    /// The statement, as JSON text, exactly as it will be sent on every attempt.
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncConfig {
    /// Most statements per POST (at least 1).
    pub max_batch: usize,
    /// Most bytes per POST body. A statement larger than this is still sent, alone.
    pub max_bytes: usize,
    /// Backoff after the first failure (the wait is drawn in `[base/2, base]`).
    pub base_backoff_ms: u64,
    /// Upper bound of the backoff.
    pub max_backoff_ms: u64,
    /// Consecutive retryable failures of a batch after which it is probed one by one so a
    /// statement that makes the LRS fail cannot block the others (0: never).
    pub isolate_after: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            max_batch: 50,
            max_bytes: 256 * 1024,
            base_backoff_ms: 1_000,
            max_backoff_ms: 5 * 60 * 1_000,
            isolate_after: 3,
        }
    }
}

/// A request for the app to send to the LRS's statements resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// `POST {endpoint}/statements` with a JSON array of the statements `ids` (two or more),
    /// in order.
    Post { ids: Vec<String>, body: String },
    /// `PUT {endpoint}/statements?statementId={id}` with one statement.
    Put { id: String, body: String },
}

impl Request {
    pub fn method(&self) -> &'static str {
        match self {
            Request::Post { .. } => "POST",
            Request::Put { .. } => "PUT",
        }
    }

    /// The URL for an LRS `endpoint` such as `https://lrs.example/xAPI` (trailing `/` allowed).
    pub fn url(&self, endpoint: &str) -> String {
        let base = endpoint.trim_end_matches('/');
        match self {
            Request::Post { .. } => format!("{base}/statements"),
            Request::Put { id, .. } => {
                format!(
                    "{base}/statements?statementId={}",
                    crate::urls::percent_encode(id)
                )
            }
        }
    }

    pub fn body(&self) -> &str {
        match self {
            Request::Post { body, .. } | Request::Put { body, .. } => body,
        }
    }

    /// The statement ids this request carries.
    pub fn ids(&self) -> &[String] {
        match self {
            Request::Post { ids, .. } => ids,
            Request::Put { id, .. } => std::slice::from_ref(id),
        }
    }
}

/// What came back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// An HTTP answer (`retry_after_s`: the `Retry-After` header, see [`parse_retry_after`]).
    Status {
        code: u16,
        retry_after_s: Option<u64>,
        body: String,
    },
    /// No answer: connection refused, offline, CORS-less error page, abort, timeout. The LRS
    /// may or may not have stored the statements; re-sending them is safe.
    Network(String),
}

/// What the app must apply durably, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// The LRS holds these statements: delete them from the outbox.
    Acked(Vec<String>),
    /// The LRS refused this statement: move it from the outbox to the rejected store, shown
    /// to the learner with `reason`.
    Rejected {
        id: String,
        status: u16,
        reason: String,
    },
    /// The credentials were refused: ask the learner to sign in again, then call
    /// [`SyncPolicy::signed_in`]. Nothing is sent until then; nothing is lost.
    AuthRequired,
    /// The LRS answered 403 or 404 on its statements resource: the endpoint or the account's
    /// rights are wrong. Say so; nothing is sent until [`SyncPolicy::retry_now`] or
    /// [`SyncPolicy::signed_in`]; nothing is rejected, nothing is lost.
    Misconfigured { status: u16, reason: String },
    /// Nothing will be sent before this time (ms): call `next_request` again then.
    WaitUntil(u64),
}

/// The sync policy: decides what to send next and what an answer means.
///
/// Deterministic given its inputs; holds no statement bodies, only ids.
#[derive(Clone, Debug)]
pub struct SyncPolicy {
    config: SyncConfig,
    /// Consecutive retryable failures.
    failures: u32,
    /// No request before this (exponential backoff; [`SyncPolicy::retry_now`] clears it).
    backoff_until_ms: u64,
    /// No request before this (the LRS's `Retry-After`).
    retry_after_until_ms: u64,
    auth_blocked: bool,
    /// 403/404 on the statements resource: the status and the LRS's reason.
    misconfigured: Option<(u16, String)>,
    in_flight: bool,
    /// Ids to send one by one with PUT, front first.
    probe: VecDeque<String>,
    /// Ids whose lone sending failed retryably: sent only when nothing else is left.
    held: BTreeSet<String>,
    limit_count: usize,
    limit_bytes: usize,
    last_error: Option<String>,
}

impl SyncPolicy {
    pub fn new(config: SyncConfig) -> Self {
        let limit_count = config.max_batch.max(1);
        let limit_bytes = config.max_bytes.max(1);
        Self {
            config,
            failures: 0,
            backoff_until_ms: 0,
            retry_after_until_ms: 0,
            auth_blocked: false,
            misconfigured: None,
            in_flight: false,
            probe: VecDeque::new(),
            held: BTreeSet::new(),
            limit_count,
            limit_bytes,
            last_error: None,
        }
    }

    pub fn config(&self) -> &SyncConfig {
        &self.config
    }

    /// The next request to send, or `None`: nothing to send, a request is in flight, the
    /// learner must sign in again, the LRS said it is misconfigured, or it is too early (see
    /// [`SyncPolicy::next_wake`]).
    pub fn next_request(&mut self, outbox: &[Pending], now_ms: u64) -> Option<Request> {
        if self.in_flight
            || self.auth_blocked
            || self.misconfigured.is_some()
            || now_ms < self.not_before_ms()
        {
            return None;
        }
        let request = self.probe_request(outbox).or_else(|| {
            self.batch(outbox).or_else(|| {
                if self.held.is_empty() {
                    None
                } else {
                    // Only held statements are left: give them their turn.
                    self.held.clear();
                    self.batch(outbox)
                }
            })
        })?;
        self.in_flight = true;
        Some(request)
    }

    fn probe_request(&mut self, outbox: &[Pending]) -> Option<Request> {
        while let Some(id) = self.probe.front() {
            if let Some(p) = outbox.iter().find(|p| &p.id == id) {
                return Some(Request::Put {
                    id: p.id.clone(),
                    body: p.body.clone(),
                });
            }
            // Gone from the outbox meanwhile (acked by another path or removed by the app).
            self.probe.pop_front();
        }
        None
    }

    /// The oldest statements, within the count and byte limits (at least one statement).
    fn batch(&self, outbox: &[Pending]) -> Option<Request> {
        let mut ids: Vec<String> = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut body = String::from("[");
        for p in outbox {
            if self.held.contains(&p.id) || seen.contains(p.id.as_str()) {
                continue;
            }
            if !ids.is_empty() {
                // "," + statement + "]"
                let grown = body.len() + 1 + p.body.len() + 1;
                if ids.len() >= self.limit_count || grown > self.limit_bytes {
                    break;
                }
                body.push(',');
            }
            body.push_str(&p.body);
            ids.push(p.id.clone());
            seen.insert(p.id.as_str());
        }
        match ids.len() {
            0 => None,
            // A lone statement goes by PUT, whose answers are per statement (see module docs).
            1 => {
                let id = ids.remove(0);
                let body = outbox.iter().find(|p| p.id == id)?.body.clone();
                Some(Request::Put { id, body })
            }
            _ => {
                body.push(']');
                Some(Request::Post { ids, body })
            }
        }
    }

    /// Interprets the answer to `request` (the one `next_request` returned).
    pub fn on_outcome(
        &mut self,
        request: &Request,
        outcome: Outcome,
        now_ms: u64,
        rand: u64,
    ) -> Vec<Effect> {
        self.in_flight = false;
        let (code, retry_after_s, body) = match outcome {
            Outcome::Network(message) => {
                return self.retry(request, message, None, now_ms, rand);
            }
            Outcome::Status {
                code,
                retry_after_s,
                body,
            } => (code, retry_after_s, body),
        };
        let several = request.ids().len() > 1;
        match code {
            204 => self.ack(request),
            200 if is_xapi_ids(&body) => self.ack(request),
            200 if matches!(request, Request::Put { .. }) && body.trim().is_empty() => {
                self.ack(request)
            }
            200 if several && partial_report_ids(&body).is_some() => {
                // Ralph's partial-success report: the ids it lists are stored; the others
                // were either already stored or refused: each is asked with a PUT.
                self.answered();
                let listed = partial_report_ids(&body).unwrap_or_default();
                let (stored, unsure): (Vec<String>, Vec<String>) = request
                    .ids()
                    .iter()
                    .cloned()
                    .partition(|id| listed.contains(id));
                self.probe_all(&unsure);
                if stored.is_empty() {
                    return Vec::new();
                }
                self.forget(&stored);
                vec![Effect::Acked(stored)]
            }
            200 => self.retry(
                request,
                "the LRS answered 200 without the list of stored ids".into(),
                None,
                now_ms,
                rand,
            ),
            401 | 407 => {
                self.auth_blocked = true;
                self.failures = 0;
                self.last_error = Some(lrs_reason(code, &body));
                vec![Effect::AuthRequired]
            }
            403 | 404 => {
                // The resource, not a statement: refused or missing whatever is sent.
                let reason = lrs_reason(code, &body);
                self.failures = 0;
                self.last_error = Some(reason.clone());
                self.misconfigured = Some((code, reason.clone()));
                vec![Effect::Misconfigured {
                    status: code,
                    reason,
                }]
            }
            413 if several => {
                self.limit_count = (request.ids().len() / 2).max(1);
                // Half the payload: brackets are paid once, so the first half of an even
                // batch of equal statements fits exactly.
                self.limit_bytes = request.body().len() / 2 + 1;
                self.answered();
                Vec::new()
            }
            408 | 429 => self.retry(
                request,
                lrs_reason(code, &body),
                retry_after_s,
                now_ms,
                rand,
            ),
            400..=499 if several => {
                self.answered();
                self.probe_all(request.ids());
                Vec::new()
            }
            400..=499 => {
                self.answered();
                let Some(id) = request.ids().first().cloned() else {
                    return Vec::new();
                };
                self.forget(std::slice::from_ref(&id));
                let reason = if code == 413 && body.trim().is_empty() {
                    "the statement is too large for the LRS".to_owned()
                } else {
                    lrs_reason(code, &body)
                };
                vec![Effect::Rejected {
                    id,
                    status: code,
                    reason,
                }]
            }
            _ => self.retry(
                request,
                lrs_reason(code, &body),
                retry_after_s,
                now_ms,
                rand,
            ),
        }
    }

    /// The LRS gave a definitive answer: it is reachable and working.
    fn answered(&mut self) {
        self.failures = 0;
        self.backoff_until_ms = 0;
        self.last_error = None;
    }

    fn ack(&mut self, request: &Request) -> Vec<Effect> {
        self.answered();
        let ids = request.ids().to_vec();
        self.forget(&ids);
        vec![Effect::Acked(ids)]
    }

    fn forget(&mut self, ids: &[String]) {
        if !self.probe.is_empty() {
            self.probe.retain(|p| !ids.contains(p));
        }
        for id in ids {
            self.held.remove(id);
        }
    }

    fn probe_all(&mut self, ids: &[String]) {
        for id in ids {
            if !self.probe.contains(id) {
                self.probe.push_back(id.clone());
            }
        }
    }

    fn retry(
        &mut self,
        request: &Request,
        reason: String,
        retry_after_s: Option<u64>,
        now_ms: u64,
        rand: u64,
    ) -> Vec<Effect> {
        self.failures = self.failures.saturating_add(1);
        self.backoff_until_ms = now_ms.saturating_add(self.backoff_ms(rand));
        if let Some(seconds) = retry_after_s {
            let until = now_ms.saturating_add(seconds.saturating_mul(1_000));
            self.retry_after_until_ms = self.retry_after_until_ms.max(until);
        }
        self.last_error = Some(reason);
        match request {
            Request::Put { id, .. } => {
                // A lone statement failed: let the others pass before it is tried again.
                self.probe.retain(|p| p != id);
                self.held.insert(id.clone());
            }
            Request::Post { ids, .. } => {
                let isolate = self.config.isolate_after;
                if ids.len() > 1 && isolate > 0 && self.failures >= isolate {
                    self.probe_all(ids);
                }
            }
        }
        vec![Effect::WaitUntil(self.not_before_ms())]
    }

    /// Backoff after `self.failures` consecutive failures: drawn in `[c/2, c]` where
    /// `c = min(max, base * 2^(failures-1))`.
    fn backoff_ms(&self, rand: u64) -> u64 {
        let exponent = self.failures.saturating_sub(1).min(40);
        let ceiling = self
            .config
            .base_backoff_ms
            .saturating_mul(1u64 << exponent)
            .min(self.config.max_backoff_ms);
        let floor = ceiling / 2;
        floor + rand % (ceiling - floor + 1)
    }

    fn not_before_ms(&self) -> u64 {
        self.backoff_until_ms.max(self.retry_after_until_ms)
    }

    /// When a waiting policy will send again (`None`: not waiting on time; a time already
    /// past means due now).
    pub fn next_wake(&self) -> Option<u64> {
        let t = self.not_before_ms();
        (t > 0 && !self.auth_blocked && self.misconfigured.is_none()).then_some(t)
    }

    /// The app could not apply the answer to the last request durably (its outbox write
    /// failed). Whatever that answer said, the statements are still in the outbox: they go
    /// again after a backoff, like after a network error. Returns the wait.
    pub fn apply_failed(&mut self, reason: String, now_ms: u64, rand: u64) -> Vec<Effect> {
        self.in_flight = false;
        self.failures = self.failures.saturating_add(1);
        self.backoff_until_ms = now_ms.saturating_add(self.backoff_ms(rand));
        self.last_error = Some(reason);
        vec![Effect::WaitUntil(self.not_before_ms())]
    }

    /// "Sync now" or the browser came back online: forget the backoff (never a
    /// `Retry-After`), give held statements their turn again, and try a misconfigured LRS
    /// once more (it may have been fixed).
    pub fn retry_now(&mut self) {
        self.backoff_until_ms = 0;
        self.held.clear();
        self.misconfigured = None;
    }

    /// The learner signed in again after [`Effect::AuthRequired`] (or with another account
    /// after [`Effect::Misconfigured`]).
    pub fn signed_in(&mut self) {
        self.auth_blocked = false;
        self.misconfigured = None;
        self.last_error = None;
    }

    pub fn auth_required(&self) -> bool {
        self.auth_blocked
    }

    /// The LRS said its statements resource is refused or missing (status, reason), until
    /// [`SyncPolicy::retry_now`] or [`SyncPolicy::signed_in`].
    pub fn misconfigured(&self) -> Option<(u16, &str)> {
        self.misconfigured.as_ref().map(|(c, r)| (*c, r.as_str()))
    }

    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// Consecutive failed attempts (0 after any definitive answer).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The last failure, for a discreet "last sync failed: ..." (cleared by an answer).
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }

    /// The current batch limits (count, bytes), lowered after a 413.
    pub fn batch_limits(&self) -> (usize, usize) {
        (self.limit_count, self.limit_bytes)
    }
}
