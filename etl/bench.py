"""`python -m etl bench --reports N`: throughput, memory, size, accuracy and dashboard latency on a synthetic corpus.

Prints ONE JSON line. Figures:
  etl_reports_per_s        N / wall seconds of `python -m etl build <corpus> --out <wh> --jobs J --force`
                           (a subprocess: start-up, parsing, part writing, DuckDB assemble + finalise, swap)
  floor_reports_per_s      N / wall seconds of only reading and decoding the same files (same J processes)
  etl_peak_rss_mb          the largest RSS of any one process of the build (getrusage RUSAGE_CHILDREN)
  etl_peak_tree_rss_mb     the peak of the summed RSS of the build's whole process tree (sampled every 50 ms)
  warehouse_mb             size of the warehouse folder
  synthetic_cell_accuracy  fraction of truth cells whose warehouse value (metrics, source='table') is exactly the
                           truth value (null == null; a missing row is a miss); also by layout and by spec
  queries                  p50/p95 ms of the dashboard's named queries (app/sql/*.sql through app.queries'
                           composition and app.warehouse.connect), or a representative DuckDB set when the
                           dashboard modules are not importable (query_set says which)
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from etl.synth.corpus import GENERATOR_VERSION, generate

ROOT = Path(__file__).resolve().parent.parent


def default_cache() -> Path:
    return Path(os.environ.get("ETL_BENCH_CACHE", Path(tempfile.gettempdir()) / "etl-bench-cache"))


def corpus(n: int, seed: int, cache: Path, jobs: int = 1) -> Path:
    """The cached synthetic corpus of n reports (generated on first use) with its truth cells as Parquet."""
    d = cache / f"synth-v{GENERATOR_VERSION}-n{n}-s{seed}"
    if (d / "DONE").exists():
        return d
    if d.exists():
        shutil.rmtree(d)
    generate(d, n, seed=seed, jobs=jobs)
    truth_table(d)
    (d / "DONE").write_text("ok")
    return d


def truth_table(d: Path) -> None:
    """All truth cells of the corpus in one Parquet file (streamed per report, written in row groups)."""
    import csv
    schema = pa.schema([("report", pa.string()), ("layout", pa.string()), ("spec", pa.string()),
                        ("metric", pa.string()), ("applicant", pa.string()), ("basis", pa.string()),
                        ("value", pa.float64()), ("ambiguous_row", pa.bool_()), ("injected", pa.bool_())])
    cols = {n: [] for n in schema.names}
    with pq.ParquetWriter(d / "truth_cells.parquet", schema) as w, open(d / "index.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            with open(d / row["truth"], encoding="utf-8") as fh:
                t = json.load(fh)
            amb = set(t["flat_ambiguous_rows"])
            for k, v in t["cells"].items():
                metric, applicant, basis = k.split("|")
                cols["report"].append(row["report"])
                cols["layout"].append(t["layout"])
                cols["spec"].append(t["spec"])
                cols["metric"].append(metric)
                cols["applicant"].append(applicant or None)
                cols["basis"].append(basis)
                cols["value"].append(None if v is None else float(v))
                cols["ambiguous_row"].append(metric in amb)
                cols["injected"].append(bool(t["injected_errors"]))
            if len(cols["report"]) > 200_000:
                w.write_table(pa.table(cols, schema=schema))
                cols = {n: [] for n in schema.names}
        w.write_table(pa.table(cols, schema=schema))


class _TreeRss:
    """Samples the summed RSS of a process and all its descendants (Linux /proc)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _children(self) -> dict[int, list[int]]:
        kids: dict[int, list[int]] = {}
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    kids.setdefault(ppid, []).append(int(p))
                except (OSError, ValueError, IndexError):
                    pass
        return kids

    def _rss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            return 0

    def _run(self):
        while not self._stop.is_set():
            kids = self._children()
            todo, total = [self.pid], 0
            while todo:
                p = todo.pop()
                total += self._rss(p)
                todo += kids.get(p, [])
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()


