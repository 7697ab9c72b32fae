"""A page's text layer and drawing read with pdfium (pypdfium2), shaped as pdfplumber's objects.

pdfplumber's table finder and word/line grouping are kept (they are good at the job), but they run on the
characters and path objects pdfium extracts, not on pdfminer's layout analysis, which took ~85 % of the
reading time. Coordinates are pdfplumber's: x from the left, ``top``/``bottom`` from the top of the page.

- A character's box is its advance (pdfium's loose box) by its em size, sitting on the baseline (pdfminer's
  box for fonts without a descent, which is what the Chromium and WPS PDFs here embed).
- A glyph set in vertical writing (an Identity-V font: WPS's vertical table cells) gets from pdfium a loose box
  in unscaled text-space units (200 pt wide for a 10 pt glyph), whose centre lies cells away from the glyph;
  its box is then the em square centred on the glyph's tight box.
- Paths become ``rect`` (an axis-aligned closed four-sided subpath), ``line`` (two points) or ``curve``
  objects; a white fill with no stroke (the background WPS draws behind each prose line) is not drawing
  and is left out, so it cannot become a table rule.
"""

from __future__ import annotations

import ctypes
import math
from bisect import bisect_left, bisect_right

import pypdfium2 as pdfium
from pdfplumber import utils
from pdfplumber.container import Container
from pdfplumber.table import TableFinder, TableSettings
from pypdfium2 import raw

WHITE_FILL = 245  # 0-255: a fill at least this light in every channel is background, not a rule
LOOSE_BOX_EMS = 3.0  # a loose box wider or taller than this many ems is not the glyph's (vertical writing)
_WHITESPACE = {" ", "\r", "\n", "\t", "\u3000", "\xa0"}


class PageLayer(Container):
    """One page's characters, rects, lines, curves and images, with the pdfplumber calls the reader uses."""

    def __init__(self, number: int, width: float, height: float, objects: dict[str, list[dict]]):
        self.page_number = number
        self.width, self.height = width, height
        self.bbox = (0.0, 0.0, width, height)
        self._objects = objects

    @property
    def objects(self) -> dict[str, list[dict]]:
        return self._objects

    def filter(self, keep) -> PageLayer:
        return PageLayer(
            self.page_number, self.width, self.height, {k: [o for o in v if keep(o)] for k, v in self._objects.items()}
        )

    def extract_words(self, **kwargs) -> list[dict]:
        return utils.extract_words(self.chars, **kwargs)

    def extract_text_lines(self, **kwargs) -> list[dict]:
        textmap = utils.chars_to_textmap(
            self.chars, layout_bbox=self.bbox, layout_width=self.width, layout_height=self.height
        )
        return textmap.extract_text_lines(strip=True, **kwargs)

    def rules_near(self, y: float, tolerance: float) -> list[dict]:
        """The horizontal edges whose top is within ``tolerance`` of ``y``."""
        if not hasattr(self, "_h_rules"):
            hs = sorted((e for e in self.edges if e["orientation"] == "h"), key=lambda e: e["top"])
            self._h_rules = (hs, [e["top"] for e in hs])
        hs, tops = self._h_rules
        return hs[bisect_left(tops, y - tolerance) : bisect_right(tops, y + tolerance)]

    def find_tables(self, settings: dict | None = None) -> list:
        return TableFinder(self, TableSettings.resolve(settings)).tables


def open_document(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data)


def read_page(pdf: pdfium.PdfDocument, index: int) -> PageLayer:
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        x0, y1 = left, max(top, bottom)
        width, height = abs(right - left), abs(top - bottom)
        objects = {"char": [], "rect": [], "line": [], "curve": [], "image": []}
        _drawing(page, x0, y1, objects)
        textpage = page.get_textpage()
        try:
            objects["char"] = _chars(textpage, x0, y1, index + 1)
        finally:
            textpage.close()
    finally:
        page.close()
    return PageLayer(index + 1, width, height, objects)


def _chars(textpage, x_origin: float, y_top: float, number: int) -> list[dict]:
    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return []
    buf = ctypes.create_string_buffer((n + 1) * 2)
    raw.FPDFText_GetText(textpage, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: n * 2].decode("utf-16-le", "replace")
    if len(text) != n:  # the buffer did not decode one unit a character: ask for each one
        text = [chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(n)]
    rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    rect_p, matrix_p = ctypes.byref(rect), ctypes.byref(matrix)
    loose, get_matrix, font_size = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize
    left, right, low, high = (ctypes.c_double() for _ in range(4))
    out = []
    for i in range(n):
        t = text[i]
        if t in _WHITESPACE and raw.FPDFText_IsGenerated(textpage, i):
            continue  # pdfium's own word spaces and line ends
        if t in ("\ufffe", "\x00") or (t == "\ufffd" and raw.FPDFText_IsGenerated(textpage, i)):
            continue  # no Unicode for the glyph
        if "\ud800" <= t <= "\udfff":
            continue  # half of a surrogate pair: a character outside the BMP is left out
        loose(textpage, i, rect_p)
        get_matrix(textpage, i, matrix_p)
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        size = font_size(textpage, i) * scale
        upright = a * d > 0 and b * c <= 0
        cx0, cx1 = rect.left - x_origin, rect.right - x_origin
        if max(rect.right - rect.left, rect.top - rect.bottom) > LOOSE_BOX_EMS * size:
            raw.FPDFText_GetCharBox(textpage, i, left, right, low, high)  # the glyph's tight box
            cx = (left.value + right.value) / 2 - x_origin
            cy = y_top - (low.value + high.value) / 2
            cx0, cx1, top, bottom = cx - size / 2, cx + size / 2, cy - size / 2, cy + size / 2
        elif upright:
            bottom = y_top - f
            top = bottom - size
        else:
            top, bottom = y_top - rect.top, y_top - rect.bottom
        out.append(
            {
                "object_type": "char",
                "page_number": number,
                "text": t,
                "x0": cx0,
                "x1": cx1,
                "top": top,
                "bottom": bottom,
                "doctop": top,
                "y0": y_top - bottom,
                "y1": y_top - top,
                "width": cx1 - cx0,
                "height": bottom - top,
                "size": size,
                "upright": upright,
                "matrix": (a, b, c, d, e, f),
            }
        )
    return out


