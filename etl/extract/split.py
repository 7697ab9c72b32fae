"""Choose the one split of merged digit runs that the table's own arithmetic allows (formats.md §4).

Rows with several possible splits are grouped into independent components (rows that share a rule);
each component is searched on its own, so an unresolvable row never spoils an unrelated one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.checks.rules import Constraint, evaluate
from etl.specs import CellKey

MAX_NODES = 200_000


@dataclass
class RunRow:
    """A flattened table row: its cells and the candidate values (one tuple per possible split)."""

    cells: tuple[CellKey, ...]
    candidates: list[tuple[float | None, ...]]
    locator: str
    resolved_by: set[str] = field(default_factory=set)


def solve(
    rows: list[RunRow], constraints: list[Constraint], known: dict[CellKey, float] | None = None
) -> tuple[dict[CellKey, float | None], list[str]]:
    """Values for every cell (None where no split or several splits are consistent) and what was unresolved.
    `known` holds figures from outside the rows (the neighbouring years' reports) that constraints may use."""
    known = known or {}
    usable = [c for c in constraints if c.for_split]
    present = {k for r in rows for k in r.cells} | set(known)
    row_of = {k: i for i, r in enumerate(rows) for k in r.cells}
    touched = {id(c): {row_of[k] for k in c.left + c.right if k in row_of} for c in usable}  # rows each rule reaches
    usable = [c for c in usable if touched[id(c)]]

    def rows_of(c: Constraint) -> set[int]:
        return touched[id(c)]

    printed = {i: list(row.candidates) for i, row in enumerate(rows) if len(row.candidates) > 1}
    for i, row in enumerate(rows):  # 1. prune with the rules inside one row
        if len(row.candidates) > 1:
            inside = [c for c in usable if rows_of(c) == {i}]
            kept = [cand for cand in row.candidates if _consistent({**known, **dict(zip(row.cells, cand))}, inside)]
            if len(kept) < len(row.candidates):
                row.resolved_by |= {c.rule for c in inside}
            row.candidates = kept

    values: dict[CellKey, float | None] = {}
    problems: list[str] = []
    fixed = {k: v for r in rows if len(r.candidates) == 1 for k, v in zip(r.cells, r.candidates[0])}
    values.update(fixed)
    fixed.update(known)
    for i in printed:  # a split the row's own rules chose must not break a rule
        if len(rows[i].candidates) == 1 and _contradicted(rows[i], printed[i], fixed, usable, rows_of, i, present):
            rows[i].candidates = []
            values.update({k: None for k in rows[i].cells})
    for row in rows:
        if not row.candidates:
            problems.append(f"{row.locator}：没有一种数字拆分符合表内勾稽关系")
            values.update({k: None for k in row.cells})
    ambiguous = {i for i, r in enumerate(rows) if len(r.candidates) > 1}
    for component in _components(ambiguous, [rows_of(c) for c in usable]):  # 2. search jointly
        rules = [c for c in usable if rows_of(c) & component]
        seen, exhaustive = _search(rows, sorted(component), fixed, rules, present)
        for i in sorted(component):
            row = rows[i]
            if exhaustive and not seen:
                problems.append(f"{row.locator}：没有一种数字拆分符合表内勾稽关系")
                values.update({k: None for k in row.cells})
                continue
            row.resolved_by |= {c.rule for c in rules if i in rows_of(c)}
            for k in row.cells:  # a value every consistent split agrees on
                values[k] = next(iter(seen[k])) if exhaustive and len(seen.get(k, ())) == 1 else None
            if any(values[k] is None for k in row.cells):
                problems.append(f"{row.locator}：数字有多种符合勾稽关系的拆分，相关单元格留空")
    return values, problems


def satisfiable(rows: list[RunRow], c: Constraint, known: dict[CellKey, float]) -> bool:
    """Whether some split of the rows `c` reaches keeps it. A rule from outside the table (a neighbouring year)
    that no split keeps is broken somewhere else and says nothing about these rows."""
    reached = set(c.left + c.right)
    order = [i for i, r in enumerate(rows) if reached & set(r.cells)]
    present = {k for i in order for k in rows[i].cells} | set(known)
    seen, exhaustive = _search(rows, order, dict(known), [c], present)
    return bool(seen) or not exhaustive


def _contradicted(
    row: RunRow, printed: list[tuple], fixed: dict, usable: list[Constraint], rows_of, i: int, present: set
) -> bool:
    """True when a rule across rows (its other cells known) fails for the one split left but holds for another
    split of the printed digits: the report breaks one of its rules here, and which split it meant is unknown.
    A rule that fails whatever the split is the report's own error elsewhere and says nothing about this row."""
    chosen = row.candidates[0]
    for c in usable:
        if rows_of(c) == {i} or not all(k in fixed for k in c.left + c.right if k in present):
            continue
        if not _consistent({**fixed, **dict(zip(row.cells, chosen))}, [c]) and any(
            _consistent({**fixed, **dict(zip(row.cells, other))}, [c]) for other in printed if other != chosen
        ):
            return True
    return False


def _components(nodes: set[int], links: list[set[int]]) -> list[set[int]]:
    out: list[set[int]] = []
    for n in sorted(nodes):
        group = {n}
        for other in [g for g in out if any(({n} | g) & link and n in link and g & link for link in links)]:
            group |= other
            out.remove(other)
        out.append(group)
    return out


def _consistent(values: dict[CellKey, float | None], constraints: list[Constraint]) -> bool:
    return all(evaluate(c, values)[0] != "fail" for c in constraints)


def _search(rows, order, fixed, rules, present) -> tuple[dict[CellKey, set], bool]:
    """The values each cell takes in the assignments of candidates to the rows in `order` that break none of
    `rules` (empty: there is none), and whether that is known for sure. The search stops early once every cell
    has two values (nothing more can be settled); it gives up after MAX_NODES candidates tried."""
    seen: dict[CellKey, set] = {}
    cells = [k for i in order for k in rows[i].cells]
    nodes = 0
    decided: set = set()
    checks_at = []
    cells_now = set(fixed)
    for i in order:  # check each rule as soon as all its cells are set
        cells_now |= set(rows[i].cells)
        ready = [c for c in rules if c not in decided and (set(c.left + c.right) & present) <= cells_now]
        decided.update(ready)
        checks_at.append(ready)

    open_cells = 0  # cells seen with two values or more

    def walk(depth: int, values: dict) -> None:
        nonlocal nodes, open_cells
        if nodes > MAX_NODES or open_cells == len(cells):
            return
        if depth == len(order):
            for k in cells:
                taken = seen.setdefault(k, set())
                if len(taken) == 1 and values[k] not in taken:
                    open_cells += 1
                taken.add(values[k])
            return
        row = rows[order[depth]]
        for cand in row.candidates:
            nodes += 1
            values.update(zip(row.cells, cand))
            if _consistent(values, checks_at[depth]):
                walk(depth + 1, values)
        for k in row.cells:
            values.pop(k, None)

    walk(0, dict(fixed))
    return seen, nodes <= MAX_NODES
