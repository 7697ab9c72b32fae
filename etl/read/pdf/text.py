"""Text of a PDF page: glyph fixes, cell text joined over its lines, the page's text lines in reading order
(page numbers in the margins dropped), and text set in vertical columns."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right

from etl.read.text import clean_line

MARGIN = 0.07  # share of the page height at top and bottom where a bare page number is furniture
MIN_LINE_SIZE, MAX_LINE_SIZE = 4.0, 40.0  # a text line's height (pt) is clamped to this range
VERTICAL_STEP = 1.15  # neighbouring glyphs at most this many em apart run along a line or column
VERTICAL_OFFSET = 0.3  # ... and at most this many em across it
COLUMN_GAP = 0.5  # glyph centres closer than this many em share a vertical column

# CJK Radicals Supplement code points NFKC leaves alone, seen in ToUnicode maps of CJK fonts.
_RADICALS = {
    "⺀": "冫",
    "⺁": "厂",
    "⺇": "几",
    "⺌": "小",
    "⺍": "小",
    "⺎": "兀",
    "⺏": "尣",
    "⺐": "尢",
    "⺑": "尣",
    "⺒": "巳",
    "⺓": "幺",
    "⺔": "彑",
    "⺕": "彐",
    "⺖": "忄",
    "⺗": "心",
    "⺘": "扌",
    "⺙": "攵",
    "⺛": "旡",
    "⺜": "日",
    "⺝": "月",
    "⺞": "歺",
    "⺟": "母",
    "⺠": "民",
    "⺡": "氵",
    "⺢": "氺",
    "⺣": "灬",
    "⺤": "爫",
    "⺥": "爫",
    "⺦": "丬",
    "⺧": "牛",
    "⺨": "犭",
    "⺩": "王",
    "⺪": "疋",
    "⺫": "罒",
    "⺬": "示",
    "⺭": "礻",
    "⺮": "竹",
    "⺯": "糸",
    "⺰": "纟",
    "⺲": "罒",
    "⺳": "网",
    "⺴": "罒",
    "⺵": "罒",
    "⺶": "羊",
    "⺷": "羊",
    "⺸": "羊",
    "⺹": "耂",
    "⺺": "肀",
    "⺻": "聿",
    "⺼": "月",
    "⺽": "臼",
    "⺾": "艹",
    "⺿": "艹",
    "⻀": "艹",
    "⻁": "虎",
    "⻂": "衤",
    "⻃": "覀",
    "⻄": "西",
    "⻅": "见",
    "⻆": "角",
    "⻇": "角",
    "⻈": "讠",
    "⻉": "贝",
    "⻊": "足",
    "⻋": "车",
    "⻌": "辶",
    "⻍": "辶",
    "⻎": "辶",
    "⻏": "阝",
    "⻐": "钅",
    "⻑": "長",
    "⻒": "镸",
    "⻓": "长",
    "⻔": "门",
    "⻕": "阝",
    "⻖": "阝",
    "⻗": "雨",
    "⻘": "青",
    "⻙": "韦",
    "⻚": "页",
    "⻛": "风",
    "⻜": "飞",
    "⻝": "食",
    "⻞": "飠",
    "⻟": "飠",
    "⻠": "饣",
    "⻡": "首",
    "⻢": "马",
    "⻣": "骨",
    "⻤": "鬼",
    "⻥": "鱼",
    "⻦": "鸟",
    "⻧": "卤",
    "⻨": "麦",
    "⻩": "黄",
    "⻪": "黾",
    "⻫": "齐",
    "⻬": "齐",
    "⻭": "齿",
    "⻮": "齿",
    "⻯": "龙",
    "⻰": "龙",
    "⻱": "龟",
    "⻲": "龟",
    "⻳": "龟",
}
_RADICAL_RE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
_PAGE_NO = re.compile(r"^[\s\-—–·•第页共/／0-9()（）]*[0-9][\s\-—–·•第页共/／0-9()（）]*$")


def fix_glyphs(text: str) -> str:
    """Kangxi radicals (U+2F00..) via NFKC, CJK radicals supplement via a table: ⼯作 -> 工作, ⼈⺠ -> 人民."""
    if not _RADICAL_RE.search(text):
        return text
    return _RADICAL_RE.sub(lambda m: _RADICALS.get(m.group(0)) or unicodedata.normalize("NFKC", m.group(0)), text)


def join_lines(text: str | None) -> str:
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


def text_lines(page, pno: int) -> list[dict]:
    """The page's text lines (top to bottom), page numbers in the top and bottom margins left out."""
    height = float(page.height)
    lines = []
    for ln in page.extract_text_lines(return_chars=False):
        text = fix_glyphs(ln["text"]).strip()
        if not text:
            continue
        furniture = (ln["top"] < height * MARGIN or ln["bottom"] > height * (1 - MARGIN)) and _PAGE_NO.match(text)
        if furniture:
            continue
        lines.append(
            {
                "kind": "text",
                "text": text,
                "x0": ln["x0"],
                "x1": ln["x1"],
                "top": ln["top"],
                "page": pno,
                "size": max(MIN_LINE_SIZE, min(MAX_LINE_SIZE, ln["bottom"] - ln["top"])),
            }
        )
    return lines


