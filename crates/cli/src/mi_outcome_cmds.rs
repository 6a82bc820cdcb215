//! `probity mi reoffending` (from an analyst's CSV with `--input`, or from the store's record
//! with `--database`) and `probity mi disproportionality` (from the store: an outcome for
//! people on probation, or a staff process over a period).

use crate::common::{csv_field, read};
use analytics::outcomes::Characteristic;
use analytics::proportion::{GroupComparison, SuppressionPolicy};
use analytics::staff_process::{OutcomeChoice, Period};
use anyhow::{anyhow, bail};
use clap::Args;
use jiff::civil::Date;
use services::clock::Clock;
use std::path::PathBuf;
use std::process::ExitCode;
use store::mi_outcomes::{CohortRates, PlaceLevel};
use store::{DatabaseUrl, MiOutcomeStore, StaffEqualityStore, with_store};

#[derive(Args)]
pub struct ReoffendingArgs {
    /// An analyst's CSV with columns person, start_date, offence_date, proven_date (JSON out).
    #[arg(long, conflicts_with = "database")]
    pub input: Option<PathBuf>,
    /// `sqlite://path` or `postgres://...`: the measure from the record's starts and
    /// `reoffence_proven` events.
    #[arg(long)]
    pub database: Option<String>,
    /// With --database: provider, area, borough, office or team.
    #[arg(long, default_value = "provider")]
    pub by: String,
    /// With --database: JSON instead of CSV.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct DisproportionalityArgs {
    /// breach, recall or completion (people on probation), or performance-improvement (a staff
    /// process: staff in post with a flag started in the period).
    #[arg(long)]
    pub outcome: String,
    /// gender, ethnicity, age_band, disability, religion or nationality (not for staff).
    #[arg(long)]
    pub characteristic: String,
    /// A staff process only: the period's first day (YYYY-MM-DD); default the day after the
    /// same date a year before --to.
    #[arg(long)]
    pub from: Option<String>,
    /// A staff process only: the period's last day (YYYY-MM-DD); default today.
    #[arg(long)]
    pub to: Option<String>,
    /// `sqlite://path` or `postgres://...`
    #[arg(long, default_value = "sqlite://probity.db")]
    pub database: String,
    /// JSON instead of CSV.
    #[arg(long)]
    pub json: bool,
}

fn reoffending_csv(rows: &[CohortRates]) -> String {
    let mut out =
        String::from("cohort,place,people,reoffenders,reoffences,binary_rate,frequency_rate,follow_up_ends\n");
    for r in rows {
        let f = &r.figures;
        let place = r.place.as_ref().map_or(String::new(), |p| p.to_string());
        let frequency = f.frequency_rate.map_or(String::new(), |x| format!("{x:.2}"));
        out.push_str(&format!(
            "{},{place},{},{},{},{:.2},{frequency},{}\n",
            f.cohort, f.people, f.reoffenders, f.reoffences, f.binary_rate, r.follow_up_ends
        ));
    }
    out
}

pub async fn reoffending(a: ReoffendingArgs) -> anyhow::Result<ExitCode> {
    match (a.input, a.database) {
        (Some(input), None) => {
            let text = read("--input", &input)?;
            let figures =
                analytics::reoffending::reoffending_from_csv(&text).map_err(|e| anyhow!("{}: {e}", input.display()))?;
            println!("{}", serde_json::to_string_pretty(&figures)?);
            Ok(ExitCode::SUCCESS)
        }
        (None, Some(database)) => {
            let Some(by) = PlaceLevel::parse(&a.by) else {
                bail!("--by: {:?} is not provider, area, borough, office or team", a.by)
            };
            let url = DatabaseUrl::parse(&database).map_err(|e| anyhow!("--{e}"))?;
            let rows = with_store!(url, |store| store.mi_reoffending(by).await?);
            if a.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                print!("{}", reoffending_csv(&rows));
            }
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("--input or --database: give one (an analyst's CSV, or the store to read the record from)"),
    }
}

