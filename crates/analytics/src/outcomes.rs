//! The outcomes of a case and the protected characteristics its record holds, for
//! disproportionality (`proportion::disproportionality`): is one group breached, recalled
//! or successfully completing at a different rate from everyone else?
//!
//! Each outcome is defined once here, with the population it is a rate of. A case is one
//! person; a person outside an outcome's population (never released, say, for recall) is
//! not counted in its rate at all. Characteristics are read from the person's latest
//! recorded details; one not recorded is its own group, "Not recorded", so the population
//! is whole (docs/rules/practice.md#organisation-and-people: protected characteristics are optional).

use domain::event::CaseEvent;
use domain::ids::Code;
use domain::person::{Gender, PersonDetails};
use domain::practice::enforcement::RecallKind;
use domain::sentence::SentenceKind;
use jiff::civil::Date;
use serde::Serialize;

/// The group for a characteristic the record does not hold.
pub const NOT_RECORDED: &str = "Not recorded";

/// An outcome whose rate is compared across groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Breach,
    Recall,
    Completion,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 3] = [OutcomeKind::Breach, OutcomeKind::Recall, OutcomeKind::Completion];

    pub fn id(self) -> &'static str {
        match self {
            OutcomeKind::Breach => "breach",
            OutcomeKind::Recall => "recall",
            OutcomeKind::Completion => "completion",
        }
    }

    pub fn parse(text: &str) -> Option<OutcomeKind> {
        Self::ALL.into_iter().find(|o| o.id() == text)
    }

    /// How statements name the rate ("Breach rate for ...").
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Breach => "Breach",
            OutcomeKind::Recall => "Recall",
            OutcomeKind::Completion => "Successful completion",
        }
    }

    /// The definition shown to users.
    pub fn definition(self) -> &'static str {
        match self {
            OutcomeKind::Breach => {
                "People who have had a community or suspended sentence order, or post-sentence supervision, \
                 on the record; the outcome is at least one breach referred to court."
            }
            OutcomeKind::Recall => {
                "People released from custody on licence; the outcome is at least one recall to custody \
                 (a manager's decision to recall, or a licence ended by recall)."
            }
            OutcomeKind::Completion => {
                "People whose latest ended sentence counts in the completion measure (a custodial sentence \
                 once released); the outcome is that it ended successfully (completed, or terminated early \
                 for good progress)."
            }
        }
    }
}

/// A protected characteristic the record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Characteristic {
    Gender,
    Ethnicity,
    AgeBand,
    Disability,
    Religion,
    Nationality,
}

impl Characteristic {
    pub const ALL: [Characteristic; 6] = [
        Characteristic::Gender,
        Characteristic::Ethnicity,
        Characteristic::AgeBand,
        Characteristic::Disability,
        Characteristic::Religion,
        Characteristic::Nationality,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Characteristic::Gender => "gender",
            Characteristic::Ethnicity => "ethnicity",
            Characteristic::AgeBand => "age_band",
            Characteristic::Disability => "disability",
            Characteristic::Religion => "religion",
            Characteristic::Nationality => "nationality",
        }
    }

    pub fn parse(text: &str) -> Option<Characteristic> {
        Self::ALL.into_iter().find(|c| c.id() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Characteristic::Gender => "Gender",
            Characteristic::Ethnicity => "Ethnicity",
            Characteristic::AgeBand => "Age band",
            Characteristic::Disability => "Disability",
            Characteristic::Religion => "Religion",
            Characteristic::Nationality => "Nationality",
        }
    }
}

/// Age bands, by age in whole years at the first sentence on the record: (lowest age,
/// label). Source: the age groups of the Ministry of Justice's Offender Management
/// Statistics (probation caseload tables), with under-18s kept apart.
pub const AGE_BANDS: [(i16, &str); 7] = [
    (0, "Under 18"),
    (18, "18 to 20"),
    (21, "21 to 24"),
    (25, "25 to 29"),
    (30, "30 to 39"),
    (40, "40 to 49"),
    (50, "50 and over"),
];

/// The band of someone born on `born` on `on`.
pub fn age_band(born: Date, on: Date) -> &'static str {
    let mut age = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    AGE_BANDS.iter().rev().find(|(low, _)| age >= *low).map_or(AGE_BANDS[0].1, |(_, label)| label)
}

/// The disability group of someone who declared `disability` (`None`: not recorded). People on
/// probation and staff (`staff_process`) are grouped alike.
pub fn disability_group(disability: Option<bool>) -> &'static str {
    match disability {
        Some(true) => "Disabled",
        Some(false) => "Not disabled",
        None => NOT_RECORDED,
    }
}

/// A case's outcomes (`None`: not in that outcome's population) and characteristics, as the
/// store's `mi_outcomes` projection keeps them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CaseOutcomes {
    pub breach: Option<bool>,
    pub recall: Option<bool>,
    pub completion: Option<bool>,
    pub gender: String,
    pub ethnicity: String,
    pub age_band: String,
    pub disability: String,
    pub religion: String,
    pub nationality: String,
    /// The team holding the case now (its latest allocation).
    pub team: Option<Code>,
}

impl CaseOutcomes {
    pub fn outcome(&self, outcome: OutcomeKind) -> Option<bool> {
        match outcome {
            OutcomeKind::Breach => self.breach,
            OutcomeKind::Recall => self.recall,
            OutcomeKind::Completion => self.completion,
        }
    }

