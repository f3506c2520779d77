//! A class: statements grouped into attempts (by registration), per learner and per content,
//! and the self-assessment records that are not attempts (self-ratings, module evaluations).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{Content, ContentKind, EndingKind};
pub(super) use crate::urls::percent_decode;
use crate::xapi::verbs;

use super::statement::{Account, Statement};
use super::trust::{self, Claim, SetAside, SetAsideReason, Trust, Versions};

pub(super) const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

/// Which attempts a review covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only attempts carrying this class code (compared trimmed, ASCII case-insensitively).
    pub class_code: Option<String>,
    /// Only attempts that started at or after this time (ms since the epoch, inclusive).
    pub since_ms: Option<i64>,
    /// Only attempts that started before this time (exclusive), so day ranges chain.
    pub until_ms: Option<i64>,
    /// Learners the trainer hid from the class (joined it by mistake), by account name:
    /// none of their statements counts.
    pub hidden: BTreeSet<String>,
}

/// A module or scenario, as found in activity ids `{base}/modules/{id}…`, `{base}/scenarios/{id}…`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentRef {
    pub kind: ContentKind,
    pub id: String,
}

/// A decision at a scenario node (an `answered` statement on `…/nodes/{node}`).
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceMade {
    pub node: String,
    /// `result.response`; empty when missing.
    pub choice: String,
    /// The `next-node` extension.
    pub to: Option<String>,
    pub at_ms: i64,
    pub duration_ms: Option<i64>,
    pub deltas: BTreeMap<String, f64>,
    pub success: Option<bool>,
    /// The statement's id.
    pub statement: String,
    /// `shown-position`: the 1-based place the choice was shown at; None when not recorded
    /// (an attempt shown in the written order, before the shuffle).
    pub shown_position: Option<u32>,
    /// `shown-order`: the node's choice ids as shown; empty when not recorded.
    pub shown_order: Vec<String>,
}

/// An answer to a module item (`answered` on `…/items/{item}`).
#[derive(Clone, Debug, PartialEq)]
pub struct ItemAnswer {
    pub item: String,
    /// A knowledge-check item (`item-role` = `check`; without the extension: a module parent,
    /// not a lesson).
    pub check: bool,
    pub response: Option<String>,
    pub success: Option<bool>,
    pub raw: Option<f64>,
    pub max: Option<f64>,
    pub at_ms: i64,
    pub duration_ms: Option<i64>,
    /// The statement's id.
    pub statement: String,
    /// `shown-position`: the places the chosen option(s) were shown at, one per id of the
    /// response; empty when not recorded.
    pub shown_position: Vec<u32>,
    /// `shown-order`: the item's option ids as shown; empty when not recorded.
    pub shown_order: Vec<String>,
}

/// How an attempt ended (`completed`, and `passed`/`failed` for modules).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Finish {
    pub at_ms: i64,
    pub duration_ms: Option<i64>,
    pub ending: Option<String>,
    pub ending_kind: Option<EndingKind>,
    pub competency_scores: BTreeMap<String, f64>,
    pub competency_levels: BTreeMap<String, f64>,
    /// From `passed`/`failed`, else from `completed` (a pre-test or a practice-only attempt,
    /// which have no verdict).
    pub score_raw: Option<f64>,
    pub score_max: Option<f64>,
    pub passed: Option<bool>,
    /// Ids of the `completed` and the `passed`/`failed` statements.
    pub completed_statement: Option<String>,
    pub verdict_statement: Option<String>,
}

impl Finish {
    /// The score in percent (0–100), when there is one with points.
    pub fn percent(&self) -> Option<f64> {
        match (self.score_raw, self.score_max) {
            (Some(raw), Some(max)) if max > 0.0 => Some((raw / max * 100.0).clamp(0.0, 100.0)),
            _ => None,
        }
    }
}

/// One attempt (one registration). Its answers, choices and finish hold the values the
/// trust checks recomputed from the content version ([`trust::recompute`]), never the ones
/// the statements claimed.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub registration: String,
    /// Index into [`Class::learners`].
    pub learner: usize,
    pub content: ContentRef,
    /// A module's pre-test (`{base}/modules/{m}/pretest`, answers with `item-role` =
    /// `pretest`): not an attempt of the module in item analysis or completion figures
    /// ([`Class::attempts_of`] leaves it out; [`Class::pretests_of`] lists it). Its score is
    /// in [`Finish::score_raw`] / [`Finish::score_max`] (from `completed`).
    pub pretest: bool,
    /// `context.revision` of its first statement (the content version).
    pub version: Option<String>,
    pub class_code: Option<String>,
    pub started_ms: i64,
    pub last_ms: i64,
    /// Latest `stored` (else timestamp) of its statements.
    pub synced_ms: i64,
    pub statements: usize,
    /// Scenario decisions, in order.
    pub choices: Vec<ChoiceMade>,
    /// Module item answers, in order.
    pub answers: Vec<ItemAnswer>,
    pub finish: Option<Finish>,
}

