"""Headline numbers and top findings as rich tables, and the --fail-on exit rule (audit, summary)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer
from rich.table import Table

from audit.cli import err, out
from audit.rules.catalogue import SEVERITIES, load_rules, severity_rank


class FailOn(StrEnum):
    critical = "critical"
    warning = "warning"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _money(values: dict[str, float]) -> str:
    return " · ".join(f"{cur} {amount:,.2f}" for cur, amount in values.items()) or "none"


def headline_table(result: dict[str, Any]) -> Table:
    """The headline numbers in plain words."""
    d = result["dedup"]
    events = result["events"]
    table = Table(title="Headline numbers", show_header=False, box=None, pad_edge=False)
    table.add_column("what", style="bold")
    table.add_column("number", justify="right")
    table.add_column("meaning")
    table.add_row("Events", f"{sum(events.values()):,}",
                  " · ".join(f"{'browser' if c == 'pixel' else 'server'} {n:,}" for c, n in events.items())
                  + (f" (+{result['test_events']:,} test events left out)" if result["test_events"] else ""))
    table.add_row("Conversions", f"{d['conversions']:,}", "real conversions after pairing both sides")
    table.add_row("Counted by Meta", f"{d['counted_by_meta']:,}",
                  "what Meta would count under its dedup rule")
    table.add_row("Double counts", f"{d['double_counts']:,}",
                  f"{_pct(d['inflation_rate'])} of conversions counted twice")
    table.add_row("Inflated value", "", _money(d["inflated_value"]))
    table.add_row("Deduplicated", f"{d['deduplicated_pairs']:,}",
                  f"of {d['both_channels']:,} seen on both sides ({_pct(d['dedup_rate'])})")
    table.add_row("Event coverage", _pct(d["event_coverage"]),
                  "browser events the server also sent with a shared key (Meta's goal: 75%)")
    table.add_row("Recovered", f"{d['recovered']:,}", "conversions only the server saw")
    if d.get("repeat_events"):
        table.add_row("Repeats", f"{d['repeat_events']:,}",
                      "extra sends from the same side (risk of double counts)")
    if d.get("lost_conversions"):
        table.add_row("Lost", f"{d['lost_conversions']:,}",
                      "conversions Meta drops because their id was reused")
    return table


def findings_table(result: dict[str, Any], limit: int = 10) -> Table | None:
    """The rules with the most findings, worst severity first."""
    rules = {r.id: r for r in load_rules()}
    hits = [(rid, n) for rid, n in result["findings"].items() if n]
    if not hits:
        return None
    hits.sort(key=lambda h: (severity_rank(rules[h[0]].severity) if h[0] in rules else 3, -h[1], h[0]))
    table = Table(title="Top findings")
    for col in ("rule", "severity", "findings", "what it means"):
        table.add_column(col, justify="right" if col == "findings" else "left")
    colours = {"critical": "red", "warning": "yellow", "info": "cyan"}
    for rid, n in hits[:limit]:
        r = rules.get(rid)
        sev = r.severity if r else "?"
        table.add_row(rid, f"[{colours.get(sev, 'white')}]{sev}[/]", f"{n:,}", r.title if r else "")
    return table


def exit_on_findings(result: dict[str, Any], fail_on: FailOn | None) -> None:
    """Exit 1 when findings at or above `fail_on` exist."""
    if fail_on is None:
        return
    worst = SEVERITIES[: SEVERITIES.index(fail_on.value) + 1]
    n = sum(result["findings_by_severity"].get(s, 0) for s in worst)
    if n:
        err.print(f"{n:,} findings at or above '{fail_on.value}' severity")
        raise typer.Exit(1)


def print_summary(result: dict[str, Any]) -> None:
    """Headline numbers and top findings on stdout."""
    out.print(headline_table(result))
    table = findings_table(result)
    out.print(table if table is not None else "No findings.")
