"""`capi-audit dashboard`: serve the Streamlit dashboard over an audit database."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import typer

from audit.cli import app, err, out
from audit.errors import AuditError, ConfigError

DB_ENV = "CAPI_AUDIT_DB"
PASSWORD_ENV = "CAPI_AUDIT_PASSWORD"


def app_path() -> Path:
    """The dashboard's Streamlit script: the installed `dashboards` package, else the source checkout."""
    spec = importlib.util.find_spec("dashboards")
    candidates = [Path(p) / "app.py" for p in (spec.submodule_search_locations or [])] if spec else []
    candidates.append(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
    for path in candidates:
        if path.is_file():
            return path
    raise ConfigError("the dashboard is not installed: reinstall capi-audit from its source folder")


def streamlit_command(host: str, port: int) -> list[str]:
    """The `streamlit run` command line: headless, no usage statistics, no browser opened."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app_path()),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        "--server.address", host,
        "--server.port", str(port),
    ]


def dashboard_env(db: Path, password: str | None) -> dict[str, str]:
    """Environment for the Streamlit process: the database path and the optional password."""
    env = dict(os.environ)
    env[DB_ENV] = str(db.resolve())
    if password:
        env[PASSWORD_ENV] = password
    return env


def serve(db: Path, host: str = "127.0.0.1", port: int = 8501, password: str | None = None,
          on_ready=None) -> int:
    """Run the dashboard until interrupted; returns Streamlit's exit code."""
    if not db.exists():
        raise AuditError(f"{db}: no such audit database; create it with `capi-audit audit` or try "
                         "`capi-audit demo`")
    try:
        import streamlit  # noqa: F401
    except ImportError as exc:
        raise ConfigError("the dashboard needs Streamlit: pip install streamlit") from exc
    url = f"http://{'localhost' if host in ('0.0.0.0', '127.0.0.1') else host}:{port}"
    out.print(f"Dashboard for {db} at [bold]{url}[/] (Ctrl+C to stop)")
    if password or os.environ.get(PASSWORD_ENV):
        err.print("A password is required to open it.")
    proc = subprocess.Popen(streamlit_command(host, port), env=dashboard_env(db, password))
    if on_ready:
        on_ready(url)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


@app.command("dashboard")
def dashboard_cmd(
    db: Path = typer.Option(..., "--db", help="The audit database (a DuckDB file) to show."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 to share it)."),
    port: int = typer.Option(8501, "--port", help="Port to listen on."),
    password: str | None = typer.Option(
        None, "--password", help=f"Ask for this password before showing anything (or set ${PASSWORD_ENV})."
    ),
) -> None:
    """Open the dashboard: deduplication, match quality, parameters, timing and findings."""
    code = serve(db, host, port, password)
    raise typer.Exit(0 if code in (0, -15) else code)
