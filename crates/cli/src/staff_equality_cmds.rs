//! `probity staff equality set`: a member of staff's self-declared protected characteristics;
//! and `probity staff flag add | end | list`: the performance-improvement flags recorded
//! against staff. Both feed the staff process table of `probity mi disproportionality
//! --outcome performance-improvement`. Flags are checked here, and the store checks the rest
//! (known staff, dates in order, a flag raised by someone else), before anything is written.

use crate::common::DbArgs;
use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use domain::ids::Code;
use domain::person::{Ethnicity, Gender};
use domain::staff::{FlagKind, Religion, StaffCharacteristics, StaffFlag};
use jiff::civil::Date;
use services::clock::Clock;
use std::process::ExitCode;
use store::{CaseStore, StaffEqualityStore, StoreError, with_store};

#[derive(Subcommand)]
pub enum EqualityCommand {
    /// Record what a member of staff has declared. Only the characteristics given change;
    /// `not_recorded` removes one (a declaration withdrawn).
    Set(SetArgs),
}

#[derive(Args)]
pub struct SetArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Their staff code.
    #[arg(long)]
    pub staff: String,
    /// male, female, other or not_recorded.
    #[arg(long)]
    pub gender: Option<String>,
    /// white, mixed, asian, black, other, not_stated or not_recorded.
    #[arg(long)]
    pub ethnicity: Option<String>,
    /// YYYY-MM-DD, or not_recorded: their age band is worked out from it.
    #[arg(long)]
    pub date_of_birth: Option<String>,
    /// yes, no or not_recorded.
    #[arg(long)]
    pub disability: Option<String>,
    /// no_religion, christian, buddhist, hindu, jewish, muslim, sikh, other, not_stated or
    /// not_recorded.
    #[arg(long)]
    pub religion: Option<String>,
}

#[derive(Subcommand)]
pub enum FlagCommand {
    /// Record a flag on a member of staff.
    Add(FlagAddArgs),
    /// End a flag: --on is its last day.
    End(FlagEndArgs),
    /// List a member of staff's flags, whatever their dates.
    List(FlagListArgs),
}

#[derive(Args)]
pub struct FlagAddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The staff code of the member of staff it is on.
    #[arg(long)]
    pub staff: String,
    /// performance-improvement.
    #[arg(long)]
    pub kind: String,
    /// The first day (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// The last day (YYYY-MM-DD); open while left out.
    #[arg(long)]
    pub to: Option<String>,
    /// The staff code of the manager who raised it.
    #[arg(long)]
    pub raised_by: String,
}

#[derive(Args)]
pub struct FlagEndArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The flag's id, as `add` and `list` print it.
    #[arg(long)]
    pub id: String,
    /// Its last day (YYYY-MM-DD).
    #[arg(long)]
    pub on: String,
}

#[derive(Args)]
pub struct FlagListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub staff: String,
}

/// The word that removes a characteristic.
const NOT_RECORDED: &str = "not_recorded";

/// `None`: the flag was not given (no change); `Some(None)`: `not_recorded`.
fn value<T>(
    field: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    choices: &str,
) -> anyhow::Result<Option<Option<T>>> {
    match raw {
        None => Ok(None),
        Some(NOT_RECORDED) => Ok(Some(None)),
        Some(v) => match parse(v) {
            Some(t) => Ok(Some(Some(t))),
            None => bail!("{field}: `{v}` is not one of {choices} or {NOT_RECORDED}"),
        },
    }
}

fn parse_date(field: &str, s: &str) -> anyhow::Result<Date> {
    s.parse().map_err(|_| anyhow!("{field}: `{s}` is not a date (YYYY-MM-DD)"))
}

fn parse_staff(field: &str, s: &str) -> anyhow::Result<Code> {
    Code::parse(s).map_err(|e| anyhow!("{field}: {}", e.problem))
}

fn names<T: Copy>(all: &[T], id: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|v| id(*v)).collect::<Vec<_>>().join(", ")
}

/// The store's refusals name its fields; the CLI's flags spell `raised_by` as `raised-by`.
fn flag_error(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Field { field, problem } if field == "raised_by" => {
            anyhow!("raised-by:{}", problem.strip_prefix("raised_by:").unwrap_or(&problem))
        }
        e => e.into(),
    }
}

/// A declaration in words, each characteristic named: `gender female, ethnicity not recorded, ...`.
fn declaration(c: &StaffCharacteristics) -> String {
    let shown = |v: Option<&str>| v.unwrap_or("not recorded").to_owned();
    let born = c.date_of_birth.map(|d| d.to_string());
    [
        format!("gender {}", shown(c.gender.map(Gender::id))),
        format!("ethnicity {}", shown(c.ethnicity.map(Ethnicity::id))),
        format!("date of birth {}", shown(born.as_deref())),
        format!("disability {}", shown(c.disability.map(|d| if d { "yes" } else { "no" }))),
        format!("religion {}", shown(c.religion.map(Religion::id))),
    ]
    .join(", ")
}

