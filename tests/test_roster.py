"""The roster (机构名录, docs/roster.md): a roster for the real corpus and the samples read from CSV and Excel, stored
in the audit database (SQLite and PostgreSQL) with the audit log, bad files refused whole with their line numbers,
reports matched to it (an alias title, an ambiguous one resolved by a reviewer and still resolved after
`etl build --force`), and the `coverage` table counting an agency that never published and one whose last report
is 2022 as 缺报 in the right years.

    python -m pytest -p no:xdist -q tests/test_roster.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlalchemy as sa
from test_audit import db_url, eng  # noqa: F401  (the SQLite / PostgreSQL fixtures)

from audit import db, store
from audit import roster as audit_roster
from audit.roles import User
from audit.schema import audit_log
from etl.roster.read import RosterError, parse_rows, read_roster
from tests.conftest import CORPUS, SAMPLES, etl_build, need_corpus

ADMIN = User("boss", "王管理", "admin")
REVIEWER = User("nm", "蒙审核", "reviewer", "内蒙古自治区")
HEADER = "机构名称,别名,层级,机关类型,行政区划代码,所属政府,年报栏目,设立年份,撤销年份"
# the real corpus and the samples, plus: 兴庆区财政局 (never published), 达尔罕茂明安联合旗 (its 2022 report is titled
# with its short name 达茂旗, and it published nothing after), and two towns called 城关镇 (the 2022 report titled
# just 城关镇 could be either)
ROSTER = f"""{HEADER}
平潭综合实验区,平潭综合实验区管委会,地市级,开发区,,福建省人民政府,,2011,
平潭县人民政府,,县级,政府,350128,,,2011,2014
平潭综合实验区地方税务局,,,部门,,,,2013,2014
上海市人民政府办公厅,上海市政府办公厅,,,310000,,,2019,
宁夏回族自治区人民政府,宁夏,,,64,,,2018,
银川市兴庆区人民政府,兴庆区,,,640104,,,2018,
兴庆区审批服务管理局,,,部门,640104,,,2019,
兴庆区财政局,,,部门,640104,,,2021,
银川市西夏区兴泾镇人民政府,,,,640105100,,,2018,
银川市西夏区贺兰山西路街道办事处,,,,银川市西夏区贺兰山西路街道,,,2018,
达尔罕茂明安联合旗人民政府,达茂旗；达茂联合旗,县级,政府,150223,,,2022,
和林格尔县城关镇人民政府,城关镇,,,150123100,,,2022,
清水河县城关镇人民政府,城关镇,,,150124100,,,2022,
"""
TOWN_A, TOWN_B = "内蒙古自治区/呼和浩特市/和林格尔县/城关镇", "内蒙古自治区/呼和浩特市/清水河县/城关镇"
DAMAO = "内蒙古自治区/包头市/达尔罕茂明安联合旗"
CAIZHENG = "宁夏回族自治区/银川市/兴庆区/财政局"


def _report_like(src: Path, out: Path, title: str, published: str) -> None:
    """A report of another agency: a real report's text under another title and publication date, its body naming
    that agency as the title does (the agency is read from the body too where the title does not place it)."""
    name = title.split("20", 1)[0]
    lines = src.read_text(encoding="utf-8").replace("平潭综合实验区", name).splitlines()
    lines[0], lines[1] = f"标题: {title}", f"发布时间: {published}"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    need_corpus()
    root = tmp_path_factory.mktemp("roster")
    (root / "extra").mkdir()
    src = CORPUS / "2023_pingtan-syq_2021.txt"
    _report_like(src, root / "extra" / "damao_2022.txt", "达茂旗2022年度政府信息公开工作年度报告", "2023-03-08 10:00")
    _report_like(src, root / "extra" / "town_2022.txt", "城关镇2022年度政府信息公开工作年度报告", "2023-04-20 10:00")
    # a county department of the same year, for the peer groups (not in the roster: it waits in 待匹配)
    _report_like(
        src, root / "extra" / "czj_2022.txt", "达茂旗财政局2022年度政府信息公开工作年度报告", "2023-01-20 10:00"
    )
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(corpus) -> Path:
    return etl_build([CORPUS, SAMPLES, corpus / "extra"], corpus / "wh", "--roster", str(corpus / "roster.csv"))


def _rows(path: Path, sql: str) -> list[tuple]:
    return duckdb.connect().execute(sql.replace(" FROM T", f" FROM read_parquet('{path}')", 1)).fetchall()


def test_coverage_counts_the_agency_that_never_published_and_the_one_that_stopped(built):
    cov = built / "coverage.parquet"
    assert _rows(cov, f"SELECT year, status, report_id FROM T WHERE agency_id = '{CAIZHENG}' ORDER BY year") == [
        (2021, "missing", None),
        (2022, "missing", None),
        (2023, "missing", None),
        (2024, "missing", None),
    ]
    damao = _rows(cov, f"SELECT year, status, days_late, publish_date FROM T WHERE agency_id = '{DAMAO}' ORDER BY 1")
    assert [(y, s, d) for y, s, d, _ in damao] == [
        (2022, "on_time", 0),
        (2023, "missing", None),
        (2024, "missing", None),
    ]
    assert str(damao[0][3]) == "2023-03-08"
    # the real corpus: 平潭综合实验区 has no report for 2013, 2018 and 2022; 2011's was published on 2012-04-11,
    # 11 days after 3月31日; 平潭县 (abolished 2014 in this roster) missed 2012
    syq = dict(_rows(cov, "SELECT year, status FROM T WHERE agency_id = '福建省/平潭综合实验区'"))
    assert sorted(y for y, s in syq.items() if s == "missing") == [2013, 2018, 2022]
    assert (
        _rows(cov, "SELECT days_late, deadline FROM T WHERE agency_id = '福建省/平潭综合实验区' AND year = 2011")[0][0]
        == 11
    )
    county = dict(_rows(cov, "SELECT year, status FROM T WHERE agency_id = '福建省/福州市/平潭县'"))
    assert (county[2011], county[2012], county[2013], county[2014], county[2024]) == (
        "late",
        "missing",
        "on_time",
        "abolished",
        "abolished",
    )
    # a department's deadline is 1月31日: the 上海市政府办公厅 report of 2019 came out on 2020-01-31, on the day
    assert (
        _rows(cov, "SELECT status, deadline FROM T WHERE agency_id = '上海市/上海市政府办公厅' AND year = 2019")[0][0]
        == "on_time"
    )


def test_an_alias_title_is_matched_and_an_ambiguous_one_queued(built):
    m = built / "roster_matches.parquet"
    damao = _rows(m, f"SELECT status, method, title_agency_id FROM T WHERE agency_id = '{DAMAO}'")
    assert damao == [("matched", "alias", "达茂旗")]
    # the matched report takes the roster's place and level; its title's id is kept in roster_matches
    rep = _rows(
        built / "reports.parquet",
        f"SELECT agency, level, province, prefecture, county FROM T WHERE agency_id = '{DAMAO}'",
    )
    assert rep == [("达茂旗", "county", "内蒙古自治区", "包头市", "达尔罕茂明安联合旗")]
    town = _rows(m, "SELECT status, candidates FROM T WHERE title_agency_id = '城关镇'")
    assert town == [("ambiguous", f"{TOWN_A}；{TOWN_B}")]


def test_a_reviewer_resolves_the_ambiguous_report_and_it_stays_resolved(built, corpus, tmp_path):
    wh = tmp_path / "wh"
    shutil.copytree(built, wh)
    url = db.database_url(wh)
    eng = db.engine(url)  # noqa: F811
    try:
        store.create_user(eng, "nm", "蒙审核", "password-nm", "reviewer", "内蒙古自治区", by="test")
        rid, sha, src = _rows(
            wh / "reports.parquet", "SELECT report_id, file_sha256, source_file FROM T WHERE agency = '城关镇'"
        )[0]
        report = store.Report(rid, sha, source_file=src, agency="城关镇", year=2022)  # no place in its title
        town_b = next(a for a in read_roster(corpus / "roster.csv") if a.agency_id == TOWN_B)
        for nobody in (User("x", "查看", "viewer"), User("min", "林审核", "reviewer", "福建省")):
            with pytest.raises(store.PermissionDenied):  # a viewer; a reviewer of another province
                audit_roster.decide_match(eng, nobody, report, town_b, "", 0)
        audit_roster.decide_match(eng, REVIEWER, report, town_b, "报告正文落款为清水河县城关镇", 0)
        assert store.audit_rows(eng)[0]["action"] == "roster.match"
        etl_build([CORPUS, SAMPLES, corpus / "extra"], wh, "--roster", str(corpus / "roster.csv"), "--force")
        assert _rows(
            wh / "roster_matches.parquet", f"SELECT agency_id, status, method FROM T WHERE report_id = '{rid}'"
        ) == [(TOWN_B, "reviewed", "reviewer")]
        cov = wh / "coverage.parquet"
        assert _rows(
            cov, f"SELECT year, status, days_late, report_id FROM T WHERE agency_id = '{TOWN_B}' ORDER BY 1"
        ) == [
            (2022, "late", 20, rid),  # published 2023-04-20, 20 days after 3月31日
            (2023, "missing", None, None),
            (2024, "missing", None, None),
        ]
        assert _rows(cov, f"SELECT status FROM T WHERE agency_id = '{TOWN_A}' AND year = 2022") == [("missing",)]
    finally:
        eng.dispose()
        db.engine.cache_clear()


def test_the_roster_is_stored_versioned_and_logged(eng, corpus):  # noqa: F811
    rows = read_roster(corpus / "roster.csv")
    counts = audit_roster.import_roster(eng, ADMIN, rows, "roster.csv", "首次导入")
    assert counts == dict(added=13, changed=0, removed=0, total=13, version=1)
    with pytest.raises(store.PermissionDenied):
        audit_roster.import_roster(eng, REVIEWER, rows, "roster.csv")
    stored = {a.agency_id: a for a in audit_roster.agencies(eng)}
    assert stored[DAMAO].aliases == ("达茂旗", "达茂联合旗")
    assert (stored[CAIZHENG].kind, stored[CAIZHENG].deadline, stored[CAIZHENG].parent) == (
        "department",
        "department",
        "兴庆区人民政府",
    )
    # an edit: 兴庆区财政局 abolished in 2023; a second import without it removes it
    old = stored[CAIZHENG]
    edited = audit_roster.RosterAgency(**{**old.__dict__, "to_year": 2023})
    audit_roster.save_agency(eng, ADMIN, edited, 1, "机构改革")
    with pytest.raises(store.AuditError, match="已被 boss"):
        audit_roster.save_agency(eng, ADMIN, edited, 1, "又改")
    counts = audit_roster.import_roster(eng, ADMIN, [a for a in rows if a.agency_id != CAIZHENG], "v3.csv")
    assert counts == dict(added=0, changed=0, removed=1, total=12, version=3)
    with eng.connect() as c:
        log = c.execute(sa.select(audit_log.c.action, audit_log.c.new_value).order_by(audit_log.c.id)).all()
    assert [a for a, _ in log] == ["roster.import", "roster.edit", "roster.import"]
    assert log[2][1] == "第 3 版（12 家）：新增 0、修改 0、删除 1"


def test_an_excel_roster_with_english_headers_reads_like_the_csv(tmp_path, corpus):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["name", "aliases", "level", "kind", "region_code", "parent", "url", "from_year", "to_year"])
    ws.append(
        ["达尔罕茂明安联合旗人民政府", "达茂旗;达茂联合旗", "county", "government", 150223, None, None, 2022, None]
    )
    wb.save(tmp_path / "r.xlsx")
    (a,) = read_roster(tmp_path / "r.xlsx")
    b = next(x for x in read_roster(corpus / "roster.csv") if x.agency_id == DAMAO)
    assert a.__dict__ | {"line": 0} == b.__dict__ | {"line": 0}


@pytest.mark.parametrize(
    "body, message",
    [
        ("平潭县人民政府,,,,,,,,\n平潭县人民政府,,,,,,,,", "第 3 行：机构名称“平潭县人民政府”与第 2 行重复"),
        ("平潭县人民政府,,,,福建省无此县,,,,", "第 2 行：行政区划“福建省无此县”在区划表中找不到"),
        ("平潭县人民政府,,,,3501289,,,,", "第 2 行：行政区划代码“3501289”不是有效代码"),
        ("平潭县人民政府,,,,359999,,,,", "第 2 行：行政区划代码“359999”在区划表中不存在"),
        ("平潭县人民政府,,,,,,,,\n,平潭,,,,,,,", "第 3 行：缺少机构名称"),
        ("平潭县人民政府,,,,,,,二〇一一,", "第 2 行：设立年份“二〇一一”不是"),
    ],
)
def test_bad_rosters_are_refused_whole_with_the_line(tmp_path, body, message):
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n{body}\n兴庆区财政局,,,部门,640104,,,2021,\n", encoding="utf-8")  # a good row last
    with pytest.raises(RosterError) as e:
        read_roster(path)
    assert message in str(e.value) and "未导入任何机构" in str(e.value)


def test_a_file_that_is_not_a_table_is_refused(tmp_path):
    png = tmp_path / "名录.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(64))
    with pytest.raises(RosterError, match="不是表格文件"):
        read_roster(png)
    with pytest.raises(RosterError, match="不是可读的 Excel"):
        read_roster(tmp_path / "x.xlsx", data=b"PK\x03\x04broken")
    with pytest.raises(RosterError, match="第 1 行不是名录的表头"):
        parse_rows([(1, ["单位", "地址"]), (2, ["平潭县人民政府", "福建"])])


def test_the_peer_group_of_a_county_government_holds_county_governments_only(built):
    from app import compare, queries
    from warehouse.connect import connect

    con = connect(built)
    peers = queries.execute(con, "peers", queries.Filters(), {"year": 2022})
    con.close()
    by_kind = peers.with_columns(group=compare._group_label(True)).filter(pl.col("group").str.starts_with("县级"))
    groups = {g: sorted(d["agency_name"].to_list()) for (g,), d in by_kind.group_by("group")}
    assert groups == {"县级·政府·汇总": ["达茂旗"], "县级·部门·汇总": ["财政局"]}
    by_level = peers.with_columns(group=compare._group_label(False)).filter(pl.col("group") == "县级·汇总")
    assert sorted(by_level["agency_name"].to_list()) == ["财政局", "达茂旗"]


def test_an_agency_without_a_report_scores_0_in_the_scorecard(built):
    from scoring.scorecard import UNPUBLISHED, score_warehouse

    sc = score_warehouse(built, years=[2023], read_texts=False)
    row = sc.scores.filter(pl.col("agency_id") == CAIZHENG).row(0, named=True)
    assert (row["report_id"], row["total"], row["peer_group"]) == (None, 0.0, "县级 · 兴庆区人民政府")
    ev = sc.evidence.filter((pl.col("agency") == "兴庆区财政局") & (pl.col("year") == 2023))
    assert ev["message"].to_list() == [f"{UNPUBLISHED}：机构名录中的机构，这一年没有发布年报（缺报），各项均为 0 分"]
    # the agency with a report of 2023 in the same roster is scored from it, not as unpublished
    assert sc.scores.filter(pl.col("agency_id") == "福建省/平潭综合实验区")["total"][0] > 0


def test_a_draft_for_a_prefecture_lists_its_governments_and_reads_back(built, tmp_path):
    from etl.roster import draft

    rows = draft.from_gazetteer("福州市")
    path = tmp_path / "draft.csv"
    path.write_text(draft.draft_csv(rows + draft.from_warehouse(built, "福州市")), encoding="utf-8")
    agencies = {a.agency_id: a for a in read_roster(path)}
    # 福州市, its 13 counties and districts, their 186 towns and streets (NBS 2023); 平潭县 as the warehouse holds it
    assert len(agencies) == len(rows) == 200
    county = agencies["福建省/福州市/平潭县"]
    assert (county.name, county.region_code, county.from_year) == ("福州市平潭县人民政府", "350128", 2011)
    assert agencies["福建省/福州市/平潭县/金井镇"].kind == "township"


def test_a_column_collected_without_the_years_report_is_website_not_found(built, tmp_path):
    """The roster's URL read by `etl collect` (the collection table) with a report for 2022 only: its other missing
    years are 网站未找到, not plain 缺报."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from etl.roster.coverage import write_coverage
    from warehouse.contract import COLLECTION_SCHEMA

    shutil.copy(built / "reports.parquet", tmp_path / "reports.parquet")
    url = "https://www.example.gov.cn/xxgk/nb/"
    rows = [{"agency": "兴庆区财政局", "source_url": url, "status": "ok", "year": 2022}]
    pq.write_table(pa.Table.from_pylist(rows, schema=COLLECTION_SCHEMA), tmp_path / "collection.parquet")
    roster = [a for a in read_roster(built.parent / "roster.csv") if a.agency_id == CAIZHENG]
    roster = [audit_roster.RosterAgency(**{**roster[0].__dict__, "url": url.rstrip("/")})]
    write_coverage(tmp_path, roster, [])
    assert _rows(tmp_path / "coverage.parquet", "SELECT year, status FROM T ORDER BY year") == [
        (2021, "not_found"),
        (2022, "missing"),  # listed on the site, yet no report of it in the warehouse
        (2023, "not_found"),
        (2024, "not_found"),
    ]


