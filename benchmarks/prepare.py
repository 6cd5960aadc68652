"""Benchmark inputs: about N events a side from the sample generator, as Parquet and as JSONL files.

The generator (audit.sample.generate) writes a 14-day sample with every planted fault; it needs about
6 GB and several minutes per million events, so it runs once for at most BASE_EVENTS_A_SIDE events a
side. Our own loader turns that sample into canonical rows (prep.duckdb); larger sizes are made of
copies of those rows, each moved COPY_SHIFT_DAYS further back in time with its event, order and request
ids prefixed, so copies never pair with each other (benchmarks/sql/copy_events.sql). Each copy is
written as one file per channel and format:

    parquet/pixel/part-K.parquet   parquet/capi/part-K.parquet      flat canonical columns
    jsonl/pixel/part-K.jsonl       flat JSONL, canonical column names (like pixel_events.jsonl)
    jsonl/capi/part-K.jsonl        Graph API request log envelopes (like capi_requests.jsonl)

Run by benchmarks/run.py; `python benchmarks/prepare.py --events N --out DIR` works on its own.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SQL = HERE / "sql"
BASE_EVENTS_A_SIDE = 500_000
COPY_SHIFT_DAYS = 16          # the sample spans 14 days: 2 more keep copies out of each other's 48 h window
MANIFEST = "manifest.json"
RAW_LINES = "format csv, header false, quote '', escape '', delimiter '\x1f'"  # one text column, as is
NULL_KEY = "',\"[A-Za-z_]+\":null'"  # a browser log leaves absent fields out rather than writing null
GENERATED_FILES = {
    "capi": ["capi_requests.jsonl"],
    "pixel": ["pixel_events.jsonl", "pixel.har", "pixel_tr.txt"],
}


def sql(name: str) -> str:
    """A benchmark SQL file."""
    return (SQL / name).read_text(encoding="utf-8")


def plan(events_a_side: int, base_max: int = BASE_EVENTS_A_SIDE) -> tuple[int, int]:
    """(events a side the generator makes, number of copies) for about `events_a_side` events a side."""
    base = max(1, min(events_a_side, base_max))
    return base, max(1, math.ceil(events_a_side / base))


def generate_sample(gen_dir: Path, events_a_side: int, seed: int) -> float:
    """Run the sample generator in its own process (its memory is returned when it ends); seconds taken."""
    if (gen_dir / "ground_truth.json").exists():
        return 0.0
    start = time.perf_counter()
    code = (
        "import sys; from audit.sample import generate; "
        "generate(sys.argv[1], events=int(sys.argv[2]), seed=int(sys.argv[3]))"
    )
    subprocess.run([sys.executable, "-c", code, str(gen_dir), str(2 * events_a_side), str(seed)], check=True)
    return time.perf_counter() - start


def canonical_store(gen_dir: Path, db: Path, memory_limit: str | None) -> float:
    """Load the generated sample with our loader into `db` (once); seconds taken."""
    if db.exists():
        return 0.0
    from audit.db import connect
    from audit.ingest import load_files

    start = time.perf_counter()
    tmp = db.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    con = connect(tmp, memory_limit=memory_limit)
    try:
        for channel, names in GENERATED_FILES.items():
            paths = [gen_dir / n for n in names if (gen_dir / n).exists()]
            load_files(con, paths, channel)
    finally:
        con.close()
    tmp.rename(db)
    return time.perf_counter() - start


def _copy_to(con, query: str, target: Path, options: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({query}) to '{target}' ({options})")


def _without_nulls(lines_query: str) -> str:
    """The query's `line` column with `,"key":null` members left out."""
    return f"select regexp_replace(line, {NULL_KEY}, '', 'g') as line from ({lines_query})"


def write_copies(db: Path, out: Path, copies: int, memory_limit: str | None, jsonl_files: bool = True
                 ) -> dict[str, int]:
    """Write every copy as Parquet (and JSONL), one file per channel and copy; return events per channel."""
    from audit.db import connect

    con = connect(db, read_only=True, memory_limit=memory_limit)
    try:
        con.execute(sql("copy_events.sql"))
        flat = sql("flat_rows.sql")
        iso_sent = "strftime(sent_at, '%Y-%m-%dT%H:%M:%S.%gZ') as sent_at"
        rows = f"select * exclude (event_ts, sent_at), {iso_sent} from ({flat})"
        jsonl = _without_nulls(f"select cast(to_json(r) as varchar) as line from ({rows}) as r")
        requests = _without_nulls(sql("capi_requests.sql"))
        for k in range(copies):
            con.execute(f"set variable bench_copy = {k}")
            con.execute(f"set variable bench_shift_s = {-k * COPY_SHIFT_DAYS * 86400}")
            name = f"part-{k:04d}"
            for channel in ("pixel", "capi"):
                con.execute(f"set variable bench_channel = '{channel}'")
                _copy_to(con, flat, out / "parquet" / channel / f"{name}.parquet",
                         "format parquet, compression zstd")
            if not jsonl_files:
                continue
            con.execute("set variable bench_channel = 'pixel'")
            _copy_to(con, jsonl, out / "jsonl" / "pixel" / f"{name}.jsonl", RAW_LINES)
            _copy_to(con, requests, out / "jsonl" / "capi" / f"{name}.jsonl", RAW_LINES)
        counts = dict(con.execute(
            "select channel, count(*) from events group by channel"
        ).fetchall())
    finally:
        con.close()
    return {ch: int(counts.get(ch, 0)) * copies for ch in ("pixel", "capi")}


def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def files_intact(out: Path, manifest: dict) -> bool:
    """True when every format the manifest lists is still in `out`, with the bytes it recorded."""
    return all((out / fmt).is_dir() and _folder_bytes(out / fmt) == size
               for fmt, size in manifest.get("bytes", {}).items())


def prepare(out: Path, events_a_side: int, seed: int = 42, memory_limit: str | None = None,
            base_max: int = BASE_EVENTS_A_SIDE, jsonl: bool = True) -> dict:
    """Make (or reuse) the inputs for `events_a_side` events a side in `out`; return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if files_intact(out, manifest):
            return manifest
        # files deleted or changed since (a folder removed to free disk): made again, not measured missing
        print(f"{out}: the input files differ from {MANIFEST}; writing them again", file=sys.stderr)
    base, copies = plan(events_a_side, base_max)
    gen_dir = out / "generated"
    timings = {"generate_s": generate_sample(gen_dir, base, seed)}
    timings["canonical_load_s"] = canonical_store(gen_dir, out / "prep.duckdb", memory_limit)
    start = time.perf_counter()
    events = write_copies(out / "prep.duckdb", out, copies, memory_limit, jsonl)
    timings["write_files_s"] = time.perf_counter() - start
    sizes = {fmt: _folder_bytes(out / fmt) for fmt in ("parquet", "jsonl") if (out / fmt).exists()}
    manifest = {
        "events_a_side_requested": events_a_side, "seed": seed, "generated_a_side": base, "copies": copies,
        "events": events, "jsonl": jsonl, "bytes": sizes,
        "prepare": {k: round(v, 1) for k, v in timings.items()},
    }
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    """Command line: prepare inputs without running the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, required=True, help="events a side")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory-limit", default=os.environ.get("CAPI_AUDIT_MEMORY_LIMIT"))
    parser.add_argument("--no-jsonl", action="store_true", help="write Parquet only")
    args = parser.parse_args()
    manifest = prepare(args.out, args.events, args.seed, args.memory_limit, jsonl=not args.no_jsonl)
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
