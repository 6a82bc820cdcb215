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

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
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

fn table() -> Vec<Route> {
    vec![
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
    due: String,
    overdue: bool,
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
}

impl CaseHead {
    fn new(file: &CaseFile, current: Section) -> Self {
        let crn = file.state.crn.to_string();
        let due = domain::practice::worklist(&file.state, file.today)
            .iter()
            .filter(|i| Section::resolving(i.kind) == current)
            .map(|i| DueRow { what: what_to_do(i), due: day(i.due), overdue: i.overdue })
            .collect();
        Self {
            sections: Section::ALL
                .iter()
                .map(|s| SectionLink { href: s.href(&crn), label: s.label(), current: *s == current })
                .collect(),
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
    html(SectionPage { nav: Nav::of(who), head: CaseHead::new(file, section), parts })
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

// ---------------------------------------------------------------------------------------
// Summary and timeline

#[derive(Debug, Deserialize)]
struct TimelineQuery {
    #[serde(rename = "type")]
    event_type: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

struct FilterOption {
    value: &'static str,
    label: String,
    selected: bool,
}

struct EventRow {
    seq: u64,
    occurred: String,
    recorded: String,
    recorded_by: String,
    kind: String,
    summary: String,
    late: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
struct SummaryPage {
    nav: Option<Nav>,
    head: CaseHead,
    rows: Vec<Row>,
    flags: Vec<String>,
    options: Vec<FilterOption>,
    from: String,
    to: String,
    errors: Vec<FieldProblem>,
    check: String,
    filtered_to: Option<String>,
    range: Option<String>,
    events: Vec<EventRow>,
}

impl SummaryPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// "Check the type and the from date.": the fields at fault, in words.
fn check_list(errors: &[FieldProblem]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for e in errors {
        let name = match e.field.as_str() {
            "from" => "from date",
            "to" => "to date",
            f => f,
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("Check the {one}."),
        [rest @ .., last] => format!("Check the {} and the {last}.", rest.join(", the ")),
    }
}

fn field_error(e: &WebError) -> FieldProblem {
    let field = match e.field() {
        Some("type") => "type",
        Some("from") => "from",
        Some("to") => "to",
        _ => "type",
    };
    FieldProblem::new(field, e.message())
}

fn officer_name(file: &CaseFile) -> String {
    match &file.summary.officer {
        Some(code) => match file.org.staff.iter().find(|s| &s.code == code) {
            Some(s) => format!("{} ({code})", s.name),
            None => code.to_string(),
        },
        None => "Not allocated".to_owned(),
    }
}

fn team_name(file: &CaseFile) -> String {
    match &file.summary.team {
        Some(code) => {
            file.org.teams.iter().find(|t| &t.code == code).map_or_else(|| code.to_string(), |t| t.name.to_string())
        }
        None => "Not allocated".to_owned(),
    }
}

/// The case's flags: registrations, MAPPA, an open breach or recall, safeguarding in view,
/// escalation to the NPS. Each is a fact of the record or a derivation of `domain::practice`.
fn flags(state: &CaseState) -> Vec<String> {
    let mut out: Vec<String> = state
        .registrations
        .iter()
        .map(|r| view::event_type_label(domain::practice::tiering::registration_label(*r)))
        .collect();
    if let Some(m) = state.mappa {
        let category = u8::from(m.category);
        out.push(match m.level {
            Some(l) => format!("MAPPA category {category}, level {}", u8::from(l)),
            None => format!("MAPPA category {category}"),
        });
    }
    let enf = &state.practice.enforcement;
    if let Some(b) = enf.open_breach() {
        out.push(format!("Breach open since {}", day(b.referred_on)));
    }
    if enf.open_recall().is_some() {
        out.push("Recall recommended".to_owned());
    }
    if let Some(since) = domain::practice::safeguarding::in_view_since(state) {
        out.push(format!("Safeguarding in view since {}", day(since)));
    }
    if let Some(on) = state.practice.escalated_on {
        out.push(format!("Escalated to the NPS on {}", day(on)));
    }
    out
}

fn summary_rows(file: &CaseFile) -> Vec<Row> {
    let c = CaseDetail::new(&file.summary, file.today);
    let tier = file.state.tier;
    let legacy =
        tier.map_or_else(|| "Not calculated".to_owned(), |t| format!("{} (calculated {})", t.legacy, day(t.on)));
    let current = tier.map_or_else(
        || "Not calculated".to_owned(),
        |t| format!("{} ({}calculated {})", t.v3, if t.provisional { "provisional, " } else { "" }, day(t.on)),
    );
    vec![
        row("CRN", c.crn.to_string()),
        row("Date of birth", day(c.date_of_birth)),
        row("Responsible officer", officer_name(file)),
        row("Team", team_name(file)),
        row("Tier (legacy)", legacy),
        row("Tier (current model)", current),
        row("Risk of serious harm", c.rosh.map_or_else(|| "Not assessed".to_owned(), |r| r.label().to_owned())),
        row(
            "Sentence",
            c.sentence_kind.map_or_else(|| "No active sentence".to_owned(), |k| sentence_kind(k).to_owned()),
        ),
        row("Sentence ends", day_or(c.sentence_end, "Not applicable")),
        row("Supervision phase", c.phase.map_or_else(|| "None".to_owned(), |p| p.label().to_owned())),
        row("Next appointment", c.next_appointment.map_or_else(|| "None booked".to_owned(), at)),
        row("Last face-to-face contact", day_or(c.last_face_to_face, "None recorded")),
        Row {
            key: "Contact due by".into(),
            value: day_or(c.contact_due_by, "Not required"),
            tag: if c.overdue { tag("red", "Overdue") } else { None },
        },
        row("Responsible officers so far", c.officer_count.to_string()),
        row("Record version", c.version.to_string()),
    ]
}

async fn summary_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
    query: Result<Query<TimelineQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let Query(q) = query.map_err(|e| PageError(WebError::bad_request("type", e.body_text())))?;
    let file = file_for(&app, &who, crn, Section::Summary).await?;
    let (filter, errors) = match kit::parse_timeline_filter(q.event_type.as_deref(), q.from.as_deref(), q.to.as_deref())
    {
        Ok(f) => (f, Vec::new()),
        // A bad filter shows the whole timeline under the errors, with what was typed.
        Err(es) => (TimelineFilter::default(), es.iter().map(field_error).collect()),
    };
    let events = kit::filter_timeline(&file.events, &filter)
        .into_iter()
        .map(|e| EventRow {
            seq: e.seq,
            occurred: instant(e.occurred_at),
            recorded: instant(e.recorded_at),
            recorded_by: e.recorded_by.to_string(),
            kind: view::event_type_label(e.event.event_type()),
            summary: e.event.summary(),
            late: view::recorded_late(e),
        })
        .collect();
    let range = match (filter.from, filter.to) {
        (None, None) => None,
        (Some(f), None) => Some(format!("from {}", day(f))),
        (None, Some(t)) => Some(format!("up to {}", day(t))),
        (Some(f), Some(t)) => Some(format!("from {} to {}", day(f), day(t))),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = SummaryPage {
        nav: Nav::of(&who),
        head: CaseHead::new(&file, Section::Summary),
        rows: summary_rows(&file),
        flags: flags(&file.state),
        options: EVENT_TYPES
            .iter()
            .map(|t| FilterOption {
                value: t,
                label: view::event_type_label(t),
                selected: filter.event_type.as_deref() == Some(*t),
            })
            .collect(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        check: check_list(&errors),
        errors,
        filtered_to: filter.event_type.as_deref().map(view::event_type_label),
        range,
        events,
    };
    Ok((status, html(page)?).into_response())
}

// ---------------------------------------------------------------------------------------
// Sentence and requirements

fn requirement_details(k: &RequirementKind) -> String {
    match k {
        RequirementKind::UnpaidWork { hours } => format!("{hours} hours"),
        RequirementKind::Rar { max_days } => format!("Up to {max_days} days"),
        RequirementKind::DrugRehabilitation { months }
        | RequirementKind::AlcoholTreatment { months }
        | RequirementKind::MentalHealthTreatment { months }
        | RequirementKind::Exclusion { months } => format!("{months} months"),
        RequirementKind::AlcoholAbstinenceMonitoring { days } => format!("{days} days"),
        RequirementKind::Curfew { months, hours_per_day, electronic_monitoring } => format!(
            "{months} months, {hours_per_day} hours a day{}",
            if *electronic_monitoring { ", electronically monitored" } else { "" }
        ),
        RequirementKind::Programme { name, sessions } => format!("{name}, {sessions} sessions"),
        RequirementKind::Residence | RequirementKind::ProhibitedActivity => "As set by the court".to_owned(),
    }
}

fn sentence_part(s: &SentenceRecord, state: &CaseState, progress: &[upw::progress::Progress]) -> Part {
    let sentence = &s.sentence;
    let mut rows = vec![
        row(
            "Status",
            match s.ended {
                None => "Active".to_owned(),
                Some((on, outcome)) => format!("Ended on {}: {}", day(on), words(&outcome)),
            },
        ),
        row("Sentence date", day(sentence.sentence_date)),
        row("Supervision ends", day(sentence.end_date)),
    ];
    if let Some(c) = &sentence.custody {
        rows.push(row(
            "Release",
            match s.released_on {
                Some(d) => format!("Released on {}", day(d)),
                None => format!("Expected on {}", day(c.release_date)),
            },
        ));
        rows.push(row("Licence ends", day(c.licence_end)));
        if let Some(pss) = c.pss_end {
            rows.push(row("Post-sentence supervision ends", day(pss)));
        }
    }
    let rar = domain::practice::rar_progress(state);
    let requirements = sentence
        .requirements
        .iter()
        .map(|r| {
            let progress = match &r.kind {
                RequirementKind::UnpaidWork { .. } => progress.iter().find(|p| p.requirement == r.id).map(|p| {
                    let text = format!(
                        "{} of {} done, {} left; to be worked by {}",
                        hours(p.credited_minutes),
                        hours(p.ordered_minutes),
                        hours(p.remaining_minutes),
                        day(p.deadline)
                    );
                    tagged(text, if p.at_risk { tag("red", "At risk of missing the deadline") } else { None })
                }),
                RequirementKind::Rar { .. } => rar
                    .iter()
                    .find(|p| p.requirement == r.id)
                    .map(|p| cell(format!("{} of {} days used, {} left", p.used, p.max_days, p.left))),
                _ => None,
            };
            let progress =
                progress.unwrap_or_else(|| cell(if s.is_active() { "Not counted" } else { "Sentence ended" }));
            vec![cell(format!("{} ({})", r.kind.label(), r.id)), cell(requirement_details(&r.kind)), progress]
        })
        .collect();
    let heading = format!("{} ({}), {}", sentence_kind(sentence.kind), sentence.id, day(sentence.sentence_date));
    let mut p = part(heading).rows(rows).table(
        "Requirements",
        vec!["Requirement", "Ordered", "Progress"],
        requirements,
        "This sentence has no requirements.",
    );
    for c in &sentence.licence_conditions {
        p = p.say(match c {
            LicenceCondition::Standard => "Licence condition: the standard conditions.".to_owned(),
            LicenceCondition::Additional { text } => format!("Additional licence condition: {text}."),
        });
    }
    p
}

async fn sentence_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let crn = kit::parse_crn(&crn_param(crn)?)?;
    let (file, progress) = cases::case_sentence(&app.stores, who.actor(), app.clock.now(), &crn, SENTENCE).await?;
    let mut parts: Vec<Part> =
        file.state.sentences.iter().rev().map(|s| sentence_part(s, &file.state, &progress)).collect();
    if parts.is_empty() {
        parts.push(part("Sentences").say("No sentence is recorded."));
    }
    section_page(&who, &file, Section::Sentence, parts)
}

// ---------------------------------------------------------------------------------------
// Assessment

fn assessment_parts(state: &CaseState) -> Vec<Part> {
    let Some(a) = &state.assessment else {
        return vec![part("Latest assessment").say("No assessment is recorded.")];
    };
    let percent = |p: Option<domain::assessment::Percent>| {
        p.map_or_else(|| "Not scored".to_owned(), |p| format!("{:.1}%", p.get()))
    };
    let mut rows = vec![
        row("Assessment", a.id.to_string()),
        row("Completed on", day(a.completed_on)),
        row(
            "Overall risk of serious harm",
            a.overall_rosh().map_or_else(|| "Not assessed".to_owned(), |r| r.label().to_owned()),
        ),
        row("OGRS (reoffending within 2 years)", percent(a.ogrs)),
        row("RSR (serious reoffending)", percent(a.rsr)),
    ];
    rows.push(row(
        "OGRS4 predictors",
        a.ogrs4.map_or_else(
            || "Not scored".to_owned(),
            |o| {
                format!(
                    "All reoffending {:.1}%, serious reoffending {:.1}% ({})",
                    o.arp.get(),
                    o.csrp.get(),
                    if o.dynamic { "dynamic" } else { "static" }
                )
            },
        ),
    ));
    let risks = RiskGroup::ALL
        .iter()
        .map(|g| {
            vec![
                cell(words(g)),
                cell(a.rosh.get(g).map_or_else(|| "Not assessed as at risk".to_owned(), |l| l.label().to_owned())),
            ]
        })
        .collect();
    let linked: Vec<NeedArea> = a.offending_related_needs().collect();
    let needs = NeedArea::ALL
        .iter()
        .map(|n| {
            vec![
                cell(n.label()),
                cell(a.needs.get(n).map_or_else(|| "Not assessed".to_owned(), words)),
                cell(if linked.contains(n) { "Yes" } else { "No" }),
            ]
        })
        .collect();
    vec![
        part("Latest assessment").rows(rows),
        part("Risk of serious harm").table("Risk of serious harm by group", vec!["Group", "Level"], risks, ""),
        part("Needs").table("Criminogenic needs", vec!["Need", "Assessed as", "Linked to offending"], needs, ""),
    ]
}

async fn assessment_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Assessment).await?;
    section_page(&who, &file, Section::Assessment, assessment_parts(&file.state))
}

// ---------------------------------------------------------------------------------------
// Sentence plan and its gaps

fn subject_words(s: PlanSubject) -> String {
    view::event_type_label(&s.label())
}

fn plan_parts(state: &CaseState) -> Vec<Part> {
    use domain::practice::contact::{sentence_plan_due, sentence_plan_started};
    use domain::practice::plan_gaps::{is_addressed, plan_gaps, plan_subjects, reason_for};
    let plan = match (sentence_plan_started(state), sentence_plan_due(state)) {
        (Some(on), _) => format!("Agreed on {}", day(on)),
        (None, Some(due)) => format!("Not agreed yet: due by {}", day(due)),
        (None, None) => "Not due yet: the person has not been seen".to_owned(),
    };
    let objectives = state
        .objectives
        .iter()
        .map(|o| {
            let addresses: Vec<String> = o
                .needs
                .iter()
                .map(|n| n.label().to_owned())
                .chain(o.risk_groups.iter().map(|g| subject_words(PlanSubject::RiskGroup(*g))))
                .collect();
            vec![
                cell(format!("{} ({})", o.description, o.id)),
                cell(if addresses.is_empty() { "Nothing assessed".to_owned() } else { addresses.join(", ") }),
                cell(words(&o.owner)),
                cell(if o.person_involved { "Yes" } else { "No" }),
            ]
        })
        .collect();
    let gaps = plan_gaps(state);
    let subjects = plan_subjects(state)
        .into_iter()
        .map(|(subject, assessed)| {
            let as_assessed = match assessed {
                Assessed::Need(s) => words(&s),
                Assessed::Risk(l) => format!("{} risk of serious harm", l.label()),
            };
            let status = if is_addressed(state, subject) {
                let by: Vec<String> = state
                    .objectives
                    .iter()
                    .filter(|o| match subject {
                        PlanSubject::Need(n) => o.needs.contains(&n),
                        PlanSubject::RiskGroup(g) => o.risk_groups.contains(&g),
                    })
                    .map(|o| o.id.to_string())
                    .collect();
                tagged(format!("By objective {}", by.join(", ")), tag("green", "Planned"))
            } else if let Some(r) = reason_for(state, subject) {
                tagged(
                    format!("Not planned because: {} (recorded {})", r.reason, day(r.on)),
                    tag("grey", "Reason recorded"),
                )
            } else if gaps.iter().any(|g| g.subject == subject) {
                tagged("Neither an objective nor a recorded reason", tag("red", "Gap"))
            } else {
                cell("")
            };
            vec![cell(subject_words(subject)), cell(as_assessed), status]
        })
        .collect();
    vec![
        part("The plan").rows(vec![row("Sentence plan", plan), row("Gaps", gaps.len().to_string())]),
        part("Objectives").table(
            "Objectives agreed",
            vec!["Objective", "Addresses", "Who acts", "Person involved"],
            objectives,
            "No objective is agreed.",
        ),
        part("Needs and risks to plan for").table(
            format!("From the latest assessment ({} with a gap)", gaps.len()),
            vec!["Need or risk", "Assessed as", "In the plan"],
            subjects,
            "The latest assessment asks the plan for nothing, or there is no assessment.",
        ),
    ]
}

async fn plan_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Plan).await?;
    section_page(&who, &file, Section::Plan, plan_parts(&file.state))
}

// ---------------------------------------------------------------------------------------
// Appointments

fn outcome_href(crn: &str, id: &LocalId) -> String {
    OUTCOME.replace("{crn}", crn).replace("{id}", id.as_str())
}

fn appointment_parts(file: &CaseFile) -> Vec<Part> {
    let crn = file.state.crn.to_string();
    let c = CaseDetail::new(&file.summary, file.today);
    let mut list: Vec<_> = file.state.appointments.iter().collect();
    list.sort_by_key(|a| (a.appointment.at, a.appointment.id.clone()));
    let rows = list
        .into_iter()
        .map(|a| {
            let ap = &a.appointment;
            let action = match (a.outcome, file.may_write) {
                (None, true) => Cell {
                    href: Some(outcome_href(&crn, &ap.id)),
                    hidden: format!(" of appointment {} on {}", ap.id, at(ap.at)),
                    ..cell("Record the outcome")
                },
                _ => cell(""),
            };
            vec![
                cell(at(ap.at)),
                cell(format!("{} ({}), {} minutes", ap.kind.label(), ap.id, ap.minutes)),
                cell(ap.requirement.as_ref().map_or_else(String::new, ToString::to_string)),
                cell(a.outcome.map_or("Not recorded", Outcome::label)),
                action,
            ]
        })
        .collect();
    vec![
        part("Contact").rows(vec![
            row("Next appointment", c.next_appointment.map_or_else(|| "None booked".to_owned(), at)),
            row("Last face-to-face contact", day_or(c.last_face_to_face, "None recorded")),
            Row {
                key: "Contact due by".into(),
                value: day_or(c.contact_due_by, "Not required"),
                tag: if c.overdue { tag("red", "Overdue") } else { None },
            },
        ]),
        part("All appointments").table(
            "Appointments, oldest first",
            vec!["When", "Contact", "Requirement", "Outcome", "Action"],
            rows,
            "No appointment is booked.",
        ),
    ]
}

async fn appointments_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Appointments).await?;
    section_page(&who, &file, Section::Appointments, appointment_parts(&file))
}

// ---------------------------------------------------------------------------------------
// The outcome form

/// The outcome form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutcomeForm {
    pub outcome: String,
    pub reason: String,
    pub note: String,
    pub version: String,
}

