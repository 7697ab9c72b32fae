"""The 审核 controls the pages share: who is signed in (streamlit-authenticator over the users of the audit
database: bcrypt-hashed passwords, a signed login cookie that expires), the guard of 导入报告, and the inline
actions of 报告详情 and 数据质量. The router reads the login once per run (`sign_in()`); each page calls one
function at its end (or top, for the guard)."""

from __future__ import annotations

import math
import os
import time
from contextvars import ContextVar

import polars as pl
import sqlalchemy as sa
import streamlit as st

from app import demo, queries, ui, warehouse
from audit import db, fates, secret, store, throttle
from audit.roles import ROLE_ZH, User
from warehouse import labels
from warehouse.contract import catalogue

COOKIE = "gov_reports_audit"
SESSION_DAYS = float(os.environ.get("AUDIT_SESSION_DAYS", "1"))  # a login lasts this long, then asks again


def create_admin_command() -> str:
    """The command that creates the first administrator in the very database this dashboard reads: the warehouse
    folder named (the command line cannot see the dashboard's WAREHOUSE_DIR); DATABASE_URL, when the dashboard
    has one, must be set for the command too (never printed: it may hold a password)."""
    import shlex

    wh = warehouse.warehouse_dir()
    where = "" if os.environ.get("DATABASE_URL") or warehouse.is_remote(wh) else f"--warehouse {shlex.quote(str(wh))} "
    return f"python3 -m audit {where}create-admin 用户名 --name 姓名"


def create_admin_note() -> str:
    if os.environ.get("DATABASE_URL"):
        return "运行时请设置与看板相同的 DATABASE_URL 环境变量，用户才会写入看板所用的数据库。"
    return "命令中 `--warehouse` 后的目录即看板正在使用的数据仓库，用户写入其旁边的审核数据库。"


def known_places() -> list[tuple[str | None, str | None]]:
    """The (province, prefecture) pairs of the warehouse's reports: a user's region may name them too."""
    o = queries.run("filter_options")
    if "province" not in o.columns:
        return []
    cols = [c for c in ("province", "prefecture") if c in o.columns]
    return [tuple(r) + (None,) * (2 - len(cols)) for r in o.select(cols).unique().iter_rows()]


NO_USERS = (
    "尚未配置用户，本看板只读：任何人都不能导入报告或修改数字。在服务器上运行下面的命令创建第一个管理员，"
    "再用管理员账号在“审核”页新建审核员："
)
FIELDS = {"Form name": "登录", "Username": "用户名", "Password": "密码", "Login": "登录"}


def _may_edit(user: User | None, no_users: str, sign_in: str, refused: str) -> bool:
    """Whether `user` may edit here (a 审核 account); if not, why, as a caption: no users yet, not signed in, or
    signed in with 查看 only (`refused`: 不能修改…)."""
    if not users_configured():
        st.caption(no_users)
    elif user is None:
        st.caption(sign_in)
    elif not user.may_review:
        st.caption(f"当前账号（{user.name}）只有“查看”权限，{refused}。")
    else:
        return True
    return False


def engine() -> sa.Engine | None:
    """The audit database of the current warehouse, when it exists (viewing never creates it)."""
    url = db.database_url(warehouse.warehouse_dir())
    return db.engine(url) if db.exists(url) else None


def users_configured() -> bool:
    eng = engine()
    return eng is not None and store.has_users(eng)


_USER = "_audit_user"  # the signed-in user of this run (sign_in() sets it)
# this run's authenticator (for the 审核 page's login form) and the sidebar slot that shows who is signed in, so
# that a login on the page draws it where the router would (set per run, in the run's own thread)
_RUN: ContextVar[tuple | None] = ContextVar("audit_run", default=None)


_SESSION = "_audit_session"  # this session's login: who, and when (a Unix time); checked on every run
_ENDED = "_audit_session_ended"


def sign_in() -> User | None:
    """Read the login once per run (the router calls it, before any query): the signed-in user, with the role and
    region the database holds now (None: nobody, or no users at all). The pages ask `signed_in()`."""
    st.session_state[_USER] = None
    _RUN.set(None)
    eng = engine()
    if eng is None or not store.has_users(eng):
        return None
    import streamlit_authenticator as stauth

    # one Authenticate a run: its cookie manager is a component with a fixed key. login_sleep_time=0: the router
    # reads the login on every page's every run, which must not wait the library's default 0.7 s each time. The
    # key that signs the cookie is the installation's, kept in a 0600 file apart from the database
    key = secret.cookie_key(warehouse.warehouse_dir())
    auth = stauth.Authenticate(store.credentials(eng), COOKIE, key, SESSION_DAYS, auto_hash=False, login_sleep_time=0)
    _RUN.set((auth, st.sidebar.container()))
    try:
        auth.login(location="unrendered", fields=FIELDS, key="audit_login")  # a login cookie, if any
    except stauth.utilities.LoginError:  # the cookie's user is disabled or gone
        auth.cookie_controller.delete_cookie()
        st.warning("登录已失效（账号已停用或不存在），请在“审核”页重新登录。")
    _check_session(eng, auth)
    return _signed_in_as(eng, auth)


