//! Interventions, management oversight, and allocation guidance outside the fold (issue 3,
//! items 9 and 10). Rows cite docs/rules/practice.md#interventions,
//! docs/rules/practice.md#management-oversight, the policy table or the inspection report.

use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
use domain::case::CaseState;
use domain::event::{AllocationReason, CaseEvent, decode};
use domain::example::{assessment, code, community_order, date, id, person};
use domain::ids::{Crn, Name, Note};
use domain::org::Grade;
use domain::plan::{Objective, ObjectiveOwner};
use domain::practice::allocation::{AllocationEvidence, GradeGuidance, GuidanceVerdict, check_allocation};
use domain::practice::interventions::{
    Achievement, Closure, DeliveryMode, GroupError, ObjectiveOutcome, PROGRAMME_GROUP_MAX, Pence, ProgrammeGroup,
    RateCard, ReferralStatus, Service, check_referral,
};
use domain::practice::oversight::{Judgement, OversightAction};
use domain::practice::policy::{OVERSIGHT_ACTION, REFERRAL_ACCEPTANCE, REFERRAL_OUTCOMES, RULES};
use domain::practice::{Subject, WorkKind, worklist};
use jiff::civil::Date;
use proptest::prelude::*;

fn d(s: &str) -> Date {
    date(s)
}

fn note(s: &str) -> Note {
    Note::parse(s).unwrap()
}

fn objective(oid: &str, needs: &[NeedArea]) -> CaseEvent {
    CaseEvent::ObjectiveAgreed {
        objective: Objective {
            id: id(oid),
            description: note("work on it"),
            needs: needs.to_vec(),
            risk_groups: vec![],
            owner: ObjectiveOwner::Provider,
            person_involved: true,
        },
    }
}

/// Sentenced on 2026-01-05, allocated to PO1, assessed with accommodation and thinking and
/// behaviour needs, and two objectives: O1 (accommodation) and O2 (thinking and behaviour).
fn planned() -> CaseState {
    let mut case = CaseState::new(Crn::parse("X500001").unwrap());
    let on = d("2026-01-05");
    let events = [
        CaseEvent::PersonRegistered { person: person("Ada", "Lovelace") },
        CaseEvent::SentenceImposed { sentence: community_order("S1", on) },
        CaseEvent::OfficerAllocated {
            officer: code("PO1"),
            team: code("T1"),
            reason: AllocationReason::Initial,
            evidence: None,
        },
        CaseEvent::AssessmentCompleted {
            assessment: assessment(
                "A1",
                on,
                RoshLevel::Medium,
                &[
                    (NeedArea::Accommodation, NeedSeverity::Severe),
                    (NeedArea::ThinkingBehaviour, NeedSeverity::Standard),
                ],
            ),
        },
        objective("O1", &[NeedArea::Accommodation]),
        objective("O2", &[NeedArea::ThinkingBehaviour]),
    ];
    for e in &events {
        case.apply(e, on).unwrap_or_else(|r| panic!("{e:?}: {r}"));
    }
    case
}

fn refer(rid: &str, objectives: &[&str], needs: &[NeedArea], on: &str) -> CaseEvent {
    CaseEvent::InterventionReferred {
        referral: id(rid),
        service: code("ACC1"),
        objectives: objectives.iter().map(|o| id(o)).collect(),
        needs: needs.to_vec(),
        on: d(on),
    }
}

fn accept(rid: &str, on: &str) -> CaseEvent {
    CaseEvent::ReferralAccepted { referral: id(rid), on: d(on) }
}

fn start(rid: &str, on: &str) -> CaseEvent {
    CaseEvent::ReferralStarted { referral: id(rid), on: d(on) }
}

fn close(rid: &str, on: &str, closure: Closure, reason: Option<&str>) -> CaseEvent {
    CaseEvent::ReferralClosed { referral: id(rid), on: d(on), closure, reason: reason.map(note) }
}

fn outcomes(rid: &str, rows: &[(&str, Achievement)]) -> CaseEvent {
    CaseEvent::ReferralOutcomesRecorded {
        referral: id(rid),
        outcomes: rows.iter().map(|(o, a)| ObjectiveOutcome { objective: id(o), achievement: *a }).collect(),
    }
}

