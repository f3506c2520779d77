//! "My records": the signed-in account's local records as one JSON file, and its import on
//! another device (deduplicated by ids, nothing overwritten), so a lost or replaced browser is
//! recoverable.
//!
//! An import trusts nothing in the file. It is refused, with the reason, when it is larger than
//! [`IMPORT_MAX_BYTES`], not a records file, from a newer portal, of another account than the
//! signed-in one (or of none), when a record in it names another account, or when a content
//! version in it does not hash to its version (the compiler's hash, recomputed). Statements
//! are never taken from the file: they are rebuilt from the imported attempts and
//! self-assessment records by the portal's own xAPI mapping, in the signed-in learner's
//! context; the file only says which of them were waiting (outbox), sent (own copy) or
//! refused. A statement the mapping does not produce is not imported (counted).

use std::collections::{BTreeMap, HashMap};

use boiduong_core::attempt::{AttemptEvent, AttemptSummary};
use boiduong_core::export::{self, HeaderRefusal};
use boiduong_core::model::{Catalog, Content, ContentKind};
use boiduong_core::record::{decode_event, decode_summary, encode_event, encode_summary, to_value};
use boiduong_core::self_assessment::{Consent, Profile};
use boiduong_core::xapi::{self, Statement, StatementContext};
use boiduong_core::Lang;
use serde_json::{json, Value};

use super::self_assessment::SelfRecord;
use super::{content_key, Queued, RejectedStatement, Storage};
use crate::error::AppError;

pub use boiduong_core::export::{EXPORT_FORMAT, EXPORT_VERSION};
/// The largest records file an import reads (a learner's file is a few hundred KB per hundred
/// attempts; this leaves room for years of them and keeps the browser responsive).
pub const IMPORT_MAX_BYTES: u64 = 50 * 1024 * 1024;
/// A rejection reason kept from a file is cut to this many characters (it is only shown).
const REASON_MAX_CHARS: usize = 1_000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Records added to this device.
    pub added: usize,
    /// Records already here (same id): left untouched.
    pub already: usize,
    /// Records that could not be read: skipped.
    pub invalid: usize,
    /// Statements of the file that the portal's mapping does not make from the imported
    /// records (altered, or of records not in the file): not imported.
    pub not_rebuilt: usize,
}

/// Why a records file is refused as a whole (nothing of it is imported).
#[derive(Clone, Debug, PartialEq)]
pub enum ImportRefusal {
    TooLarge {
        bytes: u64,
    },
    NotJson,
    NotRecords,
    /// Made by a newer version of the portal.
    Newer,
    /// Nobody is signed in: whose the records are cannot be checked.
    NotSignedIn,
    /// The file names no account.
    NoAccount,
    /// The file is another account's.
    OtherAccount {
        file: String,
    },
    /// A record in the file names another account.
    ForeignRecord {
        account: String,
    },
    /// A content version in the file does not hash to its version (changed after compiling).
    ContentAltered {
        key: String,
    },
    Storage(AppError),
}

impl From<AppError> for ImportRefusal {
    fn from(e: AppError) -> Self {
        ImportRefusal::Storage(e)
    }
}

/// What an import checks against and rebuilds statements in.
pub struct ImportContext<'a> {
    /// The signed-in account: the file must be its.
    pub account: &'a str,
    /// The signed-in learner's statement context (its language is the default one).
    pub statements: &'a StatementContext,
    /// Needed to rebuild self-assessment statements (without it they are not rebuilt).
    pub catalog: Option<&'a Catalog>,
    /// The learner's profile and consent now (a shared rating's statements carry the
    /// position only when the learner shares their profile).
    pub profile: Option<&'a Profile>,
    pub consent: Consent,
    pub now_ms: i64,
}

