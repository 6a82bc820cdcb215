//! The report's own sampling scheme, as a configuration beside HMI Probation's sampler
//! (docs/rules/practice.md#sampling, second paragraph; the report's Appendix 1:
//! "so far as possible we made sure that the proportions matched in terms of (i) gender,
//! (ii) ethnicity, (iii) sentence type and (iv) office location – with minimum numbers set
//! for (i) and (ii). Cases were also selected from the full available range of risk of
//! serious harm and likelihood of reoffending levels, and from as many responsible officers
//! as possible" — cases of people "sentenced or released from prison about nine months
//! previously").
//!
//! # Decisions where the report leaves room
//!
//! - **Window**: cases that started between 10 and 8 months before the fieldwork ("about
//!   nine months"), unless the configuration gives `window_from` / `window_to`. Cases
//!   outside it are excluded as `outside_window`; the other exclusions are the sampler's
//!   (redacted, not started by the fieldwork date, gender other or missing, duplicates),
//!   judged among the cases in the window.
//! - **Minimums**: the report does not publish its numbers, so the defaults are Probity's
//!   ([`DEFAULT_MINIMUMS`]): women 15% and ethnic minorities 30% of the requested size,
//!   rounded half up; a configuration sets them exactly. A minimum the eligible cases cannot
//!   meet (within the officer cap) is drawn as far as it goes and its shortfall reported.
//! - **Ethnic minority**: any stated ethnicity that does not begin with "white"; empty and
//!   `not_stated` count as unknown (neither).
//! - **Order of drawing**, one case at a time from the eligible cases, never above
//!   `max_per_officer` for any officer: (1) women up to their minimum (ethnic-minority
//!   women first while that minimum is unmet); (2) ethnic minorities up to theirs; (3) one
//!   case of each RoSH level and each OGRS band present but not yet drawn; (4) the rest
//!   in proportion to the cells gender × ethnicity (minority or not) × sentence type ×
//!   office, each time from the cell furthest below its proportional share.
//! - **Within a step** the case is the one whose officer has the fewest cases drawn so far
//!   ("as many officers as possible"), then whose RoSH level and OGRS band are least
//!   represented so far (the spread), then by a seeded random order: the same seed gives
//!   the same sample.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::fnv::{self, FnvMap};
use crate::longlist::{Gender, LonglistCase, ReoffendingBand, Rosh, SentenceType};
use crate::sample::{Exclusion, ExclusionReason, SampledCase, StratumSize, apportion, exclusions, round_half_up};

/// Probity's default minimums, as percentages of the requested size.
pub struct Minimums {
    pub women_percent: u32,
    pub ethnic_minority_percent: u32,
    pub source: &'static str,
}

pub const DEFAULT_MINIMUMS: Minimums = Minimums {
    women_percent: 15,
    ethnic_minority_percent: 30,
    source: "Probity default: the report (Appendix 1) set minimum numbers for women and ethnic minorities \
             without publishing them; London CRC's caseload was about 14% women and 45% ethnic minorities",
};

/// The window's default bounds, in months before the fieldwork (report, Appendix 1: cases
/// "sentenced or released from prison about nine months previously").
pub const WINDOW_MONTHS_BEFORE_FIELDWORK: (i32, i32) = (10, 8);

/// The report's scheme, configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportScheme {
    pub size: usize,
    pub buffer_percent: u32,
    pub max_per_officer: usize,
    pub seed: u64,
    /// The first day of fieldwork: "not started" is judged against it.
    pub fieldwork: Date,
    pub window_from: Date,
    pub window_to: Date,
    pub min_women: usize,
    pub min_ethnic_minority: usize,
}

/// The JSON configuration file: every field optional except `fieldwork` (when not given on
/// the command line); unknown fields are refused so that a misspelt one is not ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeConfig {
    pub size: Option<usize>,
    pub buffer_percent: Option<u32>,
    pub max_per_officer: Option<usize>,
    pub seed: Option<u64>,
    pub fieldwork: Option<String>,
    pub window_from: Option<String>,
    pub window_to: Option<String>,
    pub min_women: Option<usize>,
    pub min_ethnic_minority: Option<usize>,
}

const CONFIG: &str = "scheme";

