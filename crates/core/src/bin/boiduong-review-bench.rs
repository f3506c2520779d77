//! `boiduong-review-bench`: times the trainer review's pure part on a large simulated class.
//!
//! ```text
//! cargo run --release -p boiduong-core --features synth --bin boiduong-review-bench -- \
//!     [--statements 100000] [--learners 200] [--scenarios 5] [--nodes 30] [--modules 2] \
//!     [--seed 1] [--runs 5] [--out FILE] [--content DIR] [--lean] [--pages FILE]
//! ```
//! `--content DIR` simulates the class on the first `--scenarios` scenarios and `--modules`
//! modules of a real content directory (compiled with the portal's compiler) instead of
//! generated ones, so the portal can review the same statements (`scripts/bench/bench-review.mjs`).
//! `--lean` writes and parses the lean form the trainer's offline cache stores
//! (`review::lean_json`), which is what the browser parses. `--pages FILE` writes the same
//! statements as the cache's packed pages (`review::pack_page`, 100 each, each after its
//! length as a little-endian u32), which the browser benchmark seals into the cache.
//! Generates the statements in memory (generated scenarios of about `--nodes` nodes with
//! loops and branches, modules of 4 lessons and 12 check items, through the portal's engine
//! and mapping), keeps the first `--statements` in time order, writes them as an LRS page
//! `{"statements":[…]}` with `--out` (the browser benchmark reads the same file), then times
//! parsing the JSON, `Class::build`, `scenario_review` per scenario, `item_analysis` per
//! module and the tables, and prints the median of `--runs` runs.

#![allow(clippy::print_stdout)] // a command-line tool reports on stdout by design

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use boiduong_core::compiler::compile_dir;
use boiduong_core::model::Content;
use boiduong_core::review::{
    item_analysis, lean_json, pack_page, parse_page, read_cached, scenario_review, snapshot, Class,
    Filter, Labels, Prepared, Table, Versions,
};
use boiduong_core::simulator::{
    demo_catalog, demo_module, demo_scenario, simulate_posted, SynthConfig,
};
use boiduong_core::Lang;

