//! Safeguarding checks.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

fn safeguarding_parts(state: &CaseState, today: jiff::civil::Date) -> Vec<Part> {
    use domain::practice::safeguarding::{SafeguardingDue, in_view_since, safeguarding_due};
    let sg = &state.practice.safeguarding;
    let declared = sg.declared.map_or_else(
        || "Nothing declared".to_owned(),
        |d| {
            let what = match (d.children, d.domestic_abuse) {
                (true, true) => "Children and domestic abuse",
                (true, false) => "Children",
                (false, _) => "Domestic abuse",
            };
            format!("{what}, since {}", day(d.since))
        },
    );
    let rows = vec![
        row(
            "Children or domestic abuse in view",
            in_view_since(state).map_or_else(|| "No".to_owned(), |d| format!("Yes, since {}", day(d))),
        ),
        row("Declared by the officer", declared),
    ];
    let due = safeguarding_due(state)
        .into_iter()
        .map(|d| {
            let (what, agency, on) = match d {
                SafeguardingDue::Request { agency, due } => ("Request a check", agency, due),
                SafeguardingDue::Chase { agency, due } => ("Chase the check", agency, due),
            };
            vec![
                cell(format!("{what} with {}", agency.label())),
                tagged(day(on), if on < today { tag("red", "Overdue") } else { None }),
            ]
        })
        .collect();
    let checks = sg
        .checks
        .iter()
        .map(|c| {
            let chased: Vec<String> = c.chased_on.iter().map(|d| day(*d)).collect();
            vec![
                cell(view::event_type_label(c.agency.label())),
                cell(c.local_authority.to_string()),
                cell(day(c.requested_on)),
                cell(if chased.is_empty() { "Not chased".to_owned() } else { chased.join(", ") }),
                match &c.response {
                    Some((on, note)) => tagged(format!("{}: {note}", day(*on)), tag("green", "Answered")),
                    None => tagged("", tag("orange", "Awaiting an answer")),
                },
            ]
        })
        .collect();
    vec![
        part("In view").rows(rows),
        part("Checks due").table("Checks to request or chase", vec!["What", "Due by"], due, "No check is due."),
        part("Checks").table(
            "Safeguarding checks",
            vec!["Agency", "Local authority", "Requested", "Chased", "Answer"],
            checks,
            "No safeguarding check is recorded.",
        ),
    ]
}

pub(super) async fn safeguarding_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Safeguarding).await?;
    section_page(&who, &file, Section::Safeguarding, safeguarding_parts(&file.state, file.today))
}
