//! Browser tier: the IndexedDB adapter in a real Chromium (wasm-bindgen-test).
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_storage
#![cfg(target_arch = "wasm32")]

use boiduong::error::AppError;
use boiduong::storage::{content_key, Storage};
use boiduong_core::attempt::{Attempt, AttemptStatus, Intent};
use boiduong_core::model::Content;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A small real scenario, compiled by the content compiler from the test fixtures.
const SCENARIO: &str = include_str!("fixtures/scenario.json");

fn scenario() -> Content {
    serde_json::from_str(SCENARIO).expect("fixture parses")
}

fn db_name(test: &str) -> String {
    format!("boiduong-test-{test}-{}", js_sys::Math::random())
}

async fn open(name: &str) -> Storage {
    let (storage, warning) = Storage::open_named(name).await;
    assert!(warning.is_none(), "IndexedDB should open: {warning:?}");
    assert!(storage.is_durable());
    storage
}

// Guards the round trip: an attempt's events, summary and content version come back as written.
#[wasm_bindgen_test]
async fn round_trip_of_events_summary_and_content() {
    let name = db_name("round-trip");
    let storage = open(&name).await;
    let content = scenario();
    let (attempt, first) = Attempt::start(&content, "a-1", "learner", 1_000);
    let key = content_key(content.kind(), content.id(), content.version());
    storage
        .record(
            std::slice::from_ref(&first),
            &attempt.summary(&content),
            Some((&key, SCENARIO)),
        )
        .await
        .expect("record");
    let (next, events) = attempt
        .decide(
            &content,
            Intent::Choose {
                choice: "huong-dan".into(),
            },
            2_000,
        )
        .expect("choice");
    storage
        .record(&events, &next.summary(&content), None)
        .await
        .expect("record 2");

    let reopened = open(&name).await;
    let found = reopened.summaries("learner").await.expect("summaries");
    assert_eq!(found.damaged, 0);
    assert_eq!(found.summaries, vec![next.summary(&content)]);
    let log = reopened.events("a-1").await.expect("events");
    assert_eq!(log.len(), 1 + events.len());
    assert_eq!(log[0], first);
    assert_eq!(
        reopened.content(&key).await.expect("content").as_deref(),
        Some(SCENARIO)
    );
    assert_eq!(
        reopened.content("scenario/none@0").await.expect("missing"),
        None
    );
}

// Guards "reload resumes exactly": a fresh connection replays the stored log to the same node
// and scores as the live attempt, and finishing after the "reload" works.
#[wasm_bindgen_test]
async fn resume_after_reload_continues_at_the_same_node() {
    let name = db_name("resume");
    let content = scenario();
    let live = {
        let storage = open(&name).await;
        let (mut attempt, first) = Attempt::start(&content, "a-2", "learner", 1_000);
        storage
            .record(&[first], &attempt.summary(&content), None)
            .await
            .expect("start");
        let (next, events) = attempt
            .decide(
                &content,
                Intent::Choose {
                    choice: "huong-dan".into(),
                },
                1_500,
            )
            .expect("choice");
        storage
            .record(&events, &next.summary(&content), None)
            .await
            .expect("choice");
        attempt = next;
        attempt
    };
    let storage = open(&name).await;
    let log = storage.events("a-2").await.expect("events");
    let resumed = Attempt::replay(&content, &log).expect("replay");
    assert_eq!(resumed, live);
    let (done, events) = resumed
        .decide(
            &content,
            Intent::Choose {
                choice: "giai-thich".into(),
            },
            3_000,
        )
        .expect("second choice");
    storage
        .record(&events, &done.summary(&content), None)
        .await
        .expect("finish");
    let summaries = storage
        .summaries("learner")
        .await
        .expect("summaries")
        .summaries;
    assert_eq!(summaries[0].status, AttemptStatus::Completed);
    assert_eq!(summaries[0].ending.as_deref(), Some("ket-vua"));
}

/// Writes a raw JS object into a store, bypassing the adapter (to plant old or bad records).
async fn put_raw(name: &str, store: &str, json: &str) {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    let db = Database::open(name).await.expect("open raw");
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    let value = js_sys::JSON::parse(json).expect("json");
    tx.object_store(store)
        .expect("store")
        .put(value)
        .primitive()
        .expect("put");
    tx.commit().await.expect("commit");
    db.close();
}

