//! A lean, tolerant view of xAPI statements as any LRS returns them.
//!
//! Only the parts the trainer review needs are read; unknown properties are skipped without
//! being built (serde's `IgnoredAny`). Each statement of a page is parsed on its own, so one
//! malformed statement is counted and skipped, never fatal. Extensions are recognised by their
//! last path segment after `/extensions/` (the profile's names), whatever the base: the base
//! is checked on activity ids when the class is built.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::time::{parse_duration_ms, parse_timestamp_ms};
use super::ReviewError;

/// Who made a statement: an xAPI account (`homePage` + `name`). Agents identified by `mbox`,
/// `mbox_sha1sum` or `openid` instead get an empty `home_page` and that IFI as `name`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Account {
    pub home_page: String,
    pub name: String,
}

impl Account {
    pub fn new(home_page: impl Into<String>, name: impl Into<String>) -> Self {
        Account {
            home_page: home_page.into(),
            name: name.into(),
        }
    }
}

/// The parts of a statement the review reads.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Statement {
    /// Lower-case statement id.
    pub id: String,
    pub actor: Account,
    /// The actor's display name, when given.
    pub actor_name: Option<String>,
    pub verb: String,
    /// The object's id (an activity IRI, or a statement id for a `StatementRef`).
    pub object_id: String,
    /// `object.objectType == "StatementRef"` (the target of a `voided` statement).
    pub object_is_statement_ref: bool,
    /// `context.registration`, lower-case: the attempt id.
    pub registration: Option<String>,
    /// Ids of `context.contextActivities.parent`.
    pub parents: Vec<String>,
    /// Ids of `context.contextActivities.grouping`.
    pub groupings: Vec<String>,
    /// `context.revision`: the content version.
    pub revision: Option<String>,
    pub class_code: Option<String>,
    pub node_id: Option<String>,
    pub item_role: Option<String>,
    pub event_seq: Option<u64>,
    /// `rating-phase` of a self-rating taken with a module (`before` / `after`).
    pub rating_phase: Option<String>,
    pub result: Option<ResultView>,
    /// `timestamp` in ms since the epoch (None when absent or unreadable).
    pub timestamp_ms: Option<i64>,
    /// `stored` (set by the LRS) in ms since the epoch.
    pub stored_ms: Option<i64>,
    /// Who vouches for it (`authority`, set by the LRS from the account that posted it): the
    /// agent's identifier, or each identified member of a group authority (an OAuth
    /// application and its user) and the group's own. Empty when absent or unreadable.
    pub authority: Vec<Account>,
}

impl Statement {
    /// When it happened: `timestamp`, else `stored`.
    pub fn time_ms(&self) -> i64 {
        self.timestamp_ms.or(self.stored_ms).unwrap_or(0)
    }

    /// When the LRS got it: `stored`, else `timestamp`.
    pub fn synced_ms(&self) -> i64 {
        self.stored_ms.or(self.timestamp_ms).unwrap_or(0)
    }
}

/// The parts of `result` the review reads (numbers as f64: LRSs may reformat integers).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ResultView {
    pub success: Option<bool>,
    pub completion: Option<bool>,
    pub response: Option<String>,
    /// `duration` in ms (ISO 8601 parsed; None when absent or unreadable).
    pub duration_ms: Option<i64>,
    pub score_raw: Option<f64>,
    pub score_max: Option<f64>,
    pub score_scaled: Option<f64>,
    pub competency_deltas: BTreeMap<String, f64>,
    pub next_node: Option<String>,
    pub ending: Option<String>,
    pub ending_kind: Option<String>,
    pub competency_scores: BTreeMap<String, f64>,
    pub competency_levels: BTreeMap<String, f64>,
    /// `shown-position`: the 1-based places the chosen option(s) were shown at (one for a
    /// single choice item or a node, one per chosen id for multiple choice); empty when
    /// absent (statements of attempts without a shuffled order) or not readable.
    pub shown_position: Vec<u32>,
    /// `shown-order`: the option (choice) ids in the order shown; empty when absent.
    pub shown_order: Vec<String>,
}

