"""Plain formatting shared by the dashboard and the report: shortened hashes, shares, amounts."""

from __future__ import annotations

import math
import re

_HASH = re.compile(r"\b[0-9a-fA-F]{64}\b")


def short_hash(value: object) -> object:
    """A 64-hex hash cut to its first 8 characters and '…'; anything else unchanged."""
    if isinstance(value, str):
        return _HASH.sub(lambda m: m.group(0)[:8] + "…", value)
    if isinstance(value, list | tuple):
        return ", ".join(str(short_hash(v)) for v in value)
    return value


def mask_hashes(table, columns: list[str] | None = None):
    """A copy of a pandas DataFrame with every hash in text columns shortened."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = table.copy()
    for col in columns or list(out.columns):
        if is_object_dtype(out[col]) or is_string_dtype(out[col]):
            out[col] = out[col].map(short_hash, na_action="ignore")
    return out


def share(value: float | None, digits: int = 0) -> str:
    """0.734 -> '73%'; None or NaN -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}%}"


def amount(value: float | None, currency: str | None = None) -> str:
    """1234.5, 'EUR' -> 'EUR 1,234.50'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.2f}"
    return f"{currency} {text}" if currency else text


def count(value: float | None) -> str:
    """12345 -> '12,345'; None -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{int(value):,}"


def duration(seconds: float) -> str:
    """75 -> '75 seconds', 5400 -> '90 minutes', 200000 -> '2.3 days'."""
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86400:.1f} days"


def meta_error_meaning(code: int | None, subcode: int | None = None) -> str:
    """What a Graph API error code means for the advertiser, in plain words."""
    if code is None:
        return ""
    code = int(code)
    if code == 100 and subcode is not None and int(subcode) == 2804003:
        return "Event more than 7 days old: Meta rejected the whole request"
    if code == 100 and subcode is not None and int(subcode) == 33:
        return "Wrong dataset ID or the access token may not use it"
    if code == 100:
        return "A parameter was rejected: read Meta's message"
    if code == 190:
        return "Access token invalid or expired"
    if code == 10 or 200 <= code <= 299:
        return "Permission missing for this dataset"
    if code in (1, 2):
        return "Temporary error at Meta: retry"
    if code in (4, 17, 32, 341, 613, 80004):
        return "Too many requests: slow down and retry later"
    if code == 368:
        return "Temporarily blocked for a policy violation"
    return "See Meta's error message"
