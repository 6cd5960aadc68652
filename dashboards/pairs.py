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
    "pair_outside_window": "event_time",
}
DIFFERS = "background-color: #ffe0e0; font-weight: 600"


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
    """A Styler that highlights the differing rows, the cause's field first of all."""
    cause = CAUSE_FIELD.get(pairing)
    flags = list(frame["differs"] | (frame["key"] == cause))
    shown = frame[["Field", "Browser (Pixel)", "Server (CAPI)"]]

    def paint(row):
        return [DIFFERS if flags[row.name] else "" for _ in row]

    return shown.style.apply(paint, axis=1)
