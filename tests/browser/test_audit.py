"""Browser test of 审核 (Chromium): a reviewer logs in, corrects a cell and dismisses a check on 报告详情; after
`etl build --force` the value, the disposition and the audit rows are still there; a viewer sees no import or edit
controls and a direct request for the import page is refused; a reviewer limited to 银川市 cannot edit the
自治区's report.

    python -m pytest tests/browser/test_audit.py -q -p no:playwright
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.browser.serve import CHROMIUM, dashboard
from tests.browser.test_pages import log_in

DB = duckdb.connect()  # a connection of this module's own: the default one is shared by every test

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
XIXIA = "3ac9efde38fb3486"  # 银川市西夏区贺兰山西路街道办事处 2018 (table 28, prose 73)
NINGXIA = "afbff28e84d0684f"  # 宁夏回族自治区人民政府 2018

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from app import warehouse
    from audit import db, store

    wh = tmp_path_factory.mktemp("audit_browser") / "warehouse"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(WAREHOUSE_DIR=str(wh), UPLOADS_DIR=str(tmp_path_factory.mktemp("uploads")))
    saved = os.environ.pop("DATABASE_URL", None)
    try:
        warehouse.ensure_built(wh)
        eng = db.engine(f"sqlite:///{db.sqlite_path(wh)}")
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved
    store.create_user(eng, "rev", "李审核", "revpass123", "reviewer", "宁夏回族自治区", "银川市", by="test")
    store.create_user(eng, "look", "张查看", "lookpass123", "viewer", by="test")
    with dashboard(env) as url:
        yield {"url": url, "wh": wh, "eng": eng, "env": env}


def _settle(pg, timeout=60_000):
    pg.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    pg.wait_for_timeout(300)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def _login(chromium, url: str, user: str, password: str):
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1400}, locale="zh-CN")
    pg = ctx.new_page()
    log_in(pg, url, user, password)
    _settle(pg)
    return ctx, pg


def _open(pg, url: str):
    pg.goto(url, timeout=60_000)
    _settle(pg)
    pg.get_by_role("heading", name="审核").first.wait_for(timeout=30_000)
    _settle(pg)


def _choose(pg, label: str, typed: str):
    box = pg.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    pg.keyboard.type(typed)
    pg.get_by_role("option").filter(has_text=typed).first.click()


def _no_exception(pg):
    assert pg.get_by_test_id("stException").count() == 0, pg.get_by_test_id("stException").first.inner_text()


def test_reviewer_corrects_dismisses_and_it_survives_a_rebuild(site, chromium):
    from audit import store

    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx, pg = _login(chromium, site["url"], "rev", "revpass123")
    try:
        _open(pg, f"{site['url']}/report?report={XIXIA}")
        _choose(pg, "单元格", "主动公开政府信息数（不同")
        pg.get_by_label("更正为").fill("73")
        pg.get_by_label("理由").fill("正文第23行：共发布信息73条，其中政府网站41条")
        pg.get_by_role("button", name="保存更正").click()
        pg.get_by_text("已保存：active.total 更正为 73").wait_for(timeout=30_000)
        _settle(pg)
        _choose(pg, "核对项", "举办各类培训班数")
        pg.get_by_text("报告原文如此", exact=True).click()
        pg.get_by_label("说明").fill("原件第5页如此")
        pg.get_by_role("button", name="保存处理结论").click()
        pg.get_by_text("已保存：文表一致 — 报告原文如此").wait_for(timeout=30_000)
        _settle(pg)
        _no_exception(pg)
        pg.screenshot(path=str(SHOTS / "audit_report_edit.png"), full_page=True)
    finally:
        ctx.close()
    done = subprocess.run(
        [sys.executable, "-m", "etl", "build", "data/samples", "--out", str(site["wh"]), "--force"],
        cwd=ROOT,
        env=site["env"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "1 cells corrected" in done.stderr + done.stdout, done.stderr
    wh = site["wh"]
    assert DB.sql(
        f"SELECT value, raw, source FROM '{wh}/metrics.parquet' WHERE report_id = '{XIXIA}' "
        "AND metric = 'active.total' AND source <> 'text'"
    ).fetchall() == [(73.0, "28", "manual")]
    sha = DB.sql(f"SELECT file_sha256 FROM '{wh}/reports.parquet' WHERE report_id = '{XIXIA}'").fetchall()[0][0]
    verdicts = {k[0]: v["verdict"] for k, v in store.dispositions_of_report(site["eng"], sha).items()}
    assert verdicts == {"text.table_agree": "as_printed"}
    assert [(r["username"], r["action"]) for r in store.audit_rows(site["eng"], report_id=XIXIA)] == [
        ("rev", "dispose"),
        ("rev", "correct"),
    ]
    # after the rebuild the page shows the correction in force, and the audit page lists both rows
    ctx, pg = _login(chromium, site["url"], "rev", "revpass123")
    try:
        pg.get_by_role("tab", name="审核日志").click()
        _settle(pg)
        assert "共 2 条" in pg.get_by_test_id("stMain").inner_text()
        pg.screenshot(path=str(SHOTS / "audit_log.png"), full_page=True)
        _no_exception(pg)
    finally:
        ctx.close()
    from scoring.scorecard import score_warehouse

    sc = score_warehouse(wh, years=[2018], base_dirs=[ROOT])
    assert sc.scores.filter(sc.scores["report_id"] == XIXIA)["corrected"].to_list() == [
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） = 73"
    ]


def test_viewer_sees_no_controls_and_import_is_refused(site, chromium):
    ctx, pg = _login(chromium, site["url"], "look", "lookpass123")
    try:
        _open(pg, f"{site['url']}/report?report={XIXIA}")
        body = pg.get_by_test_id("stMain").inner_text()
        assert "只有“查看”权限" in body
        assert pg.get_by_role("button", name="保存更正").count() == 0
        assert pg.get_by_role("button", name="保存处理结论").count() == 0
        pg.goto(f"{site['url']}/upload", timeout=60_000)  # a direct request for the import page
        _settle(pg)
        pg.get_by_text("需要“审核”或“管理”权限").wait_for(timeout=30_000)
        assert pg.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
        assert pg.get_by_role("button", name="解析并导入").count() == 0
        _no_exception(pg)
        pg.screenshot(path=str(SHOTS / "audit_viewer_upload.png"), full_page=True)
    finally:
        ctx.close()


def test_reviewer_of_one_prefecture_cannot_edit_another_report(site, chromium):
    ctx, pg = _login(chromium, site["url"], "rev", "revpass123")
    try:
        _open(pg, f"{site['url']}/report?report={NINGXIA}")
        pg.get_by_text("不在您负责的地区（宁夏回族自治区 / 银川市）内").wait_for(timeout=30_000)
        assert pg.get_by_role("button", name="保存更正").count() == 0
        assert pg.get_by_role("button", name="标记为已审核").count() == 0
        _no_exception(pg)
    finally:
        ctx.close()


def test_anonymous_import_is_refused(site, chromium):
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    try:
        pg.goto(f"{site['url']}/upload", timeout=60_000)
        _settle(pg)
        pg.get_by_text("请先在“审核”页登录").wait_for(timeout=30_000)
        assert pg.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
    finally:
        ctx.close()
