"""The `capi-audit` command line: thin verbs that call the library and map errors to exit codes.

Exit codes: 0 ok, 1 findings or regressions over a --fail-on threshold, 2 bad usage or input.
Results go to stdout, diagnostics to stderr. Each verb lives in its own module below and registers
itself on `app`; this module must not import Streamlit or Plotly.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

from audit.errors import AuditError

app = typer.Typer(
    name="capi-audit",
    help="Audit Meta Pixel and Conversions API event logs: deduplication, match quality, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

@app.callback()
def _root() -> None:
    """Audit Meta Pixel and Conversions API event logs."""


# Verb modules, in the order `--help` lists them.
COMMAND_MODULES = ("sample", "load", "audit", "summary", "rules", "report", "dashboard", "demo", "whatif")

for _name in COMMAND_MODULES:
    importlib.import_module(f"audit.cli.{_name}")


def main() -> None:
    """Console-script entry point: run the app, turning AuditError into a message and exit code 2."""
    try:
        app()
    except AuditError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        sys.exit(2)
