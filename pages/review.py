"""复议诉讼: administrative reviews and lawsuits about disclosure, their results and the correction rate.
The list (one row per report and kind) shows its first rows with the total; charts draw one bar per report for a
short list and sum by year for a long one."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import charts, compare, export, queries, ui

f = ui.header("复议诉讼", "各机构因政府信息公开被申请行政复议、被提起行政诉讼多少件？结果如何？纠错率多高？")
RESULTS = {"upheld": "维持", "corrected": "纠正", "other": "其他结果", "pending": "尚未审结"}
KINDS = {"review": "复议", "lit": "诉讼"}
TABLE = {
    "label": "机构",
    "year": "年度",
    "level_zh": "层级",
    **{
        f"{k}_{c}": f"{zh}{name}"
        for k, zh in KINDS.items()
        for c, name in {"total": "总计", **RESULTS, "rate": "纠错率"}.items()
    },
}
RATES = {f"{zh}纠错率": st.column_config.NumberColumn(format="percent") for zh in KINDS.values()}


def table(d: pl.DataFrame) -> pl.DataFrame:
    return d.select(list(TABLE)).rename(TABLE)


def by_kind(d: pl.DataFrame) -> pl.DataFrame:
    """The per-report rows as one row per report and kind (行政复议 / 行政诉讼), for the per-report charts."""
    return pl.concat(
        [
            d.filter(pl.col(f"n_{k}_rows") > 0).select(
                "label",
                "bar",
                "year",
                pl.lit(f"行政{zh}").alias("kind"),
                *[pl.col(f"{k}_{c}").alias(c) for c in ("total", *RESULTS)],
                pl.col(f"{k}_rate").alias("correction_rate"),
            )
            for k, zh in KINDS.items()
        ]
    )


wide, total = queries.run_page("review_litigation", f)
if ui.empty(wide, "复议诉讼数据"):
    st.stop()
st.caption(
    "旧格式：行政复议数量、行政诉讼数量；2019 年起：行政复议，行政诉讼分“未经复议直接起诉”和“复议后起诉”两栏，此处相加。"
    "纠错率 = 纠正 ÷（维持＋纠正＋其他结果），不含尚未审结。"
)
big = ui.many(total)
if big:
    by = queries.run("review_by_year", f).with_columns(pl.col("year").cast(pl.Utf8).alias("年度"))
    st.subheader("案件数量（按年度合计）")
    st.caption(
        f"所选 {total:,} 份报告按年度合计（汇总报告替代其覆盖的下级报告，不重复相加）。筛选到 40 份以内时按机构逐份比较。"
    )
    export.show(
        charts.grouped_bars(by, "年度", "kind", "total", ["行政复议", "行政诉讼"], x_title="件"),
        by.select("year", "kind", "n_reports", "total"),
        "复议诉讼数量_按年度",
    )
    st.subheader("审理结果（按年度合计）")
    res = by.unpivot(
        index=["年度", "year", "kind"], on=list(RESULTS), variable_name="c", value_name="value"
    ).with_columns(pl.col("c").replace_strict(RESULTS).alias("result"))
    label = "年度"
else:
    rl = by_kind(ui.with_year_label(wide))
    rows = rl
    st.subheader("案件数量")
    export.show(
        charts.grouped_bars(rows, "bar", "kind", "total", ["行政复议", "行政诉讼"], x_title="件"),
        rows.select("label", "year", "kind", "total"),
        "复议诉讼数量",
    )
    st.subheader("审理结果")
    res = ui.to_long(rows, {c: (zh, c) for c, zh in RESULTS.items()}, "result", keep=("label", "bar", "year", "kind"))
    label = "bar"
kind = st.segmented_control("类别", ["行政复议", "行政诉讼"], default="行政复议", key="rl_kind") or "行政复议"
sub = res.filter(pl.col("kind") == kind)
if sub.filter(pl.col("value") > 0).is_empty():
    st.info(f"所选报告的{kind}均为 0 件或未填报。")
else:
    export.show(
        charts.stacked_shares(sub, label, "result", "value", charts.ORDER["result"], normalize=False),
        sub.select(*(["year"] if big else ["label", "year"]), "result", "value"),
        f"{kind}结果",
    )

if big:
    rates = by.filter(pl.col("correction_rate").is_not_null())
    if rates["year"].n_unique() > 1:
        st.subheader("纠错率趋势（按年度合计）")
        export.show(
            charts.trend(rates, "correction_rate", "kind", y_title="纠错率（按年度合计）", rate=True),
            rates.select("year", "kind", "correction_rate"),
            "纠错率趋势_按年度",
        )
else:
    rates = rl.filter(pl.col("correction_rate").is_not_null())
    if rates["year"].n_unique() > 1:
        tr = rates.with_columns((pl.col("label") + "·" + pl.col("kind")).alias("机构类别"))
        st.subheader("纠错率趋势")
        st.caption("同一年度各条线的点左右错开，数值相同也不重叠。")
        export.show(
            charts.gapped_trend(tr, "correction_rate", "机构类别", y_title="纠错率", rate=True),
            tr.select("label", "kind", "year", "correction_rate"),
            "纠错率趋势",
        )

st.subheader("纠错率（按机构和年度）")
ui.paged_table(
    table(wide),
    total,
    "纠错率",
    lambda: table(queries.run_all("review_litigation", f)),
    {"年度": st.column_config.NumberColumn(format="%d"), **RATES},
)
st.caption("纠错率空白 = 当年没有已审结案件（不是 0%）。" + ui.BLANK_NOTE)

compare.peer_section(f, ["lit_total", "review_total", "lit_per_100", "review_per_100", "review_rate"], "review")
compare.trend_section(f, ["lit_total", "review_total", "lit_per_100", "review_per_100", "review_rate"], "review")