impl OutcomeForm {
    fn from_body(body: &[u8]) -> Self {
        let field = |name: &str| kit::form_field(body, name).unwrap_or_default().trim().to_owned();
        OutcomeForm {
            outcome: field("outcome"),
            reason: field("reason"),
            note: field("note"),
            version: field("version"),
        }
    }
}

/// The outcome form, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedOutcome {
    pub outcome: Outcome,
    pub note: Option<Note>,
    pub expected_version: u64,
}

/// Checks the outcome form: every bad field, or what to record. A reason chosen with another
/// outcome is ignored (radios cannot be cleared without script).
pub fn parse_outcome_form(form: &OutcomeForm) -> Result<CheckedOutcome, Vec<FieldProblem>> {
    let mut errors = Vec::new();
    let outcome = outcome_of(&form.outcome, &form.reason).map_err(|e| errors.push(e)).ok();
    let note = match form.note.as_str() {
        "" => None,
        typed => match Note::parse(typed) {
            Ok(n) => Some(n),
            Err(e) => {
                errors.push(FieldProblem::new("note", format!("note: {}", e.problem)));
                None
            }
        },
    };
    let version = form.version.parse::<u64>().map_err(|_| {
        errors.push(FieldProblem::new(
            "outcome",
            "outcome: the form did not say which version of the case it was read at; reload the page and \
                      record the outcome again",
        ))
    });
    match (outcome, version, errors.is_empty()) {
        (Some(outcome), Ok(expected_version), true) => Ok(CheckedOutcome { outcome, note, expected_version }),
        _ => Err(errors),
    }
}

