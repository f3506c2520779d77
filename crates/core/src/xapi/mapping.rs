//! The attempt mapping: an attempt's log to its statements, event by event (the table in the
//! module doc of [`super`]).

use serde_json::Value;

use super::calendar::{duration, timestamp};
use super::class_activity;
use super::html::{html_lang_map, lang_map};
use super::ids::{normalize_uuid, StatementSlot};
use super::iri::{ext_key, is_absolute_iri, StatementContext};
use super::types::*;
use super::vocabulary::{activity_types, ext, verb, verbs, CMI5_PROGRESS};
use super::XapiError;
use crate::attempt::{Action, Attempt, AttemptEvent, Outcome};
use crate::model::{Answer, Content, Item, Module, Node, Scenario};
use crate::module::{check_item, AttemptMode, Draw, ModuleState, Position};
use crate::scenario::{self, Step};
use crate::shuffle;
use crate::text::LocalText;

/// The xAPI response / pattern string of an answer.
pub fn response(answer: &Answer) -> String {
    match answer {
        Answer::Single(id) => id.clone(),
        Answer::Multiple(ids) | Answer::Ordering(ids) => ids.join("[,]"),
        Answer::TrueFalse(b) => b.to_string(),
    }
}

fn item_definition(item: &Item) -> ActivityDefinition {
    let (interaction, with_choices) = match item.answer {
        Answer::Single(_) | Answer::Multiple(_) => ("choice", true),
        Answer::TrueFalse(_) => ("true-false", false),
        Answer::Ordering(_) => ("sequencing", true),
    };
    ActivityDefinition {
        name: None,
        description: Some(lang_map(&item.prompt)),
        kind: activity_types::INTERACTION.into(),
        interaction_type: Some(interaction.into()),
        correct_responses_pattern: Some(vec![response(&item.answer)]),
        choices: with_choices.then(|| {
            item.options
                .iter()
                .map(|o| InteractionComponent {
                    id: o.id.clone(),
                    description: lang_map(&o.text),
                })
                .collect()
        }),
        scale: None,
    }
}

fn node_definition(node: &Node) -> ActivityDefinition {
    // "Correct" = scoring the highest total at this node, the rule of the end-screen recap.
    let best = node.choices.iter().map(|c| c.total()).max();
    ActivityDefinition {
        name: None,
        description: Some(html_lang_map(&node.text_html)),
        kind: activity_types::INTERACTION.into(),
        interaction_type: Some("choice".into()),
        correct_responses_pattern: Some(
            node.choices
                .iter()
                .filter(|c| Some(c.total()) == best)
                .map(|c| c.id.clone())
                .collect(),
        ),
        choices: Some(
            node.choices
                .iter()
                .map(|c| InteractionComponent {
                    id: c.id.clone(),
                    description: lang_map(&c.text),
                })
                .collect(),
        ),
        scale: None,
    }
}

/// A statement before the parts common to the whole attempt are added.
struct Draft {
    verb: &'static str,
    object: Activity,
    result: Option<StatementResult>,
    parent: Vec<Activity>,
    grouping: Vec<Activity>,
    extensions: Extensions,
}

impl Draft {
    fn new(verb: &'static str, object: Activity) -> Self {
        Draft {
            verb,
            object,
            result: None,
            parent: Vec::new(),
            grouping: Vec::new(),
            extensions: Extensions::new(),
        }
    }
}

/// What the mapping knows of the content, as activities.
struct Acts<'a> {
    ctx: &'a StatementContext,
    root: Activity,
    field: Activity,
    /// The module, for a pre-test (whose root is the pre-test activity).
    module: Option<Activity>,
}

impl<'a> Acts<'a> {
    fn new(ctx: &'a StatementContext, content: &Content, mode: AttemptMode) -> Self {
        let (root, field) = match content {
            Content::Module(m) => (
                activity(
                    ctx.module_id(&m.id),
                    typed(
                        activity_types::MODULE,
                        Some(lang_map(&m.title)),
                        Some(lang_map(&m.summary)),
                    ),
                ),
                &m.field,
            ),
            Content::Scenario(s) => (
                activity(
                    ctx.scenario_id(&s.id),
                    typed(
                        activity_types::SIMULATION,
                        Some(lang_map(&s.title)),
                        Some(lang_map(&s.summary)),
                    ),
                ),
                &s.field,
            ),
        };
        let field = activity(ctx.field_id(field), typed(&ctx.field_type(), None, None));
        match (content, mode) {
            (Content::Module(m), AttemptMode::PreTest) => {
                let pretest = activity(
                    ctx.pretest_id(&m.id),
                    typed(
                        activity_types::ASSESSMENT,
                        Some(lang_map(&LocalText {
                            vi: format!("Kiểm tra đầu vào: {}", m.title.vi),
                            en: m.title.en.as_ref().map(|t| format!("Pre-test: {t}")),
                        })),
                        None,
                    ),
                );
                Acts {
                    ctx,
                    root: pretest,
                    field,
                    module: Some(root),
                }
            }
            _ => Acts {
                ctx,
                root,
                field,
                module: None,
            },
        }
    }

