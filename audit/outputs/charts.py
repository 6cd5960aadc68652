"""Pure Plotly figure builders shared by the dashboard and the report: rows in, go.Figure out.

Each builder takes a table (a pandas or Polars DataFrame, or a list of dicts) with the columns the
matching query in audit/outputs/queries returns, and never touches a database or Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

SEVERITY_COLOURS = {"critical": "#d62728", "warning": "#ff9f1c", "info": "#1f77b4"}
CHANNEL_LABELS = {"pixel": "Browser (Pixel)", "capi": "Server (CAPI)", "combined": "Both combined"}
CHANNEL_COLOURS = {"pixel": "#4c78a8", "capi": "#f58518", "combined": "#54a24b"}

# Pairing outcomes in reading order, with plain-words labels and colours.
PAIRING_LABELS = {
    "deduplicated": "Counted once (deduplicated)",
    "event_name_case_mismatch": "Near miss: event name differs in case",
    "event_id_whitespace": "Near miss: event ID differs by spaces",
    "pair_outside_window": "Near miss: more than 48 h apart",
    "event_id_mismatch": "Same conversion, different event IDs",
    "event_id_missing": "Same conversion, event ID missing",
    "dataset_mismatch": "Same conversion, different datasets",
    "pixel_only": "Browser only (server never sent it)",
    "capi_only": "Server only (browser blocked)",
}
PAIRING_COLOURS = {
    "deduplicated": "#2ca02c",
    "event_name_case_mismatch": "#d62728",
    "event_id_whitespace": "#ff7f0e",
    "pair_outside_window": "#e377c2",
    "event_id_mismatch": "#9467bd",
    "event_id_missing": "#c5b0d5",
    "pixel_only": "#7f7f7f",
    "capi_only": "#17becf",
    "dataset_mismatch": "#8c564b",
}
LATENCY_GOAL_S = 3600.0  # Meta: send in real time or close to it, ideally within 1 hour


def records(table: Any) -> list[dict]:
    """Rows of a pandas or Polars DataFrame (or an iterable of dicts) as a list of dicts."""
    if table is None:
        return []
    if hasattr(table, "to_dicts"):
        return table.to_dicts()
    if hasattr(table, "to_dict"):
        return table.to_dict("records")
    return [dict(r) for r in table]


def _layout(fig: go.Figure, title: str, **kw: Any) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.35, "x": 0},
        **kw,
    )
    return fig


def _empty(title: str, message: str = "Nothing to show for these filters") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title)


def _distinct(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def dedup_outcomes(table: Any, shares: bool = False) -> go.Figure:
    """Where each event name's conversions go: one horizontal stacked bar per event name (or 100 %)."""
    rows = records(table)
    title = "Where conversions go"
    if not rows:
        return _empty(title)
    names = sorted(_distinct(r["event_name"] for r in rows), reverse=True)
    counts = {(r["event_name"], r["pairing"]): r["conversions"] for r in rows}
    pairings = [p for p in PAIRING_LABELS if any(k[1] == p for k in counts)]
    pairings += sorted({k[1] for k in counts} - set(pairings))
    fig = go.Figure()
    for p in pairings:
        fig.add_bar(
            y=names,
            x=[counts.get((n, p), 0) for n in names],
            name=PAIRING_LABELS.get(p, p),
            orientation="h",
            marker_color=PAIRING_COLOURS.get(p),
            hovertemplate="%{y}: %{x:,} conversions<extra>" + PAIRING_LABELS.get(p, p) + "</extra>",
        )
    fig.update_layout(legend_traceorder="normal", barnorm="percent" if shares else None)
    return _layout(fig, title, barmode="stack", xaxis_title="% of conversions" if shares else "conversions",
                   height=200 + 40 * len(names))


def conversions_trend(table: Any) -> go.Figure:
    """Real conversions against what Meta counts, per day."""
    rows = records(table)
    title = "Real conversions and what Meta counts, per day"
    if not rows:
        return _empty(title)
    days = [r["day"] for r in rows]
    fig = go.Figure()
    fig.add_scatter(x=days, y=[r["conversions"] for r in rows], name="real conversions", mode="lines+markers")
    fig.add_scatter(
        x=days, y=[r["counted_by_meta"] for r in rows], name="counted by Meta", mode="lines+markers",
        line={"dash": "dot", "color": "#d62728"},
    )
    return _layout(fig, title, yaxis_title="conversions", hovermode="x unified")


