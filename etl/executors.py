"""Where reports are parsed: in this process, in a local process pool, or on a Dask cluster.

Parsing is one pure function per file (etl.parse.parse_file), so every executor is a map over file paths
that yields ParsedReport objects in any order. Dask was chosen over Ray: it is pure Python, light to
install, its futures API is exactly this map, and `dask-scheduler`/`dask-worker` run on any set of machines
(or a Kubernetes/SLURM cluster through dask-kubernetes/dask-jobqueue) without a cluster runtime of its own.
"""
from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterator

from etl.checks.across_years import Neighbours
from etl.parse import ParsedReport, parse_file

EXECUTORS = ("local", "dask")


def _parse_path(item: str | tuple[str, Neighbours]) -> ParsedReport:
    """A path, or (path, the agency's neighbouring-year figures) for the build's second pass."""
    if isinstance(item, str):
        return parse_file(item)
    path, neighbours = item
    return parse_file(path, neighbours=neighbours)


def _parse_bytes(item: tuple[str, bytes]) -> ParsedReport:
    path, data = item
    return parse_file(path, data)


def run_local(paths: list, jobs: int) -> Iterator[ParsedReport]:
    if jobs <= 1 or len(paths) < 8:
        for p in paths:
            yield _parse_path(p)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_parse_path, paths, chunksize=max(1, min(64, len(paths) // (jobs * 8))))


def run_dask(paths: list[str], jobs: int, scheduler: str | None = None, batch: int = 256) -> Iterator[ParsedReport]:
    """Parse on a Dask cluster (`scheduler` address), or on a local one with `jobs` workers when none is given.

    The driver reads each file and ships its bytes, so workers need no shared file system; results stream
    back as they complete and at most `batch` files are in flight, so memory stays bounded.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None if scheduler else LocalCluster(n_workers=max(1, jobs), threads_per_worker=1,
                                                  processes=True, dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        pending = iter(paths)
        futures = as_completed([])
        for path in _take(pending, batch):
            futures.add(client.submit(_parse_bytes, (path, Path(path).read_bytes()), pure=False))
        for future in futures:
            yield future.result()
            future.release()
            for path in _take(pending, 1):
                futures.add(client.submit(_parse_bytes, (path, Path(path).read_bytes()), pure=False))
    finally:
        logging.getLogger("distributed").setLevel(logging.CRITICAL)    # heartbeats racing the shutdown
        client.close()
        if cluster is not None:
            cluster.close()


def _take(it, n: int) -> list[str]:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out


def run(paths: list[str], jobs: int, executor: str = "local", scheduler: str | None = None) -> Iterator[ParsedReport]:
    if executor == "dask":
        return run_dask(paths, jobs, scheduler)
    return run_local(paths, jobs)