fn apply_all(case: &mut CaseState, events: &[CaseEvent], on: &str) {
    for e in events {
        case.apply(e, d(on)).unwrap_or_else(|r| panic!("{e:?}: {r}"));
    }
}

/// Referred, accepted, started: R1 for O1 (accommodation).
fn started() -> CaseState {
    let mut case = planned();
    apply_all(
        &mut case,
        &[
            refer("R1", &["O1"], &[NeedArea::Accommodation], "2026-01-12"),
            accept("R1", "2026-01-14"),
            start("R1", "2026-01-20"),
        ],
        "2026-01-20",
    );
    case
}

#[test]
fn a_referral_moves_through_its_stages_and_keeps_its_dates() {
    // docs/rules/practice.md#interventions: referred, accepted, started, completed, with an
    // end-of-service outcome per objective.
    let mut case = started();
    apply_all(&mut case, &[close("R1", "2026-03-02", Closure::Completed, None)], "2026-03-02");
    let r = &case.practice.referrals[0];
    assert_eq!(r.status(), ReferralStatus::Closed(Closure::Completed));
    assert_eq!(
        (r.referred_on, r.accepted_on, r.started_on, r.closed),
        (d("2026-01-12"), Some(d("2026-01-14")), Some(d("2026-01-20")), Some((d("2026-03-02"), Closure::Completed)))
    );
    assert_eq!(r.outcomes_missing(), vec![&id("O1")]);
    apply_all(&mut case, &[outcomes("R1", &[("O1", Achievement::Partly)])], "2026-03-03");
    // Recording again corrects it.
    apply_all(&mut case, &[outcomes("R1", &[("O1", Achievement::Achieved)])], "2026-03-04");
    let r = &case.practice.referrals[0];
    assert_eq!(r.outcomes, vec![ObjectiveOutcome { objective: id("O1"), achievement: Achievement::Achieved }]);
    assert!(r.outcomes_missing().is_empty());
}

#[test]
fn closures_table() {
    // (state before, closure, reason, accepted?, why: docs/rules/practice.md#interventions)
    let referred = || {
        let mut c = planned();
        apply_all(&mut c, &[refer("R1", &["O1"], &[NeedArea::Accommodation], "2026-01-12")], "2026-01-12");
        c
    };
    let rows: Vec<(CaseState, Closure, Option<&str>, bool, &str)> = vec![
        (started(), Closure::Completed, None, true, "a started service completes"),
        (started(), Closure::Ended, Some("moved out of area"), true, "a started service can end early"),
        (started(), Closure::Ended, None, false, "an early end needs a reason"),
        (started(), Closure::Cancelled, Some("x"), false, "a started service is ended, not cancelled"),
        (referred(), Closure::Cancelled, Some("declined"), true, "a referral cancelled before it starts"),
        (referred(), Closure::Cancelled, None, false, "a cancellation needs a reason"),
        (referred(), Closure::Completed, None, false, "completed only from started"),
        (referred(), Closure::Ended, Some("x"), false, "ended only from started"),
    ];
    for (case, closure, reason, ok, why) in rows {
        let mut after = case.clone();
        let got = after.apply(&close("R1", "2026-03-02", closure, reason), d("2026-03-02"));
        assert_eq!(got.is_ok(), ok, "{why}: {got:?}");
        if !ok {
            assert_eq!(after, case, "{why}: a refused event changes nothing");
        }
    }
}

