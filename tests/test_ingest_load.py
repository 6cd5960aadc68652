"""Loading as a whole: counts reconcile, loading twice changes nothing, --replace, errors, the CLI."""

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.db import connect
from audit.errors import IngestError
from audit.ingest import load_files

FIX = Path(__file__).parent / "fixtures" / "ingest"
ALL = [("capi_envelopes.jsonl", None), ("meta_request_example.json", None), ("pixel_events.jsonl", "pixel"),
       ("capi_events.csv", "capi"), ("pixel_tr.txt", None), ("mixed.har", None)]


def snapshot(con):
    query = "select count(*), md5(string_agg({key}, ',' order by {key})) from {table}"
    return [con.execute(query.format(key=key, table=table)).fetchall()
            for table, key in (("events", "event_ref"), ("quarantine", "source_line::varchar || reason"),
                               ("loads", "load_id"))]


def test_counts_reconcile_per_file_in_loads_and_tables():
    con = connect(None)
    for name, channel in ALL:
        (res,) = load_files(con, [FIX / name], channel)
        assert res.rows_read == res.rows_loaded + res.rows_quarantined + res.rows_ignored, res
        counts = con.execute("select (select count(*) from events where load_id = $1), "
                             "(select count(*) from quarantine where load_id = $1)", [res.load_id]).fetchall()
        assert counts == [(res.rows_loaded, res.rows_quarantined)]
        stored = con.execute("select rows_read, rows_loaded, rows_quarantined, rows_ignored, format, "
                             "file_name from loads where load_id = ?", [res.load_id]).fetchall()
        assert stored == [(res.rows_read, res.rows_loaded, res.rows_quarantined, res.rows_ignored, res.format,
                           name)]
    refs = con.execute("select count(*), count(distinct event_ref) from events").fetchall()[0]
    assert refs[0] == refs[1] > 0


def test_loading_twice_changes_nothing_and_replace_reloads():
    con = connect(None)
    paths = [FIX / "capi_envelopes.jsonl", FIX / "pixel_tr.txt"]
    first = load_files(con, paths, None)
    before = snapshot(con)
    second = load_files(con, paths, None)
    assert all(r.skipped for r in second) and not any(r.skipped for r in first)
    assert [r.rows_loaded for r in second] == [r.rows_loaded for r in first]
    assert snapshot(con) == before
    third = load_files(con, paths, None, replace=True)
    assert not any(r.skipped for r in third)
    assert snapshot(con)[0] == before[0] and snapshot(con)[1] == before[1]
    assert con.execute("select count(*) from loads").fetchall() == [(2,)]


def test_load_id_is_the_checksum_prefix_and_a_copy_is_the_same_file(tmp_path):
    import hashlib

    con = connect(None)
    data = (FIX / "pixel_tr.txt").read_bytes()
    copy = tmp_path / "renamed.txt"
    copy.write_bytes(data)
    (res,) = load_files(con, [FIX / "pixel_tr.txt"], "pixel")
    assert res.load_id == hashlib.sha256(data).hexdigest()[:16]
    (again,) = load_files(con, [copy], "pixel")
    assert again.skipped


def test_unreadable_or_unknown_files_raise_naming_the_file(tmp_path):
    con = connect(None)
    junk = tmp_path / "notes.bin"
    junk.write_bytes(b"\x00\x01\x02 hello")
    with pytest.raises(IngestError, match="notes.bin: unrecognized format.*capi_graph"):
        load_files(con, [junk], "capi")
    with pytest.raises(IngestError, match="no such file"):
        load_files(con, [tmp_path / "missing.jsonl"], "capi")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(IngestError, match="empty"):
        load_files(con, [empty], "capi")
    assert con.execute("select count(*) from loads").fetchall() == [(0,)]


def test_folders_and_globs_expand(tmp_path):
    con = connect(None)
    for name in ("pixel_tr.txt", "mixed.har"):
        (tmp_path / name).write_bytes((FIX / name).read_bytes())
    results = load_files(con, [tmp_path], "pixel")
    assert sorted(Path(r.file).name for r in results) == ["mixed.har", "pixel_tr.txt"]
    assert all(r.skipped for r in load_files(con, [str(tmp_path / "*.txt")], "pixel"))


def test_cli_load_prints_counts_and_exits_2_on_bad_input(tmp_path):
    runner = CliRunner()
    db = tmp_path / "audit.duckdb"
    res = runner.invoke(app, ["load", "--db", str(db), "--capi", str(FIX / "capi_envelopes.jsonl"),
                              "--pixel", str(FIX / "mixed.har")])
    assert res.exit_code == 0, res.output
    assert "capi_graph" in res.output and "har" in res.output
    con = connect(db, read_only=True)
    assert con.execute("select sum(rows_read), sum(rows_loaded) from loads").fetchall() == [(17, 7)]
    con.close()
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x00")
    proc = subprocess.run([sys.executable, "-m", "audit", "load", "--db", str(db), "--capi", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "bad.bin" in proc.stderr
