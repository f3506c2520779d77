//! `boiduong-report`: the city-wide training-quality report, from an LRS or from JSON Lines.
//!
//! ```text
//! boiduong-report [--content content ...] [--out report] [--base https://boiduong.example/xapi]
//!                 (--input FILE|- ...  |  --lrs URL [--user ACCOUNT[:PASSWORD]] [--page-size 500])
//!                 [--since YYYY-MM-DD] [--until YYYY-MM-DD]
//!                 [--field ID] [--module ID] [--scenario ID] [--class CODE]
//! ```
//! Reads statements streaming (a batch of lines or one LRS page at a time, parsed on every
//! core; see `review::city`),
//! compiles the content library (the same ids and titles as the portal), and writes
//! `OUT/report.html` (self-contained: SVG charts, no script) and `OUT/{table}.csv` for every
//! table (UTF-8 with BOM, the same cells as the page).
//!
//! `--input` takes JSON Lines as `ralph read` writes them (also a JSON array or an LRS page on
//! one line); `-` is standard input, so `ralph read … | boiduong-report --input -` works.
//! `--lrs` reads `GET /statements` of any xAPI 1.0.3 LRS, following `more`; the password comes
//! after the account in `--user`, or from `BOIDUONG_LRS_PASSWORD` (kept out of the process
//! list). The LRS is asked for a day before `--since` to a week after `--until`, so attempts
//! that started in the period are read whole (with the evaluations that follow them); the
//! period then applies to attempt starts. Dates are Việt Nam days, `--until` included.
//!
//! Trust as in the trainer area: statements whose authority is not their actor, or for a
//! content version the report does not have, are set aside and counted; every attempt's
//! results are recomputed from its version. `--content` may be given again with older
//! libraries (e.g. a checkout of last quarter's content) so attempts taken on them count;
//! the first one names and orders the report.

#![allow(clippy::print_stdout)] // a command-line tool reports on stdout/stderr by design

mod lrs;

use std::fs::File;
use std::io::{BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use boiduong_core::compiler::compile_dir;
use boiduong_core::review::city::html::{render, PageInfo};
use boiduong_core::review::city::{
    city_labels, read_json_lines_parallel, CityBuilder, CityFilter, LineError, LinesSummary,
};
use boiduong_core::review::{format_local_minute, parse_timestamp_ms};
use boiduong_core::xapi::timestamp;

const USAGE: &str = "usage: boiduong-report [--content DIR ...] [--out DIR] [--base IRI] \
(--input FILE|- ... | --lrs URL [--user ACCOUNT[:PASSWORD]] [--page-size N]) \
[--since YYYY-MM-DD] [--until YYYY-MM-DD] [--field ID] [--module ID] [--scenario ID] [--class CODE]";

/// Việt Nam's offset (UTC+7): the days of `--since`/`--until` and the months of the trends.
const VN_OFFSET_MIN: i32 = 420;
const DAY_MS: i64 = 86_400_000;

struct Args {
    content: Vec<PathBuf>,
    out: PathBuf,
    base: String,
    inputs: Vec<String>,
    lrs: Option<String>,
    user: Option<String>,
    page_size: usize,
    since: Option<(String, i64)>,
    until: Option<(String, i64)>,
    filter: CityFilter,
}

/// `YYYY-MM-DD` (a Việt Nam day) or an RFC 3339 timestamp → ms; `end` moves a day to its end
/// (the next midnight), so `--until 2026-12-31` includes the 31st.
fn parse_when(flag: &str, v: &str, end: bool) -> Result<i64, String> {
    if let Some(ms) = parse_timestamp_ms(v).filter(|_| v.len() > 10) {
        return Ok(ms);
    }
    let midnight = parse_timestamp_ms(&format!("{v}T00:00:00+07:00"))
        .ok_or_else(|| format!("`{flag}` needs YYYY-MM-DD or a timestamp, got `{v}`"))?;
    Ok(if end { midnight + DAY_MS } else { midnight })
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut a = Args {
        content: Vec::new(),
        out: PathBuf::from("report"),
        base: "https://boiduong.example/xapi".into(),
        inputs: Vec::new(),
        lrs: None,
        user: None,
        page_size: 500,
        since: None,
        until: None,
        filter: CityFilter::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return Ok(None);
        }
        let v = it.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--content" => a.content.push(PathBuf::from(v)),
            "--out" => a.out = PathBuf::from(v),
            "--base" => a.base = v,
            "--input" => a.inputs.push(v),
            "--lrs" => a.lrs = Some(v),
            "--user" => a.user = Some(v),
            "--page-size" => {
                a.page_size =
                    v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!("`--page-size` needs a positive number, got `{v}`")
                    })?
            }
            "--since" => a.since = Some((v.clone(), parse_when(&flag, &v, false)?)),
            "--until" => a.until = Some((v.clone(), parse_when(&flag, &v, true)?)),
            "--field" => a.filter.field = Some(v),
            "--module" => a.filter.module = Some(v),
            "--scenario" => a.filter.scenario = Some(v),
            "--class" => a.filter.class_code = Some(v),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if a.inputs.is_empty() == a.lrs.is_none() {
        return Err("give either --input (one or more) or --lrs".into());
    }
    if a.content.is_empty() {
        a.content.push(PathBuf::from("content"));
    }
    a.filter.since_ms = a.since.as_ref().map(|s| s.1);
    a.filter.until_ms = a.until.as_ref().map(|u| u.1);
    Ok(Some(a))
}

