//! Passages to nodes: node ids from passage names, endings (by tag), decisions (the links
//! and their annotations).

use super::*;

/// Passage name -> node id: slugs, made unique in file order.
pub(super) struct Ids(HashMap<String, String>);

impl Ids {
    pub(super) fn new(passages: &[&Passage]) -> Self {
        let mut used = HashSet::new();
        let mut map = HashMap::new();
        for p in passages {
            let base = slug(&p.name);
            let base = if base.is_empty() {
                "doan".to_owned()
            } else {
                base
            };
            let mut id = base.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            map.insert(p.name.clone(), id);
        }
        Ids(map)
    }

    pub(super) fn of(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }
}

/// `Mở đầu: gặp dì Năm` -> `mo-dau-gap-di-nam`: Vietnamese letters without their marks,
/// lowercase ASCII, anything else a single `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.nfd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum EndingKind {
    Good,
    Mixed,
    Bad,
}

impl EndingKind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            EndingKind::Good => "good",
            EndingKind::Mixed => "mixed",
            EndingKind::Bad => "bad",
        }
    }
}

#[derive(Default)]
pub(super) struct Text {
    pub(super) vi: String,
    pub(super) en: Option<String>,
}

pub(super) struct NodeOut {
    pub(super) name: String,
    pub(super) text: String,
    pub(super) choices: Vec<ChoiceOut>,
    pub(super) ending: Option<(EndingKind, Text)>,
}

#[derive(Default)]
pub(super) struct ChoiceOut {
    pub(super) line: usize,
    pub(super) id: Option<String>,
    pub(super) text: Text,
    pub(super) target: String,
    pub(super) consequence: Option<Text>,
    pub(super) feedback: Option<Text>,
    pub(super) scores: Vec<(String, i64)>,
    /// (condition, target passage)
    pub(super) branches: Vec<(String, String)>,
}

pub(super) fn read_nodes(
    passages: &[&Passage],
    meta: &Option<Option<Meta>>,
    cx: &mut Cx,
) -> Vec<NodeOut> {
    let names: HashSet<&str> = passages.iter().map(|p| p.name.as_str()).collect();
    let competencies = meta
        .as_ref()
        .and_then(Option::as_ref)
        .map(|m| m.competencies.clone());
    passages
        .iter()
        .map(|p| read_node(p, &names, competencies.as_deref(), cx))
        .collect()
}

pub(super) fn read_node(
    p: &Passage,
    names: &HashSet<&str>,
    competencies: Option<&[String]>,
    cx: &mut Cx,
) -> NodeOut {
    let field = p.field();
    for &(n, line) in &p.body {
        if let Some(msg) = unsupported(line) {
            cx.at(n, &field, Rule::Unsupported, msg);
        }
    }
    let mut endings = p.tags.iter().filter_map(|t| match t.as_str() {
        "ending-good" => Some(EndingKind::Good),
        "ending-mixed" => Some(EndingKind::Mixed),
        "ending-bad" => Some(EndingKind::Bad),
        _ => None,
    });
    let ending = endings.next();
    if endings.next().is_some() {
        cx.at(
            p.line,
            &field,
            Rule::Structure,
            "more than one ending tag (ending-good, ending-mixed, ending-bad)",
        );
    }
    match ending {
        Some(kind) => read_ending(p, kind, cx),
        None => read_decision(p, names, competencies, cx),
    }
}

pub(super) fn read_ending(p: &Passage, kind: EndingKind, cx: &mut Cx) -> NodeOut {
    let field = p.field();
    let mut title = Text::default();
    let mut text = Vec::new();
    for &(n, line) in &p.body {
        if line.contains("[[") {
            cx.at(
                n,
                &field,
                Rule::Structure,
                "an ending passage has no links (remove the link or the ending tag)",
            );
        } else if let Some((key, value)) = annotation(line) {
            match key {
                "title" => title.vi = value.to_owned(),
                "title.en" => title.en = Some(value.to_owned()),
                other => cx.at(
                    n,
                    &field,
                    Rule::Structure,
                    format!("`> {other}:` does not belong in an ending (only `> title:`)"),
                ),
            }
        } else {
            text.push(line);
        }
    }
    let text = text.join("\n").trim().to_owned();
    if text.is_empty() {
        cx.at(
            p.line,
            &field,
            Rule::MissingVietnamese,
            "the ending passage has no text: say what happened in the end",
        );
    }
    if title.vi.is_empty() {
        cx.at(
            p.line,
            &field,
            Rule::Structure,
            "an ending needs its title: a line `> title: …`",
        );
    }
    NodeOut {
        name: p.name.clone(),
        text,
        choices: Vec::new(),
        ending: Some((kind, title)),
    }
}

