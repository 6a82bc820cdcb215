//! `probity staff equality set`: a member of staff's self-declared protected characteristics;
//! and `probity staff flag add | end | list`: the performance-improvement flags recorded
//! against staff. Both feed the staff process table of `probity mi disproportionality
//! --outcome performance-improvement`. Each command parses its flags, calls its use case in
//! `services::staff` (which checks them and records the write at the clock's now) and prints.

use crate::common::DbArgs;
use clap::{Args, Subcommand};
use domain::ids::Code;
use domain::person::{Ethnicity, Gender};
use domain::staff::{Religion, StaffCharacteristics, StaffFlag};
use services::Stores;
use services::clock::Clock;
use services::staff::{self, DeclarationForm, FlagForm};
use std::process::ExitCode;
use store::with_store;

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
    let form = DeclarationForm {
        staff: &a.staff,
        gender: a.gender.as_deref(),
        ethnicity: a.ethnicity.as_deref(),
        date_of_birth: a.date_of_birth.as_deref(),
        disability: a.disability.as_deref(),
        religion: a.religion.as_deref(),
    };
    let (staff, declared) =
        with_store!(a.db.url()?, |s| staff::declare_characteristics(&Stores::new(s), clock.now(), form).await?);
    println!("recorded the declaration of {staff}: {}", declaration(&declared));
    Ok(ExitCode::SUCCESS)
}

/// A flag in words: `ST000002 performance-improvement from 2026-03-02 to 2026-06-30, raised by
/// ST000001`.
fn flag_line(staff: &Code, f: &StaffFlag) -> String {
    let to = f.end.map_or_else(|| "open".to_owned(), |d| format!("to {d}"));
    format!("{staff} {} from {} {to}, raised by {}", f.kind.id(), f.start, f.raised_by)
}

pub async fn flag(command: FlagCommand, clock: Clock) -> anyhow::Result<ExitCode> {
    match command {
        FlagCommand::Add(a) => {
            let form = FlagForm { staff: &a.staff, kind: &a.kind, from: &a.from, to: a.to.as_deref() };
            let added =
                with_store!(a.db.url()?, |s| staff::add_flag(&Stores::new(s), clock.now(), form, &a.raised_by).await?);
            println!("added flag {}: {}", added.id, flag_line(&added.staff, &added.flag));
        }
        FlagCommand::End(a) => {
            let (id, on) =
                with_store!(a.db.url()?, |s| staff::end_flag(&Stores::new(s), clock.now(), &a.id, &a.on).await?);
            println!("flag {id} ends on {on}");
        }
        FlagCommand::List(a) => {
            let (staff, found) = with_store!(a.db.url()?, |s| staff::flags(&Stores::new(s), &a.staff).await?);
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
