//! What a request asks of Probity, written once for the API and the pages: parse the
//! identifiers at the edge, decide whether the signed-in user may (`services::access`, the
//! one place the rules live), read or append through the store, record the read, shape with
//! [`crate::view`]. Templates never decide who sees what: they only show what comes back.

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::snapshot::AccessSnapshot;
use crate::view::{self, CaseRecord, Caseload, EVENT_TYPES, OfficerRow, RecordEvents, Recorded, Worklist};
use domain::case::CaseState;
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use jiff::civil::Date;
use services::access::{self, CaseAccess, Place};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
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
/// them, the limited-access entries and the organisation, from the shared
/// [`crate::snapshot::AccessSnapshot`] at the request's access generation, so deciding on a
/// page of cases costs no query.
struct AccessFacts {
    snapshot: Arc<AccessSnapshot>,
    username: String,
    today: Date,
}

static NO_GRANTS: BTreeSet<Crn> = BTreeSet::new();

impl AccessFacts {
    async fn load(app: &AppState, who: &SignedIn) -> Result<Self, WebError> {
        let snapshot = app.access.at_least(app.records.as_ref(), who.access_generation).await?;
        Ok(Self { snapshot, username: who.user.username.to_string(), today: app.clock.today() })
    }

    fn org(&self) -> &Organisation {
        &self.snapshot.org
    }

    /// Whether this user may open `officer`'s caseload (`access::may_see_caseload`).
    fn may_see_caseload(&self, who: &SignedIn, officer: &Code) -> bool {
        let place = self.snapshot.index.place_of_officer(officer, self.org());
        access::may_see_caseload_at(&who.user, officer, &place)
    }

    /// The name of the member of staff `code`, if the organisation has them.
    fn staff_name(&self, code: &Code) -> Option<String> {
        self.snapshot.index.staff_member(code, self.org()).map(|s| s.name.to_string())
    }

    fn granted(&self) -> &BTreeSet<Crn> {
        self.snapshot.grants.get(&self.username).unwrap_or(&NO_GRANTS)
    }

    /// What this user may do with an allocated case (an unallocated one is decided by
    /// [`AccessFacts::access_any`], which finds where it waits).
    fn access(&self, who: &SignedIn, case: &CaseSummary) -> CaseAccess {
        self.access_at(who, case, &self.snapshot.index.place_of_case(case))
    }

    fn access_at(&self, who: &SignedIn, case: &CaseSummary, place: &Place) -> CaseAccess {
        let entries = self.snapshot.limits.get(&case.crn).map_or(&[][..], Vec::as_slice);
        access::case_access(
            &who.user,
            place,
            self.granted().contains(&case.crn),
            entries,
            self.today,
            &self.snapshot.index,
        )
    }

    /// As [`AccessFacts::access`], for any case: one waiting for allocation sits in the
    /// borough that received it, read from its record.
    async fn access_any(&self, app: &AppState, who: &SignedIn, case: &CaseSummary) -> Result<CaseAccess, WebError> {
        if case.team.is_some() || case.officer.is_some() {
            return Ok(self.access(who, case));
        }
        let place = awaiting_place(app, &case.crn, self.org()).await?;
        Ok(self.access_at(who, case, &place))
    }

    /// The cases of `cases` this user may see.
    async fn visible(
        &self,
        app: &AppState,
        who: &SignedIn,
        cases: Vec<CaseSummary>,
    ) -> Result<Vec<CaseSummary>, WebError> {
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            if self.access_any(app, who, &case).await? != CaseAccess::None {
                out.push(case);
            }
        }
        Ok(out)
    }

    /// The cases on a limited-access list that this user may not see: counts must not
    /// include them, or a count would reveal them.
    fn barred(&self, who: &SignedIn) -> Vec<&Crn> {
        self.snapshot
            .limits
            .iter()
            .filter(|(_, entries)| access::barred(&who.user.username, entries, self.today))
            .map(|(crn, _)| crn)
            .collect()
    }
}

/// Where a case waiting for allocation sits: the person's home borough, or, when the record
/// gives none, the borough of the member of staff who registered them (who received it).
async fn awaiting_place(app: &AppState, crn: &Crn, org: &Organisation) -> Result<Place, WebError> {
    let events = app.records.stream(crn).await?;
    let state = CaseState::fold(crn.clone(), &events).map_err(|e| WebError::internal(format!("case {crn}: {e}")))?;
    let home = state.person.as_ref().and_then(|p| p.home_borough.clone());
    let received = || events.first().and_then(|e| Place::of_officer(&e.recorded_by, org).borough);
    Ok(Place::awaiting_allocation(home.or_else(received).as_ref(), org))
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
    let rows = view::officers(&counts, facts.org());
    let aggregate_only = who.user.role == access::Role::MiAnalyst;
    Ok(rows.into_iter().filter(|r| aggregate_only || facts.may_see_caseload(who, &r.code)).collect())
}

