"""timing_daily's send-latency percentiles, worked out from counts, equal DuckDB's quantile_cont.

The metric avoids quantile_cont (its per-group state of every value filled 60 GB of disk at 50 M events a
side under 4 GB), so quantile_cont itself is the oracle here: on the seeded sample and on a set built to
hit the edges (ties, one event in a group, odd and even counts, missing sent_at, a day with no Pixel).
Same groups, same positions; the interpolated values may differ in the last bit of a double, because
DuckDB's build fuses quantile_cont's multiply-add (fma) and SQL arithmetic rounds each step.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventsets import capi, pixel, store

from audit.cli.demo import sample_logs
from audit.db import connect
from audit.ingest import load_files
from audit.rules.engine import run_audit
from audit.sample import generate

# The metric as it was written with quantile_cont (before 0.2.6).
QUANTILE_CONT = """
with production as (
    select coalesce(dataset_id, 'unknown') as dataset_id, event_name,
        cast(timezone('UTC', event_time) as date) as day, channel,
        epoch(sent_at) - epoch(event_time) as latency_s
    from events
    where test_event_code is null and event_time is not null
)
select
    dataset_id, event_name, day,
    quantile_cont(latency_s, 0.5) filter (where channel = 'pixel'),
    quantile_cont(latency_s, 0.95) filter (where channel = 'pixel'),
    quantile_cont(latency_s, 0.5) filter (where channel = 'capi'),
    quantile_cont(latency_s, 0.95) filter (where channel = 'capi')
from production
group by all
order by all
"""
METRIC = """
select dataset_id, event_name, day, pixel_latency_p50_s, pixel_latency_p95_s, capi_latency_p50_s,
    capi_latency_p95_s
from timing_daily
order by all
"""


def same(got: list[tuple], expected: list[tuple]) -> bool:
    """Rows equal: keys exactly, percentiles to 1e-12 relative (NULL only where quantile_cont has NULL)."""
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g[:3] == e[:3]
        for a, b in zip(g[3:], e[3:], strict=True):
            assert (a is None) == (b is None), (g, e)
            assert a is None or a == pytest.approx(b, rel=1e-12, abs=1e-12), (g, e)
    return True


def edge_rows() -> list[dict]:
    """Groups of 1 to 9 latencies with ties, a missing sent_at, a CAPI-only day."""
    base = datetime(2026, 11, 2, 10, tzinfo=UTC)
    rows = []
    latencies = {"Lead": [5, 5, 5, 7, 60, 60, 61.5, 3600, 2], "Purchase": [1.25], "AddToCart": [3, 3],
                 "ViewContent": [0, 10, 20]}
    for name, values in latencies.items():
        for i, seconds in enumerate(values):
            sent = (base + timedelta(seconds=seconds)).isoformat()
            rows.append(capi(name, f"{name}-c{i}", base.isoformat(), sent_at=sent))
            if name != "AddToCart":
                rows.append(pixel(name, f"{name}-p{i}", base.isoformat(),
                                  sent_at=(base + timedelta(seconds=seconds / 4)).isoformat()))
    rows.append(capi("Lead", "no-sent-at", base.isoformat()))  # no latency: left out of the percentiles
    later = base + timedelta(days=1)
    rows.append(capi("Lead", "day2", later.isoformat(), sent_at=(later + timedelta(seconds=9)).isoformat()))
    return rows


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("timing-sample")
    generate(out, events=1500, seed=11)
    con = connect(None)
    for channel, files in sample_logs(out).items():
        load_files(con, files, channel)
    run_audit(con)
    return con


def test_percentiles_equal_quantile_cont_on_the_sample(sample):
    expected = sample.execute(QUANTILE_CONT).fetchall()
    assert len(expected) > 20  # many dataset x event x day groups
    assert any(row[5] is not None and row[5] != row[6] for row in expected)  # interpolated p95s
    assert same(sample.execute(METRIC).fetchall(), expected)


def test_percentiles_equal_quantile_cont_on_the_edges():
    con = store(edge_rows())
    run_audit(con)
    expected = con.execute(QUANTILE_CONT).fetchall()
    assert same(con.execute(METRIC).fetchall(), expected)
    lead = next(r for r in expected if r[1] == "Lead" and r[2].day == 2)
    assert lead[5] == 7.0  # CAPI Lead p50 over 2, 5, 5, 5, 7, 60, 60, 61.5, 3600
    adds = next(r for r in expected if r[1] == "AddToCart")
    assert adds[3] is None and adds[5] == 3.0  # no Pixel events that day
