//! Projects and supervisors for a synthetic organisation's boroughs, so a demo store can be
//! scheduled. Deterministic for a seed; nothing here is real data.

use jiff::civil::Time;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use domain::ids::{Code, Name, Note};
use domain::unpaid_work::WorkDay;

use crate::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor};

const GROUP_WORK: [&str; 5] = ["park clearance", "community garden", "canal towpath", "estate painting", "litter pick"];
const PLACEMENTS: [&str; 3] = ["charity shop", "food bank", "furniture reuse"];

/// `per_borough` projects in each borough: mostly groups of 10, with one placement and, every
/// fourth borough, a women-only group and a singleton placement (the report: too few).
pub fn synthetic_projects(seed: u64, boroughs: &[Code], per_borough: usize) -> (Vec<Project>, Vec<Supervisor>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut projects = Vec::new();
    let mut supervisors = Vec::new();
    let text = |s: String| Note::parse(&s).expect("generated text is valid");
    for (b, borough) in boroughs.iter().enumerate() {
        for k in 0..per_borough.max(1) {
            let n = projects.len() + 1;
            let (kind, women_only) = match k {
                1 => (ProjectKind::Placement, false),
                2 if b % 4 == 0 => (ProjectKind::Group, true),
                3 if b % 4 == 0 => (ProjectKind::Singleton, false),
                _ => (ProjectKind::Group, false),
            };
            let what = match kind {
                ProjectKind::Group => GROUP_WORK[rng.random_range(0..GROUP_WORK.len())],
                _ => PLACEMENTS[rng.random_range(0..PLACEMENTS.len())],
            };
            let days: Vec<WorkDay> = if rng.random_bool(0.4) {
                vec![WorkDay::Sat, WorkDay::Sun]
            } else {
                let a = rng.random_range(0..5u8);
                let b = (a + 2) % 5;
                vec![WorkDay::ALL[a as usize], WorkDay::ALL[b as usize], WorkDay::Sat]
            };
            let supervisor = Code::parse(&format!("UPWS{n:04}")).expect("valid code");
            supervisors.push(Supervisor {
                code: supervisor.clone(),
                name: Name::parse(&format!("Supervisor {n}")).expect("valid name"),
                phone: Phone::parse(&format!("07700 9{:05}", n % 100_000)).expect("valid phone"),
                days: days.clone(),
            });
            projects.push(Project {
                code: Code::parse(&format!("UPW{n:04}")).expect("valid code"),
                name: Name::parse(&format!("{borough} {what}")).expect("valid name"),
                kind,
                borough: borough.clone(),
                meeting_point: text(format!("{} {} Road, {borough}", 1 + rng.random_range(0..200u32), what_road(n))),
                directions: text(format!("Nearest station {borough} Central, then a 5-minute walk; bus stop outside")),
                days: days
                    .iter()
                    .map(|&day| ProjectDay { day, start: Time::constant(9, 0, 0, 0), end: Time::constant(16, 0, 0, 0) })
                    .collect(),
                supervisor,
                capacity: if kind == ProjectKind::Singleton {
                    1
                } else if kind == ProjectKind::Placement {
                    2
                } else {
                    10
                },
                women_only,
                accessible: rng.random_bool(0.5),
            });
        }
    }
    (projects, supervisors)
}

fn what_road(n: usize) -> &'static str {
    ["High", "Station", "Church", "Park", "Mill", "Victoria"][n % 6]
}
