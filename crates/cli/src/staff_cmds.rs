//! `probity staff reduction add | list | end`: the reductions of an officer's contracted
//! hours (long-term sickness, facility time, trainee and newly qualified protection) that the
//! workload model takes off their available points; and `probity staff report add | list |
//! complete`: the reports an officer is preparing (standard court, fast and parole reports),
//! whose points the model adds to their workload while they are in preparation. Flags are
//! checked here, and the store checks the rest (known staff, the policy's facility time
//! maximum, dates in order), before anything is written.

use crate::store_cmds::DbArgs;
use analytics::workload::{Reduction, ReductionKind, Report, ReportKind};
use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use domain::ids::{Code, Crn};
use jiff::civil::Date;
use std::process::ExitCode;
use store::{CaseStore, WorkloadStore, with_store};

#[derive(Args)]
pub struct StaffArgs {
    #[command(subcommand)]
    pub command: StaffCommand,
}

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Reductions of an officer's hours, which lower the points available to them.
    #[command(subcommand)]
    Reduction(ReductionCommand),
    /// Reports an officer is preparing, which add to their workload points.
    #[command(subcommand)]
    Report(ReportCommand),
    /// A member of staff's self-declared protected characteristics, for disproportionality.
    #[command(subcommand)]
    Equality(crate::staff_equality_cmds::EqualityCommand),
    /// Flags of staff processes (performance improvement) on a member of staff.
    #[command(subcommand)]
    Flag(crate::staff_equality_cmds::FlagCommand),
}

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

pub async fn run(a: StaffArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        StaffCommand::Reduction(ReductionCommand::Add(a)) => add(a).await,
        StaffCommand::Reduction(ReductionCommand::List(a)) => list(a).await,
        StaffCommand::Reduction(ReductionCommand::End(a)) => end(a).await,
        StaffCommand::Report(ReportCommand::Add(a)) => add_report(a).await,
        StaffCommand::Report(ReportCommand::List(a)) => list_reports(a).await,
        StaffCommand::Report(ReportCommand::Complete(a)) => complete_report(a).await,
        StaffCommand::Equality(c) => crate::staff_equality_cmds::equality(c).await,
        StaffCommand::Flag(c) => crate::staff_equality_cmds::flag(c).await,
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

/// The demo's reductions, so the team view's capacity shows them: facility time at 20% for
/// the first officer of `team` (by code) and newly qualified protection, from a month ago,
/// for the second. Returns the officers given one.
pub async fn demo_reductions<S: WorkloadStore>(
    store: &S,
    org: &domain::org::Organisation,
    team: &Code,
    today: Date,
) -> anyhow::Result<Vec<Code>> {
    let mut officers: Vec<&Code> =
        org.staff.iter().filter(|s| &s.team == team && s.grade != domain::org::Grade::Spo).map(|s| &s.code).collect();
    officers.sort();
    let month_ago = today.checked_sub(jiff::Span::new().months(1))?;
    let kinds = [ReductionKind::FacilityTime { percent: 20 }, ReductionKind::NewlyQualified];
    let mut given = Vec::new();
    for (officer, kind) in officers.into_iter().zip(kinds) {
        store.add_reduction(officer, &Reduction { kind, start: month_ago, end: None }).await?;
        given.push(officer.clone());
    }
    Ok(given)
}

/// The demo's reports in preparation, so the team view's workload shows them: a standard
/// court report asked for a week ago on a person not yet a case, due in two weeks, and a
/// parole report asked for a fortnight ago on a custodial case of the officer's own (with no
/// CRN if they have none), due in four weeks, for the last two officers of `team` (by code;
/// both to one officer if the team has only one). Returns the officers given one.
pub async fn demo_reports<S: WorkloadStore + CaseStore>(
    store: &S,
    org: &domain::org::Organisation,
    team: &Code,
    today: Date,
) -> anyhow::Result<Vec<Code>> {
    let mut officers: Vec<&Code> =
        org.staff.iter().filter(|s| &s.team == team && s.grade != domain::org::Grade::Spo).map(|s| &s.code).collect();
    officers.sort();
    let days = |n: i64| today.checked_add(jiff::Span::new().days(n));
    let mut given = Vec::new();
    for (i, officer) in officers.into_iter().rev().cycle().take(2).enumerate() {
        let report = if i == 0 {
            Report {
                kind: ReportKind::StandardCourt,
                crn: None,
                requested: days(-7)?,
                due: Some(days(14)?),
                completed: None,
            }
        } else {
            // On one of the officer's custodial cases, if they have one.
            let custodial = Some(domain::sentence::SentenceKind::Custodial);
            let crn = store.caseload(officer).await?.into_iter().find(|c| c.sentence_kind == custodial).map(|c| c.crn);
            Report { kind: ReportKind::Parole, crn, requested: days(-14)?, due: Some(days(28)?), completed: None }
        };
        store.add_report(officer, &report).await?;
        if !given.contains(officer) {
            given.push(officer.clone());
        }
    }
    Ok(given)
}
