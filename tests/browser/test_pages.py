"""Browser test: serve the dashboard, open every page in headless Chromium, check that it renders without an
exception and draws its charts, and save a screenshot of each page to build/screenshots/<page>.png.

    python -m pytest tests/browser/test_pages.py -q -p no:playwright
    BROWSER_WAREHOUSE=/tmp/wh_all python -m pytest tests/browser -q -p no:playwright   # screenshots of a bigger warehouse

Skipped when /usr/bin/chromium is not installed. Needs `apt-get install chromium fonts-noto-cjk` and the
Python package playwright (no `playwright install`: the Debian Chromium is used)."""

from __future__ import annotations

import os
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.browser.helpers import log_in, wait_for_app
from tests.browser.serve import CHROMIUM, dashboard

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
# url path -> minimum number of charts the page draws with the sample data
PAGES = {
    "overview": 1,
    "channels": 2,
    "requests": 2,
    "review": 1,
    "staffing": 2,
    "compare": 0,  # charts once agencies are chosen (tests/browser/test_compare_search.py)
    "search": 0,
    "quality": 1,
    "upload": 0,
    "report": 0,
    "audit": 0,
}
if (ROOT / "pages" / "scorecard.py").exists():
    PAGES["scorecard"] = 0

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    wh = os.environ.get("BROWSER_WAREHOUSE")
    if not wh:
        wh = str(tmp_path_factory.mktemp("bwh") / "warehouse")
        from app import warehouse

        warehouse.ensure_built(Path(wh))
        from audit import db, store  # imports need the 审核 role: a reviewer for the upload test

        store.create_user(
            db.engine(f"sqlite:///{db.sqlite_path(Path(wh))}"),
            "importer",
            "导入员",
            "importer123",
            "reviewer",
            by="test",
        )
    uploads = tmp_path_factory.mktemp("uploads")
    env = {**os.environ, "WAREHOUSE_DIR": wh, "UPLOADS_DIR": str(uploads)}
    with dashboard(env) as url:
        yield url


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders(server, chromium, name):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    try:
        pg.goto(f"{server}/{name}", timeout=60_000)
        wait_for_app(pg)
        # global filters on every page (a first direct hit on a fresh server runs the page file with the same set-up)
        expect(pg.get_by_test_id("stSidebar").get_by_text("筛选", exact=True)).to_be_visible(timeout=30_000)
        wait_for_app(pg)
        n = PAGES[name]
        if n:
            charts = pg.get_by_test_id("stVegaLiteChart").locator("svg.marks, canvas.marks")
            expect(charts.first).to_be_visible(timeout=30_000)
            assert charts.count() >= n, f"{name}: {charts.count()} charts drawn, expected ≥ {n}"
        pg.wait_for_timeout(800)  # let Vega finish its transitions before the screenshot
        assert pg.get_by_test_id("stException").count() == 0, pg.get_by_test_id("stException").first.inner_text()
        # Streamlit scrolls inside stMain, so grow the viewport to the content height to capture the whole page
        h = pg.evaluate(
            "() => { const m = document.querySelector('[data-testid=stMain]');"
            " return m ? Math.max(m.scrollHeight, document.body.scrollHeight) : 1000; }"
        )
        pg.set_viewport_size({"width": 1400, "height": int(min(max(h, 1000) + 40, 12000))})
        pg.wait_for_timeout(800)
        wait_for_app(pg)
        pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    finally:
        ctx.close()


def test_filter_in_url_applies(server, chromium):
    """A shared link with filters opens the page already filtered."""
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    try:
        pg.goto(f"{server}/channels?year=2018&scope=" + urllib.parse.quote("汇总报告"), timeout=60_000)
        wait_for_app(pg)
        assert pg.get_by_test_id("stException").count() == 0
        body = pg.get_by_test_id("stMain").inner_text()
        assert "汇总报告" in body and "2018" in body
    finally:
        ctx.close()


def test_upload_page_imports_a_file(server, chromium, tmp_path):
    """Upload one report through the page: progress, per-file outcome, and the warehouse grows."""
    if os.environ.get("BROWSER_WAREHOUSE"):
        pytest.skip("does not write into a warehouse given from outside")
    sample = sorted((ROOT / "data" / "samples").glob("*.txt"))[1]
    f = tmp_path / "上传测试_2017.txt"
    f.write_text(sample.read_text(encoding="utf-8").replace("2018", "2017"), encoding="utf-8")
    bad = tmp_path / "坏文件.txt"
    bad.write_bytes(b"   ")
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1400})
    pg = ctx.new_page()
    try:
        log_in(pg, server, "importer", "importer123")  # imports need the 审核 role
        pg.goto(f"{server}/upload", timeout=60_000)
        wait_for_app(pg)
        # the uploader's own English ("Upload", "20MB per file • …") hidden, Chinese shown in its place
        zone = pg.get_by_test_id("stFileUploaderDropzone")
        assert re.findall(r"[A-Za-z]{2,}", zone.inner_text()) == ["upload"]  # only the icon's ligature name
        shown = zone.evaluate(
            """z => [z.querySelector('button [data-testid="stMarkdownContainer"]'),
                     z.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] > div')]
                   .map(e => getComputedStyle(e, '::after').content)"""
        )
        assert shown == ['"选择文件"', '"拖放文件到此处，或点击“选择文件”（每个文件不超过 20 MB）"']
        zone.screenshot(path=str(SHOTS / "upload_dropzone_zh.png"))
        pg.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(f), str(bad)])
        pg.wait_for_timeout(1500)
        pg.get_by_role("button", name="解析并导入").click()
        pg.get_by_text("导入结果").wait_for(timeout=60_000)
        wait_for_app(pg)
        body = pg.get_by_test_id("stMain").inner_text()
        assert pg.get_by_test_id("stException").count() == 0
        assert "已拒绝" in body
        pg.screenshot(path=str(SHOTS / "upload_result.png"), full_page=True)
    finally:
        ctx.close()
