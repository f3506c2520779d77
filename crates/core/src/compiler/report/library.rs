//! The library report: every scenario's report with source lines, the modules' and the
//! library's trust figures, content past its review date.

use super::*;

/// Lines of a scenario's source, to point findings at.
#[derive(Clone, Debug, Default)]
pub struct SourceLines {
    pub id: Option<usize>,
    pub nodes: HashMap<String, usize>,
    pub choices: HashMap<(String, String), usize>,
}

impl SourceLines {
    /// Reads the node and choice lines of a scenario source (empty when it does not parse).
    pub fn of(src: &str) -> Self {
        let line = |offset: usize| {
            src[..offset.min(src.len())]
                .bytes()
                .filter(|b| *b == b'\n')
                .count()
                + 1
        };
        let Ok(parsed) = toml::from_str::<SrcScenario>(src) else {
            return Self::default();
        };
        let mut lines = Self {
            id: Some(line(parsed.id.span().start)),
            ..Self::default()
        };
        for n in &parsed.nodes {
            let nid = n.id.get_ref().clone();
            lines.nodes.insert(nid.clone(), line(n.id.span().start));
            for c in &n.choices {
                lines.choices.insert(
                    (nid.clone(), c.id.get_ref().clone()),
                    line(c.id.span().start),
                );
            }
        }
        lines
    }

    /// The line a finding is about: its choice, else its node, else the scenario's id.
    pub fn line_of(&self, finding: &Finding) -> Option<usize> {
        match (&finding.node, finding.choices.first()) {
            (Some(n), Some(c)) => self
                .choices
                .get(&(n.clone(), c.clone()))
                .or_else(|| self.nodes.get(n))
                .copied(),
            (Some(n), None) => self.nodes.get(n).copied(),
            (None, _) => self.id,
        }
    }
}

/// One scenario's report and the file it was compiled from.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    pub file: PathBuf,
    #[serde(flatten)]
    pub report: ScenarioReport,
}

/// The length cue of a module's single and multiple choice items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModuleTrust {
    pub id: String,
    pub file: PathBuf,
    /// Single and multiple choice items (practice and check).
    pub items: usize,
    /// Items whose key is strictly the longest option (all keys longer, for multiple).
    pub key_longest: usize,
    /// How many items have their first key at written position 1, 2, 3, … (before shuffling).
    pub first_key_position: Vec<usize>,
}

fn module_trust(module: &Module, file: PathBuf) -> ModuleTrust {
    let mut t = ModuleTrust {
        id: module.id.clone(),
        file,
        items: 0,
        key_longest: 0,
        first_key_position: Vec::new(),
    };
    let items = module
        .lessons
        .iter()
        .map(|l| &l.practice)
        .chain(&module.check.items);
    for cue in items.filter_map(trust::key_cue) {
        t.items += 1;
        t.key_longest += usize::from(cue.key_longest);
        if t.first_key_position.len() <= cue.first_key_position {
            t.first_key_position.resize(cue.first_key_position + 1, 0);
        }
        t.first_key_position[cue.first_key_position] += 1;
    }
    t
}

/// The library's trust figures, and whether they pass the bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LibraryTrust {
    pub scenarios: usize,
    /// Scenarios where always taking the longest choice can reach a good ending.
    pub longest_wins: usize,
    /// Scenarios where always taking the shortest choice can reach a good ending.
    pub shortest_wins: usize,
    pub nodes_with_best: usize,
    pub best_longest: usize,
    pub best_longest_percent: u32,
    pub items: usize,
    pub key_longest: usize,
    pub key_longest_percent: u32,
    pub dilemma_nodes: usize,
    pub scenarios_without_dilemma: usize,
}

impl LibraryTrust {
    /// The library-wide failures (the per-scenario ones are findings).
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.best_longest_percent > MAX_LONGEST_SHARE_PERCENT {
            out.push(format!(
                "the best choice is strictly the longest at {} % of decision nodes ({} of {}); \
                 the limit is {MAX_LONGEST_SHARE_PERCENT} %",
                self.best_longest_percent, self.best_longest, self.nodes_with_best
            ));
        }
        if self.key_longest_percent > MAX_LONGEST_SHARE_PERCENT {
            out.push(format!(
                "the key is strictly the longest option in {} % of items ({} of {}); the limit \
                 is {MAX_LONGEST_SHARE_PERCENT} %",
                self.key_longest_percent, self.key_longest, self.items
            ));
        }
        out
    }
}

