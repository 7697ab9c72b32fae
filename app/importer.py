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
from audit import db, store
from audit.roles import User
from etl.read import supported
from warehouse.contract import APPLICANT_ZH, catalogue
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
    status: str  # staged | parsed | partial | failed | rejected | duplicate | replaced | pending
    reason: str = ""
    path: str | None = None
    report_id: str | None = None
    # what the import read of the file (its batch's probe build), for the region and the agency-year it holds
    sha256: str | None = None
    agency: str | None = None
    year: int | None = None
    province: str | None = None
    prefecture: str | None = None
    replaces: str | None = None  # pending: the warehouse's report of the same agency-year
    replaces_file: str | None = None


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


STALL_SECONDS = 1200  # an import stops only when its build has parsed nothing for this long (a scan of 40 pages
# takes minutes; there is no limit on the whole import, which may hold hundreds of them)
PROBE = ".probe"  # in the batch folder: the new files built on their own, to read their agency, year and region


def _etl_build(inputs: list[str], out: Path, folder: Path, on_file=None, *options: str) -> str | None:
    """`python -m etl build` in a process of its own (its memory is returned when it ends and never adds to the
    dashboard server's); None, or what went wrong (in Chinese). `on_file(source_file)`: called as each file is
    parsed. The build is stopped when STALL_SECONDS pass without a file parsed (the warehouse stays as it was)."""
    import queue
    import tempfile

    listing = folder / f".inputs{'-probe' if out.name == PROBE else ''}"  # hidden: never an input
    listing.write_text("".join(f"{i}\n" for i in inputs), encoding="utf-8")
    cmd = [sys.executable, "-m", "etl", "build", "--inputs-from", str(listing), "--out", str(out), "--jobs", "1"]
    lines: queue.Queue = queue.Queue()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [*cmd, "--progress-lines", *options], cwd=warehouse.ROOT, stdout=subprocess.PIPE, stderr=err, text=True
        )
        threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout] + [lines.put(None)], daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=STALL_SECONDS)
            except queue.Empty:
                proc.kill()
                proc.wait()
                return f"导入停止：{STALL_SECONDS // 60} 分钟内没有解析完一个文件；数据仓库保持导入前的样子"
            if line is None:
                break
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "parsed" and len(parts) > 1 and on_file is not None:
                on_file(parts[1])
        if proc.wait() == 0:
            return None
        err.seek(0)
        return (err.read().strip().splitlines() or ["构建失败"])[-1].removeprefix("error: ")


_COLUMNS = ["source_file", "report_id", "file_sha256", "agency", "agency_id", "province", "prefecture", "year"]
_COLUMNS += ["scope", "parse_status", "error", "duplicate_of"]


def _reports(wh: Path) -> list[dict]:
    return list(warehouse.read_table(wh, "reports", columns=_COLUMNS).iter_rows(named=True)) if wh.exists() else []


def _same_agency_year(new: dict, held: list[dict]) -> dict | None:
    """The warehouse's report of the same agency, year and scope as `new`, in other bytes (an import of it would
    replace that report or stand beside it as a second copy)."""
    if not new.get("agency_id") or new.get("year") is None:
        return None
    for r in held:
        if (
            (r["agency_id"], r["year"], r["scope"]) == (new["agency_id"], new["year"], new["scope"])
            and r["file_sha256"] != new["file_sha256"]
            and r["duplicate_of"] is None
            and r["parse_status"] != "failed"
        ):
            return r
    return None


def _as_report(row: dict) -> store.Report:
    return store.Report(
        row["report_id"],
        row["file_sha256"],
        None,
        row["source_file"],
        row["agency"],
        row["year"],
        row["province"],
        row["prefecture"],
    )


