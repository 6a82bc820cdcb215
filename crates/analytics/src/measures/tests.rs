//! Each measure on small hand-built cases. Dates are worked out by hand from a calendar of
//! 2025 (no bank holidays fall in the windows used: Easter 2025 is 18-21 April).

use super::*;
use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
use domain::case::uk_date;
use domain::contact::{ContactKind, Outcome, SentHomeReason};
use domain::event::{AllocationReason, CaseEvent, NewEvent, SentenceOutcome};
use domain::example::{appointment, assessment, code, date, id, new_event, opening, outcome, person};
use domain::org::{Area, Borough, Office, Organisation, Team};
use domain::practice::enforcement::BreachPack;
use domain::practice::safeguarding::Agency;
use domain::sentence::{CustodyTerms, Sentence, SentenceKind};
use domain::unpaid_work::Timesheet;
use domain::{Crn, Name, Note};
use jiff::civil::Date;
use proptest::prelude::*;

fn crn() -> Crn {
    Crn::parse("X123456").unwrap()
}

fn facts(events: &[NewEvent]) -> Vec<Fact> {
    case_facts(&crn(), events.iter().map(|e| (uk_date(e.occurred_at), &e.event))).expect("the case folds")
}

/// (date, met, officer, team) of each fact of a measure.
type Row = (Option<Date>, bool, Option<String>, Option<String>);

fn of(facts: &[Fact], measure: MeasureId) -> Vec<Row> {
    facts
        .iter()
        .filter(|f| f.measure == measure)
        .map(|f| (f.on, f.met, f.officer.as_ref().map(|c| c.to_string()), f.team.as_ref().map(|c| c.to_string())))
        .collect()
}

fn book(on: &str, appointment_id: &str, at: &str, kind: ContactKind) -> NewEvent {
    let at = date(at).at(10, 0, 0, 0);
    new_event(date(on), CaseEvent::AppointmentBooked { appointment: appointment(appointment_id, at, kind) })
}

fn seen(events: &mut Vec<NewEvent>, appointment_id: &str, on: &str) {
    events.push(book(on, appointment_id, on, ContactKind::OfficeVisit));
    events.push(outcome(date(on), appointment_id, Outcome::AttendedComplied));
}

fn missed(events: &mut Vec<NewEvent>, appointment_id: &str, on: &str) {
    events.push(book(on, appointment_id, on, ContactKind::OfficeVisit));
    events.push(outcome(date(on), appointment_id, Outcome::UnacceptableAbsence));
}

fn allocate(on: &str, officer: &str, team: &str) -> NewEvent {
    new_event(
        date(on),
        CaseEvent::OfficerAllocated {
            officer: code(officer),
            team: code(team),
            reason: AllocationReason::Transfer,
            evidence: None,
        },
    )
}

fn ended(on: &str, sentence: &str, outcome: SentenceOutcome) -> NewEvent {
    new_event(date(on), CaseEvent::SentenceEnded { sentence: id(sentence), on: date(on), outcome })
}

/// Sentenced and allocated on Monday 3 March 2025 to O1 in team T1.
fn community_case() -> Vec<NewEvent> {
    opening("Ann", "Smith", date("2025-03-03"), "O1", "T1")
}

/// A custodial sentence with release on Thursday 6 March 2025 and licence to 5 March 2026.
fn licence_case() -> Vec<NewEvent> {
    let sentence = Sentence {
        id: id("S1"),
        kind: SentenceKind::Custodial,
        sentence_date: date("2024-09-02"),
        end_date: date("2026-03-05"),
        requirements: vec![],
        licence_conditions: vec![],
        custody: Some(CustodyTerms {
            release_date: date("2025-03-06"),
            licence_end: date("2026-03-05"),
            pss_end: None,
        }),
    };
    vec![
        new_event(date("2024-09-02"), CaseEvent::PersonRegistered { person: person("Bea", "Jones") }),
        new_event(date("2024-09-02"), CaseEvent::SentenceImposed { sentence }),
        allocate("2024-09-02", "O1", "T1"),
        new_event(date("2025-03-06"), CaseEvent::ReleasedFromCustody { sentence: id("S1"), on: date("2025-03-06") }),
    ]
}

