"""Match quality: estimated EMQ per event name and channel, its drivers, and a what-if."""

from __future__ import annotations

import streamlit as st

from audit.outputs import charts
from dashboards import data, filters, ui

PARAMETER_LABELS = {
    "em": "E-mail", "ph": "Phone", "fn": "First name", "ln": "Last name", "external_id": "External ID",
    "fbc": "Click ID (fbc)", "fbp": "Browser ID (fbp)", "client_ip_address": "IP address",
    "client_user_agent": "User agent", "ct": "City", "st": "State", "zp": "Zip code", "country": "Country",
    "db": "Date of birth", "ge": "Gender", "ipv6": "IPv6 bonus",
}
WHATIF_PARAMETERS = [p for p in PARAMETER_LABELS if p != "ipv6"]

st.title("Match quality (estimated)")
f = filters.current()
st.caption(f.describe())
if not ui.ready():
    st.stop()
st.caption("Event Match Quality here is **our estimate** from the parameters your events carry, "
           "not the score Meta shows in Events Manager. Meta recommends 6.0 or more.")

with st.spinner("Reading match quality…"):
    mq = data.match_quality(**f.params())
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
points = data.emq_drivers(name, channel, dataset=f.dataset, start=f.start, end=f.end)
drivers = {PARAMETER_LABELS.get(r["parameter"], r["parameter"]): r["points"]
           for r in points.to_dict("records") if r["points"]}
label = charts.CHANNEL_LABELS.get(channel, channel)
ui.chart(charts.emq_drivers(drivers, title=f"{name} · {label}: points per parameter"), key="mq_drivers")
missing = [PARAMETER_LABELS.get(p, p) for p in points["parameter"] if p in PARAMETER_LABELS
           and PARAMETER_LABELS[p] not in drivers]
if missing:
    st.caption("Adds nothing yet: " + ", ".join(missing) + ".")

st.subheader("What if you sent more?")
cov = data.read("parameter_coverage", dataset=f.dataset, start=f.start, end=f.end, names=[name],
                channel="capi")
current = {r["parameter"]: float(r["valid_share"] or 0.0) for r in cov.to_dict("records")}
if not current:
    ui.nothing(f"No server events named {name} to project from.")
    st.stop()
st.caption(f"Move a slider to the share of server {name} events that would carry a valid value.")
overrides: dict[str, float] = {}
cols = st.columns(3)
for i, param in enumerate(p for p in WHATIF_PARAMETERS if p in current):
    now = round(current[param] * 100)
    picked = cols[i % 3].slider(PARAMETER_LABELS[param], 0, 100, now, 5, format="%d%%",
                                key=f"whatif_{name}_{param}")
    if picked != now:
        overrides[param] = picked / 100
with st.spinner("Projecting…"):
    result = data.whatif(name, overrides, dataset=f.dataset, start=f.start, end=f.end)
if result is None:
    st.warning("The what-if projection is not available in this installation.")
    st.stop()
ui.chart(charts.whatif(result), key="mq_whatif")
for r in result:
    if overrides and r.get("current") is not None and r.get("projected") is not None:
        changed = ", ".join(f"{PARAMETER_LABELS[p]} on {v:.0%}" for p, v in overrides.items())
        st.markdown(f"{charts.CHANNEL_LABELS.get(r['channel'], r['channel'])}: send {changed} of {name} "
                    f"events and the estimate moves from **{r['current']:.1f}** to **{r['projected']:.1f}**.")
