"""Browser tests (issue 28): a peer group of 6 and one of 2 drawn on screen with every bar and the red highlight
legible (bars measured in the drawn chart against the chart spec's step), every page of the samples free of
`None`, code-like identifiers and English words, and the select search's empty list in Chinese.

    python -m pytest tests/browser/test_small_groups_and_words.py -q -p no:xdist

Skipped without /usr/bin/chromium."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import duckdb
import pytest

from tests.browser.serve import CHROMIUM, dashboard
from tests.browser.test_supervisor import ALLOWED, IDENTIFIER, _open, _q

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")

PAGES = ["overview", "channels", "requests", "review", "staffing", "scorecard", "quality", "upload", "collect"]
PAGES += ["report", "audit"]
PEER, HIGHLIGHT = (0xA0, 0xCB, 0xE8), (0xE1, 0x57, 0x59)  # app.charts.PEER, app.charts.HIGHLIGHT


def _build(tmp_path_factory) -> Path:
    from app import warehouse

    wh = tmp_path_factory.mktemp("samples28") / "warehouse"
    warehouse.ensure_built(wh)
    return wh


@pytest.fixture(scope="module")
def samples_server(tmp_path_factory):
    with dashboard({**os.environ, "WAREHOUSE_DIR": str(_build(tmp_path_factory))}) as url:
        yield url


@pytest.fixture(scope="module")
def groups_server(tmp_path_factory):
    """The samples plus copies of 兴庆区's report as 2017 本级 reports: six counties (合成县1…6, i lawsuits each)
    and two prefectures (合成市1, 合成市2, 10·i lawsuits): peer groups of 6 and of 2."""
    wh = _build(tmp_path_factory)
    con = duckdb.connect()
    src = con.execute(
        f"SELECT report_id FROM read_parquet('{wh}/reports.parquet') WHERE agency_short = '兴庆区'"
    ).fetchone()[0]
    copies = """SELECT * FROM (VALUES
        (1, 'c1', 'county', '合成县1', 1), (2, 'c2', 'county', '合成县2', 2), (3, 'c3', 'county', '合成县3', 3),
        (4, 'c4', 'county', '合成县4', 4), (5, 'c5', 'county', '合成县5', 5), (6, 'c6', 'county', '合成县6', 6),
        (7, 'p1', 'prefecture', '合成市1', 10), (8, 'p2', 'prefecture', '合成市2', 20)
    ) t(i, rid, level, name, lawsuits)"""
    con.execute(f"""COPY (
        SELECT * FROM read_parquet('{wh}/reports.parquet')
        UNION ALL BY NAME
        SELECT * REPLACE (c.rid AS report_id, c.name AS agency_short, c.name || '人民政府' AS agency,
                          CASE WHEN c.level = 'county' THEN '合成省/合成市/' || c.name ELSE '合成省/' || c.name END
                            AS agency_id,
                          c.level AS level, 'self' AS scope, 2017 AS year, '合成省' AS province,
                          CASE WHEN c.level = 'county' THEN '合成市' ELSE c.name END AS prefecture,
                          CASE WHEN c.level = 'county' THEN c.name END AS county,
                          'syn/' || c.rid || '.txt' AS source_file)
        FROM read_parquet('{wh}/reports.parquet') r, ({copies}) c WHERE r.report_id = '{src}'
    ) TO '{wh}/reports.parquet.new' (FORMAT parquet)""")
    con.execute(f"""COPY (
        SELECT * FROM read_parquet('{wh}/metrics.parquet')
        UNION ALL BY NAME
        SELECT * REPLACE (c.rid AS report_id,
                          CASE WHEN m.metric = 'litigation.total' THEN CAST(c.lawsuits AS DOUBLE) ELSE m.value END
                            AS value)
        FROM read_parquet('{wh}/metrics.parquet') m, ({copies}) c WHERE m.report_id = '{src}'
    ) TO '{wh}/metrics.parquet.new' (FORMAT parquet)""")
    for t in ("reports", "metrics"):
        os.replace(wh / f"{t}.parquet.new", wh / f"{t}.parquet")  # the marts are then stale: views are used
    with dashboard({**os.environ, "WAREHOUSE_DIR": str(wh)}) as url:
        yield url


def _bars(png: bytes) -> list[tuple[int, bool]]:
    """The bars of a drawn peer strip, top to bottom: (height in pixels, drawn in the highlight colour)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = img.size
    px = img.load()
    rows = []
    for y in range(h):
        colours = [px[x, y] for x in range(w)]
        peer, red = colours.count(PEER), colours.count(HIGHLIGHT)
        rows.append("red" if red >= 3 else "peer" if peer >= 3 else None)
    bars, y = [], 0
    while y < h:
        if rows[y] is None:
            y += 1
            continue
        start, kind = y, rows[y]
        while y < h and rows[y] == kind:
            y += 1
        bars.append((y - start, kind == "red"))
    return bars


