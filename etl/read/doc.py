"""Word 97-2003 reports (.doc): converted to .docx by LibreOffice (headless) in a private temp dir, then
read like a .docx. Bounded by a timeout; without LibreOffice a clear error names the missing tool."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from etl.model import Document, ReadError

TIMEOUT = 120  # seconds for one conversion
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    for path in (
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ):
        if os.path.exists(path):
            return path
    return None


def read_doc(data: bytes) -> Document:
    from etl.read.docx import read_docx

    if data.startswith(b"PK"):
        return read_docx(data)  # a .docx saved with the old extension
    if not data.startswith(_OLE):
        head = data[:2048].lstrip().lower()
        if head.startswith(b"{\\rtf"):
            pass  # RTF saved as .doc: LibreOffice reads it
        elif b"<html" in head or b"<!doctype html" in head:
            from etl.read import _html

            return _html(data)  # "Word" export that is really a web page
        else:
            raise ReadError("文件扩展名为 .doc，但内容不是 Word 文档，无法读取")
    exe = soffice()
    if exe is None:
        raise ReadError(
            "无法读取 .doc（Word 97-2003）文件：需要安装 LibreOffice（soffice 命令，"
            "Debian/Ubuntu 软件包 libreoffice-writer-nogui）来转换格式；也可先另存为 .docx 或 PDF"
        )
    with tempfile.TemporaryDirectory(prefix="etl-doc-") as tmp:
        src = Path(tmp) / "report.doc"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=tmp,
                start_new_session=True,
                env={**os.environ, "HOME": tmp},
            )
            try:
                _, err = proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # soffice forks; end the whole group we started
                proc.communicate()
                raise ReadError(f".doc 文件转换超时（LibreOffice 超过 {TIMEOUT} 秒），未解析") from None
        except OSError as e:
            raise ReadError(f"无法运行 LibreOffice（soffice）转换 .doc 文件：{e}") from e
        out = Path(tmp) / "report.docx"
        if proc.returncode != 0 or not out.exists():
            detail = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise ReadError(f".doc 文件无法转换（文件可能已损坏或加密）{('：' + detail[0][:120]) if detail[0] else ''}")
        doc = read_docx(out.read_bytes())
    doc.file_format = "doc"
    return doc