def double_counts(table: Any) -> go.Figure:
    """Conversions Meta counts twice, per day."""
    rows = records(table)
    title = "Conversions counted twice, per day"
    if not rows:
        return _empty(title)
    fig = go.Figure()
    fig.add_bar(x=[r["day"] for r in rows], y=[r["double_counts"] for r in rows], name="counted twice",
                marker_color="#d62728")
    return _layout(fig, title, yaxis_title="conversions")


def inflated_value(table: Any) -> go.Figure:
    """Revenue added by double counts, per day, one series per currency (never summed)."""
    rows = records(table)
    title = "Revenue counted twice, per day and currency"
    if not rows:
        return _empty(title)
    fig = go.Figure()
    for cur in sorted(_distinct(r["currency"] or "no currency" for r in rows)):
        mine = [r for r in rows if (r["currency"] or "no currency") == cur]
        fig.add_bar(x=[r["day"] for r in mine], y=[r["inflated_value"] for r in mine], name=cur)
    return _layout(fig, title, barmode="group", yaxis_title="value (in its own currency)")


def match_quality(table: Any, goal: float = 6.0) -> go.Figure:
    """Estimated EMQ per event name and channel against Meta's recommended 6.0."""
    rows = records(table)
    title = "Estimated Event Match Quality (our estimate, not Meta's score)"
    if not rows:
        return _empty(title)
    names = sorted(_distinct(r["event_name"] for r in rows))
    fig = go.Figure()
    for ch in [c for c in CHANNEL_LABELS if any(r["channel"] == c for r in rows)]:
        by_name = {r["event_name"]: r["estimated_emq"] for r in rows if r["channel"] == ch}
        shown = [n for n in names if by_name.get(n) is not None]
        fig.add_bar(x=shown, y=[by_name[n] for n in shown], name=CHANNEL_LABELS[ch],
                    marker_color=CHANNEL_COLOURS[ch], texttemplate="%{y:.1f}", textposition="outside")
    _goal_line(fig, goal)
    return _layout(fig, title, barmode="group", yaxis={"range": [0, 10.5], "title": "estimated EMQ (0-10)"})


def _goal_line(fig: go.Figure, goal: float) -> None:
    """Meta's recommended EMQ as a dashed line, named in the legend (a label on the line itself sat on top
    of the first bars' values)."""
    fig.add_hline(y=goal, line_dash="dash", line_color="#2ca02c")
    fig.add_scatter(x=[None], y=[None], mode="lines", name=f"Meta's goal {goal:.1f}",
                    line={"dash": "dash", "color": "#2ca02c"})


def emq_drivers(drivers: dict[str, float], title: str = "What makes up the estimate") -> go.Figure:
    """Points each parameter contributes to one estimated EMQ."""
    items = sorted(((k, float(v or 0)) for k, v in (drivers or {}).items()), key=lambda kv: kv[1])
    if not items:
        return _empty(title)
    fig = go.Figure()
    fig.add_bar(y=[k for k, _ in items], x=[v for _, v in items], orientation="h", marker_color="#4c78a8",
                texttemplate="%{x:.2f}", textposition="outside")
    return _layout(fig, title, xaxis_title="points of the estimate", height=120 + 28 * len(items))


def whatif(results: list[dict]) -> go.Figure:
    """Current against projected estimated EMQ per channel."""
    title = "Estimated EMQ now and with your changes"
    if not results:
        return _empty(title)
    labels = [CHANNEL_LABELS.get(r["channel"], r["channel"]) for r in results]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[r["current"] for r in results], name="now", marker_color="#9ecae1",
                texttemplate="%{y:.1f}", textposition="outside")
    fig.add_bar(x=labels, y=[r["projected"] for r in results], name="with your changes",
                marker_color="#3182bd", texttemplate="%{y:.1f}", textposition="outside")
    _goal_line(fig, 6.0)
    return _layout(fig, title, barmode="group", yaxis={"range": [0, 10.5], "title": "estimated EMQ"})


PARAMETER_ORDER = ("em", "ph", "fn", "ln", "external_id", "fbc", "fbp", "client_ip_address",
                   "client_user_agent", "ct", "st", "zp", "country", "db", "ge")