impl Attempt {
    /// Reached an ending (scenario) or finished the check (module).
    pub fn is_completed(&self) -> bool {
        self.finish.is_some()
    }

    /// Sum of the `competency-scores` at the ending (scenario), if completed.
    pub fn total_score(&self) -> Option<f64> {
        self.finish
            .as_ref()
            .map(|f| f.competency_scores.values().sum())
    }
}

/// A learner with at least one attempt in the filtered class.
#[derive(Clone, Debug, PartialEq)]
pub struct Learner {
    pub account: Account,
    /// Display name of their latest statement that has one, else the account name.
    pub name: String,
    /// Latest `stored` (falling back to `timestamp`) of their statements in the class's
    /// attempts, ignoring the date range: when their device last synced.
    pub last_synced_ms: i64,
    /// Indices into [`Class::attempts`], oldest first.
    pub attempts: Vec<usize>,
}

/// One competency of a shared self-rating (`answered` on `{base}/competencies/{c}/self-rating`).
#[derive(Clone, Debug, PartialEq)]
pub struct SelfRatingAnswer {
    /// The rating's registration (one per rating, shared by its competencies).
    pub registration: String,
    pub account: Account,
    pub competency: String,
    /// 1–5 (`result.response`; statements with another response are skipped).
    pub level: u8,
    /// `rating-phase`: `before` / `after` a module; None for a rating taken on its own.
    pub phase: Option<String>,
    /// The module it was taken with (its parent), if any.
    pub module: Option<String>,
    pub at_ms: i64,
    pub class_code: Option<String>,
}

/// A module evaluation: the `answered` statements on `{base}/modules/{m}/evaluation/{q}` of
/// one registration.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EvaluationRecord {
    pub registration: String,
    pub module: String,
    /// The learner; None for an anonymous evaluation (an actor without a name whose account
    /// name is the registration): it is never linked to anyone.
    pub account: Option<Account>,
    /// The learner's display name (None when anonymous or not given).
    pub name: Option<String>,
    /// 1–5 each, when answered.
    pub usefulness: Option<u8>,
    pub clarity: Option<u8>,
    pub relevance: Option<u8>,
    /// "What I will do differently".
    pub intended_use: Option<String>,
    pub comment: Option<String>,
    /// Its earliest statement's time (an anonymous one is cut to the day).
    pub at_ms: i64,
    pub class_code: Option<String>,
}

impl EvaluationRecord {
    pub fn is_anonymous(&self) -> bool {
        self.account.is_none()
    }

    /// Once all its answers are in: an evaluation without a name whose account name is its own
    /// registration (UUID) is anonymous, and its account is dropped.
    pub(super) fn settle_anonymous(&mut self) {
        if self.name.is_none()
            && self
                .account
                .as_ref()
                .is_some_and(|a| a.name.eq_ignore_ascii_case(&self.registration))
        {
            self.account = None;
        }
    }
}

/// Statements left out while building, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkipCounts {
    /// Same statement id seen again (pages overlapping, re-sends).
    pub duplicates: usize,
    /// Voided by a `voided` statement, or the voiding statement itself.
    pub voided: usize,
    /// No activity id under the base (another tool's or another deployment's statement).
    pub foreign: usize,
    /// No registration: cannot belong to an attempt.
    pub no_registration: usize,
    /// Their registration is already an attempt of another content or another learner.
    pub conflicting: usize,
}

/// The statements of a class, grouped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Class {
    /// The base IRI (without trailing `/`).
    pub base: String,
    /// Sorted by account (home page, name); the UI may re-sort.
    pub learners: Vec<Learner>,
    /// Grouped by learner, oldest first within a learner (pre-tests included, flagged).
    pub attempts: Vec<Attempt>,
    /// Shared self-ratings, one per competency rated, oldest first (filtered like attempts:
    /// class code and time of each).
    pub self_ratings: Vec<SelfRatingAnswer>,
    /// Module evaluations, oldest first (filtered by class code and time).
    pub evaluations: Vec<EvaluationRecord>,
    /// Every class code present in the statements (whatever the filter), sorted: the
    /// picker's options.
    pub class_codes: Vec<String>,
    /// Statements used (in some attempt, before the filter).
    pub used: usize,
    pub skipped: SkipCounts,
    /// Statements set aside by the trust checks, and claims that differ from the recomputed
    /// results (filtered like attempts: class code and time).
    pub trust: Trust,
}

