"""DuckDB connections for building the warehouse: bounded memory, spilling to disk beyond it."""
from __future__ import annotations

import os
import tempfile

import duckdb

MEMORY_LIMIT = os.environ.get("ETL_DUCKDB_MEMORY", "400MB")


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/etl-duckdb-spill'")
    con.execute("SET preserve_insertion_order = false")
    return con
