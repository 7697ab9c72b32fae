"""PDF reports (pdfplumber): the text layer in reading order, and ruled tables with their grid recovered.

- Cells spanning several grid cells (rowspan/colspan) come out once, in source order, as the HTML reader
  gives them (pdfplumber reports the covered positions as None; they are dropped). Blank cells stay ''.
- Text wrapped over several lines inside a cell is joined (no space between CJK characters).
- A table continuing on the next page (nothing but page furniture between the two fragments, same right or
  left edge) is merged into one logical table; a header repeated at the top of the continuation is dropped.
- Pages without ruled tables are tried once more with text-aligned columns (unruled tables).
- Glyphs that PDF producers map to Kangxi / CJK radical code points (⼯ for 工, ⺠ for 民) are normalised.
- Scanned PDFs (no text layer), encrypted, truncated and non-PDF files raise ReadError; page count and
  time are bounded.
"""
from __future__ import annotations

import io
import logging
import re
import time
import unicodedata
import zlib

from etl.model import Document, ReadError, Table
from etl.read.text import clean_line

logging.getLogger("pdfminer").setLevel(logging.ERROR)   # font warnings on every page of Chromium PDFs

MAX_STREAM = 128 * 1024 * 1024  # one decompressed PDF stream (an embedded CJK font is ~20 MB)


class _StreamBomb(Exception):
    """A Flate stream inflating past MAX_STREAM."""


class _CappedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes: same calls, but inflation stops at
    MAX_STREAM bytes, so a 'compression bomb' stream cannot exhaust memory."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes, *args) -> bytes:
        d = zlib.decompressobj()
        out = d.decompress(data, MAX_STREAM)
        if d.unconsumed_tail:
            raise _StreamBomb()
        return out + d.flush()

    class decompressobj:  # noqa: N801 - mirrors zlib.decompressobj
        def __init__(self, *args):
            self._d = zlib.decompressobj(*args)
            self._n = 0

        def decompress(self, data: bytes, *args) -> bytes:
            out = self._d.decompress(data)
            self._n += len(out)
            if self._n > MAX_STREAM:
                raise _StreamBomb()
            return out

        def flush(self, *args) -> bytes:
            return self._d.flush(*args)


def _cap_pdfminer_streams() -> None:
    try:
        import pdfminer.pdftypes as pdftypes
    except ImportError:  # pragma: no cover
        return
    if getattr(pdftypes, "zlib", None) is zlib:
        pdftypes.zlib = _CappedZlib


_cap_pdfminer_streams()

MAX_PAGES = 300
TIME_BUDGET = 120.0            # seconds for one file
MAX_CHARS_PER_PAGE = 60_000    # a page with more glyphs than this is not a report page
MAX_EDGES_PER_PAGE = 20_000    # table finding is skipped on pages drawn with more rules (charts, maps)

# CJK Radicals Supplement code points NFKC leaves alone, seen in ToUnicode maps of CJK fonts.
_RADICALS = {
    "⺀": "冫", "⺁": "厂", "⺇": "几", "⺌": "小", "⺍": "小", "⺎": "兀", "⺏": "尣", "⺐": "尢", "⺑": "尣",
    "⺒": "巳", "⺓": "幺", "⺔": "彑", "⺕": "彐", "⺖": "忄", "⺗": "心", "⺘": "扌", "⺙": "攵", "⺛": "旡",
    "⺜": "日", "⺝": "月", "⺞": "歺", "⺟": "母", "⺠": "民", "⺡": "氵", "⺢": "氺", "⺣": "灬", "⺤": "爫",
    "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "罒", "⺬": "示", "⺭": "礻",
    "⺮": "竹", "⺯": "糸", "⺰": "纟", "⺲": "罒", "⺳": "网", "⺴": "罒", "⺵": "罒", "⺶": "羊", "⺷": "羊",
    "⺸": "羊", "⺹": "耂", "⺺": "肀", "⺻": "聿", "⺼": "月", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹",
    "⻁": "虎", "⻂": "衤", "⻃": "覀", "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝",
    "⻊": "足", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "钅", "⻑": "長", "⻒": "镸",
    "⻓": "长", "⻔": "门", "⻕": "阝", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风",
    "⻜": "飞", "⻝": "食", "⻞": "飠", "⻟": "飠", "⻠": "饣", "⻡": "首", "⻢": "马", "⻣": "骨", "⻤": "鬼",
    "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "齐", "⻬": "齐", "⻭": "齿",
    "⻮": "齿", "⻯": "龙", "⻰": "龙", "⻱": "龟", "⻲": "龟", "⻳": "龟",
}
_RADICAL_RE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
_PAGE_NO = re.compile(r"^[\s\-—–·•第页共/／0-9()（）]*[0-9][\s\-—–·•第页共/／0-9()（）]*$")


