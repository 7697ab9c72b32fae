"""Dashboard marts (DIR/marts/*.parquet, warehouse/marts.py): every named query gives the same rows with the
marts as with the views over the raw tables, and stale marts are never used.

    python -m pytest tests/test_marts.py -q
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from same_rows import every_query_same, norm

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    from etl.build import build

    d = tmp_path_factory.mktemp("marts") / "warehouse"
    build(["data/samples"], d, progress=False, base=ROOT)
    return d


def test_build_writes_valid_marts(wh):
    from warehouse import marts

    assert all((wh / "marts" / f"{t}.parquet").is_file() for t in marts.MARTS)
    assert marts.valid(wh)


def test_queries_same_with_and_without_marts(wh, tmp_path):
    """Every named query, unpaged (as a download runs it) and as the pages run the lists (first rows + total)."""
    from app import warehouse
    from app.queries import PAGED, Filters, execute_page

    plain = tmp_path / "plain"
    shutil.copytree(wh, plain)
    shutil.rmtree(plain / "marts")
    a, b = warehouse.connect(wh), warehouse.connect(plain)
    rid = a.execute("SELECT report_id FROM raw_reports WHERE parse_status = 'ok' LIMIT 1").fetchone()[0]
    prov = a.execute("SELECT min(province) FROM rep").fetchone()[0]
    years = [r[0] for r in a.execute("SELECT DISTINCT year FROM rep ORDER BY 1 LIMIT 2").fetchall()]
    ag = a.execute("SELECT min(agency_id) FROM rep").fetchone()[0]
    filter_sets = [  # every filter once (each query costs ~0.2 s on the views)
        Filters(),
        Filters(years=tuple(years), levels=("county", "township")),
        Filters(provinces=(prov,), scope="self"),
        Filters(scope="aggregate"),
        Filters(agencies=(ag,)),
    ]
    n = 0
    for name, f, params, ra in every_query_same(a, b, filter_sets, rid):
        n += 1
        if name in PAGED:  # a page of 3 rows: the same first rows and the same total either way
            (pa, ta), (pb, tb) = execute_page(a, name, f, params, 3), execute_page(b, name, f, params, 3)
            assert ta == tb == ra.height, (name, f)
            assert pa.rows() == ra.rows()[:3] or norm(pa.rows()) == norm(pb.rows()), (name, f)
    assert n > 50


def test_stale_marts_are_not_used(wh, tmp_path):
    from warehouse import marts

    t = tmp_path / "edited"
    shutil.copytree(wh, t)
    assert marts.valid(t)  # a faithful copy keeps its marts
    for f in t.rglob("*.parquet"):  # ... also when the copy did not keep the files' times (cp -r)
        os.utime(f, (1_000_000_000, 1_000_000_000))
    assert marts.valid(t)
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_parquet('{wh}/metrics.parquet') LIMIT 3) TO '{t}/metrics.parquet' (FORMAT parquet)"
    )
    assert not marts.valid(t)  # a table rewritten outside a build: back to the views


def test_filter_options_offer_every_value(wh):
    """filter_options has a row per agency and place (not per report), yet offers every value of every filter and
    every place → agency combination the sidebar narrows by."""
    from app import warehouse
    from app.queries import Filters, execute

    con = warehouse.connect(wh)
    opts = execute(con, "filter_options", Filters())
    rep = con.sql("SELECT * FROM rep").pl()
    for c in opts.columns:
        assert set(opts[c].to_list()) == set(rep[c].to_list()), c
    k = ["province", "prefecture", "county", "level", "agency_kind", "agency_id", "agency_name"]
    assert set(opts.select(k).rows()) == set(rep.select(k).rows())


def test_wide_figures_follow_metrics_csv(wh, monkeypatch):
    """fig/rep have one column per `figure` of figures.csv (beside metrics.csv), counted per `figure_group` (n_<group>_rows), and one
    per applicant of request.new; a metric added to the catalogue with a figure adds its column."""
    from dataclasses import replace

    from app import warehouse
    from warehouse import contract, marts
    from warehouse.tables import table_source

    con = warehouse.connect(wh)
    cols = dict(con.sql("SELECT column_name, column_type FROM (DESCRIBE rep)").fetchall())
    figures = {m.figure for m in contract.catalogue().values() if m.figure}
    groups = {m.figure_group for m in contract.catalogue().values() if m.figure}
    assert {"gazette", "channel_other", "reading_points", "lit_pending", "review_total"} <= figures
    assert groups == {"channel", "staff", "item", "review", "lit"}
    assert all(cols[f] == "DOUBLE" for f in figures | {"natural_person", "other_org"})
    assert all(cols[f"n_{g}_rows"] == "BIGINT" for g in groups | {"applicant"})
    q = "SELECT lit_total, lit_upheld, n_lit_rows, review_total, n_review_rows, natural_person, n_applicant_rows FROM rep"
    assert con.sql(f"{q} WHERE label = '宁夏（汇总）'").fetchall() == [(20.0, 9.0, 4, 22.0, 4, None, 0)]
    # 2019: 行政诉讼 = 未经复议直接起诉 (总计 left blank) + 复议后起诉 (0); the six applicant columns, 自然人 blank
    assert con.sql(f"{q} WHERE label = '审批服务管理局'").fetchall() == [(0.0, None, 10, 0.0, 5, None, 6)]

    before = marts.views_hash()
    extra = dict(contract.catalogue())
    extra["channel.forum"] = replace(extra["channel.other"], key="channel.forum", figure="forum")
    monkeypatch.setattr(marts, "catalogue", lambda: extra)
    con = duckdb.connect()
    for t in ("reports", "metrics", "checks"):
        con.execute(f"CREATE VIEW raw_{t} AS SELECT * FROM {table_source(wh, t)}")
    con.execute(marts.views_sql())
    assert "forum" in {c for (c, *_) in con.sql("DESCRIBE rep").fetchall()}
    assert con.execute("SELECT max(n_channel_rows) FROM rep").fetchone()[0] == 6  # no report has the new metric
    assert marts.views_hash() != before  # marts written before the metric was added are stale
