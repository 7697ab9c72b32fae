"""Figures read by OCR that break the table's rules where one changed digit would mend them: a misread digit
is the likeliest cause, so each such figure (unless a rule that holds vouches for it) is left null (its ``raw`` keeps what was read) and named; it is
never corrected by a guess."""

from __future__ import annotations

from etl.checks.rules import constraints_for, evaluate
from etl.model import Metric


def _one_digit_away(value: float, target: float) -> bool:
    """Whether changing a single digit of the integer ``value`` gives ``target``."""
    if value != int(value) or target != int(target) or target < 0:
        return False
    a, b = str(int(value)), str(int(target))
    if len(a) != len(b):
        return False
    return sum(x != y for x, y in zip(a, b)) == 1


def unsure_by_rules(spec_name: str, metrics: list[Metric]) -> list[str]:
    """Null every OCR'd figure that alone, by one changed digit, would make a failing equality hold and that no
    passing equality vouches for; return the problems naming them."""
    by_key = {(m.metric, m.applicant, m.basis): m for m in metrics if m.source == "table"}
    values = {k: m.value for k, m in by_key.items()}
    suspects: dict[tuple, str] = {}
    rules = [(c, *evaluate(c, values)) for c in constraints_for(spec_name) if c.kind == "eq" and c.severity == "error"]
    vouched = {k for c, status, _, _ in rules if status == "pass" for k in c.left + c.right}
    for c, status, left, right in rules:
        if status != "fail":
            continue
        for side, sign in ((c.left, 1), (c.right, -1)):
            for k in side:
                m = by_key.get(k)
                if m is None or m.value is None or not m.locator.startswith("OCR ") or k in vouched:
                    continue
                target = m.value - sign * (left - right)  # the value that would make the rule hold
                if _one_digit_away(m.value, target):
                    suspects.setdefault(k, c.message.format(left=_fmt(left), right=_fmt(right)))
    problems = []
    for k, why in suspects.items():
        m = by_key[k]
        m.value = None
        problems.append(f"{m.locator}：识别为“{m.raw}”，与表内勾稽关系不符（{why}），改动一位数字即可相符，未采用")
    return problems


def _fmt(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if x == int(x) else f"{x:g}")
