//! The long list: every case in the region that started within the inspected window,
//! as exported for the inspectorate (docs/rules/practice.md#file-formats).

use jiff::civil::Date;
use serde::Serialize;

use crate::csvin::Table;
use crate::error::InputError;

/// Logical file name used in errors.
pub const FILE: &str = "longlist";

/// The long list's columns, in the documented order (the parser accepts any order).
pub const COLUMNS: [&str; 16] = [
    "crn",
    "pnc",
    "first_name",
    "family_name",
    "dob",
    "gender",
    "sentence_type",
    "rosh",
    "start_date",
    "end_date",
    "cluster",
    "ldu",
    "team",
    "responsible_officer",
    "ethnicity",
    "office",
];

/// An optional column after the sixteen: the OGRS3 band (see [`ReoffendingBand`]).
pub const OGRS_BAND: &str = "ogrs_band";

// Positions in COLUMNS.
const CRN: usize = 0;
const PNC: usize = 1;
const FIRST_NAME: usize = 2;
const FAMILY_NAME: usize = 3;
const DOB: usize = 4;
const GENDER: usize = 5;
const SENTENCE_TYPE: usize = 6;
const ROSH: usize = 7;
const START_DATE: usize = 8;
const END_DATE: usize = 9;
const CLUSTER: usize = 10;
const LDU: usize = 11;
const TEAM: usize = 12;
const RESPONSIBLE_OFFICER: usize = 13;
const ETHNICITY: usize = 14;
const OFFICE: usize = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
    Other,
    /// Empty in the long list.
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceType {
    /// Community order or suspended sentence order.
    Community,
    /// Licence or post-sentence supervision, before or after release.
    PostCustody,
}

/// Risk of serious harm level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rosh {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Rosh {
    pub fn id(self) -> &'static str {
        match self {
            Rosh::Low => "low",
            Rosh::Medium => "medium",
            Rosh::High => "high",
            Rosh::VeryHigh => "very_high",
        }
    }
}

/// Likelihood of reoffending, as the OGRS3 two-year score's band (low under 50%, medium
/// 50-74%, high 75-89%, very high 90% and over: OASys guidance on OGRS3, the bands the
/// report's "likelihood of reoffending levels" refer to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReoffendingBand {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl ReoffendingBand {
    pub const ALL: [ReoffendingBand; 4] =
        [ReoffendingBand::Low, ReoffendingBand::Medium, ReoffendingBand::High, ReoffendingBand::VeryHigh];

    /// Lower bound (percent, inclusive) of each band, highest first: the policy table.
    pub const OGRS3_BANDS: [(f64, ReoffendingBand); 4] = [
        (90.0, ReoffendingBand::VeryHigh),
        (75.0, ReoffendingBand::High),
        (50.0, ReoffendingBand::Medium),
        (0.0, ReoffendingBand::Low),
    ];

    /// The band of an OGRS3 two-year score in percent.
    pub fn of_ogrs(percent: f64) -> ReoffendingBand {
        Self::OGRS3_BANDS.iter().find(|(min, _)| percent >= *min).map_or(ReoffendingBand::Low, |(_, b)| *b)
    }

    pub fn id(self) -> &'static str {
        match self {
            ReoffendingBand::Low => "low",
            ReoffendingBand::Medium => "medium",
            ReoffendingBand::High => "high",
            ReoffendingBand::VeryHigh => "very_high",
        }
    }

    pub fn from_id(s: &str) -> Option<ReoffendingBand> {
        Self::ALL.into_iter().find(|b| b.id() == s)
    }
}

/// One case (one sentence or licence of one person) on the long list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LonglistCase {
    /// 1-based data row in the long list, kept for tie-breaks and error messages.
    pub row: usize,
    pub crn: String,
    pub pnc: String,
    pub first_name: String,
    pub family_name: String,
    /// Optional: a missing date of birth only means the person cannot be matched by name.
    pub dob: Option<Date>,
    pub gender: Gender,
    pub sentence_type: SentenceType,
    pub rosh: Rosh,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub cluster: String,
    pub ldu: String,
    pub team: String,
    pub responsible_officer: String,
    pub ethnicity: String,
    pub office: String,
    /// Optional column `ogrs_band` (low, medium, high, very_high or empty): used by the
    /// report's own sampling scheme to spread the sample across reoffending levels.
    pub reoffending: Option<ReoffendingBand>,
}

impl LonglistCase {
    /// A redacted (sensitive) case has a name containing `*`.
    pub fn is_redacted(&self) -> bool {
        self.first_name.contains('*') || self.family_name.contains('*')
    }
}

