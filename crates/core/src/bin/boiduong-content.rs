//! `boiduong-content`: compiles, checks and reports on the portal's content.
//!
//! ```text
//! boiduong-content build [CONTENT_DIR] [OUT_DIR]   compile content/ into public/content/
//!                                                  (catalog.json, standards.json, modules/, scenarios/)
//! boiduong-content check [CONTENT_DIR]             validate only
//! boiduong-content report [--json] [CONTENT_DIR]   validate, then report on each scenario
//! boiduong-content import-twee IN.twee [OUT]       convert a Twine draft (docs/twee-import.md)
//! ```
//! Exit status 1 with one line per problem (`file:line: field: message [rule]`) on bad content,
//! and for `report` also when a scenario misses the library's quality bar.

#![allow(clippy::print_stdout)] // a command-line tool reports on stdout/stderr by design

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;

use boiduong_core::compiler::report::{report_dir, FileReport, Finding, Severity};
use boiduong_core::compiler::twee::import_twee;
use boiduong_core::compiler::{compile_dir, read_source, write_output, Diagnostic};

const USAGE: &str = "usage: boiduong-content build [CONTENT_DIR] [OUT_DIR]
       boiduong-content check [CONTENT_DIR]
       boiduong-content report [--json] [CONTENT_DIR]
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

fn report(args: &[String]) -> ExitCode {
    let json = args.iter().any(|a| a == "--json");
    let root = PathBuf::from(
        args.iter()
            .find(|a| !a.starts_with("--"))
            .map(String::as_str)
            .unwrap_or("content"),
    );
    let reports = match report_dir(&root) {
        Ok(r) => r,
        Err(diags) => {
            print_diagnostics(&diags);
            return ExitCode::FAILURE;
        }
    };
    let count = |s: Severity| -> usize { reports.iter().map(|r| r.report.count(s)).sum() };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let summary = format!(
        "report: {} scenario(s), {errors} error(s), {warnings} warning(s)",
        reports.len()
    );
    let text = if json {
        #[derive(Serialize)]
        struct JsonReport<'a> {
            scenarios: &'a [FileReport],
            errors: usize,
            warnings: usize,
        }
        let doc = JsonReport {
            scenarios: &reports,
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
        for r in &reports {
            write_report(&mut text, r);
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
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
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
