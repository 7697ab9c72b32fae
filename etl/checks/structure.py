"""Structure rules (the `structure.*` family): what real 通报 call 格式不规范, checked on one report's text.

- structure.sections: the six sections 条例 第五十条 requires and the 2019/2021 templates print (formats.md §2, §3:
  一、总体情况 … 六、其他需要报告的事项) are all there;
- structure.order / structure.numbering: in the template's order, numbered as the template numbers them;
- structure.tables: the template's statistics tables are all there (2019/2021);
- structure.title: a title "<agency><year>年（度）政府信息公开工作年度报告";
- structure.period: the statistical period is stated (统计期限 … 1月1日至12月31日) and is the report's year;
- structure.signoff: the sign-off (落款): the agency's name and the date it was issued.

The aggregate (汇总) rule, structure.aggregate, needs the units' reports: etl/load/sql/aggregate_checks.sql.
"""

from __future__ import annotations

import re
from functools import cache

from etl.model import Check, Document, Metric
from warehouse.contract import catalogue
from warehouse.text import nfkc

NUMERALS = "一二三四五六七八九十"
# the six sections of 条例 第五十条 as the 2019 and 2021 templates title and number them: (title, what a heading
# says after its numeral: a section's title as reports word it, "政府信息公开" and "因…申请" prefixes allowed)
SECTIONS = (
    ("总体情况", r"总体(?:工作)?情况|概述|基本情况"),
    ("主动公开政府信息情况", r"[^、。\n\t]{0,6}?主动公开"),
    ("收到和处理政府信息公开申请情况", r"[^、。\n\t]{0,6}?(?:收到和处理|依申请公开)"),
    ("政府信息公开行政复议、行政诉讼情况", r"[^、。\n\t]{0,16}?行政法?复议"),
    ("存在的主要问题及改进情况", r"[^、。\n\t]{0,10}?(?:存在的?主要问题|主要问题|存在问题|问题[和及与]改进)"),
    ("其他需要报告的事项", r"[^、。\n\t]{0,4}?其他需要报告"),
)
_HEADING = r"(?P<n>[一二三四五六七八九十]{1,3})\s*[、．.]\s*(?:<b>|\*\*|#+\s*)?"  # not after （ ( 第: section_headings
_SECTION_HEADINGS = [re.compile(_HEADING + f"(?:{says})") for _, says in SECTIONS]
TEMPLATES = ("2019", "2021")  # the templates with statutory sections and mandatory tables
_TITLE = re.compile(
    r"(?P<agency>[^\s\d]{2,40}?)(?P<year>(?:19|20)\d{2})年度?[^\s]{0,20}?年度?报告"
    r"|^(?P<year2>(?:19|20)\d{2})年度?(?P<agency2>[^\s\d]{2,40}?)(?:政府)?信息公开[^\s]{0,12}?年度?报告"
)
_TITLE_FORM = "政府信息公开工作年度报告"
_DATE = (
    r"(?P<y>(?:19|20)\d{2}|[二〇○零一两三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?"
)
_AGENCY_END = r"(?:人民政府|政府|管委会|管理委员会|办事处|办公室|办公厅|局|委员会|中心|厅|委|办|院|署|会)"
_SIGNOFF = re.compile(r"(?P<who>[\u4e00-\u9fff（）()]{2,40}" + _AGENCY_END + r")[\s（）()盖章]{0,12}" + _DATE)
_PERIOD = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[^。\n]{0,8}?(?:至|到|—|-|～|－|~)[^。\n]{0,3}?"
    r"(?:(?:19|20)\d{2}\s*年)?\s*12\s*月\s*31\s*日"
)
_PERIOD_YEAR = re.compile(r"统计(?:期限|时限|期间|区间|时段|周期)[^。\n\d]{0,6}(?P<y>(?:19|20)\d{2})\s*年度?")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0", "两": "2"}


def check_structure(
    doc: Document, template: str, year: int | None, agency: str | None, metrics: list[Metric], spec_name: str | None
) -> list[Check]:
    """The structure rules of one report. `template`: the recognised template (2019, 2021, old, unknown)."""
    text = nfkc(doc.text)
    out: list[Check] = []
    if template in TEMPLATES:
        out += _sections(text)
        out += _tables(template, metrics, spec_name)
    out.append(_title(doc, year))
    out.append(_period(text, year))
    out.append(_signoff(text, year, agency))
    return out


# ---------------------------------------------------------------------------------------------- sections


