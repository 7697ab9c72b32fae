"""审核: the audit database on SQLite and on a real PostgreSQL server, and corrections that survive every rebuild.

python -m pytest tests/test_audit.py -q
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent

from audit import db, store
from audit.roles import User
from audit.schema import audit_log, corrections, dispositions

DB = duckdb.connect()  # a connection of this module's own: the default one is shared by every test

# the sample report of 银川市西夏区贺兰山西路街道办事处 2018: its table gives 主动公开政府信息数 28 (第127行), its prose
# "共发布信息73条，其中政府网站41条", so 28 < 41 fails old.active.channels_max and the prose check
XIXIA = "3ac9efde38fb3486"
XIXIA_FILE = "data/samples/002_81756f01c13aa782.txt"
NINGXIA = "afbff28e84d0684f"  # 宁夏回族自治区人民政府 2018: no prefecture
REVIEWER = User("rev", "李审核", "reviewer", "宁夏回族自治区", "银川市")
ADMIN = User("boss", "王主任", "admin")
VIEWER = User("look", "张查看", "viewer")
_n = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.audit.sqlite'}"
    server = request.getfixturevalue("postgres_url")
    name = f"audit_test_{os.getpid()}_{next(_n)}"
    with sa.create_engine(server, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return sa.make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture()
def eng(db_url):
    e = db.engine(db_url)
    yield e
    e.dispose()
    db.engine.cache_clear()


@pytest.fixture(scope="module")
def samples_wh(tmp_path_factory) -> Path:
    from etl.build import build

    wh = tmp_path_factory.mktemp("audit_wh") / "warehouse"
    build(["data/samples"], wh, progress=False, audit_db="sqlite:///" + str(wh.parent / "none.sqlite"), base=ROOT)
    return wh


def _report(wh: Path, rid: str) -> store.Report:
    r = DB.sql(f"SELECT * FROM '{wh}/reports.parquet' WHERE report_id = '{rid}'").pl().row(0, named=True)
    return store.Report(
        r["report_id"],
        r["file_sha256"],
        r["template"],
        r["source_file"],
        r["agency"],
        r["year"],
        r["province"],
        r["prefecture"],
    )


def _count(eng, table) -> int:
    with eng.connect() as c:
        return c.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_migrated_to_the_newest_revision(eng):
    assert db.revision(eng) == _head() == "0007"  # 0001 … 0004 (sessions), 0005 (roster), 0006 (规则误报), 0007 (整改)
    tables = {"users", "corrections", "dispositions", "report_reviews", "audit_log", "settings", "rubrics"}
    tables |= {"rectifications"}
    assert tables | {"agency_fates"} <= set(sa.inspect(eng).get_table_names())
    assert {"withdrawn_at", "withdrawn_by", "withdraw_reason"} <= {
        c["name"] for c in sa.inspect(eng).get_columns("corrections")
    }
    db.migrate(eng)  # upgrading again changes nothing
    assert db.revision(eng) == _head()


def test_sqlite_runs_in_wal_mode(tmp_path):
    e = db.engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with e.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert db.sqlite_path(tmp_path / "warehouse") == tmp_path / "warehouse.audit.sqlite"


def test_correction_recorded_with_user_time_old_and_new(eng, samples_wh):
    rep = _report(samples_wh, XIXIA)
    c = store.correct_cell(
        eng,
        REVIEWER,
        rep,
        "active.total",
        None,
        "year",
        "７３",
        "正文第23行称共发布信息73条",
        0,
        old_value=28.0,
        old_raw="28",
    )
    assert (c["new_value"], c["old_value"], c["old_raw"], c["version"], c["username"]) == (73.0, 28.0, "28", 1, "rev")
    # a second correction of the same cell, by someone who saw the first
    c = store.correct_cell(eng, ADMIN, rep, "active.total", None, "year", "74", "复核后改", 1)
    assert c["version"] == 2 and c["new_value"] == 74.0 and c["old_value"] == 28.0
    rows = store.audit_rows(eng, report_id=XIXIA)
    assert [(r["username"], r["action"], r["target"], r["old_value"], r["new_value"]) for r in rows] == [
        ("boss", "correct", "active.total", "73", "74"),
        ("rev", "correct", "active.total", "28", "73"),
    ]
    assert rows[0]["at"] is not None
    assert [r["username"] for r in store.audit_rows(eng, username="rev")] == ["rev"]


def test_audit_log_is_append_only(eng):
    store.create_user(eng, "boss", "王主任", "secret123", "admin", by="test")
    with pytest.raises(sa.exc.DatabaseError), eng.begin() as c:
        c.execute(audit_log.update().values(username="someone else"))
    with pytest.raises(sa.exc.DatabaseError), eng.begin() as c:
        c.execute(audit_log.delete())
    assert _count(eng, audit_log) == 1


@pytest.mark.parametrize(
    "text, metric, applicant, reason, says",
    [
        ("abc", "active.total", None, "理由", "不是数字"),
        ("", "active.total", None, "理由", "请填写更正后的数值"),
        ("无", "active.total", None, "理由", "请填写更正后的数值"),
        ("-5", "active.total", None, "理由", "不能为负"),
        ("5", "request.new", "total", "理由", "不是2018年及以前格式报告统计表中的指标"),  # a 2019/2021 row
        ("5", "no.such.metric", None, "理由", "不是2018年及以前格式"),
        ("5", "active.total", "total", "理由", "不按申请人分列"),
        ("5", "active.total", None, "  ", "请填写更正理由"),
    ],
)
def test_bad_correction_is_refused_and_nothing_written(eng, samples_wh, text, metric, applicant, reason, says):
    rep = _report(samples_wh, XIXIA)
    with pytest.raises(store.AuditError, match=says):
        store.correct_cell(eng, REVIEWER, rep, metric, applicant, "year", text, reason, 0)
    assert _count(eng, corrections) == 0 and _count(eng, audit_log) == 0


def test_stale_edit_is_refused(eng, samples_wh):
    rep = _report(samples_wh, XIXIA)
    store.correct_cell(eng, ADMIN, rep, "active.total", None, "year", "73", "原文如此", 0)
    # the reviewer's page was loaded before the administrator's edit (it saw no correction: version 0)
    with pytest.raises(store.AuditError, match="已被 boss 于 .* 修改"):
        store.correct_cell(eng, REVIEWER, rep, "active.total", None, "year", "75", "我的更正", 0)
    assert store.correction_of(eng, rep, "active.total", None, "year")["new_value"] == 73.0
    assert _count(eng, audit_log) == 1


def test_roles_and_regions(eng, samples_wh):
    with pytest.raises(store.PermissionDenied, match="需要“审核”"):
        store.correct_cell(eng, VIEWER, _report(samples_wh, XIXIA), "active.total", None, "year", "73", "x", 0)
    with pytest.raises(store.PermissionDenied, match="不在您负责的地区（宁夏回族自治区 / 银川市）内"):
        store.correct_cell(eng, REVIEWER, _report(samples_wh, NINGXIA), "active.total", None, "year", "1", "x", 0)
    with pytest.raises(store.PermissionDenied):
        store.mark_reviewed(eng, REVIEWER, _report(samples_wh, NINGXIA))
    with pytest.raises(store.PermissionDenied):
        store.create_user(eng, "x", "x", "secret123", "viewer", actor=REVIEWER)
    assert _count(eng, corrections) == 0 and _count(eng, audit_log) == 0
    assert ADMIN.covers("宁夏回族自治区", None) and not REVIEWER.covers("宁夏回族自治区", None)


def test_dispositions_and_review(eng, samples_wh):
    rep = _report(samples_wh, XIXIA)
    fails = set(
        DB.sql(
            f"SELECT rule, message FROM '{samples_wh}/checks.parquet' WHERE report_id = '{XIXIA}' AND status = 'fail'"
        ).fetchall()
    )
    assert len(fails) == 5  # channels_max, two prose figures, no 统计期限, no 落款
    rule, msg = next((r, m) for r, m in fails if "举办各类培训班数" in m)
    with pytest.raises(store.AuditError, match="不在这份报告当前未通过的核对中"):
        store.dispose_check(eng, REVIEWER, rep, rule, "另一条", "as_printed", "x", 0, fails)
    with pytest.raises(store.AuditError, match="请填写说明"):
        store.dispose_check(eng, REVIEWER, rep, rule, msg, "as_printed", "", 0, fails)
    with pytest.raises(store.AuditError, match="处理结论只能是"):
        store.dispose_check(eng, REVIEWER, rep, rule, msg, "ignored", "x", 0, fails)
    assert _count(eng, dispositions) == 0 and _count(eng, audit_log) == 0
    d = store.dispose_check(eng, REVIEWER, rep, rule, msg, "as_printed", "原件第5页如此", 0, fails)
    assert (d["verdict"], d["version"]) == ("as_printed", 1)
    with pytest.raises(store.AuditError, match="已被 rev"):
        store.dispose_check(eng, ADMIN, rep, rule, msg, "verified", "x", 0, fails)
    store.dispose_check(eng, ADMIN, rep, rule, msg, "verified", "电话核实", 1, fails)
    review = store.mark_reviewed(eng, REVIEWER, rep, "数字已核")
    assert review["username"] == "rev" and store.review_of(eng, rep.file_sha256)["note"] == "数字已核"
    log = store.audit_rows(eng)
    assert [(r["action"], r["old_value"], r["new_value"]) for r in log] == [
        ("review", None, "rev 已审核"),
        ("dispose", "报告原文如此", "已核实"),
        ("dispose", None, "报告原文如此"),
    ]


def test_users_hashed_and_checked(eng):
    from streamlit_authenticator.utilities.hasher import Hasher

    store.create_user(eng, "boss", "王主任", "secret123", "admin", by="test")
    with pytest.raises(store.AuditError, match="已存在"):
        store.create_user(eng, "boss", "x", "secret123", "viewer")
    with pytest.raises(store.AuditError, match="至少 8"):
        store.create_user(eng, "short", "x", "1234", "viewer")
    with pytest.raises(store.AuditError, match="角色只能是"):
        store.create_user(eng, "x", "x", "secret123", "root")
    store.create_user(eng, "rev", "李审核", "revpass123", "reviewer", "宁夏回族自治区", "银川市", actor=ADMIN)
    creds = store.credentials(eng)["usernames"]
    assert creds["rev"]["roles"] == ["reviewer"] and creds["rev"]["password"] != "revpass123"
    assert Hasher.check_pw("revpass123", creds["rev"]["password"])
    assert store.user(eng, "rev") == REVIEWER
    store.set_active(eng, ADMIN, "rev", False)
    assert store.user(eng, "rev") is None and "rev" not in store.credentials(eng)["usernames"]
    assert not hasattr(store, "cookie_key")  # the cookie key is a file of its own (audit/secret.py)
    assert [r["action"] for r in store.audit_rows(eng)] == ["user.update", "user.create", "user.create"]


def test_administrators_change_roles_regions_and_passwords(eng):
    from streamlit_authenticator.utilities.hasher import Hasher

    store.create_user(eng, "boss", "王主任", "secret123", "admin", by="test")
    store.create_user(eng, "look", "张查看", "lookpass123", "viewer", by="test")
    with pytest.raises(store.PermissionDenied, match="管理"):
        store.update_user(eng, REVIEWER, "look", "reviewer")
    with pytest.raises(store.AuditError, match="所在省份"):
        store.update_user(eng, ADMIN, "look", "viewer", None, "银川市")
    with pytest.raises(store.AuditError, match="不能取消自己"):
        store.update_user(eng, ADMIN, "boss", "viewer")
    with pytest.raises(store.AuditError, match="没有用户"):
        store.update_user(eng, ADMIN, "nobody", "viewer")
    done = store.update_user(eng, ADMIN, "look", "viewer", "宁夏回族自治区", " 银川市 ", "newpass123")
    assert store.user(eng, "look") == done == User("look", "张查看", "viewer", "宁夏回族自治区", "银川市")
    assert Hasher.check_pw("newpass123", store.credentials(eng)["usernames"]["look"]["password"])
    row = store.audit_rows(eng)[0]
    assert (row["action"], row["target"], row["old_value"], row["new_value"]) == (
        "user.update",
        "look",
        "查看（全部地区）",
        "查看（宁夏回族自治区 / 银川市），已重设密码",
    )


def test_first_administrator_by_command(tmp_path):
    wh = tmp_path / "warehouse"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    run = [sys.executable, "-m", "audit", "--warehouse", str(wh)]
    done = subprocess.run(
        run + ["create-admin", "boss", "--name", "王主任", "--password-stdin"],
        input="secret123\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    again = subprocess.run(
        run + ["create-admin", "boss2", "--password-stdin"],
        input="secret123\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert again.returncode == 2 and "已有管理员" in again.stderr
    e = db.engine(f"sqlite:///{db.sqlite_path(wh)}")
    assert store.user(e, "boss") == User("boss", "王主任", "admin")


# --- corrections survive every rebuild ------------------------------------------------------------------------


def _build(inputs: list[str], wh: Path, url: str, *extra: str) -> str:
    env = (
        {**os.environ, "DATABASE_URL": url}
        if url.startswith("postgresql")
        else {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    )
    done = subprocess.run(
        [sys.executable, "-m", "etl", "build", *inputs, "--out", str(wh), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_corrections_and_dispositions_survive_a_forced_rebuild(db_url, tmp_path):
    wh = tmp_path / "warehouse"
    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{db.sqlite_path(wh)}"  # the file beside the warehouse, as the CLI finds it
    _build(["data/samples"], wh, db_url)
    eng = db.engine(db_url)
    rep = _report(wh, XIXIA)
    fails = set(
        DB.sql(
            f"SELECT rule, message FROM '{wh}/checks.parquet' WHERE report_id = '{XIXIA}' AND status = 'fail'"
        ).fetchall()
    )
    store.correct_cell(
        eng,
        REVIEWER,
        rep,
        "active.total",
        None,
        "year",
        "73",
        "正文第23行：共发布信息73条，其中政府网站41条；统计表28条有误",
        0,
        old_value=28.0,
        old_raw="28",
    )
    training = next((r, m) for r, m in fails if "举办各类培训班数" in m)
    store.dispose_check(eng, REVIEWER, rep, *training, "as_printed", "原件如此", 0, fails)
    store.mark_reviewed(eng, REVIEWER, rep, "已核", fails)
    out = _build(["data/samples"], wh, db_url, "--force")
    assert "1 cells corrected on the 审核 page" in out
    fails_now = set(
        DB.sql(
            f"SELECT rule, message FROM '{wh}/checks.parquet' WHERE report_id = '{XIXIA}' AND status = 'fail'"
        ).fetchall()
    )
    assert store.review_is_stale(store.review_of(eng, rep.file_sha256), fails_now)  # the rebuild changed them
    row = DB.sql(
        f"SELECT value, raw, source, locator FROM '{wh}/metrics.parquet' "
        f"WHERE report_id = '{XIXIA}' AND metric = 'active.total' AND source <> 'text'"
    ).fetchall()
    assert len(row) == 1
    value, raw, source, locator = row[0]
    assert (value, raw, source) == (73.0, "28", "manual")
    assert locator.startswith("人工更正：rev ") and locator.endswith("；原位置：第127行")
    checks = dict(
        DB.sql(
            f"SELECT rule || ':' || status, count(*) FROM '{wh}/checks.parquet' "
            f"WHERE report_id = '{XIXIA}' AND rule IN ('old.active.channels_max', 'text.table_agree') "
            "GROUP BY ALL"
        ).fetchall()
    )
    # 73 ≥ 41 now; the prose's 73 agrees with the table; only the training figure (1 vs 0) still disagrees
    assert checks == {"old.active.channels_max:pass": 1, "text.table_agree:fail": 1}
    assert store.dispositions_of_report(eng, rep.file_sha256)[training]["verdict"] == "as_printed"
    assert [r["action"] for r in store.audit_rows(eng)] == ["review", "dispose", "correct"]
    # an incremental build keeps it as it is
    _build(["data/samples"], wh, db_url)
    assert DB.sql(
        f"SELECT value, source FROM '{wh}/metrics.parquet' WHERE report_id = '{XIXIA}' "
        "AND metric = 'active.total' AND source <> 'text'"
    ).fetchall() == [(73.0, "manual")]
    # the scorecard scores the corrected figure and names it
    from scoring.scorecard import score_warehouse

    sc = score_warehouse(wh, years=[2018], base_dirs=[ROOT])
    mine = sc.scores.filter(sc.scores["report_id"] == XIXIA).row(0, named=True)
    assert mine["corrected"] == "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） = 73"
    others = sc.scores.filter(sc.scores["report_id"] != XIXIA)["corrected"].to_list()
    assert others and all(c is None for c in others)
    ev = sc.evidence.filter(sc.evidence["report_id"] == XIXIA)["message"].to_list()
    assert not any("主动公开政府信息数（28）小于单一渠道公开数（41）" in m for m in ev)


def test_a_changed_file_is_not_corrected_silently(db_url, tmp_path):
    src = tmp_path / "in" / "report.txt"
    src.parent.mkdir()
    shutil.copy(ROOT / XIXIA_FILE, src)
    wh = tmp_path / "warehouse"
    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{db.sqlite_path(wh)}"
    _build([str(src)], wh, db_url)
    rid = DB.sql(f"SELECT report_id FROM '{wh}/reports.parquet'").fetchall()[0][0]
    store.correct_cell(db.engine(db_url), REVIEWER, _report(wh, rid), "active.total", None, "year", "73", "漏计", 0)
    src.write_text(src.read_text(encoding="utf-8") + "\n（修订版）\n", encoding="utf-8")
    out = _build([str(src)], wh, db_url)
    assert "1 corrections not applied (report file changed: re-review them)" in out
    assert DB.sql(
        f"SELECT value, source FROM '{wh}/metrics.parquet' WHERE metric = 'active.total' AND source <> 'text'"
    ).fetchall() == [(28.0, "table")]


def test_copied_text_is_escaped_and_the_shared_run_highlighted():
    from app.audit_ui import shared_markdown

    a, b = shared_markdown(
        "我局认真贯彻<b>落实</b>《条例》，主动公开信息28条。", "本单位认真贯彻<b>落实</b>《条例》，主动公开73条"
    )
    assert a == "我局:orange-background[认真贯彻\\<b\\>落实\\</b\\>《条例》，主动公开]信息28条。"
    assert b == "本单位:orange-background[认真贯彻\\<b\\>落实\\</b\\>《条例》，主动公开]73条"
    assert shared_markdown("[链接](http://x)", "无关")[0] == "\\[链接\\]\\(http\\://x\\)"


# --- withdrawn corrections ------------------------------------------------------------------------------------


def _active_total(wh: Path) -> list[tuple]:
    return DB.sql(
        f"SELECT value, raw, source, locator FROM '{wh}/metrics.parquet' WHERE report_id = '{XIXIA}' "
        "AND metric = 'active.total' AND source <> 'text'"
    ).fetchall()


def test_a_withdrawn_correction_is_logged_and_no_longer_applied(db_url, tmp_path):
    wh = tmp_path / "warehouse"
    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{db.sqlite_path(wh)}"
    _build(["data/samples"], wh, db_url)
    eng = db.engine(db_url)
    rep = _report(wh, XIXIA)
    cell = ("active.total", None, "year")
    store.correct_cell(eng, REVIEWER, rep, *cell, "73", "正文称73条", 0, old_value=28.0, old_raw="28")
    _build(["data/samples"], wh, db_url, "--force")
    assert _active_total(wh)[0][:3] == (73.0, "28", "manual")
    # who may withdraw: not a viewer, not a reviewer of another region; not without a reason; not from a stale page
    with pytest.raises(store.PermissionDenied):
        store.withdraw_correction(eng, VIEWER, rep, *cell, "看错了", 1)
    other = User("far", "赵外地", "reviewer", "福建省")
    with pytest.raises(store.PermissionDenied):
        store.withdraw_correction(eng, other, rep, *cell, "看错了", 1)
    with pytest.raises(store.AuditError, match="撤回理由"):
        store.withdraw_correction(eng, REVIEWER, rep, *cell, " ", 1)
    with pytest.raises(store.AuditError, match="已被 rev"):
        store.withdraw_correction(eng, REVIEWER, rep, *cell, "看错了", 0)
    done = store.withdraw_correction(eng, ADMIN, rep, *cell, "复核原件：28 条无误", 1)
    assert (done["withdrawn_by"], done["withdraw_reason"], done["version"]) == ("boss", "复核原件：28 条无误", 2)
    assert done["withdrawn_at"] is not None and done["new_value"] == 73.0  # the correction stays on record
    with pytest.raises(store.AuditError, match="已经撤回"):
        store.withdraw_correction(eng, ADMIN, rep, *cell, "再撤一次", 2)
    assert [(r["username"], r["action"], r["old_value"], r["new_value"], r["note"]) for r in store.audit_rows(eng)] == [
        ("boss", "withdraw", "73", None, "复核原件：28 条无误"),
        ("rev", "correct", "28", "73", "正文称73条"),
    ]
    assert store.all_corrections(eng) == [] and len(store.all_corrections(eng, withdrawn=True)) == 1
    # an incremental build keeps the report's rows, and puts the cell back as the report printed it
    _build(["data/samples"], wh, db_url)
    assert _active_total(wh) == [(28.0, "28", "table", "第127行")]
    assert DB.sql(
        f"SELECT status FROM '{wh}/checks.parquet' WHERE report_id = '{XIXIA}' AND rule = 'old.active.channels_max'"
    ).fetchall() == [("fail",)]  # 28 < 41 again
    out = _build(["data/samples"], wh, db_url, "--force")
    assert "cells corrected" not in out
    assert _active_total(wh) == [(28.0, "28", "table", "第127行")]
    # correcting the cell again puts a correction in force once more
    again = store.correct_cell(eng, REVIEWER, rep, *cell, "74", "再次核对", 2)
    assert again["withdrawn_at"] is None and again["version"] == 3
    assert store.audit_rows(eng)[0]["old_value"] == "28"  # what the warehouse held after the withdrawal
    _build(["data/samples"], wh, db_url, "--force")
    assert _active_total(wh)[0][:3] == (74.0, "28", "manual")


# --- the scorecard's rubric ------------------------------------------------------------------------------------


def test_rubric_versions_saved_by_administrators_only(eng):
    from scoring.rubric import DEFAULT_RUBRIC, parse_rubric

    text = DEFAULT_RUBRIC.read_text(encoding="utf-8")
    assert store.current_rubric(eng) is None  # the default file is in force
    with pytest.raises(store.PermissionDenied, match="管理"):
        store.save_rubric(eng, REVIEWER, "细则", text, "改", check=parse_rubric)
    with pytest.raises(store.AuditError, match="修改说明"):
        store.save_rubric(eng, ADMIN, "细则", text, "", check=parse_rubric)
    with pytest.raises(store.AuditError, match="考核细则有误"):
        store.save_rubric(eng, ADMIN, "细则", text + "\n[[indicators]]\nid = 'nope'\n", "坏的", check=parse_rubric)
    assert _count(eng, audit_log) == 0 and store.rubric_versions(eng) == []
    weight = parse_rubric(text).indicators[0].weight
    heavier = text.replace(f"weight = {weight:g}", f"weight = {weight + 5:g}", 1)
    assert parse_rubric(heavier).indicators[0].weight == weight + 5
    store.save_rubric(eng, ADMIN, "2024年细则", text, "沿用默认细则", check=parse_rubric)
    store.save_rubric(eng, ADMIN, "2024年细则", heavier, "按时发布加 5 分", check=parse_rubric)
    now = store.current_rubric(eng)
    assert (now["version"], now["text"], now["username"]) == (2, heavier, "boss")
    assert [v["version"] for v in store.rubric_versions(eng)] == [2, 1]
    assert [(r["action"], r["old_value"], r["new_value"]) for r in store.audit_rows(eng)] == [
        ("rubric.update", "第 1 版", "第 2 版"),
        ("rubric.update", "默认细则", "第 1 版"),
    ]


def test_rule_error_disposition_and_a_review_made_stale_by_new_checks(eng, samples_wh):
    """规则误报（不扣分） needs a note and is listed for the scorecard to leave out; a review remembers the failed
    checks it saw, and other failed checks after a rebuild make it stale (on SQLite and PostgreSQL: migration 0006)."""
    rep = _report(samples_wh, XIXIA)
    fails = set(
        DB.sql(
            f"SELECT rule, message FROM '{samples_wh}/checks.parquet' WHERE report_id = '{XIXIA}' AND status = 'fail'"
        ).fetchall()
    )
    rule, msg = next((r, m) for r, m in fails if r == "old.active.channels_max")
    with pytest.raises(store.AuditError, match="请填写说明"):
        store.dispose_check(eng, REVIEWER, rep, rule, msg, "rule_error", "  ", 0, fails)
    d = store.dispose_check(eng, REVIEWER, rep, rule, msg, "rule_error", "各渠道重复计数，规则不适用", 0, fails)
    assert d["verdict"] == "rule_error" and store.VERDICT_ZH[d["verdict"]] == "规则误报（不扣分）"
    assert store.rule_errors(eng) == {(rep.file_sha256, rule, msg)}
    review = store.mark_reviewed(eng, REVIEWER, rep, "数字已核", fails)
    assert not store.review_is_stale(review, fails)
    assert store.review_is_stale(store.review_of(eng, rep.file_sha256), fails - {(rule, msg)})
    from scoring.scorecard import score_warehouse

    def arithmetic(waived):
        sc = score_warehouse(samples_wh, read_texts=False, waived=waived)
        return sc.scores.filter(sc.scores["report_id"] == XIXIA)["pts_arithmetic"].item()

    assert arithmetic(None) == 18.75  # 25 points less a quarter for the failed error rule
    assert arithmetic(store.rule_errors(eng)) == 25.0  # 规则误报: no deduction


def test_a_correction_leaves_the_prose_check_of_other_cells_as_it_was(tmp_path):
    """Pingtan 2020: its prose's "共受理政府信息公开申请21件" agrees with the table's 本年新收 总计 21 (so the
    warehouse keeps no prose row for it). Correcting （七）总计 21→27 must leave 文表一致 passing; correcting the
    cells the prose quotes makes it fail."""
    from tests.conftest import CORPUS, need_corpus

    need_corpus()
    src = tmp_path / "in" / "2020_pingtan-syq_2019.txt"
    src.parent.mkdir()
    shutil.copy(CORPUS / src.name, src)
    wh = tmp_path / "warehouse"
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    from etl.build import build

    def prose_check() -> list[tuple]:
        build([str(src)], wh, progress=False, audit_db=url, force=True)
        return DB.sql(f"SELECT status, message FROM '{wh}/checks.parquet' WHERE rule = 'text.table_agree'").fetchall()

    assert prose_check() == [("pass", "正文中 1 个数字与统计表一致")]
    rep = _report(wh, DB.sql(f"SELECT report_id FROM '{wh}/reports.parquet'").fetchall()[0][0])
    eng = db.engine(url)
    store.correct_cell(eng, ADMIN, rep, "outcome.total", "total", "year", "27", "核对原件", 0, 21.0, "21")
    assert prose_check() == [("pass", "正文中 1 个数字与统计表一致")]
    assert DB.sql(
        f"SELECT value, source FROM '{wh}/metrics.parquet' WHERE metric = 'outcome.total' AND applicant = 'total'"
    ).fetchall() == [(27.0, "manual")]
    # the cells the prose quotes (总计 21 = 自然人 20 + 其他 1; a sub-sum of the row also agrees): 27 = 26 + 1
    store.correct_cell(eng, ADMIN, rep, "request.new", "total", "year", "27", "核对原件", 0, 21.0, "21")
    store.correct_cell(eng, ADMIN, rep, "request.new", "natural_person", "year", "26", "核对原件", 0, 20.0, "20")
    [(status, message)] = prose_check()
    assert status == "fail" and message.startswith("正文称「本年新收政府信息公开申请数量」为21（正文第10行")
    assert "统计表为27" in message
    eng.dispose()
    db.engine.cache_clear()


def test_the_shown_command_writes_the_dashboards_database_and_regions_are_real(tmp_path, monkeypatch):
    """The 导入/审核 pages' command names the dashboard's warehouse, so it creates the administrator in the
    database the dashboard reads even from a shell without WAREHOUSE_DIR; a region that is not a province's name
    (福建) is refused with the name suggested, a code is taken as its name."""
    import shlex

    from app import audit_ui

    wh = tmp_path / "elsewhere" / "warehouse"
    monkeypatch.setenv("WAREHOUSE_DIR", str(wh))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    shown = audit_ui.create_admin_command()
    assert shown == f"python3 -m audit --warehouse {shlex.quote(str(wh))} create-admin 用户名 --name 姓名"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WAREHOUSE_DIR")}
    args = shlex.split(shown.replace("用户名", "boss").replace("姓名", "王主任"))
    done = subprocess.run(
        [sys.executable, *args[1:], "--password-stdin"], input="secret123\n", capture_output=True, text=True,
        cwd=ROOT, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已创建用户 boss（管理，全部地区）\n审核数据库：sqlite:///")
    eng = db.engine(f"sqlite:///{db.sqlite_path(wh)}")
    assert store.user(eng, "boss") == User("boss", "王主任", "admin")

    def add(*region: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "audit", "--warehouse", str(wh), "add-user", "min", "--role", "reviewer"]
        return subprocess.run(
            [*cmd, *region, "--password-stdin"], input="secret123\n", capture_output=True, text=True, cwd=ROOT,
            env=env,
        )  # fmt: skip

    refused = add("--province", "福建")
    assert refused.returncode == 2 and "“福建”不是省级行政区的名称。是否为“福建省”？" in refused.stderr
    assert add("--province", "福建省", "--prefecture", "福州").stderr.strip().endswith("是否为“福州市”？")
    made = add("--province", "35", "--prefecture", "3501")
    assert made.returncode == 0 and "已创建用户 min（审核，福建省 / 福州市）" in made.stdout
    assert store.user(eng, "min") == User("min", "min", "reviewer", "福建省", "福州市")
    eng.dispose()
    db.engine.cache_clear()
