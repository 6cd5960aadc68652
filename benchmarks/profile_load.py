"""Time every SQL statement the loader runs on some files (run by hand, never in CI).

    python benchmarks/profile_load.py --db /tmp/x.duckdb --pixel DIR/pixel --capi DIR/capi [--top 25]

Wraps the connection so each execute() is timed (wall and this process's CPU) and prints the slowest
statements with their first words, then the totals per file. The database must not exist yet.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from collections import defaultdict
from pathlib import Path

from audit.db import connect
from audit.ingest import load_files


class TimedConnection:
    """A DuckDB connection whose execute() calls are timed and recorded by statement."""

    def __init__(self, con, explain: str | None = None) -> None:
        self._con = con
        self.times: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        self.explain = explain  # statements starting with this text get DuckDB's profile printed

    def execute(self, query: str, *args):
        """Run and time a statement; a script without parameters is run and timed statement by statement."""
        if args or not isinstance(query, str):
            return self._timed(query, *args)
        statements = [s.query for s in self._con.extract_statements(query)]
        for statement in statements[:-1]:
            self._timed(statement)
        return self._timed(statements[-1])

    def _timed(self, query: str, *args):
        profiled = bool(self.explain) and _label(query).startswith(self.explain)
        if profiled:
            self._con.execute("set enable_profiling = 'query_tree'")
            self._con.execute("set profiling_output = ''")
        wall, cpu = time.perf_counter(), time.process_time()
        result = self._con.execute(query, *args)
        if profiled:
            self._con.execute("pragma disable_profiling")
        entry = self.times[_label(query)]
        entry[0] += time.perf_counter() - wall
        entry[1] += time.process_time() - cpu
        entry[2] += 1
        return result

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def _label(query: str) -> str:
    """The first statement's opening words, comments dropped, spaces folded."""
    text = re.sub(r"--[^\n]*", " ", query)
    return re.sub(r"\s+", " ", text).strip()[:100]


def main() -> None:
    """Load the files and print the statement timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pixel", action="append", default=[])
    parser.add_argument("--capi", action="append", default=[])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--explain", help="print DuckDB's operator timings for statements starting so")
    args = parser.parse_args()
    if args.db.exists():
        raise SystemExit(f"{args.db} exists; give a new path")
    con = TimedConnection(connect(args.db), args.explain)
    wall, cpu = time.perf_counter(), time.process_time()
    for channel, paths in (("pixel", args.pixel), ("capi", args.capi)):
        if paths:
            for r in load_files(con, paths, channel):
                print(f"{Path(r.file).name}: {r.rows_loaded:,} loaded, {r.rows_quarantined:,} set aside")
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    con.close()
    rows = sorted(con.times.items(), key=lambda kv: -kv[1][0])[: args.top]
    print(f"\n{'wall s':>8} {'cpu s':>8} {'calls':>6}  statement")
    for label, (w, c, n) in rows:
        print(f"{w:8.2f} {c:8.2f} {n:6d}  {label}")
    print(f"{total_wall:8.2f} {total_cpu:8.2f} {'':6}  total (pid {os.getpid()})")


if __name__ == "__main__":
    main()
