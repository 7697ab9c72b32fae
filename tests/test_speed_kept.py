"""Issue 30: the faster paths give exactly what the slow ones gave, and the benchmark's figures stand beside the last
release's. No timing is asserted here: the speed is checked by `etl bench` against benchmarks/baseline.json."""

from __future__ import annotations

import json
import unicodedata

import pytest

from benchmarks import baseline
from etl.extract.metadata import _NAMES_REPORT, read_metadata
from etl.model import Document
from warehouse.text import _normalize, nfkc


def _code_points():
    """The Basic Multilingual Plane and the astral blocks with compatibility decompositions (letter-like
    mathematics, enclosed forms, CJK compatibility ideographs)."""
    ranges = ((0, 0xD800), (0xE000, 0x10000), (0x1D400, 0x1D800), (0x1F100, 0x1F300), (0x2F800, 0x2FA20))
    return (chr(c) for start, end in ranges for c in range(start, end))


def test_nfkc_fast_path_equals_unicodedata_on_every_character():
    wrong = [c for c in _code_points() if _normalize(c) != unicodedata.normalize("NFKC", c)]
    assert wrong == []


@pytest.mark.parametrize(
    "text",
    [
        "二、主动公开政府信息情况（单位：件）：１２３，４５６。",
        "①收到申请数\u3000２０２４年度　㈠ 行政复议 ﬁ Å\u0301 e\u0301 ｶﾞ ㍻ ℃",
        "第二十条第（一）项\t本年新制作数量\u00a0１",
        "한국어 조선말 ＡＢＣ\U0001d400\U0002f857告",
    ],
)
def test_nfkc_of_mixed_text_equals_unicodedata(text):
    assert _normalize(text) == unicodedata.normalize("NFKC", text)
    assert nfkc(text) == nfkc(text * 1)  # remembered or not, the same


@pytest.mark.parametrize(
    "line",
    [
        "某某区2024年政府信息公开工作年度报告",
        "某某區2024年政府信息公開工作年度報告",
        "\U0002f857告",
        "\uf98e報",
        "报 告",
        "报送",
        "年度",
    ],
)
def test_a_line_names_a_report_as_printed_exactly_when_it_does_normalised(line):
    assert bool(_NAMES_REPORT.search(line)) == ("报告" in nfkc(line) or "年报" in nfkc(line))


def test_a_traditional_title_still_gives_year_and_agency():
    doc = Document(text="北京市海淀區2023年政府信息公開工作年度報告\n正文", tables=[])
    meta = read_metadata(doc)
    assert (meta.year, meta.agency, meta.county) == (2023, "北京市海淀区", "海淀区")


def test_the_benchmark_is_compared_with_the_release_of_the_nearest_size():
    release = {
        "release": "r1",
        "text": {
            "2000": {"etl_cpu_ms_per_report": 4.0, "synthetic_cell_accuracy": 0.99, "wrong_cells": 0},
            "20000": {"etl_cpu_ms_per_report": 3.0, "synthetic_cell_accuracy": 0.995, "wrong_cells": 2},
        },
    }
    now = {"reports": 20000, "etl_cpu_ms_per_report": 2.4, "synthetic_cell_accuracy": 0.995, "wrong_cells": 0}
    c = baseline.compare(now, release)
    assert c["release_reports"] == 20000
    assert c["etl_cpu_ms_per_report"] == {"now": 2.4, "release": 3.0, "ratio": 0.8, "better": "lower"}
    assert c["wrong_cells"]["release"] == 2
    near = baseline.compare({**now, "reports": 3000}, release)
    assert near["release_reports"] == 2000 and "wrong_cells" not in near  # counts only at the same size
    assert "| `etl_cpu_ms_per_report` | 2.4 | 3.0 | 0.8 | lower |" in baseline.table(c)


def test_recorded_figures_regenerate_the_docs_section(tmp_path):
    path, docs = tmp_path / "baseline.json", tmp_path / "benchmarks.md"
    path.write_text(json.dumps({"release": "r2", "note": "n."}))
    baseline.record({"pdf_reports": 30, "pdf_read_vs_floor": 1.8, "wrong_cells": 0, "other": 1}, path)
    assert baseline.load(path)["pdf"] == {"30": {"pdf_read_vs_floor": 1.8, "wrong_cells": 0}}
    docs.write_text(f"# B\n\n{baseline.BEGIN}\nold\n{baseline.END}\n\nrest\n")
    readme = tmp_path / "README.md"
    readme.write_text(f"# R\n\n{baseline.BEGIN}\nold\n{baseline.END}\n")
    baseline.write_docs(docs, baseline.load(path), readme)
    text = docs.read_text()
    assert "old" not in text and "| `pdf_read_vs_floor` | 1.8 |" in text and text.endswith("rest\n")
    # a new release: the figures so far become the previous release's, which README shows beside the new ones
    baseline.record({"pdf_reports": 14, "pdf_read_vs_floor": 1.9}, path)
    baseline.record({"pdf_reports": 14, "pdf_read_vs_floor": 1.7}, path, release="r3")
    stored = baseline.load(path)
    assert stored["previous"]["release"] == "r2" and stored["previous"]["pdf"]["14"] == {"pdf_read_vs_floor": 1.9}
    assert stored["pdf"] == {"14": {"pdf_read_vs_floor": 1.7}}
    baseline.write_docs(docs, stored, readme)
    assert "| PDF reading ÷ pdfium's own extraction (CPU), synthetic PDFs | 1.7 | 1.9 |" in readme.read_text()
    assert "| figure | r3 | before: r2 |" in readme.read_text()


def test_the_stored_baseline_has_every_kind_and_the_docs_show_it():
    stored = baseline.load()
    assert {"text", "pdf"} <= set(stored)
    assert baseline.figures_section(stored) in baseline.DOCS.read_text(encoding="utf-8")
    assert baseline.headline(stored) in baseline.README.read_text(encoding="utf-8")
