//! Cases as the people who supervise them use them: the officers whose caseloads a user may
//! open, a caseload, a worklist, a case's record (each read recorded in the audit), search,
//! and recording on a case. Written once for the API, the pages and the CLI; whether the actor
//! may is asked of [`crate::access`] through [`crate::actor`], never decided here.

use crate::access::{self, CaseAccess};
use crate::actor::{Actor, Facts};
use crate::error::ServiceError;
use crate::stores::Stores;
use domain::case::{CaseState, uk_date};
use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use store::auth::CaseRead;
use store::{AccessStore, CaseStore};

/// At most this many search results: a search is for finding one person, not for listing.
pub const SEARCH_LIMIT: usize = 50;

/// A responsible officer as the start page lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficerRow {
    pub code: Code,
    /// The staff name, or the code when the organisation does not know the officer.
    pub name: String,
    pub team: Option<String>,
    pub grade: Option<&'static str>,
    pub active_cases: u64,
}

/// Officers with active cases, plus case-holding staff the organisation lists with none, by
/// name: so a new officer with an empty caseload is still on the list. With `only`, the staff
/// among those alone.
pub fn officer_rows(
    counts: &BTreeMap<Code, u64>,
    org: &Organisation,
    only: Option<&BTreeSet<Code>>,
) -> Vec<OfficerRow> {
    use domain::org::Grade;
    let mut rows: BTreeMap<Code, OfficerRow> = BTreeMap::new();
    // By code, so a provider's thousands of staff do not each walk its hundreds of teams.
    let mut team_names: std::collections::HashMap<&Code, &domain::ids::Name> = std::collections::HashMap::new();
    for t in &org.teams {
        team_names.entry(&t.code).or_insert(&t.name);
    }
    let listed = |s: &&domain::org::Staff| {
        (s.grade != Grade::Spo || counts.contains_key(&s.code)) && only.is_none_or(|o| o.contains(&s.code))
    };
    for staff in org.staff.iter().filter(listed) {
        let team = team_names.get(&staff.team).map(|n| n.to_string());
        rows.insert(
            staff.code.clone(),
            OfficerRow {
                code: staff.code.clone(),
                name: staff.name.to_string(),
                team,
                grade: Some(staff.grade.label()),
                active_cases: counts.get(&staff.code).copied().unwrap_or(0),
            },
        );
    }
    for (code, n) in counts {
        rows.entry(code.clone()).or_insert_with(|| OfficerRow {
            code: code.clone(),
            name: code.to_string(),
            team: None,
            grade: None,
            active_cases: *n,
        });
    }
    let mut rows: Vec<OfficerRow> = rows.into_values().collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
    rows
}

/// Active cases per officer as this actor may count them: the projection's counts (of `only`
/// when given) less the cases barred to them.
async fn visible_counts(
    stores: &Stores,
    facts: &Facts<'_>,
    only: Option<&BTreeSet<Code>>,
) -> Result<BTreeMap<Code, u64>, ServiceError> {
    let mut counts = match only {
        None => stores.cases.caseload_counts().await?,
        Some(only) => stores.cases.caseload_counts_of(&only.iter().cloned().collect::<Vec<_>>()).await?,
    };
    for crn in facts.barred() {
        if let Some(case) = stores.cases.summary(crn).await?
            && let (true, Some(officer)) = (case.active, &case.officer)
            && let Some(n) = counts.get_mut(officer)
        {
            *n = n.saturating_sub(1);
        }
    }
    Ok(counts)
}

/// The officers whose caseloads this actor may open, with their active cases. A role that
/// sees counts only (`access::counts_every_caseload`) sees every officer's count. Only the
/// officers the actor may open are read (their own code and the staff within their scope),
/// unless that is everyone.
pub async fn officers(stores: &Stores, actor: Actor<'_>, now: Timestamp) -> Result<Vec<OfficerRow>, ServiceError> {
    let facts = Facts::load(stores, actor, uk_date(now)).await?;
    let every = access::counts_every_caseload(actor.user);
    let only: Option<BTreeSet<Code>> = (!every && actor.user.scope != access::PlaceScope::Provider).then(|| {
        let mut codes: BTreeSet<Code> =
            facts.org().staff.iter().map(|s| &s.code).filter(|c| facts.may_see_caseload(c)).cloned().collect();
        codes.extend(actor.user.officer.clone());
        codes
    });
    let counts = visible_counts(stores, &facts, only.as_ref()).await?;
    let rows = officer_rows(&counts, facts.org(), only.as_ref());
    Ok(rows.into_iter().filter(|r| every || facts.may_see_caseload(&r.code)).collect())
}

