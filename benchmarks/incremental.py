"""What re-auditing costs after one more day is appended to a 4-week database (run by hand).

    python benchmarks/incremental.py --events 200000 [--days 28] [--seed 42] [--work-dir DIR]

Generates days+1 days of sample logs, loads them once, then audits three databases, each in a fresh
process: the first `days` days (before the append), all days (today's full re-audit after the append)
and only the events received on the new day or in the 96 h before it (what an audit limited to the
affected window and its 48 h pairing context would have to read: a lower bound for an incremental
audit). Appends the figures to benchmarks/results.md.
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
from run import RESULTS, audit_cmd, gib, machine  # noqa: E402

CONTEXT_HOURS = 96  # two 48 h windows: pairs of the new day's events, and the pairs those compete with

_RECEIVED = "coalesce(sent_at, event_time)"


def _trim(src: Path, dst: Path, keep: str) -> int:
    """Copy the database at `src` to `dst` keeping only events matching `keep`; return events kept."""
    import duckdb

    shutil.copyfile(src, dst)
    con = duckdb.connect(str(dst))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"delete from events where not ({keep})")
        con.execute("checkpoint")
        return int(con.execute("select count(*) from events").fetchall()[0][0])
    finally:
        con.close()


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000, help="events in the whole sample")
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    name = f"incremental-{args.events}-{args.days}-{args.seed}"
    work = args.work_dir or Path("/tmp/capi-audit-bench") / name
    gen = work / "generated"
    info = machine()
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
        everything.with_suffix(".partial").rename(everything)
    truth = json.loads((gen / "ground_truth.json").read_text(encoding="utf-8"))
    end = datetime.fromisoformat(truth["end"].replace("Z", "+00:00"))
    day = f"timestamptz '{(end - timedelta(days=1)).isoformat()}'"  # the generated period's last day
    dbs = {
        f"before the append ({args.days} days)": (work / "before.duckdb", f"{_RECEIVED} < {day}"),
        f"full re-audit after the append ({args.days + 1} days)": (work / "after.duckdb", "true"),
        f"new day + {CONTEXT_HOURS} h before it only": (
            work / "window.duckdb", f"{_RECEIVED} >= {day} - interval {CONTEXT_HOURS} hour"),
    }
    rows = []
    for label, (db, keep) in dbs.items():
        kept = _trim(everything, db, keep)
        log = work / "logs" / f"{db.stem}.log"
        measured = run_step(label, audit_cmd("audit", "--db", str(db)), log, kept)
        rows.append((label, kept, measured))
        db.unlink()
    full = rows[1][2]
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: re-audit after appending one day",
        "",
        f"Command: `python benchmarks/incremental.py {' '.join(sys.argv[1:])}`  ",
        f"Machine: {info['cores']} cores, {info['memory']} RAM, load average {info['load_average']:.1f} "
        "at start (shared).",
        "",
        "| audit of | events | wall s | CPU s | peak RSS | share of full re-audit (CPU) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, kept, m in rows:
        lines.append(f"| {label} | {kept:,} | {m.wall_s:,.1f} | {m.cpu_s:,.1f} | {gib(m.peak_rss_bytes)} | "
                     f"{m.cpu_s / full.cpu_s:.0%} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_record:
        with open(RESULTS, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
