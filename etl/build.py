"""`etl build`: report files -> warehouse. Incremental, parallel, atomic; one bad file never stops it."""
from __future__ import annotations

import hashlib
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import PARSER_VERSION
from etl.parse import ParsedReport, parse_file
from etl.read import supported
from etl.warehouse.finalise import finalise
from etl.warehouse.write import PartWriter, assemble, recover, swap_in, table_path


@dataclass
class Summary:
    parsed: int = 0
    partial: int = 0
    failed: int = 0
    reused: int = 0
    check_failures: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"reports: {self.parsed} ok, {self.partial} partial, {self.failed} failed"
                f" ({self.reused} unchanged, not reparsed); check failures: {self.check_failures};"
                f" {self.seconds:.1f} s")


def discover(inputs: list[str]) -> list[str]:
    """Files named on the command line are taken as given; folders are searched for supported files."""
    found: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found += sorted(str(f) for f in p.rglob("*") if f.is_file() and supported(f)
                            and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            found.append(item)
    return list(dict.fromkeys(found))


def _previous(out: Path) -> dict[tuple[str, str], str]:
    """(source_file, sha256) -> report_id of reports the current warehouse holds at this parser version."""
    path = table_path(out, "reports")
    if not path.exists():
        return {}
    rows = duckdb.connect().execute(f"SELECT source_file, file_sha256, report_id FROM read_parquet('{path}') "
                                    "WHERE parser_version = ?", [PARSER_VERSION]).fetchall()
    return {(s, h): r for s, h, r in rows}


def _sha(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def _parse_one(path: str) -> ParsedReport:
    return parse_file(path)


def build(inputs: list[str], out: Path, jobs: int = 1, force: bool = False, progress: bool | None = None,
          on_progress=None) -> Summary:
    started = time.monotonic()
    out = Path(out)
    recover(out)
    files = discover(inputs)
    previous = {} if force else _previous(out)
    keep: list[str] = []
    todo: list[str] = []
    for f in files:
        rid = previous.get((f, _sha(f) or ""))
        (keep.append(rid) if rid else todo.append(f))
    building = out.with_name(out.name + ".building")
    if building.exists():
        shutil.rmtree(building)
    building.mkdir(parents=True)
    writer = PartWriter(building)
    summary = Summary(reused=len(keep))
    seen_ids = set(keep)
    show = sys.stderr.isatty() if progress is None else progress
    with _Progress(len(todo), show) as bar:
        for parsed in _run(todo, jobs):
            report = parsed.report
            if report["report_id"] in seen_ids:          # the same bytes saved twice
                first = report["report_id"]
                report["report_id"] = hashlib.sha256(
                    (report["file_sha256"] + report["source_file"]).encode()).hexdigest()[:16]
                report["duplicate_of"] = first
            seen_ids.add(report["report_id"])
            report.pop("_traceback", None)
            writer.add(report, parsed.metrics, parsed.checks)
            bar.advance()
            if on_progress:
                on_progress(report)
    writer.flush()
    manifest = {"parser_version": PARSER_VERSION, "inputs": len(files), "built_at": time.time()}
    assemble(building, out if out.exists() else None, keep, manifest)
    finalise(building)
    _count(building, summary)
    swap_in(building, out)
    summary.seconds = time.monotonic() - started
    return summary


def _run(paths: list[str], jobs: int):
    if jobs <= 1 or len(paths) < 8:
        for p in paths:
            yield _parse_one(p)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_parse_one, paths, chunksize=max(1, min(64, len(paths) // (jobs * 8))))


def _count(folder: Path, summary: Summary) -> None:
    con = duckdb.connect()
    rows = con.execute(f"SELECT parse_status, count(*) FROM read_parquet('{table_path(folder, 'reports')}') "
                       "GROUP BY ALL").fetchall()
    counts = dict(rows)
    summary.parsed, summary.partial, summary.failed = counts.get("ok", 0), counts.get("partial", 0), counts.get("failed", 0)
    summary.check_failures = con.execute(
        f"SELECT count(*) FROM read_parquet('{table_path(folder, 'checks')}') WHERE status = 'fail'").fetchone()[0]
    con.close()


class _Progress:
    """A rich progress bar on a terminal, nothing otherwise."""

    def __init__(self, total: int, show: bool):
        self.total, self.show, self.bar, self.task = total, show and total > 0, None, None

    def __enter__(self):
        if self.show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
            self.bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("解析报告", total=self.total)
        return self

    def advance(self):
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
