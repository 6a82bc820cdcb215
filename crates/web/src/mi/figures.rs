//! The index (every measure with its definition and current figure) and one measure's page
//! and CSV.

// The area's request parsing, scopes and figure rows are in `mi` (mod.rs); its imports come
// with them.
use super::*;

use super::chart::chart;

// ---------------------------------------------------------------------------------------
// The index: every measure with its definition and current figure

struct MeasureLine {
    id: &'static str,
    name: &'static str,
    definition: &'static str,
    figure: String,
    counted: String,
    when: String,
}

#[derive(Template)]
#[template(path = "mi_index.html")]
struct IndexPage {
    nav: Option<Nav>,
    scope_name: String,
    measures: Vec<MeasureLine>,
    /// Whether to link the provider-wide pages (`access::may_see_provider_mi`).
    provider_wide: bool,
}

fn counted(r: &FigureRow) -> String {
    format!("{} of {}", r.numerator, r.denominator)
}

fn when(measure: &Measure, from: Date, to: Date) -> String {
    match measure.kind {
        MeasureKind::Period => format!("{} to {}", day(from), day(to)),
        MeasureKind::AsAt => format!("as at {}", day(to)),
    }
}

pub(super) async fn index_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
) -> Result<Response, PageError> {
    let today = app.clock.today();
    let from = default_from(today);
    let (scope, org, figures) = services::mi::index(&app.stores, who.actor(), from, today).await?;
    let measures = figures
        .into_iter()
        .map(|(m, total)| MeasureLine {
            id: m.id.id(),
            name: m.name,
            definition: m.definition,
            figure: percent_text(total.percent),
            counted: counted(&total),
            when: when(m, from, today),
        })
        .collect();
    let page = IndexPage {
        nav: Nav::of(&who),
        scope_name: scope_name(&scope, &org),
        measures,
        provider_wide: access::may_see_provider_mi(&who.user),
    };
    html(page).map(IntoResponse::into_response)
}

// ---------------------------------------------------------------------------------------
// One measure over time, with its breakdown

struct TableRow {
    period: String,
    numerator: u64,
    denominator: u64,
    percent: String,
}

impl From<&FigureRow> for TableRow {
    fn from(r: &FigureRow) -> Self {
        TableRow {
            period: r.period.clone(),
            numerator: r.numerator,
            denominator: r.denominator,
            percent: percent_text(r.percent),
        }
    }
}

struct PartRow {
    name: String,
    scope: String,
    href: Option<String>,
    numerator: u64,
    denominator: u64,
    percent: String,
}

#[derive(Template)]
#[template(path = "mi_measure.html")]
struct MeasurePage {
    nav: Option<Nav>,
    id: &'static str,
    name: &'static str,
    definition: &'static str,
    numerator: &'static str,
    denominator: &'static str,
    source: &'static str,
    higher_is_better: bool,
    as_at: bool,
    /// The form as typed.
    scope: String,
    from: String,
    to: String,
    by: String,
    errors: Vec<FieldProblem>,
    scope_name: String,
    period: String,
    headline: String,
    headline_counted: String,
    chart: String,
    rows: Vec<TableRow>,
    csv: String,
    parts_csv: String,
    keys_csv: String,
    keys: Vec<(String, TableRow)>,
    parts: Vec<PartRow>,
    parts_of: &'static str,
}

impl MeasurePage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::error_for(&self.errors, field)
    }
}

fn by_text(g: Grouping) -> &'static str {
    match g {
        Grouping::Month => "month",
        Grouping::Quarter => "quarter",
    }
}

fn blank_page(measure: &'static Measure, who: &SignedIn, query: &MiQuery) -> MeasurePage {
    let typed = |v: &Option<String>| v.clone().unwrap_or_default();
    MeasurePage {
        nav: Nav::of(who),
        id: measure.id.id(),
        name: measure.name,
        definition: measure.definition,
        numerator: measure.numerator,
        denominator: measure.denominator,
        source: measure.source,
        higher_is_better: measure.higher_is_better,
        as_at: measure.kind == MeasureKind::AsAt,
        scope: typed(&query.scope),
        from: typed(&query.from),
        to: typed(&query.to),
        by: typed(&query.by),
        errors: Vec::new(),
        scope_name: String::new(),
        period: String::new(),
        headline: String::new(),
        headline_counted: String::new(),
        chart: String::new(),
        rows: Vec::new(),
        csv: String::new(),
        parts_csv: String::new(),
        keys_csv: String::new(),
        keys: Vec::new(),
        parts: Vec::new(),
        parts_of: "",
    }
}