def fix_glyphs(text: str) -> str:
    """Kangxi radicals (U+2F00..) via NFKC, CJK radicals supplement via a table: ⼯作 -> 工作, ⼈⺠ -> 人民."""
    if not _RADICAL_RE.search(text):
        return text
    return _RADICAL_RE.sub(lambda m: _RADICALS.get(m.group(0)) or unicodedata.normalize("NFKC", m.group(0)), text)


def _join_lines(text: str | None) -> str:
    """A cell's text wrapped over several lines -> one line (a space only between two Latin words)."""
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for p in parts:
        if out and re.match(r"[A-Za-z]", p) and re.search(r"[A-Za-z]$", out):
            out += " "
        out += p
    return clean_line(fix_glyphs(out)).strip()


def read_pdf(data: bytes) -> Document:
    head = data[:1024]
    if b"%PDF-" not in head:
        raise ReadError(_not_pdf_message(data))
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError as e:  # pragma: no cover - dependency missing
        raise ReadError(f"无法读取 PDF：缺少 Python 包 pdfplumber（{e}）") from e
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except PDFPasswordIncorrect as e:
        raise ReadError(_ENCRYPTED) from e
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds for broken files
        if _bomb(e):
            raise ReadError(_BOMB) from e
        if _encrypted(e):
            raise ReadError(_ENCRYPTED) from e
        raise ReadError(f"PDF 文件已损坏或不完整，无法读取（{_cause(e)}）") from e
    try:
        return _read(pdf, pages)
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001
        if _bomb(e):
            raise ReadError(_BOMB) from e
        if _encrypted(e):
            raise ReadError(_ENCRYPTED) from e
        raise ReadError(f"PDF 文件已损坏或不完整，无法读取（{_cause(e)}）") from e
    finally:
        try:
            pdf.close()
        except Exception:  # noqa: BLE001
            pass


_ENCRYPTED = "PDF 文件已加密（需要打开密码），无法读取；请提供未加密的版本"


def _chain(e: BaseException) -> list[BaseException]:
    """The exception, what it wraps (pdfplumber's PdfminerException carries pdfminer's in args) and causes."""
    out, todo = [], [e]
    while todo and len(out) < 10:
        x = todo.pop()
        out.append(x)
        todo.extend(a for a in getattr(x, "args", ()) if isinstance(a, BaseException))
        todo.extend(c for c in (x.__cause__, x.__context__) if c is not None)
    return out


_BOMB = "PDF 中的数据流解压后体积异常（疑似“压缩炸弹”），为安全起见未解析"


def _bomb(e: BaseException) -> bool:
    return any(isinstance(x, _StreamBomb) for x in _chain(e))


def _encrypted(e: BaseException) -> bool:
    return any(re.search(r"password|encrypt", type(x).__name__ + " " + str(x), re.I) for x in _chain(e))


def _cause(e: BaseException) -> str:
    inner = _chain(e)[-1] if len(_chain(e)) > 1 else e
    msg = str(inner)[:80]
    return f"{type(inner).__name__}{': ' + msg if msg else ''}"


def _not_pdf_message(data: bytes) -> str:
    head = data[:512].lstrip()
    kind = ""
    if head.startswith(b"PK"):
        kind = "（看起来是 ZIP/Office 文档）"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        kind = "（看起来是旧版 Word/Office 文档）"
    elif head[:15].lower().startswith((b"<!doctype", b"<html", b"<?xml")) or b"<html" in head.lower():
        kind = "（看起来是网页 HTML）"
    elif head[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"GIF8"):
        kind = "（看起来是图片）"
    return f"文件扩展名为 .pdf，但内容不是 PDF 文件{kind}，无法读取"


