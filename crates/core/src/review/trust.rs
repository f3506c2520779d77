//! What the review believes of a statement: who vouches for it, and what its results are worth
//! once recomputed from the content.
//!
//! A device sends its own verdicts, and an LRS account can post any `actor`. So:
//!
//! 1. **Identity** ([`vouched`]): a statement counts only when its `authority` (which the LRS
//!    sets from the account that posted it) names its `actor`. Without an authority, or with
//!    another one, it is set aside. The one exception is an anonymous evaluation, whose actor
//!    is by design nobody's account ([`vouched_anonymous`]).
//! 2. **Content version** ([`Versions`]): a module or scenario statement counts only for a
//!    content version the review has; the keys and scores live there.
//! 3. **Results** ([`recompute`]): every answer's success and score, every choice's success,
//!    deltas and next node, every attempt's score, verdict, ending and competency figures are
//!    recomputed from the responses and the content version. A statement that does not fit
//!    (an item or choice the version lacks, a choice away from where the attempt stood, an
//!    item answered twice) is set aside; a claim that differs from the recomputed value is
//!    listed as a [`Claim`], and the figures use the recomputed value.
//!
//! What this cannot catch: the device holds the answer keys, so a learner who reads them can
//! post right answers under their own name. The portal's checks are formative.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{
    Answer, Choice, Content, ContentKind, EndingKind, Item, ItemKind, Module, Scenario,
};
use crate::scenario::{profile, ScenarioState};

use super::class::{content_of, Attempt, ContentRef};
use super::statement::{Account, Statement};

/// The compiled content versions a review checks statements against.
#[derive(Clone, Debug, Default)]
pub struct Versions {
    /// By content id (looked up without allocating, once per statement); each id's few
    /// versions, both kinds, in a list.
    by_id: HashMap<String, Vec<Content>>,
}

impl Versions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one version (a second copy of a version already there is ignored).
    pub fn insert(&mut self, content: Content) {
        let list = self.by_id.entry(content.id().to_owned()).or_default();
        if !list
            .iter()
            .any(|c| c.kind() == content.kind() && c.version() == content.version())
        {
            list.push(content);
        }
    }

    /// The content of this module or scenario at `version`.
    pub fn get(&self, content: &ContentRef, version: &str) -> Option<&Content> {
        self.by_id
            .get(content.id.as_str())?
            .iter()
            .find(|c| c.kind() == content.kind && c.version() == version)
    }

    /// Every version held, as (kind, id, version), sorted.
    pub fn keys(&self) -> Vec<(ContentKind, &str, &str)> {
        let mut keys: Vec<_> = self
            .by_id
            .values()
            .flatten()
            .map(|c| (c.kind(), c.id(), c.version()))
            .collect();
        keys.sort();
        keys
    }

    /// Number of versions.
    pub fn len(&self) -> usize {
        self.by_id.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// Each content version the module and scenario statements name, once (by content, then
/// version): what a caller may fetch before building the class.
pub fn versions_named(statements: &[Statement], base: &str) -> Vec<(ContentRef, String)> {
    let base = base.trim_end_matches('/');
    let mut named: BTreeSet<(ContentRef, &str)> = BTreeSet::new();
    for s in statements {
        if let (Some(version), Some(content)) = (s.revision.as_deref(), content_of(s, base)) {
            named.insert((content, version));
        }
    }
    named.into_iter().map(|(c, v)| (c, v.to_owned())).collect()
}

impl Versions {
    /// Whether this version of this content is here.
    pub fn has(&self, content: &ContentRef, version: &str) -> bool {
        self.get(content, version).is_some()
    }
}

impl FromIterator<Content> for Versions {
    fn from_iter<I: IntoIterator<Item = Content>>(iter: I) -> Self {
        let mut v = Versions::new();
        for c in iter {
            v.insert(c);
        }
        v
    }
}

/// Why a statement was set aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SetAsideReason {
    /// No `authority`: nobody vouches for it.
    NoAuthority,
    /// The account that posted it is not the learner it names.
    AuthorityNotActor,
    /// For a content version the review does not have (or none named).
    UnknownVersion,
    /// Names an item, node or choice its content version lacks, or does not follow the
    /// attempt (a choice away from where the attempt stood, an item answered twice).
    DoesNotFit,
}

