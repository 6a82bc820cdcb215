//! The placement notice: what the person is told, in plain printable text (issue 5, "What the
//! person is told"; the report: a phone line nobody answered).

use jiff::civil::DateTime;

use crate::project::{Project, ProjectKind, Supervisor};
use crate::travel::Journey;

/// What to bring, by kind of project (issue 5: "what to bring").
pub fn what_to_bring(kind: ProjectKind) -> &'static [&'static str] {
    match kind {
        ProjectKind::Group => &[
            "this letter",
            "sturdy shoes or boots, and clothes for working outdoors in any weather",
            "a packed lunch and a drink",
            "any medication you need during the day",
        ],
        ProjectKind::Placement | ProjectKind::Singleton => &[
            "this letter",
            "clean, comfortable clothes you can work in",
            "a packed lunch and a drink",
            "any medication you need during the day",
        ],
    }
}

pub struct NoticeFor<'a> {
    pub name: &'a str,
    pub crn: &'a str,
    pub project: &'a Project,
    pub supervisor: &'a Supervisor,
    pub start: DateTime,
    pub end: DateTime,
    /// The person's first session: it starts with an induction.
    pub induction: bool,
    /// From the person's home borough, when both ends are known (`travel::journey`).
    pub journey: Option<Journey>,
}

/// The notice, lines of at most 80 characters apart from long addresses.
pub fn placement_notice(n: &NoticeFor<'_>) -> String {
    let p = n.project;
    let mut out = String::new();
    out.push_str("UNPAID WORK: YOUR PLACEMENT\n\n");
    out.push_str(&format!("To: {} (case reference {})\n\n", n.name, n.crn));
    out.push_str(&format!("Project: {}\n", p.name));
    out.push_str(&format!("Date: {}\n", n.start.date().strftime("%A %-d %B %Y")));
    out.push_str(&format!(
        "Time: arrive by {}; the session ends at {}\n",
        n.start.time().strftime("%H:%M"),
        n.end.time().strftime("%H:%M")
    ));
    out.push_str(&format!("Meeting point: {}\n", p.meeting_point));
    out.push_str(&format!("How to get there: {}\n", p.directions));
    if let Some(j) = n.journey.filter(|j| j.known) {
        out.push_str(&format!("Journey: {} by public transport from your home borough\n", j.about()));
    }
    if n.induction {
        out.push_str("This is your first session: it starts with a short induction (health and safety, and\nwhat is expected of you), so please be on time.\n");
    }
    if p.accessible {
        out.push_str("The meeting point and the work are step-free.\n");
    }
    out.push_str("\nPlease bring:\n");
    for item in what_to_bring(p.kind) {
        out.push_str(&format!("  - {item}\n"));
    }
    out.push_str(&format!(
        "\nIf you are running late, are ill, or cannot come, call your supervisor {} on {} before the start time.\n",
        n.supervisor.name,
        n.supervisor.phone.as_str()
    ));
    out.push_str("If you do not come and do not tell us why, this may count as a failure to comply with your order.\n");
    out
}
