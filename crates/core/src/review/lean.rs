//! The review's statements written back as lean xAPI JSON: only what [`Statement`] keeps,
//! in the shape [`parse_page`](super::parse_page) reads. The trainer's offline cache stores
//! pages in this form (a tenth of the LRS's size: no activity definitions, no texts), and
//! reading the cache goes through the same parser as reading the LRS.
//!
//! A page is `{"lean":2,"statements":[…]}`. Form 2 keeps the `authority`, which the trust
//! checks need; a page of an older form (a bare array, before the authority was kept) is
//! told apart by [`is_current_lean`] so the app can read the LRS again instead of setting
//! every cached statement aside.

use serde_json::{json, Map, Value};

use super::statement::{Account, Statement};
use crate::xapi::{duration, timestamp};

/// Prefix of the extension IRIs in the lean form (the parser reads the last segment).
const EXT: &str = "urn:x-boiduong/extensions/";

fn ext_map(pairs: Vec<(&str, Option<Value>)>) -> Option<Value> {
    let map: Map<String, Value> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (format!("{EXT}{k}"), v)))
        .collect();
    (!map.is_empty()).then_some(Value::Object(map))
}

fn numbers(map: &std::collections::BTreeMap<String, f64>) -> Option<Value> {
    (!map.is_empty()).then(|| json!(map))
}

/// The form written now (see the module doc).
const LEAN_FORM: u32 = 2;

/// Whether a cached page is in the current lean form (older pages lack the authority).
pub fn is_current_lean(page: &str) -> bool {
    page.starts_with(&format!("{{\"lean\":{LEAN_FORM},"))
}

/// An agent with this identifier (an mbox stands for every IFI other than an account: the
/// parser reads them all alike).
fn agent(a: &Account) -> Map<String, Value> {
    let mut out = Map::new();
    if a.home_page.is_empty() {
        out.insert("mbox".into(), json!(a.name));
    } else {
        out.insert(
            "account".into(),
            json!({ "homePage": a.home_page, "name": a.name }),
        );
    }
    out
}

fn one(s: &Statement) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(s.id));
    let mut actor = agent(&s.actor);
    if let Some(n) = &s.actor_name {
        actor.insert("name".into(), json!(n));
    }
    out.insert("actor".into(), Value::Object(actor));
    match s.authority.as_slice() {
        [] => {}
        [one] => {
            out.insert("authority".into(), Value::Object(agent(one)));
        }
        many => {
            let members: Vec<Value> = many.iter().map(|a| Value::Object(agent(a))).collect();
            out.insert(
                "authority".into(),
                json!({ "objectType": "Group", "member": members }),
            );
        }
    }
    out.insert("verb".into(), json!({ "id": s.verb }));
    let mut object = Map::new();
    object.insert("id".into(), json!(s.object_id));
    if s.object_is_statement_ref {
        object.insert("objectType".into(), json!("StatementRef"));
    }
    out.insert("object".into(), Value::Object(object));
    if let Some(r) = &s.result {
        let mut result = Map::new();
        if let Some(v) = r.success {
            result.insert("success".into(), json!(v));
        }
        if let Some(v) = r.completion {
            result.insert("completion".into(), json!(v));
        }
        if let Some(v) = &r.response {
            result.insert("response".into(), json!(v));
        }
        if let Some(ms) = r.duration_ms {
            result.insert("duration".into(), json!(duration(ms)));
        }
        let mut score = Map::new();
        for (k, v) in [
            ("raw", r.score_raw),
            ("max", r.score_max),
            ("scaled", r.score_scaled),
        ] {
            if let Some(v) = v {
                score.insert(k.into(), json!(v));
            }
        }
        if !score.is_empty() {
            result.insert("score".into(), Value::Object(score));
        }
        if let Some(e) = ext_map(vec![
            ("competency-deltas", numbers(&r.competency_deltas)),
            ("next-node", r.next_node.as_ref().map(|v| json!(v))),
            ("ending", r.ending.as_ref().map(|v| json!(v))),
            ("ending-kind", r.ending_kind.as_ref().map(|v| json!(v))),
            ("competency-scores", numbers(&r.competency_scores)),
            ("competency-levels", numbers(&r.competency_levels)),
            (
                "shown-position",
                (!r.shown_position.is_empty()).then(|| json!(r.shown_position)),
            ),
            (
                "shown-order",
                (!r.shown_order.is_empty()).then(|| json!(r.shown_order)),
            ),
        ]) {
            result.insert("extensions".into(), e);
        }
        out.insert("result".into(), Value::Object(result));
    }
    let mut context = Map::new();
    if let Some(r) = &s.registration {
        context.insert("registration".into(), json!(r));
    }
    if let Some(r) = &s.revision {
        context.insert("revision".into(), json!(r));
    }
    let ids = |list: &[String]| {
        json!(list
            .iter()
            .map(|id| json!({ "id": id }))
            .collect::<Vec<_>>())
    };
    let mut activities = Map::new();
    if !s.parents.is_empty() {
        activities.insert("parent".into(), ids(&s.parents));
    }
    if !s.groupings.is_empty() {
        activities.insert("grouping".into(), ids(&s.groupings));
    }
    if !activities.is_empty() {
        context.insert("contextActivities".into(), Value::Object(activities));
    }
    if let Some(e) = ext_map(vec![
        ("class-code", s.class_code.as_ref().map(|v| json!(v))),
        ("node-id", s.node_id.as_ref().map(|v| json!(v))),
        ("item-role", s.item_role.as_ref().map(|v| json!(v))),
        ("event-seq", s.event_seq.map(|v| json!(v))),
        ("rating-phase", s.rating_phase.as_ref().map(|v| json!(v))),
    ]) {
        context.insert("extensions".into(), e);
    }
    if !context.is_empty() {
        out.insert("context".into(), Value::Object(context));
    }
    if let Some(t) = s.timestamp_ms.and_then(|ms| timestamp(ms).ok()) {
        out.insert("timestamp".into(), json!(t));
    }
    if let Some(t) = s.stored_ms.and_then(|ms| timestamp(ms).ok()) {
        out.insert("stored".into(), json!(t));
    }
    Value::Object(out)
}