#[test]
fn bad_referral_events_are_refused_naming_the_field_and_change_nothing() {
    let mut closed_completed = started();
    apply_all(&mut closed_completed, &[close("R1", "2026-03-02", Closure::Completed, None)], "2026-03-02");
    // (case, event, field, why)
    let rows: Vec<(CaseState, CaseEvent, &str, &str)> = vec![
        (started(), refer("R1", &["O1"], &[NeedArea::Accommodation], "2026-01-21"), "referral", "a second referral id"),
        (planned(), refer("R2", &["O9"], &[NeedArea::Accommodation], "2026-01-12"), "objectives", "unknown objective"),
        (planned(), refer("R2", &[], &[NeedArea::Accommodation], "2026-01-12"), "objectives", "linked to objectives"),
        (planned(), refer("R2", &["O1", "O1"], &[NeedArea::Accommodation], "2026-01-12"), "objectives", "listed twice"),
        (
            planned(),
            refer("R2", &["O1"], &[NeedArea::ThinkingBehaviour], "2026-01-12"),
            "needs",
            "the need is not one the linked objectives address",
        ),
        (planned(), refer("R2", &["O1"], &[], "2026-01-12"), "needs", "a referral names its need"),
        (planned(), accept("R9", "2026-01-12"), "referral", "no such referral"),
        (started(), accept("R1", "2026-01-21"), "referral", "accepted twice: out of order"),
        (
            {
                let mut c = planned();
                apply_all(&mut c, &[refer("R1", &["O1"], &[NeedArea::Accommodation], "2026-01-12")], "2026-01-12");
                c
            },
            start("R1", "2026-01-20"),
            "referral",
            "started before it was accepted: out of order",
        ),
        (
            {
                let mut c = planned();
                apply_all(&mut c, &[refer("R1", &["O1"], &[NeedArea::Accommodation], "2026-01-12")], "2026-01-12");
                c
            },
            accept("R1", "2026-01-10"),
            "on",
            "accepted before it was referred: dates keep their order (waiting times)",
        ),
        (started(), outcomes("R1", &[("O1", Achievement::Achieved)]), "referral", "outcomes before the service ends"),
        (
            closed_completed.clone(),
            outcomes("R1", &[("O2", Achievement::Achieved)]),
            "outcomes",
            "an outcome for an objective not linked to the referral",
        ),
        (closed_completed.clone(), outcomes("R1", &[]), "outcomes", "at least one outcome"),
        (
            closed_completed.clone(),
            close("R1", "2026-03-03", Closure::Completed, None),
            "closure",
            "a closed referral does not close again",
        ),
    ];
    for (case, event, field, why) in rows {
        let mut after = case.clone();
        match after.apply(&event, d("2026-03-05")) {
            Err(r) if r.field == field => assert!(!r.problem.is_empty(), "{why}"),
            other => panic!("{why}: expected a refusal naming {field}, got {other:?}"),
        }
        assert_eq!(after, case, "{why}: a refused event changes nothing");
    }
}

#[test]
fn referral_worklist_items_table() {
    let mut completed = started();
    apply_all(&mut completed, &[close("R1", "2026-03-02", Closure::Completed, None)], "2026-03-02");
    let mut answered = completed.clone();
    apply_all(&mut answered, &[outcomes("R1", &[("O1", Achievement::NotAchieved)])], "2026-03-03");
    let mut cancelled = planned();
    apply_all(
        &mut cancelled,
        &[
            refer("R1", &["O1"], &[NeedArea::Accommodation], "2026-01-12"),
            close("R1", "2026-01-13", Closure::Cancelled, Some("declined")),
        ],
        "2026-01-13",
    );
    let mut referred = planned();
    apply_all(&mut referred, &[refer("R1", &["O1"], &[NeedArea::Accommodation], "2026-01-12")], "2026-01-12");
    let accepted = started();
    // (case, today, expected (kind, due) for R1, why)
    type Row<'a> = (&'a CaseState, &'a str, Option<(WorkKind, &'a str)>, &'a str);
    let rows: Vec<Row> = vec![
        (&referred, "2026-01-23", None, "REFERRAL_ACCEPTANCE: 10 business days not yet passed"),
        (
            &referred,
            "2026-01-26",
            Some((WorkKind::ReferralAcceptance, "2026-01-26")),
            "REFERRAL_ACCEPTANCE: 10 business days after Mon 12 Jan is Mon 26 Jan",
        ),
        (&accepted, "2026-06-01", None, "accepted: nothing to chase"),
        (
            &completed,
            "2026-03-02",
            Some((WorkKind::ReferralOutcomes, "2026-03-09")),
            "REFERRAL_OUTCOMES: 5 business days after completion",
        ),
        (&answered, "2026-03-20", None, "every linked objective has its outcome"),
        (&cancelled, "2026-03-20", None, "a cancelled referral delivered no service: no outcome due"),
    ];
    for (case, today, expect, why) in rows {
        let got: Vec<(WorkKind, Date)> = worklist(case, d(today))
            .into_iter()
            .filter(|i| i.subject == Subject::Referral(id("R1")))
            .map(|i| (i.kind, i.due))
            .collect();
        let expect: Vec<(WorkKind, Date)> = expect.into_iter().map(|(k, due)| (k, d(due))).collect();
        assert_eq!(got, expect, "{why}");
    }
}

