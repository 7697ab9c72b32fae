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
    for copy in ("a", "b"):  # ten files, so the pool really runs in parallel
        shutil.copytree(SAMPLES, src / copy)
    inputs = [str(src)]
    serial = build(inputs, tmp_path / "serial")
    pool = build(inputs, tmp_path / "pool", jobs=2)
    dask = build(inputs, tmp_path / "dask", jobs=2, executor="dask")
    assert serial.parsed == pool.parsed == dask.parsed == 10
    assert _tables(tmp_path / "serial") == _tables(tmp_path / "pool") == _tables(tmp_path / "dask")


def test_a_cluster_worker_gets_the_gazetteer_of_the_build(tmp_path, monkeypatch):
    """`etl build --places` on a cluster: workers started elsewhere, without the file, parse with its places too —
    their reports carry the build's parser version (which names the gazetteer), so the next build reuses them."""
    pytest.importorskip("dask.distributed")
    import duckdb
    from dask.distributed import LocalCluster

    from etl import parser_version
    from etl.extract.metadata import PLACES_ENV, use_places
    from etl.synth import generate

    generate(tmp_path / "corpus", 12, seed=3)
    inputs, out = [str(tmp_path / "corpus" / "reports")], tmp_path / "wh"
    monkeypatch.delenv(PLACES_ENV, raising=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        # the worker started before the build was given its gazetteer, as a worker on another machine would
        use_places([str(tmp_path / "corpus" / "places.csv")])
        build(inputs, out, executor="dask", scheduler=cluster.scheduler_address)
        versions = (
            duckdb.connect()
            .execute(f"SELECT DISTINCT parser_version FROM read_parquet('{out}/reports.parquet')")
            .fetchall()
        )
        assert versions == [(parser_version(),)] and "+places." in parser_version()
        assert build(inputs, out, executor="dask", scheduler=cluster.scheduler_address).reused == 12
