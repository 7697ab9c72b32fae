"""Several writers, killed builds, hostile file names and files: the warehouse never mixes, never loses a report,
and one bad file never stops a build (issue 14)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from etl import build as build_mod
from etl.build import BuildError, WarehouseBusy, build
from etl.model import ReadError
from etl.read import MAX_BYTES, read_document
from tests.conftest import CORPUS, ROOT, SAMPLES, need_corpus
from warehouse.paths import building_path, lock_path, old_path
from warehouse.swap import one_writer

SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob("*.txt"))
# 银川市兴庆区人民政府 2018 (data/samples/000_…): 本年新制作 of 主动公开 as the golden file has it
XINGQING = "000_dda260feeadc045e.txt"


def _reports(wh: Path) -> list[tuple]:
    return (
        duckdb.connect()
        .execute(
            "SELECT source_file, parse_status, error, duplicate_of, report_id "
            "FROM read_parquet(?) ORDER BY source_file",
            [str(wh / "reports.parquet")],
        )
        .fetchall()
    )


def _cli(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "build", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_two_builds_into_one_folder_never_mix(tmp_path):
    """Two builds of different inputs into one --out, both started while a third writer holds the folder: each
    waits its turn; the warehouse then holds exactly the inputs of the build that finished last, as its manifest
    says."""
    import time

    few = tmp_path / "few"
    few.mkdir()
    for name in SAMPLE_NAMES[:2]:
        shutil.copy(SAMPLES / name, few / name)
    out = tmp_path / "wh"
    errors: dict[int, list[str]] = {0: [], 1: []}
    with one_writer(out):
        procs = [_cli(SAMPLES, "--out", out), _cli(few, "--out", out)]
        readers = [threading.Thread(target=lambda i=i: errors[i].extend(procs[i].stderr)) for i in (0, 1)]
        for r in readers:
            r.start()
        deadline = time.monotonic() + 120
        while not all(any("another build is writing" in line for line in errors[i]) for i in (0, 1)):
            assert time.monotonic() < deadline, errors
            time.sleep(0.1)
    for p, r in zip(procs, readers):
        p.wait(timeout=300)
        r.join()
        assert p.returncode == 0, errors
    manifest = json.loads((out / "manifest.json").read_text())
    rows = _reports(out)
    assert len(rows) == manifest["inputs"] and manifest["inputs"] in (2, 5)
    assert len({r[4] for r in rows}) == len(rows)
    assert not building_path(out).exists() and not old_path(out).exists()


def test_second_build_refuses_with_wait_0(tmp_path):
    out = tmp_path / "wh"
    with one_writer(out):  # held by this process: another process must refuse
        p = _cli(SAMPLES, "--out", out, "--wait", "0")
        _, err = p.communicate(timeout=120)
    assert p.returncode == 3
    assert "另一个构建正在写入数据仓库" in err and "Another build is writing" in err and "Traceback" not in err
    assert not out.exists()
    held, done = threading.Event(), threading.Event()

    def hold():
        with one_writer(out):
            held.set()
            done.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        with pytest.raises(WarehouseBusy):  # and in-process, from another thread
            build([str(SAMPLES)], out, wait=0.2)
    finally:
        done.set()
        holder.join()


KILL_BETWEEN_RENAMES = textwrap.dedent("""
    import os, signal
    import etl.build
    def swap_in(building, out):
        out.rename(out.with_name(out.name + ".old"))      # the first rename of the swap, then killed
        os.kill(os.getpid(), signal.SIGKILL)
    etl.build.swap_in = swap_in
    etl.build.build([{inputs!r}], etl.build.Path({out!r}), force=True)
