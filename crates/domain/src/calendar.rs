//! The business-day calendar for England and Wales.
//!
//! Deadlines in probation ("within 5 business days of allocation") skip weekends and bank
//! holidays. Regular bank holidays follow fixed rules; one-off changes are data.

use jiff::civil::{Date, Weekday};

/// One-off changes to England and Wales bank holidays. Source: GOV.UK, "UK bank holidays"
/// (gov.uk/bank-holidays) and the Banking and Financial Dealings Act 1971 proclamations.
/// `moved` lists a regular holiday that did not happen that year; `added` a date that was
/// a bank holiday although no rule gives it.
pub struct BankHolidayChange {
    pub moved: Option<(i16, i8, i8)>,
    pub added: Option<(i16, i8, i8)>,
    pub why: &'static str,
}

pub const BANK_HOLIDAY_CHANGES: &[BankHolidayChange] = &[
    BankHolidayChange { moved: None, added: Some((2011, 4, 29)), why: "royal wedding" },
    BankHolidayChange {
        moved: Some((2012, 5, 28)),
        added: Some((2012, 6, 4)),
        why: "spring bank holiday moved for the Diamond Jubilee",
    },
    BankHolidayChange { moved: None, added: Some((2012, 6, 5)), why: "Diamond Jubilee" },
    BankHolidayChange {
        moved: Some((2020, 5, 4)),
        added: Some((2020, 5, 8)),
        why: "early May bank holiday moved for VE Day 75",
    },
    BankHolidayChange {
        moved: Some((2022, 5, 30)),
        added: Some((2022, 6, 2)),
        why: "spring bank holiday moved for the Platinum Jubilee",
    },
    BankHolidayChange { moved: None, added: Some((2022, 6, 3)), why: "Platinum Jubilee" },
    BankHolidayChange { moved: None, added: Some((2022, 9, 19)), why: "state funeral of Queen Elizabeth II" },
    BankHolidayChange { moved: None, added: Some((2023, 5, 8)), why: "coronation of King Charles III" },
];

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).expect("calendar rules produce valid dates")
}

/// Easter Sunday (anonymous Gregorian algorithm).
fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as i8, day as i8)
}

fn first_monday(year: i16, month: i8) -> Date {
    let mut d = date(year, month, 1);
    while d.weekday() != Weekday::Monday {
        d = d.tomorrow().expect("in range");
    }
    d
}

fn last_monday(year: i16, month: i8) -> Date {
    let mut d = date(year, month, 1).last_of_month();
    while d.weekday() != Weekday::Monday {
        d = d.yesterday().expect("in range");
    }
    d
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The bank holidays of England and Wales in `year`, in date order.
pub fn bank_holidays(year: i16) -> Vec<Date> {
    let easter = easter_sunday(year);
    let mut days = vec![
        easter.yesterday().and_then(|d| d.yesterday()).expect("in range"),
        easter.tomorrow().expect("in range"),
        first_monday(year, 5),
        last_monday(year, 5),
        last_monday(year, 8),
    ];
    // New Year's Day: substitute Monday when it falls at a weekend.
    let mut ny = date(year, 1, 1);
    while is_weekend(ny) {
        ny = ny.tomorrow().expect("in range");
    }
    days.push(ny);
    // Christmas and Boxing Day: each substituted by the next weekday not already taken.
    let mut taken: Vec<Date> = Vec::new();
    for d in [date(year, 12, 25), date(year, 12, 26)] {
        let mut s = d;
        while is_weekend(s) || taken.contains(&s) {
            s = s.tomorrow().expect("in range");
        }
        taken.push(s);
    }
    days.extend(taken);
    for change in BANK_HOLIDAY_CHANGES {
        if let Some((y, m, d)) = change.moved
            && y == year
        {
            days.retain(|h| *h != date(y, m, d));
        }
        if let Some((y, m, d)) = change.added
            && y == year
        {
            days.push(date(y, m, d));
        }
    }
    days.sort();
    days
}

/// Years whose bank holidays are worked out once and kept: deadlines are counted day by
/// day, so this is on the hot path of every worklist.
const CACHED_YEARS: std::ops::RangeInclusive<i16> = 1990..=2100;

static BANK_HOLIDAYS: std::sync::LazyLock<std::collections::HashSet<Date>> =
    std::sync::LazyLock::new(|| CACHED_YEARS.flat_map(bank_holidays).collect());

/// A business day is a weekday that is not a bank holiday.
pub fn is_business_day(d: Date) -> bool {
    if is_weekend(d) {
        return false;
    }
    if CACHED_YEARS.contains(&d.year()) { !BANK_HOLIDAYS.contains(&d) } else { !bank_holidays(d.year()).contains(&d) }
}

/// The date `n` business days after `from` (`from` itself is day 0, so `n = 0` gives `from`).
pub fn add_business_days(from: Date, n: u32) -> Date {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d = d.tomorrow().expect("date in range");
        if is_business_day(d) {
            left -= 1;
        }
    }
    d
}

