//! `boiduong-content`: compiles and checks the portal's content.
//!
//! ```text
//! boiduong-content build [CONTENT_DIR] [OUT_DIR]   compile content/ into public/content/
//!                                                  (catalog.json, standards.json, modules/, scenarios/)
//! boiduong-content check [CONTENT_DIR]             validate only
//! ```
//! Exit status 1 with one line per problem (`file:line: field: message [rule]`) on bad content.

#![allow(clippy::print_stdout)] // a command-line tool reports on stdout/stderr by design

use std::path::PathBuf;
use std::process::ExitCode;

use boiduong_core::compiler::{compile_dir, write_output};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("build");
    let root = PathBuf::from(args.get(1).map(String::as_str).unwrap_or("content"));
    let out = PathBuf::from(args.get(2).map(String::as_str).unwrap_or("public/content"));
    if !matches!(command, "build" | "check") {
        eprintln!("usage: boiduong-content build [CONTENT_DIR] [OUT_DIR] | check [CONTENT_DIR]");
        return ExitCode::from(2);
    }
    let compiled = match compile_dir(&root) {
        Ok(c) => c,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            eprintln!("content: {} error(s); nothing written", diags.len());
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
    if command == "build" {
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
