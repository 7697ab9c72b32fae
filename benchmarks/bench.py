"""`python -m benchmarks.bench --reports N`: throughput, memory, size, accuracy and dashboard latency on a synthetic corpus.

Prints ONE JSON line. Figures:
  etl_reports_per_s        N / wall seconds of `python -m etl build <corpus> --out <wh> --jobs J --force`
                           (a subprocess: start-up, parsing, part writing, DuckDB assemble + finalise, swap)
  floor_reports_per_s      N / wall seconds of only reading and decoding the same files (same J processes)
  etl_peak_rss_mb          the largest RSS of any one process of the build (getrusage RUSAGE_CHILDREN)
  etl_peak_tree_rss_mb     the peak of the summed RSS of the build's whole process tree (sampled every 50 ms);
                           pages a forked worker shares with its parent count once per process
  etl_peak_tree_pss_mb     the same for PSS (a shared page divided among its sharers): the memory the tree holds
                           (sampled every 0.5 s)
  warehouse_mb             size of the warehouse folder
  synthetic_cell_accuracy  fraction of truth cells whose warehouse value (metrics, source='table') is exactly the
                           truth value (null == null; a missing row is a miss); also by layout and by spec
  metadata_accuracy        fraction of reports whose level, agency kind and place (province, prefecture, county,
                           township) are all the truth's; also field by field, and the share of agencies that keep
                           one agency_id over all their reports whatever form their titles take
  queries                  p50/p95 ms of the dashboard's named queries (app/sql/*.sql through app.queries'
                           composition and warehouse.connect.connect)

`--direct` times the queries alone on a warehouse made by replicating a parsed one; `--pdf` is benchmarks/bench_pdf.py, `--ocr`
benchmarks/bench_ocr.py.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from benchmarks.measure import accuracy, corpus, default_cache, floor, run_build
from warehouse.db import literal


def _percentiles(times: list[float]) -> dict:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"p50_ms": round(statistics.median(times) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def _self_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def dashboard_queries(wh: Path, repeat: int) -> tuple[str, dict]:
    """Time the dashboard's named queries as the pages run them."""
    from app.queries import DEFAULT_PARAMS, PAGED, SQL_DIR, Filters, execute, execute_page, sql_text
    from warehouse import marts
    from warehouse.connect import connect

    t = time.perf_counter()
    con = connect(wh)
    connect_ms = (time.perf_counter() - t) * 1000
    rid = con.execute("SELECT report_id FROM raw_reports WHERE parse_status = 'ok' LIMIT 1").fetchall()[0][0]
    out = {}
    for path in sorted(SQL_DIR.glob("*.sql")):
        name = path.stem
        needs_id = "$report_id" in sql_text(name) and "report_id" not in DEFAULT_PARAMS.get(name, {})
        params = {"report_id": rid} if needs_id else {}
        times = []
        try:
            for _ in range(repeat):
                t = time.perf_counter()
                # the pages' path (a Polars frame), no Streamlit cache; a list as the pages run it: its first
                # rows (LIMIT in SQL) and, when the page is full, its total row count
                if name in PAGED:
                    execute_page(con, name, Filters(), params)
                else:
                    execute(con, name, Filters(), params)
                times.append(time.perf_counter() - t)
        except Exception as e:
            out[name] = {"error": f"{type(e).__name__}: {str(e)[:120]}"}
            continue
        out[name] = _percentiles(times)
    out["_connect"] = {
        "ms": round(connect_ms, 1),
        "marts": marts.valid(wh),
        "process_rss_mb": round(_self_rss_mb(), 1),
    }
    con.close()
    return (
        "app/sql named queries (app.queries.execute, Polars result as the pages get it, no Streamlit cache; "
        "lists paged as the pages run them: first PAGE_ROWS rows + total count)"
    ), out


def scorecard_timing(wh: Path) -> dict:
    """Seconds the 考核评分 page takes to score the year with most reports (and the year before it, as the page
    does), reading each report's text, and the same for that year's largest province alone."""
    from scoring.scorecard import score_warehouse

    con = duckdb.connect()
    year, province = con.execute(f"""
        SELECT year, arg_max(province, n) FROM (
            SELECT year, province, count(*) AS n FROM read_parquet({literal(f'{wh}/reports.parquet')}) GROUP BY ALL)
        GROUP BY year ORDER BY sum(n) DESC, year DESC LIMIT 1""").fetchone()
    con.close()
    out = {"year": year}
    for key, places in (("all", None), ("province", {"province": [province]})):
        t = time.perf_counter()
        scores = score_warehouse(wh, years=[year - 1, year], places=places).scores
        out[key] = {"reports": scores.filter(scores["year"] == year).height, "s": round(time.perf_counter() - t, 2)}
    out["process_rss_mb"] = round(_self_rss_mb(), 1)
    return out