/// What someone sees when the case changed between reading the form and saving it.
pub const CHANGED_MEANWHILE: &str = "outcome: someone else changed this case after you opened this form, so \
                                     nothing was saved. Check the appointment below and record the outcome again.";

struct Choice {
    value: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    selected: bool,
}

#[derive(Template)]
#[template(path = "case_outcome.html")]
struct OutcomePage {
    nav: Option<Nav>,
    head: CaseHead,
    id: String,
    rows: Vec<Row>,
    recorded: Option<&'static str>,
    version: String,
    outcomes: Vec<Choice>,
    reasons: Vec<Choice>,
    note: String,
    errors: Vec<FieldProblem>,
    check: String,
}

impl OutcomePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn appointment_param(raw: &str) -> Result<LocalId, PageError> {
    LocalId::parse(raw).map_err(|e| PageError(WebError::bad_request("id", format!("id: {}", e.problem))))
}

/// The outcome form shown again: what was typed, what is wrong with it, and the version it
/// carries: the one it was first read at (so a change in between is still caught), or, with
/// `None`, the case's version now.
struct Attempt {
    form: OutcomeForm,
    errors: Vec<FieldProblem>,
    status: StatusCode,
    version: Option<String>,
}

/// The form for one appointment, blank or as attempted.
async fn render_outcome(
    app: &AppState,
    who: &SignedIn,
    crn: &Crn,
    id: &LocalId,
    attempt: Attempt,
) -> Result<Response, PageError> {
    let Attempt { form, errors, status, version: typed_version } = attempt;
    let file = cases::case_file(&app.stores, who.actor(), app.clock.now(), crn, OUTCOME).await?;
    let Some(record) = file.state.appointments.iter().find(|a| &a.appointment.id == id) else {
        return Err(PageError(WebError::NotFound(format!("There is no appointment {id} on case {crn}."))));
    };
    let ap = &record.appointment;
    let rows = vec![
        row("When", at(ap.at)),
        row("Contact", format!("{}, {} minutes", ap.kind.label(), ap.minutes)),
        row("Requirement", ap.requirement.as_ref().map_or_else(|| "None".to_owned(), ToString::to_string)),
    ];
    let outcomes = OUTCOMES
        .iter()
        .map(|(value, label)| Choice {
            value,
            label,
            // Whether it counts is the domain's to say (`Outcome::is_enforceable`).
            hint: outcome_of(value, "other")
                .ok()
                .filter(|o| o.is_enforceable())
                .map(|_| "An enforceable failure: it counts towards a warning and breach."),
            selected: *value == form.outcome,
        })
        .collect();
    let reasons = ABSENCE_REASONS
        .iter()
        .map(|(value, label)| Choice { value, label, hint: None, selected: *value == form.reason })
        .collect();
    let page = OutcomePage {
        nav: Nav::of(who),
        head: CaseHead::new(&file, Section::Appointments),
        id: id.to_string(),
        rows,
        recorded: record.outcome.map(Outcome::label),
        version: typed_version.unwrap_or_else(|| file.state.version.to_string()),
        outcomes,
        reasons,
        note: form.note.clone(),
        check: check_list(&errors),
        errors,
    };
    Ok((status, html(page)?).into_response())
}

