"""Benchmark the loaders and the audit against bare DuckDB and a pandas notebook (run by hand, never in CI).

    python benchmarks/run.py --events 1000000 [--memory-limit 4GB] [--work-dir DIR] [--pandas auto|yes|no]

Makes about N events a side with the sample generator (benchmarks/prepare.py), as Parquet and as
Graph API / flat JSONL, then times each step in a fresh process: our load of the Parquet files, our
full audit of that database, our load of the JSONL files, the bare DuckDB keyed 48 h join (the limit),
bare DuckDB reading the JSONL files into tables with their schema given (the limit for the JSONL load)
and a pandas notebook doing the same join (when memory allows). Prints wall time, CPU time, peak RSS,
events per second and the ratios, and appends them to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import Measure, run_step  # noqa: E402
from prepare import MANIFEST  # noqa: E402

from audit.sizes import default_memory_limit  # noqa: E402  (the audit's default, without importing DuckDB)

RESULTS = HERE / "results.md"
PANDAS_BYTES_PER_EVENT = 600       # pandas peak RSS measured at 1 M a side (470 B an event), rounded up
TARGETS = {"ours_over_limit": 2.5, "jsonl_events_per_s": 300_000, "peak_rss_bytes": 4 * 2**30}


def gib(n: float) -> str:
    """Bytes as GiB text."""
    return f"{n / 2**30:.2f} GiB"


def machine() -> dict:
    """Cores, memory and load of this machine, for the record."""
    import psutil

    return {
        "cores": os.cpu_count(), "memory": gib(psutil.virtual_memory().total),
        "available": gib(psutil.virtual_memory().available), "load_average": os.getloadavg()[0],
        "duckdb": metadata.version("duckdb"), "python": platform.python_version(),
    }


def machine_line(info: dict) -> str:
    """The short machine line of a results section."""
    return (f"Machine: {info['cores']} cores, {info['memory']} RAM, load average {info['load_average']:.1f} "
            "at start (shared).")


def publish(text: str, record: bool) -> None:
    """Print a results section and, unless told not to, append it to benchmarks/results.md."""
    print(text)
    if record:
        with open(RESULTS, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)


def audit_cmd(*args: str) -> list[str]:
    """The capi-audit command line, run with this interpreter."""
    return [sys.executable, "-m", "audit", *args]


def limit_args(memory_limit: str | None) -> list[str]:
    """--memory-limit when one was given."""
    return ["--memory-limit", memory_limit] if memory_limit else []


def counts(db: Path) -> dict[str, int]:
    """Events per channel in an audit database."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("select channel, count(*) from events group by channel").fetchall())
    finally:
        con.close()


