#!/usr/bin/env python3
"""Every MI measure's figures re-summed by DuckDB from exported facts, for the comparison in
`cargo bench -p probity --bench mi_figures` (which runs this script).

    python3 crates/cli/bench/mi_duckdb.py FACTS.csv AS_AT_IDS

FACTS.csv is `probity mi export-facts` output (crn,measure,on_date,met,officer,team,fact_key,
weight); AS_AT_IDS the comma-separated ids of the as-at measures. The SQL is the store's own
re-summing (`store::mi::MiStore::mi_resum`): a period fact sums into its month, an as-at fact
into its first failing day ('' when it never fails). Prints the timings and the checksum the
benchmark compares with the store's (see `checksum` there). Needs `pip install duckdb`.
"""

import sys
import time

try:
    import duckdb
except ImportError:
    sys.exit("duckdb is not installed: pip install duckdb")

MODULUS = 1_000_000_007
COLUMNS = {
    "crn": "VARCHAR",
    "measure": "VARCHAR",
    "on_date": "VARCHAR",
    "met": "BIGINT",
    "officer": "VARCHAR",
    "team": "VARCHAR",
    "fact_key": "VARCHAR",
    "weight": "BIGINT",
}


def resum_sql(source: str, as_at: list[str]) -> str:
    ids = ", ".join(f"'{m}'" for m in as_at)
    return f"""
        SELECT measure,
               CASE WHEN measure IN ({ids}) THEN COALESCE(on_date, '')
                    ELSE COALESCE(substr(on_date, 1, 7), '') END AS period,
               COALESCE(officer, '') AS officer, COALESCE(team, '') AS team,
               COALESCE(fact_key, '') AS fact_key,
               SUM(met) AS met, COUNT(*) AS total, SUM(weight) AS weight
        FROM {source}
        GROUP BY ALL
    """


def checksum(rows) -> tuple[int, int, int, int, int]:
    met = total = weight = check = 0
    for m, p, o, t, k, sm, st, sw in rows:
        h = 7
        for b in f"{m}|{p}|{o}|{t}|{k}".encode():
            h = (h * 31 + b) % MODULUS
        check = (check + h * ((sm + 3 * st + 7 * sw) % MODULUS)) % MODULUS
        met += sm
        total += st
        weight += sw
    return len(rows), met, total, weight, check


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, as_at = sys.argv[1], [m for m in sys.argv[2].split(",") if m]
    con = duckdb.connect()
    reader = f"read_csv('{path}', header = true, columns = {COLUMNS})"

    # Cold: read the CSV and sum in one query.
    t = time.perf_counter()
    rows = con.execute(resum_sql(reader, as_at)).fetchall()
    cold = time.perf_counter() - t

    # Warm: the facts already in DuckDB's own storage, then the same sums.
    t = time.perf_counter()
    con.execute(f"CREATE TABLE facts AS SELECT * FROM {reader}")
    load = time.perf_counter() - t
    times = []
    for _ in range(3):
        t = time.perf_counter()
        warm_rows = con.execute(resum_sql("facts", as_at)).fetchall()
        times.append(time.perf_counter() - t)
    assert sorted(warm_rows) == sorted(rows)
    facts = con.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
    print(
        f"  duckdb {duckdb.__version__}: {facts} facts; read CSV and sum {cold:.2f} s; "
        f"load into a table {load:.2f} s, then sum {min(times):.2f} s (best of 3)"
    )
    g, met, total, weight, check = checksum(rows)
    print(f"duckdb checksum: groups {g} met {met} total {total} weight {weight} check {check}")


if __name__ == "__main__":
    main()