def import_files(
    staged: Staged,
    wh: Path | None = None,
    user: User | None = None,
    accept: frozenset[str] = frozenset(),
    progress=None,
) -> list[Outcome]:
    """Add the staged files to the warehouse as `user` may; fill in each file's outcome; one row of the audit log.

    First the new files are built on their own (the batch's PROBE warehouse), which reads each one's agency, year
    and region as the warehouse will: a file outside the user's region is refused (nothing written), one of an
    agency-year the warehouse already holds in other bytes is held as `pending` until a reviewer of that region
    accepts it (`accept`: the sha256 of files so accepted). Then the warehouse is rebuilt over its inputs plus the
    admitted files by `etl build --keep-inputs`, which takes the writers' lock before it reads the inputs the
    warehouse has: a build that ran meanwhile (the command line's, another import) is kept, never replaced. With
    no staged file at all, the warehouse is rebuilt over its own inputs (corrections saved since take effect).
    `progress(phase, done, total)`: called as each new file is read (phase "probe") and then added ("build")."""
    wh = Path(wh or warehouse.warehouse_dir())
    if warehouse.is_remote(wh):
        raise ValueError(
            f"数据仓库在对象存储上（{wh}），不能在仪表板中导入；请用 python -m etl build … --out {wh} 发布。"
        )
    if user is None or not user.may_review:
        raise store.PermissionDenied("需要“审核”或“管理”权限才能导入报告或重建数据仓库。")
    rel = {}
    for o in staged.accepted:
        p = Path(o.path).resolve()
        try:
            rel[str(p.relative_to(warehouse.ROOT))] = o
        except ValueError:
            rel[str(p)] = o
    if staged.files and not rel:
        return staged.files
    folder = Path(staged.accepted[0].path).parent if rel else wh.parent
    admitted = _admit(rel, wh, user, accept, folder, _counter("probe", set(rel), progress)) if rel else {}
    if rel and not admitted:
        _record(wh, user, folder.name, rel, [])
        return staged.files
    problem = _etl_build(list(admitted), wh, folder, _counter("build", set(admitted), progress), "--keep-inputs")
    if problem:
        log.error("import into %s failed: %s", wh, problem)
        for o in admitted.values():
            o.status, o.reason = "failed", problem
        _record(wh, user, folder.name, rel, [])
        return staged.files
    after = _reports(wh)
    rows = {r["source_file"]: r for r in after}
    for key, o in admitted.items():
        row = rows.get(key)
        if row is None:
            o.status, o.reason = "failed", "未进入数据仓库"
            continue
        o.report_id = row["report_id"]
        copies = [r for r in after if r["duplicate_of"] == row["report_id"] and r["source_file"] != key]
        if row.get("duplicate_of"):
            o.status, o.reason = "duplicate", f"与已有报告重复（{row.get('duplicate_of')}），不重复计数"
        elif copies:
            o.status = "replaced"
            o.reason = f"取代了同一机构同一年度的报告 {copies[0]['report_id']}（{copies[0]['source_file']}）"
        else:
            o.status = {"ok": "parsed", "partial": "partial"}.get(row.get("parse_status"), "failed")
            o.reason = row.get("error") or ""
    _record(wh, user, folder.name, rel, after)
    return staged.files


def _counter(phase: str, mine: set[str], progress):
    """An on_file for _etl_build that counts the import's own files (a rebuild parses others too)."""
    done: set[str] = set()

    def on_file(source_file: str) -> None:
        if source_file in mine and source_file not in done:
            done.add(source_file)
            if progress is not None:
                progress(phase, len(done), len(mine))

    return on_file


def _admit(rel: dict[str, Outcome], wh: Path, user: User, accept: frozenset[str], folder: Path, on_file) -> dict:
    """The staged files the user may add (see import_files); the others get their outcome here."""
    probe = folder / PROBE
    problem = _etl_build(list(rel), probe, folder, on_file)
    if problem:
        for o in rel.values():
            o.status, o.reason = "failed", problem
        return {}
    new = {r["source_file"]: r for r in _reports(probe)}
    held = _reports(wh)
    admitted = {}
    for key, o in rel.items():
        row = new.get(key)
        if row is None:
            o.status, o.reason = "failed", "未能读取"
            continue
        o.sha256, o.agency, o.year = row["file_sha256"], row["agency"], row["year"]
        o.province, o.prefecture = row["province"], row["prefecture"]
        try:
            store.may_import(user, _as_report(row))
        except store.PermissionDenied as e:
            o.status, o.reason = "rejected", str(e)
            continue
        other = _same_agency_year(row, held)
        if other is not None and row["file_sha256"] not in accept:
            o.status, o.replaces, o.replaces_file = "pending", other["report_id"], other["source_file"]
            o.reason = (
                f"数据仓库已有{other['agency']} {other['year']} 年的报告（{other['source_file']}），内容不同；"
                "这份文件会替换它或与它并存，未导入：需要负责该地区的审核员在“导入报告”页核对两份后确认。"
            )
            continue
        admitted[key] = o
    return admitted