/// One page of an LRS `GET /statements` answer.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Page {
    pub statements: Vec<Statement>,
    /// The `more` link (relative or absolute URL) when there are more pages; None when empty.
    pub more: Option<String>,
    /// Statements that could not be read (not an object, no id/actor/verb/object, wrong types,
    /// no readable timestamp or stored time); skipped.
    pub malformed: usize,
}

/// Parses an LRS answer `{"statements":[…],"more":"…"}`, or a bare JSON array of statements
/// (a file written by `boiduong-synth` or an export). Unknown properties are ignored.
pub fn parse_page(json: &str) -> Result<Page, ReviewError> {
    #[derive(Deserialize)]
    struct Wire<'a> {
        #[serde(borrow)]
        statements: Vec<&'a RawValue>,
        #[serde(default)]
        more: Option<String>,
    }
    let trimmed = json.trim_start_matches('\u{feff}').trim_start();
    // RawValue cannot sit in an untagged enum: tell the two shapes apart by the first byte.
    let parsed = if trimmed.starts_with('[') {
        serde_json::from_str::<Vec<&RawValue>>(trimmed).map(|list| (list, None))
    } else {
        serde_json::from_str::<Wire<'_>>(trimmed).map(|w| (w.statements, w.more))
    };
    let (raws, more) = match parsed {
        Ok(p) => p,
        Err(e) => {
            // Tell "not JSON" apart from "JSON of another shape".
            return Err(match serde_json::from_str::<IgnoredAny>(trimmed) {
                Ok(_) => ReviewError::NotAPage,
                Err(_) => ReviewError::Json(e.to_string()),
            });
        }
    };
    let mut page = Page {
        statements: Vec::with_capacity(raws.len()),
        more: more.filter(|m| !m.is_empty()),
        malformed: 0,
    };
    for raw in raws {
        match parse_statement(raw.get()) {
            Some(s) => page.statements.push(s),
            None => page.malformed += 1,
        }
    }
    Ok(page)
}

/// One statement from its JSON text; None when it is malformed (see [`Page::malformed`]).
pub fn parse_statement(json: &str) -> Option<Statement> {
    let w: WireStatement = serde_json::from_str(json).ok()?;
    w.into_statement()
}

#[derive(Deserialize)]
struct WireStatement {
    id: String,
    actor: WireActor,
    verb: WireId,
    object: WireObject,
    #[serde(default)]
    result: Option<WireResult>,
    #[serde(default)]
    context: Option<WireContext>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    stored: Option<String>,
    /// Read leniently: an authority of an unexpected shape leaves the statement readable (and
    /// without authority, which the trust checks then set aside).
    #[serde(default)]
    authority: Option<Value>,
}

#[derive(Deserialize)]
struct WireActor {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    account: Option<WireAccount>,
    #[serde(default)]
    mbox: Option<String>,
    #[serde(default)]
    mbox_sha1sum: Option<String>,
    #[serde(default)]
    openid: Option<String>,
}

#[derive(Deserialize)]
struct WireAccount {
    #[serde(rename = "homePage")]
    home_page: String,
    name: String,
}

#[derive(Deserialize)]
struct WireId {
    id: String,
}

#[derive(Deserialize)]
struct WireObject {
    id: String,
    #[serde(default, rename = "objectType")]
    object_type: Option<String>,
}

#[derive(Deserialize)]
struct WireScore {
    #[serde(default)]
    scaled: Option<f64>,
    #[serde(default)]
    raw: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
}

#[derive(Deserialize)]
struct WireResult {
    #[serde(default)]
    score: Option<WireScore>,
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    completion: Option<bool>,
    #[serde(default)]
    response: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    extensions: Option<Ext>,
}

#[derive(Deserialize)]
struct WireContext {
    #[serde(default)]
    registration: Option<String>,
    #[serde(default, rename = "contextActivities")]
    activities: Option<WireContextActivities>,
    #[serde(default)]
    revision: Option<String>,
    #[serde(default)]
    extensions: Option<Ext>,
}

#[derive(Deserialize)]
struct WireContextActivities {
    #[serde(default)]
    parent: Option<OneOrMany>,
    #[serde(default)]
    grouping: Option<OneOrMany>,
}