def _read(pdf, pages) -> Document:
    n = len(pages)
    if n > MAX_PAGES:
        raise ReadError(f"PDF 页数过多（{n} 页，上限 {MAX_PAGES} 页），未解析")
    if n == 0:
        raise ReadError("PDF 文件没有页面")
    deadline = time.monotonic() + TIME_BUDGET
    items: list[dict] = []         # text lines and table fragments in reading order
    warnings: list[str] = []
    image_pages: list[int] = []
    n_chars = n_images = 0
    for pno, page in enumerate(pages, start=1):
        if time.monotonic() > deadline:
            raise ReadError(f"PDF 解析超时（超过 {int(TIME_BUDGET)} 秒，已读到第 {pno} 页），未解析")
        chars = page.chars
        if len(chars) > MAX_CHARS_PER_PAGE:
            raise ReadError(f"PDF 第 {pno} 页字符过多（{len(chars)}），不像年度报告，未解析")
        n_chars += len(chars)
        n_images += len(page.images)
        if chars:
            items.extend(_page_items(page, pno, warnings))
        elif page.images:
            image_pages.append(pno)
        page.flush_cache()
    if n_chars == 0:
        if n_images:
            raise ReadError("这是扫描版 PDF（只有图片，没有文字层），目前不支持 OCR 识别，无法读取；请提供文字版 PDF 或网页版")
        raise ReadError("PDF 没有可提取的文字（没有文字层），无法读取")
    title = (pdf.metadata or {}).get("Title")
    if isinstance(title, bytes):
        title = title.decode("utf-16" if title[:2] in (b"\xfe\xff", b"\xff\xfe") else "latin-1", "replace")
    doc = _assemble(items, title)
    if image_pages:
        pages = "、".join(str(p) for p in image_pages[:10]) + ("等" if len(image_pages) > 10 else "")
        warnings.append(f"PDF 第 {pages} 页是扫描图片（没有文字层，未识别）")
    doc.warnings.extend(warnings)
    return doc


def _page_items(page, pno: int, warnings: list[str]) -> list[dict]:
    height = float(page.height)
    if len(page.edges) > MAX_EDGES_PER_PAGE:
        warnings.append(f"PDF 第 {pno} 页线条过多（{len(page.edges)}），未识别其中的表格")
        found = []
    else:
        found = [t for t in page.find_tables(_closing_lines(page)) if _real_table(t.extract())]
    frags = []
    for t in found:
        rows = [[None if c is None else _join_lines(c) for c in r] for r in t.extract()]
        cells = [list(r.cells) for r in t.rows]
        _vertical_cells(page, t.extract(), cells, rows)
        frags.append({"bbox": t.bbox, "rows": rows, "cells": cells, "page": pno,
                      "open_bottom": _open_bottom(page, t.bbox, cells)})
        _straddling_lines(page, frags[-1])
    if not frags:
        frags = _unruled_tables(page, pno)
    boxes = [f["bbox"] for f in frags]

    def outside(obj) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)

    rest = page.filter(lambda o: o.get("object_type") != "char" or outside(o)) if boxes else page
    lines = []
    for ln in rest.extract_text_lines(return_chars=False):
        text = fix_glyphs(ln["text"]).strip()
        if not text:
            continue
        furniture = (ln["top"] < height * 0.07 or ln["bottom"] > height * 0.93) and _PAGE_NO.match(text)
        if furniture:
            continue
        lines.append({"kind": "text", "text": text, "x0": ln["x0"], "x1": ln["x1"], "top": ln["top"],
                      "page": pno, "size": max(4.0, min(40.0, ln["bottom"] - ln["top"]))})
    out = lines + [{"kind": "table", "top": f["bbox"][1], **f} for f in frags]
    out.sort(key=lambda it: it["top"])
    return out


def _straddling_lines(page, frag: dict) -> None:
    """A text line cut by the page break at the bottom of an open cell is drawn across the table's last
    rule position: its glyph centres fall just outside the table. Give them to the cell they start in."""
    bottom = frag["bbox"][3]
    low = bottom
    for box, i, j in frag["open_bottom"]:
        chars = [ch for ch in page.chars if ch["text"].strip() and box[0] <= (ch["x0"] + ch["x1"]) / 2 <= box[2]
                 and ch["top"] < box[3] < ch["bottom"] and (ch["top"] + ch["bottom"]) / 2 > box[3]]
        if not chars:
            continue
        text = "".join(ch["text"] for ch in sorted(chars, key=lambda ch: (round(ch["top"]), ch["x0"])))
        frag["rows"][i][j] = _join_lines((frag["rows"][i][j] or "") + "\n" + fix_glyphs(text))
        low = max(low, max(ch["bottom"] for ch in chars))
    if low > bottom:
        b = frag["bbox"]
        frag["bbox"] = (b[0], b[1], b[2], low)