def _check_session(eng: sa.Engine, auth) -> None:
    """Every run: a login older than SESSION_DAYS, or one its user has ended since (logged out, had a new password,
    been disabled), ends here — cookie deleted, nobody signed in — however long the tab has stayed open. A login
    by cookie is dated by the cookie (its expiry less SESSION_DAYS): a cookie replayed after its user's logout
    dates from before it and is refused."""
    if not st.session_state.get("authentication_status"):
        return
    name = st.session_state.get("username")
    held = st.session_state.get(_SESSION)
    if not held or held["username"] != name:  # signed in by the cookie, in this session's first run
        token = auth.cookie_controller.get_cookie()
        issued = token["exp_date"] - SESSION_DAYS * 86400 if token else 0.0
        held = st.session_state[_SESSION] = {"username": name, "issued": issued}
    if time.time() - held["issued"] < SESSION_DAYS * 86400 and store.session_valid(eng, name, held["issued"]):
        return
    auth.logout(location="unrendered")
    st.session_state[_SESSION] = None
    st.session_state[_ENDED] = True  # said in the sidebar until the next login


def _signed_in_as(eng: sa.Engine, auth, again: bool = False) -> User | None:
    """The user the authenticator holds, kept for this run, and shown in the sidebar with a logout button."""
    user = store.user(eng, st.session_state.get("username")) if st.session_state.get("authentication_status") else None
    st.session_state[_USER] = user
    if user is None and st.session_state.get(_ENDED) and not again:
        _RUN.get()[1].warning("登录已过期或已结束（退出登录、修改密码或账号停用），请在“审核”页重新登录。")
    if user is not None:
        st.session_state.pop(_ENDED, None)
        queries.limit_to(region_of(user))
        with _RUN.get()[1]:
            st.caption(f"已登录：{user.name}（{ROLE_ZH[user.role]}，{user.scope_zh}）")
            # main: inside the slot. Logging out ends every login of the user (each browser's cookie)
            auth.logout("退出登录", location="main", key="audit_logout", callback=lambda _: _log_out(eng, user))
    return user


def _log_out(eng: sa.Engine, user: User) -> None:
    store.end_sessions(eng, user.username)
    st.session_state[_SESSION] = None


def signed_in() -> User | None:
    """The user the router read for this run."""
    return st.session_state.get(_USER)


def login_form() -> User | None:
    """The 审核 page's login form when nobody is signed in. A successful login holds from the rest of this run on
    (its region limit included; the sidebar drawn above it was the anonymous one, which sees every report anyway)
    — no rerun, which would cut off the component that sets the login cookie. The password is checked here, not
    by the library's form, so that wrong ones are counted (`audit/throttle.py`); the library keeps the cookie."""
    user = signed_in()
    run = _RUN.get()
    if user is not None or run is None:
        return user
    auth, eng = run[0], engine()
    slot = st.empty()
    with slot.form("audit_login_form"):
        st.subheader("登录")
        username = st.text_input("用户名", autocomplete="username")
        password = st.text_input("密码", type="password", autocomplete="current-password")
        go = st.form_submit_button("登录")
    if go and (found := _check_login(eng, username.strip(), password)) is not None:
        slot.empty()
        st.session_state.update(
            username=found.username, name=found.name, roles=[found.role], authentication_status=True, logout=None
        )
        st.session_state[_SESSION] = {"username": found.username, "issued": time.time()}
        auth.cookie_controller.set_cookie()
    return _signed_in_as(eng, auth, again=True)


def _check_login(eng: sa.Engine, username: str, password: str) -> User | None:
    """The user, if the password is right and neither the name nor the address is locked out; else None, the
    reason shown."""
    address = st.context.ip_address or "unknown"
    wait = max(throttle.USERS.wait(username), throttle.ADDRESSES.wait(address))
    if wait:
        st.error(f"登录失败次数过多，已暂停登录：请 {math.ceil(wait / 60)} 分钟后再试。")
        return None
    found = store.check_password(eng, username, password)
    if found is None:
        throttle.USERS.failed(username)
        throttle.ADDRESSES.failed(address)
        st.error("用户名或密码不正确。")
        return None
    throttle.USERS.passed(username)
    return found


