//! Reviews and management oversight.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

fn review_parts(state: &CaseState, today: jiff::civil::Date) -> Vec<Part> {
    use domain::practice::oversight::overdue_actions;
    use domain::practice::reviews::reviews_due;
    let reviews = &state.practice.reviews;
    let due = reviews_due(state)
        .into_iter()
        .map(|r| {
            let what =
                r.trigger.map_or_else(|| "Scheduled review".to_owned(), |t| format!("Triggered by {}", t.label()));
            let late = if r.due < today { tag("red", "Overdue") } else { None };
            vec![cell(what), tagged(day(r.due), late)]
        })
        .collect();
    let open: Vec<_> =
        state.current_sentence().map_or_else(Vec::new, |s| reviews.open_triggers(s.sentence.sentence_date));
    let triggers = reviews
        .triggers
        .iter()
        .map(|t| {
            let is_open = open.contains(&t);
            vec![
                cell(view::event_type_label(t.trigger.label())),
                cell(day(t.on)),
                cell(match (&t.note, t.derived) {
                    (Some(n), _) => n.to_string(),
                    (None, true) => "From a change in the overall risk of serious harm".to_owned(),
                    (None, false) => String::new(),
                }),
                if is_open { tagged("", tag("orange", "Open")) } else { tagged("", tag("green", "Reviewed")) },
            ]
        })
        .collect();
    let completed = reviews
        .completed
        .iter()
        .map(|r| {
            let addressed = r.triggers_addressed.as_ref().map_or_else(
                || "Every open trigger".to_owned(),
                |ts| ts.iter().map(|t| t.label()).collect::<Vec<_>>().join(", "),
            );
            vec![cell(day(r.on)), cell(addressed)]
        })
        .collect();
    let overdue: Vec<&LocalId> = overdue_actions(state, today).map(|a| &a.id).collect();
    let actions = state
        .practice
        .oversight
        .iter()
        .flat_map(|r| r.actions.iter().map(move |a| (r, a)))
        .map(|(r, a)| {
            let status = match r.completed.iter().find(|(id, _)| id == &a.id) {
                Some((_, on)) => tagged(format!("Done {}", day(*on)), tag("green", "Done")),
                None if overdue.contains(&&a.id) => tagged("", tag("red", "Overdue")),
                None => tagged("", tag("orange", "Open")),
            };
            vec![
                cell(format!("{} ({})", a.text, a.id)),
                cell(format!("{} by {} on {}: {}", words(&r.judgement), r.by_manager, day(r.on), r.reviewed)),
                cell(a.owner.to_string()),
                cell(day(a.due)),
                status,
            ]
        })
        .collect();
    vec![
        part("Reviews due").table(
            "Reviews due on the current sentence",
            vec!["Review", "Due by"],
            due,
            "No review is due.",
        ),
        part("Review triggers").table(
            "Triggers",
            vec!["Trigger", "On", "Note", "Status"],
            triggers,
            "No review trigger is recorded.",
        ),
        part("Completed reviews").table(
            "Completed reviews",
            vec!["Reviewed on", "Triggers addressed"],
            completed,
            "No review is recorded.",
        ),
        part("Management oversight").table(
            "Actions from management oversight",
            vec!["Action", "Oversight", "Owner", "Due", "Status"],
            actions,
            "No oversight action is recorded.",
        ),
    ]
}

pub(super) async fn reviews_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Reviews).await?;
    section_page(&who, &file, Section::Reviews, review_parts(&file.state, file.today))
}
