//! Seeded simulation of the sync policy against a faulty, Ralph-like LRS.
//!
//! Each seed draws a client configuration, an LRS size limit, fault and crash rates, then runs
//! a bounded number of steps in which the learner produces statements (some invalid, some
//! reusing an id the LRS already holds with another body, some too large), the client crashes
//! (its `SyncPolicy` is dropped, its outbox and rejected store are kept, effects may be half
//! applied), the session expires, the LRS is misconfigured for a while (403 or 404 on its
//! statements resource, until an administrator fixes it and the learner presses "Sync now"),
//! the client fails to write what an answer says to its outbox (a failed save: the answer is
//! not applied), the learner presses "Sync now", and every request may meet
//! a fault: connection refused, timeout before sending, timeout after the LRS stored the batch,
//! 500 before or after storing (sometimes seen as a network error, as a browser sees a
//! CORS-less 500), 503 and 429 with or without `Retry-After`. Then faults stop and sync runs
//! to quiescence, and the invariants are checked:
//! - the LRS holds exactly its own earlier statements plus every valid statement produced,
//!   each once, identical;
//! - the outbox is empty; the rejected store holds exactly the invalid (422), conflicting (409)
//!   and oversized (413) statements, each once, each with a reason (never one refused by a
//!   misconfigured LRS);
//! - along the way: every ack is true (the LRS holds that statement identically when the ack is
//!   applied), no request is sent before a `Retry-After` the policy was given, no request holds
//!   a duplicate id or exceeds the batch bounds, `WaitUntil` is never in the past.
//!
//! Replay one seed: `SYNC_SIM_SEED=1234 cargo test -p boiduong-core --test sync_sim`.
//! More seeds: `SYNC_SIM_SEEDS=20000` (and `SYNC_SIM_FIRST=` to start elsewhere).

use std::collections::{BTreeMap, BTreeSet};
use std::panic;

use boiduong_core::sync::{Effect, Outcome, Pending, Request, SyncConfig, SyncPolicy};
use serde_json::{json, Value};

const DEFAULT_SEEDS: u64 = 1_000;

/// The core's seeded PRNG with the simulator's integer draws.
struct Rng(boiduong_core::rng::Rng);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(boiduong_core::rng::Rng::new(seed))
    }

    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0.below(n as usize) as u64
    }

    /// Inclusive range.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1_000) < per_mille
    }

    fn uuid(&mut self) -> String {
        self.0.uuid()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Valid,
    /// No verb: the LRS answers 422.
    Invalid,
    /// An id the LRS already holds with another body: 409.
    Conflict,
    /// Larger than the LRS accepts: 413 even alone.
    Oversize,
}

fn statement(id: &str, seq: u64, pad: usize, valid: bool) -> String {
    let mut value = json!({
        "id": id,
        "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": format!("urn:boiduong:item:{seq}")},
        "result": {"response": "x".repeat(pad)},
        "timestamp": "2026-11-28T10:00:00Z",
    });
    if !valid {
        if let Value::Object(obj) = &mut value {
            obj.remove("verb");
        }
    }
    value.to_string()
}

/// The simulated LRS: Ralph's answers (see docs/lrs-ralph.md), one worker.
struct Lrs {
    /// Append-only store, as Ralph's JSON Lines file (statements re-serialised: the
    /// simulated client writes the same canonical form, so equal text = equal statement).
    log: Vec<(String, String)>,
    index: BTreeMap<String, usize>,
    max_bytes: usize,
    signed_in: bool,
    /// A wrong endpoint or an account without write rights: every request answered with this
    /// status (403 or 404) until fixed.
    misconfigured: Option<u16>,
    /// Ralph with `RALPH_LRS_PARTIAL_SUCCESS_DEFAULT=true`: POST stores the valid statements
    /// of a batch and reports the others (200, or 400 when it stored none).
    partial_success: bool,
}

impl Lrs {
    fn store(&mut self, id: &str, value: &Value) {
        self.index.insert(id.to_owned(), self.log.len());
        self.log.push((id.to_owned(), value.to_string()));
    }

    fn holds(&self, id: &str, statement: &str) -> bool {
        self.index
            .get(id)
            .is_some_and(|&k| self.log[k].1 == statement)
    }