/// The language a statement of the file was made in (its `context.language`), if it says.
fn language_of(body: &str) -> Option<Lang> {
    let v: Value = serde_json::from_str(body).ok()?;
    match v.get("context")?.get("language")?.as_str()? {
        "vi" => Some(Lang::Vi),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// Statements the mapping makes, by id: (record id, body), per language.
#[derive(Default)]
struct Rebuilt {
    by_lang: HashMap<(Lang, String), (String, String)>,
}

impl Rebuilt {
    fn add(&mut self, lang: Lang, record_id: &str, list: &[Statement]) {
        for st in list {
            if let Ok(body) = serde_json::to_string(st) {
                self.by_lang
                    .insert((lang, st.id.clone()), (record_id.to_owned(), body));
            }
        }
    }

    /// The rebuilt statement `id` in the language the file's copy was made in.
    fn get(&self, id: &str, file_body: &str, default: Lang) -> Option<&(String, String)> {
        let lang = language_of(file_body).unwrap_or(default);
        self.by_lang
            .get(&(lang, id.to_owned()))
            .or_else(|| self.by_lang.get(&(default, id.to_owned())))
    }
}

fn refuse_other(account: &str, me: &str) -> Result<(), ImportRefusal> {
    if account == me {
        Ok(())
    } else {
        Err(ImportRefusal::ForeignRecord {
            account: account.to_owned(),
        })
    }
}

impl Storage {
    /// `account`'s local records as one JSON document (`learner`: their identity).
    pub async fn export_records(
        &self,
        account: &str,
        learner: Option<Value>,
        now_ms: i64,
    ) -> Result<String, AppError> {
        let stores = match self {
            Storage::Idb(s) => s.export_all().await?,
            Storage::Memory(s) => s.export_all(),
        };
        let doc = export::records_document(stores, account, learner, now_ms);
        serde_json::to_string(&doc).map_err(|e| AppError::Storage(e.to_string()))
    }

    /// Checks a records file and adds what it holds and this device does not, for the
    /// signed-in account; never overwrites a record. See the module doc for what is checked.
    pub async fn import_records(
        &self,
        text: &str,
        ctx: &ImportContext<'_>,
    ) -> Result<ImportReport, ImportRefusal> {
        if text.len() as u64 > IMPORT_MAX_BYTES {
            return Err(ImportRefusal::TooLarge {
                bytes: text.len() as u64,
            });
        }
        if ctx.account.is_empty() {
            return Err(ImportRefusal::NotSignedIn);
        }
        let doc: Value = serde_json::from_str(text).map_err(|_| ImportRefusal::NotJson)?;
        export::check_header(&doc, ctx.account).map_err(|refusal| match refusal {
            HeaderRefusal::NotRecords => ImportRefusal::NotRecords,
            HeaderRefusal::Newer => ImportRefusal::Newer,
            HeaderRefusal::NoAccount => ImportRefusal::NoAccount,
            HeaderRefusal::OtherAccount { file } => ImportRefusal::OtherAccount { file },
        })?;
        let empty = Vec::new();
        let list = |store: &str| -> &Vec<Value> {
            doc.get("stores")
                .and_then(|s| s.get(store))
                .and_then(Value::as_array)
                .unwrap_or(&empty)
        };
        let mut report = ImportReport::default();

        // Content: every version must hash to itself, or the whole file is refused.
        let mut contents: BTreeMap<String, (Content, String)> = BTreeMap::new();
        for v in list("content") {
            let (Some(key), Some(text)) = (
                v.get("key").and_then(Value::as_str),
                v.get("json").and_then(Value::as_str),
            ) else {
                report.invalid += 1;
                continue;
            };
            let altered = || ImportRefusal::ContentAltered {
                key: key.to_owned(),
            };
            let content: Content = serde_json::from_str(text).map_err(|_| altered())?;
            if content_key(content.kind(), content.id(), content.version()) != key
                || content.computed_version() != content.version()
            {
                return Err(altered());
            }
            contents.insert(key.to_owned(), (content, text.to_owned()));
        }

        // Attempts and their logs: every one must be the signed-in learner's.
        let mut summaries: BTreeMap<String, AttemptSummary> = BTreeMap::new();
        for v in list("attempts") {
            match decode_summary(v.clone()) {
                Ok(s) => {
                    refuse_other(&s.learner_id, ctx.account)?;
                    summaries.insert(s.id.clone(), s);
                }
                Err(_) => report.invalid += 1,
            }
        }
        let mut logs: BTreeMap<String, Vec<AttemptEvent>> = BTreeMap::new();
        for v in list("events") {
            match decode_event(v.clone()) {
                Ok(e) if summaries.contains_key(&e.attempt_id) => {
                    if let boiduong_core::attempt::Action::Started { learner_id, .. } = &e.action {
                        refuse_other(learner_id, ctx.account)?;
                    }
                    logs.entry(e.attempt_id.clone()).or_default().push(e);
                }
                _ => report.invalid += 1,
            }
        }
        let mut selfrecords = Vec::new();
        for v in list("selfassess") {
            match SelfRecord::decode(v.clone()) {
                Ok(r) => {
                    if let SelfRecord::Rating { rating, .. } = &r {
                        refuse_other(&rating.learner_id, ctx.account)?;
                    }
                    selfrecords.push(r);
                }
                Err(_) => report.invalid += 1,
            }
        }

        // Statements, rebuilt by the portal's mapping in both languages.
        let mut rebuilt = Rebuilt::default();
        let ids = &mut |slot: &xapi::StatementSlot<'_>| xapi::derived_id(slot);
        for (attempt, log) in &mut logs {
            boiduong_core::order::sort_by_key(log, |e| i64::from(e.seq));
            let Some(summary) = summaries.get(attempt) else {
                continue;
            };
            let key = content_key(summary.kind, &summary.content_id, &summary.version);
            let content = match contents.get(&key) {
                Some((c, _)) => Some(c.clone()),
                None => self
                    .content(&key)
                    .await?
                    .and_then(|t| serde_json::from_str::<Content>(&t).ok()),
            };
            let Some(content) = content else { continue };
            for lang in [Lang::Vi, Lang::En] {
                let mut sctx = ctx.statements.clone();
                sctx.language = lang;
                if let Ok(list) = xapi::statements_for(log, &sctx, &content, ids) {
                    rebuilt.add(lang, attempt, &list);
                }
            }
        }
        if let Some(catalog) = ctx.catalog {
            for r in &selfrecords {
                for lang in [Lang::Vi, Lang::En] {
                    let mut sctx = ctx.statements.clone();
                    sctx.language = lang;
                    let list = match r {
                        SelfRecord::Rating {
                            rating,
                            shared: true,
                        } => {
                            let consent = Consent {
                                share_self_ratings: true,
                                share_profile: ctx.consent.share_profile,
                            };
                            xapi::self_rating_statements(
                                rating,
                                catalog,
                                &consent,
                                ctx.profile,
                                &sctx,
                                ids,
                            )
                        }
                        SelfRecord::Rating { .. } => Ok(Vec::new()),
                        SelfRecord::Evaluation(e) => {
                            match catalog.entry(ContentKind::Module, &e.module) {
                                Some(entry) => xapi::evaluation_statements(e, entry, &sctx, ids),
                                None => Ok(Vec::new()),
                            }
                        }
                    };
                    if let Ok(list) = list {
                        rebuilt.add(lang, r.id(), &list);
                    }
                }
            }
        }

        let default_lang = ctx.statements.language;
        // An anonymous evaluation's statements go through the anonymous account whatever the
        // file says (never with the learner's credentials), and only they do.
        let anonymous: std::collections::HashSet<&str> = selfrecords
            .iter()
            .filter_map(|r| match r {
                SelfRecord::Evaluation(e) if e.anonymous => Some(e.id.as_str()),
                _ => None,
            })
            .collect();
        let queued = |v: &Value, i: usize, not_rebuilt: &mut usize| -> Option<Queued> {
            let id = v.get("id")?.as_str()?;
            let body = v.get("body").and_then(Value::as_str).unwrap_or_default();
            let Some((record, rebuilt_body)) = rebuilt.get(id, body, default_lang) else {
                *not_rebuilt += 1;
                return None;
            };
            let order = v
                .get("order")
                .and_then(Value::as_f64)
                .filter(|o| o.is_finite())
                .unwrap_or(ctx.now_ms as f64 * 1000.0 + i as f64);
            let anonymous_after_ms = anonymous.contains(record.as_str()).then(|| {
                v.get("anonymous_after_ms")
                    .and_then(Value::as_i64)
                    .unwrap_or(ctx.now_ms)
            });
            Some(Queued {
                id: id.to_owned(),
                attempt_id: record.clone(),
                account: ctx.account.to_owned(),
                order,
                body: rebuilt_body.clone(),
                anonymous_after_ms,
            })
        };
        let mut to_add: Vec<(&str, Vec<(String, Value)>)> = Vec::new();
        let keyed = |k: &str| json!(k).to_string();
        to_add.push((
            "content",
            contents
                .iter()
                .map(|(k, (_, t))| (keyed(k), json!({ "key": k, "json": t })))
                .collect(),
        ));
        to_add.push((
            "events",
            logs.values()
                .flatten()
                .map(|e| (json!([e.attempt_id, e.seq]).to_string(), encode_event(e)))
                .collect(),
        ));
        to_add.push((
            "attempts",
            summaries
                .values()
                .map(|s| (keyed(&s.id), encode_summary(s)))
                .collect(),
        ));
        for store in ["statements", "outbox"] {
            let mut records = Vec::new();
            for (i, v) in list(store).iter().enumerate() {
                if let Some(q) = queued(v, i, &mut report.not_rebuilt) {
                    if let Ok(value) = to_value(&q) {
                        records.push((keyed(&q.id), value));
                    }
                }
            }
            to_add.push((store, records));
        }
        let mut rejected = Vec::new();
        for (i, v) in list("rejected").iter().enumerate() {
            let Some(q) = queued(v, i, &mut report.not_rebuilt) else {
                continue;
            };
            let r = RejectedStatement {
                id: q.id,
                attempt_id: q.attempt_id,
                account: q.account,
                status: v
                    .get("status")
                    .and_then(Value::as_u64)
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or(0),
                reason: v
                    .get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .chars()
                    .take(REASON_MAX_CHARS)
                    .collect(),
                body: q.body,
                at_ms: v.get("at_ms").and_then(Value::as_i64).unwrap_or(ctx.now_ms),
            };
            if let Ok(value) = to_value(&r) {
                rejected.push((keyed(&r.id), value));
            }
        }
        to_add.push(("rejected", rejected));
        to_add.push((
            "selfassess",
            selfrecords
                .iter()
                .map(|r| (keyed(r.id()), r.encode(ctx.account)))
                .collect(),
        ));
        // Content and logs before summaries and outbox, so a record never points at nothing.
        let order = [
            "content",
            "events",
            "attempts",
            "statements",
            "rejected",
            "selfassess",
            "outbox",
        ];
        to_add.sort_by_key(|(store, _)| order.iter().position(|s| s == store));
        for (store, records) in to_add {
            let added = match self {
                Storage::Idb(s) => s.import_new(store, &records).await?,
                Storage::Memory(s) => s.import_new(store, &records),
            };
            report.added += added;
            report.already += records.len() - added;
        }
        Ok(report)
    }
}
