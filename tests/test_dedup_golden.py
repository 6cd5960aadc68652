"""Golden cases for the dedup rules: each scenario of dedup_spec fires its rule, its twin must not.

Findings are anchored on the CAPI event with the Pixel event as the pair (except event_id_missing,
anchored on the event without an id, and the within-channel rules). Each case also checks the
conversion row in event_pairs and the headline numbers Meta would count.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventsets import capi, pixel, sha, store

from audit.metrics.summary import summary
from audit.rules.engine import AuditSettings, run_audit

DEDUP_RULES = (
    "event_name_case_mismatch", "event_id_whitespace", "event_id_missing", "event_id_mismatch",
    "pair_outside_window", "duplicate_within_channel", "event_id_reused", "dataset_mismatch",
    "test_event_code_present",
)


def user(n: int) -> dict:
    """Customer keys both channels agree on."""
    return {"em": sha(f"buyer{n}@example.com"), "external_id": f"cust-{n}", "fbp": f"fb.1.1762000000000.{n}"}


def audit_of(rows: list[dict], **settings):
    """Audit exactly these events; returns the connection."""
    con = store(rows)
    run_audit(con, AuditSettings(**settings))
    return con


def dedup_findings(con) -> set[tuple]:
    """(rule_id, event_ref, paired_event_ref) of every dedup finding."""
    rows = con.execute(
        "select rule_id, event_ref, paired_event_ref from findings where area = 'dedup'"
    ).fetchall()
    return set(rows)


def pairs(con) -> list[dict]:
    cur = con.execute("select * from event_pairs order by conversion_id")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def severities(con, rule_id: str) -> list[str]:
    rows = con.execute("select severity from findings where rule_id = ? order by event_ref", [rule_id])
    return [r[0] for r in rows.fetchall()]


def headline(con) -> dict:
    return summary(con)["dedup"]


def test_clean_pair_is_deduplicated_and_flags_nothing():
    p = pixel("Purchase", "abc-1", "2026-11-02T10:00:00Z", value=10, currency="EUR", **user(1))
    c = capi("Purchase", "abc-1", "2026-11-02T10:00:05Z", value=10, currency="EUR", **user(1))
    con = audit_of([p, c])
    assert dedup_findings(con) == set()
    [row] = pairs(con)
    assert row["pairing"] == "deduplicated" and row["matched_by"] == "event_id"
    assert row["counted_by_meta"] == 1 and row["meta_dedups"] and row["kept_channel"] == "pixel"
    assert row["time_gap_seconds"] == 5
    h = headline(con)
    assert (h["conversions"], h["counted_by_meta"], h["double_counts"]) == (1, 1, 0)
    assert h["dedup_rate"] == 1.0 and h["event_coverage"] == 1.0 and h["inflated_value"] == {}


@pytest.mark.parametrize(("capi_name", "fires"), [("purchase", True), ("Purchase", False)])
def test_event_name_case_mismatch(capi_name, fires):
    p = pixel("Purchase", "abc-2", "2026-11-02T10:00:00Z", value=25, currency="eur", **user(2))
    c = capi(capi_name, "abc-2", "2026-11-02T10:00:05Z", value=25, currency="eur", **user(2))
    con = audit_of([p, c])
    expected = {("event_name_case_mismatch", c["event_ref"], p["event_ref"])} if fires else set()
    assert dedup_findings(con) == expected
    [row] = pairs(con)
    assert row["pairing"] == ("event_name_case_mismatch" if fires else "deduplicated")
    h = headline(con)
    assert (h["conversions"], h["counted_by_meta"], h["double_counts"]) == (1, 2 if fires else 1, int(fires))
    assert h["inflated_value"] == ({"EUR": 25.0} if fires else {})
    if fires:
        detail = con.execute("select detail from findings where rule_id = 'event_name_case_mismatch'")
        assert detail.fetchone()[0] == "Pixel sent 'Purchase', server sent 'purchase'"


@pytest.mark.parametrize(("pixel_id", "fires"), [("abc-123 ", True), ("abc-123", False)])
def test_event_id_whitespace(pixel_id, fires):
    p = pixel("Lead", pixel_id, "2026-11-02T10:00:00Z", **user(3))
    c = capi("Lead", "abc-123", "2026-11-02T10:01:00Z", **user(3))
    con = audit_of([p, c])
    expected = {("event_id_whitespace", c["event_ref"], p["event_ref"])} if fires else set()
    assert dedup_findings(con) == expected
    [row] = pairs(con)
    assert row["pairing"] == ("event_id_whitespace" if fires else "deduplicated")
    assert row["counted_by_meta"] == (2 if fires else 1)


@pytest.mark.parametrize(("hours", "fires"), [(49, True), (47, False)])
def test_pair_outside_window(hours, fires):
    kw = dict(value=40, currency="USD", order_id="77", **user(4))
    p = pixel("Purchase", "ord-77", "2026-11-02T10:00:00Z", **kw)
    c = capi("Purchase", "ord-77", datetime(2026, 11, 2, 10, tzinfo=UTC) + timedelta(hours=hours), **kw)
    con = audit_of([p, c])
    expected = {("pair_outside_window", c["event_ref"], p["event_ref"])} if fires else set()
    assert dedup_findings(con) == expected
    [row] = pairs(con)
    assert row["pairing"] == ("pair_outside_window" if fires else "deduplicated")
    assert row["time_gap_seconds"] == hours * 3600
    h = headline(con)
    assert (h["conversions"], h["counted_by_meta"]) == (1, 2 if fires else 1)
    assert h["inflated_value"] == ({"USD": 40.0} if fires else {})


def test_outside_window_pairs_without_customer_keys_unless_the_values_differ():
    """Beyond 48 h, identical keys are one conversion unless value or customer ids disagree."""
    p = pixel("AddToCart", "atc-1", "2026-11-02T10:00:00Z", value=58.46, currency="USD",
              em=None, external_id=None, fbp=None)
    same = capi("AddToCart", "atc-1", "2026-11-04T11:00:00Z", value=58.46, currency="USD",
                em=None, external_id=None, fbp=None)
    con = audit_of([p, same])
    assert dedup_findings(con) == {("pair_outside_window", same["event_ref"], p["event_ref"])}
    other = capi("AddToCart", "atc-1", "2026-11-04T11:00:00Z", value=12.0, currency="USD",
                 em=None, external_id=None, fbp=None)
    con = audit_of([p, other])
    assert dedup_findings(con) == {("event_id_reused", other["event_ref"], p["event_ref"])}
    assert headline(con)["conversions"] == 2


def test_window_uses_sent_at_when_the_log_has_it():
    """A server event whose event_time is 49 h after the click but sent within minutes still dedups."""
    p = pixel("Purchase", "ord-78", "2026-11-02T10:00:00Z", sent_at="2026-11-04T11:00:00Z", **user(5))
    c = capi("Purchase", "ord-78", "2026-11-04T11:00:00Z", sent_at="2026-11-04T11:02:00Z", **user(5))
    con = audit_of([p, c])
    assert dedup_findings(con) == set()
    assert pairs(con)[0]["pairing"] == "deduplicated"


@pytest.mark.parametrize(("capi_order", "fires"), [("1001", True), ("1002", False)])
def test_event_id_mismatch_by_order_id(capi_order, fires):
    """Pixel sends a UUID, CAPI the order-database id: the same order_id proves one conversion."""
    p = pixel("Purchase", "6f1c2a4e-9b1d-4a57-8f3e-1d2c3b4a5f60", "2026-11-02T10:00:00Z",
              value=99.5, currency="EUR", order_id="1001")
    c = capi("Purchase", "order-1001", "2026-11-02T10:03:00Z", value=99.5, currency="EUR",
             order_id=capi_order)
    con = audit_of([p, c])
    expected = {("event_id_mismatch", c["event_ref"], p["event_ref"])} if fires else set()
    assert dedup_findings(con) == expected
    kinds = sorted(r["pairing"] for r in pairs(con))
    assert kinds == (["event_id_mismatch"] if fires else ["capi_only", "pixel_only"])
    if fires:
        assert pairs(con)[0]["matched_by"] == "order_id"
    h = headline(con)
    assert (h["conversions"], h["counted_by_meta"]) == ((1, 2) if fires else (2, 2))
    assert h["recovered"] == (0 if fires else 1)
    assert h["inflated_value"] == ({"EUR": 99.5} if fires else {})


@pytest.mark.parametrize(("minutes", "fires"), [(9, True), (11, False)])
def test_event_id_mismatch_fresh_server_uuid(minutes, fires):
    """The server made a new UUID; same external_id and fbp within the evidence tolerance."""
    p = pixel("AddToCart", "a1b2c3d4-0000-4000-8000-000000000001", "2026-11-02T10:00:00Z", **user(6))
    c = capi("AddToCart", "ffffffff-1111-4111-8111-111111111111", f"2026-11-02T10:{minutes:02d}:00Z",
             external_id=user(6)["external_id"], fbp=user(6)["fbp"], em=None)
    con = audit_of([p, c])
    expected = {("event_id_mismatch", c["event_ref"], p["event_ref"])} if fires else set()
    assert dedup_findings(con) == expected
    if fires:
        [row] = pairs(con)
        assert row["matched_by"] == "external_id" and row["counted_by_meta"] == 2
    else:
        assert headline(con)["conversions"] == 2


def test_event_id_on_one_side_only_is_critical():
    p = pixel("Purchase", None, "2026-11-02T10:00:00Z", order_id="5005", value=12, currency="EUR")
    c = capi("Purchase", "5005", "2026-11-02T10:00:30Z", order_id="5005", value=12, currency="EUR")
    con = audit_of([p, c])
    assert dedup_findings(con) == {("event_id_missing", p["event_ref"], c["event_ref"])}
    assert severities(con, "event_id_missing") == ["critical"]
    [row] = pairs(con)
    assert row["pairing"] == "event_id_missing" and row["counted_by_meta"] == 2


def test_empty_event_id_counts_as_missing_and_pairs_by_customer():
    c = capi("Lead", "", "2026-11-02T10:00:30Z", **user(7))
    p = pixel("Lead", "lead-7", "2026-11-02T10:00:00Z", **user(7))
    con = audit_of([p, c])
    assert dedup_findings(con) == {("event_id_missing", c["event_ref"], p["event_ref"])}


def test_event_id_missing_on_single_channel_is_a_warning_and_ids_present_are_not_flagged():
    lone = pixel("ViewContent", None, "2026-11-02T10:00:00Z")
    with_id = capi("ViewContent", "vc-1", "2026-11-02T12:00:00Z")
    con = audit_of([lone, with_id])
    assert dedup_findings(con) == {("event_id_missing", lone["event_ref"], None)}
    assert severities(con, "event_id_missing") == ["warning"]
    assert sorted(r["pairing"] for r in pairs(con)) == ["capi_only", "pixel_only"]


@pytest.mark.parametrize("retry", [True, False])
def test_capi_retry_is_a_within_channel_duplicate(retry):
    kw = dict(value=30, currency="EUR", order_id="3003", **user(8))
    p = pixel("Purchase", "3003", "2026-11-02T10:00:00Z", **kw)
    c1 = capi("Purchase", "3003", "2026-11-02T10:00:10Z", **kw)
    c2 = capi("Purchase", "3003", "2026-11-02T10:02:10Z", **kw)
    con = audit_of([p, c1, c2] if retry else [p, c1])
    expected = {("duplicate_within_channel", c2["event_ref"], c1["event_ref"])} if retry else set()
    assert dedup_findings(con) == expected
    [row] = pairs(con)
    assert row["pairing"] == "deduplicated" and row["counted_by_meta"] == 1
    assert row["capi_repeats"] == int(retry)
    h = headline(con)
    assert (h["conversions"], h["counted_by_meta"], h["double_counts"]) == (1, 1, 0)
    assert h["repeat_events"] == int(retry)
    assert summary(con)["events"] == {"pixel": 1, "capi": 2 if retry else 1}


def test_pixel_double_fire_is_a_within_channel_duplicate():
    p1 = pixel("Lead", "lead-9", "2026-11-02T10:00:00Z", **user(9))
    p2 = pixel("Lead", "lead-9", "2026-11-02T10:00:02Z", **user(9))
    con = audit_of([p1, p2])
    assert dedup_findings(con) == {("duplicate_within_channel", p2["event_ref"], p1["event_ref"])}
    assert headline(con)["conversions"] == 1


@pytest.mark.parametrize("reused", [True, False])
def test_one_id_reused_on_two_orders(reused):
    """Orders A and B two hours apart share one event_id: Meta keeps A and drops B."""
    second_id = "same-id" if reused else "other-id"
    a = dict(value=10, currency="EUR", order_id="A", **user(10))
    b = dict(value=70, currency="EUR", order_id="B", **user(11))
    p1 = pixel("Purchase", "same-id", "2026-11-02T10:00:00Z", **a)
    c1 = capi("Purchase", "same-id", "2026-11-02T10:00:20Z", **a)
    p2 = pixel("Purchase", second_id, "2026-11-02T12:00:00Z", **b)
    c2 = capi("Purchase", second_id, "2026-11-02T12:00:20Z", **b)
    con = audit_of([p1, c1, p2, c2])
    expected = (
        {("event_id_reused", p2["event_ref"], p1["event_ref"]),
         ("event_id_reused", c2["event_ref"], c1["event_ref"])}
        if reused else set()
    )
    assert dedup_findings(con) == expected
    assert [r["pairing"] for r in pairs(con)] == ["deduplicated", "deduplicated"]
    h = headline(con)
    assert h["conversions"] == 2
    assert h["counted_by_meta"] == (1 if reused else 2)
    assert h["lost_conversions"] == int(reused) and h["double_counts"] == 0


def test_same_visitor_reusing_an_id_a_day_later_is_a_new_conversion_not_a_repeat():
    """Same id, same visitor, no value: a send whose event_time moved by a day is another conversion."""
    kw = user(22)
    first = pixel("Lead", "lead-x", "2026-11-02T10:00:00Z", **kw)
    again = pixel("Lead", "lead-x", "2026-11-03T14:00:00Z", **kw)
    con = audit_of([first, again])
    assert dedup_findings(con) == {("event_id_reused", again["event_ref"], first["event_ref"])}
    h = headline(con)
    assert (h["conversions"], h["repeat_events"]) == (2, 0)


def test_one_id_reused_days_apart_is_flagged_but_counted():
    kw = dict(value=5, currency="EUR", **user(12))
    p1 = pixel("Lead", "lead", "2026-11-02T10:00:00Z", **kw)
    c1 = capi("Lead", "lead", "2026-11-02T10:00:20Z", **kw)
    p2 = pixel("Lead", "lead", "2026-11-05T10:00:00Z", **kw)
    c2 = capi("Lead", "lead", "2026-11-05T10:00:20Z", **kw)
    con = audit_of([p1, c1, p2, c2])
    assert dedup_findings(con) == {
        ("event_id_reused", p2["event_ref"], p1["event_ref"]),
        ("event_id_reused", c2["event_ref"], c1["event_ref"]),
    }
    h = headline(con)
    assert (h["conversions"], h["counted_by_meta"], h["lost_conversions"]) == (2, 2, 0)


def test_a_constant_id_on_many_conversions_pairs_each_with_its_own_copy():
    """'undefined' on 60 conversions an hour apart: each browser copy pairs with its server copy."""
    start = datetime(2026, 11, 2, tzinfo=UTC)
    rows, expected = [], set()
    for i in range(60):
        t = start + timedelta(hours=i)
        p = pixel("Lead", "undefined", t, **user(100 + i))
        c = capi("Lead", "undefined", t + timedelta(seconds=20), **user(100 + i))
        rows += [p, c]
        expected.add((p["event_ref"], c["event_ref"]))
    con = audit_of(rows)
    got = {(r["pixel_event_ref"], r["capi_event_ref"]) for r in pairs(con)}
    assert got == expected
    h = headline(con)
    assert h["conversions"] == 60 and h["deduplicated_pairs"] == 60
    reused = con.execute("select count(*) from findings where rule_id = 'event_id_reused'").fetchone()[0]
    assert reused == 118  # both copies of the 59 later conversions
    assert h["lost_conversions"] == 59  # each arrives within 48 h of an earlier copy of the same id


@pytest.mark.parametrize(("capi_dataset", "fires"), [("222", True), ("111", False)])
def test_same_conversion_sent_to_two_datasets(capi_dataset, fires):
    p = pixel("Purchase", "ds-1", "2026-11-02T10:00:00Z", dataset_id="111", value=8, currency="GBP",
              **user(13))
    c = capi("Purchase", "ds-1", "2026-11-02T10:00:40Z", dataset_id=capi_dataset, value=8, currency="GBP",
             **user(13))
    con = audit_of([p, c])
    expected = {("dataset_mismatch", c["event_ref"], p["event_ref"])} if fires else set()
    assert dedup_findings(con) == expected
    [row] = pairs(con)
    assert row["pairing"] == ("dataset_mismatch" if fires else "deduplicated")
    h = headline(con)
    assert (h["conversions"], h["counted_by_meta"]) == (1, 2 if fires else 1)


@pytest.mark.parametrize("test_code", ["TEST4242", None])
def test_test_events_are_flagged_and_left_out(test_code):
    p = pixel("Purchase", "t-1", "2026-11-02T10:00:00Z", value=3, currency="EUR", **user(14))
    c = capi("Purchase", "t-1", "2026-11-02T10:00:05Z", value=3, currency="EUR", test_event_code=test_code,
             **user(14))
    con = audit_of([p, c])
    expected = {("test_event_code_present", c["event_ref"], None)} if test_code else set()
    assert dedup_findings(con) == expected
    [row] = pairs(con)
    assert row["pairing"] == ("pixel_only" if test_code else "deduplicated")
    s = summary(con)
    assert s["events"] == {"pixel": 1, "capi": 0 if test_code else 1}
    assert s["test_events"] == (1 if test_code else 0)
    assert s["dedup"]["conversions"] == 1 and s["dedup"]["recovered"] == 0


def test_evidence_pairing_never_uses_an_event_twice():
    """Two browser Leads from one customer, one server Lead: one pair, one browser-only conversion."""
    p1 = pixel("Lead", "l-1", "2026-11-02T10:00:00Z", **user(15))
    p2 = pixel("Lead", "l-2", "2026-11-02T10:04:00Z", **user(15))
    c = capi("Lead", "srv-9", "2026-11-02T10:05:00Z", **user(15))
    con = audit_of([p1, p2, c])
    rows = pairs(con)
    assert sorted(r["pairing"] for r in rows) == ["event_id_mismatch", "pixel_only"]
    matched = next(r for r in rows if r["pairing"] == "event_id_mismatch")
    assert matched["pixel_event_ref"] == p2["event_ref"]  # the closer one
    refs = [r["pixel_event_ref"] for r in rows] + [r["capi_event_ref"] for r in rows]
    assert len([x for x in refs if x]) == len({x for x in refs if x}) == 3


def test_evidence_chain_resolves_over_rounds():
    """p1-c1-p2-c2 in one customer's burst: mutual-best rounds pair all four, none twice."""
    p1 = pixel("PageView", "p-1", "2026-11-02T10:00:00Z", **user(16))
    c1 = capi("PageView", "s-1", "2026-11-02T10:01:00Z", **user(16))
    p2 = pixel("PageView", "p-2", "2026-11-02T10:01:30Z", **user(16))
    c2 = capi("PageView", "s-2", "2026-11-02T10:03:00Z", **user(16))
    con = audit_of([p1, c1, p2, c2])
    rows = pairs(con)
    assert [r["pairing"] for r in rows] == ["event_id_mismatch", "event_id_mismatch"]
    assert {(r["pixel_event_ref"], r["capi_event_ref"]) for r in rows} == {
        (p1["event_ref"], c2["event_ref"]), (p2["event_ref"], c1["event_ref"])
    }


