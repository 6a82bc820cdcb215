//! Reads that answer one request without reading the whole store: people by CRN or family
//! name (through `search_keys`, an index of family names as search compares them), and the
//! part of the organisation around a few staff and teams.
//!
//! `search_keys` is a projection of its own (`projections::search_keys`), which says how it
//! is kept.

use crate::codec::{SUMMARY_COLUMNS, SummaryRow};
use crate::db::{PostgresStore, SqliteStore};
use crate::projections::search_keys::family_key;
use crate::{Engine, StoreError, corrupt};
use domain::ids::{Code, Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Office, Organisation, Staff, Team};
use domain::projection::CaseSummary;
use sqlx::AssertSqlSafe;
use std::collections::BTreeSet;

/// The least string greater than every string starting with `prefix`, in code-point order
/// (which is UTF-8 byte order, SQLite's and PostgreSQL's "C" order), so that "starts with
/// `prefix`" is the range `prefix <= s < end`. `None` when nothing is greater (a prefix of
/// U+10FFFF only): the range is then open above.
pub(crate) fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // The next scalar value: surrogates are not characters, so U+D7FF is followed by U+E000.
        let next = match u32::from(last) + 1 {
            0xD800 => Some('\u{E000}'),
            n => char::from_u32(n),
        };
        if let Some(c) = next {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// The cases a search may return, as the store can tell them from their summaries: a case
/// whose team or waiting transfer is one of `teams`, whose responsible officer is `officer`,
/// whose CRN is one of `crns`, or that has no team yet. The caller's access rules decide on
/// each case found; this only spares reading the matches nobody could show them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchReach {
    pub teams: Vec<Code>,
    pub officer: Option<Code>,
    pub crns: Vec<Crn>,
}

impl SearchReach {
    /// How many values it binds: past [`SearchReach::MAX_BOUND`] a caller searches without it.
    pub fn bound_values(&self) -> usize {
        self.teams.len() + usize::from(self.officer.is_some()) + self.crns.len()
    }

    /// Well within SQLite's limit on bound parameters (32,766).
    pub const MAX_BOUND: usize = 4_000;

    /// The condition on `case_summary` from parameter `$first` on, and the values to bind.
    fn condition(&self, first: usize) -> (String, Vec<String>) {
        let mut ors = vec!["team IS NULL".to_owned()];
        let mut values: Vec<String> = Vec::new();
        if !self.teams.is_empty() {
            let teams = placeholders(first, self.teams.len());
            ors.push(format!("team IN ({teams})"));
            ors.push(format!("transfer_to IN ({teams})"));
            values.extend(self.teams.iter().map(|t| t.as_str().to_owned()));
        }
        if let Some(officer) = &self.officer {
            ors.push(format!("officer = ${}", first + values.len()));
            values.push(officer.as_str().to_owned());
        }
        if !self.crns.is_empty() {
            ors.push(format!("crn IN ({})", placeholders(first + values.len(), self.crns.len())));
            values.extend(self.crns.iter().map(|c| c.as_str().to_owned()));
        }
        (format!(" AND ({})", ors.join(" OR ")), values)
    }
}

/// `$first, $first+1, ...` for `n` bound values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn code(s: &str) -> Result<Code, StoreError> {
    Code::parse(s).map_err(|e| corrupt("code", e))
}

fn name(s: &str) -> Result<Name, StoreError> {
    Name::parse(s).map_err(|e| corrupt("name", e))
}

type StaffRow = (String, String, String, String, f64, String, String);
/// A team and the office, borough and area above it (each absent if its row is missing).
type PlaceRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn staff_of(row: &StaffRow) -> Result<Staff, StoreError> {
    let (c, t, n, g, h, e, s) = row;
    Ok(Staff {
        code: code(c)?,
        team: code(t)?,
        name: name(n)?,
        grade: crate::codec::enum_parse("grade", g)?,
        contracted_hours: ContractedHours::new(*h).map_err(|e| corrupt("contracted_hours", e))?,
        employment: crate::codec::enum_parse("employment", e)?,
        specialisms: s
            .split(';')
            .filter(|x| !x.is_empty())
            .map(|x| crate::codec::enum_parse("specialisms", x))
            .collect::<Result<_, _>>()?,
    })
}

/// Adds a team and what is above it to `org`, each unit once.
fn add_place(org: &mut Organisation, row: &PlaceRow) -> Result<(), StoreError> {
    let (t_code, t_office, t_name, o_code, o_borough, o_name, b_code, b_area, b_name, a_code, a_name) = row;
    org.teams.push(Team { code: code(t_code)?, office: code(t_office)?, name: name(t_name)? });
    if let (Some(c), Some(b), Some(n)) = (o_code, o_borough, o_name)
        && !org.offices.iter().any(|o| o.code.as_str() == c)
    {
        org.offices.push(Office { code: code(c)?, borough: code(b)?, name: name(n)? });
    }
    if let (Some(c), Some(a), Some(n)) = (b_code, b_area, b_name)
        && !org.boroughs.iter().any(|b| b.code.as_str() == c)
    {
        org.boroughs.push(Borough { code: code(c)?, area: code(a)?, name: name(n)? });
    }
    if let (Some(c), Some(n)) = (a_code, a_name)
        && !org.areas.iter().any(|a| a.code.as_str() == c)
    {
        org.areas.push(Area { code: code(c)?, name: name(n)? });
    }
    Ok(())
}

