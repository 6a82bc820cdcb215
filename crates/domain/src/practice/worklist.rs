//! The officer's worklist: everything due or overdue on their cases, most urgent first.
//!
//! Each item is derived from the case's state and `today` by the rules in the sibling
//! modules; nothing here is stored, so the list is the same whether read live or rebuilt.
//! Order: the "no contact planned" fault first (someone may be lost), then risk of serious
//! harm (highest first; a case not yet assessed ranks between high and medium, so missing
//! information never sinks a case to the bottom), then lateness in business days, then due
//! date.

use super::contact::{
    ContactDue, Unplanned, contact_due, evidence_deadlines, first_seen, sentence_plan_due, sentence_plan_started,
};
use super::enforcement::Enforcement;
use super::interventions::ReferralStatus;
use super::oversight::overdue_actions;
use super::plan_gaps::{PlanSubject, plan_gaps};
use super::policy::{
    BREACH_PACK, BREACH_REFERRAL, ESCALATION, EVIDENCE_WINDOW, FACE_TO_FACE_MINIMUM, FIRST_APPOINTMENT_COMMUNITY,
    FIRST_APPOINTMENT_RELEASE, OUTCOME_RECORDING, PLAN_AFTER_ASSESSMENT, RAR_PACE, RECALL_DECISION,
    RECALL_RECOMMENDATION, REVIEW_NOTICE, REVIEW_SCHEDULED, REVIEW_TRIGGERED, Rule, SAFEGUARDING_CHASE,
    SAFEGUARDING_REQUEST, SENTENCE_PLAN, WARNING_LETTER,
};
use super::policy::{OVERSIGHT_ACTION, REFERRAL_ACCEPTANCE, REFERRAL_OUTCOMES};
use super::rar::rar_pace;
use super::reviews::reviews_due;
use super::safeguarding::{Agency, SafeguardingDue, safeguarding_due};
use super::state::{EnforcementRoute, enforcement_route};
use crate::assessment::RoshLevel;
use crate::calendar::business_days_between;
use crate::ids::{Crn, LocalId};
use crate::sentence::SentenceKind;
use crate::state::CaseState;
use jiff::civil::Date;
use serde::Serialize;
use std::cmp::Reverse;

/// What kind of work an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkKind {
    /// Supervised, nothing due by any rule and nothing booked: a fault, always on top.
    NoContactPlanned,
    FirstAppointment,
    /// The next face-to-face contact by the frequency table.
    Contact,
    /// An appointment in the past without an outcome.
    OutcomeMissing,
    /// Failed to attend: evidence awaited, then decide acceptable or not.
    EvidenceAwaited,
    /// An enforceable failure without a warning.
    WarningDecision,
    /// A second failure within 12 months: breach (or a recall recommendation on licence)
    /// is mandatory unless a manager records an exception.
    BreachDecision,
    /// A recall recommendation waiting for a manager's decision.
    RecallDecision,
    /// The open breach's pack is not complete.
    BreachPack,
    SentencePlan,
    /// A need or risk the plan neither addresses nor explains.
    PlanGap,
    /// A sentence plan review, scheduled or triggered (the earliest due; the rule says which).
    Review,
    /// Safeguarding checks to request (children or domestic abuse in view).
    SafeguardingCheck,
    /// An unanswered safeguarding check to chase (the earliest).
    SafeguardingChase,
    /// RAR days left that will soon not fit (or no longer fit) at one a week.
    RarPace,
    /// A CRC case now belongs with the NPS (risk high or above, or MAPPA): escalate it.
    Escalation,
    /// A referral the provider has not accepted within the policy interval: chase it.
    ReferralAcceptance,
    /// A completed or ended referral without an outcome for every linked objective.
    ReferralOutcomes,
    /// A management oversight action past its due date.
    OversightAction,
}

/// What an item is about, so that each (case, kind, subject) appears once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Case,
    Appointment(LocalId),
    Plan(PlanSubject),
    Referral(LocalId),
    OversightAction(LocalId),
}

/// What to do: a stable key (for links, filters and tests) and a short imperative label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Action {
    pub key: &'static str,
    pub label: &'static str,
}

const fn action(key: &'static str, label: &'static str) -> Action {
    Action { key, label }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    pub crn: Crn,
    pub kind: WorkKind,
    pub subject: Subject,
    pub due: Date,
    /// Past its due date. (A Friday deadline is overdue on Saturday though no business
    /// day has yet been lost.)
    pub overdue: bool,
    /// Business days after `due` up to today; 0 when not yet late.
    pub overdue_by_business_days: u32,
    pub risk: Option<RoshLevel>,
    pub action: Action,
    /// The policy rule (its key in `practice::policy`) that sets the due date.
    pub rule: &'static str,
}

