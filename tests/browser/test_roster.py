"""Browser test (docs/roster.md): 总览 of a warehouse built with a roster (the real corpus and the samples, and an
agency that never published) names the agencies missing and the late reports side by side, and the 同级比较 group
is one level and one kind.

    python -m pytest tests/browser/test_roster.py -q -p no:playwright -n0
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.helpers import wait_for_app
from tests.browser.serve import CHROMIUM, dashboard
from tests.conftest import CORPUS, SAMPLES, etl_build, need_corpus

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")

ROSTER = """机构名称,别名,层级,机关类型,行政区划代码,所属政府,年报栏目,设立年份,撤销年份
平潭综合实验区,平潭综合实验区管委会,地市级,开发区,,福建省人民政府,,2011,
平潭县人民政府,,县级,政府,350128,,,2011,2014
上海市人民政府办公厅,上海市政府办公厅,,,310000,,,2019,
兴庆区财政局,,,部门,640104,,,2021,
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_corpus()
    root = tmp_path_factory.mktemp("roster_browser")
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    wh = etl_build([CORPUS, SAMPLES], root / "warehouse", "--roster", str(root / "roster.csv"))
    with dashboard({**os.environ, "WAREHOUSE_DIR": str(wh)}) as url:
        yield url


def test_overview_names_the_agencies_missing_against_the_roster(server, chromium):
    pg = chromium.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg.goto(f"{server}/overview", timeout=60_000)
    wait_for_app(pg)
    pg.get_by_text("名录口径：谁缺报、谁迟报").wait_for(timeout=30_000)
    text = pg.inner_text("body")
    assert "按机构名录的 4 家机构计算" in text
    assert "从未发布年报的机构（1 家）：兴庆区财政局" in text
    assert "缺报（4 家）" in text and "迟报（2 份）" in text  # 平潭县 and 平潭综合实验区, 2011
    pg.get_by_text("缺报（4 家）").scroll_into_view_if_needed()
    pg.screenshot(path=str(Path(os.environ.get("SHOTS_DIR", "/tmp")) / "roster_overview.png"), full_page=False)
    # the peer group of 2024 is one level and one kind
    assert "地市级·政府·本级" in text
    assert "仅统计库中有报告的机构" not in text  # the roster's counts, not only the agencies seen
    pg.close()
