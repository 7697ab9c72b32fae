"""Ruled tables on one PDF page: pdfplumber's lattice table finder on the page's rules, with the repairs a
page break needs (rules it leaves out, rows it cuts in two) and cells set in vertical text re-read.

A fragment is a dict: ``bbox``, ``rows`` (cell texts, None where a spanning cell covers the position),
``cells`` (cell boxes), ``page`` and ``open_bottom`` (the cells a page break cut, see `open_bottom`).
"""

from __future__ import annotations

from bisect import bisect_left

from pdfplumber import utils

from etl.read.pdf.text import fix_glyphs, join_lines, vertical_text
from etl.read.text import clean_line

RULE_END_SNAP = 2.0  # pt: rule ends this close count as one row boundary
RULE_MIN_LENGTH = 2.0  # pt: shorter vertical strokes are not column rules
CUT_ROW_SNAP = 1.5  # pt: a cell whose bottom is this close to the fragment's bottom is on its last line
RULED_SHARE = 0.5  # a cell with rules under less than this share of its width is open at the bottom
PROSE_CELL = 20  # characters: a one-column "table" with a cell this long is framed prose


def fragments(page, pno: int) -> list[dict]:
    """The page's ruled table fragments, top to bottom."""
    out = []
    index = CharIndex(page.chars)
    for t in page.find_tables(closing_lines(page)):
        raw = index.extract(t)
        if not real_table(raw):
            continue
        rows = [[None if c is None else join_lines(c) for c in r] for r in raw]
        cells = [list(r.cells) for r in t.rows]
        _vertical_cells(index, raw, cells, rows)
        frag = {
            "bbox": t.bbox,
            "rows": rows,
            "cells": cells,
            "page": pno,
            "open_bottom": open_bottom(page, t.bbox, cells),
        }
        _straddling_lines(page, frag)
        out.append(frag)
    return out


