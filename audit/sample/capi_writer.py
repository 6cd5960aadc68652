"""capi_requests.jsonl: one logged Graph API request per line (request body, Meta's response)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from audit.sample import ids
from audit.sample.encode import as_list, iso, json_of, write_lines
from audit.sample.profiles import ACCESS_TOKENS, ERRORS, GRAPH_VERSION, SITES

FILE = "capi_requests.jsonl"
# Lines a log collector wrote that are not requests (planted so the loader's quarantine is exercised).
JUNK = (
    ('{"sent_at": "2026-11-12T09:14:03.512Z", "path": "/v21.0/1234567890123456/events", "request": '
     '{"data": [{"event_name": "Purchase", "event_time": 17629', "truncated JSON (the log line was cut)"),
    ("<html><body><h1>502 Bad Gateway</h1></body></html>", "not JSON (a proxy error page was logged)"),
)


def event_json() -> pl.Expr:
    """One server event as Meta's Conversions API expects it (meta_rules §2, §3)."""
    user_data = pl.struct(
        em=as_list("em"), ph=as_list("ph"), fn=as_list("fn"), ln=as_list("ln"), ge=as_list("ge"),
        db=as_list("db"), ct=as_list("ct"), st=as_list("st"), zp=as_list("zp"), country=as_list("country"),
        external_id=as_list("external_id"), client_ip_address=pl.col("ip"), client_user_agent=pl.col("ua"),
        fbc=pl.col("fbc"), fbp=pl.col("fbp"),
    )
    has_custom = pl.any_horizontal(pl.col("value", "currency", "content_id", "order_id").is_not_null())
    custom_data = pl.when(has_custom).then(pl.struct(
        value=pl.col("value"), currency=pl.col("currency"), content_ids=as_list("content_id"),
        content_type=pl.when(pl.col("content_id").is_not_null()).then(pl.lit("product")),
        order_id=pl.col("order_id"),
    ))
    return json_of(
        event_name=pl.col("event_name"), event_time=pl.col("event_time_out"), event_id=pl.col("event_id"),
        event_source_url=pl.col("url"), action_source=pl.col("action_source"), user_data=user_data,
        custom_data=custom_data,
    )


def _responses(requests: pl.DataFrame, rng: np.random.Generator) -> pl.Series:
    """Meta's logged answer per request: success (maybe short) or one of the error bodies."""
    trace = pl.Series(ids.rand_token(rng, len(requests), 27, "alnum"))
    ok = pl.concat_str(
        pl.lit('{"events_received":'),
        (pl.col("n") - (pl.col("resp") == "short").fill_null(False).cast(pl.Int64)).cast(pl.String),
        pl.lit(',"messages":[],"fbtrace_id":"'), pl.col("trace"), pl.lit('"}'),
    )
    out = ok
    for kind, body in ERRORS.items():
        head = json.dumps({"error": body}, separators=(",", ":"))[:-2]
        text = pl.concat_str(pl.lit(head + ',"fbtrace_id":"'), pl.col("trace"), pl.lit('"}}'))
        out = pl.when(pl.col("resp") == kind).then(text).otherwise(out)
    return requests.with_columns(trace=trace).select(out.alias("response"))["response"]


def write_capi(
    out_dir: Path, capi: pl.DataFrame, rng: np.random.Generator
) -> tuple[pl.DataFrame, list[dict]]:
    """Write the request log; return each server event's (row, file, line, index) and the junk lines."""
    capi = capi.with_columns(event=event_json())
    requests = (
        capi.group_by("request_seq")
        .agg(
            data=pl.col("event").str.join(","),
            n=pl.len(),
            dataset=pl.col("dataset").first(),
            test_code=pl.col("test_code").first(),
            resp=pl.col("resp").drop_nulls().first(),
            request_ms=pl.col("request_ms").first(),
            as_string=pl.col("data_as_string").first(),
        )
        .sort("request_seq")
    )
    requests = requests.with_columns(response=_responses(requests, rng))
    array = pl.concat_str(pl.lit("["), pl.col("data"), pl.lit("]"))
    quoted = pl.struct(d=array).struct.json_encode().str.strip_prefix('{"d":').str.strip_suffix("}")
    agents = {s.dataset: s.partner_agent for s in SITES if s.partner_agent}
    extras = pl.concat_str(
        pl.when(pl.col("test_code").is_not_null())
        .then(pl.concat_str(pl.lit(',"test_event_code":"'), pl.col("test_code"), pl.lit('"')))
        .otherwise(pl.lit("")),
        pl.col("dataset").replace_strict(
            {k: f',"partner_agent":"{v}"' for k, v in agents.items()}, default="", return_dtype=pl.String),
        pl.lit(',"access_token":"'),
        pl.col("dataset").replace_strict(ACCESS_TOKENS, return_dtype=pl.String),
        pl.lit('"'),
    )
    line = pl.concat_str(
        pl.lit('{"sent_at":"'), iso(pl.col("request_ms")), pl.lit(f'","path":"/{GRAPH_VERSION}/'),
        pl.col("dataset"), pl.lit('/events","request":{"data":'),
        pl.when(pl.col("as_string")).then(quoted).otherwise(array), extras, pl.lit('},"response":'),
        pl.col("response"), pl.lit("}"),
    )
    lines = requests.select(line.alias("line"))["line"]
    n = len(lines)
    slots = [n // 3, (2 * n) // 3]          # junk goes after these many requests
    seq_to_line = np.arange(n) + 1 + np.searchsorted(np.array(slots), np.arange(n), side="right")
    text = lines.to_list()
    for k, (junk, _reason) in reversed(list(enumerate(JUNK))):
        text.insert(slots[k], junk)
    write_lines(out_dir / FILE, pl.Series(text, dtype=pl.String))
    refs = capi.select("row", "request_seq", "index").with_columns(
        line=pl.Series(seq_to_line[capi["request_seq"].to_numpy()], dtype=pl.Int64)
    )
    junk_refs = [{"file": FILE, "line": int(slots[k] + k + 1), "reason": reason}
                 for k, (_j, reason) in enumerate(JUNK)]
    return refs.select("row", "line", "index").with_columns(file=pl.lit(FILE)), junk_refs
