//! Appointments, and the form that records an appointment's outcome.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

fn outcome_href(crn: &str, id: &LocalId) -> String {
    OUTCOME.replace("{crn}", crn).replace("{id}", id.as_str())
}

/// The case note of each appointment, as this reader may read it: the latest outcome's note
/// (recording an outcome again corrects it), "Sensitive:" before one marked so, and only that
/// there is one, and who wrote it, where it is withheld from this reader
/// (`services::access::SENSITIVE_NOTES`: the events were read through it).
fn notes(file: &CaseFile) -> std::collections::BTreeMap<&LocalId, String> {
    let mut notes = std::collections::BTreeMap::new();
    for e in &file.events {
        if let domain::event::CaseEvent::OutcomeRecorded { appointment, note, sensitive, .. } = &e.event {
            let shown = match (note, sensitive) {
                (None, false) => String::new(),
                (Some(n), false) => n.to_string(),
                (Some(n), true) => format!("Sensitive: {n}"),
                (None, true) => format!("A sensitive note by {} is withheld from you", e.recorded_by),
            };
            notes.insert(appointment, shown);
        }
    }
    notes
}

fn appointment_parts(file: &CaseFile) -> Vec<Part> {
    let crn = file.state.crn.to_string();
    let notes = notes(file);
    let c = CaseDetail::new(&file.summary, file.today);
    let mut list: Vec<_> = file.state.appointments.iter().collect();
    list.sort_by_key(|a| (a.appointment.at, a.appointment.id.clone()));
    let rows = list
        .into_iter()
        .map(|a| {
            let ap = &a.appointment;
            let action = match (a.outcome, file.may_write) {
                (None, true) => Cell {
                    href: Some(outcome_href(&crn, &ap.id)),
                    hidden: format!(" of appointment {} on {}", ap.id, at(ap.at)),
                    ..cell("Record the outcome")
                },
                (Some(Outcome::FailedToAttend), true) => Cell {
                    href: Some(outcome_href(&crn, &ap.id)),
                    hidden: format!(" of appointment {} on {}", ap.id, at(ap.at)),
                    ..cell("Decide the absence")
                },
                _ => cell(""),
            };
            vec![
                cell(at(ap.at)),
                cell(format!("{} ({}), {} minutes", ap.kind.label(), ap.id, ap.minutes)),
                cell(ap.requirement.as_ref().map_or_else(String::new, ToString::to_string)),
                cell(a.outcome.map_or("Not recorded", Outcome::label)),
                cell(notes.get(&ap.id).cloned().unwrap_or_default()),
                action,
            ]
        })
        .collect();
    vec![
        part("Contact").rows(vec![
            row("Next appointment", c.next_appointment.map_or_else(|| "None booked".to_owned(), at)),
            row("Last face-to-face contact", day_or(c.last_face_to_face, "None recorded")),
            Row {
                key: "Contact due by".into(),
                value: day_or(c.contact_due_by, "Not required"),
                tag: if c.overdue { tag("red", "Overdue") } else { None },
            },
        ]),
        part("All appointments").table(
            "Appointments, oldest first",
            vec!["When", "Contact", "Requirement", "Outcome", "Case note", "Action"],
            rows,
            "No appointment is booked.",
        ),
    ]
}

pub(super) async fn appointments_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Appointments).await?;
    section_page(&who, &file, Section::Appointments, appointment_parts(&file))
}

// ---------------------------------------------------------------------------------------
// The outcome form

/// The outcome form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutcomeForm {
    pub outcome: String,
    pub reason: String,
    pub note: String,
    /// "yes" when the note is marked sensitive (a checkbox: absent when not ticked).
    pub sensitive: String,
    pub version: String,
}

impl OutcomeForm {
    fn from_body(body: &[u8]) -> Self {
        let field = |name: &str| kit::form_field(body, name).unwrap_or_default().trim().to_owned();
        OutcomeForm {
            outcome: field("outcome"),
            reason: field("reason"),
            note: field("note"),
            sensitive: field("sensitive"),
            version: field("version"),
        }
    }
}

/// The outcome form, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedOutcome {
    pub outcome: Outcome,
    pub note: Option<Note>,
    pub sensitive: bool,
    pub expected_version: u64,
}

