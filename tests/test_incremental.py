"""Incremental audits give exactly the outputs of a full audit, and say when they fall back to one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from eventsets import audit_in_two_steps, capi, pixel

from audit import sample
from audit.db import connect
from audit.ingest import load_files
from audit.rules import incremental, scratch
from audit.rules.compare import differences
from audit.rules.engine import AuditSettings

RECEIVED = "coalesce(sent_at, event_time)"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A loaded (not audited) workspace of 9 days of generated logs with every fault planted."""
    out = tmp_path_factory.mktemp("gen")
    sample.generate(out / "logs", events=3000, seed=11, days=9)
    db = out / "all.duckdb"
    con = connect(db)
    load_files(con, [out / "logs" / "capi_requests.jsonl"], "capi")
    load_files(con, [out / "logs" / n for n in ("pixel_events.jsonl", "pixel_tr.txt", "pixel.har")], "pixel")
    con.close()
    return db


def _full(src, dst, settings=None):
    shutil.copyfile(src, dst)
    con = connect(dst)
    run = incremental.run(con, settings, full=True)
    con.close()
    return run


def _append_last_day(src, dst, settings=None, look=None):
    """Audit all but the last day, put the last day back, audit again; return both runs. `look(con)` runs
    on the connection after the second audit, before it closes."""
    shutil.copyfile(src, dst)
    con = connect(dst)
    con.execute("set TimeZone = 'UTC'")
    cut = con.execute(f"select max({RECEIVED}) - interval 1 day from events").fetchone()[0]
    con.execute(f"create table held as select * from events where {RECEIVED} >= ?", [cut])
    con.execute("delete from events where event_ref in (select event_ref from held)")
    first = incremental.run(con, settings)
    con.execute("insert into events select * from held")
    con.execute("drop table held")
    second = incremental.run(con, settings)
    if look is not None:
        look(con)
    con.close()
    return first, second


@pytest.mark.parametrize("settings", [None, AuditSettings(window_hours=24, evidence_tolerance_minutes=30)])
def test_appending_a_day_re_audits_part_and_matches_a_full_audit(generated, tmp_path, settings):
    full = tmp_path / "full.duckdb"
    _full(generated, full, settings)
    first, second = _append_last_day(generated, tmp_path / "inc.duckdb", settings)
    assert first.mode == "full" and first.reason == "first audit of this workspace"
    assert second.mode == "incremental", second.reason
    assert 0 < second.new_events <= second.reaudited_events < second.events
    assert differences(full, tmp_path / "inc.duckdb") == {}
    con = connect(tmp_path / "inc.duckdb", read_only=True)
    days = con.execute("select count(distinct day) from dedup_daily").fetchone()[0]
    assert 0 < second.days_recomputed < days  # the other days kept their daily figures
    con.execute(f"attach '{full}' as full_db (read_only)")
    # only new IPs were recounted; the new values' facts and classes were added (the scope reused the
    # classes the workspace had); the analysts' view of every value
    for table in ("stage_mq_shared_ips", "stage_mq_value_facts", "stage_mq_ip_classes",
                  "stage_mq_user_agents", "value_checks"):
        rows = f"from {table}"
        other = rows.replace(f"from {table}", f"from full_db.{table}")
        for a, b in ((rows, other), (other, rows)):
            assert con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0] == 0, table
    con.close()


def test_two_days_appended_one_after_the_other_match_a_full_audit(generated, tmp_path):
    """Two incremental audits in a row: the second merges into rows (and days) the first one merged."""
    full = tmp_path / "full.duckdb"
    _full(generated, full)
    db = tmp_path / "inc.duckdb"
    shutil.copyfile(generated, db)
    con = connect(db)
    con.execute("set TimeZone = 'UTC'")
    last = con.execute(f"select max({RECEIVED}) from events").fetchone()[0]
    con.execute(f"create table held as select * from events where {RECEIVED} >= ? - interval 2 day", [last])
    con.execute("delete from events where event_ref in (select event_ref from held)")
    runs = [incremental.run(con)]
    for before in ("interval 1 day", "interval 0 day"):  # the day before last, then the last day
        con.execute(f"insert into events select * from held where {RECEIVED} < ? - {before}"
                    " and event_ref not in (select event_ref from events)", [last])
        runs.append(incremental.run(con))
    con.execute("insert into events select * from held where event_ref not in (select event_ref from events)")
    runs.append(incremental.run(con))  # the events received at the very last instant
    con.close()
    assert [r.mode for r in runs[:3]] == ["full", "incremental", "incremental"], [r.reason for r in runs]
    assert all(r.days_recomputed for r in runs[1:3])
    assert differences(full, db) == {}