    fn holds_value(&self, id: &str, value: &Value) -> bool {
        self.holds(id, &value.to_string())
    }

    fn answer(&mut self, req: &Request) -> (u16, String) {
        if let Some(code) = self.misconfigured {
            return (code, r#"{"detail":"Not Found"}"#.into());
        }
        if !self.signed_in {
            return (
                401,
                r#"{"detail":"Invalid authentication credentials"}"#.into(),
            );
        }
        if req.body().len() > self.max_bytes {
            return (
                413,
                "<html><head><title>413 Request Entity Too Large</title></head></html>".into(),
            );
        }
        match req {
            Request::Post { body, .. } => self.post(body),
            Request::Put { id, body } => self.put(id, body),
        }
    }

    fn invalid(index: Option<usize>) -> (u16, String) {
        let loc = match index {
            Some(i) => json!(["body", i, "verb"]),
            None => json!(["body", "verb"]),
        };
        let detail = json!({"detail": [{"type": "missing", "loc": loc, "msg": "Field required"}]});
        (422, detail.to_string())
    }

    fn post(&mut self, body: &str) -> (u16, String) {
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(body) else {
            return (400, r#"{"detail":"Invalid JSON body"}"#.into());
        };
        if self.partial_success {
            return self.post_partial(items);
        }
        let mut batch: Vec<(String, Value)> = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let id = item.get("id").and_then(Value::as_str).map(str::to_owned);
            match id {
                Some(id) if item.get("verb").is_some() => batch.push((id, item)),
                _ => return Self::invalid(Some(i)),
            }
        }
        let distinct: BTreeSet<&str> = batch.iter().map(|(id, _)| id.as_str()).collect();
        if distinct.len() != batch.len() {
            return (
                400,
                r#"{"detail":"Duplicate statement IDs in the list of statements"}"#.into(),
            );
        }
        for (id, value) in &batch {
            if self.index.contains_key(id) && !self.holds_value(id, value) {
                let detail = format!("Differing statements already exist with the same ID: {id}");
                return (409, json!({ "detail": detail }).to_string());
            }
        }
        let new: Vec<(String, Value)> = batch
            .into_iter()
            .filter(|(id, _)| !self.index.contains_key(id))
            .collect();
        if new.is_empty() {
            return (204, String::new());
        }
        let ids: Vec<String> = new.iter().map(|(id, _)| id.clone()).collect();
        for (id, value) in new {
            self.store(&id, &value);
        }
        (200, json!(ids).to_string())
    }

    fn post_partial(&mut self, items: Vec<Value>) -> (u16, String) {
        let mut batch: Vec<(String, Value)> = Vec::new();
        let mut errors = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let id = item.get("id").and_then(Value::as_str).map(str::to_owned);
            match id {
                Some(id) if item.get("verb").is_some() => batch.push((id, item)),
                _ => errors.push(json!({"index": i, "reason": "missing verb"})),
            }
        }
        let report = |ids: &[String], errors: &[Value]| {
            json!({"inserted": ids.len(), "rejected": errors.len(), "ids": ids, "errors": errors})
                .to_string()
        };
        if batch.is_empty() {
            return (400, report(&[], &errors));
        }
        for (id, value) in &batch {
            if self.index.contains_key(id) && !self.holds_value(id, value) {
                let mut errors = errors.clone();
                let reason = format!("Differing statements already exist with the same ID: {id}");
                errors.push(json!({"index": -1, "reason": reason}));
                return (409, report(&[], &errors));
            }
        }
        let mut ids = Vec::new();
        for (id, value) in batch {
            if !self.index.contains_key(&id) {
                self.store(&id, &value);
                ids.push(id);
            }
        }
        let code = if ids.is_empty() { 400 } else { 200 };
        (code, report(&ids, &errors))
    }

