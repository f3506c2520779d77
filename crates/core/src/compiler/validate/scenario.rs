//! Scenarios: nodes, choices and their consequences, score conditions, the harm rule and
//! the graph (every node reachable, an ending reachable from every node).

use super::*;

pub(super) fn compile_scenario(
    ctx: &mut Ctx,
    src: &SrcScenario,
    framework: &Framework,
    stem: &str,
) -> Scenario {
    let id = check_header(ctx, &src.id, &src.field, framework, stem);
    let competencies: Vec<String> = src
        .competencies
        .get_ref()
        .iter()
        .map(|c| c.get_ref().clone())
        .collect();
    for c in src.competencies.get_ref() {
        if !framework.has_competency(c.get_ref()) {
            ctx.err(
                c,
                "competencies",
                Rule::UnknownCompetency,
                format!(
                    "unknown competency `{}` (see competencies.toml)",
                    c.get_ref()
                ),
            );
        }
    }
    if competencies.is_empty() {
        ctx.err(
            &src.competencies,
            "competencies",
            Rule::Structure,
            "a scenario scores at least one competency",
        );
    }
    let (lo, hi) = *src.delta_range.get_ref();
    if lo > hi {
        ctx.err(
            &src.delta_range,
            "delta_range",
            Rule::ScoreRange,
            format!("delta_range [{lo}, {hi}] is empty"),
        );
    }
    ctx.unique(src.nodes.iter().map(|n| &n.id), "node");
    let node_ids: BTreeSet<&str> = src.nodes.iter().map(|n| n.id.get_ref().as_str()).collect();
    if !node_ids.contains(src.start.get_ref().as_str()) {
        ctx.err(
            &src.start,
            "start",
            Rule::MissingTarget,
            format!("start node `{}` does not exist", src.start.get_ref()),
        );
    }

    let mut nodes = Vec::new();
    for n in &src.nodes {
        let nid = ctx.id(&n.id, "node");
        let npath = format!("node `{nid}`");
        ctx.unique(n.choices.iter().map(|c| &c.id), &format!("{npath} choice"));
        let ending = n.ending.as_ref().map(|e| {
            let e_ref = e.get_ref();
            let kind = match e_ref.kind.get_ref().as_str() {
                "good" => EndingKind::Good,
                "mixed" => EndingKind::Mixed,
                "bad" => EndingKind::Bad,
                other => {
                    ctx.err(
                        &e_ref.kind,
                        format!("{npath}.ending.kind"),
                        Rule::Structure,
                        format!("unknown ending kind `{other}` (good, mixed, bad)"),
                    );
                    EndingKind::Mixed
                }
            };
            Ending {
                kind,
                title: ctx.text(&e_ref.title, &format!("{npath}.ending.title"), false),
            }
        });
        if ending.is_some() && !n.choices.is_empty() {
            ctx.err(
                &n.id,
                &npath,
                Rule::Structure,
                "an ending node has no choices",
            );
        }
        if ending.is_none() && n.choices.is_empty() {
            ctx.err(
                &n.id,
                &npath,
                Rule::NoEnding,
                "this node has no choices and is not an ending: the learner would be stuck",
            );
        }
        let choices = n
            .choices
            .iter()
            .map(|c| compile_choice(ctx, c, &npath, &competencies, &node_ids, (lo, hi)))
            .collect();
        nodes.push(Node {
            text_html: ctx.markdown(&n.text, &format!("{npath}.text")),
            image: n.image.as_ref().map(|i| i.get_ref().clone()),
            choices,
            ending,
            id: nid,
        });
    }

    let scenario = Scenario {
        version: String::new(),
        field: src.field.get_ref().clone(),
        title: ctx.text(&src.title, "title", true),
        summary: ctx.text(&src.summary, "summary", true),
        duration_min: *src.duration_min.get_ref(),
        competencies,
        delta_range: (lo, hi),
        start: src.start.get_ref().clone(),
        nodes,
        id,
    };
    if scenario.endings().next().is_none() {
        ctx.err(
            &src.id,
            "node",
            Rule::NoEnding,
            "the scenario has no ending node ([node.ending])",
        );
    }
    check_graph(ctx, src, &scenario);
    check_harm(ctx, src, &scenario);
    scenario
}

/// No good ending after harm: a choice marked `harm` (someone hurt, a citizen wronged, the
/// law broken) must not lead, on any playable path, to an ending of kind "good".
fn check_harm(ctx: &mut Ctx, src: &SrcScenario, scenario: &Scenario) {
    for found in crate::compiler::trust::good_endings_after_harm(scenario) {
        let at = src
            .nodes
            .iter()
            .find(|n| n.id.get_ref() == &found.node)
            .and_then(|n| n.choices.iter().find(|c| c.id.get_ref() == &found.choice));
        let Some(harm) = at.and_then(|c| c.harm.as_ref()) else {
            continue;
        };
        ctx.err(
            harm,
            format!("node `{}`.choice `{}`.harm", found.node, found.choice),
            Rule::HarmThenGood,
            format!(
                "this choice is marked harm, yet a path through it reaches the good ending `{}`: \
                 route it to a mixed or bad ending, or add a branch condition",
                found.ending
            ),
        );
    }
}

