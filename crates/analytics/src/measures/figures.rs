//! Figures from facts: the scopes and periods they are counted for, and the in-memory sum
//! the store's SQL must match.

use std::collections::{BTreeMap, HashMap};

use domain::ids::Code;
use domain::org::Organisation;
use jiff::civil::Date;
use serde::Serialize;

use super::definitions::{MeasureId, MeasureKind};
use super::facts::Fact;

/// Where figures are counted: the whole provider or one unit of its organisation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Provider,
    Area(Code),
    Borough(Code),
    Office(Code),
    Team(Code),
    Officer(Code),
}

/// A scope that does not parse, naming what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ScopeError(String);

impl std::str::FromStr for Scope {
    type Err = ScopeError;

    /// `provider`, or `area:CODE`, `borough:CODE`, `office:CODE`, `team:CODE`, `officer:CODE`.
    fn from_str(text: &str) -> Result<Self, ScopeError> {
        if text == "provider" {
            return Ok(Scope::Provider);
        }
        let Some((level, code)) = text.split_once(':') else {
            return Err(ScopeError(format!(
                "{text:?} is not a scope: expected provider, or area:, borough:, office:, team: or officer: and a code"
            )));
        };
        let code = Code::parse(code).map_err(|e| ScopeError(format!("{text:?}: {e}")))?;
        Ok(match level {
            "area" => Scope::Area(code),
            "borough" => Scope::Borough(code),
            "office" => Scope::Office(code),
            "team" => Scope::Team(code),
            "officer" => Scope::Officer(code),
            _ => {
                return Err(ScopeError(format!(
                    "{level:?} is not a level: expected area, borough, office, team or officer"
                )));
            }
        })
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Provider => write!(f, "provider"),
            Scope::Area(c) => write!(f, "area:{c}"),
            Scope::Borough(c) => write!(f, "borough:{c}"),
            Scope::Office(c) => write!(f, "office:{c}"),
            Scope::Team(c) => write!(f, "team:{c}"),
            Scope::Officer(c) => write!(f, "officer:{c}"),
        }
    }
}

/// A team's place in the organisation: (office, borough, area).
pub fn team_place(org: &Organisation, team: &Code) -> PlaceCodes {
    let office = org.teams.iter().find(|t| &t.code == team).map(|t| t.office.clone());
    let borough = office.as_ref().and_then(|o| org.offices.iter().find(|x| &x.code == o)).map(|o| o.borough.clone());
    let area = borough.as_ref().and_then(|b| org.boroughs.iter().find(|x| &x.code == b)).map(|b| b.area.clone());
    (office, borough, area)
}

/// A team's office, borough and area, each absent where the organisation lacks it.
pub type PlaceCodes = (Option<Code>, Option<Code>, Option<Code>);

/// Every team's place (`team_place`), looked up once: deciding [`Scope::contains_at`] for each
/// of a provider's thousands of staff then costs a hash lookup, not walks of its lists.
#[derive(Debug, Default)]
pub struct TeamPlaces(HashMap<Code, PlaceCodes>);

impl TeamPlaces {
    pub fn new(org: &Organisation) -> Self {
        let mut places = HashMap::with_capacity(org.teams.len());
        for t in &org.teams {
            // The first of a duplicated code, as `team_place` finds it.
            places.entry(t.code.clone()).or_insert_with(|| team_place(org, &t.code));
        }
        TeamPlaces(places)
    }

    fn of(&self, team: Option<&Code>) -> (Option<&Code>, Option<&Code>, Option<&Code>) {
        match team.and_then(|t| self.0.get(t)) {
            Some((office, borough, area)) => (office.as_ref(), borough.as_ref(), area.as_ref()),
            None => (None, None, None),
        }
    }
}

impl Scope {
    /// Whether a fact held by `officer` in `team` counts in this scope.
    pub fn contains(&self, org: &Organisation, officer: Option<&Code>, team: Option<&Code>) -> bool {
        let place = || team.map(|t| team_place(org, t)).unwrap_or((None, None, None));
        match self {
            Scope::Provider => true,
            Scope::Officer(c) => officer == Some(c),
            Scope::Team(c) => team == Some(c),
            Scope::Office(c) => place().0.as_ref() == Some(c),
            Scope::Borough(c) => place().1.as_ref() == Some(c),
            Scope::Area(c) => place().2.as_ref() == Some(c),
        }
    }

    /// As [`Scope::contains`], with the organisation's places looked up once.
    pub fn contains_at(&self, places: &TeamPlaces, officer: Option<&Code>, team: Option<&Code>) -> bool {
        let (office, borough, area) = places.of(team);
        match self {
            Scope::Provider => true,
            Scope::Officer(c) => officer == Some(c),
            Scope::Team(c) => team == Some(c),
            Scope::Office(c) => office == Some(c),
            Scope::Borough(c) => borough == Some(c),
            Scope::Area(c) => area == Some(c),
        }
    }
}

/// How a period is divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Month,
    Quarter,
}

