use super::*;
use domain::contact::{ContactKind, Outcome};
use domain::example::{appointment, code, date, id, new_event, opening};
use domain::ids::Note;

const TODAY: &str = "2026-03-20";

/// Ada: sentenced 2 March 2026, an unacceptable absence on 5 March (A1), attended on 9 March
/// (A2).
fn ada() -> CaseState {
    let mut events = opening("Ada", "Lovelace", date("2026-03-02"), "OFF1", "T1");
    for (a, on) in [("A1", "2026-03-05"), ("A2", "2026-03-09")] {
        let booked = appointment(a, date(on).at(10, 0, 0, 0), ContactKind::OfficeVisit);
        events.push(new_event(date("2026-03-03"), CaseEvent::AppointmentBooked { appointment: booked }));
    }
    events.push(domain::example::outcome(date("2026-03-05"), "A1", Outcome::UnacceptableAbsence));
    events.push(domain::example::outcome(date("2026-03-09"), "A2", Outcome::AttendedComplied));
    let mut state = CaseState::new(domain::ids::Crn::parse("X000001").unwrap());
    for e in &events {
        state.apply(&e.event, uk_date(e.occurred_at)).unwrap();
    }
    state
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    Answers::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn date_answers<'a>(name: &str, d: &'a str, m: &'a str, y: &'a str) -> Vec<(String, &'a str)> {
    vec![(format!("{name}-day"), d), (format!("{name}-month"), m), (format!("{name}-year"), y)]
}

fn fields(problems: &[FieldProblem]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

#[test]
fn every_decision_has_one_spec_an_address_and_a_recording_rule() {
    let mut slugs: Vec<&str> = DECISIONS.iter().map(|s| s.slug).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), DECISIONS.len(), "slugs are unique");
    for s in DECISIONS {
        assert_eq!(Decision::from_slug(s.slug), Some(s.decision));
        assert_eq!(s.decision.spec(), s);
        assert!(crate::access::recording_rule(s.event_type).is_some(), "{}", s.event_type);
    }
}

