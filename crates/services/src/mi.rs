//! Management information: each page's figures as one use case, which decides first whether
//! the user may see the scope asked for (`access::may_see_mi`, `mi_scope_within`,
//! `may_see_provider_mi`, `may_see_staff_equality`) and then reads the projections
//! (`store::MiStore`, `MiOutcomeStore`, `StaffEqualityStore`) and the workload. Figures are
//! aggregates: nothing here names a person on probation.

use crate::access::{self, User};
use crate::stores::prelude::*;
use crate::{Actor, ServiceError, Stores, team};
use analytics::CapacityFigures;
use analytics::measures::{Figure, Grouping, MEASURES, Measure, MeasureId, MeasureKind, Scope};
use analytics::outcomes::Characteristic;
use analytics::proportion::{GroupComparison, SuppressionPolicy};
use analytics::staff_process::{OutcomeChoice, Period};
use domain::ids::Code;
use domain::org::Organisation;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::sync::Arc;
use store::mi_outcomes::{CohortRates, PlaceLevel};

/// The widest scope this user may see MI for; refused otherwise.
pub fn widest(user: &User) -> Result<Scope, ServiceError> {
    access::may_see_mi(user).ok_or_else(ServiceError::forbidden)
}

/// Whether the organisation has the unit a scope names.
fn known(scope: &Scope, org: &Organisation) -> bool {
    match scope {
        Scope::Provider => true,
        Scope::Area(c) => org.areas.iter().any(|x| &x.code == c),
        Scope::Borough(c) => org.boroughs.iter().any(|x| &x.code == c),
        Scope::Office(c) => org.offices.iter().any(|x| &x.code == c),
        Scope::Team(c) => org.teams.iter().any(|x| &x.code == c),
        Scope::Officer(c) => org.staff.iter().any(|x| &x.code == c),
    }
}

/// The organisation, once `scope` is known to be within this user's reach (refused
/// otherwise; a unit the organisation does not have is a bad `scope`).
pub async fn scope_within(stores: &Stores, actor: Actor<'_>, scope: &Scope) -> Result<Arc<Organisation>, ServiceError> {
    let user = actor.user;
    widest(user)?;
    let org = crate::actor::organisation(stores, actor).await?;
    if !access::mi_scope_within(user, scope, &org) {
        return Err(ServiceError::forbidden());
    }
    if !known(scope, &org) {
        return Err(ServiceError::field("scope", format!("scope: the organisation has no {scope}")));
    }
    Ok(org)
}

/// A validated request for one measure's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRequest {
    pub scope: Scope,
    pub from: Date,
    pub to: Date,
    pub grouping: Grouping,
}

/// One row of a measure's table: a period (or as-at day), or a part of the scope.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    pub period: String,
    pub numerator: u64,
    pub denominator: u64,
    pub percent: Option<f64>,
}

fn row(measure: MeasureId, scope: &Scope, period: String, n: u64, d: u64) -> FigureRow {
    let f = Figure::new(measure, scope, period, String::new(), n, d);
    FigureRow { period: f.period, numerator: f.numerator, denominator: f.denominator, percent: f.percent }
}

/// Figures summed over their keys (a breakdown within the measure, such as the local
/// authority), by period.
fn by_period(figures: &[Figure]) -> BTreeMap<String, (u64, u64)> {
    let mut sums: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for f in figures {
        let s = sums.entry(f.period.clone()).or_default();
        s.0 += f.numerator;
        s.1 += f.denominator;
    }
    sums
}

/// The periods from `from` to `to`: each label with its last day (capped at `to`).
pub fn periods(from: Date, to: Date, grouping: Grouping) -> Vec<(String, Date)> {
    let mut out: Vec<(String, Date)> = Vec::new();
    let mut month = from.first_of_month();
    while month <= to {
        let label = grouping.label(month);
        let end = month.last_of_month().min(to);
        match out.last_mut() {
            Some((l, e)) if *l == label => *e = end,
            _ => out.push((label, end)),
        }
        let Ok(next) = month.checked_add(jiff::Span::new().months(1)) else { break };
        month = next;
    }
    out
}

