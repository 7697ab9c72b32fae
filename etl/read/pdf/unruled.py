"""Tables drawn without rules, rebuilt from text positions (a best effort, tried on pages with no ruled
table): a row is a line ending in figures; the figure columns are the x-clusters of all figures in the run
of rows (a missing figure is a blank cell ''); label fragments wrapped above/below a row are given to the
nearest row and grouped into cells by horizontal overlap. Headers above the first row become rows of their
own. A cell that spans rows lands in one of them.

Prose is not a table: a line holding a run of text wider than `PROSE_WIDTH` ems, or a long line with figures
amid its words ("共收到申请 25 件，办结 24"), is a paragraph's line even when it ends in a figure, so a
paragraph full of figures stays text (and its figures reach the prose checks).
"""

from __future__ import annotations

import re

from etl.read.pdf.text import fix_glyphs

WORD_GAP = 1.5  # pt between glyphs of one word (pdfplumber x_tolerance)
LINE_SNAP = 2.5  # pt: words whose tops are this close are on one line
PROSE_WIDTH = 15  # ems: a word this wide is prose (a paragraph line or a heading)
PROSE_CHARS = 16  # characters: a line this long with a figure amid its words is prose
RUN_GAP = 14  # ems: figure rows further apart than this start a new table
COLUMN_GAP = 1.5  # ems: figure centres closer than this are one column
HEADER_REACH = 12  # ems above the first row searched for header lines
LABEL_REACH = 6.5  # ems: a wrapped label block this far from a row's figures belongs to no row
WRAP_GAP = 0.9  # ems between the lines of one wrapped label
ROW_OF_FIGURES = 5  # a lone row of this many bare figures is a table (section 四's shape)

_NUM = re.compile(r"^[-−]?[0-9][0-9,，.]*%?$|^[-—/／无]$")


