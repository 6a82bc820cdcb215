//! Interventions (docs/rules/practice.md#interventions; issue 3, item 9): the rate card
//! of services, referrals on a case and their end-of-service outcomes, and accredited
//! programme groups with waiting lists.
//!
//! A referral's life: referred -> accepted -> started -> completed, or cancelled (before it
//! started) or ended (stopped early once started). The fold keeps every date, so waiting
//! times can be measured later. The rate card is reference data, not case state: the fold
//! checks a referral against the case (its objectives and needs), and [`check_referral`]
//! checks it against a rate card where one is at hand.

use crate::assessment::NeedArea;
use crate::ids::{Code, Crn, InvalidValue, LocalId, Name, Note};
pub use crate::state::interventions::{Achievement, Closure, ObjectiveOutcome, Referral, ReferralStatus};
use crate::state::{CaseState, Rejected};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, VecDeque};

/// How a service is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMode {
    OneToOne,
    Group,
    Online,
}

/// A price in whole pence, more than zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Pence(u32);

impl Pence {
    pub fn new(pence: u32) -> Result<Self, InvalidValue> {
        if pence == 0 { Err(InvalidValue::new("price", "a service has a price above zero")) } else { Ok(Pence(pence)) }
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Pence {
    type Error = InvalidValue;
    fn try_from(p: u32) -> Result<Self, InvalidValue> {
        Pence::new(p)
    }
}

impl From<Pence> for u32 {
    fn from(p: Pence) -> u32 {
        p.0
    }
}

/// The most people in an accredited programme group (docs/rules/practice.md#interventions:
/// "Accredited programmes run in groups of up to 12 with waiting lists").
pub const PROGRAMME_GROUP_MAX: usize = 12;

/// One service on the rate card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: Code,
    pub name: Name,
    pub provider: Name,
    pub need: NeedArea,
    pub mode: DeliveryMode,
    /// Price per referral (a completed course of the service).
    pub price: Pence,
    /// Places at once: people in service together (a group's size for a group).
    pub capacity: u32,
    /// The boroughs it takes referrals from.
    pub boroughs: Vec<Code>,
    /// An accredited programme: delivered in groups of at most [`PROGRAMME_GROUP_MAX`].
    #[serde(default)]
    pub accredited: bool,
}

impl Service {
    /// Checks the service on its own; the error names the field.
    pub fn validate(&self) -> Result<(), InvalidValue> {
        if self.capacity == 0 {
            return Err(InvalidValue::new("capacity", format!("service {}: capacity must be at least 1", self.id)));
        }
        if self.boroughs.is_empty() {
            return Err(InvalidValue::new("boroughs", format!("service {}: name at least one borough", self.id)));
        }
        let mut seen = BTreeSet::new();
        if let Some(b) = self.boroughs.iter().find(|b| !seen.insert(*b)) {
            return Err(InvalidValue::new("boroughs", format!("service {}: borough {b} is listed twice", self.id)));
        }
        if self.accredited && self.mode != DeliveryMode::Group {
            return Err(InvalidValue::new(
                "mode",
                format!("service {}: an accredited programme runs in groups", self.id),
            ));
        }
        if self.accredited && self.capacity as usize > PROGRAMME_GROUP_MAX {
            return Err(InvalidValue::new(
                "capacity",
                format!("service {}: an accredited programme group is at most {PROGRAMME_GROUP_MAX}", self.id),
            ));
        }
        Ok(())
    }

    pub fn covers(&self, borough: &Code) -> bool {
        self.boroughs.contains(borough)
    }
}

/// The rate card: services with unique ids, each valid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateCard {
    services: Vec<Service>,
}

impl RateCard {
    pub fn new(services: Vec<Service>) -> Result<Self, InvalidValue> {
        let mut ids = BTreeSet::new();
        for s in &services {
            s.validate()?;
            if !ids.insert(&s.id) {
                return Err(InvalidValue::new("id", format!("service {} is on the rate card twice", s.id)));
            }
        }
        Ok(RateCard { services })
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn service(&self, id: &Code) -> Option<&Service> {
        self.services.iter().find(|s| &s.id == id)
    }

    /// The services for a need in a borough.
    pub fn for_need<'a>(&'a self, need: NeedArea, borough: &'a Code) -> impl Iterator<Item = &'a Service> + 'a {
        self.services.iter().filter(move |s| s.need == need && s.covers(borough))
    }
}

impl<'de> Deserialize<'de> for RateCard {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            services: Vec<Service>,
        }
        RateCard::new(Raw::deserialize(d)?.services).map_err(serde::de::Error::custom)
    }
}

