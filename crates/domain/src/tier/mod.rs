//! Tiering: the legacy (A3..D0) and current (A..G) models, as specified in
//! `docs/rules/tiering.md`.
//!
//! * [`input`] holds the vocabulary ([`TierInput`] and its parts), parsed from the JSON
//!   `input` object of `probity tier` with the documented defaults.
//! * [`policy`] holds every policy value (points, thresholds, tables) in one place, each
//!   naming its source, so a provider can audit them without reading the rules.
//! * [`legacy`] and [`v3`] are the two calculations, pure functions of a [`TierInput`].
//!   The levels they give are defined in `level`, below `policy`, whose tables name them.
//! * [`command`] is the `probity tier` contract (docs/rules/tiering.md#0-the-command) as a pure function
//!   from stdin text to stdout text and exit code; the CLI only does the IO.
//!
//! Why the models are separate modules over one input: providers still key workload
//! points on the legacy tier while supervision levels follow the current model, so both
//! are computed from the same facts.

mod exact;
pub mod input;
mod level;
pub mod policy;
mod reader;

pub mod command;
pub mod legacy;
pub mod v3;

pub use command::{CommandOutput, Model, UsageError, run_command};
pub use input::{
    DcSrpBand, FemaleFactors, Finite, Gender, InputError, MappaCategory, MappaLevel, NeedArea, NeedSeverity, Needs,
    PredictorType, Registration, Requirement, RequirementKind, RoshLevel, Sentence, TierInput, released_years_ago,
};
pub use legacy::{ChangeLevel, LegacyResult, LegacyTier, ProtectLevel};
pub use v3::{V3Level, V3Result, V3Steps, V3Tier};

/// Why one row's calculation failed. The command reports it as that row's `error` and
/// still computes the other rows (docs/rules/tiering.md#0-the-command).
/// Refuses a predictor that is not a percentage. `negative_ok` predictors have a negative
/// check of their own, with its own message, where the model reads them.
pub(crate) fn check_percent(
    predictor: &'static str,
    score: Option<input::Finite>,
    negative_ok: bool,
) -> Result<(), TierError> {
    match score.map(input::Finite::get) {
        Some(s) if s > 100.0 || (!negative_ok && s < 0.0) => {
            Err(TierError::PredictorOutOfRange { predictor, score: s })
        }
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TierError {
    /// A predictor below zero has no band, row or column (docs/rules/tiering.md#32-steps step 1; for OGRS
    /// in the legacy model see [`legacy`]).
    #[error("{predictor} score {score} is negative: a predictor score cannot be below 0")]
    NegativePredictor {
        /// Which predictor: "ARP", "CSRP" or "OGRS".
        predictor: &'static str,
        /// The offending score.
        score: f64,
    },
    /// A predictor above 100, or an RSR or DC-SRP below 0: not a percentage, so the input is
    /// wrong, not merely low. Probity refuses the row where the upstream calculation scores
    /// such an RSR 0 (docs/rules/tiering.md#211-rsr-points), so that 150 cannot quietly give a lower tier than 50.
    #[error("{predictor} score {score} is not a percentage: a predictor score is from 0 to 100")]
    PredictorOutOfRange {
        /// Which predictor: "RSR", "OGRS", "ARP", "CSRP" or "DC-SRP".
        predictor: &'static str,
        /// The offending score.
        score: f64,
    },
    /// DC-SRP band medium with a score below the lowest medium threshold (docs/rules/tiering.md#32-steps
    /// step 2): upstream raises "Unexpected combination of DC-SRP score and band".
    #[error("DC-SRP score {score} with band medium is below 0.60: unexpected combination of DC-SRP score and band")]
    DcSrpMediumScoreTooLow {
        /// The DC-SRP score given.
        score: f64,
    },
}
