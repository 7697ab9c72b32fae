"""Extraction from flattened text, where the table's cell boundaries are gone ("行政许可3960181")."""
from __future__ import annotations

import re

from etl.checks.rules import constraints_for
from etl.contract import catalogue
from etl.extract.numbers import numeric_run, split_candidates, to_unit
from etl.specs import SECTION4_FLAT, RowSpec, TableSpec
from etl.extract.split import RunRow, solve
from etl.labels import compact
from etl.model import Metric

WINDOW = 400  # a row label must follow the previous one within this many characters


def _row_regex(row: RowSpec) -> str:
    if row.pattern is None:
        return SECTION4_FLAT
    if row.prefix:
        return row.prefix + row.pattern
    number = rf"(?:{row.num}[.、])?" if row.num else ""
    return number + row.pattern


def _kind(key: str) -> str:
    if key.endswith(".change"):
        return "change"
    return "money" if catalogue()[key].unit == "万元" else "count"


def extract_flat(text: str, spec: TableSpec, skip: set[RowSpec]) -> tuple[list[Metric], list[str], set[RowSpec]]:
    flat = compact(text)
    anchor = re.search(spec.anchor, flat)
    pos = anchor.start() if anchor else 0
    hits: list[tuple[RowSpec, int, int]] = []
    for row in spec.rows:
        m = re.compile(_row_regex(row)).search(flat, pos)
        if m is None or (hits and m.start() - pos > WINDOW):
            continue
        hits.append((row, m.start(), m.end()))
        pos = m.end()
    run_rows: list[RunRow] = []
    money_units: dict[tuple, str | None] = {}
    printed: dict[tuple, str] = {}                  # the digit run as printed, kept as raw where it stays unsplit
    for i, (row, start, end) in enumerate(hits):
        if row in skip:
            continue
        stop = hits[i + 1][1] if i + 1 < len(hits) else end + 200
        found = numeric_run(flat[end:stop])
        if found is None:
            continue
        run, tail = found
        kinds = [_kind(k) for k, _, _ in row.cells]
        cands = [tuple(float(p) for p in c) for c in split_candidates(run, kinds)]
        locator = f"正文第{start + 1}字起（表格文字连排）“{flat[start:min(stop, end + 40)]}”"
        run_rows.append(RunRow(row.cells, cands, locator))
        money_units[run_rows[-1].cells] = tail
        printed[run_rows[-1].cells] = run + (tail or "")
    values, problems = solve(run_rows, constraints_for(spec.name))
    metrics = []
    for rr in run_rows:
        note = f"；按勾稽关系拆分（{'、'.join(sorted(rr.resolved_by))}）" if rr.resolved_by else ""
        for key, applicant, basis in rr.cells:
            unit_zh = catalogue()[key].unit
            value = values.get((key, applicant, basis))
            metrics.append(Metric(key, to_unit(value, money_units.get(rr.cells), unit_zh),
                                  _fmt(value) if value is not None else printed[rr.cells],
                                  rr.locator + note, applicant=applicant, basis=basis, unit=unit_zh))
    return metrics, problems, {h[0] for h in hits}


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else str(value)
