"""`capi-audit sample`: synthetic Pixel + Conversions API logs with planted faults and their ground truth."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from audit.cli import app, err, out
from audit.errors import ConfigError


@app.command("sample")
def sample_cmd(
    out_dir: Path = typer.Option(..., "--out", help="Folder to write the logs and ground_truth.json into."),
    events: int = typer.Option(4000, "--events", help="About how many events to write (both channels)."),
    seed: int = typer.Option(42, "--seed", help="Same seed, same files, byte for byte."),
    days: int = typer.Option(14, "--days", help="Days of traffic (14 = two full weeks)."),
    end: str = typer.Option("2026-11-22", "--end", help="Last day of traffic, YYYY-MM-DD."),
) -> None:
    """Write synthetic Pixel and Conversions API logs with known problems planted, plus the answer key."""
    from audit.sample import FILES, generate

    if events < 1:
        raise ConfigError(f"--events must be at least 1 (got {events})")
    if days < 1:
        raise ConfigError(f"--days must be at least 1 (got {days})")
    try:
        last_day = date.fromisoformat(end)
    except ValueError as exc:
        raise ConfigError(f"--end must be a date like 2026-11-22 (got {end!r})") from exc
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {out_dir} exists and is not a folder")
    with err.status(f"Generating about {events:,} events..."):
        truth = generate(out_dir, events=events, seed=seed, days=days, end=last_day)
    table = Table(title=f"Sample written to {out_dir}", show_lines=False)
    table.add_column("file")
    table.add_column("events", justify="right")
    for name in FILES[:-1]:
        table.add_row(name, f"{truth['files'].get(name, {}).get('events', 0):,}")
    out.print(table)
    planted = sum(f["count"] for f in truth["faults"])
    out.print(
        f"{truth['events']:,} events ({truth['events_by_channel'].get('pixel', 0):,} Pixel, "
        f"{truth['events_by_channel'].get('capi', 0):,} server), "
        f"{truth['true_conversions']['production']:,} real conversions, "
        f"{planted:,} planted problems across {len(truth['faults'])} rules. "
        f"Answer key: {out_dir / FILES[-1]}"
    )