def region_of(user: User | None) -> queries.Region:
    """The region a user's record limits every page to (none for a user without one, and for nobody)."""
    return queries.Region(user.province, user.prefecture) if user is not None else queries.Region()


def signed_in_or_stop() -> User:
    """The 审核 and 机构名录 pages' door: with no users yet, how to create the first administrator; else the login
    form. The page stops until someone is signed in."""
    if not users_configured():
        st.info(NO_USERS)
        st.code(create_admin_command(), language="bash")
        st.caption(create_admin_note())
        st.stop()
    user = login_form()
    if user is None:
        st.stop()
    return user


def require_import_role() -> None:
    """导入报告 needs the 审核 role: anyone else is told why and the page stops (a direct request included). The
    demo and object-storage warehouses take no imports at all; the page itself says so."""
    if demo.is_demo() or warehouse.is_remote(warehouse.warehouse_dir()):
        return
    if not users_configured():
        st.warning("导入已关闭。" + NO_USERS)
        st.code(create_admin_command(), language="bash")
        st.caption(create_admin_note())
        st.caption("创建后，以“审核”或“管理”账号在“审核”页登录，即可在本页导入报告。")
        st.stop()
    user = signed_in()
    if user is None or not user.may_review:
        st.warning(
            "导入报告会改变所有人看到的数字，需要“审核”或“管理”权限。"
            + ("请先在“审核”页登录。" if user is None else f"当前账号（{user.name}）只有“查看”权限。")
        )
        st.page_link("pages/audit.py", label="前往“审核”页登录", icon=":material/login:")
        st.stop()


PRECHECK_ACCESS = ("anyone", "signed_in", "reviewer")


def precheck_access() -> str:
    """Who may use 年报预审 (it writes nothing), as the administrator sets it with the environment variable
    PRECHECK_ACCESS: `anyone`, `signed_in` (the default: any signed-in account, 查看 included) or `reviewer`
    (审核 and 管理). While no users exist the dashboard has no sign-in, and the page is open to anyone."""
    access = os.environ.get("PRECHECK_ACCESS", "signed_in")
    return access if access in PRECHECK_ACCESS else "signed_in"


def require_precheck_access() -> None:
    """年报预审's guard: anyone refused is told why and the page stops."""
    access = precheck_access()
    if access == "anyone" or not users_configured():
        return
    user = signed_in()
    if user is None:
        st.warning("年报预审需要登录。请先在“审核”页登录。")
    elif access == "reviewer" and not user.may_review:
        st.warning(f"管理员将年报预审设为仅“审核”“管理”账号可用；当前账号（{user.name}）只有“查看”权限。")
    else:
        return
    st.page_link("pages/audit.py", label="前往“审核”页登录", icon=":material/login:")
    st.stop()


def corrections_to_review(corrections: list[dict], reports: list[dict], held: set[str]) -> list[tuple[dict, dict]]:
    """The corrections whose report file the warehouse no longer holds (`held`: its files' sha256), each with the
    report of `reports` that now stands for it: the file of the same name (replaced in place), else the report of
    the same agency and year (the file moved and changed). A build does not apply them; a reviewer looks again."""
    by_file = {r["source_file"]: r for r in reports}
    by_agency_year = {(r["agency"], r["year"]): r for r in reports if r["agency"] and r["year"] is not None}
    out = []
    for c in corrections:
        if c["file_sha256"] in held:
            continue
        new = by_file.get(c["source_file"]) or by_agency_year.get((c["agency"], c["year"]))
        if new is not None:
            out.append((c, new))
    return out


def report_of(meta: dict) -> store.Report:
    return store.Report(
        meta["report_id"],
        meta["file_sha256"],
        meta.get("template"),
        meta.get("source_file"),
        meta.get("agency"),
        meta.get("year"),
        meta.get("province"),
        meta.get("prefecture"),
    )


def _saved(message: str, flash: str = "audit_flash") -> None:
    """Rerun after a save, so that every table of the page shows it; the message is shown once, on top."""
    st.session_state[flash] = message
    st.rerun()


