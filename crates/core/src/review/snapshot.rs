//! A class as prepared ([`Prepared`]), kept so that reopening it reads one record instead of
//! parsing and replaying every statement again.
//!
//! The statements stay in the cache and stay the source of truth: a snapshot is used only
//! when its [`basis`] is the one of what is in the cache now (the same pages, opened, in the
//! same order; the same hidden learners, content versions, base and core), and is rebuilt from
//! the statements otherwise. A damaged page is left out of the basis, so the class is rebuilt
//! without it (and the page is counted as damaged). A snapshot of another format or damaged
//! ([`SnapshotError`]) is rebuilt the same way; it is never migrated.
//!
//! Format 1: `BDRS`, the format (LEB128), the basis, then the prepared class in
//! the `pack` module's form.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::model::{ContentKind, EndingKind};

use super::class::{
    Attempt, ChoiceMade, ContentRef, EvaluationRecord, Finish, ItemAnswer, Prepared,
    PreparedAttempt, SelfRatingAnswer, SkipCounts,
};
use super::pack::{PackError, Reader, Writer};
use super::packed::{put_account, take_account};
use super::trust::{Claim, ClaimField, ClaimValue, SetAside, SetAsideReason, Versions};

const MAGIC: &[u8; 4] = b"BDRS";
/// The format written now.
pub const FORMAT: u64 = 1;

/// A hash of the core's sources, made by its build script: a snapshot made by another build
/// of the rules is rebuilt.
const CORE_SOURCE: &str = env!("BOIDUONG_CORE_SOURCE");

/// Why a snapshot cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SnapshotError {
    #[error("not a class snapshot")]
    NotASnapshot,
    #[error("a snapshot of format {0}, not {FORMAT}")]
    Format(u64),
    #[error("a damaged snapshot: {0}")]
    Damaged(#[from] PackError),
}

