//! The content compiler: TOML sources -> validated, sanitised, versioned JSON.
//!
//! Errors are collected, not thrown at the first one, so an author fixes a file in one pass.
//! Each has the file, the line, the field path and a plain message, and a [`Rule`] that the
//! fixture tests assert on.

mod markdown;
pub mod report;
mod source;
pub mod trust;
pub mod twee;
mod validate;
pub use validate::{check_cast, SourceText};

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::model::{
    Catalog, CatalogEntry, Competency, Content, ContentKind, ContentMeta, Field, MetaFile,
    CONTENT_FORMAT,
};
use crate::self_assessment::standards::Standards;

pub use validate::{compile_standards, Framework};

/// Which rule a diagnostic reports (fixtures assert on these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    Parse,
    BadId,
    DuplicateId,
    MissingTarget,
    Unreachable,
    NoEnding,
    ScoreRange,
    MissingFeedback,
    MissingVietnamese,
    MissingEnglish,
    UnknownCompetency,
    UnknownField,
    PassMarkUnreachable,
    PoolTooSmall,
    BadAnswer,
    BadCondition,
    /// A good ending reachable through a choice marked `harm`.
    HarmThenGood,
    /// One name, one person (`cast.toml`).
    Cast,
    /// A competency level outside the framework's 1..=5.
    LevelRange,
    /// A value outside its closed list (qualification level, basis, qualification).
    UnknownValue,
    Structure,
    Unsupported,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Parse => "parse",
            Rule::BadId => "bad_id",
            Rule::DuplicateId => "duplicate_id",
            Rule::MissingTarget => "missing_target",
            Rule::Unreachable => "unreachable",
            Rule::NoEnding => "no_ending",
            Rule::ScoreRange => "score_range",
            Rule::MissingFeedback => "missing_feedback",
            Rule::MissingVietnamese => "missing_vietnamese",
            Rule::MissingEnglish => "missing_english",
            Rule::UnknownCompetency => "unknown_competency",
            Rule::UnknownField => "unknown_field",
            Rule::PassMarkUnreachable => "pass_mark_unreachable",
            Rule::PoolTooSmall => "pool_too_small",
            Rule::BadAnswer => "bad_answer",
            Rule::BadCondition => "bad_condition",
            Rule::HarmThenGood => "harm_then_good",
            Rule::Cast => "cast",
            Rule::LevelRange => "level_range",
            Rule::UnknownValue => "unknown_value",
            Rule::Structure => "structure",
            Rule::Unsupported => "unsupported",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: String,
    pub rule: Rule,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {} [{}]", self.message, self.rule.as_str())
    }
}

/// Everything compiled from a content directory.
#[derive(Debug)]
pub struct Compiled {
    pub catalog: Catalog,
    pub contents: Vec<Content>,
    /// Trainer-facing facts of every module and scenario (`meta.json`).
    pub meta: Vec<ContentMeta>,
    /// From `standards.toml`, when the content root has one.
    pub standards: Option<Standards>,
}

