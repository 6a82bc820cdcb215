//! What a request asks of Probity, written once for the API and the pages: parse the
//! identifiers at the edge, read or append through the store, shape with [`crate::view`].
//! These are the seams where the `services` crate's use cases (and access control, and the
//! audit of reads) will sit once they exist.

use crate::AppState;
use crate::error::WebError;
use crate::view::{self, CaseRecord, Caseload, EVENT_TYPES, OfficerRow, RecordEvents, Recorded, Worklist};
use domain::case::CaseState;
use domain::ids::{Code, Crn};
use domain::projection::CaseSummary;
use jiff::civil::Date;

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
    let raw = match raw.map(str::trim) {
        None | Some("") => return Ok(None),
        Some(r) => r,
    };
    let bad = |why: &str| WebError::bad_request("on", format!("on: `{raw}` {why}"));
    let shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(bad("is not a date written YYYY-MM-DD (e.g. 2026-04-13)"));
    }
    raw.parse::<Date>().map(Some).map_err(|_| bad("is not a calendar date"))
}

pub async fn officers(app: &AppState) -> Result<Vec<OfficerRow>, WebError> {
    let counts = app.records.caseload_counts().await?;
    let org = app.records.organisation().await?;
    Ok(view::officers(&counts, &org))
}

pub async fn caseload(app: &AppState, officer: &str) -> Result<Caseload, WebError> {
    let officer = parse_officer(officer)?;
    let cases = app.records.caseload(&officer).await?;
    let org = app.records.organisation().await?;
    Ok(Caseload::new(officer, &org, &cases, app.clock.today()))
}

/// An officer's worklist: every active case folded from its log, then the practice rules,
/// as at `on` (a `YYYY-MM-DD` date; today by the server's clock when absent). The cases and
/// their events are those recorded now: the date moves the deadlines' clock, not the record.
pub async fn worklist(app: &AppState, officer: &str, on: Option<&str>) -> Result<Worklist, WebError> {
    let officer = parse_officer(officer)?;
    let today = parse_on(on)?.unwrap_or_else(|| app.clock.today());
    let mut states = Vec::new();
    for case in app.records.caseload(&officer).await? {
        let events = app.records.stream(&case.crn).await?;
        let state = CaseState::fold(case.crn.clone(), &events)
            .map_err(|e| WebError::internal(format!("case {}: {e}", case.crn)))?;
        states.push(state);
    }
    let items = domain::practice::worklist::officer_worklist(states.iter(), today);
    Ok(Worklist::new(officer, &items, today))
}

/// A case and its timeline. The summary is folded from the same read of the stream as the
/// timeline, so the version a client sees matches the events it sees.
pub async fn case_record(app: &AppState, crn: &str, event_type: Option<&str>) -> Result<CaseRecord, WebError> {
    let crn = parse_crn(crn)?;
    let event_type = parse_event_type(event_type)?;
    let events = app.records.stream(&crn).await?;
    if events.is_empty() {
        return Err(WebError::NotFound(format!("There is no case with CRN {crn}.")));
    }
    let state = CaseState::fold(crn.clone(), &events).map_err(|e| WebError::internal(format!("case {crn}: {e}")))?;
    let summary = CaseSummary::from_state(&state)
        .ok_or_else(|| WebError::internal(format!("case {crn} has events but no person")))?;
    Ok(CaseRecord::new(&summary, &events, event_type, app.clock.today()))
}

pub async fn record_events(app: &AppState, crn: &str, body: &[u8]) -> Result<Recorded, WebError> {
    let crn = parse_crn(crn)?;
    let RecordEvents { expected_version, events } = crate::body::record_events(body)?;
    let version = app.records.append(&crn, expected_version, &events).await?;
    Ok(Recorded { crn, version })
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
}
