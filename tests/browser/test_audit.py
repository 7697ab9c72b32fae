"""Browser test of 审核 (Chromium): a reviewer logs in, corrects a cell and dismisses a check on 报告详情; after
`etl build --force` the value, the disposition and the audit rows are still there; a viewer sees no import or edit
controls and a direct request for the import page is refused; a reviewer limited to 银川市 can neither edit nor see
the 自治区's report, and a user limited to 银川市 (reviewer or viewer) sees only its reports on 总览 and 报告详情; a
withdrawn correction is no longer applied after `etl build --force`; only a 管理 user opens the rubric editor.

    python -m pytest tests/browser/test_audit.py -q -p no:playwright
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from audit.roles import User
from tests.browser.helpers import choose, no_exception, open_audited, settle, signed_in
from tests.browser.serve import CHROMIUM, dashboard

DB = duckdb.connect()  # a connection of this module's own: the default one is shared by every test

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
XIXIA = "3ac9efde38fb3486"  # 银川市西夏区贺兰山西路街道办事处 2018 (table 28, prose 73)
NINGXIA = "afbff28e84d0684f"  # 宁夏回族自治区人民政府 2018
REVIEWER = User("rev", "李审核", "reviewer", "宁夏回族自治区", "银川市")

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
    store.create_user(eng, "lookyc", "陈查看", "lookycpass1", "viewer", "宁夏回族自治区", "银川市", by="test")
    store.create_user(eng, "boss", "王管理", "bosspass123", "admin", by="test")
    with dashboard(env) as url:
        yield {"url": url, "wh": wh, "eng": eng, "env": env}


def test_reviewer_corrects_dismisses_and_it_survives_a_rebuild(site, chromium):
    from audit import store

    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx, pg = signed_in(chromium, site["url"], "rev", "revpass123")
    try:
        open_audited(pg, f"{site['url']}/report?report={XIXIA}")
        choose(pg, "单元格", "主动公开政府信息数（不同")
        pg.get_by_label("更正为").fill("73")
        pg.get_by_label("理由").fill("正文第23行：共发布信息73条，其中政府网站41条")
        pg.get_by_role("button", name="保存更正").click()
        # the cell by its section and row, never its code (active.total)
        pg.get_by_text(
            "已保存：主动公开情况·（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） 更正为 73"
        ).wait_for(timeout=30_000)
        settle(pg)
        choose(pg, "核对项", "举办各类培训班数")
        pg.get_by_text("报告原文如此", exact=True).click()
        pg.get_by_label("说明").fill("原件第5页如此")
        pg.get_by_role("button", name="保存处理结论").click()
        pg.get_by_text("已保存：文表一致 — 报告原文如此").wait_for(timeout=30_000)
        settle(pg)
        no_exception(pg)
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
    ctx, pg = signed_in(chromium, site["url"], "rev", "revpass123")
    try:
        pg.get_by_role("tab", name="审核日志").click()
        settle(pg)
        assert "共 2 条" in pg.get_by_test_id("stMain").inner_text()
        pg.screenshot(path=str(SHOTS / "audit_log.png"), full_page=True)
        no_exception(pg)
    finally:
        ctx.close()
    from scoring.scorecard import score_warehouse

    sc = score_warehouse(wh, years=[2018], base_dirs=[ROOT])
    assert sc.scores.filter(sc.scores["report_id"] == XIXIA)["corrected"].to_list() == [
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） = 73"
    ]


def test_viewer_sees_no_controls_and_import_is_refused(site, chromium):
    ctx, pg = signed_in(chromium, site["url"], "look", "lookpass123")
    try:
        open_audited(pg, f"{site['url']}/report?report={XIXIA}")
        body = pg.get_by_test_id("stMain").inner_text()
        assert "只有“查看”权限" in body
        assert pg.get_by_role("button", name="保存更正").count() == 0
        assert pg.get_by_role("button", name="保存处理结论").count() == 0
        pg.goto(f"{site['url']}/upload", timeout=60_000)  # a direct request for the import page
        settle(pg)
        pg.get_by_text("需要“审核”或“管理”权限").wait_for(timeout=30_000)
        assert pg.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
        assert pg.get_by_role("button", name="解析并导入").count() == 0
        no_exception(pg)
        pg.screenshot(path=str(SHOTS / "audit_viewer_upload.png"), full_page=True)
    finally:
        ctx.close()


def test_reviewer_of_one_prefecture_cannot_edit_another_report(site, chromium):
    """Nor see it: a link to the 自治区's own report says it is outside the region, and shows none of its figures."""
    ctx, pg = signed_in(chromium, site["url"], "rev", "revpass123")
    try:
        pg.goto(f"{site['url']}/report?report={NINGXIA}", timeout=60_000)
        settle(pg)
        pg.get_by_text("不在您的账号可查看的地区内").wait_for(timeout=30_000)
        settle(pg)
        main = pg.get_by_test_id("stMain").inner_text()
        assert "宁夏回族自治区人民政府" not in main and NINGXIA not in main.replace(f"编号为 {NINGXIA}", "")
        assert pg.get_by_role("button", name="标记为已审核").count() == 0
        no_exception(pg)
    finally:
        ctx.close()


