//! Administration: users (add, disable) and limited-access lists (add, remove). Only a role
//! whose policy `administers` may reach them (`services::access::ROLE_POLICY`). A form with
//! bad fields is shown again with a GOV.UK error summary naming each one and keeping what was
//! typed; nothing is saved from it.

use crate::AppState;
use crate::kit::SignedIn;
use crate::kit::{self, Nav, PageError, day, html, instant};
use crate::kit::{Route, build, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use services::access::{Administrator, Role};
use services::accounts::{self, LimitForm, UserForm};
use services::{FieldProblem, ServiceError};
use store::auth::LimitKind;

pub const USERS: &str = "/admin/users";
pub const LIMITS: &str = "/admin/limited-access";

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, USERS, users_page),
        route(Method::POST, USERS, add_user),
        route(Method::POST, "/admin/users/{username}/disable", disable_user),
        route(Method::POST, "/admin/users/{username}/role", change_role),
        route(Method::POST, "/admin/users/{username}/unlock", unlock_user),
        route(Method::POST, "/admin/users/{username}/password", reset_password),
        route(Method::GET, LIMITS, limits_page),
        route(Method::POST, LIMITS, add_limit),
        route(Method::POST, "/admin/limited-access/{id}/remove", remove_limit),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn admin_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

fn administrator(who: &SignedIn) -> Result<Administrator<'_>, PageError> {
    Administrator::of(&who.user).ok_or_else(|| PageError(ServiceError::forbidden().into()))
}

/// Shows the form again with its problems when the use case refused what was typed.
async fn again<F, Fut>(
    outcome: Result<(), ServiceError>,
    done: &'static str,
    form_again: F,
) -> Result<Response, PageError>
where
    F: FnOnce(Vec<FieldProblem>) -> Fut,
    Fut: std::future::Future<Output = Result<Response, PageError>>,
{
    match outcome {
        Ok(()) => Ok(Redirect::to(done).into_response()),
        Err(ServiceError::Invalid(problems)) => form_again(problems).await,
        Err(e) => Err(PageError(e.into())),
    }
}

/// A text input of a form, with what was typed and its error, if any.
struct Input {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    kind: &'static str,
    value: String,
    error: Option<String>,
}

fn input(name: &'static str, label: &'static str, hint: &'static str, body: &[u8], errors: &[FieldProblem]) -> Input {
    Input {
        name,
        label,
        hint,
        kind: "text",
        value: field(body, name),
        error: kit::error_for(errors, name).map(str::to_owned),
    }
}

struct UserRow {
    username: String,
    role: String,
    scope: String,
    officer: String,
    disabled: bool,
    /// When the lockout ends, if the username is locked now.
    locked_until: Option<String>,
}

struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    nav: Option<Nav>,
    users: Vec<UserRow>,
    errors: Vec<FieldProblem>,
    inputs: Vec<Input>,
    roles: Vec<Choice>,
}

impl UsersPage {
    fn error(&self, field: &str) -> Option<&str> {
        kit::error_for(&self.errors, field)
    }
}

fn field(body: &[u8], name: &str) -> String {
    kit::form_field(body, name).unwrap_or_default().trim().to_owned()
}

async fn render_users(
    app: &AppState,
    who: &SignedIn,
    form: Option<(&[u8], Vec<FieldProblem>)>,
) -> Result<Response, PageError> {
    // The lockout runs on the real clock (`accounts::check_password`), and so does its display.
    let listed = accounts::users(&app.stores, administrator(who)?, services::clock::Clock::instant()).await?;
    let users = listed
        .into_iter()
        .map(|l| {
            let u = l.user;
            UserRow {
                role: Role::parse(&u.role).map_or(u.role.clone(), |r| r.label().to_owned()),
                scope: match &u.scope_code {
                    Some(c) => format!("{}:{c}", u.scope_kind),
                    None => u.scope_kind.clone(),
                },
                officer: u.officer.unwrap_or_default(),
                disabled: u.disabled,
                username: u.username,
                locked_until: l.locked_until.map(instant),
            }
        })
        .collect();
    let (body, errors): (&[u8], Vec<FieldProblem>) = form.unwrap_or((b"", Vec::new()));
    let role = field(body, "role");
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let password = Input {
        kind: "password",
        value: String::new(),
        ..input("password", "Password", "At least 12 characters", body, &errors)
    };
    let inputs = vec![
        input("username", "Username", "3 to 64 lower-case letters, digits, '.', '_' or '-'", body, &errors),
        password,
        input("scope", "Place", "team:CODE, office:CODE, borough:CODE, area:CODE or provider", body, &errors),
        input("officer", "Staff code (optional)", "For a user who holds a caseload", body, &errors),
    ];
    let page = UsersPage {
        nav: Nav::of(who),
        users,
        inputs,
        roles: Role::ALL
            .iter()
            .map(|r| Choice { value: r.as_str(), label: r.label(), selected: r.as_str() == role })
            .collect(),
        errors,
    };
    Ok((status, html(page)?).into_response())
}

async fn users_page(State(app): State<AppState>, Extension(who): Extension<SignedIn>) -> Result<Response, PageError> {
    administrator(&who)?;
    render_users(&app, &who, None).await
}

/// The user form as typed; `password` only when it is being set.
fn user_form<'a>(body: &'a FormBody, password: Option<&'a str>) -> UserForm<'a> {
    UserForm { username: &body.username, password, role: &body.role, scope: &body.scope, officer: &body.officer }
}