""")


def _killed_between_renames(out: Path, inputs: Path) -> None:
    code = KILL_BETWEEN_RENAMES.format(inputs=str(inputs), out=str(out))
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == -signal.SIGKILL, p.stderr
    assert not out.exists() and old_path(out).exists() and building_path(out).exists()


def test_kill_between_renames_then_the_dashboard_opens(tmp_path, monkeypatch):
    """A build killed between DIR -> DIR.old and DIR.building -> DIR: the dashboard's reader, opened next, renames
    the previous warehouse back (never builds the samples over it) and reads all of its reports."""
    from app import warehouse

    out = tmp_path / "wh"
    build([str(SAMPLES)], out)
    before = _reports(out)
    few = tmp_path / "few"
    few.mkdir()
    shutil.copy(SAMPLES / XINGQING, few / XINGQING)
    _killed_between_renames(out, few)
    monkeypatch.setenv("WAREHOUSE_DIR", str(out))
    assert warehouse.is_built(warehouse.warehouse_dir())
    assert warehouse.ensure_built(out) is False  # nothing was built over it
    con = warehouse.connect(out)
    assert con.execute("SELECT count(*) FROM raw_reports").fetchone()[0] == len(before) == 5
    assert out.exists() and not old_path(out).exists()
    assert _reports(out) == before
    # the next build goes on from there, leftovers of the killed one gone
    assert build([str(SAMPLES)], out).reused == 5
    assert not building_path(out).exists()


def test_reader_during_a_swap_in_progress_reads_the_previous_warehouse(tmp_path, monkeypatch):
    """While a live build holds the lock between its renames, a reader waits a moment, then reads DIR.old where it
    is (it must not rename anything under a running build)."""
    from app import warehouse

    out = tmp_path / "wh"
    build([str(SAMPLES)], out)
    out.rename(old_path(out))  # the state between the two renames
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time
        from pathlib import Path
        from warehouse.swap import one_writer
        with one_writer(Path({str(out)!r})):
            print("held", flush=True); time.sleep(60)
        """),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        from warehouse import tables

        monkeypatch.setattr(tables, "SWAP_WAIT_SECONDS", 0.3)
        assert warehouse.readable(out) == old_path(out)
        assert warehouse.connect(out).execute("SELECT count(*) FROM raw_reports").fetchone()[0] == 5
        assert not out.exists()  # left for the build to finish
    finally:
        holder.kill()
        holder.wait()
    assert warehouse.readable(out) == out and out.exists()  # the lock is free: recovered