/// Checks a referral against the rate card: the service exists, addresses one of the
/// referral's needs, and covers the person's borough.
pub fn check_referral(card: &RateCard, service: &Code, needs: &[NeedArea], borough: &Code) -> Result<(), InvalidValue> {
    let Some(s) = card.service(service) else {
        return Err(InvalidValue::new("service", format!("no service {service} on the rate card")));
    };
    if !needs.contains(&s.need) {
        return Err(InvalidValue::new(
            "needs",
            format!("service {service} addresses {}, which the referral does not name", s.need.label()),
        ));
    }
    if !s.covers(borough) {
        return Err(InvalidValue::new("service", format!("service {service} does not cover borough {borough}")));
    }
    Ok(())
}

fn reject<T>(field: &'static str, problem: impl Into<String>) -> Result<T, Rejected> {
    Err(Rejected { field, problem: problem.into() })
}

fn referral<'a>(case: &'a CaseState, id: &LocalId) -> Result<&'a Referral, Rejected> {
    match case.practice.referrals.iter().find(|r| &r.id == id) {
        Some(r) => Ok(r),
        None => reject("referral", format!("no referral {id} on this case")),
    }
}

fn referral_mut<'a>(case: &'a mut CaseState, id: &LocalId) -> &'a mut Referral {
    case.practice.referrals.iter_mut().find(|r| &r.id == id).expect("checked by the caller")
}

fn not_before(r: &Referral, on: Date) -> Result<(), Rejected> {
    if on < r.last_step() {
        return reject("on", format!("referral {}: a step cannot precede the last one ({})", r.id, r.last_step()));
    }
    Ok(())
}

/// A new referral: a new id, at least one objective, each on the plan, and needs each
/// addressed by one of those objectives.
pub(crate) fn refer(
    case: &mut CaseState,
    id: &LocalId,
    service: &Code,
    objectives: &[LocalId],
    needs: &[NeedArea],
    on: Date,
) -> Result<(), Rejected> {
    if case.practice.referrals.iter().any(|r| &r.id == id) {
        return reject("referral", format!("referral {id} already exists"));
    }
    if case.current_sentence().is_none() {
        return reject("type", "no active sentence to refer under");
    }
    if objectives.is_empty() {
        return reject("objectives", "a referral is linked to at least one sentence plan objective");
    }
    let mut seen = BTreeSet::new();
    for o in objectives {
        if !seen.insert(o) {
            return reject("objectives", format!("objective {o} is listed twice"));
        }
        if !case.objectives.iter().any(|x| &x.id == o) {
            return reject("objectives", format!("no objective {o} on the sentence plan"));
        }
    }
    if needs.is_empty() {
        return reject("needs", "name the need the referral addresses");
    }
    let linked = |n: &NeedArea| case.objectives.iter().any(|x| objectives.contains(&x.id) && x.needs.contains(n));
    if let Some(n) = needs.iter().find(|n| !linked(n)) {
        return reject("needs", format!("{} is not addressed by the linked objectives", n.label()));
    }
    case.practice.referrals.push(Referral {
        id: id.clone(),
        service: service.clone(),
        objectives: objectives.to_vec(),
        needs: needs.to_vec(),
        referred_on: on,
        accepted_on: None,
        started_on: None,
        closed: None,
        close_reason: None,
        outcomes: Vec::new(),
    });
    Ok(())
}

pub(crate) fn accept(case: &mut CaseState, id: &LocalId, on: Date) -> Result<(), Rejected> {
    let r = referral(case, id)?;
    if r.status() != ReferralStatus::Referred {
        return reject("referral", format!("referral {id} is not waiting to be accepted (it is {:?})", r.status()));
    }
    not_before(r, on)?;
    referral_mut(case, id).accepted_on = Some(on);
    Ok(())
}

pub(crate) fn start(case: &mut CaseState, id: &LocalId, on: Date) -> Result<(), Rejected> {
    let r = referral(case, id)?;
    if r.status() != ReferralStatus::Accepted {
        return reject("referral", format!("referral {id} must be accepted, and not yet started, to start"));
    }
    not_before(r, on)?;
    referral_mut(case, id).started_on = Some(on);
    Ok(())
}

/// Completed from started only; cancelled before it started; ended once started. A
/// cancellation or an early end needs a reason.
pub(crate) fn close(
    case: &mut CaseState,
    id: &LocalId,
    closure: Closure,
    reason: Option<&Note>,
    on: Date,
) -> Result<(), Rejected> {
    let r = referral(case, id)?;
    let status = r.status();
    let allowed = match closure {
        Closure::Completed | Closure::Ended => status == ReferralStatus::Started,
        Closure::Cancelled => matches!(status, ReferralStatus::Referred | ReferralStatus::Accepted),
    };
    if !allowed {
        let why = match closure {
            Closure::Completed => "only a started referral can be completed",
            Closure::Ended => "only a started referral can be ended (cancel one that has not started)",
            Closure::Cancelled => "only a referral that has not started can be cancelled (end one that has)",
        };
        return reject("closure", format!("referral {id}: {why}"));
    }
    if closure != Closure::Completed && reason.is_none() {
        return reject("reason", format!("referral {id}: record why it was cancelled or ended"));
    }
    not_before(r, on)?;
    let r = referral_mut(case, id);
    r.closed = Some((on, closure));
    r.close_reason = reason.cloned();
    Ok(())
}

