//! The trainer's cached pages in a compact binary form (form 3): only what [`Statement`]
//! keeps, in the `pack` module's form (strings interned: actors, verbs, activity ids,
//! registrations and choice ids repeat within a page), read straight into statements without
//! JSON, timestamps or durations to parse. About a tenth of the lean JSON's size
//! ([`lean_json`](super::lean_json), form 2), which a cache written before it still holds
//! and [`read_cached`] still reads.
//!
//! A page is `BDRP`, the form (LEB128), then the list of statements.

use super::lean::is_current_lean;
use super::pack::{PackError, Reader, Writer};
use super::statement::{parse_page, Account, ResultView, Statement};

const MAGIC: &[u8; 4] = b"BDRP";
/// The form written now.
const FORM: u64 = 3;

/// What a cached page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CachedForm {
    /// This form ([`pack_page`]).
    Packed,
    /// Lean JSON of form 2 (read as JSON).
    Json,
    /// Older: lean JSON without the authority (every statement would be set aside; the app
    /// reads the LRS again).
    Outdated,
    /// Not a page (damaged).
    Unknown,
}

/// The form of a cached page's bytes.
pub fn cached_form(bytes: &[u8]) -> CachedForm {
    if bytes.starts_with(MAGIC) {
        CachedForm::Packed
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) if is_current_lean(t) => CachedForm::Json,
            Ok(_) => CachedForm::Outdated,
            Err(_) => CachedForm::Unknown,
        }
    }
}

/// The statements as one cached page.
pub fn pack_page(statements: &[Statement]) -> Vec<u8> {
    let mut w = Writer::new();
    w.bytes(MAGIC);
    w.u64(FORM);
    w.list(statements, put_statement);
    w.finish()
}

/// The statements of a cached page of this form or of lean JSON (form 2); an error when it
/// is damaged or of another form.
pub fn read_cached(bytes: &[u8]) -> Result<Vec<Statement>, PackError> {
    match cached_form(bytes) {
        CachedForm::Packed => {
            let mut r = Reader::new(&bytes[MAGIC.len()..]);
            if r.u64()? != FORM {
                return Err(PackError::Invalid("another form"));
            }
            let all = r.list(take_statement)?;
            r.end()?;
            Ok(all)
        }
        CachedForm::Json => std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| parse_page(t).ok())
            .map(|p| p.statements)
            .ok_or(PackError::Invalid("not a page")),
        CachedForm::Outdated | CachedForm::Unknown => Err(PackError::Invalid("another form")),
    }
}

/// An account (a statement's actor and authority; a snapshot's learners).
pub(super) fn put_account(w: &mut Writer, a: &Account) {
    w.str(&a.home_page);
    w.str(&a.name);
}

pub(super) fn take_account(r: &mut Reader<'_>) -> Result<Account, PackError> {
    Ok(Account {
        home_page: r.string()?,
        name: r.string()?,
    })
}

fn put_statement(w: &mut Writer, s: &Statement) {
    let Statement {
        id,
        actor,
        actor_name,
        verb,
        object_id,
        object_is_statement_ref,
        registration,
        parents,
        groupings,
        revision,
        class_code,
        node_id,
        item_role,
        event_seq,
        rating_phase,
        result,
        timestamp_ms,
        stored_ms,
        authority,
    } = s;
    w.str(id);
    put_account(w, actor);
    w.opt_str(actor_name.as_ref());
    w.str(verb);
    w.str(object_id);
    w.bool(*object_is_statement_ref);
    w.opt_str(registration.as_ref());
    w.list(parents, |w, p| w.str(p));
    w.list(groupings, |w, g| w.str(g));
    w.opt_str(revision.as_ref());
    w.opt_str(class_code.as_ref());
    w.opt_str(node_id.as_ref());
    w.opt_str(item_role.as_ref());
    w.opt(*event_seq, Writer::u64);
    w.opt_str(rating_phase.as_ref());
    w.opt(result.as_ref(), put_result);
    w.opt(*timestamp_ms, Writer::i64);
    w.opt(*stored_ms, Writer::i64);
    w.list(authority, put_account);
}

