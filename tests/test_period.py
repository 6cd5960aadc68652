"""Coverage and estimated EMQ for a date range: per-day tables, the period estimate, summary() and what-if."""

from __future__ import annotations

import json

import pytest
from eventsets import capi, pixel, sha, store

from audit.metrics.emq import estimate
from audit.metrics.period import coverage, match_quality, pooled_drivers
from audit.metrics.summary import summary
from audit.metrics.whatif import project
from audit.rules.engine import run_audit

DAY1, DAY2 = "2026-11-02", "2026-11-03"


def lead(n: int, day: str, with_email: bool, dataset: str = "111") -> list[dict]:
    """One Lead on both channels; the e-mail and phone only when with_email."""
    keys = {
        "em": sha(f"p{n}@example.com") if with_email else None,
        "ph": sha(f"3361234{n:04d}") if with_email else None,
        "external_id": f"c-{n}",
        "fbp": f"fb.1.1762000000000.{n}",
        "client_ip_address": f"198.51.100.{n}",
    }
    t = f"{day}T10:{n % 60:02d}:00Z"
    return [pixel("Lead", f"l-{n}", t, dataset_id=dataset, **keys),
            capi("Lead", f"l-{n}", t, dataset_id=dataset, **keys)]


@pytest.fixture(scope="module")
def con():
    """Leads with e-mail and phone on day 1, without them on day 2 (a tracking change broke them)."""
    rows = []
    for n in range(6):
        rows += lead(n, DAY1, with_email=True)
    for n in range(6, 10):
        rows += lead(n, DAY2, with_email=False)
    rows += lead(10, DAY2, with_email=True, dataset="222")
    rows.append(capi("Purchase", "p-1", f"{DAY1}T12:00:00Z", value=5, currency="EUR"))
    c = store(rows)
    run_audit(c)
    return c


def test_daily_tables_sum_to_the_all_period_ones(con):
    diff = con.execute("""
        with d as (
            select dataset_id, event_name, channel, parameter,
                   sum(events) as events, sum(present) as present, sum(valid) as valid
            from parameter_coverage_daily group by all
        )
        select count(*) from parameter_coverage p
        full join d using (dataset_id, event_name, channel, parameter)
        where p.events is distinct from d.events or p.present is distinct from d.present
           or p.valid is distinct from d.valid
    """).fetchone()[0]
    assert diff == 0
    days = con.execute("select distinct day from parameter_coverage_daily order by 1").fetchall()
    assert [str(d[0]) for d in days] == [DAY1, DAY2]
    keys = con.execute("""
        with d as (
            select dataset_id, event_name, dedup_key, sum(pixel_events) as pe, sum(pixel_with_key) as pk,
                   sum(capi_events) as ce, sum(capi_with_key) as ck
            from dedup_key_coverage_daily group by all
        )
        select count(*) from dedup_key_coverage k full join d using (dataset_id, event_name, dedup_key)
        where (k.pixel_events, k.pixel_with_key, k.capi_events, k.capi_with_key)
              is distinct from (d.pe, d.pk, d.ce, d.ck)
    """).fetchone()[0]
    assert keys == 0
    assert con.execute("select sum(capi_events) from dedup_key_coverage_daily where dedup_key = 'fbp' "
                       f"and event_name = 'Lead' and day = '{DAY2}'").fetchone()[0] == 5


def test_unfiltered_period_estimate_is_the_stored_match_quality(con):
    stored = con.execute(
        "select dataset_id, event_name, channel, events, estimated_emq, drivers from match_quality"
    ).fetchall()
    computed = [(q.dataset_id, q.event_name, q.channel, q.events, q.estimated_emq, q.drivers)
                for q in match_quality(con)]
    assert [(*r[:5], json.loads(r[5])) for r in stored] == computed
    assert {r[2] for r in stored} == {"pixel", "capi", "combined"}


def test_a_date_range_gives_that_range_estimate(con):
    day1, day2 = (
        {(q.dataset_id, q.channel): q for q in match_quality(con, start=d, end=d, event_names=["Lead"])}
        for d in (DAY1, DAY2)
    )
    assert day1[("111", "capi")].events == 6 and day2[("111", "capi")].events == 4
    assert day1[("111", "capi")].valid_coverage["em"] == 1.0
    assert day2[("111", "capi")].valid_coverage["em"] == 0.0
    assert day1[("111", "capi")].estimated_emq == round(estimate(day1[("111", "capi")].valid_coverage), 2)
    assert day1[("111", "capi")].estimated_emq - day2[("111", "capi")].estimated_emq > 3
    assert ("222", "capi") not in day1 and ("222", "capi") in day2
    pooled = match_quality(con, start=DAY2, end=DAY2, event_names=["Lead"], pooled=True)
    capi_pooled = next(q for q in pooled if q.channel == "capi")
    assert capi_pooled.dataset_id is None and capi_pooled.events == 5
    assert capi_pooled.valid_coverage["em"] == pytest.approx(1 / 5)
    drivers = pooled_drivers([q for q in match_quality(con, event_names=["Lead"]) if q.channel == "capi"])
    assert drivers["em"] > 0 and drivers["ph"] > 0


def test_coverage_for_a_date_range(con):
    chosen = coverage(con, start=DAY2, end=DAY2, event_names=["Lead"])
    rows = {(r["channel"], r["parameter"]): r for r in chosen}
    assert rows[("capi", "em")]["events"] == 5
    assert rows[("capi", "em")]["valid"] == pytest.approx(1 / 5)
    assert rows[("capi", "fbp")]["valid"] == 1.0


def test_summary_follows_the_date_range(con):
    everything = summary(con)["by_event_name"]["Lead"]
    day1 = summary(con, start=DAY1, end=DAY1)["by_event_name"]["Lead"]
    day2 = summary(con, start=DAY2, end=DAY2)["by_event_name"]["Lead"]
    assert day1["coverage"]["capi"]["em"]["valid"] == 1.0
    assert day2["coverage"]["capi"]["em"]["valid"] == pytest.approx(1 / 5)
    assert everything["coverage"]["capi"]["em"]["valid"] == pytest.approx(7 / 11)
    assert day1["match_quality"]["capi"] > everything["match_quality"]["capi"] > day2["match_quality"]["capi"]
    assert day1["coverage"] != everything["coverage"]
    whole_range = summary(con, start=DAY1, end=DAY2)
    assert whole_range["by_event_name"] == summary(con)["by_event_name"]
    wide = summary(con, start="2026-10-01", end="2026-12-31", channel="capi")
    assert wide["by_event_name"] == summary(con, channel="capi")["by_event_name"]


def test_whatif_projects_from_the_chosen_days(con):
    day2 = {r["channel"]: r for r in project(con, "Lead", {"ph": 1.0}, start=DAY2, end=DAY2)}
    everything = {r["channel"]: r for r in project(con, "Lead", {"ph": 1.0})}
    assert day2["capi"]["events"] == 5 and everything["capi"]["events"] == 11
    assert day2["capi"]["current"] < everything["capi"]["current"]
    assert day2["capi"]["projected"] > day2["capi"]["current"]
