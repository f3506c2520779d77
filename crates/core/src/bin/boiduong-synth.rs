//! `boiduong-synth`: statements of a simulated class, for the demo LRS and end-to-end tests.
//!
//! ```text
//! boiduong-synth [--content content] [--learners 40] [--class QLNN-2026-01] [--seed 1]
//!                [--scenarios all|N|ID,…] [--modules all|N|ID,…]
//!                [--base https://boiduong.example/xapi]
//!                [--home-page http://127.0.0.1:8100] [--from 2026-11-28] [--days 14]
//!                [--rounds 1] [--prefix hocvien-seed-] [--out FILE] > statements.json
//!                [--classes N [--spread-days D]] [--jsonl]
//! ```
//! Compiles the content directory with the portal's compiler (same ids and versions as the
//! build), simulates the class through the portal's engine and xAPI mapping (attempts,
//! pre-tests of question pools, shared self-ratings, evaluations), and writes the
//! statements as one JSON array (stdout unless `--out`), or with `--jsonl` one statement per
//! line (as `ralph read` writes them), each with the `authority` an LRS would stamp: the
//! learner's own account, who posts it. A summary goes to stderr. Seed it into an LRS with
//! `node scripts/lrs/seed-lrs.mjs statements.json URL --as-authority` (each statement posted by
//! its learner's account; `scripts/lrs/start.sh --simulated` makes them).
//!
//! `--classes N` simulates N classes of `--learners` each, one after the other (class codes
//! `{class}-001`…, accounts `{prefix}001-01`…, seeds `seed`, `seed + 1`…), the k-th starting
//! `k · D / N` days after `--from`; each class is written as soon as it is simulated, so a
//! million statements never sit in memory (the city report's benchmark).

#![allow(clippy::print_stdout)] // a command-line tool reports on stdout/stderr by design

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use boiduong_core::compiler::compile_dir;
use boiduong_core::model::Content;
use boiduong_core::review::parse_timestamp_ms;
use boiduong_core::simulator::{simulate_posted, SynthConfig};

const USAGE: &str =
    "usage: boiduong-synth [--content DIR] [--learners N] [--class CODE] [--seed N] \
[--scenarios all|N|ID,...] [--modules all|N|ID,...] [--base IRI] [--home-page IRI] [--from YYYY-MM-DD] \
[--days N] [--rounds N] [--prefix ACCOUNT_PREFIX] [--out FILE] [--classes N] [--spread-days D] [--jsonl]";

/// `all`, the first N, or ids separated by commas (in that order).
fn take(limit: &str, mut contents: Vec<Content>) -> Result<Vec<Content>, String> {
    match limit {
        "all" => Ok(contents),
        n if n.bytes().all(|b| b.is_ascii_digit()) => {
            let n: usize = n
                .parse()
                .map_err(|_| format!("expected `all`, a number or ids, got `{n}`"))?;
            contents.truncate(n);
            Ok(contents)
        }
        ids => ids
            .split(',')
            .map(|id| {
                let id = id.trim();
                contents
                    .iter()
                    .find(|c| c.id() == id)
                    .cloned()
                    .ok_or_else(|| format!("no content `{id}`"))
            })
            .collect(),
    }
}

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("boiduong-synth: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<(), String> {
    let mut cfg = SynthConfig::default();
    let mut content = PathBuf::from("content");
    let (mut scenarios, mut modules) = ("all".to_owned(), "all".to_owned());
    let mut out: Option<PathBuf> = None;
    let (mut classes, mut spread_days, mut jsonl) = (None::<u64>, 0u64, false);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return Ok(());
        }
        if flag == "--jsonl" {
            jsonl = true;
            continue;
        }
        let value = args
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value"))?;
        let number = |v: &str| -> Result<u64, String> {
            v.parse()
                .map_err(|_| format!("`{flag}` needs a number, got `{v}`"))
        };
        match flag.as_str() {
            "--content" => content = PathBuf::from(value),
            "--learners" => cfg.learners = number(&value)? as usize,
            "--class" => cfg.class_code = value,
            "--seed" => cfg.seed = number(&value)?,
            "--scenarios" => scenarios = value,
            "--modules" => modules = value,
            "--base" => cfg.base = value,
            "--home-page" => cfg.home_page = value,
            "--from" => {
                cfg.start_ms = parse_timestamp_ms(&format!("{value}T00:00:00Z"))
                    .ok_or_else(|| format!("`--from` needs YYYY-MM-DD, got `{value}`"))?
            }
            "--days" => cfg.days = number(&value)? as u32,
            "--rounds" => cfg.rounds = number(&value)? as u32,
            "--out" => out = Some(PathBuf::from(value)),
            "--prefix" => cfg.account_prefix = value,
            "--classes" => classes = Some(number(&value)?.max(1)),
            "--spread-days" => spread_days = number(&value)?,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let compiled = compile_dir(&content).map_err(|diags| {
        let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
        format!(
            "{} does not compile:\n{}",
            content.display(),
            lines.join("\n")
        )
    })?;
    let (mut ss, mut ms) = (Vec::new(), Vec::new());
    for c in compiled.contents {
        match c {
            Content::Scenario(_) => ss.push(c),
            Content::Module(_) => ms.push(c),
        }
    }
    let mut chosen = take(&scenarios, ss)?;
    chosen.extend(take(&modules, ms)?);
    let sink: Box<dyn Write> = match &out {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut sink = std::io::BufWriter::with_capacity(1 << 20, sink);
    let io = |e: std::io::Error| format!("cannot write: {e}");
    let runs: Vec<SynthConfig> = match classes {
        None => vec![cfg.clone()],
        Some(n) => (0..n)
            .map(|k| SynthConfig {
                class_code: format!("{}-{:03}", cfg.class_code, k + 1),
                account_prefix: format!("{}{:03}-", cfg.account_prefix, k + 1),
                seed: cfg.seed + k,
                start_ms: cfg.start_ms + (k * spread_days / n) as i64 * 86_400_000,
                ..cfg.clone()
            })
            .collect(),
    };
    let mut written = 0usize;
    if !jsonl {
        sink.write_all(b"[").map_err(io)?;
    }
    for run in &runs {
        let posted = simulate_posted(&chosen, &compiled.catalog, run).map_err(|e| e.to_string())?;
        for p in &posted {
            let st = p.with_authority().map_err(|e| e.to_string())?;
            if !jsonl && written > 0 {
                sink.write_all(b",").map_err(io)?;
            }
            serde_json::to_writer(&mut sink, &st).map_err(|e| e.to_string())?;
            if jsonl {
                sink.write_all(b"\n").map_err(io)?;
            }
            written += 1;
        }
    }
    if !jsonl {
        sink.write_all(b"]\n").map_err(io)?;
    }
    sink.flush().map_err(io)?;
    let ids: Vec<&str> = chosen.iter().map(Content::id).collect();
    eprintln!(
        "boiduong-synth: {} statements, {} learners in {} class(es), class {}, contents: {}",
        written,
        cfg.learners * runs.len(),
        runs.len(),
        if cfg.class_code.is_empty() {
            "(none)"
        } else {
            &cfg.class_code
        },
        ids.join(", ")
    );
    Ok(())
}
