//! Browser tier: one person's records per account on a shared device, the sealed "remember
//! me" credential, the trainer's sealed class cache and the checks of "Import my records"
//! (wasm-bindgen-test in a real Chromium: IndexedDB and WebCrypto).
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_accounts
#![cfg(target_arch = "wasm32")]

use boiduong::crypto;
use boiduong::net::lrs::Credentials;
use boiduong::session::device;
use boiduong::storage::records::{ImportContext, ImportRefusal, IMPORT_MAX_BYTES};
use boiduong::storage::self_assessment::SelfRecord;
use boiduong::storage::{content_key, Queued, Storage};
use boiduong_core::attempt::{Attempt, AttemptEvent, Intent};
use boiduong_core::model::Content;
use boiduong_core::self_assessment::{Consent, Profile, SelfRating};
use boiduong_core::xapi::{self, Learner, StatementContext};
use boiduong_core::Lang;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyPath;
use serde_json::{json, Value};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SCENARIO: &str = include_str!("fixtures/scenario.json");
const DAY_MS: i64 = 86_400_000;

fn scenario() -> Content {
    serde_json::from_str(SCENARIO).expect("fixture parses")
}

fn db_name(test: &str) -> String {
    format!("boiduong-acct-{test}-{}", js_sys::Math::random())
}

async fn open(name: &str) -> Storage {
    let (storage, warning) = Storage::open_named(name).await;
    assert!(warning.is_none(), "IndexedDB should open: {warning:?}");
    assert!(storage.is_durable());
    storage
}

fn ctx(account: &str) -> StatementContext {
    StatementContext {
        base: "https://boiduong.example/xapi".into(),
        learner: Learner {
            name: format!("Học viên {account}"),
            home_page: "https://lrs.example.vn".into(),
            account_name: account.into(),
        },
        class_code: "QLNN-2026-01".into(),
        platform: "Bồi dưỡng 0.1.0 (web)".into(),
        language: Lang::Vi,
    }
}

/// A UUID made of `n` (attempt ids are the statements' registrations).
fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// A started-then-one-choice attempt of `account`: its log, its statements as queued.
fn attempt_of(account: &str, n: u32) -> (Attempt, Vec<AttemptEvent>, Vec<Queued>) {
    let content = scenario();
    let (attempt, first) = Attempt::start(&content, uuid(n), account, 1_000 + i64::from(n));
    let (next, events) = attempt
        .decide(
            &content,
            Intent::Choose {
                choice: "huong-dan".into(),
            },
            2_000 + i64::from(n),
        )
        .expect("choice");
    let mut log = vec![first];
    log.extend(events);
    let statements =
        xapi::statements_for(&log, &ctx(account), &content, &mut |s| xapi::derived_id(s))
            .expect("maps")
            .iter()
            .enumerate()
            .map(|(i, st)| Queued {
                id: st.id.clone(),
                attempt_id: uuid(n),
                account: account.into(),
                order: f64::from(n) * 1_000.0 + i as f64,
                body: serde_json::to_string(st).expect("json"),
                anonymous_after_ms: None,
            })
            .collect();
    (next, log, statements)
}

/// Records `account`'s attempt `n` with its statements (as the player does).
async fn record(storage: &Storage, account: &str, n: u32) -> Vec<Queued> {
    let content = scenario();
    let (attempt, log, statements) = attempt_of(account, n);
    let key = content_key(content.kind(), content.id(), content.version());
    storage
        .record_with_statements(
            &log,
            &attempt.summary(&content),
            Some((&key, SCENARIO)),
            &statements,
        )
        .await
        .expect("record");
    statements
}

/// Creates a database exactly as schema 4 left it (before accounts), and closes it.
async fn create_schema_4(name: &str) {
    let db = Database::open(name)
        .with_version(4u32)
        .with_on_upgrade_needed(|_, db| {
            let events = db
                .create_object_store("events")
                .with_key_path(KeyPath::from(["attempt_id", "seq"]))
                .build()?;
            events
                .create_index("by_attempt", KeyPath::from("attempt_id"))
                .build()?;
            for store in ["attempts", "outbox", "statements", "rejected", "selfassess"] {
                let s = db
                    .create_object_store(store)
                    .with_key_path(KeyPath::from("id"))
                    .build()?;
                if store == "outbox" || store == "statements" {
                    s.create_index("by_order", KeyPath::from("order")).build()?;
                }
            }
            for store in ["content", "meta", "review"] {
                db.create_object_store(store)
                    .with_key_path(KeyPath::from("key"))
                    .build()?;
            }
            Ok(())
        })
        .await
        .expect("schema 4");
    db.close();
}

