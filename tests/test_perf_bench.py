"""The benchmark's inputs and baselines (benchmarks/): same events in every format, copies independent."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import baselines  # noqa: E402
import measure  # noqa: E402
import prepare  # noqa: E402
from measure import run_step  # noqa: E402

from audit.db import connect  # noqa: E402
from audit.ingest import load_files  # noqa: E402


def test_plan_makes_copies_of_at_most_the_base_size():
    assert prepare.plan(300, base_max=500) == (300, 1)
    assert prepare.plan(1_000_000, base_max=500_000) == (500_000, 2)
    assert prepare.plan(10_000_000, base_max=500_000) == (500_000, 20)
    assert prepare.plan(1_100_000, base_max=500_000) == (500_000, 3)


@pytest.fixture(scope="module")
def bench_inputs(tmp_path_factory):
    """Two time-shifted copies of a small generated sample, in every format."""
    out = tmp_path_factory.mktemp("bench")
    manifest = prepare.prepare(out, events_a_side=600, seed=7, base_max=300)
    return out, manifest


def test_inputs_are_reused_only_while_their_files_are_intact(bench_inputs):
    out, manifest = bench_inputs
    assert prepare.files_intact(out, manifest) and set(manifest["bytes"]) == {"parquet", "jsonl"}
    assert not prepare.files_intact(out, {**manifest, "bytes": {**manifest["bytes"], "jsonl": 1}})
    assert not prepare.files_intact(out, {**manifest, "bytes": {**manifest["bytes"], "csv": 0}})


def test_inputs_whose_files_were_deleted_are_written_again(tmp_path):
    first = prepare.prepare(tmp_path, events_a_side=200, seed=3, base_max=100)
    shutil.rmtree(tmp_path / "jsonl")
    again = prepare.prepare(tmp_path, events_a_side=200, seed=3, base_max=100)
    assert again["bytes"] == first["bytes"] and prepare.files_intact(tmp_path, again)


def _loaded(tmp: Path, folder: Path, name: str) -> dict[str, int]:
    con = connect(tmp / f"{name}.duckdb")
    try:
        for channel in ("pixel", "capi"):
            load_files(con, [folder / channel], channel)
        rows = con.execute("select channel, count(*) from events group by channel").fetchall()
        quarantined = con.execute("select count(*) from quarantine").fetchall()[0][0]
    finally:
        con.close()
    assert quarantined == 0
    return dict(rows)


def test_parquet_and_jsonl_hold_the_same_events(bench_inputs, tmp_path):
    out, manifest = bench_inputs
    assert manifest["copies"] == 2
    assert manifest["events"]["pixel"] > 0 and manifest["events"]["capi"] > 0
    assert len(list((out / "parquet" / "pixel").glob("*.parquet"))) == 2
    assert len(list((out / "jsonl" / "capi").glob("*.jsonl"))) == 2
    from_parquet = _loaded(tmp_path, out / "parquet", "pq")
    from_jsonl = _loaded(tmp_path, out / "jsonl", "js")
    assert from_parquet == from_jsonl == manifest["events"]


def test_copies_never_pair_with_each_other(bench_inputs, tmp_path):
    out, _ = bench_inputs
    both = baselines.bare_duckdb(out / "parquet" / "pixel", out / "parquet" / "capi", "1GB")
    single = tmp_path / "one"
    for channel in ("pixel", "capi"):
        (single / channel).mkdir(parents=True)
        first = out / "parquet" / channel / "part-0000.parquet"
        (single / channel / first.name).write_bytes(first.read_bytes())
    one = baselines.bare_duckdb(single / "pixel", single / "capi", "1GB")
    assert one > 0
    assert both == 2 * one


def test_pandas_notebook_agrees_with_bare_duckdb(bench_inputs):
    out, _ = bench_inputs
    pixel, capi = out / "parquet" / "pixel", out / "parquet" / "capi"
    assert baselines.notebook_pandas(pixel, capi) == baselines.bare_duckdb(pixel, capi, None)


def test_bare_jsonl_read_stores_every_event_and_every_key(bench_inputs, tmp_path):
    """The JSONL limit stores one row per event of both folders, with a column for every Pixel key."""
    out, manifest = bench_inputs
    db = tmp_path / "bare.duckdb"
    stored = baselines.bare_jsonl(out / "jsonl" / "pixel", out / "jsonl" / "capi", "1GB", db)
    assert stored == sum(manifest["events"].values())
    con = connect(db)
    try:
        keys = {k for (k,) in con.execute(
            f"select distinct unnest(json_keys(json)) from read_ndjson_objects('{out}/jsonl/pixel/*.jsonl')"
        ).fetchall()}
        columns = {c for (c,) in con.execute(
            "select column_name from duckdb_columns() where table_name = 'bare_pixel_events'"
        ).fetchall()}
        capi_fields = con.execute(
            "select count(*) from bare_capi_events where event.event_name is null or event.user_data is null"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert len(keys) > 10
    assert keys <= columns
    assert capi_fields == 0


def test_copy_is_shifted_back_with_prefixed_ids(bench_inputs):
    out, _ = bench_inputs
    con = connect(None)
    try:
        first, second = (
            con.execute(
                "select min(event_ts), count(*) filter (where event_id like 'c1-%'), "
                "count(*) filter (where trim(event_id) <> '') "
                f"from read_parquet('{out}/parquet/capi/part-000{k}.parquet')"
            ).fetchall()[0]
            for k in (0, 1)
        )
    finally:
        con.close()
    assert first[1] == 0
    assert second[1] > 0
    assert (first[0] - second[0]).days == prepare.COPY_SHIFT_DAYS


def test_run_step_records_the_peak_disk_of_a_workspace(tmp_path):
    """A step that writes 3 MB of spill, then deletes it: the peak counts it, the end does not."""
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"x" * 1_000_000)
    script = (f"import os, time; d = {str(db)!r} + '.tmp'; os.mkdir(d); f = d + '/s.tmp';"
              " open(f, 'wb').write(b'y' * 3_000_000); time.sleep(1.2); os.remove(f)")
    m = run_step("spill", [sys.executable, "-c", script], tmp_path / "log.txt", disk=db)
    assert m.ok
    assert m.peak_disk_bytes >= 4_000_000
    assert measure.disk_used(db) == 1_000_000  # the spill is gone at the end


def test_the_report_gives_no_rate_for_a_failed_step_and_names_it(bench_inputs):
    import run

    _, manifest = bench_inputs
    ok = measure.Measure("load Parquet (ours)", 2.0, 3.0, 2**30, 0, events=1000)
    failed = measure.Measure(run.LOAD_JSONL, 0.4, 0.5, 2**27, 2, events=1000)
    checks = dict.fromkeys(("bare_pairs", "bare_jsonl_events", "pandas_pairs", "audit_deduplicated_pairs"))
    result = {"machine": run.machine(), "manifest": manifest, "steps": [ok, failed], "memory_limit": "3GB",
              "limit_given": False, "checks": {**checks, "parquet_loaded": {}, "jsonl_loaded": {}}}
    text = run.report(result, "run.py")
    assert f"| {run.LOAD_JSONL} | 0.4 | 0.5 | 0.12 GiB |  |  | 2 |" in text
    assert "| 500 | 0 |" in text  # the step that passed keeps its rate
    assert f"**FAILED: {run.LOAD_JSONL} (exit 2)**" in text
    assert "JSONL load:" not in text


def test_the_profile_times_each_statement_of_a_stage(tmp_path):
    import profile_audit

    con = connect(tmp_path / "w.duckdb")
    load_files(con, [Path(__file__).resolve().parents[1] / "sample_data" / "capi_requests.jsonl"], "capi")
    con.close()
    total, steps = profile_audit.profile(tmp_path / "w.duckdb", statements=True)
    names = [name for name, _, _ in steps]
    value_checks = "create or replace temp table stage_mq_value_checks as from mq_value_check_rows(0);"
    assert f"statement {value_checks}" in names and "stage 60_value_checks.sql" not in names
    assert "stage 36_dedup_matching_round.sql" in names  # the repeating stage, timed whole
    assert "rule cross_channel_mismatch" in names  # a step of one statement keeps its name
    assert 0 < sum(wall for _, wall, _ in steps) <= total * 1.05
