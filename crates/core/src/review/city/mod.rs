//! The city-wide training-quality report (feature `report`, native tools only): the trainer
//! review's figures over every class of the city, for a period, streamed.
//!
//! 1. [`CityBuilder::push`] takes statements one at a time, from any number of pages or
//!    lines, in any order. Each is reduced at once to what its attempt keeps (a
//!    `class::Step`: a decision, a knowledge-check answer, an ending, a verdict; the same
//!    reading as the trainer review's) and dropped; self-ratings and evaluation answers, a few
//!    per cent of the statements, are kept as lean statements. Memory grows with the number of
//!    attempts and learners, never with the statements' size: about 16 bytes per statement
//!    (duplicate detection) plus a few hundred per attempt.
//! 2. [`CityBuilder::finish`] turns the attempts into one city-wide [`Class`] (and one per
//!    class code for the per-class figures) and runs the trainer review's own views on them:
//!    [`scenario_review`], [`item_analysis`], [`pre_post`], [`evaluation_summary`],
//!    [`ratings_vs_measured`].
//! 3. [`CityReport::tables`] renders every figure as a [`Table`](super::Table) (the CSV files
//!    and the HTML come from the same cells); [`html::render`] writes the self-contained page.
//!
//! Trust, as in the trainer area (`review::trust`): a statement counts only when its authority
//! names its actor (an anonymous evaluation: an account of the portal) and, for a module or
//! scenario, only for a content version the report has; every attempt's results are
//! recomputed from that version. Statements set aside are counted by reason, never
//! aggregated; claims that differ from the recomputed results are counted, and the figures
//! use the recomputed values.
//!
//! Nothing here reads a clock, a file or the network: `boiduong-report` does, and hands
//! statements in.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::{Content, ContentKind, Module, Scenario};
use crate::module::gain_from_percent;

use super::class::{
    apply, content_of, is_pretest, parse_record, percent_decode, step, Attempt, Class, ContentRef,
    Filter, Learner, RecordPart, Step, VOIDED,
};
use super::statement::{Account, Statement};
use super::trust::{self, SetAsideReason, Trust, Versions};
use super::{
    evaluation_summary, item_analysis, pre_post, ratings_vs_measured, scenario_review,
    EvaluationSummary, ItemAnalysis, RatingVsMeasuredRow, ScenarioReview,
};
use crate::xapi::verbs::JOINED;

pub mod html;
mod jsonl;
pub mod stats;
mod tables;
#[cfg(test)]
mod tests;

pub use jsonl::{read_json_lines, read_json_lines_parallel, LineError, LinesSummary};
pub use stats::{t975, wilson, Interval, Sample};
pub use tables::{city_labels, CITY_KEYS};

/// Which statements the report covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CityFilter {
    /// Attempts (and records) that started at or after this time (ms since the epoch).
    pub since_ms: Option<i64>,
    /// … and before this time (exclusive).
    pub until_ms: Option<i64>,
    /// Only the contents of this field (lĩnh vực).
    pub field: Option<String>,
    /// Only this module (with `scenario`: this module and that scenario).
    pub module: Option<String>,
    /// Only this scenario (with `module`: both).
    pub scenario: Option<String>,
    /// Only this class code (trimmed, ASCII case-insensitive).
    pub class_code: Option<String>,
}