/// A measure's figure for each period of the request, every period shown (0 of 0 where
/// nothing fell due). A period measure counts the facts dated in each period; an as-at
/// measure is counted as at the last day of each period, from the record as it stands.
async fn series(stores: &Stores, measure: &Measure, req: &MeasureRequest) -> Result<Vec<FigureRow>, ServiceError> {
    let id = measure.id;
    match measure.kind {
        MeasureKind::Period => {
            let figures = stores.mi.mi_figures(id, &req.scope, req.from, req.to, req.grouping).await?;
            let sums = by_period(&figures);
            Ok(periods(req.from, req.to, req.grouping)
                .into_iter()
                .map(|(label, _)| {
                    let (n, d) = sums.get(&label).copied().unwrap_or_default();
                    row(id, &req.scope, label, n, d)
                })
                .collect())
        }
        MeasureKind::AsAt => {
            let mut rows = Vec::new();
            for (_, end) in periods(req.from, req.to, req.grouping) {
                let figures = stores.mi.mi_figures(id, &req.scope, end, end, req.grouping).await?;
                let (n, d) = by_period(&figures).into_values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
                rows.push(row(id, &req.scope, end.to_string(), n, d));
            }
            Ok(rows)
        }
    }
}

/// A measure's one figure for a scope: over the whole period for a period measure, as at
/// its last day for an as-at one; with the same figure for each key of the measure.
async fn headline(
    stores: &Stores,
    measure: &Measure,
    scope: &Scope,
    from: Date,
    to: Date,
) -> Result<(FigureRow, Vec<(String, FigureRow)>), ServiceError> {
    let (from, label) = match measure.kind {
        MeasureKind::Period => (from, format!("{from} to {to}")),
        MeasureKind::AsAt => (to, to.to_string()),
    };
    let figures = stores.mi.mi_figures(measure.id, scope, from, to, Grouping::Quarter).await?;
    let mut keys: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for f in &figures {
        let s = keys.entry(f.key.clone()).or_default();
        s.0 += f.numerator;
        s.1 += f.denominator;
    }
    let (n, d) = keys.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let total = row(measure.id, scope, label.clone(), n, d);
    let keyed = keys
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, (n, d))| (k, row(measure.id, scope, label.clone(), n, d)))
        .collect();
    Ok((total, keyed))
}

/// The parts a scope breaks into, each with its name: the provider into areas, an area into
/// boroughs, a borough into offices, an office into teams, a team into its officers.
pub fn parts(scope: &Scope, org: &Organisation) -> Vec<(Scope, String)> {
    let mut out: Vec<(Scope, String)> = match scope {
        Scope::Provider => org.areas.iter().map(|a| (Scope::Area(a.code.clone()), a.name.to_string())).collect(),
        Scope::Area(c) => org
            .boroughs
            .iter()
            .filter(|b| &b.area == c)
            .map(|b| (Scope::Borough(b.code.clone()), b.name.to_string()))
            .collect(),
        Scope::Borough(c) => org
            .offices
            .iter()
            .filter(|o| &o.borough == c)
            .map(|o| (Scope::Office(o.code.clone()), o.name.to_string()))
            .collect(),
        Scope::Office(c) => org
            .teams
            .iter()
            .filter(|t| &t.office == c)
            .map(|t| (Scope::Team(t.code.clone()), t.name.to_string()))
            .collect(),
        Scope::Team(c) => org
            .staff
            .iter()
            .filter(|s| &s.team == c)
            .map(|s| (Scope::Officer(s.code.clone()), s.name.to_string()))
            .collect(),
        Scope::Officer(_) => Vec::new(),
    };
    out.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    out
}

/// "Camden North (team TEAM1)", "the whole provider".
pub fn scope_name(scope: &Scope, org: &Organisation) -> String {
    let named = |kind: &str, code: &Code, name: Option<String>| match name {
        Some(n) => format!("{n} ({kind} {code})"),
        None => format!("{kind} {code}"),
    };
    match scope {
        Scope::Provider => "The whole provider".to_owned(),
        Scope::Area(c) => named("area", c, org.areas.iter().find(|x| &x.code == c).map(|x| x.name.to_string())),
        Scope::Borough(c) => {
            named("borough", c, org.boroughs.iter().find(|x| &x.code == c).map(|x| x.name.to_string()))
        }
        Scope::Office(c) => named("office", c, org.offices.iter().find(|x| &x.code == c).map(|x| x.name.to_string())),
        Scope::Team(c) => named("team", c, org.teams.iter().find(|x| &x.code == c).map(|x| x.name.to_string())),
        Scope::Officer(c) => named("officer", c, org.staff.iter().find(|x| &x.code == c).map(|x| x.name.to_string())),
    }
}

