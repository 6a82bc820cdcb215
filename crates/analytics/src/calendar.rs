//! Calendar arithmetic shared by the measures.
//!
//! Spelled out here rather than left to a library's defaults because the measures
//! depend on the exact boundary day, and docs/rules/practice.md#proven-reoffending defines it.

use jiff::civil::Date;

/// `date` plus `months` calendar months: the same day number `months` months on, or
/// that month's last day when the day does not exist there (docs/rules/practice.md#proven-reoffending).
/// 29 Feb 2024 + 12 months = 28 Feb 2025; 31 Mar 2024 + 18 months =
/// 30 Sep 2025.
///
/// Saturates at [`Date::MAX`] (or [`Date::MIN`]) outside the supported range, so a
/// window that runs off the calendar simply has no end.
pub fn add_months(date: Date, months: i32) -> Date {
    let index = i64::from(date.year()) * 12 + i64::from(date.month() - 1) + i64::from(months);
    let year = index.div_euclid(12);
    let month = index.rem_euclid(12) + 1;
    let (Ok(year), Ok(month)) = (i16::try_from(year), i8::try_from(month)) else {
        return if months >= 0 { Date::MAX } else { Date::MIN };
    };
    match Date::new(year, month, 1) {
        Ok(first) => {
            let day = date.day().min(first.days_in_month());
            Date::new(year, month, day).unwrap_or(first)
        }
        Err(_) if months >= 0 => Date::MAX,
        Err(_) => Date::MIN,
    }
}

/// Parses a date written exactly as `YYYY-MM-DD`, the only form the file formats allow.
/// Stricter than [`Date`]'s own parser, which also accepts datetimes and other forms.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let year = text[0..4].parse().ok()?;
    let month = text[5..7].parse().ok()?;
    let day = text[8..10].parse().ok()?;
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn add_months_clamps_to_month_end() {
        let cases = [
            // (start, months, expected, why)
            (date(2024, 2, 29), 12, date(2025, 2, 28), "leap day to a common year"),
            (date(2024, 2, 29), 18, date(2025, 8, 29), "leap day, day exists"),
            (date(2024, 2, 29), 48, date(2028, 2, 29), "leap day to a leap year"),
            (date(2024, 3, 31), 18, date(2025, 9, 30), "31st into a 30-day month"),
            (date(2024, 8, 31), 12, date(2025, 8, 31), "day exists"),
            (date(2024, 8, 31), 18, date(2026, 2, 28), "31st into February"),
            (date(2023, 8, 31), 6, date(2024, 2, 29), "31st into a leap February"),
            (date(2024, 12, 15), 1, date(2025, 1, 15), "year rollover"),
            (date(2024, 1, 31), 0, date(2024, 1, 31), "zero months"),
            (date(2024, 3, 31), -1, date(2024, 2, 29), "backwards"),
            (date(9999, 12, 1), 1, Date::MAX, "saturates"),
        ];
        for (start, months, expected, why) in cases {
            assert_eq!(add_months(start, months), expected, "{start} + {months}: {why}");
        }
    }

    #[test]
    fn parse_iso_date_is_strict() {
        let cases = [
            ("2025-01-31", Some(date(2025, 1, 31))),
            ("2024-02-29", Some(date(2024, 2, 29))),
            ("2025-02-29", None),
            ("2025-13-01", None),
            ("2025-1-31", None),
            ("31/01/2025", None),
            ("2025-01-31T00:00", None),
            ("20250131", None),
            ("", None),
            ("2025-01-3x", None),
            ("+025-01-31", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_iso_date(text), expected, "{text:?}");
        }
    }
}
