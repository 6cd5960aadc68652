"""The staging relation `ingest_stage`: a temp table most adapters fill, or a view over a typed file.

A typed file (Parquet) is cheap to read again, so its adapter may stage it as a view of the same columns
instead of copying every row: raw PII hashing reads it, and only when some raw PII must be replaced is
it copied into a table (an update needs one). The loader drops either kind after each file.
"""

from __future__ import annotations

STAGE = "ingest_stage"


def stage_kind(con) -> str | None:
    """'table', 'view' or None: what ingest_stage is on this connection right now."""
    rows = con.execute(
        "select 'view' from duckdb_views() where view_name = $1 and temporary "
        "union all select 'table' from duckdb_tables() where table_name = $1 and temporary",
        [STAGE],
    ).fetchall()
    return rows[0][0] if rows else None


def drop_stage(con) -> None:
    """Drop ingest_stage, table or view, if it exists."""
    kind = stage_kind(con)
    if kind:
        con.execute(f"drop {kind} {STAGE}")
    con.execute("drop view if exists ingest_stage_source")


def stage_as_view(con, select: str) -> None:
    """Replace the empty staging table by a view with its columns, filled by `select`.

    `select` is a query returning some staging columns by name (a typed expression each); the others
    are NULL. Every column keeps the staging table's type, as an insert by name would cast it.
    """
    columns = con.execute(f"select column_name, column_type from (describe {STAGE})").fetchall()
    con.execute(f"create or replace temp view ingest_stage_source as {select}")
    given = {name for (name,) in con.execute("select column_name from (describe ingest_stage_source)")
             .fetchall()}
    exprs = [
        f"cast({name} as {dtype}) as {name}" if name in given else f"cast(null as {dtype}) as {name}"
        for name, dtype in columns
    ]
    con.execute(f"drop table {STAGE}")
    con.execute(f"create temp view {STAGE} as select {', '.join(exprs)} from ingest_stage_source")


def materialize_stage(con) -> None:
    """Make ingest_stage a table again (its rows copied) when it is a view; a table is left as it is."""
    if stage_kind(con) != "view":
        return
    con.execute("create or replace temp table ingest_stage_rows as select * from ingest_stage")
    con.execute(f"drop view {STAGE}")
    con.execute(f"alter table ingest_stage_rows rename to {STAGE}")
