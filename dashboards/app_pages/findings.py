"""Findings explorer: every event a rule flagged, with what it means and how to fix it, as CSV too."""

from __future__ import annotations

import streamlit as st

from audit.outputs import charts
from audit.outputs.display import mask_hashes
from dashboards import data, filters, ui

LIMIT = 5000
SEVERITIES = ["critical", "warning", "info"]

st.title("Findings explorer")
f = filters.current()
st.caption(f.describe())
if not ui.ready():
    st.stop()

with st.spinner("Counting findings…"):
    by_rule = data.read("findings_by_rule", **f.params())
if by_rule.empty:
    st.success("No rule fired for these filters.")
    st.stop()

c1, c2 = st.columns([3, 1])
counts = dict(zip(by_rule["rule_id"], by_rule["findings"], strict=True))
rules = c1.multiselect("Rules", list(counts), placeholder="All rules", key="fx_rules",
                       format_func=lambda r: f"{r} ({int(counts[r]):,})")
severities = c2.multiselect("Severity", SEVERITIES, placeholder="All severities", key="fx_severity")
shown = by_rule
if rules:
    shown = shown[shown["rule_id"].isin(rules)]
if severities:
    shown = shown[shown["severity"].isin(severities)]
ui.chart(charts.findings_by_rule(shown), key="fx_chart")

events = data.read("findings_events", rules=rules, severities=severities, limit=LIMIT, **f.params())
total = int(shown["findings"].sum())
st.caption(f"{total:,} flagged events" + (f"; the first {LIMIT:,} are listed." if total > LIMIT else ".")
           + " Hashes are shortened; raw e-mails and phones are never stored.")
safe = mask_hashes(events.drop(columns=["event_ref", "paired_event_ref"]))
st.dataframe(safe, hide_index=True, width="stretch", column_config={
    "meaning": st.column_config.TextColumn("what it means", width="large"),
    "fix": st.column_config.TextColumn("how to fix it", width="large"),
})
st.download_button("Download these findings (CSV)", safe.to_csv(index=False).encode(),
                   file_name="capi-audit-findings.csv", mime="text/csv", key="fx_download")