/// Checks the outcome form: every bad field, or what to record. A reason chosen with another
/// outcome is ignored (radios cannot be cleared without script).
pub fn parse_outcome_form(form: &OutcomeForm) -> Result<CheckedOutcome, Vec<FieldProblem>> {
    let mut errors = Vec::new();
    let outcome = outcome_of(&form.outcome, &form.reason).map_err(|e| errors.push(e)).ok();
    let note = match form.note.as_str() {
        "" => None,
        typed => match Note::parse(typed) {
            Ok(n) => Some(n),
            Err(e) => {
                errors.push(FieldProblem::new("note", format!("note: {}", e.problem)));
                None
            }
        },
    };
    let sensitive = match (form.sensitive.as_str(), &note) {
        ("", _) => false,
        ("yes", Some(_)) => true,
        ("yes", None) => {
            errors.push(FieldProblem::new(
                "sensitive",
                "sensitive: there is no note to mark as sensitive; write the note or untick the box",
            ));
            false
        }
        (other, _) => {
            errors.push(FieldProblem::new("sensitive", format!("sensitive: `{other}` is not yes or empty")));
            false
        }
    };
    let version = form.version.parse::<u64>().map_err(|_| {
        errors.push(FieldProblem::new(
            "outcome",
            "outcome: the form did not say which version of the case it was read at; reload the page and \
                      record the outcome again",
        ))
    });
    match (outcome, version, errors.is_empty()) {
        (Some(outcome), Ok(expected_version), true) => {
            Ok(CheckedOutcome { outcome, note, sensitive, expected_version })
        }
        _ => Err(errors),
    }
}

/// What someone sees when the case changed between reading the form and saving it.
pub const CHANGED_MEANWHILE: &str = "outcome: someone else changed this case after you opened this form, so \
                                     nothing was saved. Check the appointment below and record the outcome again.";

struct Choice {
    value: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    selected: bool,
}

#[derive(Template)]
#[template(path = "case_outcome.html")]
struct OutcomePage {
    nav: Option<Nav>,
    head: CaseHead,
    id: String,
    rows: Vec<Row>,
    recorded: Option<&'static str>,
    version: String,
    outcomes: Vec<Choice>,
    reasons: Vec<Choice>,
    note: String,
    sensitive: bool,
    errors: Vec<FieldProblem>,
    check: String,
}

impl OutcomePage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::error_for(&self.errors, field)
    }
}

fn appointment_param(raw: &str) -> Result<LocalId, PageError> {
    LocalId::parse(raw).map_err(|e| PageError(WebError::bad_request("id", format!("id: {}", e.problem))))
}

/// The outcome form shown again: what was typed, what is wrong with it, and the version it
/// carries: the one it was first read at (so a change in between is still caught), or, with
/// `None`, the case's version now.
struct Attempt {
    form: OutcomeForm,
    errors: Vec<FieldProblem>,
    status: StatusCode,
    version: Option<String>,
}

/// The form for one appointment, blank or as attempted.
async fn render_outcome(
    app: &AppState,
    who: &SignedIn,
    crn: &Crn,
    id: &LocalId,
    attempt: Attempt,
) -> Result<Response, PageError> {
    let Attempt { form, errors, status, version: typed_version } = attempt;
    let file = cases::case_file(&app.stores, who.actor(), app.clock.now(), crn, OUTCOME).await?;
    let Some(record) = file.state.appointments.iter().find(|a| &a.appointment.id == id) else {
        return Err(PageError(WebError::NotFound(format!("There is no appointment {id} on case {crn}."))));
    };
    let ap = &record.appointment;
    let rows = vec![
        row("When", at(ap.at)),
        row("Contact", format!("{}, {} minutes", ap.kind.label(), ap.minutes)),
        row("Requirement", ap.requirement.as_ref().map_or_else(|| "None".to_owned(), ToString::to_string)),
    ];
    let outcomes = OUTCOMES
        .iter()
        .map(|(value, label)| Choice {
            value,
            label,
            // Whether it counts is the domain's to say (`Outcome::is_enforceable`).
            hint: outcome_of(value, "other")
                .ok()
                .filter(|o| o.is_enforceable())
                .map(|_| "An enforceable failure: it counts towards a warning and breach."),
            selected: *value == form.outcome,
        })
        .collect();
    let reasons = ABSENCE_REASONS
        .iter()
        .map(|(value, label)| Choice { value, label, hint: None, selected: *value == form.reason })
        .collect();
    let page = OutcomePage {
        nav: Nav::of(who),
        head: CaseHead::new(&file, Section::Appointments, who),
        id: id.to_string(),
        rows,
        // Failed to attend is a holding state: the form stays open to decide the absence.
        recorded: record.outcome.filter(|o| *o != Outcome::FailedToAttend).map(Outcome::label),
        version: typed_version.unwrap_or_else(|| file.state.version.to_string()),
        outcomes,
        reasons,
        note: form.note.clone(),
        sensitive: form.sensitive == "yes",
        check: kit::check_list(&errors),
        errors,
    };
    Ok((status, html(page)?).into_response())
}

fn two_params(p: Result<Path<(String, String)>, PathRejection>) -> Result<(String, String), PageError> {
    p.map(|Path(v)| v).map_err(|e| PageError(WebError::bad_request("id", format!("id: {}", e.body_text()))))
}

