"""One scanned page read by OCR into the items the PDF reader assembles: text lines, and table fragments whose
cells are cut out along the page's rules and read one by one (figures with the digits engine, labels in
Chinese). Coordinates are points, as on a PDF page, so the same assembly (tables continued over pages,
paragraphs) applies."""

from __future__ import annotations

import re
import time

import cv2
import numpy as np

from etl.model import ReadError
from etl.read.ocr import MIN_CONFIDENCE, grid
from etl.read.ocr.engine import Reading, _prepared, engine
from etl.read.pdf import ruled
from etl.read.pdf.layer import PageLayer
from etl.read.pdf.text import _PAGE_NO, MARGIN, MAX_LINE_SIZE, MIN_LINE_SIZE, fix_glyphs, join_lines
from warehouse.cells import UNITS

TEXT_DPI = 300  # prose is read at this resolution (a title at 150 dpi lost its first character)
CELL_DPI = 300  # cells are enlarged to this resolution before reading (small digits read better)
CELL_INSET_PT = 1.5  # pt cut off each side of a cell: the rule around it
MIN_LINE_PX = 4  # pt: a run of ink rows shorter than this in a cell is part of the line above
MIN_INK = 12  # dark pixels (at the page's resolution): fewer is an empty cell, not read
SHORT_LABEL = 3  # a label this short read with less confidence than MIN_LABEL_CONFIDENCE ...
MIN_LABEL_CONFIDENCE = 80  # ... is read as digits too
MAX_MISREAD = 2  # a cell of digits and at most this many other characters (71 read as 7了71) is a figure
SURE_LABEL = 60  # a label line read with less confidence is read again (LABEL_RESCALES, binarised)
LABEL_RESCALES = (0.75, 1.5)
_UNIT = re.compile(rf"^{UNITS}$")  # a unit cell before the figures (件, 条, 万元) is not re-read
_FIGURE = re.compile(r"^[\s0-9.,，。oOlI|S]+$")
# the engine reads a full-width bracket （ ） as an angle bracket 〈 〉 or a title mark 《 》, which row labels never use
_BRACKETS = str.maketrans("〈〉《》", "（）（）")


class OcrText(str):
    """A cell's text as read by OCR, with the engine's confidence; ``figure`` if read as digits."""

    confidence: int
    figure: bool
    crop: np.ndarray | None = None  # the cell's image, while its row is looked over

    def __new__(cls, text: str, confidence: int, figure: bool):
        s = super().__new__(cls, text)
        s.confidence, s.figure = confidence, figure
        return s

    def __reduce__(self):  # a page read in another process comes back without its cells' images
        return OcrText, (str(self), self.confidence, self.figure)


def read_page(gray: np.ndarray, dpi: float, pno: int, deadline: float) -> list[dict]:
    """The page's text lines and table fragments (as `etl.read.pdf` makes them), top to bottom."""
    angle = grid.skew(gray, dpi)
    if angle:
        gray = grid.rotate(gray, angle)
    ink = grid.binarise(gray)
    lines, rule_mask = grid.rules(ink, dpi)
    scale = 72.0 / dpi
    height, width = gray.shape
    layer = PageLayer(
        pno, width * scale, height * scale, {"char": [], "rect": [], "line": lines, "curve": [], "image": []}
    )
    frags = []
    clean = np.where(rule_mask > 0, 255, gray).astype(np.uint8)  # rules removed: cells hold their text only
    settings = {"intersection_tolerance": 4, **ruled.closing_lines(layer)}
    text_ink = ink & ~rule_mask
    for t in layer.find_tables(settings) if lines else []:
        cells = [list(r.cells) for r in t.rows]
        rows = [[None if box is None else _cell(clean, text_ink, box, dpi, pno, deadline) for box in r] for r in cells]
        for row in rows:
            _figures_among_figures(row, dpi)
        if ruled.real_table(rows):
            frags.append(
                {
                    "bbox": t.bbox,
                    "rows": rows,
                    "cells": cells,
                    "page": pno,
                    "open_bottom": ruled.open_bottom(layer, t.bbox, cells),
                }
            )
    prose = gray.copy()
    for f in frags:
        x0, top, x1, bottom = (int(v / scale) for v in f["bbox"])
        prose[max(0, top - 2) : bottom + 2, max(0, x0 - 2) : x1 + 2] = 255
    items = _text_lines(prose, scale, pno) + [{"kind": "table", "top": f["bbox"][1], **f} for f in frags]
    items.sort(key=lambda it: it["top"])
    return items


