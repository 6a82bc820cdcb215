//! What a request asks of Probity, written once for the API and the pages: parse the
//! identifiers at the edge, decide whether the signed-in user may (`services::access`, the
//! one place the rules live), read or append through the store, record the read, shape with
//! [`crate::view`]. Templates never decide who sees what: they only show what comes back.

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::view::{self, CaseRecord, Caseload, EVENT_TYPES, OfficerRow, RecordEvents, Recorded, Worklist};
use domain::case::CaseState;
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use jiff::civil::Date;
use services::access::{self, CaseAccess, Place};
use std::collections::{BTreeMap, BTreeSet};
use store::auth::{CaseRead, LimitedAccess};

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

/// The message of every refusal: it does not say whether the case exists.
pub const NO_ACCESS: &str = "You do not have access to this. If you need it, ask your manager.";

fn forbidden() -> WebError {
    WebError::Forbidden(NO_ACCESS.to_owned())
}

/// What the access rules need to know about the user beyond their role: the cases granted to
/// them and every limited-access entry (a short list: the few people who need one).
struct AccessFacts {
    granted: BTreeSet<Crn>,
    limits: BTreeMap<Crn, Vec<LimitedAccess>>,
    org: Organisation,
    today: Date,
}

impl AccessFacts {
    async fn load(app: &AppState, who: &SignedIn) -> Result<Self, WebError> {
        let granted = app.records.granted_cases(who.user.username.as_str()).await?.into_iter().collect();
        let mut limits: BTreeMap<Crn, Vec<LimitedAccess>> = BTreeMap::new();
        for e in app.records.limited_access().await? {
            limits.entry(e.crn.clone()).or_default().push(e);
        }
        Ok(Self { granted, limits, org: app.records.organisation().await?, today: app.clock.today() })
    }

    fn access(&self, who: &SignedIn, case: &CaseSummary) -> CaseAccess {
        let entries = self.limits.get(&case.crn).map_or(&[][..], Vec::as_slice);
        access::case_access(
            &who.user,
            &Place::of_case(case, &self.org),
            self.granted.contains(&case.crn),
            entries,
            self.today,
        )
    }

    /// The cases on a limited-access list that this user may not see: counts must not
    /// include them, or a count would reveal them.
    fn barred(&self, who: &SignedIn) -> Vec<&Crn> {
        self.limits
            .iter()
            .filter(|(_, entries)| access::barred(&who.user.username, entries, self.today))
            .map(|(crn, _)| crn)
            .collect()
    }
}

/// Active cases per officer as this user may count them: the projection's counts less the
/// cases barred to them.
async fn visible_counts(app: &AppState, who: &SignedIn, facts: &AccessFacts) -> Result<BTreeMap<Code, u64>, WebError> {
    let mut counts = app.records.caseload_counts().await?;
    for crn in facts.barred(who) {
        if let Some(case) = app.records.summary(crn).await?
            && let (true, Some(officer)) = (case.active, &case.officer)
            && let Some(n) = counts.get_mut(officer)
        {
            *n = n.saturating_sub(1);
        }
    }
    Ok(counts)
}

/// The officers whose caseloads this user may open, with their active cases. An MI analyst
/// sees every officer's count (an aggregate) without opening any.
pub async fn officers(app: &AppState, who: &SignedIn) -> Result<Vec<OfficerRow>, WebError> {
    let facts = AccessFacts::load(app, who).await?;
    let counts = visible_counts(app, who, &facts).await?;
    let rows = view::officers(&counts, &facts.org);
    let aggregate_only = who.user.role == access::Role::MiAnalyst;
    Ok(rows
        .into_iter()
        .filter(|r| aggregate_only || access::may_see_caseload(&who.user, &r.code, &facts.org))
        .collect())
}

/// The cases granted to this user by name (an inspector's sample) that they may open.
pub async fn granted(app: &AppState, who: &SignedIn) -> Result<Vec<CaseSummary>, WebError> {
    let facts = AccessFacts::load(app, who).await?;
    let mut cases = Vec::new();
    for crn in &facts.granted {
        if let Some(case) = app.records.summary(crn).await?
            && facts.access(who, &case) != CaseAccess::None
        {
            cases.push(case);
        }
    }
    Ok(cases)
}

