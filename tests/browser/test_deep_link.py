"""Browser test (Chromium): a deep link is the very first request a fresh server sees. Streamlit then runs the page
file of pages/ on its own (its pages-folder mode, before any st.navigation call); the page's shared set-up
(app/router.page) must give it the router's Chinese menu, the global filters from the link and the page itself —
without patching Streamlit — and the next interaction goes through dashboard.py. The first click on a page opened
that way is not lost (its widgets have the ids of every later run).

    python -m pytest tests/browser/test_deep_link.py -q -p no:playwright
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.helpers import wait_for_app
from tests.browser.serve import CHROMIUM, dashboard

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory):
    from app import warehouse

    wh = tmp_path_factory.mktemp("deep") / "warehouse"
    warehouse.ensure_built(wh)
    return wh


def test_no_streamlit_patch_in_the_code():
    code = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "dashboard.py", *(ROOT / "app").glob("*.py")])
    assert "uses_pages_directory" not in code and "PagesManager" not in code


def test_deep_link_as_first_request(warehouse_dir, chromium):
    from playwright.sync_api import expect

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WAREHOUSE_DIR"] = str(warehouse_dir)
    with dashboard(env) as url:  # a fresh server: nothing has been requested yet
        ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        pg = ctx.new_page()
        try:
            pg.goto(f"{url}/channels?level=county", timeout=60_000)
            wait_for_app(pg)
            main, side = pg.get_by_test_id("stMain"), pg.get_by_test_id("stSidebar")
            expect(main.get_by_role("heading", name="主动公开渠道")).to_be_visible(timeout=30_000)
            expect(side.get_by_text("筛选", exact=True)).to_be_visible()
            # the link's filter is applied (the code `county` read as 县级) and described on the page
            assert "县级" in main.inner_text()
            level = side.get_by_test_id("stMultiSelect").filter(has_text="层级")
            assert "县级" in level.inner_text()
            # the router's menu in Chinese, not the file names of the pages folder
            nav = pg.get_by_test_id("stSidebarNav")
            expect(nav.get_by_role("link", name="主动公开渠道", exact=True)).to_be_visible()
            expect(nav.get_by_role("link", name="channels", exact=True)).to_have_count(0)
            expect(nav.get_by_role("link", name="dashboard", exact=True)).to_have_count(0)
            assert pg.get_by_test_id("stException").count() == 0
            # the next interaction (another page from the menu) goes through dashboard.py
            nav.get_by_role("link", name="依申请公开", exact=True).click()
            wait_for_app(pg)
            expect(main.get_by_role("heading", name="依申请公开")).to_be_visible(timeout=30_000)
            assert pg.url.split("?")[0].endswith("/requests")
            assert "县级" in main.inner_text()
            assert pg.get_by_test_id("stException").count() == 0
        finally:
            ctx.close()


def test_the_first_click_on_a_deep_linked_page_of_a_fresh_server_counts(warehouse_dir, chromium):
    """One click on 考核评分, opened by its link as a fresh server's first request: the checkbox 指定统一的发布期限
    stays ticked and enables the date, as on any later run (before app/router.page ran the page as the router does,
    the page's widgets had other ids in that first run, and the click sent under them was dropped)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WAREHOUSE_DIR"] = str(warehouse_dir)
    with dashboard(env) as url:
        ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        pg = ctx.new_page()
        try:
            pg.goto(f"{url}/scorecard", timeout=60_000)
            wait_for_app(pg)
            pg.get_by_role("heading", name="考核评分").first.wait_for(timeout=60_000)
            wait_for_app(pg)
            date = pg.get_by_test_id("stDateInput").filter(has_text="发布期限").locator("input")
            assert date.is_disabled()
            pg.get_by_text("考核细则（权重与参数）").click()
            pg.get_by_text("指定统一的发布期限（覆盖法定期限）").click()
            pg.wait_for_timeout(500)
            wait_for_app(pg)
            assert pg.get_by_test_id("stCheckbox").filter(has_text="指定统一的发布期限").locator("input").is_checked()
            assert date.is_enabled()
            assert pg.get_by_test_id("stException").count() == 0
        finally:
            ctx.close()
