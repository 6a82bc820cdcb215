//! A case in sections (issue 4, item 5): summary and timeline, sentence and requirements with
//! progress, assessment, plan with gaps, appointments with the outcome form, enforcement,
//! reviews, safeguarding and referrals; and an officer's worklist, each item linking to the
//! section where it is resolved.
//!
//! Every section is one GET page behind a sub-navigation of plain links (no script). What is
//! due, late or missing comes from `domain::practice` on the case folded by
//! `services::cases::case_file` (which checks access and records the read); this module only
//! turns it into words and rows. The outcome form records through the same path as the JSON
//! API (`services::cases::record_outcome`), against the version the form was read at.
//!
//! One file per section; what the sections share (the routes, [`Section`], the case's header,
//! words and rows) is here.

mod appointments;
mod assessment;
mod day;
mod decide;
mod enforcement;
mod plan;
mod referrals;
mod register;
mod reviews;
mod safeguarding;
mod sentence;
mod summary;
mod worklist;

use crate::AppState;
use crate::error::WebError;
use crate::kit::SignedIn;
use crate::kit::{self, TimelineFilter};
use crate::kit::{ABSENCE_REASONS, OUTCOMES, hours};
use crate::kit::{Nav, PageError, day, html, instant};
use crate::kit::{Route, build, route};
use crate::view::{self, CaseDetail, EVENT_TYPES};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::assessment::{NeedArea, RiskGroup};
use domain::case::{CaseState, SentenceRecord};
use domain::contact::Outcome;
use domain::ids::{Crn, LocalId, Note};
use domain::practice::enforcement::Enforcement;
use domain::practice::interventions::{Closure, ReferralStatus};
use domain::practice::plan_gaps::{Assessed, PlanSubject};
use domain::practice::worklist::WorkKind;
use domain::practice::{Subject, WorkItem};
use domain::sentence::{LicenceCondition, RequirementKind, SentenceKind};
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use services::FieldProblem;
use services::ServiceError;
use services::cases::{self, CaseFile};
use services::decisions::Resolution;
use services::upw::outcome_of;
use store::StoreError;

pub const SUMMARY: &str = "/cases/{crn}";
pub const SENTENCE: &str = "/cases/{crn}/sentence";
pub const ASSESSMENT: &str = "/cases/{crn}/assessment";
pub const PLAN: &str = "/cases/{crn}/plan";
pub const APPOINTMENTS: &str = "/cases/{crn}/appointments";
pub const OUTCOME: &str = "/cases/{crn}/appointments/{id}/outcome";
pub const ENFORCEMENT: &str = "/cases/{crn}/enforcement";
pub const REVIEWS: &str = "/cases/{crn}/reviews";
pub const SAFEGUARDING: &str = "/cases/{crn}/safeguarding";
pub const REFERRALS: &str = "/cases/{crn}/referrals";
pub const WORKLIST: &str = "/officers/{code}/worklist";
/// An officer's appointments on one day, with their outcomes recorded at once.
pub const DAY: &str = "/officers/{code}/day";

use appointments::{appointments_page, outcome_page, record_outcome};
use assessment::assessment_page;
use day::{day_page, record_day};
use decide::{DECIDED, DECISION, decided_page, decision_page, record_decision};
use enforcement::enforcement_page;
use plan::plan_page;
use referrals::referrals_page;
use register::{NEW_CASE, new_case_page, register_case};
use reviews::reviews_page;
use safeguarding::safeguarding_page;
use sentence::sentence_page;
use summary::summary_page;
use worklist::worklist_page;

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, NEW_CASE, new_case_page),
        route(Method::POST, NEW_CASE, register_case),
        route(Method::GET, SUMMARY, summary_page),
        route(Method::GET, SENTENCE, sentence_page),
        route(Method::GET, ASSESSMENT, assessment_page),
        route(Method::GET, PLAN, plan_page),
        route(Method::GET, APPOINTMENTS, appointments_page),
        route(Method::GET, OUTCOME, outcome_page),
        route(Method::POST, OUTCOME, record_outcome),
        route(Method::GET, ENFORCEMENT, enforcement_page),
        route(Method::GET, REVIEWS, reviews_page),
        route(Method::GET, SAFEGUARDING, safeguarding_page),
        route(Method::GET, REFERRALS, referrals_page),
        route(Method::GET, WORKLIST, worklist_page),
        route(Method::GET, DAY, day_page),
        route(Method::POST, DAY, record_day),
        route(Method::GET, DECISION, decision_page),
        route(Method::POST, DECISION, record_decision),
        route(Method::GET, DECIDED, decided_page),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn case_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