_WRAPPER = """
import json, resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr[-4000:],
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run_build(inputs: Path, out: Path, jobs: int) -> tuple[float, float, float, str]:
    """(wall seconds, peak single-process RSS MB, peak tree RSS MB, summary line) of a build subprocess.

    The build runs under a small wrapper process whose RUSAGE_CHILDREN covers exactly the build and its
    workers (not the corpus generator's processes)."""
    cmd = [sys.executable, "-m", "etl", "build", str(inputs), "--out", str(out), "--jobs", str(jobs), "--force"]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, *cmd], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with _TreeRss(proc.pid) as tree:
        stdout, _ = proc.communicate()
    wall = time.perf_counter() - start
    res = json.loads(stdout)
    if res["rc"] != 0:
        raise RuntimeError(f"build failed ({res['rc']}): {res['stderr']}")
    lines = res["stdout"].strip().splitlines()
    return wall, res["maxrss_kb"] / 1024, tree.peak / 2**20, lines[-1] if lines else ""


def _read_decode(paths: list[str]) -> int:
    from etl.read.decode import decode
    n = 0
    for p in paths:
        with open(p, "rb") as f:
            n += len(decode(f.read()))
    return n


def floor(files: list[str], jobs: int) -> float:
    """Wall seconds to only read and decode every file, in `jobs` processes (pool start-up included)."""
    start = time.perf_counter()
    chunks = [files[i::jobs * 8] for i in range(jobs * 8)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_read_decode, chunks))
    return time.perf_counter() - start


def accuracy(d: Path, wh: Path) -> dict:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    prefix = str(d) + "/"
    con.execute(f"""
        CREATE VIEW w AS
        SELECT replace(r.source_file, '{prefix}', '') AS report, m.metric, coalesce(m.applicant, '') AS applicant,
               m.basis, min(m.value) AS v_min, max(m.value) AS v_max, count(*) AS n, count(m.value) AS n_values
        FROM read_parquet('{wh}/metrics.parquet') m JOIN read_parquet('{wh}/reports.parquet') r USING (report_id)
        WHERE m.source = 'table' GROUP BY ALL;
        CREATE TABLE scored AS
        SELECT t.*, w.n IS NOT NULL AS found,
               CASE WHEN w.n IS NULL THEN false
                    WHEN t.value IS NULL THEN w.n_values = 0
                    ELSE w.v_min IS NOT NULL AND abs(w.v_min - t.value) <= 1e-6 * greatest(1, abs(t.value))
                         AND abs(w.v_max - t.value) <= 1e-6 * greatest(1, abs(t.value)) END AS ok
        FROM read_parquet('{d}/truth_cells.parquet') t
        LEFT JOIN w ON w.report = t.report AND w.metric = t.metric AND w.applicant = coalesce(t.applicant, '')
                    AND w.basis = t.basis
    """)
    total, ok = con.execute("SELECT count(*), sum(ok::int) FROM scored").fetchone()
    by = lambda col: {k: round(a, 4) for k, a in con.execute(  # noqa: E731
        f"SELECT {col}, avg(ok::int) FROM scored GROUP BY 1 ORDER BY 1").fetchall()}
    out = {"synthetic_cell_accuracy": round(ok / total, 4) if total else None, "truth_cells": total,
           "accuracy_by_layout": by("layout"), "accuracy_by_spec": by("spec"),
           "accuracy_flat_merged_unique_rows": con.execute(
               "SELECT round(avg(ok::int), 4) FROM scored WHERE layout = 'flat_merged' AND NOT ambiguous_row").fetchone()[0],
           "accuracy_flat_merged_ambiguous_rows": con.execute(
               "SELECT round(avg(ok::int), 4) FROM scored WHERE layout = 'flat_merged' AND ambiguous_row").fetchone()[0],
           "missing_cells": con.execute("SELECT count(*) FILTER (WHERE NOT found) FROM scored").fetchone()[0]}
    con.close()
    return out


