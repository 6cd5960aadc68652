"""Sizes in bytes: read '4GB' (user input) or '2.7 GiB' (DuckDB's reports), write them for messages.

No DuckDB import here, so scripts that only need the default memory limit (benchmarks/run.py) stay light.
"""

from __future__ import annotations

import re

# Every unit, upper-cased. DuckDB reports binary units ('2.7 GiB', '500 bytes'; '16383.9 PiB' when unlimited).
UNITS = {"": 1, "B": 1, "BYTES": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15,
         "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40, "PIB": 2**50}
# The units a user may give to --memory-limit or CAPI_AUDIT_MEMORY_LIMIT (a number and one of these).
USER_UNITS = ("B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB")
USER_SIZE = re.compile(rf"\d+(\.\d+)?\s*({'|'.join(USER_UNITS)})", re.IGNORECASE)
REPORTED_SIZE = re.compile(r"\s*([\d.]+)\s*([A-Za-z]*)\s*")
DEFAULT_LIMIT_CAP_GB = 3  # the audit of 10 M events a side completes within it; 1 M a side runs no slower


def is_user_size(text: str) -> bool:
    """True when `text` is an amount a user may give as a memory limit, such as 4GB or 512 MiB."""
    return USER_SIZE.fullmatch(text.strip()) is not None


def parse_size(text: str) -> int:
    """Bytes in a size such as '4GB', '2.7 GiB', '512MB' or '500 bytes' (ValueError when it is none)."""
    match = REPORTED_SIZE.fullmatch(text)
    if match is None or match[2].upper() not in UNITS:
        raise ValueError(f"unexpected size {text!r}")
    try:
        return int(float(match[1]) * UNITS[match[2].upper()])
    except ValueError:
        raise ValueError(f"unexpected size {text!r}") from None


def format_size(n: float) -> str:
    """Bytes as short text for messages: '12.6 GB', '850 MB', '3.1 KB', '120 bytes'."""
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= size:
            return f"{n / size:.1f} {unit}" if n < 100 * size else f"{n / size:.0f} {unit}"
    return f"{int(n)} bytes"


def default_memory_limit() -> str:
    """A quarter of the machine's RAM, at most 3 GB and at least 1 GB, as DuckDB wants it."""
    try:
        import psutil

        total = psutil.virtual_memory().total
    except Exception:  # psutil missing or unsupported: let DuckDB decide
        return ""
    return f"{max(1, min(DEFAULT_LIMIT_CAP_GB, int(total / 2**30 / 4)))}GB"
