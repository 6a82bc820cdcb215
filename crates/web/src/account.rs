//! A signed-in user's own account: changing their password (`services::accounts::change_own_password`
//! checks it). A change ends every session of the user and moves this one to a new id; a form
//! with bad fields is shown again with a GOV.UK error summary naming each one, and nothing is
//! changed.

use crate::AppState;
use crate::auth;
use crate::kit::SignedIn;
use crate::kit::{self, Nav, PageError, html, instant};
use crate::kit::{Route, build, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Extension, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::FieldProblem;
use services::accounts::{self, CurrentPasswordRefused, OwnPassword, OwnPasswordRefused, SignInRefused};

pub const PASSWORD: &str = "/account/password";
/// Where a changed password lands: the same page, saying so.
const CHANGED: &str = "/account/password?changed=yes";

fn table() -> Vec<Route> {
    vec![route(Method::GET, PASSWORD, password_page), route(Method::POST, PASSWORD, change_password)]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn account_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

/// One password field of the form. What was typed is never shown again.
struct PasswordInput {
    name: &'static str,
    label: &'static str,
    hint: Option<String>,
    autocomplete: &'static str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    nav: Option<Nav>,
    changed: bool,
    errors: Vec<FieldProblem>,
    inputs: Vec<PasswordInput>,
}

fn render(who: &SignedIn, status: StatusCode, changed: bool, errors: Vec<FieldProblem>) -> Result<Response, PageError> {
    let error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let inputs = vec![
        PasswordInput {
            name: "current_password",
            label: "Current password",
            hint: None,
            autocomplete: "current-password",
            error: error("current_password"),
        },
        PasswordInput {
            name: "new_password",
            label: "New password",
            hint: Some(format!(
                "At least {} characters. Three or more random words make a strong password.",
                services::access::PASSWORDS.min_chars
            )),
            autocomplete: "new-password",
            error: error("new_password"),
        },
        PasswordInput {
            name: "confirm_password",
            label: "Confirm new password",
            hint: None,
            autocomplete: "new-password",
            error: error("confirm_password"),
        },
    ];
    let page = PasswordPage { nav: Nav::of(who), changed, errors, inputs };
    Ok((status, html(page)?).into_response())
}

#[derive(Debug, Deserialize)]
struct ChangedQuery {
    changed: Option<String>,
}

async fn password_page(
    Extension(who): Extension<SignedIn>,
    query: Result<Query<ChangedQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let changed = query.is_ok_and(|Query(q)| q.changed.as_deref() == Some("yes"));
    render(&who, StatusCode::OK, changed, Vec::new())
}

async fn change_password(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    // Passwords are taken exactly as typed: spaces are characters of a passphrase.
    let field = |name: &str| kit::form_field(&body, name).unwrap_or_default();
    let (current, new, confirm) = (field("current_password"), field("new_password"), field("confirm_password"));
    let typed = OwnPassword { current: &current, new: &new, confirm: &confirm };
    let from = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    let (id, replacement) = auth::fresh_session(who.user.username.as_str());
    let changed =
        accounts::change_own_password(&app.stores, &app.sign_in_throttle, from, &who.user, typed, &replacement).await?;
    let Err(OwnPasswordRefused { current, new }) = changed else {
        let cookie = auth::set_cookie(&headers, auth::SESSION_COOKIE, &id, None);
        return Ok(([(header::SET_COOKIE, cookie)], Redirect::to(CHANGED)).into_response());
    };
    let (status, why) = match current {
        None => (StatusCode::BAD_REQUEST, None),
        Some(CurrentPasswordRefused::Missing) => (StatusCode::BAD_REQUEST, Some("enter your current password".into())),
        Some(CurrentPasswordRefused::Refused(SignInRefused::Wrong)) => {
            (StatusCode::BAD_REQUEST, Some("is not your current password".into()))
        }
        Some(CurrentPasswordRefused::Refused(SignInRefused::Locked { until })) => (
            StatusCode::TOO_MANY_REQUESTS,
            Some(format!("there have been too many wrong attempts; try again after {}", instant(until))),
        ),
        Some(CurrentPasswordRefused::Refused(SignInRefused::Throttled)) => (
            StatusCode::TOO_MANY_REQUESTS,
            Some("there have been too many attempts from your network; wait a minute and try again".into()),
        ),
    };
    let mut errors: Vec<FieldProblem> = why
        .map(|w: String| FieldProblem::new("current_password", format!("current_password: {w}")))
        .into_iter()
        .collect();
    errors.extend(new);
    render(&who, status, false, errors)
}
