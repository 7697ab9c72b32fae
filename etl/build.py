"""`etl build`: report files -> warehouse. Incremental, parallel, atomic; one bad file never stops it."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import duckdb

from audit import db, fates
from audit import roster as audit_roster
from audit.db import database_url
from etl import parser_version
from etl.collect.store import is_collection
from etl.executors import Job, run
from etl.load.collection import attach as attach_collection
from etl.load.collection import report_files as collected_reports
from etl.load.corrections import apply_corrections
from etl.load.finalise import finalise
from etl.load.write import PartWriter, assemble, rows_of
from etl.parse import parse_file
from etl.progress import ProgressBar
from etl.read import MAX_BYTES, supported
from etl.roster.coverage import write_coverage
from etl.roster.match import apply_roster
from etl.settle import settle_across_years
from warehouse.contract import report_id
from warehouse.db import with_memory_headroom
from warehouse.marts import write_marts
from warehouse.paths import building_path, table_path
from warehouse.sources import real_path, shown_name
from warehouse.swap import WarehouseBusy, one_writer, recover, swap_in
from warehouse.tables import source_inputs

log = logging.getLogger(__name__)
__all__ = ["BuildError", "WarehouseBusy", "Summary", "build", "discover"]


class BuildError(RuntimeError):
    """A build that could not finish (the disk is full…): nothing was swapped in, its leftovers are removed, the
    previous warehouse is untouched. The message is for the user."""


@dataclass
class Summary:
    parsed: int = 0
    partial: int = 0
    failed: int = 0
    reused: int = 0
    check_failures: int = 0  # failed checks of the reports the dashboard counts (数据质量's 未通过核对项)
    copy_check_failures: int = 0  # failed checks of files that are copies of a counted report
    settled: int = 0
    corrected: int = 0
    stale_corrections: int = 0
    roster: int = 0  # agencies of the roster coverage was counted against (0: no roster)
    matched: int = 0
    to_match: int = 0  # reports the 待匹配 queue holds
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"reports: {self.parsed} ok, {self.partial} partial, {self.failed} failed"
            f" ({self.reused} unchanged, not reparsed); check failures: {self.check_failures}"
            + (
                f" (+{self.copy_check_failures} in copies of the same reports, not counted);"
                if self.copy_check_failures
                else ";"
            )
            + (f" {self.settled} with digit runs settled by the neighbouring years;" if self.settled else "")
            + (f" {self.corrected} cells corrected on the 审核 page;" if self.corrected else "")
            + (
                f" {self.stale_corrections} corrections not applied (report file changed: re-review them);"
                if self.stale_corrections
                else ""
            )
            + (
                f" roster of {self.roster} agencies: {self.matched} reports matched, {self.to_match} to match on the"
                " 审核 page;"
                if self.roster
                else ""
            )
            + f" {self.seconds:.1f} s"
        )


def discover(inputs: list[str], base: Path | None = None) -> list[str]:
    """Files named on the command line are taken as given; folders are searched for supported files. Relative
    inputs are relative to `base` (None: the working folder), and so are the names found."""
    found: list[str] = []
    for item in inputs:
        name = real_path(item, base)
        p = Path(_at(base, name))
        if p.is_dir() and is_collection(p):  # a folder `etl collect` wrote: the files its manifest marks
            found += collected_reports(item, base)
        elif p.is_dir():
            found += sorted(_supported_files(p, name))
        else:
            found.append(name)
    return list(dict.fromkeys(found))


def _supported_files(folder: Path, name: str) -> Iterator[str]:
    """The supported files under `folder` (hidden files and folders left out), named as `name` / their path in it.
    Listed with os.walk, which like Path.rglob does not follow links to folders: a folder of 100 000 reports is
    listed in a fraction of a second."""
    top, prefix = str(folder), str(Path(name))
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(root, top)
        for f in files:
            if not f.startswith(".") and supported(Path(f)) and os.path.isfile(os.path.join(root, f)):
                path = f if rel == "." else os.path.join(rel, f)
                yield path if prefix == "." else os.path.join(prefix, path)


def _at(base: Path | None, name: str) -> str:
    """Where a file named relative to `base` is read."""
    return os.path.join(base, name) if base is not None else name


def _previous(out: Path) -> dict[tuple[str, str], str]:
    """(source_file, sha256) -> report_id of reports the current warehouse holds at this parser version."""
    path = table_path(out, "reports")
    if not path.exists():
        return {}
    rows = (
        duckdb.connect()
        .execute(
            "SELECT source_file, file_sha256, report_id FROM read_parquet(?) "
            "WHERE parser_version = ? AND file_sha256 IS NOT NULL",
            [str(path), parser_version()],
        )
        .fetchall()
    )
    return {(s, h): r for s, h, r in rows}


def _sha(path: str) -> str | None:
    """The file's content hash; None when it cannot be read or is over the size cap (it is not parsed then)."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            return None
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def _id_holders(files: list[str], shas: dict[str, str], previous: dict) -> dict[str, str]:
    """For content saved in several files, the file that keeps the content's report_id: the one that already
    holds it in the warehouse, else the first by path (so the ids never depend on parsing order)."""
    holder: dict[str, str] = {}
    for f in sorted(files):
        holder.setdefault(shas[f], f)
    for (f, sha), rid in previous.items():
        if f in shas and rid == report_id(sha, f):
            holder[sha] = f
    return holder