/// The cases granted to this user by name (an inspector's sample) that they may open.
pub async fn granted(app: &AppState, who: &SignedIn) -> Result<Vec<CaseSummary>, WebError> {
    let mut cases = Vec::new();
    for crn in app.records.granted_cases(who.user.username.as_str()).await? {
        if let Some(case) = app.records.summary(&crn).await? {
            cases.push(case);
        }
    }
    let facts = AccessFacts::load(app, who).await?;
    facts.visible(app, who, cases).await
}

/// An officer's active cases that this user may see. Reads the caseload's own cases and
/// places only: the cost of the page does not grow with the provider.
async fn visible_caseload(
    app: &AppState,
    who: &SignedIn,
    officer: &Code,
) -> Result<(Arc<Vec<CaseSummary>>, AccessFacts), WebError> {
    let facts = AccessFacts::load(app, who).await?;
    if !facts.may_see_caseload(who, officer) {
        return Err(forbidden());
    }
    let known = who.caseload_version.as_ref().filter(|(o, _)| o == officer.as_str()).map(|(_, v)| *v);
    let cases = app.caseloads.caseload(app.records.as_ref(), officer, known).await?;
    if cases.iter().all(|c| facts.access(who, c) != CaseAccess::None) {
        return Ok((cases, facts));
    }
    let visible = cases.iter().filter(|c| facts.access(who, c) != CaseAccess::None).cloned().collect();
    Ok((Arc::new(visible), facts))
}

/// An officer's active cases that this user may see, as the store summarises them.
pub struct CaseloadCases {
    pub officer: Code,
    pub officer_name: Option<String>,
    pub on: Date,
    /// Shared with the caseload cache when this user may see every case on it.
    pub cases: Arc<Vec<CaseSummary>>,
}

/// The caseload the page shows, read straight from the summaries (no copy of each case).
pub async fn caseload_cases(app: &AppState, who: &SignedIn, officer: &str) -> Result<CaseloadCases, WebError> {
    let officer = parse_officer(officer)?;
    let (cases, facts) = visible_caseload(app, who, &officer).await?;
    let officer_name = facts.staff_name(&officer);
    Ok(CaseloadCases { officer, officer_name, on: app.clock.today(), cases })
}

