"""Row labels as real reports print them: matched by numbering, position and words, never across two rows.

The variants are those of published reports (陕西 西安临潼 2021: 二、上年结转政府信息公开数量 without 申请; 陕西
柞水 2021: the whole table in traditional characters; 天津 and 四川 2021/2022: 商业 企业 split by a space), and the
kinds of misprint such tables carry (a character lost, added or wrong; other brackets and widths).
"""

from __future__ import annotations

import pytest

from etl.extract import extract
from etl.model import Document, Table
from etl.specs import SPECS
from warehouse.contract import APPLICANTS

S3_2021 = [
    ("一、本年新收政府信息公开申请数量", [5, 1, 0, 0, 0, 0, 6]),
    ("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0, 1]),
    ("（一）予以公开", [2, 1, 0, 0, 0, 0, 3]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [1, 0, 0, 0, 0, 0, 1]),
    ("1.属于国家秘密", [0] * 7),
    ("2.其他法律行政法规禁止公开", [0] * 7),
    ("3.危及“三安全一稳定”", [0] * 7),
    ("4.保护第三方合法权益", [0] * 7),
    ("5.属于三类内部事务信息", [0] * 7),
    ("6.属于四类过程性信息", [0] * 7),
    ("7.属于行政执法案卷", [0] * 7),
    ("8.属于行政查询事项", [0] * 7),
    ("1.本机关不掌握相关政府信息", [1, 0, 0, 0, 0, 0, 1]),
    ("2.没有现成信息需要另行制作", [0] * 7),
    ("3.补正后申请内容仍不明确", [0] * 7),
    ("1.信访举报投诉类申请", [0] * 7),
    ("2.重复申请", [0] * 7),
    ("3.要求提供公开出版物", [0] * 7),
    ("4.无正当理由大量反复申请", [0] * 7),
    ("5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [1, 0, 0, 0, 0, 0, 1]),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("3.其他", [1, 0, 0, 0, 0, 0, 1]),
    ("（七）总计", [6, 1, 0, 0, 0, 0, 7]),
    ("四、结转下年度继续办理", [0] * 7),
]
HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
    ["", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ["", "", "商业 企业", "科研 机构", "社会公益组织", "法律服务机构", "其他", ""],
]


S2_2021 = [
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "0", "0"],
    ["行政规范性文件", "2", "0", "9"],
    ["信息内容", "本年处理决定数量"],
    ["行政许可", "15"],
    ["行政处罚", "3"],
    ["行政强制", "0"],
    ["信息内容", "本年收费金额（单位：万元）"],
    ["行政事业性收费", "0"],
]
S4 = [
    ["行政复议", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ["0"] * 15,
]


def _read(rows, spec="2021"):
    table = Table([*HEADER, *([label, *map(str, vals)] for label, vals in rows)], "表格2")
    out = extract(Document("", tables=[Table(S2_2021, "表格1"), table, Table(S4, "表格3")]), SPECS[spec])
    cells = {(m.metric, m.applicant): (m.value, m.locator) for m in out.metrics}
    return cells, out.problems


def _replace(label, printed, rows=S3_2021):
    return [(printed if lb == label else lb, v) for lb, v in rows]


def test_the_printed_table_reads_whole():
    cells, problems = _read(S3_2021)
    assert cells[("request.carried_in", "total")][0] == 1 and cells[("outcome.other.other", "total")][0] == 1
    assert not problems


@pytest.mark.parametrize(
    "label, printed, metric",
    [
        ("二、上年结转政府信息公开申请数量", "二、上年结转政府信息公开数量", "request.carried_in"),  # 临潼 2021
        ("1.本机关不掌握相关政府信息", "1.本机关不掌握相关政府息", "outcome.unable.not_held"),  # a character lost
        ("1.本机关不掌握相关政府信息", "1.本机关不掌握相关的政府信息", "outcome.unable.not_held"),  # one added
        (
            "5.要求行政机关确认或重新出具已获取信息",
            "5.要求行政机关确认或重新出具以获取信息",
            "outcome.unprocessed.confirmation",
        ),
        ("（一）予以公开", "【一】予已公开", "outcome.granted"),  # other brackets and a wrong character
        ("（七）总计", "〔七〕合计", "outcome.total"),  # numbered, and the row the table expects
    ],
)
def test_a_misprinted_label_is_read_and_the_locator_says_so(label, printed, metric):
    cells, problems = _read(_replace(label, printed))
    value, locator = cells[(metric, "natural_person")]
    want = dict(S3_2021)[label][0]
    assert value == want
    assert "标签近似匹配" in locator and printed.replace(" ", "")[-4:] in locator
    assert not any("缺少" in p for p in problems), problems


def test_traditional_characters_and_full_width_read_exactly():
    printed = "二、上年結轉政府信息公開申請數量"  # 柞水 2021
    cells, problems = _read(_replace("二、上年结转政府信息公开申请数量", printed))
    value, locator = cells[("request.carried_in", "total")]
    assert value == 1 and "近似" not in locator and not problems


def test_a_label_too_short_to_tell_from_another_word_is_not_guessed():
    table = [row if row[0] != "规章" else ["规定", "0", "0", "0"] for row in S2_2021]
    out = extract(Document("", tables=[Table(table, "表格1")]), SPECS["2021"])
    assert "rules.made" not in {m.metric for m in out.metrics}
    assert any(p.startswith("统计表缺少") and "rules.made" in p for p in out.problems)


def test_a_four_character_label_may_carry_one_wrong_character():
    cells, problems = _read(_replace("2.重复申请", "2.重复申清"))
    assert cells[("outcome.unprocessed.repeat", "total")][0] == 0 and not problems


def test_two_rows_a_label_is_as_close_to_are_both_refused_and_named():
    rows = [("1.当面申请数", "件", "3"), ("2.传真申请数", "件", "0"), ("同意部公开答复数", "件", "4")]
    table = Table([[lb, u, v] for lb, u, v in rows], "表格1")
    out = extract(Document("", tables=[table]), SPECS["national"])
    read = {m.metric for m in out.metrics if m.source == "table"}
    assert "request.answered.granted" not in read and "request.answered.partial" not in read
    assert any("同意部公开答复数" in p and "同意公开答复数" in p and "同意部分公开答复数" in p for p in out.problems)


def test_its_numbering_settles_which_row():
    rows = [("3.同意部公开答复数", "件", "4")]
    out = extract(Document("", tables=[Table([list(r) for r in rows], "表格1")]), SPECS["national"])
    cells = {m.metric: m.value for m in out.metrics if m.source == "table"}
    assert cells.get("request.answered.partial") == 4 and "request.answered.granted" not in cells


def test_a_2021_table_with_the_one_row_other_keeps_it_as_outcome_other():
    subrows = {
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    }
    rows = [(lb, v) for lb, v in S3_2021 if lb not in subrows]
    at = next(i for i, (lb, _) in enumerate(rows) if lb == "（七）总计")
    rows.insert(at, ("（六）其他处理", [2, 0, 0, 0, 0, 0, 2]))
    cells, problems = _read(rows)
    assert {a: cells[("outcome.other", a)][0] for a in APPLICANTS} == dict(zip(APPLICANTS, [2, 0, 0, 0, 0, 0, 2]))
    assert not any(k[0].startswith("outcome.other.") for k in cells)
    assert not problems, problems  # its three rows are not named as missing
    from etl.checks import run_checks
    from etl.model import Metric

    metrics = [Metric(k, v, str(v), loc, applicant=a, basis="year", unit="件") for (k, a), (v, loc) in cells.items()]
    checks = {(c.rule, c.status) for c in run_checks("2021", metrics)}
    assert ("apply.outcome_sum", "pass") in checks  # （七）总计 6+1 = 3+1+1+2 per column, with （六）


def test_a_one_row_other_that_breaks_the_sum_fails_its_rule():
    subrows = {
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    }
    rows = [(lb, v) for lb, v in S3_2021 if lb not in subrows]
    rows.insert(len(rows) - 2, ("（六）其他处理", [5, 0, 0, 0, 0, 0, 5]))
    cells, _ = _read(rows)
    from etl.checks import run_checks
    from etl.model import Metric

    metrics = [Metric(k, v, str(v), loc, applicant=a, basis="year", unit="件") for (k, a), (v, loc) in cells.items()]
    fails = [c for c in run_checks("2021", metrics) if c.rule == "apply.outcome_sum" and c.status == "fail"]
    assert fails and "（七）总计（6）" in fails[0].message


# ------------------------------------------------------------------ the same labels in flattened text (表格文字连排)


def _flat(rows, spaced=True) -> str:
    """Section 三 flattened as real pages print it: each row's label then its figures, rows one after another."""
    sep = " " if spaced else ""
    head = "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况"
    body = sep.join(f"{lb}{sep.join(map(str, vals))}" for lb, vals in rows)
    return f"{head}自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他{body}"


def _read_flat(rows, spaced=True):
    out = extract(Document(_flat(rows, spaced), tables=[Table(S2_2021, "表格1"), Table(S4, "表格3")]), SPECS["2021"])
    cells = {(m.metric, m.applicant): (m.value, m.locator) for m in out.metrics}
    return cells, out.problems


@pytest.mark.parametrize(
    "label, printed, metric",
    [
        ("5.属于三类内部事务信息", "5.属三类内部事务信息", "outcome.denied.internal_affairs"),  # a character lost
        ("1.本机关不掌握相关政府信息", "1.本机关不掌握相关的政府信息", "outcome.unable.not_held"),  # one added
        ("3.补正后申请内容仍不明确", "3.补正后申请内容仍不名确", "outcome.unable.unclear"),  # one wrong
        ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开", "outcome.denied.law_forbidden"),  # hongze's misprint
    ],
)
@pytest.mark.parametrize("spaced", [True, False], ids=["spaced", "merged"])
def test_a_misprinted_label_in_flattened_text_is_read(label, printed, metric, spaced):
    rows = [(lb, [3, 0, 0, 0, 0, 0, 3] if lb == label else v) for lb, v in S3_2021]
    cells, problems = _read_flat(_replace(label, printed, rows), spaced)
    value, locator = cells[(metric, "natural_person")]
    assert value == 3 and cells[(metric, "total")][0] == 3
    assert "表格文字连排" in locator and f"标签近似匹配：“{printed}”" in locator
    assert not any("缺少" in p for p in problems), problems
    # the rows around it keep their own figures
    assert cells[("outcome.granted", "total")][0] == 3 and cells[("request.carried_out", "total")][0] == 0


def test_flattened_labels_read_exactly_without_a_note():
    cells, problems = _read_flat(S3_2021)
    assert cells[("outcome.total", "total")][0] == 7 and not any("近似" in loc for _, loc in cells.values())
    assert not problems, problems


def test_a_flattened_label_as_close_to_two_rows_is_refused_and_named():
    rows = [("1.当面申请数", "件", "3"), ("2.传真申请数", "件", "0"), ("同意部公开答复数", "件", "4")]
    text = "二、依申请公开情况" + " ".join(f"{lb}{u}{v}" for lb, u, v in rows) + " 申请信息公开的总件数"
    out = extract(Document(text), SPECS["national"])
    read = {m.metric for m in out.metrics}
    assert "request.answered.granted" not in read and "request.answered.partial" not in read
    assert any("同意部公开答复数" in p and "未读取" in p for p in out.problems), out.problems


def test_a_misread_numbering_is_read_where_the_words_are_the_expected_rows_own():
    """OCR read （二） as （一）: the words are 部分公开's, exactly, and the table's order expects it next."""
    printed = "(一) 部分公开（区分处理的，只计这一情形，不计其他情形)"
    cells, problems = _read(_replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", printed))
    value, locator = cells[("outcome.partial", "natural_person")]
    assert value == 1 and "标签近似匹配" in locator
    assert cells[("outcome.granted", "total")][0] == 3  # the real （一） keeps its own row
    assert not any("缺少" in p for p in problems), problems


def test_a_misread_numbering_with_other_words_is_not_read():
    """Words of another row (or a character off) under a numbering that disagrees: not read as the expected row."""
    for printed in ("(一) 予以公开", "(一) 部分公示"):
        cells, _ = _read(_replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", printed))
        assert ("outcome.partial", "natural_person") not in cells, printed
