"""The engine: repeating stages run until a round adds nothing; intermediate tables stay out of the file."""

import re
from pathlib import Path

import pytest

from audit.db import connect, sql_files
from audit.ingest import load_files
from audit.rules import scratch
from audit.rules.compare import differences
from audit.rules.engine import audit_steps, kept_stages, last_readers, run_audit, run_stage

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

STEP = """-- repeat: t max {max}
insert into t select max(n) + 1, cast(getvariable('repeat_round') as integer) from t having max(n) < {stop}
"""


def test_repeating_stage_runs_until_a_round_adds_nothing():
    con = connect(None)
    con.execute("create table t (n integer, round integer); insert into t values (0, 0)")
    assert run_stage(con, STEP.format(max=10, stop=3)) == 4  # rounds 1-3 add a row, round 4 adds none
    assert con.execute("select list(round order by n) from t").fetchall()[0][0] == [0, 1, 2, 3]


def test_repeating_stage_that_never_settles_is_an_error():
    con = connect(None)
    con.execute("create table t (n integer, round integer); insert into t values (0, 0)")
    with pytest.raises(RuntimeError, match="still adding rows after 5 rounds"):
        run_stage(con, STEP.format(max=5, stop=100))


def test_plain_stage_runs_once():
    con = connect(None)
    con.execute("create table t (n integer)")
    assert run_stage(con, "insert into t values (1)") == 1
    assert con.execute("select count(*) from t").fetchall()[0][0] == 1


def test_intermediate_stage_tables_are_temp_and_kept_ones_are_not():
    """Only the tables an audit keeps are written to the workspace file; the rest are temp tables."""
    created = {}
    for name, text in sql_files("audit.rules.sql", "stages"):
        for temp, table in re.findall(r"create or replace (temp )?table (stage_\w+)", text):
            created[table] = (bool(temp), name)
    assert created, "the stages create tables"
    wrong = {t: where for t, (temp, where) in created.items() if temp == (t in kept_stages())}
    assert not wrong, f"temp/persistent does not match kept_stages(): {wrong}"


def test_each_intermediate_is_dropped_after_its_last_reader(tmp_path):
    steps = audit_steps()
    plan = last_readers(steps)
    dropped = [t for tables in plan.values() for t in tables]
    assert "stage_dedup_candidates" in dropped and not set(dropped) & kept_stages()
    for i, tables in plan.items():  # nothing after the drop still names the table
        later = " ".join(text for _label, text in steps[i + 1:])
        assert not [t for t in tables if re.search(rf"\b{t}\b", later)]
    con = connect(tmp_path / "w.duckdb")
    load_files(con, [SAMPLE / "capi_requests.jsonl"], "capi")
    load_files(con, [SAMPLE / "pixel_events.jsonl"], "pixel")
    run_audit(con)
    left = {t for (t,) in con.execute(
        "select table_name from duckdb_tables() where table_name like 'stage_%'").fetchall()}
    assert left and left <= kept_stages(), left - kept_stages()
    assert con.execute("select count(*) from event_pairs").fetchone()[0] > 0


def test_intermediates_too_big_for_memory_go_to_a_scratch_file_deleted_afterwards(tmp_path, monkeypatch):
    """Same outputs whether the intermediates are temp tables or tables in the scratch file."""
    def loaded(path):
        con = connect(path)
        load_files(con, [SAMPLE / "capi_requests.jsonl"], "capi")
        load_files(con, [SAMPLE / "pixel_events.jsonl"], "pixel")
        return con

    in_memory = loaded(tmp_path / "memory.duckdb")
    run_audit(in_memory)
    in_memory.close()
    monkeypatch.setattr(scratch, "BYTES_PER_EVENT", 10**12)  # nothing fits: the scratch file is used
    con = loaded(tmp_path / "big.duckdb")
    seen = []
    run_audit(con, progress=lambda step: seen.append(
        (step.split()[0], (tmp_path / "big.duckdb.scratch").exists())))
    during = [there for kind, there in seen[1:] if kind in ("stage", "rule")]
    assert during and all(during), "the scratch file is there while the stages and rules run"
    assert not (tmp_path / "big.duckdb.scratch").exists()
    assert con.execute("select current_setting('search_path')").fetchone()[0] == ""
    left = {t for (t,) in con.execute(
        "select table_name from duckdb_tables() where table_name like 'stage_%'").fetchall()}
    assert left <= kept_stages()
    con.close()
    assert differences(tmp_path / "memory.duckdb", tmp_path / "big.duckdb") == {}


def test_the_scratch_file_follows_the_spill_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CAPI_AUDIT_TEMP_DIR", raising=False)
    assert scratch.scratch_path(tmp_path / "w.duckdb") == tmp_path / "w.duckdb.scratch"
    monkeypatch.setenv("CAPI_AUDIT_TEMP_DIR", str(tmp_path / "spill"))
    assert scratch.scratch_path(tmp_path / "w.duckdb") == tmp_path / "spill" / "w.duckdb.scratch"
