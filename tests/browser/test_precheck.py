"""Browser test (issue 27): a signed-in 查看 account uploads a draft to 年报预审 and sees its failing cells marked;
nothing reaches the warehouse, nothing is kept on disk."""

from __future__ import annotations

import os

import duckdb
import pytest

from tests.browser.serve import dashboard
from tests.browser.test_pages import ROOT, _wait_for_app, log_in, pytestmark  # noqa: F401 - the skip mark

DRAFT = ROOT / "data" / "samples" / "002_81756f01c13aa782.txt"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from app import warehouse
    from audit import db, store

    base = tmp_path_factory.mktemp("precheck")
    wh = base / "warehouse"
    warehouse.ensure_built(wh)
    store.create_user(db.engine(f"sqlite:///{db.sqlite_path(wh)}"), "viewer", "查看员", "viewer123", "viewer", by="t")
    env = {**os.environ, "WAREHOUSE_DIR": str(wh), "UPLOADS_DIR": str(base / "uploads")}
    with dashboard(env) as url:
        yield url, wh, base


def test_draft_cells_marked_and_nothing_written(served, chromium, tmp_path):
    server, wh, base = served
    from playwright.sync_api import expect

    before = {p.name: p.stat().st_mtime_ns for p in wh.iterdir()}
    draft = tmp_path / "贺兰山西路街道_2019草稿.txt"
    draft.write_text(DRAFT.read_text(encoding="utf-8").replace("2018", "2019"), encoding="utf-8")
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    try:
        pg.goto(f"{server}/precheck", timeout=60_000)
        _wait_for_app(pg)
        expect(pg.get_by_text("年报预审需要登录", exact=False)).to_be_visible()
        log_in(pg, server, "viewer", "viewer123")
        pg.goto(f"{server}/precheck", timeout=60_000)
        _wait_for_app(pg)
        pg.locator("input[type=file]").set_input_files(str(draft))
        expect(pg.get_by_text("有 1 项阻断问题", exact=False)).to_be_visible(timeout=60_000)
        _wait_for_app(pg)
        marked = pg.locator("table.precheck td.bad")
        expect(marked.first).to_be_visible()
        assert {"28", "41", "20", "12", "0"} <= set(marked.all_inner_texts())
        expect(pg.get_by_role("button", name="下载 Excel")).to_be_visible()
        pg.screenshot(path=str(base / "precheck.png"), full_page=True)
    finally:
        ctx.close()
    assert {p.name: p.stat().st_mtime_ns for p in wh.iterdir()} == before
    rows = duckdb.connect().execute(f"SELECT count(*) FROM '{wh}/reports.parquet' WHERE year = 2019").fetchone()[0]
    assert rows == 1  # the seed 004 only: the draft is not in the warehouse
    assert not (base / "uploads").exists()
