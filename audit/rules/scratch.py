"""Where the audit's intermediate stage tables live: in memory, or in a scratch file deleted afterwards.

The stage SQL declares intermediates as temp tables. That is fastest while they fit in memory, but a
temp table that outgrows the memory limit spills to disk uncompressed: at 20 M events a side the pairing
stages alone spilled 40 GB. Past the point where they no longer fit, the intermediates go to a scratch
database beside the workspace instead (compressed, like any table, and deleted when the audit ends),
so the workspace file only ever holds the events and what the audit keeps. With CAPI_AUDIT_TEMP_DIR
set (where DuckDB spills), the scratch file goes there too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from audit.db import scalar
from audit.sizes import parse_size

# In-memory size of the intermediates per event, measured: 40 GB of spill for 38.7 M events (20 M a
# side) by the pairing stages, under a 4 GB memory limit.
BYTES_PER_EVENT = 1_200
SCRATCH = "audit_scratch"
SCOPE_SUFFIX = ".scope"  # an incremental audit's scope database, when it does not fit in memory
TEMP_TABLE = re.compile(r"create or replace temp table (stage_\w+)")


def memory_limit_bytes(con) -> int:
    """DuckDB's memory limit in bytes (it reports it as text such as '2.7 GiB')."""
    return parse_size(scalar(con, "select current_setting('memory_limit')"))


def workspace_path(con) -> Path | None:
    """The current database's file, or None for an in-memory one."""
    path = scalar(con, "select path from duckdb_databases() where database_name = current_database()")
    return Path(path) if path else None


def scratch_path(workspace: Path, suffix: str = ".scratch") -> Path:
    """<workspace><suffix> beside it, or in CAPI_AUDIT_TEMP_DIR when that is set."""
    folder = os.environ.get("CAPI_AUDIT_TEMP_DIR")
    name = f"{workspace.name}{suffix}"
    return Path(folder) / name if folder else workspace.with_name(name)


def side_database(con, events: int, suffix: str) -> Path | None:
    """Where a database of work on this many events goes: None (in memory) when its intermediates fit
    under the memory limit, or when the workspace is in memory itself; else scratch_path(workspace,
    suffix)."""
    workspace = workspace_path(con)
    if workspace is None or events * BYTES_PER_EVENT <= memory_limit_bytes(con):
        return None
    return scratch_path(workspace, suffix)


def remove_database(path: Path) -> None:
    """Delete a side database's file and its write-ahead log (after it is detached)."""
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)


class Intermediates:
    """Decides where the intermediates go and rewrites the stages' SQL to put them there.

    Use as a context manager around the stages: on entry a scratch database is attached (when needed)
    and put on the search path after the current schema; on exit the search path is restored and the
    scratch file deleted."""

    def __init__(self, con, events: int, keep: bool = False) -> None:
        self.con = con
        # kept intermediates (tests, profiling) stay readable after the audit: temp tables
        self.scratch = None if keep else side_database(con, events, ".scratch")
        self.database, self.schema = con.execute("select current_database(), current_schema()").fetchone()
        self._search_path = ""

    @property
    def place(self) -> str:
        """'memory' (temp tables) or 'scratch file'."""
        return "memory" if self.scratch is None else "scratch file"

    def sql(self, text: str) -> str:
        """A stage's SQL with its temp-table intermediates created in the scratch database instead."""
        if self.scratch is None:
            return text
        return TEMP_TABLE.sub(rf"create or replace table {SCRATCH}.{self.schema}.\1", text)

    def drop(self, table: str) -> None:
        """Drop an intermediate nothing reads any more (a stage's, or a lookup the Python steps wrote)."""
        if self.scratch is not None:
            self.con.execute(f"drop table if exists {SCRATCH}.{self.schema}.{table}")
        self.con.execute(f"drop table if exists {table}")

    def __enter__(self) -> Intermediates:
        if self.scratch is None:
            return self
        self._remove()
        self._search_path = scalar(self.con, "select current_setting('search_path')")
        self.scratch.parent.mkdir(parents=True, exist_ok=True)
        self.con.execute(f"attach '{self.scratch}' as {SCRATCH}")
        self.con.execute(f"create schema if not exists {SCRATCH}.{self.schema}")
        # the current schema first (new tables go there), then the scratch file, then what was searched
        path = f'"{self.database}".{self.schema},{SCRATCH}.{self.schema}'
        path = f"{path},{self._search_path}" if self._search_path else path
        self.con.execute("set search_path = ?", [path])
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        if self.scratch is None:
            return
        try:
            self.con.execute("set search_path = ?", [self._search_path])
            self.con.execute(f"detach {SCRATCH}")
        except Exception:
            if exc_type is None:
                raise
            # the stages failed already (a full disk can leave the connection unusable): report their error
        finally:
            self._remove()

    def _remove(self) -> None:
        remove_database(self.scratch)
