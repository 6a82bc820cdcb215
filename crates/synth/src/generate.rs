//! One case at a time: a person, their sentences, officers, assessments, plan and contacts,
//! and the practice around them (warnings, breach and recall, plan gaps explained or not;
//! see `practice`), as the events the case record would hold.
//!
//! Every case is a pure function of (options, organisation, case index): it draws from its
//! own random stream and its own point of the stratified sequence, so cases can be made in
//! any order, batch size or thread.

use crate::calibration as cal;
use crate::draw::{DIMS, Day, Strata, case_rng, date_of, day_of, months, pick, weekday};
use crate::{GenerateError, GenerateOptions, crn, london, names};
use domain::assessment::{Assessment, NeedArea, NeedSeverity, Ogrs4, Percent, RiskGroup, RoshLevel};
use domain::contact::{AbsenceReason, Appointment, ContactKind, Outcome, RescheduledBy, SentHomeReason};
use domain::event::{AllocationReason, CaseEvent, RecordedEvent, SentenceOutcome};
use domain::ids::{Code, Crn, LocalId, Name, Note, Pnc};
use domain::org::{Grade, Organisation};
use domain::person::{EmploymentStatus, Gender, PersonDetails};
use domain::plan::{Objective, ObjectiveOwner};
use domain::sentence::{CustodyTerms, LicenceCondition, Requirement, RequirementKind, Sentence, SentenceKind};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rand::RngExt;
use rand::rngs::StdRng;
use std::collections::BTreeMap;

mod practice;
mod reoffending;
mod tiering;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// Share of earlier sentences that were custodial. Assumption.
const PRIOR_CUSTODIAL: f64 = 0.3;
/// How far back ended sentences reach: a national run holds ten years of contacts.
const HISTORY_DAYS: Day = 3_652;

struct OfficerRef {
    /// Index into `Generator::codes`.
    code: u32,
    team: u32,
}

struct TeamRef {
    code: Code,
    /// Who records allocations for the team: its SPO (or, lacking one, an officer).
    manager: u32,
}

struct BoroughRef {
    code: Option<Code>,
    /// Index into `Generator::pools`: the officers who supervise people living here.
    pool: usize,
}

/// Makes the cases of one run. Holds only owned data, so it can move to another thread or
/// be shared between threads (`Sync`).
pub struct Generator {
    opts: GenerateOptions,
    strata: Strata,
    as_of: Day,
    /// The start of the reference date, UK time, in Unix seconds: nothing occurs at or after it.
    cutoff: i64,
    tz: TimeZone,
    /// UK offset from UTC (seconds) on each day from `offset_base`, for working hours.
    offset_base: Day,
    offsets: Vec<i32>,
    holidays: Vec<Day>,
    codes: Vec<Code>,
    officers: Vec<OfficerRef>,
    teams: Vec<TeamRef>,
    boroughs: Vec<BoroughRef>,
    /// Cumulative borough weights, for choosing where a person lives.
    borough_cdf: Vec<f64>,
    pools: Vec<Vec<u32>>,
}

impl Generator {
    /// Prepares a run over any valid organisation (usually [`crate::organisation`]'s): cases
    /// go to its case-holding officers (PO, PSO, PQiP) in proportion to where people live.
    pub fn new(opts: &GenerateOptions, org: &Organisation) -> Result<Self, GenerateError> {
        opts.validate()?;
        let mut codes = Vec::with_capacity(org.staff.len());
        let team_index: BTreeMap<&Code, u32> = org.teams.iter().enumerate().map(|(i, t)| (&t.code, i as u32)).collect();
        let mut teams: Vec<TeamRef> =
            org.teams.iter().map(|t| TeamRef { code: t.code.clone(), manager: u32::MAX }).collect();
        let mut officers = Vec::new();
        for s in &org.staff {
            let Some(&team) = team_index.get(&s.team) else { continue };
            let code = codes.len() as u32;
            codes.push(s.code.clone());
            if s.grade == Grade::Spo {
                if teams[team as usize].manager == u32::MAX {
                    teams[team as usize].manager = code;
                }
            } else {
                officers.push(OfficerRef { code, team });
            }
        }
        if officers.is_empty() {
            return Err(GenerateError::NoOfficers);
        }
        for (i, t) in teams.iter_mut().enumerate() {
            if t.manager == u32::MAX {
                let own = officers.iter().find(|o| o.team as usize == i).unwrap_or(&officers[0]);
                t.manager = own.code;
            }
        }

        // Officers by office, then a pool per borough: its own offices', else the office
        // that serves it in the London table, else its area's, else everyone.
        let mut by_office: BTreeMap<&Code, Vec<u32>> = BTreeMap::new();
        for (i, o) in officers.iter().enumerate() {
            by_office.entry(&org.teams[o.team as usize].office).or_default().push(i as u32);
        }
        let everyone: Vec<u32> = (0..officers.len() as u32).collect();
        let mut pools = Vec::new();
        let mut boroughs = Vec::new();
        let mut weights = Vec::new();
        for b in &org.boroughs {
            let row = london::BOROUGHS.iter().find(|r| r.code == b.code.as_str());
            let mut offices: Vec<&Code> = org.offices.iter().filter(|o| o.borough == b.code).map(|o| &o.code).collect();
            if offices.is_empty()
                && let Some(r) = row
                && let Some(o) = org.offices.iter().find(|o| o.code.as_str() == london::OFFICES[r.office].code)
            {
                offices.push(&o.code);
            }
            if offices.is_empty() {
                let in_area: Vec<&Code> = org.boroughs.iter().filter(|x| x.area == b.area).map(|x| &x.code).collect();
                offices = org.offices.iter().filter(|o| in_area.contains(&&o.borough)).map(|o| &o.code).collect();
            }
            let mut pool: Vec<u32> = offices.iter().filter_map(|o| by_office.get(o)).flatten().copied().collect();
            if pool.is_empty() {
                pool = everyone.clone();
            }
            boroughs.push(BoroughRef { code: Some(b.code.clone()), pool: pools.len() });
            pools.push(pool);
            weights.push(row.map_or(1.0, |r| r.weight));
        }
        if boroughs.is_empty() {
            boroughs.push(BoroughRef { code: None, pool: 0 });
            pools.push(everyone);
            weights.push(1.0);
        }
        let mut borough_cdf = Vec::with_capacity(weights.len());
        let mut acc = 0.0;
        for w in weights {
            acc += w;
            borough_cdf.push(acc);
        }

        let tz = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
        let as_of = day_of(opts.as_of);
        let cutoff =
            tz.to_timestamp(opts.as_of.at(0, 0, 0, 0)).map_err(|_| GenerateError::AsOfOutOfRange(opts.as_of))?;
        // Histories reach back ten years plus a prior sentence; bookings a few weeks ahead.
        let offset_base = as_of - HISTORY_DAYS - 6 * 366;
        let offsets = (offset_base..as_of + 120)
            .map(|d| {
                let noon = Timestamp::from_second(i64::from(d) * DAY + 12 * HOUR).expect("in range");
                tz.to_offset(noon).seconds()
            })
            .collect();
        let first_year = date_of(offset_base).year();
        let mut holidays: Vec<Day> =
            (first_year..=opts.as_of.year() + 1).flat_map(domain::calendar::bank_holidays).map(day_of).collect();
        holidays.sort_unstable();

        Ok(Self {
            opts: opts.clone(),
            strata: Strata::new(opts.seed),
            as_of,
            cutoff: cutoff.as_second(),
            tz,
            offset_base,
            offsets,
            holidays,
            codes,
            officers,
            teams,
            boroughs,
            borough_cdf,
            pools,
        })
    }

