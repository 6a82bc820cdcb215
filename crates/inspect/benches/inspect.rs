//! Performance targets (docs/design.md#performance-targets): a case sample from a 30,000-case long list under
//! 100 ms; a 150-case inspection report under 1 s. The `reference_*` bench reads the same
//! long list with the csv crate and nothing else, as a floor to compare the sampler with.

use divan::{Bencher, black_box};
use inspect::report;
use inspect::sample::{SampleOptions, draw};
use inspect::synthetic::{SYNTHETIC_AS_OF, synthetic_assessments, synthetic_longlist};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn sample_from_30000_case_long_list(bencher: Bencher) {
    let longlist = synthetic_longlist(30_000, 1);
    let options = SampleOptions { seed: 7, ..SampleOptions::new(148, SYNTHETIC_AS_OF) };
    bencher.bench(|| draw(black_box(&longlist), &options).expect("valid"));
}

#[divan::bench(sample_count = 20)]
fn reference_csv_read_30000_case_long_list(bencher: Bencher) {
    let longlist = synthetic_longlist(30_000, 1);
    bencher.bench(|| {
        let mut reader = csv::Reader::from_reader(black_box(longlist.as_bytes()));
        reader.records().map(|r| r.expect("valid").len()).sum::<usize>()
    });
}

#[divan::bench(sample_count = 20)]
fn report_150_cases_json_and_html(bencher: Bencher) {
    let assessments = synthetic_assessments(150, 1);
    let ratings = "standard,rating\nleadership,good\nstaff,good\nservices,requires_improvement\n\
                   information_and_facilities,good\nunpaid_work,good\nthrough_the_gate,inadequate\n";
    bencher.bench(|| {
        let r = report::build(black_box(&assessments), None, Some(ratings)).expect("valid");
        (serde_json::to_string(&r).expect("serialises"), inspect::html::render_html(&r))
    });
}

/// The report's own scheme on the same long list (parsing included), for comparison with
/// the inspectorate's sampler.
#[divan::bench(sample_count = 20)]
fn report_scheme_sample_from_30000_case_long_list(bencher: Bencher) {
    let longlist = synthetic_longlist(30_000, 1);
    let scheme = inspect::scheme::ReportScheme { seed: 7, ..inspect::scheme::ReportScheme::new(148, SYNTHETIC_AS_OF) };
    bencher.bench(|| {
        let cases = inspect::longlist::parse(black_box(&longlist)).expect("valid");
        inspect::scheme::draw_report(&cases, &scheme).expect("valid")
    });
}

/// The whole report (issue 7, item 5) for 150 cases: the findings, the composition of the
/// sample against a 30,000-case population, narrative, JSON and printable HTML; under the
/// same 1 s target as the findings alone.
#[divan::bench(sample_count = 20)]
fn whole_report_150_cases_against_30000_population(bencher: Bencher) {
    use inspect::document::{NarrativeItem, NarrativeKind, Sources, assemble};
    let population = inspect::longlist::parse(&synthetic_longlist(30_000, 1)).expect("valid");
    let sample: Vec<_> = population.iter().step_by(200).cloned().collect();
    let assessments = synthetic_assessments(150, 1);
    let sample_json = serde_json::to_string(&inspect::sample::draw_from(
        &population,
        &SampleOptions { seed: 7, ..SampleOptions::new(148, SYNTHETIC_AS_OF) },
    ))
    .expect("serialises");
    let narrative: Vec<NarrativeItem> = (1..=20)
        .map(|n| NarrativeItem {
            entry: n,
            version: 1,
            kind: NarrativeKind::ALL[n as usize % 4],
            crn: (n % 4 == 3).then(|| sample[0].crn.clone()),
            question: None,
            text: "Inspectors found that managers reviewed cases regularly.".into(),
            written_by: "HMIP1".into(),
            written_at: "2017-10-20T09:00:00Z".into(),
        })
        .collect();
    bencher.bench(|| {
        let findings = report::build(black_box(&assessments), None, None).expect("valid");
        let r = assemble(Sources {
            inspection: "LDN2017",
            announced_on: SYNTHETIC_AS_OF,
            fieldwork_on: SYNTHETIC_AS_OF,
            scheme: "inspectorate",
            seed: 7,
            sample_json: &sample_json,
            population: &population,
            sample: &sample,
            findings,
            narrative: narrative.clone(),
            recorded_after_announcement: Default::default(),
            cases_with_records_after_announcement: 0,
            comparison_label: "national average",
        });
        (serde_json::to_string(&r).expect("serialises"), inspect::html::render_inspection_html(&r))
    });
}