pub async fn caseload(app: &AppState, who: &SignedIn, officer: &str) -> Result<Caseload, WebError> {
    let c = caseload_cases(app, who, officer).await?;
    Ok(Caseload::new(c.officer, c.officer_name, &c.cases, c.on))
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
pub(crate) fn csv_cell(v: &str) -> String {
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
    for case in cases.iter() {
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
    let Some(case) = app.records.summary(crn).await? else { return Ok((CaseAccess::None, None)) };
    let facts = AccessFacts::load(app, who).await?;
    Ok((facts.access_any(app, who, &case).await?, Some(case)))
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
    // Who recorded the events, and their follow-on (a recalculated tier), is the signed-in
    // user, never the body's word.
    let recorded_by = who.user.recorder();
    let RecordEvents { expected_version, events } = crate::body::record_events(body, &recorded_by)?;
    if let Some(i) = events.iter().position(|e| !access::may_record(&who.user, &e.event)) {
        return Err(WebError::Forbidden(format!(
            "events[{i}].event: your role does not allocate cases; the senior probation officer allocates them from \
             the team view"
        )));
    }
    let version = app.records.record(&crn, expected_version, &events, &recorded_by, app.clock.now()).await?;
    Ok(Recorded { crn, version })
}

/// People this user may see whose CRN is `query` or whose family name starts with it.
pub async fn search(app: &AppState, who: &SignedIn, query: &str) -> Result<Vec<CaseSummary>, WebError> {
    if !who.user.policy().sees_people {
        return Err(forbidden());
    }
    let q = query.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    // The store gives the matches in name order through its index; those this user may not
    // see are dropped here, so when too many were dropped, ask for a longer run of matches.
    let mut asked = SEARCH_LIMIT * 2;
    loop {
        let matches = app.records.search_people(q, asked).await?;
        let all_of_them = matches.len() < asked;
        let facts = AccessFacts::load(app, who).await?;
        let mut found = facts.visible(app, who, matches).await?;
        if all_of_them || found.len() >= SEARCH_LIMIT {
            found.truncate(SEARCH_LIMIT);
            return Ok(found);
        }
        asked *= 8;
    }
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

/// Who is writing (`User::recorder`).
fn actor_code(who: &SignedIn) -> Result<Code, WebError> {
    Ok(who.user.recorder())
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
            && facts.access_any(app, who, &summary).await? != CaseAccess::None
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

// --- Case pages (issue 4, item 5): a case in sections, the outcome form, the worklist page -

/// A case as its pages show it: folded once from one read of its stream, with what this user
/// may do to it and the organisation (for names). Only [`case_file`] makes one, after
/// checking access and recording the read.
pub struct CaseFile {
    pub state: CaseState,
    pub summary: CaseSummary,
    pub events: Vec<domain::event::RecordedEvent>,
    /// Whether this user may record on the case (`services::access`); forms are offered only then.
    pub may_write: bool,
    /// Whether this user may open the caseload of the case's officer (`services::access`);
    /// the officer is named either way, but linked only then.
    pub caseload_link: bool,
    pub org: Organisation,
    pub today: Date,
}

/// A case's record for one of its pages, if this user may read it (404 when there is no such
/// case, 403 when they may not); the read is recorded under `route`.
pub async fn case_file(app: &AppState, who: &SignedIn, crn: &str, route: &str) -> Result<CaseFile, WebError> {
    let crn = parse_crn(crn)?;
    let access = match access_to(app, who, &crn).await? {
        (_, None) => return Err(no_case(&crn)),
        (CaseAccess::None, _) => return Err(forbidden()),
        (a, Some(_)) => a,
    };
    let events = app.records.stream(&crn).await?;
    if events.is_empty() {
        return Err(no_case(&crn));
    }
    let state = CaseState::fold(crn.clone(), &events).map_err(|e| WebError::internal(format!("case {crn}: {e}")))?;
    let summary = CaseSummary::from_state(&state)
        .ok_or_else(|| WebError::internal(format!("case {crn} has events but no person")))?;
    record_read(app, who, &crn, route).await?;
    let org = app.records.organisation().await?;
    let caseload_link = summary.officer.as_ref().is_some_and(|o| access::may_see_caseload(&who.user, o, &org));
    Ok(CaseFile {
        state,
        summary,
        events,
        may_write: access == CaseAccess::ReadWrite,
        caseload_link,
        org,
        today: app.clock.today(),
    })
}

/// A case's record with the progress of its unpaid work requirements (`services::upw`, the
/// same figures as the unpaid-work pages).
pub async fn case_sentence(
    app: &AppState,
    who: &SignedIn,
    crn: &str,
    route: &str,
) -> Result<(CaseFile, Vec<upw::progress::Progress>), WebError> {
    let file = case_file(app, who, crn, route).await?;
    let progress = app.records.upw_progress(&file.state.crn, file.today).await.map_err(|e| match e {
        services::upw::UpwError::Invalid(m) => WebError::internal(format!("upw progress: {m}")),
        services::upw::UpwError::Store(e) => e.into(),
    })?;
    Ok((file, progress))
}

/// The timeline's filters (`?type=`, `?from=`, `?to=`), checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimelineFilter {
    pub event_type: Option<String>,
    /// The first and last UK dates on which the events happened, both included.
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// A date filter written `YYYY-MM-DD` (as `?on=`), its errors naming `field`.
fn parse_date_field(raw: Option<&str>, field: &str) -> Result<Option<Date>, WebError> {
    parse_on(raw).map_err(|e| {
        let m = e.message();
        WebError::bad_request(field, format!("{field}{}", m.strip_prefix("on").unwrap_or(&m)))
    })
}

/// Checks the timeline's filters: every bad one, each naming its field, or the filter.
pub fn parse_timeline_filter(
    event_type: Option<&str>,
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
    let from = parse_date_field(from, "from").map_err(|e| errors.push(e)).ok().flatten();
    let to = parse_date_field(to, "to").map_err(|e| errors.push(e)).ok().flatten();
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(WebError::bad_request("to", format!("to: {t} is before the from date {f}")));
    }
    if errors.is_empty() { Ok(TimelineFilter { event_type, from, to }) } else { Err(errors) }
}

/// The events that pass the filter, oldest first. Dates are the UK dates the events happened.
pub fn filter_timeline<'a>(
    events: &'a [domain::event::RecordedEvent],
    filter: &TimelineFilter,
) -> Vec<&'a domain::event::RecordedEvent> {
    events
        .iter()
        .filter(|e| filter.event_type.as_deref().is_none_or(|t| e.event.event_type() == t))
        .filter(|e| {
            let on = domain::case::uk_date(e.occurred_at);
            filter.from.is_none_or(|f| on >= f) && filter.to.is_none_or(|t| on <= t)
        })
        .collect()
}

/// The case, if this user may record on it: 404 when there is no such case, 403 when they
/// may only read it (an inspector, a manager) or not at all.
pub async fn writable_case(app: &AppState, who: &SignedIn, crn: &str) -> Result<Crn, WebError> {
    let crn = parse_crn(crn)?;
    match access_to(app, who, &crn).await? {
        (_, None) => Err(no_case(&crn)),
        (CaseAccess::ReadWrite, Some(_)) => Ok(crn),
        _ => Err(forbidden()),
    }
}

/// Records an appointment's outcome, by the same path as the JSON API
/// (`CaseRecords::record`, which adds what must follow), against the version the form was
/// read at: a stale version is a `Conflict` and nothing is written.
pub async fn record_outcome(
    app: &AppState,
    who: &SignedIn,
    crn: &Crn,
    expected_version: u64,
    appointment: &domain::ids::LocalId,
    outcome: domain::contact::Outcome,
    note: Option<domain::ids::Note>,
) -> Result<u64, WebError> {
    writable_case(app, who, crn.as_str()).await?;
    let by = actor_code(who)?;
    let now = app.clock.now();
    let event = domain::event::NewEvent {
        occurred_at: now,
        recorded_by: by.clone(),
        event: domain::event::CaseEvent::OutcomeRecorded { appointment: appointment.clone(), outcome, note },
    };
    Ok(app.records.record(crn, expected_version, &[event], &by, now).await?)
}

/// An officer's worklist with the cases it is about: the caseload this user may see, each case
/// folded from its log, then `practice::worklist` as at today.
pub struct OfficerWork {
    pub caseload: Caseload,
    pub items: Vec<domain::practice::WorkItem>,
}

pub async fn officer_work(app: &AppState, who: &SignedIn, officer: &str) -> Result<OfficerWork, WebError> {
    let caseload = caseload(app, who, officer).await?;
    let mut states = Vec::with_capacity(caseload.cases.len());
    for case in &caseload.cases {
        let events = app.records.stream(&case.crn).await?;
        let state = CaseState::fold(case.crn.clone(), &events)
            .map_err(|e| WebError::internal(format!("case {}: {e}", case.crn)))?;
        states.push(state);
    }
    let items = domain::practice::officer_worklist(states.iter(), caseload.on);
    Ok(OfficerWork { caseload, items })
}

// --- The team view and allocation (issue 4 item 5; issue 6 item 1) ----------------------

/// The workload model the team view and the allocation screen apply (docs/rules/practice.md#workload).
pub const WORKLOAD: analytics::WorkloadPolicy = analytics::WorkloadPolicy::DEFAULT;

/// An officer of a team as its view shows them.
pub struct TeamOfficer {
    pub staff: domain::org::Staff,
    /// Active cases on their caseload that this user may see: a count must not reveal a
    /// person barred to them.
    pub active_cases: usize,
    /// Their caseload as the workload model weighs it: every active case with a tier, barred
    /// to this user or not, since capacity is the officer's, not the reader's.
    pub workload: Vec<analytics::Case>,
    /// Active cases with no tier yet, which the model cannot weigh.
    pub untiered: usize,
    /// Their reductions of hours (sickness, facility time, trainee and newly qualified
    /// protection) as recorded, whatever their dates: the model applies those in force on
    /// the day (`probity staff reduction`).
    pub reductions: Vec<analytics::workload::Reduction>,
    /// The reports they are preparing or have completed, whatever their dates
    /// (`probity staff report`).
    pub reports: Vec<analytics::workload::Report>,
    /// The kinds of those reports in preparation today: what the model weighs.
    pub reports_in_preparation: Vec<analytics::ReportKind>,
    /// Workload against capacity today: their cases and the reports in preparation today,
    /// against their points after the reductions in force today.
    pub capacity: analytics::CapacityFigures,
    /// Whether this user may open their caseload.
    pub caseload_link: bool,
}

/// A case waiting on a team's allocation queue.
pub struct QueuedCase {
    pub summary: CaseSummary,
    pub state: CaseState,
    /// The day it began to wait: the date of its current sentence.
    pub waiting_since: Date,
}

/// A team's officers with their workload, and the cases waiting to be allocated to it.
pub struct TeamView {
    pub team: domain::org::Team,
    pub office: Option<domain::org::Office>,
    pub borough: Option<domain::org::Borough>,
    pub access: access::TeamAccess,
    pub officers: Vec<TeamOfficer>,
    /// Oldest first.
    pub queue: Vec<QueuedCase>,
    pub today: Date,
}

impl TeamView {
    /// The team's points over its available points (a part-time officer weighs less).
    pub fn capacity(&self) -> analytics::CapacityFigures {
        let each: Vec<_> = self.officers.iter().map(|o| o.capacity).collect();
        analytics::workload::combined_capacity(&each)
    }
}

/// The cases on a limited-access list that bar this user today.
async fn barred_cases(app: &AppState, who: &SignedIn, today: Date) -> Result<BTreeSet<Crn>, WebError> {
    let mut limits: BTreeMap<Crn, Vec<LimitedAccess>> = BTreeMap::new();
    for e in app.records.limited_access().await? {
        limits.entry(e.crn.clone()).or_default().push(e);
    }
    Ok(limits.into_iter().filter(|(_, e)| access::barred(&who.user.username, e, today)).map(|(c, _)| c).collect())
}

async fn folded(app: &AppState, crn: &Crn) -> Result<CaseState, WebError> {
    let events = app.records.stream(crn).await?;
    CaseState::fold(crn.clone(), &events).map_err(|e| WebError::internal(format!("case {crn}: {e}")))
}

/// What is recorded of an officer besides their cases that the workload model weighs: their
/// reductions of hours and their reports, whatever their dates.
#[derive(Default)]
pub(crate) struct OfficerRecords {
    reductions: Vec<analytics::workload::Reduction>,
    reports: Vec<analytics::workload::Report>,
}

/// The recorded reductions and reports of these officers, read together (two queries however
/// many officers), by staff code; an officer with neither has no entry.
pub(crate) async fn officer_records<'a>(
    app: &AppState,
    staff: impl IntoIterator<Item = &'a domain::org::Staff>,
) -> Result<BTreeMap<Code, OfficerRecords>, WebError> {
    let codes: Vec<Code> = staff.into_iter().map(|s| s.code.clone()).collect();
    let mut out: BTreeMap<Code, OfficerRecords> = BTreeMap::new();
    for r in app.records.reductions_for(&codes).await? {
        out.entry(r.staff).or_default().reductions.push(r.reduction);
    }
    for r in app.records.reports_for(&codes).await? {
        out.entry(r.staff).or_default().reports.push(r.report);
    }
    Ok(out)
}