def test_incremental_audit_with_intermediates_in_a_scratch_file(generated, tmp_path, monkeypatch):
    """When nothing fits in memory the scope is audited in a file beside the workspace, its intermediates
    in that file's scratch file; both are deleted afterwards and the results are the same."""
    full = tmp_path / "full.duckdb"
    _full(generated, full)
    monkeypatch.setattr(scratch, "BYTES_PER_EVENT", 10**12)  # nothing fits in memory
    places = []
    real = incremental.side_database

    def spy(con, events, suffix):
        places.append(real(con, events, suffix))
        return places[-1]

    monkeypatch.setattr(incremental, "side_database", spy)
    _first, second = _append_last_day(generated, tmp_path / "inc.duckdb")
    assert second.mode == "incremental", second.reason
    assert tmp_path / "inc.duckdb.scope" in places
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full.duckdb", "inc.duckdb"]
    assert differences(full, tmp_path / "inc.duckdb") == {}


def test_the_scope_is_audited_in_memory_and_leaves_nothing_behind(generated, tmp_path):
    """No scope file, no extra schema in the workspace, no database left attached to the connection."""
    seen = {}

    def look(con):
        seen["schemas"] = {s for (s,) in con.execute("select schema_name from duckdb_schemas()"
                                                     " where database_name = current_database()").fetchall()}
        seen["databases"] = {d for (d,) in con.execute("select database_name from duckdb_databases()"
                                                       " where not internal").fetchall()}

    _first, second = _append_last_day(generated, tmp_path / "inc.duckdb", look=look)
    assert second.mode == "incremental", second.reason
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inc.duckdb"]
    assert seen == {"schemas": {"main"}, "databases": {"inc"}}


def test_nothing_new_changes_nothing(generated, tmp_path):
    db = tmp_path / "db.duckdb"
    _full(generated, db)
    shutil.copyfile(db, tmp_path / "before.duckdb")
    con = connect(db)
    again = incremental.run(con)
    runs = con.execute("select mode from audit_runs order by run_at").fetchall()
    con.close()
    assert again.mode == "unchanged" and again.reaudited_events == 0
    assert runs == [("full",), ("unchanged",)]
    assert differences(tmp_path / "before.duckdb", db) == {}


def test_changed_settings_or_removed_events_mean_a_full_audit(generated, tmp_path):
    db = tmp_path / "db.duckdb"
    _full(generated, db)
    con = connect(db)
    assert incremental.run(con, AuditSettings(window_hours=24)).mode == "full"
    con.execute("delete from events where event_ref in (select event_ref from events limit 3)")
    run = incremental.run(con, AuditSettings(window_hours=24))
    con.close()
    assert run.mode == "full" and "3 audited events were replaced or removed" in run.reason


def test_a_key_far_in_the_past_is_re_audited(tmp_path):
    """A server copy arriving days after its browser copy: both events change (pair outside the window)."""
    old = [pixel("Purchase", "ord-1", "2026-11-01T10:00:00Z", event_ref="old:px", value=5, currency="EUR"),
           *[pixel("ViewContent", f"v{i}", f"2026-11-0{1 + i % 5}T12:00:00Z") for i in range(30)]]
    new = [capi("Purchase", "ord-1", "2026-11-06T10:00:00Z", event_ref="new:capi", value=5, currency="EUR")]
    run = audit_in_two_steps(tmp_path, old, new)
    assert run.mode == "incremental" and run.new_events == 1 and run.reaudited_events == 2


def test_customer_keys_widen_the_scope_only_within_the_evidence_band(tmp_path):
    fbp = "fb.1.1762000000000.42"
    old = [pixel("Lead", None, "2026-11-03T10:00:00Z", fbp=fbp, event_ref="old:near"),
           pixel("Lead", None, "2026-11-01T10:00:00Z", fbp=fbp, event_ref="old:far"),
           *[pixel("ViewContent", f"v{i}", "2026-11-02T12:00:00Z") for i in range(30)]]
    new = [capi("Lead", "srv-1", "2026-11-03T10:04:00Z", fbp=fbp, event_ref="new:capi")]
    run = audit_in_two_steps(tmp_path, old, new)
    assert run.mode == "incremental" and run.reaudited_events == 2  # new:capi and old:near, not old:far


def test_a_server_ip_turning_shared_re_audits_its_old_events(tmp_path):
    """20 users on one server IP make it shared: the older events on it get the finding too."""
    ip = "198.51.100.7"
    old = [capi("Purchase", f"o{i}", "2026-11-02T10:00:00Z", client_ip_address=ip, external_id=f"c{i}")
           for i in range(19)]
    old += [pixel("ViewContent", f"v{i}", "2026-11-02T12:00:00Z") for i in range(30)]
    new = [capi("Purchase", "n1", "2026-11-04T10:00:00Z", client_ip_address=ip, external_id="c99")]
    run = audit_in_two_steps(tmp_path, old, new)
    assert run.mode == "incremental" and run.reaudited_events == 20
    con = connect(tmp_path / "inc.duckdb", read_only=True)
    assert con.execute("select count(*) from findings where rule_id = 'client_ip_shared'").fetchone()[0] == 20
    con.close()


