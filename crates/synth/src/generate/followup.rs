//! The practice that follows a plan: reviews (scheduled and triggered), safeguarding checks
//! with the police and children's social care, the SPO's oversight with its actions, and
//! referrals to rate-card services through their life, and MAPPA on the few cases that come
//! under it, escalated to the NPS (docs/rules/practice.md#reviews,
//! docs/rules/practice.md#safeguarding, docs/rules/practice.md#management-oversight,
//! docs/rules/practice.md#interventions).
//!
//! Each is done on time most of the time, late some of the time, and now and then not at
//! all: the shares are in [`crate::calibration`] ("Reviews, safeguarding, oversight and
//! referrals"), so an officer's worklist holds what is due now and a small honest residue.
//! Nothing here is made after the sentence stops or on or after the reference date.

use super::{CaseMaker, id};
use crate::calibration as cal;
use crate::draw::{Day, date_of};
use domain::assessment::NeedArea;
use domain::event::{CaseEvent, SentenceOutcome};
use domain::ids::{Code, LocalId, Note};
use domain::practice::interventions::{Achievement, Closure, ObjectiveOutcome, RateCard};
use domain::practice::oversight::{Judgement, OversightAction};
use domain::practice::reviews::ReviewTrigger;
use domain::practice::safeguarding::Agency;
use domain::tier::{MappaCategory, MappaLevel};
use rand::RngExt;
use std::sync::OnceLock;

const CHILDREN_OUTCOMES: [&str; 3] = [
    "Known to children's services: a child in need plan is in place; the plan reflects it.",
    "No current involvement with the family; no further action.",
    "Previous referral closed in the last year; the social worker is to be told of any change.",
];
const POLICE_OUTCOMES: [&str; 3] = [
    "Two domestic call-outs to the address in the last year; no charges.",
    "No domestic abuse call-outs recorded.",
    "One call-out three years ago; partner since moved.",
];
const OVERSIGHT_REVIEWED: &str = "The assessment, the sentence plan and the risk management plan.";
const OVERSIGHT_ACTIONS: [&str; 3] = [
    "Add the risk to the partner to the risk management plan, with contingency.",
    "Make the safeguarding checks and record what they show in the plan.",
    "Link an objective to each assessed need or record why not.",
];
const MAPPA_ESCALATION: &str = "MAPPA category 2, level 1: the NPS manages every MAPPA case; transfer requested.";
const ENDED_EARLY: [&str; 2] = ["Stopped attending after three sessions.", "Moved out of the service's area."];

/// The share of scheduled reviews drawn on time: a little under the report's figure, because a
/// review drawn late is more often cut off by the reference date or the sentence's end, so
/// fewer late ones are seen than drawn (`synth::stats` measures the report's figure).
const REVIEW_ON_TIME_DRAW: f64 = cal::REVIEW_ON_TIME_PERCENT - 3.0;
/// The share of local authorities drawn to answer on a case's last sentence: a little under the
/// report's figure, because on earlier sentences every check is answered.
const LOCAL_AUTHORITY_ANSWER_DRAW: f64 = cal::LOCAL_AUTHORITY_ANSWER_PERCENT - 3.0;

fn note(s: &str) -> Note {
    Note::parse(s).expect("valid")
}

fn rate_card() -> &'static RateCard {
    static CARD: OnceLock<RateCard> = OnceLock::new();
    CARD.get_or_init(crate::interventions::london_rate_card)
}

