//! `probity inspect`: a sample drawn from a long-list file and findings from an assessments
//! file; and over a store: draw and announce a sample, list it, answer questions, the look
//! behind, and the report from the recorded answers.

use anyhow::Context;
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use domain::ids::Code;
use inspect::scheme::{ReportScheme, Scheme};
use services::clock::Clock;
use store::DatabaseUrl;

use crate::common::{date_flag, read};

#[derive(Args)]
pub struct InspectArgs {
    #[command(subcommand)]
    pub command: InspectCommand,
}

#[derive(Subcommand)]
pub enum InspectCommand {
    /// Draw an inspection case sample from a long-list CSV (docs/rules/practice.md#file-formats); JSON on stdout.
    Sample {
        #[arg(long)]
        longlist: PathBuf,
        /// Cases requested, before the buffer.
        #[arg(long)]
        size: usize,
        /// Buffer per stratum, percent.
        #[arg(long, default_value_t = 20)]
        buffer: u32,
        #[arg(long, default_value_t = 6)]
        max_per_officer: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// "Not started" is judged against this date (default today); the report's scheme
        /// takes it as the fieldwork date.
        #[arg(long)]
        as_of: Option<String>,
        /// `inspectorate`, `report`, or a JSON configuration of the report's scheme.
        #[arg(long, default_value = "inspectorate")]
        scheme: String,
    },
    /// Findings from case assessments: per-question figures, intervals, ratings.
    Report {
        #[arg(long)]
        assessments: PathBuf,
        #[arg(long)]
        comparison: Option<PathBuf>,
        #[arg(long)]
        ratings: Option<PathBuf>,
        /// `json` or `html`.
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Inspections in a store: announce a sample, answer, look behind, findings.
    #[command(flatten)]
    Store(StoreInspectCommand),
}

pub async fn inspect(a: InspectArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    match a.command {
        InspectCommand::Sample { longlist, size, buffer, max_per_officer, seed, as_of, scheme }
            if scheme != "inspectorate" =>
        {
            let text = read("--longlist", &longlist)?;
            let cases = inspect::longlist::parse(&text)
                .map_err(|e| anyhow::anyhow!("{}", e.in_file(longlist.display().to_string())))?;
            let args = SchemeArgs { scheme, size, seed };
            let mut scheme = self::scheme(&args, date_flag("--as-of", as_of.as_deref(), clock)?)?;
            // A configuration file's own values win over the flags' defaults.
            if let inspect::scheme::Scheme::Report(r) = &mut scheme
                && args.scheme == "report"
            {
                r.buffer_percent = buffer;
                r.max_per_officer = max_per_officer;
            }
            let out = inspect::scheme::draw_with(&cases, &scheme).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        InspectCommand::Sample { longlist, size, buffer, max_per_officer, seed, as_of, .. } => {
            let text = read("--longlist", &longlist)?;
            let mut opts = inspect::sample::SampleOptions::new(size, date_flag("--as-of", as_of.as_deref(), clock)?);
            opts.buffer_percent = buffer;
            opts.max_per_officer = max_per_officer;
            opts.seed = seed;
            let out = inspect::sample::draw(&text, &opts)
                .map_err(|e| anyhow::anyhow!("{}", e.in_file(longlist.display().to_string())))?;
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        InspectCommand::Report { assessments, comparison, ratings, format } => {
            if format != "json" && format != "html" {
                anyhow::bail!("--format: `{format}` is not json or html");
            }
            let a_text = read("--assessments", &assessments)?;
            let c_text = comparison.as_deref().map(|p| read("--comparison", p)).transpose()?;
            let r_text = ratings.as_deref().map(|p| read("--ratings", p)).transpose()?;
            let report = inspect::report::build(&a_text, c_text.as_deref(), r_text.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if format == "html" {
                println!("{}", inspect::html::render_html(&report));
            } else {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        InspectCommand::Store(c) => run(c, clock).await,
    }
}

#[derive(Args)]
pub struct SchemeArgs {
    /// `inspectorate` (HMI Probation's sampler), `report` (the report's own scheme), or a
    /// JSON configuration file of the report's scheme.
    #[arg(long, default_value = "inspectorate")]
    pub scheme: String,
    /// Cases requested, before the buffer.
    #[arg(long, default_value_t = 148)]
    pub size: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Subcommand)]
pub enum StoreInspectCommand {
    /// Draw a sample from the store and record it, announced on a date; JSON on stdout.
    Announce {
        #[arg(long)]
        database: String,
        /// The inspection's id (1-16 of A-Z, 0-9, - and _).
        #[arg(long)]
        inspection: String,
        #[arg(long)]
        announce: String,
        #[arg(long)]
        fieldwork: String,
        #[command(flatten)]
        scheme: SchemeArgs,
        /// Who draws the sample (a staff code).
        #[arg(long, default_value = "INSPECTOR")]
        by: String,
    },
    /// Draw a sample from the store without recording it; JSON on stdout.
    Draw {
        #[arg(long)]
        database: String,
        #[arg(long)]
        fieldwork: String,
        #[command(flatten)]
        scheme: SchemeArgs,
    },
    /// The sampled cases of an inspection; JSON on stdout.
    Cases {
        #[arg(long)]
        database: String,
        #[arg(long)]
        inspection: String,
    },
    /// One sampled case: each question with its prefill, answer and history; JSON on stdout.
    Case {
        #[arg(long)]
        database: String,
        #[arg(long)]
        inspection: String,
        #[arg(long)]
        crn: String,
        /// The date the case is read on (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Record an inspector's answer to a question for a sampled case.
    Answer {
        #[arg(long)]
        database: String,
        #[arg(long)]
        inspection: String,
        #[arg(long)]
        crn: String,
        #[arg(long)]
        question: String,
        /// yes, no or na.
        #[arg(long)]
        answer: String,
        #[arg(long)]
        note: Option<String>,
        /// The inspector (a staff code).
        #[arg(long)]
        by: String,
    },
    /// What was recorded after the announcement, and what was back-dated; JSON on stdout.
    LookBehind {
        #[arg(long)]
        database: String,
        #[arg(long)]
        inspection: String,
    },
    /// Write an enabler, barrier, recommendation or practice example for the report (the text
    /// on stdin); `--entry N` writes the next version of entry N. JSON on stdout.
    Write {
        #[arg(long)]
        database: String,
        #[arg(long)]
        inspection: String,
        /// enabler, barrier, recommendation or example.
        #[arg(long)]
        kind: String,
        /// The sampled case a practice example is attached to (examples only).
        #[arg(long)]
        crn: Option<String>,
        /// The instrument question a practice example illustrates.
        #[arg(long)]
        question: Option<String>,
        /// Revise this entry instead of writing a new one.
        #[arg(long)]
        entry: Option<u64>,
        /// Read the text from standard input (required: long text does not belong in a flag).
        #[arg(long)]
        text_stdin: bool,
        /// The inspector (a staff code).
        #[arg(long, default_value = "INSPECTOR")]
        by: String,
    },
    /// The inspection's report from the store: key facts, findings per domain, the
    /// inspectors' narrative, practice examples and appendices (JSON or printable HTML on
    /// stdout); the findings JSON of docs/rules/practice.md#file-formats is its `findings`.
    Findings {
        #[arg(long)]
        database: String,
        #[arg(long)]
        inspection: String,
        #[arg(long)]
        comparison: Option<PathBuf>,
        #[arg(long)]
        ratings: Option<PathBuf>,
        /// What the comparison figures are, e.g. "national average" or "previous inspection".
        #[arg(long, default_value = "comparison")]
        comparison_label: String,
        /// `json` or `html`.
        #[arg(long, default_value = "json")]
        format: String,
    },
}

fn code(flag: &str, value: &str) -> anyhow::Result<Code> {
    Code::parse(value).map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

fn database(url: &str) -> anyhow::Result<DatabaseUrl> {
    DatabaseUrl::parse(url).map_err(|e| anyhow::anyhow!("--{e}"))
}

/// The scheme the flags name.
fn scheme(args: &SchemeArgs, fieldwork: jiff::civil::Date) -> anyhow::Result<Scheme> {
    match args.scheme.as_str() {
        "inspectorate" => {
            let mut options = inspect::sample::SampleOptions::new(args.size, fieldwork);
            options.seed = args.seed;
            Ok(Scheme::Inspectorate(options))
        }
        "report" => {
            let mut report = ReportScheme::new(args.size, fieldwork);
            report.seed = args.seed;
            Ok(Scheme::Report(report))
        }
        path if path.ends_with(".json") => {
            let text = std::fs::read_to_string(path).with_context(|| format!("--scheme: {path}"))?;
            let report = ReportScheme::from_config(&text, Some(args.size), Some(fieldwork))
                .map_err(|e| anyhow::anyhow!("{}", e.in_file(path)))?;
            Ok(Scheme::Report(report))
        }
        other => anyhow::bail!("--scheme: `{other}` is not inspectorate, report or a .json configuration file"),
    }
}

/// JSON on stdout (a macro: `serde` itself is not a dependency of the binary).
macro_rules! print_json {
    ($value:expr) => {{
        println!("{}", serde_json::to_string_pretty($value)?);
        Ok(ExitCode::SUCCESS)
    }};
}

async fn run(command: StoreInspectCommand, clock: Clock) -> anyhow::Result<ExitCode> {
    use services::inspection as svc;
    match command {
        StoreInspectCommand::Announce { database: url, inspection, announce, fieldwork, scheme: s, by } => {
            let id = code("--inspection", &inspection)?;
            let by = code("--by", &by)?;
            let announced_on = date_flag("--announce", Some(&announce), clock)?;
            let fieldwork_on = date_flag("--fieldwork", Some(&fieldwork), clock)?;
            let scheme = scheme(&s, fieldwork_on)?;
            let announcement = svc::Announcement { id, announced_on, fieldwork_on, by, at: clock.now() };
            store::with_store!(database(&url)?, |store| {
                let drawn = svc::announce(&services::Stores::new(store.clone()), &announcement, &scheme).await?;
                print_json!(&drawn)
            })
        }
        StoreInspectCommand::Draw { database: url, fieldwork, scheme: s } => {
            let scheme = scheme(&s, date_flag("--fieldwork", Some(&fieldwork), clock)?)?;
            store::with_store!(database(&url)?, |store| print_json!(
                &svc::draw_sample(&services::Stores::new(store.clone()), &scheme).await?
            ))
        }
        StoreInspectCommand::Cases { database: url, inspection } => {
            let id = code("--inspection", &inspection)?;
            store::with_store!(database(&url)?, |store| print_json!(
                &svc::sample_cases(&services::Stores::new(store.clone()), &id).await?
            ))
        }
        StoreInspectCommand::Case { database: url, inspection, crn, on } => {
            let id = code("--inspection", &inspection)?;
            let today = date_flag("--on", on.as_deref(), clock)?;
            store::with_store!(database(&url)?, |store| print_json!(
                &svc::case_workspace(&services::Stores::new(store.clone()), &id, &crn, today).await?
            ))
        }
        StoreInspectCommand::Answer { database: url, inspection, crn, question, answer, note, by } => {
            let id = code("--inspection", &inspection)?;
            let by = code("--by", &by)?;
            store::with_store!(database(&url)?, |store| print_json!(
                &svc::answer(
                    &services::Stores::new(store.clone()),
                    clock.now(),
                    &id,
                    &crn,
                    &question,
                    &answer,
                    note.as_deref(),
                    &by
                )
                .await?
            ))
        }
        StoreInspectCommand::LookBehind { database: url, inspection } => {
            let id = code("--inspection", &inspection)?;
            store::with_store!(database(&url)?, |store| print_json!(
                &svc::look_behind(&services::Stores::new(store.clone()), &id).await?
            ))
        }
        StoreInspectCommand::Write { database: url, inspection, kind, crn, question, entry, text_stdin, by } => {
            let id = code("--inspection", &inspection)?;
            let by = code("--by", &by)?;
            if !text_stdin {
                anyhow::bail!("--text-stdin: the text is read from standard input; pass --text-stdin");
            }
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("--text-stdin")?;
            store::with_store!(database(&url)?, |store| print_json!(
                &svc::write_narrative(
                    &services::Stores::new(store.clone()),
                    clock.now(),
                    &id,
                    &kind,
                    crn.as_deref(),
                    question.as_deref(),
                    entry,
                    &text,
                    &by
                )
                .await?
            ))
        }
        StoreInspectCommand::Findings { database: url, inspection, comparison, ratings, comparison_label, format } => {
            if format != "json" && format != "html" {
                anyhow::bail!("--format: `{format}` is not json or html");
            }
            let id = code("--inspection", &inspection)?;
            let known: std::collections::BTreeSet<String> =
                inspect::instrument::questions().into_iter().map(|q| q.id).collect();
            let known: std::collections::BTreeSet<&str> = known.iter().map(String::as_str).collect();
            let comparison = match comparison {
                Some(p) => inspect::report::parse_comparison(&read("--comparison", &p)?, &known)
                    .map_err(|e| anyhow::anyhow!("{}", e.in_file(p.display().to_string())))?,
                None => BTreeMap::new(),
            };
            let ratings = match ratings {
                Some(p) => inspect::report::parse_ratings(&read("--ratings", &p)?)
                    .map_err(|e| anyhow::anyhow!("{}", e.in_file(p.display().to_string())))?,
                None => BTreeMap::new(),
            };
            store::with_store!(database(&url)?, |store| {
                let report = svc::inspection_report(
                    &services::Stores::new(store.clone()),
                    &id,
                    &comparison,
                    &ratings,
                    &comparison_label,
                )
                .await?;
                if format == "html" {
                    println!("{}", inspect::html::render_inspection_html(&report));
                    Ok(ExitCode::SUCCESS)
                } else {
                    print_json!(&report)
                }
            })
        }
    }
}
