//! The sync driver: moves the signed-in account's outbox to the LRS following the pure
//! `boiduong_core::sync::SyncPolicy` (what to send, batching, backoff, what a response
//! means), applies its effects durably, and sends anonymous evaluations through their own
//! account. The HTTP is `net::lrs`; this file decides when to call it and what to keep.

use super::*;

impl Session {
    /// "Sync now": also cancels our own backoff (never the LRS's Retry-After) and tries a
    /// misconfigured LRS or a refused anonymous account once more.
    pub fn sync_now(self) {
        self.policy.update_value(|p| p.retry_now());
        self.anonymous_policy.update_value(|p| {
            p.retry_now();
            p.signed_in();
        });
        self.set_misconfigured.set(None);
        self.set_anonymous_refused.set(None);
        self.kick();
    }

    /// Puts the statements the LRS refused back in the outbox (the learner chose to, e.g.
    /// once the training centre fixed what the LRS objected to), then syncs.
    pub async fn requeue_rejected(self) -> Result<usize, AppError> {
        let storage = self
            .app
            .storage()
            .ok_or_else(|| AppError::StorageUnavailable("storage not open".into()))?;
        let ids: Vec<String> = self
            .rejected
            .get_untracked()
            .into_iter()
            .map(|r| r.id)
            .collect();
        let Some(account) = self.identity.get_untracked().map(|i| i.account) else {
            return Ok(0);
        };
        let moved = storage.requeue_rejected(&account, &ids).await?;
        self.refresh_counts().await;
        self.sync_now();
        Ok(moved)
    }

    /// Runs the drive loop now, or once more after the current run.
    pub fn kick(self) {
        if self.syncing.get_untracked() {
            self.again.set_value(true);
            return;
        }
        self.set_syncing.set(true);
        leptos::task::spawn_local(async move {
            // One tab at a time: another tab's run makes this one wait, then this one reads
            // the outbox afresh.
            crate::platform::with_lock(SYNC_LOCK, async move {
                loop {
                    self.again.set_value(false);
                    self.drive().await;
                    if !self.again.get_value() {
                        break;
                    }
                }
            })
            .await;
            self.set_syncing.set(false);
        });
    }

    async fn drive(self) {
        let Some(storage) = self.app.storage() else {
            return;
        };
        let Some(Ok(config)) = self.config.get_untracked() else {
            return;
        };
        // The outbox is read once per run and kept in step locally (re-reading 10,000 records
        // per request would dominate a large drain); statements queued meanwhile are picked up
        // by the next run, which `kick` schedules.
        // The account whose outbox this is: the one signed in on the device (its password
        // may be unknown after a reload: then only its anonymous records can go).
        let Some(account) = self.identity.get_untracked().map(|i| i.account) else {
            self.refresh_counts().await;
            return;
        };
        let outbox = match storage.outbox(&account).await {
            Ok(o) => o,
            Err(e) => {
                self.set_last_error.set(Some(e.to_string()));
                return;
            }
        };
        let (anonymous, named): (Vec<Queued>, Vec<Queued>) = outbox
            .into_iter()
            .partition(|q| q.anonymous_after_ms.is_some());
        let named_done = match self.credentials.get_value() {
            Some(credentials) => {
                self.drive_named(&storage, &config, &credentials, named, anonymous.len())
                    .await
            }
            None => {
                self.refresh_counts().await;
                true
            }
        };
        if named_done {
            self.drive_anonymous(&storage, &config, &account, anonymous)
                .await;
        }
    }

