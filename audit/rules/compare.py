"""Compare the audit outputs of two workspaces: the rows one has and the other lacks, per output table.

Used to prove that a faster or incremental audit gives the same answers as a full one:

    python -m audit.rules.compare A.duckdb B.duckdb

Floating-point columns are compared rounded to 6 decimals (sums in parallel differ in the last bits).
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

from audit.db import sql_text

TABLE = re.compile(r"create or replace table (\w+)", re.IGNORECASE)


@functools.cache
def output_tables() -> tuple[str, ...]:
    """Every audit output table, in the order audit/schema/outputs.sql creates them (plus `rules`)."""
    return (*TABLE.findall(sql_text("audit.schema", "outputs.sql")), "rules")


def _select(con, catalog: str, table: str) -> str:
    """SELECT of a table with floating-point columns rounded."""
    cols = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? and table_name = ?"
        " and schema_name = 'main' order by column_index",
        [catalog, table],
    ).fetchall()
    parts = [f'round("{c}", 6) as "{c}"' if t in ("DOUBLE", "FLOAT") else f'"{c}"' for c, t in cols]
    return f'select {", ".join(parts)} from "{catalog}".main."{table}"'


def differences(a: Path, b: Path, tables: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """{table: (rows only in a, rows only in b)} for every output table that differs (empty = same)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"attach '{a}' as left_db (read_only)")
    con.execute(f"attach '{b}' as right_db (read_only)")
    out: dict[str, tuple[int, int]] = {}
    for table in tables or output_tables():
        left, right = _select(con, "left_db", table), _select(con, "right_db", table)
        only_a = con.execute(f"select count(*) from ({left} except all {right})").fetchone()[0]
        only_b = con.execute(f"select count(*) from ({right} except all {left})").fetchone()[0]
        if only_a or only_b:
            out[table] = (only_a, only_b)
    con.close()
    return out


def main() -> None:
    """Command line: print the differing tables; exit 1 when any differs."""
    a, b = Path(sys.argv[1]), Path(sys.argv[2])
    diff = differences(a, b)
    for table, (only_a, only_b) in diff.items():
        print(f"{table}: {only_a} rows only in {a.name}, {only_b} rows only in {b.name}")
    print("same outputs" if not diff else f"{len(diff)} tables differ")
    raise SystemExit(1 if diff else 0)


if __name__ == "__main__":
    main()
