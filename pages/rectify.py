"""整改跟踪: the problems a 通报 names issued to their units as 整改项 (deadline, requirement), the units' feedback,
the review (已复核 or 退回), and what the latest build found (可复核 / 问题仍在). Thin: the steps are audit/rectify.py,
the problems and the re-check app/rectify.py."""

from app import router

router.page()

from datetime import date, timedelta

import streamlit as st

from app import audit_ui, queries, rubric_ui, ui
from app import rectify as app_rectify
from app import warehouse as wh_
from app.brief import facts, tongbao
from app.files import file_stem, xlsx_bytes
from audit import rectify
from scoring.rubric import RubricError, parse_rubric
from warehouse import labels

f = ui.header("整改跟踪", "通报点名的问题整改了吗？谁已逾期？重新发布的报告通过核对了吗？")
flash = st.session_state.pop("rectify_flash", None)
if flash:
    st.success(flash)
eng = audit_ui.engine()
user = audit_ui.signed_in()
limit = queries.session_region()
wh = wh_.warehouse_dir()
version = wh_.version(wh)
try:
    rubric = parse_rubric(*rubric_ui.in_force())
except RubricError as e:
    st.error(str(e))
    st.stop()


def _mine(rows: list[dict]) -> list[dict]:
    """The items of the region this session may see."""
    return [
        r
        for r in rows
        if (not limit.province or r["province"] == limit.province)
        and (not limit.prefecture or r["prefecture"] == limit.prefecture)
    ]


if eng is not None and st.session_state.get("rectify_checked") != version:  # once per build
    with st.spinner("正在按最新数据重新核查未完成的整改项……"):
        app_rectify.recheck(eng, wh, version, rubric, tongbao.audit_inputs(wh)[0])
    st.session_state["rectify_checked"] = version

rows = _mine(rectify.items(eng))
st.subheader("整改项")
if not rows:
    st.info("尚未下发整改项。审核人员可在下方从通报点名的问题中下发。")
else:
    c1, c2 = st.columns(2)
    states = c1.multiselect("状态", list(labels.RECTIFY_ZH.values()), placeholder="全部状态")
    units = sorted({r["agency"] for r in rows})
    unit = c2.selectbox("单位", units, index=None, placeholder="全部单位")
    shown = [
        r for r in rows if (not states or labels.RECTIFY_ZH[r["state"]] in states) and (not unit or r["agency"] == unit)
    ]
    n_over = sum(r["overdue"] for r in shown)
    st.caption(
        f"共 {len(shown)} 项，其中逾期 {n_over} 项（未复核且已过整改期限）。“重新核查”= 最新一次构建的数据中"
        "该问题是否仍然存在：可复核 = 已不存在（如重新发布的报告已通过核对），问题仍在 = 仍然存在。"
    )
    table = app_rectify.table(shown)
    ui.dataframe(
        table,
        {"整改期限": st.column_config.DateColumn(format="YYYY-MM-DD")},
        pdf_title="整改项",
        hide_index=True,
        width="stretch",
    )
    st.download_button(
        "下载整改项 Excel",
        lambda: xlsx_bytes(table, "整改项"),
        file_name=f"{file_stem('整改项')}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/download:",
    )

may_edit = audit_ui._may_edit(
    user,
    "尚未配置用户：整改项只能由审核账号下发和处理。",
    "请先在“审核”页用审核账号登录，再下发或处理整改项。",
    "不能下发或处理整改项",
)
if not may_edit or eng is None:
    st.stop()


def _done(message: str) -> None:
    st.session_state["rectify_flash"] = message
    st.rerun()


st.subheader("下发整改项")
counts = queries.run("report_counts")
years = sorted(counts["year"].to_list(), reverse=True) if counts.height else []
if years:
    year = st.selectbox("通报年度", years, key="rectify_year")
    region = queries.Region(user.province or limit.province, user.prefecture or limit.prefecture)

    @st.cache_data(show_spinner="正在汇总该年度的问题……", max_entries=4)
    def _problems(wh: str, version: str, year: int, region: queries.Region, text: str, name: str) -> list:
        brief = facts.gather(wh, year, region, parse_rubric(text, name), with_charts=False)
        return app_rectify.problems(brief)

    found = _problems(str(wh), version, year, region, *rubric_ui.in_force())
    issued = {(r["agency_id"], r["year"], r["kind"], r["problem_key"]) for r in rectify.items(eng)}
    open_ = [p for p in found if p.ident not in issued]
    if not open_:
        st.caption(f"{year} 年度没有尚未下发的问题。")
    else:
        names = {f"{p.agency} · {labels.PROBLEM_ZH[p.kind]} · {p.detail[:60]}": p for p in open_}
        with st.form("rectify_issue"):
            chosen = st.multiselect("问题", list(names), placeholder="选择要下发整改的问题")
            due = st.date_input("整改期限", value=date.today() + timedelta(days=30), min_value=date.today())
            requirement = st.text_area("整改要求（留空则按问题类别填写标准要求）")
            if st.form_submit_button("下发"):
                if not chosen:
                    st.error("请至少选择一个问题。")
                else:
                    try:
                        for label in chosen:
                            p = names[label]
                            rectify.issue(eng, user, p, requirement.strip() or labels.REQUIREMENT_ZH[p.kind], due)
                    except rectify.AuditError as e:
                        st.error(str(e))
                    else:
                        _done(f"已下发 {len(chosen)} 个整改项，期限 {due:%Y-%m-%d}。")

st.subheader("登记反馈与复核")
pending = [r for r in rows if r["state"] != rectify.CLOSED]
if not pending:
    st.caption("没有待处理的整改项。")
    st.stop()
pick = st.selectbox(
    "整改项",
    pending,
    format_func=lambda r: (
        f"第 {r['id']} 号 · {r['agency']} {r['year']}年 · {labels.RECTIFY_ZH[r['state']]}"
        + (" · 逾期" if r["overdue"] else "")
        + (f" · {labels.RECHECK_ZH[r['recheck']]}" if r["recheck"] else "")
    ),
)
st.caption(f"问题：{pick['problem']}　要求：{pick['requirement']}　期限：{pick['due']:%Y-%m-%d}")
if pick["state"] in (rectify.OPEN, rectify.RETURNED):
    with st.form("rectify_answer"):
        feedback = st.text_area("单位的整改反馈", value="")
        evidence = st.text_input("佐证材料（如重新发布的报告网址）")
        if st.form_submit_button("登记反馈"):
            try:
                rectify.answer(eng, user, pick["id"], feedback, evidence, pick["version"])
            except rectify.AuditError as e:
                st.error(str(e))
            else:
                _done(f"已登记第 {pick['id']} 号的整改反馈。")
else:
    st.caption(f"单位反馈：{pick['feedback']}" + (f"　佐证：{pick['evidence']}" if pick["evidence"] else ""))
    with st.form("rectify_review"):
        verdict = st.radio("复核结论", ["通过（已复核）", "退回"], horizontal=True)
        note = st.text_area("复核意见（退回时必填）")
        if st.form_submit_button("提交复核"):
            try:
                rectify.review(eng, user, pick["id"], verdict.startswith("通过"), note, pick["version"])
            except rectify.AuditError as e:
                st.error(str(e))
            else:
                _done(f"第 {pick['id']} 号已{'复核通过' if verdict.startswith('通过') else '退回'}。")