def as_shown(form: str, versions: dict) -> dict:
    """The versions (of cells, checks, marks…) a form's page showed. A form is submitted in a run of its own, after
    the run that drew the page the user read and filled in: what that run showed is what an edit is checked
    against, never what is read when the edit comes in (someone may have saved in between). So each run stores
    what it shows (`versions`) and hands back what the previous run of this form stored."""
    k = f"audit_shown_{form}"
    before = st.session_state.get(k, versions)
    st.session_state[k] = versions
    return before


def _version(row: dict | None) -> int:
    return row["version"] if row else 0


def _save(seen: int, save, message, flash: str = "audit_flash") -> None:
    """A form's save: `save(seen)` gets the version of the cell, check or mark as the page showed it (`_shown`; one
    changed since is refused as stale) and returns the row saved. Refused, the error is shown under the page this
    run drew (with the newest state, so the next try may go); saved, the page reruns with `message(row)` on top."""
    try:
        row = save(seen)
    except store.AuditError as e:
        st.error(str(e))
        return
    _saved(message(row), flash)


def person(eng, username: str | None) -> str:
    """The name a user is shown by (李审核), their login name (li) only when no name is on record."""
    if not username:
        return ""
    return _names(eng).get(username) or username


_NAMES: dict[str, tuple[float, dict[str, str]]] = {}


def _names(eng) -> dict[str, str]:
    """login -> name, read once a second at most (a table of many rows names its people from one read)."""
    import time

    key = str(eng.url)
    at, names = _NAMES.get(key, (0.0, {}))
    if time.monotonic() - at > 1:
        names = {u["username"]: u["name"] for u in store.list_users(eng) if u["name"]}
        _NAMES[key] = (time.monotonic(), names)
    return names


def _cell_label(r: dict, template: str | None) -> str:
    shown = "空白" if r["value"] is None else store.fmt_value(r["value"])
    raw = r["raw"] if r["raw"] not in (None, "") else "空白"
    return f"{labels.cell_zh(r['metric'], r['applicant'], r['basis'], template)} = {shown}（原文：{raw}）"


def target_zh(action: str, target: str | None, template: str | None = None) -> str:
    """An audit row's target as a supervisor reads it: a cell by its section and row (labels.cell_zh), a check by
    its rule's Chinese name; the stored code stays in the log's 对象编号 column."""
    if not target:
        return ""
    if action == "dispose" and "：" in target:
        rule, message = target.split("：", 1)
        return f"{labels.rule_zh(rule)}：{message}"
    if action == "correct":
        metric, *rest = target.split("/")
        if catalogue().get(metric) is not None:
            applicant = next((a for a in rest if a != "cumulative"), None)
            return labels.cell_zh(metric, applicant, "cumulative" if "cumulative" in rest else "year", template)
    return target


def report_actions(rid: str | None, parts: tuple[str, ...] = ("cells", "checks", "review")) -> None:
    """报告详情's 审核 block: the report's corrections, dispositions and review, and (for a reviewer of its region)
    the forms to correct a cell, confirm or dismiss a failed check, and mark it 已审核."""
    if not rid:
        return
    meta = queries.run("report_meta", report_id=rid)
    if meta.is_empty():
        return
    m = meta.row(0, named=True)
    report = report_of(m)
    st.divider()
    st.subheader("审核")
    if flash := st.session_state.pop("audit_flash", None):
        st.success(flash)
    eng = engine()
    user = signed_in()
    fixed = store.corrections_of_report(eng, report.file_sha256) if eng is not None else []
    if eng is not None:
        _report_state(eng, report, parts, fixed)
    if not _may_edit(
        user,
        "尚未配置用户，本看板只读：更正、核对处理与导入需先创建用户（见“审核”页）。",
        "在“审核”页登录审核账号后，可在此更正数值、处理未通过的核对、标记已审核。",
        "不能修改",
    ):
        return
    if not user.covers(report.province, report.prefecture):
        st.info(
            f"这份报告（{report.province or '未知省份'} {report.prefecture or ''}）不在您负责的地区（{user.scope_zh}）内，"
            "只能查看，不能修改。"
        )
        return
    if "cells" in parts:
        _correction_form(eng, user, report, rid, fixed)
        withdraw_form(eng, user, [(c, report) for c in fixed])
    if "checks" in parts:
        _disposition_form(eng, user, report, rid)
    if "review" in parts:
        _review_form(eng, user, report)
    _apply_now()


def check_actions(rid: str | None) -> None:
    """数据质量's block: confirm or dismiss the failed checks of the report picked above."""
    report_actions(rid, parts=("checks",))


