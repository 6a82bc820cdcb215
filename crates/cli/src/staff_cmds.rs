//! `probity staff reduction add | list | end`: the reductions of an officer's contracted
//! hours (long-term sickness, facility time, trainee and newly qualified protection) that the
//! workload model takes off their available points; and `probity staff report add | list |
//! complete`: the reports an officer is preparing (standard court, fast and parole reports),
//! whose points the model adds to their workload while they are in preparation. Flags are
//! checked here, and the store checks the rest (known staff, the policy's facility time
//! maximum, dates in order), before anything is written.

use crate::common::DbArgs;
use analytics::workload::{Reduction, ReductionKind, Report, ReportKind};
use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use domain::ids::{Code, Crn};
use jiff::civil::Date;
use std::process::ExitCode;
use store::{CaseStore, WorkloadStore, with_store};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Record a report a member of staff is to prepare.
    Add(ReportAddArgs),
    /// List a member of staff's reports, in preparation or completed.
    List(ListArgs),
    /// Record a report as completed: --on is the day.
    Complete(CompleteArgs),
}

#[derive(Args)]
pub struct ReportAddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The staff code of the officer preparing it.
    #[arg(long)]
    pub staff: String,
    /// standard-court, fast or parole.
    #[arg(long)]
    pub kind: String,
    /// The CRN of the person it is on, if known (a pre-sentence report may come before the
    /// person has a case).
    #[arg(long)]
    pub crn: Option<String>,
    /// The day it was asked for (YYYY-MM-DD): it weighs from this day.
    #[arg(long)]
    pub requested_on: String,
    /// The day it is due (YYYY-MM-DD), if given.
    #[arg(long)]
    pub due_on: Option<String>,
}

#[derive(Args)]
pub struct CompleteArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The report's id, as `add` and `list` print it.
    #[arg(long)]
    pub id: String,
    /// The day it was completed (YYYY-MM-DD): it no longer weighs from this day.
    #[arg(long)]
    pub on: String,
}

#[derive(Subcommand)]
pub enum ReductionCommand {
    /// Record a reduction of a member of staff's hours.
    Add(AddArgs),
    /// List a member of staff's reductions, whatever their dates.
    List(ListArgs),
    /// End a reduction: --on is its last day.
    End(EndArgs),
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Their staff code.
    #[arg(long)]
    pub staff: String,
    /// long-term-sickness, facility-time, trainee or newly-qualified.
    #[arg(long)]
    pub kind: String,
    /// The agreed percent of contracted hours: facility time only.
    #[arg(long)]
    pub percent: Option<String>,
    /// The first day (YYYY-MM-DD); for a trainee, the start of training; for a newly
    /// qualified officer, the day of qualifying.
    #[arg(long)]
    pub from: String,
    /// The last day (YYYY-MM-DD); open-ended when left out.
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub staff: String,
}

#[derive(Args)]
pub struct EndArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The reduction's id, as `add` and `list` print it.
    #[arg(long)]
    pub id: String,
    /// Its last day (YYYY-MM-DD).
    #[arg(long)]
    pub on: String,
}

pub async fn reduction(c: ReductionCommand) -> anyhow::Result<ExitCode> {
    match c {
        ReductionCommand::Add(a) => add(a).await,
        ReductionCommand::List(a) => list(a).await,
        ReductionCommand::End(a) => end(a).await,
    }
}

pub async fn report(c: ReportCommand) -> anyhow::Result<ExitCode> {
    match c {
        ReportCommand::Add(a) => add_report(a).await,
        ReportCommand::List(a) => list_reports(a).await,
        ReportCommand::Complete(a) => complete_report(a).await,
    }
}

/// The kinds as the flag names them, in the order the help lists them.
const KINDS: [&str; 4] = ["long-term-sickness", "facility-time", "trainee", "newly-qualified"];

fn kind_name(kind: ReductionKind) -> &'static str {
    match kind {
        ReductionKind::LongTermSickness => KINDS[0],
        ReductionKind::FacilityTime { .. } => KINDS[1],
        ReductionKind::TraineeProbationOfficer => KINDS[2],
        ReductionKind::NewlyQualified => KINDS[3],
    }
}

/// The kind from `--kind` and `--percent`: only facility time takes (and needs) a percent.
pub fn parse_kind(kind: &str, percent: Option<&str>) -> anyhow::Result<ReductionKind> {
    let percent = match percent {
        None => None,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => Some(n),
            _ => bail!("percent: `{p}` is not a whole number from 1 to 100"),
        },
    };
    let kind = match kind {
        "long-term-sickness" => ReductionKind::LongTermSickness,
        "facility-time" => match percent {
            Some(percent) => return Ok(ReductionKind::FacilityTime { percent }),
            None => bail!("percent: facility time needs --percent, the agreed percent of contracted hours"),
        },
        "trainee" => ReductionKind::TraineeProbationOfficer,
        "newly-qualified" => ReductionKind::NewlyQualified,
        other => bail!("kind: `{other}` is not one of {}", KINDS.join(", ")),
    };
    if percent.is_some() {
        bail!(
            "percent: {kind} takes its percent from the workload policy, so --percent is for facility time only",
            kind = kind_name(kind)
        );
    }
    Ok(kind)
}

fn parse_date(field: &str, s: &str) -> anyhow::Result<Date> {
    s.parse().map_err(|_| anyhow!("{field}: `{s}` is not a date (YYYY-MM-DD)"))
}

fn parse_staff(s: &str) -> anyhow::Result<Code> {
    Code::parse(s).map_err(|e| anyhow!("staff: {e}"))
}