pub fn library_trust(scenarios: &[FileReport], modules: &[ModuleTrust]) -> LibraryTrust {
    let mut t = LibraryTrust {
        scenarios: scenarios.len(),
        ..LibraryTrust::default()
    };
    for r in scenarios {
        let s = &r.report.trust;
        t.longest_wins += usize::from(s.naive_wins(Naive::Longest));
        t.shortest_wins += usize::from(s.naive_wins(Naive::Shortest));
        t.nodes_with_best += s.nodes_with_best;
        t.best_longest += s.best_longest;
        t.dilemma_nodes += s.dilemmas.len();
        t.scenarios_without_dilemma += usize::from(s.dilemmas.is_empty());
    }
    for m in modules {
        t.items += m.items;
        t.key_longest += m.key_longest;
    }
    t.best_longest_percent = trust::percent(t.best_longest, t.nodes_with_best);
    t.key_longest_percent = trust::percent(t.key_longest, t.items);
    t
}

/// Content whose `reviewed` date is older than `max_age_days` before `today` (days since
/// 1970-01-01), or missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stale {
    pub kind: crate::model::ContentKind,
    pub id: String,
    pub reviewed: Option<String>,
}

pub fn stale_content(meta: &[ContentMeta], today: i64, max_age_days: i64) -> Vec<Stale> {
    meta.iter()
        .filter(|m| {
            m.reviewed
                .as_deref()
                .and_then(days_of)
                .is_none_or(|d| today - d > max_age_days)
        })
        .map(|m| Stale {
            kind: m.kind,
            id: m.id.clone(),
            reviewed: m.reviewed.clone(),
        })
        .collect()
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn days_of(date: &str) -> Option<i64> {
    if !crate::compiler::validate::is_iso_date(date) {
        return None;
    }
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: u32 = date.get(5..7)?.parse().ok()?;
    let d: u32 = date.get(8..10)?.parse().ok()?;
    Some(crate::calendar::days_from_civil(y, m, d))
}

/// Everything `boiduong-content report` prints.
#[derive(Clone, Debug, Serialize)]
pub struct LibraryReport {
    pub scenarios: Vec<FileReport>,
    pub modules: Vec<ModuleTrust>,
    pub trust: LibraryTrust,
    #[serde(skip)]
    pub meta: Vec<ContentMeta>,
}

/// Compiles `root` and reports on its scenarios and modules.
pub fn report_library(root: &Path) -> Result<LibraryReport, Vec<Diagnostic>> {
    let compiled = compile_dir(root)?;
    let scenarios = scenario_reports(root, &compiled.contents);
    let mut modules: Vec<ModuleTrust> = compiled
        .contents
        .iter()
        .filter_map(|c| match c {
            Content::Module(m) => Some(module_trust(
                m,
                root.join("modules").join(format!("{}.toml", m.id)),
            )),
            Content::Scenario(_) => None,
        })
        .collect();
    modules.sort_by(|a, b| a.file.cmp(&b.file));
    let trust = library_trust(&scenarios, &modules);
    Ok(LibraryReport {
        scenarios,
        modules,
        trust,
        meta: compiled.meta,
    })
}

/// Compiles `root` and reports on each of its scenarios, findings pointed at source lines.
/// Fails with the compiler's diagnostics when the content does not compile.
pub fn report_dir(root: &Path) -> Result<Vec<FileReport>, Vec<Diagnostic>> {
    let compiled = compile_dir(root)?;
    Ok(scenario_reports(root, &compiled.contents))
}

fn scenario_reports(root: &Path, contents: &[Content]) -> Vec<FileReport> {
    let mut out: Vec<FileReport> = contents
        .iter()
        .filter_map(|c| match c {
            Content::Scenario(s) => Some(s),
            Content::Module(_) => None,
        })
        .map(|s| {
            let file = root.join("scenarios").join(format!("{}.toml", s.id));
            let lines = read_source(&file)
                .map(|src| SourceLines::of(&src))
                .unwrap_or_default();
            let mut report = analyse(s);
            for f in &mut report.findings {
                f.line = lines.line_of(f);
            }
            FileReport { file, report }
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}