/// The MI index: every measure's figure over the twelve months to `today` for the user's
/// widest scope, with the organisation for naming it.
pub async fn index(
    stores: &Stores,
    actor: Actor<'_>,
    from: Date,
    today: Date,
) -> Result<(Scope, Arc<Organisation>, Vec<(&'static Measure, FigureRow)>), ServiceError> {
    let scope = widest(actor.user)?;
    let org = scope_within(stores, actor, &scope).await?;
    let mut out = Vec::new();
    for m in MEASURES.iter() {
        out.push((m, headline(stores, m, &scope, from, today).await?.0));
    }
    Ok((scope, org, out))
}

/// One measure for a scope and period: by period, as one figure with its keys, and for each
/// part of the scope (a part of a scope within reach is within reach too).
#[derive(Debug, Clone)]
pub struct MeasureFigures {
    pub org: Arc<Organisation>,
    pub series: Vec<FigureRow>,
    pub total: FigureRow,
    pub keys: Vec<(String, FigureRow)>,
    pub parts: Vec<(String, Scope, FigureRow)>,
}

/// Which of a measure's tables to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureTable {
    Periods,
    Keys,
    Parts,
    All,
}

/// A measure's figures for the request, once the scope is within the user's reach; only the
/// tables asked for are read (the others are empty).
pub async fn measure(
    stores: &Stores,
    actor: Actor<'_>,
    measure: &Measure,
    req: &MeasureRequest,
    table: MeasureTable,
) -> Result<MeasureFigures, ServiceError> {
    use MeasureTable::*;
    let org = scope_within(stores, actor, &req.scope).await?;
    let series = if matches!(table, Periods | All) { self::series(stores, measure, req).await? } else { Vec::new() };
    let (total, keys) = if matches!(table, Keys | All) {
        headline(stores, measure, &req.scope, req.from, req.to).await?
    } else {
        (row(measure.id, &req.scope, String::new(), 0, 0), Vec::new())
    };
    let mut parts = Vec::new();
    if matches!(table, Parts | All) {
        for (part, name) in self::parts(&req.scope, &org) {
            let (figure, _) = headline(stores, measure, &part, req.from, req.to).await?;
            parts.push((name, part, figure));
        }
    }
    Ok(MeasureFigures { org, series, total, keys, parts })
}

/// Every officer within `scope` with their capacity today, as the team view works it out,
/// once the scope is within the user's reach.
pub async fn workload(
    stores: &Stores,
    actor: Actor<'_>,
    scope: &Scope,
    today: Date,
) -> Result<(Arc<Organisation>, BTreeMap<Code, CapacityFigures>), ServiceError> {
    let org = scope_within(stores, actor, scope).await?;
    let mut out = BTreeMap::new();
    let places = analytics::measures::TeamPlaces::new(&org);
    let within = |s: &&domain::org::Staff| scope.contains_at(&places, Some(&s.code), Some(&s.team));
    let staff: Vec<&domain::org::Staff> = org.staff.iter().filter(within).collect();
    let codes: Vec<Code> = staff.iter().map(|s| s.code.clone()).collect();
    // The whole provider reads every officer's counts in one statement.
    let only = (*scope != Scope::Provider).then_some(codes.as_slice());
    let counts = stores.cases.officer_workloads(only).await?;
    let records = team::officer_records(stores, staff.iter().copied()).await?;
    let none = team::OfficerRecords::default();
    for staff in staff {
        let cases = counts.get(&staff.code).map_or(&[][..], Vec::as_slice);
        // As on the team view: an SPO counts only when they hold cases themselves.
        if staff.grade == domain::org::Grade::Spo && team::active_cases(cases) == 0 {
            continue;
        }
        let mine = records.get(&staff.code).unwrap_or(&none);
        let (_, _, figures) = team::officer_workload(staff, cases, mine, today)?;
        out.insert(staff.code.clone(), figures);
    }
    Ok((org, out))
}