    /// A statement about the module/scenario (or pre-test) itself.
    fn on_root(&self, verb: &'static str) -> Draft {
        let mut d = Draft::new(verb, self.root.clone());
        d.parent = self.module.iter().cloned().collect();
        d.grouping = vec![self.field.clone()];
        d
    }

    /// A statement about a part (lesson, item, node) of the module/scenario (or pre-test).
    fn on_part(&self, verb: &'static str, object: Activity) -> Draft {
        let mut d = Draft::new(verb, object);
        d.parent = vec![self.root.clone()];
        d.grouping = self
            .module
            .iter()
            .cloned()
            .chain([self.field.clone()])
            .collect();
        d
    }

    fn lesson(&self, module: &Module, index: usize) -> Option<Activity> {
        let lesson = module.lessons.get(index)?;
        Some(activity(
            self.ctx.lesson_id(&module.id, &lesson.id),
            typed(activity_types::LESSON, Some(lang_map(&lesson.title)), None),
        ))
    }
}

/// Walks the log in order, knowing where the learner was before each event.
struct Walker<'a> {
    ctx: &'a StatementContext,
    content: &'a Content,
    acts: Acts<'a>,
    started_ms: i64,
    /// Module: where the learner is, and since when.
    position: Position,
    /// Module: the attempt's mode, draw and practice flag (from `Started`).
    mode: AttemptMode,
    drawn: Option<Vec<String>>,
    draw: Option<Draw>,
    practice_only: bool,
    opened_ms: i64,
    answered: usize,
    /// Scenario: the path so far.
    steps: Vec<Step>,
    /// The seed of the shown order (from `Started`); None: written order, not reported.
    order_seed: Option<u32>,
}

/// `shown-position` and `shown-order` of an answer given with `ids` written in this order and
/// shown in `order` (see [`shuffle`]): the places of `chosen` (an integer for one id, an array
/// for several). None when a chosen id is not among `ids`.
fn shown_extensions(
    ctx: &StatementContext,
    ids: &[&str],
    order: &[usize],
    chosen: &[&str],
    several: bool,
) -> Option<Extensions> {
    let places: Vec<u32> = chosen
        .iter()
        .map(|c| {
            let written = ids.iter().position(|id| id == c)?;
            shuffle::place_of(order, written)
        })
        .collect::<Option<_>>()?;
    let position = match (several, places.as_slice()) {
        (false, [one]) => Value::from(*one),
        _ => Value::from(places),
    };
    let shown: Vec<Value> = order
        .iter()
        .filter_map(|i| ids.get(*i).map(|id| Value::from(*id)))
        .collect();
    Some(Extensions::from([
        (ext_key(ctx, ext::SHOWN_POSITION), position),
        (ext_key(ctx, ext::SHOWN_ORDER), Value::Array(shown)),
    ]))
}