/// An officer's workload from their active cases and reports: the cases the model weighs,
/// how many it cannot (no tier yet), and their capacity today with the reports in
/// preparation today, after the reductions in force today. The team view and the MI
/// workload pages both use this, so the two cannot disagree.
pub(crate) async fn officer_workload(
    app: &AppState,
    staff: &domain::org::Staff,
    cases: &[CaseSummary],
    records: &OfficerRecords,
    today: Date,
) -> Result<(Vec<analytics::Case>, usize, analytics::CapacityFigures), WebError> {
    let (mut workload, mut untiered) = (Vec::with_capacity(cases.len()), 0);
    for case in cases {
        match analytics::workload::case_from_record(&folded(app, &case.crn).await?, today, staff) {
            Some(c) => workload.push(c),
            None => untiered += 1,
        }
    }
    let reports = analytics::workload::reports_in_preparation(&records.reports, today);
    let capacity = WORKLOAD
        .capacity(&workload, &reports, staff.contracted_hours.get(), &records.reductions, today)
        .map_err(|e| WebError::internal(format!("workload of {}: {e}", staff.code)))?;
    Ok((workload, untiered, capacity))
}

/// A team's view, if this user's role and place reach it (403 otherwise, 404 for no such
/// team). Each active case of the team's officers is folded once, for its tier and type.
pub async fn team_view(app: &AppState, who: &SignedIn, team: &str) -> Result<TeamView, WebError> {
    let code = Code::parse(team).map_err(|e| WebError::bad_request("code", e.to_string()))?;
    let org = app.records.organisation().await?;
    let Some(team) = org.teams.iter().find(|t| t.code == code).cloned() else {
        return Err(WebError::NotFound(format!("There is no team {code}.")));
    };
    let team_access = access::team_access(&who.user, &code, &org);
    if team_access == access::TeamAccess::None {
        return Err(forbidden());
    }
    let today = app.clock.today();
    let barred = barred_cases(app, who, today).await?;
    let mut officers = Vec::new();
    let mut records = officer_records(app, org.staff.iter().filter(|s| s.team == code)).await?;
    for staff in org.staff.iter().filter(|s| s.team == code) {
        let cases = app.records.caseload(&staff.code).await?;
        // The team's SPO manages it; they are on the view only if they hold cases themselves.
        if staff.grade == domain::org::Grade::Spo && cases.is_empty() {
            continue;
        }
        let records = records.remove(&staff.code).unwrap_or_default();
        let (workload, untiered, capacity) = officer_workload(app, staff, &cases, &records, today).await?;
        officers.push(TeamOfficer {
            reports_in_preparation: analytics::workload::reports_in_preparation(&records.reports, today),
            reductions: records.reductions,
            reports: records.reports,
            active_cases: cases.iter().filter(|c| !barred.contains(&c.crn)).count(),
            workload,
            untiered,
            capacity,
            caseload_link: access::may_see_caseload(&who.user, &staff.code, &org),
            staff: staff.clone(),
        });
    }
    officers.sort_by(|a, b| (&a.staff.name, &a.staff.code).cmp(&(&b.staff.name, &b.staff.code)));
    let mut queue = Vec::new();
    for summary in app.records.unallocated().await? {
        if barred.contains(&summary.crn) {
            continue;
        }
        let state = folded(app, &summary.crn).await?;
        let home = state.person.as_ref().and_then(|p| p.home_borough.as_ref());
        let since = state.current_sentence().map(|s| s.sentence.sentence_date);
        if let (true, Some(waiting_since)) = (access::waits_for(&code, home, &org), since) {
            queue.push(QueuedCase { summary, state, waiting_since });
        }
    }
    queue.sort_by(|a, b| (a.waiting_since, &a.summary.crn).cmp(&(b.waiting_since, &b.summary.crn)));
    let office = org.offices.iter().find(|o| o.code == team.office).cloned();
    let borough = office.as_ref().and_then(|o| org.boroughs.iter().find(|b| b.code == o.borough)).cloned();
    Ok(TeamView { team, office, borough, access: team_access, officers, queue, today })
}

