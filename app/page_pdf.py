"""A whole page as one PDF (导出本页 PDF): a title page — the page's name, the filter in words, the date, the source
line and the page's headline figures (ui.metric) and statements — then every chart the page drew, as its slide PNG (app/files.py: title, filter, unit, years, source), and
every table it listed (its first TABLE_ROWS rows, blank cells as —), in the order the page showed them.

The page's charts and tables are collected while it runs (`start` in ui.header, `add_chart` in export.show,
`add_table` in ui.dataframe/paged_table); dashboard.py calls `offer()` when the page is done, which fills the
button's slot under the page title. The PDF is written (fpdf2, Noto Sans CJK SC from Debian's fonts-noto-cjk) only
when the button is clicked; without a CJK font the button says so instead."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import altair as alt
import polars as pl
import streamlit as st

from app import files

log = logging.getLogger(__name__)
KEY = "_page_pdf"
TABLE_ROWS = 40  # a table's rows in the PDF; the downloads under it on the page give every row
MAX_COLUMNS = 12  # wider tables keep their first columns (the page's CSV/Excel have them all)
# Noto Sans CJK as Debian installs it (a collection: face 2 is Simplified Chinese), or a single-face font
FONTS = [
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"), 0),
    (Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"), 2),
]
NO_FONT = "服务器缺少中文字体（Debian 软件包 fonts-noto-cjk），无法生成 PDF；图表 PNG 与数据下载不受影响。"


@dataclass
class Chart:
    chart: alt.TopLevelMixin
    title: str
    subtitle: list[str]


@dataclass
class Table:
    title: str
    df: pl.DataFrame
    total: int
    percent: frozenset = frozenset()  # columns the page shows as percentages (0.97 -> 97.0%)


@dataclass
class Figures:
    """The page's headline figures (st.metric), as the page showed them, consecutive ones in one block."""

    rows: list = field(default_factory=list)  # (label, value, change)


@dataclass
class Text:
    """A statement the page makes in words (the peer comparison's rank and percentile)."""

    title: str
    lines: list[str]


@dataclass
class Page:
    title: str
    filter_line: str
    slot: object = None
    items: list = field(default_factory=list)


def reset() -> None:
    """Forget the previous run's page (dashboard.py, before the page runs)."""
    st.session_state.pop(KEY, None)


def start(title: str, filter_line: str) -> None:
    """Begin collecting a page; the 导出本页 PDF button will stand here."""
    st.session_state[KEY] = Page(title, filter_line, st.empty())


def _page() -> Page | None:
    return st.session_state.get(KEY)


def add_chart(chart: alt.TopLevelMixin, title: str, subtitle: list[str]) -> None:
    if (p := _page()) is not None:
        p.items.append(Chart(chart, title, subtitle))


def add_table(title: str, df: pl.DataFrame, total: int | None = None, column_config: dict | None = None) -> None:
    """A table the page shows; `column_config` (the page's): columns it formats as percentages are so in the PDF."""
    if (p := _page()) is not None and not df.is_empty():
        percent = frozenset(
            c
            for c, cfg in (column_config or {}).items()
            if isinstance(cfg, dict) and (cfg.get("type_config") or {}).get("format") == "percent"
        )
        p.items.append(Table(title, df.head(TABLE_ROWS), total if total is not None else df.height, percent))


def add_figure(label: str, value: str, change: str | None = None) -> None:
    """A headline figure (ui.metric) as the page shows it."""
    if (p := _page()) is None:
        return
    if not p.items or not isinstance(p.items[-1], Figures):
        p.items.append(Figures())
    p.items[-1].rows.append((label, value, change or ""))


def add_text(title: str, lines: list[str]) -> None:
    if (p := _page()) is not None and lines:
        p.items.append(Text(title, lines))


def offer() -> None:
    """The 导出本页 PDF button, in the slot under the page title, for a page that showed a chart or a table."""
    p = st.session_state.pop(KEY, None)
    if p is None or p.slot is None or not p.items:
        return
    font = cjk_font()
    if font is None:
        p.slot.caption(NO_FONT)
        return
    n_charts = sum(isinstance(i, Chart) for i in p.items)
    n_tables = sum(isinstance(i, Table) for i in p.items)
    p.slot.download_button(
        "导出本页 PDF",
        data=lambda: pdf_bytes(p.title, p.filter_line, p.items),
        file_name=f"{files.file_stem(p.title)}.pdf",
        mime="application/pdf",
        on_click="ignore",
        key="page_pdf",
        icon=":material/picture_as_pdf:",
        help=f"本页 {n_charts} 张图表（幻灯片尺寸）和 {n_tables} 张表格合成一个 PDF，首页写明筛选条件、日期、数据来源和主要数字",
    )


def cjk_font() -> tuple[Path, int] | None:
    return next(((f, i) for f, i in FONTS if f.is_file()), None)


