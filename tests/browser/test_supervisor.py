"""Browser tests (issue 15), as a supervisor checks the dashboard: the real corpus's figures on the pages, a
65-agency peer group drawn ranked with one agency highlighted, a slide-ready PNG, and no English word or `None`
in any page's text.

    python -m pytest tests/browser/test_supervisor.py -q -p no:playwright

Skipped without /usr/bin/chromium or without ../shared/corpus/real (the real-corpus tests)."""

from __future__ import annotations

import io
import os
import re
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.browser.helpers import wait_for_app
from tests.browser.serve import CHROMIUM, dashboard

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")

PAGES = ["overview", "channels", "requests", "review", "staffing", "scorecard", "quality", "upload", "report"]
# words a page may show in Latin letters: file formats and the names of the downloads
ALLOWED = {
    "PNG",
    "CSV",
    "Excel",
    "HTML",
    "PDF",
    "Word",
    "TOML",
    "txt",
    "md",
    "html",
    "htm",
    "pdf",
    "docx",
    "doc",
    "zip",
    "MB",
    "MANIFEST",
}
# a code as the warehouse stores it: snake_case (carried_in, fate_zh) or dotted (outcome.total, text.table_agree)
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+(?:\.[a-z_]+)+\b")
SHANGHAI = "上海市/上海市政府办公厅"
PINGTAN = "福建省/平潭综合实验区"


def _serve(wh: Path):
    return dashboard({**os.environ, "WAREHOUSE_DIR": str(wh)})


@pytest.fixture(scope="module")
def real_server(real_warehouse):
    with _serve(real_warehouse) as url:
        yield url


@pytest.fixture(scope="module")
def peers_server(tmp_path_factory):
    """The sample warehouse plus 65 county 本级 reports of 2018 (copies of 兴庆区's, as 合成县1…65, each with i
    lawsuits): a peer group of 65."""
    from app import warehouse

    wh = tmp_path_factory.mktemp("peers") / "warehouse"
    warehouse.ensure_built(wh)
    con = duckdb.connect()
    src = con.execute(
        f"SELECT report_id FROM read_parquet('{wh}/reports.parquet') WHERE agency_short = '兴庆区'"
    ).fetchone()[0]
    copies = "SELECT i, printf('syn%03d', i) AS rid FROM range(1, 66) t(i)"
    con.execute(f"""COPY (
        SELECT * FROM read_parquet('{wh}/reports.parquet')
        UNION ALL BY NAME
        SELECT * REPLACE (c.rid AS report_id, '合成县' || c.i AS agency_short, '合成县' || c.i || '人民政府' AS agency,
                          '合成省/合成市/合成县' || c.i AS agency_id, 'self' AS scope, '合成省' AS province,
                          '合成市' AS prefecture, '合成县' || c.i AS county, 'syn/' || c.rid || '.txt' AS source_file)
        FROM read_parquet('{wh}/reports.parquet') r, ({copies}) c WHERE r.report_id = '{src}'
    ) TO '{wh}/reports.parquet.new' (FORMAT parquet)""")
    con.execute(f"""COPY (
        SELECT * FROM read_parquet('{wh}/metrics.parquet')
        UNION ALL BY NAME
        SELECT * REPLACE (c.rid AS report_id,
                          CASE WHEN m.metric = 'litigation.total' THEN CAST(c.i AS DOUBLE) ELSE m.value END AS value)
        FROM read_parquet('{wh}/metrics.parquet') m, ({copies}) c WHERE m.report_id = '{src}'
    ) TO '{wh}/metrics.parquet.new' (FORMAT parquet)""")
    for t in ("reports", "metrics"):
        os.replace(wh / f"{t}.parquet.new", wh / f"{t}.parquet")  # the marts are then stale: views are used
    with _serve(wh) as url:
        yield url


def _open(chromium, url: str, height: int = 1000):
    from playwright.sync_api import expect

    ctx = chromium.new_context(viewport={"width": 1400, "height": height}, locale="zh-CN", accept_downloads=True)
    pg = ctx.new_page()
    pg.goto(url, timeout=90_000)
    wait_for_app(pg, timeout=90_000)
    expect(pg.get_by_test_id("stSidebar").get_by_text("筛选", exact=True)).to_be_visible(timeout=30_000)
    wait_for_app(pg, timeout=90_000)
    pg.wait_for_timeout(500)
    assert pg.get_by_test_id("stException").count() == 0, pg.get_by_test_id("stException").first.inner_text()
    return ctx, pg


def _text(pg) -> str:
    """The page's visible text without the names of its Material icons (drawn from a font, read as words)."""
    pg.add_style_tag(
        content="[data-testid=stIconMaterial], [data-testid=stSidebarNavLinkIcon] {display: none !important}"
    )
    # Streamlit's visually hidden "Skip to main content" link (for keyboard users) is left out too
    return pg.evaluate("""() => { document.querySelectorAll('a').forEach(a => {
        if (a.innerText.trim() === 'Skip to main content') a.style.display = 'none'; });
        return document.querySelector('[data-testid=stApp]').innerText; }""")


def _q(**params) -> str:
    return "?" + urllib.parse.urlencode(params)


