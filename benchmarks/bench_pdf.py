"""`python -m benchmarks.bench --pdf`: the PDF reader on synthetic PDF reports (etl.synth.pdf, every PDF layout).

Prints PDF reports/s (reading alone, and the whole build), the pdfium floor on the same files (every
character with its box and every page object extracted, nothing else), their ratio, and the cell accuracy
against the truth files (benchmarks.measure.accuracy, by layout).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.measure import accuracy, default_cache, run_build, truth_table
from etl.synth import pdf as synth_pdf

PDF_GENERATOR_VERSION = "2"


def corpus(n: int, seed: int, cache: Path) -> Path:
    d = cache / f"synth-pdf-v{PDF_GENERATOR_VERSION}-n{n}-s{seed}"
    if (d / "DONE").exists():
        return d
    if d.exists():
        shutil.rmtree(d)
    synth_pdf.generate(d, n, seed)
    truth_table(d)
    (d / "DONE").write_text("ok")
    return d


def pdfium_floor(paths: list[str]) -> float:
    """CPU seconds pdfium needs to give every character with its box and every page object of the files."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    start = time.process_time()
    for p in paths:
        pdf = pdfium.PdfDocument(p)
        for page in pdf:
            text = page.get_textpage()
            for i in range(text.count_chars()):
                raw.FPDFText_GetUnicode(text, i)
                text.get_charbox(i)
            for obj in page.get_objects():
                obj.get_bounds()
            text.close()
            page.close()
        pdf.close()
    return time.process_time() - start


def read_time(paths: list[str]) -> float:
    """CPU seconds of etl.read.pdf.read_pdf over the files."""
    from etl.read.pdf import read_pdf

    start = time.process_time()
    for p in paths:
        with open(p, "rb") as f:
            read_pdf(f.read())
    return time.process_time() - start


def _timed(fn, files: list[str], jobs: int) -> float:
    """Summed CPU seconds of fn over the files, spread over `jobs` processes (warmed up first)."""
    chunks = [files[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(fn, [c[:1] for c in chunks]))
        return sum(pool.map(fn, chunks))


def bench_pdf(n: int = 30, seed: int = 0, jobs: int = 2, cache: Path | None = None) -> dict:
    cache = Path(cache or default_cache())
    t0 = time.perf_counter()
    d = corpus(n, seed, cache)
    synth_s = time.perf_counter() - t0
    files = sorted(str(p) for p in (d / "reports").rglob("*.pdf"))
    pages = _pages(files)
    floor_s = _timed(pdfium_floor, files, jobs)
    read_s = _timed(read_time, files, jobs)
    work = Path(tempfile.mkdtemp(prefix="etl-bench-pdf-"))
    try:
        wh = work / "warehouse"
        wall, peak, _, _, summary, cpu = run_build(d / "reports", wh, jobs)
        result = {
            "pdf_reports": len(files),
            "pdf_pages": pages,
            "jobs": jobs,
            "pdf_read_reports_per_s_per_core": round(len(files) / read_s, 1),
            "pdfium_floor_reports_per_s_per_core": round(len(files) / floor_s, 1),
            "pdf_read_vs_floor": round(read_s / floor_s, 2),
            "pdf_read_ms_per_report": round(1000 * read_s / len(files), 1),
            "pdfium_floor_ms_per_report": round(1000 * floor_s / len(files), 1),
            "pdf_build_reports_per_s": round(len(files) / wall, 1),
            "pdf_build_cpu_ms_per_report": round(1000 * cpu / len(files), 1),
            "pdf_build_peak_rss_mb": round(peak, 1),
        }
        result.update(accuracy(d, wh))
        result["build_summary"] = summary
        result["corpus"] = str(d)
        result["corpus_generated_s" if synth_s > 1 else "corpus_cached"] = round(synth_s, 2) if synth_s > 1 else True
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pages(files: list[str]) -> int:
    import pypdfium2 as pdfium

    n = 0
    for p in files:
        pdf = pdfium.PdfDocument(p)
        n += len(pdf)
        pdf.close()
    return n


def main(argv: list[str] | None = None) -> None:
    """`python -m benchmarks.bench_pdf read|floor [--passes N] FILE...`: one side of the comparison alone, for timing
    from outside (farm-bench ... --vs ...); prints the CPU seconds it measured itself."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_pdf")
    ap.add_argument("side", choices=["read", "floor"])
    ap.add_argument("--passes", type=int, default=1)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv)
    fn = read_time if args.side == "read" else pdfium_floor
    print(f"{args.side}: {sum(fn(args.files) for _ in range(args.passes)):.3f} s CPU")


if __name__ == "__main__":
    main()
