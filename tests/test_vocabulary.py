"""One vocabulary (warehouse/vocabulary.csv → the warehouse's `labels` table → the dashboard's SQL and warehouse.labels), and the
contract's allowed values (warehouse.contract.ACCEPTED_VALUES) held by every built warehouse: the samples and the real
corpus.

    python -m pytest tests/test_vocabulary.py -q
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS, ROOT, SAMPLES, need_corpus


def _build(inputs, out: Path) -> Path:
    from etl.build import build

    build([str(i) for i in inputs], out, progress=False, base=ROOT)
    return out


@pytest.fixture(scope="module")
def samples_wh(tmp_path_factory) -> Path:
    return _build([SAMPLES.relative_to(ROOT)], tmp_path_factory.mktemp("vocab") / "samples")


@pytest.fixture(scope="module")
def real_wh(tmp_path_factory) -> Path:
    need_corpus()
    return _build([CORPUS], tmp_path_factory.mktemp("vocab") / "real")


def _tables(wh: Path) -> dict[str, str]:
    return {t: f"read_parquet('{wh}/{t}.parquet')" for t in ("reports", "metrics", "checks")}


def test_labels_table_is_the_vocabulary(samples_wh):
    from app import warehouse
    from warehouse import labels
    from warehouse.contract import vocabulary

    rows = duckdb.sql(f"SELECT kind, code, label_zh, rank FROM '{samples_wh}/marts/labels.parquet'").fetchall()
    assert {(k, c, z) for k, c, z, _ in rows} == {
        (k, c, z) for k, codes in vocabulary().items() for c, z in codes.items()
    }
    assert ("level", "township", "乡镇（街道）", 4) in rows and ("level", "unknown", "未知", 5) in rows
    # the list pages, the filters and the scorecard read one name per level
    con = warehouse.connect(samples_wh)
    shown = dict(con.execute("SELECT DISTINCT level, level_zh FROM rep").fetchall())
    assert shown == {"province": "省级", "county": "县级", "township": "乡镇（街道）"}
    assert all(labels.LEVEL_ZH[k] == v for k, v in shown.items())
    assert labels.LEVEL_ORDER == ["national", "province", "prefecture", "county", "township"]
    from scoring.scorecard import peer_label

    assert (
        peer_label({"level": "township", "agency_kind": "government"}, ("level", "agency_kind"))
        == "乡镇（街道） · 政府"
    )
    assert peer_label({"level": "national", "agency_kind": "department"}, ("level", "agency_kind")) == "国家 · 部门"


def test_other_org_reads_one_name():
    from app import charts
    from warehouse import contract, labels

    assert contract.APPLICANT_ZH["other_org"] == labels.APPLICANT_ZH["other_org"] == "其他"
    assert charts.ORDER["applicant"] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert all(a in charts.PALETTE for a in charts.ORDER["applicant"])


def test_every_rule_the_checks_hold_is_named(samples_wh, real_wh):
    """The 数据质量 chart and the report page name each rule in Chinese from the labels table (the same names as
    warehouse.labels.rule_zh), the id beside it; every rule the real corpus's checks hold has its own name."""
    from app import warehouse
    from app.queries import Filters, execute
    from warehouse import labels

    for wh in (samples_wh, real_wh):
        summary = execute(warehouse.connect(wh), "check_summary", Filters())
        assert summary["rule"].to_list()
        for rule, zh in summary.select("rule", "rule_zh").rows():
            assert rule in labels.RULE_ZH and zh == labels.RULE_ZH[rule] == labels.rule_zh(rule), rule
    names = dict(execute(warehouse.connect(real_wh), "check_summary", Filters()).select("rule", "rule_zh").rows())
    assert names["old.cumulative.chain"] == "历年累计衔接" and names["text.table_agree"] == "文表一致"
    con = warehouse.connect(real_wh)
    assert con.execute("SELECT rule_zh('xyear.new_rule'), rule_zh('no_family')").fetchall() == [
        ("跨年衔接", "其他核对")
    ]


def test_built_warehouses_hold_only_allowed_values(samples_wh, real_wh):
    from etl.load.finalise import unaccepted_values
    from warehouse.contract import accepted_values

    con = duckdb.connect()
    for wh in (samples_wh, real_wh):
        assert unaccepted_values(con, _tables(wh)) == [], wh
    # the real corpus uses what the contract allows, nulls only where it allows them (a failed file: no level)
    seen = dict(con.execute(f"SELECT template, count(*) FROM {_tables(real_wh)['reports']} GROUP BY ALL").fetchall())
    assert seen == {"old": 18, "2019": 5, "2021": 6, "unknown": 1}
    assert accepted_values("reports", "level") == (["national", "province", "prefecture", "county", "township"], True)
    assert accepted_values("reports", "template") == (["old", "2019", "2021", "unknown"], False)


