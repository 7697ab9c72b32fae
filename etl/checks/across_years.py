"""The cross-year rules (etl/checks/year_rules.py) as constraints for splitting merged digit runs.

A flattened row such as 「行政许可14600」 often splits several ways that the table's own arithmetic allows. The
same agency's reports of the year before and the year after pin it down: 上一年项目数量 is last year's plus
last year's 增/减, 现行有效 is last year's plus 制发 minus 废止, 上年结转 is last year's 结转下年度, and a
历年累计 is last year's 累计 plus this year's figure. The neighbours' figures enter the constraints as
known cells (`Neighbours.known()`), keyed by a metric name that marks the year they come from.

The rules are the same ones etl/load/sql/cross_year_checks.sql checks on the finished warehouse, and R7 of
formats.md §4 (对外公开总数量 grows by 本年新公开数量), which is "soft": used to split, not checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.checks.rules import Constraint
from etl.checks.year_rules import BEFORE, THIS, Term, YearRule, year_rules
from etl.specs import CellKey

PREV, NEXT = "@prev:", "@next:"
SETTLED = "参照同一机关"  # begins the locator note of a row the neighbouring years settled


@dataclass
class Neighbours:
    """Table figures of the same agency's reports one year before and one year after (either may be empty), and
    the flattened rows those reports left open themselves (`open_rows`: side -> [(cells in row order, printed
    digits)]), so that two neighbours' runs can be split together."""

    prev: dict[CellKey, float] = field(default_factory=dict)
    next: dict[CellKey, float] = field(default_factory=dict)
    prev_year: int | None = None
    next_year: int | None = None
    open_rows: dict[int, list[tuple[tuple[CellKey, ...], str]]] = field(default_factory=dict)

    def set(
        self,
        side: int,
        year: int,
        figures: dict[CellKey, float],
        open_rows: list[tuple[tuple[CellKey, ...], str]] | None = None,
    ) -> None:
        """Add figures of the report one year before (side -1) or after (+1). Once that report's own runs are
        settled, its complete figures are added again: they extend the earlier ones and never change them."""
        if side < 0:
            self.prev, self.prev_year = {**self.prev, **figures}, year
        else:
            self.next, self.next_year = {**self.next, **figures}, year
        if open_rows is not None:
            self.open_rows[side] = open_rows

    def unsettled(self) -> list[tuple[tuple[CellKey, ...], str, dict[CellKey, float]]]:
        """The neighbours' open rows not settled since: (cells keyed by year, printed digits, figures already
        known of the row's cells)."""
        out = []
        for side, rows in self.open_rows.items():
            tag, figures = (PREV, self.prev) if side < 0 else (NEXT, self.next)
            for cells, run in rows:
                if not all(k in figures for k in cells):
                    out.append(
                        (
                            tuple(_at(tag, k) for k in cells),
                            run,
                            {_at(tag, k): figures[k] for k in cells if k in figures},
                        )
                    )
        return out

    def known(self) -> dict[CellKey, float]:
        """Figures keyed by year, except those of open rows (`unsettled`), which are split with this report's."""
        in_rows = {k for cells, _, _ in self.unsettled() for k in cells}
        return {
            k: v
            for k, v in (
                {**{_at(PREV, k): v for k, v in self.prev.items()}, **{_at(NEXT, k): v for k, v in self.next.items()}}
            ).items()
            if k not in in_rows
        }

    def note(self) -> str:
        years = [str(y) for y in (self.prev_year, self.next_year) if y is not None]
        return f"{SETTLED}{'、'.join(years)}年报告" if years else ""


def plain(key: CellKey) -> CellKey:
    """The cell a year-keyed cell stands for."""
    metric, applicant, basis = key
    return metric.removeprefix(PREV).removeprefix(NEXT), applicant, basis


def _at(side: str, key: CellKey) -> CellKey:
    metric, applicant, basis = key
    return side + metric, applicant, basis


def split_constraints(cells: set[CellKey], neighbours: Neighbours) -> list[Constraint]:
    """The cross-year rules (etl/checks/year_rules.py) as constraints that tie a cell of `cells` (this report's
    flattened rows) to a neighbour's figure. Each rule is used twice: with this report as the later year (its
    year before is the previous report) and as the earlier year (the next report's year before is this one)."""
    known = set(neighbours.known()) | {k for row, _, _ in neighbours.unsettled() for k in row}
    out: dict[Constraint, None] = {}
    for rule in year_rules():
        for metric, applicant in sorted(_instances(rule, cells), key=lambda i: (i[0], i[1] or "")):
            for sides in _AS_LATER_YEAR, _AS_EARLIER_YEAR:
                left = tuple(_key(t, sides, metric, applicant) for t in (rule.checked, *rule.minus))
                right = tuple(_key(t, sides, metric, applicant) for t in rule.plus)
                # usable only when every neighbour figure is known or in an open row, and every cell of this report
                # is in a flattened row (a cell read from a real table is not among the split's values and would
                # count as blank)
                here = [k for k in left + right if not k[0].startswith("@")]
                if all(k in cells for k in here) and all(k in known for k in left + right if k not in here):
                    out[Constraint(rule.rule, "warning", "eq", left, right, "")] = None
    return list(out)


_AS_LATER_YEAR, _AS_EARLIER_YEAR = {THIS: "", BEFORE: PREV}, {THIS: NEXT, BEFORE: ""}


def _key(term: Term, sides: dict[int, str], metric: str, applicant: str | None) -> CellKey:
    """The cell a term stands for, keyed by the year it comes from."""
    return sides[term.year] + (term.metric or metric), applicant, term.basis


def _instances(rule: YearRule, cells: set[CellKey]) -> set[tuple[str, str | None]]:
    """(metric, applicant) for every cell of `cells` a term of `rule` can stand for; the metric matters only to a
    rule over every metric of a basis (the old format's 历年累计)."""
    return {
        (metric if t.metric is None else "", applicant)
        for metric, applicant, basis in cells
        for t in rule.terms
        if basis == t.basis and t.metric in (None, metric)
    }