#[test]
fn new_rules_name_their_source() {
    for rule in [&REFERRAL_ACCEPTANCE, &REFERRAL_OUTCOMES, &OVERSIGHT_ACTION] {
        assert!(RULES.contains(&rule), "{} is listed", rule.key);
        let named =
            ["docs/rules/practice.md", "Probity default", "the report (docs/rules/README.md#the-inspection-report)"];
        assert!(named.iter().any(|n| rule.source.starts_with(n)), "{}: {}", rule.key, rule.source);
    }
}

// ---------------------------------------------------------------------------------------
// Rate card

fn service(
    sid: &str,
    need: NeedArea,
    mode: DeliveryMode,
    capacity: u32,
    boroughs: &[&str],
    accredited: bool,
) -> Service {
    Service {
        id: code(sid),
        name: Name::parse("A service").unwrap(),
        provider: Name::parse("A provider").unwrap(),
        need,
        mode,
        price: Pence::new(45_000).unwrap(),
        capacity,
        boroughs: boroughs.iter().map(|b| code(b)).collect(),
        accredited,
    }
}

#[test]
fn rate_card_validation_table() {
    use DeliveryMode::*;
    use NeedArea::*;
    let ok = service("ACC1", Accommodation, OneToOne, 40, &["HCK"], false);
    // (services, refused field or None, why: docs/rules/practice.md#interventions)
    let rows: Vec<(Vec<Service>, Option<&str>, &str)> = vec![
        (vec![ok.clone()], None, "a service with provider, need area, mode, price, capacity, boroughs"),
        (vec![ok.clone(), ok.clone()], Some("id"), "service ids are unique on the card"),
        (vec![service("X", Accommodation, OneToOne, 0, &["HCK"], false)], Some("capacity"), "capacity of at least 1"),
        (vec![service("X", Accommodation, OneToOne, 5, &[], false)], Some("boroughs"), "covers somewhere"),
        (vec![service("X", Accommodation, OneToOne, 5, &["HCK", "HCK"], false)], Some("boroughs"), "no repeats"),
        (vec![service("TSP", ThinkingBehaviour, Group, 12, &["HCK"], true)], None, "a programme group of 12"),
        (
            vec![service("TSP", ThinkingBehaviour, Group, 13, &["HCK"], true)],
            Some("capacity"),
            "accredited programmes run in groups of up to 12",
        ),
        (vec![service("TSP", ThinkingBehaviour, OneToOne, 1, &["HCK"], true)], Some("mode"), "programmes are groups"),
    ];
    for (services, field, why) in rows {
        match (RateCard::new(services), field) {
            (Ok(_), None) => {}
            (Err(e), Some(f)) => assert_eq!(e.field, f, "{why}: {e}"),
            (got, _) => panic!("{why}: {got:?}"),
        }
    }
    assert_eq!(Pence::new(0).unwrap_err().field, "price", "a price above zero");
    let bad_price = r#"{"services":[{"id":"A","name":"n","provider":"p","need":"financial","mode":"online","price":0,
        "capacity":1,"boroughs":["HCK"]}]}"#;
    assert!(serde_json::from_str::<RateCard>(bad_price).unwrap_err().to_string().contains("price"));
}

#[test]
fn referral_against_the_rate_card() {
    let card =
        RateCard::new(vec![service("ACC1", NeedArea::Accommodation, DeliveryMode::OneToOne, 40, &["HCK"], false)])
            .unwrap();
    let acc = [NeedArea::Accommodation];
    let rows: Vec<(&str, &[NeedArea], &str, Option<&str>)> = vec![
        ("ACC1", &acc, "HCK", None),
        ("NOPE", &acc, "HCK", Some("service")),
        ("ACC1", &[NeedArea::Financial], "HCK", Some("needs")),
        ("ACC1", &acc, "CMD", Some("service")),
    ];
    for (sid, needs, borough, field) in rows {
        let got = check_referral(&card, &code(sid), needs, &code(borough));
        assert_eq!(got.err().map(|e| e.field), field, "{sid} {needs:?} {borough}");
    }
}

