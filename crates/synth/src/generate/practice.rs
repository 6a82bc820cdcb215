//! The practice a case record shows besides its contacts: warning letters, breach and recall
//! decisions after enforceable failures, and the sentence plan's answer to each assessed
//! need and risk (docs/rules/practice.md#contact-compliance-and-enforcement and docs/rules/practice.md#sentence-plans).
//!
//! Enforcement runs over one sentence at a time, after its appointments are made: the
//! failures are replayed in the order the provider learnt of them, through a small model of
//! the rules `domain::practice::enforcement` applies (counted failures, the 12-month window,
//! resets at a resolution), so every decision made is one the case log accepts. The shares
//! of late, missed and excepted decisions are the assumptions in [`crate::calibration`].

use super::{CaseMaker, DAY, HOUR};
use crate::calibration as cal;
use crate::draw::{Day, date_of, day_of, pick};
use domain::assessment::{NeedArea, RiskGroup, RoshLevel};
use domain::event::{CaseEvent, SentenceOutcome};
use domain::ids::{LocalId, Note};
use domain::practice::enforcement::{BreachOutcome, BreachPack, RecallAlternative, RecallKind, RecallReason};
use domain::practice::plan_gaps::PlanSubject;
use rand::RngExt;

const MINUTE: i64 = 60;

/// An enforceable outcome as recorded: the appointment, its date, and when it was recorded
/// as a failure (the provider became aware).
pub(super) struct Failure {
    id: LocalId,
    on: Day,
    aware: i64,
}

impl Failure {
    pub(super) fn new(id: LocalId, on: Day, aware: i64) -> Self {
        Self { id, on, aware }
    }
}

/// A failure that counts towards warnings and breach (after the last resolution).
struct Counted {
    id: LocalId,
    on: Day,
    /// Twelve calendar months before `on`: an earlier failure on or after it makes this one
    /// a mandatory trigger (`policy::BREACH_WINDOW`).
    window_from: Day,
    /// Of the sentence being enforced (else carried over from an earlier one).
    current: bool,
    warned: bool,
    excepted: bool,
    /// A mandatory decision nobody made (the residue).
    ignored: bool,
}

/// The case's enforcement position, carried from one sentence to the next as the domain
/// carries it.
#[derive(Default)]
pub(super) struct Trail {
    count: Vec<Counted>,
    /// The date of the last breach resolved or recall decided: failures up to it are spent.
    last_resolution: Option<Day>,
    /// Failures the provider learns of before this instant fall in an enforcement episode
    /// (being decided, or open) and are dealt with by it.
    episode_until: i64,
    /// The last enforcement decision made: the next comes after it.
    busy: i64,
}

impl Trail {
    fn mandatory(&self, i: usize) -> bool {
        let m = &self.count[i];
        self.count.iter().any(|g| (g.on, g.id.as_str()) < (m.on, m.id.as_str()) && g.on >= m.window_from)
    }

    /// Mandatory decisions pending: no exception, not (yet) ignored.
    fn pending(&self) -> Vec<usize> {
        (0..self.count.len())
            .filter(|i| !self.count[*i].excepted && !self.count[*i].ignored && self.mandatory(*i))
            .collect()
    }

    fn reset(&mut self, on: Day) {
        self.count.clear();
        self.last_resolution = Some(self.last_resolution.map_or(on, |r| r.max(on)));
    }
}

/// The sentence being enforced.
pub(super) struct Enforced {
    pub sd: Day,
    pub custodial: bool,
    pub licence_end: Day,
    pub release: Day,
    /// The day it ended and how, or `None` while it runs.
    pub ending: Option<(Day, SentenceOutcome)>,
}

/// How the sentence's own ending shapes its last decision.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Final {
    None,
    /// Revoked for breach: a breach referred on `at`, resolved on the day it ends.
    Breach,
    /// Recalled: a recall recommended on `at`, decided on the day it ends.
    Recall,
}

const EXCEPTION_REASONS: [&str; 4] = [
    "Absences linked to a documented mental health crisis; compliance since has been good. Manager agrees no breach.",
    "New employment explains the missed appointments; reporting adjusted. Manager agrees no breach at this time.",
    "Child care emergency evidenced after the event; further warning given instead of breach.",
    "Engagement otherwise positive and near the end of the order; manager records an exception.",
];
const LATE_EXCEPTION: &str = "The order ended before breach action could be taken; no further action.";
const SERIOUS_FAILURE: &str =
    "Serious failure to comply: engagement has broken down and the order is no longer workable.";