def fragments(page, pno: int) -> list[dict]:
    words = page.extract_words(x_tolerance=WORD_GAP, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        w = {**w, "text": fix_glyphs(w["text"])}
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= LINE_SNAP:
            lines[-1].append(w)
        else:
            lines.append([w])
    if not lines:
        return []
    size = sorted(w["bottom"] - w["top"] for ws in lines for w in ws)[len(words) // 2] if words else 10.0
    size = max(4.0, size)

    def prose(ws: list[dict]) -> bool:
        """A paragraph's line: a run of text wider than a label, or a long line with figures amid its words
        (a table row's figures all trail its label)."""
        if any(w["x1"] - w["x0"] > PROSE_WIDTH * size for w in ws):
            return True
        k = len(ws)
        while k > 0 and _NUM.match(ws[k - 1]["text"]):
            k -= 1
        inside = any(_NUM.match(w["text"]) for w in ws[:k])
        return inside and sum(len(w["text"]) for w in ws) >= PROSE_CHARS

    # a numeric line: its trailing words are figures
    num_rows = []
    for i, ws in enumerate(lines):
        ws.sort(key=lambda w: w["x0"])
        k = len(ws)
        while k > 0 and _NUM.match(ws[k - 1]["text"]):
            k -= 1
        figures = ws[k:]
        if len(figures) >= 1 and (k > 0 or len(figures) >= 3) and not prose(ws):
            num_rows.append(
                {
                    "i": i,
                    "labels": ws[:k],
                    "figures": figures,
                    "y": sum(w["top"] + w["bottom"] for w in figures) / (2 * len(figures)),
                }
            )
    if not num_rows:
        return []
    # runs of numeric rows close to each other form a table
    # (a line of text over the figure columns between two rows is the header of a new table: the tables of
    # 2019's section 二 each have their own columns)
    runs: list[list[dict]] = [[num_rows[0]]]
    for r in num_rows[1:]:
        between = lines[runs[-1][-1]["i"] + 1 : r["i"]]
        if (
            r["y"] - runs[-1][-1]["y"] > RUN_GAP * size
            or any(prose(ws) for ws in between)
            or _over_figures(between, runs[-1][-1], r)
        ):
            runs.append([r])
        else:
            runs[-1].append(r)
    out = []
    for run in runs:
        first, last = run[0]["i"], run[-1]["i"]
        # figure columns
        xs = sorted((w["x0"] + w["x1"]) / 2 for r in run for w in r["figures"])
        cols: list[list[float]] = [[xs[0]]]
        for x in xs[1:]:
            (cols[-1].append(x) if x - cols[-1][-1] < COLUMN_GAP * size else cols.append([x]))
        centers = [sum(c) / len(c) for c in cols]
        counts = {len(r["figures"]) for r in run}
        by_order = len(counts) == 1 and len(centers) > min(counts) and not _shared_column(run, cols, size)
        label_right = min(w["x0"] for r in run for w in r["figures"])
        # label text (left of the figures) wrapped over several lines: stack the lines into blocks (words
        # overlapping horizontally, one line apart), then give each block to the row nearest its middle
        top_i = first
        while (
            top_i > 0
            and run[0]["y"] - lines[top_i - 1][0]["top"] < HEADER_REACH * size
            and not any(_NUM.match(w["text"]) for w in lines[top_i - 1])
            and not prose(lines[top_i - 1])
        ):
            top_i -= 1
        header_lines = lines[top_i:first]
        label_from = first
        if (
            first > 0
            and not prose(lines[first - 1])
            and _wrapped_label_above(lines[first - 1], run[0], label_right, size)
        ):
            label_from = first - 1  # the first row's label begins a line above (its cell centred on the figures)
            header_lines = header_lines[:-1] if header_lines and header_lines[-1] is lines[label_from] else header_lines
        if len(run) < 2 and not (len(run[0]["figures"]) >= ROW_OF_FIGURES and not run[0]["labels"]):
            if not _over_figures(header_lines, run[0], run[0]):
                continue  # one row of figures alone is a table only in 四's shape, or under its own header
        label_words = [
            w
            for ws in lines[label_from : last + 1]
            for w in ws
            if w["x1"] <= label_right + size and not (_NUM.match(w["text"]) and w["x0"] >= label_right - 1)
        ]
        # a word on a row's own line anchors its block to that row: a block never holds two rows' lines
        row_of_line = {r["i"]: r for r in run}
        line_of = {id(w): i for i in range(label_from, last + 1) for w in lines[i]}
        blocks: list[tuple[list[dict], dict | None]] = []
        for w in sorted(label_words, key=lambda w: (w["top"], w["x0"])):
            anchor = row_of_line.get(line_of[id(w)])
            for k, (b, b_anchor) in enumerate(blocks):
                lw = b[-1]
                if (
                    w["x0"] < lw["x1"] - 1
                    and lw["x0"] < w["x1"] - 1
                    and -1 <= w["top"] - lw["bottom"] <= WRAP_GAP * size
                    and (anchor is None or b_anchor is None or anchor is b_anchor)
                ):
                    b.append(w)
                    blocks[k] = (b, b_anchor or anchor)
                    break
            else:
                blocks.append(([w], anchor))
        frags: dict[int, list[dict]] = {id(r): [] for r in run}
        for b, anchor in blocks:
            y = (min(w["top"] for w in b) + max(w["bottom"] for w in b)) / 2
            near = anchor or min(run, key=lambda r: abs(r["y"] - y))
            if abs(near["y"] - y) <= LABEL_REACH * size:
                frags[id(near)].extend(b)
        rows: list[list[str]] = []
        if header_lines:
            rows.append(_cells_by_overlap([w for ws in header_lines for w in ws]))
        for r in run:
            cells = _cells_by_overlap(frags[id(r)])
            if by_order:  # each row's figures centred apart from the others' (cells spanning columns): in order
                rows.append(cells + [w["text"] for w in r["figures"]])
                continue
            values = [""] * len(centers)
            for w in r["figures"]:
                cx = (w["x0"] + w["x1"]) / 2
                j = min(range(len(centers)), key=lambda j: abs(centers[j] - cx))
                values[j] = (values[j] + w["text"]) if values[j] else w["text"]
            rows.append(cells + values)
        allw = [w for ws in lines[top_i : last + 1] for w in ws]
        box = (
            min(w["x0"] for w in allw),
            min(w["top"] for w in allw),
            max(w["x1"] for w in allw),
            max(w["bottom"] for w in allw),
        )
        out.append({"bbox": box, "rows": rows, "page": pno, "unruled": True})
    return out


def _wrapped_label_above(line: list[dict], row: dict, label_right: float, size: float) -> bool:
    """A line right above a row (within a line's height of its figures), all of it left of the figures: the first
    line of the row's wrapped label (its cell centred on the figures' line), not a header."""
    return row["y"] - max(w["bottom"] for w in line) <= size and all(w["x1"] <= label_right for w in line)


def _shared_column(run: list[dict], cols: list[list[float]], size: float) -> bool:
    """Whether two rows of the run have a figure in one column (the columns are then real, blanks possible)."""
    for col in cols:
        lo, hi = min(col) - COLUMN_GAP * size / 2, max(col) + COLUMN_GAP * size / 2
        if sum(any(lo <= (w["x0"] + w["x1"]) / 2 <= hi for w in r["figures"]) for r in run) > 1:
            return True
    return False


def _over_figures(lines: list[list[dict]], above: dict, below: dict) -> bool:
    """Whether a line of text reaches over the figure columns of the rows around it (a header, never a label)."""
    left = min(w["x0"] for w in above["figures"] + below["figures"])
    return any((w["x0"] + w["x1"]) / 2 > left for ws in lines for w in ws)


def _cells_by_overlap(words: list[dict]) -> list[str]:
    """Words of one row's label area -> cells: words overlapping horizontally are one cell (read top down)."""
    groups: list[list[dict]] = []
    for w in sorted(words, key=lambda w: w["x0"]):
        for g in groups:
            if any(w["x0"] < o["x1"] - 1 and o["x0"] < w["x1"] - 1 for o in g):
                g.append(w)
                break
        else:
            groups.append([w])
    groups.sort(key=lambda g: min(w["x0"] for w in g))
    return ["".join(w["text"] for w in sorted(g, key=lambda w: (round(w["top"]), w["x0"]))) for g in groups]
