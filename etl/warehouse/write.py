"""Atomic, incremental warehouse writes.

A build writes parts into `<DIR>.building/`, assembles the three tables there with DuckDB (sorted, so the
same inputs give the same files), then swaps the folder in: DIR -> DIR.old, DIR.building -> DIR. A build
killed at any point leaves the previous warehouse readable (recovered on the next start).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from etl.warehouse.db import connect
import pyarrow as pa
import pyarrow.parquet as pq

from etl.contract import TABLES
from etl.model import Check, Metric

PART_ROWS = 50_000


def recover(out: Path) -> None:
    """Undo a swap that a killed build left half done."""
    old = out.with_name(out.name + ".old")
    if not out.exists() and old.exists():
        old.rename(out)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)


def table_path(out: Path, table: str) -> Path:
    return out / f"{table}.parquet"


class PartWriter:
    """Buffers rows of the three tables and flushes them as numbered Parquet parts."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        self.parts = 0
        for t in TABLES:
            (folder / "parts" / t).mkdir(parents=True, exist_ok=True)

    def add(self, report: dict, metrics: list[Metric], checks: list[Check]) -> None:
        rid = report["report_id"]
        self.rows["reports"].append({k: report.get(k) for k in TABLES["reports"].names})
        self.rows["metrics"].extend(
            {"report_id": rid, "metric": m.metric, "applicant": m.applicant, "basis": m.basis, "value": m.value,
             "raw": m.raw, "unit": m.unit, "source": m.source, "locator": m.locator} for m in metrics)
        self.rows["checks"].extend(
            {"report_id": rid, "rule": c.rule, "severity": c.severity, "status": c.status, "expected": c.expected,
             "actual": c.actual, "message": c.message} for c in checks)
        if len(self.rows["metrics"]) >= PART_ROWS:
            self.flush()

    def flush(self) -> None:
        for t, rows in self.rows.items():
            if rows:
                pq.write_table(pa.Table.from_pylist(rows, schema=TABLES[t]),
                               self.folder / "parts" / t / f"{self.parts:06d}.parquet")
        self.rows = {t: [] for t in TABLES}
        self.parts += 1


def assemble(building: Path, previous: Path | None, keep_ids: list[str], manifest: dict) -> None:
    """Write the final tables: new parts plus the previous warehouse's rows for unchanged reports."""
    con = connect()
    con.execute("CREATE TEMP TABLE keep(report_id VARCHAR)")
    if keep_ids:
        con.executemany("INSERT INTO keep VALUES (?)", [(r,) for r in keep_ids])
    for table, schema in TABLES.items():
        sources = []
        parts = building / "parts" / table
        if any(parts.glob("*.parquet")):
            sources.append(f"SELECT * FROM read_parquet('{parts}/*.parquet')")
        if previous is not None and keep_ids and table_path(previous, table).exists():
            sources.append(f"SELECT * FROM read_parquet('{table_path(previous, table)}') "
                           "WHERE report_id IN (SELECT report_id FROM keep)")
        target = table_path(building, table)
        if not sources:
            pq.write_table(schema.empty_table(), target)
            continue
        order = {"reports": "report_id", "metrics": "report_id, metric, applicant, basis, source, locator",
                 "checks": "report_id, rule, status, message"}[table]
        cols = ", ".join(schema.names)
        con.execute(f"COPY (SELECT {cols} FROM ({' UNION ALL BY NAME '.join(sources)}) ORDER BY {order}) "
                    f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    con.close()
    shutil.rmtree(building / "parts", ignore_errors=True)
    (building / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str))


def swap_in(building: Path, out: Path) -> None:
    old = out.with_name(out.name + ".old")
    if out.exists():
        out.rename(old)
    building.rename(out)
    shutil.rmtree(old, ignore_errors=True)
