"""Golden cases for the events rules: every case that must fire does, every twin that must not, doesn't.

All cases live in one event set audited once (refs name the rule and whether the case must fire), so
each rule is also checked against every other rule's events. Event names are Lead unless a case needs
Purchase (the default event has no value, which Purchase would flag).
"""

from __future__ import annotations

import pytest
from eventsets import capi, check_fires_only_on_planted, pixel, refs, store

from audit.db import connect
from audit.rules.engine import run_audit

T = "2026-11-02T10:00:00Z"
FIRES, CLEAN = "fires", "clean"


def ev(maker, rule: str, kind: str, n: int, name: str = "Lead", time: str = T, **cols) -> dict:
    """A case event whose ref says which rule it tests and whether that rule must fire."""
    return maker(name, f"{rule}-{kind}-{n}", time, event_ref=f"{rule}:{kind}:{n}", **cols)


CASES: dict[str, list[dict]] = {
    "event_name_nonstandard": [
        ev(capi, "event_name_nonstandard", FIRES, 1, name="purchase", value=5, currency="EUR"),
        ev(pixel, "event_name_nonstandard", FIRES, 2, name="Add To Cart"),
        ev(capi, "event_name_nonstandard", FIRES, 3, name="generate_lead"),
        ev(capi, "event_name_nonstandard", CLEAN, 1, name="AddToCart"),
        ev(pixel, "event_name_nonstandard", CLEAN, 2, name="NewsletterOptIn"),
    ],
    "event_time_milliseconds": [
        ev(capi, "event_time_milliseconds", FIRES, 1, event_time_raw="1793613600000"),
        ev(capi, "event_time_milliseconds", CLEAN, 1, event_time_raw="1793613600"),
        ev(pixel, "event_time_milliseconds", CLEAN, 2, event_time_raw="1793613600000"),
    ],
    "event_time_future": [
        ev(capi, "event_time_future", FIRES, 1, sent_at="2026-11-02T08:00:00Z"),
        ev(capi, "event_time_future", CLEAN, 1, sent_at="2026-11-02T10:05:00Z"),
        ev(capi, "event_time_future", CLEAN, 2, sent_at="2026-11-02T09:55:00Z"),  # within clock skew
        ev(pixel, "event_time_future", CLEAN, 3, sent_at="2026-11-02T08:00:00Z"),  # browser clock
        ev(capi, "event_time_future", CLEAN, 4, time="2030-01-01T00:00:00Z"),  # no send time known
    ],
    "event_time_too_old": [
        ev(capi, "event_time_too_old", FIRES, 1, time="2026-10-20T10:00:00Z", sent_at=T),
        # no sent_at of its own: the request's send time is used
        ev(capi, "event_time_too_old", FIRES, 2, time="2026-10-20T10:00:00Z", request_id="r-old",
           request_event_count=2),
        ev(capi, "event_time_too_old", CLEAN, 1, time="2026-10-30T10:00:00Z", sent_at=T,
           request_id="r-old", request_event_count=2),
        ev(capi, "event_time_too_old", CLEAN, 2, time="2026-10-01T10:00:00Z", sent_at=T,
           action_source="physical_store", event_source_url=None),
        ev(pixel, "event_time_too_old", CLEAN, 3, time="2026-10-20T10:00:00Z", sent_at=T),
    ],
    "send_delayed": [
        ev(capi, "send_delayed", FIRES, 1, sent_at="2026-11-02T13:00:00Z"),
        ev(capi, "send_delayed", FIRES, 2, sent_at="2026-11-04T10:00:00Z", action_source="physical_store"),
        ev(capi, "send_delayed", CLEAN, 1, sent_at="2026-11-02T10:30:00Z"),
        ev(capi, "send_delayed", CLEAN, 2, sent_at="2026-11-03T06:00:00Z", action_source="physical_store"),
        ev(capi, "send_delayed", CLEAN, 3, sent_at="2026-11-03T22:00:00Z", action_source="system_generated"),
        ev(capi, "send_delayed", CLEAN, 4, sent_at="2026-11-12T10:00:00Z"),  # too old, not "delayed"
    ],
    "action_source_missing": [
        ev(capi, "action_source_missing", FIRES, 1, action_source=None),
        ev(capi, "action_source_missing", FIRES, 2, action_source=" "),
        ev(pixel, "action_source_missing", CLEAN, 1, action_source=None),
    ],
    "action_source_invalid": [
        ev(capi, "action_source_invalid", FIRES, 1, action_source="Website"),
        ev(capi, "action_source_invalid", FIRES, 2, action_source="web"),
        ev(capi, "action_source_invalid", CLEAN, 1, action_source="app"),
    ],
    "event_source_url_missing": [
        ev(capi, "event_source_url_missing", FIRES, 1, event_source_url=None),
        ev(capi, "event_source_url_missing", FIRES, 2, event_source_url=""),
        ev(capi, "event_source_url_missing", CLEAN, 1, event_source_url=None, action_source="physical_store"),
        ev(pixel, "event_source_url_missing", CLEAN, 2, event_source_url=None),
    ],
    "purchase_value_missing": [
        ev(capi, "purchase_value_missing", FIRES, 1, name="Purchase", currency="EUR"),
        ev(pixel, "purchase_value_missing", FIRES, 2, name="Purchase", value=10),
        ev(capi, "purchase_value_missing", FIRES, 3, name="Purchase", value_raw="ten", currency="EUR"),
        ev(capi, "purchase_value_missing", CLEAN, 1, name="Purchase", value=10, currency="EUR"),
        ev(capi, "purchase_value_missing", CLEAN, 2, name="Lead"),
    ],
    "currency_invalid": [
        ev(capi, "currency_invalid", FIRES, 1, currency="€"),
        ev(pixel, "currency_invalid", FIRES, 2, currency="euro"),
        ev(capi, "currency_invalid", FIRES, 3, currency="XYZ"),
        ev(capi, "currency_invalid", CLEAN, 1, currency="usd"),
        ev(pixel, "currency_invalid", CLEAN, 2, currency="EUR"),
    ],
    "delivery_error": [
        ev(capi, "delivery_error", FIRES, 1, response_status="error", error_code=100, error_subcode=2804003,
           error_message="Event Timestamp Too Old"),
        ev(capi, "delivery_error", CLEAN, 1, response_status="ok", events_received=1, request_event_count=1),
    ],
    "events_received_short": [
        ev(capi, "events_received_short", FIRES, 1, response_status="ok", events_received=2,
           request_event_count=3),
        ev(capi, "events_received_short", CLEAN, 1, response_status="ok", events_received=3,
           request_event_count=3),
    ],
}


