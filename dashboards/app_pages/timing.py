"""Timing and delivery: send delays against the one-hour goal, too old or future events, Meta's errors."""

from __future__ import annotations

import streamlit as st

from audit.outputs import charts
from audit.outputs.display import meta_error_meaning
from dashboards import data, filters, ui

TIME_RULES = ["event_time_too_old", "event_time_future", "event_time_milliseconds", "send_delayed"]

st.title("Timing and delivery")
f = filters.current()
st.caption(f.describe())
if not ui.ready():
    st.stop()

st.subheader("How fast events reach Meta")
with st.spinner("Measuring send delays…"):
    hist = data.read("latency_histogram", **f.params())
    trend = data.read("latency_trend", **f.params())
ui.chart(charts.latency_histogram(hist), key="latency_hist")
if f.channel:
    other = "pixel" if f.channel == "capi" else "capi"
    trend = trend.drop(columns=[c for c in trend.columns if c.startswith(other)])
timed = sorted(trend.dropna(how="all", subset=[c for c in trend.columns if c.endswith("_s")])["event_name"]
               .unique())
if timed:
    name = st.selectbox("Event name", timed, key="latency_event")
    ui.chart(charts.latency_trend(trend, name), key="latency_trend")
st.caption("Meta asks for events in real time or close to it, ideally within an hour. "
           "Events more than 7 days old are rejected, with the whole request they came in.")

st.subheader("Events too old, in the future or sent late")
late = data.read("findings_daily", rules=TIME_RULES, **f.params())
if late.empty:
    st.success("No event was too old, dated in the future, or sent late.")
else:
    ui.chart(charts.findings_daily(late, title="Timing problems per day"), key="timing_findings")

st.subheader("What Meta answered")
outcomes = data.read("delivery_outcomes", **f.params())
if f.channel == "pixel":
    st.caption("Meta's responses are logged for server events only.")
if outcomes.empty:
    ui.nothing("No Conversions API response is logged for these events.")
    st.stop()
ui.chart(charts.delivery_outcomes(outcomes), key="delivery")
errors = outcomes[outcomes["outcome"] == "error"].copy()
if not errors.empty:
    errors["what it means"] = [meta_error_meaning(c, s) for c, s in
                               zip(errors["error_code"], errors["error_subcode"], strict=True)]
    ui.table(errors[["error_code", "error_subcode", "error_message", "what it means", "events"]])