fn two_params(p: Result<Path<(String, String)>, PathRejection>) -> Result<(String, String), PageError> {
    p.map(|Path(v)| v).map_err(|e| PageError(WebError::bad_request("id", format!("id: {}", e.body_text()))))
}

/// The outcome form: only for those who may record on the case.
async fn outcome_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    let (crn, id) = two_params(path)?;
    let crn = kit::parse_crn(&crn)?;
    cases::writable_case(&app.stores, who.actor(), app.clock.now(), &crn).await?;
    let id = appointment_param(&id)?;
    let blank = Attempt { form: OutcomeForm::default(), errors: Vec::new(), status: StatusCode::OK, version: None };
    render_outcome(&app, &who, &crn, &id, blank).await
}

async fn record_outcome(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (crn, id) = two_params(path)?;
    let crn = kit::parse_crn(&crn)?;
    cases::writable_case(&app.stores, who.actor(), app.clock.now(), &crn).await?;
    let id = appointment_param(&id)?;
    let form = OutcomeForm::from_body(&body);
    let again = |errors: Vec<FieldProblem>, status, version: Option<String>| {
        let attempt = Attempt { form: form.clone(), errors, status, version };
        let (app, who, crn, id) = (&app, &who, crn.clone(), id.clone());
        async move { render_outcome(app, who, &crn, &id, attempt).await }
    };
    let checked = match parse_outcome_form(&form) {
        Ok(c) => c,
        Err(errors) => return again(errors, StatusCode::BAD_REQUEST, Some(form.version.clone())).await,
    };
    let (version, outcome, note) = (checked.expected_version, checked.outcome, checked.note);
    let recorded =
        cases::record_outcome(&app.stores, who.actor(), app.clock.now(), &crn, version, &id, outcome, note).await;
    match recorded {
        Ok(_) => Ok(Redirect::to(&Section::Appointments.href(crn.as_str())).into_response()),
        Err(ServiceError::Store(StoreError::Conflict { .. })) => {
            let error = FieldProblem::new("outcome", CHANGED_MEANWHILE);
            again(vec![error], StatusCode::CONFLICT, None).await
        }
        Err(ServiceError::Store(StoreError::Rejected { field: "appointment", .. })) => {
            Err(PageError(WebError::NotFound(format!("There is no appointment {id} on case {crn}."))))
        }
        Err(ServiceError::Store(StoreError::Rejected { index, field, problem })) => {
            let error = FieldProblem::new("outcome", format!("outcome: event {index}: {field}: {problem}"));
            again(vec![error], StatusCode::UNPROCESSABLE_ENTITY, Some(form.version.clone())).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Enforcement

fn enforcement_parts(state: &CaseState, today: jiff::civil::Date) -> Vec<Part> {
    use domain::practice::state::{EnforcementRoute, enforcement_route};
    let enf: &Enforcement = &state.practice.enforcement;
    let route = match enforcement_route(state, today) {
        Some(EnforcementRoute::Breach) => "Breach, taken to court",
        Some(EnforcementRoute::Recall) => "Recall to custody",
        None => "Nothing is enforced now (no active sentence, or in custody)",
    };
    let counted = enf.counted_failures();
    let status = vec![
        row("How failures are enforced", route),
        row("Failures counted in the last 12 months", enf.failure_count(today).to_string()),
        row(
            "Breach",
            enf.open_breach().map_or_else(|| "None open".to_owned(), |b| format!("Open since {}", day(b.referred_on))),
        ),
        row(
            "Recall recommendation",
            enf.open_recall().map_or_else(
                || "None awaiting a decision".to_owned(),
                |r| format!("{} recommended on {}, awaiting a decision", words(&r.kind), day(r.recommended_on)),
            ),
        ),
    ];
    let failures = enf
        .failures
        .iter()
        .map(|f| {
            let warning = enf.warnings.iter().find(|w| w.appointment == f.appointment);
            let counts = counted.iter().any(|c| c.appointment == f.appointment);
            vec![
                cell(f.appointment.to_string()),
                cell(day(f.on)),
                cell(day(f.aware_on)),
                cell(warning.map_or_else(|| "None".to_owned(), |w| format!("Issued {}", day(w.on)))),
                if counts { tagged("Yes", None) } else { cell("No: dealt with by a breach or recall") },
            ]
        })
        .collect();
    let warnings = enf
        .warnings
        .iter()
        .map(|w| vec![cell(w.appointment.to_string()), cell(day(w.on)), cell(day(w.response_due))])
        .collect();
    let exceptions = enf
        .exceptions
        .iter()
        .map(|e| {
            vec![
                cell(e.appointment.to_string()),
                cell(day(e.on)),
                cell(e.by_manager.to_string()),
                cell(e.reason.to_string()),
            ]
        })
        .collect();
    let breaches = enf
        .breaches
        .iter()
        .map(|b| {
            let failures: Vec<String> = b.failures.iter().map(ToString::to_string).collect();
            vec![
                cell(day(b.referred_on)),
                cell(if failures.is_empty() {
                    b.reason.as_ref().map_or_else(|| "None listed".to_owned(), |r| format!("None listed: {r}"))
                } else {
                    failures.join(", ")
                }),
                cell(day_or(b.referral_due, "No deadline")),
                match b.pack_completed_on {
                    Some(on) => tagged(format!("Sent {}", day(on)), tag("green", "Complete")),
                    None => tagged(format!("Due by {}", day(b.pack_due)), tag("orange", "Incomplete")),
                },
                cell(b.resolved.map_or_else(|| "Open".to_owned(), |(on, o)| format!("{} on {}", words(&o), day(on)))),
            ]
        })
        .collect();
    let recalls = enf
        .recalls
        .iter()
        .map(|r| {
            let reasons: Vec<String> = r.reasons.iter().map(words).collect();
            vec![
                cell(day(r.recommended_on)),
                cell(words(&r.kind)),
                cell(reasons.join(", ")),
                cell(r.decided.as_ref().map_or_else(
                    || "Awaiting a decision".to_owned(),
                    |d| format!("{} by {} on {}", words(&d.decision), d.by_manager, day(d.on)),
                )),
            ]
        })
        .collect();
    vec![
        part("Where enforcement stands").rows(status),
        part("Failures to comply").table(
            "Appointments whose outcome is an enforceable failure",
            vec!["Appointment", "Date", "Recorded on", "Warning letter", "Counts now"],
            failures,
            "No failure to comply is recorded.",
        ),
        part("Warning letters").table(
            "Warning letters",
            vec!["Appointment", "Issued", "Response due"],
            warnings,
            "No warning letter is recorded.",
        ),
        part("Managers' exceptions").table(
            "Exceptions to a mandatory breach or recall",
            vec!["Appointment", "Recorded", "Manager", "Reason"],
            exceptions,
            "No exception is recorded.",
        ),
        part("Breaches").table(
            "Breaches",
            vec!["Referred", "Failures", "Referral due", "Breach pack", "Outcome"],
            breaches,
            "No breach is recorded.",
        ),
        part("Recall").table(
            "Recall recommendations",
            vec!["Recommended", "Kind", "Reasons", "Decision"],
            recalls,
            "No recall recommendation is recorded.",
        ),
    ]
}

async fn enforcement_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Enforcement).await?;
    section_page(&who, &file, Section::Enforcement, enforcement_parts(&file.state, file.today))
}

// ---------------------------------------------------------------------------------------
// Reviews and management oversight

fn review_parts(state: &CaseState, today: jiff::civil::Date) -> Vec<Part> {
    use domain::practice::oversight::overdue_actions;
    use domain::practice::reviews::reviews_due;
    let reviews = &state.practice.reviews;
    let due = reviews_due(state)
        .into_iter()
        .map(|r| {
            let what =
                r.trigger.map_or_else(|| "Scheduled review".to_owned(), |t| format!("Triggered by {}", t.label()));
            let late = if r.due < today { tag("red", "Overdue") } else { None };
            vec![cell(what), tagged(day(r.due), late)]
        })
        .collect();
    let open: Vec<_> =
        state.current_sentence().map_or_else(Vec::new, |s| reviews.open_triggers(s.sentence.sentence_date));
    let triggers = reviews
        .triggers
        .iter()
        .map(|t| {
            let is_open = open.contains(&t);
            vec![
                cell(view::event_type_label(t.trigger.label())),
                cell(day(t.on)),
                cell(match (&t.note, t.derived) {
                    (Some(n), _) => n.to_string(),
                    (None, true) => "From a change in the overall risk of serious harm".to_owned(),
                    (None, false) => String::new(),
                }),
                if is_open { tagged("", tag("orange", "Open")) } else { tagged("", tag("green", "Reviewed")) },
            ]
        })
        .collect();
    let completed = reviews
        .completed
        .iter()
        .map(|r| {
            let addressed = r.triggers_addressed.as_ref().map_or_else(
                || "Every open trigger".to_owned(),
                |ts| ts.iter().map(|t| t.label()).collect::<Vec<_>>().join(", "),
            );
            vec![cell(day(r.on)), cell(addressed)]
        })
        .collect();
    let overdue: Vec<&LocalId> = overdue_actions(state, today).map(|a| &a.id).collect();
    let actions = state
        .practice
        .oversight
        .iter()
        .flat_map(|r| r.actions.iter().map(move |a| (r, a)))
        .map(|(r, a)| {
            let status = match r.completed.iter().find(|(id, _)| id == &a.id) {
                Some((_, on)) => tagged(format!("Done {}", day(*on)), tag("green", "Done")),
                None if overdue.contains(&&a.id) => tagged("", tag("red", "Overdue")),
                None => tagged("", tag("orange", "Open")),
            };
            vec![
                cell(format!("{} ({})", a.text, a.id)),
                cell(format!("{} by {} on {}: {}", words(&r.judgement), r.by_manager, day(r.on), r.reviewed)),
                cell(a.owner.to_string()),
                cell(day(a.due)),
                status,
            ]
        })
        .collect();
    vec![
        part("Reviews due").table(
            "Reviews due on the current sentence",
            vec!["Review", "Due by"],
            due,
            "No review is due.",
        ),
        part("Review triggers").table(
            "Triggers",
            vec!["Trigger", "On", "Note", "Status"],
            triggers,
            "No review trigger is recorded.",
        ),
        part("Completed reviews").table(
            "Completed reviews",
            vec!["Reviewed on", "Triggers addressed"],
            completed,
            "No review is recorded.",
        ),
        part("Management oversight").table(
            "Actions from management oversight",
            vec!["Action", "Oversight", "Owner", "Due", "Status"],
            actions,
            "No oversight action is recorded.",
        ),
    ]
}

async fn reviews_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Reviews).await?;
    section_page(&who, &file, Section::Reviews, review_parts(&file.state, file.today))
}

