"""Command line: python -m etl build INPUT... --out DIR [--jobs N] [--force];
python -m etl synth --out DIR --reports N [--seed S]; python -m etl bench --reports N."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from etl.build import build
from etl.executors import EXECUTORS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="政府信息公开年度报告 → Parquet warehouse")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse report files into the warehouse")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="report files or folders (searched recursively)")
    b.add_argument("--out", required=True, type=Path, help="warehouse folder")
    b.add_argument("--jobs", type=int, default=1, help="parallel worker processes")
    b.add_argument("--executor", choices=EXECUTORS, default="local",
                   help="local: this machine's processes; dask: a Dask cluster (see --scheduler)")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local Dask cluster of --jobs workers)")
    b.add_argument("--force", action="store_true", help="reparse every input, changed or not")
    s = sub.add_parser("synth", help="write a synthetic corpus of reports with truth files")
    s.add_argument("--out", required=True, type=Path, help="corpus folder (reports/, truth/, index.csv)")
    s.add_argument("--reports", required=True, type=int, help="number of reports")
    s.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    s.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="writer processes (same corpus whatever N)")
    s.add_argument("--inject-rate", type=float, default=0.05, help="share of reports given one contradiction")
    be = sub.add_parser("bench", help="benchmark the ETL on a (cached) synthetic corpus; prints one JSON line")
    be.add_argument("--reports", type=int, default=2000, help="corpus size")
    be.add_argument("--seed", type=int, default=0)
    be.add_argument("--jobs", type=int, default=2, help="--jobs of the measured build")
    be.add_argument("--cache", type=Path, default=None, help="corpus cache folder (default: $ETL_BENCH_CACHE or "
                    "<tmp>/etl-bench-cache)")
    be.add_argument("--repeat", type=int, default=20, help="runs of each dashboard query")
    args = parser.parse_args(argv)
    if args.command == "synth":
        if args.reports < 0:
            parser.error("--reports must be >= 0")
        from etl.synth import generate
        print(generate(args.out, args.reports, seed=args.seed, inject_rate=args.inject_rate,
                       jobs=max(1, args.jobs)).line())
        return 0
    if args.command == "bench":
        import json
        from etl.bench import bench
        print(json.dumps(bench(args.reports, seed=args.seed, jobs=max(1, args.jobs), cache=args.cache,
                               repeat=max(1, args.repeat)), ensure_ascii=False))
        return 0
    if args.command == "build":
        missing = [i for i in args.inputs if not os.path.exists(i)]
        if missing:
            parser.error(f"input not found: {', '.join(missing)}")
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(args.out.parent, os.W_OK):
                raise PermissionError(args.out.parent)
        except OSError as e:
            print(f"error: cannot write the warehouse at {args.out}: {e}", file=sys.stderr)
            return 2
        summary = build(args.inputs, args.out, jobs=max(1, args.jobs), force=args.force,
                        executor=args.executor, scheduler=args.scheduler)
        print(summary.line())
    return 0
