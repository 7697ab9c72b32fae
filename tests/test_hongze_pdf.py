"""Issue 25: a real WPS-made PDF (`../shared/corpus/pdf/2023_hongze_2021.pdf`) read cell for cell against golden
values read off its rendered pages (tests/golden/pdf/), and a hand-built PDF of the same structure (tests/wps_pdf.py).

The cause of the lost rows: pdfium's loose box of a glyph in vertical writing (the vertical 三、本年度办理结果 cell)
is in unscaled text units, 200 pt wide; its centre fell into the label cells of other rows, which then read
"三2.其他法律行政止公开、" and matched no row. And the first page's last row, whose rule WPS leaves out, was taken
for a row the page break cut: its figures were joined with the next page's first row (3 and 0 read as 30).
"""

from __future__ import annotations

import csv

import pytest
from conftest import GOLDEN, SHARED
from wps_pdf import TRUTH, wps_table_pdf

from etl.extract.flat import FLAT_MARK
from etl.extract.tables import extract_tables
from etl.parse import parse_file
from etl.read.pdf import read_pdf
from etl.specs import SPEC_2021

HONGZE = SHARED / "corpus" / "pdf" / "2023_hongze_2021.pdf"
APPLICANTS = ("natural_person", "business", "research", "social_org", "legal_service", "other_org", "total")


def golden() -> dict[tuple, float]:
    with open(GOLDEN / "pdf" / "2023_hongze_2021.csv", encoding="utf-8") as f:
        return {(r["metric"], r["applicant"] or None, r["basis"]): float(r["value"]) for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def hongze():
    if not HONGZE.exists():
        pytest.skip("../shared/corpus/pdf is not present")
    return parse_file(str(HONGZE))


def test_hongze_every_golden_cell_exact(hongze):
    got = {(m.metric, m.applicant, m.basis): m for m in hongze.metrics if m.source == "table"}
    want = golden()
    wrong = {
        k: (v, got[k].value if k in got else "missing") for k, v in want.items() if k not in got or got[k].value != v
    }
    assert not wrong
    assert set(got) == set(want)  # no cell the report does not print
    assert not [m.locator for m in got.values() if FLAT_MARK in m.locator]  # every cell from the ruled table
    assert hongze.report["parse_status"] == "ok", hongze.report["error"]
    r = hongze.report
    assert (r["year"], r["template"], r["agency"], r["level"]) == (2023, "2021", "洪泽区人民政府", "county")
    assert (r["province"], r["prefecture"], r["county"]) == ("江苏省", "淮安市", "洪泽区")


def test_hongze_misprinted_label_read_by_numbering_and_place(hongze):
    """ "2.其他法律行政止公开" (three characters lost) is read as 其他法律行政法规禁止公开: its numbering and its place
    between rows 1 and 3 vouch for it; the locator says so."""
    m = next(m for m in hongze.metrics if m.metric == "outcome.denied.law_forbidden" and m.applicant == "total")
    assert m.value == 0
    assert "标签近似匹配：“2.其他法律行政止公开”按“其他法律行政法规禁止公开”读取" in m.locator


def test_wps_structure_synthetic():
    """A vertical group cell (Identity-V writing) over the outcome rows, （三） over eight sub-rows, labels broken
    inside their cells, the table over a page break with no rule under the first page's last row."""
    doc = read_pdf(wps_table_pdf())
    assert len(doc.tables) == 1
    rows = doc.tables[0].rows
    assert rows[3][:2] == ["三、本年度办理结果", "（一）予以公开"]  # the vertical cell read whole, in its own cell
    assert rows[4][0] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert rows[14] == ["2.没有现成信息需要另行制作", "3", "0", "0", "0", "0", "0", "3"]
    assert rows[15][0] == "3.补正后申请内容仍不明确"  # a row of its own, not joined with the one above
    assert rows[19][0] == "4.无正当理由大量反复申请"
    metrics, found, problems = extract_tables(doc, SPEC_2021)
    got = {(m.metric, m.applicant): m.value for m in metrics}
    want = {(k, a): float(v) for k, vs in TRUTH.items() for a, v in zip(APPLICANTS, vs)}
    assert {k: got.get(k) for k in want} == want
    assert not problems