const NO_FAILURE_BREACH: &str = "Further offending and disengagement: the order is no longer workable.";
const NO_RECALL_NOTE: &str = "Risk manageable in the community with increased reporting; no recall.";
const RECALL_NOTE: &str = "Recall agreed: contact has broken down and risk can no longer be managed.";
const NEED_REASONS: [&str; 4] = [
    "Not a priority while the order is short; to look at again at the next review.",
    "Already supported by a partner agency; no separate objective needed.",
    "The person declines this support for now; to revisit at review.",
    "Addressed through the accredited programme and RAR sessions.",
];
const RISK_REASONS: [&str; 2] = [
    "Managed through the licence or order conditions and the contact plan.",
    "Risk managed by information sharing with the police; no separate objective.",
];
const RISK_OBJECTIVE: &str = "Keep to the risk management plan and the conditions of the order or licence";
const GENERAL_OBJECTIVE: &str = "Keep to the requirements of the order and every appointment made";

fn note(s: &str) -> Note {
    Note::parse(s).expect("valid")
}

fn risk_bit(g: RiskGroup) -> u32 {
    1 << (10 + RiskGroup::ALL.iter().position(|r| *r == g).unwrap_or(0))
}

/// A need that often shares an objective with `n`.
fn partner(n: NeedArea) -> Option<NeedArea> {
    use NeedArea as N;
    match n {
        N::ThinkingBehaviour => Some(N::Attitudes),
        N::Attitudes => Some(N::ThinkingBehaviour),
        N::AlcoholMisuse => Some(N::DrugMisuse),
        N::DrugMisuse => Some(N::AlcoholMisuse),
        N::Relationships => Some(N::LifestyleAssociates),
        N::LifestyleAssociates => Some(N::Relationships),
        N::EducationTrainingEmployability | N::Accommodation => Some(N::Financial),
        N::Financial => Some(N::EducationTrainingEmployability),
        N::EmotionalWellbeing => None,
    }
}

/// What the plan holds across assessments.
#[derive(Default)]
pub(super) struct PlanState {
    /// Subjects with an objective (bits 0-9 needs in `NEED_PREVALENCE` order, 10+ risk groups).
    addressed: u32,
    /// Subjects given a reason against the previous assessment.
    explained: u32,
    /// Subjects left neither planned nor explained.
    gaps: u32,
}