    fn put(&mut self, id: &str, body: &str) -> (u16, String) {
        let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(body) else {
            return (400, r#"{"detail":"Invalid JSON body"}"#.into());
        };
        if value.get("verb").is_none() {
            return Self::invalid(None);
        }
        if value.get("id").and_then(Value::as_str) != Some(id) {
            return (
                400,
                r#"{"detail":"xAPI statement id does not match given statementId"}"#.into(),
            );
        }
        if self.index.contains_key(id) {
            if self.holds_value(id, &value) {
                return (204, String::new());
            }
            return (
                409,
                r#"{"detail":"A different statement already exists with the same ID"}"#.into(),
            );
        }
        self.store(id, &value);
        (204, String::new())
    }
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    Refused,
    TimeoutBeforeSend,
    TimeoutAfterStore,
    ServerErrorBefore,
    ServerErrorAfter,
    Unavailable,
    RateLimited,
}

const FAULTS: [Fault; 7] = [
    Fault::Refused,
    Fault::TimeoutBeforeSend,
    Fault::TimeoutAfterStore,
    Fault::ServerErrorBefore,
    Fault::ServerErrorAfter,
    Fault::Unavailable,
    Fault::RateLimited,
];

#[derive(Default, Clone, Debug, PartialEq, Eq)]
struct Summary {
    statements: u64,
    rejected: u64,
    requests: u64,
    faults: u64,
    crashes: u64,
    auth_expiries: u64,
    status_413: u64,
    puts: u64,
    misconfigurations: u64,
    save_failures: u64,
    /// Hash of everything that happened (determinism check).
    trace: u64,
}

struct Sim {
    rng: Rng,
    config: SyncConfig,
    lrs: Lrs,
    outbox: Vec<Pending>,
    rejected: Vec<(String, u16, String)>,
    policy: SyncPolicy,
    now: u64,
    /// No request before this: the `Retry-After` the current policy instance was given.
    retry_after_until: u64,
    sign_in_at: Option<u64>,
    /// When the administrator fixes a misconfigured LRS (and the learner presses "Sync now").
    fix_at: Option<u64>,
    produced: Vec<(String, String, Kind)>,
    /// Ids the LRS held before the learner started (another device), free for a conflict.
    foreign: Vec<String>,
    /// What the LRS held at the start.
    initial: Vec<(String, String)>,
    fault_rate: u64,
    crash_rate: u64,
    /// Per mille of answers the client fails to write to its outbox.
    save_fail_rate: u64,
    max_pad: usize,
    seq: u64,
    summary: Summary,
}

impl Sim {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let base_backoff_ms = rng.range(50, 2_000);
        let config = SyncConfig {
            max_batch: rng.range(1, 25) as usize,
            max_bytes: rng.range(200, 8_000) as usize,
            base_backoff_ms,
            max_backoff_ms: base_backoff_ms * rng.range(1, 64),
            isolate_after: rng.range(0, 4) as u32,
        };
        let max_pad = rng.range(0, 400) as usize;
        let largest_valid = statement(&rng.uuid(), u64::MAX, max_pad, true).len();
        let mut lrs = Lrs {
            log: Vec::new(),
            index: BTreeMap::new(),
            // Any valid statement fits alone ("[" + statement + "]"); batches may not.
            max_bytes: largest_valid + 2 + rng.range(0, 6_000) as usize,
            signed_in: true,
            misconfigured: None,
            partial_success: rng.chance(250),
        };
        let mut foreign = Vec::new();
        for n in 0..rng.range(0, 12) {
            let id = rng.uuid();
            let value: Value =
                serde_json::from_str(&statement(&id, 1_000_000 + n, 10, true)).expect("JSON");
            lrs.store(&id, &value);
            foreign.push(id);
        }
        let initial = lrs.log.clone();
        let fault_rate = rng.range(0, 700);
        let crash_rate = rng.range(0, 60);
        let save_fail_rate = rng.range(0, 80);
        Sim {
            rng,
            policy: SyncPolicy::new(config.clone()),
            config,
            lrs,
            outbox: Vec::new(),
            rejected: Vec::new(),
            now: 1_700_000_000_000,
            retry_after_until: 0,
            sign_in_at: None,
            fix_at: None,
            produced: Vec::new(),
            foreign,
            initial,
            fault_rate,
            crash_rate,
            save_fail_rate,
            max_pad,
            seq: 0,
            summary: Summary::default(),
        }
    }

    fn trace(&mut self, x: u64) {
        self.summary.trace = (self.summary.trace ^ x).wrapping_mul(0x0100_0000_01B3);
    }