@pytest.mark.parametrize(("pixel_delay", "kept"), [("10:03:00", "pixel"), ("10:07:00", "capi")])
def test_browser_copy_preferred_within_five_minutes(pixel_delay, kept):
    c = capi("Purchase", "pref-1", "2026-11-02T10:00:00Z", **user(17))
    p = pixel("Purchase", "pref-1", f"2026-11-02T{pixel_delay}Z", **user(17))
    con = audit_of([c, p])
    [row] = pairs(con)
    assert row["kept_channel"] == kept and row["counted_by_meta"] == 1


def test_inflated_value_is_kept_per_currency():
    rows = [
        pixel("Purchase", "e-1", "2026-11-02T10:00:00Z", value=10, currency="EUR", **user(18)),
        capi("purchase", "e-1", "2026-11-02T10:00:05Z", value=10, currency="eur", **user(18)),
        pixel("Purchase", "u-1", "2026-11-02T11:00:00Z", value=7.5, currency="USD", **user(19)),
        capi("Purchase", "u-1 ", "2026-11-02T11:00:05Z", value=7.5, currency="USD", **user(19)),
        pixel("Purchase", "u-2", "2026-11-02T12:00:00Z", value=99, currency="USD", **user(20)),
        capi("Purchase", "u-2", "2026-11-02T12:00:05Z", value=99, currency="USD", **user(20)),
    ]
    con = audit_of(rows)
    h = headline(con)
    assert (h["conversions"], h["counted_by_meta"], h["double_counts"]) == (3, 5, 2)
    assert h["inflated_value"] == {"EUR": 10.0, "USD": 7.5}
    assert h["inflation_rate"] == pytest.approx(2 / 3)
    assert h["dedup_rate"] == pytest.approx(1 / 3)


def test_rerunning_the_audit_gives_the_same_result():
    rows = [
        pixel("Purchase", "r-1", "2026-11-02T10:00:00Z", **user(21)),
        capi("purchase", "r-1", "2026-11-02T10:00:05Z", **user(21)),
        capi("Lead", None, "2026-11-02T10:00:05Z"),
    ]
    con = audit_of(rows)
    first = (pairs(con), sorted(dedup_findings(con)), summary(con))
    run_audit(con)
    assert (pairs(con), sorted(dedup_findings(con)), summary(con)) == first


def test_every_dedup_rule_has_a_golden_case_here():
    source = open(__file__, encoding="utf-8").read()
    missing = [r for r in DEDUP_RULES if source.count(f'"{r}"') < 2]
    assert not missing, f"no golden case for {missing}"