@pytest.fixture(scope="module")
def audited():
    """One audit over every case."""
    con = store([row for rows in CASES.values() for row in rows])
    run_audit(con)
    return con


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_its_cases_and_not_on_their_twins(audited, rule_id):
    check_fires_only_on_planted(audited, rule_id, CASES[rule_id])


def test_one_finding_per_event_and_rule(audited):
    dupes = audited.execute(
        "select rule_id, event_ref, count(*) from findings group by all having count(*) > 1"
    ).fetchall()
    assert dupes == []


def test_details_say_what_was_seen(audited):
    detail = dict(audited.execute("select rule_id || '/' || event_ref, detail from findings").fetchall())
    assert "'purchase'" in detail["event_name_nonstandard/event_name_nonstandard:fires:1"]
    assert "'Lead'" in detail["event_name_nonstandard/event_name_nonstandard:fires:3"]
    assert "1793613600" in detail["event_time_milliseconds/event_time_milliseconds:fires:1"]
    assert "2.0 hours" in detail["event_time_future/event_time_future:fires:1"]
    assert "whole request with its 2 events" in detail["event_time_too_old/event_time_too_old:fires:2"]
    assert "3.0 hours" in detail["send_delayed/send_delayed:fires:1"]
    assert "'website'" in detail["action_source_invalid/action_source_invalid:fires:1"]
    assert "'ten' is not a number" in detail["purchase_value_missing/purchase_value_missing:fires:3"]
    assert "no currency" in detail["purchase_value_missing/purchase_value_missing:fires:2"]
    assert "100/2804003: Event Timestamp Too Old" in detail["delivery_error/delivery_error:fires:1"]
    assert "2 of the 3" in detail["events_received_short/events_received_short:fires:1"]


def test_future_time_falls_back_to_when_the_log_was_loaded():
    con = store([capi("Lead", "f-1", "2026-11-05T10:00:00Z", event_ref="late"),
                 capi("Lead", "f-2", "2026-11-03T10:00:00Z", event_ref="fine")])
    con.execute(
        "insert into loads values ('test', 'capi.jsonl', 'capi.jsonl', 'x', 'capi_graph', 'capi', null,"
        " 2, 2, 0, 0, timestamptz '2026-11-04 00:00:00+00')"
    )
    run_audit(con)
    assert refs(con, "event_time_future") == {"late"}
    detail = con.execute("select detail from findings where rule_id = 'event_time_future'").fetchone()[0]
    assert "after the log was loaded" in detail


def test_rules_run_on_an_empty_store():
    con = connect(None)
    ran = run_audit(con)
    assert ran["event_time_future"] == 0 and ran["delivery_error"] == 0