    fn crash(&mut self) {
        self.policy = SyncPolicy::new(self.config.clone());
        self.retry_after_until = 0;
        self.summary.crashes += 1;
        self.trace(0xC4A5);
    }

    fn produce(&mut self) {
        self.seq += 1;
        let roll = self.rng.below(100);
        let kind = match roll {
            0..=5 => Kind::Invalid,
            6..=9 if !self.foreign.is_empty() => Kind::Conflict,
            10..=12 => Kind::Oversize,
            _ => Kind::Valid,
        };
        let pad = self.rng.below(self.max_pad as u64 + 1) as usize;
        let (id, body) = match kind {
            Kind::Valid => {
                let id = self.rng.uuid();
                let body = statement(&id, self.seq, pad, true);
                (id, body)
            }
            Kind::Invalid => {
                let id = self.rng.uuid();
                let body = statement(&id, self.seq, pad, false);
                (id, body)
            }
            Kind::Conflict => {
                let k = self.rng.below(self.foreign.len() as u64) as usize;
                let id = self.foreign.swap_remove(k);
                let body = statement(&id, self.seq, pad, true);
                (id, body)
            }
            Kind::Oversize => {
                let id = self.rng.uuid();
                let body = statement(&id, self.seq, self.lrs.max_bytes + 10, true);
                (id, body)
            }
        };
        self.outbox.push(Pending {
            id: id.clone(),
            body: body.clone(),
        });
        self.produced.push((id, body, kind));
        self.summary.statements += 1;
    }

    /// Checks a request leaving the client.
    fn check_request(&self, req: &Request) -> Result<(), String> {
        if self.now < self.retry_after_until {
            return Err(format!(
                "request {} ms before the Retry-After deadline",
                self.retry_after_until - self.now
            ));
        }
        let ids = req.ids();
        let distinct: BTreeSet<&String> = ids.iter().collect();
        if distinct.len() != ids.len() {
            return Err(format!("duplicate ids in one request: {ids:?}"));
        }
        if ids.len() > self.config.max_batch {
            return Err(format!("{} statements in one batch", ids.len()));
        }
        if ids.len() > 1 && req.body().len() > self.config.max_bytes {
            return Err(format!("{} bytes in one batch", req.body().len()));
        }
        for id in ids {
            if !self.outbox.iter().any(|p| &p.id == id) {
                return Err(format!("sent {id}, which is not in the outbox"));
            }
        }
        // The body is exactly the outbox statements, as queued.
        let parts: Vec<&str> = ids
            .iter()
            .filter_map(|id| self.outbox.iter().find(|p| &p.id == id))
            .map(|p| p.body.as_str())
            .collect();
        let expected = match req {
            Request::Post { .. } => format!("[{}]", parts.join(",")),
            Request::Put { .. } => parts.concat(),
        };
        if req.body() != expected {
            return Err(format!(
                "request body is not the queued statements: {req:?}"
            ));
        }
        Ok(())
    }

