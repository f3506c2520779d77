//! How the trainer's refresh reads the LRS so that an interrupted refresh loses nothing: each
//! query is read **oldest first** (`ascending=true`; the xAPI default is newest first), and its
//! high-water mark (the `since` of the next refresh) moves only over pages the cache holds.
//!
//! Read newest first, a refresh that stops after its first page has already seen the newest
//! `stored` time: the next one asks only for what is newer and never fetches the older pages
//! it skipped. Read oldest first, the mark after a page is a time every earlier statement is
//! older than. The app stores each page with its mark in one transaction, so the mark never
//! runs ahead of the cache.
//!
//! A page boundary can fall inside a batch the LRS stored at one instant (several statements,
//! one `stored` time). `since` is exclusive, so a mark equal to that instant would skip the
//! rest of the batch on the next page. Unless a page is the last, its mark is therefore the
//! newest time *strictly older* than its newest statement: the next refresh reads the
//! statements of the boundary instant again (the review counts a statement id once).
//!
//! One class is read, never the whole LRS (the filters every Ralph backend supports): its
//! roster from the class's `joined` statements ([`roster_query`]: `verb` + `activity`, the
//! class activity being their object), then each learner's statements ([`agent_query`]) and
//! the class's anonymous evaluations ([`registration_query`]: they carry the class's
//! registration), each with its own mark in [`ClassMarks`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::statement::{Account, Statement};
use super::time::parse_timestamp_ms;
use crate::urls::percent_encode as encode;

/// The query string (after `?`) of the first page of `verb`'s statements: `limit` per page,
/// oldest first, stored after `since` when there is a mark.
pub fn statements_query(verb: &str, limit: usize, since: Option<&str>) -> String {
    query(&[("verb", verb)], limit, since)
}

/// The first page of a class's roster: the `joined` statements whose object is the class
/// activity (`activity` filters on the object only, in every backend).
pub fn roster_query(
    joined: &str,
    class_activity: &str,
    limit: usize,
    since: Option<&str>,
) -> String {
    query(
        &[("verb", joined), ("activity", class_activity)],
        limit,
        since,
    )
}

/// The first page of one learner's statements (`agent`: the actor, by its account or mbox).
pub fn agent_query(agent: &Account, limit: usize, since: Option<&str>) -> String {
    let json = if agent.home_page.is_empty() {
        serde_json::json!({ "objectType": "Agent", "mbox": agent.name })
    } else {
        serde_json::json!({
            "objectType": "Agent",
            "account": { "homePage": agent.home_page, "name": agent.name },
        })
    };
    query(&[("agent", &json.to_string())], limit, since)
}

/// The first page of the statements of one `registration` (a class's anonymous evaluations).
pub fn registration_query(registration: &str, limit: usize, since: Option<&str>) -> String {
    query(&[("registration", registration)], limit, since)
}

fn query(params: &[(&str, &str)], limit: usize, since: Option<&str>) -> String {
    let mut query = String::new();
    for (k, v) in params {
        query.push_str(&format!("{k}={}&", encode(v)));
    }
    query.push_str(&format!("limit={limit}&ascending=true"));
    if let Some(since) = since {
        query.push_str("&since=");
        query.push_str(&encode(since));
    }
    query
}

/// The marks of one class's cache: where its roster, each learner's statements and its
/// anonymous evaluations were read up to (each moves as [`page_mark`] says).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassMarks {
    #[serde(default)]
    pub roster: Option<String>,
    #[serde(default)]
    pub anonymous: Option<String>,
    /// By [`learner_key`].
    #[serde(default)]
    pub learners: BTreeMap<String, String>,
}

/// The key of a learner in [`ClassMarks::learners`].
pub fn learner_key(agent: &Account) -> String {
    format!("{}|{}", agent.home_page, agent.name)
}

/// The trainer's marks, per class (by [`class_key`]); `version` tells this form from the
/// per-verb marks of the whole LRS read before classes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheMarks {
    pub version: u32,
    #[serde(default)]
    pub classes: BTreeMap<String, ClassMarks>,
}

impl CacheMarks {
    /// The form written now.
    pub const VERSION: u32 = 2;

    /// The marks kept in the cache, when they are of this form (`None`: an older cache,
    /// to be read again).
    pub fn from_value(value: &serde_json::Value) -> Option<CacheMarks> {
        serde_json::from_value::<CacheMarks>(value.clone())
            .ok()
            .filter(|m| m.version == Self::VERSION)
    }
}

/// A class's roster from its `joined` statements (`class_activity` their object), each
/// learner once, in the order they joined; a `joined` the LRS does not vouch for (its
/// authority is not its actor) adds no one.
pub fn roster(statements: &[Statement], class_activity: &str) -> Vec<Account> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    let mut joined: Vec<&Statement> = statements
        .iter()
        .filter(|s| s.verb == crate::xapi::verbs::JOINED && s.object_id == class_activity)
        .filter(|s| super::trust::vouched(s).is_ok())
        .collect();
    joined.sort_by_key(|s| s.time_ms());
    for s in joined {
        if seen.insert(learner_key(&s.actor)) {
            out.push(s.actor.clone());
        }
    }
    out
}

