"""One report's text in one of the layouts real reports come in.

Layouts (the file extension follows the layout):
  tab          tab-separated table rows, like the seed reports (.txt)
  md           Markdown residue: ## headings, **bold** labels, &nbsp; and <br> inside tab rows (.md)
  md_pipe      Markdown pipe tables (| a | b |) as produced by converters (.md)
  html         a published page: <table> with rowspan/colspan headers, labels split over <p>s, &nbsp; blanks (.html)
  broken       tab rows whose labels are broken by stray spaces or wrapped onto a second line (.txt)
  flat_spaced  the table flattened onto one line, cells separated by single spaces (Pingtan 2014) (.txt)
  flat_merged  the table flattened with no separators at all: labels and digits glued (Pingtan 2021) (.txt)
"""

from __future__ import annotations

import html as _html
import random

from etl.synth import layouts as L

EXT = {
    "tab": "txt",
    "md": "md",
    "md_pipe": "md",
    "html": "html",
    "broken": "txt",
    "flat_spaced": "txt",
    "flat_merged": "txt",
}
FLAT = ("flat_spaced", "flat_merged")
_FW = str.maketrans("0123456789", "０１２３４５６７８９")


def fmt_number(x) -> str:
    if isinstance(x, float):
        if x == int(x):
            return str(int(x))
        return f"{x:.6f}".rstrip("0").rstrip(".")
    return str(x)


class Cells:
    """Printed text of every cell, and the truth value it stands for (None for blanks)."""

    def __init__(self, values: dict, raw: dict, rng: random.Random, layout: str):
        self.values, self.raw, self.truth = values, raw, {}
        flat = layout in FLAT
        self.zero_blank = not flat and rng.random() < 0.15  # zeros left blank (or 无 / /)
        self.blank_word = rng.choice(["", "", "无", "/", "—"])
        self.total_blank = not flat and rng.random() < 0.1  # Shanghai: 总计 of outcome rows left blank
        self.noisy = not flat and rng.random() < 0.15  # full-width digits, thousands separators
        self.rng = rng

    def text(self, key) -> str:
        v = self.values[key]
        metric, applicant, _ = key
        blank = (self.zero_blank and v == 0 and key not in self.raw) or (
            self.total_blank and applicant == "total" and metric.startswith("outcome.") and metric != "outcome.total"
        )
        if blank:
            self.truth[key] = None
            return self.blank_word
        self.truth[key] = v
        s = self.raw.get(key) or fmt_number(v)
        if self.noisy and key not in self.raw:
            r = self.rng.random()
            if r < 0.1:
                s = s.translate(_FW)
            elif r < 0.2 and isinstance(v, int) and v >= 1000:
                s = f"{v:,}"
        return s


def _break(label: str, rng: random.Random) -> str:
    """A stray space inside a label (三、本年度办 理结果)."""
    if len(label) < 5:
        return label
    i = rng.randint(2, len(label) - 2)
    return label[:i] + " " + label[i:]


# ---------------------------------------------------------------- tab / md / broken / pipe
def _lines_table(items: list, cells: Cells, layout: str, rng: random.Random) -> list[str]:
    out: list[str] = []
    md = layout == "md"
    pipe = layout == "md_pipe"
    for it in items:
        kind = it[0]
        if kind in ("section", "caption"):
            text = it[1]
            out.append(("**" + text + "**") if md and kind == "caption" else (("## " if md else "") + text))
            continue
        if kind == "group":
            out.append(it[1] + ("\t" * 8 if not pipe else ""))
            continue
        if kind == "header":
            row = it[1]
        else:
            _, label, unit, keys = it
            vals = [cells.text(k) for k in keys]
            if md:
                vals = [v if v else "&nbsp;" for v in vals]
                label = f"**{label}**" if rng.random() < 0.3 else label
            if layout == "broken" and rng.random() < 0.3:
                label = _break(label, rng)
            row = [*([label] if label else []), *([unit] if unit is not None else []), *vals]
            if layout == "broken" and len(label) > 14 and rng.random() < 0.3:
                cut = rng.randint(6, len(label) - 4)
                out.append(label[:cut])  # the label wraps onto the next line
                row[0] = label[cut:]
        if pipe:
            out.append("| " + " | ".join(row) + " |")
            if kind == "header":
                out.append("|" + "---|" * len(row))
        else:
            out.append("\t".join(row))
    return out


