"""机构人员: organisation, staff, special funds, meetings and training (old format sections 八/九).
The list shows its first rows with the total; charts draw one bar per report for a short list; the means by level
cover every selected report."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import charts, compare, export, queries, ui

f = ui.header(
    "机构人员", "各机构有多少政府信息公开专门机构和工作人员（专职/兼职）、多少专项经费、开了多少会、培训了多少人？"
)
MEASURES = {
    "org_units": ("专门机构数", "org.units"),
    "reading_points": ("查阅点数", "org.reading_points"),
    "staff_total": ("工作人员数", "staff.total"),
    "full_time": ("专职人员", "staff.full_time"),
    "part_time": ("兼职人员", "staff.part_time"),
    "special_funds": ("专项经费（万元）", "budget.special_funds"),
    "meetings": ("工作会议数", "meetings.total"),
    "training_sessions": ("培训班数", "training.sessions"),
    "training_attendees": ("培训人次", "training.attendees"),
}
TABLE = {"label": "机构", "year": "年度", "level_zh": "层级", **{c: zh for c, (zh, _) in MEASURES.items()}}


def table(d: pl.DataFrame) -> pl.DataFrame:
    return d.select(list(TABLE)).rename(TABLE)


st.info(
    "只有旧格式（2018 年及以前）的年报统计表有“机构建设和保障经费”“会议和培训”部分（专门机构、工作人员、专项经费、"
    "会议、培训）；2019 年格式和 2021 年格式的统计表取消了这些项目，因此 2019 年起的报告不在此页列出，"
    "除非其正文写明了人数（标为“据正文”）。"
)
df, total = queries.run_page("staffing", f)
if ui.empty(df, "机构人员数据（仅旧格式报告有此部分）"):
    st.stop()

if ui.many(total):
    by = queries.run("staffing_by_year", f).with_columns(pl.col("year").cast(pl.Utf8).alias("年度"))
    st.subheader("工作人员：专职与兼职（按年度合计）")
    st.caption(
        f"所选 {total:,} 份报告按年度合计（汇总报告替代其覆盖的下级报告，不重复相加）。筛选到 40 份以内时按机构逐份比较。"
    )
    staff = by.unpivot(
        index=["年度", "year"], on=["full_time", "part_time"], variable_name="c", value_name="value"
    ).with_columns(pl.col("c").replace_strict({"full_time": "专职人员", "part_time": "兼职人员"}).alias("measure"))
    export.show(
        charts.stacked_shares(staff, "年度", "measure", "value", ["专职人员", "兼职人员"], normalize=False),
        by.select("year", "n_reports", "staff_total", "full_time", "part_time", "special_funds"),
        "专职兼职人员_按年度",
    )
else:
    rows = ui.with_year_label(df)
    long = ui.to_long(rows, MEASURES, "measure", text_col="staff_text")
    st.subheader("工作人员：专职与兼职")
    staff = long.filter(pl.col("measure").is_in(["专职人员", "兼职人员"]))
    export.show(
        charts.stacked_shares(
            staff, "bar", "measure", "value", ["专职人员", "兼职人员"], normalize=False, source="source_zh"
        ),
        staff.select("label", "year", "measure", "value", "source_zh"),
        "专职兼职人员",
    )
    tot_rows = long.filter(pl.col("metric") == "staff.total")
    export.show(
        charts.ranked_bars(
            tot_rows, "value", label="bar", value_title="工作人员数（人）", source="source_zh", row="level_zh"
        ),
        tot_rows.select("label", "year", "level_zh", "value", "source_zh"),
        "工作人员数",
    )
    funds = long.filter(pl.col("metric") == "budget.special_funds")
    st.subheader("专项经费（万元）")
    export.show(
        charts.ranked_bars(funds, "value", label="bar", value_title="万元", source="source_zh", row="level_zh"),
        funds.select("label", "year", "level_zh", "value", "source_zh"),
        "专项经费",
    )
    texts = long.filter(pl.col("source_zh") == "据正文")
    if not texts.is_empty():
        st.caption(f"其中 {texts.height} 个数字据正文（表格无数）。")

st.subheader("明细（每机构每年）")
ui.paged_table(
    table(df),
    total,
    "机构人员明细",
    lambda: table(queries.run_all("staffing", f)),
    {"年度": st.column_config.NumberColumn(format="%d")},
)
st.caption(ui.BLANK_NOTE)

st.subheader("按层级平均（每份报告）")
st.caption(
    "汇总报告的人数包含下级机关；只比较本级工作时请在左侧选“本级报告”。"
    + ("" if not ui.many(total) else f"所选 {total:,} 份报告太多，不逐份画图，按层级比较。")
)
lvl = queries.run("staffing_by_level", f)
meas = {
    "staff_total": "工作人员数",
    "full_time": "专职人员",
    "part_time": "兼职人员",
    "org_units": "专门机构数",
    "meetings": "工作会议数",
    "training_sessions": "培训班数",
}
lv = pl.concat(
    [
        lvl.select("level_zh", pl.lit(zh).alias("measure"), pl.col(c).alias("平均值"), pl.col(f"n_{c}").alias("报告数"))
        for c, zh in meas.items()
    ]
).filter(pl.col("平均值").is_not_null())
if not lv.is_empty():
    chart = (
        charts.alt.Chart(lv.to_pandas())
        .mark_bar()
        .encode(
            y=charts.alt.Y("level_zh:N", title=None, sort=charts.LEVEL_ORDER_ZH),
            x=charts.alt.X("平均值:Q", title="每份报告平均"),
            color=charts.alt.value(charts.PALETTE["专职人员"]),
            tooltip=["level_zh", "measure", charts.alt.Tooltip("平均值:Q", format=",.1f"), "报告数"],
        )
        .properties(width=260, height=charts.alt.Step(22))
        .facet(facet=charts.alt.Facet("measure:N", title=None, sort=list(meas.values())), columns=3)
        .resolve_scale(x="independent")
    )
    export.show(chart, lv.sort("measure", "level_zh"), "按层级平均")

compare.peer_section(f, ["staff_total"], "staffing")
compare.trend_section(f, ["staff_total"], "staffing")
