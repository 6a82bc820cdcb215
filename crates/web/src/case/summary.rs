//! The summary and the timeline, with its filters.

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;

#[derive(Debug, Deserialize)]
pub(super) struct TimelineQuery {
    #[serde(rename = "type")]
    event_type: Option<String>,
    outcome: Option<String>,
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
        crate::kit::error_for(&self.errors, field)
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
    match (&file.summary.officer, &file.officer_name) {
        (Some(code), Some(name)) => format!("{name} ({code})"),
        (Some(code), None) => code.to_string(),
        (None, _) => "Not allocated".to_owned(),
    }
}

fn team_name(file: &CaseFile) -> String {
    match (&file.summary.team, &file.team_name) {
        (Some(_), Some(name)) => name.clone(),
        (Some(code), None) => code.to_string(),
        (None, _) => "Not allocated".to_owned(),
    }
}

/// The case's flags: registrations, MAPPA, an open breach or recall, safeguarding in view,
/// escalation to the NPS, a transfer waiting. Each is a fact of the record or a derivation of `domain::practice`.
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
    if let Some(t) = &state.practice.transfer {
        out.push(format!("Transfer to team {} asked for on {}: {}", t.to, day(t.requested_on), t.reason));
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

pub(super) async fn summary_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
    query: Result<Query<TimelineQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let Query(q) = query.map_err(|e| PageError(WebError::bad_request("type", e.body_text())))?;
    let file = file_for(&app, &who, crn, Section::Summary).await?;
    let parsed =
        kit::parse_timeline_filter(q.event_type.as_deref(), q.outcome.as_deref(), q.from.as_deref(), q.to.as_deref());
    let (filter, errors) = match parsed {
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
        head: CaseHead::new(&file, Section::Summary, &who),
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
        check: kit::check_list(&errors),
        errors,
        filtered_to: filter.event_type.as_deref().map(|t| match &filter.outcome {
            Some(o) => format!("{}: {}", view::event_type_label(t), o.replace('_', " ")),
            None => view::event_type_label(t),
        }),
        range,
        events,
    };
    Ok((status, html(page)?).into_response())
}