impl<'a> Walker<'a> {
    fn step(&mut self, event: &AttemptEvent) -> Result<Vec<Draft>, XapiError> {
        let bad = |reason: &str| XapiError::Inconsistent {
            seq: event.seq,
            reason: reason.into(),
        };
        let ctx = self.ctx;
        let since_open = event.at_ms - self.opened_ms;
        let drafts = match (&event.action, self.content) {
            (
                Action::Started {
                    mode,
                    draw,
                    practice_only,
                    order_seed,
                    ..
                },
                _,
            ) => {
                self.started_ms = event.at_ms;
                self.order_seed = *order_seed;
                self.opened_ms = event.at_ms;
                self.mode = *mode;
                self.drawn = draw.as_ref().map(|d| d.items.clone());
                self.draw = draw.clone();
                self.practice_only = *practice_only;
                if !mode.is_full() {
                    self.position = Position::Check(0);
                }
                vec![
                    self.acts.on_root(verbs::LAUNCHED),
                    self.acts.on_root(verbs::INITIALIZED),
                ]
            }
            (
                Action::Answered {
                    item,
                    answer,
                    correct,
                },
                Content::Module(m),
            ) => {
                let (found, lesson) = match self.position {
                    Position::Lesson(i) => (
                        m.lessons.get(i).map(|l| &l.practice),
                        Some(
                            self.acts
                                .lesson(m, i)
                                .ok_or_else(|| bad("no such lesson"))?,
                        ),
                    ),
                    Position::Check(i) => (check_item(m, self.drawn.as_deref(), i), None),
                    Position::Done => (None, None),
                };
                let found = found
                    .filter(|it| &it.id == item)
                    .ok_or_else(|| bad("answered item is not the current item"))?;
                self.answered += 1;
                let object = activity(ctx.item_id(&m.id, &found.id), item_definition(found));
                let mut result = StatementResult {
                    success: Some(*correct),
                    response: Some(response(answer)),
                    duration: Some(duration(since_open)),
                    ..StatementResult::default()
                };
                if let Some(seed) = self.order_seed.filter(|_| shuffle::is_shuffled(found)) {
                    let ids: Vec<&str> = found.options.iter().map(|o| o.id.as_str()).collect();
                    let (chosen, several): (Vec<&str>, bool) = match answer {
                        Answer::Single(id) => (vec![id.as_str()], false),
                        Answer::Multiple(list) => (list.iter().map(String::as_str).collect(), true),
                        _ => (Vec::new(), false),
                    };
                    let order = shuffle::option_order(Some(seed), found);
                    result.extensions = shown_extensions(ctx, &ids, &order, &chosen, several)
                        .ok_or_else(|| bad("answer names an option the item does not have"))?;
                }
                let mut d = match lesson {
                    Some(lesson) => {
                        // A practice item belongs to its lesson; the module is one step up.
                        let mut d = Draft::new(verbs::ANSWERED, object);
                        d.parent = vec![lesson];
                        d.grouping = vec![self.acts.root.clone(), self.acts.field.clone()];
                        d.extensions
                            .insert(ext_key(ctx, ext::ITEM_ROLE), "practice".into());
                        d
                    }
                    None => {
                        result.score = Some(Score::of(
                            if *correct { found.points } else { 0 },
                            found.points,
                        ));
                        let mut d = self.acts.on_part(verbs::ANSWERED, object);
                        let role = match self.mode {
                            AttemptMode::Full => "check",
                            AttemptMode::PreTest => "pretest",
                        };
                        d.extensions
                            .insert(ext_key(ctx, ext::ITEM_ROLE), role.into());
                        d
                    }
                };
                d.result = Some(result);
                vec![d]
            }
            (Action::Advanced { to }, Content::Module(m)) => {
                let mut out = Vec::new();
                if let Position::Lesson(i) = self.position {
                    let lesson = self
                        .acts
                        .lesson(m, i)
                        .ok_or_else(|| bad("no such lesson"))?;
                    let mut d = self.acts.on_part(verbs::EXPERIENCED, lesson);
                    d.result = Some(StatementResult {
                        completion: Some(true),
                        duration: Some(duration(since_open)),
                        ..StatementResult::default()
                    });
                    out.push(d);
                }
                if *to != Position::Done {
                    let total = ModuleState::with(self.mode, self.drawn.clone())
                        .progress(m)
                        .1;
                    let percent = (self.answered * 100).checked_div(total).unwrap_or(100);
                    let mut d = self.acts.on_root(verbs::PROGRESSED);
                    d.result = Some(StatementResult {
                        extensions: Extensions::from([(
                            CMI5_PROGRESS.to_owned(),
                            Value::from(percent),
                        )]),
                        ..StatementResult::default()
                    });
                    out.push(d);
                }
                self.position = *to;
                self.opened_ms = event.at_ms;
                out
            }
            (Action::Chose { node, choice, to }, Content::Scenario(s)) => {
                let n = s.node(node).ok_or_else(|| bad("unknown node"))?;
                let c = n.choice(choice).ok_or_else(|| bad("unknown choice"))?;
                let best = n.choices.iter().map(|c| c.total()).max().unwrap_or(0);
                let object = activity(ctx.node_id(&s.id, &n.id), node_definition(n));
                let mut d = self.acts.on_part(verbs::ANSWERED, object);
                let deltas: serde_json::Map<String, Value> = c
                    .scores
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(*v)))
                    .collect();
                let mut extensions = Extensions::from([
                    (ext_key(ctx, ext::COMPETENCY_DELTAS), Value::Object(deltas)),
                    (ext_key(ctx, ext::NEXT_NODE), Value::from(to.clone())),
                ]);
                if let Some(seed) = self.order_seed {
                    let ids: Vec<&str> = n.choices.iter().map(|c| c.id.as_str()).collect();
                    let order = shuffle::choice_order(Some(seed), n);
                    extensions.extend(
                        shown_extensions(ctx, &ids, &order, &[c.id.as_str()], false)
                            .ok_or_else(|| bad("unknown choice"))?,
                    );
                }
                d.result = Some(StatementResult {
                    success: Some(c.total() >= best),
                    response: Some(c.id.clone()),
                    duration: Some(duration(since_open)),
                    extensions,
                    ..StatementResult::default()
                });
                d.extensions
                    .insert(ext_key(ctx, ext::NODE_ID), Value::from(n.id.clone()));
                self.steps.push(Step {
                    node: node.clone(),
                    choice: choice.clone(),
                    to: to.clone(),
                    at_ms: event.at_ms,
                });
                self.opened_ms = event.at_ms;
                vec![d]
            }
            (Action::Finished { outcome }, _) => {
                self.finished(outcome, event.seq, event.at_ms - self.started_ms)?
            }
            _ => return Err(bad("action does not apply to this content")),
        };
        Ok(drafts)
    }

    fn finished(&self, outcome: &Outcome, seq: u32, elapsed: i64) -> Result<Vec<Draft>, XapiError> {
        let ctx = self.ctx;
        let took = duration(elapsed);
        let mut completed = self.acts.on_root(verbs::COMPLETED);
        let mut completed_result = StatementResult {
            completion: Some(true),
            duration: Some(took.clone()),
            ..StatementResult::default()
        };
        let mut out = Vec::new();
        let mut verdict = None;
        match (outcome, self.content) {
            (Outcome::Module { score, passed }, Content::Module(_)) => {
                let draw_ext: Extensions = match &self.draw {
                    Some(d) => Extensions::from([
                        (ext_key(ctx, ext::DRAWN_ITEMS), Value::from(d.items.clone())),
                        (ext_key(ctx, ext::DRAW_SEED), Value::from(d.seed)),
                    ]),
                    None => Extensions::new(),
                };
                if self.mode == AttemptMode::PreTest || self.practice_only {
                    // A diagnosis, or a result scored on the device: no verdict, the score
                    // goes on `completed`.
                    completed_result.score = Some(Score::of(score.raw, score.max));
                    completed_result.extensions = draw_ext;
                } else {
                    let mut d = self.acts.on_root(if *passed {
                        verbs::PASSED
                    } else {
                        verbs::FAILED
                    });
                    d.result = Some(StatementResult {
                        score: Some(Score::of(score.raw, score.max)),
                        success: Some(*passed),
                        completion: Some(true),
                        duration: Some(took.clone()),
                        extensions: draw_ext.clone(),
                        ..StatementResult::default()
                    });
                    d.extensions
                        .insert(ext_key(ctx, ext::PASS_POINTS), Value::from(score.pass));
                    completed_result.extensions = draw_ext;
                    verdict = Some(d);
                }
            }
            (
                Outcome::Scenario {
                    ending,
                    ending_kind,
                },
                Content::Scenario(s),
            ) => {
                completed_result.extensions = scenario_totals(ctx, s, &self.steps);
                completed_result
                    .extensions
                    .insert(ext_key(ctx, ext::ENDING), Value::from(ending.clone()));
                completed_result.extensions.insert(
                    ext_key(ctx, ext::ENDING_KIND),
                    Value::from(ending_kind.as_str()),
                );
                completed
                    .extensions
                    .insert(ext_key(ctx, ext::NODE_ID), Value::from(ending.clone()));
            }
            _ => {
                return Err(XapiError::Inconsistent {
                    seq,
                    reason: "outcome of the other content kind".into(),
                })
            }
        }
        completed.result = Some(completed_result);
        out.push(completed);
        out.extend(verdict);
        let mut terminated = self.acts.on_root(verbs::TERMINATED);
        terminated.result = Some(StatementResult {
            duration: Some(took),
            ..StatementResult::default()
        });
        out.push(terminated);
        Ok(out)
    }
}

