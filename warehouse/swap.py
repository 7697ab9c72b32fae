"""The swap writers and readers agree on.

A build assembles the next warehouse in `DIR.building/` and swaps it in: DIR -> DIR.old, DIR.building -> DIR. One
writer at a time holds the lock file `DIR.lock` (an OS lock, released when its process dies) from before it reads
the previous warehouse until after the swap. A build killed between the two renames leaves DIR.old, which the next
writer, or the first reader, renames back (`recover`, under the lock).
"""

from __future__ import annotations

import logging
import shutil
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from warehouse.paths import building_path, lock_path, old_path

log = logging.getLogger(__name__)


class WarehouseBusy(RuntimeError):
    """Another build holds the warehouse's lock."""


@contextmanager
def one_writer(out: Path, wait: float | None = None):
    """Hold the warehouse's writer lock. `wait`: seconds to wait for another writer (None: as long as it takes;
    0: refuse at once). Reentrant within a thread; other threads and processes wait."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(out)), is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if wait == 0:
            raise WarehouseBusy(_busy(out)) from None
        log.warning("another build is writing %s (lock %s): waiting for it to finish", out, lock_path(out))
        try:
            lock.acquire(timeout=-1 if wait is None else wait)
        except Timeout:
            raise WarehouseBusy(_busy(out)) from None
    try:
        yield
    finally:
        lock.release()


def _busy(out: Path) -> str:
    return (
        f"另一个构建正在写入数据仓库 {out}，请等它结束后再试。 / Another build is writing the warehouse {out} "
        f"(it holds {lock_path(out)}); try again when it has finished."
    )


def recover(out: Path) -> None:
    """Undo a swap that a killed build left half done, and remove what a failed build left behind. Call it
    holding the writer lock (`one_writer`)."""
    old = old_path(out)
    if not out.exists() and old.exists():
        old.rename(out)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(building_path(out), ignore_errors=True)


def swap_in(building: Path, out: Path) -> None:
    old = old_path(out)
    if out.exists():
        out.rename(old)
    building.rename(out)
    shutil.rmtree(old, ignore_errors=True)
