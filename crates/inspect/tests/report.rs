//! Findings, intervals and ratings on hand-computed examples.

use inspect::policy::{Rating, RatingPolicy};
use inspect::report::{build, finding, percent, wilson_interval};

/// Assessments CSV giving `yes`, `no` and `na` answers to one question, one case each.
fn answers(question: &str, yes: usize, no: usize, na: usize) -> String {
    let mut out = String::from("crn,question,answer\n");
    let mut n = 0;
    for (answer, count) in [("yes", yes), ("no", no), ("na", na)] {
        for _ in 0..count {
            n += 1;
            out.push_str(&format!("X{n:06},{question},{answer}\n"));
        }
    }
    out
}

/// Several questions over the same cases (X000001...).
fn answers_many(spec: &[(&str, usize, usize, usize)]) -> String {
    let mut out = String::from("crn,question,answer\n");
    for (question, yes, no, na) in spec {
        let mut n = 0;
        for (answer, count) in [("yes", *yes), ("no", *no), ("na", *na)] {
            for _ in 0..count {
                n += 1;
                out.push_str(&format!("X{n:06},{question},{answer}\n"));
            }
        }
    }
    out
}

const SIX_RATED_GOOD: &str = "standard,rating\nleadership,good\nstaff,good\nservices,good\n\
information_and_facilities,good\nunpaid_work,good\nthrough_the_gate,good\n";

/// Wilson, worked by hand with z = 1.96 (the code uses analytics' z = 1.959964; the
/// difference does not reach the first decimal in these examples):
/// 5/10: p = 0.5, z²/n = 0.38416, centre 0.5,
///   half = 1.96 × √(0.025 + 0.009604) / 1.38416 = 0.26341 → 23.7 to 76.3.
/// 10/10: centre = 1.19208 / 1.38416 = 0.86126, half = 0.19208 / 1.38416 = 0.13877
///   → 72.2 to 100.0.
/// 0/4: centre = 0.4802 / 1.9604 = 0.24495 = half → 0.0 to 49.0.
/// 83/148 (56.1%): centre 0.55927, half 0.07896 → 48.0 to 63.8.
#[test]
fn wilson_intervals_match_hand_computation() {
    for (yes, no, low, high, pct) in
        [(5, 5, 23.7, 76.3, 50.0), (10, 0, 72.2, 100.0, 100.0), (0, 4, 0.0, 49.0, 0.0), (83, 65, 48.0, 63.8, 56.1)]
    {
        let f = finding("PP.A1", yes, no, 3, None);
        assert_eq!(f.percent, Some(pct), "{yes}/{}", yes + no);
        assert_eq!(f.ci_low, Some(low), "{yes}/{}", yes + no);
        assert_eq!(f.ci_high, Some(high), "{yes}/{}", yes + no);
    }
    let (low, high) = wilson_interval(5, 10).unwrap();
    assert!((low - 23.659).abs() < 0.001 && (high - 76.341).abs() < 0.001);
}

#[test]
fn percent_rounds_half_up_exactly() {
    assert_eq!(percent(1, 16), Some(6.3)); // 6.25
    assert_eq!(percent(1, 8), Some(12.5));
    assert_eq!(percent(1, 3), Some(33.3));
    assert_eq!(percent(2, 3), Some(66.7));
    assert_eq!(percent(0, 0), None);
}

#[test]
fn questions_with_no_relevant_cases_have_null_figures() {
    let r = build(&answers("PP.A1", 0, 0, 4), None, None).unwrap();
    assert_eq!(r.cases, 4);
    let q = &r.questions[0];
    assert_eq!((q.id.as_str(), q.yes, q.no, q.na), ("PP.A1", 0, 0, 4));
    assert_eq!((q.percent, q.ci_low, q.ci_high), (None, None, None));
    // Unanswered questions are listed too, with zero counts.
    assert_eq!(r.questions.len(), inspect::instrument::questions().len());
    assert_eq!(r.questions.len(), 83);
    let unanswered = r.questions.iter().find(|q| q.id == "WT.3").unwrap();
    assert_eq!((unanswered.yes, unanswered.no, unanswered.na, unanswered.percent), (0, 0, 0, None));
}

