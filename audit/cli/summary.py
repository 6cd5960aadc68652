"""`capi-audit summary`: the headline numbers of an audited workspace, as text or JSON."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer

from audit.cli import app
from audit.cli.headline import FailOn, exit_on_findings, print_summary
from audit.db import connect
from audit.metrics.summary import summary


def parse_day(value: str | None, option: str) -> str | None:
    """A YYYY-MM-DD option value, checked; None stays None."""
    if value is None:
        return None
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a day; use YYYY-MM-DD", param_hint=option) from exc
    return value


@app.command("summary")
def summary_cmd(
    db: Path = typer.Option(..., "--db", help="Audit database (DuckDB file) written by `capi-audit audit`."),
    as_json: bool = typer.Option(False, "--json", help="Print the machine-readable summary (JSON)."),
    dataset: str | None = typer.Option(None, "--dataset", help="Only this Pixel / dataset id."),
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD, UTC), inclusive."),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD, UTC), inclusive."),
    event: list[str] | None = typer.Option(None, "--event", help="Only this event name (repeatable)."),
    fail_on: FailOn | None = typer.Option(
        None, "--fail-on", help="Exit with code 1 when findings of this severity or worse exist."
    ),
) -> None:
    """Headline numbers: conversions, what Meta counts, double counts, inflated value, findings."""
    start, end = parse_day(since, "--since"), parse_day(until, "--until")
    con = connect(db, read_only=True)
    try:
        result = summary(con, dataset=dataset, start=start, end=end, event_names=event or None)
    finally:
        con.close()
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print_summary(result)
    exit_on_findings(result, fail_on)