#[test]
fn every_measure_is_defined_once_with_a_definition_and_source() {
    let mut ids: Vec<&str> = MEASURES.iter().map(|m| m.id.id()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), MeasureId::ALL.len());
    for id in MeasureId::ALL {
        let m = id.measure();
        assert_eq!(MeasureId::parse(id.id()), Some(id));
        assert!(m.source.contains("docs/rules/practice.md"), "{}: source must cite docs/rules/practice.md", id.id());
        assert!(!m.definition.is_empty() && !m.numerator.is_empty() && !m.denominator.is_empty());
    }
    assert_eq!(MeasureId::parse("nonsense"), None);
}

/// docs/rules/practice.md#contact: CO/SSO 5 business days from allocation; licence 1 business day from
/// release. Allocation Mon 3 March: due Mon 10 March. Release Thu 6 March: due Fri 7 March.
#[test]
fn first_appointment_due_and_held() {
    let check = |extra: &[(&str, &str)], licence: bool, expect: (&str, bool)| {
        let mut events = if licence { licence_case() } else { community_case() };
        for (appointment_id, on) in extra {
            seen(&mut events, appointment_id, on);
        }
        let got = of(&facts(&events), MeasureId::FirstAppointment);
        assert_eq!(got.len(), 1, "{extra:?}");
        assert_eq!((got[0].0, got[0].1), (Some(date(expect.0)), expect.1), "{extra:?} licence {licence}");
    };
    check(&[("A1", "2025-03-10")], false, ("2025-03-10", true)); // on the due day
    check(&[("A1", "2025-03-11")], false, ("2025-03-10", false)); // a day late
    check(&[], false, ("2025-03-10", false)); // never seen
    check(&[("A1", "2025-03-07")], true, ("2025-03-07", true)); // licence, next business day
    check(&[("A1", "2025-03-10")], true, ("2025-03-07", false)); // licence, after the weekend
}

/// Whole months only, counted where the case was at the month's end: sentenced 15 January,
/// the first whole month is February; transferred to O2/T2 on 14 March, so March counts for
/// T2 and February for T1.
#[test]
fn monthly_face_to_face_with_a_transfer_mid_month() {
    let mut events = opening("Ann", "Smith", date("2025-01-15"), "O1", "T1");
    seen(&mut events, "A1", "2025-02-12");
    events.push(allocate("2025-03-14", "O2", "T2"));
    seen(&mut events, "A2", "2025-04-01");
    let got = of(&facts(&events), MeasureId::MonthlyFaceToFace);
    // February 2025 to December 2025: the order ends 15 January 2026, so January is not whole.
    assert_eq!(got.len(), 11);
    let o = |s: &str| Some(s.to_owned());
    assert_eq!(got[0], (Some(date("2025-02-28")), true, o("O1"), o("T1")));
    assert_eq!(got[1], (Some(date("2025-03-31")), false, o("O2"), o("T2")));
    assert_eq!(got[2], (Some(date("2025-04-30")), true, o("O2"), o("T2")));
    assert!(got[3..].iter().all(|f| !f.1 && f.3 == o("T2")));
}

/// Missed Mon 10 March: follow-up due 5 business days later, Mon 17 March.
#[test]
fn non_attendance_follow_up() {
    let check = |follow: Option<NewEvent>, expect: bool| {
        let mut events = community_case();
        missed(&mut events, "A1", "2025-03-10");
        events.extend(follow);
        let got = of(&facts(&events), MeasureId::NonAttendanceFollowUp);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].0, got[0].1), (Some(date("2025-03-17")), expect));
    };
    let warning = |on: &str| {
        new_event(
            date(on),
            CaseEvent::WarningLetterIssued {
                appointment: id("A1"),
                on: date(on),
                response_due: date(on).checked_add(jiff::Span::new().days(7)).unwrap(),
            },
        )
    };
    check(Some(warning("2025-03-14")), true);
    check(Some(warning("2025-03-18")), false);
    check(Some(book("2025-03-17", "A2", "2025-03-20", ContactKind::OfficeVisit)), true);
    check(None, false);
}

/// Allocated Mon 3 March: UPW to be arranged within 7 business days, by Wed 12 March.
#[test]
fn upw_arranged_within_seven_business_days() {
    let check = |booked_on: Option<&str>, expect: bool| {
        let mut events = community_case();
        if let Some(on) = booked_on {
            let at = date("2025-03-22").at(9, 0, 0, 0);
            let mut a = appointment("U1", at, ContactKind::UnpaidWork);
            a.requirement = Some(id("S1-UPW"));
            events.push(new_event(date(on), CaseEvent::AppointmentBooked { appointment: a }));
        }
        let got = of(&facts(&events), MeasureId::UpwArranged);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].0, got[0].1), (Some(date("2025-03-12")), expect), "{booked_on:?}");
    };
    check(Some("2025-03-12"), true);
    check(Some("2025-03-13"), false);
    check(None, false);
}