impl SetAsideReason {
    pub const ALL: [SetAsideReason; 4] = [
        SetAsideReason::NoAuthority,
        SetAsideReason::AuthorityNotActor,
        SetAsideReason::UnknownVersion,
        SetAsideReason::DoesNotFit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SetAsideReason::NoAuthority => "no_authority",
            SetAsideReason::AuthorityNotActor => "authority_not_actor",
            SetAsideReason::UnknownVersion => "unknown_version",
            SetAsideReason::DoesNotFit => "does_not_fit",
        }
    }
}

/// A statement left out of the figures, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct SetAside {
    pub statement: String,
    /// The learner it names (not necessarily who posted it).
    pub actor: Account,
    pub reason: SetAsideReason,
    /// Its object's id.
    pub object: String,
    pub at_ms: i64,
    pub class_code: Option<String>,
}

impl SetAside {
    pub(super) fn of(s: &Statement, reason: SetAsideReason) -> Self {
        SetAside {
            statement: s.id.clone(),
            actor: s.actor.clone(),
            reason,
            object: s.object_id.clone(),
            at_ms: s.time_ms(),
            class_code: s.class_code.clone(),
        }
    }
}

/// Which part of a result a claim is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClaimField {
    /// An answer's or a choice's `success`.
    Success,
    /// An answer's or an attempt's `score` (raw of max).
    Score,
    /// An attempt's verdict (`passed` / `failed`).
    Verdict,
    /// A choice's `next-node`.
    NextNode,
    /// A choice's `competency-deltas`.
    Deltas,
    /// An attempt's `completed` where its answers or path do not finish it.
    Completion,
    Ending,
    EndingKind,
    CompetencyScores,
    CompetencyLevels,
}

impl ClaimField {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimField::Success => "success",
            ClaimField::Score => "score",
            ClaimField::Verdict => "verdict",
            ClaimField::NextNode => "next_node",
            ClaimField::Deltas => "deltas",
            ClaimField::Completion => "completion",
            ClaimField::Ending => "ending",
            ClaimField::EndingKind => "ending_kind",
            ClaimField::CompetencyScores => "competency_scores",
            ClaimField::CompetencyLevels => "competency_levels",
        }
    }
}

/// A value as claimed or recomputed.
#[derive(Clone, Debug, PartialEq)]
pub enum ClaimValue {
    /// Not given (claimed), or nothing to give (recomputed).
    Absent,
    Bool(bool),
    /// Points of points (either may be missing from a claim).
    Score {
        raw: Option<f64>,
        max: Option<f64>,
    },
    Text(String),
    Kind(EndingKind),
    Numbers(BTreeMap<String, f64>),
}

/// A result a statement claims that its responses and the content do not give.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    pub registration: String,
    /// The statement that claims it.
    pub statement: Option<String>,
    /// The learner (the actor, vouched for).
    pub account: Account,
    pub content: ContentRef,
    /// The item or node; None for the attempt's own result.
    pub part: Option<String>,
    pub field: ClaimField,
    pub claimed: ClaimValue,
    pub recomputed: ClaimValue,
    pub at_ms: i64,
}

/// What the trust checks left out and found, for the filtered class.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trust {
    /// Oldest first.
    pub set_aside: Vec<SetAside>,
    /// By learner, then attempt, then in the attempt's order.
    pub claims: Vec<Claim>,
}

impl Trust {
    /// How many statements were set aside for each reason (every reason, zeros included).
    pub fn by_reason(&self) -> Vec<(SetAsideReason, usize)> {
        SetAsideReason::ALL
            .into_iter()
            .map(|r| (r, self.set_aside.iter().filter(|s| s.reason == r).count()))
            .collect()
    }

    /// Statements with at least one claim that differs.
    pub fn claiming_statements(&self) -> usize {
        let ids: HashSet<(&str, Option<&str>)> = self
            .claims
            .iter()
            .map(|c| (c.registration.as_str(), c.statement.as_deref()))
            .collect();
        ids.len()
    }
}