/// Statements left out, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Statements handed in (readable ones; unreadable lines are counted by the reader).
    pub statements: usize,
    /// Kept for some figure (before the period filter, which applies to whole attempts).
    pub used: usize,
    pub duplicates: usize,
    /// `voided` statements, and statements they void that had been kept.
    pub voided: usize,
    /// No activity under the base (another tool's or another deployment's).
    pub foreign: usize,
    /// A learner joining a class (`joined` the class activity, vouched for): the class's
    /// roster, counted per class as enrolled learners, never in an attempt's figures.
    pub joins: usize,
    pub no_registration: usize,
    /// A registration already used by another learner or content.
    pub conflicting: usize,
    /// Content the library does not have (retired, or another version of the library).
    pub unknown_content: usize,
    /// Another field, module, scenario or class than the filter's.
    pub outside_filter: usize,
    /// Set aside: no authority, or the authority (who posted it) is not the actor.
    pub untrusted_authority: usize,
    /// Set aside: a content version the report does not have (see `--content`).
    pub unknown_version: usize,
    /// Set aside: an item, node or choice its version lacks, or a step that does not follow
    /// the attempt.
    pub does_not_fit: usize,
    /// Statements whose claimed result (success, score, verdict, ending, competencies) differs
    /// from the one recomputed from the content: counted, and the figures use the recomputed.
    pub untrusted_result: usize,
    /// Attempts that started outside the period (whole attempts, after grouping).
    pub attempts_outside_period: usize,
}

/// A statement id as a compact key: 16 bytes for a UUID, the text otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum IdKey {
    Uuid(u128),
    Text(Box<str>),
}

impl IdKey {
    fn of(id: &str) -> IdKey {
        match uuid::Uuid::try_parse(id) {
            Ok(u) => IdKey::Uuid(u.as_u128()),
            Err(_) => IdKey::Text(id.to_ascii_lowercase().into()),
        }
    }
}

/// The first value in an attempt's order, under both orders `digest` may use (by event-seq
/// when every statement has one, else by time), since which one applies is known at the end.
#[derive(Default)]
struct First {
    by_seq: Option<((u64, i64), String)>,
    by_time: Option<((i64, u64), String)>,
}

impl First {
    fn offer(&mut self, seq: Option<u64>, time: i64, value: Option<&String>) {
        let Some(v) = value else {
            return;
        };
        let s = seq.unwrap_or(u64::MAX);
        if self.by_seq.as_ref().is_none_or(|(k, _)| (s, time) < *k) {
            self.by_seq = Some(((s, time), v.clone()));
        }
        if self.by_time.as_ref().is_none_or(|(k, _)| (time, s) < *k) {
            self.by_time = Some(((time, s), v.clone()));
        }
    }

    fn take(self, by_seq: bool) -> Option<String> {
        if by_seq {
            self.by_seq.map(|(_, v)| v)
        } else {
            self.by_time.map(|(_, v)| v)
        }
    }
}

/// An attempt being read: its steps with their order keys, its times and counts.
struct Open {
    content: ContentRef,
    /// The content version (checked: one the report has).
    revision: String,
    learner: u32,
    all_seq: bool,
    pretest: bool,
    statements: usize,
    started_ms: i64,
    last_ms: i64,
    synced_ms: i64,
    version: First,
    class_code: First,
    steps: Vec<(Option<u64>, i64, IdKey, Step)>,
}

/// The streaming reader of the city report (see the module doc).
pub struct CityBuilder {
    base: String,
    filter: CityFilter,
    /// The library's contents with their field, and whether the filter selects them.
    library: HashMap<ContentRef, bool>,
    /// Competencies the selected contents train (self-ratings of others are outside).
    competencies: HashSet<String>,
    /// The content versions the statements are checked against.
    versions: Versions,
    /// The same, by content (a look-up per statement without building a key).
    revisions: HashMap<ContentRef, Vec<String>>,
    seen: HashSet<IdKey>,
    /// Statements voided by their own learner (a vouched `voided` statement).
    voided: HashSet<(IdKey, Account)>,
    accounts: HashMap<Account, u32>,
    account_list: Vec<Account>,
    open: HashMap<String, Open>,
    /// Self-rating and evaluation statements, and `voided` statements (for them).
    records: Vec<Statement>,
    /// `voided` statements among the records.
    voiding: usize,
    /// Learners joining a class: the statement, its learner, the class code, the time.
    joins: Vec<(IdKey, Account, String, i64)>,
    counts: Counts,
}

