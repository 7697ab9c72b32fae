"""Browser tests (issue 27): a signed-in 查看 account uploads a draft to 年报预审 and sees its failing cells marked,
nothing reaching the warehouse or the disk; a reviewer marks a failed check 规则误报（不扣分） and the scorecard no
longer deducts for it."""

from __future__ import annotations

import os

import duckdb
import pytest

from tests.browser.helpers import log_in, settle, wait_for_app
from tests.browser.serve import dashboard
from tests.browser.test_pages import ROOT, pytestmark  # noqa: F401 - the skip mark

DRAFT = ROOT / "data" / "samples" / "002_81756f01c13aa782.txt"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from app import warehouse
    from audit import db, store

    base = tmp_path_factory.mktemp("precheck")
    wh = base / "warehouse"
    warehouse.ensure_built(wh)
    eng = db.engine(f"sqlite:///{db.sqlite_path(wh)}")
    store.create_user(eng, "viewer", "查看员", "viewer123", "viewer", by="t")
    store.create_user(eng, "rev", "审核员", "revpass123", "reviewer", by="t")
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
        wait_for_app(pg)
        expect(pg.get_by_text("年报预审需要登录", exact=False)).to_be_visible()
        log_in(pg, server, "viewer", "viewer123")
        pg.goto(f"{server}/precheck", timeout=60_000)
        wait_for_app(pg)
        pg.locator("input[type=file]").set_input_files(str(draft))
        expect(pg.get_by_text("有 1 项阻断问题", exact=False)).to_be_visible(timeout=60_000)
        wait_for_app(pg)
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


def _choose(pg, label: str, typed: str):
    box = pg.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    pg.keyboard.type(typed)
    pg.get_by_role("option").filter(has_text=typed).first.click()
    settle(pg)  # the rerun the choice starts has drawn: the page no longer shows the previous choice's figures


def _arithmetic_points(pg, server: str) -> str:
    """The 内部计算 line of the 贺兰山西路街道 2018 report on 考核评分."""
    pg.goto(f"{server}/scorecard", timeout=60_000)
    wait_for_app(pg)
    _choose(pg, "年度", "2018")
    _choose(pg, "查看扣分依据", "贺兰山西路街道")
    line = pg.get_by_text("内部计算：", exact=False).first
    line.wait_for(timeout=60_000)
    return line.inner_text()


def test_rule_error_removes_the_deduction(served, chromium):
    server, wh, base = served
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    try:
        log_in(pg, server, "rev", "revpass123")
        assert _arithmetic_points(pg, server) == "内部计算：18.75 / 25 分"  # a quarter off for 28 < 41
        pg.goto(f"{server}/report?report=3ac9efde38fb3486", timeout=60_000)
        wait_for_app(pg)
        _choose(pg, "核对项", "主动公开政府信息数（28）小于单一渠道公开数（41）")
        pg.get_by_text("规则误报（不扣分）", exact=True).click()
        pg.get_by_role("button", name="保存处理结论").click()
        pg.get_by_text("请填写说明", exact=False).wait_for(timeout=30_000)  # the note is required
        pg.get_by_label("说明").fill("各渠道重复发布，同一信息计 1 条，本规则不适用")
        pg.get_by_role("button", name="保存处理结论").click()
        pg.get_by_text("已保存：", exact=False).first.wait_for(timeout=30_000)
        wait_for_app(pg)
        pg.screenshot(path=str(base / "rule_error.png"), full_page=True)
        assert _arithmetic_points(pg, server) == "内部计算：25 / 25 分"
        pg.screenshot(path=str(base / "scorecard_after.png"), full_page=True)
    finally:
        ctx.close()
