"""Make sure pages always run inside dashboard.py's router (st.navigation), even when a URL such as /channels is
the very first request a fresh server sees.

Streamlit keeps a process-wide flag (PagesManager.uses_pages_directory) that starts True when a pages/ folder
exists; while it is True a direct /<page> request runs pages/<page>.py on its own (legacy multipage mode), with
no global filters and no navigation. The flag turns False for good once st.navigation has run, so a page that
finds itself in legacy mode clears it and reruns: the rerun goes through dashboard.py and lands on the same page,
with the same URL query params."""
from __future__ import annotations

import streamlit as st


def _legacy() -> bool:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:          # a Streamlit without the legacy mode
        return False
    return bool(getattr(PagesManager, "uses_pages_directory", False))


def leave_legacy_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager
    PagesManager.uses_pages_directory = False


def ensure_router() -> None:
    """Call first thing in every page."""
    if _legacy():
        leave_legacy_mode()
        st.rerun()