/// The table as CSV: a row per group. A staff process's rows carry its period (`from`, `to`
/// after the characteristic).
fn disproportionality_csv(
    outcome: &str,
    characteristic: Characteristic,
    period: Option<Period>,
    groups: &[GroupComparison],
) -> String {
    let mut out = String::from("outcome,characteristic,");
    if period.is_some() {
        out.push_str("from,to,");
    }
    out.push_str(
        "group,status,people,with_outcome,rate,rate_low,rate_high,rest_rate,difference,difference_low,difference_high,significant,statement\n",
    );
    for g in groups {
        let mut fields = vec![outcome.to_owned(), characteristic.id().to_owned()];
        if let Some(p) = period {
            fields.extend([p.from.to_string(), p.to.to_string()]);
        }
        fields.push(g.group().to_owned());
        match g {
            GroupComparison::Compared { figures: f, .. } => {
                let pct = |x: f64| format!("{:.1}", x * 100.0);
                fields.extend([
                    "compared".to_owned(),
                    f.people.to_string(),
                    f.with_outcome.to_string(),
                    pct(f.rate),
                    pct(f.rate_interval.low),
                    pct(f.rate_interval.high),
                    pct(f.rest_rate),
                    pct(f.difference.difference),
                    pct(f.difference.interval.low),
                    pct(f.difference.interval.high),
                    f.significant.to_string(),
                ]);
            }
            GroupComparison::Suppressed { .. } => {
                fields.push("suppressed".to_owned());
                fields.extend(std::iter::repeat_n(String::new(), 10));
            }
        }
        fields.push(g.statement().to_owned());
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, field);
        }
        out.push('\n');
    }
    out
}

fn ids_in_words(characteristics: &[Characteristic]) -> String {
    let ids: Vec<&str> = characteristics.iter().map(|c| c.id()).collect();
    match ids.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => ids.join(""),
    }
}

fn day_flag(flag: &str, raw: &str) -> anyhow::Result<Date> {
    raw.parse().map_err(|_| anyhow!("{flag}: `{raw}` is not a date (YYYY-MM-DD)"))
}

/// The period of a staff process from --from and --to: default the 12 months to today.
fn period(from: Option<&str>, to: Option<&str>, today: Date) -> anyhow::Result<Period> {
    let to = to.map(|t| day_flag("--to", t)).transpose()?.unwrap_or(today);
    let from = match from {
        Some(f) => day_flag("--from", f)?,
        None => Period::twelve_months_to(to).from,
    };
    Period::new(from, to).map_err(|_| anyhow!("--from: {from} is after --to ({to})"))
}

pub async fn disproportionality(a: DisproportionalityArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    let Some(outcome) = OutcomeChoice::parse(&a.outcome) else {
        bail!("--outcome: {:?} is not {}", a.outcome, OutcomeChoice::ids_in_words())
    };
    let Some(characteristic) = Characteristic::parse(&a.characteristic) else {
        bail!("--characteristic: {:?} is not {}", a.characteristic, ids_in_words(&Characteristic::ALL))
    };
    if !outcome.characteristics().contains(&characteristic) {
        bail!(
            "--characteristic: {} is not recorded for staff; for --outcome {} give {}",
            characteristic.id(),
            outcome.id(),
            ids_in_words(outcome.characteristics())
        );
    }
    let url = DatabaseUrl::parse(&a.database).map_err(|e| anyhow!("--{e}"))?;
    let policy = SuppressionPolicy::DEFAULT;
    match outcome {
        OutcomeChoice::Case(outcome) => {
            for (flag, given) in [("--from", &a.from), ("--to", &a.to)] {
                if given.is_some() {
                    bail!(
                        "{flag}: a period is for a staff process (--outcome performance-improvement); {} counts \
                         everyone's whole record",
                        outcome.id()
                    );
                }
            }
            let table = with_store!(url, |store| store.mi_disproportionality(outcome, characteristic, &policy).await?);
            if a.json {
                println!("{}", serde_json::to_string_pretty(&table)?);
            } else {
                print!("{}", disproportionality_csv(outcome.id(), characteristic, None, &table.groups));
            }
        }
        OutcomeChoice::Staff(process) => {
            let period = period(a.from.as_deref(), a.to.as_deref(), clock.today())?;
            let table = with_store!(url, |store| {
                store.staff_disproportionality(process, characteristic, period, &policy).await?
            });
            if a.json {
                println!("{}", serde_json::to_string_pretty(&table)?);
            } else {
                print!("{}", disproportionality_csv(process.id(), characteristic, Some(period), &table.groups));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
