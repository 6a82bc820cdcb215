//! Workload capacity by scope, as a page and as CSV.

// The area's request parsing, scopes and figure rows are in `mi` (mod.rs); its imports come
// with them.
use super::*;
use std::collections::BTreeMap;

/// Capacity of a place: its officers' points over their available points.
pub struct WorkloadLine {
    pub name: String,
    pub scope: String,
    pub href: Option<String>,
    pub officers: usize,
    pub points: String,
    pub available: String,
    pub capacity: String,
    pub over: bool,
    pub figures: CapacityFigures,
}

#[derive(Template)]
#[template(path = "mi_workload.html")]
struct WorkloadPage {
    nav: Option<Nav>,
    scope: String,
    scope_name: String,
    on: String,
    total: WorkloadLine,
    parts: Vec<WorkloadLine>,
    parts_of: &'static str,
    /// The table as CSV, for this place.
    csv: String,
    errors: Vec<FieldProblem>,
}

impl WorkloadPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::error_for(&self.errors, field)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct WorkloadQuery {
    pub scope: Option<String>,
}

impl WorkloadQuery {
    /// The place asked for, `widest` when none; the message names `scope` when it is bad.
    fn scope(&self, widest: Scope) -> Result<Scope, String> {
        match given(&self.scope).map(str::parse::<Scope>) {
            None => Ok(widest),
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(format!("scope: {e}")),
        }
    }
}

fn line(name: String, scope: &Scope, href: Option<String>, each: &[CapacityFigures]) -> WorkloadLine {
    let c = analytics::workload::combined_capacity(each);
    WorkloadLine {
        name,
        scope: scope.to_string(),
        href,
        officers: each.len(),
        points: points(c.points),
        available: points(c.available_points),
        capacity: capacity(c.capacity_percent),
        over: c.capacity_percent.is_some_and(|p| p > 100.0),
        figures: c,
    }
}

/// The workload of a place and of each of its parts (areas of the provider, ..., officers of
/// a team), from every officer's capacity today.
fn workload_lines(
    scope: &Scope,
    org: &Organisation,
    each: &BTreeMap<Code, CapacityFigures>,
) -> (WorkloadLine, Vec<WorkloadLine>) {
    let places = analytics::measures::TeamPlaces::new(org);
    let within = |part: &Scope| -> Vec<CapacityFigures> {
        org.staff
            .iter()
            .filter(|s| part.contains_at(&places, Some(&s.code), Some(&s.team)))
            .filter_map(|s| each.get(&s.code).copied())
            .collect()
    };
    let mut parts = Vec::new();
    for (part, name) in self::parts(scope, org) {
        let figures = within(&part);
        if matches!(part, Scope::Officer(_)) && figures.is_empty() {
            continue;
        }
        let href = (!matches!(part, Scope::Officer(_)))
            .then(|| format!("/mi/workload?scope={}", percent_encode(&part.to_string())));
        parts.push(line(name, &part, href, &figures));
    }
    let total = line(scope_name(scope, org), scope, None, &each.values().copied().collect::<Vec<_>>());
    (total, parts)
}

/// The workload table as CSV: each part, then the place itself; points to one decimal place,
/// capacity empty where an officer has no available points.
pub fn workload_csv_text(total: &WorkloadLine, parts: &[WorkloadLine]) -> String {
    let mut out = String::from("place,scope,officers,workload_points,available_points,capacity_percent\n");
    for l in parts.iter().chain(std::iter::once(total)) {
        let c = &l.figures;
        out.push_str(&format!(
            "{},{},{},{:.1},{:.1},{}\n",
            csv_cell(&l.name),
            csv_cell(&l.scope),
            l.officers,
            c.points,
            c.available_points,
            c.capacity_percent.map(|p| format!("{p:.1}")).unwrap_or_default()
        ));
    }
    out
}

/// Exactly the workload page's table, as CSV; a bad or unreachable scope is refused as on
/// the page (400 naming `scope`, 403).
pub(super) async fn workload_csv(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<WorkloadQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let query = query_of(query)?;
    let widest = widest(&who)?;
    let scope = query.scope(widest).map_err(|message| WebError::bad_request("scope", message))?;
    let today = app.clock.today();
    let (org, each) = services::mi::workload(&app.stores, who.actor(), &scope, today).await?;
    let (total, parts) = workload_lines(&scope, &org, &each);
    let file = format!("workload-{}-{today}.csv", scope.to_string().replace(':', "-"));
    Ok(csv_download(&file, workload_csv_text(&total, &parts)))
}

pub(super) async fn workload_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<WorkloadQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let query = query_of(query)?;
    let widest = widest(&who)?;
    let typed = query.scope.clone().unwrap_or_default();
    let named = |message: String| -> Result<Response, PageError> {
        let page = WorkloadPage {
            nav: Nav::of(&who),
            scope: typed.clone(),
            scope_name: String::new(),
            on: String::new(),
            total: line(String::new(), &widest, None, &[]),
            parts: Vec::new(),
            parts_of: "",
            csv: String::new(),
            errors: vec![FieldProblem::new("scope", message)],
        };
        Ok((StatusCode::BAD_REQUEST, html(page)?).into_response())
    };
    let scope = match query.scope(widest.clone()) {
        Ok(s) => s,
        Err(message) => return named(message),
    };
    let today = app.clock.today();
    let (org, each) = match services::mi::workload(&app.stores, who.actor(), &scope, today).await {
        Ok(read) => read,
        Err(services::ServiceError::Invalid(problems)) => {
            return named(problems.into_iter().next().map(|p| p.message).unwrap_or_default());
        }
        Err(e) => return Err(PageError(e.into())),
    };
    let (total, parts) = workload_lines(&scope, &org, &each);
    let name = total.name.clone();
    let csv = format!("/mi/workload.csv?scope={}", percent_encode(&scope.to_string()));
    let page = WorkloadPage {
        nav: Nav::of(&who),
        scope: scope.to_string(),
        scope_name: name,
        on: day(today),
        total,
        parts,
        parts_of: parts_label(&scope),
        csv,
        errors: Vec::new(),
    };
    html(page).map(IntoResponse::into_response)
}
