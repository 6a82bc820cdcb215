//! Properties of the practice engine over random case histories: every event goes through
//! the real gate (`CaseState::apply`), refused ones are dropped, as the store would.

use domain::assessment::RoshLevel;
use domain::case::CaseState;
use domain::contact::{AbsenceReason, ContactKind, Outcome, RescheduledBy, SentHomeReason};
use domain::event::{AllocationReason, CaseEvent};
use domain::example::{appointment, assessment, code, community_order, date, id, person};
use domain::ids::{Crn, Note};
use domain::practice::enforcement::{BreachOutcome, BreachPack};
use domain::practice::policy::{EVIDENCE_WINDOW, OUTCOME_RECORDING, WARNING_LETTER};
use domain::practice::{Subject, WorkItem, WorkKind, officer_worklist, worklist};
use jiff::civil::Date;
use proptest::prelude::*;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
enum Op {
    Book { day: u16, kind: u8 },
    Outcome { appt: usize, outcome: u8, delay: u16 },
    Warn { appt: usize },
    Breach { first: usize, second: Option<usize>, reason: bool },
    PackComplete { complete: bool },
    Resolve,
    Exception { appt: usize },
    Assess { rosh: u8 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u16..400, 0u8..4).prop_map(|(day, kind)| Op::Book { day, kind }),
        5 => (0usize..12, 0u8..8, 0u16..10).prop_map(|(appt, outcome, delay)| Op::Outcome { appt, outcome, delay }),
        1 => (0usize..12).prop_map(|appt| Op::Warn { appt }),
        1 => (0usize..12, proptest::option::of(0usize..12), any::<bool>())
            .prop_map(|(first, second, reason)| Op::Breach { first, second, reason }),
        1 => any::<bool>().prop_map(|complete| Op::PackComplete { complete }),
        1 => Just(Op::Resolve),
        1 => (0usize..12).prop_map(|appt| Op::Exception { appt }),
        1 => (0u8..4).prop_map(|rosh| Op::Assess { rosh }),
    ]
}

fn start() -> Date {
    date("2026-03-02")
}

fn day(n: u16) -> Date {
    start().checked_add(jiff::Span::new().days(i64::from(n))).unwrap()
}

const OUTCOMES: [Outcome; 8] = [
    Outcome::AttendedComplied,
    Outcome::AttendedFailedToComply,
    Outcome::AttendedSentHome { reason: SentHomeReason::Behaviour },
    Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue },
    Outcome::AcceptableAbsence { reason: AbsenceReason::Medical },
    Outcome::UnacceptableAbsence,
    Outcome::FailedToAttend,
    Outcome::Rescheduled { by: RescheduledBy::Person },
];

const KINDS: [ContactKind; 4] =
    [ContactKind::OfficeVisit, ContactKind::HomeVisit, ContactKind::Telephone, ContactKind::UnpaidWork];

/// Builds a case from `ops`, in date order, returning the state and the accepted events.
fn build(crn: &str, ops: &[Op]) -> (CaseState, Vec<(CaseEvent, Date)>) {
    let mut state = CaseState::new(Crn::parse(crn).unwrap());
    let mut accepted = Vec::new();
    let mut push = |state: &mut CaseState, e: CaseEvent, on: Date| {
        if state.apply(&e, on).is_ok() {
            accepted.push((e, on));
        }
    };
    push(&mut state, CaseEvent::PersonRegistered { person: person("Ada", "Lovelace") }, start());
    push(&mut state, CaseEvent::SentenceImposed { sentence: community_order("S1", start()) }, start());
    push(
        &mut state,
        CaseEvent::OfficerAllocated {
            officer: code("PO1"),
            team: code("T1"),
            reason: AllocationReason::Initial,
            evidence: None,
        },
        start(),
    );
    let mut booked: Vec<(String, Date)> = Vec::new();
    let mut clock = start();
    let note = |s: &str| Note::parse(s).unwrap();
    for o in ops {
        let appt = |i: &usize| booked.get(*i % booked.len().max(1)).cloned();
        match o {
            Op::Book { day: n, kind } => {
                let aid = format!("A{}", booked.len());
                let at = day(*n).at(10, 0, 0, 0);
                let e = CaseEvent::AppointmentBooked { appointment: appointment(&aid, at, KINDS[*kind as usize]) };
                push(&mut state, e, clock);
                booked.push((aid, day(*n)));
            }
            Op::Outcome { appt: i, outcome, delay } => {
                if let Some((aid, on)) = appt(i) {
                    // Outcomes are recorded on or after the appointment; the clock never runs back.
                    clock = clock.max(on.checked_add(jiff::Span::new().days(i64::from(*delay))).unwrap());
                    let e = CaseEvent::OutcomeRecorded {
                        appointment: id(&aid),
                        outcome: OUTCOMES[*outcome as usize],
                        note: None,
                        sensitive: false,
                    };
                    push(&mut state, e, clock);
                }
            }
            Op::Warn { appt: i } => {
                if let Some((aid, on)) = appt(i) {
                    let issued = clock.max(on);
                    let due = issued.checked_add(jiff::Span::new().days(7)).unwrap();
                    let e = CaseEvent::WarningLetterIssued { appointment: id(&aid), on: issued, response_due: due };
                    push(&mut state, e, clock);
                }
            }
            Op::Breach { first, second, reason } => {
                let mut failures = Vec::new();
                if let Some((aid, _)) = appt(first) {
                    failures.push(id(&aid));
                }
                if let Some((aid, _)) = second.and_then(|s| appt(&s)) {
                    failures.push(id(&aid));
                }
                let reason = reason.then(|| note("serious"));
                push(&mut state, CaseEvent::BreachReferred { failures, reason, pack: BreachPack::default() }, clock);
            }
            Op::PackComplete { complete } => {
                let pack = if *complete { BreachPack::COMPLETE } else { BreachPack::default() };
                push(&mut state, CaseEvent::BreachPackCompleted { pack }, clock);
            }
            Op::Resolve => {
                let e = CaseEvent::BreachResolved { on: clock, outcome: BreachOutcome::ProvenOrderContinued };
                push(&mut state, e, clock);
            }
            Op::Exception { appt: i } => {
                if let Some((aid, _)) = appt(i) {
                    let e = CaseEvent::EnforcementExceptionRecorded {
                        appointment: id(&aid),
                        reason: note("manager's reason"),
                        by_manager: code("SPO1"),
                    };
                    push(&mut state, e, clock);
                }
            }
            Op::Assess { rosh } => {
                let n = state.version;
                let a = assessment(&format!("AS{n}"), clock, RoshLevel::ALL[*rosh as usize], &[]);
                push(&mut state, CaseEvent::AssessmentCompleted { assessment: a }, clock);
            }
        }
    }
    (state, accepted)
}

