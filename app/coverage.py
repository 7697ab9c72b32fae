"""Who was expected to report for a year, who published, on time or late (and by how many days), and who did not:
one function, `coverage()`, the only place the 通报 and the map read it from.

Today it is derived: the agencies and their expected years from the coverage matrix (app/sql/coverage.sql — an
agency is expected from its first to its last report, to the year before a reviewer marked it abolished or merged;
a missing year of an agency whose website `etl collect` read is 网站未找到), and the deadline from the scorecard's
timeliness rule (scoring.indicators.deadline_for with the rubric's parameters). When the warehouse holds a roster's
`coverage` table (one row per roster agency and year), this function reads that table instead and nothing that calls
it changes: the columns below are that table's."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from app.queries import Filters, execute
from scoring.indicators import deadline_for
from scoring.rubric import Rubric, load_rubric

# the columns of coverage(): one row per expected (or marked) agency of the year
COLUMNS = {
    "agency_id": pl.String,
    "agency": pl.String,
    "level_zh": pl.String,
    "level_rank": pl.Int32,
    "year": pl.Int32,
    "status": pl.String,  # warehouse.labels.COVERAGE_ZH: on_time late undated missing not_found abolished merged
    "days_late": pl.Int32,  # late only: days after the deadline
    "report_id": pl.String,  # the report judged (the earliest published of the agency's reports of the year)
    "publish_date": pl.Date,
    "deadline": pl.Date,
    "deadline_basis": pl.String,
}
# coverage.sql's status of a year without a report -> coverage_status
_NO_REPORT = {"缺失": "missing", "网站未找到": "not_found", "已撤销": "abolished", "已并入": "merged"}
EXPECTED = ("on_time", "late", "undated", "missing", "not_found")  # the statuses of an agency expected to report
ALL_AGENCIES = 1_000_000_000  # coverage.sql's $agencies: every agency, not the matrix's first rows


def from_roster(con) -> bool:
    """Whether the warehouse was built with a roster (机构名录): coverage() then reads its `coverage` table."""
    return con.execute("SELECT count(*) FROM raw_coverage").fetchone()[0] > 0


def coverage(con, filters: Filters, year: int, fates: str = "[]", rubric: Rubric | None = None) -> pl.DataFrame:
    """The agencies of the selection (every year of it: an agency's span decides whether it owes `year`) with their
    standing for `year`, in the order of the dashboard's lists (level, name)."""
    rostered = execute(con, "roster_coverage", replace(filters, years=(year,)))
    if rostered.height:  # a warehouse built with a roster: its `coverage` table is the answer
        basis = [deadline_for(r["year"], r["kind"], {})[1] for r in rostered.iter_rows(named=True)]
        return rostered.with_columns(deadline_basis=pl.Series(basis, dtype=pl.String)).select(
            [pl.col(c).cast(t) for c, t in COLUMNS.items()]
        )
    rubric = rubric or load_rubric()
    params = rubric.indicator("timeliness").params
    grace = int(params.get("grace_days", 0) or 0)
    every_year = replace(filters, years=())
    cells = execute(con, "coverage", every_year, {"agencies": ALL_AGENCIES, "fates": fates})
    cells = cells.filter((pl.col("year") == year) & (pl.col("status") != "报告期外"))
    reports = execute(con, "published", replace(filters, years=(year,)))
    first = {}
    for r in reports.iter_rows(named=True):  # ordered by publication date: the first one of an agency is judged
        first.setdefault(r["agency_id"], r)
    rows = []
    for c in cells.iter_rows(named=True):
        r = first.get(c["agency_id"])
        row = {
            "agency_id": c["agency_id"],
            "agency": (r or {}).get("agency") or c["agency_name"],
            "level_zh": c["level_zh"],
            "level_rank": c["level_rank"],
            "year": year,
            "status": _NO_REPORT.get(c["status"]),
            "days_late": None,
            "report_id": None,
            "publish_date": None,
            "deadline": None,
            "deadline_basis": None,
        }
        if r is not None:
            deadline, basis = deadline_for(year, r["agency_kind"], params)
            late = None if r["publish_date"] is None else (r["publish_date"] - deadline).days
            row |= {
                "report_id": r["report_id"],
                "publish_date": r["publish_date"],
                "deadline": deadline,
                "deadline_basis": basis,
                "status": "undated" if late is None else ("late" if late > grace else "on_time"),
                "days_late": late if late is not None and late > grace else None,
            }
        if row["status"] is not None:
            rows.append(row)
    return pl.DataFrame(rows, schema=COLUMNS)
