"""机构人员: organisation, staff, special funds, meetings and training (old format sections 八/九)."""
from app.boot import ensure_router

ensure_router()

import polars as pl
import streamlit as st

from app import charts, export, queries, ui

f = ui.header("机构人员", "各机构有多少政府信息公开专门机构和工作人员（专职/兼职）、多少专项经费、开了多少会、培训了多少人？")

df = queries.run("staffing", f)
if ui.empty(df, "机构人员数据（仅旧格式报告有此部分）"):
    st.stop()
df = ui.with_year_label(df)

st.subheader("工作人员：专职与兼职")
staff = df.filter(pl.col("measure").is_in(["专职人员", "兼职人员"]))
if not staff.is_empty():
    export.show(charts.stacked_shares(staff, "bar", "measure", "value", ["专职人员", "兼职人员"], normalize=False,
                                      source="source_zh"),
                staff.select("label", "year", "measure", "value", "raw", "source_zh", "locator"), "专职兼职人员")
total = df.filter(pl.col("metric") == "staff.total")
if not total.is_empty():
    export.show(charts.ranked_bars(total, "value", label="bar", value_title="工作人员数（人）", source="source_zh",
                                   row="level_zh"),
                total.select("label", "year", "level_zh", "value", "source_zh"), "工作人员数")

st.subheader("专项经费（万元）")
funds = df.filter(pl.col("metric") == "budget.special_funds")
if not funds.is_empty():
    export.show(charts.ranked_bars(funds, "value", label="bar", value_title="万元", source="source_zh", row="level_zh"),
                funds.select("label", "year", "level_zh", "value", "raw", "source_zh"), "专项经费")

st.subheader("明细（每机构每年）")
wide = df.pivot(on="measure", index=["label", "year", "level_zh"], values="value", aggregate_function="first") \
    .sort("level_zh", "label", "year").rename({"label": "机构", "year": "年度", "level_zh": "层级"})
st.dataframe(wide, hide_index=True, width="stretch", column_config={"年度": st.column_config.NumberColumn(format="%d")})
texts = df.filter(pl.col("source_zh") == "据正文")
if not texts.is_empty():
    st.caption(f"其中 {texts.height} 个数字据正文（表格无数）。")
st.caption(ui.BLANK_NOTE)
export.downloads("机构人员明细", wide)

st.subheader("按层级平均（每份报告）")
st.caption("汇总报告的人数包含下级机关；只比较本级工作时请在左侧选“本级报告”。")
lvl = df.filter(pl.col("value").is_not_null()).group_by("level_zh", "measure").agg(
    pl.col("value").mean().alias("平均值"), pl.len().alias("报告数"))
if not lvl.is_empty():
    meas = ["工作人员数", "专职人员", "兼职人员", "专门机构数", "工作会议数", "培训班数"]
    lv = lvl.filter(pl.col("measure").is_in(meas))
    chart = charts.alt.Chart(lv.to_pandas()).mark_bar().encode(
        y=charts.alt.Y("level_zh:N", title=None, sort=charts.LEVEL_ORDER_ZH),
        x=charts.alt.X("平均值:Q", title="每份报告平均"),
        color=charts.alt.value(charts.PALETTE["专职人员"]),
        tooltip=["level_zh", "measure", charts.alt.Tooltip("平均值:Q", format=",.1f"), "报告数"],
    ).properties(width=260, height=charts.alt.Step(22)).facet(facet=charts.alt.Facet("measure:N", title=None,
                                                                                   sort=meas), columns=3) \
        .resolve_scale(x="independent")
    export.show(chart, lv.sort("measure", "level_zh"), "按层级平均")
