"""Browser tests of issue 29 (Chromium, one dashboard server): two reviewers editing the same report — the second
save, made on a page that showed the state before the first, is refused as stale (a correction and a check's
disposition); the session rules (logout revokes the cookie, an open tab expires).

    python -m pytest tests/browser/test_trust.py -q -p no:xdist -o addopts=""
"""

from __future__ import annotations

import os

import duckdb
import pytest

from tests.browser.helpers import choose, no_exception, open_audited, settle, signed_in
from tests.browser.serve import CHROMIUM, dashboard
from tests.browser.test_audit import ROOT, SHOTS, XIXIA

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no /usr/bin/chromium")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from app import warehouse
    from audit import db, store

    wh = tmp_path_factory.mktemp("trust_browser") / "warehouse"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(WAREHOUSE_DIR=str(wh), UPLOADS_DIR=str(tmp_path_factory.mktemp("uploads")), UPLOAD_SESSION_MB="30")
    saved = os.environ.pop("DATABASE_URL", None)
    try:
        warehouse.ensure_built(wh)
        eng = db.engine(f"sqlite:///{db.sqlite_path(wh)}")
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved
    for name, shown in (("reva", "甲审核"), ("revb", "乙审核"), ("revc", "丙审核")):
        store.create_user(eng, name, shown, f"{name}-Pass-2024", "reviewer", "宁夏回族自治区", "银川市", by="test")
    with dashboard(env) as url:
        yield {"url": url, "wh": wh, "eng": eng, "env": env}


def _sha(wh) -> str:
    return (
        duckdb.connect()
        .sql(f"SELECT file_sha256 FROM '{wh}/reports.parquet' WHERE report_id = '{XIXIA}'")
        .fetchall()[0][0]
    )


def test_the_second_of_two_reviewers_is_told_the_page_is_stale(site, chromium):
    from audit import store

    url = site["url"]
    a_ctx, a = signed_in(chromium, url, "reva", "reva-Pass-2024")
    b_ctx, b = signed_in(chromium, url, "revb", "revb-Pass-2024")
    try:
        for pg in (a, b):
            open_audited(pg, f"{url}/report?report={XIXIA}")
        # B opens the form and fills it in; meanwhile A saves the same cell
        choose(b, "单元格", "主动公开政府信息数（不同")
        b.get_by_label("更正为").fill("21")
        b.get_by_label("理由").fill("乙：正文称21条")
        choose(a, "单元格", "主动公开政府信息数（不同")
        a.get_by_label("更正为").fill("22")
        a.get_by_label("理由").fill("甲：正文称22条")
        a.get_by_role("button", name="保存更正").click()
        a.get_by_text(
            "已保存：主动公开情况·（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） 更正为 22"
        ).wait_for(timeout=30_000)
        b.get_by_role("button", name="保存更正").click()
        b.get_by_text("已被 reva 于").wait_for(timeout=30_000)
        settle(b)
        assert "页面上的内容已过时" in b.get_by_test_id("stAlert").filter(has_text="已被 reva").inner_text()
        b.screenshot(path=str(SHOTS / "stale_edit_refused.png"), full_page=True)
        # what A saved stands; B, now shown it, may save over it knowingly
        (c,) = store.corrections_of_report(site["eng"], _sha(site["wh"]))
        assert (c["new_value"], c["username"], c["version"]) == (22.0, "reva", 1)
        b.get_by_role("button", name="保存更正").click()
        b.get_by_text(
            "已保存：主动公开情况·（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） 更正为 21"
        ).wait_for(timeout=30_000)
        (c,) = store.corrections_of_report(site["eng"], _sha(site["wh"]))
        assert (c["new_value"], c["username"], c["version"]) == (21.0, "revb", 2)
        # the same for a failed check's disposition
        for pg in (a, b):
            open_audited(pg, f"{url}/report?report={XIXIA}")
        choose(b, "核对项", "举办各类培训班数")
        b.get_by_label("说明").fill("乙：原件如此")
        choose(a, "核对项", "举办各类培训班数")
        a.get_by_text("已核实", exact=True).click()
        a.get_by_label("说明").fill("甲：已核实")
        a.get_by_role("button", name="保存处理结论").click()
        a.get_by_text("已保存：文表一致 — 已核实").wait_for(timeout=30_000)
        b.get_by_role("button", name="保存处理结论").click()
        b.get_by_text("这项核对已被 reva 于").wait_for(timeout=30_000)
        (d,) = store.dispositions_of_report(site["eng"], _sha(site["wh"])).values()
        assert (d["verdict"], d["username"]) == ("verified", "reva")
        no_exception(a)
        no_exception(b)
    finally:
        a_ctx.close()
        b_ctx.close()
    assert [r["action"] for r in store.audit_rows(site["eng"], report_id=XIXIA)] == ["dispose", "correct", "correct"]
    assert ROOT.exists()