/// The teams whose views this user may open, by name: the start page links to them.
pub async fn teams(app: &AppState, who: &SignedIn) -> Result<Vec<domain::org::Team>, WebError> {
    if access::team_role_access(&who.user) == access::TeamAccess::None {
        return Ok(Vec::new());
    }
    let org = app.records.organisation().await?;
    let mut teams: Vec<_> = org
        .teams
        .iter()
        .filter(|t| access::team_access(&who.user, &t.code, &org) != access::TeamAccess::None)
        .cloned()
        .collect();
    teams.sort_by(|a, b| (&a.name, &a.code).cmp(&(&b.name, &b.code)));
    Ok(teams)
}

/// An officer the case could go to, with their capacity now and after taking it.
pub struct Candidate {
    pub staff: domain::org::Staff,
    pub now: analytics::CapacityFigures,
    /// `None` when the model cannot weigh the case (it has no tier yet).
    pub after: Option<analytics::CapacityFigures>,
    /// Whether their grade is within the grade guidance for the case.
    pub within_guidance: bool,
}

/// The allocation screen: a waiting case, the grade guidance and why, and each of the team's
/// officers with their capacity before and after taking the case.
pub struct AllocationScreen {
    pub view: TeamView,
    pub case: QueuedCase,
    pub guidance: domain::practice::allocation::GradeGuidance,
    pub because: String,
    pub candidates: Vec<Candidate>,
}

