//! `probity mi`: management information. `measure` prints one measure's figures for a scope
//! and period from the store's MI projection; `measures` lists every measure with its
//! definition; `export-facts` writes every stored fact as CSV. `reoffending` and
//! `disproportionality` are `mi_outcome_cmds`.

use crate::common::csv_field;
use analytics::measures::{Figure, Grouping, MEASURES, MeasureId, MeasureKind, Scope};
use anyhow::bail;
use clap::Args;
use jiff::civil::Date;
use services::clock::Clock;
use std::process::ExitCode;
use store::{DatabaseUrl, MiStore, with_store};

#[derive(Args)]
pub struct MeasureArgs {
    /// The measure's id (see `probity mi measures`).
    #[arg(long)]
    pub measure: Option<String>,
    /// provider, or area:CODE, borough:CODE, office:CODE, team:CODE, officer:CODE.
    #[arg(long, default_value = "provider")]
    pub scope: String,
    /// First day of the period (YYYY-MM-DD); needed for period measures.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day of the period, and the day as-at measures are counted on (default: today).
    #[arg(long)]
    pub to: Option<String>,
    /// month or quarter.
    #[arg(long, default_value = "month")]
    pub by: String,
    /// JSON instead of CSV.
    #[arg(long)]
    pub json: bool,
    /// `sqlite://path` or `postgres://...`
    #[arg(long, default_value = "sqlite://probity.db")]
    pub database: String,
}

#[derive(Args)]
pub struct MeasuresArgs {
    /// JSON instead of CSV.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ExportFactsArgs {
    /// `sqlite://path` or `postgres://...`
    #[arg(long, default_value = "sqlite://probity.db")]
    pub database: String,
    /// The CSV file to write.
    #[arg(long)]
    pub output: Option<std::path::PathBuf>,
}

fn parse_date(flag: &str, text: &str) -> anyhow::Result<Date> {
    match text.parse::<Date>() {
        Ok(d) if text.len() == 10 => Ok(d),
        _ => bail!("{flag}: {text:?} is not a date: expected YYYY-MM-DD"),
    }
}

/// The validated request, so a bad flag fails before the store is opened.
struct Request {
    measure: MeasureId,
    scope: Scope,
    from: Date,
    to: Date,
    grouping: Grouping,
}

fn request(a: &MeasureArgs, today: Date) -> anyhow::Result<Request> {
    let Some(id) = &a.measure else { bail!("--measure: required (see `probity mi measures`)") };
    let Some(measure) = MeasureId::parse(id) else {
        bail!("--measure: {id:?} is not a measure (see `probity mi measures`)")
    };
    let scope: Scope = a.scope.parse().map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
    let grouping = match a.by.as_str() {
        "month" => Grouping::Month,
        "quarter" => Grouping::Quarter,
        other => bail!("--by: {other:?} is not month or quarter"),
    };
    let to = match &a.to {
        Some(t) => parse_date("--to", t)?,
        None => today,
    };
    let from = match (&a.from, measure.kind()) {
        (Some(f), _) => parse_date("--from", f)?,
        (None, MeasureKind::AsAt) => to,
        (None, MeasureKind::Period) => bail!("--from: required for the period measure {id}"),
    };
    if from > to {
        bail!("--from: {from} is after --to {to}");
    }
    Ok(Request { measure, scope, from, to, grouping })
}

/// The figures as CSV; a measure that is also a total gets a last column, `weight`, the sum
/// of its facts' weights (UPW: minutes credited).
fn figures_csv(figures: &[Figure]) -> String {
    let weighted = figures.iter().any(|f| f.weight.is_some());
    let mut out = String::from("measure,scope,period,key,numerator,denominator,percent");
    out.push_str(if weighted { ",weight\n" } else { "\n" });
    for f in figures {
        for (i, field) in [f.measure, &f.scope, &f.period, &f.key].into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, field);
        }
        let percent = f.percent.map_or(String::new(), |p| format!("{p:.1}"));
        out.push_str(&format!(",{},{},{percent}", f.numerator, f.denominator));
        if weighted {
            out.push_str(&format!(",{}", f.weight.unwrap_or(0)));
        }
        out.push('\n');
    }
    out
}

pub async fn measure(a: MeasureArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    // Today comes from the command's clock: the measures themselves take the day as a parameter.
    let today = clock.today();
    let r = request(&a, today)?;
    let url = DatabaseUrl::parse(&a.database).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let figures = with_store!(url, |store| store.mi_figures(r.measure, &r.scope, r.from, r.to, r.grouping).await?);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        print!("{}", figures_csv(&figures));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn measures(a: MeasuresArgs) -> anyhow::Result<ExitCode> {
    if a.json {
        println!("{}", serde_json::to_string_pretty(&MEASURES)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::from("id,name,kind,definition,numerator,denominator,source\n");
    for m in &MEASURES {
        let kind = match m.kind {
            MeasureKind::Period => "period",
            MeasureKind::AsAt => "as_at",
        };
        for (i, field) in
            [m.id.id(), m.name, kind, m.definition, m.numerator, m.denominator, m.source].into_iter().enumerate()
        {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, field);
        }
        out.push('\n');
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The header of `probity mi export-facts`; `on_date` and the codes are empty when absent.
pub const FACTS_HEADER: &str = "crn,measure,on_date,met,officer,team,fact_key,weight";

pub async fn export_facts(a: ExportFactsArgs) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let Some(path) = a.output else { bail!("--output: required (the CSV file to write)") };
    let url = DatabaseUrl::parse(&a.database).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let file = std::fs::File::create(&path).map_err(|e| anyhow::anyhow!("--output: {}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "{FACTS_HEADER}")?;
    let mut line = String::new();
    let mut sink = |row: store::mi::FactRow| -> Result<(), store::StoreError> {
        let (crn, measure, on, met, officer, team, key, weight) = row;
        line.clear();
        for (i, field) in [crn, measure, on.unwrap_or_default()].iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            csv_field(&mut line, field);
        }
        line.push_str(&format!(",{met}"));
        for field in [officer, team, key] {
            line.push(',');
            csv_field(&mut line, &field.unwrap_or_default());
        }
        line.push_str(&format!(",{weight}\n"));
        out.write_all(line.as_bytes()).map_err(|e| store::StoreError::Invalid(format!("--output: {e}")))
    };
    let n = with_store!(url, |store| store.mi_export_facts(&mut sink).await?);
    out.flush()?;
    eprintln!("{n} facts written to {}", path.display());
    Ok(ExitCode::SUCCESS)
}
