//! The proleptic Gregorian calendar, once for the whole crate: days since 1970-01-01 to a
//! date and back (H. Hinnant's algorithms), month lengths and the leap rule. The xAPI
//! timestamps ([`crate::xapi::timestamp`]), the LRS times the review reads
//! ([`crate::review::time`]), HTTP dates ([`crate::sync::parse_retry_after`]) and the
//! content's `reviewed` dates are all written or read through these.

/// Days since 1970-01-01 -> (year, month, day) (H. Hinnant's `civil_from_days`).
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

/// Days since 1970-01-01 of a date (H. Hinnant's `days_from_civil`, the inverse of
/// [`civil_from_days`]).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Gregorian leap rule.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1-12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Guards the leap rule and month lengths on the dates that trip hand-written rules:
    // 1900 and 2100 are not leap years, 2000 and 2024 are; no month 0 or 13.
    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2026, 4), 30);
        assert_eq!(days_in_month(2026, 12), 31);
        assert_eq!(days_in_month(2026, 0), 0);
        assert_eq!(days_in_month(2026, 13), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    proptest! {
        // Guards the calendar arithmetic everywhere in 0000-9999: each day is the calendar
        // successor of the day before (month lengths and leap rule checked independently).
        #[test]
        fn consecutive_days_are_calendar_successors(d in -719_528i64..2_932_896) {
            let (y, m, day) = civil_from_days(d);
            let next = civil_from_days(d + 1);
            let expected = if day < days_in_month(y, m) {
                (y, m, day + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            prop_assert_eq!(next, expected);
        }

        // Guards the two directions agreeing: days -> date -> days is the identity.
        #[test]
        fn days_inverse(d in -719_528i64..2_932_896) {
            let (y, m, day) = civil_from_days(d);
            prop_assert_eq!(days_from_civil(y, m, day), d);
        }
    }
}