fn key(i: &WorkItem) -> (String, WorkKind, Subject) {
    (i.crn.to_string(), i.kind, i.subject.clone())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// docs/rules/practice.md#enforcement: the count never goes negative (it is a count of recorded
    /// failures) and never exceeds the enforceable outcomes on the case.
    #[test]
    fn failure_count_is_bounded_by_enforceable_outcomes(ops in prop::collection::vec(op(), 0..40), t in 0u16..500) {
        let (state, _) = build("X300001", &ops);
        let enforceable = state.appointments.iter().filter(|a| a.outcome.is_some_and(Outcome::is_enforceable)).count();
        let enf = &state.practice.enforcement;
        prop_assert_eq!(enf.failures.len(), enforceable, "failures mirror current enforceable outcomes");
        prop_assert!(enf.failure_count(day(t)) <= enforceable);
        prop_assert!(enf.counted_failures().len() <= enforceable);
        prop_assert!(enf.breaches.iter().filter(|b| b.resolved.is_none()).count() <= 1, "one open breach at most");
    }

    /// The worklist holds every overdue obligation exactly once, no (crn, kind, subject)
    /// twice, and is in the documented order.
    #[test]
    fn worklist_has_every_overdue_item_once(ops in prop::collection::vec(op(), 0..40), t in 0u16..450) {
        let (state, _) = build("X300002", &ops);
        let today = day(t);
        let list = worklist(&state, today);

        let keys: Vec<_> = list.iter().map(key).collect();
        let unique: BTreeSet<_> = keys.iter().cloned().collect();
        prop_assert_eq!(unique.len(), keys.len(), "duplicates in {:?}", keys);

        // Obligations computed here from the raw state, independently of the worklist.
        let mut expected: Vec<(WorkKind, Subject)> = Vec::new();
        for a in &state.appointments {
            let on = a.appointment.at.date();
            let subject = Subject::Appointment(a.appointment.id.clone());
            if a.outcome.is_none() && on < today && OUTCOME_RECORDING.after(on) < today {
                expected.push((WorkKind::OutcomeMissing, subject.clone()));
            }
            if a.outcome == Some(Outcome::FailedToAttend) && EVIDENCE_WINDOW.after(on) < today {
                expected.push((WorkKind::EvidenceAwaited, subject));
            }
        }
        for f in state.practice.enforcement.awaiting_warning() {
            if WARNING_LETTER.after(f.aware_on) < today {
                expected.push((WorkKind::WarningDecision, Subject::Appointment(f.appointment.clone())));
            }
        }
        for (kind, subject) in expected {
            let found: Vec<&WorkItem> = list.iter().filter(|i| i.kind == kind && i.subject == subject).collect();
            prop_assert_eq!(found.len(), 1, "{:?} {:?} in {:?}", kind, subject, keys);
            prop_assert!(found[0].is_overdue());
        }
        for i in &list {
            prop_assert_eq!(i.is_overdue(), i.due < today);
            prop_assert_eq!(i.overdue_by_business_days, domain::calendar::business_days_between(i.due, today));
        }
        for w in list.windows(2) {
            let rank = |i: &WorkItem| (i.kind != WorkKind::NoContactPlanned, std::cmp::Reverse(i.overdue_by_business_days));
            if w[0].risk == w[1].risk {
                prop_assert!(rank(&w[0]) <= rank(&w[1]), "order: {:?} before {:?}", w[0], w[1]);
            }
        }
    }

    /// The officer's list is exactly the union of the case lists, and refolding the
    /// accepted events gives the same state (the store rebuilds projections this way).
    #[test]
    fn officer_worklist_is_the_union_and_folds_are_repeatable(
        a in prop::collection::vec(op(), 0..25),
        b in prop::collection::vec(op(), 0..25),
        t in 0u16..450,
    ) {
        let (sa, events) = build("X300003", &a);
        let (sb, _) = build("X300004", &b);
        let today = day(t);
        let mut union: Vec<_> = worklist(&sa, today).iter().chain(worklist(&sb, today).iter()).map(key).collect();
        let mut combined: Vec<_> = officer_worklist([&sa, &sb].into_iter(), today).iter().map(key).collect();
        union.sort();
        combined.sort();
        prop_assert_eq!(union, combined);

        let mut again = CaseState::new(sa.crn.clone());
        for (e, on) in &events {
            again.apply(e, *on).unwrap();
        }
        prop_assert_eq!(again, sa);
    }
}