def _open_bottom(page, bbox: tuple, cells: list[list]) -> list[tuple]:
    """Cells on the fragment's last line with no rule under them: a row (or a rowspan cell) that the page
    break cut in two; its remainder is at the top of the next page. [(bbox, row index, cell index)]"""
    hs = [e for e in page.edges if e["orientation"] == "h"]
    out = []
    for i, row in enumerate(cells):
        for j, box in enumerate(row):
            if box is None or abs(box[3] - bbox[3]) > 1.5:
                continue
            width = box[2] - box[0]
            ruled = sum(max(0.0, min(h["x1"], box[2]) - max(h["x0"], box[0]))
                        for h in hs if abs(h["top"] - box[3]) <= 2)
            if ruled < 0.5 * width:
                out.append((box, i, j))
    return out


def _vertical_cells(page, raw: list[list], cells: list[list], rows: list[list]) -> None:
    """Re-read cells set in vertical text. Upright CJK in vertical-rl columns (characters touching top to
    bottom, columns read right to left) and rotated glyphs (Word's text direction) come out of the
    line-by-line reading scrambled (商业企业 as 企商业业); read them column by column instead."""
    chars = None
    for r, (raw_row, box_row) in enumerate(zip(raw, cells)):
        for c, (text, box) in enumerate(zip(raw_row, box_row)):
            if not text or box is None or len(text.replace("\n", "").replace(" ", "")) < 2:
                continue
            if chars is None:
                chars = [ch for ch in page.chars if ch["text"].strip()]
            mine = [ch for ch in chars if box[0] <= (ch["x0"] + ch["x1"]) / 2 <= box[2]
                    and box[1] <= (ch["top"] + ch["bottom"]) / 2 <= box[3]]
            text = _vertical_text(mine)
            if text is not None:
                rows[r][c] = clean_line(fix_glyphs(text)).strip()


def _vertical_text(chars: list[dict]) -> str | None:
    """The cell's text if its glyphs run in vertical columns, else None."""
    if len(chars) < 2:
        return None
    if all(not ch.get("upright", True) for ch in chars):
        m = chars[0].get("matrix") or (1, 0, 0, 1, 0, 0)
        down = m[1] < 0                   # the text baseline runs down the page (rotated clockwise)
        cols = _columns(chars)
        cols.sort(key=lambda col: -col[0] if down else col[0])
        return "".join("".join(ch["text"] for ch in sorted(col[1], key=lambda ch: ch["top"] if down else -ch["top"]))
                       for col in cols)
    size = max(1.0, sum(ch["size"] for ch in chars) / len(chars))
    horiz = vert = 0
    for a in chars:
        for b in chars:
            if a is b:
                continue
            dx, dy = b["x0"] - a["x0"], b["top"] - a["top"]
            if abs(dy) < 0.3 * size and 0 < dx <= 1.15 * size:
                horiz += 1
            if abs(dx) < 0.3 * size and 0 < dy <= 1.15 * size:
                vert += 1
    if vert <= horiz:
        return None
    cols = _columns(chars)
    cols.sort(key=lambda col: -col[0])    # vertical-rl: the rightmost column is read first
    return "".join("".join(ch["text"] for ch in sorted(col[1], key=lambda ch: ch["top"])) for col in cols)


def _columns(chars: list[dict]) -> list[tuple[float, list]]:
    size = max(1.0, sum(ch["size"] for ch in chars) / len(chars))
    cols: list[tuple[float, list]] = []
    for ch in sorted(chars, key=lambda ch: (ch["x0"] + ch["x1"]) / 2):
        cx = (ch["x0"] + ch["x1"]) / 2
        if cols and abs(cols[-1][0] - cx) < 0.5 * size:
            cols[-1][1].append(ch)
        else:
            cols.append((cx, [ch]))
    return cols


