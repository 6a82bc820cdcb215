//! Generating a synthetic provider into a store, what the demo adds to it (a queue of cases
//! waiting for allocation, reductions of hours, reports), and the calibration statistics of a
//! store.

use crate::{ServiceError, Stores};
use domain::case::CaseState;
use domain::event::RecordedEvent;
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use jiff::Timestamp;
use store::{AccessStore, CaseStore, EventRow, LoadCase, StaffEqualityStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{0}")]
    Options(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Generates `opts.cases` cases into an EMPTY store in one transaction. The generator runs
/// batch by batch as the store asks for them, so memory stays flat at national scale. Then
/// the staff's declared characteristics and performance-improvement flags
/// (`synth::staff_equality`), in a second transaction of their own, recorded as at the
/// options' day (the clock pinned to it), so the same options give the same records.
pub async fn generate<S: CaseStore + StaffEqualityStore>(
    store: &S,
    opts: &synth::GenerateOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, GenerateError> {
    opts.validate().map_err(|e| GenerateError::Options(e.to_string()))?;
    let org = synth::organisation(opts);
    let batches = synth::cases(opts, &org).map_err(|e| GenerateError::Options(e.to_string()))?;
    let mut loads = batches.map(|batch| {
        batch.into_iter().map(|(crn, events)| LoadCase::from_events(crn, &events)).collect::<Result<Vec<_>, _>>()
    });
    let cases = store.bulk_load(&org, &mut loads, progress).await?;
    let staff = synth::staff_equality(opts, &org);
    let recorded_at = crate::clock::Clock::Fixed(opts.as_of).now();
    store.load_staff_equality(&staff.declared, &staff.flags, recorded_at).await?;
    Ok(cases)
}

/// The generator allocates every case it makes (its output is calibrated to the report), so
/// the demo adds a few new cases of people living in the borough of the demo SPO (the user
/// `spo`), sentenced and assessed (the tier follows) but not yet allocated: the SPO's team
/// view then has a queue. The cases are dated back from `now` and recorded by `SYSTEM` at
/// `now`; a case already there is left as it is, so a second run adds nothing. Returns the
/// SPO's team, or `None` when there is no such user or they have no team.
pub async fn seed_allocation_queue<S: CaseStore + AccessStore>(
    store: &S,
    org: &Organisation,
    now: Timestamp,
) -> Result<Option<Code>, StoreError> {
    use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
    use domain::event::CaseEvent;
    use domain::example;
    use domain::person::Gender;
    use domain::sentence::SentenceKind;
    let invalid = |e: domain::ids::InvalidValue| StoreError::Invalid(e.to_string());
    let Some(spo) = store.user("spo").await? else { return Ok(None) };
    let Some(team) = spo.scope_code.as_deref().map(Code::parse).transpose().map_err(invalid)? else {
        return Ok(None);
    };
    let borough = crate::access::Place::of_team(Some(&team), None, org).borough;
    let system = Code::parse("SYSTEM").map_err(invalid)?;
    let today = domain::case::uk_date(now);
    // (CRN, first name, family name, gender, days waiting, sentence, RoSH): W is the
    // generator's last CRN letter, reached only beyond 25 million cases.
    let waiting = [
        ("W000001", "Aisha", "Khan", Gender::Female, 9, SentenceKind::CommunityOrder, RoshLevel::Medium),
        ("W000002", "Daniel", "Murphy", Gender::Male, 6, SentenceKind::SuspendedSentenceOrder, RoshLevel::High),
        ("W000003", "Tomasz", "Nowak", Gender::Male, 3, SentenceKind::CommunityOrder, RoshLevel::Low),
        ("W000004", "Grace", "Adeyemi", Gender::Female, 1, SentenceKind::CommunityOrder, RoshLevel::Low),
    ];
    for (crn, first, family, gender, days, kind, rosh) in waiting {
        let crn = Crn::parse(crn).map_err(invalid)?;
        if store.summary(&crn).await?.is_some() {
            continue;
        }
        let on = today.saturating_sub(jiff::Span::new().days(days));
        let mut person = example::person(first, family);
        person.gender = gender;
        person.home_borough = borough.clone();
        let mut sentence = example::community_order("S1", on);
        sentence.kind = kind;
        let needs =
            [(NeedArea::Accommodation, NeedSeverity::Standard), (NeedArea::ThinkingBehaviour, NeedSeverity::Severe)];
        let events: Vec<_> = [
            CaseEvent::PersonRegistered { person },
            CaseEvent::SentenceImposed { sentence },
            CaseEvent::AssessmentCompleted { assessment: example::assessment("AS1", on, rosh, &needs) },
        ]
        .into_iter()
        .map(|e| example::new_event(on, e))
        .collect();
        crate::record::record_events(store, &crn, 0, &events, &system, now).await?;
    }
    Ok(Some(team))
}

/// The officers of `team` who hold caseloads (not its SPO), by code.
fn team_officers<'a>(org: &'a Organisation, team: &Code) -> Vec<&'a Code> {
    let mut officers: Vec<&Code> =
        org.staff.iter().filter(|s| &s.team == team && s.grade != domain::org::Grade::Spo).map(|s| &s.code).collect();
    officers.sort();
    officers
}

fn days_from(today: jiff::civil::Date, n: i64) -> Result<jiff::civil::Date, StoreError> {
    today.checked_add(jiff::Span::new().days(n)).map_err(|e| StoreError::Invalid(format!("demo dates: {e}")))
}

/// The demo's reductions, so the team view's capacity shows them: facility time at 20% for
/// the first officer of `team` (by code) and newly qualified protection, from a month ago,
/// for the second, recorded at `now` through the operator's use case
/// (`staff::record_reduction`). Returns the officers given one.
pub async fn demo_reductions(
    stores: &Stores,
    org: &Organisation,
    team: &Code,
    now: Timestamp,
) -> Result<Vec<Code>, ServiceError> {
    use analytics::workload::{Reduction, ReductionKind};
    let today = domain::case::uk_date(now);
    let month_ago =
        today.checked_sub(jiff::Span::new().months(1)).map_err(|e| StoreError::Invalid(format!("demo dates: {e}")))?;
    let kinds = [ReductionKind::FacilityTime { percent: 20 }, ReductionKind::NewlyQualified];
    let mut given = Vec::new();
    for (officer, kind) in team_officers(org, team).into_iter().zip(kinds) {
        let reduction = Reduction { kind, start: month_ago, end: None };
        crate::staff::record_reduction(stores, now, officer.clone(), reduction).await?;
        given.push(officer.clone());
    }
    Ok(given)
}

/// The demo's reports in preparation, so the team view's workload shows them: a standard
/// court report asked for a week ago on a person not yet a case, due in two weeks, and a
/// parole report asked for a fortnight ago on a custodial case of the officer's own (with no
/// CRN if they have none), due in four weeks, for the last two officers of `team` (by code;
/// both to one officer if the team has only one), recorded at `now` through the operator's use
/// case (`staff::record_report`). Returns the officers given one.
pub async fn demo_reports(
    stores: &Stores,
    org: &Organisation,
    team: &Code,
    now: Timestamp,
) -> Result<Vec<Code>, ServiceError> {
    use analytics::workload::{Report, ReportKind};
    let today = domain::case::uk_date(now);
    let days = |n: i64| days_from(today, n);
    let mut given = Vec::new();
    for (i, officer) in team_officers(org, team).into_iter().rev().cycle().take(2).enumerate() {
        let report = if i == 0 {
            Report {
                kind: ReportKind::StandardCourt,
                crn: None,
                requested: days(-7)?,
                due: Some(days(14)?),
                completed: None,
            }
        } else {
            // On one of the officer's custodial cases, if they have one.
            let custodial = Some(domain::sentence::SentenceKind::Custodial);
            let crn =
                stores.cases.caseload(officer).await?.into_iter().find(|c| c.sentence_kind == custodial).map(|c| c.crn);
            Report { kind: ReportKind::Parole, crn, requested: days(-14)?, due: Some(days(28)?), completed: None }
        };
        crate::staff::record_report(stores, now, officer.clone(), report).await?;
        if !given.contains(officer) {
            given.push(officer.clone());
        }
    }
    Ok(given)
}

/// Every case in the store, folded from its events.
pub async fn case_states<S: CaseStore + ?Sized>(store: &S) -> Result<Vec<CaseState>, StoreError> {
    let mut states = Vec::new();
    let mut current: Vec<RecordedEvent> = Vec::new();
    let finish = |events: &mut Vec<RecordedEvent>, states: &mut Vec<CaseState>| -> Result<(), StoreError> {
        if let Some(first) = events.first() {
            let crn: Crn = first.crn.clone();
            states.push(CaseState::fold(crn, events.iter()).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
        events.clear();
        Ok(())
    };
    store
        .export_events(&mut |row: EventRow| {
            let e = row
                .decode()
                .map_err(|(c, p)| StoreError::Corrupt(format!("event {}#{} {c}: {p}", row.crn, row.seq)))?;
            if current.first().is_some_and(|f| f.crn != e.crn) {
                finish(&mut current, &mut states)?;
            }
            current.push(e);
            Ok(())
        })
        .await?;
    finish(&mut current, &mut states)?;
    Ok(states)
}

/// The calibration figures of any store (`probity stats`).
pub async fn stats<S: CaseStore + ?Sized>(store: &S) -> Result<synth::Stats, StoreError> {
    let org = store.organisation().await?;
    let states = case_states(store).await?;
    Ok(synth::stats(&org, states.iter()))
}

/// The demo's unpaid work: synthetic projects (two a borough) with their supervisors, and this
/// week and next scheduled from today by the exact solver (`upw::schedule_week`), so the UPW
/// supervisor has sessions, registers and placements to work with. Scheduled as `by`; returns
/// the two weeks' reports.
pub async fn demo_unpaid_work(
    stores: &Stores,
    seed: u64,
    by: &Code,
    now: Timestamp,
) -> Result<Vec<crate::upw::ScheduleReport>, crate::upw::UpwError> {
    crate::upw::seed_synthetic_projects(stores, seed, 2).await?;
    let today = domain::case::uk_date(now);
    let monday = upw::project::monday_of(today);
    let mut reports = Vec::with_capacity(2);
    for week in [monday, days_from(monday, 7)?] {
        reports.push(crate::upw::schedule_week(stores, week, today, by, now).await?);
    }
    Ok(reports)
}
