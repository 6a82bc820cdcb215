//! The provider's organisation: areas, boroughs (local delivery units), offices, teams and
//! staff. Reference data, not case events: it changes rarely and is not part of a case record.

use crate::ids::{Code, InvalidValue, Name};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub code: Code,
    pub name: Name,
}

/// A borough or local delivery unit (LDU).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Borough {
    pub code: Code,
    pub area: Code,
    pub name: Name,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    pub code: Code,
    pub borough: Code,
    pub name: Name,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub code: Code,
    pub office: Code,
    pub name: Name,
}

/// Staff grades (docs/rules/practice.md#organisation-and-people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// Probation officer (qualified).
    Po,
    /// Probation services officer.
    Pso,
    /// Trainee probation officer (Professional Qualification in Probation).
    Pqip,
    /// Senior probation officer: the first-line manager.
    Spo,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Po, Grade::Pso, Grade::Pqip, Grade::Spo];
    pub fn label(self) -> &'static str {
        match self {
            Grade::Po => "Probation officer",
            Grade::Pso => "Probation services officer",
            Grade::Pqip => "Trainee probation officer",
            Grade::Spo => "Senior probation officer",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Employment {
    Permanent,
    Agency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Specialism {
    Women,
    Iom,
    UnpaidWork,
    Court,
}

/// Weekly contracted hours: more than 0 and at most 48 (the Working Time Regulations cap);
/// 37 is full time.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct ContractedHours(f64);

impl ContractedHours {
    pub const FULL_TIME: ContractedHours = ContractedHours(37.0);
    pub fn new(hours: f64) -> Result<Self, InvalidValue> {
        if hours.is_finite() && hours > 0.0 && hours <= 48.0 {
            Ok(Self(hours))
        } else {
            Err(InvalidValue::new("contracted_hours", format!("{hours} is not between 0 (exclusive) and 48")))
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for ContractedHours {
    type Error = InvalidValue;
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<ContractedHours> for f64 {
    fn from(v: ContractedHours) -> f64 {
        v.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub code: Code,
    pub team: Code,
    pub name: Name,
    pub grade: Grade,
    pub contracted_hours: ContractedHours,
    pub employment: Employment,
    pub specialisms: Vec<Specialism>,
}

/// The whole organisation of one provider.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Organisation {
    pub areas: Vec<Area>,
    pub boroughs: Vec<Borough>,
    pub offices: Vec<Office>,
    pub teams: Vec<Team>,
    pub staff: Vec<Staff>,
}

impl Organisation {
    /// Checks that every unit names a parent that exists and that codes are unique.
    pub fn validate(&self) -> Result<(), InvalidValue> {
        use std::collections::BTreeSet;
        fn unique<'a>(
            field: &'static str,
            codes: impl Iterator<Item = &'a Code>,
        ) -> Result<BTreeSet<&'a Code>, InvalidValue> {
            let mut seen = BTreeSet::new();
            for c in codes {
                if !seen.insert(c) {
                    return Err(InvalidValue::new(field, format!("duplicate code {c}")));
                }
            }
            Ok(seen)
        }
        fn parent(field: &'static str, set: &std::collections::BTreeSet<&Code>, c: &Code) -> Result<(), InvalidValue> {
            if set.contains(c) { Ok(()) } else { Err(InvalidValue::new(field, format!("unknown {field} {c}"))) }
        }
        let areas = unique("area", self.areas.iter().map(|a| &a.code))?;
        let boroughs = unique("borough", self.boroughs.iter().map(|a| &a.code))?;
        let offices = unique("office", self.offices.iter().map(|a| &a.code))?;
        let teams = unique("team", self.teams.iter().map(|a| &a.code))?;
        unique("staff", self.staff.iter().map(|a| &a.code))?;
        for b in &self.boroughs {
            parent("area", &areas, &b.area)?;
        }
        for o in &self.offices {
            parent("borough", &boroughs, &o.borough)?;
        }
        for t in &self.teams {
            parent("office", &offices, &t.office)?;
        }
        for s in &self.staff {
            parent("team", &teams, &s.team)?;
        }
        Ok(())
    }
}
