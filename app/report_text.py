"""A report's full text for searching: its file read again through etl.read's public face (read_document), as
plain text — HTML is read into text by the same reader the build uses, never rendered. The warehouse keeps no text
table, so the text is read from the file the report was built from (`source_file`), once per report per server
(cached by report_id, which is the file's content hash). Scans are not read here (OCR takes minutes); a file the
server cannot reach (a warehouse on object storage, a moved folder) has no text."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import streamlit as st

from warehouse.paths import ROOT
from warehouse.sources import resolve

log = logging.getLogger(__name__)

# formats whose text is read without OCR (an image is a scan: its text came from OCR at build time)
SEARCHABLE = ("txt", "md", "html", "pdf", "docx", "doc")
_SPACE = re.compile(r"\s+")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# a line break (or spaces) between two Chinese characters is a wrap of the page, not a word boundary
_WRAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def normalise(text: str) -> str:
    """The text searched and quoted: wraps inside Chinese text joined, every other run of whitespace (line breaks,
    a table's tabs) one space. A phrase is normalised the same way before it is looked for."""
    return _SPACE.sub(" ", _WRAP.sub("", text)).strip()


@st.cache_resource(show_spinner=False, max_entries=20_000)  # ~30 KB a report: at most ~0.6 GB
def text_of(report_id: str, source_file: str | None, file_format: str | None) -> str | None:
    """The normalised text of one report, or None when its file cannot be read here."""
    from etl.model import ReadError
    from etl.read import read_document

    if file_format not in SEARCHABLE:
        return None
    path = resolve(source_file, (ROOT, Path.cwd()))
    if path is None:
        return None
    try:
        return normalise(read_document(path).text)
    except (ReadError, OSError, ValueError) as e:
        log.info("full text of %s not read: %s", source_file, e)
        return None