/// Two unacceptable absences (Mon 10 and Mon 24 March): the second, known on 24 March,
/// makes breach mandatory; referral due 8 business days on, Thu 3 April. The pack is due
/// 10 working days after the referral.
fn breach_case(referred_on: Option<&str>, pack_on: Option<&str>) -> Vec<NewEvent> {
    let mut events = community_case();
    seen(&mut events, "A0", "2025-03-05");
    missed(&mut events, "A1", "2025-03-10");
    events.push(new_event(
        date("2025-03-11"),
        CaseEvent::WarningLetterIssued {
            appointment: id("A1"),
            on: date("2025-03-11"),
            response_due: date("2025-03-18"),
        },
    ));
    missed(&mut events, "A2", "2025-03-24");
    if let Some(on) = referred_on {
        events.push(new_event(
            date(on),
            CaseEvent::BreachReferred { failures: vec![id("A1"), id("A2")], reason: None, pack: BreachPack::default() },
        ));
    }
    if let Some(on) = pack_on {
        events.push(new_event(date(on), CaseEvent::BreachPackCompleted { pack: BreachPack::COMPLETE }));
    }
    events
}

#[test]
fn breach_referral_and_pack() {
    // (referred, pack completed, referral fact, pack fact)
    type Case = (Option<&'static str>, Option<&'static str>, (&'static str, bool), Option<(&'static str, bool)>);
    let rows: [Case; 4] = [
        // Referred Wed 2 April (on time); pack due Wed 16 April, completed 16 April.
        (Some("2025-04-02"), Some("2025-04-16"), ("2025-04-03", true), Some(("2025-04-16", true))),
        // Referred Fri 4 April (a day late); pack due Fri 18 April is Good Friday, so Tue 22 April.
        (Some("2025-04-04"), Some("2025-04-23"), ("2025-04-03", false), Some(("2025-04-22", false))),
        // Referred on time, pack never completed.
        (Some("2025-04-02"), None, ("2025-04-03", true), Some(("2025-04-16", false))),
        // Never referred: the mandatory breach counts as late from its due date.
        (None, None, ("2025-04-03", false), None),
    ];
    for (referred, pack, want_referral, want_pack) in rows {
        let f = facts(&breach_case(referred, pack));
        let referral = of(&f, MeasureId::BreachReferral);
        assert_eq!(referral.len(), 1, "{referred:?}");
        assert_eq!((referral[0].0, referral[0].1), (Some(date(want_referral.0)), want_referral.1), "{referred:?}");
        let packs: Vec<(Option<Date>, bool)> = of(&f, MeasureId::BreachPack).into_iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(packs, want_pack.into_iter().map(|(d, m)| (Some(date(d)), m)).collect::<Vec<_>>(), "{referred:?}");
    }
}

/// docs/rules/practice.md#performance-measures: completions count completed and early termination for
/// good progress as successes; deaths and transfers out are not counted.
#[test]
fn completions_by_sentence_type() {
    let rows = [
        (false, SentenceOutcome::Completed, Some(true)),
        (false, SentenceOutcome::EarlyTerminationGoodProgress, Some(true)),
        (false, SentenceOutcome::RevokedForBreach, Some(false)),
        (false, SentenceOutcome::Died, None),
        (true, SentenceOutcome::Completed, Some(true)),
        (true, SentenceOutcome::Recalled, Some(false)),
        (true, SentenceOutcome::TransferredOut, None),
    ];
    for (licence, outcome, expect) in rows {
        let mut events = if licence { licence_case() } else { community_case() };
        events.push(ended("2025-09-30", "S1", outcome));
        let f = facts(&events);
        let (mine, other) = if licence {
            (MeasureId::CompletionLicence, MeasureId::CompletionCommunity)
        } else {
            (MeasureId::CompletionCommunity, MeasureId::CompletionLicence)
        };
        let got: Vec<bool> = of(&f, mine).into_iter().map(|x| x.1).collect();
        assert_eq!(got, expect.into_iter().collect::<Vec<_>>(), "{outcome:?} licence {licence}");
        assert!(of(&f, other).is_empty());
        assert!(f.iter().filter(|x| x.measure == mine).all(|x| x.on == Some(date("2025-09-30"))));
    }
}

