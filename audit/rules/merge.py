"""Merging an incremental audit into the workspace: the scope's per-event rows replace the workspace's (by
event, conversion or pair), and the daily tables are recomputed for the UTC days those rows fall on.

The scope is audited in database SCOPE (audit/rules/incremental.py); the daily metrics of the days it
touches run in schema DAYS, where `events` and every per-event table with a `day` are views of those days.
"""

from __future__ import annotations

from collections.abc import Callable

from audit.db import catalog, column_names, scalar, sql_text, table_names
from audit.rules.compare import output_tables
from audit.rules.engine import run_daily_metrics

SCOPE = "audit_scope"  # attached database where an incremental audit re-audits its scope
DAYS = "audit_days"  # schema where it recomputes the daily tables of the days the scope touches
# Stage tables over every event of the workspace, recounted by the scope run for some keys only:
# (key column, temp table of the recounted keys); their rows replace the workspace's for those keys.
RECOUNTED = {"stage_mq_shared_ips": ("ip", "scope_new_ips")}
# Lookups over distinct values, one row per key: the scope's rows for keys the workspace lacks are added.
LOOKUP_KEYS = {"stage_mq_value_facts": ("parameter", "value"), "stage_mq_ip_classes": ("client_ip_address",),
               "stage_mq_user_agents": ("client_user_agent",)}
PER_EVENT_OUTPUTS = frozenset({"findings", "event_pairs"})


def recompute_days(con, note: Callable[[str], None]) -> int:
    """Recompute the daily tables for the days the re-audited events touch (scope_days.sql); the other
    days keep their rows. The daily metrics run in schema DAYS, where `events` and every per-event table
    with a `day` are views of those days alone. Returns how many days were recomputed."""
    con.execute(sql_text("audit.rules.sql", "scope_days.sql"))
    db = catalog(con)
    daily = daily_tables(con)
    con.execute(f"drop schema if exists {DAYS} cascade")
    con.execute(f"create schema {DAYS}")
    con.execute(f'create view {DAYS}.events as from "{db}".main.events'
                " where in_scope_time(event_time)")
    for table in table_names(con, "main"):
        if table in daily:
            con.execute(f'create table {DAYS}.{table} as from "{db}".main.{table} limit 0')
        elif "day" in column_names(con, "main", table):
            con.execute(f'create view {DAYS}.{table} as from "{db}".main.{table}'
                        " where in_scope_days(day)")
    con.execute(f"use {DAYS}")
    try:
        run_daily_metrics(con, note)
    finally:
        con.execute("use main")
    for table in daily:
        con.execute(f"delete from main.{table} where in_scope_days(day)")
        con.execute(f"insert into main.{table} from {DAYS}.{table}")
    return scalar(con, "select count(distinct day) from scope_days")


def daily_tables(con) -> list[str]:
    """Output tables summed per UTC day (a `day` column; not one row per event or pair)."""
    return [t for t in output_tables() if t not in PER_EVENT_OUTPUTS and t != "rules"
            and "day" in column_names(con, "main", t)]


def period_tables(con) -> list[str]:
    """Output tables over the whole period (summed from the daily ones, or by the Python post steps)."""
    daily = daily_tables(con)
    return [t for t in output_tables() if t not in PER_EVENT_OUTPUTS and t != "rules" and t not in daily]


def _scope_rows(cols: set[str], in_scope: str) -> str | None:
    """WHERE condition of a per-event table's rows that belong to the scope (None: not a per-event table)."""
    if "event_ref" in cols:
        return f"event_ref {in_scope}"
    if "conversion_id" in cols:
        return f"conversion_id {in_scope}"
    if {"pixel_ref", "capi_ref"} <= cols:
        return f"pixel_ref {in_scope} or capi_ref {in_scope}"
    return None


def merge(con, table: str) -> None:
    """Replace the scope's rows of one kept table in main with the scope run's rows."""
    cols = column_names(con, "main", table, SCOPE)
    src, dst = f"{SCOPE}.main.{table}", f"main.{table}"
    in_scope = "in (select event_ref from scope_events)"
    if table in RECOUNTED:
        key, keys = RECOUNTED[table]
        con.execute(f"delete from {dst} where {key} in (select {key} from {keys})")
        con.execute(f"insert into {dst} select * from {src} where {key} in (select {key} from {keys})")
        return
    if rows := _scope_rows(cols, in_scope):
        if "day" in cols:  # the days of the rows replaced and added: their daily figures are recomputed
            con.execute(f"insert into scope_days select distinct coalesce(day, date '-infinity') from {dst}"
                        f" where {rows} union select distinct coalesce(day, date '-infinity') from {src}")
        con.execute(f"delete from {dst} where {rows}")
    elif table in output_tables():
        return  # an aggregate: recomputed from the merged per-event tables
    elif keys := LOOKUP_KEYS.get(table):  # a lookup over distinct values: add the values it did not have
        same = " and ".join(f"s.{k} is not distinct from d.{k}" for k in keys)
        con.execute(f"insert into {dst} select s.* from {src} as s anti join {dst} as d on {same}")
        return
    else:  # any other lookup: add the rows it did not have
        con.execute(f"insert into {dst} select * from {src} except select * from {dst}")
        return
    con.execute(f"insert into {dst} select * from {src}")
