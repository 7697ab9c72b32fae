"""整改 (audit/rectify.py, app/rectify.py): the 通报's failing rule of 平潭综合实验区 2020 (its 办理结果 sum to 27,
its 总计 says 21) issued as an item, answered, re-checked against the build (问题仍在), re-checked after the report
is republished with the 总计 corrected and built again (可复核), and closed — every step a row of the audit log — on
SQLite and on PostgreSQL; the roles and regions of corrections; overdue items flagged; the list as Excel.

    python -m pytest tests/test_rectify.py -q
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from conftest import CORPUS, etl_build, need_corpus
from test_audit import db_url, eng  # noqa: F401  (the SQLite / PostgreSQL fixtures)

from app import rectify as app_rectify
from app.brief import facts
from app.files import xlsx_bytes
from audit import rectify, store
from audit.roles import User

FUJIAN = User("min", "林审核", "reviewer", "福建省")
SHANGHAI = User("hu", "沪审核", "reviewer", "上海市")
VIEWER = User("look", "张查看", "viewer")
REPORT = "2020_pingtan-syq_2019.txt"
PRINTED, CORRECTED = "（七）总计20 0 00 0 121", "（七）总计26 0 00 0 127"  # the 自然人 and 总计 columns


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The report as published, and as republished with its 总计 row corrected, each built."""
    need_corpus()
    base = tmp_path_factory.mktemp("rectify")
    text = (CORPUS / REPORT).read_text(encoding="utf-8")
    assert PRINTED in text
    out = []
    for name, body in (("published", text), ("republished", text.replace(PRINTED, CORRECTED))):
        (base / name).mkdir()
        (base / name / REPORT).write_text(body, encoding="utf-8")
        out.append(etl_build([base / name], base / f"{name}_wh"))
    return out


def test_issued_answered_rechecked_after_rebuild_and_closed(eng, builds):  # noqa: F811
    published, republished = builds
    brief = facts.gather(published, 2020, with_charts=False)
    problem = next(p for p in app_rectify.problems(brief) if p.key == "apply.outcome_sum")
    assert problem.ident == ("福建省/平潭综合实验区", 2020, "check", "apply.outcome_sum")
    assert (problem.province, problem.prefecture) == ("福建省", None)
    assert "（核对得 27 ≠ 报告填写 21）" in problem.detail and "（核对得 26 ≠ 报告填写 20）" in problem.detail
    due = date.today() + timedelta(days=30)
    row = rectify.issue(eng, FUJIAN, problem, "逐项核对统计表数据，更正后重新发布", due.isoformat())
    assert (row["state"], row["due"], row["version"], row["recheck"]) == ("open", due, 1, None)
    with pytest.raises(store.AuditError, match="不能重复下发"):
        rectify.issue(eng, FUJIAN, problem, "再发一次", due)
    for user, says in ((VIEWER, "需要“审核”或“管理”权限"), (SHANGHAI, "不在您负责的地区（上海市）内")):
        with pytest.raises(store.PermissionDenied, match=says):
            rectify.answer(eng, user, row["id"], "已更正", "", 1)
    with pytest.raises(store.AuditError, match="请填写单位的整改反馈"):
        rectify.answer(eng, FUJIAN, row["id"], "  ", "", 1)

    row = rectify.answer(eng, FUJIAN, row["id"], "已核对更正总计行并重新发布", "https://www.pingtan.gov.cn/…", 1)
    assert (row["state"], row["version"]) == ("answered", 2)
    assert app_rectify.recheck(eng, published, "build-1") == 1  # the build still finds it
    assert rectify.item(eng, row["id"])["recheck"] == "persists"
    with pytest.raises(store.AuditError, match="请填写退回的理由"):
        rectify.review(eng, FUJIAN, row["id"], False, "", 3)
    row = rectify.review(eng, FUJIAN, row["id"], False, "重新核查仍不一致：总计 21 ≠ 各项之和 27", 3)
    assert row["state"] == "returned"
    row = rectify.answer(eng, FUJIAN, row["id"], "总计行已改为 27（自然人 26），报告已重新发布", "重新发布的报告", 4)

    # the republished report built: the rule passes, the item may be closed
    assert app_rectify.recheck(eng, republished, "build-2") == 1
    row = rectify.item(eng, row["id"])
    assert (row["recheck"], row["recheck_build"], row["state"]) == ("fixed", "build-2", "answered")
    assert app_rectify.recheck(eng, republished, "build-2") == 0  # nothing new found: no new log row
    with pytest.raises(store.AuditError, match="已被 min 改动"):
        rectify.review(eng, FUJIAN, row["id"], True, "", 5)
    row = rectify.review(eng, FUJIAN, row["id"], True, "重新发布的报告已通过核对", row["version"])
    assert row["state"] == "closed"

    log = [(r["username"], r["action"], r["old_value"], r["new_value"]) for r in store.audit_rows(eng)][::-1]
    assert log == [
        ("min", "rectify.issue", None, "open"),
        ("min", "rectify.answered", "open", "answered"),
        ("系统复核", "rectify.recheck", None, "persists"),
        ("min", "rectify.returned", "answered", "returned"),
        ("min", "rectify.answered", "returned", "answered"),
        ("系统复核", "rectify.recheck", "persists", "fixed"),
        ("min", "rectify.closed", "answered", "closed"),
    ]
    assert {a for _, a, _, _ in log} <= set(store.ACTION_ZH)


def test_lists_overdue_and_excel(eng, builds):  # noqa: F811
    brief = facts.gather(builds[0], 2020, with_charts=False)
    problems = app_rectify.problems(brief)
    for p in problems:
        rectify.issue(eng, FUJIAN, p, "按要求整改", date.today())
    with eng.begin() as c:  # one item's deadline passed
        c.execute(
            sa.update(rectify.rectifications)
            .where(rectify.rectifications.c.problem_key == "apply.outcome_sum")
            .values(due=date.today() - timedelta(days=1))
        )
    rows = rectify.items(eng, agency_id="福建省/平潭综合实验区", state="open")
    assert len(rows) == len(problems) and [r["overdue"] for r in rows].count(True) == 1
    assert rectify.items(eng, user=SHANGHAI) == []  # another region's items are not listed
    with pytest.raises(store.AuditError, match="已经过去"):
        rectify.issue(eng, FUJIAN, problems[0], "按要求整改", date.today() - timedelta(days=1))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(app_rectify.table(rows), "整改项"))).active
    header = [c.value for c in sheet[1]]
    assert header[:9] == ["编号", "单位", "年度", "问题类别", "问题与依据", "整改要求", "整改期限", "状态", "逾期"]
    overdue = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[8] == "逾期"]
    assert len(overdue) == 1 and overdue[0][3] == "统计数据不一致" and overdue[0][7] == "待整改"
