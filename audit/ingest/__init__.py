"""Loaders: turn Pixel and Conversions API logs into canonical `events` rows (see audit/ingest/base.py)."""

from __future__ import annotations

from pathlib import Path

from audit.ingest.loader import LoadResult, expand_paths, load_file
from audit.ingest.registry import ADAPTERS

__all__ = ["ADAPTERS", "LoadResult", "load_files"]


def load_files(
    con,
    paths: list[str | Path],
    channel: str | None,
    dataset: str | None = None,
    fmt: str | None = None,
    replace: bool = False,
    progress: bool = False,
    mapping: dict[str, str] | None = None,
) -> list[LoadResult]:
    """Load files (or folders, globs) into `events`; a file already loaded (same bytes) is skipped.

    channel: 'pixel', 'capi' or None (inferred from the format, or a `channel` column in flat tables).
    dataset: dataset id for events whose log does not name one. fmt: force an adapter by name.
    replace: reload files loaded before, deleting their previous rows. mapping: source column ->
    canonical column for flat tables. Raises IngestError for a missing, unreadable or unknown file.
    """
    files = expand_paths(paths)
    if not progress:
        return [load_file(con, f, channel, dataset, fmt, replace, mapping) for f in files]
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    err = Console(stderr=True)

    total = sum(f.stat().st_size for f in files)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    results = []
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("loading", total=total)
        for f in files:
            bar.update(task, description=f"loading {f.name}")
            done = bar.tasks[0].completed
            results.append(
                load_file(con, f, channel, dataset, fmt, replace, mapping,
                          on_bytes=lambda n: bar.advance(task, n))
            )
            bar.update(task, completed=done + f.stat().st_size)
    return results
