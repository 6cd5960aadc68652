"""What re-auditing costs after one more day is appended to a 4-week database (run by hand).

    python benchmarks/incremental.py --events 200000 [--days 28] [--seed 42] [--work-dir DIR]

Generates days+1 days of sample logs and loads them once. Then, each step in a fresh process: a full
audit of the first `days` days (it records what it covered), the last day's events appended (as a load
of a new day would), `capi-audit audit` (incremental) and, on a copy, `capi-audit audit --full` (what
a full re-audit costs). Checks that both give the same outputs (`python -m audit.rules.compare`) and
appends the figures to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import run_step  # noqa: E402
from prepare import GENERATED_FILES  # noqa: E402
from run import audit_cmd, gib, machine, machine_line, publish  # noqa: E402

_RECEIVED = "coalesce(sent_at, event_time)"


def _sql(db: Path, *statements: str) -> list:
    """Run statements on a database file (UTC); return the last one's rows."""
    import duckdb

    con = duckdb.connect(str(db))
    try:
        con.execute("set TimeZone = 'UTC'")
        rows: list = []
        for statement in statements:
            rows = con.execute(statement).fetchall()
        return rows
    finally:
        con.close()


def _prepare(args: argparse.Namespace, work: Path) -> tuple[Path, str]:
    """Generate and load days+1 days once; return the loaded database and the new day's start."""
    gen = work / "generated"
    if not (gen / "ground_truth.json").exists():
        code = ("import sys; from audit.sample import generate; a = sys.argv; "
                "generate(a[1], events=int(a[2]), seed=int(a[3]), days=int(a[4]))")
        subprocess.run([sys.executable, "-c", code, str(gen), str(args.events), str(args.seed),
                        str(args.days + 1)], check=True)
    everything = work / "all.duckdb"
    if not everything.exists():
        files = [arg for ch, names in GENERATED_FILES.items() for n in names if (gen / n).exists()
                 for arg in (f"--{ch}", str(gen / n))]
        partial = everything.with_suffix(".partial")
        subprocess.run(audit_cmd("load", "--db", str(partial), *files), check=True, stdout=subprocess.DEVNULL)
        partial.rename(everything)
    truth = json.loads((gen / "ground_truth.json").read_text(encoding="utf-8"))
    end = datetime.fromisoformat(truth["end"].replace("Z", "+00:00"))
    return everything, f"timestamptz '{(end - timedelta(days=1)).isoformat()}'"


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000, help="events in the whole sample")
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    name = f"incremental-{args.events}-{args.days}-{args.seed}"
    work = args.work_dir or Path("/tmp/capi-audit-bench") / name
    info = machine()
    everything, new_day = _prepare(args, work)
    limit = ["--memory-limit", args.memory_limit] if args.memory_limit else []
    inc, full = work / "incremental.duckdb", work / "full.duckdb"
    shutil.copyfile(everything, inc)
    held = _sql(inc, f"create table held_events as select * from events where {_RECEIVED} >= {new_day}",
                "delete from events where event_ref in (select event_ref from held_events)",
                "select count(*) from held_events")[0][0]
    before = _sql(inc, "select count(*) from events")[0][0]
    logs = work / "logs"
    first = run_step(f"full audit of {args.days} days", audit_cmd("audit", "--db", str(inc), *limit),
                     logs / "first.log", before)
    _sql(inc, "insert into events select * from held_events", "drop table held_events", "checkpoint")
    shutil.copyfile(inc, full)
    after = before + held
    inc_m = run_step("incremental", audit_cmd("audit", "--db", str(inc), *limit), logs / "inc.log", after)
    full_cmd = audit_cmd("audit", "--db", str(full), "--full", *limit)
    full_m = run_step("full", full_cmd, logs / "full.log", after)
    rows = [
        (f"full audit of the first {args.days} days (before the append)", before, first),
        ("incremental re-audit after appending one day", after, inc_m),
        (f"full re-audit of all {args.days + 1} days (`--full`)", after, full_m),
    ]
    mode = _sql(inc, "select mode || ': ' || reason from audit_runs order by run_at desc limit 1")[0][0]
    same = subprocess.run([sys.executable, "-m", "audit.rules.compare", str(full), str(inc)],
                          capture_output=True, text=True)
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: re-audit after appending one day",
        "",
        f"Command: `python benchmarks/incremental.py {' '.join(sys.argv[1:])}`  ",
        machine_line(info),
        "",
        "| audit | events | wall s | CPU s | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, events, m in rows:
        lines.append(f"| {label} | {events:,} | {m.wall_s:,.1f} | {m.cpu_s:,.1f} | {gib(m.peak_rss_bytes)} |")
    lines += [
        "",
        f"- incremental / full re-audit: **{inc_m.wall_s / full_m.wall_s:.0%}** wall, "
        f"**{inc_m.cpu_s / full_m.cpu_s:.0%}** CPU (target under 20 %)",
        f"- the incremental run: {mode}",
        f"- outputs of the incremental and the full re-audit: {same.stdout.strip().splitlines()[-1]}",
    ]
    publish("\n".join(lines) + "\n", record=not args.no_record)


if __name__ == "__main__":
    main()