    /// Sends the learner's own statements. Returns false when the run must stop (the
    /// session or the address was refused, or the outbox could not be written).
    async fn drive_named(
        self,
        storage: &Storage,
        config: &Config,
        credentials: &Credentials,
        mut outbox: Vec<Queued>,
        anonymous_waiting: usize,
    ) -> bool {
        let mut pending: Vec<Pending> = outbox
            .iter()
            .map(|q| Pending {
                id: q.id.clone(),
                body: q.body.clone(),
            })
            .collect();
        let mut commit: Option<futures::future::LocalBoxFuture<'static, Result<(), AppError>>> =
            None;
        // Bounded: each round sends one request; the policy's waits end the loop.
        for _ in 0..100_000 {
            self.set_pending.set(pending.len() + anonymous_waiting);
            let now = now_ms().max(0) as u64;
            let request = self
                .policy
                .try_update_value(|p| p.next_request(&pending, now))
                .flatten();
            let Some(request) = request else {
                if let Some(previous) = commit.take() {
                    if let Err(e) = previous.await {
                        self.save_failed(e);
                        return false;
                    }
                }
                self.schedule_wake();
                return true;
            };
            self.last_sent_ms.set_value(now);
            // The previous round's outbox commit runs while this request is in flight (at most
            // one outstanding). If the page dies before it lands, the acknowledged statements
            // are simply sent again, and the LRS answers an identical copy with 204.
            let send = lrs::send(&request, &config.lrs_endpoint, credentials);
            let outcome = match commit.take() {
                Some(previous) => {
                    let (outcome, committed) = futures::future::join(send, previous).await;
                    if let Err(e) = committed {
                        // The answer to this request is not applied either: everything the
                        // failed write would have removed is still in the outbox and goes
                        // again after a backoff (the policy is told, so it never waits for
                        // an answer that will not come).
                        self.save_failed(e);
                        return false;
                    }
                    outcome
                }
                None => send.await,
            };
            let now = now_ms().max(0) as u64;
            let effects = self
                .policy
                .try_update_value(|p| p.on_outcome(&request, outcome, now, random_u64()))
                .unwrap_or_default();
            let mut acked = Vec::new();
            let mut rejected = Vec::new();
            let mut auth = false;
            let mut misconfigured = None;
            for effect in effects {
                match effect {
                    SyncEffect::Acked(ids) => acked.extend(ids),
                    SyncEffect::Rejected { id, status, reason } => {
                        rejected.push(rejected_record(
                            &outbox,
                            &credentials.account,
                            id,
                            status,
                            reason,
                        ));
                    }
                    SyncEffect::AuthRequired => auth = true,
                    SyncEffect::Misconfigured { status, reason } => {
                        misconfigured = Some((status, reason));
                    }
                    SyncEffect::WaitUntil(_) => {}
                }
            }
            if !acked.is_empty() || !rejected.is_empty() {
                // One transaction: the outbox change and the time of this sync.
                let synced_at = (!acked.is_empty()).then(now_ms);
                let write = {
                    let storage = storage.clone();
                    let (acked, rejected) = (acked.clone(), rejected.clone());
                    let account = credentials.account.clone();
                    async move { storage.settle(&account, &acked, &rejected, synced_at).await }
                };
                if rejected.is_empty() {
                    commit = Some(Box::pin(write));
                } else if let Err(e) = write.await {
                    // Rejections are rare and shown at once: written before going on.
                    self.save_failed(e);
                    return false;
                }
                let done: std::collections::HashSet<&str> = acked
                    .iter()
                    .map(String::as_str)
                    .chain(rejected.iter().map(|r| r.id.as_str()))
                    .collect();
                pending.retain(|p| !done.contains(p.id.as_str()));
                outbox.retain(|q| !done.contains(q.id.as_str()));
                self.set_pending.set(pending.len() + anonymous_waiting);
            }
            if !acked.is_empty() {
                self.set_last_sync_ms.set(Some(now_ms()));
                self.set_last_error.set(None);
                self.set_unverified.set(false);
                self.set_misconfigured.set(None);
            }
            if !rejected.is_empty() {
                self.refresh_counts().await;
            }
            self.set_last_error.set(
                self.policy
                    .with_value(|p| p.last_error().map(str::to_owned)),
            );
            if auth || misconfigured.is_some() {
                if let Some(previous) = commit.take() {
                    if let Err(e) = previous.await {
                        self.set_last_error.set(Some(e.to_string()));
                    }
                }
                if auth {
                    self.set_auth_required.set(true);
                    self.set_signed_in.set(false);
                    self.set_verified.set(false);
                    self.credentials.set_value(None);
                    device::forget(storage).await;
                }
                if misconfigured.is_some() {
                    // Stopped, kept, said: never a rejection of the learner's statements.
                    self.set_misconfigured.set(misconfigured);
                }
                self.refresh_counts().await;
                return false;
            }
        }
        if let Some(previous) = commit.take() {
            if let Err(e) = previous.await {
                self.save_failed(e);
                return false;
            }
        }
        true
    }

    /// An outbox write failed: say why, and let the policy send again after a backoff.
    fn save_failed(self, error: AppError) {
        let now = now_ms().max(0) as u64;
        self.policy.update_value(|p| {
            p.apply_failed(error.to_string(), now, random_u64());
        });
        self.set_last_error.set(Some(error.to_string()));
        self.schedule_wake();
    }

