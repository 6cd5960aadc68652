"""capi-audit dashboard: a thin router over the pages; run with `capi-audit dashboard --db FILE`.

The pages live in app_pages/, not pages/: a folder named pages/ beside the main script switches
Streamlit to its older directory-based navigation, which skips this router.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT.parent) not in sys.path:  # `streamlit run` puts only this folder on the path
    sys.path.insert(0, str(ROOT.parent))

from dashboards import filters, gate  # noqa: E402

PAGE_DIR = ROOT / "app_pages"
PAGES = [
    st.Page(PAGE_DIR / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page(PAGE_DIR / "deduplication.py", title="Deduplication", icon=":material/join_inner:"),
    st.Page(PAGE_DIR / "match_quality.py", title="Match quality", icon=":material/target:"),
    st.Page(PAGE_DIR / "parameters.py", title="Parameters", icon=":material/checklist:"),
    st.Page(PAGE_DIR / "timing.py", title="Timing and delivery", icon=":material/schedule:",
            url_path="timing"),
    st.Page(PAGE_DIR / "findings.py", title="Findings explorer", icon=":material/search:"),
    st.Page(PAGE_DIR / "loads.py", title="Data", icon=":material/folder_open:", url_path="data"),
]

st.set_page_config(page_title="capi-audit", page_icon=":material/analytics:", layout="wide")
gate.check()
page = st.navigation(PAGES)
if filters.data.status().events:
    filters.sidebar()
page.run()
