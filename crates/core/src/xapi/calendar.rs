//! Time as xAPI writes it: the proleptic Gregorian calendar, `timestamp` (UTC, milliseconds)
//! and `duration` (ISO 8601).

use std::fmt::Write as _;

use super::XapiError;

/// Days since 1970-01-01 -> (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// Milliseconds since the Unix epoch -> `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn timestamp(ms: i64) -> Result<String, XapiError> {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return Err(XapiError::Time(ms));
    }
    let (h, m, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000,
    );
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z"
    ))
}

/// Milliseconds -> ISO 8601 duration (`PT12M3.5S`, `PT1H0.25S`, `PT0S`), truncated to the
/// 0.01 s precision xAPI asks providers not to exceed; negative (a clock moved backwards)
/// counts as zero. Hours are not folded into days.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    let (h, m, s, centi) = (
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1_000 % 60,
        ms / 10 % 100,
    );
    let mut out = String::from("PT");
    if h > 0 {
        let _ = write!(out, "{h}H");
    }
    if m > 0 {
        let _ = write!(out, "{m}M");
    }
    if s > 0 || centi > 0 || (h == 0 && m == 0) {
        let _ = write!(out, "{s}");
        if centi > 0 {
            let frac = format!("{centi:02}");
            let _ = write!(out, ".{}", frac.trim_end_matches('0'));
        }
        out.push('S');
    }
    out
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T0: i64 = 1_795_835_045_123; // 2026-11-28T03:04:05.123Z

    // Guards timestamp conversion on known dates, leap days included, and the range check.
    #[test]
    fn timestamps_on_known_dates() {
        assert_eq!(timestamp(0).as_deref(), Ok("1970-01-01T00:00:00.000Z"));
        assert_eq!(timestamp(-1).as_deref(), Ok("1969-12-31T23:59:59.999Z"));
        assert_eq!(
            timestamp(951_782_400_000).as_deref(),
            Ok("2000-02-29T00:00:00.000Z")
        );
        assert_eq!(
            timestamp(1_709_164_800_000).as_deref(),
            Ok("2024-02-29T00:00:00.000Z")
        );
        // 2100 and 1900 are not leap years: 28 February is followed by 1 March
        assert_eq!(
            timestamp(4_107_542_400_000).as_deref(),
            Ok("2100-03-01T00:00:00.000Z")
        );
        assert_eq!(
            timestamp(4_107_542_400_000 - 1).as_deref(),
            Ok("2100-02-28T23:59:59.999Z")
        );
        assert_eq!(
            timestamp(-2_203_891_200_000).as_deref(),
            Ok("1900-03-01T00:00:00.000Z")
        );
        assert_eq!(timestamp(T0).as_deref(), Ok("2026-11-28T03:04:05.123Z"));
        assert_eq!(
            timestamp(253_402_300_799_999).as_deref(),
            Ok("9999-12-31T23:59:59.999Z")
        );
        assert_eq!(
            timestamp(253_402_300_800_000),
            Err(XapiError::Time(253_402_300_800_000))
        );
        assert_eq!(
            timestamp(-62_135_596_800_000).as_deref(),
            Ok("0001-01-01T00:00:00.000Z")
        );
    }

    fn is_leap(y: i64) -> bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    fn days_in(y: i64, m: u32) -> u32 {
        match m {
            2 if is_leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    proptest! {
        // Guards the calendar arithmetic everywhere in 0000-9999: each day is the calendar
        // successor of the day before (month lengths and leap rule checked independently).
        #[test]
        fn consecutive_days_are_calendar_successors(d in -719_528i64..2_932_896) {
            let (y, m, day) = civil_from_days(d);
            let next = civil_from_days(d + 1);
            let expected = if day < days_in(y, m) {
                (y, m, day + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            prop_assert_eq!(next, expected);
        }
    }
}