/// The cases granted to this actor by name (an inspector's sample) that they may open.
pub async fn granted(stores: &Stores, actor: Actor<'_>, now: Timestamp) -> Result<Vec<CaseSummary>, ServiceError> {
    let mut cases = Vec::new();
    for crn in stores.access.granted_cases(actor.user.username.as_str()).await? {
        if let Some(case) = stores.cases.summary(&crn).await? {
            cases.push(case);
        }
    }
    let facts = Facts::load(stores, actor, uk_date(now)).await?;
    facts.visible(stores, cases).await
}

/// An officer's active cases that this actor may see. Reads the caseload's own cases and
/// places only: the cost of the page does not grow with the provider.
async fn visible_caseload<'a>(
    stores: &Stores,
    actor: Actor<'a>,
    officer: &Code,
    today: Date,
) -> Result<(Arc<Vec<CaseSummary>>, Facts<'a>), ServiceError> {
    let facts = Facts::load(stores, actor, today).await?;
    if !facts.may_see_caseload(officer) {
        return Err(ServiceError::forbidden());
    }
    let known = actor.known_caseload.filter(|(o, _)| *o == officer.as_str()).map(|(_, v)| v);
    let cases = stores.caseloads.caseload(&*stores.cases, officer, known).await?;
    if cases.iter().all(|c| facts.access(c) != CaseAccess::None) {
        return Ok((cases, facts));
    }
    let visible = cases.iter().filter(|c| facts.access(c) != CaseAccess::None).cloned().collect();
    Ok((Arc::new(visible), facts))
}

/// An officer's active cases that this actor may see, as the store summarises them.
pub struct CaseloadCases {
    pub officer: Code,
    pub officer_name: Option<String>,
    pub on: Date,
    /// Shared with the caseload cache when this actor may see every case on it.
    pub cases: Arc<Vec<CaseSummary>>,
}

/// An officer's caseload, read straight from the summaries (no copy of each case).
pub async fn caseload(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    officer: &Code,
) -> Result<CaseloadCases, ServiceError> {
    let today = uk_date(now);
    let (cases, facts) = visible_caseload(stores, actor, officer, today).await?;
    let officer_name = facts.staff_name(officer);
    Ok(CaseloadCases { officer: officer.clone(), officer_name, on: today, cases })
}

/// Every case of `cases` as it stands, in their order: the kept fold of each case that has not
/// changed since its summary was written (`snapshot::CaseStateCache`), else folded from its
/// log, the logs of those read together.
pub(crate) async fn fold_all(stores: &Stores, cases: &[CaseSummary]) -> Result<Vec<Arc<CaseState>>, ServiceError> {
    let kept: Vec<Option<Arc<CaseState>>> = cases.iter().map(|c| stores.case_states.get(&c.crn, c.version)).collect();
    let missing: Vec<Crn> = cases.iter().zip(&kept).filter(|(_, k)| k.is_none()).map(|(c, _)| c.crn.clone()).collect();
    let mut streams = if missing.is_empty() { Default::default() } else { stores.cases.streams(&missing).await? };
    cases
        .iter()
        .zip(kept)
        .map(|(case, kept)| match kept {
            Some(state) => Ok(state),
            None => {
                let crn = &case.crn;
                let events = streams.remove(crn).unwrap_or_default();
                let state = CaseState::fold(crn.clone(), &events)
                    .map_err(|e| ServiceError::Internal(format!("case {crn}: {e}")))?;
                let state = Arc::new(state);
                stores.case_states.keep(state.clone());
                Ok(state)
            }
        })
        .collect()
}

