"""数据质量: every failed consistency check by report and rule, with its Chinese message; drill down to a report."""
from app.boot import ensure_router

ensure_router()

import polars as pl
import streamlit as st

from app import charts, export, queries, ui

f = ui.header("数据质量", "哪些报告自相矛盾或数字可疑？违反了哪条核对规则？")

summary = queries.run("check_summary", f)
failed = queries.run("failed_checks", f)
reports = queries.run("report_list", f)
c1, c2, c3, c4 = st.columns(4)
c1.metric("报告数", f"{reports.height:,}")
c2.metric("未通过核对项", f"{failed.height:,}")
c3.metric("其中错误（自相矛盾）", f"{failed.filter(pl.col('severity') == 'error').height:,}")
c4.metric("解析失败/部分解析报告", f"{reports.filter(pl.col('parse_status') != 'ok').height:,}")

if not summary.is_empty():
    st.subheader("各规则未通过次数")
    s = summary.filter(pl.col("n_fail") > 0).with_columns(
        pl.col("severity").replace({"error": "错误", "warning": "警告", "info": "提示"}).alias("严重程度"))
    if s.is_empty():
        st.success("当前筛选下所有规则均通过（或因数据缺失未核对）。")
    else:
        export.show(charts.ranked_bars(s, "n_fail", label="rule", value_title="未通过次数", color="严重程度"),
                    summary, "核对规则汇总")

st.subheader("未通过的核对（逐条）")
if failed.is_empty():
    st.success("没有未通过的核对。")
else:
    rules = ["全部规则"] + sorted(failed["rule"].unique().to_list())
    rule = st.selectbox("规则", rules, key="dq_rule")
    shown = failed if rule == "全部规则" else failed.filter(pl.col("rule") == rule)
    st.dataframe(shown.select("label", "year", "rule", "severity_zh", "message", "expected", "actual", "source_file")
                 .rename({"label": "机构", "year": "年度", "rule": "规则", "severity_zh": "严重程度", "message": "说明",
                          "expected": "应为", "actual": "实为", "source_file": "文件"}),
                 hide_index=True, width="stretch", column_config={"年度": st.column_config.NumberColumn(format="%d")})
    export.downloads("未通过核对", shown)

    st.markdown("**查看某份报告的原表与核对**")
    ids = shown.unique("report_id", maintain_order=True)
    names = dict(zip(ids["report_id"].to_list(), (ids["label"] + " " + ids["year"].cast(pl.Utf8)).to_list()))
    rid = st.selectbox("报告", list(names), format_func=names.get, key="dq_report")
    if rid:
        st.page_link("pages/report.py", label=f"打开报告详情：{ui.md_escape(names[rid])}", icon=":material/open_in_new:",
                     query_params={"report": rid})

bad = reports.filter(pl.col("parse_status") != "ok")
if not bad.is_empty():
    st.subheader("解析失败或部分解析的报告")
    st.dataframe(bad.select("label", "year", "status_zh", "error", "source_file")
                 .rename({"label": "机构", "year": "年度", "status_zh": "状态", "error": "原因", "source_file": "文件"}),
                 hide_index=True, width="stretch", column_config={"年度": st.column_config.NumberColumn(format="%d")})
