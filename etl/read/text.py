"""Plain text and Markdown reports: strip Markdown/HTML residue, keep tab-separated tables as tables."""

from __future__ import annotations

import html
import re

from etl.model import Document, Table

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD = re.compile(r"^\s{0,3}(#{1,6}\s*|>\s*|[-*+]\s+(?=\S))|\*\*|__|`")
# _MD and clean_line's rstrip over a whole text, line by line ([^\S\n]: a space within the line): the marks that
# start a line, after its \n (a pattern starting with a character the regex engine can skip ahead to), then the others
_MD_LINE_START = re.compile(r"\n[^\S\n]{0,3}(?:#{1,6}[^\S\n]*|>[^\S\n]*|[-*+][^\S\n]+(?=\S))")
_MD_INLINE = re.compile(r"\*\*|__|`")
_LINE_END = re.compile(r"[ \r]+$", re.M)
_CRAWLER_HEADER = re.compile(r"^标题:\s*(?P<title>.*)\n发布时间:\s*(?P<published>[^\n]*)", re.M)


def clean_line(line: str) -> str:
    """Remove Markdown and HTML residue from one line (tabs are kept: they are cell boundaries)."""
    if "<" in line:
        line = _TAG.sub("", _COMMENT.sub("", line))
    line = html.unescape(line).replace("\xa0", " ").replace("\u3000", " ").replace("\u200b", "")
    return _MD.sub("", line).rstrip(" \r")


def clean_text(text: str) -> str:
    """clean_line on each line of a text."""
    if "<" in text or "&" in text:
        return "\n".join(clean_line(ln) for ln in text.split("\n"))
    # nothing to unescape or untag: the rest done on the whole text at once (line by line it cost a tenth of a parse)
    text = text.replace("\xa0", " ").replace("\u3000", " ").replace("\u200b", "")
    text = _MD_LINE_START.sub("\n", "\n" + text)[1:]
    return _LINE_END.sub("", _MD_INLINE.sub("", text))


def read_text(text: str, file_format: str = "txt") -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _COMMENT.sub("", text)
    lines = text.split("\n")
    if "|" in text:
        lines = [_pipe_row(ln) for ln in lines]
    lines = _join_wrapped_labels(clean_text("\n".join(lines)).split("\n"))
    doc = Document(text="\n".join(lines), tables=_tab_tables(lines), file_format=file_format)
    header = _CRAWLER_HEADER.search("\n".join(lines[:12]))
    if header:
        doc.title = header["title"].strip() or None
        doc.published = header["published"].strip() or None
    return doc


_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_NUMBERED = re.compile(
    r"^\s*(?:[(（]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+、|\d{1,2}\s*[.、．]|其中)"
)


def _pipe_row(line: str) -> str:
    """A Markdown pipe-table row as tab-separated cells; its |---| rule line as nothing."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return line
    if _PIPE_RULE.match(stripped):
        return ""
    return "\t".join(c.strip() for c in stripped[1:-1].split("|"))


def _join_wrapped_labels(lines: list[str]) -> list[str]:
    """Inside a tab table, a label wrapped onto the next line ("4. 政务微" / "信公开政府信息数<TAB>条<TAB>27")
    is put back together. Only a short line without tabs, between table rows (or itself numbered, after a
    sub-heading), followed by a row whose label does not start with its own numbering, is taken for the first
    half of a label ("二、上年结转政府信息公" / "开申请数量<TAB>…")."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if "\t" not in line and "\t" in nxt and line.strip() and _first_half(line, nxt, out):
            out += ["", line.strip() + nxt]  # keeps the line count, so locators stay true
            i += 2
            continue
        out.append(line)
        i += 1
    return out


def _first_half(line: str, nxt: str, before: list[str]) -> bool:
    """Whether a line without tabs, before a row, is the first half of that row's label (`before`: the lines above)."""
    prev = next((p for p in reversed(before) if p.strip()), "")
    # a numbered first half may follow a sub-heading line ("(二) 通过不同渠道…") and may be long ("(四) 政府
    # 信息公开专项经费（不包括…建设" / "维护等方面经费）<TAB>万元<TAB>无")
    numbered = _NUMBERED.match(line.strip()) is not None
    return (
        len(line.strip()) <= (60 if numbered else 30)
        and ("\t" in prev or numbered)
        and not line.rstrip().endswith(("。", "：", ":"))
        and not _NUMBERED.match(nxt)
    )


def _tab_tables(lines: list[str]) -> list[Table]:
    """Runs of lines holding tab-separated cells, allowing up to three blank lines inside a run."""
    tables: list[Table] = []
    rows: list[list[str]] = []
    locs: list[str] = []
    gap = 0
    for no, line in enumerate(lines, 1):
        if "\t" in line:
            rows.append([c.strip() for c in line.split("\t")])
            locs.append(f"第{no}行")
            gap = 0
        elif rows and not line.strip() and gap < 3:
            gap += 1
        elif rows:
            tables.append(Table(rows, f"表{len(tables) + 1}（{locs[0]}起）", locs))
            rows, locs, gap = [], [], 0
    if rows:
        tables.append(Table(rows, f"表{len(tables) + 1}（{locs[0]}起）", locs))
    return tables
