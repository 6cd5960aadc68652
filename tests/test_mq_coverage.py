"""parameter_coverage, dedup_key_coverage, timing_daily and delivery_outcomes on a small hand-counted set."""

from __future__ import annotations

import pytest
from eventsets import capi, pixel, sha, store

from audit.rules.engine import run_audit

T = "2026-11-02T10:00:00Z"


@pytest.fixture(scope="module")
def audited():
    rows = [
        # four production server Leads: ph valid twice, a placeholder once, absent once
        capi("Lead", "c-1", T, ph=sha("33612345671"), sent_at="2026-11-02T10:01:00Z",
             response_status="ok", events_received=2, request_event_count=2, request_id="r1"),
        capi("Lead", "c-2", T, ph=sha("33612345672"), sent_at="2026-11-02T10:03:00Z",
             response_status="ok", events_received=2, request_event_count=2, request_id="r1"),
        capi("Lead", "c-3", T, ph=sha("null"), client_ip_address="10.0.0.3",
             sent_at="2026-11-02T10:05:00Z", response_status="error", error_code=100, error_subcode=2804019,
             error_message="Invalid parameter"),
        capi("Lead", None, T, fbp=None, sent_at="2026-11-02T10:07:00Z",
             response_status="ok", events_received=1, request_event_count=2),
        # test traffic is left out of every number
        capi("Lead", "c-5", T, ph=sha("33612345675"), test_event_code="TEST42", response_status="ok"),
        # two browser Leads, one without event_id; a hashed fbp is present but not valid
        pixel("Lead", "p-1", T, sent_at="2026-11-02T10:00:01Z"),
        pixel("Lead", None, T, fbp=sha("cookie"), sent_at="2026-11-02T10:00:03Z"),
    ]
    con = store(rows)
    run_audit(con)
    return con


def coverage(con, channel: str, parameter: str) -> tuple:
    return con.execute(
        "select events, present, valid, present_share, valid_share from parameter_coverage"
        " where event_name = 'Lead' and channel = ? and parameter = ?", [channel, parameter]
    ).fetchone()


def test_every_parameter_has_a_row_per_channel(audited):
    rows = audited.execute(
        "select channel, count(*), count(distinct parameter) from parameter_coverage group by channel"
    ).fetchall()
    assert sorted(rows) == [("capi", 15, 15), ("pixel", 15, 15)]


def test_present_and_valid_counts(audited):
    assert coverage(audited, "capi", "ph") == (4, 3, 2, 0.75, 0.5)
    assert coverage(audited, "capi", "client_ip_address") == (4, 4, 3, 1.0, 0.75)
    assert coverage(audited, "capi", "fbp") == (4, 3, 3, 0.75, 0.75)
    assert coverage(audited, "capi", "fbc") == (4, 0, 0, 0.0, 0.0)
    assert coverage(audited, "pixel", "fbp") == (2, 2, 1, 1.0, 0.5)
    assert coverage(audited, "pixel", "em") == (2, 2, 2, 1.0, 1.0)


def test_dataset_is_never_null(audited):
    for table in ("parameter_coverage", "dedup_key_coverage", "timing_daily", "delivery_outcomes",
                  "match_quality"):
        assert audited.execute(f"select count(*) from {table} where dataset_id is null").fetchone()[0] == 0
        assert audited.execute(f"select count(*) from {table}").fetchone()[0] > 0, table


def test_dedup_key_coverage(audited):
    rows = {r[0]: r[1:] for r in audited.execute(
        "select dedup_key, pixel_events, pixel_with_key, capi_events, capi_with_key, pixel_share, capi_share"
        " from dedup_key_coverage where event_name = 'Lead'"
    ).fetchall()}
    assert rows["event_id"] == (2, 1, 4, 3, 0.5, 0.75)
    assert rows["fbp"] == (2, 2, 4, 3, 1.0, 0.75)
    assert rows["external_id"] == (2, 2, 4, 4, 1.0, 1.0)


def test_timing_daily_latency_and_responses(audited):
    row = audited.execute(
        "select pixel_latency_p50_s, capi_latency_p50_s, capi_latency_p95_s, capi_requests_ok,"
        " capi_requests_error, capi_events_short from timing_daily where event_name = 'Lead'"
    ).fetchone()
    assert row[0] == pytest.approx(2.0)
    assert row[1] == pytest.approx(240.0)  # 60, 180, 300, 420 s
    assert row[2] == pytest.approx(402.0)  # interpolated: 300 + 0.85 x 120
    assert row[3:] == (3, 1, 1)


def test_delivery_outcomes(audited):
    rows = audited.execute(
        "select outcome, error_code, error_subcode, error_message, events from delivery_outcomes"
        " where event_name = 'Lead' order by outcome"
    ).fetchall()
    assert rows == [
        ("error", 100, 2804019, "Invalid parameter", 1),
        ("ok", None, None, None, 2),
        ("short", None, None, None, 1),
    ]


def test_daily_metrics_view_carries_timing(audited):
    row = audited.execute(
        "select capi_requests_ok, capi_requests_error, capi_events_short from daily_metrics"
        " where event_name = 'Lead'"
    ).fetchone()
    assert row == (3, 1, 1)