impl CaseMaker<'_> {
    pub(super) fn chance(&mut self, percent: f64) -> bool {
        self.uniform() < percent / 100.0
    }

    /// The local (UK) date of an instant.
    fn local_day(&self, t: i64) -> Day {
        self.g.day_after(t) - 1
    }

    /// An instant during office hours `k` business days after the day of `t`.
    fn office_time(&mut self, t: i64, k: u32) -> i64 {
        let day = self.g.add_business_days(self.local_day(t), k);
        self.g.at(day, 9 * 60 + 15 * self.days(0, 30))
    }

    /// The manager of the officer holding the case at `t`.
    pub(super) fn manager_at(&self, t: i64) -> u32 {
        match self.allocations.iter().rev().find(|(from, _)| *from <= t) {
            Some((_, o)) => self.g.teams[self.g.officers[*o as usize].team as usize].manager,
            None => self.spo,
        }
    }

    /// Records an enforceable outcome (called as it is recorded).
    pub(super) fn failed(&mut self, appointment: &LocalId, on: Day, aware: i64) {
        self.failures.push(Failure::new(appointment.clone(), on, aware));
    }

    /// The enforcement trail of one sentence: its failures in the order they became known,
    /// each warned, breached, recalled or excepted as practice would, a few left undone.
    pub(super) fn enforce(&mut self, s: &Enforced) {
        let g = self.g;
        let mut failures = std::mem::take(&mut self.failures);
        failures.sort_by(|a, b| (a.aware, a.on, a.id.as_str()).cmp(&(b.aware, b.on, b.id.as_str())));
        for c in &mut self.trail.count {
            c.current = false;
        }
        // The sentence's end (the SentenceEnded event is at 16:00 that day).
        let end = s.ending.map(|(e, _)| g.at(e, 16 * 60));
        let fin = match s.ending {
            Some((_, SentenceOutcome::RevokedForBreach)) => Final::Breach,
            Some((_, SentenceOutcome::Recalled)) => Final::Recall,
            _ => Final::None,
        };
        // When the final breach is referred (or the final recall recommended).
        let final_at = match (fin, s.ending) {
            (Final::Breach, Some((e, _))) => {
                let back = self.days(14, 56).min((e - s.sd) / 2).max(1);
                let day = g.next_business_day((e - back).max(s.sd + 1)).min(e);
                g.at(day, 10 * 60 + 15 * self.days(0, 16))
            }
            (Final::Recall, Some((e, _))) => {
                let day = if e > s.release && self.rng.random_bool(0.5) { e - 1 } else { e };
                g.at(day, 9 * 60 + 15 * self.days(0, 8))
            }
            _ => i64::MAX,
        };
        // Decisions for failures before the final one are made before it; for other ended
        // sentences, before the end (a breach needs a sentence to breach).
        let limit = if fin == Final::None { end.map_or(i64::MAX, |e| e - HOUR) } else { final_at - HOUR };
        // Set when a breach already open at `final_at` becomes the final one.
        let mut final_done = false;

        for f in failures {
            if f.aware >= final_at {
                break;
            }
            let t = &mut self.trail;
            if f.aware < t.episode_until || t.last_resolution.is_some_and(|r| f.on <= r) {
                continue;
            }
            let window_from = day_of(date_of(f.on).checked_sub(jiff::Span::new().months(12)).expect("in range"));
            t.count.push(Counted {
                id: f.id,
                on: f.on,
                window_from,
                current: true,
                warned: false,
                excepted: false,
                ignored: false,
            });
            let me = t.count.len() - 1;
            let first = !t.mandatory(me);
            let pending = t.pending();
            let mut episode = false;
            if !pending.is_empty() {
                episode = self.decide(s, &pending, f.aware, limit, end, fin, &mut final_done);
            }
            if first && !episode {
                self.warn(me, f.aware);
            }
        }

        match fin {
            Final::Breach if !final_done => self.final_breach(s, final_at),
            Final::Recall => self.final_recall(s, final_at),
            _ => {}
        }
    }

    /// A warning letter for counted failure `i`, on time, late or (rarely) never.
    fn warn(&mut self, i: usize, aware: i64) {
        if self.chance(cal::WARNING_MISSED_PERCENT) {
            return;
        }
        let k = if self.chance(cal::WARNING_LATE_PERCENT) { self.days(3, 10) } else { self.days(1, 2) } as u32;
        let at = self.office_time(aware, k);
        let on = self.local_day(at);
        self.trail.count[i].warned = true;
        let appointment = self.trail.count[i].id.clone();
        self.push(at, CaseEvent::WarningLetterIssued { appointment, on: date_of(on), response_due: date_of(on + 7) });
    }

    /// The decision on the pending mandatory failures, learnt of at `aware`. Returns whether
    /// it opened an enforcement episode (which deals with the failure just learnt of).
    #[allow(clippy::too_many_arguments)] // the sentence's timeline, named at the one call
    fn decide(
        &mut self,
        s: &Enforced,
        pending: &[usize],
        aware: i64,
        limit: i64,
        end: Option<i64>,
        fin: Final,
        final_done: &mut bool,
    ) -> bool {
        let u = self.uniform();
        if u < cal::ENFORCEMENT_MISSED_PERCENT / 100.0 {
            for i in pending {
                self.trail.count[*i].ignored = true;
            }
            return false;
        }
        let exception = u < (cal::ENFORCEMENT_MISSED_PERCENT + cal::ENFORCEMENT_EXCEPTION_PERCENT) / 100.0;
        let after = self.trail.busy + MINUTE;
        let late = self.chance(cal::BREACH_REFERRAL_LATE_PERCENT);
        let k = match (exception, late) {
            (true, _) => self.days(2, 8),
            (false, true) => self.days(9, 14),
            (false, false) => self.days(1, 6),
        } as u32;
        let mut at = self.office_time(aware, k).max(after);
        if at >= limit {
            // Too late for the natural timescale: decide at once if there is time.
            at = self.office_time(aware, 1).max(after);
        }
        if at >= limit {
            if fin != Final::None {
                // Left for the final breach or recall, which lists them.
                return false;
            }
            // The order ended first: a manager closes the decision.
            let at = self.office_time(end.unwrap_or(aware).max(aware), 1).max(after);
            self.except(pending, at, LATE_EXCEPTION);
            return false;
        }
        if exception {
            let text = EXCEPTION_REASONS[self.rng.random_range(0..EXCEPTION_REASONS.len())];
            self.except(pending, at, text);
            return false;
        }
        let day = self.local_day(at);
        let licence = s.custodial && day <= s.licence_end;
        let failures = self.listed(pending);
        if licence {
            // Recall route. Only the licence's final recall (if it ends `Recalled`) recalls.
            let decided = self.office_time(at, 1).min(limit - MINUTE).max(at + MINUTE);
            if decided >= limit {
                return false;
            }
            let mut alternatives = Vec::with_capacity(2);
            if failures.iter().any(|id| self.trail.count.iter().any(|c| &c.id == id && c.warned)) {
                alternatives.push(RecallAlternative::WarningLetter);
            }
            alternatives.push(RecallAlternative::IncreasedContact);
            self.push(
                at,
                CaseEvent::RecallRecommended {
                    kind: RecallKind::NoRecall,
                    reasons: Vec::new(),
                    alternatives_tried: alternatives,
                    failures,
                },
            );
            let by = self.manager_at(decided);
            let by_manager = self.g.codes[by as usize].clone();
            self.push_by(
                decided,
                by,
                CaseEvent::RecallDecided {
                    by_manager,
                    decision: RecallKind::NoRecall,
                    note: Some(note(NO_RECALL_NOTE)),
                },
            );
            self.close(aware, decided);
            return true;
        }
        // Breach route: a community sentence or post-sentence supervision.
        let (lo, hi) = cal::BREACH_HEARING_DAYS;
        let mut resolved =
            self.g.at(self.g.next_business_day(day + self.days(lo, hi)), 10 * 60 + 30 * self.days(0, 10));
        let mut outcome = pick(self.uniform(), &cal::BREACH_OUTCOMES);
        if fin == Final::Breach && resolved >= limit {
            // Still open when the final breach would be referred: this breach ends the order.
            let (e, _) = s.ending.expect("a final breach has an ending");
            resolved = self.g.at(e, 11 * 60 + 15 * self.days(0, 12));
            outcome = BreachOutcome::ProvenRevokedAndResentenced;
            *final_done = true;
        } else if let Some(end) = end
            && resolved >= end - HOUR
        {
            // The order ended first.
            resolved = (end - HOUR).max(at + MINUTE);
            outcome = BreachOutcome::Withdrawn;
        }
        self.breach(at, failures, None, resolved, outcome);
        self.close(aware, resolved);
        true
    }

    /// Failures to list in a breach or recall: the sentence's own counted failures and any
    /// mandatory one still pending.
    fn listed(&self, pending: &[usize]) -> Vec<LocalId> {
        self.trail
            .count
            .iter()
            .enumerate()
            .filter(|(i, c)| c.current || pending.contains(i))
            .map(|(_, c)| c.id.clone())
            .collect()
    }

    fn except(&mut self, pending: &[usize], at: i64, reason: &str) {
        let by = self.manager_at(at);
        let by_manager = self.g.codes[by as usize].clone();
        for (n, i) in pending.iter().enumerate() {
            self.trail.count[*i].excepted = true;
            let appointment = self.trail.count[*i].id.clone();
            let at = at + n as i64 * MINUTE;
            self.push_by(
                at,
                by,
                CaseEvent::EnforcementExceptionRecorded {
                    appointment,
                    reason: note(reason),
                    by_manager: by_manager.clone(),
                },
            );
            self.trail.busy = self.trail.busy.max(at);
        }
    }

    /// An episode opened at `aware` (when the decision began) and closed at `until`.
    fn close(&mut self, aware: i64, until: i64) {
        let day = self.local_day(until);
        let t = &mut self.trail;
        t.episode_until = t.episode_until.max(until).max(aware);
        t.busy = t.busy.max(until);
        t.reset(day);
    }

    /// A breach referred at `at`, its pack (often complete, sometimes completed later) and
    /// its resolution at `resolved`.
    fn breach(&mut self, at: i64, failures: Vec<LocalId>, reason: Option<&str>, resolved: i64, outcome: BreachOutcome) {
        let complete = !self.chance(cal::BREACH_PACK_INCOMPLETE_PERCENT);
        let mut pack = BreachPack::COMPLETE;
        if !complete {
            // One to three items missing (never the report itself).
            let missing = self.days(1, 3);
            for _ in 0..missing {
                match self.days(0, 5) {
                    0 => pack.warning_letters = false,
                    1 => pack.contact_log = false,
                    2 => pack.previous_convictions = false,
                    3 => pack.risk_summary = false,
                    4 => pack.order_copy = false,
                    _ => pack.manager_countersigned = false,
                }
            }
        }
        self.push(at, CaseEvent::BreachReferred { failures, reason: reason.map(note), pack });
        // The pack is sent (`BreachPackCompleted`) with the referral when it is ready, else
        // once the missing items are in.
        let done = if pack.is_complete() {
            at + i64::from(self.days(2, 12)) * 10 * MINUTE
        } else {
            let k = if self.chance(cal::BREACH_PACK_LATE_PERCENT) { self.days(11, 15) } else { self.days(2, 9) };
            self.office_time(at, k as u32)
        };
        if done < resolved {
            self.push(done, CaseEvent::BreachPackCompleted { pack: BreachPack::COMPLETE });
        }
        let on = date_of(self.local_day(resolved));
        self.push(resolved, CaseEvent::BreachResolved { on, outcome });
    }

    /// The breach that ends an order revoked for breach: referred at `at`, resolved at court
    /// on the day the sentence ends.
    fn final_breach(&mut self, s: &Enforced, at: i64) {
        let (e, _) = s.ending.expect("a final breach has an ending");
        let at = at.max(self.trail.busy + MINUTE);
        let resolved = self.g.at(e, 11 * 60 + 15 * self.days(0, 12)).max(at + MINUTE);
        let pending = self.trail.pending();
        let failures = self.listed(&pending);
        let mandatory =
            self.trail.count.iter().enumerate().any(|(i, c)| failures.contains(&c.id) && self.trail.mandatory(i));
        let reason = match (mandatory, failures.is_empty()) {
            (true, _) => None,
            (false, false) => Some(SERIOUS_FAILURE),
            (false, true) => Some(NO_FAILURE_BREACH),
        };
        self.breach(at, failures, reason, resolved, BreachOutcome::ProvenRevokedAndResentenced);
        self.close(at, resolved);
    }

    /// The recall that ends a licence: recommended at `at`, decided on the day it ends.
    fn final_recall(&mut self, s: &Enforced, at: i64) {
        let (e, _) = s.ending.expect("a final recall has an ending");
        let at = at.max(self.trail.busy + MINUTE);
        let decided = self.g.at(e, 12 * 60 + 15 * self.days(0, 12)).max(at + MINUTE);
        let pending = self.trail.pending();
        let failures = self.listed(&pending);
        let kind = pick(self.uniform(), &cal::RECALL_KINDS);
        let mut reasons = vec![RecallReason::ContactBrokenDown];
        if self.trail.count.is_empty() || self.rng.random_bool(0.4) {
            reasons.push(RecallReason::RiskIncreased);
        }
        let mut alternatives = Vec::with_capacity(2);
        if self.trail.count.iter().any(|c| c.warned) {
            alternatives.push(RecallAlternative::WarningLetter);
        }
        if self.rng.random_bool(0.5) {
            alternatives.push(RecallAlternative::IncreasedContact);
        }
        self.push(at, CaseEvent::RecallRecommended { kind, reasons, alternatives_tried: alternatives, failures });
        let by = self.manager_at(decided);
        let by_manager = self.g.codes[by as usize].clone();
        self.push_by(
            decided,
            by,
            CaseEvent::RecallDecided { by_manager, decision: kind, note: Some(note(RECALL_NOTE)) },
        );
        self.close(at, decided);
    }

    /// The sentence plan's answer to an assessment completed at `assessed`: objectives for
    /// most needs and medium-or-above risks, a recorded reason for most of the rest, and in
    /// some plans a gap nobody explained (the report: needs assessed well, too few reaching
    /// the plan). `initial`: the first assessment of the sentence, which starts its plan.
    pub(super) fn answer_assessment(&mut self, assessed: i64, initial: bool, risks: &[RiskGroup]) {
        let needs: Vec<(u32, NeedArea)> = cal::NEED_PREVALENCE
            .iter()
            .enumerate()
            .filter(|(i, _)| self.needs[*i].is_some())
            .map(|(i, (area, _))| (1u32 << i, *area))
            .collect();
        let subjects: u32 = needs.iter().fold(0, |a, (b, _)| a | b) | risks.iter().fold(0, |a, g| a | risk_bit(*g));
        let p = &mut self.plan_state;
        let (explained, gaps) = if initial { (0, 0) } else { (p.explained, p.gaps & subjects) };
        let mut leave = gaps;
        if initial && subjects != 0 && self.chance(cal::PLAN_GAP_PERCENT) {
            let count = if self.rng.random_bool(0.65) { 1 } else { 2 };
            for _ in 0..count {
                let n = subjects.count_ones();
                let k = self.rng.random_range(0..n);
                leave |= nth_bit(subjects, k);
            }
        }
        if !initial {
            // At a review some gaps are closed.
            for b in bits(gaps) {
                if self.chance(cal::PLAN_GAP_CLOSED_AT_REVIEW_PERCENT) {
                    leave &= !b;
                }
            }
        }
        let addressed = self.plan_state.addressed;
        let mut at = assessed;
        let mut planned = 0u32;
        let mut explain = 0u32;
        let mut objectives = 0;
        for (bit, need) in &needs {
            let (bit, need) = (*bit, *need);
            if leave & bit != 0 || planned & bit != 0 || (!initial && addressed & bit != 0) {
                continue;
            }
            // A review keeps its earlier reasons; anything new is planned like a new plan.
            let objective = if !initial && explained & bit != 0 {
                false
            } else {
                objectives < 5 && self.chance(cal::NEED_OBJECTIVE_PERCENT)
            };
            if !objective {
                explain |= bit;
                continue;
            }
            let mut linked = vec![need];
            planned |= bit;
            if let Some(other) = partner(need)
                && let Some((ob, _)) = needs.iter().find(|(_, n)| *n == other)
                && (leave | planned) & ob == 0
                && self.rng.random_bool(0.5)
            {
                linked.push(other);
                planned |= ob;
            }
            at += i64::from(self.days(0, 3)) * DAY + 10 * MINUTE;
            objectives += 1;
            self.objective(at, super::names::objective_text(need), linked, Vec::new());
        }
        let open: Vec<RiskGroup> = risks
            .iter()
            .copied()
            .filter(|g| {
                let b = risk_bit(*g);
                leave & b == 0 && (initial || addressed & b == 0)
            })
            .collect();
        if !open.is_empty() {
            let all_explained = !initial && open.iter().all(|g| explained & risk_bit(*g) != 0);
            if !all_explained && self.chance(cal::RISK_OBJECTIVE_PERCENT) {
                at += 10 * MINUTE;
                objectives += 1;
                for g in &open {
                    planned |= risk_bit(*g);
                }
                self.objective(at, RISK_OBJECTIVE, Vec::new(), open);
            } else {
                for g in &open {
                    explain |= risk_bit(*g);
                }
            }
        }
        if initial && objectives == 0 {
            // Every plan starts with at least one objective.
            at += 10 * MINUTE;
            self.objective(at, GENERAL_OBJECTIVE, Vec::new(), Vec::new());
        }
        for b in bits(explain) {
            let subject = match b.trailing_zeros() {
                i if i < 10 => PlanSubject::Need(cal::NEED_PREVALENCE[i as usize].0),
                i => PlanSubject::RiskGroup(RiskGroup::ALL[(i - 10) as usize]),
            };
            let text = match subject {
                PlanSubject::Need(_) => NEED_REASONS[self.rng.random_range(0..NEED_REASONS.len())],
                PlanSubject::RiskGroup(_) => RISK_REASONS[self.rng.random_range(0..RISK_REASONS.len())],
            };
            at += 10 * MINUTE;
            self.push(at, CaseEvent::PlanGapReasonRecorded { subject, reason: note(text) });
        }
        let p = &mut self.plan_state;
        p.addressed |= planned;
        p.explained = explain;
        p.gaps = leave;
    }

    /// The risk groups rated medium or above in an assessment, which the plan must answer.
    pub(super) fn risks_of(assessment: &domain::assessment::Assessment) -> Vec<RiskGroup> {
        assessment.rosh.iter().filter(|(_, l)| **l >= RoshLevel::Medium).map(|(g, _)| *g).collect()
    }
}

/// The set bits of `x`, lowest first, each as a one-bit mask.
fn bits(mut x: u32) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        (x != 0).then(|| {
            let b = x & x.wrapping_neg();
            x &= !b;
            b
        })
    })
}

/// The `k`th (0-based) set bit of `x` as a mask.
fn nth_bit(x: u32, k: u32) -> u32 {
    bits(x).nth(k as usize).unwrap_or(0)
}
