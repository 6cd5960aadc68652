"""Incremental audits: after new logs are loaded, re-audit only the events the new ones can affect.

How it stays exact (the tests compare it with a full audit on generated data):
1. `audited_events` lists the events the last audit covered; `audit_runs` records each run with a
   fingerprint of the audit's code and settings. No earlier audit, one that did not finish, other code or
   settings, or an event gone since (a `--replace` load) means a full audit.
2. The scope starts with the new events and the server events on an IP whose count of users changed
   where it matters, and widens until closed: every event sharing an id or order id with an event in
   scope, or a customer key (external_id, e-mail, fbp) within the evidence band of time
   (audit/rules/sql/incremental/). Pairing and every rule only relate events through these keys, so
   events outside the scope keep the results they had.
3. The per-event part of the audit (stages and rules) runs on the scope alone, in an attached database of
   its own (in memory when it fits: nothing is written to the workspace file but the merged rows); its
   rows replace the scope's rows in main's per-event tables (by event_ref, conversion or pair).
4. Aggregates are recomputed from the merged per-event tables: the daily tables only for the UTC days
   whose rows the re-audit changed (audit/rules/sql/scope_days.sql), the all-period tables (coverage,
   match quality) from the daily ones.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from audit.db import catalog, scalar, sql_files, sql_text, table_names
from audit.rules.engine import (
    AuditSettings,
    audit_events,
    define_all_events,
    drop_intermediate,
    rule_counts,
    run_audit,
    run_period_metrics,
    run_stage,
    set_variables,
)
from audit.rules.merge import DAYS, SCOPE, merge, period_tables, recompute_days
from audit.rules.scratch import SCOPE_SUFFIX, remove_database, side_database

AUDIT_CODE = ("rules", "metrics", "schema")  # folders of audit/ whose code decides the audit's results
# ... except these, which only read the audit's outputs (the summaries of the CLI, the report and the
# dashboard; the what-if): an audit neither imports nor reads them (a test checks), so a release that changes
# only them does not force a full re-audit of every workspace.
READ_ONLY_CODE = ("metrics/summary_sql/", "metrics/summary.py", "metrics/whatif.py")
FULL_SHARE = 0.6  # re-auditing more than this share of the events: a full audit is as cheap
SHARED_IPS_STEP = "stage 62_shared_ips.sql"
REUSE_SHARED_IPS = "create or replace table stage_mq_shared_ips as from scope_new_shared_ips"
# audit_runs' mode while an audit runs: an audit that stops part way (out of disk, out of memory, killed)
# leaves it as the last run, so the next audit is a full one instead of trusting half-made outputs.
STARTED = "started"

STATE_SQL = """
create table if not exists audited_events (event_ref varchar);
create table if not exists audit_keys (ev ubigint, key_hash ubigint, t double);
create table if not exists audit_runs (
    run_at timestamptz, mode varchar, reason varchar, events bigint, new_events bigint,
    reaudited_events bigint, seconds double, fingerprint varchar
);
create temp table if not exists scope_new_events (event_ref varchar);
"""
# The events the last audit did not cover, worked out once per audit (one anti-join of the two ref lists).
NOT_AUDITED_REFS = (
    "select event_ref from events where event_ref not in (select event_ref from audited_events)"
)
NEW_EVENTS_SQL = f"create or replace temp table scope_new_events as {NOT_AUDITED_REFS}"


@dataclass(frozen=True)
class AuditRun:
    """What one audit did: full or incremental, why, and how many events it re-audited."""

    mode: str
    reason: str
    events: int
    new_events: int
    reaudited_events: int
    seconds: float
    rules: dict[str, int]
    days_recomputed: int | None = None  # incremental: UTC days whose daily figures were recomputed


def fingerprint(settings: AuditSettings) -> str:
    """Hash of the audit's settings, of every SQL, TOML and Python file that computes its results and of
    the DuckDB version (the stored keys are hashed with DuckDB's hash(), see 05_event_keys.sql)."""
    digest = hashlib.sha256(json.dumps(settings.variables(), sort_keys=True).encode())
    digest.update(_code_digest().encode())
    digest.update(duckdb.__version__.encode())
    return digest.hexdigest()[:16]


@functools.cache
def _code_digest() -> str:
    """Hash of the audit's code, read once per process (the code this process runs).

    The loader's code is left out: it decides how new events are stored, never what the audit makes of
    stored ones (the audit imports nothing from audit.ingest; a test checks), so a loader change does
    not force a full re-audit. So is READ_ONLY_CODE."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder in AUDIT_CODE:
        for path in sorted((root / folder).rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.suffix in (".sql", ".toml", ".py") and not name.startswith(READ_ONLY_CODE):
                digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def full_reason(con, current: str, total: int) -> str | None:
    """Why this workspace of `total` events needs a full audit (None when an incremental one is exact).
    Leaves temp table scope_new_events: the events the last audit did not cover."""
    reason = _reason_in_runs(con, current)
    if reason is not None:
        return reason
    con.execute(NEW_EVENTS_SQL)
    new = scalar(con, "select count(*) from scope_new_events")
    # event refs are unique: audited events still there = every event but the new ones
    gone = scalar(con, "select count(*) from audited_events") - (total - new)
    if gone:
        return f"{gone:,} audited events were replaced or removed"
    return None


# Events of the files loaded after the last finished audit (a load and an audit never overlap: both write),
# and what that audit counted.
_LOADED_SINCE_SQL = """
with last as (select run_at, events from audit_runs where mode <> ? order by run_at desc limit 1)
select
    (select count(*) from events),
    (select count(*) from events where load_id in (
        select load_id from loads where loaded_at > (select run_at from last))),
    (select events from last)
"""


def events_not_audited(con) -> int:
    """Events the last finished audit did not cover, for the dashboard's notice. capi-audit only ever adds
    events, by loading files: when the events are those the audit counted plus the files loaded since,
    the answer is the new files' events, found without comparing every event's ref (an anti-join of two
    ref lists takes 8-12 s at 97 M events). Otherwise (events added or removed by hand, no finished
    audit) the refs are compared. A hand edit that keeps the count (one event deleted, another inserted)
    goes unseen here; the audit itself always compares the refs."""
    total, loaded_since, audited = con.execute(_LOADED_SINCE_SQL, [STARTED]).fetchall()[0]
    if audited is not None and total - loaded_since == audited:
        return int(loaded_since)
    return scalar(con, f"select count(*) from ({NOT_AUDITED_REFS})")


def _reason_in_runs(con, current: str) -> str | None:
    """Why a full audit is needed, as far as the record of earlier runs tells (no scan of the events)."""
    if scalar(con, "select count(*) from audit_runs") == 0:
        return "first audit of this workspace"
    last_mode, last = con.execute(
        "select mode, fingerprint from audit_runs order by run_at desc limit 1").fetchone()
    if last_mode == STARTED:
        return "the last audit did not finish, so its results may be incomplete"
    if last != current:
        return "the audit's code or settings changed since the last audit"
    return None


def events_to_audit(con, settings: AuditSettings, full: bool = False) -> int:
    """Events the coming audit covers, worked out cheaply (before it starts, for the free-disk check): all
    of them for a full audit, else the new ones. For an incremental audit it is a floor: the events the new
    ones touch are only known once the audit works out its scope."""
    con.execute(STATE_SQL)
    total = scalar(con, "select count(*) from events")
    if full or _reason_in_runs(con, fingerprint(settings)) is not None:
        return total
    new = max(0, total - scalar(con, "select count(*) from audited_events"))
    return total if new > FULL_SHARE * total else new


def run(
    con,
    settings: AuditSettings | None = None,
    progress: Callable[[str], None] | None = None,
    full: bool = False,
) -> AuditRun:
    """Audit the workspace: incrementally when that is exact and cheaper, else in full."""
    settings = settings or AuditSettings()
    note = progress or (lambda _msg: None)
    started = time.perf_counter()
    con.execute(STATE_SQL)
    current = fingerprint(settings)
    total = scalar(con, "select count(*) from events")
    reason = "asked for a full audit" if full else full_reason(con, current, total)
    mode, new, reaudited = "full", total, total
    if reason is None:
        new = scalar(con, "select count(*) from scope_new_events")
        reaudited = _scope(con, settings, note)
        if new == 0 and reaudited == 0:
            mode, reason = "unchanged", "nothing new since the last audit"
        elif reaudited > FULL_SHARE * total:
            reason = f"the new events touch {reaudited:,} of {total:,} events"
            new = reaudited = total
        else:
            mode, reason = "incremental", f"{new:,} new events; {reaudited:,} events re-audited"
    if mode != "unchanged":  # until it is replaced by the finished run, says the outputs are half-made
        con.execute("insert into audit_runs values (now(), ?, ?, ?, ?, ?, null, null)",
                    [STARTED, reason, total, new, reaudited])
    days = None
    if mode == "incremental":
        days = _audit_scope(con, settings, note, reaudited)
        reason += f"; daily figures of {days:,} days recomputed"
    elif mode == "full":
        run_audit(con, settings, progress=note)
    # after the merge's commit: a table dropped inside it cannot commit
    _detach_scope(con)
    con.execute(f"drop schema if exists {DAYS} cascade")
    if mode == "full":  # an incremental audit records what it covered in its merge's transaction
        note("remembering the audited events for the next incremental audit")  # 209 s at 96.7 M events
        _remember_all(con)
    seconds = time.perf_counter() - started
    con.execute("delete from audit_runs where mode = ?", [STARTED])
    con.execute(
        "insert into audit_runs values (now(), ?, ?, ?, ?, ?, ?, ?)",
        [mode, reason, total, new, reaudited, seconds, current],
    )
    return AuditRun(mode, reason, total, new, reaudited, seconds, rule_counts(con), days)


def _remember_all(con) -> None:
    """After a full audit: record every event and its keys (the next incremental audit starts from them)."""
    define_all_events(con)
    con.execute(sql_text("audit.rules.sql.incremental", "05_event_keys.sql"))
    con.execute("delete from audited_events")
    # recreated, not emptied: an older workspace's table held the keys' text (see 05_event_keys.sql)
    con.execute("create or replace table audit_keys as from scope_event_keys(false)")
    con.execute("insert into audited_events select event_ref from events")


@contextmanager
def _in_scope(con, workspace: str) -> Iterator[None]:
    """Work in database SCOPE: new tables go there; the workspace's tables stay readable by name."""
    con.execute("set search_path = ?", [f'{SCOPE}.main,"{workspace}".main'])
    try:
        yield
    finally:
        con.execute(f'use "{workspace}".main')


def _attach_scope(con, events: int) -> None:
    """Attach database SCOPE, where the scope is audited: in memory when its intermediates fit (nothing is
    written to the workspace's file or checkpointed but the merged rows), else a file beside the workspace
    (deleted when the audit ends)."""
    _detach_scope(con)
    con.execute(f"drop schema if exists {SCOPE} cascade")  # where versions before 0.2.4 audited the scope
    path = side_database(con, events, SCOPE_SUFFIX)
    con.execute(f"attach '{path or ':memory:'}' as {SCOPE}")


def _detach_scope(con) -> None:
    """Detach database SCOPE (if attached) and delete its file when it had one."""
    path = scalar(con, "select any_value(path) from duckdb_databases() where database_name = ?", [SCOPE])
    con.execute(f"detach database if exists {SCOPE}")
    if path:
        remove_database(Path(path))


def _scope(con, settings: AuditSettings, note: Callable[[str], None]) -> int:
    """Build temp table scope_events (closed under shared keys); return its size."""
    note("finding the events to re-audit")
    set_variables(con, settings)
    define_all_events(con)
    db = catalog(con)
    _attach_scope(con, 0)  # only the shared IPs of the new server events, small
    note("finding the events to re-audit: shared IPs")
    with _in_scope(con, db):  # the IPs of new server events recounted (the SQL uses strip_appendix)
        try:
            con.execute(sql_text("audit.rules.sql.stages", "50_macros.sql"))
            con.execute(sql_text("audit.rules.sql", "scope_shared_ips.sql", catalog=db))
            con.execute(sql_text("audit.rules.sql.stages", "62_shared_ips.sql"))
        finally:
            define_all_events(con, db)
    con.execute(f"""create or replace temp table scope_new_shared_ips as
        from {SCOPE}.main.stage_mq_shared_ips where ip in (select ip from scope_new_ips)
        union all
        from main.stage_mq_shared_ips as o
        anti join scope_new_ips as n on n.ip = o.ip""")
    for name, text in sql_files("audit.rules.sql", "incremental"):
        note(f"finding the events to re-audit: {name}")
        run_stage(con, text)
    return scalar(con, "select count(*) from scope_events")


def _audit_scope(con, settings: AuditSettings, note: Callable[[str], None], events: int) -> int:
    """Audit the scope (`events` events, temp table scope_events) in its own database, merge its per-event
    rows into main, recompute the aggregates; return how many days' daily figures were recomputed."""
    drop_intermediate(con)
    db = catalog(con)
    _attach_scope(con, events)
    con.execute(f"create table {SCOPE}.main.events as select * from events"
                " where rowid in (select row_id from scope_events)")
    with _in_scope(con, db):  # the shared IPs are over every event: the scope run reuses _scope()'s table
        audit_events(con, settings, note, known={SHARED_IPS_STEP: REUSE_SHARED_IPS}, workspace=db)
    note("merging the re-audited events")
    con.execute("begin transaction")
    try:
        kept = set(table_names(con))  # tables the workspace keeps; the scope's others are intermediate
        con.execute("create or replace temp table scope_days (day date)")
        for table in table_names(con, "main", SCOPE):
            if table != "events" and table in kept:
                merge(con, table)
        days = recompute_days(con, note)
        for table in period_tables(con):
            con.execute(f"delete from main.{table}")
        run_period_metrics(con, note)
        # what this audit covered, for the next one (in this transaction: one commit, one checkpoint)
        note("saving the re-audited results")  # the commit writes them: the largest step at 1 M events
        con.execute("insert into audit_keys select * from scope_new_keys")
        con.execute("insert into audited_events from scope_new_events")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return days