impl WorkItem {
    pub fn is_overdue(&self) -> bool {
        self.overdue
    }
}

fn risk_rank(r: Option<RoshLevel>) -> u8 {
    match r {
        Some(RoshLevel::VeryHigh) => 5,
        Some(RoshLevel::High) => 4,
        None => 3,
        Some(RoshLevel::Medium) => 2,
        Some(RoshLevel::Low) => 1,
    }
}

fn sort(items: &mut [WorkItem]) {
    items.sort_by(|a, b| {
        let key = |i: &WorkItem| {
            (
                i.kind != WorkKind::NoContactPlanned,
                Reverse(risk_rank(i.risk)),
                Reverse(i.overdue_by_business_days),
                i.due,
            )
        };
        key(a).cmp(&key(b)).then_with(|| (&a.crn, a.kind, &a.subject).cmp(&(&b.crn, b.kind, &b.subject)))
    });
}

struct Builder<'a> {
    case: &'a CaseState,
    today: Date,
    items: Vec<WorkItem>,
}

impl Builder<'_> {
    fn push(&mut self, kind: WorkKind, subject: Subject, due: Date, rule: &Rule, action: Action) {
        self.items.push(WorkItem {
            crn: self.case.crn.clone(),
            kind,
            subject,
            due,
            overdue: due < self.today,
            overdue_by_business_days: business_days_between(due, self.today),
            risk: self.case.rosh(),
            action,
            rule: rule.key,
        });
    }
}

/// Everything due or overdue on one case on `today`, in worklist order. Empty for a case
/// with no active sentence.
pub fn worklist(case: &CaseState, today: Date) -> Vec<WorkItem> {
    if case.current_sentence().is_none() {
        return Vec::new();
    }
    let mut b = Builder { case, today, items: Vec::new() };
    contact_items(&mut b);
    record_items(&mut b);
    enforcement_items(&mut b, &case.practice.enforcement);
    plan_items(&mut b);
    review_items(&mut b);
    safeguarding_items(&mut b);
    rar_items(&mut b);
    escalation_items(&mut b);
    referral_items(&mut b);
    oversight_items(&mut b);
    sort(&mut b.items);
    b.items
}

/// One officer's worklist over their cases, in worklist order.
pub fn officer_worklist<'a>(cases: impl Iterator<Item = &'a CaseState>, today: Date) -> Vec<WorkItem> {
    let mut items: Vec<WorkItem> = cases.flat_map(|c| worklist(c, today)).collect();
    sort(&mut items);
    items
}

fn contact_items(b: &mut Builder<'_>) {
    let custodial = b.case.current_sentence().is_some_and(|s| s.sentence.kind == SentenceKind::Custodial);
    match contact_due(b.case, b.today) {
        ContactDue::NotRequired => {}
        ContactDue::Unplanned { since, why } => {
            let act = match why {
                Unplanned::NoOfficer => action("case.allocate", "Allocate a responsible officer"),
                Unplanned::ReleaseNotRecorded => {
                    action("custody.confirm_release", "Confirm the release and book the first appointment")
                }
            };
            b.push(WorkKind::NoContactPlanned, Subject::Case, since, &FACE_TO_FACE_MINIMUM, act);
        }
        ContactDue::FirstAppointment { due, booked: false } => {
            let rule = if custodial { &FIRST_APPOINTMENT_RELEASE } else { &FIRST_APPOINTMENT_COMMUNITY };
            b.push(
                WorkKind::FirstAppointment,
                Subject::Case,
                due,
                rule,
                action("first_appointment.book", "Book the first appointment"),
            );
        }
        ContactDue::FaceToFace { due, booked: false, .. } => {
            b.push(
                WorkKind::Contact,
                Subject::Case,
                due,
                &FACE_TO_FACE_MINIMUM,
                action("contact.book", "Book a face-to-face contact"),
            );
        }
        ContactDue::FirstAppointment { booked: true, .. } | ContactDue::FaceToFace { booked: true, .. } => {}
    }
}