pub(super) fn read_decision(
    p: &Passage,
    names: &HashSet<&str>,
    competencies: Option<&[String]>,
    cx: &mut Cx,
) -> NodeOut {
    let field = p.field();
    let mut text = Vec::new();
    let mut choices: Vec<ChoiceOut> = Vec::new();
    // The annotation a continuation line extends: (choice index, key).
    let mut last_key: Option<&'static str> = None;
    for &(n, line) in &p.body {
        if let Some(link) = link_line(line) {
            let (label, target) = link;
            if !names.contains(target.as_str()) {
                cx.at(
                    n,
                    &field,
                    Rule::MissingTarget,
                    format!("the link points to a missing passage `{target}`"),
                );
            }
            choices.push(ChoiceOut {
                line: n,
                text: Text {
                    vi: label,
                    en: None,
                },
                target,
                ..ChoiceOut::default()
            });
            last_key = None;
            continue;
        }
        let Some(choice) = choices.last_mut() else {
            if line.contains("[[") {
                cx.at(
                    n,
                    &field,
                    Rule::Structure,
                    "a link must stand alone on its line, after the situation text",
                );
            }
            text.push(line);
            continue;
        };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            last_key = None;
            continue;
        }
        let Some(rest) = trimmed.strip_prefix('>') else {
            let msg = if trimmed.contains("[[") {
                "a link must stand alone on its line"
            } else {
                "text after the links: write the situation before the first link, and a \
                 choice's details on `> key: …` lines under its link"
            };
            cx.at(n, &field, Rule::Structure, msg);
            continue;
        };
        let rest = rest.trim();
        if let Some(when) = rest.strip_prefix("when ") {
            last_key = None;
            match read_branch(when, names) {
                Ok((condition, target)) => {
                    if let Some(comps) = competencies {
                        if let Err(msg) = parse_condition(&condition, comps) {
                            let rule = if msg.contains("competency") {
                                Rule::UnknownCompetency
                            } else {
                                Rule::BadCondition
                            };
                            cx.at(n, &field, rule, msg);
                        }
                    }
                    choice.branches.push((condition, target));
                }
                Err((rule, msg)) => cx.at(n, &field, rule, msg),
            }
            continue;
        }
        match annotation(line) {
            Some((key, value)) => {
                last_key = set_annotation(choice, key, value, n, &field, cx);
            }
            None => match last_key {
                // A `>` line without a key continues the previous text.
                Some(key) if key != "scores" && key != "id" => {
                    let slot = text_slot(choice, key);
                    if let Some(s) = slot {
                        s.push(' ');
                        s.push_str(rest);
                    }
                }
                _ => cx.at(
                    n,
                    &field,
                    Rule::Structure,
                    "a `>` line under a link starts with a key: consequence, feedback, \
                     scores, id, text.en, consequence.en, feedback.en, or `when …: [[…]]`",
                ),
            },
        }
    }
    if choices.is_empty() {
        cx.at(
            p.line,
            &field,
            Rule::NoEnding,
            "this passage has no links and no ending tag (ending-good, ending-mixed, \
             ending-bad): the learner would be stuck",
        );
    }
    let text = text.join("\n").trim().to_owned();
    if text.is_empty() && !choices.is_empty() {
        cx.at(
            p.line,
            &field,
            Rule::MissingVietnamese,
            "the passage has no situation text before its first link",
        );
    }
    for c in &choices {
        if c.feedback.is_none() {
            cx.at(
                c.line,
                &field,
                Rule::MissingFeedback,
                "the link has no `> feedback: …` (why this choice is good or poor)",
            );
        }
        if c.consequence.is_none() {
            cx.at(
                c.line,
                &field,
                Rule::MissingFeedback,
                "the link has no `> consequence: …` (what happens next)",
            );
        }
    }
    NodeOut {
        name: p.name.clone(),
        text,
        choices,
        ending: None,
    }
}

/// Records `> key: value` on a choice; returns the key a continuation line would extend.
pub(super) fn set_annotation(
    choice: &mut ChoiceOut,
    key: &str,
    value: &str,
    line: usize,
    field: &str,
    cx: &mut Cx,
) -> Option<&'static str> {
    let value = value.to_owned();
    match key {
        "id" => {
            choice.id = Some(value);
            Some("id")
        }
        "text.en" => {
            choice.text.en = Some(value);
            Some("text.en")
        }
        "consequence" | "feedback" => {
            let slot = if key == "consequence" {
                &mut choice.consequence
            } else {
                &mut choice.feedback
            };
            slot.get_or_insert_with(Text::default).vi = value;
            Some(if key == "consequence" {
                "consequence"
            } else {
                "feedback"
            })
        }
        "consequence.en" | "feedback.en" => {
            let slot = if key == "consequence.en" {
                &mut choice.consequence
            } else {
                &mut choice.feedback
            };
            slot.get_or_insert_with(Text::default).en = Some(value);
            Some(if key == "consequence.en" {
                "consequence.en"
            } else {
                "feedback.en"
            })
        }
        "scores" => {
            match parse_scores(&value) {
                Ok(scores) => choice.scores.extend(scores),
                Err(msg) => cx.at(line, field, Rule::Parse, msg),
            }
            Some("scores")
        }
        other => {
            cx.at(
                line,
                field,
                Rule::Structure,
                format!(
                    "unknown key `{other}` (consequence, feedback, scores, id, text.en, \
                     consequence.en, feedback.en, `when …: [[…]]`)"
                ),
            );
            None
        }
    }
}

pub(super) fn text_slot<'c>(choice: &'c mut ChoiceOut, key: &str) -> Option<&'c mut String> {
    match key {
        "text.en" => choice.text.en.as_mut(),
        "consequence" => choice.consequence.as_mut().map(|t| &mut t.vi),
        "feedback" => choice.feedback.as_mut().map(|t| &mut t.vi),
        "consequence.en" => choice.consequence.as_mut().and_then(|t| t.en.as_mut()),
        "feedback.en" => choice.feedback.as_mut().and_then(|t| t.en.as_mut()),
        _ => None,
    }
}
