//! The page shell every page shares: the layout's view of the signed-in user, errors as
//! pages, rendering, and dates and times as people read them.

use crate::error::WebError;
use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use services::access::User;

/// The signed-in user of a request, put there by `auth::require_sign_in`.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub session_key: String,
    pub csrf_token: String,
    /// The store's access generation when the request began (`AccessSnapshot`).
    pub access_generation: i64,
    /// For a request for a caseload, its officer (as in the path) and the caseload's version
    /// when the request began (`CaseloadCache`).
    pub caseload_version: Option<(String, i64)>,
}

impl SignedIn {
    /// The user as a use case's actor, with what this request read with its session.
    pub fn actor(&self) -> services::Actor<'_> {
        services::Actor {
            user: &self.user,
            access_generation: self.access_generation,
            known_caseload: self.caseload_version.as_ref().map(|(o, v)| (o.as_str(), *v)),
        }
    }
}

/// What the layout shows of the signed-in user: who they are and the sign-out form.
pub struct Nav {
    pub username: String,
    pub role: &'static str,
    pub csrf_token: String,
    pub admin: bool,
    pub sees_people: bool,
    /// Whether to offer the inspection workspace (inspectors, internal audit).
    pub assesses: bool,
    /// Whether to offer the unpaid-work pages.
    pub upw: bool,
    /// Whether to offer the management information pages (`access::may_see_mi`).
    pub mi: bool,
    /// Whether to offer registering a person (`access::RECORDING`).
    pub registers: bool,
}

impl Nav {
    pub fn of(who: &SignedIn) -> Option<Nav> {
        Some(Nav {
            username: who.user.username.to_string(),
            role: who.user.role.label(),
            csrf_token: who.csrf_token.clone(),
            admin: who.user.policy().administers,
            sees_people: who.user.policy().sees_people,
            assesses: who.user.policy().assesses_cases,
            upw: services::access::upw_role_access(&who.user) != services::access::UpwAccess::None,
            mi: services::access::may_see_mi(&who.user).is_some(),
            registers: services::access::may_record_kind(&who.user, "person_registered"),
        })
    }
}

/// An error shown as a page rather than JSON.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> Self {
        PageError(e)
    }
}

impl From<services::ServiceError> for PageError {
    fn from(e: services::ServiceError) -> Self {
        PageError(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Option<Nav>,
    title: &'static str,
    message: String,
    field: Option<String>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let title = match &e {
            WebError::NotFound(_) => "Page not found",
            WebError::Forbidden(_) => "You do not have access to this",
            WebError::Unauthorised => "Sign in to use Probity",
            WebError::Internal => "Sorry, there is a problem with the service",
            WebError::TimedOut(_) => "Sorry, this is taking too long",
            _ => "There is a problem",
        };
        let page = ErrorPage { nav: None, title, message: e.message(), field: e.field().map(str::to_owned) };
        match page.render() {
            Ok(html) => (e.status(), Html(html)).into_response(),
            Err(render) => {
                tracing::error!(error = %render, "the error page failed to render");
                (e.status(), e.message()).into_response()
            }
        }
    }
}

pub fn html(page: impl Template) -> Result<Html<String>, PageError> {
    Ok(Html(page.render()?))
}

/// As [`html`], into a buffer of `capacity` bytes from the start.
pub fn html_sized(page: &impl Template, capacity: usize) -> Result<Html<String>, PageError> {
    let mut out = String::with_capacity(capacity);
    page.render_into(&mut out)?;
    Ok(Html(out))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "2 March 2026", the GOV.UK date style. Written out by hand rather than by `strftime`,
/// whose parsing of the pattern was a visible share of a caseload page (two dates a row).
pub fn day(d: Date) -> String {
    format!("{} {} {:04}", d.day(), MONTHS[(d.month() - 1) as usize], d.year())
}

pub fn day_or(d: Option<Date>, none: &str) -> String {
    d.map_or_else(|| none.to_owned(), day)
}

/// "2 March 2026 at 09:30".
pub fn local_time(t: DateTime) -> String {
    format!("{} at {:02}:{:02}", day(t.date()), t.hour(), t.minute())
}

pub fn instant(t: jiff::Timestamp) -> String {
    let tz = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
    local_time(tz.to_datetime(t))
}

/// A CSV file to download, named `file`.
pub fn csv_download(file: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written dates say what the GOV.UK pattern through `strftime` says, for every
    /// day of a leap year and times across the day.
    #[test]
    fn dates_read_as_the_govuk_pattern_gives_them() {
        let mut d = jiff::civil::date(2024, 1, 1);
        while d.year() == 2024 {
            assert_eq!(day(d), d.strftime("%-d %B %Y").to_string());
            for (h, m) in [(0, 0), (9, 5), (13, 30), (23, 59)] {
                let t = d.at(h, m, 0, 0);
                assert_eq!(local_time(t), t.strftime("%-d %B %Y at %H:%M").to_string());
            }
            d = d.tomorrow().unwrap();
        }
        assert_eq!(day(jiff::civil::date(2026, 3, 2)), "2 March 2026");
    }
}
