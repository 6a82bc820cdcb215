//! The decision forms (issue 17): one question page per decision of
//! `services::decisions::DECISIONS`, drawn from the case as it stands, with "check your
//! answers" before a consequential one and a confirmation after. Post, redirect, get. The
//! form carries the case's version; a stale one is refused with what changed meanwhile and the
//! answers kept, and a second press of the button records nothing more.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;
use axum::extract::RawQuery;
use services::decisions::{self, Answers, Decision, Input, Recorded, Spec};

pub const DECISION: &str = "/cases/{crn}/decisions/{decision}";
pub const DECIDED: &str = "/cases/{crn}/decisions/{decision}/done";

/// The address of a decision's form on a case, starting from `prefill`'s answers.
pub fn decision_href(crn: &str, spec: &Spec, prefill: &[(String, String)]) -> String {
    let path = DECISION.replace("{crn}", crn).replace("{decision}", spec.slug);
    if prefill.is_empty() {
        return path;
    }
    let query: Vec<String> =
        prefill.iter().map(|(k, v)| format!("{}={}", kit::percent_encode(k), kit::percent_encode(v))).collect();
    format!("{path}?{}", query.join("&"))
}

pub fn section_of(spec: &Spec) -> Section {
    Section::ALL.into_iter().find(|s| s.route().rsplit('/').next() == Some(spec.section)).unwrap_or(Section::Summary)
}

pub(super) struct OptionView {
    pub(super) id: String,
    pub(super) value: String,
    pub(super) label: String,
    pub(super) hint: Option<String>,
    pub(super) checked: bool,
}

/// One question as the template draws it.
pub(super) struct FieldView {
    pub(super) name: &'static str,
    /// `paragraph`, `text`, `date`, `hidden`, `radios` or `checkboxes` (the last two are also
    /// GOV.UK's class names).
    pub(super) kind: &'static str,
    /// A text field's width class (`govuk-input--width-N`).
    pub(super) width: u8,
    /// Choices side by side.
    pub(super) inline: bool,
    pub(super) label: String,
    pub(super) optional: bool,
    pub(super) hint: Option<String>,
    pub(super) error: Option<String>,
    /// ` aria-describedby="..."` for the hint and the error, or nothing.
    pub(super) described_by: String,
    pub(super) text: String,
    pub(super) day: String,
    pub(super) month: String,
    pub(super) year: String,
    pub(super) options: Vec<OptionView>,
}

