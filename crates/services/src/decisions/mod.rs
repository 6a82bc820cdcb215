//! The decisions an officer or manager records on a case through a form (issue 17): each is
//! a [`Spec`] in [`DECISIONS`], the questions it asks of the case as it stands
//! ([`questions`]), and how the answers become one case event ([`check`]), every bad answer
//! named on its field. [`record`] records it through the one path every recording takes
//! (`cases::record_events`: access, the role table `access::RECORDING`, the follow-on tier, the
//! version the form was drawn from).
//!
//! Nothing lost, nothing doubled: a form carries the version of the case it was drawn from.
//! If the case moved on since, the submission is refused with the changes made meanwhile
//! ([`changes_since`]) and the answers kept, unless the change is this very decision, recorded
//! by the same person (a second press of the button), which is [`Recorded::Already`] and
//! writes nothing.
//!
//! A decision's module knows its event; this one knows forms: answers as typed, dates in
//! three fields, choices, notes, and turning the domain's refusal into a field's problem.

mod casework;
mod enforcement;
mod form;
mod oversight;
mod person;
mod referrals;
pub mod register;
mod reviews;
mod safeguarding;
mod sentence;

use form::Reader;
pub use form::{Answered, Answers, Choice, FORM_FIELDS, Input, Question, answered};

use crate::{Actor, FieldProblem, ServiceError, Stores};
use domain::case::{CaseState, uk_date};
use domain::event::{CaseEvent, NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use domain::practice::safeguarding::Agency;
use domain::practice::{Subject, WorkItem};
use jiff::Timestamp;
use jiff::civil::Date;
use store::{CaseStore, StoreError};

/// Every decision a form records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// A new case: the person and their sentence (`register`), not made on an existing case.
    Registration,
    AppointmentBooking,
    AppointmentCancellation,
    AssessmentCompletion,
    ObjectiveAgreement,
    WarningLetter,
    EnforcementException,
    BreachReferral,
    BreachPack,
    BreachResolution,
    RecallRecommendation,
    RecallDecision,
    ReviewCompletion,
    ReviewTrigger,
    PlanGapReason,
    SafeguardingRequest,
    SafeguardingChase,
    SafeguardingResponse,
    SafeguardingInView,
    Oversight,
    OversightActionDone,
    RegistrationAdded,
    RegistrationRemoved,
    Mappa,
    MappaEnded,
    Escalation,
    Referral,
    ReferralAccepted,
    ReferralStarted,
    ReferralClosed,
    ReferralOutcomes,
    Release,
    SentenceEnd,
    NewSentence,
    Reoffence,
    PersonalDetails,
}

/// What a decision's form is: its address, its words, the event it records, the case section
/// it belongs to, and whether it is consequential enough to check the answers before recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub decision: Decision,
    /// The last part of its address: `/cases/{crn}/decisions/{slug}`.
    pub slug: &'static str,
    /// The page's heading, a question or an instruction.
    pub title: &'static str,
    /// `CaseEvent::event_type` of what it records (and so its row in `access::RECORDING`).
    pub event_type: &'static str,
    /// The case section it is reached from, by the last part of that section's address.
    pub section: &'static str,
    /// "Check your answers" before recording: for a breach, a recall, an exception.
    pub check_answers: bool,
    /// What the confirmation says was done.
    pub done: &'static str,
}

const fn spec(
    decision: Decision,
    slug: &'static str,
    title: &'static str,
    event_type: &'static str,
    section: &'static str,
    check_answers: bool,
    done: &'static str,
) -> Spec {
    Spec { decision, slug, title, event_type, section, check_answers, done }
}

