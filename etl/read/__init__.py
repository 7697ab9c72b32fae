"""Reading reports: any supported file -> Document. New formats register a reader in READERS."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from etl.model import Document, ReadError
from etl.read.decode import decode
from etl.read.doc import read_doc
from etl.read.docx import read_docx
from etl.read.html import read_html
from etl.read.limits import check_markup, check_text
from etl.read.ocr import read_image
from etl.read.pdf import read_pdf
from etl.read.text import read_text

MAX_BYTES = 50 * 1024 * 1024


def _text(data: bytes) -> Document:
    text = check_markup(decode(data), "文本")
    if _is_html(text):
        return read_html(text)
    return read_text(check_text(text), "txt")


def _markdown(data: bytes) -> Document:
    return read_text(check_text(decode(data)), "md")


def _html(data: bytes) -> Document:
    return read_html(check_markup(decode(data)))


READERS: dict[str, Callable[[bytes], Document]] = {
    ".txt": _text,
    ".text": _text,
    ".md": _markdown,
    ".markdown": _markdown,
    ".html": _html,
    ".htm": _html,
    ".shtml": _html,
    ".xhtml": _html,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".doc": read_doc,
    ".png": read_image,
    ".jpg": read_image,
    ".jpeg": read_image,  # scanned pages, read by OCR
}


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def file_format(path: Path) -> str:
    return path.suffix.lower().lstrip(".").replace("htm", "html").replace("htmll", "html") or "txt"


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Read one report file. Raises ReadError with a user-facing (Chinese) message on failure."""
    if data is None:
        if path.stat().st_size > MAX_BYTES:
            raise ReadError(f"文件过大（超过 {MAX_BYTES // 2**20} MB），未解析")
        data = path.read_bytes()
    if len(data) > MAX_BYTES:  # bytes handed over (a build, an import, a Dask worker): same cap
        raise ReadError(f"文件过大（超过 {MAX_BYTES // 2**20} MB），未解析")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(f"不支持的文件类型：{path.suffix or '（无扩展名）'}")
    if not data.strip():
        raise ReadError("文件为空")
    doc = reader(data)
    check_text(doc.text)  # every reader: the parser downstream gets a bounded text
    return doc


def _is_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or bool(_TABLE.search(text) and _CELL_END.search(text))


_TABLE, _CELL_END = re.compile("<table", re.IGNORECASE), re.compile("</td>", re.IGNORECASE)