/// The sections of a case, in the order of its sub-navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Summary,
    Sentence,
    Assessment,
    Plan,
    Appointments,
    Enforcement,
    Reviews,
    Safeguarding,
    Referrals,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Summary,
        Section::Sentence,
        Section::Assessment,
        Section::Plan,
        Section::Appointments,
        Section::Enforcement,
        Section::Reviews,
        Section::Safeguarding,
        Section::Referrals,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Section::Summary => "Summary and timeline",
            Section::Sentence => "Sentence and requirements",
            Section::Assessment => "Assessment",
            Section::Plan => "Sentence plan",
            Section::Appointments => "Appointments",
            Section::Enforcement => "Enforcement",
            Section::Reviews => "Reviews",
            Section::Safeguarding => "Safeguarding",
            Section::Referrals => "Referrals",
        }
    }

    /// The route template, also the page named in the read audit.
    pub fn route(self) -> &'static str {
        match self {
            Section::Summary => SUMMARY,
            Section::Sentence => SENTENCE,
            Section::Assessment => ASSESSMENT,
            Section::Plan => PLAN,
            Section::Appointments => APPOINTMENTS,
            Section::Enforcement => ENFORCEMENT,
            Section::Reviews => REVIEWS,
            Section::Safeguarding => SAFEGUARDING,
            Section::Referrals => REFERRALS,
        }
    }

    pub fn href(self, crn: &str) -> String {
        self.route().replace("{crn}", crn)
    }

    /// The section where the work of a worklist item is done (navigation only: what is due
    /// and when is `practice::worklist`'s).
    pub fn resolving(kind: WorkKind) -> Section {
        match kind {
            WorkKind::NoContactPlanned | WorkKind::Escalation => Section::Summary,
            WorkKind::FirstAppointment | WorkKind::Contact | WorkKind::OutcomeMissing | WorkKind::EvidenceAwaited => {
                Section::Appointments
            }
            WorkKind::WarningDecision | WorkKind::BreachDecision | WorkKind::RecallDecision | WorkKind::BreachPack => {
                Section::Enforcement
            }
            WorkKind::SentencePlan | WorkKind::PlanGap => Section::Plan,
            WorkKind::Review | WorkKind::OversightAction => Section::Reviews,
            WorkKind::SafeguardingCheck | WorkKind::SafeguardingChase => Section::Safeguarding,
            WorkKind::RarPace => Section::Sentence,
            WorkKind::ReferralAcceptance | WorkKind::ReferralOutcomes => Section::Referrals,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Words and display rows

/// A serde-named value in words: `known_adult` becomes "Known adult".
fn words<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => view::event_type_label(&s),
        _ => String::new(),
    }
}

fn at(t: DateTime) -> String {
    t.strftime("%-d %B %Y at %H:%M").to_string()
}

fn day_or(d: Option<jiff::civil::Date>, none: &str) -> String {
    d.map_or_else(|| none.to_owned(), day)
}

fn sentence_kind(k: SentenceKind) -> &'static str {
    match k {
        SentenceKind::CommunityOrder => "Community order",
        SentenceKind::SuspendedSentenceOrder => "Suspended sentence order",
        SentenceKind::Custodial => "Custodial sentence",
    }
}

fn subject_label(s: &Subject) -> Option<String> {
    match s {
        Subject::Case => None,
        Subject::Appointment(id) => Some(format!("appointment {id}")),
        Subject::Plan(p) => Some(p.label()),
        Subject::Referral(id) => Some(format!("referral {id}")),
        Subject::OversightAction(id) => Some(format!("oversight action {id}")),
    }
}

/// What to do, with what it is about: "Issue a warning letter (appointment A1)".
fn what_to_do(i: &WorkItem) -> String {
    match subject_label(&i.subject) {
        Some(s) => format!("{} ({s})", i.action.label),
        None => i.action.label.to_owned(),
    }
}

fn lateness(i: &WorkItem) -> String {
    match (i.overdue, i.overdue_by_business_days) {
        (false, _) => "Due".to_owned(),
        (true, 0) => "Overdue".to_owned(),
        (true, 1) => "Overdue by 1 working day".to_owned(),
        (true, n) => format!("Overdue by {n} working days"),
    }
}

/// A GOV.UK tag: its colour modifier and text.
struct Tag {
    colour: &'static str,
    text: String,
}

fn tag(colour: &'static str, text: impl Into<String>) -> Option<Tag> {
    Some(Tag { colour, text: text.into() })
}

/// One row of a summary list.
struct Row {
    key: String,
    value: String,
    tag: Option<Tag>,
}

fn row(key: impl Into<String>, value: impl Into<String>) -> Row {
    Row { key: key.into(), value: value.into(), tag: None }
}

/// One table cell: text, optionally a link (with words only a screen reader needs) and a tag.
struct Cell {
    text: String,
    href: Option<String>,
    hidden: String,
    tag: Option<Tag>,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), href: None, hidden: String::new(), tag: None }
}

fn tagged(text: impl Into<String>, t: Option<Tag>) -> Cell {
    Cell { tag: t, ..cell(text) }
}

struct Table {
    caption: String,
    heads: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
}

/// A part of a section: a heading, then sentences, a summary list and a table, each optional.
struct Part {
    heading: String,
    text: Vec<String>,
    rows: Vec<Row>,
    table: Option<Table>,
}

fn part(heading: impl Into<String>) -> Part {
    Part { heading: heading.into(), text: Vec::new(), rows: Vec::new(), table: None }
}

impl Part {
    fn say(mut self, text: impl Into<String>) -> Self {
        self.text.push(text.into());
        self
    }