/// What an activity id names under the base.
pub(super) enum Part {
    Root,
    PreTest,
    Node(String),
    Item(String),
    Lesson,
    Other,
}

/// A self-assessment record's activity: not part of any attempt.
pub(super) enum RecordPart {
    /// `{base}/competencies/{c}/self-rating`
    SelfRating(String),
    /// `{base}/modules/{m}/evaluation/{question}`
    Evaluation { module: String, question: String },
}

pub(super) fn parse_record(iri: &str, base: &str) -> Option<RecordPart> {
    let rest = iri.strip_prefix(base)?.strip_prefix('/')?;
    let segs: Vec<&str> = rest.split('/').collect();
    match segs.as_slice() {
        ["competencies", c, "self-rating"] if !c.is_empty() => {
            Some(RecordPart::SelfRating(percent_decode(c)))
        }
        ["modules", m, "evaluation", q] if !m.is_empty() && !q.is_empty() => {
            Some(RecordPart::Evaluation {
                module: percent_decode(m),
                question: percent_decode(q),
            })
        }
        _ => None,
    }
}

pub(super) fn parse_activity(iri: &str, base: &str) -> Option<(ContentRef, Part)> {
    let rest = iri.strip_prefix(base)?.strip_prefix('/')?;
    let mut segs = rest.split('/');
    let kind = match segs.next()? {
        "modules" => ContentKind::Module,
        "scenarios" => ContentKind::Scenario,
        _ => return None,
    };
    let id = percent_decode(segs.next().filter(|s| !s.is_empty())?);
    let part = match (segs.next(), segs.next(), segs.next()) {
        (None, _, _) => Part::Root,
        (Some("pretest"), None, _) if kind == ContentKind::Module => Part::PreTest,
        (Some("nodes"), Some(n), None) => Part::Node(percent_decode(n)),
        (Some("items"), Some(n), None) => Part::Item(percent_decode(n)),
        (Some("lessons"), Some(_), None) => Part::Lesson,
        _ => Part::Other,
    };
    Some((ContentRef { kind, id }, part))
}

/// The module or scenario a statement belongs to under `base` (a trailing `/` already cut):
/// named by its object, else by a parent or grouping.
pub(super) fn content_of(s: &Statement, base: &str) -> Option<ContentRef> {
    std::iter::once(&s.object_id)
        .chain(&s.parents)
        .chain(&s.groupings)
        .find_map(|iri| parse_activity(iri, base).map(|(c, _)| c))
}

fn ending_kind(s: &str) -> Option<EndingKind> {
    match s {
        "good" => Some(EndingKind::Good),
        "mixed" => Some(EndingKind::Mixed),
        "bad" => Some(EndingKind::Bad),
        _ => None,
    }
}

fn in_range(filter: &Filter, started_ms: i64) -> bool {
    filter.since_ms.is_none_or(|s| started_ms >= s)
        && filter.until_ms.is_none_or(|u| started_ms < u)
}

fn code_matches(filter: &Filter, code: Option<&str>) -> bool {
    match filter.class_code.as_deref().map(str::trim) {
        None | Some("") => true,
        Some(want) => code.is_some_and(|c| c.eq_ignore_ascii_case(want)),
    }
}

type LearnerAcc<'a> = (Option<(i64, &'a str)>, i64, bool);

struct Builder<'a> {
    content: ContentRef,
    version: &'a Content,
    actor: &'a Account,
    statements: Vec<&'a Statement>,
}

impl Class {
    /// Groups `statements` (any order, any number of pages, overlaps allowed) into attempts.
    ///
    /// A statement belongs to the content named by its object id, else by its parent or
    /// grouping ids, under `base` (a trailing `/` is ignored); to the attempt named by its
    /// registration; to the learner of the attempt's first statement. Duplicated ids count
    /// once; `voided` statements and their targets are left out. The filter applies to whole
    /// attempts (class code of any of its statements; start time in the range), never cutting
    /// an attempt in two.
    ///
    /// Before any of that, the trust checks ([`trust`]): a statement counts only when its
    /// authority names its actor, and a module or scenario statement only for a content
    /// version in `versions`; the others are set aside with their reason
    /// ([`Class::trust`]). Each attempt's results are then recomputed from its version.
    ///
    /// Self-assessment records are not attempts: `answered` on a self-rating activity goes to
    /// [`Class::self_ratings`], on an evaluation question to [`Class::evaluations`] (grouped
    /// by registration; an anonymous one, which has none, by its actor's account, the
    /// evaluation's own UUID), whatever their parent or grouping; neither makes a learner. A
    /// pre-test is an attempt of its own, flagged [`Attempt::pretest`].
    pub fn build(
        statements: &[Statement],
        base: &str,
        filter: &Filter,
        versions: &Versions,
    ) -> Class {
        Prepared::new(statements, base, &filter.hidden, versions).select(filter)
    }

