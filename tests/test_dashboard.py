"""AppTest: every page runs without exceptions under filters, and the numbers shown equal the warehouse's.

python -m pytest tests/test_dashboard.py -q
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from io import BytesIO
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "pages/overview.py",
    "pages/channels.py",
    "pages/requests.py",
    "pages/review.py",
    "pages/staffing.py",
    "pages/quality.py",
    "pages/upload.py",
    "pages/report.py",
]
if (ROOT / "pages" / "scorecard.py").exists():
    PAGES.insert(5, "pages/scorecard.py")


@pytest.fixture(scope="session")
def wh(tmp_path_factory) -> Path:
    """A fresh warehouse: the dashboard builds it from data/samples on first start (the fresh-checkout path)."""
    d = tmp_path_factory.mktemp("wh") / "warehouse"
    os.environ["WAREHOUSE_DIR"] = str(d)
    return d


@pytest.fixture()
def built(wh) -> Path:
    """The same warehouse, built now if no earlier test (or the app) has built it yet."""
    from app import warehouse

    warehouse.ensure_built(wh)
    return wh


def _app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)


def _value(wh: Path, agency_like: str, year: int, metric: str) -> float:
    con = duckdb.connect()
    return con.execute(
        f"SELECT m.value FROM read_parquet('{wh}/metrics.parquet') m JOIN read_parquet('{wh}/reports.parquet') r "
        "USING (report_id) WHERE r.agency_short = ? AND r.year = ? AND m.metric = ? AND m.applicant IS NULL "
        "AND m.basis = 'year' AND r.duplicate_of IS NULL",
        [agency_like, year, metric],
    ).fetchone()[0]


def _frames(at):
    return [d.value for d in at.dataframe]


def _row(frames, **match):
    for df in frames:
        if all(k in df.columns for k in match):
            sel = df
            for k, v in match.items():
                sel = sel[sel[k] == v]
            if len(sel):
                return sel.iloc[0]
    raise AssertionError(f"no row {match} in {len(frames)} tables")


def test_fresh_start_builds_warehouse(wh):
    at = _app().run()
    assert not at.exception, [e.message for e in at.exception]
    assert (wh / "reports.parquet").exists() and (wh / "manifest.json").exists()


FILTER_SETS = [
    {"year": "2018"},
    {"year": ["2018", "2019"], "level": ["县级", "乡镇（街道）"], "scope": "self"},
    {"province": "宁夏回族自治区", "kind": "政府", "scope": "aggregate", "template": "旧格式（2018年及以前）"},
]


@pytest.mark.parametrize("params", FILTER_SETS, ids=["year", "level-scope", "place-kind-template"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_filters(wh, page, params):
    # AppTest drops the entrypoint's sidebar widgets from its element tree after switch_page, so filters are
    # applied the way a shared link applies them: through URL query params.
    at = _app().run()
    at.switch_page(page)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title and at.title[0].value


def test_channels_numbers_equal_warehouse(built):
    wh = built
    at = _app().run()
    at.switch_page("pages/channels.py")
    at.query_params["year"] = "2018"
    at.run()
    assert not at.exception
    row = _row(_frames(at), 机构="兴庆区（汇总）", 年度=2018)
    assert row["主动公开总数"] == 12786 == _value(wh, "兴庆区", 2018, "active.total")
    assert row["政府网站"] == 5201 == _value(wh, "兴庆区", 2018, "channel.website")
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert len(charts) >= 2
    spec = json.loads(charts[0].proto.spec)
    assert "Noto Sans CJK SC" in json.dumps(spec)


def test_requests_numbers_equal_warehouse(built):
    wh = built
    at = _app().run()
    at.switch_page("pages/requests.py")
    at.query_params["year"] = "2018"
    at.query_params["province"] = "宁夏回族自治区"
    at.run()
    assert not at.exception
    row = _row(_frames(at), 机构="宁夏（汇总）", 年度=2018)
    assert row["收到申请"] == 750 == _value(wh, "宁夏", 2018, "request.received")


def test_scope_filter_never_adds_summary_to_parts(wh):
    """Overview totals: a summary report replaces the reports inside its area instead of adding to them."""
    at = _app()
    at.query_params["year"] = "2018"
    at.run()
    received = [m for m in at.metric if m.label.startswith("收到申请")]
    assert received and received[0].value == "750"  # 宁夏 (汇总) only, not 750 + 兴庆区 5 + towns
    at = _app()
    at.query_params["year"] = "2018"
    at.query_params["scope"] = "本级报告"
    at.run()
    received = [m for m in at.metric if m.label.startswith("收到申请")]
    assert received[0].value == "0"  # 兴泾镇 0 + 贺兰山西路街道 0


def test_long_agency_list_is_searched_by_name(wh, monkeypatch):
    """Beyond AGENCY_LIST_MAX agencies (a national warehouse) the 机构 list is offered after a name search, and
    an agency chosen under one search stays chosen under the next."""
    from app import filters

    monkeypatch.setattr(filters, "AGENCY_LIST_MAX", 2)
    at = _app().run()
    assert at.sidebar.multiselect(key="agency").options == []
    at.sidebar.text_input(key="agency_q").input("西夏区").run()
    assert at.sidebar.multiselect(key="agency").options == ["兴泾镇", "贺兰山西路街道"]  # found by place
    town = "宁夏回族自治区/银川市/西夏区/兴泾镇"
    at.sidebar.multiselect(key="agency").select(town).run()
    at.sidebar.text_input(key="agency_q").input("兴庆").run()
    pick = at.sidebar.multiselect(key="agency")
    assert pick.value == [town]
    assert pick.options == ["兴庆区", "兴泾镇", "审批服务管理局"]
    assert not at.exception
    assert "1 个机构" in " ".join(c.value for c in at.caption)
    shared = _app()  # a shared link names the agency; no search typed
    shared.query_params["agency"] = "兴泾镇"
    shared.run()
    assert shared.sidebar.multiselect(key="agency").value == [town]


def test_report_detail_shows_raw_and_locator(built):
    wh = built
    con = duckdb.connect()
    rid = con.execute(
        f"SELECT report_id FROM read_parquet('{wh}/reports.parquet') WHERE agency_short='兴庆区'"
    ).fetchone()[0]
    at = _app().run()
    at.switch_page("pages/report.py")
    at.query_params["report"] = rid
    at.run()
    assert not at.exception
    frames = _frames(at)
    src = next(df for df in frames if "原文" in df.columns and "位置" in df.columns)
    assert (src["数值"] == 12786).any()
    assert src["位置"].notna().all()
    line = src.loc[src["数值"] == 12786, "原文所在行"].iloc[0]
    assert "12786" in line.replace(" ", "").replace(",", "")
    assert set(src["口径"]) <= {"本年", "历年累计"} and src["申请人"].notna().all()  # in Chinese, no "None"
    meta = next(df for df in frames if "项目" in df.columns)
    assert meta.loc[meta["项目"] == "格式", "内容"].iloc[0] == "旧格式（2018年及以前）（全国统一表式）"


def test_quality_lists_failed_check(wh):
    at = _app().run()
    at.switch_page("pages/quality.py").run()
    assert not at.exception
    frames = _frames(at)
    t = next(df for df in frames if "规则" in df.columns and "说明" in df.columns)
    assert "old.active.channels_max" in set(t["规则编号"])  # the id as a secondary column
    assert "主动公开不少于单一渠道" in set(t["规则"])  # the rule named in Chinese


def test_import_limits_and_zip_safety(tmp_path):
    from app import importer

    big = b"x" * (importer.MAX_FILE_MB * 2**20 + 1)
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("../../evil.txt", "主动公开政府信息数 1")
        z.writestr("bomb.txt", b"0" * (5 * 2**20))  # ratio far above 100:1
        z.writestr("inner.zip", b"PK")
        z.writestr("ok.md", "# 报告\n正文")
    staged = importer.stage(
        [("a.txt", b"hello"), ("b.pdfx", b"1"), ("c.txt", big), ("z.zip", buf.getvalue())], tmp_path
    )
    status = {o.name: (o.status, o.reason) for o in staged.files}
    assert status["a.txt"][0] == "staged"
    assert status["b.pdfx"][0] == "rejected"
    assert status["c.txt"][0] == "rejected" and "MB" in status["c.txt"][1]
    assert status["z.zip › bomb.txt"][0] == "rejected"
    assert status["z.zip › inner.zip"][0] == "rejected"
    assert status["z.zip › ok.md"][0] == "staged"
    assert status["z.zip › ../../evil.txt"][0] == "rejected"
    assert all(Path(o.path).resolve().parent == tmp_path.resolve() for o in staged.accepted)  # no path escape


def test_import_keeps_existing_reports(tmp_path, monkeypatch):
    from app import importer, warehouse

    wh = tmp_path / "wh"
    monkeypatch.setenv("WAREHOUSE_DIR", str(wh))
    warehouse.ensure_built(wh)
    before = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{wh}/reports.parquet')").fetchone()[0]
    sample = sorted((ROOT / "data" / "samples").glob("*.txt"))[0]
    text = sample.read_text(encoding="utf-8").replace("2018", "2017")
    staged = importer.stage([("copy_2017.txt", text.encode("utf-8")), ("empty.txt", b"   ")], tmp_path / "up")
    from audit import db, store

    admin = store.create_user(db.engine(db.database_url(wh)), "adm", "管理员", "Admin-2024-x", "admin", by="test")
    outcomes = importer.import_files(staged, wh, admin)
    after = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{wh}/reports.parquet')").fetchone()[0]
    assert after == before + 1
    by = {o.name: o for o in outcomes}
    assert by["copy_2017.txt"].status in ("parsed", "partial", "duplicate")
    assert by["empty.txt"].status == "rejected"


def test_png_export_has_cjk_font():
    import polars as pl

    from app import charts, files

    df = pl.DataFrame({"label": ["银川市兴庆区人民政府（汇总）", "兴泾镇"], "value": [12786.0, None]})
    png = files.chart_png(charts.ranked_bars(df, "value", title="主动公开政府信息数"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    assert files.csv_bytes(df)[:3] == b"\xef\xbb\xbf"
    assert files.xlsx_bytes(df)[:2] == b"PK"


def test_text_figures_fill_gaps_and_are_marked(built, tmp_path, monkeypatch):
    wh = built
    """Figures from the prose (source='text') are used only where the table has none, and are labelled 据正文."""
    import polars as pl

    from app import charts, queries, ui
    from app.queries import Filters

    t = tmp_path / "wh_text"
    shutil.copytree(wh, t)
    con = duckdb.connect()
    extra = lambda agency, metric, value, raw: (
        f"SELECT report_id, '{metric}' AS metric, NULL::VARCHAR AS applicant, 'year' AS basis, {value}::DOUBLE AS value, "
        f"'{raw}' AS raw, '人' AS unit, 'text' AS source, '第5行' AS locator "
        f"FROM read_parquet('{wh}/reports.parquet') WHERE agency_short = '{agency}'"
    )
    con.execute(
        f"COPY (SELECT * FROM read_parquet('{wh}/metrics.parquet') UNION ALL BY NAME "
        f"{extra('审批服务管理局', 'staff.full_time', 7, '专职人员7名')} UNION ALL BY NAME "
        f"{extra('兴庆区', 'active.total', 1, '1条')}) TO '{t}/metrics.parquet' (FORMAT parquet)"
    )
    monkeypatch.setenv("WAREHOUSE_DIR", str(t))
    ch, _ = queries.run_page("channels", Filters())
    xq = ch.filter(pl.col("agency_name") == "兴庆区").row(0, named=True)
    assert xq["active_total"] == 12786 and xq["channel_text"] is None  # the table wins
    stf, _ = queries.run_page("staffing", Filters())
    long = ui.to_long(
        ui.with_year_label(stf), {"full_time": ("专职人员", "staff.full_time")}, "measure", text_col="staff_text"
    ).filter(pl.col("source_zh") == "据正文")
    assert long.select("agency_name", "value").rows() == [("审批服务管理局", 7.0)]
    spec = charts.ranked_bars(long, "value", label="bar", source="source_zh").to_dict()
    assert "据正文" in json.dumps(spec, ensure_ascii=False)


# --- the real corpus: every page's headline figures are the report's table figures (prose figures never added) ---


@pytest.fixture(scope="module")
def real_wh(real_warehouse) -> Path:
    return real_warehouse


def _golden_figures(key: str) -> dict:
    """The headline figures of one real report, from its hand-written golden table values."""
    from golden_data import golden_metrics

    g = golden_metrics(key)

    def v(metric, applicant=None):
        return g.get((metric, applicant, "year"), {}).get("value")

    lit = [
        x
        for x in (v("litigation.total"), v("litigation_direct.total"), v("litigation_after_review.total"))
        if x is not None
    ]
    return {
        "active_total": v("active.total"),
        "received": v("request.received") or v("request.new", "total"),
        "review_total": v("review.total"),
        "lit_total": sum(lit) if lit else None,
    }


REAL_FIGURES = [
    ("上海市政府办公厅", 2019, "2019_shanghai-szfbgt_2019", 9),
    ("平潭综合实验区（汇总）", 2023, "2023_pingtan-syq_2021", 7),
    ("平潭综合实验区", 2021, "2021_pingtan-syq_2021", 12),
    ("平潭综合实验区", 2024, "2024_pingtan-syq_2021", 19),
]


@pytest.mark.parametrize("label,year,key,lawsuits", REAL_FIGURES, ids=[k for _, _, k, _ in REAL_FIGURES])
def test_real_headline_figures_equal_golden_table_values(real_wh, label, year, key, lawsuits):
    """总览, 复议诉讼, 依申请公开 and 主动公开 show one report's table figures, whatever prose figure it states."""
    from app import warehouse
    from app.queries import Filters, execute

    gold = _golden_figures(key)
    assert gold["lit_total"] == lawsuits
    con = warehouse.connect(real_wh)
    f = Filters(years=(year,))
    lit = execute(con, "review_litigation", f).to_dicts()
    row = next(r for r in lit if r["label"] == label)
    assert (row["review_total"], row["lit_total"]) == (gold["review_total"], gold["lit_total"])
    aid = con.execute("SELECT agency_id FROM rep WHERE label = ? AND year = ?", [label, year]).fetchone()[0]
    one = Filters(years=(year,), agencies=(aid,))
    head = execute(con, "headline", one).row(0, named=True)
    assert head["litigation_total"] == gold["lit_total"] and head["review_total"] == gold["review_total"]
    assert head["received"] == gold["received"]
    by_year = {r["kind"]: r["total"] for r in execute(con, "review_by_year", one).to_dicts()}
    assert by_year == {"行政复议": gold["review_total"], "行政诉讼": gold["lit_total"]}
    req = next(r for r in execute(con, "requests", f).to_dicts() if r["label"] == label)
    assert req["received"] == gold["received"]


