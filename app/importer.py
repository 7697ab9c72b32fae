"""Import uploaded report files (or zips of them) into the warehouse, safely.

Limits (stated on the page and enforced here): at most MAX_FILES files per import, MAX_FILE_MB per file
(also per file inside a zip), MAX_TOTAL_MB uncompressed per import; zips are read member by member with a
size cap and a compression-ratio cap (zip-bomb safe), never extracted with paths from the archive, nested
zips are not opened. Accepted files are kept under data/uploads/<batch>/ and the warehouse is rebuilt over
the inputs it already holds plus the new files, so nothing already imported is lost."""
from __future__ import annotations

import os
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from etl.read import supported

from app import warehouse

MAX_FILE_MB = 20
MAX_FILES = 200
MAX_TOTAL_MB = 200
MAX_RATIO = 100          # uncompressed / compressed size of one zip member
_CHUNK = 1 << 16


@dataclass
class Outcome:
    name: str
    status: str                 # parsed | partial | failed | rejected | unchanged | duplicate
    reason: str = ""
    path: str | None = None
    report_id: str | None = None


@dataclass
class Staged:
    files: list[Outcome] = field(default_factory=list)

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.files if o.path]


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\-\u4e00-\u9fff（）()]+", "_", base).strip("._") or "report"
    return base[:120]


def _unique(dest: Path, name: str) -> Path:
    p = dest / name
    i = 1
    while p.exists():
        p = dest / f"{Path(name).stem}_{i}{Path(name).suffix}"
        i += 1
    return p


def stage(uploads: list[tuple[str, bytes]], dest: Path) -> Staged:
    """Check and save uploads (name, bytes) under dest. Nothing is parsed here."""
    out = Staged()
    limit = MAX_FILE_MB * 2**20
    budget = MAX_TOTAL_MB * 2**20
    count = 0

    def accept(name: str, data: bytes, shown: str) -> None:
        nonlocal count, budget
        if count >= MAX_FILES:
            out.files.append(Outcome(shown, "rejected", f"超过单次导入 {MAX_FILES} 个文件的上限"))
            return
        if len(data) > limit:
            out.files.append(Outcome(shown, "rejected", f"文件超过 {MAX_FILE_MB} MB"))
            return
        if len(data) > budget:
            out.files.append(Outcome(shown, "rejected", f"本次导入总量超过 {MAX_TOTAL_MB} MB"))
            return
        if not supported(Path(name)):
            out.files.append(Outcome(shown, "rejected", f"不支持的文件类型：{Path(name).suffix or '（无扩展名）'}"))
            return
        if not data.strip():
            out.files.append(Outcome(shown, "rejected", "文件为空"))
            return
        dest.mkdir(parents=True, exist_ok=True)
        p = _unique(dest, _safe_name(name))
        p.write_bytes(data)
        count += 1
        budget -= len(data)
        out.files.append(Outcome(shown, "staged", path=str(p)))

    for name, data in uploads:
        if name.lower().endswith(".zip"):
            if len(data) > limit:
                out.files.append(Outcome(name, "rejected", f"压缩包超过 {MAX_FILE_MB} MB"))
                continue
            for shown, member, err in _zip_members(name, data, limit):
                if err:
                    out.files.append(Outcome(shown, "rejected", err))
                else:
                    accept(shown, member, shown)
        else:
            accept(name, data, name)
    return out


def _zip_members(zname: str, data: bytes, limit: int):
    """Yield (display name, bytes, error) for each member, reading at most `limit` bytes of each."""
    import io
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        yield zname, b"", "不是有效的 zip 压缩包"
        return
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_FILES:
        yield zname, b"", f"压缩包内文件超过 {MAX_FILES} 个"
        return
    for info in infos:
        shown = f"{zname} › {info.filename}"
        name = info.filename.replace("\\", "/")
        parts = Path(name).parts
        if name.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", name):
            yield shown, b"", "压缩包内路径不安全（绝对路径或 ..），已拒绝"
            continue
        if any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        if info.flag_bits & 0x1:
            yield shown, b"", "加密文件，无法读取"
            continue
        if info.filename.lower().endswith(".zip"):
            yield shown, b"", "不展开嵌套的压缩包"
            continue
        if info.file_size > limit:
            yield shown, b"", f"解压后超过 {MAX_FILE_MB} MB"
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            yield shown, b"", f"压缩比异常（>{MAX_RATIO}:1），疑似压缩炸弹"
            continue
        buf = bytearray()
        try:
            with zf.open(info) as fh:          # the declared size may lie: count what really comes out
                while chunk := fh.read(_CHUNK):
                    buf += chunk
                    if len(buf) > limit:
                        break
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as e:
            yield shown, b"", f"无法解压：{e}"
            continue
        if len(buf) > limit:
            yield shown, b"", f"解压后超过 {MAX_FILE_MB} MB"
            continue
        yield shown, bytes(buf), None


def missing_inputs(wh: Path | None = None) -> list[str]:
    """Inputs of the current warehouse that are no longer on disk (a rebuild would drop them)."""
    out = []
    for s in warehouse.source_inputs(wh):
        p = Path(s)
        if not (p if p.is_absolute() else warehouse.ROOT / p).exists():
            out.append(s)
    return out


def import_files(staged: Staged, wh: Path | None = None, on_progress=None) -> list[Outcome]:
    """Rebuild the warehouse over its current inputs plus the staged files; fill in each file's outcome."""
    from etl.build import build
    wh = wh or warehouse.warehouse_dir()
    if warehouse.is_remote(wh):
        raise ValueError(f"数据仓库在对象存储上（{wh}），不能在仪表板中导入；请用 python -m etl build … --out {wh} 发布。")
    existing = warehouse.source_inputs(wh)
    new = [o for o in staged.accepted]
    rel = {}
    for o in new:
        p = Path(o.path).resolve()
        try:
            rel[str(p.relative_to(warehouse.ROOT))] = o
        except ValueError:
            rel[str(p)] = o
    rows: dict[str, dict] = {}

    def progress(row: dict) -> None:
        rows[row.get("source_file")] = row
        if on_progress:
            on_progress(row)

    with warehouse._lock:
        cwd = os.getcwd()
        os.chdir(warehouse.ROOT)
        try:
            build(list(dict.fromkeys(existing + list(rel))), wh, progress=False, on_progress=progress)
        finally:
            os.chdir(cwd)
    for key, o in rel.items():
        row = rows.get(key)
        if row is None:
            o.status, o.reason = "unchanged", "与库中已有文件相同，未重新解析"
            continue
        o.report_id = row.get("report_id")
        if row.get("duplicate_of"):
            o.status, o.reason = "duplicate", f"与已有报告重复（{row.get('duplicate_of')}），不重复计数"
        else:
            o.status = {"ok": "parsed", "partial": "partial"}.get(row.get("parse_status"), "failed")
            o.reason = row.get("error") or ""
    return staged.files


def extensions() -> list[str]:
    """File types the ETL can read (its reader registry), without the dot."""
    from etl.read import READERS
    return sorted(ext.lstrip(".") for ext in READERS)


def batch_dir() -> Path:
    return warehouse.UPLOADS / time.strftime("%Y%m%d-%H%M%S")