impl ReportScheme {
    /// The defaults for a size and fieldwork date: 20% buffer, 6 per officer (the
    /// inspectorate's), seed 0, the nine-month window and [`DEFAULT_MINIMUMS`].
    pub fn new(size: usize, fieldwork: Date) -> Self {
        let (from, to) = WINDOW_MONTHS_BEFORE_FIELDWORK;
        ReportScheme {
            size,
            buffer_percent: 20,
            max_per_officer: 6,
            seed: 0,
            fieldwork,
            window_from: fieldwork.saturating_sub(from.months()),
            window_to: fieldwork.saturating_sub(to.months()),
            min_women: round_half_up(size as u128 * u128::from(DEFAULT_MINIMUMS.women_percent), 100),
            min_ethnic_minority: round_half_up(
                size as u128 * u128::from(DEFAULT_MINIMUMS.ethnic_minority_percent),
                100,
            ),
        }
    }

    /// A scheme from a JSON configuration, with `fieldwork` and `size` from the command line
    /// when the file does not give them. Errors name the field.
    pub fn from_config(json: &str, size: Option<usize>, fieldwork: Option<Date>) -> Result<Self, InputError> {
        let config: SchemeConfig = serde_json::from_str(json)
            .map_err(|e| InputError::new(CONFIG, format!("not a scheme configuration: {e}")))?;
        let date = |field: &str, value: &Option<String>| -> Result<Option<Date>, InputError> {
            value
                .as_deref()
                .map(|v| {
                    crate::longlist::parse_date(v).ok_or_else(|| {
                        InputError::new(CONFIG, format!("{v:?} is not a date (YYYY-MM-DD)")).field(field)
                    })
                })
                .transpose()
        };
        let fieldwork = date("fieldwork", &config.fieldwork)?
            .or(fieldwork)
            .ok_or_else(|| InputError::new(CONFIG, "a fieldwork date is required").field("fieldwork"))?;
        let size =
            config.size.or(size).ok_or_else(|| InputError::new(CONFIG, "a sample size is required").field("size"))?;
        let mut scheme = ReportScheme::new(size, fieldwork);
        if let Some(v) = config.buffer_percent {
            scheme.buffer_percent = v;
        }
        if let Some(v) = config.max_per_officer {
            scheme.max_per_officer = v;
        }
        if let Some(v) = config.seed {
            scheme.seed = v;
        }
        if let Some(v) = date("window_from", &config.window_from)? {
            scheme.window_from = v;
        }
        if let Some(v) = date("window_to", &config.window_to)? {
            scheme.window_to = v;
        }
        if let Some(v) = config.min_women {
            scheme.min_women = v;
        }
        if let Some(v) = config.min_ethnic_minority {
            scheme.min_ethnic_minority = v;
        }
        scheme.validate()?;
        Ok(scheme)
    }

    /// Requested plus its buffer, rounded half up.
    pub fn target(&self) -> usize {
        self.size + round_half_up(self.size as u128 * u128::from(self.buffer_percent), 100)
    }

    pub fn validate(&self) -> Result<(), InputError> {
        let bad = |field: &str, message: String| Err(InputError::new(CONFIG, message).field(field));
        if self.max_per_officer == 0 {
            return bad("max_per_officer", "must be at least 1".into());
        }
        if self.buffer_percent > 1000 {
            return bad("buffer_percent", "must be between 0 and 1000".into());
        }
        if self.window_from > self.window_to {
            return bad("window_from", format!("{} is after window_to {}", self.window_from, self.window_to));
        }
        if self.window_to > self.fieldwork {
            return bad("window_to", format!("{} is after the fieldwork date {}", self.window_to, self.fieldwork));
        }
        if self.min_women > self.size {
            return bad("min_women", format!("{} is more than the sample size {}", self.min_women, self.size));
        }
        if self.min_ethnic_minority > self.size {
            return bad(
                "min_ethnic_minority",
                format!("{} is more than the sample size {}", self.min_ethnic_minority, self.size),
            );
        }
        Ok(())
    }
}

/// Whether a stated ethnicity is an ethnic minority; `None` when not stated.
pub fn is_ethnic_minority(ethnicity: &str) -> Option<bool> {
    let e = ethnicity.trim().to_ascii_lowercase();
    if e.is_empty() || e == "not_stated" || e == "not stated" { None } else { Some(!e.starts_with("white")) }
}

/// A minimum and how far the sample met it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinimumMet {
    /// `women` or `ethnic_minority`.
    pub group: &'static str,
    pub minimum: usize,
    /// Eligible cases in the group.
    pub population: usize,
    pub drawn: usize,
    /// minimum − drawn, when the eligible cases could not meet it.
    pub shortfall: usize,
}

