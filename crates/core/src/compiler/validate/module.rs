//! Modules: lessons, practice items, the knowledge check and its question pool; each item
//! kind's answer key.

use super::*;

pub(super) fn compile_module(
    ctx: &mut Ctx,
    src: &SrcModule,
    framework: &Framework,
    stem: &str,
) -> Module {
    let id = check_header(ctx, &src.id, &src.field, framework, stem);
    for c in &src.competencies {
        if !framework.has_competency(c.get_ref()) {
            ctx.err(
                c,
                "competencies",
                Rule::UnknownCompetency,
                format!("unknown competency `{}`", c.get_ref()),
            );
        }
    }
    ctx.unique(src.lessons.iter().map(|l| &l.id), "lesson");
    let item_ids = src
        .lessons
        .iter()
        .filter_map(|l| l.practice.as_ref().map(|p| &p.id))
        .chain(
            src.check
                .iter()
                .flat_map(|c| c.get_ref().items.iter().map(|i| &i.id)),
        );
    ctx.unique(item_ids, "item");
    if src.lessons.is_empty() {
        ctx.err(
            &src.id,
            "lesson",
            Rule::Structure,
            "a module needs at least one [[lesson]]",
        );
    }
    let lessons = src
        .lessons
        .iter()
        .map(|l| {
            let lid = ctx.id(&l.id, "lesson");
            let path = format!("lesson `{lid}`");
            let practice = match &l.practice {
                Some(p) => compile_item(ctx, p, &format!("{path}.practice")),
                None => {
                    ctx.err(
                        &l.id,
                        &path,
                        Rule::Structure,
                        "every lesson ends with a practice item ([lesson.practice])",
                    );
                    empty_item()
                }
            };
            Lesson {
                title: ctx.text(&l.title, &format!("{path}.title"), false),
                body_html: ctx.markdown(&l.body, &format!("{path}.body")),
                practice,
                id: lid,
            }
        })
        .collect();
    let check = match &src.check {
        Some(check) => {
            let c = check.get_ref();
            let items: Vec<Item> = c
                .items
                .iter()
                .map(|i| compile_item(ctx, i, &format!("check.item `{}`", i.id.get_ref())))
                .collect();
            let draw = c.draw.as_ref().map(|d| *d.get_ref());
            if let Some(d) = &c.draw {
                let n = *d.get_ref() as usize;
                if n == 0 || items.len() < 2 * n {
                    ctx.err(
                        d,
                        "check.draw",
                        Rule::PoolTooSmall,
                        format!(
                            "a pool drawing {n} items per attempt needs at least {} items \
                             (distinct pre- and post-test draws); it has {}",
                            (2 * n).max(2),
                            items.len()
                        ),
                    );
                } else if let Some(first) = items.first() {
                    if let Some(odd) = items.iter().find(|i| i.points != first.points) {
                        ctx.err(
                            d,
                            "check.draw",
                            Rule::PoolTooSmall,
                            format!(
                                "items of a pool must be worth the same points: `{}` gives {}, \
                                 `{}` gives {}",
                                first.id, first.points, odd.id, odd.points
                            ),
                        );
                    }
                }
            }
            let max: u32 = match draw {
                Some(n) => items.first().map_or(0, |i| i.points) * n,
                None => items.iter().map(|i| i.points).sum(),
            };
            let pass = *c.pass_points.get_ref();
            if items.is_empty() {
                ctx.err(
                    check,
                    "check",
                    Rule::PassMarkUnreachable,
                    "the knowledge check has no items ([[check.item]])",
                );
            } else if pass > max {
                ctx.err(
                    &c.pass_points,
                    "check.pass_points",
                    Rule::PassMarkUnreachable,
                    format!(
                        "pass mark {pass} cannot be reached: the items give at most {max} points"
                    ),
                );
            } else if pass == 0 {
                ctx.err(
                    &c.pass_points,
                    "check.pass_points",
                    Rule::PassMarkUnreachable,
                    "pass mark must be at least 1 point",
                );
            }
            Check {
                pass_points: pass,
                draw,
                items,
            }
        }
        None => {
            ctx.err(
                &src.id,
                "check",
                Rule::Structure,
                "a module ends with a knowledge check ([check])",
            );
            Check {
                pass_points: 0,
                draw: None,
                items: vec![],
            }
        }
    };
    Module {
        version: String::new(),
        field: src.field.get_ref().clone(),
        title: ctx.text(&src.title, "title", true),
        summary: ctx.text(&src.summary, "summary", true),
        duration_min: *src.duration_min.get_ref(),
        competencies: src
            .competencies
            .iter()
            .map(|c| c.get_ref().clone())
            .collect(),
        lessons,
        check,
        id,
    }
}

fn empty_item() -> Item {
    Item {
        id: String::new(),
        prompt: LocalText::default(),
        options: vec![],
        answer: Answer::TrueFalse(true),
        explanation: LocalText::default(),
        points: 0,
    }
}