def section_headings(text: str) -> list[tuple[int, str, int]]:
    """The statutory sections' headings found, in the text's order: (section index 0-5, numeral printed, offset).
    The first heading of each section counts (a table row such as 「一、本年新收政府信息公开申请数量」 does not
    read as one)."""
    found: dict[int, tuple[int, str, int]] = {}
    for i, heading in enumerate(_SECTION_HEADINGS):
        m = heading.search(text)
        # a numeral after （, ( or 第 numbers no section: searched on from the next character (a lookbehind in the
        # pattern would keep the regex engine from skipping ahead to the numerals)
        while m and m.start() and text[m.start() - 1] in "（(第":
            m = heading.search(text, m.start() + 1)
        if m:
            found[i] = (i, m["n"], m.start())
    return sorted(found.values(), key=lambda f: f[2])


def _sections(text: str) -> list[Check]:
    headings = section_headings(text)
    present = {i for i, _, _ in headings}
    out = []
    for i, (title, _) in enumerate(SECTIONS):
        if i not in present:
            out.append(
                Check(
                    "structure.sections",
                    "error",
                    "fail",
                    f"缺少《条例》第五十条规定的第{NUMERALS[i]}部分「{NUMERALS[i]}、{title}」",
                )
            )
    if not out:
        out.append(Check("structure.sections", "error", "pass", "六个部分齐全"))
    order = [i for i, _, _ in headings]
    misplaced = [
        (i, j) for k, i in enumerate(order) for j in order[k + 1 :] if j < i
    ]  # section i printed before an earlier section j
    for i, j in misplaced:
        out.append(
            Check(
                "structure.order",
                "warning",
                "fail",
                f"「{SECTIONS[i][0]}」（第{NUMERALS[i]}部分）排在「{SECTIONS[j][0]}」（第{NUMERALS[j]}部分）之前，"
                "应按模板顺序排列",
            )
        )
    if headings and not misplaced:
        out.append(Check("structure.order", "warning", "pass", "各部分顺序与模板一致"))
    wrong = [(i, n) for i, n, _ in headings if n != NUMERALS[i]]
    for i, n in wrong:
        out.append(
            Check(
                "structure.numbering",
                "warning",
                "fail",
                f"「{SECTIONS[i][0]}」编号为「{n}、」，模板编号应为「{NUMERALS[i]}、」",
            )
        )
    if headings and not wrong:
        out.append(Check("structure.numbering", "warning", "pass", "各部分编号与模板一致"))
    return out


# ---------------------------------------------------------------------------------------------- tables


@cache  # the catalogue's few hundred metrics, looked up for every figure of every report
def table_of(metric: str) -> str:
    """The template table a metric is printed in: 「二 第二十条第（一）项」, 「三」, 「四」…"""
    section = catalogue()[metric].section.split()
    return " ".join(section[:2]) if len(section) > 1 and section[1].startswith("第二十条") else section[0]


def metric_name(metric: str) -> str:
    """A metric as a finding names it: its label as the report's template prints it, with the item of 二's tables
    (「行政许可·处理决定数量」)."""
    d = catalogue().get(metric)
    if d is None:
        return metric
    label = re.sub(r" \((?:old|\d{4})\)", "", d.label_zh.split(" / ")[0])
    section = d.section.split()
    return f"{section[-1]}·{label}" if len(section) > 2 and section[1].startswith("第二十条") else label


def _tables(template: str, metrics: list[Metric], spec_name: str | None) -> list[Check]:
    from etl.specs import SPECS

    spec = SPECS.get(spec_name or template)
    if spec is None:
        return []
    needed = _needed_tables(spec)
    have = {table_of(m.metric) for m in metrics if m.source == "table" and m.metric in catalogue()}
    missing = [t for t in needed if t not in have]
    if not missing:
        return [Check("structure.tables", "error", "pass", f"模板规定的 {len(needed)} 张统计表齐全")]
    return [
        Check("structure.tables", "error", "fail", f"缺少统计表「{_table_zh(t)}」（如「{needed[t]}」一行）")
        for t in missing
    ]


@cache
def _needed_tables(spec) -> dict[str, str]:
    """The template tables a spec's rows are printed in -> the label of the first row of each."""
    needed: dict[str, str] = {}
    for row in spec.rows:
        key = row.cells[0][0]
        needed.setdefault(table_of(key), catalogue()[key].label_zh)
    return needed


def _table_zh(table: str) -> str:
    head, _, item = table.partition(" ")
    return f"{head}、{item}" if item else f"第{head}部分的统计表"


# ---------------------------------------------------------------------------------------------- title, period, sign-off


def _year(text: str) -> int:
    return int("".join(_CN_DIGITS.get(c, c) for c in text))


_WS = re.compile(r"\s+")
_TITLE_MARK = re.compile(r"^(?:标题[:：]|#+|\*\*)")
_TITLE_TEXT = re.compile(r"[^。，,；;:：]{0,60}?年度?报告")