def _cell(gray: np.ndarray, ink: np.ndarray, box: tuple, dpi: float, pno: int, deadline: float) -> OcrText:
    if time.monotonic() > deadline:
        raise ReadError(f"OCR 识别超时（已读到第 {pno} 页），未解析")
    px = dpi / 72.0
    inset = CELL_INSET_PT * px
    x0, top, x1, bottom = (
        int(box[0] * px + inset),
        int(box[1] * px + inset),
        int(box[2] * px - inset),
        int(box[3] * px - inset),
    )
    if x1 <= x0 or bottom <= top:
        return OcrText("", 100, False)
    dark = ink[top:bottom, x0:x1]
    ys, xs = np.nonzero(dark)
    if len(ys) < MIN_INK:
        return OcrText("", 100, False)
    crop = np.ascontiguousarray(gray[top + ys.min() : top + ys.max() + 1, x0 + xs.min() : x0 + xs.max() + 1])
    label = _label(crop, dark[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1], dpi)
    if label.text and _FIGURE.match(label.text) and any(ch.isdigit() for ch in label.text):
        return _figure(crop, dpi)
    n_digits = sum(ch.isdigit() for ch in label.text)
    digits = n_digits > 0 and (len(label.text) <= SHORT_LABEL or len(label.text) - n_digits <= MAX_MISREAD)
    if len(label.text) <= SHORT_LABEL or digits:  # a figure the Chinese model may have taken for characters (7了71)
        fig = _figure(crop, dpi)
        if fig.confidence >= MIN_CONFIDENCE or (fig and (digits or label.confidence < MIN_LABEL_CONFIDENCE)):
            return fig
        if digits:  # no label is mostly digits: an unread figure, not a label
            return OcrText(label.text, 0, True)
    if not label.text:  # ink that neither model read: not a blank cell, an unread one
        return OcrText("", 0, True)
    out = OcrText(fix_glyphs(label.text).translate(_BRACKETS), label.confidence, False)
    out.crop = crop
    return out


def _label(crop: np.ndarray, dark: np.ndarray, dpi: float) -> Reading:
    """A cell's text, line by line: the cell is cut at the blank pixel rows between its text lines (the engine
    reading a wrapped label as one block dropped its second line)."""
    blank = ~dark.any(axis=1)
    lines, start = [], None
    for y, empty in enumerate(list(blank) + [True]):
        if not empty and start is None:
            start = y
        elif empty and start is not None:
            if y - start >= MIN_LINE_PX * dpi / 72 or not lines:
                lines.append((start, y))
            else:  # a dot or stroke apart from its line: joined to it
                lines[-1] = (lines[-1][0], y)
            start = None
    factor = max(1.0, CELL_DPI / dpi)
    if len(lines) <= 1:
        return _label_line(crop, factor)
    readings = [_label_line(np.ascontiguousarray(crop[a:b]), factor) for a, b in lines]
    readings = [r for r in readings if r.text]
    if not readings:
        return Reading("", 0)
    return Reading(join_lines("\n".join(r.text for r in readings)), min(r.confidence for r in readings))


def _label_line(crop: np.ndarray, factor: float) -> Reading:
    """One line of a label cell; read with little confidence (a scanned （七）总计 came back as “(线半总计”),
    it is read again at other scales and binarised, and the surest reading is kept."""
    first = engine().label(_prepared(crop, factor))
    if first.confidence >= SURE_LABEL:
        return first
    again = [engine().label(_prepared(crop, factor * f)) for f in LABEL_RESCALES]
    again.append(engine().label(_prepared(np.ascontiguousarray(255 - grid.binarise(crop)), factor)))
    return max([first, *again], key=lambda r: r.confidence)


def _figures_among_figures(row: list, dpi: float) -> None:
    """A short cell right of the figures of a row, read as a character (7 as 了), is read as digits again; if the
    digits do not agree it stays a figure of confidence 0 (not taken) rather than a label that would shift the
    row's values. The short cell just left of them (1 read as 工) becomes a figure only if its digits are sure
    (it may be a label or a unit)."""
    figures = [j for j, c in enumerate(row) if c is not None and c.figure]
    if len(figures) < 2:
        return
    before = next((j for j in range(figures[0] - 1, -1, -1) if row[j] is not None), None)
    c = row[before] if before is not None else None
    if c and not c.figure and len(c) <= SHORT_LABEL and c.crop is not None and not _UNIT.match(c):
        fig = _figure(c.crop, dpi)  # the first figure read as a character (1 as 工): taken only if sure
        if fig.confidence >= MIN_CONFIDENCE:
            row[before] = fig
    for j in range(figures[0] + 1, len(row)):
        c = row[j]
        if c is not None and c and not c.figure and len(c) <= SHORT_LABEL and c.crop is not None:
            fig = _figure(c.crop, dpi)
            row[j] = fig if fig else OcrText(str(c), 0, True)


def _figure(crop: np.ndarray, dpi: float) -> OcrText:
    reading = engine().figure(crop, dpi)
    return OcrText(reading.text, reading.confidence, True)


def _text_lines(gray: np.ndarray, scale: float, pno: int) -> list[dict]:
    """The prose outside the tables, line by line (text items as `etl.read.pdf.text.text_lines` gives)."""
    if not np.any(gray < 128):
        return []
    height = gray.shape[0] * scale
    factor = max(1.0, TEXT_DPI * scale / 72.0)
    if factor > 1.0:
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    out = []
    for ln in engine().lines(gray):
        x0, top, x1, bottom = (v * scale / factor for v in ln.box)
        text = fix_glyphs(ln.text).strip()
        if not text or ((top < height * MARGIN or bottom > height * (1 - MARGIN)) and _PAGE_NO.match(text)):
            continue
        out.append(
            {
                "kind": "text",
                "text": text,
                "x0": x0,
                "x1": x1,
                "top": top,
                "page": pno,
                "size": max(MIN_LINE_SIZE, min(MAX_LINE_SIZE, bottom - top)),
                "confidence": ln.confidence,
            }
        )
    return out