def _closing_lines(page) -> dict:
    """Table settings adding the horizontal rules a page break leaves out: a table continued from the previous
    page often has no top border (and one continued on the next no bottom border), so the vertical rules of
    its first/last row end in the air and pdfplumber would drop that row."""
    edges = page.edges
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 2]
    tops: dict[float, list] = {}
    bottoms: dict[float, list] = {}
    for e in vs:
        tops.setdefault(round(e["top"]), []).append(e)
        bottoms.setdefault(round(e["bottom"]), []).append(e)
    extra = []
    # only a table fragment's outer edge: rules start there but none end there (or the reverse); interior
    # row boundaries have both, and a rowspan cell legitimately leaves them partly open
    for y, group in [(y, g) for y, g in tops.items() if not _near(bottoms, y)] + \
                    [(y, g) for y, g in bottoms.items() if not _near(tops, y)]:
        if len(group) < 2:
            continue
        x0 = min(e["x0"] for e in group)
        x1 = max(e["x1"] for e in group)
        covered = any(abs(h["top"] - y) <= 2 and h["x0"] <= x0 + 2 and h["x1"] >= x1 - 2 for h in hs)
        if not covered:
            extra.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0,
                          "object_type": "line", "orientation": "h"})
    return {"explicit_horizontal_lines": extra} if extra else {}


def _near(ends: dict, y: float) -> bool:
    return any(k in ends for k in (y - 2, y - 1, y, y + 1, y + 2))


def _real_table(rows: list[list]) -> bool:
    """A ruled box holding a table, not a framed paragraph or a single text box."""
    cells = [c for r in rows for c in r if c is not None]
    return len(rows) >= 1 and len(cells) >= 2 and any(c and c.strip() for c in cells)


_NUM = re.compile(r"^[-−]?[0-9][0-9,，.]*%?$|^[-—/／无]$")


def _unruled_tables(page, pno: int) -> list[dict]:
    """Tables drawn without rules, rebuilt from text positions: a row is a line ending in figures; the
    figure columns are the x-clusters of all figures in the run of rows (a missing figure is a blank cell
    ''); label fragments wrapped above/below a row are given to the nearest row and grouped into cells by
    horizontal overlap. Headers above the first row become rows of their own. Best effort: a cell that
    spans rows lands in one of them."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        w = {**w, "text": fix_glyphs(w["text"])}
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 2.5:
            lines[-1].append(w)
        else:
            lines.append([w])
    if not lines:
        return []
    size = sorted(w["bottom"] - w["top"] for ws in lines for w in ws)[len(words) // 2] if words else 10.0
    size = max(4.0, size)
    # a numeric line: its trailing words are figures
    num_rows = []
    for i, ws in enumerate(lines):
        ws.sort(key=lambda w: w["x0"])
        k = len(ws)
        while k > 0 and _NUM.match(ws[k - 1]["text"]):
            k -= 1
        figures = ws[k:]
        if len(figures) >= 1 and (k > 0 or len(figures) >= 3):
            num_rows.append({"i": i, "labels": ws[:k], "figures": figures,
                             "y": sum(w["top"] + w["bottom"] for w in figures) / (2 * len(figures))})
    if not num_rows:
        return []
    # runs of numeric rows close to each other form a table
    runs: list[list[dict]] = [[num_rows[0]]]
    for r in num_rows[1:]:
        between = lines[runs[-1][-1]["i"] + 1:r["i"]]
        wide = any(w["x1"] - w["x0"] > 15 * size for ws in between for w in ws)   # a paragraph or heading
        if r["y"] - runs[-1][-1]["y"] > 14 * size or wide:
            runs.append([r])
        else:
            runs[-1].append(r)
    out = []
    for run in runs:
        if len(run) < 2 and not (len(run[0]["figures"]) >= 5 and not run[0]["labels"]):
            continue                      # one row of figures alone is a table only in 四's shape
        first, last = run[0]["i"], run[-1]["i"]
        # figure columns
        xs = sorted((w["x0"] + w["x1"]) / 2 for r in run for w in r["figures"])
        cols: list[list[float]] = [[xs[0]]]
        for x in xs[1:]:
            (cols[-1].append(x) if x - cols[-1][-1] < 1.5 * size else cols.append([x]))
        centers = [sum(c) / len(c) for c in cols]
        label_right = min(w["x0"] for r in run for w in r["figures"])
        # label text (left of the figures) wrapped over several lines: stack the lines into blocks (words
        # overlapping horizontally, one line apart), then give each block to the row nearest its middle
        top_i = first
        while top_i > 0 and run[0]["y"] - lines[top_i - 1][0]["top"] < 12 * size \
                and not any(_NUM.match(w["text"]) for w in lines[top_i - 1]) \
                and not any(w["x1"] - w["x0"] > 15 * size for w in lines[top_i - 1]):
            top_i -= 1
        header_lines = lines[top_i:first]
        label_words = [w for ws in lines[first:last + 1] for w in ws
                       if w["x1"] <= label_right + size and not (_NUM.match(w["text"]) and w["x0"] >= label_right - 1)]
        blocks: list[list[dict]] = []
        for w in sorted(label_words, key=lambda w: (w["top"], w["x0"])):
            for b in blocks:
                lw = b[-1]
                if w["x0"] < lw["x1"] - 1 and lw["x0"] < w["x1"] - 1 and -1 <= w["top"] - lw["bottom"] <= 0.9 * size:
                    b.append(w)
                    break
            else:
                blocks.append([w])
        frags: dict[int, list[dict]] = {id(r): [] for r in run}
        for b in blocks:
            y = (min(w["top"] for w in b) + max(w["bottom"] for w in b)) / 2
            near = min(run, key=lambda r: abs(r["y"] - y))
            if abs(near["y"] - y) <= 6.5 * size:
                frags[id(near)].extend(b)
        rows: list[list[str]] = []
        if header_lines:
            rows.append(_cells_by_overlap([w for ws in header_lines for w in ws]))
        for r in run:
            cells = _cells_by_overlap(frags[id(r)])
            values = [""] * len(centers)
            for w in r["figures"]:
                cx = (w["x0"] + w["x1"]) / 2
                j = min(range(len(centers)), key=lambda j: abs(centers[j] - cx))
                values[j] = (values[j] + w["text"]) if values[j] else w["text"]
            rows.append(cells + values)
        allw = [w for ws in lines[top_i:last + 1] for w in ws]
        box = (min(w["x0"] for w in allw), min(w["top"] for w in allw), max(w["x1"] for w in allw),
               max(w["bottom"] for w in allw))
        out.append({"bbox": box, "rows": rows, "page": pno, "unruled": True})
    return out


def _cells_by_overlap(words: list[dict]) -> list[str]:
    """Words of one row's label area -> cells: words overlapping horizontally are one cell (read top down)."""
    groups: list[list[dict]] = []
    for w in sorted(words, key=lambda w: w["x0"]):
        for g in groups:
            if any(w["x0"] < o["x1"] - 1 and o["x0"] < w["x1"] - 1 for o in g):
                g.append(w)
                break
        else:
            groups.append([w])
    groups.sort(key=lambda g: min(w["x0"] for w in g))
    return ["".join(w["text"] for w in sorted(g, key=lambda w: (round(w["top"]), w["x0"]))) for g in groups]