def _failed(rid: str) -> set[tuple[str, str]]:
    """The report's failed checks now, as (rule, message)."""
    checks = queries.run("report_checks", report_id=rid).filter(pl.col("status") == "fail")
    return {(r["rule"], r["message"]) for r in checks.iter_rows(named=True)}


def _report_state(eng, report: store.Report, parts, rows: list[dict]) -> None:
    review = store.review_of(eng, report.file_sha256)
    if "review" in parts:
        if review and store.review_is_stale(review, _failed(report.report_id)):
            st.warning(
                f"需重新审核：{review['username']} 于 {store.local_time(review['created_at'])} 标记已审核后，"
                "重建数据仓库改变了这份报告的核对结果。"
            )
        elif review:
            st.success(
                f"已审核：{person(eng, review['username'])}，{store.local_time(review['created_at'])}"
                + (f"（{review['note']}）" if review["note"] else "")
            )
        else:
            st.caption("这份报告尚未标记为已审核。")
    if "cells" in parts:
        if rows:
            now = queries.run("report_metrics", report_id=report.report_id)
            held = {
                (r["metric"], r["applicant"] or "", r["basis"]): (r["value"], r["source"])
                for r in now.iter_rows(named=True)
                if r["source"] in ("table", "manual")
            }
            st.markdown("**本报告的人工更正**")
            ui.dataframe(
                pl.DataFrame(
                    [
                        {
                            "单元格": labels.cell_zh(c["metric"], c["applicant"] or None, c["basis"], report.template),
                            "原值": c["old_value"],
                            "原文": c["old_raw"],
                            "更正为": c["new_value"],
                            "理由": c["reason"],
                            "更正人": person(eng, c["username"]),
                            "时间": store.local_time(c["created_at"]),
                            "状态": _state(
                                c, held.get((c["metric"], c["applicant"], c["basis"])), person(eng, c["withdrawn_by"])
                            ),
                        }
                        for c in rows
                    ]
                ),
                hide_index=True,
                width="stretch",
            )


def _state(c: dict, held: tuple | None, withdrawn_by: str = "") -> str:
    """A correction as the warehouse holds it now: in force, waiting for a rebuild, or withdrawn."""
    if c["withdrawn_at"] is not None:
        applied = held is not None and held[1] == "manual"
        return f"已撤回（{withdrawn_by}）" + ("，重建数据仓库后恢复原值" if applied else "")
    return "已生效" if held == (c["new_value"], "manual") else "待重建数据仓库后生效"


def withdraw_form(eng, user: User, rows: list[tuple[dict, store.Report]], key: str = "") -> None:
    """撤回 a correction in force, with a reason: the correction stays on record, the next build no longer
    applies it. `rows`: (correction, its report) pairs the user may see."""
    live = [(c, r) for c, r in rows if c["withdrawn_at"] is None and user.covers(r.province, r.prefecture)]
    if not live:
        return
    cells = [(r.file_sha256, c["metric"], c["applicant"], c["basis"]) for c, r in live]
    shown = as_shown(f"withdraw{key}", {k: c["version"] for k, (c, _) in zip(cells, live)})
    st.markdown("**撤回一条更正**")
    with st.form(f"audit_withdraw{key}"):
        pick = st.selectbox(
            "更正",
            range(len(live)),
            format_func=lambda i: (
                f"{live[i][1].agency or ''} {live[i][1].year or ''}："
                f"{labels.cell_zh(live[i][0]['metric'], live[i][0]['applicant'] or None, live[i][0]['basis'], live[i][1].template)}"
                f" = {store.fmt_value(live[i][0]['new_value'])}（{person(eng, live[i][0]['username'])}）"
            ),
            key=f"audit_withdraw_pick{key}",
        )
        reason = st.text_input("撤回理由", key=f"audit_withdraw_reason{key}", placeholder="如：复核原件，原值无误")
        go = st.form_submit_button("撤回更正")
    if not go:
        return
    c, report = live[pick]
    cell = (c["metric"], c["applicant"] or None, c["basis"])
    _save(
        shown.get(cells[pick], c["version"]),
        lambda seen: store.withdraw_correction(eng, user, report, *cell, reason, seen),
        lambda _: (
            f"已撤回：{labels.cell_zh(*cell, report.template)}。重建数据仓库后恢复报告原值（导入报告、运行 etl build，或点下方“立即重建”）。"
        ),
    )