fn record_items(b: &mut Builder<'_>) {
    let missing: Vec<(LocalId, Date)> = b
        .case
        .appointments
        .iter()
        .filter(|a| a.outcome.is_none() && a.appointment.at.date() < b.today)
        .map(|a| (a.appointment.id.clone(), a.appointment.at.date()))
        .collect();
    for (id, on) in missing {
        b.push(
            WorkKind::OutcomeMissing,
            Subject::Appointment(id),
            OUTCOME_RECORDING.after(on),
            &OUTCOME_RECORDING,
            action("outcome.record", "Record the outcome"),
        );
    }
    let awaiting: Vec<(LocalId, Date)> =
        evidence_deadlines(b.case).into_iter().map(|(id, due)| (id.clone(), due)).collect();
    for (id, due) in awaiting {
        b.push(
            WorkKind::EvidenceAwaited,
            Subject::Appointment(id),
            due,
            &EVIDENCE_WINDOW,
            action("outcome.decide_absence", "Decide whether the absence was acceptable"),
        );
    }
}

fn enforcement_items(b: &mut Builder<'_>, enf: &Enforcement) {
    for f in enf.awaiting_warning() {
        b.push(
            WorkKind::WarningDecision,
            Subject::Appointment(f.appointment.clone()),
            WARNING_LETTER.after(f.aware_on),
            &WARNING_LETTER,
            action("warning.issue", "Issue a warning letter"),
        );
    }
    let route = enforcement_route(b.case, b.today).unwrap_or(EnforcementRoute::Breach);
    let (rule, act) = match route {
        EnforcementRoute::Breach => {
            (&BREACH_REFERRAL, action("breach.refer", "Refer for breach, or record a manager's exception"))
        }
        EnforcementRoute::Recall => (
            &RECALL_RECOMMENDATION,
            action("recall.recommend", "Make a recall recommendation, or record a manager's exception"),
        ),
    };
    // One decision answers every pending failure: the item runs from the earliest.
    if let Some(f) = enf.pending_mandatory().into_iter().min_by_key(|f| (rule.after(f.aware_on), f.on)) {
        b.push(
            WorkKind::BreachDecision,
            Subject::Appointment(f.appointment.clone()),
            rule.after(f.aware_on),
            rule,
            act,
        );
    }
    if let Some(due) = enf.pack_due() {
        b.push(
            WorkKind::BreachPack,
            Subject::Case,
            due,
            &BREACH_PACK,
            action("breach.complete_pack", "Complete and send the breach pack"),
        );
    }
    if let Some(r) = enf.open_recall() {
        b.push(
            WorkKind::RecallDecision,
            Subject::Case,
            RECALL_DECISION.after(r.recommended_on),
            &RECALL_DECISION,
            action("recall.decide", "Decide on the recall recommendation (manager)"),
        );
    }
}

fn plan_items(b: &mut Builder<'_>) {
    let Some(plan_due) = sentence_plan_due(b.case) else {
        // Not seen yet: the plan clock has not started; the first appointment item leads.
        return;
    };
    if sentence_plan_started(b.case).is_none() {
        b.push(
            WorkKind::SentencePlan,
            Subject::Case,
            plan_due,
            &SENTENCE_PLAN,
            action("plan.agree", "Agree the sentence plan"),
        );
        // Until a plan exists its gaps are the plan item itself.
        return;
    }
    debug_assert!(first_seen(b.case).is_some());
    let assessed = b.case.assessment.as_ref().map(|a| PLAN_AFTER_ASSESSMENT.after(a.completed_on));
    let due = assessed.map_or(plan_due, |d| d.max(plan_due));
    for gap in plan_gaps(b.case) {
        b.push(
            WorkKind::PlanGap,
            Subject::Plan(gap.subject),
            due,
            &PLAN_AFTER_ASSESSMENT,
            action("plan.address_gap", "Add an objective, or record why not"),
        );
    }
}

/// One review answers every trigger and the schedule (a completed review without a list
/// clears them all), so a case has one review item, running from the earliest due; its rule
/// says whether that is the schedule or a trigger (`reviews::reviews_due` lists them all).
/// A scheduled review shows from [`REVIEW_NOTICE`] before it is due; a trigger at once.
fn review_items(b: &mut Builder<'_>) {
    let today = b.today;
    let shown = reviews_due(b.case)
        .into_iter()
        .filter(|r| r.trigger.is_some() || today >= REVIEW_NOTICE.period.before(r.due))
        .min_by_key(|r| (r.due, r.trigger.is_none()));
    if let Some(r) = shown {
        let (rule, act) = match r.trigger {
            None => (&REVIEW_SCHEDULED, action("review.complete", "Review the sentence plan (scheduled)")),
            Some(_) => (&REVIEW_TRIGGERED, action("review.complete_triggered", "Review the sentence plan (triggered)")),
        };
        b.push(WorkKind::Review, Subject::Case, r.due, rule, act);
    }
}

