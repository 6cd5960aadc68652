"""Deduplication scenarios, planted exactly as the dedup contract (pairing near misses, repeats, reuse) says.

Pair findings are anchored on the server copy and name the Pixel copy, except where the contract
says otherwise (the copy without an id; within-channel extra copies; later conversions reusing an id).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.sample import ids
from audit.sample.plan import HOUR_MS, Ctx, Fault
from audit.sample.profiles import LEADS, TEST_EVENT_CODE

MINUTE_MS = 60_000
RETRY_AFTER_MS = 150_000  # longer than any server batching window, so the retry is a later request


def case_mismatch(ctx: Ctx, hosts: np.ndarray) -> None:
    """Server sends `purchase` (GA4 style lower case) where the Pixel sends `Purchase`."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(c, event_name=ctx.col("event_name", c).str.to_lowercase())
    ctx.mark("event_name_case_mismatch", "case_mismatch", c, p, "event_name")
    ctx.mark("event_name_nonstandard", "case_mismatch", c, None, "event_name")


def whitespace(ctx: Ctx, hosts: np.ndarray) -> None:
    """Server event id carries a trailing space ("abc-123 " vs "abc-123")."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(c, event_id=ctx.col("event_id", c) + " ")
    ctx.mark("event_id_whitespace", "id_whitespace", c, p, "event_id")


def _late_server_copy(ctx: Ctx, hosts: np.ndarray, low_ms: int, high_ms: int, kind: str):
    """Server copy sent low..high after the Pixel copy, stamped with its own send time."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    send = ctx.col("send_ms", p).to_numpy() + ctx.rng.integers(low_ms, high_ms, len(c))
    stamp = send - ctx.rng.integers(2_000, 20_000, len(c))
    ctx.put(c, send_ms=send, event_time_out=stamp // 1000, req_group=ctx.iso(kind, c))
    return c, p


def outside_window(ctx: Ctx, hosts: np.ndarray) -> None:
    """Identical keys, but the server copy arrives 49 h after the Pixel copy: Meta counts both.

    Hosts are identified conversions, so the late server copy carries the visitor's external_id (and fbp
    cookie, when the browser keeps one) just as the Pixel copy does: plainly the same conversion.
    """
    c, p = _late_server_copy(ctx, hosts, 49 * HOUR_MS, 49 * HOUR_MS + 30 * MINUTE_MS, "late49")
    ctx.mark("pair_outside_window", "outside_window_49h", c, p)


def inside_window_47h(ctx: Ctx, hosts: np.ndarray) -> None:
    """Identical keys 47 h apart: still inside Meta's window, a clean deduplicated pair."""
    c, p = _late_server_copy(ctx, hosts, 46 * HOUR_MS, 46 * HOUR_MS + 50 * MINUTE_MS, "late47")
    ctx.mark(None, "clean_pair_47h", c, p)


def id_from_order_db(ctx: Ctx, hosts: np.ndarray) -> None:
    """Pixel sends a browser UUID, the server the order number as event id (same order_id on both)."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(c, event_id=ctx.col("order_id", c))
    ctx.mark("event_id_mismatch", "id_order_db_vs_uuid", c, p, "event_id")


def id_regenerated(ctx: Ctx, hosts: np.ndarray) -> None:
    """The server makes a fresh UUID instead of reusing the browser's."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(c, event_id=ids.uuid4(ctx.rng, len(c)))
    ctx.mark("event_id_mismatch", "id_regenerated_on_server", c, p, "event_id")


def id_missing_server(ctx: Ctx, hosts: np.ndarray) -> None:
    """The server copy has no event_id (absent); the Pixel copy has one."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(c, event_id=None)
    ctx.mark("event_id_missing", "id_missing_on_server", c, p, "event_id", "critical")


def id_empty_server(ctx: Ctx, hosts: np.ndarray) -> None:
    """The server copy sends event_id as ''."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(c, event_id="")
    ctx.mark("event_id_missing", "id_empty_on_server", c, p, "event_id", "critical")


def id_missing_pixel(ctx: Ctx, hosts: np.ndarray) -> None:
    """The Pixel copy has no eid (e.g. eventID passed in the wrong fbq argument); the server has one."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(p, event_id=None)
    ctx.mark("event_id_missing", "id_missing_on_pixel", p, c, "event_id", "critical")


def id_missing_pixel_only(ctx: Ctx, hosts: np.ndarray) -> None:
    """A Pixel-only event without eid."""
    p = ctx.rows(hosts, "pixel")
    ctx.put(p, event_id=None)
    ctx.mark("event_id_missing", "id_missing_pixel_only", p, None, "event_id", "warning")


def id_missing_capi_only(ctx: Ctx, hosts: np.ndarray) -> None:
    """A server-only event without event_id."""
    c = ctx.capi_only(hosts)
    ctx.put(c, event_id=None)
    ctx.mark("event_id_missing", "id_missing_capi_only", c, None, "event_id", "warning")


def capi_retry(ctx: Ctx, hosts: np.ndarray) -> None:
    """The server sends the same event again in a later request (a retry after a timeout)."""
    c = ctx.rows(hosts, "capi")
    send = ctx.col("send_ms", c).to_numpy() + RETRY_AFTER_MS + ctx.rng.integers(0, 5 * MINUTE_MS, len(c))
    new = ctx.add(c, send_ms=send)
    ctx.put(new, req_group=ctx.iso("retry", new))
    ctx.mark("duplicate_within_channel", "capi_retry", new, c)


def pixel_double_fire(ctx: Ctx, hosts: np.ndarray) -> None:
    """The Pixel fires the same event twice (tag installed twice, thank-you page reloaded)."""
    p = ctx.rows(hosts, "pixel")
    delta = ctx.rng.integers(300, 3_000, len(p))
    new = ctx.add(
        p,
        t_ms=ctx.col("t_ms", p).to_numpy() + delta,
        event_time_out=ctx.col("event_time_out", p).to_numpy() + delta,
        send_ms=ctx.col("send_ms", p).to_numpy() + delta,
    )
    ctx.mark("duplicate_within_channel", "pixel_double_fire", new, p)


def reused_id(ctx: Ctx, hosts: np.ndarray) -> None:
    """A later order carries an earlier order's event id: another visitor, another order number.

    Hosts are Purchases of distinct visitors (see FAULTS), taken in time order two by two: the second
    of each two gets the first one's event id on both channels. Its external_id, e-mail, fbp and
    order_id all differ from the first one's, so it can only be a reused id, never a repeat.
    """
    frame = pl.DataFrame({"conv": hosts, "t": ctx.conv_col("t_ms", hosts)}).sort("t", "conv")
    firsts, seconds = frame["conv"].to_numpy()[0::2], frame["conv"].to_numpy()[1::2]
    a, b = firsts[: len(seconds)], seconds
    for channel in ("pixel", "capi"):
        rb, ra = ctx.rows(b, channel), ctx.rows(a, channel)
        ctx.put(rb, event_id=ctx.col("event_id", ra))
        ctx.mark("event_id_reused", "id_reused", rb, ra, "event_id")


def dataset_mismatch(ctx: Ctx, hosts: np.ndarray) -> None:
    """The server sends the shop's conversion to the other site's dataset."""
    c, p = ctx.rows(hosts, "capi"), ctx.rows(hosts, "pixel")
    ctx.put(c, dataset=LEADS.dataset)
    ctx.mark("dataset_mismatch", "dataset_mismatch", c, p, "dataset_id")


def test_events(ctx: Ctx, hosts: np.ndarray) -> None:
    """QA traffic sent with test_event_code (a tester, not a customer), copied from real server events."""
    c = ctx.rows(hosts, "capi")
    n = len(c)
    qa_em = ids.sha256(pl.Series(["qa.tester@example.com"]))[0][0]
    shift = 3 * HOUR_MS + ctx.rng.integers(0, HOUR_MS, n)
    orders = pl.Series(np.arange(n)).cast(pl.String).str.replace(r"^", "TEST-")
    new = ctx.add(
        c,
        conv=ctx.new_convs(n), user=-1, is_test=True, test_code=TEST_EVENT_CODE,
        event_id=ids.uuid4(ctx.rng, n),
        t_ms=ctx.col("t_ms", c).to_numpy() + shift,
        event_time_out=(ctx.col("t_ms", c).to_numpy() + shift) // 1000,
        send_ms=ctx.col("send_ms", c).to_numpy() + shift,
        em=qa_em, external_id="qa-tester-1", fbp="fb.1.1761955200000.1202020202", fbc=None,
        ip="81.2.69.160", ph=None, fn=None, ln=None, ct=None, st=None, zp=None, country=None,
        order_id=pl.select(pl.when(ctx.col("order_id", c).is_not_null()).then(orders)).to_series(),
    )
    ctx.put(new, req_group=ctx.iso("test", new))
    ctx.mark("test_event_code_present", "test_event", new, None, "test_event_code")


FAULTS = (
    Fault("case_mismatch", "event_name_case_mismatch", 0.003, 3, "both_purchase_lead", case_mismatch),
    Fault("id_whitespace", "event_id_whitespace", 0.003, 3, "both", whitespace),
    Fault("outside_window_49h", "pair_outside_window", 0.002, 2, "both_early_identified", outside_window),
    Fault("clean_pair_47h", None, 0.002, 2, "both_early", inside_window_47h),
    Fault("id_order_db_vs_uuid", "event_id_mismatch", 0.002, 2, "both_purchase", id_from_order_db),
    Fault("id_regenerated_on_server", "event_id_mismatch", 0.003, 3, "both_evidence", id_regenerated),
    Fault("id_missing_on_server", "event_id_missing", 0.002, 2, "both_evidence", id_missing_server),
    Fault("id_empty_on_server", "event_id_missing", 0.001, 1, "both_evidence", id_empty_server),
    Fault("id_missing_on_pixel", "event_id_missing", 0.002, 2, "both_evidence", id_missing_pixel),
    Fault("id_missing_pixel_only", "event_id_missing", 0.003, 3, "pixel_only", id_missing_pixel_only),
    Fault("id_missing_capi_only", "event_id_missing", 0.002, 2, "capi", id_missing_capi_only),
    Fault("capi_retry", "duplicate_within_channel", 0.003, 3, "both", capi_retry),
    Fault("pixel_double_fire", "duplicate_within_channel", 0.003, 3, "double_fire", pixel_double_fire),
    Fault("id_reused", "event_id_reused", 0.005, 5, "both_purchase", reused_id, distinct_users=True),
    Fault("dataset_mismatch", "dataset_mismatch", 0.002, 2, "both_shop", dataset_mismatch),
    Fault("test_event", "test_event_code_present", 0.004, 4, "capi", test_events),
)
