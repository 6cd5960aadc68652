"""The dashboard's data: one cached read-only DuckDB connection, cached reads of the audit views."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from audit.db import connect
from audit.outputs import queries
from audit.rules.incremental import events_not_audited

DB_ENV = "CAPI_AUDIT_DB"
OUTPUT_TABLES = ("event_pairs", "findings", "daily_metrics", "rules")


def db_path() -> str | None:
    """The audit database: `--db FILE` after `streamlit run app.py --`, else $CAPI_AUDIT_DB."""
    args = sys.argv[1:]
    if "--db" in args and args.index("--db") + 1 < len(args):
        return args[args.index("--db") + 1]
    return os.environ.get(DB_ENV) or None


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    """One read-only connection per database file, shared by every session."""
    return connect(path, read_only=True)


def cursor():
    """A fresh cursor on the shared connection (DuckDB wants one per thread)."""
    return _connection(db_path()).cursor()


@dataclass(frozen=True)
class Status:
    """What the database holds, to pick the right empty state."""

    path: str | None
    exists: bool
    events: int
    audited: bool
    error: str | None = None
    not_audited: int = 0  # events loaded after the last `capi-audit audit`


@st.cache_data(show_spinner=False, ttl=60)
def _status(path: str | None) -> Status:
    if not path:
        return Status(None, False, 0, False)
    if not Path(path).exists():
        return Status(path, False, 0, False)
    try:
        cur = _connection(path).cursor()
        tables = queries.existing_tables(cur)
        events = cur.execute("select count(*) from events").fetchall()[0][0] if "events" in tables else 0
        state = {"events", "loads", "audited_events", "audit_runs"}
        not_audited = events_not_audited(cur) if state <= tables else 0
    except Exception as exc:  # a locked or foreign file: say so on the page instead of crashing
        return Status(path, True, 0, False, str(exc))
    return Status(path, True, int(events), all(t in tables for t in OUTPUT_TABLES), None, int(not_audited))


def status() -> Status:
    """The state of the configured database."""
    return _status(db_path())


@st.cache_data(show_spinner=False, ttl=600)
def _read(path: str, name: str, items: tuple) -> pd.DataFrame:
    cur = _connection(path).cursor()
    try:
        return queries.run(cur, name, **dict(items))
    finally:
        cur.close()


def read(name: str, **params) -> pd.DataFrame:
    """Run audit/outputs/queries/<name>.sql with these filters (cached)."""
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _read(db_path(), name, items)


@st.cache_data(show_spinner=False, ttl=600)
def _summary(path: str, dataset, start, end, names, channel) -> dict | None:
    try:
        from audit.metrics.summary import summary
    except ImportError:
        return None
    cur = _connection(path).cursor()
    try:
        return summary(cur, dataset=dataset, start=start, end=end,
                       event_names=list(names) if names else None, channel=channel)
    finally:
        cur.close()


def summary(dataset=None, start=None, end=None, names=None, channel=None) -> dict | None:
    """The headline numbers, exactly as `capi-audit summary --json` gives them (None if unavailable)."""
    return _summary(db_path(), dataset, start, end, tuple(names) if names else None, channel)


@st.cache_data(show_spinner=False, ttl=600)
def _match_quality(path: str, dataset, start, end, names) -> list:
    from audit.metrics.period import match_quality

    cur = _connection(path).cursor()
    try:
        return match_quality(cur, dataset=dataset, start=start, end=end, event_names=names)
    finally:
        cur.close()


def match_quality(dataset=None, start=None, end=None, names=None, channel=None) -> pd.DataFrame:
    """Estimated EMQ per event name x channel over the chosen days (datasets pooled, weighted by events)."""
    from audit.metrics.period import pooled_emq

    qualities = _match_quality(db_path(), dataset, start, end, tuple(names) if names else None)
    rows = [
        {"event_name": name, "channel": ch, "events": events, "estimated_emq": emq}
        for (name, ch), (events, emq) in pooled_emq(qualities).items()
        if events > 0 and (channel is None or ch == channel)
    ]
    frame = pd.DataFrame(rows, columns=["event_name", "channel", "events", "estimated_emq"])
    return frame.sort_values(["event_name", "channel"], ignore_index=True)


def emq_drivers(event_name: str, channel: str, dataset=None, start=None, end=None) -> pd.DataFrame:
    """Points each parameter adds to the estimate of one event name and channel over the chosen days."""
    from audit.metrics.period import pooled_drivers

    chosen = _match_quality(db_path(), dataset, start, end, (event_name,))
    points = pooled_drivers(q for q in chosen if q.channel == channel)
    ranked = sorted(points.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(ranked, columns=["parameter", "points"])


def whatif(event_name: str, overrides: dict[str, float], dataset: str | None = None,
           start=None, end=None) -> list[dict] | None:
    """Current and projected estimated EMQ per channel over the chosen days (None when unavailable)."""
    try:
        from audit.metrics.whatif import project
    except ImportError:
        return None
    cur = cursor()
    try:
        return project(cur, event_name, overrides, dataset=dataset, start=start, end=end)
    finally:
        cur.close()