/// The allocation screen for a case on the team's queue (404 when it is not waiting there);
/// opening it is a read of the case, recorded under `route`.
pub async fn allocation_screen(
    app: &AppState,
    who: &SignedIn,
    team: &str,
    crn: &str,
    route: &str,
) -> Result<AllocationScreen, WebError> {
    use domain::practice::allocation::current_guidance;
    let crn = parse_crn(crn)?;
    let mut view = team_view(app, who, team).await?;
    let Some(at) = view.queue.iter().position(|q| q.summary.crn == crn) else {
        return Err(WebError::NotFound(format!(
            "Case {crn} is not waiting to be allocated to team {}: it may have been allocated already.",
            view.team.code
        )));
    };
    let case = view.queue.remove(at);
    record_read(app, who, &crn, route).await?;
    // The PO-only features (parole report, medium-risk sexual offence, significant
    // safeguarding) are not asked for on this screen, so the guidance is by tier, RSR and RoSH.
    let guidance = current_guidance(&case.state, &[]);
    let mut candidates = Vec::with_capacity(view.officers.len());
    for o in &view.officers {
        let hours = o.staff.contracted_hours.get();
        let after = match analytics::workload::case_from_record(&case.state, view.today, &o.staff) {
            Some(new_case) => Some(
                WORKLOAD
                    .capacity_with(&o.workload, &o.reports_in_preparation, hours, &o.reductions, view.today, &new_case)
                    .map_err(|e| WebError::internal(format!("workload of {}: {e}", o.staff.code)))?
                    .after,
            ),
            None => None,
        };
        candidates.push(Candidate {
            staff: o.staff.clone(),
            now: o.capacity,
            after,
            within_guidance: guidance.allows(o.staff.grade),
        });
    }
    let because = guidance_because(&case.state);
    Ok(AllocationScreen { view, case, guidance, because, candidates })
}

