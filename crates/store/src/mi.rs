//! The management information projection: the dated facts of `analytics::measures`, one set
//! per case, kept in `mi_facts`, and the same facts pre-summed in `mi_monthly` (by measure,
//! period, officer, team and key), `mi_monthly_team` (summed over officers) and
//! `mi_monthly_provider` (summed over teams).
//!
//! The facts of a case are replaced in the same transaction as each append to it, and the
//! pre-summed rows move by the difference (the case's old facts out, its new ones in); bulk
//! loads and rebuilds write all four. The whole provider's figure reads `mi_monthly_provider`;
//! a team's, office's, borough's or area's reads the `mi_monthly_team` rows of its teams (found
//! through the organisation as it is now, so a team that moves takes its figures with it);
//! an officer's reads `mi_monthly`; and
//! only the part-months at the ends of a period that does not start and end on month
//! boundaries read the facts. [`MiStore::mi_check`] proves the live facts equal a full
//! recompute from the log and the pre-summed tables equal a re-summing of the facts.

use crate::codec::{EVENT_COLUMNS, EventRow, LoadCase, decode_case, each_case, to_stored_precision};
use crate::corrupt;
use crate::engine::Value;
use crate::{PostgresStore, SqliteStore, StoreError};
use analytics::measures::{Fact, Figure, Grouping, MeasureId, MeasureKind, Scope, facts_from_record};
use domain::case::uk_date;
use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use futures_util::TryStreamExt;
use jiff::civil::Date;
use sqlx::AssertSqlSafe;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::hash::BuildHasher;

pub(crate) const FACT_COLUMNS: &str = "crn, measure, on_date, met, officer, team, fact_key, weight";
const MONTHLY_COLUMNS: &str = "measure, period, officer, team, fact_key, met, total, weight";
const TEAM_COLUMNS: &str = "measure, period, team, fact_key, met, total, weight";
const PROVIDER_COLUMNS: &str = "measure, period, fact_key, met, total, weight";

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
    fn add(&mut self, other: Sums) {
        self.met += other.met;
        self.total += other.total;
        self.weight += other.weight;
    }

    fn is_zero(&self) -> bool {
        *self == Sums::default()
    }
}

/// A stored fact as exported: (crn, measure, on_date, met, officer, team, fact_key, weight).
pub type FactRow = (String, String, Option<String>, i64, Option<String>, Option<String>, Option<String>, i64);

/// Management information figures from the projection. (PostgreSQL sums a BIGINT to NUMERIC,
/// hence the casts back to BIGINT in the queries.)
#[dynosaur::dynosaur(pub DynMiStore = dyn(box) MiStore)]
pub trait MiStore: Send + Sync {
    /// A measure's figures for a scope: by `grouping` over facts dated `from` to `to` for a
    /// period measure, as at `to` for an as-at one (from the record as it stands).
    fn mi_figures(
        &self,
        measure: MeasureId,
        scope: &Scope,
        from: Date,
        to: Date,
        grouping: Grouping,
    ) -> impl Future<Output = Result<Vec<Figure>, StoreError>> + Send;

    /// Every stored fact, by case, in a stable order.
    fn mi_facts(&self) -> impl Future<Output = Result<Vec<(Crn, Fact)>, StoreError>> + Send;

    /// The facts a full recompute from the log gives, in the same order as [`MiStore::mi_facts`].
    fn mi_recompute(&self) -> impl Future<Output = Result<Vec<(Crn, Fact)>, StoreError>> + Send;

