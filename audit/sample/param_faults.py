"""Customer-parameter faults (meta_rules §3, §5): hashing, match keys, fbc/fbp cookies, IP and user agent.

Single-channel faults sit on server-only conversions (the Pixel copy, if any, is dropped) so that no
cross-channel rule fires with them; the cross-channel ones sit on pairs and name the Pixel copy.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.sample import ids
from audit.sample.plan import HOUR_MS, Ctx, Fault
from audit.sample.profiles import BOT_USER_AGENTS, PRIVATE_IPS, SERVER_IPS

DAY_MS = 24 * HOUR_MS
EMPTY_SHA, NULL_SHA, UNDEFINED_SHA = (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b",
    "eb045d78d273107348b0300c01d29b7552d622abbc6faf81b3ec55359aa9950c",
)


def _cycle(options, n: int) -> pl.Series:
    """options repeated to length n."""
    return pl.Series(np.array(options, dtype=object)[np.arange(n) % len(options)], dtype=pl.String)


def pii_unhashed(ctx: Ctx, hosts: np.ndarray) -> None:
    """The e-mail sent in clear text in `em` (mixed case, as typed)."""
    c = ctx.capi_only(hosts)
    ctx.put(c, em=ctx.user_col("email", c))
    ctx.mark("pii_unhashed", "pii_unhashed", c, None, "em")


def hash_of_placeholder(ctx: Ctx, hosts: np.ndarray) -> None:
    """SHA-256 of "" / "null" in em, or of "undefined" in ph: a template variable was empty."""
    c = ctx.capi_only(hosts)
    em_rows, ph_rows = c[np.arange(len(c)) % 3 != 2], c[np.arange(len(c)) % 3 == 2]
    ctx.put(em_rows, em=_cycle((EMPTY_SHA, NULL_SHA), len(em_rows)))
    ctx.put(ph_rows, ph=UNDEFINED_SHA)
    ctx.mark("hash_of_placeholder", "hash_of_placeholder", em_rows, None, "em")
    ctx.mark("hash_of_placeholder", "hash_of_placeholder", ph_rows, None, "ph")


def hash_malformed(ctx: Ctx, hosts: np.ndarray) -> None:
    """A hash cut to 63 characters, or with a character that is not hex."""
    c = ctx.capi_only(hosts)
    good = ctx.user_col("em", c)
    cut = good.str.slice(0, 63)
    non_hex = good.str.slice(0, 20) + "z" + good.str.slice(21)
    ctx.put(c, em=pl.Series(np.where(np.arange(len(c)) % 2 == 0, cut.to_numpy(), non_hex.to_numpy())))
    ctx.mark("hash_malformed", "hash_malformed", c, None, "em")


def identifier_hashed(ctx: Ctx, hosts: np.ndarray) -> None:
    """fbp, client IP or user agent hashed although Meta wants them as they are."""
    c = ctx.capi_only(hosts)
    which = np.arange(len(c)) % 3
    has_fbp = ctx.col("fbp", c).is_not_null().to_numpy()
    which = np.where((which == 0) & ~has_fbp, 1, which)
    fields = {0: ("fbp", "fbp"), 1: ("ip", "client_ip_address"), 2: ("ua", "client_user_agent")}
    for k, (col, field) in fields.items():
        rows = c[which == k]
        ctx.put(rows, **{col: ids.sha256(ctx.col(col, rows))[0]})
        ctx.mark("identifier_hashed", "identifier_hashed", rows, None, field)


def empty_string(ctx: Ctx, hosts: np.ndarray) -> None:
    """'' sent instead of leaving the parameter out (external_id, ph)."""
    c = ctx.capi_only(hosts)
    ext, ph = c[0::2], c[1::2]
    ctx.put(ext, external_id="")
    ctx.put(ph, ph="")
    ctx.mark("empty_string_parameter", "empty_string_parameter", ext, None, "external_id")
    ctx.mark("empty_string_parameter", "empty_string_parameter", ph, None, "ph")


def insufficient_keys(ctx: Ctx, hosts: np.ndarray) -> None:
    """Only address, gender and user agent: a weak combination Meta rejects (and so no IP)."""
    c = ctx.capi_only(hosts)
    gender = ids.sha256(_cycle(("f", "m"), len(c)))[0]
    ctx.put(c, em=None, ph=None, fn=None, ln=None, db=None, external_id=None, fbp=None, fbc=None, ip=None,
            ct=ctx.user_col("ct", c), st=ctx.user_col("st", c), zp=ctx.user_col("zp", c),
            country=ctx.user_col("country", c), ge=gender)
    ctx.mark("insufficient_match_keys", "insufficient_match_keys", c, None, None)
    ctx.mark("client_ip_missing", "insufficient_match_keys", c, None, "client_ip_address")


def _fbc(stamp: np.ndarray, click: pl.Series) -> pl.Series:
    return "fb.1." + pl.Series(stamp).cast(pl.String) + "." + click


def fbc_malformed(ctx: Ctx, hosts: np.ndarray) -> None:
    """fbc without its click id, as the raw query parameter, or with a bad suffix."""
    c = ctx.capi_only(hosts)
    t = ctx.col("t_ms", c).to_numpy() - 60_000
    click = ctx.user_col("fbclid", c)
    shapes = np.stack([
        ("fb.1." + pl.Series(t).cast(pl.String)).to_numpy(),
        ("fbclid=" + click).to_numpy(),
        (_fbc(t, click) + ".XYZ").to_numpy(),
    ])
    ctx.put(c, fbc=pl.Series(shapes[np.arange(len(c)) % 3, np.arange(len(c))]))
    ctx.mark("fbc_malformed", "fbc_malformed", c, None, "fbc")


def fbc_seconds(ctx: Ctx, hosts: np.ndarray) -> None:
    """fbc creation time in seconds (10 digits) instead of milliseconds."""
    c = ctx.capi_only(hosts)
    ctx.put(c, fbc=_fbc((ctx.col("t_ms", c).to_numpy() - 60_000) // 1000, ctx.user_col("fbclid", c)))
    ctx.mark("fbc_timestamp_seconds", "fbc_timestamp_seconds", c, None, "fbc")


def fbc_after_event(ctx: Ctx, hosts: np.ndarray) -> None:
    """fbc created 1-3 hours after the event it is sent with (a server minting it at send time)."""
    c = ctx.capi_only(hosts)
    later = ctx.col("t_ms", c).to_numpy() + ctx.rng.integers(HOUR_MS, 3 * HOUR_MS, len(c))
    ctx.put(c, fbc=_fbc(later, ctx.user_col("fbclid", c)))
    ctx.mark("fbc_after_event", "fbc_after_event", c, None, "fbc")


def fbc_stale(ctx: Ctx, hosts: np.ndarray) -> None:
    """fbc from a click 95-180 days before the event (cookie kept past its 90-day life)."""
    c = ctx.capi_only(hosts)
    old = ctx.col("t_ms", c).to_numpy() - ctx.rng.integers(95 * DAY_MS, 180 * DAY_MS, len(c))
    ctx.put(c, fbc=_fbc(old, ctx.user_col("fbclid", c)))
    ctx.mark("fbc_stale", "fbc_stale", c, None, "fbc")


def fbc_modified(ctx: Ctx, hosts: np.ndarray) -> None:
    """Landing page with ?fbclid=IwAR..., but the server lower-cased the click id in fbc."""
    c = ctx.capi_only(hosts)
    click = ctx.user_col("fbclid", c)
    site_root = ctx.col("url", c).str.extract(r"^(https://[^/]+)")
    ctx.put(c, url=site_root + "/?fbclid=" + click + "&utm_source=facebook&utm_medium=paid",
            fbc=_fbc(ctx.col("t_ms", c).to_numpy() - 2_000, click.str.to_lowercase()))
    ctx.mark("fbc_modified", "fbc_modified", c, None, "fbc")


def fbp_malformed(ctx: Ctx, hosts: np.ndarray) -> None:
    """fbp without its random part, with letters in it, or without the fb. prefix."""
    c = ctx.capi_only(hosts)
    stamp = pl.Series(ctx.col("t_ms", c).to_numpy() - 5 * DAY_MS).cast(pl.String)
    shapes = np.stack([
        ("fb.1." + stamp).to_numpy(),
        ("fb.1." + stamp + "." + pl.Series(ids.rand_token(ctx.rng, len(c), 10, "alnum"))).to_numpy(),
        (stamp + "." + ids.digits(ctx.rng, len(c), 100_000_000, 2_000_000_000)).to_numpy(),
    ])
    ctx.put(c, fbp=pl.Series(shapes[np.arange(len(c)) % 3, np.arange(len(c))]))
    ctx.mark("fbp_malformed", "fbp_malformed", c, None, "fbp")


def ip_missing(ctx: Ctx, hosts: np.ndarray) -> None:
    """No client_ip_address on a server event (of a known visitor, so the other keys are not too weak)."""
    c = ctx.capi_only(hosts)
    ctx.put(c, ip=None)
    ctx.mark("client_ip_missing", "client_ip_missing", c, None, "client_ip_address")


def ip_private(ctx: Ctx, hosts: np.ndarray) -> None:
    """A private or loopback address (the server's view behind a proxy)."""
    c = ctx.capi_only(hosts)
    ctx.put(c, ip=_cycle(PRIVATE_IPS, len(c)))
    ctx.mark("client_ip_not_public", "client_ip_not_public", c, None, "client_ip_address")


def ip_shared(ctx: Ctx, hosts: np.ndarray) -> None:
    """The server's own IP sent for many different visitors."""
    c = ctx.capi_only(hosts)
    ctx.put(c, ip=SERVER_IPS[0])
    ctx.mark("client_ip_shared", "client_ip_shared", c, None, "client_ip_address")


def ua_missing(ctx: Ctx, hosts: np.ndarray) -> None:
    """No client_user_agent on a website event."""
    c = ctx.capi_only(hosts)
    ctx.put(c, ua=None)
    ctx.mark("user_agent_missing", "user_agent_missing", c, None, "client_user_agent")


def ua_library(ctx: Ctx, hosts: np.ndarray) -> None:
    """The server's HTTP library user agent (`python-requests/2.31.0`) instead of the browser's."""
    c = ctx.capi_only(hosts)
    ctx.put(c, ua=_cycle(BOT_USER_AGENTS, len(c)))
    ctx.mark("user_agent_not_browser", "user_agent_not_browser", c, None, "client_user_agent")


def cross_channel(ctx: Ctx, hosts: np.ndarray) -> None:
    """Pixel and server disagree: e-mail hashed without lower-casing, a server-minted fbp, or a hashed id."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    has_em = ctx.col("em", c).is_not_null().to_numpy()
    has_fbp = ctx.col("fbp", c).is_not_null().to_numpy()
    even = np.arange(len(c)) % 2 == 0
    which = np.where(has_em & (even | ~has_fbp), 0, np.where(has_fbp, 1, 2))
    em_rows, fbp_rows, ext_rows = (c[which == k] for k in range(3))
    ctx.put(em_rows, em=ids.sha256(ctx.user_col("email", em_rows))[0])
    stamp = pl.Series(ctx.col("t_ms", fbp_rows).to_numpy()).cast(pl.String)
    ctx.put(fbp_rows, fbp="fb.1." + stamp + "." + ids.digits(ctx.rng, len(fbp_rows), 10**8, 2 * 10**9))
    ctx.put(ext_rows, external_id=ids.sha256(ctx.col("external_id", ext_rows))[0])
    for rows, field in ((em_rows, "em"), (fbp_rows, "fbp"), (ext_rows, "external_id")):
        ctx.mark("cross_channel_mismatch", "cross_channel_mismatch", rows, p[np.isin(c, rows)], field)


def ip_version(ctx: Ctx, hosts: np.ndarray) -> None:
    """The browser connects over IPv6, the server forwards the visitor's IPv4."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(p, ip=ctx.user_col("ipv6_addr", p), pixel_file="jsonl")
    ctx.put(c, ip=ctx.user_col("ipv4", c))
    ctx.mark("ip_version_mismatch", "ip_version_mismatch", c, p, "client_ip_address")


FAULTS = (
    Fault("client_ip_shared", "client_ip_shared", 0.006, 25, "capi_identified", ip_shared,
          distinct_users=True, all_or_nothing=True),
    Fault("cross_channel_mismatch", "cross_channel_mismatch", 0.003, 3, "both_evidence", cross_channel),
    Fault("ip_version_mismatch", "ip_version_mismatch", 0.002, 2, "both", ip_version),
    Fault("pii_unhashed", "pii_unhashed", 0.002, 2, "capi", pii_unhashed),
    Fault("hash_of_placeholder", "hash_of_placeholder", 0.002, 3, "capi", hash_of_placeholder),
    Fault("hash_malformed", "hash_malformed", 0.002, 2, "capi", hash_malformed),
    Fault("identifier_hashed", "identifier_hashed", 0.003, 3, "capi", identifier_hashed),
    Fault("empty_string_parameter", "empty_string_parameter", 0.002, 2, "capi", empty_string),
    Fault("insufficient_match_keys", "insufficient_match_keys", 0.002, 2, "capi", insufficient_keys),
    Fault("fbc_malformed", "fbc_malformed", 0.0015, 3, "capi", fbc_malformed),
    Fault("fbc_timestamp_seconds", "fbc_timestamp_seconds", 0.0015, 2, "capi", fbc_seconds),
    Fault("fbc_after_event", "fbc_after_event", 0.0015, 2, "capi", fbc_after_event),
    Fault("fbc_stale", "fbc_stale", 0.0015, 2, "capi", fbc_stale),
    Fault("fbc_modified", "fbc_modified", 0.0015, 2, "capi", fbc_modified),
    Fault("fbp_malformed", "fbp_malformed", 0.002, 3, "capi", fbp_malformed),
    Fault("client_ip_missing", "client_ip_missing", 0.002, 2, "capi_identified", ip_missing),
    Fault("client_ip_not_public", "client_ip_not_public", 0.002, 2, "capi", ip_private),
    Fault("user_agent_missing", "user_agent_missing", 0.002, 2, "capi", ua_missing),
    Fault("user_agent_not_browser", "user_agent_not_browser", 0.002, 2, "capi", ua_library),
)
