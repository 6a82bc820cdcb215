//! Calibration: on 5,000 generated cases every figure of the report is within two points
//! of it (the mean caseload within two cases), and needs come in the report's order.

use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::org::Organisation;
use jiff::civil::{Date, date};
use std::sync::OnceLock;
use synth::{GenerateOptions, Stats};

const AS_OF: Date = date(2018, 1, 31);

struct Run {
    org: Organisation,
    states: Vec<CaseState>,
    stats: Stats,
    events: u64,
    /// Events recorded within a day of occurring, and more than 14 days after.
    recorded_same_day: u64,
    recorded_late: u64,
    earliest_sentence: Date,
    future_bookings: u64,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let opts = GenerateOptions::new(5_000, 2018, AS_OF);
        let org = synth::organisation(&opts);
        let mut states = Vec::new();
        let (mut events, mut same_day, mut late, mut future) = (0, 0, 0, 0);
        let mut earliest = AS_OF;
        for batch in synth::cases(&opts, &org).unwrap() {
            for (crn, stream) in batch {
                for e in &stream {
                    events += 1;
                    let lag = e.recorded_at.as_second() - e.occurred_at.as_second();
                    same_day += u64::from(lag < 86_400);
                    late += u64::from(lag > 14 * 86_400);
                    match &e.event {
                        CaseEvent::SentenceImposed { sentence } => earliest = earliest.min(sentence.sentence_date),
                        CaseEvent::AppointmentBooked { appointment } => {
                            future += u64::from(appointment.at.date() >= AS_OF);
                        }
                        _ => {}
                    }
                }
                states.push(CaseState::fold(crn, &stream).unwrap());
            }
        }
        let stats = synth::stats(&org, &states);
        Run {
            org,
            states,
            stats,
            events,
            recorded_same_day: same_day,
            recorded_late: late,
            earliest_sentence: earliest,
            future_bookings: future,
        }
    })
}

#[test]
fn every_report_figure_is_within_its_tolerance() {
    let s = &run().stats;
    println!("{s}");
    for c in s.checks() {
        assert!(c.within, "{}: {:?} against {} +/- {}", c.figure, c.value, c.target, c.tolerance);
    }
    assert_eq!(s.cases, 5_000);
    assert!(s.calibrated());
}

#[test]
fn needs_follow_the_reports_order_in_every_area() {
    let s = &run().stats;
    assert!(s.needs_in_report_order);
    assert_eq!(s.needs_by_area.len(), 5);
    for a in &s.needs_by_area {
        assert!(a.assessed_cases > 500, "{}: {}", a.area, a.assessed_cases);
        assert!(a.in_report_order, "{}: {:?}", a.area, a.needs);
    }
}

#[test]
fn a_crc_holds_low_and_medium_risk_only() {
    let s = &run().stats;
    let share = |name: &str| s.rosh.iter().find(|r| r.name == name).unwrap().percent;
    assert_eq!(share("High") + share("Very high"), 0.0);
    assert!(share("Low") > 30.0 && share("Medium") > 30.0, "{:?}", s.rosh);
    assert!(share("Not assessed") < 5.0, "most active cases are assessed: {:?}", s.rosh);
}

#[test]
fn sentences_and_requirements_are_a_plausible_mix() {
    let s = &run().stats;
    let kind = |name: &str| s.sentence_mix.iter().find(|r| r.name == name).unwrap().percent;
    assert!(kind("Community order") > kind("Suspended sentence order"));
    assert!(kind("Suspended sentence order") > 15.0);
    let req = |name: &str| s.requirement_mix.iter().find(|r| r.name == name).unwrap().percent;
    assert!(req("Rehabilitation activity requirement") > req("Unpaid work"));
    assert!(req("Unpaid work") > req("Curfew") && req("Curfew") > req("Accredited programme"));
    assert!(req("Drug rehabilitation") > 0.0 && req("Alcohol treatment") > 0.0);
    let pre = s.pre_release_percent.unwrap();
    assert!((5.0..40.0).contains(&pre), "pre-release share of custodial cases {pre}");
    let hours: Vec<u16> = run()
        .states
        .iter()
        .flat_map(|c| &c.sentences)
        .flat_map(|s| &s.sentence.requirements)
        .filter_map(|r| match r.kind {
            domain::sentence::RequirementKind::UnpaidWork { hours } => Some(hours),
            _ => None,
        })
        .collect();
    assert!(hours.iter().all(|h| (40..=300).contains(h)));
    assert!(hours.iter().any(|h| *h >= 150) && hours.iter().any(|h| *h <= 80));
}

