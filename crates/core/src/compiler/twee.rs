//! Twee 3 import: a scenario drafted in Twine becomes a scenario TOML the compiler accepts.
//!
//! The convention for what Twine has no notion of (scenario metadata, consequences, feedback,
//! scores, branches on scores, endings) is documented in `docs/twee-import.md`. In short:
//!
//! ```text
//! :: StoryMeta                      TOML: id, field, title, summary, duration_min, …
//! :: Mở đầu {"position":"100,100"}
//! The situation (Markdown), then one link per line, each followed by its annotations:
//! [[Hướng dẫn một lần, đầy đủ->Chờ bổ sung]]
//! > consequence: …
//! > feedback: …
//! > scores: giao_tiep +2, phap_luat +1
//! > when giao_tiep >= 3: [[Kết thúc tốt]]
//! :: Kết thúc tốt [ending-good]
//! What happened in the end.
//! > title: Giải quyết đúng và nhanh
//! ```
//!
//! Errors carry the Twee file's line numbers. What is only a content error (an unknown
//! competency in `scores`, a score outside `delta_range`) is left to the compiler, which
//! reports it on the produced TOML.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use toml::Spanned;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::validate::parse_condition;
use super::{Diagnostic, Rule};

/// The passage holding the scenario's metadata (TOML).
pub const META_PASSAGE: &str = "StoryMeta";

/// What a conversion produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TweeImport {
    /// The scenario id (from `StoryMeta`): the TOML file must be named `<id>.toml`.
    pub scenario_id: String,
    /// The scenario TOML.
    pub toml: String,
    /// Passage name -> node id, in the order of the Twee file.
    pub nodes: Vec<(String, String)>,
}

/// Converts a Twee 3 source. `path` names the file in diagnostics.
pub fn import_twee(path: &Path, src: &str) -> Result<TweeImport, Vec<Diagnostic>> {
    let src: String = src.replace("\r\n", "\n").nfc().collect();
    let mut cx = Cx {
        path,
        diags: Vec::new(),
    };
    let passages = split_passages(&src, &mut cx);
    let story = Story::read(&passages, &mut cx);
    let meta = story
        .meta
        .map(|m| read_meta(m, story.title.clone(), &mut cx));
    let nodes = read_nodes(&story.nodes, &meta, &mut cx);
    let start = story.start(&mut cx);
    let (Some(meta), Some(start)) = (meta.flatten(), start) else {
        if cx.diags.is_empty() {
            cx.at(1, "", Rule::Structure, "nothing to convert");
        }
        return Err(cx.diags);
    };
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    let ids = Ids::new(&story.nodes);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let toml = write_scenario(&file_name, &meta, ids.of(&start.name), &nodes, &ids);
    Ok(TweeImport {
        scenario_id: meta.id.clone(),
        toml,
        nodes: story
            .nodes
            .iter()
            .map(|p| (p.name.clone(), ids.of(&p.name).to_owned()))
            .collect(),
    })
}

struct Cx<'a> {
    path: &'a Path,
    diags: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn at(&mut self, line: usize, field: &str, rule: Rule, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: self.path.to_owned(),
            line: Some(line),
            field: field.to_owned(),
            rule,
            message: message.into(),
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Passages

struct Passage<'s> {
    name: String,
    tags: Vec<String>,
    /// Line of the `::` header.
    line: usize,
    /// (line number, text) of each content line, trailing blank lines dropped.
    body: Vec<(usize, &'s str)>,
}

impl Passage<'_> {
    fn field(&self) -> String {
        format!("passage `{}`", self.name)
    }

    fn text(&self) -> String {
        self.body
            .iter()
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }
}

fn split_passages<'s>(src: &'s str, cx: &mut Cx) -> Vec<Passage<'s>> {
    let mut passages: Vec<Passage<'s>> = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let n = i + 1;
        if let Some(header) = line.strip_prefix("::") {
            match parse_header(header) {
                Ok((name, tags)) => passages.push(Passage {
                    name,
                    tags,
                    line: n,
                    body: Vec::new(),
                }),
                Err(msg) => cx.at(n, "", Rule::Parse, msg),
            }
        } else if let Some(p) = passages.last_mut() {
            // Twee 3 escapes a content line that starts with `::` as `\::`.
            let line = line
                .strip_prefix('\\')
                .filter(|l| l.starts_with("::"))
                .unwrap_or(line);
            p.body.push((n, line));
        }
    }
    for p in &mut passages {
        while p.body.last().is_some_and(|(_, l)| l.trim().is_empty()) {
            p.body.pop();
        }
    }
    let mut seen = HashSet::new();
    for p in &passages {
        if !seen.insert(p.name.clone()) {
            cx.at(
                p.line,
                &p.field(),
                Rule::DuplicateId,
                format!("a second passage named `{}`", p.name),
            );
        }
    }
    passages
}

