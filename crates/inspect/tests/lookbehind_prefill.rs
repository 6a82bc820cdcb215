//! The look behind the announcement, and prefill with evidence, on hand-built case records.

use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
use domain::case::CaseState;
use domain::event::{AllocationReason, CaseEvent, RecordedEvent};
use domain::example::{assessment, code, community_order, date, id, noon, person};
use domain::ids::{Crn, Note};
use domain::plan::{Objective, ObjectiveOwner};
use inspect::lookbehind::{BACKDATING, RecordKind, look_behind, look_behind_case};
use inspect::prefill::prefill;
use inspect::report::Answer;
use jiff::civil::Date;

/// An event that says it happened on `happened` and was written on `recorded`.
fn recorded(seq: u64, happened: Date, recorded: Date, event: CaseEvent) -> RecordedEvent {
    RecordedEvent {
        crn: Crn::parse("X000001").unwrap(),
        seq,
        occurred_at: noon(happened),
        recorded_at: noon(recorded),
        recorded_by: code("OFF1"),
        event,
    }
}

fn allocated(officer: &str) -> CaseEvent {
    CaseEvent::OfficerAllocated {
        officer: code(officer),
        team: code("TEAM1"),
        reason: AllocationReason::Initial,
        evidence: None,
    }
}

fn objective(oid: &str, needs: &[NeedArea], involved: bool) -> CaseEvent {
    CaseEvent::ObjectiveAgreed {
        objective: Objective {
            id: id(oid),
            description: Note::parse("work on it").unwrap(),
            needs: needs.to_vec(),
            risk_groups: vec![],
            owner: ObjectiveOwner::ResponsibleOfficer,
            person_involved: involved,
        },
    }
}

/// A case sentenced on Monday 9 January 2017, assessed 12 business days after allocation
/// with five needs, a plan for three of them, and two changes of officer.
fn case() -> Vec<RecordedEvent> {
    let on = date("2017-01-09");
    let needs = [
        (NeedArea::Accommodation, NeedSeverity::Severe),
        (NeedArea::AlcoholMisuse, NeedSeverity::Standard),
        (NeedArea::ThinkingBehaviour, NeedSeverity::Standard),
        (NeedArea::EducationTrainingEmployability, NeedSeverity::Standard),
        (NeedArea::Relationships, NeedSeverity::Standard),
        (NeedArea::DrugMisuse, NeedSeverity::NoNeed),
    ];
    let assessed_on = date("2017-01-25"); // 12 business days after 9 January
    vec![
        recorded(1, on, on, CaseEvent::PersonRegistered { person: person("Ada", "Lovelace") }),
        recorded(2, on, on, CaseEvent::SentenceImposed { sentence: community_order("S1", on) }),
        recorded(3, on, on, allocated("OFF1")),
        recorded(
            4,
            assessed_on,
            assessed_on,
            CaseEvent::AssessmentCompleted { assessment: assessment("A1", assessed_on, RoshLevel::Medium, &needs) },
        ),
        recorded(
            5,
            date("2017-02-01"),
            date("2017-02-01"),
            objective(
                "O1",
                &[NeedArea::ThinkingBehaviour, NeedArea::EducationTrainingEmployability, NeedArea::Relationships],
                true,
            ),
        ),
        recorded(6, date("2017-03-01"), date("2017-03-01"), allocated("OFF2")),
        recorded(7, date("2017-05-02"), date("2017-05-02"), allocated("OFF3")),
    ]
}

/// Must show: a review recorded after the announcement and back-dated is flagged.
#[test]
fn a_review_recorded_after_the_announcement_and_backdated_is_flagged() {
    let announced = date("2017-09-25");
    let mut events = case();
    // Written on 28 September, after the announcement, saying it was done on 1 August.
    events.push(recorded(
        8,
        date("2017-09-28"),
        date("2017-09-28"),
        CaseEvent::ReviewCompleted { on: date("2017-08-01"), triggers_addressed: None },
    ));
    // A plan objective written the day before the announcement, on the day it says: neither.
    events.push(recorded(9, date("2017-09-22"), date("2017-09-22"), objective("O2", &[NeedArea::Accommodation], true)));
    let lb = look_behind_case("X000001", &events, announced, BACKDATING);
    assert_eq!(lb.records.len(), 1, "{:?}", lb.records);
    let review = &lb.records[0];
    assert_eq!((review.seq, review.kind, review.event_type), (8, RecordKind::Review, "review_completed"));
    assert!(review.after_announcement && review.backdated);
    assert_eq!((review.happened_on, review.recorded_on), (date("2017-08-01"), date("2017-09-28")));
    // 1 August to 28 September 2017: 41 business days (the August bank holiday excluded).
    assert_eq!(review.recorded_after_business_days, 41);

    let all = look_behind(vec![lb], announced, BACKDATING);
    assert_eq!(all.cases_with_records_after_announcement, 1);
    assert_eq!(
        (all.after_announcement.reviews, all.after_announcement.plans, all.after_announcement.assessments),
        (1, 0, 0)
    );
    assert_eq!(all.backdated_after_announcement.reviews, 1);
}