/// Continuity: one officer from supervision start to end; a transfer breaks it. Facts of an
/// ended sentence stay (they are read just before it ends).
#[test]
fn continuity_and_facts_of_ended_sentences() {
    let mut same = community_case();
    seen(&mut same, "A1", "2025-03-07");
    same.push(ended("2025-09-30", "S1", SentenceOutcome::Completed));
    let f = facts(&same);
    assert_eq!(of(&f, MeasureId::Continuity).iter().map(|x| x.1).collect::<Vec<_>>(), [true]);
    assert_eq!(of(&f, MeasureId::FirstAppointment).iter().map(|x| x.1).collect::<Vec<_>>(), [true]);
    // March is not whole (sentenced 3 March); April to September are (it ended on 30 September).
    assert_eq!(of(&f, MeasureId::MonthlyFaceToFace).len(), 6);
    // ...but as-at facts stop: nothing is overdue on an ended sentence.
    assert!(of(&f, MeasureId::ContactOverdue).is_empty());

    let mut moved = community_case();
    moved.push(allocate("2025-06-02", "O2", "T1"));
    moved.push(ended("2025-09-30", "S1", SentenceOutcome::Completed));
    let got = of(&facts(&moved), MeasureId::Continuity);
    assert_eq!(got, vec![(Some(date("2025-09-30")), false, Some("O2".into()), Some("T1".into()))]);
}

#[test]
fn safeguarding_response_by_local_authority() {
    let mut events = community_case();
    let request = |agency, la: &str, on: &str| {
        new_event(date(on), CaseEvent::SafeguardingCheckRequested { agency, local_authority: code(la), on: date(on) })
    };
    events.push(new_event(date("2025-03-04"), CaseEvent::SafeguardingInView { children: true, domestic_abuse: true }));
    events.push(request(Agency::ChildrensSocialCare, "LA1", "2025-03-04"));
    events.push(request(Agency::Police, "LA2", "2025-03-05"));
    events.push(new_event(
        date("2025-03-20"),
        CaseEvent::SafeguardingResponseReceived {
            agency: Agency::ChildrensSocialCare,
            on: date("2025-03-20"),
            outcome: Note::parse("known to children's services").unwrap(),
        },
    ));
    let got: Vec<(Option<Date>, bool, Option<String>)> = facts(&events)
        .into_iter()
        .filter(|f| f.measure == MeasureId::SafeguardingResponse)
        .map(|f| (f.on, f.met, f.key))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(date("2025-03-04")), true, Some("LA1".into())),
            (Some(date("2025-03-05")), false, Some("LA2".into()))
        ]
    );
}

/// As-at measures: the first failing day, read against the day asked.
#[test]
fn as_at_measures_fail_from_a_day_that_does_not_depend_on_today() {
    let org = Organisation::default();
    let figure = |events: &[NewEvent], measure: MeasureId, today: &str| {
        let f = facts(events);
        let got = aggregate(&f, &org, measure, &Scope::Provider, date(today), date(today), Grouping::Month);
        got.iter().map(|g| (g.numerator, g.denominator)).next().unwrap_or((0, 0))
    };
    let mut events = community_case();
    // First appointment due 10 March: overdue from 11 March.
    assert_eq!(figure(&events, MeasureId::ContactOverdue, "2025-03-10"), (0, 1));
    assert_eq!(figure(&events, MeasureId::ContactOverdue, "2025-03-11"), (1, 1));
    // Unseen since supervision began on 3 March: more than a month from 4 April.
    assert_eq!(figure(&events, MeasureId::Unseen, "2025-04-03"), (0, 1));
    assert_eq!(figure(&events, MeasureId::Unseen, "2025-04-04"), (1, 1));
    seen(&mut events, "A1", "2025-03-10");
    assert_eq!(figure(&events, MeasureId::Unseen, "2025-04-10"), (0, 1));
    assert_eq!(figure(&events, MeasureId::Unseen, "2025-04-11"), (1, 1));
    // A need with no objective: a plan gap from 15 business days after the assessment
    // (Wed 5 March + 15 = Wed 26 March), failing from 27 March.
    events.push(new_event(
        date("2025-03-05"),
        CaseEvent::AssessmentCompleted {
            assessment: assessment(
                "AS1",
                date("2025-03-05"),
                RoshLevel::Low,
                &[(NeedArea::Accommodation, NeedSeverity::Severe)],
            ),
        },
    ));
    assert_eq!(figure(&events, MeasureId::PlanGaps, "2025-03-26"), (0, 1));
    assert_eq!(figure(&events, MeasureId::PlanGaps, "2025-03-27"), (1, 1));
    // A triggered review on Mon 7 April is due 10 business days on: Easter (18 and 21 April)
    // pushes it to Wed 23 April, overdue from 24 April.
    events.push(new_event(
        date("2025-04-07"),
        CaseEvent::ReviewTriggered {
            trigger: domain::practice::reviews::ReviewTrigger::ChangeOfAddressOrCircumstances,
            on: date("2025-04-07"),
            note: None,
        },
    ));
    assert_eq!(figure(&events, MeasureId::ReviewsOverdue, "2025-04-23"), (0, 1));
    assert_eq!(figure(&events, MeasureId::ReviewsOverdue, "2025-04-24"), (1, 1));
    // 20 RAR days to use before the order ends on Tue 3 March 2026: at one a week the last
    // start is 20 weeks earlier, Tue 14 October 2025; behind pace from 15 October.
    assert_eq!(figure(&events, MeasureId::RarPace, "2025-10-14"), (0, 1));
    assert_eq!(figure(&events, MeasureId::RarPace, "2025-10-15"), (1, 1));
}

