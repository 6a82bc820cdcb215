//! Projects and supervisors for a synthetic organisation's boroughs, so a demo store can be
//! scheduled. Deterministic for a seed; nothing here is real data.

use jiff::civil::Time;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use domain::ids::{Code, Name, Note};
use domain::unpaid_work::WorkDay;

use crate::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor};
use crate::travel::{LatLong, borough_centre};

const GROUP_WORK: [&str; 5] = ["park clearance", "community garden", "canal towpath", "estate painting", "litter pick"];
const PLACEMENTS: [&str; 3] = ["charity shop", "food bank", "furniture reuse"];
const ETE: [&str; 3] =
    ["employment skills course", "construction skills (CSCS card) course", "English and maths classes"];

/// `per_borough` projects in each borough: mostly groups of 10, with one placement (in every
/// third borough an education, training and employment course) and, every fourth borough, a
/// women-only group and a singleton placement (the report: too few). Meeting points lie within
/// about 2 km of the borough's centre.
pub fn synthetic_projects(seed: u64, boroughs: &[Code], per_borough: usize) -> (Vec<Project>, Vec<Supervisor>) {
    let mut rng = StdRng::seed_from_u64(seed);
    // Its own stream, so adding places did not change the rest of the projects.
    let mut places = StdRng::seed_from_u64(seed ^ 0x5eed_91ace);
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
            let ete = kind == ProjectKind::Placement && b % 3 == 1;
            let what = match kind {
                ProjectKind::Group => GROUP_WORK[rng.random_range(0..GROUP_WORK.len())],
                _ if ete => {
                    rng.random_range(0..PLACEMENTS.len());
                    ETE[n % ETE.len()]
                }
                _ => PLACEMENTS[rng.random_range(0..PLACEMENTS.len())],
            };
            // About 0.018 degrees of latitude and 0.029 of longitude are 2 km in London.
            let location = borough_centre(borough).map(|c| LatLong {
                lat: c.lat + places.random_range(-0.018..0.018),
                long: c.long + places.random_range(-0.029..0.029),
            });
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
                ete,
                location,
            });
        }
    }
    (projects, supervisors)
}

fn what_road(n: usize) -> &'static str {
    ["High", "Station", "Church", "Park", "Mill", "Victoria"][n % 6]
}