    /// One request, if the policy wants to send one now. Returns whether it did.
    fn drive_one(&mut self, faulty: bool) -> Result<bool, String> {
        let Some(req) = self.policy.next_request(&self.outbox, self.now) else {
            return Ok(false);
        };
        self.check_request(&req)?;
        self.summary.requests += 1;
        if matches!(req, Request::Put { .. }) {
            self.summary.puts += 1;
        }
        let fault = if faulty && self.rng.chance(self.fault_rate) {
            self.summary.faults += 1;
            Some(FAULTS[self.rng.below(FAULTS.len() as u64) as usize])
        } else {
            None
        };
        let retry_after = if self.rng.chance(700) {
            Some(self.rng.range(0, 120))
        } else {
            None
        };
        let browser_500 = self.rng.chance(500);
        let outcome = match fault {
            None => {
                let (code, body) = self.lrs.answer(&req);
                Outcome::Status {
                    code,
                    retry_after_s: None,
                    body,
                }
            }
            Some(Fault::Refused) => Outcome::Network("connection refused".into()),
            Some(Fault::TimeoutBeforeSend) => Outcome::Network("timeout".into()),
            Some(Fault::TimeoutAfterStore) => {
                self.lrs.answer(&req);
                Outcome::Network("timeout".into())
            }
            Some(f @ (Fault::ServerErrorBefore | Fault::ServerErrorAfter)) => {
                if matches!(f, Fault::ServerErrorAfter) {
                    self.lrs.answer(&req);
                }
                if browser_500 {
                    Outcome::Network("TypeError: Failed to fetch".into())
                } else {
                    Outcome::Status {
                        code: 500,
                        retry_after_s: None,
                        body: "Internal Server Error".into(),
                    }
                }
            }
            Some(f @ (Fault::Unavailable | Fault::RateLimited)) => Outcome::Status {
                code: if matches!(f, Fault::Unavailable) {
                    503
                } else {
                    429
                },
                retry_after_s: retry_after,
                body: String::new(),
            },
        };
        if let Outcome::Status { code, .. } = &outcome {
            self.trace(u64::from(*code));
            if *code == 413 {
                self.summary.status_413 += 1;
            }
        } else {
            self.trace(1);
        }
        self.now += self.rng.range(1, 400);
        // Crash while the request is in flight: the answer never reaches the policy.
        if faulty && self.rng.chance(self.crash_rate / 2) {
            self.crash();
            return Ok(true);
        }
        if let Outcome::Status {
            retry_after_s: Some(s),
            ..
        } = &outcome
        {
            self.retry_after_until = self.retry_after_until.max(self.now + s * 1_000);
        }
        let rand = self.rng.next();
        let effects = self.policy.on_outcome(&req, outcome, self.now, rand);
        if faulty && self.rng.chance(self.save_fail_rate) {
            // The outbox write failed: acks and rejections are not applied; the rest is
            // state in memory and still happens.
            self.summary.save_failures += 1;
            self.trace(0x5AFE);
            for effect in effects {
                if !matches!(effect, Effect::Acked(_) | Effect::Rejected { .. }) {
                    self.apply(effect)?;
                }
            }
            let rand = self.rng.next();
            for effect in self
                .policy
                .apply_failed("save failed".into(), self.now, rand)
            {
                self.apply(effect)?;
            }
            return Ok(true);
        }
        let crash_at = if faulty && self.rng.chance(self.crash_rate) {
            Some(self.rng.below(effects.len() as u64 + 1) as usize)
        } else {
            None
        };
        for (i, effect) in effects.into_iter().enumerate() {
            if crash_at == Some(i) {
                self.crash();
                return Ok(true);
            }
            self.apply(effect)?;
        }
        if crash_at.is_some() {
            self.crash();
        }
        Ok(true)
    }

    fn apply(&mut self, effect: Effect) -> Result<(), String> {
        match effect {
            Effect::Acked(ids) => {
                for id in &ids {
                    self.trace(0xACE);
                    let Some(p) = self.outbox.iter().find(|p| &p.id == id) else {
                        continue;
                    };
                    if !self.lrs.holds(id, &p.body) {
                        return Err(format!("{id} acked but the LRS does not hold it"));
                    }
                }
                self.outbox.retain(|p| !ids.contains(&p.id));
            }
            Effect::Rejected { id, status, reason } => {
                self.trace(u64::from(status) << 8);
                if reason.trim().is_empty() {
                    return Err(format!("{id} rejected without a reason"));
                }
                if self.outbox.iter().any(|p| p.id == id) {
                    self.outbox.retain(|p| p.id != id);
                    self.rejected.push((id, status, reason));
                }
            }
            Effect::AuthRequired => {
                self.trace(401 << 16);
                if self.sign_in_at.is_none() {
                    self.sign_in_at = Some(self.now + self.rng.range(0, 120_000));
                }
            }
            Effect::Misconfigured { status, reason } => {
                self.trace(u64::from(status) << 16);
                if self.lrs.misconfigured != Some(status) {
                    return Err(format!("Misconfigured({status}) from a working LRS"));
                }
                if reason.trim().is_empty() {
                    return Err("misconfiguration without a reason".into());
                }
                if self.fix_at.is_none() {
                    self.fix_at = Some(self.now + self.rng.range(0, 120_000));
                }
            }
            Effect::WaitUntil(t) => {
                if t < self.now {
                    return Err(format!("WaitUntil({t}) is in the past (now {})", self.now));
                }
            }
        }
        Ok(())
    }