# --- the real corpus ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "year,agency,label,lawsuits",
    [(2019, SHANGHAI, "上海市政府办公厅", 9), (2023, PINGTAN, "平潭综合实验区（汇总）", 7)],
)
def test_real_lawsuits_are_the_table_figure_on_every_page(real_server, chromium, year, agency, label, lawsuits):
    """总览 and 复议诉讼 show the report's table figure for lawsuits (the prose figure is never added: not 18, 14)."""
    ctx, pg = _open(chromium, f"{real_server}/{_q(year=year, agency=agency)}")
    try:
        metric = pg.get_by_test_id("stMetric").filter(has_text="行政诉讼")
        assert metric.get_by_test_id("stMetricValue").inner_text().strip() == str(lawsuits)
    finally:
        ctx.close()
    ctx, pg = _open(chromium, f"{real_server}/review{_q(year=year, agency=agency)}")
    try:
        assert f"{label}：{lawsuits}（件）" in _text(pg)  # the peer comparison's statement
    finally:
        ctx.close()


def test_real_failed_and_partial_files_are_counted(real_server, chromium):
    ctx, pg = _open(chromium, f"{real_server}/quality")
    try:
        metric = pg.get_by_test_id("stMetric").filter(has_text="解析失败/部分解析文件")
        assert metric.get_by_test_id("stMetricValue").inner_text().strip() == "6"  # MANIFEST.md + 5 partial
        assert "解析失败或部分解析的文件" in _text(pg)
    finally:
        ctx.close()


def test_codes_in_a_link_and_chinese_not_found_page(real_server, chromium):
    ctx, pg = _open(chromium, f"{real_server}/review{_q(year=2019, level='province')}")
    try:
        assert "筛选：2019年，省级" in _text(pg)
    finally:
        ctx.close()
    for path in ("overview", "no-such-page"):
        ctx, pg = _open(chromium, f"{real_server}/{path}")
        try:
            text = _text(pg)
            assert "Page not found" not in text and ("找不到页面" in text) == (path != "overview")
        finally:
            ctx.close()


@pytest.mark.parametrize("page", PAGES)
def test_no_english_and_no_none_on_any_page(real_server, chromium, page):
    ctx, pg = _open(chromium, f"{real_server}/{page}")
    try:
        text = _text(pg)
        assert "None" not in text
        assert not IDENTIFIER.findall(text), IDENTIFIER.findall(text)
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED
        if page != "upload":  # 导入报告 (another issue's page) lists file types and the uploads folder
            assert not words, f"{page}: {sorted(words)}"
    finally:
        ctx.close()


# --- a peer group of 65 -------------------------------------------------------------------------------------------


def test_65_agency_group_ranked_with_one_highlighted_and_slide_png(peers_server, chromium):
    from PIL import Image

    ctx, pg = _open(
        chromium, f"{peers_server}/review{_q(year=2018, level='county', agency='合成省/合成市/合成县10')}", height=1400
    )
    try:
        text = _text(pg)
        assert "2018 年县级·政府·本级报告 65 份，其中 65 份有此数" in text  # the group: level, kind and scope
        assert "合成县10：10（件），在 65 家中排第 56 位（由高到低），高于 14% 的同组机构" in text
        assert "最高：合成县65、合成县64、合成县63；最低：合成县1、合成县2、合成县3。" in text
        chart = pg.get_by_test_id("stVegaLiteChart").filter(has=pg.locator("canvas, svg")).nth(-2)
        assert chart.bounding_box()["height"] > 65 * 10  # every peer drawn, none summed away
        button = pg.get_by_role("button", name="下载图表 PNG").nth(-2)  # the peer chart's (the trend's last)
        with pg.expect_download(timeout=60_000) as dl:
            button.click()
        png = Path(dl.value.path()).read_bytes()
        img = Image.open(io.BytesIO(png))
        assert img.size == (1920, 1080)
        assert dl.value.suggested_filename.startswith("同级比较_行政诉讼案件数_2018"), dl.value.suggested_filename
    finally:
        ctx.close()


def test_slide_spec_carries_title_filter_unit_and_source():
    """The PNG's spec: title, the filter in words with the agency named, unit, year and source line, 960 × 540
    fitted (drawn at scale 2: 1920 × 1080)."""
    import polars as pl

    from app import charts, files

    d = pl.DataFrame(
        {
            "report_id": [f"r{i}" for i in range(65)],
            "label": [f"合成县{i}" for i in range(65)],
            "value": [float(i) for i in range(65)],
        }
    )
    stats = {"n": 65, "median": 32.0, "q1": 16.0, "q3": 48.0}
    chart = charts.peer_ranking(d, "value", "label", "合成县10", ["合成县64", "合成县0", "合成县10"], stats, "件")
    spec = files.slide_spec(
        chart,
        "2018 年县级本级报告行政诉讼案件数排名",
        ["筛选：2018年，县级，1 个机构：合成县10", "单位：件；年度：2018年"],
    )
    assert spec["title"]["text"] == "2018 年县级本级报告行政诉讼案件数排名"
    assert spec["title"]["subtitle"] == [
        "筛选：2018年，县级，1 个机构：合成县10",
        "单位：件；年度：2018年",
        files.SOURCE_LINE,
    ]
    assert (spec["width"], spec["height"]) == (960, 540) and spec["autosize"]["type"] == "fit"
    png = files.chart_png(chart, title="t", subtitle=["s"])
    from PIL import Image

    assert Image.open(io.BytesIO(png)).size == files.SLIDE_PX
    empty = files.for_download(pl.DataFrame({"label": ["a"], "year": [2020], "correction_rate": [0.3379]}))
    assert empty.columns == ["机构", "年度", "纠错率（%）"] and empty["纠错率（%）"][0] == 33.79
