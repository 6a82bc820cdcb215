//! Bad input gets an error naming file, row and field, never a wrong answer.

mod common;

use common::{Row, csv, row};
use inspect::InputError;
use inspect::report::build;
use inspect::sample::{SampleOptions, draw};
use jiff::civil::date;

fn sample_error(rows: &[Row]) -> InputError {
    draw(&csv(rows), &SampleOptions::new(10, date(2017, 10, 1))).unwrap_err()
}

/// The second data row is bad: row 2, line 3 (the header is line 1).
fn assert_at(err: &InputError, file: &str, row: usize, field: &str) {
    assert_eq!(err.file, file, "{err}");
    assert_eq!(err.row, Some(row), "{err}");
    assert_eq!(err.line, Some(row as u64 + 1), "{err}");
    assert_eq!(err.field.as_deref(), Some(field), "{err}");
    let text = err.to_string();
    assert!(text.starts_with(&format!("{file}: row {row} (line {}), field {field}: ", row + 1)), "{text}");
    assert!(!text.contains('\n'), "one line: {text}");
}

/// A change that makes a row invalid.
type Spoil = fn(&mut Row);

#[test]
fn long_list_bad_values_name_row_and_field() {
    let cases: [(&str, Spoil); 9] = [
        ("gender", |r| r.gender = "X".into()),
        ("sentence_type", |r| r.sentence_type = "licence".into()),
        ("rosh", |r| r.rosh = "extreme".into()),
        ("rosh", |r| r.rosh = String::new()),
        ("start_date", |r| r.start_date = "2017-02-30".into()),
        ("start_date", |r| r.start_date = "01/02/2017".into()),
        ("start_date", |r| r.start_date = String::new()),
        ("dob", |r| r.dob = "20170101".into()),
        ("crn", |r| r.crn = "12345".into()),
    ];
    for (field, spoil) in cases {
        let err = sample_error(&[row(1), row(2).with(spoil)]);
        assert_at(&err, "longlist", 2, field);
    }
}

#[test]
fn long_list_end_date_may_be_empty_but_not_bad_or_before_the_start() {
    let good = csv(&[row(1)]);
    assert!(draw(&good, &SampleOptions::new(1, date(2017, 10, 1))).is_ok());
    let bad = good.replace("2017-01-10,,", "2017-01-10,2016-12-31,");
    let err = draw(&bad, &SampleOptions::new(1, date(2017, 10, 1))).unwrap_err();
    assert_at(&err, "longlist", 1, "end_date");
    let bad = good.replace("2017-01-10,,", "2017-01-10,soon,");
    let err = draw(&bad, &SampleOptions::new(1, date(2017, 10, 1))).unwrap_err();
    assert_at(&err, "longlist", 1, "end_date");
}

#[test]
fn long_list_missing_column_is_named() {
    let text = csv(&[row(1)]).replacen("rosh,", "risk,", 1);
    let err = draw(&text, &SampleOptions::new(1, date(2017, 10, 1))).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("rosh"));
    assert_eq!(err.row, None);
    assert!(err.to_string().contains("missing column rosh"), "{err}");
    let err = draw("", &SampleOptions::new(1, date(2017, 10, 1))).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("crn"));
}

#[test]
fn long_list_ragged_row_is_located() {
    let mut text = csv(&[row(1)]);
    text.push_str("X000002,too,few\n");
    let err = draw(&text, &SampleOptions::new(1, date(2017, 10, 1))).unwrap_err();
    assert_eq!(err.row, Some(2));
    assert_eq!(err.line, Some(3));
}

#[test]
fn options_are_checked() {
    let mut opts = SampleOptions::new(1, date(2017, 10, 1));
    opts.max_per_officer = 0;
    let err = draw(&csv(&[row(1)]), &opts).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("max-per-officer"));
}

#[test]
fn the_cli_can_put_the_path_in_the_message() {
    let err = sample_error(&[row(1).with(|r| r.gender = "X".into())]).in_file("cases.csv");
    assert!(err.to_string().starts_with("cases.csv: row 1 (line 2), field gender: "), "{err}");
}

#[test]
fn assessments_bad_answer_question_or_duplicate() {
    let base = "crn,question,answer\nX000001,PP.A1,yes\n";
    for (extra, field) in [
        ("X000002,PP.A1,maybe\n", "answer"),
        ("X000002,PP.A1,\n", "answer"),
        ("X000002,PP.Z9,yes\n", "question"),
        ("X000002,PP.I.<group>,yes\n", "question"),
        ("X000002,PP.I.dogs,yes\n", "question"),
        ("X000002,RR.N.drugs.effort,yes\n", "question"),
        ("X000002,pp.a1,yes\n", "question"),
        ("X000001,PP.A1,no\n", "question"),
        (",PP.A1,no\n", "crn"),
    ] {
        let err = build(&format!("{base}{extra}"), None, None).unwrap_err();
        assert_at(&err, "assessments", 2, field);
    }
    let err = build("crn,question,answer\nX000001,PP.A1,yes\nX000001,PP.A1,yes\n", None, None).unwrap_err();
    assert!(err.to_string().contains("answered twice for X000001 (first in row 1)"), "{err}");
    // Expanded ids are accepted.
    let ok = "crn,question,answer\nX1,PP.I.known_adult,YES\nX1,RR.N.ete.partner,na\n";
    assert!(build(ok, None, None).is_ok());
}

#[test]
fn assessments_missing_column() {
    let err = build("crn,question\nX1,PP.A1\n", None, None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("answer"));
}

#[test]
fn comparison_bad_values() {
    let ok = "crn,question,answer\nX1,PP.A1,yes\n";
    let base = "question,percent\nPP.A1,50\n";
    for (extra, field) in [
        ("PP.P1,abc\n", "percent"),
        ("PP.P1,101\n", "percent"),
        ("PP.P1,-1\n", "percent"),
        ("PP.P1,NaN\n", "percent"),
        ("PP.X1,50\n", "question"),
        ("PP.A1,40\n", "question"),
    ] {
        let err = build(ok, Some(&format!("{base}{extra}")), None).unwrap_err();
        assert_at(&err, "comparison", 2, field);
    }
}

#[test]
fn ratings_bad_values() {
    let ok = "crn,question,answer\nX1,PP.A1,yes\n";
    let base = "standard,rating\nleadership,good\n";
    for (extra, field) in [
        ("staff,excellent\n", "rating"),
        ("staff,\n", "rating"),
        ("culture,good\n", "standard"),
        ("assessment,good\n", "standard"),
        ("leadership,good\n", "standard"),
    ] {
        let err = build(ok, None, Some(&format!("{base}{extra}"))).unwrap_err();
        assert_at(&err, "ratings", 2, field);
    }
    let mixed = "standard,rating\nunpaid_work,good\ncourt_reports,good\n";
    let err = build(ok, None, Some(mixed)).unwrap_err();
    assert_at(&err, "ratings", 2, "standard");
}