/// An officer's worklist as at `on` (today by the clock when `None`): every active case this
/// actor may see, folded from its log, then the practice rules. The cases and their events
/// are those recorded now: the date moves the deadlines' clock, not the record.
pub async fn worklist(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    officer: &Code,
    on: Option<Date>,
) -> Result<(CaseloadCases, Vec<domain::practice::WorkItem>), ServiceError> {
    let mut caseload = caseload(stores, actor, now, officer).await?;
    if let Some(on) = on {
        caseload.on = on;
    }
    let states = fold_all(stores, &caseload.cases).await?;
    let items = domain::practice::officer_worklist(states.iter().map(Arc::as_ref), caseload.on);
    Ok((caseload, items))
}

/// What the start page counts for a user who holds a caseload: their day at a glance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MyDay {
    pub officer: Code,
    pub active_cases: usize,
    /// Appointments on their cases dated today, whatever their outcome.
    pub appointments_today: usize,
    pub outcomes_to_record: usize,
    /// Worklist items overdue, and due (not overdue) within `case_header::NEAR_DAYS`.
    pub overdue: usize,
    pub due_soon: usize,
}

/// The signed-in user's own day, `None` when they hold no caseload: one read of their caseload
/// and its streams, the same worklist as their worklist page.
pub async fn my_day(stores: &Stores, actor: Actor<'_>, now: Timestamp) -> Result<Option<MyDay>, ServiceError> {
    let Some(officer) = actor.user.officer.clone() else { return Ok(None) };
    let caseload = caseload(stores, actor, now, &officer).await?;
    let today = caseload.on;
    let states = fold_all(stores, &caseload.cases).await?;
    let items = domain::practice::officer_worklist(states.iter().map(Arc::as_ref), today);
    let appointments_today =
        states.iter().flat_map(|s| &s.appointments).filter(|a| a.appointment.at.date() == today).count();
    let attention = crate::case_header::Attention::of(&items, today);
    Ok(Some(MyDay {
        active_cases: caseload.cases.len(),
        appointments_today,
        outcomes_to_record: attention.outcomes,
        overdue: attention.overdue,
        due_soon: attention.near,
        officer,
    }))
}

/// What this actor may do with a case, or `None` for the summary when there is no such case.
async fn access_to(
    stores: &Stores,
    actor: Actor<'_>,
    today: Date,
    crn: &Crn,
) -> Result<(CaseAccess, Option<CaseSummary>), ServiceError> {
    let Some(case) = stores.cases.summary(crn).await? else { return Ok((CaseAccess::None, None)) };
    let facts = Facts::load(stores, actor, today).await?;
    Ok((facts.access_any(stores, &case).await?, Some(case)))
}

fn no_case(crn: &Crn) -> ServiceError {
    ServiceError::NotFound(format!("There is no case with CRN {crn}."))
}

/// What this actor may do with an existing case: `NotFound` when there is none, `Forbidden`
/// when they may not read it.
async fn readable(stores: &Stores, actor: Actor<'_>, today: Date, crn: &Crn) -> Result<CaseAccess, ServiceError> {
    match access_to(stores, actor, today, crn).await? {
        (_, None) => Err(no_case(crn)),
        (CaseAccess::None, _) => Err(ServiceError::forbidden()),
        (a, Some(_)) => Ok(a),
    }
}

/// A case as it is read: folded once from one read of its stream, so the version a client
/// sees matches the events it sees.
pub struct CaseFile {
    pub state: CaseState,
    pub summary: CaseSummary,
    pub events: Vec<RecordedEvent>,
    /// Whether this actor may record on the case; forms are offered only then.
    pub may_write: bool,
    /// Whether this actor may open the caseload of the case's officer; the officer is named
    /// either way, but linked only then.
    pub caseload_link: bool,
    /// The names of the case's officer and team, where the organisation knows them.
    pub officer_name: Option<String>,
    pub team_name: Option<String>,
    /// The team this actor may reallocate the case within (its SPO), when it is active and
    /// allocated.
    pub reallocates_in: Option<Code>,
    /// The team a transfer of the case waits for, when this actor is its SPO (who allocates
    /// or declines it).
    pub receives_in: Option<Code>,
    pub today: Date,
}

