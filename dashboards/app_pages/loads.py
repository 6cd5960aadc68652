"""Data: the files loaded and the records set aside, with the reason."""

from __future__ import annotations

import streamlit as st

from audit.outputs import charts
from dashboards import data, filters, ui

st.title("Data")
f = filters.current()
st.caption("Every file loaded into this database; only the channel filter applies here.")
if not ui.ready(need_audit=False):
    st.stop()

loads = data.read("loads", channel=f.channel)
if loads.empty:
    ui.nothing("No file loaded yet. Load logs with `capi-audit load --pixel PATH --capi PATH --db FILE`. "
               + ui.TRY_DEMO)
    st.stop()
totals = loads[["rows_read", "rows_loaded", "rows_quarantined"]].sum()
c1, c2, c3 = st.columns(3)
c1.metric("Records read", f"{int(totals.rows_read):,}", border=True)
c2.metric("Loaded as events", f"{int(totals.rows_loaded):,}", border=True)
c3.metric("Set aside", f"{int(totals.rows_quarantined):,}", border=True)
ui.chart(charts.loads(loads), key="loads_chart")
ui.table(loads.drop(columns=["load_id"]))

st.subheader("Records set aside")
reasons = data.read("quarantine_reasons", channel=f.channel)
if reasons.empty:
    st.success("Every record could be loaded.")
    st.stop()
ui.table(reasons)
rows = data.read("quarantine", channel=f.channel, limit=1000)
st.caption("The record as read, with personal data masked and access tokens removed (first 1,000).")
ui.table(rows)
