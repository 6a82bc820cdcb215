//! The supervision practice engine: what is due on a case and what must be decided, as
//! pure functions of its folded state and a date (docs/rules/practice.md#contact-compliance-and-enforcement
//! and docs/rules/practice.md#plans-reviews-interventions).
//!
//! * [`policy`]: every deadline and the contact frequency table, each naming its source.
//! * [`enforcement`]: warnings, breach and recall; facts kept by the fold, duties derived.
//! * [`contact`]: first appointment, next face-to-face, sentence plan, evidence windows,
//!   and the "nobody is lost" fault.
//! * [`plan_gaps`]: needs and risks the sentence plan does not answer.
//! * [`reviews`]: scheduled and triggered sentence plan reviews.
//! * [`safeguarding`]: checks with children's social care and the police.
//! * [`rar`]: RAR days as a budget, and the pace to use them.
//! * [`tiering`]: the case's tier, recomputed as an event when its inputs change.
//! * [`allocation`]: provider, grade guidance, the SPO's evidence, escalation to the NPS.
//! * [`interventions`]: the rate card, referrals and their outcomes, programme groups.
//! * [`oversight`]: a senior probation officer's oversight records and their actions.
//! * [`worklist`]: all of the above as one ordered list per case and per officer.
//!
//! Nothing here reads a clock: `today` is always a parameter, so a worklist "as at" any
//! date is the same function.

pub mod allocation;
pub mod compliance;
pub mod contact;
pub mod enforcement;
pub mod interventions;
pub mod oversight;
pub mod plan_gaps;
pub mod policy;
pub mod rar;
pub mod reviews;
pub mod safeguarding;
pub mod state;
pub mod tiering;
pub mod worklist;

pub use plan_gaps::{PlanGap, PlanSubject, plan_gaps};
pub use rar::{RarProgress, rar_progress};
pub use safeguarding::response_rate;
pub use worklist::{Action, Subject, WorkItem, WorkKind, officer_worklist, worklist};
