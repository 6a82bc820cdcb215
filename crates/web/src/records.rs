//! The store as the web layer sees it: only the reads and the append it needs, behind a
//! trait object. Handlers are then plain functions, not generic over the engine, so the
//! route table can be listed (and checked against the OpenAPI document) without a store,
//! and the crate compiles its handlers once rather than once per engine.

use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use inspect::report::Report;
use jiff::Timestamp;
use jiff::civil::Date;
use services::inspection::{self, CaseWorkspace, InspectionError, SampleCaseView};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use store::auth::{AccessLists, CaseRead, LimitedAccess, SessionRecord, SignedInRecord, UserRecord};
use store::inspection::{InspectionRecord, InspectionStore};
use store::{AccessStore, CaseStore, MiStore, StoreError, UpwStore};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The case records a request may read or append to, and who may use them (users, sessions,
/// limited-access lists, granted cases, the audit of reads).
pub trait CaseRecords: Send + Sync + 'static {
    fn append<'a>(
        &'a self,
        crn: &'a Crn,
        expected_version: u64,
        events: &'a [NewEvent],
    ) -> BoxFuture<'a, Result<u64, StoreError>>;
    fn stream<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<RecordedEvent>, StoreError>>;
    fn caseload<'a>(&'a self, officer: &'a Code) -> BoxFuture<'a, Result<Vec<CaseSummary>, StoreError>>;
    fn caseload_version<'a>(&'a self, officer: &'a Code) -> BoxFuture<'a, Result<i64, StoreError>>;
    fn caseload_counts(&self) -> BoxFuture<'_, Result<BTreeMap<Code, u64>, StoreError>>;
    fn organisation(&self) -> BoxFuture<'_, Result<Organisation, StoreError>>;
    /// Appends `events` with the events that must follow them (a recalculated tier) in the
    /// same append (`services::record`), the follow-on recorded by `recorded_by`.
    fn record<'a>(
        &'a self,
        crn: &'a Crn,
        expected_version: u64,
        events: &'a [NewEvent],
        recorded_by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<u64, StoreError>>;
    fn summary<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Option<CaseSummary>, StoreError>>;
    fn all_summaries(&self) -> BoxFuture<'_, Result<Vec<CaseSummary>, StoreError>>;
    /// Active cases awaiting their first allocation (the allocation queues' cases).
    fn unallocated(&self) -> BoxFuture<'_, Result<Vec<CaseSummary>, StoreError>>;
    fn add_user<'a>(&'a self, user: &'a UserRecord) -> BoxFuture<'a, Result<(), StoreError>>;
    fn user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<UserRecord>, StoreError>>;
    fn users(&self) -> BoxFuture<'_, Result<Vec<UserRecord>, StoreError>>;
    fn update_user<'a>(&'a self, user: &'a UserRecord) -> BoxFuture<'a, Result<bool, StoreError>>;
    fn create_session<'a>(&'a self, session: &'a SessionRecord) -> BoxFuture<'a, Result<(), StoreError>>;
    fn session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>>;
    fn touch_session<'a>(&'a self, key: &'a str, at: Timestamp) -> BoxFuture<'a, Result<(), StoreError>>;
    fn signed_in<'a>(
        &'a self,
        key: &'a str,
        caseload_of: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<SignedInRecord>, StoreError>>;
    fn access_lists(&self) -> BoxFuture<'_, Result<AccessLists, StoreError>>;
    fn end_session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    /// A new password hash, every session of the user ended and `session` started, at once.
    fn change_password<'a>(
        &'a self,
        username: &'a str,
        password_hash: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    /// An administrator's reset: new hash, sessions ended, failures cleared, at once.
    fn reset_password<'a>(
        &'a self,
        username: &'a str,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    fn claim_sign_in_attempt<'a>(
        &'a self,
        username: &'a str,
        at: Timestamp,
        since: Timestamp,
        locked: &'a (dyn Fn(&[Timestamp]) -> bool + Sync),
    ) -> BoxFuture<'a, Result<Result<(), Vec<Timestamp>>, StoreError>>;
    fn record_failed_sign_in<'a>(&'a self, username: &'a str, at: Timestamp) -> BoxFuture<'a, Result<(), StoreError>>;
    fn failed_sign_ins_since(&self, since: Timestamp) -> BoxFuture<'_, Result<Vec<(String, Timestamp)>, StoreError>>;
    fn failed_sign_ins<'a>(
        &'a self,
        username: &'a str,
        since: Timestamp,
    ) -> BoxFuture<'a, Result<Vec<Timestamp>, StoreError>>;
    fn clear_failed_sign_ins<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    fn add_limited_access<'a>(&'a self, entry: &'a LimitedAccess) -> BoxFuture<'a, Result<i64, StoreError>>;
    fn remove_limited_access(&self, id: i64) -> BoxFuture<'_, Result<bool, StoreError>>;
    fn limited_access(&self) -> BoxFuture<'_, Result<Vec<LimitedAccess>, StoreError>>;
    fn limited_access_for<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<LimitedAccess>, StoreError>>;
    /// Every reduction of these officers' hours, whatever its dates (sickness, facility
    /// time, trainee and newly qualified protection), by staff code, start and id.
    fn reductions_for<'a>(
        &'a self,
        staff: &'a [Code],
    ) -> BoxFuture<'a, Result<Vec<store::workload::StaffReduction>, StoreError>>;
    /// Every report these officers are preparing or have completed, by staff code, day
    /// requested and id.
    fn reports_for<'a>(
        &'a self,
        staff: &'a [Code],
    ) -> BoxFuture<'a, Result<Vec<store::workload::StaffReport>, StoreError>>;
    /// The limited-access entries of these cases only (by CRN, then id).
    fn limited_access_for_cases<'a>(&'a self, crns: &'a [Crn])
    -> BoxFuture<'a, Result<Vec<LimitedAccess>, StoreError>>;
    /// People by CRN or family-name prefix, ignoring case, by name, at most `limit`.
    fn search_people<'a>(&'a self, query: &'a str, limit: usize)
    -> BoxFuture<'a, Result<Vec<CaseSummary>, StoreError>>;
    /// The organisation around some staff and teams: them and the places above them.
    fn organisation_around<'a>(
        &'a self,
        staff: &'a [Code],
        teams: &'a [Code],
    ) -> BoxFuture<'a, Result<Organisation, StoreError>>;
    fn granted_cases<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Vec<Crn>, StoreError>>;
    fn record_read<'a>(&'a self, read: &'a CaseRead) -> BoxFuture<'a, Result<(), StoreError>>;
    fn reads_of<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<CaseRead>, StoreError>>;

    // Inspection (issue 7): the workspace's reads and its one write, via `services::inspection`.
    fn inspections(&self) -> BoxFuture<'_, Result<Vec<InspectionRecord>, StoreError>>;
    /// The CRNs of an inspection's sample, in order; `None` when there is no such inspection.
    fn inspection_crns<'a>(&'a self, id: &'a Code) -> BoxFuture<'a, Result<Option<Vec<Crn>>, StoreError>>;
    fn inspection_sample<'a>(&'a self, id: &'a Code) -> BoxFuture<'a, Result<Vec<SampleCaseView>, InspectionError>>;
    fn inspection_case<'a>(
        &'a self,
        id: &'a Code,
        crn: &'a str,
        today: Date,
    ) -> BoxFuture<'a, Result<CaseWorkspace, InspectionError>>;
    fn inspection_answer<'a>(&'a self, answer: InspectionAnswer<'a>) -> BoxFuture<'a, Result<(), InspectionError>>;
    fn inspection_findings<'a>(&'a self, id: &'a Code) -> BoxFuture<'a, Result<Report, InspectionError>>;

    // Unpaid work (issue 5): the week's schedule and the supervisor's record, via `services::upw`.
    fn upw_projects(&self) -> BoxFuture<'_, Result<Vec<upw::project::Project>, StoreError>>;
    fn upw_supervisors(&self) -> BoxFuture<'_, Result<Vec<upw::project::Supervisor>, StoreError>>;
    fn upw_absences(
        &self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> BoxFuture<'_, Result<Vec<(Code, jiff::civil::Date)>, StoreError>>;
    fn upw_session<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<store::upw::StoredSession>, StoreError>>;
    fn upw_allocations(
        &self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> BoxFuture<'_, Result<Vec<store::upw::Allocation>, StoreError>>;
    fn upw_schedule_week<'a>(
        &'a self,
        monday: jiff::civil::Date,
        today: jiff::civil::Date,
        by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<services::upw::ScheduleReport, services::upw::UpwError>>;
    fn upw_supervisor_absent<'a>(
        &'a self,
        supervisor: &'a Code,
        on: jiff::civil::Date,
        notice: upw::policy::AbsenceNotice,
        by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<services::upw::AbsenceReport, services::upw::UpwError>>;
    fn upw_record_attendance<'a>(
        &'a self,
        crn: &'a Crn,
        appointment: &'a domain::ids::LocalId,
        outcome: domain::contact::Outcome,
        timesheet: Option<domain::unpaid_work::Timesheet>,
        by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<u64, services::upw::UpwError>>;
    fn upw_progress<'a>(
        &'a self,
        crn: &'a Crn,
        today: jiff::civil::Date,
    ) -> BoxFuture<'a, Result<Vec<upw::progress::Progress>, services::upw::UpwError>>;
    fn upw_placement_notice<'a>(
        &'a self,
        crn: &'a Crn,
        appointment: &'a domain::ids::LocalId,
    ) -> BoxFuture<'a, Result<String, services::upw::UpwError>>;
    fn upw_allocate<'a>(
        &'a self,
        crn: &'a Crn,
        session: &'a str,
        recurrence: upw::allocate::Recurrence,
        today: jiff::civil::Date,
        by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<services::upw::Allocated, services::upw::UpwError>>;

    // Management information (issue 6): figures from the MI projection (`store::MiStore`).
    fn mi_figures<'a>(
        &'a self,
        measure: analytics::measures::MeasureId,
        scope: &'a analytics::measures::Scope,
        from: Date,
        to: Date,
        grouping: analytics::measures::Grouping,
    ) -> BoxFuture<'a, Result<Vec<analytics::measures::Figure>, StoreError>>;

    // Proven reoffending and disproportionality (issue 6 items 3 and 4: `store::MiOutcomeStore`).
    fn mi_reoffending(
        &self,
        by: store::mi_outcomes::PlaceLevel,
    ) -> BoxFuture<'_, Result<Vec<store::mi_outcomes::CohortRates>, StoreError>>;

    fn mi_disproportionality<'a>(
        &'a self,
        outcome: analytics::outcomes::OutcomeKind,
        characteristic: analytics::outcomes::Characteristic,
        policy: &'a analytics::proportion::SuppressionPolicy,
    ) -> BoxFuture<'a, Result<store::mi_outcomes::DisproportionalityTable, StoreError>>;

    // Disproportionality in a staff process (issue 6 item 4: `store::StaffEqualityStore`).
    fn staff_disproportionality<'a>(
        &'a self,
        process: domain::staff::FlagKind,
        characteristic: analytics::outcomes::Characteristic,
        period: analytics::staff_process::Period,
        policy: &'a analytics::proportion::SuppressionPolicy,
    ) -> BoxFuture<'a, Result<analytics::staff_process::StaffProcessTable, StoreError>>;
}

