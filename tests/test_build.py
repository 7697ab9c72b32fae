"""The build command: contract layout, headline values by DuckDB, idempotence, incremental, atomic, bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SAMPLES

from etl.build import build

DB = duckdb.connect()  # a connection of this module's own: the default one is shared by every test


def _values(wh: Path, file_part: str, metric: str, applicant: str | None = None) -> list:
    return [
        r[0]
        for r in DB.execute(
            f"SELECT m.value FROM '{wh}/metrics.parquet' m JOIN '{wh}/reports.parquet' r USING (report_id) "
            "WHERE r.source_file LIKE ? AND m.metric = ? AND coalesce(m.applicant, '') = ? AND m.source = 'table'",
            [f"%{file_part}%", metric, applicant or ""],
        ).fetchall()
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wh") / "warehouse"
    result = subprocess.run(
        [sys.executable, "-m", "etl", "build", str(SAMPLES), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "5 ok, 0 partial, 0 failed" in result.stdout
    return out


@pytest.mark.parametrize(
    "file_part,metric,applicant,value",
    [
        ("000_", "active.total", None, 12786),
        ("000_", "channel.website", None, 5201),
        ("000_", "staff.total", None, 101),
        ("000_", "staff.full_time", None, 9),
        ("000_", "staff.part_time", None, 92),
        ("003_", "request.received", None, 750),
        ("003_", "request.answered.denied", None, 31),
        ("003_", "request.answered.denied.state_secret", None, 11),
        ("004_", "license.decisions", None, 8183),
        ("004_", "request.new", "total", 0),
    ],
)
def test_seed_headline_values(warehouse, file_part, metric, applicant, value):
    assert _values(warehouse, file_part, metric, applicant) == [value]


def test_blank_cell_is_null_not_zero(warehouse):
    # 贺兰山西路街道 2018 leaves 政府公报公开政府信息数 blank; 审批服务管理局 2019 leaves the applicant cells blank
    assert _values(warehouse, "002_", "channel.gazette") == [None]
    assert _values(warehouse, "004_", "request.new", "natural_person") == [None]
    raw = DB.execute(
        f"SELECT raw FROM '{warehouse}/metrics.parquet' WHERE metric = 'channel.gazette' AND value IS NULL"
    ).fetchall()
    assert raw == [("",)]


def test_reports_metadata(warehouse):
    rows = DB.execute(
        f"SELECT agency_short, year, template, level, scope, agency_kind "
        f"FROM '{warehouse}/reports.parquet' ORDER BY source_file"
    ).fetchall()
    assert rows == [
        ("兴庆区", 2018, "old", "county", "aggregate", "government"),
        ("兴泾镇", 2018, "old", "township", "self", "government"),
        ("贺兰山西路街道", 2018, "old", "township", "self", "government"),
        ("宁夏", 2018, "old", "province", "aggregate", "government"),
        ("审批服务管理局", 2019, "2019", "county", "self", "department"),
    ]


def test_checks_table_flags_report_errors(warehouse):
    # 贺兰山西路街道 2018: 主动公开 28 but 政府网站 alone 41
    rows = DB.execute(
        f"SELECT c.severity, c.expected, c.actual, c.message FROM '{warehouse}/checks.parquet' c "
        f"JOIN '{warehouse}/reports.parquet' r USING (report_id) "
        "WHERE r.source_file LIKE '%002_%' AND c.rule = 'old.active.channels_max'"
    ).fetchall()
    assert rows == [("error", 41.0, 28.0, "主动公开政府信息数（28）小于单一渠道公开数（41）")]


def test_rebuild_is_idempotent_and_incremental(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    out = tmp_path / "wh"
    first = build([str(src)], out)
    before = {t: (out / f"{t}.parquet").read_bytes() for t in ("reports", "metrics", "checks")}
    second = build([str(src)], out)
    assert (first.reused, second.reused) == (0, 5)
    assert {t: (out / f"{t}.parquet").read_bytes() for t in before} == before
    forced = build([str(src)], out, force=True)
    assert forced.reused == 0
    assert {t: (out / f"{t}.parquet").read_bytes() for t in before} == before


def test_bad_files_never_stop_the_build(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLES / "004_aa665f4df32367ae.txt", src)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (src / "notes.html").write_text("<html><body><p>会议通知</p></body></html>", encoding="utf-8")
    out = tmp_path / "wh"
    summary = build([str(src)], out)
    rows = dict(DB.execute(f"SELECT source_file, parse_status FROM '{out}/reports.parquet'").fetchall())
    assert rows[str(src / "004_aa665f4df32367ae.txt")] == "ok"
    assert rows[str(src / "empty.txt")] == "failed"
    assert rows[str(src / "notes.html")] == "failed"
    assert summary.failed >= 2
    errors = [
        r[0] for r in DB.execute(f"SELECT error FROM '{out}/reports.parquet' WHERE parse_status = 'failed'").fetchall()
    ]
    assert all(errors)


def test_killed_build_leaves_previous_warehouse(tmp_path, monkeypatch):
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    out = tmp_path / "wh"
    build([str(src)], out)
    before = (out / "metrics.parquet").read_bytes()
    (src / "000_dda260feeadc045e.txt").write_text("changed", encoding="utf-8")

    import etl.build as b

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(b, "finalise", boom)
    with pytest.raises(KeyboardInterrupt):
        build([str(src)], out)
    assert (out / "metrics.parquet").read_bytes() == before
    monkeypatch.undo()
    build([str(src)], out)  # the next build recovers and completes
    assert DB.execute(f"SELECT count(*) FROM '{out}/reports.parquet'").fetchone()[0] == 5


def test_cli_usage_errors(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "etl", *a], cwd=ROOT, capture_output=True, text=True)
    assert run("build", str(tmp_path / "nope"), "--out", str(tmp_path / "wh")).returncode == 2
    assert run("build").returncode == 2
    bad = tmp_path / "places.csv"
    bad.write_text("地名,级别\n兴庆区,县级\n", encoding="utf-8")
    wrong = run("build", str(SAMPLES), "--out", str(tmp_path / "wh"), "--places", str(bad))
    assert wrong.returncode == 2 and "missing columns name, level" in wrong.stderr
    assert not (tmp_path / "wh").exists()
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    if not __import__("os").access(ro, __import__("os").W_OK):
        assert run("build", str(SAMPLES), "--out", str(ro / "wh")).returncode != 0


def test_a_step_that_does_not_fit_the_memory_limit_runs_again_with_more(monkeypatch):
    from warehouse import db

    limits = []

    def step():
        limits.append(db.connect().execute("SELECT current_setting('memory_limit')").fetchone()[0])
        if len(limits) == 1:
            raise duckdb.OutOfMemoryException("failed to pin block")
        return "done"

    assert db.with_memory_headroom(step) == "done"
    assert len(limits) == 2 and limits[0] != limits[1]
    assert db._limit_mb == db.MEMORY_LIMIT_MB


def test_duplicate_copies_are_marked_and_compared(tmp_path):
    """Two copies of one report (same agency and year): one is kept, the other points at it; its figures are
    compared with the keeper's — the same figures pass, a different 主动公开 count fails and is named."""
    src = tmp_path / "in"
    src.mkdir()
    same = (SAMPLES / "004_aa665f4df32367ae.txt").read_text(encoding="utf-8")
    (src / "approval.txt").write_text(same, encoding="utf-8")
    (src / "approval_saved_again.txt").write_text(same + "\n（转载）\n", encoding="utf-8")
    region = (SAMPLES / "000_dda260feeadc045e.txt").read_text(encoding="utf-8")
    (src / "district.txt").write_text(region, encoding="utf-8")
    changed = region.replace("计 1 条)\t条\t12786", "计 1 条)\t条\t12787")
    assert changed != region
    (src / "district_other_copy.txt").write_text(changed, encoding="utf-8")
    out = tmp_path / "wh"
    build([str(src)], out, progress=False)
    con = duckdb.connect()
    rows = con.execute(f"""
        SELECT regexp_extract(r.source_file, '([^/]+)\\.txt$', 1) AS name, r.duplicate_of IS NOT NULL AS copy,
               c.status, c.message
        FROM read_parquet('{out}/reports.parquet') r
        LEFT JOIN read_parquet('{out}/checks.parquet') c ON c.report_id = r.report_id AND c.rule = 'duplicate.agree'
        ORDER BY name""").fetchall()
    copies = {name: (status, message) for name, copy, status, message in rows if copy}
    kept = {name for name, copy, _, _ in rows if not copy}
    assert len(copies) == 2 and len(kept) == 2
    approval = next(v for k, v in copies.items() if k.startswith("approval"))
    district = next(v for k, v in copies.items() if k.startswith("district"))
    assert approval == ("pass", "与保留的同一报告副本数字一致")
    assert district[0] == "fail" and "1 个单元格数字不同" in district[1] and "active.total" in district[1]


