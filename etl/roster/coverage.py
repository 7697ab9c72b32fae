"""The `coverage` table: every roster agency and every report year of its span, with what it published (按时,
迟报 and by how many days, 缺报, 网站未找到, 已撤销, 已并入). The years are those of the warehouse's reports (the
first to the last), from the agency's 设立年份 on; from its 撤销年份 (or the year a reviewer marked it abolished or
merged, audit/fates.py) no report is expected. Deadlines are 条例 第四十九条's (warehouse/deadlines.py)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pyarrow as pa

from audit.roster import RosterAgency
from warehouse.contract import COLLECTION, COVERAGE, COVERAGE_SCHEMA
from warehouse.db import connect, literal
from warehouse.deadlines import deadline_for
from warehouse.paths import table_path

_SQL = Path(__file__).with_name("coverage.sql")
_ROSTER = pa.schema(
    [
        ("agency_id", pa.string()),
        ("agency", pa.string()),
        ("level", pa.string()),
        ("kind", pa.string()),
        ("province", pa.string()),
        ("prefecture", pa.string()),
        ("county", pa.string()),
        ("parent", pa.string()),
        ("url", pa.string()),
        ("from_year", pa.int32()),
        ("end_year", pa.int32()),  # the first year no report is expected
        ("end", pa.string()),  # abolished | merged
        ("deadline_kind", pa.string()),
    ]
)


def write_coverage(folder: Path, roster: list[RosterAgency], fates: list[dict]) -> int:
    """Write `coverage` into the warehouse folder; `fates`: the 撤并 marks (agency_id, fate, year). Returns its rows."""
    fate = {f["agency_id"]: f for f in fates}
    rows = []
    for a in roster:
        f = fate.get(a.agency_id)
        end_year, end = a.to_year, ("merged" if a.merged_into else "abolished") if a.to_year else None
        if end_year is None and f is not None:
            end_year, end = f["year"], f["fate"]
        rows.append(
            dict(
                agency_id=a.agency_id,
                agency=a.name,
                level=a.level,
                kind=a.kind,
                province=a.province,
                prefecture=a.prefecture,
                county=a.county,
                parent=a.parent,
                url=(a.url or "").rstrip("/") or None,
                from_year=a.from_year,
                end_year=end_year,
                end=end,
                deadline_kind=a.deadline,
            )
        )
    con = connect()
    reports = table_path(folder, "reports")
    y0, y1 = con.execute(
        f"SELECT min(year), max(year) FROM read_parquet({literal(reports)}) WHERE parse_status <> 'failed'"
    ).fetchall()[0]
    if y0 is None:
        y1 = y0 = datetime.date.today().year - 1
    deadlines = [
        dict(year=y, deadline_kind=k, deadline=deadline_for(y, k, {})[0])
        for y in range(y0, y1 + 1)
        for k in ("government", "department")
    ]
    con.register("roster", pa.Table.from_pylist(rows, schema=_ROSTER))
    con.register("deadlines", pa.Table.from_pylist(deadlines))
    collection = table_path(folder, COLLECTION)
    con.execute(
        f"CREATE VIEW collection AS SELECT * FROM read_parquet({literal(collection)})"
        if collection.exists()
        else "CREATE VIEW collection AS SELECT NULL::VARCHAR AS source_url, NULL::INTEGER AS year, "
        "NULL::VARCHAR AS status WHERE false"
    )
    cols = ", ".join(COVERAGE_SCHEMA.names)
    query = _SQL.read_text(encoding="utf-8")
    out = table_path(folder, COVERAGE)
    con.execute(
        f"COPY (SELECT {cols} FROM ({query}) ORDER BY agency, agency_id, year) TO {literal(out)} "
        "(FORMAT parquet, COMPRESSION zstd)",
        {"reports": str(reports), "y0": y0, "y1": y1},
    )
    n = con.execute(f"SELECT count(*) FROM read_parquet({literal(out)})").fetchall()[0][0]
    con.close()
    return n