    /// The learner with this account.
    pub fn learner(&self, account: &Account) -> Option<(usize, &Learner)> {
        self.learners
            .iter()
            .enumerate()
            .find(|(_, l)| &l.account == account)
    }

    /// Attempts of one module or scenario, grouped by learner, oldest first; a module's
    /// pre-tests are not among them (see [`Class::pretests_of`]).
    pub fn attempts_of<'a>(
        &'a self,
        kind: ContentKind,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Attempt> + 'a {
        self.attempts
            .iter()
            .filter(move |a| !a.pretest && a.content.kind == kind && a.content.id == id)
    }

    /// Pre-tests of one module, grouped by learner, oldest first.
    pub fn pretests_of<'a>(&'a self, module: &'a str) -> impl Iterator<Item = &'a Attempt> + 'a {
        self.attempts.iter().filter(move |a| {
            a.pretest && a.content.kind == ContentKind::Module && a.content.id == module
        })
    }
}

/// A class built before the filter's class code and dates: every attempt with its results
/// recomputed, the claims each attempt's statements make, and the statements set aside, in
/// the order [`Class::build`] found them. [`Prepared::select`] applies the rest of the filter,
/// so a trainer's cached copy of this (see [`super::snapshot`]) gives the same class as the
/// statements it was built from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prepared {
    /// The base IRI (without trailing `/`).
    pub base: String,
    /// Every class code present (sorted).
    pub class_codes: Vec<String>,
    pub used: usize,
    pub skipped: SkipCounts,
    /// In the order found (the filter and the sort come with the class).
    pub set_aside: Vec<SetAside>,
    /// In the order their first statements came.
    pub attempts: Vec<PreparedAttempt>,
    /// In the order found.
    pub self_ratings: Vec<SelfRatingAnswer>,
    /// In the order found, anonymous ones settled.
    pub evaluations: Vec<EvaluationRecord>,
}

/// One attempt of a [`Prepared`] class, with whose it is and what its statements claimed.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedAttempt {
    pub attempt: Attempt,
    pub actor: Account,
    /// The display name of its latest statement that has one.
    pub name: Option<String>,
    /// Claims that differ from the recomputed results, in the attempt's order.
    pub claims: Vec<Claim>,
}