def test_each_file_is_hashed_once(tmp_path, monkeypatch):
    """The build hashes every input once and hands the hash to the parse, which does not hash the bytes again."""
    import hashlib
    from collections import Counter

    files = sorted(p for p in SAMPLES.iterdir() if p.is_file())
    contents = {p.read_bytes(): p.name for p in files}
    hashed = Counter()
    sha256, file_digest = hashlib.sha256, hashlib.file_digest

    def counted_sha256(data=b"", *args, **kwargs):
        if isinstance(data, bytes) and data in contents:
            hashed[contents[data]] += 1
        return sha256(data, *args, **kwargs)

    def counted_file_digest(f, digest):
        hashed[Path(f.name).name] += 1
        return file_digest(f, digest)

    monkeypatch.setattr(hashlib, "sha256", counted_sha256)
    monkeypatch.setattr(hashlib, "file_digest", counted_file_digest)
    summary = build([str(SAMPLES)], tmp_path / "wh", progress=False)
    assert summary.parsed + summary.partial == len(files) == 5
    assert hashed == Counter({p.name: 1 for p in files})


def test_the_summary_counts_check_failures_as_the_quality_page_does(tmp_path, corpus_dir):
    """The real corpus holds each report as text and as HTML (one a copy of the other): the build's "check
    failures" are those of the counted reports, the number 数据质量 shows as 未通过核对项; the copies' apart."""
    from app import queries, warehouse

    wh = tmp_path / "warehouse"
    summary = build([str(corpus_dir)], wh, progress=False, audit_db="sqlite:///" + str(tmp_path / "none.sqlite"))
    shown = queries.execute(warehouse.connect(wh), "check_summary", queries.Filters())["n_fail"].sum()
    assert (summary.check_failures, summary.copy_check_failures) == (shown, 24) == (34, 24)
    assert "check failures: 34 (+24 in copies of the same reports, not counted);" in summary.line()