    pub fn options(&self) -> &GenerateOptions {
        &self.opts
    }

    /// Case number `index` (0-based) of the run: its CRN and its whole event stream, in order.
    ///
    /// # Panics
    /// If `index` is beyond the CRNs available (see [`crate::MAX_CASES`]).
    pub fn case(&self, index: u64) -> (Crn, Vec<RecordedEvent>) {
        let crn = crn(index).expect("case index within the CRN range");
        let mut c = CaseMaker {
            g: self,
            rng: case_rng(self.opts.seed, index),
            u: self.strata.point(index),
            out: Vec::with_capacity(128),
            allocations: Vec::with_capacity(4),
            spo: 0,
            contacts: 0,
            assessments: 0,
            objectives: 0,
            needs: [None; 10],
            rosh: RoshLevel::Low,
            ogrs: 50.0,
            rsr: 1.0,
            risky: false,
            stop: 0,
            failures: Vec::new(),
            trail: practice::Trail::default(),
            plan_state: practice::PlanState::default(),
        };
        c.run();
        let events = tiering::with_tiers(&crn, c.finish(&crn));
        let cutoff = Timestamp::from_second(self.cutoff).expect("in range");
        let events = reoffending::with_reoffences(self.opts.seed, index, cutoff, events);
        (crn, events)
    }

    fn offset(&self, day: Day) -> i64 {
        match usize::try_from(day - self.offset_base).ok().and_then(|i| self.offsets.get(i)) {
            Some(o) => i64::from(*o),
            None => {
                let noon = Timestamp::from_second(i64::from(day) * DAY + 12 * HOUR).expect("in range");
                i64::from(self.tz.to_offset(noon).seconds())
            }
        }
    }

    /// Unix seconds of a UK local time (minutes after midnight) during the working day.
    fn at(&self, day: Day, minute: i32) -> i64 {
        i64::from(day) * DAY + i64::from(minute) * 60 - self.offset(day)
    }

    fn is_business_day(&self, d: Day) -> bool {
        weekday(d) < 5 && self.holidays.binary_search(&d).is_err()
    }

    fn next_business_day(&self, mut d: Day) -> Day {
        while !self.is_business_day(d) {
            d += 1;
        }
        d
    }

    fn add_business_days(&self, mut d: Day, n: u32) -> Day {
        for _ in 0..n {
            d = self.next_business_day(d + 1);
        }
        d
    }

    fn borough(&self, u: f64) -> usize {
        let total = self.borough_cdf[self.borough_cdf.len() - 1];
        self.borough_cdf.partition_point(|c| *c <= u * total).min(self.borough_cdf.len() - 1)
    }
}

/// An event waiting for its place in the stream.
struct Pending {
    at: i64,
    recorded: i64,
    by: u32,
    event: CaseEvent,
}

/// A sentence before it is dated: lengths are days from the sentence date.
struct Plan {
    kind: SentenceKind,
    length: Day,
    release: Day,
    licence_end: Day,
    pss: bool,
    requirements: Vec<RequirementKind>,
    conditions: Vec<LicenceCondition>,
    /// Days from the sentence date to its end, and how it ended (`None`: still running).
    ending: Option<(Day, SentenceOutcome)>,
}

impl Plan {
    fn stop(&self) -> Day {
        self.ending.map_or(self.length, |(e, _)| e)
    }
}

/// What happened at an appointment, before it becomes one or two outcome events.
#[derive(Clone, Copy)]
enum Draw {
    Complied,
    FailedToComply,
    SentHome(SentHomeReason),
    Acceptable,
    Unacceptable,
    /// Failed to attend, later judged acceptable or not.
    Fta(bool),
    Rescheduled(RescheduledBy),
}