// ---------------------------------------------------------------------------------------
// Programme groups

fn crn(n: u32) -> Crn {
    Crn::parse(&format!("X{n:06}")).unwrap()
}

#[test]
fn a_programme_group_fills_to_twelve_then_waits_in_order() {
    let mut g = ProgrammeGroup::new();
    for n in 1..=14 {
        assert_eq!(
            g.join(crn(n)).unwrap(),
            n <= 12,
            "docs/rules/practice.md#interventions: groups of up to 12 with waiting lists"
        );
    }
    assert_eq!(g.join(crn(3)), Err(GroupError::AlreadyJoined(crn(3))));
    g.leave(&crn(5)).unwrap();
    g.leave(&crn(6)).unwrap();
    assert_eq!(g.promote(), vec![crn(13), crn(14)], "the waiting list in order");
    assert_eq!(g.members().len(), 12);
    assert_eq!(g.leave(&crn(99)), Err(GroupError::NotJoined(crn(99))));
    g.start(d("2026-02-02")).unwrap();
    assert_eq!(g.start(d("2026-02-03")), Err(GroupError::AlreadyStarted));
    assert!(!g.join(crn(20)).unwrap(), "a started group is closed: later joiners wait");
    assert_eq!(ProgrammeGroup::new().start(d("2026-02-02")), Err(GroupError::Empty));
}

#[derive(Debug, Clone)]
enum Op {
    Join(u32),
    Leave(u32),
    Promote,
    Start,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u32..30).prop_map(Op::Join),
        2 => (1u32..30).prop_map(Op::Leave),
        2 => Just(Op::Promote),
        1 => Just(Op::Start),
    ]
}