pub(super) async fn measure_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    query: Result<Query<MiQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let query = query_of(query)?;
    let measure = measure_of(&id)?;
    let widest = widest(&who)?;
    let today = app.clock.today();
    let mut page = blank_page(measure, &who, &query);
    let req = match parse_request(&query, &widest, today) {
        Ok(req) => req,
        Err(errors) => {
            // The form again with each problem named, and nothing else.
            page.errors = errors;
            return Ok((StatusCode::BAD_REQUEST, html(page)?).into_response());
        }
    };
    let figures = match services::mi::measure(&app.stores, who.actor(), measure, &req, MeasureTable::All).await {
        Ok(f) => f,
        Err(e) => return form_again(e, page),
    };
    let (org, rows, total, keys) = (figures.org, figures.series, figures.total, figures.keys);
    let mut parts = Vec::new();
    for (name, part, figure) in figures.parts {
        parts.push(PartRow {
            // A part of a scope within reach is within reach too.
            href: Some(format!("/mi/measures/{}?{}", measure.id.id(), query_string(&part, &req))),
            scope: part.to_string(),
            name,
            numerator: figure.numerator,
            denominator: figure.denominator,
            percent: percent_text(figure.percent),
        });
    }
    let name = scope_name(&req.scope, &org);
    let title = format!("{}: {name}, by {}, {} to {}", measure.name, by_text(req.grouping), req.from, req.to);
    page.scope = req.scope.to_string();
    page.from = req.from.to_string();
    page.to = req.to.to_string();
    page.by = by_text(req.grouping).to_owned();
    page.period = when(measure, req.from, req.to);
    page.headline = percent_text(total.percent);
    page.headline_counted = counted(&total);
    page.chart = chart(&title, &rows);
    page.rows = rows.iter().map(TableRow::from).collect();
    page.csv = format!("/mi/measures/{}/figures.csv?{}", measure.id.id(), query_string(&req.scope, &req));
    page.parts_csv = format!("{}&table=parts", page.csv);
    page.keys_csv = format!("{}&table=keys", page.csv);
    page.keys = keys.iter().map(|(k, r)| (k.clone(), TableRow::from(r))).collect();
    page.parts = parts;
    page.parts_of = parts_label(&req.scope);
    page.scope_name = name;
    html(page).map(IntoResponse::into_response)
}

/// A scope the organisation does not have is named on the form, like any bad value; any
/// other failure (a refusal) is the error page.
fn form_again(e: services::ServiceError, mut page: MeasurePage) -> Result<Response, PageError> {
    match e {
        services::ServiceError::Invalid(problems) => {
            page.errors = problems;
            Ok((StatusCode::BAD_REQUEST, html(page)?).into_response())
        }
        other => Err(PageError(other.into())),
    }
}

/// Exactly a table of the measure's page, as CSV: the figures by period, or with `table=parts`
/// the breakdown by place, or with `table=keys` the figures by key; a bad query is a 400
/// naming the field.
pub(super) async fn measure_csv(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    query: Result<Query<MiQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let query = query_of(query)?;
    let measure = measure_of(&id)?;
    let widest = widest(&who)?;
    let req = parse_request(&query, &widest, app.clock.today()).map_err(crate::kit::first_problem)?;
    let table = given(&query.table).unwrap_or("periods");
    if !["periods", "parts", "keys"].contains(&table) {
        return Err(WebError::bad_request("table", format!("table: `{table}` is not periods, parts or keys")));
    }
    let which = match table {
        "parts" => MeasureTable::Parts,
        "keys" => MeasureTable::Keys,
        _ => MeasureTable::Periods,
    };
    let figures = services::mi::measure(&app.stores, who.actor(), measure, &req, which).await?;
    let body = match which {
        MeasureTable::Parts => parts_csv(&figures.parts),
        MeasureTable::Keys => keys_csv(&figures.keys),
        _ => figures_csv(&figures.series),
    };
    let scope = req.scope.to_string().replace(':', "-");
    Ok(csv_download(&format!("{}-{table}-{scope}-{}-{}.csv", measure.id.id(), req.from, req.to), body))
}