pub async fn equality(command: EqualityCommand, clock: Clock) -> anyhow::Result<ExitCode> {
    let EqualityCommand::Set(a) = command;
    let staff = parse_staff("staff", &a.staff)?;
    let gender = value("gender", a.gender.as_deref(), Gender::parse, &names(&Gender::ALL, Gender::id))?;
    let ethnicity =
        value("ethnicity", a.ethnicity.as_deref(), Ethnicity::parse, &names(&Ethnicity::ALL, Ethnicity::id))?;
    let today = clock.today();
    let date_of_birth = match a.date_of_birth.as_deref() {
        None => None,
        Some(NOT_RECORDED) => Some(None),
        Some(d) => {
            let born = parse_date("date-of-birth", d)?;
            if born >= today {
                bail!("date-of-birth: {born} is not before today ({today})");
            }
            Some(Some(born))
        }
    };
    let disability = value(
        "disability",
        a.disability.as_deref(),
        |v| match v {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        "yes, no",
    )?;
    let religion = value("religion", a.religion.as_deref(), Religion::parse, &names(&Religion::ALL, Religion::id))?;
    if gender.is_none() && ethnicity.is_none() && date_of_birth.is_none() && disability.is_none() && religion.is_none()
    {
        bail!("gender, ethnicity, date-of-birth, disability, religion: give at least one");
    }
    let declared = with_store!(a.db.url()?, |s| {
        let mut c = s.staff_characteristics(&staff).await?;
        if let Some(v) = gender {
            c.gender = v;
        }
        if let Some(v) = ethnicity {
            c.ethnicity = v;
        }
        if let Some(v) = date_of_birth {
            c.date_of_birth = v;
        }
        if let Some(v) = disability {
            c.disability = v;
        }
        if let Some(v) = religion {
            c.religion = v;
        }
        s.set_staff_characteristics(&staff, &c).await?;
        c
    });
    println!("recorded the declaration of {staff}: {}", declaration(&declared));
    Ok(ExitCode::SUCCESS)
}

/// A flag in words: `ST000002 performance-improvement from 2026-03-02 to 2026-06-30, raised by
/// ST000001`.
fn flag_line(staff: &Code, f: &StaffFlag) -> String {
    let to = f.end.map_or_else(|| "open".to_owned(), |d| format!("to {d}"));
    format!("{staff} {} from {} {to}, raised by {}", f.kind.id(), f.start, f.raised_by)
}

pub async fn flag(command: FlagCommand) -> anyhow::Result<ExitCode> {
    match command {
        FlagCommand::Add(a) => {
            let staff = parse_staff("staff", &a.staff)?;
            let Some(kind) = FlagKind::parse(&a.kind) else {
                bail!("kind: `{}` is not one of {}", a.kind, names(&FlagKind::ALL, FlagKind::id))
            };
            let start = parse_date("from", &a.from)?;
            let end = a.to.as_deref().map(|t| parse_date("to", t)).transpose()?;
            if let Some(end) = end
                && end < start
            {
                bail!("to: {end} is before --from {start}");
            }
            let raised_by = parse_staff("raised-by", &a.raised_by)?;
            let f = StaffFlag { kind, start, end, raised_by };
            let id = with_store!(a.db.url()?, |s| s.add_staff_flag(&staff, &f).await.map_err(flag_error)?);
            println!("added flag {id}: {}", flag_line(&staff, &f));
        }
        FlagCommand::End(a) => {
            let id: i64 = a.id.parse().map_err(|_| anyhow!("id: `{}` is not a flag id", a.id))?;
            let on = parse_date("on", &a.on)?;
            if !with_store!(a.db.url()?, |s| s.end_staff_flag(id, on).await?) {
                bail!("id: there is no flag {id}");
            }
            println!("flag {id} ends on {on}");
        }
        FlagCommand::List(a) => {
            let staff = parse_staff("staff", &a.staff)?;
            let found = with_store!(a.db.url()?, |s| {
                if !s
                    .organisation_around(std::slice::from_ref(&staff), &[])
                    .await?
                    .staff
                    .iter()
                    .any(|m| m.code == staff)
                {
                    bail!("staff: there is no member of staff {staff}");
                }
                s.staff_flags_for(std::slice::from_ref(&staff)).await?
            });
            for f in &found {
                println!("{}\t{}", f.id, flag_line(&f.staff, &f.flag));
            }
            if found.is_empty() {
                println!("{staff} has no flags");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