def _assemble(items: list[dict], title: str | None) -> Document:
    """Merge table fragments continued over page breaks, join wrapped text lines, lay out the text."""
    logical: list[dict] = []      # merged tables
    blocks: list = []             # text lines (dict) and logical tables (index) in order
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
                if last_table["open_bottom"]:
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
        last_table = {"rows": [list(r) for r in it["rows"]], "pages": [it["page"]] * len(it["rows"]),
                      "last_page": it["page"], "bbox": it["bbox"], "unruled": it.get("unruled", False),
                      "first_page": it["page"], "last_cells": (it.get("cells") or [None])[-1],
                      "open_bottom": it.get("open_bottom") or [], "frag_base": 0}
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
        indented = b["x0"] > left + size * 0.8
        if para and not (prev_full and not indented):
            out_lines.append(para)
            para = ""
        para += text
        prev_full = b["x1"] >= right - size * 1.6
    if para:
        out_lines.append(para)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out_lines)).strip()
    return Document(text=body, tables=tables, file_format="pdf",
                    title=fix_glyphs(title).strip() if isinstance(title, str) and title.strip() else None)


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
        while (g, k) in alias:                  # that cell was itself the rest of a cell on an earlier page
            g, k = alias[(g, k)]
        if 0 <= g < len(table["rows"]) and k < len(table["rows"][g]):
            before = table["rows"][g][k] or ""
            table["rows"][g][k] = _join_lines(before + "\n" + row[j]) if row[j] else before
            row[j] = None
            alias[(len(table["rows"]), j)] = (g, k)   # where this row is about to be appended


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
    return abs(a[2] - b[2]) <= 3 or abs(a[0] - b[0]) <= 3


def _norm_row(r: list) -> tuple:
    return tuple(re.sub(r"\s+", "", c) for c in r if c)


def _repeated_header(first: list[list], cont: list[list]) -> int:
    """How many leading rows of a continuation repeat the leading rows of the table (a repeated header)."""
    k = 0
    while k < len(cont) and k < len(first) and _norm_row(cont[k]) and _norm_row(cont[k]) == _norm_row(first[k]):
        k += 1
    return k if k < len(cont) else 0