/// (answers besides the date, the date as day, month and year, the fields named in error;
/// empty when recorded)
type WarningRow<'a> = (&'a [(&'a str, &'a str)], (&'a str, &'a str, &'a str), &'a [&'a str]);

#[test]
fn a_warning_letter_names_every_bad_answer_and_dates_its_response() {
    let state = ada();
    let today = date(TODAY);
    let by = code("OFF1");
    let form = questions(Decision::WarningLetter, &state, today).unwrap();
    let offered: Vec<&str> = match &form.questions[0].input {
        Input::Radios(c) => c.iter().map(|c| c.value.as_str()).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(offered, ["A1"], "only the failure without a warning");

    let rows: &[WarningRow] = &[
        (&[("appointment", "A1")], ("13", "3", "2026"), &[]),
        (&[("appointment", "A1")], (" 13 ", "03", "2026"), &[]),
        (&[], ("", "", ""), &["appointment", "on"]),
        (&[("appointment", "A2")], ("13", "3", "2026"), &["appointment"]),
        (&[("appointment", "A1")], ("31", "2", "2026"), &["on"]),
        (&[("appointment", "A1")], ("13", "3", ""), &["on"]),
        (&[("appointment", "A1")], ("13", "13", "2026"), &["on"]),
        (&[("appointment", "A1")], ("13", "3", "26"), &["on"]),
        (&[("appointment", "A1")], ("21", "3", "2026"), &["on"]),
        // Before the failure it warns about: the case's own rule, named on the date.
        (&[("appointment", "A1")], ("4", "3", "2026"), &["on"]),
    ];
    for (pairs, (d, m, y), named) in rows {
        let mut all: Vec<(String, &str)> = pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        all.extend(date_answers("on", d, m, y));
        let typed = Answers::new(all.iter().map(|(k, v)| (k.clone(), v.to_string())));
        match check(Decision::WarningLetter, &state, &typed, &by, today) {
            Ok(d) => {
                assert!(named.is_empty(), "{pairs:?} {d:?}");
                assert_eq!(
                    d.event,
                    CaseEvent::WarningLetterIssued {
                        appointment: id("A1"),
                        on: date("2026-03-13"),
                        response_due: date("2026-03-20"),
                    }
                );
                assert_eq!(d.on, date("2026-03-13"));
            }
            Err(problems) => {
                assert_eq!(&fields(&problems), named, "{pairs:?} {d}/{m}/{y}: {problems:?}");
                for p in &problems {
                    assert!(p.message.starts_with(&format!("{}: ", p.field)), "{}", p.message);
                }
            }
        }
    }
}

#[test]
fn a_decision_that_cannot_be_made_now_says_why() {
    let state = ada();
    let today = date(TODAY);
    let why = questions(Decision::BreachPack, &state, today).unwrap_err();
    assert_eq!(why, "No breach is open on this case.");
    let problems = check(Decision::BreachPack, &state, &answers(&[]), &code("OFF1"), today).unwrap_err();
    assert_eq!(fields(&problems), [FORM]);
    // One failure is not a second within 12 months: a breach needs a reason.
    let breach = answers(&[("failures", "A1")]);
    let problems = check(Decision::BreachReferral, &state, &breach, &code("OFF1"), today).unwrap_err();
    assert_eq!(fields(&problems), ["reason"], "{problems:?}");
    let breach = answers(&[("failures", "A1"), ("reason", "Threatened the receptionist"), ("pack", "breach_report")]);
    let d = check(Decision::BreachReferral, &state, &breach, &code("OFF1"), today).unwrap();
    let CaseEvent::BreachReferred { failures, pack, .. } = &d.event else { panic!("{d:?}") };
    assert_eq!((failures.as_slice(), pack.breach_report, pack.order_copy), (&[id("A1")][..], true, false));

    // With the breach open, the pack is asked for, and an incomplete one is named.
    let mut open = state.clone();
    open.apply(&d.event, today).unwrap();
    let some = answers(&[("pack", "breach_report"), ("pack", "order_copy")]);
    let problems = check(Decision::BreachPack, &open, &some, &code("OFF1"), today).unwrap_err();
    assert_eq!(fields(&problems), ["pack"]);
    assert!(problems[0].message.contains("not ready: the instructions"), "{}", problems[0].message);
    let all: Vec<(&str, &str)> = enforcement::PACK_ITEMS.iter().map(|(v, _)| ("pack", *v)).collect();
    let d = check(Decision::BreachPack, &open, &answers(&all), &code("OFF1"), today).unwrap();
    assert!(matches!(d.event, CaseEvent::BreachPackCompleted { pack } if pack.is_complete()));
}

#[test]
fn worklist_items_lead_to_the_decision_that_resolves_them() {
    let state = ada();
    let today = date(TODAY);
    let items = domain::practice::worklist(&state, today);
    let warning = items.iter().find(|i| i.action.key == "warning.issue").expect("the failure wants a warning");
    let (decision, prefill) = resolving(warning).unwrap();
    assert_eq!((decision, prefill), (Decision::WarningLetter, vec![("appointment".to_owned(), "A1".to_owned())]));
    for item in &items {
        match (resolving(item).map(|(d, _)| questions(d, &state, today)), item.action.key) {
            (None | Some(Ok(_)), _) => {}
            // Agreeing the plan needs an assessment first: the form says so.
            (Some(Err(why)), "plan.agree") => assert!(why.starts_with("Complete an assessment first"), "{why}"),
            (Some(Err(why)), _) => panic!("{item:?} leads to a form that cannot be filled in: {why}"),
        }
    }
}

#[test]
fn answers_read_back_in_words() {
    let state = ada();
    let form = questions(Decision::WarningLetter, &state, date(TODAY)).unwrap();
    let mut pairs = vec![("appointment".to_owned(), "A1".to_owned())];
    pairs.extend(date_answers("on", "13", "3", "2026").into_iter().map(|(k, v)| (k, v.to_owned())));
    let words = answered(&form, &Answers::new(pairs));
    let shown: Vec<(&str, &str)> = words.iter().map(|a| (a.name, a.answer.as_str())).collect();
    assert_eq!(shown, [("appointment", "Appointment A1"), ("on", "13 March 2026")]);
}

#[test]
fn a_referral_offers_the_rate_cards_services_for_the_plans_needs_where_the_person_lives() {
    let card = synth::london_rate_card();
    let service = &card.services()[0];
    let mut state = ada();
    let mut person = state.person.clone().unwrap();
    person.home_borough = Some(service.boroughs[0].clone());
    let assessed = domain::example::assessment(
        "AS1",
        date("2026-03-03"),
        domain::assessment::RoshLevel::Low,
        &[(service.need, domain::assessment::NeedSeverity::Standard)],
    );
    let objective = domain::plan::Objective {
        id: id("O1"),
        description: Note::parse("Work on it").unwrap(),
        needs: vec![service.need],
        risk_groups: vec![],
        owner: domain::plan::ObjectiveOwner::Provider,
        person_involved: true,
    };
    for event in [
        CaseEvent::PersonalDetailsUpdated { person },
        CaseEvent::AssessmentCompleted { assessment: assessed },
        CaseEvent::ObjectiveAgreed { objective },
    ] {
        state.apply(&event, date("2026-03-04")).unwrap();
    }
    let today = date(TODAY);
    let form = questions(Decision::Referral, &state, today).unwrap();
    let Input::Radios(offered) = &form.questions[0].input else { panic!("{form:?}") };
    assert!(offered.iter().any(|c| c.value == service.id.as_str()), "{offered:?}");
    assert!(offered.iter().all(|c| card.service(&Code::parse(&c.value).unwrap()).unwrap().need == service.need));

    let typed = |objectives: &[&str]| {
        let mut pairs =
            vec![("service", service.id.as_str()), ("on-day", "10"), ("on-month", "3"), ("on-year", "2026")];
        pairs.extend(objectives.iter().map(|o| ("objectives", *o)));
        answers(&pairs)
    };
    let problems = check(Decision::Referral, &state, &typed(&[]), &code("OFF1"), today).unwrap_err();
    assert_eq!(fields(&problems), ["objectives"]);
    let d = check(Decision::Referral, &state, &typed(&["O1"]), &code("OFF1"), today).unwrap();
    let CaseEvent::InterventionReferred { service: s, objectives, needs, .. } = d.event else { panic!("{d:?}") };
    assert_eq!((s, objectives, needs), (service.id.clone(), vec![id("O1")], vec![service.need]));
}

/// (repeat, times, the ids and days booked; empty with the field named when refused)
type SeriesRow<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

/// A booking that repeats records every appointment of the series at once, each checked for a
/// clash (the one that clashes named by its day); a bad count is named and nothing is booked.
#[test]
fn a_repeating_booking_records_the_series_or_names_what_is_wrong() {
    let mut state = ada();
    // An office visit already booked three weeks ahead, at 10:00 on 14 April.
    let later = appointment("A3", date("2026-04-14").at(10, 0, 0, 0), ContactKind::OfficeVisit);
    state.apply(&CaseEvent::AppointmentBooked { appointment: later }, date(TODAY)).unwrap();
    let today = date(TODAY);
    let rows: &[SeriesRow] = &[
        ("", "", &[("C6", "2026-03-24")], &[]),
        ("once", "5", &[("C6", "2026-03-24")], &[]),
        ("weekly", "3", &[("C6", "2026-03-24"), ("C6-2", "2026-03-31"), ("C6-3", "2026-04-07")], &[]),
        ("four_weekly", "2", &[("C6", "2026-03-24"), ("C6-2", "2026-04-21")], &[]),
        // The fourth weekly one would fall on 14 April at 10:00, over A3.
        ("weekly", "4", &[], &["time"]),
        ("weekly", "", &[], &["times"]),
        ("weekly", "1", &[], &["times"]),
        ("weekly", "13", &[], &["times"]),
        ("weekly", "two", &[], &["times"]),
        ("daily", "3", &[], &["repeat"]),
    ];
    for (repeat, times, booked, named) in rows {
        let mut pairs = vec![("kind", "office_visit"), ("time", "10:00"), ("minutes", "45"), ("id", "C6")];
        pairs.extend([("on-day", "24"), ("on-month", "3"), ("on-year", "2026")]);
        pairs.extend([("repeat", *repeat), ("times", *times)]);
        match check(Decision::AppointmentBooking, &state, &answers(&pairs), &code("OFF1"), today) {
            Ok(d) => {
                assert!(named.is_empty(), "{repeat} {times}: recorded, expected {named:?}");
                let got: Vec<(String, String)> = d
                    .events()
                    .map(|e| match e {
                        CaseEvent::AppointmentBooked { appointment: a } => (a.id.to_string(), a.at.date().to_string()),
                        other => panic!("{other:?}"),
                    })
                    .collect();
                let want: Vec<(String, String)> = booked.iter().map(|(i, d)| (i.to_string(), d.to_string())).collect();
                assert_eq!(got, want, "{repeat} {times}");
            }
            Err(problems) => {
                assert_eq!(fields(&problems), *named, "{repeat} {times}: {problems:?}");
                if *repeat == "weekly" && *times == "4" {
                    assert!(problems[0].message.contains("the one on 14 April 2026 clashes with"), "{problems:?}");
                }
            }
        }
    }
}

/// A refusal by the case's rules on a part of the event is named on the question that asked
/// for it: RAR days booked beyond the requirement's budget on `requirement`.
#[test]
fn a_series_beyond_the_rar_budget_is_named_on_the_requirement() {
    let state = ada();
    let today = date(TODAY);
    let mut pairs = vec![("kind", "rar_activity"), ("time", "10:00"), ("minutes", "60"), ("requirement", "S1-RAR")];
    pairs.extend([("on-day", "23"), ("on-month", "3"), ("on-year", "2026"), ("id", "C6")]);
    let book = |times: &'static str| {
        let mut all = pairs.clone();
        all.extend([("repeat", "weekly"), ("times", times)]);
        check(Decision::AppointmentBooking, &state, &answers(&all), &code("OFF1"), today)
    };
    assert!(book("12").is_ok(), "12 of the 20 days");
    // Twelve more on top of twelve would pass 20: refused, on the requirement.
    let mut twelve = state.clone();
    for e in book("12").unwrap().events() {
        twelve.apply(e, today).unwrap();
    }
    let mut later = pairs.clone();
    later.retain(|(k, _)| !["on-day", "on-month", "id"].contains(k));
    later.extend([("on-day", "15"), ("on-month", "6"), ("id", "C7"), ("repeat", "weekly"), ("times", "12")]);
    let problems = check(Decision::AppointmentBooking, &twelve, &answers(&later), &code("OFF1"), today).unwrap_err();
    assert_eq!(fields(&problems), ["requirement"], "{problems:?}");
}