fn code_matches(want: Option<&str>, code: Option<&str>) -> bool {
    match want.map(str::trim) {
        None | Some("") => true,
        Some(w) => code.is_some_and(|c| c.trim().eq_ignore_ascii_case(w)),
    }
}

fn in_period(filter: &CityFilter, ms: i64) -> bool {
    filter.since_ms.is_none_or(|s| ms >= s) && filter.until_ms.is_none_or(|u| ms < u)
}

/// The class code of a statement: the `class-code` extension, else a grouping activity
/// `{base}/classes/{code}`.
fn class_code_of(s: &Statement, base: &str) -> Option<String> {
    if s.class_code.is_some() {
        return s.class_code.clone();
    }
    s.groupings.iter().find_map(|g| class_of_activity(g, base))
}

impl CityBuilder {
    /// A report over `contents` (the library, e.g. the compiled content directory) for
    /// statements whose activity ids are under `base`. Statements are checked against the
    /// versions of `contents` and of `older` (earlier libraries, for attempts taken on them).
    pub fn new(
        base: &str,
        contents: &[Content],
        older: &[Content],
        filter: CityFilter,
    ) -> CityBuilder {
        let base = base.trim_end_matches('/').to_owned();
        let named = filter.module.is_some() || filter.scenario.is_some();
        let mut library = HashMap::new();
        let mut competencies = HashSet::new();
        for c in contents {
            let (kind, field, comps) = match c {
                Content::Module(m) => (ContentKind::Module, &m.field, &m.competencies),
                Content::Scenario(s) => (ContentKind::Scenario, &s.field, &s.competencies),
            };
            let by_name = match kind {
                ContentKind::Module => filter.module.as_deref() == Some(c.id()),
                ContentKind::Scenario => filter.scenario.as_deref() == Some(c.id()),
            };
            let selected =
                (!named || by_name) && filter.field.as_deref().is_none_or(|f| f == field.as_str());
            if selected {
                competencies.extend(comps.iter().cloned());
            }
            library.insert(
                ContentRef {
                    kind,
                    id: c.id().to_owned(),
                },
                selected,
            );
        }
        CityBuilder {
            base,
            filter,
            library,
            competencies,
            versions: contents.iter().chain(older).cloned().collect(),
            revisions: contents
                .iter()
                .chain(older)
                .fold(HashMap::new(), |mut m, c| {
                    m.entry(ContentRef {
                        kind: kind_of(c),
                        id: c.id().to_owned(),
                    })
                    .or_insert_with(Vec::new)
                    .push(c.version().to_owned());
                    m
                }),
            seen: HashSet::new(),
            voided: HashSet::new(),
            accounts: HashMap::new(),
            account_list: Vec::new(),
            open: HashMap::new(),
            records: Vec::new(),
            voiding: 0,
            joins: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Takes one statement (see the module doc). Duplicates count once; `voided` statements
    /// and their targets are left out; statements outside the filter or the library, or
    /// without an attempt, are counted and dropped.
    pub fn push(&mut self, mut s: Statement) {
        self.counts.statements += 1;
        if !self.seen.insert(IdKey::of(&s.id)) {
            self.counts.duplicates += 1;
            return;
        }
        if s.verb == VOIDED {
            // a statement is voided only by its own learner, vouched for
            if let Err(reason) = trust::vouched(&s) {
                self.set_aside(reason);
                return;
            }
            self.counts.voided += 1;
            if s.object_is_statement_ref {
                self.voided
                    .insert((IdKey::of(&s.object_id), s.actor.clone()));
                self.voiding += 1;
                self.records.push(s);
            }
            return;
        }
        s.class_code = class_code_of(&s, &self.base);
        if s.verb == JOINED {
            self.push_join(s);
            return;
        }
        if let Some(record) = parse_record(&s.object_id, &self.base) {
            let wanted = code_matches(self.filter.class_code.as_deref(), s.class_code.as_deref())
                && match &record {
                    RecordPart::SelfRating(c) => self.competencies.contains(c),
                    RecordPart::Evaluation { module, .. } => self
                        .library
                        .get(&ContentRef {
                            kind: ContentKind::Module,
                            id: module.clone(),
                        })
                        .copied()
                        .unwrap_or(false),
                };
            if wanted {
                self.counts.used += 1;
                s.groupings = Vec::new();
                self.records.push(s);
            } else {
                self.counts.outside_filter += 1;
            }
            return;
        }
        let Some(content) = content_of(&s, &self.base) else {
            self.counts.foreign += 1;
            return;
        };
        match self.library.get(&content) {
            None => {
                self.counts.unknown_content += 1;
                return;
            }
            Some(false) => {
                self.counts.outside_filter += 1;
                return;
            }
            Some(true) => {}
        }
        if !code_matches(self.filter.class_code.as_deref(), s.class_code.as_deref())
            && s.class_code.is_some()
        {
            self.counts.outside_filter += 1;
            return;
        }
        if let Err(reason) = trust::vouched(&s) {
            self.set_aside(reason);
            return;
        }
        let Some(revision) = s.revision.as_deref().filter(|v| {
            self.revisions
                .get(&content)
                .is_some_and(|list| list.iter().any(|x| x == v))
        }) else {
            self.set_aside(SetAsideReason::UnknownVersion);
            return;
        };
        let Some(registration) = s.registration.clone() else {
            self.counts.no_registration += 1;
            return;
        };
        let learner = match self.accounts.get(&s.actor) {
            Some(&i) => i,
            None => {
                let i = self.account_list.len() as u32;
                self.accounts.insert(s.actor.clone(), i);
                self.account_list.push(s.actor.clone());
                i
            }
        };
        let time = s.time_ms();
        let open = self.open.entry(registration).or_insert_with(|| Open {
            content: content.clone(),
            revision: revision.to_owned(),
            learner,
            all_seq: true,
            pretest: false,
            statements: 0,
            started_ms: i64::MAX,
            last_ms: i64::MIN,
            synced_ms: i64::MIN,
            version: First::default(),
            class_code: First::default(),
            steps: Vec::new(),
        });
        if open.content != content || open.learner != learner || open.revision != revision {
            self.counts.conflicting += 1;
            return;
        }
        self.counts.used += 1;
        open.statements += 1;
        open.all_seq &= s.event_seq.is_some();
        open.pretest |= is_pretest(&s, &self.base);
        open.started_ms = open.started_ms.min(time);
        open.last_ms = open.last_ms.max(time);
        open.synced_ms = open.synced_ms.max(s.synced_ms());
        open.version.offer(s.event_seq, time, s.revision.as_ref());
        open.class_code
            .offer(s.event_seq, time, s.class_code.as_ref());
        // what an attempt keeps of a statement (the rest counts in its times only)
        match step(&s, &content, &self.base) {
            Step::Nothing => {}
            st => open.steps.push((s.event_seq, time, IdKey::of(&s.id), st)),
        }
    }

    /// A learner joined a class: kept for the class's enrolled learners if it names a class
    /// of the filter's and its learner posted it.
    fn push_join(&mut self, s: Statement) {
        let Some(code) = class_of_activity(&s.object_id, &self.base) else {
            self.counts.foreign += 1;
            return;
        };
        if !code_matches(self.filter.class_code.as_deref(), Some(&code)) {
            self.counts.outside_filter += 1;
            return;
        }
        if let Err(reason) = trust::vouched(&s) {
            self.set_aside(reason);
            return;
        }
        self.counts.joins += 1;
        let time = s.time_ms();
        self.joins.push((IdKey::of(&s.id), s.actor, code, time));
    }

    fn set_aside(&mut self, reason: SetAsideReason) {
        match reason {
            SetAsideReason::NoAuthority | SetAsideReason::AuthorityNotActor => {
                self.counts.untrusted_authority += 1;
            }
            SetAsideReason::UnknownVersion => self.counts.unknown_version += 1,
            SetAsideReason::DoesNotFit => self.counts.does_not_fit += 1,
        }
    }

    /// Groups what was read into attempts and computes the figures (see the module doc).
    /// `utc_offset_min` places the months of the trends (Việt Nam: 420).
    pub fn finish(self, contents: &[Content], utc_offset_min: i32) -> CityReport {
        let CityBuilder {
            base,
            filter,
            library,
            competencies: _,
            versions,
            revisions: _,
            seen: _,
            voided,
            accounts: _,
            account_list,
            open,
            records,
            voiding,
            joins,
            mut counts,
        } = self;
        // enrolled learners per class: joined by the end of the period, not voided
        let mut enrolled: BTreeMap<String, HashSet<Account>> = BTreeMap::new();
        for (id, actor, code, time) in joins {
            if voided.contains(&(id, actor.clone())) {
                counts.voided += 1;
                counts.joins -= 1;
                continue;
            }
            if filter.until_ms.is_some_and(|u| time >= u) {
                counts.joins -= 1;
                counts.outside_filter += 1;
                continue;
            }
            enrolled.entry(code).or_default().insert(actor);
        }
        let mut attempts: Vec<Attempt> = Vec::with_capacity(open.len());
        let mut claims = Trust::default();
        for (registration, o) in open {
            let mut steps = o.steps;
            let before = steps.len();
            let actor = &account_list[o.learner as usize];
            if !voided.is_empty() {
                steps.retain(|(_, _, id, _)| !voided.contains(&(id.clone(), actor.clone())));
            }
            counts.voided += before - steps.len();
            if o.all_seq {
                steps.sort_by_key(|(seq, t, _, _)| (*seq, *t));
            } else {
                steps.sort_by_key(|(seq, t, _, _)| (*t, *seq));
            }
            let mut a = Attempt {
                registration,
                learner: o.learner as usize,
                content: o.content,
                pretest: o.pretest,
                version: o.version.take(o.all_seq),
                class_code: o.class_code.take(o.all_seq),
                started_ms: o.started_ms,
                last_ms: o.last_ms,
                synced_ms: o.synced_ms,
                statements: o.statements,
                choices: Vec::new(),
                answers: Vec::new(),
                finish: None,
            };
            for (_, _, _, st) in steps {
                apply(&mut a, st);
            }
            // every result recomputed from the attempt's content version
            if let Some(version) = versions.get(&a.content, &o.revision) {
                let found = trust::recompute(&mut a, version, actor);
                counts.does_not_fit += found.set_aside.len();
                counts.used -= found.set_aside.len().min(counts.used);
                claims.claims.extend(found.claims);
            }
            if !code_matches(filter.class_code.as_deref(), a.class_code.as_deref()) {
                counts.outside_filter += a.statements;
                continue;
            }
            if !in_period(&filter, a.started_ms) {
                counts.attempts_outside_period += 1;
                continue;
            }
            attempts.push(a);
        }
        // self-ratings and evaluations: the trainer review's own grouping and filters
        counts.untrusted_result = claims.claiming_statements();
        // self-ratings and evaluations: the trainer review's own grouping, checks and filters
        let records = Class::build(
            &records,
            &base,
            &Filter {
                class_code: filter.class_code.clone(),
                since_ms: filter.since_ms,
                until_ms: filter.until_ms,
                ..Filter::default()
            },
            &versions,
        );
        // the voiding statements among the records were counted when read
        counts.voided += records.skipped.voided.saturating_sub(voiding);
        for (reason, n) in records.trust.by_reason() {
            match reason {
                SetAsideReason::NoAuthority | SetAsideReason::AuthorityNotActor => {
                    counts.untrusted_authority += n;
                }
                SetAsideReason::UnknownVersion => counts.unknown_version += n,
                SetAsideReason::DoesNotFit => counts.does_not_fit += n,
            }
            counts.used -= n.min(counts.used);
        }
        let selected: Vec<&Content> = contents
            .iter()
            .filter(|c| {
                library
                    .get(&ContentRef {
                        kind: kind_of(c),
                        id: c.id().to_owned(),
                    })
                    .copied()
                    .unwrap_or(false)
            })
            .collect();
        figures(
            attempts,
            account_list,
            records,
            enrolled,
            &selected,
            counts,
            utc_offset_min,
        )
    }
}

/// The class code of a class activity `{base}/classes/{code}` (as `class_code_of` reads it).
fn class_of_activity(object_id: &str, base: &str) -> Option<String> {
    let code = object_id.strip_prefix(base)?.strip_prefix("/classes/")?;
    let code = percent_decode(code);
    let code = code.trim();
    (!code.is_empty() && !code.contains('/')).then(|| code.to_owned())
}

fn kind_of(c: &Content) -> ContentKind {
    match c {
        Content::Module(_) => ContentKind::Module,
        Content::Scenario(_) => ContentKind::Scenario,
    }
}

/// Attempts, completions and verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub learners: usize,
    /// Module (not pre-test) and scenario attempts.
    pub attempts: usize,
    pub completed: usize,
    /// Module attempts with a verdict (passed or failed).
    pub verdicts: usize,
    pub passed: usize,
}

impl Tally {
    fn count(&mut self, a: &Attempt) {
        self.attempts += 1;
        if let Some(f) = &a.finish {
            self.completed += 1;
            if let Some(p) = f.passed {
                self.verdicts += 1;
                self.passed += usize::from(p);
            }
        }
    }

