"""Load log files into the canonical store: detect the format, stage, hash raw PII, record the load."""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from audit.db import sql_text
from audit.errors import IngestError
from audit.ingest.base import CHANNELS, Adapter, ReadContext
from audit.ingest.pii import hash_raw_pii
from audit.ingest.registry import ADAPTERS, adapter_named, describe_formats
from audit.ingest.staging import drop_stage, stage_kind

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class LoadResult:
    """What happened to one file."""

    file: str
    load_id: str
    format: str
    channel: str | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_ignored: int
    skipped: bool = False  # the same bytes were already loaded

    def as_dict(self) -> dict:
        """Plain dict, for JSON output."""
        return asdict(self)


def file_checksum(path: Path) -> str:
    """SHA-256 hex of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, inside folders (not recursive, hidden files skipped) or matched by a glob."""
    found: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            found += sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
        elif p.is_file():
            found.append(p)
        elif any(ch in str(item) for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(str(item)) if Path(m).is_file())
            if not matches:
                raise IngestError(f"{item}: no file matches this pattern")
            found += matches
        else:
            raise IngestError(f"{item}: no such file or folder")
    return found


def detect_adapter(path: Path, fmt: str | None) -> Adapter:
    """The adapter named by `fmt`, or the first whose sniff() recognizes the file's content."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the file ({exc.strerror})") from exc
    if not head.strip():
        raise IngestError(f"{path}: the file is empty; expected one of: {describe_formats()}")
    if fmt:
        return adapter_named(fmt)
    for adapter in ADAPTERS:
        if adapter.sniff(path, head):
            return adapter
    raise IngestError(f"{path}: unrecognized format; expected one of: {describe_formats()}")


def _previous_load(con, load_id: str) -> LoadResult | None:
    rows = con.execute(
        "select source_file, format, channel, rows_read, rows_loaded, rows_quarantined, rows_ignored "
        "from loads where load_id = ? order by loaded_at desc limit 1",
        [load_id],
    ).fetchall()
    if not rows:
        return None
    src, fmt, channel, read, loaded, quarantined, ignored = rows[0]
    return LoadResult(src, load_id, fmt, channel, read, loaded, quarantined, ignored, skipped=True)


def _delete_load(con, load_id: str) -> None:
    for table in ("events", "quarantine", "loads"):
        con.execute(f"delete from {table} where load_id = ?", [load_id])


def _unreadable(con, path: Path, exc: duckdb.Error) -> None:
    """A staged view reads its file again: an error there is a damaged file, told as such."""
    mistake = (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException)
    if not isinstance(exc, mistake) and stage_kind(con) == "view":
        raise IngestError(f"{path}: cannot read the file ({exc})") from exc


def load_file(
    con,
    path: Path,
    channel: str | None,
    dataset: str | None = None,
    fmt: str | None = None,
    replace: bool = False,
    mapping: dict[str, str] | None = None,
    on_bytes=None,
) -> LoadResult:
    """Load one file (see load_files)."""
    if channel is not None and channel not in CHANNELS:
        raise IngestError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    try:
        checksum = file_checksum(path)
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the file ({exc.strerror})") from exc
    load_id = checksum[:16]
    previous = _previous_load(con, load_id)
    if previous and not replace:
        return previous
    adapter = detect_adapter(path, fmt)
    ctx = ReadContext(load_id, path.name, channel, dataset, dict(mapping or {}), on_bytes)
    # Staging works on temp tables in autocommit mode (an adapter may try a fast read that fails);
    # only the writes to events, quarantine and loads form one transaction.
    drop_stage(con)
    con.execute(sql_text("audit.ingest.sql", "stage.sql"))
    outcome = adapter.read(con, path, ctx)
    try:
        hash_raw_pii(con)
    except duckdb.Error as exc:
        _unreadable(con, path, exc)
        raise
    staged, quarantined = con.execute(
        "select (select count(*) from ingest_stage), (select count(*) from ingest_quarantine)"
    ).fetchall()[0]
    if staged + quarantined + outcome.rows_ignored != outcome.rows_read:
        raise IngestError(
            f"{path}: internal count mismatch ({outcome.rows_read} read, {staged} staged, "
            f"{quarantined} set aside, {outcome.rows_ignored} ignored); nothing was loaded"
        )
    for name, value in (
        ("ingest_load_id", load_id),
        ("ingest_file_name", path.name),
        ("ingest_channel", channel or adapter.channel),
        ("ingest_dataset", dataset),
    ):
        con.execute(f"set variable {name} = ?::varchar", [value])
    con.execute("begin transaction")
    try:
        if previous:
            _delete_load(con, load_id)
        con.execute(sql_text("audit.ingest.sql", "finalize.sql"))
        loaded, set_aside, channels = con.execute(
            "select (select count(*) from events where load_id = $1), "
            "(select count(*) from quarantine where load_id = $1), "
            "(select list(distinct channel) from events where load_id = $1)",
            [load_id],
        ).fetchall()[0]
        single = channels[0] if channels and len(channels) == 1 else None
        file_channel = channel or adapter.channel or single
        con.execute(
            "insert into loads (load_id, source_file, file_name, checksum, format, channel, dataset_id, "
            "rows_read, rows_loaded, rows_quarantined, rows_ignored, loaded_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load_id, str(path), path.name, checksum, adapter.name, file_channel, dataset,
             outcome.rows_read, loaded, set_aside, outcome.rows_ignored, datetime.now(UTC)],
        )
        con.execute("commit")
    except BaseException as exc:
        con.execute("rollback")
        if isinstance(exc, duckdb.Error):
            _unreadable(con, path, exc)
        raise
    drop_stage(con)
    for table in ("ingest_quarantine", "ingest_lines"):
        con.execute(f"drop table if exists {table}")
    return LoadResult(str(path), load_id, adapter.name, file_channel, outcome.rows_read, loaded, set_aside,
                      outcome.rows_ignored)