// ---------------------------------------------------------------------------------------
// Safeguarding

fn safeguarding_parts(state: &CaseState, today: jiff::civil::Date) -> Vec<Part> {
    use domain::practice::safeguarding::{SafeguardingDue, in_view_since, safeguarding_due};
    let sg = &state.practice.safeguarding;
    let declared = sg.declared.map_or_else(
        || "Nothing declared".to_owned(),
        |d| {
            let what = match (d.children, d.domestic_abuse) {
                (true, true) => "Children and domestic abuse",
                (true, false) => "Children",
                (false, _) => "Domestic abuse",
            };
            format!("{what}, since {}", day(d.since))
        },
    );
    let rows = vec![
        row(
            "Children or domestic abuse in view",
            in_view_since(state).map_or_else(|| "No".to_owned(), |d| format!("Yes, since {}", day(d))),
        ),
        row("Declared by the officer", declared),
    ];
    let due = safeguarding_due(state)
        .into_iter()
        .map(|d| {
            let (what, agency, on) = match d {
                SafeguardingDue::Request { agency, due } => ("Request a check", agency, due),
                SafeguardingDue::Chase { agency, due } => ("Chase the check", agency, due),
            };
            vec![
                cell(format!("{what} with {}", agency.label())),
                tagged(day(on), if on < today { tag("red", "Overdue") } else { None }),
            ]
        })
        .collect();
    let checks = sg
        .checks
        .iter()
        .map(|c| {
            let chased: Vec<String> = c.chased_on.iter().map(|d| day(*d)).collect();
            vec![
                cell(view::event_type_label(c.agency.label())),
                cell(c.local_authority.to_string()),
                cell(day(c.requested_on)),
                cell(if chased.is_empty() { "Not chased".to_owned() } else { chased.join(", ") }),
                match &c.response {
                    Some((on, note)) => tagged(format!("{}: {note}", day(*on)), tag("green", "Answered")),
                    None => tagged("", tag("orange", "Awaiting an answer")),
                },
            ]
        })
        .collect();
    vec![
        part("In view").rows(rows),
        part("Checks due").table("Checks to request or chase", vec!["What", "Due by"], due, "No check is due."),
        part("Checks").table(
            "Safeguarding checks",
            vec!["Agency", "Local authority", "Requested", "Chased", "Answer"],
            checks,
            "No safeguarding check is recorded.",
        ),
    ]
}

