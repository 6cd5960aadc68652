"""Event-level faults on server events: names, timestamps, action_source, URL, value, and Meta's responses.

Each is planted on a server-only conversion (the Pixel copy, if any, is dropped) so that no pair rule
fires alongside it. Request-level faults (errors, short counts) get requests of their own.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.sample.plan import HOUR_MS, Ctx, Fault
from audit.sample.profiles import DELIVERY_ERROR_KINDS, GA4_NAMES

DAY_MS = 24 * HOUR_MS


def nonstandard_name(ctx: Ctx, hosts: np.ndarray) -> None:
    """A GA4 event name (`generate_lead`, `add_to_cart`) reaches the Conversions API unmapped."""
    c = ctx.capi_only(hosts)
    ctx.put(c, event_name=ctx.col("true_name", c).replace_strict(GA4_NAMES, return_dtype=pl.String))
    ctx.mark("event_name_nonstandard", "ga4_name", c, None, "event_name")


def time_in_ms(ctx: Ctx, hosts: np.ndarray) -> None:
    """event_time sent in milliseconds instead of seconds."""
    c = ctx.capi_only(hosts)
    ctx.put(c, event_time_out=ctx.col("t_ms", c))
    ctx.mark("event_time_milliseconds", "event_time_ms", c, None, "event_time")


def time_in_future(ctx: Ctx, hosts: np.ndarray) -> None:
    """event_time hours after the send time (local time sent as UTC)."""
    c = ctx.capi_only(hosts)
    ahead = ctx.rng.integers(1, 10, len(c)) * HOUR_MS + ctx.rng.integers(0, 600_000, len(c))
    ctx.put(c, event_time_out=(ctx.col("send_ms", c).to_numpy() + ahead) // 1000)
    ctx.mark("event_time_future", "event_time_future", c, None, "event_time")


def _backdate(ctx: Ctx, c: np.ndarray, low_ms: int, high_ms: int, group: str) -> None:
    """Make the event happen low..high before its (unchanged) send time, alone in its request.

    The click cookie (fbc) must still predate the event: it keeps its creation time when the click came
    before the new event time, else the click moves to a minute before the event.
    """
    when = ctx.col("send_ms", c).to_numpy() - ctx.rng.integers(low_ms, high_ms, len(c))
    fbc = ctx.col("fbc", c)
    clicked = np.minimum(ctx.user_col("fbc_ms", c).to_numpy(), when - 60_000)
    restamped = "fb.1." + pl.Series(clicked).cast(pl.String) + "." + ctx.user_col("fbclid", c)
    ctx.put(c, t_ms=when, event_time_out=when // 1000, req_group=ctx.iso(group, c),
            fbc=pl.select(pl.when(fbc.is_not_null()).then(restamped)).to_series())


def too_old(ctx: Ctx, hosts: np.ndarray) -> None:
    """An event over 7 days old when sent: late, and Meta rejects its request (2804003)."""
    c = ctx.capi_only(hosts)
    _backdate(ctx, c, 8 * DAY_MS, 10 * DAY_MS, "old")
    ctx.put(c, resp="timestamp_too_old")
    ctx.mark("event_time_too_old", "event_time_too_old", c, None, "event_time")
    ctx.mark("delivery_error", "event_time_too_old", c, None, None)


def delayed(ctx: Ctx, hosts: np.ndarray) -> None:
    """A website event sent 2 to 30 hours after it happened (a nightly batch)."""
    c = ctx.capi_only(hosts)
    _backdate(ctx, c, 2 * HOUR_MS, 30 * HOUR_MS, "late")
    ctx.mark("send_delayed", "send_delayed", c, None, "event_time")


def action_source_missing(ctx: Ctx, hosts: np.ndarray) -> None:
    """No action_source."""
    c = ctx.capi_only(hosts)
    ctx.put(c, action_source=None)
    ctx.mark("action_source_missing", "action_source_missing", c, None, "action_source")


def action_source_invalid(ctx: Ctx, hosts: np.ndarray) -> None:
    """action_source outside Meta's list (`web`)."""
    c = ctx.capi_only(hosts)
    ctx.put(c, action_source="web")
    ctx.mark("action_source_invalid", "action_source_invalid", c, None, "action_source")


def url_missing(ctx: Ctx, hosts: np.ndarray) -> None:
    """A website event without event_source_url."""
    c = ctx.capi_only(hosts)
    ctx.put(c, url=None)
    ctx.mark("event_source_url_missing", "event_source_url_missing", c, None, "event_source_url")