/// An unpaid work session on `on` (10:00, 45 minutes booked) against the order's UPW
/// requirement, with its outcome and, if given, the supervisor's timesheet.
fn upw_session(events: &mut Vec<NewEvent>, appointment_id: &str, on: &str, o: Outcome, sheet: Option<Timesheet>) {
    let mut a = appointment(appointment_id, date(on).at(10, 0, 0, 0), ContactKind::UnpaidWork);
    a.requirement = Some(id("S1-UPW"));
    events.push(new_event(date(on), CaseEvent::AppointmentBooked { appointment: a }));
    events.push(outcome(date(on), appointment_id, o));
    if let Some(timesheet) = sheet {
        events.push(new_event(
            date(on),
            CaseEvent::UnpaidWorkTimeRecorded { appointment: id(appointment_id), timesheet },
        ));
    }
}

fn sheet(started: (i8, i8), finished: (i8, i8), penalty_minutes: u16, travel_minutes: u16) -> Timesheet {
    Timesheet {
        started: jiff::civil::time(started.0, started.1, 0, 0),
        finished: jiff::civil::time(finished.0, finished.1, 0, 0),
        penalty_minutes,
        travel_minutes,
        other_minutes: 0,
    }
}

/// (date, met, weight, officer) of each fact of a measure.
fn weighed(facts: &[Fact], measure: MeasureId) -> Vec<(Option<Date>, bool, u64, Option<String>)> {
    facts
        .iter()
        .filter(|f| f.measure == measure)
        .map(|f| (f.on, f.met, f.weight, f.officer.as_ref().map(|c| c.to_string())))
        .collect()
}