/// Each row: (happened, recorded, announced) → (after announcement, back-dated). The
/// threshold is BACKDATING (5 business days, Probity default).
#[test]
fn announcement_and_backdating_thresholds() {
    let rows = [
        // Recorded on the announcement day counts as after it.
        (("2017-09-25", "2017-09-25", "2017-09-25"), (true, false)),
        (("2017-09-22", "2017-09-22", "2017-09-25"), (false, false)),
        // Mon 18 to Mon 25 September: 5 business days, not back-dated; 6 is.
        (("2017-09-18", "2017-09-25", "2017-10-01"), (false, false)),
        (("2017-09-15", "2017-09-25", "2017-10-01"), (false, true)),
        // Back-dated long before any announcement is still shown.
        (("2017-01-02", "2017-03-01", "2017-09-25"), (false, true)),
    ];
    for ((happened, written, announced), (after, backdated)) in rows {
        let e = recorded(
            1,
            date(happened),
            date(written),
            CaseEvent::ReviewCompleted { on: date(happened), triggers_addressed: None },
        );
        let lb = look_behind_case("X000001", &[e], date(announced), BACKDATING);
        let got = lb.records.first().map_or((false, false), |r| (r.after_announcement, r.backdated));
        assert_eq!(got, (after, backdated), "{happened} written {written}, announced {announced}");
    }
}

fn suggestion(events: &[RecordedEvent], question: &str, today: &str) -> Option<(Answer, String)> {
    let state = CaseState::fold(Crn::parse("X000001").unwrap(), events).unwrap();
    prefill(&state, events, date(today)).into_iter().find(|s| s.question == question).map(|s| (s.answer, s.evidence))
}

/// Prefill evidence in words, as issue 7 asks for it.
#[test]
fn prefill_gives_answers_with_evidence() {
    let events = case();
    let today = "2017-05-10";
    let rows: [(&str, Option<(Answer, &str)>); 9] = [
        ("RR.A1", Some((Answer::Yes, "assessment completed 12 business days after allocation"))),
        ("RR.P1", Some((Answer::No, "plan addresses 3 of 5 assessed needs: accommodation and alcohol misuse missing"))),
        ("RR.N.alcohol.plan", Some((Answer::No, "no objective addresses alcohol misuse"))),
        ("RR.N.thinking.plan", Some((Answer::Yes, "an objective addresses thinking and behaviour"))),
        ("RR.N.drugs.plan", Some((Answer::NotApplicable, "no drug misuse need assessed"))),
        ("AS.D5", Some((Answer::No, "two changes of responsible officer"))),
        ("AS.P1", Some((Answer::Yes, "1 of 1 objective agreed with the person"))),
        ("PP.A1", Some((Answer::Yes, "risk of serious harm assessed: the public medium"))),
        ("PP.P1", Some((Answer::No, "plan addresses 0 of 1 assessed risks: risk to the public missing"))),
    ];
    for (question, expect) in rows {
        let got = suggestion(&events, question, today);
        assert_eq!(got.as_ref().map(|(a, e)| (*a, e.as_str())), expect, "{question}");
    }
    // Questions the record cannot judge get no suggestion.
    assert_eq!(suggestion(&events, "PP.D1", today), None);
    assert_eq!(suggestion(&events, "WT.1", today), None);
}

#[test]
fn prefill_without_an_assessment_says_so() {
    let events: Vec<RecordedEvent> = case().into_iter().filter(|e| e.seq <= 3).collect();
    assert_eq!(suggestion(&events, "PP.A1", "2017-01-20"), Some((Answer::No, "no assessment recorded".into())));
    // 9 to 20 January: 9 business days, within the 20 allowed: not yet answerable.
    assert_eq!(
        suggestion(&events, "RR.A1", "2017-01-20"),
        Some((Answer::NotApplicable, "no assessment 9 business days after allocation".into()))
    );
    assert_eq!(
        suggestion(&events, "RR.A1", "2017-03-01"),
        Some((Answer::No, "no assessment 37 business days after allocation".into()))
    );
    assert_eq!(
        suggestion(&events, "AS.D5", "2017-01-20"),
        Some((Answer::Yes, "one responsible officer throughout".into()))
    );
}
