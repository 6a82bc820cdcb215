//! Registering a person and their sentence (issue 17 item 1): one question page, a warning
//! naming anyone already registered with the same name and date of birth, or the same PNC
//! (nothing written until the officer says it is a different person), then the new case's
//! summary.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::decide::field_views;
use super::*;
use services::decisions::register::{self, Registered};
use services::decisions::{Answers, Form};

pub const NEW_CASE: &str = "/cases/new";

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewCasePage {
    nav: Option<Nav>,
    fields: Vec<decide::FieldView>,
    /// (CRN, name, date of birth) of each person who may be the same.
    duplicates: Vec<(String, String, String)>,
    errors: Vec<FieldProblem>,
    check: String,
}

fn page(
    who: &SignedIn,
    form: &Form,
    answers: &Answers,
    errors: Vec<FieldProblem>,
    duplicates: Vec<(String, String, String)>,
) -> NewCasePage {
    NewCasePage {
        nav: Nav::of(who),
        fields: field_views(form, answers, &errors),
        duplicates,
        check: kit::check_list(&errors),
        errors,
    }
}

pub(super) async fn new_case_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
) -> Result<Html<String>, PageError> {
    let form = register::form(&app.stores, who.actor(), app.clock.now()).await?;
    html(page(&who, &form, &Answers::default(), Vec::new(), Vec::new()))
}

pub(super) async fn register_case(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    body: Bytes,
) -> Result<Response, PageError> {
    let now = app.clock.now();
    let form = register::form(&app.stores, who.actor(), now).await?;
    let pairs = kit::form_pairs(&body);
    let different = pairs.iter().any(|(k, v)| k == "confirm" && v == "different");
    let answers = Answers::new(pairs);
    match register::register(&app.stores, who.actor(), now, &answers, different).await {
        Ok(Registered::Created(crn)) => Ok(Redirect::to(&SUMMARY.replace("{crn}", crn.as_str())).into_response()),
        Ok(Registered::PossibleDuplicates(found)) => {
            let duplicates = found
                .iter()
                .map(|s| (s.crn.to_string(), format!("{} {}", s.first_name, s.family_name), day(s.date_of_birth)))
                .collect();
            Ok((StatusCode::CONFLICT, html(page(&who, &form, &answers, Vec::new(), duplicates))?).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::BAD_REQUEST, html(page(&who, &form, &answers, errors, Vec::new()))?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
