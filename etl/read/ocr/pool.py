"""The scanned pages of one file read side by side, when that file is the only work.

A build that parses its files one after another in its own process (a few files, or `--jobs 1`) leaves its other
workers idle while a long scan is read page by page. Inside ``workers(n)`` the pages of each scanned file go to a
pool of ``n`` processes (started once, each loading the engine once) and come back in page order; outside it, or
with ``n`` = 1, they are read here in turn. A build whose workers each parse files of their own keeps one page at
a time per worker: its cores are busy already.

The pool's processes are started fresh (``forkserver``), not forked from the build's process, which holds threads
(DuckDB's, the executor's) that a fork would copy mid-work. At most two pages per process are rendered ahead, so a
40-page scan at 400 dpi does not sit in memory whole.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager

import numpy as np

log = logging.getLogger(__name__)

AHEAD = 2  # pages rendered ahead per process

_pool: ProcessPoolExecutor | None = None
_size = 1


@contextmanager
def workers(n: int) -> Iterator[None]:
    """Read the pages of a scanned file with ``n`` processes while inside (started at the first scan met)."""
    global _pool, _size
    outer = (_pool, _size)
    _pool, _size = None, max(1, n)
    try:
        yield
    finally:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
        _pool, _size = outer


def read_pages(pages: Iterable[tuple[int, np.ndarray, float]], deadline: float) -> dict[int, list[dict]]:
    """{page number: its items} for the (page number, grey image, dpi) given, read in turn or by the pool."""
    from etl.read.ocr import page_items

    if _size <= 1:
        return {pno: page_items(gray, dpi, pno, deadline) for pno, gray, dpi in pages}
    pool = _started()
    running: dict[Future, int] = {}
    done: dict[int, list[dict]] = {}
    try:
        for pno, gray, dpi in pages:
            while len(running) >= AHEAD * _size:
                _collect(running, done)
            running[pool.submit(page_items, gray, dpi, pno, deadline)] = pno
        while running:
            _collect(running, done)
    finally:
        for f in running:
            f.cancel()
    return dict(sorted(done.items()))


def _collect(running: dict[Future, int], done: dict[int, list[dict]]) -> None:
    finished, _ = wait(running, return_when=FIRST_COMPLETED)
    for f in finished:
        done[running.pop(f)] = f.result()  # a page's ReadError (its time ran out) is the file's


def _started() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        log.info("OCR: pages read by %d processes", _size)
        _pool = ProcessPoolExecutor(
            max_workers=_size, mp_context=multiprocessing.get_context("forkserver"), initializer=_load_engine
        )
    return _pool


def _load_engine() -> None:
    from etl.read.ocr.engine import engine

    engine()