    /// Each difference between the live facts and a recompute from the log, and between the
    /// pre-summed tables and a re-summing of the facts, described.
    fn mi_check(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// The pre-summed rows as stored in `mi_monthly`.
    fn mi_monthly(&self) -> impl Future<Output = Result<BTreeMap<SumKey, Sums>, StoreError>> + Send;

    /// Every fact re-summed (PostgreSQL: one `GROUP BY` over `mi_facts`; SQLite: slices read
    /// side by side and merged, as its `GROUP BY` sorts and spills): what
    /// `mi_monthly` must hold, and every figure of every measure in one pass.
    fn mi_resum(&self) -> impl Future<Output = Result<BTreeMap<SumKey, Sums>, StoreError>> + Send;

    /// Recomputes the MI projection (facts and pre-summed tables) from the log, in one
    /// transaction; returns how many facts it wrote. For a store opened after the projection
    /// gained a measure or a table.
    fn mi_rebuild_projection(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Streams every stored fact to `sink`, by case; returns how many.
    fn mi_export_facts(
        &self,
        sink: &mut (dyn FnMut(FactRow) -> Result<(), StoreError> + Send),
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

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

fn facts_of(crn: &Crn, events: &[RecordedEvent]) -> Result<Vec<Fact>, StoreError> {
    facts_from_record(crn, events).map_err(|r| corrupt(&format!("stream {crn}"), r))
}

/// The facts of a case after appending `new` to `past`.
pub(crate) fn facts_after_append(crn: &Crn, past: &[RecordedEvent], new: &[NewEvent]) -> Result<Vec<Fact>, StoreError> {
    let events = past
        .iter()
        .map(|e| (uk_date(e.occurred_at), &e.event))
        .chain(new.iter().map(|e| (uk_date(to_stored_precision(e.occurred_at)), &e.event)));
    analytics::measures::case_facts(crn, events).map_err(|r| corrupt(&format!("stream {crn}"), r))
}

fn load_facts(cases: &[LoadCase]) -> Result<Vec<(Crn, Fact)>, StoreError> {
    let mut out = Vec::new();
    for case in cases {
        if let Some((crn, events)) = decode_case(case)? {
            out.extend(facts_of(&crn, &events)?.into_iter().map(|f| (crn.clone(), f)));
        }
    }
    Ok(out)
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

fn parse_fact(row: FactRow) -> Result<(Crn, Fact), StoreError> {
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
fn period_sql() -> String {
    let as_at: Vec<String> =
        MeasureId::ALL.iter().filter(|m| m.kind() == MeasureKind::AsAt).map(|m| format!("'{}'", m.id())).collect();
    format!(
        "CASE WHEN measure IN ({}) THEN COALESCE(on_date, '') ELSE COALESCE(substr(on_date, 1, 7), '') END",
        as_at.join(", ")
    )
}

/// The WHERE clause and its parameter for a scope over facts; offices, boroughs and areas are
/// resolved through the organisation tables, as `Scope::contains` resolves them through
/// `Organisation`.
fn scope_filter(scope: &Scope) -> (&'static str, Option<String>) {
    match scope {
        Scope::Provider => ("", None),
        Scope::Officer(c) => (" AND f.officer = $4", Some(c.to_string())),
        Scope::Team(c) => (" AND f.team = $4", Some(c.to_string())),
        Scope::Office(c) => (" AND t.office = $4", Some(c.to_string())),
        Scope::Borough(c) => (" AND o.borough = $4", Some(c.to_string())),
        Scope::Area(c) => (" AND b.area = $4", Some(c.to_string())),
    }
}

const PLACE_JOINS: &str = "FROM mi_facts f LEFT JOIN teams t ON t.code = f.team \
     LEFT JOIN offices o ON o.code = t.office LEFT JOIN boroughs b ON b.code = o.borough";

/// The FROM and WHERE of a scope over the pre-summed tables: the provider's roll-up, an
/// officer's own rows, else the rows of the scope's teams. The teams are a subquery, so the
/// database reads each team's rows from `mi_monthly_team_covering` rather than every team's
/// rows of the measure joined to the organisation and filtered afterwards.
fn summed_from(scope: &Scope) -> (&'static str, &'static str, Option<String>) {
    let code = |c: &Code| Some(c.to_string());
    match scope {
        Scope::Provider => ("mi_monthly_provider m", "", None),
        Scope::Officer(c) => ("mi_monthly m", " AND m.officer = $4", code(c)),
        Scope::Team(c) => ("mi_monthly_team m", " AND m.team = $4", code(c)),
        Scope::Office(c) => {
            ("mi_monthly_team m", " AND m.team IN (SELECT t.code FROM teams t WHERE t.office = $4)", code(c))
        }
        Scope::Borough(c) => (
            "mi_monthly_team m",
            " AND m.team IN (SELECT t.code FROM teams t JOIN offices o ON o.code = t.office WHERE o.borough = $4)",
            code(c),
        ),
        Scope::Area(c) => (
            "mi_monthly_team m",
            " AND m.team IN (SELECT t.code FROM teams t JOIN offices o ON o.code = t.office \
             JOIN boroughs b ON b.code = o.borough WHERE b.area = $4)",
            code(c),
        ),
    }
}

/// Sums by month (and key) folded into the requested periods.
fn figures_from_months(
    measure: MeasureId,
    scope: &Scope,
    grouping: Grouping,
    rows: Vec<(String, String, i64, i64, i64)>,
) -> Vec<Figure> {
    let mut sums: BTreeMap<(String, String), Sums> = BTreeMap::new();
    for (month, key, met, total, weight) in rows {
        sums.entry((grouping.of_month(&month), key)).or_default().add(Sums { met, total, weight });
    }
    sums.into_iter()
        .map(|((period, key), s)| {
            let n = |v: i64| u64::try_from(v.max(0)).unwrap_or(0);
            Figure::new(measure, scope, period, key, n(s.met), n(s.total)).with_weight(n(s.weight))
        })
        .collect()
}

type DayRanges = Vec<(Date, Date)>;

/// A period split into whole months (read pre-summed) and the part-months at either end
/// (read from the facts): (whole months as first and last "YYYY-MM", part-month day ranges).
fn split_months(from: Date, to: Date) -> (Option<(String, String)>, DayRanges) {
    let first = if from.day() == 1 { Some(from) } else { from.last_of_month().tomorrow().ok() };
    let last = if to == to.last_of_month() { Some(to) } else { to.first_of_month().yesterday().ok() };
    match (first, last) {
        (Some(first), Some(last)) if first <= last => {
            let mut parts = Vec::new();
            if let Ok(before) = first.yesterday()
                && from <= before
            {
                parts.push((from, before));
            }
            if let Ok(after) = last.tomorrow()
                && after <= to
            {
                parts.push((after, to));
            }
            (Some((Grouping::Month.label(first), Grouping::Month.label(last))), parts)
        }
        _ => (None, vec![(from, to)]),
    }
}

type SumRow = (String, String, String, String, String, i64, i64, i64);

impl SqliteStore {
    /// Every fact re-summed, by SQLite: `mi_facts` cut into rowid ranges read side by side
    /// (one connection and core each), each summed by `resum_slice` and put in order, and
    /// the ordered slices merged. SQLite's own `GROUP BY` sorts, and at national scale (8.8
    /// million facts) its sorter spills to disk and took 35-45 s where a scan takes 2.4 s.
    /// Each slice is read on sqlx's own handle, locked out from its worker thread
    /// (`lock_handle`): through sqlx every row is a thread hand-off and a copy of each value,
    /// and that took 28 s.
    async fn mi_resum_facts(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
        // Two statements: SQLite reads MIN or MAX of the rowid from the b-tree's ends only
        // when it is the query's one aggregate; together they scan the table.
        let lo: Option<i64> = sqlx::query_scalar("SELECT MIN(rowid) FROM mi_facts").fetch_one(self.pool()).await?;
        let hi: Option<i64> = sqlx::query_scalar("SELECT MAX(rowid) FROM mi_facts").fetch_one(self.pool()).await?;
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return Ok(BTreeMap::new());
        };
        let parts = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4) as i64;
        let step = (hi - lo) / parts + 1;
        let slices = (0..parts).map(|i| {
            let pool = self.pool().clone();
            // A task each, so the slices run on the runtime's worker threads side by side.
            tokio::spawn(async move {
                let mut conn = pool.acquire().await?;
                let mut locked = conn.lock_handle().await?;
                // SAFETY: sqlx's worker thread makes no call on this handle while `locked`
                // lives, and `db` only borrows the handle (it never closes it) and goes first.
                let db = unsafe { rusqlite::Connection::from_handle(locked.as_raw_handle().as_ptr()) }?;
                let summed = blocking(|| resum_slice(&db, lo + i * step, lo + (i + 1) * step));
                drop(db);
                drop(locked);
                summed
            })
        });
        let mut sorted = Vec::new();
        for slice in slices.collect::<Vec<_>>() {
            sorted.push(slice.await.map_err(|e| corrupt("re-summing the facts", e))??);
        }
        Ok(merge_sorted_slices(sorted))
    }
}

/// A slice's texts in order, and its groups, numbered by those texts' places and in order.
struct SortedSlice {
    texts: Vec<String>,
    groups: Vec<([u32; 5], Sums)>,
}

impl SortedSlice {
    fn new(names: Names, sums: impl IntoIterator<Item = ([u32; 5], Sums)>) -> Self {
        let mut order: Vec<u32> = (0..names.texts.len() as u32).collect();
        order.sort_unstable_by(|a, b| names.texts[*a as usize].cmp(&names.texts[*b as usize]));
        let mut rank = vec![0u32; order.len()];
        for (r, n) in order.iter().enumerate() {
            rank[*n as usize] = r as u32;
        }
        let mut groups: Vec<([u32; 5], Sums)> =
            sums.into_iter().map(|(g, s)| (g.map(|n| rank[n as usize]), s)).collect();
        groups.sort_unstable_by_key(|(g, _)| *g);
        let mut texts = names.texts;
        let texts = order.iter().map(|n| std::mem::take(&mut texts[*n as usize])).collect();
        Self { texts, groups }
    }
}

/// The slices' groups added up. Every slice is renumbered by the places of its texts among
/// all the slices' texts: that keeps each slice in order, so they merge in one pass.
fn merge_sorted_slices(slices: Vec<SortedSlice>) -> BTreeMap<SumKey, Sums> {
    let mut texts: Vec<String> = slices.iter().flat_map(|s| s.texts.iter().cloned()).collect();
    texts.sort_unstable();
    texts.dedup();
    let place = |t: &String| texts.binary_search(t).map_or(u32::MAX, |p| p as u32);
    let mut merged: Vec<([u32; 5], Sums)> = Vec::new();
    for slice in slices {
        let renumber: Vec<u32> = slice.texts.iter().map(place).collect();
        let theirs = slice.groups.into_iter().map(|(g, s)| (g.map(|n| renumber[n as usize]), s));
        merged = merge_sums(std::mem::take(&mut merged), theirs);
    }
    // Ten million texts to copy out: half on another thread.
    let text = |n: u32| texts[n as usize].clone();
    let keyed = |part: &[([u32; 5], Sums)]| -> Vec<(SumKey, Sums)> {
        part.iter().map(|([m, p, o, t, k], s)| ((text(*m), text(*p), text(*o), text(*t), text(*k)), *s)).collect()
    };
    let (first, second) = merged.split_at(merged.len() / 2);
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(|| keyed(first));
        let second = keyed(second);
        (first.join().unwrap_or_default(), second)
    });
    // In order already, so the map is built without a sort.
    first.into_iter().chain(second).collect()
}

/// Two lists of groups in order, as one in order, adding the sums of a group in both.
fn merge_sums(a: Vec<([u32; 5], Sums)>, b: impl Iterator<Item = ([u32; 5], Sums)>) -> Vec<([u32; 5], Sums)> {
    let mut out = Vec::with_capacity(a.len() + b.size_hint().0);
    let (mut a, mut b) = (a.into_iter().peekable(), b.peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                let (g, mut s) = a.next().unwrap_or_default();
                s.add(b.next().unwrap_or_default().1);
                (g, s)
            }
            (Some(x), Some(y)) if x.0 < y.0 => a.next().unwrap_or_default(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next().unwrap_or_default(),
            (Some(_), None) => a.next().unwrap_or_default(),
            (None, None) => break,
        };
        out.push(next);
    }
    out
}

/// A hash map with a fast hash (foldhash): the keys are the store's own texts, not input
/// an attacker chooses to collide.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Runs `work`, which blocks for a while, letting the runtime move its other tasks to another
/// thread first when it can (not on a single-threaded runtime, as in tests).
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// The facts with rowid in `lo..hi` summed by group. Texts are read borrowed from SQLite and
/// numbered, so a fact costs no allocation and its group is five numbers to hash.
fn resum_slice(db: &rusqlite::Connection, lo: i64, hi: i64) -> Result<SortedSlice, StoreError> {
    let mut statement = db.prepare(
        "SELECT measure, on_date, officer, team, fact_key, met, weight FROM mi_facts WHERE rowid >= ?1 AND rowid < ?2",
    )?;
    let mut rows = statement.query([lo, hi])?;
    let mut names = Names::default();
    // By number; numbers are shared by every column, so a text may be seen first as another.
    let mut kinds: Vec<Option<MeasureKind>> = Vec::new();
    // Facts are dealt into parts by their group's hash, then each part is summed alone: a
    // part's groups fit in the processor's cache, where one map of a million groups missed it
    // on nearly every fact. (Its own hash: a part's map must not see keys alike in its bits.)
    let deal = foldhash::fast::RandomState::default();
    let room = usize::try_from((hi - lo) / PARTS as i64).unwrap_or(0).min(1 << 20);
    let mut parts: Vec<Vec<([u32; 5], i64, i64)>> = (0..PARTS).map(|_| Vec::with_capacity(room)).collect();
    // A case's facts are side by side and mostly share officer, team and key.
    let mut last: [LastName; 3] = Default::default();
    while let Some(row) = rows.next()? {
        let text = |i: usize| -> Result<&str, StoreError> {
            Ok(row.get_ref(i)?.as_str_or_null().map_err(rusqlite::Error::from)?.unwrap_or_default())
        };
        let measure = text(0)?;
        let on = row.get_ref(1)?.as_str_or_null().map_err(rusqlite::Error::from)?;
        let m = names.number(measure);
        // As `period_sql`: a measure it does not list as as-at is summed by month.
        let kind = match kinds.get(m as usize) {
            Some(&Some(k)) => k,
            _ => {
                let k = MeasureId::parse(measure).map_or(MeasureKind::Period, MeasureId::kind);
                if kinds.len() <= m as usize {
                    kinds.resize(m as usize + 1, None);
                }
                kinds[m as usize] = Some(k);
                k
            }
        };
        let period = match (kind, on) {
            (_, None) => "",
            (MeasureKind::Period, Some(d)) => d.get(..7).unwrap_or(d),
            (MeasureKind::AsAt, Some(d)) => d,
        };
        let group = [
            m,
            names.number(period),
            last[0].number(&mut names, text(2)?),
            last[1].number(&mut names, text(3)?),
            last[2].number(&mut names, text(4)?),
        ];
        let part = (deal.hash_one(group) % PARTS as u64) as usize;
        parts[part].push((group, row.get(5)?, row.get(6)?));
    }
    let mut groups = Vec::new();
    for part in parts {
        let mut sums: FastMap<[u32; 5], Sums> = FastMap::with_capacity_and_hasher(part.len() / 2, Default::default());
        for (group, met, weight) in part {
            sums.entry(group).or_default().add(Sums { met, total: 1, weight });
        }
        groups.extend(sums);
    }
    Ok(SortedSlice::new(names, groups))
}

/// How many parts a slice's facts are dealt into before summing (`resum_slice`).
const PARTS: usize = 64;

impl PostgresStore {
    /// Every fact re-summed by one `GROUP BY`: PostgreSQL hashes, and spreads a large
    /// aggregate over its own parallel workers.
    async fn mi_resum_facts(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
        let sql = format!(
            "SELECT measure, {}, COALESCE(officer, ''), COALESCE(team, ''), COALESCE(fact_key, ''), \
             CAST(SUM(met) AS BIGINT), COUNT(*), CAST(SUM(weight) AS BIGINT) FROM mi_facts GROUP BY 1, 2, 3, 4, 5",
            period_sql()
        );
        // Memory for the hash table of every group (two million at national scale), so the
        // aggregate does not spill to disk; for this one statement only.
        let mut tx = self.pool().begin().await?;
        sqlx::query("SET LOCAL work_mem = '256MB'").execute(&mut *tx).await?;
        let rows: Vec<SumRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok(sums_map(rows))
    }
}

fn sums_map(rows: Vec<SumRow>) -> BTreeMap<SumKey, Sums> {
    rows.into_iter().map(|(m, p, o, t, k, met, total, weight)| ((m, p, o, t, k), Sums { met, total, weight })).collect()
}

/// The last text of a column and its number, so a run of one text is numbered by comparing.
#[derive(Default)]
struct LastName {
    text: String,
    number: Option<u32>,
}

impl LastName {
    fn number(&mut self, names: &mut Names, text: &str) -> u32 {
        match self.number {
            Some(n) if self.text == text => n,
            _ => {
                let n = names.number(text);
                self.text.clear();
                self.text.push_str(text);
                self.number = Some(n);
                n
            }
        }
    }
}

/// Texts numbered in the order first seen.
#[derive(Default)]
struct Names {
    numbers: FastMap<String, u32>,
    texts: Vec<String>,
}

impl Names {
    fn number(&mut self, text: &str) -> u32 {
        if let Some(&n) = self.numbers.get(text) {
            return n;
        }
        let n = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        self.numbers.insert(text.to_owned(), n);
        self.texts.push(text.to_owned());
        n
    }
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

macro_rules! impl_mi_store {
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
                    let columns = format!("{}, met, total, weight", key.join(", "));
                    Self::mi_upsert(conn, table, &columns, &key.join(", "), key.len() + 3, &rows).await?;
                    // Only a row that lost facts can have fallen to nothing.
                    let matches: Vec<String> = key.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
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

            /// Multi-row INSERT that adds to the sums of rows already there.
            async fn mi_upsert(
                conn: &mut $conn,
                table: &str,
                columns: &str,
                key: &str,
                width: usize,
                rows: &[Vec<Value>],
            ) -> Result<(), StoreError> {
                for chunk in rows.chunks(100) {
                    let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
                    let mut n = 0;
                    for (i, _) in chunk.iter().enumerate() {
                        sql.push_str(if i > 0 { ",(" } else { "(" });
                        for j in 0..width {
                            n += 1;
                            sql.push_str(&format!("{}${n}", if j > 0 { "," } else { "" }));
                        }
                        sql.push(')');
                    }
                    sql.push_str(&format!(
                        " ON CONFLICT ({key}) DO UPDATE SET met = {table}.met + excluded.met, \
                         total = {table}.total + excluded.total, weight = {table}.weight + excluded.weight"
                    ));
                    let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
                    for row in chunk {
                        for v in row {
                            q = match v {
                                Value::Text(s) => q.bind(s.as_str()),
                                Value::OptText(s) => q.bind(s.as_deref()),
                                Value::Int(i) => q.bind(*i),
                                Value::Real(f) => q.bind(*f),
                                Value::Bool(b) => q.bind(*b),
                                Value::Null => q.bind(None::<String>),
                            };
                        }
                    }
                    q.execute(&mut *conn).await?;
                }
                Ok(())
            }

            /// Replaces a case's facts after an append, and moves the pre-summed rows by the
            /// difference (called in the append's transaction).
            pub(crate) async fn mi_replace_case(
                conn: &mut $conn,
                crn: &Crn,
                past: &[RecordedEvent],
                new: &[NewEvent],
            ) -> Result<(), StoreError> {
                let mut facts = facts_after_append(crn, past, new)?;
                facts.sort();
                let sql = format!("SELECT {FACT_COLUMNS} FROM mi_facts WHERE crn = $1");
                let rows: Vec<FactRow> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(crn.as_str()).fetch_all(&mut *conn).await?;
                let mut old: Vec<Fact> = rows.into_iter().map(|r| parse_fact(r).map(|(_, f)| f)).collect::<Result<_, _>>()?;
                old.sort();
                if old == facts {
                    return Ok(());
                }
                let mut delta = BTreeMap::new();
                sum_facts(&mut delta, &facts, 1);
                sum_facts(&mut delta, &old, -1);
                Self::mi_add_sums(conn, &delta).await?;
                sqlx::query("DELETE FROM mi_facts WHERE crn = $1").bind(crn.as_str()).execute(&mut *conn).await?;
                let rows: Vec<Vec<Value>> = facts.iter().map(|f| fact_values(crn.as_str(), f)).collect();
                Self::insert_rows(conn, "mi_facts", FACT_COLUMNS, 8, &rows).await
            }

            /// Writes the facts of whole cases being bulk loaded, and adds them to the sums.
            pub(crate) async fn mi_load(conn: &mut $conn, cases: &[LoadCase]) -> Result<(), StoreError> {
                let facts = load_facts(cases)?;
                Self::mi_write_facts(conn, &facts).await
            }

            async fn mi_write_facts(conn: &mut $conn, facts: &[(Crn, Fact)]) -> Result<(), StoreError> {
                let rows: Vec<Vec<Value>> = facts.iter().map(|(c, f)| fact_values(c.as_str(), f)).collect();
                Self::insert_rows(conn, "mi_facts", FACT_COLUMNS, 8, &rows).await?;
                let mut sums = BTreeMap::new();
                sum_facts(&mut sums, facts.iter().map(|(_, f)| f), 1);
                Self::mi_add_sums(conn, &sums).await
            }

            /// Recomputes every case's facts and the sums from the log, on `conn` (inside a
            /// rebuild); returns how many facts.
            pub(crate) async fn mi_rebuild(conn: &mut $conn) -> Result<u64, StoreError> {
                let facts = {
                    let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                    let rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(&mut *conn);
                    recompute(rows).await?
                };
                for table in ["mi_facts", "mi_monthly", "mi_monthly_team", "mi_monthly_provider"] {
                    let sql = format!("DELETE FROM {table}");
                    sqlx::query(AssertSqlSafe(sql.as_str())).execute(&mut *conn).await?;
                }
                Self::mi_write_facts(conn, &facts).await?;
                Ok(facts.len() as u64)
            }

            /// A period measure's sums by month and key, for whole months from the pre-summed
            /// rows and for part-months from the facts.
            async fn mi_month_rows(
                &self,
                measure: MeasureId,
                scope: &Scope,
                from: Date,
                to: Date,
            ) -> Result<Vec<(String, String, i64, i64, i64)>, StoreError> {
                let (months, parts) = split_months(from, to);
                let mut out = Vec::new();
                if let Some((first, last)) = months {
                    let (tables, filter, param) = summed_from(scope);
                    let sql = format!(
                        "SELECT m.period, m.fact_key, CAST(SUM(m.met) AS BIGINT), CAST(SUM(m.total) AS BIGINT), \
                         CAST(SUM(m.weight) AS BIGINT) FROM {tables} \
                         WHERE m.measure = $1 AND m.period >= $2 AND m.period <= $3{filter} GROUP BY 1, 2"
                    );
                    let mut q = sqlx::query_as::<_, (String, String, i64, i64, i64)>(AssertSqlSafe(sql.as_str()))
                        .bind(measure.id())
                        .bind(first)
                        .bind(last);
                    if let Some(p) = param {
                        q = q.bind(p);
                    }
                    out.extend(q.fetch_all(self.pool()).await?);
                }
                let (filter, param) = scope_filter(scope);
                for (a, b) in parts {
                    let sql = format!(
                        "SELECT substr(f.on_date, 1, 7), COALESCE(f.fact_key, ''), CAST(SUM(f.met) AS BIGINT), COUNT(*), \
                         CAST(SUM(f.weight) AS BIGINT) {PLACE_JOINS} \
                         WHERE f.measure = $1 AND f.on_date >= $2 AND f.on_date <= $3{filter} GROUP BY 1, 2"
                    );
                    let mut q = sqlx::query_as::<_, (String, String, i64, i64, i64)>(AssertSqlSafe(sql.as_str()))
                        .bind(measure.id())
                        .bind(a.to_string())
                        .bind(b.to_string());
                    if let Some(p) = &param {
                        q = q.bind(p.as_str());
                    }
                    out.extend(q.fetch_all(self.pool()).await?);
                }
                Ok(out)
            }
        }