proptest! {
    /// docs/rules/practice.md#interventions: groups of up to 12 with waiting lists. Never more than 12, nobody in the
    /// group and waiting at once, nobody twice, and promotion takes the head of the list.
    #[test]
    fn programme_group_invariants(ops in prop::collection::vec(op(), 0..120)) {
        let mut g = ProgrammeGroup::new();
        for o in ops {
            let before: Vec<Crn> = g.waiting().cloned().collect();
            match o {
                Op::Join(n) => { let _ = g.join(crn(n)); }
                Op::Leave(n) => { let _ = g.leave(&crn(n)); }
                Op::Start => { let _ = g.start(d("2026-02-02")); }
                Op::Promote => {
                    let promoted = g.promote();
                    prop_assert_eq!(&promoted[..], &before[..promoted.len()], "in waiting-list order");
                    prop_assert!(
                        g.started_on().is_some() || g.members().len() == PROGRAMME_GROUP_MAX || g.waiting().next().is_none(),
                        "promotion fills every free place it can"
                    );
                }
            }
            prop_assert!(g.members().len() <= PROGRAMME_GROUP_MAX);
            let mut all: Vec<&Crn> = g.members().iter().chain(g.waiting()).collect();
            let n = all.len();
            all.sort();
            all.dedup();
            prop_assert_eq!(all.len(), n, "nobody in the group and on the waiting list, nobody twice");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Management oversight

fn action(aid: &str, owner: &str, due: &str) -> OversightAction {
    OversightAction { id: id(aid), text: note("update the risk management plan"), owner: code(owner), due: d(due) }
}

fn oversight(oid: &str, judgement: Judgement, actions: Vec<OversightAction>) -> CaseEvent {
    CaseEvent::OversightRecorded {
        oversight: id(oid),
        by_manager: code("SPO1"),
        reviewed: note("risk assessment and plan"),
        judgement,
        actions,
    }
}

#[test]
fn overdue_oversight_actions_reach_the_officers_worklist() {
    // The report: management oversight had a positive impact on public protection in only a
    // third of cases; its actions are followed up (OVERSIGHT_ACTION).
    let mut case = planned();
    apply_all(
        &mut case,
        &[oversight(
            "OV1",
            Judgement::Insufficient,
            vec![action("AC1", "PO1", "2026-02-02"), action("AC2", "SPO1", "2026-02-09")],
        )],
        "2026-01-26",
    );
    let items = |case: &CaseState, today: &str| -> Vec<(Subject, Date, bool)> {
        worklist(case, d(today))
            .into_iter()
            .filter(|i| i.kind == WorkKind::OversightAction)
            .map(|i| (i.subject, i.due, i.overdue))
            .collect()
    };
    // (today, expected: actions past their due date)
    let rows: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("2026-02-02", vec![]),
        ("2026-02-03", vec![("AC1", "2026-02-02")]),
        ("2026-02-10", vec![("AC1", "2026-02-02"), ("AC2", "2026-02-09")]),
    ];
    for (today, expect) in rows {
        let mut got = items(&case, today);
        got.sort();
        let expect: Vec<(Subject, Date, bool)> =
            expect.into_iter().map(|(a, due)| (Subject::OversightAction(id(a)), d(due), true)).collect();
        assert_eq!(got, expect, "{today}");
    }
    apply_all(
        &mut case,
        &[CaseEvent::OversightActionCompleted { action: id("AC1"), on: d("2026-02-04") }],
        "2026-02-04",
    );
    assert_eq!(items(&case, "2026-02-10"), vec![(Subject::OversightAction(id("AC2")), d("2026-02-09"), true)]);
    let record = &case.practice.oversight[0];
    assert_eq!(
        (record.judgement, record.completed.clone()),
        (Judgement::Insufficient, vec![(id("AC1"), d("2026-02-04"))])
    );
}

#[test]
fn bad_oversight_is_refused_naming_the_field_and_changes_nothing() {
    let mut with_one = planned();
    apply_all(
        &mut with_one,
        &[oversight("OV1", Judgement::Sufficient, vec![action("AC1", "PO1", "2026-02-02")])],
        "2026-01-26",
    );
    let rows: Vec<(CaseState, CaseEvent, &str, &str)> = vec![
        (
            planned(),
            oversight("OV2", Judgement::Sufficient, vec![action("AC1", "STRANGER", "2026-02-02")]),
            "actions.owner",
            "an oversight action for an unknown owner",
        ),
        (planned(), oversight("OV2", Judgement::Insufficient, vec![]), "actions", "insufficient work needs an action"),
        (
            planned(),
            oversight("OV2", Judgement::Sufficient, vec![action("AC1", "PO1", "2026-01-01")]),
            "actions.due",
            "due before the oversight",
        ),
        (
            planned(),
            oversight(
                "OV2",
                Judgement::Sufficient,
                vec![action("AC1", "PO1", "2026-02-02"), action("AC1", "PO1", "2026-02-03")],
            ),
            "actions.id",
            "an action id twice",
        ),
        (with_one.clone(), oversight("OV1", Judgement::Sufficient, vec![]), "oversight", "a second record with one id"),
        (
            with_one.clone(),
            oversight("OV2", Judgement::Sufficient, vec![action("AC1", "PO1", "2026-02-02")]),
            "actions.id",
            "an action id already used on the case",
        ),
        (
            with_one.clone(),
            CaseEvent::OversightActionCompleted { action: id("AC9"), on: d("2026-02-02") },
            "action",
            "no such action",
        ),
        (
            with_one.clone(),
            CaseEvent::OversightActionCompleted { action: id("AC1"), on: d("2026-01-20") },
            "on",
            "completed before the oversight",
        ),
        (
            {
                let mut c = with_one.clone();
                apply_all(
                    &mut c,
                    &[CaseEvent::OversightActionCompleted { action: id("AC1"), on: d("2026-01-27") }],
                    "2026-01-27",
                );
                c
            },
            CaseEvent::OversightActionCompleted { action: id("AC1"), on: d("2026-01-28") },
            "action",
            "completed twice",
        ),
    ];
    for (case, event, field, why) in rows {
        let mut after = case.clone();
        match after.apply(&event, d("2026-01-26")) {
            Err(r) if r.field == field => assert!(!r.problem.is_empty(), "{why}"),
            other => panic!("{why}: expected a refusal naming {field}, got {other:?}"),
        }
        assert_eq!(after, case, "{why}: a refused event changes nothing");
    }
    // Empty action text cannot even be decoded: the payload is refused at the edge.
    let payload = r#"{"type":"oversight_recorded","oversight":"OV3","by_manager":"SPO1","reviewed":"plan",
        "judgement":"insufficient","actions":[{"id":"AC5","text":"  ","owner":"PO1","due":"2026-02-02"}]}"#;
    let err = decode("oversight_recorded", 1, payload).unwrap_err().to_string();
    assert!(err.contains("must not be empty"), "{err}");
}

#[test]
fn new_events_round_trip_through_the_stored_form() {
    let events = [
        refer("R1", &["O1"], &[NeedArea::Accommodation], "2026-01-12"),
        accept("R1", "2026-01-14"),
        start("R1", "2026-01-20"),
        close("R1", "2026-03-02", Closure::Ended, Some("moved away")),
        outcomes("R1", &[("O1", Achievement::Partly)]),
        oversight("OV1", Judgement::Insufficient, vec![action("AC1", "PO1", "2026-02-02")]),
        CaseEvent::OversightActionCompleted { action: id("AC1"), on: d("2026-02-04") },
    ];
    for e in events {
        assert_eq!(decode(e.event_type(), e.schema_version(), &e.encode()).unwrap(), e);
        assert!(!e.summary().is_empty());
    }
}

// ---------------------------------------------------------------------------------------
// Allocation guidance outside the fold: the fold checks only that the evidence agrees with
// itself; the current table is checked when an allocation is recorded

fn allocate(officer: &str, grade: Grade, guidance: GradeGuidance, verdict: GuidanceVerdict) -> CaseEvent {
    CaseEvent::OfficerAllocated {
        officer: code(officer),
        team: code("T1"),
        reason: AllocationReason::Workload,
        evidence: Some(evidence(grade, guidance, verdict)),
    }
}

fn evidence(grade: Grade, guidance: GradeGuidance, verdict: GuidanceVerdict) -> AllocationEvidence {
    AllocationEvidence {
        grade,
        allocation_form_complete: true,
        safeguarding_checks_complete: true,
        po_only: vec![],
        guidance,
        verdict,
    }
}

#[test]
fn the_fold_checks_the_evidence_is_consistent_not_todays_table() {
    use GradeGuidance::{Po, PoOrPso};
    let departed = || GuidanceVerdict::Departed { reason: note("only officer with the language") };
    // No tier on this case: today's table says PO (missing information never lowers the grade).
    let case = planned();
    // (grade, stated guidance, verdict, refused field by apply, refused field by check_allocation, why)
    type Row = (Grade, GradeGuidance, GuidanceVerdict, Option<&'static str>, Option<&'static str>, &'static str);
    let rows: Vec<Row> = vec![
        (Grade::Po, Po, GuidanceVerdict::Followed, None, None, "a PO, as guided"),
        (Grade::Pso, Po, departed(), None, None, "a departure with a recorded reason"),
        (Grade::Pso, Po, GuidanceVerdict::Followed, Some("evidence.verdict"), Some("evidence.verdict"), "not followed"),
        (Grade::Po, Po, departed(), Some("evidence.verdict"), Some("evidence.verdict"), "nothing departed from"),
        (
            Grade::Pso,
            PoOrPso,
            GuidanceVerdict::Followed,
            None,
            Some("evidence.guidance"),
            "stated guidance from an older (looser) table still folds; a new append is checked against today's",
        ),
    ];
    for (grade, guidance, verdict, by_fold, by_check, why) in rows {
        let event = allocate("PO2", grade, guidance, verdict.clone());
        let folded = case.clone().apply(&event, d("2026-01-20"));
        assert_eq!(folded.err().map(|r| r.field), by_fold, "{why}");
        let checked = check_allocation(&case, &evidence(grade, guidance, verdict));
        assert_eq!(checked.err().map(|(f, _)| f), by_check, "{why}");
    }
    // PO-only features with guidance that allows a PSO are inconsistent in themselves.
    let mut e = evidence(Grade::Pso, PoOrPso, GuidanceVerdict::Followed);
    e.po_only = vec![domain::practice::allocation::PoOnlyCase::ParoleReport];
    let event = CaseEvent::OfficerAllocated {
        officer: code("PO2"),
        team: code("T1"),
        reason: AllocationReason::Workload,
        evidence: Some(e),
    };
    assert_eq!(case.clone().apply(&event, d("2026-01-20")).unwrap_err().field, "evidence.guidance");
}
