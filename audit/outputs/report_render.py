"""Render the weekly report payload as self-contained HTML (charts inline) and as short Markdown."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from audit.outputs import charts

CHANNELS = {"pixel": "browser", "capi": "server", "combined": "both"}
PARAMETER_ORDER = ("em", "ph", "external_id", "fbp", "fbc", "client_ip_address", "client_user_agent",
                   "fn", "ln", "ct", "st", "zp", "country", "db", "ge")


def pct(share: float | None, digits: int = 1) -> str:
    """A share as a percentage ('97.5 %'); a dash when unknown."""
    return "–" if share is None else f"{share * 100:.{digits}f} %"


def num(value: float | None) -> str:
    """A count with thousands separators; a dash when unknown."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def change(row: dict[str, Any]) -> str:
    """Week-over-week change of a headline row: points for shares, difference and percent for counts."""
    delta, before = row.get("change"), row.get("previous")
    if delta is None:
        return "–"
    if row.get("kind") == "share":
        return f"{delta * 100:+.1f} pts"
    if row.get("kind") == "emq":
        return f"{delta:+.1f}"
    rel = f" ({delta / before * 100:+.0f} %)" if before else ""
    return f"{delta:+,.0f}{rel}"


def tone(row: dict[str, Any]) -> str:
    """'good', 'bad' or 'flat' for a change, given which direction is better."""
    delta, better = row.get("change"), row.get("better")
    if not delta or better is None:
        return "flat"
    return "good" if (delta > 0) == (better == "higher") else "bad"


def value(row: dict[str, Any], key: str = "current") -> str:
    """A headline value in its unit."""
    v = row.get(key)
    if row.get("kind") == "share":
        return pct(v)
    if row.get("kind") == "emq":
        return "–" if v is None else f"{v:.1f}"
    return num(v)


def emq_change(delta: float | None) -> str:
    """Week-over-week change of an estimated EMQ ('+0.4'); a dash when last week has none."""
    return "–" if delta is None else f"{delta:+.1f}"


def points(delta: float | None) -> str:
    """Week-over-week change of a share in percentage points ('-12 pts'); a dash when unknown."""
    return "–" if delta is None else f"{delta * 100:+.0f} pts"


def seconds(s: float | None) -> str:
    """A delay in plain words: seconds, minutes, hours or days."""
    if s is None:
        return "–"
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if abs(s) >= size:
            return f"{s / size:.1f} {unit}"
    return f"{s:.0f} s"


def metric_value(reg: dict[str, Any], key: str) -> str:
    """A regression's value in its unit (shares as percentages, EMQ with one decimal)."""
    v = reg.get(key)
    if v is None:
        return "–"
    if reg["metric"].startswith("match_quality."):
        return f"{v:.1f}"
    if reg["metric"] == "dedup.conversions":
        return num(v)
    return pct(v)


def parameters(coverage: dict[str, dict[str, Any]]) -> list[str]:
    """Parameters named in a channel -> parameter coverage map, strongest match keys first."""
    named = {p for by_param in coverage.values() for p in by_param}
    return [p for p in PARAMETER_ORDER if p in named] + sorted(named - set(PARAMETER_ORDER))


def when(stamp: str | None) -> str:
    """An ISO timestamp as '2026-11-16 14:30:49 UTC'."""
    if not stamp:
        return "–"
    return stamp.replace("T", " ")[:19] + " UTC"


def plural(n: int | float | None, word: str) -> str:
    """'1 event', '3 events'."""
    return f"{num(n)} {word}{'' if n == 1 else 's'}"


def environment() -> Environment:
    """The Jinja environment with the report's filters."""
    env = Environment(
        loader=PackageLoader("audit.outputs", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=pct, num=num, change=change, tone=tone, value=value, seconds=seconds,
                       metric_value=metric_value, parameters=parameters, when=when, plural=plural,
                       emq_change=emq_change, points=points,
                       channel=lambda c: CHANNELS.get(c, c))
    return env


def figures(payload: dict[str, Any]) -> list[tuple[str, Any]]:
    """The report's charts (the dashboard's builders) with stable element ids."""
    overall = [r for r in payload["daily"] if r["all_events"]]
    emq = [
        {"event_name": e["event_name"], "channel": ch, "estimated_emq": score}
        for e in payload["by_event_name"]
        for ch, score in (e.get("match_quality") or {}).items()
        if score is not None
    ]
    return [
        ("chart-conversions", charts.conversions_trend(overall)),
        ("chart-double-counts", charts.double_counts(overall)),
        ("chart-match-quality", charts.match_quality(emq)),
        ("chart-delivery", charts.delivery_outcomes(payload["delivery"]["outcomes"])),
    ]


def chart_html(payload: dict[str, Any]) -> dict[str, str]:
    """Each chart as an HTML fragment without plotly.js (the page embeds it once, in its head)."""
    return {
        div_id: fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                            config={"displaylogo": False, "responsive": True})
        for div_id, fig in figures(payload)
    }


def render_html(payload: dict[str, Any]) -> str:
    """The self-contained HTML report: plotly.js inline once, no external scripts or styles."""
    from plotly.offline import get_plotlyjs

    template = environment().get_template("report.html.j2")
    return template.render(r=payload, charts=chart_html(payload), plotlyjs=get_plotlyjs())


def render_markdown(payload: dict[str, Any]) -> str:
    """The short Markdown report, for chat or e-mail."""
    return environment().get_template("report.md.j2").render(r=payload)
