"""The weekly report on hand-made weeks: its numbers are summary()'s, its HTML is self-contained,
and --fail-on-regression exits 1 on a planted regression but 0 on an unchanged week."""

from __future__ import annotations

import json
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from eventsets import capi, pixel, sha, store
from typer.testing import CliRunner

from audit.cli import app
from audit.db import connect
from audit.metrics.summary import summary
from audit.outputs.report import write_report
from audit.rules.engine import run_audit

PREVIOUS = date(2026, 10, 26)  # Monday of 2026-W44
CURRENT = date(2026, 11, 2)  # Monday of 2026-W45
PER_DAY = 4


def conversion(day: date, i: int, server_id_differs: bool = False, server_email: bool = True) -> list[dict]:
    """One Purchase sent by browser and server; the server may use its own event id (Meta counts it twice)
    or leave out the e-mail (match quality drops)."""
    key = f"{day.isoformat()}-{i}"
    user = {
        "em": sha(f"buyer-{key}@example.com"),
        "external_id": f"cust-{key}",
        "fbp": f"fb.1.1761000000000.{day.toordinal()}{i:03d}",
        "client_ip_address": f"198.51.100.{i + 1}",
        "order_id": f"order-{key}",
        "value": 20.0,
        "currency": "EUR",
    }
    at = f"{day.isoformat()}T1{i}:00:00Z"
    server_at = f"{day.isoformat()}T1{i}:00:04Z"
    return [
        pixel("Purchase", f"ev-{key}", at, **user),
        capi("Purchase", f"srv-{key}" if server_id_differs else f"ev-{key}", server_at,
             **(user if server_email else {**user, "em": None})),
    ]


def two_weeks(broken_from: date | None = None, email_lost_from: date | None = None) -> list[dict]:
    """Two ISO weeks of clean Purchases; from `broken_from` on the server sends its own event ids, from
    `email_lost_from` on it sends no e-mail."""
    rows = []
    for offset in range(14):
        day = PREVIOUS + timedelta(days=offset)
        broken = broken_from is not None and day >= broken_from
        no_email = email_lost_from is not None and day >= email_lost_from
        for i in range(PER_DAY):
            rows += conversion(day, i, server_id_differs=broken, server_email=not no_email)
    return rows


def audited_db(path, rows):
    """Audit the rows in memory (fast), then save the workspace to a DuckDB file for the CLI."""
    con = connect(None)
    if rows:
        store(rows, con)
    run_audit(con)
    con.execute(f"attach '{path}' as saved; copy from database memory to saved; detach saved")
    con.close()
    return path


@pytest.fixture(scope="module")
def regressed_db(tmp_path_factory):
    """The server switches to its own event ids on Wednesday of the reported week."""
    path = tmp_path_factory.mktemp("report") / "regressed.duckdb"
    return audited_db(path, two_weeks(broken_from=CURRENT + timedelta(days=2)))


@pytest.fixture(scope="module")
def emq_drop_db(tmp_path_factory):
    """Deduplication stays perfect, but the server sends no e-mail from Tuesday of the reported week."""
    path = tmp_path_factory.mktemp("report") / "emq-drop.duckdb"
    return audited_db(path, two_weeks(email_lost_from=CURRENT + timedelta(days=1)))


@pytest.fixture(scope="module")
def steady_db(tmp_path_factory):
    """Two identical clean weeks."""
    return audited_db(tmp_path_factory.mktemp("report") / "steady.duckdb", two_weeks())


