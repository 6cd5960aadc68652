"""Connect to an audit workspace (a DuckDB file), apply the schema and run packaged .sql files."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import duckdb

from audit.errors import ConfigError, StoreError
from audit.sizes import default_memory_limit, is_user_size

SCHEMA_FILES = ("events.sql", "views.sql")
__all__ = ["apply_schema", "catalog", "column_names", "connect", "default_memory_limit", "run_sql", "scalar",
           "sql_files", "sql_text", "table_names"]


def sql_text(package: str, name: str, **values: object) -> str:
    """Return a .sql file shipped inside `package` (e.g. 'audit.schema', 'events.sql'), with each `{key}`
    of `values` replaced by its text (plain replacement: the SQL's own braces, such as struct literals,
    are left alone)."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    for key, value in values.items():
        if "{" + key + "}" not in text:
            raise KeyError(f"{name} has no {{{key}}} to fill in")
        text = text.replace("{" + key + "}", str(value))
    return text


def sql_files(package: str, folder: str = "") -> list[tuple[str, str]]:
    """Return (name, text) of every .sql file in a package folder, sorted by name."""
    root = resources.files(package)
    if folder:
        root = root.joinpath(folder)
    return sorted(
        (p.name, p.read_text(encoding="utf-8")) for p in root.iterdir() if p.name.endswith(".sql")
    )


def connect(path: str | Path | None = None, read_only: bool = False, memory_limit: str | None = None):
    """Open the workspace; a writer also applies the schema. ':memory:' or None gives a scratch store."""
    target = ":memory:" if path is None else str(path)
    if read_only and target != ":memory:" and not Path(target).exists():
        raise StoreError(f"{target}: no such audit database; create it with `capi-audit load` or `audit`")
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        raise StoreError(f"{target}: cannot open the audit database ({exc})") from exc
    limit = memory_limit if memory_limit is not None else os.environ.get("CAPI_AUDIT_MEMORY_LIMIT")
    limit = limit or default_memory_limit()
    if limit:
        if not is_user_size(limit):
            con.close()
            raise ConfigError(f"memory limit {limit!r}: give an amount such as 4GB or 512MB")
        con.execute(f"set memory_limit = '{limit.strip()}'")
    spill = os.environ.get("CAPI_AUDIT_TEMP_DIR")
    if spill:  # default: <database>.tmp beside a database file, .tmp in the working folder for :memory:
        con.execute("set temp_directory = ?", [spill])
    con.execute("set TimeZone = 'UTC'")
    if not read_only:
        apply_schema(con)
    return con


def apply_schema(con) -> None:
    """Create the canonical tables and analyst views if they do not exist."""
    for name in SCHEMA_FILES:
        con.execute(sql_text("audit.schema", name))


def run_sql(con, text: str) -> None:
    """Run a script of ';'-separated statements."""
    con.execute(text)


def scalar(con, query: str, params: list | None = None):
    """The first column of the first row a query returns."""
    return con.execute(query, params or []).fetchone()[0]


def catalog(con) -> str:
    """Name of the database the connection works in (the workspace file's, or 'memory')."""
    return scalar(con, "select current_database()")


def table_names(con, schema: str = "main", database: str | None = None) -> list[str]:
    """Tables of one schema of the connection's database (or of another attached database)."""
    return [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = ?"
        " and database_name = coalesce(?, current_database())", [schema, database]).fetchall()]


def column_names(con, schema: str, table: str, database: str | None = None) -> set[str]:
    """Columns of one table of the connection's database (or of another attached database)."""
    return {c for (c,) in con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ?"
        " and database_name = coalesce(?, current_database())", [schema, table, database]).fetchall()}
