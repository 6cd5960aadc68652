"""Disk and memory room: the estimate, the warning before an audit, plain-words out-of-memory and disk-full
errors, and the one table of size units."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import duckdb
import pytest
from eventsets import capi, pixel, store
from typer.testing import CliRunner

from audit import space
from audit.cli import app
from audit.db import connect
from audit.errors import AuditError, ResourceError
from audit.rules import incremental
from audit.rules.engine import AuditSettings
from audit.rules.scratch import Intermediates, memory_limit_bytes
from audit.sizes import default_memory_limit, format_size, is_user_size, parse_size

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PIXEL = ROOT / "sample_data" / "pixel_events.jsonl"
Usage = namedtuple("Usage", "total used free")
# DuckDB 2.0's own texts (src/common/local_file_system.cpp, temporary_file_manager.cpp), as seen when a
# 3 MB tmpfs filled during an audit.
DISK_FULL_TEXT = 'IO Error: Could not write file "{path}": No space left on device'


def flat(text: str) -> str:
    """Console output with the line wraps undone."""
    return " ".join(text.split())


def three_events() -> list[dict]:
    return [pixel("Purchase", "o-1", "2026-11-02T10:00:00Z", value=10, currency="EUR"),
            capi("Purchase", "o-1", "2026-11-02T10:01:00Z", value=10, currency="EUR"),
            pixel("Lead", "l-1", "2026-11-02T11:00:00Z")]


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """A workspace file holding three events (loaded, not audited)."""
    monkeypatch.delenv("CAPI_AUDIT_TEMP_DIR", raising=False)
    db = tmp_path / "w.duckdb"
    store(three_events(), connect(db)).close()
    return db


def fake_disk(monkeypatch, free: int) -> None:
    monkeypatch.setattr(space.shutil, "disk_usage", lambda _path: Usage(10**13, 10**13 - free, free))


# --- the estimate ---

def test_the_estimate_is_1_3_gb_per_million_events():
    assert space.needed_bytes(1_000_000) == 1_300_000_000
    assert space.needed_bytes(38_700_000) == pytest.approx(50.3e9, rel=0.01)  # the measured 20 M a side
    assert space.needed_bytes(0) == 0
    assert sum(space.SHARES.values()) == pytest.approx(1.0)


def test_events_to_audit_counts_all_for_a_full_audit_and_the_new_ones_after(workspace):
    settings = AuditSettings()
    con = connect(workspace)
    try:
        assert incremental.events_to_audit(con, settings, full=False) == 3  # first audit: all of them
        incremental.run(con, settings)
        assert incremental.events_to_audit(con, settings, full=False) == 0  # nothing new
        assert incremental.events_to_audit(con, settings, full=True) == 3
        store([pixel("Lead", "l-2", "2026-11-03T11:00:00Z")], con)
        assert incremental.events_to_audit(con, settings, full=False) == 1
        con.execute("insert into audit_runs (run_at, mode) values (now(), 'started')")  # it stopped
        assert incremental.events_to_audit(con, settings, full=False) == 4
    finally:
        con.close()


def test_places_follow_the_workspace_and_the_temp_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("CAPI_AUDIT_TEMP_DIR", raising=False)
    con = connect(tmp_path / "a.duckdb")
    try:
        found = {p.role: p.path for p in space.places(con)}
    finally:
        con.close()
    assert found == {"workspace file": tmp_path / "a.duckdb", "scratch file": tmp_path / "a.duckdb.scratch",
                     "scope file": tmp_path / "a.duckdb.scope", "spill folder": tmp_path / "a.duckdb.tmp"}
    monkeypatch.setenv("CAPI_AUDIT_TEMP_DIR", str(tmp_path / "big" / "spill"))
    con = connect(tmp_path / "a.duckdb")
    try:
        moved = {p.role: p.path for p in space.places(con)}
        disks = space.disks(space.places(con))
    finally:
        con.close()
    assert moved["scratch file"] == tmp_path / "big" / "spill" / "a.duckdb.scratch"
    assert moved["scope file"] == tmp_path / "big" / "spill" / "a.duckdb.scope"
    assert moved["spill folder"] == tmp_path / "big" / "spill"
    assert len(disks) == 1 and len(disks[0].places) == 4  # one filesystem, though the folders do not exist


# --- the warning before an audit ---

def test_warning_when_the_disk_is_short(workspace, monkeypatch):
    con = connect(workspace)
    said: list[str] = []
    try:
        fake_disk(monkeypatch, free=1_000)
        assert space.warn_if_short(con, 3, said.append)
    finally:
        con.close()
    text = flat(said[0])
    assert text.startswith("WARNING: this audit of 3 events probably needs about 3.9 KB of free disk")
    assert "which has 1.0 KB free" in text and "CAPI_AUDIT_TEMP_DIR" in text and str(workspace) in text


def test_no_warning_when_there_is_room(workspace, monkeypatch):
    con = connect(workspace)
    said: list[str] = []
    try:
        fake_disk(monkeypatch, free=10**12)
        assert not space.warn_if_short(con, 1_000_000, said.append)
        fake_disk(monkeypatch, free=1_299_999_999)
        assert space.warn_if_short(con, 1_000_000, said.append)
    finally:
        con.close()
    assert len(said) == 1


def test_the_audit_command_warns_and_goes_ahead(workspace, monkeypatch):
    fake_disk(monkeypatch, free=1_000)
    short = CliRunner().invoke(app, ["audit", "--db", str(workspace)])
    assert short.exit_code == 0, short.output
    assert "WARNING: this audit of 3 events probably needs" in flat(short.output)
    fake_disk(monkeypatch, free=10**12)
    roomy = CliRunner().invoke(app, ["audit", "--db", str(workspace), "--full"])
    assert roomy.exit_code == 0, roomy.output
    assert "WARNING" not in roomy.output


# --- plain-words errors ---

def test_out_of_memory_through_the_cli_is_explained(tmp_path):
    db = tmp_path / "oom.duckdb"
    cli = [sys.executable, "-m", "audit"]
    loaded = subprocess.run([*cli, "load", "--db", str(db), "--pixel", str(SAMPLE_PIXEL)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    done = subprocess.run([*cli, "audit", "--db", str(db), "--memory-limit", "20MB"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    text = flat(done.stderr)
    assert "The audit needed more memory than its limit of 19.0 MiB allows" in text
    assert "--memory-limit" in text and f"{db}.tmp" in text
    assert re.search(r"The audit stopped in step 'stage \d+_\w+\.sql' after \d+\.\d s in it\.", text), text
    assert "Traceback" not in done.stderr and "Out of Memory Error" not in done.stderr


def test_a_real_full_spill_folder_is_a_full_disk(tmp_path, monkeypatch):
    monkeypatch.delenv("CAPI_AUDIT_TEMP_DIR", raising=False)
    db = tmp_path / "spill.duckdb"
    con = connect(db, memory_limit="30MB")
    try:  # DuckDB's cap on spill is the free disk; a 1 MB cap fills the same way
        con.execute("set max_temp_directory_size = '1MB'; set preserve_insertion_order = false")
        with pytest.raises(ResourceError) as caught, space.plain_errors(con):
            con.execute("create temp table t as select i, md5(i::varchar) as s from range(2000000) r(i)")
            con.execute("select count(*) from (select s, count(*) from t group by s)").fetchall()
    finally:
        con.close()
    assert isinstance(caught.value.__cause__, duckdb.OutOfMemoryException)
    text = flat(str(caught.value))
    assert text.startswith(f"The audit stopped because the disk at {space.mount_point(tmp_path)} (")
    assert "is full" in text and f"spill folder: {db}.tmp" in text
    assert f"workspace file: {db} (" in text and f"scratch file: {db}.scratch (0 bytes)" in text
    assert f"scope file: {db}.scope (0 bytes)" in text
    assert "CAPI_AUDIT_TEMP_DIR" in text and "run `capi-audit audit` again" in text


def test_a_full_workspace_disk_names_the_disk_and_the_need(workspace):
    con = connect(workspace)
    try:
        with pytest.raises(ResourceError) as caught, space.plain_errors(con):
            raise duckdb.IOException(DISK_FULL_TEXT.format(path=workspace))
    finally:
        con.close()
    text = flat(str(caught.value))
    assert f"the disk at {space.mount_point(workspace)} (workspace file" in text
    assert "An audit of the 3 events in this workspace needs about 3.9 KB of free disk" in text
    assert re.search(rf"workspace file: {re.escape(str(workspace))} \(\d", text)


def test_disk_full_is_recognized_and_other_errors_pass_through(workspace):
    assert space.is_disk_full(OSError(28, "No space left on device"))
    assert space.is_disk_full(duckdb.IOException('Could not write file "x": Disk quota exceeded'))
    assert space.is_disk_full(duckdb.IOException('Could not write all bytes to file "x": wanted=8 wrote=3'))
    assert not space.is_disk_full(duckdb.IOException('Could not write file "x": Permission denied'))
    wrapped = RuntimeError("cleanup failed")
    wrapped.__context__ = duckdb.IOException(DISK_FULL_TEXT.format(path="x"))
    assert space.is_disk_full(wrapped)
    con = connect(workspace)
    try:
        with pytest.raises(duckdb.CatalogException), space.plain_errors(con):
            con.execute("select * from no_such_table")
    finally:
        con.close()


def test_the_audit_command_turns_a_full_disk_into_a_user_error(workspace, monkeypatch):
    def fill(*_args, **_kwargs):
        raise duckdb.IOException(DISK_FULL_TEXT.format(path=workspace))

    monkeypatch.setattr("audit.cli.audit.audit_with_progress", fill)
    result = CliRunner().invoke(app, ["audit", "--db", str(workspace)])
    assert isinstance(result.exception, ResourceError) and isinstance(result.exception, AuditError)
    assert "stopped because the disk at" in flat(str(result.exception))


def test_a_failed_stage_still_deletes_the_scratch_file(tmp_path, monkeypatch):
    monkeypatch.delenv("CAPI_AUDIT_TEMP_DIR", raising=False)
    con = connect(tmp_path / "s.duckdb", memory_limit="1GB")
    place = Intermediates(con, events=10**7)  # too many to fit: a scratch file
    try:
        with pytest.raises(duckdb.IOException), place:
            assert place.scratch is not None and place.scratch.exists()
            con.close()  # the connection dies with the failure: cleaning up must not hide the error
            raise duckdb.IOException(DISK_FULL_TEXT.format(path=place.scratch))
    finally:
        con.close()
    assert not place.scratch.exists()


# --- sizes ---

@pytest.mark.parametrize(("given", "reported", "expected"), [
    ("3GB", "2.7 GiB", int(2.7 * 2**30)), ("512MB", "488.2 MiB", int(488.2 * 2**20)),
    ("1TB", "931.3 GiB", int(931.3 * 2**30)), ("100KB", "97.6 KiB", int(97.6 * 2**10)),
    ("1.5GiB", "1.5 GiB", int(1.5 * 2**30)),
])
def test_sizes_read_duckdbs_own_reports(given, reported, expected):
    con = duckdb.connect()
    try:
        con.execute(f"set memory_limit = '{given}'")
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == reported
        assert parse_size(reported) == expected == memory_limit_bytes(con)
    finally:
        con.close()


def test_sizes_read_user_input_as_before():
    old_rule = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
    tries = ["4GB", "512MB", "2.7 GiB", " 10 gb ", "1tb", "500B", "4", "lots", "-1GB", "1PB", "4 bytes",
             "4GB'; drop table events; --", "1.GB", "", "3.5 MiB"]
    for text in tries:
        assert is_user_size(text) == bool(old_rule.fullmatch(text.strip())), text
    assert parse_size("4GB") == 4 * 10**9 and parse_size("512 MiB") == 512 * 2**20
    assert parse_size("500 bytes") == 500
    for bad in ("lots", "4 XB", "1.2.3 GB"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_sizes_are_written_for_people():
    assert [format_size(n) for n in (120, 3_100, 5.2e6, 850e6, 12.6e9, 125e9)] == [
        "120 bytes", "3.1 KB", "5.2 MB", "850 MB", "12.6 GB", "125 GB"]


def test_one_default_memory_limit_and_the_benchmark_runner_needs_no_duckdb():
    from audit import db

    assert db.default_memory_limit is default_memory_limit
    code = ("import sys; sys.path.insert(0, 'benchmarks'); import run; "
            "from audit.sizes import default_memory_limit as d; "
            "assert run.default_memory_limit is d; assert 'duckdb' not in sys.modules, 'duckdb imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
