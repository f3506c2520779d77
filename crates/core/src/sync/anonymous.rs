//! Anonymous records (evaluations sent without a name): each waits a random delay after it
//! was made and a quiet time after the last request, so its arrival at the LRS does not
//! point to the learner who made it.

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
