//! Exact decimal rounding of ratios of counts.
//!
//! Published figures are rounded half up from the exact ratio of counts, not from a
//! binary float, so 1/8 = 12.5% shows as 13% at whole percent, and the same counts give
//! the same figure on every machine.

/// `num / den * scale` rounded half up to an integer, computed exactly. `den` must be
/// positive.
pub(crate) fn round_half_up(num: u64, den: u64, scale: u64) -> u128 {
    debug_assert!(den > 0, "denominator must be positive");
    let num = u128::from(num) * u128::from(scale);
    let den = u128::from(den);
    (2 * num + den) / (2 * den)
}

/// `num / den * multiplier` to two decimals, as a float for JSON.
pub(crate) fn two_decimals(num: u64, den: u64, multiplier: u64) -> f64 {
    round_half_up(num, den, multiplier * 100) as f64 / 100.0
}

/// `num / den` as a percentage with one decimal, as text (e.g. "31.3").
pub(crate) fn percent_one_decimal(num: u64, den: u64) -> String {
    let tenths = round_half_up(num, den, 1000);
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_up_exactly() {
        let cases = [
            // (num, den, multiplier, expected two decimals)
            (3, 7, 100, 42.86), // 42.857...
            (5, 3, 1, 1.67),    // 1.666...
            (1, 8, 1, 0.13),    // 0.125 rounds up
            (1, 3, 100, 33.33), // 33.333...
            (2, 3, 100, 66.67), // 66.666...
            (0, 5, 100, 0.0),   // zero
            (5, 5, 100, 100.0), // all
            (1, 200, 1, 0.01),  // 0.005 rounds up
            (1, 201, 1, 0.0),   // 0.004975 rounds down
        ];
        for (num, den, multiplier, expected) in cases {
            assert_eq!(two_decimals(num, den, multiplier), expected, "{num}/{den}");
        }
    }

    #[test]
    fn percent_text() {
        let cases = [
            (5, 16, "31.3"), // 31.25 rounds up
            (11, 50, "22.0"),
            (0, 9, "0.0"),
            (9, 9, "100.0"),
            (1, 3, "33.3"),
        ];
        for (num, den, expected) in cases {
            assert_eq!(percent_one_decimal(num, den), expected, "{num}/{den}");
        }
    }
}