def build(
    inputs: list[str],
    out: Path,
    jobs: int = 1,
    force: bool = False,
    progress: bool | None = None,
    on_progress=None,
    executor: str = "local",
    scheduler: str | None = None,
    audit_db: str | None = None,
    wait: float | None = None,
    base: Path | None = None,
    roster: list | None = None,
    keep_inputs: bool = False,
) -> Summary:
    """Build (or update) the warehouse at `out` from the inputs. One writer at a time: waits `wait` seconds (None:
    as long as it takes) for another build of the same folder, then raises WarehouseBusy. A build that fails
    removes what it wrote and leaves the previous warehouse as it was; a full disk raises BuildError.
    `audit_db`: the database of the 审核 page's corrections (default: DATABASE_URL, or the SQLite file beside
    `out`; none there, none applied). `base`: the folder relative inputs are relative to and stored so (None:
    the working folder; the dashboard builds its samples with the checkout's, warehouse.paths.ROOT). `roster`: the
    agencies expected to report (etl/roster/read.py; None: the roster of the audit database, when it has one): the
    reports are matched to it and the `coverage` table is written. `keep_inputs`: build over every input of the warehouse at `out` as well, read once the lock is held — so a
    build that ran meanwhile is never dropped (an import, a rebuild that applies corrections)."""
    out = Path(out)
    with one_writer(out, wait):
        if keep_inputs:
            inputs = _with_previous_inputs(out, inputs, base)
        building = building_path(out)
        try:
            return _build(
                inputs, out, building, jobs, force, progress, on_progress, executor, scheduler, audit_db, base, roster
            )
        except BaseException as e:
            shutil.rmtree(building, ignore_errors=True)
            if _disk_full(e):
                raise BuildError(
                    f"磁盘空间不足，构建未完成，原有数据仓库 {out} 未改动，临时文件已删除。"
                    f" / No space left on the device: the build stopped; the warehouse {out} is "
                    "unchanged and the build's temporary files are removed."
                ) from e
            raise


def _with_previous_inputs(out: Path, inputs: list[str], base: Path | None) -> list[str]:
    """The inputs of the warehouse at `out` (as it is now, under the writer lock) and then `inputs`. A file of the
    warehouse that is no longer on disk would be dropped by the build: refused instead."""
    recover(out)
    held = source_inputs(out) if out.exists() else []
    gone = [f for f in held if not os.path.exists(_at(base, real_path(f, base)))]
    if gone:
        raise BuildError(
            f"数据仓库 {out} 的 {len(gone)} 个原始文件已不在磁盘上（如 {gone[0]}），重建会丢失这些报告，因此未构建。"
            f" / {len(gone)} input files of {out} are gone (e.g. {gone[0]}): the build would drop their reports."
        )
    return list(dict.fromkeys(held + list(inputs)))


def _disk_full(e: BaseException) -> bool:
    while e is not None:
        if (isinstance(e, OSError) and e.errno == errno.ENOSPC) or "No space left on device" in str(e):
            return True
        e = e.__cause__ or e.__context__
    return False