fn take_statement(r: &mut Reader<'_>) -> Result<Statement, PackError> {
    Ok(Statement {
        id: r.string()?,
        actor: take_account(r)?,
        actor_name: r.opt_string()?,
        verb: r.string()?,
        object_id: r.string()?,
        object_is_statement_ref: r.bool()?,
        registration: r.opt_string()?,
        parents: r.list(Reader::string)?,
        groupings: r.list(Reader::string)?,
        revision: r.opt_string()?,
        class_code: r.opt_string()?,
        node_id: r.opt_string()?,
        item_role: r.opt_string()?,
        event_seq: r.opt(Reader::u64)?,
        rating_phase: r.opt_string()?,
        result: r.opt(take_result)?,
        timestamp_ms: r.opt(Reader::i64)?,
        stored_ms: r.opt(Reader::i64)?,
        authority: r.list(take_account)?,
    })
}

fn put_result(w: &mut Writer, v: &ResultView) {
    let ResultView {
        success,
        completion,
        response,
        duration_ms,
        score_raw,
        score_max,
        score_scaled,
        competency_deltas,
        next_node,
        ending,
        ending_kind,
        competency_scores,
        competency_levels,
        shown_position,
        shown_order,
    } = v;
    w.opt(*success, Writer::bool);
    w.opt(*completion, Writer::bool);
    w.opt_str(response.as_ref());
    w.opt(*duration_ms, Writer::i64);
    w.opt(*score_raw, Writer::f64);
    w.opt(*score_max, Writer::f64);
    w.opt(*score_scaled, Writer::f64);
    w.numbers(competency_deltas);
    w.opt_str(next_node.as_ref());
    w.opt_str(ending.as_ref());
    w.opt_str(ending_kind.as_ref());
    w.numbers(competency_scores);
    w.numbers(competency_levels);
    w.list(shown_position, |w, p| w.u64((*p).into()));
    w.list(shown_order, |w, s| w.str(s));
}

