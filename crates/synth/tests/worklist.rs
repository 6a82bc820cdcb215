//! The practice trail: generated cases carry the warning letters, breaches, recalls and
//! plans that real practice records, so an officer's worklist shows what is due now and an
//! honest residue of past failings (`synth::calibration`, "Practice"), not years of
//! historic items.

use domain::case::CaseState;
use domain::event::{CaseEvent, SentenceOutcome};
use domain::practice::enforcement::{BreachOutcome, RecallKind};
use domain::practice::{WorkKind, worklist};
use jiff::civil::{Date, date};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use synth::GenerateOptions;
use synth::calibration as cal;

const AS_OF: Date = date(2018, 1, 31);

struct Run {
    states: Vec<CaseState>,
    active: u32,
    /// Overdue items by kind, over active cases, as at `AS_OF`.
    overdue: BTreeMap<WorkKind, u32>,
    /// All worklist items (due or overdue) over active cases.
    items: u32,
    /// Active cases with a sentence plan and at least one plan gap item (due or not).
    planned: u32,
    with_gap: u32,
    warnings: u32,
    late_warnings: u32,
    breaches: u32,
    packs_completed_later: u32,
    exceptions: u32,
    enforceable: u32,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let opts = GenerateOptions::new(2_000, 31, AS_OF);
        let org = synth::organisation(&opts);
        let mut r = Run {
            states: Vec::new(),
            active: 0,
            overdue: BTreeMap::new(),
            items: 0,
            planned: 0,
            with_gap: 0,
            warnings: 0,
            late_warnings: 0,
            breaches: 0,
            packs_completed_later: 0,
            exceptions: 0,
            enforceable: 0,
        };
        for (crn, stream) in synth::cases(&opts, &org).unwrap().flatten() {
            for e in &stream {
                match &e.event {
                    CaseEvent::WarningLetterIssued { on, .. } => {
                        r.warnings += 1;
                        let aware = stream
                            .iter()
                            .rev()
                            .find(|x| {
                                matches!(&x.event, CaseEvent::OutcomeRecorded { appointment, outcome, .. }
                                    if outcome.is_enforceable() && Some(appointment) == warned(&e.event))
                                    && x.seq < e.seq
                            })
                            .map(|x| domain::case::uk_date(x.occurred_at))
                            .unwrap();
                        r.late_warnings += u32::from(*on > domain::practice::policy::WARNING_LETTER.after(aware));
                    }
                    CaseEvent::BreachReferred { pack, .. } => {
                        r.breaches += 1;
                        r.packs_completed_later += u32::from(!pack.is_complete());
                    }
                    CaseEvent::EnforcementExceptionRecorded { .. } => r.exceptions += 1,
                    CaseEvent::OutcomeRecorded { outcome, .. } => r.enforceable += u32::from(outcome.is_enforceable()),
                    _ => {}
                }
            }
            let state = CaseState::fold(crn.clone(), &stream).unwrap_or_else(|e| panic!("{crn}: {e}"));
            if state.is_active() {
                r.active += 1;
                let items = worklist(&state, AS_OF);
                r.items += items.len() as u32;
                for item in &items {
                    if item.overdue {
                        *r.overdue.entry(item.kind).or_default() += 1;
                    }
                }
                if domain::practice::contact::sentence_plan_started(&state).is_some() {
                    r.planned += 1;
                    r.with_gap += u32::from(items.iter().any(|i| i.kind == WorkKind::PlanGap));
                }
            }
            r.states.push(state);
        }
        r
    })
}

fn warned(e: &CaseEvent) -> Option<&domain::ids::LocalId> {
    match e {
        CaseEvent::WarningLetterIssued { appointment, .. } => Some(appointment),
        _ => None,
    }
}

fn overdue(kind: WorkKind) -> u32 {
    run().overdue.get(&kind).copied().unwrap_or(0)
}

#[test]
fn few_overdue_items_per_active_case_but_an_honest_residue() {
    let r = run();
    let total: u32 = r.overdue.values().sum();
    let per_case = f64::from(total) / f64::from(r.active);
    let items = f64::from(r.items) / f64::from(r.active);
    println!("{} active cases, {items:.2} items and {per_case:.2} overdue each: {:?}", r.active, r.overdue);
    assert!(per_case < cal::MAX_OVERDUE_PER_ACTIVE_CASE, "{per_case:.2} overdue items per active case");
    // The residue the inspection would find: some failures never warned, some decisions
    // never made, some plan gaps, but each a small share of active cases.
    for kind in [
        WorkKind::WarningDecision,
        WorkKind::PlanGap,
        WorkKind::BreachDecision,
        WorkKind::Review,
        WorkKind::SafeguardingChase,
        WorkKind::OversightAction,
    ] {
        assert!(overdue(kind) > 0, "no overdue {kind:?}: the residue is missing");
    }
    assert!(f64::from(overdue(WorkKind::WarningDecision)) < 0.1 * f64::from(r.active), "{:?}", r.overdue);
    assert!(f64::from(overdue(WorkKind::BreachDecision)) < 0.05 * f64::from(r.active), "{:?}", r.overdue);
}

