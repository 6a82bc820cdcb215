//! The sentence and its requirements, with UPW hours and RAR days.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

fn requirement_details(k: &RequirementKind) -> String {
    match k {
        RequirementKind::UnpaidWork { hours } => format!("{hours} hours"),
        RequirementKind::Rar { max_days } => format!("Up to {max_days} days"),
        RequirementKind::DrugRehabilitation { months }
        | RequirementKind::AlcoholTreatment { months }
        | RequirementKind::MentalHealthTreatment { months }
        | RequirementKind::Exclusion { months } => format!("{months} months"),
        RequirementKind::AlcoholAbstinenceMonitoring { days } => format!("{days} days"),
        RequirementKind::Curfew { months, hours_per_day, electronic_monitoring } => format!(
            "{months} months, {hours_per_day} hours a day{}",
            if *electronic_monitoring { ", electronically monitored" } else { "" }
        ),
        RequirementKind::Programme { name, sessions } => format!("{name}, {sessions} sessions"),
        RequirementKind::Residence | RequirementKind::ProhibitedActivity => "As set by the court".to_owned(),
    }
}

fn sentence_part(s: &SentenceRecord, state: &CaseState, progress: &[upw::progress::Progress]) -> Part {
    let sentence = &s.sentence;
    let mut rows = vec![
        row(
            "Status",
            match s.ended {
                None => "Active".to_owned(),
                Some((on, outcome)) => format!("Ended on {}: {}", day(on), words(&outcome)),
            },
        ),
        row("Sentence date", day(sentence.sentence_date)),
        row("Supervision ends", day(sentence.end_date)),
    ];
    if let Some(c) = &sentence.custody {
        rows.push(row(
            "Release",
            match s.released_on {
                Some(d) => format!("Released on {}", day(d)),
                None => format!("Expected on {}", day(c.release_date)),
            },
        ));
        rows.push(row("Licence ends", day(c.licence_end)));
        if let Some(pss) = c.pss_end {
            rows.push(row("Post-sentence supervision ends", day(pss)));
        }
    }
    let rar = domain::practice::rar_progress(state);
    let requirements = sentence
        .requirements
        .iter()
        .map(|r| {
            let progress = match &r.kind {
                RequirementKind::UnpaidWork { .. } => progress.iter().find(|p| p.requirement == r.id).map(|p| {
                    let text = format!(
                        "{} of {} done, {} left; to be worked by {}",
                        hours(p.credited_minutes),
                        hours(p.ordered_minutes),
                        hours(p.remaining_minutes),
                        day(p.deadline)
                    );
                    tagged(text, if p.at_risk { tag("red", "At risk of missing the deadline") } else { None })
                }),
                RequirementKind::Rar { .. } => rar
                    .iter()
                    .find(|p| p.requirement == r.id)
                    .map(|p| cell(format!("{} of {} days used, {} left", p.used, p.max_days, p.left))),
                _ => None,
            };
            let progress =
                progress.unwrap_or_else(|| cell(if s.is_active() { "Not counted" } else { "Sentence ended" }));
            vec![cell(format!("{} ({})", r.kind.label(), r.id)), cell(requirement_details(&r.kind)), progress]
        })
        .collect();
    let heading = format!("{} ({}), {}", sentence_kind(sentence.kind), sentence.id, day(sentence.sentence_date));
    let mut p = part(heading).rows(rows).table(
        "Requirements",
        vec!["Requirement", "Ordered", "Progress"],
        requirements,
        "This sentence has no requirements.",
    );
    for c in &sentence.licence_conditions {
        p = p.say(match c {
            LicenceCondition::Standard => "Licence condition: the standard conditions.".to_owned(),
            LicenceCondition::Additional { text } => format!("Additional licence condition: {text}."),
        });
    }
    p
}

pub(super) async fn sentence_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let crn = kit::parse_crn(&crn_param(crn)?)?;
    let (file, progress) = cases::case_sentence(&app.stores, who.actor(), app.clock.now(), &crn, SENTENCE).await?;
    let mut parts: Vec<Part> =
        file.state.sentences.iter().rev().map(|s| sentence_part(s, &file.state, &progress)).collect();
    if parts.is_empty() {
        parts.push(part("Sentences").say("No sentence is recorded."));
    }
    section_page(&who, &file, Section::Sentence, parts)
}
