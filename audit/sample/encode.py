"""Polars expressions that turn event rows into JSON text, ISO times and URL query strings, column-wise."""

from __future__ import annotations

from pathlib import Path

import polars as pl

# Characters percent-encoded in query values ('%' must come first).
_PCT = (("%", "%25"), (" ", "%20"), ('"', "%22"), ("#", "%23"), ("&", "%26"), ("+", "%2B"), (",", "%2C"),
        ("/", "%2F"), (":", "%3A"), (";", "%3B"), ("=", "%3D"), ("?", "%3F"), ("@", "%40"), ("[", "%5B"),
        ("]", "%5D"), ("{", "%7B"), ("}", "%7D"))


def strip_nulls(expr: pl.Expr) -> pl.Expr:
    """Drop `"key":null` members from JSON text produced by struct.json_encode (absent, not null)."""
    return expr.str.replace_all(r',"[^"]+":null', "").str.replace_all(r'\{"[^"]+":null,?', "{")


def json_of(*fields: pl.Expr, **named: pl.Expr) -> pl.Expr:
    """JSON object text of the given fields, leaving out the ones that are null."""
    return strip_nulls(pl.struct(*fields, **named).struct.json_encode())


def as_list(col: str) -> pl.Expr:
    """A one-element list, or null when the column is null."""
    return pl.when(pl.col(col).is_not_null()).then(pl.concat_list(pl.col(col)))


def iso(ms: pl.Expr) -> pl.Expr:
    """Epoch milliseconds -> '2026-11-09T10:00:00.123Z'."""
    return pl.from_epoch(ms, time_unit="ms").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")


def pct(expr: pl.Expr) -> pl.Expr:
    """Percent-encode a query value (the characters our values can contain)."""
    for raw, enc in _PCT:
        expr = expr.str.replace_all(raw, enc, literal=True)
    return expr


def write_lines(path: Path, lines: pl.Series) -> None:
    """Write one string per line, '\\n'-terminated, as UTF-8."""
    text = "\n".join(lines.to_list())
    path.write_text(text + ("\n" if text else ""), encoding="utf-8")
