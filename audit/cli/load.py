"""`capi-audit load`: load Pixel and Conversions API logs into the audit database."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from audit.cli import app, err, out
from audit.errors import ConfigError

QUARANTINE_SHOWN = 5


def _results_table(results) -> Table:
    table = Table(title="Files loaded")
    table.add_column("file", overflow="fold")
    for col, justify in (("format", "left"), ("channel", "left"), ("read", "right"),
                         ("loaded", "right"), ("set aside", "right"), ("ignored", "right"), ("", "left")):
        table.add_column(col, justify=justify)
    for r in results:
        note = "skipped" if r.skipped else ""
        table.add_row(Path(r.file).name, r.format, r.channel or "from rows", f"{r.rows_read:,}",
                      f"{r.rows_loaded:,}", f"{r.rows_quarantined:,}", f"{r.rows_ignored:,}", note)
    return table


def _quarantine_reasons(con, load_ids: list[str]):
    if not load_ids:
        return []
    marks = ", ".join("?" for _ in load_ids)
    return con.execute(
        f"select source_file, reason, count(*) as n, min(source_line) as first_line from quarantine "
        f"where load_id in ({marks}) group by source_file, reason order by n desc, source_file limit ?",
        [*load_ids, QUARANTINE_SHOWN],
    ).fetchall()


def run_load(
    db: Path,
    pixel: list[str],
    capi: list[str],
    dataset: str | None = None,
    fmt: str | None = None,
    mapping: Path | None = None,
    replace: bool = False,
    memory_limit: str | None = None,
) -> list:
    """Load the given files into the database at `db` and print what happened (shared with `audit`)."""
    from audit.db import connect
    from audit.ingest import load_files
    from audit.ingest.table import read_mapping
    from audit.space import plain_errors

    if not pixel and not capi:
        raise ConfigError("nothing to load: give files with --pixel PATH and/or --capi PATH")
    columns = read_mapping(mapping) if mapping else None
    con = connect(db, memory_limit=memory_limit)
    try:
        results = []
        with plain_errors(con, "load"):
            for channel, paths in (("pixel", pixel), ("capi", capi)):
                if paths:
                    results += load_files(con, paths, channel, dataset=dataset, fmt=fmt, replace=replace,
                                          progress=True, mapping=columns)
        out.print(_results_table(results))
        fresh = [r.load_id for r in results if not r.skipped and r.rows_quarantined]
        reasons = _quarantine_reasons(con, fresh)
        if reasons:
            err.print("[yellow]Records set aside[/] (see the quarantine table for all of them):")
            for source_file, reason, n, first_line in reasons:
                err.print(f"  {source_file}: {n:,} x {reason} (first at line {first_line})")
        for r in results:
            if r.skipped:
                err.print(f"{r.file}: already loaded (same content); use --replace to load it again")
    finally:
        con.close()
    return results


@app.command("load")
def load_cmd(
    db: Path = typer.Option(..., "--db", help="Audit database file (DuckDB); created if missing."),
    pixel: list[str] = typer.Option([], "--pixel", help="Pixel log: file, folder or glob. Repeatable."),
    capi: list[str] = typer.Option([], "--capi", help="Conversions API log: file, folder or glob."),
    dataset: str | None = typer.Option(None, "--dataset", help="Dataset id for events whose log has none."),
    fmt: str | None = typer.Option(
        None, "--format", help="Force a format: capi_graph, pixel_tr, har or table (default: detected)."
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", help='TOML column mapping for table exports: \\[columns] source = "canonical".'
    ),
    replace: bool = typer.Option(False, "--replace", help="Reload files loaded before."),
    memory_limit: str | None = typer.Option(
        None, "--memory-limit", help="Most memory DuckDB may use, e.g. 4GB (default: a quarter of the RAM, "
        "at most 3GB); past it, work spills to disk next to the database."
    ),
) -> None:
    """Load logs into the audit database: prints read / loaded / set aside / ignored per file."""
    run_load(db, pixel, capi, dataset, fmt, mapping, replace, memory_limit)
