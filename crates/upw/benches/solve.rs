//! Times `solve` on a London-scale synthetic instance (6,000 people, 400 projects).
//! Target: under 2 s in release (docs/design.md#performance-targets).
//!
//! `cargo bench -p upw`

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn london_week(bencher: divan::Bencher) {
    let instance = upw::synthetic_instance(1, 6000, 400);
    bencher.bench(|| upw::solve(divan::black_box(&instance)));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn london_week_with_previous(bencher: divan::Bencher) {
    let instance = upw::synthetic_instance(1, 6000, 400);
    let previous = upw::solve(&instance).assignments;
    let instance = instance.with_previous(previous);
    bencher.bench(|| upw::solve(divan::black_box(&instance)));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn parse_london_week(bencher: divan::Bencher) {
    let json = upw::synthetic_instance(1, 6000, 400).to_json();
    bencher.bench(|| upw::Instance::from_json(divan::black_box(&json)).expect("valid"));
}
