"""Shared by the JSON adapters: stage lines, or the whole file when it is one pretty-printed document."""

from __future__ import annotations

import re
from pathlib import Path

from audit.errors import IngestError
from audit.ingest.base import ReadContext
from audit.ingest.lines import stage_lines

MAX_DOCUMENT_BYTES = 512 << 20
BLOCK_BYTES = 16 << 20  # plain_jsonl reads the file in blocks of this size
_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")


def plain_jsonl(path: Path) -> bool:
    """True for JSONL without blank lines, so read_json's row order is the physical line order."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        if head[:1] != b"{" or head.split(b"\n", 1)[0].rstrip().endswith((b"{", b"[", b",")):
            return False  # a BOM, leading blanks, or a pretty-printed document
        fh.seek(0)
        tail = b""  # the text from the last newline read so far
        while block := fh.read(BLOCK_BYTES):
            first = block.find(b"\n")
            if first < 0:
                tail += block
                continue
            # a blank line across the blocks' joint runs from the tail to the block's first newline
            if _BLANK_LINE.search(tail + block[:first + 1]) or _BLANK_LINE.search(block):
                return False
            tail = block[block.rfind(b"\n"):]
    return not (tail.startswith(b"\n") and len(tail) > 1 and not tail.strip())


def stage_json_records(con, path: Path, ctx: ReadContext) -> None:
    """Fill ingest_lines with one JSON record per line, or the whole file as line 1 if it is one document.

    A file whose first non-blank line is not valid JSON on its own but which parses as a whole is a
    single document (Meta's documented request example is pretty-printed), stored as line 1.
    """
    stage_lines(con, path, on_bytes=ctx.on_bytes)
    first = con.execute(  # validate only the first non-blank line, not every line before the limit
        "select json_valid(trim(text, chr(65279) || ' ' || chr(9))) from ingest_lines "
        "where line = (select min(line) from ingest_lines where trim(text) <> '')"
    ).fetchall()
    if not first or first[0][0]:
        return
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        return
    whole = path.read_bytes().decode("utf-8", "replace").strip("\ufeff \t\r\n")
    valid = con.execute("select json_valid(?)", [whole]).fetchall()[0][0]
    if valid:
        con.execute("create or replace temp table ingest_lines (line integer, text varchar)")
        con.execute("insert into ingest_lines values (1, ?)", [whole])
    elif not whole:
        raise IngestError(f"{path}: the file is empty")