pub const DECISIONS: &[Spec] = &[
    spec(
        Decision::Registration,
        "register",
        "Register a person and their sentence",
        "person_registered",
        "summary",
        false,
        "Person registered",
    ),
    spec(
        Decision::AppointmentBooking,
        "book-appointment",
        "Book an appointment",
        "appointment_booked",
        "appointments",
        false,
        "Appointment booked",
    ),
    spec(
        Decision::AppointmentCancellation,
        "cancel-appointment",
        "Cancel or move an appointment",
        "outcome_recorded",
        "appointments",
        false,
        "Appointment cancelled",
    ),
    spec(
        Decision::AssessmentCompletion,
        "assessment",
        "Record a completed assessment",
        "assessment_completed",
        "assessment",
        false,
        "Assessment recorded",
    ),
    spec(
        Decision::ObjectiveAgreement,
        "objective",
        "Agree an objective of the sentence plan",
        "objective_agreed",
        "plan",
        false,
        "Objective agreed",
    ),
    spec(
        Decision::WarningLetter,
        "warning-letter",
        "Issue a warning letter",
        "warning_letter_issued",
        "enforcement",
        false,
        "Warning letter recorded",
    ),
    spec(
        Decision::EnforcementException,
        "enforcement-exception",
        "Record a manager's exception to breach or recall",
        "enforcement_exception_recorded",
        "enforcement",
        true,
        "Exception recorded",
    ),
    spec(
        Decision::BreachReferral,
        "breach",
        "Refer for breach",
        "breach_referred",
        "enforcement",
        true,
        "Breach referred",
    ),
    spec(
        Decision::BreachPack,
        "breach-pack",
        "Complete and send the breach pack",
        "breach_pack_completed",
        "enforcement",
        true,
        "Breach pack sent",
    ),
    spec(
        Decision::BreachResolution,
        "breach-outcome",
        "Record how the breach ended",
        "breach_resolved",
        "enforcement",
        true,
        "Breach outcome recorded",
    ),
    spec(
        Decision::RecallRecommendation,
        "recall-recommendation",
        "Recommend recall",
        "recall_recommended",
        "enforcement",
        true,
        "Recall recommendation recorded",
    ),
    spec(
        Decision::RecallDecision,
        "recall-decision",
        "Decide on the recall recommendation",
        "recall_decided",
        "enforcement",
        true,
        "Recall decision recorded",
    ),
    spec(
        Decision::ReviewCompletion,
        "review",
        "Review the sentence plan",
        "review_completed",
        "reviews",
        false,
        "Review recorded",
    ),
    spec(
        Decision::ReviewTrigger,
        "review-trigger",
        "Record something that calls for a review",
        "review_triggered",
        "reviews",
        false,
        "Review trigger recorded",
    ),
    spec(
        Decision::PlanGapReason,
        "plan-gap-reason",
        "Record why the plan does not address a need or risk",
        "plan_gap_reason_recorded",
        "plan",
        false,
        "Reason recorded",
    ),
    spec(
        Decision::SafeguardingRequest,
        "safeguarding-request",
        "Request a safeguarding check",
        "safeguarding_check_requested",
        "safeguarding",
        false,
        "Safeguarding check requested",
    ),
    spec(
        Decision::SafeguardingChase,
        "safeguarding-chase",
        "Chase a safeguarding check",
        "safeguarding_check_chased",
        "safeguarding",
        false,
        "Chase recorded",
    ),
    spec(
        Decision::SafeguardingResponse,
        "safeguarding-response",
        "Record a safeguarding check's answer",
        "safeguarding_response_received",
        "safeguarding",
        false,
        "Answer recorded",
    ),
    spec(
        Decision::SafeguardingInView,
        "safeguarding-in-view",
        "Record whether children or domestic abuse are in view",
        "safeguarding_in_view",
        "safeguarding",
        false,
        "Recorded",
    ),
    spec(
        Decision::Oversight,
        "oversight",
        "Record management oversight",
        "oversight_recorded",
        "reviews",
        true,
        "Oversight recorded",
    ),
    spec(
        Decision::OversightActionDone,
        "oversight-action",
        "Record an oversight action as done",
        "oversight_action_completed",
        "reviews",
        false,
        "Action recorded as done",
    ),
    spec(
        Decision::RegistrationAdded,
        "registration",
        "Add a registration",
        "registration_added",
        "summary",
        false,
        "Registration added",
    ),
    spec(
        Decision::RegistrationRemoved,
        "registration-removal",
        "End a registration",
        "registration_removed",
        "summary",
        false,
        "Registration ended",
    ),
    spec(Decision::Mappa, "mappa", "Set the MAPPA category and level", "mappa_set", "summary", false, "MAPPA recorded"),
    spec(Decision::MappaEnded, "mappa-end", "End MAPPA management", "mappa_ended", "summary", false, "MAPPA ended"),
    spec(
        Decision::Escalation,
        "escalation",
        "Escalate the case to the NPS",
        "escalated_to_nps",
        "summary",
        true,
        "Case escalated",
    ),
    spec(
        Decision::Referral,
        "referral",
        "Refer to an intervention",
        "intervention_referred",
        "referrals",
        false,
        "Referral made",
    ),
    spec(
        Decision::ReferralAccepted,
        "referral-accepted",
        "Record that the provider accepted a referral",
        "referral_accepted",
        "referrals",
        false,
        "Acceptance recorded",
    ),
    spec(
        Decision::ReferralStarted,
        "referral-started",
        "Record that a referral's service started",
        "referral_started",
        "referrals",
        false,
        "Start recorded",
    ),
    spec(
        Decision::ReferralClosed,
        "referral-closed",
        "Close a referral",
        "referral_closed",
        "referrals",
        false,
        "Referral closed",
    ),
    spec(
        Decision::ReferralOutcomes,
        "referral-outcomes",
        "Record a referral's end-of-service outcomes",
        "referral_outcomes_recorded",
        "referrals",
        false,
        "Outcomes recorded",
    ),
    spec(
        Decision::Release,
        "release",
        "Confirm a release from custody",
        "released_from_custody",
        "sentence",
        false,
        "Release recorded",
    ),
    spec(
        Decision::SentenceEnd,
        "sentence-end",
        "Record the end of a sentence",
        "sentence_ended",
        "sentence",
        true,
        "Sentence ended",
    ),
    spec(
        Decision::NewSentence,
        "new-sentence",
        "Record a new community sentence",
        "sentence_imposed",
        "sentence",
        false,
        "Sentence recorded",
    ),
    spec(
        Decision::Reoffence,
        "reoffence",
        "Record a proven reoffence",
        "reoffence_proven",
        "sentence",
        false,
        "Reoffence recorded",
    ),
    spec(
        Decision::PersonalDetails,
        "personal-details",
        "Update personal details",
        "personal_details_updated",
        "summary",
        false,
        "Personal details updated",
    ),
];