fn compile_choice(
    ctx: &mut Ctx,
    c: &SrcChoice,
    npath: &str,
    competencies: &[String],
    node_ids: &BTreeSet<&str>,
    (lo, hi): (i32, i32),
) -> Choice {
    let cid = ctx.id(&c.id, npath);
    let cpath = format!("{npath}.choice `{cid}`");
    for target in std::iter::once(&c.to).chain(c.branches.iter().map(|b| &b.to)) {
        if !node_ids.contains(target.get_ref().as_str()) {
            ctx.err(
                target,
                format!("{cpath}.to"),
                Rule::MissingTarget,
                format!("points to missing node `{}`", target.get_ref()),
            );
        }
    }
    let mut scores = BTreeMap::new();
    for (comp, delta) in &c.scores {
        if !competencies.contains(comp.get_ref()) {
            ctx.err(
                comp,
                format!("{cpath}.scores"),
                Rule::UnknownCompetency,
                format!("`{}` is not a competency of this scenario", comp.get_ref()),
            );
        }
        let d = *delta.get_ref();
        if d < i64::from(lo) || d > i64::from(hi) {
            ctx.err(
                delta,
                format!("{cpath}.scores.{}", comp.get_ref()),
                Rule::ScoreRange,
                format!("score {d} is outside delta_range [{lo}, {hi}]"),
            );
        }
        scores.insert(
            comp.get_ref().clone(),
            d.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
        );
    }
    let branches = c
        .branches
        .iter()
        .filter_map(|b| {
            let when = parse_condition(b.when.get_ref(), competencies);
            match when {
                Ok(when) => Some(Branch {
                    when,
                    to: b.to.get_ref().clone(),
                }),
                Err(msg) => {
                    let rule = if msg.contains("competency") {
                        Rule::UnknownCompetency
                    } else {
                        Rule::BadCondition
                    };
                    ctx.err(&b.when, format!("{cpath}.branch.when"), rule, msg);
                    None
                }
            }
        })
        .collect();
    let feedback = match &c.feedback {
        Some(f) => ctx.text(f, &format!("{cpath}.feedback"), false),
        None => {
            ctx.err(
                &c.id,
                &cpath,
                Rule::MissingFeedback,
                "the choice has no `feedback` (why it is good or poor)",
            );
            LocalText::default()
        }
    };
    let consequence = match &c.consequence {
        Some(f) => ctx.text(f, &format!("{cpath}.consequence"), false),
        None => {
            ctx.err(
                &c.id,
                &cpath,
                Rule::MissingFeedback,
                "the choice has no `consequence` (what happens next)",
            );
            LocalText::default()
        }
    };
    Choice {
        text: ctx.text(&c.text, &format!("{cpath}.text"), false),
        to: c.to.get_ref().clone(),
        branches,
        consequence,
        feedback,
        scores,
        harm: c.harm.as_ref().is_some_and(|h| *h.get_ref()),
        id: cid,
    }
}

/// `giao_tiep >= 2 and total > 0`
pub fn parse_condition(src: &str, competencies: &[String]) -> Result<Condition, String> {
    let mut all = Vec::new();
    for clause in src.split(" and ") {
        let tokens: Vec<&str> = clause.split_whitespace().collect();
        let [subject, op, value] = tokens.as_slice() else {
            return Err(format!("cannot read condition `{clause}`: write `<competency> <op> <number>`, e.g. `giao_tiep >= 2`"));
        };
        if *subject != TOTAL_SUBJECT && !competencies.iter().any(|c| c == subject) {
            return Err(format!(
                "`{subject}` is not a competency of this scenario (or `total`)"
            ));
        }
        let op = CompareOp::parse(op)
            .ok_or_else(|| format!("unknown comparison `{op}` (use >=, <=, >, <, ==)"))?;
        let value: i32 = value
            .parse()
            .map_err(|_| format!("`{value}` is not a whole number"))?;
        all.push(Comparison {
            subject: (*subject).to_owned(),
            op,
            value,
        });
    }
    Ok(Condition { all })
}

/// Reachability from the start, and that an ending can be reached from every node.
fn check_graph(ctx: &mut Ctx, src: &SrcScenario, scenario: &Scenario) {
    let spans: BTreeMap<&str, &Spanned<String>> = src
        .nodes
        .iter()
        .map(|n| (n.id.get_ref().as_str(), &n.id))
        .collect();
    let edges = |id: &str| -> Vec<String> {
        scenario
            .node(id)
            .map(|n| {
                n.choices
                    .iter()
                    .flat_map(|c| c.targets().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut reached = BTreeSet::new();
    let mut queue = VecDeque::from([scenario.start.clone()]);
    while let Some(id) = queue.pop_front() {
        if scenario.node(&id).is_none() || !reached.insert(id.clone()) {
            continue;
        }
        queue.extend(edges(&id));
    }
    // reverse edges: which nodes can reach an ending
    let mut can_end: BTreeSet<String> = scenario.endings().map(|n| n.id.clone()).collect();
    loop {
        let before = can_end.len();
        for n in &scenario.nodes {
            if !can_end.contains(&n.id)
                && n.choices
                    .iter()
                    .any(|c| c.targets().any(|t| can_end.contains(t)))
            {
                can_end.insert(n.id.clone());
            }
        }
        if can_end.len() == before {
            break;
        }
    }
    let mut seen = HashSet::new();
    for n in &scenario.nodes {
        if !seen.insert(n.id.as_str()) {
            continue;
        }
        let Some(span) = spans.get(n.id.as_str()) else {
            continue;
        };
        if !reached.contains(&n.id) {
            ctx.err(
                *span,
                format!("node `{}`", n.id),
                Rule::Unreachable,
                "this node cannot be reached from the start",
            );
        } else if !can_end.contains(&n.id) && !n.choices.is_empty() {
            ctx.err(
                *span,
                format!("node `{}`", n.id),
                Rule::NoEnding,
                "no ending can be reached from this node (a dead end or a cycle with no exit)",
            );
        }
    }
}