/// Writes raw JSON records into a store, bypassing the adapter.
async fn put_raw(name: &str, store: &str, records: &[Value]) {
    let db = Database::open(name).await.expect("open raw");
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    for r in records {
        let value = js_sys::JSON::parse(&r.to_string()).expect("json");
        tx.object_store(store)
            .expect("store")
            .put(value)
            .primitive()
            .expect("put");
    }
    tx.commit().await.expect("commit");
    db.close();
}

/// Every record of a store as JSON text (what anyone reading the device's files would see).
async fn raw_texts(name: &str, store: &str) -> Vec<String> {
    let db = Database::open(name).await.expect("open raw");
    let tx = db.transaction(store).build().expect("tx");
    let values: Vec<wasm_bindgen::JsValue> = tx
        .object_store(store)
        .expect("store")
        .get_all::<wasm_bindgen::JsValue>()
        .primitive()
        .expect("get all")
        .await
        .expect("read")
        .collect::<Result<Vec<_>, _>>()
        .expect("values");
    drop(tx);
    db.close();
    values
        .iter()
        .map(|v| {
            // Bytes as their values: JSON.stringify writes a Uint8Array as {"0":..,"1":..}.
            js_sys::JSON::stringify(v)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        })
        .collect()
}

/// A statement record of schema 4 (no `account`): the queued form of `statements[i]`.
fn legacy(q: &Queued) -> Value {
    json!({ "id": q.id, "attempt_id": q.attempt_id, "order": q.order, "body": q.body })
}

fn rating(id: &str, learner: &str, level: u8) -> SelfRating {
    SelfRating {
        id: id.into(),
        learner_id: learner.into(),
        module: None,
        ratings: [("giao_tiep".to_string(), level)].into_iter().collect(),
        at_ms: 5_000,
    }
}

/// A schema-4 self-assessment record (format 1: no `account`).
fn legacy_self(record: &SelfRecord) -> Value {
    let mut v = record.encode("");
    let obj = v.as_object_mut().expect("object");
    obj.remove("account");
    obj.insert("v".into(), json!(1));
    v
}

fn evaluation(id: &str, anonymous: bool) -> boiduong_core::self_assessment::Evaluation {
    boiduong_core::self_assessment::Evaluation {
        id: id.into(),
        module: "tiep-cong-dan".into(),
        usefulness: 4,
        clarity: 5,
        relevance: 4,
        intended_use: "Hướng dẫn người dân rõ ràng hơn".into(),
        comment: None,
        anonymous,
        at_ms: 6_000,
    }
}

// ---- one person's records per account ----------------------------------------------------

