"""PDF reports: the text layer in reading order, and tables with their grid recovered.

The file is read with pdfium (pypdfium2: BSD/Apache, bundled in the wheel): every character with its box
and every path object, at close to the speed pdfium itself needs (`layer`). pdfplumber's table finder and
word grouping run on those objects. PyMuPDF would be as fast but is AGPL-licensed; pdfminer (pdfplumber's
own parser) spent ~85 % of the time in Python layout analysis.

- `guards`: limits per file (streams, pages, characters, rules, time) and the messages of refused files.
- `text`: glyph fixes (⼯ for 工, ⺠ for 民), text lines, vertical text.
- `ruled`: tables drawn with rules; `unruled`: tables aligned by text positions only.
- `assemble`: fragments continued over page breaks merged; paragraphs joined; the Document.

Cells spanning several grid cells (rowspan/colspan) come out once, in source order, as the HTML reader gives
them; blank cells stay ''. Scanned pages (images and no text layer) are read by OCR (`etl.read.ocr`), in a
mixed PDF as in an image-only one. Encrypted, truncated and non-PDF files raise ReadError.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import numpy as np

from etl.model import Document, ReadError
from etl.read import limits, ocr
from etl.read.ocr import pool
from etl.read.pdf import guards, layer, ruled, unruled
from etl.read.pdf.assemble import assemble
from etl.read.pdf.text import fix_glyphs, text_lines

__all__ = ["fix_glyphs", "read_pdf"]

log = logging.getLogger(__name__)

RENDER_DPI = 200.0  # scanned pages are rendered for OCR at this resolution or their scan's own if finer


def read_pdf(data: bytes) -> Document:
    if b"%PDF-" not in data[:1024]:
        raise ReadError(guards.not_pdf_message(data))
    if guards.inflates_too_far(data):
        raise ReadError(guards.BOMB)
    try:
        pdf = layer.open_document(data)
    except Exception as e:
        if getattr(e, "err_code", None) == 4 or "password" in str(e).lower():  # FPDF_ERR_PASSWORD
            raise ReadError(guards.ENCRYPTED) from e
        raise ReadError(guards.broken(_cause(e))) from e
    try:
        return _read(pdf)
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(guards.broken(_cause(e))) from e
    finally:
        pdf.close()


def _cause(e: BaseException) -> str:
    if type(e).__name__ == "PdfiumError":
        return guards.pdfium_reason(e)
    msg = str(e)[:80]
    return f"{type(e).__name__}{': ' + msg if msg else ''}"


def _read(pdf) -> Document:
    n = len(pdf)
    if n > guards.MAX_PAGES:
        raise ReadError(guards.too_many_pages(n))
    if n == 0:
        raise ReadError(guards.NO_PAGES)
    deadline = time.monotonic() + guards.TIME_BUDGET
    pages: list[list[dict]] = []  # per page: text lines and table fragments in reading order
    warnings: list[str] = []
    scanned: dict[int, list[dict]] = {}  # pages with images and no text layer: their images
    n_chars = 0
    for index in range(n):
        pno = index + 1
        if time.monotonic() > deadline:
            raise ReadError(guards.timed_out(pno))
        page = layer.read_page(pdf, index)
        chars = page.chars
        if len(chars) > guards.MAX_CHARS_PER_PAGE:
            raise ReadError(guards.too_many_chars(pno, len(chars)))
        n_chars += len(chars)
        pages.append(_page_items(page, pno, warnings) if chars else [])
        if not chars and page.images:
            scanned[index] = page.images
    if scanned:
        _read_scans(pdf, scanned, pages, warnings, image_only=n_chars == 0, deadline=deadline)
    elif n_chars == 0:
        raise ReadError(guards.NO_TEXT)
    doc = ocr.mark(assemble([it for p in pages for it in p], pdf.get_metadata_value("Title")))
    doc.warnings.extend(warnings)  # pdfium decodes the title's UTF-16 (either BOM) and PDFDocEncoding
    doc.scanned = n_chars == 0
    return doc


def _read_scans(
    pdf, scanned: dict[int, list[dict]], pages: list[list[dict]], warnings: list[str], image_only: bool, deadline: float
) -> None:
    """OCR of the scanned pages (images and no text layer), each rendered at its scan's own resolution. Every
    image is measured from its dictionary before pdfium decodes anything: a page whose images hold more than
    `ocr.MAX_PIXELS` pixels is refused."""
    if not ocr.available():
        if image_only:
            raise ReadError(
                "这是扫描版 PDF（只有图片，没有文字层），需要 OCR 识别，但本机没有安装 OCR 引擎"
                "（tesseract-ocr、tesseract-ocr-chi-sim 与 tesserocr），无法读取"
            )
        listed = "、".join(str(i + 1) for i in list(scanned)[:10]) + ("等" if len(scanned) > 10 else "")
        warnings.append(f"PDF 第 {listed} 页是扫描图片（没有文字层；本机没有 OCR 引擎，未识别）")
        return
    if len(scanned) > ocr.MAX_OCR_PAGES:
        raise ReadError(ocr.too_many_pages(len(scanned)))
    deadline += ocr.PAGE_BUDGET * len(scanned)
    limits.allow_more_time(ocr.PAGE_BUDGET * len(scanned))
    for pno, items in pool.read_pages(_rendered(pdf, scanned, deadline), deadline).items():
        pages[pno - 1] = items
    if image_only and not any(pages[i] for i in scanned):
        raise ReadError("这是扫描版 PDF（只有图片，没有文字层），OCR 识别没有读出文字，无法读取")


def _rendered(pdf, scanned: dict[int, list[dict]], deadline: float) -> Iterator[tuple[int, np.ndarray, float]]:
    """(page number, grey image, dpi) of each scanned page, rendered when the OCR is ready for it."""
    for index, images in scanned.items():
        pno = index + 1
        if time.monotonic() > deadline:
            raise ReadError(guards.timed_out(pno))
        pixels = sum(im["pixels"][0] * im["pixels"][1] for im in images)
        if pixels > ocr.MAX_PIXELS:
            raise ReadError(guards.image_too_large(pno, pixels, ocr.MAX_PIXELS))
        page = pdf[index]
        w, h = page.get_size()
        dpi = min(_scan_dpi(images), (ocr.MAX_PIXELS / max(1.0, w * h / 72 / 72)) ** 0.5)
        gray = np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
        log.info("OCR of PDF page %d (%d×%d px)", pno, gray.shape[1], gray.shape[0])
        yield pno, gray, dpi


def _scan_dpi(images: list[dict]) -> float:
    """The resolution of the page's largest image as placed on the page, at least RENDER_DPI (a scan of
    that resolution or more is rendered at its own, not resampled; a coarser one is enlarged by pdfium:
    its labels read better so), at most OCR_MAX_DPI."""
    im = max(images, key=lambda im: (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]))
    width_pt = im["x1"] - im["x0"]
    if im["pixels"][0] <= 0 or width_pt <= 1:
        return RENDER_DPI
    return min(ocr.OCR_MAX_DPI, max(RENDER_DPI, im["pixels"][0] * 72 / width_pt))


def _page_items(page, pno: int, warnings: list[str]) -> list[dict]:
    """The page's text lines and table fragments, top to bottom."""
    if len(page.edges) > guards.MAX_EDGES_PER_PAGE:
        warnings.append(guards.too_many_rules(pno, len(page.edges)))
        frags = []
    else:
        frags = ruled.fragments(page, pno)
    if not frags:
        frags = unruled.fragments(page, pno)
    boxes = [f["bbox"] for f in frags]

    def outside(obj) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)

    rest = page.filter(lambda o: o.get("object_type") != "char" or outside(o)) if boxes else page
    out = text_lines(rest, pno) + [{"kind": "table", "top": f["bbox"][1], **f} for f in frags]
    out.sort(key=lambda it: it["top"])
    return out
