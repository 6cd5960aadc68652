"""Clean traffic: visitors' sessions, their funnel steps, and the Pixel and server copies of each step."""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.sample import ids
from audit.sample.people import add_hashes, make_users
from audit.sample.profiles import LEAD_PAGES, PATHS, SERVER_EVENTS, SITES

HOUR_MS = 3_600_000
EVENTS_PER_USER = 6.8   # measured average of the model below, used to size the population
STEP_ORDER = {
    "PageView": 0, "ViewContent": 1, "AddToCart": 2, "InitiateCheckout": 3, "Purchase": 4,
    "Lead": 2, "CompleteRegistration": 3,
}
# Columns every event row carries (the writers read these; faults edit them).
EVENT_COLUMNS = (
    "row", "conv", "user", "site", "true_name", "channel", "dataset", "event_name", "event_id", "t_ms",
    "event_time_out", "send_ms", "url", "ref", "fbp", "fbc", "ip", "ua", "em", "ph", "fn", "ln", "ge", "db",
    "ct", "st", "zp", "country", "external_id", "value", "currency", "order_id", "content_id",
    "action_source", "test_code", "req_group", "resp", "pixel_file", "is_test",
)


def _sessions(rng: np.random.Generator, users: pl.DataFrame, end_ms: int) -> pl.DataFrame:
    """Visits per user: the first at the user's first_ms, later ones hours or days apart."""
    n_sess = np.minimum(rng.geometric(0.55, len(users)), 6)
    user_i = np.repeat(np.arange(len(users)), n_sess)
    gap = (2 * HOUR_MS + rng.exponential(36 * HOUR_MS, len(user_i))).astype(np.int64)
    first_of_user = np.r_[True, user_i[1:] != user_i[:-1]]
    gap[first_of_user] = 0
    sess = pl.DataFrame({"user": users["user"][user_i], "gap": gap}).with_columns(
        start_ms=pl.col("gap").cum_sum().over("user") + users["first_ms"][user_i],
        visit=pl.int_range(pl.len()).over("user"),
    )
    sess = sess.filter(pl.col("start_ms") < end_ms - HOUR_MS)
    return sess.with_columns(session=pl.int_range(pl.len())).join(
        users.select("user", "site"), on="user", how="left", maintain_order="left"
    )


def _step_counts(rng: np.random.Generator, sess: pl.DataFrame) -> dict[str, np.ndarray]:
    """How many times each funnel step happens in each session."""
    n = len(sess)
    shop = (sess["site"] == "shop").to_numpy()
    u = rng.random((6, n))
    pv = np.minimum(rng.geometric(0.5, n), 6)
    vc = np.where(shop, np.minimum(rng.poisson(1.2, n), 4), 0)
    atc = shop & (vc > 0) & (u[0] < 0.35)
    ic = atc & (u[1] < 0.55)
    pur = ic & (u[2] < 0.65)
    lead = ~shop & (u[3] < 0.2)
    reg = lead & (u[4] < 0.5)
    return {
        "PageView": pv, "ViewContent": vc, "AddToCart": atc.astype(int), "InitiateCheckout": ic.astype(int),
        "Purchase": pur.astype(int), "Lead": lead.astype(int), "CompleteRegistration": reg.astype(int),
    }


def _actions(rng: np.random.Generator, sess: pl.DataFrame) -> pl.DataFrame:
    """One row per thing a visitor did (a conversion), in time order within each session."""
    parts = []
    for name, counts in _step_counts(rng, sess).items():
        idx = np.repeat(np.arange(len(sess)), counts)
        parts.append(pl.DataFrame({"session": idx, "true_name": pl.Series([name] * len(idx), dtype=pl.String),
                                   "step": np.full(len(idx), STEP_ORDER[name])}))
    acts = pl.concat(parts).sort("session", "step", maintain_order=True)
    gap = (5_000 + rng.exponential(40_000, len(acts))).astype(np.int64)
    acts = acts.with_columns(gap=pl.Series(gap)).with_columns(
        gap=pl.when(pl.int_range(pl.len()).over("session") == 0).then(0).otherwise(pl.col("gap")),
        first_in_session=pl.int_range(pl.len()).over("session") == 0,
    )
    acts = acts.join(sess.select("session", "user", "site", "start_ms", "visit"), on="session",
                     how="left", maintain_order="left")
    acts = acts.with_columns(t_ms=pl.col("start_ms") + pl.col("gap").cum_sum().over("session"))
    return acts.sort("t_ms", "session", "step").with_columns(conv=pl.int_range(pl.len()))


