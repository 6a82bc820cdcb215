//! The MI facts projection: the dated facts of `analytics::measures`, one set per case, in
//! `mi_facts`, and the same facts pre-summed in `mi_monthly` (by measure, period, officer,
//! team and key), `mi_monthly_team` (summed over officers) and `mi_monthly_provider` (summed
//! over teams).
//!
//! A case's facts come from its one fold ([`crate::fold`]) and replace its rows in the
//! append's transaction; the pre-summed rows move by the difference between the case's stored
//! facts and its new ones, so they stay the sum of the facts as stored. Bulk loads and
//! rebuilds write facts and add their sums. `check` compares the facts with a recompute from
//! the log and the pre-summed rows with a re-summing of the facts (`mi_resum`).

use crate::db::{PostgresStore, SqliteStore, Value};
use crate::{StoreError, corrupt};
use analytics::measures::{Fact, Grouping, MeasureId, MeasureKind};
use domain::ids::{Code, Crn};
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

pub(crate) const FACT_COLUMNS: &str = "crn, measure, on_date, met, officer, team, fact_key, weight";
pub(crate) const MONTHLY_COLUMNS: &str = "measure, period, officer, team, fact_key, met, total, weight";
const TEAM_COLUMNS: &str = "measure, period, team, fact_key, met, total, weight";
const PROVIDER_COLUMNS: &str = "measure, period, fact_key, met, total, weight";

/// Every table of the projection, emptied by a rebuild.
pub(crate) const TABLES: &[&str] = &["mi_facts", "mi_monthly", "mi_monthly_team", "mi_monthly_provider"];

/// The pre-summed tables, each with the key its rows are summed by and that key's values
/// taken from a fact's [`SumKey`]: by officer, rolled up over officers, and over teams.
type KeyOf = fn(&SumKey) -> Vec<&str>;
const SUM_TABLES: [(&str, &[&str], KeyOf); 3] = [
    ("mi_monthly", &["measure", "period", "officer", "team", "fact_key"], |(m, p, o, t, k)| vec![m, p, o, t, k]),
    ("mi_monthly_team", &["measure", "period", "team", "fact_key"], |(m, p, _, t, k)| vec![m, p, t, k]),
    ("mi_monthly_provider", &["measure", "period", "fact_key"], |(m, p, _, _, k)| vec![m, p, k]),
];

/// Where a pre-summed row counts: (measure, period, officer, team, key); '' for none. The
/// period is the month (YYYY-MM) of a period fact, or the first failing day of an as-at fact.
pub type SumKey = (String, String, String, String, String);

/// Sums of facts: how many met the standard (as-at: always 0), how many, and their weights.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub met: i64,
    pub total: i64,
    pub weight: i64,
}

impl Sums {
    pub(crate) fn add(&mut self, other: Sums) {
        self.met += other.met;
        self.total += other.total;
        self.weight += other.weight;
    }

    pub(crate) fn is_zero(&self) -> bool {
        *self == Sums::default()
    }
}

/// A stored fact as exported: (crn, measure, on_date, met, officer, team, fact_key, weight).
pub type FactRow = (String, String, Option<String>, i64, Option<String>, Option<String>, Option<String>, i64);

fn fact_values(crn: &str, f: &Fact) -> Vec<Value> {
    vec![
        Value::Text(crn.to_owned()),
        Value::Text(f.measure.id().to_owned()),
        Value::OptText(f.on.map(|d| d.to_string())),
        Value::Int(i64::from(f.met)),
        Value::OptText(f.officer.as_ref().map(|c| c.to_string())),
        Value::OptText(f.team.as_ref().map(|c| c.to_string())),
        Value::OptText(f.key.clone()),
        Value::Int(i64::try_from(f.weight).unwrap_or(i64::MAX)),
    ]
}

/// The pre-summed period of a fact: its month for a period measure, its first failing day
/// for an as-at one ('' when it never fails).
pub fn period_of(f: &Fact) -> String {
    match (f.measure.kind(), f.on) {
        (_, None) => String::new(),
        (MeasureKind::Period, Some(d)) => Grouping::Month.label(d),
        (MeasureKind::AsAt, Some(d)) => d.to_string(),
    }
}

fn sum_key(f: &Fact) -> SumKey {
    let text = |c: &Option<Code>| c.as_ref().map(|c| c.to_string()).unwrap_or_default();
    (f.measure.id().to_owned(), period_of(f), text(&f.officer), text(&f.team), f.key.clone().unwrap_or_default())
}

/// Adds (`sign` 1) or takes away (-1) facts from sums.
pub fn sum_facts<'a>(sums: &mut BTreeMap<SumKey, Sums>, facts: impl IntoIterator<Item = &'a Fact>, sign: i64) {
    for f in facts {
        let weight = i64::try_from(f.weight).unwrap_or(i64::MAX);
        sums.entry(sum_key(f)).or_default().add(Sums {
            met: sign * i64::from(f.met),
            total: sign,
            weight: sign * weight,
        });
    }
}