struct Args {
    statements: usize,
    learners: usize,
    scenarios: usize,
    nodes: usize,
    modules: usize,
    seed: u64,
    runs: usize,
    out: Option<PathBuf>,
    content: Option<PathBuf>,
    lean: bool,
    pages: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        statements: 100_000,
        learners: 200,
        scenarios: 5,
        nodes: 30,
        modules: 2,
        seed: 1,
        runs: 5,
        out: None,
        content: None,
        lean: false,
        pages: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--lean" {
            a.lean = true;
            continue;
        }
        let v = it.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        let n = || -> Result<usize, String> {
            v.parse()
                .map_err(|_| format!("`{flag}` needs a number, got `{v}`"))
        };
        match flag.as_str() {
            "--statements" => a.statements = n()?,
            "--learners" => a.learners = n()?,
            "--scenarios" => a.scenarios = n()?,
            "--nodes" => a.nodes = n()?,
            "--modules" => a.modules = n()?,
            "--seed" => a.seed = n()? as u64,
            "--runs" => a.runs = n()?.max(1),
            "--out" => a.out = Some(PathBuf::from(v)),
            "--content" => a.content = Some(PathBuf::from(v)),
            "--pages" => a.pages = Some(PathBuf::from(v)),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(a)
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("boiduong-review-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let (scenarios, modules, catalog) = match &args.content {
        None => (
            (0..args.scenarios)
                .map(|i| demo_scenario(i, args.nodes, args.seed))
                .collect::<Vec<_>>(),
            (0..args.modules)
                .map(|i| demo_module(i, 4, 12, args.seed))
                .collect::<Vec<_>>(),
            None,
        ),
        Some(dir) => match compile_dir(dir) {
            Ok(compiled) => {
                let (mut ss, mut ms) = (Vec::new(), Vec::new());
                for c in compiled.contents {
                    match c {
                        Content::Scenario(s) if ss.len() < args.scenarios => ss.push(s),
                        Content::Module(m) if ms.len() < args.modules => ms.push(m),
                        _ => {}
                    }
                }
                (ss, ms, Some(compiled.catalog))
            }
            Err(diags) => {
                for d in diags {
                    eprintln!("{d}");
                }
                return ExitCode::FAILURE;
            }
        },
    };
    let contents: Vec<Content> = scenarios
        .iter()
        .cloned()
        .map(Content::Scenario)
        .chain(modules.iter().cloned().map(Content::Module))
        .collect();
    let catalog = catalog.unwrap_or_else(|| demo_catalog(&contents));
    let mut cfg = SynthConfig {
        learners: args.learners,
        seed: args.seed,
        days: 30,
        ..SynthConfig::default()
    };
    let t = Instant::now();
    let mut statements = match simulate_posted(&contents, &catalog, &cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("boiduong-review-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    if statements.len() < args.statements {
        // more visits per learner until the class is big enough
        cfg.rounds = args.statements.div_ceil(statements.len().max(1)) as u32;
        statements = match simulate_posted(&contents, &catalog, &cfg) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("boiduong-review-bench: {e}");
                return ExitCode::FAILURE;
            }
        };
    }
    statements.truncate(args.statements);
    // each with the authority an LRS stamps (the posting learner), as the trainer reads them
    let statements: Vec<serde_json::Value> = match statements
        .iter()
        .map(|p| p.with_authority())
        .collect::<Result<_, _>>()
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!("boiduong-review-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let versions: Versions = contents.iter().cloned().collect();
    let generated = t.elapsed();
    let json = if args.lean {
        match parse_page(&serde_json::to_string(&statements).unwrap_or_default()) {
            Ok(p) => lean_json(&p.statements),
            Err(e) => {
                eprintln!("boiduong-review-bench: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        serde_json::json!({ "statements": statements }).to_string()
    };
    let source = match &args.content {
        Some(dir) => format!(
            "{} scenarios, {} modules of {}",
            scenarios.len(),
            modules.len(),
            dir.display()
        ),
        None => format!(
            "{} generated scenarios of {} nodes, {} modules",
            args.scenarios, args.nodes, args.modules
        ),
    };
    println!(
        "generated {} statements ({} learners, {source}, {} visit(s) each) in {:.0} ms; {} {:.1} MB",
        statements.len(),
        args.learners,
        cfg.rounds,
        ms(generated),
        if args.lean { "lean JSON" } else { "JSON" },
        json.len() as f64 / 1_048_576.0
    );
    println!(
        "contents: {}",
        scenarios
            .iter()
            .map(|s| format!("scenario/{}", s.id))
            .chain(modules.iter().map(|m| format!("module/{}", m.id)))
            .collect::<Vec<_>>()
            .join(" ")
    );
    if let Some(path) = &args.out {
        if let Err(e) = std::fs::write(path, json.as_bytes()) {
            eprintln!(
                "boiduong-review-bench: cannot write {}: {e}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        println!("written to {}", path.display());
    }

    // The cache's pages in the packed form (`review::pack_page`, 100 statements each), each
    // after its length (u32, little-endian), for the browser benchmark to seal and store.
    let parsed = match parse_page(&json) {
        Ok(p) => p.statements,
        Err(e) => {
            eprintln!("boiduong-review-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let packed: Vec<Vec<u8>> = parsed.chunks(100).map(pack_page).collect();
    let packed_bytes: usize = packed.iter().map(Vec::len).sum();
    println!(
        "packed pages: {} of 100 statements, {:.1} MB",
        packed.len(),
        packed_bytes as f64 / 1_048_576.0
    );
    if let Some(path) = &args.pages {
        let mut file = Vec::with_capacity(packed_bytes + 4 * packed.len());
        for p in &packed {
            file.extend_from_slice(&(p.len() as u32).to_le_bytes());
            file.extend_from_slice(p);
        }
        if let Err(e) = std::fs::write(path, file) {
            eprintln!(
                "boiduong-review-bench: cannot write {}: {e}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
    }
    let mut unpack = Vec::new();
    for _ in 0..args.runs {
        let t = Instant::now();
        let mut all = Vec::with_capacity(parsed.len());
        for p in &packed {
            match read_cached(p) {
                Ok(s) => all.extend(s),
                Err(e) => {
                    eprintln!("boiduong-review-bench: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        unpack.push(ms(t.elapsed()));
        if all != parsed {
            eprintln!("boiduong-review-bench: the packed pages read back differently");
            return ExitCode::FAILURE;
        }
    }
    drop(parsed);

    let labels = Labels::builtin(Lang::Vi);
    let (mut parse, mut build, mut review, mut items, mut tables, mut total) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut reopen, mut snapshot_bytes) = (vec![], 0);
    let mut check = (0, 0, 0, 0);
    for _ in 0..args.runs {
        let t0 = Instant::now();
        let parsed = match parse_page(&json) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("boiduong-review-bench: {e}");
                return ExitCode::FAILURE;
            }
        };
        let t1 = Instant::now();
        let class = Class::build(&parsed.statements, &cfg.base, &Filter::default(), &versions);
        let t2 = Instant::now();
        let reviews: Vec<_> = scenarios
            .iter()
            .map(|s| scenario_review(&class, s))
            .collect();
        let t3 = Instant::now();
        let analyses: Vec<_> = modules.iter().map(|m| item_analysis(&class, m)).collect();
        let t4 = Instant::now();
        let mut all: Vec<Table> = class.tables(&labels);
        for r in &reviews {
            all.extend(r.tables(&labels));
        }
        for a in &analyses {
            all.extend(a.tables(&labels));
        }
        let csv_bytes: usize = all.iter().map(|t| t.to_csv().len()).sum();
        let t5 = Instant::now();
        // the class reopened from its snapshot (`review::snapshot`), as the trainer's cache
        // keeps it: decoded, then filtered
        let prepared = Prepared::new(
            &parsed.statements,
            &cfg.base,
            &Default::default(),
            &versions,
        );
        let bytes = snapshot::encode("bench", &prepared);
        snapshot_bytes = bytes.len();
        let t6 = Instant::now();
        let reopened = match snapshot::decode(&bytes) {
            Ok((_, p)) => p.select(&Filter::default()),
            Err(e) => {
                eprintln!("boiduong-review-bench: {e}");
                return ExitCode::FAILURE;
            }
        };
        reopen.push(ms(t6.elapsed()));
        if reopened != class {
            eprintln!("boiduong-review-bench: the class reopened from its snapshot differs");
            return ExitCode::FAILURE;
        }
        parse.push(ms(t1 - t0));
        build.push(ms(t2 - t1));
        review.push(ms(t3 - t2));
        items.push(ms(t4 - t3));
        tables.push(ms(t5 - t4));
        total.push(ms(t5 - t0));
        check = (
            parsed.malformed + class.trust.set_aside.len(),
            class.attempts.len(),
            reviews.iter().map(|r| r.attempts).sum::<usize>(),
            csv_bytes,
        );
    }
    let n = statements.len() as f64;
    let (p, b, r, i, tb, tt) = (
        median(parse),
        median(build),
        median(review),
        median(items),
        median(tables),
        median(total),
    );
    println!(
        "class: {} attempts ({} scenario attempts), {} malformed or set aside, tables {} KB of CSV",
        check.1,
        check.2,
        check.0,
        check.3 / 1024
    );
    println!("median of {} runs:", args.runs);
    println!(
        "  parse_page            {p:8.1} ms  {:>10.0} statements/s",
        n / p * 1e3
    );
    println!(
        "  Class::build          {b:8.1} ms  {:>10.0} statements/s",
        n / b * 1e3
    );
    println!("  scenario_review x{}    {r:8.1} ms", scenarios.len());
    println!("  item_analysis x{}      {i:8.1} ms", modules.len());
    println!("  tables + CSV          {tb:8.1} ms");
    println!(
        "  aggregation (build+reviews+items) {:8.1} ms  {:>10.0} statements/s",
        b + r + i,
        n / (b + r + i) * 1e3
    );
    println!(
        "  total with parse      {tt:8.1} ms  {:>10.0} statements/s",
        n / tt * 1e3
    );
    println!(
        "  read packed pages     {:8.1} ms  {:>10.0} statements/s",
        median(unpack.clone()),
        n / median(unpack) * 1e3
    );
    println!(
        "  reopen from snapshot  {:8.1} ms  ({:.1} MB: decode + select)",
        median(reopen),
        snapshot_bytes as f64 / 1_048_576.0
    );
    ExitCode::SUCCESS
}
