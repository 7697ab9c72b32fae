"""`etl collect` against a recorded site on 127.0.0.1 (tests/collect_site.py): list pages and pagination, reports
as pages, a PDF attachment and a DOCX, GBK, every per-source failure, a second run that downloads nothing, and
`etl build` on the collection giving the warehouse the files give, with publish dates from the listing."""

from __future__ import annotations

import hashlib
import itertools
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import CORPUS

from etl.build import build
from etl.cli import main
from etl.collect import Politeness, SourcesError, collect, read_sources, shard_of
from etl.collect.listing import read_list, read_report_page, report_year
from etl.collect.sources import Source

HTML = CORPUS / "html"
FIXTURES = Path(__file__).parent / "fixtures"
FAST = Politeness(timeout=0.5, retries=0, backoff=0.01, delay=0.0, per_host=4, allow_hosts=frozenset({"127.0.0.1"}))


# ------------------------------------------------------------------ pages, without a server


def test_report_titles_and_years():
    assert report_year("平潭综合实验区2023年政府信息公开工作年度报告") == 2023
    assert report_year("平潭综合实验区2019年度政府信息公开工作年度报告") == 2019
    assert report_year("兴庆区二〇一八年政府信息公开年报") == 2018
    assert report_year("关于开展2024年度政务公开工作考核的通知") is None
    assert report_year("政府信息公开工作年度报告") is None  # no year: not an entry


def test_list_page_entries_dates_and_pages():
    page = """<html><head><meta charset="utf-8"></head><body><ul>
      <li><a href="/a/1.htm" title="某县2023年政府信息公开工作年度报告">某县2023年政府信息公开工作…</a><span>2024-01-18</span></li>
      <li><a href="2.htm">某县2022年政府信息公开工作年度报告</a> <em>2023年1月20日</em></li>
      <li><a href="3.htm">关于印发2023年政务公开工作要点的通知</a><span>2023-04-01</span></li>
      </ul><div><a href="index_1.html">下一页</a> <a href="index_2.html">3</a> <a href="http://other.example/x">2</a></div>
      <script>createPageHTML(4, 0, "index", "html");</script></body></html>""".encode()
    got = read_list(page, "http://gov.example/nb/index.html")
    assert [(e.title, e.url, e.year, e.list_date) for e in got.entries] == [
        ("某县2023年政府信息公开工作年度报告", "http://gov.example/a/1.htm", 2023, date(2024, 1, 18)),
        ("某县2022年政府信息公开工作年度报告", "http://gov.example/nb/2.htm", 2022, date(2023, 1, 20)),
    ]
    # 下一页 and numbered links on the same host, and the pages createPageHTML(4, …) writes; never another host
    assert got.pages == [
        "http://gov.example/nb/index_1.html",
        "http://gov.example/nb/index_2.html",
        "http://gov.example/nb/index_3.html",
    ]


def test_report_page_date_and_attachments():
    page = """<html><body><h1>某局2023年政府信息公开工作年度报告</h1><div>发布时间：2024-01-25 10:00</div>
      <p>详见附件：<a href="/att/P1.pdf">年报.pdf</a> <a href="/att/P2.DOCX">年报.docx</a></p></body></html>""".encode(
        "gbk"
    )
    got = read_report_page(page, "http://gov.example/art/1.htm", charset="gbk")
    assert got.page_date == date(2024, 1, 25)
    assert got.attachments == ["http://gov.example/att/P1.pdf", "http://gov.example/att/P2.DOCX"]
    assert not got.holds_report  # the page only links the report


def test_sources_csv(tmp_path):
    ok = tmp_path / "ok.csv"
    ok.write_text("agency,url,level\n某县人民政府,http://gov.example/nb/,county\n", encoding="utf-8-sig")
    assert read_sources(ok) == [Source("某县人民政府", "http://gov.example/nb/", "county")]
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,url\n某县人民政府,gov.example/nb/\n", encoding="utf-8")
    with pytest.raises(SourcesError, match="第2行"):
        read_sources(bad)
    # shards by host: every source of one site on the same machine
    a, b = Source("甲", "http://gov.example/a/"), Source("乙", "http://gov.example/b/")
    assert shard_of(a, 8) == shard_of(b, 8)


