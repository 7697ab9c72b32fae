"""审核: corrections, check dispositions, reviewed reports, the audit log (filter, export), users — and the
corrections whose report file has changed, for re-review. Thin page over audit/ (the database) and app/audit_ui.py."""

from app import router

router.page()

from datetime import datetime, time, timedelta, timezone

import polars as pl
import streamlit as st

from app import audit_ui, export, queries, roster_ui, ui
from audit import store
from audit.roles import ROLE_ZH, ROLES
from warehouse import labels

st.title("审核")
st.caption(
    "更正数值、处理未通过的核对、标记已审核；每一步都记入只增不改的审核日志。更正按报告文件内容和单元格保存，"
    "每次重建数据仓库都会重新应用。"
)

user = audit_ui.signed_in_or_stop()
eng = audit_ui.engine()
if flash := st.session_state.pop("audit_flash", None):
    st.success(flash)

reports = queries.run("audit_reports")
if user.province:
    reports = reports.filter(pl.col("province") == user.province)
if user.prefecture:
    reports = reports.filter(pl.col("prefecture") == user.prefecture)
if user.province or user.prefecture:
    st.caption(f"您负责的地区：{user.scope_zh}；下面只列出这一地区的报告。")
by_sha = {r["file_sha256"]: r for r in reports.iter_rows(named=True)}
every = queries.run("audit_reports")
all_shas = set(every["file_sha256"].to_list())


def _report_cols(rows: list[dict]) -> list[dict]:
    return [
        {"机构": by_sha[r["file_sha256"]]["label"], "年度": by_sha[r["file_sha256"]]["year"], **r}
        for r in rows
        if r["file_sha256"] in by_sha
    ]


tabs = st.tabs(
    ["需复核的更正", "人工更正", "核对处理", "已审核报告", "审核日志", "雷同文字", "待匹配"]
    + (["用户"] if user.may_administer else [])
)

