//! What every page of a case shows above its sections, as practitioners rely on it in Manage
//! People on Probation: the tier, the risk of serious harm with its scores, and MAPPA always in
//! view; a warning wherever the person poses a risk to staff; and what needs the officer's
//! attention now (outcomes not recorded, work overdue or due within days, a tier just changed).

use domain::assessment::{RiskGroup, RoshLevel};
use domain::case::CaseState;
use domain::practice::{WorkItem, WorkKind, worklist};
use jiff::Span;
use jiff::civil::Date;
use serde::Serialize;

/// From this level a risk to staff is a warning on every page of the case. Probity default
/// (docs/rules/practice.md#risk-needs-and-tiering: RoSH is judged for staff as for any group):
/// a medium risk to staff is one an officer must know before a home visit or an appointment.
pub const STAFF_WARNING_FROM: RoshLevel = RoshLevel::Medium;

/// How many days ahead a deadline counts as near in "needs your attention". Probity default:
/// a week, so what falls due before next week's supervision is in view.
pub const NEAR_DAYS: i64 = 7;

/// For how many days a changed tier is called out. Probity default: two weeks, so an officer
/// who sees the case fortnightly sees it once.
pub const TIER_CHANGE_SHOWN_DAYS: i64 = 14;

/// The case header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseHeader {
    /// The tier as last calculated: "B (legacy C2)", "B, provisional (legacy C2)".
    pub tier: Option<String>,
    /// Overall risk of serious harm in the latest assessment.
    pub rosh: Option<RoshLevel>,
    pub rsr: Option<f64>,
    pub ogrs: Option<f64>,
    /// "Category 2, level 1", when the case is managed under MAPPA.
    pub mappa: Option<String>,
    /// The risk to staff when at or above [`STAFF_WARNING_FROM`].
    pub risk_to_staff: Option<RoshLevel>,
    /// What needs attention now, one sentence each; empty when nothing does.
    pub attention: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// What a set of work items asks for now: the counts both the case header and the start page
/// show, so the two never disagree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attention {
    /// Appointments past with no outcome recorded.
    pub outcomes: usize,
    /// Other work past its date.
    pub overdue: usize,
    /// Work not yet overdue but due within [`NEAR_DAYS`].
    pub near: usize,
}

impl Attention {
    pub fn of(items: &[WorkItem], today: Date) -> Self {
        let near_end = today.saturating_add(Span::new().days(NEAR_DAYS));
        Attention {
            outcomes: items.iter().filter(|i| i.kind == WorkKind::OutcomeMissing).count(),
            overdue: items.iter().filter(|i| i.overdue && i.kind != WorkKind::OutcomeMissing).count(),
            near: items.iter().filter(|i| !i.overdue && i.due <= near_end).count(),
        }
    }
}

/// The header of `case` as at `today`.
pub fn case_header(case: &CaseState, today: Date) -> CaseHeader {
    let assessment = case.assessment.as_ref();
    let Attention { outcomes, overdue, near } = Attention::of(&worklist(case, today), today);
    let mut attention = Vec::new();
    if outcomes > 0 {
        attention.push(format!("{} not recorded", plural(outcomes, "appointment outcome", "appointment outcomes")));
    }
    if overdue > 0 {
        attention.push(format!("{} overdue", plural(overdue, "piece of work", "pieces of work")));
    }
    if near > 0 {
        attention.push(format!("{} due in the next {NEAR_DAYS} days", plural(near, "deadline", "deadlines")));
    }
    if let Some(t) = case.tier
        && t.on <= today
        && today <= t.on.saturating_add(Span::new().days(TIER_CHANGE_SHOWN_DAYS))
    {
        attention.push(format!("Tier changed to {} on {}", t.v3, t.on.strftime("%-d %B %Y")));
    }
    CaseHeader {
        tier: case
            .tier
            .map(|t| format!("{}{} (legacy {})", t.v3, if t.provisional { ", provisional" } else { "" }, t.legacy)),
        rosh: case.rosh(),
        rsr: assessment.and_then(|a| a.rsr).map(|p| p.get()),
        ogrs: assessment.and_then(|a| a.ogrs).map(|p| p.get()),
        mappa: case.mappa.as_ref().map(|m| match m.level {
            Some(level) => format!("Category {}, level {}", u8::from(m.category), u8::from(level)),
            None => format!("Category {}", u8::from(m.category)),
        }),
        risk_to_staff: assessment
            .and_then(|a| a.rosh.get(&RiskGroup::Staff).copied())
            .filter(|l| *l >= STAFF_WARNING_FROM),
        attention,
    }
}