fn main() -> ExitCode {
    match parse_args() {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(args)) => match run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("boiduong-report: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("boiduong-report: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn read_file(
    name: &str,
    builder: &mut CityBuilder,
    lines: &mut LinesSummary,
    errors: &mut Vec<LineError>,
) -> Result<(), String> {
    // parsing is most of the work: spread it over the cores, in the input's order
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let summary = if name == "-" {
        let stdin = BufReader::with_capacity(1 << 20, std::io::stdin());
        read_json_lines_parallel(stdin, workers, |s| builder.push(s))
    } else {
        let file = File::open(name).map_err(|e| format!("cannot open {name}: {e}"))?;
        let input = BufReader::with_capacity(1 << 20, file);
        read_json_lines_parallel(input, workers, |s| builder.push(s))
    }
    .map_err(|e| format!("cannot read {name}: {e}"))?;
    for e in &summary.errors {
        if errors.len() < 20 {
            eprintln!("boiduong-report: {name}:{}: {} (skipped)", e.line, e.reason);
        }
        errors.push(LineError {
            line: e.line,
            reason: format!("{name}: {}", e.reason),
        });
    }
    lines.lines += summary.lines;
    lines.statements += summary.statements;
    lines.unreadable += summary.unreadable;
    Ok(())
}

fn run(args: &Args) -> Result<(), String> {
    let compile = |dir: &PathBuf| {
        compile_dir(dir).map_err(|diags| {
            let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
            format!("{} does not compile:\n{}", dir.display(), lines.join("\n"))
        })
    };
    let compiled = compile(&args.content[0])?;
    let mut older = Vec::new();
    for dir in &args.content[1..] {
        older.extend(compile(dir)?.contents);
    }
    for (flag, id, kind) in [
        ("--module", &args.filter.module, "module"),
        ("--scenario", &args.filter.scenario, "scenario"),
    ] {
        if let Some(id) = id {
            let found = compiled.contents.iter().any(|c| {
                c.id() == id.as_str()
                    && matches!(
                        (c, kind),
                        (boiduong_core::model::Content::Module(_), "module")
                            | (boiduong_core::model::Content::Scenario(_), "scenario")
                    )
            });
            if !found {
                return Err(format!("{flag}: the library has no {kind} `{id}`"));
            }
        }
    }
    let mut builder = CityBuilder::new(&args.base, &compiled.contents, &older, args.filter.clone());
    let clock = std::time::Instant::now();
    let mut lines = LinesSummary::default();
    let mut errors = Vec::new();
    let source;
    if let Some(endpoint) = &args.lrs {
        let credentials = match &args.user {
            None => None,
            Some(u) if u.contains(':') => Some(u.clone()),
            Some(u) => Some(format!(
                "{u}:{}",
                std::env::var("BOIDUONG_LRS_PASSWORD").map_err(|_| {
                    "--user without a password needs BOIDUONG_LRS_PASSWORD".to_owned()
                })?
            )),
        };
        let lrs = lrs::Lrs {
            endpoint: endpoint.clone(),
            credentials,
            page_size: args.page_size,
        };
        let since = args
            .since
            .as_ref()
            .map(|s| timestamp(s.1 - DAY_MS))
            .transpose()
            .map_err(|e| e.to_string())?;
        let until = args
            .until
            .as_ref()
            .map(|u| timestamp(u.1 + 7 * DAY_MS))
            .transpose()
            .map_err(|e| e.to_string())?;
        let mut next_note = 100_000;
        let summary = lrs.read(
            since.as_deref(),
            until.as_deref(),
            |s| builder.push(s),
            |p| {
                if p.statements >= next_note {
                    eprintln!(
                        "boiduong-report: {} statements, {} pages…",
                        p.statements, p.pages
                    );
                    next_note += 100_000;
                }
            },
        )?;
        lines.unreadable += summary.malformed;
        lines.statements += summary.statements as u64;
        source = format!("LRS {endpoint} ({} trang / pages)", summary.pages);
    } else {
        for name in &args.inputs {
            read_file(name, &mut builder, &mut lines, &mut errors)?;
        }
        source = args.inputs.join(", ");
    }
    let read_s = clock.elapsed().as_secs_f64();
    let report = builder.finish(&compiled.contents, VN_OFFSET_MIN);
    let figures_s = clock.elapsed().as_secs_f64() - read_s;
    let labels = city_labels(Some(&compiled.catalog));
    let tables = report.tables(&labels, lines.unreadable);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let day = |ms: i64| format_local_minute(ms, VN_OFFSET_MIN)[..10].to_owned();
    let period = match (&args.since, &args.until) {
        (None, None) => "Toàn bộ dữ liệu / All data".to_owned(),
        (s, u) => format!(
            "{} – {}",
            s.as_ref().map_or("…".into(), |s| day(s.1)),
            u.as_ref().map_or("…".into(), |u| day(u.1 - 1))
        ),
    };
    let mut filters = Vec::new();
    for (label, v) in [
        ("Lĩnh vực / Field", &args.filter.field),
        ("Học phần / Module", &args.filter.module),
        ("Tình huống / Scenario", &args.filter.scenario),
        ("Lớp / Class", &args.filter.class_code),
    ] {
        if let Some(v) = v {
            filters.push((label.to_owned(), v.clone()));
        }
    }
    let info = PageInfo {
        period,
        filters,
        source,
        generated: format_local_minute(now_ms, VN_OFFSET_MIN),
        unreadable_lines: lines.unreadable,
        line_errors: errors.into_iter().take(100).collect(),
    };
    let html = render(&report, &tables, &info);
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    write(&args.out.join("report.html"), html.as_bytes())?;
    for t in &tables {
        write(
            &args.out.join(format!("{}.csv", t.id)),
            t.to_csv().as_bytes(),
        )?;
    }
    let c = report.counts;
    eprintln!(
        "boiduong-report: read {read_s:.1} s, figures {figures_s:.1} s, written {:.1} s",
        clock.elapsed().as_secs_f64() - read_s - figures_s
    );
    eprintln!(
        "boiduong-report: {} statements read ({} unreadable, {} duplicates, {} set aside, {} \
         with a claimed result recomputed), {} used, {} class joins; {} classes ({} learners \
         enrolled, {} of them not started), {} learners, {} attempts -> {} and {} CSV files",
        c.statements,
        lines.unreadable,
        c.duplicates,
        c.untrusted_authority + c.unknown_version + c.does_not_fit,
        c.untrusted_result,
        c.used,
        c.joins,
        report.classes.len(),
        report.enrolled,
        report.not_started,
        report.total.learners,
        report.total.attempts,
        args.out.join("report.html").display(),
        tables.len()
    );
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    File::create(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