def bench(
    n: int, seed: int = 0, jobs: int = 2, cache: Path | None = None, repeat: int = 20, keep: bool = False
) -> dict:
    cache = Path(cache or default_cache())
    t0 = time.perf_counter()
    d = corpus(n, seed, cache, jobs)
    synth_s = time.perf_counter() - t0
    work = Path(tempfile.mkdtemp(prefix="etl-bench-"))
    try:
        wh = work / "warehouse"
        wall, peak, tree_peak, tree_pss, summary, cpu = run_build(d / "reports", wh, jobs)
        files = [str(d / "reports" / p) for p in _report_files(d)]
        floor_s = floor(files, jobs)
        size = sum(f.stat().st_size for f in wh.rglob("*") if f.is_file())
        result = {
            "reports": n,
            "jobs": jobs,
            "cpus": os.cpu_count(),
            "etl_reports_per_s": round(n / wall, 1),
            "etl_build_s": round(wall, 2),
            "etl_cpu_ms_per_report": round(1000 * cpu / n, 3),
            "floor_reports_per_s": round(n / floor_s, 1),
            "etl_peak_rss_mb": round(peak, 1),
            "etl_peak_tree_rss_mb": round(tree_peak, 1),
            "etl_peak_tree_pss_mb": round(tree_pss, 1),
            "warehouse_mb": round(size / 2**20, 2),
        }
        result.update(accuracy(d, wh))
        query_set, timings = dashboard_queries(wh, repeat)
        result["query_set"] = query_set
        result["dashboard_connect"] = timings.pop("_connect", None)
        result["queries"] = timings
        result["scorecard"] = scorecard_timing(wh)
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


# ------------------------------------------------------------------------------------------------------------------
# A warehouse of N reports made directly from a parsed smaller one (no parsing): for the 1 000 000-report measurement.

# the place-name columns: every 演示 in them gets the replica's tag, so each replica is a new, consistent set of
# invented places and agencies (演示桐箐市/演示岫澜县 -> 演示乙丙桐箐市/演示乙丙岫澜县) with the same hierarchy
_PLACE_COLUMNS = ("agency", "agency_id", "agency_short", "province", "prefecture", "county", "township", "parent")
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _replica_select(table: str, cols: list[str], k: int, width: int, take: int | None, where: str = "TRUE") -> str:
    """SELECT of the source table as replica k: report ids prefixed with k (so the order by report_id of the
    source stays the order of the output), every 演示 place name tagged with k written in heavenly stems."""
    tag = "".join(_STEMS[int(c)] for c in str(k).zfill(width))
    pre = f"{k:0{width}x}-"

    def col(c: str) -> str:
        if c in ("report_id", "duplicate_of"):
            return f"'{pre}' || {c} AS {c}"
        if table == "reports" and c in _PLACE_COLUMNS and k:
            return f"replace({c}, '演示', '演示{tag}') AS {c}"
        return c

    if take is not None:
        where += f" AND report_id IN (SELECT report_id FROM src_reports ORDER BY report_id LIMIT {take})"
    return f"SELECT {', '.join(col(c) for c in cols)} FROM src_{table} WHERE {where}"


