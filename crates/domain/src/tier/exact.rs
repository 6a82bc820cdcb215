//! Comparing a decimal input with the exact binary value of a double bound.
//!
//! Upstream compares the RSR score (a `BigDecimal` parsed from Delius' decimal text) with
//! `BigDecimal(double)`, i.e. with the exact binary expansion of 7.00, 99.99, 3.00 and
//! 6.99 (docs/rules/tiering.md#211-rsr-points). We receive the score as an `f64`, which stands for the
//! shortest decimal that parses to it ("99.99", "6.995"): that is what Delius sent. So the
//! comparison is "shortest decimal of `x`" against "exact value of `bound`".

use std::cmp::Ordering;

/// Compares the shortest round-trip decimal of `x` with the exact binary value of `bound`.
///
/// Both must be finite. When `x` and `bound` are different doubles their order is the
/// answer (rounding to nearest is monotone, so the decimal behind `x` is on the same side).
/// When they are the same double, the decimal text (e.g. `99.99`) and the binary value
/// (`99.9899999999999948...`) can still differ, and that difference decides.
pub(crate) fn cmp_decimal_to_binary(x: f64, bound: f64) -> Ordering {
    debug_assert!(x.is_finite() && bound.is_finite());
    if x != bound {
        return x.total_cmp(&bound);
    }
    exact_cmp_same_double(bound).unwrap_or(Ordering::Equal)
}

/// Order of (shortest decimal of `b`) against (exact binary value of `b`), or `None` when
/// the integers needed do not fit in `u128` (never for the policy bounds, which a test
/// checks).
pub(crate) fn exact_cmp_same_double(b: f64) -> Option<Ordering> {
    if b == 0.0 {
        return Some(Ordering::Equal);
    }
    // Shortest decimal: `{:e}` prints the shortest digits that round-trip, e.g. "9.999e1".
    let text = format!("{:e}", b.abs());
    let (mantissa, exp) = text.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: u128 = format!("{int_part}{frac_part}").parse().ok()?;
    let dec_exp = exp - i32::try_from(frac_part.len()).ok()?; // value = digits * 10^dec_exp

    // Exact binary: value = m * 2^bin_exp.
    let bits = b.abs().to_bits();
    let raw_exp = i32::try_from((bits >> 52) & 0x7ff).ok()?;
    let frac = u128::from(bits & ((1u64 << 52) - 1));
    let (m, bin_exp) = if raw_exp == 0 { (frac, -1074) } else { (frac | (1u128 << 52), raw_exp - 1075) };

    // Compare digits * 10^dec_exp with m * 2^bin_exp by moving negative powers across.
    let mut lhs = digits;
    let mut rhs = m;
    if dec_exp >= 0 {
        lhs = lhs.checked_mul(10u128.checked_pow(dec_exp.unsigned_abs())?)?;
    } else {
        rhs = rhs.checked_mul(10u128.checked_pow(dec_exp.unsigned_abs())?)?;
    }
    let shift = bin_exp.unsigned_abs();
    if shift >= 127 {
        return None;
    }
    if bin_exp >= 0 {
        rhs = rhs.checked_mul(1u128 << shift)?;
    } else {
        lhs = lhs.checked_mul(1u128 << shift)?;
    }
    let ord = lhs.cmp(&rhs);
    Some(if b < 0.0 { ord.reverse() } else { ord })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_bounds() {
        // docs/rules/tiering.md#211-rsr-points: 99.99 is above its binary bound, 6.99 below, 7 and 3 exact.
        assert_eq!(exact_cmp_same_double(99.99), Some(Ordering::Greater));
        assert_eq!(exact_cmp_same_double(6.99), Some(Ordering::Less));
        assert_eq!(exact_cmp_same_double(7.0), Some(Ordering::Equal));
        assert_eq!(exact_cmp_same_double(3.0), Some(Ordering::Equal));
        // 0.1 is 0.1000000000000000055511151231257827... in binary.
        assert_eq!(exact_cmp_same_double(0.1), Some(Ordering::Less));
        assert_eq!(exact_cmp_same_double(-0.1), Some(Ordering::Greater));
        assert_eq!(exact_cmp_same_double(0.5), Some(Ordering::Equal));
        assert_eq!(exact_cmp_same_double(1e20), Some(Ordering::Equal));
    }

    #[test]
    fn different_doubles_compare_as_doubles() {
        assert_eq!(cmp_decimal_to_binary(6.995, 6.99), Ordering::Greater);
        assert_eq!(cmp_decimal_to_binary(99.98, 99.99), Ordering::Less);
        assert_eq!(cmp_decimal_to_binary(99.99, 99.99), Ordering::Greater);
        assert_eq!(cmp_decimal_to_binary(6.99, 6.99), Ordering::Less);
        assert_eq!(cmp_decimal_to_binary(7.0, 7.0), Ordering::Equal);
    }
}