// Guards the schema 4 -> 5 migration on a device two learners used: each attempt, statement
// and rating goes to the account it names and no other account sees it; what names no one
// (an anonymous evaluation, the device's profile and consent) is kept aside, shown to neither,
// sent by neither and not deleted; the trainer cache kept in clear is dropped.
#[wasm_bindgen_test]
async fn schema_4_records_go_to_the_account_they_name() {
    let name = db_name("migrate-two");
    create_schema_4(&name).await;
    let content = scenario();
    let (a_attempt, a_log, a_statements) = attempt_of("hocvien1", 1);
    let (b_attempt, b_log, b_statements) = attempt_of("hocvien2", 2);
    let summaries: Vec<Value> = [&a_attempt, &b_attempt]
        .iter()
        .map(|a| boiduong_core::record::encode_summary(&a.summary(&content)))
        .collect();
    put_raw(&name, "attempts", &summaries).await;
    let events: Vec<Value> = a_log
        .iter()
        .chain(&b_log)
        .map(boiduong_core::record::encode_event)
        .collect();
    put_raw(&name, "events", &events).await;
    let all: Vec<Value> = a_statements
        .iter()
        .chain(&b_statements)
        .map(legacy)
        .collect();
    put_raw(&name, "statements", &all).await;
    put_raw(&name, "outbox", &all).await;
    let a_rating = SelfRecord::Rating {
        rating: rating("r-1", "hocvien1", 4),
        shared: false,
    };
    let anon = SelfRecord::Evaluation(evaluation(&uuid(9), true));
    put_raw(
        &name,
        "selfassess",
        &[legacy_self(&a_rating), legacy_self(&anon)],
    )
    .await;
    put_raw(
        &name,
        "meta",
        &[
            json!({"key": "identity", "value": {"account": "hocvien2", "name": "B", "class_code": ""}}),
            json!({"key": "profile", "value": {"version": 2, "position": "cong-chuc-chuyen-mon-xa", "updated_at_ms": 1}}),
            json!({"key": "consent", "value": {"share_self_ratings": true, "share_profile": true}}),
            json!({"key": "review_mark", "value": {"x": "2026-01-01T00:00:00Z"}}),
        ],
    )
    .await;
    put_raw(
        &name,
        "review",
        &[json!({"key": "0001", "json": "[{\"actor\":\"hv-secret\"}]"})],
    )
    .await;

    let storage = open(&name).await;
    let ids = |list: Vec<Queued>| list.into_iter().map(|q| q.id).collect::<Vec<_>>();
    let want = |list: &[Queued]| list.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        storage.summaries("hocvien1").await.expect("a").summaries,
        vec![a_attempt.summary(&content)]
    );
    assert_eq!(
        storage.summaries("hocvien2").await.expect("b").summaries,
        vec![b_attempt.summary(&content)]
    );
    assert_eq!(
        ids(storage.outbox("hocvien1").await.expect("a")),
        want(&a_statements)
    );
    assert_eq!(
        ids(storage.outbox("hocvien2").await.expect("b")),
        want(&b_statements)
    );
    assert_eq!(
        ids(storage.statements("hocvien2").await.expect("b")),
        want(&b_statements)
    );
    let a_self = storage.self_records("hocvien1").await.expect("a");
    assert_eq!(a_self.ratings, vec![(rating("r-1", "hocvien1", 4), false)]);
    assert!(
        a_self.evaluations.is_empty(),
        "the anonymous evaluation names no one"
    );
    let b_self = storage.self_records("hocvien2").await.expect("b");
    assert!(b_self.ratings.is_empty() && b_self.evaluations.is_empty());
    // Two accounts on the device: whose the profile and consent were cannot be told.
    assert_eq!(storage.load_profile("hocvien2").await.expect("b"), None);
    assert_eq!(storage.load_profile("hocvien1").await.expect("a"), None);
    assert_eq!(
        storage.load_consent("hocvien2").await.expect("b"),
        Consent::default()
    );
    assert!(
        storage.meta("profile").await.expect("meta").is_some(),
        "kept aside, not deleted"
    );
    assert_eq!(
        raw_texts(&name, "selfassess").await.len(),
        2,
        "nothing deleted"
    );
    // The export of one account holds nothing of the other.
    let file = storage
        .export_records("hocvien1", Some(json!({"account": "hocvien1"})), 9)
        .await
        .expect("export");
    assert!(!file.contains("hocvien2"), "B's records in A's export");
    assert!(file.contains(&uuid(1)) && !file.contains(&uuid(2)));
    // The clear-text class cache and its mark are gone.
    assert_eq!(storage.review_pages().await.expect("review"), (vec![], 0));
    assert!(raw_texts(&name, "review").await.is_empty());
    assert_eq!(
        storage
            .meta(boiduong::storage::REVIEW_MARK)
            .await
            .expect("m"),
        None
    );
    // A second open changes nothing (the step runs once).
    let again = open(&name).await;
    assert_eq!(
        ids(again.outbox("hocvien1").await.expect("a")),
        want(&a_statements)
    );
}

// Guards the single-learner device (the usual one before accounts): the profile, the consent
// and an anonymous evaluation go to the account signed in there, since every record names it.
#[wasm_bindgen_test]
async fn schema_4_device_of_one_learner_keeps_everything_theirs() {
    let name = db_name("migrate-one");
    create_schema_4(&name).await;
    let content = scenario();
    let (attempt, _, statements) = attempt_of("hocvien1", 3);
    put_raw(
        &name,
        "attempts",
        &[boiduong_core::record::encode_summary(
            &attempt.summary(&content),
        )],
    )
    .await;
    let anon = SelfRecord::Evaluation(evaluation(&uuid(8), true));
    put_raw(&name, "selfassess", &[legacy_self(&anon)]).await;
    put_raw(
        &name,
        "outbox",
        &statements.iter().map(legacy).collect::<Vec<_>>(),
    )
    .await;
    put_raw(
        &name,
        "meta",
        &[
            json!({"key": "identity", "value": {"account": "hocvien1", "name": "A", "class_code": ""}}),
            json!({"key": "profile", "value": {"version": 2, "position": "cong-chuc-chuyen-mon-xa", "updated_at_ms": 1}}),
            json!({"key": "consent", "value": {"share_self_ratings": true, "share_profile": false}}),
        ],
    )
    .await;
    let storage = open(&name).await;
    let profile = storage
        .load_profile("hocvien1")
        .await
        .expect("readable")
        .expect("moved to its owner");
    assert_eq!(profile.position.as_deref(), Some("cong-chuc-chuyen-mon-xa"));
    assert_eq!(
        storage.load_consent("hocvien1").await.expect("consent"),
        Consent {
            share_self_ratings: true,
            share_profile: false
        }
    );
    assert_eq!(
        storage
            .self_records("hocvien1")
            .await
            .expect("records")
            .evaluations
            .len(),
        1
    );
    assert_eq!(
        storage.outbox("hocvien1").await.expect("outbox").len(),
        statements.len()
    );
    assert_eq!(storage.meta("profile").await.expect("meta"), None, "moved");
}