def title_of(doc: Document) -> str | None:
    """The report's title as printed: the document's title (a web page's, a crawler header's) or the first lines
    that hold 「…年度报告」 (two lines joined where the agency stands on its own line above)."""
    lines = []
    for ln in doc.first_lines(60):
        ln = "".join(nfkc(ln).split())  # whitespace dropped (str.split: \s, faster)
        if ln:
            lines.append(_TITLE_MARK.sub("", ln).strip("*"))
            if len(lines) == 12:  # only the first twelve are looked at
                break
    candidates = [_WS.sub("", nfkc(doc.title or ""))] if doc.title else []
    for i, ln in enumerate(lines):
        if "报告" in ln:
            candidates += [lines[i - 1] + ln if i else ln, ln]
    for c in candidates:
        m = _TITLE_TEXT.search(c)
        if m and _TITLE.search(m.group(0)):
            return m.group(0)
    return None


def _title(doc: Document, year: int | None) -> Check:
    title = title_of(doc)
    if title is None:
        return Check("structure.title", "warning", "fail", f"未找到报告标题（应为「××{_TITLE_FORM}」）")
    m = _TITLE.search(title)
    problems = []
    agency = re.sub(r"^(?:关于|印发)", "", m["agency"] or m["agency2"])
    if not re.search(r"[\u4e00-\u9fff]{2,}", agency):
        problems.append("未写明报告机关")
    printed = m["year"] or m["year2"]
    if year is not None and int(printed) != year:
        problems.append(f"年度（{printed}）与报告年度（{year}）不符")
    if not title.endswith(_TITLE_FORM):
        problems.append(f"应以「{_TITLE_FORM}」结尾")
    if problems:
        return Check("structure.title", "warning", "fail", f"标题「{title}」" + "，".join(problems))
    return Check("structure.title", "warning", "pass", f"标题「{title}」符合格式")


def _period(text: str, year: int | None) -> Check:
    m = _PERIOD.search(text) or _PERIOD_YEAR.search(text)
    if m is None:
        return Check(
            "structure.period",
            "warning",
            "fail",
            "未写明统计期限（如「本报告中所列数据的统计期限自{0}年1月1日起至{0}年12月31日止」）".format(year or "××××"),
        )
    if year is not None and int(m["y"]) != year:
        return Check("structure.period", "warning", "fail", f"统计期限「{m.group(0)}」的年度与报告年度（{year}）不符")
    return Check("structure.period", "warning", "pass", f"统计期限：{m.group(0)}")


_SPACES = re.compile(r"[ \u3000]+")


def _prose_end(lines: list[str], n: int, backwards: bool = False) -> str:
    """The report's prose (its lines without tabs, joined, spaces dropped, stripped) from the first of `lines` (the
    last, `backwards`) as far as it takes to hold n characters: the whole text joined cost more than the rule."""
    kept: list[str] = []
    size = 0
    for ln in lines:
        if "\t" in ln:
            continue
        kept.append(ln)
        size += len(ln) + 1
        if size > n:  # enough characters printed: enough once spaces are dropped?
            prose = _SPACES.sub("", "\n".join(kept[::-1] if backwards else kept)).strip()
            if len(prose) >= n:
                return prose
    return _SPACES.sub("", "\n".join(kept[::-1] if backwards else kept)).strip()


_DATE_RX = re.compile(_DATE)


def _signoffs(part: str):
    """_SIGNOFF.finditer(part), searched from 60 characters before each date only (a sign-off's name and the marks
    after it take at most 57): the name tried at every character costs most of the structure rules."""
    pos = 0
    while (date := _DATE_RX.search(part, pos)) is not None:
        m = _SIGNOFF.search(part, max(pos, date.start() - 60))
        if m is None:
            return
        yield m
        pos = m.end()


def _signoff(text: str, year: int | None, agency: str | None) -> Check:
    """A sign-off: the agency's name followed by a date of the report's year or the next, at the end of the report's
    prose (tables and their notes may follow) or on its cover (the lines after the title)."""
    lines = text.split("\n")
    head, tail = _prose_end(lines, 400)[:400], _prose_end(lines[::-1], 400, backwards=True)[-400:]
    for part in (tail, head):
        for m in _signoffs(part):
            y = _year(m["y"])
            if year is None or year <= y <= year + 1:
                said = re.sub(r"\s+", " ", f"{m['who']} {m.group(0)[len(m['who']) :]}")
                return Check("structure.signoff", "warning", "pass", f"落款：{said}")
    who = agency and re.sub(r"[ \u3000]+", "", agency)
    if who and who in tail[-120:]:
        return Check("structure.signoff", "warning", "fail", f"落款「{who}」缺少成文日期")
    return Check("structure.signoff", "warning", "fail", "未找到落款（发布机关名称及成文日期）")
