//! Sentences, their requirements and licence conditions (docs/rules/practice.md#sentences-and-requirements
//! and docs/rules/practice.md#licences-and-pss).

use crate::ids::{InvalidValue, LocalId, Name};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    CommunityOrder,
    SuspendedSentenceOrder,
    /// A custodial sentence: custody, then licence, then (for sentences of more than a day
    /// and under two years) post-sentence supervision.
    Custodial,
}

impl SentenceKind {
    pub fn is_community(self) -> bool {
        !matches!(self, SentenceKind::Custodial)
    }
}

/// Where a sentence stands on a date; this decides contact rules and workload points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionPhase {
    Community,
    Custody,
    Licence,
    PostSentenceSupervision,
}

impl SupervisionPhase {
    pub fn label(self) -> &'static str {
        match self {
            SupervisionPhase::Community => "Community",
            SupervisionPhase::Custody => "Custody",
            SupervisionPhase::Licence => "Licence",
            SupervisionPhase::PostSentenceSupervision => "Post-sentence supervision",
        }
    }
}

/// A requirement of a community or suspended sentence order, with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequirementKind {
    /// 40 to 300 hours, to be worked within 12 months.
    UnpaidWork {
        hours: u16,
    },
    /// Rehabilitation activity requirement: a maximum number of days set by the court.
    Rar {
        max_days: u16,
    },
    DrugRehabilitation {
        months: u8,
    },
    AlcoholTreatment {
        months: u8,
    },
    /// Alcohol abstinence monitoring: up to 120 days.
    AlcoholAbstinenceMonitoring {
        days: u16,
    },
    Curfew {
        months: u8,
        hours_per_day: u8,
        electronic_monitoring: bool,
    },
    Programme {
        name: Name,
        sessions: u16,
    },
    MentalHealthTreatment {
        months: u8,
    },
    Residence,
    Exclusion {
        months: u8,
    },
    ProhibitedActivity,
}

impl RequirementKind {
    /// Checks the statutory bounds (Sentencing Act 2020, Schedule 9).
    pub fn validate(&self) -> Result<(), InvalidValue> {
        let bad = |field, msg: String| Err(InvalidValue::new(field, msg));
        match self {
            RequirementKind::UnpaidWork { hours } if !(40..=300).contains(hours) => {
                bad("hours", format!("unpaid work must be 40 to 300 hours, not {hours}"))
            }
            RequirementKind::Rar { max_days } if !(1..=365).contains(max_days) => {
                bad("max_days", format!("RAR days must be 1 to 365, not {max_days}"))
            }
            RequirementKind::AlcoholAbstinenceMonitoring { days } if !(1..=120).contains(days) => {
                bad("days", format!("alcohol abstinence monitoring must be 1 to 120 days, not {days}"))
            }
            RequirementKind::Curfew { hours_per_day, .. } if !(2..=20).contains(hours_per_day) => {
                bad("hours_per_day", format!("a curfew must be 2 to 20 hours a day, not {hours_per_day}"))
            }
            RequirementKind::DrugRehabilitation { months: m }
            | RequirementKind::AlcoholTreatment { months: m }
            | RequirementKind::MentalHealthTreatment { months: m }
            | RequirementKind::Curfew { months: m, .. }
            | RequirementKind::Exclusion { months: m }
                if !(1..=36).contains(m) =>
            {
                bad("months", format!("must be 1 to 36 months, not {m}"))
            }
            _ => Ok(()),
        }
    }

    /// Restrictive requirements punish or control rather than rehabilitate (curfew,
    /// exclusion, prohibited activity, residence, alcohol abstinence monitoring).
    pub fn is_restrictive(&self) -> bool {
        matches!(
            self,
            RequirementKind::Curfew { .. }
                | RequirementKind::Exclusion { .. }
                | RequirementKind::ProhibitedActivity
                | RequirementKind::Residence
                | RequirementKind::AlcoholAbstinenceMonitoring { .. }
        )
    }

