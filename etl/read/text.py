"""Plain text and Markdown reports: strip Markdown/HTML residue, keep tab-separated tables as tables."""
from __future__ import annotations

import html
import re

from etl.model import Document, Table

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD = re.compile(r"^\s{0,3}(#{1,6}\s*|>\s*|[-*+]\s+(?=\S))|\*\*|__|`")
_CRAWLER_HEADER = re.compile(r"^标题:\s*(?P<title>.*)\n发布时间:\s*(?P<published>[^\n]*)", re.M)


def clean_line(line: str) -> str:
    """Remove Markdown and HTML residue from one line (tabs are kept: they are cell boundaries)."""
    line = _COMMENT.sub("", line)
    line = _TAG.sub("", line)
    line = html.unescape(line).replace("\xa0", " ").replace("\u3000", " ").replace("\u200b", "")
    return _MD.sub("", line).rstrip(" \r")


def read_text(text: str, file_format: str = "txt") -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _COMMENT.sub("", text)
    lines = [clean_line(ln) for ln in text.split("\n")]
    doc = Document(text="\n".join(lines), tables=_tab_tables(lines), file_format=file_format)
    header = _CRAWLER_HEADER.search("\n".join(lines[:12]))
    if header:
        doc.title = header["title"].strip() or None
        doc.published = header["published"].strip() or None
    return doc


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
