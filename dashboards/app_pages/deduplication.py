"""Deduplication: where each event name's conversions go, double counts, example pairs per cause."""

from __future__ import annotations

import streamlit as st

from audit.outputs import charts
from audit.outputs.display import duration
from dashboards import data, filters, pairs, ui

st.title("Deduplication")
f = filters.current()
st.caption(f.describe())
if not ui.ready():
    st.stop()

with st.spinner("Reading pairs…"):
    outcomes = data.read("dedup_outcomes", **f.params())
if outcomes.empty:
    ui.nothing()
    st.stop()

as_shares = st.toggle("Show as shares of each event name", key="dedup_shares")
ui.chart(charts.dedup_outcomes(outcomes, shares=as_shares), key="dedup_outcomes")
st.caption("Green is counted once. Near misses and the same conversion without shared keys are counted "
           "twice by Meta. Browser-only and server-only conversions are counted once but seen by one side "
           "only."
           + (" The channel filter keeps the conversions that channel saw." if f.channel else ""))

left, right = st.columns(2)
with left:
    trend = data.read("dedup_trend", **f.params())
    ui.chart(charts.double_counts(trend), key="dedup_double_counts")
with right:
    value = data.read("inflated_value", **f.params())
    ui.chart(charts.inflated_value(value), key="dedup_inflated_value")

st.subheader("Example pairs")
st.caption("The field that explains the outcome is in red; other differences in yellow.")
causes = [p for p in charts.PAIRING_LABELS if p in set(outcomes["pairing"])
          and p not in ("deduplicated", "pixel_only", "capi_only")]
if not causes:
    st.success("Every conversion seen on both channels shares its keys: no near miss to show.")
    st.stop()
cause = st.selectbox("Cause", causes, format_func=lambda p: charts.PAIRING_LABELS[p], key="dedup_cause")
examples = data.read("example_pairs", pairing=cause, limit=5, **f.params())
for i, pair in enumerate(examples.to_dict("records"), start=1):
    frame = pairs.side_by_side(pair)
    gap = pair.get("time_gap_seconds")
    gap_text = f" · {duration(abs(gap))} apart" if gap is not None and gap == gap else ""
    st.markdown(f"**Example {i}** · matched by {pair.get('matched_by') or 'nothing'}{gap_text}")
    st.dataframe(pairs.styled(frame, cause), hide_index=True, width="stretch",
                 height=36 * (len(frame) + 1) + 3)