/// Population and sample by level, for the spread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelCount {
    pub level: &'static str,
    pub population: usize,
    pub drawn: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    pub from: String,
    pub to: String,
}

/// The report scheme's sample; `cases`, `strata`, `shortfall` and `excluded` have the
/// sampler's shapes, so the same readers work on both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSample {
    pub scheme: &'static str,
    pub requested: usize,
    pub buffer_percent: u32,
    pub target: usize,
    pub window: Window,
    pub max_per_officer: usize,
    /// The cells gender × ethnicity × sentence type × office.
    pub strata: Vec<StratumSize>,
    pub minimums: Vec<MinimumMet>,
    pub rosh: Vec<LevelCount>,
    pub reoffending: Vec<LevelCount>,
    /// Distinct responsible officers drawn from, and in the eligible population.
    pub officers: usize,
    pub officers_available: usize,
    /// Distinct offices drawn from, and in the eligible population.
    pub offices: usize,
    pub offices_available: usize,
    pub cases: Vec<SampledCase>,
    pub shortfall: usize,
    pub excluded: Vec<Exclusion>,
}

fn rosh_index(r: Rosh) -> usize {
    match r {
        Rosh::Low => 0,
        Rosh::Medium => 1,
        Rosh::High => 2,
        Rosh::VeryHigh => 3,
    }
}

const ROSH_LEVELS: [Rosh; 4] = [Rosh::Low, Rosh::Medium, Rosh::High, Rosh::VeryHigh];

fn band_index(b: Option<ReoffendingBand>) -> usize {
    match b {
        Some(ReoffendingBand::Low) => 0,
        Some(ReoffendingBand::Medium) => 1,
        Some(ReoffendingBand::High) => 2,
        Some(ReoffendingBand::VeryHigh) => 3,
        None => 4,
    }
}

/// The cell of a case, as its name in `strata`.
fn cell_name(c: &LonglistCase) -> String {
    let gender = if c.gender == Gender::Female { "FEMALE" } else { "MALE" };
    let ethnicity = match is_ethnic_minority(&c.ethnicity) {
        Some(true) => "ETHNIC_MINORITY",
        Some(false) => "WHITE",
        None => "NOT_STATED",
    };
    let sentence = match c.sentence_type {
        SentenceType::Community => "COMMUNITY",
        SentenceType::PostCustody => "POST_CUSTODY",
    };
    format!("{gender}_{ethnicity}_{sentence} @ {}", c.office)
}

/// Drawing state: what has been drawn so far.
struct Draw<'a> {
    cases: &'a [LonglistCase],
    officer: Vec<u32>,
    rank: Vec<u32>,
    per_officer: Vec<usize>,
    rosh: [usize; 4],
    band: [usize; 5],
    picked: Vec<bool>,
    order: Vec<usize>,
    cap: usize,
}

impl Draw<'_> {
    /// Draw the best candidate (see the module's "within a step"), or `None` if none is left.
    fn one(&mut self, candidates: impl Iterator<Item = usize>, prefer: impl Fn(usize) -> bool) -> Option<usize> {
        let mut best: Option<((bool, usize, usize, u32), usize)> = None;
        for i in candidates {
            let o = self.officer[i] as usize;
            if self.picked[i] || self.per_officer[o] >= self.cap {
                continue;
            }
            let c = &self.cases[i];
            let key = (
                !prefer(i),
                self.per_officer[o],
                self.rosh[rosh_index(c.rosh)] + self.band[band_index(c.reoffending)],
                self.rank[i],
            );
            if best.is_none_or(|(k, _)| key < k) {
                best = Some((key, i));
            }
        }
        let (_, i) = best?;
        let c = &self.cases[i];
        self.picked[i] = true;
        self.per_officer[self.officer[i] as usize] += 1;
        self.rosh[rosh_index(c.rosh)] += 1;
        self.band[band_index(c.reoffending)] += 1;
        self.order.push(i);
        Some(i)
    }
}

