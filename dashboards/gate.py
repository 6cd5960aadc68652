"""Optional password for a shared deployment ($CAPI_AUDIT_PASSWORD or `capi-audit dashboard --password`)."""

from __future__ import annotations

import hmac
import os

import streamlit as st

PASSWORD_ENV = "CAPI_AUDIT_PASSWORD"


def check() -> None:
    """Stop the page until the right password is entered, when a password is set."""
    expected = os.environ.get(PASSWORD_ENV)
    if not expected or st.session_state.get("authenticated"):
        return
    st.title("capi-audit")
    given = st.text_input("Password", type="password", key="password")
    if given and hmac.compare_digest(given.encode(), expected.encode()):
        st.session_state["authenticated"] = True
        del st.session_state["password"]
        st.rerun()
    if given:
        st.error("Wrong password.")
    st.stop()
