"""Extraction from real tables (HTML, tab-separated text, DOCX, PDF): match each row's label to a RowSpec."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from rapidfuzz.distance import Levenshtein

from etl.labels import core
from etl.model import Document, Metric, Table
from etl.specs import RowSpec, TableSpec, official_label
from warehouse.cells import UNITS, is_value_cell, parse_cell, to_unit
from warehouse.contract import catalogue
from warehouse.text import nfkc

_UNIT_CELL = re.compile(rf"^{UNITS}$")


@cache
def _row_patterns(spec: TableSpec) -> list[tuple[int, RowSpec, re.Pattern, bool]]:
    """(index, row, compiled label pattern, whether it must match with its numbering prefix)."""
    return [
        (i, r, re.compile((r.prefix or "") + r.pattern), bool(r.prefix))
        for i, r in enumerate(spec.rows)
        if r.pattern is not None
    ]


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
    rest = cells[last_label + 1 :]
    unit = _unit_of(rest[0]) if rest else None
    if unit is not None:
        rest = rest[1:]
    return [c for c in cells[: last_label + 1] if c], unit, rest


def _fit(values: list[str], n: int) -> list[str] | None:
    """Right-align a row's value cells onto n columns: the last printed cell is the last column."""
    values = list(values)
    while len(values) > n and values[-1] == "":
        values.pop()
    if len(values) > n:
        values = values[-n:]
    if not any(values) and len(values) < n - 1:
        return None  # a header or caption row, not a row of blanks
    return [""] * (n - len(values)) + values


def extract_tables(doc: Document, spec: TableSpec) -> tuple[list[Metric], set[RowSpec], list[str]]:
    """(metrics, rows read, problems: labels that could be two rows and were not read)."""
    found: dict[RowSpec, tuple[list[str], str | None, str, list[tuple[str, str | None]]]] = {}
    unsure: dict[str, tuple[RowSpec, ...]] = {}
    for table in doc.tables:
        section: str | None = None
        last: RowSpec | None = None
        in_s4 = any("复议" in "\t".join(r) for r in table.rows)  # a row at once (a tab parts two cells' words)
        for i, cells in enumerate(table.rows):
            labels, unit, values = _split_row(cells)
            spec_row, note = _match(spec, labels, section, found, last, bool(values)) if labels else (None, "")
            if isinstance(spec_row, tuple):  # a label that could be two rows: not read, named
                unsure[labels[-1]] = spec_row
                continue
            if spec_row is None and not labels and in_s4:
                # the unlabelled row of numbers under the 四 header; a later row with figures beats a blank one
                spec_row = next(
                    (r for r in spec.rows if r.pattern is None and (r not in found or not any(found[r][0]))), None
                )
                if spec_row in found and not any(v.strip() for v in values):
                    continue
            if spec_row is not None and not values and unit is not None and len(spec_row.cells) == 1:
                values = [""]  # "label<TAB>次" and an empty cell the line lost at its end
            if spec_row is None or not values:
                continue
            n = len(spec_row.cells)
            if not labels and len(values) > n and not any(values[: len(values) - n]):
                values = values[len(values) - n :]  # a row of figures with a blank label cell before them
            fitted = _fit(values, n)
            if fitted is None:
                continue
            notes = _ocr_notes(table, i, cells, values, n)
            if len(values) < n and any(values) and table.row_locator(i).startswith("OCR "):
                # a scanned grid gives every cell, blank or not: a row short of cells lost some to the rules it
                # misread, so which column each figure is in is not known (text drops blank cells; a scan does not)
                why = f"该行只识别出 {len(values)} 个数字单元格（应有 {n} 个），无法确定各数所在列"
                notes = [(c, why) for c, _ in notes]
            found[spec_row] = (fitted, unit, table.row_locator(i) + note, notes)
            section, last = spec_row.block, spec_row
    for row in spec.rows:  # a row printed in place of others (2021's one-row （六）)
        if row.instead_of and row in found and any(r in found for r in spec.rows if r.cells[0][0] in row.instead_of):
            del found[row]
    metrics = []
    not_taken = []
    for spec_row, (values, unit, locator, notes) in found.items():
        for (key, applicant, basis), raw, (note, doubt) in zip(spec_row.cells, values, notes):
            value, cell_unit, is_num = parse_cell(raw)
            unit_zh = catalogue()[key].unit
            where = f"{locator} {note}" if note else locator
            if doubt:  # an OCR'd figure the engine was unsure of: named, not guessed
                value = None
                not_taken.append(f"{where}：{doubt}，未采用")
            metrics.append(
                Metric(
                    key,
                    to_unit(value, cell_unit or unit, unit_zh),
                    raw,
                    where,
                    applicant=applicant,
                    basis=basis,
                    unit=unit_zh,
                )
            )
    problems = [
        f"统计表行“{label}”可能是{'或'.join('“' + official_label(r) + '”' for r in rows)}，未读取"
        for label, rows in unsure.items()
        if not all(r in found for r in rows)
    ] + list(dict.fromkeys(not_taken))  # a row short of cells names each of its cells once
    return metrics, set(found), problems