/// xAPI 1.0.3 still allows a single activity where a list is expected.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(WireId),
    Many(Vec<WireId>),
}

impl OneOrMany {
    fn ids(self) -> Vec<String> {
        match self {
            OneOrMany::One(a) => vec![a.id],
            OneOrMany::Many(list) => list.into_iter().map(|a| a.id).collect(),
        }
    }
}

/// The profile's extensions, found by name; values of an unexpected type are ignored (the
/// statement is kept).
#[derive(Default)]
struct Ext {
    class_code: Option<String>,
    node_id: Option<String>,
    item_role: Option<String>,
    event_seq: Option<u64>,
    rating_phase: Option<String>,
    deltas: BTreeMap<String, f64>,
    next_node: Option<String>,
    ending: Option<String>,
    ending_kind: Option<String>,
    scores: BTreeMap<String, f64>,
    levels: BTreeMap<String, f64>,
    shown_position: Vec<u32>,
    shown_order: Vec<String>,
}

#[derive(Clone, Copy)]
enum ExtKey {
    ClassCode,
    NodeId,
    ItemRole,
    EventSeq,
    RatingPhase,
    Deltas,
    NextNode,
    Ending,
    EndingKind,
    Scores,
    Levels,
    ShownPosition,
    ShownOrder,
    Other,
}

fn ext_key(iri: &str) -> ExtKey {
    let Some((_, name)) = iri.rsplit_once("/extensions/") else {
        return ExtKey::Other;
    };
    match name {
        "class-code" => ExtKey::ClassCode,
        "node-id" => ExtKey::NodeId,
        "item-role" => ExtKey::ItemRole,
        "event-seq" => ExtKey::EventSeq,
        "rating-phase" => ExtKey::RatingPhase,
        "competency-deltas" => ExtKey::Deltas,
        "next-node" => ExtKey::NextNode,
        "ending" => ExtKey::Ending,
        "ending-kind" => ExtKey::EndingKind,
        "competency-scores" => ExtKey::Scores,
        "competency-levels" => ExtKey::Levels,
        "shown-position" => ExtKey::ShownPosition,
        "shown-order" => ExtKey::ShownOrder,
        _ => ExtKey::Other,
    }
}

impl<'de> Deserialize<'de> for ExtKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = ExtKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an extension IRI")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ExtKey, E> {
                Ok(ext_key(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// Places (integers >= 1, also written as `2.0`): one number or an array of them. Anything
/// else reads as none.
fn places(v: Value) -> Vec<u32> {
    let place = |v: &Value| {
        v.as_u64()
            .or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 1.0)
                    .map(|f| f as u64)
            })
            .filter(|n| *n >= 1)
            .and_then(|n| u32::try_from(n).ok())
    };
    match &v {
        Value::Array(list) => list
            .iter()
            .map(place)
            .collect::<Option<_>>()
            .unwrap_or_default(),
        one => place(one).into_iter().collect(),
    }
}

/// An array of strings; anything else reads as none.
fn texts(v: Value) -> Vec<String> {
    match v {
        Value::Array(list) => list
            .into_iter()
            .map(text)
            .collect::<Option<_>>()
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn numbers(v: Value) -> BTreeMap<String, f64> {
    match v {
        Value::Object(map) => map
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_f64()?)))
            .collect(),
        _ => BTreeMap::new(),
    }
}