    /// Completion rate with its Wilson interval.
    pub fn completion(&self) -> (Option<f64>, Option<Interval>) {
        (
            (self.attempts > 0).then(|| self.completed as f64 / self.attempts as f64),
            wilson(self.completed, self.attempts),
        )
    }

    /// Pass rate (of module attempts with a verdict) with its Wilson interval.
    pub fn pass(&self) -> (Option<f64>, Option<Interval>) {
        (
            (self.verdicts > 0).then(|| self.passed as f64 / self.verdicts as f64),
            wilson(self.passed, self.verdicts),
        )
    }
}

/// Pre-test → post-test over learners (the trainer review's pairing, [`pre_post`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gains {
    /// Learners with a finished pre-test.
    pub pretest_learners: usize,
    /// Normalised gains of the learners with a pre-test and a later post-test (n = `g.n`).
    pub g: Sample,
    pub pre: Sample,
    pub post: Sample,
}

impl Gains {
    fn add(&mut self, p: &super::PrePost) {
        self.pretest_learners += p.rows.len();
        for r in &p.rows {
            if let (Some(post), Some(g)) = (r.post, r.gain) {
                self.g.push(g);
                self.pre.push(r.pre);
                self.post.push(post);
            }
        }
    }

    fn merge(&mut self, o: &Gains) {
        self.pretest_learners += o.pretest_learners;
        self.g.merge(&o.g);
        self.pre.merge(&o.pre);
        self.post.merge(&o.post);
    }