/// An officer's active cases that this user may see.
async fn visible_caseload(
    app: &AppState,
    who: &SignedIn,
    officer: &Code,
) -> Result<(Vec<CaseSummary>, AccessFacts), WebError> {
    let facts = AccessFacts::load(app, who).await?;
    if !access::may_see_caseload(&who.user, officer, &facts.org) {
        return Err(forbidden());
    }
    let cases = app.records.caseload(officer).await?;
    let cases = cases.into_iter().filter(|c| facts.access(who, c) != CaseAccess::None).collect();
    Ok((cases, facts))
}

pub async fn caseload(app: &AppState, who: &SignedIn, officer: &str) -> Result<Caseload, WebError> {
    let officer = parse_officer(officer)?;
    let (cases, facts) = visible_caseload(app, who, &officer).await?;
    Ok(Caseload::new(officer, &facts.org, &cases, app.clock.today()))
}

/// An officer's caseload as CSV, with exactly the cases the caseload page shows this user.
pub async fn caseload_csv(app: &AppState, who: &SignedIn, officer: &str) -> Result<String, WebError> {
    let caseload = caseload(app, who, officer).await?;
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
    Ok(out)
}

/// A CSV cell, quoted when needed, and defused when a spreadsheet would run it as a formula.
fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v.to_owned() };
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
}

/// An officer's worklist: every active case this user may see, folded from its log, then the
/// practice rules, as at `on` (a `YYYY-MM-DD` date; today by the server's clock when absent).
/// The cases and their events are those recorded now: the date moves the deadlines' clock,
/// not the record.
pub async fn worklist(app: &AppState, who: &SignedIn, officer: &str, on: Option<&str>) -> Result<Worklist, WebError> {
    let officer = parse_officer(officer)?;
    let today = parse_on(on)?.unwrap_or_else(|| app.clock.today());
    let (cases, _) = visible_caseload(app, who, &officer).await?;
    let mut states = Vec::new();
    for case in cases {
        let events = app.records.stream(&case.crn).await?;
        let state = CaseState::fold(case.crn.clone(), &events)
            .map_err(|e| WebError::internal(format!("case {}: {e}", case.crn)))?;
        states.push(state);
    }
    let items = domain::practice::worklist::officer_worklist(states.iter(), today);
    Ok(Worklist::new(officer, &items, today))
}

/// What this user may do with a case, or 404 when there is no such case.
async fn access_to(app: &AppState, who: &SignedIn, crn: &Crn) -> Result<(CaseAccess, Option<CaseSummary>), WebError> {
    let facts = AccessFacts::load(app, who).await?;
    match app.records.summary(crn).await? {
        Some(case) => Ok((facts.access(who, &case), Some(case))),
        None => Ok((CaseAccess::None, None)),
    }
}

/// Reads of a case are recorded with who, when and through which route.
async fn record_read(app: &AppState, who: &SignedIn, crn: &Crn, route: &str) -> Result<(), WebError> {
    let read = CaseRead {
        crn: crn.clone(),
        username: who.user.username.to_string(),
        at: jiff::Timestamp::now(),
        route: route.to_owned(),
    };
    Ok(app.records.record_read(&read).await?)
}

fn no_case(crn: &Crn) -> WebError {
    WebError::NotFound(format!("There is no case with CRN {crn}."))
}

/// A case and its timeline, if this user may read it; the read is recorded under `route`.
/// The summary is folded from the same read of the stream as the timeline, so the version a
/// client sees matches the events it sees.
pub async fn case_record(
    app: &AppState,
    who: &SignedIn,
    crn: &str,
    event_type: Option<&str>,
    route: &str,
) -> Result<CaseRecord, WebError> {
    let crn = parse_crn(crn)?;
    let event_type = parse_event_type(event_type)?;
    match access_to(app, who, &crn).await? {
        (_, None) => return Err(no_case(&crn)),
        (CaseAccess::None, _) => return Err(forbidden()),
        _ => {}
    }
    let events = app.records.stream(&crn).await?;
    if events.is_empty() {
        return Err(no_case(&crn));
    }
    let state = CaseState::fold(crn.clone(), &events).map_err(|e| WebError::internal(format!("case {crn}: {e}")))?;
    let summary = CaseSummary::from_state(&state)
        .ok_or_else(|| WebError::internal(format!("case {crn} has events but no person")))?;
    record_read(app, who, &crn, route).await?;
    Ok(CaseRecord::new(&summary, &events, event_type, app.clock.today()))
}

