"""The cross-year rules are written once (etl/checks/year_rules.py): the split of merged digit runs and the
warehouse's checks both read them."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from conftest import etl_build

from etl.checks.across_years import NEXT, PREV, Neighbours, split_constraints
from etl.checks.year_rules import checked_rule_ids, year_rules

SETTLED_2024 = "2024_pingtan-syq_2021.html"  # 行政规范性文件 62 | 33 | 440; the 2023 report says 470 in force
NORMATIVE_2024 = ">62</p></td>", ">33</p></td>", ">440</p></td>"


def test_every_rule_is_a_split_constraint_both_ways():
    """Given every cell a rule names, in this report's flattened rows and known in both neighbours, each rule
    becomes one constraint with this report as the later year and one with it as the earlier year."""
    cells = {(t.metric or "active.total", None, t.basis) for r in year_rules() for t in r.terms}
    known = {k: 1.0 for k in cells}
    neighbours = Neighbours()
    neighbours.set(-1, 2023, known)
    neighbours.set(1, 2025, known)
    got = split_constraints(cells, neighbours)
    assert len(got) == 2 * len(year_rules())
    in_force = [c for c in got if c.left[0][0].endswith("normative.in_force")]
    assert [(c.left, c.right) for c in in_force] == [
        (
            (("normative.in_force", None, "year"), ("normative.repealed", None, "year")),
            ((PREV + "normative.in_force", None, "year"), ("normative.made", None, "year")),
        ),
        (
            ((NEXT + "normative.in_force", None, "year"), (NEXT + "normative.repealed", None, "year")),
            (("normative.in_force", None, "year"), (NEXT + "normative.made", None, "year")),
        ),
    ]
    # R7 is used to split and is not one of the warehouse's checks
    assert {c.rule for c in got} - set(checked_rule_ids()) == {"xyear.public_total"}


@pytest.fixture(scope="module")
def pingtan_2023_2024(tmp_path_factory, corpus_dir):
    """The 2023 and 2024 Pingtan HTML reports, and a copy of the pair in which 2024's 本年废止 of 行政规范性文件
    is left blank."""
    html = corpus_dir / "html"
    printed, blanked = tmp_path_factory.mktemp("printed"), tmp_path_factory.mktemp("blanked")
    for folder in printed, blanked:
        for name in ("2023_pingtan-syq_2021.html", SETTLED_2024):
            shutil.copy(html / name, folder / name)
    page = (blanked / SETTLED_2024).read_text(encoding="utf-8")
    row = page.index(NORMATIVE_2024[0])
    assert page[row:].startswith(NORMATIVE_2024[0]) and NORMATIVE_2024[1] in page[row : row + 400]
    page = page[:row] + page[row:].replace(NORMATIVE_2024[1], "></p></td>", 1)
    (blanked / SETTLED_2024).write_text(page, encoding="utf-8")
    tmp = tmp_path_factory.mktemp("built")
    return etl_build([printed], tmp / "printed"), etl_build([blanked], tmp / "blanked")


def _in_force(warehouse) -> list[tuple]:
    return duckdb.sql(
        f"SELECT status, expected, actual, message FROM '{warehouse}/checks.parquet' "
        "WHERE rule = 'xyear.in_force' ORDER BY actual"
    ).fetchall()


def test_in_force_checked_as_printed(pingtan_2023_2024):
    printed, _ = pingtan_2023_2024
    assert _in_force(printed) == [
        ("pass", 0.0, 0.0, "与上年报告衔接一致"),  # 规章 0 + 0 - 0
        (
            "fail",
            499.0,
            440.0,
            "行政规范性文件现行有效件数（440）不等于上年现行有效（470）加本年制发（62）减本年废止（33）",
        ),
    ]


def test_blank_repealed_is_not_read_as_zero(pingtan_2023_2024):
    _, blanked = pingtan_2023_2024
    repealed = duckdb.sql(
        f"SELECT value, raw FROM '{blanked}/metrics.parquet' m JOIN '{blanked}/reports.parquet' r USING (report_id) "
        "WHERE r.year = 2024 AND metric = 'normative.repealed'"
    ).fetchall()
    assert repealed == [(None, "")]
    assert _in_force(blanked) == [("pass", 0.0, 0.0, "与上年报告衔接一致")]  # 440 is not checked against 470 + 62