    fn run(&mut self) -> Result<(), String> {
        let steps = self.rng.range(60, 220);
        let produce_rate = self.rng.range(100, 600);
        for _ in 0..steps {
            self.now += self.rng.below(3_000);
            if let Some(wake) = self.policy.next_wake() {
                if wake > self.now && self.rng.chance(400) {
                    self.now = wake;
                }
            }
            if self.rng.chance(produce_rate) {
                for _ in 0..self.rng.range(1, 4) {
                    self.produce();
                }
            }
            if self.rng.chance(self.crash_rate) {
                self.crash();
            }
            if self.lrs.signed_in && self.rng.chance(8) {
                self.lrs.signed_in = false;
                self.summary.auth_expiries += 1;
            }
            if self.sign_in_at.is_some_and(|t| t <= self.now) {
                self.sign_in();
            }
            if self.lrs.misconfigured.is_none() && self.rng.chance(5) {
                self.lrs.misconfigured = Some(if self.rng.chance(500) { 403 } else { 404 });
                self.summary.misconfigurations += 1;
            }
            if self.fix_at.is_some_and(|t| t <= self.now) {
                self.fix();
            }
            if self.rng.chance(30) {
                // "Sync now", or the browser's `online` event.
                self.policy.retry_now();
            }
            for _ in 0..self.rng.range(1, 6) {
                if !self.drive_one(true)? {
                    break;
                }
            }
        }
        // Faults stop; the LRS is fixed; the learner signs in if asked; sync runs until there
        // is nothing to do.
        self.fix();
        self.sign_in();
        let mut quiet = false;
        for _ in 0..100_000 {
            if self.drive_one(false)? {
                continue;
            }
            match self.policy.next_wake() {
                Some(wake) if wake > self.now => self.now = wake,
                _ => {
                    quiet = true;
                    break;
                }
            }
        }
        if !quiet {
            return Err("sync did not quiesce".into());
        }
        if self.policy.auth_required() {
            return Err("still waiting for a sign-in".into());
        }
        if let Some((status, _)) = self.policy.misconfigured() {
            return Err(format!("still stopped by a misconfiguration ({status})"));
        }
        self.check_end()
    }

    /// The administrator fixes the LRS; the learner presses "Sync now".
    fn fix(&mut self) {
        if self.lrs.misconfigured.take().is_some() || self.fix_at.is_some() {
            self.policy.retry_now();
        }
        self.fix_at = None;
    }

    fn sign_in(&mut self) {
        self.lrs.signed_in = true;
        self.policy.signed_in();
        self.sign_in_at = None;
    }

    fn check_end(&mut self) -> Result<(), String> {
        if !self.outbox.is_empty() {
            let ids: Vec<&str> = self.outbox.iter().map(|p| p.id.as_str()).collect();
            return Err(format!("outbox not empty: {ids:?}"));
        }
        if self.lrs.index.len() != self.lrs.log.len() {
            return Err("the LRS stored an id twice".into());
        }
        let mut expected_rejected: BTreeMap<&str, u16> = BTreeMap::new();
        let mut valid = 0;
        for (id, body, kind) in &self.produced {
            match kind {
                Kind::Valid => {
                    valid += 1;
                    if !self.lrs.holds(id, body) {
                        return Err(format!(
                            "valid statement {id} missing or altered in the LRS"
                        ));
                    }
                }
                Kind::Invalid | Kind::Conflict | Kind::Oversize => {
                    if matches!(kind, Kind::Invalid | Kind::Oversize)
                        && self.lrs.index.contains_key(id)
                    {
                        return Err(format!("{kind:?} statement {id} stored"));
                    }
                    if matches!(kind, Kind::Conflict) && self.lrs.holds(id, body) {
                        return Err(format!(
                            "conflicting statement {id} overwrote the stored one"
                        ));
                    }
                    let status = match kind {
                        Kind::Invalid => 422,
                        Kind::Conflict => 409,
                        _ => 413,
                    };
                    expected_rejected.insert(id, status);
                }
            }
        }
        for (id, value) in &self.initial {
            if !self.lrs.holds(id, value) {
                return Err(format!("the LRS's own statement {id} was altered"));
            }
        }
        if self.lrs.log.len() != self.initial.len() + valid {
            return Err(format!(
                "the LRS holds {} statements, expected {} of its own + {valid} produced",
                self.lrs.log.len(),
                self.initial.len()
            ));
        }
        let got: BTreeMap<&str, u16> = self
            .rejected
            .iter()
            .map(|(id, status, _)| (id.as_str(), *status))
            .collect();
        if got.len() != self.rejected.len() {
            return Err("a statement was rejected twice".into());
        }
        if got != expected_rejected {
            return Err(format!("rejected {got:?}, expected {expected_rejected:?}"));
        }
        self.summary.rejected = self.rejected.len() as u64;
        Ok(())
    }
}