/// The outcome form: only for those who may record on the case.
pub(super) async fn outcome_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    let (crn, id) = two_params(path)?;
    let crn = kit::parse_crn(&crn)?;
    cases::writable_case(&app.stores, who.actor(), app.clock.now(), &crn).await?;
    let id = appointment_param(&id)?;
    let blank = Attempt { form: OutcomeForm::default(), errors: Vec::new(), status: StatusCode::OK, version: None };
    render_outcome(&app, &who, &crn, &id, blank).await
}

pub(super) async fn record_outcome(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (crn, id) = two_params(path)?;
    let crn = kit::parse_crn(&crn)?;
    cases::writable_case(&app.stores, who.actor(), app.clock.now(), &crn).await?;
    let id = appointment_param(&id)?;
    let form = OutcomeForm::from_body(&body);
    let again = |errors: Vec<FieldProblem>, status, version: Option<String>| {
        let attempt = Attempt { form: form.clone(), errors, status, version };
        let (app, who, crn, id) = (&app, &who, crn.clone(), id.clone());
        async move { render_outcome(app, who, &crn, &id, attempt).await }
    };
    let checked = match parse_outcome_form(&form) {
        Ok(c) => c,
        Err(errors) => return again(errors, StatusCode::BAD_REQUEST, Some(form.version.clone())).await,
    };
    let (version, outcome, note) = (checked.expected_version, checked.outcome, checked.note);
    let recorded = cases::record_outcome(
        &app.stores,
        who.actor(),
        app.clock.now(),
        &crn,
        version,
        &id,
        outcome,
        note,
        checked.sensitive,
    )
    .await;
    match recorded {
        Ok(_) => Ok(Redirect::to(&Section::Appointments.href(crn.as_str())).into_response()),
        Err(ServiceError::Store(StoreError::Conflict { .. })) => {
            let error = FieldProblem::new("outcome", CHANGED_MEANWHILE);
            again(vec![error], StatusCode::CONFLICT, None).await
        }
        Err(ServiceError::Store(StoreError::Rejected { field: "appointment", .. })) => {
            Err(PageError(WebError::NotFound(format!("There is no appointment {id} on case {crn}."))))
        }
        Err(ServiceError::Store(StoreError::Rejected { index, field, problem })) => {
            let error = FieldProblem::new("outcome", format!("outcome: event {index}: {field}: {problem}"));
            again(vec![error], StatusCode::UNPROCESSABLE_ENTITY, Some(form.version.clone())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::contact::AbsenceReason;

    fn form(outcome: &str, reason: &str, note: &str, version: &str) -> OutcomeForm {
        OutcomeForm {
            outcome: outcome.into(),
            reason: reason.into(),
            note: note.into(),
            sensitive: String::new(),
            version: version.into(),
        }
    }

    fn marked(note: &str, sensitive: &str) -> OutcomeForm {
        OutcomeForm { sensitive: sensitive.into(), ..form("attended_complied", "", note, "7") }
    }

    /// (form, the fields named in error (empty when accepted), the outcome recorded)
    #[test]
    fn the_outcome_form_names_every_bad_field() {
        let long = "x".repeat(4001);
        let rows: &[(OutcomeForm, &[&str], Option<Outcome>)] = &[
            (form("unacceptable_absence", "", "", "7"), &[], Some(Outcome::UnacceptableAbsence)),
            (
                form("acceptable_absence", "medical", "GP letter seen", "7"),
                &[],
                Some(Outcome::AcceptableAbsence { reason: AbsenceReason::Medical }),
            ),
            // A reason left chosen with another outcome is not held against the form.
            (form("attended_complied", "medical", "", "7"), &[], Some(Outcome::AttendedComplied)),
            (form("acceptable_absence", "", "", "7"), &["reason"], None),
            (form("acceptable_absence", "sunshine", "", "7"), &["reason"], None),
            (form("", "", "", "7"), &["outcome"], None),
            (form("went_to_the_pub", "", "", "7"), &["outcome"], None),
            (form("attended_complied", "", &long, "7"), &["note"], None),
            (form("attended_complied", "", "", ""), &["outcome"], None),
            (form("", "", &long, "x"), &["outcome", "note", "outcome"], None),
            (marked("Disclosed a new partner", "yes"), &[], Some(Outcome::AttendedComplied)),
            (marked("", "yes"), &["sensitive"], None),
            (marked("Disclosed a new partner", "on"), &["sensitive"], None),
        ];
        for (f, fields, outcome) in rows {
            match parse_outcome_form(f) {
                Ok(c) => {
                    assert!(fields.is_empty(), "{f:?} accepted, expected errors on {fields:?}");
                    assert_eq!(Some(c.outcome), *outcome, "{f:?}");
                    assert_eq!(c.expected_version, 7);
                    assert_eq!(c.sensitive, f.sensitive == "yes", "{f:?}");
                }
                Err(errors) => {
                    let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                    assert_eq!(&named, fields, "{f:?}");
                    for e in &errors {
                        assert!(e.message.starts_with(&format!("{}:", e.field)), "{}", e.message);
                    }
                }
            }
        }
    }
}
