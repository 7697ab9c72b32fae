"""`python -m benchmarks.bench --ocr`: OCR on scans of synthetic PDF reports.

The synthetic PDF reports of `--pdf` (etl.synth.pdf, printed by Chromium; `--reports` of them, default 6) are
rasterised at each resolution into image-only PDFs, as a scanner gives them. Then:

- every page is read alone, in this process: CPU seconds a page (median, mean, largest) at each resolution, and
  for the pages of section 三's table (the goal: at most 2.5 s at 200 dpi);
- the scans are built (`etl build --jobs J`) and scored against the truth: cell accuracy, and above all no cell
  wrong (an unsure figure is left null and named);
- the longest scan is built alone with `--jobs 1` and with `--jobs J`: the wall seconds of its pages read one
  after another and side by side (etl.read.ocr.pool).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_pdf import corpus
from benchmarks.measure import accuracy, default_cache, run_build

DPIS = (150, 200)
DEFAULT_REPORTS = 6
# a row label of section 三's table in the 2019 and 2021 formats: the page that prints it holds the table
TABLE3_ROW = "本年新收政府信息公开申请数量"


def rasterised(src: Path, out: Path, dpi: int) -> list[tuple[int, object, bool]]:
    """Write `src` as an image-only PDF at `dpi` to `out`; return its pages as (number, grey array, holds 三's
    table)."""
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    pages, images = [], []
    for i, page in enumerate(pdf):
        table3 = TABLE3_ROW in page.get_textpage().get_text_range().replace("\r", "").replace("\n", "")
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        images.append(image)
        pages.append((i + 1, np.asarray(image), table3))
    pdf.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return pages


def page_seconds(pages: list[tuple[int, object, bool]], dpi: int) -> list[tuple[float, bool]]:
    """(CPU seconds, holds 三's table) of reading each page alone (the engine loaded beforehand)."""
    from etl.read import ocr
    from etl.read.ocr.engine import engine

    engine()
    out = []
    for pno, gray, table3 in pages:
        start = time.process_time()
        ocr.page_items(gray, float(dpi), pno, time.monotonic() + ocr.PAGE_BUDGET)
        out.append((time.process_time() - start, table3))
    return out


def _figures(times: list[tuple[float, bool]]) -> dict:
    every = [t for t, _ in times]
    table3 = [t for t, in3 in times if in3]
    return {
        "pages": len(every),
        "cpu_s_per_page": round(statistics.fmean(every), 2),
        "cpu_s_per_page_median": round(statistics.median(every), 2),
        "cpu_s_per_page_max": round(max(every), 2),
        "cpu_s_table3_page": round(max(table3), 2) if table3 else None,
    }


def bench_ocr(n: int = DEFAULT_REPORTS, seed: int = 0, jobs: int = 2, cache: Path | None = None) -> dict:
    d = corpus(n, seed, Path(cache or default_cache()))
    files = sorted((d / "reports").rglob("*.pdf"))
    work = Path(tempfile.mkdtemp(prefix="etl-bench-ocr-"))
    try:
        result: dict = {"ocr_reports": len(files), "jobs": jobs, "corpus": str(d)}
        longest: tuple[int, Path] = (0, files[0])
        for dpi in DPIS:
            scans = work / f"scans-{dpi}"  # a corpus folder like d: its reports scanned, the same truth
            for f in d.iterdir():
                if f.name != "reports":
                    (scans / f.name).parent.mkdir(parents=True, exist_ok=True)
                    (scans / f.name).symlink_to(f)
            times = []
            for f in files:
                target = scans / "reports" / f.relative_to(d / "reports")
                pages = rasterised(f, target, dpi)
                times += page_seconds(pages, dpi)
                longest = max(longest, (len(pages), target), key=lambda x: x[0])
            figures = _figures(times)
            wh = work / f"warehouse-{dpi}"
            # the build's wall time only: the CPU of a page pool's processes (etl.read.ocr.pool) escapes its rusage
            wall = run_build(scans / "reports", wh, jobs)[0]
            scored = accuracy(scans, wh)
            figures.update(
                build_wall_s=round(wall, 1),
                **{
                    k: scored[k]
                    for k in ("synthetic_cell_accuracy", "wrong_cells", "missing_cells", "left_blank_cells")
                },
            )
            result[f"ocr_{dpi}dpi"] = figures
        at = result[f"ocr_{DPIS[-1]}dpi"]  # the figures compared from run to run: the finer resolution's
        result.update({f"ocr_{k}": v for k, v in at.items()})
        alone = work / "alone" / "reports"
        alone.mkdir(parents=True)
        shutil.copy(longest[1], alone / longest[1].name)
        one_by_one = run_build(alone, work / "alone-1", 1)[0]
        side_by_side = run_build(alone, work / f"alone-{jobs}", jobs)[0]
        result.update(
            ocr_one_file_pages=longest[0],
            ocr_one_file_wall_s_jobs_1=round(one_by_one, 1),
            ocr_one_file_wall_s_jobs_n=round(side_by_side, 1),
            ocr_pages_side_by_side_speedup=round(one_by_one / side_by_side, 2),
        )
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)
