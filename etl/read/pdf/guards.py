"""What a PDF may cost before it is refused, and the messages (in Chinese) a refused PDF gets.

The limits hold per file whatever the file claims: streams are inflated (and thrown away) with a cap before
pdfium sees the file, so a "compression bomb" cannot exhaust memory; pages, characters, rules and time are
counted while reading.
"""

from __future__ import annotations

import re
import zlib

MAX_STREAM = 128 * 1024 * 1024  # one decompressed stream (an embedded CJK font is ~20 MB)
MAX_INFLATED = 256 * 1024 * 1024  # all streams of one file together (images aside)
MAX_PAGES = 300
TIME_BUDGET = 120.0  # seconds for one file
MAX_CHARS_PER_PAGE = 60_000  # a page with more glyphs than this is not a report page
MAX_EDGES_PER_PAGE = 20_000  # table finding is skipped on pages drawn with more rules (charts, maps)

ENCRYPTED = "PDF 文件已加密（需要打开密码），无法读取；请提供未加密的版本"
BOMB = "PDF 中的数据流解压后体积异常（疑似“压缩炸弹”），为安全起见未解析"
NO_TEXT = "PDF 没有可提取的文字（没有文字层），无法读取"
NO_PAGES = "PDF 文件没有页面"


class ReadLimit(Exception):
    """A limit was passed; the message says which."""


def too_many_pages(n: int) -> str:
    return f"PDF 页数过多（{n} 页，上限 {MAX_PAGES} 页），未解析"


def timed_out(page: int) -> str:
    return f"PDF 解析超时（超过 {int(TIME_BUDGET)} 秒，已读到第 {page} 页），未解析"


def too_many_chars(page: int, n: int) -> str:
    return f"PDF 第 {page} 页字符过多（{n}），不像年度报告，未解析"


def too_many_rules(page: int, n: int) -> str:
    return f"PDF 第 {page} 页线条过多（{n}），未识别其中的表格"


def image_too_large(page: int, pixels: int, limit: int) -> str:
    return (
        f"PDF 第 {page} 页的图片过大（{pixels / 1e6:,.0f} 百万像素，上限 {limit // 1_000_000} 百万像素），"
        "未做 OCR 识别，未解析"
    )


def broken(cause: str) -> str:
    return f"PDF 文件已损坏或不完整，无法读取（{cause}）"


# pdfium's error codes (FPDF_ERR_*), as a user reads them; pdfium often says "Success" (0) on a failure
PDFIUM_ZH = {
    1: "PDF 解析库报告未知错误",
    2: "文件无法打开",
    3: "不是有效的 PDF 格式",
    4: "文件有密码",
    5: "不支持的加密或安全设置",
    6: "页面无法加载",
}
PAGE_TREE = "页面无法加载：页面目录（页面树）损坏、循环引用或嵌套过深"


def pdfium_reason(e: BaseException) -> str:
    """Why pdfium could not read a file or a page, in Chinese (its own message is English, and may end in
    "(PDFium: Success)" when it gave no reason at all)."""
    if "load page" in str(e).lower():
        return PAGE_TREE
    return PDFIUM_ZH.get(getattr(e, "err_code", None), "PDF 解析库未说明原因")


_STREAM = re.compile(rb"stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image(?![A-Za-z])")
_LENGTH = re.compile(rb"/Length(?![0-9A-Za-z])\s*(\d+)(?!\s+\d+\s+R)")  # a direct /Length, not a reference
_END = re.compile(rb"\s*endstream")
_CHUNK = 1 << 20
MAX_DEFLATE_RATIO = 1032  # a Deflate stream cannot inflate past this multiple of its size (258 bytes per 2 bits)


def inflates_too_far(data: bytes, cap: int | None = None, total_cap: int | None = None) -> bool:
    """True if a Flate stream of the file inflates past ``cap`` bytes (or all of them past ``total_cap``).

    A stream whose length its dictionary states (and the file confirms: ``endstream`` follows) inflates to at most
    MAX_DEFLATE_RATIO times that length; only the streams this does not bound under the caps are inflated, a
    megabyte at a time with the output dropped, so the check stays small and most files need no inflating at all.
    Image streams are left out: reading the text layer never decodes them."""
    cap = MAX_STREAM if cap is None else cap
    total_cap = MAX_INFLATED if total_cap is None else total_cap
    bounded: list[tuple[int, int]] = []  # (the stream's largest inflated size, where it starts)
    inflated = 0  # bytes the measured streams inflate to
    for m in _STREAM.finditer(data):
        start = m.end()
        if start + 2 > len(data) or data[start] & 0x0F != 8 or (data[start] << 8 | data[start + 1]) % 31:
            continue  # not a zlib header: not a Flate stream
        head = max(data.rfind(b"obj", max(0, m.start() - 4000), m.start()), m.start() - 4000, 0)
        if _IMAGE.search(data, head, m.start()):  # this stream's own dictionary says image
            continue
        most = _largest(data, head, m.start(), start)
        if most is not None and most <= cap:
            bounded.append((most, start))
            continue
        inflated += (n := _inflated(data, start, cap))
        if n > cap or inflated > total_cap:
            return True
    unmeasured = sum(most for most, _ in bounded)
    for most, start in sorted(bounded, reverse=True):  # the bounds too loose together: the largest measured
        if inflated + unmeasured <= total_cap:
            return False
        unmeasured -= most
        inflated += _inflated(data, start, cap)
        if inflated > total_cap:
            return True
    return inflated + unmeasured > total_cap


def _largest(data: bytes, head: int, dict_end: int, start: int) -> int | None:
    """The most a stream can inflate to, from its stated /Length when ``endstream`` follows it; else None."""
    m = _LENGTH.search(data, head, dict_end)
    if m is None or not _END.match(data, start + int(m.group(1))):
        return None
    return MAX_DEFLATE_RATIO * int(m.group(1))


def _inflated(data: bytes, start: int, cap: int) -> int:
    """Bytes the Flate stream at ``start`` inflates to, counting stopped just past ``cap``."""
    view = memoryview(data)
    d = zlib.decompressobj()
    n, pos = 0, start
    try:
        while not d.eof:
            if d.unconsumed_tail:
                buf = d.unconsumed_tail
            elif pos < len(data):
                buf = view[pos : pos + 4 * _CHUNK]
                pos += len(buf)
            else:
                break
            n += len(d.decompress(buf, _CHUNK))
            if n > cap:
                break
    except zlib.error:
        pass  # corrupt data: what came out is counted
    return n


def not_pdf_message(data: bytes) -> str:
    head = data[:512].lstrip()
    kind = ""
    if head.startswith(b"PK"):
        kind = "（看起来是 ZIP/Office 文档）"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        kind = "（看起来是旧版 Word/Office 文档）"
    elif head[:15].lower().startswith((b"<!doctype", b"<html", b"<?xml")) or b"<html" in head.lower():
        kind = "（看起来是网页 HTML）"
    elif head[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"GIF8"):
        kind = "（看起来是图片）"
    return f"文件扩展名为 .pdf，但内容不是 PDF 文件{kind}，无法读取"