impl Prepared {
    /// Everything [`Class::build`] does before the filter's class code and dates (the
    /// learners `hidden` are left out statement by statement, so they are part of it).
    pub fn new(
        statements: &[Statement],
        base: &str,
        hidden: &BTreeSet<String>,
        versions: &Versions,
    ) -> Prepared {
        let base = base.trim_end_matches('/');

        let mut skipped = SkipCounts::default();
        let mut set_aside: Vec<SetAside> = Vec::new();
        // a statement is voided only by its own learner, vouched for: target id -> voiders
        let mut voided: HashMap<&str, Vec<&Account>> = HashMap::new();
        for s in statements {
            if s.verb == VOIDED && s.object_is_statement_ref && trust::vouched(s).is_ok() {
                voided
                    .entry(s.object_id.as_str())
                    .or_default()
                    .push(&s.actor);
            }
        }
        let mut seen: HashSet<&str> = HashSet::with_capacity(statements.len());
        let mut by_registration: HashMap<&str, usize> = HashMap::new();
        let mut builders: Vec<Builder<'_>> = Vec::new();
        let mut codes: BTreeSet<String> = BTreeSet::new();
        let mut used = 0;
        let mut ratings: Vec<SelfRatingAnswer> = Vec::new();
        let mut evaluations: Vec<EvaluationRecord> = Vec::new();
        let mut by_evaluation: HashMap<&str, usize> = HashMap::new();
        for s in statements {
            if !seen.insert(s.id.as_str()) {
                skipped.duplicates += 1;
                continue;
            }
            if !hidden.is_empty() && hidden.contains(&s.actor.name) {
                continue;
            }
            // joining the class is the roster's, not a figure
            if s.verb == crate::xapi::verbs::JOINED {
                continue;
            }
            if s.verb == VOIDED {
                match trust::vouched(s) {
                    Ok(()) => skipped.voided += 1,
                    Err(reason) => set_aside.push(SetAside::of(s, reason)),
                }
                continue;
            }
            if voided
                .get(s.id.as_str())
                .is_some_and(|by| by.contains(&&s.actor))
            {
                skipped.voided += 1;
                continue;
            }
            if let Some(record) = parse_record(&s.object_id, base) {
                // An anonymous evaluation's registration is at most its class's: its actor's
                // account name (the evaluation's own UUID, naming no one) groups its answers.
                let anonymous =
                    matches!(record, RecordPart::Evaluation { .. }) && s.actor_name.is_none();
                let key = if anonymous {
                    Some(s.actor.name.as_str())
                } else {
                    s.registration.as_deref()
                };
                let Some(reg) = key else {
                    skipped.no_registration += 1;
                    continue;
                };
                let identity = match record {
                    RecordPart::Evaluation { .. } => trust::vouched_anonymous(s, reg),
                    RecordPart::SelfRating(_) => trust::vouched(s),
                };
                if let Err(reason) = identity {
                    set_aside.push(SetAside::of(s, reason));
                    continue;
                }
                let kept = s.verb == verbs::ANSWERED
                    && match record {
                        RecordPart::SelfRating(competency) => {
                            self_rating(s, reg, competency, base).map(|r| ratings.push(r))
                        }
                        RecordPart::Evaluation { module, question } => {
                            let idx = *by_evaluation.entry(reg).or_insert_with(|| {
                                evaluations.push(EvaluationRecord {
                                    registration: reg.to_owned(),
                                    module: module.clone(),
                                    account: Some(s.actor.clone()),
                                    at_ms: s.time_ms(),
                                    ..EvaluationRecord::default()
                                });
                                evaluations.len() - 1
                            });
                            evaluation_answer(&mut evaluations[idx], s, &module, &question)
                        }
                    }
                    .is_some();
                if kept {
                    used += 1;
                    if let Some(code) = &s.class_code {
                        if !codes.contains(code) {
                            codes.insert(code.clone());
                        }
                    }
                } else {
                    skipped.foreign += 1;
                }
                continue;
            }
            let Some(content) = content_of(s, base) else {
                skipped.foreign += 1;
                continue;
            };
            if let Err(reason) = trust::vouched(s) {
                set_aside.push(SetAside::of(s, reason));
                continue;
            }
            let Some(version) = s
                .revision
                .as_deref()
                .and_then(|v| versions.get(&content, v))
            else {
                set_aside.push(SetAside::of(s, SetAsideReason::UnknownVersion));
                continue;
            };
            let Some(reg) = s.registration.as_deref() else {
                skipped.no_registration += 1;
                continue;
            };
            let idx = *by_registration.entry(reg).or_insert_with(|| {
                builders.push(Builder {
                    content: content.clone(),
                    version,
                    actor: &s.actor,
                    statements: Vec::new(),
                });
                builders.len() - 1
            });
            let b = &mut builders[idx];
            if b.content != content
                || *b.actor != s.actor
                || b.version.version() != version.version()
            {
                skipped.conflicting += 1;
                continue;
            }
            if let Some(code) = &s.class_code {
                if !codes.contains(code) {
                    codes.insert(code.clone());
                }
            }
            used += 1;
            b.statements.push(s);
        }

        // every result recomputed from the attempt's content version
        let attempts: Vec<PreparedAttempt> = builders
            .into_iter()
            .map(|b| {
                let (mut attempt, name) = digest(b.content, b.statements, base);
                let found = trust::recompute(&mut attempt, b.version, b.actor);
                used -= found.set_aside.len();
                set_aside.extend(found.set_aside);
                PreparedAttempt {
                    attempt,
                    actor: b.actor.clone(),
                    name: name.map(str::to_owned),
                    claims: found.claims,
                }
            })
            .collect();
        for e in &mut evaluations {
            e.settle_anonymous();
        }
        Prepared {
            base: base.to_owned(),
            class_codes: codes.into_iter().collect(),
            used,
            skipped,
            set_aside,
            attempts,
            self_ratings: ratings,
            evaluations,
        }
    }