/// Who has looked at a case record, oldest first (itself a read, and recorded as one).
pub async fn case_reads(
    app: &AppState,
    who: &SignedIn,
    crn: &str,
    route: &str,
) -> Result<(Crn, Vec<CaseRead>), WebError> {
    let crn = parse_crn(crn)?;
    match access_to(app, who, &crn).await? {
        (_, None) => return Err(no_case(&crn)),
        (CaseAccess::None, _) => return Err(forbidden()),
        _ => {}
    }
    record_read(app, who, &crn, route).await?;
    Ok((crn.clone(), app.records.reads_of(&crn).await?))
}

/// Records events, and what must follow them, if this user may change the case. Opening a new case (version 0 of a CRN
/// with no record) is for roles that record on cases.
pub async fn record_events(app: &AppState, who: &SignedIn, crn: &str, body: &[u8]) -> Result<Recorded, WebError> {
    let crn = parse_crn(crn)?;
    let allowed = match access_to(app, who, &crn).await? {
        (a, Some(_)) => a == CaseAccess::ReadWrite,
        (_, None) => who.user.policy().within_scope == CaseAccess::ReadWrite,
    };
    if !allowed {
        return Err(forbidden());
    }
    let RecordEvents { expected_version, events } = crate::body::record_events(body)?;
    // The follow-on (a recalculated tier) is the system's work, done for this user.
    let recorded_by = match &who.user.officer {
        Some(o) => o.clone(),
        None => Code::parse("SYSTEM").map_err(WebError::internal)?,
    };
    let version = app.records.record(&crn, expected_version, &events, &recorded_by, jiff::Timestamp::now()).await?;
    Ok(Recorded { crn, version })
}

/// People this user may see whose CRN is `query` or whose family name starts with it.
pub async fn search(app: &AppState, who: &SignedIn, query: &str) -> Result<Vec<CaseSummary>, WebError> {
    if !who.user.policy().sees_people {
        return Err(forbidden());
    }
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let facts = AccessFacts::load(app, who).await?;
    let mut found: Vec<CaseSummary> = app
        .records
        .all_summaries()
        .await?
        .into_iter()
        .filter(|c| c.crn.as_str().to_lowercase() == q || c.family_name.to_lowercase().starts_with(&q))
        .filter(|c| facts.access(who, c) != CaseAccess::None)
        .collect();
    found.sort_by(|a, b| (&a.family_name, &a.first_name, &a.crn).cmp(&(&b.family_name, &b.first_name, &b.crn)));
    found.truncate(SEARCH_LIMIT);
    Ok(found)
}

/// At most this many search results: a search is for finding one person, not for listing.
pub const SEARCH_LIMIT: usize = 50;

// --- Inspection (issue 7): the inspector's workspace -------------------------------------

impl From<services::inspection::InspectionError> for WebError {
    fn from(e: services::inspection::InspectionError) -> Self {
        use services::inspection::InspectionError as E;
        match e {
            E::Invalid { field, problem } => WebError::bad_request(field, format!("{field}: {problem}")),
            E::NotFound(what) => WebError::NotFound(what),
            E::Store(e) => e.into(),
        }
    }
}

/// Who is writing, as the code the inspection store records: their staff code, or their
/// username in capitals (usernames are a subset of what a code allows, less `.`).
fn actor_code(who: &SignedIn) -> Result<Code, WebError> {
    if let Some(officer) = &who.user.officer {
        return Ok(officer.clone());
    }
    let raw: String = who
        .user
        .username
        .as_str()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_uppercase() } else { '_' })
        .take(16)
        .collect();
    Code::parse(&raw).map_err(WebError::internal)
}

fn may_assess(who: &SignedIn) -> Result<(), WebError> {
    if who.user.policy().assesses_cases { Ok(()) } else { Err(forbidden()) }
}

fn parse_inspection(raw: &str) -> Result<Code, WebError> {
    Code::parse(raw).map_err(|e| WebError::bad_request("inspection", e.to_string()))
}

