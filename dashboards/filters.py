"""The sidebar filters every page honours: dataset, date range, event names, channel."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import streamlit as st

from dashboards import data

ALL_DATASETS = "All datasets"
CHANNELS = {"Both channels": None, "Browser (Pixel)": "pixel", "Server (CAPI)": "capi"}
STATE_KEY = "filters"
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Filters:
    """The current selection; None means no restriction."""

    dataset: str | None = None
    start: date | None = None
    end: date | None = None
    event_names: tuple[str, ...] | None = None
    channel: str | None = None

    def params(self) -> dict:
        """Named parameters for audit/outputs/queries."""
        return {"dataset": self.dataset, "start": self.start, "end": self.end,
                "names": list(self.event_names) if self.event_names else None, "channel": self.channel}

    def summary_args(self) -> dict:
        """Keyword arguments for audit.metrics.summary.summary."""
        return {"dataset": self.dataset, "start": self.start, "end": self.end,
                "names": self.event_names, "channel": self.channel}

    def previous(self) -> Filters | None:
        """The same filters over the period of equal length just before this one."""
        if self.start is None or self.end is None:
            return None
        length = (self.end - self.start).days + 1
        return replace(self, start=self.start - timedelta(days=length), end=self.start - timedelta(days=1))

    def describe(self) -> str:
        """One line naming the selection, for captions."""
        parts = [self.dataset or "all datasets"]
        if self.start and self.end:
            parts.append(f"{self.start:%d %b %Y} – {self.end:%d %b %Y}")
        parts.append(", ".join(self.event_names) if self.event_names else "all event names")
        parts.append({None: "both channels", "pixel": "browser only", "capi": "server only"}[self.channel])
        return " · ".join(parts)


def options() -> dict:
    """Datasets, event names and the first and last day found in the events."""
    rows = data.read("filter_options")
    if rows.empty:
        return {"datasets": [], "event_names": [], "first": None, "last": None}
    return {
        "datasets": sorted(rows["dataset_id"].unique().tolist()),
        "event_names": sorted(rows["event_name"].unique().tolist()),
        "first": rows["first_day"].min().date() if rows["first_day"].notna().any() else None,
        "last": rows["last_day"].max().date() if rows["last_day"].notna().any() else None,
    }


def default_dates(first: date, last: date) -> tuple[date, date]:
    """The last 7 days of data when there are two weeks or more (so the Overview has a week to compare
    with), else every day."""
    if (last - first).days + 1 >= 2 * DEFAULT_DAYS:
        return last - timedelta(days=DEFAULT_DAYS - 1), last
    return first, last


def sidebar() -> Filters:
    """Draw the filters in the sidebar and remember the selection for the pages."""
    opts = options()
    with st.sidebar:
        st.header("Filters")
        ds = st.selectbox("Dataset", [ALL_DATASETS, *opts["datasets"]], key="f_dataset")
        start = end = None
        if opts["first"] and opts["last"]:
            picked = st.date_input("Dates", value=default_dates(opts["first"], opts["last"]),
                                   min_value=opts["first"],
                                   max_value=opts["last"], key="f_dates")
            if isinstance(picked, tuple | list) and len(picked) == 2:
                start, end = picked
            elif isinstance(picked, tuple | list) and len(picked) == 1:
                start = end = picked[0]
            elif isinstance(picked, date):
                start = end = picked
        names = st.multiselect("Event names", opts["event_names"], placeholder="All event names",
                               key="f_names")
        channel = st.radio("Channel", list(CHANNELS), key="f_channel")
    chosen = Filters(
        dataset=None if ds == ALL_DATASETS else ds,
        start=start,
        end=end,
        event_names=tuple(names) or None,
        channel=CHANNELS[channel],
    )
    st.session_state[STATE_KEY] = chosen
    return chosen


def current() -> Filters:
    """The filters chosen in the sidebar (no restriction before the sidebar is drawn)."""
    return st.session_state.get(STATE_KEY, Filters())