/// Whether the statement's `authority` names its `actor`.
pub fn vouched(s: &Statement) -> Result<(), SetAsideReason> {
    if s.authority.is_empty() {
        Err(SetAsideReason::NoAuthority)
    } else if s.authority.contains(&s.actor) {
        Ok(())
    } else {
        Err(SetAsideReason::AuthorityNotActor)
    }
}

/// An anonymous evaluation: its actor has no name and an account of the portal named by the
/// evaluation's own UUID (the key its answers are grouped by), which no LRS account is. It
/// counts when an account of the same home page posted it (the portal's write-only anonymous
/// account, or a learner's on an older portal; the review never says which, as the learner
/// chose). Anything else goes through [`vouched`].
pub fn vouched_anonymous(s: &Statement, registration: &str) -> Result<(), SetAsideReason> {
    let anonymous = s.actor_name.is_none()
        && !s.actor.home_page.is_empty()
        && s.actor.name.eq_ignore_ascii_case(registration);
    if anonymous && s.authority.iter().any(|a| a.home_page == s.actor.home_page) {
        return Ok(());
    }
    vouched(s)
}

/// The answer an xAPI `response` gives for this item (see `xapi::response`); None when it
/// cannot be one.
pub fn parse_response(item: &Item, response: &str) -> Option<Answer> {
    let list = || response.split("[,]").map(str::to_owned).collect::<Vec<_>>();
    Some(match item.kind() {
        ItemKind::Single => Answer::Single(response.to_owned()),
        ItemKind::Multiple => Answer::Multiple(list()),
        ItemKind::Ordering => Answer::Ordering(list()),
        ItemKind::TrueFalse => Answer::TrueFalse(match response {
            "true" => true,
            "false" => false,
            _ => return None,
        }),
    })
}

/// Whether `response` is a right answer to `item` (a response the item does not accept is
/// wrong).
pub fn is_right(item: &Item, response: Option<&str>) -> bool {
    response
        .and_then(|r| parse_response(item, r))
        .is_some_and(|a| item.accepts(&a) && item.is_correct(&a))
}

/// What [`recompute`] found in one attempt.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recomputed {
    pub claims: Vec<Claim>,
    /// Statements taken out of the attempt (all [`SetAsideReason::DoesNotFit`]).
    pub set_aside: Vec<SetAside>,
}

const EPSILON: f64 = 1e-9;

fn same_number(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < EPSILON,
        (None, None) => true,
        _ => false,
    }
}

fn same_numbers(a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && (va - vb).abs() < EPSILON)
}

/// A choice's deltas as the statement mapping writes them (every competency it scores).
fn deltas_of(choice: &Choice) -> BTreeMap<String, f64> {
    choice
        .scores
        .iter()
        .map(|(k, v)| (k.clone(), f64::from(*v)))
        .collect()
}

/// Whether claimed deltas are the choice's own (compared without building a map: the
/// common, honest case allocates nothing).
fn same_deltas(claimed: &BTreeMap<String, f64>, choice: &Choice) -> bool {
    claimed.len() == choice.scores.len()
        && claimed
            .iter()
            .zip(&choice.scores)
            .all(|((ka, va), (kb, vb))| ka == kb && (va - f64::from(*vb)).abs() < EPSILON)
}

fn score_value(raw: Option<f64>, max: Option<f64>) -> ClaimValue {
    if raw.is_none() && max.is_none() {
        ClaimValue::Absent
    } else {
        ClaimValue::Score { raw, max }
    }
}

fn bool_value(b: Option<bool>) -> ClaimValue {
    b.map_or(ClaimValue::Absent, ClaimValue::Bool)
}

fn text_value(t: Option<&str>) -> ClaimValue {
    t.map_or(ClaimValue::Absent, |t| ClaimValue::Text(t.to_owned()))
}

/// Collects claims for one attempt.
struct Auditor<'a> {
    attempt: &'a Attempt,
    actor: &'a Account,
    out: Recomputed,
}

