//! The officer's worklist, each item linking to the section where it is resolved.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

struct WorkRow {
    what: String,
    crn: String,
    name: String,
    href: String,
    section: &'static str,
    due: String,
    late: String,
}

struct WorkGroup {
    caption: &'static str,
    overdue: bool,
    rows: Vec<WorkRow>,
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    nav: Option<Nav>,
    officer: String,
    officer_name: String,
    on: String,
    groups: Vec<WorkGroup>,
}

pub(super) async fn worklist_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    code: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let code = code
        .map(|Path(v)| v)
        .map_err(|e| PageError(WebError::bad_request("code", format!("code: {}", e.body_text()))))?;
    let officer = kit::parse_officer(&code)?;
    let (caseload, items) = cases::worklist(&app.stores, who.actor(), app.clock.now(), &officer, None).await?;
    let caseload = view::Caseload::new(caseload.officer, caseload.officer_name, &caseload.cases, caseload.on);
    let names: std::collections::BTreeMap<&domain::Crn, String> =
        caseload.cases.iter().map(|c| (&c.crn, format!("{} {}", c.first_name, c.family_name))).collect();
    // Overdue first; within each, the worklist's own order (risk, then lateness, then due date).
    let (overdue, due): (Vec<&WorkItem>, Vec<&WorkItem>) = items.iter().partition(|i| i.overdue);
    let rows = |items: Vec<&WorkItem>| -> Vec<WorkRow> {
        items
            .into_iter()
            .map(|i| {
                let section = Section::resolving(i.kind);
                let form = resolution_href(i, &who);
                WorkRow {
                    what: what_to_do(i),
                    crn: i.crn.to_string(),
                    name: names.get(&i.crn).cloned().unwrap_or_else(|| i.crn.to_string()),
                    href: form.unwrap_or_else(|| section.href(i.crn.as_str())),
                    section: section.label(),
                    due: day(i.due),
                    late: lateness(i),
                }
            })
            .collect()
    };
    let groups = [("Overdue", true, rows(overdue)), ("Due", false, rows(due))]
        .into_iter()
        .filter(|(_, _, rows)| !rows.is_empty())
        .map(|(caption, overdue, rows)| WorkGroup { caption, overdue, rows })
        .collect();
    let c = &caseload;
    html(WorklistPage {
        nav: Nav::of(&who),
        officer: c.officer.to_string(),
        officer_name: c.officer_name.clone().unwrap_or_else(|| c.officer.to_string()),
        on: day(c.on),
        groups,
    })
}
