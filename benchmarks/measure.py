"""What every benchmark measures the same way: the synthetic corpus (made once, cached), a build timed as a
subprocess with its memory, the reading floor, and the warehouse's accuracy against the corpus's truth.
benchmarks/bench.py and benchmarks/bench_pdf.py both use it."""

from __future__ import annotations

import json
import os
import shutil
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
from warehouse.db import literal
from warehouse.paths import ROOT


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

    schema = pa.schema(
        [
            ("report", pa.string()),
            ("layout", pa.string()),
            ("spec", pa.string()),
            ("metric", pa.string()),
            ("applicant", pa.string()),
            ("basis", pa.string()),
            ("value", pa.float64()),
            ("ambiguous_row", pa.bool_()),
            ("injected", pa.bool_()),
        ]
    )
    cols = {n: [] for n in schema.names}
    meta: dict[str, list] = {k: [] for k in ("report", *_META_FIELDS, "agency_key")}
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
            meta["report"].append(row["report"])
            for k in _META_FIELDS + ("agency_key",):
                meta[k].append(t[k])
            if len(cols["report"]) > 200_000:
                w.write_table(pa.table(cols, schema=schema))
                cols = {n: [] for n in schema.names}
        w.write_table(pa.table(cols, schema=schema))
    pq.write_table(pa.table(meta), d / "truth_reports.parquet")


_META_FIELDS = ("level", "agency_kind", "province", "prefecture", "county", "township")


class _TreeRss:
    """Samples the summed RSS and PSS of a process and all its descendants (Linux /proc). A forked worker's RSS
    counts every page it still shares with its parent, so the summed RSS counts those pages once per worker; PSS
    divides a shared page among the processes that share it, so the summed PSS is the memory the tree holds."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.peak_pss, self._stop = pid, 0, 0, threading.Event()
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

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                return next((int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:")), 0)
        except (OSError, ValueError):
            return 0

    def _run(self):
        tick = 0
        while not self._stop.is_set():
            kids = self._children()
            todo, tree = [self.pid], []
            while todo:
                p = todo.pop()
                tree.append(p)
                todo += kids.get(p, [])
            self.peak = max(self.peak, sum(map(self._rss, tree)))
            if tick % 10 == 0:  # every 0.5 s: reading smaps walks the page tables, which slows the build
                self.peak_pss = max(self.peak_pss, sum(map(self._pss, tree)))
            tick += 1
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
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr[-4000:],
                  "maxrss_kb": u.ru_maxrss, "cpu_s": u.ru_utime + u.ru_stime}))
"""


def run_build(inputs: Path, out: Path, jobs: int) -> tuple[float, float, float, float, str, float]:
    """(wall seconds, peak single-process RSS MB, peak tree RSS MB, peak tree PSS MB, summary line, CPU seconds:
    user + system of the build and its workers) of a build subprocess. The CPU seconds hold on a busy machine,
    where the wall time does not.

    The build runs under a small wrapper process whose RUSAGE_CHILDREN covers exactly the build and its
    workers (not the corpus generator's processes)."""
    cmd = [sys.executable, "-m", "etl", "build", str(inputs), "--out", str(out), "--jobs", str(jobs), "--force"]
    places = inputs.parent / "places.csv"  # the synthetic corpus's gazetteer of invented places
    if places.exists():
        cmd += ["--places", str(places)]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, *cmd], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with _TreeRss(proc.pid) as tree:
        stdout, _ = proc.communicate()
    wall = time.perf_counter() - start
    res = json.loads(stdout)
    if res["rc"] != 0:
        raise RuntimeError(f"build failed ({res['rc']}): {res['stderr']}")
    lines = res["stdout"].strip().splitlines()
    summary = lines[-1] if lines else ""
    return wall, res["maxrss_kb"] / 1024, tree.peak / 2**20, tree.peak_pss / 2**20, summary, res["cpu_s"]


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
    chunks = [files[i :: jobs * 8] for i in range(jobs * 8)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_read_decode, chunks))
    return time.perf_counter() - start