impl Auditor<'_> {
    fn claim(
        &mut self,
        statement: Option<&str>,
        part: Option<&str>,
        field: ClaimField,
        claimed: ClaimValue,
        recomputed: ClaimValue,
        at_ms: i64,
    ) {
        self.out.claims.push(Claim {
            registration: self.attempt.registration.clone(),
            statement: statement.map(str::to_owned),
            account: self.actor.clone(),
            content: self.attempt.content.clone(),
            part: part.map(str::to_owned),
            field,
            claimed,
            recomputed,
            at_ms,
        });
    }

    fn set_aside(&mut self, statement: &str, part: &str, at_ms: i64) {
        self.out.set_aside.push(SetAside {
            statement: statement.to_owned(),
            actor: self.actor.clone(),
            reason: SetAsideReason::DoesNotFit,
            object: part.to_owned(),
            at_ms,
            class_code: self.attempt.class_code.clone(),
        });
    }
}

/// Recomputes one attempt's results from `content` (its version), in place: answers and
/// choices that do not fit are taken out, every value the figures read is replaced by the
/// recomputed one, and each claimed value that differs is returned (see the module doc).
/// `actor` is the attempt's learner.
pub fn recompute(attempt: &mut Attempt, content: &Content, actor: &Account) -> Recomputed {
    let mut audit = Auditor {
        attempt: &*attempt,
        actor,
        out: Recomputed::default(),
    };
    let changes = match content {
        Content::Module(m) => Changes::Module(module_changes(&mut audit, m)),
        Content::Scenario(s) => Changes::Scenario(scenario_changes(&mut audit, s)),
    };
    let out = audit.out;
    let removed = out.set_aside.len();
    match changes {
        Changes::Module(c) => c.apply(attempt),
        Changes::Scenario(c) => c.apply(attempt),
    }
    attempt.statements = attempt.statements.saturating_sub(removed);
    out
}

enum Changes {
    Module(ModuleChanges),
    Scenario(ScenarioChanges),
}

/// One answer as the content scores it: right or not, and (check items) points of points.
struct AnswerResult {
    correct: bool,
    score: Option<(f64, f64)>,
}

/// Recomputed answers (by index; None = set aside) and the attempt's result.
struct ModuleChanges {
    answers: Vec<Option<AnswerResult>>,
    /// None: no finish claimed; Some(None): claimed but not earned.
    finish: Option<Option<ModuleFinish>>,
}

struct ModuleFinish {
    raw: f64,
    max: f64,
    passed: Option<bool>,
}

impl ModuleChanges {
    fn apply(self, a: &mut Attempt) {
        let mut kept = Vec::with_capacity(a.answers.len());
        for (mut ans, change) in a.answers.drain(..).zip(self.answers) {
            if let Some(r) = change {
                ans.success = Some(r.correct);
                ans.raw = r.score.map(|s| s.0);
                ans.max = r.score.map(|s| s.1);
                kept.push(ans);
            }
        }
        a.answers = kept;
        match self.finish {
            None => {}
            Some(None) => a.finish = None,
            Some(Some(f)) => {
                if let Some(finish) = &mut a.finish {
                    finish.score_raw = Some(f.raw);
                    finish.score_max = Some(f.max);
                    finish.passed = f.passed;
                }
            }
        }
    }
}