/// Four sessions around a transfer to O2 on Fri 14 March: a full day with a timesheet, a
/// stand-down on the day (credited the whole session, as the stand-down policy does), a
/// partial credit (late by 60 minutes, with 30 minutes' travel) and an unacceptable absence
/// (neither attended nor credited). Only attended sessions count, each where the case was on
/// the session's day.
#[test]
fn upw_stand_downs_and_hours_credited() {
    let mut events = community_case();
    upw_session(&mut events, "U1", "2025-03-08", Outcome::AttendedComplied, Some(sheet((9, 0), (16, 0), 0, 0)));
    let stood_down = Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue };
    upw_session(&mut events, "U2", "2025-03-13", stood_down, Some(sheet((9, 0), (16, 0), 0, 0)));
    events.push(allocate("2025-03-14", "O2", "T2"));
    upw_session(&mut events, "U3", "2025-03-15", Outcome::AttendedComplied, Some(sheet((9, 0), (16, 0), 60, 30)));
    upw_session(&mut events, "U4", "2025-03-22", Outcome::UnacceptableAbsence, None);
    // Sent home for behaviour: attended, not a stand-down; no timesheet, so the booked 45.
    let behaviour = Outcome::AttendedSentHome { reason: SentHomeReason::Behaviour };
    upw_session(&mut events, "U5", "2025-03-29", behaviour, None);
    let f = facts(&events);
    let o = |s: &str| Some(s.to_owned());
    let check = |measure, expect: &[(&str, bool, u64, &str)]| {
        let want: Vec<_> = expect.iter().map(|(d, met, w, off)| (Some(date(d)), *met, *w, o(off))).collect();
        assert_eq!(weighed(&f, measure), want, "{}", measure.id());
    };
    check(
        MeasureId::UpwStandDowns,
        &[
            ("2025-03-08", false, 0, "O1"),
            ("2025-03-13", true, 0, "O1"),
            ("2025-03-15", false, 0, "O2"),
            ("2025-03-29", false, 0, "O2"),
        ],
    );
    // 420 minutes; 420 for the stand-down; 420 - 60 + 30 = 390; 45 booked.
    check(
        MeasureId::UpwHoursCredited,
        &[
            ("2025-03-08", true, 420, "O1"),
            ("2025-03-13", true, 420, "O1"),
            ("2025-03-15", true, 390, "O2"),
            ("2025-03-29", true, 45, "O2"),
        ],
    );
    // Summed by team for March: T1 holds two sessions (840 minutes, one stand-down), T2 two.
    let org = org();
    let march = |measure, scope: &str| {
        aggregate(&f, &org, measure, &scope.parse().unwrap(), date("2025-03-01"), date("2025-03-31"), Grouping::Month)
            .into_iter()
            .map(|g| (g.numerator, g.denominator, g.percent, g.weight))
            .collect::<Vec<_>>()
    };
    assert_eq!(march(MeasureId::UpwStandDowns, "team:T1"), [(1, 2, Some(50.0), None)]);
    assert_eq!(march(MeasureId::UpwStandDowns, "team:T2"), [(0, 2, Some(0.0), None)]);
    assert_eq!(march(MeasureId::UpwHoursCredited, "team:T1"), [(2, 2, Some(100.0), Some(840))]);
    assert_eq!(march(MeasureId::UpwHoursCredited, "provider"), [(4, 4, Some(100.0), Some(1275))]);
    assert_eq!(MeasureId::UpwHoursCredited.measure().weight, Some("minutes credited"));
}

/// A case assessed on 3 March with an accommodation need and an objective for it, so that
/// referrals can be made to services ACC1 and ACC2.
fn referral_case() -> Vec<NewEvent> {
    let mut events = community_case();
    events.push(new_event(
        date("2025-03-03"),
        CaseEvent::AssessmentCompleted {
            assessment: assessment(
                "AS1",
                date("2025-03-03"),
                RoshLevel::Low,
                &[(NeedArea::Accommodation, NeedSeverity::Severe)],
            ),
        },
    ));
    events.push(new_event(
        date("2025-03-03"),
        CaseEvent::ObjectiveAgreed {
            objective: domain::plan::Objective {
                id: id("OB1"),
                description: Note::parse("find settled accommodation").unwrap(),
                needs: vec![NeedArea::Accommodation],
                risk_groups: vec![],
                owner: domain::plan::ObjectiveOwner::Provider,
                person_involved: true,
            },
        },
    ));
    events
}

fn refer(events: &mut Vec<NewEvent>, referral: &str, service: &str, on: &str) {
    events.push(new_event(
        date(on),
        CaseEvent::InterventionReferred {
            referral: id(referral),
            service: code(service),
            objectives: vec![id("OB1")],
            needs: vec![NeedArea::Accommodation],
            on: date(on),
        },
    ));
}

fn referral_step(events: &mut Vec<NewEvent>, event: CaseEvent, on: &str) {
    events.push(new_event(date(on), event));
}

