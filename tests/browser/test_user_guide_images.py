"""Browser test (Chromium) that takes the screenshots of the user guide (docs/user-guide/) and of README: every
view below served from the sample reports, at one window size, after the page has finished running, written to
docs/images/<name>.png. The same checkout gives the same pictures (same data, same addresses, same window, no
clock on the pages); a view that fails to render fails the test instead of leaving a stale picture.

    python -m pytest tests/browser/test_user_guide_images.py -q -n0
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest

from tests.browser.serve import CHROMIUM, dashboard
from tests.browser.test_pages import _wait_for_app

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
WINDOW = {"width": 1400, "height": 1000}

# picture -> (address on the dashboard, a heading the view must show, text the view must show)
VIEWS = {
    "overview": ("/", "总览", "2019 年主要数字"),
    "filters": ("/requests?year=2018&level=县级", "依申请公开", "筛选：2018年，县级"),
    "compare": ("/compare?cmp=宁夏&cmp=兴庆区&cmp_year=2018", "机构对比", "2018 年主要数字"),
    "search": ("/search?q=" + urllib.parse.quote("政府信息公开指南"), "全文检索", "份报告的原文含"),
    "quality": ("/quality", "数据质量", "未通过的核对"),
    "report": ("/report?report={xingqing}", "报告详情", "核对结果"),
}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import duckdb

    from app import warehouse

    wh = tmp_path_factory.mktemp("guide") / "warehouse"
    warehouse.ensure_built(wh)
    xingqing = duckdb.sql(
        f"SELECT report_id FROM read_parquet('{wh}/reports.parquet') WHERE agency_short = '兴庆区'"
    ).fetchall()[0][0]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WAREHOUSE_DIR"] = str(wh)
    with dashboard(env) as url:
        yield url, {"xingqing": xingqing}


def test_user_guide_screenshots(served, chromium):
    from playwright.sync_api import expect

    url, ids = served
    IMAGES.mkdir(parents=True, exist_ok=True)
    ctx = chromium.new_context(viewport=WINDOW, locale="zh-CN", device_scale_factor=1)
    pg = ctx.new_page()
    try:
        for name, (path, heading, text) in VIEWS.items():
            pg.goto(url + path.format(**ids), timeout=60_000)
            _wait_for_app(pg)
            main = pg.get_by_test_id("stMain")
            expect(main.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)
            expect(main.get_by_text(text).first).to_be_visible(timeout=30_000)
            _wait_for_app(pg)
            assert pg.get_by_test_id("stException").count() == 0, name
            pg.mouse.move(0, 0)  # no hover state in the picture
            pg.screenshot(path=str(IMAGES / f"{name}.png"), animations="disabled", caret="hide")
            assert (IMAGES / f"{name}.png").stat().st_size > 20_000, name
    finally:
        ctx.close()
