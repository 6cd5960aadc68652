"""summary(): the JSON contract of `summary --json`, read from the audit outputs, with real filters."""

from __future__ import annotations

from datetime import date

import pytest
from eventsets import capi, pixel, sha, store

from audit.errors import AuditError
from audit.metrics.emq import estimate
from audit.metrics.summary import share, summary
from audit.rules.engine import run_audit


def user(n: int) -> dict:
    return {"em": sha(f"s{n}@example.com"), "external_id": f"c-{n}", "fbp": f"fb.1.1762000000000.{n}"}


@pytest.fixture(scope="module")
def con():
    """Two days, two datasets, three event names, one near miss, one test event."""
    rows = [
        pixel("Purchase", "d1-a", "2026-11-02T10:00:00Z", value=10, currency="EUR", **user(1)),
        capi("Purchase", "d1-a", "2026-11-02T10:00:05Z", value=10, currency="EUR", **user(1)),
        pixel("Purchase", "d1-b", "2026-11-02T11:00:00Z", value=15, currency="EUR", **user(2)),
        capi("purchase", "d1-b", "2026-11-02T11:00:05Z", value=15, currency="EUR", **user(2)),
        capi("Lead", "d2-a", "2026-11-03T09:00:00Z", **user(3)),
        pixel("Lead", "d2-b", "2026-11-03T09:30:00Z", **user(4)),
        pixel("PageView", "d2-c", "2026-11-03T10:00:00Z", dataset_id="222", **user(5)),
        capi("PageView", "d2-c", "2026-11-03T10:00:01Z", dataset_id="222", **user(5)),
        capi("Purchase", "qa-1", "2026-11-03T12:00:00Z", test_event_code="TEST1", value=1, currency="EUR"),
    ]
    con = store(rows)
    run_audit(con)
    return con


def test_contract_keys_and_shares_are_fractions(con):
    s = summary(con)
    assert set(s) >= {"events", "dedup", "findings", "by_event_name"}
    assert set(s["dedup"]) >= {
        "conversions", "counted_by_meta", "deduplicated_pairs", "dedup_rate", "double_counts",
        "inflation_rate", "inflated_value", "event_coverage", "recovered",
    }
    assert s["events"] == {"pixel": 4, "capi": 4}
    assert s["test_events"] == 1
    d = s["dedup"]
    assert (d["conversions"], d["counted_by_meta"], d["double_counts"], d["recovered"]) == (5, 6, 1, 1)
    assert d["inflated_value"] == {"EUR": 15.0}
    for key in ("dedup_rate", "inflation_rate", "event_coverage"):
        assert 0 <= d[key] <= 1
    assert d["dedup_rate"] == pytest.approx(2 / 3)
    assert s["findings"]["event_name_case_mismatch"] == 1
    assert s["findings"]["test_event_code_present"] == 1
    assert set(s["by_event_name"]) >= {"Purchase", "Lead", "PageView"}
    assert s["by_event_name"]["Purchase"]["dedup"]["double_counts"] == 1


def test_day_range_filters_every_number(con):
    day1 = summary(con, start=date(2026, 11, 2), end=date(2026, 11, 2))
    day2 = summary(con, start="2026-11-03", end="2026-11-03")
    assert day1["dedup"]["conversions"] == 2 and day2["dedup"]["conversions"] == 3
    assert day1["events"] == {"pixel": 2, "capi": 2} and day2["events"] == {"pixel": 2, "capi": 2}
    assert day1["findings"]["test_event_code_present"] == 0
    assert day2["findings"]["test_event_code_present"] == 1
    assert day2["dedup"]["inflated_value"] == {}
    assert summary(con, start="2026-11-04")["dedup"]["conversions"] == 0


def test_dataset_and_event_name_filters(con):
    only_222 = summary(con, dataset="222")
    assert only_222["dedup"]["conversions"] == 1 and set(only_222["by_event_name"]) == {"PageView"}
    leads = summary(con, event_names=["Lead"])
    assert leads["dedup"]["conversions"] == 2 and leads["dedup"]["recovered"] == 1
    assert leads["events"] == {"pixel": 1, "capi": 1}
    assert summary(con, names=("Lead",))["dedup"] == leads["dedup"]


