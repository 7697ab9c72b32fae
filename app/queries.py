"""Named, parameterised queries. SQL lives in app/sql/<name>.sql; results are Polars frames cached per
warehouse version, so a rebuild invalidates them. Pages call `run(name, filters, **params)` for small results and
`run_page(name, filters, **params)` for lists: the first PAGE_ROWS rows in the query's own order (LIMIT in SQL) and
the total row count; `run_all()` fetches every row of a list, only when a download asks for it.

A user whose record names a province or prefecture sees only its reports, on every page: the router sets the
session's region (`limit_to`) once per run, every query's Filters carry it whatever the page passed, and a limited
query runs on a connection whose every table and view holds only that region's rows (`restrict`), so a query that
reads `rep`, `raw_metrics` or a report by its id alike cannot reach another region's reports."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from app import warehouse

SQL_DIR = Path(__file__).resolve().parent / "sql"
# every file of SQL_DIR is a named query; the views and macros they share are warehouse/sql/ (warehouse.connect runs them)
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
    "report_sources",
    "requests",
    "review_litigation",
    "staffing",
)
# parameters a named query takes when the page does not give them (NULL: all rules; the latest year; no agency
# marked abolished or merged: audit/fates.py)
DEFAULT_PARAMS = {
    "coverage": {"agencies": 30, "fates": "[]"},
    "roster_matrix": {"agencies": 30},
    "coverage_summary": {"fates": "[]"},
    "failed_checks": {"rule": None},
    "headline_change": {"year": None},
    "peers": {"year": None},
    "report_list": {"report_id": None},
    "collection": {"year": None},
}


@dataclass(frozen=True)
class Region:
    """The province (and prefecture) a user is limited to; empty: every report."""

    province: str | None = None
    prefecture: str | None = None

    def __bool__(self) -> bool:
        return bool(self.province or self.prefecture)


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
    region: Region = Region()  # the signed-in user's limit: applied to the connection (restrict), not here

    def params(self) -> dict:
        """The `$filters` struct of the selected()/counted() macros (warehouse/sql/macros.sql): NULL where not set."""
        out = {f.name: list(getattr(self, f.name)) or None for f in fields(self) if f.name not in ("scope", "region")}
        out["scope"] = self.scope if self.scope in ("self", "aggregate") else None
        return out


def sql_text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file() or path.parent != SQL_DIR:
        raise KeyError(f"no such query: {name}")
    return path.read_text(encoding="utf-8")


@st.cache_resource(show_spinner=False)
def _root_connection(wh: str, version: str, region: Region = Region()):
    con = warehouse.connect(Path(wh))
    if region:
        restrict(con, region)
    return con


# objects of a connection that hold no report, agency or place (the metric catalogue, the vocabulary): left whole
# by restrict()
UNPLACED = ("metric_labels", "format_labels", "labels")
# objects limited by their place, not their reports: the roster's coverage names agencies that never reported
BY_PLACE = ("raw_coverage",)


def restrict(con, region: Region) -> None:
    """Limit every table and view of a `warehouse.connect()` connection to the reports of `region`: each object is
    renamed to all_<name> and replaced by a view of its region's rows — by report_id (a collection row without a
    report by its agency), else by province and prefecture, else by agency. Views read the others by name, so they
    see the limited ones too. An object with none of these columns stops the connection (never left whole unseen)."""

    def lit(v: str) -> str:
        return "'" + v.replace("'", "''") + "'"

    objects = con.execute(
        "SELECT table_name, list(column_name) FROM information_schema.columns WHERE table_schema = 'main' "
        "GROUP BY table_name"
    ).fetchall()
    kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
    for name, _ in objects:
        what = "VIEW" if kinds[name] == "VIEW" else "TABLE"
        con.execute(f'ALTER {what} "{name}" RENAME TO "all_{name}"')
    place = [f"province = {lit(region.province)}"] if region.province else []
    place += [f"prefecture = {lit(region.prefecture)}"] if region.prefecture else []
    con.execute("CREATE TABLE region_reports AS SELECT report_id FROM all_raw_reports WHERE " + " AND ".join(place))
    in_reports = "report_id IN (SELECT report_id FROM region_reports)"
    in_agencies = "agency_id IN (SELECT agency_id FROM region_agencies)"
    con.execute("CREATE TABLE region_agencies (agency_id VARCHAR)")  # filled last, from the limited rep
    views = []
    for name, columns in objects:
        cols = set(columns)
        if name in BY_PLACE:
            where = " AND ".join(place)
        elif "report_id" in cols and "agency_id" in cols:
            where = f"{in_reports} OR (report_id IS NULL AND {in_agencies})"
        elif "report_id" in cols:
            where = in_reports
        elif {"province", "prefecture"} <= cols:
            where = " AND ".join(place)
        elif "agency_id" in cols:
            where = in_agencies
        elif name in UNPLACED:
            where = "TRUE"
        else:
            raise RuntimeError(f"cannot limit {name} to a region: it has no report, place or agency column")
        views.append(f'CREATE VIEW "{name}" AS SELECT * FROM "all_{name}" WHERE {where}')
    # a view is bound when it is created: with views.sql (no marts) all_rep reads raw_reports, so the objects a
    # view reads come first — created in passes until none is left
    while views:
        left = []
        for sql in views:
            try:
                con.execute(sql)
            except duckdb.CatalogException:
                left.append(sql)
        if len(left) == len(views):
            raise RuntimeError(f"cannot limit to a region: {left[0]}")
        views = left
    con.execute("INSERT INTO region_agencies SELECT DISTINCT agency_id FROM rep")


def limit_to(region: Region) -> None:
    """The region every query of this session is limited to (the router sets it once per run, from the login)."""
    st.session_state["_region"] = region


def session_region() -> Region:
    try:
        return st.session_state.get("_region") or Region()
    except Exception:  # outside a Streamlit session (a script, a test): no login, no limit
        return Region()


def _limited(filters: Filters | None) -> Filters:
    """The page's filters with the session's region, whatever the page passed (a page cannot widen it)."""
    return replace(filters or Filters(), region=session_region())


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
    return execute(_root_connection(wh, version, filters.region), name, filters, dict(params))


@st.cache_data(show_spinner=False, max_entries=256)
def _page_cached(
    wh: str, version: str, name: str, filters: Filters, params: tuple, limit: int
) -> tuple[pl.DataFrame, int]:
    return execute_page(_root_connection(wh, version, filters.region), name, filters, dict(params), limit)


def run_page(name: str, filters: Filters | None = None, limit: int = PAGE_ROWS, **params) -> tuple[pl.DataFrame, int]:
    """A list query as a page shows it: (its first `limit` rows, the total number of rows)."""
    wh = warehouse.warehouse_dir()
    return _page_cached(str(wh), warehouse.version(wh), name, _limited(filters), tuple(sorted(params.items())), limit)


def run_all(name: str, filters: Filters | None = None, **params) -> pl.DataFrame:
    """Every row of a list, uncached: what a download button fetches when it is clicked."""
    wh = warehouse.warehouse_dir()
    return _run_uncached(str(wh), warehouse.version(wh), name, _limited(filters), tuple(sorted(params.items())))


@st.cache_data(show_spinner=False, max_entries=512)
def _run_cached(wh: str, version: str, name: str, filters: Filters, params: tuple) -> pl.DataFrame:
    return _run_uncached(wh, version, name, filters, params)


def run(name: str, filters: Filters | None = None, **params) -> pl.DataFrame:
    """Run the named query over the current warehouse with the global filters and named parameters."""
    wh = warehouse.warehouse_dir()
    return _run_cached(str(wh), warehouse.version(wh), name, _limited(filters), tuple(sorted(params.items())))


def clear() -> None:
    _run_cached.clear()
    _page_cached.clear()


# the full-text search: at most this many reports listed, a phrase of at most this many characters
SEARCH_ROWS = 200
# a search reads the text of every report of its selection (cached per report): at most this many at once
SEARCH_REPORTS = 5000
# not a named query of the warehouse (the loops over SQL_DIR skip a subfolder): it reads the texts read for a search
TEXT_SEARCH_SQL = SQL_DIR / "fulltext" / "text_search.sql"
PHRASE_MAX = 50


@dataclass(frozen=True)
class TextHits:
    """What a full-text search found: the first SEARCH_ROWS reports holding the phrase (text_search.sql), how many
    reports hold it, how many were searched, and how many of the selection have no readable text here."""

    rows: pl.DataFrame
    total: int
    searched: int
    unread: int
    in_selection: int = 0  # reports of the selection; over SEARCH_REPORTS nothing is searched


def search_text(phrase: str, filters: Filters | None = None, context: int = 30) -> TextHits:
    """The reports of the selection (region-limited, like every query) whose full text holds `phrase`."""
    from app import report_text

    phrase = report_text.normalise(phrase)[:PHRASE_MAX]
    sources, n = run_page("report_sources", filters, limit=SEARCH_REPORTS)
    if n > SEARCH_REPORTS:
        return TextHits(pl.DataFrame(), 0, 0, 0, n)
    texts = pl.DataFrame(
        {
            "report_id": sources["report_id"],
            "text": [
                report_text.text_of(*r) for r in sources.select("report_id", "source_file", "file_format").iter_rows()
            ],
        },
        schema={"report_id": pl.Utf8, "text": pl.Utf8},
    ).drop_nulls("text")
    con = duckdb.connect(":memory:")
    try:
        con.register("sources", sources)
        con.register("texts", texts)
        hits = con.sql(
            TEXT_SEARCH_SQL.read_text(encoding="utf-8"), params={"phrase": phrase, "context": int(context)}
        ).pl()
    finally:
        con.close()
    return TextHits(hits.head(SEARCH_ROWS), hits.height, texts.height, sources.height - texts.height, n)