/// Draw the report scheme's sample from parsed long-list cases.
pub fn draw_report(cases: &[LonglistCase], scheme: &ReportScheme) -> Result<ReportSample, InputError> {
    scheme.validate()?;
    // Exclusions: redacted and not started first, then the window, then the sampler's rules
    // among the cases in the window.
    let mut reasons: Vec<Option<ExclusionReason>> = cases
        .iter()
        .map(|c| {
            if c.is_redacted() {
                Some(ExclusionReason::Redacted)
            } else if c.start_date > scheme.fieldwork {
                Some(ExclusionReason::NotStarted)
            } else if c.start_date < scheme.window_from || c.start_date > scheme.window_to {
                Some(ExclusionReason::OutsideWindow)
            } else {
                None
            }
        })
        .collect();
    let in_window: Vec<usize> = (0..cases.len()).filter(|&i| reasons[i].is_none()).collect();
    let subset: Vec<LonglistCase> = in_window.iter().map(|&i| cases[i].clone()).collect();
    for (reason, &i) in exclusions(&subset, scheme.fieldwork).into_iter().zip(&in_window) {
        reasons[i] = reason;
    }
    let excluded: Vec<Exclusion> = cases
        .iter()
        .zip(&reasons)
        .filter_map(|(c, r)| r.map(|reason| Exclusion { crn: c.crn.clone(), reason }))
        .collect();
    let eligible: Vec<usize> = (0..cases.len()).filter(|&i| reasons[i].is_none()).collect();

    // Officer ids, a seeded random rank, and the cells.
    let mut officer_ids: FnvMap<(&str, &str, &str), u32> = fnv::map(1024);
    let mut officer = vec![0u32; cases.len()];
    for &i in &eligible {
        let c = &cases[i];
        let next = officer_ids.len() as u32;
        officer[i] = *officer_ids.entry((&c.cluster, &c.ldu, &c.responsible_officer)).or_insert(next);
    }
    let mut shuffled = eligible.clone();
    shuffled.shuffle(&mut StdRng::seed_from_u64(scheme.seed));
    let mut rank = vec![u32::MAX; cases.len()];
    for (r, &i) in shuffled.iter().enumerate() {
        rank[i] = r as u32;
    }
    let mut cells: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in &eligible {
        cells.entry(cell_name(&cases[i])).or_default().push(i);
    }
    let minority: Vec<bool> = cases.iter().map(|c| is_ethnic_minority(&c.ethnicity) == Some(true)).collect();
    let female = |i: usize| cases[i].gender == Gender::Female;

    let target = scheme.target();
    let mut draw = Draw {
        cases,
        officer,
        rank,
        per_officer: vec![0; officer_ids.len()],
        rosh: [0; 4],
        band: [0; 5],
        picked: vec![false; cases.len()],
        order: Vec::new(),
        cap: scheme.max_per_officer,
    };
    let count = |d: &Draw<'_>, f: &dyn Fn(usize) -> bool| d.order.iter().filter(|&&i| f(i)).count();

    // (1) women, ethnic-minority women first while that minimum is unmet.
    while draw.order.len() < target && count(&draw, &female) < scheme.min_women {
        let minority_unmet = count(&draw, &|i| minority[i]) < scheme.min_ethnic_minority;
        if draw.one(eligible.iter().copied().filter(|&i| female(i)), |i| minority_unmet && minority[i]).is_none() {
            break;
        }
    }
    // (2) ethnic minorities.
    while draw.order.len() < target && count(&draw, &|i| minority[i]) < scheme.min_ethnic_minority {
        if draw.one(eligible.iter().copied().filter(|&i| minority[i]), |_| true).is_none() {
            break;
        }
    }
    // (3) one of each RoSH level and OGRS band present.
    for level in ROSH_LEVELS {
        if draw.order.len() < target && draw.rosh[rosh_index(level)] == 0 {
            draw.one(eligible.iter().copied().filter(|&i| cases[i].rosh == level), |_| true);
        }
    }
    for band in ReoffendingBand::ALL {
        if draw.order.len() < target && draw.band[band_index(Some(band))] == 0 {
            draw.one(eligible.iter().copied().filter(|&i| cases[i].reoffending == Some(band)), |_| true);
        }
    }
    // (4) the rest in proportion to the cells.
    let names: Vec<&String> = cells.keys().collect();
    let populations: Vec<usize> = cells.values().map(Vec::len).collect();
    let desired = apportion(target, &populations, &populations);
    let mut cell_of: FnvMap<usize, usize> = fnv::map(eligible.len());
    for (k, members) in cells.values().enumerate() {
        for &i in members {
            cell_of.insert(i, k);
        }
    }
    let mut drawn_in = vec![0usize; cells.len()];
    for i in &draw.order {
        drawn_in[cell_of[i]] += 1;
    }
    let mut exhausted = vec![false; cells.len()];
    while draw.order.len() < target {
        // The cell furthest below its share (ties: the first in name order).
        let Some(k) = (0..cells.len())
            .filter(|&k| !exhausted[k])
            .max_by_key(|&k| (desired[k] as i64 - drawn_in[k] as i64, std::cmp::Reverse(k)))
        else {
            break;
        };
        match draw.one(cells[names[k]].iter().copied(), |_| true) {
            Some(_) => drawn_in[k] += 1,
            None => exhausted[k] = true,
        }
    }

    // Output.
    let mut picked = draw.order.clone();
    picked.sort_by(|&a, &b| crate::sample::case_order(&cases[a], &cases[b]));
    let sampled: Vec<SampledCase> =
        picked.iter().map(|&i| crate::sample::sampled_case(&cases[i], &cell_name(&cases[i]))).collect();
    let strata = names
        .iter()
        .zip(populations.iter().zip(&drawn_in))
        .map(|(name, (&population, &size))| StratumSize { name: name.to_string(), population, size })
        .collect();
    let minimum = |group: &'static str, minimum: usize, f: &dyn Fn(usize) -> bool| {
        let drawn = picked.iter().filter(|&&i| f(i)).count();
        MinimumMet {
            group,
            minimum,
            population: eligible.iter().filter(|&&i| f(i)).count(),
            drawn,
            shortfall: minimum.saturating_sub(drawn),
        }
    };
    let minimums = vec![
        minimum("women", scheme.min_women, &female),
        minimum("ethnic_minority", scheme.min_ethnic_minority, &|i| minority[i]),
    ];
    let rosh = ROSH_LEVELS
        .iter()
        .map(|&level| LevelCount {
            level: level.id(),
            population: eligible.iter().filter(|&&i| cases[i].rosh == level).count(),
            drawn: draw.rosh[rosh_index(level)],
        })
        .collect();
    let reoffending = ReoffendingBand::ALL
        .iter()
        .map(|&band| LevelCount {
            level: band.id(),
            population: eligible.iter().filter(|&&i| cases[i].reoffending == Some(band)).count(),
            drawn: draw.band[band_index(Some(band))],
        })
        .chain(std::iter::once(LevelCount {
            level: "unknown",
            population: eligible.iter().filter(|&&i| cases[i].reoffending.is_none()).count(),
            drawn: draw.band[4],
        }))
        .collect();
    let distinct = |items: &mut dyn Iterator<Item = &str>| items.collect::<std::collections::BTreeSet<_>>().len();
    Ok(ReportSample {
        scheme: "report",
        requested: scheme.size,
        buffer_percent: scheme.buffer_percent,
        target,
        window: Window { from: scheme.window_from.to_string(), to: scheme.window_to.to_string() },
        max_per_officer: scheme.max_per_officer,
        strata,
        minimums,
        rosh,
        reoffending,
        officers: draw.per_officer.iter().filter(|&&n| n > 0).count(),
        officers_available: officer_ids.len(),
        offices: distinct(&mut picked.iter().map(|&i| cases[i].office.as_str())),
        offices_available: distinct(&mut eligible.iter().map(|&i| cases[i].office.as_str())),
        shortfall: target.saturating_sub(sampled.len()),
        cases: sampled,
        excluded,
    })
}

