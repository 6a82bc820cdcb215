//! Management information measures (docs/rules/practice.md#performance-measures,
//! docs/rules/practice.md#contact-compliance-and-enforcement, docs/rules/practice.md#unpaid-work,
//! docs/rules/practice.md#plans-reviews-interventions), each defined once.
//!
//! A case's record becomes a list of dated [`Fact`]s by [`case_facts`], a pure function of
//! its events that never reads "today". Every figure for any place and any period is then a
//! sum of facts, so the store can keep them as a projection and aggregate them with SQL
//! `GROUP BY`, and [`aggregate`] does the same in memory for tests and full recomputes.
//!
//! Two kinds of measure:
//! - **period** measures: a fact is dated by the day it becomes final (a due date, the last
//!   day of a month, the day a sentence ended) and says whether the standard was `met`;
//!   the figure for a period is met / facts dated in it.
//! - **as-at** measures (overdue, unseen, plan gaps, RAR pace): a fact per case (or RAR
//!   requirement) currently supervised, dated by the first day it counts as failing (`None`:
//!   it does not); the figure as at `today` is failing / facts. Because that day does not
//!   depend on today, a fact stays right until the case's next event replaces it.
//!
//! Facts use the practice engine's own functions (`domain::practice`), so a measure and the
//! officer's worklist cannot disagree. Each fact carries the responsible officer and team on
//! its date, so a case transferred mid-period counts where it was when the fact fell due.
//!
//! In three layers, each naming only those before it: the measures' definitions
//! (`definitions`), a case's facts (`facts`), and figures summed from facts (`figures`).

mod definitions;
mod facts;
mod figures;

pub use definitions::{
    MEASURES, Measure, MeasureId, MeasureKind, NON_ATTENDANCE_FOLLOW_UP, REFERRAL_START, UNSEEN_AFTER, UPW_ARRANGED,
};
pub use facts::{Fact, FactTrail, case_facts, facts_from_record};
pub use figures::{Figure, Grouping, Scope, ScopeError, TeamPlaces, aggregate, team_place};

#[cfg(test)]
mod tests;
