//! `boiduong-content`: compiles, checks and reports on the portal's content.
//!
//! ```text
//! boiduong-content build [CONTENT_DIR] [OUT_DIR]   compile content/ into public/content/
//!                                                  (catalog.json, standards.json, modules/, scenarios/)
//! boiduong-content check [CONTENT_DIR]             validate only
//! boiduong-content report [--json] [--max-age-days N] [CONTENT_DIR]
//!                                                  validate, then report on each scenario, the
//!                                                  library's trust figures and stale content
//! boiduong-content import-twee IN.twee [OUT]       convert a Twine draft (docs/twee-import.md)
//! ```
//! Exit status 1 with one line per problem (`file:line: field: message [rule]`) on bad content,
//! and for `report` also when a scenario misses the library's quality bar or the library its
//! trust bar (no naive-strategy win, a dilemma per scenario, "longest" shares at most 40 %).

#![allow(clippy::print_stdout)] // a command-line tool reports on stdout/stderr by design

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;

use boiduong_core::compiler::report::{
    report_library, stale_content, FileReport, Finding, LibraryReport, Severity,
};
use boiduong_core::compiler::trust::Naive;
use boiduong_core::compiler::twee::import_twee;
use boiduong_core::compiler::{compile_dir, read_source, write_output, Diagnostic};