impl CaseMaker<'_> {
    /// An instant on `day`, `minute` after midnight plus up to `spread` minutes (UK time).
    fn when(&mut self, day: Day, minute: i32, spread: Day) -> i64 {
        let m = self.days(0, spread);
        self.g.at(day, minute + m)
    }

    /// Days from an anchor (the plan, or the last review) to the next scheduled review: by its
    /// due date (six months) most of the time, one to nine weeks late otherwise.
    pub(super) fn review_interval(&mut self) -> Day {
        if self.chance(REVIEW_ON_TIME_DRAW) { self.days(160, 180) } else { self.days(186, 215) }
    }

    /// Whether reviews stop on this sentence after its plan (the residue).
    pub(super) fn reviews_lapse(&mut self) -> bool {
        self.chance(cal::REVIEWS_LAPSE_PERCENT)
    }

    /// Between `from` and `next` (the next scheduled review), perhaps a trigger and the early
    /// review it calls for. Returns the day of that review, which restarts the clock.
    pub(super) fn triggered_review(&mut self, from: Day, next: Day) -> Option<Day> {
        if next - from < 40 || !self.chance(cal::REVIEW_TRIGGERED_PERCENT) {
            return None;
        }
        let g = self.g;
        let on = from + self.days(15, next - from - 20);
        if on >= self.stop || on >= g.as_of {
            return None;
        }
        let trigger = if self.chance(60.0) {
            ReviewTrigger::ChangeOfAddressOrCircumstances
        } else {
            ReviewTrigger::NewOffenceOrArrest
        };
        let at = self.when(on, 10 * 60, 400);
        self.push(at, CaseEvent::ReviewTriggered { trigger, on: date_of(on), note: None });
        let reviewed =
            g.add_business_days(on, if self.chance(90.0) { self.days(2, 9) } else { self.days(11, 20) } as u32);
        if reviewed >= self.stop || reviewed >= next {
            return None;
        }
        let at = self.when(reviewed, 14 * 60, 120);
        self.push(at, CaseEvent::ReviewCompleted { on: date_of(reviewed), triggers_addressed: None });
        Some(reviewed)
    }

    /// After an assessment on `day`: safeguarding comes into view (children at medium risk or
    /// more, or domestic abuse the officer declares) and the checks follow, once a sentence.
    pub(super) fn safeguarding_after(&mut self, at: i64, day: Day, children: bool, known_adult: bool) {
        if known_adult && !self.declared && self.chance(cal::DOMESTIC_ABUSE_DECLARED_PERCENT) {
            self.declared = true;
            self.push(at + 60, CaseEvent::SafeguardingInView { children: false, domestic_abuse: true });
        }
        if (children || self.declared) && !self.checks_requested {
            self.checks_requested = true;
            for agency in Agency::ALL {
                self.check(agency, day);
            }
        }
    }

    /// One check: requested (mostly within five business days), chased every ten business
    /// days until answered or the officer stops, answered by most police forces and about
    /// 60% of local authorities. On an earlier sentence every check is answered before it
    /// ends, so no check is left open into the next one.
    fn check(&mut self, agency: Agency, seen: Day) {
        let g = self.g;
        let Some(local_authority) = self.home.clone() else { return };
        if self.open_checks.contains(&agency) {
            return;
        }
        let lag = if self.chance(cal::SAFEGUARDING_LATE_PERCENT) { self.days(6, 12) } else { self.days(1, 5) };
        let requested = g.add_business_days(seen, lag as u32);
        if requested >= self.stop || requested >= g.as_of {
            return;
        }
        let requested_at = self.when(requested, 10 * 60, 360);
        self.push(
            requested_at,
            CaseEvent::SafeguardingCheckRequested { agency, local_authority, on: date_of(requested) },
        );
        let (answers, outcomes, wait) = match agency {
            Agency::ChildrensSocialCare => {
                (self.chance(LOCAL_AUTHORITY_ANSWER_DRAW), &CHILDREN_OUTCOMES, self.days(4, 25))
            }
            Agency::Police => (self.chance(cal::POLICE_ANSWER_PERCENT), &POLICE_OUTCOMES, self.days(2, 12)),
        };
        let answers = answers || !self.final_sentence;
        let answered = answers.then(|| g.add_business_days(requested, wait as u32).min(self.stop - 1).max(requested));
        let mut last = requested;
        loop {
            let chase = g.add_business_days(last, if self.chance(90.0) { 10 } else { self.days(11, 15) as u32 });
            if let Some(on) = answered
                && on <= chase
            {
                if on < g.as_of {
                    let text = outcomes[self.rng.random_range(0..outcomes.len())];
                    let at = self.when(on, 15 * 60, 90).max(requested_at + 60);
                    self.push(
                        at,
                        CaseEvent::SafeguardingResponseReceived { agency, on: date_of(on), outcome: note(text) },
                    );
                    return;
                }
                break;
            }
            if chase >= self.stop || chase >= g.as_of {
                break;
            }
            if answered.is_none() && last != requested && !self.chance(cal::SAFEGUARDING_CHASE_KEPT_PERCENT) {
                break;
            }
            let at = self.when(chase, 9 * 60, 120);
            self.push(at, CaseEvent::SafeguardingCheckChased { agency, on: date_of(chase) });
            last = chase;
        }
        self.open_checks.push(agency);
    }

    /// The SPO's oversight of a new plan: on some sentences, a few weeks after the first
    /// assessment; judged insufficient a third of the time, with an action for the officer.
    pub(super) fn oversee(&mut self, assessed: Day, medium: bool) {
        let g = self.g;
        let share = if medium { cal::OVERSIGHT_MEDIUM_PERCENT } else { cal::OVERSIGHT_LOW_PERCENT };
        if !self.chance(share) {
            return;
        }
        let on = g.add_business_days(assessed, self.days(10, 40) as u32);
        if on >= self.stop || on >= g.as_of {
            return;
        }
        let at = self.when(on, 13 * 60, 200);
        let Some(&(_, officer)) = self.allocations.iter().rev().find(|(from, _)| *from <= at) else { return };
        let owner = g.codes[g.officers[officer as usize].code as usize].clone();
        let by = self.manager_at(at);
        self.oversights += 1;
        let n = self.oversights;
        let insufficient = self.chance(cal::OVERSIGHT_INSUFFICIENT_PERCENT);
        let due = g.add_business_days(on, 10);
        let actions = if insufficient {
            let text = OVERSIGHT_ACTIONS[self.rng.random_range(0..OVERSIGHT_ACTIONS.len())];
            vec![OversightAction { id: id(&format!("OV{n}-A1")), text: note(text), owner, due: date_of(due) }]
        } else {
            Vec::new()
        };
        self.push_by(
            at,
            by,
            CaseEvent::OversightRecorded {
                oversight: id(&format!("OV{n}")),
                by_manager: g.codes[by as usize].clone(),
                reviewed: note(OVERSIGHT_REVIEWED),
                judgement: if insufficient { Judgement::Insufficient } else { Judgement::Sufficient },
                actions: actions.clone(),
            },
        );
        for a in actions {
            let u = self.uniform() * 100.0;
            if u < cal::OVERSIGHT_ACTION_NEVER_PERCENT {
                continue;
            }
            let done = if u < cal::OVERSIGHT_ACTION_NEVER_PERCENT + cal::OVERSIGHT_ACTION_ON_TIME_PERCENT {
                g.add_business_days(on, self.days(2, 10) as u32)
            } else {
                g.add_business_days(due, self.days(2, 25) as u32)
            };
            if done < self.stop {
                let at = self.when(done, 11 * 60, 300);
                self.push(at, CaseEvent::OversightActionCompleted { action: a.id, on: date_of(done) });
            }
        }
    }

    /// Perhaps a referral for an objective's need, agreed at `at`, through its life:
    /// accepted, started, completed or ended early, and its outcome recorded.
    pub(super) fn refer(&mut self, at: i64, objective: &LocalId, need: NeedArea) {
        let g = self.g;
        let Some(borough) = self.home.clone() else { return };
        if !self.chance(cal::REFERRAL_PERCENT) {
            return;
        }
        let services: Vec<&Code> =
            rate_card().for_need(need, &borough).filter(|s| !s.accredited).map(|s| &s.id).collect();
        if services.is_empty() {
            return;
        }
        let service = services[self.rng.random_range(0..services.len())].clone();
        let day = self.g.day_after(at) - 1;
        let referred = g.add_business_days(day, self.days(1, 5) as u32);
        let accepted = g.add_business_days(referred, self.days(2, 8) as u32);
        let started = g.add_business_days(accepted, self.days(5, 15) as u32);
        let closed = started + self.days(35, 100);
        let completed = self.chance(cal::REFERRAL_COMPLETED_PERCENT);
        let recorded = g.add_business_days(
            closed,
            if self.chance(cal::REFERRAL_OUTCOMES_ON_TIME_PERCENT) { self.days(1, 5) } else { self.days(6, 15) } as u32,
        );
        self.referrals += 1;
        let referral = id(&format!("REF{}", self.referrals));
        let mut steps = vec![(
            referred,
            CaseEvent::InterventionReferred {
                referral: referral.clone(),
                service,
                objectives: vec![objective.clone()],
                needs: vec![need],
                on: date_of(referred),
            },
        )];
        steps.push((accepted, CaseEvent::ReferralAccepted { referral: referral.clone(), on: date_of(accepted) }));
        steps.push((started, CaseEvent::ReferralStarted { referral: referral.clone(), on: date_of(started) }));
        let (closure, reason) = if completed {
            (Closure::Completed, None)
        } else {
            (Closure::Ended, Some(note(ENDED_EARLY[self.rng.random_range(0..ENDED_EARLY.len())])))
        };
        steps.push((
            closed,
            CaseEvent::ReferralClosed { referral: referral.clone(), on: date_of(closed), closure, reason },
        ));
        let achievement = match (completed, self.uniform()) {
            (true, u) if u < 0.6 => Achievement::Achieved,
            (true, _) => Achievement::Partly,
            (false, u) if u < 0.3 => Achievement::Partly,
            (false, _) => Achievement::NotAchieved,
        };
        steps.push((
            recorded,
            CaseEvent::ReferralOutcomesRecorded {
                referral,
                outcomes: vec![ObjectiveOutcome { objective: objective.clone(), achievement }],
            },
        ));
        for (day, event) in steps {
            if day >= self.stop || day >= g.as_of {
                return;
            }
            let at = self.when(day, 10 * 60, 400).max(at + 60);
            self.push(at, event);
        }
    }

    /// MAPPA on the final sentence of a few cases: most that leave by transfer came under it
    /// shortly before, and a handful of active ones have just come under it. Each is escalated
    /// to the NPS within a business day (some not yet); on some active ones the panel ends it.
    pub(super) fn mappa(&mut self, sd: Day, ending: Option<(Day, SentenceOutcome)>) {
        let g = self.g;
        if !self.final_sentence {
            return;
        }
        let (on, transferred) = match ending {
            Some((e, SentenceOutcome::TransferredOut)) if self.chance(cal::MAPPA_TRANSFER_PERCENT) => {
                (sd + e - self.days(15, 40), true)
            }
            None if self.chance(cal::MAPPA_ACTIVE_PERCENT) => (g.as_of - self.days(5, 60), false),
            _ => return,
        };
        if on <= sd + 14 || on >= self.stop || on >= g.as_of {
            return;
        }
        let at = self.when(on, 11 * 60, 300);
        self.push(at, CaseEvent::MappaSet { category: Some(MappaCategory::Two), level: Some(MappaLevel::One) });
        if !transferred && self.chance(cal::MAPPA_ENDED_PERCENT) {
            let ended = on + self.days(1, 10);
            if ended < self.stop && ended < g.as_of {
                let at = self.when(ended, 14 * 60, 120).max(at + 60);
                self.push(at, CaseEvent::MappaEnded { on: date_of(ended) });
            }
            return;
        }
        if transferred || self.chance(cal::MAPPA_ESCALATED_PERCENT) {
            let escalated = g.add_business_days(on, self.days(0, 1) as u32);
            if escalated < self.stop && escalated < g.as_of {
                let at = self.when(escalated, 15 * 60, 90).max(at + 60);
                self.push(at, CaseEvent::EscalatedToNps { on: date_of(escalated), reason: note(MAPPA_ESCALATION) });
            }
        }
    }
}