#[test]
fn a_minority_of_plans_leave_a_need_or_risk_unanswered() {
    let r = run();
    let share = 100.0 * f64::from(r.with_gap) / f64::from(r.planned);
    println!("{} of {} plans ({share:.1}%) have a gap", r.with_gap, r.planned);
    assert!(r.planned as f64 > 0.8 * f64::from(r.active), "most active cases have a plan: {}", r.planned);
    assert!((share - cal::PLANS_WITH_GAP_PERCENT).abs() <= 5.0, "{share:.1}%");
}

#[test]
fn failures_are_warned_breached_and_recalled_as_practice_would() {
    let r = run();
    println!(
        "{} enforceable outcomes, {} warnings ({} late), {} breaches ({} packs completed later), {} exceptions",
        r.enforceable, r.warnings, r.late_warnings, r.breaches, r.packs_completed_later, r.exceptions
    );
    let late = f64::from(r.late_warnings) / f64::from(r.warnings);
    assert!((0.05..0.2).contains(&late), "late warnings {late:.3}");
    assert!(r.warnings > r.enforceable / 3, "most first failures are warned");
    let completed_later = f64::from(r.packs_completed_later) / f64::from(r.breaches);
    assert!((0.1..0.35).contains(&completed_later), "packs completed later {completed_later:.3}");
    assert!(r.exceptions > 0 && r.exceptions < r.breaches / 2);
}

#[test]
fn orders_revoked_for_breach_and_licences_recalled_have_their_trail() {
    let (mut revoked, mut recalled) = (0, 0);
    for c in &run().states {
        let enf = &c.practice.enforcement;
        for s in &c.sentences {
            match s.ended {
                Some((on, SentenceOutcome::RevokedForBreach)) => {
                    revoked += 1;
                    assert!(
                        enf.breaches
                            .iter()
                            .any(|b| b.resolved == Some((on, BreachOutcome::ProvenRevokedAndResentenced))),
                        "{}: revoked for breach on {on} without a breach proven that day",
                        c.crn
                    );
                }
                Some((on, SentenceOutcome::Recalled)) => {
                    recalled += 1;
                    assert!(
                        enf.recalls.iter().any(|r| r.decided.as_ref().is_some_and(|d| d.on == on
                            && d.decision != RecallKind::NoRecall
                            && r.kind != RecallKind::NoRecall)),
                        "{}: recalled on {on} without a recall decided that day",
                        c.crn
                    );
                }
                _ => {}
            }
        }
    }
    assert!(revoked > 10 && recalled > 10, "{revoked} revoked, {recalled} recalled");
}

/// Every kind of event the case record knows, read from `CaseEvent::event_type` itself, so a new
/// kind fails the test below until the generator makes it.
fn every_event_type() -> Vec<&'static str> {
    let source = include_str!("../../domain/src/event.rs");
    let body = &source[source.find("pub fn event_type(&self)").expect("event_type is in event.rs")..];
    let body = &body[..body.find("\n    }\n").expect("event_type ends")];
    body.lines().filter_map(|l| l.split("=> \"").nth(1)).map(|t| t.trim_end_matches("\",")).collect()
}

#[test]
fn generated_cases_hold_every_kind_of_event_the_record_knows() {
    let opts = GenerateOptions::new(2_000, 31, AS_OF);
    let org = synth::organisation(&opts);
    let mut kinds: BTreeMap<&'static str, u32> = BTreeMap::new();
    // Outcomes, those with a case note, and those with a sensitive one.
    let (mut outcomes, mut noted, mut sensitive) = (0u32, 0u32, 0u32);
    for (_, stream) in synth::cases(&opts, &org).unwrap().flatten() {
        for e in &stream {
            *kinds.entry(e.event.event_type()).or_default() += 1;
            if let CaseEvent::OutcomeRecorded { note, sensitive: s, .. } = &e.event {
                outcomes += 1;
                noted += u32::from(note.is_some());
                sensitive += u32::from(*s && note.is_some());
            }
        }
    }
    // Most supervision contacts carry a note (UPW and RAR sessions do not), a few sensitive.
    let (noted_share, sensitive_share) =
        (f64::from(noted) / f64::from(outcomes), f64::from(sensitive) / f64::from(noted));
    assert!((0.3..0.8).contains(&noted_share), "{noted} of {outcomes} outcomes have a note");
    assert!((0.01..0.08).contains(&sensitive_share), "{sensitive} of {noted} notes are sensitive");
    println!("{kinds:?}");
    let all = every_event_type();
    assert_eq!(all.len(), 42, "{all:?}");
    for kind in all {
        assert!(kinds.contains_key(kind), "the generator makes no {kind}: {kinds:?}");
    }
    // The practice that follows a plan, at a provider's volume.
    for kind in [
        "review_triggered",
        "review_completed",
        "safeguarding_in_view",
        "safeguarding_check_requested",
        "safeguarding_check_chased",
        "safeguarding_response_received",
        "oversight_recorded",
        "oversight_action_completed",
        "intervention_referred",
        "referral_accepted",
        "referral_started",
        "referral_closed",
        "referral_outcomes_recorded",
        "unpaid_work_needs_recorded",
        "unpaid_work_time_recorded",
    ] {
        assert!(kinds.get(kind).is_some_and(|n| *n > 100), "too few {kind}: {kinds:?}");
    }
}
