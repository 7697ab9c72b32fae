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
