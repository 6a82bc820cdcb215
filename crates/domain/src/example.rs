//! Small, valid example values for tests and documentation across the workspace. Kept in
//! the domain (not behind `cfg(test)`) so that every crate's tests build cases the same way.

use crate::assessment::{Assessment, NeedArea, NeedSeverity, Percent, RiskGroup, RoshLevel};
use crate::contact::{Appointment, ContactKind, Outcome};
use crate::event::{AllocationReason, CaseEvent, NewEvent};
use crate::ids::{Code, LocalId, Name};
use crate::org::{Area, Borough, Office, Organisation, Team};
use crate::person::{Ethnicity, Gender, PersonDetails};
use crate::sentence::{Requirement, RequirementKind, Sentence, SentenceKind};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};

pub fn id(s: &str) -> LocalId {
    LocalId::parse(s).expect("example ids are valid")
}

pub fn code(s: &str) -> Code {
    Code::parse(s).expect("example codes are valid")
}

pub fn date(s: &str) -> Date {
    s.parse().expect("example dates are valid")
}

/// A provider of one area (AR1), two boroughs (BR1, BR2), an office in each (OF1, OF2) and a
/// team in each office (T1, T2), with no staff: the smallest organisation whose figures differ
/// by team, office and borough.
pub fn two_team_org() -> Organisation {
    let name = |s: &str| Name::parse(s).expect("valid");
    Organisation {
        areas: vec![Area { code: code("AR1"), name: name("North") }],
        boroughs: vec![
            Borough { code: code("BR1"), area: code("AR1"), name: name("Camden") },
            Borough { code: code("BR2"), area: code("AR1"), name: name("Islington") },
        ],
        offices: vec![
            Office { code: code("OF1"), borough: code("BR1"), name: name("Kentish Town") },
            Office { code: code("OF2"), borough: code("BR2"), name: name("Highbury") },
        ],
        teams: vec![
            Team { code: code("T1"), office: code("OF1"), name: name("Team one") },
            Team { code: code("T2"), office: code("OF2"), name: name("Team two") },
        ],
        staff: vec![],
    }
}

pub fn person(first: &str, family: &str) -> PersonDetails {
    PersonDetails {
        first_name: Name::parse(first).expect("valid"),
        family_name: Name::parse(family).expect("valid"),
        date_of_birth: date("1990-05-17"),
        gender: Gender::Male,
        pnc: None,
        ethnicity: Some(Ethnicity::White),
        nationality: None,
        religion: None,
        disability: None,
        employment: None,
        home_borough: None,
    }
}

/// A 12-month community order with 120 hours of unpaid work and 20 RAR days.
pub fn community_order(sentence_id: &str, on: Date) -> Sentence {
    Sentence {
        id: id(sentence_id),
        kind: SentenceKind::CommunityOrder,
        sentence_date: on,
        end_date: on.checked_add(jiff::Span::new().years(1)).expect("in range"),
        requirements: vec![
            Requirement { id: id(&format!("{sentence_id}-UPW")), kind: RequirementKind::UnpaidWork { hours: 120 } },
            Requirement { id: id(&format!("{sentence_id}-RAR")), kind: RequirementKind::Rar { max_days: 20 } },
        ],
        licence_conditions: vec![],
        custody: None,
    }
}

pub fn assessment(assessment_id: &str, on: Date, rosh: RoshLevel, needs: &[(NeedArea, NeedSeverity)]) -> Assessment {
    Assessment {
        id: id(assessment_id),
        completed_on: on,
        rosh: [(RiskGroup::Public, rosh)].into_iter().collect(),
        ogrs: Some(Percent::new(42.0).expect("valid")),
        rsr: Some(Percent::new(2.5).expect("valid")),
        needs: needs.iter().copied().collect(),
        ogrs4: None,
    }
}

pub fn appointment(appointment_id: &str, at: DateTime, kind: ContactKind) -> Appointment {
    Appointment { id: id(appointment_id), at, minutes: 45, kind, requirement: None }
}

/// Noon UK time on a date, as an instant.
pub fn noon(d: Date) -> Timestamp {
    jiff::tz::TimeZone::UTC.to_timestamp(d.at(12, 0, 0, 0)).expect("in range")
}

pub fn new_event(on: Date, event: CaseEvent) -> NewEvent {
    NewEvent { occurred_at: noon(on), recorded_by: code("SYSTEM"), event }
}

/// The opening events of a typical case: registered, sentenced, allocated.
pub fn opening(first: &str, family: &str, on: Date, officer: &str, team: &str) -> Vec<NewEvent> {
    vec![
        new_event(on, CaseEvent::PersonRegistered { person: person(first, family) }),
        new_event(on, CaseEvent::SentenceImposed { sentence: community_order("S1", on) }),
        new_event(
            on,
            CaseEvent::OfficerAllocated {
                officer: code(officer),
                team: code(team),
                reason: AllocationReason::Initial,
                evidence: None,
            },
        ),
    ]
}

pub fn outcome(on: Date, appointment_id: &str, outcome: Outcome) -> NewEvent {
    new_event(on, CaseEvent::OutcomeRecorded { appointment: id(appointment_id), outcome, note: None, sensitive: false })
}