def test_channel_narrows_events_and_findings_but_not_dedup(con):
    server = summary(con, channel="capi")
    assert server["events"] == {"capi": 4}
    assert server["findings"]["event_name_case_mismatch"] == 1  # anchored on the server copy
    browser = summary(con, channel="pixel")
    assert browser["findings"]["event_name_case_mismatch"] == 0
    assert browser["dedup"] == summary(con)["dedup"]
    with pytest.raises(AuditError):
        summary(con, channel="email")


def test_coverage_and_match_quality_come_from_their_daily_tables(con):
    cur = con.cursor()
    cur.execute("create temp table saved_cov as select * from parameter_coverage_daily")
    cur.execute("create temp table saved_mq as select * from emq_inputs_daily")
    try:
        cur.execute("delete from parameter_coverage_daily")
        cur.execute("delete from emq_inputs_daily")
        cur.execute(
            "insert into parameter_coverage_daily values"
            " ('111', 'Lead', 'capi', 'em', '2026-11-02', 4, 3, 2),"
            " ('222', 'Lead', 'capi', 'em', '2026-11-03', 4, 1, 0)"
        )
        # e-mail on every sufficient event in dataset 111, on none in dataset 222
        cur.execute(
            "insert into emq_inputs_daily values"
            " ('111', 'Lead', 'capi', 'em', '2026-11-02', 4, 4, 4),"
            " ('222', 'Lead', 'capi', 'em', '2026-11-03', 12, 12, 0)"
        )
        lead = summary(cur)["by_event_name"]["Lead"]
        assert lead["coverage"] == {"capi": {"em": {"present": 0.5, "valid": 0.25}}}
        only_em = round(estimate({"em": 1.0}), 2)
        assert lead["match_quality"] == {"capi": round(only_em * 4 / 16, 2)}
        assert summary(cur, dataset="111")["by_event_name"]["Lead"]["match_quality"] == {"capi": only_em}
        day2 = summary(cur, start="2026-11-03", end="2026-11-03")["by_event_name"]["Lead"]
        assert day2["coverage"] == {"capi": {"em": {"present": 0.25, "valid": 0.0}}}
        assert day2["match_quality"] == {"capi": 0.0}
        assert summary(cur, channel="pixel")["by_event_name"]["Lead"]["coverage"] == {}
    finally:
        cur.execute("delete from parameter_coverage_daily")
        cur.execute("delete from emq_inputs_daily")
        cur.execute("insert into parameter_coverage_daily select * from saved_cov")
        cur.execute("insert into emq_inputs_daily select * from saved_mq")


def test_unaudited_database_is_a_user_error():
    with pytest.raises(AuditError, match="capi-audit audit"):
        summary(store([pixel("Lead", "x", "2026-11-02T10:00:00Z")]))


def test_bad_day_is_a_user_error(con):
    with pytest.raises(AuditError, match="YYYY-MM-DD"):
        summary(con, start="2 Nov")


def test_share_is_none_without_a_denominator():
    assert share(1, 0) is None and share(None, 3) is None and share(1, 4) == 0.25


def test_day_range_is_a_utc_day_at_its_edges_in_any_session_time_zone():
    """The day filter compares times with the UTC day's bounds: the last microsecond of a day and the first
    of the next fall on their own days, whatever the session's time zone (summary and latency chart)."""
    from audit.outputs import queries

    rows = [
        pixel("Lead", "e-1", "2026-11-02T00:00:00Z", sent_at="2026-11-02T00:00:30Z"),
        pixel("Lead", "e-2", "2026-11-02T23:59:59.999999Z", sent_at="2026-11-03T00:00:30Z"),
        pixel("Lead", "e-3", "2026-11-03T00:00:00Z", sent_at="2026-11-03T00:20:00Z"),
        pixel("Lead", "e-4", "2026-11-01T23:59:59.999999Z", sent_at="2026-11-02T00:00:30Z"),
    ]
    con = store(rows)
    run_audit(con)
    con.execute("set TimeZone = 'America/Los_Angeles'")
    for day, expected in ((date(2026, 11, 1), 1), (date(2026, 11, 2), 2), (date(2026, 11, 3), 1)):
        assert summary(con, start=day, end=day)["events"] == {"pixel": expected, "capi": 0}
        hist = queries.run(con, "latency_histogram", dataset=None, start=day, end=day, names=None,
                           channel=None)
        assert int(hist["events"].sum()) == expected
    assert summary(con, start=date(2026, 11, 2), end=date(2026, 11, 3))["events"] == {"pixel": 3, "capi": 0}
