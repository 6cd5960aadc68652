"""Pixel logs: pixel_events.jsonl (flat events) and pixel_tr.txt (raw /tr URLs); the HAR is in har_writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from audit.sample.encode import iso, json_of, pct, write_lines

JSONL_FILE = "pixel_events.jsonl"
TR_FILE = "pixel_tr.txt"
TR_ENDPOINT = "https://www.facebook.com/tr/"
FBEVENTS_VERSION = "2.9.240"
USER_DATA_KEYS = ("em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id")


def flat_json() -> pl.Expr:
    """A Pixel event as a flat JSON object: canonical names, user_data.* and custom_data.* dotted keys."""
    fields = {
        "channel": pl.col("channel"), "dataset_id": pl.col("dataset"), "event_name": pl.col("event_name"),
        "event_id": pl.col("event_id"), "event_time": pl.col("event_time_out"),
        "sent_at": iso(pl.col("send_ms")),
        "event_source_url": pl.col("url"), "referrer_url": pl.col("ref"), "fbp": pl.col("fbp"),
        "fbc": pl.col("fbc"), "client_ip_address": pl.col("ip"), "client_user_agent": pl.col("ua"),
    }
    fields |= {f"user_data.{k}": pl.col(k) for k in USER_DATA_KEYS}
    fields |= {
        "custom_data.value": pl.col("value"), "custom_data.currency": pl.col("currency"),
        "custom_data.content_ids": pl.when(pl.col("content_id").is_not_null()).then(
            pl.concat_list(pl.col("content_id"))),
        "custom_data.content_type": pl.when(pl.col("content_id").is_not_null()).then(pl.lit("product")),
        "custom_data.order_id": pl.col("order_id"),
    }
    return json_of(**fields)


def param_values() -> list[tuple[str, pl.Expr, bool]]:
    """The /tr parameters fbevents.js sends, in order: (name, value or null, value needs encoding)."""
    ids_json = pl.concat_str(pl.lit('["'), pl.col("content_id"), pl.lit('"]'))
    return [
        ("id", pl.col("dataset"), False), ("ev", pl.col("event_name"), True), ("dl", pl.col("url"), True),
        ("rl", pl.col("ref"), True), ("if", pl.lit("false"), False),
        ("ts", pl.col("event_time_out").cast(pl.String), False),
        ("cd[value]", pl.col("value").cast(pl.String), False), ("cd[currency]", pl.col("currency"), True),
        ("cd[content_ids]", ids_json, True),
        ("cd[content_type]", pl.when(pl.col("content_id").is_not_null()).then(pl.lit("product")), False),
        ("cd[order_id]", pl.col("order_id"), True), ("sw", pl.col("sw"), False), ("sh", pl.col("sh"), False),
        *((f"ud[{k}]", pl.col(k), True) for k in USER_DATA_KEYS),
        ("v", pl.lit(FBEVENTS_VERSION), False), ("r", pl.lit("stable"), False), ("ec", pl.col("ec"), False),
        ("o", pl.lit("4126"), False), ("fbp", pl.col("fbp"), True), ("fbc", pl.col("fbc"), True),
        ("eid", pl.col("event_id"), True),
        ("it", (pl.col("event_time_out") - pl.col("init_lag")).cast(pl.String), False),
        ("coo", pl.lit("false"), False), ("rqm", pl.col("method"), False),
    ]


def query_string(encode_keys: pl.Expr | bool) -> pl.Expr:
    """name=value&... with values percent-encoded; keys too when encode_keys is true."""
    pieces = []
    for name, value, needs in param_values():
        key = pl.lit("&" + name)
        if "[" in name:
            encoded = pl.lit("&" + _pct_text(name))
            if isinstance(encode_keys, bool):
                key = encoded if encode_keys else key
            else:
                key = pl.when(encode_keys).then(encoded).otherwise(key)
        text = pct(value) if needs else value
        piece = pl.concat_str(key, pl.lit("="), text)
        pieces.append(pl.when(value.is_not_null()).then(piece).otherwise(pl.lit("")))
    return pl.concat_str(pieces).str.strip_prefix("&")


def _pct_text(text: str) -> str:
    """Percent-encode a constant (a parameter name)."""
    return pl.select(pct(pl.lit(text))).item()


def with_tr_params(pixel: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Add the per-hit extras: screen size, event counter, init time, method, key encoding."""
    n = len(pixel)
    post = (rng.random(n) < 0.3) & (pixel["pixel_file"] == "har").to_numpy()
    mobile = pixel["ua"].str.contains("Mobile|Android|iPhone").fill_null(False).to_numpy()
    return pixel.with_columns(
        sw=pl.Series(np.where(mobile, "390", "1920")), sh=pl.Series(np.where(mobile, "844", "1080")),
        ec=pl.Series(rng.integers(0, 6, n)).cast(pl.String),
        init_lag=pl.Series(rng.integers(200, 3_000, n)),
        method=pl.Series(np.where(post, "POST", "GET")),
        encoded_keys=pl.Series(rng.random(n) < 0.5),
    )


def write_jsonl(out_dir: Path, pixel: pl.DataFrame) -> pl.DataFrame:
    """pixel_events.jsonl in send order; return (row, file, line, index)."""
    rows = pixel.sort("send_ms", "row")
    write_lines(out_dir / JSONL_FILE, rows.select(flat_json().alias("j"))["j"])
    return rows.select("row", line=pl.int_range(1, pl.len() + 1), index=pl.lit(0), file=pl.lit(JSONL_FILE))


def write_tr(out_dir: Path, pixel: pl.DataFrame) -> pl.DataFrame:
    """pixel_tr.txt: one /tr URL per line (half with percent-encoded keys); return refs."""
    rows = pixel.sort("send_ms", "row")
    url = pl.concat_str(pl.lit(TR_ENDPOINT + "?"), query_string(pl.col("encoded_keys")))
    write_lines(out_dir / TR_FILE, rows.select(url.alias("u"))["u"])
    return rows.select("row", line=pl.int_range(1, pl.len() + 1), index=pl.lit(0), file=pl.lit(TR_FILE))