/// Reads a file as UTF-8 and NFC-normalises it (authors type Vietnamese in both forms).
pub fn read_source(path: &Path) -> Result<String, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| Diagnostic {
        file: path.to_owned(),
        line: None,
        field: String::new(),
        rule: Rule::Parse,
        message: format!("cannot read the file: {e}"),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| Diagnostic {
        file: path.to_owned(),
        line: None,
        field: String::new(),
        rule: Rule::Parse,
        message: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
    })?;
    Ok(text.nfc().collect())
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Compiles `root` (holding competencies.toml, fields.toml, modules/, scenarios/ and
/// optionally standards.toml).
pub fn compile_dir(root: &Path) -> Result<Compiled, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let framework = match Framework::load(root) {
        Ok(f) => f,
        Err(mut d) => {
            diags.append(&mut d);
            return Err(diags);
        }
    };
    let mut contents = Vec::new();
    let mut meta = Vec::new();
    let mut sources: Vec<(String, PathBuf, String)> = Vec::new();
    for (dir, kind) in [
        ("modules", ContentKind::Module),
        ("scenarios", ContentKind::Scenario),
    ] {
        for path in toml_files(&root.join(dir)) {
            let src = match read_source(&path) {
                Ok(s) => s,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            match compile_source_with_meta(kind, &path, &src, &framework) {
                Ok((c, m)) => {
                    contents.push(c);
                    meta.push(m);
                }
                Err(mut d) => diags.append(&mut d),
            }
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            sources.push((stem.to_owned(), path.clone(), src));
        }
    }
    let cast_path = root.join(CAST_FILE);
    if cast_path.exists() {
        match read_source(&cast_path) {
            Ok(src) => {
                let texts: Vec<validate::SourceText> = sources
                    .iter()
                    .map(|(id, path, text)| validate::SourceText { id, path, text })
                    .collect();
                diags.extend(validate::check_cast(&cast_path, &src, &texts));
            }
            Err(d) => diags.push(d),
        }
    }
    let standards_path = root.join(STANDARDS_FILE);
    let mut standards = None;
    if standards_path.exists() {
        match read_source(&standards_path)
            .map_err(|d| vec![d])
            .and_then(|src| compile_standards(&standards_path, &src, &framework))
        {
            Ok(s) => standards = Some(s),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if contents.is_empty() && diags.is_empty() {
        diags.push(Diagnostic {
            file: root.to_owned(),
            line: None,
            field: String::new(),
            rule: Rule::Structure,
            message: "no modules or scenarios found".into(),
        });
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let catalog = build_catalog(&framework, &contents);
    Ok(Compiled {
        catalog,
        contents,
        meta,
        standards,
    })
}

/// Compiles one module or scenario source. The file stem must equal the content id.
pub fn compile_source(
    kind: ContentKind,
    path: &Path,
    src: &str,
    framework: &Framework,
) -> Result<Content, Vec<Diagnostic>> {
    compile_source_with_meta(kind, path, src, framework).map(|(c, _)| c)
}

/// [`compile_source`] with the trainer-facing facts (`basis`, `reviewed`).
pub fn compile_source_with_meta(
    kind: ContentKind,
    path: &Path,
    src: &str,
    framework: &Framework,
) -> Result<(Content, ContentMeta), Vec<Diagnostic>> {
    let (mut content, meta) = validate::compile(kind, path, src, framework)?;
    let version = content.computed_version();
    match &mut content {
        Content::Module(m) => m.version = version,
        Content::Scenario(s) => s.version = version,
    }
    Ok((content, meta))
}

pub fn content_file(kind: ContentKind, id: &str, version: &str) -> String {
    format!("{}s/{id}.{version}.json", kind.as_str())
}

fn build_catalog(framework: &Framework, contents: &[Content]) -> Catalog {
    let field_rank = |id: &str| {
        framework
            .fields
            .iter()
            .position(|f| f.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut entries: Vec<CatalogEntry> = contents
        .iter()
        .map(|c| {
            let (field, summary, duration_min, competencies) = match c {
                Content::Module(m) => (&m.field, &m.summary, m.duration_min, &m.competencies),
                Content::Scenario(s) => (&s.field, &s.summary, s.duration_min, &s.competencies),
            };
            CatalogEntry {
                kind: c.kind(),
                id: c.id().to_owned(),
                field: field.clone(),
                title: c.title().clone(),
                summary: summary.clone(),
                duration_min,
                version: c.version().to_owned(),
                competencies: competencies.clone(),
                file: content_file(c.kind(), c.id(), c.version()),
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        (field_rank(&a.field), a.kind, &a.id).cmp(&(field_rank(&b.field), b.kind, &b.id))
    });
    Catalog {
        format: CONTENT_FORMAT,
        fields: framework.fields.clone(),
        competencies: framework.competencies.clone(),
        entries,
    }
}

/// The people of the library's stories (one name, one person), in a content root.
pub const CAST_FILE: &str = "cast.toml";
/// Source of the position standards in a content root.
pub const STANDARDS_FILE: &str = "standards.toml";
/// Trainer-facing facts (basis, reviewed), beside catalog.json; learners never fetch it.
pub const META_JSON: &str = "meta.json";
/// The compiled standards, beside catalog.json.
pub const STANDARDS_JSON: &str = "standards.json";

/// Writes catalog.json, standards.json (when compiled) and one file per content version under
/// `out`, replacing older output.
pub fn write_output(compiled: &Compiled, out: &Path) -> std::io::Result<()> {
    for sub in ["modules", "scenarios"] {
        let dir = out.join(sub);
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
    }
    for content in &compiled.contents {
        let path = out.join(content_file(
            content.kind(),
            content.id(),
            content.version(),
        ));
        fs::write(path, serde_json::to_vec(content)?)?;
    }
    fs::write(
        out.join("catalog.json"),
        serde_json::to_vec(&compiled.catalog)?,
    )?;
    let meta = MetaFile {
        format: CONTENT_FORMAT,
        entries: compiled.meta.clone(),
    };
    fs::write(out.join(META_JSON), serde_json::to_vec(&meta)?)?;
    let standards = out.join(STANDARDS_JSON);
    match &compiled.standards {
        Some(s) => fs::write(standards, serde_json::to_vec(s)?)?,
        None if standards.exists() => fs::remove_file(standards)?,
        None => {}
    }
    Ok(())
}

/// Fields and competencies, re-exported for the catalog.
impl Framework {
    pub fn competency_ids(&self) -> impl Iterator<Item = &str> {
        self.competencies.iter().map(|c: &Competency| c.id.as_str())
    }

    pub fn field_ids(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f: &Field| f.id.as_str())
    }
}
