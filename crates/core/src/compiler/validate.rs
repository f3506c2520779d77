//! Validation rules: source structs -> compiled model, or diagnostics with lines.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::path::Path;

use toml::Spanned;

use super::markdown;
use super::source::*;
use super::{read_source, Diagnostic, Rule};
use crate::model::*;
use crate::selfassess::levels::{Level, Qualification};
use crate::selfassess::standards::{
    Basis, CompetencyRequirement, PositionStandard, Requirement, Standards, Training,
    STANDARDS_FORMAT,
};
use crate::text::LocalText;

/// The shared vocabulary every module and scenario refers to.
#[derive(Clone, Debug, Default)]
pub struct Framework {
    pub competencies: Vec<Competency>,
    pub fields: Vec<Field>,
}

struct Ctx<'a> {
    file: &'a Path,
    src: &'a str,
    diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new(file: &'a Path, src: &'a str) -> Self {
        Self {
            file,
            src,
            diags: Vec::new(),
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.src[..offset.min(self.src.len())]
            .bytes()
            .filter(|b| *b == b'\n')
            .count()
            + 1
    }

    fn err<T>(
        &mut self,
        at: &Spanned<T>,
        field: impl Into<String>,
        rule: Rule,
        message: impl Into<String>,
    ) {
        let line = self.line(at.span().start);
        self.diags.push(Diagnostic {
            file: self.file.to_owned(),
            line: Some(line),
            field: field.into(),
            rule,
            message: message.into(),
        });
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        match toml::from_str::<T>(self.src) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = e.span().map(|s| self.line(s.start));
                self.diags.push(Diagnostic {
                    file: self.file.to_owned(),
                    line,
                    field: String::new(),
                    rule: Rule::Parse,
                    message: e.message().to_owned(),
                });
                None
            }
        }
    }

    /// A text whose Vietnamese is required (and English too when `need_en`).
    fn text(&mut self, t: &Spanned<SrcText>, field: &str, need_en: bool) -> LocalText {
        let inner = t.get_ref();
        let vi = inner.vi.clone().unwrap_or_default().trim().to_owned();
        let en = inner
            .en
            .clone()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        if vi.is_empty() {
            self.err(
                t,
                field,
                Rule::MissingVietnamese,
                "the Vietnamese text (`vi`) is missing or empty",
            );
        }
        if need_en && en.is_none() {
            self.err(
                t,
                field,
                Rule::MissingEnglish,
                "the English text (`en`) is required here (the catalog is bilingual)",
            );
        }
        LocalText { vi, en }
    }

    fn markdown(&mut self, t: &Spanned<SrcText>, field: &str) -> LocalText {
        let text = self.text(t, field, false);
        LocalText {
            vi: markdown::render(&text.vi),
            en: text.en.as_deref().map(markdown::render),
        }
    }

    fn id(&mut self, id: &Spanned<String>, field: &str) -> String {
        let ok = id
            .get_ref()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && id
                .get_ref()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            self.err(
                id,
                field,
                Rule::BadId,
                format!(
                    "id `{}` must use lowercase a-z, digits, '-' or '_'",
                    id.get_ref()
                ),
            );
        }
        id.get_ref().clone()
    }

    fn unique<'s>(&mut self, ids: impl IntoIterator<Item = &'s Spanned<String>>, what: &str) {
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id.get_ref().clone()) {
                self.err(
                    id,
                    what,
                    Rule::DuplicateId,
                    format!("duplicate {what} id `{}`", id.get_ref()),
                );
            }
        }
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<Diagnostic>> {
        if self.diags.is_empty() {
            Ok(value)
        } else {
            Err(self.diags)
        }
    }
}

