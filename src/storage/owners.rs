//! Whose records are whose, for records stored before schema 5 (when a device held one set of
//! records for whoever used it).
//!
//! Since schema 5 every statement (outbox, own copy, rejected) and every self-assessment
//! record names its `account`, and the profile and consent are kept per account. Older
//! records are given an owner once, after the upgrade, by what they name:
//!
//! - an attempt's statements: the attempt's `learner_id`;
//! - a self-rating and its statements: the rating's `learner_id`;
//! - an evaluation and its statements: the account of its named statements;
//! - a statement of none of these: its actor's account, when the actor is named;
//! - what names no one (an anonymous evaluation; the device's profile, consent and last sync
//!   time): the account signed in on the device, **only** when every record that names
//!   someone names that account. Otherwise it is kept aside (`account` empty, or the old
//!   device-wide key): no account sees it, nothing of it is sent, nothing is deleted. Asking
//!   the first person who signs in was not chosen: anyone could claim another's profile.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::idb::{ATTEMPTS, OUTBOX, REJECTED, SELFASSESS, STATEMENTS};

/// Meta key set once the owners have been assigned.
pub const DONE_KEY: &str = "owners_assigned";

/// Device-wide settings before schema 5, moved to `<key>:<account>` when the owner is known.
pub const DEVICE_KEYS: [&str; 4] = ["profile", "profile_unreadable", "consent", "last_sync_ms"];

/// What the device holds, as stored.
#[derive(Default)]
pub struct Found {
    pub stores: BTreeMap<&'static str, Vec<Value>>,
    /// The account of the identity stored on the device, if any.
    pub identity: Option<String>,
    /// Device-wide settings present (key, value).
    pub device_meta: Vec<(&'static str, Value)>,
}

impl Found {
    pub fn is_empty(&self) -> bool {
        self.stores.values().all(Vec::is_empty) && self.device_meta.is_empty()
    }

    fn list(&self, store: &str) -> &[Value] {
        self.stores.get(store).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// What to write.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Records given an owner, as they are to be stored.
    pub records: Vec<(&'static str, Value)>,
    /// (old meta key, new meta key, value).
    pub meta_moves: Vec<(&'static str, String, Value)>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.meta_moves.is_empty()
    }
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The actor's account of a statement body, when the actor is named (an anonymous
/// evaluation's actor has no name: its account name is a random id, not an owner).
fn named_actor(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let actor = v.get("actor")?;
    actor.get("name")?.as_str()?;
    Some(actor.get("account")?.get("name")?.as_str()?.to_owned())
}

/// The owners of pre-schema-5 records (see the module doc).
pub fn assign(found: &Found) -> Plan {
    // Owner of each attempt or self-assessment record id.
    let mut owner_of: BTreeMap<String, String> = BTreeMap::new();
    for s in found.list(ATTEMPTS) {
        if let (Some(id), Some(learner)) = (text(s, "id"), text(s, "learner_id")) {
            owner_of.insert(id.to_owned(), learner.to_owned());
        }
    }
    for r in found.list(SELFASSESS) {
        let learner = r.get("record").and_then(|x| text(x, "learner_id"));
        if let (Some(id), Some(learner)) = (text(r, "id"), learner) {
            owner_of.insert(id.to_owned(), learner.to_owned());
        }
    }
    // Named statements tell whose an evaluation is.
    for store in [OUTBOX, STATEMENTS, REJECTED] {
        for q in found.list(store) {
            if let (Some(attempt), Some(body)) = (text(q, "attempt_id"), text(q, "body")) {
                if let Some(account) = named_actor(body) {
                    owner_of.entry(attempt.to_owned()).or_insert(account);
                }
            }
        }
    }
    // The signed-in account stands for what names no one only if no one else is named.
    let named: BTreeSet<&str> = owner_of.values().map(String::as_str).collect();
    let sole = found
        .identity
        .as_deref()
        .filter(|me| !me.is_empty() && named.iter().all(|n| n == me));

    let mut plan = Plan::default();
    for store in [OUTBOX, STATEMENTS, REJECTED, SELFASSESS] {
        for record in found.list(store) {
            let Value::Object(obj) = record else { continue };
            if obj.get("account").and_then(Value::as_str).is_some() {
                continue;
            }
            let format = obj.get("v").and_then(Value::as_u64).unwrap_or(0);
            if store == SELFASSESS && format > super::self_assessment::SELF_RECORD_FORMAT {
                continue; // a newer portal's record: left exactly as it is
            }
            let key = if store == SELFASSESS {
                "id"
            } else {
                "attempt_id"
            };
            let owner = text(record, key)
                .and_then(|id| owner_of.get(id).cloned())
                .or_else(|| text(record, "body").and_then(named_actor))
                .or_else(|| sole.map(str::to_owned))
                .unwrap_or_default();
            let mut obj = obj.clone();
            obj.insert("account".into(), Value::from(owner));
            if store == SELFASSESS {
                obj.insert(
                    "v".into(),
                    Value::from(super::self_assessment::SELF_RECORD_FORMAT),
                );
            }
            plan.records.push((store, Value::Object(obj)));
        }
    }
    if let Some(me) = sole {
        for (key, value) in &found.device_meta {
            plan.meta_moves
                .push((key, format!("{key}:{me}"), value.clone()));
        }
    }
    plan
}
