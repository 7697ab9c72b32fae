"""The dashboard's warehouse: the shared readers (warehouse/), and on first run a build of the bundled samples."""

from __future__ import annotations

import threading
from pathlib import Path

from warehouse.connect import connect
from warehouse.paths import ROOT, SAMPLES, UPLOADS
from warehouse.swap import one_writer, recover
from warehouse.tables import (
    is_built,
    is_remote,
    read_table,
    readable,
    require_published,
    source_inputs,
    version,
    warehouse_dir,
)

__all__ = [
    "ROOT",
    "UPLOADS",
    "connect",
    "ensure_built",
    "is_built",
    "is_remote",
    "read_table",
    "readable",
    "source_inputs",
    "version",
    "warehouse_dir",
]
_lock = threading.Lock()


def ensure_built(wh: Path | None = None, on_progress=None) -> bool:
    """Build the warehouse from the bundled samples when it is missing. Returns True when a build ran."""
    wh = wh or warehouse_dir()
    if is_remote(wh):
        require_published(wh)
        return False
    with _lock, one_writer(wh):  # waits for a build of the same folder; then nothing is half swapped
        recover(wh)
        if is_built(wh):
            return False
        from etl.build import build

        inputs = [str(SAMPLES.relative_to(ROOT))] if SAMPLES.exists() else []
        # source_file stays relative to the checkout, as the CLI run there would store it
        build(inputs, wh, progress=False, on_progress=on_progress, base=ROOT)
        return True
