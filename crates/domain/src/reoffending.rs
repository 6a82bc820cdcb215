//! Proven reoffending as the record holds it (docs/rules/practice.md#proven-reoffending): a further
//! offence proven by a conviction at court or a caution, recorded on the person's case as a
//! `reoffence_proven` event. The measure itself (cohorts, follow-up, waiting period) is
//! `analytics::reoffending`; this module only decides whether a reoffence may be recorded.

use crate::ids::Name;
pub use crate::state::reoffending::Disposal;
use crate::state::{CaseState, Rejected};
use jiff::civil::Date;

fn reject<T>(field: &'static str, problem: impl Into<String>) -> Result<T, Rejected> {
    Err(Rejected { field, problem: problem.into() })
}

/// Whether a proven reoffence may be recorded on the case on `on` (the day the event says it
/// happened). Changes nothing.
///
/// - the offence comes no later than the day it was proven (`proven_on`);
/// - it was proven no later than the day the event is recorded as happening: a conviction
///   is recorded once it has happened;
/// - the offence was committed after the person was born;
/// - a conviction names its court; a caution has none.
pub fn check_reoffence(
    case: &CaseState,
    offence_date: Date,
    proven_on: Date,
    disposal: Disposal,
    court: Option<&Name>,
    on: Date,
) -> Result<(), Rejected> {
    if proven_on < offence_date {
        return reject(
            "proven_on",
            format!(
                "{proven_on} is before the offence date {offence_date}: an offence is proven after it is committed"
            ),
        );
    }
    if proven_on > on {
        return reject(
            "proven_on",
            format!(
                "{proven_on} is after the day this is recorded as happening ({on}): record a conviction or caution once it has happened"
            ),
        );
    }
    if let Some(person) = &case.person
        && offence_date < person.date_of_birth
    {
        return reject(
            "offence_date",
            format!("{offence_date} is before the person's date of birth {}", person.date_of_birth),
        );
    }
    match (disposal, court) {
        (Disposal::Conviction, None) => reject("court", "a conviction names the court that convicted"),
        (Disposal::Caution, Some(_)) => {
            reject("court", "a caution is given by the police, not a court: leave the court out")
        }
        _ => Ok(()),
    }
}