def accuracy(d: Path, wh: Path) -> dict:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    prefix = str(d) + "/"
    con.execute(f"""
        CREATE VIEW w AS
        SELECT replace(r.source_file, {literal(prefix)}, '') AS report, m.metric, coalesce(m.applicant, '') AS applicant,
               m.basis, min(m.value) AS v_min, max(m.value) AS v_max, count(*) AS n, count(m.value) AS n_values
        FROM read_parquet({literal(f'{wh}/metrics.parquet')}) m JOIN read_parquet({literal(f'{wh}/reports.parquet')}) r USING (report_id)
        WHERE m.source = 'table' GROUP BY ALL;
        CREATE TABLE scored AS
        SELECT t.*, w.n IS NOT NULL AS found, w.n_values,
               CASE WHEN w.n IS NULL THEN false
                    WHEN t.value IS NULL THEN w.n_values = 0
                    ELSE w.v_min IS NOT NULL AND abs(w.v_min - t.value) <= 1e-6 * greatest(1, abs(t.value))
                         AND abs(w.v_max - t.value) <= 1e-6 * greatest(1, abs(t.value)) END AS ok
        FROM read_parquet({literal(f'{d}/truth_cells.parquet')}) t
        LEFT JOIN w ON w.report = t.report AND w.metric = t.metric AND w.applicant = coalesce(t.applicant, '')
                    AND w.basis = t.basis
    """)
    total, ok = con.execute("SELECT count(*), sum(ok::int) FROM scored").fetchone()
    by = lambda col: {
        k: round(a, 4)
        for k, a in con.execute(f"SELECT {col}, avg(ok::int) FROM scored GROUP BY 1 ORDER BY 1").fetchall()
    }
    out = {
        "synthetic_cell_accuracy": round(ok / total, 4) if total else None,
        "truth_cells": total,
        "accuracy_by_layout": by("layout"),
        "accuracy_by_spec": by("spec"),
        "accuracy_flat_merged_unique_rows": con.execute(
            "SELECT round(avg(ok::int), 4) FROM scored WHERE layout = 'flat_merged' AND NOT ambiguous_row"
        ).fetchone()[0],
        "accuracy_flat_merged_ambiguous_rows": con.execute(
            "SELECT round(avg(ok::int), 4) FROM scored WHERE layout = 'flat_merged' AND ambiguous_row"
        ).fetchone()[0],
        "missing_cells": con.execute("SELECT count(*) FILTER (WHERE NOT found) FROM scored").fetchone()[0],
    }
    # a miss is either a value that differs from the truth (or where the report left the cell blank), or a cell the
    # parser left null although the report printed a value (a digit run it could not split)
    out["wrong_cells"], out["left_blank_cells"] = con.execute(
        "SELECT count(*) FILTER (WHERE found AND NOT ok AND n_values > 0), "
        "count(*) FILTER (WHERE found AND NOT ok AND n_values = 0) FROM scored"
    ).fetchone()
    out.update(metadata_accuracy(con, d, wh, prefix))
    con.close()
    return out


def metadata_accuracy(con, d: Path, wh: Path, prefix: str) -> dict:
    """Level, kind and place of each report against the truth, and one agency_id per agency."""
    same = {f: f"t.{f} IS NOT DISTINCT FROM r.{f}" for f in _META_FIELDS}
    con.execute(f"""
        CREATE TABLE meta AS
        SELECT t.agency_key, r.agency_id, {", ".join(f"({c}) AS ok_{f}" for f, c in same.items())}
        FROM read_parquet('{d}/truth_reports.parquet') t
        LEFT JOIN read_parquet('{wh}/reports.parquet') r ON replace(r.source_file, '{prefix}', '') = t.report""")
    place = " AND ".join(f"ok_{f}" for f in ("province", "prefecture", "county", "township"))
    total, all_ok, level, kind, places = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE ok_level AND ok_agency_kind AND {place}), "
        f"count(*) FILTER (WHERE ok_level), count(*) FILTER (WHERE ok_agency_kind), count(*) FILTER (WHERE {place}) "
        "FROM meta"
    ).fetchone()
    agencies, one_id = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE n = 1) FROM "
        "(SELECT agency_key, count(DISTINCT agency_id) AS n FROM meta GROUP BY 1)"
    ).fetchone()
    share = lambda x, n: round(x / n, 4) if n else None
    return {
        "metadata_accuracy": share(all_ok, total),
        "metadata_accuracy_by_field": {
            "level": share(level, total),
            "agency_kind": share(kind, total),
            "place": share(places, total),
        },
        "agency_id_one_per_agency": share(one_id, agencies),
    }
