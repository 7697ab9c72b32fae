"""The build's second pass: settle flattened digit runs with the same agency's neighbouring years.

A flattened row that splits several ways within the table's own arithmetic is left blank by the first parse.
Once every report is parsed (before the tables are assembled), each report with such a row is parsed again with
the figures of the same agency's reports (same scope) one year before and one year after
(etl/checks/across_years.py); its rows then replace the first parse's. The neighbours only complete rows, never change or blank a value, and the locator of a
row they settled names the years it was checked against. A report settled here may settle its own neighbours:
the pass repeats for them until nothing more settles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from etl.checks.across_years import SETTLED, Neighbours
from etl.executors import run_local
from etl.parse import ParsedReport
from etl.warehouse.db import connect
from etl.warehouse.write import SETTLED_DIR, PartWriter, table_path

FLAT_LOCATOR = "%（表格文字连排）%"

# reports with a flattened row left blank, and the figures of the same agency's report (same scope) either side
_NEIGHBOURS_SQL = """
WITH pending AS (
    SELECT r.report_id, r.source_file, r.agency_id, r.scope, r.year, r.duplicate_of
    FROM reports r
    WHERE r.agency_id IS NOT NULL AND r.year IS NOT NULL AND r.report_id IN (
        SELECT report_id FROM metrics
        WHERE source = 'table' AND value IS NULL AND locator LIKE $flat
          AND (basis = 'cumulative' OR metric LIKE 'request.carried_%'            -- cells a cross-year rule reaches
               OR regexp_matches(metric, '[.](prev_items|change|in_force|made|repealed)$')))
),
filled AS (
    SELECT report_id, count(value) AS n FROM metrics WHERE source = 'table' GROUP BY report_id
),
beside AS (        -- several copies of a neighbour (a Word and an HTML version): the best parsed, as finalise ranks them
    SELECT p.report_id AS target, n.report_id AS neighbour, n.year - p.year AS side, n.year
    FROM pending p
    JOIN reports n
      ON n.agency_id = p.agency_id AND n.scope IS NOT DISTINCT FROM p.scope AND n.year IN (p.year - 1, p.year + 1)
    LEFT JOIN filled f ON f.report_id = n.report_id
    WHERE n.parse_status <> 'failed' AND n.duplicate_of IS NULL
    QUALIFY row_number() OVER (PARTITION BY p.report_id, side
                               ORDER BY n.parse_status = 'ok' DESC, coalesce(f.n, 0) DESC,
                                        n.file_format IN ('html', 'pdf', 'docx') DESC, n.report_id) = 1
)
SELECT p.report_id, p.source_file, p.duplicate_of, b.side, b.year, b.neighbour, m.metric, m.applicant, m.basis, m.value
FROM pending p
JOIN beside b ON b.target = p.report_id
JOIN metrics m ON m.report_id = b.neighbour AND m.source = 'table' AND m.value IS NOT NULL
ORDER BY p.report_id
"""


@dataclass
class Pending:
    source_file: str
    duplicate_of: str | None
    neighbours: Neighbours = field(default_factory=Neighbours)
    beside: dict[int, str] = field(default_factory=dict)       # -1 / +1 -> the neighbour's report_id


def pending_reports(building: Path, previous: Path | None, keep_ids: list[str]) -> dict[str, Pending]:
    """report_id -> what the second pass needs, for every report with a blank run and a neighbouring year.
    Reads the build's parts and the previous warehouse's rows of the reports it keeps, before they are assembled."""
    con = connect()
    con.register("keep_ids", pa.table({"report_id": pa.array(keep_ids, pa.string())}))
    for t in ("reports", "metrics"):
        sources = [f"SELECT * FROM read_parquet('{p}/*.parquet')" for p in [building / "parts" / t]
                   if any(p.glob("*.parquet"))]
        if previous is not None and keep_ids:
            sources.append(f"SELECT * FROM read_parquet('{table_path(previous, t)}') "
                           "WHERE report_id IN (SELECT report_id FROM keep_ids)")
        if not sources:
            return {}
        con.execute(f"CREATE VIEW {t} AS {' UNION ALL BY NAME '.join(sources)}")
    rows = con.execute(_NEIGHBOURS_SQL, {"flat": FLAT_LOCATOR}).fetchall()
    con.close()
    out: dict[str, Pending] = {}
    for report_id, source_file, duplicate_of, side, year, neighbour, metric, applicant, basis, value in rows:
        p = out.setdefault(report_id, Pending(source_file, duplicate_of))
        p.beside[side] = neighbour
        p.neighbours.set(side, year, {(metric, applicant, basis): value})
    return out


def settle_across_years(building: Path, previous: Path | None, keep_ids: list[str], jobs: int) -> list[str]:
    """Parse again the reports whose blank runs the neighbouring years may settle, until no more settle (a settled
    report may settle the next year's). Their new rows are written as parts to `settled_parts(building)`; returns
    their ids, whose first rows `assemble` then leaves out."""
    pending = pending_reports(building, previous, keep_ids)
    settled: dict[str, ParsedReport] = {}
    frontier = list(pending)
    while frontier:
        by_file = {pending[r].source_file: r for r in frontier}
        new = {}
        for parsed in run_local([(pending[r].source_file, pending[r].neighbours) for r in frontier], jobs):
            report_id = by_file[parsed.report["source_file"]]
            if parsed.report["parse_status"] != "failed" and any(SETTLED in m.locator for m in parsed.metrics):
                parsed.report.update(report_id=report_id, duplicate_of=pending[report_id].duplicate_of)
                parsed.report.pop("_traceback", None)
                new[report_id] = parsed
        settled.update(new)
        frontier = []
        for report_id, p in pending.items():
            moved = {side: new[n] for side, n in p.beside.items() if n in new}
            if report_id in settled or not moved:
                continue
            for side, parsed in moved.items():      # the neighbour's figures, now complete
                p.neighbours.set(side, parsed.report["year"], {
                    (m.metric, m.applicant, m.basis): m.value for m in parsed.metrics
                    if m.source == "table" and m.value is not None})
            frontier.append(report_id)
    if settled:
        writer = PartWriter(building / SETTLED_DIR)
        for parsed in settled.values():
            writer.add(parsed.report, parsed.metrics, parsed.checks)
        writer.flush()
    return sorted(settled)