/// `Name [tag tag] {"position":"…"}` with `\[`, `\]`, `\{`, `\}` and `\\` escapes.
fn parse_header(header: &str) -> Result<(String, Vec<String>), String> {
    let mut name = String::new();
    let mut chars = header.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '\\' => {
                chars.next();
                if let Some(e) = chars.next() {
                    name.push(e);
                }
            }
            '[' | '{' => break,
            _ => {
                name.push(c);
                chars.next();
            }
        }
    }
    let name = name.trim().to_owned();
    if name.is_empty() {
        return Err("a passage header `::` without a name".into());
    }
    let mut tags = Vec::new();
    if chars.peek() == Some(&'[') {
        chars.next();
        let mut block = String::new();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(e) = chars.next() {
                        block.push(e);
                    }
                }
                ']' => {
                    closed = true;
                    break;
                }
                _ => block.push(c),
            }
        }
        if !closed {
            return Err(format!(
                "the tags of passage `{name}` lack their closing `]`"
            ));
        }
        tags = block.split_whitespace().map(str::to_owned).collect();
    }
    // The metadata block (`{"position":…}`) is Twine's map layout: not needed here.
    Ok((name, tags))
}

// ---------------------------------------------------------------------------------------------
// Special passages

struct Story<'p, 's> {
    title: Option<String>,
    start_name: Option<(usize, String)>,
    meta: Option<&'p Passage<'s>>,
    nodes: Vec<&'p Passage<'s>>,
}

impl<'p, 's> Story<'p, 's> {
    fn read(passages: &'p [Passage<'s>], cx: &mut Cx) -> Self {
        let mut story = Story {
            title: None,
            start_name: None,
            meta: None,
            nodes: Vec::new(),
        };
        for p in passages {
            match p.name.as_str() {
                "StoryTitle" => story.title = Some(p.text()).filter(|t| !t.is_empty()),
                "StoryData" => story.start_name = story_data_start(p, cx),
                META_PASSAGE => story.meta = Some(p),
                _ if p.tags.iter().any(|t| t == "script" || t == "stylesheet") => {}
                _ => story.nodes.push(p),
            }
        }
        if story.meta.is_none() {
            cx.at(
                1,
                "",
                Rule::Structure,
                format!(
                    "no `:: {META_PASSAGE}` passage: it gives the scenario's id, field, \
                     summary, duration_min, competencies and delta_range (docs/twee-import.md)"
                ),
            );
        }
        story
    }

    /// StoryData's `start`, or the passage named `Start` (Twee's default).
    fn start(&self, cx: &mut Cx) -> Option<&'p Passage<'s>> {
        let (line, name) = self
            .start_name
            .clone()
            .unwrap_or_else(|| (1, "Start".to_owned()));
        let found = self.nodes.iter().find(|p| p.name == name).copied();
        if found.is_none() {
            cx.at(
                line,
                "StoryData.start",
                Rule::MissingTarget,
                format!("the start passage `{name}` does not exist (set \"start\" in StoryData)"),
            );
        }
        found
    }
}

fn story_data_start(p: &Passage, cx: &mut Cx) -> Option<(usize, String)> {
    let text = p
        .body
        .iter()
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join("\n");
    let line = p.body.first().map_or(p.line, |(n, _)| *n);
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(data) => data
            .get("start")
            .and_then(|s| s.as_str())
            .map(|s| (line, s.trim().to_owned())),
        Err(e) => {
            cx.at(
                line + e.line().saturating_sub(1),
                "StoryData",
                Rule::Parse,
                format!("StoryData is not JSON: {e}"),
            );
            None
        }
    }
}

