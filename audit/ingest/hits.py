"""Pixel hits (/tr query or form parameters) -> staging rows; shared by the /tr-URL and HAR adapters."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pyarrow as pa

USER_LIST = ("em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id")
OLD_USER_NAMES = {"cn": "ct", "city": "ct", "state": "st", "zip": "zp"}
SIMPLE = {"id": "dataset_id", "ev": "event_name", "eid": "event_id", "ts": "event_time_raw",
          "dl": "event_source_url", "rl": "referrer_url", "fbp": "fbp", "fbc": "fbc"}
_BRACKET = re.compile(r"(ud|udff|cd)\[(.*)\]")
PIXEL_PATHS = ("/tr", "/tr/")

_STAGE_TYPES = {
    "source_line": pa.int32(), "source_index": pa.int32(), "other_user_data": pa.string(),
    "custom_data": pa.string(), **{f: pa.list_(pa.string()) for f in (*USER_LIST, "content_ids")},
}
_QUARANTINE = ("source_line", "source_index", "field", "reason", "raw_text")


def is_pixel_url(url: str) -> bool:
    """A request to Meta's Pixel endpoint (facebook.com /tr); not /privacy_sandbox/... or other paths."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    facebook = host == "facebook.com" or host.endswith(".facebook.com")
    return facebook and parts.path in PIXEL_PATHS


def form_pairs(text: str) -> list[tuple[str, str]]:
    """Decoded key/value pairs of a query string or form body, blank values kept, access_token dropped."""
    return [(k, v) for k, v in parse_qsl(text, keep_blank_values=True) if k.lower() != "access_token"]


def _json_value(raw: str):
    """A cd[...] value: JSON where it parses (arrays, objects, numbers), else the text."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return raw


def hit_row(pairs: list[tuple[str, str]], line: int, index: int = 0, **extra: str | None) -> dict:
    """One Pixel hit as a staging row (values as sent; later keys win over earlier ones)."""
    row: dict = {"source_line": line, "source_index": index, "channel": "pixel"}
    user: dict[str, str] = {}
    auto: dict[str, str] = {}
    custom: dict = {}
    custom_raw: dict[str, str] = {}
    for key, value in pairs:
        if key in SIMPLE:
            row[SIMPLE[key]] = value
            continue
        m = _BRACKET.fullmatch(key)
        if not m:
            continue
        group, name = m.groups()
        if group == "cd":
            custom[name] = _json_value(value)
            custom_raw[name] = value
        else:
            name = OLD_USER_NAMES.get(name, name)
            (user if group == "ud" else auto)[name] = value
    merged = {**auto, **user}
    other = {}
    for name, value in merged.items():
        if name in USER_LIST:
            row[name] = [value]
        elif name in ("client_ip_address", "client_user_agent", "fbp", "fbc"):
            row.setdefault(name, value)
        else:
            other[name] = value
    if other:
        row["other_user_data"] = json.dumps(other)
    if custom:
        row["custom_data"] = json.dumps(custom)
        row["value_raw"] = custom_raw.get("value")
        row["currency"] = custom_raw.get("currency")
        row["order_id"] = custom_raw.get("order_id")
        if "content_ids" in custom:
            ids = custom["content_ids"]
            listed = isinstance(ids, list)
            row["content_ids"] = [str(i) for i in ids] if listed else [custom_raw["content_ids"]]
    for name, value in extra.items():
        if value is not None:
            row[name] = value
    return row


def write_stage(con, rows: list[dict], quarantined: list[tuple]) -> None:
    """Append staging rows and quarantined records to the loader's temp tables."""
    if rows:
        names = sorted({k for r in rows for k in r})
        table = pa.table(
            {n: pa.array([r.get(n) for r in rows], type=_STAGE_TYPES.get(n, pa.string())) for n in names}
        )
        con.register("hit_rows", table)
        con.execute(f"insert into ingest_stage by name select {', '.join(names)} from hit_rows")
        con.unregister("hit_rows")
    if quarantined:
        columns = list(zip(*quarantined, strict=True))
        types = (pa.int32(), pa.int32(), pa.string(), pa.string(), pa.string())
        table = pa.table(
            {n: pa.array(c, type=t) for n, c, t in zip(_QUARANTINE, columns, types, strict=True)}
        )
        con.register("hit_quarantine", table)
        names = ", ".join(_QUARANTINE)
        con.execute(f"insert into ingest_quarantine by name select {names} from hit_quarantine")
        con.unregister("hit_quarantine")
