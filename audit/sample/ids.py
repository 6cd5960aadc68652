"""Vectorized random identifiers: hex, UUIDs, click ids, cookies, IPs and SHA-256, one array at a time."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

_HEX = np.array([f"{i:02x}" for i in range(256)], dtype="U2")
_B64URL = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), dtype="U1")
_ALNUM = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), dtype="U1")


def _join_chars(chars: np.ndarray) -> np.ndarray:
    """Rows of single characters (n, k) -> n strings of length k."""
    n, k = chars.shape
    return np.ascontiguousarray(chars).view(f"U{k}").reshape(n)


def rand_hex(rng: np.random.Generator, n: int, nbytes: int) -> np.ndarray:
    """n lowercase hex strings of 2*nbytes characters."""
    pairs = _HEX[rng.integers(0, 256, size=(n, nbytes))]
    return _join_chars(pairs.view("U1").reshape(n, 2 * nbytes))


def uuid4(rng: np.random.Generator, n: int) -> pl.Series:
    """n random version-4 UUID strings."""
    h = pl.Series(rand_hex(rng, n, 16))
    variant = pl.Series(np.array(list("89ab"))[rng.integers(0, 4, n)])
    return pl.select(
        pl.concat_str(
            h.str.slice(0, 8), pl.lit("-"), h.str.slice(8, 4), pl.lit("-4"), h.str.slice(13, 3), pl.lit("-"),
            variant, h.str.slice(17, 3), pl.lit("-"), h.str.slice(20, 12),
        )
    ).to_series()


def rand_token(rng: np.random.Generator, n: int, length: int, alphabet: str = "b64url") -> np.ndarray:
    """n random strings of `length` characters from the URL-safe base64 or alphanumeric alphabet."""
    table = _B64URL if alphabet == "b64url" else _ALNUM
    return _join_chars(table[rng.integers(0, len(table), size=(n, length))])


def fbclids(rng: np.random.Generator, n: int) -> pl.Series:
    """Click ids in the shape Facebook appends to ad links (IwAR..., IwZX..., IwY2...)."""
    prefix = pl.Series(np.array(["IwAR", "IwZX", "IwY2"])[rng.integers(0, 3, n)])
    return prefix + pl.Series(rand_token(rng, n, 58))


def digits(rng: np.random.Generator, n: int, low: int, high: int) -> pl.Series:
    """Random integers in [low, high) as strings."""
    return pl.Series(rng.integers(low, high, n)).cast(pl.String)


def ipv4(rng: np.random.Generator, n: int, prefixes: tuple[str, ...]) -> pl.Series:
    """Random public IPv4 addresses inside the given /16 prefixes."""
    pre = pl.Series(np.array(prefixes)[rng.integers(0, len(prefixes), n)])
    return pre + "." + digits(rng, n, 1, 255) + "." + digits(rng, n, 1, 255)


def ipv6(rng: np.random.Generator, n: int, prefixes: tuple[str, ...]) -> pl.Series:
    """Random global IPv6 addresses inside the given prefixes."""
    pre = pl.Series(np.array(prefixes)[rng.integers(0, len(prefixes), n)])
    out = pre
    for _ in range(6):
        out = out + ":" + pl.Series(rand_hex(rng, n, 2)).str.strip_chars_start("0").replace("", "0")
    return out


def sha256(*columns: pl.Series) -> list[pl.Series]:
    """SHA-256 hex of each string (NULL stays NULL), column by column, computed set-based by DuckDB."""
    frame = pl.DataFrame({"i": np.arange(len(columns[0])), **{f"c{k}": c.cast(pl.String) for k, c in
                                                               enumerate(columns)}})
    select = ", ".join(f"sha256(c{k}) as c{k}" for k in range(len(columns)))
    con = duckdb.connect()
    try:
        con.register("frame", frame)
        hashed = con.sql(f"select {select} from frame order by i").pl()
    finally:
        con.close()
    return [hashed[f"c{k}"].rename(c.name) for k, c in enumerate(columns)]
