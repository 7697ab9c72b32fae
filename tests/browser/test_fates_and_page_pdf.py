"""Browser tests (Chromium) on the real corpus: a 福建 reviewer marks 地方税务局 abolished in 2018 on 总览 and the
缺报 figures follow (the mark and its audit row are in the database); 导出本页 PDF gives one PDF of the page — a
title page with the filter, every chart the page drew as a 1920 × 1080 slide, and its tables.

    python -m pytest tests/browser/test_fates_and_page_pdf.py -q -p no:playwright

Skipped without /usr/bin/chromium or without ../shared/corpus/real."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, etl_build

from tests.browser.helpers import log_in, wait_for_app
from tests.browser.serve import CHROMIUM, dashboard

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")
SHOTS = ROOT / "build" / "screenshots"
DISHUI = "福建省/平潭综合实验区/地方税务局"  # one report, 2013


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not CORPUS.exists():
        pytest.skip("../shared/corpus/real is not present")
    from audit import db, store

    wh = etl_build([CORPUS], tmp_path_factory.mktemp("fates_pdf") / "warehouse")  # its own: users beside it
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WAREHOUSE_DIR"] = str(wh)
    eng = db.engine(f"sqlite:///{db.sqlite_path(wh)}")
    store.create_user(eng, "min", "林审核", "minpass123", "reviewer", "福建省", by="test")
    store.create_user(eng, "hu", "沪审核", "hupass1234", "reviewer", "上海市", by="test")
    with dashboard(env) as url:
        yield {"url": url, "eng": eng, "wh": wh}
    eng.dispose()
    db.engine.cache_clear()


def _page(chromium, height=2400):
    ctx = chromium.new_context(viewport={"width": 1400, "height": height}, locale="zh-CN", accept_downloads=True)
    return ctx, ctx.new_page()


def _open_overview(pg, url):
    pg.goto(f"{url}/overview", timeout=60_000)
    wait_for_app(pg)
    pg.get_by_text("报告覆盖：机构 × 年度").wait_for(timeout=30_000)
    wait_for_app(pg)


def _coverage_line(pg) -> str:
    return pg.get_by_text(re.compile(r"^共 \d+ 家机构、\d+ 个年度")).first.inner_text()


def _fate_box(pg, label: str):
    """The 机构 selectbox of the 撤并 form, once its expander is open."""
    pg.get_by_text(label).click()
    box = pg.get_by_test_id("stExpander").filter(has_text=label).get_by_test_id("stSelectbox").first
    box.wait_for(timeout=30_000)
    wait_for_app(pg)
    return box


def _options(pg, box) -> list[str]:
    """The options a selectbox offers (clicked again if a rerun closed it before it opened)."""
    for _ in range(3):
        box.click()
        try:
            pg.get_by_role("option").first.wait_for(timeout=10_000)
            return pg.get_by_role("option").all_inner_texts()
        except Exception:  # playwright's TimeoutError: the page was rerunning
            wait_for_app(pg)
    return []


def test_reviewer_marks_an_agency_abolished_and_missing_years_follow(site, chromium):
    from audit import fates, store

    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx, pg = _page(chromium)
    try:
        _open_overview(pg, site["url"])
        # from each agency's own first to last report: 14 + 3 + 1 + 1 agency-years, 4 missing (平潭综合实验区
        # 2013/2018/2022, 平潭县 2012)
        assert "应报 19 个机构年度，缺报 4 个" in _coverage_line(pg)
        pg.get_by_text("机构撤销与合并（已标记 0 家）").click()
        pg.get_by_text("在“审核”页登录审核账号后，可在此标记机构撤销或合并。").wait_for(timeout=10_000)

        log_in(pg, site["url"], "min", "minpass123")
        _open_overview(pg, site["url"])
        box = _fate_box(pg, "机构撤销与合并（已标记 0 家）")
        box.click()
        pg.keyboard.type("地方税务局")
        pg.get_by_role("option").filter(has_text="地方税务局（2013–2013 年有报告）").click()
        pg.get_by_label("撤销或合并的年份（该年起不再应报）").fill("2018")
        pg.get_by_label("说明").fill("2018年国税地税征管体制改革，地方税务局撤销")
        pg.get_by_role("button", name="保存撤并标记").click()
        pg.get_by_text("已保存：地方税务局 2018年撤销；缺报已按此重新计算。").wait_for(timeout=30_000)
        wait_for_app(pg)
        # signed in, the 福建 reviewer sees only 福建's agencies (上海市人民政府办公厅's one year drops out), and
        # 地方税务局 is expected 2013–2017 now (not only 2013): 14 + 3 + 5 = 22, missing 4 + 4 (2014–2017)
        line = _coverage_line(pg)
        assert "共 3 家机构" in line, line
        assert "（1 家标记撤并的机构到撤并前一年），应报 22 个机构年度，缺报 8 个" in line, line
        text = pg.get_by_test_id("stMain").inner_text()
        assert "机构撤销与合并（已标记 1 家）" in text
        assert pg.get_by_test_id("stException").count() == 0
        pg.screenshot(path=str(SHOTS / "overview_fate_marked.png"), full_page=True)
    finally:
        ctx.close()
    [mark] = fates.all_fates(site["eng"])
    assert (mark["agency_id"], mark["fate"], mark["year"], mark["username"]) == (DISHUI, "abolished", 2018, "min")
    row = store.audit_rows(site["eng"], action="agency.fate")[0]
    assert (row["username"], row["target"], row["old_value"], row["new_value"]) == (
        "min",
        f"地方税务局（{DISHUI}）",
        None,
        "2018年撤销",
    )

    # a reviewer of 上海市 is offered no 福建 agency to mark
    ctx, pg = _page(chromium, 1400)
    try:
        log_in(pg, site["url"], "hu", "hupass1234")
        _open_overview(pg, site["url"])
        box = _fate_box(pg, "机构撤销与合并（已标记 1 家）")
        box.scroll_into_view_if_needed()
        pg.screenshot(path=str(SHOTS / "overview_fate_other_region.png"), full_page=True)
        options = _options(pg, box)
        assert options == ["上海市政府办公厅（2019–2019 年有报告）"], options
    finally:
        ctx.close()


def _page_texts(data: bytes, n: int) -> list[str]:
    """Each page's text as a PDF reader extracts it (poppler's pdftotext, Debian poppler-utils)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    pages = out.split("\f")
    assert len(pages) >= n
    return [p.strip() for p in pages[:n]]


