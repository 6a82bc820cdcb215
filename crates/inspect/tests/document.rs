//! The whole report (document.rs, composition.rs, html.rs): the sample's composition against
//! the population on hand-computed examples and as properties, the methodology from the
//! recorded sample, the findings per domain with comparisons, the narrative's sections and
//! the printable HTML.

mod common;

use common::{Row, csv as to_csv, row};
use inspect::composition::composition;
use inspect::document::{NarrativeItem, NarrativeKind, Sources, assemble};
use inspect::longlist::{self, LonglistCase};
use inspect::lookbehind::WorkCounts;
use inspect::policy::RatingPolicy;
use inspect::report::{Answer, CaseAnswer, from_answers};
use jiff::civil::date;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn parse(rows: &[Row]) -> Vec<LonglistCase> {
    longlist::parse(&to_csv(rows)).expect("valid long list")
}

/// Eight cases: two women (1, 2); Black 1, 3, 5, not stated 8, White the rest; post-custody
/// 2 and 4; Barnet office 1-4, Camden office 5-8; high RoSH 1, medium 2, low the rest.
fn population() -> Vec<LonglistCase> {
    let rows: Vec<Row> = (1..=8)
        .map(|n| {
            let mut r = row(n);
            if n <= 2 {
                r = r.female();
            }
            if [2, 4].contains(&n) {
                r = r.post_custody();
            }
            r.with(|r| {
                r.ethnicity = match n {
                    1 | 3 | 5 => "Black",
                    8 => "",
                    _ => "White",
                }
                .into();
                r.office = if n <= 4 { "Barnet office" } else { "Camden office" }.into();
                r.rosh = match n {
                    1 => "high",
                    2 => "medium",
                    _ => "low",
                }
                .into();
            })
        })
        .collect();
    parse(&rows)
}

fn sample_of(population: &[LonglistCase], rows: &[usize]) -> Vec<LonglistCase> {
    rows.iter().map(|&n| population[n - 1].clone()).collect()
}

type Line = (&'static str, usize, f64, usize, f64);
/// (domain, question, relevant, percent, difference)
type DomainRow<'a> = (&'a str, &'a str, u64, Option<f64>, Option<f64>);

/// Hand-computed: population of 8 (so eighths: 12.5%), sample of cases 1, 4 and 5 (so
/// thirds: 33.3% and 66.7%, rounded half up).
#[test]
fn composition_against_the_population_by_hand() {
    let population = population();
    let sample = sample_of(&population, &[1, 4, 5]);
    let expect: [(&str, Vec<Line>); 5] = [
        ("gender", vec![("Female", 2, 25.0, 1, 33.3), ("Male", 6, 75.0, 2, 66.7)]),
        ("ethnicity", vec![("Black", 3, 37.5, 2, 66.7), ("White", 4, 50.0, 1, 33.3), ("Not stated", 1, 12.5, 0, 0.0)]),
        ("sentence_type", vec![("Community", 6, 75.0, 2, 66.7), ("Post-custody", 2, 25.0, 1, 33.3)]),
        ("office", vec![("Barnet office", 4, 50.0, 2, 66.7), ("Camden office", 4, 50.0, 1, 33.3)]),
        ("rosh", vec![("low", 6, 75.0, 2, 66.7), ("medium", 1, 12.5, 0, 0.0), ("high", 1, 12.5, 1, 33.3)]),
    ];
    let got = composition(&population, &sample);
    assert_eq!(got.len(), expect.len());
    for (d, (id, lines)) in got.iter().zip(expect) {
        assert_eq!(d.id, id);
        let rows: Vec<Line> = d
            .rows
            .iter()
            .map(|r| {
                let value: &'static str = lines.iter().find(|l| l.0 == r.value).map_or("?", |l| l.0);
                (value, r.population, r.population_percent.unwrap(), r.sample, r.sample_percent.unwrap())
            })
            .collect();
        assert_eq!(rows, lines, "{id}");
    }
}

#[test]
fn an_empty_sample_has_no_percentages() {
    let population = population();
    for d in composition(&population, &[]) {
        assert!(d.rows.iter().all(|r| r.sample == 0 && r.sample_percent.is_none()), "{}", d.id);
    }
}

fn item(entry: u64, kind: NarrativeKind, crn: Option<&str>, question: Option<&str>, text: &str) -> NarrativeItem {
    NarrativeItem {
        entry,
        version: 1,
        kind,
        crn: crn.map(str::to_string),
        question: question.map(str::to_string),
        text: text.into(),
        written_by: "HMIP1".into(),
        written_at: "2017-10-20T09:00:00Z".into(),
    }
}

fn answers(rows: &[(&str, &str, Answer)]) -> Vec<CaseAnswer> {
    rows.iter().map(|(c, q, a)| CaseAnswer { crn: c.to_string(), question: q.to_string(), answer: *a }).collect()
}

fn report_sources<'a>(
    population: &'a [LonglistCase],
    sample: &'a [LonglistCase],
    sample_json: &'a str,
    narrative: Vec<NarrativeItem>,
) -> Sources<'a> {
    let comparison = BTreeMap::from([("PP.A1".to_string(), 70.0), ("RR.R1".to_string(), 87.5)]);
    let findings = from_answers(
        &answers(&[
            ("X000001", "PP.A1", Answer::Yes),
            ("X000004", "PP.A1", Answer::Yes),
            ("X000005", "PP.A1", Answer::No),
            ("X000001", "RR.R1", Answer::Yes),
            ("X000004", "RR.R1", Answer::NotApplicable),
            ("X000005", "AS.D5", Answer::No),
        ]),
        &comparison,
        &BTreeMap::new(),
        &RatingPolicy::default(),
    );
    Sources {
        inspection: "LDN2017",
        announced_on: date(2017, 9, 25),
        fieldwork_on: date(2017, 10, 9),
        scheme: "report",
        seed: 7,
        sample_json,
        population,
        sample,
        findings,
        narrative,
        recorded_after_announcement: WorkCounts { assessments: 2, plans: 1, reviews: 3 },
        cases_with_records_after_announcement: 2,
        comparison_label: "national average",
    }
}

