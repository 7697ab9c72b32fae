"""Excel export of a scorecard: one sheet of every agency ranked (with Excel's filters on every column), one sheet
per peer group, one sheet of deductions with their evidence (rule ids named in Chinese)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import xlsxwriter

from scoring.scorecard import Scorecard

DEDUCTIONS_SHEET = "扣分明细"
ALL_SHEET = "总排名"
_RULE_TAG = re.compile(r"\[([\w.]+)·(错误|警告|提示)\]\s*")


def deduction_text(message: str | None) -> str:
    """A deduction as a user reads it: '[xyear.in_force·警告] …' -> '现行有效件数衔接（警告）：…'."""
    from warehouse.labels import rule_zh

    return _RULE_TAG.sub(lambda m: f"{rule_zh(m.group(1))}（{m.group(2)}）：", message or "")


def sheet_name(label: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", label).strip("'") or "组"
    base = base[:31]
    name, i = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f"({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    taken.add(name)
    return name


def write_excel(sc: Scorecard, target: str | Path | io.BytesIO | None = None, year: int | None = None) -> bytes | None:
    """Write the workbook to a path or buffer; with target None return the bytes. year limits it to one year."""
    buf = io.BytesIO() if target is None else None
    wb = xlsxwriter.Workbook(buf if buf is not None else target, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    num = wb.add_format({"num_format": "0.0", "valign": "top"})

    scores = sc.scores if year is None else sc.scores.filter(sc.scores["year"] == year)
    evidence = sc.evidence if year is None else sc.evidence.filter(sc.evidence["year"] == year)
    ind_cols = sc.indicator_columns()
    taken: set[str] = {DEDUCTIONS_SHEET}
    columns = (
        [
            ("year", "年度"),
            ("rank", "排名"),
            ("agency", "机关"),
            ("total", "总分"),
            ("grade", "等级"),
            ("change", "较上年"),
        ]
        + [(c, f"{label}（{w:g}分）") for (c, label), w in zip(ind_cols, (i.weight for i in sc.rubric.indicators))]
        + [("publish_date", "发布日期"), ("report_id", "报告编号")]
    )
    ws = wb.add_worksheet(ALL_SHEET)
    taken.add(ALL_SHEET)
    everyone = scores.with_columns(scores["total"].rank("min", descending=True).cast(int).alias("overall_rank")).sort(
        ["year", "overall_rank", "agency"], descending=[True, False, False]
    )
    all_cols = [("overall_rank", "总排名"), ("peer_group", "同组")] + columns
    ws.write(0, 0, f"全部机关总排名    考核细则：{sc.rubric.name}    （表头可筛选、排序）", head)
    _write_rows(ws, everyone, all_cols, head, wrap, num)
    ws.autofilter(1, 0, 1 + everyone.height, len(all_cols) - 1)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 3, 6)
    ws.set_column(4, 4, 30)
    ws.set_column(5, len(all_cols) - 1, 11)
    ws.freeze_panes(2, 5)
    for group in sorted(scores["peer_group"].unique().to_list()):
        ws = wb.add_worksheet(sheet_name(group, taken))
        rows = scores.filter(scores["peer_group"] == group).sort(["year", "rank"], descending=[True, False])
        ws.write(0, 0, f"同组：{group}    考核细则：{sc.rubric.name}", head)
        _write_rows(ws, rows, columns, head, wrap, num)
        ws.set_column(0, 1, 6)
        ws.set_column(2, 2, 30)
        ws.set_column(3, len(columns) - 1, 11)
        ws.freeze_panes(2, 3)

    ws = wb.add_worksheet(DEDUCTIONS_SHEET)
    ded = evidence.filter(evidence["lost"] > 0).sort(["year", "agency", "indicator"], descending=[True, False, False])
    dcols = [
        ("year", "年度"),
        ("agency", "机关"),
        ("peer_group", "同组"),
        ("indicator_label", "指标"),
        ("lost", "扣分"),
        ("message", "问题"),
        ("this", "本报告（原文/发布日期/明细）"),
        ("other", "对照（雷同来源/期限）"),
        ("source", "依据/来源"),
        ("report_id", "报告编号"),
    ]
    for j, (_, label) in enumerate(dcols):
        ws.write(0, j, label, head)
    for i, r in enumerate(ded.iter_rows(named=True), start=1):
        for j, (col, _) in enumerate(dcols):
            v = r.get(col)
            if v is None:
                ws.write_blank(i, j, None)
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v, num if isinstance(v, float) else None)
            else:
                ws.write(i, j, (deduction_text(v) if col == "message" else str(v))[:32000], wrap)
    for j, w in enumerate((6, 28, 22, 10, 7, 50, 60, 60, 16, 18)):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, 0)
    wb.close()
    if buf is not None:
        return buf.getvalue()
    return None


def _write_rows(ws, rows, columns, head, wrap, num) -> None:
    """A header on row 2 and one row per score under it (a blank cell where a figure cannot be judged)."""
    for j, (_, label) in enumerate(columns):
        ws.write(1, j, label, head)
    for i, r in enumerate(rows.iter_rows(named=True), start=2):
        for j, (col, _) in enumerate(columns):
            v = r.get(col)
            if v is None:
                ws.write_blank(i, j, None)
            elif isinstance(v, float):
                ws.write_number(i, j, v, num)
            elif isinstance(v, int):
                ws.write_number(i, j, v)
            else:
                ws.write(i, j, str(v), wrap)