def _correction_form(eng, user: User, report: store.Report, rid: str, fixed: list[dict]) -> None:
    vals = queries.run("report_metrics", report_id=rid).filter(pl.col("source").is_in(["table", "manual"]))
    cells = {(r["metric"], r["applicant"], r["basis"]): r for r in vals.iter_rows(named=True)}
    # the corrections this page shows (the table above): a cell none of them is had none (version 0)
    shown = as_shown(
        f"cells_{report.file_sha256}", {(c["metric"], c["applicant"], c["basis"]): c["version"] for c in fixed}
    )
    st.markdown("**更正一个数值**")
    with st.form("audit_correct", clear_on_submit=False):
        key = st.selectbox(
            "单元格",
            list(cells),
            format_func=lambda k: _cell_label(cells[k], report.template),
            key="audit_cell",
            index=None,
            placeholder="选择要更正的单元格",
        )
        other = st.text_input("或输入指标代码（统计表中有、但未读出的单元格，如 request.received）", key="audit_metric")
        value = st.text_input("更正为", key="audit_value", placeholder="数值，如 73")
        reason = st.text_area("理由", key="audit_reason", placeholder="如：正文第23行称共发布信息73条，统计表漏计")
        go = st.form_submit_button("保存更正", type="primary")
    if not go:
        return
    metric, applicant, basis = key if key else ((other or "").strip(), None, "year")
    if not metric:
        st.error("请选择要更正的单元格，或输入指标代码。")
        return
    current = store.correction_of(eng, report, metric, applicant, basis)
    row = cells.get((metric, applicant, basis))
    old_value = row["value"] if row and row["source"] == "table" else (current["old_value"] if current else None)
    _save(
        shown.get((metric, applicant or store.NO_APPLICANT, basis), 0),
        lambda seen: store.correct_cell(
            eng, user, report, metric, applicant, basis, value, reason, seen, old_value, row["raw"] if row else None
        ),
        lambda c: (
            f"已保存：{labels.cell_zh(metric, applicant, basis, report.template)} 更正为 {store.fmt_value(c['new_value'])}。"
            "重建数据仓库后生效（导入报告、运行 etl build，或点下方“立即重建”）。"
        ),
    )