def test_the_fingerprint_covers_all_code_an_audit_runs(generated, tmp_path):
    """The fingerprint hashes audit/{rules,metrics,schema} but READ_ONLY_CODE: a full and an incremental
    audit must import nothing from elsewhere in the package but audit.db, audit.errors and audit.sizes (the
    loader's code is left out on purpose), and must neither import nor read READ_ONLY_CODE."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(generated, db)
    script = (
        "import pathlib, sys\n"
        "read, read_text = set(), pathlib.Path.read_text\n"
        "def recorded(path, *args, **kwargs):\n"
        "    read.add(path.as_posix())\n"
        "    return read_text(path, *args, **kwargs)\n"
        "pathlib.Path.read_text = recorded\n"
        "from audit.db import connect\n"
        "from audit.rules import incremental\n"
        "con = connect(sys.argv[1])\n"
        f"con.execute('create table held as select * from events where {RECEIVED} >= '\n"
        f"            '(select max({RECEIVED}) - interval 1 day from events)')\n"
        "con.execute('delete from events where event_ref in (select event_ref from held)')\n"
        "modes = [incremental.run(con).mode]\n"
        "con.execute('insert into events select * from held')\n"
        "modes.append(incremental.run(con).mode)\n"
        "print(' '.join(modes))\n"
        "print(' '.join(m for m in sys.modules if m.startswith('audit.')))\n"
        "print(' '.join(sorted(read)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "full incremental"
    modules = out[1].split()
    allowed = (*incremental.AUDIT_CODE, "db", "errors", "sizes")
    outside = {m for m in modules if m.split(".")[1] not in allowed}
    assert not outside, outside
    package = Path(incremental.__file__).resolve().parents[1]
    read = {Path(f).resolve().relative_to(package).as_posix() for f in out[2].split()
            if Path(f).resolve().is_relative_to(package)}
    assert {"rules/sql/stages/60_value_checks.sql", "metrics/period_sql/10_parameter_coverage.sql"} <= read
    imported = {m.removeprefix("audit.").replace(".", "/") + ".py" for m in modules}
    assert {f for f in read | imported if f.startswith(incremental.READ_ONLY_CODE)} == set()


def test_an_audit_that_stops_part_way_is_followed_by_a_full_one(generated, tmp_path, monkeypatch):
    """A full audit that fails after emptying outputs must not leave the next audit trusting them."""
    db = tmp_path / "db.duckdb"
    _full(generated, db)
    real = incremental.run_audit

    def stops_part_way(con, *args, **kwargs):
        real(con, *args, **kwargs)
        con.execute("delete from findings")  # outputs half-made when the disk fills
        raise RuntimeError("No space left on device")

    monkeypatch.setattr(incremental, "run_audit", stops_part_way)
    con = connect(db)
    with pytest.raises(RuntimeError):
        incremental.run(con, full=True)
    monkeypatch.setattr(incremental, "run_audit", real)
    again = incremental.run(con)
    modes = con.execute("select mode from audit_runs order by run_at").fetchall()
    con.close()
    assert again.mode == "full" and "did not finish" in again.reason
    assert modes == [("full",), ("full",)]  # the unfinished run's mark is replaced by the finished one
    _full(generated, tmp_path / "clean2.duckdb")
    assert differences(tmp_path / "clean2.duckdb", db) == {}


def test_events_not_audited_counts_the_files_loaded_since_and_hand_made_changes(tmp_path):
    sample.generate(tmp_path / "logs", events=600, seed=5, days=3)
    con = connect(tmp_path / "db.duckdb")
    exact = "select count(*) from events where event_ref not in (select event_ref from audited_events)"
    load_files(con, [tmp_path / "logs" / "pixel_events.jsonl"], "pixel")
    incremental.run(con)
    assert incremental.events_not_audited(con) == 0
    load_files(con, [tmp_path / "logs" / "capi_requests.jsonl"], "capi")
    capi_events = con.execute("select count(*) from events where channel = 'capi'").fetchall()[0][0]
    assert capi_events > 0
    assert incremental.events_not_audited(con) == capi_events == con.execute(exact).fetchall()[0][0]
    # an event added by hand, without a load: the counts no longer add up, so the refs are compared
    con.execute("insert into events select * replace (event_ref || ':copy' as event_ref) from events "
                "where event_ref = (select min(event_ref) from events where channel = 'pixel')")
    assert incremental.events_not_audited(con) == capi_events + 1 == con.execute(exact).fetchall()[0][0]
    incremental.run(con)
    assert incremental.events_not_audited(con) == 0
    con.close()
