//! Probity's synthetic provider: a London-like Community Rehabilitation Company, calibrated
//! to HM Inspectorate of Probation's 2018 inspection of the London CRC, and the statistics
//! that show the calibration holds.
//!
//! Pure: no IO, no async, no clock. The reference date is a parameter, and the same
//! (cases, seed, reference date) always gives the same organisation and the same events,
//! however the cases are batched.
//!
//! ```
//! let opts = synth::GenerateOptions::new(50, 7, jiff::civil::date(2018, 1, 31));
//! let org = synth::organisation(&opts);
//! let mut events = 0;
//! for batch in synth::cases(&opts, &org).unwrap() {
//!     for (crn, stream) in &batch {
//!         let state = domain::case::CaseState::fold(crn.clone(), stream).unwrap();
//!         events += state.version;
//!     }
//! }
//! assert!(events > 0);
//! ```

pub mod calibration;
mod draw;
mod generate;
mod interventions;
mod london;
mod names;
mod org;
mod staff;
pub mod stats;

pub use generate::Generator;
pub use interventions::london_rate_card;
pub use org::{officers_for, organisation};
pub use staff::{StaffEquality, staff_equality};
pub use stats::{Check, Stats, stats};

use domain::event::RecordedEvent;
use domain::ids::Crn;
use jiff::civil::Date;

/// Cases per batch from [`cases`]: large enough to load efficiently, small enough to stream.
pub const BATCH_SIZE: u64 = 2_000;

/// CRN letters in the order they are used: `X000001` to `X999999`, then `Y`, `Z`, `A`...
const CRN_LETTERS: &[u8; 26] = b"XYZABCDEFGHIJKLMNOPQRSTUVW";
const PER_LETTER: u64 = 999_999;
/// The most cases one run can make: every letter with six digits (000000 is never used).
pub const MAX_CASES: u64 = 26 * PER_LETTER;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// How many cases (people), active and ended.
    pub cases: u64,
    pub seed: u64,
    /// The reference date: every event occurred before it; active sentences run past it.
    pub as_of: Date,
}

impl GenerateOptions {
    pub fn new(cases: u64, seed: u64, as_of: Date) -> Self {
        Self { cases, seed, as_of }
    }

    pub fn validate(&self) -> Result<(), GenerateError> {
        if self.cases > MAX_CASES {
            return Err(GenerateError::TooManyCases(self.cases));
        }
        if !(1950..=9000).contains(&self.as_of.year()) {
            return Err(GenerateError::AsOfOutOfRange(self.as_of));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error("cases: {0} is more than the {MAX_CASES} case reference numbers available")]
    TooManyCases(u64),
    #[error("as_of: {0} is outside the years 1950 to 9000")]
    AsOfOutOfRange(Date),
    #[error("organisation: no team has a PO, PSO or PQiP to hold cases")]
    NoOfficers,
}

/// The CRN of case number `index` (0-based): `X000001`, `X000002`, ... `X999999`, `Y000001` ...
pub fn crn(index: u64) -> Result<Crn, GenerateError> {
    if index >= MAX_CASES {
        return Err(GenerateError::TooManyCases(index + 1));
    }
    let letter = CRN_LETTERS[(index / PER_LETTER) as usize] as char;
    let number = index % PER_LETTER + 1;
    Ok(Crn::parse(&format!("{letter}{number:06}")).expect("generated CRNs are valid"))
}

/// The run's cases in batches of [`BATCH_SIZE`], made as they are pulled, so a caller can
/// stream a national-scale run into the store without holding it all.
pub fn cases(opts: &GenerateOptions, org: &domain::org::Organisation) -> Result<Batches, GenerateError> {
    Ok(Batches::new(Generator::new(opts, org)?, BATCH_SIZE))
}

/// The cases of a run, a batch at a time. Each case is `(crn, events in stream order)`.
pub struct Batches {
    generator: Generator,
    next: u64,
    end: u64,
    size: u64,
}

impl Batches {
    /// Batches of `size` (at least one) cases.
    pub fn new(generator: Generator, size: u64) -> Self {
        let end = generator.options().cases;
        Self { generator, next: 0, end, size: size.max(1) }
    }

    pub fn generator(&self) -> &Generator {
        &self.generator
    }
}

impl Iterator for Batches {
    type Item = Vec<(Crn, Vec<RecordedEvent>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let stop = (self.next + self.size).min(self.end);
        let batch = (self.next..stop).map(|i| self.generator.case(i)).collect();
        self.next = stop;
        Some(batch)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end - self.next).div_ceil(self.size) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Batches {}