def test_timeliness_names_a_date_from_the_listing():
    from scoring.indicators import ReportContext, timeliness
    from scoring.rubric import Indicator

    report = {
        "year": 2024,
        "agency_kind": "department",
        "publish_date": date(2025, 2, 10),
        "publish_date_source": "listing",
    }
    res = timeliness(ReportContext(report, [], []), Indicator("timeliness", "按时发布", 10.0, {}))
    assert (res.points, res.value) == (0.0, 10)  # a department's deadline is 2025-01-31
    assert res.evidence[0]["message"].startswith(
        "网站栏目列表显示的发布日期 2025年02月10日 晚于期限 2025年01月31日 10 天"
    )


def _fetch_all(politeness, handler, urls):
    import asyncio

    import httpx

    from etl.collect.fetch import Fetcher

    async def go():
        async with Fetcher(politeness, httpx.MockTransport(handler)) as f:
            return await asyncio.gather(*(f.get(u) for u in urls), return_exceptions=True)

    return asyncio.run(go())


def test_per_host_rate_limit_and_retries_with_back_off():
    import time

    import httpx

    starts: list[tuple[str, float]] = []
    answers = {"/flaky": [503, 503, 200]}

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append((request.url.host, time.monotonic()))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        codes = answers.get(request.url.path)
        return httpx.Response(codes.pop(0) if codes else 200, text="ok")

    slow_host = Politeness(timeout=1, retries=2, backoff=0.05, delay=0.2, per_host=1)
    got = _fetch_all(slow_host, handler, ["http://a.example/1", "http://a.example/2", "http://a.example/3"])
    assert [g.status for g in got] == [200, 200, 200]
    times = sorted(t for h, t in starts)
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(times))  # robots.txt + 3 pages, 0.2 s apart
    starts.clear()
    got = _fetch_all(Politeness(timeout=1, retries=2, backoff=0.05, delay=0), handler, ["http://b.example/flaky"])
    assert got[0].status == 200 and len(starts) == 1 + 3  # two 503s retried after a back-off
    answers["/flaky"] = [503, 503, 503]
    got = _fetch_all(Politeness(timeout=1, retries=2, backoff=0.01, delay=0), handler, ["http://c.example/flaky"])
    assert str(got[0]) == "服务器出错（HTTP 503）：http://c.example/flaky"


# ------------------------------------------------------------------ the recorded site


@pytest.fixture(scope="module")
def site():
    if not HTML.exists():
        pytest.skip("../shared/corpus/real/html is not present")
    from collect_site import Site

    s = Site(HTML)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def collected(site, tmp_path_factory):
    """The first run, through the command line; the server's log of it."""
    tmp = tmp_path_factory.mktemp("collect")
    csv = site.sources_csv(tmp / "SOURCES.csv", [("某市（域名不存在）", "http://collector-test.invalid/nb/")])
    site.log.clear()
    assert (
        main(
            [
                "collect",
                str(csv),
                "--out",
                str(tmp / "out"),
                "--timeout",
                "0.5",
                "--retries",
                "0",
                "--delay",
                "0",
                "--allow-host",
                "127.0.0.1",
            ]
        )
        == 0
    )
    return tmp, list(site.log)


def _manifest(out: Path) -> list[dict]:
    return pq.read_table(out / "manifest.parquet").to_pylist()


def _sources(out: Path) -> dict[str, dict]:
    return {r["agency"]: r for r in pq.read_table(out / "sources.parquet").to_pylist()}


def test_pagination_and_report_entries(collected, site):
    tmp, _ = collected
    rows = _manifest(tmp / "out")
    pingtan = _sources(tmp / "out")["平潭综合实验区"]
    assert pingtan["list_pages"] == 3 and pingtan["entries"] == 8
    assert pingtan["years"] == [2014, 2016, 2017, 2019, 2020, 2021, 2023, 2024]  # the 通知 is not an entry
    lists = sorted(r["url"] for r in rows if r["kind"] == "list" and r["agency"] == "平潭综合实验区")
    assert lists == [site.url(f"/pingtan/nb/{p}") for p in ("index.html", "index_1.html", "index_2.html")]
    # the 2016 page is gone: the source is partial, its other reports are there
    assert pingtan["status"] == "partial" and "HTTP 404" in pingtan["error"] and "2016" in pingtan["error"]