        impl MiStore for $store {
            async fn mi_figures(
                &self,
                measure: MeasureId,
                scope: &Scope,
                from: Date,
                to: Date,
                grouping: Grouping,
            ) -> Result<Vec<Figure>, StoreError> {
                match measure.kind() {
                    MeasureKind::Period => {
                        let rows = self.mi_month_rows(measure, scope, from, to).await?;
                        Ok(figures_from_months(measure, scope, grouping, rows))
                    }
                    MeasureKind::AsAt => {
                        // An as-at row's period is its first failing day ('' for never), so the
                        // figure as at `to` is the rows failing by then over all rows. $3 is
                        // unused but bound, so the scope parameter is always $4.
                        let (tables, filter, param) = summed_from(scope);
                        let sql = format!(
                            "SELECT m.fact_key, \
                             CAST(SUM(CASE WHEN m.period <> '' AND m.period <= $2 THEN m.total ELSE 0 END) AS BIGINT), \
                             CAST(SUM(m.total) AS BIGINT), CAST(SUM(m.weight) AS BIGINT) \
                             FROM {tables} WHERE m.measure = $1 AND $3 = $3{filter} GROUP BY 1 ORDER BY 1"
                        );
                        let mut q = sqlx::query_as::<_, (String, i64, i64, i64)>(AssertSqlSafe(sql.as_str()))
                            .bind(measure.id())
                            .bind(to.to_string())
                            .bind(to.to_string());
                        if let Some(p) = param {
                            q = q.bind(p);
                        }
                        let rows = q.fetch_all(self.pool()).await?;
                        let n = |v: i64| u64::try_from(v.max(0)).unwrap_or(0);
                        Ok(rows
                            .into_iter()
                            .filter(|(_, _, d, _)| *d > 0)
                            .map(|(key, failing, d, w)| {
                                Figure::new(measure, scope, to.to_string(), key, n(failing), n(d)).with_weight(n(w))
                            })
                            .collect())
                    }
                }
            }