def vertical_text(chars: list[dict]) -> str | None:
    """The cell's text if its glyphs run in vertical columns, else None."""
    if len(chars) < 2:
        return None
    if all(not ch.get("upright", True) for ch in chars):
        m = chars[0].get("matrix") or (1, 0, 0, 1, 0, 0)
        down = m[1] < 0  # the text baseline runs down the page (rotated clockwise)
        cols = _columns(chars)
        cols.sort(key=lambda col: -col[0] if down else col[0])
        return "".join(
            "".join(ch["text"] for ch in sorted(col[1], key=lambda ch: ch["top"] if down else -ch["top"]))
            for col in cols
        )
    size = max(1.0, sum(ch["size"] for ch in chars) / len(chars))
    tops = [ch["top"] for ch in chars]
    if max(tops) - min(tops) < VERTICAL_OFFSET * size:
        return None  # one line of text: no glyph sits below another
    horiz = vert = 0
    near, step = VERTICAL_OFFSET * size, VERTICAL_STEP * size
    by_x = sorted(chars, key=lambda ch: ch["x0"])
    xs = [ch["x0"] for ch in by_x]
    for a in chars:
        # only glyphs within reach across can count (a point more on each side: the tests below decide)
        lo, hi = bisect_left(xs, a["x0"] - near - 1), bisect_right(xs, a["x0"] + max(near, step) + 1)
        for b in by_x[lo:hi]:
            if a is b:
                continue
            dx, dy = b["x0"] - a["x0"], b["top"] - a["top"]
            if abs(dy) < VERTICAL_OFFSET * size and 0 < dx <= VERTICAL_STEP * size:
                horiz += 1
            if abs(dx) < VERTICAL_OFFSET * size and 0 < dy <= VERTICAL_STEP * size:
                vert += 1
    if vert <= horiz:
        return None
    cols = _columns(chars)
    cols.sort(key=lambda col: -col[0])  # vertical-rl: the rightmost column is read first
    return "".join("".join(ch["text"] for ch in sorted(col[1], key=lambda ch: ch["top"])) for col in cols)


def _columns(chars: list[dict]) -> list[tuple[float, list]]:
    size = max(1.0, sum(ch["size"] for ch in chars) / len(chars))
    cols: list[tuple[float, list]] = []
    for ch in sorted(chars, key=lambda ch: (ch["x0"] + ch["x1"]) / 2):
        cx = (ch["x0"] + ch["x1"]) / 2
        if cols and abs(cols[-1][0] - cx) < COLUMN_GAP * size:
            cols[-1][1].append(ch)
        else:
            cols.append((cx, [ch]))
    return cols