// Guards a second account on a device: it sees none of the first one's attempts, statements,
// ratings, profile or consent, and starts with consent private whatever the first one chose.
#[wasm_bindgen_test]
async fn another_account_sees_nothing_and_starts_private() {
    let storage = open(&db_name("two-accounts")).await;
    record(&storage, "hocvien1", 1).await;
    storage
        .save_profile("hocvien1", &Profile::new(7))
        .await
        .expect("profile");
    let shared = Consent {
        share_self_ratings: true,
        share_profile: true,
    };
    storage
        .save_consent("hocvien1", &shared)
        .await
        .expect("consent");
    let r = SelfRecord::Rating {
        rating: rating("r-a", "hocvien1", 5),
        shared: false,
    };
    storage
        .save_self_record("hocvien1", &r, &[])
        .await
        .expect("rating");
    let e = SelfRecord::Evaluation(evaluation(&uuid(5), false));
    storage
        .save_self_record("hocvien1", &e, &[])
        .await
        .expect("evaluation");

    assert!(storage
        .summaries("hocvien2")
        .await
        .expect("s")
        .summaries
        .is_empty());
    assert!(storage.outbox("hocvien2").await.expect("o").is_empty());
    assert!(storage.statements("hocvien2").await.expect("st").is_empty());
    let theirs = storage.self_records("hocvien2").await.expect("records");
    assert!(theirs.ratings.is_empty() && theirs.evaluations.is_empty());
    assert_eq!(storage.load_profile("hocvien2").await.expect("p"), None);
    assert_eq!(
        storage.load_consent("hocvien2").await.expect("c"),
        Consent::default(),
        "consent starts private for each account"
    );
    assert_eq!(storage.load_consent("hocvien1").await.expect("c"), shared);
    let file = storage
        .export_records("hocvien2", Some(json!({"account": "hocvien2"})), 1)
        .await
        .expect("export");
    let doc: Value = serde_json::from_str(&file).expect("json");
    for (store, list) in doc["stores"].as_object().expect("stores") {
        assert_eq!(
            list.as_array().map(Vec::len),
            Some(0),
            "{store} of B's export"
        );
    }
}

// Guards sign-out on a shared device: it deletes the account's records, settings, verifier
// and the trainer cache, and leaves the other account's records (and the content version
// they need); once the last account signs out, nothing at all is left.
#[wasm_bindgen_test]
async fn clearing_one_account_keeps_the_other() {
    let name = db_name("clear-one");
    let storage = open(&name).await;
    record(&storage, "hocvien1", 1).await;
    let b = record(&storage, "hocvien2", 2).await;
    storage
        .save_consent("hocvien1", &Consent::default())
        .await
        .expect("consent");
    storage
        .set_meta(
            "identity",
            &json!({"account": "hocvien1", "name": "A", "class_code": ""}),
        )
        .await
        .expect("identity");
    storage.clear_account("hocvien1").await.expect("clear A");
    assert!(storage
        .summaries("hocvien1")
        .await
        .expect("s")
        .summaries
        .is_empty());
    assert!(storage.outbox("hocvien1").await.expect("o").is_empty());
    assert_eq!(storage.meta("consent:hocvien1").await.expect("m"), None);
    assert_eq!(storage.meta("identity").await.expect("m"), None);
    assert_eq!(
        storage
            .summaries("hocvien2")
            .await
            .expect("s")
            .summaries
            .len(),
        1
    );
    assert_eq!(storage.outbox("hocvien2").await.expect("o"), {
        let mut b = b.clone();
        b.sort_by(|x, y| x.order.total_cmp(&y.order));
        b
    });
    let content = scenario();
    let key = content_key(content.kind(), content.id(), content.version());
    assert!(
        storage.content(&key).await.expect("content").is_some(),
        "B still needs it"
    );
    storage.clear_account("hocvien2").await.expect("clear B");
    for store in [
        "events",
        "attempts",
        "content",
        "outbox",
        "statements",
        "rejected",
        "meta",
        "review",
        "selfassess",
        "keys",
    ] {
        assert!(
            raw_texts(&name, store).await.is_empty(),
            "{store} left after the last sign-out"
        );
    }
}

// ---- remembered credential and verifier --------------------------------------------------