impl Framework {
    /// Loads competencies.toml and fields.toml from a content root.
    pub fn load(root: &Path) -> Result<Framework, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let comp_path = root.join("competencies.toml");
        let field_path = root.join("fields.toml");
        let comp_src = read_source(&comp_path).map_err(|d| vec![d]);
        let field_src = read_source(&field_path).map_err(|d| vec![d]);
        let (comp_src, field_src) = match (comp_src, field_src) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                diags.extend(a.err().unwrap_or_default());
                diags.extend(b.err().unwrap_or_default());
                return Err(diags);
            }
        };
        let mut framework = Framework::default();

        let mut ctx = Ctx::new(&comp_path, &comp_src);
        if let Some(src) = ctx.parse::<SrcCompetencies>() {
            ctx.unique(src.competency.iter().map(|c| &c.id), "competency");
            for c in &src.competency {
                let id = ctx.id(&c.id, "competency");
                let path = format!("competency `{id}`");
                let levels: Vec<LocalText> = c
                    .levels
                    .get_ref()
                    .iter()
                    .enumerate()
                    .map(|(i, l)| ctx.text(l, &format!("{path}.levels[{}]", i + 1), false))
                    .collect();
                if levels.len() != 5 {
                    ctx.err(
                        &c.levels,
                        &path,
                        Rule::Structure,
                        format!("needs 5 level descriptors, found {}", levels.len()),
                    );
                }
                framework.competencies.push(Competency {
                    name: ctx.text(&c.name, &format!("{path}.name"), true),
                    description: ctx.text(&c.description, &format!("{path}.description"), false),
                    levels,
                    id,
                });
            }
        }
        diags.append(&mut ctx.diags);

        let mut ctx = Ctx::new(&field_path, &field_src);
        if let Some(src) = ctx.parse::<SrcFields>() {
            ctx.unique(src.field.iter().map(|f| &f.id), "field");
            for f in &src.field {
                let id = ctx.id(&f.id, "field");
                framework.fields.push(Field {
                    name: ctx.text(&f.name, &format!("field `{id}`.name"), true),
                    id,
                });
            }
        }
        diags.append(&mut ctx.diags);
        if diags.is_empty() {
            Ok(framework)
        } else {
            Err(diags)
        }
    }

    fn has_competency(&self, id: &str) -> bool {
        self.competencies.iter().any(|c| c.id == id)
    }

    fn has_field(&self, id: &str) -> bool {
        self.fields.iter().any(|f| f.id == id)
    }
}

pub fn compile(
    kind: ContentKind,
    path: &Path,
    src: &str,
    framework: &Framework,
) -> Result<(Content, ContentMeta), Vec<Diagnostic>> {
    let mut ctx = Ctx::new(path, src);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    match kind {
        ContentKind::Module => {
            let Some(src) = ctx.parse::<SrcModule>() else {
                return Err(ctx.diags);
            };
            let module = compile_module(&mut ctx, &src, framework, &stem);
            let meta = compile_meta(&mut ctx, kind, &module.id, &src.basis, &src.reviewed);
            ctx.finish((Content::Module(module), meta))
        }
        ContentKind::Scenario => {
            let Some(src) = ctx.parse::<SrcScenario>() else {
                return Err(ctx.diags);
            };
            let scenario = compile_scenario(&mut ctx, &src, framework, &stem);
            let meta = compile_meta(&mut ctx, kind, &scenario.id, &src.basis, &src.reviewed);
            ctx.finish((Content::Scenario(scenario), meta))
        }
    }
}

/// One content file's source, for the checks that look across the library (the cast).
pub struct SourceText<'a> {
    pub id: &'a str,
    pub path: &'a Path,
    pub text: &'a str,
}

/// `cast.toml`: one name, one person. A full name (or a person's short name) may appear only in
/// the files listed in that person's `in`; two people may not share a name or a short name.
pub fn check_cast(path: &Path, src: &str, sources: &[SourceText]) -> Vec<Diagnostic> {
    let mut ctx = Ctx::new(path, src);
    let Some(cast) = ctx.parse::<SrcCast>() else {
        return ctx.diags;
    };
    let ids: BTreeSet<&str> = sources.iter().map(|s| s.id).collect();
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    let mut found = Vec::new();
    for person in &cast.people {
        let role = person.role.get_ref().as_str();
        let spelled = std::iter::once(&person.name).chain(person.short.as_ref());
        for name in spelled {
            let key = name.get_ref().trim().to_owned();
            if key.is_empty() {
                ctx.err(name, "person.name", Rule::Cast, "an empty name");
                continue;
            }
            if let Some(other) = names.insert(key.clone(), role) {
                ctx.err(
                    name,
                    "person.name",
                    Rule::Cast,
                    format!("`{key}` is already {other}: one name, one person"),
                );
            }
        }
        for id in &person.appears_in {
            if !ids.contains(id.get_ref().as_str()) {
                ctx.err(
                    id,
                    "person.in",
                    Rule::Cast,
                    format!("no module or scenario `{}`", id.get_ref()),
                );
            }
        }
        let listed: BTreeSet<&str> = person
            .appears_in
            .iter()
            .map(|i| i.get_ref().as_str())
            .collect();
        for source in sources {
            if listed.contains(source.id) {
                continue;
            }
            let hit = std::iter::once(person.name.get_ref())
                .chain(person.short.as_ref().map(|s| s.get_ref()))
                .find_map(|n| find_name(source.text, n.trim()).map(|at| (n.trim(), at)));
            if let Some((name, at)) = hit {
                let line = source.text[..at].bytes().filter(|b| *b == b'\n').count() + 1;
                found.push(Diagnostic {
                    file: source.path.to_owned(),
                    line: Some(line),
                    field: String::new(),
                    rule: Rule::Cast,
                    message: format!(
                        "`{name}` is {role} in cast.toml (in: {}): use another name here, or \
                         list `{}` in that person's `in`",
                        person
                            .appears_in
                            .iter()
                            .map(|i| i.get_ref().as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        source.id
                    ),
                });
            }
        }
    }
    ctx.diags.extend(found);
    ctx.diags
}

/// Byte offset of `name` in `text` as a whole word (case-sensitive: "Hạnh", not "hạnh phúc").
fn find_name(text: &str, name: &str) -> Option<usize> {
    if name.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(rel) = text[from..].find(name) {
        let at = from + rel;
        let end = at + name.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = end;
    }
    None
}

/// `basis` and `reviewed`: trainer-facing facts, checked here, written to `meta.json`.
fn compile_meta(
    ctx: &mut Ctx,
    kind: ContentKind,
    id: &str,
    basis: &[Spanned<String>],
    reviewed: &Option<Spanned<String>>,
) -> ContentMeta {
    for b in basis {
        if b.get_ref().trim().is_empty() {
            ctx.err(b, "basis", Rule::Structure, "an empty entry in `basis`");
        }
    }
    if let Some(r) = reviewed {
        if !is_iso_date(r.get_ref()) {
            ctx.err(
                r,
                "reviewed",
                Rule::Structure,
                format!(
                    "`reviewed = \"{}\"` is not a date written YYYY-MM-DD",
                    r.get_ref()
                ),
            );
        }
    }
    ContentMeta {
        kind,
        id: id.to_owned(),
        basis: basis
            .iter()
            .map(|b| b.get_ref().trim().to_owned())
            .collect(),
        reviewed: reviewed.as_ref().map(|r| r.get_ref().clone()),
    }
}

/// `YYYY-MM-DD` naming a day that exists.
pub fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return false;
    }
    let (y, m, d): (i64, u32, u32) = match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
        _ => return false,
    };
    (1..=crate::calendar::days_in_month(y, m)).contains(&d)
}

