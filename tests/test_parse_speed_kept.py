"""Issue 30: the parse's faster paths give exactly what the plain ones gave. Each is compared with the plain form it
replaced on printed forms of real reports and on seeded random mixtures of the characters that matter to it."""

from __future__ import annotations

import random
import re

import pytest

from etl.checks.structure import _SECTION_HEADINGS, _SIGNOFF, SECTIONS, _prose_end, _signoffs, section_headings
from etl.extract.metadata import _AGGREGATE, _AGGREGATE_WORDS, _DEFINED, _definitions, _gazetteer, _is_aggregate
from etl.extract.prose import _FIGURE, PATTERNS, N
from etl.labels import _DIGIT_GAP
from etl.read.text import clean_line, clean_text


def _mixtures(pieces: list[str], n: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, longest))) for _ in range(n)]


DEFINITIONS = [
    "广西壮族自治区北部湾经济区规划建设管理办公室（以下简称自治区北部湾办）2023年度",
    "由福州市大数据发展管理委员会（以下简称“市大数据委”）编制，福州市人民政府(以下简称市政府)",
    "甲" * 45 + "（以下简称乙局）",
    "本机关（以下简称",
]


def test_definitions_are_those_findall_gives():
    pieces = ["甲", "甲" * 20, "（以下简称", "(以下简称“", "以下简称", "乙乙）", "丙”)", "，", "（", "）"]
    for text in DEFINITIONS + _mixtures(pieces, 1000, 12, 1):
        assert list(_definitions(text)) == _DEFINED.findall(text), text
    assert list(_definitions(DEFINITIONS[0])) == [("广西壮族自治区北部湾经济区规划建设管理办公室", "自治区北部湾办")]


SIGNOFFS = [
    "四、其他需要报告的事项\n无。\n演示澜澜区财政局\n2009年2月5日",
    "特此报告。\n中共某某县委办公室（盖章）\n二〇二四年一月十五日\n附件：2023年1月1日至12月31日",
    "某某市人民政府办公室2023年3月\n某某镇人民政府 2024年1月30日",
]


def test_signoffs_are_those_finditer_gives():
    pieces = [
        "局",
        "人民政府",
        "办公室",
        "管理委员会",
        "甲",
        "甲" * 30,
        "（",
        "）",
        "盖章",
        " ",
        "\n",
        "2020",
        "2019年",
    ]
    pieces += ["二〇二〇", "二零二一", "年", "3月", "十二月", "5日", "三日", "，"]
    for part in SIGNOFFS + _mixtures(pieces, 1000, 30, 2):
        assert [m.span() for m in _signoffs(part)] == [m.span() for m in _SIGNOFF.finditer(part)], part
    assert next(_signoffs(SIGNOFFS[0])).group("who") == "演示澜澜区财政局"


def test_a_text_is_cleaned_as_its_lines_are():
    printed = "## 一、总体情况\n- 主动公开 **73** 条\n> 引用  \n| 项目 | 数量 |\n\u3000\u3000正文\xa0末尾  "
    pieces = [" ", "\n", "\n\n", "\r", "\t", "#", "##", ">", "-", "*", "+", "**", "__", "`", "\xa0", "\u3000"]
    pieces += ["\u200b", "\x0b", "\u2028", "\x85", "甲", "1", "|"]
    for text in [printed, "<p>表</p>&nbsp;条\n<!-- 注 -->\n__下划线__ `代码`"] + _mixtures(pieces, 2000, 30, 3):
        assert clean_text(text) == "\n".join(clean_line(ln) for ln in text.split("\n")), repr(text)
    assert clean_text(printed) == "一、总体情况\n主动公开 73 条\n引用\n| 项目 | 数量 |\n  正文 末尾"