/// A class code as the cache and the class activity name it: trimmed, ASCII upper case.
pub fn class_key(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// The mark once this page (its statements' `stored` times as the LRS wrote them) is held:
/// on the `last` page, its newest time; on any other page, the newest time strictly older
/// than the page's newest (see the module docs); `previous` when the page gives no such time.
/// The result is one of the LRS's own strings (sent back verbatim) or `previous`.
pub fn page_mark(previous: Option<&str>, stored: &[&str], last: bool) -> Option<String> {
    let mut times: Vec<(i64, &str)> = stored
        .iter()
        .filter_map(|s| parse_timestamp_ms(s).map(|ms| (ms, *s)))
        .collect();
    times.sort_unstable();
    let candidate = match times.last() {
        None => None,
        Some(&(newest, text)) if last => Some((newest, text)),
        Some(&(newest, _)) => times.iter().rev().find(|(ms, _)| *ms < newest).copied(),
    };
    match (candidate, previous.and_then(parse_timestamp_ms)) {
        (Some((ms, _)), Some(before)) if ms <= before => previous.map(str::to_owned),
        (Some((_, text)), _) => Some(text.to_owned()),
        (None, _) => previous.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec-following LRS in miniature: statements (id, stored ms) in stored order; a GET
    /// answers `limit` of those stored after `since`, newest first unless `ascending`.
    struct Lrs(Vec<(String, i64)>);

    fn iso(ms: i64) -> String {
        format!("2026-11-28T10:00:{:02}.{:03}Z", ms / 1_000, ms % 1_000)
    }

    impl Lrs {
        /// The pages a query reads, in order: (stored strings, ids) per page.
        fn pages(
            &self,
            ascending: bool,
            since: Option<&str>,
            limit: usize,
        ) -> Vec<Vec<(String, String)>> {
            let since = since.and_then(parse_timestamp_ms);
            let mut hits: Vec<&(String, i64)> = self
                .0
                .iter()
                .filter(|(_, t)| since.is_none_or(|s| parse_timestamp_ms(&iso(*t)) > Some(s)))
                .collect();
            if !ascending {
                hits.reverse();
            }
            hits.chunks(limit)
                .map(|page| page.iter().map(|(id, t)| (iso(*t), id.clone())).collect())
                .collect()
        }
    }

    /// Refreshes from `mark`, holding at most `pages_before_failure` pages (the cache and the
    /// mark are written together per page); returns the new mark.
    fn refresh(
        lrs: &Lrs,
        ascending: bool,
        mark: Option<String>,
        held: &mut Vec<String>,
        pages_before_failure: usize,
        rule: impl Fn(Option<&str>, &[&str], bool) -> Option<String>,
    ) -> Option<String> {
        let pages = lrs.pages(ascending, mark.as_deref(), 3);
        let mut mark = mark;
        for (i, page) in pages.iter().enumerate().take(pages_before_failure) {
            let stored: Vec<&str> = page.iter().map(|(s, _)| s.as_str()).collect();
            held.extend(page.iter().map(|(_, id)| id.clone()));
            mark = rule(mark.as_deref(), &stored, i + 1 == pages.len());
        }
        mark
    }

    /// 10 statements, 3 per page; s5 and s6 stored at the same instant (one batch) and split
    /// by a page boundary.
    fn lrs() -> Lrs {
        let times = [
            1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 6_000, 7_000, 8_000, 9_000,
        ];
        Lrs(times
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("s{i}"), *t))
            .collect())
    }

    // Guards a refresh interrupted after any number of pages: the next refresh, from the mark
    // held with the cache, fetches every statement it had not (duplicates are fine).
    #[test]
    fn an_interrupted_refresh_then_another_holds_everything() {
        let lrs = lrs();
        let all: Vec<String> = lrs.0.iter().map(|(id, _)| id.clone()).collect();
        for stop_after in 0..5 {
            let mut held = Vec::new();
            let mark = refresh(&lrs, true, None, &mut held, stop_after, page_mark);
            refresh(&lrs, true, mark, &mut held, usize::MAX, page_mark);
            held.sort();
            held.dedup();
            assert_eq!(held, all, "stopped after {stop_after} pages");
        }
    }

    // Guards the two causes of loss this rule replaces: reading newest first, and a mark
    // equal to an instant shared across a page boundary.
    #[test]
    fn newest_first_or_a_boundary_mark_would_lose_statements() {
        let lrs = lrs();
        let newest = |prev: Option<&str>, stored: &[&str], _: bool| {
            stored
                .iter()
                .copied()
                .chain(prev)
                .max_by_key(|s| parse_timestamp_ms(s))
                .map(str::to_owned)
        };
        let mut held = Vec::new();
        let mark = refresh(&lrs, false, None, &mut held, 1, newest);
        refresh(&lrs, false, mark, &mut held, usize::MAX, newest);
        held.sort();
        held.dedup();
        assert_eq!(
            held.len(),
            3,
            "newest first: the older pages are never read"
        );
        // Oldest first but marking the page's newest instant: s6 (stored with s5, on the
        // next page) is skipped.
        let mut held = Vec::new();
        let mark = refresh(&lrs, true, None, &mut held, 2, newest);
        refresh(&lrs, true, mark, &mut held, usize::MAX, newest);
        assert!(held.contains(&"s5".to_owned()) && !held.contains(&"s6".to_owned()));
    }

    // Guards what crosses the network: a class's roster by `verb` + `activity`, a learner by
    // `agent` (the account as JSON), anonymous evaluations by `registration`, all oldest first.
    #[test]
    fn class_queries_name_only_the_class() {
        let q = roster_query(
            "http://activitystrea.ms/join",
            "https://b.example/xapi/classes/K1",
            100,
            None,
        );
        assert_eq!(
            q,
            "verb=http%3A%2F%2Factivitystrea.ms%2Fjoin&activity=https%3A%2F%2Fb.example%2Fxapi%2Fclasses%2FK1\
             &limit=100&ascending=true"
        );
        let a = Account {
            home_page: "https://lrs.example".into(),
            name: "hv01".into(),
        };
        let q = agent_query(&a, 50, Some("2026-11-28T10:00:01Z"));
        assert!(q.starts_with(
            "agent=%7B%22account%22%3A%7B%22homePage%22%3A%22https%3A%2F%2Flrs.example%22"
        ));
        assert!(
            q.ends_with("&limit=50&ascending=true&since=2026-11-28T10%3A00%3A01Z"),
            "{q}"
        );
        assert_eq!(
            registration_query("b7e3c1a4-2f6d-4e8a-9c5b-0d1e2f3a0003", 100, None),
            "registration=b7e3c1a4-2f6d-4e8a-9c5b-0d1e2f3a0003&limit=100&ascending=true"
        );
        // the marks of the former whole-LRS reading are not taken for a class's
        assert_eq!(
            CacheMarks::from_value(
                &serde_json::json!({"http://adlnet.gov/expapi/verbs/answered": "x"})
            ),
            None
        );
        let m = CacheMarks {
            version: CacheMarks::VERSION,
            ..CacheMarks::default()
        };
        assert_eq!(
            CacheMarks::from_value(&serde_json::to_value(&m).expect("json")),
            Some(m)
        );
        assert_eq!(class_key(" qlnn-2026-01 "), "QLNN-2026-01");
    }

    // Guards the roster: learners who joined this class (vouched for by the LRS), once
    // each, oldest first; another class's joins and forged ones add no one.
    #[test]
    fn roster_from_joined_statements() {
        let class = "https://b.example/xapi/classes/K1";
        let joined = |id: &str, who: &str, by: &str, object: &str, at: &str| {
            serde_json::json!({
                "id": id,
                "actor": {"objectType": "Agent", "account": {"homePage": "https://lrs.example", "name": who}},
                "verb": {"id": crate::xapi::verbs::JOINED},
                "object": {"objectType": "Activity", "id": object},
                "timestamp": at,
                "authority": {"objectType": "Agent", "account": {"homePage": "https://lrs.example", "name": by}},
            })
        };
        let page = serde_json::json!({"statements": [
            joined("00000000-0000-4000-8000-000000000001", "hv02", "hv02", class, "2026-11-02T00:00:00Z"),
            joined("00000000-0000-4000-8000-000000000002", "hv01", "hv01", class, "2026-11-01T00:00:00Z"),
            joined("00000000-0000-4000-8000-000000000003", "hv02", "hv02", class, "2026-11-03T00:00:00Z"),
            joined("00000000-0000-4000-8000-000000000004", "hv03", "hv03", "https://b.example/xapi/classes/K2", "2026-11-01T00:00:00Z"),
            joined("00000000-0000-4000-8000-000000000005", "hv04", "hv01", class, "2026-11-01T00:00:00Z"),
        ]});
        let parsed = super::super::parse_page(&page.to_string()).expect("page");
        let names: Vec<String> = roster(&parsed.statements, class)
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["hv01", "hv02"]);
    }

    // Guards the mark itself: the LRS's own string, never moving back, the last page marking
    // its newest statement.
    #[test]
    fn marks_move_forward_only_and_keep_the_lrs_text() {
        let a = "2026-11-28T10:00:01.000+00:00";
        let b = "2026-11-28T10:00:02.000+00:00";
        let c = "2026-11-28T10:00:02.000+00:00";
        assert_eq!(page_mark(None, &[a, b], true).as_deref(), Some(b));
        assert_eq!(page_mark(None, &[a, b], false).as_deref(), Some(a));
        assert_eq!(page_mark(None, &[b, c], false), None);
        assert_eq!(page_mark(Some(b), &[a], true).as_deref(), Some(b));
        assert_eq!(page_mark(Some(a), &[], true).as_deref(), Some(a));
        assert_eq!(
            page_mark(Some(a), &["not a time"], true).as_deref(),
            Some(a)
        );
        assert_eq!(
            statements_query("http://adlnet.gov/expapi/verbs/answered", 100, Some(a)),
            "verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fanswered&limit=100&ascending=true\
             &since=2026-11-28T10%3A00%3A01.000%2B00%3A00"
        );
    }
}