async fn add(a: AddArgs) -> anyhow::Result<ExitCode> {
    let staff = parse_staff(&a.staff)?;
    let kind = parse_kind(&a.kind, a.percent.as_deref())?;
    let start = parse_date("from", &a.from)?;
    let end = a.to.as_deref().map(|t| parse_date("to", t)).transpose()?;
    if let Some(end) = end
        && end < start
    {
        bail!("to: {end} is before --from {start}");
    }
    let reduction = Reduction { kind, start, end };
    let id = with_store!(a.db.url()?, |s| s.add_reduction(&staff, &reduction).await?);
    println!("added reduction {id}: {}", line(&staff, &reduction));
    Ok(ExitCode::SUCCESS)
}

/// A reduction in words: `OFF1 facility-time 20% from 2026-01-05 to 2026-12-31`.
fn line(staff: &Code, r: &Reduction) -> String {
    let percent = match r.kind {
        ReductionKind::FacilityTime { percent } => format!(" {percent}%"),
        _ => String::new(),
    };
    let to = r.end.map_or_else(|| "open-ended".to_owned(), |d| format!("to {d}"));
    format!("{staff} {}{percent} from {} {to}", kind_name(r.kind), r.start)
}

async fn list(a: ListArgs) -> anyhow::Result<ExitCode> {
    let staff = parse_staff(&a.staff)?;
    let found = with_store!(a.db.url()?, |s| {
        if !s.organisation().await?.staff.iter().any(|st| st.code == staff) {
            bail!("staff: there is no member of staff {staff}");
        }
        s.reductions_for(std::slice::from_ref(&staff)).await?
    });
    for r in &found {
        println!("{}\t{}", r.id, line(&r.staff, &r.reduction));
    }
    if found.is_empty() {
        println!("{staff} has no reductions");
    }
    Ok(ExitCode::SUCCESS)
}

async fn end(a: EndArgs) -> anyhow::Result<ExitCode> {
    let id: i64 = a.id.parse().map_err(|_| anyhow!("id: `{}` is not a reduction id", a.id))?;
    let on = parse_date("on", &a.on)?;
    let ended = with_store!(a.db.url()?, |s| s.end_reduction(id, on).await?);
    if !ended {
        bail!("id: there is no reduction {id}");
    }
    println!("reduction {id} ends on {on}");
    Ok(ExitCode::SUCCESS)
}

/// The report kinds as the flag names them, in the order the help lists them.
const REPORT_KINDS: [&str; 3] = ["standard-court", "fast", "parole"];

fn report_kind_name(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::StandardCourt => REPORT_KINDS[0],
        ReportKind::Fast => REPORT_KINDS[1],
        ReportKind::Parole => REPORT_KINDS[2],
    }
}

/// The report kind from `--kind`.
pub fn parse_report_kind(kind: &str) -> anyhow::Result<ReportKind> {
    Ok(match kind {
        "standard-court" => ReportKind::StandardCourt,
        "fast" => ReportKind::Fast,
        "parole" => ReportKind::Parole,
        other => bail!("kind: `{other}` is not one of {}", REPORT_KINDS.join(", ")),
    })
}

/// A report in words: `OFF1 standard-court on X123456 requested 2026-03-02, due 2026-03-23,
/// not yet completed`.
fn report_line(staff: &Code, r: &Report) -> String {
    let on = r.crn.as_ref().map_or_else(String::new, |c| format!(" on {c}"));
    let due = r.due.map_or_else(String::new, |d| format!(", due {d}"));
    let done = r.completed.map_or_else(|| "not yet completed".to_owned(), |d| format!("completed {d}"));
    format!("{staff} {}{on} requested {}{due}, {done}", report_kind_name(r.kind), r.requested)
}

async fn add_report(a: ReportAddArgs) -> anyhow::Result<ExitCode> {
    let staff = parse_staff(&a.staff)?;
    let kind = parse_report_kind(&a.kind)?;
    // `Crn::parse`'s error names the field: "crn: `...` is not a CRN ...".
    let crn = a.crn.as_deref().map(Crn::parse).transpose()?;
    let requested = parse_date("requested-on", &a.requested_on)?;
    let due = a.due_on.as_deref().map(|d| parse_date("due-on", d)).transpose()?;
    if let Some(due) = due
        && due < requested
    {
        bail!("due-on: {due} is before --requested-on {requested}");
    }
    let report = Report { kind, crn, requested, due, completed: None };
    let id = with_store!(a.db.url()?, |s| s.add_report(&staff, &report).await?);
    println!("added report {id}: {}", report_line(&staff, &report));
    Ok(ExitCode::SUCCESS)
}

async fn list_reports(a: ListArgs) -> anyhow::Result<ExitCode> {
    let staff = parse_staff(&a.staff)?;
    let found = with_store!(a.db.url()?, |s| {
        if !s.organisation().await?.staff.iter().any(|st| st.code == staff) {
            bail!("staff: there is no member of staff {staff}");
        }
        s.reports_for(std::slice::from_ref(&staff)).await?
    });
    for r in &found {
        println!("{}\t{}", r.id, report_line(&r.staff, &r.report));
    }
    if found.is_empty() {
        println!("{staff} has no reports");
    }
    Ok(ExitCode::SUCCESS)
}

async fn complete_report(a: CompleteArgs) -> anyhow::Result<ExitCode> {
    let id: i64 = a.id.parse().map_err(|_| anyhow!("id: `{}` is not a report id", a.id))?;
    let on = parse_date("on", &a.on)?;
    let completed = with_store!(a.db.url()?, |s| s.complete_report(id, on).await?);
    if !completed {
        bail!("id: there is no report {id}");
    }
    println!("report {id} completed on {on}");
    Ok(ExitCode::SUCCESS)
}