/// Outcome shares, per thousand appointments. Assumption: the great majority attend and
/// comply; a case heading for breach or recall fails far more often.
const SUPERVISION: [(Draw, f64); 9] = [
    (Draw::Complied, 820.0),
    (Draw::FailedToComply, 15.0),
    (Draw::SentHome(SentHomeReason::Behaviour), 3.0),
    (Draw::Acceptable, 60.0),
    (Draw::Unacceptable, 45.0),
    (Draw::Fta(true), 12.0),
    (Draw::Fta(false), 15.0),
    (Draw::Rescheduled(RescheduledBy::Person), 18.0),
    (Draw::Rescheduled(RescheduledBy::Service), 12.0),
];
const SUPERVISION_FAILING: [(Draw, f64); 9] = [
    (Draw::Complied, 680.0),
    (Draw::FailedToComply, 30.0),
    (Draw::SentHome(SentHomeReason::Behaviour), 8.0),
    (Draw::Acceptable, 60.0),
    (Draw::Unacceptable, 135.0),
    (Draw::Fta(true), 12.0),
    (Draw::Fta(false), 45.0),
    (Draw::Rescheduled(RescheduledBy::Person), 18.0),
    (Draw::Rescheduled(RescheduledBy::Service), 12.0),
];
/// Unpaid work adds people stood down by the service (the report: sent home, credited an hour).
const UNPAID_WORK: [(Draw, f64); 10] = [
    (Draw::Complied, 760.0),
    (Draw::FailedToComply, 10.0),
    (Draw::SentHome(SentHomeReason::Behaviour), 8.0),
    (Draw::SentHome(SentHomeReason::ServiceIssue), 25.0),
    (Draw::Acceptable, 90.0),
    (Draw::Unacceptable, 60.0),
    (Draw::Fta(true), 10.0),
    (Draw::Fta(false), 15.0),
    (Draw::Rescheduled(RescheduledBy::Person), 14.0),
    (Draw::Rescheduled(RescheduledBy::Service), 8.0),
];
const UNPAID_WORK_FAILING: [(Draw, f64); 10] = [
    (Draw::Complied, 600.0),
    (Draw::FailedToComply, 25.0),
    (Draw::SentHome(SentHomeReason::Behaviour), 20.0),
    (Draw::SentHome(SentHomeReason::ServiceIssue), 25.0),
    (Draw::Acceptable, 90.0),
    (Draw::Unacceptable, 170.0),
    (Draw::Fta(true), 10.0),
    (Draw::Fta(false), 38.0),
    (Draw::Rescheduled(RescheduledBy::Person), 14.0),
    (Draw::Rescheduled(RescheduledBy::Service), 8.0),
];
const ABSENCE_REASONS: [(AbsenceReason, f64); 9] = [
    (AbsenceReason::Medical, 35.0),
    (AbsenceReason::Employment, 20.0),
    (AbsenceReason::FamilyOrChildcare, 15.0),
    (AbsenceReason::CourtOrLegal, 8.0),
    (AbsenceReason::Holiday, 4.0),
    (AbsenceReason::Religious, 2.0),
    (AbsenceReason::RemandedInCustody, 3.0),
    (AbsenceReason::StoodDown, 3.0),
    (AbsenceReason::Other, 10.0),
];
/// Supervision contacts after the first (always an office induction). Assumption.
const CONTACT_KINDS: [(ContactKind, f64); 4] = [
    (ContactKind::OfficeVisit, 78.0),
    (ContactKind::HomeVisit, 5.0),
    (ContactKind::Telephone, 12.0),
    (ContactKind::Video, 5.0),
];
const REALLOCATION_REASONS: [(AllocationReason, f64); 5] = [
    (AllocationReason::OfficerLeft, 35.0),
    (AllocationReason::Workload, 25.0),
    (AllocationReason::Transfer, 20.0),
    (AllocationReason::RiskChange, 5.0),
    (AllocationReason::Other, 15.0),
];
const OWNERS: [(ObjectiveOwner, f64); 4] = [
    (ObjectiveOwner::ResponsibleOfficer, 45.0),
    (ObjectiveOwner::Provider, 25.0),
    (ObjectiveOwner::Partner, 15.0),
    (ObjectiveOwner::Person, 15.0),
];
const EMPLOYMENT: [(EmploymentStatus, f64); 7] = [
    (EmploymentStatus::Unemployed, 45.0),
    (EmploymentStatus::Employed, 28.0),
    (EmploymentStatus::UnableToWork, 11.0),
    (EmploymentStatus::ZeroHours, 6.0),
    (EmploymentStatus::SelfEmployed, 5.0),
    (EmploymentStatus::InEducation, 3.0),
    (EmploymentStatus::Retired, 2.0),
];

/// Whether an appointment series should go on.
enum Booking {
    Stop,
    /// Booked: the minutes of unpaid work it credited (0 for other contacts), and when it
    /// ended (the next in the series is usually booked then).
    Held {
        credit: u32,
        end: i64,
    },
}

struct CaseMaker<'g> {
    g: &'g Generator,
    rng: StdRng,
    u: [f64; DIMS],
    /// Events as made (not yet in time order); taken out once, in order, by `finish`.
    out: Vec<Option<Pending>>,
    /// (from, officer index), in time order.
    allocations: Vec<(i64, u32)>,
    /// Code index of the manager who records the opening of the case.
    spo: u32,
    contacts: u32,
    assessments: u32,
    objectives: u32,
    /// The person's needs now; progress resolves some over time.
    needs: [Option<NeedSeverity>; 10],
    rosh: RoshLevel,
    ogrs: f64,
    rsr: f64,
    /// The current sentence is heading for breach or recall: more absences.
    risky: bool,
    /// No appointment of the current sentence on or after this day.
    stop: Day,
    /// The current sentence's enforceable failures, as recorded.
    failures: Vec<practice::Failure>,
    /// The case's enforcement position, across sentences.
    trail: practice::Trail,
    plan_state: practice::PlanState,
}

