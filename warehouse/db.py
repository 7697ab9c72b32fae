"""DuckDB connections for building the warehouse: bounded memory, spilling to disk beyond it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import TypeVar

import duckdb

MEMORY_LIMIT_MB = int(os.environ.get("ETL_DUCKDB_MEMORY_MB", "500"))
_limit_mb = MEMORY_LIMIT_MB
T = TypeVar("T")


def literal(value) -> str:
    """A path (or any value) as a quoted SQL string literal: an apostrophe in a folder name is doubled, so it
    reaches DuckDB as data and never as SQL (COPY … TO and table functions take no bound parameters)."""
    return "'" + str(value).replace("'", "''") + "'"


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"SET memory_limit = '{_limit_mb}MB'")
    con.execute(f"SET temp_directory = {literal(tempfile.gettempdir() + '/etl-duckdb-spill')}")
    con.execute("SET preserve_insertion_order = false")
    return con


def with_memory_headroom(step: Callable[..., T], *args, **kwargs) -> T:
    """Run a warehouse step within the memory limit; if DuckDB cannot fit it even by spilling, run it again
    with four times the limit rather than fail the build."""
    global _limit_mb
    try:
        return step(*args, **kwargs)
    except duckdb.OutOfMemoryException:
        _limit_mb = MEMORY_LIMIT_MB * 4
        try:
            return step(*args, **kwargs)
        finally:
            _limit_mb = MEMORY_LIMIT_MB
