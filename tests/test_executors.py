"""The same warehouse whether reports are parsed in-process, in a process pool or on a (local) Dask cluster."""
from __future__ import annotations

import shutil

import pytest

from conftest import SAMPLES
from etl.build import build


def _tables(out):
    return {t: (out / f"{t}.parquet").read_bytes() for t in ("reports", "metrics", "checks")}


def test_process_pool_and_dask_cluster_give_the_same_warehouse(tmp_path):
    pytest.importorskip("dask.distributed")
    src = tmp_path / "in"
    for copy in ("a", "b"):                      # ten files, so the pool really runs in parallel
        shutil.copytree(SAMPLES, src / copy)
    inputs = [str(src)]
    serial = build(inputs, tmp_path / "serial")
    pool = build(inputs, tmp_path / "pool", jobs=2)
    dask = build(inputs, tmp_path / "dask", jobs=2, executor="dask")
    assert serial.parsed == pool.parsed == dask.parsed == 10
    assert _tables(tmp_path / "serial") == _tables(tmp_path / "pool") == _tables(tmp_path / "dask")
