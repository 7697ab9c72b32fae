"""Extraction from flattened text, where the table's cell boundaries are gone ("行政许可3960181")."""

from __future__ import annotations

import re
from functools import cache

from etl.checks.across_years import Neighbours, plain, split_constraints
from etl.checks.prose import stated_constraints
from etl.checks.rules import constraints_for
from etl.extract.numbers import BrokenRun, numeric_run, split_candidates
from etl.extract.split import RunRow, satisfiable, solve
from etl.extract.tables import near_rows
from etl.labels import compact
from etl.model import Metric
from etl.specs import SECTION4_FLAT, RowSpec, TableSpec, official_label
from warehouse.cells import UNITS, to_unit
from warehouse.contract import catalogue

WINDOW = 400  # a row label must follow the previous one within this many characters
FLAT_MARK = "（表格文字连排）"  # in the locator of every cell read from flattened text
HEADER_PARTS = 3  # header parts (words between figures) passed over looking for a misprinted first row


@cache  # compiled once per row, not looked up in re's cache for every row of every report
def _row_rx(row: RowSpec) -> re.Pattern:
    return re.compile(_row_regex(row))


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


def extract_flat(
    text: str,
    spec: TableSpec,
    skip: set[RowSpec],
    neighbours: Neighbours | None = None,
    stated: list[Metric] | None = None,
) -> tuple[list[Metric], list[str], set[RowSpec]]:
    """Rows of the flattened table. Digit runs are split by the table's own rules; a run they leave open may be
    completed by the neighbouring years' figures and open runs (`neighbours`), then by the figures the prose
    states (`stated`)."""
    flat = compact(text)
    anchor = re.search(spec.anchor, flat)
    pos = anchor.start() if anchor else 0
    hits: list[tuple[RowSpec, int, int]] = []
    approx: dict[RowSpec, str] = {}  # rows whose printed label was matched approximately -> locator note
    refused: list[str] = []
    for row in spec.rows:
        m = _row_rx(row).search(flat, pos)
        if m is None or (hits and m.start() - pos > WINDOW):
            near = _near_label(spec, flat, pos, row, first=not hits)
            if near is None:
                continue
            start, end, printed, rows = near
            if len({official_label(r) for r in rows}) > 1:
                refused.append(
                    f"正文第{start + 1}字起{FLAT_MARK}统计表行“{printed}”可能是"
                    f"{'或'.join('“' + official_label(r) + '”' for r in rows)}，未读取"
                )
                continue
            if row not in rows:
                continue
            approx[row] = f"（标签近似匹配：“{printed}”按“{official_label(row)}”读取）"
            hits.append((row, start, end))
            pos = end
            continue
        hits.append((row, m.start(), m.end()))
        pos = m.end()
    run_rows: list[RunRow] = []
    read: set[RowSpec] = set()  # rows whose figures were found (a label alone is not a row)
    money_units: dict[tuple, str | None] = {}
    printed: dict[tuple, str] = {}  # the digit run as printed, kept as raw where it stays unsplit
    broken: dict[str, str] = {}  # rows whose run holds a stray character (locator -> problem)
    for i, (row, start, end) in enumerate(hits):
        if row in skip:
            continue
        stop = hits[i + 1][1] if i + 1 < len(hits) else end + 200
        locator = f"正文第{start + 1}字起{FLAT_MARK}“{flat[start : min(stop, end + 40)]}”" + approx.get(row, "")
        try:
            found = numeric_run(flat[end:stop])
        except BrokenRun as e:  # its cells stay blank, and say why
            found, broken[locator] = (str(e), None), f"{locator}：数字“{e}”中夹有无法识别的字符，未读取"
        if found is None:
            continue
        run, tail = found
        cands = [] if locator in broken else _candidates(run, row.cells)
        run_rows.append(RunRow(row.cells, cands, locator))
        read.add(row)
        money_units[run_rows[-1].cells] = tail
        printed[run_rows[-1].cells] = run + (tail or "")
    values, problems = solve(run_rows, constraints_for(spec.name))
    unsplit = {f"{loc}：没有一种数字拆分符合表内勾稽关系": why for loc, why in broken.items()}
    problems = refused + [unsplit.get(p, p) for p in problems]
    cells = {k for r in run_rows for k in r.cells}
    notes: dict[tuple, str] = {}  # rows completed from outside the table -> locator note
    extra, known, beside = [], {}, []
    if neighbours and problems:
        beside, known = _open_rows(neighbours), _as_printed(neighbours.known(), money_units)
        extra = [c for c in split_constraints(cells, neighbours) if satisfiable(run_rows + beside, c, known)]
        notes |= dict.fromkeys(
            _complete_rows(run_rows, values, problems, spec, extra, known, beside), neighbours.note()
        )
    if stated and problems:  # only the figures of cells still open can settle anything
        still_open = {k for r in run_rows if any(values.get(c) is None for c in r.cells) for k in r.cells}
        more, figures, note = stated_constraints(still_open, stated)
        notes |= dict.fromkeys(
            _complete_rows(run_rows, values, problems, spec, extra + more, {**known, **figures}, beside), note
        )
    metrics = []
    for rr in run_rows:
        note = f"；按勾稽关系拆分（{'、'.join(sorted(rr.resolved_by))}）" if rr.resolved_by else ""
        if rr.cells in notes:
            note += f"，{notes[rr.cells]}"
        for key, applicant, basis in rr.cells:
            unit_zh = catalogue()[key].unit
            value = values.get((key, applicant, basis))
            metrics.append(
                Metric(
                    key,
                    to_unit(value, money_units.get(rr.cells), unit_zh),
                    _fmt(value) if value is not None else printed[rr.cells],
                    rr.locator + note,
                    applicant=applicant,
                    basis=basis,
                    unit=unit_zh,
                )
            )
    return metrics, problems, read


