//! The assessment: risk of serious harm and needs.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

fn assessment_parts(state: &CaseState) -> Vec<Part> {
    let Some(a) = &state.assessment else {
        return vec![part("Latest assessment").say("No assessment is recorded.")];
    };
    let percent = |p: Option<domain::assessment::Percent>| {
        p.map_or_else(|| "Not scored".to_owned(), |p| format!("{:.1}%", p.get()))
    };
    let mut rows = vec![
        row("Assessment", a.id.to_string()),
        row("Completed on", day(a.completed_on)),
        row(
            "Overall risk of serious harm",
            a.overall_rosh().map_or_else(|| "Not assessed".to_owned(), |r| r.label().to_owned()),
        ),
        row("OGRS (reoffending within 2 years)", percent(a.ogrs)),
        row("RSR (serious reoffending)", percent(a.rsr)),
    ];
    rows.push(row(
        "OGRS4 predictors",
        a.ogrs4.map_or_else(
            || "Not scored".to_owned(),
            |o| {
                format!(
                    "All reoffending {:.1}%, serious reoffending {:.1}% ({})",
                    o.arp.get(),
                    o.csrp.get(),
                    if o.dynamic { "dynamic" } else { "static" }
                )
            },
        ),
    ));
    let risks = RiskGroup::ALL
        .iter()
        .map(|g| {
            vec![
                cell(words(g)),
                cell(a.rosh.get(g).map_or_else(|| "Not assessed as at risk".to_owned(), |l| l.label().to_owned())),
            ]
        })
        .collect();
    let linked: Vec<NeedArea> = a.offending_related_needs().collect();
    let needs = NeedArea::ALL
        .iter()
        .map(|n| {
            vec![
                cell(n.label()),
                cell(a.needs.get(n).map_or_else(|| "Not assessed".to_owned(), words)),
                cell(if linked.contains(n) { "Yes" } else { "No" }),
            ]
        })
        .collect();
    vec![
        part("Latest assessment").rows(rows),
        part("Risk of serious harm").table("Risk of serious harm by group", vec!["Group", "Level"], risks, ""),
        part("Needs").table("Criminogenic needs", vec!["Need", "Assessed as", "Linked to offending"], needs, ""),
    ]
}

pub(super) async fn assessment_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Assessment).await?;
    section_page(&who, &file, Section::Assessment, assessment_parts(&file.state))
}
