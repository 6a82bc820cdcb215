//! Updating a person's details: the form starts from what the record holds, and the answers
//! replace it whole (`PersonalDetailsUpdated`). Where they live is kept: a move to another
//! local authority is a transfer, decided with the case's allocation.

use super::register::{GENDERS, name};
use super::reviews::value_of;
use super::{Choice, Decided, Decision, Input, Question, Reader};
use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::ids::{Code, Name, Pnc};
use domain::person::{EmploymentStatus, Ethnicity, Gender, PersonDetails};
use jiff::civil::Date;

const NOT_RECORDED: &str = "not_recorded";
const EMPLOYMENT: [(EmploymentStatus, &str); 7] = [
    (EmploymentStatus::Employed, "Employed"),
    (EmploymentStatus::SelfEmployed, "Self-employed"),
    (EmploymentStatus::ZeroHours, "Zero-hours contract"),
    (EmploymentStatus::Unemployed, "Unemployed"),
    (EmploymentStatus::InEducation, "In education or training"),
    (EmploymentStatus::UnableToWork, "Unable to work"),
    (EmploymentStatus::Retired, "Retired"),
];
const DISABILITY: [(&str, &str); 3] = [("yes", "Yes"), ("no", "No"), (NOT_RECORDED, "Not recorded")];

/// Radios of `(value, label)` with "Not recorded" last.
fn radios<T: serde::Serialize>(all: impl IntoIterator<Item = (T, &'static str)>) -> Input {
    let mut choices: Vec<Choice> = all.into_iter().map(|(v, l)| Choice::new(value_of(&v), l)).collect();
    choices.push(Choice::new(NOT_RECORDED, "Not recorded"));
    Input::Radios(choices)
}

fn with(q: Question, initial: Option<String>) -> Question {
    Question { initial, ..q }
}

pub(super) fn questions(_: Decision, state: &CaseState, _today: Date) -> Result<Vec<Question>, String> {
    let Some(p) = &state.person else { return Err("No person is registered on this case.".to_owned()) };
    let optional = |v: Option<String>| Some(v.unwrap_or_else(|| NOT_RECORDED.to_owned()));
    Ok(vec![
        with(Question::new("first_name", "First name", Input::Text { width: 20 }), Some(p.first_name.to_string())),
        with(Question::new("family_name", "Family name", Input::Text { width: 20 }), Some(p.family_name.to_string())),
        with(
            Question::new("date_of_birth", "Date of birth", Input::Date).hint("For example, 27 3 1990"),
            Some(p.date_of_birth.to_string()),
        ),
        with(
            Question::new(
                "gender",
                "Gender",
                Input::Radios(GENDERS.iter().map(|(g, l)| Choice::new(value_of(g), *l)).collect()),
            )
            .inline(),
            Some(value_of(&p.gender)),
        ),
        with(
            Question::new("pnc", "PNC number", Input::Text { width: 20 }).hint("For example, 2012/0034567A").optional(),
            p.pnc.as_ref().map(ToString::to_string),
        ),
        with(
            Question::new("ethnicity", "Ethnicity", radios(Ethnicity::ALL.map(|e| (e, e.label())))),
            optional(p.ethnicity.map(|e| value_of(&e))),
        ),
        with(
            Question::new("nationality", "Nationality", Input::Text { width: 20 }).optional(),
            p.nationality.as_ref().map(ToString::to_string),
        ),
        with(
            Question::new("religion", "Religion or belief", Input::Text { width: 20 }).optional(),
            p.religion.as_ref().map(ToString::to_string),
        ),
        with(
            Question::new(
                "disability",
                "Do they consider themselves disabled?",
                Input::Radios(DISABILITY.iter().map(|(v, l)| Choice::new(*v, *l)).collect()),
            )
            .inline(),
            optional(p.disability.map(|d| if d { "yes" } else { "no" }.to_owned())),
        ),
        with(
            Question::new("employment", "Employment", radios(EMPLOYMENT)),
            optional(p.employment.map(|e| value_of(&e))),
        ),
    ])
}

/// An optional name: blank is none.
fn optional_name(read: &mut Reader, field: &'static str) -> Option<Name> {
    let raw = read.text(field, "", true)?;
    Name::parse(&raw).map_err(|e| read.problem(field, e.problem)).ok()
}

/// A choice that may be "not recorded" (`None`).
fn optional_choice<T: serde::de::DeserializeOwned>(read: &mut Reader, field: &'static str, what: &str) -> Option<T> {
    if read.answers.one(field) == NOT_RECORDED {
        return None;
    }
    read.chosen(field, what)
}

pub(super) fn decide(_: Decision, read: &mut Reader, state: &CaseState, _by: &Code) -> Option<Decided> {
    let before = state.person.as_ref()?;
    let first_name = name(read, "first_name", "their first name");
    let family_name = name(read, "family_name", "their family name");
    let date_of_birth = read.date("date_of_birth", "of birth");
    let gender: Option<Gender> = read.chosen("gender", "their gender");
    let pnc =
        read.text("pnc", "", true).and_then(|raw| Pnc::parse(&raw).map_err(|e| read.problem("pnc", e.problem)).ok());
    let ethnicity = optional_choice(read, "ethnicity", "their ethnicity, or not recorded");
    let nationality = optional_name(read, "nationality");
    let religion = optional_name(read, "religion");
    let disability = match read.choice("disability", "whether they consider themselves disabled, or not recorded") {
        Some(v) if v == "yes" => Some(true),
        Some(v) if v == "no" => Some(false),
        _ => None,
    };
    let employment: Option<EmploymentStatus> = optional_choice(read, "employment", "their employment, or not recorded");
    let (Some(first_name), Some(family_name), Some(date_of_birth), Some(gender)) =
        (first_name, family_name, date_of_birth, gender)
    else {
        return None;
    };
    let person = PersonDetails {
        first_name,
        family_name,
        date_of_birth,
        gender,
        pnc,
        ethnicity,
        nationality,
        religion,
        disability,
        employment,
        home_borough: before.home_borough.clone(),
    };
    if &person == before {
        read.problem("first_name", "nothing has changed: change a detail, or go back to the case");
        return None;
    }
    Some(Decided { event: CaseEvent::PersonalDetailsUpdated { person }, on: read.today, more: Vec::new() })
}