PARAMETER_SHORT = {"client_ip_address": "IP", "client_user_agent": "user agent", "external_id": "external id"}


def _heatmap(z: list[list[float | None]], x: list[str], y: list[str], title: str) -> go.Figure:
    z = [[None if v is None or v != v else v for v in row] for row in z]  # NaN -> gap
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, zmin=0, zmax=1, colorscale="RdYlGn", xgap=2, ygap=2,
        text=[[("" if v is None else f"{v:.0%}") for v in row] for row in z], texttemplate="%{text}",
        hovertemplate="%{y} / %{x}: %{z:.0%}<extra></extra>", colorbar={"tickformat": ".0%"},
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    return _layout(fig, title, height=140 + 32 * len(y))


def coverage_heatmap(table: Any, measure: str = "valid_share", channel: str = "capi") -> go.Figure:
    """Share of events carrying a parameter (present or valid): event name x parameter, one channel."""
    rows = [r for r in records(table) if r["channel"] == channel]
    kind = "valid" if measure == "valid_share" else "present"
    title = f"{CHANNEL_LABELS.get(channel, channel)}: share of events with a {kind} parameter"
    if not rows:
        return _empty(title)
    names = sorted(_distinct(r["event_name"] for r in rows))
    seen = set(r["parameter"] for r in rows)
    params = [p for p in PARAMETER_ORDER if p in seen] + sorted(seen - set(PARAMETER_ORDER))
    cell = {(r["event_name"], r["parameter"]): r[measure] for r in rows}
    z = [[cell.get((n, p)) for p in params] for n in names]
    return _heatmap(z, [PARAMETER_SHORT.get(p, p) for p in params], names, title)


def dedup_key_coverage(table: Any) -> go.Figure:
    """Share of browser and server events carrying each dedup key: event name x key and channel."""
    rows = records(table)
    title = "Share of events carrying each dedup key"
    if not rows:
        return _empty(title)
    names = sorted(_distinct(r["event_name"] for r in rows))
    keys = [k for k in ("event_id", "external_id", "fbp") if any(r["dedup_key"] == k for r in rows)]
    cell = {(r["event_name"], r["dedup_key"]): r for r in rows}
    columns = [(k, ch) for k in keys for ch in ("pixel", "capi")]
    z = []
    for n in names:
        z.append([(cell[(n, k)][f"{ch}_share"] if (n, k) in cell else None) for k, ch in columns])
    labels = [f"{k} · {'browser' if ch == 'pixel' else 'server'}" for k, ch in columns]
    return _heatmap(z, labels, names, title)


def findings_by_rule(table: Any, title: str = "Findings per rule") -> go.Figure:
    """Number of findings per rule, coloured by severity."""
    rows = records(table)
    if not rows:
        return _empty(title)
    totals: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["rule_id"], r.get("severity") or "info")
        totals[key] = totals.get(key, 0) + int(r["findings"])
    items = sorted(totals.items(), key=lambda kv: kv[1])
    fig = go.Figure()
    fig.add_bar(
        y=[k[0] for k, _ in items], x=[v for _, v in items], orientation="h",
        marker_color=[SEVERITY_COLOURS.get(k[1], "#7f7f7f") for k, _ in items],
        customdata=[k[1] for k, _ in items], hovertemplate="%{y}: %{x:,} (%{customdata})<extra></extra>",
    )
    return _layout(fig, title, barmode="stack", xaxis_title="findings", height=140 + 26 * len(items))


def findings_daily(table: Any, title: str = "Findings per day") -> go.Figure:
    """Findings per day, one series per rule."""
    rows = records(table)
    if not rows:
        return _empty(title)
    fig = go.Figure()
    for rule_id in sorted(_distinct(r["rule_id"] for r in rows)):
        mine = [r for r in rows if r["rule_id"] == rule_id]
        fig.add_bar(x=[r["day"] for r in mine], y=[r["findings"] for r in mine],
                    name=mine[0].get("label") or rule_id)
    return _layout(fig, title, barmode="stack", yaxis_title="events")


