//! Randomness that is deterministic per case, and the day arithmetic the generator runs on.

use rand::SeedableRng;
use rand::rngs::StdRng;

/// Mixes 64 bits well (SplitMix64's finaliser): nearby seeds and indices give unrelated
/// streams.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The random stream of one case: depends on the seed and the case's index only, so a
/// case is the same however the run is batched or parallelised.
pub fn case_rng(seed: u64, index: u64) -> StdRng {
    StdRng::seed_from_u64(mix(seed ^ mix(index.wrapping_add(0x5EED))))
}

/// How many stratified dimensions each case draws.
pub const DIMS: usize = 9;

/// A low-discrepancy (Kronecker, "R_d") sequence over case indices, randomly shifted by the
/// seed. Headline figures (active or not, custodial or not, how the sentence ends, how many
/// officers) are drawn from it instead of independently, so their shares match the
/// calibration almost exactly on small runs as well as large ones, while staying a pure
/// function of (seed, index).
#[derive(Debug, Clone)]
pub struct Strata {
    shifts: [u64; DIMS],
    steps: [u64; DIMS],
}

impl Strata {
    pub fn new(seed: u64) -> Self {
        // phi_d: the root of x^(d+1) = x + 1 (Roberts, "The unreasonable effectiveness of
        // quasirandom sequences"); the steps are its inverse powers, which are rationally
        // independent, so every projection of the sequence is equidistributed.
        let d = DIMS as i32;
        let mut phi = 1.5f64;
        for _ in 0..64 {
            phi -= (phi.powi(d + 1) - phi - 1.0) / (f64::from(d + 1) * phi.powi(d) - 1.0);
        }
        let mut steps = [0u64; DIMS];
        let mut shifts = [0u64; DIMS];
        for k in 0..DIMS {
            let alpha = phi.powi(-(k as i32 + 1)).fract();
            steps[k] = (alpha * 18_446_744_073_709_551_616.0) as u64;
            shifts[k] = mix(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ (k as u64 + 1));
        }
        Self { shifts, steps }
    }

    /// The case's point in [0, 1)^DIMS.
    pub fn point(&self, index: u64) -> [f64; DIMS] {
        std::array::from_fn(|k| {
            let v = self.shifts[k].wrapping_add(index.wrapping_mul(self.steps[k]));
            (v >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
        })
    }
}

/// The entry of a weighted table that `u` in [0, 1) falls in.
pub fn pick<T: Copy>(u: f64, table: &[(T, f64)]) -> T {
    let total: f64 = table.iter().map(|(_, w)| w).sum();
    let mut target = u * total;
    for (v, w) in table {
        if target < *w {
            return *v;
        }
        target -= w;
    }
    table[table.len() - 1].0
}

/// A day as a number: days since 1970-01-01. The generator does its date arithmetic on
/// these (cheap) and makes `jiff` dates only for the events.
pub type Day = i32;

/// Days since 1970-01-01 of a civil date (Hinnant's algorithm).
pub fn day_of(d: jiff::civil::Date) -> Day {
    let (y, m, dd) = (i32::from(d.year()), i32::from(d.month()), i32::from(d.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn date_of(z: Day) -> jiff::civil::Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    jiff::civil::Date::new(y as i16, m as i8, d as i8).expect("day numbers stay within jiff's range")
}

/// Monday is 0, Sunday 6.
pub fn weekday(z: Day) -> i32 {
    (z + 3).rem_euclid(7)
}

/// Months as days, on the calendar's average month.
pub fn months(m: u32) -> Day {
    (f64::from(m) * 30.44).round() as Day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_know_the_weekday() {
        let epoch = jiff::civil::date(1970, 1, 1);
        assert_eq!(day_of(epoch), 0);
        assert_eq!(weekday(0), 3, "1970-01-01 was a Thursday");
        for z in (-40_000..40_000).step_by(17) {
            let d = date_of(z);
            assert_eq!(day_of(d), z);
            assert_eq!(weekday(z), d.weekday().to_monday_zero_offset() as i32);
        }
    }

    #[test]
    fn strata_are_evenly_spread() {
        let s = Strata::new(7);
        let n = 10_000u64;
        for k in 0..DIMS {
            let below = (0..n).filter(|i| s.point(*i)[k] < 0.41).count();
            assert!((below as f64 / n as f64 - 0.41).abs() < 0.002, "dim {k}: {below}");
        }
        // Joint shares hold too: ended and custodial and successful.
        let joint = (0..n)
            .filter(|i| {
                let u = s.point(*i);
                u[0] >= 0.8 && u[1] < 0.41 && u[2] < 0.8
            })
            .count();
        assert!((joint as f64 / n as f64 - 0.2 * 0.41 * 0.8).abs() < 0.003, "{joint}");
    }

    #[test]
    fn pick_follows_weights() {
        let t = [('a', 1.0), ('b', 3.0)];
        assert_eq!(pick(0.0, &t), 'a');
        assert_eq!(pick(0.24, &t), 'a');
        assert_eq!(pick(0.26, &t), 'b');
        assert_eq!(pick(0.999_999, &t), 'b');
    }
}