def _ocr_notes(table: Table, i: int, cells: list[str], values: list[str], n: int) -> list[tuple[str, str | None]]:
    """(locator note, reason not taken) of each of a row's n fitted values: an OCR'd table's cell confidence,
    and its unsure figures. `_fit` right-aligns the values, the tail of the row's cells, after dropping blanks
    beyond n at their end."""
    if not (table.cell_notes or table.unsure) or values != cells[len(cells) - len(values) :]:
        return [("", None)] * n
    trailing = 0
    while len(values) - trailing > n and values[len(values) - 1 - trailing] == "":
        trailing += 1
    end, first = len(cells) - trailing, len(cells) - len(values)
    out = []
    for k in range(n):
        j = end - n + k
        out.append(("", None) if j < first else (table.cell_notes.get((i, j), ""), table.unsure.get((i, j))))
    return out


def label_matches(row: RowSpec, cell: str) -> bool:
    """Whether a printed label cell reads as `row` (numbering required where the row has a prefix)."""
    whole, bare = _label_forms(cell)
    return re.match((row.prefix or "") + row.pattern, whole if row.prefix else bare) is not None


def _match(
    spec: TableSpec, labels: list[str], section: str | None, found: dict, last: RowSpec | None, has_values: bool
) -> tuple[RowSpec | tuple[RowSpec, ...] | None, str]:
    """The spec row a printed row stands for, and a note for its locator when it was matched approximately: its
    most specific (last) label cell decides; among rows with the same label (被依法纠错数 under 复议 and 诉讼) the one
    in the current section, else the first unused. A last cell no label pattern matches is compared with the
    official labels (a character lost, added or wrong), its numbering and its place after the row before; a cell
    as close to two rows is returned as the tuple of both, and read as neither."""
    for k, cell in enumerate(reversed(labels)):
        hits = [r for r in _label_hits(spec, cell) if r not in found]
        if hits:
            same = [r for r in hits if r.block == section]
            return (same or hits)[0], ""
        if k == 0 and has_values and not _label_hits(spec, cell):
            near = _near(spec, cell, _next_row(spec, last, found))
            if near:
                rows = [r for r in near if r not in found]
                if len({official_label(r) for r in near}) > 1:
                    return tuple(near), ""
                if rows:
                    row = ([r for r in rows if r.block == section] or rows)[0]
                    printed = re.sub(r"\s+", "", nfkc(cell))
                    return row, f"（标签近似匹配：“{printed}”按“{official_label(row)}”读取）"
                return None, ""
    return None, ""


def _next_row(spec: TableSpec, last: RowSpec | None, found: dict) -> RowSpec | None:
    """The row the table's order puts after the last row read."""
    start = spec.rows.index(last) + 1 if last is not None else 0
    return next((r for r in spec.rows[start:] if r not in found and r.pattern is not None), None)