# the words of the next label: from a character no figure holds up to the next figure (a unit printed after them
# dropped, a bracketed remark kept whole: "(不同渠道和方式公开相同信息计1条)"); arabic numbering glued before them
# ("…0 5.属于…", "…35.属于…" when the figures run into it)
_BRACKETED = r"[(（][^)）]{0,60}[)）]"
_NEXT_WORDS = re.compile(
    r"\s*(?:" + UNITS + r")?[\s\d.,，%:：]*"
    r"((?:[^\s\d.,，%:：(（]|" + _BRACKETED + r")(?:[^\d(（]|" + _BRACKETED + r"){1,40}?)" + UNITS + r"?\s*(?=-?\d)"
)
_GLUED_NUMBER = re.compile(r"(\d{1,2})[.、]$")
_NUMBERING = re.compile(r"[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|(?<!\d)\d{1,2}[.、]")


def _near_label(spec: TableSpec, flat: str, pos: int, row: RowSpec, first: bool) -> tuple | None:
    """The label printed next after `pos` (past the figures of the row before), when no row's pattern matches it
    and it is within the allowed edits of some rows (a character lost, added or wrong; `row`, the one the table's
    order expects, allows a little more): (start, end, label, the rows it is as close to). Numbering glued to the
    figures before it is read as `row`'s own when its digits end them ("…0 35.属三类…" after 0 0 3 is 5.). Before
    the first row (`first`) the table's header runs into the label ("指标名称计量单位2013年度历年累计主动公…"): a
    few header parts are passed over, and the label may start anywhere in its part."""
    number = row.num or (re.sub(r"\D", "", row.prefix) if row.prefix else None)
    for _ in range(HEADER_PARTS if first else 1):
        m = _NEXT_WORDS.match(flat, pos, pos + WINDOW)
        if m is None:
            return None
        start, words = m.start(1), m.group(1).strip()
        glued = _GLUED_NUMBER.search(flat, max(pos, start - 3), start)
        if glued and number and glued.group(1).endswith(number):
            start -= len(number) + 1
            words = flat[start : m.start(1)] + words
        if near_rows(spec, words, row) is None:
            return None  # another row's own label: the row looked for is not printed here
        # a heading run into the label ("一、主动公开情况(一)主动公开…"): the label is a numbered part of it
        cuts = range(len(words) - 1) if first else [k.start() for k in _NUMBERING.finditer(words) if k.start()] + [0]
        for cut in sorted(cuts, reverse=not first):
            rows = near_rows(spec, words[cut:], row)
            if rows:
                return start + cut, m.end(1), words[cut:], rows
        pos = m.end(1)
    return None


def _candidates(run: str, cells) -> list[tuple[float, ...]]:
    """Every split of a printed digit run into the row's cells, as numbers."""
    return [tuple(float(p) for p in c) for c in split_candidates(run, [_kind(metric) for metric, _, _ in cells])]


def _as_printed(known: dict, money_units: dict) -> dict:
    """The neighbours' figures are in the catalogue's unit (万元); a row this report prints in 元 is split in 元."""
    in_yuan = {
        k for cells, unit in money_units.items() if unit == "元" for k in cells if catalogue()[k[0]].unit == "万元"
    }
    return {k: v * 10000 if plain(k) in in_yuan else v for k, v in known.items()}


def _open_rows(neighbours: Neighbours) -> list[RunRow]:
    """The neighbours' own open runs, as rows to split together with this report's (each keeps only the splits
    that agree with what is known of it)."""
    out = []
    for cells, run, figures in neighbours.unsettled():
        cands = [
            c
            for c in _candidates(run, [plain(k) for k in cells])
            if all(figures.get(k, v) == v for k, v in zip(cells, c))
        ]
        if cands:
            out.append(RunRow(cells, cands, ""))
    return out


def _complete_rows(
    rows: list[RunRow],
    values: dict,
    problems: list[str],
    spec: TableSpec,
    extra: list,
    known: dict,
    beside: list[RunRow] = (),
) -> set[tuple]:
    """Fill cells the table's own arithmetic left open with `extra` constraints over `known` outside figures: a cell
    is filled where every split the constraints allow agrees on it. They never change a value or blank one; a row
    keeps its problem until every cell is filled. Returns the cells of the rows that gained a value."""
    open_rows = [i for i, r in enumerate(rows) if any(values.get(k) is None for k in r.cells) and r.candidates]
    if not open_rows or not extra:
        return set()
    again = [RunRow(r.cells, list(r.candidates), r.locator) for r in rows]
    beside = [RunRow(r.cells, list(r.candidates), r.locator) for r in beside]
    values2, _ = solve(again + beside, list(constraints_for(spec.name)) + extra, known)
    filled = set()
    for i in open_rows:
        gained = {k: values2[k] for k in rows[i].cells if values.get(k) is None and values2.get(k) is not None}
        if not gained:
            continue
        values.update(gained)
        rows[i].resolved_by |= again[i].resolved_by
        filled.add(rows[i].cells)
        if all(values.get(k) is not None for k in rows[i].cells):
            problems[:] = [p for p in problems if not p.startswith(rows[i].locator + "：")]
    return filled


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else str(value)