// Guards the migration path: an event in the older record format (format 1, no "v", action
// fields inline) stored on the device is read as the current event.
#[wasm_bindgen_test]
async fn older_record_format_is_migrated_on_read() {
    let name = db_name("migrate");
    let content = scenario();
    let storage = open(&name).await;
    let (attempt, first) = Attempt::start(&content, "a-3", "learner", 1_000);
    storage
        .record(&[first], &attempt.summary(&content), None)
        .await
        .expect("start");
    put_raw(
        &name,
        "events",
        r#"{"attempt_id":"a-3","seq":1,"at_ms":2000,"type":"chose","node":"mo-dau","choice":"nhan-tam","to":"ket-xau"}"#,
    )
    .await;
    let log = open(&name).await.events("a-3").await.expect("events");
    assert_eq!(log.len(), 2);
    let replayed = Attempt::replay(&content, &log[..2]).expect("the migrated event replays");
    match replayed.progress {
        boiduong_core::attempt::Progress::Scenario(st) => assert_eq!(st.node, "ket-xau"),
        other => panic!("unexpected progress {other:?}"),
    }
}

// Guards against damaged local data blanking the app: an unreadable summary is counted and
// kept, the readable ones still load.
#[wasm_bindgen_test]
async fn damaged_summary_is_counted_not_fatal() {
    let name = db_name("damaged");
    let content = scenario();
    let storage = open(&name).await;
    let (attempt, first) = Attempt::start(&content, "a-4", "learner", 1_000);
    storage
        .record(&[first], &attempt.summary(&content), None)
        .await
        .expect("start");
    put_raw(&name, "attempts", r#"{"id":"broken","v":2,"status":42}"#).await;
    put_raw(&name, "attempts", r#"{"id":"future","v":99}"#).await;
    let found = open(&name)
        .await
        .summaries("learner")
        .await
        .expect("summaries");
    assert_eq!(found.summaries.len(), 1);
    assert_eq!(found.damaged, 2);
}

// Guards atomicity: a failed write (here a duplicate event key, as a second tab writing the
// same step would cause) reports an error and leaves nothing half-written.
#[wasm_bindgen_test]
async fn failed_write_is_reported_and_leaves_no_partial_record() {
    let name = db_name("atomic");
    let content = scenario();
    let storage = open(&name).await;
    let (attempt, first) = Attempt::start(&content, "a-5", "learner", 1_000);
    storage
        .record(
            std::slice::from_ref(&first),
            &attempt.summary(&content),
            None,
        )
        .await
        .expect("start");
    let (next, events) = attempt
        .decide(
            &content,
            Intent::Choose {
                choice: "huong-dan".into(),
            },
            2_000,
        )
        .expect("choice");
    // same first event again + the new ones: the add of seq 0 must fail the whole transaction
    let mut batch = vec![first];
    batch.extend(events);
    let err = storage
        .record(&batch, &next.summary(&content), None)
        .await
        .expect_err("the duplicate key must fail the transaction");
    assert!(
        matches!(err, AppError::Storage(ref m) if m.contains("ConstraintError")),
        "{err:?}"
    );
    let log = storage.events("a-5").await.expect("events");
    assert_eq!(log.len(), 1, "no event of the failed transaction was kept");
    let summaries = storage
        .summaries("learner")
        .await
        .expect("summaries")
        .summaries;
    assert_eq!(summaries[0], attempt.summary(&content), "summary unchanged");
}

// Guards the fallback: when IndexedDB refuses to open (here: the database exists at a newer
// schema version, as after a downgrade), the app gets a reason and a working memory store.
#[wasm_bindgen_test]
async fn blocked_storage_falls_back_to_memory_with_a_reason() {
    use indexed_db_futures::database::Database;
    let name = db_name("blocked");
    let newer = Database::open(name.as_str())
        .with_version(99u32)
        .await
        .expect("newer db");
    newer.close();
    let (storage, warning) = Storage::open_named(&name).await;
    assert!(!storage.is_durable());
    let warning = warning.expect("a reason is given");
    assert!(
        matches!(
            warning,
            AppError::StorageUnavailable(_) | AppError::Storage(_)
        ),
        "{warning:?}"
    );
    // the memory store still records and reads back
    let content = scenario();
    let (attempt, first) = Attempt::start(&content, "a-6", "learner", 1_000);
    storage
        .record(&[first], &attempt.summary(&content), None)
        .await
        .expect("memory record");
    assert_eq!(
        storage
            .summaries("learner")
            .await
            .expect("read")
            .summaries
            .len(),
        1
    );
    let _ = JsValue::NULL;
}

// Guards the schema upgrade: a device holding schema 1 (before sync existed) opens at the
// current schema with its records intact and an empty outbox.
#[wasm_bindgen_test]
async fn schema_1_database_upgrades_and_keeps_records() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::KeyPath;
    let name = db_name("upgrade");
    let v1 = Database::open(name.as_str())
        .with_version(1u32)
        .with_on_upgrade_needed(|_, db| {
            let events = db
                .create_object_store("events")
                .with_key_path(KeyPath::from(["attempt_id", "seq"]))
                .build()?;
            events
                .create_index("by_attempt", KeyPath::from("attempt_id"))
                .build()?;
            db.create_object_store("attempts")
                .with_key_path(KeyPath::from("id"))
                .build()?;
            db.create_object_store("content")
                .with_key_path(KeyPath::from("key"))
                .build()?;
            Ok(())
        })
        .await
        .expect("schema 1");
    v1.close();
    let content = scenario();
    let (attempt, first) = Attempt::start(&content, "a-7", "learner", 1_000);
    let summary = serde_json::to_string(&boiduong_core::record::encode_summary(
        &attempt.summary(&content),
    ))
    .expect("json");
    put_raw(&name, "attempts", &summary).await;
    put_raw(
        &name,
        "events",
        &boiduong_core::record::encode_event(&first).to_string(),
    )
    .await;

    let storage = open(&name).await;
    assert_eq!(
        storage
            .summaries("learner")
            .await
            .expect("summaries")
            .summaries
            .len(),
        1
    );
    assert_eq!(storage.events("a-7").await.expect("events").len(), 1);
    assert!(storage
        .outbox("learner")
        .await
        .expect("outbox store exists")
        .is_empty());
}

fn queued(id: &str, attempt: &str, order: f64) -> boiduong::storage::Queued {
    boiduong::storage::Queued {
        id: id.into(),
        attempt_id: attempt.into(),
        account: "learner".into(),
        order,
        body: format!(r#"{{"id":"{id}"}}"#),
        anonymous_after_ms: None,
    }
}

// Guards "a statement is written in the same transaction as the action": when the action's
// write fails, none of its statements reach the outbox; when it succeeds, all do, in order,
// and settling removes acknowledged ones and keeps rejected ones with their reason.
#[wasm_bindgen_test]
async fn statements_share_the_action_transaction_and_settle() {
    let name = db_name("outbox");
    let content = scenario();
    let storage = open(&name).await;
    let (attempt, first) = Attempt::start(&content, "a-8", "learner", 1_000);
    storage
        .record_with_statements(
            std::slice::from_ref(&first),
            &attempt.summary(&content),
            None,
            &[queued("s-2", "a-8", 2.0), queued("s-1", "a-8", 1.0)],
        )
        .await
        .expect("start with statements");
    // a failing action (duplicate event key) must not queue its statement
    let failed = storage
        .record_with_statements(
            std::slice::from_ref(&first),
            &attempt.summary(&content),
            None,
            &[queued("s-3", "a-8", 3.0)],
        )
        .await;
    assert!(failed.is_err());
    let outbox: Vec<String> = storage
        .outbox("learner")
        .await
        .expect("outbox")
        .into_iter()
        .map(|q| q.id)
        .collect();
    assert_eq!(
        outbox,
        ["s-1", "s-2"],
        "in production order, nothing from the failed action"
    );

    let rejected = boiduong::storage::RejectedStatement {
        id: "s-2".into(),
        attempt_id: "a-8".into(),
        account: "learner".into(),
        status: 400,
        reason: "bad".into(),
        body: r#"{"id":"s-2"}"#.into(),
        at_ms: 5,
    };
    storage
        .settle(
            "learner",
            &["s-1".to_string()],
            std::slice::from_ref(&rejected),
            Some(9),
        )
        .await
        .expect("settle");
    assert!(storage.outbox("learner").await.expect("outbox").is_empty());
    assert_eq!(
        storage.rejected("learner").await.expect("rejected"),
        vec![rejected]
    );
    assert_eq!(
        storage.statements("learner").await.expect("own copy").len(),
        2,
        "the learner's copy stays"
    );
}

/// The learner's statement context, as the portal makes it after sign-in.
fn statement_context(account: &str) -> boiduong_core::xapi::StatementContext {
    boiduong_core::xapi::StatementContext {
        base: "https://boiduong.example/xapi".into(),
        learner: boiduong_core::xapi::Learner {
            name: "Nguyễn Văn An".into(),
            home_page: "https://lrs.example.vn".into(),
            account_name: account.into(),
        },
        class_code: "QLNN-2026-01".into(),
        platform: "Bồi dưỡng 0.1.0 (web)".into(),
        language: boiduong_core::Lang::Vi,
    }
}

/// The statements of `log` from `from_seq`, queued as the player queues them.
fn mapped(
    content: &Content,
    log: &[boiduong_core::attempt::AttemptEvent],
    from_seq: u32,
    account: &str,
) -> Vec<boiduong::storage::Queued> {
    let ctx = statement_context(account);
    boiduong_core::xapi::statements_from(log, from_seq, &ctx, content, &mut |slot| {
        boiduong_core::xapi::derived_id(slot)
    })
    .expect("maps")
    .iter()
    .enumerate()
    .map(|(i, st)| boiduong::storage::Queued {
        id: st.id.clone(),
        attempt_id: log[0].attempt_id.clone(),
        account: account.into(),
        order: f64::from(from_seq) * 100.0 + i as f64,
        body: serde_json::to_string(st).expect("json"),
        anonymous_after_ms: None,
    })
    .collect()
}

// Guards "queue again": a rejected statement goes back to the outbox as it was first queued
// (its place in production order, its channel: an anonymous one stays anonymous), leaves
// the rejected store in the same transaction, and an unknown id or another account's
// statement moves nothing.
#[wasm_bindgen_test]
async fn rejected_statements_go_back_to_the_outbox_as_first_queued() {
    let storage = open(&db_name("requeue")).await;
    let content = scenario();
    let (attempt, first) = Attempt::start(&content, "a-10", "learner", 1_000);
    let mut anonymous = queued("s-b", "e-1", 2.0);
    anonymous.anonymous_after_ms = Some(99);
    storage
        .record_with_statements(
            std::slice::from_ref(&first),
            &attempt.summary(&content),
            None,
            &[
                queued("s-a", "a-10", 1.0),
                anonymous.clone(),
                queued("s-c", "a-10", 3.0),
            ],
        )
        .await
        .expect("queued");
    let mut other = queued("s-o", "a-11", 4.0);
    other.account = "other".into();
    storage
        .record_with_statements(&[], &attempt.summary(&content), None, &[other])
        .await
        .expect("queued for another account");
    let refuse = |id: &str, attempt: &str, account: &str| boiduong::storage::RejectedStatement {
        id: id.into(),
        attempt_id: attempt.into(),
        account: account.into(),
        status: 400,
        reason: "bad".into(),
        body: format!(r#"{{"id":"{id}"}}"#),
        at_ms: 5,
    };
    storage
        .settle(
            "learner",
            &[],
            &[
                refuse("s-a", "a-10", "learner"),
                refuse("s-b", "e-1", "learner"),
            ],
            None,
        )
        .await
        .expect("rejected");
    storage
        .settle("other", &[], &[refuse("s-o", "a-11", "other")], None)
        .await
        .expect("rejected for another account");
    let moved = storage
        .requeue_rejected(
            "learner",
            &[
                "s-a".to_string(),
                "s-b".to_string(),
                "s-x".to_string(),
                "s-o".to_string(),
            ],
        )
        .await
        .expect("queued again");
    assert_eq!(moved, 2);
    assert!(storage
        .rejected("learner")
        .await
        .expect("rejected")
        .is_empty());
    assert_eq!(
        storage.rejected("other").await.expect("rejected").len(),
        1,
        "another account's refused statement stays where it is"
    );
    assert!(storage.outbox("other").await.expect("outbox").is_empty());
    let outbox = storage.outbox("learner").await.expect("outbox");
    assert_eq!(
        outbox.iter().map(|q| q.id.as_str()).collect::<Vec<_>>(),
        ["s-a", "s-b", "s-c"],
        "back in production order"
    );
    assert_eq!(outbox[1], anonymous, "exactly as first queued");
    assert_eq!(outbox[0].anonymous_after_ms, None);
}

// Guards "My records": an export imported on another device (same account) brings back every
// record, statements included; a second import adds nothing and overwrites nothing; a
// damaged record is skipped, not fatal.
#[wasm_bindgen_test]
async fn export_then_import_recovers_everything_without_duplicates() {
    use boiduong::storage::records::ImportContext;
    let content = scenario();
    let key = content_key(content.kind(), content.id(), content.version());
    let source = open(&db_name("export")).await;
    let id = "0c8a4a52-7a38-4f0a-9d4e-0f1d2b3c4d59";
    let (attempt, first) = Attempt::start(&content, id, "learner", 1_000);
    let started = mapped(&content, std::slice::from_ref(&first), 0, "learner");
    source
        .record_with_statements(
            std::slice::from_ref(&first),
            &attempt.summary(&content),
            Some((&key, SCENARIO)),
            &started,
        )
        .await
        .expect("record");
    let (next, events) = attempt
        .decide(
            &content,
            Intent::Choose {
                choice: "huong-dan".into(),
            },
            2_000,
        )
        .expect("choice");
    let mut log = vec![first];
    log.extend(events.iter().cloned());
    let chose = mapped(&content, &log, 1, "learner");
    source
        .record_with_statements(&events, &next.summary(&content), None, &chose)
        .await
        .expect("record 2");
    let learner = serde_json::json!({ "account": "learner", "name": "Nguyễn Văn An" });
    let file = source
        .export_records("learner", Some(learner), 3_000)
        .await
        .expect("export");

    let statements = statement_context("learner");
    let ctx = ImportContext {
        account: "learner",
        statements: &statements,
        catalog: None,
        profile: None,
        consent: Default::default(),
        now_ms: 4_000,
    };
    let target = open(&db_name("import")).await;
    let report = target.import_records(&file, &ctx).await.expect("import");
    let sent = started.len() + chose.len();
    assert_eq!(report.invalid, 0);
    assert_eq!(report.already, 0);
    assert_eq!(report.not_rebuilt, 0);
    assert_eq!(
        report.added,
        log.len() + 1 + 1 + 2 * sent,
        "events, summary, content, outbox + copy"
    );
    assert_eq!(
        target.summaries("learner").await.expect("s").summaries,
        vec![next.summary(&content)]
    );
    let back = target.events(id).await.expect("events");
    assert_eq!(Attempt::replay(&content, &back).expect("replays"), next);
    let mut expected: Vec<_> = started.iter().chain(&chose).cloned().collect();
    expected.sort_by(|a, b| a.order.total_cmp(&b.order));
    assert_eq!(target.outbox("learner").await.expect("outbox"), expected);

    let again = target
        .import_records(&file, &ctx)
        .await
        .expect("second import");
    assert_eq!(again.added, 0);
    assert_eq!(again.already, report.added);

    let mut doc: serde_json::Value = serde_json::from_str(&file).expect("json");
    doc["stores"]["attempts"][0]["status"] = serde_json::json!(42);
    let damaged = open(&db_name("damaged-import")).await;
    let r = damaged
        .import_records(&doc.to_string(), &ctx)
        .await
        .expect("import with a bad record");
    assert_eq!(
        r.invalid,
        1 + log.len(),
        "the summary and the log that needs it"
    );
    assert!(damaged
        .import_records("{\"format\":\"other\"}", &ctx)
        .await
        .is_err());
}

// ---- self-assessment ---------------------------------------------------------------------

// Guards the profile's storage: what is saved comes back after a new connection, and a
// version-1 profile left on the device by an older portal (nested qualifications, `it`,
// `position_id`) is read as the current profile, an unknown level dropped rather than fatal.
#[wasm_bindgen_test]
async fn profile_round_trip_and_old_format_migrated() {
    use boiduong_core::self_assessment::{Education, ItSkill, PoliticalTheory, Profile};
    let name = db_name("profile");
    let storage = open(&name).await;
    assert_eq!(storage.load_profile("learner").await.expect("empty"), None);
    put_raw(
        &name,
        "meta",
        r#"{"key":"profile:learner","value":{"position_id":"cong-chuc-chuyen-mon-xa","qualifications":{"education":"dai_hoc","political_theory":"so_cap","it":"co_ban","foreign_language":"B1 tiếng Anh"},"updated_ms":1700000000000}}"#,
    )
    .await;
    let storage = open(&name).await;
    let migrated = storage
        .load_profile("learner")
        .await
        .expect("readable")
        .expect("present");
    assert_eq!(migrated.version, 2);
    assert_eq!(
        migrated.position.as_deref(),
        Some("cong-chuc-chuyen-mon-xa")
    );
    assert_eq!(migrated.education, Some(Education::University));
    assert_eq!(migrated.political_theory, Some(PoliticalTheory::Elementary));
    assert_eq!(migrated.it_skill, Some(ItSkill::Basic));
    assert_eq!(migrated.foreign_language, None);

    let mut edited: Profile = migrated.clone();
    edited.political_theory = Some(PoliticalTheory::Intermediate);
    storage
        .save_profile("learner", &edited)
        .await
        .expect("save");
    let again = open(&name)
        .await
        .load_profile("learner")
        .await
        .expect("readable")
        .expect("present");
    assert_eq!(again, edited);
    let stored = storage
        .meta("profile:learner")
        .await
        .expect("meta")
        .expect("raw");
    assert_eq!(stored["version"], 2, "written in the current format");
}

// Guards bad stored data: a profile from a newer portal or a broken one gives a clear error
// (never a panic), and saving a new profile keeps the unreadable one aside.
#[wasm_bindgen_test]
async fn unreadable_profile_is_reported_and_kept() {
    use boiduong_core::self_assessment::Profile;
    let name = db_name("profile-bad");
    put_raw_after_open(
        &name,
        r#"{"key":"profile:learner","value":{"version":9,"updated_at_ms":0}}"#,
    )
    .await;
    let storage = open(&name).await;
    let err = storage.load_profile("learner").await.expect_err("too new");
    assert!(
        matches!(err, AppError::Damaged(ref m) if m.contains("newer")),
        "{err:?}"
    );
    put_raw(&name, "meta", r#"{"key":"profile:learner","value":[1,2]}"#).await;
    assert!(matches!(
        storage.load_profile("learner").await,
        Err(AppError::Damaged(_))
    ));
    storage
        .save_profile("learner", &Profile::new(5))
        .await
        .expect("a new profile can be saved");
    assert_eq!(
        storage.load_profile("learner").await.expect("readable"),
        Some(Profile::new(5))
    );
    assert_eq!(
        storage
            .meta("profile_unreadable:learner")
            .await
            .expect("meta"),
        Some(serde_json::json!([1, 2])),
        "the unreadable profile is kept aside"
    );
}

/// Opens the database once (creating the schema), then plants a raw meta record.
async fn put_raw_after_open(name: &str, json: &str) {
    let _ = open(name).await;
    put_raw(name, "meta", json).await;
}

// Guards "durable with its statements": a shared self-rating and its statements are written
// together; a private one queues nothing; a second write of the same record fails without
// queuing anything; consent reads back, private by default.
#[wasm_bindgen_test]
async fn self_records_share_their_transaction_and_private_ones_queue_nothing() {
    use boiduong::storage::self_assessment::SelfRecord;
    use boiduong_core::self_assessment::{Consent, SelfRating};
    let name = db_name("selfrecords");
    let storage = open(&name).await;
    assert_eq!(
        storage.load_consent("learner").await.expect("consent"),
        Consent::default()
    );
    let rating = |id: &str| SelfRating {
        id: id.into(),
        learner_id: "learner".into(),
        module: None,
        ratings: [("giao_tiep".to_string(), 4u8)].into_iter().collect(),
        at_ms: 1_000,
    };
    let private = SelfRecord::Rating {
        rating: rating("r-private"),
        shared: false,
    };
    storage
        .save_self_record("learner", &private, &[])
        .await
        .expect("private");
    let shared = SelfRecord::Rating {
        rating: rating("r-shared"),
        shared: true,
    };
    storage
        .save_self_record("learner", &shared, &[queued("s-r1", "r-shared", 1.0)])
        .await
        .expect("shared");
    let again = storage
        .save_self_record("learner", &shared, &[queued("s-r2", "r-shared", 2.0)])
        .await;
    assert!(again.is_err(), "a record id is written once");
    let outbox: Vec<String> = storage
        .outbox("learner")
        .await
        .expect("outbox")
        .into_iter()
        .map(|q| q.id)
        .collect();
    assert_eq!(
        outbox,
        ["s-r1"],
        "nothing from the private rating or the failed write"
    );
    put_raw(
        &name,
        "selfassess",
        r#"{"id":"broken","v":1,"kind":"rating","record":7}"#,
    )
    .await;
    let found = open(&name)
        .await
        .self_records("learner")
        .await
        .expect("records");
    assert_eq!(found.ratings.len(), 2);
    assert_eq!(found.damaged, 1, "damaged record counted, not fatal");
    let consent = Consent {
        share_self_ratings: true,
        share_profile: false,
    };
    storage
        .save_consent("learner", &consent)
        .await
        .expect("consent");
    assert_eq!(
        open(&name)
            .await
            .load_consent("learner")
            .await
            .expect("read"),
        consent
    );
}