    /// Hake's `<g>`: the normalised gain of the mean pre and mean post.
    pub fn gain_of_means(&self) -> Option<f64> {
        Some(gain_from_percent(self.pre.mean()?, self.post.mean()?))
    }
}

/// One class (one class code; attempts without one form the class `None`).
#[derive(Clone, Debug, PartialEq)]
pub struct ClassFigures {
    pub code: Option<String>,
    /// Learners who joined the class (its roster; 0 for attempts without a class code, or
    /// a class whose joins were not read).
    pub enrolled: usize,
    /// Of those, learners with no attempt in the class (in the period, in the report's
    /// contents): enrolled but not started.
    pub not_started: usize,
    pub tally: Tally,
    /// Over every module of the report.
    pub gains: Gains,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ModuleFigures {
    pub module: Module,
    pub tally: Tally,
    pub gains: Gains,
    pub evaluations: EvaluationSummary,
    pub items: ItemAnalysis,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioFigures {
    pub scenario: Scenario,
    pub review: ScenarioReview,
}

/// One calendar month (at the report's UTC offset) of attempt starts.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub tally: Tally,
}

/// Every figure of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct CityReport {
    pub counts: Counts,
    /// Learners enrolled in a class (summed over classes) and, of those, not started.
    pub enrolled: usize,
    pub not_started: usize,
    pub total: Tally,
    pub gains: Gains,
    /// Sorted by code (no code last).
    pub classes: Vec<ClassFigures>,
    pub modules: Vec<ModuleFigures>,
    pub scenarios: Vec<ScenarioFigures>,
    pub competencies: Vec<RatingVsMeasuredRow>,
    pub months: Vec<MonthFigures>,
    /// Evaluations and self-ratings counted (after filters).
    pub evaluations: usize,
    pub self_ratings: usize,
}