def _drawing(page, x_origin: float, y_top: float, objects: dict) -> None:
    todo = [(page, None, False)]
    m = raw.FS_MATRIX()
    while todo:
        parent, outer, is_form = todo.pop()
        count = raw.FPDFFormObj_CountObjects(parent) if is_form else raw.FPDFPage_CountObjects(parent)
        for i in range(count):
            obj = raw.FPDFFormObj_GetObject(parent, i) if is_form else raw.FPDFPage_GetObject(parent, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                continue
            raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
            mine = _compose((m.a, m.b, m.c, m.d, m.e, m.f), outer)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                _path(obj, mine, x_origin, y_top, objects)
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                objects["image"].append(_image(obj, x_origin, y_top))
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                todo.append((obj, mine, True))


def _compose(inner: tuple, outer: tuple | None) -> tuple:
    """inner then outer (PDF row-vector convention)."""
    if outer is None:
        return inner
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _image(obj, x_origin: float, y_top: float) -> dict:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    w, h = ctypes.c_uint(), ctypes.c_uint()
    raw.FPDFImageObj_GetImagePixelSize(obj, w, h)  # from the image's dictionary: nothing is decoded
    return {
        "pixels": (w.value, h.value),
        "object_type": "image",
        "x0": left.value - x_origin,
        "x1": right.value - x_origin,
        "top": y_top - top.value,
        "bottom": y_top - bottom.value,
        "doctop": y_top - top.value,
    }


def _path(obj, mt: tuple, x_origin: float, y_top: float, objects: dict) -> None:
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke))
    fill, stroke = fillmode.value != 0, bool(stroke.value)
    if not fill and not stroke:
        return
    if fill and not stroke:
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        raw.FPDFPageObj_GetFillColor(obj, r, g, b, a)
        if a.value == 0 or min(r.value, g.value, b.value) >= WHITE_FILL:
            return  # a white (or invisible) background, not a rule
    a_, b_, c_, d_, e_, f_ = mt
    subpaths: list[list] = []  # [points, closed, has curve]
    x, y = ctypes.c_float(), ctypes.c_float()
    xp, yp = ctypes.byref(x), ctypes.byref(y)
    segment, point = raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint
    seg_type, seg_close = raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetClose
    moveto, bezier = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = segment(obj, i)
        point(seg, xp, yp)
        px, py = x.value, y.value
        pt = (a_ * px + c_ * py + e_ - x_origin, y_top - (b_ * px + d_ * py + f_))
        kind = seg_type(seg)
        if kind == moveto or not subpaths:
            subpaths.append([[pt], False, False])
        else:
            sub = subpaths[-1]
            sub[0].append(pt)
            if kind == bezier:
                sub[2] = True
        if seg_close(seg):
            subpaths[-1][1] = True
    for pts, closed, curved in subpaths:
        if len(pts) < 2:
            continue
        if not curved and len(pts) == 2:
            objects["line"].append(_line(pts, stroke, fill))
            continue
        ring = pts[:-1] if len(pts) == 5 and _same(pts[0], pts[-1]) else pts
        if not curved and len(ring) == 4 and (closed or len(pts) == 5) and _axis_rect(ring):
            objects["rect"].append(_rect(ring, stroke, fill))
        else:
            objects["curve"].append(_curve(pts, stroke, fill))


def _same(p, q) -> bool:
    return abs(p[0] - q[0]) < 1e-6 and abs(p[1] - q[1]) < 1e-6


def _axis_rect(p: list) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = p

    def eq(u: float, v: float) -> bool:
        return abs(u - v) < 0.01

    return (eq(x0, x1) and eq(y1, y2) and eq(x2, x3) and eq(y3, y0)) or (
        eq(y0, y1) and eq(x1, x2) and eq(y2, y3) and eq(x3, x0)
    )


def _box(pts: list, kind: str, stroke: bool, fill: bool) -> dict:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    return {
        "object_type": kind,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "y0": -bottom,
        "y1": -top,
        "width": x1 - x0,
        "height": bottom - top,
        "stroke": stroke,
        "fill": fill,
    }


def _line(pts: list, stroke: bool, fill: bool) -> dict:
    return {**_box(pts, "line", stroke, fill), "pts": pts}


def _rect(pts: list, stroke: bool, fill: bool) -> dict:
    return _box(pts, "rect", stroke, fill)


def _curve(pts: list, stroke: bool, fill: bool) -> dict:
    return {**_box(pts, "curve", stroke, fill), "pts": pts}