fn take_result(r: &mut Reader<'_>) -> Result<ResultView, PackError> {
    Ok(ResultView {
        success: r.opt(Reader::bool)?,
        completion: r.opt(Reader::bool)?,
        response: r.opt_string()?,
        duration_ms: r.opt(Reader::i64)?,
        score_raw: r.opt(Reader::f64)?,
        score_max: r.opt(Reader::f64)?,
        score_scaled: r.opt(Reader::f64)?,
        competency_deltas: r.numbers()?,
        next_node: r.opt_string()?,
        ending: r.opt_string()?,
        ending_kind: r.opt_string()?,
        competency_scores: r.numbers()?,
        competency_levels: r.numbers()?,
        shown_position: r.list(Reader::u32)?,
        shown_order: r.list(Reader::string)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::lean_json;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof!["[a-c]{0,3}", "\\PC{0,10}"]
    }

    fn numbers() -> impl Strategy<Value = BTreeMap<String, f64>> {
        proptest::collection::btree_map(text(), -1e6f64..1e6, 0..3)
    }

    fn account() -> impl Strategy<Value = Account> {
        (text(), text()).prop_map(|(h, n)| Account::new(h, n))
    }

    fn result() -> impl Strategy<Value = ResultView> {
        (
            (
                any::<Option<bool>>(),
                any::<Option<bool>>(),
                proptest::option::of(text()),
                any::<Option<i64>>(),
                proptest::option::of(-1e6f64..1e6),
                proptest::option::of(-1e6f64..1e6),
                proptest::option::of(-1e6f64..1e6),
            ),
            (
                numbers(),
                proptest::option::of(text()),
                proptest::option::of(text()),
                proptest::option::of(text()),
                numbers(),
                numbers(),
                proptest::collection::vec(any::<u32>(), 0..3),
                proptest::collection::vec(text(), 0..4),
            ),
        )
            .prop_map(
                |((a, b, c, d, e, f, g), (h, i, j, k, l, m, n, o))| ResultView {
                    success: a,
                    completion: b,
                    response: c,
                    duration_ms: d,
                    score_raw: e,
                    score_max: f,
                    score_scaled: g,
                    competency_deltas: h,
                    next_node: i,
                    ending: j,
                    ending_kind: k,
                    competency_scores: l,
                    competency_levels: m,
                    shown_position: n,
                    shown_order: o,
                },
            )
    }

    fn statement() -> impl Strategy<Value = Statement> {
        (
            (
                text(),
                account(),
                proptest::option::of(text()),
                text(),
                text(),
                any::<bool>(),
                proptest::option::of(text()),
                proptest::collection::vec(text(), 0..3),
                proptest::collection::vec(text(), 0..3),
            ),
            (
                proptest::option::of(text()),
                proptest::option::of(text()),
                proptest::option::of(text()),
                proptest::option::of(text()),
                any::<Option<u64>>(),
                proptest::option::of(text()),
                proptest::option::of(result()),
                any::<Option<i64>>(),
                any::<Option<i64>>(),
                proptest::collection::vec(account(), 0..3),
            ),
        )
            .prop_map(
                |((a, b, c, d, e, f, g, h, i), (j, k, l, m, n, o, p, q, r, s))| Statement {
                    id: a,
                    actor: b,
                    actor_name: c,
                    verb: d,
                    object_id: e,
                    object_is_statement_ref: f,
                    registration: g,
                    parents: h,
                    groupings: i,
                    revision: j,
                    class_code: k,
                    node_id: l,
                    item_role: m,
                    event_seq: n,
                    rating_phase: o,
                    result: p,
                    timestamp_ms: q,
                    stored_ms: r,
                    authority: s,
                },
            )
    }

    proptest! {
        // Guards the page codec: any statements (every field, repeated strings) read back
        // exactly as they were cached.
        #[test]
        fn any_page_reads_back(page in proptest::collection::vec(statement(), 0..8)) {
            let bytes = pack_page(&page);
            prop_assert_eq!(cached_form(&bytes), CachedForm::Packed);
            prop_assert_eq!(read_cached(&bytes).expect("reads"), page);
        }

        // Guards a damaged page: cut anywhere, it is an error, never a panic nor part of it.
        #[test]
        fn a_cut_page_is_an_error(page in proptest::collection::vec(statement(), 1..4), cut in 0.0f64..1.0) {
            let bytes = pack_page(&page);
            let len = (bytes.len() as f64 * cut) as usize;
            prop_assert!(read_cached(&bytes[..len]).is_err());
        }
    }

    // Guards the cache written before this form: a lean JSON page (form 2) reads as the same
    // statements; older pages (no authority kept) and other forms are told apart.
    #[test]
    fn older_pages_are_read_or_told_apart() {
        let s = Statement {
            id: "5f0c1a4e-0000-4000-8000-000000000001".into(),
            actor: Account::new("https://lrs.example", "hv1"),
            verb: "http://adlnet.gov/expapi/verbs/answered".into(),
            object_id: "https://b.example/xapi/scenarios/s/nodes/a".into(),
            registration: Some("b7e3c1a4-2f6d-4e8a-9c5b-0d1e2f3a0003".into()),
            timestamp_ms: Some(1_790_000_000_000),
            authority: vec![Account::new("https://lrs.example", "hv1")],
            ..Statement::default()
        };
        let json = lean_json(std::slice::from_ref(&s));
        assert_eq!(cached_form(json.as_bytes()), CachedForm::Json);
        assert_eq!(read_cached(json.as_bytes()), Ok(vec![s.clone()]));
        let packed = pack_page(std::slice::from_ref(&s));
        assert!(
            packed.len() * 2 < json.len(),
            "{} / {}",
            packed.len(),
            json.len()
        );
        assert_eq!(read_cached(&packed), Ok(vec![s]));
        let older = br#"[{"id":"x"}]"#;
        assert_eq!(cached_form(older), CachedForm::Outdated);
        assert!(read_cached(older).is_err());
        assert_eq!(cached_form(&[0xff, 0x00]), CachedForm::Unknown);
        let mut other = packed.clone();
        other[4] = 4;
        assert_eq!(read_cached(&other), Err(PackError::Invalid("another form")));
    }
}
