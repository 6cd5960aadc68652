"""What-if on the estimated EMQ: the library function the dashboard calls and the `whatif` verb."""

from __future__ import annotations

import subprocess
import sys

import pytest
from eventsets import capi, pixel, sha, store

from audit.db import connect
from audit.errors import AuditError, ConfigError
from audit.metrics.emq import estimate
from audit.metrics.whatif import project
from audit.rules.engine import run_audit

T = "2026-11-02T10:00:00Z"
BROWSER = {"fbp": 1.0, "client_ip_address": 1.0, "client_user_agent": 1.0}


def rows() -> list[dict]:
    """Four Leads per channel: e-mail on half the server events, no phone, no fbc anywhere."""
    out = []
    for n in range(4):
        em = sha(f"u{n}@example.com") if n < 2 else None
        out.append(capi("Lead", f"l-{n}", T, em=em, external_id=None, client_ip_address=f"198.51.100.{n}"))
        out.append(pixel("Lead", f"l-{n}", T, em=None, external_id=None))
    out.append(capi("Purchase", "p-1", T, value=5, currency="EUR"))
    return out


@pytest.fixture(scope="module")
def audited():
    con = store(rows())
    run_audit(con)
    return con


def test_projection_per_channel(audited):
    result = {r["channel"]: r for r in project(audited, "Lead", {"ph": 0.8, "fbc": 0.6})}
    assert list(result) == ["pixel", "capi", "combined"]
    capi_now = estimate({**BROWSER, "em": 0.5})
    assert result["capi"]["current"] == pytest.approx(capi_now, abs=0.01)
    assert result["capi"]["projected"] == pytest.approx(
        estimate({**BROWSER, "em": 0.5, "ph": 0.8, "fbc": 0.6}), abs=0.01
    )
    assert result["pixel"]["current"] == pytest.approx(estimate(BROWSER), abs=0.01)
    assert all(r["projected"] > r["current"] for r in result.values())
    assert result["capi"]["events"] == 4 and result["combined"]["events"] == 8


def test_current_estimate_equals_the_stored_match_quality(audited):
    stored = dict(audited.execute(
        "select channel, estimated_emq from match_quality where event_name = 'Lead'"
    ).fetchall())
    for r in project(audited, "Lead", {}, dataset="111"):
        assert r["current"] == pytest.approx(stored[r["channel"]], abs=0.01)


def test_lowering_a_share_lowers_the_estimate_and_aliases_work(audited):
    r = {x["channel"]: x for x in project(audited, "Lead", {"ip": 0.0, "ua": 0.0})}
    assert r["capi"]["projected"] < r["capi"]["current"]


def test_bad_requests_are_user_errors(audited):
    with pytest.raises(ConfigError, match="unknown parameter 'email'"):
        project(audited, "Lead", {"email": 0.5})
    with pytest.raises(ConfigError, match="between 0 and 1"):
        project(audited, "Lead", {"ph": 80})
    with pytest.raises(AuditError, match="no production events named 'Signup'"):
        project(audited, "Signup", {"ph": 0.5})
    with pytest.raises(AuditError, match="Lead"):
        project(audited, "Lead", {"ph": 0.5}, dataset="999")


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("whatif") / "audit.duckdb"
    con = connect(path)
    store(rows(), con)
    run_audit(con)
    con.close()
    return path


def cli(*args: str) -> subprocess.CompletedProcess:
    code = "from audit.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, "whatif", *args], capture_output=True, text=True,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def test_cli_prints_current_and_projected_per_channel(db_file):
    res = cli("--db", str(db_file), "--event", "Lead", "--set", "ph=0.8", "--set", "fbc=0.6")
    assert res.returncode == 0, res.stderr
    assert "estimate" in res.stdout.lower()
    now = project(connect(db_file, read_only=True), "Lead", {"ph": 0.8, "fbc": 0.6})
    for r in now:
        line = next(x for x in res.stdout.splitlines() if f" {r['channel']} " in x)
        assert f"{r['current']:.1f}" in line and f"{r['projected']:.1f}" in line


@pytest.mark.parametrize(
    ("setting", "message"),
    [("email=0.5", "unknown parameter"), ("ph=1.5", "between 0 and 1"), ("ph", "PARAM=SHARE"),
     ("ph=lots", "not a number")],
)
def test_cli_refuses_bad_settings_with_exit_2(db_file, setting, message):
    res = cli("--db", str(db_file), "--event", "Lead", "--set", setting)
    assert res.returncode == 2
    assert message in res.stderr
    assert res.stdout == ""


def test_cli_date_range_matches_the_library_and_bad_days_exit_2(db_file):
    from datetime import date

    day = date(2026, 11, 2)
    res = cli("--db", str(db_file), "--event", "Lead", "--set", "ph=0.8", "--since", "2026-11-02",
              "--until", "2026-11-02")
    assert res.returncode == 0, res.stderr
    for r in project(connect(db_file, read_only=True), "Lead", {"ph": 0.8}, start=day, end=day):
        line = next(x for x in res.stdout.splitlines() if f" {r['channel']} " in x)
        assert f"{r['projected']:.1f}" in line
    bad = cli("--db", str(db_file), "--event", "Lead", "--set", "ph=0.8", "--since", "2026-02-30")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