/// An inspector's answer to one question of one sampled case.
pub struct InspectionAnswer<'a> {
    pub inspection: &'a Code,
    pub crn: &'a str,
    pub question: &'a str,
    pub answer: &'a str,
    pub note: Option<&'a str>,
    pub by: &'a Code,
}

impl<
    S: CaseStore
        + AccessStore
        + InspectionStore
        + UpwStore
        + MiStore
        + store::WorkloadStore
        + store::MiOutcomeStore
        + store::StaffEqualityStore,
> CaseRecords for S
{
    fn append<'a>(
        &'a self,
        crn: &'a Crn,
        expected_version: u64,
        events: &'a [NewEvent],
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(CaseStore::append(self, crn, expected_version, events))
    }
    fn stream<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<RecordedEvent>, StoreError>> {
        Box::pin(CaseStore::stream(self, crn))
    }
    fn caseload<'a>(&'a self, officer: &'a Code) -> BoxFuture<'a, Result<Vec<CaseSummary>, StoreError>> {
        Box::pin(CaseStore::caseload(self, officer))
    }
    fn caseload_version<'a>(&'a self, officer: &'a Code) -> BoxFuture<'a, Result<i64, StoreError>> {
        Box::pin(CaseStore::caseload_version(self, officer))
    }
    fn caseload_counts(&self) -> BoxFuture<'_, Result<BTreeMap<Code, u64>, StoreError>> {
        Box::pin(CaseStore::caseload_counts(self))
    }
    fn organisation(&self) -> BoxFuture<'_, Result<Organisation, StoreError>> {
        Box::pin(CaseStore::organisation(self))
    }
    fn record<'a>(
        &'a self,
        crn: &'a Crn,
        expected_version: u64,
        events: &'a [NewEvent],
        recorded_by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(services::record::record_events(self, crn, expected_version, events, recorded_by, now))
    }
    fn summary<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Option<CaseSummary>, StoreError>> {
        Box::pin(CaseStore::summary(self, crn))
    }
    fn all_summaries(&self) -> BoxFuture<'_, Result<Vec<CaseSummary>, StoreError>> {
        Box::pin(CaseStore::all_summaries(self))
    }
    fn unallocated(&self) -> BoxFuture<'_, Result<Vec<CaseSummary>, StoreError>> {
        Box::pin(CaseStore::unallocated(self))
    }
    fn add_user<'a>(&'a self, user: &'a UserRecord) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::add_user(self, user))
    }
    fn user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<UserRecord>, StoreError>> {
        Box::pin(AccessStore::user(self, username))
    }
    fn users(&self) -> BoxFuture<'_, Result<Vec<UserRecord>, StoreError>> {
        Box::pin(AccessStore::users(self))
    }
    fn update_user<'a>(&'a self, user: &'a UserRecord) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(AccessStore::update_user(self, user))
    }
    fn create_session<'a>(&'a self, session: &'a SessionRecord) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::create_session(self, session))
    }
    fn session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>> {
        Box::pin(AccessStore::session(self, key))
    }
    fn touch_session<'a>(&'a self, key: &'a str, at: Timestamp) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::touch_session(self, key, at))
    }
    fn signed_in<'a>(
        &'a self,
        key: &'a str,
        caseload_of: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<SignedInRecord>, StoreError>> {
        Box::pin(AccessStore::signed_in(self, key, caseload_of))
    }
    fn access_lists(&self) -> BoxFuture<'_, Result<AccessLists, StoreError>> {
        Box::pin(AccessStore::access_lists(self))
    }
    fn end_session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::end_session(self, key))
    }
    fn change_password<'a>(
        &'a self,
        username: &'a str,
        password_hash: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(AccessStore::change_password(self, username, password_hash, session))
    }
    fn reset_password<'a>(
        &'a self,
        username: &'a str,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(AccessStore::reset_password(self, username, password_hash))
    }
    fn claim_sign_in_attempt<'a>(
        &'a self,
        username: &'a str,
        at: Timestamp,
        since: Timestamp,
        locked: &'a (dyn Fn(&[Timestamp]) -> bool + Sync),
    ) -> BoxFuture<'a, Result<Result<(), Vec<Timestamp>>, StoreError>> {
        Box::pin(AccessStore::claim_sign_in_attempt(self, username, at, since, locked))
    }
    fn failed_sign_ins_since(&self, since: Timestamp) -> BoxFuture<'_, Result<Vec<(String, Timestamp)>, StoreError>> {
        Box::pin(AccessStore::failed_sign_ins_since(self, since))
    }
    fn record_failed_sign_in<'a>(&'a self, username: &'a str, at: Timestamp) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::record_failed_sign_in(self, username, at))
    }
    fn failed_sign_ins<'a>(
        &'a self,
        username: &'a str,
        since: Timestamp,
    ) -> BoxFuture<'a, Result<Vec<Timestamp>, StoreError>> {
        Box::pin(AccessStore::failed_sign_ins(self, username, since))
    }
    fn clear_failed_sign_ins<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::clear_failed_sign_ins(self, username))
    }
    fn add_limited_access<'a>(&'a self, entry: &'a LimitedAccess) -> BoxFuture<'a, Result<i64, StoreError>> {
        Box::pin(AccessStore::add_limited_access(self, entry))
    }
    fn remove_limited_access(&self, id: i64) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(AccessStore::remove_limited_access(self, id))
    }
    fn limited_access(&self) -> BoxFuture<'_, Result<Vec<LimitedAccess>, StoreError>> {
        Box::pin(AccessStore::limited_access(self))
    }
    fn limited_access_for<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<LimitedAccess>, StoreError>> {
        Box::pin(AccessStore::limited_access_for(self, crn))
    }
    fn limited_access_for_cases<'a>(
        &'a self,
        crns: &'a [Crn],
    ) -> BoxFuture<'a, Result<Vec<LimitedAccess>, StoreError>> {
        Box::pin(AccessStore::limited_access_for_cases(self, crns))
    }
    fn reductions_for<'a>(
        &'a self,
        staff: &'a [Code],
    ) -> BoxFuture<'a, Result<Vec<store::workload::StaffReduction>, StoreError>> {
        Box::pin(store::WorkloadStore::reductions_for(self, staff))
    }
    fn reports_for<'a>(
        &'a self,
        staff: &'a [Code],
    ) -> BoxFuture<'a, Result<Vec<store::workload::StaffReport>, StoreError>> {
        Box::pin(store::WorkloadStore::reports_for(self, staff))
    }
    fn search_people<'a>(
        &'a self,
        query: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<CaseSummary>, StoreError>> {
        Box::pin(CaseStore::search_people(self, query, limit))
    }
    fn organisation_around<'a>(
        &'a self,
        staff: &'a [Code],
        teams: &'a [Code],
    ) -> BoxFuture<'a, Result<Organisation, StoreError>> {
        Box::pin(CaseStore::organisation_around(self, staff, teams))
    }
    fn granted_cases<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Vec<Crn>, StoreError>> {
        Box::pin(AccessStore::granted_cases(self, username))
    }
    fn record_read<'a>(&'a self, read: &'a CaseRead) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::record_read(self, read))
    }
    fn reads_of<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<CaseRead>, StoreError>> {
        Box::pin(AccessStore::reads_of(self, crn))
    }

    fn inspections(&self) -> BoxFuture<'_, Result<Vec<InspectionRecord>, StoreError>> {
        Box::pin(InspectionStore::inspections(self))
    }
    fn inspection_crns<'a>(&'a self, id: &'a Code) -> BoxFuture<'a, Result<Option<Vec<Crn>>, StoreError>> {
        Box::pin(async move {
            if InspectionStore::inspection(self, id).await?.is_none() {
                return Ok(None);
            }
            Ok(Some(InspectionStore::inspection_cases(self, id).await?.into_iter().map(|c| c.crn).collect()))
        })
    }
    fn inspection_sample<'a>(&'a self, id: &'a Code) -> BoxFuture<'a, Result<Vec<SampleCaseView>, InspectionError>> {
        Box::pin(inspection::sample_cases(self, id))
    }
    fn inspection_case<'a>(
        &'a self,
        id: &'a Code,
        crn: &'a str,
        today: Date,
    ) -> BoxFuture<'a, Result<CaseWorkspace, InspectionError>> {
        Box::pin(inspection::case_workspace(self, id, crn, today))
    }
    fn inspection_answer<'a>(&'a self, a: InspectionAnswer<'a>) -> BoxFuture<'a, Result<(), InspectionError>> {
        Box::pin(async move {
            inspection::answer(self, a.inspection, a.crn, a.question, a.answer, a.note, a.by).await.map(|_| ())
        })
    }
    fn inspection_findings<'a>(&'a self, id: &'a Code) -> BoxFuture<'a, Result<Report, InspectionError>> {
        // No comparison figures or standard ratings are configured for the workspace yet:
        // the findings are the sample's own.
        Box::pin(async move { inspection::findings(self, id, &BTreeMap::new(), &BTreeMap::new()).await })
    }

    fn upw_projects(&self) -> BoxFuture<'_, Result<Vec<upw::project::Project>, StoreError>> {
        Box::pin(UpwStore::projects(self))
    }
    fn upw_supervisors(&self) -> BoxFuture<'_, Result<Vec<upw::project::Supervisor>, StoreError>> {
        Box::pin(UpwStore::supervisors(self))
    }
    fn upw_absences(
        &self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> BoxFuture<'_, Result<Vec<(Code, jiff::civil::Date)>, StoreError>> {
        Box::pin(UpwStore::absences(self, from, to))
    }
    fn upw_session<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<store::upw::StoredSession>, StoreError>> {
        Box::pin(UpwStore::session(self, id))
    }
    fn upw_allocations(
        &self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> BoxFuture<'_, Result<Vec<store::upw::Allocation>, StoreError>> {
        Box::pin(UpwStore::allocations(self, from, to))
    }
    fn upw_schedule_week<'a>(
        &'a self,
        monday: jiff::civil::Date,
        today: jiff::civil::Date,
        by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<services::upw::ScheduleReport, services::upw::UpwError>> {
        Box::pin(services::upw::schedule_week(self, monday, today, by, now))
    }
    fn upw_supervisor_absent<'a>(
        &'a self,
        supervisor: &'a Code,
        on: jiff::civil::Date,
        notice: upw::policy::AbsenceNotice,
        by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<services::upw::AbsenceReport, services::upw::UpwError>> {
        Box::pin(services::upw::supervisor_absent(self, supervisor, on, notice, by, now))
    }
    fn upw_record_attendance<'a>(
        &'a self,
        crn: &'a Crn,
        appointment: &'a domain::ids::LocalId,
        outcome: domain::contact::Outcome,
        timesheet: Option<domain::unpaid_work::Timesheet>,
        by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<u64, services::upw::UpwError>> {
        Box::pin(services::upw::record_attendance(self, crn, appointment, outcome, timesheet, by, now))
    }
    fn upw_progress<'a>(
        &'a self,
        crn: &'a Crn,
        today: jiff::civil::Date,
    ) -> BoxFuture<'a, Result<Vec<upw::progress::Progress>, services::upw::UpwError>> {
        // The hours-reduction incentive is a policy switch, off by default (issue 5).
        Box::pin(async move { services::upw::progress(self, crn, today, &Default::default()).await })
    }
    fn upw_placement_notice<'a>(
        &'a self,
        crn: &'a Crn,
        appointment: &'a domain::ids::LocalId,
    ) -> BoxFuture<'a, Result<String, services::upw::UpwError>> {
        Box::pin(services::upw::placement_notice(self, crn, appointment))
    }
    fn upw_allocate<'a>(
        &'a self,
        crn: &'a Crn,
        session: &'a str,
        recurrence: upw::allocate::Recurrence,
        today: jiff::civil::Date,
        by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<services::upw::Allocated, services::upw::UpwError>> {
        Box::pin(services::upw::allocate(self, crn, session, recurrence, today, by, now))
    }

    fn mi_figures<'a>(
        &'a self,
        measure: analytics::measures::MeasureId,
        scope: &'a analytics::measures::Scope,
        from: Date,
        to: Date,
        grouping: analytics::measures::Grouping,
    ) -> BoxFuture<'a, Result<Vec<analytics::measures::Figure>, StoreError>> {
        Box::pin(MiStore::mi_figures(self, measure, scope, from, to, grouping))
    }

    fn mi_reoffending(
        &self,
        by: store::mi_outcomes::PlaceLevel,
    ) -> BoxFuture<'_, Result<Vec<store::mi_outcomes::CohortRates>, StoreError>> {
        Box::pin(store::MiOutcomeStore::mi_reoffending(self, by))
    }

    fn mi_disproportionality<'a>(
        &'a self,
        outcome: analytics::outcomes::OutcomeKind,
        characteristic: analytics::outcomes::Characteristic,
        policy: &'a analytics::proportion::SuppressionPolicy,
    ) -> BoxFuture<'a, Result<store::mi_outcomes::DisproportionalityTable, StoreError>> {
        Box::pin(store::MiOutcomeStore::mi_disproportionality(self, outcome, characteristic, policy))
    }

    fn staff_disproportionality<'a>(
        &'a self,
        process: domain::staff::FlagKind,
        characteristic: analytics::outcomes::Characteristic,
        period: analytics::staff_process::Period,
        policy: &'a analytics::proportion::SuppressionPolicy,
    ) -> BoxFuture<'a, Result<analytics::staff_process::StaffProcessTable, StoreError>> {
        Box::pin(store::StaffEqualityStore::staff_disproportionality(self, process, characteristic, period, policy))
    }
}
