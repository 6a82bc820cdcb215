//! Pages for unpaid work (UPW) staff (issue 5, "also a page for UPW staff"): the week's
//! sessions and the button that schedules the week, a session's register with the
//! supervisor's record of the day and the supervisor's absence, and a person's progress and
//! placement notices. Who may do what is decided by `services::upw::view` (through
//! `services::access`), which also reads what each page shows; the rules are `services::upw`
//! and the `upw` crate. A bad form is shown again naming each field, keeping what was typed,
//! and nothing is saved from it.

mod progress;
mod register;
mod week;

use crate::AppState;
use crate::kit::SignedIn;
use crate::kit::{self, ABSENCE_REASONS, Nav, OUTCOMES, PageError, day, hours, html};
use crate::kit::{Route, build, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{Code, Crn};
use jiff::civil::{Date, Time};
use serde::Deserialize;
use services::access::UpwAccess;
use services::upw::{UpwError, view};
use services::{FieldProblem, ServiceError};
use upw::policy::AbsenceNotice;

pub const WEEK: &str = "/upw";
pub const SCHEDULE: &str = "/upw/schedule";

use progress::{notice, progress_page};
use register::{absent, allocate, attendance, register_all, session_page};
use week::{schedule, week_page};

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, WEEK, week_page),
        route(Method::POST, SCHEDULE, schedule),
        route(Method::GET, "/upw/sessions/{id}", session_page),
        route(Method::POST, "/upw/sessions/{id}/attendance", attendance),
        route(Method::POST, "/upw/sessions/{id}/register", register_all),
        route(Method::POST, "/upw/sessions/{id}/absent", absent),
        route(Method::POST, "/upw/sessions/{id}/allocate", allocate),
        route(Method::GET, "/upw/cases/{crn}", progress_page),
        route(Method::GET, "/upw/cases/{crn}/notices/{appointment}", notice),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn upw_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

fn store_error(e: store::StoreError) -> PageError {
    PageError(e.into())
}

/// A service refusal becomes the error of the form's field it concerns (`at`: the page knows
/// which of its fields a refusal of, say, the session is fixed at); the store's failures are
/// the service's.
fn upw_error(e: UpwError, at: &'static str) -> Result<FieldProblem, PageError> {
    match e {
        UpwError::Invalid { message, .. } => Ok(FieldProblem::new(at, message)),
        UpwError::Store(e) => Err(store_error(e)),
    }
}

/// Who recorded it (`User::recorder`).
fn recorded_by(who: &SignedIn) -> Code {
    who.user.recorder()
}

fn field(body: &[u8], name: &str) -> String {
    kit::form_field(body, name).unwrap_or_default().trim().to_owned()
}

fn week_of(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset()))).expect("in range")
}

fn iso_week(monday: Date) -> String {
    let w = monday.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn hhmm(t: Time) -> String {
    t.strftime("%H:%M").to_string()
}

struct Scheduled {
    objective: String,
    people: usize,
    placements: usize,
    kept: usize,
    booked: usize,
    carried: usize,
    moved_off: usize,
    unmet_sessions: u32,
    unplaced: Vec<Unplaced>,
}

impl Scheduled {
    fn of(r: &services::upw::ScheduleReport) -> Scheduled {
        Scheduled {
            objective: format!("{:.2}", r.objective),
            people: r.people,
            placements: r.placements,
            kept: r.kept,
            booked: r.booked,
            carried: r.carried,
            moved_off: r.moved_off,
            unmet_sessions: r.unmet_sessions,
            unplaced: r.unplaced.iter().map(|u| Unplaced { crn: u.crn.clone(), why: u.explanation }).collect(),
        }
    }
}

struct Unplaced {
    crn: String,
    why: &'static str,
}
