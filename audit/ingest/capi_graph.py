"""Conversions API logs: Graph API request bodies, log envelopes with Meta's response, or single events."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from audit.db import sql_text
from audit.ingest.base import ReadContext, ReadOutcome
from audit.ingest.columns import sql_str
from audit.ingest.jsondoc import plain_jsonl, stage_json_records

_BODY = re.compile(rb'"(data|request)"\s*:\s*[\[{"]')
_EVENT = re.compile(rb'"event_name"\s*:')
_NESTED_USER = re.compile(rb'"(user_data|custom_data)"\s*:\s*\{')
_FLAT_KEYS = re.compile(rb'"(channel|user_data\.[a-z_]+|custom_data\.[a-z_]+)"\s*:')
_HAR = re.compile(rb'"log"\s*:\s*\{')

_COUNTS = """
select
    (select count(*) from cg_records where kind = 'blank') as ignored,
    (select count(*) from cg_records where kind in ('bad_json', 'unknown'))
    + (select coalesce(sum(case when len(items) > 0 then len(items) else 1 end), 0) from cg_data)
        as events_and_errors
"""
_TEMP_TABLES = ("cg_records", "cg_data", "cg_events", "cg_parsed", "cg_fast", "cg_fast_misfits")


class CapiGraphAdapter:
    """Graph API `/{pixel_id}/events` request bodies (JSON or JSONL), log envelopes, single CAPI events."""

    name = "capi_graph"
    channel = "capi"
    description = (
        'Conversions API logs: JSON/JSONL of request bodies {"data": [...]}, log envelopes '
        '{"request": {...}, "response": {...}} or single events with user_data'
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        """A JSON body with "data"/"request", or events with a nested user_data/custom_data object."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start not in (b"{", b"["):
            return False
        if _HAR.search(head[:4096]):
            return False
        if _BODY.search(head):
            return True
        return bool(_EVENT.search(head) and _NESTED_USER.search(head) and not _FLAT_KEYS.search(head))

    def read(self, con, path: Path, ctx: ReadContext) -> ReadOutcome:
        """Stage every event of every request; quarantine unreadable lines and non-object events."""
        con.execute("set variable ingest_load_id = ?", [ctx.load_id])
        outcome = self._read_fast(con, path, ctx) if plain_jsonl(path) else None
        if outcome is None:
            stage_json_records(con, path, ctx)
            con.execute(sql_text("audit.ingest.sql", "capi_graph.sql"))
            ignored, counted = con.execute(_COUNTS).fetchall()[0]
            outcome = ReadOutcome(rows_read=int(ignored) + int(counted), rows_ignored=int(ignored))
        con.execute(sql_text("audit.ingest.sql", "capi_graph_stage.sql"))
        con.execute("drop view if exists cg_fast_records")
        for table in _TEMP_TABLES:
            con.execute(f"drop table if exists {table}")
        return outcome

    @staticmethod
    def _read_fast(con, path: Path, ctx: ReadContext) -> ReadOutcome | None:
        """One typed read_json pass; None when the file does not fit it (the exact path then reads it)."""
        script = sql_text("audit.ingest.sql", "capi_graph_fast.sql", path=sql_str(str(path)))
        try:
            con.execute(script)
        except (duckdb.Error, UnicodeDecodeError):  # DuckDB may quote invalid UTF-8 in its message
            return None
        if con.execute("select count(*) from cg_fast_misfits").fetchall()[0][0]:
            return None
        if ctx.on_bytes:
            ctx.on_bytes(path.stat().st_size)
        events = con.execute("select count(*) from cg_parsed").fetchall()[0][0]
        return ReadOutcome(rows_read=int(events), rows_ignored=0)
