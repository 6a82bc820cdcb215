//! The synthetic provider's staff equality data: each member of staff's self-declared
//! protected characteristics and a few performance-improvement flags
//! ([`crate::calibration`], "Staff equality"), for the staff process disproportionality
//! table. Deterministic for (seed, reference date, organisation): one random stream for the
//! run, drawn member by member in the organisation's order.

use crate::GenerateOptions;
use crate::calibration as cal;
use crate::draw::{date_of, day_of, mix, pick};
use crate::names;
use domain::ids::Code;
use domain::org::{Grade, Organisation};
use domain::person::Gender;
use domain::staff::{FlagKind, StaffCharacteristics, StaffFlag};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// What [`staff_equality`] makes: declarations in the organisation's staff order, and flags
/// by member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffEquality {
    pub declared: Vec<(Code, StaffCharacteristics)>,
    pub flags: Vec<(Code, StaffFlag)>,
}

/// The gender a first name suggests, from the generator's own lists (which never share a
/// name), so a declaration agrees with the name the organisation gave.
fn gender_of(name: &str) -> Option<Gender> {
    let first = name.split_whitespace().next()?;
    if names::FEMALE_FIRST.contains(&first) {
        Some(Gender::Female)
    } else if names::MALE_FIRST.contains(&first) {
        Some(Gender::Male)
    } else {
        None
    }
}

/// Every member of staff's declaration and their flags. A flag is raised by the SPO of their
/// team; an SPO's (or one on a team with no SPO) by the SPO of another team, standing in for
/// a manager the organisation does not record. No flag when the organisation has no one to
/// raise it.
pub fn staff_equality(opts: &GenerateOptions, org: &Organisation) -> StaffEquality {
    let mut rng = StdRng::seed_from_u64(mix(opts.seed ^ 0x57AF_F0E0_0A11_7700));
    let as_of = day_of(opts.as_of);
    let spos: Vec<&domain::org::Staff> = org.staff.iter().filter(|s| s.grade == Grade::Spo).collect();
    let mut declared = Vec::with_capacity(org.staff.len());
    let mut flags = Vec::new();
    for s in &org.staff {
        let answers = |rng: &mut StdRng| rng.random_bool(1.0 - cal::STAFF_UNDECLARED_PERCENT / 100.0);
        // A name the generator did not give says nothing: not recorded.
        let gender = answers(&mut rng).then(|| gender_of(s.name.as_str())).flatten();
        let ethnicity = answers(&mut rng).then(|| pick(rng.random::<f64>(), &cal::STAFF_ETHNICITY));
        let date_of_birth = answers(&mut rng).then(|| {
            let (youngest, oldest) = pick(rng.random::<f64>(), &cal::STAFF_AGES);
            let years = rng.random_range(i32::from(youngest)..=i32::from(oldest));
            // Aged `years` on the reference date: born within the year before that birthday.
            let latest = as_of - (f64::from(years) * 365.25) as i32;
            date_of(latest - rng.random_range(0..365))
        });
        let disability = answers(&mut rng).then(|| rng.random_bool(cal::STAFF_DISABLED_PERCENT / 100.0));
        let religion = answers(&mut rng).then(|| pick(rng.random::<f64>(), &cal::STAFF_RELIGION));
        declared
            .push((s.code.clone(), StaffCharacteristics { gender, ethnicity, date_of_birth, disability, religion }));

        if !rng.random_bool(cal::STAFF_FLAG_PERCENT / 100.0) {
            continue;
        }
        let start = as_of - rng.random_range(1..=730);
        let last = start + rng.random_range(cal::STAFF_FLAG_DAYS.0..=cal::STAFF_FLAG_DAYS.1) - 1;
        let own = spos.iter().find(|m| m.team == s.team && m.code != s.code);
        let other = spos.iter().find(|m| m.code != s.code);
        let Some(raised_by) = own.or(other) else { continue };
        flags.push((
            s.code.clone(),
            StaffFlag {
                kind: FlagKind::PerformanceImprovement,
                start: date_of(start),
                end: (last < as_of).then(|| date_of(last)),
                raised_by: raised_by.code.clone(),
            },
        ));
    }
    StaffEquality { declared, flags }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_same_run_gives_the_same_declarations_and_flags() {
        let opts = GenerateOptions::new(20_000, 7, date(2026, 11, 20));
        let org = crate::organisation(&opts);
        let a = staff_equality(&opts, &org);
        assert_eq!(a, staff_equality(&opts, &org));
        assert_ne!(a, staff_equality(&GenerateOptions { seed: 8, ..opts.clone() }, &org), "the seed matters");
        assert_eq!(a.declared.len(), org.staff.len(), "everyone is in post");
        assert!(a.declared.iter().zip(&org.staff).all(|((c, _), s)| c == &s.code), "in the organisation's order");

        // Undeclared at about the calibrated share, and a declared gender agrees with the name.
        let undeclared = a.declared.iter().filter(|(_, c)| c.ethnicity.is_none()).count() as f64;
        let share = undeclared / a.declared.len() as f64 * 100.0;
        assert!((2.0..9.0).contains(&share), "{share}% undeclared");
        for ((_, c), s) in a.declared.iter().zip(&org.staff) {
            if let Some(g) = c.gender {
                assert_eq!(Some(g), gender_of(s.name.as_str()), "{}", s.name.as_str());
            }
            if let Some(born) = c.date_of_birth {
                let age = age_on(born, opts.as_of);
                assert!((21..=64).contains(&age), "{born} is {age} on {}", opts.as_of);
            }
        }

        // A few flags, each checked as the store checks them, in the two years to the date.
        let share = a.flags.len() as f64 / org.staff.len() as f64 * 100.0;
        assert!((8.0..16.0).contains(&share), "{share}% flagged");
        for (on, f) in &a.flags {
            assert_eq!(f.check(on), Ok(()));
            assert!(f.start < opts.as_of && f.start >= date(2024, 11, 20), "{f:?}");
            assert!(f.end.is_none_or(|e| e < opts.as_of), "{f:?}");
            let raiser = org.staff.iter().find(|s| s.code == f.raised_by).unwrap();
            assert_eq!(raiser.grade, Grade::Spo);
        }
        assert!(a.flags.iter().any(|(_, f)| f.end.is_none()) && a.flags.iter().any(|(_, f)| f.end.is_some()));
    }

    /// Whole years from `born` to `on`.
    fn age_on(born: jiff::civil::Date, on: jiff::civil::Date) -> i16 {
        let mut age = on.year() - born.year();
        if (on.month(), on.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        age
    }
}
