"""capi-audit dashboard: a thin router over the pages; run with `capi-audit dashboard --db FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT.parent) not in sys.path:  # `streamlit run` puts only this folder on the path
    sys.path.insert(0, str(ROOT.parent))

from dashboards import filters, gate  # noqa: E402

PAGES = [
    st.Page(ROOT / "pages" / "overview.py", title="Overview", icon="🏠", url_path="overview", default=True),
    st.Page(ROOT / "pages" / "deduplication.py", title="Deduplication", icon="🔁"),
    st.Page(ROOT / "pages" / "match_quality.py", title="Match quality", icon="🎯"),
    st.Page(ROOT / "pages" / "parameters.py", title="Parameters", icon="🧩"),
    st.Page(ROOT / "pages" / "timing.py", title="Timing and delivery", icon="⏱️", url_path="timing"),
    st.Page(ROOT / "pages" / "findings.py", title="Findings explorer", icon="🔎"),
    st.Page(ROOT / "pages" / "loads.py", title="Data", icon="🗂️", url_path="data"),
]

st.set_page_config(page_title="capi-audit", page_icon="📊", layout="wide")
gate.check()
page = st.navigation(PAGES)
if filters.data.status().events:
    filters.sidebar()
page.run()
