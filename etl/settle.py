"""The build's second pass: settle flattened digit runs with the same agency's neighbouring years.

A flattened row that splits several ways within the table's own arithmetic is left blank by the first parse.
Once every report is parsed (before the tables are assembled), each report with such a row is parsed again with
the figures of the same agency's reports (same scope) one year before and one year after
(etl/checks/across_years.py); its rows then replace the first parse's. The neighbours only complete rows, never
change or blank a value, and the locator of a row they settled names the years it was checked against. A report
settled here may settle its own neighbours: the pass repeats for them until nothing more settles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from etl.checks.across_years import SETTLED, Neighbours
from etl.executors import Job, parse
from etl.extract.flat import FLAT_MARK
from etl.load.write import SETTLED_DIR, PartWriter
from etl.parse import ParsedReport
from etl.specs import row_cells
from warehouse.db import connect, literal
from warehouse.paths import table_path
from warehouse.sources import real_path

FLAT_LOCATOR = f"%{FLAT_MARK}%"

# cells a cross-year rule reaches (the 历年累计 chain reaches every figure of a table with a cumulative column)
_REACHED = """(basis = 'cumulative' OR metric LIKE 'request.carried_%'
               OR regexp_matches(metric, '[.](prev_items|change|in_force|made|repealed|public_total|published)$'))"""

# reports with a flattened row left blank in a cell a rule reaches, and the same agency's report (same scope)
# either side; several copies of a neighbour (a Word and an HTML version): the best parsed, as finalise ranks them
_BESIDE_SQL = f"""
CREATE TEMP TABLE beside AS
WITH pending AS (
    SELECT r.report_id, r.source_file, r.file_sha256, r.agency_id, r.scope, r.year, r.duplicate_of
    FROM reports r
    WHERE r.agency_id IS NOT NULL AND r.year IS NOT NULL AND r.report_id IN (
        SELECT report_id FROM metrics
        WHERE source = 'table' AND value IS NULL AND locator LIKE $flat AND {_REACHED})
),
candidates AS (
    SELECT p.report_id, p.source_file, p.file_sha256, p.duplicate_of, n.year - p.year AS side, n.year,
           n.report_id AS neighbour, n.template_variant = 'fujian' AS cumulative, n.parse_status, n.file_format
    FROM pending p
    JOIN reports n
      ON n.agency_id = p.agency_id AND n.scope IS NOT DISTINCT FROM p.scope AND n.year IN (p.year - 1, p.year + 1)
    WHERE n.parse_status <> 'failed' AND n.duplicate_of IS NULL
),
filled AS (
    SELECT report_id, count(value) AS n FROM metrics
    WHERE source = 'table' AND report_id IN (SELECT neighbour FROM candidates) GROUP BY report_id
)
SELECT c.* EXCLUDE (parse_status, file_format)
FROM candidates c LEFT JOIN filled f ON f.report_id = c.neighbour
QUALIFY row_number() OVER (PARTITION BY c.report_id, c.side
                           ORDER BY c.parse_status = 'ok' DESC, coalesce(f.n, 0) DESC,
                                    c.file_format IN ('html', 'pdf', 'docx') DESC, c.neighbour) = 1
"""

# the neighbours' figures that a rule may use
_FIGURES_SQL = f"""
SELECT DISTINCT m.report_id, m.metric, m.applicant, m.basis, m.value
FROM metrics m JOIN beside b ON b.neighbour = m.report_id
WHERE m.source = 'table' AND m.value IS NOT NULL AND (b.cumulative OR {_REACHED})
ORDER BY m.report_id
"""


# the neighbours' flattened rows left open (split together with the pending report's; money rows excepted: their
# printed units differ by row)
_OPEN_SQL = f"""
SELECT m.report_id, n.template, n.template_variant, m.locator, any_value(m.raw) AS raw,
       list((m.metric, m.applicant, m.basis)) AS cells
FROM metrics m JOIN (SELECT DISTINCT neighbour FROM beside) b ON b.neighbour = m.report_id
     JOIN reports n ON n.report_id = m.report_id
WHERE m.source = 'table' AND m.value IS NULL AND m.locator LIKE $flat
      AND m.unit IS DISTINCT FROM '万元' AND {_REACHED}