# printed numbering in any brackets and widths: （六） (六) 〔六〕 【六】 [六] 六、 3. 3、 (3)
_NUMBER = re.compile(
    r"^(?:[(\[〔【]([一二三四五六七八九十]+)[)\]〕】]|([一二三四五六七八九十]+)[、.]|"
    r"(\d{1,2})[.、](?!\d)|[(\[〔【](\d{1,2})[)\]〕】])"
)
_QUOTES = re.compile(r"[\"'“”‘’「」]")
_REMARK = re.compile(r"[(\[〔【][^)\]〕】]*[)\]〕】]$")


def _numbering(text: str) -> tuple[str | None, str]:
    """(the numbering a label starts with, as '六' or '3', and the words after it)."""
    m = _NUMBER.match(text)
    if not m:
        return None, text
    return next(g for g in m.groups() if g), text[m.end() :]


@cache
def _row_number(row: RowSpec) -> str | None:
    if row.prefix:
        return _numbering(row.prefix.replace("\\", "").replace("[.、]", "."))[0]
    return row.num


def _allowed(label: str) -> int:
    """Edits a label of this length may carry and still be told from every other: none below four characters."""
    return 0 if len(label) < 4 else max(1, len(label) // 8)


@lru_cache(maxsize=65536)
def _distances(spec: TableSpec, cell: str) -> tuple[str | None, str, tuple[tuple[RowSpec, int], ...]]:
    """(printed numbering, words, (row, edit distance) for every row whose numbering agrees)."""
    number, words = _numbering(re.sub(r"\s+", "", nfkc(cell)))
    words = re.sub(r"^其中[:：]?", "", words)
    words = _REMARK.sub("", words) or words
    words = _QUOTES.sub("", words)  # the official labels are written without them: not an edit
    out = []
    for row in spec.rows:
        want = _row_number(row)
        if row.pattern is None or (row.prefix and number != want) or (want and number and number != want):
            continue
        label = official_label(row)
        out.append((row, Levenshtein.distance(words, label, score_cutoff=max(_allowed(label) + 1, len(label) // 4))))
    return number, words, tuple(out)


def _near(spec: TableSpec, cell: str, expected: RowSpec | None) -> list[RowSpec]:
    """The rows a label is within its allowed edits of. The row the table's order expects next, when the label
    carries that row's numbering, allows one more, or a quarter of its label if that is more (a misprint
    dropping words, "2.其他法律行政止公开": numbering and place vouch for it)."""
    number, words, distances = _distances(spec, cell)
    near = []
    for row, d in distances:
        allowed = _allowed(official_label(row))
        if row is expected and number is not None and len(words) > 1:
            allowed = max(allowed + 1, len(official_label(row)) // 4)
        if d <= allowed:
            near.append(row)
    if not near and expected is not None and number is not None and len(words) >= 4:
        # a numbering misread ("（一）部分公开" by OCR for （二）) where the words are the expected row's own
        if words == official_label(expected) and all(r is not expected for r, _ in distances):
            near.append(expected)
    return near


def near_rows(spec: TableSpec, cell: str, expected: RowSpec | None) -> tuple[RowSpec, ...] | None:
    """The rows a printed label is within its allowed edits of (as `_match` reads a table row's label; flattened
    text reads its labels so too; two rows with different labels: read as neither), or None when the label is
    some row's own."""
    return None if _label_hits(spec, cell) else tuple(_near(spec, cell, expected))


@lru_cache(maxsize=65536)
def _label_hits(spec: TableSpec, cell: str) -> tuple[RowSpec, ...]:
    """Every spec row whose label pattern a printed label cell matches, in spec order (the same labels recur
    in every report of a template, so each is matched against the patterns once)."""
    whole, bare = _label_forms(cell)
    return tuple(r for _, r, rx, prefixed in _row_patterns(spec) if rx.match(whole if prefixed else bare))