// Guards "remember me": the credential is not in localStorage in clear, opens with this
// device's key (which cannot be exported), expires after the configured days, and an expired
// one is forgotten, key included.
#[wasm_bindgen_test]
async fn remembered_credential_is_sealed_and_expires() {
    let storage = open(&db_name("remember")).await;
    let creds = Credentials {
        account: "hocvien1".into(),
        password: "mật-khẩu-bí-mật".into(),
    };
    let now = 1_800_000_000_000;
    device::remember(&storage, &creds, now, 14)
        .await
        .expect("remember");
    let ls = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage");
    let kept = ls
        .get_item(device::REMEMBER_KEY)
        .expect("read")
        .expect("kept");
    assert!(
        !kept.contains("mật-khẩu") && !kept.contains("hocvien1"),
        "{kept}"
    );
    let key = storage.key("remember").await.expect("key").expect("stored");
    assert!(
        !crypto::is_exportable(&key).await,
        "the device key cannot be read out"
    );
    assert_eq!(
        device::remembered(&storage, now + 13 * DAY_MS).await,
        Some(creds.clone())
    );
    // A changed blob opens nothing.
    let mut blob: Value = serde_json::from_str(&kept).expect("json");
    let data = blob["data"].as_str().expect("data").to_owned();
    let flipped = format!(
        "{}{}",
        if data.starts_with('0') { "1" } else { "0" },
        &data[1..]
    );
    blob["data"] = json!(flipped);
    ls.set_item(device::REMEMBER_KEY, &blob.to_string())
        .expect("set");
    assert_eq!(device::remembered(&storage, now).await, None);
    device::remember(&storage, &creds, now, 14)
        .await
        .expect("again");
    assert_eq!(
        device::remembered(&storage, now + 14 * DAY_MS).await,
        None,
        "expired"
    );
    assert_eq!(
        ls.get_item(device::REMEMBER_KEY).expect("read"),
        None,
        "forgotten"
    );
    assert!(storage.key("remember").await.expect("key").is_none());
}

// Guards offline sign-in to an account with records here: only the password the LRS last
// accepted passes the verifier.
#[wasm_bindgen_test]
async fn verifier_accepts_only_the_accepted_password() {
    let storage = open(&db_name("verifier")).await;
    let creds = Credentials {
        account: "hocvien1".into(),
        password: "đúng".into(),
    };
    assert_eq!(device::check_verifier(&storage, &creds).await, None);
    device::keep_verifier(&storage, &creds).await.expect("keep");
    assert_eq!(device::check_verifier(&storage, &creds).await, Some(true));
    let wrong = Credentials {
        password: "sai".into(),
        ..creds.clone()
    };
    assert_eq!(device::check_verifier(&storage, &wrong).await, Some(false));
    let stored = storage
        .meta("verifier:hocvien1")
        .await
        .expect("meta")
        .expect("kept");
    assert!(!stored.to_string().contains("đúng"));
}

// ---- the trainer's class cache -----------------------------------------------------------

