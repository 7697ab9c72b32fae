"""A hand-built PDF with the structure of WPS's section 三 table (the hongze report's): a vertical group cell over
every outcome row set in vertical writing (an Identity-V style CMap, the text matrix scaled as WPS writes it),
（三）不予公开 spanning its eight sub-rows, labels broken inside their cells, and the table running over a page
break between （四）2 and （四）3 with no rule under the last row of the first page."""

from __future__ import annotations

from minimal_pdf import pdf_from_objects

W, H = 595.0, 842.0
COLS = [76.0, 103.0, 180.0, 310.0, 342.0, 370.0, 398.0, 427.0, 455.0, 483.0, 516.0]
SCALE = 0.05  # WPS: "/F 180 Tf" with a text matrix of 0.05 (9 pt)

# (label lines, first column, last column, figures of the seven applicant columns) per row;
# the vertical group cell (column 0) and the group cells of column 1 are drawn apart
PAGE1 = [
    (["三、收到和处理政府信息公开申请情况"], None, None, None),
    (["一、本年新收政府信息公开申请数量"], 0, 2, [14, 2, 0, 0, 1, 0, 17]),
    (["二、上年结转政府信息公开申请数量"], 0, 2, [1, 0, 0, 0, 0, 0, 1]),
    (["（一）予以公开"], 1, 2, [5, 1, 0, 0, 0, 0, 6]),
    (["（二）部分公开（区分处理的，只计这一情", "形，不计其他情形）"], 1, 2, [2, 0, 0, 0, 0, 0, 2]),
    (["1.属于国家秘密"], 2, 2, [1, 0, 0, 0, 0, 0, 1]),
    (["2.其他法律行政法规禁止公开"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["3.危及“三安全一稳定”"], 2, 2, [1, 0, 0, 0, 0, 0, 1]),
    (["4.保护第三方合法权益"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["5.属于三类内部事务信息"], 2, 2, [1, 0, 0, 0, 0, 0, 1]),
    (["6.属于四类过程性信息"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["7.属于行政执法案卷"], 2, 2, [1, 0, 0, 0, 0, 0, 1]),
    (["8.属于行政查询事项"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["1.本机关不掌握相关政府信息"], 2, 2, [1, 0, 0, 0, 0, 0, 1]),
    (["2.没有现成信息需要另行制作"], 2, 2, [3, 0, 0, 0, 0, 0, 3]),
]
PAGE2 = [
    (["3.补正后申请内容仍不明确"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["1.信访举报投诉类申请"], 2, 2, [0, 1, 0, 0, 0, 0, 1]),
    (["2.重复申请"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["3.要求提供公开出版物"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["4.无正当理由大量反复", "申请"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["5.要求行政机关确认或重", "新出具已获取信息"], 2, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["（六）其他处理"], 1, 2, [0, 0, 0, 0, 0, 0, 0]),
    (["（七）总计"], 1, 2, [15, 2, 0, 0, 0, 0, 17]),
    (["四、结转下年度继续办理"], 0, 2, [0, 0, 0, 0, 1, 0, 1]),
]
HEADS = [
    ["自然人"],
    ["商业", "企业"],
    ["科研", "机构"],
    ["社会", "公益", "组织"],
    ["法律", "服务", "机构"],
    ["其他"],
    ["总计"],
]
# column 1's group cells: (label, first row, last row) by page (row indexes of PAGE1/PAGE2)
GROUPS1 = [("（三）不予公开", 5, 12), ("（四）无法提供", 13, 14)]
GROUPS2 = [("（四）无法提供", 0, 0), ("（五）不予处理", 1, 5)]

# the figures each section 三 row must come out with (metric -> the seven applicant columns)
TRUTH = {
    "request.new": PAGE1[1][3],
    "request.carried_in": PAGE1[2][3],
    "outcome.granted": PAGE1[3][3],
    "outcome.partial": PAGE1[4][3],
    "outcome.denied.state_secret": PAGE1[5][3],
    "outcome.denied.law_forbidden": PAGE1[6][3],
    "outcome.denied.security_stability": PAGE1[7][3],
    "outcome.denied.third_party": PAGE1[8][3],
    "outcome.denied.internal_affairs": PAGE1[9][3],
    "outcome.denied.process_info": PAGE1[10][3],
    "outcome.denied.enforcement_file": PAGE1[11][3],
    "outcome.denied.query_matter": PAGE1[12][3],
    "outcome.unable.not_held": PAGE1[13][3],
    "outcome.unable.needs_creation": PAGE1[14][3],
    "outcome.unable.unclear": PAGE2[0][3],
    "outcome.unprocessed.petition": PAGE2[1][3],
    "outcome.unprocessed.repeat": PAGE2[2][3],
    "outcome.unprocessed.publication": PAGE2[3][3],
    "outcome.unprocessed.excessive": PAGE2[4][3],
    "outcome.unprocessed.confirmation": PAGE2[5][3],
    "outcome.other": PAGE2[6][3],
    "outcome.total": PAGE2[7][3],
    "request.carried_out": PAGE2[8][3],
}


def _hex(text: str) -> bytes:
    return b"<" + text.encode("utf-16-be").hex().encode() + b">"


def _text(font: bytes, size: float, x: float, top: float, text: str) -> bytes:
    """Horizontal text whose em box starts at (x, top) in top-down coordinates."""
    y = H - top - size * 0.88
    return b"BT /%s %g Tf %g 0 0 %g %.2f %.2f Tm %s Tj ET\n" % (font, size / SCALE, SCALE, SCALE, x, y, _hex(text))


def _vertical(size: float, cx: float, top: float, text: str) -> bytes:
    """Vertical writing down from `top`, centred on cx (the V font's origin is the glyph's top centre)."""
    return b"BT /FV %g Tf %g 0 0 %g %.2f %.2f Tm %s Tj ET\n" % (size / SCALE, SCALE, SCALE, cx, H - top, _hex(text))


def _line(x0: float, t0: float, x1: float, t1: float) -> bytes:
    return b"%.2f %.2f m %.2f %.2f l S\n" % (x0, H - t0, x1, H - t1)


def _cell_text(lines: list[str], x0: float, x1: float, top: float, bottom: float, size: float, left: bool) -> bytes:
    out = b""
    lead = size * 1.2
    y = (top + bottom) / 2 - lead * len(lines) / 2 + (lead - size) / 2
    for line in lines:
        width = len(line) * size
        x = x0 + 2 if left else (x0 + x1 - width) / 2
        out += _text(b"FH", size, x, y, line)
        y += lead
    return out


def _page(rows: list, groups: list, top: float, first: bool) -> bytes:
    out = b"0.6 w\n"
    tops = []
    y = top
    if first:
        out += _text(b"FH", 14, COLS[0] + 60, 60, rows[0][0][0])
        rows = rows[1:]
        # the header row: a caption over columns 0-2, the applicant headings
        out += _cell_text(
            ["（本列数据的勾稽关系为：第一项加第二项之和，", "等于第三项加第四项之和）"],
            COLS[0],
            COLS[3],
            y,
            y + 48,
            8,
            True,
        )
        for j, head in enumerate(HEADS):
            out += _cell_text(head, COLS[3 + j], COLS[4 + j], y, y + 48, 8, False)
        for x in (COLS[0], *COLS[3:]):
            out += _line(x, y, x, y + 48)
        out += _line(COLS[0], y, COLS[-1], y)
        y += 48
    for labels, c0, c1, figures in rows:
        h = 20.0 if len(labels) == 1 else 30.0
        tops.append((y, y + h))
        out += _cell_text(labels, COLS[c0], COLS[c1 + 1], y, y + h, 9, True)
        for j, v in enumerate(figures):
            out += _cell_text([str(v)], COLS[3 + j], COLS[4 + j], y, y + h, 12, False)
        out += _line(COLS[c0], y, COLS[-1], y)  # the rule above the row, over the columns it owns
        for x in COLS[c0:]:
            if x not in (COLS[c0 + 1 : c1 + 1]):
                out += _line(x, y, x, y + h)
        y += h
    bottom = y
    if not first:
        out += _line(COLS[0], bottom, COLS[-1], bottom)  # the first page's last row has no rule under it
    # the vertical group cell over the outcome rows (column 0), its text on the first page only
    start = tops[2][0] if first else tops[0][0]
    end = tops[-1][1] if first else tops[-2][1]
    out += _line(COLS[0], start, COLS[0], end) + _line(COLS[1], start, COLS[1], end)
    out += _line(COLS[0], start, COLS[1], start)
    if first:
        text = "三、本年度办理结果"
        out += _vertical(9, (COLS[0] + COLS[1]) / 2, (start + end) / 2 - len(text) * 9 / 2, text)
    for label, r0, r1 in groups:
        g_top, g_bottom = tops[r0 + (0 if not first else -1)][0], tops[r1 + (0 if not first else -1)][1]
        out += _line(COLS[1], g_top, COLS[2], g_top) + _line(COLS[1], g_top, COLS[1], g_bottom)
        out += _line(COLS[2], g_top, COLS[2], g_bottom)
        if first or r0 > 0:
            out += _cell_text([label], COLS[1], COLS[2], g_top, g_bottom, 9, True)
    return out


def _font(encoding: bytes) -> bytes:
    return (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /" + encoding + b" /DescendantFonts "
        b"[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 4 >> /DW 1000 >>] >>"
    )


def wps_table_pdf() -> bytes:
    """The two pages as a PDF (fonts not embedded: STSong-Light, a standard CJK font every reader has)."""
    pages = [_page(PAGE1, GROUPS1, 90.0, True), _page(PAGE2, GROUPS2, 80.0, False)]
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>"]
    res = b"/Resources << /Font << /FH 7 0 R /FV 8 0 R >> >>"
    for k in range(2):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R %s >>" % (W, H, 5 + k, res))
    for content in pages:
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objs += [_font(b"UniGB-UCS2-H"), _font(b"UniGB-UCS2-V")]
    return pdf_from_objects(objs)