macro_rules! impl_search {
    ($store:ty) => {
        impl $store {
            /// People by CRN or family-name prefix; see [`crate::CaseStore::search_people`].
            /// Summaries of the people whose PNC key is `key`, by CRN.
            pub(crate) async fn people_with_pnc_key(&self, key: &str) -> Result<Vec<CaseSummary>, StoreError> {
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM case_summary WHERE crn IN \
                     (SELECT crn FROM search_keys WHERE pnc_key = $1) ORDER BY crn"
                );
                let rows = sqlx::query_as::<_, SummaryRow>(AssertSqlSafe(sql.as_str())).bind(key).fetch_all(self.pool()).await?;
                rows.iter().map(SummaryRow::to_summary).collect()
            }

            pub(crate) async fn search_people_by_key(
                &self,
                query: &str,
                limit: usize,
                reach: Option<&SearchReach>,
            ) -> Result<Vec<CaseSummary>, StoreError> {
                let key = family_key(query);
                if limit == 0 {
                    return Ok(Vec::new());
                }
                // A CRN is one capital letter and six digits, so it equals the lower-cased
                // query exactly when it is the query upper-cased.
                let crn = key.to_ascii_uppercase();
                let end = prefix_end(&key);
                // Rust orders strings by bytes; so do SQLite's default collation and "C".
                let order = match crate::CaseStore::engine(self) {
                    Engine::Sqlite => "family_name, first_name, crn",
                    Engine::Postgres => "family_name COLLATE \"C\", first_name COLLATE \"C\", crn COLLATE \"C\"",
                };
                let below = if end.is_some() { " AND family_key < $3" } else { "" };
                let next = if end.is_some() { 4 } else { 3 };
                let (within, values) = reach.map(|r| r.condition(next)).unwrap_or_default();
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM case_summary WHERE crn IN \
                     (SELECT crn FROM search_keys WHERE family_key >= $2{below} UNION SELECT CAST($1 AS TEXT)){within} \
                     ORDER BY {order} LIMIT {limit}"
                );
                let mut q = sqlx::query_as::<_, SummaryRow>(AssertSqlSafe(sql.as_str())).bind(crn).bind(key);
                if let Some(end) = end {
                    q = q.bind(end);
                }
                for v in values {
                    q = q.bind(v);
                }
                let rows = q.fetch_all(self.pool()).await?;
                rows.iter().map(SummaryRow::to_summary).collect()
            }

            /// See [`crate::CaseStore::organisation_around`].
            pub(crate) async fn organisation_around_codes(
                &self,
                staff: &[Code],
                teams: &[Code],
            ) -> Result<Organisation, StoreError> {
                let mut org = Organisation::default();
                let staff: BTreeSet<&str> = staff.iter().map(Code::as_str).collect();
                if !staff.is_empty() {
                    let sql = format!(
                        "SELECT code, team, name, grade, contracted_hours, employment, specialisms FROM staff \
                         WHERE code IN ({}) ORDER BY code",
                        placeholders(1, staff.len())
                    );
                    let mut q = sqlx::query_as::<_, StaffRow>(AssertSqlSafe(sql.as_str()));
                    for s in &staff {
                        q = q.bind(*s);
                    }
                    for row in q.fetch_all(self.pool()).await? {
                        org.staff.push(staff_of(&row)?);
                    }
                }
                let teams: BTreeSet<String> = teams
                    .iter()
                    .map(|t| t.to_string())
                    .chain(org.staff.iter().map(|s| s.team.to_string()))
                    .collect();
                if !teams.is_empty() {
                    let sql = format!(
                        "SELECT t.code, t.office, t.name, o.code, o.borough, o.name, b.code, b.area, b.name, a.code, a.name \
                         FROM teams t LEFT JOIN offices o ON o.code = t.office \
                         LEFT JOIN boroughs b ON b.code = o.borough LEFT JOIN areas a ON a.code = b.area \
                         WHERE t.code IN ({}) ORDER BY t.code",
                        placeholders(1, teams.len())
                    );
                    let mut q = sqlx::query_as::<_, PlaceRow>(AssertSqlSafe(sql.as_str()));
                    for t in &teams {
                        q = q.bind(t.as_str());
                    }
                    for row in q.fetch_all(self.pool()).await? {
                        add_place(&mut org, &row)?;
                    }
                }
                Ok(org)
            }
        }
    };
}

impl_search!(SqliteStore);
impl_search!(PostgresStore);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_is_a_range_up_to_its_end() {
        assert_eq!(prefix_end("smi").as_deref(), Some("smj"));
        assert_eq!(prefix_end("o'").as_deref(), Some("o("));
        assert_eq!(prefix_end("\u{D7FF}").as_deref(), Some("\u{E000}"), "surrogates are skipped");
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10FFFF}\u{10FFFF}"), None);
        let names = ["smith", "smithers", "smj", "sm", "smi\u{10FFFF}x", "smh\u{10FFFF}", "smiå"];
        for n in names {
            let end = prefix_end("smi").unwrap();
            let in_range = n >= "smi" && n < end.as_str();
            assert_eq!(in_range, n.starts_with("smi"), "{n}");
        }
    }

    #[test]
    fn keys_are_rusts_lower_case_not_sqls() {
        assert_eq!(family_key("İpek"), "i\u{307}pek");
        assert_eq!(family_key("ØYELARAN"), "øyelaran");
        assert_eq!(family_key("\u{212A}han"), "khan", "the Kelvin sign folds to an ASCII k");
    }
}