def _cell(v, percent: bool = False) -> str:
    if v is None:
        return "—"
    if percent and isinstance(v, int | float) and not isinstance(v, bool):
        return f"{v:.1%}"
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".")  # 79.7, 79, 1,234
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v) if 1900 <= v <= 2100 else f"{v:,}"  # a year stays a year
    if isinstance(v, list | tuple):
        return "、".join(_cell(x) for x in v)
    return str(v)


def pdf_bytes(title: str, filter_line: str, items: list, when: datetime | None = None) -> bytes:
    """The page as one PDF (A4 landscape): a title page, then a page per chart and the tables in the page's order
    (tables one after another share pages)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from app import demo

    font = cjk_font()
    if font is None:
        raise RuntimeError(NO_FONT)
    when = when or datetime.now(ZoneInfo("Asia/Shanghai"))
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("cjk", fname=str(font[0]), collection_font_number=font[1])
    pdf.set_title(title)
    pdf.set_creator("政府信息公开年报对比")
    w = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.set_y(45)
    pdf.multi_cell(w, 9, "政府信息公开工作年度报告对比", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=26)
    pdf.ln(2)
    pdf.multi_cell(w, 14, title, align="C", new_x="LMARGIN", new_y="NEXT")
    if demo.is_demo():  # the demo dataset says so on its title page, in red, as on every page and chart
        pdf.set_font("cjk", size=14)
        pdf.set_text_color(180, 35, 24)
        pdf.multi_cell(w, 9, demo.NOTE, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", size=13)
    pdf.ln(6)
    for line in (
        filter_line,  # 筛选：… (filters.describe, the agencies named)
        f"导出时间：{when:%Y-%m-%d %H:%M}（北京时间）",
        files.SOURCE_LINE,
        f"内容：{sum(isinstance(i, Chart) for i in items)} 张图表、{sum(isinstance(i, Table) for i in items)} 张表格",
    ):
        pdf.multi_cell(w, 9, line, align="C", new_x="LMARGIN", new_y="NEXT")
    figures = [i for i in items if isinstance(i, Figures | Text)]
    if figures:  # the page's headline figures and statements, under the title page's lines (a page of their own when no room is left)
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        pdf.ln(6)
        for item in figures:
            if isinstance(item, Figures):
                _figures(pdf, item, w, FontFace)
            else:
                _text(pdf, item, w)
    items = [i for i in items if not isinstance(i, Figures | Text)]

    previous = None
    for item in items:
        if isinstance(item, Chart):
            pdf.add_page()
            png = files.chart_png(item.chart, title=item.title, subtitle=item.subtitle)
            img_h = w * files.SLIDE_PX[1] / files.SLIDE_PX[0]
            pdf.image(io.BytesIO(png), x=pdf.l_margin, y=pdf.t_margin, w=w, h=img_h)
        else:
            # a table after the title page or a chart starts a page; one after a table follows it if room is left
            if not isinstance(previous, Table) or pdf.get_y() > pdf.h - 50:
                pdf.add_page()
            else:
                pdf.ln(8)
            _table(pdf, item, w, FontFace)
        previous = item
    return bytes(pdf.output())


def _figures(pdf, item: Figures, w: float, FontFace) -> None:
    pdf.set_font("cjk", size=12)
    with pdf.table(
        width=w * 0.8,
        col_widths=(3, 2, 3),
        line_height=7,
        headings_style=FontFace(fill_color=(230, 234, 240)),
        text_align=("LEFT", "RIGHT", "LEFT"),
        first_row_as_headings=True,
    ) as t:
        t.row(["主要数字", "数值", "变化"])
        for label, value, change in item.rows:
            t.row([label, value, change])
    pdf.ln(4)


def _text(pdf, item: Text, w: float) -> None:
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(w, 8, item.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    for line in item.lines:
        pdf.multi_cell(w, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _table(pdf, item: Table, w: float, FontFace) -> None:
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(w, 8, item.title, new_x="LMARGIN", new_y="NEXT")
    cols = item.df.columns[:MAX_COLUMNS]
    shown = item.df.height
    note = f"共 {item.total:,} 行" + (f"，此处列出前 {shown:,} 行" if item.total > shown else "")
    if len(item.df.columns) > len(cols):
        note += f"；前 {len(cols)} 列（共 {len(item.df.columns)} 列）"
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(
        w,
        6,
        note + "。表中“—”= 报告未填报（空白、无、/），与 0 不同；全部数据请在页面上下载 CSV/Excel。",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("cjk", size=8 if len(cols) <= 8 else 7)
    body = [[_cell(v, c in item.percent) for c, v in zip(cols, r)] for r in item.df.select(cols).iter_rows()]
    # columns as wide as their longest cell (a CJK character counts double), within 4–24 characters
    widths = [
        min(24, max(4, max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(x)) for x in [c] + [r[i] for r in body])))
        for i, c in enumerate(cols)
    ]
    with pdf.table(
        width=w,
        col_widths=widths,
        line_height=5,
        headings_style=FontFace(fill_color=(230, 234, 240)),
        text_align="LEFT",
        first_row_as_headings=True,
    ) as t:
        t.row([str(c) for c in cols])
        for r in body:
            t.row(r)
