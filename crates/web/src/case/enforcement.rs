//! Enforcement: warnings, breaches and recalls.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

/// The compliance summary of the current order: each count links to the timeline showing the
/// events it counts.
fn compliance_part(state: &CaseState, today: jiff::civil::Date) -> Option<Part> {
    let c = domain::practice::compliance::compliance(state, today)?;
    let crn = &state.crn;
    let outcomes = |kind: &str| format!("/cases/{crn}?type=outcome_recorded&outcome={kind}&from={}", c.since);
    let count = |what: &str, n: usize, href: String| {
        vec![cell(what), Cell { href: Some(href), hidden: format!(" {what} on the timeline"), ..cell(n.to_string()) }]
    };
    let since = day(c.since);
    let mut rows = vec![
        count("Unacceptable absences", c.unacceptable_absences, outcomes("unacceptable_absence")),
        count("Attended but failed to comply", c.failed_to_comply, outcomes("attended_failed_to_comply")),
        count("Absences awaiting evidence", c.awaiting_evidence, outcomes("failed_to_attend")),
        count("Acceptable absences", c.acceptable_absences, outcomes("acceptable_absence")),
        count("Warning letters this sentence", c.warnings, format!("/cases/{crn}?type=warning_letter_issued")),
    ];
    rows.push(vec![
        cell("Breach"),
        Cell {
            href: Some(format!("/cases/{crn}?type=breach_referred")),
            hidden: " referrals on the timeline".to_owned(),
            ..match c.breach_since {
                Some(on) => tagged(format!("In progress since {}", day(on)), tag("red", "Breach")),
                None => cell("None in progress"),
            }
        },
    ]);
    if let Some(on) = c.recall_since {
        rows.push(vec![
            cell("Recall"),
            tagged(format!("Recommended on {}, awaiting a decision", day(on)), tag("red", "Recall")),
        ]);
    }
    Some(part(format!("Compliance with sentence {}", c.sentence)).table(
        format!("Since {since} (the last 12 months, or the sentence if later)"),
        vec!["What", "Count"],
        rows,
        "",
    ))
}

fn enforcement_parts(state: &CaseState, today: jiff::civil::Date) -> Vec<Part> {
    use domain::practice::state::{EnforcementRoute, enforcement_route};
    let enf: &Enforcement = &state.practice.enforcement;
    let route = match enforcement_route(state, today) {
        Some(EnforcementRoute::Breach) => "Breach, taken to court",
        Some(EnforcementRoute::Recall) => "Recall to custody",
        None => "Nothing is enforced now (no active sentence, or in custody)",
    };
    let counted = enf.counted_failures();
    let status = vec![
        row("How failures are enforced", route),
        row("Failures counted in the last 12 months", enf.failure_count(today).to_string()),
        row(
            "Breach",
            enf.open_breach().map_or_else(|| "None open".to_owned(), |b| format!("Open since {}", day(b.referred_on))),
        ),
        row(
            "Recall recommendation",
            enf.open_recall().map_or_else(
                || "None awaiting a decision".to_owned(),
                |r| format!("{} recommended on {}, awaiting a decision", words(&r.kind), day(r.recommended_on)),
            ),
        ),
    ];
    let failures = enf
        .failures
        .iter()
        .map(|f| {
            let warning = enf.warnings.iter().find(|w| w.appointment == f.appointment);
            let counts = counted.iter().any(|c| c.appointment == f.appointment);
            vec![
                cell(f.appointment.to_string()),
                cell(day(f.on)),
                cell(day(f.aware_on)),
                cell(warning.map_or_else(|| "None".to_owned(), |w| format!("Issued {}", day(w.on)))),
                if counts { tagged("Yes", None) } else { cell("No: dealt with by a breach or recall") },
            ]
        })
        .collect();
    let warnings = enf
        .warnings
        .iter()
        .map(|w| vec![cell(w.appointment.to_string()), cell(day(w.on)), cell(day(w.response_due))])
        .collect();
    let exceptions = enf
        .exceptions
        .iter()
        .map(|e| {
            vec![
                cell(e.appointment.to_string()),
                cell(day(e.on)),
                cell(e.by_manager.to_string()),
                cell(e.reason.to_string()),
            ]
        })
        .collect();
    let breaches = enf
        .breaches
        .iter()
        .map(|b| {
            let failures: Vec<String> = b.failures.iter().map(ToString::to_string).collect();
            vec![
                cell(day(b.referred_on)),
                cell(if failures.is_empty() {
                    b.reason.as_ref().map_or_else(|| "None listed".to_owned(), |r| format!("None listed: {r}"))
                } else {
                    failures.join(", ")
                }),
                cell(day_or(b.referral_due, "No deadline")),
                match b.pack_completed_on {
                    Some(on) => tagged(format!("Sent {}", day(on)), tag("green", "Complete")),
                    None => tagged(format!("Due by {}", day(b.pack_due)), tag("orange", "Incomplete")),
                },
                cell(b.resolved.map_or_else(|| "Open".to_owned(), |(on, o)| format!("{} on {}", words(&o), day(on)))),
            ]
        })
        .collect();
    let recalls = enf
        .recalls
        .iter()
        .map(|r| {
            let reasons: Vec<String> = r.reasons.iter().map(words).collect();
            vec![
                cell(day(r.recommended_on)),
                cell(words(&r.kind)),
                cell(reasons.join(", ")),
                cell(r.decided.as_ref().map_or_else(
                    || "Awaiting a decision".to_owned(),
                    |d| format!("{} by {} on {}", words(&d.decision), d.by_manager, day(d.on)),
                )),
            ]
        })
        .collect();
    let compliance = compliance_part(state, today);
    compliance
        .into_iter()
        .chain([
            part("Where enforcement stands").rows(status),
            part("Failures to comply").table(
                "Appointments whose outcome is an enforceable failure",
                vec!["Appointment", "Date", "Recorded on", "Warning letter", "Counts now"],
                failures,
                "No failure to comply is recorded.",
            ),
            part("Warning letters").table(
                "Warning letters",
                vec!["Appointment", "Issued", "Response due"],
                warnings,
                "No warning letter is recorded.",
            ),
            part("Managers' exceptions").table(
                "Exceptions to a mandatory breach or recall",
                vec!["Appointment", "Recorded", "Manager", "Reason"],
                exceptions,
                "No exception is recorded.",
            ),
            part("Breaches").table(
                "Breaches",
                vec!["Referred", "Failures", "Referral due", "Breach pack", "Outcome"],
                breaches,
                "No breach is recorded.",
            ),
            part("Recall").table(
                "Recall recommendations",
                vec!["Recommended", "Kind", "Reasons", "Decision"],
                recalls,
                "No recall recommendation is recorded.",
            ),
        ])
        .collect()
}

pub(super) async fn enforcement_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Enforcement).await?;
    section_page(&who, &file, Section::Enforcement, enforcement_parts(&file.state, file.today))
}