def _metric(pg, label: str) -> str:
    box = pg.get_by_test_id("stMetric").filter(has_text=label).first
    box.wait_for(timeout=30_000)
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def _report_options(pg) -> list[str]:
    box = pg.get_by_test_id("stSelectbox").filter(has_text="报告").first
    options = pg.get_by_role("option")
    for _ in range(3):  # a rerun (the login cookie read) may close the list as it opens
        box.click()
        try:
            options.first.wait_for(timeout=10_000)
            break
        except Exception:
            settle(pg)
    names = options.all_inner_texts()
    pg.keyboard.press("Escape")
    return names


@pytest.mark.parametrize(
    "who, password, n_2018, n_listed",
    [("rev", "revpass123", 3, 4), ("lookyc", "lookycpass1", 3, 4), ("boss", "bosspass123", 4, 5)],
    ids=["reviewer-银川市", "viewer-银川市", "admin-everywhere"],
)
def test_a_prefecture_limited_user_sees_only_its_reports(site, chromium, who, password, n_2018, n_listed):
    """总览 counts and 报告详情 lists only the reports of 银川市 for its reviewer and its viewer (the warehouse
    holds 4 reports of 2018, 3 of them in 银川市; 5 in all): the sidebar's filters have nothing to do with it."""
    limited = n_listed == 4
    ctx, pg = signed_in(chromium, site["url"], who, password)
    try:
        pg.goto(f"{site['url']}/overview?year=2018", timeout=60_000)
        settle(pg)
        assert _metric(pg, "报告数（份）") == str(n_2018)
        main = pg.get_by_test_id("stMain").inner_text()
        assert ("您的账号限于宁夏回族自治区 / 银川市" in main) == limited
        no_exception(pg)
        open_audited(pg, f"{site['url']}/report")
        names = _report_options(pg)
        assert len(names) == n_listed, names
        assert any("宁夏回族自治区" in n or n.startswith("宁夏") for n in names) == (not limited), names
        no_exception(pg)
        if limited:
            pg.screenshot(path=str(SHOTS / f"audit_region_{who}.png"), full_page=True)
    finally:
        ctx.close()


def _xixia_active_total(wh: Path) -> list[tuple]:
    return DB.sql(
        f"SELECT value, raw, source FROM '{wh}/metrics.parquet' WHERE report_id = '{XIXIA}' "
        "AND metric = 'active.total' AND source <> 'text'"
    ).fetchall()


