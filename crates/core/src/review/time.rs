//! Reading the times LRSs send back: RFC 3339 / ISO 8601 timestamps (with any offset, with or
//! without fractions) and ISO 8601 durations.

use crate::calendar::{civil_from_days, days_from_civil, days_in_month};

/// A small cursor over ASCII digits.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let part = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for c in part {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
}

/// `2026-11-28T06:04:52.373Z`, `2026-11-28T13:04:52+07:00`, `…+0700`, `…+07`,
/// `2026-11-28 06:04:52.373456789z` → ms since the epoch (fractions beyond ms truncated).
/// Without an offset the time is read as UTC (LRSs always send one; xAPI requires it for
/// `stored`). A leap second `:60` counts as the next second. None on anything else.
pub fn parse_timestamp_ms(s: &str) -> Option<i64> {
    let mut c = Cursor {
        b: s.trim().as_bytes(),
        i: 0,
    };
    let year = i64::from(c.digits(4)?);
    let date_sep = c.eat(b'-');
    let month = c.digits(2)?;
    if date_sep && !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let hour = c.digits(2)?;
    let time_sep = c.eat(b':');
    let minute = c.digits(2)?;
    let (mut second, mut milli) = (0, 0);
    if !time_sep || c.eat(b':') {
        if c.peek().is_some_and(|b| b.is_ascii_digit()) {
            second = c.digits(2)?;
        } else if time_sep {
            return None;
        }
    }
    if c.eat(b'.') || c.eat(b',') {
        let mut scale = 100;
        let start = c.i;
        while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
            milli += u32::from(d - b'0') * scale;
            scale /= 10;
            c.i += 1;
        }
        if c.i == start {
            return None;
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset_min: i64 = match c.peek() {
        None => 0,
        Some(b'Z' | b'z') => {
            c.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let h = i64::from(c.digits(2)?);
            c.eat(b':');
            let m = if c.peek().is_some() {
                i64::from(c.digits(2)?)
            } else {
                0
            };
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 60 + m;
            if sign == b'-' {
                -off
            } else {
                off
            }
        }
        Some(_) => return None,
    };
    if c.i != c.b.len() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second)
        - offset_min * 60;
    Some(secs * 1_000 + i64::from(milli))
}

/// ISO 8601 duration (`PT47.25S`, `PT12M3.5S`, `PT25H1M1S`, `P1DT2H`, `P2W`) → ms. Years and
/// months have no fixed length; they count as 365 and 30 days. None when unreadable.
pub fn parse_duration_ms(s: &str) -> Option<i64> {
    let rest = s.trim().strip_prefix('P')?;
    let mut total = 0f64;
    let mut in_time = false;
    let mut num = String::new();
    let mut parts = 0;
    for ch in rest.chars() {
        match ch {
            'T' if !in_time && num.is_empty() => in_time = true,
            '0'..='9' | '.' | ',' => num.push(if ch == ',' { '.' } else { ch }),
            unit => {
                let v: f64 = num.parse().ok()?;
                num.clear();
                let secs = match (in_time, unit) {
                    (false, 'Y') => 365.0 * 86_400.0,
                    (false, 'M') => 30.0 * 86_400.0,
                    (false, 'W') => 7.0 * 86_400.0,
                    (false, 'D') => 86_400.0,
                    (true, 'H') => 3_600.0,
                    (true, 'M') => 60.0,
                    (true, 'S') => 1.0,
                    _ => return None,
                };
                total += v * secs;
                parts += 1;
            }
        }
    }
    if !num.is_empty() || parts == 0 || !total.is_finite() {
        return None;
    }
    Some((total * 1_000.0).round() as i64)
}

/// `ms` at `utc_offset_min` → `2026-11-28 13:04` (the tables' date-time format).
pub fn format_local_minute(ms: i64, utc_offset_min: i32) -> String {
    let local = ms + i64::from(utc_offset_min) * 60_000;
    let days = local.div_euclid(86_400_000);
    let in_day = local.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        in_day / 3_600_000,
        in_day / 60_000 % 60
    )
}

