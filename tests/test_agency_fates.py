"""Agencies marked abolished or merged (audit/fates.py): written by a reviewer of the region, one audit log row per
action, bad input refused with nothing written — on SQLite and on PostgreSQL — and 缺报 on the real corpus
counting each marked agency only until the year before its fate.

    python -m pytest tests/test_agency_fates.py -q
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from test_audit import db_url, eng  # noqa: F401  (the SQLite / PostgreSQL fixtures)

from audit import db, fates, store
from audit.roles import User
from audit.schema import audit_log

ROOT = Path(__file__).resolve().parent.parent
FUJIAN = User("min", "林审核", "reviewer", "福建省")
SHANGHAI_REVIEWER = User("hu", "沪审核", "reviewer", "上海市")
VIEWER = User("look", "张查看", "viewer")
# the real corpus's agencies (ids as the warehouse holds them): 平潭县 reported 2011 and 2013, 地方税务局 2013 only
PINGTAN_COUNTY = fates.Agency("福建省/福州市/平潭县", "平潭县", "福建省", "福州市", 2011)
DISHUI = fates.Agency("福建省/平潭综合实验区/地方税务局", "地方税务局", "福建省", None, 2013)
SYQ = fates.Agency("福建省/平潭综合实验区", "平潭综合实验区", "福建省", None, 2011)


def _log_rows(eng) -> int:  # noqa: F811
    with eng.connect() as c:
        return c.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar()


def test_marked_changed_and_cleared_each_logged(eng):  # noqa: F811
    row = fates.mark_fate(eng, FUJIAN, PINGTAN_COUNTY, "merged", "2012", "2012年起由平潭综合实验区管理", 0, SYQ)
    assert (row["fate"], row["year"], row["successor_id"], row["version"]) == ("merged", 2012, SYQ.agency_id, 1)
    assert fates.fate_zh(row) == "2012年并入平潭综合实验区"
    row = fates.mark_fate(eng, FUJIAN, PINGTAN_COUNTY, "abolished", 2014, "改正：2014年撤销", 1)
    assert (row["fate"], row["year"], row["successor"], row["version"]) == ("abolished", 2014, None, 2)
    fates.clear_fate(eng, FUJIAN, PINGTAN_COUNTY, "误标", 2)
    assert fates.fate_of(eng, PINGTAN_COUNTY.agency_id) is None
    log = store.audit_rows(eng)
    assert [(r["username"], r["action"], r["target"], r["old_value"], r["new_value"], r["note"]) for r in log] == [
        ("min", "agency.unfate", "平潭县（福建省/福州市/平潭县）", "2014年撤销", None, "误标"),
        (
            "min",
            "agency.fate",
            "平潭县（福建省/福州市/平潭县）",
            "2012年并入平潭综合实验区",
            "2014年撤销",
            "改正：2014年撤销",
        ),
        (
            "min",
            "agency.fate",
            "平潭县（福建省/福州市/平潭县）",
            None,
            "2012年并入平潭综合实验区",
            "2012年起由平潭综合实验区管理",
        ),
    ]
    assert {r["action"] for r in log} <= set(store.ACTION_ZH)
    with pytest.raises(sa.exc.DatabaseError), eng.begin() as c:  # the log stays append-only
        c.execute(audit_log.delete())


@pytest.mark.parametrize(
    "user, agency, fate, year, note, successor, says",
    [
        (FUJIAN, DISHUI, "abolished", "今年", "理由", None, "不是年份"),
        (FUJIAN, DISHUI, "abolished", 2005, "理由", None, "不在 2008–2100 之间"),
        (FUJIAN, DISHUI, "abolished", 2012, "理由", None, "第一份报告是 2013 年的"),
        (FUJIAN, DISHUI, "merged", 2018, "理由", None, "请选择并入的机构"),
        (FUJIAN, DISHUI, "merged", 2018, "理由", DISHUI, "不能并入机构自身"),
        (FUJIAN, DISHUI, "abolished", 2018, "  ", None, "请填写说明"),
        (FUJIAN, DISHUI, "split", 2018, "理由", None, "只能标记为"),
        (VIEWER, DISHUI, "abolished", 2018, "理由", None, "需要“审核”或“管理”权限"),
        (None, DISHUI, "abolished", 2018, "理由", None, "需要“审核”或“管理”权限"),
        (SHANGHAI_REVIEWER, DISHUI, "abolished", 2018, "理由", None, "不在您负责的地区（上海市）内"),
    ],
)
def test_bad_marks_refused_and_nothing_written(eng, user, agency, fate, year, note, successor, says):  # noqa: F811
    with pytest.raises(store.AuditError, match=says):
        fates.mark_fate(eng, user, agency, fate, year, note, 0, successor)
    assert fates.all_fates(eng) == [] and _log_rows(eng) == 0


def test_stale_mark_refused(eng):  # noqa: F811
    fates.mark_fate(eng, FUJIAN, DISHUI, "abolished", 2018, "国税地税合并", 0)
    with pytest.raises(store.AuditError, match="已被 min 于 .* 修改"):
        fates.mark_fate(eng, FUJIAN, DISHUI, "abolished", 2019, "另一人的页面", 0)
    with pytest.raises(store.AuditError, match="已过时"):
        fates.clear_fate(eng, FUJIAN, DISHUI, "误标", 0)
    assert [m["year"] for m in fates.all_fates(eng)] == [2018] and _log_rows(eng) == 1


@pytest.fixture(scope="module")
def real_con(real_warehouse):
    from app import warehouse

    return warehouse.connect(real_warehouse)


def _coverage(con, marks: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    from app import queries

    p = {"fates": fates.fates_json(marks)}
    return (
        queries.execute(con, "coverage_summary", queries.Filters(), p),
        queries.execute(con, "coverage", queries.Filters(), p),
    )


def test_missing_years_follow_the_marks_on_the_real_corpus(real_con, tmp_path):
    summ, _ = _coverage(real_con, [])
    missing = {r["agency_name"]: r["missing"] for r in summ.iter_rows(named=True)}
    # each agency from its own first to its own last report: 平潭综合实验区 2011–2024, 平潭县 2011–2013, 地方税务局 2013
    assert missing == {"平潭综合实验区": [2013, 2018, 2022], "平潭县": [2012], "上海市政府办公厅": [], "地方税务局": []}
    assert (summ["n_expected"][0], summ["n_missing_total"][0], summ["n_marked"][0]) == (14 + 3 + 1 + 1, 4, 0)

    marks_db = db.engine(f"sqlite:///{tmp_path / 'w.audit.sqlite'}")
    fates.mark_fate(marks_db, FUJIAN, PINGTAN_COUNTY, "merged", 2012, "由平潭综合实验区管理", 0, SYQ)
    fates.mark_fate(marks_db, FUJIAN, DISHUI, "abolished", 2018, "国税地税合并", 0)
    summ, cov = _coverage(real_con, fates.all_fates(marks_db))
    by = {r["agency_name"]: r for r in summ.iter_rows(named=True)}
    # merged in 2012: expected 2011 only, its 2012 no longer missing; abolished in 2018: expected 2013–2017, so the
    # four years after its only report (2013) are missing, 2018 on are not
    assert by["平潭县"]["missing"] == [] and by["平潭县"]["fate_zh"] == "2012年并入平潭综合实验区"
    assert by["地方税务局"]["missing"] == [2014, 2015, 2016, 2017] and by["地方税务局"]["fate_zh"] == "2018年撤销"
    assert (summ["n_expected"][0], summ["n_missing_total"][0], summ["n_marked"][0]) == (14 + 1 + 1 + 5, 7, 2)
    status = {(r["agency_name"], r["year"]): r["status"] for r in cov.iter_rows(named=True)}
    assert [status[("地方税务局", y)] for y in (2012, 2013, 2014, 2017, 2018, 2024)] == [
        "报告期外",
        "有核对问题",  # its title ends 信息公开年度报告, not 政府信息公开工作年度报告 (structure.title)
        "缺失",
        "缺失",
        "已撤销",
        "已撤销",
    ]
    assert [status[("平潭县", y)] for y in (2011, 2012, 2013, 2014, 2024)] == [
        "有核对问题",  # no 落款 at its end (structure.signoff)
        "已并入",
        "有核对问题",  # its 2013 report is there (a failed check), though marked merged the year before
        "已并入",
        "已并入",
    ]
    marks_db.dispose()
    db.engine.cache_clear()