    fn rows(mut self, rows: Vec<Row>) -> Self {
        self.rows = rows;
        self
    }

    /// A table, or `empty` said instead when it has no rows.
    fn table(
        mut self,
        caption: impl Into<String>,
        heads: Vec<&'static str>,
        rows: Vec<Vec<Cell>>,
        empty: &str,
    ) -> Self {
        if rows.is_empty() {
            self.text.push(empty.to_owned());
        } else {
            self.table = Some(Table { caption: caption.into(), heads, rows });
        }
        self
    }
}

// ---------------------------------------------------------------------------------------
// The case's header: name, sub-navigation, and what is due in this section

struct SectionLink {
    href: String,
    label: &'static str,
    current: bool,
}

struct DueRow {
    what: String,
    /// The form that resolves it, for a user who may record that decision.
    href: Option<String>,
    due: String,
    overdue: bool,
}

/// The form that resolves a worklist item, if this user records it on this case.
fn form_for(file: &CaseFile, item: &WorkItem, who: &SignedIn) -> Option<String> {
    resolution_href(item, who).filter(|_| file.may_write)
}

/// The form that resolves a worklist item, if this user's role records it.
fn resolution_href(item: &WorkItem, who: &SignedIn) -> Option<String> {
    Some(match services::decisions::resolving_for(&who.user, item)? {
        Resolution::Decision(spec, prefill) => decide::decision_href(item.crn.as_str(), spec, &prefill),
        Resolution::Outcome(id) => OUTCOME.replace("{crn}", item.crn.as_str()).replace("{id}", id.as_str()),
    })
}

struct CaseHead {
    crn: String,
    name: String,
    officer: Option<String>,
    /// Whether the officer's crumb links to their caseload: only for a user who may open it.
    officer_link: bool,
    section: &'static str,
    sections: Vec<SectionLink>,
    due: Vec<DueRow>,
    /// The decisions this user may record in this section now: (label, form).
    decisions: Vec<(&'static str, String)>,
    /// Tier, risk, MAPPA, the staff warning and what needs attention (`services::case_header`).
    facts: services::case_header::CaseHeader,
}

impl CaseHead {
    fn new(file: &CaseFile, current: Section, who: &SignedIn) -> Self {
        let crn = file.state.crn.to_string();
        let due = domain::practice::worklist(&file.state, file.today)
            .iter()
            .filter(|i| Section::resolving(i.kind) == current)
            .map(|i| DueRow { what: what_to_do(i), href: form_for(file, i, who), due: day(i.due), overdue: i.overdue })
            .collect();
        let mut decisions: Vec<(&'static str, String)> = if file.may_write {
            services::decisions::available(&file.state, file.today, &who.user)
                .into_iter()
                .filter(|s| decide::section_of(s) == current)
                .map(|s| (s.title, decide::decision_href(&crn, s, &[])))
                .collect()
        } else {
            Vec::new()
        };
        if let (Section::Summary, Some(team)) = (current, &file.reallocates_in) {
            decisions
                .push(("Reallocate the case to another officer of the team", format!("/teams/{team}/allocate/{crn}")));
            let transfer = if file.summary.transfer_to.is_some() {
                "See or withdraw the transfer to another team"
            } else {
                "Transfer the case to another team"
            };
            decisions.push((transfer, format!("/teams/{team}/transfer/{crn}")));
        }
        if let (Section::Summary, Some(team)) = (current, &file.receives_in) {
            decisions.push(("Allocate the case transferred to your team", format!("/teams/{team}/allocate/{crn}")));
            decisions.push(("Decline the transfer", format!("/teams/{team}/transfer/{crn}")));
        }
        Self {
            sections: Section::ALL
                .iter()
                .map(|s| SectionLink { href: s.href(&crn), label: s.label(), current: *s == current })
                .collect(),
            decisions,
            facts: services::case_header::case_header(&file.state, file.today),
            name: format!("{} {}", file.summary.first_name, file.summary.family_name),
            officer: file.summary.officer.as_ref().map(ToString::to_string),
            officer_link: file.caseload_link,
            section: current.label(),
            due,
            crn,
        }
    }
}

#[derive(Template)]
#[template(path = "case_section.html")]
struct SectionPage {
    nav: Option<Nav>,
    head: CaseHead,
    parts: Vec<Part>,
}

fn section_page(
    who: &SignedIn,
    file: &CaseFile,
    section: Section,
    parts: Vec<Part>,
) -> Result<Html<String>, PageError> {
    html(SectionPage { nav: Nav::of(who), head: CaseHead::new(file, section, who), parts })
}

fn crn_param(p: Result<Path<String>, PathRejection>) -> Result<String, PageError> {
    p.map(|Path(v)| v).map_err(|e| PageError(WebError::bad_request("crn", format!("crn: {}", e.body_text()))))
}

async fn file_for(
    app: &AppState,
    who: &SignedIn,
    crn: Result<Path<String>, PathRejection>,
    section: Section,
) -> Result<CaseFile, PageError> {
    let crn = kit::parse_crn(&crn_param(crn)?)?;
    Ok(cases::case_file(&app.stores, who.actor(), app.clock.now(), &crn, section.route()).await?)
}