def test_a_value_outside_the_contract_is_named(samples_wh, tmp_path):
    from etl.load.finalise import unaccepted_values

    bad = tmp_path / "bad"
    shutil.copytree(samples_wh, bad)
    con = duckdb.connect()
    for sql in (
        f"COPY (SELECT * REPLACE (CASE WHEN level = 'county' THEN 'district' ELSE level END AS level) "
        f"FROM '{samples_wh}/reports.parquet') TO '{bad}/reports.parquet'",
        f"COPY (SELECT * REPLACE (CASE WHEN source = 'text' THEN NULL ELSE source END AS source) "
        f"FROM '{samples_wh}/metrics.parquet') TO '{bad}/metrics.parquet'",
    ):
        con.execute(sql)
    assert unaccepted_values(con, _tables(bad)) == [
        "reports.level = 'district' (2 rows)",
        "metrics.source = None (2 rows)",
    ]


def test_the_build_refuses_values_outside_the_contract(tmp_path, monkeypatch):
    """A parser that wrote a level the contract does not know fails the build loudly; nothing is swapped in."""
    from etl.load import finalise
    from warehouse.contract import accepted_values

    def without_county(table, column):
        codes, nullable = accepted_values(table, column)
        return [c for c in codes if c != "county"], nullable

    monkeypatch.setattr(finalise, "accepted_values", without_county)
    out = tmp_path / "wh"
    with pytest.raises(finalise.ContractError, match=r"reports.level = 'county' \(2 rows\)"):
        _build([SAMPLES.relative_to(ROOT)], out)
    assert not out.exists() and not (tmp_path / "wh.building").exists()


def test_every_column_a_named_query_returns_has_a_chinese_name(samples_wh):
    """A download (CSV, Excel, PDF table) names its columns through warehouse.labels.COLUMN_ZH: every column of
    every named query (app/sql) has a name there, so no code such as carried_in or fate_zh reaches a user."""
    import re

    from app import files, queries, warehouse
    from warehouse.labels import COLUMN_ZH

    con = warehouse.connect(samples_wh)
    rid = con.execute("SELECT report_id FROM raw_reports LIMIT 1").fetchone()[0]
    unnamed = {}
    for path in sorted(queries.SQL_DIR.glob("*.sql")):
        wanted = set(re.findall(r"\$(\w+)", path.read_text(encoding="utf-8"))) - {"filters"}
        params = {k: rid if k == "report_id" else 2018 for k in wanted - set(queries.DEFAULT_PARAMS.get(path.stem, {}))}
        df = queries.execute(con, path.stem, queries.Filters(), params)
        for c in df.columns:
            if c.isascii() and not c.startswith("_") and c not in COLUMN_ZH and c not in files.INTERNAL_COLUMNS:
                unnamed.setdefault(c, path.stem)
    assert not unnamed, sorted(unnamed.items())


def test_a_report_reads_in_its_own_formats_words(real_wh):
    """报告详情 of Pingtan 2020 (2019 format): rows in the 2019 table's words (本年新制作数量, not "… (2019) /
    本年制发件数 (2021)"), 规范性文件 one section of three rows (77, 77, 166), and the cell picker's names unique
    (the two 行政诉讼 总计 cells named by their section)."""
    from app import queries, warehouse
    from warehouse.labels import cell_zh

    con = warehouse.connect(real_wh)
    rid = con.execute(
        "SELECT report_id FROM raw_reports WHERE source_file LIKE '%2020_pingtan-syq_2019.html'"
    ).fetchone()[0]
    rows = queries.execute(con, "report_metrics", queries.Filters(), {"report_id": rid})
    assert not any(" / " in label for label in rows["label_zh"].to_list())
    normative = rows.filter(rows["section"].str.contains("规范性文件"))
    assert set(normative["section"]) == {"二 第二十条第（一）项 规范性文件"}
    assert list(zip(normative["label_zh"], normative["value"])) == [
        ("本年新制作数量", 77.0),
        ("本年新公开数量", 77.0),
        ("对外公开总数量", 166.0),
    ]
    table = rows.filter(rows["source"] == "table")
    names = [cell_zh(m, a, b, "2019") for m, a, b in table.select("metric", "applicant", "basis").iter_rows()]
    assert len(names) == len(set(names))
    assert cell_zh("litigation_direct.total", None, "year", "2019") == "行政诉讼 未经复议直接起诉·总计"
    assert cell_zh("outcome.total", "total", "year", "2019") == "本年度办理结果·（七）总计（总计）"
    assert cell_zh("normative.made", None, "year", "2021") == "第二十条第（一）项 行政规范性文件·本年制发件数"