/// Ms → `m:ss` or `h:mm:ss`, rounded to the second (the tables' time format; no unit words,
/// so nothing to translate).
pub fn format_clock(ms: i64) -> String {
    let secs = (ms.max(0) + 500) / 1_000;
    let (h, m, s) = (secs / 3_600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xapi::{duration, timestamp};
    use proptest::prelude::*;

    // Guards the forms LRSs reformat timestamps into: offsets, no fraction, long fractions,
    // lower-case separators, basic offsets.
    #[test]
    fn timestamps_in_many_forms() {
        let z = Some(1_795_845_892_373); // 2026-11-28T06:04:52.373Z
        assert_eq!(parse_timestamp_ms("2026-11-28T06:04:52.373Z"), z);
        assert_eq!(parse_timestamp_ms("2026-11-28T13:04:52.373+07:00"), z);
        assert_eq!(parse_timestamp_ms("2026-11-28T13:04:52.373+0700"), z);
        assert_eq!(parse_timestamp_ms("2026-11-28T13:04:52.373+07"), z);
        assert_eq!(parse_timestamp_ms("2026-11-28T01:34:52.373-04:30"), z);
        assert_eq!(parse_timestamp_ms("2026-11-28t06:04:52.373999z"), z);
        assert_eq!(parse_timestamp_ms("2026-11-28 06:04:52.373+00:00"), z);
        assert_eq!(parse_timestamp_ms("20261128T060452.373Z"), z);
        assert_eq!(
            parse_timestamp_ms("2026-11-28T06:04:52Z"),
            Some(1_795_845_892_000)
        );
        assert_eq!(
            parse_timestamp_ms("2026-11-28T06:04:52.3Z"),
            Some(1_795_845_892_300)
        );
        assert_eq!(
            parse_timestamp_ms("2026-11-28T06:04Z"),
            Some(1_795_845_840_000)
        );
        // midnight across a date line, leap day
        assert_eq!(
            parse_timestamp_ms("2024-03-01T06:00:00+07:00"),
            parse_timestamp_ms("2024-02-29T23:00:00Z")
        );
        for bad in [
            "",
            "2026-11-28",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T06:04:52.Z",
            "2026-11-28T06:04:52Zjunk",
            "2026-11-28T06:04:52+7",
            "28/11/2026 06:04",
            "2026-11-28T06:04:52.373+25:00",
        ] {
            assert_eq!(parse_timestamp_ms(bad), None, "{bad}");
        }
    }

    // Guards durations as the mapping writes them and as other tools write them.
    #[test]
    fn durations_in_many_forms() {
        assert_eq!(parse_duration_ms("PT47.25S"), Some(47_250));
        assert_eq!(parse_duration_ms("PT12M3.5S"), Some(723_500));
        assert_eq!(parse_duration_ms("PT25H1M1S"), Some(90_061_000));
        assert_eq!(parse_duration_ms("PT0S"), Some(0));
        assert_eq!(parse_duration_ms("P1DT2H"), Some(93_600_000));
        assert_eq!(parse_duration_ms("P2W"), Some(1_209_600_000));
        assert_eq!(parse_duration_ms("PT1,5S"), Some(1_500));
        for bad in ["", "P", "PT", "47s", "PT5", "PT1H2D", "P1S", "PTxS"] {
            assert_eq!(parse_duration_ms(bad), None, "{bad}");
        }
    }

    // Guards the table formats of times.
    #[test]
    fn clock_and_local_time() {
        assert_eq!(format_clock(65_000), "1:05");
        assert_eq!(format_clock(64_600), "1:05");
        assert_eq!(format_clock(0), "0:00");
        assert_eq!(format_clock(3_725_000), "1:02:05");
        assert_eq!(
            format_local_minute(1_795_845_892_373, 420),
            "2026-11-28 13:04"
        );
        assert_eq!(
            format_local_minute(1_795_845_892_373, 0),
            "2026-11-28 06:04"
        );
    }

    proptest! {
        // Guards the round trip with the formatter the portal's mapping uses, over its whole
        // range (years 0000-9999), and the same instant written with any offset.
        #[test]
        fn timestamp_round_trip(ms in -62_167_219_200_000i64..253_402_300_800_000, off in -1439i64..1440) {
            let text = timestamp(ms).expect("in range");
            prop_assert_eq!(parse_timestamp_ms(&text), Some(ms));
            let local = ms + off * 60_000;
            let shifted = timestamp(local);
            if let Ok(shifted) = shifted {
                let sign = if off < 0 { '-' } else { '+' };
                let with_offset = format!(
                    "{}{sign}{:02}:{:02}",
                    shifted.trim_end_matches('Z'),
                    off.abs() / 60,
                    off.abs() % 60
                );
                prop_assert_eq!(parse_timestamp_ms(&with_offset), Some(ms));
            }
        }

        // Guards the duration round trip (the mapping truncates to 0.01 s).
        #[test]
        fn duration_round_trip(ms in 0i64..400_000_000_000) {
            prop_assert_eq!(parse_duration_ms(&duration(ms)), Some(ms / 10 * 10));
        }
    }
}
