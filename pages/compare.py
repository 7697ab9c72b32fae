"""机构对比: two to five chosen agencies side by side — every headline figure of a year, and one figure across years."""

from app import router

router.page()

from dataclasses import replace

import polars as pl
import streamlit as st

from app import charts, export, filters, queries, side_by_side, ui
from app.compare import MEASURES

f = ui.header("机构对比", "选定的两到五家机构，各项主要数字并排比较：某一年谁多谁少？历年走势如何？")

o = side_by_side.agency_options(queries.run("filter_options"), f)
if ui.empty(o, "机构"):
    st.stop()
if o.height > filters.AGENCY_LIST_MAX:  # a national warehouse: a search by name first, the chosen ones kept
    q = st.text_input("搜索机构", key="cmp_q", placeholder="输入机构或地名中的字词", bind="query-params").strip()
    linked = set(st.query_params.get_all("cmp"))  # a link names its agencies; they stay offered
    kept = (
        list(st.session_state.get("cmp") or []) + o.filter(pl.col("agency_name").is_in(linked))["agency_id"].to_list()
    )
    o = side_by_side.named_like(o, q, kept, filters.AGENCY_LIST_MAX)
    if not q:
        st.caption(f"可选机构较多，请先输入机构名称或地名中的字词（最多列出 {filters.AGENCY_LIST_MAX:,} 个）。")
names = dict(zip(o["agency_id"].to_list(), o["agency_name"].to_list()))
if "cmp" not in st.session_state and "cmp" not in st.query_params:
    st.session_state["cmp"] = [a for a in f.agencies if a in names][: side_by_side.MAX_AGENCIES]
chosen = st.multiselect(
    f"机构（{side_by_side.MIN_AGENCIES}–{side_by_side.MAX_AGENCIES} 家）",
    list(names),
    format_func=names.get,
    max_selections=side_by_side.MAX_AGENCIES,
    key="cmp",
    bind="query-params",
    placeholder="选择要对比的机构",
    select_all=False,
    help="可选范围随左侧的地区、层级、机关类型筛选缩小；所选机构保存在本页链接中。",
)
if len(chosen) < side_by_side.MIN_AGENCIES:
    st.info(f"请选择 {side_by_side.MIN_AGENCIES}–{side_by_side.MAX_AGENCIES} 家机构进行对比。")
    st.stop()

t = queries.run("agency_trend", replace(f, agencies=tuple(chosen), years=()))
if ui.empty(t, "所选机构的报告"):
    st.stop()
t = side_by_side.with_series(t)
years = sorted(t["year"].unique().to_list(), reverse=True)
c1, c2 = st.columns([1, 3])
if st.session_state.get("cmp_year") not in years:
    st.session_state.pop("cmp_year", None)
year = c1.selectbox("年度", years, key="cmp_year", bind="query-params")
if year is None:
    year = years[0]
missing = [names[a] for a in chosen if a not in set(t.filter(pl.col("year") == year)["agency_id"].to_list())]

st.subheader(f"{year} 年主要数字")
st.caption(
    "每家机构一列；本级报告与汇总报告分列（汇总含下级数字）。比例为百分比。"
    + (f"{'、'.join(missing)} 没有 {year} 年的报告，不列出。" if missing else "")
)
table = side_by_side.year_table(t, year)
ui.dataframe(table, pdf_title=f"{year} 年主要数字", height="content")  # every figure, no scrolling
st.caption(ui.BLANK_NOTE)

m = c2.selectbox(
    "图表指标", list(MEASURES), format_func=lambda k: MEASURES[k].title, key="cmp_measure", bind="query-params"
)
m = m or "received"
meas = MEASURES[m]
unit = "%" if meas.rate else meas.unit
this_year = t.filter(pl.col("year") == year)
if this_year[m].is_null().all():
    st.info(f"所选机构 {year} 年的报告都没有“{meas.title}”（未填报或该年格式不统计此项）。")
else:
    export.show(
        charts.trend(this_year, m, "series", y_title=f"{meas.title}（{unit}）", rate=meas.rate),
        side_by_side.year_data(t, year),
        f"机构对比_{year}",
        title=f"{year} 年{meas.title}：机构对比",
        unit=unit,
    )

st.subheader(f"历年{meas.title}")
st.caption("每家机构一行（一条线）；某年没有报告或未填报处为“—”，图中断开，不连线。")
ui.dataframe(side_by_side.trend_table(t, m), pdf_title=f"历年{meas.title}")
if t["year"].n_unique() < 2:
    st.caption("所选机构只有一个年度的报告，没有历年走势可画。")
    st.stop()
span = list(range(int(t["year"].min()), int(t["year"].max()) + 1))
export.show(
    charts.gapped_trend(t, m, "series", y_title=f"{meas.title}（{unit}）", rate=meas.rate, years=span),
    t.select(
        pl.col("series").alias("机构"),
        pl.col("year").alias("年度"),
        (pl.col(m) * (100 if meas.rate else 1)).alias(f"{meas.title}（{unit}）"),
    ),
    f"机构对比_历年{meas.title}",
    title=f"{meas.title}历年走势：机构对比",
    unit=unit,
)
