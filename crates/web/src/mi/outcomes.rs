//! Proven reoffending and disproportionality pages (issue 6 items 3 to 5): each a GOV.UK
//! table with the same table as CSV, and for reoffending an SVG chart of the binary rate.
//!
//! The figures are `store::MiOutcomeStore` (projections kept as events arrive); who may see
//! them is `services::access`: reoffending rows only for places within the user's MI scope
//! (`mi_scope_within`), disproportionality only for a user whose MI scope is the whole
//! provider (`may_see_provider_mi`), since its groups are provider-wide. The staff process
//! (the performance-improvement flag, `store::StaffEqualityStore`) is one more outcome there,
//! offered only to MI analysts and administrators of the provider (`may_see_staff_equality`):
//! staff's characteristics are sensitive, and no page shows one member of staff's. Each table
//! is built once as cells ([`Table`]) and both the page and the CSV are written from those
//! cells, so the download is exactly the table.

use super::chart::chart;
use super::{FigureRow, given, parse_day, query_of, scope_name, widest};
use crate::AppState;
use crate::error::WebError;
use crate::kit::SignedIn;
use crate::kit::csv_cell;
use crate::kit::{Nav, PageError, csv_download, day, html};
use crate::kit::{Route, build, route};
use analytics::measures::Scope;
use analytics::outcomes::{Characteristic, OutcomeKind};
use analytics::proportion::{GroupComparison, SuppressionPolicy, SuppressionReason};
use analytics::reoffending::CohortFigures;
use analytics::staff_process::{OutcomeChoice, Period};
use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;
use services::FieldProblem;
use services::access;
use services::mi::Comparison;
use store::mi_outcomes::{CohortRates, PlaceLevel};

pub const REOFFENDING: &str = "/mi/reoffending";
pub const REOFFENDING_CSV: &str = "/mi/reoffending.csv";
pub const DISPROPORTIONALITY: &str = "/mi/disproportionality";
pub const DISPROPORTIONALITY_CSV: &str = "/mi/disproportionality.csv";

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, REOFFENDING, reoffending_page),
        route(Method::GET, REOFFENDING_CSV, reoffending_csv),
        route(Method::GET, DISPROPORTIONALITY, disproportionality_page),
        route(Method::GET, DISPROPORTIONALITY_CSV, disproportionality_csv),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn mi_outcome_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

// ---------------------------------------------------------------------------------------
// A table as cells: the page and the CSV are both written from it