/// Business days strictly after `from` up to and including `to` (0 when `to <= from`).
pub fn business_days_between(from: Date, to: Date) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d = d.tomorrow().expect("date in range");
        if is_business_day(d) {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn bank_holidays_match_gov_uk() {
        // Source: gov.uk/bank-holidays (England and Wales).
        let cases: &[(i16, &[&str])] = &[
            (
                2020,
                &[
                    "2020-01-01",
                    "2020-04-10",
                    "2020-04-13",
                    "2020-05-08",
                    "2020-05-25",
                    "2020-08-31",
                    "2020-12-25",
                    "2020-12-28",
                ],
            ),
            (
                2022,
                &[
                    "2022-01-03",
                    "2022-04-15",
                    "2022-04-18",
                    "2022-05-02",
                    "2022-06-02",
                    "2022-06-03",
                    "2022-08-29",
                    "2022-09-19",
                    "2022-12-26",
                    "2022-12-27",
                ],
            ),
            (
                2023,
                &[
                    "2023-01-02",
                    "2023-04-07",
                    "2023-04-10",
                    "2023-05-01",
                    "2023-05-08",
                    "2023-05-29",
                    "2023-08-28",
                    "2023-12-25",
                    "2023-12-26",
                ],
            ),
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-05-06",
                    "2024-05-27",
                    "2024-08-26",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-05",
                    "2025-05-26",
                    "2025-08-25",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-04",
                    "2026-05-25",
                    "2026-08-31",
                    "2026-12-25",
                    "2026-12-28",
                ],
            ),
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-05-03",
                    "2027-05-31",
                    "2027-08-30",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
        ];
        for (year, expected) in cases {
            let got: Vec<String> = bank_holidays(*year).iter().map(|d| d.to_string()).collect();
            assert_eq!(got, *expected, "{year}");
        }
    }

    #[test]
    fn business_day_arithmetic_skips_weekends_and_holidays() {
        let cases = [
            // (from, n, expected, why)
            ("2026-11-26", 0, "2026-11-26", "zero days is the same day"),
            ("2026-11-26", 1, "2026-11-27", "Thursday to Friday"),
            ("2026-11-27", 1, "2026-11-30", "Friday to Monday"),
            ("2026-11-26", 5, "2026-12-03", "five business days over a weekend"),
            ("2026-12-23", 3, "2026-12-30", "over Christmas and the substitute Boxing Day"),
            ("2026-04-02", 1, "2026-04-07", "over Good Friday and Easter Monday"),
            ("2026-11-28", 1, "2026-11-30", "from a Saturday"),
        ];
        for (from, n, expected, why) in cases {
            assert_eq!(add_business_days(d(from), n), d(expected), "{why}");
            assert_eq!(business_days_between(d(from), d(expected)), n, "{why}");
        }
    }

    #[test]
    fn the_cached_calendar_agrees_with_the_rules_day_by_day() {
        let mut day = d("2010-01-01");
        while day < d("2031-01-01") {
            let by_rule = !is_weekend(day) && !bank_holidays(day.year()).contains(&day);
            assert_eq!(is_business_day(day), by_rule, "{day}");
            day = day.tomorrow().unwrap();
        }
        // Outside the cached years the rules are used directly.
        assert!(!is_business_day(d("2150-12-25")));
        assert!(is_business_day(d("2150-12-23")));
    }
}
