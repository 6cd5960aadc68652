"""Where the audit's time goes: run it on a copy of a database and time every step (stage, rule, metric).

    python benchmarks/profile_audit.py --db FILE [--memory-limit 4GB] [--top 15] [--json] [--statements]

The database is copied first (the audit rebuilds its output tables); steps are timed with the engine's
own progress callback, so "rule X" covers that rule's SELECT and its insert into findings. With
--statements each statement of a stage file is timed on its own instead of the whole stage (a repeating
stage stays whole, in its rounds).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

Step = tuple[str, float, float]  # (name, wall seconds, CPU seconds)


def statement_name(sql: str) -> str:
    """A statement as one line, its comment lines left out."""
    code = " ".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return "statement " + " ".join(code.split())[:110]


@contextmanager
def timed_statements(into: list[Step], split: set[str], step: Callable[[], str]) -> Iterator[None]:
    """While open, the engine runs a step's SQL of several statements one statement at a time and times
    each into `into`, adding the step's name (`step()`, the one running) to `split`."""
    from audit.rules import engine

    whole = engine.run_stage

    def by_statement(con, text: str) -> int:
        statements = con.extract_statements(text)
        if engine.REPEAT.match(text) or len(statements) < 2:  # a repeating stage runs whole, in rounds
            return whole(con, text)
        split.add(step())
        for statement in statements:
            wall, cpu = time.perf_counter(), time.process_time()
            con.execute(statement.query)
            into.append((statement_name(statement.query), time.perf_counter() - wall,
                         time.process_time() - cpu))
        return 1

    engine.run_stage = by_statement
    try:
        yield
    finally:
        engine.run_stage = whole


def profile(db: Path, memory_limit: str | None = None, live: bool = False, settings: tuple[str, ...] = (),
            statements: bool = False) -> tuple[float, list[Step]]:
    """(total seconds, [(step, wall seconds, CPU seconds)] in run order) for one audit of a copy of `db`;
    with `statements`, the stages' statements in place of the stages."""
    from audit.db import connect
    from audit.rules.engine import run_audit

    with tempfile.TemporaryDirectory(prefix="audit-profile-") as tmp:
        work = Path(tmp) / db.name
        shutil.copyfile(db, work)
        con = connect(work, memory_limit=memory_limit)
        for setting in settings:  # DuckDB settings to try, e.g. threads=1
            name, _, value = setting.partition("=")
            con.execute(f"set {name.strip()} = '{value.strip()}'")
        marks = [("outputs, lookups", time.perf_counter(), time.process_time())]
        start = marks[0][1]

        def mark(name: str) -> None:
            if live:  # the step that just ended, so a failing run still shows how far it got
                print(f"{time.perf_counter() - marks[-1][1]:8.1f} s  {marks[-1][0]}", flush=True)
            marks.append((name, time.perf_counter(), time.process_time()))

        timed: list[Step] = []
        split: set[str] = set()
        try:
            if statements:
                with timed_statements(timed, split, lambda: marks[-1][0]):
                    run_audit(con, progress=mark)
            else:
                run_audit(con, progress=mark)
        finally:
            con.close()
        end = (time.perf_counter(), time.process_time())
    bounds = [(w, c) for _, w, c in marks[1:]] + [end]
    steps = [(name, stop[0] - wall, stop[1] - cpu)
             for (name, wall, cpu), stop in zip(marks, bounds, strict=True)]
    if statements:  # a split step's time is its statements'
        steps = [step for step in steps if step[0] not in split] + timed
    return end[0] - start, steps


def main() -> None:
    """Command line: print the slowest steps."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="an audit workspace (copied, not changed)")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit (default: the audit's)")
    parser.add_argument("--top", type=int, default=15, help="how many of the slowest steps to print")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    parser.add_argument("--live", action="store_true", help="print each step as it ends")
    parser.add_argument("--statements", action="store_true",
                        help="time each statement of a stage file instead of the whole stage")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a DuckDB setting for the audit's connection (repeatable)")
    args = parser.parse_args()
    total, steps = profile(args.db, args.memory_limit, live=args.live, settings=tuple(args.set),
                           statements=args.statements)
    slowest = sorted(steps, key=lambda s: -s[1])[: args.top]
    if args.json:
        print(json.dumps({"total_s": total, "steps": slowest}))
        return
    print(f"audit: {total:.1f} s wall, {sum(s[2] for s in steps):.1f} s CPU")
    for name, seconds, cpu in slowest:
        print(f"{seconds:8.1f} s  {100 * seconds / total:5.1f} %  {cpu:8.1f} s CPU  {name}")


if __name__ == "__main__":
    main()
