//! Time as xAPI writes it: `timestamp` (UTC, milliseconds) and `duration` (ISO 8601), on the
//! crate's one calendar ([`crate::calendar`]).

use std::fmt::Write as _;

use super::XapiError;
pub use crate::calendar::civil_from_days;

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
}
