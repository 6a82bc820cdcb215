//! Cases made for the worklist test: one or two for each kind of worklist item, on one
//! officer's caseload, each in the state that puts the item there as at the test's today,
//! and the order in which an officer (or, for a recall decision, their SPO) resolves them.

use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
use domain::contact::{Appointment, ContactKind, Outcome};
use domain::event::{CaseEvent, NewEvent};
use domain::example::{assessment, new_event, opening};
use domain::ids::{Code, Crn};
use jiff::civil::Date;
use serde_json::json;

/// One step of the test: the case, the worklist action to resolve (`Action::key`), and
/// whether the officer's SPO resolves it.
pub struct Step {
    pub crn: &'static str,
    pub action: &'static str,
    pub by_spo: bool,
}

const fn step(crn: &'static str, action: &'static str) -> Step {
    Step { crn, action, by_spo: false }
}

/// In order: where one resolution brings the next item (an outcome brings the sentence plan,
/// a breach its pack, a recall recommendation the manager's decision), the next follows it.
pub const STEPS: &[Step] = &[
    step("Z900001", "first_appointment.book"),
    step("Z900002", "outcome.record"),
    step("Z900002", "plan.agree"),
    step("Z900003", "outcome.decide_absence"),
    step("Z900004", "warning.issue"),
    step("Z900005", "breach.refer"),
    step("Z900005", "breach.complete_pack"),
    step("Z900006", "recall.recommend"),
    Step { crn: "Z900006", action: "recall.decide", by_spo: true },
    step("Z900007", "review.complete_triggered"),
    step("Z900008", "plan.address_gap"),
    step("Z900009", "safeguarding.request"),
    step("Z900010", "safeguarding.chase.police"),
    step("Z900011", "rar.book"),
    step("Z900012", "case.escalate"),
    step("Z900013", "referral.chase"),
    step("Z900014", "referral.record_outcomes"),
    step("Z900015", "oversight.complete_action"),
    step("Z900016", "contact.book"),
    step("Z900017", "custody.confirm_release"),
];

