//! A signed-in user's own account: changing their password. The current password is checked
//! as at sign-in (`auth::check_password`, so wrong guesses here count towards the same
//! lockout), the new one by the rule every password meets (`services::access::check_password_strength`).
//! A change ends every session of the user and moves this one to a new id; a form with bad
//! fields is shown again with a GOV.UK error summary naming each one, and nothing is changed.

use crate::AppState;
use crate::auth::{self, SignInRefused};
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

/// What is wrong with the new password fields, each named: the same strength rule as every
/// password, and the two copies the same.
pub fn new_password_errors(username: &str, current: &str, new: &str, confirm: &str) -> Vec<FieldProblem> {
    let mut errors = Vec::new();
    if new.is_empty() {
        errors.push(FieldProblem::new("new_password", "new_password: enter a new password"));
    } else if let Err(message) = services::access::check_password_strength("new_password", new, username) {
        errors.push(FieldProblem::new("new_password", message));
    } else if new == current {
        let message = "new_password: must differ from your current password";
        errors.push(FieldProblem::new("new_password", message));
    }
    if confirm.is_empty() {
        errors.push(FieldProblem::new("confirm_password", "confirm_password: enter the new password again"));
    } else if !new.is_empty() && confirm != new {
        errors.push(FieldProblem::new("confirm_password", "confirm_password: does not match the new password"));
    }
    errors
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
    let mut errors = Vec::new();
    let mut status = StatusCode::BAD_REQUEST;
    if current.is_empty() {
        // Not a guess, so not counted towards the lockout.
        errors.push(FieldProblem::new("current_password", "current_password: enter your current password"));
    } else {
        let from = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
        match auth::check_password(&app, from, who.user.username.as_str(), &current).await? {
            Ok(_) => {}
            Err(SignInRefused::Wrong) => {
                errors.push(FieldProblem::new("current_password", "current_password: is not your current password"))
            }
            Err(SignInRefused::Locked { until }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                errors.push(FieldProblem::new(
                    "current_password",
                    format!(
                        "current_password: there have been too many wrong attempts; try again after {}",
                        instant(until)
                    ),
                ));
            }
            Err(SignInRefused::Throttled) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                errors.push(FieldProblem::new(
                    "current_password",
                    "current_password: there have been too many attempts from your network; wait a minute \
                              and try again",
                ));
            }
        }
    }
    errors.extend(new_password_errors(who.user.username.as_str(), &current, &new, &confirm));
    if !errors.is_empty() {
        return render(&who, status, false, errors);
    }
    let id = auth::replace_password(&app, &who, &new).await?;
    let cookie = auth::set_cookie(&headers, auth::SESSION_COOKIE, &id, None);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(CHANGED)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_password_fields_are_checked_each_by_name() {
        let long = "a long enough passphrase";
        for (new, confirm, expect) in [
            (long, long, vec![]),
            ("", "", vec!["new_password: enter a new password", "confirm_password: enter the new password again"]),
            ("short", "short", vec!["new_password: must be at least 12 characters"]),
            (long, "a long enough passphrasE", vec!["confirm_password: does not match the new password"]),
            (
                "short",
                "other",
                vec![
                    "new_password: must be at least 12 characters",
                    "confirm_password: does not match the new password",
                ],
            ),
            (long, "", vec!["confirm_password: enter the new password again"]),
            (
                "the current passphrase",
                "the current passphrase",
                vec!["new_password: must differ from your current password"],
            ),
            ("priya is my name ok", "priya is my name ok", vec!["new_password: must not contain the username"]),
        ] {
            let got: Vec<String> = new_password_errors("priya", "the current passphrase", new, confirm)
                .into_iter()
                .map(|e| e.message)
                .collect();
            assert_eq!(got, expect, "{new:?} / {confirm:?}");
        }
    }
}
