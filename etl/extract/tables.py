"""Extraction from real tables (HTML, tab-separated text, DOCX, PDF): match each row's label to a RowSpec."""
from __future__ import annotations

import re
from functools import cache, lru_cache

from etl.contract import catalogue
from etl.extract.numbers import UNITS, is_value_cell, parse_cell, to_unit
from etl.specs import RowSpec, TableSpec
from etl.labels import core, nfkc
from etl.model import Document, Metric

_UNIT_CELL = re.compile(rf"^{UNITS}$")


@cache
def _row_patterns(spec: TableSpec) -> list[tuple[int, RowSpec, re.Pattern, bool]]:
    """(index, row, compiled label pattern, whether it must match with its numbering prefix)."""
    return [(i, r, re.compile((r.prefix or "") + r.pattern), bool(r.prefix))
            for i, r in enumerate(spec.rows) if r.pattern is not None]


@lru_cache(maxsize=65536)
def _label_forms(cell: str) -> tuple[str, str]:
    """A label cell without whitespace (numbering kept), and its core (numbering dropped)."""
    return re.sub(r"\s+", "", nfkc(cell)), core(cell)


@lru_cache(maxsize=65536)
def _unit_of(cell: str) -> str | None:
    """The unit a cell holding only a unit names (条, 万元 …), else None."""
    text = nfkc(cell).strip()
    return text if _UNIT_CELL.match(text) else None


def _split_row(cells: list[str]) -> tuple[list[str], str | None, list[str]]:
    """(label cells, printed unit, value cells). Label cells are the texts before the values."""
    last_label = -1
    for i, c in enumerate(cells):
        if c and not is_value_cell(c) and _unit_of(c) is None:
            last_label = i
    rest = cells[last_label + 1:]
    unit = _unit_of(rest[0]) if rest else None
    if unit is not None:
        rest = rest[1:]
    return [c for c in cells[:last_label + 1] if c], unit, rest


def _fit(values: list[str], n: int) -> list[str] | None:
    """Right-align a row's value cells onto n columns: the last printed cell is the last column."""
    values = list(values)
    while len(values) > n and values[-1] == "":
        values.pop()
    if len(values) > n:
        values = values[-n:]
    if not any(values) and len(values) < n - 1:
        return None                          # a header or caption row, not a row of blanks
    return [""] * (n - len(values)) + values


def extract_tables(doc: Document, spec: TableSpec) -> tuple[list[Metric], set[RowSpec]]:
    found: dict[RowSpec, tuple[list[str], str | None, str]] = {}
    for table in doc.tables:
        section: str | None = None
        in_s4 = any("复议" in c for r in table.rows for c in r)
        for i, cells in enumerate(table.rows):
            labels, unit, values = _split_row(cells)
            spec_row = _match(spec, labels, section, found) if labels else None
            if spec_row is None and not labels and in_s4:
                # the unlabelled row of numbers under the 四 header; a later row with figures beats a blank one
                spec_row = next((r for r in spec.rows if r.pattern is None and
                                 (r not in found or not any(found[r][0]))), None)
                if spec_row in found and not any(v.strip() for v in values):
                    continue
            if spec_row is not None and not values and unit is not None and len(spec_row.cells) == 1:
                values = [""]                        # "label<TAB>次" and an empty cell the line lost at its end
            if spec_row is None or not values:
                continue
            n = len(spec_row.cells)
            if not labels and len(values) > n and not any(values[:len(values) - n]):
                values = values[len(values) - n:]    # a row of figures with a blank label cell before them
            fitted = _fit(values, n)
            if fitted is None:
                continue
            found[spec_row] = (fitted, unit, table.row_locator(i))
            section = spec_row.block
    metrics = []
    for spec_row, (values, unit, locator) in found.items():
        for (key, applicant, basis), raw in zip(spec_row.cells, values):
            value, cell_unit, is_num = parse_cell(raw)
            unit_zh = catalogue()[key].unit
            metrics.append(Metric(key, to_unit(value, cell_unit or unit, unit_zh), raw, locator,
                                  applicant=applicant, basis=basis, unit=unit_zh))
    return metrics, set(found)


def label_matches(row: RowSpec, cell: str) -> bool:
    """Whether a printed label cell reads as `row` (numbering required where the row has a prefix)."""
    whole, bare = _label_forms(cell)
    return re.match((row.prefix or "") + row.pattern, whole if row.prefix else bare) is not None


def _match(spec: TableSpec, labels: list[str], section: str | None, found: dict) -> RowSpec | None:
    """The spec row a printed row stands for: its most specific (last) label cell decides; among rows
    with the same label (被依法纠错数 under 复议 and 诉讼) the one in the current section, else the first unused."""
    for cell in reversed(labels):
        hits = [r for r in _label_hits(spec, cell) if r not in found]
        if hits:
            same = [r for r in hits if r.block == section]
            return (same or hits)[0]
    return None


@lru_cache(maxsize=65536)
def _label_hits(spec: TableSpec, cell: str) -> tuple[RowSpec, ...]:
    """Every spec row whose label pattern a printed label cell matches, in spec order (the same labels recur
    in every report of a template, so each is matched against the patterns once)."""
    whole, bare = _label_forms(cell)
    return tuple(r for _, r, rx, prefixed in _row_patterns(spec) if rx.match(whole if prefixed else bare))
