"""Simulated visitors: site, browser, blockers, cookies, click ids, IPs and (hashed) contact details."""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.sample import ids
from audit.sample.profiles import (
    BROWSERS,
    FIRST_NAMES,
    IPV4_PREFIXES,
    IPV6_PREFIXES,
    LAST_NAMES,
    PLACE_WEIGHTS,
    PLACES,
    SITES,
)

DAY_MS = 86_400_000
PIXEL_FILES = ("jsonl", "har", "tr")
PIXEL_FILE_SHARES = (0.7, 0.15, 0.15)


def _pick(rng: np.random.Generator, n: int, options, weights=None) -> np.ndarray:
    """n indexes into options, drawn with the given weights."""
    p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    return rng.choice(len(options), size=n, p=p)


def make_users(rng: np.random.Generator, n: int, start_ms: int, end_ms: int) -> pl.DataFrame:
    """One row per visitor with everything both channels may report about them."""
    site_i = _pick(rng, n, SITES, [s.share for s in SITES])
    br_i = _pick(rng, n, BROWSERS, [b.share for b in BROWSERS])
    prob = {f: np.array([getattr(b, f) for b in BROWSERS])[br_i]
            for f in ("adblock", "no_cookies", "click", "ipv6")}
    n_ua = np.array([len(b.user_agents) for b in BROWSERS])[br_i]
    ua_table = np.array([b.user_agents[min(k, len(b.user_agents) - 1)] for b in BROWSERS for k in (0, 1)])
    ua = ua_table[br_i * 2 + rng.integers(0, 2, n) % n_ua]
    place_i = _pick(rng, n, PLACES, PLACE_WEIGHTS)
    first = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)]
    user = np.arange(n)
    first_ms = rng.integers(start_ms, end_ms - 3_600_000, n)
    v4 = ids.ipv4(rng, n, IPV4_PREFIXES)
    v6 = ids.ipv6(rng, n, IPV6_PREFIXES)
    ipv6 = rng.random(n) < prob["ipv6"]
    no_cookies = rng.random(n) < prob["no_cookies"]
    click = rng.random(n) < prob["click"]
    fbclid = ids.fbclids(rng, n)
    fbp_ms = first_ms - rng.integers(0, 20 * DAY_MS, n)
    places = {
        col: pl.Series(col, [p[k] for p in PLACES], dtype=pl.String)[place_i]
        for k, col in enumerate(("ct_raw", "st_raw", "zp_raw", "country_raw", "currency", "area"))
    }
    df = pl.DataFrame({
        "user": user,
        "site": np.array([s.key for s in SITES])[site_i],
        "dataset": np.array([s.dataset for s in SITES])[site_i],
        "browser": np.array([b.key for b in BROWSERS])[br_i],
        "ua": ua,
        "adblock": rng.random(n) < prob["adblock"],
        "no_cookies": no_cookies,
        "click": click,
        "ipv6": ipv6,
        "ipv4": v4,
        "ipv6_addr": v6,
        "pixel_file": np.array(PIXEL_FILES)[_pick(rng, n, PIXEL_FILES, PIXEL_FILE_SHARES)],
        "logged_in": rng.random(n) < 0.3,
        "first_ms": first_ms,
        "first": first,
        "last": last,
        **places,
        "fbp": ("fb.1." + pl.Series(fbp_ms).cast(pl.String) + "."
                + ids.digits(rng, n, 100_000_000, 2_147_483_647))
        .set(pl.Series(no_cookies), None),
        "fbclid": fbclid,
        "fbc_ms": first_ms - rng.integers(1_000, 5_000, n),
        "ph_tail": ids.digits(rng, n, 10, 100),
    })
    return df.with_columns(
        ip=pl.when(pl.col("ipv6")).then(pl.col("ipv6_addr")).otherwise(pl.col("ipv4")),
        fbc=pl.when(pl.col("click") & ~pl.col("no_cookies")).then(
            pl.concat_str(pl.lit("fb.1."), pl.col("fbc_ms").cast(pl.String), pl.lit("."), pl.col("fbclid"))
        ),
        email=pl.concat_str(pl.col("first"), pl.lit("."), pl.col("last"), pl.col("user").cast(pl.String),
                            pl.lit("@example.com")),
        phone=pl.when(pl.col("area").is_not_null()).then(
            pl.concat_str(pl.lit("1"), pl.col("area"), pl.lit("55501"), pl.col("ph_tail"))
        ),
        external_id=pl.concat_str(
            pl.when(pl.col("site") == "shop").then(pl.lit("cust-")).otherwise(pl.lit("lead-")),
            (pl.col("user") * 7919 % 1_000_000 + 100_000).cast(pl.String),
        ),
    )


def add_hashes(users: pl.DataFrame) -> pl.DataFrame:
    """SHA-256 of every normalized contact detail, as Meta wants them."""
    out = {
        "em": users["email"].str.to_lowercase(),
        "ph": users["phone"],
        "fn": users["first"].str.to_lowercase(),
        "ln": users["last"].str.to_lowercase(),
        "ct": users["ct_raw"],
        "st": users["st_raw"],
        "zp": users["zp_raw"],
        "country": users["country_raw"],
    }
    return users.with_columns(ids.sha256(*(v.rename(k) for k, v in out.items())))