impl Decision {
    pub fn spec(self) -> &'static Spec {
        DECISIONS.iter().find(|s| s.decision == self).expect("every decision has a spec")
    }

    pub fn from_slug(slug: &str) -> Option<Decision> {
        DECISIONS.iter().find(|s| s.slug == slug).map(|s| s.decision)
    }
}

/// A form for a decision on a case as it stands: its questions, or why it cannot be made now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub spec: &'static Spec,
    pub questions: Vec<Question>,
}

type Questions = fn(Decision, &CaseState, Date) -> Result<Vec<Question>, String>;
type Decide = fn(Decision, &mut Reader, &CaseState, &Code) -> Option<Decided>;

/// The module that knows a decision: its questions and how its answers become the event.
fn module(decision: Decision) -> Result<(Questions, Decide), String> {
    use Decision::*;
    Ok(match decision {
        Registration => return Err("A person is registered from the start page, not on a case.".to_owned()),
        AppointmentBooking | AppointmentCancellation | AssessmentCompletion | ObjectiveAgreement => {
            (casework::questions, casework::decide)
        }
        WarningLetter | EnforcementException | BreachReferral | BreachPack | BreachResolution
        | RecallRecommendation | RecallDecision => (enforcement::questions, enforcement::decide),
        ReviewCompletion | ReviewTrigger | PlanGapReason => (reviews::questions, reviews::decide),
        SafeguardingRequest | SafeguardingChase | SafeguardingResponse => {
            (safeguarding::questions, safeguarding::decide)
        }
        SafeguardingInView | Oversight | OversightActionDone | RegistrationAdded | RegistrationRemoved | Mappa
        | MappaEnded | Escalation => (oversight::questions, oversight::decide),
        Referral | ReferralAccepted | ReferralStarted | ReferralClosed | ReferralOutcomes => {
            (referrals::questions, referrals::decide)
        }
        Release | SentenceEnd | NewSentence | Reoffence => (sentence::questions, sentence::decide),
        PersonalDetails => (person::questions, person::decide),
    })
}

