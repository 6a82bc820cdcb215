//! A deterministic London-scale instance generator, for the benchmark and for tests.
//!
//! Shaped on the London CRC of the 2018 inspection: 32 boroughs and the City, group
//! projects run by supervisors at 10 people each, a few individual (singleton) and
//! women-only placements, people whose available days follow employment and childcare,
//! DRR reviews and other appointments that clash with sessions, and urgency weights from
//! hours outstanding against time left on the order. Nothing here is real data.

use jiff::civil::{Date, DateTime, Time};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::model::{Gender, Id, Instance, Person, Session, Travel};

/// Boroughs with an approximate position (km east, km north of Charing Cross) and a
/// relative caseload weight (inner and outer-east boroughs carry more orders).
const BOROUGHS: [(&str, f64, f64, u32); 33] = [
    ("westminster", -1.0, 0.5, 3),
    ("city", 2.0, 0.3, 1),
    ("camden", -1.0, 3.5, 3),
    ("islington", 1.0, 3.5, 3),
    ("hackney", 3.5, 4.0, 4),
    ("tower-hamlets", 4.5, 0.5, 4),
    ("southwark", 1.5, -2.5, 4),
    ("lambeth", -0.5, -3.5, 4),
    ("wandsworth", -5.0, -4.5, 3),
    ("hammersmith-fulham", -7.0, -1.5, 2),
    ("kensington-chelsea", -4.0, -1.0, 2),
    ("lewisham", 5.0, -5.5, 4),
    ("greenwich", 9.0, -3.5, 3),
    ("newham", 8.5, 2.0, 4),
    ("haringey", 0.5, 9.0, 4),
    ("enfield", 1.0, 15.0, 3),
    ("barnet", -6.0, 11.0, 3),
    ("brent", -8.0, 5.0, 4),
    ("ealing", -13.0, 0.5, 3),
    ("hounslow", -17.0, -4.0, 3),
    ("hillingdon", -22.0, 2.0, 3),
    ("harrow", -13.0, 10.0, 2),
    ("richmond", -14.0, -7.0, 1),
    ("kingston", -13.0, -13.0, 1),
    ("merton", -6.0, -9.5, 2),
    ("sutton", -6.0, -15.0, 2),
    ("croydon", 0.0, -14.0, 4),
    ("bromley", 8.0, -13.0, 2),
    ("bexley", 15.0, -5.0, 2),
    ("havering", 21.0, 6.0, 2),
    ("barking-dagenham", 14.0, 4.0, 3),
    ("redbridge", 12.0, 7.5, 3),
    ("waltham-forest", 6.5, 9.5, 3),
];

/// The week the synthetic instance schedules: Monday 3 March 2025.
const WEEK: (i16, i8, i8) = (2025, 3, 3);

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Group,
    WomenOnly,
    Individual,
}

struct Project {
    id: String,
    x: f64,
    y: f64,
    kind: Kind,
}

fn pick_borough(rng: &mut StdRng) -> usize {
    let total: u32 = BOROUGHS.iter().map(|b| b.3).sum();
    let mut r = rng.random_range(0..total);
    for (i, b) in BOROUGHS.iter().enumerate() {
        if r < b.3 {
            return i;
        }
        r -= b.3;
    }
    BOROUGHS.len() - 1
}