fn module_changes(audit: &mut Auditor<'_>, m: &Module) -> ModuleChanges {
    let a = audit.attempt;
    let per_attempt = m.check.items_per_attempt();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut checks = 0usize;
    let mut raw = 0u32;
    let mut answers = Vec::with_capacity(a.answers.len());
    for ans in &a.answers {
        // a pre-test's answers are check items too (role `pretest`)
        let check = ans.check || a.pretest;
        let item = if check {
            m.check.items.iter().find(|i| i.id == ans.item)
        } else {
            m.lessons
                .iter()
                .map(|l| &l.practice)
                .find(|i| i.id == ans.item)
        };
        let fits =
            item.filter(|_| seen.insert(ans.item.as_str()) && (!check || checks < per_attempt));
        let Some(item) = fits else {
            audit.set_aside(&ans.statement, &ans.item, ans.at_ms);
            answers.push(None);
            continue;
        };
        let correct = is_right(item, ans.response.as_deref());
        let score = check.then(|| {
            let got = if correct { item.points } else { 0 };
            (f64::from(got), f64::from(item.points))
        });
        if check {
            checks += 1;
            if correct {
                raw += item.points;
            }
        }
        let (id, part, at) = (
            Some(ans.statement.as_str()),
            Some(ans.item.as_str()),
            ans.at_ms,
        );
        if ans.success != Some(correct) {
            audit.claim(
                id,
                part,
                ClaimField::Success,
                bool_value(ans.success),
                ClaimValue::Bool(correct),
                at,
            );
        }
        if !same_number(ans.raw, score.map(|s| s.0)) || !same_number(ans.max, score.map(|s| s.1)) {
            audit.claim(
                id,
                part,
                ClaimField::Score,
                score_value(ans.raw, ans.max),
                score_value(score.map(|s| s.0), score.map(|s| s.1)),
                at,
            );
        }
        answers.push(Some(AnswerResult { correct, score }));
    }
    let finish = a.finish.as_ref().map(|f| {
        let (id, at) = (
            f.verdict_statement
                .as_deref()
                .or(f.completed_statement.as_deref()),
            f.at_ms,
        );
        if checks < per_attempt {
            audit.claim(
                id,
                None,
                ClaimField::Completion,
                ClaimValue::Bool(true),
                ClaimValue::Bool(false),
                at,
            );
            return None;
        }
        let max = f64::from(m.check.max_points());
        let raw = f64::from(raw);
        if !same_number(f.score_raw, Some(raw)) || !same_number(f.score_max, Some(max)) {
            audit.claim(
                id,
                None,
                ClaimField::Score,
                score_value(f.score_raw, f.score_max),
                score_value(Some(raw), Some(max)),
                at,
            );
        }
        // a pre-test is a diagnosis: never a verdict; otherwise the pass mark decides
        let passed = match (a.pretest, f.passed) {
            (false, Some(_)) => Some(raw >= f64::from(m.check.pass_points)),
            _ => None,
        };
        if passed != f.passed {
            audit.claim(
                f.verdict_statement.as_deref(),
                None,
                ClaimField::Verdict,
                bool_value(f.passed),
                bool_value(passed),
                at,
            );
        }
        Some(ModuleFinish { raw, max, passed })
    });
    ModuleChanges { answers, finish }
}

/// One choice as the content scores it (None: the claimed value is the right one).
struct ChoiceResult {
    success: bool,
    deltas: Option<BTreeMap<String, f64>>,
    to: Option<String>,
}

/// Recomputed choices (by index; None = set aside) and the attempt's ending.
struct ScenarioChanges {
    choices: Vec<Option<ChoiceResult>>,
    finish: Option<Option<ScenarioFinish>>,
}

struct ScenarioFinish {
    ending: String,
    kind: EndingKind,
    scores: BTreeMap<String, f64>,
    levels: BTreeMap<String, f64>,
}

impl ScenarioChanges {
    fn apply(self, a: &mut Attempt) {
        let mut kept = Vec::with_capacity(a.choices.len());
        for (mut c, change) in a.choices.drain(..).zip(self.choices) {
            if let Some(r) = change {
                c.success = Some(r.success);
                if let Some(deltas) = r.deltas {
                    c.deltas = deltas;
                }
                if let Some(to) = r.to {
                    c.to = Some(to);
                }
                kept.push(c);
            }
        }
        a.choices = kept;
        match self.finish {
            None => {}
            Some(None) => a.finish = None,
            Some(Some(f)) => {
                if let Some(finish) = &mut a.finish {
                    finish.ending = Some(f.ending);
                    finish.ending_kind = Some(f.kind);
                    finish.competency_scores = f.scores;
                    finish.competency_levels = f.levels;
                }
            }
        }
    }
}