/// One request item (the agencies still to ask share a due date) and one chase item (the
/// earliest open check) per case; the action names the agency. `safeguarding::safeguarding_due`
/// lists every check.
fn safeguarding_items(b: &mut Builder<'_>) {
    let due = safeguarding_due(b.case);
    let requests: Vec<(Agency, Date)> = due
        .iter()
        .filter_map(|s| match s {
            SafeguardingDue::Request { agency, due } => Some((*agency, *due)),
            SafeguardingDue::Chase { .. } => None,
        })
        .collect();
    if let Some(first) = requests.iter().map(|(_, d)| *d).min() {
        let act = match requests.as_slice() {
            [(Agency::ChildrensSocialCare, _)] => action(
                "safeguarding.request.childrens_social_care",
                "Request a safeguarding check from children's social care",
            ),
            [(Agency::Police, _)] => {
                action("safeguarding.request.police", "Request a safeguarding check from the police")
            }
            _ => {
                action("safeguarding.request", "Request safeguarding checks from children's social care and the police")
            }
        };
        b.push(WorkKind::SafeguardingCheck, Subject::Case, first, &SAFEGUARDING_REQUEST, act);
    }
    let chase = due
        .iter()
        .filter_map(|s| match s {
            SafeguardingDue::Chase { agency, due } => Some((*due, *agency)),
            SafeguardingDue::Request { .. } => None,
        })
        .min();
    if let Some((first, agency)) = chase {
        let act = match agency {
            Agency::ChildrensSocialCare => action(
                "safeguarding.chase.childrens_social_care",
                "Chase the safeguarding check with children's social care",
            ),
            Agency::Police => action("safeguarding.chase.police", "Chase the safeguarding check with the police"),
        };
        b.push(WorkKind::SafeguardingChase, Subject::Case, first, &SAFEGUARDING_CHASE, act);
    }
}

/// One pace item per case, for the RAR requirement with the earliest last start date
/// (`rar::rar_pace` lists them all).
fn rar_items(b: &mut Builder<'_>) {
    if let Some(p) = rar_pace(b.case, b.today).into_iter().min_by_key(|p| p.latest_start) {
        b.push(
            WorkKind::RarPace,
            Subject::Case,
            p.latest_start,
            &RAR_PACE,
            action("rar.book", "Book RAR activities: the days left are running out of weeks"),
        );
    }
}

/// "Escalate to the NPS" from the day the case came to belong with the NPS until an
/// escalation is recorded (`practice::allocation`).
fn escalation_items(b: &mut Builder<'_>) {
    if let Some(since) = super::allocation::escalation_due_since(b.case) {
        b.push(
            WorkKind::Escalation,
            Subject::Case,
            ESCALATION.after(since),
            &ESCALATION,
            action("case.escalate", "Escalate to the NPS: risk of serious harm is high or the case is MAPPA"),
        );
    }
}

/// A referral still waiting for acceptance once [`REFERRAL_ACCEPTANCE`] has passed, and a
/// completed or ended referral with linked objectives still without an outcome.
fn referral_items(b: &mut Builder<'_>) {
    let today = b.today;
    let mut due = Vec::new();
    for r in &b.case.practice.referrals {
        let chase = REFERRAL_ACCEPTANCE.after(r.referred_on);
        if r.status() == ReferralStatus::Referred && today >= chase {
            due.push((WorkKind::ReferralAcceptance, r.id.clone(), chase));
        }
        if let (false, Some((closed_on, _))) = (r.outcomes_missing().is_empty(), r.closed) {
            due.push((WorkKind::ReferralOutcomes, r.id.clone(), REFERRAL_OUTCOMES.after(closed_on)));
        }
    }
    for (kind, id, on) in due {
        let (rule, act) = match kind {
            WorkKind::ReferralAcceptance => {
                (&REFERRAL_ACCEPTANCE, action("referral.chase", "Chase the provider: the referral is not accepted"))
            }
            _ => (&REFERRAL_OUTCOMES, action("referral.record_outcomes", "Record the end-of-service outcomes")),
        };
        b.push(kind, Subject::Referral(id), on, rule, act);
    }
}

/// Each oversight action past its due date (`practice::oversight`).
fn oversight_items(b: &mut Builder<'_>) {
    let overdue: Vec<(LocalId, Date)> =
        overdue_actions(b.case, b.today).map(|a| (a.id.clone(), OVERSIGHT_ACTION.after(a.due))).collect();
    for (id, due) in overdue {
        b.push(
            WorkKind::OversightAction,
            Subject::OversightAction(id),
            due,
            &OVERSIGHT_ACTION,
            action("oversight.complete_action", "Complete the management oversight action"),
        );
    }
}
