"""The cross-year rules (formats.md §7, "Across years", and R7 of §4), written once, as data.

Each rule ties a cell of a report to figures of the same agency's report of the year before and of its own:
`checked = sum(plus) - sum(minus)`. For instance 现行有效件数 is last year's 现行有效件数 plus this year's 制发
minus this year's 废止. Two readers use the list:

- etl/checks/across_years.py turns every rule into constraints that split merged digit runs;
- etl/load/sql/cross_year_checks.sql checks the rules marked `checked` on the finished warehouse, reading them
  as the rows of the table `year_terms` (`term_rows()`).

A term is used only where the report printed it: a blank 本年废止 is not taken as 0, so the rule is not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from warehouse.contract import catalogue

THIS, BEFORE = 0, -1  # the report itself; the same agency's report of the year before


@dataclass(frozen=True)
class Term:
    metric: str | None  # None: the checked cell's own metric (a rule over every cell of one basis)
    year: int  # THIS or BEFORE
    basis: str
    says: str  # how a message names it; {label} is the metric's Chinese label, {applicant} the applicant's


@dataclass(frozen=True)
class YearRule:
    rule: str
    checked: Term
    plus: tuple[Term, ...]
    minus: tuple[Term, ...] = ()
    in_warehouse: bool = True  # False: only used to split runs ("soft"), never reported as a check

    @property
    def terms(self) -> tuple[Term, ...]:
        return (self.checked, *self.plus, *self.minus)


def _per_group(
    rule: str,
    checked: tuple[str, int, str],
    plus: list[tuple[str, int, str]],
    minus: list[tuple[str, int, str]] = (),
    in_warehouse: bool = True,
) -> list[YearRule]:
    """One rule for each group of the catalogue that has the checked row: ("in_force", THIS, "{group}现行有效件数")
    stands for rules.in_force (规章…) and normative.in_force (行政规范性文件…). Terms are (row, year, says)."""
    out = []
    for key, metric in catalogue().items():
        group, _, row = key.rpartition(".")
        if row != checked[0]:
            continue
        zh = metric.section.split()[-1]  # 二 第二十条第（五）项 行政许可 -> 行政许可
        terms = [
            [Term(f"{group}.{row}", year, "year", says.replace("{group}", zh)) for row, year, says in side]
            for side in ([checked], plus, minus)
        ]
        out.append(YearRule(rule, terms[0][0], tuple(terms[1]), tuple(terms[2]), in_warehouse))
    return out


@cache
def year_rules() -> tuple[YearRule, ...]:
    return (
        YearRule(
            "xyear.carry_over",
            Term("request.carried_in", THIS, "year", "「{applicant}」列本年上年结转"),
            (Term("request.carried_out", BEFORE, "year", "上年报告的结转下年度继续办理"),),
        ),
        *_per_group(
            "xyear.prev_items",
            ("prev_items", THIS, "「{group}」上一年项目数量"),
            [("prev_items", BEFORE, "上年报告的上一年项目数量"), ("change", BEFORE, "上年报告的本年增/减")],
        ),
        *_per_group(
            "xyear.in_force",
            ("in_force", THIS, "{group}现行有效件数"),
            [("in_force", BEFORE, "上年现行有效"), ("made", THIS, "本年制发")],
            [("repealed", THIS, "本年废止")],
        ),
        *_per_group(  # R7 (2019 format): 对外公开总数量 grows by 本年新公开数量; used to split, never reported
            "xyear.public_total",
            ("public_total", THIS, "{group}对外公开总数量"),
            [("public_total", BEFORE, "上年对外公开总数量"), ("published", THIS, "本年新公开数量")],
            in_warehouse=False,
        ),
        YearRule(  # the old format: every row with a 历年累计 column
            "old.cumulative.chain",
            Term(None, THIS, "cumulative", "「{label}」历年累计"),
            (Term(None, BEFORE, "cumulative", "上年历年累计"), Term(None, THIS, "year", "本年度数")),
        ),
    )


def checked_rule_ids() -> tuple[str, ...]:
    """The rules the warehouse reports, in order, once each."""
    return tuple(dict.fromkeys(r.rule for r in year_rules() if r.in_warehouse))


def term_rows() -> list[tuple[str, int, int, int, int, str | None, str, str]]:
    """The checked rules as rows of `year_terms`: (rule, instance, pos, sign, year, metric, basis, says). pos 0
    is the checked cell; the others are added (sign 1) or taken away (sign -1), in the order a message names them."""
    rows = []
    for instance, rule in enumerate(r for r in year_rules() if r.in_warehouse):
        signed = [(0, rule.checked), *((1, t) for t in rule.plus), *((-1, t) for t in rule.minus)]
        for pos, (sign, t) in enumerate(signed):
            rows.append((rule.rule, instance, pos, sign, t.year, t.metric, t.basis, t.says))
    return rows


def read_metrics() -> tuple[list[str], list[str]]:
    """What the checks read: the metrics a rule names, and the bases of rules over every metric (their cells'
    metrics are read at every basis)."""
    checked = [r for r in year_rules() if r.in_warehouse]
    named = sorted({t.metric for r in checked for t in r.terms if t.metric})
    any_metric = sorted({r.checked.basis for r in checked if r.checked.metric is None})
    return named, any_metric
