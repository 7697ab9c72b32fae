"""The figures of the last release (benchmarks/baseline.json) beside a benchmark's own: a speed check on every change
without timing tests. `etl bench` adds them to its JSON line (`vs_release`) and prints them as a table on stderr;
`python -m benchmarks.baseline docs` writes the figures section of docs/developer/benchmarks.md from the file, and
`python -m benchmarks.baseline record RESULT.json` stores a benchmark's JSON line there as the new release's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
BASELINE = HERE / "baseline.json"
DOCS = HERE.parent / "docs" / "developer" / "benchmarks.md"
BEGIN, END = "<!-- figures: begin (python -m benchmarks.baseline docs) -->", "<!-- figures: end -->"

# the figures compared, by benchmark kind, with the direction that is better
FIGURES = {
    "text": {
        "etl_cpu_ms_per_report": "lower",
        "etl_reports_per_s": "higher",
        "synthetic_cell_accuracy": "higher",
        "wrong_cells": "lower",
        "missing_cells": "lower",
        "left_blank_cells": "lower",
        "metadata_accuracy": "higher",
        "etl_peak_rss_mb": "lower",
    },
    "pdf": {
        "pdf_read_ms_per_report": "lower",
        "pdfium_floor_ms_per_report": "lower",
        "pdf_read_vs_floor": "lower",
        "pdf_build_cpu_ms_per_report": "lower",
        "synthetic_cell_accuracy": "higher",
        "wrong_cells": "lower",
    },
    "ocr": {
        "ocr_cpu_s_per_page": "lower",
        "ocr_cpu_s_table3_page": "lower",
        "ocr_build_cpu_s_per_page": "lower",
        "ocr_one_file_wall_s_jobs_n": "lower",
        "ocr_synthetic_cell_accuracy": "higher",
        "ocr_wrong_cells": "lower",
    },
}


def load(path: Path = BASELINE) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def kind_of(result: dict) -> str:
    return "ocr" if "ocr_reports" in result else "pdf" if "pdf_reports" in result else "text"


def size_of(result: dict) -> int:
    return result.get("ocr_reports") or result.get("pdf_reports") or result["reports"]


def compare(result: dict, baseline: dict | None = None) -> dict:
    """{figure: {now, release, ratio, better}} against the release's run of the same size, or of the nearest
    size (`release_reports` says which; counts of cells are compared only at the same size)."""
    if baseline is None:
        baseline = load() if BASELINE.exists() else {}
    kind, n = kind_of(result), size_of(result)
    runs = baseline.get(kind, {})
    if not runs:
        return {}
    size = min(runs, key=lambda k: abs(int(k) - n))
    release = runs[size]
    out: dict = {"release": baseline.get("release"), "release_reports": int(size)}
    for figure, better in FIGURES[kind].items():
        now, then = result.get(figure), release.get(figure)
        if now is None or then is None or (figure.endswith("_cells") and int(size) != n):
            continue
        ratio = round(now / then, 3) if then else None
        out[figure] = {"now": now, "release": then, "ratio": ratio, "better": better}
    return out


def table(comparison: dict) -> str:
    """The comparison as a Markdown table."""
    rows = [
        f"| `{figure}` | {c['now']} | {c['release']} | {'' if c['ratio'] is None else c['ratio']} | {c['better']} |"
        for figure, c in comparison.items()
        if isinstance(c, dict)
    ]
    head = (
        f"beside {comparison.get('release')} ({comparison.get('release_reports')} reports)\n\n"
        "| figure | now | release | now / release | better |\n|---|---:|---:|---:|---|"
    )
    return "\n".join([head, *rows])


def record(result: dict, path: Path = BASELINE) -> None:
    """Store a benchmark's figures as the release's (under its kind and size)."""
    baseline = load(path) if path.exists() else {}
    kept = {f: result[f] for f in FIGURES[kind_of(result)] if f in result}
    baseline.setdefault(kind_of(result), {})[str(size_of(result))] = kept
    path.write_text(json.dumps(baseline, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def figures_section(baseline: dict) -> str:
    """The figures of the release, one table per benchmark kind, for docs/developer/benchmarks.md."""
    out = [f"Release: {baseline.get('release')}. {baseline.get('note', '')}".strip()]
    for kind, runs in baseline.items():
        if kind not in FIGURES:
            continue
        sizes = sorted(runs, key=int)
        out += [
            "",
            f"**{kind}** (reports: {', '.join(sizes)})",
            "",
            "| figure | " + " | ".join(sizes) + " |",
            "|---|" + "---:|" * len(sizes),
        ]
        for figure in FIGURES[kind]:
            if any(figure in runs[s] for s in sizes):
                out.append(f"| `{figure}` | " + " | ".join(str(runs[s].get(figure, "")) for s in sizes) + " |")
    return "\n".join(out)


def write_docs(path: Path = DOCS, baseline: dict | None = None) -> None:
    """Replace the figures section of docs/developer/benchmarks.md (between its two markers) with the baseline's."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    section = figures_section(load() if baseline is None else baseline)
    path.write_text(text[:start] + "\n" + section + "\n" + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m benchmarks.baseline")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser(
        "docs", help="write the figures section of docs/developer/benchmarks.md from benchmarks/baseline.json"
    )
    rec = sub.add_parser("record", help="store a benchmark's JSON line (a file, or - for stdin) as the release's")
    rec.add_argument("result")
    args = ap.parse_args(argv)
    if args.cmd == "docs":
        write_docs()
    else:
        text = sys.stdin.read() if args.result == "-" else Path(args.result).read_text(encoding="utf-8")
        record(json.loads(text.strip().splitlines()[-1]))  # the JSON line is the benchmark's last
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
