"""pixel.har: browser captures of Pixel /tr hits (GET and POST) among page, CSS and analytics requests.

Entries are assembled from JSON text templates column-wise; every value placed in them is a URL,
a user agent or a query value, which hold no quote or backslash except the JSON-encoded content_ids.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from audit.sample.encode import iso, write_lines
from audit.sample.pixel_writer import TR_ENDPOINT, param_values, query_string

FILE = "pixel.har"
# Requests a page makes besides the Pixel hit: (kind, mime type, size); none of them is a Pixel event.
NOISE = (
    ("page", "text/html; charset=utf-8", 48213),
    ("css", "text/css", 18344),
    ("ga4", "text/plain", 0),
    ("fbevents", "application/javascript", 231556),
    ("sandbox", "text/plain", 0),
)
TAIL = ',"cache":{},"timings":{"send":0.2,"wait":40.1,"receive":1.4}}'


def _json_text(expr: pl.Expr) -> pl.Expr:
    """Escape a value for a JSON string literal (backslash and quote)."""
    return expr.str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)


def _query_json() -> pl.Expr:
    """The HAR queryString array text: [{"name":..,"value":..}, ...] without null parameters."""
    pieces = [
        pl.when(v.is_not_null()).then(
            pl.concat_str(pl.lit(f',{{"name":"{k}","value":"'), _json_text(v), pl.lit('"}'))
        ).otherwise(pl.lit(""))
        for k, v, _enc in param_values()
    ]
    return pl.concat_str(pl.lit("["), pl.concat_str(pieces).str.strip_prefix(","), pl.lit("]"))


def _entry(started: pl.Expr, method: pl.Expr, url: pl.Expr, headers: pl.Expr, query: pl.Expr,
           post: pl.Expr, mime: pl.Expr, size: pl.Expr) -> pl.Expr:
    """One HAR 1.2 entry as JSON text (post: the `,"postData":{...}` member or '')."""
    return pl.concat_str(
        pl.lit('{"startedDateTime":"'), iso(started), pl.lit('","time":41.7,"request":{"method":"'), method,
        pl.lit('","url":"'), url, pl.lit('","httpVersion":"HTTP/2","headers":'), headers,
        pl.lit(',"queryString":'), query, pl.lit(',"cookies":[],"headersSize":-1,"bodySize":'),
        pl.col("body_size").cast(pl.String), post,
        pl.lit('},"response":{"status":200,"statusText":"","httpVersion":"HTTP/2","headers":[{"name":'
               '"content-type","value":"'), mime, pl.lit('"}],"cookies":[],"content":{"size":'),
        size.cast(pl.String), pl.lit(',"mimeType":"'), mime,
        pl.lit('"},"redirectURL":"","headersSize":-1,"bodySize":'), size.cast(pl.String), pl.lit("}"),
        pl.lit(TAIL),
    )


def _header(name: str, value: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit(f'{{"name":"{name}","value":"'), _json_text(value), pl.lit('"}'))


def _pixel_entries(pixel: pl.DataFrame) -> pl.DataFrame:
    post = pl.col("method") == "POST"
    body = query_string(True)
    frame = pixel.with_columns(body=body).with_columns(
        body_size=pl.when(post).then(pl.col("body").str.len_bytes()).otherwise(0)
    )
    entry = _entry(
        started=pl.col("send_ms"),
        method=pl.col("method"),
        url=pl.when(post).then(pl.lit(TR_ENDPOINT)).otherwise(pl.concat_str(pl.lit(TR_ENDPOINT + "?"),
                                                                             pl.col("body"))),
        headers=pl.concat_str(pl.lit("["), _header("User-Agent", pl.col("ua")), pl.lit(","),
                              _header("Referer", pl.col("url")), pl.lit("]")),
        query=pl.when(post).then(pl.lit("[]")).otherwise(_query_json()),
        post=pl.when(post).then(pl.concat_str(
            pl.lit(',"postData":{"mimeType":"application/x-www-form-urlencoded","text":"'), pl.col("body"),
            pl.lit('"}'))).otherwise(pl.lit("")),
        mime=pl.lit("image/gif"), size=pl.lit(44),
    )
    return frame.select("row", t=pl.col("send_ms"), order=pl.lit(1), entry=entry)


def _noise_entries(pixel: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    n = len(pixel)
    src = np.repeat(np.arange(n), rng.integers(0, 4, n))
    kind = rng.integers(0, len(NOISE), len(src))
    base = pixel[src].select("ua", "url", "dataset", "event_name", "send_ms").with_columns(
        kind=pl.Series(kind), lag=pl.Series(rng.integers(50, 3_000, len(src))), body_size=pl.lit(0),
    )
    site = pl.col("url").str.extract(r"^(https://[^/]+)")
    urls = {
        "page": pl.col("url"),
        "css": pl.concat_str(site, pl.lit("/assets/theme.css?v=20261101")),
        "ga4": pl.concat_str(pl.lit("https://www.google-analytics.com/g/collect?v=2&tid=G-EXAMPLE01&en="),
                             pl.col("event_name").str.to_lowercase()),
        "fbevents": pl.lit("https://connect.facebook.net/en_US/fbevents.js"),
        "sandbox": pl.concat_str(pl.lit("https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?id="),
                                 pl.col("dataset"), pl.lit("&ev="), pl.col("event_name")),
    }
    url, mime, size = pl.lit(None, pl.String), pl.lit(None, pl.String), pl.lit(None, pl.Int64)
    for k, (name, m, s) in enumerate(NOISE):
        url = pl.when(pl.col("kind") == k).then(urls[name]).otherwise(url)
        mime = pl.when(pl.col("kind") == k).then(pl.lit(m)).otherwise(mime)
        size = pl.when(pl.col("kind") == k).then(pl.lit(s, pl.Int64)).otherwise(size)
    started = pl.col("send_ms") - pl.col("lag")
    entry = _entry(
        started=started, method=pl.lit("GET"), url=url,
        headers=pl.concat_str(pl.lit("["), _header("User-Agent", pl.col("ua")), pl.lit("]")),
        query=pl.lit("[]"), post=pl.lit(""), mime=mime, size=size,
    )
    return base.select(row=pl.lit(None, pl.Int64), t=started, order=pl.lit(0), entry=entry)


def write_har(out_dir: Path, pixel: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """pixel.har with Pixel hits mixed into ordinary page traffic; return refs (line = entry index + 1)."""
    entries = pl.concat([_pixel_entries(pixel), _noise_entries(pixel, rng)]).sort(
        "t", "order", "row", maintain_order=True)
    entries = entries.with_columns(line=pl.int_range(1, pl.len() + 1))
    body = entries["entry"].str.join(",\n")[0] if len(entries) else ""
    head = ('{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],'
            '"entries":[\n')
    write_lines(out_dir / FILE, pl.Series([head + body + "\n]}}"]))
    return entries.filter(pl.col("row").is_not_null()).select(
        "row", "line", index=pl.lit(0), file=pl.lit(FILE))