@pytest.fixture(scope="module")
def regressed_report(regressed_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("regressed-out")
    con = connect(regressed_db, read_only=True)
    payload = write_report(con, out)
    expected = summary(con, start=CURRENT, end=CURRENT + timedelta(6))
    previous = summary(con, start=PREVIOUS, end=PREVIOUS + timedelta(6))
    con.close()
    return out, payload, expected, previous


def run_cli(*args):
    return CliRunner().invoke(app, ["report", *map(str, args)])


def test_default_week_is_the_last_complete_iso_week(regressed_report):
    _, payload, _, _ = regressed_report
    assert payload["report"]["week"] == "2026-W45"
    assert payload["report"]["previous_week"] == "2026-W44"
    assert payload["report"]["complete"] is True


def test_report_json_numbers_equal_summary_for_the_same_week(regressed_report):
    """report.json's summary is summary() of the week; its headline rows read the same numbers."""
    out, _, expected, previous = regressed_report
    written = json.loads((out / "report.json").read_text())
    assert written["summary"] == json.loads(json.dumps(expected))
    assert written["previous_summary"] == json.loads(json.dumps(previous))
    for row in written["headline"]:
        assert row["current"] == expected["dedup"][row["key"]], row["key"]
        assert row["previous"] == previous["dedup"][row["key"]], row["key"]
    assert written["events"]["current"] == expected["events"]
    assert written["inflated_value"]["current"] == expected["dedup"]["inflated_value"]
    findings = {f["rule_id"]: f["findings"] for f in written["top_findings"]}
    assert findings == {k: v for k, v in expected["findings"].items() if v} | findings
    assert all(expected["findings"][rule] == n for rule, n in findings.items())


def test_report_json_equals_the_summary_command(regressed_db, regressed_report):
    """The same numbers as `capi-audit summary --json --since ... --until ...` for that week."""
    out, _, _, _ = regressed_report
    res = CliRunner().invoke(app, ["summary", "--db", str(regressed_db), "--json",
                                   "--since", "2026-11-02", "--until", "2026-11-08"])
    assert res.exit_code == 0, res.output
    cli = json.loads(res.stdout)
    written = json.loads((out / "report.json").read_text())["summary"]
    cli.pop("filters")
    written.pop("filters")
    assert cli == written


def test_planted_regression_is_reported_with_the_day_it_started(regressed_report):
    _, payload, expected, previous = regressed_report
    assert previous["dedup"]["dedup_rate"] == 1.0 and expected["dedup"]["dedup_rate"] < 0.5
    regs = {(r["scope"], r["metric"]): r for r in payload["what_broke"]["regressions"]}
    assert ("All events", "dedup.dedup_rate") in regs and ("Purchase", "dedup.dedup_rate") in regs
    assert regs[("Purchase", "dedup.dedup_rate")]["changed_on"] == "2026-11-04"
    assert ("All events", "dedup.inflation_rate") in regs
    started = {r["rule_id"] for r in payload["what_broke"]["rules_started"]}
    assert "event_id_mismatch" in started
    assert payload["what_broke"]["failing"] is True
    verdict = {v["event_name"]: v for v in payload["verdicts"]}["Purchase"]
    assert verdict["level"] == "fix"


def test_markdown_tells_the_same_story(regressed_report):
    out, _, expected, _ = regressed_report
    md = (out / "report.md").read_text()
    assert md.startswith("# Tracking audit: week 2026-W45")
    assert "Purchase: Deduplication rate went from 100.0 % to" in md
    assert f"| {expected['dedup']['double_counts']:,} |" in md
    assert "http" not in md
    assert len(md.splitlines()) < 80


class Tags(HTMLParser):
    """Collects every tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained(regressed_report):
    """No script, style or image is fetched from anywhere: the file opens offline."""
    out, _, _, _ = regressed_report
    html = (out / "report.html").read_text()
    parser = Tags()
    parser.feed(html)
    scripts = [a for t, a in parser.tags if t == "script"]
    assert scripts and all("src" not in a for a in scripts)
    assert not [a for t, a in parser.tags if t == "link"]
    assert not [a for t, a in parser.tags if t in ("img", "iframe") and "://" in a.get("src", "")]
    assert html.count("plotly.js v") == 1, "plotly.js must be embedded exactly once"
    for div in ("chart-conversions", "chart-double-counts", "chart-match-quality", "chart-delivery"):
        assert f'id="{div}"' in html


def test_html_shows_no_raw_email(regressed_report):
    out, _, _, _ = regressed_report
    html = (out / "report.html").read_text()
    assert "@example.com" not in html
    assert "buyer-" not in html


def test_fail_on_regression_exits_1_on_the_planted_regression(regressed_db, tmp_path):
    res = run_cli("--db", regressed_db, "--out", tmp_path / "r", "--fail-on-regression")
    assert res.exit_code == 1, res.output
    assert (tmp_path / "r" / "report.html").exists()


def test_emq_drop_is_a_regression_with_the_week_numbers(emq_drop_db, tmp_path):
    res = run_cli("--db", emq_drop_db, "--out", tmp_path / "q", "--fail-on-regression")
    assert res.exit_code == 1, res.output
    payload = json.loads((tmp_path / "q" / "report.json").read_text())
    regressions = {r["metric"]: r for r in payload["what_broke"]["regressions"] if r["scope"] == "Purchase"}
    assert set(regressions) == {"match_quality.capi", "coverage.capi.em.valid"}
    emq = regressions["match_quality.capi"]
    assert emq["previous"] - emq["current"] > 0.5
    assert regressions["coverage.capi.em.valid"]["current"] == pytest.approx(1 / 7)
    assert regressions["coverage.capi.em.valid"]["previous"] == 1.0
    con = connect(emq_drop_db, read_only=True)
    week = summary(con, start=CURRENT, end=CURRENT + timedelta(6))["by_event_name"]["Purchase"]
    before = summary(con, start=PREVIOUS, end=PREVIOUS + timedelta(6))["by_event_name"]["Purchase"]
    con.close()
    entry = {e["event_name"]: e for e in payload["by_event_name"]}["Purchase"]
    assert entry["match_quality"]["capi"] == week["match_quality"]["capi"] == emq["current"]
    assert entry["match_quality_change"]["capi"] == pytest.approx(
        week["match_quality"]["capi"] - before["match_quality"]["capi"])
    assert entry["match_quality_change"]["pixel"] == 0
    assert entry["valid_change"]["capi"]["em"] == pytest.approx(1 / 7 - 1)
    markdown = (tmp_path / "q" / "report.md").read_text()
    assert "Estimated match quality of server events went from" in markdown
    assert f"({entry['match_quality_change']['capi']:+.1f})" in markdown
    assert "all events" not in markdown.split("## Estimated match quality", 1)[1].split("\n", 1)[0]


def test_unchanged_week_does_not_fail(steady_db, tmp_path):
    res = run_cli("--db", steady_db, "--out", tmp_path / "s", "--fail-on-regression")
    assert res.exit_code == 0, res.output
    payload = json.loads((tmp_path / "s" / "report.json").read_text())
    assert payload["what_broke"] == {"regressions": [], "rules_started": [], "failing": False}
    assert {v["event_name"]: v["level"] for v in payload["verdicts"]} == {"Purchase": "ok"}


def test_without_the_flag_a_regression_still_exits_0(regressed_db, tmp_path):
    assert run_cli("--db", regressed_db, "--out", tmp_path / "x").exit_code == 0


def test_explicit_week_and_its_previous(regressed_db, tmp_path):
    res = run_cli("--db", regressed_db, "--out", tmp_path / "w", "--week", "2026-W44")
    assert res.exit_code == 0, res.output
    payload = json.loads((tmp_path / "w" / "report.json").read_text())
    assert (payload["report"]["week"], payload["report"]["has_previous"]) == ("2026-W44", False)
    assert payload["what_broke"]["regressions"] == []
    assert payload["headline"][0]["previous"] is None


def test_bad_week_and_empty_database_are_user_errors(steady_db, tmp_path):
    from audit.errors import ConfigError, StoreError

    res = run_cli("--db", steady_db, "--out", tmp_path / "b", "--week", "45")
    assert isinstance(res.exception, ConfigError)
    empty = tmp_path / "empty.duckdb"
    audited_db(empty, [])
    res = run_cli("--db", empty, "--out", tmp_path / "e")
    assert isinstance(res.exception, StoreError) and "no events" in str(res.exception)
    missing = run_cli("--db", tmp_path / "nope.duckdb", "--out", tmp_path / "n")
    assert isinstance(missing.exception, StoreError)


def test_dataset_option_narrows_the_report_to_one_dataset(tmp_path):
    """--dataset reports one Pixel's events only; the numbers are summary(dataset=...)'s."""
    rows = two_weeks() + [
        pixel("Lead", f"other-{i}", f"2026-11-0{3 + i % 4}T09:00:00Z", dataset_id="222") for i in range(6)
    ]
    db = audited_db(tmp_path / "two.duckdb", rows)
    res = run_cli("--db", db, "--out", tmp_path / "d", "--dataset", "222")
    assert res.exit_code == 0, res.output
    payload = json.loads((tmp_path / "d" / "report.json").read_text())
    con = connect(db, read_only=True)
    expected = summary(con, dataset="222", start=CURRENT, end=CURRENT + timedelta(6))
    con.close()
    assert payload["summary"] == json.loads(json.dumps(expected))
    assert list(payload["summary"]["by_event_name"]) == ["Lead"]
    assert payload["report"]["dataset"] == "222" and payload["report"]["complete"] is False
    unknown = run_cli("--db", db, "--out", tmp_path / "u", "--dataset", "999")
    assert "no events for dataset 999" in str(unknown.exception)