def _rebuild(site) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "build", "data/samples", "--out", str(site["wh"]), "--force"],
        cwd=ROOT,
        env=site["env"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_a_withdrawn_correction_is_no_longer_applied_after_a_rebuild(site, chromium):
    from audit import store

    eng, wh = site["eng"], site["wh"]
    sha = DB.sql(f"SELECT file_sha256 FROM '{wh}/reports.parquet' WHERE report_id = '{XIXIA}'").fetchall()[0][0]
    if not [c for c in store.corrections_of_report(eng, sha) if c["withdrawn_at"] is None]:  # run on its own
        rep = store.Report(XIXIA, sha, "old", None, None, 2018, "宁夏回族自治区", "银川市")
        store.correct_cell(eng, REVIEWER, rep, "active.total", None, "year", "73", "正文称73条", 0, 28.0, "28")
        _rebuild(site)
    assert _xixia_active_total(wh) == [(73.0, "28", "manual")]
    ctx, pg = signed_in(chromium, site["url"], "rev", "revpass123")
    try:
        open_audited(pg, f"{site['url']}/report?report={XIXIA}")
        pg.get_by_label("撤回理由").fill("复核原件：统计表28条无误，正文另计")
        pg.get_by_role("button", name="撤回更正").click()
        pg.get_by_text("已撤回：主动公开情况·（一）主动公开政府信息数").wait_for(timeout=30_000)
        settle(pg)
        no_exception(pg)
    finally:
        ctx.close()
    out = _rebuild(site)
    assert "cells corrected" not in out
    assert _xixia_active_total(wh) == [(28.0, "28", "table")]  # as the report printed it
    top = store.audit_rows(eng, report_id=XIXIA)[0]
    assert (top["username"], top["action"], top["old_value"], top["note"]) == (
        "rev",
        "withdraw",
        "73",
        "复核原件：统计表28条无误，正文另计",
    )
    withdrawn = [c for c in store.corrections_of_report(eng, sha) if c["metric"] == "active.total"]
    assert [(c["withdrawn_by"], c["new_value"]) for c in withdrawn] == [("rev", 73.0)]  # kept on record
    # the page says so
    ctx, pg = signed_in(chromium, site["url"], "rev", "revpass123")
    try:
        open_audited(pg, f"{site['url']}/report?report={XIXIA}")
        pg.get_by_text("本报告的人工更正").wait_for(timeout=30_000)  # the table lists it as 已撤回（李审核）
        assert pg.get_by_role("button", name="撤回更正").count() == 0  # nothing left in force to withdraw
    finally:
        ctx.close()


def _open_rubric(pg, url: str) -> None:
    pg.goto(f"{url}/scorecard", timeout=60_000)
    settle(pg)
    pg.get_by_text("考核细则（权重与参数）").click()
    settle(pg)


def test_only_an_administrator_opens_the_rubric_editor(site, chromium):
    from audit import store
    from scoring.rubric import DEFAULT_RUBRIC, parse_rubric

    for who, password in (("look", "lookpass123"), ("rev", "revpass123")):
        ctx, pg = signed_in(chromium, site["url"], who, password)
        try:
            _open_rubric(pg, site["url"])
            pg.get_by_text("修改全站使用的考核细则需要“管理”权限").wait_for(timeout=30_000)
            assert pg.get_by_label("考核细则（TOML）").count() == 0
            assert pg.get_by_role("button", name="保存为新版本").count() == 0
            no_exception(pg)
        finally:
            ctx.close()
    text = DEFAULT_RUBRIC.read_text(encoding="utf-8")
    weight = parse_rubric(text).indicators[0].weight
    ctx, pg = signed_in(chromium, site["url"], "boss", "bosspass123")
    try:
        _open_rubric(pg, site["url"])
        pg.get_by_label("考核细则（TOML）").fill(text.replace(f"weight = {weight:g}", f"weight = {weight + 5:g}", 1))
        pg.get_by_label("修改说明").fill("第一项加 5 分")
        pg.get_by_role("button", name="保存为新版本").click()
        pg.get_by_text("已保存第 1 版").wait_for(timeout=60_000)
        settle(pg)
        no_exception(pg)
        pg.screenshot(path=str(SHOTS / "rubric_editor.png"), full_page=True)
    finally:
        ctx.close()
    saved = store.current_rubric(site["eng"])
    assert (saved["version"], saved["username"]) == (1, "boss")
    assert parse_rubric(saved["text"]).indicators[0].weight == weight + 5
    assert store.audit_rows(site["eng"], action="rubric.update")[0]["note"] == "第一项加 5 分"


def test_anonymous_import_is_refused(site, chromium):
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    try:
        pg.goto(f"{site['url']}/upload", timeout=60_000)
        settle(pg)
        pg.get_by_text("请先在“审核”页登录").wait_for(timeout=30_000)
        assert pg.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
    finally:
        ctx.close()