    /// The class as `filter` shows it (its `hidden` learners are the ones this was prepared
    /// without).
    pub fn select(self, filter: &Filter) -> Class {
        let Prepared {
            base,
            class_codes,
            used,
            skipped,
            mut set_aside,
            attempts,
            self_ratings: mut ratings,
            mut evaluations,
        } = self;
        let mut claims = Vec::new();
        let mut attempts: Vec<(Attempt, Account, Option<String>)> = attempts
            .into_iter()
            .map(|p| {
                if in_range(filter, p.attempt.started_ms)
                    && code_matches(filter, p.attempt.class_code.as_deref())
                {
                    claims.extend(p.claims);
                }
                (p.attempt, p.actor, p.name)
            })
            .collect();
        claims.sort_by(|a, b| (&a.account, a.at_ms).cmp(&(&b.account, b.at_ms)));
        set_aside
            .retain(|s| code_matches(filter, s.class_code.as_deref()) && in_range(filter, s.at_ms));
        set_aside.sort_by(|a, b| (a.at_ms, &a.statement).cmp(&(b.at_ms, &b.statement)));
        attempts.retain(|(a, _, _)| code_matches(filter, a.class_code.as_deref()));
        // learners: latest name wins; sync time over class-filtered attempts
        // account -> (latest name with its time, latest sync, has an attempt in the range)
        let mut learners: BTreeMap<&Account, LearnerAcc<'_>> = BTreeMap::new();
        for (a, actor, name) in &attempts {
            let e = learners.entry(actor).or_insert((None, i64::MIN, false));
            if let Some(n) = name {
                if e.0.is_none_or(|(t, _)| a.last_ms >= t) {
                    e.0 = Some((a.last_ms, n));
                }
            }
            e.1 = e.1.max(a.synced_ms);
            e.2 |= in_range(filter, a.started_ms);
        }
        let mut class = Class {
            base,
            class_codes,
            used,
            skipped,
            ..Class::default()
        };
        for (account, (name, synced, included)) in learners {
            if !included {
                continue;
            }
            class.learners.push(Learner {
                account: account.clone(),
                name: name.map_or_else(|| account.name.clone(), |(_, n)| n.to_owned()),
                last_synced_ms: synced,
                attempts: Vec::new(),
            });
        }
        let index: HashMap<&Account, usize> = class
            .learners
            .iter()
            .enumerate()
            .map(|(i, l)| (&l.account, i))
            .collect();
        let mut kept: Vec<(Attempt, Option<usize>)> = attempts
            .into_iter()
            .filter(|(a, _, _)| in_range(filter, a.started_ms))
            .map(|(a, actor, _)| {
                let learner = index.get(&actor).copied();
                (a, learner)
            })
            .collect();
        drop(index);
        kept.sort_by(|(a, x), (b, y)| {
            (x, a.started_ms, &a.registration).cmp(&(y, b.started_ms, &b.registration))
        });
        for (mut a, learner) in kept {
            let Some(l) = learner else {
                continue;
            };
            a.learner = l;
            class.learners[l].attempts.push(class.attempts.len());
            class.attempts.push(a);
        }
        ratings
            .retain(|r| code_matches(filter, r.class_code.as_deref()) && in_range(filter, r.at_ms));
        ratings.sort_by(|a, b| {
            (a.at_ms, &a.registration, &a.competency).cmp(&(
                b.at_ms,
                &b.registration,
                &b.competency,
            ))
        });
        evaluations
            .retain(|e| code_matches(filter, e.class_code.as_deref()) && in_range(filter, e.at_ms));
        evaluations.sort_by(|a, b| (a.at_ms, &a.registration).cmp(&(b.at_ms, &b.registration)));
        class.self_ratings = ratings;
        class.evaluations = evaluations;
        class.trust = Trust { set_aside, claims };
        class
    }
}

/// One competency of a self-rating; None when the response is not a level 1–5.
pub(super) fn self_rating(
    s: &Statement,
    registration: &str,
    competency: String,
    base: &str,
) -> Option<SelfRatingAnswer> {
    let level: u8 = s
        .result
        .as_ref()?
        .response
        .as_deref()?
        .trim()
        .parse()
        .ok()?;
    if !(1..=5).contains(&level) {
        return None;
    }
    let module = s
        .parents
        .iter()
        .find_map(|p| match parse_activity(p, base) {
            Some((c, Part::Root)) if c.kind == ContentKind::Module => Some(c.id),
            _ => None,
        });
    Some(SelfRatingAnswer {
        registration: registration.to_owned(),
        account: s.actor.clone(),
        competency,
        level,
        phase: s.rating_phase.clone(),
        module,
        at_ms: s.time_ms(),
        class_code: s.class_code.clone(),
    })
}

/// Adds one answer to an evaluation; None when it does not fit (another module or learner
/// under the same registration, an unknown question, a level outside 1–5).
pub(super) fn evaluation_answer(
    e: &mut EvaluationRecord,
    s: &Statement,
    module: &str,
    question: &str,
) -> Option<()> {
    if e.module != module || e.account.as_ref() != Some(&s.actor) {
        return None;
    }
    let response = s.result.as_ref()?.response.clone()?;
    let level = || -> Option<u8> {
        let v: u8 = response.trim().parse().ok()?;
        (1..=5).contains(&v).then_some(v)
    };
    match question {
        "usefulness" => e.usefulness = Some(level()?),
        "clarity" => e.clarity = Some(level()?),
        "relevance" => e.relevance = Some(level()?),
        "intended-use" => e.intended_use = Some(response.trim().to_owned()),
        "comment" => e.comment = Some(response.trim().to_owned()),
        _ => return None,
    }
    if let Some(n) = &s.actor_name {
        e.name = Some(n.clone());
    }
    e.at_ms = e.at_ms.min(s.time_ms());
    if e.class_code.is_none() {
        e.class_code = s.class_code.clone();
    }
    Some(())
}