fn scenario_totals(ctx: &StatementContext, s: &Scenario, steps: &[Step]) -> Extensions {
    let profile = scenario::profile(s, steps);
    let scores: serde_json::Map<String, Value> = profile
        .iter()
        .map(|c| (c.competency.clone(), Value::from(c.raw)))
        .collect();
    // A level only means something where a decision on the path could move the competency;
    // elsewhere the engine reports 0, which would read as "worst".
    let levels: serde_json::Map<String, Value> = profile
        .iter()
        .filter(|c| c.decisions > 0)
        .map(|c| (c.competency.clone(), Value::from(c.level)))
        .collect();
    let mut out = Extensions::from([(ext_key(ctx, ext::COMPETENCY_SCORES), Value::Object(scores))]);
    if !levels.is_empty() {
        out.insert(ext_key(ctx, ext::COMPETENCY_LEVELS), Value::Object(levels));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Entry points.

/// Every statement of an attempt, in order. `events` is the attempt's whole log (any order);
/// `content` the version it was started on; `ids` gives each statement its id (a UUID).
pub fn statements_for(
    events: &[AttemptEvent],
    ctx: &StatementContext,
    content: &Content,
    ids: &mut impl FnMut(&StatementSlot<'_>) -> String,
) -> Result<Vec<Statement>, XapiError> {
    statements_from(events, 0, ctx, content, ids)
}

/// The statements of the events with `seq >= from_seq`, the earlier events giving the
/// context (what was open since when). `ids` is only asked for the statements returned.
pub fn statements_from(
    events: &[AttemptEvent],
    from_seq: u32,
    ctx: &StatementContext,
    content: &Content,
    ids: &mut impl FnMut(&StatementSlot<'_>) -> String,
) -> Result<Vec<Statement>, XapiError> {
    // The replay refuses logs that do not fit this content version (or have gaps).
    Attempt::replay(content, events)?;
    if !is_absolute_iri(ctx.base()) {
        return Err(XapiError::Base(ctx.base.clone()));
    }
    if !is_absolute_iri(&ctx.learner.home_page) {
        return Err(XapiError::HomePage(ctx.learner.home_page.clone()));
    }
    let mut sorted: Vec<&AttemptEvent> = events.iter().collect();
    crate::order::sort_by_key(&mut sorted, |e| i64::from(e.seq));
    let Some(first) = sorted.first() else {
        return Ok(Vec::new());
    };
    let registration = normalize_uuid(&first.attempt_id)
        .ok_or_else(|| XapiError::Registration(first.attempt_id.clone()))?;
    let (mode, practice_only) = match &first.action {
        Action::Started {
            mode,
            practice_only,
            ..
        } => (*mode, *practice_only),
        _ => (AttemptMode::Full, false),
    };

    let actor = Agent {
        object_type: "Agent".into(),
        name: Some(ctx.learner.name.clone()),
        account: Account {
            home_page: ctx.learner.home_page.clone(),
            name: ctx.learner.account_name.clone(),
        },
    };
    let category = vec![activity(
        ctx.profile_id(),
        typed(activity_types::PROFILE, None, None),
    )];
    let mut common_ext = Extensions::new();
    common_ext.insert(
        ext_key(ctx, ext::CONTENT_VERSION),
        Value::from(content.version()),
    );
    if !ctx.class_code.trim().is_empty() {
        common_ext.insert(
            ext_key(ctx, ext::CLASS_CODE),
            Value::from(ctx.class_code.trim()),
        );
    }
    if practice_only {
        common_ext.insert(ext_key(ctx, ext::PRACTICE_ONLY), Value::from(true));
    }

    let class = class_activity(ctx);
    let mut walker = Walker {
        ctx,
        content,
        acts: Acts::new(ctx, content, mode),
        started_ms: first.at_ms,
        position: Position::Lesson(0),
        mode,
        drawn: None,
        draw: None,
        practice_only,
        opened_ms: first.at_ms,
        answered: 0,
        steps: Vec::new(),
        order_seed: None,
    };
    let mut out = Vec::new();
    for event in sorted {
        let drafts = walker.step(event)?;
        if event.seq < from_seq {
            continue;
        }
        let at = timestamp(event.at_ms)?;
        for (index, d) in drafts.into_iter().enumerate() {
            let slot = StatementSlot {
                registration: &registration,
                seq: event.seq,
                index: index as u32,
                verb: d.verb,
            };
            let given = ids(&slot);
            let id = normalize_uuid(&given).ok_or(XapiError::StatementId(given))?;
            let mut extensions = common_ext.clone();
            extensions.insert(ext_key(ctx, ext::EVENT_SEQ), Value::from(event.seq));
            extensions.extend(d.extensions);
            let mut grouping = d.grouping;
            grouping.extend(class.clone());
            out.push(Statement {
                id,
                actor: actor.clone(),
                verb: verb(d.verb),
                object: d.object,
                result: d.result,
                context: Context {
                    registration: Some(registration.clone()),
                    context_activities: ContextActivities {
                        parent: d.parent,
                        grouping,
                        category: category.clone(),
                    },
                    revision: Some(content.version().to_owned()),
                    platform: Some(ctx.platform.clone()),
                    language: Some(ctx.language.as_str().to_owned()),
                    extensions,
                },
                timestamp: at.clone(),
            });
        }
    }
    Ok(out)
}
