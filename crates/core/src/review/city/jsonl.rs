//! Reading statements from JSON Lines (one statement per line, as `ralph read` writes them),
//! one line at a time. A line that cannot be read (truncated, not JSON, not UTF-8, not a
//! statement) is reported with its number and skipped; the rest is read on.
//!
//! A line holding a JSON array of statements or an LRS page (`{"statements": […]}`) is read
//! too, so a file of `boiduong-synth` or a saved LRS answer needs no conversion (such a line is
//! held in memory whole).

use std::io::{self, BufRead};

use serde::de::IgnoredAny;

use super::super::statement::{parse_page, parse_statement, Statement};

/// The line errors kept (the count goes on).
pub const MAX_LINE_ERRORS: usize = 100;

/// An unreadable line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based.
    pub line: u64,
    pub reason: String,
}

/// What was read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinesSummary {
    pub lines: u64,
    pub statements: u64,
    /// Unreadable lines (each skipped), and unusable statements inside list lines.
    pub unreadable: usize,
    /// The first [`MAX_LINE_ERRORS`] of them.
    pub errors: Vec<LineError>,
}

impl LinesSummary {
    fn error(&mut self, line: u64, reason: String) {
        self.unreadable += 1;
        if self.errors.len() < MAX_LINE_ERRORS {
            self.errors.push(LineError { line, reason });
        }
    }
}

fn why_not(text: &str) -> String {
    match serde_json::from_str::<IgnoredAny>(text) {
        Err(e) => format!("not JSON (truncated or damaged): {e}"),
        Ok(_) => "JSON, but not a usable xAPI statement (it needs an id, an actor, a verb, an \
                  object and a timestamp or stored time)"
            .to_owned(),
    }
}

/// What one line gave.
enum Line {
    Blank,
    Statements(Vec<Statement>, Option<String>),
    Error(String),
}

fn parse_line(bytes: &[u8]) -> Line {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Line::Error("not UTF-8 text".to_owned());
    };
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Line::Blank;
    }
    if !text.starts_with('[') {
        if let Some(s) = parse_statement(text) {
            return Line::Statements(vec![s], None);
        }
        if !text.contains("\"statements\"") {
            return Line::Error(why_not(text));
        }
    }
    match parse_page(text) {
        Ok(page) => {
            let note = (page.malformed > 0).then(|| {
                format!(
                    "{} statements of the list on this line are not usable xAPI statements",
                    page.malformed
                )
            });
            Line::Statements(page.statements, note)
        }
        Err(_) => Line::Error(why_not(text)),
    }
}

impl LinesSummary {
    fn take(&mut self, n: u64, line: Line, each: &mut impl FnMut(Statement)) {
        match line {
            Line::Blank => {}
            Line::Error(reason) => self.error(n, reason),
            Line::Statements(list, note) => {
                if let Some(reason) = note {
                    self.error(n, reason);
                }
                for s in list {
                    self.statements += 1;
                    each(s);
                }
            }
        }
    }
}

/// Reads every line of `input`, handing each readable statement to `each`. Fails only when
/// the input itself cannot be read (an I/O error); unreadable lines are in the summary.
pub fn read_json_lines<R: BufRead>(
    mut input: R,
    mut each: impl FnMut(Statement),
) -> io::Result<LinesSummary> {
    let mut summary = LinesSummary::default();
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        summary.lines += 1;
        let line = parse_line(&buf);
        summary.take(summary.lines, line, &mut each);
    }
    Ok(summary)
}

/// Lines read into one batch (about 3 MB of statements).
const BATCH_LINES: usize = 1_024;

/// [`read_json_lines`] with the parsing spread over `workers` threads (the reading and the
/// statements handed to `each` stay on the calling thread, in the input's order). At most two
/// batches per worker are in flight, so memory stays bounded.
pub fn read_json_lines_parallel<R: BufRead + Send>(
    input: R,
    workers: usize,
    each: impl FnMut(Statement),
) -> io::Result<LinesSummary> {
    read_batched(input, workers, BATCH_LINES, each)
}