with tabs[0]:
    corrections = store.all_corrections(eng)
    # a file replaced by other bytes (in place, or moved and changed): its corrections wait for a reviewer to look
    # at the report that now stands for it
    pairs = audit_ui.corrections_to_review(corrections, list(by_sha.values()), all_shas)
    stale = [c for c, _ in pairs]
    new_of = {c["id"]: r for c, r in pairs}
    if not stale:
        st.success("没有需要复核的更正：每条更正所对应的报告文件都未变。")
    else:
        st.warning(
            f"{len(stale)} 条更正所对应的报告文件已被替换（同一文件名或同一机构同一年度、不同内容），重建时未应用。"
            "请打开新文件的报告详情，核对后重新更正。"
        )
        ui.dataframe(
            pl.DataFrame(
                [
                    {
                        "文件": c["source_file"],
                        "机构": c["agency"],
                        "年度": c["year"],
                        "单元格": labels.cell_zh(c["metric"], c["applicant"] or None, c["basis"]),
                        "原更正值": c["new_value"],
                        "理由": c["reason"],
                        "更正人": audit_ui.person(eng, c["username"]),
                        "时间": store.local_time(c["created_at"]),
                        "新文件": new_of[c["id"]]["source_file"],
                        "新报告编号": new_of[c["id"]]["report_id"],
                    }
                    for c in stale
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        for c in stale[:20]:
            new = new_of[c["id"]]
            st.page_link(
                "pages/report.py",
                label=f"复核：{new['label']} {new['year']}",
                query_params={"report": new["report_id"]},
                icon=":material/open_in_new:",
            )

with tabs[1]:
    rows = _report_cols(store.all_corrections(eng, withdrawn=True))
    if not rows:
        st.info("还没有人工更正。")
    else:
        df = pl.DataFrame(
            [
                {
                    "机构": r["机构"],
                    "年度": r["年度"],
                    "单元格": labels.cell_zh(r["metric"], r["applicant"] or None, r["basis"]),
                    "原值": r["old_value"],
                    "原文": r["old_raw"],
                    "更正为": r["new_value"],
                    "理由": r["reason"],
                    "更正人": audit_ui.person(eng, r["username"]),
                    "时间": store.local_time(r["created_at"]),
                    "状态": "生效" if r["withdrawn_at"] is None else "已撤回",
                    "撤回人": audit_ui.person(eng, r["withdrawn_by"]),
                    "撤回时间": store.local_time(r["withdrawn_at"]),
                    "撤回理由": r["withdraw_reason"] or "",
                    "报告编号": r["report_id"],
                }
                for r in rows
            ]
        )
        ui.dataframe(df, hide_index=True, width="stretch")
        export.downloads("人工更正", df)
        if user.may_review:
            audit_ui.withdraw_form(
                eng, user, [(r, audit_ui.report_of(by_sha[r["file_sha256"]])) for r in rows], key="_all"
            )

with tabs[2]:
    rows = _report_cols(store.all_dispositions(eng))
    if not rows:
        st.info("还没有处理过的核对。")
    else:
        df = pl.DataFrame(
            [
                {
                    "机构": r["机构"],
                    "年度": r["年度"],
                    "规则": labels.rule_zh(r["rule"]),
                    "规则编号": r["rule"],
                    "说明": r["message"],
                    "结论": store.VERDICT_ZH[r["verdict"]],
                    "审核说明": r["note"],
                    "处理人": audit_ui.person(eng, r["username"]),
                    "时间": store.local_time(r["created_at"]),
                    "报告编号": r["report_id"],
                }
                for r in rows
            ]
        )
        ui.dataframe(df, hide_index=True, width="stretch")
        export.downloads("核对处理", df)

with tabs[3]:
    rows = _report_cols(store.all_reviews(eng))
    failed_now: dict[str, set] = {}
    if rows:
        for r in queries.run("failed_by_file").iter_rows(named=True):
            failed_now.setdefault(r["file_sha256"], set()).add((r["rule"], r["message"]))
    stale = {r["file_sha256"] for r in rows if store.review_is_stale(r, failed_now.get(r["file_sha256"], set()))}
    st.metric("已审核报告", f"{len(rows):,} / {len(by_sha):,}")
    if stale:
        st.warning(f"{len(stale)} 份已审核报告在重建后核对结果有变化，需重新审核（见“状态”列）。")
    if rows:
        ui.dataframe(
            pl.DataFrame(
                [
                    {
                        "机构": r["机构"],
                        "年度": r["年度"],
                        "状态": "需重新审核" if r["file_sha256"] in stale else "已审核",
                        "审核人": audit_ui.person(eng, r["username"]),
                        "时间": store.local_time(r["created_at"]),
                        "意见": r["note"],
                        "报告编号": r["report_id"],
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )

with tabs[4]:
    c1, c2, c3, c4 = st.columns(4)
    who = c1.text_input("用户", key="log_user")
    action = c2.selectbox(
        "操作",
        [None, *store.ACTION_ZH],
        format_func=lambda a: "全部" if a is None else store.ACTION_ZH[a],
        key="log_action",
    )
    days = c3.date_input("日期", value=(), key="log_days")
    rid = c4.text_input("报告编号", key="log_report")
    since = until = None
    if len(days) >= 1:
        tz = timezone(timedelta(hours=8))
        since = datetime.combine(days[0], time(), tz)
        until = datetime.combine(days[-1], time(), tz) + timedelta(days=1)
    limited = user.province or user.prefecture
    log_rows = store.audit_rows(
        eng,
        who.strip() or None,
        action,
        rid.strip() or None,
        since,
        until,
        report_ids={r["report_id"] for r in by_sha.values()} if limited else None,
    )
    df = pl.DataFrame(
        [
            {
                "时间": store.local_time(r["at"]),
                "用户": audit_ui.person(eng, r["username"]),
                "操作": store.ACTION_ZH.get(r["action"], r["action"]),
                "报告编号": r["report_id"] or "",
                "对象": audit_ui.target_zh(r["action"], r["target"]),
                "对象编号": r["target"] or "",
                "原值": r["old_value"] or "",
                "新值": r["new_value"] or "",
                "说明": r["note"] or "",
            }
            for r in log_rows
        ],
        schema={k: pl.String for k in ("时间", "用户", "操作", "报告编号", "对象", "对象编号", "原值", "新值", "说明")},
    )
    st.caption(f"共 {df.height:,} 条（最新在前）。审核日志只增不改：数据库拒绝修改或删除其中的记录。")
    ui.dataframe(df, hide_index=True, width="stretch")
    export.downloads("审核日志", df)

with tabs[5]:
    audit_ui.copied_text(user, sorted({y for y in reports["year"].to_list() if y is not None}))

with tabs[6]:
    roster_ui.match_queue(eng, user)

if user.may_administer:
    with tabs[7]:
        people = store.list_users(eng)
        ui.dataframe(
            pl.DataFrame(
                [
                    {
                        "用户名": u["username"],
                        "姓名": u["name"],
                        "角色": ROLE_ZH[u["role"]],
                        "地区": " / ".join(p for p in (u["province"], u["prefecture"]) if p) or "全部地区",
                        "状态": "启用" if u["active"] else "停用",
                        "创建时间": store.local_time(u["created_at"]),
                    }
                    for u in people
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        with st.form("new_user", clear_on_submit=True):
            st.markdown("**新建用户**")
            a, b = st.columns(2)
            username = a.text_input("用户名")
            name = b.text_input("姓名")
            password = a.text_input("初始密码（至少 8 位）", type="password")
            role = b.selectbox("角色", ROLES, format_func=ROLE_ZH.get, index=1)
            province = a.text_input("限定省份（可空）", placeholder="全称或区划代码，如 宁夏回族自治区、64")
            prefecture = b.text_input("限定地市（可空）", placeholder="如 银川市")
            if st.form_submit_button("新建", type="primary"):
                try:
                    made = store.create_user(
                        eng,
                        username,
                        name,
                        password,
                        role,
                        province.strip() or None,
                        prefecture.strip() or None,
                        actor=user,
                        known_places=audit_ui.known_places(),
                    )
                    st.success(f"已新建 {made.username}（{ROLE_ZH[made.role]}，{made.scope_zh}）。")
                except store.AuditError as e:
                    st.error(str(e))
        st.markdown("**修改用户（角色、地区、密码）**")
        who = st.selectbox("要修改的用户", [u["username"] for u in people], key="edit_user_name")
        current = next(u for u in people if u["username"] == who)
        fields = ("role", "province", "prefecture", "active")
        shown = audit_ui.as_shown(f"user_{who}", {k: current[k] for k in fields})  # what this page showed
        with st.form(f"edit_user_{who}"):
            a, b = st.columns(2)
            role = b.selectbox(
                "角色", ROLES, format_func=ROLE_ZH.get, index=ROLES.index(current["role"]), key=f"edit_role_{who}"
            )
            province = a.text_input("限定省份（可空）", current["province"] or "", key=f"edit_province_{who}")
            prefecture = b.text_input("限定地市（可空）", current["prefecture"] or "", key=f"edit_prefecture_{who}")
            password = a.text_input("新密码（不改请留空）", type="password", key=f"edit_password_{who}")
            if st.form_submit_button("保存修改"):
                try:
                    done = store.update_user(
                        eng,
                        user,
                        who,
                        role,
                        province,
                        prefecture,
                        password or None,
                        audit_ui.known_places(),
                        seen=shown,
                    )
                    st.success(f"已修改 {done.username}：{ROLE_ZH[done.role]}，{done.scope_zh}。")
                except store.AuditError as e:
                    st.error(str(e))
        others = [u["username"] for u in people if u["username"] != user.username]
        if others:
            a, b = st.columns([3, 1])
            who = a.selectbox("停用或启用用户", others, key="user_toggle")
            active = next(u["active"] for u in people if u["username"] == who)
            shown = audit_ui.as_shown(f"toggle_{who}", {"active": active})  # the button the user read
            if b.button("停用" if active else "启用", key="user_toggle_btn"):
                store.set_active(eng, user, who, not shown["active"])  # what the user asked for, not a flip
                st.rerun()