/// A case's record, if this actor may read it (`NotFound` when there is no such case,
/// `Forbidden` when they may not); the read is recorded under `route`.
pub async fn case_file(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    route: &str,
) -> Result<CaseFile, ServiceError> {
    let (record, may_write) = read_case(stores, actor, now, crn, route).await?;
    // The organisation as the access snapshot holds it (kept in memory, never stale), not
    // read again from the store for every page.
    let facts = Facts::load(stores, actor, uk_date(now)).await?;
    let (org, index) = (facts.org(), &facts.snapshot.index);
    let officer = record.summary.officer.as_ref();
    let caseload_link =
        officer.is_some_and(|o| access::may_see_caseload_at(actor.user, o, &index.place_of_officer(o, org)));
    let officer_name = officer.and_then(|o| index.staff_member(o, org)).map(|s| s.name.to_string());
    let team_name =
        record.summary.team.as_ref().and_then(|t| org.teams.iter().find(|x| &x.code == t)).map(|t| t.name.to_string());
    let reallocates_in = match (&record.summary.team, officer, record.summary.active) {
        (Some(team), Some(_), true) if access::team_access(actor.user, team, org) == access::TeamAccess::Allocate => {
            Some(team.clone())
        }
        _ => None,
    };
    let receives_in = record
        .summary
        .transfer_to
        .clone()
        .filter(|to| access::team_access(actor.user, to, org) == access::TeamAccess::Allocate);
    let CaseRecord { state, summary, events } = record;
    Ok(CaseFile {
        state,
        summary,
        events,
        may_write,
        caseload_link,
        officer_name,
        team_name,
        reallocates_in,
        receives_in,
        today: uk_date(now),
    })
}

/// A case folded from one read of its stream, with its summary and events.
pub struct CaseRecord {
    pub state: CaseState,
    pub summary: CaseSummary,
    pub events: Vec<RecordedEvent>,
}

/// A case's record without the organisation around it (the API's), if this actor may read
/// it; the read is recorded under `route`.
pub async fn case_record(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    route: &str,
) -> Result<CaseRecord, ServiceError> {
    Ok(read_case(stores, actor, now, crn, route).await?.0)
}

/// The record and whether the actor may write to it, after checking they may read it and
/// recording that they did.
async fn read_case(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    route: &str,
) -> Result<(CaseRecord, bool), ServiceError> {
    let access = readable(stores, actor, uk_date(now), crn).await?;
    let mut events = stores.cases.stream(crn).await?;
    if events.is_empty() {
        return Err(no_case(crn));
    }
    let state =
        CaseState::fold(crn.clone(), &events).map_err(|e| ServiceError::Internal(format!("case {crn}: {e}")))?;
    let summary = CaseSummary::from_state(&state)
        .ok_or_else(|| ServiceError::Internal(format!("case {crn} has events but no person")))?;
    // Folded first (notes change nothing the rules read); then what this reader may not read
    // is taken out of everything they are shown, pages and API alike.
    access::withhold_sensitive_notes(actor.user, summary.officer.as_ref(), &mut events);
    actor.record_read(stores, now, crn, route).await?;
    Ok((CaseRecord { state, summary, events }, access == CaseAccess::ReadWrite))
}

/// A case's record with the progress of its unpaid work requirements (`crate::upw`, the
/// same figures as the unpaid-work pages).
pub async fn case_sentence(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    route: &str,
) -> Result<(CaseFile, Vec<upw::progress::Progress>), ServiceError> {
    let file = case_file(stores, actor, now, crn, route).await?;
    let progress = crate::upw::progress(stores, &file.state.crn, file.today, &Default::default()).await?;
    Ok((file, progress))
}

/// Who has looked at a case record, oldest first (itself a read, and recorded as one).
pub async fn case_reads(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    route: &str,
) -> Result<Vec<CaseRead>, ServiceError> {
    readable(stores, actor, uk_date(now), crn).await?;
    actor.record_read(stores, now, crn, route).await?;
    Ok(stores.access.reads_of(crn).await?)
}

/// The case, if this actor may record on it: `NotFound` when there is no such case,
/// `Forbidden` when they may only read it (an inspector, a manager) or not at all.
pub async fn writable_case(stores: &Stores, actor: Actor<'_>, now: Timestamp, crn: &Crn) -> Result<(), ServiceError> {
    match readable(stores, actor, uk_date(now), crn).await? {
        CaseAccess::ReadWrite => Ok(()),
        _ => Err(ServiceError::forbidden()),
    }
}