def direct_warehouse(src: Path, out: Path, n: int) -> dict:
    """Write a warehouse of n reports at `out` by replicating the parsed warehouse `src` in DuckDB SQL (no parsing),
    then its marts. Replica k gets report ids prefixed with k and every invented place name (演示…) tagged with k,
    so agencies, places and 汇总/本级 hierarchy repeat as new distinct ones; the last replica is cut to make n.
    Streams with DuckDB COPY under the build's memory limit (warehouse.db); returns timings and counts."""
    from warehouse import db, marts
    from warehouse.contract import TABLES

    src, out = Path(src), Path(out)
    if not marts.valid(src):
        raise ValueError(
            f"{src} has no current marts: rebuild it (python -m etl build … --force) or run "
            f"warehouse.marts.write_marts on it first"
        )
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    con = db.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = true")  # the UNION ALL of replicas keeps the report_id order
    for t in TABLES:
        con.execute(f"CREATE VIEW src_{t} AS SELECT * FROM read_parquet({literal(src / f'{t}.parquet')})")
    n_src = con.execute("SELECT count(*) FROM src_reports").fetchall()[0][0]
    if n_src == 0:
        raise ValueError(f"{src} holds no reports")
    full, rest = divmod(n, n_src)
    plan = [(k, None) for k in range(full)] + ([(full, rest)] if rest else [])
    width = max(1, len(str(len(plan) - 1)))
    t0 = time.perf_counter()
    rows = {}
    for t, schema in TABLES.items():
        body = "\nUNION ALL\n".join(_replica_select(t, schema.names, k, width, take) for k, take in plan)
        con.execute(f"COPY ({body}) TO {literal(out / f'{t}.parquet')} (FORMAT parquet, COMPRESSION zstd)")
        rows[t] = con.execute(f"SELECT count(*) FROM read_parquet({literal(out / f'{t}.parquet')})").fetchall()[0][0]
    tables_s = time.perf_counter() - t0
    manifest = {"direct_from": str(src), "replicas": len(plan), "reports": rows["reports"]}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    # marts: `rep`, `opts` and `labels` from the views (labels, list order, filter options are global); every other mart holds
    # per-report rows
    # (a report's rows depend on that report alone), so it is the source's, replicated like the tables; mv must
    # stay sorted by metric (its row groups are pruned by metric): it is written one metric at a time
    t0 = time.perf_counter()
    (out / "marts").mkdir()
    for name in marts.MARTS:
        if name in ("rep", "opts", "labels"):
            continue
        path = src / "marts" / f"{name}.parquet"
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({literal(path)})").fetchall()]
        con.execute(f"CREATE OR REPLACE VIEW src_{name} AS SELECT * FROM read_parquet({literal(path)})")
        if name == "mv":
            _write_mv(con, cols, plan, width, out / "marts" / "mv.parquet", marts._ROW_GROUP["mv"])
            continue
        body = "\nUNION ALL\n".join(_replica_select(name, cols, k, width, take) for k, take in plan)
        con.execute(
            f"COPY ({body}) TO {literal(out / 'marts' / f'{name}.parquet')} "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {marts._ROW_GROUP[name]})"
        )
    con.close()
    db.with_memory_headroom(marts.write_marts, out, ("labels", "rep", "opts"))
    marts.write_manifest(out)
    marts_s = time.perf_counter() - t0
    return {
        "source_reports": n_src,
        "replicas": len(plan),
        "rows": rows,
        "tables_s": round(tables_s, 2),
        "marts_s": round(marts_s, 2),
    }


def _write_mv(con, cols: list[str], plan: list, width: int, path: Path, row_group: int) -> None:
    """mv of the replicas in the order of a build's (metric, report_id, applicant) without sorting it: one metric at
    a time, each the UNION ALL of the replicas in order (replica ids keep the source's order, and the connection
    preserves insertion order), streamed as Arrow batches into one Parquet file."""
    writer = None
    try:
        for (metric,) in con.execute("SELECT DISTINCT metric FROM src_mv ORDER BY metric").fetchall():
            body = "\nUNION ALL\n".join(
                _replica_select("mv", cols, k, width, take, f"metric = {literal(metric)}") for k, take in plan
            )
            reader = con.sql(body).to_arrow_reader(row_group)
            if writer is None:
                writer = pq.ParquetWriter(path, reader.schema, compression="zstd")
            for batch in reader:
                writer.write_batch(batch, row_group_size=row_group)
    finally:
        if writer is not None:
            writer.close()


def parsed_source(n: int, seed: int, cache: Path, jobs: int) -> Path:
    """The warehouse built from the cached n-report corpus (built on first use), the source --direct replicates."""
    from etl import PARSER_VERSION
    from etl.build import build

    d = corpus(n, seed, cache, jobs)
    wh = d.with_name(d.name + f"-warehouse-p{PARSER_VERSION}")
    if not (wh / "manifest.json").exists():
        from etl.extract.metadata import use_places

        use_places([str(d / "places.csv")])
        build([str(d / "reports")], wh, jobs=jobs, force=True, progress=False)
    return wh


