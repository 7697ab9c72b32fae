"""Where each table of a warehouse lives, and reading them: a local folder (DIR/<t>.parquet or a partitioned
DIR/<t>/), or the build of a warehouse on object storage that its current.json names."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path

import duckdb

from warehouse import object_storage as remote
from warehouse.contract import TABLES
from warehouse.db import literal
from warehouse.paths import DEFAULT_DIR, old_path
from warehouse.swap import WarehouseBusy, one_writer, recover

# how long a remote warehouse's current build is trusted before current.json is read again (version() runs on
# every query; a newly published build shows up within this many seconds)
POLL_SECONDS = float(os.environ.get("WAREHOUSE_POLL_SECONDS", "10"))
# a build between the two renames of its swap (DIR -> DIR.old, DIR.building -> DIR) finishes in milliseconds
SWAP_WAIT_SECONDS = 5.0
_snap_lock = threading.Lock()
_snapshots: dict[str, tuple[float, remote.Snapshot]] = {}
log = logging.getLogger(__name__)


def warehouse_dir() -> Path | str:
    """The local folder, or the URL (s3://bucket/prefix, gs://…) of a warehouse on object storage, named by
    WAREHOUSE_DIR; data/warehouse by default."""
    env = os.environ.get("WAREHOUSE_DIR")
    if env and remote.is_remote(env):
        return remote.url(env)
    return Path(env).expanduser().resolve() if env else DEFAULT_DIR


def is_remote(wh) -> bool:
    """True when the warehouse lives on object storage (DuckDB reads it there; nothing is built into it here)."""
    return remote.is_remote(wh)


def snapshot(wh, fresh: bool = False) -> remote.Snapshot:
    """A remote warehouse's current build (cached for POLL_SECONDS, so that every query does not cost a round trip)."""
    key = remote.url(wh)
    with _snap_lock:
        hit = _snapshots.get(key)
        if hit and not fresh and time.monotonic() - hit[0] < POLL_SECONDS:
            return hit[1]
    snap = remote.snapshot(key)
    with _snap_lock:
        _snapshots[key] = (time.monotonic(), snap)
    return snap


def readable(wh: Path | str) -> Path | str:
    """The folder to read the warehouse from. Normally `wh` itself; when a build stopped between the two renames
    of its swap left only DIR.old, the previous warehouse is renamed back first (under the writers' lock, as the
    next build would); while a build holding the lock is in the middle of its swap, DIR once it appears, else
    DIR.old where it is. Never anything built over DIR.old."""
    if is_remote(wh) or wh.exists():
        return wh
    old = old_path(wh)
    if not old.exists():
        return wh
    try:
        with one_writer(wh, wait=0):
            recover(wh)
            return wh
    except WarehouseBusy:
        deadline = time.monotonic() + SWAP_WAIT_SECONDS
        while not wh.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    except OSError as e:  # a read-only place: read the previous warehouse where it is
        log.warning("cannot recover %s from %s: %s", wh, old, e)
    return wh if wh.exists() or not old.exists() else old


def table_source(wh: Path | str, table: str) -> str:
    """The read_parquet() argument for a table: DIR/<t>.parquet or a (hive-partitioned) folder DIR/<t>/; on object
    storage, the same files of the build current.json names."""
    if is_remote(wh):
        return snapshot(wh).table_source(table)
    wh = readable(wh)
    single = wh / f"{table}.parquet"
    if single.exists():
        return f"read_parquet({literal(single)})"
    folder = wh / table
    if folder.is_dir():
        return f"read_parquet({literal(f'{folder}/**/*.parquet')}, hive_partitioning=true, union_by_name=true)"
    raise FileNotFoundError(f"warehouse table missing: {single}")


def is_built(wh: Path | str) -> bool:
    if is_remote(wh):
        try:
            return snapshot(wh).built
        except Exception:
            return False
    try:
        for t in TABLES:
            table_source(wh, t)
        return True
    except FileNotFoundError:
        return False


def require_published(wh) -> None:
    """A warehouse on object storage is published by `python -m etl build … --out URL`, never built by a reader:
    say so (in the dashboard's language and in English) when there is none."""
    try:
        snap = snapshot(wh, fresh=True)
    except Exception as e:
        raise remote.StorageError(
            f"无法读取对象存储上的数据仓库 {remote.url(wh)}：{e} / cannot read the warehouse at {remote.url(wh)}: {e}"
        ) from e
    if not snap.built:
        u = remote.url(wh)
        raise remote.StorageError(
            f"对象存储 {u} 上还没有数据仓库；看板不会向对象存储构建，请先运行 python -m etl build INPUT --out {u} 发布。"
            f" / No warehouse at {u}: the dashboard does not build into object storage; publish one with "
            f"`python -m etl build INPUT --out {u}` (or `python -m etl publish DIR {u}`)."
        )


def version(wh: Path | str | None = None) -> str:
    """Cache key for everything read from the warehouse: changes whenever a build swaps a new one in (on object
    storage: whenever current.json names another build)."""
    wh = wh or warehouse_dir()
    if is_remote(wh):
        try:
            token = snapshot(wh).token
        except Exception:
            token = "unreachable"
        return hashlib.sha256(f"{remote.url(wh)}\n{token}".encode()).hexdigest()[:16]
    wh = readable(wh)
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


REPORT_SCOPE_COLUMNS = {"year", "province", "prefecture", "county", "agency_id"}


def read_table(
    wh: Path | str | None, table: str, scope: dict[str, list] | None = None, columns: list[str] | None = None
):
    """One of the contract's tables (reports, metrics, checks) as a polars DataFrame, from a local folder or from
    object storage alike (for readers outside DuckDB's views, e.g. the scorecard). `scope`: only the rows of the
    reports whose columns hold these values ({"year": [2023, 2024], "province": [...]}); the filter runs in
    DuckDB, so a national warehouse is never read whole. `columns`: only these columns."""
    wh = wh or warehouse_dir()
    if table not in TABLES:
        raise KeyError(f"no such table: {table}")
    wh = wh if is_remote(wh) else Path(wh)
    con = duckdb.connect(":memory:")
    try:
        if is_remote(wh):
            remote.register(con, wh)
        what = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        sql = f"SELECT {what} FROM {table_source(wh, table)}"
        if scope:
            if set(scope) - REPORT_SCOPE_COLUMNS:
                raise KeyError(f"cannot scope by {sorted(set(scope) - REPORT_SCOPE_COLUMNS)}")
            where = " AND ".join(f"{col} IN (SELECT unnest(${col}))" for col in scope)
            of_reports = f"SELECT report_id FROM {table_source(wh, 'reports')} WHERE {where}"
            sql += f" WHERE {where}" if table == "reports" else f" WHERE report_id IN ({of_reports})"
            return con.sql(sql, params={col: list(values) for col, values in scope.items()}).pl()
        return con.sql(sql).pl()
    finally:
        con.close()


def source_inputs(wh: Path | str | None = None) -> list[str]:
    """The input files the current warehouse was built from (so a rebuild keeps them)."""
    wh = wh or warehouse_dir()
    if not is_built(wh):
        return []
    con = duckdb.connect(":memory:")
    if is_remote(wh):
        remote.register(con, wh)
    rows = con.execute(f"SELECT DISTINCT source_file FROM {table_source(wh, 'reports')}").fetchall()
    con.close()
    return [r[0] for r in rows if r[0]]
