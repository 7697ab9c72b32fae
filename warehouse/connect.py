"""Opening a warehouse for reading: an in-memory DuckDB with views over its tables (local or on object storage),
the marts the build wrote when they are current (warehouse/marts.py), else the views of sql/views.sql."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse import marts
from warehouse import object_storage as remote
from warehouse.contract import (
    COLLECTION,
    COLLECTION_SCHEMA,
    COVERAGE,
    COVERAGE_SCHEMA,
    MATCHES,
    MATCHES_SCHEMA,
    TABLES,
    catalogue,
    label_in,
    section_in,
)
from warehouse.db import literal
from warehouse.paths import BEST_COPY_SQL, MACROS_SQL, METRICS_CSV
from warehouse.tables import is_remote, readable, require_published, snapshot, table_source, warehouse_dir


def connect(wh: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with raw views (reports, metrics, checks, metric_labels) and the dashboard views.
    On object storage the views read the Parquet files of one published build in place (that build's files never
    change, so the connection stays consistent while newer builds are published)."""
    wh = wh or warehouse_dir()
    con = duckdb.connect(":memory:")
    con.execute("SET threads=2")
    if is_remote(wh):
        return _connect_remote(con, wh)
    wh = readable(wh)
    for t in TABLES:
        con.execute(f"CREATE VIEW raw_{t} AS SELECT * FROM {table_source(wh, t)}")
    _collection_view(con, wh / f"{COLLECTION}.parquet")
    for name, schema in OPTIONAL.items():
        _optional_view(con, name, schema, wh / f"{name}.parquet")
    _labels_view(con)
    _dashboard_views(con, marts.valid(wh), lambda t: wh / "marts" / f"{t}.parquet")
    return con


def _dashboard_views(con: duckdb.DuckDBPyConnection, marts_valid: bool, mart) -> None:
    """The views the dashboard's queries read: the marts the build wrote (`mart(name)`: a mart's file) when they
    are current (same rows, no per-query cost), else views.sql; then the macros every query uses (the filters,
    the 汇总 rule, the names of codes, the files not parsed whole) and the build's order of preference among
    copies of one report."""
    if marts_valid:
        for t in marts.MARTS:
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet({literal(mart(t))})")
    else:
        con.execute(marts.views_sql())
    con.execute(MACROS_SQL.read_text(encoding="utf-8"))
    con.execute(BEST_COPY_SQL.read_text(encoding="utf-8"))


def _labels_view(con: duckdb.DuckDBPyConnection) -> None:
    """metric_labels (metrics.csv as published) and format_labels: each metric's section and row label as a report
    of each format prints them (warehouse.contract.label_in / section_in), one row per (key, template)."""
    con.execute(
        f"CREATE VIEW metric_labels AS SELECT * FROM read_csv({literal(METRICS_CSV)}, header=true, all_varchar=true)"
    )
    rows = [(d.key, t, section_in(d, t), label_in(d, t)) for d in catalogue().values() for t in d.templates]
    con.register(
        "format_label_rows",
        pa.table({c: [r[i] for r in rows] for i, c in enumerate(("key", "template", "section", "label_zh"))}),
    )
    con.execute("CREATE TABLE format_labels AS SELECT * FROM format_label_rows")  # a table: cursors see it too
    con.unregister("format_label_rows")


def _collection_view(con: duckdb.DuckDBPyConnection, path: Path | str | None) -> None:
    """raw_collection: what `etl collect` found on the agencies' websites (empty when the warehouse was not built
    from a collection). `path`: a local file, or the URL of a published build's file."""
    if path is not None and (isinstance(path, str) or path.exists()):
        con.execute(f"CREATE VIEW raw_collection AS SELECT * FROM read_parquet({literal(path)})")
    else:
        con.register("empty_collection", COLLECTION_SCHEMA.empty_table())  # a table: cursors see it too
        con.execute("CREATE TABLE raw_collection AS SELECT * FROM empty_collection")
        con.unregister("empty_collection")


# tables only a build with a roster writes (etl/roster): raw_<name>, empty without one
OPTIONAL = {COVERAGE: COVERAGE_SCHEMA, MATCHES: MATCHES_SCHEMA}


def _optional_view(con: duckdb.DuckDBPyConnection, name: str, schema, path: Path | str | None) -> None:
    if path is not None and (isinstance(path, str) or path.exists()):
        con.execute(f"CREATE VIEW raw_{name} AS SELECT * FROM read_parquet({literal(path)})")
    else:
        con.register("empty_table", schema.empty_table())
        con.execute(f"CREATE TABLE raw_{name} AS SELECT * FROM empty_table")
        con.unregister("empty_table")


def _connect_remote(con: duckdb.DuckDBPyConnection, wh) -> duckdb.DuckDBPyConnection:
    snap = snapshot(wh)
    if not snap.built:
        require_published(wh)
    remote.register(con, snap.url)
    for t in TABLES:
        con.execute(f"CREATE VIEW raw_{t} AS SELECT * FROM {snap.table_source(t)}")
    name = f"{COLLECTION}.parquet"
    _collection_view(con, remote.join(snap.url, name) if name in snap.files else None)
    for t, schema in OPTIONAL.items():
        _optional_view(con, t, schema, remote.join(snap.url, f"{t}.parquet") if f"{t}.parquet" in snap.files else None)
    _labels_view(con)
    _dashboard_views(con, marts.valid(snap), lambda t: remote.join(snap.url, "marts", f"{t}.parquet"))
    return con