async fn safeguarding_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Safeguarding).await?;
    section_page(&who, &file, Section::Safeguarding, safeguarding_parts(&file.state, file.today))
}

// ---------------------------------------------------------------------------------------
// Referrals

fn referral_parts(state: &CaseState) -> Vec<Part> {
    let rows = state
        .practice
        .referrals
        .iter()
        .map(|r| {
            let status = match r.status() {
                ReferralStatus::Referred => "Referred".to_owned(),
                ReferralStatus::Accepted => "Accepted".to_owned(),
                ReferralStatus::Started => "Started".to_owned(),
                ReferralStatus::Closed(c) => words(&c),
            };
            let mut dates = vec![format!("Referred {}", day(r.referred_on))];
            dates.extend(r.accepted_on.map(|d| format!("accepted {}", day(d))));
            dates.extend(r.started_on.map(|d| format!("started {}", day(d))));
            if let Some((on, c)) = r.closed {
                let how = match c {
                    Closure::Completed => "completed",
                    Closure::Cancelled => "cancelled",
                    Closure::Ended => "ended early",
                };
                dates.push(format!("{how} {}", day(on)));
            }
            if let Some(why) = &r.close_reason {
                dates.push(format!("because: {why}"));
            }
            let recorded: Vec<String> =
                r.outcomes.iter().map(|o| format!("{}: {}", o.objective, words(&o.achievement))).collect();
            let missing: Vec<String> = r.outcomes_missing().iter().map(ToString::to_string).collect();
            let outcomes = if missing.is_empty() {
                cell(recorded.join(", "))
            } else {
                tagged(recorded.join(", "), tag("red", format!("Missing for {}", missing.join(", "))))
            };
            let needs: Vec<&str> = r.needs.iter().map(|n| n.label()).collect();
            let objectives: Vec<String> = r.objectives.iter().map(ToString::to_string).collect();
            vec![
                cell(format!("{} ({})", r.service, r.id)),
                cell(format!("{}; objectives {}", needs.join(", "), objectives.join(", "))),
                cell(status),
                cell(dates.join(", ")),
                outcomes,
            ]
        })
        .collect();
    vec![part("Referrals to interventions").table(
        "Referrals, in the order made",
        vec!["Service", "For", "Status", "Dates", "Outcomes"],
        rows,
        "No referral is recorded.",
    )]
}