/// What a snapshot was made from: a hash of the format, the core's build, the base, the
/// hidden learners, the content versions and the cached pages (`pages`: each one's identity,
/// in the order its statements were read; the app names a page by its nonce, which a page
/// written again changes).
pub fn basis(
    base: &str,
    hidden: &BTreeSet<String>,
    versions: &Versions,
    pages: &[&[u8]],
) -> String {
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    field(&FORMAT.to_le_bytes());
    field(CORE_SOURCE.as_bytes());
    field(base.trim_end_matches('/').as_bytes());
    for name in hidden {
        field(b"hidden");
        field(name.as_bytes());
    }
    for (kind, id, version) in versions.keys() {
        field(kind.as_str().as_bytes());
        field(id.as_bytes());
        field(version.as_bytes());
    }
    for page in pages {
        field(b"page");
        field(page);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The snapshot of `class`, made from `basis`.
pub fn encode(basis: &str, class: &Prepared) -> Vec<u8> {
    let mut w = Writer::new();
    w.bytes(MAGIC);
    w.u64(FORMAT);
    w.str(basis);
    put_prepared(&mut w, class);
    w.finish()
}

/// The basis and the class of a snapshot.
pub fn decode(bytes: &[u8]) -> Result<(String, Prepared), SnapshotError> {
    if bytes.get(..4) != Some(MAGIC.as_slice()) {
        return Err(SnapshotError::NotASnapshot);
    }
    let mut r = Reader::new(&bytes[4..]);
    let format = r.u64()?;
    if format != FORMAT {
        return Err(SnapshotError::Format(format));
    }
    let basis = r.string()?;
    let class = take_prepared(&mut r)?;
    r.end()?;
    Ok((basis, class))
}

fn put_prepared(w: &mut Writer, p: &Prepared) {
    let Prepared {
        base,
        class_codes,
        used,
        skipped,
        set_aside,
        attempts,
        self_ratings,
        evaluations,
    } = p;
    w.str(base);
    w.list(class_codes, |w, c| w.str(c));
    w.usize(*used);
    let SkipCounts {
        duplicates,
        voided,
        foreign,
        no_registration,
        conflicting,
    } = skipped;
    for n in [duplicates, voided, foreign, no_registration, conflicting] {
        w.usize(*n);
    }
    w.list(set_aside, put_set_aside);
    w.list(attempts, put_prepared_attempt);
    w.list(self_ratings, put_rating);
    w.list(evaluations, put_evaluation);
}

fn take_prepared(r: &mut Reader<'_>) -> Result<Prepared, PackError> {
    Ok(Prepared {
        base: r.string()?,
        class_codes: r.list(Reader::string)?,
        used: r.usize()?,
        skipped: SkipCounts {
            duplicates: r.usize()?,
            voided: r.usize()?,
            foreign: r.usize()?,
            no_registration: r.usize()?,
            conflicting: r.usize()?,
        },
        set_aside: r.list(take_set_aside)?,
        attempts: r.list(take_prepared_attempt)?,
        self_ratings: r.list(take_rating)?,
        evaluations: r.list(take_evaluation)?,
    })
}

fn put_content(w: &mut Writer, c: &ContentRef) {
    w.bool(c.kind == ContentKind::Scenario);
    w.str(&c.id);
}

fn take_content(r: &mut Reader<'_>) -> Result<ContentRef, PackError> {
    Ok(ContentRef {
        kind: if r.bool()? {
            ContentKind::Scenario
        } else {
            ContentKind::Module
        },
        id: r.string()?,
    })
}

fn put_ending_kind(w: &mut Writer, k: EndingKind) {
    w.u64(match k {
        EndingKind::Good => 0,
        EndingKind::Mixed => 1,
        EndingKind::Bad => 2,
    });
}

fn take_ending_kind(r: &mut Reader<'_>) -> Result<EndingKind, PackError> {
    match r.u64()? {
        0 => Ok(EndingKind::Good),
        1 => Ok(EndingKind::Mixed),
        2 => Ok(EndingKind::Bad),
        _ => Err(PackError::Invalid("ending kind")),
    }
}

fn put_set_aside(w: &mut Writer, s: &SetAside) {
    let SetAside {
        statement,
        actor,
        reason,
        object,
        at_ms,
        class_code,
    } = s;
    w.str(statement);
    put_account(w, actor);
    let reason = SetAsideReason::ALL
        .iter()
        .position(|r| r == reason)
        .unwrap_or_default();
    w.usize(reason);
    w.str(object);
    w.i64(*at_ms);
    w.opt_str(class_code.as_ref());
}

fn take_set_aside(r: &mut Reader<'_>) -> Result<SetAside, PackError> {
    Ok(SetAside {
        statement: r.string()?,
        actor: take_account(r)?,
        reason: *SetAsideReason::ALL
            .get(r.usize()?)
            .ok_or(PackError::Invalid("set-aside reason"))?,
        object: r.string()?,
        at_ms: r.i64()?,
        class_code: r.opt_string()?,
    })
}

fn put_prepared_attempt(w: &mut Writer, p: &PreparedAttempt) {
    let PreparedAttempt {
        attempt,
        actor,
        name,
        claims,
    } = p;
    put_attempt(w, attempt);
    put_account(w, actor);
    w.opt_str(name.as_ref());
    w.list(claims, put_claim);
}

fn take_prepared_attempt(r: &mut Reader<'_>) -> Result<PreparedAttempt, PackError> {
    Ok(PreparedAttempt {
        attempt: take_attempt(r)?,
        actor: take_account(r)?,
        name: r.opt_string()?,
        claims: r.list(take_claim)?,
    })
}

fn put_attempt(w: &mut Writer, a: &Attempt) {
    let Attempt {
        registration,
        learner,
        content,
        pretest,
        version,
        class_code,
        started_ms,
        last_ms,
        synced_ms,
        statements,
        choices,
        answers,
        finish,
    } = a;
    w.str(registration);
    w.usize(*learner);
    put_content(w, content);
    w.bool(*pretest);
    w.opt_str(version.as_ref());
    w.opt_str(class_code.as_ref());
    w.i64(*started_ms);
    w.i64(*last_ms);
    w.i64(*synced_ms);
    w.usize(*statements);
    w.list(choices, put_choice);
    w.list(answers, put_answer);
    w.opt(finish.as_ref(), put_finish);
}

fn take_attempt(r: &mut Reader<'_>) -> Result<Attempt, PackError> {
    Ok(Attempt {
        registration: r.string()?,
        learner: r.usize()?,
        content: take_content(r)?,
        pretest: r.bool()?,
        version: r.opt_string()?,
        class_code: r.opt_string()?,
        started_ms: r.i64()?,
        last_ms: r.i64()?,
        synced_ms: r.i64()?,
        statements: r.usize()?,
        choices: r.list(take_choice)?,
        answers: r.list(take_answer)?,
        finish: r.opt(take_finish)?,
    })
}

fn put_choice(w: &mut Writer, c: &ChoiceMade) {
    let ChoiceMade {
        node,
        choice,
        to,
        at_ms,
        duration_ms,
        deltas,
        success,
        statement,
        shown_position,
        shown_order,
    } = c;
    w.str(node);
    w.str(choice);
    w.opt_str(to.as_ref());
    w.i64(*at_ms);
    w.opt(*duration_ms, Writer::i64);
    w.numbers(deltas);
    w.opt(*success, Writer::bool);
    w.str(statement);
    w.opt(*shown_position, |w, p| w.u64(p.into()));
    w.list(shown_order, |w, s| w.str(s));
}

fn take_choice(r: &mut Reader<'_>) -> Result<ChoiceMade, PackError> {
    Ok(ChoiceMade {
        node: r.string()?,
        choice: r.string()?,
        to: r.opt_string()?,
        at_ms: r.i64()?,
        duration_ms: r.opt(Reader::i64)?,
        deltas: r.numbers()?,
        success: r.opt(Reader::bool)?,
        statement: r.string()?,
        shown_position: r.opt(Reader::u32)?,
        shown_order: r.list(Reader::string)?,
    })
}

fn put_answer(w: &mut Writer, x: &ItemAnswer) {
    let ItemAnswer {
        item,
        check,
        response,
        success,
        raw,
        max,
        at_ms,
        duration_ms,
        statement,
        shown_position,
        shown_order,
    } = x;
    w.str(item);
    w.bool(*check);
    w.opt_str(response.as_ref());
    w.opt(*success, Writer::bool);
    w.opt(*raw, Writer::f64);
    w.opt(*max, Writer::f64);
    w.i64(*at_ms);
    w.opt(*duration_ms, Writer::i64);
    w.str(statement);
    w.list(shown_position, |w, p| w.u64((*p).into()));
    w.list(shown_order, |w, s| w.str(s));
}

fn take_answer(r: &mut Reader<'_>) -> Result<ItemAnswer, PackError> {
    Ok(ItemAnswer {
        item: r.string()?,
        check: r.bool()?,
        response: r.opt_string()?,
        success: r.opt(Reader::bool)?,
        raw: r.opt(Reader::f64)?,
        max: r.opt(Reader::f64)?,
        at_ms: r.i64()?,
        duration_ms: r.opt(Reader::i64)?,
        statement: r.string()?,
        shown_position: r.list(Reader::u32)?,
        shown_order: r.list(Reader::string)?,
    })
}

fn put_finish(w: &mut Writer, f: &Finish) {
    let Finish {
        at_ms,
        duration_ms,
        ending,
        ending_kind,
        competency_scores,
        competency_levels,
        score_raw,
        score_max,
        passed,
        completed_statement,
        verdict_statement,
    } = f;
    w.i64(*at_ms);
    w.opt(*duration_ms, Writer::i64);
    w.opt_str(ending.as_ref());
    w.opt(*ending_kind, put_ending_kind);
    w.numbers(competency_scores);
    w.numbers(competency_levels);
    w.opt(*score_raw, Writer::f64);
    w.opt(*score_max, Writer::f64);
    w.opt(*passed, Writer::bool);
    w.opt_str(completed_statement.as_ref());
    w.opt_str(verdict_statement.as_ref());
}

fn take_finish(r: &mut Reader<'_>) -> Result<Finish, PackError> {
    Ok(Finish {
        at_ms: r.i64()?,
        duration_ms: r.opt(Reader::i64)?,
        ending: r.opt_string()?,
        ending_kind: r.opt(take_ending_kind)?,
        competency_scores: r.numbers()?,
        competency_levels: r.numbers()?,
        score_raw: r.opt(Reader::f64)?,
        score_max: r.opt(Reader::f64)?,
        passed: r.opt(Reader::bool)?,
        completed_statement: r.opt_string()?,
        verdict_statement: r.opt_string()?,
    })
}

const CLAIM_FIELDS: [ClaimField; 10] = [
    ClaimField::Success,
    ClaimField::Score,
    ClaimField::Verdict,
    ClaimField::NextNode,
    ClaimField::Deltas,
    ClaimField::Completion,
    ClaimField::Ending,
    ClaimField::EndingKind,
    ClaimField::CompetencyScores,
    ClaimField::CompetencyLevels,
];

fn put_claim(w: &mut Writer, c: &Claim) {
    let Claim {
        registration,
        statement,
        account,
        content,
        part,
        field,
        claimed,
        recomputed,
        at_ms,
    } = c;
    w.str(registration);
    w.opt_str(statement.as_ref());
    put_account(w, account);
    put_content(w, content);
    w.opt_str(part.as_ref());
    w.usize(
        CLAIM_FIELDS
            .iter()
            .position(|f| f == field)
            .unwrap_or_default(),
    );
    put_value(w, claimed);
    put_value(w, recomputed);
    w.i64(*at_ms);
}

fn take_claim(r: &mut Reader<'_>) -> Result<Claim, PackError> {
    Ok(Claim {
        registration: r.string()?,
        statement: r.opt_string()?,
        account: take_account(r)?,
        content: take_content(r)?,
        part: r.opt_string()?,
        field: *CLAIM_FIELDS
            .get(r.usize()?)
            .ok_or(PackError::Invalid("claim field"))?,
        claimed: take_value(r)?,
        recomputed: take_value(r)?,
        at_ms: r.i64()?,
    })
}

fn put_value(w: &mut Writer, v: &ClaimValue) {
    match v {
        ClaimValue::Absent => w.u64(0),
        ClaimValue::Bool(b) => {
            w.u64(1);
            w.bool(*b);
        }
        ClaimValue::Score { raw, max } => {
            w.u64(2);
            w.opt(*raw, Writer::f64);
            w.opt(*max, Writer::f64);
        }
        ClaimValue::Text(t) => {
            w.u64(3);
            w.str(t);
        }
        ClaimValue::Kind(k) => {
            w.u64(4);
            put_ending_kind(w, *k);
        }
        ClaimValue::Numbers(n) => {
            w.u64(5);
            w.numbers(n);
        }
    }
}

fn take_value(r: &mut Reader<'_>) -> Result<ClaimValue, PackError> {
    Ok(match r.u64()? {
        0 => ClaimValue::Absent,
        1 => ClaimValue::Bool(r.bool()?),
        2 => ClaimValue::Score {
            raw: r.opt(Reader::f64)?,
            max: r.opt(Reader::f64)?,
        },
        3 => ClaimValue::Text(r.string()?),
        4 => ClaimValue::Kind(take_ending_kind(r)?),
        5 => ClaimValue::Numbers(r.numbers()?),
        _ => return Err(PackError::Invalid("claim value")),
    })
}

fn put_rating(w: &mut Writer, s: &SelfRatingAnswer) {
    let SelfRatingAnswer {
        registration,
        account,
        competency,
        level,
        phase,
        module,
        at_ms,
        class_code,
    } = s;
    w.str(registration);
    put_account(w, account);
    w.str(competency);
    w.u64((*level).into());
    w.opt_str(phase.as_ref());
    w.opt_str(module.as_ref());
    w.i64(*at_ms);
    w.opt_str(class_code.as_ref());
}

fn take_rating(r: &mut Reader<'_>) -> Result<SelfRatingAnswer, PackError> {
    Ok(SelfRatingAnswer {
        registration: r.string()?,
        account: take_account(r)?,
        competency: r.string()?,
        level: r.u8()?,
        phase: r.opt_string()?,
        module: r.opt_string()?,
        at_ms: r.i64()?,
        class_code: r.opt_string()?,
    })
}

fn put_evaluation(w: &mut Writer, e: &EvaluationRecord) {
    let EvaluationRecord {
        registration,
        module,
        account,
        name,
        usefulness,
        clarity,
        relevance,
        intended_use,
        comment,
        at_ms,
        class_code,
    } = e;
    w.str(registration);
    w.str(module);
    w.opt(account.as_ref(), put_account);
    w.opt_str(name.as_ref());
    for level in [usefulness, clarity, relevance] {
        w.opt(*level, |w, l| w.u64(l.into()));
    }
    w.opt_str(intended_use.as_ref());
    w.opt_str(comment.as_ref());
    w.i64(*at_ms);
    w.opt_str(class_code.as_ref());
}

fn take_evaluation(r: &mut Reader<'_>) -> Result<EvaluationRecord, PackError> {
    Ok(EvaluationRecord {
        registration: r.string()?,
        module: r.string()?,
        account: r.opt(take_account)?,
        name: r.opt_string()?,
        usefulness: r.opt(Reader::u8)?,
        clarity: r.opt(Reader::u8)?,
        relevance: r.opt(Reader::u8)?,
        intended_use: r.opt_string()?,
        comment: r.opt_string()?,
        at_ms: r.i64()?,
        class_code: r.opt_string()?,
    })
}

#[cfg(all(test, feature = "synth"))]
mod tests {
    use super::*;
    use crate::model::Content;
    use crate::review::statement::Account;
    use crate::review::{parse_page, Class, Filter, Statement};
    use crate::simulator::{
        demo_catalog, demo_module, demo_scenario, simulate_posted, SynthConfig,
    };
    use proptest::prelude::*;

    /// A simulated class whose statements are then tampered with (`seed` picks which): false
    /// successes, scores and next nodes, missing or other authorities, unknown versions,
    /// re-sent statements, so claims and statements set aside are in it too.
    fn class(seed: u64, learners: usize) -> (Vec<Statement>, Versions, String) {
        let contents = vec![
            Content::Scenario(demo_scenario(0, 12, seed)),
            Content::Module(demo_module(0, 2, 6, seed)),
        ];
        let cfg = SynthConfig {
            learners,
            seed,
            ..SynthConfig::default()
        };
        let posted = simulate_posted(&contents, &demo_catalog(&contents), &cfg).expect("simulate");
        let values: Vec<serde_json::Value> = posted
            .iter()
            .map(|p| p.with_authority().expect("json"))
            .collect();
        let mut statements = parse_page(&serde_json::to_string(&values).expect("json"))
            .expect("page")
            .statements;
        let step = 5 + (seed % 7) as usize;
        for (i, s) in statements.iter_mut().enumerate() {
            match (i / step, i % step) {
                (_, 0) => {
                    if let Some(r) = s.result.as_mut() {
                        r.success = r.success.map(|v| !v);
                        r.score_raw = r.score_raw.map(|v| v + 1.0);
                        r.next_node = Some("nowhere".into());
                    }
                }
                (k, 1) if k % 3 == 0 => s.authority.clear(),
                (k, 1) if k % 3 == 1 => s.authority = vec![Account::new("x", "someone")],
                (k, 2) if k % 4 == 0 => s.revision = Some("unknown".into()),
                _ => {}
            }
        }
        let again: Vec<Statement> = statements.iter().step_by(step * 3).cloned().collect();
        statements.extend(again);
        (statements, contents.into_iter().collect(), cfg.base)
    }

    fn filters(statements: &[Statement]) -> Vec<Filter> {
        let times: Vec<i64> = statements.iter().map(Statement::time_ms).collect();
        let (first, last) = (
            times.iter().copied().min().unwrap_or(0),
            times.iter().copied().max().unwrap_or(0),
        );
        vec![
            Filter::default(),
            Filter {
                class_code: Some(SynthConfig::default().class_code),
                since_ms: Some(first + (last - first) / 3),
                until_ms: Some(last - (last - first) / 3),
                ..Filter::default()
            },
            Filter {
                class_code: Some("ANOTHER-CLASS".into()),
                ..Filter::default()
            },
        ]
    }

    // Guards the snapshot: a prepared class (claims and set-asides in it) reads back equal,
    // and the class it gives under a filter is the one `Class::build` gives from the
    // statements, so reopening from a snapshot changes no figure.
    #[test]
    fn a_class_reads_back_and_gives_the_same_figures() {
        let (statements, versions, base) = class(3, 12);
        let hidden: BTreeSet<String> = BTreeSet::new();
        let prepared = Prepared::new(&statements, &base, &hidden, &versions);
        assert!(!prepared.set_aside.is_empty());
        assert!(prepared.attempts.iter().any(|a| !a.claims.is_empty()));
        assert!(prepared.skipped.duplicates > 0);
        let bytes = encode("basis-1", &prepared);
        let (basis, back) = decode(&bytes).expect("decodes");
        assert_eq!(basis, "basis-1");
        assert_eq!(back, prepared);
        for filter in filters(&statements) {
            let built = Class::build(&statements, &base, &filter, &versions);
            assert_eq!(back.clone().select(&filter), built);
        }
        // a learner hidden is part of what is prepared
        let hidden: BTreeSet<String> = [statements[0].actor.name.clone()].into();
        let filter = Filter {
            hidden: hidden.clone(),
            ..Filter::default()
        };
        let (_, back) = decode(&encode(
            "b",
            &Prepared::new(&statements, &base, &hidden, &versions),
        ))
        .expect("decodes");
        let built = Class::build(&statements, &base, &filter, &versions);
        assert!(
            built.learners.len()
                < Class::build(&statements, &base, &Filter::default(), &versions)
                    .learners
                    .len()
        );
        assert_eq!(back.select(&filter), built);
    }

    // Guards reading a damaged snapshot: cut anywhere, it is an error (never a panic, never a
    // class made of part of it).
    #[test]
    fn a_cut_snapshot_is_an_error() {
        let (statements, versions, base) = class(5, 3);
        let bytes = encode(
            "b",
            &Prepared::new(&statements, &base, &BTreeSet::new(), &versions),
        );
        for len in (0..bytes.len()).step_by(7) {
            assert!(decode(&bytes[..len]).is_err(), "cut at {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
    }

    // Guards the format: a snapshot of another format is refused as such (rebuilt by the
    // app), and bytes that are not a snapshot are told apart.
    #[test]
    fn another_format_is_refused() {
        let mut bytes = encode("b", &Prepared::default());
        assert!(decode(&bytes).is_ok());
        bytes[4] = 0;
        assert_eq!(decode(&bytes), Err(SnapshotError::Format(0)));
        bytes[4] = 2;
        assert_eq!(decode(&bytes), Err(SnapshotError::Format(2)));
        assert_eq!(
            decode(br#"{"lean":2,"statements":[]}"#),
            Err(SnapshotError::NotASnapshot)
        );
    }

    // Guards the basis: it changes with each thing the class depends on (pages, their order,
    // hidden learners, content versions, base), so a snapshot of other inputs is not used.
    #[test]
    fn the_basis_names_every_input() {
        let (_, versions, base) = class(1, 1);
        let none = BTreeSet::new();
        let pages: [&[u8]; 2] = [b"iv-1", b"iv-2"];
        let one = basis(&base, &none, &versions, &pages);
        assert_eq!(one, basis(&format!("{base}/"), &none, &versions, &pages));
        let others = [
            basis(&base, &none, &versions, &pages[..1]),
            basis(&base, &none, &versions, &[pages[1], pages[0]]),
            basis(&base, &["hv".to_owned()].into(), &versions, &pages),
            basis(&base, &none, &Versions::new(), &pages),
            basis("https://other.example/xapi", &none, &versions, &pages),
        ];
        for other in others {
            assert_ne!(one, other);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        // Guards the codec over many classes: whatever the seed, a prepared class reads back
        // equal.
        #[test]
        fn any_class_reads_back(seed in 0u64..10_000, learners in 1usize..4) {
            let (statements, versions, base) = class(seed, learners);
            let prepared = Prepared::new(&statements, &base, &BTreeSet::new(), &versions);
            let (_, back) = decode(&encode("b", &prepared)).expect("decodes");
            prop_assert_eq!(back, prepared);
        }
    }
}
