"""Bounded memory: the memory limit and spill folder reach DuckDB; a bad limit is a user error."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.db import connect
from audit.errors import ConfigError


def _setting(con, name: str) -> str:
    return con.execute("select current_setting(?)", [name]).fetchall()[0][0]


def test_memory_limit_is_applied():
    con = connect(None, memory_limit="512MB")
    try:
        assert _setting(con, "memory_limit") == "488.2 MiB"
    finally:
        con.close()


def test_default_limit_is_set(monkeypatch):
    monkeypatch.delenv("CAPI_AUDIT_MEMORY_LIMIT", raising=False)
    con = connect(None)
    try:
        assert _setting(con, "memory_limit").endswith("GiB")
    finally:
        con.close()


@pytest.mark.parametrize(("ram_gb", "expected"), [(4, "1GB"), (8, "2GB"), (24, "3GB"), (128, "3GB")])
def test_default_limit_is_a_quarter_of_the_ram_at_most_3gb(monkeypatch, ram_gb, expected):
    import psutil

    from audit.db import default_memory_limit

    class Memory:
        total = ram_gb * 2**30

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Memory)
    assert default_memory_limit() == expected


def test_spill_folder_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CAPI_AUDIT_TEMP_DIR", str(tmp_path / "spill"))
    con = connect(tmp_path / "a.duckdb")
    try:
        assert _setting(con, "temp_directory") == str(tmp_path / "spill")
    finally:
        con.close()


@pytest.mark.parametrize("bad", ["lots", "4GB'; drop table events; --", "-1GB"])
def test_bad_memory_limit_is_refused(bad):
    with pytest.raises(ConfigError):
        connect(None, memory_limit=bad)


def test_cli_verbs_take_memory_limit(tmp_path):
    runner = CliRunner()
    db = tmp_path / "a.duckdb"
    result = runner.invoke(app, ["audit", "--db", str(db), "--memory-limit", "1GB"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(app, ["load", "--db", str(db), "--pixel", str(tmp_path), "--memory-limit", "much"])
    assert bad.exit_code != 0
    assert isinstance(bad.exception, ConfigError)