impl<'de> Deserialize<'de> for Ext {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ExtVisitor;
        impl<'de> Visitor<'de> for ExtVisitor {
            type Value = Ext;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an extensions object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ext, A::Error> {
                let mut ext = Ext::default();
                while let Some(key) = map.next_key::<ExtKey>()? {
                    if let ExtKey::Other = key {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    let v: Value = map.next_value()?;
                    match key {
                        ExtKey::ClassCode => ext.class_code = text(v),
                        ExtKey::NodeId => ext.node_id = text(v),
                        ExtKey::ItemRole => ext.item_role = text(v),
                        ExtKey::EventSeq => {
                            ext.event_seq = v
                                .as_u64()
                                .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                        }
                        ExtKey::RatingPhase => ext.rating_phase = text(v),
                        ExtKey::Deltas => ext.deltas = numbers(v),
                        ExtKey::NextNode => ext.next_node = text(v),
                        ExtKey::Ending => ext.ending = text(v),
                        ExtKey::EndingKind => ext.ending_kind = text(v),
                        ExtKey::Scores => ext.scores = numbers(v),
                        ExtKey::Levels => ext.levels = numbers(v),
                        ExtKey::ShownPosition => ext.shown_position = places(v),
                        ExtKey::ShownOrder => ext.shown_order = texts(v),
                        ExtKey::Other => {}
                    }
                }
                Ok(ext)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ext, E> {
                Ok(Ext::default())
            }
        }
        d.deserialize_any(ExtVisitor)
    }
}

/// The inverse functional identifier of an agent or identified group, as an [`Account`].
fn ifi(agent: &Value) -> Option<Account> {
    let text = |key: &str| agent.get(key)?.as_str().filter(|v| !v.is_empty());
    if let Some(a) = agent.get("account") {
        let home_page = a.get("homePage")?.as_str()?;
        let name = a.get("name")?.as_str()?;
        return Some(Account::new(home_page, name));
    }
    ["mbox", "mbox_sha1sum", "openid"]
        .into_iter()
        .find_map(text)
        .map(|v| Account::new("", v))
}

/// Everyone an `authority` names: an agent, or a group's members and the group itself.
fn authorities(authority: Option<Value>) -> Vec<Account> {
    let Some(a) = authority else {
        return Vec::new();
    };
    let mut out: Vec<Account> = a
        .get("member")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(ifi)
        .collect();
    out.extend(ifi(&a));
    out
}

impl WireStatement {
    fn into_statement(self) -> Option<Statement> {
        let actor = match (self.actor.account, self.actor.mbox, self.actor.mbox_sha1sum) {
            (Some(a), _, _) => Account::new(a.home_page, a.name),
            (None, Some(m), _) => Account::new("", m),
            (None, None, Some(h)) => Account::new("", h),
            (None, None, None) => Account::new("", self.actor.openid?),
        };
        if self.id.is_empty() || self.verb.id.is_empty() || self.object.id.is_empty() {
            return None;
        }
        let timestamp_ms = self.timestamp.as_deref().and_then(parse_timestamp_ms);
        let stored_ms = self.stored.as_deref().and_then(parse_timestamp_ms);
        if timestamp_ms.is_none() && stored_ms.is_none() {
            return None;
        }
        let mut st = Statement {
            id: self.id.to_ascii_lowercase(),
            actor,
            actor_name: self.actor.name.filter(|n| !n.trim().is_empty()),
            verb: self.verb.id,
            object_is_statement_ref: self.object.object_type.as_deref() == Some("StatementRef"),
            object_id: self.object.id,
            timestamp_ms,
            stored_ms,
            authority: authorities(self.authority),
            ..Statement::default()
        };
        if let Some(ctx) = self.context {
            st.registration = ctx.registration.map(|r| r.to_ascii_lowercase());
            st.revision = ctx.revision;
            if let Some(acts) = ctx.activities {
                st.parents = acts.parent.map(OneOrMany::ids).unwrap_or_default();
                st.groupings = acts.grouping.map(OneOrMany::ids).unwrap_or_default();
            }
            if let Some(ext) = ctx.extensions {
                st.class_code = ext
                    .class_code
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty());
                st.node_id = ext.node_id;
                st.item_role = ext.item_role;
                st.event_seq = ext.event_seq;
                st.rating_phase = ext.rating_phase;
            }
        }
        if let Some(r) = self.result {
            let ext = r.extensions.unwrap_or_default();
            let score = r.score;
            st.result = Some(ResultView {
                success: r.success,
                completion: r.completion,
                response: r.response,
                duration_ms: r.duration.as_deref().and_then(parse_duration_ms),
                score_raw: score.as_ref().and_then(|s| s.raw),
                score_max: score.as_ref().and_then(|s| s.max),
                score_scaled: score.as_ref().and_then(|s| s.scaled),
                competency_deltas: ext.deltas,
                next_node: ext.next_node,
                ending: ext.ending,
                ending_kind: ext.ending_kind,
                competency_scores: ext.scores,
                competency_levels: ext.levels,
                shown_position: ext.shown_position,
                shown_order: ext.shown_order,
            });
        }
        Some(st)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "id": "B187CD59-AD5E-8DA6-960E-882CFC82189E",
        "actor": {"objectType": "Agent", "name": "Nguyễn Thị Hồng",
                  "account": {"homePage": "https://boiduong.example", "name": "hong.nt"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"vi": "x"}},
        "object": {"objectType": "Activity", "id": "https://b.example/xapi/scenarios/s"},
        "result": {"completion": true, "duration": "PT47.25S", "score": {"raw": 3.0, "max": 4},
            "extensions": {
                "https://b.example/xapi/extensions/competency-levels": {"pl": 2.5, "gt": "x"},
                "https://b.example/xapi/extensions/competency-scores": {"gt": 1, "pl": -2},
                "https://b.example/xapi/extensions/ending": "ket-xau",
                "https://b.example/xapi/extensions/ending-kind": "bad",
                "https://b.example/xapi/extensions/shown-position": [3, 1.0],
                "https://b.example/xapi/extensions/shown-order": ["c", "a", "b"],
                "https://other.example/unknown": {"deep": [1, 2, {"x": null}]}
            }},
        "context": {"registration": "B7E3C1A4-2F6D-4E8A-9C5B-0D1E2F3A0003",
            "contextActivities": {"parent": {"id": "https://b.example/xapi/scenarios/s"},
                                  "grouping": [{"id": "https://b.example/xapi/fields/f"}]},
            "revision": "v1",
            "extensions": {"https://b.example/xapi/extensions/class-code": " QLNN-2026-01 ",
                           "https://b.example/xapi/extensions/event-seq": 2.0}},
        "timestamp": "2026-11-28T13:04:52.373+07:00",
        "stored": "2026-11-28T06:05:00Z",
        "authority": {"objectType": "Agent", "mbox": "mailto:x@y"},
        "version": "1.0.3"
    }"#;