/// The decision's questions on this case, or why it cannot be made now (nothing to warn
/// about, no breach open, ...), in words for the page.
pub fn questions(decision: Decision, state: &CaseState, today: Date) -> Result<Form, String> {
    let (questions, _) = module(decision)?;
    let questions = questions(decision, state, today)?;
    Ok(Form { spec: decision.spec(), questions })
}

/// A decision as it will be recorded: the event and the day it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    pub event: CaseEvent,
    pub on: Date,
    /// What the same decision records after `event`, in order, on the same day (the later
    /// appointments of a repeating booking): all are recorded together or none is.
    pub more: Vec<CaseEvent>,
}

impl Decided {
    /// Every event the decision records, in order.
    pub fn events(&self) -> impl Iterator<Item = &CaseEvent> {
        std::iter::once(&self.event).chain(&self.more)
    }
}

/// The answers as the event they record (each bad answer named on its field), without asking
/// the case's rules, with the form they answer: [`check`] does both.
fn decide(
    decision: Decision,
    state: &CaseState,
    answers: &Answers,
    by: &Code,
    today: Date,
) -> Result<(Form, Decided), Vec<FieldProblem>> {
    let form = questions(decision, state, today).map_err(|why| vec![FieldProblem::new(FORM, why)])?;
    let (_, decide) = module(decision).map_err(|why| vec![FieldProblem::new(FORM, why)])?;
    let mut read = Reader { answers, form: &form, today, problems: Vec::new() };
    match decide(decision, &mut read, state, by) {
        Some(d) if read.problems.is_empty() => Ok((form, d)),
        _ => Err(read.problems),
    }
}

/// The field a problem with the whole form (the decision cannot be made now) is named on.
pub const FORM: &str = "form";

/// The answers as the event they record, checked against the case's own rules too (as the
/// log will check them): what the "check your answers" page shows and what [`record`]
/// records. Every problem names a question of the form.
pub fn check(
    decision: Decision,
    state: &CaseState,
    answers: &Answers,
    by: &Code,
    today: Date,
) -> Result<Decided, Vec<FieldProblem>> {
    checked(decision, state, answers, by, today).map(|(_, decided)| decided)
}

/// [`check`], with the form the answers were read against.
fn checked(
    decision: Decision,
    state: &CaseState,
    answers: &Answers,
    by: &Code,
    today: Date,
) -> Result<(Form, Decided), Vec<FieldProblem>> {
    let (form, decided) = decide(decision, state, answers, by, today)?;
    let mut after = state.clone();
    for event in decided.events() {
        if let Err(r) = after.apply(event, decided.on) {
            return Err(vec![problem_on_question(&form, r.field, &r.problem)]);
        }
    }
    Ok((form, decided))
}

/// The domain names the event's field (`on`, `pack.order_copy`, `appointment.requirement`);
/// the page needs the question: the one of that name's first part, else of its last part (a
/// field of the event's payload, asked as a question of its own), else the first question.
fn problem_on_question(form: &Form, field: &str, problem: &str) -> FieldProblem {
    let head = field.split(['.', '[']).next().unwrap_or(field);
    let tail = field.rsplit('.').next().unwrap_or(field);
    let questions = &form.questions;
    let name = questions
        .iter()
        .find(|q| q.name == head)
        .or_else(|| questions.iter().find(|q| q.name == tail))
        .or_else(|| questions.first())
        .map_or(FORM, |q| q.name);
    FieldProblem::new(name, format!("{name}: {problem}"))
}

