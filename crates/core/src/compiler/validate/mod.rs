//! Validation rules: source structs -> compiled model, or diagnostics with lines.
//!
//! One file per content kind: [`module`] (modules and their items), [`scenario`] (nodes,
//! choices, conditions, the graph), [`standards`] (position standards). Here: the context
//! that collects diagnostics, the competency framework, the header and metadata every kind
//! shares, and the cast check across the library.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::path::Path;

use toml::Spanned;

use super::markdown;
use super::source::*;
use super::{read_source, Diagnostic, Rule};
use crate::model::*;
use crate::text::LocalText;

mod module;
mod scenario;
mod standards;

use module::compile_module;
use scenario::compile_scenario;
pub use scenario::parse_condition;
pub use standards::compile_standards;

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
