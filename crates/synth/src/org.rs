//! The synthetic provider's organisation: London's areas, boroughs and offices, with teams
//! and staff sized to the number of cases so that the mean caseload is the report's 57.

use crate::GenerateOptions;
use crate::calibration as cal;
use crate::draw::{mix, pick};
use crate::london;
use crate::names;
use domain::ids::{Code, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Specialism, Staff, Team};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Case-holding officers (PO, PSO, PQiP) for a run of `cases`: the expected active cases
/// over the report's mean caseload, at least one.
pub fn officers_for(cases: u64) -> u64 {
    let active = cases as f64 * cal::ACTIVE_PERCENT / 100.0;
    ((active / cal::MEAN_CASELOAD).round() as u64).max(1)
}

/// Teams for a number of officers: about [`cal::OFFICERS_PER_TEAM`] each, and at least one
/// per office.
pub fn teams_for(officers: u64) -> u64 {
    officers.div_ceil(cal::OFFICERS_PER_TEAM).max(cal::OFFICES as u64)
}

/// Splits `total` in proportion to `weights` (largest remainder), giving each at least
/// `min_each`. Needs `total >= min_each * weights.len()`.
pub fn apportion(total: u64, weights: &[f64], min_each: u64) -> Vec<u64> {
    let n = weights.len() as u64;
    debug_assert!(total >= min_each * n);
    let free = total - min_each * n;
    let sum: f64 = weights.iter().sum();
    let quotas: Vec<f64> = weights.iter().map(|w| free as f64 * w / sum).collect();
    let mut out: Vec<u64> = quotas.iter().map(|q| min_each + q.floor() as u64).collect();
    let mut left = total - out.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest fractional part first; ties to the earlier unit, so the split is deterministic.
    order.sort_by(|a, b| {
        let (fa, fb) = (quotas[*a].fract(), quotas[*b].fract());
        fb.total_cmp(&fa).then(a.cmp(b))
    });
    for i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        out[*i] += 1;
        left -= 1;
    }
    out
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("organisation codes are valid")
}

fn name(s: &str) -> Name {
    Name::parse(s).expect("organisation names are valid")
}

/// The organisation for a run. Deterministic for (cases, seed); the reference date does
/// not change it.
pub fn organisation(opts: &GenerateOptions) -> Organisation {
    let mut rng = StdRng::seed_from_u64(mix(opts.seed ^ 0x0F6A_71CA_7104_0000));
    let areas = london::AREAS.iter().map(|a| Area { code: code(a.code), name: name(a.name) }).collect();
    let boroughs = london::BOROUGHS
        .iter()
        .map(|b| Borough { code: code(b.code), area: code(london::AREAS[b.area].code), name: name(b.name) })
        .collect();
    let offices: Vec<Office> = london::OFFICES
        .iter()
        .map(|o| Office { code: code(o.code), borough: code(o.borough), name: name(o.name) })
        .collect();

    let officers = officers_for(opts.cases);
    let teams_total = teams_for(officers);
    let office_weight: Vec<f64> = (0..london::OFFICES.len())
        .map(|i| london::BOROUGHS.iter().filter(|b| b.office == i).map(|b| b.weight).sum())
        .collect();
    let teams_per_office = apportion(teams_total, &office_weight, 1);
    let team_weight: Vec<f64> = teams_per_office
        .iter()
        .zip(&office_weight)
        .flat_map(|(n, w)| std::iter::repeat_n(w / *n as f64, *n as usize))
        .collect();
    let min_officers = u64::from(officers >= teams_total);
    let officers_per_team = apportion(officers, &team_weight, min_officers);

    let mut teams = Vec::with_capacity(team_weight.len());
    let mut staff = Vec::with_capacity((officers + teams_total) as usize);
    let mut team_index = 0;
    for (o, n) in london::OFFICES.iter().zip(&teams_per_office) {
        let prefix = o.code.trim_end_matches("-OF");
        for t in 1..=*n {
            let team_code = code(&format!("{prefix}-T{t:03}"));
            teams.push(Team {
                code: team_code.clone(),
                office: code(o.code),
                name: name(&format!("{} team {t}", o.name)),
            });
            staff.push(member(&mut rng, staff.len(), &team_code, Grade::Spo));
            for _ in 0..officers_per_team[team_index] {
                let grade = pick(rng.random::<f64>(), &cal::GRADES);
                staff.push(member(&mut rng, staff.len(), &team_code, grade));
            }
            team_index += 1;
        }
    }
    Organisation { areas, boroughs, offices, teams, staff }
}

fn member(rng: &mut StdRng, n: usize, team: &Code, grade: Grade) -> Staff {
    // Most probation staff are women; the generator does not record staff gender, only
    // uses it to choose a plausible first name.
    let first = if rng.random_bool(0.6) {
        names::FEMALE_FIRST[rng.random_range(0..names::FEMALE_FIRST.len())]
    } else {
        names::MALE_FIRST[rng.random_range(0..names::MALE_FIRST.len())]
    };
    let family = names::FAMILY[rng.random_range(0..names::FAMILY.len())];
    let hours = pick(rng.random::<f64>(), &[(37.0, 80.0), (30.0, 10.0), (22.5, 10.0)]);
    let mut specialisms = Vec::new();
    if grade != Grade::Spo {
        for (s, p) in [(Specialism::Women, 0.06), (Specialism::Iom, 0.05), (Specialism::Court, 0.02)] {
            if rng.random_bool(p) {
                specialisms.push(s);
            }
        }
    }
    Staff {
        code: code(&format!("ST{:06}", n + 1)),
        team: team.clone(),
        name: name(&format!("{first} {family}")),
        grade,
        contracted_hours: ContractedHours::new(hours).expect("valid hours"),
        // The report: the CRC "relies heavily on agency workers".
        employment: if rng.random_bool(0.15) { Employment::Agency } else { Employment::Permanent },
        specialisms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_keeps_the_total_and_the_minimum() {
        assert_eq!(apportion(10, &[1.0, 1.0, 2.0], 0), vec![3, 2, 5]);
        assert_eq!(apportion(3, &[100.0, 1.0, 1.0], 1), vec![1, 1, 1]);
        let split = apportion(1000, &[0.2, 4.5, 3.3, 6.0], 1);
        assert_eq!(split.iter().sum::<u64>(), 1000);
        assert!(split.iter().all(|n| *n >= 1));
    }

    #[test]
    fn sizing_gives_the_report_caseload() {
        assert_eq!(officers_for(262_000), 3677);
        assert_eq!(officers_for(10), 1);
        assert_eq!(teams_for(70), 25);
        assert_eq!(teams_for(3677), 526);
    }
}