fn read_batched<R: BufRead + Send>(
    mut input: R,
    workers: usize,
    batch_lines: usize,
    mut each: impl FnMut(Statement),
) -> io::Result<LinesSummary> {
    use std::collections::BTreeMap;
    use std::sync::mpsc::{sync_channel, Receiver};
    use std::sync::{Arc, Mutex};

    if workers <= 1 {
        return read_json_lines(input, each);
    }
    type Batch = (usize, Vec<u8>, Vec<usize>);
    let (to_workers, jobs) = sync_channel::<Batch>(workers * 2);
    let jobs: Arc<Mutex<Receiver<Batch>>> = Arc::new(Mutex::new(jobs));
    let (to_main, results) = sync_channel::<(usize, Vec<Line>)>(workers * 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let jobs = Arc::clone(&jobs);
            let to_main = to_main.clone();
            scope.spawn(move || loop {
                let job = match jobs.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((seq, bytes, ends)) = job else {
                    return;
                };
                let mut start = 0;
                let lines = ends
                    .iter()
                    .map(|&end| {
                        let line = parse_line(&bytes[start..end]);
                        start = end;
                        line
                    })
                    .collect();
                if to_main.send((seq, lines)).is_err() {
                    return;
                }
            });
        }
        drop(to_main);
        let mut summary = LinesSummary::default();
        let mut pending: BTreeMap<usize, Vec<Line>> = BTreeMap::new();
        let mut next_out = 0usize;
        let mut deliver = |summary: &mut LinesSummary,
                           pending: &mut BTreeMap<usize, Vec<Line>>,
                           next_out: &mut usize| {
            while let Some(lines) = pending.remove(next_out) {
                for line in lines {
                    summary.lines += 1;
                    let n = summary.lines;
                    summary.take(n, line, &mut each);
                }
                *next_out += 1;
            }
        };
        let mut sent = 0usize;
        let mut failure: Option<io::Error> = None;
        loop {
            let mut bytes: Vec<u8> = Vec::with_capacity(batch_lines * 3_000);
            let mut ends = Vec::with_capacity(batch_lines);
            while ends.len() < batch_lines {
                match input.read_until(b'\n', &mut bytes) {
                    Ok(0) => break,
                    Ok(_) => ends.push(bytes.len()),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            if ends.is_empty() {
                break;
            }
            let full = ends.len() == batch_lines;
            // the channel is bounded: while it is full, hand over what is parsed
            let mut job = Some((sent, bytes, ends));
            while let Some(j) = job.take() {
                match to_workers.try_send(j) {
                    Ok(()) => {}
                    Err(std::sync::mpsc::TrySendError::Full(j)) => {
                        job = Some(j);
                        if let Ok((seq, lines)) = results.recv() {
                            pending.insert(seq, lines);
                            deliver(&mut summary, &mut pending, &mut next_out);
                        }
                    }
                    Err(std::sync::mpsc::TrySendError::Disconnected(_)) => break,
                }
            }
            sent += 1;
            if !full || failure.is_some() {
                break;
            }
        }
        drop(to_workers);
        while next_out < sent {
            match results.recv() {
                Ok((seq, lines)) => {
                    pending.insert(seq, lines);
                    deliver(&mut summary, &mut pending, &mut next_out);
                }
                Err(_) => break,
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(summary),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{"id":"6b3f1c52-9a1e-4c1b-8a51-0a3c9f5e2d11","actor":{"account":{"homePage":"https://lrs.example","name":"hv1"}},"verb":{"id":"http://adlnet.gov/expapi/verbs/launched"},"object":{"id":"https://b.example/xapi/scenarios/s"},"timestamp":"2026-11-28T03:00:00Z"}"#;

    // Guards "a truncated or invalid line is reported with its line number and skipped, never
    // a crash": a truncated statement, a line of prose, invalid UTF-8, JSON that is not a
    // statement, and a list line with one unusable statement; the good lines around them are
    // all read, blank lines are not errors, and the last line may lack its newline.
    #[test]
    fn bad_lines_are_reported_by_number_and_skipped() {
        let truncated = &ONE[..ONE.len() - 20];
        let mut input: Vec<u8> = Vec::new();
        input.extend_from_slice(format!("\u{feff}{ONE}\n").as_bytes()); // 1
        input.extend_from_slice(format!("{truncated}\n").as_bytes()); // 2
        input.extend_from_slice(b"\n"); // 3 blank
        input.extend_from_slice(b"hello, world\r\n"); // 4
        input.extend_from_slice(b"{\"id\": \"x\", \"bad\": \xff}\n"); // 5
        input.extend_from_slice(b"{\"id\": \"x\"}\n"); // 6
        input.extend_from_slice(format!("[{ONE}, 17]\n").as_bytes()); // 7
        input.extend_from_slice(ONE.as_bytes()); // 8, no newline
        let mut got = Vec::new();
        let summary = read_json_lines(&input[..], |s| got.push(s)).expect("reads");
        assert_eq!(summary.lines, 8);
        assert_eq!(got.len(), 3);
        assert_eq!(summary.statements, 3);
        let lines: Vec<u64> = summary.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 4, 5, 6, 7]);
        assert_eq!(summary.unreadable, 5);
        assert!(
            summary.errors[0].reason.starts_with("not JSON"),
            "{:?}",
            summary.errors[0]
        );
        assert!(
            summary.errors[2].reason.contains("UTF-8"),
            "{:?}",
            summary.errors[2]
        );
        assert!(
            summary.errors[3].reason.contains("not a usable"),
            "{:?}",
            summary.errors[3]
        );
        assert!(
            summary.errors[4].reason.starts_with("1 statements"),
            "{:?}",
            summary.errors[4]
        );
    }
}
