"""The `dashboard` and `demo` verbs: how they start Streamlit and what they say when something is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from audit.cli import app
from audit.cli.dashboard import PASSWORD_ENV, app_path, dashboard_env, streamlit_command
from audit.cli.demo import sample_logs


def test_streamlit_runs_headless_without_usage_statistics():
    cmd = streamlit_command("0.0.0.0", 8600)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(cmd[4]) == app_path() and app_path().name == "app.py"
    pairs = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert pairs["--server.headless"] == "true"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert pairs["--server.port"] == "8600" and pairs["--server.address"] == "0.0.0.0"


def test_database_and_password_travel_in_the_environment_not_the_command_line(tmp_path):
    env = dashboard_env(tmp_path / "a.duckdb", "s3cret")
    assert env["CAPI_AUDIT_DB"] == str((tmp_path / "a.duckdb").resolve())
    assert env[PASSWORD_ENV] == "s3cret"
    assert "s3cret" not in " ".join(streamlit_command("127.0.0.1", 8501))


def test_dashboard_on_a_missing_file_exits_2_with_a_hint(tmp_path):
    res = subprocess.run([sys.executable, "-m", "audit", "dashboard", "--db", str(tmp_path / "none.duckdb")],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    said = " ".join(res.stderr.split())  # the console wraps long lines wherever the path ends
    assert "none.duckdb" in said and "capi-audit demo" in said


def test_both_verbs_have_help():
    runner = CliRunner()
    for verb in ("dashboard", "demo"):
        res = runner.invoke(app, [verb, "--help"])
        assert res.exit_code == 0 and "--db" in res.output


def test_sample_logs_follow_the_ground_truth(tmp_path):
    for name in ("capi_requests.jsonl", "pixel.har", "notes.txt"):
        (tmp_path / name).write_text("x")
    files = {"capi_requests.jsonl": {"channel": "capi"}, "pixel.har": {"channel": "pixel"}}
    (tmp_path / "ground_truth.json").write_text(json.dumps({"files": files}))
    logs = sample_logs(tmp_path)
    assert logs == {"pixel": [tmp_path / "pixel.har"], "capi": [tmp_path / "capi_requests.jsonl"]}