fn at(day: Date, hour: i8, minute: i8) -> DateTime {
    DateTime::from_parts(day, Time::new(hour, minute, 0, 0).expect("valid time"))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A deterministic London-like instance: `people` people with UPW hours outstanding and
/// `projects` projects running a week of sessions (about 4.4 sessions per project).
pub fn synthetic_instance(seed: u64, people: usize, projects: usize) -> Instance {
    let mut rng = StdRng::seed_from_u64(seed);
    let monday = Date::new(WEEK.0, WEEK.1, WEEK.2).expect("valid week");
    let day = |d: u8| monday.checked_add(jiff::Span::new().days(i64::from(d))).expect("in range");

    // Projects and their sessions.
    let mut project_list = Vec::with_capacity(projects);
    let mut sessions = Vec::new();
    let mut per_borough = vec![0u32; BOROUGHS.len()];
    for _ in 0..projects {
        let b = pick_borough(&mut rng);
        per_borough[b] += 1;
        let (name, bx, by, _) = BOROUGHS[b];
        let roll = rng.random_range(0.0..1.0);
        let kind = if roll < 0.05 {
            Kind::WomenOnly
        } else if roll < 0.13 {
            Kind::Individual
        } else {
            Kind::Group
        };
        let project = Project {
            id: format!("{name}-{:02}", per_borough[b]),
            x: bx + rng.random_range(-2.0..2.0),
            y: by + rng.random_range(-2.0..2.0),
            kind,
        };
        // Weekend sessions are the most wanted (people in work); most projects run
        // three to five weekdays, many also Saturday, some Sunday.
        let mut days: Vec<u8> = (0..5).filter(|_| rng.random_bool(0.7)).collect();
        if rng.random_bool(0.55) {
            days.push(5);
        }
        if rng.random_bool(0.3) {
            days.push(6);
        }
        if days.is_empty() {
            days.push(rng.random_range(0..7));
        }
        let supervisors = if kind == Kind::Group && rng.random_bool(0.2) { 2 } else { 1 };
        for d in days {
            let date = day(d);
            // Full day 09:00-16:30 (7 hours credited, 30 minutes lunch), half day
            // 09:00-13:00, or a weekday evening 17:30-20:30.
            let shape = rng.random_range(0..10);
            let (start, end, hours) = if d < 5 && shape == 0 {
                (at(date, 17, 30), at(date, 20, 30), 3.0)
            } else if shape <= 2 {
                (at(date, 9, 0), at(date, 13, 0), 4.0)
            } else {
                (at(date, 9, 0), at(date, 16, 30), 7.0)
            };
            let capacity = match kind {
                Kind::Individual => 1,
                Kind::WomenOnly => 8,
                Kind::Group => 10 * supervisors - rng.random_range(0..3) * supervisors,
            };
            sessions.push(Session {
                id: Id::Text(format!("S{:05}", sessions.len() + 1)),
                project: Id::Text(project.id.clone()),
                start,
                end,
                hours,
                capacity,
                women_only: kind == Kind::WomenOnly,
                singleton: kind == Kind::Individual,
            });
        }
        project_list.push(project);
    }

    // People, with travel to the projects an officer would consider for them.
    let mut person_list = Vec::with_capacity(people);
    let mut travel = Vec::new();
    for n in 0..people {
        let b = pick_borough(&mut rng);
        let (_, bx, by, _) = BOROUGHS[b];
        let (x, y) = (bx + rng.random_range(-2.5..2.5), by + rng.random_range(-2.5..2.5));
        let gender = if rng.random_bool(0.13) { Gender::F } else { Gender::M };
        let women_only = gender == Gender::F && rng.random_bool(0.3);
        let singleton = rng.random_bool(0.03);

        // Availability: in work (weekends, sometimes a day off), caring for children
        // (school days only, home by 15:00), or neither (any day).
        let mut busy = Vec::new();
        let roll = rng.random_range(0.0..1.0);
        let mut available: u8 = if roll < 0.4 {
            let mut days = 0b110_0000;
            if rng.random_bool(0.2) {
                days |= 1 << rng.random_range(0..5);
            }
            days
        } else if roll < 0.55 {
            let mut days: u8 = 0;
            while days.count_ones() < 3 {
                days |= 1 << rng.random_range(0..5);
            }
            for d in 0..5u8 {
                if days & (1 << d) != 0 {
                    busy.push((at(day(d), 15, 0), at(day(d), 18, 0)));
                }
            }
            days
        } else {
            let mut days = 0b001_1111;
            if rng.random_bool(0.6) {
                days |= 1 << 5;
            }
            if rng.random_bool(0.4) {
                days |= 1 << 6;
            }
            days
        };
        if available == 0 {
            available = 1;
        }
        // Appointments this week: DRR reviews, supervision, treatment.
        for _ in 0..rng.random_range(0..3) {
            if rng.random_bool(0.5) {
                let d = day(rng.random_range(0..5));
                let h = rng.random_range(9..17);
                busy.push((at(d, h, 0), at(d, h + 1, 0)));
            }
        }

        // Urgency: hours outstanding over weeks left on the order, relative to a
        // 7-hour week, plus a push for those not yet started (7 business days rule).
        let outstanding: f64 = rng.random_range(20.0..300.0);
        let weeks_left: f64 = rng.random_range(4.0..52.0);
        let not_started = rng.random_bool(0.1);
        let weight = round2(
            (outstanding / weeks_left / 7.0).clamp(0.5, 4.0)
                + if not_started { 1.5 } else { 0.0 }
                + rng.random_range(0.0..0.5),
        );
        let max_sessions = match rng.random_range(0..20) {
            0 => 0,
            1..=10 => 1,
            11..=16 => 2,
            _ => 3,
        };

        // Travel: the nearest suitable projects within about an hour, as an officer
        // would list them; singleton and women-only needs look further afield.
        let mut near: Vec<(f64, usize)> = project_list
            .iter()
            .enumerate()
            .filter(|(_, p)| match p.kind {
                Kind::Individual => singleton,
                Kind::WomenOnly => gender == Gender::F,
                Kind::Group => !singleton && !women_only,
            })
            .map(|(k, p)| (((p.x - x).powi(2) + (p.y - y).powi(2)).sqrt(), k))
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let reach = if singleton || women_only { 20.0 } else { 11.0 };
        let limit = if singleton || women_only { 5 } else { 12 };
        // A few people have no usable travel at all (e.g. exclusion zones).
        let listed = if rng.random_bool(0.01) { 0 } else { limit };
        let id = Id::Text(format!("P{:05}", n + 1));
        for &(km, k) in near.iter().filter(|(km, _)| *km <= reach).take(listed) {
            // Cost in the objective's units: the fare (reimbursed) plus travel time.
            let minutes = 12.0 + 4.0 * km;
            let fare = if km < 3.0 { 1.75 } else { 2.80 + 0.15 * km };
            travel.push(Travel {
                person: id.clone(),
                project: Id::Text(project_list[k].id.clone()),
                cost: round2(0.6 * fare + 0.05 * minutes),
            });
        }
        person_list.push(Person {
            id,
            gender,
            weight,
            max_sessions,
            available_days: available,
            women_only,
            singleton,
            busy,
        });
    }

    // Only projects with sessions may be named in travel; every generated project has one.
    Instance::new(format!("{:04}-{:02}-{:02}", WEEK.0, WEEK.1, WEEK.2), person_list, sessions, travel, Vec::new())
        .expect("the generator builds valid instances")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Day;

    #[test]
    fn deterministic_for_a_seed() {
        let a = synthetic_instance(7, 200, 20);
        let b = synthetic_instance(7, 200, 20);
        assert_eq!(a.to_json(), b.to_json());
        assert_ne!(a.to_json(), synthetic_instance(8, 200, 20).to_json());
    }

    #[test]
    fn round_trips_through_json() {
        let a = synthetic_instance(3, 100, 15);
        let b = Instance::from_json(&a.to_json()).expect("valid");
        assert_eq!(a, b);
    }

    #[test]
    fn london_shape() {
        let a = synthetic_instance(5, 2000, 400);
        let per_project = a.sessions().len() as f64 / 400.0;
        assert!((3.0..6.0).contains(&per_project), "{per_project}");
        let women_only = a.people().iter().filter(|p| p.women_only).count();
        let singleton = a.people().iter().filter(|p| p.singleton).count();
        assert!(women_only > 10 && women_only < 200, "{women_only}");
        assert!(singleton > 10 && singleton < 200, "{singleton}");
        assert!(a.sessions().iter().any(|s| s.day() == Day(5)));
    }
}
