//! Referrals to interventions.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

fn referral_parts(state: &CaseState) -> Vec<Part> {
    let rows = state
        .practice
        .referrals
        .iter()
        .map(|r| {
            let status = match r.status() {
                ReferralStatus::Referred => "Referred".to_owned(),
                ReferralStatus::Accepted => "Accepted".to_owned(),
                ReferralStatus::Started => "Started".to_owned(),
                ReferralStatus::Closed(c) => words(&c),
            };
            let mut dates = vec![format!("Referred {}", day(r.referred_on))];
            dates.extend(r.accepted_on.map(|d| format!("accepted {}", day(d))));
            dates.extend(r.started_on.map(|d| format!("started {}", day(d))));
            if let Some((on, c)) = r.closed {
                let how = match c {
                    Closure::Completed => "completed",
                    Closure::Cancelled => "cancelled",
                    Closure::Ended => "ended early",
                };
                dates.push(format!("{how} {}", day(on)));
            }
            if let Some(why) = &r.close_reason {
                dates.push(format!("because: {why}"));
            }
            let recorded: Vec<String> =
                r.outcomes.iter().map(|o| format!("{}: {}", o.objective, words(&o.achievement))).collect();
            let missing: Vec<String> = r.outcomes_missing().iter().map(ToString::to_string).collect();
            let outcomes = if missing.is_empty() {
                cell(recorded.join(", "))
            } else {
                tagged(recorded.join(", "), tag("red", format!("Missing for {}", missing.join(", "))))
            };
            let needs: Vec<&str> = r.needs.iter().map(|n| n.label()).collect();
            let objectives: Vec<String> = r.objectives.iter().map(ToString::to_string).collect();
            vec![
                cell(format!("{} ({})", r.service, r.id)),
                cell(format!("{}; objectives {}", needs.join(", "), objectives.join(", "))),
                cell(status),
                cell(dates.join(", ")),
                outcomes,
            ]
        })
        .collect();
    vec![part("Referrals to interventions").table(
        "Referrals, in the order made",
        vec!["Service", "For", "Status", "Dates", "Outcomes"],
        rows,
        "No referral is recorded.",
    )]
}

pub(super) async fn referrals_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Referrals).await?;
    section_page(&who, &file, Section::Referrals, referral_parts(&file.state))
}
