"""复议诉讼: administrative reviews and lawsuits about disclosure, their results and the correction rate."""
from app.boot import ensure_router

ensure_router()

import polars as pl
import streamlit as st

from app import charts, export, queries, ui

f = ui.header("复议诉讼", "各机构因政府信息公开被申请行政复议、被提起行政诉讼多少件？结果如何？纠错率多高？")

rl = queries.run("review_litigation", f)
if ui.empty(rl, "复议诉讼数据"):
    st.stop()
rl = ui.with_year_label(rl)
st.caption("旧格式：行政复议数量、行政诉讼数量；2019 年起：行政复议，行政诉讼分“未经复议直接起诉”和“复议后起诉”两栏，此处相加。"
           "纠错率 = 纠正 ÷（维持＋纠正＋其他结果），不含尚未审结。")

by_kind = (rl.group_by("report_id", "bar", "label", "year", "level_zh", "kind", "result")
           .agg(pl.when(pl.col("value").is_not_null().any()).then(pl.col("value").sum()).alias("value")))
totals = by_kind.filter(pl.col("result") == "总计")
st.subheader("案件数量")
export.show(charts.grouped_bars(totals, "bar", "kind", "value", ["行政复议", "行政诉讼"], x_title="件"),
            totals.select("label", "year", "kind", "value"), "复议诉讼数量")

st.subheader("审理结果")
res = by_kind.filter(pl.col("result") != "总计")
kind = st.segmented_control("类别", ["行政复议", "行政诉讼"], default="行政复议", key="rl_kind")
sub = res.filter(pl.col("kind") == (kind or "行政复议"))
if sub.filter(pl.col("value") > 0).is_empty():
    st.info(f"所选报告的{kind}均为 0 件或未填报。")
else:
    export.show(charts.stacked_shares(sub, "bar", "result", "value", charts.ORDER["result"], normalize=False),
                sub.select("label", "year", "result", "value"), f"{kind}结果")

st.subheader("纠错率（按机构和年度）")
wide = by_kind.pivot(on="result", index=["label", "year", "level_zh", "kind"], values="value",
                     aggregate_function="first")
for c in ["维持", "纠正", "其他结果", "尚未审结", "总计"]:
    if c not in wide.columns:
        wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(c))
decided = pl.col("维持").fill_null(0) + pl.col("纠正").fill_null(0) + pl.col("其他结果").fill_null(0)
wide = wide.with_columns(pl.when(decided > 0).then(pl.col("纠正") / decided).alias("纠错率")).sort("label", "year", "kind")
show = wide.select("label", "year", "level_zh", "kind", "总计", "维持", "纠正", "其他结果", "尚未审结", "纠错率") \
    .rename({"label": "机构", "year": "年度", "level_zh": "层级", "kind": "类别"})
st.dataframe(show, hide_index=True, width="stretch",
             column_config={"年度": st.column_config.NumberColumn(format="%d"),
                            "纠错率": st.column_config.NumberColumn(format="percent")})
st.caption("纠错率空白 = 当年没有已审结案件（不是 0%）。" + ui.BLANK_NOTE)
export.downloads("纠错率", show)

rates = wide.filter(pl.col("纠错率").is_not_null())
if rates["year"].n_unique() > 1:
    tr = rates.with_columns((pl.col("label") + "·" + pl.col("kind")).alias("机构类别"))
    export.show(charts.trend(tr, "纠错率", "机构类别", y_title="纠错率", rate=True),
                tr.select("label", "kind", "year", "纠错率"), "纠错率趋势")