def value_missing(ctx: Ctx, hosts: np.ndarray) -> None:
    """A Purchase without value (even hosts) or without currency (odd hosts)."""
    c = ctx.capi_only(hosts)
    no_value, no_currency = c[0::2], c[1::2]
    ctx.put(no_value, value=None)
    ctx.put(no_currency, currency=None)
    ctx.mark("purchase_value_missing", "purchase_value_missing", no_value, None, "value")
    ctx.mark("purchase_value_missing", "purchase_value_missing", no_currency, None, "currency")


def currency_invalid(ctx: Ctx, hosts: np.ndarray) -> None:
    """A currency that is not an ISO 4217 code (`US$`, `dollars`)."""
    c = ctx.capi_only(hosts)
    ctx.put(c, currency=pl.Series(np.array(["US$", "dollars"])[np.arange(len(c)) % 2]))
    ctx.mark("currency_invalid", "currency_invalid", c, None, "currency")


def _requests_of(ctx: Ctx, c: np.ndarray, low: int, high: int, prefix: str) -> pl.DataFrame:
    """Gather rows into requests of low..high events (same dataset), sent with the latest one.

    Earlier members move later (never earlier), so no cookie ends up created after its event.
    """
    frame = pl.DataFrame({"row": c, "dataset": ctx.col("dataset", c), "t": ctx.col("t_ms", c),
                          "send": ctx.col("send_ms", c)}).sort("dataset", "t")
    sizes = ctx.rng.integers(low, high + 1, len(frame) + 1)
    starts = np.cumsum(np.r_[0, sizes])
    group = np.searchsorted(starts, np.arange(len(frame)), side="right") - 1
    frame = frame.with_columns(group=pl.Series(group)).with_columns(
        pos=pl.int_range(pl.len()).over("dataset", "group"),
        lead_t=pl.col("t").last().over("dataset", "group"),
        lead_send=pl.col("send").last().over("dataset", "group"),
        label=pl.concat_str(
            pl.lit(prefix + "-"), pl.col("row").first().over("dataset", "group").cast(pl.String)
        ),
    )
    rows = frame["row"].to_numpy()
    t = frame["lead_t"].to_numpy() + frame["pos"].to_numpy() * 2_000
    ctx.put(rows, t_ms=t, event_time_out=t // 1000,
            send_ms=frame["lead_send"].to_numpy() + frame["pos"].to_numpy() * 2_000, req_group=frame["label"])
    return frame


def delivery_error(ctx: Ctx, hosts: np.ndarray) -> None:
    """Requests Meta answered with an error (expired token, unknown dataset, service error, throttling)."""
    c = ctx.capi_only(hosts)
    frame = _requests_of(ctx, c, 1, 3, "err")
    kind = np.array(DELIVERY_ERROR_KINDS)[frame["group"].to_numpy() % len(DELIVERY_ERROR_KINDS)]
    ctx.put(frame["row"].to_numpy(), resp=pl.Series(kind))
    ctx.mark("delivery_error", "delivery_error", frame["row"].to_numpy(), None, None)


def received_short(ctx: Ctx, hosts: np.ndarray) -> None:
    """Requests where Meta's events_received is one less than the events sent."""
    c = ctx.capi_only(hosts)
    frame = _requests_of(ctx, c, 2, 4, "short")
    ctx.put(frame["row"].to_numpy(), resp="short")
    ctx.mark("events_received_short", "events_received_short", frame["row"].to_numpy(), None, None)


FAULTS = (
    Fault("ga4_name", "event_name_nonstandard", 0.002, 2, "capi", nonstandard_name),
    Fault("event_time_ms", "event_time_milliseconds", 0.002, 2, "capi", time_in_ms),
    Fault("event_time_future", "event_time_future", 0.002, 2, "capi", time_in_future),
    Fault("event_time_too_old", "event_time_too_old", 0.0015, 2, "capi", too_old),
    Fault("send_delayed", "send_delayed", 0.002, 2, "capi", delayed),
    Fault("action_source_missing", "action_source_missing", 0.002, 2, "capi", action_source_missing),
    Fault("action_source_invalid", "action_source_invalid", 0.002, 2, "capi", action_source_invalid),
    Fault("event_source_url_missing", "event_source_url_missing", 0.002, 2, "capi", url_missing),
    Fault("purchase_value_missing", "purchase_value_missing", 0.0015, 2, "capi_purchase", value_missing),
    Fault("currency_invalid", "currency_invalid", 0.0015, 2, "capi_purchase", currency_invalid),
    Fault("delivery_error", "delivery_error", 0.003, 3, "capi", delivery_error),
    Fault("events_received_short", "events_received_short", 0.003, 4, "capi", received_short),
)