/// The user form's text fields, trimmed.
struct FormBody {
    username: String,
    role: String,
    scope: String,
    officer: String,
}

impl FormBody {
    fn of(body: &[u8]) -> Self {
        FormBody {
            username: field(body, "username"),
            role: field(body, "role"),
            scope: field(body, "scope"),
            officer: field(body, "officer"),
        }
    }
}

async fn add_user(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    body: Bytes,
) -> Result<Response, PageError> {
    let by = administrator(&who)?;
    // Passwords are taken exactly as typed: spaces are characters of a passphrase.
    let password = kit::form_field(&body, "password").unwrap_or_default();
    let typed = FormBody::of(&body);
    let added = accounts::add_user(&app.stores, by, app.clock.now(), user_form(&typed, Some(&password))).await;
    again(added.map(|_| ()), USERS, |p| render_users(&app, &who, Some((&body, p)))).await
}

/// A new role, place and staff code for a user; their password and sessions are kept.
async fn change_role(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(username): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let by = administrator(&who)?;
    let typed = FormBody::of(&body);
    let changed = accounts::change_role(&app.stores, by, &username, user_form(&typed, None)).await;
    again(changed, USERS, |p| render_users(&app, &who, Some((&body, p)))).await
}

/// Ends a username's lockout at once.
async fn unlock_user(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    accounts::unlock_user(&app.stores, administrator(&who)?, &username).await?;
    Ok(Redirect::to(USERS).into_response())
}

#[derive(Template)]
#[template(path = "admin_password_reset.html")]
struct PasswordResetPage {
    nav: Option<Nav>,
    username: String,
    password: String,
}

/// A new password for a user who has forgotten theirs: made here to the password rule, shown
/// once on this page (never stored but as its hash), and every session of the user ended and
/// their lock cleared, at once. The administrator hands it over by a safe route; the user
/// changes it on signing in.
async fn reset_password(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let password = accounts::reset_password(&app.stores, administrator(&who)?, &username).await?;
    let page = PasswordResetPage { nav: Nav::of(&who), username, password };
    // The password is on this page only: no cache may keep it.
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], html(page)?).into_response())
}

async fn disable_user(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    accounts::disable_user(&app.stores, administrator(&who)?, &username).await?;
    Ok(Redirect::to(USERS).into_response())
}

struct LimitRow {
    id: i64,
    crn: String,
    kind: &'static str,
    username: String,
    dates: String,
    reason: String,
    added: String,
}

#[derive(Template)]
#[template(path = "admin_limits.html")]
struct LimitsPage {
    nav: Option<Nav>,
    entries: Vec<LimitRow>,
    errors: Vec<FieldProblem>,
    inputs: Vec<Input>,
    kind: String,
}

impl LimitsPage {
    fn error(&self, field: &str) -> Option<&str> {
        kit::error_for(&self.errors, field)
    }
}

async fn render_limits(
    app: &AppState,
    who: &SignedIn,
    form: Option<(&[u8], Vec<FieldProblem>)>,
) -> Result<Response, PageError> {
    let entries = accounts::limited_access(&app.stores, administrator(who)?)
        .await?
        .into_iter()
        .map(|e| LimitRow {
            id: e.id,
            crn: e.crn.to_string(),
            kind: match e.kind {
                LimitKind::Exclusion => "Excluded",
                LimitKind::Restriction => "Allowed (restricted)",
            },
            username: e.username,
            dates: match e.ends_on {
                Some(end) => format!("{} to {}", day(e.starts_on), day(end)),
                None => format!("From {}", day(e.starts_on)),
            },
            reason: e.reason,
            added: format!("{} by {}", instant(e.added_at), e.added_by),
        })
        .collect();
    let (body, errors): (&[u8], Vec<FieldProblem>) = form.unwrap_or((b"", Vec::new()));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let inputs = vec![
        input("crn", "CRN", "For example, X123456", body, &errors),
        input("username", "User", "The username of the user excluded or allowed", body, &errors),
        input("starts_on", "Starts on", "YYYY-MM-DD", body, &errors),
        input("ends_on", "Ends on (optional)", "YYYY-MM-DD; leave empty for no end", body, &errors),
        input("reason", "Reason", "Why access is limited", body, &errors),
    ];
    let page = LimitsPage { nav: Nav::of(who), entries, inputs, kind: field(body, "kind"), errors };
    Ok((status, html(page)?).into_response())
}

async fn limits_page(State(app): State<AppState>, Extension(who): Extension<SignedIn>) -> Result<Response, PageError> {
    administrator(&who)?;
    render_limits(&app, &who, None).await
}

async fn add_limit(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    body: Bytes,
) -> Result<Response, PageError> {
    let by = administrator(&who)?;
    let [crn, kind, username, starts_on, ends_on, reason] =
        ["crn", "kind", "username", "starts_on", "ends_on", "reason"].map(|name| field(&body, name));
    let form = LimitForm {
        crn: &crn,
        kind: &kind,
        username: &username,
        starts_on: &starts_on,
        ends_on: &ends_on,
        reason: &reason,
    };
    let added = accounts::add_limited_access(&app.stores, by, app.clock.now(), form).await;
    again(added, LIMITS, |p| render_limits(&app, &who, Some((&body, p)))).await
}

async fn remove_limit(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    accounts::remove_limited_access(&app.stores, administrator(&who)?, &id).await?;
    Ok(Redirect::to(LIMITS).into_response())
}