/// Parse a long list. Every row is validated, including rows that sampling will exclude,
/// because a malformed row means the export is wrong and the sample cannot be trusted.
///
/// Accepted codes: gender `M`, `F`, `other` or empty (case-insensitive); sentence_type
/// `community` or `post_custody`; rosh `low`, `medium`, `high`, `very_high`; dates
/// `YYYY-MM-DD`; crn a letter and six digits. dob and end_date may be empty.
pub fn parse(contents: &str) -> Result<Vec<LonglistCase>, InputError> {
    let mut table = Table::parse(FILE, contents, &COLUMNS)?;
    let ogrs_band = table.optional(OGRS_BAND);
    let mut cases = Vec::with_capacity(contents.len() / 128);
    table.for_each(|r| {
        let crn = r.at(CRN);
        if !is_crn(crn) {
            return Err(r.error(
                "crn",
                format!("{crn:?} is not a case reference number (a letter and six digits, e.g. X123456)"),
            ));
        }
        let gender = match r.at(GENDER) {
            "M" | "m" => Gender::Male,
            "F" | "f" => Gender::Female,
            "" => Gender::Missing,
            g if g.eq_ignore_ascii_case("other") => Gender::Other,
            other => {
                return Err(r.error("gender", format!("unknown gender code {other:?}; expected M, F, other or empty")));
            }
        };
        let sentence_type = match r.at(SENTENCE_TYPE) {
            "community" => SentenceType::Community,
            "post_custody" => SentenceType::PostCustody,
            other => {
                return Err(r.error(
                    "sentence_type",
                    format!("unknown sentence type {other:?}; expected community or post_custody"),
                ));
            }
        };
        let rosh = match r.at(ROSH) {
            "low" => Rosh::Low,
            "medium" => Rosh::Medium,
            "high" => Rosh::High,
            "very_high" => Rosh::VeryHigh,
            other => {
                return Err(r.error(
                    "rosh",
                    format!("unknown risk of serious harm level {other:?}; expected low, medium, high or very_high"),
                ));
            }
        };
        let reoffending = match r.opt(ogrs_band) {
            "" => None,
            band => Some(ReoffendingBand::from_id(band).ok_or_else(|| {
                r.error(
                    OGRS_BAND,
                    format!("unknown OGRS band {band:?}; expected low, medium, high, very_high or empty"),
                )
            })?),
        };
        let date = |column: usize, required: bool| -> Result<Option<Date>, InputError> {
            let field = COLUMNS[column];
            let value = r.at(column);
            if value.is_empty() {
                return if required { Err(r.error(field, "a date is required (YYYY-MM-DD)")) } else { Ok(None) };
            }
            parse_date(value).map(Some).ok_or_else(|| r.error(field, format!("{value:?} is not a date (YYYY-MM-DD)")))
        };
        let dob = date(DOB, false)?;
        let start_date = date(START_DATE, true)?.expect("required date");
        let end_date = date(END_DATE, false)?;
        if let Some(end) = end_date
            && end < start_date
        {
            return Err(r.error("end_date", format!("{end} is before the start date {start_date}")));
        }
        cases.push(LonglistCase {
            row: r.row,
            crn: crn.to_string(),
            pnc: r.at(PNC).to_string(),
            first_name: r.at(FIRST_NAME).to_string(),
            family_name: r.at(FAMILY_NAME).to_string(),
            dob,
            gender,
            sentence_type,
            rosh,
            start_date,
            end_date,
            cluster: r.at(CLUSTER).to_string(),
            ldu: r.at(LDU).to_string(),
            team: r.at(TEAM).to_string(),
            responsible_officer: r.at(RESPONSIBLE_OFFICER).to_string(),
            ethnicity: r.at(ETHNICITY).to_string(),
            office: r.at(OFFICE).to_string(),
            reoffending,
        });
        Ok(())
    })?;
    Ok(cases)
}

fn is_crn(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7 && b[0].is_ascii_alphabetic() && b[1..].iter().all(u8::is_ascii_digit)
}

/// Strict `YYYY-MM-DD`: other ISO 8601 forms that jiff accepts (e.g. `20170101`) are
/// refused, so that a mis-exported column is caught rather than guessed at.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let num = |range: std::ops::Range<usize>| b[range].iter().fold(0i32, |n, d| n * 10 + i32::from(d - b'0'));
    Date::new(i16::try_from(num(0..4)).ok()?, num(5..7) as i8, num(8..10) as i8).ok()
}