const SAMPLE_JSON: &str = r#"{"scheme":"report","requested":3,"buffer_percent":0,"target":3,
 "window":{"from":"2016-12-09","to":"2017-02-09"},
 "strata":[{"name":"FEMALE_WHITE_COMMUNITY @ Barnet office","population":1,"size":1}],
 "shortfall":0,
 "excluded":[{"crn":"X000090","reason":"redacted"},{"crn":"X000091","reason":"duplicate"},
             {"crn":"X000092","reason":"redacted"},{"crn":"X000093","reason":"outside_window"}]}"#;

#[test]
fn key_facts_methodology_and_findings_per_domain() {
    let population = population();
    let sample = sample_of(&population, &[1, 4, 5]);
    let narrative = vec![
        item(1, NarrativeKind::Enabler, None, None, "Stable teams."),
        item(2, NarrativeKind::Barrier, None, None, "High caseloads."),
        item(3, NarrativeKind::Example, Some("X000004"), Some("PP.A1"), "A thorough assessment."),
        item(4, NarrativeKind::Recommendation, None, None, "Reduce caseloads."),
        item(5, NarrativeKind::Enabler, None, None, "Good managers."),
    ];
    let r = assemble(report_sources(&population, &sample, SAMPLE_JSON, narrative));

    let k = &r.key_facts;
    // Officers are one per case in the rows; offices Barnet and Camden.
    assert_eq!((k.cases_in_scope, k.sampled, k.inspected), (8, 3, 3));
    assert_eq!((k.officers, k.offices, k.officers_sampled, k.offices_sampled), (8, 2, 3, 2));
    assert_eq!((k.period_from.as_deref(), k.period_to.as_str()), (Some("2016-12-09"), "2017-02-09"));
    assert_eq!(k.overall, None);
    assert_eq!(k.ratings.len(), 4);

    let m = &r.methodology;
    assert_eq!((m.scheme.as_str(), m.seed, m.requested, m.target, m.shortfall), ("report", 7, 3, 3, 0));
    let exclusions: Vec<(&str, usize)> = m.exclusions.iter().map(|e| (e.reason.as_str(), e.cases)).collect();
    assert_eq!(exclusions, [("duplicate", 1), ("outside_window", 1), ("redacted", 2)]);
    assert_eq!(m.strata.len(), 1);

    // PP.A1: 2 of 3 relevant = 66.7% against 70.0: -3.3 points. RR.R1: 1 of 1 (the na does
    // not count) = 100.0% against 87.5: +12.5. AS.D5: 0 of 1, no comparison.
    let lines: Vec<DomainRow> = r
        .domains
        .iter()
        .flat_map(|d| d.questions.iter().map(move |q| (d.domain, q.id.as_str(), q.relevant, q.percent, q.difference)))
        .collect();
    assert_eq!(
        lines,
        [
            ("Protecting the public", "PP.A1", 3, Some(66.7), Some(-3.3)),
            ("Reducing reoffending", "RR.R1", 1, Some(100.0), Some(12.5)),
            ("Abiding by the sentence", "AS.D5", 1, Some(0.0), None),
        ]
    );
    assert!(r.domains.iter().any(|d| d.domain == "Working together" && d.questions.is_empty()));

    let texts = |items: &[NarrativeItem]| items.iter().map(|n| n.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&r.enablers), ["Stable teams.", "Good managers."]);
    assert_eq!(texts(&r.barriers), ["High caseloads."]);
    assert_eq!(texts(&r.recommendations), ["Reduce caseloads."]);
    assert_eq!(texts(&r.examples), ["A thorough assessment."]);
    assert_eq!(r.recorded_after_announcement, WorkCounts { assessments: 2, plans: 1, reviews: 3 });
}