def bench_direct(n: int, src: Path, out: Path | None = None, repeat: int = 20, keep: bool = False) -> dict:
    """`python -m benchmarks.bench --direct`: make an n-report warehouse from `src` without parsing, time every named
    dashboard query on it; one JSON line like the build benchmark (without the build and accuracy figures)."""
    import resource

    work = None if out else Path(tempfile.mkdtemp(prefix="etl-bench-direct-"))
    wh = Path(out) if out else work / "warehouse"
    try:
        made = direct_warehouse(src, wh, n)
        size = sum(f.stat().st_size for f in wh.rglob("*") if f.is_file())
        query_set, timings = dashboard_queries(wh, repeat)
        return {
            "reports": made["rows"]["reports"],
            "direct": True,
            "source": str(src),
            **made,
            "warehouse_mb": round(size / 2**20, 2),
            "cpus": os.cpu_count(),
            "load_avg": [round(x, 2) for x in os.getloadavg()],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "query_set": query_set,
            "dashboard_connect": timings.pop("_connect", None),
            "queries": timings,
        }
    finally:
        if work and not keep:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """python -m benchmarks.bench --reports N [--direct [--from WH] [--out WH]] [--pdf] [--ocr]: prints one JSON line."""
    import argparse

    be = argparse.ArgumentParser(
        prog="python -m benchmarks.bench",
        description="benchmark the ETL on a (cached) synthetic corpus; prints one JSON line",
    )
    be.add_argument("--reports", type=int, default=None, help="corpus size (default 2000; 30 with --pdf)")
    be.add_argument("--seed", type=int, default=0)
    be.add_argument("--jobs", type=int, default=2, help="--jobs of the measured build")
    be.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="corpus cache folder (default: $ETL_BENCH_CACHE or <tmp>/etl-bench-cache)",
    )
    be.add_argument("--repeat", type=int, default=20, help="runs of each dashboard query")
    be.add_argument(
        "--direct",
        action="store_true",
        help="time the dashboard queries only, on an N-report warehouse made by replicating a parsed one "
        "in DuckDB instead of parsing N files (for 1,000,000 reports)",
    )
    be.add_argument(
        "--from",
        dest="source",
        type=Path,
        default=None,
        help="--direct: the parsed warehouse to replicate (default: the cached 10,000-report corpus, built)",
    )
    be.add_argument("--out", type=Path, default=None, help="--direct: keep the generated warehouse here")
    be.add_argument(
        "--pdf",
        action="store_true",
        help="the PDF reader on synthetic PDF reports (--reports of them, default 30; every PDF layout, "
        "printed by Chromium): reports/s, the pdfium floor, cell accuracy",
    )
    be.add_argument(
        "--ocr",
        action="store_true",
        help="OCR on scans of synthetic PDF reports (--reports of them, default 6, at 150 and 200 dpi): CPU seconds "
        "a page, cell accuracy, one long scan's pages read one by one and side by side",
    )
    args = be.parse_args(argv)
    args.reports = args.reports or (None if args.pdf or args.ocr else 2000)
    if args.ocr:
        from benchmarks.bench_ocr import DEFAULT_REPORTS, bench_ocr

        result = bench_ocr(args.reports or DEFAULT_REPORTS, seed=args.seed, jobs=max(1, args.jobs), cache=args.cache)
    elif args.pdf:
        from benchmarks.bench_pdf import bench_pdf

        result = bench_pdf(args.reports or 30, seed=args.seed, jobs=max(1, args.jobs), cache=args.cache)
    elif args.direct:
        source = args.source or parsed_source(10_000, args.seed, args.cache or default_cache(), max(1, args.jobs))
        result = bench_direct(args.reports, source, args.out, repeat=max(1, args.repeat))
    elif args.source or args.out:
        be.error("--from and --out apply only with --direct")
    else:
        result = bench(
            args.reports, seed=args.seed, jobs=max(1, args.jobs), cache=args.cache, repeat=max(1, args.repeat)
        )
    if not args.direct:  # the speed check: every figure beside the last release's (benchmarks/baseline.json)
        from benchmarks.baseline import compare, table

        result["vs_release"] = compare(result)
        if result["vs_release"]:
            print(table(result["vs_release"]), file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