/// The scenario's header, from `StoryMeta`.
struct Meta {
    id: String,
    /// Key and value, in the order of content-format.md.
    entries: Vec<(&'static str, toml::Value)>,
    competencies: Vec<String>,
}

const META_KEYS: [&str; 7] = [
    "id",
    "field",
    "title",
    "summary",
    "duration_min",
    "competencies",
    "delta_range",
];

fn read_meta(p: &Passage, story_title: Option<String>, cx: &mut Cx) -> Option<Meta> {
    let first = p.body.first().map_or(p.line + 1, |(n, _)| *n);
    // Keep the passage's line numbers: blank lines before the first body line are not in it.
    let text = p
        .body
        .iter()
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join("\n");
    let line_of = |offset: usize| first + text[..offset.min(text.len())].matches('\n').count();
    let parsed = toml::from_str::<toml::Table>(&text).and_then(|table| {
        // The keys again, with their places, for the errors below.
        toml::from_str::<BTreeMap<Spanned<String>, serde::de::IgnoredAny>>(&text)
            .map(|keys| (table, keys))
    });
    let (mut table, keys) = match parsed {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map_or(first, |s| line_of(s.start));
            cx.at(line, META_PASSAGE, Rule::Parse, e.message());
            return None;
        }
    };
    let mut values: HashMap<&'static str, toml::Value> = HashMap::new();
    let mut ok = true;
    for key in keys.keys() {
        let value = table.remove(key.get_ref());
        match (META_KEYS.iter().find(|k| **k == key.get_ref()), value) {
            (Some(k), Some(value)) => {
                values.insert(k, value);
            }
            _ => {
                let hint = match key.get_ref().as_str() {
                    "start" => " (the start passage comes from StoryData's \"start\")",
                    _ => "",
                };
                cx.at(
                    line_of(key.span().start),
                    META_PASSAGE,
                    Rule::Structure,
                    format!(
                        "unknown key `{}`{hint}; {META_PASSAGE} holds {}",
                        key.get_ref(),
                        META_KEYS.join(", ")
                    ),
                );
                ok = false;
            }
        }
    }
    // The title's Vietnamese may come from StoryTitle.
    let title = match (values.remove("title"), story_title) {
        (Some(toml::Value::Table(mut t)), Some(st)) => {
            t.entry("vi").or_insert(toml::Value::String(st));
            Some(toml::Value::Table(t))
        }
        (Some(v), _) => Some(v),
        (None, st) => st.map(toml::Value::String),
    };
    if let Some(t) = title {
        values.insert("title", t);
    }
    let mut entries = Vec::new();
    for key in META_KEYS {
        match values.remove(key) {
            Some(v) => entries.push((key, v)),
            None => {
                cx.at(
                    p.line,
                    META_PASSAGE,
                    Rule::Structure,
                    format!("`{key}` is missing"),
                );
                ok = false;
            }
        }
    }
    let id = entries
        .iter()
        .find(|(k, _)| *k == "id")
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let competencies = entries
        .iter()
        .find(|(k, _)| *k == "competencies")
        .and_then(|(_, v)| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ok.then_some(Meta {
        id,
        entries,
        competencies,
    })
}

// ---------------------------------------------------------------------------------------------
// Nodes

/// Passage name -> node id: slugs, made unique in file order.
struct Ids(HashMap<String, String>);

impl Ids {
    fn new(passages: &[&Passage]) -> Self {
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

    fn of(&self, name: &str) -> &str {
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
enum EndingKind {
    Good,
    Mixed,
    Bad,
}

impl EndingKind {
    fn as_str(self) -> &'static str {
        match self {
            EndingKind::Good => "good",
            EndingKind::Mixed => "mixed",
            EndingKind::Bad => "bad",
        }
    }
}

#[derive(Default)]
struct Text {
    vi: String,
    en: Option<String>,
}

struct NodeOut {
    name: String,
    text: String,
    choices: Vec<ChoiceOut>,
    ending: Option<(EndingKind, Text)>,
}

#[derive(Default)]
struct ChoiceOut {
    line: usize,
    id: Option<String>,
    text: Text,
    target: String,
    consequence: Option<Text>,
    feedback: Option<Text>,
    scores: Vec<(String, i64)>,
    /// (condition, target passage)
    branches: Vec<(String, String)>,
}

fn read_nodes(passages: &[&Passage], meta: &Option<Option<Meta>>, cx: &mut Cx) -> Vec<NodeOut> {
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

fn read_node(
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

fn read_ending(p: &Passage, kind: EndingKind, cx: &mut Cx) -> NodeOut {
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

fn read_decision(
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
fn set_annotation(
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

fn text_slot<'c>(choice: &'c mut ChoiceOut, key: &str) -> Option<&'c mut String> {
    match key {
        "text.en" => choice.text.en.as_mut(),
        "consequence" => choice.consequence.as_mut().map(|t| &mut t.vi),
        "feedback" => choice.feedback.as_mut().map(|t| &mut t.vi),
        "consequence.en" => choice.consequence.as_mut().and_then(|t| t.en.as_mut()),
        "feedback.en" => choice.feedback.as_mut().and_then(|t| t.en.as_mut()),
        _ => None,
    }
}

/// `> key: value`, where the key is lowercase ASCII with dots (`feedback.en`).
fn annotation(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix('>')?.trim_start();
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
    is_key.then(|| (key, rest[colon + 1..].trim()))
}

/// `giao_tiep +2, phap_luat -1` (also `giao_tiep = 2`).
fn parse_scores(value: &str) -> Result<Vec<(String, i64)>, String> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let parts: Vec<&str> = item
            .split(|c: char| c.is_whitespace() || c == '=' || c == ':')
            .filter(|s| !s.is_empty())
            .collect();
        let (name, delta) = match parts.as_slice() {
            [name, delta] => (*name, delta.parse::<i64>().ok()),
            _ => (item, None),
        };
        let Some(delta) = delta else {
            return Err(format!(
                "cannot read the score `{item}`: write `competency +N` or `competency -N`, \
                 separated by commas"
            ));
        };
        if out.iter().any(|(n, _)| n == name) {
            return Err(format!("`{name}` is scored twice"));
        }
        out.push((name.to_owned(), delta));
    }
    Ok(out)
}

/// `giao_tiep >= 3: [[Kết thúc tốt]]` -> (condition, target passage).
fn read_branch(when: &str, names: &HashSet<&str>) -> Result<(String, String), (Rule, String)> {
    let syntax = || {
        (
            Rule::Parse,
            "write a branch as `> when giao_tiep >= 3: [[Passage]]`".to_owned(),
        )
    };
    let open = when.find("[[").ok_or_else(syntax)?;
    let condition = when[..open].trim().strip_suffix(':').ok_or_else(syntax)?;
    let (_, target) = link_line(&when[open..]).ok_or_else(syntax)?;
    if !names.contains(target.as_str()) {
        return Err((
            Rule::MissingTarget,
            format!("the branch points to a missing passage `{target}`"),
        ));
    }
    Ok((condition.trim().to_owned(), target))
}

/// A line holding only a link (optionally as a list item) -> (text, target).
fn link_line(line: &str) -> Option<(String, String)> {
    let mut s = line.trim();
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = s.strip_prefix(bullet) {
            s = rest.trim_start();
        }
    }
    let inner = s.strip_prefix("[[")?.strip_suffix("]]")?;
    if inner.contains("[[") || inner.contains("]]") {
        return None;
    }
    let (text, target) = if let Some(i) = inner.rfind("->") {
        (&inner[..i], &inner[i + 2..])
    } else if let Some(i) = inner.find("<-") {
        (&inner[i + 2..], &inner[..i])
    } else if let Some(i) = inner.rfind('|') {
        (&inner[..i], &inner[i + 1..])
    } else {
        (inner, inner)
    };
    let (text, target) = (text.trim(), target.trim());
    if target.is_empty() || text.is_empty() {
        return None;
    }
    Some((text.to_owned(), target.to_owned()))
}

/// Story-format code the portal's player cannot run.
fn unsupported(line: &str) -> Option<String> {
    // Harlowe's macros that hold state or logic (names compared without `-`/`_` and case).
    const HARLOWE: &str = "if unless elseif else set put move goto link linkgoto linkreveal \
        linkrepeat linkrevealgoto linkundo click clickgoto display print either cond a array dm \
        datamap ds dataset history visited random live stop show hide replace append prepend \
        for loop alert prompt";
    let advice = "the portal's player runs no story-format code: write each alternative as its \
                  own passage and link, and branch on scores with `> when …: [[…]]`";
    if let Some(i) = line.find("<<") {
        if line[i + 2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        {
            return Some(format!("a SugarCube macro `<<…>>`: {advice}"));
        }
    }
    if line.contains("<%") {
        return Some(format!("Snowman code `<% … %>`: {advice}"));
    }
    let bytes = line.as_bytes();
    for (i, c) in line.char_indices() {
        let next = |k: usize| line[i + k..].chars().next();
        match c {
            '$' if next(1).is_some_and(|n| n.is_ascii_alphabetic() || n == '_') => {
                let var: String = line[i..]
                    .chars()
                    .take_while(|c| *c == '$' || c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                return Some(format!(
                    "a story variable `{var}`: {advice} (scores are the only state)"
                ));
            }
            '(' => {
                let word: String = line[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic() || *c == '-' || *c == '_')
                    .collect();
                let after = i + 1 + word.len();
                let normal: String = word
                    .chars()
                    .filter(|c| c.is_ascii_alphabetic())
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                if bytes.get(after) == Some(&b':')
                    && HARLOWE.split_whitespace().any(|m| m == normal)
                {
                    return Some(format!("a Harlowe macro `({word}:…)`: {advice}"));
                }
            }
            '{' if next(1).is_some_and(|n| n.is_ascii_alphabetic()) && line[i..].contains('}') => {
                return Some(format!("a Chapbook insert `{{…}}`: {advice}"));
            }
            _ => {}
        }
    }
    let t = line.trim();
    for modifier in [
        "[if ",
        "[unless ",
        "[else]",
        "[continue]",
        "[after ",
        "[append]",
    ] {
        if t.starts_with(modifier) && !t.starts_with("[[") {
            return Some(format!("a Chapbook modifier `{t}`: {advice}"));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Writing TOML

fn write_scenario(
    file_name: &str,
    meta: &Meta,
    start: &str,
    nodes: &[NodeOut],
    ids: &Ids,
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Converted from {file_name} by `boiduong-content import-twee`.\n\
         # Twine passage -> node id:\n"
    ));
    for n in nodes {
        out.push_str(&format!(
            "#   {} -> {}\n",
            basic_string(&n.name),
            ids.of(&n.name)
        ));
    }
    out.push('\n');
    for (key, value) in &meta.entries {
        out.push_str(&format!("{key} = {}\n", toml_value(value)));
    }
    out.push_str(&format!("start = {}\n", basic_string(start)));
    for n in nodes {
        out.push_str("\n# ");
        out.push_str(&"-".repeat(75));
        out.push_str("\n[[node]]\n");
        out.push_str(&format!("id = {}\n", basic_string(ids.of(&n.name))));
        out.push_str(&format!("text = {}\n", multiline_string(&n.text)));
        for (i, c) in n.choices.iter().enumerate() {
            let id = c.id.clone().unwrap_or_else(|| choice_id(i));
            out.push_str("\n[[node.choice]]\n");
            out.push_str(&format!("id = {}\n", basic_string(&id)));
            out.push_str(&format!("text = {}\n", text_value(&c.text)));
            out.push_str(&format!("to = {}\n", basic_string(ids.of(&c.target))));
            if let Some(t) = &c.consequence {
                out.push_str(&format!("consequence = {}\n", text_value(t)));
            }
            if let Some(t) = &c.feedback {
                out.push_str(&format!("feedback = {}\n", text_value(t)));
            }
            if !c.scores.is_empty() {
                let scores: Vec<String> = c
                    .scores
                    .iter()
                    .map(|(k, v)| format!("{} = {v}", key(k)))
                    .collect();
                out.push_str(&format!("scores = {{ {} }}\n", scores.join(", ")));
            }
            for (condition, target) in &c.branches {
                out.push_str("\n[[node.choice.branch]]\n");
                out.push_str(&format!("when = {}\n", basic_string(condition)));
                out.push_str(&format!("to = {}\n", basic_string(ids.of(target))));
            }
        }
        if let Some((kind, title)) = &n.ending {
            out.push_str("\n[node.ending]\n");
            out.push_str(&format!("kind = \"{}\"\n", kind.as_str()));
            out.push_str(&format!("title = {}\n", text_value(title)));
        }
    }
    out
}

/// `a`, `b`, … `z`, then `c27`, `c28`, …
fn choice_id(i: usize) -> String {
    match u8::try_from(i).ok().filter(|i| *i < 26) {
        Some(i) => char::from(b'a' + i).to_string(),
        None => format!("c{}", i + 1),
    }
}

fn text_value(t: &Text) -> String {
    match &t.en {
        None => basic_string(&t.vi),
        Some(en) => format!(
            "{{ vi = {}, en = {} }}",
            basic_string(&t.vi),
            basic_string(en)
        ),
    }
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_owned()
    } else {
        basic_string(k)
    }
}

fn toml_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => basic_string(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(a) => format!(
            "[{}]",
            a.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        toml::Value::Table(t) => {
            // `vi` before `en`, as everywhere in the content.
            let mut keys: Vec<&String> = t.keys().collect();
            keys.sort_by_key(|k| (k.as_str() != "vi", k.as_str() != "en", k.as_str()));
            let items: Vec<String> = keys
                .iter()
                .map(|k| format!("{} = {}", key(k), toml_value(&t[k.as_str()])))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '\\' => out.push_str("\\\\"),
        '"' => out.push_str("\\\""),
        '\n' => out.push_str("\\n"),
        '\t' => out.push('\t'),
        c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
        c => out.push(c),
    }
}

/// A TOML basic string (`"…"`), escaped.
fn basic_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        escape_char(c, &mut out);
    }
    out.push('"');
    out
}

/// A TOML multi-line basic string (`"""` on its own lines), for Markdown texts.
fn multiline_string(s: &str) -> String {
    if !s.contains('\n') {
        return basic_string(s);
    }
    let mut out = String::from("\"\"\"\n");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            // A quote is escaped only where it could start or close a `"""`.
            '"' if chars.peek() == Some(&'"') => out.push_str("\\\""),
            '"' => out.push('"'),
            c => escape_char(c, &mut out),
        }
    }
    out.push_str("\n\"\"\"");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards node ids: Vietnamese marks and đ are dropped, not turned into dashes or lost
    // letters, so ids stay readable.
    #[test]
    fn passage_names_become_ascii_ids() {
        assert_eq!(slug("Mở đầu"), "mo-dau");
        assert_eq!(slug("  Kết thúc: TỐT!  "), "ket-thuc-tot");
        assert_eq!(slug("Đơn 2 (bản sao)"), "don-2-ban-sao");
        assert_eq!(slug("Ngưỡng cửa"), "nguong-cua");
        assert_eq!(slug("***"), "");
    }

    // Guards the four link forms of Twine 2 and the bullet list form.
    #[test]
    fn link_forms() {
        let l = link_line;
        assert_eq!(l("[[Đi tiếp]]"), Some(("Đi tiếp".into(), "Đi tiếp".into())));
        assert_eq!(
            l("[[Hỏi lại->Chờ]]"),
            Some(("Hỏi lại".into(), "Chờ".into()))
        );
        assert_eq!(
            l("[[Chờ<-Hỏi lại]]"),
            Some(("Hỏi lại".into(), "Chờ".into()))
        );
        assert_eq!(
            l("- [[Hỏi lại|Chờ]]"),
            Some(("Hỏi lại".into(), "Chờ".into()))
        );
        assert_eq!(l("a -> b ->[[x->y]]"), None);
        assert_eq!(l("Xem [[Chờ]] ngay"), None);
    }

    // Guards macro detection against false alarms on ordinary Vietnamese prose.
    #[test]
    fn story_format_code_is_detected_but_prose_is_not() {
        for code in [
            "<<if $diem gt 2>>",
            "(if: $x)[y]",
            "(Link-Goto: \"a\", \"b\")",
            "Điểm: $diem",
            "{back link}",
            "[if visits > 1]",
            "<% if (x) { %>",
        ] {
            assert!(unsupported(code).is_some(), "{code}");
        }
        for prose in [
            "Lệ phí 50.000 đồng (xem: bảng phí niêm yết).",
            "Anh nói (rất nhỏ): “Chị ơi…”",
            "Giá $5 cho một bản sao",
            "Điểm a) và b) của quy trình",
        ] {
            assert!(unsupported(prose).is_none(), "{prose}");
        }
    }

    // Guards the string writers: whatever the text, the TOML reads back to it (a multi-line
    // string gains the newline before its closing quotes; the compiler trims texts).
    #[test]
    fn strings_round_trip_through_toml() {
        for s in [
            "Chị “Lan” nói: \"Dạ\" \\ xong",
            "Dòng 1\nDòng 2 \"\"\" ba dấu\n> trích dẫn\n\"",
            "tab\there",
        ] {
            let multi = if s.contains('\n') {
                format!("{s}\n")
            } else {
                s.to_owned()
            };
            for (written, expected) in [
                (basic_string(s), s.to_owned()),
                (multiline_string(s), multi),
            ] {
                let doc = format!("v = {written}\n");
                let t: toml::Table = toml::from_str(&doc).expect(&doc);
                assert_eq!(t["v"].as_str(), Some(expected.as_str()), "{doc}");
            }
        }
    }

    // Guards score parsing: signs, the `=` form, and a clear error otherwise.
    #[test]
    fn scores() {
        assert_eq!(
            parse_scores("giao_tiep +2, phap_luat -1,dao_duc = 0"),
            Ok(vec![
                ("giao_tiep".into(), 2),
                ("phap_luat".into(), -1),
                ("dao_duc".into(), 0)
            ])
        );
        assert!(parse_scores("giao_tiep hai").is_err());
        assert!(parse_scores("giao_tiep +1, giao_tiep +2").is_err());
    }
}