/// The decisions that can be made on this case now which this user's role records, in the
/// order of [`DECISIONS`]: what a case section offers.
pub fn available(state: &CaseState, today: Date, user: &crate::access::User) -> Vec<&'static Spec> {
    DECISIONS
        .iter()
        .filter(|s| crate::access::may_record_kind(user, s.event_type))
        .filter(|s| questions(s.decision, state, today).is_ok())
        .collect()
}

/// The decision that resolves a worklist item, with the answers its form starts from (the
/// failure, the need, the agency the item is about); `None` where the work is not one
/// decision (an outcome, which has its own form; allocation, which is the SPO's screen).
pub fn resolving(item: &WorkItem) -> Option<(Decision, Vec<(String, String)>)> {
    let about = |name: &str, value: String| vec![(name.to_owned(), value)];
    let appointment = match &item.subject {
        Subject::Appointment(id) => Some(id.to_string()),
        _ => None,
    };
    let on_failure = |name: &str| appointment.clone().map(|a| about(name, a)).unwrap_or_default();
    Some(match item.action.key {
        "first_appointment.book" | "contact.book" => {
            (Decision::AppointmentBooking, about("kind", "office_visit".to_owned()))
        }
        "rar.book" => (Decision::AppointmentBooking, about("kind", "rar_activity".to_owned())),
        "plan.agree" => (Decision::ObjectiveAgreement, Vec::new()),
        "case.escalate" => (Decision::Escalation, Vec::new()),
        "custody.confirm_release" => (Decision::Release, Vec::new()),
        // The provider has not accepted: the officer chases it, and records the acceptance.
        "referral.chase" => match &item.subject {
            Subject::Referral(id) => (Decision::ReferralAccepted, about("referral", id.to_string())),
            _ => (Decision::ReferralAccepted, Vec::new()),
        },
        "referral.record_outcomes" => match &item.subject {
            Subject::Referral(id) => (Decision::ReferralOutcomes, about("referral", id.to_string())),
            _ => (Decision::ReferralOutcomes, Vec::new()),
        },
        "oversight.complete_action" => match &item.subject {
            Subject::OversightAction(id) => (Decision::OversightActionDone, about("action", id.to_string())),
            _ => (Decision::OversightActionDone, Vec::new()),
        },
        "warning.issue" => (Decision::WarningLetter, on_failure("appointment")),
        "breach.refer" => (Decision::BreachReferral, on_failure("failures")),
        "recall.recommend" => (Decision::RecallRecommendation, on_failure("failures")),
        "breach.complete_pack" => (Decision::BreachPack, Vec::new()),
        "recall.decide" => (Decision::RecallDecision, Vec::new()),
        "plan.address_gap" => match &item.subject {
            Subject::Plan(p) => (Decision::PlanGapReason, about("subject", reviews::value_of(p))),
            _ => (Decision::PlanGapReason, Vec::new()),
        },
        "review.complete" | "review.complete_triggered" => (Decision::ReviewCompletion, Vec::new()),
        "safeguarding.request.police" => {
            (Decision::SafeguardingRequest, about("agency", reviews::value_of(&Agency::Police)))
        }
        "safeguarding.request" | "safeguarding.request.childrens_social_care" => {
            (Decision::SafeguardingRequest, about("agency", reviews::value_of(&Agency::ChildrensSocialCare)))
        }
        "safeguarding.chase.police" => {
            (Decision::SafeguardingChase, about("agency", reviews::value_of(&Agency::Police)))
        }
        key if key.starts_with("safeguarding.chase") => {
            (Decision::SafeguardingChase, about("agency", reviews::value_of(&Agency::ChildrensSocialCare)))
        }
        _ => return None,
    })
}

/// What resolves a worklist item: a decision's form with the answers it starts from, or an
/// appointment's outcome form (which records the note and its sensitive marker too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Decision(&'static Spec, Vec<(String, String)>),
    Outcome(domain::ids::LocalId),
}

