//! Synthetic inspection data for benchmarks, demos and the CLI: a long list shaped like
//! a London-like CRC's (5 clusters, 33 LDUs, 25 offices, ~45 cases per officer in the
//! window) and a set of case assessments. Deterministic for a seed.
//!
//! Shares follow the report where it gives them (41% custodial sentences); the rest are
//! plausible round numbers. Every exclusion reason occurs, so the sampler's full path runs.

use jiff::ToSpan;
use jiff::civil::{Date, date};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::instrument;

const CLUSTERS: [&str; 5] = ["Central", "East", "North", "South", "West"];

const LDUS: [&str; 33] = [
    "Barking and Dagenham",
    "Barnet",
    "Bexley",
    "Brent",
    "Bromley",
    "Camden",
    "City of London",
    "Croydon",
    "Ealing",
    "Enfield",
    "Greenwich",
    "Hackney",
    "Hammersmith and Fulham",
    "Haringey",
    "Harrow",
    "Havering",
    "Hillingdon",
    "Hounslow",
    "Islington",
    "Kensington and Chelsea",
    "Kingston upon Thames",
    "Lambeth",
    "Lewisham",
    "Merton",
    "Newham",
    "Redbridge",
    "Richmond upon Thames",
    "Southwark",
    "Sutton",
    "Tower Hamlets",
    "Waltham Forest",
    "Wandsworth",
    "Westminster",
];

const FIRST_NAMES: [&str; 24] = [
    "James", "Mohammed", "Daniel", "Kwame", "Liam", "Tomasz", "Ryan", "Adebayo", "Connor", "Jamal", "Marcus", "Ahmed",
    "Sarah", "Aisha", "Emma", "Chloe", "Precious", "Olga", "Kelly", "Fatima", "Joseph", "Darren", "Kieran", "Nathan",
];

const FAMILY_NAMES: [&str; 24] = [
    "Smith", "Jones", "Khan", "Okafor", "Williams", "Brown", "Patel", "Mensah", "Taylor", "Nowak", "Davies", "Ali",
    "Evans", "Hussain", "Wilson", "Thomas", "Campbell", "Roberts", "Johnson", "Walker", "Begum", "Clarke", "Osei",
    "Murphy",
];

/// The as-of date the synthetic long list is made for: its window is January to March
/// 2017, about nine months before fieldwork, as in the report.
pub const SYNTHETIC_AS_OF: Date = date(2017, 10, 1);

/// A long list of `n` cases as CSV (the long-list format of docs/rules/practice.md#file-formats).
pub fn synthetic_longlist(n: usize, seed: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let officers_per_ldu = (n / 45 / LDUS.len()).max(1);
    let window_start = date(2017, 1, 1);
    let mut people: Vec<(String, String, String, Date)> = Vec::new();
    let mut out = String::with_capacity(n * 160);
    out.push_str(&crate::longlist::COLUMNS.join(","));
    out.push('\n');
    for i in 0..n {
        let crn = format!("{}{:06}", (b'A' + (i / 1_000_000 % 26) as u8) as char, i % 1_000_000);
        // About 3% are a later case of someone already on the list.
        let (pnc, first, family, dob) = if !people.is_empty() && rng.random_range(0..100) < 3 {
            people[rng.random_range(0..people.len())].clone()
        } else {
            let pnc = if rng.random_range(0..10) == 0 {
                String::new()
            } else {
                format!("{}/{:07}{}", rng.random_range(1990..2017), i, (b'A' + (i % 26) as u8) as char)
            };
            let person = (
                pnc,
                FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())].to_string(),
                FAMILY_NAMES[rng.random_range(0..FAMILY_NAMES.len())].to_string(),
                date(1950, 1, 1).checked_add(rng.random_range(0..18_000i64).days()).expect("in range"),
            );
            people.push(person.clone());
            person
        };
        let (first, family) =
            if rng.random_range(0..200) == 0 { ("*****".to_string(), "*****".to_string()) } else { (first, family) };
        let gender = match rng.random_range(0..1000) {
            0..5 => "other",
            5..15 => "",
            15..150 => "F",
            _ => "M",
        };
        let sentence_type = if rng.random_range(0..100) < 41 { "post_custody" } else { "community" };
        let rosh = match rng.random_range(0..100) {
            0..30 => "low",
            30..85 => "medium",
            85..99 => "high",
            _ => "very_high",
        };
        // About 1% start after the as-of date (a future start on the list).
        let start = if rng.random_range(0..100) == 0 {
            SYNTHETIC_AS_OF.checked_add(rng.random_range(1..60i64).days())
        } else {
            window_start.checked_add(rng.random_range(0..90i64).days())
        }
        .expect("in range");
        let end = if rng.random_range(0..5) == 0 {
            String::new()
        } else {
            start.checked_add(12.months()).expect("in range").to_string()
        };
        let l = rng.random_range(0..LDUS.len());
        let ldu = LDUS[l];
        let cluster = CLUSTERS[l % CLUSTERS.len()];
        let officer = rng.random_range(0..officers_per_ldu);
        let ethnicity = match rng.random_range(0..100) {
            0..60 => "White",
            60..77 => "Black",
            77..90 => "Asian",
            90..96 => "Mixed",
            96..99 => "Other",
            _ => "",
        };
        let office = LDUS[l % 25];
        out.push_str(&format!(
            "{crn},{pnc},{first},{family},{dob},{gender},{sentence_type},{rosh},{start},{end},{cluster},{ldu},{ldu} {team},Officer {l:02}-{officer:03},{ethnicity},{office} office\n",
            team = officer % 3 + 1,
        ));
    }
    out
}

/// Answers for `cases` sampled cases to every question of the instrument, as an
/// assessments CSV (crn, question, answer).
pub fn synthetic_assessments(cases: usize, seed: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let questions = instrument::questions();
    let mut out = String::from("crn,question,answer\n");
    for c in 0..cases {
        for q in &questions {
            // Needs are often absent (na); otherwise about 60% of relevant work is sufficient.
            let na = if q.id.starts_with("RR.N.") { 50 } else { 15 };
            let roll = rng.random_range(0..100);
            let answer = if roll < na {
                "na"
            } else if roll < na + (100 - na) * 6 / 10 {
                "yes"
            } else {
                "no"
            };
            out.push_str(&format!("X{c:06},{},{answer}\n", q.id));
        }
    }
    out
}