pub(super) fn field_views(form: &decisions::Form, answers: &Answers, errors: &[FieldProblem]) -> Vec<FieldView> {
    form.questions
        .iter()
        .map(|q| {
            let error = kit::error_for(errors, q.name).map(str::to_owned);
            // A blank form starts from the question's own value; once typed, what was typed
            // (a date is typed in three fields).
            let typed = answers.pairs().iter().any(|(k, _)| {
                k == q.name || k.strip_prefix(q.name).is_some_and(|rest| ["-day", "-month", "-year"].contains(&rest))
            });
            let initial = q.initial.as_deref().filter(|_| !typed);
            let ids: Vec<String> = [q.hint.as_ref().map(|_| "hint"), error.as_ref().map(|_| "error")]
                .into_iter()
                .flatten()
                .map(|what| format!("{}-{what}", q.name))
                .collect();
            let described_by =
                if ids.is_empty() { String::new() } else { format!(" aria-describedby=\"{}\"", ids.join(" ")) };
            let options = |choices: &[decisions::Choice]| {
                choices
                    .iter()
                    .enumerate()
                    .map(|(i, c)| OptionView {
                        // The first option carries the question's name: the error summary links there.
                        id: if i == 0 { q.name.to_owned() } else { format!("{}-{}", q.name, i + 1) },
                        value: c.value.clone(),
                        label: c.label.clone(),
                        hint: c.hint.clone(),
                        checked: match initial {
                            Some(v) => v == c.value,
                            None => answers.has(q.name, &c.value),
                        },
                    })
                    .collect()
            };
            let (kind, options) = match &q.input {
                Input::Paragraph => ("paragraph", Vec::new()),
                Input::Text { .. } => ("text", Vec::new()),
                Input::Hidden => ("hidden", Vec::new()),
                Input::Date | Input::DateAhead | Input::AnyDate => ("date", Vec::new()),
                Input::Radios(c) => ("radios", options(c)),
                Input::Checkboxes(c) => ("checkboxes", options(c)),
            };
            // A date starts from its value as yyyy-mm-dd, shown as day, month and year.
            let from_initial = initial.and_then(|v| v.parse::<jiff::civil::Date>().ok());
            let part = |p: &str| match from_initial {
                Some(d) => match p {
                    "day" => d.day().to_string(),
                    "month" => d.month().to_string(),
                    _ => d.year().to_string(),
                },
                None => answers.one(&format!("{}-{p}", q.name)).to_owned(),
            };
            let text = initial.map_or_else(|| answers.one(q.name).to_owned(), str::to_owned);
            FieldView {
                name: q.name,
                kind,
                width: match q.input {
                    Input::Text { width } => [2, 3, 4, 5, 10, 20].into_iter().find(|w| *w >= width).unwrap_or(20),
                    _ => 0,
                },
                inline: q.inline,
                label: q.label.clone(),
                optional: q.optional,
                hint: q.hint.clone(),
                error,
                described_by,
                text,
                day: part("day"),
                month: part("month"),
                year: part("year"),
                options,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "case_decision.html")]
struct DecisionPage {
    nav: Option<Nav>,
    head: CaseHead,
    title: &'static str,
    action: String,
    version: String,
    /// Why the decision cannot be made on this case now, instead of the form.
    unavailable: Option<String>,
    /// What changed on the case since the form was drawn (a stale submission).
    changes: Vec<String>,
    fields: Vec<FieldView>,
    button: &'static str,
    back: String,
    errors: Vec<FieldProblem>,
    check: String,
}

/// A question page shown again: the answers, their problems, and the version it carries (the
/// one it was drawn at, so a change in between is still caught; `None`: the case's now).
struct Attempt {
    answers: Answers,
    errors: Vec<FieldProblem>,
    status: StatusCode,
    version: Option<String>,
    changes: Vec<String>,
}

/// The case's header on a decision's own pages: without the section's list of decisions.
fn head_for(file: &CaseFile, section: Section, who: &SignedIn) -> CaseHead {
    CaseHead { decisions: Vec::new(), ..CaseHead::new(file, section, who) }
}

impl Attempt {
    fn blank(answers: Answers) -> Self {
        Attempt { answers, errors: Vec::new(), status: StatusCode::OK, version: None, changes: Vec::new() }
    }
}

async fn render_question(
    app: &AppState,
    who: &SignedIn,
    crn: &Crn,
    decision: Decision,
    attempt: Attempt,
) -> Result<Response, PageError> {
    let spec = decision.spec();
    let file = cases::case_file(&app.stores, who.actor(), app.clock.now(), crn, DECISION).await?;
    let section = section_of(spec);
    let (fields, unavailable) = match decisions::questions(decision, &file.state, file.today) {
        Ok(form) => (field_views(&form, &attempt.answers, &attempt.errors), None),
        Err(why) => (Vec::new(), Some(why)),
    };
    let crn = crn.to_string();
    let page = DecisionPage {
        nav: Nav::of(who),
        head: head_for(&file, section, who),
        title: spec.title,
        action: DECISION.replace("{crn}", &crn).replace("{decision}", spec.slug),
        version: attempt.version.unwrap_or_else(|| file.state.version.to_string()),
        unavailable,
        changes: attempt.changes,
        fields,
        button: if spec.check_answers { "Continue" } else { "Save" },
        back: section.href(&crn),
        check: kit::check_list(&attempt.errors),
        errors: attempt.errors,
    };
    Ok((attempt.status, html(page)?).into_response())
}

#[derive(Template)]
#[template(path = "case_check_answers.html")]
struct CheckAnswersPage {
    nav: Option<Nav>,
    head: CaseHead,
    title: &'static str,
    action: String,
    version: String,
    answered: Vec<decisions::Answered>,
    hidden: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "case_decided.html")]
struct DecidedPage {
    nav: Option<Nav>,
    head: CaseHead,
    done: &'static str,
    section_href: String,
    section: &'static str,
    worklist: Option<String>,
}

fn params(p: Result<Path<(String, String)>, PathRejection>) -> Result<(Crn, Decision), PageError> {
    let (crn, slug) =
        p.map(|Path(v)| v).map_err(|e| PageError(WebError::bad_request("crn", format!("crn: {}", e.body_text()))))?;
    let crn = kit::parse_crn(&crn)?;
    let decision = Decision::from_slug(&slug)
        .ok_or_else(|| PageError(WebError::NotFound(format!("There is no decision called {slug}."))))?;
    Ok((crn, decision))
}

/// The question page, blank or starting from the answers in the query (a worklist item's).
pub(super) async fn decision_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let (crn, decision) = params(path)?;
    decisions::may_decide(&app.stores, who.actor(), app.clock.now(), &crn, decision).await?;
    let answers = Answers::new(kit::form_pairs(query.unwrap_or_default().as_bytes()));
    render_question(&app, &who, &crn, decision, Attempt::blank(answers)).await
}

