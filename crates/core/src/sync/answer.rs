//! What an LRS answer says: a POST's statement ids, a partial report, the reason of a
//! refusal (cut to a readable length), the `Retry-After` header (seconds or an HTTP date).

use std::collections::BTreeSet;

use serde_json::Value;

/// Whether a 200 body is an xAPI POST answer: a JSON array of statement ids.
pub(super) fn is_xapi_ids(body: &str) -> bool {
    matches!(
        serde_json::from_str::<Value>(body),
        Ok(Value::Array(items)) if items.iter().all(Value::is_string)
    )
}

/// The ids of Ralph's partial-success report `{"inserted","rejected","ids":[..],"errors":[..]}`.
pub(super) fn partial_report_ids(body: &str) -> Option<BTreeSet<String>> {
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(body) else {
        return None;
    };
    if !obj.get("errors").is_some_and(Value::is_array) {
        return None;
    }
    obj.get("ids")?
        .as_array()?
        .iter()
        .map(|id| id.as_str().map(str::to_owned))
        .collect()
}

const REASON_MAX_CHARS: usize = 200;

/// A plain reason from an LRS error answer: Ralph's (FastAPI) `{"detail": ...}` when the body
/// is JSON (a validation error list reads `body.0.verb: Field required`), other LRSs'
/// `message`/`error`, else the start of the body, else the HTTP status.
pub fn lrs_reason(code: u16, body: &str) -> String {
    let text = body.trim();
    let from_json = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(obj)) => ["detail", "message", "error"]
            .iter()
            .find_map(|key| obj.get(*key))
            .map(describe),
        Ok(Value::String(s)) => Some(s),
        _ => None,
    };
    let reason = match from_json {
        Some(r) if !r.trim().is_empty() => r,
        _ if !text.is_empty() => text.to_owned(),
        _ => format!("the LRS answered {code} {}", status_text(code)),
    };
    truncate_chars(reason.trim(), REASON_MAX_CHARS)
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(obj) => {
                    let msg = obj.get("msg").or_else(|| obj.get("message"));
                    let loc = obj.get("loc").and_then(Value::as_array).map(|parts| {
                        parts
                            .iter()
                            .map(|p| match p {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(".")
                    });
                    match (loc, msg) {
                        (Some(loc), Some(msg)) => format!("{loc}: {}", describe(msg)),
                        (None, Some(msg)) => describe(msg),
                        _ => item.to_string(),
                    }
                }
                other => describe(other),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(obj) => match obj.get("message").or_else(|| obj.get("msg")) {
            Some(msg) => describe(msg),
            None => value.to_string(),
        },
        other => other.to_string(),
    }
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn status_text(code: u16) -> &'static str {
    match code {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Reads a `Retry-After` header value as seconds from `now_ms`: delta-seconds, or an HTTP
/// date (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`; a past date gives 0).
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok().or(Some(u64::MAX));
    }
    let at_ms = parse_imf_fixdate(value)?;
    Some(at_ms.saturating_sub(now_ms).div_ceil(1_000))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` as ms since the Unix epoch.
fn parse_imf_fixdate(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.split_ascii_whitespace().collect();
    let [_weekday, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let day: u64 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let year: u64 = year.parse().ok().filter(|y| *y >= 1970)?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    let days = crate::calendar::days_from_civil(year as i64, month as u32, day as u32) as u64;
    Some(((days * 24 + h) * 60 + m) * 60_000 + s * 1_000)
}
