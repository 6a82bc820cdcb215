//! Administration: users (add, disable) and limited-access lists (add, remove). Only a role
//! whose policy `administers` may reach them (`services::access::ROLE_POLICY`). A form with
//! bad fields is shown again with a GOV.UK error summary naming each one and keeping what was
//! typed; nothing is saved from it.

use crate::AppState;
use crate::auth;
use crate::error::WebError;
use crate::kit::SignedIn;
use crate::kit::{self, Nav, PageError, day, html, instant};
use crate::kit::{Route, build, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{Code, Crn};
use jiff::Timestamp;
use jiff::civil::Date;
use services::FieldProblem;
use services::access::{self, PlaceScope, Role, Username};
use services::stores::prelude::*;
use store::auth::{LimitKind, LimitedAccess, UserRecord};

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

fn administrator(who: &SignedIn) -> Result<(), PageError> {
    if who.user.policy().administers {
        Ok(())
    } else {
        Err(PageError(WebError::Forbidden(services::error::NO_ACCESS.to_owned())))
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
    // The lockout runs on the real clock (`auth::check_password`), and so does its display.
    let now = services::clock::Clock::instant();
    let policy = &access::LOCKOUT;
    // Every recent failure in one read, by name, rather than a query a user.
    let mut failures: std::collections::HashMap<String, Vec<Timestamp>> = Default::default();
    let since = now - policy.window - policy.locked_for;
    for (username, at) in app.stores.access.failed_sign_ins_since(since).await.map_err(WebError::from)? {
        failures.entry(username).or_default().push(at);
    }
    let mut users = Vec::new();
    for u in app.stores.access.users().await.map_err(WebError::from)? {
        let failed = failures.get(&u.username).map_or(&[][..], Vec::as_slice);
        let locked_until = access::locked_until(policy, failed, now).map(instant);
        users.push(UserRow {
            role: Role::parse(&u.role).map_or(u.role.clone(), |r| r.label().to_owned()),
            scope: match &u.scope_code {
                Some(c) => format!("{}:{c}", u.scope_kind),
                None => u.scope_kind.clone(),
            },
            officer: u.officer.unwrap_or_default(),
            disabled: u.disabled,
            username: u.username,
            locked_until,
        });
    }
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

/// A new user from the form, or every bad field. `password` is `None` when it is not being
/// set (a change of role keeps it).
pub fn new_user(
    username: &str,
    password: Option<&str>,
    role: &str,
    scope: &str,
    officer: &str,
    org: &domain::org::Organisation,
) -> Result<(Username, Role, PlaceScope, Option<Code>), Vec<FieldProblem>> {
    let mut errors = Vec::new();
    let mut bad = |field, message: String| errors.push(FieldProblem::new(field, message));
    if let Some(Err(e)) = password.map(|p| access::check_password_strength("password", p, username)) {
        bad("password", e);
    }
    let username = Username::parse(username).map_err(|e| bad("username", e)).ok();
    let role = Role::parse(role).map_err(|e| bad("role", e)).ok();
    let scope = PlaceScope::parse(scope)
        .and_then(|s| access::check_scope_exists("scope", &s, org).map(|()| s))
        .map_err(|e| bad("scope", e))
        .ok();
    let officer = match officer.trim() {
        "" => None,
        o => match Code::parse(o) {
            Ok(c) if org.staff.iter().any(|s| s.code == c) => Some(c),
            Ok(c) => {
                bad("officer", format!("officer: there is no member of staff {c}"));
                None
            }
            Err(e) => {
                bad("officer", format!("officer: {e}"));
                None
            }
        },
    };
    match (username, role, scope, errors.is_empty()) {
        (Some(u), Some(r), Some(s), true) => Ok((u, r, s, officer)),
        _ => Err(errors),
    }
}

async fn add_user(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    body: Bytes,
) -> Result<Response, PageError> {
    administrator(&who)?;
    let org = app.stores.cases.organisation().await.map_err(WebError::from)?;
    let password = kit::form_field(&body, "password").unwrap_or_default();
    let parsed = new_user(
        &field(&body, "username"),
        Some(&password),
        &field(&body, "role"),
        &field(&body, "scope"),
        &field(&body, "officer"),
        &org,
    );
    let (username, role, scope, officer) = match parsed {
        Ok(u) => u,
        Err(errors) => return render_users(&app, &who, Some((&body, errors))).await,
    };
    let hash = auth::password_work(move || auth::hash_password(&password)).await??;
    let record = UserRecord {
        username: username.to_string(),
        password_hash: hash,
        role: role.as_str().to_owned(),
        scope_kind: scope.kind().as_str().to_owned(),
        scope_code: scope.code().map(|c| c.to_string()),
        officer: officer.map(|c| c.to_string()),
        disabled: false,
        created_at: app.clock.now(),
    };
    match app.stores.access.add_user(&record).await {
        Ok(()) => Ok(Redirect::to(USERS).into_response()),
        Err(store::StoreError::Field { field, problem }) => {
            render_users(&app, &who, Some((&body, vec![FieldProblem::new(field, problem)]))).await
        }
        Err(e) => Err(PageError(e.into())),
    }
}

/// A new role, place and staff code for a user; their password and sessions are kept (a
/// sign-in is not needed for the change to apply: every request reads the user afresh).
async fn change_role(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(username): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    administrator(&who)?;
    let user = existing_user(&app, &username).await?;
    let org = app.stores.cases.organisation().await.map_err(WebError::from)?;
    // The password is not changing.
    let parsed =
        new_user(&username, None, &field(&body, "role"), &field(&body, "scope"), &field(&body, "officer"), &org);
    let (_, role, scope, officer) = match parsed {
        Ok(u) => u,
        Err(errors) => return render_users(&app, &who, Some((&body, errors))).await,
    };
    let changed = UserRecord {
        role: role.as_str().to_owned(),
        scope_kind: scope.kind().as_str().to_owned(),
        scope_code: scope.code().map(|c| c.to_string()),
        officer: officer.map(|c| c.to_string()),
        ..user
    };
    let users = app.stores.access.users().await.map_err(WebError::from)?;
    if let Err(message) = access::keeps_an_administrator(&users, &changed, "role") {
        return render_users(&app, &who, Some((&body, vec![FieldProblem::new("role", message)]))).await;
    }
    app.stores.access.update_user(&changed).await.map_err(WebError::from)?;
    Ok(Redirect::to(USERS).into_response())
}

/// The user named in the path, or the page saying there is none.
async fn existing_user(app: &AppState, username: &str) -> Result<UserRecord, PageError> {
    match app.stores.access.user(username).await.map_err(WebError::from)? {
        Some(user) => Ok(user),
        None => Err(PageError(WebError::NotFound(format!("There is no user {username}.")))),
    }
}

/// Ends a username's lockout at once: its failed sign-ins are cleared, so the user (an officer
/// who mistyped five times, say) can sign in again without waiting for it to lapse.
async fn unlock_user(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    administrator(&who)?;
    existing_user(&app, &username).await?;
    app.stores.access.clear_failed_sign_ins(&username).await.map_err(WebError::from)?;
    tracing::info!(%username, by = %who.user.username, "lockout ended by an administrator");
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
    administrator(&who)?;
    existing_user(&app, &username).await?;
    let password = access::generated_password(&username, &mut auth::new_token);
    let typed = password.clone();
    let hash = auth::password_work(move || auth::hash_password(&typed)).await??;
    if !app.stores.access.reset_password(&username, &hash).await.map_err(WebError::from)? {
        return Err(PageError(WebError::NotFound(format!("There is no user {username}."))));
    }
    tracing::info!(%username, by = %who.user.username, "password reset by an administrator");
    let page = PasswordResetPage { nav: Nav::of(&who), username, password };
    // The password is on this page only: no cache may keep it.
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], html(page)?).into_response())
}

