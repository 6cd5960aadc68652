"""What an audit leaves in the workspace file: narrow tables only (disk per million events)."""

from __future__ import annotations

import pytest
from eventsets import audit_in_two_steps, capi, pixel, store

from audit.db import connect
from audit.rules import incremental, scratch
from audit.rules.compare import differences
from audit.rules.engine import kept_stages, run_audit


def _tables(con) -> set[str]:
    return {t for (t,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' and not temporary").fetchall()}


def _events() -> list[dict]:
    fbp = "fb.1.1762000000000.77"
    return [
        # ids differ, same browser id within minutes: paired by fbp, and they share a dedup key (fbp)
        pixel("Lead", "web-1", "2026-11-03T10:00:00Z", fbp=fbp, event_ref="px:fbp"),
        capi("Lead", "srv-1", "2026-11-03T10:02:00Z", fbp=fbp, event_ref="capi:fbp"),
        # identical keys: deduplicated, shares its event_id
        pixel("Purchase", "o-1", "2026-11-03T11:00:00Z", value=5, currency="EUR", event_ref="px:dedup"),
        capi("Purchase", "o-1", "2026-11-03T11:00:30Z", value=5, currency="EUR", event_ref="capi:dedup"),
        # same keys, two datasets: paired, but no dedup key shared (datasets differ)
        pixel("Purchase", "ds-1", "2026-11-03T12:00:00Z", dataset_id="111", event_ref="px:ds"),
        capi("Purchase", "ds-1", "2026-11-03T12:00:40Z", dataset_id="222", event_ref="capi:ds"),
        pixel("ViewContent", "v-1", "2026-11-03T13:00:00Z", event_ref="px:alone"),
    ]


def test_the_wide_pairing_tables_are_intermediates_and_a_narrow_list_is_kept(tmp_path):
    assert {"stage_dedup_conversions", "stage_dedup_conversion_events"}.isdisjoint(kept_stages())
    assert "stage_dedup_key_shared" in kept_stages()
    con = store(_events(), connect(tmp_path / "w.duckdb"))
    incremental.run(con)
    tables = _tables(con)
    assert "stage_dedup_key_shared" in tables and "event_pairs" in tables
    assert not {"stage_dedup_conversions", "stage_dedup_conversion_events"} & tables
    cols = [c for (c,) in con.execute(
        "select column_name from duckdb_columns() where table_name = 'stage_dedup_key_shared'").fetchall()]
    assert cols == ["conversion_id"]
    shared = {r for (r,) in con.execute(
        "select coalesce(pixel_event_ref, '') from event_pairs"
        " where conversion_id in (select conversion_id from stage_dedup_key_shared)").fetchall()}
    assert shared == {"px:fbp", "px:dedup"}
    assert con.execute("select sum(pixel_with_dedup_key) from dedup_daily").fetchone()[0] == 2
    [(detail,)] = con.execute(
        "select detail from findings where rule_id = 'dataset_mismatch'").fetchall()
    assert detail == "Pixel sent it to dataset 111, server to dataset 222"
    con.close()


def test_audit_keys_hold_hashes_and_an_old_text_table_is_replaced(tmp_path):
    con = store(_events(), connect(tmp_path / "w.duckdb"))
    # a workspace audited by an older version kept the keys' text
    con.execute("create table audit_keys (event_ref varchar, kind varchar, key varchar, t double)")
    con.execute("insert into audit_keys values ('gone', 'id', 'some-id', 0)")
    incremental.run(con)
    types = dict(con.execute(
        "select column_name, data_type from duckdb_columns() where table_name = 'audit_keys'").fetchall())
    assert types == {"ev": "UBIGINT", "key_hash": "UBIGINT", "t": "DOUBLE"}
    refs = {r for (r,) in con.execute("select distinct e.event_ref from audit_keys as k"
                                      " join events as e on hash(e.event_ref) = k.ev").fetchall()}
    gone = con.execute("select count(*) from audit_keys where ev = hash('gone')").fetchone()[0]
    assert "px:fbp" in refs and gone == 0
    con.close()


def test_hashed_keys_still_widen_the_scope_and_an_incremental_audit_equals_a_full_one(tmp_path):
    """A new server copy sharing only an fbp (and one only an order id) with audited browser events."""
    fbp = "fb.1.1762000000000.88"
    old = [pixel("Lead", "web-9", "2026-11-03T10:00:00Z", fbp=fbp, event_ref="old:fbp"),
           pixel("Purchase", "w-2", "2026-11-03T09:00:00Z", order_id="A-77", event_ref="old:order"),
           *[pixel("ViewContent", f"v{i}", "2026-11-02T12:00:00Z") for i in range(30)]]
    new = [capi("Lead", "srv-9", "2026-11-03T10:03:00Z", fbp=fbp, event_ref="new:fbp"),
           capi("Purchase", "s-2", "2026-11-03T09:01:00Z", order_id="A-77", event_ref="new:order")]
    run = audit_in_two_steps(tmp_path, old, new)
    assert run.mode == "incremental" and run.reaudited_events == 4


@pytest.mark.parametrize("audit", [lambda con: incremental.run(con, full=True), run_audit])
def test_a_stage_table_an_older_version_kept_is_not_read_instead_of_the_scratch_one(
    tmp_path, monkeypatch, audit
):
    """Older versions kept stage_dedup_conversions in the file; in main it would shadow the scratch file's
    (through the CLI's path, incremental.run, and through run_audit called directly)."""
    stale, clean = tmp_path / "stale.duckdb", tmp_path / "clean.duckdb"
    con = store(_events(), connect(stale))
    run_audit(con, keep_intermediate=True)
    con.execute("create table main.stage_dedup_conversions as"
                " from temp.main.stage_dedup_conversions where false")
    con.close()
    store(_events(), connect(clean)).close()
    monkeypatch.setattr(scratch, "BYTES_PER_EVENT", 10**12)  # nothing fits in memory: a scratch file
    for path in (stale, clean):
        con = connect(path)
        audit(con)
        con.close()
    assert differences(clean, stale) == {}
    con = connect(stale, read_only=True)
    assert con.execute("select count(*) from event_pairs").fetchone()[0] == 4
    assert "stage_dedup_conversions" not in _tables(con)
    con.close()