    // Guards the lean view: every field the review needs is read (case-normalised ids, a
    // single parent object, float integers, offsets), unknown parts are ignored.
    #[test]
    fn reads_the_needed_fields() {
        let s = parse_statement(GOOD).expect("statement");
        assert_eq!(s.id, "b187cd59-ad5e-8da6-960e-882cfc82189e");
        assert_eq!(s.actor, Account::new("https://boiduong.example", "hong.nt"));
        assert_eq!(s.actor_name.as_deref(), Some("Nguyễn Thị Hồng"));
        assert_eq!(
            s.registration.as_deref(),
            Some("b7e3c1a4-2f6d-4e8a-9c5b-0d1e2f3a0003")
        );
        assert_eq!(s.parents, ["https://b.example/xapi/scenarios/s"]);
        assert_eq!(s.groupings, ["https://b.example/xapi/fields/f"]);
        assert_eq!(s.class_code.as_deref(), Some("QLNN-2026-01"));
        assert_eq!(s.event_seq, Some(2));
        assert_eq!(s.timestamp_ms, Some(1_795_845_892_373));
        assert_eq!(s.stored_ms, Some(1_795_845_900_000));
        let r = s.result.expect("result");
        assert_eq!(r.duration_ms, Some(47_250));
        assert_eq!((r.score_raw, r.score_max), (Some(3.0), Some(4.0)));
        assert_eq!(r.ending.as_deref(), Some("ket-xau"));
        assert_eq!(r.ending_kind.as_deref(), Some("bad"));
        assert_eq!(r.competency_scores["pl"], -2.0);
        // a level of the wrong type is dropped, the statement kept
        assert_eq!(r.competency_levels.len(), 1);
        assert_eq!(r.shown_position, [3, 1]);
        assert_eq!(r.shown_order, ["c", "a", "b"]);
        assert_eq!(s.authority, [Account::new("", "mailto:x@y")]);
    }

