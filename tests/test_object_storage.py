"""The warehouse on object storage (warehouse/object_storage.py, warehouse/tables.py, warehouse/connect.py): published to a local S3
(moto's server on 127.0.0.1), read in place by DuckDB through s3fs, giving the same rows as the local warehouse;
a new publish changes version(); a half-published build is never read.

    python -m pytest tests/test_object_storage.py -q
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from same_rows import every_query_same, norm

moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed (requirements-dev.txt)")
s3fs = pytest.importorskip("s3fs", reason="s3fs is not installed (requirements.txt)")
boto3 = pytest.importorskip("boto3")

BUCKET = "disclosure-warehouse"
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def s3():
    """A local S3 endpoint; the AWS variables point s3fs (and boto3) at it, as a user would for MinIO."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {k: os.environ.get(k) for k in [*ENV, "AWS_ENDPOINT_URL", "WAREHOUSE_DIR", "WAREHOUSE_READER"]}
    os.environ.update(ENV, AWS_ENDPOINT_URL=f"http://{host}:{port}")
    os.environ.pop("WAREHOUSE_READER", None)
    s3fs.S3FileSystem.clear_instance_cache()
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    try:
        yield f"s3://{BUCKET}"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        s3fs.S3FileSystem.clear_instance_cache()
        server.stop()


@pytest.fixture(autouse=True)
def no_poll_delay(monkeypatch):
    from warehouse import tables

    monkeypatch.setattr(tables, "POLL_SECONDS", 0.0)


def _build(inputs: list[str], out: Path) -> Path:
    from etl.build import build

    build(inputs, out, progress=False, base=ROOT)
    return out


@pytest.fixture(scope="module")
def local_wh(tmp_path_factory) -> Path:
    return _build(["data/samples"], tmp_path_factory.mktemp("local") / "warehouse")


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory) -> Path:
    """Another warehouse (two of the five samples), to tell builds apart."""
    files = sorted(str(p.relative_to(ROOT)) for p in SAMPLES.iterdir() if p.is_file())[:2]
    return _build(files, tmp_path_factory.mktemp("small") / "warehouse")


def _cli(*argv: str) -> int:
    from etl.cli import main

    return main(list(argv))


def _count(con) -> int:
    return con.execute("SELECT count(*) FROM raw_reports").fetchone()[0]


def test_every_named_query_same_rows_from_s3(s3, local_wh):
    from app import warehouse
    from app.queries import Filters
    from warehouse import marts

    url = f"{s3}/queries"
    assert _cli("publish", str(local_wh), url) == 0
    assert warehouse.is_remote(url) and warehouse.is_built(url)
    assert marts.valid(url)  # the published marts are used, not the views
    a, b = warehouse.connect(local_wh), warehouse.connect(url)
    assert "s3://" in b.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'mv'").fetchone()[0]
    rid = a.execute("SELECT report_id FROM raw_reports WHERE parse_status = 'ok' ORDER BY 1 LIMIT 1").fetchone()[0]
    years = [r[0] for r in a.execute("SELECT DISTINCT year FROM rep ORDER BY 1 LIMIT 2").fetchall()]
    filter_sets = [Filters(), Filters(years=tuple(years), scope="self")]  # every filter: tests/test_marts.py
    n = len(list(every_query_same(a, b, filter_sets, rid)))
    assert n > 20
    for t in ("reports", "metrics", "checks"):
        assert norm(a.execute(f"SELECT * FROM raw_{t}").fetchall()) == norm(
            b.execute(f"SELECT * FROM raw_{t}").fetchall()
        )
    assert sorted(warehouse.source_inputs(url)) == sorted(warehouse.source_inputs(local_wh))


def test_path_mangled_url_and_env(s3, local_wh, monkeypatch):
    """app.queries hands connect() Path(str(wh)), which folds s3://b into s3:/b: still the same warehouse."""
    from app import warehouse

    url = f"{s3}/env"
    assert _cli("publish", str(local_wh), url) == 0
    monkeypatch.setenv("WAREHOUSE_DIR", url + "/")
    assert warehouse.warehouse_dir() == url
    assert str(Path(url)) == f"s3:/{BUCKET}/env"
    assert _count(warehouse.connect(Path(url))) == 5
    assert warehouse.version(Path(url)) == warehouse.version(url) == warehouse.version()


def test_build_out_url_is_incremental_and_changes_version(s3, capsys):
    from app import warehouse

    url = f"{s3}/built"
    assert _cli("build", str(SAMPLES), "--out", url) == 0
    assert "5 ok" in capsys.readouterr().out
    v1 = warehouse.version(url)
    assert _count(warehouse.connect(url)) == 5
    assert _cli("build", str(SAMPLES), "--out", url) == 0
    assert "(5 unchanged, not reparsed)" in capsys.readouterr().out  # the published tables were fetched
    v2 = warehouse.version(url)
    assert v2 != v1 and _count(warehouse.connect(url)) == 5