def test_a_finding_links_to_its_cells_marked_on_the_report_page(built):
    """数据质量 links each failed check to 报告详情, which marks that check's cells in the report's tables (issue 27):
    the 贺兰山西路街道 2018 report's 主动公开 28 against its channels (41 on the website)."""
    at = _app().run()
    at.switch_page("pages/quality.py").run()
    t = next(df for df in _frames(at) if "在报告中标出" in df.columns)
    link = t.loc[t["规则编号"] == "old.active.channels_max", "在报告中标出"].iloc[0]
    query = dict(p.split("=", 1) for p in link.split("?", 1)[1].split("&"))
    at.switch_page("pages/report.py")
    at.query_params.update(query)
    at.run()
    assert not at.exception
    assert any("主动公开政府信息数（28）小于单一渠道公开数（41）" in i.value for i in at.info)
    marked = next(c.value for c in at.caption if c.value.startswith("标红："))
    assert "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） = 28" in marked
    assert "2.政府网站公开政府信息数 = 41" in marked and "1.政府公报公开政府信息数 = —" in marked
    checks = next(df for df in _frames(at) if "涉及单元格" in df.columns)
    row = checks[checks["规则编号"] == "old.active.channels_max"].iloc[0]
    assert row["在统计表中标出"] == link and "2.政府网站公开政府信息数" in row["涉及单元格"]
