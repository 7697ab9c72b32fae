"""The demo dataset (issue 7): `python -m etl demo` builds a synthetic warehouse, and the dashboard marks it
演示数据 on every page, in chart titles and in download names; a warehouse of real reports is not marked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import altair as alt
import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["pages/overview.py", "pages/channels.py", "pages/requests.py", "pages/scorecard.py", "pages/quality.py"]


@pytest.fixture(scope="module")
def demo_wh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    run = subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--reports", "150", "--out", str(out), "--jobs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "WAREHOUSE_DIR=" in run.stdout
    return out / "warehouse"


def _app(monkeypatch, wh: Path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WAREHOUSE_DIR", str(wh))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)


def test_demo_warehouse_is_synthetic_with_places(demo_wh):
    con = duckdb.connect()
    n, named, placed = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE agency LIKE '演示%'), count(province) "
        f"FROM read_parquet('{demo_wh}/reports.parquet')"
    ).fetchone()
    assert n == named == placed == 150  # every report synthetic, every one placed by the corpus's places.csv


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_demo(monkeypatch, demo_wh, page):
    at = _app(monkeypatch, demo_wh).run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("演示数据" in e.value and "150" in e.value for e in at.error)


def test_the_demo_warehouse_takes_no_uploads(monkeypatch, demo_wh):
    at = _app(monkeypatch, demo_wh).run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    assert any("不接受导入" in w.value for w in at.warning)
    assert at.button[0].disabled


def test_charts_and_files_are_marked(monkeypatch, demo_wh):
    monkeypatch.setenv("WAREHOUSE_DIR", str(demo_wh))
    from app import demo, files, queries

    queries.clear()
    assert demo.counts() == (150, 150)
    assert files.file_stem("主动公开渠道") == "演示数据_主动公开渠道"
    chart = demo.mark_chart(alt.Chart(title="主动公开政府信息数").mark_bar())
    title = chart.to_dict()["title"]
    assert title["text"] == "主动公开政府信息数" and "演示数据" in title["subtitle"]


def test_real_reports_are_not_marked(monkeypatch, tmp_path):
    wh = tmp_path / "wh"
    subprocess.run(
        [sys.executable, "-m", "etl", "build", str(ROOT / "data" / "samples"), "--out", str(wh)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    at = _app(monkeypatch, wh).run()
    assert not at.exception
    assert not any("演示数据" in e.value for e in at.error)
    from app import files, queries

    queries.clear()
    assert files.file_stem("主动公开渠道") == "主动公开渠道"
