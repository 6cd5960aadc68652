"""The estimated EMQ model: calibration points, properties, and match_quality as the audit writes it."""

from __future__ import annotations

import json

import pytest
from eventsets import capi, pixel, sha, store
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.metrics.emq import estimate, explain, model, parameters
from audit.rules.engine import run_audit

BROWSER_ONLY = {"fbp": 1.0, "client_ip_address": 1.0, "client_user_agent": 1.0}


@pytest.mark.parametrize("fbc", [0.0, 0.3, 0.6])
def test_browser_only_data_lands_between_4_and_6(fbc):
    assert 4.0 <= estimate({**BROWSER_ONLY, "fbc": fbc}) <= 6.0


def test_email_phone_click_and_browser_data_reach_8():
    full = {"em": 1.0, "ph": 1.0, "fbc": 1.0, **BROWSER_ONLY}
    assert estimate(full) >= 8.0


def test_metas_target_of_6_needs_more_than_browser_data():
    assert estimate({**BROWSER_ONLY, "fbc": 0.5}) < 6.0 <= estimate({**BROWSER_ONLY, "fbc": 0.5, "em": 0.6})


def test_nothing_scores_zero_and_everything_scores_ten():
    assert estimate({}) == 0.0
    assert estimate({k: 1.0 for k in parameters()}) == pytest.approx(10.0)


def test_unknown_parameter_and_share_out_of_range_are_refused():
    with pytest.raises(ValueError, match="unknown parameters"):
        estimate({"email": 1.0})
    with pytest.raises(ValueError, match="outside 0..1"):
        estimate({"em": 1.5})


def test_weights_file_starts_from_the_documented_weights():
    w = model().weights
    assert (w["em"], w["ph"], w["fbc"], w["external_id"], w["fbp"]) == (3.0, 2.0, 1.5, 1.0, 0.75)
    assert w["fn"] + w["ln"] == pytest.approx(0.5)
    assert sum(w[k] for k in ("ct", "st", "zp", "country", "db", "ge")) == pytest.approx(0.25, abs=0.001)


coverages = st.fixed_dictionaries({}, optional={k: st.floats(0.0, 1.0) for k in model().weights})
shares = st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(coverages, shares)
def test_estimate_is_bounded(cov, insufficient):
    assert 0.0 <= estimate(cov, insufficient) <= 10.0


@settings(max_examples=200, deadline=None)
@given(coverages, shares, st.sampled_from(list(model().weights)), st.floats(0.0, 1.0))
def test_estimate_never_decreases_when_a_coverage_rises(cov, insufficient, key, extra):
    before = estimate(cov, insufficient)
    raised = {**cov, key: min(1.0, cov.get(key, 0.0) + extra)}
    assert estimate(raised, insufficient) >= before - 1e-12


@settings(max_examples=200, deadline=None)
@given(coverages, shares)
def test_insufficient_events_contribute_nothing(cov, insufficient):
    assert estimate(cov, insufficient) == pytest.approx((1 - insufficient) * estimate(cov, 0.0), abs=1e-9)
    assert estimate(cov, 1.0) == 0.0


@settings(max_examples=100, deadline=None)
@given(coverages, shares)
def test_explain_adds_up_to_the_estimate(cov, insufficient):
    points = explain(cov, insufficient)
    assert set(points) == set(model().weights)
    assert sum(points.values()) == pytest.approx(estimate(cov, insufficient), abs=1e-9)
    assert all(v >= 0 for v in points.values())


def keys(n: int) -> dict:
    return {"em": sha(f"u{n}@example.com"), "ph": sha(f"3361234{n:04d}"), "external_id": f"c-{n}",
            "fbp": f"fb.1.1762000000000.{n}", "client_ip_address": f"198.51.100.{n}"}


def test_match_quality_per_channel_with_insufficient_events_scoring_nothing():
    t = "2026-11-02T10:00:00Z"
    weak = {"em": None, "external_id": None, "fbp": None, "client_ip_address": None, "ct": sha("paris")}
    rows = [
        capi("Lead", "l-1", t, **keys(1)),
        capi("Lead", "l-2", t, **keys(2)),
        capi("Lead", "l-3", t, **weak),
        capi("Lead", "l-4", t, **weak),
        pixel("Lead", "l-1", t, **keys(1)),
        pixel("Lead", "l-2", t, **keys(2)),
        capi("Lead", "l-5", t, test_event_code="TEST1", **weak),  # test traffic: left out
    ]
    con = store(rows)
    run_audit(con)
    mq = {r[0]: r[1:] for r in con.execute(
        "select channel, events, estimated_emq, drivers from match_quality where event_name = 'Lead'"
    ).fetchall()}
    assert set(mq) == {"pixel", "capi", "combined"}
    full = {"em": 1.0, "ph": 1.0, "external_id": 1.0, "fbp": 1.0, "client_ip_address": 1.0,
            "client_user_agent": 1.0}
    assert mq["capi"][0] == 4
    assert mq["capi"][1] == pytest.approx(0.5 * estimate(full), abs=0.01)
    assert mq["pixel"][1] == pytest.approx(estimate(full), abs=0.01)
    assert mq["combined"][0] == 6
    assert mq["combined"][1] == pytest.approx(estimate(full, insufficient_share=2 / 6), abs=0.01)
    drivers = json.loads(mq["capi"][2])
    assert sum(drivers.values()) == pytest.approx(mq["capi"][1], abs=0.02)
    assert drivers["em"] > drivers["fbp"] > 0 and drivers["fbc"] == 0