def test_reports_as_page_pdf_and_docx(collected, site):
    tmp, _ = collected
    out = tmp / "out"
    by_url = {r["url"]: r for r in _manifest(out)}
    page = by_url[site.url("/pingtan/art/202401/t20240119_1.htm")]
    assert (page["kind"], page["is_report"], page["year"], page["list_date"]) == ("page", True, 2023, date(2024, 1, 19))
    assert page["page_date"] == date(2024, 3, 8)  # the page's own PubDate
    assert (out / page["path"]).read_bytes() == (HTML / "2023_pingtan-syq_2021.html").read_bytes()
    wrapper = by_url[site.url("/pingtan/art/201503/t20150320_7.htm")]
    assert wrapper["is_report"] is False  # it only links the PDF
    pdf = by_url[site.url("/pingtan/att/P020150320.pdf")]
    data = (FIXTURES / "2014_pingtan-syq_old.pdf").read_bytes()
    assert (pdf["kind"], pdf["is_report"], pdf["sha256"]) == ("attachment", True, hashlib.sha256(data).hexdigest())
    assert pdf["path"] == f"files/{pdf['sha256'][:2]}/{pdf['sha256']}.pdf" and (out / pdf["path"]).read_bytes() == data
    assert (pdf["title"], pdf["list_date"]) == ("平潭综合实验区2014年度政府信息公开工作年度报告", date(2015, 3, 20))
    docx = by_url[site.url("/pingtan/att/2024nb.docx")]  # linked from the list itself
    assert (docx["kind"], docx["is_report"], docx["path"].endswith(".docx")) == ("attachment", True, True)
    image = by_url[site.url("/pic/scan.png")]
    assert image["is_report"] is False and (out / image["path"]).exists()
    assert pdf["etag"] and pdf["last_modified"] == "Mon, 20 Jan 2025 08:00:00 GMT"
    assert pdf["http_last_modified"].isoformat() == "2025-01-20T08:00:00+00:00" and pdf["http_date"] is not None


def test_gbk_pages(collected, site):
    tmp, _ = collected
    county = [r for r in _manifest(tmp / "out") if r["agency"] == "平潭县人民政府" and r["kind"] == "page"]
    assert sorted((r["title"], r["list_date"]) for r in county) == [
        ("平潭县2011年政府信息公开工作年度报告", date(2012, 1, 31)),
        ("平潭县2013年政府信息公开工作年度报告", date(2014, 1, 20)),
    ]  # "2014年1月20日" on a GBK list


def test_each_failure_is_its_sources_own(collected):
    tmp, _ = collected
    src = _sources(tmp / "out")
    expected = {
        "某局（robots.txt 禁止）": "robots.txt 不允许采集",
        "某区（页面已删除）": "页面不存在（HTTP 404）",
        "某县（响应很慢）": "超时：0.5 秒内没有响应",
        "某镇（重定向循环）": "重定向超过 5 次",
        "某办（不是栏目页）": "不是年报栏目页面",
        "某市（域名不存在）": "域名无法解析（DNS）",
    }
    for agency, message in expected.items():
        assert src[agency]["status"] == "failed" and message in src[agency]["error"], agency
    assert src["平潭县人民政府"]["status"] == "ok" and src["上海市人民政府办公厅"]["status"] == "ok"


def test_robots_txt_is_honoured(collected):
    _, log = collected
    assert ("/robots.txt", 200) in log
    assert not [p for p, _ in log if p.startswith("/private/")]  # never asked for


def test_second_run_downloads_nothing_new(collected, site):
    tmp, _ = collected
    before = {r["url"]: r["sha256"] for r in _manifest(tmp / "out")}
    site.log.clear()
    summary = collect(read_sources(tmp / "SOURCES.csv"), tmp / "out", politeness=FAST, progress=False)
    assert (summary.downloaded, summary.unchanged, summary.reports) == (0, 19, 10)
    assert "0 downloaded, 19 unchanged (304)" in summary.line()
    # every saved URL answered 304; the 200s are robots.txt and pages of failed sources, which save nothing
    assert {p for p, status in site.log if status == 200} <= {"/robots.txt", "/about.html", "/slow/nb/index.html"}
    rows = _manifest(tmp / "out")
    assert {r["url"]: r["sha256"] for r in rows} == before and not any(r["downloaded"] for r in rows)


@pytest.fixture(scope="module")
def warehouses(collected, tmp_path_factory):
    """The warehouse built from the report files themselves, and the one built from the collection folder."""
    tmp, _ = collected
    out = tmp / "out"
    direct = tmp_path_factory.mktemp("direct")
    for r in _manifest(out):
        if r["is_report"]:
            shutil.copy(out / r["path"], direct / f"{r['year']}_{r['sha256'][:8]}{Path(r['path']).suffix}")
    a, b = tmp / "wh_direct", tmp / "wh_collected"
    build([str(direct)], a, progress=False)
    build([str(out)], b, progress=False)
    return a, b