/// Referred on Mon 10 March: 4 weeks end Mon 7 April. R1 starts on 7 April (in time), R2 on
/// 8 April (late), R3 is cancelled on 20 March before starting (left out), R4 is cancelled
/// on 14 April (counts as not started), R5 (service ACC2) is still waiting.
#[test]
fn referrals_started_within_four_weeks_by_intervention() {
    use domain::practice::interventions::Closure;
    let mut events = referral_case();
    for r in ["R1", "R2", "R3", "R4"] {
        refer(&mut events, r, "ACC1", "2025-03-10");
    }
    refer(&mut events, "R5", "ACC2", "2025-03-10");
    for r in ["R1", "R2"] {
        referral_step(
            &mut events,
            CaseEvent::ReferralAccepted { referral: id(r), on: date("2025-03-12") },
            "2025-03-12",
        );
    }
    let cancel = |r: &str, on: &str| CaseEvent::ReferralClosed {
        referral: id(r),
        on: date(on),
        closure: Closure::Cancelled,
        reason: Some(Note::parse("no longer needed").unwrap()),
    };
    referral_step(&mut events, cancel("R3", "2025-03-20"), "2025-03-20");
    referral_step(&mut events, CaseEvent::ReferralStarted { referral: id("R1"), on: date("2025-04-07") }, "2025-04-07");
    referral_step(&mut events, CaseEvent::ReferralStarted { referral: id("R2"), on: date("2025-04-08") }, "2025-04-08");
    referral_step(&mut events, cancel("R4", "2025-04-14"), "2025-04-14");
    let f = facts(&events);
    let mut got: Vec<(Option<Date>, bool, Option<String>)> =
        f.iter().filter(|x| x.measure == MeasureId::ReferralStarted).map(|x| (x.on, x.met, x.key.clone())).collect();
    got.sort_by(|a, b| a.2.cmp(&b.2).then(b.1.cmp(&a.1)));
    let due = Some(date("2025-04-07"));
    let k = |s: &str| Some(s.to_owned());
    assert_eq!(
        got,
        [(due, true, k("ACC1")), (due, false, k("ACC1")), (due, false, k("ACC1")), (due, false, k("ACC2"))]
    );
    let figures = aggregate(
        &f,
        &Organisation::default(),
        MeasureId::ReferralStarted,
        &Scope::Provider,
        date("2025-04-01"),
        date("2025-04-30"),
        Grouping::Month,
    );
    let rows: Vec<_> = figures.iter().map(|g| (g.key.as_str(), g.numerator, g.denominator)).collect();
    assert_eq!(rows, [("ACC1", 1, 3), ("ACC2", 0, 1)]);
}

/// Waiting as at a day: R1 (ACC1, referred 10 March) and R2 (ACC2, referred 1 April) wait;
/// R3 started and is no longer waiting. Over 4 weeks from the day after the 4 weeks end:
/// R1 from Tue 8 April, R2 from Wed 30 April.
#[test]
fn referrals_waiting_over_four_weeks_as_at_a_day() {
    let mut events = referral_case();
    refer(&mut events, "R1", "ACC1", "2025-03-10");
    refer(&mut events, "R3", "ACC1", "2025-03-10");
    referral_step(
        &mut events,
        CaseEvent::ReferralAccepted { referral: id("R3"), on: date("2025-03-11") },
        "2025-03-11",
    );
    refer(&mut events, "R2", "ACC2", "2025-04-01");
    referral_step(&mut events, CaseEvent::ReferralStarted { referral: id("R3"), on: date("2025-05-20") }, "2025-05-20");
    let f = facts(&events);
    let waiting = |today: &str| {
        aggregate(
            &f,
            &Organisation::default(),
            MeasureId::ReferralWaiting,
            &Scope::Provider,
            date(today),
            date(today),
            Grouping::Month,
        )
        .into_iter()
        .map(|g| (g.key, g.numerator, g.denominator))
        .collect::<Vec<_>>()
    };
    let k = |s: &str| s.to_owned();
    assert_eq!(waiting("2025-04-07"), [(k("ACC1"), 0, 1), (k("ACC2"), 0, 1)]);
    assert_eq!(waiting("2025-04-08"), [(k("ACC1"), 1, 1), (k("ACC2"), 0, 1)]);
    assert_eq!(waiting("2025-04-30"), [(k("ACC1"), 1, 1), (k("ACC2"), 1, 1)]);
    // Transferred: the waiting referrals count with the officer holding the case now.
    events.push(allocate("2025-06-02", "O2", "T2"));
    let f = facts(&events);
    assert!(f.iter().filter(|x| x.measure == MeasureId::ReferralWaiting).all(|x| x.officer == Some(code("O2"))));
}

fn org() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    Organisation {
        areas: vec![Area { code: code("AR1"), name: name("North") }],
        boroughs: vec![Borough { code: code("BR1"), area: code("AR1"), name: name("Camden") }],
        offices: vec![
            Office { code: code("OF1"), borough: code("BR1"), name: name("Kentish Town") },
            Office { code: code("OF2"), borough: code("BR1"), name: name("Holborn") },
        ],
        teams: vec![
            Team { code: code("T1"), office: code("OF1"), name: name("Team one") },
            Team { code: code("T2"), office: code("OF2"), name: name("Team two") },
        ],
        staff: vec![],
    }
}

