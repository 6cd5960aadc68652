"""`capi-audit report`: the weekly report (HTML, Markdown, JSON) with week-over-week changes."""

from __future__ import annotations

from pathlib import Path

import typer

from audit.cli import app, err, out


@app.command("report")
def report_cmd(
    db: Path = typer.Option(..., "--db", help="Audit database (the DuckDB file `capi-audit audit` wrote)."),
    out_dir: Path = typer.Option(..., "--out", help="Folder for report.html, report.md and report.json."),
    week: str | None = typer.Option(
        None, "--week", help="ISO week such as 2026-W45 (default: the last complete week in the data)."
    ),
    dataset: str | None = typer.Option(None, "--dataset", help="Report on one dataset (Pixel id) only."),
    fail_on_regression: bool = typer.Option(
        False, "--fail-on-regression",
        help="Exit with code 1 when a tracked metric got worse than its threshold versus the previous week.",
    ),
) -> None:
    """Write the weekly audit report: what Meta counts, what broke, what to fix."""
    from audit.db import connect
    from audit.outputs.report import write_report

    con = connect(db, read_only=True)
    try:
        payload = write_report(con, out_dir, week=week, dataset=dataset)
    finally:
        con.close()
    meta = payload["report"]
    broke = payload["what_broke"]
    out.print(f"Week {meta['week']} ({meta['start']} to {meta['end']}) written to {out_dir}:")
    for name in ("report.html", "report.md", "report.json"):
        out.print(f"  {out_dir / name}")
    for reg in broke["regressions"]:
        err.print(f"[yellow]regression:[/] {reg['scope']}: {reg['label']} got worse than last week")
    for rule in broke["rules_started"]:
        err.print(f"[yellow]new this week:[/] {rule['rule_id']} ({rule['severity']}): {rule['findings']}")
    if fail_on_regression and broke["failing"]:
        err.print("[bold red]The tracking got worse than the thresholds allow (see regressions.toml).[/]")
        raise typer.Exit(1)
