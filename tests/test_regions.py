"""A user limited to a province or prefecture sees only its reports: every named query of every page, run on a
region-limited connection (app/queries.restrict), returns no other region's report, place or figure.

python -m pytest tests/test_regions.py -q
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

from app import filters, queries, warehouse
from app.queries import Filters, Region
from warehouse import marts as warehouse_marts

YINCHUAN = Region("宁夏回族自治区", "银川市")
NINGXIA = "afbff28e84d0684f"  # 宁夏回族自治区人民政府 2018: the province's own report, no prefecture
XIXIA = "3ac9efde38fb3486"  # 银川市西夏区贺兰山西路街道办事处 2018
QUERIES = sorted(p.stem for p in queries.SQL_DIR.glob("*.sql") if p.stem != "views")


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    from etl.build import build

    out = tmp_path_factory.mktemp("regions") / "warehouse"
    build(["data/samples"], out, progress=False, audit_db="sqlite:///" + str(out.parent / "none.sqlite"), base=ROOT)
    return out


def _con(wh: Path, region: Region):
    con = warehouse.connect(wh)
    if region:
        queries.restrict(con, region)
    return con


def _run(con, name: str, report_id: str):
    params = {"report_id": report_id} if "$report_id" in queries.sql_text(name) else {}
    if "$year" in queries.sql_text(name) and name not in queries.DEFAULT_PARAMS:
        params["year"] = 2018
    return queries.execute(con, name, Filters(), params)


def test_the_samples_span_two_places(wh):
    rep = _con(wh, Region()).sql("SELECT report_id, prefecture FROM rep").fetchall()
    assert len(rep) == 5 and (NINGXIA, None) in rep and (XIXIA, "银川市") in rep


@pytest.mark.parametrize("name", QUERIES)
def test_no_query_reaches_another_region(wh, name):
    everything = _con(wh, Region())
    mine = {r for (r,) in everything.sql("SELECT report_id FROM raw_reports WHERE prefecture = '银川市'").fetchall()}
    limited = _con(wh, YINCHUAN)
    for rid in (NINGXIA, XIXIA):
        df = _run(limited, name, rid)
        if "report_id" in df.columns:
            assert set(df["report_id"].drop_nulls().to_list()) <= mine, name
        if "prefecture" in df.columns:
            assert set(df["prefecture"].to_list()) <= {"银川市"}, name
        if "agency" in df.columns:
            assert "宁夏回族自治区人民政府" not in df["agency"].to_list(), name


@pytest.mark.parametrize("marts", [True, False], ids=["marts", "views.sql"])
def test_limited_figures_are_the_regions_own(wh, marts, monkeypatch):
    if not marts:  # the views computed per query (a warehouse without marts): they read the limited raw tables
        monkeypatch.setattr(warehouse_marts, "valid", lambda *a, **k: False)
    everything, limited = _con(wh, Region()), _con(wh, YINCHUAN)
    # 总览's report counts: 4 reports of 2018 in the warehouse, 3 of them in 银川市
    counts = dict(_run(everything, "report_counts", "").select("year", "n_reports").iter_rows())
    assert counts == {2018: 4, 2019: 1}
    assert dict(_run(limited, "report_counts", "").select("year", "n_reports").iter_rows()) == {2018: 3, 2019: 1}
    # a report of another region, asked for by its id, is not there at all
    assert _run(everything, "report_meta", NINGXIA).height == 1
    assert _run(limited, "report_meta", NINGXIA).height == 0
    assert _run(limited, "report_metrics", NINGXIA).height == 0
    assert _run(limited, "report_checks", NINGXIA).height == 0
    assert _run(limited, "report_metrics", XIXIA).height == _run(everything, "report_metrics", XIXIA).height > 0
    # the filters offer only the region's places
    opts = _run(limited, "filter_options", "")
    assert set(opts["prefecture"].to_list()) == {"银川市"}
    # a province-wide limit keeps the province's own report
    assert _run(_con(wh, Region("宁夏回族自治区")), "report_meta", NINGXIA).height == 1


def test_a_page_cannot_widen_the_limit(monkeypatch):
    monkeypatch.setattr(queries, "session_region", lambda: YINCHUAN)
    assert queries._limited(None).region == YINCHUAN
    assert queries._limited(Filters(provinces=("福建省",), region=Region())).region == YINCHUAN


def test_places_for_the_scorecard_stay_within_the_region():
    assert filters.places(Filters()) == {}
    assert filters.places(Filters(region=YINCHUAN)) == {"province": ["宁夏回族自治区"], "prefecture": ["银川市"]}
    assert filters.places(Filters(counties=("兴庆区",), region=YINCHUAN)) == {
        "province": ["宁夏回族自治区"],
        "prefecture": ["银川市"],
        "county": ["兴庆区"],
    }
    assert filters.places(Filters(provinces=("福建省",), region=YINCHUAN)) is None


def test_an_object_with_no_place_is_refused(wh):
    con = warehouse.connect(wh)
    con.execute("CREATE VIEW loose AS SELECT 1 AS x")
    with pytest.raises(RuntimeError, match="cannot limit loose"):
        queries.restrict(con, YINCHUAN)