def test_gbk_name_unreadable_file_and_apostrophe_in_out_in_one_build(tmp_path, monkeypatch):
    """One build with a file named in GBK bytes, a file that cannot be read and an --out with an apostrophe
    finishes; the GBK name is kept with its bytes escaped, the unreadable file is 'failed' with its reason."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    gbk = os.path.join(os.fsencode(inputs), "银川市兴庆区2018年报告".encode("gbk") + b".txt")
    shutil.copy(SAMPLES / XINGQING, gbk)
    locked = inputs / "locked.txt"
    shutil.copy(SAMPLES / SAMPLE_NAMES[1], locked)
    # as root no file mode makes a file unreadable: its reads raise PermissionError as they would for a user
    real_open, real_read = open, Path.read_bytes

    def refuse(path):
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(build_mod, "open", lambda p, *a, **k: (refuse(p), real_open(p, *a, **k))[1], raising=False)
    monkeypatch.setattr(Path, "read_bytes", lambda self: (refuse(self), real_read(self))[1])
    out = tmp_path / "o'brien's warehouse"
    summary = build([str(inputs)], out)
    rows = {r[0]: r for r in _reports(out)}
    assert len(rows) == 2 and summary.failed == 1 and summary.parsed == 1
    shown = str(inputs) + "/" + os.fsencode(gbk).rsplit(b"/", 1)[1].decode("utf-8", "backslashreplace")
    assert "\\xd2\\xf8\\xb4\\xa8" in shown  # 银川 in GBK, escaped
    assert rows[shown][1] == "ok"
    assert rows[str(locked)][1] == "failed" and rows[str(locked)][2].startswith("无法读取文件：没有读取权限")
    value = (
        duckdb.connect()
        .execute(
            "SELECT m.value FROM read_parquet(?) m JOIN read_parquet(?) r USING (report_id) WHERE r.source_file = ? "
            "AND m.metric = 'active.total' AND m.source = 'table'",
            [str(out / "metrics.parquet"), str(out / "reports.parquet"), shown],
        )
        .fetchall()
    )
    assert value == [(12786.0,)]  # 主动公开 of 银川市兴庆区人民政府 2018, as printed
    # incremental: the GBK-named file is recognised as unchanged (its stored name maps back to the file)
    again = build([str(inputs)], out)
    assert again.reused == 1 and again.failed == 1
    # the dashboard's reader opens the apostrophe folder
    from app import warehouse

    assert warehouse.connect(out).execute("SELECT count(*) FROM raw_reports").fetchone()[0] == 2


def test_full_disk_leaves_no_leftovers_and_the_previous_warehouse(tmp_path, monkeypatch, capsys):
    from etl import cli

    out = tmp_path / "wh"
    build([str(SAMPLES)], out)
    before = _reports(out)

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build_mod, "write_marts", full)
    with pytest.raises(BuildError, match="磁盘空间不足"):
        build([str(SAMPLES)], out, force=True)
    assert not building_path(out).exists() and _reports(out) == before
    assert cli.main(["build", str(SAMPLES), "--out", str(out), "--force"]) == 2
    err = capsys.readouterr().err
    assert "No space left on the device" in err and "Traceback" not in err
    assert not building_path(out).exists() and _reports(out) == before
    assert lock_path(out).exists()  # the lock file stays (an OS lock, free once released)


def test_size_cap_applies_to_files_and_to_bytes(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.write("平潭综合实验区2024年政府信息公开工作年度报告\n".encode())
        f.seek(MAX_BYTES + 10)
        f.write(b"1")
    out = tmp_path / "wh"
    summary = build([str(big)], out)
    (row,) = _reports(out)
    assert summary.failed == 1 and row[1] == "failed" and row[2] == "文件过大（超过 50 MB），未解析"
    with pytest.raises(ReadError, match="文件过大"):
        read_document(Path("x.txt"), b"1" * (MAX_BYTES + 1))


def test_a_title_only_copy_never_replaces_the_real_report(tmp_path):
    """A three-line file naming the same agency and year parses 'ok' (narrative) but read no table: the real
    report ('partial', 197 cells) stays the counted copy, and its figures stay on the dashboard."""
    need_corpus()
    real = CORPUS / "2024_pingtan-syq_2021.txt"
    title = tmp_path / "2024_title_only.txt"
    title.write_text(
        "平潭综合实验区2024年政府信息公开工作年度报告\n\n本报告依据《中华人民共和国政府信息公开条例》编制。\n",
        encoding="utf-8",
    )
    out = tmp_path / "wh"
    build([str(real), str(title)], out)
    con = duckdb.connect()
    rows = {Path(s).name: (status, dup, rid) for s, status, _, dup, rid in _reports(out)}
    assert rows["2024_pingtan-syq_2021.txt"][:2] == ("partial", None)
    assert rows["2024_title_only.txt"][:2] == ("ok", rows["2024_pingtan-syq_2021.txt"][2])
    from app import queries, warehouse

    choice = queries.execute(
        warehouse.connect(out), "duplicate_choice", queries.Filters(), {"report_id": rows["2024_title_only.txt"][2]}
    )
    assert choice.select("kept", "cells", "parse_status").rows() == [(True, 197, "partial"), (False, 0, "ok")]
    n = con.execute(
        "SELECT count(*) FROM read_parquet(?) m JOIN read_parquet(?) r USING (report_id) "
        "WHERE r.duplicate_of IS NULL AND m.source = 'table' AND m.value IS NOT NULL",
        [str(out / "metrics.parquet"), str(out / "reports.parquet")],
    ).fetchone()[0]
    assert n == 197


def test_a_file_that_parses_forever_is_stopped(tmp_path, monkeypatch):
    import time

    from etl import parse

    slow = tmp_path / "slow.txt"
    shutil.copy(SAMPLES / XINGQING, slow)
    real = parse._parse

    def forever(report, path, data, neighbours):
        if path.name == "slow.txt":
            time.sleep(30)
        return real(report, path, data, neighbours)

    monkeypatch.setattr(parse, "_parse", forever)
    monkeypatch.setattr(parse, "PARSE_SECONDS", 1)
    out = tmp_path / "wh"
    started = time.monotonic()
    summary = build([str(slow), str(SAMPLES / SAMPLE_NAMES[1])], out)
    assert time.monotonic() - started < 25
    rows = {Path(r[0]).name: r for r in _reports(out)}
    assert summary.failed == 1 and rows["slow.txt"][1:3] == ("failed", "解析超时（超过 1 秒），未解析")
    assert rows[SAMPLE_NAMES[1]][1] == "ok"