def latency_histogram(table: Any) -> go.Figure:
    """How long events took to reach Meta, per channel, against the one-hour goal."""
    rows = records(table)
    title = "How long events took to be sent (goal: within 1 hour)"
    if not rows:
        return _empty(title, "No log carries send times (sent_at)")
    buckets = [r["latency"] for r in sorted(rows, key=lambda r: r["bucket"])]
    buckets = _distinct(buckets)
    fig = go.Figure()
    for ch in [c for c in ("pixel", "capi") if any(r["channel"] == c for r in rows)]:
        by_bucket = {r["latency"]: r["events"] for r in rows if r["channel"] == ch}
        fig.add_bar(x=buckets, y=[by_bucket.get(b, 0) for b in buckets], name=CHANNEL_LABELS[ch],
                    marker_color=CHANNEL_COLOURS[ch])
    late = [b for b in buckets if b in ("1-6 hours", "6-24 hours", "1-7 days", "over 7 days")]
    if late:
        fig.add_vrect(x0=late[0], x1=late[-1], fillcolor="#d62728", opacity=0.07, line_width=0,
                      annotation_text="later than recommended", annotation_position="top left")
    return _layout(fig, title, barmode="group", yaxis_title="events")


def latency_trend(table: Any, event_name: str) -> go.Figure:
    """One event name's daily send delay (median, slowest 5 %) per channel in minutes, with the 1 h goal."""
    rows = [r for r in records(table) if r["event_name"] == event_name]
    title = f"{event_name}: send delay per day (minutes)"
    fig = go.Figure()
    for ch in ("pixel", "capi"):
        for stat, dash in (("p95", "solid"), ("p50", "dot")):
            col = f"{ch}_latency_{stat}_s"
            pts = [(r["day"], r.get(col)) for r in rows]
            pts = [(d, v) for d, v in pts if v is not None and v == v]
            if pts:
                label = f"{CHANNEL_LABELS[ch]}, {'slowest 5%' if stat == 'p95' else 'median'}"
                fig.add_scatter(x=[d for d, _ in pts], y=[v / 60 for _, v in pts], name=label,
                                mode="lines+markers", line={"color": CHANNEL_COLOURS[ch], "dash": dash})
    if not fig.data:
        return _empty(title, "No log carries send times (sent_at) for this event name")
    fig.add_hline(y=LATENCY_GOAL_S / 60, line_dash="dash", line_color="#d62728", annotation_text="1 hour")
    return _layout(fig, title, yaxis_title="minutes", hovermode="x unified")


def delivery_outcomes(table: Any) -> go.Figure:
    """Server events by Meta's response: accepted, rejected (per error code), short, not logged."""
    rows = records(table)
    title = "What Meta answered to server events"
    if not rows:
        return _empty(title)
    words = {"ok": "accepted", "error": "rejected", "short": "fewer received than sent",
             "not_logged": "no response logged"}
    labels, values, colours = [], [], []
    for r in rows:
        label = words.get(r["outcome"], r["outcome"])
        code = r.get("error_code")
        if code is not None and code == code:
            sub = r.get("error_subcode")
            label += f" · code {int(code)}" + (f"/{int(sub)}" if sub is not None and sub == sub else "")
        labels.append(label)
        values.append(r["events"])
        colours.append({"ok": "#2ca02c", "error": "#d62728", "short": "#ff9f1c"}.get(r["outcome"], "#7f7f7f"))
    fig = go.Figure()
    fig.add_bar(y=labels, x=values, orientation="h", marker_color=colours)
    return _layout(fig, title, xaxis_title="server events", height=140 + 30 * len(labels))


def loads(table: Any) -> go.Figure:
    """Rows read, loaded and set aside per file."""
    rows = records(table)
    title = "Records per file"
    if not rows:
        return _empty(title, "No file loaded yet")
    files = [r["file_name"] for r in rows]
    fig = go.Figure()
    fig.add_bar(y=files, x=[r["rows_loaded"] for r in rows], name="loaded", orientation="h",
                marker_color="#2ca02c")
    fig.add_bar(y=files, x=[r["rows_quarantined"] for r in rows], name="set aside", orientation="h",
                marker_color="#d62728")
    fig.add_bar(y=files, x=[r.get("rows_ignored", 0) for r in rows], name="not events", orientation="h",
                marker_color="#c7c7c7")
    return _layout(fig, title, barmode="stack", xaxis_title="records", height=160 + 30 * len(files))