def _record(wh: Path, user: User, batch: str, rel: dict[str, Outcome], after: list[dict]) -> None:
    """The import's row of the audit log."""
    outcome = {"parsed": "added", "partial": "added", "replaced": "replaced", "duplicate": "duplicate"}
    files = [
        {
            "name": o.name,
            "sha256": o.sha256 or (_sha256(Path(o.path)) if o.path and Path(o.path).exists() else None),
            "outcome": outcome.get(o.status, o.status if o.status in store.IMPORT_ZH else "failed"),
            "report_id": o.report_id,
            "note": o.reason if o.status not in ("parsed", "partial") else "",
        }
        for o in rel.values()
    ]
    store.record_import(audit_engine(wh), user, batch, files)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit_engine(wh: Path | None = None):
    """The audit database of the warehouse (the one the page signs in against)."""
    return db.engine(db.database_url(wh or warehouse.warehouse_dir()))


@dataclass
class Job:
    """One import, run apart from the page that started it (see `start`)."""

    id: str
    files: list[Outcome]
    username: str = ""
    accept: list[str] = field(default_factory=list)  # sha256 of replacements a reviewer accepted
    state: str = "running"  # running | done
    started: float = field(default_factory=time.time)
    finished: float | None = None
    phase: str = ""  # probe (reading the new files) | build (adding them to the warehouse)
    done: int = 0  # files of the phase done
    total: int = 0

    @property
    def seconds(self) -> float:
        return (self.finished or time.time()) - self.started


_jobs: dict[str, Job] = {}
_jobs_lock = threading.Lock()
JOB_FILE = "job.json"


def start(staged: Staged, batch: Path, wh: Path | None = None, user: User | None = None, accept=()) -> Job:
    """Import in a thread of the server's own, not of the user's session: the import lands whatever the user does
    with the page (leaves it, reloads, closes the tab). Its state is kept in the batch folder (job.json), so an
    import that a server restart interrupted is run again (`resume_interrupted`), as the same user."""
    if user is None or not user.may_review:
        raise store.PermissionDenied("需要“审核”或“管理”权限才能导入报告。")
    job = Job(batch.name, staged.files, user.username, list(accept))
    batch.mkdir(parents=True, exist_ok=True)
    _save(batch, job)
    with _jobs_lock:
        _jobs[job.id] = job
    threading.Thread(target=_run, args=(job, staged, batch, wh, user), name=f"import-{job.id}", daemon=True).start()
    return job


def job(job_id: str) -> Job | None:
    with _jobs_lock:
        return _jobs.get(job_id)


def _run(job: Job, staged: Staged, batch: Path, wh: Path | None, user: User) -> None:
    def progress(phase: str, done: int, total: int) -> None:
        job.phase, job.done, job.total = phase, done, total
        _save(batch, job)

    try:
        import_files(staged, wh, user, frozenset(job.accept), progress)
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
        "username": job.username,
        "accept": job.accept,
        "progress": [job.phase, job.done, job.total],
        "files": [asdict(o) for o in job.files],
    }
    tmp = batch / f".{JOB_FILE}.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    tmp.replace(batch / JOB_FILE)


