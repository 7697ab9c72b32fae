"""The build's second pass: flattened digit runs settled by the same agency's neighbouring years.

Pingtan's 2014–2017 reports also state 主动公开政府信息NNNN条 in their prose, which settles the same runs in the
report alone (tests/golden). To test the neighbours, the copies built here have that prose figure taken out.
"""
from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from etl.build import build
from etl.checks.across_years import Neighbours
from etl.extract.flat import extract_flat
from etl.specs import SPECS
from golden_data import golden_metrics

# cells the golden set says only the cross-year rules can read from the flattened text, and the reports they need
SETTLED_BY_NEIGHBOURS = {
    "2015_pingtan-syq_old": ["active.total", "channel.website"],        # 78967 (2014) + 2949 = 81916
    "2016_pingtan-syq_old": ["active.total", "channel.website"],        # 81916 (2015, itself settled) + 3460 = 85376
    "2019_pingtan-syq_2019": ["penalty.prev_items", "penalty.change", "penalty.decisions",
                              "admin_fees.prev_items", "admin_fees.change"],   # 2020's 上一年项目数量
}


def _copy_without_prose_total(path, folder) -> None:
    """The report, its prose figure 主动公开政府信息NNNN条 made 主动公开政府信息若干条 (the table is untouched)."""
    text = path.read_text(encoding="utf-8")
    if "pingtan-syq_old" in path.name:
        text = re.sub(r"主动公开政府信息\d+条", "主动公开政府信息若干条", text)
    (folder / path.name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def real_txt_warehouse(corpus_dir, tmp_path_factory):
    src = tmp_path_factory.mktemp("real_txt")
    for p in corpus_dir.glob("*.txt"):
        _copy_without_prose_total(p, src)
    out = tmp_path_factory.mktemp("wh") / "wh"
    summary = build([str(src)], out, progress=False)
    con = duckdb.connect()
    rows = con.execute(f"""
        SELECT regexp_extract(r.source_file, '([^/]+)\\.txt$', 1) AS key, m.metric, m.basis, m.value, m.locator,
               r.parse_status, r.error
        FROM read_parquet('{out}/metrics.parquet') m JOIN read_parquet('{out}/reports.parquet') r USING (report_id)
        WHERE m.source = 'table'""").fetchall()
    return summary, {(k, metric, basis): (v, loc, status, err) for k, metric, basis, v, loc, status, err in rows}


def test_settled_cells_are_the_golden_values(real_txt_warehouse):
    summary, cells = real_txt_warehouse
    assert summary.settled == 3
    checked = 0
    for key, metrics in SETTLED_BY_NEIGHBOURS.items():
        for (metric, _, basis), want in golden_metrics(key).items():
            if metric not in metrics:
                continue
            value, locator, _, _ = cells[(key, metric, basis)]
            # the table alone cannot split it (2015/2016: nor can the report once its prose figure is taken out)
            assert "txt" in want["miss_in"] or "split constraint" in want["note"]
            assert value == want["value"], (key, metric, basis)
            assert "参照同一机关" in locator and "年报告" in locator
            checked += 1
    assert checked == 2 * 2 + 2 * 2 + 5                      # year and 历年累计 of two rows, twice; five 2019 cells


def test_the_locator_names_the_rule_and_the_years(real_txt_warehouse):
    _, cells = real_txt_warehouse
    _, locator, status, error = cells[("2016_pingtan-syq_old", "active.total", "cumulative")]
    assert "old.cumulative.chain" in locator and "参照同一机关2015、2017年报告" in locator
    assert status == "ok" and error is None                  # its only problem was this run
    _, locator, _, _ = cells[("2019_pingtan-syq_2019", "penalty.decisions", "year")]
    assert "xyear.prev_items" in locator and "2020年报告" in locator


def test_a_broken_chain_settles_nothing(real_txt_warehouse):
    # 2017: 85376 (2016) + 2122 = 87498, but the table says 10037 — no split fits, so the run stays blank
    _, cells = real_txt_warehouse
    for metric in ("active.total", "channel.website"):
        for basis in ("year", "cumulative"):
            value, _, status, error = cells[("2017_pingtan-syq_old", metric, basis)]
            assert value is None and status == "partial" and "212210037" in error


def test_runs_with_more_unknowns_than_rules_stay_blank(real_txt_warehouse):
    _, cells = real_txt_warehouse
    for metric in ("license.prev_items", "license.change", "license.decisions", "procurement.amount"):
        assert cells[("2019_pingtan-syq_2019", metric, "year")][0] is None


FUJIAN_ROW = "主动公开信息数条294981916其中:1、政府网站公开数条294981916"


def _flat(neighbours):
    metrics, problems, _ = extract_flat(FUJIAN_ROW, SPECS["fujian2014"], set(), neighbours)
    return {(m.metric, m.basis): m.value for m in metrics if m.metric == "active.total"}, problems


def test_neighbours_only_complete_a_row():
    alone, problems = _flat(None)
    assert alone == {("active.total", "year"): None, ("active.total", "cumulative"): None} and problems
    chained, problems = _flat(Neighbours(prev={("active.total", None, "cumulative"): 78967.0}, prev_year=2014))
    assert chained == {("active.total", "year"): 2949.0, ("active.total", "cumulative"): 81916.0}
    assert not [p for p in problems if "294981916其中" in p]
    # a neighbour that no split agrees with changes nothing: the run stays blank, with the same message
    contradicted, problems2 = _flat(Neighbours(prev={("active.total", None, "cumulative"): 5.0}, prev_year=2014))
    assert contradicted == alone and any("多种符合勾稽关系的拆分" in p for p in problems2)


def test_an_incremental_build_settles_reports_it_keeps(corpus_dir, tmp_path):
    # without 2014 the 2015 and 2016 runs cannot be settled; adding 2014 later settles both, unchanged files
    # included (the second pass reads the rows the build keeps from the previous warehouse)
    src, out = tmp_path / "src", tmp_path / "wh"
    src.mkdir()
    for year in (2015, 2016, 2017):
        _copy_without_prose_total(corpus_dir / f"{year}_pingtan-syq_old.txt", src)
    first = build([str(src)], out, progress=False)
    assert first.settled == 0 and first.partial == 3
    _copy_without_prose_total(corpus_dir / "2014_pingtan-syq_old.txt", src)
    again = build([str(src)], out, progress=False)
    assert again.reused == 3 and again.settled == 2
    con = duckdb.connect()
    got = dict(con.execute(f"""
        SELECT regexp_extract(r.source_file, '(\\d{{4}})_', 1), m.value
        FROM read_parquet('{out}/metrics.parquet') m JOIN read_parquet('{out}/reports.parquet') r USING (report_id)
        WHERE m.metric = 'active.total' AND m.basis = 'cumulative'""").fetchall())
    assert got == {"2014": 78967, "2015": 81916, "2016": 85376, "2017": None}
