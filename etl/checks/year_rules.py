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


def _groups(suffix: str) -> list[tuple[str, str]]:
    """(group, its Chinese name) of every catalogue metric ending in `suffix`: ('license', '行政许可')."""
    return [
        (key.removesuffix(suffix), metric.section.split()[-1])
        for key, metric in catalogue().items()
        if key.endswith(suffix)
    ]


@cache
def year_rules() -> tuple[YearRule, ...]:
    rules = [
        YearRule(
            "xyear.carry_over",
            Term("request.carried_in", THIS, "year", "「{applicant}」列本年上年结转"),
            (Term("request.carried_out", BEFORE, "year", "上年报告的结转下年度继续办理"),),
        )
    ]
    for g, zh in _groups(".prev_items"):
        rules.append(
            YearRule(
                "xyear.prev_items",
                Term(f"{g}.prev_items", THIS, "year", f"「{zh}」上一年项目数量"),
                (
                    Term(f"{g}.prev_items", BEFORE, "year", "上年报告的上一年项目数量"),
                    Term(f"{g}.change", BEFORE, "year", "上年报告的本年增/减"),
                ),
            )
        )
    for g, zh in _groups(".in_force"):
        rules.append(
            YearRule(
                "xyear.in_force",
                Term(f"{g}.in_force", THIS, "year", f"{zh}现行有效件数"),
                (Term(f"{g}.in_force", BEFORE, "year", "上年现行有效"), Term(f"{g}.made", THIS, "year", "本年制发")),
                (Term(f"{g}.repealed", THIS, "year", "本年废止"),),
            )
        )
    for g, zh in _groups(".public_total"):  # R7 (2019 format): 对外公开总数量 grows by 本年新公开数量
        rules.append(
            YearRule(
                "xyear.public_total",
                Term(f"{g}.public_total", THIS, "year", f"{zh}对外公开总数量"),
                (
                    Term(f"{g}.public_total", BEFORE, "year", "上年对外公开总数量"),
                    Term(f"{g}.published", THIS, "year", "本年新公开数量"),
                ),
                in_warehouse=False,
            )
        )
    rules.append(
        YearRule(
            "old.cumulative.chain",
            Term(None, THIS, "cumulative", "「{label}」历年累计"),
            (Term(None, BEFORE, "cumulative", "上年历年累计"), Term(None, THIS, "year", "本年度数")),
        )
    )
    return tuple(rules)


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
