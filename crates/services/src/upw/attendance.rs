//! The supervisor's record of the day for one person, as typed (the register page's form,
//! `probity upw attend`'s flags), checked into the record to make: every bad field named, so
//! the page and the command refuse the same input in the same words.

use domain::contact::{AbsenceReason, Outcome, RescheduledBy, SentHomeReason};
use domain::ids::{Crn, LocalId};
use domain::unpaid_work::Timesheet;
use jiff::civil::Time;

use crate::error::FieldProblem;

/// The attendance record as typed: each field the text given, empty when left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttendanceForm {
    pub person: String,
    pub outcome: String,
    pub reason: String,
    pub started: String,
    pub finished: String,
    pub penalty: String,
    pub travel: String,
    pub other: String,
}

/// The supervisor's record of one person, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    pub crn: Crn,
    pub appointment: LocalId,
    pub outcome: Outcome,
    pub timesheet: Option<Timesheet>,
}

/// One bad field, named as in the form, its message starting with that name (`started: enter
/// the time they started, e.g. 09:00`): the page puts it by its field, the CLI names its flag.
fn bad(field: &'static str, message: String) -> FieldProblem {
    FieldProblem::new(field, message)
}

/// The outcome a form value names; an acceptable absence needs its reason. The register's
/// attendance form and a case's outcome form share it.
pub fn outcome_of(value: &str, reason: &str) -> Result<Outcome, FieldProblem> {
    outcome_named(value, reason).map_err(|(field, why)| bad(field, format!("{field}: {why}")))
}

/// [`outcome_of`], its problem as the field at fault (`outcome` or `reason`) and what is
/// wrong, for a page that names the field its own way (a row of a day's outcomes).
pub fn outcome_named(value: &str, reason: &str) -> Result<Outcome, (&'static str, String)> {
    Ok(match value {
        "attended_complied" => Outcome::AttendedComplied,
        "attended_failed_to_comply" => Outcome::AttendedFailedToComply,
        "sent_home_behaviour" => Outcome::AttendedSentHome { reason: SentHomeReason::Behaviour },
        "sent_home_service" => Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue },
        "acceptable_absence" => {
            let reason: AbsenceReason = serde_json::from_value(serde_json::Value::String(reason.to_owned()))
                .map_err(|_| ("reason", "choose why the absence is acceptable".to_owned()))?;
            Outcome::AcceptableAbsence { reason }
        }
        "unacceptable_absence" => Outcome::UnacceptableAbsence,
        "failed_to_attend" => Outcome::FailedToAttend,
        "rescheduled_person" => Outcome::Rescheduled { by: RescheduledBy::Person },
        "rescheduled_service" => Outcome::Rescheduled { by: RescheduledBy::Service },
        "" => return Err(("outcome", "choose what happened".to_owned())),
        other => return Err(("outcome", format!("`{other}` is not an outcome"))),
    })
}

fn time_of(raw: &str, name: &'static str, what: &str) -> Result<Time, FieldProblem> {
    let shaped =
        raw.len() == 5 && raw.bytes().enumerate().all(|(i, b)| if i == 2 { b == b':' } else { b.is_ascii_digit() });
    let bad = |why: String| bad(name, format!("{name}: {why}"));
    if raw.is_empty() {
        return Err(bad(format!("enter the time they {what}, e.g. 09:00")));
    }
    if !shaped {
        return Err(bad(format!("`{raw}` is not a time written HH:MM (e.g. 09:00)")));
    }
    raw.parse::<Time>().map_err(|_| bad(format!("`{raw}` is not a time of day")))
}

fn minutes_of(raw: &str, name: &'static str) -> Result<u16, FieldProblem> {
    if raw.is_empty() {
        return Ok(0);
    }
    raw.parse::<u16>().map_err(|_| bad(name, format!("{name}: `{raw}` is not a whole number of minutes")))
}