/// A statement of a module's pre-test (`item-role` = `pretest`, or the pre-test activity as
/// its object or parent).
pub(super) fn is_pretest(s: &Statement, base: &str) -> bool {
    s.item_role.as_deref() == Some("pretest")
        || std::iter::once(&s.object_id)
            .chain(&s.parents)
            .any(|iri| matches!(parse_activity(iri, base), Some((_, Part::PreTest))))
}

/// The `result` of a `completed` statement, as [`apply`] reads it.
#[derive(Clone, Debug, PartialEq, Default)]
pub(super) struct CompletedResult {
    pub ending: Option<String>,
    pub ending_kind: Option<EndingKind>,
    pub competency_scores: BTreeMap<String, f64>,
    pub competency_levels: BTreeMap<String, f64>,
    pub score_raw: Option<f64>,
    pub score_max: Option<f64>,
}

/// What one statement adds to its attempt: all an attempt keeps of it. The trainer review
/// reads an attempt's statements in order ([`digest`]); the city report streams, keeping only
/// the steps with their order keys and applying them at the end; both go through here.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Step {
    Choice(ChoiceMade),
    Answer(ItemAnswer),
    Completed {
        statement: String,
        at_ms: i64,
        duration_ms: Option<i64>,
        result: Option<CompletedResult>,
    },
    Verdict {
        statement: String,
        passed: bool,
        at_ms: i64,
        duration_ms: Option<i64>,
        score_raw: Option<f64>,
        score_max: Option<f64>,
    },
    /// Counts in the attempt's times only (launched, progressed, …).
    Nothing,
}

/// Reads one statement of an attempt of `content`.
pub(super) fn step(s: &Statement, content: &ContentRef, base: &str) -> Step {
    let part = parse_activity(&s.object_id, base)
        .filter(|(c, _)| c == content)
        .map(|(_, p)| p);
    let r = s.result.as_ref();
    match (s.verb.as_str(), part) {
        (verbs::ANSWERED, Some(Part::Node(node))) => Step::Choice(ChoiceMade {
            node,
            choice: r.and_then(|r| r.response.clone()).unwrap_or_default(),
            to: r.and_then(|r| r.next_node.clone()),
            at_ms: s.time_ms(),
            duration_ms: r.and_then(|r| r.duration_ms),
            deltas: r.map(|r| r.competency_deltas.clone()).unwrap_or_default(),
            success: r.and_then(|r| r.success),
            statement: s.id.clone(),
            shown_position: r.and_then(|r| match r.shown_position.as_slice() {
                [one] => Some(*one),
                _ => None,
            }),
            shown_order: r.map(|r| r.shown_order.clone()).unwrap_or_default(),
        }),
        (verbs::ANSWERED, Some(Part::Item(item))) => {
            let check = match s.item_role.as_deref() {
                Some(role) => role == "check",
                None => !s
                    .parents
                    .iter()
                    .any(|p| matches!(parse_activity(p, base), Some((_, Part::Lesson)))),
            };
            Step::Answer(ItemAnswer {
                item,
                check,
                response: r.and_then(|r| r.response.clone()),
                success: r.and_then(|r| r.success),
                raw: r.and_then(|r| r.score_raw),
                max: r.and_then(|r| r.score_max),
                at_ms: s.time_ms(),
                duration_ms: r.and_then(|r| r.duration_ms),
                statement: s.id.clone(),
                shown_position: r.map(|r| r.shown_position.clone()).unwrap_or_default(),
                shown_order: r.map(|r| r.shown_order.clone()).unwrap_or_default(),
            })
        }
        (verbs::COMPLETED, Some(Part::Root | Part::PreTest)) => Step::Completed {
            statement: s.id.clone(),
            at_ms: s.time_ms(),
            duration_ms: r.and_then(|r| r.duration_ms),
            result: r.map(|r| CompletedResult {
                ending: r.ending.clone().or_else(|| s.node_id.clone()),
                ending_kind: r.ending_kind.as_deref().and_then(ending_kind),
                competency_scores: r.competency_scores.clone(),
                competency_levels: r.competency_levels.clone(),
                score_raw: r.score_raw,
                score_max: r.score_max,
            }),
        },
        (v @ (verbs::PASSED | verbs::FAILED), Some(Part::Root)) => Step::Verdict {
            statement: s.id.clone(),
            passed: v == verbs::PASSED,
            at_ms: s.time_ms(),
            duration_ms: r.and_then(|r| r.duration_ms),
            score_raw: r.and_then(|r| r.score_raw),
            score_max: r.and_then(|r| r.score_max),
        },
        _ => Step::Nothing,
    }
}

