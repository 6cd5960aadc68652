"""`capi-audit audit` and `summary`: load + audit a workspace file, headline text, JSON, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from eventsets import capi, pixel, sha, store
from typer.testing import CliRunner

from audit.cli import app
from audit.db import connect
from audit.errors import ConfigError

runner = CliRunner()

PIXEL_URLS = (
    "https://www.facebook.com/tr/?id=111&ev=Purchase&eid=web-1&ts=1762077600000"
    "&dl=https%3A%2F%2Fshop.example.com%2Fthanks&cd[value]=10&cd[currency]=EUR&fbp=fb.1.1762000000000.1\n"
    "https://www.facebook.com/tr/?id=111&ev=Purchase&eid=web-2&ts=1762081200000"
    "&dl=https%3A%2F%2Fshop.example.com%2Fthanks&cd[value]=20&cd[currency]=EUR&fbp=fb.1.1762000000000.2\n"
)
CAPI_BODIES = [
    {"data": [{"event_name": "Purchase", "event_time": 1762077605, "event_id": "web-1",
               "action_source": "website", "user_data": {"fbp": "fb.1.1762000000000.1"},
               "custom_data": {"value": 10, "currency": "EUR"}}]},
    {"data": [{"event_name": "purchase", "event_time": 1762081205, "event_id": "web-2",
               "action_source": "website", "user_data": {"fbp": "fb.1.1762000000000.2"},
               "custom_data": {"value": 20, "currency": "EUR"}}]},
]


@pytest.fixture()
def logs(tmp_path: Path) -> tuple[Path, Path]:
    px = tmp_path / "pixel.txt"
    px.write_text(PIXEL_URLS, encoding="utf-8")
    cp = tmp_path / "capi.jsonl"
    cp.write_text("".join(json.dumps(b) + "\n" for b in CAPI_BODIES), encoding="utf-8")
    return px, cp


def summary_json(db: Path, *args: str) -> dict:
    res = runner.invoke(app, ["summary", "--db", str(db), "--json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_audit_loads_both_logs_and_prints_the_headline(tmp_path, logs):
    db = tmp_path / "w.duckdb"
    px, cp = logs
    res = runner.invoke(app, ["audit", "--db", str(db), "--pixel", str(px), "--capi", str(cp),
                              "--dataset", "111"])
    assert res.exit_code == 0, res.output
    assert "Conversions" in res.stdout and "Counted by Meta" in res.stdout
    assert "event_name_case_mismatch" in res.stdout
    s = summary_json(db)
    assert s["events"] == {"pixel": 2, "capi": 2}
    assert (s["dedup"]["conversions"], s["dedup"]["counted_by_meta"]) == (2, 3)
    assert s["dedup"]["inflated_value"] == {"EUR": 20.0}


def test_rerunning_audit_rebuilds_the_same_outputs(tmp_path, logs):
    db = tmp_path / "w.duckdb"
    px, cp = logs
    args = ["audit", "--db", str(db), "--pixel", str(px), "--capi", str(cp), "--dataset", "111"]
    assert runner.invoke(app, args).exit_code == 0
    first = summary_json(db)
    assert runner.invoke(app, args).exit_code == 0  # same files: skipped, outputs rebuilt
    assert summary_json(db) == first


def test_audit_after_a_new_file_is_incremental_and_says_so(tmp_path, logs):
    db = tmp_path / "w.duckdb"
    px, cp = logs
    views = tmp_path / "views.txt"  # ten page views of other visitors, before the server log arrives
    views.write_text("".join(
        f"https://www.facebook.com/tr/?id=111&ev=ViewContent&eid=v-{i}&ts=17620{i:02d}0000000"
        f"&dl=https%3A%2F%2Fshop.example.com%2Fp&fbp=fb.1.1762000000000.{100 + i}\n" for i in range(10)))
    first = runner.invoke(app, ["audit", "--db", str(db), "--pixel", str(px), "--pixel", str(views),
                                "--dataset", "111"])
    assert "Full audit of 12 events" in first.output and "first audit of this workspace" in first.output
    # not a terminal: a line per finished step with its seconds, in the order they ran
    steps = re.findall(r"^ +\d+\.\d s  (.+)$", first.output, re.M)
    assert steps.index("stage 10_dedup_events.sql") < steps.index("stage 40_dedup_pairs.sql")
    assert "rule event_id_missing" in steps and "Incremental" not in first.output
    second = runner.invoke(app, ["audit", "--db", str(db), "--capi", str(cp), "--dataset", "111"])
    assert second.exit_code == 0, second.output
    assert "Incremental audit" in second.output and "2 new events, 4 of 14 re-audited" in second.output
    incremental = summary_json(db)
    again = runner.invoke(app, ["audit", "--db", str(db)])
    assert "Nothing new since the last audit" in again.output
    full = runner.invoke(app, ["audit", "--db", str(db), "--full"])
    assert "Full audit of 14 events" in full.output and "asked for a full audit" in full.output
    assert summary_json(db) == incremental
    con = connect(db, read_only=True)
    modes = [m for (m,) in con.execute("select mode from audit_runs order by run_at").fetchall()]
    con.close()
    assert modes == ["full", "incremental", "unchanged", "full"]


def make_db(tmp_path: Path, rows: list[dict]) -> Path:
    db = tmp_path / "events.duckdb"
    con = connect(db)
    store(rows, con=con)
    con.close()
    return db


def test_fail_on_sets_exit_code_1_only_at_or_above_the_threshold(tmp_path):
    u = {"em": sha("f@example.com"), "external_id": "c-1", "fbp": "fb.1.1762000000000.1"}
    rows = [
        pixel("Lead", "l-1", "2026-11-02T10:00:00Z", **u),
        capi("Lead", "l-1", "2026-11-02T10:00:05Z", **u),
        capi("Lead", "l-1", "2026-11-02T10:01:05Z", **u),  # a retry: duplicate_within_channel (warning)
    ]
    db = make_db(tmp_path, rows)
    res = runner.invoke(app, ["audit", "--db", str(db), "--window-hours", "48", "--tolerance-minutes", "10"])
    assert res.exit_code == 0, res.output
    s = summary_json(db)
    assert s["findings"]["duplicate_within_channel"] == 1
    dedup_critical = [k for k in ("event_name_case_mismatch", "event_id_mismatch") if s["findings"][k]]
    assert not dedup_critical
    warn = runner.invoke(app, ["summary", "--db", str(db), "--fail-on", "warning"])
    assert warn.exit_code == 1
    crit = runner.invoke(app, ["summary", "--db", str(db), "--fail-on", "critical"])
    assert crit.exit_code == (1 if s["findings_by_severity"]["critical"] else 0)
    clean = runner.invoke(app, ["summary", "--db", str(db), "--fail-on", "warning", "--since", "2026-11-05"])
    assert clean.exit_code == 0


def test_summary_filters_on_the_command_line(tmp_path):
    rows = [
        pixel("Lead", "a", "2026-11-02T10:00:00Z"),
        pixel("Purchase", "b", "2026-11-03T10:00:00Z", value=5, currency="EUR"),
    ]
    db = make_db(tmp_path, rows)
    assert runner.invoke(app, ["audit", "--db", str(db)]).exit_code == 0
    assert summary_json(db, "--event", "Lead")["dedup"]["conversions"] == 1
    assert summary_json(db, "--since", "2026-11-03", "--until", "2026-11-03")["events"]["pixel"] == 1
    assert summary_json(db, "--dataset", "999")["dedup"]["conversions"] == 0
    text = runner.invoke(app, ["summary", "--db", str(db)])
    assert text.exit_code == 0 and "Conversions" in text.stdout


def test_user_errors_exit_2(tmp_path):
    missing = tmp_path / "nope.duckdb"
    cmd = [sys.executable, "-m", "audit", "summary", "--db", str(missing)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 2 and "no such audit database" in " ".join(res.stderr.split())
    bad_day = runner.invoke(app, ["summary", "--db", str(missing), "--since", "yesterday"])
    assert bad_day.exit_code == 2
    zero = runner.invoke(app, ["audit", "--db", str(tmp_path / "x.duckdb"), "--window-hours", "0"])
    assert isinstance(zero.exception, ConfigError)