/// Checks the form against the people booked on the session: every bad field, or the record
/// to make. Times are for attended outcomes only (credit is for those alone).
pub fn parse_attendance(form: &AttendanceForm, booked: &[(Crn, LocalId)]) -> Result<Attendance, Vec<FieldProblem>> {
    let mut errors = Vec::new();
    let person = match Crn::parse(&form.person) {
        Ok(crn) => match booked.iter().find(|(c, _)| c == &crn) {
            Some((c, a)) => Some((c.clone(), a.clone())),
            None => {
                errors.push(bad("person", format!("person: {crn} is not booked on this session")));
                None
            }
        },
        Err(_) if form.person.is_empty() => {
            errors.push(bad("person", "person: choose who this record is for".into()));
            None
        }
        Err(e) => {
            errors.push(bad("person", format!("person: {}", e.problem)));
            None
        }
    };
    let outcome = outcome_of(&form.outcome, &form.reason).map_err(|e| errors.push(e)).ok();
    let adjustments = [("penalty", &form.penalty), ("travel", &form.travel), ("other", &form.other)];
    let timesheet = match outcome {
        Some(o) if o.attended() => {
            let started = time_of(&form.started, "started", "started").map_err(|e| errors.push(e)).ok();
            let finished = time_of(&form.finished, "finished", "finished").map_err(|e| errors.push(e)).ok();
            let [penalty, travel, other] = adjustments.map(|(name, raw)| minutes_of(raw, name));
            let (penalty, travel, other) = (
                penalty.map_err(|e| errors.push(e)).ok(),
                travel.map_err(|e| errors.push(e)).ok(),
                other.map_err(|e| errors.push(e)).ok(),
            );
            match (started, finished, penalty, travel, other) {
                (Some(started), Some(finished), Some(penalty_minutes), Some(travel_minutes), Some(other_minutes)) => {
                    let t = Timesheet { started, finished, penalty_minutes, travel_minutes, other_minutes };
                    match t.validate() {
                        Ok(()) => Some(t),
                        Err(e) => {
                            let name = match e.field {
                                "timesheet.finished" => "finished",
                                "timesheet.penalty_minutes" => "penalty",
                                "timesheet.travel_minutes" => "travel",
                                _ => "other",
                            };
                            errors.push(bad(name, format!("{name}: {}", e.problem)));
                            None
                        }
                    }
                }
                _ => None,
            }
        }
        Some(_) => {
            let typed = [("started", &form.started), ("finished", &form.finished)].into_iter().chain(adjustments);
            for (name, raw) in typed {
                if !raw.is_empty() {
                    errors.push(bad(
                        name,
                        format!("{name}: time is credited for attended outcomes only; leave it empty"),
                    ));
                }
            }
            None
        }
        None => None,
    };
    match (person, outcome, errors.is_empty()) {
        (Some((crn, appointment)), Some(outcome), true) => Ok(Attendance { crn, appointment, outcome, timesheet }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(person: &str, outcome: &str, times: [&str; 5]) -> AttendanceForm {
        let [started, finished, penalty, travel, other] = times.map(str::to_owned);
        AttendanceForm {
            person: person.into(),
            outcome: outcome.into(),
            reason: String::new(),
            started,
            finished,
            penalty,
            travel,
            other,
        }
    }

    fn booked() -> Vec<(Crn, LocalId)> {
        vec![(Crn::parse("X000001").unwrap(), LocalId::parse("UPW-P1-20261123").unwrap())]
    }

    /// (form, the fields named in error (empty when it is accepted), credited minutes, source)
    #[test]
    fn the_attendance_form_names_every_bad_field() {
        let rows: &[(AttendanceForm, &[&str], u32, &str)] = &[
            (
                form("X000001", "attended_complied", ["09:00", "16:00", "", "", ""]),
                &[],
                420,
                "docs/rules/practice.md#unpaid-work: end - start",
            ),
            (
                form("X000001", "attended_complied", ["09:00", "16:00", "30", "", ""]),
                &[],
                390,
                "docs/rules/practice.md#unpaid-work: less penalty",
            ),
            (
                form("X000001", "attended_complied", ["09:00", "16:00", "", "180", "180"]),
                &[],
                780,
                "docs/rules/practice.md#unpaid-work: caps",
            ),
            (
                form("X000001", "attended_complied", ["09:00", "16:00", "", "181", ""]),
                &["travel"],
                0,
                "docs/rules/practice.md#unpaid-work: cap",
            ),
            (
                form("X000001", "attended_complied", ["09:00", "16:00", "", "", "200"]),
                &["other"],
                0,
                "docs/rules/practice.md#unpaid-work: cap",
            ),
            (form("X000001", "attended_complied", ["16:00", "09:00", "", "", ""]), &["finished"], 0, "issue 5"),
            (form("X000001", "attended_complied", ["09:00", "10:00", "61", "", ""]), &["penalty"], 0, "issue 5"),
            (
                form("X000001", "attended_complied", ["", "9am", "x", "", ""]),
                &["started", "finished", "penalty"],
                0,
                "",
            ),
            (
                form("X000001", "unacceptable_absence", ["", "", "", "", ""]),
                &[],
                0,
                "docs/rules/practice.md#unpaid-work: attended only",
            ),
            (form("X000001", "unacceptable_absence", ["09:00", "", "", "", ""]), &["started"], 0, "attended only"),
            (form("X000002", "attended_complied", ["09:00", "16:00", "", "", ""]), &["person"], 0, "not booked"),
            (form("", "", ["", "", "", "", ""]), &["person", "outcome"], 0, "nothing chosen"),
            (form("X000001", "acceptable_absence", ["", "", "", "", ""]), &["reason"], 0, "a reason is needed"),
        ];
        for (f, fields, credited, source) in rows {
            match parse_attendance(f, &booked()) {
                Ok(a) => {
                    assert!(fields.is_empty(), "{f:?} accepted, expected errors on {fields:?}: {source}");
                    let got = a.timesheet.map_or(0, |t| t.credited_minutes(a.outcome));
                    assert_eq!(got, *credited, "{f:?}: {source}");
                }
                Err(errors) => {
                    let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                    assert_eq!(&named, fields, "{f:?}: {source}");
                    for e in &errors {
                        assert!(e.message.starts_with(&format!("{}:", e.field)), "{}", e.message);
                    }
                }
            }
        }
    }

    #[test]
    fn every_outcome_and_reason_parses() {
        for value in [
            "attended_complied",
            "attended_failed_to_comply",
            "sent_home_behaviour",
            "sent_home_service",
            "acceptable_absence",
            "unacceptable_absence",
            "failed_to_attend",
            "rescheduled_person",
            "rescheduled_service",
        ] {
            assert!(outcome_of(value, "medical").is_ok(), "{value}");
        }
        for reason in ["court_or_legal", "employment", "medical", "stood_down", "other"] {
            assert!(outcome_of("acceptable_absence", reason).is_ok(), "{reason}");
        }
        assert_eq!(outcome_of("sideways", "").unwrap_err().field, "outcome");
    }
}
