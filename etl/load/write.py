"""Incremental warehouse writes.

A build writes parts into `<DIR>.building/` and assembles the three tables there with DuckDB (sorted, so the
same inputs give the same files); warehouse/swap.py then swaps the folder in, under the writers' lock.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl.model import Check, Metric
from warehouse.contract import TABLES
from warehouse.db import connect, literal
from warehouse.paths import table_path

PART_ROWS = 50_000
SETTLED_DIR = "settled"  # parts of the reports the build's second pass parsed again (etl/settle.py)


@dataclass
class Rows:
    """The warehouse rows of some parsed reports: report rows as dicts (the build's progress callback gets
    them), metrics and checks as Arrow record batches, which a worker process sends back far more cheaply
    than per-row Python objects."""

    reports: list[dict]
    metrics: pa.RecordBatch
    checks: pa.RecordBatch


def _batch(rows: list[tuple], schema: pa.Schema) -> pa.RecordBatch:
    columns = list(zip(*rows)) or [()] * len(schema)
    return pa.RecordBatch.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema)


def rows_of(parsed: Iterable[tuple[dict, list[Metric], list[Check]]]) -> Rows:
    """(report, metrics, checks) of some reports -> their rows."""
    reports, metrics, checks = [], [], []
    for report, ms, cs in parsed:
        rid = report["report_id"]
        reports.append(report)
        metrics += [(rid, m.metric, m.applicant, m.basis, m.value, m.raw, m.unit, m.source, m.locator) for m in ms]
        checks += [(rid, c.rule, c.severity, c.status, c.expected, c.actual, c.message) for c in cs]
    return Rows(reports, _batch(metrics, TABLES["metrics"]), _batch(checks, TABLES["checks"]))


class PartWriter:
    """Buffers rows of the three tables and flushes them as numbered Parquet parts."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.reports: list[dict] = []
        self.batches: dict[str, list[pa.RecordBatch]] = {"metrics": [], "checks": []}
        self.metric_rows = 0
        self.parts = 0
        for t in TABLES:
            (folder / "parts" / t).mkdir(parents=True, exist_ok=True)

    def add(self, report: dict, metrics: list[Metric], checks: list[Check]) -> None:
        self.add_rows(rows_of([(report, metrics, checks)]))

    def add_rows(self, rows: Rows) -> None:
        self.reports += rows.reports
        self.batches["metrics"].append(rows.metrics)
        self.batches["checks"].append(rows.checks)
        self.metric_rows += rows.metrics.num_rows
        if self.metric_rows >= PART_ROWS:
            self.flush()

    def flush(self) -> None:
        schema = TABLES["reports"]
        tables = {
            "reports": pa.Table.from_pylist([{k: r.get(k) for k in schema.names} for r in self.reports], schema=schema)
        }
        tables.update((t, pa.Table.from_batches(b, schema=TABLES[t])) for t, b in self.batches.items())
        for t, table in tables.items():
            if table.num_rows:
                pq.write_table(table, self.folder / "parts" / t / f"{self.parts:06d}.parquet")
        self.reports, self.batches, self.metric_rows = [], {"metrics": [], "checks": []}, 0
        self.parts += 1


def assemble(
    building: Path, previous: Path | None, keep_ids: list[str], manifest: dict, settled: list[str] = ()
) -> None:
    """Write the final tables: new parts plus the previous warehouse's rows for unchanged reports; for the reports
    in `settled`, the rows of the second pass (SETTLED_DIR) instead of either."""
    con = connect()
    con.register("keep_ids", pa.table({"report_id": pa.array(keep_ids, pa.string())}))  # executemany: 15 s at 100k
    con.register("settled_ids", pa.table({"report_id": pa.array(settled, pa.string())}))
    con.execute(
        "CREATE TEMP TABLE keep AS SELECT report_id FROM keep_ids "
        "WHERE report_id NOT IN (SELECT report_id FROM settled_ids)"
    )
    for table, schema in TABLES.items():
        sources = []
        parts = building / "parts" / table
        if any(parts.glob("*.parquet")):
            sources.append(
                f"SELECT * FROM read_parquet({literal(f'{parts}/*.parquet')}) "
                "WHERE report_id NOT IN (SELECT report_id FROM settled_ids)"
            )
        again = building / SETTLED_DIR / "parts" / table
        if any(again.glob("*.parquet")):
            sources.append(f"SELECT * FROM read_parquet({literal(f'{again}/*.parquet')})")
        if previous is not None and keep_ids and table_path(previous, table).exists():
            sources.append(
                f"SELECT * FROM read_parquet({literal(table_path(previous, table))}) "
                "WHERE report_id IN (SELECT report_id FROM keep)"
            )
            if set(schema.names) - set(pq.read_schema(table_path(previous, table)).names):
                con.register(f"empty_{table}", schema.empty_table())  # a column newer than that warehouse: null
                sources.append(f"SELECT * FROM empty_{table}")
        target = table_path(building, table)
        if not sources:
            pq.write_table(schema.empty_table(), target)
            continue
        order = {
            "reports": "report_id",
            "metrics": "report_id, metric, applicant, basis, source, locator",
            "checks": "report_id, rule, status, message, expected, actual",
        }[table]
        cols = ", ".join(schema.names)
        con.execute(
            f"COPY (SELECT {cols} FROM ({' UNION ALL BY NAME '.join(sources)}) ORDER BY {order}) "
            f"TO {literal(target)} (FORMAT parquet, COMPRESSION zstd)"
        )
    con.close()
    shutil.rmtree(building / "parts", ignore_errors=True)
    shutil.rmtree(building / SETTLED_DIR, ignore_errors=True)
    (building / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str))
