//! What every page module shares: the page shell and its errors (`page`), route tables
//! ([`route()`] and [`build`]), reading forms and showing their problems (`form`), reading
//! identifiers, dates and filters from a request (each refusal naming its field), and writing
//! CSV. No page module imports another; what two of them need lives here, and the kit names no
//! page module.

mod capacity;
mod form;
mod outcome;
mod page;
mod route;

pub use capacity::{capacity, points};
pub use form::{check_list, error_for, form_field, form_pairs, percent_decode, percent_encode};
pub use outcome::{ABSENCE_REASONS, OUTCOMES, hours};
pub use page::{Nav, PageError, SignedIn, csv_download, day, day_or, html, html_sized, instant, local_time};
pub use route::{Route, build, route};

use crate::error::WebError;
use crate::view::{Caseload, EVENT_TYPES};
use domain::ids::{Code, Crn};
use jiff::civil::Date;
use services::FieldProblem;

pub fn parse_crn(raw: &str) -> Result<Crn, WebError> {
    Ok(Crn::parse(raw)?)
}

pub fn parse_officer(raw: &str) -> Result<Code, WebError> {
    Code::parse(raw).map_err(|e| WebError::bad_request("code", e.to_string()))
}

/// The `?type=` filter: empty means every event; otherwise it must be an event type.
pub fn parse_event_type(raw: Option<&str>) -> Result<Option<&str>, WebError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if EVENT_TYPES.contains(&t) => Ok(Some(t)),
        Some(t) => Err(WebError::bad_request(
            "type",
            format!("type: `{t}` is not an event type (one of {})", EVENT_TYPES.join(", ")),
        )),
    }
}

/// The `?on=` date: absent or empty means today by the server's clock; otherwise it must be
/// a calendar date written `YYYY-MM-DD`.
pub fn parse_on(raw: Option<&str>) -> Result<Option<Date>, WebError> {
    parse_date_field(raw, "on")
}

/// An optional date written `YYYY-MM-DD` (as `?on=`), its errors naming `field`.
pub fn parse_date_field(raw: Option<&str>, field: &'static str) -> Result<Option<Date>, WebError> {
    services::input::parse_date(field, raw.unwrap_or_default()).map_err(|p| WebError::bad_request(p.field, p.message))
}

/// The first of a query's problems, for a response that can name one field (the API, a
/// download); a page shows them all.
pub fn first_problem(problems: Vec<FieldProblem>) -> WebError {
    match problems.into_iter().next() {
        Some(p) => WebError::bad_request(p.field, p.message),
        None => WebError::bad_request("query", "query: not valid"),
    }
}

/// A code of an organisation's place or member of staff from a path, its error naming `field`.
pub fn parse_code(field: &'static str, raw: &str) -> Result<Code, WebError> {
    Code::parse(raw).map_err(|e| WebError::bad_request(field, e.to_string()))
}

/// The timeline's filters (`?type=`, `?from=`, `?to=`), checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimelineFilter {
    pub event_type: Option<String>,
    /// Only outcomes of this kind (`Outcome::kind`), with the type `outcome_recorded`.
    pub outcome: Option<String>,
    /// The first and last UK dates on which the events happened, both included.
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// Checks the timeline's filters: every bad one, each naming its field, or the filter.
pub fn parse_timeline_filter(
    event_type: Option<&str>,
    outcome: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<TimelineFilter, Vec<WebError>> {
    let mut errors = Vec::new();
    let event_type = match event_type.map(str::trim) {
        None | Some("") => None,
        Some(t) if EVENT_TYPES.contains(&t) => Some(t.to_owned()),
        Some(t) => {
            let why = format!("type: `{t}` is not an event type: choose one from the list");
            errors.push(WebError::bad_request("type", why));
            None
        }
    };
    let outcome = match outcome.map(str::trim) {
        None | Some("") => None,
        Some(o)
            if domain::contact::Outcome::KINDS.contains(&o) && event_type.as_deref() == Some("outcome_recorded") =>
        {
            Some(o.to_owned())
        }
        Some(o) if domain::contact::Outcome::KINDS.contains(&o) => {
            errors
                .push(WebError::bad_request("outcome", "outcome: choose the type outcome_recorded to filter outcomes"));
            None
        }
        Some(o) => {
            let kinds = domain::contact::Outcome::KINDS.join(", ");
            errors.push(WebError::bad_request("outcome", format!("outcome: `{o}` is not one of {kinds}")));
            None
        }
    };
    let from = parse_date_field(from, "from").map_err(|e| errors.push(e)).ok().flatten();
    let to = parse_date_field(to, "to").map_err(|e| errors.push(e)).ok().flatten();
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(WebError::bad_request("to", format!("to: {t} is before the from date {f}")));
    }
    if errors.is_empty() { Ok(TimelineFilter { event_type, outcome, from, to }) } else { Err(errors) }
}