fn check_header(
    ctx: &mut Ctx,
    id: &Spanned<String>,
    field: &Spanned<String>,
    framework: &Framework,
    stem: &str,
) -> String {
    let id_str = ctx.id(id, "id");
    if id_str != stem {
        ctx.err(
            id,
            "id",
            Rule::BadId,
            format!("id `{id_str}` must equal the file name `{stem}`"),
        );
    }
    if !framework.has_field(field.get_ref()) {
        ctx.err(
            field,
            "field",
            Rule::UnknownField,
            format!("unknown field `{}` (see fields.toml)", field.get_ref()),
        );
    }
    id_str
}

fn compile_module(ctx: &mut Ctx, src: &SrcModule, framework: &Framework, stem: &str) -> Module {
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

fn compile_scenario(
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
    for found in super::trust::good_endings_after_harm(scenario) {
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

/// Compiles `standards.toml` against the competency framework.
pub fn compile_standards(
    path: &Path,
    src: &str,
    framework: &Framework,
) -> Result<Standards, Vec<Diagnostic>> {
    let mut ctx = Ctx::new(path, src);
    let Some(src) = ctx.parse::<SrcStandards>() else {
        return Err(ctx.diags);
    };
    let source = ctx.text(&src.source, "source", true);
    let centre_note = src
        .centre_note
        .as_ref()
        .map(|n| ctx.text(n, "centre_note", true));
    ctx.unique(src.training.iter().map(|t| &t.id), "training");
    let trainings = src
        .training
        .iter()
        .map(|t| {
            let id = ctx.id(&t.id, "training");
            let path = format!("training `{id}`");
            let qualification = match Qualification::parse(t.qualification.get_ref()) {
                Some(q) => q,
                None => {
                    ctx.err(
                        &t.qualification,
                        format!("{path}.qualification"),
                        Rule::UnknownValue,
                        format!(
                            "unknown qualification `{}` (education, political_theory, \
                             state_management, foreign_language, it_skill)",
                            t.qualification.get_ref()
                        ),
                    );
                    Qualification::Education
                }
            };
            if qualification.rank(t.level.get_ref()).is_none() {
                ctx.err(
                    &t.level,
                    format!("{path}.level"),
                    Rule::UnknownValue,
                    format!(
                        "`{}` is not a level of {} ({})",
                        t.level.get_ref(),
                        qualification.as_str(),
                        qualification.ids()
                    ),
                );
            }
            Training {
                name: ctx.text(&t.name, &format!("{path}.name"), true),
                qualification,
                level: t.level.get_ref().clone(),
                id,
            }
        })
        .collect();
    if src.position.is_empty() {
        ctx.err(
            &src.source,
            "position",
            Rule::Structure,
            "the standards name at least one [[position]]",
        );
    }
    ctx.unique(src.position.iter().map(|p| &p.id), "position");
    let positions = src
        .position
        .iter()
        .map(|p| compile_position(&mut ctx, p, framework, centre_note.as_ref()))
        .collect();
    ctx.finish(Standards {
        format: STANDARDS_FORMAT,
        source,
        trainings,
        positions,
    })
}

fn compile_position(
    ctx: &mut Ctx,
    p: &SrcPosition,
    framework: &Framework,
    centre_note: Option<&LocalText>,
) -> PositionStandard {
    let id = ctx.id(&p.id, "position");
    let path = format!("position `{id}`");
    ctx.unique(p.competencies.iter().map(|c| &c.id), "competency");
    let competencies = p
        .competencies
        .iter()
        .map(|c| {
            let cpath = format!("{path}.competency `{}`", c.id.get_ref());
            if !framework.has_competency(c.id.get_ref()) {
                ctx.err(
                    &c.id,
                    &cpath,
                    Rule::UnknownCompetency,
                    format!(
                        "unknown competency `{}` (see competencies.toml)",
                        c.id.get_ref()
                    ),
                );
            }
            let level = *c.level.get_ref();
            if !(1..=5).contains(&level) {
                ctx.err(
                    &c.level,
                    format!("{cpath}.level"),
                    Rule::LevelRange,
                    format!("expected level {level} is outside 1..5 (the framework's levels)"),
                );
            }
            let basis = match &c.basis {
                Some(b) => basis(ctx, b, &cpath),
                None => Basis::Centre,
            };
            let note = note(ctx, &c.note, basis, centre_note, &c.id, &cpath);
            CompetencyRequirement {
                competency: c.id.get_ref().clone(),
                level: level.clamp(0, 255) as u8,
                basis,
                note,
            }
        })
        .collect();
    PositionStandard {
        name: ctx.text(&p.name, &format!("{path}.name"), true),
        description: p
            .description
            .as_ref()
            .map(|d| ctx.text(d, &format!("{path}.description"), true)),
        education: requirement(ctx, &p.education, &format!("{path}.education"), centre_note),
        political_theory: requirement(
            ctx,
            &p.political_theory,
            &format!("{path}.political_theory"),
            centre_note,
        ),
        state_management: requirement(
            ctx,
            &p.state_management,
            &format!("{path}.state_management"),
            centre_note,
        ),
        foreign_language: requirement(
            ctx,
            &p.foreign_language,
            &format!("{path}.foreign_language"),
            centre_note,
        ),
        it_skill: requirement(ctx, &p.it_skill, &format!("{path}.it_skill"), centre_note),
        competencies,
        id,
    }
}

fn basis(ctx: &mut Ctx, b: &Spanned<String>, path: &str) -> Basis {
    match b.get_ref().as_str() {
        "plan" => Basis::Plan,
        "centre" => Basis::Centre,
        other => {
            ctx.err(
                b,
                format!("{path}.basis"),
                Rule::UnknownValue,
                format!("unknown basis `{other}` (plan: the city plan states it; centre: the training centre sets it)"),
            );
            Basis::Centre
        }
    }
}

/// A requirement's note: its own, or the file's `centre_note` for a value the centre sets.
fn note<T>(
    ctx: &mut Ctx,
    own: &Option<Spanned<SrcText>>,
    basis: Basis,
    centre_note: Option<&LocalText>,
    at: &Spanned<T>,
    path: &str,
) -> Option<LocalText> {
    match own {
        Some(n) => Some(ctx.text(n, &format!("{path}.note"), true)),
        None if basis == Basis::Centre => {
            if centre_note.is_none() {
                ctx.err(
                    at,
                    path,
                    Rule::Structure,
                    "a value the centre sets needs a `note` for the learner (or a file-level `centre_note`)",
                );
            }
            centre_note.cloned()
        }
        None => None,
    }
}

fn requirement<L: Level>(
    ctx: &mut Ctx,
    src: &Option<Spanned<SrcRequirement>>,
    path: &str,
    centre_note: Option<&LocalText>,
) -> Requirement<L> {
    let Some(spanned) = src else {
        return Requirement::not_stated();
    };
    let r = spanned.get_ref();
    let basis = basis(ctx, &r.basis, path);
    let min = r.min.as_ref().and_then(|m| match L::parse(m.get_ref()) {
        Some(l) => Some(l),
        None => {
            ctx.err(
                m,
                format!("{path}.min"),
                Rule::UnknownValue,
                format!("unknown level `{}` (one of: {})", m.get_ref(), L::ids()),
            );
            None
        }
    });
    if basis == Basis::Plan && r.min.is_none() {
        ctx.err(
            spanned,
            path,
            Rule::Structure,
            "a requirement the plan states needs its `min` level",
        );
    }
    let note = note(ctx, &r.note, basis, centre_note, spanned, path);
    Requirement { min, basis, note }
}
