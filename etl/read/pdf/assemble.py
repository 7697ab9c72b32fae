"""One Document from a PDF's pages: table fragments continued over page breaks merged into one logical
table (nothing but page furniture between them, same left or right edge; a header repeated at the top of the
continuation dropped; cells cut by the break joined), text lines joined into paragraphs."""

from __future__ import annotations

import re

from etl.model import Document, Table
from etl.read.pdf.text import fix_glyphs, join_lines
from etl.read.text import clean_line

EDGE_SNAP = 3.0  # pt: a continuation's left or right edge within this of the table's
INDENT = 0.8  # ems: a line starting further right than this starts a paragraph
FULL_LINE = 1.6  # ems: a line ending within this of the right margin runs on to the next

_FIGURE = re.compile(r"[-−]?[0-9][0-9,，.]*%?")


def assemble(items: list[dict], title: str | None) -> Document:
    """Merge table fragments continued over page breaks, join wrapped text lines, lay out the text."""
    logical: list[dict] = []  # merged tables
    blocks: list = []  # text lines (dict) and logical tables (index) in order
    last_table: dict | None = None
    for it in items:
        if it["kind"] == "text":
            blocks.append(it)
            last_table = None
            continue
        if last_table is not None and it["page"] == last_table["last_page"] + 1 and _continues(last_table, it):
            rows = [list(r) for r in it["rows"]]
            head = _repeated_header(last_table["rows"], rows)
            if head < len(rows) and it.get("cells"):
                if last_table["open_bottom"] and _rest_of_cut_row(last_table, rows[head], it["cells"][head]):
                    _join_cut_row(last_table, rows[head], it["cells"][head])
                elif last_table.get("last_cells"):
                    rows[head] = _drop_span_pieces(rows[head], it["cells"][head], last_table["last_cells"])
            last_table["frag_base"] = len(last_table["rows"]) - head
            for r in rows[head:]:
                last_table["rows"].append(r)
                last_table["pages"].append(it["page"])
            last_table["last_page"] = it["page"]
            last_table["bbox"] = it["bbox"]
            last_table["last_cells"] = (it.get("cells") or [None])[-1]
            last_table["open_bottom"] = it.get("open_bottom") or []
            continue
        last_table = {
            "rows": [list(r) for r in it["rows"]],
            "pages": [it["page"]] * len(it["rows"]),
            "last_page": it["page"],
            "bbox": it["bbox"],
            "unruled": it.get("unruled", False),
            "first_page": it["page"],
            "last_cells": (it.get("cells") or [None])[-1],
            "open_bottom": it.get("open_bottom") or [],
            "frag_base": 0,
        }
        logical.append(last_table)
        blocks.append(len(logical) - 1)

    tables: list[Table] = []
    out_lines: list[str] = []
    para = ""
    right = max((b["x1"] for b in blocks if isinstance(b, dict)), default=0)
    left = min((b["x0"] for b in blocks if isinstance(b, dict)), default=0)
    prev_full = False
    for b in blocks:
        if isinstance(b, int):
            if para:
                out_lines.append(para)
                para = ""
            prev_full = False
            lt = logical[b]
            rows, pages = [], []
            for r, p in zip(lt["rows"], lt["pages"]):
                cells = [c for c in r if c is not None]
                if any(cells):
                    rows.append(cells)
                    pages.append(p)
            if not rows:
                continue
            n = len(tables) + 1
            loc = f"第{lt['first_page']}页 表{n}"
            tables.append(Table(rows, loc, [f"第{p}页 表{n} 第{i + 1}行" for i, p in enumerate(pages)]))
            out_lines.append("")
            out_lines.extend("\t".join(r) for r in rows)
            out_lines.append("")
            continue
        text = clean_line(b["text"]).strip()
        size = b["size"]
        indented = b["x0"] > left + size * INDENT
        if para and not (prev_full and not indented):
            out_lines.append(para)
            para = ""
        para += text
        prev_full = b["x1"] >= right - size * FULL_LINE
    if para:
        out_lines.append(para)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out_lines)).strip()
    return Document(
        text=body,
        tables=tables,
        file_format="pdf",
        title=fix_glyphs(title).strip() if isinstance(title, str) and title.strip() else None,
    )