def dedup_pairs(db: Path) -> int:
    """Pixel/CAPI pairs Meta deduplicates, as the audit found them."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        query = "select count(*) from event_pairs where pairing = 'deduplicated'"
        return int(con.execute(query).fetchall()[0][0])
    except duckdb.Error:
        return -1
    finally:
        con.close()


def printed(log: Path, key: str) -> int | None:
    """The {key: N} a baseline printed as its last JSON line ({"pairs": N} or {"events": N})."""
    text = log.read_text(encoding="utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1])[key] if lines else None


def same_events(checks: dict) -> str:
    """', the same events' or ', NOT the events we loaded' when both JSONL steps ran, else ''."""
    ours, bare = sum(checks["jsonl_loaded"].values()), checks["bare_jsonl_events"]
    if not ours or bare is None:
        return ""
    return ", the same events" if ours == bare else ", NOT the events we loaded"


def want_pandas(choice: str, total_events: int) -> bool:
    """Run the pandas notebook unless it would not fit in the memory free now."""
    if choice != "auto":
        return choice == "yes"
    import psutil

    return total_events * PANDAS_BYTES_PER_EVENT < 0.6 * psutil.virtual_memory().available


STEPS = ("load_parquet", "audit", "load_jsonl", "bare", "bare_jsonl", "pandas")
JSONL_STEPS = {"load_jsonl", "bare_jsonl"}  # the steps that read the JSONL files
LOAD_JSONL, BARE_JSONL = "load JSONL (ours)", "bare DuckDB JSONL read (limit)"  # their labels


def prepare_inputs(args: argparse.Namespace, work: Path) -> dict:
    """Make the inputs in a separate process, so this one stays small (a forked child starts with the
    parent's resident size, which would show in its peak RSS)."""
    cmd = [sys.executable, str(HERE / "prepare.py"), "--events", str(args.events), "--out", str(work),
           "--seed", str(args.seed)]
    if args.memory_limit:
        cmd += ["--memory-limit", args.memory_limit]
    if not JSONL_STEPS & set(args.steps):
        cmd.append("--no-jsonl")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    if JSONL_STEPS & set(args.steps) and not manifest.get("jsonl", True):
        raise SystemExit(f"{work} was prepared without JSONL files; use another --work-dir")
    return manifest


def run(args: argparse.Namespace) -> dict:
    """Prepare the inputs, run the chosen steps, return the figures."""
    work = args.work_dir or Path("/tmp/capi-audit-bench") / f"{args.events}-{args.seed}"
    info = machine()
    manifest = prepare_inputs(args, work)
    total = sum(manifest["events"].values())
    logs = work / "logs"
    run_step("warm-up", audit_cmd("rules", "--format", "json"), logs / "warmup.log")
    steps: list[Measure] = []
    ours = work / "ours_parquet.duckdb"
    ours_jsonl = work / "ours_jsonl.duckdb"
    parquet, jsonl = work / "parquet", work / "jsonl"
    limit = limit_args(args.memory_limit)
    pq_files = ["--pixel", str(parquet / "pixel"), "--capi", str(parquet / "capi")]
    js_files = ["--pixel", str(jsonl / "pixel"), "--capi", str(jsonl / "capi")]
    if "load_parquet" in args.steps:
        ours.unlink(missing_ok=True)
        steps.append(run_step("load Parquet (ours)", audit_cmd("load", "--db", str(ours), *pq_files, *limit),
                              logs / "load_parquet.log", total, disk=ours))
    if "audit" in args.steps:
        steps.append(run_step("audit (ours)", audit_cmd("audit", "--db", str(ours), "--full", *limit),
                              logs / "audit.log", total, disk=ours))
    if "load_jsonl" in args.steps:
        ours_jsonl.unlink(missing_ok=True)
        steps.append(run_step(LOAD_JSONL,
                              audit_cmd("load", "--db", str(ours_jsonl), *js_files, *limit),
                              logs / "load_jsonl.log", total, disk=ours_jsonl))
    bare_limit = args.memory_limit or default_memory_limit()
    baseline = [sys.executable, str(HERE / "baselines.py")]
    if "bare" in args.steps:
        steps.append(run_step("bare DuckDB join (limit)",
                              [*baseline, "duckdb", *pq_files, "--memory-limit", bare_limit],
                              logs / "bare_join.log", total))
    if "bare_jsonl" in args.steps:
        steps.append(run_step(BARE_JSONL,
                              [*baseline, "duckdb-jsonl", *js_files, "--memory-limit", bare_limit],
                              logs / "bare_jsonl.log", total))
    if "pandas" in args.steps and want_pandas(args.pandas, total):
        steps.append(run_step("pandas notebook", [*baseline, "pandas", *pq_files],
                              logs / "pandas.log", total))
    ran = {m.step for m in steps}
    checks = {
        "parquet_loaded": counts(ours) if ours.exists() else {},
        "jsonl_loaded": counts(ours_jsonl) if LOAD_JSONL in ran and ours_jsonl.exists() else {},
        "bare_pairs": printed(logs / "bare_join.log", "pairs") if "bare DuckDB join (limit)" in ran else None,
        "bare_jsonl_events": printed(logs / "bare_jsonl.log", "events") if BARE_JSONL in ran else None,
        "pandas_pairs": printed(logs / "pandas.log", "pairs") if "pandas notebook" in ran else None,
        "audit_deduplicated_pairs": dedup_pairs(ours) if "audit (ours)" in ran else None,
    }
    if not args.keep:
        for db in (ours, ours_jsonl):
            db.unlink(missing_ok=True)
    return {"machine": info, "manifest": manifest, "steps": steps, "checks": checks,
            "memory_limit": bare_limit, "limit_given": args.memory_limit, "work": str(work)}


def ratios(steps: list[Measure]) -> dict[str, tuple[float, float]]:
    """(by wall time, by CPU time) for ours / limit, pandas / ours, pandas / limit and our JSONL load /
    the bare JSONL read."""
    by = {m.step: m for m in steps if m.ok}
    out: dict[str, tuple[float, float]] = {}
    jsonl, bare_jsonl = by.get(LOAD_JSONL), by.get(BARE_JSONL)
    if jsonl and bare_jsonl:
        out["jsonl_over_limit"] = (jsonl.wall_s / bare_jsonl.wall_s, jsonl.cpu_s / bare_jsonl.cpu_s)
    load, audit, bare, pandas = (by.get(k) for k in (
        "load Parquet (ours)", "audit (ours)", "bare DuckDB join (limit)", "pandas notebook"))
    if load and audit and bare:
        out["ours_over_limit"] = ((load.wall_s + audit.wall_s) / bare.wall_s,
                                  (load.cpu_s + audit.cpu_s) / bare.cpu_s)
    if load and audit and pandas:
        out["pandas_over_ours"] = (pandas.wall_s / (load.wall_s + audit.wall_s),
                                   pandas.cpu_s / (load.cpu_s + audit.cpu_s))
    if bare and pandas:
        out["pandas_over_limit"] = (pandas.wall_s / bare.wall_s, pandas.cpu_s / bare.cpu_s)
    return out


def report(result: dict, command: str) -> str:
    """The figures as a Markdown section (also printed)."""
    m, man, steps, checks = result["machine"], result["manifest"], result["steps"], result["checks"]
    ev = man["events"]
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {man['events_a_side_requested']:,} events a side",
        "",
        f"Command: `{command}`  ",
        f"Machine: {m['cores']} cores, {m['memory']} RAM ({m['available']} free at start), load average "
        f"{m['load_average']:.1f} at start (shared with other engineers' jobs: figures are noisy), DuckDB "
        f"{m['duckdb']}, Python {m['python']}; memory limit {result['memory_limit']}"
        f"{' (given)' if result['limit_given'] else ' (default: a quarter of the RAM, at most 3 GB)'}.  ",
        f"Inputs: {ev['pixel']:,} Pixel + {ev['capi']:,} CAPI events "
        f"({man['generated_a_side']:,} a side generated, {man['copies']} time-shifted copies); "
        f"Parquet {man['bytes']['parquet'] / 1e6:,.0f} MB, "
        f"JSONL {man['bytes'].get('jsonl', 0) / 1e6:,.0f} MB.",
        "",
        "| step | wall s | CPU s | peak RSS | peak disk | events/s | exit |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in steps:
        rate = f"{s.events_per_s:,.0f}" if s.events_per_s and s.ok else ""  # a failed step handled none
        disk = gib(s.peak_disk_bytes) if s.peak_disk_bytes else ""
        lines.append(f"| {s.step} | {s.wall_s:,.1f} | {s.cpu_s:,.1f} | {gib(s.peak_rss_bytes)} | {disk} | "
                     f"{rate} | {s.returncode} |")
    r = ratios(steps)
    lines.append("")
    if failed := [f"{s.step} (exit {s.returncode})" for s in steps if not s.ok]:
        lines.append(f"- **FAILED: {', '.join(failed)}**: their rows measure nothing (the step logs are "
                     "in the work folder's logs/)")
    if "ours_over_limit" in r:
        wall, cpu = r["ours_over_limit"]
        verdict = "met" if wall <= TARGETS["ours_over_limit"] else "missed"
        lines.append(f"- ours (load Parquet + audit) / bare join: **{wall:.0f}x** wall, {cpu:.0f}x CPU "
                     f"(target {TARGETS['ours_over_limit']}x: {verdict})")
    by = {s.step: s for s in steps if s.ok}
    jsonl = by.get(LOAD_JSONL)
    if jsonl:
        verdict = "met" if jsonl.events_per_s >= TARGETS["jsonl_events_per_s"] else (
            f"missed by {TARGETS['jsonl_events_per_s'] / jsonl.events_per_s:.1f}x")
        lines.append(f"- JSONL load: **{jsonl.events_per_s:,.0f} events/s** "
                     f"(target {TARGETS['jsonl_events_per_s']:,}: {verdict})")
    if bare_jsonl := by.get(BARE_JSONL):
        share = TARGETS["jsonl_events_per_s"] / bare_jsonl.events_per_s
        lines.append(f"- bare DuckDB JSONL read (the limit for the JSONL load): "
                     f"{bare_jsonl.events_per_s:,.0f} events/s; the target is {share:.0%} of it")
    if "jsonl_over_limit" in r:
        lines.append(f"- ours JSONL load / bare JSONL read: {r['jsonl_over_limit'][0]:.2f}x wall, "
                     f"{r['jsonl_over_limit'][1]:.2f}x CPU")
    peak = max((s.peak_rss_bytes for s in steps if s.step.endswith("(ours)")), default=0)
    if peak:
        lines.append(f"- peak RSS of our steps: **{gib(peak)}** (target < 4 GiB at 10 M a side)")
    for key, label in (("pandas_over_ours", "pandas / ours"), ("pandas_over_limit", "pandas / bare join")):
        if key in r:
            lines.append(f"- {label}: {r[key][0]:.2f}x wall, {r[key][1]:.2f}x CPU")
    lines.append(f"- checks: loaded from Parquet {checks['parquet_loaded']}, "
                 f"from JSONL {checks['jsonl_loaded']} (bare JSONL read {checks['bare_jsonl_events']}"
                 f"{same_events(checks)}); "
                 f"pairs within 48 h: bare join {checks['bare_pairs']}, pandas {checks['pandas_pairs']}; "
                 f"audit: {checks['audit_deduplicated_pairs']} deduplicated pairs")
    lines.append(f"- preparation (not timed above): {man['prepare']}")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, required=True, help="events a side (Pixel and CAPI each)")
    parser.add_argument("--memory-limit", default=None,
                        help="DuckDB memory limit for our steps and the bare join")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="inputs and databases (reused when present)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--pandas", choices=["auto", "yes", "no"], default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the audit databases")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated steps to run, of: {', '.join(STEPS)} (audit needs "
                        "load_parquet in this run or a database kept with --keep)")
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to results.md")
    args = parser.parse_args()
    args.steps = [x.strip() for x in args.steps.split(",") if x.strip()]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    publish(report(run(args), command), record=not args.no_record)


if __name__ == "__main__":
    main()
