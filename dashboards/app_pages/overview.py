"""Overview: headline numbers with deltas, a verdict per event name, the top findings."""

from __future__ import annotations

import streamlit as st

from audit.outputs import charts, verdicts
from audit.outputs.display import amount, count, share
from dashboards import data, filters, ui, views

st.title("Does Meta count your conversions once?")
f = filters.current()
st.caption(f.describe())
if not ui.ready():
    st.stop()

with st.spinner("Adding up conversions…"):
    now = data.summary(**f.summary_args())
    prev_filters = f.previous()
    before = data.summary(**prev_filters.summary_args()) if prev_filters else None

if now is None:
    st.warning("The headline numbers are not available: this installation has no summary module.")
    st.stop()

views.headline_cards(now, before)
value = now.get("dedup", {}).get("inflated_value") or {}
if value:
    st.markdown("**Revenue counted twice:** " + " · ".join(amount(v, c) for c, v in sorted(value.items())))

st.subheader("Verdict per event name")
board, lights = views.verdict_board(now)
if board.empty:
    ui.nothing()
else:
    st.dataframe(views.styled_board(board, lights), hide_index=True, width="stretch",
                 height=36 * (len(board) + 1) + 3)
    st.caption("Green: on target. Amber: needs attention. Red: conversions lost or counted twice, act now. "
               f"Goals: deduplication close to 100%, no double counts, event coverage {share(0.75)}, "
               f"estimated match quality {verdicts.EMQ_GOAL:.1f}.")

trend = data.read("dedup_trend", **f.params())
if not trend.empty:
    ui.chart(charts.conversions_trend(trend), key="overview_trend")

st.subheader("Top problems")
top = data.read("findings_by_rule", **f.params())
if top.empty:
    st.success("No rule fired for these filters.")
for row in top.head(6).itertuples():
    label = f"{ui.severity_badge(row.severity)} {row.title or row.rule_id} · {count(row.findings)} events"
    with st.expander(label, icon=ui.SEVERITY_ICONS.get(row.severity), expanded=False):
        st.markdown(f"**What it means:** {row.meaning or ''}")
        st.markdown(f"**How to fix it:** {row.fix or ''}")
        st.caption(f"Rule `{row.rule_id}` · {row.severity}")