def test_build_of_the_collection_equals_the_files(warehouses):
    a, b = warehouses
    con = duckdb.connect()
    metrics = "SELECT report_id, metric, applicant, basis, value, raw, unit, source, locator FROM read_parquet('{}/metrics.parquet') ORDER BY ALL"
    assert con.sql(metrics.format(a)).fetchall() == con.sql(metrics.format(b)).fetchall()
    reports = (
        "SELECT report_id, agency, agency_id, year, template, parse_status, duplicate_of, publish_date, "
        "publish_date_source FROM read_parquet('{}/reports.parquet') ORDER BY report_id"
    )
    da, db = con.sql(reports.format(a)).fetchall(), con.sql(reports.format(b)).fetchall()
    assert len(da) == len(db) == 10
    got = {}
    for x, y in zip(da, db):
        assert x[:7] == y[:7]
        if x[7] is None:  # the report names no date: the listing's, and it says so
            got[(y[1], y[3])] = (y[7], y[8])
        else:
            assert (y[7], y[8]) == (x[7], "report")
    assert got == {
        ("平潭综合实验区", 2024): (date(2025, 1, 20), "listing"),
        ("平潭综合实验区管委会", 2014): (date(2015, 3, 20), "listing"),
    }
    checks = "SELECT report_id, rule, status, expected, actual FROM read_parquet('{}/checks.parquet') ORDER BY ALL"
    assert con.sql(checks.format(a)).fetchall() == con.sql(checks.format(b)).fetchall()
    # the collection table: one row per source and year found, the failed sources with their error
    coll = con.sql(
        f"SELECT agency, year, status, report_id IS NOT NULL FROM read_parquet('{b}/collection.parquet') "
        "WHERE agency IN ('平潭综合实验区', '某县（响应很慢）') ORDER BY ALL"
    ).fetchall()
    assert coll == [("平潭综合实验区", y, "partial", True) for y in (2014, 2017, 2019, 2020, 2021, 2023, 2024)] + [
        ("某县（响应很慢）", None, "failed", False)
    ]
    # a rebuild given the collection's files one by one (as the dashboard's uploads rebuild does) keeps the dates
    files = con.sql(f"SELECT source_file FROM read_parquet('{b}/reports.parquet')").fetchall()
    build([f for (f,) in files], b, progress=False)
    assert con.sql(
        f"SELECT count(*) FROM read_parquet('{b}/reports.parquet') WHERE publish_date_source = 'listing'"
    ).fetchall() == [(2,)]


def test_collect_page_and_coverage(warehouses, monkeypatch):
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouses[1]))
    at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=120).run()
    at.switch_page("pages/collect.py").run()
    assert not at.exception, [e.message for e in at.exception]
    df = at.dataframe[0].value.set_index("机关")
    assert at.selectbox[0].value == 2024 and len(df) == 9
    row = df.loc["平潭综合实验区"]
    # listed 2025-01-20; a government's deadline for 2024 is 2025-03-31 (《条例》第四十九条): 70 days early
    assert (row["2024年度报告"], str(row["列表日期"])[:10], row["逾期天数"], row["日期来源"]) == (
        "找到",
        "2025-01-20",
        -70,
        "栏目列表",
    )
    assert row["报告网址"].endswith("/pingtan/att/2024nb.docx")
    assert df.loc["平潭县人民政府", "2024年度报告"] == "未找到"
    # a source without this year's report has no title, dates or link: blank cells shown as —, never None
    assert df.loc["平潭县人民政府", ["标题", "列表日期", "报告网址"]].isna().all()
    assert at.dataframe[0].proto.placeholder == "—"
    assert "超时" in df.loc["某县（响应很慢）", "说明"] and df.loc["某县（响应很慢）", "采集情况"] == "采集失败"
    assert df.loc["某县（响应很慢）", "2024年度报告"] == "无法采集"
    assert [m.value for m in at.metric][:3] == ["9", "1", "2"]  # sources, found, not in the column (6 failed)
    # the coverage matrix: 平潭综合实验区's years the site lists no report for are 网站未找到, not just 缺失
    from app import queries, warehouse

    con = warehouse.connect(warehouses[1])
    import polars as pl

    cov = queries.execute(con, "coverage", queries.Filters()).filter(pl.col("agency_id") == "福建省/平潭综合实验区")
    status = dict(zip(cov["year"].to_list(), cov["status"].to_list()))
    assert status[2016] == status[2022] == "网站未找到" and status[2024] != "网站未找到"
