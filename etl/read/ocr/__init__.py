"""Scanned reports read by OCR: image files (PNG, JPEG; one image is one page) and the scanned pages of a PDF.

- `engine`: tesseract through tesserocr (chi_sim for text and labels, digits only for figures).
- `grid`: skew and ruling lines (OpenCV); the PDF reader's table finder rebuilds the cells from the rules.
- `page`: one page image -> text lines and table fragments, each cell cut out and read on its own.

Every cell keeps the engine's confidence (`page.OcrText`); `mark` turns it into the tables' OCR locators and
leaves a figure the engine was unsure of (below MIN_CONFIDENCE) unread, named in the problems.
"""

from __future__ import annotations

import io
import time

import numpy as np

from etl.model import Document, ReadError
from etl.read import limits
from etl.read.ocr import engine as _engine
from etl.read.pdf.assemble import assemble

MIN_CONFIDENCE = 80  # a figure whose least sure digit is below this is not taken
MAX_PIXELS = 80_000_000  # one page image (an A4 page at 600 dpi is 35 million)
MAX_OCR_PAGES = 40  # scanned pages in one file
PAGE_BUDGET = 90.0  # seconds of OCR allowed per scanned page (the file's time bound grows with them)
A4_WIDTH_IN = 8.27  # an image's resolution, when the file does not say, is taken from an A4 width
OCR_MIN_DPI, OCR_MAX_DPI = 100, 400

IMAGE_BROKEN = "图片文件已损坏或格式无法识别，无法读取（{cause}）"


def available() -> bool:
    return _engine.available()


def too_large(w: int, h: int) -> str:
    return f"图片过大（{w}×{h} 像素，上限 {MAX_PIXELS // 1_000_000} 百万像素），未做 OCR 识别"


def too_many_pages(n: int) -> str:
    return f"扫描页过多（{n} 页，上限 {MAX_OCR_PAGES} 页），未做 OCR 识别"


def page_items(gray: np.ndarray, dpi: float, pno: int, deadline: float) -> list[dict]:
    if not available():
        raise ReadError(_engine.NO_ENGINE)
    from etl.read.ocr.page import read_page  # OpenCV is loaded only by a build that meets a scan

    return read_page(gray, dpi, pno, deadline)


def read_image(data: bytes) -> Document:
    """A PNG or JPEG page: OCR of its text and tables."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        w, h = img.size
        if w * h > MAX_PIXELS:
            raise ReadError(too_large(w, h))
        dpi = img.info.get("dpi", (0, 0))[0] or w / A4_WIDTH_IN
        gray = np.asarray(img.convert("L"))
    except ReadError:
        raise
    except Image.DecompressionBombError as e:  # Pillow's own bound, above ours
        raise ReadError(f"图片过大（上限 {MAX_PIXELS // 1_000_000} 百万像素），未做 OCR 识别") from e
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ReadError(IMAGE_BROKEN.format(cause=type(e).__name__)) from e
    dpi = min(OCR_MAX_DPI, max(OCR_MIN_DPI, float(dpi)))
    limits.allow_more_time(PAGE_BUDGET)
    items = page_items(gray, dpi, 1, time.monotonic() + PAGE_BUDGET)
    if not items:
        raise ReadError("图片中没有识别出文字，无法读取")
    doc = mark(assemble(items, None))
    doc.file_format, doc.scanned = "image", True
    return doc


def mark(doc: Document) -> Document:
    """Tables rebuilt from OCR'd cells: locators that say so, each cell's confidence, unsure figures named."""
    if not any(isinstance(c, str) and hasattr(c, "confidence") for t in doc.tables for r in t.rows for c in r):
        return doc
    from etl.read.ocr.page import OcrText

    for t in doc.tables:
        read = [any(isinstance(c, OcrText) for c in r) for r in t.rows]
        if not any(read):
            continue
        t.locator = "OCR " + t.locator
        t.row_locators = ["OCR " + t.row_locator(i) if ocr else t.row_locator(i) for i, ocr in enumerate(read)]
        for i, row in enumerate(t.rows):
            for j, c in enumerate(row):
                if not isinstance(c, OcrText) or not (c or c.figure):
                    continue
                t.cell_notes[(i, j)] = f"第{j + 1}列 置信度 {c.confidence}"
                if not c:
                    t.unsure[(i, j)] = "有字迹，但没有识别出文字"
                elif c.figure and c.confidence < MIN_CONFIDENCE:
                    t.unsure[(i, j)] = f"识别为“{c}”，置信度 {c.confidence} 低于 {MIN_CONFIDENCE}"
        t.rows = [[str(c) for c in r] for r in t.rows]
    return doc


__all__ = ["MIN_CONFIDENCE", "available", "mark", "page_items", "read_image"]