            async fn mi_facts(&self) -> Result<Vec<(Crn, Fact)>, StoreError> {
                let sql = format!("SELECT {FACT_COLUMNS} FROM mi_facts");
                let rows: Vec<FactRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let mut facts: Vec<(Crn, Fact)> = rows.into_iter().map(parse_fact).collect::<Result<_, _>>()?;
                facts.sort();
                Ok(facts)
            }

            async fn mi_recompute(&self) -> Result<Vec<(Crn, Fact)>, StoreError> {
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                let rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(self.pool());
                let mut facts = recompute(rows).await?;
                facts.sort();
                Ok(facts)
            }

            async fn mi_check(&self) -> Result<Vec<String>, StoreError> {
                let live = self.mi_facts().await?;
                let want = self.mi_recompute().await?;
                let mut out = differences(&live, &want);
                // The pre-summed tables against a re-summing of the facts by the database.
                let resum = self.mi_resum().await?;
                describe_sums("mi_monthly", &self.mi_monthly().await?, &resum, &mut out);
                let sql = format!("SELECT {TEAM_COLUMNS} FROM mi_monthly_team");
                let rows: Vec<(String, String, String, String, i64, i64, i64)> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let teams: BTreeMap<_, _> =
                    rows.into_iter().map(|(m, p, t, k, met, total, weight)| ((m, p, t, k), Sums { met, total, weight })).collect();
                describe_sums("mi_monthly_team", &teams, &by_team(&resum), &mut out);
                let sql = format!("SELECT {PROVIDER_COLUMNS} FROM mi_monthly_provider");
                let rows: Vec<(String, String, String, i64, i64, i64)> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let provider: BTreeMap<_, _> =
                    rows.into_iter().map(|(m, p, k, met, total, weight)| ((m, p, k), Sums { met, total, weight })).collect();
                describe_sums("mi_monthly_provider", &provider, &by_provider(&resum), &mut out);
                Ok(out)
            }

