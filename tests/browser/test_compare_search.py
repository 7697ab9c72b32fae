"""Browser test (Chromium) of 机构对比 and 全文检索 on the sample reports: two agencies side by side show their
reports' own figures, the selection lives in the page's link; a phrase of a known report is found, quoted as plain
text and linked to its 报告详情. Both are limited to the user's region like every page (checked on the query layer).

    python -m pytest tests/browser/test_compare_search.py -q -p no:xdist
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest

from tests.browser.helpers import wait_for_app
from tests.browser.serve import CHROMIUM, dashboard

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory):
    from app import warehouse

    wh = tmp_path_factory.mktemp("cmp") / "warehouse"
    warehouse.ensure_built(wh)
    return wh


@pytest.fixture(scope="module")
def server(warehouse_dir):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WAREHOUSE_DIR"] = str(warehouse_dir)
    with dashboard(env) as url:
        yield url


@pytest.fixture()
def page(chromium):
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1800}, locale="zh-CN")
    yield ctx.new_page()
    ctx.close()


def _grid_rows(pg, index: int = 0) -> list[list[str]]:
    """The rows of the page's index-th table as the screen shows them (header first)."""
    grid = pg.get_by_test_id("stMain").get_by_test_id("stDataFrame").nth(index)
    rows = grid.locator("table tr")
    rows.nth(1).wait_for(state="attached", timeout=30_000)
    return [[c.strip() for c in rows.nth(i).locator("th, td").all_text_contents()] for i in range(rows.count())]


def test_two_agencies_side_by_side(server, page):
    from playwright.sync_api import expect

    pg = page
    pg.goto(f"{server}/compare", timeout=60_000)
    wait_for_app(pg)
    main = pg.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="机构对比")).to_be_visible(timeout=30_000)
    assert "请选择 2–5 家机构" in main.inner_text()
    # choose two agencies in the page's own picker: the choice goes into the link
    picker = main.get_by_test_id("stMultiSelect").filter(has_text="机构（2–5 家）")
    for name in ("宁夏", "兴庆区"):
        picker.locator("input").fill(name)
        pg.get_by_role("option", name=name, exact=True).click()
        wait_for_app(pg)
    pg.keyboard.press("Escape")
    expect(main.get_by_role("heading", name="2018 年主要数字")).to_be_visible(timeout=30_000)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(pg.url).query)
    assert sorted(query["cmp"]) == ["兴庆区", "宁夏"]
    assert pg.get_by_test_id("stException").count() == 0

    # the link alone brings the same view back (a fresh page)
    pg.goto(f"{server}/compare?cmp=宁夏&cmp=兴庆区&cmp_year=2018", timeout=60_000)
    wait_for_app(pg)
    expect(main.get_by_role("heading", name="2018 年主要数字")).to_be_visible(timeout=30_000)
    rows = {r[0]: r[1:] for r in _grid_rows(pg)}
    assert rows["指标"] == ["单位", "宁夏（汇总）", "兴庆区（汇总）"]
    # the sample reports' own figures (data/samples: 宁夏回族自治区 and 银川市兴庆区, 2018)
    assert rows["主动公开信息数"] == ["条", "706,668", "12,786"]
    assert rows["收到申请数"] == ["件", "750", "5"]
    assert rows["行政复议案件数"] == ["件", "22", "0"]
    assert rows["行政诉讼案件数"] == ["件", "20", "0"]
    assert rows["信息公开工作人员"] == ["人", "1,951", "101"]
    # 兴庆区 had no 行政复议 case decided: its 纠错率 is blank (—), never 0
    assert rows["行政复议纠错率"] == ["%", "18.2%", "—"]
    # the chart of the chosen figure, with its downloads
    assert main.get_by_test_id("stVegaLiteChart").count() >= 1
    expect(main.get_by_role("button", name="下载图表 PNG").first).to_be_visible()
    assert pg.get_by_test_id("stException").count() == 0


def test_phrase_found_and_linked_to_its_report(server, page, warehouse_dir):
    import duckdb
    from playwright.sync_api import expect

    rid = duckdb.sql(
        f"SELECT report_id FROM read_parquet('{warehouse_dir}/reports.parquet') WHERE agency_short = '兴泾镇'"
    ).fetchall()[0][0]

    pg = page
    pg.goto(f"{server}/search?q=" + urllib.parse.quote("兴泾镇"), timeout=60_000)
    wait_for_app(pg)
    main = pg.get_by_test_id("stMain")
    expect(main.get_by_text("1 份报告的原文含")).to_be_visible(timeout=30_000)
    # each report a link to its 报告详情, its excerpt as plain text with the hit in 【】
    link = main.get_by_role("link", name="兴泾镇 2018（出现 21 次）")
    expect(link).to_be_visible()
    assert link.get_attribute("href").endswith(f"report?report={rid}")
    expect(main.get_by_text("银川市西夏区【兴泾镇】 2018 年政府信息公开工作年度报告")).to_be_visible()
    link.click()
    wait_for_app(pg)
    expect(main.get_by_role("heading", name="报告详情")).to_be_visible(timeout=30_000)
    expect(main.get_by_text("银川市西夏区兴泾镇人民政府").first).to_be_attached(timeout=30_000)  # its 机构 as printed
    assert pg.url.endswith(f"report?report={rid}")

    # a phrase no report holds: said so, no table
    pg.goto(f"{server}/search?q=" + urllib.parse.quote("量子计算机"), timeout=60_000)
    wait_for_app(pg)
    expect(main.get_by_text("没有报告的原文含“量子计算机”")).to_be_visible(timeout=30_000)
    assert pg.get_by_test_id("stException").count() == 0


def test_search_and_comparison_stay_in_the_region(warehouse_dir, monkeypatch):
    """A user limited to 银川市 finds only 银川市's reports, and compares only them (宁夏's own report is outside)."""
    from app import queries
    from app.queries import Filters, Region

    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse_dir))
    everyone = queries.search_text("政府信息公开")
    assert everyone.total == 5 and everyone.unread == 0
    assert "宁夏（汇总）" in everyone.rows["label"].to_list()
    title = "宁夏回族自治区 2018 年政府信息公开"  # the title of 宁夏's own report
    assert queries.search_text(title).rows["label"].to_list() == ["宁夏（汇总）"]

    monkeypatch.setattr(queries, "session_region", lambda: Region("宁夏回族自治区", "银川市"))
    yinchuan = queries.search_text("政府信息公开")
    assert sorted(yinchuan.rows["label"].to_list()) == sorted(
        ["兴庆区（汇总）", "兴泾镇", "审批服务管理局", "贺兰山西路街道"]
    )
    assert queries.search_text(title).total == 0
    both = queries.run("agency_trend", Filters(agencies=("宁夏回族自治区", "宁夏回族自治区/银川市/兴庆区")))
    assert both["label"].to_list() == ["兴庆区（汇总）"]

    monkeypatch.setattr(queries, "session_region", lambda: Region("甘肃省"))
    assert queries.search_text("政府信息公开").total == 0

    # a selection larger than one search reads is refused whole, with its size (the page asks to narrow it)
    monkeypatch.setattr(queries, "session_region", lambda: Region())
    monkeypatch.setattr(queries, "SEARCH_REPORTS", 3)
    refused = queries.search_text("政府信息公开")
    assert (refused.total, refused.searched, refused.in_selection) == (0, 0, 5)