fn compile_item(ctx: &mut Ctx, src: &SrcItem, path: &str) -> Item {
    let id = ctx.id(&src.id, path);
    ctx.unique(src.options.iter().map(|o| &o.id), "option");
    let options: Vec<ItemOption> = src
        .options
        .iter()
        .map(|o| {
            let oid = ctx.id(&o.id, path);
            let opath = format!("{path}.option `{oid}`");
            ItemOption {
                text: ctx.text(&o.text, &opath, false),
                feedback: o
                    .feedback
                    .as_ref()
                    .map(|f| ctx.text(f, &format!("{opath}.feedback"), false)),
                fixed: o.fixed,
                id: oid,
            }
        })
        .collect();
    let option_ids: BTreeSet<&str> = options.iter().map(|o| o.id.as_str()).collect();
    let kind = src.kind.get_ref().as_str();
    let answer = match &src.answer {
        None => {
            ctx.err(&src.id, path, Rule::BadAnswer, "the item has no `answer`");
            None
        }
        Some(a) => item_answer(ctx, kind, &src.kind, a, &option_ids, path),
    };
    let (min_opts, max_opts) = match kind {
        "single" => (2, 6),
        "multiple" => (2, 8),
        "ordering" => (2, 8),
        _ => (0, 0),
    };
    if kind != "true_false"
        && (options.len() < min_opts || options.len() > max_opts)
        && answer.is_some()
    {
        ctx.err(
            &src.kind,
            path,
            Rule::Structure,
            format!(
                "a `{kind}` item needs {min_opts}-{max_opts} options, found {}",
                options.len()
            ),
        );
    }
    if kind == "true_false" && !options.is_empty() {
        ctx.err(
            &src.kind,
            path,
            Rule::Structure,
            "a true_false item has no options",
        );
    }
    let explanation = match &src.explanation {
        Some(e) => ctx.text(e, &format!("{path}.explanation"), false),
        None => {
            ctx.err(
                &src.id,
                path,
                Rule::MissingFeedback,
                "the item has no `explanation` (learners see it after answering)",
            );
            LocalText::default()
        }
    };
    Item {
        prompt: ctx.text(&src.prompt, &format!("{path}.prompt"), false),
        options,
        answer: answer.unwrap_or(Answer::TrueFalse(true)),
        explanation,
        points: src.points.as_ref().map(|p| *p.get_ref()).unwrap_or(1),
        id,
    }
}

fn item_answer(
    ctx: &mut Ctx,
    kind: &str,
    kind_at: &Spanned<String>,
    answer: &Spanned<toml::Value>,
    options: &BTreeSet<&str>,
    path: &str,
) -> Option<Answer> {
    let field = format!("{path}.answer");
    let ids = |v: &toml::Value| -> Option<Vec<String>> {
        v.as_array()?
            .iter()
            .map(|x| x.as_str().map(str::to_owned))
            .collect()
    };
    let unknown = |list: &[String]| {
        list.iter()
            .find(|id| !options.contains(id.as_str()))
            .cloned()
    };
    match kind {
        "single" => match answer.get_ref().as_str() {
            Some(id) if options.contains(id) => Some(Answer::Single(id.to_owned())),
            Some(id) => {
                ctx.err(
                    answer,
                    field,
                    Rule::BadAnswer,
                    format!("answer `{id}` is not one of the options"),
                );
                None
            }
            None => {
                ctx.err(
                    answer,
                    field,
                    Rule::BadAnswer,
                    "a `single` item's answer is one option id (a string)",
                );
                None
            }
        },
        "true_false" => match answer.get_ref().as_bool() {
            Some(b) => Some(Answer::TrueFalse(b)),
            None => {
                ctx.err(
                    answer,
                    field,
                    Rule::BadAnswer,
                    "a `true_false` item's answer is true or false",
                );
                None
            }
        },
        "multiple" => match ids(answer.get_ref()) {
            Some(list) if list.is_empty() => {
                ctx.err(
                    answer,
                    field,
                    Rule::BadAnswer,
                    "a `multiple` item needs at least one correct option",
                );
                None
            }
            Some(list) => match unknown(&list) {
                Some(id) => {
                    ctx.err(
                        answer,
                        field,
                        Rule::BadAnswer,
                        format!("answer `{id}` is not one of the options"),
                    );
                    None
                }
                None => Some(Answer::Multiple(list)),
            },
            None => {
                ctx.err(
                    answer,
                    field,
                    Rule::BadAnswer,
                    "a `multiple` item's answer is a list of option ids",
                );
                None
            }
        },
        "ordering" => {
            match ids(answer.get_ref()) {
                Some(list) => {
                    let set: BTreeSet<&str> = list.iter().map(String::as_str).collect();
                    if let Some(id) = unknown(&list) {
                        ctx.err(
                            answer,
                            field,
                            Rule::BadAnswer,
                            format!("answer `{id}` is not one of the options"),
                        );
                        None
                    } else if set.len() != list.len() || set != *options {
                        ctx.err(answer, field, Rule::BadAnswer, "an `ordering` answer lists every option exactly once, in the right order");
                        None
                    } else {
                        Some(Answer::Ordering(list))
                    }
                }
                None => {
                    ctx.err(
                        answer,
                        field,
                        Rule::BadAnswer,
                        "an `ordering` item's answer is the list of option ids in order",
                    );
                    None
                }
            }
        }
        other => {
            ctx.err(
                kind_at,
                format!("{path}.kind"),
                Rule::BadAnswer,
                format!("unknown item kind `{other}` (single, multiple, true_false, ordering)"),
            );
            None
        }
    }
}
