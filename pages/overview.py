"""总览: coverage (who is missing), headline figures with change on the previous year, reports with failed checks."""
from app.boot import ensure_router

ensure_router()

import polars as pl
import streamlit as st

from app import charts, export, queries, ui

f = ui.header("总览", "库里有哪些机构、哪些年份的报告？谁缺报？总体数字比上年增减多少？哪些报告没通过核对？")

counts = queries.run("report_counts", f)
if ui.empty(counts, "报告"):
    st.stop()
head = queries.run("headline", f)
years = head["year"].to_list()
latest = max(years)
prev = latest - 1 if (latest - 1) in years else None
cur_row = head.filter(pl.col("year") == latest).row(0, named=True)
prev_row = head.filter(pl.col("year") == prev).row(0, named=True) if prev else None

st.subheader(f"{latest} 年主要数字")
KPIS = [("active_total", "主动公开信息（条）", "n_active"), ("received", "收到申请（件）", "n_received"),
        ("review_total", "行政复议（件）", "n_review"), ("litigation_total", "行政诉讼（件）", "n_litigation")]
panel = queries.run("headline_by_agency", f)
cols = st.columns(len(KPIS) + 1)
n_rep = counts.filter(pl.col("year") == latest)["n_reports"].sum()
n_prev = counts.filter(pl.col("year") == prev)["n_reports"].sum() if prev else None
cols[0].metric("报告数（份）", f"{n_rep:,}", delta=(n_rep - n_prev) if prev else None, delta_color="off",
               help="去除重复文件后的报告份数")
for col, (key, title, nkey) in zip(cols[1:], KPIS):
    v = cur_row[key]
    delta, note = None, ""
    if prev is not None and v is not None:
        # change over the agencies that have the figure in both years: coverage changes never show as a trend
        a = panel.filter((pl.col("year") == latest) & pl.col(key).is_not_null()).select("agency_id", key)
        b = panel.filter((pl.col("year") == prev) & pl.col(key).is_not_null()).select("agency_id", key)
        both = a.join(b, on="agency_id", suffix="_prev")
        if both.height:
            delta = f"{both[key].sum() - both[key + '_prev'].sum():+,.0f}（同口径）"
            note = f"较 {prev} 年的增减只比较两年都有此数的 {both.height} 家机构。"
        else:
            note = f"{prev} 年没有同一机构的可比数字，不计算变化。"
    col.metric(title, "—" if v is None else f"{v:,.0f}", delta=delta,
               help=(f"{cur_row[nkey]} 份报告有此数；合计时汇总报告替代其覆盖的下级报告，不重复相加。"
                     + ("“—”= 所选报告的格式没有此项（如 2019 年起不再统计主动公开总条数）。" if v is None else "")
                     + note))
if prev is None:
    st.caption(f"库中没有 {latest - 1} 年的报告，无法计算同比变化。")
st.caption("增减按“同口径”计算：只比较两年都有此数的同一批机构，报告覆盖范围变化不会被当成增减。")

with st.expander("各年合计（按汇总去重）", expanded=False):
    st.dataframe(head.rename({"year": "年度", "n_counted": "计入报告数", "active_total": "主动公开", "received": "收到申请",
                              "review_total": "行政复议", "litigation_total": "行政诉讼"})
                 .select("年度", "计入报告数", "主动公开", "收到申请", "行政复议", "行政诉讼"), hide_index=True)

st.subheader("报告覆盖：机构 × 年度")
cov = queries.run("coverage", f)
st.caption("灰色 = 缺失（该年没有这家机构的报告）；格内数字 = 同一年有多份报告（如本级与汇总各一份）。")
export.show(charts.coverage_matrix(cov), cov, "报告覆盖")
missing = (cov.filter(pl.col("status") == "缺失").group_by("agency_name", "level_zh")
           .agg(pl.col("year").sort().alias("缺报年度"), pl.len().alias("缺报年数"))
           .sort("缺报年数", descending=True))
if not missing.is_empty():
    st.markdown("**缺报清单**")
    st.dataframe(missing.with_columns(pl.col("缺报年度").map_elements(ui.year_ranges, return_dtype=pl.Utf8))
                 .rename({"agency_name": "机构", "level_zh": "层级"}), hide_index=True, width="stretch")

st.subheader("未通过核对的报告")
failed = queries.run("failed_checks", f)
if failed.is_empty():
    st.success("当前筛选下所有报告均通过核对。")
else:
    by_report = (failed.group_by("report_id", "label", "year").agg(
        pl.len().alias("未通过项数"), (pl.col("severity") == "error").sum().alias("其中错误"),
        pl.col("message").first().alias("首条问题")).sort("其中错误", "未通过项数", descending=True))
    st.dataframe(by_report.rename({"label": "机构", "year": "年度"}).drop("report_id"), hide_index=True,
                 width="stretch")
    st.page_link("pages/quality.py", label="到“数据质量”查看每条核对规则", icon=":material/rule:")
