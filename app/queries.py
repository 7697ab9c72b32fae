"""Named, parameterised queries. SQL lives in app/sql/<name>.sql; results are Polars frames cached per
warehouse version, so a rebuild invalidates them. Pages call `run(name, filters, **params)` for small results and
`run_page(name, filters, **params)` for lists: the first PAGE_ROWS rows in the query's own order (LIMIT in SQL) and
the total row count; `run_all()` fetches every row of a list, only when a download asks for it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import polars as pl
import streamlit as st

from app import warehouse

SQL_DIR = Path(__file__).resolve().parent / "sql"
# the files of SQL_DIR that define the views and the macros the queries share (app/warehouse.py runs them), not named queries
DEFINITIONS = ("views", "macros", "best_copy")
# rows of a list a page shows (and the benchmark fetches): a table of the first PAGE_ROWS rows, the total beside it
PAGE_ROWS = 500
# the named queries that list one row per report (or per report and kind, per check, per agency and year); the
# pages run them through run_page(), never unpaged (a download does, through run_all())
PAGED = (
    "applicants",
    "channels",
    "failed_by_report",
    "failed_checks",
    "new_format_items",
    "outcomes",
    "problem_reports",
    "report_list",
    "requests",
    "review_litigation",
    "staffing",
)
# parameters a named query takes when the page does not give them (NULL: all rules; the latest year)
DEFAULT_PARAMS = {
    "coverage": {"agencies": 30},
    "failed_checks": {"rule": None},
    "headline_change": {"year": None},
    "peers": {"year": None},
    "report_list": {"report_id": None},
    "collection": {"year": None},
}


@dataclass(frozen=True)
class Filters:
    years: tuple[int, ...] = ()
    provinces: tuple[str, ...] = ()
    prefectures: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    scope: str = "all"  # all | self | aggregate

    def params(self) -> dict:
        """The `$filters` struct of the selected()/counted() macros (app/sql/macros.sql): NULL where not set."""
        out = {f.name: list(getattr(self, f.name)) or None for f in fields(self) if f.name != "scope"}
        out["scope"] = self.scope if self.scope in ("self", "aggregate") else None
        return out


def sql_text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file() or path.parent != SQL_DIR or name in DEFINITIONS:
        raise KeyError(f"no such query: {name}")
    return path.read_text(encoding="utf-8")


@st.cache_resource(show_spinner=False)
def _root_connection(wh: str, version: str):
    return warehouse.connect(Path(wh))


def compose(name: str, filters: Filters, params: dict | None = None, limit: int | None = None) -> tuple[str, dict]:
    """The SQL text and parameters of a named query under the global filters; `limit` keeps its first rows (a
    LIMIT after the query's own ORDER BY, so DuckDB keeps a top-N instead of sorting every row)."""
    body = sql_text(name)
    params = {**DEFAULT_PARAMS.get(name, {}), **(params or {})}
    if "$filters" in body:
        params["filters"] = filters.params()
    if limit is not None:
        body = body.rstrip().rstrip(";") + f"\nLIMIT {int(limit)}"
    return body, params


def _sql(con, sql: str, params: dict) -> pl.DataFrame:
    cur = con.cursor()
    try:
        return cur.sql(sql, params=params or None).pl()
    finally:
        cur.close()


def execute(con, name: str, filters: Filters, params: dict | None = None, limit: int | None = None) -> pl.DataFrame:
    """Run a named query on a connection from `warehouse.connect()`: the path every page takes (and the benchmark)."""
    return _sql(con, *compose(name, filters, params, limit))


def execute_page(
    con, name: str, filters: Filters, params: dict | None = None, limit: int = PAGE_ROWS
) -> tuple[pl.DataFrame, int]:
    """The first `limit` rows of a list and its total row count (counted apart only when the page is full)."""
    df = execute(con, name, filters, params, limit)
    if df.height < limit:
        return df, df.height
    sql, all_params = compose(name, filters, params)
    return df, int(_sql(con, f"SELECT count(*) AS n FROM (\n{sql.rstrip().rstrip(';')}\n) q", all_params).item())


def _run_uncached(wh: str, version: str, name: str, filters: Filters, params: tuple) -> pl.DataFrame:
    return execute(_root_connection(wh, version), name, filters, dict(params))


@st.cache_data(show_spinner=False, max_entries=256)
def _page_cached(
    wh: str, version: str, name: str, filters: Filters, params: tuple, limit: int
) -> tuple[pl.DataFrame, int]:
    return execute_page(_root_connection(wh, version), name, filters, dict(params), limit)


def run_page(name: str, filters: Filters | None = None, limit: int = PAGE_ROWS, **params) -> tuple[pl.DataFrame, int]:
    """A list query as a page shows it: (its first `limit` rows, the total number of rows)."""
    wh = warehouse.warehouse_dir()
    return _page_cached(
        str(wh), warehouse.version(wh), name, filters or Filters(), tuple(sorted(params.items())), limit
    )


def run_all(name: str, filters: Filters | None = None, **params) -> pl.DataFrame:
    """Every row of a list, uncached: what a download button fetches when it is clicked."""
    wh = warehouse.warehouse_dir()
    return _run_uncached(str(wh), warehouse.version(wh), name, filters or Filters(), tuple(sorted(params.items())))


@st.cache_data(show_spinner=False, max_entries=512)
def _run_cached(wh: str, version: str, name: str, filters: Filters, params: tuple) -> pl.DataFrame:
    return _run_uncached(wh, version, name, filters, params)


def run(name: str, filters: Filters | None = None, **params) -> pl.DataFrame:
    """Run the named query over the current warehouse with the global filters and named parameters."""
    wh = warehouse.warehouse_dir()
    return _run_cached(str(wh), warehouse.version(wh), name, filters or Filters(), tuple(sorted(params.items())))


def clear() -> None:
    _run_cached.clear()
    _page_cached.clear()
