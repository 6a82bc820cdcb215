//! Travel time and cost by distance (docs/rules/practice.md#unpaid-work: placements suit the person's
//! "travel time and cost"; issue 5: "home borough and travel time/cost to each project").
//!
//! Where a person lives is known only to the borough; where a project meets is its own
//! coordinates when recorded, else its borough's centre. The journey is the straight-line
//! distance between the two turned into minutes and cost by `policy::TRAVEL`. Straight-line
//! distance understates real routes, and the model's per-kilometre rate absorbs that.

use serde::Serialize;

use domain::ids::Code;

// Defined below `project`, which locates meeting points with it; its public path stays here.
pub use crate::geo::LatLong;
use crate::policy::TRAVEL;
use crate::project::Project;

/// The approximate centre of each London borough and the City, by the three-letter codes
/// the organisation uses (`synth::london`). Source: Probity default, rounded to about 100 m
/// from the boroughs' positions on public maps (Ordnance Survey / ONS boundaries); good
/// enough for journeys estimated to the nearest five minutes, not for routing.
pub const BOROUGH_CENTRES: [(&str, &str, f64, f64); 33] = [
    ("CTY", "City of London", 51.5155, -0.0922),
    ("HCK", "Hackney", 51.5450, -0.0553),
    ("TWH", "Tower Hamlets", 51.5203, -0.0293),
    ("NWM", "Newham", 51.5255, 0.0352),
    ("BAR", "Barking and Dagenham", 51.5465, 0.1294),
    ("HAV", "Havering", 51.5779, 0.2121),
    ("RDB", "Redbridge", 51.5763, 0.0454),
    ("WFT", "Waltham Forest", 51.5908, -0.0134),
    ("BRN", "Barnet", 51.6252, -0.1517),
    ("CMD", "Camden", 51.5517, -0.1588),
    ("ISL", "Islington", 51.5416, -0.1022),
    ("ENF", "Enfield", 51.6538, -0.0799),
    ("HGY", "Haringey", 51.5906, -0.1110),
    ("BRT", "Brent", 51.5588, -0.2817),
    ("HRW", "Harrow", 51.5898, -0.3346),
    ("EAL", "Ealing", 51.5130, -0.3089),
    ("HMF", "Hammersmith and Fulham", 51.4927, -0.2339),
    ("HIL", "Hillingdon", 51.5441, -0.4760),
    ("HNS", "Hounslow", 51.4746, -0.3680),
    ("WST", "Westminster", 51.4973, -0.1372),
    ("KEC", "Kensington and Chelsea", 51.5020, -0.1947),
    ("CRY", "Croydon", 51.3714, -0.0977),
    ("KNG", "Kingston upon Thames", 51.3925, -0.2830),
    ("RCH", "Richmond upon Thames", 51.4479, -0.3260),
    ("STN", "Sutton", 51.3618, -0.1945),
    ("MRT", "Merton", 51.4098, -0.2108),
    ("WND", "Wandsworth", 51.4571, -0.1818),
    ("BRM", "Bromley", 51.4039, 0.0198),
    ("BXY", "Bexley", 51.4549, 0.1505),
    ("GRE", "Greenwich", 51.4892, 0.0648),
    ("LBH", "Lambeth", 51.4571, -0.1231),
    ("LEW", "Lewisham", 51.4452, -0.0209),
    ("SWK", "Southwark", 51.4734, -0.0755),
];

/// A borough's centre, if the table knows it.
pub fn borough_centre(borough: &Code) -> Option<LatLong> {
    BOROUGH_CENTRES.iter().find(|(c, ..)| *c == borough.as_str()).map(|&(_, _, lat, long)| LatLong { lat, long })
}

/// Where a project meets: its own coordinates, else its borough's centre.
pub fn meeting_place(project: &Project) -> Option<LatLong> {
    project.location.or_else(|| borough_centre(&project.borough))
}

/// A person's journey to a project, one way.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Journey {
    pub km: f64,
    pub minutes: u32,
    /// In the objective's units (urgency-weighted hours).
    pub cost: f64,
    /// Both ends were known (or in the same borough); otherwise `km` is the model's guess.
    pub known: bool,
}

impl Journey {
    /// Close enough to offer (`policy::TRAVEL.max_minutes`).
    pub fn offered(&self) -> bool {
        f64::from(self.minutes) <= TRAVEL.max_minutes
    }

    /// "about 25 minutes", to the nearest five minutes.
    pub fn about(&self) -> String {
        let m = ((self.minutes + 2) / 5 * 5).max(5);
        match (m / 60, m % 60) {
            (0, m) => format!("about {m} minutes"),
            (1, 0) => "about 1 hour".to_string(),
            (1, m) => format!("about 1 hour {m} minutes"),
            (h, 0) => format!("about {h} hours"),
            (h, m) => format!("about {h} hours {m} minutes"),
        }
    }
}

/// The model (`policy::TRAVEL`): minutes = base + km x minutes per km, cost = minutes x cost
/// per minute. Non-decreasing in `km`, so a nearer project never costs more.
pub fn journey_for_km(km: f64, known: bool) -> Journey {
    let km = km.max(TRAVEL.min_km);
    let minutes = (TRAVEL.base_minutes + km * TRAVEL.minutes_per_km).round() as u32;
    Journey { km, minutes, cost: f64::from(minutes) * TRAVEL.cost_per_minute, known }
}

/// The journey from a home borough (when recorded) to a project's meeting place.
pub fn journey(home: Option<&Code>, project: &Project) -> Journey {
    let from = home.and_then(borough_centre);
    match (from, meeting_place(project)) {
        (Some(a), Some(b)) => journey_for_km(a.distance_km(b), true),
        // Not in the table, but the same borough: a local journey.
        _ if home == Some(&project.borough) => journey_for_km(0.0, true),
        _ => journey_for_km(TRAVEL.unknown_km, false),
    }
}
