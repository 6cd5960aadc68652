"""Stream a text file into a DuckDB table of (line, text), one row per physical line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

CHUNK_BYTES = 16 << 20

_INSERT = """
insert into {table}
select ?::integer + i, l
from (
    select unnest(string_split(?, chr(10))) as l, unnest(range(1, len(string_split(?, chr(10))) + 1)) as i
)
"""


def stage_lines(
    con, path: Path, table: str = "ingest_lines", on_bytes: Callable[[int], None] | None = None
) -> int:
    """Fill temp table `table(line, text)`, one row per physical line (CR stripped); return the count.

    The file is read in chunks cut at newlines and split inside DuckDB, so memory stays bounded and no
    Python code runs per line. Invalid UTF-8 bytes become U+FFFD rather than failing the load.
    """
    con.execute(f"create or replace temp table {table} (line integer, text varchar)")
    base = 0
    rest = b""
    with open(path, "rb") as fh:
        while True:
            block = fh.read(CHUNK_BYTES)
            buf = rest + block
            if block:
                cut = buf.rfind(b"\n")
                if cut < 0:
                    rest = buf
                    continue
                chunk, rest = buf[:cut], buf[cut + 1 :]
            else:
                if not buf:
                    break
                chunk, rest = buf, b""
            text = chunk.decode("utf-8", "replace")
            con.execute(_INSERT.format(table=table), [base, text, text])
            base += chunk.count(b"\n") + 1
            if on_bytes:
                on_bytes(len(chunk) + 1)
            if not block:
                break
    con.execute(f"update {table} set text = rtrim(text, chr(13)) where text like '%' || chr(13)")
    return base