    /// Sends at most one anonymous record, through the anonymous account, in a request of its
    /// own, when its delay and the quiet time after the last request are over.
    /// `owner` is the account whose records they are on this device (never sent with them).
    async fn drive_anonymous(
        self,
        storage: &Storage,
        config: &Config,
        owner: &str,
        outbox: Vec<Queued>,
    ) {
        // Without the account (removed from config.json since), the records wait, kept.
        let Some(account) = config.anonymous_account.clone() else {
            return;
        };
        // A refused anonymous account, or an LRS that refuses everything (shown already),
        // waits for "Sync now".
        if outbox.is_empty()
            || self.anonymous_refused.get_untracked().is_some()
            || self.misconfigured.get_untracked().is_some()
        {
            return;
        }
        let (quiet_ms, _) = account.delay_ms();
        let mut due: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
        for q in &outbox {
            let at = q.anonymous_after_ms.unwrap_or(0).max(0) as u64;
            let entry = due.entry(q.attempt_id.as_str()).or_insert(at);
            *entry = (*entry).min(at);
        }
        let records: Vec<(&str, u64)> = due.into_iter().collect();
        let now = now_ms().max(0) as u64;
        let record = match anonymous_step(&records, now, self.last_sent_ms.get_value(), quiet_ms) {
            AnonymousStep::Idle => return,
            AnonymousStep::WaitUntil(at) => {
                self.wake_at(at);
                return;
            }
            AnonymousStep::Send(record) => record.to_owned(),
        };
        let credentials = Credentials {
            account: account.name.clone(),
            password: account.password.clone(),
        };
        let mut pending: Vec<Pending> = outbox
            .iter()
            .filter(|q| q.attempt_id == record)
            .map(|q| Pending {
                id: q.id.clone(),
                body: q.body.clone(),
            })
            .collect();
        // One record: one request, or a few if the LRS asks to split or probe.
        for _ in 0..100 {
            let now = now_ms().max(0) as u64;
            let request = self
                .anonymous_policy
                .try_update_value(|p| p.next_request(&pending, now))
                .flatten();
            let Some(request) = request else {
                break;
            };
            self.last_sent_ms.set_value(now);
            let outcome = lrs::send(&request, &config.lrs_endpoint, &credentials).await;
            let now = now_ms().max(0) as u64;
            let effects = self
                .anonymous_policy
                .try_update_value(|p| p.on_outcome(&request, outcome, now, random_u64()))
                .unwrap_or_default();
            let mut acked = Vec::new();
            let mut rejected = Vec::new();
            for effect in effects {
                match effect {
                    SyncEffect::Acked(ids) => acked.extend(ids),
                    SyncEffect::Rejected { id, status, reason } => {
                        rejected.push(rejected_record(&outbox, owner, id, status, reason));
                    }
                    SyncEffect::AuthRequired => {
                        let reason = self
                            .anonymous_policy
                            .with_value(|p| p.last_error().map(str::to_owned))
                            .unwrap_or_default();
                        self.set_anonymous_refused.set(Some(reason));
                    }
                    SyncEffect::Misconfigured { status, reason } => {
                        self.set_anonymous_refused
                            .set(Some(format!("{status}: {reason}")));
                    }
                    SyncEffect::WaitUntil(at) => self.wake_at(at),
                }
            }
            if !acked.is_empty() || !rejected.is_empty() {
                if let Err(e) = storage.settle(owner, &acked, &rejected, None).await {
                    let now = now_ms().max(0) as u64;
                    self.anonymous_policy.update_value(|p| {
                        p.apply_failed(e.to_string(), now, random_u64());
                    });
                    self.set_last_error.set(Some(e.to_string()));
                    break;
                }
                pending
                    .retain(|p| !acked.contains(&p.id) && !rejected.iter().any(|r| r.id == p.id));
                self.refresh_counts().await;
            }
            if self.anonymous_refused.get_untracked().is_some() {
                break;
            }
        }
        self.last_sent_ms.set_value(now_ms().max(0) as u64);
        // The next record (if any) waits for the quiet time after this one.
        if records.len() > 1 {
            self.wake_at(now_ms().max(0) as u64 + quiet_ms);
        }
    }

    /// Wakes the loop when the policy's backoff or Retry-After ends.
    fn schedule_wake(self) {
        if let Some(at) = self.policy.with_value(|p| p.next_wake()) {
            self.wake_at(at);
        }
    }

    /// Runs the loop again at `at` (ms since epoch; at once when past), unless a timer is
    /// already set for no later than that (the run it starts sets the next one).
    fn wake_at(self, at: u64) {
        let now = now_ms().max(0) as u64;
        if self.wake.get_value().is_some_and(|t| t > now && t <= at) {
            return;
        }
        self.wake.set_value(Some(at));
        let delay = at.saturating_sub(now).min(i32::MAX as u64);
        set_timeout(
            move || {
                if self.wake.get_value() == Some(at) {
                    self.wake.set_value(None);
                }
                self.kick();
            },
            std::time::Duration::from_millis(delay),
        );
    }
}

/// A refused statement as kept in the rejected store (as `account`'s), with what the outbox
/// knew of it.
fn rejected_record(
    outbox: &[Queued],
    account: &str,
    id: String,
    status: u16,
    reason: String,
) -> RejectedStatement {
    let queued = outbox.iter().find(|q| q.id == id);
    RejectedStatement {
        attempt_id: queued.map(|q| q.attempt_id.clone()).unwrap_or_default(),
        account: account.to_owned(),
        body: queued.map(|q| q.body.clone()).unwrap_or_default(),
        id,
        status,
        reason,
        at_ms: now_ms(),
    }
}