const USAGE: &str = "usage: boiduong-content build [CONTENT_DIR] [OUT_DIR]
       boiduong-content check [CONTENT_DIR]
       boiduong-content report [--json] [--max-age-days N] [CONTENT_DIR]
       boiduong-content import-twee IN.twee [OUT.toml | OUT_DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("build");
    let rest = args.get(1..).unwrap_or_default();
    match command {
        "build" | "check" => build_or_check(command == "build", rest),
        "report" => report(rest),
        "import-twee" => import(rest),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
    eprintln!("content: {} error(s); nothing written", diags.len());
}

fn build_or_check(build: bool, args: &[String]) -> ExitCode {
    let root = PathBuf::from(args.first().map(String::as_str).unwrap_or("content"));
    let out = PathBuf::from(args.get(1).map(String::as_str).unwrap_or("public/content"));
    let compiled = match compile_dir(&root) {
        Ok(c) => c,
        Err(diags) => {
            print_diagnostics(&diags);
            return ExitCode::FAILURE;
        }
    };
    let modules = compiled
        .catalog
        .entries
        .iter()
        .filter(|e| e.kind.as_str() == "module")
        .count();
    let scenarios = compiled.catalog.entries.len() - modules;
    let positions = compiled.standards.as_ref().map_or(0, |s| s.positions.len());
    if build {
        if let Err(e) = write_output(&compiled, &out) {
            eprintln!("content: cannot write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
        println!(
            "content: {modules} module(s), {scenarios} scenario(s), {positions} position standard(s) -> {}",
            out.display()
        );
    } else {
        println!(
            "content: {modules} module(s), {scenarios} scenario(s), {positions} position standard(s), 0 errors"
        );
    }
    ExitCode::SUCCESS
}

/// Content not reviewed for this long is listed by `report` (overridable with
/// `--max-age-days`).
const DEFAULT_MAX_AGE_DAYS: i64 = 365;

fn report(args: &[String]) -> ExitCode {
    let json = args.iter().any(|a| a == "--json");
    let mut max_age = DEFAULT_MAX_AGE_DAYS;
    let mut root = PathBuf::from("content");
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--json" => {}
            "--max-age-days" => {
                i += 1;
                match args.get(i).and_then(|v| v.parse::<i64>().ok()) {
                    Some(n) if n >= 0 => max_age = n,
                    _ => {
                        eprintln!("report: --max-age-days takes a number of days\n{USAGE}");
                        return ExitCode::from(2);
                    }
                }
            }
            other => root = PathBuf::from(other),
        }
        i += 1;
    }
    let library = match report_library(&root) {
        Ok(r) => r,
        Err(diags) => {
            print_diagnostics(&diags);
            return ExitCode::FAILURE;
        }
    };
    let reports = &library.scenarios;
    let count = |s: Severity| -> usize { reports.iter().map(|r| r.report.count(s)).sum() };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let failures = library.trust.failures();
    let today = days_since_epoch();
    let stale = stale_content(&library.meta, today, max_age);
    let summary = format!(
        "report: {} scenario(s), {errors} error(s), {warnings} warning(s); library trust: {}",
        reports.len(),
        if failures.is_empty() {
            "passes"
        } else {
            "FAILS"
        }
    );
    let text = if json {
        #[derive(Serialize)]
        struct JsonReport<'a> {
            #[serde(flatten)]
            library: &'a LibraryReport,
            stale: &'a [boiduong_core::compiler::report::Stale],
            max_age_days: i64,
            library_failures: &'a [String],
            errors: usize,
            warnings: usize,
        }
        let doc = JsonReport {
            library: &library,
            stale: &stale,
            max_age_days: max_age,
            library_failures: &failures,
            errors,
            warnings,
        };
        match serde_json::to_string_pretty(&doc) {
            Ok(text) => text + "\n",
            Err(e) => {
                eprintln!("report: cannot write JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        let mut text = String::new();
        for r in reports {
            write_report(&mut text, r);
        }
        write_library(&mut text, &library, &failures);
        let _ = writeln!(
            text,
            "review: {} module(s)/scenario(s) never reviewed or reviewed more than {max_age} \
             day(s) ago{}",
            stale.len(),
            if stale.is_empty() { "" } else { ":" }
        );
        for s in &stale {
            let _ = writeln!(
                text,
                "  {} {} (reviewed: {})",
                s.kind.as_str(),
                s.id,
                s.reviewed.as_deref().unwrap_or("never")
            );
        }
        text
    };
    // A closed pipe (`report | head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if json {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    if errors > 0 || !failures.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Today, in days since 1970-01-01 (UTC), for the age of reviews.
fn days_since_epoch() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs / 86_400).unwrap_or(0)
}

fn write_library(out: &mut String, library: &LibraryReport, failures: &[String]) {
    let t = &library.trust;
    let _ = writeln!(out, "library trust figures");
    let _ = writeln!(
        out,
        "  naive strategies  always-longest reaches a good ending in {} of {} scenario(s); \
         always-shortest in {}",
        t.longest_wins, t.scenarios, t.shortest_wins
    );
    let _ = writeln!(
        out,
        "  longest choice    the best choice is strictly the longest at {} % of decision nodes \
         ({} of {})",
        t.best_longest_percent, t.best_longest, t.nodes_with_best
    );
    let _ = writeln!(
        out,
        "  longest option    the key is strictly the longest option in {} % of items ({} of {})",
        t.key_longest_percent, t.key_longest, t.items
    );
    let _ = writeln!(
        out,
        "  dilemmas          {} dilemma node(s); {} scenario(s) without one",
        t.dilemma_nodes, t.scenarios_without_dilemma
    );
    for m in &library.modules {
        let positions: Vec<String> = m
            .first_key_position
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}:{n}", i + 1))
            .collect();
        let _ = writeln!(
            out,
            "  module {:40} {} item(s), key longest in {}, first key at position {}",
            m.id,
            m.items,
            m.key_longest,
            positions.join(" ")
        );
    }
    for f in failures {
        let _ = writeln!(out, "error: library: {f}");
    }
    let _ = writeln!(out);
}

fn write_report(out: &mut String, file_report: &FileReport) {
    let r = &file_report.report;
    let at_least = if r.paths.capped { "≥ " } else { "" };
    let _ = writeln!(out, "{} ({})", r.id, file_report.file.display());
    let _ = writeln!(
        out,
        "  nodes      {} ({} decision node(s); {} ending(s): {} good, {} mixed, {} bad)",
        r.nodes,
        r.decision_nodes,
        r.endings.total(),
        r.endings.good,
        r.endings.mixed,
        r.endings.bad
    );
    if r.paths.count == r.paths.playable {
        let _ = writeln!(
            out,
            "  paths      {at_least}{} from the start to an ending, all playable",
            r.paths.count
        );
    } else {
        let _ = writeln!(
            out,
            "  paths      {at_least}{} from the start to an ending, {at_least}{} playable \
             (the scores rule out the other branch targets)",
            r.paths.count, r.paths.playable
        );
    }
    let _ = match (r.paths.shortest, r.paths.longest) {
        (Some(s), Some(l)) => writeln!(out, "  decisions  {s} to {l} per playable path"),
        _ => writeln!(out, "  decisions  no playable path"),
    };
    if !r.scores.is_empty() {
        let _ = writeln!(
            out,
            "  scores     accumulated at an ending, lowest to highest:"
        );
        let width = r
            .scores
            .iter()
            .map(|s| s.competency.len())
            .max()
            .unwrap_or(0);
        for s in &r.scores {
            let _ = writeln!(
                out,
                "             {:width$}  {:+} .. {:+}",
                s.competency, s.min, s.max
            );
        }
    }
    let naive = |strategy: Naive| -> String {
        let ends: Vec<String> = r
            .trust
            .naive(strategy)
            .iter()
            .map(|e| format!("{} ({})", e.ending, e.kind.as_str()))
            .collect();
        ends.join(", ")
    };
    let _ = writeln!(
        out,
        "  longest    always the longest choice ends at {}",
        naive(Naive::Longest)
    );
    let _ = writeln!(
        out,
        "  shortest   always the shortest choice ends at {}",
        naive(Naive::Shortest)
    );
    let _ = writeln!(
        out,
        "  cues       best choice strictly longest at {} of {} node(s); dilemma at {}",
        r.trust.best_longest,
        r.trust.nodes_with_best,
        if r.trust.dilemmas.is_empty() {
            "no node".to_owned()
        } else {
            r.trust
                .dilemmas
                .iter()
                .map(|d| d.node.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    for f in &r.findings {
        let _ = writeln!(out, "{}", finding_line(&file_report.file, f));
    }
    let _ = writeln!(out,);
}

/// `file:line: warning: node `x`: message [check]`, like the compiler's diagnostics.
fn finding_line(file: &Path, f: &Finding) -> String {
    let mut out = file.display().to_string();
    if let Some(line) = f.line {
        out.push_str(&format!(":{line}"));
    }
    out.push_str(&format!(": {}", f.severity.as_str()));
    let field = f.field();
    if !field.is_empty() {
        out.push_str(&format!(": {field}"));
    }
    out.push_str(&format!(": {} [{}]", f.message, f.check.as_str()));
    out
}

/// Converts a Twee file; writes the TOML to OUT (a file, or `<id>.toml` in a directory) or to
/// stdout.
fn import(args: &[String]) -> ExitCode {
    let Some(input) = args.first().map(PathBuf::from) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let converted = read_source(&input)
        .map_err(|d| vec![d])
        .and_then(|src| import_twee(&input, &src));
    let converted = match converted {
        Ok(c) => c,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            eprintln!("import-twee: {} error(s); nothing written", diags.len());
            return ExitCode::FAILURE;
        }
    };
    let Some(out) = args.get(1).map(PathBuf::from) else {
        let _ = std::io::stdout()
            .lock()
            .write_all(converted.toml.as_bytes());
        return ExitCode::SUCCESS;
    };
    let file_name = format!("{}.toml", converted.scenario_id);
    let out = if out.is_dir() {
        out.join(&file_name)
    } else {
        out
    };
    if let Err(e) = std::fs::write(&out, &converted.toml) {
        eprintln!("import-twee: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "import-twee: {} passage(s) -> {}",
        converted.nodes.len(),
        out.display()
    );
    if out.file_name().and_then(|n| n.to_str()) != Some(file_name.as_str()) {
        println!("import-twee: note: in content/scenarios/ the file must be named {file_name}");
    }
    println!("import-twee: now run `boiduong-content check` and `boiduong-content report`");
    ExitCode::SUCCESS
}
