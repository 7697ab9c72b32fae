"""Regenerate the PDF/DOCX test fixtures in tests/fixtures/ from the real published HTML pages.

    python3 -m tools.make_fixtures            # all fixtures (PDF needs /usr/bin/chromium + playwright)
    python3 -m tools.make_fixtures --docx     # DOCX only

Each report's article (found the same way the HTML reader finds it) is reprinted as a plain page: its
paragraphs and tables, site chrome, scripts and inline sizes removed. The PDF is Chromium's print-to-PDF of
that page (A4, ruled tables, a Noto Sans CJK SC font cut to the page's characters with fontTools when that
is installed, to keep files small); the DOCX is built with python-docx, merged cells kept as merged cells.
Section 三 of the 2024 report is also printed alone: ``*_s3_onepage.pdf`` (one tall page),
``*_s3_split.pdf`` (a spacer pushes the table over an A4 page break), ``*_s3_split_header.pdf`` (the same
with the header rows repeated via <thead>). ``layout_jobs`` (vertical header text, no rules) are printed by
the tests into a temp dir, not committed. The PDF creation date is pinned so reruns are stable.
"""

from __future__ import annotations

import argparse
import copy
import html as htmlmod
import io
import re
from pathlib import Path

import lxml.html
from lxml import etree

from etl.read.decode import decode
from etl.read.html import _DROP, _article

ROOT = Path(__file__).resolve().parents[1]

REAL = Path("/work/shared/corpus/real")
OUT = ROOT / "tests" / "fixtures"
SOURCES = {
    "2024_pingtan-syq_2021": REAL / "html" / "2024_pingtan-syq_2021.html",
    "2019_shanghai-szfbgt_2019": REAL / "2019_shanghai-szfbgt_2019.html",
    "2014_pingtan-syq_old": REAL / "html" / "2014_pingtan-syq_old.html",
}
CHROMIUM = "/usr/bin/chromium"
_KEEP_ATTRS = {"colspan", "rowspan"}

CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'FixtureCJK', 'Noto Sans CJK SC', sans-serif; font-size: 11pt; line-height: 1.5; }
h1 { font-size: 15pt; text-align: center; font-weight: normal; }
b, strong { font-weight: normal; }
p { margin: 0.3em 0; text-indent: 2em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
td, th { border: 0.8pt solid #000; padding: 2pt 3pt; font-size: 9pt; font-weight: normal;
         text-align: center; vertical-align: middle; }
tr { page-break-inside: avoid; break-inside: avoid; }
"""
UNRULED = "td, th { border: none !important; padding: 3pt 6pt; }"
VERTICAL = "td.v { writing-mode: vertical-rl; text-orientation: upright; width: 1.6em; }"
ROTATED = "td.v { writing-mode: vertical-rl; text-orientation: sideways; width: 1.6em; }"


def article(path: Path, abridge: bool = False) -> tuple[str, list]:
    """(title, cleaned block elements of the article) of one published page."""
    root = lxml.html.fromstring(re.sub(r"^<\?xml[^>]*>", "", decode(path.read_bytes()).lstrip("\ufeff")))
    title = (root.xpath("//meta[@name='ArticleTitle']/@content") or root.xpath("//title/text()") or [""])[0].strip()
    etree.strip_elements(root, *_DROP, "img", with_tail=False)
    for c in root.xpath("//comment()"):
        if c.getparent() is not None:
            c.getparent().remove(c)
    art = copy.deepcopy(_article(root))
    for el in art.iter():
        if isinstance(el.tag, str):
            for a in list(el.attrib):
                if a not in _KEEP_ATTRS:
                    del el.attrib[a]
    if abridge:
        _abridge(art)
    return title, art


def _abridge(art) -> None:
    """Cut long narrative paragraphs to their first sentence: the statistics live in the tables, and every
    distinct CJK glyph costs ~400 bytes of embedded font in the PDF. The opening paragraphs stay whole."""
    n = 0
    for p in list(art.iter("p")):
        if p.xpath("ancestor::table"):
            continue
        text = re.sub(r"\s+", "", p.text_content())
        if not text:
            continue
        n += 1
        if n <= 3 or len(text) <= 60:
            continue
        cut = text.find("。")
        short = text[: cut + 1] if 0 < cut < 60 else text[:40] + "……"
        tail = p.tail
        p.clear()
        p.text, p.tail = short, tail


def clean_html(
    path: Path,
    *,
    only_s3: bool = False,
    split: bool = False,
    thead: bool = False,
    unruled: bool = False,
    vertical: bool = False,
    rotated: bool = False,
    page: str = "A4",
) -> str:
    """The printable page. ``only_s3`` keeps just the title and section 三's table (small variants for
    the page-break tests); ``split`` puts a spacer before that table so it runs over a page break."""
    title, art = article(path)
    tables = [t for t in art.iter("table") if not t.xpath(".//table")]
    # the table of section 三 is the one naming applicants (2019/2021) or the biggest one (old format)
    s3 = next(
        (t for t in tables if "自然人" in t.text_content()),
        max(tables, key=lambda t: len(t.xpath(".//tr")), default=None),
    )
    if s3 is None and (only_s3 or split or thead or vertical or rotated):
        raise ValueError(f"{path.name}: no table to make a variant of")
    if only_s3:
        holder = lxml.html.Element("div")
        head = lxml.html.Element("p")
        holder.append(head)
        head.text = "三、收到和处理政府信息公开申请情况"
        holder.append(s3)
        art = holder
    if split:
        spacer = etree.Element("div", style="height:170mm")
        s3.addprevious(spacer)
    if thead:
        first = s3.xpath(".//tr")[: 3 if "自然人" in s3.text_content() else 1]
        head = etree.Element("thead")
        for tr in first:
            head.append(tr)
        s3.insert(0, head)
    if s3 is not None and (vertical or rotated):
        for td in s3.iter("td", "th"):
            t = re.sub(r"\s+", "", td.text_content())
            if t in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"):
                td.set("class", "v")
    body = etree.tostring(art, encoding="unicode", method="html")
    css = _font_face(title + art.text_content()) + CSS.replace("size: A4;", f"size: {page};")
    css += (UNRULED if unruled else "") + (VERTICAL if vertical else "") + (ROTATED if rotated else "")
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{htmlmod.escape(title)}</title>"
        f"<style>{css}</style></head><body><h1>{htmlmod.escape(title)}</h1>{body}</body></html>"
    )


FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _font_face(text: str) -> str:
    """An @font-face with Noto Sans CJK SC cut down to the page's characters (fontTools, desubroutinised).
    Chromium embeds the full CFF subroutine table of a system CJK font (~300 KB per PDF); a pre-cut font
    keeps each fixture small. Without fontTools the system font is used (bigger files, same content)."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTCollection
    except ImportError:
        return ""
    import base64
    import io

    col = TTCollection(FONT)
    font = next(f for f in col.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    opts = subset.Options()
    opts.desubroutinize = True
    opts.hinting = False
    opts.layout_features = []
    opts.name_IDs = ["*"]
    sub = subset.Subsetter(opts)
    chars = set(text) | set("0123456789.,:;()（），。：；、-—/%第页共 ")
    sub.populate(unicodes=[ord(c) for c in chars if not c.isspace() or c == " "])
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode()
    return f"@font-face {{ font-family: 'FixtureCJK'; src: url(data:font/otf;base64,{data}) format('opentype'); }}\n"


VARIANT_KEY = "2024_pingtan-syq_2021"


def variant_jobs() -> list[tuple[str, str]]:
    """Section 三 of the 2024 report alone: on one tall page, and split over two A4 pages (without and with
    a repeated header)."""
    src = SOURCES[VARIANT_KEY]
    return [
        (f"{VARIANT_KEY}_s3_onepage.pdf", clean_html(src, only_s3=True, page="210mm 500mm")),
        (f"{VARIANT_KEY}_s3_split.pdf", clean_html(src, only_s3=True, split=True)),
        (f"{VARIANT_KEY}_s3_split_header.pdf", clean_html(src, only_s3=True, split=True, thead=True)),
    ]


def layout_jobs() -> list[tuple[str, str]]:
    """Harder layouts, printed by the tests themselves (not committed): vertical header text, no rules."""
    src = SOURCES[VARIANT_KEY]
    return [
        (f"{VARIANT_KEY}_s3_vertical.pdf", clean_html(src, only_s3=True, vertical=True, page="210mm 500mm")),
        (f"{VARIANT_KEY}_s3_rotated.pdf", clean_html(src, only_s3=True, rotated=True, page="210mm 500mm")),
        (f"{VARIANT_KEY}_unruled.pdf", clean_html(src, unruled=True)),
        (f"{VARIANT_KEY}_s3_unruled.pdf", clean_html(src, only_s3=True, unruled=True, page="210mm 500mm")),
    ]


def rowsplit_job(spacer_mm: int) -> tuple[str, str]:
    """Section 三 pushed down by ``spacer_mm`` with rows allowed to break across pages (Word's default):
    the page break cuts through a row, through a rowspan cell, or through a line of text."""
    html = clean_html(SOURCES[VARIANT_KEY], only_s3=True, split=True)
    html = html.replace("height:170mm", f"height:{spacer_mm}mm")
    html = html.replace("tr { page-break-inside: avoid; break-inside: avoid; }", "tr { break-inside: auto; }")
    return f"{VARIANT_KEY}_s3_rowsplit_{spacer_mm}.pdf", html


def print_pdfs(jobs: list[tuple[str, str]], out: Path) -> None:
    """Print each (file name, html) with headless Chromium into ``out``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page()
        for name, doc in jobs:
            page.set_content(doc, wait_until="load")
            data = page.pdf(print_background=False, prefer_css_page_size=True)
            (out / name).write_bytes(_pin_dates(data))
            print("wrote", name, len(data))
        browser.close()


def make_pdfs(keys: list[str]) -> None:
    jobs = []
    for key in keys:
        jobs.append((f"{key}.pdf", clean_html(SOURCES[key])))
    jobs.extend(variant_jobs())
    print_pdfs(jobs, OUT)


def _pin_dates(data: bytes) -> bytes:
    """Chromium stamps the print time into the PDF info dictionary; pin it so reruns are byte-stable."""
    return re.sub(
        rb"\(D:\d{14}[^)]*\)",
        lambda m: (
            b"(D:20250101000000+00'00')".ljust(len(m.group(0)), b" ")[: len(m.group(0))]
            if len(m.group(0)) >= 25
            else m.group(0)
        ),
        data,
    )


# ---------------------------------------------------------------- DOCX


def _grid(table) -> tuple[list[list[tuple]], int]:
    """Lay a HTML table out on a grid: per source row, (row, col, rowspan, colspan, text) of each cell."""
    from etl.read.html import _cell_text

    occupied: set[tuple[int, int]] = set()
    rows = []
    trs = [tr for tr in table.iter("tr")]
    ncols = 0
    for r, tr in enumerate(trs):
        c = 0
        cells = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rs = max(1, int(re.sub(r"\D", "", td.get("rowspan", "1")) or 1))
            cs = max(1, int(re.sub(r"\D", "", td.get("colspan", "1")) or 1))
            rs = min(rs, len(trs) - r)
            for i in range(rs):
                for j in range(cs):
                    occupied.add((r + i, c + j))
            cells.append((r, c, rs, cs, _cell_text(td)))
            c += cs
        rows.append(cells)
        ncols = max(ncols, max((cc + 1 for (rr, cc) in occupied if rr == r), default=0))
    return rows, ncols


def make_docx(key: str, path: Path, out: Path) -> None:
    import docx
    from docx.shared import Pt

    title, art = article(path)
    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = "fixture"
    import datetime as _dt

    d.core_properties.created = d.core_properties.modified = _dt.datetime(2025, 1, 1)
    d.styles["Normal"].font.size = Pt(10.5)
    d.add_heading(title, level=1)

    buf: list[str] = []

    def flush():
        text = "".join(buf)
        buf.clear()
        for line in text.split("\n"):
            line = re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip()
            if line:
                d.add_paragraph(line)

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and not el.xpath(".//table"):
            flush()
            rows, ncols = _grid(el)
            nrows = len(rows)
            if nrows and ncols:
                base = 0
                t = d.add_table(rows=nrows, cols=ncols)
                t.style = "Table Grid"
                for cells in rows:
                    for r, c, rs, cs, text in cells:
                        cell = t.cell(r - base, c)
                        end = t.cell(min(r - base + rs - 1, nrows - 1), min(c + cs - 1, ncols - 1))
                        if end._tc is not cell._tc:
                            try:
                                cell = cell.merge(end)
                            except Exception:
                                pass
                        cell.text = text
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "section")
        if block:
            buf.append("\n")
        if el.text and tag:
            buf.append(el.text)
        for ch in el:
            walk(ch)
        if block:
            buf.append("\n")
        if el.tail:
            buf.append(el.tail)

    walk(art)
    flush()
    buf = io.BytesIO()
    d.save(buf)
    out.write_bytes(_stable_zip(buf.getvalue()))
    print("wrote", out.name, out.stat().st_size)


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so a rerun gives the same bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            z.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docx", action="store_true", help="only the DOCX fixtures")
    ap.add_argument("--pdf", action="store_true", help="only the PDF fixtures")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    keys = list(SOURCES)
    if not args.pdf:
        for key in keys:
            make_docx(key, SOURCES[key], OUT / f"{key}.docx")
    if not args.docx:
        make_pdfs(keys)


if __name__ == "__main__":
    main()
