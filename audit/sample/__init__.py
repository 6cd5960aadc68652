"""Seeded synthetic Pixel + Conversions API logs with planted faults and their ground truth.

    truth = generate("sample_data", events=4000, seed=42)

Writes capi_requests.jsonl, pixel_events.jsonl, pixel.har, pixel_tr.txt and ground_truth.json.
The same seed always gives the same bytes; everything is column-wise (numpy/polars), no loop per event.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from audit.sample import dedup_faults, event_faults, param_faults
from audit.sample.batching import assign_requests
from audit.sample.capi_writer import write_capi
from audit.sample.funnel import clean_traffic
from audit.sample.har_writer import write_har
from audit.sample.pixel_writer import with_tr_params, write_jsonl, write_tr
from audit.sample.plan import Ctx
from audit.sample.profiles import SITES
from audit.sample.truth import build_truth, dumps

DEFAULT_END = date(2026, 11, 22)
TRUTH_FILE = "ground_truth.json"
FILES = ("capi_requests.jsonl", "pixel_events.jsonl", "pixel.har", "pixel_tr.txt", TRUTH_FILE)
ALL_FAULTS = dedup_faults.FAULTS + param_faults.FAULTS + event_faults.FAULTS


def period(days: int, end: date) -> tuple[int, int]:
    """[start, end) in epoch ms: `days` whole UTC days ending with `end` (inclusive)."""
    stop = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    start = stop - timedelta(days=days)
    return int(start.timestamp() * 1000), int(stop.timestamp() * 1000)


def generate(out_dir: str | Path, events: int = 4000, seed: int = 42, days: int = 14,
             end: date = DEFAULT_END) -> dict:
    """Write the sample logs into out_dir and return the ground truth (also written as ground_truth.json)."""
    if events < 1 or days < 1:
        raise ValueError("events and days must be positive")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start_ms, end_ms = period(days, end)
    users, clean = clean_traffic(rng, events, start_ms, end_ms)
    ctx = Ctx(clean, users, rng, end_ms)
    base = clean["conv"].n_unique()
    for fault in ALL_FAULTS:
        hosts = ctx.hosts(fault, base)
        if len(hosts):
            fault.plant(ctx, hosts)
    ev = ctx.ev.filter(~pl.col("dropped"))

    capi = assign_requests(ev.filter(pl.col("channel") == "capi"), rng)
    capi_refs, quarantine = write_capi(out, capi, rng)
    pixel = with_tr_params(ev.filter(pl.col("channel") == "pixel"), rng)
    pixel_refs = [
        write_jsonl(out, pixel.filter(pl.col("pixel_file") == "jsonl")),
        write_tr(out, pixel.filter(pl.col("pixel_file") == "tr")),
        write_har(out, pixel.filter(pl.col("pixel_file") == "har"), rng),
    ]
    cols = ["row", "file", "line", "index"]
    refs = pl.concat([r.select(cols).cast({"line": pl.Int64, "index": pl.Int64})
                      for r in [capi_refs, *pixel_refs]])
    refs = refs.join(ev.select("row", "channel"), on="row", how="left").sort("file", "line", "index")
    meta = {
        "generator": "capi-audit sample",
        "seed": seed,
        "events_requested": events,
        "days": days,
        "start": datetime.fromtimestamp(start_ms / 1000, UTC).isoformat().replace("+00:00", "Z"),
        "end": datetime.fromtimestamp(end_ms / 1000, UTC).isoformat().replace("+00:00", "Z"),
        "datasets": {s.dataset: s.base for s in SITES},
        "conversions_before_faults": base,
    }
    truth, texts = build_truth(meta, ev, ctx.all_marks(), refs, ctx.planted, quarantine)
    (out / TRUTH_FILE).write_text(dumps(truth, texts), encoding="utf-8")
    return truth
