"""Small shared page helpers: empty states, charts, tables with hashes shortened."""

from __future__ import annotations

import streamlit as st

from audit.outputs.display import mask_hashes
from dashboards import data

SEVERITY_ICONS = {"critical": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}
SEVERITY_COLOURS = {"critical": "red", "warning": "orange", "info": "blue"}
TRY_DEMO = "Try it with the bundled sample: `capi-audit demo`."


def ready(need_audit: bool = True) -> bool:
    """Show the right empty state when there is nothing to read yet; True when the page can read."""
    s = data.status()
    if not s.path:
        st.info("No audit database chosen. Start the dashboard with `capi-audit dashboard --db FILE`. "
                + TRY_DEMO)
        return False
    if not s.exists:
        st.warning(f"`{s.path}` does not exist yet. Create it with "
                   "`capi-audit audit --pixel PIXEL_LOG --capi CAPI_LOG --db FILE`. " + TRY_DEMO)
        return False
    if s.error:
        st.error(f"`{s.path}` cannot be read: {s.error}. Close any other program writing to it and reload.")
        return False
    if not need_audit:
        return True
    if s.events == 0:
        st.info("No events loaded yet. Load your Pixel and Conversions API logs with "
                f"`capi-audit audit --pixel PIXEL_LOG --capi CAPI_LOG --db {s.path}`. " + TRY_DEMO)
        return False
    if not s.audited:
        st.info("These events have not been audited yet. Run "
                f"`capi-audit audit --pixel PIXEL_LOG --capi CAPI_LOG --db {s.path}`, then reload this page.")
        return False
    if s.not_audited:
        loaded = "1 event was" if s.not_audited == 1 else f"{s.not_audited:,} events were"
        st.warning(f"{loaded} loaded after the last audit and {'is' if s.not_audited == 1 else 'are'} not in "
                   f"these numbers yet. Run `capi-audit audit --db {s.path}` (it re-audits only what the new "
                   "events change), then reload this page.")
    return True


NO_MATCH = "Nothing matches these filters. Widen the dates or pick more event names."


def severity_badge(severity: str) -> str:
    """A coloured badge naming the severity, in Streamlit markdown."""
    return f":{SEVERITY_COLOURS.get(severity, 'gray')}-badge[{severity}]"


def nothing(message: str = NO_MATCH) -> None:
    """The empty state for a section whose filtered data is empty."""
    st.info(message)


def chart(fig, key: str | None = None) -> None:
    """A Plotly chart at full width."""
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def table(frame, **kwargs) -> None:
    """A table with every hash shortened to 8 characters."""
    st.dataframe(mask_hashes(frame), hide_index=True, **kwargs)