async fn referrals_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let file = file_for(&app, &who, crn, Section::Referrals).await?;
    section_page(&who, &file, Section::Referrals, referral_parts(&file.state))
}

// ---------------------------------------------------------------------------------------
// The officer's worklist

struct WorkRow {
    what: String,
    crn: String,
    name: String,
    href: String,
    section: &'static str,
    due: String,
    late: String,
}

struct WorkGroup {
    caption: &'static str,
    overdue: bool,
    rows: Vec<WorkRow>,
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    nav: Option<Nav>,
    officer: String,
    officer_name: String,
    on: String,
    groups: Vec<WorkGroup>,
}

async fn worklist_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    code: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let code = code
        .map(|Path(v)| v)
        .map_err(|e| PageError(WebError::bad_request("code", format!("code: {}", e.body_text()))))?;
    let officer = kit::parse_officer(&code)?;
    let (caseload, items) = cases::worklist(&app.stores, who.actor(), app.clock.now(), &officer, None).await?;
    let caseload = view::Caseload::new(caseload.officer, caseload.officer_name, &caseload.cases, caseload.on);
    let names: std::collections::BTreeMap<&domain::Crn, String> =
        caseload.cases.iter().map(|c| (&c.crn, format!("{} {}", c.first_name, c.family_name))).collect();
    // Overdue first; within each, the worklist's own order (risk, then lateness, then due date).
    let (overdue, due): (Vec<&WorkItem>, Vec<&WorkItem>) = items.iter().partition(|i| i.overdue);
    let rows = |items: Vec<&WorkItem>| -> Vec<WorkRow> {
        items
            .into_iter()
            .map(|i| {
                let section = Section::resolving(i.kind);
                WorkRow {
                    what: what_to_do(i),
                    crn: i.crn.to_string(),
                    name: names.get(&i.crn).cloned().unwrap_or_else(|| i.crn.to_string()),
                    href: section.href(i.crn.as_str()),
                    section: section.label(),
                    due: day(i.due),
                    late: lateness(i),
                }
            })
            .collect()
    };
    let groups = [("Overdue", true, rows(overdue)), ("Due", false, rows(due))]
        .into_iter()
        .filter(|(_, _, rows)| !rows.is_empty())
        .map(|(caption, overdue, rows)| WorkGroup { caption, overdue, rows })
        .collect();
    let c = &caseload;
    html(WorklistPage {
        nav: Nav::of(&who),
        officer: c.officer.to_string(),
        officer_name: c.officer_name.clone().unwrap_or_else(|| c.officer.to_string()),
        on: day(c.on),
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::contact::AbsenceReason;

    fn form(outcome: &str, reason: &str, note: &str, version: &str) -> OutcomeForm {
        OutcomeForm { outcome: outcome.into(), reason: reason.into(), note: note.into(), version: version.into() }
    }

    /// (form, the fields named in error (empty when accepted), the outcome recorded)
    #[test]
    fn the_outcome_form_names_every_bad_field() {
        let long = "x".repeat(4001);
        let rows: &[(OutcomeForm, &[&str], Option<Outcome>)] = &[
            (form("unacceptable_absence", "", "", "7"), &[], Some(Outcome::UnacceptableAbsence)),
            (
                form("acceptable_absence", "medical", "GP letter seen", "7"),
                &[],
                Some(Outcome::AcceptableAbsence { reason: AbsenceReason::Medical }),
            ),
            // A reason left chosen with another outcome is not held against the form.
            (form("attended_complied", "medical", "", "7"), &[], Some(Outcome::AttendedComplied)),
            (form("acceptable_absence", "", "", "7"), &["reason"], None),
            (form("acceptable_absence", "sunshine", "", "7"), &["reason"], None),
            (form("", "", "", "7"), &["outcome"], None),
            (form("went_to_the_pub", "", "", "7"), &["outcome"], None),
            (form("attended_complied", "", &long, "7"), &["note"], None),
            (form("attended_complied", "", "", ""), &["outcome"], None),
            (form("", "", &long, "x"), &["outcome", "note", "outcome"], None),
        ];
        for (f, fields, outcome) in rows {
            match parse_outcome_form(f) {
                Ok(c) => {
                    assert!(fields.is_empty(), "{f:?} accepted, expected errors on {fields:?}");
                    assert_eq!(Some(c.outcome), *outcome, "{f:?}");
                    assert_eq!(c.expected_version, 7);
                }
                Err(errors) => {
                    let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                    assert_eq!(&named, fields, "{f:?}");
                    for e in &errors {
                        assert!(e.message.starts_with(&format!("{}:", e.field)), "{}", e.message);
                    }
                }
            }
        }
    }

    #[test]
    fn the_timeline_filter_names_each_bad_field() {
        let date = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let ok = kit::parse_timeline_filter(Some("outcome_recorded"), Some("2026-03-02"), Some(" 2026-03-09 "));
        assert_eq!(
            ok.unwrap(),
            kit::TimelineFilter {
                event_type: Some("outcome_recorded".into()),
                from: Some(date("2026-03-02")),
                to: Some(date("2026-03-09"))
            }
        );
        assert_eq!(kit::parse_timeline_filter(Some(""), Some(""), None).unwrap(), kit::TimelineFilter::default());
        // (type, from, to, the fields named in error)
        type Filter<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, &'a [&'a str]);
        let rows: &[Filter] = &[
            (Some("party"), None, None, &["type"]),
            (None, Some("2 March"), None, &["from"]),
            (None, None, Some("2026-02-30"), &["to"]),
            (None, Some("2026-03-09"), Some("2026-03-02"), &["to"]),
            (Some("party"), Some("x"), Some("y"), &["type", "from", "to"]),
        ];
        for (t, from, to, fields) in rows {
            let errors = kit::parse_timeline_filter(*t, *from, *to).unwrap_err();
            let named: Vec<&str> = errors.iter().filter_map(WebError::field).collect();
            assert_eq!(&named, fields, "{t:?} {from:?} {to:?}");
            for e in &errors {
                let f = e.field().unwrap();
                assert!(e.message().starts_with(&format!("{f}:")), "{}", e.message());
            }
        }
    }

    #[test]
    fn the_summary_says_which_fields_to_check() {
        let e = |field| FieldProblem::new(field, String::new());
        assert_eq!(check_list(&[]), "");
        assert_eq!(check_list(&[e("type")]), "Check the type.");
        assert_eq!(check_list(&[e("type"), e("from"), e("to")]), "Check the type, the from date and the to date.");
        assert_eq!(check_list(&[e("outcome"), e("outcome")]), "Check the outcome.");
    }
}
