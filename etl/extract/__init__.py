"""Extracting tables: Document + recognised template -> metric rows, with what could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.checks.across_years import Neighbours
from etl.extract.flat import extract_flat
from etl.extract.tables import extract_tables
from etl.model import Document, Metric
from etl.specs import RowSpec, TableSpec
from warehouse.cells import is_value_cell

# rows that variants of a template legitimately leave out (Fujian 2012 has no 其它形式; 2017 has no 收费减免)
OPTIONAL_ROWS = {"request.received.other", "request.received.email", "fees.collected"}


@dataclass
class Extraction:
    metrics: list[Metric] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows_found: int = 0
    rows_expected: int = 0


def extract(
    doc: Document, spec: TableSpec, neighbours: Neighbours | None = None, stated: list[Metric] | None = None
) -> Extraction:
    """Rows found in real tables win; rows the tables lack are looked for in the flattened text (where the
    neighbouring years' figures, when given, and the figures the prose states may settle a digit run the table
    alone cannot split)."""
    metrics, found, problems = extract_tables(doc, spec)
    flat_metrics, flat_found = [], set()
    if _unread(spec, found):  # every row read from real tables: nothing left to look for
        flat_metrics, flat_problems, flat_found = extract_flat(
            _without_scanned_grids(doc), spec, skip=found, neighbours=neighbours, stated=stated
        )
        problems = problems + flat_problems
    out = Extraction(metrics + flat_metrics, problems, len(found | flat_found), len(spec.rows))
    missing = [r for r in _unread(spec, found | flat_found) if r.cells[0][0] not in OPTIONAL_ROWS]
    if missing and out.rows_found:
        names = "、".join(r.cells[0][0] for r in missing[:6])
        out.problems.append(f"统计表缺少 {len(missing)} 行（{names}{'…' if len(missing) > 6 else ''}）")
    return out


def _without_scanned_grids(doc: Document) -> str:
    """The text to read flattened rows from, without the rows of a table rebuilt from a scan's rules that hold only
    a label or only figures: the scan lost cells there, and flattened, the label would take the next row's figures.
    A row holding both (a label misread as "7了.属于…") is read flattened as it was printed."""
    lost = {
        "\t".join(r)
        for t in doc.tables
        if t.locator.startswith("OCR ")
        for r in t.rows
        if not (any(is_value_cell(c) for c in r) and any(c and not is_value_cell(c) for c in r))
    }
    if not lost:
        return doc.text
    return "\n".join(line for line in doc.text.split("\n") if line not in lost)


def _unread(spec: TableSpec, read: set[RowSpec]) -> list[RowSpec]:
    """The rows not read, but for a row printed in place of others (2021's one-row （六）), which is named only by
    the rows it stands for, and those rows where it was read."""
    replaced = {k for r in read for k in r.instead_of}
    return [r for r in spec.rows if r not in read and not r.instead_of and r.cells[0][0] not in replaced]
