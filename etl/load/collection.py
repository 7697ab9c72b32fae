"""The link from `etl collect` to the warehouse: which files of a collection folder are reports, the date the
site's list shows for a report that names none itself (`publish_date_source = 'listing'`), and the
`collection` table (one row per source and report year found, or per source where nothing was found), which
the dashboard's 采集 page, the coverage matrix and the scorecard read."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl.collect.store import FILES, MANIFEST, SOURCES, is_collection
from warehouse.contract import COLLECTION, COLLECTION_SCHEMA
from warehouse.db import connect, literal
from warehouse.paths import table_path

TABLE, SCHEMA = COLLECTION, COLLECTION_SCHEMA


def _at(base: Path | None, name: str | Path) -> Path:
    """Where a name relative to `base` (None: the working folder) is read."""
    return Path(base) / name if base is not None else Path(name)


def collections(inputs: list[str], base: Path | None = None) -> list[str]:
    """The collection folders among the inputs: folders `etl collect` wrote, and the folders of files given one by
    one from one (FOLDER/files/ab/<sha256>.pdf, as a rebuild from the dashboard's uploads names them). Relative
    inputs are relative to `base`, and so are the folders named."""
    found = []
    for i in inputs:
        p, at = Path(i), _at(base, i)
        if at.is_dir() and is_collection(at):
            found.append(i)
        elif at.is_file() and len(p.parents) >= 3 and p.parents[1].name == FILES and is_collection(at.parents[2]):
            found.append(str(p.parents[2]))
    return list(dict.fromkeys(found))


def report_files(folder: str, base: Path | None = None) -> list[str]:
    """The files of a collection the build parses (report pages and report attachments), named as the build
    names a folder's files (FOLDER/files/ab/<sha256>.pdf)."""
    rows = pq.read_table(_at(base, folder) / MANIFEST, columns=["path", "is_report"]).to_pylist()
    return sorted(
        {str(Path(folder) / r["path"]) for r in rows if r["is_report"] and (_at(base, folder) / r["path"]).is_file()}
    )


def _entries(folders: list[str], base: Path | None = None) -> pa.Table:
    """(source_file, the entry's source, title, dates) of every report file of the collections."""
    tables = []
    for folder in folders:
        t = pq.read_table(_at(base, folder) / MANIFEST).filter(pa.compute.field("is_report"))
        files = pa.array([str(Path(folder) / p) for p in t.column("path").to_pylist()], pa.string())
        tables.append(
            t.select(["agency", "source_url", "year", "title", "url", "list_date", "page_date"]).append_column(
                "source_file", files
            )
        )
    return pa.concat_tables(tables) if tables else None


def attach(building: Path, inputs: list[str], base: Path | None = None) -> None:
    """Fill `publish_date` from the listing (else the report's page) where the report names none, and write the
    `collection` table. Run on every build, so a date taken from a listing that is no longer an input goes."""
    folders = collections(inputs, base)
    con = connect()
    reports = table_path(building, "reports")
    con.execute(f"CREATE TABLE reports AS SELECT * FROM read_parquet({literal(reports)})")
    con.execute(
        "UPDATE reports SET publish_date = NULL, publish_date_source = NULL "
        "WHERE publish_date_source IN ('listing', 'page')"
    )
    entries = _entries(folders, base)
    if entries is not None:
        con.register("entries", entries)
        con.execute("""
            UPDATE reports SET publish_date = coalesce(e.list_date, e.page_date),
                               publish_date_source = CASE WHEN e.list_date IS NOT NULL THEN 'listing' ELSE 'page' END
            FROM (SELECT source_file, min(list_date) AS list_date, min(page_date) AS page_date
                  FROM entries GROUP BY source_file) e
            WHERE reports.source_file = e.source_file AND reports.publish_date IS NULL
              AND coalesce(e.list_date, e.page_date) IS NOT NULL""")
    con.execute(
        f"COPY (SELECT * FROM reports ORDER BY report_id) TO {literal(reports)} (FORMAT parquet, COMPRESSION zstd)"
    )
    target = building / f"{TABLE}.parquet"
    if entries is None:
        target.unlink(missing_ok=True)
        con.close()
        return
    sources = pa.concat_tables([pq.read_table(_at(base, f) / SOURCES) for f in folders])
    con.register("sources", sources)
    cols = ", ".join(SCHEMA.names)
    con.execute(f"""
        COPY (
            WITH found AS (
                SELECT e.agency, e.source_url, e.year, min(e.title) AS title, min(e.url) AS url,
                       min(e.list_date) AS list_date, min(e.page_date) AS page_date,
                       min(e.source_file) AS source_file,
                       -- the report this entry is counted as (its copy kept when the page and the PDF both hold it)
                       min(coalesce(r.duplicate_of, r.report_id)) AS report_id
                FROM entries e LEFT JOIN reports r USING (source_file)
                GROUP BY ALL
            ), ids AS (
                SELECT e.agency, e.source_url, mode(r.agency_id) AS agency_id
                FROM entries e JOIN reports r USING (source_file) GROUP BY ALL
            )
            SELECT {cols} FROM (
                SELECT s.agency, s.source_url, s.level, s.place, ids.agency_id, s.status, s.error, s.collected_at,
                       f.* EXCLUDE (agency, source_url)
                FROM sources s LEFT JOIN found f USING (agency, source_url) LEFT JOIN ids USING (agency, source_url)
            ) ORDER BY agency, source_url, year
        ) TO {literal(target)} (FORMAT parquet, COMPRESSION zstd)""")
    con.close()