#[test]
fn scopes_parse_and_place_facts_through_the_organisation() {
    for (text, ok) in [
        ("provider", true),
        ("team:T1", true),
        ("officer:O1", true),
        ("area:AR1", true),
        ("region:X", false),
        ("team", false),
        ("team:", false),
    ] {
        let parsed = text.parse::<Scope>();
        assert_eq!(parsed.is_ok(), ok, "{text}");
        if let Ok(s) = parsed {
            assert_eq!(s.to_string(), text);
        }
    }
    let org = org();
    let t2 = code("T2");
    let rows = [
        ("provider", true),
        ("area:AR1", true),
        ("borough:BR1", true),
        ("office:OF2", true),
        ("office:OF1", false),
        ("team:T2", true),
        ("team:T1", false),
        ("officer:O2", true),
    ];
    for (scope, expect) in rows {
        let scope: Scope = scope.parse().unwrap();
        assert_eq!(scope.contains(&org, Some(&code("O2")), Some(&t2)), expect, "{scope}");
    }
}

/// The transferred case of `monthly_face_to_face_with_a_transfer_mid_month`, by team and
/// quarter: T1 has February (seen); T2 has March (not seen) and onwards.
#[test]
fn aggregate_by_team_and_quarter() {
    let mut events = opening("Ann", "Smith", date("2025-01-15"), "O1", "T1");
    seen(&mut events, "A1", "2025-02-12");
    events.push(allocate("2025-03-14", "O2", "T2"));
    seen(&mut events, "A2", "2025-04-01");
    let f = facts(&events);
    let org = org();
    let run = |scope: &str, grouping| {
        aggregate(
            &f,
            &org,
            MeasureId::MonthlyFaceToFace,
            &scope.parse().unwrap(),
            date("2025-01-01"),
            date("2025-06-30"),
            grouping,
        )
        .into_iter()
        .map(|g| (g.period, g.numerator, g.denominator, g.percent))
        .collect::<Vec<_>>()
    };
    assert_eq!(run("team:T1", Grouping::Quarter), vec![("2025-Q1".into(), 1, 1, Some(100.0))]);
    assert_eq!(
        run("office:OF2", Grouping::Quarter),
        vec![("2025-Q1".into(), 0, 1, Some(0.0)), ("2025-Q2".into(), 1, 3, Some(33.3))]
    );
    assert_eq!(run("area:AR1", Grouping::Month).len(), 5);
}

proptest! {
    /// Whatever cases there are: the provider's figure is the sum of its teams', and the
    /// quarters' sums equal the months'.
    #[test]
    fn figures_add_up_across_places_and_periods(
        cases in proptest::collection::vec((0u8..2, 0u8..60, proptest::collection::vec(0u16..400, 0..8)), 1..6)
    ) {
        let org = org();
        let mut all = Vec::new();
        for (i, (team, start, seen_days)) in cases.iter().enumerate() {
            let start = date("2025-01-01").checked_add(jiff::Span::new().days(i64::from(*start))).unwrap();
            let team = if *team == 0 { "T1" } else { "T2" };
            let mut events = opening("Ann", "Smith", start, &format!("O{i}"), team);
            for (j, d) in seen_days.iter().enumerate() {
                let on = start.checked_add(jiff::Span::new().days(i64::from(*d))).unwrap().to_string();
                seen(&mut events, &format!("A{j}"), &on);
            }
            all.extend(case_facts(&crn(), events.iter().map(|e| (uk_date(e.occurred_at), &e.event))).unwrap());
        }
        let (from, to) = (date("2025-01-01"), date("2026-12-31"));
        for measure in MeasureId::ALL {
            let total = |scope: &str, g| -> (u64, u64) {
                aggregate(&all, &org, measure, &scope.parse().unwrap(), from, to, g)
                    .iter()
                    .fold((0, 0), |(n, d), x| (n + x.numerator, d + x.denominator))
            };
            let provider = total("provider", Grouping::Month);
            let t1 = total("team:T1", Grouping::Month);
            let t2 = total("team:T2", Grouping::Month);
            prop_assert_eq!(provider, (t1.0 + t2.0, t1.1 + t2.1));
            if measure.kind() == MeasureKind::Period {
                prop_assert_eq!(provider, total("provider", Grouping::Quarter));
            }
        }
    }
}
