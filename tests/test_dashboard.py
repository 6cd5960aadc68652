"""The dashboard on the audited sample: every page works, its key numbers equal summary() for the same
filters, and changing a filter changes what is shown."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from dashboard_fixtures import PAGES, app_test, sample_db, texts  # noqa: F401

from audit.db import connect
from audit.metrics.summary import summary
from audit.metrics.whatif import project
from audit.outputs.charts import PAIRING_LABELS
from dashboards.views import HEADLINES, metric_delta, metric_value


@pytest.fixture(scope="module")
def con(sample_db):  # noqa: F811
    c = connect(sample_db, read_only=True)
    yield c
    c.close()


def charts_of(at) -> list[dict]:
    """The Plotly specs drawn on the page."""
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)


def chosen_days(at) -> tuple:
    start, end = at.date_input(key="f_dates").value
    return start, end


def cards(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def expected_cards(now: dict, before: dict | None) -> dict[str, tuple[str, str]]:
    out = {}
    for key, label, kind, _better, _help in HEADLINES:
        prev = before["dedup"].get(key) if before else None
        value = now["dedup"][key]
        out[label] = (metric_value(kind, value), metric_delta(kind, value, prev) or "")
    return out


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_the_sample(page, sample_db, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.get("plotly_chart"), f"{page}: no chart drawn"


def test_overview_cards_equal_summary_with_deltas(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch)
    start, end = chosen_days(at)
    assert (end - start).days == 6, "two weeks of sample data: the default is the last 7 days"
    now = summary(con, start=start, end=end)
    before = summary(con, start=start - timedelta(days=7), end=start - timedelta(days=1))
    assert cards(at) == expected_cards(now, before)
    assert any(delta for _, delta in cards(at).values()), "the previous week has data: deltas are shown"


def test_overview_verdicts_cover_each_event_name(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch)
    start, end = chosen_days(at)
    board = at.dataframe[0].value
    assert list(board["Event name"]) == sorted(summary(con, start=start, end=end)["by_event_name"])
    assert set(board["Verdict"]) <= {"on target", "needs attention", "act now", "not enough data"}


def test_event_name_filter_changes_the_overview(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch)
    everything = cards(at)
    at.multiselect(key="f_names").select("Purchase").run()
    start, end = chosen_days(at)
    purchase = summary(con, start=start, end=end, event_names=["Purchase"])
    assert cards(at)["Real conversions"][0] == metric_value("count", purchase["dedup"]["conversions"])
    assert cards(at) != everything
    assert list(at.dataframe[0].value["Event name"]) == ["Purchase"]


def test_dataset_and_channel_filters_reach_the_summary(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch)
    dataset = at.selectbox(key="f_dataset").options[1]
    at.selectbox(key="f_dataset").select(dataset).run()
    at.radio(key="f_channel").set_value("Server (CAPI)").run()
    start, end = chosen_days(at)
    now = summary(con, dataset=dataset, start=start, end=end, channel="capi")
    assert cards(at)["Real conversions"][0] == metric_value("count", now["dedup"]["conversions"])
    assert f"{now['events']['capi']:,} from the server" in texts(at)


def test_deduplication_chart_adds_up_to_the_summary(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, "deduplication")
    start, end = chosen_days(at)
    d = summary(con, start=start, end=end)["dedup"]
    spec = charts_of(at)[0]
    assert sum(sum(t["x"]) for t in spec["data"]) == d["conversions"]
    assert sum(trace(spec, PAIRING_LABELS["deduplicated"])["x"]) == d["deduplicated_pairs"]
    assert sum(trace(spec, PAIRING_LABELS["capi_only"])["x"]) == d["recovered"]
    doubles = charts_of(at)[1]
    assert sum(doubles["data"][0]["y"]) == d["double_counts"]

    at.multiselect(key="f_names").select("PageView").run()
    assert charts_of(at)[0]["data"][0]["y"] == ["PageView"]


def test_example_pairs_mark_the_differing_field(sample_db, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, "deduplication")
    at.selectbox(key="dedup_cause").select("event_name_case_mismatch").run()
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table["Field"] == "Event name"].iloc[0]
    assert row["Browser (Pixel)"] != row["Server (CAPI)"]
    assert row["Browser (Pixel)"].lower() == row["Server (CAPI)"].lower()


def test_match_quality_equals_summary(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, "match_quality")
    start, end = chosen_days(at)
    by_name = summary(con, start=start, end=end)["by_event_name"]
    spec = charts_of(at)[0]
    server = trace(spec, "Server (CAPI)")
    assert server["x"], "server EMQ drawn"
    for name, emq in zip(server["x"], server["y"], strict=True):
        assert emq == pytest.approx(by_name[name]["match_quality"]["capi"], abs=0.006)
    assert "our estimate" in spec["layout"]["title"]["text"]


def test_date_range_changes_match_quality_and_coverage(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, "match_quality")
    start, end = chosen_days(at)
    before = trace(charts_of(at)[0], "Server (CAPI)")
    at.date_input(key="f_dates").set_value((start, start)).run()
    assert not at.exception
    after = trace(charts_of(at)[0], "Server (CAPI)")
    one_day = summary(con, start=start, end=start)["by_event_name"]
    for name, emq in zip(after["x"], after["y"], strict=True):
        assert emq == pytest.approx(one_day[name]["match_quality"]["capi"], abs=0.006)
    assert dict(zip(after["x"], after["y"], strict=True)) != dict(zip(before["x"], before["y"], strict=True))

    at = app_test(sample_db, monkeypatch, "parameters")
    week = charts_of(at)[0]["data"][0]
    at.date_input(key="f_dates").set_value((start, start)).run()
    day = charts_of(at)[0]["data"][0]
    col = day["x"].index("em")
    for name, row in zip(day["y"], day["z"], strict=True):
        assert row[col] == pytest.approx(one_day[name]["coverage"]["capi"]["em"]["valid"])
    assert day["z"] != week["z"]
    assert "does not apply" not in texts(at)


def test_whatif_slider_calls_the_projection(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, "match_quality")
    name = at.selectbox(key="mq_event").value
    at.slider(key=f"whatif_{name}_ph").set_value(80).run()
    assert not at.exception
    start, end = chosen_days(at)
    expected = project(con, name, {"ph": 0.8}, start=start, end=end)
    spec = charts_of(at)[-1]
    assert trace(spec, "with your changes")["y"] == pytest.approx([r["projected"] for r in expected])
    assert trace(spec, "now")["y"] == pytest.approx([r["current"] for r in expected])
    assert "moves from" in texts(at)


def test_parameter_heatmap_equals_summary_coverage(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, "parameters")
    start, end = chosen_days(at)
    coverage = summary(con, start=start, end=end)["by_event_name"]
    spec = charts_of(at)[0]  # server, valid
    heat = spec["data"][0]
    col = heat["x"].index("em")
    for name, row in zip(heat["y"], heat["z"], strict=True):
        assert row[col] == pytest.approx(coverage[name]["coverage"]["capi"]["em"]["valid"])


def test_findings_explorer_counts_filters_and_masks(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, "findings")
    start, end = chosen_days(at)
    total = sum(summary(con, start=start, end=end)["findings"].values())
    assert f"{total:,} flagged events" in texts(at)
    assert len(at.dataframe[0].value) == total
    first_rule = at.dataframe[0].value["rule_id"].iloc[0]
    at.multiselect(key="fx_rules").select(first_rule).run()
    shown = at.dataframe[0].value
    assert set(shown["rule_id"]) == {first_rule} and len(shown) < total
    at.multiselect(key="fx_rules").unselect(first_rule).run()
    csv = at.dataframe[0].value.to_csv()
    assert not re.search(r"\b[0-9a-f]{64}\b", csv), "a full hash reached the screen"
    assert "…" in csv


def test_data_page_equals_loads(sample_db, con, monkeypatch):  # noqa: F811
    at = app_test(sample_db, monkeypatch, "loads")
    read, loaded, quarantined = con.execute(
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) from loads").fetchall()[0]
    assert cards(at)["Records read"][0] == f"{read:,}"
    assert cards(at)["Loaded as events"][0] == f"{loaded:,}"
    assert cards(at)["Set aside"][0] == f"{quarantined:,}"


def test_findings_list_is_the_first_findings_joined_to_their_events(con):  # noqa: F811
    """The explorer's list picks its rows before the joins: the same rows, in the same order, as
    joining every finding to its event and then taking the first ones."""
    from audit.outputs import queries

    plain = """
        select f.rule_id, f.event_ref, f.detail, r.title, e.source_line, e.fbp
        from findings as f
        left join rules as r on r.rule_id = f.rule_id
        left join events as e on e.event_ref = f.event_ref
        where $rule is null or f.rule_id = $rule
        order by case f.severity when 'critical' then 0 when 'warning' then 1 else 2 end, f.event_time,
            f.rule_id, f.event_ref
        limit $limit
    """
    columns = ["rule_id", "event_ref", "detail", "title", "source_line", "fbp"]
    busiest = "select rule_id from findings group by 1 order by count(*) desc, 1 limit 1"
    rule = con.execute(busiest).fetchall()[0][0]
    for chosen, limit in ((None, 40), (rule, 7)):
        listed = queries.run(con, "findings_events", rules=[chosen] if chosen else None, limit=limit)
        expected = con.execute(plain, {"rule": chosen, "limit": limit}).df()
        assert len(listed) == limit
        assert listed[columns].astype(str).values.tolist() == expected[columns].astype(str).values.tolist()
    assert listed["source_line"].notna().all()


def test_findings_list_finds_the_event_of_a_finding_without_event_time():
    """The list joins findings to events on their ref and event_time: a missing time still matches."""
    from eventsets import pixel, store

    from audit.outputs import queries
    from audit.rules.engine import run_audit

    con = store([pixel("Purchase", "n-1", "2026-11-02T10:00:00Z"),
                 pixel("Purchase", "n-2", "2026-11-02T11:00:00Z")])
    con.execute("update events set event_time = null where event_id = 'n-1'")
    run_audit(con)
    listed = queries.run(con, "findings_events", rules=["purchase_value_missing"], limit=10)
    assert len(listed) == 2 and listed["event_time"].isna().sum() == 1
    lines = dict(con.execute("select event_ref, source_line from events").fetchall())
    assert listed["source_line"].tolist() == [lines[ref] for ref in listed["event_ref"]]