/// The scope a row's place is, or `None` for cases with no place at that level.
fn place_scope(level: PlaceLevel, place: &Option<Code>) -> Option<Scope> {
    let code = place.clone();
    match level {
        PlaceLevel::Provider => Some(Scope::Provider),
        PlaceLevel::Area => code.map(Scope::Area),
        PlaceLevel::Borough => code.map(Scope::Borough),
        PlaceLevel::Office => code.map(Scope::Office),
        PlaceLevel::Team => code.map(Scope::Team),
    }
}

/// Proven reoffending by cohort at `level`, each row named by its place: only places within
/// the user's MI scope; cases with no place at the level only for a user who sees the whole
/// provider.
pub async fn reoffending(
    stores: &Stores,
    actor: Actor<'_>,
    level: PlaceLevel,
) -> Result<(Arc<Organisation>, Vec<(String, CohortRates)>), ServiceError> {
    let user = actor.user;
    widest(user)?;
    let org = crate::actor::organisation(stores, actor).await?;
    let whole = access::may_see_provider_mi(user);
    // Each place is decided and named once, not once for each of its cohorts.
    let mut named: BTreeMap<Option<Code>, Option<String>> = BTreeMap::new();
    let mut rows = Vec::new();
    for r in stores.outcomes.mi_reoffending(level).await? {
        let name = named.entry(r.place.clone()).or_insert_with(|| match place_scope(level, &r.place) {
            Some(scope) => access::mi_scope_within(user, &scope, &org).then(|| scope_name(&scope, &org)),
            None => whole.then(|| format!("No {} recorded", level.id())),
        });
        if let Some(name) = name {
            rows.push((name.clone(), r));
        }
    }
    Ok((org, rows))
}

/// What a disproportionality comparison asks: an outcome, a characteristic, and for a staff
/// process the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    pub outcome: OutcomeChoice,
    pub characteristic: Characteristic,
    pub period: Option<Period>,
}

/// Whether the user may see disproportionality at all (`None`) or for this outcome: its
/// groups are provider-wide, and a staff process is for MI analysts and administrators only.
pub fn may_see_disproportionality(user: &User, outcome: Option<OutcomeChoice>) -> Result<(), ServiceError> {
    let allowed = match outcome {
        Some(OutcomeChoice::Staff(_)) => access::may_see_staff_equality(user),
        _ => access::may_see_provider_mi(user),
    };
    if allowed { Ok(()) } else { Err(ServiceError::forbidden()) }
}

/// The groups of a comparison, with the outcome's definition and totals.
#[derive(Debug, Clone)]
pub struct Disproportionality {
    pub definition: &'static str,
    pub people: u64,
    pub with_outcome: u64,
    pub groups: Vec<GroupComparison>,
}

/// A comparison's figures, once the user may see them.
pub async fn disproportionality(
    stores: &Stores,
    user: &User,
    c: &Comparison,
    policy: &SuppressionPolicy,
) -> Result<Disproportionality, ServiceError> {
    may_see_disproportionality(user, Some(c.outcome))?;
    Ok(match (c.outcome, c.period) {
        (OutcomeChoice::Staff(process), Some(period)) => {
            let t = stores.equality.staff_disproportionality(process, c.characteristic, period, policy).await?;
            Disproportionality {
                definition: t.definition,
                people: t.people,
                with_outcome: t.with_outcome,
                groups: t.groups,
            }
        }
        (OutcomeChoice::Case(outcome), _) => {
            let t = stores.outcomes.mi_disproportionality(outcome, c.characteristic, policy).await?;
            Disproportionality {
                definition: t.definition,
                people: t.people,
                with_outcome: t.with_outcome,
                groups: t.groups,
            }
        }
        (OutcomeChoice::Staff(_), None) => {
            return Err(ServiceError::field("from", "from: a staff process needs a period"));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn periods_cover_the_range_and_end_at_to() {
        let got = periods(date("2025-11-15"), date("2026-02-10"), Grouping::Month);
        let want = [
            ("2025-11", "2025-11-30"),
            ("2025-12", "2025-12-31"),
            ("2026-01", "2026-01-31"),
            ("2026-02", "2026-02-10"),
        ];
        assert_eq!(got, want.map(|(l, d)| (l.to_owned(), date(d))).to_vec());
        let got = periods(date("2025-11-15"), date("2026-02-10"), Grouping::Quarter);
        assert_eq!(got, vec![("2025-Q4".to_owned(), date("2025-12-31")), ("2026-Q1".to_owned(), date("2026-02-10"))]);
    }
}
