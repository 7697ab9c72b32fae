"""Browser test (issue 14): a user picks a file on 导入报告, clicks 解析并导入 and leaves the page at once; the
report still reaches the warehouse."""

from __future__ import annotations

import os
import time

import duckdb
import pytest

from tests.browser.helpers import log_in, wait_for_app
from tests.browser.serve import dashboard
from tests.browser.test_pages import ROOT, pytestmark  # noqa: F401 - the skip mark

XINGQING = ROOT / "data" / "samples" / "000_dda260feeadc045e.txt"


@pytest.fixture()
def served(tmp_path):
    """(url, warehouse folder) of a dashboard of its own: this test writes into its warehouse."""
    from app import warehouse

    wh = tmp_path / "warehouse"
    warehouse.ensure_built(wh)
    from audit import db, store  # imports need the 审核 role

    store.create_user(
        db.engine(f"sqlite:///{db.sqlite_path(wh)}"), "importer", "导入员", "importer123", "reviewer", by="test"
    )
    env = {**os.environ, "WAREHOUSE_DIR": str(wh), "UPLOADS_DIR": str(tmp_path / "uploads")}
    with dashboard(env) as url:
        yield url, wh


def test_import_lands_when_the_page_is_left(served, chromium, tmp_path):
    server, wh = served
    from playwright.sync_api import expect

    upload = tmp_path / "兴庆区_2015.txt"
    upload.write_text(XINGQING.read_text(encoding="utf-8").replace("2018", "2015"), encoding="utf-8")
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    try:
        log_in(pg, server, "importer", "importer123")
        pg.goto(f"{server}/upload", timeout=60_000)
        wait_for_app(pg)
        pg.locator("input[type=file]").set_input_files(str(upload))
        button = pg.get_by_role("button", name="解析并导入")
        expect(button).to_be_enabled(timeout=30_000)
        button.click()
        expect(pg.get_by_text("正在后台导入", exact=False)).to_be_visible(timeout=30_000)
        pg.goto(f"{server}/overview", timeout=60_000)  # left mid-way
    finally:
        ctx.close()
    deadline = time.monotonic() + 180
    found = []
    while time.monotonic() < deadline and not found:
        time.sleep(1)
        if (wh / "reports.parquet").exists():
            found = (
                duckdb.connect()
                .execute(
                    "SELECT year, parse_status FROM read_parquet(?) WHERE source_file LIKE '%兴庆区_2015.txt'",
                    [str(wh / "reports.parquet")],
                )
                .fetchall()
            )
    assert found == [(2015, "ok")]
