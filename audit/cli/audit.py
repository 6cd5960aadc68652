"""`capi-audit audit`: load Pixel and CAPI logs, then rebuild every audit output in the workspace."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from audit.cli import app, err
from audit.cli.headline import FailOn, exit_on_findings, print_summary
from audit.cli.load import run_load
from audit.db import connect
from audit.errors import ConfigError
from audit.metrics.summary import summary
from audit.rules import incremental
from audit.rules.engine import AuditSettings
from audit.space import plain_errors, warn_if_short


class StepLog:
    """The audit's steps as they happen: which one is running (named when the audit stops) and, when
    stderr is not a terminal (a log file, CI, cron), one line per finished step with its seconds."""

    def __init__(self, lines: bool) -> None:
        self.lines = lines
        self.step: str | None = None
        self.started = time.perf_counter()

    def __call__(self, step: str | None) -> None:
        """`step` starts (None: the last one ended)."""
        now = time.perf_counter()
        if self.step is not None and self.lines:
            err.print(f"{now - self.started:9.1f} s  {self.step}", markup=False, highlight=False)
        self.step, self.started = step, now

    def stopped(self) -> None:
        """Say which step the audit stopped in, and after how long."""
        if self.step is not None:
            spent = time.perf_counter() - self.started
            err.print(f"The audit stopped in step '{self.step}' after {spent:.1f} s in it.", style="yellow",
                      markup=False, highlight=False)


def audit_with_progress(con, settings: AuditSettings, full: bool = False) -> incremental.AuditRun:
    """Run the audit (incremental when exact) with a spinner on stderr naming the current step (a line
    per step instead when stderr is not a terminal); if it fails, say in which step."""
    log = StepLog(lines=not err.is_terminal)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("auditing", total=None)

        def step(name: str) -> None:
            log(name)
            bar.update(task, description=f"auditing: {name}")

        try:
            run = incremental.run(con, settings, full=full, progress=step)
        except BaseException:
            log.stopped()
            raise
        log(None)
    err.print(f"[dim]{describe_run(run)}[/dim]")
    return run


def warn(text: str) -> None:
    """A warning on stderr, printed as it is (paths may hold brackets)."""
    err.print(text, style="yellow", markup=False, highlight=False)


def describe_run(run: incremental.AuditRun) -> str:
    """One line on what the audit did: full, incremental or nothing to do, and why."""
    if run.mode == "incremental":
        days = f"; daily figures redone for {run.days_recomputed:,} days" if run.days_recomputed else ""
        return (f"Incremental audit in {run.seconds:.1f} s: {run.new_events:,} new events, "
                f"{run.reaudited_events:,} of {run.events:,} re-audited{days} "
                "(use --full to audit everything).")
    if run.mode == "unchanged":
        return "Nothing new since the last audit: the results are up to date (use --full to redo them)."
    return f"Full audit of {run.events:,} events in {run.seconds:.1f} s ({run.reason})."


@app.command("audit")
def audit_cmd(
    db: Path = typer.Option(..., "--db", help="Audit database (DuckDB file); created if missing."),
    pixel: list[str] | None = typer.Option(
        None, "--pixel", help="Pixel (browser) log: file, folder or glob. Repeatable."
    ),
    capi: list[str] | None = typer.Option(
        None, "--capi", help="Conversions API (server) log: file, folder or glob. Repeatable."
    ),
    dataset: str | None = typer.Option(None, "--dataset", help="Dataset id for events whose log names none."),
    window_hours: float = typer.Option(48.0, "--window-hours", help="Meta's dedup window, in hours."),
    tolerance_minutes: float = typer.Option(
        10.0, "--tolerance-minutes",
        help="Same conversion by evidence (order, customer): how far apart the two copies may be.",
    ),
    fail_on: FailOn | None = typer.Option(
        None, "--fail-on", help="Exit with code 1 when findings of this severity or worse exist."
    ),
    full: bool = typer.Option(
        False, "--full", help="Re-audit every event, even where an incremental audit would be exact."
    ),
    memory_limit: str | None = typer.Option(
        None, "--memory-limit", help="Most memory DuckDB may use, e.g. 4GB (default: a quarter of the RAM, "
        "at most 3GB); past it, work spills to disk next to the database."
    ),
) -> None:
    """Load the logs (if given), then audit everything in the database and print the headline numbers."""
    if window_hours <= 0 or tolerance_minutes < 0:
        raise ConfigError("--window-hours must be above 0 and --tolerance-minutes 0 or more")
    settings = AuditSettings(window_hours=window_hours, evidence_tolerance_minutes=tolerance_minutes)
    if pixel or capi:
        run_load(db, pixel or [], capi or [], dataset=dataset, memory_limit=memory_limit)
    con = connect(db, memory_limit=memory_limit)
    try:
        with plain_errors(con, "audit"):
            warn_if_short(con, incremental.events_to_audit(con, settings, full), warn)
            audit_with_progress(con, settings, full=full)
            result = summary(con)
    finally:
        con.close()
    print_summary(result)
    exit_on_findings(result, fail_on)
