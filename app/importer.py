"""Import uploaded report files (or zips of them) into the warehouse, safely.

Limits (stated on the page and enforced here): at most MAX_FILES files per import, MAX_FILE_MB per file
(also per file inside a zip), MAX_TOTAL_MB uncompressed per import; zips are read member by member with a
size cap and a compression-ratio cap (zip-bomb safe), never extracted with paths from the archive, nested
zips are not opened. Accepted files are kept under data/uploads/<batch>/ and the warehouse is rebuilt over
the inputs it already holds plus the new files, so nothing already imported is lost. The rebuild runs in a
process of its own, started from a server thread apart from the user's session (`start`), so an import lands
whatever the user does with the page."""

from __future__ import annotations

import json
import logging
import re
import secrets
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app import warehouse
from etl.read import supported
from warehouse.sources import resolve

MAX_FILE_MB = 20
MAX_FILES = 200
MAX_TOTAL_MB = 200
MAX_RATIO = 100  # uncompressed / compressed size of one zip member
_CHUNK = 1 << 16
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    name: str
    status: str  # parsed | partial | failed | rejected | unchanged | duplicate
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
            with zf.open(info) as fh:  # the declared size may lie: count what really comes out
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
        if resolve(s) is None:
            out.append(s)
    return out


IMPORT_SECONDS = 600  # the build of one import: the whole warehouse is assembled again…
IMPORT_SECONDS_PER_FILE = 60  # …and each new file parsed (a PDF of hundreds of pages takes seconds)


def import_files(staged: Staged, wh: Path | None = None) -> list[Outcome]:
    """Rebuild the warehouse over its current inputs plus the staged files; fill in each file's outcome.

    The build runs as a process of its own (`python -m etl build`), so that its memory is returned when it ends
    and never adds to the dashboard server's, and it is stopped after IMPORT_SECONDS (+ per file): the warehouse is
    then left as it was. It takes the warehouse's writer lock like any build, so imports never mix."""
    wh = wh or warehouse.warehouse_dir()
    if warehouse.is_remote(wh):
        raise ValueError(
            f"数据仓库在对象存储上（{wh}），不能在仪表板中导入；请用 python -m etl build … --out {wh} 发布。"
        )
    existing = warehouse.source_inputs(wh)
    rel = {}
    for o in staged.accepted:
        p = Path(o.path).resolve()
        try:
            rel[str(p.relative_to(warehouse.ROOT))] = o
        except ValueError:
            rel[str(p)] = o
    if not rel:
        return staged.files
    limit = IMPORT_SECONDS + IMPORT_SECONDS_PER_FILE * len(rel)
    listing = Path(staged.accepted[0].path).parent / ".inputs"  # in the batch folder (hidden: never an input)
    listing.write_text("\n".join(dict.fromkeys(existing + list(rel))) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "etl", "build", "--inputs-from", str(listing), "--out", str(wh), "--jobs", "1"]
    try:
        done = subprocess.run(cmd, cwd=warehouse.ROOT, capture_output=True, text=True, timeout=limit)
        problem = None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["构建失败"])[-1]
    except subprocess.TimeoutExpired:
        problem = f"导入超时（超过 {limit} 秒），已停止；数据仓库保持导入前的样子"
    if problem:
        log.error("import into %s failed: %s", wh, problem)
        for o in rel.values():
            o.status, o.reason = "failed", problem.removeprefix("error: ")
        return staged.files
    rows = {
        r["source_file"]: r
        for r in warehouse.read_table(
            wh, "reports", columns=["source_file", "report_id", "parse_status", "error", "duplicate_of"]
        ).iter_rows(named=True)
    }
    for key, o in rel.items():
        row = rows.get(key)
        if row is None:
            o.status, o.reason = "failed", "未进入数据仓库"
            continue
        o.report_id = row.get("report_id")
        if row.get("duplicate_of"):
            o.status, o.reason = "duplicate", f"与已有报告重复（{row.get('duplicate_of')}），不重复计数"
        else:
            o.status = {"ok": "parsed", "partial": "partial"}.get(row.get("parse_status"), "failed")
            o.reason = row.get("error") or ""
    return staged.files


@dataclass
class Job:
    """One import, run apart from the page that started it (see `start`)."""

    id: str
    files: list[Outcome]
    state: str = "running"  # running | done
    started: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def seconds(self) -> float:
        return (self.finished or time.time()) - self.started


_jobs: dict[str, Job] = {}
_jobs_lock = threading.Lock()
JOB_FILE = "job.json"


def start(staged: Staged, batch: Path, wh: Path | None = None) -> Job:
    """Import in a thread of the server's own, not of the user's session: the import lands whatever the user does
    with the page (leaves it, reloads, closes the tab). Its state is kept in the batch folder (job.json), so an
    import that a server restart interrupted is run again (`resume_interrupted`)."""
    job = Job(batch.name, staged.files)
    batch.mkdir(parents=True, exist_ok=True)
    _save(batch, job)
    with _jobs_lock:
        _jobs[job.id] = job
    threading.Thread(target=_run, args=(job, staged, batch, wh), name=f"import-{job.id}", daemon=True).start()
    return job


def job(job_id: str) -> Job | None:
    with _jobs_lock:
        return _jobs.get(job_id)


def _run(job: Job, staged: Staged, batch: Path, wh: Path | None) -> None:
    try:
        import_files(staged, wh)
    except Exception as e:
        log.exception("import %s failed", job.id)
        for o in staged.accepted:
            o.status, o.reason = "failed", f"导入出错：{type(e).__name__}: {e}"
    job.state, job.finished = "done", time.time()
    _save(batch, job)


def _save(batch: Path, job: Job) -> None:
    state = {
        "state": job.state,
        "started": job.started,
        "finished": job.finished,
        "files": [asdict(o) for o in job.files],
    }
    tmp = batch / f".{JOB_FILE}.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    tmp.replace(batch / JOB_FILE)


def resume_interrupted(wh: Path | None = None) -> list[Job]:
    """Start again the imports whose job.json says running but that no thread of this server runs (the server
    stopped mid-way): their files are still in their batch folders."""
    resumed = []
    for path in sorted(warehouse.UPLOADS.glob(f"*/{JOB_FILE}")):
        batch = path.parent
        if job(batch.name) is not None:
            continue
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if state.get("state") != "running":
            continue
        files = [Outcome(**o) for o in state.get("files", [])]
        staged = Staged([o for o in files if not o.path or Path(o.path).exists()])
        log.info("resuming the interrupted import %s (%d files)", batch.name, len(staged.accepted))
        resumed.append(start(staged, batch, wh))
    return resumed


def extensions() -> list[str]:
    """File types the ETL can read (its reader registry), without the dot."""
    from etl.read import READERS

    return sorted(ext.lstrip(".") for ext in READERS)


def batch_dir() -> Path:
    return warehouse.UPLOADS / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
