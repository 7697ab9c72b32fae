"""The dashboard under concurrent sessions (issue 14): no Python callback runs inside Polars on the request path
(a callback there deadlocked the server against to_pandas), and the server answers its health check while
several browser sessions render pages at once."""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import ROOT

CALLBACKS = {"map_elements", "map_rows", "map_batches", "map_groups", "apply"}


def test_no_python_callbacks_inside_polars_on_the_request_path():
    found = []
    for folder in ("app", "pages", "scoring"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Attribute) or node.attr not in CALLBACKS:
                    continue
                if node.attr == "apply" and isinstance(node.value, ast.Attribute) and node.value.attr == "style":
                    continue  # pandas' Styler (cell colours of a shown table), not a callback inside polars
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert found == []


def test_vectorised_labels_read_as_before():
    from app import charts, filters, ui

    values = [None, 0, 7, 999, 1000, 12786, 1234567, -5, -1234.5, 0.5, 3.14159, 2949.0]
    got = pl.DataFrame({"v": values}, strict=False).select(charts._formatted(pl.col("v")).alias("t"))["t"]
    assert got.to_list() == [None] + [charts._fmt(v) for v in values[1:]]
    rates = [0.0, 0.5, 0.123, 1.0, 0.25]
    got = pl.DataFrame({"v": rates}).select(charts._formatted(pl.col("v"), rate=True).alias("t"))["t"]
    assert got.to_list() == ["0.0%", "50.0%", "12.3%", "100.0%", "25.0%"]
    years = pl.Series("missing", [[2011, 2012, 2013, 2015], [], None, [2019, 2021, 2022]])
    assert filters.year_ranges_of(years).to_list() == ["2011–2013、2015", "", "", "2019、2021–2022"]
    lines = ["标题", "  主动公开政府信息12786条 ", "末行"]
    loc = pl.DataFrame({"l": ["第2行", "第9行", None, "表格第3行", "第1行"]})
    assert (
        loc.select(ui.lines_at(lines, pl.col("l")))["l"].to_list()
        == [ui.line_at(lines, x) for x in loc["l"].to_list()]
        == ["主动公开政府信息12786条", None, None, None, "标题"]
    )


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no /usr/bin/chromium")
def test_health_check_answers_during_concurrent_sessions():
    """4 browser sessions at once over the pages whose charts and tables changed (python -m benchmarks.loadtest_browser
    does the same with 50 sessions over every page): every render completes without an exception and every
    health-check poll is answered within 5 s."""
    from benchmarks import loadtest_browser as loadtest
    from tests.browser.serve import free_port

    with loadtest.serve(free_port(), None) as url:
        res = loadtest.run(url, sessions=4, rounds=1, pages=["overview", "report", "channels"], budget_s=300)
    s = res.summary()
    assert (s["renders"], s["failed"], s["timed_out"]) == (12, 0, False), s["first_failures"]
    assert s["health"]["failed"] == 0 and s["health"]["ok"] >= 3
