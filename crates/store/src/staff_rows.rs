//! What the stores of dated staff records (reductions and reports in `workload`, flags in
//! `staff_equality`) share: whether a member of staff exists, the refusal that names the
//! field when they do not, and reading a table's rows for a list of staff (by the chunked
//! `rows_where_in`, which limited access also reads its entries for a list of cases by); and
//! the text of the time a record was written at (migration 0020), given by its caller.

use crate::codec::{parse_timestamp, timestamp_text, to_stored_precision};
use crate::{PostgresStore, SqliteStore, StoreError};
use domain::ids::Code;
use jiff::Timestamp;
use std::collections::BTreeSet;

/// The refusal of a record that names a member of staff who does not exist.
pub(crate) fn unknown_staff(field: &str, staff: &Code) -> StoreError {
    StoreError::field(field, format!("{field}: there is no member of staff {staff}"))
}

/// A stored time of recording, NULL for a row written before times were kept.
pub(crate) fn recorded_time(
    table: &str,
    id: &str,
    column: &str,
    v: Option<&str>,
) -> Result<Option<Timestamp>, StoreError> {
    v.map(|t| parse_timestamp(t).map_err(|e| StoreError::Corrupt(format!("{table} {id}: {column}: {e}")))).transpose()
}

/// The stored text of a time of recording.
pub(crate) fn recorded_text(t: Timestamp) -> String {
    timestamp_text(to_stored_precision(t))
}

macro_rules! impl_staff_rows {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Whether `staff` is a member of staff, read on `conn` (inside the writer's
            /// transaction, so the answer holds for what it writes).
            pub(crate) async fn staff_known<'c, E>(conn: E, staff: &Code) -> Result<bool, StoreError>
            where
                E: sqlx::Executor<'c, Database = $db>,
            {
                let found: Option<(String,)> = sqlx::query_as("SELECT code FROM staff WHERE code = $1")
                    .bind(staff.as_str())
                    .fetch_optional(conn)
                    .await?;
                Ok(found.is_some())
            }

            /// `columns` of `table`'s rows for these members of staff (each asked once), by
            /// staff code and then `order`.
            pub(crate) async fn rows_for_staff<R>(
                &self,
                columns: &str,
                table: &str,
                order: &str,
                staff: &[Code],
            ) -> Result<Vec<R>, StoreError>
            where
                R: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                self.rows_where_in(columns, table, "staff", order, staff.iter().map(Code::as_str)).await
            }

            /// `columns` of `table`'s rows whose `key` is one of `values` (each asked once), by
            /// `key` and then `order`, in statements of at most 500 values.
            pub(crate) async fn rows_where_in<'v, R>(
                &self,
                columns: &str,
                table: &str,
                key: &str,
                order: &str,
                values: impl IntoIterator<Item = &'v str>,
            ) -> Result<Vec<R>, StoreError>
            where
                R: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                let values: BTreeSet<&str> = values.into_iter().collect();
                let values: Vec<&str> = values.into_iter().collect();
                let mut found = Vec::new();
                // Well under SQLite's limit on bound values per statement.
                for chunk in values.chunks(500) {
                    let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
                    let sql = format!(
                        "SELECT {columns} FROM {table} WHERE {key} IN ({}) ORDER BY {key}, {order}",
                        marks.join(", ")
                    );
                    let mut q = sqlx::query_as::<_, R>(sqlx::AssertSqlSafe(sql));
                    for v in chunk {
                        q = q.bind(*v);
                    }
                    found.extend(q.fetch_all(self.pool()).await?);
                }
                Ok(found)
            }
        }
    };
}

impl_staff_rows!(SqliteStore, sqlx::Sqlite);
impl_staff_rows!(PostgresStore, sqlx::Postgres);
