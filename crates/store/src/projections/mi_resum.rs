//! Re-summing every MI fact, for `check` and for figures of every measure at once: what the
//! pre-summed tables must hold. On SQLite, rowid slices of `mi_facts` read side by side and
//! summed in hash maps (SQLite's `GROUP BY` sorts, and spills to disk at national scale); on
//! PostgreSQL one hashed `GROUP BY` with memory enough for that statement.

use super::mi_facts::{SumKey, SumRow, Sums, period_sql, sums_map};
use crate::db::{PostgresStore, SqliteStore};
use crate::{StoreError, corrupt};
use analytics::measures::{MeasureId, MeasureKind};
use sqlx::AssertSqlSafe;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

impl SqliteStore {
    /// Every fact re-summed, by SQLite: `mi_facts` cut into rowid ranges read side by side
    /// (one connection and core each), each summed by `resum_slice` and put in order, and
    /// the ordered slices merged. SQLite's own `GROUP BY` sorts, and at national scale (8.8
    /// million facts) its sorter spills to disk and took 35-45 s where a scan takes 2.4 s.
    /// Each slice is read on sqlx's own handle, locked out from its worker thread
    /// (`lock_handle`): through sqlx every row is a thread hand-off and a copy of each value,
    /// and that took 28 s.
    pub(crate) async fn mi_resum_facts(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
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
    pub(crate) async fn mi_resum_facts(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
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