GROUP BY ALL
"""


@dataclass
class Pending:
    source_file: str
    file_sha256: str | None
    duplicate_of: str | None
    neighbours: Neighbours = field(default_factory=Neighbours)
    beside: dict[int, str] = field(default_factory=dict)  # -1 / +1 -> the neighbour's report_id


def pending_reports(building: Path, previous: Path | None, keep_ids: list[str]) -> dict[str, Pending]:
    """report_id -> what the second pass needs, for every report with a blank run and a neighbouring year.
    Reads the build's parts and the previous warehouse's rows of the reports it keeps, before they are assembled."""
    con = connect()
    con.register("keep_ids", pa.table({"report_id": pa.array(keep_ids, pa.string())}))
    for t in ("reports", "metrics"):
        parts = building / "parts" / t
        sources = (
            [f"SELECT * FROM read_parquet({literal(f'{parts}/*.parquet')})"] if any(parts.glob("*.parquet")) else []
        )
        if previous is not None and keep_ids:
            sources.append(
                f"SELECT * FROM read_parquet({literal(table_path(previous, t))}) "
                "WHERE report_id IN (SELECT report_id FROM keep_ids)"
            )
        if not sources:
            con.close()
            return {}
        con.execute(f"CREATE VIEW {t} AS {' UNION ALL BY NAME '.join(sources)}")
    con.execute(_BESIDE_SQL, {"flat": FLAT_LOCATOR})
    beside = con.execute(
        "SELECT report_id, source_file, file_sha256, duplicate_of, side, year, neighbour FROM beside"
    ).fetchall()
    figures: dict[str, dict] = {}
    keys: dict[tuple, tuple] = {}  # one key tuple per cell, shared by every report's figures
    cur = con.execute(_FIGURES_SQL)
    while chunk := cur.fetchmany(50_000):
        for report_id, metric, applicant, basis, value in chunk:
            key = (metric, applicant, basis)
            figures.setdefault(report_id, {})[keys.setdefault(key, key)] = value
    open_rows = _open_rows_read(con)
    con.close()
    out: dict[str, Pending] = {}
    for report_id, source_file, sha256, duplicate_of, side, year, neighbour in beside:
        p = out.setdefault(report_id, Pending(source_file, sha256, duplicate_of))
        p.beside[side] = neighbour
        if neighbour in figures or neighbour in open_rows:
            p.neighbours.set(side, year, figures.get(neighbour, {}), open_rows.get(neighbour))
    return out


def _open_rows_read(con) -> dict[str, list[tuple[tuple, str]]]:
    """report_id -> its open flattened rows: (cells in printed order, the digits as printed)."""
    out: dict[str, list] = {}
    for report_id, template, variant, _, raw, cells in con.execute(_OPEN_SQL, {"flat": FLAT_LOCATOR}).fetchall():
        row = row_cells(template, variant, tuple(cells[0]))
        if row is not None and raw:
            out.setdefault(report_id, []).append((row, raw))
    return out


def settle_across_years(
    building: Path,
    previous: Path | None,
    keep_ids: list[str],
    jobs: int,
    executor: str = "local",
    scheduler: str | None = None,
    base: Path | None = None,
) -> list[str]:
    """Parse again the reports whose blank runs the neighbouring years may settle, until no more settle (a settled
    report may settle its neighbours, and be settled further by them), on the build's executor. Their new rows
    are written as parts under building/SETTLED_DIR; returns their ids, whose first rows `assemble` then leaves
    out. `base`: the folder the stored names of relative inputs are relative to (None: the working folder)."""
    pending = pending_reports(building, previous, keep_ids)
    writer = PartWriter(building / SETTLED_DIR)
    filled: dict[str, int] = {}  # settled report -> table values in its latest parse
    held: dict[str, ParsedReport] = {}  # settled, but with cells still open: may settle further
    frontier = [r for r, p in pending.items() if p.neighbours.prev or p.neighbours.next or p.neighbours.open_rows]
    while frontier:
        by_file = {pending[r].source_file: r for r in frontier}
        complete: dict[str, tuple[int, dict]] = {}  # settled further in this round: year, all table figures
        files = [_job(pending[r], base) for r in frontier]
        for parsed in parse(files, jobs, executor, scheduler):
            report_id = by_file[parsed.report["source_file"]]
            if parsed.report["parse_status"] == "failed" or not any(SETTLED in m.locator for m in parsed.metrics):
                continue
            figures = {
                (m.metric, m.applicant, m.basis): m.value
                for m in parsed.metrics
                if m.source == "table" and m.value is not None
            }
            if len(figures) <= filled.get(report_id, 0):
                continue
            parsed.report.update(report_id=report_id, duplicate_of=pending[report_id].duplicate_of)
            parsed.report.pop("_traceback", None)
            filled[report_id] = len(figures)
            complete[report_id] = (parsed.report["year"], figures)
            if _still_open(parsed):
                held[report_id] = parsed
            else:
                held.pop(report_id, None)
                writer.add(parsed.report, parsed.metrics, parsed.checks)
        frontier = []
        for report_id, p in pending.items():
            moved = [(side, complete[n]) for side, n in p.beside.items() if n in complete]
            if not moved or (report_id in filled and report_id not in held):
                continue
            for side, (year, figures) in moved:  # the neighbour's figures, now more complete
                p.neighbours.set(side, year, figures)
            frontier.append(report_id)
    for parsed in held.values():
        writer.add(parsed.report, parsed.metrics, parsed.checks)
    writer.flush()
    return sorted(filled)


def _job(p: Pending, base: Path | None) -> Job:
    """The stored name, read where it is, with the hash the first pass made of it."""
    path = real_path(p.source_file, base)
    return Job(p.source_file, str(Path(base) / path) if base else path, p.file_sha256, p.neighbours)


def _still_open(parsed: ParsedReport) -> bool:
    return any(m.value is None and m.source == "table" and FLAT_MARK in m.locator for m in parsed.metrics)