@pytest.mark.parametrize("n", [5, 50, 400])
def test_the_ends_of_the_prose_are_those_of_the_whole_prose_joined(n):
    for text in _mixtures(["甲", "乙乙乙乙乙", " ", "\u3000", "\t", "\n", "\n\n", "x" * 30, "  \n  "], 1000, 60, n):
        prose = re.sub(r"[ \u3000]+", "", "\n".join(ln for ln in text.split("\n") if "\t" not in ln)).strip()
        lines = text.split("\n")
        assert _prose_end(lines, n)[:n] == prose[:n], repr(text)
        assert _prose_end(lines[::-1], n, backwards=True)[-n:] == prose[-n:], repr(text)


def test_section_headings_are_those_the_pattern_with_its_lookbehind_finds():
    looking_back = [re.compile(r"(?<![（(第])" + rx.pattern) for rx in _SECTION_HEADINGS]
    texts = [
        "（一、总体情况\n第二、主动公开\n二、主动公开政府信息情况\n一、总体情况\n十一、其他需要报告的事项",
        "(三、收到和处理\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议",
    ] + _mixtures(["一", "二", "十", "（", "(", "第", "、", " ", "总体情况", "主动公开", "其他需要报告"], 2000, 14, 5)
    for text in texts:
        found = {i: (i, m["n"], m.start()) for i, rx in enumerate(looking_back) if (m := rx.search(text))}
        assert section_headings(text) == sorted(found.values(), key=lambda f: f[2]), text
    assert len(_SECTION_HEADINGS) == len(SECTIONS)


def test_every_aggregate_wording_holds_one_of_the_words_looked_for_first():
    # each alternative of _AGGREGATE, as a report words it
    said = [
        "本报告由全市各区政府信息公开年度报告汇总而成。",
        "本报告在汇总各部门数据基础上编制。",
        "年度报告汇总全县情况",
        "各乡镇政府信息公开工作年度报告编制",
        "在各市政府信息公开工作年度报告基础上编制",
        "根据各区政府年度报告内容编制",
        "总结全省政务公开工作的基础上编制",
    ]
    for text in said:
        m = _AGGREGATE.search(text)
        assert m and any(w in m.group(0) for w in _AGGREGATE_WORDS), text
        assert _is_aggregate(text)
    assert not _is_aggregate("2023年，我县坚持以公开为常态。")


def test_every_prose_pattern_takes_a_figure_with_a_unit_the_guard_knows():
    # the units the patterns print after their figure, each with what it may be followed by
    units = {
        "条": ["条"],
        "[件条]": ["件", "条"],
        "件": ["件"],
        "[名人]": ["名", "人"],
        "(?P<money>万元|元)": ["万元", "元"],
    }
    units |= {"(?:次|期|场)": ["次", "期", "场"], "(?P<u>人次|人|名)": ["人次", "人", "名"]}
    for p in PATTERNS:
        after = p.regex.pattern.split(N)[1]
        form = next((f for f in units if after.startswith(f)), None)
        assert form is not None, f"a new unit after the figure: add it to _FIGURE ({p.regex.pattern})"
        assert all(_FIGURE.search("1" + u) for u in units[form])


def test_the_gazetteer_finds_what_trying_every_length_finds():
    g = _gazetteer()

    def every_length(text, key):
        return next((n for n in range(min(len(text), g.longest), 1, -1) if g.index.get((key, text[:n]))), 0)

    names = sorted({name for _, name in g.index})[::50]
    for text in names + [n + "财政局" for n in names] + ["财政局", "城市管理局", "某"]:
        assert g.find(text, None)[1] == every_length(text, "")


def test_digit_gaps_are_those_the_pattern_with_its_lookbehind_first_finds():
    looking_back = re.compile(r"(?<=[\d.])\s+(?=-?\d)")
    for text in [
        "行政许可 3 960 181\t12. 5 -3",
        *_mixtures([" ", "\n", "\t", "1", "-", ".", "甲", "-1", "\u3000"], 2000, 20, 6),
    ]:
        assert _DIGIT_GAP.split(text) == looking_back.split(text), repr(text)