/// The CRNs of an inspection's sample that this user may read: an inspector the cases
/// granted to them, a manager's internal audit the cases in their place. Reads no case's
/// events, so the access check costs a summary per sampled case.
async fn visible_sample(app: &AppState, who: &SignedIn, facts: &AccessFacts, id: &Code) -> Result<Vec<Crn>, WebError> {
    let Some(crns) = app.records.inspection_crns(id).await? else {
        return Err(WebError::NotFound(format!("inspection: no inspection {id}")));
    };
    let mut visible = Vec::new();
    for crn in crns {
        if let Some(summary) = app.records.summary(&crn).await?
            && facts.access(who, &summary) != CaseAccess::None
        {
            visible.push(crn);
        }
    }
    Ok(visible)
}

/// The sampled cases of an inspection that this user may read, with their progress and
/// look-behind counts.
pub async fn inspection_cases(
    app: &AppState,
    who: &SignedIn,
    inspection: &str,
) -> Result<(Code, Vec<services::inspection::SampleCaseView>), WebError> {
    may_assess(who)?;
    let id = parse_inspection(inspection)?;
    let facts = AccessFacts::load(app, who).await?;
    let visible: BTreeSet<String> = visible_sample(app, who, &facts, &id).await?.iter().map(Crn::to_string).collect();
    let cases = app.records.inspection_sample(&id).await?.into_iter().filter(|c| visible.contains(&c.crn)).collect();
    Ok((id, cases))
}

/// The inspections with at least one sampled case this user may read, with how many.
pub async fn inspections(
    app: &AppState,
    who: &SignedIn,
) -> Result<Vec<(store::inspection::InspectionRecord, usize)>, WebError> {
    may_assess(who)?;
    let facts = AccessFacts::load(app, who).await?;
    let mut out = Vec::new();
    for inspection in app.records.inspections().await? {
        let visible = visible_sample(app, who, &facts, &inspection.id).await?.len();
        if visible > 0 {
            out.push((inspection, visible));
        }
    }
    Ok(out)
}

/// Refuses a sampled case this user may not read, exactly as any other case is refused.
async fn readable_sampled_case(app: &AppState, who: &SignedIn, inspection: &str, crn: &str) -> Result<Code, WebError> {
    may_assess(who)?;
    let id = parse_inspection(inspection)?;
    let facts = AccessFacts::load(app, who).await?;
    let visible = visible_sample(app, who, &facts, &id).await?;
    if visible.iter().any(|c| c.as_str() == crn) { Ok(id) } else { Err(forbidden()) }
}

/// One sampled case's workspace: every question with its prefill and evidence, the answer
/// and its history, and the look behind the announcement. Reading it is a read of the case.
pub async fn inspection_case(
    app: &AppState,
    who: &SignedIn,
    inspection: &str,
    crn: &str,
    page: &str,
) -> Result<services::inspection::CaseWorkspace, WebError> {
    let id = readable_sampled_case(app, who, inspection, crn).await?;
    let workspace = app.records.inspection_case(&id, crn, app.clock.today()).await?;
    app.records
        .record_read(&CaseRead {
            crn: parse_crn(crn)?,
            username: who.user.username.to_string(),
            at: jiff::Timestamp::now(),
            route: page.to_owned(),
        })
        .await?;
    Ok(workspace)
}

/// Records an inspector's answer (yes, no or na, with an optional note). Nothing is written
/// when a field is bad; the error names it.
pub async fn answer_inspection_question(
    app: &AppState,
    who: &SignedIn,
    inspection: &str,
    crn: &str,
    question: &str,
    answer: &str,
    note: Option<&str>,
) -> Result<(), WebError> {
    let id = readable_sampled_case(app, who, inspection, crn).await?;
    let by = actor_code(who)?;
    app.records
        .inspection_answer(crate::records::InspectionAnswer { inspection: &id, crn, question, answer, note, by: &by })
        .await?;
    Ok(())
}

/// The findings of an inspection from its latest answers, for a user who may read at least
/// one of its sampled cases.
pub async fn inspection_findings(
    app: &AppState,
    who: &SignedIn,
    inspection: &str,
) -> Result<(Code, inspect::report::Report), WebError> {
    may_assess(who)?;
    let id = parse_inspection(inspection)?;
    let facts = AccessFacts::load(app, who).await?;
    if visible_sample(app, who, &facts, &id).await?.is_empty() {
        return Err(forbidden());
    }
    let report = app.records.inspection_findings(&id).await?;
    Ok((id, report))
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