#[test]
fn the_inspectorate_sampler_period_is_up_to_fieldwork() {
    let population = population();
    let json = r#"{"requested":3,"buffer_percent":20,"target":4,"strata":[],"cases":[],"shortfall":1,"excluded":[]}"#;
    let r = assemble(Sources { scheme: "inspectorate", ..report_sources(&population, &population, json, vec![]) });
    assert_eq!((r.key_facts.period_from, r.key_facts.period_to.as_str()), (None, "2017-10-09"));
    assert_eq!((r.methodology.buffer_percent, r.methodology.shortfall), (20, 1));
    assert!(r.methodology.exclusions.is_empty());
}

#[test]
fn the_html_report_has_every_part_and_escapes_what_inspectors_wrote() {
    let population = population();
    let sample = sample_of(&population, &[1, 4, 5]);
    let narrative = vec![
        item(1, NarrativeKind::Enabler, None, None, "Teams <script>alert(1)</script> & managers."),
        item(2, NarrativeKind::Example, Some("X000004"), Some("PP.A1"), "A thorough assessment."),
    ];
    let html =
        inspect::html::render_inspection_html(&assemble(report_sources(&population, &sample, SAMPLE_JSON, narrative)));
    for expect in [
        "<h1>Inspection LDN2017</h1>",
        "<dt>Cases in scope</dt><dd>8</dd>",
        "cases that started from 2016-12-09 to 2017-02-09",
        "National average",
        "<span class=\"down\">-3.3 points</span>",
        "<span class=\"up\">+12.5 points</span>",
        "Teams &lt;script&gt;alert(1)&lt;/script&gt; &amp; managers.",
        "Case X000004, question PP.A1: Initial assessment of risk of harm sufficient",
        "No barriers written.",
        "<tr><th scope=\"row\">redacted</th><td class=\"num\">2</td></tr>",
        "<tr><th scope=\"row\">Female</th><td class=\"num\">2</td><td class=\"num\">25.0%</td><td class=\"num\">1</td><td class=\"num\">33.3%</td></tr>",
        "<tr><th scope=\"row\">Reviews</th><td class=\"num\">3</td></tr>",
        "Appendix 3: Inspection data",
        "@media print",
        ".appendix{break-before:page}",
    ] {
        assert!(html.contains(expect), "missing: {expect}");
    }
    assert!(!html.contains("<script>"));
    // One composition chart per dimension, each with its text alternative.
    assert_eq!(html.matches("<desc id=\"comp").count(), 5);
}

fn arb_case() -> impl Strategy<Value = (bool, usize, bool, usize, usize)> {
    (any::<bool>(), 0..4usize, any::<bool>(), 0..3usize, 0..4usize)
}

proptest! {
    /// Every case is counted once per dimension, a sample drawn from the population never
    /// has more of a group than the population, and each column's shares add up to 100 (to
    /// within rounding: at most 0.05 per row).
    #[test]
    fn composition_counts_every_case_once(spec in prop::collection::vec((arb_case(), any::<bool>()), 1..40)) {
        let ethnicities = ["White", "Black", "Asian", ""];
        let roshes = ["low", "medium", "high", "very_high"];
        let rows: Vec<Row> = spec.iter().enumerate().map(|(i, ((female, eth, custody, office, rosh), _))| {
            let mut r = row(i + 1);
            if *female { r = r.female(); }
            if *custody { r = r.post_custody(); }
            r.with(|r| {
                r.ethnicity = ethnicities[*eth].into();
                r.office = format!("Office {office}");
                r.rosh = roshes[*rosh].into();
            })
        }).collect();
        let population = parse(&rows);
        let sample: Vec<LonglistCase> =
            population.iter().zip(&spec).filter(|(_, (_, s))| *s).map(|(c, _)| c.clone()).collect();
        for d in composition(&population, &sample) {
            prop_assert_eq!(d.rows.iter().map(|r| r.population).sum::<usize>(), population.len());
            prop_assert_eq!(d.rows.iter().map(|r| r.sample).sum::<usize>(), sample.len());
            prop_assert!(d.rows.iter().all(|r| r.sample <= r.population));
            let slack = 0.05 * d.rows.len() as f64 + 1e-9;
            let total: f64 = d.rows.iter().filter_map(|r| r.population_percent).sum();
            prop_assert!((total - 100.0).abs() <= slack, "{}: {}", d.id, total);
            if !sample.is_empty() {
                let total: f64 = d.rows.iter().filter_map(|r| r.sample_percent).sum();
                prop_assert!((total - 100.0).abs() <= slack, "{}: {}", d.id, total);
            }
        }
    }
}