fn scenario_changes(audit: &mut Auditor<'_>, s: &Scenario) -> ScenarioChanges {
    let a = audit.attempt;
    let mut state = ScenarioState::new(s);
    let mut choices = Vec::with_capacity(a.choices.len());
    for c in &a.choices {
        // the choice must be where the attempt stands; the engine takes it (or refuses)
        let found = (c.node == state.node)
            .then(|| s.node(&c.node))
            .flatten()
            .and_then(|n| Some((n, n.choice(&c.choice)?)));
        let taken = match found {
            Some((node, choice)) => state
                .take(s, &choice.id, c.at_ms)
                .ok()
                .map(|step| (node, choice, step.to.clone())),
            None => None,
        };
        let Some((node, choice, to)) = taken else {
            audit.set_aside(&c.statement, &c.node, c.at_ms);
            choices.push(None);
            continue;
        };
        let best = node.choices.iter().map(|x| x.total()).max().unwrap_or(0);
        let success = choice.total() >= best;
        // recomputed values are built only where the claim differs (None: as claimed)
        let deltas = (!same_deltas(&c.deltas, choice)).then(|| deltas_of(choice));
        let (id, part, at) = (Some(c.statement.as_str()), Some(c.node.as_str()), c.at_ms);
        if c.success != Some(success) {
            audit.claim(
                id,
                part,
                ClaimField::Success,
                bool_value(c.success),
                ClaimValue::Bool(success),
                at,
            );
        }
        if let Some(deltas) = &deltas {
            audit.claim(
                id,
                part,
                ClaimField::Deltas,
                ClaimValue::Numbers(c.deltas.clone()),
                ClaimValue::Numbers(deltas.clone()),
                at,
            );
        }
        let to_differs = c.to.as_deref() != Some(to.as_str());
        if to_differs {
            audit.claim(
                id,
                part,
                ClaimField::NextNode,
                text_value(c.to.as_deref()),
                ClaimValue::Text(to.clone()),
                at,
            );
        }
        choices.push(Some(ChoiceResult {
            success,
            deltas,
            to: to_differs.then_some(to),
        }));
    }
    let finish = a.finish.as_ref().map(|f| {
        let (id, at) = (f.completed_statement.as_deref(), f.at_ms);
        let Some(kind) = s
            .node(&state.node)
            .and_then(|n| n.ending.as_ref())
            .map(|e| e.kind)
        else {
            audit.claim(
                id,
                None,
                ClaimField::Completion,
                ClaimValue::Bool(true),
                ClaimValue::Bool(false),
                at,
            );
            return None;
        };
        let results = profile(s, &state.steps);
        let scores: BTreeMap<String, f64> = results
            .iter()
            .map(|c| (c.competency.clone(), f64::from(c.raw)))
            .collect();
        // as the statement mapping: a level only where a decision could move it
        let levels: BTreeMap<String, f64> = results
            .iter()
            .filter(|c| c.decisions > 0)
            .map(|c| (c.competency.clone(), c.level))
            .collect();
        if f.ending.as_deref() != Some(state.node.as_str()) {
            audit.claim(
                id,
                None,
                ClaimField::Ending,
                text_value(f.ending.as_deref()),
                ClaimValue::Text(state.node.clone()),
                at,
            );
        }
        if f.ending_kind != Some(kind) {
            audit.claim(
                id,
                None,
                ClaimField::EndingKind,
                f.ending_kind.map_or(ClaimValue::Absent, ClaimValue::Kind),
                ClaimValue::Kind(kind),
                at,
            );
        }
        if !same_numbers(&f.competency_scores, &scores) {
            audit.claim(
                id,
                None,
                ClaimField::CompetencyScores,
                ClaimValue::Numbers(f.competency_scores.clone()),
                ClaimValue::Numbers(scores.clone()),
                at,
            );
        }
        if !same_numbers(&f.competency_levels, &levels) {
            audit.claim(
                id,
                None,
                ClaimField::CompetencyLevels,
                ClaimValue::Numbers(f.competency_levels.clone()),
                ClaimValue::Numbers(levels.clone()),
                at,
            );
        }
        Some(ScenarioFinish {
            ending: state.node.clone(),
            kind,
            scores,
            levels,
        })
    });
    ScenarioChanges { choices, finish }
}