fn month_of(ms: i64, utc_offset_min: i32) -> String {
    let local = ms + i64::from(utc_offset_min) * 60_000;
    let (y, m, _) = crate::calendar::civil_from_days(local.div_euclid(86_400_000));
    format!("{y:04}-{m:02}")
}

/// A class of the given attempts (learners renumbered in account order, attempts grouped by
/// learner, oldest first, as `Class::build` makes them).
fn class_of(mut attempts: Vec<Attempt>, accounts: &[Account], base: &str) -> (Class, Vec<usize>) {
    let mut globals: Vec<usize> = attempts.iter().map(|a| a.learner).collect();
    globals.sort_by(|a, b| accounts[*a].cmp(&accounts[*b]));
    globals.dedup();
    let local: HashMap<usize, usize> = globals.iter().enumerate().map(|(l, g)| (*g, l)).collect();
    for a in &mut attempts {
        a.learner = local[&a.learner];
    }
    attempts.sort_by(|a, b| {
        (a.learner, a.started_ms, &a.registration).cmp(&(b.learner, b.started_ms, &b.registration))
    });
    let mut learners: Vec<Learner> = globals
        .iter()
        .map(|g| Learner {
            account: accounts[*g].clone(),
            name: accounts[*g].name.clone(),
            last_synced_ms: i64::MIN,
            attempts: Vec::new(),
        })
        .collect();
    for (i, a) in attempts.iter().enumerate() {
        let l = &mut learners[a.learner];
        l.attempts.push(i);
        l.last_synced_ms = l.last_synced_ms.max(a.synced_ms);
    }
    let class = Class {
        base: base.to_owned(),
        learners,
        attempts,
        ..Class::default()
    };
    (class, globals)
}

