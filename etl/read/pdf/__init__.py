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
them; blank cells stay ''. Scanned PDFs (no text layer), encrypted, truncated and non-PDF files raise
ReadError.
"""
from __future__ import annotations

import logging
import time

from etl.model import Document, ReadError
from etl.read.pdf import guards, layer, ruled, unruled
from etl.read.pdf.assemble import assemble
from etl.read.pdf.text import fix_glyphs, text_lines

__all__ = ["fix_glyphs", "read_pdf"]

log = logging.getLogger(__name__)


def read_pdf(data: bytes) -> Document:
    if b"%PDF-" not in data[:1024]:
        raise ReadError(guards.not_pdf_message(data))
    if guards.inflates_too_far(data):
        raise ReadError(guards.BOMB)
    try:
        pdf = layer.open_document(data)
    except Exception as e:
        if getattr(e, "err_code", None) == 4 or "password" in str(e).lower():      # FPDF_ERR_PASSWORD
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
    msg = str(e)[:80]
    return f"{type(e).__name__}{': ' + msg if msg else ''}"


def _read(pdf) -> Document:
    n = len(pdf)
    if n > guards.MAX_PAGES:
        raise ReadError(guards.too_many_pages(n))
    if n == 0:
        raise ReadError(guards.NO_PAGES)
    deadline = time.monotonic() + guards.TIME_BUDGET
    items: list[dict] = []         # text lines and table fragments in reading order
    warnings: list[str] = []
    image_pages: list[int] = []
    n_chars = n_images = 0
    for index in range(n):
        pno = index + 1
        if time.monotonic() > deadline:
            raise ReadError(guards.timed_out(pno))
        page = layer.read_page(pdf, index)
        chars = page.chars
        if len(chars) > guards.MAX_CHARS_PER_PAGE:
            raise ReadError(guards.too_many_chars(pno, len(chars)))
        n_chars += len(chars)
        n_images += len(page.images)
        if chars:
            items.extend(_page_items(page, pno, warnings))
        elif page.images:
            image_pages.append(pno)
    if n_chars == 0:
        if n_images:
            raise ReadError("这是扫描版 PDF（只有图片，没有文字层），目前不支持 OCR 识别，无法读取；请提供文字版 PDF 或网页版")
        raise ReadError(guards.NO_TEXT)
    doc = assemble(items, pdf.get_metadata_value("Title"))   # pdfium decodes UTF-16 (either BOM) and PDFDocEncoding
    if image_pages:
        pages = "、".join(str(p) for p in image_pages[:10]) + ("等" if len(image_pages) > 10 else "")
        warnings.append(f"PDF 第 {pages} 页是扫描图片（没有文字层，未识别）")
    doc.warnings.extend(warnings)
    return doc


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