            async fn mi_monthly(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
                let sql = format!("SELECT {MONTHLY_COLUMNS} FROM mi_monthly");
                let rows: Vec<SumRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                Ok(sums_map(rows))
            }

            async fn mi_resum(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
                self.mi_resum_facts().await
            }

            async fn mi_rebuild_projection(&self) -> Result<u64, StoreError> {
                let mut tx = self.pool().begin().await?;
                let n = Self::mi_rebuild(&mut tx).await?;
                tx.commit().await?;
                Ok(n)
            }

            async fn mi_export_facts(
                &self,
                sink: &mut (dyn FnMut(FactRow) -> Result<(), StoreError> + Send),
            ) -> Result<u64, StoreError> {
                let sql = format!("SELECT {FACT_COLUMNS} FROM mi_facts ORDER BY crn");
                let mut rows = sqlx::query_as::<_, FactRow>(AssertSqlSafe(sql.as_str())).fetch(self.pool());
                let mut n = 0;
                while let Some(row) = rows.try_next().await? {
                    sink(row)?;
                    n += 1;
                }
                Ok(n)
            }
        }
    };
}

/// Every case's facts, from a stream of event rows in (crn, seq) order.
async fn recompute<S>(rows: S) -> Result<Vec<(Crn, Fact)>, StoreError>
where
    S: futures_util::Stream<Item = Result<EventRow, sqlx::Error>> + Unpin,
{
    let mut out = Vec::new();
    each_case(rows, |crn, events| {
        out.extend(facts_of(crn, events)?.into_iter().map(|f| (crn.clone(), f)));
        Ok(())
    })
    .await?;
    Ok(out)
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

impl_mi_store!(SqliteStore, sqlx::SqliteConnection);
impl_mi_store!(PostgresStore, sqlx::PgConnection);

#[cfg(test)]
mod tests {
    use super::*;

    /// Slices summed apart, each numbering its texts in the order it met them, merge into the
    /// sums of all their facts, by text.
    #[test]
    fn slices_merge_into_the_sums_of_all_their_facts() {
        fn slice(facts: &[([&str; 5], i64)]) -> SortedSlice {
            let mut names = Names::default();
            let mut sums: FastMap<[u32; 5], Sums> = FastMap::default();
            for (key, met) in facts {
                let group = key.map(|t| names.number(t));
                sums.entry(group).or_default().add(Sums { met: *met, total: 1, weight: 2 });
            }
            SortedSlice::new(names, sums)
        }
        let a = slice(&[
            (["m2", "2026-01", "OFF2", "T1", ""], 1),
            (["m1", "2026-01", "OFF1", "T1", ""], 0),
            (["m2", "2026-01", "OFF2", "T1", ""], 1),
        ]);
        let b = slice(&[
            (["m1", "2026-02", "OFF1", "T1", ""], 1),
            (["m2", "2026-01", "OFF2", "T1", ""], 0),
            (["m0", "", "", "", "k"], 1),
        ]);
        let key = |k: [&str; 5]| -> SumKey {
            let [m, p, o, t, f] = k.map(str::to_owned);
            (m, p, o, t, f)
        };
        let want: BTreeMap<SumKey, Sums> = [
            (key(["m0", "", "", "", "k"]), Sums { met: 1, total: 1, weight: 2 }),
            (key(["m1", "2026-01", "OFF1", "T1", ""]), Sums { met: 0, total: 1, weight: 2 }),
            (key(["m1", "2026-02", "OFF1", "T1", ""]), Sums { met: 1, total: 1, weight: 2 }),
            (key(["m2", "2026-01", "OFF2", "T1", ""]), Sums { met: 2, total: 3, weight: 6 }),
        ]
        .into_iter()
        .collect();
        assert_eq!(merge_sorted_slices(vec![a, b]), want);
        assert_eq!(merge_sorted_slices(vec![]), BTreeMap::new());
    }
}
