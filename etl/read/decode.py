"""Bytes -> text, in whichever encoding real reports use (UTF-8 ± BOM, GB18030/GBK, UTF-16)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from etl.model import ReadError

_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def decode(data: bytes) -> str:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc)
    if _looks_utf16(data):
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", errors="replace")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise ReadError("无法识别文件编码（不是 UTF-8、GB18030 或 UTF-16 文本）")
    return str(best)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without BOM: every other byte is NUL across an ASCII-heavy head."""
    head = data[:200]
    return len(head) >= 20 and (head[1::2].count(0) > len(head) // 3 or head[0::2].count(0) > len(head) // 3)
