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
use serde_json::Value;

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

/// When an anonymous record made at `made_ms` may be sent: after a delay drawn uniformly in
/// `[min_ms, max_ms]` from `rand`.
pub fn anonymous_send_after(made_ms: u64, delay_ms: (u64, u64), rand: u64) -> u64 {
    let (lo, hi) = (delay_ms.0.min(delay_ms.1), delay_ms.0.max(delay_ms.1));
    made_ms.saturating_add(lo + rand % (hi - lo + 1))
}

/// What to do about the anonymous records waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnonymousStep<'a> {
    /// Send this record now (all its statements, in a request of its own).
    Send(&'a str),
    /// Nothing before this time (ms): a record's delay or the quiet time is not over.
    WaitUntil(u64),
    /// No anonymous record is waiting.
    Idle,
}

/// The next step for the anonymous `records` waiting (record id, time it may be sent), given
/// when the last request went that carried the learner's own statements or an anonymous
/// record (`last_sent_ms`, 0 for never): the record due first (ties: the smaller id), once
/// `quiet_ms` have passed since that request.
pub fn anonymous_step<'a>(
    records: &[(&'a str, u64)],
    now_ms: u64,
    last_sent_ms: u64,
    quiet_ms: u64,
) -> AnonymousStep<'a> {
    let Some(&(record, due)) = records.iter().min_by_key(|(id, t)| (*t, *id)) else {
        return AnonymousStep::Idle;
    };
    let at = due.max(last_sent_ms.saturating_add(quiet_ms));
    if now_ms >= at {
        AnonymousStep::Send(record)
    } else {
        AnonymousStep::WaitUntil(at)
    }
}

/// Whether a 200 body is an xAPI POST answer: a JSON array of statement ids.
fn is_xapi_ids(body: &str) -> bool {
    matches!(
        serde_json::from_str::<Value>(body),
        Ok(Value::Array(items)) if items.iter().all(Value::is_string)
    )
}

/// The ids of Ralph's partial-success report `{"inserted","rejected","ids":[..],"errors":[..]}`.
fn partial_report_ids(body: &str) -> Option<BTreeSet<String>> {
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(body) else {
        return None;
    };
    if !obj.get("errors").is_some_and(Value::is_array) {
        return None;
    }
    obj.get("ids")?
        .as_array()?
        .iter()
        .map(|id| id.as_str().map(str::to_owned))
        .collect()
}

const REASON_MAX_CHARS: usize = 200;