def test_half_published_build_is_never_read(s3, local_wh, small_wh, monkeypatch):
    from app import warehouse
    from warehouse import object_storage

    url = f"{s3}/atomic"
    object_storage.publish(local_wh, url)
    v1 = warehouse.version(url)
    old = warehouse.connect(url)
    assert _count(old) == 5
    # a publish killed halfway through its upload: the pointer still names the complete build
    fs = object_storage.filesystem(url)
    real_put, calls = fs.put_file, []

    def dying_put(lpath, rpath, **kw):
        calls.append(rpath)
        if len(calls) > 2:
            raise ConnectionError("connection reset")
        return real_put(lpath, rpath, **kw)

    with monkeypatch.context() as m:
        m.setattr(fs, "put_file", dying_put)
        with pytest.raises(ConnectionError):
            object_storage.publish(small_wh, url)
    assert warehouse.version(url) == v1 and _count(warehouse.connect(url)) == 5
    # tables uploaded but not yet pointed at: still the old build
    bid = object_storage.upload_build(small_wh, url)
    assert warehouse.version(url) == v1 and _count(warehouse.connect(url)) == 5
    object_storage.point(url, bid, small_wh)
    assert warehouse.version(url) != v1
    assert _count(warehouse.connect(url)) == 2
    assert _count(old) == 5  # a connection opened on the old build keeps reading it whole


def test_prune_keeps_newest_builds(s3, local_wh):
    from warehouse import object_storage

    url = f"{s3}/prune"
    ids = [object_storage.publish(local_wh, url, keep=2) for _ in range(4)]
    fs = object_storage.filesystem(url)
    left = sorted(p.rsplit("/", 1)[-1] for p in fs.ls(f"{BUCKET}/prune/builds", refresh=True))
    assert left == ids[-2:]
    assert object_storage.read_pointer(url)["build"] == ids[-1]


def test_plain_folder_copy_is_read_too(s3, local_wh):
    """A warehouse folder copied to object storage as it is (no current.json) is read in place."""
    from app import warehouse
    from warehouse import marts, object_storage

    url = f"{s3}/plain"
    fs = object_storage.filesystem(url)
    for p in local_wh.rglob("*"):
        if p.is_file():
            fs.put_file(str(p), f"{BUCKET}/plain/{p.relative_to(local_wh).as_posix()}")
    assert warehouse.is_built(url) and marts.valid(url)
    v1 = warehouse.version(url)
    assert _count(warehouse.connect(url)) == 5
    fs.put_file(str(local_wh / "manifest.json"), f"{BUCKET}/plain/reports.parquet.tmp")  # unrelated file: ignored
    fs.put_file(str(local_wh / "metrics.parquet"), f"{BUCKET}/plain/checks.parquet")  # a table rewritten
    assert warehouse.version(url) != v1 and not marts.valid(url)


def test_no_warehouse_there_is_a_clear_error(s3):
    from app import warehouse
    from warehouse import object_storage

    url = f"{s3}/nothing-yet"
    assert not warehouse.is_built(url)
    assert warehouse.version(url)
    with pytest.raises(object_storage.StorageError, match="etl build"):
        warehouse.ensure_built(url)
    with pytest.raises(object_storage.StorageError, match="etl build"):
        warehouse.connect(url)
    assert warehouse.source_inputs(url) == []


def test_cli_usage_errors(s3, local_wh, tmp_path, capsys):
    assert _cli("publish", str(local_wh), "s3://no-such-bucket-here/x") == 2
    assert "no-such-bucket-here" in capsys.readouterr().err
    assert _cli("publish", str(tmp_path), f"{s3}/empty") == 2  # not a built warehouse
    assert "not a built warehouse" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _cli("build", str(SAMPLES), "--out", str(tmp_path / "wh"), "--keep", "2")
    with pytest.raises(SystemExit):
        _cli("publish", str(local_wh), str(tmp_path / "not-a-url"))


def test_httpfs_reader_that_cannot_load_says_so(s3, local_wh, monkeypatch):
    import duckdb

    from app import warehouse
    from warehouse import object_storage

    try:
        duckdb.connect().execute("LOAD httpfs")
        pytest.skip("httpfs is installed here")
    except duckdb.Error:
        pass
    url = f"{s3}/httpfs"
    object_storage.publish(local_wh, url)
    monkeypatch.setenv("WAREHOUSE_READER", "httpfs")
    with pytest.raises(object_storage.StorageError, match="httpfs"):
        warehouse.connect(url)


def test_dashboard_runs_on_s3_warehouse(s3, local_wh, monkeypatch):
    from streamlit.testing.v1 import AppTest

    url = f"{s3}/dashboard"
    assert _cli("publish", str(local_wh), url) == 0
    monkeypatch.setenv("WAREHOUSE_DIR", url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.metric or at.dataframe
    for page in sorted((ROOT / "pages").glob("*.py")):
        at.switch_page(str(page.relative_to(ROOT))).run()
        assert not at.exception, (page.name, [e.message for e in at.exception])
        assert not [e.value for e in at.error], (page.name, [e.value for e in at.error])
        if page.name == "upload.py":  # nothing is built into object storage from the dashboard
            assert any("对象存储" in w.value for w in at.warning)
            assert at.button[0].disabled
        if page.name == "scorecard.py":  # scored from the tables read on S3
            assert at.dataframe


def test_import_into_object_storage_is_refused(s3):
    from app import importer

    with pytest.raises(ValueError, match="对象存储"):
        importer.import_files(importer.Staged([]), f"{s3}/nowhere")


def test_read_table_local_and_remote_alike(s3, local_wh):
    from app import warehouse

    url = f"{s3}/read-table"
    assert _cli("publish", str(local_wh), url) == 0
    for t in ("reports", "metrics", "checks"):
        a, b = warehouse.read_table(local_wh, t), warehouse.read_table(url, t)
        assert a.columns == b.columns and norm(a.rows()) == norm(b.rows())
