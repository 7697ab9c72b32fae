"""Imports are writes like any other (issue 29): the user's region limits what they add, a replacement of an
agency-year waits for a reviewer of its region, every import is a row of the audit log, and an import that overlaps
a command-line build keeps that build's reports."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS, ROOT, SAMPLES, need_corpus

XINGQING = SAMPLES / "000_dda260feeadc045e.txt"  # 银川市兴庆区人民政府 2018: 主动公开政府信息数 12786


def _value(wh: Path, source_like: str, metric: str) -> list[float]:
    return [
        r[0]
        for r in duckdb.connect()
        .execute(
            "SELECT m.value FROM read_parquet(?) m JOIN read_parquet(?) r USING (report_id) "
            "WHERE r.source_file LIKE ? AND m.metric = ? AND m.source = 'table' ORDER BY 1",
            [str(wh / "metrics.parquet"), str(wh / "reports.parquet"), source_like, metric],
        )
        .fetchall()
    ]


def _count(wh: Path) -> int:
    return duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(wh / "reports.parquet")]).fetchone()[0]


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A warehouse of the samples (宁夏), its audit database with an admin, a 宁夏 and a 福建 reviewer."""
    from app import importer, warehouse
    from audit import db, store

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(warehouse, "UPLOADS", tmp_path / "uploads")
    wh = tmp_path / "wh"
    warehouse.ensure_built(wh)
    eng = db.engine(db.database_url(wh))
    users = {
        "ningxia": store.create_user(eng, "nx", "宁夏审核", "Nx-review-2024", "reviewer", "宁夏回族自治区", by="test"),
        "fujian": store.create_user(eng, "fj", "福建审核", "Fj-review-2024", "reviewer", "福建省", by="test"),
    }
    return wh, eng, users, importer


def _altered_copy() -> bytes:
    return XINGQING.read_text(encoding="utf-8").replace("\t12786", "\t99999").encode("utf-8")


def test_outside_region_refused_and_audited(site):
    wh, eng, users, importer = site
    from audit import store

    before = _count(wh)
    staged = importer.stage([("兴庆区_2018_副本.txt", _altered_copy())], importer.batch_dir())
    (o,) = importer.import_files(staged, wh, users["fujian"])
    assert o.status == "rejected"
    assert "不在您负责的地区（福建省）内" in o.reason and "宁夏回族自治区" in o.reason
    assert _count(wh) == before and _value(wh, "%000_dda260feeadc045e.txt", "active.total") == [
        12786.0
    ]  # nothing written
    (row,) = store.audit_rows(eng, action="import")
    assert row["username"] == "fj" and row["new_value"] == "拒绝 1"
    assert o.sha256 in row["note"] and "兴庆区_2018_副本.txt" in row["note"]


def test_replacement_waits_for_a_reviewer_of_the_region(site):
    wh, eng, users, importer = site
    from audit import store

    before = _count(wh)
    staged = importer.stage([("兴庆区_2018_副本.txt", _altered_copy())], importer.batch_dir())
    job = importer.start(staged, staged.accepted[0] and Path(staged.accepted[0].path).parent, wh, users["ningxia"])
    _wait(job)
    (o,) = job.files
    assert o.status == "pending" and "需要负责该地区的审核员" in o.reason
    assert _count(wh) == before and _value(wh, "%000_dda260feeadc045e.txt", "active.total") == [
        12786.0
    ]  # not silently replaced
    assert importer.pending(users["fujian"]) == []  # another region's reviewer neither sees nor decides it
    (p,) = importer.pending(users["ningxia"])
    both = importer.copies(p, wh).filter("differs")
    assert both.select("metric", "value", "value_new").rows() == [("active.total", 12786.0, 99999.0)]
    with pytest.raises(store.PermissionDenied):
        importer.decide(p, users["fujian"], accept=True, wh=wh)
    accepted = importer.decide(p, users["ningxia"], accept=True, note="核对原件，新文件为更正版", wh=wh)
    _wait(accepted)
    (a,) = accepted.files
    assert a.status in ("replaced", "duplicate"), a.reason
    assert _count(wh) == before + 1
    assert sorted(_value(wh, "%兴庆区_2018_副本%", "active.total")) == [99999.0]
    assert importer.pending(users["ningxia"]) == []
    with pytest.raises(store.AuditError, match="已由他人处理"):
        importer.decide(p, users["ningxia"], accept=False, wh=wh)
    log = store.audit_rows(eng)
    assert [r["action"] for r in log[:3]] == ["import", "import.accept", "import"]
    assert log[0]["new_value"] in ("替换 1", "重复 1") and log[2]["new_value"] == "待确认替换 1"
    assert log[1]["report_id"] == "3eb9e63eceec3709" and log[1]["note"].endswith("核对原件，新文件为更正版")