fn event(value: serde_json::Value) -> CaseEvent {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// Every case, with its events, for `officer` of `team` in `borough` (where the people live;
/// `spo` records oversight), as at `today`.
pub fn cases(today: Date, officer: &Code, team: &Code, borough: &Code, spo: &Code) -> Vec<(Crn, Vec<NewEvent>)> {
    let d = |n: i64| today.checked_sub(jiff::Span::new().days(n)).unwrap();
    let s = |n: i64| d(n).to_string();
    let (o, t) = (officer.as_str(), team.as_str());
    let open = |first: &str, family: &str, on: i64| {
        let mut events = opening(first, family, d(on), o, t);
        if let CaseEvent::PersonRegistered { person } = &mut events[0].event {
            person.home_borough = Some(borough.clone());
        }
        events
    };
    let at = |on: i64, ev: CaseEvent| new_event(d(on), ev);
    let booked = |id: &str, on: i64, kind: ContactKind, requirement: Option<&str>| {
        let appointment = Appointment {
            id: domain::example::id(id),
            at: d(on).at(10, 0, 0, 0),
            minutes: 45,
            kind,
            requirement: requirement.map(domain::example::id),
        };
        new_event(d(on + 1), CaseEvent::AppointmentBooked { appointment })
    };
    let outcome = |id: &str, on: i64, o: Outcome| domain::example::outcome(d(on), id, o);
    let assessed = |on: i64, rosh: RoshLevel, needs: &[(NeedArea, NeedSeverity)]| {
        at(on, CaseEvent::AssessmentCompleted { assessment: assessment(&format!("AS{on}"), d(on), rosh, needs) })
    };
    let accommodation = [(NeedArea::Accommodation, NeedSeverity::Standard)];
    let objective = |on: i64| {
        at(
            on,
            event(json!({"type": "objective_agreed", "objective": {
                "id": "O1", "description": "Find settled accommodation", "needs": ["accommodation"],
                "risk_groups": [], "owner": "responsible_officer", "person_involved": true}})),
        )
    };
    let warned = |id: &str, on: i64| {
        at(
            on,
            event(json!({"type": "warning_letter_issued", "appointment": id, "on": s(on), "response_due": s(on - 7)})),
        )
    };
    // A sentence of custody, released or not: its licence runs a year past release.
    let custody = |sentenced: i64, release: i64| {
        let licence_end = s(release - 365);
        at(
            sentenced,
            event(json!({"type": "sentence_imposed", "sentence": {
                "id": "S1", "kind": "custodial", "sentence_date": s(sentenced), "end_date": licence_end,
                "custody": {"release_date": s(release), "licence_end": licence_end}}})),
        )
    };
    let on_licence = |first: &str, family: &str, sentenced: i64, release: i64, released: bool| {
        let mut events = open(first, family, sentenced);
        events[1] = custody(sentenced, release);
        if released {
            events
                .push(at(release, event(json!({"type": "released_from_custody", "sentence": "S1", "on": s(release)}))));
        }
        events
    };
    let referred = |on: i64| {
        at(
            on,
            event(json!({"type": "intervention_referred", "referral": "R1", "service": "ACCOM1",
                "objectives": ["O1"], "needs": ["accommodation"], "on": s(on)})),
        )
    };
    let with = |mut events: Vec<NewEvent>, more: Vec<NewEvent>| {
        events.extend(more);
        events
    };
    // Four RAR days left of twenty, the order ending in eight weeks: the warning is up.
    // A failure warned a month ago and a second failure this week: breach, or on licence recall.
    let second_failure = || {
        vec![
            booked("A1", 30, ContactKind::OfficeVisit, None),
            outcome("A1", 30, Outcome::UnacceptableAbsence),
            warned("A1", 29),
            booked("A2", 4, ContactKind::OfficeVisit, None),
            outcome("A2", 4, Outcome::UnacceptableAbsence),
        ]
    };
    let mut rar = open("Rhys", "Evans", 310);
    for week in 0..16 {
        let on = 300 - 7 * week;
        let id = format!("R{week}");
        rar.push(booked(&id, on, ContactKind::RarActivity, Some("S1-RAR")));
        rar.push(outcome(&id, on, Outcome::AttendedComplied));
    }
    let mut contact = open("Cara", "Doyle", 120);
    for (i, on) in [110, 80, 50].into_iter().enumerate() {
        let id = format!("A{i}");
        contact.push(booked(&id, on, ContactKind::OfficeVisit, None));
        contact.push(outcome(&id, on, Outcome::AttendedComplied));
    }
    let all = vec![
        ("Z900001", open("Fola", "Adeyemi", 10)),
        (
            "Z900002",
            with(
                open("Gus", "Barker", 30),
                vec![assessed(28, RoshLevel::Low, &accommodation), booked("B1", 1, ContactKind::OfficeVisit, None)],
            ),
        ),
        (
            "Z900003",
            with(
                open("Hana", "Cole", 30),
                vec![booked("A1", 2, ContactKind::OfficeVisit, None), outcome("A1", 2, Outcome::FailedToAttend)],
            ),
        ),
        (
            "Z900004",
            with(
                open("Ivo", "Dunn", 40),
                vec![booked("A1", 3, ContactKind::OfficeVisit, None), outcome("A1", 3, Outcome::UnacceptableAbsence)],
            ),
        ),
        ("Z900005", with(open("Jon", "Ellis", 60), second_failure())),
        ("Z900006", with(on_licence("Kit", "Frost", 200, 60, true), second_failure())),
        (
            "Z900007",
            with(
                open("Lee", "Grant", 60),
                vec![
                    assessed(55, RoshLevel::Low, &accommodation),
                    objective(50),
                    at(
                        15,
                        event(json!({"type": "review_triggered",
                            "trigger": "change_of_address_or_circumstances", "on": s(15)})),
                    ),
                ],
            ),
        ),
        (
            "Z900008",
            with(
                open("Mo", "Hart", 60),
                vec![
                    assessed(
                        55,
                        RoshLevel::Low,
                        &[
                            (NeedArea::Accommodation, NeedSeverity::Standard),
                            (NeedArea::DrugMisuse, NeedSeverity::Severe),
                        ],
                    ),
                    // Seen, so the plan's clock runs.
                    booked("A1", 52, ContactKind::OfficeVisit, None),
                    outcome("A1", 52, Outcome::AttendedComplied),
                    objective(50),
                ],
            ),
        ),
        (
            "Z900009",
            with(
                open("Nia", "Ives", 20),
                vec![at(15, CaseEvent::SafeguardingInView { children: true, domestic_abuse: false })],
            ),
        ),
        (
            "Z900010",
            with(
                open("Oli", "Jones", 40),
                vec![
                    at(35, CaseEvent::SafeguardingInView { children: false, domestic_abuse: true }),
                    at(
                        30,
                        event(json!({"type": "safeguarding_check_requested", "agency": "police",
                            "local_authority": "CAM", "on": s(30)})),
                    ),
                ],
            ),
        ),
        ("Z900011", rar),
        ("Z900012", with(open("Pia", "Khan", 30), vec![assessed(25, RoshLevel::High, &accommodation)])),
        (
            "Z900013",
            with(
                open("Quin", "Lamb", 40),
                vec![assessed(38, RoshLevel::Low, &accommodation), objective(37), referred(30)],
            ),
        ),
        (
            "Z900014",
            with(
                open("Rae", "Moss", 60),
                vec![
                    assessed(58, RoshLevel::Low, &accommodation),
                    objective(57),
                    referred(50),
                    at(48, event(json!({"type": "referral_accepted", "referral": "R1", "on": s(48)}))),
                    at(45, event(json!({"type": "referral_started", "referral": "R1", "on": s(45)}))),
                    at(
                        20,
                        event(json!({"type": "referral_closed", "referral": "R1", "on": s(20),
                            "closure": "completed"})),
                    ),
                ],
            ),
        ),
        (
            "Z900015",
            with(
                open("Sol", "Nash", 40),
                vec![at(
                    20,
                    event(json!({"type": "oversight_recorded", "oversight": "OV1", "by_manager": spo.as_str(),
                        "reviewed": "The plan and the last three contacts", "judgement": "insufficient",
                        "actions": [{"id": "OA1", "text": "Book a home visit", "owner": o, "due": s(5)}]})),
                )],
            ),
        ),
        ("Z900016", contact),
        ("Z900017", on_licence("Tam", "Owen", 300, 10, false)),
    ];
    all.into_iter().map(|(crn, events)| (Crn::parse(crn).unwrap(), events)).collect()
}
