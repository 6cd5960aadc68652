"""What the audit is compared with, each run in its own process by benchmarks/run.py.

    python benchmarks/baselines.py duckdb --pixel DIR --capi DIR [--memory-limit 4GB]
    python benchmarks/baselines.py pandas --pixel DIR --capi DIR

duckdb: the limit, bare DuckDB loading the join columns into tables and doing the keyed 48 h join.
pandas: what an analyst would write in a notebook: read, drop null/empty ids, merge on the keys,
filter on time, count. Both print {"pairs": N} on stdout; they must agree.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
JOIN_COLUMNS = ["dataset_id", "event_name", "event_id", "sent_at", "event_ts"]
WINDOW_HOURS = 48


def _parquet_list(folder: Path) -> str:
    files = sorted(str(f) for f in folder.glob("*.parquet"))
    if not files:
        raise SystemExit(f"{folder}: no Parquet files")
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


def bare_duckdb(pixel: Path, capi: Path, memory_limit: str | None) -> int:
    """Pairs found by the bare keyed join in an on-disk DuckDB file (it may spill under the limit)."""
    import duckdb

    text = (HERE / "sql" / "bare_join.sql").read_text(encoding="utf-8")
    text = text.replace("{pixel}", _parquet_list(pixel)).replace("{capi}", _parquet_list(capi))
    *setup, final = [s.strip() for s in text.split(";") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="bare-join-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        for statement in setup:
            con.execute(statement)
        pairs = con.execute(final).fetchall()[0][0]
        con.close()
    return int(pairs)


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
    """Command line: run one baseline and print its pair count as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=["duckdb", "pandas"])
    parser.add_argument("--pixel", type=Path, required=True)
    parser.add_argument("--capi", type=Path, required=True)
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args()
    if args.engine == "duckdb":
        pairs = bare_duckdb(args.pixel, args.capi, args.memory_limit)
    else:
        pairs = notebook_pandas(args.pixel, args.capi)
    print(json.dumps({"pairs": pairs}))


if __name__ == "__main__":
    main()
