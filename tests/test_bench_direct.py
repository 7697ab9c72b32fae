"""`python -m benchmarks.bench --direct`: a warehouse of N reports made by replicating a parsed one (no parsing) holds N
reports with N/n times the rows, new distinct agencies and places (all 演示…) in the same hierarchy, marts equal
to the ones a build would write, and every named dashboard query runs on it with its sums scaled by N/n.

    python -m pytest tests/test_bench_direct.py -q
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def src(tmp_path_factory) -> Path:
    """A parsed warehouse of a 300-report synthetic corpus (with its marts)."""
    from etl.build import build
    from etl.synth import generate

    d = tmp_path_factory.mktemp("direct")
    generate(d / "corpus", 300, seed=1, jobs=1)
    build([str(d / "corpus" / "reports")], d / "src", progress=False)
    return d / "src"


@pytest.fixture(scope="module")
def tripled(src, tmp_path_factory) -> Path:
    from benchmarks.bench import direct_warehouse

    out = tmp_path_factory.mktemp("direct3") / "wh"
    n = _count(src, "reports.parquet")
    made = direct_warehouse(src, out, 3 * n)
    assert made["replicas"] == 3 and made["rows"]["reports"] == 3 * n
    return out


def _count(wh: Path, rel: str, where: str = "TRUE") -> int:
    return duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{wh / rel}') WHERE {where}").fetchall()[0][0]


def test_tables_scale(src, tripled):
    for rel in (
        "reports.parquet",
        "metrics.parquet",
        "checks.parquet",
        "marts/rep.parquet",
        "marts/mv.parquet",
        "marts/kpi.parquet",
        "marts/outc.parquet",
        "marts/req.parquet",
        "marts/fails.parquet",
    ):
        assert _count(tripled, rel) == 3 * _count(src, rel), rel
    con = duckdb.connect()
    a, b = (
        con.execute(
            f"SELECT count(DISTINCT report_id), count(DISTINCT agency_id), count(DISTINCT county), "
            f"count(*) FILTER (WHERE agency NOT LIKE '演示%') FROM read_parquet('{w}/reports.parquet')"
        ).fetchall()[0]
        for w in (src, tripled)
    )
    assert b[:3] == (3 * a[0], 3 * a[1], 3 * a[2]) and b[3] == 3 * a[3]
    # sorted by report_id like a build's tables (row groups pruned by report_id)
    assert (
        con.execute(
            f"SELECT count(*) FROM (SELECT report_id < lag(report_id) OVER () AS back "
            f"FROM read_parquet('{tripled}/metrics.parquet')) WHERE back"
        ).fetchall()[0][0]
        == 0
    )


def test_replicated_marts_equal_built_marts(tripled, tmp_path):
    from warehouse import marts

    assert marts.valid(tripled)
    again = tmp_path / "again"
    shutil.copytree(tripled, again)
    shutil.rmtree(again / "marts")
    marts.write_marts(again)
    con = duckdb.connect()
    for name in marts.MARTS:
        diff = con.execute(
            f"SELECT count(*) FROM (SELECT * FROM read_parquet('{tripled}/marts/{name}.parquet') "
            f"EXCEPT ALL SELECT * FROM read_parquet('{again}/marts/{name}.parquet'))"
        ).fetchall()[0][0]
        assert diff == 0, name
    # mv is sorted like a build writes it: by metric (its row groups are skipped by metric), then report
    assert (
        con.execute(
            f"SELECT count(*) FROM (SELECT (metric, report_id) < lag((metric, report_id)) OVER () AS back "
            f"FROM read_parquet('{tripled}/marts/mv.parquet')) WHERE back"
        ).fetchall()[0][0]
        == 0
    )


# a synthetic warehouse may have no checks or copies for one report id, no collection (etl collect) to list and no
# roster (机构名录) to count coverage against
EMPTY_WITHOUT_COLLECTION = (
    "report_checks",
    "duplicate_choice",
    "collection",
    "collection_years",
    "match_differences",
    "match_queue",
    "roster_counts",
    "roster_coverage",
    "roster_late",
    "roster_matrix",
    "roster_missing",
)


def test_queries_run_and_sums_scale(src, tripled):
    from app import warehouse
    from app.queries import PAGED, SQL_DIR, Filters, execute, execute_page

    a, b = warehouse.connect(src), warehouse.connect(tripled)
    for path in sorted(SQL_DIR.glob("*.sql")):
        name = path.stem
        params = (
            {"report_id": b.execute("SELECT min(report_id) FROM raw_reports").fetchall()[0][0]}
            if "$report_id" in path.read_text() and name not in PAGED
            else {}
        )
        if name in PAGED:
            (_pa, ta), (pb, tb) = execute_page(a, name, Filters(), {}, 5), execute_page(b, name, Filters(), {}, 5)
            assert tb == 3 * ta, name  # every list is three times as long
            assert pb.height == min(5, tb), name
        else:
            assert execute(b, name, Filters(), params).height > 0 or name in EMPTY_WITHOUT_COLLECTION, name
    # summed over `tot`: a summary report replaces its area in each replica as in the source, so sums triple
    for name, cols in (
        ("headline", ("n_counted", "active_total", "received", "review_total")),
        ("review_by_year", ("n_reports", "total", "corrected")),
        ("report_counts", ("n_reports", "n_ok", "n_partial")),
    ):
        ra, rb = execute(a, name, Filters()), execute(b, name, Filters())
        assert ra.height == rb.height > 0, name
        for c in cols:
            for x, y in zip(ra[c].to_list(), rb[c].to_list()):
                assert (x is None and y is None) or math.isclose(3 * x, y, rel_tol=1e-9), (name, c)
    # a place filter keeps one replica: the replicas' places are new, distinct names
    county = b.execute("SELECT min(county) FROM rep WHERE county LIKE '演示乙%'").fetchall()[0][0]  # replica 1
    base = county.replace("演示乙", "演示", 1)
    n = execute(a, "report_counts", Filters(counties=(base,)))["n_reports"].sum()
    assert n > 0 and execute(b, "report_counts", Filters(counties=(county,)))["n_reports"].sum() == n


def test_not_a_multiple_cuts_the_last_replica(src, tmp_path):
    from benchmarks.bench import direct_warehouse

    n = _count(src, "reports.parquet")
    made = direct_warehouse(src, tmp_path / "wh", 2 * n + 7)
    assert made["rows"]["reports"] == 2 * n + 7
    assert _count(tmp_path / "wh", "marts/rep.parquet") == _count(
        tmp_path / "wh", "reports.parquet", "duplicate_of IS NULL"
    )


def test_cli_direct_prints_one_json_line(src, tmp_path, capsys):
    import json

    from benchmarks.bench import main

    n = _count(src, "reports.parquet")
    assert (
        main(
            [
                "--reports",
                str(2 * n),
                "--direct",
                "--from",
                str(src),
                "--out",
                str(tmp_path / "wh"),
                "--repeat",
                "1",
            ]
        )
        == 0
    )
    line = json.loads(capsys.readouterr().out.strip())
    assert line["reports"] == 2 * n and line["direct"] is True
    assert set(line["queries"]) == {p.stem for p in (ROOT / "app" / "sql").glob("*.sql")}
    assert all(q["p95_ms"] > 0 for q in line["queries"].values())
