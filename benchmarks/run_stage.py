"""Run one audit SQL file on a workspace under a memory limit, to find the step that runs out of memory.

    python benchmarks/run_stage.py --db FILE --memory-limit 3GB audit/rules/sql/stages/55_values.sql

The workspace must already hold what the file reads (run the audit once, even one that failed later).
Variables the SQL reads with getvariable() get the audit's defaults. It changes the database: use a copy.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path


def main() -> None:
    """Command line: run the file, print ok or the error, wall and CPU time and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sql", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args()
    from audit.db import connect
    from audit.rules.engine import AuditSettings, run_stage
    from audit.rules.lookups import send_timing

    con = connect(args.db, memory_limit=args.memory_limit)
    limits = send_timing().get("limits", {})  # the variables the lookups step sets (clock skew, fbc age)
    for name, value in {**AuditSettings().variables(), **limits}.items():
        con.execute(f"set variable {name} = {float(value)!r}")
    start, cpu = time.perf_counter(), time.process_time()
    try:
        run_stage(con, args.sql.read_text(encoding="utf-8"))
        outcome = "ok"
    except Exception as exc:  # report DuckDB's out-of-memory (or any) error and the cost so far
        outcome = f"failed: {str(exc).splitlines()[0]}"
    finally:
        con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"{outcome}; {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU, "
          f"peak RSS {peak:.2f} GiB")


if __name__ == "__main__":
    main()
