"""Flat tables (CSV, Parquet, JSONL) with canonical, dotted (`user_data.em`) or mapped column names."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import duckdb

from audit.db import sql_text
from audit.errors import ConfigError, IngestError
from audit.ingest.base import ReadContext, ReadOutcome
from audit.ingest.columns import Source, select_list, sql_str
from audit.ingest.jsondoc import plain_jsonl, stage_json_records
from audit.ingest.lines import stage_lines
from audit.ingest.staging import stage_as_view
from audit.ingest.table_jsonl import (
    MAX_JSON_COLUMNS,
    ORDERED_KEYS,
    as_json_sources,
    create_view,
    jsonl_fast_sources,
    number_lines,
    reformatted_numbers,
)

_CSV_HEADER = re.compile(rb"^[^\r\n{]*[,;\t|][^\r\n]*\r?\n")


def read_mapping(path: str | Path) -> dict[str, str]:
    """Read a TOML column mapping: `[columns]` with `source_name = "canonical_name"` lines."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the column mapping ({exc})") from exc
    columns = data.get("columns")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ConfigError(f'{path}: expected a [columns] table of source_name = "canonical_name" lines')
    return dict(columns)


def _kind(head: bytes) -> str:
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return "jsonl"
    return "csv"


class TableAdapter:
    """CSV, Parquet or JSONL tables, one event per row, for either channel."""

    name = "table"
    channel = None
    description = (
        "flat tables (CSV with a header row, Parquet, JSONL) with canonical column names "
        "such as event_name, event_id, event_time, em or user_data.em (or a --mapping file)"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        """Parquet magic, a JSON object per line, or a delimited header line."""
        kind = _kind(head)
        if kind != "csv":
            return True
        return bool(_CSV_HEADER.match(head.lstrip(b"\xef\xbb\xbf")))

    def read(self, con, path: Path, ctx: ReadContext) -> ReadOutcome:
        """Stage one event per row; quarantine rows that do not parse."""
        with open(path, "rb") as fh:
            kind = _kind(fh.read(4096))
        if kind == "jsonl" and plain_jsonl(path):
            outcome = self._read_jsonl_fast(con, path, ctx)
            if outcome is not None:
                return outcome
        if kind == "parquet":
            return self._read_parquet(con, path, ctx)
        ignored = 0
        if kind == "jsonl":
            stage_json_records(con, path, ctx)
            con.execute(sql_text("audit.ingest.sql", "table_jsonl.sql"))
            # a blank key can name no column (and DuckDB cannot unnest it): its value is left out
            ordered = ORDERED_KEYS.format(line="ingest_source_line", json="j", source="tb_src")
            keys = [k for (k,) in con.execute(ordered).fetchall() if k.strip()]
            sources = self._json_columns(con, keys)
            ignored = con.execute("select count(*) from tb_rows where blank").fetchall()[0][0]
        else:
            self._csv(con, path, ctx)
            sources = self._typed_sources(con)
            ignored = con.execute(
                "select count(*) from ingest_lines where line > 1 and trim(text) = ''"
            ).fetchall()[0][0]
        self._check_columns(path, ctx, sources)
        con.execute(self._insert(sources, ctx))
        staged_or_quarantined = con.execute(
            "select (select count(*) from ingest_stage) + (select count(*) from ingest_quarantine)"
        ).fetchall()[0][0]
        for table in ("tb_src", "tb_rows", "tb_csv", "tb_reject_errors", "tb_reject_scans"):
            con.execute(f"drop table if exists {table}")
        return ReadOutcome(rows_read=staged_or_quarantined + ignored, rows_ignored=ignored)

    def _read_parquet(self, con, path: Path, ctx: ReadContext) -> ReadOutcome:
        """Stage the typed columns as a view over the file: read again where needed, never copied."""
        source = (
            "select * exclude (file_row_number), cast(file_row_number as integer) + 1 as ingest_source_line "
            f"from read_parquet({sql_str(str(path))}, file_row_number = true)"
        )
        try:
            con.execute(f"create or replace temp view tb_src as {source}")
            sources = self._typed_sources(con)
            rows = con.execute("select count(*) from tb_src").fetchall()[0][0]
        except Exception as exc:  # duckdb raises several error types for a damaged file
            raise IngestError(f"{path}: cannot read this Parquet file ({exc})") from exc
        finally:
            con.execute("drop view if exists tb_src")
        self._check_columns(path, ctx, sources)
        stage_as_view(con, self._select(sources, ctx, f"({source}) as tb_src"))
        if ctx.on_bytes:
            ctx.on_bytes(path.stat().st_size)
        return ReadOutcome(rows_read=int(rows), rows_ignored=0)

    def _read_jsonl_fast(self, con, path: Path, ctx: ReadContext) -> ReadOutcome | None:
        """One typed read_json pass over plain JSONL; None when the file needs the line-by-line path."""
        sources = jsonl_fast_sources(con, path, ctx.mapping)
        if sources is None:
            return None
        try:
            self._check_columns(path, ctx, sources)
            con.execute(self._insert(sources, ctx))
            if reformatted_numbers(con, sources, ctx.mapping):  # rare: read the file again, JSON only
                con.execute("delete from ingest_stage")
                sources = as_json_sources(sources)
                create_view(con, path, sources)
                con.execute(self._insert(sources, ctx))
            number_lines(con)
        except (duckdb.Error, UnicodeDecodeError):  # a row that is not an object, a key twice, ...
            return None
        finally:
            con.execute("drop view if exists tb_src")
        if ctx.on_bytes:
            ctx.on_bytes(path.stat().st_size)
        staged = con.execute("select count(*) from ingest_stage").fetchall()[0][0]
        return ReadOutcome(rows_read=staged, rows_ignored=0)

    @staticmethod
    def _check_columns(path: Path, ctx: ReadContext, sources: list[Source]) -> None:
        names = {ctx.mapping.get(s.name, s.name) for s in sources}
        if ctx.channel is None and "channel" not in names:
            raise IngestError(
                f"{path}: this table has no channel column; give it with --pixel or --capi"
            )
        if "event_name" not in names and "event_name" not in ctx.mapping.values():
            raise IngestError(
                f"{path}: no event_name column (columns: {', '.join(sorted(s.name for s in sources))}); "
                "use canonical names or a --mapping file"
            )

    @staticmethod
    def _select(sources: list[Source], ctx: ReadContext, source: str = "tb_src") -> str:
        exprs = ["ingest_source_line as source_line", "0 as source_index", *select_list(sources, ctx.mapping)]
        return f"select {', '.join(exprs)} from {source}"

    @classmethod
    def _insert(cls, sources: list[Source], ctx: ReadContext) -> str:
        return f"insert into ingest_stage by name {cls._select(sources, ctx)}"

    @staticmethod
    def _json_columns(con, keys: list[str]) -> list[Source]:
        """Parse each JSONL row once into one JSON column per key (instead of one parse per key and use).

        Falls back to per-key extraction when keys would clash as column names (they differ only in
        case, or are named like tb_src's own columns) or are too many to be columns.
        """
        folded = [k.lower() for k in keys]
        if not keys or len(keys) > MAX_JSON_COLUMNS or len(set(folded)) < len(keys) or (
            {"j", "ingest_source_line"} & set(folded)
        ):
            return [Source(k, "json") for k in keys]
        spec = json.dumps(dict.fromkeys(keys, "JSON"))
        con.execute(
            "create or replace temp table tb_src as "
            f"select ingest_source_line, j, unnest(json_transform(j, {sql_str(spec)})) from tb_src"
        )
        return [Source(k, "json", column=True) for k in keys]

    @staticmethod
    def _typed_sources(con) -> list[Source]:
        cols = con.execute("select column_name, column_type from (describe tb_src)").fetchall()
        return [Source(name, "text" if dtype == "VARCHAR" else dtype) for name, dtype in cols
                if name != "ingest_source_line"]

    @staticmethod
    def _csv(con, path: Path, ctx: ReadContext) -> None:
        stage_lines(con, path, on_bytes=ctx.on_bytes)
        try:
            con.execute(
                "create or replace temp table tb_csv as "
                f"select * from read_csv({sql_str(str(path))}, header = true, all_varchar = true, "
                "allow_quoted_nulls = false, store_rejects = true, rejects_table = 'tb_reject_errors', "
                "rejects_scan = 'tb_reject_scans', parallel = false)"
            )
        except Exception as exc:
            raise IngestError(f"{path}: cannot read this CSV file ({exc})") from exc
        con.execute(sql_text("audit.ingest.sql", "table_csv.sql"))
