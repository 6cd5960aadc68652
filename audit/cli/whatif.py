"""`capi-audit whatif`: current and projected estimated EMQ per channel if a parameter's coverage changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from audit.cli import app, out
from audit.cli.summary import parse_day
from audit.db import connect
from audit.errors import ConfigError
from audit.metrics.whatif import project


def parse_settings(settings: list[str]) -> dict[str, float]:
    """PARAM=SHARE pairs into a dict; raises ConfigError on a malformed pair."""
    overrides: dict[str, float] = {}
    for item in settings:
        name, sep, share = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--set {item!r}: write PARAM=SHARE, for example --set ph=0.8")
        try:
            overrides[name.strip()] = float(share)
        except ValueError as exc:
            raise ConfigError(f"--set {item!r}: {share!r} is not a number between 0 and 1") from exc
    return overrides


@app.command("whatif")
def whatif_cmd(
    db: Path = typer.Option(..., "--db", help="Audit workspace (DuckDB file) after `capi-audit audit`."),
    event: str = typer.Option(..., "--event", help="Event name, exactly as sent (e.g. Purchase)."),
    settings: list[str] = typer.Option(
        ..., "--set", help="PARAM=SHARE: valid coverage to assume, 0..1 (e.g. ph=0.8). Repeatable."
    ),
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset (Pixel) id."),
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD, UTC), inclusive."),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD, UTC), inclusive."),
) -> None:
    """Estimated EMQ now and if PARAM were sent validly on SHARE of the events, per channel."""
    overrides = parse_settings(settings)
    start, end = (parse_day(v, o) for v, o in ((since, "--since"), (until, "--until")))
    con = connect(db, read_only=True)
    try:
        rows = project(
            con,
            event,
            overrides,
            dataset=dataset,
            start=date.fromisoformat(start) if start else None,
            end=date.fromisoformat(end) if end else None,
        )
    finally:
        con.close()
    changes = ", ".join(f"{k} on {v:.0%}" for k, v in overrides.items())
    table = Table(title=f"Estimated EMQ for {event} (our estimate, not Meta's score) if sent with {changes}")
    for col in ("channel", "events", "estimated now", "estimated after", "change"):
        table.add_column(col, justify="left" if col == "channel" else "right")
    for r in rows:
        delta = r["projected"] - r["current"]
        cells = (f"{r['current']:.1f}", f"{r['projected']:.1f}", f"{delta:+.1f}")
        table.add_row(r["channel"], str(r["events"]), *cells)
    out.print(table)
