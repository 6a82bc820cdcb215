//! A member of staff's self-declared protected characteristics, and the staff processes
//! recorded against them (the performance-improvement flag), for disproportionality in staff
//! processes (issue 6 item 4: is one group of staff flagged at a different rate from the
//! rest?). Reference data beside the organisation, not case events.
//!
//! Every characteristic is optional: a member of staff declares what they choose to, and one
//! not declared is "not recorded". Declaring "not stated" (ethnicity, religion) is an answer
//! of its own, as on the census. These are sensitive: only aggregates over the provider are
//! shown (`analytics::staff_process`), never one person's.

use crate::ids::{Code, InvalidValue};
use crate::person::{Ethnicity, Gender};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Religion or belief, the answers of the religion question of the ONS Census 2021 (England
/// and Wales), with "not stated" for someone who chooses not to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Religion {
    NoReligion,
    Christian,
    Buddhist,
    Hindu,
    Jewish,
    Muslim,
    Sikh,
    Other,
    NotStated,
}

impl Religion {
    pub const ALL: [Religion; 9] = [
        Religion::NoReligion,
        Religion::Christian,
        Religion::Buddhist,
        Religion::Hindu,
        Religion::Jewish,
        Religion::Muslim,
        Religion::Sikh,
        Religion::Other,
        Religion::NotStated,
    ];

    /// The value as it is typed and stored (as serde writes it): `no_religion`, ...
    pub fn id(self) -> &'static str {
        match self {
            Religion::NoReligion => "no_religion",
            Religion::Christian => "christian",
            Religion::Buddhist => "buddhist",
            Religion::Hindu => "hindu",
            Religion::Jewish => "jewish",
            Religion::Muslim => "muslim",
            Religion::Sikh => "sikh",
            Religion::Other => "other",
            Religion::NotStated => "not_stated",
        }
    }

    pub fn parse(text: &str) -> Option<Religion> {
        Self::ALL.into_iter().find(|r| r.id() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Religion::NoReligion => "No religion",
            Religion::Christian => "Christian",
            Religion::Buddhist => "Buddhist",
            Religion::Hindu => "Hindu",
            Religion::Jewish => "Jewish",
            Religion::Muslim => "Muslim",
            Religion::Sikh => "Sikh",
            Religion::Other => "Any other religion",
            Religion::NotStated => "Not stated",
        }
    }
}

/// What a member of staff has declared; `None` is not recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCharacteristics {
    pub gender: Option<Gender>,
    pub ethnicity: Option<Ethnicity>,
    /// Their age band is worked out from it on the day a figure is counted.
    pub date_of_birth: Option<Date>,
    pub disability: Option<bool>,
    pub religion: Option<Religion>,
}

impl StaffCharacteristics {
    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self == &StaffCharacteristics::default()
    }
}

/// A staff process recorded against a member of staff, whose rate is compared across groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// A manager has started a performance-improvement process with the member of staff.
    PerformanceImprovement,
}

impl FlagKind {
    pub const ALL: [FlagKind; 1] = [FlagKind::PerformanceImprovement];

    /// The value as it is typed and stored (as serde writes it): `performance-improvement`.
    pub fn id(self) -> &'static str {
        match self {
            FlagKind::PerformanceImprovement => "performance-improvement",
        }
    }

    pub fn parse(text: &str) -> Option<FlagKind> {
        Self::ALL.into_iter().find(|k| k.id() == text)
    }

    /// How statements name the rate ("Performance-improvement flag rate for ...").
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::PerformanceImprovement => "Performance-improvement flag",
        }
    }
}

/// A flag on a member of staff: from `start` to `end` (its last day; open while `None`),
/// raised by another member of staff (normally their manager).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffFlag {
    pub kind: FlagKind,
    pub start: Date,
    pub end: Option<Date>,
    pub raised_by: Code,
}

impl StaffFlag {
    /// Checks a flag on `staff`: it does not end before it starts, and it is not raised by
    /// the member of staff it is on.
    pub fn check(&self, staff: &Code) -> Result<(), InvalidValue> {
        if let Some(end) = self.end
            && end < self.start
        {
            return Err(InvalidValue::new("to", format!("the flag ends on {end}, before it starts on {}", self.start)));
        }
        if &self.raised_by == staff {
            return Err(InvalidValue::new(
                "raised_by",
                format!("{staff} cannot raise a flag on themselves; give the manager who raised it"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example::{code, date};

    #[test]
    fn ids_are_what_serde_writes_and_parse_back() {
        let text = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for r in Religion::ALL {
            assert_eq!(text(serde_json::to_value(r).unwrap()), r.id());
            assert_eq!(Religion::parse(r.id()), Some(r));
        }
        for g in Gender::ALL {
            assert_eq!(text(serde_json::to_value(g).unwrap()), g.id());
            assert_eq!(Gender::parse(g.id()), Some(g));
        }
        for e in Ethnicity::ALL {
            assert_eq!(text(serde_json::to_value(e).unwrap()), e.id());
            assert_eq!(Ethnicity::parse(e.id()), Some(e));
        }
        for k in FlagKind::ALL {
            assert_eq!(text(serde_json::to_value(k).unwrap()), k.id());
            assert_eq!(FlagKind::parse(k.id()), Some(k));
        }
        assert_eq!(Religion::parse("Christian"), None);
        assert_eq!(FlagKind::parse("performance_improvement"), None);
    }

    #[test]
    fn a_flag_ends_on_or_after_its_start_and_is_raised_by_someone_else() {
        let flag = |end: Option<&str>, by: &str| StaffFlag {
            kind: FlagKind::PerformanceImprovement,
            start: date("2026-03-02"),
            end: end.map(date),
            raised_by: code(by),
        };
        let on = code("ST000002");
        assert_eq!(flag(None, "ST000001").check(&on), Ok(()));
        assert_eq!(flag(Some("2026-03-02"), "ST000001").check(&on), Ok(()), "a one-day flag");
        assert_eq!(flag(Some("2026-03-01"), "ST000001").check(&on).unwrap_err().field, "to");
        assert_eq!(flag(None, "ST000002").check(&on).unwrap_err().field, "raised_by");
    }
}