/// A table's column headings (with whether the column is numeric) and its rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<(&'static str, bool)>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Whether the column at `i` holds numbers (right-aligned).
    pub fn numeric(&self, i: &usize) -> bool {
        self.columns.get(*i).is_some_and(|c| c.1)
    }

    /// The table as CSV: the headings, then each row's cells, as the page shows them.
    pub fn csv(&self) -> String {
        let mut out = self.columns.iter().map(|(h, _)| csv_cell(h)).collect::<Vec<_>>().join(",");
        out.push('\n');
        for row in &self.rows {
            // A number is written as it is (a negative one too); any other text is defused.
            let cell = |c: &String| if c.parse::<f64>().is_ok() { c.clone() } else { csv_cell(c) };
            out.push_str(&row.iter().map(cell).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Proven reoffending

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReoffendingQuery {
    pub by: Option<String>,
}

/// The level a user's own scope sits at: their figures by default. An officer's caseload is
/// not a level reoffending is counted at, so their team's level (whose rows they may not see).
fn level_of(scope: &Scope) -> PlaceLevel {
    match scope {
        Scope::Provider => PlaceLevel::Provider,
        Scope::Area(_) => PlaceLevel::Area,
        Scope::Borough(_) => PlaceLevel::Borough,
        Scope::Office(_) => PlaceLevel::Office,
        Scope::Team(_) | Scope::Officer(_) => PlaceLevel::Team,
    }
}

/// Parses `by`; absent, the level of the user's own scope.
pub fn parse_level(query: &ReoffendingQuery, widest: &Scope) -> Result<PlaceLevel, Vec<FieldProblem>> {
    match given(&query.by) {
        None => Ok(level_of(widest)),
        Some(raw) => PlaceLevel::parse(raw).ok_or_else(|| {
            vec![FieldProblem::new("by", format!("by: `{raw}` is not provider, area, borough, office or team"))]
        }),
    }
}

/// Whether a cohort's figures can still change on `today`.
fn provisional(r: &CohortRates, today: Date) -> bool {
    today <= r.follow_up_ends
}

/// The reoffending table: a row per cohort and place, as the store gives them.
pub fn reoffending_table(rows: &[(String, CohortRates)], today: Date) -> Table {
    Table {
        columns: vec![
            ("Cohort", false),
            ("Place", false),
            ("People", true),
            ("Reoffenders", true),
            ("Reoffences", true),
            ("Binary rate (%)", true),
            ("Frequency rate", true),
            ("Follow-up ends", false),
            ("Figures", false),
        ],
        rows: rows
            .iter()
            .map(|(name, r)| {
                let f = &r.figures;
                vec![
                    f.cohort.to_string(),
                    name.clone(),
                    f.people.to_string(),
                    f.reoffenders.to_string(),
                    f.reoffences.to_string(),
                    format!("{:.2}", f.binary_rate),
                    f.frequency_rate.map_or_else(|| "No reoffenders".to_owned(), |v| format!("{v:.2}")),
                    r.follow_up_ends.to_string(),
                    if provisional(r, today) { "Provisional" } else { "Final" }.to_owned(),
                ]
            })
            .collect(),
    }
}

/// The chart's bars: each cohort's binary rate over every row shown (the places summed).
fn chart_rows(rows: &[(String, CohortRates)]) -> Vec<FigureRow> {
    let mut sums: std::collections::BTreeMap<analytics::reoffending::Quarter, (u64, u64, u64)> =
        std::collections::BTreeMap::new();
    for (_, r) in rows {
        let s = sums.entry(r.figures.cohort).or_default();
        s.0 += r.figures.people;
        s.1 += r.figures.reoffenders;
        s.2 += r.figures.reoffences;
    }
    sums.into_iter()
        .map(|(cohort, (people, reoffenders, reoffences))| {
            let f = CohortFigures::from_counts(cohort, people, reoffenders, reoffences);
            FigureRow {
                period: cohort.to_string(),
                numerator: reoffenders,
                denominator: people,
                percent: (people > 0).then_some(f.binary_rate),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "mi_reoffending.html")]
struct ReoffendingPage {
    nav: Option<Nav>,
    by: String,
    levels: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldProblem>,
    scope_name: String,
    today: String,
    chart: String,
    caption: String,
    table: Table,
    csv: String,
}

impl ReoffendingPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::error_for(&self.errors, field)
    }
}

const LEVELS: [(&str, &str); 5] = [
    ("provider", "The whole provider"),
    ("area", "Area"),
    ("borough", "Borough"),
    ("office", "Office"),
    ("team", "Team"),
];

async fn reoffending_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<ReoffendingQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let query = query_of(query)?;
    let widest = widest(&who)?;
    let today = app.clock.today();
    let mut page = ReoffendingPage {
        nav: Nav::of(&who),
        by: query.by.clone().unwrap_or_default(),
        levels: LEVELS.to_vec(),
        errors: Vec::new(),
        scope_name: String::new(),
        today: day(today),
        chart: String::new(),
        caption: String::new(),
        table: Table { columns: Vec::new(), rows: Vec::new() },
        csv: String::new(),
    };
    let level = match parse_level(&query, &widest) {
        Ok(level) => level,
        Err(errors) => {
            // The form again with the problem named, and nothing else.
            page.errors = errors;
            return Ok((StatusCode::BAD_REQUEST, html(page)?).into_response());
        }
    };
    let (org, rows) = services::mi::reoffending(&app.stores, who.actor(), level).await?;
    page.by = level.id().to_owned();
    page.scope_name = scope_name(&widest, &org);
    let title = format!("Proven reoffending binary rate by cohort, {}, by {}", page.scope_name, level.id());
    let bars = chart_rows(&rows);
    if !bars.is_empty() {
        page.chart = chart(&title, &bars);
    }
    page.caption = format!("Proven reoffending by cohort, by {}", level.id());
    page.table = reoffending_table(&rows, today);
    page.csv = format!("{REOFFENDING_CSV}?by={}", level.id());
    html(page).map(IntoResponse::into_response)
}

/// Exactly the reoffending page's table, as CSV; a bad `by` is a 400 naming it.
async fn reoffending_csv(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<ReoffendingQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let query = query_of(query)?;
    let widest = widest(&who)?;
    let level = parse_level(&query, &widest).map_err(crate::kit::first_problem)?;
    let (_, rows) = services::mi::reoffending(&app.stores, who.actor(), level).await?;
    let body = reoffending_table(&rows, app.clock.today()).csv();
    Ok(csv_download(&format!("proven-reoffending-by-{}.csv", level.id()), body))
}

// ---------------------------------------------------------------------------------------
// Disproportionality

#[derive(Debug, Default, Clone, Deserialize)]
pub struct DisproportionalityQuery {
    pub outcome: Option<String>,
    pub characteristic: Option<String>,
    /// A staff process's period: its first and last days (YYYY-MM-DD).
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The query that asks for exactly this comparison.
fn comparison_query(c: &Comparison) -> String {
    let mut q = format!("outcome={}&characteristic={}", c.outcome.id(), c.characteristic.id());
    if let Some(p) = c.period {
        q.push_str(&format!("&from={}&to={}", p.from, p.to));
    }
    q
}

fn ids_in_words(ids: &[&str]) -> String {
    match ids.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => ids.join(""),
    }
}

/// Parses the outcome, the characteristic and a staff process's period; absent, breach by
/// ethnicity, and the 12 months to `today`. Every bad value is named: a characteristic not
/// recorded for staff with a staff process, and a period that runs backwards. The days are
/// checked whatever the outcome, but only a staff process has a period.
pub fn parse_comparison(query: &DisproportionalityQuery, today: Date) -> Result<Comparison, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let outcome = match given(&query.outcome) {
        None => Some(OutcomeChoice::Case(OutcomeKind::Breach)),
        Some(raw) => OutcomeChoice::parse(raw).or_else(|| {
            problems.push(FieldProblem::new(
                "outcome",
                format!("outcome: `{raw}` is not one of {}", OutcomeChoice::ids_in_words()),
            ));
            None
        }),
    };
    let characteristic = match given(&query.characteristic) {
        None => Some(Characteristic::Ethnicity),
        Some(raw) => Characteristic::parse(raw).or_else(|| {
            let ids: Vec<&str> = Characteristic::ALL.iter().map(|c| c.id()).collect();
            problems.push(FieldProblem::new(
                "characteristic",
                format!("characteristic: `{raw}` is not one of {}", ids.join(", ")),
            ));
            None
        }),
    };
    if let (Some(o), Some(c)) = (outcome, characteristic)
        && !o.characteristics().contains(&c)
    {
        let ids: Vec<&str> = o.characteristics().iter().map(|c| c.id()).collect();
        problems.push(FieldProblem::new(
            "characteristic",
            format!("characteristic: {} is not recorded for staff; for {} give {}", c.id(), o.id(), ids_in_words(&ids)),
        ));
    }
    let mut day_of = |field: &'static str, raw: &Option<String>| match given(raw) {
        None => Ok(None),
        Some(raw) => parse_day(field, raw).map(Some).map_err(|p| problems.push(p)),
    };
    let (to, from) = (day_of("to", &query.to), day_of("from", &query.from));
    let period = match (outcome, from, to) {
        (Some(OutcomeChoice::Staff(_)), Ok(from), Ok(to)) => {
            let to = to.unwrap_or(today);
            let from = from.unwrap_or(Period::twelve_months_to(to).from);
            Period::new(from, to)
                .map_err(|_| problems.push(FieldProblem::new("from", format!("from: {from} is after to ({to})"))))
                .ok()
        }
        _ => None,
    };
    match (outcome, characteristic) {
        (Some(outcome), Some(characteristic)) if problems.is_empty() => {
            Ok(Comparison { outcome, characteristic, period })
        }
        _ => Err(problems),
    }
}

