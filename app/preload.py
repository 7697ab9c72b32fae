"""The heavy libraries imported whole, once, before any page of any session runs: two sessions importing pandas at
the same moment (polars' to_pandas imports it lazily) can see a half-initialised module."""

from __future__ import annotations

import importlib
import os
import threading

# one Polars thread pool for the whole server, shared by every session (read when polars is first imported):
# as many threads as cores, at most 4, so that many sessions' small queries do not oversubscribe the machine
os.environ.setdefault("POLARS_MAX_THREADS", str(min(4, os.cpu_count() or 1)))

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
