"""Make sure pages always run inside dashboard.py's router (st.navigation), even when a URL such as /channels is
the very first request a fresh server sees.

Streamlit keeps a process-wide flag (PagesManager.uses_pages_directory) that starts True when a pages/ folder
exists; while it is True a direct /<page> request runs pages/<page>.py on its own (legacy multipage mode), with
no global filters and no navigation. The flag turns False for good once st.navigation has run, so a page that
finds itself in legacy mode clears it and reruns: the rerun goes through dashboard.py and lands on the same page,
with the same URL query params."""

from __future__ import annotations

import importlib
import threading

import streamlit as st

# imported whole, once, before any page of any session runs: two sessions importing pandas at the same moment
# (polars' to_pandas imports it lazily) can see a half-initialised module
HEAVY_MODULES = ("pyarrow", "pandas", "polars", "altair", "duckdb", "vl_convert")
_imports = threading.Lock()
_imported = threading.Event()


def finish_heavy_imports() -> None:
    """Import the heavy libraries under one lock; every session's first run waits here until they are in."""
    if _imported.is_set():
        return
    with _imports:
        if not _imported.is_set():
            for name in HEAVY_MODULES:
                importlib.import_module(name)
            _imported.set()


def _legacy() -> bool:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode
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