/// A plain reason from an LRS error answer: Ralph's (FastAPI) `{"detail": ...}` when the body
/// is JSON (a validation error list reads `body.0.verb: Field required`), other LRSs'
/// `message`/`error`, else the start of the body, else the HTTP status.
pub fn lrs_reason(code: u16, body: &str) -> String {
    let text = body.trim();
    let from_json = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(obj)) => ["detail", "message", "error"]
            .iter()
            .find_map(|key| obj.get(*key))
            .map(describe),
        Ok(Value::String(s)) => Some(s),
        _ => None,
    };
    let reason = match from_json {
        Some(r) if !r.trim().is_empty() => r,
        _ if !text.is_empty() => text.to_owned(),
        _ => format!("the LRS answered {code} {}", status_text(code)),
    };
    truncate_chars(reason.trim(), REASON_MAX_CHARS)
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(obj) => {
                    let msg = obj.get("msg").or_else(|| obj.get("message"));
                    let loc = obj.get("loc").and_then(Value::as_array).map(|parts| {
                        parts
                            .iter()
                            .map(|p| match p {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(".")
                    });
                    match (loc, msg) {
                        (Some(loc), Some(msg)) => format!("{loc}: {}", describe(msg)),
                        (None, Some(msg)) => describe(msg),
                        _ => item.to_string(),
                    }
                }
                other => describe(other),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(obj) => match obj.get("message").or_else(|| obj.get("msg")) {
            Some(msg) => describe(msg),
            None => value.to_string(),
        },
        other => other.to_string(),
    }
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn status_text(code: u16) -> &'static str {
    match code {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Reads a `Retry-After` header value as seconds from `now_ms`: delta-seconds, or an HTTP
/// date (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`; a past date gives 0).
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok().or(Some(u64::MAX));
    }
    let at_ms = parse_imf_fixdate(value)?;
    Some(at_ms.saturating_sub(now_ms).div_ceil(1_000))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` as ms since the Unix epoch.
fn parse_imf_fixdate(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.split_ascii_whitespace().collect();
    let [_weekday, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let day: u64 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let year: u64 = year.parse().ok().filter(|y| *y >= 1970)?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    let days = crate::calendar::days_from_civil(year as i64, month as u32, day as u32) as u64;
    Some(((days * 24 + h) * 60 + m) * 60_000 + s * 1_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pending(n: usize) -> Vec<Pending> {
        (0..n)
            .map(|i| Pending {
                id: format!("id-{i}"),
                body: format!(r#"{{"id":"id-{i}","verb":{{"id":"v"}}}}"#),
            })
            .collect()
    }

    fn config() -> SyncConfig {
        SyncConfig {
            max_batch: 10,
            max_bytes: 100_000,
            base_backoff_ms: 1_000,
            max_backoff_ms: 60_000,
            isolate_after: 3,
        }
    }

    fn status(code: u16, body: &str) -> Outcome {
        Outcome::Status {
            code,
            retry_after_s: None,
            body: body.into(),
        }
    }

    fn ids(req: &Request) -> Vec<&str> {
        req.ids().iter().map(String::as_str).collect()
    }

    /// Applies the effects to an outbox the way the app does.
    fn apply(outbox: &mut Vec<Pending>, effects: &[Effect]) -> Vec<(String, u16, String)> {
        let mut rejected = Vec::new();
        for effect in effects {
            match effect {
                Effect::Acked(ids) => outbox.retain(|p| !ids.contains(&p.id)),
                Effect::Rejected { id, status, reason } => {
                    outbox.retain(|p| &p.id != id);
                    rejected.push((id.clone(), *status, reason.clone()));
                }
                Effect::AuthRequired | Effect::Misconfigured { .. } | Effect::WaitUntil(_) => {}
            }
        }
        rejected
    }

    #[test]
    fn batch_is_the_oldest_statements_as_a_json_array() {
        let outbox = pending(25);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("a batch");
        assert_eq!(req.method(), "POST");
        assert_eq!(req.ids().len(), 10);
        // A lone statement goes by PUT.
        let mut lone = SyncPolicy::new(config());
        let put = lone.next_request(&outbox[..1], 0).expect("one");
        assert_eq!(
            put,
            Request::Put {
                id: "id-0".into(),
                body: outbox[0].body.clone()
            }
        );
        assert_eq!(req.ids()[0], "id-0");
        let parsed: Vec<Value> = serde_json::from_str(req.body()).expect("JSON array");
        assert_eq!(parsed.len(), 10);
        assert_eq!(
            req.url("https://lrs.example/xAPI/"),
            "https://lrs.example/xAPI/statements"
        );
        // One request at a time.
        assert_eq!(policy.next_request(&outbox, 0), None);
        assert!(policy.in_flight());
    }

    #[test]
    fn acks_on_200_and_204_then_moves_on() {
        let mut outbox = pending(15);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        // Ralph lists only the ids it newly stored: still an ack of everything sent.
        let effects = policy.on_outcome(&req, status(200, r#"["id-3"]"#), 1, 0);
        assert_eq!(effects, vec![Effect::Acked(req.ids().to_vec())]);
        apply(&mut outbox, &effects);
        let req = policy.next_request(&outbox, 1).expect("second batch");
        assert_eq!(ids(&req), vec!["id-10", "id-11", "id-12", "id-13", "id-14"]);
        let effects = policy.on_outcome(&req, status(204, ""), 2, 0);
        apply(&mut outbox, &effects);
        assert!(outbox.is_empty());
        assert_eq!(policy.next_request(&outbox, 3), None);
    }

    #[test]
    fn a_200_that_is_not_a_list_of_ids_is_not_an_ack() {
        let outbox = pending(3);
        let mut policy = SyncPolicy::new(config());
        for body in [
            r#"{"inserted":1,"errors":[{"index":2,"reason":"x"}]}"#,
            "<html>Welcome to the hotel wifi</html>",
            "",
        ] {
            let req = policy.next_request(&outbox, u64::MAX / 2).expect("batch");
            let effects = policy.on_outcome(&req, status(200, body), 0, 0);
            assert!(
                matches!(effects.as_slice(), [Effect::WaitUntil(_)]),
                "{body}"
            );
            policy.retry_now();
        }
    }

    #[test]
    fn a_partial_success_report_acks_what_it_lists_and_probes_the_rest() {
        let mut outbox = pending(3);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        let report = r#"{"inserted":1,"rejected":1,"ids":["id-0"],"errors":[{"index":2,"reason":"missing verb"}]}"#;
        let effects = policy.on_outcome(&req, status(200, report), 0, 0);
        assert_eq!(effects, vec![Effect::Acked(vec!["id-0".into()])]);
        apply(&mut outbox, &effects);
        let put = policy.next_request(&outbox, 0).expect("probe");
        assert_eq!(ids(&put), vec!["id-1"]);
        apply(&mut outbox, &policy.on_outcome(&put, status(204, ""), 0, 0));
        let put = policy.next_request(&outbox, 0).expect("probe");
        assert_eq!(ids(&put), vec!["id-2"]);
        let effects = policy.on_outcome(&put, status(422, r#"{"detail":"missing verb"}"#), 0, 0);
        assert_eq!(
            apply(&mut outbox, &effects),
            vec![("id-2".into(), 422, "missing verb".into())]
        );
        assert!(outbox.is_empty());
    }

    #[test]
    fn duplicate_ids_never_share_a_batch() {
        let mut outbox = pending(3);
        outbox.insert(1, outbox[0].clone());
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        assert_eq!(ids(&req), vec!["id-0", "id-1", "id-2"]);
    }

    #[test]
    fn network_error_and_5xx_retry_the_same_statements_after_a_backoff() {
        let outbox = pending(3);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        let effects = policy.on_outcome(&req, Outcome::Network("timeout".into()), 100, 7);
        let [Effect::WaitUntil(t)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert!((600..=1_100).contains(t), "{t}");
        assert_eq!(policy.next_wake(), Some(*t));
        assert_eq!(policy.next_request(&outbox, t - 1), None);
        let again = policy.next_request(&outbox, *t).expect("retry");
        assert_eq!(again, req);
        let effects = policy.on_outcome(&again, status(500, "Internal Server Error"), *t, 7);
        assert!(matches!(effects.as_slice(), [Effect::WaitUntil(_)]));
        assert_eq!(policy.failures(), 2);
        assert_eq!(policy.last_error(), Some("Internal Server Error"));
    }

    #[test]
    fn retry_after_is_honoured_on_429_and_503_even_by_sync_now() {
        for code in [429, 503] {
            let outbox = pending(2);
            let mut policy = SyncPolicy::new(config());
            let req = policy.next_request(&outbox, 0).expect("batch");
            let outcome = Outcome::Status {
                code,
                retry_after_s: Some(30),
                body: String::new(),
            };
            assert_eq!(
                policy.on_outcome(&req, outcome, 1_000, 0),
                vec![Effect::WaitUntil(31_000)]
            );
            policy.retry_now();
            assert_eq!(policy.next_request(&outbox, 30_999), None);
            assert!(policy.next_request(&outbox, 31_000).is_some());
        }
    }

    #[test]
    fn sync_now_cancels_the_backoff() {
        let outbox = pending(1);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        policy.on_outcome(&req, Outcome::Network("offline".into()), 0, 0);
        assert_eq!(policy.next_request(&outbox, 1), None);
        policy.retry_now();
        assert!(policy.next_request(&outbox, 1).is_some());
    }

    #[test]
    fn a_413_halves_the_batch_and_rejects_a_lone_statement() {
        let mut outbox = pending(8);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        assert_eq!(req.ids().len(), 8);
        let sent_bytes = req.body().len();
        assert!(policy.on_outcome(&req, status(413, ""), 0, 0).is_empty());
        assert_eq!(policy.batch_limits(), (4, sent_bytes / 2 + 1));
        let req = policy.next_request(&outbox, 0).expect("at once");
        assert_eq!(req.ids().len(), 4);
        policy.on_outcome(&req, status(413, ""), 0, 0);
        let req = policy.next_request(&outbox, 0).expect("at once");
        assert_eq!(req.ids().len(), 2);
        policy.on_outcome(&req, status(413, ""), 0, 0);
        let req = policy.next_request(&outbox, 0).expect("at once");
        assert_eq!(ids(&req), vec!["id-0"]);
        let effects = policy.on_outcome(&req, status(413, ""), 0, 0);
        assert_eq!(
            apply(&mut outbox, &effects),
            vec![(
                "id-0".into(),
                413,
                "the statement is too large for the LRS".into()
            )]
        );
        let req = policy.next_request(&outbox, 0).expect("next");
        assert_eq!(ids(&req), vec!["id-1"]);
    }

    #[test]
    fn a_batch_409_is_probed_one_put_at_a_time_and_only_the_culprit_rejected() {
        let mut outbox = pending(3);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        let conflict = r#"{"detail":"Differing statements already exist with the same ID: id-1"}"#;
        assert!(policy
            .on_outcome(&req, status(409, conflict), 0, 0)
            .is_empty());
        let mut rejected = Vec::new();
        for (expected, code) in [("id-0", 204), ("id-1", 409), ("id-2", 204)] {
            let req = policy.next_request(&outbox, 0).expect("probe");
            assert_eq!(req.method(), "PUT");
            assert_eq!(ids(&req), vec![expected]);
            assert_eq!(
                req.url("http://lrs/xAPI"),
                format!("http://lrs/xAPI/statements?statementId={expected}")
            );
            let effects = policy.on_outcome(&req, status(code, conflict), 0, 0);
            rejected.extend(apply(&mut outbox, &effects));
        }
        assert!(outbox.is_empty());
        assert_eq!(
            rejected,
            vec![(
                "id-1".into(),
                409,
                "Differing statements already exist with the same ID: id-1".into()
            )]
        );
    }

    #[test]
    fn other_4xx_on_a_batch_probes_then_rejects_only_the_culprit() {
        let mut outbox = pending(4);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        let invalid = r#"{"detail":[{"type":"missing","loc":["body",2,"verb"],"msg":"Field required","input":{}}]}"#;
        assert!(policy
            .on_outcome(&req, status(422, invalid), 0, 0)
            .is_empty());
        let mut rejected = Vec::new();
        while let Some(req) = policy.next_request(&outbox, 0) {
            let code = if req.ids()[0] == "id-2" { 422 } else { 204 };
            let effects = policy.on_outcome(&req, status(code, invalid), 0, 0);
            rejected.extend(apply(&mut outbox, &effects));
        }
        assert!(outbox.is_empty());
        assert_eq!(
            rejected,
            vec![("id-2".into(), 422, "body.2.verb: Field required".into())]
        );
        // A lone statement refused with any other 4xx is rejected at once.
        let outbox = pending(1);
        let req = policy.next_request(&outbox, 0).expect("single");
        let effects = policy.on_outcome(&req, status(400, "Bad Request"), 0, 0);
        assert_eq!(
            effects,
            vec![Effect::Rejected {
                id: "id-0".into(),
                status: 400,
                reason: "Bad Request".into()
            }]
        );
    }

    // Guards a wrong endpoint or an account without write rights emptying the outbox into
    // "rejected": 403 and 404 stop sync with a configuration error and reject nothing, on a
    // batch and on a lone statement, until "Sync now" or a new sign-in.
    #[test]
    fn a_403_or_404_is_a_configuration_error_never_a_rejection() {
        for (n, code) in [(5, 404), (1, 404), (5, 403), (1, 403)] {
            let mut outbox = pending(n);
            let mut policy = SyncPolicy::new(config());
            let req = policy.next_request(&outbox, 0).expect("request");
            let effects = policy.on_outcome(&req, status(code, r#"{"detail":"Not Found"}"#), 0, 0);
            assert_eq!(
                effects,
                vec![Effect::Misconfigured {
                    status: code,
                    reason: "Not Found".into()
                }],
                "{n} statements, {code}"
            );
            assert!(apply(&mut outbox, &effects).is_empty());
            assert_eq!(outbox.len(), n, "nothing leaves the outbox");
            assert_eq!(policy.misconfigured(), Some((code, "Not Found")));
            assert_eq!(policy.next_request(&outbox, 10_000_000), None);
            assert_eq!(policy.next_wake(), None, "no timer retries a wrong address");
            policy.retry_now();
            assert_eq!(policy.next_request(&outbox, 0), Some(req.clone()));
            policy.on_outcome(&req, status(code, ""), 0, 0);
            policy.signed_in();
            assert_eq!(policy.misconfigured(), None);
            assert_eq!(policy.next_request(&outbox, 0), Some(req));
        }
    }

    // Guards a sync that stalls for good when the app's outbox write fails: the statements
    // the LRS acknowledged stay in the outbox and go again after a backoff, not never.
    #[test]
    fn a_failed_save_sends_the_same_statements_again_after_a_backoff() {
        let outbox = pending(3);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        let effects = policy.on_outcome(&req, status(204, ""), 10, 0);
        assert_eq!(effects, vec![Effect::Acked(req.ids().to_vec())]);
        // ... but the app could not delete them: they are still in its outbox.
        let effects = policy.apply_failed("storage error".into(), 10, 0);
        let [Effect::WaitUntil(t)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert!((510..=1_010).contains(t), "{t}");
        assert_eq!(policy.last_error(), Some("storage error"));
        assert_eq!(policy.next_request(&outbox, t - 1), None);
        assert_eq!(policy.next_request(&outbox, *t), Some(req));
    }

    #[test]
    fn a_401_stops_everything_and_keeps_everything_until_sign_in() {
        let outbox = pending(5);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        let effects = policy.on_outcome(
            &req,
            status(401, r#"{"detail":"Invalid authentication credentials"}"#),
            0,
            0,
        );
        assert_eq!(effects, vec![Effect::AuthRequired]);
        assert!(policy.auth_required());
        assert_eq!(policy.next_wake(), None);
        assert_eq!(policy.next_request(&outbox, 1_000_000), None);
        policy.retry_now();
        assert_eq!(policy.next_request(&outbox, 1_000_000), None);
        policy.signed_in();
        assert_eq!(policy.next_request(&outbox, 1_000_000), Some(req));
    }

    #[test]
    fn a_401_during_a_probe_keeps_the_probe() {
        let outbox = pending(3);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        policy.on_outcome(&req, status(409, ""), 0, 0);
        let put = policy.next_request(&outbox, 0).expect("probe");
        assert_eq!(
            policy.on_outcome(&put, status(401, ""), 0, 0),
            vec![Effect::AuthRequired]
        );
        policy.signed_in();
        assert_eq!(policy.next_request(&outbox, 0), Some(put));
    }

    #[test]
    fn a_statement_that_keeps_failing_does_not_block_the_others() {
        // The LRS fails (500, seen as a network error) on any request carrying "id-1".
        let mut outbox = pending(6);
        let mut policy = SyncPolicy::new(SyncConfig {
            max_batch: 3,
            ..config()
        });
        let mut now = 0;
        let mut acked = Vec::new();
        let mut sent = 0;
        let mut sent_when_all_others_acked = None;
        while sent < 40 {
            let Some(req) = policy.next_request(&outbox, now) else {
                now = policy.next_wake().expect("waiting");
                continue;
            };
            sent += 1;
            let outcome = if req.ids().iter().any(|id| id == "id-1") {
                Outcome::Network("TypeError: Failed to fetch".into())
            } else {
                status(204, "")
            };
            let effects = policy.on_outcome(&req, outcome, now, 0);
            for effect in &effects {
                if let Effect::Acked(ids) = effect {
                    acked.extend(ids.iter().cloned());
                }
            }
            apply(&mut outbox, &effects);
            if acked.len() == 5 && sent_when_all_others_acked.is_none() {
                sent_when_all_others_acked = Some(sent);
            }
        }
        // [0,1,2] fails 3 times, PUT 0, PUT 1 (fails: held), PUT 2, [3,4,5]: the poison
        // statement cost the others 4 requests and is not tried again before them.
        assert_eq!(sent_when_all_others_acked, Some(7));
        acked.sort();
        assert_eq!(acked, vec!["id-0", "id-2", "id-3", "id-4", "id-5"]);
        // Never dropped: still in the outbox, still retried.
        assert_eq!(outbox, pending(2)[1..].to_vec());
    }

    // Guards an anonymous record sent with the learner's own statements or right next to
    // them: it waits for its drawn delay and for a quiet time after any other request, and
    // records go one at a time.
    #[test]
    fn anonymous_records_wait_for_their_delay_and_a_quiet_time() {
        assert_eq!(anonymous_send_after(1_000, (60_000, 60_000), 12345), 61_000);
        for rand in [0, 1, 7, u64::MAX] {
            let t = anonymous_send_after(1_000, (60_000, 600_000), rand);
            assert!((61_000..=601_000).contains(&t), "{t}");
        }
        assert_eq!(anonymous_step(&[], 5, 0, 10), AnonymousStep::Idle);
        let records = [("b", 5_000), ("a", 9_000), ("c", 5_000)];
        // before any record is due
        assert_eq!(
            anonymous_step(&records, 4_000, 0, 1_000),
            AnonymousStep::WaitUntil(5_000)
        );
        // due, and nothing was sent for a while: the first due, ties by id
        assert_eq!(
            anonymous_step(&records, 5_000, 0, 1_000),
            AnonymousStep::Send("b")
        );
        // due, but the learner's statements just went: wait for the quiet time
        assert_eq!(
            anonymous_step(&records, 6_000, 5_500, 1_000),
            AnonymousStep::WaitUntil(6_500)
        );
        assert_eq!(
            anonymous_step(&records, 6_500, 5_500, 1_000),
            AnonymousStep::Send("b")
        );
    }

    #[test]
    fn reasons_are_plain_and_short() {
        assert_eq!(
            lrs_reason(
                409,
                r#"{"detail":"A different statement already exists with the same ID"}"#
            ),
            "A different statement already exists with the same ID"
        );
        assert_eq!(
            lrs_reason(
                422,
                r#"{"detail":[{"loc":["body","verb"],"msg":"Field required"},{"loc":["body","id"],"msg":"Input should be a valid UUID"}]}"#
            ),
            "body.verb: Field required; body.id: Input should be a valid UUID"
        );
        assert_eq!(lrs_reason(400, r#"{"message":"bad"}"#), "bad");
        assert_eq!(lrs_reason(404, ""), "the LRS answered 404 Not Found");
        let long = "é".repeat(500);
        let reason = lrs_reason(400, &long);
        assert_eq!(reason.chars().count(), 201);
        assert!(reason.ends_with('…'));
    }

    #[test]
    fn retry_after_values() {
        assert_eq!(parse_retry_after(" 120 ", 0), Some(120));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 0),
            Some(784_111_777)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777_000 - 1_500),
            Some(2)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", u64::MAX),
            Some(0)
        );
        assert_eq!(parse_retry_after("soon", 0), None);
        assert_eq!(parse_retry_after("-5", 0), None);
    }

    #[test]
    fn a_fresh_policy_resumes_from_the_outbox_alone() {
        let outbox = pending(3);
        let mut policy = SyncPolicy::new(config());
        let req = policy.next_request(&outbox, 0).expect("batch");
        policy.on_outcome(&req, status(409, ""), 0, 0);
        // The page reloads: the probe queue is gone, the same batch goes again.
        let mut fresh = SyncPolicy::new(config());
        assert_eq!(fresh.next_request(&outbox, 0), Some(req));
    }

    proptest! {
        #[test]
        fn batches_respect_count_and_bytes(
            sizes in proptest::collection::vec(0usize..400, 1..60),
            max_batch in 1usize..30,
            max_bytes in 1usize..3_000,
        ) {
            let outbox: Vec<Pending> = sizes
                .iter()
                .enumerate()
                .map(|(i, n)| Pending {
                    id: format!("s{i}"),
                    body: format!(r#"{{"id":"s{i}","pad":"{}"}}"#, "x".repeat(*n)),
                })
                .collect();
            let mut policy = SyncPolicy::new(SyncConfig { max_batch, max_bytes, ..config() });
            let mut rest = outbox.clone();
            while let Some(req) = policy.next_request(&rest, 0) {
                let n = req.ids().len();
                prop_assert!(n >= 1 && n <= max_batch);
                prop_assert!(n == 1 || req.body().len() <= max_bytes);
                // The oldest statements, in order, and a body made of exactly them.
                let head: Vec<&str> = rest[..n].iter().map(|p| p.id.as_str()).collect();
                prop_assert_eq!(ids(&req), head);
                let (parsed, array_len): (Vec<Value>, usize) = match &req {
                    Request::Post { body, .. } => {
                        (serde_json::from_str(body).expect("JSON"), body.len())
                    }
                    Request::Put { body, .. } => {
                        (vec![serde_json::from_str(body).expect("JSON")], body.len() + 2)
                    }
                };
                prop_assert_eq!(parsed.len(), n);
                for (value, p) in parsed.iter().zip(&rest) {
                    let expected: Value = serde_json::from_str(&p.body).expect("JSON");
                    prop_assert_eq!(value, &expected);
                }
                // Maximal: the next statement would not have fitted.
                if let Some(next) = rest.get(n) {
                    prop_assert!(n == max_batch || array_len + 1 + next.body.len() > max_bytes);
                }
                let effects = policy.on_outcome(&req, status(204, ""), 0, 0);
                apply(&mut rest, &effects);
            }
            prop_assert!(rest.is_empty());
        }

        #[test]
        fn backoff_grows_is_capped_and_jittered_within_bounds(
            base in 1u64..5_000,
            max_factor in 1u64..1_000,
            rands in proptest::collection::vec(any::<u64>(), 1..80),
        ) {
            let max = base * max_factor;
            let outbox = pending(1);
            let mut policy = SyncPolicy::new(SyncConfig {
                base_backoff_ms: base,
                max_backoff_ms: max,
                ..config()
            });
            let mut now = 0u64;
            for (i, rand) in rands.iter().enumerate() {
                let req = policy.next_request(&outbox, now).expect("due");
                let effects = policy.on_outcome(&req, Outcome::Network("x".into()), now, *rand);
                let [Effect::WaitUntil(t)] = effects.as_slice() else {
                    panic!("{effects:?}")
                };
                let ceiling = base.saturating_mul(1u64 << i.min(40)).min(max);
                let wait = t - now;
                prop_assert!(wait >= ceiling / 2 && wait <= ceiling, "{wait} vs {ceiling}");
                prop_assert!(wait <= max);
                prop_assert_eq!(policy.next_request(&outbox, t - 1), None);
                now = *t;
            }
        }
    }
}
