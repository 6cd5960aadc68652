"""`capi-audit rules`: print the rule catalogue."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from rich.table import Table

from audit.cli import app, out
from audit.rules.catalogue import load_rules


class RulesFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def rules_markdown() -> str:
    """The catalogue as a Markdown table (the README's rule table is generated from this)."""
    lines = ["| rule | area | severity | what it means | how to fix it |", "|---|---|---|---|---|"]
    for r in load_rules():
        cells = [f"`{r.id}`", r.area, r.severity, r.meaning, r.fix]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines)


@app.command("rules")
def rules_cmd(
    fmt: RulesFormat = typer.Option(RulesFormat.table, "--format", help="table, json or markdown"),
) -> None:
    """List every audit rule: id, severity, what it means and how to fix it."""
    if fmt is RulesFormat.json:
        print(json.dumps([r.as_dict() for r in load_rules()], indent=2))
        return
    if fmt is RulesFormat.markdown:
        print(rules_markdown())
        return
    table = Table(title="capi-audit rules", show_lines=False)
    for col in ("rule", "area", "severity", "title"):
        table.add_column(col)
    colours = {"critical": "red", "warning": "yellow", "info": "cyan"}
    for r in load_rules():
        table.add_row(r.id, r.area, f"[{colours[r.severity]}]{r.severity}[/]", r.title)
    out.print(table)