def _percentiles(times: list[float]) -> dict:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"p50_ms": round(statistics.median(times) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def _self_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def dashboard_queries(wh: Path, repeat: int) -> tuple[str, dict]:
    """Time the dashboard's named queries; fall back to a representative DuckDB set."""
    try:
        sys.path.insert(0, str(ROOT))
        from app import warehouse as appwh
        from app.queries import SQL_DIR, Filters, execute, sql_text
        t = time.perf_counter()
        con = appwh.connect(wh)
        connect_ms = (time.perf_counter() - t) * 1000
        rid = con.execute("SELECT report_id FROM raw_reports WHERE parse_status = 'ok' LIMIT 1").fetchall()[0][0]
        out = {}
        for path in sorted(SQL_DIR.glob("*.sql")):
            name = path.stem
            if name == "views":
                continue
            params = {"report_id": rid} if "$report_id" in sql_text(name) else {}
            times = []
            try:
                for _ in range(repeat):
                    t = time.perf_counter()
                    execute(con, name, Filters(), params)      # the pages' path (a Polars frame), no Streamlit cache
                    times.append(time.perf_counter() - t)
            except Exception as e:  # noqa: BLE001 - report the query as broken, keep timing the others
                out[name] = {"error": f"{type(e).__name__}: {str(e)[:120]}"}
                continue
            out[name] = _percentiles(times)
        out["_connect"] = {"ms": round(connect_ms, 1), "marts": appwh.marts.valid(wh),
                           "process_rss_mb": round(_self_rss_mb(), 1)}
        con.close()
        return "app/sql named queries (app.queries.execute, Polars result as the pages get it, no Streamlit cache)", out
    except ImportError:
        pass
    con = duckdb.connect()
    con.execute("SET threads = 2")
    for t in ("reports", "metrics", "checks"):
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{wh}/{t}.parquet')")
    queries = {
        "agency_channel_totals": """SELECT r.agency_id, m.metric, sum(m.value) FROM metrics m JOIN reports r USING (report_id)
            WHERE r.duplicate_of IS NULL AND m.metric LIKE 'channel.%' GROUP BY ALL""",
        "outcome_rates_by_year": """SELECT r.year, m.metric, sum(m.value) / nullif(sum(sum(m.value)) OVER (PARTITION BY r.year), 0)
            FROM metrics m JOIN reports r USING (report_id) WHERE m.metric LIKE 'outcome.%' AND m.metric <> 'outcome.total'
            AND m.applicant = 'total' GROUP BY ALL""",
        "failed_checks_by_rule": "SELECT rule, severity, count(*) FROM checks WHERE status = 'fail' GROUP BY ALL",
    }
    out = {}
    for name, sql in queries.items():
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            con.execute(sql).fetchall()
            times.append(time.perf_counter() - t)
        out[name] = _percentiles(times)
    return "representative DuckDB set (app.queries not importable)", out


def bench(n: int, seed: int = 0, jobs: int = 2, cache: Path | None = None, repeat: int = 20,
          keep: bool = False) -> dict:
    cache = Path(cache or default_cache())
    t0 = time.perf_counter()
    d = corpus(n, seed, cache, jobs)
    synth_s = time.perf_counter() - t0
    work = Path(tempfile.mkdtemp(prefix="etl-bench-"))
    try:
        wh = work / "warehouse"
        wall, peak, tree_peak, summary = run_build(d / "reports", wh, jobs)
        files = [str(d / "reports" / p) for p in _report_files(d)]
        floor_s = floor(files, jobs)
        size = sum(f.stat().st_size for f in wh.rglob("*") if f.is_file())
        result = {
            "reports": n, "jobs": jobs, "cpus": os.cpu_count(),
            "etl_reports_per_s": round(n / wall, 1), "etl_build_s": round(wall, 2),
            "floor_reports_per_s": round(n / floor_s, 1),
            "etl_peak_rss_mb": round(peak, 1), "etl_peak_tree_rss_mb": round(tree_peak, 1),
            "warehouse_mb": round(size / 2**20, 2),
        }
        result.update(accuracy(d, wh))
        query_set, timings = dashboard_queries(wh, repeat)
        result["query_set"] = query_set
        result["dashboard_connect"] = timings.pop("_connect", None)
        result["queries"] = timings
        result["build_summary"] = summary
        result["corpus"] = str(d)
        result["corpus_generated_s" if synth_s > 1 else "corpus_cached"] = round(synth_s, 2) if synth_s > 1 else True
        return result
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def _report_files(d: Path) -> list[str]:
    import csv
    with open(d / "index.csv", encoding="utf-8") as f:
        return [r["report"].removeprefix("reports/") for r in csv.DictReader(f)]
