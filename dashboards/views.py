"""Page pieces built from the summary dict: headline cards and the verdict board."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit.outputs import verdicts
from audit.outputs.display import count, share

NO_CHANGE = "no change"
# (key in summary["dedup"], label, kind, higher is better, help)
HEADLINES = (
    ("conversions", "Real conversions", "count", True,
     "Distinct conversions after pairing the browser and server events."),
    ("counted_by_meta", "Counted by Meta", "count", None,
     "What Meta counts under its deduplication rule."),
    ("double_counts", "Counted twice", "count", False,
     "Conversions Meta counts more than once: inflated results."),
    ("dedup_rate", "Deduplicated", "share", True,
     "Of the conversions seen on both channels, the share Meta counts once. Should be close to 100%."),
    ("event_coverage", "Event coverage", "share", True,
     "Browser events with a server copy sharing a dedup key. Meta's goal: 75%."),
    ("recovered", "Recovered by CAPI", "count", True,
     "Conversions only the server reported (the browser was blocked)."),
)


def dedup_numbers(section: dict | None) -> dict:
    """The dedup numbers of a summary or of one event name's entry."""
    if not section:
        return {}
    return section.get("dedup", section)


def _has_data(summary: dict | None) -> bool:
    if not summary:
        return False
    return bool(sum((summary.get("events") or {}).values()) or dedup_numbers(summary).get("conversions"))


def metric_value(kind: str, value) -> str:
    """A headline number as the card shows it."""
    return share(value) if kind == "share" else count(value)


def metric_delta(kind: str, now, before) -> str | None:
    """Change against the previous period, None when either side is missing."""
    if now is None or before is None:
        return None
    if kind == "share":
        change = round((now - before) * 100, 1)
        return f"{change:+.1f} pts" if change else NO_CHANGE
    change = int(now) - int(before)
    return f"{change:+,}" if change else NO_CHANGE


def headline_cards(now: dict, before: dict | None) -> None:
    """One st.metric per headline number, with the change against the previous period."""
    cur = dedup_numbers(now)
    prev = dedup_numbers(before) if _has_data(before) else {}
    cols = st.columns(3) + st.columns(3)
    for col, (key, label, kind, better_up, help_text) in zip(cols, HEADLINES, strict=True):
        colour = "off" if better_up is None else ("normal" if better_up else "inverse")
        delta = metric_delta(kind, cur.get(key), prev.get(key))
        if delta == NO_CHANGE:
            colour = "off"
        col.metric(label, metric_value(kind, cur.get(key)), delta, delta_color=colour,
                   delta_arrow="off" if delta == NO_CHANGE else "auto", help=help_text, border=True)
    ev = now.get("events") or {}
    note = (f"Events read: {count(ev.get('pixel', 0))} from the browser, "
            f"{count(ev.get('capi', 0))} from the server.")
    st.caption(note + (" Changes compare with the previous period of the same length." if prev else
                       " No earlier period to compare with."))


def emq_of(entry: dict) -> float | None:
    """The estimated EMQ to judge an event name by: the server's, else the combined one."""
    return verdicts.emq_of(entry.get("match_quality"))


LIGHT_CSS = {
    verdicts.GREEN: "background-color: #dff5e1; color: #14532d",
    verdicts.AMBER: "background-color: #fff1d6; color: #7a4a00",
    verdicts.RED: "background-color: #fde0e0; color: #8a1111; font-weight: 600",
    verdicts.GREY: "color: #6b7280",
}
LIGHT_WORDS = {verdicts.GREEN: "on target", verdicts.AMBER: "needs attention", verdicts.RED: "act now",
               verdicts.GREY: "not enough data"}
CHECK_COLUMNS = ("Deduplication", "Counted twice", "Event coverage", "Match quality (estimated)")


def verdict_board(summary: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per event name: a verdict per check and the worst of them; plus the light of each cell."""
    rows, lights = [], []
    for name, entry in sorted((summary.get("by_event_name") or {}).items()):
        d = dedup_numbers(entry)
        checks = verdicts.event_checks(d, entry.get("match_quality"))
        worst = verdicts.overall(checks) if d.get("conversions") else verdicts.GREY
        rows.append({"Event name": name, "Verdict": LIGHT_WORDS[worst],
                     "Conversions": count(d.get("conversions")),
                     **{col: v.text for col, v in zip(CHECK_COLUMNS, checks, strict=True)}})
        lights.append({"Event name": None, "Verdict": worst, "Conversions": None,
                       **{col: v.light for col, v in zip(CHECK_COLUMNS, checks, strict=True)}})
    return pd.DataFrame(rows), pd.DataFrame(lights)


def styled_board(board: pd.DataFrame, lights: pd.DataFrame):
    """The verdict board with each check's cell coloured like a traffic light."""

    def paint(column: pd.Series) -> list[str]:
        return [LIGHT_CSS.get(light, "") for light in lights[column.name]]

    return board.style.apply(paint, axis=0, subset=["Verdict", *CHECK_COLUMNS])
