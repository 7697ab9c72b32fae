"""Rows that are there but hard to see: a row of blank cells, a label without figures, a wrapped label."""

from __future__ import annotations

import lxml.html
from conftest import CORPUS, SAMPLES, need_corpus

from etl.parse import parse_file

SECTION4 = [
    f"{g}.{x}"
    for g in ("review", "litigation_direct", "litigation_after_review")
    for x in ("upheld", "corrected", "other", "pending", "total")
]


def _table_cells(parsed) -> dict:
    return {(m.metric, m.applicant, m.basis): m for m in parsed.metrics if m.source == "table"}


def test_html_row_of_blank_cells_is_read_as_blanks(tmp_path):
    need_corpus()
    root = lxml.html.fromstring((CORPUS / "html" / "2021_pingtan-syq_2021.html").read_bytes())
    table = next(t for t in root.iter("table") if "复议后起诉" in t.text_content())
    for td in table.xpath(".//tr")[-1].xpath("./td"):  # the row of figures under the 四 header
        for child in list(td):
            td.remove(child)
        td.text = "\xa0"
    page = tmp_path / "2021_blank_s4.html"
    page.write_bytes(lxml.html.tostring(root, encoding="utf-8"))
    parsed = parse_file(str(page))
    cells = _table_cells(parsed)
    for key in SECTION4:
        assert cells[(key, None, "year")].value is None, key  # present, blank: not missing, not 0
    assert not parsed.report["error"] or "统计表缺少" not in parsed.report["error"]


def test_a_label_without_figures_is_a_missing_row(tmp_path):
    lines = (SAMPLES / "004_aa665f4df32367ae.txt").read_text(encoding="utf-8").split("\n")
    figures = next(i for i, ln in enumerate(lines) if ln.startswith("\t\t\t\t0\t"))  # the 四 row of figures
    page = tmp_path / "004_no_s4_figures.txt"
    page.write_text("\n".join(lines[:figures] + lines[figures + 1 :]), encoding="utf-8")
    parsed = parse_file(str(page))
    assert parsed.report["parse_status"] == "partial"
    assert "统计表缺少 1 行（review.upheld）" in parsed.report["error"]  # 四 is one row of 15 cells
    assert not any(k[0] in SECTION4 for k in _table_cells(parsed))


def test_numbered_label_wrapped_after_a_sub_heading(tmp_path):
    text = (SAMPLES / "000_dda260feeadc045e.txt").read_text(encoding="utf-8")
    damaged = (
        text.replace("(二) 通过不同渠道和方式回应解读的情况\t\t", "(二) 通过不同渠道和方式回应解读的情况")
        .replace("1. 参加或举办新闻发布会总次数\t", "1. 参加或举办新\n闻发布会总次数\t")
        .replace(
            "(四) 政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面经费）\t",
            "(四) 政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设\n维护等方面经费）\t",
        )
    )
    assert damaged.count("\n") == text.count("\n") + 2
    page = tmp_path / "000_wrapped.txt"
    page.write_text(damaged, encoding="utf-8")
    cells = _table_cells(parse_file(str(page)))
    assert cells[("response.press_conferences", None, "year")].value == 0
    assert cells[("budget.special_funds", None, "year")].value == 10
    original = _table_cells(parse_file(str(SAMPLES / "000_dda260feeadc045e.txt")))
    assert {k: m.value for k, m in cells.items()} == {k: m.value for k, m in original.items()}


def test_heading_before_a_row_whose_numbering_has_a_space(tmp_path):
    # "二、回应解读情况" (its empty cells lost) above "(一 ) 回应…<TAB>次<TAB>" (its blank figure lost at the line's
    # end): the heading is not half of the label, and the row is there with a blank cell, not missing
    text = (SAMPLES / "000_dda260feeadc045e.txt").read_text(encoding="utf-8")
    damaged = text.replace("二、回应解读情况\t\t\n", "二、回应解读情况\n").replace(
        "(一) 回应公众关注热点或重大舆情数 (不同方式回应同一热点或舆情计 1 次)\t次\t4",
        "(一 ) 回应公众关注热点或重大舆情数 (不同方式回应同一热点或舆情计 1 次)\t次\t",
    )
    assert damaged != text
    page = tmp_path / "000_heading.txt"
    page.write_text(damaged, encoding="utf-8")
    parsed = parse_file(str(page))
    hotspots = _table_cells(parsed)[("response.hotspots", None, "year")]
    assert hotspots.value is None and hotspots.raw == ""
    assert not parsed.report["error"] or "response.hotspots" not in parsed.report["error"]


def test_row_of_figures_after_an_empty_label_cell(tmp_path):
    # a Markdown row "****<TAB>…" whose last figure is blank: the surplus cell is the label's, on the left
    lines = (SAMPLES / "004_aa665f4df32367ae.txt").read_text(encoding="utf-8").split("\n")
    figures = next(i for i, ln in enumerate(lines) if ln.startswith("\t\t\t\t0\t"))
    row = [""] * 15
    row[5] = row[9] = "1"  # 未经复议直接起诉: 结果维持 1, 总计 1
    lines[figures] = "****\t" + "\t".join(row)
    page = tmp_path / "004_bold_label.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    cells = {k[0]: m.value for k, m in _table_cells(parse_file(str(page))).items()}
    assert cells["litigation_direct.upheld"] == 1 and cells["litigation_direct.total"] == 1
    assert cells["litigation_direct.corrected"] is None and cells["litigation_after_review.total"] is None


def test_row_label_numbered_like_a_section_wrapped(tmp_path):
    # 2019 section 三 labels are numbered "二、…" like section headings, and are wrapped all the same
    text = (SAMPLES / "004_aa665f4df32367ae.txt").read_text(encoding="utf-8")
    damaged = text.replace("二、上年结转政府信息公开申请数量\t", "二、上年结转政府信息公\n开申请数量\t")
    assert damaged != text
    page = tmp_path / "004_wrapped_s3.txt"
    page.write_text(damaged, encoding="utf-8")
    cells = {k: m.value for k, m in _table_cells(parse_file(str(page))).items()}
    original = {k: m.value for k, m in _table_cells(parse_file(str(SAMPLES / "004_aa665f4df32367ae.txt"))).items()}
    assert cells == original and cells[("request.carried_in", "total", "year")] == 0