    // Guards the shown places: one number or an array, float integers accepted; a place 0, a
    // fraction, a text or a mixed order is read as none and the statement is kept.
    #[test]
    fn shown_places_are_read_or_dropped() {
        let read = |position: &str, order: &str| {
            let json = GOOD
                .replace(r#"[3, 1.0]"#, position)
                .replace(r#"["c", "a", "b"]"#, order);
            let r = parse_statement(&json)
                .expect("kept")
                .result
                .expect("result");
            (r.shown_position, r.shown_order)
        };
        assert_eq!(read("2", "[]"), (vec![2], vec![]));
        assert_eq!(read("0", r#"["a", 1]"#), (vec![], vec![]));
        assert_eq!(read("[1, 2.5]", r#""a""#), (vec![], vec![]));
        assert_eq!(read(r#""1""#, r#"["x"]"#), (vec![], vec!["x".to_owned()]));
    }

    // Guards the authority read: an account agent, a group's members and the group's own
    // identifier; one of an unexpected shape leaves the statement readable with none.
    #[test]
    fn reads_the_authority() {
        let with = |authority: &str| {
            let json = GOOD.replace(
                r#""authority": {"objectType": "Agent", "mbox": "mailto:x@y"}"#,
                authority,
            );
            parse_statement(&json).expect("statement").authority
        };
        assert_eq!(
            with(r#""authority": {"account": {"homePage": "https://l.example", "name": "an"}}"#),
            [Account::new("https://l.example", "an")]
        );
        assert_eq!(
            with(
                r#""authority": {"objectType": "Group", "mbox": "mailto:g@x", "member": [
                    {"account": {"homePage": "https://app.example", "name": "portal"}},
                    {"openid": "https://id.example/an"}, {"name": "no ifi"}]}"#
            ),
            [
                Account::new("https://app.example", "portal"),
                Account::new("", "https://id.example/an"),
                Account::new("", "mailto:g@x"),
            ]
        );
        assert_eq!(with(r#""authority": "an""#), []);
        assert_eq!(with(r#""authority": {"account": {"name": 3}}"#), []);
        assert_eq!(with(r#""version": "1.0.3""#), []);
    }

    // Guards "a malformed statement is skipped and counted, never a panic".
    #[test]
    fn malformed_statements_are_counted() {
        let page = format!(
            r#"{{"statements": [{GOOD}, 17, null, {{}}, {{"id": "x"}},
            {{"id": "a", "actor": {{"name": "no ifi"}}, "verb": {{"id": "v"}}, "object": {{"id": "o"}}, "timestamp": "2026-01-01T00:00:00Z"}},
            {{"id": "a", "actor": {{"mbox": "mailto:a@b"}}, "verb": {{"id": "v"}}, "object": {{"id": "o"}}, "timestamp": "yesterday"}},
            {{"id": "a", "actor": {{"mbox": "mailto:a@b"}}, "verb": {{"id": "v"}}, "object": {{"id": "o"}}, "result": {{"success": "yes"}}, "timestamp": "2026-01-01T00:00:00Z"}},
            {{"id": "b", "actor": {{"mbox": "mailto:a@b"}}, "verb": {{"id": "v"}}, "object": {{"id": "o"}}, "stored": "2026-01-01T00:00:00Z"}}
            ], "more": "/xAPI/statements?pit_id=1"}}"#
        );
        let p = parse_page(&page).expect("page");
        assert_eq!(p.statements.len(), 2);
        assert_eq!(p.malformed, 7);
        assert_eq!(p.more.as_deref(), Some("/xAPI/statements?pit_id=1"));
        assert_eq!(p.statements[1].actor, Account::new("", "mailto:a@b"));
        assert_eq!(p.statements[1].time_ms(), 1_767_225_600_000);
    }

    // Guards the error messages for answers that are not a statement page at all.
    #[test]
    fn not_a_page() {
        assert!(matches!(parse_page("<html>"), Err(ReviewError::Json(_))));
        assert!(matches!(parse_page(""), Err(ReviewError::Json(_))));
        assert_eq!(parse_page(r#"{"error": 1}"#), Err(ReviewError::NotAPage));
        let e = parse_page(r#"{"statements": 3}"#).unwrap_err();
        assert!(e.to_string().contains("statements"), "{e}");
        let p = parse_page("\u{feff}{\"statements\": [], \"more\": \"\"}").expect("empty");
        assert_eq!(p, Page::default());
        assert_eq!(parse_page("[]").expect("list"), Page::default());
    }
}
