"""Word 2007+ reports (.docx, python-docx): paragraphs and tables in body order.

Merged cells come out once, in source order, like the HTML reader gives rowspan/colspan cells: a
horizontally merged cell (gridSpan, or the legacy hMerge) is one cell; the continuation cells of a vertical
merge (vMerge without "restart") are left out. Blank cells stay ''. Nested tables are flattened into the
cell's text. The package is checked before anything is decompressed (zip bombs, non-zip files).
"""

from __future__ import annotations

import io
import re
import zipfile

from etl.model import Document, ReadError, Table
from etl.read.text import clean_line

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all members together
MAX_MEMBER = 100 * 1024 * 1024  # any one member (document.xml of a 300-page report is ~10 MB)
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MB
MAX_MEMBERS = 5000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_package(data: bytes) -> zipfile.ZipFile:
    """Open the zip and vet its directory (sizes, ratios, member count) without inflating anything."""
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ReadError("文件扩展名为 .docx，但内容是旧版 Word（.doc）文档；请改用 .doc 扩展名或另存为 .docx")
        raise ReadError("文件扩展名为 .docx，但内容不是 Word 文档（不是 ZIP 包），无法读取")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        raise ReadError(f"Word 文档已损坏或不完整，无法读取（{e}）") from e
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"Word 文档包含的部件过多（{len(infos)} 个），疑似恶意文件，未解析")
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > MAX_MEMBER
        ratio = info.file_size / max(info.compress_size, 1)
        if big or total > MAX_UNCOMPRESSED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise ReadError("Word 文档解压后体积异常（疑似“压缩炸弹”），为安全起见未解析")
    # the directory can lie about sizes: inflate each member in chunks and stop at the declared size
    try:
        for info in infos:
            seen = 0
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    seen += len(chunk)
                    if seen > info.file_size or seen > MAX_MEMBER:
                        raise ReadError("Word 文档解压后体积异常（疑似“压缩炸弹”），为安全起见未解析")
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(f"Word 文档已损坏或不完整，无法读取（{type(e).__name__}）") from e
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise ReadError("文件不是 Word 文档（缺少 word/document.xml），无法读取")
    if "EncryptedPackage" in names:
        raise ReadError("Word 文档已加密，无法读取；请提供未加密的版本")
    return zf


def read_docx(data: bytes) -> Document:
    check_package(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("Word 文档已加密，无法读取；请提供未加密的版本")
    try:
        import docx
    except ImportError as e:  # pragma: no cover
        raise ReadError(f"无法读取 Word 文档：缺少 Python 包 python-docx（{e}）") from e
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise ReadError(f"Word 文档已损坏或不完整，无法读取（{type(e).__name__}）") from e
    return _document(d)


def _document(d, file_format: str = "docx") -> Document:
    out: list[str] = []
    tables: list[Table] = []
    _blocks(d.element.body, out, tables)
    text = "\n".join(clean_line(ln) for ln in out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    props = d.core_properties
    title = (props.title or "").strip() or None
    return Document(text=text, tables=tables, file_format=file_format, title=title)


def _blocks(parent, out: list[str], tables: list[Table]) -> None:
    """Body-level paragraphs and tables in order; content controls (w:sdt: cover pages, TOC, form fields)
    are opened up."""
    for el in parent.iterchildren():
        tag = el.tag
        if tag == _W + "p":
            out.append(_para_text(el))
        elif tag == _W + "tbl":
            rows = [r for r in _table_rows(el) if any(c for c in r)]
            if rows:
                n = len(tables) + 1
                tables.append(Table(rows, f"表{n}", [f"表{n} 第{i + 1}行" for i in range(len(rows))]))
                out.append("")
                out.extend("\t".join(r) for r in rows)
                out.append("")
        elif tag == _W + "sdt":
            content = el.find(_W + "sdtContent")
            if content is not None:
                _blocks(content, out, tables)


_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _para_text(p) -> str:
    parts = []
    alt = p.find(".//" + _FALLBACK) is not None  # text boxes are stored twice (Choice and Fallback)
    for node in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):  # not w:delText (tracked deletions)
        if alt and any(a.tag == _FALLBACK for a in node.iterancestors()):
            continue
        if node.tag == _W + "t":
            parts.append(node.text or "")
        elif node.tag == _W + "tab":
            parts.append(" ")
        elif node.tag in (_W + "br", _W + "cr"):
            parts.append("")
    return "".join(parts)


def _cell_text(tc) -> str:
    paras = [_para_text(p) for p in tc.iter(_W + "p")]
    return clean_line("".join(p.strip() for p in paras).replace("\t", " ")).strip()


def _table_rows(tbl) -> list[list[str]]:
    rows = []
    for tr in tbl.iterchildren(_W + "tr"):
        cells = []
        for tc in _row_cells(tr):
            tcpr = tc.find(_W + "tcPr")
            if tcpr is not None:
                vm = tcpr.find(_W + "vMerge")
                if vm is not None and vm.get(_W + "val", "continue") != "restart":
                    continue  # covered by the merged cell above
                hm = tcpr.find(_W + "hMerge")
                if hm is not None and hm.get(_W + "val", "continue") != "restart":
                    continue  # legacy horizontal merge continuation
            cells.append(_cell_text(tc))
        rows.append(cells)
    return rows


def _row_cells(tr):
    """The row's w:tc elements, also those wrapped in content controls (w:sdt/w:sdtContent)."""
    for child in tr.iterchildren():
        if child.tag == _W + "tc":
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from content.iterchildren(_W + "tc")