def test_whole_page_exports_as_one_pdf(site, chromium):
    from pypdf import PdfReader

    ctx, pg = _page(chromium)
    try:
        _open_overview(pg, site["url"])
        n_png = pg.get_by_role("button", name="下载图表 PNG").count()
        assert n_png >= 2  # the coverage matrix and the peer strip at least
        with pg.expect_download(timeout=120_000) as dl:
            pg.get_by_role("button", name="导出本页 PDF").click()
        data = Path(dl.value.path()).read_bytes()  # read before the context closes and removes it
        assert dl.value.suggested_filename == "总览.pdf"
    finally:
        ctx.close()
    pdf = PdfReader(io.BytesIO(data))
    texts = _page_texts(data, len(pdf.pages))
    title = texts[0]
    for words in ("总览", "筛选：全部报告", "数据来源：各机关政府信息公开工作年度报告", f"内容：{n_png} 张图表"):
        assert words in title, title
    # the page's headline figures, as the page shows them, and the peer comparison's statement
    assert "主要数字" in title and "报告数（份）" in title and "同级比较：" in title
    slides = [img for page in pdf.pages for img in page.images]
    assert len(slides) == n_png and {s.image.size for s in slides} == {(1920, 1080)}
    # the page's order: what the 2019 formats count in place of 主动公开's total, the coverage matrix's slide, then
    # the 缺报清单 and the failed-check list on the next page(s)
    assert [len(page.images) for page in pdf.pages[:4]] == [0, 0, 1, 0]
    tables = "\n".join(t for i, (page, t) in enumerate(zip(pdf.pages, texts)) if i > 0 and not page.images)
    assert tables.startswith("2019 年起主动公开：第二十条各项")
    assert tables.index("缺报清单") < tables.index("未通过核对的报告")
    # the 缺报清单 as the page shows it: 平潭综合实验区 2013、2018、2022 (3), 平潭县 2012 (1); blanks as —
    assert "平潭综合实验区" in tables and "2013、2018、2022" in tables and "—" in tables
    assert sum(1 for page in pdf.pages if page.images) == n_png


def test_report_page_exports_its_tables(site, chromium):
    import duckdb

    rid = (
        duckdb.connect()
        .sql(
            f"SELECT report_id FROM '{site['wh']}/reports.parquet' "
            "WHERE agency_short = '上海市政府办公厅' AND year = 2019 AND duplicate_of IS NULL"
        )
        .fetchall()[0][0]
    )
    ctx, pg = _page(chromium, 1400)
    try:
        pg.goto(f"{site['url']}/report?report={rid}", timeout=60_000)
        wait_for_app(pg)
        with pg.expect_download(timeout=120_000) as dl:
            pg.get_by_role("button", name="导出本页 PDF").click()
        data = Path(dl.value.path()).read_bytes()
        assert dl.value.suggested_filename == "报告详情_上海市人民政府办公厅_2019.pdf"
    finally:
        ctx.close()
    texts = _page_texts(data, 2)
    assert " ".join(texts[0].split()).startswith("政府信息公开工作年度报告对比 报告详情：上海市人民政府办公厅 2019")
    assert "报告：上海市政府办公厅 2019（2019年格式）" in texts[0] and "内容：0 张图表" in texts[0]
    # the report's own metadata as printed (published 2020-01-31), then its statistics tables
    assert texts[1].startswith("报告信息") and "2020-01-31" in texts[1] and "统计表：" in texts[1]
