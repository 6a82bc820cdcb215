//! `probity upw solve`: an instance file solved exactly; and `probity upw schedule | allocate |
//! absent | attend | progress | notice | seed-projects`: unpaid work over a store. Each parses
//! its flags and calls `upw` or `services::upw`.

use clap::{Args, Subcommand};
use domain::ids::{Code, Crn, LocalId};
use services::clock::Clock;
use std::path::PathBuf;
use std::process::ExitCode;
use store::{DatabaseUrl, with_store};

use crate::common::{DbArgs, date_flag, read};

#[derive(Args)]
pub struct UpwArgs {
    #[command(subcommand)]
    pub command: UpwCommand,
}

#[derive(Subcommand)]
pub enum UpwCommand {
    /// Solve a weekly unpaid-work scheduling instance (docs/rules/practice.md#the-scheduling-problem format) exactly;
    /// JSON on stdout.
    Solve {
        #[arg(long)]
        instance: PathBuf,
    },
    #[command(flatten)]
    Store(UpwStoreCommand),
}

#[derive(Subcommand)]
pub enum UpwStoreCommand {
    /// Schedule a week from the store and book the allocations on each case.
    Schedule(ScheduleArgs),
    /// Place one person on one session by hand; refused (nothing written) if it breaks a rule.
    Allocate(AllocateArgs),
    /// A supervisor cannot work on a date: stand down, credit, notify and reschedule.
    Absent(AbsentArgs),
    /// The supervisor's record of the day for one person: the outcome and, when attended, the times.
    Attend(Box<AttendArgs>),
    /// Hours done against ordered, projected completion and the deadline, as JSON.
    Progress(ProgressArgs),
    /// The printable placement notice for an allocated appointment.
    Notice(NoticeArgs),
    /// Load synthetic projects and supervisors for the store's boroughs (for the demo).
    SeedProjects(SeedArgs),
}

#[derive(Args)]
pub struct ScheduleArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// ISO week, e.g. 2026-W48.
    #[arg(long)]
    pub week: String,
    /// Sessions before this date are left as they are (default today).
    #[arg(long)]
    pub today: Option<String>,
    /// Staff code recorded on the bookings.
    #[arg(long, default_value = "UPW-SCHEDULER")]
    pub by: String,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AllocateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub crn: String,
    /// The session, e.g. UPW0001-20261128 (project and date).
    #[arg(long)]
    pub session: String,
    /// once, weekly or fortnightly: how the place recurs while hours are outstanding.
    #[arg(long, default_value = "weekly")]
    pub recurrence: String,
    /// Sessions before this date are refused (default today).
    #[arg(long)]
    pub today: Option<String>,
    /// Staff code recorded on the booking.
    #[arg(long, default_value = "UPW-STAFF")]
    pub by: String,
}

#[derive(Args)]
pub struct AbsentArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub supervisor: String,
    #[arg(long)]
    pub date: String,
    /// The absence became known on the day (people have already come).
    #[arg(long)]
    pub on_the_day: bool,
    #[arg(long, default_value = "UPW-SCHEDULER")]
    pub by: String,
}

#[derive(Args)]
pub struct AttendArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub crn: String,
    /// The booked unpaid work appointment, e.g. UPW-P1-20261123.
    #[arg(long)]
    pub appointment: String,
    /// attended_complied, attended_failed_to_comply, sent_home_behaviour, sent_home_service,
    /// acceptable_absence, unacceptable_absence, failed_to_attend, rescheduled_person or
    /// rescheduled_service.
    #[arg(long)]
    pub outcome: String,
    /// Why an absence is acceptable (e.g. medical, employment).
    #[arg(long, default_value = "")]
    pub reason: String,
    /// HH:MM, for attended outcomes.
    #[arg(long, default_value = "")]
    pub started: String,
    #[arg(long, default_value = "")]
    pub finished: String,
    #[arg(long, default_value = "")]
    pub penalty: String,
    /// Credited travel minutes (at most 180).
    #[arg(long, default_value = "")]
    pub travel: String,
    /// Other credited minutes (at most 180).
    #[arg(long, default_value = "")]
    pub other: String,
    #[arg(long, default_value = "UPW-SUPERVISOR")]
    pub by: String,
}

#[derive(Args)]
pub struct ProgressArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub crn: String,
    #[arg(long)]
    pub today: Option<String>,
    /// Apply the hours-reduction incentive (off by default).
    #[arg(long)]
    pub incentive: bool,
}

#[derive(Args)]
pub struct NoticeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub crn: String,
    #[arg(long)]
    pub appointment: String,
}

#[derive(Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, default_value_t = 4)]
    pub per_borough: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn code(flag: &str, v: &str) -> anyhow::Result<Code> {
    Code::parse(v).map_err(|e| anyhow::anyhow!("{flag}: {}", e.problem))
}

fn crn(v: &str) -> anyhow::Result<Crn> {
    Crn::parse(v).map_err(|e| anyhow::anyhow!("--crn: {}", e.problem))
}

fn url(db: &DbArgs) -> anyhow::Result<DatabaseUrl> {
    db.url()
}

pub async fn upw(a: UpwArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    match a.command {
        UpwCommand::Solve { instance } => {
            let text = read("--instance", &instance)?;
            let parsed = upw::Instance::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", instance.display()))?;
            println!("{}", upw::solve(&parsed).to_json());
            Ok(ExitCode::SUCCESS)
        }
        UpwCommand::Store(c) => run(c, clock).await,
    }
}