impl Grouping {
    /// The label of the period holding `on`: "2025-03" or "2025-Q1".
    pub fn label(self, on: Date) -> String {
        match self {
            Grouping::Month => format!("{:04}-{:02}", on.year(), on.month()),
            Grouping::Quarter => format!("{:04}-Q{}", on.year(), (on.month() - 1) / 3 + 1),
        }
    }

    /// The label of the period of a "YYYY-MM" month label.
    pub fn of_month(self, month: &str) -> String {
        match self {
            Grouping::Month => month.to_owned(),
            Grouping::Quarter => {
                let m: i8 = month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
                format!("{}-Q{}", &month[..4], (m - 1) / 3 + 1)
            }
        }
    }
}

/// One figure: a measure over one period (or as at one day) for one scope and key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub measure: &'static str,
    pub scope: String,
    /// "2025-03", "2025-Q1", or the as-at day.
    pub period: String,
    /// The breakdown key (local authority), empty when none.
    pub key: String,
    pub numerator: u64,
    pub denominator: u64,
    /// numerator / denominator x 100, to one decimal place; `None` when the denominator is 0.
    pub percent: Option<f64>,
    /// For a measure that is also a total ([`Measure::weight`]): the sum of its facts'
    /// weights (minutes credited); `None` for a plain share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u64>,
}

impl Figure {
    pub fn new(
        measure: MeasureId,
        scope: &Scope,
        period: String,
        key: String,
        numerator: u64,
        denominator: u64,
    ) -> Self {
        let percent = (denominator > 0).then(|| (numerator as f64 / denominator as f64 * 1000.0).round() / 10.0);
        let weight = measure.measure().weight.map(|_| 0);
        Figure { measure: measure.id(), scope: scope.to_string(), period, key, numerator, denominator, percent, weight }
    }

    /// The same figure carrying the sum of its facts' weights, when the measure is a total.
    pub fn with_weight(mut self, weight: u64) -> Self {
        if self.weight.is_some() {
            self.weight = Some(weight);
        }
        self
    }
}

/// The figures of a measure for a scope, from facts in memory: the reference the store's SQL
/// must match. Period measures count facts dated `from` to `to` (inclusive) by `grouping`;
/// as-at measures give one figure as at `to`.
pub fn aggregate<'a>(
    facts: impl IntoIterator<Item = &'a Fact>,
    org: &Organisation,
    measure: MeasureId,
    scope: &Scope,
    from: Date,
    to: Date,
    grouping: Grouping,
) -> Vec<Figure> {
    let mut sums: BTreeMap<(String, String), (u64, u64, u64)> = BTreeMap::new();
    for f in facts {
        if f.measure != measure || !scope.contains(org, f.officer.as_ref(), f.team.as_ref()) {
            continue;
        }
        let key = f.key.clone().unwrap_or_default();
        match measure.kind() {
            MeasureKind::Period => {
                let Some(on) = f.on.filter(|d| (from..=to).contains(d)) else { continue };
                let sum = sums.entry((grouping.label(on), key)).or_default();
                sum.0 += u64::from(f.met);
                sum.1 += 1;
                sum.2 += f.weight;
            }
            MeasureKind::AsAt => {
                let sum = sums.entry((to.to_string(), key)).or_default();
                sum.0 += u64::from(f.on.is_some_and(|d| d <= to));
                sum.1 += 1;
                sum.2 += f.weight;
            }
        }
    }
    sums.into_iter()
        .map(|((period, key), (n, d, w))| Figure::new(measure, scope, period, key, n, d).with_weight(w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::example::{code, two_team_org};
    use domain::org::Team;

    /// The looked-up places answer exactly as the walk of the organisation does, for every
    /// kind of scope, known and unknown codes, a team listed twice and a team with no office.
    #[test]
    fn team_places_answer_as_the_organisation_does() {
        let mut org = two_team_org();
        org.teams.push(Team {
            code: code("T1"),
            office: code("OF2"),
            name: domain::ids::Name::parse("Again").unwrap(),
        });
        org.teams.push(Team {
            code: code("T3"),
            office: code("NOPE"),
            name: domain::ids::Name::parse("Lost").unwrap(),
        });
        let places = TeamPlaces::new(&org);
        let codes = ["AR1", "BR1", "BR2", "OF1", "OF2", "T1", "T2", "T3", "NOPE", "OFF1"];
        let mut scopes = vec![Scope::Provider];
        for c in codes {
            scopes.extend([
                Scope::Area(code(c)),
                Scope::Borough(code(c)),
                Scope::Office(code(c)),
                Scope::Team(code(c)),
                Scope::Officer(code(c)),
            ]);
        }
        for scope in &scopes {
            for team in [Some("T1"), Some("T2"), Some("T3"), Some("NOPE"), None] {
                for officer in [Some("OFF1"), None] {
                    let (team, officer) = (team.map(code), officer.map(code));
                    assert_eq!(
                        scope.contains_at(&places, officer.as_ref(), team.as_ref()),
                        scope.contains(&org, officer.as_ref(), team.as_ref()),
                        "{scope:?} {team:?} {officer:?}"
                    );
                }
            }
        }
    }
}
