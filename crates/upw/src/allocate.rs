//! Placing one person on one session by hand, refused when the placement would break a rule;
//! and how placements recur from week to week (docs/rules/practice.md#unpaid-work: "Placements suit the
//! person ... Allocations recur once, weekly or fortnightly until the hours are done").

use std::collections::HashSet;

use jiff::civil::{Date, DateTime};

use domain::unpaid_work::{BusyReason, WorkDay};

use crate::model::{Assignment, Day, Gender, Id};
use crate::people::UpwOrder;
use crate::project::PlannedSession;
// Defined below `policy`, whose `SCHEDULER_RECURRENCE` names it; its public path stays here.
pub use crate::recurrence::Recurrence;

/// A placement held in an earlier week: who, on which session, recurring how.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement<'a> {
    pub person: Id,
    pub session: &'a PlannedSession,
    pub recurrence: Recurrence,
}

/// The placements that recur into the week starting `monday`: a weekly placement from the week
/// before and a fortnightly one from two weeks before, onto the session of the same project
/// on the same weekday at the same start time (a project whose times changed does not carry
/// its people: they are placed afresh). Each comes with its recurrence, to be kept.
///
/// Oldest first: where a fortnightly place and a weekly one land on the same day, the place
/// held longer is listed first, so it is the one kept (`week::solve_keeping` keeps in order)
/// and a fortnightly rhythm is not lost to the scheduler's filling of the week between.
pub fn carried(monday: Date, earlier: &[Placement<'_>], sessions: &[PlannedSession]) -> Vec<(Assignment, Recurrence)> {
    let week_start = monday.to_datetime(jiff::civil::Time::midnight());
    let week_end = week_start + jiff::Span::new().days(7);
    let mut earlier: Vec<&Placement<'_>> = earlier.iter().collect();
    earlier
        .sort_by(|a, b| (a.session.start, &a.person, &a.session.id).cmp(&(b.session.start, &b.person, &b.session.id)));
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in earlier {
        let Some(weeks) = p.recurrence.interval_weeks() else { continue };
        let start = p.session.start + jiff::Span::new().days(7 * weeks);
        // Only a placement from exactly `weeks` weeks before lands in this week.
        if start < week_start || start >= week_end {
            continue;
        }
        let Some(s) = sessions.iter().find(|s| s.project == p.session.project && s.start == start) else { continue };
        let a = Assignment { person: p.person.clone(), session: Id::Text(s.id.clone()) };
        if seen.insert(a.clone()) {
            out.push((a, p.recurrence));
        }
    }
    out
}

/// Why a placement is refused: the field to correct and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Refusal {
    pub field: &'static str,
    pub message: String,
}

fn refuse(message: String) -> Result<(), Refusal> {
    Err(Refusal { field: "session", message })
}

fn day_name(d: Day) -> &'static str {
    ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"][d.0 as usize % 7]
}

fn hhmm(t: DateTime) -> String {
    t.strftime("%H:%M").to_string()
}

fn when(t: DateTime) -> String {
    t.strftime("%A %-d %B %Y at %H:%M").to_string()
}

/// What else the person holds when they are placed by hand.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Holding<'a> {
    /// Places already taken on the session.
    pub booked: u32,
    /// The person's other session that day, if any.
    pub same_day: Option<&'a str>,
    /// Whether the session's supervisor is absent that day.
    pub supervisor_absent: bool,
}

/// Checks a placement by hand of `order`'s person on `session` on `today`. The same rules as
/// the scheduler's (docs/rules/practice.md#the-scheduling-problem): suitability (women-only, singleton),
/// a day the person can work, one session a day, no clash with another appointment or a time
/// they cannot work, ETE within its 30% (`ete_allowance`, minutes), and room on the session.
/// The first rule broken is reported, naming the field to correct.
pub fn check_allocation(
    order: &UpwOrder,
    session: &PlannedSession,
    holding: &Holding<'_>,
    ete_allowance: u32,
    today: Date,
) -> Result<(), Refusal> {
    let crn = &order.crn;
    let id = &session.id;
    if session.start.date() < today {
        return refuse(format!("{id} was on {}; choose a session from today on", session.start.date()));
    }
    if holding.supervisor_absent {
        return refuse(format!("{id} has no supervisor on {}: they are absent", session.start.date()));
    }
    if session.women_only && order.gender != Gender::F {
        return refuse(format!("{id} is women-only; {crn} cannot be placed on it"));
    }
    if order.needs.women_only && !session.women_only {
        return refuse(format!("{crn} needs a women-only placement; {id} is not women-only"));
    }
    if order.needs.singleton && !session.singleton {
        return refuse(format!("{crn} needs a singleton placement; {id} is a group session"));
    }
    if !order.needs.singleton && session.singleton {
        return refuse(format!("{id} is a singleton placement, kept for people who cannot work in a group"));
    }
    let day = Day::of(session.start.date());
    if !order.needs.days.contains(&WorkDay::ALL[day.0 as usize]) {
        return refuse(format!("{crn} cannot work on {} (the days recorded for them)", day_name(day)));
    }
    if let Some(other) = holding.same_day {
        return refuse(format!("{crn} already has session {other} on {}; one session a day", session.start.date()));
    }
    if let Some((a, s, e)) = order.appointments.iter().find(|(_, s, e)| session.start < *e && *s < session.end) {
        return refuse(format!(
            "{id} ({} to {}) clashes with {crn}'s appointment {a} on {} until {}",
            hhmm(session.start),
            hhmm(session.end),
            when(*s),
            hhmm(*e)
        ));
    }
    if let Some(b) = order.needs.busy.iter().find(|b| session.start < b.to && b.from < session.end) {
        let why = match b.reason {
            BusyReason::Employment => "work",
            BusyReason::Childcare => "childcare",
            BusyReason::Education => "education",
            BusyReason::Health => "health",
            BusyReason::Other => "another commitment",
        };
        return refuse(format!(
            "{id} clashes with a time {crn} cannot work ({why}, {} to {})",
            when(b.from),
            hhmm(b.to)
        ));
    }
    if session.ete && ete_allowance < session.minutes() {
        return refuse(format!(
            "{id} is education, training and employment ({} minutes) but {crn} has only {ete_allowance} minutes of \
             the 30% ETE allowance left",
            session.minutes()
        ));
    }
    if holding.booked >= session.capacity {
        return refuse(format!("{id} is full ({} places); {crn} is not placed", session.capacity));
    }
    Ok(())
}