    pub fn label(&self) -> &'static str {
        match self {
            RequirementKind::UnpaidWork { .. } => "Unpaid work",
            RequirementKind::Rar { .. } => "Rehabilitation activity requirement",
            RequirementKind::DrugRehabilitation { .. } => "Drug rehabilitation requirement",
            RequirementKind::AlcoholTreatment { .. } => "Alcohol treatment requirement",
            RequirementKind::AlcoholAbstinenceMonitoring { .. } => "Alcohol abstinence monitoring",
            RequirementKind::Curfew { .. } => "Curfew",
            RequirementKind::Programme { .. } => "Accredited programme",
            RequirementKind::MentalHealthTreatment { .. } => "Mental health treatment",
            RequirementKind::Residence => "Residence",
            RequirementKind::Exclusion { .. } => "Exclusion",
            RequirementKind::ProhibitedActivity => "Prohibited activity",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub id: LocalId,
    #[serde(flatten)]
    pub kind: RequirementKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LicenceCondition {
    /// The standard conditions every licence carries.
    Standard,
    Additional {
        text: Name,
    },
}

/// The release and licence dates of a custodial sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustodyTerms {
    /// Expected (or actual) release date.
    pub release_date: Date,
    pub licence_end: Date,
    /// Post-sentence supervision end, for sentences of more than one day and under two years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pss_end: Option<Date>,
}

/// A sentence as imposed by the court.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub id: LocalId,
    pub kind: SentenceKind,
    pub sentence_date: Date,
    /// The date supervision ends (for custody: the end of licence or PSS).
    pub end_date: Date,
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licence_conditions: Vec<LicenceCondition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custody: Option<CustodyTerms>,
}