def test_the_tongbao_counts_coverage_from_the_roster(built):
    """coverage() (the 通报, the maps and 整改 read it) takes the roster's table: the never-published 财政局 is 缺报
    in 2022, 达茂旗's 2022 report is on time, and the same counts hold as coverage.parquet's."""
    from app import warehouse
    from app.coverage import coverage
    from app.queries import Filters

    cov = coverage(warehouse.connect(built), Filters(), 2022)
    status = dict(zip(cov["agency_id"], cov["status"], strict=True))
    assert status[CAIZHENG] == "missing" and status[DAMAO] == "on_time"
    assert sorted(cov["status"].to_list()) == sorted(
        s for (s,) in _rows(built / "coverage.parquet", "SELECT status FROM T WHERE year = 2022")
    )


def test_the_tongbao_names_the_roster_agency_that_never_published(built, tmp_path):
    """With a roster the 通报 counts its agencies: 兴庆区财政局, which never published, is named missing in 2022."""
    from docx import Document

    from app.brief import document, facts

    b = facts.gather(built, 2022, with_charts=False)
    path = tmp_path / "t.docx"
    path.write_bytes(document.docx_bytes(b))
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert b.rostered and "（按机构名录）" in text
    missing = next(line for line in text.splitlines() if line.startswith("未发布单位："))
    assert "兴庆区财政局" in missing and "达尔罕茂明安联合旗人民政府" not in missing
