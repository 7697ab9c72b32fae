"""The 年度通报 (app/brief): written for the real corpus and the samples, opened with python-docx — its title names
the region and year, the ranking table has one row per scored agency, the late and missing agencies are named
with their days and dates, a failing rule appears with its figures, the charts are embedded, and its figures equal
the dashboard's queries on the same filter; the empty cases said in words; the PDF from the command line.

    python -m pytest tests/test_tongbao.py -q
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, etl_build
from docx import Document

from app.brief import document, facts, tongbao
from app.queries import Filters, Region, execute
from warehouse.connect import connect


def _open(data: bytes, tmp_path: Path, name: str = "t.docx"):
    path = tmp_path / name
    path.write_bytes(data)
    return Document(str(path))


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _table(doc, first_header: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)


@pytest.fixture(scope="module")
def fujian_2020(real_warehouse, tmp_path_factory):
    """The 2020 通报 of 福建省, written by the command line as .docx and .pdf."""
    out = tmp_path_factory.mktemp("tongbao")
    args = [sys.executable, "-m", "scoring", str(real_warehouse), "--year", "2020", "--province", "福建省"]
    args += ["--brief", str(out / "t.docx"), "--brief", str(out / "t.pdf")]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def test_failing_rule_with_figures_and_headline_equal_to_dashboard(fujian_2020, real_warehouse):
    doc = Document(str(fujian_2020 / "t.docx"))
    text = _text(doc)
    assert doc.paragraphs[0].text == "关于福建省2020年度政府信息公开工作年度报告情况的通报"
    # 平潭综合实验区 2020: the outcomes sum to 27, its 总计 says 21 (MANIFEST: R2 fails)
    assert (
        "平潭综合实验区：办理结果合计（错误）：「总计」列：（七）总计（21）不等于各项办理结果之和（27）（核对得 27 ≠ 报告填写 21）"
        in text
    )
    # 主要数据 equal the overview's queries on the same filter (2020, 福建省)
    con = connect(real_warehouse)
    f = Filters(provinces=("福建省",))
    head = {r["year"]: r for r in execute(con, "headline", f).iter_rows(named=True)}
    assert (head[2020]["active_total"], head[2020]["received"], head[2019]["received"]) == (2602, 21, 23)
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in _table(doc, "指标").rows[1:]}
    assert rows["主动公开政府信息（条）"][:3] == ["2,602", "2,599", "增加 3"]
    assert rows["收到政府信息公开申请（件）"][:3] == ["21", "23", "减少 2"]
    assert rows["行政复议纠错率"][:2] == ["—", "—"]  # no decided case: no rate, never 0 %
    oy = execute(con, "outcomes_by_year", f).filter(year=2020).row(0, named=True)
    assert (oy["answered"], oy["granted"], oy["partial"], oy["unable"]) == (21, 7, 6, 4)
    assert (
        "已答复的申请 21件，其中予以公开 7件（33.3%）、部分公开 6件（28.6%）、不予公开 0件（0.0%）、无法提供 4件（19.0%）"
        in text
    )
    # the ranking: one row per scored agency; the charts embedded as pictures
    assert [[c.text for c in r.cells] for r in _table(doc, "同组").rows[1:]] == [
        ["地市级 · 福建省人民政府", "1", "平潭综合实验区", "92.8", "优秀", "减少 6"]
    ]
    assert len(doc.inline_shapes) == 3  # 发布情况, 历年变化, 得分; the map is said in words:
    assert (
        "地图：福建省应发布报告的单位没有一家能对应到地市的区划代码（单位所在地未登记到这一级，或地名不在区划代码中），未绘制。"
        in text
    )
    assert (
        "整改要求：逐项核对统计表数据，更正后重新发布并说明更正情况；按照国务院办公厅规定的年度报告格式补齐法定内容和统计表。"
        in text
    )


def test_pdf_pages(fujian_2020):
    pdf = fujian_2020 / "t.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(fujian_2020 / "page")], check=True)
    assert len(list(fujian_2020.glob("page-*.png"))) >= 5


def test_late_and_missing_named(real_warehouse, tmp_path):
    # 2011: both reports published in April 2012, after the 31 March deadline of the old 条例
    b = facts.gather(real_warehouse, 2011, with_charts=False)
    doc = _open(document.docx_bytes(b), tmp_path)
    text = _text(doc)
    assert "关于全部地区2011年度" in doc.paragraphs[0].text
    assert "迟报单位：平潭综合实验区（迟报 11 天）、平潭县人民政府（迟报 18 天）。" in text
    assert (
        "平潭县人民政府：应于2012年03月31日前发布（原《条例》（2008年施行）），实际发布于2012年04月18日，迟报 18 天"
        in text
    )
    assert len(_table(doc, "同组").rows) - 1 == b.scores.height == 2
    # 2013: 平潭综合实验区 reported 2012 and 2014, not 2013 (the dashboard's 缺报清单 says so too)
    b = facts.gather(real_warehouse, 2013, with_charts=False)
    text = _text(_open(document.docx_bytes(b), tmp_path))
    con = connect(real_warehouse)
    missing = execute(con, "coverage_summary", Filters()).filter(agency_id="福建省/平潭综合实验区")["missing"][0]
    assert 2013 in missing.to_list()
    assert "未发布单位：平潭综合实验区。" in text
    assert "应发布2013年度政府信息公开工作年度报告的单位共 3 家" in text and "未发布 1 家" in text


def test_empty_cases_in_words(real_warehouse, tmp_path):
    # a year without reports (2022), a region without any (浙江省): the document is still written
    text = _text(_open(document.docx_bytes(facts.gather(real_warehouse, 2022, with_charts=False)), tmp_path))
    assert "全部地区2022年度没有可计入合计的报告，主要数据从缺。" in text
    assert "全部地区2022年度没有可评分的报告，不作排名。" in text
    assert "未发布单位：平潭综合实验区。" in text
    b = facts.gather(real_warehouse, 2020, Region("浙江省"), with_charts=False)
    text = _text(_open(document.docx_bytes(b), tmp_path))
    assert "浙江省没有应发布2020年度报告的单位" in text and "没有需要评分的单位。" in text
    assert "（一）未发布年度报告\n未发现此类问题。" in text


def test_samples_undated_and_template(tmp_path):
    wh = etl_build([SAMPLES.relative_to(ROOT)], tmp_path / "warehouse")
    b, docx = tongbao.build(wh, 2018, Region("宁夏回族自治区", "银川市"))
    doc = _open(docx, tmp_path)
    assert [c for c, _ in b.charts][-1] == "宁夏回族自治区银川市2018年度报告发布率（按县区）"
    assert len(doc.inline_shapes) == 4  # 发布情况, 历年变化, 得分 and the county map
    assert doc.paragraphs[0].text == "关于宁夏回族自治区银川市2018年度政府信息公开工作年度报告情况的通报"
    # the four 2018 samples print no publication date: said so, not counted late
    assert b.counts()["undated"] == 3 and b.counts()["late"] == 0
    assert "未注明发布日期 3 家" in _text(doc)
    assert len(_table(doc, "同组").rows) - 1 == b.scores.height == 3
    # the county map of 银川市: keyed by the gazetteer's codes, a blank place left out (grey), never 0
    from app import maps

    assert maps.level_for("宁夏回族自治区", "银川市") == ("county", "6401")
    assert maps.values(b, "county", "coverage").rows() == [("640104", "兴庆区", 1.0, 1), ("640105", "西夏区", 1.0, 2)]
    assert maps.values(b, "county", "received").rows() == [("640104", "兴庆区", 5.0, 1), ("640105", "西夏区", 0.0, 2)]
    assert maps.code_of("上海市", None, "黄浦区") == "310101" and maps.code_of("福建省", "福州市", "平潭县") == "350128"
    shapes = maps.choropleth(maps.values(b, "county", "coverage"), "county", "6401").to_dict()
    drawn = {f["properties"]["code"] for f in shapes["layer"][0]["data"]["values"]}
    assert len(drawn) == 6 and all(
        c.startswith("6401") for c in drawn
    )  # 银川市's three districts, two counties, 灵武市
    with pytest.raises(document.BriefError, match="通报模板无法打开"):
        document.docx_bytes(b, template=tmp_path / "missing.docx")


def test_page_writes_the_same_document(real_warehouse, tmp_path, monkeypatch):
    """The 年度通报 page for 2011: the counts on the page and the Word file it offers are the command line's."""
    import shutil

    from streamlit.testing.v1 import AppTest

    wh = shutil.copytree(real_warehouse, tmp_path / "warehouse")  # the page may write nothing beside the shared one
    monkeypatch.setenv("WAREHOUSE_DIR", str(wh))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    at.switch_page(str(ROOT / "pages" / "tongbao.py")).run()
    at.selectbox[0].set_value(2011).run()
    next(b for b in at.button if b.label == "生成通报").click().run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown == {
        "应发布（家）": "2",
        "已发布（家）": "2",
        "按时发布（家）": "0",
        "迟报（家）": "2",
        "未发布（家）": "0",
    }
    problems = at.dataframe[0].value
    rows = list(zip(problems["类别"], problems["单位"]))
    assert rows[:2] == [("未按时发布", "平潭综合实验区"), ("未按时发布", "平潭县人民政府")]