fn run_seed(seed: u64) -> Result<Summary, String> {
    let outcome = panic::catch_unwind(|| {
        let mut sim = Sim::new(seed);
        sim.run().map(|()| sim.summary.clone()).map_err(|e| {
            format!(
                "{e} (config {:?}, LRS max {} bytes, partial success {}, faults {}‰, \
                 crashes {}‰, t={})",
                sim.config,
                sim.lrs.max_bytes,
                sim.lrs.partial_success,
                sim.fault_rate,
                sim.crash_rate,
                sim.now
            )
        })
    });
    match outcome {
        Ok(result) => result.map_err(|e| format!("seed {seed}: {e}")),
        Err(_) => Err(format!("seed {seed}: panicked (message above)")),
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {v:?}"))
    })
}

fn seeds() -> Vec<u64> {
    if let Some(seed) = env_u64("SYNC_SIM_SEED") {
        return vec![seed];
    }
    let first = env_u64("SYNC_SIM_FIRST").unwrap_or(0);
    let count = env_u64("SYNC_SIM_SEEDS").unwrap_or(DEFAULT_SEEDS);
    (first..first + count).collect()
}

#[test]
fn nothing_is_lost_nothing_is_doubled() {
    let seeds = seeds();
    let mut total = Summary::default();
    let mut failures = Vec::new();
    for &seed in &seeds {
        match run_seed(seed) {
            Ok(s) => {
                total.statements += s.statements;
                total.rejected += s.rejected;
                total.requests += s.requests;
                total.faults += s.faults;
                total.crashes += s.crashes;
                total.auth_expiries += s.auth_expiries;
                total.status_413 += s.status_413;
                total.puts += s.puts;
                total.misconfigurations += s.misconfigurations;
                total.save_failures += s.save_failures;
            }
            Err(e) => failures.push(e),
        }
    }
    eprintln!(
        "sync_sim: {} seeds, {} statements ({} rejected as expected), {} requests ({} of them PUT, \
         {} answered 413), {} injected faults, {} client crashes, {} session expiries, \
         {} misconfigurations (403/404), {} failed saves",
        seeds.len(),
        total.statements,
        total.rejected,
        total.requests,
        total.puts,
        total.status_413,
        total.faults,
        total.crashes,
        total.auth_expiries,
        total.misconfigurations,
        total.save_failures
    );
    if !failures.is_empty() {
        for failure in failures.iter().take(10) {
            eprintln!("{failure}");
        }
        let first = failures[0]
            .split(':')
            .next()
            .unwrap_or("")
            .replace("seed ", "");
        panic!(
            "{} of {} seeds failed; replay one with \
             SYNC_SIM_SEED={first} cargo test -p boiduong-core --test sync_sim",
            failures.len(),
            seeds.len()
        );
    }
    // The simulation must actually exercise the hard paths.
    if seeds.len() >= 100 {
        assert!(total.faults > 1_000 && total.crashes > 100 && total.auth_expiries > 10);
        assert!(total.puts > 100 && total.status_413 > 100 && total.rejected > 100);
        assert!(total.misconfigurations > 10 && total.save_failures > 100);
    }
}

#[test]
fn a_seed_replays_identically() {
    for seed in [7, 4242] {
        let a = run_seed(seed).expect("passes");
        let b = run_seed(seed).expect("passes");
        assert_eq!(a, b);
    }
}
