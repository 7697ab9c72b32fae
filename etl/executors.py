"""Where reports are parsed: in this process, in a local process pool, or on a Dask cluster.

Parsing is one pure function per file (etl.parse.parse_file), so every executor is a map over file paths
that yields results in any order. Dask was chosen over Ray: it is pure Python, light to install, its
futures API is exactly this map, and `dask-scheduler`/`dask-worker` run on any set of machines (or a
Kubernetes/SLURM cluster through dask-kubernetes/dask-jobqueue) without a cluster runtime of its own.

The build asks for warehouse rows (`run`): a worker parses a chunk of files and sends back their rows as
Arrow record batches, which cost the parent process next to nothing to receive and write.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from etl.checks.across_years import Neighbours
from etl.extract.metadata import extra_places, load_gazetteer
from etl.load.write import Rows, rows_of
from etl.parse import ParsedReport, parse_file
from etl.read.ocr import pool as ocr_pool
from warehouse.contract import report_id

EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class Job:
    """One file to parse: its name as the warehouse stores it, where to read it, its content hash (hashed once, by
    the build) and, in the build's second pass, the agency's neighbouring-year figures."""

    name: str
    path: str
    sha256: str | None = None
    neighbours: Neighbours | None = None


def _parse(job: Job, data: bytes | None = None) -> ParsedReport:
    return parse_file(job.name, data, job.neighbours, path=job.path, sha256=job.sha256)


def _parse_bytes(item: tuple[Job, bytes]) -> ParsedReport:
    return _parse(*item)


def mark_copy(report: dict, holders: dict[str, str]) -> dict:
    """The same bytes saved in several files: one file (`holders`: content hash -> file) keeps the content's
    report_id, the others get an id of their own and point at it."""
    if holders.get(report["file_sha256"], report["source_file"]) != report["source_file"]:
        report["duplicate_of"] = report["report_id"]
        report["report_id"] = report_id(report["file_sha256"], report["source_file"], copy=True)
    report.pop("_traceback", None)
    return report


def _rows(parsed: Iterable[ParsedReport], holders: dict[str, str]) -> Rows:
    return rows_of((mark_copy(p.report, holders), p.metrics, p.checks) for p in parsed)


def _rows_of_jobs(item: tuple[list[Job], dict[str, str]]) -> Rows:
    jobs, holders = item
    return _rows(map(_parse, jobs), holders)


def _rows_of_bytes(item: tuple[Job, bytes, dict[str, str]]) -> Rows:
    job, data, holders = item
    return _rows([_parse(job, data)], holders)


def run(
    files: list[Job],
    jobs: int,
    executor: str = "local",
    scheduler: str | None = None,
    holders: dict[str, str] | None = None,
) -> Iterator[Rows]:
    """Parse the files; yield their warehouse rows a chunk of reports at a time (see `mark_copy` for `holders`)."""
    holders = holders or {}
    if executor == "dask":
        return run_dask(_rows_of_bytes, ((f, Path(f.path).read_bytes(), holders) for f in files), jobs, scheduler)
    if jobs <= 1 or len(files) < 8:
        return _one_at_a_time(files, holders, jobs)
    size = max(1, min(64, len(files) // (jobs * 8)))
    return _pool_map(_rows_of_jobs, [(files[i : i + size], holders) for i in range(0, len(files), size)], jobs)


def _one_at_a_time(files: list[Job], holders: dict[str, str], jobs: int) -> Iterator[Rows]:
    """A few files parsed here in turn; the pages of a scanned one read by ``jobs`` processes side by side."""
    with ocr_pool.workers(jobs):
        for f in files:
            yield _rows_of_jobs(([f], holders))


def parse(files: list[Job], jobs: int, executor: str = "local", scheduler: str | None = None) -> Iterator[ParsedReport]:
    """Parse the files into ParsedReport objects (the build's second pass, which needs the parse itself), on the
    same executor as the first pass."""
    if executor == "dask":
        return run_dask(_parse_bytes, ((f, Path(f.path).read_bytes()) for f in files), jobs, scheduler)
    if jobs <= 1 or len(files) < 8:
        return map(_parse, files)
    return _pool_map(_parse, files, jobs, chunksize=max(1, min(64, len(files) // (jobs * 8))))


def _pool_map(fn: Callable, items: list, jobs: int, chunksize: int = 1) -> Iterator:
    # forked workers share this process's memory until they write to it, and the cyclic garbage collector of a
    # worker writes to every object it inherits: frozen objects are left alone, so the pages stay shared
    load_gazetteer()  # every parse reads it: loaded once here, not in each worker
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(fn, items, chunksize=chunksize)
    finally:
        gc.unfreeze()


def run_dask(fn: Callable, items: Iterable, jobs: int, scheduler: str | None = None, batch: int = 256) -> Iterator:
    """Map `fn` over `items` on a Dask cluster (`scheduler` address), or on a local one with `jobs` workers when
    none is given.

    The driver reads each file and ships its bytes, so workers need no shared file system; results stream
    back as they complete and at most `batch` items are in flight, so memory stays bounded.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = (
        None
        if scheduler
        else LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None)
    )
    client = Client(scheduler or cluster)
    try:
        if extra_places():  # workers on other machines have neither the file nor its path
            from etl.dask_places import Gazetteers

            client.register_plugin(Gazetteers([p.read_bytes() for p in extra_places()]), name="etl-places")
        pending = iter(items)
        futures = as_completed([])
        for item in _take(pending, batch):
            futures.add(client.submit(fn, item, pure=False))
        for future in futures:
            yield future.result()
            future.release()
            for item in _take(pending, 1):
                futures.add(client.submit(fn, item, pure=False))
    finally:
        logging.getLogger("distributed").setLevel(logging.CRITICAL)  # heartbeats racing the shutdown
        client.close()
        if cluster is not None:
            cluster.close()


def _take(it, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out
