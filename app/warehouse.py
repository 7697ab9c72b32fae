"""Locate (and when missing, build) the warehouse; open DuckDB views over its Parquet tables."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path

import duckdb

from etl.warehouse import collection, marts
from etl.warehouse import object_storage as remote
from etl.warehouse.write import WarehouseBusy, old_path, one_writer, recover

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
DEFAULT_DIR = ROOT / "data" / "warehouse"
UPLOADS = Path(os.environ.get("UPLOADS_DIR") or ROOT / "data" / "uploads")
METRICS_CSV = ROOT / "etl" / "metrics.csv"
TABLES = ("reports", "metrics", "checks")
MACROS_SQL = ROOT / "app" / "sql" / "macros.sql"
# how long a remote warehouse's current build is trusted before current.json is read again (version() runs on
# every query; a newly published build shows up within this many seconds)
POLL_SECONDS = float(os.environ.get("WAREHOUSE_POLL_SECONDS", "10"))
# a build between the two renames of its swap (DIR -> DIR.old, DIR.building -> DIR) finishes in milliseconds
SWAP_WAIT_SECONDS = 5.0
_lock = threading.Lock()
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
        return f"read_parquet('{_q(single)}')"
    folder = wh / table
    if folder.is_dir():
        return f"read_parquet('{_q(folder)}/**/*.parquet', hive_partitioning=true, union_by_name=true)"
    raise FileNotFoundError(f"warehouse table missing: {single}")


def _q(p: Path) -> str:
    return str(p).replace("'", "''")


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


def ensure_built(wh: Path | None = None, on_progress=None) -> bool:
    """Build the warehouse from the bundled samples when it is missing. Returns True when a build ran."""
    wh = wh or warehouse_dir()
    if is_remote(wh):
        _require_remote(wh)
        return False
    with _lock, one_writer(wh):  # waits for a build of the same folder; then nothing is half swapped
        recover(wh)
        if is_built(wh):
            return False
        from etl.build import build

        inputs = [str(SAMPLES.relative_to(ROOT))] if SAMPLES.exists() else []
        cwd = os.getcwd()
        os.chdir(ROOT)  # source_file stays relative, as the CLI would store it
        try:
            build(inputs, wh, progress=False, on_progress=on_progress)
        finally:
            os.chdir(cwd)
        return True


def _require_remote(wh) -> None:
    """A warehouse on object storage is published by `python -m etl build … --out URL`, never built by the
    dashboard: say so (in the dashboard's language and in English) when there is none."""
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


def connect(wh: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with raw views (reports, metrics, checks, metric_labels) and the dashboard views.
    On object storage the views read the Parquet files of one published build in place (that build's files never
    change, so the connection stays consistent while newer builds are published)."""
    wh = wh or warehouse_dir()
    con = duckdb.connect(":memory:")
    con.execute("SET threads=2")
    if is_remote(wh):
        return _connect_remote(con, wh)
    wh = readable(wh)
    for t in TABLES:
        con.execute(f"CREATE VIEW raw_{t} AS SELECT * FROM {table_source(wh, t)}")
    _collection_view(con, wh / f"{collection.TABLE}.parquet")
    con.execute(
        f"CREATE VIEW metric_labels AS SELECT * FROM read_csv('{_q(METRICS_CSV)}', header=true, all_varchar=true)"
    )
    if marts.valid(wh):
        # the build wrote the dashboard views out as tables (etl/warehouse/marts.py): same rows, no per-query cost
        for t in marts.MARTS:
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{_q(wh / 'marts' / f'{t}.parquet')}')")
    else:
        con.execute(marts.views_sql())
    con.execute(MACROS_SQL.read_text(encoding="utf-8"))  # the filters, the 汇总 rule, the names of codes
    con.execute(marts.BEST_COPY_SQL.read_text(encoding="utf-8"))
    return con


def _collection_view(con: duckdb.DuckDBPyConnection, path: Path | str | None) -> None:
    """raw_collection: what `etl collect` found on the agencies' websites (empty when the warehouse was not built
    from a collection). `path`: a local file, or the URL of a published build's file."""
    if path is not None and (isinstance(path, str) or path.exists()):
        con.execute(
            f"CREATE VIEW raw_collection AS SELECT * FROM read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')"
        )
    else:
        con.register("empty_collection", collection.SCHEMA.empty_table())  # a table: cursors see it too
        con.execute("CREATE TABLE raw_collection AS SELECT * FROM empty_collection")
        con.unregister("empty_collection")


def _connect_remote(con: duckdb.DuckDBPyConnection, wh) -> duckdb.DuckDBPyConnection:
    snap = snapshot(wh)
    if not snap.built:
        _require_remote(wh)
    remote.register(con, snap.url)
    for t in TABLES:
        con.execute(f"CREATE VIEW raw_{t} AS SELECT * FROM {snap.table_source(t)}")
    name = f"{collection.TABLE}.parquet"
    _collection_view(con, remote.join(snap.url, name) if name in snap.files else None)
    con.execute(
        f"CREATE VIEW metric_labels AS SELECT * FROM read_csv('{_q(METRICS_CSV)}', header=true, all_varchar=true)"
    )
    if marts.valid(snap):
        for t in marts.MARTS:
            src = remote.join(snap.url, "marts", f"{t}.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{src}')")
    else:
        con.execute(marts.views_sql())
    con.execute(MACROS_SQL.read_text(encoding="utf-8"))  # the filters, the 汇总 rule, the names of codes
    con.execute(marts.BEST_COPY_SQL.read_text(encoding="utf-8"))
    return con


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