fn percent(fraction: f64) -> String {
    format!("{:.1}", fraction * 100.0)
}

fn suppressed_because(reason: SuppressionReason, policy: &SuppressionPolicy) -> String {
    let threshold = policy.min_group_size.max(1);
    match reason {
        SuppressionReason::SmallGroup => format!("Fewer than {threshold} people in the group"),
        SuppressionReason::SmallRest => format!("Fewer than {threshold} people in everyone else"),
    }
}

/// The disproportionality table: a row per group, compared or suppressed. A suppressed
/// group shows no counts, only why.
pub fn disproportionality_table(groups: &[GroupComparison], policy: &SuppressionPolicy) -> Table {
    const SUPPRESSED: &str = "Suppressed";
    Table {
        columns: vec![
            ("Group", false),
            ("People", true),
            ("With the outcome", true),
            ("Rate (%)", true),
            ("Rate, 95% interval from (%)", true),
            ("Rate, 95% interval to (%)", true),
            ("Everyone else's rate (%)", true),
            ("Difference (points)", true),
            ("Difference, 95% interval from (points)", true),
            ("Difference, 95% interval to (points)", true),
            ("Statement", false),
            ("Suppressed because", false),
        ],
        rows: groups
            .iter()
            .map(|g| match g {
                GroupComparison::Compared { group, figures: f, statement } => vec![
                    group.clone(),
                    f.people.to_string(),
                    f.with_outcome.to_string(),
                    percent(f.rate),
                    percent(f.rate_interval.low),
                    percent(f.rate_interval.high),
                    percent(f.rest_rate),
                    percent(f.difference.difference),
                    percent(f.difference.interval.low),
                    percent(f.difference.interval.high),
                    statement.clone(),
                    String::new(),
                ],
                GroupComparison::Suppressed { group, reason, statement } => {
                    let mut row = vec![group.clone()];
                    row.extend(std::iter::repeat_n(SUPPRESSED.to_owned(), 9));
                    row.push(statement.clone());
                    row.push(suppressed_because(*reason, policy));
                    row
                }
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "mi_disproportionality.html")]
struct DisproportionalityPage {
    nav: Option<Nav>,
    outcome: String,
    characteristic: String,
    from: String,
    to: String,
    outcomes: Vec<(&'static str, String)>,
    /// Whether a staff process is among the outcomes (and the period is asked for).
    staff_offered: bool,
    characteristics: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldProblem>,
    heading: String,
    definition: &'static str,
    /// What "people" are: people on probation in the outcome's population, or staff in post.
    population: &'static str,
    /// A staff process's period, in words; empty for an outcome of people on probation.
    period: String,
    people: u64,
    with_outcome: u64,
    threshold: u64,
    policy_source: &'static str,
    caption: String,
    table: Table,
    csv: String,
}

impl DisproportionalityPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::error_for(&self.errors, field)
    }
}

/// The outcomes this user may choose: a staff process only for those who may see it.
fn outcome_options(who: &SignedIn) -> Vec<(&'static str, String)> {
    let staff = access::may_see_staff_equality(&who.user);
    OutcomeChoice::ALL
        .iter()
        .filter(|o| staff || matches!(o, OutcomeChoice::Case(_)))
        .map(|o| (o.id(), o.label()))
        .collect()
}

async fn disproportionality_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<DisproportionalityQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    services::mi::may_see_disproportionality(&who.user, None)?;
    let query = query_of(query)?;
    let policy = SuppressionPolicy::DEFAULT;
    let mut page = DisproportionalityPage {
        nav: Nav::of(&who),
        outcome: query.outcome.clone().unwrap_or_default(),
        characteristic: query.characteristic.clone().unwrap_or_default(),
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
        outcomes: outcome_options(&who),
        staff_offered: access::may_see_staff_equality(&who.user),
        characteristics: Characteristic::ALL.iter().map(|c| (c.id(), c.label())).collect(),
        errors: Vec::new(),
        heading: String::new(),
        definition: "",
        population: "People",
        period: String::new(),
        people: 0,
        with_outcome: 0,
        threshold: policy.min_group_size.max(1),
        policy_source: policy.source,
        caption: String::new(),
        table: Table { columns: Vec::new(), rows: Vec::new() },
        csv: String::new(),
    };
    let c = match parse_comparison(&query, app.clock.today()) {
        Ok(c) => c,
        Err(errors) => {
            page.errors = errors;
            return Ok((StatusCode::BAD_REQUEST, html(page)?).into_response());
        }
    };
    let f = services::mi::disproportionality(&app.stores, &who.user, &c, &policy).await?;
    page.outcome = c.outcome.id().to_owned();
    page.characteristic = c.characteristic.id().to_owned();
    let label = match c.outcome {
        OutcomeChoice::Case(o) => o.label(),
        OutcomeChoice::Staff(k) => k.label(),
    };
    page.heading = format!("{label} rate by {}", c.characteristic.label().to_lowercase());
    if let Some(p) = c.period {
        page.population = "Staff in post";
        page.period = format!("{} to {}", day(p.from), day(p.to));
        (page.from, page.to) = (p.from.to_string(), p.to.to_string());
        page.caption = format!("{}, {}", page.heading, page.period);
    } else {
        page.caption = page.heading.clone();
    }
    page.definition = f.definition;
    page.people = f.people;
    page.with_outcome = f.with_outcome;
    page.table = disproportionality_table(&f.groups, &policy);
    page.csv = format!("{DISPROPORTIONALITY_CSV}?{}", comparison_query(&c));
    html(page).map(IntoResponse::into_response)
}

