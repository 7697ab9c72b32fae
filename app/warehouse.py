"""Locate (and when missing, build) the warehouse; open DuckDB views over its Parquet tables."""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import duckdb

from etl.warehouse import marts

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
DEFAULT_DIR = ROOT / "data" / "warehouse"
UPLOADS = Path(os.environ.get("UPLOADS_DIR") or ROOT / "data" / "uploads")
METRICS_CSV = ROOT / "etl" / "metrics.csv"
TABLES = ("reports", "metrics", "checks")
_lock = threading.Lock()


def warehouse_dir() -> Path:
    env = os.environ.get("WAREHOUSE_DIR")
    return Path(env).expanduser().resolve() if env else DEFAULT_DIR


def table_source(wh: Path, table: str) -> str:
    """The read_parquet() argument for a table: DIR/<t>.parquet or a (hive-partitioned) folder DIR/<t>/."""
    single = wh / f"{table}.parquet"
    if single.exists():
        return f"read_parquet('{_q(single)}')"
    folder = wh / table
    if folder.is_dir():
        return f"read_parquet('{_q(folder)}/**/*.parquet', hive_partitioning=true, union_by_name=true)"
    raise FileNotFoundError(f"warehouse table missing: {single}")


def _q(p: Path) -> str:
    return str(p).replace("'", "''")


def is_built(wh: Path) -> bool:
    try:
        for t in TABLES:
            table_source(wh, t)
        return True
    except FileNotFoundError:
        return False


def ensure_built(wh: Path | None = None, on_progress=None) -> bool:
    """Build the warehouse from the bundled samples when it is missing. Returns True when a build ran."""
    wh = wh or warehouse_dir()
    with _lock:
        if is_built(wh):
            return False
        from etl.build import build
        inputs = [str(SAMPLES.relative_to(ROOT))] if SAMPLES.exists() else []
        cwd = os.getcwd()
        os.chdir(ROOT)               # source_file stays relative, as the CLI would store it
        try:
            build(inputs, wh, progress=False, on_progress=on_progress)
        finally:
            os.chdir(cwd)
        return True


def version(wh: Path | None = None) -> str:
    """Cache key for everything read from the warehouse: changes whenever a build swaps a new one in."""
    wh = wh or warehouse_dir()
    h = hashlib.sha256(str(wh).encode())
    manifest = wh / "manifest.json"
    if manifest.exists():
        st = manifest.stat()
        h.update(f"{st.st_mtime_ns}:{st.st_size}".encode())
        h.update(manifest.read_bytes())
    for t in TABLES:
        p = wh / f"{t}.parquet"
        if p.exists():
            st = p.stat()
            h.update(f"{t}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.hexdigest()[:16]


def connect(wh: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with raw views (reports, metrics, checks, metric_labels) and the dashboard views."""
    wh = wh or warehouse_dir()
    con = duckdb.connect(":memory:")
    con.execute("SET threads=2")
    for t in TABLES:
        con.execute(f"CREATE VIEW raw_{t} AS SELECT * FROM {table_source(wh, t)}")
    con.execute(f"CREATE VIEW metric_labels AS SELECT * FROM read_csv('{_q(METRICS_CSV)}', header=true, all_varchar=true)")
    if marts.valid(wh):
        # the build wrote the dashboard views out as tables (etl/warehouse/marts.py): same rows, no per-query cost
        for t in marts.MARTS:
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{_q(wh / 'marts' / f'{t}.parquet')}')")
    else:
        con.execute((ROOT / "app" / "sql" / "views.sql").read_text(encoding="utf-8"))
    return con


def source_inputs(wh: Path | None = None) -> list[str]:
    """The input files the current warehouse was built from (so a rebuild keeps them)."""
    wh = wh or warehouse_dir()
    if not is_built(wh):
        return []
    con = duckdb.connect(":memory:")
    rows = con.execute(f"SELECT DISTINCT source_file FROM {table_source(wh, 'reports')}").fetchall()
    con.close()
    return [r[0] for r in rows if r[0]]