def _cookie(ctx) -> dict:
    from app.audit_ui import COOKIE

    (c,) = [c for c in ctx.cookies() if c["name"] == COOKIE]
    return c


def _signed_in_with(chromium, url: str, cookie: dict) -> bool:
    """Whether a fresh browser holding only `cookie` (a replay) is signed in."""
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        ctx.add_cookies([cookie])
        pg = ctx.new_page()
        pg.goto(f"{url}/audit", timeout=60_000)
        settle(pg)
        pg.get_by_role("heading", name="审核").first.wait_for(timeout=30_000)
        settle(pg)
        return pg.get_by_text("已登录：").count() > 0
    finally:
        ctx.close()


def test_logout_and_a_new_password_revoke_the_cookie(site, chromium):
    from audit import store
    from audit.roles import User

    url = site["url"]
    ctx, pg = signed_in(chromium, url, "reva", "reva-Pass-2024")
    try:
        cookie = _cookie(ctx)
        assert _signed_in_with(chromium, url, cookie)  # the cookie signs in elsewhere, as it should …
        pg.get_by_role("button", name="退出登录").click()
        settle(pg)
        pg.get_by_label("用户名").wait_for(timeout=30_000)
    finally:
        ctx.close()
    assert not _signed_in_with(chromium, url, cookie)  # … until its user logs out
    ctx, pg = signed_in(chromium, url, "revb", "revb-Pass-2024")
    cookie = _cookie(ctx)
    ctx.close()
    assert _signed_in_with(chromium, url, cookie)
    store.update_user(
        site["eng"], User("root", "管理", "admin"), "revb", "reviewer", "宁夏回族自治区", "银川市", "New-pass-2025"
    )
    assert not _signed_in_with(chromium, url, cookie)


def test_an_open_tab_expires(chromium, site):
    """AUDIT_SESSION_DAYS of 20 seconds: after it, the next action of a tab left open finds nobody signed in."""
    import time

    env = {**site["env"], "AUDIT_SESSION_DAYS": str(20 / 86400)}
    with dashboard(env) as url:
        ctx, pg = signed_in(chromium, url, "reva", "reva-Pass-2024")
        started = time.monotonic()  # the login was made before this
        try:
            assert pg.get_by_text("已登录：").count() == 1
            pg.wait_for_timeout(max(0, 22 - (time.monotonic() - started)) * 1000)
            pg.get_by_role("tab", name="审核日志").click()
            pg.get_by_label("报告编号").fill(XIXIA)  # a rerun of the same tab, no page load
            pg.get_by_label("报告编号").press("Enter")
            pg.get_by_text("登录已过期或已结束").wait_for(timeout=30_000)
            settle(pg)
            pg.screenshot(path=str(SHOTS / "session_expired.png"), full_page=True)
            assert pg.get_by_text("已登录：").count() == 0 and pg.get_by_label("密码").count() == 1
        finally:
            ctx.close()


