"""A Dask worker plugin: the build's extra gazetteers (`etl build --places`) on every worker of a cluster."""

from __future__ import annotations

import tempfile
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from etl.extract.metadata import use_places


class Gazetteers(WorkerPlugin):
    """Workers on other machines have neither the gazetteer files nor their paths: the plugin carries their
    contents, writes them to each worker's own disk (workers that join later too) and uses them there, as on the
    machine that runs the build. The contents are the same, so is `parser_version`'s digest of them."""

    def __init__(self, contents: list[bytes]):
        self.contents = contents

    def setup(self, worker) -> None:
        folder = Path(tempfile.mkdtemp(prefix="etl-places-"))
        for i, data in enumerate(self.contents):
            (folder / f"{i}.csv").write_bytes(data)
        use_places([str(folder / f"{i}.csv") for i in range(len(self.contents))])