#[test]
fn people_look_like_londons_caseload() {
    let s = &run().stats;
    let eth = |name: &str| s.ethnicity.iter().find(|r| r.name.starts_with(name)).unwrap().percent;
    assert!(eth("White") > 40.0 && eth("White") < 60.0);
    assert!(eth("Black") > 15.0 && eth("Asian") > 5.0 && eth("Mixed") > 2.0);
    let other = s.gender.iter().find(|g| g.name == "Other").unwrap();
    assert!(other.percent < 1.0);
}

#[test]
fn contacts_are_mostly_kept_and_recorded_promptly() {
    let r = run();
    let s = &r.stats;
    let outcome = |name: &str| s.appointment_outcomes.iter().find(|o| o.name.starts_with(name)).unwrap().percent;
    assert!(outcome("Attended - complied") > 70.0, "{:?}", s.appointment_outcomes);
    for name in ["Acceptable absence", "Unacceptable absence", "Rescheduled", "Attended - failed", "Attended - sent"] {
        assert!(outcome(name) > 0.5, "{name}: {:?}", s.appointment_outcomes);
    }
    assert!(outcome("Acceptable absence") + outcome("Unacceptable absence") < 25.0);
    let per_case = r.events as f64 / 5_000.0;
    assert!((30.0..150.0).contains(&per_case), "{per_case} events per case");
    let same_day = r.recorded_same_day as f64 / r.events as f64;
    let late = r.recorded_late as f64 / r.events as f64;
    assert!(same_day > 0.7, "{same_day}");
    assert!(late > 0.005 && late < 0.05, "some recording is back-dated: {late}");
    // Most active cases have their next appointment booked.
    assert!(r.future_bookings as f64 > 0.6 * s.active_cases as f64, "{}", r.future_bookings);
}

#[test]
fn histories_reach_back_up_to_ten_years() {
    let r = run();
    let years = AS_OF.year() - r.earliest_sentence.year();
    assert!((9..=14).contains(&years), "earliest sentence {}", r.earliest_sentence);
    let ended = r.states.iter().filter(|c| !c.is_active()).count();
    assert!((990..=1_010).contains(&ended), "a fifth of cases have ended: {ended}");
    let long_ago = r
        .states
        .iter()
        .filter(|c| !c.is_active() && c.sentences.last().unwrap().sentence.sentence_date.year() <= AS_OF.year() - 5)
        .count();
    assert!(long_ago > 300, "{long_ago} ended cases began five or more years back");
    assert!(r.states.iter().any(|c| c.sentences.len() == 2));
    assert!(r.states.iter().all(|c| c.sentences.len() <= 2));
}

#[test]
fn statistics_are_serialisable_and_readable() {
    let r = run();
    let json = serde_json::to_value(&r.stats).unwrap();
    assert_eq!(json["areas"], 5);
    assert!(json["needs_by_area"][0]["needs"][0]["need"].is_string());
    let text = r.stats.to_string();
    for figure in
        ["Mean caseload per officer", "Custodial cases %", "Same responsible officer", "Thinking and behaviour"]
    {
        assert!(text.contains(figure), "{figure}");
    }
    let empty = synth::stats(&r.org, std::iter::empty());
    assert_eq!(empty.mean_caseload, None);
    assert_eq!(empty.custodial_percent, None);
    assert!(!empty.calibrated());
    assert!(empty.to_string().contains("n/a"));
}
