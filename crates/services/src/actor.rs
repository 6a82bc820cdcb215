//! Who is acting, and what deciding their access reads: the shared snapshot of the
//! organisation, the limited-access lists and the grants at the request's access generation
//! (`snapshot`), so deciding on a page of cases costs no query. The rules themselves are in
//! [`crate::access`]; this module only gathers what they are asked about.

use crate::access::{self, CaseAccess, Place, User};
use crate::error::ServiceError;
use crate::snapshot::AccessSnapshot;
use crate::stores::Stores;
use domain::case::CaseState;
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::sync::Arc;
use store::{AccessStore, CaseStore};

/// A signed-in user acting through a use case, with what their request has already read of
/// the store (so a use case need not read it again).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user: &'a User,
    /// The access generation read with the session: the snapshot used is at least this new.
    pub access_generation: i64,
    /// For a request for a caseload: its officer (as in the path) and the caseload's version
    /// read with the session.
    pub known_caseload: Option<(&'a str, i64)>,
}

impl<'a> Actor<'a> {
    /// Records that this actor read the case `crn` at `now`, through `route` (the read audit
    /// every view of a person's record adds to).
    pub(crate) async fn record_read(
        self,
        stores: &Stores,
        now: jiff::Timestamp,
        crn: &Crn,
        route: &str,
    ) -> Result<(), ServiceError> {
        let username = self.user.username.to_string();
        let read = store::auth::CaseRead { crn: crn.clone(), username, at: now, route: route.to_owned() };
        Ok(stores.access.record_read(&read).await?)
    }

    /// An actor whose request has read nothing yet (the CLI, a test).
    pub fn new(user: &'a User) -> Self {
        Actor { user, access_generation: 0, known_caseload: None }
    }

    /// Who they are in what they record (`User::recorder`).
    pub fn recorder(&self) -> Code {
        self.user.recorder()
    }
}

static NO_GRANTS: BTreeSet<Crn> = BTreeSet::new();

/// What the access rules are asked about, for one actor on one day.
pub(crate) struct Facts<'a> {
    actor: Actor<'a>,
    pub(crate) snapshot: Arc<AccessSnapshot>,
    today: Date,
}

impl<'a> Facts<'a> {
    pub(crate) async fn load(stores: &Stores, actor: Actor<'a>, today: Date) -> Result<Self, ServiceError> {
        let snapshot = snapshot(stores, actor).await?;
        Ok(Facts { actor, snapshot, today })
    }

    pub(crate) fn org(&self) -> &Organisation {
        &self.snapshot.org
    }

    fn user(&self) -> &User {
        self.actor.user
    }

    /// Whether this actor may open `officer`'s caseload (`access::may_see_caseload_at`).
    pub(crate) fn may_see_caseload(&self, officer: &Code) -> bool {
        let place = self.snapshot.index.place_of_officer(officer, self.org());
        access::may_see_caseload_at(self.user(), officer, &place)
    }

    /// The name of the member of staff `code`, if the organisation has them.
    pub(crate) fn staff_name(&self, code: &Code) -> Option<String> {
        self.snapshot.index.staff_member(code, self.org()).map(|s| s.name.to_string())
    }

    fn granted(&self) -> &BTreeSet<Crn> {
        self.snapshot.grants.get(self.user().username.as_str()).unwrap_or(&NO_GRANTS)
    }

    /// What this actor may do with an allocated case, from any place it is reached from
    /// (`OrgIndex::places_of_case`: a transfer waiting reaches the receiving team too); an
    /// unallocated one is decided by [`Facts::access_any`], which finds where it waits.
    pub(crate) fn access(&self, case: &CaseSummary) -> CaseAccess {
        if case.transfer_to.is_none() {
            return self.access_at(case, &self.snapshot.index.place_of_case(case));
        }
        let places = self.snapshot.index.places_of_case(case);
        places.iter().map(|p| self.access_at(case, p)).max().unwrap_or(CaseAccess::None)
    }

    fn access_at(&self, case: &CaseSummary, place: &Place) -> CaseAccess {
        let entries = self.snapshot.limits.get(&case.crn).map_or(&[][..], Vec::as_slice);
        access::case_access(
            self.user(),
            place,
            self.granted().contains(&case.crn),
            entries,
            self.today,
            &self.snapshot.index,
        )
    }

    /// As [`Facts::access`], for any case: one waiting for allocation sits in the borough
    /// that received it, read from its record.
    pub(crate) async fn access_any(&self, stores: &Stores, case: &CaseSummary) -> Result<CaseAccess, ServiceError> {
        if case.team.is_some() || case.officer.is_some() {
            return Ok(self.access(case));
        }
        let place = awaiting_place(stores, &case.crn, self.org()).await?;
        Ok(self.access_at(case, &place))
    }

    /// The cases of `cases` this actor may see.
    pub(crate) async fn visible(
        &self,
        stores: &Stores,
        cases: Vec<CaseSummary>,
    ) -> Result<Vec<CaseSummary>, ServiceError> {
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            if self.access_any(stores, &case).await? != CaseAccess::None {
                out.push(case);
            }
        }
        Ok(out)
    }

    /// What a search may narrow its matches to for this actor (`access::search_reach`).
    pub(crate) fn search_reach(&self) -> Option<store::SearchReach> {
        access::search_reach(self.user(), &self.snapshot.index, self.granted())
    }

    /// The cases on a limited-access list that this actor may not see: counts must not
    /// include them, or a count would reveal them.
    pub(crate) fn barred(&self) -> Vec<&Crn> {
        self.snapshot
            .limits
            .iter()
            .filter(|(_, entries)| access::barred(&self.user().username, entries, self.today))
            .map(|(crn, _)| crn)
            .collect()
    }
}

/// What deciding access reads, the organisation with it, as kept in memory for the actor's
/// access generation: a page that needs the organisation takes it from here rather than
/// reading it from the store again.
pub(crate) async fn snapshot(
    stores: &Stores,
    actor: Actor<'_>,
) -> Result<std::sync::Arc<crate::snapshot::AccessSnapshot>, ServiceError> {
    Ok(stores.access_snapshot.at_least(&*stores.cases, &*stores.access, actor.access_generation).await?)
}

/// The organisation as kept for the actor's access generation: no read of the store when it
/// has not changed.
pub(crate) async fn organisation(stores: &Stores, actor: Actor<'_>) -> Result<Arc<Organisation>, ServiceError> {
    Ok(snapshot(stores, actor).await?.org.clone())
}

/// A case's state folded from its whole stream; a stream that does not fold is damage.
pub(crate) async fn folded(stores: &Stores, crn: &Crn) -> Result<CaseState, ServiceError> {
    let events = stores.cases.stream(crn).await?;
    CaseState::fold(crn.clone(), &events).map_err(|e| ServiceError::Internal(format!("case {crn}: {e}")))
}

/// Where a case waiting for allocation sits: the person's home borough, or, when the record
/// gives none, the borough of the member of staff who registered them (who received it).
pub(crate) async fn awaiting_place(stores: &Stores, crn: &Crn, org: &Organisation) -> Result<Place, ServiceError> {
    let events = stores.cases.stream(crn).await?;
    let state =
        CaseState::fold(crn.clone(), &events).map_err(|e| ServiceError::Internal(format!("case {crn}: {e}")))?;
    let home = state.person.as_ref().and_then(|p| p.home_borough.clone());
    let received = || events.first().and_then(|e| Place::of_officer(&e.recorded_by, org).borough);
    Ok(Place::awaiting_allocation(home.or_else(received).as_ref(), org))
}
