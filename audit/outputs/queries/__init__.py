"""Read queries over the audit views, one .sql file each, shared by the dashboard and the report.

Every query takes the same named filters: $dataset, $start, $end, $names, $channel (NULL = all),
plus its own ($rules, $severities, $pairing, $limit). Only the names a file uses are bound.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from audit.db import sql_text

_PARAM = re.compile(r"\$([a-z_]+)")


@cache
def query_text(name: str) -> str:
    """The text of audit/outputs/queries/<name>.sql."""
    return sql_text("audit.outputs.queries", f"{name}.sql")


def query_params(name: str) -> tuple[str, ...]:
    """The named parameters a query uses, in order of first use."""
    return tuple(dict.fromkeys(_PARAM.findall(query_text(name))))


def bind(name: str, params: dict[str, object]) -> dict[str, object]:
    """The values for a query's parameters; those not given are NULL (no filter)."""
    out: dict[str, object] = {}
    for key in query_params(name):
        value = params.get(key)
        if isinstance(value, tuple | set | frozenset):
            value = list(value)
        if isinstance(value, list) and not value:
            value = None
        if isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


def run(con, name: str, **params):
    """Run a named query with filters; returns a pandas DataFrame."""
    return con.execute(query_text(name), bind(name, params)).df()


def existing_tables(con) -> set[str]:
    """Names of the tables and views in the workspace."""
    rows = con.execute("select table_name from information_schema.tables").fetchall()
    return {r[0] for r in rows}