impl Sentence {
    /// Checks the sentence's shape: dates in order, requirements only on community sentences,
    /// custody terms only (and always) on custodial ones, unique requirement ids.
    pub fn validate(&self) -> Result<(), InvalidValue> {
        if self.end_date <= self.sentence_date {
            return Err(InvalidValue::new("end_date", "must be after the sentence date"));
        }
        for r in &self.requirements {
            r.kind.validate()?;
        }
        let mut ids: Vec<&LocalId> = self.requirements.iter().map(|r| &r.id).collect();
        ids.sort();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(InvalidValue::new("requirements", "requirement ids must be unique"));
        }
        match (&self.kind, &self.custody) {
            (SentenceKind::Custodial, None) => {
                Err(InvalidValue::new("custody", "a custodial sentence needs release and licence dates"))
            }
            (SentenceKind::Custodial, Some(c)) => {
                if !self.requirements.is_empty() {
                    return Err(InvalidValue::new(
                        "requirements",
                        "a custodial sentence has licence conditions, not requirements",
                    ));
                }
                if c.release_date < self.sentence_date || c.licence_end <= c.release_date {
                    return Err(InvalidValue::new(
                        "custody.licence_end",
                        "release must follow sentence and licence end follow release",
                    ));
                }
                if let Some(pss) = c.pss_end
                    && pss <= c.licence_end
                {
                    return Err(InvalidValue::new(
                        "custody.pss_end",
                        "post-sentence supervision must end after the licence",
                    ));
                }
                if self.end_date != c.pss_end.unwrap_or(c.licence_end) {
                    return Err(InvalidValue::new(
                        "end_date",
                        "must equal the end of licence or post-sentence supervision",
                    ));
                }
                Ok(())
            }
            (_, Some(_)) => Err(InvalidValue::new("custody", "only a custodial sentence has custody terms")),
            (_, None) => {
                if !self.licence_conditions.is_empty() {
                    return Err(InvalidValue::new(
                        "licence_conditions",
                        "only a custodial sentence has licence conditions",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The phase of supervision on `on`, or `None` outside the sentence.
    pub fn phase_on(&self, on: Date, released_on: Option<Date>) -> Option<SupervisionPhase> {
        if on < self.sentence_date || on > self.end_date {
            return None;
        }
        match &self.custody {
            None => Some(SupervisionPhase::Community),
            Some(c) => {
                let released = released_on.is_some_and(|r| r <= on);
                if !released {
                    Some(SupervisionPhase::Custody)
                } else if on <= c.licence_end {
                    Some(SupervisionPhase::Licence)
                } else {
                    Some(SupervisionPhase::PostSentenceSupervision)
                }
            }
        }
    }
}

/// How a sentence ended. Completion rates count `Completed` and `EarlyTerminationGoodProgress`
/// as successful (docs/rules/practice.md#performance-measures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceOutcome {
    Completed,
    EarlyTerminationGoodProgress,
    RevokedForBreach,
    RevokedForNewOffence,
    /// Licence revoked and the person recalled to custody.
    Recalled,
    Died,
    TransferredOut,
}

impl SentenceOutcome {
    /// Whether the ending counts in the completion measure at all, and if so whether it was a
    /// success. Deaths and transfers out are neither.
    pub fn completion(self) -> Option<bool> {
        match self {
            SentenceOutcome::Completed | SentenceOutcome::EarlyTerminationGoodProgress => Some(true),
            SentenceOutcome::RevokedForBreach | SentenceOutcome::RevokedForNewOffence | SentenceOutcome::Recalled => {
                Some(false)
            }
            SentenceOutcome::Died | SentenceOutcome::TransferredOut => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn community(reqs: Vec<RequirementKind>) -> Sentence {
        Sentence {
            id: LocalId::parse("S1").unwrap(),
            kind: SentenceKind::CommunityOrder,
            sentence_date: d("2026-01-10"),
            end_date: d("2027-01-09"),
            requirements: reqs
                .into_iter()
                .enumerate()
                .map(|(i, kind)| Requirement { id: LocalId::parse(&format!("R{i}")).unwrap(), kind })
                .collect(),
            licence_conditions: vec![],
            custody: None,
        }
    }

    #[test]
    fn requirement_bounds_follow_schedule_9() {
        let cases = [
            (RequirementKind::UnpaidWork { hours: 39 }, Some("hours")),
            (RequirementKind::UnpaidWork { hours: 40 }, None),
            (RequirementKind::UnpaidWork { hours: 300 }, None),
            (RequirementKind::UnpaidWork { hours: 301 }, Some("hours")),
            (RequirementKind::Rar { max_days: 0 }, Some("max_days")),
            (RequirementKind::Rar { max_days: 20 }, None),
            (RequirementKind::AlcoholAbstinenceMonitoring { days: 120 }, None),
            (RequirementKind::AlcoholAbstinenceMonitoring { days: 121 }, Some("days")),
            (RequirementKind::DrugRehabilitation { months: 0 }, Some("months")),
            (
                RequirementKind::Curfew { months: 6, hours_per_day: 21, electronic_monitoring: true },
                Some("hours_per_day"),
            ),
        ];
        for (req, field) in cases {
            assert_eq!(req.validate().err().map(|e| e.field), field, "{req:?}");
        }
    }

    #[test]
    fn sentence_shapes_are_checked() {
        assert!(community(vec![RequirementKind::UnpaidWork { hours: 100 }]).validate().is_ok());
        let mut s = community(vec![]);
        s.end_date = s.sentence_date;
        assert_eq!(s.validate().unwrap_err().field, "end_date");
        let mut s = community(vec![RequirementKind::Residence, RequirementKind::Residence]);
        s.requirements[1].id = s.requirements[0].id.clone();
        assert_eq!(s.validate().unwrap_err().field, "requirements");
        let mut s = community(vec![]);
        s.kind = SentenceKind::Custodial;
        assert_eq!(s.validate().unwrap_err().field, "custody");
    }

    #[test]
    fn custodial_phases_run_custody_licence_pss() {
        let s = Sentence {
            id: LocalId::parse("S1").unwrap(),
            kind: SentenceKind::Custodial,
            sentence_date: d("2026-01-01"),
            end_date: d("2027-04-01"),
            requirements: vec![],
            licence_conditions: vec![LicenceCondition::Standard],
            custody: Some(CustodyTerms {
                release_date: d("2026-04-01"),
                licence_end: d("2026-07-01"),
                pss_end: Some(d("2027-04-01")),
            }),
        };
        s.validate().unwrap();
        let released = Some(d("2026-04-01"));
        let cases = [
            ("2025-12-31", None),
            ("2026-03-31", Some(SupervisionPhase::Custody)),
            ("2026-04-01", Some(SupervisionPhase::Licence)),
            ("2026-07-01", Some(SupervisionPhase::Licence)),
            ("2026-07-02", Some(SupervisionPhase::PostSentenceSupervision)),
            ("2027-04-02", None),
        ];
        for (on, phase) in cases {
            assert_eq!(s.phase_on(d(on), released), phase, "{on}");
        }
        assert_eq!(s.phase_on(d("2026-05-01"), None), Some(SupervisionPhase::Custody), "not yet released");
    }
}