def test_rebuild_with_nothing_staged_applies_corrections(site):
    """立即重建: no file staged, the warehouse is rebuilt over its own inputs, so a saved correction takes effect."""
    wh, eng, users, importer = site
    from audit import store

    cols = ["report_id", "file_sha256", "template", "source_file", "agency", "year", "province", "prefecture"]
    row = duckdb.connect().execute(
        f"SELECT {', '.join(cols)} FROM read_parquet(?) WHERE report_id = '3eb9e63eceec3709'",
        [str(wh / "reports.parquet")],
    )
    report = store.Report(*row.fetchone())
    store.correct_cell(eng, users["ningxia"], report, "active.total", None, "year", "12787", "复核原件", 0, 12786.0)
    importer.import_files(importer.Staged([]), wh, users["ningxia"])
    got = duckdb.connect().execute(
        "SELECT value, source FROM read_parquet(?) WHERE report_id = '3eb9e63eceec3709' AND metric = 'active.total'",
        [str(wh / "metrics.parquet")],
    )
    assert got.fetchall() == [(12787.0, "manual")]


def _wait(job, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while job.state == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert job.state == "done"


def test_import_during_a_cli_build_keeps_both(site):
    """The command line builds the samples and the real corpus while an import waits for the writers' lock: the
    import then adds its file to what that build made, and the build's reports stay."""
    need_corpus()
    wh, eng, users, importer = site
    from filelock import FileLock, Timeout

    from warehouse.paths import lock_path

    texts = sorted(map(str, CORPUS.glob("*.txt")))  # 平潭 2011–2019
    cli = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", str(SAMPLES), *texts, "--out", str(wh), "--jobs", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until the build holds the lock
        try:
            with FileLock(str(lock_path(wh)), timeout=0):
                time.sleep(0.05)
        except Timeout:
            break
    else:
        pytest.fail("the command-line build never took the lock")
    text = XINGQING.read_text(encoding="utf-8").replace("2018", "2017")
    staged = importer.stage([("兴庆区_2017.txt", text.encode("utf-8"))], importer.batch_dir())
    job = importer.start(staged, Path(staged.accepted[0].path).parent, wh, users["ningxia"])
    _wait(job)
    assert cli.wait(120) == 0, cli.stderr.read()
    assert job.files[0].status == "parsed", job.files[0].reason
    assert (job.phase, job.done, job.total) == ("build", 1, 1)  # the per-file progress the page shows
    assert len(texts) == 14 and _count(wh) == 5 + 14 + 1  # the build's 19 and the import's one
    assert _value(wh, "%兴庆区_2017.txt", "active.total") == [12786.0]


def test_a_corrected_file_moved_and_changed_is_listed_for_review(tmp_path, monkeypatch):
    """A correction follows the file's bytes: the file moved to another folder and edited is no longer corrected by
    a build, and the 审核 page lists the correction beside the report that now stands for it."""
    from app.audit_ui import corrections_to_review
    from audit import db, store
    from etl.build import build

    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = tmp_path / "first"
    first.mkdir()
    for f in SAMPLES.glob("*.txt"):
        (first / f.name).write_bytes(f.read_bytes())
    wh = tmp_path / "wh"
    build([str(first)], wh, progress=False)
    eng = db.engine(db.database_url(wh))
    cols = ["report_id", "file_sha256", "template", "source_file", "agency", "year", "province", "prefecture"]
    row = duckdb.connect().execute(
        f"SELECT {', '.join(cols)} FROM read_parquet(?) WHERE report_id = '3eb9e63eceec3709'",
        [str(wh / "reports.parquet")],
    )
    report = store.Report(*row.fetchone())
    reviewer = store.create_user(eng, "nx", "宁夏审核", "Nx-review-2024", "reviewer", "宁夏回族自治区", by="test")
    store.correct_cell(eng, reviewer, report, "active.total", None, "year", "12787", "复核原件", 0, 12786.0)
    moved = tmp_path / "moved"
    moved.mkdir()
    for f in first.iterdir():
        data = f.read_bytes()
        if f.name == XINGQING.name:
            f, data = f.with_name("兴庆区_2018_修订.txt"), data + "\n（修订版）\n".encode()
        (moved / f.name).write_bytes(data)
    summary = build([str(moved)], wh, progress=False)
    assert summary.corrected == 0 and _value(wh, "%兴庆区_2018_修订.txt", "active.total") == [12786.0]
    got = duckdb.connect().execute(f"SELECT {', '.join(cols)} FROM read_parquet(?)", [str(wh / "reports.parquet")])
    reports = [dict(zip(cols, r)) for r in got.fetchall()]
    (pair,) = corrections_to_review(store.all_corrections(eng), reports, {r["file_sha256"] for r in reports})
    correction, new = pair
    assert (correction["new_value"], correction["source_file"]) == (12787.0, str(first / XINGQING.name))
    assert new["source_file"].endswith("兴庆区_2018_修订.txt") and new["agency"] == "银川市兴庆区人民政府"