/// Why the grade guidance is what it is for the case, in words, read from the guidance
/// table (`domain::practice::allocation::GRADE_GUIDANCE`) row by row as `grade_guidance`
/// applies it.
pub fn guidance_because(case: &CaseState) -> String {
    use domain::practice::allocation::GRADE_GUIDANCE;
    let Some(tier) = case.tier.map(|t| t.legacy) else {
        return "The case has no tier yet, and missing information never lowers the grade.".to_owned();
    };
    let Some(row) = GRADE_GUIDANCE.iter().find(|r| r.protect == tier.protect) else {
        return format!("Tier {tier}.");
    };
    let rsr = case.assessment.as_ref().and_then(|a| a.rsr).map(|p| p.get());
    let rosh = case.rosh();
    if !row.pso_allowed {
        return format!("Tier {tier}: a tier {} case must go to a probation officer.", tier.protect);
    }
    let mut reasons = Vec::new();
    if let (Some(limit), Some(r)) = (row.po_if_rsr_at_least, rsr)
        && r >= limit
    {
        reasons.push(format!("the serious reoffending predictor is {r}% ({limit}% or more)"));
    }
    if let (Some(limit), Some(r)) = (row.po_if_rosh_at_least, rosh)
        && r >= limit
    {
        reasons.push(format!("RoSH is {} ({} or above)", r.label().to_lowercase(), limit.label().to_lowercase()));
    }
    if reasons.is_empty() {
        let rosh = rosh.map_or_else(|| "not assessed".to_owned(), |r| r.label().to_lowercase());
        let rsr = rsr.map_or_else(|| "not known".to_owned(), |r| format!("{r}%"));
        format!("Tier {tier}, RSR {rsr}, RoSH {rosh}: a probation services officer may hold it.")
    } else {
        format!("Tier {tier}, but {}: a probation officer is required.", reasons.join(" and "))
    }
}

/// The allocation form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllocationForm {
    pub officer: String,
    pub allocation_form_complete: bool,
    pub safeguarding_checks_complete: bool,
    pub reason: String,
    pub version: String,
}

/// One problem with the allocation form: the form's field and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FormProblem {
    pub field: &'static str,
    pub message: String,
}

/// The form field a refusal of the allocation's evidence is about.
fn evidence_field(domain_field: &str) -> &'static str {
    match domain_field.rsplit("evidence.").next().unwrap_or("") {
        "allocation_form_complete" => "allocation_form_complete",
        "safeguarding_checks_complete" => "safeguarding_checks_complete",
        "verdict" => "reason",
        _ => "officer",
    }
}

fn problem(field: &'static str, message: impl std::fmt::Display) -> FormProblem {
    FormProblem { field, message: format!("{field}: {message}") }
}

/// The case moved on since the screen was shown: no field is at fault (a 409, not a 400).
pub const CHANGED: &str = "changed";

fn changed(message: String) -> FormProblem {
    FormProblem { field: CHANGED, message }
}

/// Every refusal of the evidence by the allocation rules
/// (`domain::practice::allocation::check_allocation`), not just the first: past a box not
/// ticked, the rules are asked again as if it were.
pub fn evidence_problems(
    case: &CaseState,
    evidence: &domain::practice::allocation::AllocationEvidence,
) -> Vec<FormProblem> {
    let mut evidence = evidence.clone();
    let mut problems = Vec::new();
    while let Err((field, message)) = domain::practice::allocation::check_allocation(case, &evidence) {
        problems.push(problem(evidence_field(field), message));
        match evidence_field(field) {
            "allocation_form_complete" if !evidence.allocation_form_complete => {
                evidence.allocation_form_complete = true
            }
            "safeguarding_checks_complete" if !evidence.safeguarding_checks_complete => {
                evidence.safeguarding_checks_complete = true
            }
            _ => break,
        }
    }
    problems
}

