"""Checking: evaluate the consistency rules (formats.md §7) that a single report allows."""

from __future__ import annotations

from etl.checks.rules import constraints_for, evaluate
from etl.model import Check, Metric

# rules used only to split digit runs, not reported as checks
_SPLIT_ONLY = {"old.active.breakdown", "old.cumulative.ge_year", "active.published_le_total"}


def _fmt(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if x == int(x) else f"{x:g}")


def run_checks(spec_name: str, metrics: list[Metric]) -> list[Check]:
    values = {(m.metric, m.applicant, m.basis): m.value for m in metrics if m.source == "table"}
    out: list[Check] = []
    grouped: dict[str, list] = {}
    for c in constraints_for(spec_name):
        if c.rule in _SPLIT_ONLY:
            continue
        status, left, right = evaluate(c, values)
        grouped.setdefault(c.rule, []).append((c, status, left, right))
    for rule, results in grouped.items():
        failed = [r for r in results if r[1] == "fail"]
        evaluated = [r for r in results if r[1] != "skipped"]
        if failed:
            for c, _status, left, right in failed:
                out.append(
                    Check(
                        rule,
                        c.severity,
                        "fail",
                        c.message.format(left=_fmt(left), right=_fmt(right)),
                        expected=right,
                        actual=left,
                        cells=c.left + c.right,
                    )
                )
        elif evaluated:
            out.append(Check(rule, results[0][0].severity, "pass", f"{len(evaluated)} 项核对一致"))
        else:
            out.append(Check(rule, results[0][0].severity, "skipped", "相关单元格为空或缺失，未核对"))
    negative = [
        m
        for m in metrics
        if m.source == "table" and m.value is not None and m.value < 0 and not m.metric.endswith(".change")
    ]
    if negative:
        for m in negative:
            out.append(
                Check(
                    "nonnegative",
                    "error",
                    "fail",
                    f"「{m.metric}」为负数（{_fmt(m.value)}）",
                    expected=0,
                    actual=m.value,
                    cells=((m.metric, m.applicant, m.basis),),
                )
            )
    elif metrics:
        out.append(Check("nonnegative", "error", "pass", "所有计数均不为负"))
    return out