/// Refuses an actor who may not change the case; opening a new case (a CRN with no record)
/// is for roles that record on cases.
pub async fn may_record_on(stores: &Stores, actor: Actor<'_>, now: Timestamp, crn: &Crn) -> Result<(), ServiceError> {
    let allowed = match access_to(stores, actor, uk_date(now), crn).await? {
        (a, Some(_)) => a == CaseAccess::ReadWrite,
        (_, None) => actor.user.policy().within_scope == CaseAccess::ReadWrite,
    };
    if allowed { Ok(()) } else { Err(ServiceError::forbidden()) }
}

/// Records events, and what must follow them, if this actor may change the case. Opening a
/// new case (version 0 of a CRN with no record) is for roles that record on cases. Who
/// recorded them is the actor (`events` must already say so: the web's body reader and the
/// forms set it from the session, never from the request).
pub async fn record_events(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    expected_version: u64,
    events: &[NewEvent],
) -> Result<u64, ServiceError> {
    may_record_on(stores, actor, now, crn).await?;
    let recorded_by = actor.recorder();
    if let Some(i) = events.iter().position(|e| e.recorded_by != recorded_by) {
        return Err(ServiceError::Internal(format!("events[{i}] is not recorded by the actor {recorded_by}")));
    }
    if let Some(i) = events.iter().position(|e| !access::may_record(actor.user, &e.event)) {
        let kind = events[i].event.event_type();
        return Err(ServiceError::Forbidden(format!("events[{i}].event: {kind}: {}", access::who_records(kind))));
    }
    Ok(crate::record::record_events(&*stores.cases, crn, expected_version, events, &recorded_by, now).await?)
}

/// Records an appointment's outcome and its case note (marked sensitive or not), by the same
/// path as every other recording (with what must follow it), against the version the form was
/// read at: a stale version is a conflict and nothing is written.
#[allow(clippy::too_many_arguments)]
pub async fn record_outcome(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    expected_version: u64,
    appointment: &domain::ids::LocalId,
    outcome: domain::contact::Outcome,
    note: Option<domain::ids::Note>,
    sensitive: bool,
) -> Result<u64, ServiceError> {
    let event = NewEvent {
        occurred_at: now,
        recorded_by: actor.recorder(),
        event: domain::event::CaseEvent::OutcomeRecorded { appointment: appointment.clone(), outcome, note, sensitive },
    };
    writable_case(stores, actor, now, crn).await?;
    record_events(stores, actor, now, crn, expected_version, &[event]).await
}

/// People this actor may see whose CRN is `query` or whose family name starts with it.
pub async fn search(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    query: &str,
) -> Result<Vec<CaseSummary>, ServiceError> {
    if !actor.user.policy().sees_people {
        return Err(ServiceError::forbidden());
    }
    let q = query.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    // The store gives the matches in name order through its index; those this actor may not
    // see (a limited-access entry, say) are dropped here, so when too many were dropped, ask
    // for a longer run of matches.
    // The store is asked only for the matches the actor could reach (their teams, their own
    // cases, those granted to them); the access rules still decide on each.
    let facts = Facts::load(stores, actor, uk_date(now)).await?;
    let reach = facts.search_reach();
    let mut asked = SEARCH_LIMIT * 2;
    loop {
        let matches = stores.cases.search_people(q, asked, reach.as_ref()).await?;
        let all_of_them = matches.len() < asked;
        let mut found = facts.visible(stores, matches).await?;
        if all_of_them || found.len() >= SEARCH_LIMIT {
            found.truncate(SEARCH_LIMIT);
            return Ok(found);
        }
        asked *= 8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::example::code;

    #[test]
    fn officers_without_staff_records_are_listed_by_code() {
        let counts: BTreeMap<Code, u64> = [(code("OFF2"), 3)].into_iter().collect();
        let rows = officer_rows(&counts, &Organisation::default(), None);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].name.as_str(), rows[0].active_cases), ("OFF2", 3));
    }
}