class CharIndex:
    """A page's characters sorted by the height of their centres, so that the characters of a row or cell
    are found by bisection (pdfplumber's Table.extract scans every character for every row)."""

    def __init__(self, chars: list[dict]):
        keyed = sorted(
            (((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2, i, c) for i, c in enumerate(chars)),
            key=lambda k: (k[0], k[2]),
        )
        self._v = [k[0] for k in keyed]
        self._keyed = keyed

    def _band(self, top: float, bottom: float, inclusive: bool) -> list[tuple]:
        lo = bisect_left(self._v, top)
        hi = bisect_left(self._v, bottom)
        if inclusive:
            while hi < len(self._v) and self._v[hi] <= bottom:
                hi += 1
        return self._keyed[lo:hi]

    def extract(self, table) -> list[list[str | None]]:
        """Table.extract(): the text of each cell from the characters whose centre lies in it, in the
        characters' page order, grouped into lines by pdfplumber."""
        out = []
        for row in table.rows:
            x0, top, x1, bottom = row.bbox
            band = sorted((k for k in self._band(top, bottom, False) if x0 <= k[1] < x1), key=lambda k: k[2])
            arr = []
            for cell in row.cells:
                if cell is None:
                    arr.append(None)
                    continue
                cx0, ctop, cx1, cbottom = cell
                mine = [k[3] for k in band if cx0 <= k[1] < cx1 and ctop <= k[0] < cbottom]
                arr.append(utils.extract_text(mine) if mine else "")
            out.append(arr)
        return out

    def within(self, box: tuple) -> list[dict]:
        """The visible characters whose centre lies in the box (edges included), in page order."""
        x0, top, x1, bottom = box
        return [
            k[3]
            for k in sorted(self._band(top, bottom, True), key=lambda k: k[2])
            if x0 <= k[1] <= x1 and k[3]["text"].strip()
        ]


def real_table(rows: list[list]) -> bool:
    """A ruled box holding a table, not a framed paragraph, a single text box, or a stack of boxes drawn
    behind prose lines (one column of long text)."""
    cells = [c for r in rows for c in r if c is not None]
    if not (len(rows) >= 1 and len(cells) >= 2 and any(c and c.strip() for c in cells)):
        return False
    one_column = all(sum(c is not None for c in r) <= 1 for r in rows)
    return not (one_column and any(c and len(c.replace("\n", "")) > PROSE_CELL for c in cells))


def _straddling_lines(page, frag: dict) -> None:
    """A text line cut by the page break at the bottom of an open cell is drawn across the table's last
    rule position: its glyph centres fall just outside the table. Give them to the cell they start in."""
    bottom = frag["bbox"][3]
    low = bottom
    for box, i, j in frag["open_bottom"]:
        chars = [
            ch
            for ch in page.chars
            if ch["text"].strip()
            and box[0] <= (ch["x0"] + ch["x1"]) / 2 <= box[2]
            and ch["top"] < box[3] < ch["bottom"]
            and (ch["top"] + ch["bottom"]) / 2 > box[3]
        ]
        if not chars:
            continue
        text = "".join(ch["text"] for ch in sorted(chars, key=lambda ch: (round(ch["top"]), ch["x0"])))
        frag["rows"][i][j] = join_lines((frag["rows"][i][j] or "") + "\n" + fix_glyphs(text))
        low = max(low, max(ch["bottom"] for ch in chars))
    if low > bottom:
        b = frag["bbox"]
        frag["bbox"] = (b[0], b[1], b[2], low)


def open_bottom(page, bbox: tuple, cells: list[list]) -> list[tuple]:
    """Cells on the fragment's last line with no rule under them: a row (or a rowspan cell) that the page
    break cut in two; its remainder is at the top of the next page. [(bbox, row index, cell index)]"""
    out = []
    for i, row in enumerate(cells):
        for j, box in enumerate(row):
            if box is None or abs(box[3] - bbox[3]) > CUT_ROW_SNAP:
                continue
            width = box[2] - box[0]
            ruled = sum(
                max(0.0, min(h["x1"], box[2]) - max(h["x0"], box[0])) for h in page.rules_near(box[3], RULE_END_SNAP)
            )
            if ruled < RULED_SHARE * width:
                out.append((box, i, j))
    return out


def _vertical_cells(index: CharIndex, raw: list[list], cells: list[list], rows: list[list]) -> None:
    """Re-read cells set in vertical text. Upright CJK in vertical-rl columns (characters touching top to
    bottom, columns read right to left) and rotated glyphs (Word's text direction) come out of the
    line-by-line reading scrambled (商业企业 as 企商业业); read them column by column instead."""
    for r, (raw_row, box_row) in enumerate(zip(raw, cells)):
        for c, (text, box) in enumerate(zip(raw_row, box_row)):
            if not text or box is None or len(text.replace("\n", "").replace(" ", "")) < 2:
                continue
            text = vertical_text(index.within(box))
            if text is not None:
                rows[r][c] = clean_line(fix_glyphs(text)).strip()


def closing_lines(page) -> dict:
    """Table settings adding the horizontal rules a page break leaves out: a table continued from the previous
    page often has no top border (and one continued on the next no bottom border), so the vertical rules of
    its first/last row end in the air and pdfplumber would drop that row."""
    edges = page.edges
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > RULE_MIN_LENGTH]
    tops: dict[float, list] = {}
    bottoms: dict[float, list] = {}
    for e in vs:
        tops.setdefault(round(e["top"]), []).append(e)
        bottoms.setdefault(round(e["bottom"]), []).append(e)
    extra = []
    # only a table fragment's outer edge: rules start there but none end there (or the reverse); interior
    # row boundaries have both, and a rowspan cell legitimately leaves them partly open
    for y, group in [(y, g) for y, g in tops.items() if not _near(bottoms, y)] + [
        (y, g) for y, g in bottoms.items() if not _near(tops, y)
    ]:
        if len(group) < 2:
            continue
        x0 = min(e["x0"] for e in group)
        x1 = max(e["x1"] for e in group)
        covered = any(
            abs(h["top"] - y) <= RULE_END_SNAP and h["x0"] <= x0 + RULE_END_SNAP and h["x1"] >= x1 - RULE_END_SNAP
            for h in hs
        )
        if not covered:
            extra.append(
                {
                    "x0": x0,
                    "x1": x1,
                    "top": y,
                    "bottom": y,
                    "width": x1 - x0,
                    "height": 0,
                    "object_type": "line",
                    "orientation": "h",
                }
            )
    return {"explicit_horizontal_lines": extra} if extra else {}


def _near(ends: dict, y: float) -> bool:
    return any(k in ends for k in (y - 2, y - 1, y, y + 1, y + 2))