#[test]
fn a_standard_without_relevant_cases_is_not_rated_and_blocks_the_overall_rating() {
    // Assessment, delivery and reviewing have figures; planning's questions are all na.
    let csv = answers_many(&[
        ("PP.A1", 9, 1, 0),
        ("PP.P1", 0, 0, 10),
        ("RR.P1", 0, 0, 10),
        ("PP.D1", 9, 1, 0),
        ("PP.R1", 9, 1, 0),
    ]);
    let r = build(&csv, None, Some(SIX_RATED_GOOD)).unwrap();
    let planning = r.standards.iter().find(|s| s.id == "planning").unwrap();
    assert_eq!(planning.lowest_question, None);
    assert_eq!(planning.percent, None);
    assert_eq!(planning.rating, None);
    assert_eq!(r.overall, None);
}

#[test]
fn a_standard_takes_the_band_of_its_lowest_question() {
    let csv = answers_many(&[
        ("PP.D1", 9, 1, 0),   // 90%
        ("PP.D2", 14, 11, 0), // 56%
        ("RR.D1", 7, 3, 0),   // 70%
        ("AS.D2", 0, 0, 25),  // no relevant cases: skipped
    ]);
    let r = build(&csv, None, None).unwrap();
    let delivery = r.standards.iter().find(|s| s.id == "delivery").unwrap();
    assert_eq!(delivery.lowest_question.as_deref(), Some("PP.D2"));
    assert_eq!(delivery.percent, Some(56.0));
    assert_eq!(delivery.rating, Some(Rating::RequiresImprovement));
}

#[test]
fn a_tie_for_lowest_goes_to_the_question_listed_first() {
    let csv = answers_many(&[("PP.R1", 3, 1, 0), ("RR.R1", 6, 2, 0)]);
    let r = build(&csv, None, None).unwrap();
    let reviewing = r.standards.iter().find(|s| s.id == "reviewing").unwrap();
    assert_eq!(reviewing.lowest_question.as_deref(), Some("PP.R1"));
}

#[test]
fn rating_bands_at_their_boundaries() {
    let policy = RatingPolicy::default();
    for (yes, relevant, rating) in [
        (499, 1000, Rating::Inadequate),          // 49.9%
        (1, 2, Rating::RequiresImprovement),      // 50%
        (649, 1000, Rating::RequiresImprovement), // 64.9%
        (13, 20, Rating::Good),                   // 65%
        (799, 1000, Rating::Good),                // 79.9%
        (4, 5, Rating::Outstanding),              // 80%
        (0, 7, Rating::Inadequate),
        (7, 7, Rating::Outstanding),
    ] {
        assert_eq!(policy.rate_share(yes, relevant), Some(rating), "{yes}/{relevant}");
    }
    assert_eq!(policy.rate_share(0, 0), None);
}

#[test]
fn bands_apply_to_the_unrounded_share() {
    // 1999/2500 = 79.96%: shown as 80.0 but rated good.
    let r = build(&answers("PP.A1", 1999, 501, 0), None, None).unwrap();
    let assessment = r.standards.iter().find(|s| s.id == "assessment").unwrap();
    assert_eq!(assessment.percent, Some(80.0));
    assert_eq!(assessment.rating, Some(Rating::Good));
}

#[test]
fn overall_bands_at_their_boundaries() {
    let policy = RatingPolicy::default();
    for (score, rating) in [
        (0, Rating::Inadequate),
        (5, Rating::Inadequate),
        (6, Rating::RequiresImprovement),
        (15, Rating::RequiresImprovement),
        (16, Rating::Good),
        (25, Rating::Good),
        (26, Rating::Outstanding),
        (30, Rating::Outstanding),
    ] {
        assert_eq!(policy.rate_score(score), rating, "score {score}");
    }
}

