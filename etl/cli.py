"""Command line: python -m etl build INPUT... --out DIR [--jobs N] [--force]."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from etl.build import build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="政府信息公开年度报告 → Parquet warehouse")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse report files into the warehouse")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="report files or folders (searched recursively)")
    b.add_argument("--out", required=True, type=Path, help="warehouse folder")
    b.add_argument("--jobs", type=int, default=1, help="parallel worker processes")
    b.add_argument("--force", action="store_true", help="reparse every input, changed or not")
    args = parser.parse_args(argv)
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
        summary = build(args.inputs, args.out, jobs=max(1, args.jobs), force=args.force)
        print(summary.line())
    return 0