async fn run(c: UpwStoreCommand, clock: Clock) -> anyhow::Result<ExitCode> {
    let now = clock.now();
    match c {
        UpwStoreCommand::Schedule(a) => {
            let monday = upw::project::parse_iso_week(&a.week).map_err(|e| anyhow::anyhow!("--week: {}", e.problem))?;
            let today = date_flag("--today", a.today.as_deref(), clock)?;
            let by = code("--by", &a.by)?;
            let report = with_store!(url(&a.db)?, |s| services::upw::schedule_week(
                &services::Stores::new(s.clone()),
                monday,
                today,
                &by,
                now
            )
            .await?);
            if a.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "Week of {}: {} people, {} sessions; {} placements (kept {}, booked {} of which {} recurring, moved off {}); objective {:.2}; unmet sessions {}",
                    report.week,
                    report.people,
                    report.sessions,
                    report.placements,
                    report.kept,
                    report.booked,
                    report.carried,
                    report.moved_off,
                    report.objective,
                    report.unmet_sessions
                );
                for u in &report.unplaced {
                    println!("  not placed: {} ({})", u.crn, u.explanation);
                }
                for s in &report.without_supervisor {
                    println!("  no supervisor: {s}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        UpwStoreCommand::Allocate(a) => {
            let crn = crn(&a.crn)?;
            let recurrence = upw::allocate::Recurrence::parse(a.recurrence.trim())
                .map_err(|e| anyhow::anyhow!("--recurrence: {}", e.problem))?;
            let today = date_flag("--today", a.today.as_deref(), clock)?;
            let by = code("--by", &a.by)?;
            let session = a.session.trim();
            let placed = with_store!(url(&a.db)?, |s| services::upw::allocate(
                &services::Stores::new(s.clone()),
                &crn,
                session,
                recurrence,
                today,
                &by,
                now
            )
            .await
            .map_err(|e| match e {
                // A refusal names its field, which is the flag.
                services::upw::UpwError::Invalid { message, .. } => anyhow::anyhow!("--{message}"),
                other => other.into(),
            })?);
            println!(
                "{} placed on {} ({}), appointment {}; case at version {}",
                placed.crn,
                placed.session,
                placed.recurrence.label().to_lowercase(),
                placed.appointment,
                placed.version
            );
            Ok(ExitCode::SUCCESS)
        }
        UpwStoreCommand::Absent(a) => {
            let supervisor = code("--supervisor", &a.supervisor)?;
            let on = date_flag("--date", Some(&a.date), clock)?;
            let by = code("--by", &a.by)?;
            let notice =
                if a.on_the_day { upw::policy::AbsenceNotice::OnTheDay } else { upw::policy::AbsenceNotice::Advance };
            let report = with_store!(url(&a.db)?, |s| services::upw::supervisor_absent(
                &services::Stores::new(s.clone()),
                &supervisor,
                on,
                notice,
                &by,
                now
            )
            .await?);
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        UpwStoreCommand::Attend(a) => {
            let crn = crn(&a.crn)?;
            let appointment =
                LocalId::parse(&a.appointment).map_err(|e| anyhow::anyhow!("--appointment: {}", e.problem))?;
            let by = code("--by", &a.by)?;
            // The same checks as the register page's form, each error named by its flag.
            let form = services::upw::AttendanceForm {
                person: crn.to_string(),
                outcome: a.outcome.trim().to_owned(),
                reason: a.reason.trim().to_owned(),
                started: a.started.trim().to_owned(),
                finished: a.finished.trim().to_owned(),
                penalty: a.penalty.trim().to_owned(),
                travel: a.travel.trim().to_owned(),
                other: a.other.trim().to_owned(),
            };
            let record = services::upw::parse_attendance(&form, &[(crn, appointment)]).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(|e| format!("--{}", e.message)).collect();
                anyhow::anyhow!("{}", lines.join("; "))
            })?;
            let version = with_store!(url(&a.db)?, |s| services::upw::record_attendance(
                &services::Stores::new(s.clone()),
                &record.crn,
                &record.appointment,
                record.outcome,
                record.timesheet,
                &by,
                now
            )
            .await?);
            let credited = record.timesheet.map_or(0, |t| t.credited_minutes(record.outcome));
            println!(
                "{} {}: {}; {credited} minutes credited; case at version {version}",
                record.crn,
                record.appointment,
                record.outcome.label()
            );
            Ok(ExitCode::SUCCESS)
        }
        UpwStoreCommand::Progress(a) => {
            let crn = crn(&a.crn)?;
            let today = date_flag("--today", a.today.as_deref(), clock)?;
            let policy = upw::policy::IncentivePolicy { enabled: a.incentive, ..Default::default() };
            let p = with_store!(url(&a.db)?, |s| services::upw::progress(
                &services::Stores::new(s.clone()),
                &crn,
                today,
                &policy
            )
            .await?);
            println!("{}", serde_json::to_string_pretty(&p)?);
            Ok(ExitCode::SUCCESS)
        }
        UpwStoreCommand::Notice(a) => {
            let crn = crn(&a.crn)?;
            let appointment =
                LocalId::parse(&a.appointment).map_err(|e| anyhow::anyhow!("--appointment: {}", e.problem))?;
            let text = with_store!(url(&a.db)?, |s| services::upw::placement_notice(
                &services::Stores::new(s.clone()),
                &crn,
                &appointment
            )
            .await?);
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        UpwStoreCommand::SeedProjects(a) => {
            let n = with_store!(url(&a.db)?, |s| services::upw::seed_synthetic_projects(
                &services::Stores::new(s.clone()),
                a.seed,
                a.per_borough
            )
            .await?);
            eprintln!("loaded {n} unpaid work projects into {}", a.db.database);
            Ok(ExitCode::SUCCESS)
        }
    }
}