/// The events that pass the filter, oldest first. Dates are the UK dates the events happened.
pub fn filter_timeline<'a>(
    events: &'a [domain::event::RecordedEvent],
    filter: &TimelineFilter,
) -> Vec<&'a domain::event::RecordedEvent> {
    events
        .iter()
        .filter(|e| filter.event_type.as_deref().is_none_or(|t| e.event.event_type() == t))
        .filter(|e| match (&filter.outcome, &e.event) {
            (None, _) => true,
            (Some(kind), domain::event::CaseEvent::OutcomeRecorded { outcome, .. }) => outcome.kind() == kind,
            (Some(_), _) => false,
        })
        .filter(|e| {
            let on = domain::case::uk_date(e.occurred_at);
            filter.from.is_none_or(|f| on >= f) && filter.to.is_none_or(|t| on <= t)
        })
        .collect()
}

/// A CSV cell, quoted when needed, and defused when a spreadsheet would run it as a formula.
pub fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v.to_owned() };
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
}

/// An officer's caseload as CSV, with exactly the cases the caseload page shows this user.
pub fn caseload_csv(caseload: &Caseload) -> String {
    let mut out = String::from("crn,first_name,family_name,rosh,contact_due_by,overdue\n");
    for c in &caseload.cases {
        let cells = [
            c.crn.to_string(),
            c.first_name.clone(),
            c.family_name.clone(),
            c.rosh.map(|r| r.label().to_owned()).unwrap_or_default(),
            c.contact_due_by.map(|d| d.to_string()).unwrap_or_default(),
            c.overdue.to_string(),
        ];
        let cells: Vec<String> = cells.iter().map(|v| csv_cell(v)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_is_an_iso_calendar_date_or_nothing() {
        let date = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(parse_on(None), Ok(None));
        assert_eq!(parse_on(Some("")), Ok(None), "an empty value means today, as `?type=` means every type");
        assert_eq!(parse_on(Some("2026-04-13")), Ok(Some(date("2026-04-13"))));
        assert_eq!(parse_on(Some(" 2024-02-29 ")), Ok(Some(date("2024-02-29"))), "a leap day");
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "13/04/2026",
            "20260413",
            "2026-4-13",
            "2026-04-13T10:00",
            "today",
            "+2026-04-1",
        ] {
            let e = parse_on(Some(bad)).unwrap_err();
            assert_eq!(e.field(), Some("on"), "{bad}");
            assert!(e.message().contains(bad), "{bad}: {}", e.message());
        }
    }

    #[test]
    fn the_timeline_filter_names_each_bad_field() {
        let date = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let ok = parse_timeline_filter(
            Some("outcome_recorded"),
            Some("failed_to_attend"),
            Some("2026-03-02"),
            Some(" 2026-03-09 "),
        );
        assert_eq!(
            ok.unwrap(),
            TimelineFilter {
                event_type: Some("outcome_recorded".into()),
                outcome: Some("failed_to_attend".into()),
                from: Some(date("2026-03-02")),
                to: Some(date("2026-03-09"))
            }
        );
        assert_eq!(parse_timeline_filter(Some(""), None, Some(""), None).unwrap(), TimelineFilter::default());
        // (type, outcome, from, to, the fields named in error)
        type Filter<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<&'a str>, &'a [&'a str]);
        let rows: &[Filter] = &[
            (Some("party"), None, None, None, &["type"]),
            (None, None, Some("2 March"), None, &["from"]),
            (None, None, None, Some("2026-02-30"), &["to"]),
            (None, None, Some("2026-03-09"), Some("2026-03-02"), &["to"]),
            (Some("party"), None, Some("x"), Some("y"), &["type", "from", "to"]),
            (Some("outcome_recorded"), Some("late"), None, None, &["outcome"]),
            (None, Some("unacceptable_absence"), None, None, &["outcome"]),
        ];
        for (t, outcome, from, to, fields) in rows {
            let errors = parse_timeline_filter(*t, *outcome, *from, *to).unwrap_err();
            let named: Vec<&str> = errors.iter().filter_map(WebError::field).collect();
            assert_eq!(&named, fields, "{t:?} {from:?} {to:?}");
            for e in &errors {
                let f = e.field().unwrap();
                assert!(e.message().starts_with(&format!("{f}:")), "{}", e.message());
            }
        }
    }
}