def _s3_header(layout: str) -> list:
    return [
        ("header", [L.S3_NOTE, "申请人情况"]),
        ("header", ["", "自然人", "法人或其他组织", "", "", "", "", "总计"]),
        ("header", ["", "", *L.S3_PARTIES[1:6], ""]),
    ]


def _s4_items() -> list:
    return [
        ("header", ["行政复议", "行政诉讼"]),
        ("header", [*L.S4_RESULTS, "未经复议直接起诉", "复议后起诉"]),
        ("header", ["", "", "", "", "", *L.S4_RESULTS, *L.S4_RESULTS]),
        L.S4_ROW,
    ]


def table_items(spec_name: str, year: int) -> list[list]:
    """The statistics table(s) of a template as item lists, one list per printed table."""
    if spec_name == "national":
        return [L.NATIONAL]
    if spec_name.startswith("fujian"):
        return [[L.fujian_header(year), *L.TABLES[spec_name]]]
    s2, s3 = L.TABLES[spec_name]
    return [s2, [L.S3_HEAD, *_s3_header("tab"), *s3], [L.S4_HEAD, *_s4_items()]]


# ---------------------------------------------------------------- flat
def flat_table(items: list, cells: Cells, spaced: bool, runs: list) -> str:
    """Flattened text; `runs` collects (keys, digit run) of every value row for the truth's ambiguity count."""
    sep = " " if spaced else ""
    parts: list[str] = []
    for it in items:
        if it[0] in ("section", "caption", "group"):
            parts.append(it[1])
        elif it[0] == "header":
            parts.append(sep.join(c for c in it[1] if c))
        else:
            _, label, unit, keys = it
            vals = [cells.text(k) for k in keys]
            runs.append((keys, "".join(vals)))
            parts.append(
                sep.join([label, *([unit] if unit else []), *vals]) if spaced else label + (unit or "") + "".join(vals)
            )
    return sep.join(parts)


def count_splits(run: str, keys: list) -> int:
    """How many ways the digit run can be cut into len(keys) numbers (no leading zeros; '-' only for
    本年增/减; '.' only for amounts). 1 means the row is splittable on its own."""
    kinds = [
        "change"
        if k[0].endswith(".change")
        else "money"
        if k[0].endswith((".amount", "fees.collected", "budget.special_funds"))
        else "count"
        for k in keys
    ]
    run = run.replace("元", "")
    n, m = len(run), len(kinds)
    memo: dict = {}

    def ok(tok: str, kind: str) -> bool:
        if kind == "change" and tok.startswith("-"):
            tok = tok[1:]
        if "." in tok:
            if kind != "money":
                return False
            w, _, f = tok.partition(".")
            return bool(w) and bool(f) and f.isdigit() and w.isdigit() and (w == "0" or not w.startswith("0"))
        return tok.isdigit() and (tok == "0" or not tok.startswith("0"))

    def go(i: int, j: int) -> int:
        if j == m:
            return 1 if i == n else 0
        if (i, j) in memo:
            return memo[(i, j)]
        total = 0
        for e in range(i + 1, n - (m - j - 1) + 1):
            if ok(run[i:e], kinds[j]):
                total += go(e, j + 1)
                if total > 99:
                    break
        memo[(i, j)] = total
        return total

    return go(0, 0)


# ---------------------------------------------------------------- html
def _td(text: str, rs: int = 1, cs: int = 1, split: bool = False) -> str:
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    t = _html.escape(text) if text else "&nbsp;"
    if split and len(text) >= 4:  # 商业</p><p>企业: a label broken over two paragraphs
        h = len(text) // 2
        t = f"{_html.escape(text[:h])}</p><p>{_html.escape(text[h:])}"
    return f"<td{attrs}><p>{t}</p></td>"