def _build(
    inputs, out: Path, building: Path, jobs, force, progress, on_progress, executor, scheduler, audit_db, base, roster
) -> Summary:
    started = time.monotonic()
    recover(out)
    files = discover(inputs, base)
    previous = {} if force else _previous(out)
    shas = {f: _sha(_at(base, f)) or "" for f in files}  # each file hashed once: the parse is given its hash
    names = {f: shown_name(f) for f in files}  # as the warehouse stores them (warehouse/sources.py)
    keep = [previous[(names[f], shas[f])] for f in files if (names[f], shas[f]) in previous]
    todo = [f for f in files if (names[f], shas[f]) not in previous]
    holder = _id_holders(files, shas, {(real_path(f, base), h): r for (f, h), r in previous.items()})
    building.mkdir(parents=True)
    writer = PartWriter(building)
    summary = Summary(reused=len(keep))
    show = sys.stderr.isatty() if progress is None else progress
    saved = Counter(h for h in shas.values() if h)  # the same bytes saved twice: the holder's file keeps the id
    copies = {sha: names[f] for sha, f in holder.items() if saved[sha] > 1}
    # unreadable or over the size cap: a 'failed' row with the reason, made here (no executor reads them)
    unread = [f for f in todo if not shas[f]]
    with ProgressBar(len(todo), show, "解析报告") as bar:
        for rows in chain(
            (rows_of([(p.report, p.metrics, p.checks)]) for p in (parse_file(f, path=_at(base, f)) for f in unread)),
            run([Job(f, _at(base, f), shas[f]) for f in todo if shas[f]], jobs, executor, scheduler, copies),
        ):
            writer.add_rows(rows)
            for report in rows.reports:
                bar.advance()
                if on_progress:
                    on_progress(report)
    writer.flush()
    manifest = {"parser_version": parser_version(), "inputs": len(files), "built_at": time.time()}
    previous_out = out if out.exists() else None
    settled = settle_across_years(building, previous_out, keep, jobs, executor, scheduler, base)
    summary.settled = len(settled)
    with_memory_headroom(assemble, building, previous_out, keep, manifest, settled)
    attach_collection(building, inputs, base)  # publish dates from the sites' listings; the collection table
    db_url = audit_db or database_url(out)
    engine = db.engine(db_url) if db.exists(db_url) else None
    if roster is None:
        roster = audit_roster.agencies(engine)
    decisions = audit_roster.match_decisions(engine) if roster else {}
    matched = with_memory_headroom(apply_roster, building, previous_out, roster, decisions)
    summary.roster, summary.matched, summary.to_match = len(roster), matched.matched + matched.reviewed, matched.queued
    applied = with_memory_headroom(apply_corrections, building, db_url, base)
    summary.corrected, summary.stale_corrections = applied.cells, applied.stale
    with_memory_headroom(finalise, building)
    if roster:
        with_memory_headroom(write_coverage, building, roster, fates.all_fates(engine))
    with_memory_headroom(write_marts, building)
    _count(building, summary)
    swap_in(building, out)
    summary.seconds = time.monotonic() - started
    return summary


def _count(folder: Path, summary: Summary) -> None:
    con = duckdb.connect()
    rows = con.execute(
        "SELECT parse_status, count(*) FROM read_parquet(?) GROUP BY ALL", [str(table_path(folder, "reports"))]
    ).fetchall()
    counts = dict(rows)
    summary.parsed, summary.partial, summary.failed = (
        counts.get("ok", 0),
        counts.get("partial", 0),
        counts.get("failed", 0),
    )
    # counted as 数据质量 counts them: a copy of a report (duplicate_of) is not counted, nor a file without a year
    summary.check_failures, summary.copy_check_failures = con.execute(
        "SELECT count(*) FILTER (WHERE r.duplicate_of IS NULL AND r.year IS NOT NULL), "
        "count(*) FILTER (WHERE r.duplicate_of IS NOT NULL) "
        "FROM read_parquet(?) c JOIN read_parquet(?) r USING (report_id) WHERE c.status = 'fail'",
        [str(table_path(folder, "checks")), str(table_path(folder, "reports"))],
    ).fetchone()
    con.close()
