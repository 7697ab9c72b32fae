"""导出本页 PDF (app/page_pdf.py) without a browser: title page, one slide per chart, tables with blanks as —, and a
clean refusal without a CJK font; and `charts.trend` of a single year drawn as bars, not a column of dots.

    python -m pytest tests/test_page_pdf.py -q
"""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from app import charts, page_pdf

# lawsuits as the reports' tables give them (tests/golden): 上海市政府办公厅 2019 9, 平潭（汇总）2023 7
LAWSUITS = pl.DataFrame(
    {"label": ["上海市政府办公厅", "平潭综合实验区（汇总）"], "year": [2019, 2023], "value": [9, 7]}
)


def _texts(data: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return out.decode().split("\f")


@pytest.mark.skipif(page_pdf.cjk_font() is None, reason="fonts-noto-cjk is not installed")
def test_title_page_then_a_slide_per_chart_then_the_tables():
    from pypdf import PdfReader

    chart = charts.alt.Chart(LAWSUITS.to_pandas()).mark_bar().encode(x="value:Q", y="label:N")
    table = pl.DataFrame({"机构": ["上海市政府办公厅", "平潭综合实验区"], "行政诉讼": [9, None], "年度": [2019, 2023]})
    items = [
        page_pdf.Chart(chart, "行政诉讼案件数", ["筛选：全部报告", "单位：件；年度：2019、2023年"]),
        page_pdf.Table("复议诉讼明细", table, total=65),
    ]
    data = page_pdf.pdf_bytes("复议诉讼", "筛选：全部报告", items, when=datetime(2026, 3, 1, 9, 30))
    pdf = PdfReader(io.BytesIO(data))
    assert len(pdf.pages) == 3
    assert [img.image.size for img in pdf.pages[1].images] == [(1920, 1080)]
    first, _, tab = (" ".join(t.split()) for t in _texts(data)[:3])
    assert "复议诉讼 筛选：全部报告 导出时间：2026-03-01 09:30（北京时间）" in first
    assert "内容：1 张图表、1 张表格" in first
    assert "共 65 行，此处列出前 2 行" in tab
    assert "上海市政府办公厅 9 2019" in tab and "平潭综合实验区 — 2023" in tab  # blank as —, a year not 2,023


def test_without_a_cjk_font_no_pdf_is_offered(monkeypatch):
    monkeypatch.setattr(page_pdf, "FONTS", [(Path("/nonexistent/font.ttc"), 2)])
    assert page_pdf.cjk_font() is None
    with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
        page_pdf.pdf_bytes("总览", "筛选：全部报告", [])


def test_one_year_trend_is_bars_with_values():
    one = pl.DataFrame({"year": [2020] * 2, "category": ["予以公开", "部分公开"], "rate": [0.65, 0.02]})
    spec = charts.trend(one, "rate", "category", y_title="占全部答复比例", rate=True).to_dict()
    assert [lay["mark"]["type"] if isinstance(lay["mark"], dict) else lay["mark"] for lay in spec["layer"]] == [
        "bar",
        "text",
    ]
    assert spec["layer"][0]["encoding"]["x"]["title"] == "占全部答复比例（2020年）"
    two = pl.concat([one, one.with_columns(year=pl.lit(2021, dtype=pl.Int64))])
    spec = charts.trend(two, "rate", "category", rate=True).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "line"


@pytest.mark.skipif(page_pdf.cjk_font() is None, reason="fonts-noto-cjk is not installed")
def test_headline_figures_percentages_and_a_chinese_title_page(monkeypatch):
    """The page's headline figures and peer statement on the title page, a ratio the page shows as 97.0% so in the
    table too, and the demo's title page a title (依申请公开) with the 演示数据 note, not a file name."""
    import streamlit as st

    from app import demo

    monkeypatch.setattr(demo, "is_demo", lambda: True)
    page = page_pdf.Page("依申请公开", "筛选：2017年，政府")
    monkeypatch.setattr(page_pdf, "_page", lambda: page)
    page_pdf.add_figure("收到申请（件）", "161", "+9（同口径）")
    page_pdf.add_figure("行政复议（件）", "21", None)
    page_pdf.add_text(
        "同级比较：收到申请数", ["演示禾澜县：2（件），在 6 家中排第 6 位（由高到低），高于 0% 的同组机构。"]
    )
    rates = pl.DataFrame({"机构": ["演示禾澜县", "演示琼澜县"], "按时办结率": [0.9712, None], "办结数": [859, 12]})
    page_pdf.add_table(
        "按时办结率", rates, column_config={"按时办结率": st.column_config.NumberColumn(format="percent")}
    )
    data = page_pdf.pdf_bytes(page.title, page.filter_line, page.items, when=datetime(2026, 3, 1, 9, 30))
    first, tab = (" ".join(t.split()) for t in _texts(data)[:2])
    assert first.startswith("政府信息公开工作年度报告对比 依申请公开 演示数据：合成报告，机构与数字均为虚构")
    assert "演示数据_" not in first
    assert "主要数字 数值 变化 收到申请（件） 161 +9（同口径） 行政复议（件） 21" in first
    assert "同级比较：收到申请数 演示禾澜县：2（件），在 6 家中排第 6 位" in first
    assert "内容：0 张图表、1 张表格" in first
    assert "演示禾澜县 97.1% 859" in tab and "演示琼澜县 — 12" in tab


def test_peer_csv_is_ranked_with_percentile_and_highlight():
    """The 同级比较 download: rank (ties share one), percentile, the highlighted agency, by rank; counts whole."""
    from app import compare, files

    d = pl.DataFrame(
        {
            "label": ["演示禾澜县", "演示琼澜县", "演示溪澜县", "演示桐澜县"],
            "level_zh": ["县级"] * 4,
            "scope_zh": ["本级"] * 4,
            "year": [2017] * 4,
            "received": [2.0, 21.0, None, 4.0],
        }
    )
    csv = files.csv_bytes(compare.ranked(d, "received", "演示禾澜县")).decode("utf-8-sig").splitlines()
    assert csv == [
        "机构,层级,范围,年度,数值,名次,百分位（%）,突出显示",
        "演示琼澜县,县级,本级,2017,21,1,100.0,",
        "演示桐澜县,县级,本级,2017,4,2,50.0,",
        "演示禾澜县,县级,本级,2017,2,3,0.0,是",
        "演示溪澜县,县级,本级,2017,,,,",
    ]