/// What someone sees when the case changed between drawing the form and saving it.
pub const CHANGED_MEANWHILE: &str = "This case changed while you were working on it, so nothing was saved. Check \
                                     what changed, then check your answers and save again.";

pub(super) async fn record_decision(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (crn, decision) = params(path)?;
    let now = app.clock.now();
    decisions::may_decide(&app.stores, who.actor(), now, &crn, decision).await?;
    let pairs = kit::form_pairs(&body);
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim()).to_owned();
    let (typed_version, confirm) = (field("version"), field("confirm"));
    let answers = Answers::new(pairs);
    let again = |errors: Vec<FieldProblem>, status, version: Option<String>, changes| {
        let attempt = Attempt { answers: answers.clone(), errors, status, version, changes };
        let (app, who, crn) = (&app, &who, crn.clone());
        async move { render_question(app, who, &crn, decision, attempt).await }
    };
    let Ok(version) = typed_version.parse::<u64>() else {
        let problem = FieldProblem::new(
            decisions::FORM,
            "The form did not say which version of the case it was drawn from: nothing was saved. Check your \
             answers and save again.",
        );
        return again(vec![problem], StatusCode::BAD_REQUEST, None, Vec::new()).await;
    };
    let spec = decision.spec();
    if confirm == "change" {
        return again(Vec::new(), StatusCode::OK, Some(typed_version), Vec::new()).await;
    }
    if spec.check_answers && confirm != "yes" {
        let file = cases::case_file(&app.stores, who.actor(), now, &crn, DECISION).await?;
        let checked = decisions::check(decision, &file.state, &answers, &who.actor().recorder(), file.today);
        return match (checked, decisions::questions(decision, &file.state, file.today)) {
            (Ok(_), Ok(form)) => {
                let page = CheckAnswersPage {
                    nav: Nav::of(&who),
                    head: head_for(&file, section_of(spec), &who),
                    title: spec.title,
                    action: DECISION.replace("{crn}", crn.as_str()).replace("{decision}", spec.slug),
                    version: typed_version,
                    answered: decisions::answered(&form, &answers),
                    hidden: answers.pairs().to_vec(),
                };
                Ok(html(page)?.into_response())
            }
            (Err(errors), _) => again(errors, StatusCode::BAD_REQUEST, Some(typed_version), Vec::new()).await,
            (Ok(_), Err(why)) => {
                again(vec![FieldProblem::new(decisions::FORM, why)], StatusCode::CONFLICT, None, Vec::new()).await
            }
        };
    }
    match decisions::record(&app.stores, who.actor(), now, &crn, decision, &answers, version).await {
        Ok(Recorded::Now { .. } | Recorded::Already { .. }) => {
            let done = DECIDED.replace("{crn}", crn.as_str()).replace("{decision}", spec.slug);
            Ok(Redirect::to(&done).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            again(errors, StatusCode::BAD_REQUEST, Some(typed_version), Vec::new()).await
        }
        Err(ServiceError::Store(StoreError::Conflict { .. })) => {
            let file = cases::case_file(&app.stores, who.actor(), now, &crn, DECISION).await?;
            let changes = decisions::changes_since(&file.events, version);
            let error = FieldProblem::new(decisions::FORM, CHANGED_MEANWHILE);
            again(vec![error], StatusCode::CONFLICT, None, changes).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The confirmation after a decision is recorded, with the way back to the work.
pub(super) async fn decided_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    let (crn, decision) = params(path)?;
    let spec = decision.spec();
    let file = cases::case_file(&app.stores, who.actor(), app.clock.now(), &crn, DECIDED).await?;
    let section = section_of(spec);
    let page = DecidedPage {
        nav: Nav::of(&who),
        head: head_for(&file, section, &who),
        done: spec.done,
        section_href: section.href(crn.as_str()),
        section: section.label(),
        worklist: who.user.officer.as_ref().map(|o| WORKLIST.replace("{code}", o.as_str())),
    };
    Ok(html(page)?.into_response())
}