def _rest_of_cut_row(table: dict, row: list, boxes: list) -> bool:
    """Whether the first row of a continuation is the rest of a row the page break cut. A figure is never
    broken over a page: when a cell open at the bottom of the previous page holds a figure and the cell
    below it holds one too, the previous row was whole (its rule under it merely not drawn, as WPS does)
    and this row is a row of its own."""
    for j, box in enumerate(boxes):
        if box is None or j >= len(row) or not row[j] or not _FIGURE.fullmatch(row[j].strip()):
            continue
        cx = (box[0] + box[2]) / 2
        hit = next(((i, k) for b, i, k in table["open_bottom"] if b[0] - 1 <= cx <= b[2] + 1), None)
        if hit is None:
            continue
        g = table["frag_base"] + hit[0]
        if 0 <= g < len(table["rows"]) and hit[1] < len(table["rows"][g]):
            above = table["rows"][g][hit[1]]
            if above and _FIGURE.fullmatch(above.strip()):
                return False
    return True


def _join_cut_row(table: dict, row: list, boxes: list) -> None:
    """The first row of a continuation holds the rest of cells the page break cut (open at the bottom of
    the previous page): append each piece to its cell there and drop it from this row."""
    for j, box in enumerate(boxes):
        if box is None or j >= len(row) or row[j] is None:
            continue
        cx = (box[0] + box[2]) / 2
        hit = next(((i, k) for b, i, k in table["open_bottom"] if b[0] - 1 <= cx <= b[2] + 1), None)
        if hit is None:
            continue
        g, k = table["frag_base"] + hit[0], hit[1]
        alias = table.setdefault("alias", {})
        while (g, k) in alias:  # that cell was itself the rest of a cell on an earlier page
            g, k = alias[(g, k)]
        if 0 <= g < len(table["rows"]) and k < len(table["rows"][g]):
            before = table["rows"][g][k] or ""
            table["rows"][g][k] = join_lines(before + "\n" + row[j]) if row[j] else before
            row[j] = None
            alias[(len(table["rows"]), j)] = (g, k)  # where this row is about to be appended


def _drop_span_pieces(row: list, boxes: list, prev_last: list | None) -> list:
    """A cell spanning rows across a page break is drawn again, empty, at the top of the next page. Such an
    empty cell sits where the previous page's last row has no cell of its own (a span from above covers it);
    drop it, as the HTML reader emits a spanning cell once."""
    if not prev_last:
        return row
    own = [b for b in prev_last if b is not None]
    out = list(row)
    for i, (text, box) in enumerate(zip(row, boxes)):
        if text != "" or box is None:
            continue
        cx = (box[0] + box[2]) / 2
        if not any(b[0] - 1 <= cx <= b[2] + 1 for b in own):
            out[i] = None
    return out


def _continues(prev: dict, frag: dict) -> bool:
    """A fragment at the top of a page continues the table that ended the previous page."""
    a, b = prev["bbox"], frag["bbox"]
    if prev.get("unruled") and frag.get("unruled"):
        return True
    return abs(a[2] - b[2]) <= EDGE_SNAP or abs(a[0] - b[0]) <= EDGE_SNAP


def _norm_row(r: list) -> tuple:
    return tuple(re.sub(r"\s+", "", c) for c in r if c)


def _repeated_header(first: list[list], cont: list[list]) -> int:
    """How many leading rows of a continuation repeat the leading rows of the table (a repeated header)."""
    k = 0
    while k < len(cont) and k < len(first) and _norm_row(cont[k]) and _norm_row(cont[k]) == _norm_row(first[k]):
        k += 1
    return k if k < len(cont) else 0
