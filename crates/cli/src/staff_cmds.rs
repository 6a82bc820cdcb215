//! `probity staff reduction add | list | end`: the reductions of an officer's contracted
//! hours (long-term sickness, facility time, trainee and newly qualified protection) that the
//! workload model takes off their available points; and `probity staff report add | list |
//! complete`: the reports an officer is preparing (standard court, fast and parole reports),
//! whose points the model adds to their workload while they are in preparation. Each
//! command parses its flags, calls its use case in `services::staff` (which checks them and
//! records the write at the clock's now) and prints.

use crate::common::DbArgs;
use analytics::workload::{Reduction, ReductionKind, Report};
use clap::{Args, Subcommand};
use domain::ids::Code;
use services::Stores;
use services::clock::Clock;
use services::staff::{self, ReductionForm, ReportForm, kind_name, report_kind_name};
use std::process::ExitCode;
use store::with_store;

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

pub async fn reduction(c: ReductionCommand, clock: Clock) -> anyhow::Result<ExitCode> {
    match c {
        ReductionCommand::Add(a) => add(a, clock).await,
        ReductionCommand::List(a) => list(a).await,
        ReductionCommand::End(a) => end(a, clock).await,
    }
}

pub async fn report(c: ReportCommand, clock: Clock) -> anyhow::Result<ExitCode> {
    match c {
        ReportCommand::Add(a) => add_report(a, clock).await,
        ReportCommand::List(a) => list_reports(a).await,
        ReportCommand::Complete(a) => complete_report(a, clock).await,
    }
}

async fn add(a: AddArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    let form = ReductionForm {
        staff: &a.staff,
        kind: &a.kind,
        percent: a.percent.as_deref(),
        from: &a.from,
        to: a.to.as_deref(),
    };
    let added = with_store!(a.db.url()?, |s| staff::add_reduction(&Stores::new(s), clock.now(), form).await?);
    println!("added reduction {}: {}", added.id, line(&added.staff, &added.reduction));
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
    let (staff, found) = with_store!(a.db.url()?, |s| staff::reductions(&Stores::new(s), &a.staff).await?);
    for r in &found {
        println!("{}\t{}", r.id, line(&r.staff, &r.reduction));
    }
    if found.is_empty() {
        println!("{staff} has no reductions");
    }
    Ok(ExitCode::SUCCESS)
}

async fn end(a: EndArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    let (id, on) =
        with_store!(a.db.url()?, |s| staff::end_reduction(&Stores::new(s), clock.now(), &a.id, &a.on).await?);
    println!("reduction {id} ends on {on}");
    Ok(ExitCode::SUCCESS)
}

/// A report in words: `OFF1 standard-court on X123456 requested 2026-03-02, due 2026-03-23,
/// not yet completed`.
fn report_line(staff: &Code, r: &Report) -> String {
    let on = r.crn.as_ref().map_or_else(String::new, |c| format!(" on {c}"));
    let due = r.due.map_or_else(String::new, |d| format!(", due {d}"));
    let done = r.completed.map_or_else(|| "not yet completed".to_owned(), |d| format!("completed {d}"));
    format!("{staff} {}{on} requested {}{due}, {done}", report_kind_name(r.kind), r.requested)
}

async fn add_report(a: ReportAddArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    let form = ReportForm {
        staff: &a.staff,
        kind: &a.kind,
        crn: a.crn.as_deref(),
        requested_on: &a.requested_on,
        due_on: a.due_on.as_deref(),
    };
    let added = with_store!(a.db.url()?, |s| staff::add_report(&Stores::new(s), clock.now(), form).await?);
    println!("added report {}: {}", added.id, report_line(&added.staff, &added.report));
    Ok(ExitCode::SUCCESS)
}

async fn list_reports(a: ListArgs) -> anyhow::Result<ExitCode> {
    let (staff, found) = with_store!(a.db.url()?, |s| staff::reports(&Stores::new(s), &a.staff).await?);
    for r in &found {
        println!("{}\t{}", r.id, report_line(&r.staff, &r.report));
    }
    if found.is_empty() {
        println!("{staff} has no reports");
    }
    Ok(ExitCode::SUCCESS)
}

async fn complete_report(a: CompleteArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    let (id, on) =
        with_store!(a.db.url()?, |s| staff::complete_report(&Stores::new(s), clock.now(), &a.id, &a.on).await?);
    println!("report {id} completed on {on}");
    Ok(ExitCode::SUCCESS)
}
