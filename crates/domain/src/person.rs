//! The person on probation. Protected characteristics are optional and used only for
//! disproportionality analysis.

use crate::ids::{Crn, Name, Pnc};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
    Other,
}

impl Gender {
    pub const ALL: [Gender; 3] = [Gender::Male, Gender::Female, Gender::Other];

    /// The value as it is typed and stored (as serde writes it): `male`, `female`, `other`.
    pub fn id(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
            Gender::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Gender> {
        Self::ALL.into_iter().find(|g| g.id() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
            Gender::Other => "Other",
        }
    }
}

/// Ethnic group, the five top-level groups of the ONS 2011 census classification used in
/// probation data (with "not stated").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ethnicity {
    White,
    Mixed,
    Asian,
    Black,
    Other,
    NotStated,
}

impl Ethnicity {
    pub const ALL: [Ethnicity; 6] = [
        Ethnicity::White,
        Ethnicity::Mixed,
        Ethnicity::Asian,
        Ethnicity::Black,
        Ethnicity::Other,
        Ethnicity::NotStated,
    ];
    /// The value as it is typed and stored (as serde writes it): `white`, `not_stated`, ...
    pub fn id(self) -> &'static str {
        match self {
            Ethnicity::White => "white",
            Ethnicity::Mixed => "mixed",
            Ethnicity::Asian => "asian",
            Ethnicity::Black => "black",
            Ethnicity::Other => "other",
            Ethnicity::NotStated => "not_stated",
        }
    }

    pub fn parse(text: &str) -> Option<Ethnicity> {
        Self::ALL.into_iter().find(|e| e.id() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Ethnicity::White => "White",
            Ethnicity::Mixed => "Mixed or multiple ethnic groups",
            Ethnicity::Asian => "Asian or Asian British",
            Ethnicity::Black => "Black, Black British, Caribbean or African",
            Ethnicity::Other => "Other ethnic group",
            Ethnicity::NotStated => "Not stated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentStatus {
    Employed,
    SelfEmployed,
    ZeroHours,
    Unemployed,
    InEducation,
    UnableToWork,
    Retired,
}

/// The person's identity and circumstances as recorded on the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonDetails {
    pub first_name: Name,
    pub family_name: Name,
    pub date_of_birth: Date,
    pub gender: Gender,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pnc: Option<Pnc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<Ethnicity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub religion: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment: Option<EmploymentStatus>,
    /// The borough (local authority) the person lives in, by organisation code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_borough: Option<crate::ids::Code>,
}

/// What identifies a person across cases: the CRN plus the details used for de-duplication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub crn: Crn,
    pub details: PersonDetails,
}
