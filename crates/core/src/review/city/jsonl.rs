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
        let n = summary.lines;
        let Ok(text) = std::str::from_utf8(&buf) else {
            summary.error(n, "not UTF-8 text".to_owned());
            continue;
        };
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        if !text.starts_with('[') {
            if let Some(s) = parse_statement(text) {
                summary.statements += 1;
                each(s);
                continue;
            }
            if !text.contains("\"statements\"") {
                summary.error(n, why_not(text));
                continue;
            }
        }
        match parse_page(text) {
            Ok(page) => {
                if page.malformed > 0 {
                    summary.error(
                        n,
                        format!(
                            "{} statements of the list on this line are not usable xAPI statements",
                            page.malformed
                        ),
                    );
                }
                for s in page.statements {
                    summary.statements += 1;
                    each(s);
                }
            }
            Err(_) => summary.error(n, why_not(text)),
        }
    }
    Ok(summary)
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