/// What resolves `item`, for a user whose role records it (on the cases they may change).
pub fn resolving_for(user: &crate::access::User, item: &WorkItem) -> Option<Resolution> {
    if let ("outcome.record" | "outcome.decide_absence", Subject::Appointment(id)) = (item.action.key, &item.subject) {
        return crate::access::may_record_kind(user, "outcome_recorded").then(|| Resolution::Outcome(id.clone()));
    }
    let (decision, prefill) = resolving(item)?;
    let spec = decision.spec();
    crate::access::may_record_kind(user, spec.event_type).then_some(Resolution::Decision(spec, prefill))
}

// ---------------------------------------------------------------------------------------
// Recording

/// What a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded now; the case is at this version.
    Now { version: u64 },
    /// The same person had already recorded this very decision since the form was drawn (a
    /// second press of the button): nothing written.
    Already { version: u64 },
}

/// Who may open a decision's form on a case: those who may change the case, in a role that
/// records this kind of event (`access::RECORDING`).
pub async fn may_decide(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    decision: Decision,
) -> Result<(), ServiceError> {
    crate::cases::writable_case(stores, actor, now, crn).await?;
    let kind = decision.spec().event_type;
    if crate::access::may_record_kind(actor.user, kind) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!("{}: {}", decision.spec().title, crate::access::who_records(kind))))
    }
}

/// Records the decision made on a form drawn at `version`. Bad answers are
/// `ServiceError::Invalid` naming their questions; a case changed since is
/// `StoreError::Conflict` (nothing written), unless the change was this same decision by this
/// same person ([`Recorded::Already`]).
pub async fn record(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    decision: Decision,
    answers: &Answers,
    version: u64,
) -> Result<Recorded, ServiceError> {
    may_decide(stores, actor, now, crn, decision).await?;
    let today = uk_date(now);
    let by = actor.recorder();
    let stream = stores.cases.stream(crn).await?;
    let actual = stream.len() as u64;
    if actual != version {
        // A second press of the button: the same decision, by the same person, since the
        // form was drawn. Read against the case as the form saw it.
        let seen = stream.get(..version as usize).unwrap_or(&stream[..]);
        let then =
            CaseState::fold(crn.clone(), seen).map_err(|e| ServiceError::Internal(format!("case {crn}: {e}")))?;
        if let Ok((_, d)) = decide(decision, &then, answers, &by, today) {
            let since = stream.get(version as usize..).unwrap_or(&[]);
            if d.events().all(|event| since.iter().any(|e| e.recorded_by == by && &e.event == event)) {
                return Ok(Recorded::Already { version: actual });
            }
        }
        return Err(StoreError::Conflict { crn: crn.clone(), expected: version, actual }.into());
    }
    let state =
        CaseState::fold(crn.clone(), &stream).map_err(|e| ServiceError::Internal(format!("case {crn}: {e}")))?;
    let (form, decided) = checked(decision, &state, answers, &by, today).map_err(ServiceError::Invalid)?;
    let occurred_at = if decided.on == today { now } else { midday(decided.on) };
    let events: Vec<NewEvent> =
        decided.events().map(|event| NewEvent { occurred_at, recorded_by: by.clone(), event: event.clone() }).collect();
    // Access and the role's right to this kind of event were decided by `may_decide`, and the
    // case was read and folded above: it is appended against that fold's version.
    match crate::record::record_on(&*stores.cases, &stream, state, &events, &by, now).await {
        Ok(version) => Ok(Recorded::Now { version }),
        Err(StoreError::Rejected { field, problem, .. }) => {
            Err(ServiceError::Invalid(vec![problem_on_question(&form, field, &problem)]))
        }
        Err(e) => Err(e.into()),
    }
}

/// An event dated `on` (a day before today) happened at midday UTC: the same UK date in
/// summer and winter.
fn midday(on: Date) -> Timestamp {
    jiff::tz::TimeZone::UTC.to_timestamp(on.at(12, 0, 0, 0)).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// What changed on a case after `version`: each event in words, who recorded it and when, for
/// the page that refuses a stale form.
pub fn changes_since(events: &[RecordedEvent], version: u64) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.seq > version)
        .map(|e| format!("{} (recorded by {} on {})", e.event.summary(), e.recorded_by, uk_date(e.recorded_at)))
        .collect()
}

#[cfg(test)]
mod tests;
