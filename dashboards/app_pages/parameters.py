"""Parameters: present and valid coverage, dedup-key coverage, identifier forensics."""

from __future__ import annotations

import streamlit as st

from audit.outputs import charts
from dashboards import data, filters, ui

IDENTIFIER_RULES = [
    "fbc_malformed", "fbc_timestamp_seconds", "fbc_after_event", "fbc_stale", "fbc_modified",
    "fbp_malformed", "identifier_hashed", "client_ip_missing", "client_ip_not_public", "client_ip_shared",
    "ip_version_mismatch", "user_agent_missing", "user_agent_not_browser", "cross_channel_mismatch",
]

st.title("Parameters")
f = filters.current()
st.caption(f.describe())
if not ui.ready():
    st.stop()

with st.spinner("Reading parameter coverage…"):
    cov = data.read("parameter_coverage", **f.params())
if cov.empty:
    ui.nothing()
else:
    channels = [c for c in ("capi", "pixel") if c in set(cov["channel"])]
    tabs = st.tabs([charts.CHANNEL_LABELS[c] for c in channels])
    for tab, ch in zip(tabs, channels, strict=True):
        with tab:
            ui.chart(charts.coverage_heatmap(cov, "valid_share", ch), key=f"cov_valid_{ch}")
            ui.chart(charts.coverage_heatmap(cov, "present_share", ch), key=f"cov_present_{ch}")
    st.caption("Present: the parameter is sent. Valid: it is also well formed, hashed where Meta wants "
               "a hash, and plausible (a real browser, the user's own IP, an unaltered click ID).")

st.subheader("Dedup keys")
keys = data.read("dedup_key_coverage", **f.params())
if keys.empty:
    ui.nothing()
else:
    ui.chart(charts.dedup_key_coverage(keys), key="dedup_keys")

st.subheader("Identifier forensics")
counts = data.read("findings_by_rule", rules=IDENTIFIER_RULES, **f.params())
if counts.empty:
    st.success("No problem found with click IDs, browser IDs, IP addresses or user agents.")
    st.stop()
ui.chart(charts.findings_by_rule(counts, title="Identifier problems"), key="identifier_rules")
fields = data.read("findings_by_field", rules=IDENTIFIER_RULES, **f.params())
mismatch = fields[fields["rule_id"] == "cross_channel_mismatch"]
if not mismatch.empty:
    st.markdown("**Browser and server disagree on:** " + ", ".join(
        f"{r.field or 'a field'} ({r.findings:,})" for r in mismatch.itertuples()))
per_rule = dict(zip(counts["rule_id"], counts["findings"], strict=True))
rule = st.selectbox("Show events for", list(per_rule), format_func=lambda r: f"{r} · {int(per_rule[r]):,}",
                    key="forensics_rule")
events = data.read("findings_events", rules=[rule], limit=50, **f.params())
ui.table(events[["channel", "event_name", "event_id", "event_time", "field", "detail", "fbc", "fbp",
                 "client_ip_address"]])