/// Which scheme draws a sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// HMI Probation's case sampler (docs/rules/practice.md#sampling, first paragraph).
    Inspectorate(crate::sample::SampleOptions),
    /// The report's own scheme (this module).
    Report(ReportScheme),
}

/// A sample drawn by either scheme; serialises as that scheme's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Drawn {
    Inspectorate(crate::sample::SampleOutput),
    Report(ReportSample),
}

impl Drawn {
    pub fn cases(&self) -> &[SampledCase] {
        match self {
            Drawn::Inspectorate(s) => &s.cases,
            Drawn::Report(s) => &s.cases,
        }
    }

    pub fn shortfall(&self) -> usize {
        match self {
            Drawn::Inspectorate(s) => s.shortfall,
            Drawn::Report(s) => s.shortfall,
        }
    }

    pub fn scheme_name(&self) -> &'static str {
        match self {
            Drawn::Inspectorate(_) => "inspectorate",
            Drawn::Report(_) => "report",
        }
    }
}

/// Draw with either scheme from parsed cases.
pub fn draw_with(cases: &[LonglistCase], scheme: &Scheme) -> Result<Drawn, InputError> {
    match scheme {
        Scheme::Inspectorate(options) => {
            options.validate()?;
            Ok(Drawn::Inspectorate(crate::sample::draw_from(cases, options)))
        }
        Scheme::Report(report) => Ok(Drawn::Report(draw_report(cases, report)?)),
    }
}
