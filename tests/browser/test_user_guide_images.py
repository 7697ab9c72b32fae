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

from tests.browser.helpers import log_in, wait_for_app
from tests.browser.serve import CHROMIUM, dashboard

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
WINDOW = {"width": 1400, "height": 1000}
GUIDE_WAREHOUSE = Path("build/user-guide/warehouse")

# picture -> (address on the dashboard, a heading the view must show, text the view must show); the views after
# REVIEWER are taken signed in as a reviewer (审核 role), the window scrolled to the text
VIEWS = {
    "overview": ("/", "总览", "2019 年主要数字"),
    "filters": ("/requests?year=2018&level=县级", "依申请公开", "筛选：2018年，县级"),
    "channels": ("/channels?year=2018", "主动公开渠道", "渠道构成"),
    "review": ("/review", "复议诉讼", "纠错率（按机构和年度）"),
    "staffing": ("/staffing?year=2018", "机构人员", "工作人员：专职与兼职"),
    "compare": ("/compare?cmp=宁夏&cmp=兴庆区&cmp_year=2018", "机构对比", "2018 年主要数字"),
    "search": ("/search?q=" + urllib.parse.quote("政府信息公开指南"), "全文检索", "份报告的原文含"),
    "scorecard": ("/scorecard", "考核评分", "年 ·"),
    "quality": ("/quality", "数据质量", "未通过的核对"),
    "report": ("/report?report={xingqing}", "报告详情", "核对结果"),
    "collect": ("/collect", "采集", "采集"),
    "report_edit": ("/report?report={xixia}", "报告详情", "更正为"),
    "audit": ("/audit", "审核", "审核日志"),
    "upload": ("/upload", "导入报告", "每个文件不超过"),
}
REVIEWER = "report_edit"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")


@pytest.fixture(scope="module")
def served():
    import shutil

    import duckdb

    from app import warehouse

    # a fixed place, named relative to the checkout: the pages that name their warehouse show the same words
    shutil.rmtree(ROOT / GUIDE_WAREHOUSE.parent, ignore_errors=True)
    wh = ROOT / GUIDE_WAREHOUSE
    warehouse.ensure_built(wh)
    ids = dict(
        duckdb.sql(
            f"SELECT agency_short, report_id FROM read_parquet('{wh}/reports.parquet') "
            "WHERE agency_short IN ('兴庆区', '贺兰山西路街道')"
        ).fetchall()
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WAREHOUSE_DIR"] = str(GUIDE_WAREHOUSE)  # the server runs in the checkout
    saved = os.environ.pop("DATABASE_URL", None)  # the reviewer goes into the warehouse's own SQLite database
    try:
        from audit import db, store

        eng = db.engine(f"sqlite:///{db.sqlite_path(wh)}")
        store.create_user(eng, "rev", "李审核", "revpass123", "reviewer", "宁夏回族自治区", by="test")
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved
    with dashboard(env) as url:
        yield url, {"xingqing": ids["兴庆区"], "xixia": ids["贺兰山西路街道"]}


def test_user_guide_screenshots(served, chromium):
    from playwright.sync_api import expect

    url, ids = served
    IMAGES.mkdir(parents=True, exist_ok=True)
    ctx = chromium.new_context(viewport=WINDOW, locale="zh-CN", device_scale_factor=1)
    pg = ctx.new_page()
    try:
        for name, (path, heading, text) in VIEWS.items():
            if name == REVIEWER:
                log_in(pg, url, "rev", "revpass123")
            pg.goto(url + path.format(**ids), timeout=60_000)
            wait_for_app(pg)
            main = pg.get_by_test_id("stMain")
            expect(main.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)
            shown = main.get_by_text(text).first
            expect(shown).to_be_visible(timeout=30_000)
            wait_for_app(pg)
            if list(VIEWS).index(name) >= list(VIEWS).index(REVIEWER):
                shown.scroll_into_view_if_needed()
            assert pg.get_by_test_id("stException").count() == 0, name
            pg.mouse.move(0, 0)  # no hover state in the picture
            # the warehouse's absolute path (导入报告 names it) differs between checkouts: painted over
            where = main.get_by_text("数据仓库：")
            pg.screenshot(
                path=str(IMAGES / f"{name}.png"),
                animations="disabled",
                caret="hide",
                mask=[where],
                mask_color="#FFFFFF",
            )
            assert (IMAGES / f"{name}.png").stat().st_size > 20_000, name
    finally:
        ctx.close()