/// Officer-level sums rolled up to teams: (measure, period, team, key).
pub fn by_team(sums: &BTreeMap<SumKey, Sums>) -> BTreeMap<(String, String, String, String), Sums> {
    let mut out: BTreeMap<(String, String, String, String), Sums> = BTreeMap::new();
    for ((measure, period, _, team, key), s) in sums {
        out.entry((measure.clone(), period.clone(), team.clone(), key.clone())).or_default().add(*s);
    }
    out
}

/// Officer-level sums rolled up to the whole provider: (measure, period, key).
pub fn by_provider(sums: &BTreeMap<SumKey, Sums>) -> BTreeMap<(String, String, String), Sums> {
    let mut out: BTreeMap<(String, String, String), Sums> = BTreeMap::new();
    for ((measure, period, _, _, key), s) in sums {
        out.entry((measure.clone(), period.clone(), key.clone())).or_default().add(*s);
    }
    out
}

pub(crate) fn parse_fact(row: FactRow) -> Result<(Crn, Fact), StoreError> {
    let (crn, measure, on, met, officer, team, key, weight) = row;
    let code = |c: Option<String>| c.map(|c| Code::parse(&c).map_err(|e| corrupt("mi_facts code", e))).transpose();
    Ok((
        Crn::parse(&crn).map_err(|e| corrupt("mi_facts crn", e))?,
        Fact {
            measure: MeasureId::parse(&measure).ok_or_else(|| corrupt("mi_facts measure", &measure))?,
            on: on.map(|d| d.parse().map_err(|e| corrupt("mi_facts on_date", e))).transpose()?,
            met: met != 0,
            officer: code(officer)?,
            team: code(team)?,
            key,
            weight: u64::try_from(weight).map_err(|e| corrupt("mi_facts weight", e))?,
        },
    ))
}

/// The SQL for a fact's pre-summed period, as [`period_of`] computes it.
pub(crate) fn period_sql() -> String {
    let as_at: Vec<String> =
        MeasureId::ALL.iter().filter(|m| m.kind() == MeasureKind::AsAt).map(|m| format!("'{}'", m.id())).collect();
    format!(
        "CASE WHEN measure IN ({}) THEN COALESCE(on_date, '') ELSE COALESCE(substr(on_date, 1, 7), '') END",
        as_at.join(", ")
    )
}

pub(crate) type SumRow = (String, String, String, String, String, i64, i64, i64);

pub(crate) fn sums_map(rows: Vec<SumRow>) -> BTreeMap<SumKey, Sums> {
    rows.into_iter().map(|(m, p, o, t, k, met, total, weight)| ((m, p, o, t, k), Sums { met, total, weight })).collect()
}

fn describe_sums<K: std::fmt::Debug + Ord>(
    table: &str,
    live: &BTreeMap<K, Sums>,
    want: &BTreeMap<K, Sums>,
    out: &mut Vec<String>,
) {
    for (k, w) in want {
        match live.get(k) {
            Some(l) if l == w => {}
            got => out.push(format!("{table}: {k:?} holds {got:?}, the facts sum to {w:?}")),
        }
    }
    for (k, l) in live.iter().filter(|(k, _)| !want.contains_key(*k)) {
        out.push(format!("{table}: {k:?} holds {l:?} and no fact sums to it"));
    }
}

fn differences(live: &[(Crn, Fact)], want: &[(Crn, Fact)]) -> Vec<String> {
    fn count(facts: &[(Crn, Fact)]) -> BTreeMap<&(Crn, Fact), i64> {
        let mut m = BTreeMap::new();
        for f in facts {
            *m.entry(f).or_default() += 1;
        }
        m
    }
    let (live, want) = (count(live), count(want));
    let mut out = Vec::new();
    for (fact, n) in &want {
        let got = live.get(fact).copied().unwrap_or(0);
        if got != *n {
            out.push(format!("mi_facts: {} {:?} appears {got} times live, {n} in a recompute", fact.0, fact.1));
        }
    }
    for (fact, n) in live.iter().filter(|(f, _)| !want.contains_key(*f)) {
        out.push(format!("mi_facts: {} {:?} appears {n} times live and not in a recompute", fact.0, fact.1));
    }
    out
}

