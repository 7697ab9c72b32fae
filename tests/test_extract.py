"""Each reader, each template and each kind of layout damage, with values from the real reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLES, need_corpus
from golden_data import PINGTAN_2015_ROWS

from etl.extract.flat import extract_flat
from etl.extract.numbers import split_candidates
from etl.model import Metric
from etl.parse import parse_file
from etl.read import read_document
from etl.recognise import recognise
from etl.specs import SPECS
from warehouse.cells import parse_cell

SEED_2019 = SAMPLES / "004_aa665f4df32367ae.txt"
SEED_OLD = SAMPLES / "001_bd3c44659b20315e.txt"


def cells(path: Path, **kw) -> dict:
    return {(m.metric, m.applicant, m.basis): m.value for m in parse_file(str(path)).metrics if m.source == "table"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16", "utf-16-le"])
def test_every_encoding_reads_the_same(tmp_path, encoding):
    text = SEED_OLD.read_text(encoding="utf-8")
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    assert cells(path) == cells(SEED_OLD)
    assert cells(path)[("active.total", None, "year")] == 678


def test_markdown_and_html_residue(tmp_path):
    text = SEED_OLD.read_text(encoding="utf-8")
    damaged = (
        text.replace("（一）主动公开政府信息数", "## **（一）主动公开政府信息数**")
        .replace("2.政府网站公开政府信息数\t条\t200", "<b>2.政府网站公开政府信息数</b>\t条&nbsp;\t200")
        .replace("3.政务微博公开政府信息数", "- 3.政务微博公开政府信息数")
    )
    path = tmp_path / "residue.md"
    path.write_text(damaged, encoding="utf-8")
    got = cells(path)
    assert got[("active.total", None, "year")] == 678
    assert got[("channel.website", None, "year")] == 200
    assert got[("channel.weibo", None, "year")] == 27


def test_typo_in_fixed_label(tmp_path):
    text = SEED_OLD.read_text(encoding="utf-8").replace("四、行政复议数量", "四、行政法复议数量")
    path = tmp_path / "typo.txt"
    path.write_text(text, encoding="utf-8")
    assert cells(path)[("review.total", None, "year")] == 0


def test_traditional_characters_in_labels(tmp_path):
    text = SEED_OLD.read_text(encoding="utf-8").replace(
        "（三）从事政府信息公开工作人员数", "（三）從事政府信息公開工作人員數"
    )
    path = tmp_path / "trad.txt"
    path.write_text(text, encoding="utf-8")
    assert cells(path)[("staff.total", None, "year")] == 3


@pytest.mark.parametrize(
    "path,name",
    [
        (SAMPLES / "000_dda260feeadc045e.txt", "national"),
        (SEED_2019, "2019"),
        (CORPUS / "2011_pingtan-syq_old.txt", "fujian2009"),
        (CORPUS / "2015_pingtan-syq_old.txt", "fujian2014"),
        (CORPUS / "2024_pingtan-syq_2021.txt", "2021"),
        (CORPUS / "2019_shanghai-szfbgt_2019.html", "2019"),
    ],
)
def test_template_from_table_signature(path, name):
    if not path.exists():
        need_corpus()
    assert recognise(read_document(path).text).name == name


def test_narrative_report_without_table():
    need_corpus()
    report = parse_file(str(CORPUS / "2013_pingtan-dishui_old.txt")).report
    assert (report["template"], report["template_variant"], report["year"]) == ("old", "narrative", 2013)


def test_html_rowspan_colspan_and_units_in_cells():
    need_corpus()
    got = cells(CORPUS / "2019_shanghai-szfbgt_2019.html")
    assert got[("procurement.amount", None, "year")] == pytest.approx(25.1)  # "251000元" -> 万元
    assert got[("procurement.projects", None, "year")] == 6
    assert got[("request.new", "natural_person", "year")] == 821
    assert got[("outcome.granted", "research", "year")] is None  # &nbsp; stays blank
    assert got[("outcome.granted", "total", "year")] is None
    assert got[("review.total", None, "year")] == 7


def test_negative_change_and_decimal_wan_yuan():
    need_corpus()
    assert cells(CORPUS / "html" / "2020_pingtan-syq_2019.html")[("penalty.change", None, "year")] == -18
    got = cells(CORPUS / "2021_pingtan-syq_2021.txt")
    assert got[("admin_fees.amount", None, "year")] == pytest.approx(24252.311082)


def test_flattened_digit_runs_split_by_the_tables_own_arithmetic():
    need_corpus()
    got = cells(CORPUS / "2024_pingtan-syq_2021.txt")
    four = [
        "review.upheld",
        "review.corrected",
        "review.other",
        "review.pending",
        "review.total",
        "litigation_direct.upheld",
        "litigation_direct.corrected",
        "litigation_direct.other",
        "litigation_direct.pending",
        "litigation_direct.total",
        "litigation_after_review.upheld",
        "litigation_after_review.corrected",
        "litigation_after_review.other",
        "litigation_after_review.pending",
        "litigation_after_review.total",
    ]
    assert [got[(k, None, "year")] for k in four] == [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]
    # labels broken by spaces ("本年度办 理结果") and the sub-item number glued to digits ("…3252.没有…")
    got21 = cells(CORPUS / "2021_pingtan-syq_2021.txt")
    applicants = ["natural_person", "business", "research", "social_org", "legal_service", "other_org", "total"]
    assert [got21[("outcome.unable.not_held", a, "year")] for a in applicants] == [22, 0, 0, 0, 0, 3, 25]
    assert [got21[("outcome.granted", a, "year")] for a in applicants] == [27, 0, 0, 2, 0, 1, 30]


def test_ambiguous_run_is_left_null_and_reported():
    need_corpus()
    parsed = parse_file(str(CORPUS / "2024_pingtan-syq_2021.txt"))
    got = {(m.metric, m.applicant, m.basis): m for m in parsed.metrics}
    assert got[("normative.in_force", None, "year")].value is None  # 6233440: 62|33|440 or 6|233|440 …
    assert parsed.report["parse_status"] == "partial"
    assert "行政规范性文件6233440" in parsed.report["error"]
    assert "按勾稽关系拆分" in got[("review.total", None, "year")].locator


def _settled_by(*figures: float) -> tuple[dict, list[str], dict]:
    stated = [
        Metric("active.total", v, str(v), f"正文第{i + 3}行：“主动公开政府信息{v:g}条”", source="text")
        for i, v in enumerate(figures)
    ]
    metrics, problems, _ = extract_flat(PINGTAN_2015_ROWS, SPECS["fujian2014"], set(), stated=stated)
    by_key = {(m.metric, m.basis): m for m in metrics}
    return {k: m.value for k, m in by_key.items()}, problems, by_key


def test_a_figure_the_prose_states_settles_a_run():
    alone, problems, _ = _settled_by()
    assert alone[("active.total", "year")] is None and problems  # four splits fit the table's rules
    got, problems, by_key = _settled_by(2949)
    assert got[("active.total", "year")] == 2949 and got[("active.total", "cumulative")] == 81916
    assert got[("channel.website", "year")] == 2949 and got[("channel.website", "cumulative")] == 81916
    assert not problems
    assert "text.table_agree" in by_key[("active.total", "year")].locator
    assert "参照正文第3行：“主动公开政府信息2949条”" in by_key[("channel.website", "cumulative")].locator


def test_a_prose_figure_no_split_agrees_with_settles_nothing():
    for figures in [(2950,), (2949, 29)]:  # contradicted by the table; two figures for one cell
        got, problems, _ = _settled_by(*figures)
        assert got[("active.total", "year")] is None and any("294981916其中" in p for p in problems)


def test_a_split_that_breaks_another_rule_is_left_blank():
    """受理…总数 "145" splits 1|45 or 14|5; 历年累计 ≥ 本年度 leaves 1|45, but then 累计 45 is not 当面 0 + 网上 5 +
    信函 0 — which 14|5 would satisfy. The report breaks one of its rules (its 本年度 should be 5): no split is
    taken, the row is named, nothing is guessed."""
    row = (
        "受理依申请公开信息总数条145其中：1、当面申请数条002、网上申请数条553、信函、传真申请数条00"
        "对申请的答复总数条55其中：1、同意公开答复数条222、同意部分公开答复数条113、不予公开答复数条22"
        "4、其他类型答复数条00"
    )
    metrics, problems, _ = extract_flat(row, SPECS["fujian2014"], set())
    got = {(m.metric, m.basis): m.value for m in metrics}
    assert got[("request.received", "year")] is None and got[("request.received", "cumulative")] is None
    assert got[("request.received.online", "cumulative")] == 5
    assert any("145" in p and "没有一种数字拆分" in p for p in problems)


def test_spaced_old_table_with_cumulative_column():
    need_corpus()
    got = cells(CORPUS / "2011_pingtan-syq_old.txt")
    assert (got[("active.total", None, "year")], got[("active.total", None, "cumulative")]) == (425, 1516)
    assert (got[("channel.website", None, "year")], got[("channel.website", None, "cumulative")]) == (418, 1509)


@pytest.mark.parametrize(
    "text,value",
    [
        ("12 786", 12786),
        ("１２７８６", 12786),
        ("12,786", 12786),
        ("-18", -18),
        ("2602.76", 2602.76),
        ("", None),
        ("无", None),
        ("/", None),
        ("—", None),
    ],
)
def test_cell_values(text, value):
    assert parse_cell(text)[0] == value


def test_split_candidates_respect_printed_spaces():
    assert ("23", "0", "0", "0", "0", "0", "23") in split_candidates("230 000023", ["count"] * 7)
    assert all(not p.startswith("0") or p == "0" for c in split_candidates("1000001", ["count"] * 3) for p in c)


def test_markdown_pipe_table_and_wrapped_label(tmp_path):
    text = SEED_OLD.read_text(encoding="utf-8")
    lines = []
    for line in text.split("\n"):
        if "\t" in line and "政务微信公开政府信息数" in line:
            label, rest = line.split("\t", 1)
            lines += [label[:5], label[5:] + "\t" + rest]  # "4.政务微" / "信公开政府信息数<TAB>条<TAB>171"
        else:
            lines.append(line)
    wrapped = tmp_path / "wrapped.txt"
    wrapped.write_text("\n".join(lines), encoding="utf-8")
    assert cells(wrapped)[("channel.wechat", None, "year")] == 171
    pipes = ["| " + " | ".join(line.split("\t")) + " |" if "\t" in line else line for line in text.split("\n")]
    i = next(n for n, line in enumerate(pipes) if line.startswith("| 统计"))
    pipes.insert(i + 1, "|---|---|---|")
    piped = tmp_path / "pipes.md"
    piped.write_text("\n".join(pipes), encoding="utf-8")
    assert cells(piped) == cells(SEED_OLD)


def test_fujian_fee_in_yuan_before_the_figures(tmp_path):
    need_corpus()
    text = (CORPUS / "2014_pingtan-syq_old.txt").read_text(encoding="utf-8")
    assert "政府信息公开收费减免金额 元 0 0" in text
    path = tmp_path / "fee.txt"
    path.write_text(
        text.replace("政府信息公开收费减免金额 元 0 0", "政府信息公开收费减免金额 元 20950 20950"), encoding="utf-8"
    )
    assert cells(path)[("fees.collected", None, "year")] == pytest.approx(2.095)


@pytest.mark.parametrize(
    "name, short, level, parent",
    [
        ("兴庆区住房和城乡建设局", "住房和城乡建设局", "county", "兴庆区人民政府"),  # 城乡 is not a township
        ("银川市城乡规划局", "城乡规划局", "prefecture", "银川市人民政府"),
        ("银川市自然资源局兴庆区分局", "自然资源局兴庆区分局", "prefecture", "银川市人民政府"),
        ("平潭综合实验区社区矫正管理局", "社区矫正管理局", "prefecture", "平潭综合实验区管委会"),
        ("银川市西夏区兴泾镇人民政府", "兴泾镇", "township", "西夏区人民政府"),
    ],
)
def test_department_words_that_end_like_places(name, short, level, parent):
    from etl.extract.metadata import read_metadata
    from etl.model import Document

    meta = read_metadata(Document(f"{name}2020年政府信息公开工作年度报告\n"))
    assert (meta.agency_short, meta.level, meta.parent) == (short, level, parent)


# the 2019 format's 行政强制 row flattened (the figures of a scanned report's synthetic twin: 62, -16, 1 047)
_COERCION = (
    "二、主动公开政府信息情况 第二十条第（八）项 信息内容 上一年项目数量 本年增/减 处理决定数量 行政强制 62 -16 {} "
    "第二十条第（九）项 信息内容 上一年项目数量 本年增/减 行政事业性收费 3 0"
)


@pytest.mark.parametrize("printed", ["1,047", "1，047", "1047"])
def test_flattened_run_with_thousands_separator(printed):
    from etl.specs import SPECS

    metrics, problems, _ = extract_flat(_COERCION.format(printed), SPECS["2019"], set())
    got = {m.metric: m.value for m in metrics}
    assert [got[k] for k in ("coercion.prev_items", "coercion.change", "coercion.decisions")] == [62, -16, 1047]
    assert problems == []


@pytest.mark.parametrize("printed", ["1;047", "1工047"])
def test_flattened_run_with_a_stray_character_is_not_cut_short(printed):
    """OCR read the separator of 1,047 as ';' (or a digit as 工): the run is not read as 62, -16, 1 but left
    blank, the row named with what was printed; the next row is read."""
    from etl.specs import SPECS

    metrics, problems, _ = extract_flat(_COERCION.format(printed), SPECS["2019"], set())
    got = {m.metric: m for m in metrics}
    assert [got[k].value for k in ("coercion.prev_items", "coercion.change", "coercion.decisions")] == [None] * 3
    assert got["coercion.decisions"].raw == f"62 -16 {printed}"
    assert problems == [f"{got['coercion.decisions'].locator}：数字“62 -16 {printed}”中夹有无法识别的字符，未读取"]
    assert (got["admin_fees.prev_items"].value, got["admin_fees.change"].value) == (3, 0)


def test_scanned_row_short_of_cells_is_not_right_aligned():
    """A scanned grid gives every cell, blank ones too: a row with one figure under three columns lost cells to
    misread rules, so its figure is not put in the last column (2 read as 现行有效件数 where the report has 2, 0,
    57) but left unread and named. Text, which drops blank cells, is still right-aligned."""
    from etl.extract.tables import extract_tables
    from etl.model import Document, Table
    from etl.specs import SPECS

    rows = [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "2"],
        ["行政规范性文件", "0", "0", "0"],
    ]
    scanned = Table(rows, "OCR 第1页 表1", [f"OCR 第1页 表1 第{i + 1}行" for i in range(4)])
    scanned.cell_notes = {(2, 1): "第2列 置信度 99", **{(3, j): f"第{j + 1}列 置信度 96" for j in (1, 2, 3)}}
    metrics, _, problems = extract_tables(Document("", [scanned]), SPECS["2021"])
    got = {m.metric: m.value for m in metrics}
    assert (got["rules.made"], got["rules.repealed"], got["rules.in_force"]) == (None, None, None)
    assert (got["normative.made"], got["normative.repealed"], got["normative.in_force"]) == (0, 0, 0)
    assert (
        "OCR 第1页 表1 第3行 第2列 置信度 99：该行只识别出 1 个数字单元格（应有 3 个），无法确定各数所在列，未采用"
        in problems
    )
    text = Table(rows, "表1")
    metrics, _, _ = extract_tables(Document("", [text]), SPECS["2021"])
    assert {m.metric: m.value for m in metrics}["rules.in_force"] == 2
