"""Flat JSONL tables, fast path: DuckDB's JSON reader parses each line once into one column per key.

Keys read as text alone (event_id, URLs, ...) become VARCHAR columns, the others JSON columns.

Taken only for plain JSONL (no blank lines, see jsondoc.plain_jsonl) whose every line is a JSON object;
anything else (a bad line, a non-object row, a key repeated in one object, keys that differ only in case)
makes DuckDB raise or the checks below refuse, and the table adapter then reads the file line by line.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from audit.ingest.columns import Source, order_matters, sql_ident, sql_str, text_column, whole_json_sources

MAX_JSON_COLUMNS = 300
RESERVED = {"ingest_source_line"}

_KEYS = "select distinct unnest(json_keys(json)) from read_ndjson_objects({path})"
# The same keys in order of first appearance (line, then place in the line), when that order shows.
ORDERED_KEYS = """
select k
from (
    select line, unnest(keys) as k, generate_subscripts(keys, 1) as pos
    from (select {line} as line, json_keys({json}) as keys from {source})
)
group by k
order by min({{'line': line, 'pos': pos}})
"""
_NULLS = """
select count(*)
from read_ndjson_objects({path})
where contains(json, 'null') and list_contains(json_type(json, {paths}), 'NULL')
"""
# {line} is row_number() over () only when inserts may reorder rows: it reads the file on one thread.
# Otherwise the rows keep the file's order into ingest_stage (a parallel insert preserves it), whose row
# ids then give the lines (number_lines).
_VIEW = """
create or replace temp view tb_src as
select {line} as ingest_source_line, *
from read_json({path}, format = 'newline_delimited', columns = {columns})
"""
_ORDERED = "select current_setting('preserve_insertion_order')"
# A JSON number read into a VARCHAR column is written by DuckDB, with an exponent (1e-05, 2e+20) where
# ing_text of the JSON column writes 0.00001 or 200000000000000000000.0; every other value reads the
# same either way. Staged text of this shape (a number, or a string that looks like one) is read again
# from JSON columns. Such text is short (24 characters at most) and holds e- or e+: the pattern is tried
# on that text alone.
_EXPONENT = (
    "(strlen({col}) <= 32 and (contains({col}, 'e-') or contains({col}, 'e+')) "
    "and regexp_full_match({col}, '-?[0-9]+(\\.[0-9]+)?e[+-][0-9]+'))"
)
_NUMBER = """
update ingest_stage
set source_line = cast(rowid - (select min(rowid) from ingest_stage) + 1 as integer)
where source_line = 0
"""


def jsonl_fast_sources(con, path: Path, mapping: dict[str, str]) -> list[Source] | None:
    """Create temp view tb_src over the file (one JSON column per key); None when the file does not fit."""
    src = sql_str(str(path))
    try:
        found = con.execute(_KEYS.format(path=src)).fetchall()
    except (duckdb.Error, UnicodeDecodeError):  # not valid JSON somewhere
        return None
    # a blank key can name no column: its value is left out, as on the line-by-line path
    keys = [k for (k,) in found if k.strip()]
    if order_matters(keys, mapping):
        ordered = ORDERED_KEYS.format(line="row_number() over ()", json="json",
                                      source=f"read_ndjson_objects({src})")
        keys = [k for (k,) in con.execute(ordered).fetchall() if k.strip()]
    folded = {k.lower() for k in keys}
    if not keys or len(keys) > MAX_JSON_COLUMNS or len(folded) < len(keys) or folded & RESERVED:
        return None
    # Whole JSON values keep a JSON null as 'null' (json_extract), which a typed column cannot tell
    # from an absent key: a file holding a null in such a key takes the line-by-line path. Only lines
    # with the text null anywhere can hold one, so the check parses few lines.
    whole = whole_json_sources(keys, mapping)
    suspects = [k for k in keys if k in whole]
    if suspects:
        paths = "[" + ", ".join(sql_str('$."' + k + '"') for k in suspects) + "]"
        try:
            if con.execute(_NULLS.format(path=src, paths=paths)).fetchall()[0][0]:
                return None
        except (duckdb.Error, UnicodeDecodeError):
            return None
    sources = [Source(k, "VARCHAR") if text_column(k, mapping)
               else Source(k, "json", column=True, whole=k in whole) for k in keys]
    create_view(con, path, sources)
    return sources


def create_view(con, path: Path, sources: list[Source]) -> None:
    """Create temp view tb_src over the file: a VARCHAR column per text source, a JSON column per other."""
    columns = "{" + ", ".join(f"{sql_str(s.name)}: '{'JSON' if s.kind == 'json' else 'VARCHAR'}'"
                              for s in sources) + "}"
    in_order = con.execute(_ORDERED).fetchall()[0][0]
    con.execute(_VIEW.format(path=sql_str(str(path)), columns=columns,
                             line="0" if in_order else "row_number() over ()"))


def as_json_sources(sources: list[Source]) -> list[Source]:
    """The same sources, every one read as a JSON column."""
    return [s if s.kind == "json" else Source(s.name, "json", column=True) for s in sources]


def reformatted_numbers(con, sources: list[Source], mapping: dict[str, str]) -> bool:
    """True when a staged text column fed by a VARCHAR source holds a number DuckDB wrote with an exponent."""
    cols = sorted({text_column(s.name, mapping) for s in sources if s.kind == "VARCHAR"})
    if not cols:
        return False
    test = " or ".join(_EXPONENT.format(col=sql_ident(c)) for c in cols)
    return bool(con.execute(f"select count(*) from ingest_stage where {test}").fetchall()[0][0])


def number_lines(con) -> None:
    """Set source_line of rows staged from tb_src without one: the file line, from the insertion order."""
    con.execute(_NUMBER)