/// End-of-service outcomes: only once the service is over (completed or ended), only for
/// linked objectives, each objective once per event. A later record corrects an earlier one.
pub(crate) fn record_outcomes(
    case: &mut CaseState,
    id: &LocalId,
    outcomes: &[ObjectiveOutcome],
) -> Result<(), Rejected> {
    let r = referral(case, id)?;
    if !matches!(r.status(), ReferralStatus::Closed(Closure::Completed | Closure::Ended)) {
        return reject(
            "referral",
            format!("referral {id}: outcomes are recorded when the service is completed or ended"),
        );
    }
    if outcomes.is_empty() {
        return reject("outcomes", "record at least one objective's outcome");
    }
    let mut seen = BTreeSet::new();
    for o in outcomes {
        if !seen.insert(&o.objective) {
            return reject("outcomes", format!("objective {} is listed twice", o.objective));
        }
        if !r.objectives.contains(&o.objective) {
            return reject("outcomes", format!("objective {} is not linked to referral {id}", o.objective));
        }
    }
    let r = referral_mut(case, id);
    for o in outcomes {
        r.outcomes.retain(|x| x.objective != o.objective);
        r.outcomes.push(o.clone());
    }
    Ok(())
}

/// Why a programme group refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("crn: {0} is already in the group or on its waiting list")]
    AlreadyJoined(Crn),
    #[error("crn: {0} is neither in the group nor on its waiting list")]
    NotJoined(Crn),
    #[error("type: the group has already started")]
    AlreadyStarted,
    #[error("type: a group starts with at least one member")]
    Empty,
}

/// An accredited programme group of at most [`PROGRAMME_GROUP_MAX`] people, with a waiting
/// list served in order. Nobody is ever both in the group and on the waiting list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProgrammeGroup {
    members: Vec<Crn>,
    waiting: VecDeque<Crn>,
    started_on: Option<Date>,
}

impl ProgrammeGroup {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn members(&self) -> &[Crn] {
        &self.members
    }

    pub fn waiting(&self) -> impl Iterator<Item = &Crn> {
        self.waiting.iter()
    }

    pub fn started_on(&self) -> Option<Date> {
        self.started_on
    }

    fn has_place(&self) -> bool {
        self.members.len() < PROGRAMME_GROUP_MAX
    }

    /// Joins the group if it has a place, has not started and nobody is waiting ahead;
    /// otherwise the waiting list. Returns whether they have a place in the group.
    pub fn join(&mut self, crn: Crn) -> Result<bool, GroupError> {
        if self.members.contains(&crn) || self.waiting.contains(&crn) {
            return Err(GroupError::AlreadyJoined(crn));
        }
        if self.started_on.is_none() && self.has_place() && self.waiting.is_empty() {
            self.members.push(crn);
            Ok(true)
        } else {
            self.waiting.push_back(crn);
            Ok(false)
        }
    }

    /// Starts the group: a closed group from then (later joiners wait for the next one).
    pub fn start(&mut self, on: Date) -> Result<(), GroupError> {
        if self.started_on.is_some() {
            return Err(GroupError::AlreadyStarted);
        }
        if self.members.is_empty() {
            return Err(GroupError::Empty);
        }
        self.started_on = Some(on);
        Ok(())
    }

    /// Leaves the group or the waiting list.
    pub fn leave(&mut self, crn: &Crn) -> Result<(), GroupError> {
        if let Some(i) = self.members.iter().position(|c| c == crn) {
            self.members.remove(i);
        } else if let Some(i) = self.waiting.iter().position(|c| c == crn) {
            self.waiting.remove(i);
        } else {
            return Err(GroupError::NotJoined(crn.clone()));
        }
        Ok(())
    }

    /// Fills free places from the head of the waiting list, in order, before the group
    /// starts (a started group is closed). Returns who was promoted.
    pub fn promote(&mut self) -> Vec<Crn> {
        let mut promoted = Vec::new();
        while self.started_on.is_none() && self.has_place() {
            let Some(next) = self.waiting.pop_front() else { break };
            self.members.push(next.clone());
            promoted.push(next);
        }
        promoted
    }
}
