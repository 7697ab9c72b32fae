"""Imports run apart from the page that started them (issue 14): they land whatever the user does, and one that a
server restart interrupted is run again."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb

from tests.conftest import SAMPLES

XINGQING = SAMPLES / "000_dda260feeadc045e.txt"  # 银川市兴庆区人民政府 2018: saved again as a 2017 report


def _report_of(wh: Path, name: str) -> list[tuple]:
    return (
        duckdb.connect()
        .execute(
            "SELECT year, parse_status FROM read_parquet(?) WHERE source_file LIKE ?",
            [str(wh / "reports.parquet"), f"%/{name}"],
        )
        .fetchall()
    )


def _reviewer(wh: Path):
    from audit import db, store

    eng = db.engine(db.database_url(wh))
    return store.create_user(eng, "importer", "导入员", "Importer-2024", "reviewer", by="test")


def _wait(job, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while job.state == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert job.state == "done"


def test_import_started_then_left_lands(tmp_path, monkeypatch):
    from app import importer, warehouse

    wh = tmp_path / "wh"
    monkeypatch.setattr(warehouse, "UPLOADS", tmp_path / "uploads")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    warehouse.ensure_built(wh)
    text = XINGQING.read_text(encoding="utf-8").replace("2018", "2017")
    batch = importer.batch_dir()
    staged = importer.stage([("兴庆区_2017.txt", text.encode("utf-8")), ("notes.pdfx", b"1")], batch)
    job = importer.start(staged, batch, wh, _reviewer(wh))  # the page's run may end here: nothing waits for the job
    assert job.state == "running" and json.loads((batch / "job.json").read_text())["state"] == "running"
    _wait(job)
    assert _report_of(wh, "兴庆区_2017.txt") == [(2017, "ok")]
    by = {o.name: o for o in job.files}
    assert by["兴庆区_2017.txt"].status == "parsed" and by["notes.pdfx"].status == "rejected"
    saved = json.loads((batch / "job.json").read_text())
    assert saved["state"] == "done" and {f["name"]: f["status"] for f in saved["files"]} == {
        "兴庆区_2017.txt": "parsed",
        "notes.pdfx": "rejected",
    }
    assert (
        duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(wh / "reports.parquet")]).fetchone()[0]
        == 6
    )


def test_an_interrupted_import_is_resumed(tmp_path, monkeypatch):
    from app import importer, warehouse

    wh = tmp_path / "wh"
    monkeypatch.setattr(warehouse, "UPLOADS", tmp_path / "uploads")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    warehouse.ensure_built(wh)
    batch = importer.batch_dir()
    text = XINGQING.read_text(encoding="utf-8").replace("2018", "2016")
    staged = importer.stage([("兴庆区_2016.txt", text.encode("utf-8"))], batch)
    # what a server stopped mid-import leaves: the staged file and a job.json that says running
    importer._save(batch, importer.Job(batch.name, staged.files, _reviewer(wh).username))
    (job,) = importer.resume_interrupted(wh)
    _wait(job)
    assert _report_of(wh, "兴庆区_2016.txt") == [(2016, "ok")]
    assert importer.resume_interrupted(wh) == []  # done: not run again
