"""One scanned page read by OCR into the items the PDF reader assembles: text lines, and table fragments whose
cells are cut out along the page's rules and read one by one (figures with the digits engine, labels in
Chinese). Coordinates are points, as on a PDF page, so the same assembly (tables continued over pages,
paragraphs) applies."""
from __future__ import annotations

import re
import time

import numpy as np
from PIL import Image

from etl.model import ReadError
from etl.read.ocr import grid
from etl.read.ocr.engine import _prepared, engine
from etl.read.pdf import guards, ruled
from etl.read.pdf.layer import PageLayer
from etl.read.pdf.text import MARGIN, MAX_LINE_SIZE, MIN_LINE_SIZE, _PAGE_NO, fix_glyphs

CELL_DPI = 300            # cells are enlarged to this resolution before reading (small digits read better)
CELL_INSET_PT = 1.5       # pt cut off each side of a cell: the rule around it
MIN_INK = 12              # dark pixels (at the page's resolution): fewer is an empty cell, not read
SHORT_LABEL = 3           # a label this short read with less confidence than MIN_LABEL_CONFIDENCE ...
MIN_LABEL_CONFIDENCE = 80  # ... is read as digits too
_FIGURE = re.compile(r"^[\s0-9.,，。oOlI|S]+$")


class OcrText(str):
    """A cell's text as read by OCR, with the engine's confidence; ``figure`` if read as digits."""

    confidence: int
    figure: bool

    def __new__(cls, text: str, confidence: int, figure: bool):
        s = super().__new__(cls, text)
        s.confidence, s.figure = confidence, figure
        return s


def read_page(gray: np.ndarray, dpi: float, pno: int, deadline: float) -> list[dict]:
    """The page's text lines and table fragments (as `etl.read.pdf` makes them), top to bottom."""
    angle = grid.skew(gray, dpi)
    if angle:
        gray = grid.rotate(gray, angle)
    ink = grid.binarise(gray)
    lines, rule_mask = grid.rules(ink, dpi)
    scale = 72.0 / dpi
    height, width = gray.shape
    layer = PageLayer(pno, width * scale, height * scale,
                      {"char": [], "rect": [], "line": lines, "curve": [], "image": []})
    frags = []
    clean = np.where(rule_mask > 0, 255, gray).astype(np.uint8)     # rules removed: cells hold their text only
    settings = {"intersection_tolerance": 4, **ruled.closing_lines(layer)}
    for t in layer.find_tables(settings) if lines else []:
        cells = [list(r.cells) for r in t.rows]
        rows = [[None if box is None else _cell(clean, ink & ~rule_mask, box, dpi, pno, deadline) for box in r]
                for r in cells]
        if ruled.real_table(rows):
            frags.append({"bbox": t.bbox, "rows": rows, "cells": cells, "page": pno,
                          "open_bottom": ruled.open_bottom(layer, t.bbox, cells)})
    prose = clean.copy()
    for f in frags:
        x0, top, x1, bottom = (int(v / scale) for v in f["bbox"])
        prose[max(0, top - 2):bottom + 2, max(0, x0 - 2):x1 + 2] = 255
    items = _text_lines(prose, scale, pno) + [{"kind": "table", "top": f["bbox"][1], **f} for f in frags]
    items.sort(key=lambda it: it["top"])
    return items


def _cell(gray: np.ndarray, ink: np.ndarray, box: tuple, dpi: float, pno: int, deadline: float) -> OcrText:
    if time.monotonic() > deadline:
        raise ReadError(guards.timed_out(pno))
    px = dpi / 72.0
    inset = CELL_INSET_PT * px
    x0, top, x1, bottom = int(box[0] * px + inset), int(box[1] * px + inset), int(box[2] * px - inset), \
        int(box[3] * px - inset)
    if x1 <= x0 or bottom <= top:
        return OcrText("", 100, False)
    dark = ink[top:bottom, x0:x1]
    ys, xs = np.nonzero(dark)
    if len(ys) < MIN_INK:
        return OcrText("", 100, False)
    crop = np.ascontiguousarray(gray[top + ys.min():top + ys.max() + 1, x0 + xs.min():x0 + xs.max() + 1])
    ocr = engine()
    label = ocr.label(_prepared(crop, max(1.0, CELL_DPI / dpi)))
    if label.text and _FIGURE.match(label.text) and any(ch.isdigit() for ch in label.text):
        return _figure(crop, dpi)
    if len(label.text) <= SHORT_LABEL and label.confidence < MIN_LABEL_CONFIDENCE:
        fig = _figure(crop, dpi)      # a figure the Chinese model took for a character (71 read as 并)
        if fig:
            return fig
    return OcrText(fix_glyphs(label.text), label.confidence, False)


def _figure(crop: np.ndarray, dpi: float) -> OcrText:
    reading = engine().figure(crop, dpi)
    return OcrText(reading.text, reading.confidence, True)


def _text_lines(gray: np.ndarray, scale: float, pno: int) -> list[dict]:
    """The prose outside the tables, line by line (text items as `etl.read.pdf.text.text_lines` gives)."""
    if not np.any(gray < 128):
        return []
    height = gray.shape[0] * scale
    out = []
    for ln in engine().lines(Image.fromarray(gray)):
        x0, top, x1, bottom = (v * scale for v in ln.box)
        text = fix_glyphs(ln.text).strip()
        if not text or ((top < height * MARGIN or bottom > height * (1 - MARGIN)) and _PAGE_NO.match(text)):
            continue
        out.append({"kind": "text", "text": text, "x0": x0, "x1": x1, "top": top, "page": pno,
                    "size": max(MIN_LINE_SIZE, min(MAX_LINE_SIZE, bottom - top)), "confidence": ln.confidence})
    return out

