//! The course of a case: the person, the officers who hold the case, and each sentence from
//! its imposition to its end, which sets off its contacts (`contacts`), assessments
//! (`assessments`) and enforcement (`practice`).

use super::practice::Enforced;
use super::{CaseMaker, HISTORY_DAYS, id};
use crate::calibration as cal;
use crate::draw::{Day, date_of, months, pick};
use crate::names;
use domain::assessment::RoshLevel;
use domain::event::{AllocationReason, CaseEvent, SentenceOutcome};
use domain::ids::{Name, Pnc};
use domain::person::{EmploymentStatus, Gender, PersonDetails};
use domain::sentence::{CustodyTerms, LicenceCondition, Requirement, RequirementKind, Sentence, SentenceKind};
use rand::RngExt;

/// Share of earlier sentences that were custodial. Assumption.
const PRIOR_CUSTODIAL: f64 = 0.3;

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

const REALLOCATION_REASONS: [(AllocationReason, f64); 5] = [
    (AllocationReason::OfficerLeft, 35.0),
    (AllocationReason::Workload, 25.0),
    (AllocationReason::Transfer, 20.0),
    (AllocationReason::RiskChange, 5.0),
    (AllocationReason::Other, 15.0),
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

impl CaseMaker<'_> {
    /// The case, from first court appearance to the reference date.
    pub(super) fn run(&mut self) {
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
        self.female = gender == Gender::Female;
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
        self.home = person.home_borough.clone();
        let count = sentences.len();
        for (n, (plan, sd)) in sentences.into_iter().enumerate() {
            self.final_sentence = n + 1 == count;
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
        self.checks_requested = false;
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
        let enforced = Enforced {
            sd,
            custodial: plan.kind == SentenceKind::Custodial,
            licence_end: sd + plan.licence_end,
            release: sd + plan.release,
            ending: plan.ending.map(|(e, outcome)| (sd + e, outcome)),
        };
        self.enforce(&enforced);
        self.mappa(sd, plan.ending);
        if let Some((e, outcome)) = plan.ending {
            self.push(
                g.at(sd + e, 16 * 60),
                CaseEvent::SentenceEnded { sentence: id(sid), on: date_of(sd + e), outcome },
            );
        }
    }
}