fn figures(
    attempts: Vec<Attempt>,
    accounts: Vec<Account>,
    records: Class,
    mut enrolled: BTreeMap<String, HashSet<Account>>,
    selected: &[&Content],
    counts: Counts,
    utc_offset_min: i32,
) -> CityReport {
    let base = records.base.clone();
    let modules: Vec<&Module> = selected
        .iter()
        .filter_map(|c| match c {
            Content::Module(m) => Some(m),
            Content::Scenario(_) => None,
        })
        .collect();
    let scenarios: Vec<&Scenario> = selected
        .iter()
        .filter_map(|c| match c {
            Content::Scenario(s) => Some(s),
            Content::Module(_) => None,
        })
        .collect();

    // per class: tallies and pre/post gains (the trainer review's pairing, per class)
    let mut by_code: BTreeMap<Option<String>, Vec<Attempt>> = BTreeMap::new();
    for a in attempts {
        by_code.entry(a.class_code.clone()).or_default().push(a);
    }
    let mut classes = Vec::new();
    let mut module_gains: Vec<Gains> = vec![Gains::default(); modules.len()];
    let mut all: Vec<Attempt> = Vec::new();
    for (code, list) in by_code {
        let (class, globals) = class_of(list, &accounts, &base);
        let mut tally = Tally {
            learners: 0,
            ..Tally::default()
        };
        let mut learners = HashSet::new();
        for a in class.attempts.iter().filter(|a| !a.pretest) {
            tally.count(a);
            learners.insert(a.learner);
        }
        tally.learners = learners.len();
        let mut gains = Gains::default();
        for (m, g) in modules.iter().zip(module_gains.iter_mut()) {
            if class.pretests_of(&m.id).next().is_none() {
                continue;
            }
            let p = pre_post(&class, &m.id);
            let mut one = Gains::default();
            one.add(&p);
            g.merge(&one);
            gains.merge(&one);
        }
        // the roster: who joined, and who of them has no attempt here
        let roster = code
            .as_ref()
            .and_then(|c| enrolled.remove(c))
            .unwrap_or_default();
        let started: HashSet<&Account> = class
            .attempts
            .iter()
            .map(|a| &class.learners[a.learner].account)
            .collect();
        let not_started = roster.iter().filter(|a| !started.contains(a)).count();
        classes.push(ClassFigures {
            code,
            enrolled: roster.len(),
            not_started,
            tally,
            gains,
        });
        for mut a in class.attempts {
            a.learner = globals[a.learner];
            all.push(a);
        }
    }
    // classes joined where no one has begun
    for (code, roster) in enrolled {
        classes.push(ClassFigures {
            code: Some(code),
            enrolled: roster.len(),
            not_started: roster.len(),
            tally: Tally::default(),
            gains: Gains::default(),
        });
    }
    classes.sort_by(|a, b| a.code.cmp(&b.code));
    // `None` (no class code) sorts first: put it last
    let no_code = usize::from(classes.first().is_some_and(|c| c.code.is_none()));
    classes.rotate_left(no_code);

    // the city as one class: the views that need no per-learner pairing across classes
    let city = Class {
        base: base.clone(),
        learners: accounts
            .iter()
            .map(|a| Learner {
                account: a.clone(),
                name: a.name.clone(),
                last_synced_ms: 0,
                attempts: Vec::new(),
            })
            .collect(),
        attempts: all,
        self_ratings: records.self_ratings,
        evaluations: records.evaluations,
        ..Class::default()
    };
    let mut total = Tally::default();
    let mut learners = HashSet::new();
    let mut months: BTreeMap<String, (Tally, HashSet<usize>)> = BTreeMap::new();
    for a in city.attempts.iter().filter(|a| !a.pretest) {
        total.count(a);
        learners.insert(a.learner);
        let m = months
            .entry(month_of(a.started_ms, utc_offset_min))
            .or_default();
        m.0.count(a);
        m.1.insert(a.learner);
    }
    total.learners = learners.len();
    let months = months
        .into_iter()
        .map(|(month, (mut tally, l))| {
            tally.learners = l.len();
            MonthFigures { month, tally }
        })
        .collect();
    let mut gains = Gains::default();
    for g in &module_gains {
        gains.merge(g);
    }
    let modules = modules
        .iter()
        .zip(module_gains)
        .map(|(m, gains)| {
            let mut tally = Tally::default();
            let mut learners = HashSet::new();
            for a in city.attempts_of(ContentKind::Module, &m.id) {
                tally.count(a);
                learners.insert(a.learner);
            }
            tally.learners = learners.len();
            ModuleFigures {
                module: (*m).clone(),
                tally,
                gains,
                evaluations: evaluation_summary(&city, &m.id),
                items: item_analysis(&city, m),
            }
        })
        .collect();
    let scenarios = scenarios
        .iter()
        .map(|s| ScenarioFigures {
            scenario: (*s).clone(),
            review: scenario_review(&city, s),
        })
        .collect();
    let competencies = ratings_vs_measured(&city);
    CityReport {
        counts,
        enrolled: classes.iter().map(|c| c.enrolled).sum(),
        not_started: classes.iter().map(|c| c.not_started).sum(),
        total,
        gains,
        classes,
        modules,
        scenarios,
        competencies,
        months,
        evaluations: city.evaluations.len(),
        self_ratings: city.self_ratings.len(),
    }
}