def _disposition_form(eng, user: User, report: store.Report, rid: str) -> None:
    checks = queries.run("report_checks", report_id=rid).filter(pl.col("status") == "fail")
    if checks.is_empty():
        st.caption("这份报告没有未通过的核对。")
        return
    done = store.dispositions_of_report(eng, report.file_sha256)
    shown = as_shown(f"checks_{report.file_sha256}", {k: d["version"] for k, d in done.items()})
    failed = [(r["rule"], r["message"]) for r in checks.iter_rows(named=True)]
    st.markdown("**处理未通过的核对**")
    ui.dataframe(
        pl.DataFrame(
            [
                {
                    "规则": labels.rule_zh(r),
                    "说明": msg,
                    "处理": store.VERDICT_ZH[done[(r, msg)]["verdict"]] if (r, msg) in done else "未处理",
                    "说明（审核）": done[(r, msg)]["note"] if (r, msg) in done else "",
                    "处理人": person(eng, done[(r, msg)]["username"]) if (r, msg) in done else "",
                    "规则编号": r,
                }
                for r, msg in failed
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form(f"audit_dispose_{rid}"):
        pick = st.selectbox(
            "核对项",
            range(len(failed)),
            format_func=lambda i: f"{labels.rule_zh(failed[i][0])}：{failed[i][1]}",
            key=f"audit_check_{rid}",
        )
        verdict = st.radio(
            "结论",
            list(store.VERDICT_ZH),
            format_func=store.VERDICT_ZH.get,
            horizontal=True,
            key=f"audit_verdict_{rid}",
        )
        note = st.text_input(
            "说明（必填；选“规则误报”时写明规则为何不适用，考核评分将不再因此扣分）",
            key=f"audit_note_{rid}",
            placeholder="如：已核对原件第3页，报告原文如此",
        )
        go = st.form_submit_button("保存处理结论")
    if not go:
        return
    rule, message = failed[pick]
    _save(
        shown.get((rule, message), 0),
        lambda seen: store.dispose_check(eng, user, report, rule, message, verdict, note, seen, set(failed)),
        lambda _: f"已保存：{labels.rule_zh(rule)} — {store.VERDICT_ZH[verdict]}。",
    )


def _review_form(eng, user: User, report: store.Report) -> None:
    review = store.review_of(eng, report.file_sha256)
    shown = as_shown(f"review_{report.file_sha256}", {"at": review["created_at"] if review else None})
    with st.form("audit_review"):
        note = st.text_input("审核意见（可选）", key="audit_review_note")
        go = st.form_submit_button("标记为已审核")
    if go:
        try:
            store.mark_reviewed(eng, user, report, note, _failed(report.report_id), seen_at=shown["at"])
        except store.AuditError as e:
            st.error(str(e))
            return
        _saved("已标记为已审核。")


def _apply_now() -> None:
    """Rebuild the warehouse over its own inputs, so that saved corrections take effect now."""
    if not st.button("立即重建数据仓库，使更正生效", key="audit_apply_now"):
        return
    from app import importer

    missing = importer.missing_inputs()
    if missing:
        st.warning(
            f"数据仓库的 {len(missing)} 个原始文件已不在磁盘上（如 {missing[0]}），重建会丢失这些报告，因此未重建。"
        )
        return
    with st.spinner("正在重建数据仓库……"):
        try:
            importer.import_files(importer.Staged([]), user=signed_in())
        except store.AuditError as e:
            st.error(str(e))
            return
    queries.clear()
    st.rerun()


def shared_markdown(a: str, b: str, min_len: int = 6) -> tuple[str, str]:
    """Two passages as escaped Markdown with the runs of text they share (min_len characters or more) highlighted:
    report text never becomes live HTML or Markdown."""
    from difflib import SequenceMatcher

    a, b = a or "", b or ""
    blocks = [m for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if m.size >= min_len]

    def marked(text: str, spans: list[tuple[int, int]]) -> str:
        out, at = [], 0
        for start, size in spans:
            out.append(ui.md_escape(text[at:start]))
            out.append(":orange-background[" + ui.md_escape(text[start : start + size]) + "]")
            at = start + size
        out.append(ui.md_escape(text[at:]))
        return "".join(out)

    return marked(a, [(m.a, m.size) for m in blocks]), marked(b, [(m.b, m.size) for m in blocks])


@st.cache_data(show_spinner="正在比对雷同文字……", max_entries=8)
def _originality(wh: str, version: str, year: int, places: tuple[tuple[str, tuple[str, ...]], ...]) -> pl.DataFrame:
    from scoring.scorecard import score_warehouse

    sc = score_warehouse(wh, years=[year - 1, year], places={k: list(v) for k, v in places} or None)
    ev = sc.evidence
    return ev.filter(
        (pl.col("indicator") == "originality")
        & (pl.col("year") == year)
        & pl.col("this").is_not_null()
        & pl.col("other").is_not_null()
    )


def copied_text(user: User, years: list[int]) -> None:
    """The passages the originality indicator flags, beside the matched report's, the shared text highlighted."""
    if not years:
        st.info("仓库中没有可比对的报告。")
        return
    year = st.selectbox("年度", sorted(years, reverse=True), key="copied_year")
    places = tuple((k, (v,)) for k, v in (("province", user.province), ("prefecture", user.prefecture)) if v)
    if not st.toggle("比对这一年的报告（读取每份原文，报告多时较慢）", key=f"copied_go_{year}"):
        return
    wh = warehouse.warehouse_dir()
    ev = _originality(str(wh), warehouse.version(wh), year, places)
    if ev.is_empty():
        st.success(f"{year} 年没有被原创性指标标出雷同的报告。")
        return
    flagged = ev.unique("report_id", maintain_order=True)
    names = dict(zip(flagged["report_id"].to_list(), flagged["agency"].to_list()))
    rid = st.selectbox("报告", list(names), format_func=names.get, key="copied_report")
    for e in ev.filter(pl.col("report_id") == rid).iter_rows(named=True):
        st.markdown(f"**{ui.md_escape(e['message'])}**")
        left, right = shared_markdown(e["this"], e["other"])
        a, b = st.columns(2)
        a.caption("本报告")
        a.markdown(left)
        b.caption("雷同来源")
        b.markdown(right)
    st.caption("底色标出两份报告共有的文字（6 个字以上相同）；报告文字按纯文本显示。")


# --- agencies abolished or merged (缺报) -------------------------------------------------------------------------


def fates_param() -> str:
    """The agencies marked abolished or merged, as the coverage queries take them (`fates=`)."""
    return fates.fates_json(fates.all_fates(engine()))


def _agency(r: dict) -> fates.Agency:
    return fates.Agency(r["agency_id"], r["agency_name"], r["province"], r["prefecture"], r["first_year"])


def agency_fate_actions(f: queries.Filters) -> None:
    """总览's 机构撤销与合并 block under the 缺报清单: the agencies marked abolished or merged (everyone reads them) and,
    for a reviewer, the forms to mark an agency of the region or take a mark back."""
    marks = fates.all_fates(engine())
    if flash := st.session_state.pop("fate_flash", None):
        st.success(flash)
    with st.expander(f"机构撤销与合并（已标记 {len(marks)} 家）", expanded=flash is not None):
        st.caption(
            "标记为撤销或合并的机构，自撤并当年起不再应报：这些年度显示为“已撤销”/“已并入”，不算缺报；"
            "撤并前一年以前仍按年应报（最后一份报告之后、撤并之前的年度算缺报）。"
        )
        if marks:
            ui.dataframe(
                pl.DataFrame(
                    [
                        {
                            "机构": m["agency"],
                            "地区": " ".join(p for p in (m["province"], m["prefecture"]) if p),
                            "撤并": fates.fate_zh(m),
                            "说明": m["note"],
                            "标记人": person(engine(), m["username"]),
                            "时间": store.local_time(m["created_at"]),
                        }
                        for m in marks
                    ]
                )
            )
        user = signed_in()
        if not _may_edit(
            user,
            "尚未配置用户：标记撤并需先创建审核账号（见“审核”页）。",
            "在“审核”页登录审核账号后，可在此标记机构撤销或合并。",
            "不能标记",
        ):
            return
        agencies = {
            r["agency_id"]: r
            for r in queries.run("fate_agencies", f).iter_rows(named=True)
            if user.covers(r["province"], r["prefecture"])
        }
        every = {r["agency_id"]: r for r in queries.run("fate_agencies").iter_rows(named=True)}
        if not agencies:
            st.caption(f"当前筛选下没有您负责地区（{user.scope_zh}）的机构。")
            return
        shown = as_shown("fates", {m["agency_id"]: m["version"] for m in marks})  # the marks listed above
        _fate_form(eng := engine(), user, agencies, every, shown)
        mine = [m for m in marks if m["agency_id"] in agencies]
        if mine:
            _unfate_form(eng, user, mine, agencies, shown)


def _fate_form(eng, user: User, agencies: dict, every: dict, shown: dict) -> None:
    def name(aid: str | None) -> str:
        r = agencies.get(aid) or every.get(aid)
        return f"{r['agency_name']}（{r['first_year']}–{r['last_year']} 年有报告）" if r else str(aid)

    with st.form("fate_mark"):
        aid = st.selectbox(
            "机构", list(agencies), format_func=name, index=None, placeholder="选择机构", key="fate_agency"
        )
        fate = st.radio("撤并", list(fates.FATE_ZH), format_func=fates.FATE_ZH.get, horizontal=True, key="fate_kind")
        year = st.number_input(
            "撤销或合并的年份（该年起不再应报）",
            min_value=fates.FIRST_YEAR,
            max_value=fates.LAST_YEAR,
            value=None,
            step=1,
            placeholder="如 2018",
            key="fate_year",
        )
        succ = st.selectbox(
            "并入的机构（合并时填写）",
            list(every),
            format_func=name,
            index=None,
            placeholder="选择机构",
            key="fate_successor",
        )
        note = st.text_input("说明", placeholder="如：依据2018年机构改革方案并入区税务局", key="fate_note")
        go = st.form_submit_button("保存撤并标记", type="primary")
    if not go:
        return
    if aid is None:
        st.error("请选择要标记的机构。")
        return
    if year is None:
        st.error("请填写撤销或合并的年份（如 2018）。")
        return
    agency = _agency(agencies[aid])
    successor = _agency(every[succ]) if succ in every else None
    _save(
        shown.get(aid, 0),
        lambda seen: fates.mark_fate(eng, user, agency, fate, year, note, seen, successor),
        lambda row: f"已保存：{agency.name} {fates.fate_zh(row)}；缺报已按此重新计算。",
        flash="fate_flash",
    )


def _unfate_form(eng, user: User, mine: list[dict], agencies: dict, shown: dict) -> None:
    by_id = {m["agency_id"]: m for m in mine}
    with st.form("fate_clear"):
        aid = st.selectbox(
            "取消标记",
            list(by_id),
            format_func=lambda a: f"{by_id[a]['agency']}：{fates.fate_zh(by_id[a])}",
            key="fate_clear_agency",
        )
        note = st.text_input("理由", placeholder="如：误标，该机构仍存续", key="fate_clear_note")
        go = st.form_submit_button("取消撤并标记")
    if not go:
        return
    _save(
        shown.get(aid, 0),
        lambda seen: fates.clear_fate(eng, user, _agency(agencies[aid]), note, seen),  # None: the mark is gone
        lambda _: f"已取消 {by_id[aid]['agency']} 的撤并标记。",
        flash="fate_flash",
    )
