//! The sentence plan and its gaps.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

fn subject_words(s: PlanSubject) -> String {
    view::event_type_label(&s.label())
}

fn plan_parts(state: &CaseState) -> Vec<Part> {
    use domain::practice::contact::{sentence_plan_due, sentence_plan_started};
    use domain::practice::plan_gaps::{is_addressed, plan_gaps, plan_subjects, reason_for};
    let plan = match (sentence_plan_started(state), sentence_plan_due(state)) {
        (Some(on), _) => format!("Agreed on {}", day(on)),
        (None, Some(due)) => format!("Not agreed yet: due by {}", day(due)),
        (None, None) => "Not due yet: the person has not been seen".to_owned(),
    };
    let objectives = state
        .objectives
        .iter()
        .map(|o| {
            let addresses: Vec<String> = o
                .needs
                .iter()
                .map(|n| n.label().to_owned())
                .chain(o.risk_groups.iter().map(|g| subject_words(PlanSubject::RiskGroup(*g))))
                .collect();
            vec![
                cell(format!("{} ({})", o.description, o.id)),
                cell(if addresses.is_empty() { "Nothing assessed".to_owned() } else { addresses.join(", ") }),
                cell(words(&o.owner)),
                cell(if o.person_involved { "Yes" } else { "No" }),
            ]
        })
        .collect();
    let gaps = plan_gaps(state);
    let subjects = plan_subjects(state)
        .into_iter()
        .map(|(subject, assessed)| {
            let as_assessed = match assessed {
                Assessed::Need(s) => words(&s),
                Assessed::Risk(l) => format!("{} risk of serious harm", l.label()),
            };
            let status = if is_addressed(state, subject) {
                let by: Vec<String> = state
                    .objectives
                    .iter()
                    .filter(|o| match subject {
                        PlanSubject::Need(n) => o.needs.contains(&n),
                        PlanSubject::RiskGroup(g) => o.risk_groups.contains(&g),
                    })
                    .map(|o| o.id.to_string())
                    .collect();
                tagged(format!("By objective {}", by.join(", ")), tag("green", "Planned"))
            } else if let Some(r) = reason_for(state, subject) {
                tagged(
                    format!("Not planned because: {} (recorded {})", r.reason, day(r.on)),
                    tag("grey", "Reason recorded"),
                )
            } else if gaps.iter().any(|g| g.subject == subject) {
                tagged("Neither an objective nor a recorded reason", tag("red", "Gap"))
            } else {
                cell("")
            };
            vec![cell(subject_words(subject)), cell(as_assessed), status]
        })
        .collect();
    vec![
        part("The plan").rows(vec![row("Sentence plan", plan), row("Gaps", gaps.len().to_string())]),
        part("Objectives").table(
            "Objectives agreed",
            vec!["Objective", "Addresses", "Who acts", "Person involved"],
            objectives,
            "No objective is agreed.",
        ),
        part("Needs and risks to plan for").table(
            format!("From the latest assessment ({} with a gap)", gaps.len()),
            vec!["Need or risk", "Assessed as", "In the plan"],
            subjects,
            "The latest assessment asks the plan for nothing, or there is no assessment.",
        ),
    ]
}

pub(super) async fn plan_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Plan).await?;
    section_page(&who, &file, Section::Plan, plan_parts(&file.state))
}