def _load(batch: Path) -> dict | None:
    try:
        return json.loads((batch / JOB_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def resume_interrupted(wh: Path | None = None) -> list[Job]:
    """Start again the imports whose job.json says running but that no thread of this server runs (the server
    stopped mid-way): their files are still in their batch folders; they run as the user who started them, with
    the rights that user has now."""
    resumed = []
    for path in sorted(warehouse.UPLOADS.glob(f"*/{JOB_FILE}")):
        batch = path.parent
        if job(batch.name) is not None:
            continue
        state = _load(batch)
        if not state or state.get("state") != "running":
            continue
        files = [Outcome(**o) for o in state.get("files", [])]
        staged = Staged([o for o in files if not o.path or Path(o.path).exists()])
        user = store.user(audit_engine(wh), state.get("username"))
        if user is None or not user.may_review:
            log.warning("not resuming the import %s: its user %s may not import now", batch.name, state.get("username"))
            for o in staged.accepted:
                o.status, o.reason = "failed", "导入中断，发起导入的账号已停用或不再有导入权限，未继续"
            _save(batch, Job(batch.name, files, state.get("username") or "", state="done", finished=time.time()))
            continue
        log.info("resuming the interrupted import %s (%d files)", batch.name, len(staged.accepted))
        resumed.append(start(staged, batch, wh, user, state.get("accept") or ()))
    return resumed


# --- replacements waiting for a reviewer of their region ------------------------------------------------------


@dataclass
class Pending:
    batch: Path
    file: Outcome
    by: str  # who uploaded it


def pending(user: User | None) -> list[Pending]:
    """The files held because they would replace a report of the warehouse, within the user's region."""
    out = []
    if user is None or not user.may_review:
        return out
    for path in sorted(warehouse.UPLOADS.glob(f"*/{JOB_FILE}")):
        state = _load(path.parent) or {}
        for o in state.get("files", []):
            if o.get("status") == "pending" and user.covers(o.get("province"), o.get("prefecture")):
                out.append(Pending(path.parent, Outcome(**o), state.get("username") or ""))
    return out


def copies(p: Pending, wh: Path | None = None):
    """Both copies of a pending replacement side by side: every figure of the statistics tables, the warehouse's
    report and the new file's, the differing ones first."""
    import polars as pl

    wh = Path(wh or warehouse.warehouse_dir())
    cols = ["report_id", "metric", "applicant", "basis", "value", "raw", "source"]
    key = ["metric", "applicant", "basis"]

    def figures(folder: Path, rid: str | None) -> pl.DataFrame:
        t = warehouse.read_table(folder, "metrics", columns=cols)
        return t.filter((pl.col("report_id") == rid) & pl.col("source").is_in(["table", "manual"])).select(
            *key, "value", "raw"
        )

    probe = p.batch / PROBE
    new_rid = next((r["report_id"] for r in _reports(probe) if r["file_sha256"] == p.file.sha256), None)
    old, new = figures(wh, p.file.replaces), figures(probe, new_rid)
    both = old.join(new, on=key, how="full", coalesce=True, nulls_equal=True, suffix="_new")
    differs = ~(pl.col("value").eq_missing(pl.col("value_new")) & pl.col("raw").eq_missing(pl.col("raw_new")))
    names = {k: d.label_zh for k, d in catalogue().items()}
    return both.with_columns(
        differs.alias("differs"),
        pl.col("metric").replace_strict(names, default=pl.col("metric")).alias("label_zh"),
        pl.col("applicant").replace_strict(APPLICANT_ZH, default=pl.col("applicant")).alias("applicant_zh"),
    ).sort(["differs", "metric"], descending=[True, False])


def decide(p: Pending, user: User, accept: bool, note: str = "", wh: Path | None = None) -> Job | None:
    """A reviewer of the file's region accepts the replacement (the file is imported as a new batch; returns its
    job) or refuses it (the file is not imported). Either is a row of the audit log."""
    report = store.Report(
        p.file.replaces or "",
        p.file.sha256 or "",
        None,
        p.file.name,
        p.file.agency,
        p.file.year,
        p.file.province,
        p.file.prefecture,
    )
    store.may_import(user, report)
    with _decide_lock:  # two reviewers deciding the same file: the second is told it is done
        return _decide(p, user, accept, note, wh)


_decide_lock = threading.Lock()


def _decide(p: Pending, user: User, accept: bool, note: str, wh: Path | None) -> Job | None:
    state = _load(p.batch)
    match = [o for o in state["files"] if o.get("status") == "pending" and o.get("sha256") == p.file.sha256]
    if not match:
        raise store.AuditError("这份文件已由他人处理，页面上的内容已过时：请刷新页面。")
    note = (note or "").strip()
    row = {"name": p.file.name, "sha256": p.file.sha256, "report_id": p.file.replaces, "note": note}
    wh = Path(wh or warehouse.warehouse_dir())
    if accept:
        store.record_import(audit_engine(wh), user, p.batch.name, [{**row, "outcome": "pending"}], "import.accept")
        batch = batch_dir()
        staged = stage([(p.file.name, Path(p.file.path).read_bytes())], batch)
        for o in match:
            o["status"], o["reason"] = "accepted", f"{user.username} 已确认替换，另行导入（{batch.name}）"
    else:
        store.record_import(audit_engine(wh), user, p.batch.name, [{**row, "outcome": "rejected"}], "import.refuse")
        for o in match:
            o["status"], o["reason"] = "rejected", f"{user.username} 未接受替换" + (f"：{note}" if note else "")
    tmp = p.batch / f".{JOB_FILE}.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    tmp.replace(p.batch / JOB_FILE)
    return start(staged, batch, wh, user, [p.file.sha256]) if accept else None


def extensions() -> list[str]:
    """File types the ETL can read (its reader registry), without the dot."""
    from etl.read import READERS

    return sorted(ext.lstrip(".") for ext in READERS)


def batch_dir() -> Path:
    return warehouse.UPLOADS / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
