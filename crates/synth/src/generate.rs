//! One case at a time: a person, their sentences, officers, assessments, plan and contacts,
//! and the practice around them (warnings, breach and recall, plan gaps explained or not;
//! see `practice`), as the events the case record would hold.
//!
//! Every case is a pure function of (options, organisation, case index): it draws from its
//! own random stream and its own point of the stratified sequence, so cases can be made in
//! any order, batch size or thread.
//!
//! Here, the run's organisation and clock and the case's event buffer; the case itself is
//! made by `case` (the person, officers and sentences), which calls on `contacts`,
//! `assessments` and `practice`; `tiering` and `reoffending` then add their events to the
//! finished stream.

use crate::draw::{DIMS, Day, Strata, case_rng, date_of, day_of, weekday};
use crate::{GenerateError, GenerateOptions, crn, london, names};
use domain::assessment::{NeedSeverity, RoshLevel};
use domain::event::{CaseEvent, RecordedEvent};
use domain::ids::{Code, Crn, LocalId};
use domain::org::{Grade, Organisation};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rand::RngExt;
use rand::rngs::StdRng;
use std::collections::BTreeMap;

mod assessments;
mod case;
mod contacts;
mod followup;
mod practice;
mod reoffending;
mod tiering;
mod transfers;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
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
    /// Each team with its SPO, for the transfers between teams (`transfers`).
    managers: Vec<transfers::TeamManager>,
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
            managers: teams
                .iter()
                .map(|t| transfers::TeamManager { team: t.code.clone(), manager: codes[t.manager as usize].clone() })
                .collect(),
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
            home: None,
            female: false,
            final_sentence: true,
            checks_requested: false,
            declared: false,
            open_checks: Vec::new(),
            oversights: 0,
            referrals: 0,
        };
        c.run();
        let cutoff = Timestamp::from_second(self.cutoff).expect("in range");
        let events = transfers::with_transfers(self.opts.seed, index, cutoff, &self.managers, c.finish(&crn));
        let events = tiering::with_tiers(&crn, events);
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
    /// The local authority where the person lives (for safeguarding checks and referrals).
    home: Option<Code>,
    /// The person is a woman (who may ask for a women-only unpaid work placement).
    female: bool,
    /// The sentence being made is the case's last (its checks may stay unanswered).
    final_sentence: bool,
    /// Safeguarding checks were requested on the sentence being made.
    checks_requested: bool,
    /// The officer has declared domestic abuse in view.
    declared: bool,
    /// Agencies with a check still awaiting an answer.
    open_checks: Vec<domain::practice::safeguarding::Agency>,
    oversights: u32,
    referrals: u32,
}

fn id(s: &str) -> LocalId {
    LocalId::parse(s).expect("generated ids are valid")
}

impl CaseMaker<'_> {
    fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    fn days(&mut self, lo: Day, hi: Day) -> Day {
        if hi <= lo { lo } else { self.rng.random_range(lo..=hi) }
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