/// Exactly the disproportionality page's table, as CSV; a bad value is a 400 naming it.
async fn disproportionality_csv(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<DisproportionalityQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    services::mi::may_see_disproportionality(&who.user, None)?;
    let query = query_of(query)?;
    let c = parse_comparison(&query, app.clock.today()).map_err(crate::kit::first_problem)?;
    let policy = SuppressionPolicy::DEFAULT;
    let f = services::mi::disproportionality(&app.stores, &who.user, &c, &policy).await?;
    let mut file = format!("{}-by-{}", c.outcome.id(), c.characteristic.id());
    if let Some(p) = c.period {
        file.push_str(&format!("-{}-to-{}", p.from, p.to));
    }
    Ok(csv_download(&format!("{file}.csv"), disproportionality_table(&f.groups, &policy).csv()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rq(by: Option<&str>) -> ReoffendingQuery {
        ReoffendingQuery { by: by.map(str::to_owned) }
    }

    fn dq(outcome: Option<&str>, characteristic: Option<&str>) -> DisproportionalityQuery {
        DisproportionalityQuery {
            outcome: outcome.map(str::to_owned),
            characteristic: characteristic.map(str::to_owned),
            ..Default::default()
        }
    }

    fn today() -> Date {
        domain::example::date("2026-11-20")
    }

    #[test]
    fn the_level_defaults_to_the_users_own_and_a_bad_one_is_named() {
        let area = Scope::Area(domain::example::code("LDN"));
        // (query, widest scope, level)
        let rows: &[(Option<&str>, &Scope, PlaceLevel)] = &[
            (None, &Scope::Provider, PlaceLevel::Provider),
            (None, &area, PlaceLevel::Area),
            (Some(" "), &area, PlaceLevel::Area),
            (Some("team"), &Scope::Provider, PlaceLevel::Team),
        ];
        for (by, widest, level) in rows {
            assert_eq!(parse_level(&rq(*by), widest), Ok(*level), "{by:?}");
        }
        let problems = parse_level(&rq(Some("street")), &Scope::Provider).unwrap_err();
        assert_eq!(problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["by"]);
        assert!(problems[0].message.starts_with("by: `street`"), "{}", problems[0].message);
    }

    #[test]
    fn a_comparison_defaults_to_breach_by_ethnicity_and_names_every_bad_field() {
        let case = |o, c| Comparison { outcome: OutcomeChoice::Case(o), characteristic: c, period: None };
        assert_eq!(
            parse_comparison(&dq(None, None), today()),
            Ok(case(OutcomeKind::Breach, Characteristic::Ethnicity))
        );
        assert_eq!(
            parse_comparison(&dq(Some("recall"), Some("age_band")), today()),
            Ok(case(OutcomeKind::Recall, Characteristic::AgeBand))
        );
        let rows: &[(Option<&str>, Option<&str>, &[&str])] = &[
            (Some("arrest"), None, &["outcome"]),
            (None, Some("height"), &["characteristic"]),
            (Some("x"), Some("y"), &["outcome", "characteristic"]),
            (Some("performance-improvement"), Some("nationality"), &["characteristic"]),
        ];
        for (o, c, fields) in rows {
            let problems = parse_comparison(&dq(*o, *c), today()).unwrap_err();
            assert_eq!(&problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), fields);
        }
    }

    #[test]
    fn a_staff_process_has_a_period_defaulting_to_the_twelve_months_to_today() {
        let staff = OutcomeChoice::Staff(domain::staff::FlagKind::PerformanceImprovement);
        let q = |from: Option<&str>, to: Option<&str>| DisproportionalityQuery {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            ..dq(Some("performance-improvement"), Some("gender"))
        };
        let period = |from: &str, to: &str| Some(Period::new(from.parse().unwrap(), to.parse().unwrap()).unwrap());
        let got = parse_comparison(&q(None, None), today()).unwrap();
        assert_eq!(
            got,
            Comparison {
                outcome: staff,
                characteristic: Characteristic::Gender,
                period: period("2025-11-21", "2026-11-20")
            }
        );
        assert_eq!(
            comparison_query(&got),
            "outcome=performance-improvement&characteristic=gender&from=2025-11-21&to=2026-11-20"
        );
        assert_eq!(
            parse_comparison(&q(None, Some("2026-03-31")), today()).unwrap().period,
            period("2025-04-01", "2026-03-31")
        );
        assert_eq!(
            parse_comparison(&q(Some("2026-01-01"), Some("2026-01-01")), today()).unwrap().period,
            period("2026-01-01", "2026-01-01")
        );
        // (from, to, fields named)
        let rows: &[(Option<&str>, Option<&str>, &[&str])] = &[
            (Some("2026-02-01"), Some("2026-01-31"), &["from"]),
            (Some("2026-02-30"), None, &["from"]),
            (None, Some("31/01/2026"), &["to"]),
        ];
        for (from, to, fields) in rows {
            let problems = parse_comparison(&q(*from, *to), today()).unwrap_err();
            assert_eq!(&problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), fields, "{from:?} {to:?}");
        }
        // An outcome of people on probation has no period; its days are still checked.
        let breach = DisproportionalityQuery { from: Some("2026-01-01".into()), ..dq(Some("breach"), None) };
        assert_eq!(parse_comparison(&breach, today()).unwrap().period, None);
        let breach = DisproportionalityQuery { from: Some("soon".into()), ..dq(Some("breach"), None) };
        assert!(parse_comparison(&breach, today()).is_err());
    }

    #[test]
    fn the_csv_is_the_tables_cells() {
        let t = Table {
            columns: vec![("Group", false), ("People", true)],
            rows: vec![
                vec!["White, British".into(), "12".into()],
                vec!["=SUM(A1)".into(), "Suppressed".into()],
                vec!["-1".into(), "-14.3".into()],
            ],
        };
        assert_eq!(t.csv(), "Group,People\n\"White, British\",12\n'=SUM(A1),Suppressed\n-1,-14.3\n");
    }
}