fn id(s: &str) -> LocalId {
    LocalId::parse(s).expect("generated ids are valid")
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl CaseMaker<'_> {
    fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    fn days(&mut self, lo: Day, hi: Day) -> Day {
        if hi <= lo { lo } else { self.rng.random_range(lo..=hi) }
    }

    /// The case, from first court appearance to the reference date.
    fn run(&mut self) {
        let g = self.g;
        let u = self.u;
        let active = u[0] < cal::ACTIVE_PERCENT / 100.0;
        let custodial = u[1] < cal::CUSTODIAL_PERCENT / 100.0;
        let officer_count = pick(u[3], &cal::OFFICER_COUNTS);
        let has_prior = u[4] < cal::PRIOR_SENTENCE_PERCENT / 100.0;
        let gender = {
            let (f, o) = (cal::FEMALE_PERCENT / 100.0, cal::OTHER_GENDER_PERCENT / 100.0);
            if u[5] < f {
                Gender::Female
            } else if u[5] < f + o {
                Gender::Other
            } else {
                Gender::Male
            }
        };
        self.rosh = if u[6] < cal::MEDIUM_ROSH_PERCENT / 100.0 { RoshLevel::Medium } else { RoshLevel::Low };

        let mut main = self.plan(custodial);
        if !active {
            main.ending = Some(self.ending(&main, u[2]));
        }
        let prior = has_prior.then(|| {
            let custodial = u[8] < PRIOR_CUSTODIAL;
            let mut p = self.plan(custodial);
            p.ending = Some(self.ending(&p, u[7]));
            p
        });
        let gap = self.days(60, 900);
        let prior_span = prior.as_ref().map_or(0, |p| p.stop() + gap);
        let sd = if active {
            // Sentenced at least two weeks ago (so allocated), and not yet at its end.
            g.as_of - self.days(14, main.length - 1)
        } else {
            let hi = g.as_of - 1 - main.stop();
            let lo = (g.as_of - HISTORY_DAYS + prior_span).min(hi);
            self.days(lo, hi)
        };
        let prior_sd = prior.as_ref().map(|p| sd - gap - p.stop());
        let first_sd = prior_sd.unwrap_or(sd);

        // Who, where, and who supervises them.
        let borough = g.borough(self.uniform());
        let mut person = self.person(gender, first_sd, borough);
        let court = g.at(first_sd, 600 + self.days(0, 330));
        let officer = self.officer_in(g.boroughs[borough].pool, u32::MAX);
        self.spo = g.teams[g.officers[officer as usize].team as usize].manager;
        self.push_by(court, self.spo, CaseEvent::PersonRegistered { person: person.clone() });

        let alloc_day = g.add_business_days(first_sd, self.days(1, 3) as u32);
        let allocated = g.at(alloc_day, 600 + self.days(0, 360));
        let last = match main.ending {
            None => g.cutoff - 1,
            Some((e, _)) => g.at(sd + e, 16 * 60),
        };
        self.allocate(allocated, last, officer, officer_count, &mut person, borough);

        let mut sentences = Vec::with_capacity(2);
        if let (Some(p), Some(psd)) = (prior, prior_sd) {
            sentences.push((p, psd));
        }
        sentences.push((main, sd));
        for (n, (plan, sd)) in sentences.into_iter().enumerate() {
            let imposed = if n == 0 { court + 60 } else { g.at(sd, 600 + self.days(0, 330)) };
            self.sentence(&format!("S{}", n + 1), plan, sd, imposed, allocated);
        }
    }

    fn plan(&mut self, custodial: bool) -> Plan {
        if custodial {
            let m = pick(self.uniform(), &cal::CUSTODY_MONTHS);
            let term = months(m);
            let release = term / 2;
            // docs/rules/practice.md#licences-and-pss: post-sentence supervision for terms of more than a day and under
            // two years, running to 12 months after release.
            let pss = m < 24;
            let length = if pss { release + 365 } else { term };
            let extra = pick(self.uniform(), &[(0usize, 30.0), (1, 35.0), (2, 25.0), (3, 10.0)]);
            let mut conditions = vec![LicenceCondition::Standard];
            let start = self.rng.random_range(0..names::LICENCE_CONDITIONS.len());
            for k in 0..extra {
                let text = names::LICENCE_CONDITIONS[(start + k) % names::LICENCE_CONDITIONS.len()];
                conditions.push(LicenceCondition::Additional { text: Name::parse(text).expect("valid") });
            }
            return Plan {
                kind: SentenceKind::Custodial,
                length,
                release,
                licence_end: term,
                pss,
                requirements: Vec::new(),
                conditions,
                ending: None,
            };
        }
        let sso = self.rng.random_bool(cal::SSO_PERCENT / 100.0);
        let (kind, table) = if sso {
            (SentenceKind::SuspendedSentenceOrder, &cal::SSO_MONTHS[..])
        } else {
            (SentenceKind::CommunityOrder, &cal::COMMUNITY_ORDER_MONTHS[..])
        };
        let length = months(pick(self.uniform(), table));
        let mut requirements = Vec::with_capacity(3);
        for (name, percent) in cal::REQUIREMENT_PERCENT {
            if self.rng.random_bool(percent / 100.0) {
                requirements.push(self.requirement(name));
            }
        }
        if requirements.is_empty() {
            requirements.push(self.requirement(cal::RequirementName::Rar));
        }
        Plan {
            kind,
            length,
            release: 0,
            licence_end: 0,
            pss: false,
            requirements,
            conditions: Vec::new(),
            ending: None,
        }
    }

    fn requirement(&mut self, name: cal::RequirementName) -> RequirementKind {
        use cal::RequirementName as R;
        match name {
            R::UnpaidWork => {
                let (lo, hi) = pick(self.uniform(), &cal::UPW_BANDS);
                RequirementKind::UnpaidWork { hours: self.rng.random_range(lo / 10..=hi / 10) * 10 }
            }
            R::Rar => RequirementKind::Rar { max_days: pick(self.uniform(), &cal::RAR_DAYS) },
            R::DrugRehabilitation => RequirementKind::DrugRehabilitation { months: self.rng.random_range(6..=12) },
            R::AlcoholTreatment => RequirementKind::AlcoholTreatment { months: self.rng.random_range(6..=12) },
            R::AlcoholAbstinenceMonitoring => {
                RequirementKind::AlcoholAbstinenceMonitoring { days: self.rng.random_range(1..=4) * 30 }
            }
            R::Curfew => RequirementKind::Curfew {
                months: self.rng.random_range(2..=6),
                hours_per_day: self.rng.random_range(8..=12),
                electronic_monitoring: self.rng.random_bool(0.95),
            },
            R::Programme => {
                let (name, sessions) = names::PROGRAMMES[self.rng.random_range(0..names::PROGRAMMES.len())];
                RequirementKind::Programme { name: Name::parse(name).expect("valid"), sessions }
            }
            R::MentalHealthTreatment => {
                RequirementKind::MentalHealthTreatment { months: self.rng.random_range(6..=12) }
            }
            R::Residence => RequirementKind::Residence,
            R::Exclusion => RequirementKind::Exclusion { months: self.rng.random_range(3..=12) },
            R::ProhibitedActivity => RequirementKind::ProhibitedActivity,
        }
    }

    /// How and when an ended sentence ended. `u` is the case's stratified draw, so the share
    /// of successes matches the report's completion rates closely at any scale.
    fn ending(&mut self, plan: &Plan, u: f64) -> (Day, SentenceOutcome) {
        let neutral = cal::NEUTRAL_ENDING_PERCENT / 100.0;
        let custodial = plan.kind == SentenceKind::Custodial;
        // A custodial sentence ends on licence or PSS, so after release.
        let earliest = if custodial { plan.release + 1 } else { 1 };
        let span = f64::from(plan.length - earliest);
        let at = |f: f64| earliest + (span * f) as Day;
        if u < neutral {
            let outcome =
                if self.rng.random_bool(0.3) { SentenceOutcome::Died } else { SentenceOutcome::TransferredOut };
            let f = self.uniform();
            return (at(f), outcome);
        }
        let v = (u - neutral) / (1.0 - neutral);
        let rate = if custodial { cal::LICENCE_COMPLETION_PERCENT } else { cal::COMMUNITY_COMPLETION_PERCENT } / 100.0;
        let f = self.uniform();
        if v < rate {
            if !custodial && self.rng.random_bool(0.1) {
                (at(0.6 + 0.3 * f), SentenceOutcome::EarlyTerminationGoodProgress)
            } else {
                (plan.length, SentenceOutcome::Completed)
            }
        } else if custodial {
            // Recall is from licence: after release and by the licence end (post-sentence
            // supervision is enforced at court instead).
            let span = f64::from(plan.licence_end - earliest).max(0.0);
            (
                (earliest + (span * (0.05 + 0.85 * f)) as Day).min(plan.licence_end.max(earliest)),
                SentenceOutcome::Recalled,
            )
        } else if self.rng.random_bool(0.65) {
            (at(0.15 + 0.75 * f), SentenceOutcome::RevokedForBreach)
        } else {
            (at(0.1 + 0.8 * f), SentenceOutcome::RevokedForNewOffence)
        }
    }

    fn person(&mut self, gender: Gender, first_sd: Day, borough: usize) -> PersonDetails {
        let age = 18 + (self.uniform().powf(1.6) * 45.0) as i32;
        let dob = first_sd - (f64::from(age) * 365.25) as Day - self.days(0, 364);
        let first = match gender {
            Gender::Female => names::FEMALE_FIRST[self.rng.random_range(0..names::FEMALE_FIRST.len())],
            Gender::Male => names::MALE_FIRST[self.rng.random_range(0..names::MALE_FIRST.len())],
            Gender::Other => {
                if self.rng.random_bool(0.5) {
                    names::FEMALE_FIRST[self.rng.random_range(0..names::FEMALE_FIRST.len())]
                } else {
                    names::MALE_FIRST[self.rng.random_range(0..names::MALE_FIRST.len())]
                }
            }
        };
        let family = names::FAMILY[self.rng.random_range(0..names::FAMILY.len())];
        let dob = date_of(dob);
        let pnc = self.rng.random_bool(0.9).then(|| {
            let sentenced = date_of(first_sd).year();
            let year = (dob.year() + 18 + self.rng.random_range(0..=(age - 18) as i16)).min(sentenced);
            let serial: u32 = self.rng.random_range(1..10_000_000);
            // The PNC check character: (two-digit year and serial) mod 23.
            let n = u64::from(year.rem_euclid(100) as u16) * 10_000_000 + u64::from(serial);
            let check = b"ZABCDEFGHJKLMNPQRTUVWXY"[(n % 23) as usize] as char;
            Pnc::parse(&format!("{year:04}/{serial:07}{check}")).expect("generated PNC is valid")
        });
        let ethnicity = pick(self.uniform(), &cal::ETHNICITY);
        let nationality = match self.uniform() {
            x if x < 0.80 => Some("British"),
            x if x < 0.93 => Some(names::NATIONALITIES[self.rng.random_range(0..names::NATIONALITIES.len())]),
            _ => None,
        };
        let religion =
            self.rng.random_bool(0.5).then(|| names::RELIGIONS[self.rng.random_range(0..names::RELIGIONS.len())]);
        let disability = match self.uniform() {
            x if x < 0.2 => Some(true),
            x if x < 0.85 => Some(false),
            _ => None,
        };
        PersonDetails {
            first_name: Name::parse(first).expect("valid"),
            family_name: Name::parse(family).expect("valid"),
            date_of_birth: dob,
            gender,
            pnc,
            ethnicity,
            nationality: nationality.map(|n| Name::parse(n).expect("valid")),
            religion: religion.map(|r| Name::parse(r).expect("valid")),
            disability,
            employment: Some(pick(self.uniform(), &EMPLOYMENT)),
            home_borough: self.g.boroughs[borough].code.clone(),
        }
    }

    /// An officer from a pool other than `not`, falling back to anyone else.
    fn officer_in(&mut self, pool: usize, not: u32) -> u32 {
        let p = &self.g.pools[pool];
        for _ in 0..8 {
            let o = p[self.rng.random_range(0..p.len())];
            if o != not {
                return o;
            }
        }
        let n = self.g.officers.len() as u32;
        if n == 1 {
            return 0;
        }
        let o = self.rng.random_range(0..n - 1);
        if o >= not { o + 1 } else { o }
    }

    /// The initial allocation and `count - 1` reallocations spread over the case's life.
    fn allocate(
        &mut self,
        from: i64,
        to: i64,
        mut officer: u32,
        count: u32,
        person: &mut PersonDetails,
        borough: usize,
    ) {
        let g = self.g;
        let team = |o: u32| &g.teams[g.officers[o as usize].team as usize];
        let mut borough = borough;
        self.allocations.push((from, officer));
        let event = CaseEvent::OfficerAllocated {
            officer: g.codes[g.officers[officer as usize].code as usize].clone(),
            team: team(officer).code.clone(),
            reason: AllocationReason::Initial,
            evidence: None,
        };
        self.push_by(from, team(officer).manager, event);
        if count <= 1 || to <= from + 2 * 60 * i64::from(count) {
            return;
        }
        let span = (to - from) as f64;
        let mut times: Vec<i64> =
            (1..count).map(|_| from + (span * (0.03 + 0.94 * self.uniform())) as i64 / 60 * 60).collect();
        times.sort_unstable();
        let mut previous = from;
        for t in times {
            let t = t.max(previous + 120);
            previous = t;
            let reason = pick(self.uniform(), &REALLOCATION_REASONS);
            let next = if reason == AllocationReason::Transfer {
                let moved = g.borough(self.uniform());
                if moved != borough && g.boroughs[moved].code.is_some() {
                    borough = moved;
                    person.home_borough = g.boroughs[moved].code.clone();
                    self.push_by(
                        t - 60,
                        team(officer).manager,
                        CaseEvent::PersonalDetailsUpdated { person: person.clone() },
                    );
                }
                self.officer_in(g.boroughs[borough].pool, officer)
            } else {
                self.officer_in(g.boroughs[borough].pool, officer)
            };
            if next == officer {
                continue;
            }
            officer = next;
            self.allocations.push((t, officer));
            let event = CaseEvent::OfficerAllocated {
                officer: g.codes[g.officers[officer as usize].code as usize].clone(),
                team: team(officer).code.clone(),
                reason,
                evidence: None,
            };
            self.push_by(t, team(officer).manager, event);
        }
    }

    /// One sentence: imposed, supervised, assessed, planned and (perhaps) ended.
    fn sentence(&mut self, sid: &str, plan: Plan, sd: Day, imposed: i64, allocated: i64) {
        let g = self.g;
        let end = sd + plan.length;
        let stop = sd + plan.stop();
        let requirements: Vec<Requirement> = plan
            .requirements
            .iter()
            .enumerate()
            .map(|(i, kind)| Requirement { id: id(&format!("{sid}-R{}", i + 1)), kind: kind.clone() })
            .collect();
        let custody = (plan.kind == SentenceKind::Custodial).then(|| CustodyTerms {
            release_date: date_of(sd + plan.release),
            licence_end: date_of(sd + plan.licence_end),
            pss_end: plan.pss.then(|| date_of(end)),
        });
        let sentence = Sentence {
            id: id(sid),
            kind: plan.kind,
            sentence_date: date_of(sd),
            end_date: date_of(end),
            requirements: requirements.clone(),
            licence_conditions: plan.conditions,
            custody,
        };
        self.push(imposed, CaseEvent::SentenceImposed { sentence });

        self.stop = stop;
        self.risky = match plan.ending {
            Some((_, outcome)) => outcome.completion() == Some(false),
            None => self.rng.random_bool(0.2),
        };
        let floor = imposed.max(allocated) + 60;
        let first_day = if plan.kind == SentenceKind::Custodial {
            let release = sd + plan.release;
            if release >= g.as_of {
                // Still in custody: assessed for resettlement, no contacts yet.
                let assessed = sd + self.days(14, 60);
                if assessed < release {
                    self.assessments(assessed, release.min(self.stop));
                }
                return;
            }
            self.push(
                g.at(release, 9 * 60),
                CaseEvent::ReleasedFromCustody { sentence: id(sid), on: date_of(release) },
            );
            // docs/rules/practice.md#contact: first appointment within one business day of release.
            if self.rng.random_bool(0.6) && g.is_business_day(release) {
                release
            } else {
                g.add_business_days(release, 1)
            }
        } else {
            // Within five business days of allocation.
            let from = g.day_after(floor);
            g.add_business_days(from - 1, self.days(1, 5) as u32)
        };

        let assessed = first_day + self.days(3, 15);
        self.assessments(assessed, self.stop);
        self.supervision(first_day, floor);
        for r in &requirements {
            match &r.kind {
                RequirementKind::UnpaidWork { hours } => self.unpaid_work(&r.id, *hours, sd, floor),
                RequirementKind::Rar { max_days } => self.rar(&r.id, *max_days, first_day, end, floor),
                RequirementKind::Programme { sessions, .. } => self.programme(&r.id, *sessions, first_day, floor),
                _ => {}
            }
        }
        let enforced = practice::Enforced {
            sd,
            custodial: plan.kind == SentenceKind::Custodial,
            licence_end: sd + plan.licence_end,
            release: sd + plan.release,
            ending: plan.ending.map(|(e, outcome)| (sd + e, outcome)),
        };
        self.enforce(&enforced);
        if let Some((e, outcome)) = plan.ending {
            self.push(
                g.at(sd + e, 16 * 60),
                CaseEvent::SentenceEnded { sentence: id(sid), on: date_of(sd + e), outcome },
            );
        }
    }

    /// Supervision appointments: weekly for the first month, fortnightly to three months
    /// (six for medium RoSH), then every four weeks. Assumption, in line with the report's
    /// criticism of two-monthly contact for a medium-risk case.
    fn supervision(&mut self, first_day: Day, floor: i64) {
        let intensive_until = first_day + if self.rosh == RoshLevel::Medium { 182 } else { 84 };
        let mut day = first_day;
        let mut n = 0;
        let mut previous = None;
        loop {
            let d = self.g.next_business_day(day);
            if d >= self.stop {
                break;
            }
            let minute = 9 * 60 + 30 * self.days(0, 14);
            let kind = if n == 0 { ContactKind::OfficeVisit } else { pick(self.uniform(), &CONTACT_KINDS) };
            let minutes = match kind {
                ContactKind::HomeVisit => 60,
                ContactKind::Telephone => 20,
                ContactKind::Video => 30,
                _ if n == 0 => 60,
                _ => 45,
            };
            match self.appointment(d, minute, minutes, kind, None, floor, previous, true) {
                Booking::Stop => break,
                Booking::Held { end, .. } => previous = Some(end),
            }
            n += 1;
            day += if n < 4 {
                7
            } else if d < intensive_until {
                14
            } else {
                28
            };
        }
    }

    /// Unpaid work: weekly sessions of seven hours (twice weekly for high hours), on a
    /// weekday or a Saturday, until the hours are worked or the order ends.
    fn unpaid_work(&mut self, req: &LocalId, hours: u16, sd: Day, floor: i64) {
        let g = self.g;
        let target = u32::from(hours) * 60;
        // docs/rules/practice.md#unpaid-work: arranged within 7 business days of allocation.
        let start = g.add_business_days(g.day_after(floor), self.days(2, 7) as u32);
        let saturday = self.rng.random_bool(0.3);
        let per_week = if hours >= 150 { 2 } else { 1 };
        let last = self.stop.min(sd + 365);
        let mut credited = 0;
        let mut week = start;
        let mut previous = None;
        while credited < target {
            for s in 0..per_week {
                let d = if saturday && s == 0 {
                    week + (5 - weekday(week)).rem_euclid(7)
                } else {
                    g.next_business_day(week + 2 * s)
                };
                if d >= last {
                    return;
                }
                match self.appointment(d, 9 * 60, 420, ContactKind::UnpaidWork, Some(req), floor, previous, true) {
                    Booking::Stop => return,
                    Booking::Held { credit, end } => {
                        credited += credit;
                        previous = Some(end);
                    }
                }
            }
            week += 7;
        }
    }

    /// RAR activity days, spread over the first three quarters of the order.
    fn rar(&mut self, req: &LocalId, max_days: u16, first_day: Day, end: Day, floor: i64) {
        let n = ((f64::from(max_days) * (0.6 + 0.4 * self.uniform())).round() as Day).max(1);
        let start = first_day + 14;
        let span = (((end - start) as f64 * 0.75) as Day).max(n);
        let mut previous = None;
        for i in 0..n {
            let d = self.g.next_business_day(start + span * i / n);
            if d >= self.stop {
                return;
            }
            let minute = 10 * 60 + 30 * self.days(0, 10);
            let minutes = if self.rng.random_bool(0.5) { 60 } else { 90 };
            match self.appointment(d, minute, minutes, ContactKind::RarActivity, Some(req), floor, previous, true) {
                Booking::Stop => return,
                Booking::Held { end, .. } => previous = Some(end),
            }
        }
    }

    /// An accredited programme: weekly group sessions once a place comes up.
    fn programme(&mut self, req: &LocalId, sessions: u16, first_day: Day, floor: i64) {
        let start = self.g.next_business_day(first_day + self.days(28, 70));
        let minute = if self.rng.random_bool(0.5) { 14 * 60 } else { 18 * 60 };
        let mut previous = None;
        for i in 0..Day::from(sessions) {
            let d = self.g.next_business_day(start + 7 * i);
            if d >= self.stop {
                return;
            }
            match self.appointment(d, minute, 150, ContactKind::Programme, Some(req), floor, previous, true) {
                Booking::Stop => return,
                Booking::Held { end, .. } => previous = Some(end),
            }
        }
    }

    /// Books an appointment and records what happened. The next of a series is usually
    /// booked as the last one ends (`previous`); otherwise a few days to two weeks ahead.
    #[allow(clippy::too_many_arguments)] // the appointment's own fields, named at each call
    fn appointment(
        &mut self,
        day: Day,
        minute: i32,
        minutes: u16,
        kind: ContactKind,
        req: Option<&LocalId>,
        floor: i64,
        previous: Option<i64>,
        may_reschedule: bool,
    ) -> Booking {
        let g = self.g;
        let at = g.at(day, minute);
        let ended = at + i64::from(minutes) * 60;
        let booked = match previous {
            Some(p) if self.rng.random_bool(0.85) => p + i64::from(self.days(1, 30)) * 60,
            _ => at - i64::from(self.days(1, 14)) * DAY - i64::from(self.days(0, 480)) * 60,
        }
        .max(floor);
        if booked >= g.cutoff {
            return Booking::Stop;
        }
        if booked >= at {
            return Booking::Held { credit: 0, end: ended };
        }
        self.contacts += 1;
        let aid = id(&format!("C{}", self.contacts));
        let appointment = Appointment {
            id: aid.clone(),
            at: date_of(day).at((minute / 60) as i8, (minute % 60) as i8, 0, 0),
            minutes,
            kind,
            requirement: req.cloned(),
        };
        self.push(booked, CaseEvent::AppointmentBooked { appointment });
        if ended >= g.cutoff {
            return Booking::Held { credit: 0, end: ended };
        }
        let upw = kind == ContactKind::UnpaidWork;
        let table: &[(Draw, f64)] = match (upw, self.risky) {
            (false, false) => &SUPERVISION,
            (false, true) => &SUPERVISION_FAILING,
            (true, false) => &UNPAID_WORK,
            (true, true) => &UNPAID_WORK_FAILING,
        };
        let draw = pick(self.uniform(), table);
        let (outcome, credit) = match draw {
            Draw::Complied => (Outcome::AttendedComplied, if upw { u32::from(minutes) } else { 0 }),
            Draw::FailedToComply => (Outcome::AttendedFailedToComply, 0),
            // The report: people stood down from UPW were credited one hour.
            Draw::SentHome(reason) => (
                Outcome::AttendedSentHome { reason },
                if upw && reason == SentHomeReason::ServiceIssue { 60 } else { 0 },
            ),
            Draw::Acceptable => (Outcome::AcceptableAbsence { reason: pick(self.uniform(), &ABSENCE_REASONS) }, 0),
            Draw::Unacceptable => (Outcome::UnacceptableAbsence, 0),
            Draw::Fta(acceptable) => {
                self.outcome(ended, &aid, day, Outcome::FailedToAttend);
                // Evidence arrives (or not) within the five working days.
                let decided = ended + i64::from(self.days(1, 6)) * DAY;
                let outcome = if acceptable {
                    Outcome::AcceptableAbsence { reason: pick(self.uniform(), &ABSENCE_REASONS) }
                } else {
                    Outcome::UnacceptableAbsence
                };
                self.outcome(decided, &aid, day, outcome);
                return Booking::Held { credit: 0, end: ended };
            }
            Draw::Rescheduled(by) => {
                let when = (at - i64::from(self.days(1, 48)) * HOUR).max(booked + 60);
                self.outcome(when, &aid, day, Outcome::Rescheduled { by });
                if may_reschedule {
                    let again = g.add_business_days(day, self.days(2, 5) as u32);
                    if again < self.stop {
                        return self.appointment(again, minute, minutes, kind, req, when + 60, None, false);
                    }
                }
                return Booking::Held { credit: 0, end: when };
            }
        };
        self.outcome(ended, &aid, day, outcome);
        Booking::Held { credit, end: ended }
    }

    /// Records an outcome of the appointment held on `day`, noting enforceable failures for
    /// the enforcement trail.
    fn outcome(&mut self, at: i64, appointment: &LocalId, day: Day, outcome: Outcome) {
        if at < self.g.cutoff {
            if outcome.is_enforceable() {
                self.failed(appointment, day, at);
            }
            self.push(at, CaseEvent::OutcomeRecorded { appointment: appointment.clone(), outcome, note: None });
        }
    }

    /// The first assessment on `first` and reviews about every six months until `until`,
    /// each followed by sentence plan objectives.
    fn assessments(&mut self, first: Day, until: Day) {
        let g = self.g;
        let mut day = first;
        // The first assessment of each sentence comes with a full plan; reviews add little.
        let mut initial = true;
        while day < until && day < g.as_of {
            let at = g.at(day, 11 * 60 + self.days(0, 300));
            if at >= g.cutoff {
                return;
            }
            if self.assessments == 0 {
                self.first_needs();
            } else {
                // Progress: some needs resolve between reviews (all at the same rate, so the
                // report's order of needs holds).
                for n in self.needs.iter_mut() {
                    if n.is_some() && self.rng.random_bool(0.08) {
                        *n = None;
                    }
                }
            }
            self.assessments += 1;
            let assessment = self.assessment(day);
            let risks = Self::risks_of(&assessment);
            self.push(at, CaseEvent::AssessmentCompleted { assessment });
            self.answer_assessment(at, initial, &risks);
            initial = false;
            day += self.days(154, 210);
        }
    }

    /// Needs at the first assessment. Half the time a need follows a shared draw (people
    /// with many needs have many), so needs are positively correlated, as in OASys data,
    /// and their order is steady even in small areas.
    fn first_needs(&mut self) {
        let shared = self.uniform();
        for (i, (_, percent)) in cal::NEED_PREVALENCE.iter().enumerate() {
            let u = if self.rng.random_bool(0.5) { shared } else { self.uniform() };
            self.needs[i] = (u < percent / 100.0).then(|| {
                if self.rng.random_bool(cal::SEVERE_NEED_PERCENT / 100.0) {
                    NeedSeverity::Severe
                } else {
                    NeedSeverity::Standard
                }
            });
        }
        self.ogrs = round1(5.0 + 90.0 * self.uniform());
        self.rsr = round1(0.2 + if self.rosh == RoshLevel::Medium { 6.5 } else { 3.5 } * self.uniform());
    }

    fn assessment(&mut self, day: Day) -> Assessment {
        let mut rosh = BTreeMap::new();
        rosh.insert(RiskGroup::Public, self.rosh);
        for (group, p) in [(RiskGroup::KnownAdult, 0.35), (RiskGroup::Children, 0.2), (RiskGroup::Staff, 0.05)] {
            if self.rng.random_bool(p) {
                let level =
                    if group != RiskGroup::Staff && self.rng.random_bool(0.5) { self.rosh } else { RoshLevel::Low };
                rosh.insert(group, level);
            }
        }
        let needs = cal::NEED_PREVALENCE
            .iter()
            .zip(self.needs)
            .map(|((area, _), s)| (*area, s.unwrap_or(NeedSeverity::NoNeed)))
            .collect();
        Assessment {
            id: id(&format!("A{}", self.assessments)),
            completed_on: date_of(day),
            rosh,
            ogrs: Some(Percent::new(self.ogrs).expect("in range")),
            rsr: Some(Percent::new(self.rsr).expect("in range")),
            needs,
            // OGRS4 from the drawn OGRS and RSR (all reoffending, serious reoffending), so no
            // new draw shifts the calibrated stream; a full assessment scores them dynamically.
            ogrs4: Some(Ogrs4 {
                arp: Percent::new(self.ogrs).expect("in range"),
                csrp: Percent::new(self.rsr).expect("in range"),
                dynamic: true,
            }),
        }
    }

    fn objective(&mut self, at: i64, text: &str, needs: Vec<NeedArea>, risk_groups: Vec<RiskGroup>) {
        self.objectives += 1;
        let objective = Objective {
            id: id(&format!("O{}", self.objectives)),
            description: Note::parse(text).expect("valid"),
            needs,
            risk_groups,
            owner: pick(self.uniform(), &OWNERS),
            // The report: the person was involved in planning in just over half of cases.
            person_involved: self.rng.random_bool(0.55),
        };
        self.push(at, CaseEvent::ObjectiveAgreed { objective });
    }

    /// How long after the event it was recorded: mostly within hours, sometimes days, and
    /// now and then weeks later (back-dated recording, which the log makes visible).
    fn lag(&mut self) -> i64 {
        let r = self.uniform();
        let secs = if r < 0.70 {
            self.days(5, 120) * 60
        } else if r < 0.92 {
            self.days(2, 48) * 3600
        } else if r < 0.98 {
            self.days(2, 7) * 86_400
        } else {
            self.days(14, 90) * 86_400
        };
        i64::from(secs)
    }

    /// Records an event made by whoever holds the case at that moment.
    fn push(&mut self, at: i64, event: CaseEvent) {
        let by = match self.allocations.iter().rev().find(|(from, _)| *from <= at) {
            Some((_, o)) => self.g.officers[*o as usize].code,
            None => self.spo,
        };
        self.push_by(at, by, event);
    }

    fn push_by(&mut self, at: i64, by: u32, event: CaseEvent) {
        if at >= self.g.cutoff {
            return;
        }
        let recorded = (at + self.lag()).min(self.g.cutoff).max(at);
        self.out.push(Some(Pending { at, recorded, by, event }));
    }

    fn finish(mut self, crn: &Crn) -> Vec<RecordedEvent> {
        // Sort keys, not events (they are large): by time, then the order they were made in,
        // so events made in order at the same instant keep that order.
        let mut order: Vec<(i64, u32)> =
            self.out.iter().enumerate().map(|(i, p)| (p.as_ref().map_or(0, |p| p.at), i as u32)).collect();
        order.sort_unstable();
        let g = self.g;
        order
            .into_iter()
            .filter_map(|(_, i)| self.out[i as usize].take())
            .enumerate()
            .map(|(i, p)| RecordedEvent {
                crn: crn.clone(),
                seq: i as u64 + 1,
                occurred_at: Timestamp::from_second(p.at).expect("in range"),
                recorded_at: Timestamp::from_second(p.recorded).expect("in range"),
                recorded_by: g.codes[p.by as usize].clone(),
                event: p.event,
            })
            .collect()
    }
}

impl Generator {
    /// The first day starting after an instant (UK time).
    fn day_after(&self, t: i64) -> Day {
        let local = t + self.offset(((t / DAY) as Day).max(self.offset_base));
        (local.div_euclid(DAY) + 1) as Day
    }
}