/// Adds one step to the attempt, in the attempt's order.
pub(super) fn apply(a: &mut Attempt, step: Step) {
    match step {
        Step::Choice(c) => a.choices.push(c),
        Step::Answer(x) => a.answers.push(x),
        Step::Completed {
            statement,
            at_ms,
            duration_ms,
            result,
        } => {
            let f = a.finish.get_or_insert_with(Finish::default);
            f.at_ms = at_ms;
            f.completed_statement = Some(statement);
            f.duration_ms = duration_ms;
            if let Some(r) = result {
                f.ending = r.ending;
                f.ending_kind = r.ending_kind;
                f.competency_scores = r.competency_scores;
                f.competency_levels = r.competency_levels;
                // a pre-test's or practice-only attempt's score (a verdict's wins)
                if f.passed.is_none() && r.score_raw.is_some() {
                    f.score_raw = r.score_raw;
                    f.score_max = r.score_max;
                }
            }
        }
        Step::Verdict {
            statement,
            passed,
            at_ms,
            duration_ms,
            score_raw,
            score_max,
        } => {
            let f = a.finish.get_or_insert_with(|| Finish {
                at_ms,
                duration_ms,
                ..Finish::default()
            });
            f.passed = Some(passed);
            f.verdict_statement = Some(statement);
            f.score_raw = score_raw;
            f.score_max = score_max;
        }
        Step::Nothing => {}
    }
}

/// Orders an attempt's statements (by event-seq when all have one, else by time) and reads
/// its decisions, answers and ending.
fn digest<'a>(
    content: ContentRef,
    mut statements: Vec<&'a Statement>,
    base: &str,
) -> (Attempt, Option<&'a str>) {
    if statements.iter().all(|s| s.event_seq.is_some()) {
        statements.sort_by_key(|s| (s.event_seq, s.time_ms()));
    } else {
        statements.sort_by_key(|s| (s.time_ms(), s.event_seq));
    }
    let first = statements[0];
    let mut a = Attempt {
        registration: first.registration.clone().unwrap_or_default(),
        learner: 0,
        pretest: statements.iter().any(|s| is_pretest(s, base)),
        content,
        version: statements.iter().find_map(|s| s.revision.clone()),
        class_code: statements.iter().find_map(|s| s.class_code.clone()),
        started_ms: statements.iter().map(|s| s.time_ms()).min().unwrap_or(0),
        last_ms: statements.iter().map(|s| s.time_ms()).max().unwrap_or(0),
        synced_ms: statements.iter().map(|s| s.synced_ms()).max().unwrap_or(0),
        statements: statements.len(),
        choices: Vec::new(),
        answers: Vec::new(),
        finish: None,
    };
    let mut name: Option<(i64, &str)> = None;
    for s in &statements {
        if let Some(n) = s.actor_name.as_deref() {
            if name.is_none_or(|(t, _)| s.time_ms() >= t) {
                name = Some((s.time_ms(), n));
            }
        }
        let step = step(s, &a.content, base);
        apply(&mut a, step);
    }
    (a, name.map(|(_, n)| n))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards activity-id parsing: only ids under the base, percent-decoded segments, parts.
    #[test]
    fn activity_ids_under_the_base() {
        let base = "https://b.example/xapi";
        let (c, p) = parse_activity("https://b.example/xapi/scenarios/s%20x/nodes/a%2Fb", base)
            .expect("node");
        assert_eq!((c.kind, c.id.as_str()), (ContentKind::Scenario, "s x"));
        assert!(matches!(p, Part::Node(n) if n == "a/b"));
        assert!(parse_activity("https://b.example/xapi2/scenarios/s", base).is_none());
        assert!(parse_activity("https://b.example/xapi/fields/f", base).is_none());
        assert!(parse_activity("https://b.example/xapi/modules/", base).is_none());
        assert!(matches!(
            parse_activity("https://b.example/xapi/modules/m/items/q1", base),
            Some((_, Part::Item(i))) if i == "q1"
        ));
        assert_eq!(percent_decode("a%"), "a%");
        assert_eq!(percent_decode("%C3%A1"), "á");
    }
}