    pub fn group(&self, characteristic: Characteristic) -> &str {
        match characteristic {
            Characteristic::Gender => &self.gender,
            Characteristic::Ethnicity => &self.ethnicity,
            Characteristic::AgeBand => &self.age_band,
            Characteristic::Disability => &self.disability,
            Characteristic::Religion => &self.religion,
            Characteristic::Nationality => &self.nationality,
        }
    }
}

fn characteristics(person: &PersonDetails, first_sentence: Option<Date>) -> [String; 6] {
    let gender = match person.gender {
        Gender::Male => "Male",
        Gender::Female => "Female",
        Gender::Other => "Other",
    };
    let text = |v: Option<&dyn ToString>| v.map_or(NOT_RECORDED.to_owned(), |v| v.to_string());
    [
        gender.to_owned(),
        person.ethnicity.map_or(NOT_RECORDED, |e| e.label()).to_owned(),
        first_sentence.map_or(NOT_RECORDED, |on| age_band(person.date_of_birth, on)).to_owned(),
        disability_group(person.disability).to_owned(),
        text(person.religion.as_ref().map(|r| r as &dyn ToString)),
        text(person.nationality.as_ref().map(|n| n as &dyn ToString)),
    ]
}

/// A case's outcomes and characteristics from its record (each event with the UK date it
/// occurred), or `None` for a case with no sentence (it is in no population).
pub fn case_outcomes<'a>(events: impl IntoIterator<Item = (Date, &'a CaseEvent)>) -> Option<CaseOutcomes> {
    let mut person: Option<&PersonDetails> = None;
    // (id, kind, sentence date, has post-sentence supervision, released, counted ending)
    let mut sentences: Vec<(&domain::ids::LocalId, SentenceKind, Date, bool, bool)> = Vec::new();
    let mut breached = false;
    let mut recalled = false;
    // The latest ending that counts in completion: (ended on, success).
    let mut completion: Option<(Date, bool)> = None;
    let mut team = None;
    for (_, event) in events {
        match event {
            CaseEvent::PersonRegistered { person: p } | CaseEvent::PersonalDetailsUpdated { person: p } => {
                person = Some(p)
            }
            CaseEvent::SentenceImposed { sentence } => sentences.push((
                &sentence.id,
                sentence.kind,
                sentence.sentence_date,
                sentence.custody.as_ref().is_some_and(|c| c.pss_end.is_some()),
                false,
            )),
            CaseEvent::ReleasedFromCustody { sentence, .. } => {
                if let Some(s) = sentences.iter_mut().find(|s| s.0 == sentence) {
                    s.4 = true;
                }
            }
            CaseEvent::SentenceEnded { sentence, on, outcome } => {
                if *outcome == domain::event::SentenceOutcome::Recalled {
                    recalled = true;
                }
                let counts = sentences.iter().find(|s| s.0 == sentence).is_some_and(|s| s.1.is_community() || s.4);
                if let (Some(success), true) = (outcome.completion(), counts)
                    && completion.is_none_or(|(last, _)| *on >= last)
                {
                    completion = Some((*on, success));
                }
            }
            CaseEvent::BreachReferred { .. } => breached = true,
            CaseEvent::RecallDecided { decision, .. } if *decision != RecallKind::NoRecall => recalled = true,
            CaseEvent::OfficerAllocated { team: t, .. } => team = Some(t.clone()),
            _ => {}
        }
    }
    let person = person?;
    let first_sentence = sentences.iter().map(|s| s.2).min()?;
    let breach_population = sentences.iter().any(|s| s.1.is_community() || (s.3 && s.4));
    let recall_population = sentences.iter().any(|s| s.1 == SentenceKind::Custodial && s.4);
    let [gender, ethnicity, age_band, disability, religion, nationality] =
        characteristics(person, Some(first_sentence));
    Some(CaseOutcomes {
        breach: breach_population.then_some(breached),
        recall: recall_population.then_some(recalled),
        completion: completion.map(|(_, success)| success),
        gender,
        ethnicity,
        age_band,
        disability,
        religion,
        nationality,
        team,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn age_bands_turn_on_the_birthday() {
        let cases = [
            // (born, on, band)
            (date(2000, 6, 15), date(2018, 6, 14), "Under 18"),
            (date(2000, 6, 15), date(2018, 6, 15), "18 to 20"),
            (date(2000, 6, 15), date(2021, 6, 15), "21 to 24"),
            (date(2000, 2, 29), date(2025, 2, 28), "21 to 24"),
            (date(2000, 2, 29), date(2025, 3, 1), "25 to 29"),
            (date(1990, 1, 1), date(2020, 1, 1), "30 to 39"),
            (date(1970, 1, 1), date(2020, 1, 1), "50 and over"),
        ];
        for (born, on, want) in cases {
            assert_eq!(age_band(born, on), want, "born {born} on {on}");
        }
    }

    #[test]
    fn outcomes_and_characteristics_parse_from_their_ids() {
        for o in OutcomeKind::ALL {
            assert_eq!(OutcomeKind::parse(o.id()), Some(o));
        }
        for c in Characteristic::ALL {
            assert_eq!(Characteristic::parse(c.id()), Some(c));
        }
        assert_eq!(OutcomeKind::parse("breaches"), None);
    }
}