/// The statements as one lean page (see the module doc).
pub fn lean_json(statements: &[Statement]) -> String {
    let list = Value::Array(statements.iter().map(one).collect());
    format!("{{\"lean\":{LEAN_FORM},\"statements\":{list}}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::parse_page;

    // Guards the cache: what is written reads back as the same statements (the authority
    // included, which the trust checks read), in a form an older page is told apart from.
    #[test]
    fn lean_form_reads_back_unchanged() {
        let full = r#"{"statements":[{
            "id":"E41521D5-095E-8F9D-9631-BA7181B57098",
            "actor":{"objectType":"Agent","name":"Nguyễn Thị Hồng","account":{"homePage":"https://boiduong.example","name":"hong.nt"}},
            "verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"vi":"đã trả lời"}},
            "object":{"objectType":"Activity","id":"https://b.example/xapi/scenarios/s/nodes/mo-dau","definition":{"description":{"vi":"dài"}}},
            "result":{"success":false,"response":"nhan-tam","duration":"PT47.25S","score":{"raw":1,"max":2,"scaled":0.5},
              "extensions":{"https://b.example/xapi/extensions/competency-deltas":{"giao_tiep":1,"phap_luat":-2},
                            "https://b.example/xapi/extensions/next-node":"ket-xau",
                            "https://b.example/xapi/extensions/shown-position":2,
                            "https://b.example/xapi/extensions/shown-order":["huong-dan","nhan-tam"]}},
            "context":{"registration":"b7e3c1a4-2f6d-4e8a-9c5b-0d1e2f3a0003",
              "contextActivities":{"parent":[{"id":"https://b.example/xapi/scenarios/s"}],"grouping":[{"id":"https://b.example/xapi/fields/mot-cua"}]},
              "revision":"61a35171a2210a30",
              "extensions":{"https://b.example/xapi/extensions/class-code":"QLNN-2026-01","https://b.example/xapi/extensions/event-seq":1,"https://b.example/xapi/extensions/node-id":"mo-dau","https://b.example/xapi/extensions/rating-phase":"before"}},
            "timestamp":"2026-11-28T06:04:52.373Z","stored":"2026-11-28T06:05:00.001Z",
            "authority":{"objectType":"Agent","name":"Hồng","account":{"homePage":"https://boiduong.example","name":"hong.nt"}}},
            {"id":"5f0c1a4e-0000-4000-8000-000000000001","actor":{"mbox":"mailto:a@b.example"},
             "verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},
             "object":{"objectType":"StatementRef","id":"e41521d5-095e-8f9d-9631-ba7181b57098"},
             "authority":{"objectType":"Group","member":[{"account":{"homePage":"https://app.example","name":"portal"}},{"mbox":"mailto:a@b.example"}]},
             "stored":"2026-11-28T07:00:00Z"}]}"#;
        let page = parse_page(full).expect("page");
        assert_eq!(page.statements.len(), 2);
        let lean = lean_json(&page.statements);
        assert!(lean.len() < full.len());
        let back = parse_page(&lean).expect("lean page");
        assert_eq!(back.malformed, 0);
        assert_eq!(back.statements, page.statements);
        let r = back.statements[0].result.as_ref().expect("result");
        assert_eq!(
            (r.shown_position.as_slice(), r.shown_order.len()),
            (&[2][..], 2)
        );
        assert_eq!(back.statements[1].authority.len(), 2);
        // pages written before the authority was kept are told apart
        assert!(is_current_lean(&lean));
        assert!(!is_current_lean(r#"[{"id":"x"}]"#));
        assert!(!is_current_lean(full));
    }
}
