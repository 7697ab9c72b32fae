"""The build's second pass: flattened digit runs settled by the same agency's neighbouring years.

Pingtan's 2014–2017 reports also state 主动公开政府信息NNNN条 in their prose, which settles the same runs in the
report alone (tests/golden). To test the neighbours, the copies built here have that prose figure taken out.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from golden_data import PINGTAN_2015_ROWS, golden_metrics

from etl.build import build
from etl.checks.across_years import Neighbours
from etl.extract.flat import extract_flat
from etl.specs import SPECS

# cells the golden set says only the cross-year rules can read from the flattened text, and the reports they need
SETTLED_BY_NEIGHBOURS = {
    "2015_pingtan-syq_old": ["active.total", "channel.website"],  # 78967 (2014) + 2949 = 81916
    "2016_pingtan-syq_old": ["active.total", "channel.website"],  # 81916 (2015, itself settled) + 3460 = 85376
    "2019_pingtan-syq_2019": [
        "penalty.prev_items",
        "penalty.change",
        "penalty.decisions",
        "admin_fees.prev_items",
        "admin_fees.change",  # 2020's 上一年项目数量
        # split together with 2020's own open runs: 396|0|181 with 396|442|278, 10|0|153
        # with 10|7|105, and 对外公开总数量 89 with 77|77|166 (R7: 89 + 77 = 166)
        "license.prev_items",
        "license.change",
        "license.decisions",
        "admin_service.prev_items",
        "admin_service.change",
        "admin_service.decisions",
        "normative.public_total",
    ],
    "2020_pingtan-syq_2019": [
        "license.prev_items",
        "admin_service.prev_items",
        "normative.made",
        "normative.published",
        "normative.public_total",
    ],
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
    assert summary.settled == 4
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
    assert checked == 2 * 2 + 2 * 2 + 12 + 5  # year and 历年累计 of two rows, twice; 2019; 2020


def test_the_locator_names_the_rule_and_the_years(real_txt_warehouse):
    _, cells = real_txt_warehouse
    _, locator, status, error = cells[("2016_pingtan-syq_old", "active.total", "cumulative")]
    assert "old.cumulative.chain" in locator and "参照同一机关2015、2017年报告" in locator
    assert status == "ok" and error is None  # its only problem was this run
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
    for metric in ("procurement.projects", "procurement.amount", "normative.made", "normative.published"):
        assert cells[("2019_pingtan-syq_2019", metric, "year")][0] is None  # 89|89|89 or 898|9|89
    for metric in ("license.change", "license.decisions", "admin_service.change", "admin_service.decisions"):
        value, _, status, error = cells[("2020_pingtan-syq_2019", metric, "year")]  # 442|278 or 44|2278 or …
        assert value is None and status == "partial" and "多种符合勾稽关系的拆分" in error
    # the cell of the row that the year before does settle is read, the row's problem stays
    value, locator, _, _ = cells[("2020_pingtan-syq_2019", "license.prev_items", "year")]
    assert value == 396 and "xyear.prev_items" in locator and "参照同一机关2019" in locator


def _flat(neighbours):
    metrics, problems, _ = extract_flat(PINGTAN_2015_ROWS, SPECS["fujian2014"], set(), neighbours)
    return {(m.metric, m.basis): m.value for m in metrics if m.metric == "active.total"}, problems


# a synthetic Fujian 2014 table, flattened (etl synth): 55|166, and 28600|28600 元 waived
FUJIAN_2014_TABLE = (
    "指标名称计量单位2014年度历年累计主动公开文件数条55166其中：1、政府网站公开数条551562、政府公报公开数条010"
    "受理依申请公开信息总数条616其中：1、当面申请数条2102、网上申请数条463、信函、传真申请数条00"
    "对申请的答复总数条514其中：1、同意公开答复数条352、同意部分公开答复数条123、不予公开答复数条114、"
    "其他类型答复数条06政府信息公开收费减免金额元2860028600接受行政诉讼、举报数件00行政复议数件00行政诉讼数件00"
)
# the 2019 format's section 二 as Pingtan 2020 prints it
SECTION_2_2020 = (
    "第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章007规范性文件7777166"
    "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可396442278其他对外管理服务事项107105"
)


def _cells(text, spec, neighbours):
    metrics, problems, _ = extract_flat(text, SPECS[spec], set(), neighbours)
    return {(m.metric, m.basis): m.value for m in metrics}, problems


def test_a_neighbour_settles_the_cells_it_can():
    alone, _ = _cells(SECTION_2_2020, "2019", None)
    assert alone[("license.prev_items", "year")] is None and alone[("normative.public_total", "year")] is None
    year_before = Neighbours(
        prev={
            ("license.prev_items", None, "year"): 396.0,
            ("license.change", None, "year"): 0.0,
            ("normative.public_total", None, "year"): 89.0,
        },
        prev_year=2019,
    )
    got, problems = _cells(SECTION_2_2020, "2019", year_before)
    # R7: 对外公开总数量 166 = 89 + 77 and 本年新公开 77 ≤ 166 leave one split of 7777166
    assert [got[(f"normative.{c}", "year")] for c in ("made", "published", "public_total")] == [77, 77, 166]
    # 上一年项目数量 = 396 + 0; 442|278 or 44|2278 or 4|42278 … stay open, and the row keeps its problem
    assert [got[(f"license.{c}", "year")] for c in ("prev_items", "change", "decisions")] == [396, None, None]
    assert any("行政许可396442278" in p and "多种" in p for p in problems)


def test_money_rows_are_chained_in_the_unit_they_print():
    # the next report (kept in 万元) says 历年累计 2.86 and 本年 0: this year's 历年累计 is 28600 元
    year_after = Neighbours(
        next={("fees.collected", None, "cumulative"): 2.86, ("fees.collected", None, "year"): 0.0}, next_year=2015
    )
    got, _ = _cells(FUJIAN_2014_TABLE, "fujian2014", year_after)
    assert got[("fees.collected", "year")] == 2.86 and got[("fees.collected", "cumulative")] == 2.86


def test_a_neighbour_that_breaks_the_chain_says_nothing():
    # the year before says 历年累计 963, which no split of 55166 continues (its table began a new count); the year
    # after (167 = 166 + 1) still settles the run
    before = {("active.total", None, "cumulative"): 963.0}
    after = {("active.total", None, "cumulative"): 167.0, ("active.total", None, "year"): 1.0}
    got, _ = _cells(FUJIAN_2014_TABLE, "fujian2014", Neighbours(prev=before, prev_year=2013))
    assert got[("active.total", "year")] is None
    got, _ = _cells(
        FUJIAN_2014_TABLE, "fujian2014", Neighbours(prev=before, next=after, prev_year=2013, next_year=2015)
    )
    assert got[("active.total", "year")] == 55 and got[("active.total", "cumulative")] == 166


def test_neighbours_complete_a_row():
    alone, problems = _flat(None)
    assert alone == {("active.total", "year"): None, ("active.total", "cumulative"): None} and problems
    chained, problems = _flat(Neighbours(prev={("active.total", None, "cumulative"): 78967.0}, prev_year=2014))
    assert chained == {("active.total", "year"): 2949.0, ("active.total", "cumulative"): 81916.0}
    assert not [p for p in problems if "294981916其中" in p]
    # a neighbour that no split agrees with changes nothing: the run stays blank, with the same message
    contradicted, problems2 = _flat(Neighbours(prev={("active.total", None, "cumulative"): 5.0}, prev_year=2014))
    assert contradicted == alone and any("多种符合勾稽关系的拆分" in p for p in problems2)


def test_an_incremental_build_settles_reports_it_keeps(corpus_dir, tmp_path):
    # 2015 alone cannot be settled (2016 missing, 2017 breaks the chain); adding 2014 later settles it, an unchanged
    # file (the second pass reads the rows the build keeps from the previous warehouse)
    src, out = tmp_path / "src", tmp_path / "wh"
    src.mkdir()
    for year in (2015, 2017):
        _copy_without_prose_total(corpus_dir / f"{year}_pingtan-syq_old.txt", src)
    first = build([str(src)], out, progress=False)
    assert first.settled == 0 and first.partial == 2
    _copy_without_prose_total(corpus_dir / "2014_pingtan-syq_old.txt", src)
    again = build([str(src)], out, progress=False)
    assert again.reused == 2 and again.settled == 1
    con = duckdb.connect()
    got = dict(
        con.execute(f"""
        SELECT regexp_extract(r.source_file, '(\\d{{4}})_', 1), m.value
        FROM read_parquet('{out}/metrics.parquet') m JOIN read_parquet('{out}/reports.parquet') r USING (report_id)
        WHERE m.metric = 'active.total' AND m.basis = 'cumulative'""").fetchall()
    )
    assert got == {"2014": 78967, "2015": 81916, "2017": None}


def test_two_open_neighbours_are_split_together(corpus_dir, tmp_path):
    # neither 2015 (294981916) nor 2016 (346085376) splits alone, nor with 2014 or 2017 missing; together the chain
    # 历年累计(2016) = 历年累计(2015) + 本年(2016) leaves one split of both: 2949|81916 and 3460|85376
    src = tmp_path / "src"
    src.mkdir()
    for year in (2015, 2016):
        _copy_without_prose_total(corpus_dir / f"{year}_pingtan-syq_old.txt", src)
    summary = build([str(src)], tmp_path / "wh", progress=False)
    assert summary.settled == 2 and summary.partial == 0
    got = (
        duckdb.connect()
        .execute(f"""
        SELECT regexp_extract(r.source_file, '(\\d{{4}})_', 1), m.basis, m.value, m.locator
        FROM read_parquet('{tmp_path}/wh/metrics.parquet') m JOIN read_parquet('{tmp_path}/wh/reports.parquet') r
             USING (report_id)
        WHERE m.metric = 'active.total' ORDER BY 1, 2""")
        .fetchall()
    )
    assert [(y, b, v) for y, b, v, _ in got] == [
        ("2015", "cumulative", 81916),
        ("2015", "year", 2949),
        ("2016", "cumulative", 85376),
        ("2016", "year", 3460),
    ]
    assert "old.cumulative.chain" in got[0][3] and "参照同一机关2016年报告" in got[0][3]


def test_the_second_pass_runs_on_the_chosen_executor(corpus_dir, tmp_path, monkeypatch):
    """`--executor dask`: the reports parsed again with their neighbours' figures are parsed on the cluster too,
    and settle exactly the cells the local build settles."""
    pytest.importorskip("dask.distributed")
    from etl import executors

    src = tmp_path / "src"
    src.mkdir()
    for p in corpus_dir.glob("*pingtan-syq*.txt"):
        _copy_without_prose_total(p, src)
    shipped = []
    on_dask = executors.run_dask

    def counted(fn, items, *args, **kwargs):
        items = list(items)
        shipped.append((fn.__name__, len(items)))
        return on_dask(fn, items, *args, **kwargs)

    monkeypatch.setattr(executors, "run_dask", counted)
    local = build([str(src)], tmp_path / "local", progress=False)
    assert not shipped
    dask = build([str(src)], tmp_path / "dask", progress=False, executor="dask")
    assert dask.settled == local.settled >= 4
    second = [n for fn, n in shipped if fn == "_parse_bytes"]
    assert second and sum(second) >= dask.settled  # every report settled was parsed again on the cluster
    con = duckdb.connect()
    rows = "SELECT * EXCLUDE (report_id) FROM read_parquet('{}/metrics.parquet') ORDER BY ALL"
    assert (
        con.execute(rows.format(tmp_path / "local")).fetchall()
        == con.execute(rows.format(tmp_path / "dask")).fetchall()
    )
