"""`capi-audit demo`: generate the bundled sample, audit it into a local DuckDB file, open the dashboard."""

from __future__ import annotations

import json
import threading
import webbrowser
from pathlib import Path

import typer

from audit.cli import app, err, out
from audit.errors import AuditError

BUNDLED = Path(__file__).resolve().parents[2] / "sample_data"
TRUTH_FILE = "ground_truth.json"


def sample_logs(folder: Path) -> dict[str, list[Path]]:
    """The Pixel and CAPI logs of a sample folder, by channel (from its ground truth, else by file name)."""
    logs: dict[str, list[Path]] = {"pixel": [], "capi": []}
    truth = folder / TRUTH_FILE
    if truth.is_file():
        files = json.loads(truth.read_text(encoding="utf-8")).get("files", {})
        for name, info in sorted(files.items()):
            if info.get("channel") in logs and (folder / name).is_file():
                logs[info["channel"]].append(folder / name)
        return logs
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        for channel in logs:
            if path.is_file() and path.name.lower().startswith(channel):
                logs[channel].append(path)
    return logs


def prepare(db: Path, out_dir: Path | None, events: int, seed: int) -> dict:
    """Generate (or reuse) the sample logs, load them into `db` and audit everything in it."""
    from audit.cli.audit import audit_with_progress
    from audit.db import connect
    from audit.ingest import load_files
    from audit.rules.engine import AuditSettings
    from audit.space import plain_errors

    folder = out_dir
    if folder is None and sample_logs(BUNDLED)["pixel"] and sample_logs(BUNDLED)["capi"]:
        folder = BUNDLED
    else:
        from audit.sample import generate

        folder = folder or Path("demo")
        generate(folder, events=events, seed=seed)
    logs = sample_logs(folder)
    if not logs["pixel"] or not logs["capi"]:
        raise AuditError(f"{folder}: no pixel*/capi* log files to load")
    con = connect(db)
    try:
        loaded = {ch: load_files(con, paths, ch) for ch, paths in logs.items()}
        with plain_errors(con, "audit"):  # as `capi-audit audit`: its progress and its plain errors
            audit_with_progress(con, AuditSettings())
    finally:
        con.close()
    return {"folder": folder, "files": {ch: [r.file for r in res] for ch, res in loaded.items()}}


@app.command("demo")
def demo_cmd(
    db: Path = typer.Option(Path("capi_audit.duckdb"), "--db", help="DuckDB file to audit the sample into."),
    out_dir: Path | None = typer.Option(
        None, "--out", help="Generate the sample logs into this folder (default: the bundled sample_data/, "
        "else ./demo)."
    ),
    events: int = typer.Option(5000, "--events", help="Conversions to generate.", min=10),
    seed: int = typer.Option(42, "--seed", help="Random seed of the sample."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address the dashboard listens on."),
    port: int = typer.Option(8501, "--port", help="Port the dashboard listens on."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a web browser."),
    no_dashboard: bool = typer.Option(False, "--no-dashboard", help="Stop after the audit."),
) -> None:
    """Try capi-audit on a generated sample: audit it and open the dashboard."""
    from audit.cli.dashboard import serve

    err.print("Preparing the sample and auditing it…")
    result = prepare(db, out_dir, events, seed)
    out.print(f"Audited the sample logs in {result['folder']} into [bold]{db}[/].")
    if no_dashboard:
        return

    def open_browser(url: str) -> None:
        if not no_browser:
            threading.Timer(2.0, webbrowser.open, args=(url,)).start()

    code = serve(db, host, port, None, on_ready=open_browser)
    raise typer.Exit(0 if code in (0, -15) else code)