def html_tables(spec_name: str, year: int, cells: Cells, rng: random.Random) -> list[str]:
    split = rng.random() < 0.5
    if spec_name == "national" or spec_name.startswith("fujian"):
        items = table_items(spec_name, year)[0]
        ncol = 4 if spec_name.startswith("fujian") else 3
        rows = []
        for it in items:
            if it[0] == "header":
                rows.append("<tr>" + "".join(_td(c) for c in it[1]) + "</tr>")
            elif it[0] == "section":
                rows.append("<tr>" + _td(it[1]) + "".join(_td("") for _ in range(ncol - 1)) + "</tr>")
            else:
                _, label, unit, keys = it
                rows.append(
                    "<tr>" + _td(label, split=split) + _td(unit) + "".join(_td(cells.text(k)) for k in keys) + "</tr>"
                )
        return ['<table border="1" cellspacing="0"><tbody>' + "\n".join(rows) + "</tbody></table>"]
    s2, s3 = L.TABLES[spec_name]
    out = []
    # 二: one table, captions colspan=5; data cells spread over 4 grid columns by colspans
    rows = []
    for it in s2:
        if it[0] == "section":
            continue
        if it[0] == "caption":
            rows.append("<tr>" + _td(it[1], cs=5) + "</tr>")
        elif it[0] == "header":
            hs = it[1]
            spans = {4: [1, 1, 1, 2], 3: [1, 2, 2], 2: [1, 4]}[len(hs)]
            rows.append("<tr>" + "".join(_td(h, cs=s) for h, s in zip(hs, spans)) + "</tr>")
        else:
            _, label, _, keys = it
            vals = [cells.text(k) for k in keys]
            spans = {3: [2, 1, 1] if rng.random() < 0.5 else [1, 1, 2], 2: [2, 2], 1: [4]}[len(vals)]
            rows.append("<tr>" + _td(label) + "".join(_td(v, cs=s) for v, s in zip(vals, spans)) + "</tr>")
    out.append("<p>二、主动公开政府信息情况</p>")
    out.append('<table border="1" cellspacing="1"><tbody>' + "\n".join(rows) + "</tbody></table>")
    # 三: the three-row applicant header, row groups with rowspan
    rows = [
        "<tr>" + _td(L.S3_NOTE, rs=3, cs=3) + _td("申请人情况", cs=7) + "</tr>",
        "<tr>" + _td("自然人", rs=2) + _td("法人或其他组织", cs=5) + _td("总计", rs=2) + "</tr>",
        "<tr>" + "".join(_td(p, split=split) for p in L.S3_PARTIES[1:6]) + "</tr>",
    ]
    pending: list[str] = []
    for it in s3:
        if it[0] == "group":
            span = it[2] if it[1].startswith("三") else it[2]
            pending.append(_td(it[1], rs=span))
            continue
        _, label, _, keys = it
        vals = "".join(_td(cells.text(k)) for k in keys)
        if label.startswith(("一、", "二、", "四、")):
            rows.append("<tr>" + _td(label, cs=3) + vals + "</tr>")
        elif label.startswith("（"):
            rows.append("<tr>" + "".join(pending) + _td(label, cs=2) + vals + "</tr>")
            pending = []
        else:
            rows.append("<tr>" + "".join(pending) + _td(label) + vals + "</tr>")
            pending = []
    out.append("<p>三、收到和处理政府信息公开申请情况</p>")
    out.append('<table border="1" cellspacing="1"><tbody>' + "\n".join(rows) + "</tbody></table>")
    rows = [
        "<tr>" + _td("行政复议", cs=5) + _td("行政诉讼", cs=10) + "</tr>",
        "<tr>"
        + "".join(_td(r, rs=2) for r in L.S4_RESULTS)
        + _td("未经复议直接起诉", cs=5)
        + _td("复议后起诉", cs=5)
        + "</tr>",
        "<tr>" + "".join(_td(r) for r in L.S4_RESULTS * 2) + "</tr>",
        "<tr>" + "".join(_td(cells.text(k)) for k in L.S4_ROW[3]) + "</tr>",
    ]
    out.append("<p>四、政府信息公开行政复议、行政诉讼情况</p>")
    out.append('<table border="1" cellspacing="1"><tbody>' + "\n".join(rows) + "</tbody></table>")
    return out