/// The four case standards from the cases (outstanding 3 + good 2 + requires improvement 1
/// + inadequate 0 = 6) and the six others good (12): 18, good.
#[test]
fn overall_score_sums_all_ten_standards() {
    let csv = answers_many(&[
        ("PP.A1", 9, 1, 0), // assessment 90%: outstanding
        ("PP.P1", 7, 3, 0), // planning 70%: good
        ("PP.D1", 5, 5, 0), // delivery 50%: requires improvement
        ("PP.R1", 4, 6, 0), // reviewing 40%: inadequate
    ]);
    let r = build(&csv, None, Some(SIX_RATED_GOOD)).unwrap();
    let overall = r.overall.as_ref().unwrap();
    assert_eq!((overall.score, overall.rating), (18, Rating::Good));
    let ids: Vec<&str> = r.standards.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "leadership",
            "staff",
            "services",
            "information_and_facilities",
            "assessment",
            "planning",
            "delivery",
            "reviewing",
            "unpaid_work",
            "through_the_gate"
        ]
    );

    // Without the ratings file, or with only some of the six, no overall rating.
    assert_eq!(build(&csv, None, None).unwrap().overall, None);
    let partial = "standard,rating\nleadership,good\nstaff,good\n";
    assert_eq!(build(&csv, None, Some(partial)).unwrap().overall, None);

    // NPS standards complete the ten as well.
    let nps = "standard,rating\nleadership,inadequate\nstaff,inadequate\nservices,inadequate\n\
information_and_facilities,inadequate\ncourt_reports,inadequate\nvictim_contact,Inadequate\n";
    let overall = build(&csv, None, Some(nps)).unwrap().overall.unwrap();
    assert_eq!((overall.score, overall.rating), (6, Rating::RequiresImprovement));
}

#[test]
fn comparison_figures_are_carried_to_their_questions() {
    let comparison = "question,percent\nPP.A1,61.5\nRR.P1,\n";
    let r = build(&answers("PP.A1", 3, 1, 0), Some(comparison), None).unwrap();
    let by_id = |id: &str| r.questions.iter().find(|q| q.id == id).unwrap().comparison;
    assert_eq!(by_id("PP.A1"), Some(61.5));
    assert_eq!(by_id("RR.P1"), None);
    assert_eq!(by_id("AS.A1"), None);
}

#[test]
fn report_serialises_to_the_documented_json() {
    let r = build(&answers("PP.A1", 5, 5, 1), Some("question,percent\nPP.A1,56\n"), None).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.starts_with(
        r#"{"cases":11,"questions":[{"id":"PP.A1","yes":5,"no":5,"na":1,"percent":50.0,"ci_low":23.7,"ci_high":76.3,"comparison":56.0},{"id":"PP.P1","yes":0,"no":0,"na":0,"percent":null,"ci_low":null,"ci_high":null,"comparison":null}"#
    ), "{json}");
    assert!(json.contains(
        r#""standards":[{"id":"assessment","lowest_question":"PP.A1","percent":50.0,"rating":"requires_improvement"},{"id":"planning","lowest_question":null,"percent":null,"rating":null}"#
    ), "{json}");
    assert!(json.ends_with(r#""overall":null}"#), "{json}");
}

#[test]
fn html_report_is_self_contained_and_accessible() {
    let csv = answers_many(&[("PP.A1", 9, 1, 2), ("RR.N.drugs.plan", 2, 1, 7), ("WT.1", 1, 0, 0)]);
    let r = build(&csv, None, Some(SIX_RATED_GOOD)).unwrap();
    let html = inspect::html::render_html(&r);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(html.matches("<h1>").count(), 1);
    // No external resources: everything inline.
    assert!(!html.contains("<link") && !html.contains("<script") && !html.contains("src="));
    // Each chart has a text alternative and a table with the same numbers.
    let charts = html.matches("<svg").count();
    assert_eq!(charts, 3);
    assert_eq!(html.matches("role=\"img\"").count(), charts);
    assert_eq!(html.matches("in numbers:").count(), charts);
    assert!(html.matches("<caption>").count() > charts);
    assert!(html.contains("<td class=\"num\">9</td><td class=\"num\">1</td><td class=\"num\">2</td>"));
    assert!(html.contains("Need: drug misuse"));
    assert!(html.contains("Outstanding"));
    assert!(html.contains("@media print"));
}

#[test]
fn html_escapes_text() {
    assert_eq!(inspect::html::escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

#[test]
fn a_synthetic_150_case_report_builds() {
    let csv = inspect::synthetic::synthetic_assessments(150, 9);
    let r = build(&csv, None, None).unwrap();
    assert_eq!(r.cases, 150);
    assert!(r.questions.iter().all(|q| q.yes + q.no + q.na == 150));
}