/// Allocates a waiting case to one of the team's officers, with the SPO's evidence, through
/// `services::record` (which checks it against today's grade guidance) at the version the
/// screen showed. Only a user who may allocate for the team, and may write to the case, may
/// (403 otherwise). A bad form gives every problem, naming its field, and writes nothing.
pub async fn allocate(
    app: &AppState,
    who: &SignedIn,
    team: &str,
    crn: &str,
    form: &AllocationForm,
    route: &str,
) -> Result<Result<Code, Vec<FormProblem>>, WebError> {
    use domain::practice::allocation::{AllocationEvidence, GuidanceVerdict};
    let org = app.records.organisation().await?;
    // Refused before anything is read: a manager may look at the screen but not allocate.
    if let Ok(code) = Code::parse(team)
        && org.teams.iter().any(|t| t.code == code)
        && access::team_access(&who.user, &code, &org) != access::TeamAccess::Allocate
    {
        return Err(forbidden());
    }
    let screen = allocation_screen(app, who, team, crn, route).await?;
    let case = &screen.case;
    let granted = app.records.granted_cases(who.user.username.as_str()).await?.contains(&case.summary.crn);
    let entries = app.records.limited_access_for(&case.summary.crn).await?;
    let place = match (&case.summary.team, &case.summary.officer) {
        (None, None) => awaiting_place(app, &case.summary.crn, &org).await?,
        _ => Place::of_case(&case.summary, &org),
    };
    let index = access::OrgIndex::new(&org);
    let case_access = access::case_access(&who.user, &place, granted, &entries, screen.view.today, &index);
    if screen.view.access != access::TeamAccess::Allocate || case_access != CaseAccess::ReadWrite {
        return Err(forbidden());
    }
    let mut problems = Vec::new();
    let version = form.version.trim().parse::<u64>();
    if version.is_err() {
        problems.push(problem("version", "the page did not say which version of the case it showed; reload it"));
    }
    let chosen = form.officer.trim();
    let officer = screen.candidates.iter().find(|c| c.staff.code.as_str() == chosen);
    if chosen.is_empty() {
        problems.push(problem("officer", "choose the officer who will supervise the case"));
    } else if officer.is_none() {
        problems.push(problem("officer", format!("`{chosen}` is not an officer of team {}", screen.view.team.code)));
    }
    let reason = match form.reason.trim() {
        "" => None,
        typed => match domain::ids::Note::parse(typed) {
            Ok(note) => Some(note),
            Err(e) => {
                problems.push(problem("reason", e.problem));
                None
            }
        },
    };
    let evidence = officer.map(|o| AllocationEvidence {
        grade: o.staff.grade,
        allocation_form_complete: form.allocation_form_complete,
        safeguarding_checks_complete: form.safeguarding_checks_complete,
        po_only: Vec::new(),
        guidance: screen.guidance,
        // A reason is a departure: the rules refuse one where the grade is within the guidance.
        verdict: reason.clone().map_or(GuidanceVerdict::Followed, |reason| GuidanceVerdict::Departed { reason }),
    });
    match &evidence {
        Some(e) => problems.extend(evidence_problems(&case.state, e)),
        None => {
            // Without an officer the verdict cannot be judged, but the boxes can: the rules are
            // asked about them for an officer within the guidance.
            let boxes_only = AllocationEvidence {
                grade: domain::org::Grade::Po,
                allocation_form_complete: form.allocation_form_complete,
                safeguarding_checks_complete: form.safeguarding_checks_complete,
                po_only: Vec::new(),
                guidance: screen.guidance,
                verdict: GuidanceVerdict::Followed,
            };
            let boxes = evidence_problems(&case.state, &boxes_only);
            problems.extend(boxes.into_iter().filter(|p| p.field != "officer" && p.field != "reason"));
        }
    }
    let (Ok(version), Some(officer), Some(evidence), true) = (version, officer, evidence, problems.is_empty()) else {
        return Ok(Err(problems));
    };
    if version != case.state.version {
        return Ok(Err(vec![changed(format!(
            "The case has changed since you opened this page (version {version}, now {}): check it and allocate again.",
            case.state.version
        ))]));
    }
    let by = actor_code(who)?;
    let now = app.clock.now();
    let event = domain::event::NewEvent {
        occurred_at: now,
        recorded_by: by.clone(),
        event: domain::event::CaseEvent::OfficerAllocated {
            officer: officer.staff.code.clone(),
            team: screen.view.team.code.clone(),
            reason: domain::event::AllocationReason::Initial,
            evidence: Some(evidence),
        },
    };
    match app.records.record(&case.summary.crn, version, &[event], &by, now).await {
        Ok(_) => Ok(Ok(officer.staff.code.clone())),
        Err(store::StoreError::Conflict { actual, .. }) => Ok(Err(vec![changed(format!(
            "The case changed while you were allocating it (it is now at version {actual}): check it and allocate again."
        ))])),
        Err(store::StoreError::Rejected { field, problem: message, .. }) => {
            // `services::record` words it "field: problem"; the form names its own field.
            let message = message.strip_prefix(&format!("{field}: ")).unwrap_or(&message).to_owned();
            Ok(Err(vec![problem(evidence_field(field), message)]))
        }
        Err(e) => Err(e.into()),
    }
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
