"""Match quality: estimated EMQ per event name and channel, its drivers, and a what-if."""

from __future__ import annotations

import json

import streamlit as st

from audit.outputs import charts
from dashboards import data, filters, ui

PARAMETER_LABELS = {
    "em": "E-mail", "ph": "Phone", "fn": "First name", "ln": "Last name", "external_id": "External ID",
    "fbc": "Click ID (fbc)", "fbp": "Browser ID (fbp)", "client_ip_address": "IP address",
    "client_user_agent": "User agent", "ct": "City", "st": "State", "zp": "Zip code", "country": "Country",
    "db": "Date of birth", "ge": "Gender",
}

st.title("Match quality (estimated)")
f = filters.current()
st.caption(f.describe())
if not ui.ready():
    st.stop()
st.caption("Event Match Quality here is **our estimate** from the parameters your events carry, "
           "not the score Meta shows in Events Manager. Meta recommends 6.0 or more.")
ui.whole_period_note(f)

with st.spinner("Reading match quality…"):
    mq = data.read("match_quality", **f.params())
if mq.empty:
    ui.nothing()
    st.stop()
ui.chart(charts.match_quality(mq), key="mq_bars")

st.subheader("What drives the estimate")
names = sorted(mq["event_name"].unique())
c1, c2 = st.columns(2)
name = c1.selectbox("Event name", names, key="mq_event")
channels = [c for c in ("capi", "pixel", "combined") if c in set(mq.loc[mq["event_name"] == name, "channel"])]
channel = c2.selectbox("Channel", channels, format_func=lambda c: charts.CHANNEL_LABELS.get(c, c),
                       key="mq_channel")
row = mq[(mq["event_name"] == name) & (mq["channel"] == channel)]
drivers = json.loads(row["drivers"].iloc[0]) if not row.empty and row["drivers"].iloc[0] else {}
label = charts.CHANNEL_LABELS.get(channel, channel)
ui.chart(charts.emq_drivers({PARAMETER_LABELS.get(k, k): v for k, v in drivers.items()},
                            title=f"{name} · {label}: points per parameter"), key="mq_drivers")

st.subheader("What if you sent more?")
cov = data.read("parameter_coverage", dataset=f.dataset, names=[name], channel="capi")
current = {r["parameter"]: float(r["valid_share"] or 0.0) for r in cov.to_dict("records")}
if not current:
    ui.nothing(f"No server events named {name} to project from.")
    st.stop()
st.caption(f"Move a slider to the share of server {name} events that would carry a valid value.")
overrides: dict[str, float] = {}
cols = st.columns(3)
for i, param in enumerate(p for p in PARAMETER_LABELS if p in current):
    now = round(current[param], 2)
    picked = cols[i % 3].slider(PARAMETER_LABELS[param], 0.0, 1.0, now, 0.05, format="%.2f",
                                key=f"whatif_{name}_{param}")
    if abs(picked - now) > 1e-9:
        overrides[param] = picked
with st.spinner("Projecting…"):
    result = data.whatif(name, overrides, dataset=f.dataset)
if result is None:
    st.warning("The what-if projection is not available in this installation.")
    st.stop()
ui.chart(charts.whatif(result), key="mq_whatif")
for r in result:
    if overrides and r.get("current") is not None and r.get("projected") is not None:
        changed = ", ".join(f"{PARAMETER_LABELS[p]} on {v:.0%}" for p, v in overrides.items())
        st.markdown(f"{charts.CHANNEL_LABELS.get(r['channel'], r['channel'])}: send {changed} of {name} "
                    f"events and the estimate moves from **{r['current']:.1f}** to **{r['projected']:.1f}**.")