def test_the_upload_endpoint_is_bounded(site, chromium, tmp_path):
    """Streamlit's endpoint, PUT to directly as a hostile client would: the app's maxUploadSize (20 MB) is in force,
    a session holds at most UPLOAD_SESSION_MB (30 here), and a session not signed in as 审核 may hold nothing."""
    url = site["url"]
    ctx, pg = signed_in(chromium, url, "reva", "reva-Pass-2024")
    seen = []
    pg.route("**/_stcore/upload_file/**", lambda route: (seen.append(route.request), route.continue_()))
    try:
        pg.goto(f"{url}/upload", timeout=60_000)
        settle(pg)
        small = tmp_path / "small.txt"
        small.write_text("兴庆区 2018", encoding="utf-8")
        pg.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(small)])
        pg.wait_for_timeout(1500)
        (put,) = [r for r in seen if r.method == "PUT"]
        headers = {"X-Xsrftoken": put.headers["x-xsrftoken"]}

        def send(mb: float, target: str = put.url) -> tuple[int, str]:
            body = {"file": {"name": "x.txt", "mimeType": "text/plain", "buffer": b"x" * int(mb * 2**20)}}
            got = ctx.request.put(target, multipart=body, headers=headers, timeout=60_000)
            return got.status, got.text()

        assert send(21) == (413, "File too large")  # over the app's maxUploadSize
        assert send(15)[0] == 204  # the same file id: replaces the small one
        other = put.url.rsplit("/", 1)[0] + "/another-file-id"
        assert send(16, other) == (413, "upload refused: the session would hold more than 30 MB")
        pg.get_by_role("button", name="退出登录").click()
        pg.get_by_text("已登录：").wait_for(state="detached", timeout=30_000)  # the run that signed out has drawn
        settle(pg)
        status, said = send(0.001)  # logged out: the session may hold nothing
        assert status == 413 and "not signed in with the 审核 role" in said
    finally:
        ctx.close()


def test_a_replacement_is_held_shown_beside_the_original_and_accepted(site, chromium, tmp_path):
    """导入报告: a copy of 银川市兴庆区人民政府 2018 with 主动公开 12786 → 99999 is held, not imported; another
    reviewer of the region sees both copies' figures side by side and accepts it; then it is imported."""
    from tests.test_import_rights import XINGQING

    url, wh = site["url"], site["wh"]
    copy = tmp_path / "兴庆区_2018_副本.txt"
    copy.write_text(XINGQING.read_text(encoding="utf-8").replace("\t12786", "\t99999"), encoding="utf-8")
    n = duckdb.connect().sql(f"SELECT count(*) FROM '{wh}/reports.parquet'").fetchall()[0][0]
    ctx, pg = signed_in(chromium, url, "reva", "reva-Pass-2024")
    try:
        pg.goto(f"{url}/upload", timeout=60_000)
        settle(pg)
        pg.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(copy)])
        pg.wait_for_timeout(1500)
        pg.get_by_role("button", name="解析并导入").click()
        pg.get_by_text("导入结果").wait_for(timeout=120_000)
        settle(pg)
        assert "待确认替换" in pg.get_by_test_id("stMain").inner_text()
    finally:
        ctx.close()
    assert duckdb.connect().sql(f"SELECT count(*) FROM '{wh}/reports.parquet'").fetchall()[0][0] == n
    ctx, pg = signed_in(chromium, url, "revc", "revc-Pass-2024")
    try:
        pg.goto(f"{url}/upload", timeout=60_000)
        settle(pg)
        pg.get_by_text("待确认的替换").wait_for(timeout=30_000)
        table = pg.get_by_test_id("stDataFrame").last
        table.wait_for(timeout=30_000)
        assert "个不同" in pg.get_by_test_id("stMain").inner_text()
        pg.screenshot(path=str(SHOTS / "import_replacement_pending.png"), full_page=True)
        pg.get_by_label("说明").fill("核对原件：新文件为更正版")
        pg.get_by_role("button", name="接受替换并导入").click()
        pg.get_by_text("导入结果").wait_for(timeout=120_000)
        settle(pg)
        no_exception(pg)
    finally:
        ctx.close()
    got = duckdb.connect().sql(
        f"SELECT m.value FROM '{wh}/metrics.parquet' m JOIN '{wh}/reports.parquet' r USING (report_id) "
        "WHERE r.source_file LIKE '%兴庆区_2018_副本%' AND m.metric = 'active.total' AND m.source = 'table'"
    )
    assert got.fetchall() == [(99999.0,)]
    from audit import store

    actions = [(r["username"], r["action"]) for r in store.audit_rows(site["eng"]) if r["action"].startswith("import")]
    assert actions[:3] == [("revc", "import"), ("revc", "import.accept"), ("reva", "import")]