@pytest.mark.parametrize(
    "level,agency,n,statement",
    [
        ("county", "合成省/合成市/合成县3", 6, "合成县3：3（件），在 6 家中排第 4 位（由高到低），高于 40% 的同组机构"),
        ("prefecture", "合成省/合成市1", 2, "合成市1：10（件），在 2 家中排第 2 位（由高到低），高于 0% 的同组机构"),
    ],
)
def test_a_small_peer_group_draws_every_bar_and_the_highlight(groups_server, chromium, level, agency, n, statement):
    from app import charts

    ctx, pg = _open(chromium, f"{groups_server}/review{_q(year=2017, level=level, agency=agency)}", height=1400)
    try:
        main = pg.get_by_test_id("stMain")
        assert statement in main.inner_text()
        # the peer strip: the first chart under the section's heading
        heading = pg.get_by_role("heading", name="同级比较：排名与分布")
        heading.scroll_into_view_if_needed()
        top = heading.bounding_box()["y"]
        charts_below = [c for c in pg.get_by_test_id("stVegaLiteChart").all() if c.bounding_box()["y"] > top]
        chart = min(charts_below, key=lambda c: c.bounding_box()["y"])
        chart.scroll_into_view_if_needed()
        pg.wait_for_timeout(800)
        bars = _bars(chart.screenshot())
        step = charts.peer_band(n)  # the spec's height: a step of this many pixels a bar
        assert len(bars) == n, bars
        assert [red for _, red in bars].count(True) == 1  # the chosen agency, in red, among them
        # every bar as tall as the spec's step less Vega's band padding (10 %), none squeezed by title or axis
        assert all(0.8 * step <= height <= step for height, _ in bars), (step, bars)
    finally:
        ctx.close()


def test_the_peer_spec_steps_are_roomy_for_small_groups():
    import polars as pl

    from app import charts

    d = pl.DataFrame({"report_id": ["a", "b"], "label": ["合成市1", "合成市2"], "v": [10.0, 20.0]})
    spec = charts.peer_ranking(
        d, "v", "label", "合成市1", ["合成市2", "合成市1"], {"q1": 12.5, "median": 15.0, "q3": 17.5}
    )
    assert spec.to_dict()["height"] == {"step": charts.PEER_BAND_MAX}
    assert [charts.peer_band(n) for n in (1, 2, 6, 20, 40, 80, 200)] == [28, 28, 28, 24, 12, 12, 4]


def _page_words(pg) -> str:
    """The page's text as a reader sees it: icons' names, Streamlit's hidden skip link and commands shown as code
    (python3 -m audit …, typed as they are) left out."""
    pg.add_style_tag(
        content="[data-testid=stIconMaterial], [data-testid=stSidebarNavLinkIcon], code, pre {display: none !important}"
    )
    return pg.evaluate("""() => { document.querySelectorAll('a').forEach(a => {
        if (a.innerText.trim() === 'Skip to main content') a.style.display = 'none'; });
        return document.querySelector('[data-testid=stApp]').innerText; }""")


def test_every_page_of_the_samples_reads_in_chinese(samples_server, chromium):
    """Every page, reached from the menu in one session (as a user clicks through): no `None`, no code such as
    carried_in or outcome.total, no English word."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from app.router import PAGES as MENU
    from tests.browser.helpers import wait_for_app

    titles = {url: title for file, title, url, _ in MENU if (ROOT / file).exists()}
    ctx, pg = _open(chromium, f"{samples_server}/overview", height=1200)
    found = {}
    try:
        for page in PAGES:
            if page != "overview":
                link = pg.get_by_test_id("stSidebarNav").get_by_role("link", name=titles[page], exact=True)
                link.click()
                try:
                    pg.wait_for_url(f"**/{page}", timeout=15_000)
                except PlaywrightTimeout:  # a click while the last page's run still drew can be lost: once more
                    link.click()
                    pg.wait_for_url(f"**/{page}", timeout=30_000)
                pg.get_by_test_id("stMain").get_by_role("heading", name=titles[page], exact=True).first.wait_for()
                wait_for_app(pg, timeout=90_000)
            assert pg.get_by_test_id("stException").count() == 0, page
            text = _page_words(pg)
            bad = sorted(
                ({"None"} if re.search(r"\bNone\b", text) else set())
                | set(IDENTIFIER.findall(text))
                | (set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED)
            )
            if bad:
                found[page] = bad
        assert not found, found
    finally:
        ctx.close()


def test_the_select_search_says_nothing_matches_in_chinese(samples_server, chromium):
    ctx, pg = _open(chromium, f"{samples_server}/review")
    try:
        for widget in ("stSelectbox", "stMultiSelect"):
            pg.get_by_test_id(widget).first.click()
            pg.keyboard.type("zzzz")
            empty = pg.locator("[role=listbox][data-empty=true] [role=option] span").first
            empty.wait_for(timeout=10_000)
            shown = empty.evaluate("e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]")
            assert shown == ["0px", '"没有符合的选项"']  # Streamlit's "No results" hidden, Chinese in its place
            pg.keyboard.press("Escape")
            pg.mouse.click(700, 20)
    finally:
        ctx.close()


def test_the_first_start_lists_the_pages_by_their_titles(tmp_path, chromium):
    """While the samples build on a first start, the menu already lists the pages by their Chinese titles (not the
    file names of pages/: dashboard, audit, channels …)."""
    from app.router import PAGES as MENU

    titles = [title for file, title, _, _ in MENU if (ROOT / file).exists()]
    with dashboard({**os.environ, "WAREHOUSE_DIR": str(tmp_path / "warehouse")}) as url:
        ctx = chromium.new_context(viewport={"width": 1200, "height": 800}, locale="zh-CN")
        pg = ctx.new_page()
        try:
            pg.goto(url, timeout=90_000)
            pg.get_by_text("首次启动：正在从样例报告构建数据仓库").first.wait_for(timeout=60_000)
            links = pg.get_by_test_id("stSidebarNav").get_by_role("link")
            shown = [t.strip() for t in links.all_inner_texts()]
            assert [s.split("\n")[-1].strip() for s in shown] == titles, shown
        finally:
            ctx.close()
