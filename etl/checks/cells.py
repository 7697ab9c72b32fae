"""The cells a failed check of the warehouse involves, found again from the report's stored figures, so that
报告详情 can mark them in its tables (the `checks` table keeps the rule and its message, not the cells).

The table rules and the prose rule are run again on the report's figures (the prose figures that disagree with
their cell are stored, source = 'text', so the same failures come back with their cells); a cross-year failure
marks this report's checked cell (the one its message names, holding the figure it states); an aggregate failure
the figures its message lists; nonnegative the negative cell.
"""

from __future__ import annotations

import hashlib
import re

from etl.checks import run_checks
from etl.checks.prose import check_prose
from etl.checks.structure import metric_name
from etl.checks.year_rules import year_rules
from etl.model import Metric
from etl.specs import SPECS, CellKey
from warehouse.contract import APPLICANT_ZH, catalogue


def check_key(rule: str, message: str) -> str:
    """A short stable name of one failed check of a report, for links (?check=…)."""
    return hashlib.sha1(f"{rule}\t{message}".encode()).hexdigest()[:10]


def spec_name(template: str | None, variant: str | None, metrics: list[Metric] = ()) -> str | None:
    """The table spec a report was read with: 2019/2021, national, or the Fujian table its rows fit best."""
    if template in SPECS:
        return template
    if variant in SPECS:
        return variant
    if variant == "fujian":
        present = {m.metric for m in metrics}
        fujian = [n for n in SPECS if n.startswith("fujian")]
        return max(fujian, key=lambda n: len(present & {c[0] for row in SPECS[n].rows for c in row.cells}))
    return None


def _fmt(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if x == int(x) else f"{x:g}")


def cells_of_checks(
    template: str | None, variant: str | None, metrics: list[Metric], failed: list[tuple[str, str, float | None]]
) -> dict[tuple[str, str], tuple[CellKey, ...]]:
    """(rule, message) -> the cells involved, for the failed checks (rule, message, actual) of one report."""
    table = [m for m in metrics if m.source in ("table", "manual")]
    for m in table:
        m.source = "table"  # a corrected cell is checked as the build checks it
    text = [m for m in metrics if m.source == "text"]
    wanted = {(r, msg) for r, msg, _ in failed}
    out: dict[tuple[str, str], tuple[CellKey, ...]] = {}
    name = spec_name(template, variant, table)
    again = (run_checks(name, table) if name else []) + check_prose(text, table)
    for c in again:
        if c.status == "fail" and (c.rule, c.message) in wanted:
            out[(c.rule, c.message)] = c.cells
    values = {(m.metric, m.applicant, m.basis): m.value for m in table}
    for rule, message, actual in failed:
        if (rule, message) in out:
            continue
        if rule.startswith(("xyear.", "old.cumulative.")):
            out[(rule, message)] = _checked_cell(rule, message, actual, values)
        elif rule == "structure.aggregate":
            out[(rule, message)] = _listed_cells(message, values)
    return {k: v for k, v in out.items() if v}


def _checked_cell(rule: str, message: str, actual: float | None, values: dict) -> tuple[CellKey, ...]:
    """A cross-year failure's own cell: a cell a term of the rule checks, holding the figure the message states
    (「行政规范性文件现行有效件数（440）…」), in the applicant column the message names."""
    head = message.split("不等于")[0]
    terms = [r.checked for r in year_rules() if r.rule == rule]
    found = []
    for (metric, applicant, basis), value in values.items():
        if value is None or actual is None or abs(value - actual) > 1e-6:
            continue
        if not any(t.basis == basis and t.metric in (None, metric) for t in terms):
            continue
        if applicant and f"「{APPLICANT_ZH.get(applicant, applicant)}」" not in head:
            continue
        found.append((metric, applicant, basis))
    named = [k for k in found if catalogue()[k[0]].section.split()[-1] in head]  # 「行政规范性文件…」 of two groups
    return tuple(named if len(found) > 1 and named else found)


def _listed_cells(message: str, values: dict) -> tuple[CellKey, ...]:
    """The figures an aggregate failure lists (「行政许可·处理决定数量 汇总 16000，下级合计 16366」)."""
    out = []
    for says, printed in re.findall(r"([^：；]+?) 汇总 (\S+?)，下级合计", message):
        for (metric, applicant, basis), value in values.items():
            name = metric_name(metric) + (f"（{APPLICANT_ZH[applicant]}）" if applicant else "")
            if name == says and _fmt(value) == printed:
                out.append((metric, applicant, basis))
    return tuple(out)
