"""What the audit is compared with, each run in its own process by benchmarks/run.py.

    python benchmarks/baselines.py duckdb --pixel DIR --capi DIR [--memory-limit 4GB]
    python benchmarks/baselines.py pandas --pixel DIR --capi DIR
    python benchmarks/baselines.py duckdb-jsonl --pixel DIR --capi DIR [--memory-limit 4GB]

duckdb: the limit, bare DuckDB loading the join columns into tables and doing the keyed 48 h join.
pandas: what an analyst would write in a notebook: read, drop null/empty ids, merge on the keys,
filter on time, count. Both print {"pairs": N} on stdout; they must agree.
duckdb-jsonl: the limit for the JSONL load, bare DuckDB reading the JSONL files with their schema given
into tables, one row per event; prints {"events": N}, which must equal the events our load stored.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
JOIN_COLUMNS = ["dataset_id", "event_name", "event_id", "sent_at", "event_ts"]
WINDOW_HOURS = 48


def _file_list(folder: Path, suffix: str) -> str:
    files = sorted(str(f) for f in folder.glob(f"*.{suffix}"))
    if not files:
        raise SystemExit(f"{folder}: no .{suffix} files")
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


def bare_script(name: str, pixel: Path, capi: Path, suffix: str, memory_limit: str | None,
                db: Path | None = None) -> int:
    """Run benchmarks/sql/NAME in an on-disk DuckDB file (a temporary one unless `db` is given; it may
    spill under the limit) and return its last statement's single number."""
    import duckdb

    text = (HERE / "sql" / name).read_text(encoding="utf-8")
    text = text.replace("{pixel}", _file_list(pixel, suffix)).replace("{capi}", _file_list(capi, suffix))
    with tempfile.TemporaryDirectory(prefix="bare-") as tmp:
        con = duckdb.connect(str(db or Path(tmp) / "bare.duckdb"))
        try:
            if memory_limit:
                con.execute(f"set memory_limit = '{memory_limit}'")
            *setup, final = [s.query for s in con.extract_statements(text)]
            for statement in setup:
                con.execute(statement)
            return int(con.execute(final).fetchall()[0][0])
        finally:
            con.close()


def bare_duckdb(pixel: Path, capi: Path, memory_limit: str | None) -> int:
    """Pairs found by the bare keyed 48 h join of the two Parquet folders."""
    return bare_script("bare_join.sql", pixel, capi, "parquet", memory_limit)


def bare_jsonl(pixel: Path, capi: Path, memory_limit: str | None, db: Path | None = None) -> int:
    """Events stored by the bare typed read of the two JSONL folders."""
    return bare_script("bare_jsonl.sql", pixel, capi, "jsonl", memory_limit, db)


def notebook_pandas(pixel: Path, capi: Path) -> int:
    """Pairs found the way a pandas notebook would (null and empty ids dropped first)."""
    import pandas as pd

    def read(folder: Path) -> pd.DataFrame:
        frame = pd.concat(
            [pd.read_parquet(f, columns=JOIN_COLUMNS) for f in sorted(folder.glob("*.parquet"))],
            ignore_index=True,
        )
        frame["received"] = frame["sent_at"].fillna(frame["event_ts"])
        frame = frame.dropna(subset=["event_id"])
        return frame[frame["event_id"] != ""][["dataset_id", "event_name", "event_id", "received"]]

    browser, server = read(pixel), read(capi)
    merged = browser.merge(server, on=["dataset_id", "event_name", "event_id"], suffixes=("_pixel", "_capi"))
    gap = (merged["received_capi"] - merged["received_pixel"]).abs()
    return int((gap <= pd.Timedelta(hours=WINDOW_HOURS)).sum())


def main() -> None:
    """Command line: run one baseline and print its count as JSON ({"pairs": N} or {"events": N})."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=["duckdb", "pandas", "duckdb-jsonl"],
                        help="duckdb: the bare keyed join; pandas: the notebook join; duckdb-jsonl: the bare "
                        "JSONL read")
    parser.add_argument("--pixel", type=Path, required=True, help="folder of the Pixel files")
    parser.add_argument("--capi", type=Path, required=True, help="folder of the CAPI files")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit (duckdb engines)")
    args = parser.parse_args()
    if args.engine == "duckdb":
        print(json.dumps({"pairs": bare_duckdb(args.pixel, args.capi, args.memory_limit)}))
    elif args.engine == "duckdb-jsonl":
        print(json.dumps({"events": bare_jsonl(args.pixel, args.capi, args.memory_limit)}))
    else:
        print(json.dumps({"pairs": notebook_pandas(args.pixel, args.capi)}))


if __name__ == "__main__":
    main()
