"""The figures of the last release (benchmarks/baseline.json) beside a benchmark's own: a speed check on every change
without timing tests. `etl bench` adds them to its JSON line (`vs_release`) and prints them as a table on stderr;
`python -m benchmarks.baseline docs` writes the figures section of docs/developer/benchmarks.md and README's speed
table from the file, and `python -m benchmarks.baseline record RESULT.json --release NAME` stores a benchmark's JSON
line there as release NAME's (a new name moves the figures held so far to `previous`, which README shows beside).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
BASELINE = HERE / "baseline.json"
DOCS = HERE.parent / "docs" / "developer" / "benchmarks.md"
README = HERE.parent / "README.md"
BEGIN, END = "<!-- figures: begin (python -m benchmarks.baseline docs) -->", "<!-- figures: end -->"
# README's speed table: (kind, size, figure, what it is)
HEADLINE = [
    ("text", "20000", "etl_reports_per_s", "text and HTML reports a second, 20 000 reports, `--jobs 2`"),
    ("text", "100000", "etl_reports_per_s", "text and HTML reports a second, 100 000 reports, `--jobs 2`"),
    ("text", "20000", "etl_cpu_ms_per_report", "CPU ms a report (build and workers), 20 000 reports"),
    ("pdf", "14", "pdf_read_vs_floor", "PDF reading ÷ pdfium's own extraction (CPU), synthetic PDFs"),
    ("ocr", "6", "ocr_cpu_s_per_page", "OCR CPU s a page, scans at 200 dpi"),
    ("ocr", "6", "ocr_cpu_s_table3_page", "OCR CPU s for the page of section 三's table, 200 dpi"),
    ("ocr", "6", "ocr_wrong_cells", "OCR cells read wrong (scans of six synthetic reports, 200 dpi)"),
]

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


def record(result: dict, path: Path = BASELINE, release: str | None = None) -> None:
    """Store a benchmark's figures as the release's (under its kind and size). A new release name first moves the
    figures held so far, with their name, to `previous`."""
    baseline = load(path) if path.exists() else {}
    if release and release != baseline.get("release"):
        baseline = {"release": release, "previous": {k: v for k, v in baseline.items() if k != "previous"}}
    kept = {f: result[f] for f in FIGURES[kind_of(result)] if f in result}
    baseline.setdefault(kind_of(result), {})[str(size_of(result))] = kept
    path.write_text(json.dumps(baseline, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def headline(baseline: dict) -> str:
    """README's speed table: the release's headline figures beside the previous release's."""
    before = baseline.get("previous", {})
    out = [
        f"| figure | {baseline.get('release', '')} | before: {before.get('release', '')} |",
        "|---|---:|---:|",
    ]
    for kind, size, figure, what in HEADLINE:
        now = baseline.get(kind, {}).get(size, {}).get(figure)
        then = before.get(kind, {}).get(size, {}).get(figure)
        if now is not None or then is not None:
            out.append(f"| {what} | {'' if now is None else now} | {'' if then is None else then} |")
    return "\n".join(out)


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


def write_docs(path: Path = DOCS, baseline: dict | None = None, readme: Path = README) -> None:
    """Replace the figures section of docs/developer/benchmarks.md and README's speed table (each between two
    markers) with the baseline's."""
    baseline = load() if baseline is None else baseline
    _replace(path, figures_section(baseline))
    _replace(readme, headline(baseline))


def _replace(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
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
    rec.add_argument("--release", help="the release's name (a new one moves the figures held so far to previous)")
    args = ap.parse_args(argv)
    if args.cmd == "docs":
        write_docs()
    else:
        text = sys.stdin.read() if args.result == "-" else Path(args.result).read_text(encoding="utf-8")
        record(json.loads(text.strip().splitlines()[-1]), release=args.release)  # the JSON line is the benchmark's last
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
