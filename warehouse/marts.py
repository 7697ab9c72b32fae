"""Derived tables for the dashboard, written at the end of a build into `DIR/marts/` (outside the contract's tables).

They are the dashboard's views (`rep`, `mv`, `kpi` of warehouse/sql/views.sql) computed once per build instead of on
every query:

- `marts/fig.parquet`: one row per counted report, one column per figure a list page shows (channels, staffing,
  section 二 items, applicants, outcomes, requests, 复议诉讼, failed checks);
- `marts/rep.parquet`: one row per counted report, with its Chinese labels and the columns of fig, so a page of a
  list, its count and a sum over years each read this one table;
- `marts/mv.parquet`: this year's value per report × metric × applicant, sorted by metric so that a query on a few
  metrics reads only their row groups;
- `marts/kpi.parquet`: the headline measures per report;
- `marts/outc.parquet`, `marts/req.parquet`: request outcomes and request figures per report;
- `marts/fails.parquet`: the failed checks only;
- `marts/opts.parquet`: the values the dashboard's global filters offer;
- `marts/labels.parquet`: the one vocabulary (warehouse/vocabulary.csv: code kind, code, Chinese label, rank).

The SQL is warehouse/sql/views.sql itself (a Jinja template: fig's columns are written from metrics.csv, see
views_sql()), so marts and views cannot drift apart. `marts/manifest.json` records the hash of that SQL and the size
and footer digest of every table file; `warehouse.connect.connect()` uses the marts only while both
match and falls back to the views otherwise (an older warehouse, views.sql changed, a table rewritten since).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import jinja2

from warehouse import db, object_storage
from warehouse.contract import APPLICANTS, TABLES, catalogue, vocabulary
from warehouse.db import literal
from warehouse.paths import VIEWS_SQL
from warehouse.tables import table_source

MARTS = ("labels", "mv", "kpi", "outc", "req", "fails", "fig", "rep", "opts")
# mv is read by metric: small row groups let a query skip the metrics it does not ask for
_ORDER = {
    "labels": "kind, rank",
    "rep": "year, report_id",
    "mv": "metric, report_id, applicant",
    "kpi": "report_id",
    "outc": "report_id, category",
    "req": "report_id",
    "fails": "report_id, rule",
    "fig": "report_id",
    "opts": "level_rank, agency_id, year",
}
_ROW_GROUP = {
    "labels": 122_880,
    "rep": 122_880,
    "mv": 16_384,
    "kpi": 122_880,
    "outc": 122_880,
    "req": 122_880,
    "fails": 122_880,
    "fig": 122_880,
    "opts": 122_880,
}


def sources(wh: Path) -> dict:
    """Size and a digest of the footer of every file of the contract's tables: a mart is stale once any of them
    changed. The footer holds Parquet's metadata (row counts, column statistics), so a rewritten table shows there,
    while a copy of the folder (cp -r, rsync, a download) keeps it, unlike mtimes."""
    out = {}
    for t in TABLES:
        single = Path(wh) / f"{t}.parquet"
        files = [single] if single.exists() else sorted((Path(wh) / t).rglob("*.parquet"))
        for f in files:
            size = f.stat().st_size
            with open(f, "rb") as fh:
                fh.seek(max(0, size - FOOTER_BYTES))
                out[str(f.relative_to(wh))] = [size, hashlib.sha256(fh.read()).hexdigest()[:16]]
    return out


FOOTER_BYTES = 1 << 16


def views_sql() -> str:
    """The dashboard views' SQL: warehouse/sql/views.sql rendered with the figure columns of metrics.csv (each metric's
    `figure` column, grouped by its `figure_group` in the catalogue's order) and the applicant columns of the
    contract, the way a dbt model writes its pivot with a loop over the values."""
    groups: dict[str, dict[str, list[str]]] = {}
    for key, m in catalogue().items():
        if m.figure:
            groups.setdefault(m.figure_group, {}).setdefault(m.figure, []).append(key)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["sql"] = lambda text: "'" + str(text).replace("'", "''") + "'"
    env.filters["in_list"] = lambda keys: "(" + ", ".join(env.filters["sql"](k) for k in keys) + ")"
    return env.from_string(VIEWS_SQL.read_text(encoding="utf-8")).render(
        figure_groups=[
            {"name": name, "metrics": [k for ks in figures.values() for k in ks], "figures": list(figures.items())}
            for name, figures in groups.items()
        ],
        applicants=[a for a in APPLICANTS if a != "total"],
        vocabulary=[
            (kind, code, zh, rank)
            for kind, codes in vocabulary().items()
            for rank, (code, zh) in enumerate(codes.items())
        ],
    )


def views_hash() -> str:
    return hashlib.sha256(views_sql().encode()).hexdigest()[:16]


def write_marts(folder: Path, names: tuple[str, ...] = MARTS) -> None:
    """Write DIR/marts/*.parquet from the finalised tables in `folder` (`names`: only these marts, the manifest
    left to write_manifest(); benchmarks' direct warehouse replicates the others)."""
    folder = Path(folder)
    out = folder / "marts"
    out.mkdir(exist_ok=True)
    con = db.connect()  # bounded memory (ETL_DUCKDB_MEMORY_MB) at any corpus size: the sorts spill to disk
    for t in TABLES:
        con.execute(f"CREATE VIEW raw_{t} AS SELECT * FROM {table_source(folder, t)}")
    con.execute(views_sql())
    for name in MARTS:  # marts already written (and not asked for): read from their files
        if name not in names and (out / f"{name}.parquet").is_file():
            con.execute(
                f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({literal(out / f'{name}.parquet')})"
            )
    for name in names:
        copy = (
            f"COPY (SELECT * FROM {name} ORDER BY {_ORDER[name]}) TO {literal(out / f'{name}.parquet')} "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {_ROW_GROUP[name]})"
        )
        try:
            con.execute(copy)
        except duckdb.OutOfMemoryException:
            # rep at a million reports (wide rows, joins over every report) does not fit two threads' buffers in
            # the limit; one thread does (slower), before db.with_memory_headroom would raise the limit itself
            con.execute("SET threads = 1")
            con.execute(copy)
            con.execute("SET threads = 2")
        # the marts after it read this one from the file just written (mv: not the window again)
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({literal(out / f'{name}.parquet')})")
    con.close()
    if names == MARTS:
        write_manifest(folder)


def write_manifest(folder: Path) -> None:
    """Record that DIR/marts was written from the current views.sql and from the tables as they are now."""
    (Path(folder) / "marts" / "manifest.json").write_text(
        json.dumps({"views_sql": views_hash(), "tables": list(MARTS), "sources": sources(folder)}, indent=1)
    )


def valid(wh: Path) -> bool:
    """True when `wh/marts` holds every mart, written from the current warehouse/sql/views.sql and from the tables as
    they are now (a table rewritten outside a build makes the marts stale). `wh` may also be a warehouse on
    object storage (a URL or an object_storage.Snapshot), checked by table sizes there."""
    if isinstance(wh, object_storage.Snapshot) or object_storage.is_remote(wh):
        return object_storage.marts_valid(wh, views_hash(), MARTS)
    try:
        m = json.loads((Path(wh) / "marts" / "manifest.json").read_text())
        return (
            m.get("views_sql") == views_hash()
            and m.get("sources") == sources(wh)
            and all((Path(wh) / "marts" / f"{t}.parquet").is_file() for t in MARTS)
        )
    except (OSError, ValueError):
        return False