async fn disable_user(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    administrator(&who)?;
    let user = existing_user(&app, &username).await?;
    let disabled = UserRecord { disabled: true, ..user };
    let users = app.stores.access.users().await.map_err(WebError::from)?;
    if let Err(message) = access::keeps_an_administrator(&users, &disabled, "username") {
        return Err(PageError(WebError::bad_request("username", message)));
    }
    app.stores.access.update_user(&disabled).await.map_err(WebError::from)?;
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
    let entries = app
        .stores
        .access
        .limited_access()
        .await
        .map_err(WebError::from)?
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

fn date_field(raw: &str, name: &'static str, errors: &mut Vec<FieldProblem>) -> Option<Date> {
    match crate::kit::parse_date_field(Some(raw), name) {
        Ok(d) => d,
        Err(e) => {
            errors.push(FieldProblem::new(name, e.message()));
            None
        }
    }
}

async fn add_limit(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    body: Bytes,
) -> Result<Response, PageError> {
    administrator(&who)?;
    let mut errors = Vec::new();
    let crn = match Crn::parse(&field(&body, "crn")) {
        Ok(c) if app.stores.cases.summary(&c).await.map_err(WebError::from)?.is_some() => Some(c),
        Ok(c) => {
            errors.push(FieldProblem::new("crn", format!("crn: there is no case with CRN {c}")));
            None
        }
        Err(e) => {
            errors.push(FieldProblem::new("crn", e.to_string()));
            None
        }
    };
    let kind = LimitKind::parse(&field(&body, "kind"));
    if kind.is_none() {
        errors.push(FieldProblem::new("kind", "kind: choose an exclusion or a restriction"));
    }
    let username = field(&body, "username");
    if app.stores.access.user(&username).await.map_err(WebError::from)?.is_none() {
        errors.push(FieldProblem::new("username", format!("username: there is no user `{username}`")));
    }
    let starts_on = field(&body, "starts_on");
    let starts_on = if starts_on.is_empty() {
        errors.push(FieldProblem::new("starts_on", "starts_on: enter the date it starts"));
        None
    } else {
        date_field(&starts_on, "starts_on", &mut errors)
    };
    let ends_on = date_field(&field(&body, "ends_on"), "ends_on", &mut errors);
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e < s
    {
        errors.push(FieldProblem::new("ends_on", "ends_on: must be on or after the start date"));
    }
    let reason = field(&body, "reason");
    if reason.is_empty() {
        errors.push(FieldProblem::new("reason", "reason: say why access is limited"));
    }
    let (Some(crn), Some(kind), Some(starts_on), true) = (crn, kind, starts_on, errors.is_empty()) else {
        return render_limits(&app, &who, Some((&body, errors))).await;
    };
    let entry = LimitedAccess {
        id: 0,
        crn,
        kind,
        username,
        starts_on,
        ends_on,
        reason,
        added_by: who.user.username.to_string(),
        added_at: app.clock.now(),
    };
    app.stores.access.add_limited_access(&entry).await.map_err(WebError::from)?;
    Ok(Redirect::to(LIMITS).into_response())
}

async fn remove_limit(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    administrator(&who)?;
    let id: i64 =
        id.parse().map_err(|_| PageError(WebError::bad_request("id", format!("id: `{id}` is not a number"))))?;
    if !app.stores.access.remove_limited_access(id).await.map_err(WebError::from)? {
        return Err(PageError(WebError::NotFound(format!("There is no limited-access entry {id}."))));
    }
    Ok(Redirect::to(LIMITS).into_response())
}