def _pages(rng: np.random.Generator, acts: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """Page URL, product, price and order of each action."""
    n = len(acts)
    sku = rng.integers(1000, 1400, n)
    sess_sku = pl.Series(rng.integers(1000, 1400, acts["session"].max() + 1 if n else 1))[acts["session"]]
    page_pick = rng.integers(0, 1000, n)
    shop_pages = pl.Series(PATHS["PageView"])
    lead_pages = pl.Series(LEAD_PAGES)
    base = pl.Series([s.base for s in SITES])
    site_i = (acts["site"] == SITES[1].key).cast(pl.Int64)
    acts = acts.with_columns(
        sku=pl.when(pl.col("true_name") == "ViewContent").then(pl.Series(sku)).otherwise(sess_sku),
        base=base[site_i],
        shop_page=shop_pages[page_pick % len(shop_pages)],
        lead_page=lead_pages[page_pick % len(lead_pages)],
    ).join(users.select("user", "click", "fbclid", "currency"), on="user", how="left", maintain_order="left")
    path = (
        pl.when(pl.col("true_name").is_in(["ViewContent", "AddToCart"]))
        .then(pl.concat_str(pl.lit("/products/p-"), pl.col("sku").cast(pl.String)))
        .when((pl.col("true_name") == "PageView") & pl.col("first_in_session")).then(pl.lit("/"))
        .when((pl.col("true_name") == "PageView") & (pl.col("site") == "shop")).then(pl.col("shop_page"))
        .when(pl.col("true_name") == "PageView").then(pl.col("lead_page"))
        .otherwise(pl.col("true_name").replace_strict(
            {k: v[0] for k, v in PATHS.items()}, default="/", return_dtype=pl.String))
    )
    landing_click = pl.col("first_in_session") & (pl.col("visit") == 0) & pl.col("click")
    query = pl.when(landing_click).then(
        pl.concat_str(pl.lit("?fbclid="), pl.col("fbclid"), pl.lit("&utm_source=facebook&utm_medium=paid"))
    ).otherwise(pl.lit(""))
    price = (pl.col("sku") * 7919 % 23000 + 999).cast(pl.Float64) / 100
    valued = pl.col("true_name").is_in(["ViewContent", "AddToCart", "InitiateCheckout", "Purchase"])
    order_rank = pl.when(pl.col("true_name") == "Purchase").then(
        pl.col("true_name").eq("Purchase").cum_sum()
    )
    return acts.with_columns(
        url=pl.concat_str(pl.col("base"), path, query),
        ref=pl.when(landing_click).then(pl.lit("https://l.facebook.com/")),
        value=pl.when(valued).then(
            pl.when(pl.col("true_name") == "Purchase").then(price + 4.95).otherwise(price).round(2)
        ),
        currency=pl.when(valued).then(pl.col("currency")),
        content_id=pl.when(valued).then(pl.concat_str(pl.lit("SKU-"), pl.col("sku").cast(pl.String))),
        order_id=pl.when(pl.col("true_name") == "Purchase").then(
            (order_rank * 37 + 1_004_000).cast(pl.String)
        ),
    )


def _identity(acts: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """Which contact details each action carries: the visitor identified at checkout or on a lead form."""
    u = users.select("user", "em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id", "logged_in",
                     "fbp", "fbc", "ip", "ua", "adblock", "pixel_file", "dataset")
    acts = acts.join(u, on="user", how="left", maintain_order="left")
    name = pl.col("true_name")
    shop = pl.col("site") == "shop"
    identified = (shop & (name.is_in(["InitiateCheckout", "Purchase"]) | pl.col("logged_in"))) | (
        ~shop & name.is_in(["Lead", "CompleteRegistration"])
    )
    address = (shop & (name == "Purchase")) | (~shop & name.is_in(["Lead", "CompleteRegistration"]))
    return acts.with_columns(
        em=pl.when(identified).then(pl.col("em")),
        external_id=pl.when(identified).then(pl.col("external_id")),
        ph=pl.when(address).then(pl.col("ph")),
        fn=pl.when(address).then(pl.col("fn")),
        ln=pl.when(address).then(pl.col("ln")),
        ct=pl.when(address & shop).then(pl.col("ct")),
        st=pl.when(address & shop).then(pl.col("st")),
        zp=pl.when(address).then(pl.col("zp")),
        country=pl.when(address).then(pl.col("country")),
    )


def _copies(rng: np.random.Generator, acts: pl.DataFrame) -> pl.DataFrame:
    """The Pixel copy (unless blocked) and the server copy (if the server sends that event) of each action."""
    n = len(acts)
    server_pv = pl.Series([s.server_pageview_share for s in SITES])[
        (acts["site"] == SITES[1].key).cast(pl.Int64)
    ]
    sent_names = pl.lit(None)
    for site in SITES:
        sent_names = pl.when(pl.col("site") == site.key).then(
            pl.col("true_name").is_in(list(SERVER_EVENTS[site.key]))
        ).otherwise(sent_names)
    acts = acts.with_columns(
        has_pixel=~pl.col("adblock"),
        has_capi=sent_names & ((pl.col("true_name") != "PageView") | (pl.Series(rng.random(n)) < server_pv)),
        event_id=ids.uuid4(rng, n),
        pixel_delay=pl.Series(rng.integers(20, 800, n)),
        capi_delay=pl.Series(rng.integers(200, 3_000, n)),
    ).filter(pl.col("has_pixel") | pl.col("has_capi"))
    common = [
        "conv", "user", "site", "true_name", "dataset", "event_id", "t_ms", "url", "fbp", "fbc", "ip", "ua",
        "em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id", "value", "currency", "order_id",
        "content_id",
    ]
    pixel = acts.filter("has_pixel").select(
        *common, channel=pl.lit("pixel"), event_time_out=pl.col("t_ms"),
        send_ms=pl.col("t_ms") + pl.col("pixel_delay"), ref=pl.col("ref"),
        action_source=pl.lit(None, pl.String), pixel_file=pl.col("pixel_file"),
    )
    capi = acts.filter("has_capi").select(
        *common, channel=pl.lit("capi"), event_time_out=pl.col("t_ms") // 1000,
        send_ms=pl.col("t_ms") + pl.col("capi_delay"), ref=pl.lit(None, pl.String),
        action_source=pl.lit("website"), pixel_file=pl.lit(None, pl.String),
    )
    events = pl.concat([pixel, capi]).sort("t_ms", "conv", "channel")
    return events.with_columns(
        row=pl.int_range(pl.len()),
        event_name=pl.col("true_name"),
        ge=pl.lit(None, pl.String),
        db=pl.lit(None, pl.String),
        test_code=pl.lit(None, pl.String),
        req_group=pl.lit(None, pl.String),
        resp=pl.lit(None, pl.String),
        is_test=pl.lit(False),
    ).select(EVENT_COLUMNS)


def clean_traffic(rng: np.random.Generator, n_events: int, start_ms: int, end_ms: int):
    """(users, events): a clean simulated fortnight of both sites, about n_events events."""
    users = add_hashes(make_users(rng, max(8, round(n_events / EVENTS_PER_USER)), start_ms, end_ms))
    sess = _sessions(rng, users, end_ms)
    acts = _identity(_pages(rng, _actions(rng, sess), users), users)
    return users, _copies(rng, acts)