macro_rules! impl_mi_facts {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Adds `delta` to the pre-summed tables (officer rows and their team and provider
            /// roll-ups), removing rows that fall to nothing.
            async fn mi_add_sums(conn: &mut $conn, delta: &BTreeMap<SumKey, Sums>) -> Result<(), StoreError> {
                for (table, key, key_of) in SUM_TABLES {
                    let mut rolled: BTreeMap<Vec<&str>, Sums> = BTreeMap::new();
                    for (k, s) in delta {
                        rolled.entry(key_of(k)).or_default().add(*s);
                    }
                    let rows: Vec<Vec<Value>> = rolled
                        .iter()
                        .filter(|(_, s)| !s.is_zero())
                        .map(|(k, s)| {
                            let mut row: Vec<Value> = k.iter().map(|v| Value::Text((*v).to_owned())).collect();
                            row.extend([Value::Int(s.met), Value::Int(s.total), Value::Int(s.weight)]);
                            row
                        })
                        .collect();
                    Self::add_rows(conn, table, key, &["met", "total", "weight"], &rows).await?;
                    // Only a row that lost facts can have fallen to nothing.
                    let matches: Vec<String> =
                        key.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
                    let delete = format!("DELETE FROM {table} WHERE {} AND total = 0", matches.join(" AND "));
                    for (k, _) in rolled.iter().filter(|(_, s)| s.total < 0) {
                        let mut q = sqlx::query(AssertSqlSafe(delete.as_str()));
                        for v in k {
                            q = q.bind(*v);
                        }
                        q.execute(&mut *conn).await?;
                    }
                }
                Ok(())
            }

            /// Replaces a case's facts after an append, and moves the pre-summed rows by the
            /// Replaces a case's facts after an append with `facts` (sorted), and moves the
            /// pre-summed rows by the difference from the facts stored (in the append's
            /// transaction).
            pub(crate) async fn mi_replace_case(conn: &mut $conn, crn: &Crn, facts: &[Fact]) -> Result<(), StoreError> {
                let sql = format!("SELECT {FACT_COLUMNS} FROM mi_facts WHERE crn = $1");
                let rows: Vec<FactRow> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(crn.as_str()).fetch_all(&mut *conn).await?;
                let mut old: Vec<Fact> =
                    rows.into_iter().map(|r| parse_fact(r).map(|(_, f)| f)).collect::<Result<_, _>>()?;
                old.sort();
                if old == facts {
                    return Ok(());
                }
                let mut delta = BTreeMap::new();
                sum_facts(&mut delta, facts, 1);
                sum_facts(&mut delta, &old, -1);
                Self::mi_add_sums(conn, &delta).await?;
                sqlx::query("DELETE FROM mi_facts WHERE crn = $1").bind(crn.as_str()).execute(&mut *conn).await?;
                let rows: Vec<Vec<Value>> = facts.iter().map(|f| fact_values(crn.as_str(), f)).collect();
                Self::insert_case_rows(conn, "mi_facts", FACT_COLUMNS, 8, &rows).await
            }

            /// Writes the facts of cases new to the projection, and adds them to the sums.
            pub(crate) async fn mi_write_facts(conn: &mut $conn, facts: &[(Crn, Fact)]) -> Result<(), StoreError> {
                let rows: Vec<Vec<Value>> = facts.iter().map(|(c, f)| fact_values(c.as_str(), f)).collect();
                Self::insert_rows(conn, "mi_facts", FACT_COLUMNS, 8, &rows).await?;
                let mut sums = BTreeMap::new();
                sum_facts(&mut sums, facts.iter().map(|(_, f)| f), 1);
                Self::mi_add_sums(conn, &sums).await
            }

            /// Every stored fact, by case, in a stable order.
            pub(crate) async fn mi_live_facts(&self) -> Result<Vec<(Crn, Fact)>, StoreError> {
                let sql = format!("SELECT {FACT_COLUMNS} FROM mi_facts");
                let rows: Vec<FactRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let mut facts: Vec<(Crn, Fact)> = rows.into_iter().map(parse_fact).collect::<Result<_, _>>()?;
                facts.sort();
                Ok(facts)
            }

            /// The rows of `mi_monthly` as stored.
            pub(crate) async fn mi_live_monthly(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
                let sql = format!("SELECT {MONTHLY_COLUMNS} FROM mi_monthly");
                let rows: Vec<SumRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                Ok(sums_map(rows))
            }

            /// Each difference between the live facts and `want` (a recompute from the log, in
            /// any order), and between the pre-summed tables and a re-summing of the facts.
            pub(crate) async fn mi_check_against(&self, want: &[(Crn, Fact)]) -> Result<Vec<String>, StoreError> {
                let live = self.mi_live_facts().await?;
                let mut out = differences(&live, want);
                // The pre-summed tables against a re-summing of the facts by the database.
                let resum = self.mi_resum_facts().await?;
                describe_sums("mi_monthly", &self.mi_live_monthly().await?, &resum, &mut out);
                let sql = format!("SELECT {TEAM_COLUMNS} FROM mi_monthly_team");
                let rows: Vec<(String, String, String, String, i64, i64, i64)> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let teams: BTreeMap<_, _> = rows
                    .into_iter()
                    .map(|(m, p, t, k, met, total, weight)| ((m, p, t, k), Sums { met, total, weight }))
                    .collect();
                describe_sums("mi_monthly_team", &teams, &by_team(&resum), &mut out);
                let sql = format!("SELECT {PROVIDER_COLUMNS} FROM mi_monthly_provider");
                let rows: Vec<(String, String, String, i64, i64, i64)> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let provider: BTreeMap<_, _> = rows
                    .into_iter()
                    .map(|(m, p, k, met, total, weight)| ((m, p, k), Sums { met, total, weight }))
                    .collect();
                describe_sums("mi_monthly_provider", &provider, &by_provider(&resum), &mut out);
                Ok(out)
            }
        }
    };
}

impl_mi_facts!(SqliteStore, sqlx::SqliteConnection);
impl_mi_facts!(PostgresStore, sqlx::PgConnection);