/// One LRS page of the review (a launched statement of a learner named `who`).
fn review_page(who: &str) -> String {
    let st = json!({
        "id": "6b2b4a52-7a38-4f0a-9d4e-0f1d2b3c4d59",
        "actor": {"objectType": "Agent", "name": who, "account": {"homePage": "https://lrs.example.vn", "name": who}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/launched"},
        "object": {"id": "https://boiduong.example/xapi/scenarios/tinh-huong-mau"},
        "timestamp": "2026-01-05T08:00:00.000Z",
        "stored": "2026-01-05T08:00:01.000Z",
        "context": {"registration": "0c8a4a52-7a38-4f0a-9d4e-0f1d2b3c4d59"}
    });
    let page = boiduong_core::review::parse_page(&json!({ "statements": [st] }).to_string())
        .expect("page parses");
    assert_eq!(page.statements.len(), 1, "the review reads the statement");
    boiduong_core::review::lean_json(&page.statements)
}

// Guards the class cache at rest: its pages are sealed with a key derived from the trainer's
// password (nothing of the class readable on the device), only that password opens them,
// another password makes the cache go, and an expired cache or another account's is deleted.
#[wasm_bindgen_test]
async fn trainer_cache_is_sealed_with_the_password_and_expires() {
    use boiduong::trainer::{cache_key, read_cache};
    let name = db_name("review");
    let storage = open(&name).await;
    let now = 1_800_000_000_000;
    let key = cache_key(&storage, "giangvien", "pw-1", now, 7)
        .await
        .expect("key");
    let page = crypto::seal(&key, review_page("hv-bi-mat").as_bytes())
        .await
        .expect("seal");
    storage
        .review_put("K1/0001", &page, &json!({"v": "2026"}))
        .await
        .expect("put");
    let raw = raw_texts(&name, "review").await.join("\n");
    assert!(!raw.contains("hv-bi-mat") && !raw.contains("json"), "{raw}");
    let (statements, damaged) = read_cache(&storage, &key, "K1").await.expect("read");
    assert_eq!((statements.len(), damaged), (1, 0));
    // The cache is per class: another class's pages are not this one's.
    assert_eq!(
        read_cache(&storage, &key, "K2").await.expect("read"),
        (vec![], 0)
    );
    // The same password later in the week opens it again.
    let same = cache_key(&storage, "giangvien", "pw-1", now + 6 * DAY_MS, 7)
        .await
        .expect("same");
    assert_eq!(
        read_cache(&storage, &same, "K1")
            .await
            .expect("read")
            .0
            .len(),
        1
    );
    // Another password opens nothing: the cache goes.
    let other = cache_key(&storage, "giangvien", "pw-2", now, 7)
        .await
        .expect("other");
    assert_eq!(
        read_cache(&storage, &other, "K1").await.expect("read"),
        (vec![], 0)
    );
    assert!(raw_texts(&name, "review").await.is_empty());
    assert_eq!(
        storage
            .meta(boiduong::storage::REVIEW_MARK)
            .await
            .expect("m"),
        None
    );
    // Expired, or another trainer: deleted when the key is asked for.
    for (account, at) in [("giangvien", now + 7 * DAY_MS), ("giangvien2", now)] {
        let key = cache_key(&storage, "giangvien", "pw-1", now, 7)
            .await
            .expect("key");
        let page = crypto::seal(&key, review_page("hv").as_bytes())
            .await
            .expect("seal");
        storage
            .review_put("0002", &page, &json!({}))
            .await
            .expect("put");
        cache_key(&storage, account, "pw-1", at, 7)
            .await
            .expect("key");
        assert!(
            raw_texts(&name, "review").await.is_empty(),
            "kept for {account} at +{} days",
            (at - now) / DAY_MS
        );
    }
}

// Guards the class snapshot: kept sealed (nothing of the class readable at rest), read back
// only for the basis it was made from (another set of pages, e.g. one more or one damaged,
// prepares the class again), never when its bytes are altered, and never taken for a page.
#[wasm_bindgen_test]
async fn trainer_snapshot_is_sealed_and_only_for_its_pages() {
    use boiduong::trainer::cache::{self, Pages};
    use boiduong::trainer::{cache_key, read_cache};
    use boiduong_core::review::{Prepared, Versions};
    let name = db_name("snapshot");
    let storage = open(&name).await;
    let key = cache_key(&storage, "giangvien", "pw-1", 1_800_000_000_000, 7)
        .await
        .expect("key");
    let page = crypto::seal(&key, review_page("hv-bi-mat").as_bytes())
        .await
        .expect("seal");
    storage
        .review_put("K1/0001", &page, &json!({}))
        .await
        .expect("put");
    let Pages::Opened(opened) = cache::open_pages(&storage, &key, "K1").await.expect("open") else {
        panic!("the page opens");
    };
    let (statements, ids, bad) = cache::parse_pages(&opened.pages);
    assert_eq!((statements.len(), ids.len(), bad), (1, 1, 0));
    let hidden = Default::default();
    let versions = Versions::new();
    let base = "https://boiduong.example/xapi";
    let prepared = Prepared::new(&statements, base, &hidden, &versions);
    assert!(
        format!("{prepared:?}").contains("hv-bi-mat"),
        "the class names the learner"
    );
    let basis = cache::basis_of(base, &hidden, &versions, &ids);
    // not written once the cache is no longer the trainer's
    cache::write_snapshot(&storage, &key, "K1", &basis, &prepared, || false)
        .await
        .expect("skipped");
    assert_eq!(
        cache::read_snapshot(&storage, &key, "K1", &basis).await,
        None
    );
    cache::write_snapshot(&storage, &key, "K1", &basis, &prepared, || true)
        .await
        .expect("kept");
    let raw = raw_texts(&name, "review").await.join("\n");
    assert!(!raw.contains("hv-bi-mat"), "{raw}");
    assert_eq!(
        cache::read_snapshot(&storage, &key, "K1", &basis).await,
        Some(prepared.clone())
    );
    // one page more: another basis, the class is prepared again
    let more = cache::basis_of(base, &hidden, &versions, &[ids[0].clone(), vec![7; 12]]);
    assert_eq!(
        cache::read_snapshot(&storage, &key, "K1", &more).await,
        None
    );
    // the snapshot is not one of the class's pages
    assert_eq!(read_cache(&storage, &key, "K1").await.expect("read").1, 0);
    // altered bytes do not open
    let mut sealed = storage
        .review_record(&cache::snapshot_key("K1"))
        .await
        .expect("read")
        .expect("kept");
    sealed.data[20] ^= 1;
    storage
        .review_put_record(&cache::snapshot_key("K1"), &sealed)
        .await
        .expect("put");
    assert_eq!(
        cache::read_snapshot(&storage, &key, "K1", &basis).await,
        None
    );
}

// ---- import checks -----------------------------------------------------------------------

/// An export of `account`'s attempt `n` (a real file, as "My records" writes it).
async fn export_of(account: &str, n: u32) -> (String, Vec<Queued>) {
    let storage = open(&db_name("source")).await;
    let statements = record(&storage, account, n).await;
    let file = storage
        .export_records(account, Some(json!({ "account": account, "name": "A" })), 1)
        .await
        .expect("export");
    (file, statements)
}

fn import_ctx<'a>(account: &'a str, statements: &'a StatementContext) -> ImportContext<'a> {
    ImportContext {
        account,
        statements,
        catalog: None,
        profile: None,
        consent: Consent::default(),
        now_ms: 10,
    }
}

// Guards "Import my records" trusting the file: another account's file, a file naming no
// account, an import with nobody signed in, a record of another account inside, content
// changed after compiling, a newer format, non-JSON and a file over the size limit are each
// refused with their own reason, and nothing of them is stored.
#[wasm_bindgen_test]
async fn import_refuses_what_it_cannot_trust_and_says_why() {
    let (file, _) = export_of("hocvien1", 1).await;
    let doc: Value = serde_json::from_str(&file).expect("json");
    let mine = ctx("hocvien1");
    let target = open(&db_name("refuse")).await;
    let check = |r: Result<_, ImportRefusal>, want: ImportRefusal| {
        assert_eq!(r.expect_err("refused"), want);
    };
    let theirs = ctx("hocvien2");
    check(
        target
            .import_records(&file, &import_ctx("hocvien2", &theirs))
            .await,
        ImportRefusal::OtherAccount {
            file: "hocvien1".into(),
        },
    );
    check(
        target.import_records(&file, &import_ctx("", &mine)).await,
        ImportRefusal::NotSignedIn,
    );
    let mut no_account = doc.clone();
    no_account["learner"] = Value::Null;
    check(
        target
            .import_records(&no_account.to_string(), &import_ctx("hocvien1", &mine))
            .await,
        ImportRefusal::NoAccount,
    );
    let mut foreign = doc.clone();
    foreign["stores"]["attempts"][0]["learner_id"] = json!("hocvien2");
    check(
        target
            .import_records(&foreign.to_string(), &import_ctx("hocvien1", &mine))
            .await,
        ImportRefusal::ForeignRecord {
            account: "hocvien2".into(),
        },
    );
    let mut altered = doc.clone();
    let key = altered["stores"]["content"][0]["key"]
        .as_str()
        .expect("key")
        .to_owned();
    let text = altered["stores"]["content"][0]["json"]
        .as_str()
        .expect("json")
        .replacen(
            "</p>",
            "<a href=\"https://evil.example\">bấm vào đây</a></p>",
            1,
        );
    altered["stores"]["content"][0]["json"] = json!(text);
    check(
        target
            .import_records(&altered.to_string(), &import_ctx("hocvien1", &mine))
            .await,
        ImportRefusal::ContentAltered { key },
    );
    let mut newer = doc.clone();
    newer["version"] = json!(99);
    check(
        target
            .import_records(&newer.to_string(), &import_ctx("hocvien1", &mine))
            .await,
        ImportRefusal::Newer,
    );
    check(
        target
            .import_records("{ not json", &import_ctx("hocvien1", &mine))
            .await,
        ImportRefusal::NotJson,
    );
    check(
        target
            .import_records(r#"{"format":"other"}"#, &import_ctx("hocvien1", &mine))
            .await,
        ImportRefusal::NotRecords,
    );
    let huge = " ".repeat(IMPORT_MAX_BYTES as usize + 1);
    check(
        target
            .import_records(&huge, &import_ctx("hocvien1", &mine))
            .await,
        ImportRefusal::TooLarge {
            bytes: IMPORT_MAX_BYTES + 1,
        },
    );
    assert!(target
        .summaries("hocvien1")
        .await
        .expect("s")
        .summaries
        .is_empty());
    assert!(target.outbox("hocvien1").await.expect("o").is_empty());
}

// Guards "statements are never sent as imported": a file whose outbox statement was altered
// (another actor, another score) queues the portal's own mapping of the imported answers,
// and a statement the answers do not produce is not queued at all.
#[wasm_bindgen_test]
async fn import_rebuilds_statements_from_the_answers() {
    let (file, statements) = export_of("hocvien1", 4).await;
    let mut doc: Value = serde_json::from_str(&file).expect("json");
    let outbox = doc["stores"]["outbox"].as_array_mut().expect("outbox");
    let mut body: Value =
        serde_json::from_str(outbox[0]["body"].as_str().expect("body")).expect("statement");
    body["actor"]["account"]["name"] = json!("hocvien2");
    body["result"] = json!({"score": {"scaled": 1.0}});
    outbox[0]["body"] = json!(body.to_string());
    let mut forged = outbox[1].clone();
    forged["id"] = json!("9f0e1d2c-3b4a-4596-8877-665544332211");
    forged["body"] = json!(r#"{"verb":{"id":"http://adlnet.gov/expapi/verbs/passed"}}"#);
    outbox.push(forged);
    let mine = ctx("hocvien1");
    let target = open(&db_name("rebuild")).await;
    let report = target
        .import_records(&doc.to_string(), &import_ctx("hocvien1", &mine))
        .await
        .expect("imported");
    assert_eq!(report.not_rebuilt, 1, "the forged statement");
    let mut want = statements.clone();
    want.sort_by(|a, b| a.order.total_cmp(&b.order));
    assert_eq!(
        target.outbox("hocvien1").await.expect("outbox"),
        want,
        "exactly the mapping's statements, bodies included"
    );
}

/// A catalog with the module the test evaluations are about.
fn evaluation_catalog() -> boiduong_core::model::Catalog {
    serde_json::from_value(json!({
        "format": 1,
        "fields": [],
        "competencies": [],
        "entries": [{
            "kind": "module",
            "id": "tiep-cong-dan",
            "field": "tiep-dan",
            "title": {"vi": "Tiếp công dân"},
            "summary": {"vi": "Tóm tắt"},
            "duration_min": 20,
            "version": "v1",
            "competencies": [],
            "file": "modules/tiep-cong-dan.json"
        }]
    }))
    .expect("catalog")
}

/// `evaluation`'s statements queued for `account`, anonymous ones after `after_ms`.
fn evaluation_queued(
    e: &boiduong_core::self_assessment::Evaluation,
    account: &str,
    after_ms: Option<i64>,
) -> Vec<Queued> {
    let catalog = evaluation_catalog();
    let entry = &catalog.entries[0];
    xapi::evaluation_statements(e, entry, &ctx(account), &mut |s| xapi::derived_id(s))
        .expect("maps")
        .iter()
        .enumerate()
        .map(|(i, st)| Queued {
            id: st.id.clone(),
            attempt_id: e.id.clone(),
            account: account.into(),
            order: 20_000.0 + i as f64,
            body: serde_json::to_string(st).expect("json"),
            anonymous_after_ms: after_ms,
        })
        .collect()
}

// Guards the anonymous channel through "Import my records": an anonymous evaluation's
// statements come back queued for the anonymous account even when the file drops the mark
// (an older export, or an edited one), keeping the file's send time when it has one, and a
// named evaluation's statements never take that channel whatever the file says.
#[wasm_bindgen_test]
async fn import_keeps_anonymous_evaluations_on_their_own_channel() {
    let source = open(&db_name("anon-source")).await;
    let anon = evaluation(&uuid(21), true);
    let named = evaluation(&uuid(22), false);
    let anon_q = evaluation_queued(&anon, "hocvien1", Some(12_345));
    let named_q = evaluation_queued(&named, "hocvien1", None);
    source
        .save_self_record("hocvien1", &SelfRecord::Evaluation(anon.clone()), &anon_q)
        .await
        .expect("anonymous evaluation");
    source
        .save_self_record("hocvien1", &SelfRecord::Evaluation(named.clone()), &named_q)
        .await
        .expect("named evaluation");
    let file = source
        .export_records(
            "hocvien1",
            Some(json!({ "account": "hocvien1", "name": "A" })),
            1,
        )
        .await
        .expect("export");
    let mut doc: Value = serde_json::from_str(&file).expect("json");
    let first_anon = anon_q[0].id.clone();
    for store in ["outbox", "statements"] {
        for v in doc["stores"][store].as_array_mut().expect(store) {
            let id = v["id"].as_str().expect("id").to_owned();
            let obj = v.as_object_mut().expect("object");
            if id == first_anon {
                obj.remove("anonymous_after_ms");
            } else if named_q.iter().any(|q| q.id == id) {
                obj.insert("anonymous_after_ms".into(), json!(1));
            }
        }
    }
    let catalog = evaluation_catalog();
    let mine = ctx("hocvien1");
    let target = open(&db_name("anon-target")).await;
    let mut import = import_ctx("hocvien1", &mine);
    import.catalog = Some(&catalog);
    let report = target
        .import_records(&doc.to_string(), &import)
        .await
        .expect("imported");
    assert_eq!(report.not_rebuilt, 0);
    let outbox = target.outbox("hocvien1").await.expect("outbox");
    assert_eq!(outbox.len(), anon_q.len() + named_q.len());
    for q in &outbox {
        let want = if q.id == first_anon {
            Some(10) // the import's time: the file named none
        } else if anon_q.iter().any(|a| a.id == q.id) {
            Some(12_345)
        } else {
            None
        };
        assert_eq!(q.anonymous_after_ms, want, "{}", q.id);
    }
}
