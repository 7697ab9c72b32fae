"""text.table_agree (formats.md §4 R9, §7): a figure stated in the prose equals its table cell.

Prose often quotes partial aggregates (Shanghai 2019 "因本机关不掌握等原因无法提供265件" is one row of the
无法提供 block that sums to 337), so a prose figure also agrees when it equals a sum of some cells of the cell's
block: the applicant cells of its row and the rows of the same group (outcome.unable.*, outcome.denied.* …).
"""

from __future__ import annotations

import re

from etl.checks.rules import Constraint
from etl.model import Check, Metric
from etl.specs import CellKey
from warehouse.contract import catalogue

RULE = "text.table_agree"
SEVERITY = "warning"
STATED = "@text:"  # marks a prose figure among the known cells of a split

# prose keys whose table counterpart is split over other keys in a template
_SPLIT = {"litigation.total": ("litigation_direct.total", "litigation_after_review.total")}
# section 三 rows of the 2019/2021 tables, grouped into blocks
_GROUPS = ("outcome.denied.", "outcome.unable.", "outcome.unprocessed.", "outcome.other.")
_MAX_BLOCK = 24


def _fmt(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if x == int(x) else f"{x:g}")


def _label(key: str) -> str:
    d = catalogue().get(key)
    if d is None:
        return key
    label = re.sub(r"（[^）]*）|\([^)]*\)", "", d.label_zh.split(" / ")[0])
    return re.sub(r"^(?:[一二三四五六七八九十]+、|\d+\.|其中：)", "", label).strip() or key


def _cells(metric: Metric, table: list[Metric]) -> tuple[list[Metric], list[Metric]]:
    """(the cell(s) the prose figure stands for, the block whose sub-sums also agree)."""
    year = [m for m in table if m.basis == "year"]
    if metric.metric in _SPLIT and not any(m.metric == metric.metric for m in year):
        parts = _SPLIT[metric.metric]
        cells = [m for m in year if m.metric in parts and m.applicant in (None, "total")]
        return cells, cells
    cell = [m for m in year if m.metric == metric.metric and m.applicant == metric.applicant]
    block = [m for m in year if m.metric == metric.metric and m.applicant not in (None, "total")]
    group = next((g for g in _GROUPS if metric.metric.startswith(g)), None)
    if group:
        block += [
            m
            for m in year
            if m.metric.startswith(group) and m.metric != metric.metric and m.applicant not in (None, "total")
        ]
    return cell, block


def _subsums(values: list[float]) -> set[float]:
    sums = {0.0}
    for v in values[:_MAX_BLOCK]:
        sums |= {round(s + v, 4) for s in sums}
    return sums


def check_prose(prose: list[Metric], table: list[Metric]) -> list[Check]:
    """One failing Check per disagreeing prose figure; otherwise one pass (or skipped) row."""
    table = [m for m in table if m.source == "table"]
    prose = [m for m in prose if m.source == "text" and m.value is not None]
    if not prose:
        return []
    fails, passed = [], 0
    for p in prose:
        cell, block = _cells(p, table)
        cell_values = [m.value for m in cell if m.value is not None]
        block_values = [m.value for m in block if m.value is not None]
        if not cell_values and not block_values:
            continue
        target = round(p.value, 4)
        if p.metric in _SPLIT and cell and cell[0].metric != p.metric:
            whole = sum(cell_values)
            if target in _subsums(cell_values):
                passed += 1
                continue
        else:
            whole = cell_values[0] if cell_values else None
            if (whole is not None and round(whole, 4) == target) or target in _subsums(block_values):
                passed += 1
                continue
        where = cell[0].locator if cell else block[0].locator
        if whole is None:
            whole = sum(block_values)
            shown = f"该栏各项合计{_fmt(whole)}（任何部分之和都不等于{_fmt(p.value)}）"
        else:
            shown = _fmt(whole)
        fails.append(
            Check(
                RULE,
                SEVERITY,
                "fail",
                f"正文称「{_label(p.metric)}」为{_fmt(p.value)}（{p.locator}），统计表为{shown}（{where}），两者不一致",
                expected=whole,
                actual=p.value,
                cells=tuple((m.metric, m.applicant, m.basis) for m in (cell or block)),
            )
        )
    if fails:
        return fails
    if passed:
        return [Check(RULE, SEVERITY, "pass", f"正文中 {passed} 个数字与统计表一致")]
    return [Check(RULE, SEVERITY, "skipped", "正文数字在统计表中没有对应单元格，未核对")]


def stated_constraints(cells: set[CellKey], prose: list[Metric]) -> tuple[list[Constraint], dict[CellKey, float], str]:
    """The rule as split constraints for a digit run the table's arithmetic cannot split (Pingtan county 2013:
    "主动公开信息数条18535395" splits four ways; the prose's "主动公开政府信息1853条" picks one): a cell of a flattened
    row equals the figure the prose states for exactly that cell. A prose figure that contradicts the table
    leaves no split and so settles nothing. Returns (constraints, the prose figures as known cells, locator note)."""
    stated: dict[CellKey, set[float]] = {}
    where: dict[CellKey, str] = {}
    for p in prose:
        key = (p.metric, p.applicant, p.basis)
        if p.source == "text" and p.value is not None and key in cells:
            stated.setdefault(key, set()).add(p.value)
            where.setdefault(key, p.locator)
    single = {key: figures.pop() for key, figures in stated.items() if len(figures) == 1}  # two figures: none
    known = {(STATED + m, a, b): v for (m, a, b), v in single.items()}
    out = [Constraint(RULE, SEVERITY, "eq", ((m, a, b),), ((STATED + m, a, b),), "") for m, a, b in single]
    return out, known, ("参照" + "、".join(where[k] for k in single)) if single else ""
