"""Example pairs: the Pixel and CAPI copies of one conversion side by side, differences marked."""

from __future__ import annotations

import math

import pandas as pd

from audit.outputs.display import short_hash

FIELDS = (
    ("dataset_id", "Dataset"),
    ("event_name", "Event name"),
    ("event_id", "Event ID"),
    ("event_time", "Event time"),
    ("sent_at", "Sent at"),
    ("order_id", "Order ID"),
    ("value", "Value"),
    ("currency", "Currency"),
    ("em", "E-mail (hashed)"),
    ("external_id", "External ID"),
    ("fbp", "Browser ID (fbp)"),
    ("fbc", "Click ID (fbc)"),
)
# The field that explains each outcome, highlighted even when other fields also differ.
CAUSE_FIELD = {
    "event_name_case_mismatch": "event_name",
    "event_id_whitespace": "event_id",
    "event_id_mismatch": "event_id",
    "event_id_missing": "event_id",
    "pair_outside_window": "sent_at",
    "dataset_mismatch": "dataset_id",
}
TIMES = ("event_time", "sent_at")  # a few seconds apart is normal: only marked when they are the cause
CAUSE = "background-color: #fde0e0; color: #8a1111; font-weight: 600"
DIFFERS = "background-color: #fff4d6"


def _shown(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "—"
    if isinstance(value, str):
        return repr(value) if value != value.strip() or value == "" else str(short_hash(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def side_by_side(pair: dict) -> pd.DataFrame:
    """Rows field / browser / server / differs for one example pair."""
    rows = []
    for key, label in FIELDS:
        p, c = _shown(pair.get(f"pixel_{key}")), _shown(pair.get(f"capi_{key}"))
        if p == "—" and c == "—":
            continue
        rows.append({"Field": label, "Browser (Pixel)": p, "Server (CAPI)": c, "key": key, "differs": p != c})
    return pd.DataFrame(rows)


def styled(frame: pd.DataFrame, pairing: str):
    """A Styler marking the field that explains the outcome in red and other differences in yellow."""
    cause = CAUSE_FIELD.get(pairing)
    if cause == "sent_at" and "sent_at" not in set(frame["key"]):
        cause = "event_time"
    styles = []
    for key, differs in zip(frame["key"], frame["differs"], strict=True):
        if key == cause:
            styles.append(CAUSE)
        elif differs and key not in TIMES:
            styles.append(DIFFERS)
        else:
            styles.append("")
    shown = frame[["Field", "Browser (Pixel)", "Server (CAPI)"]]

    def paint(row):
        return [styles[row.name]] * len(row)

    return shown.style.apply(paint, axis=1)
