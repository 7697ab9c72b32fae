"""采集: what `etl collect` found on the agencies' own websites — per agency, this year's report found or not, the
date its list shows, days late against the deadline, and a link to the source (plain links, never the site's HTML)."""

from app import router

router.page()

import re

import polars as pl
import streamlit as st

from app import export, queries, ui
from scoring.indicators import deadline_for
from scoring.rubric import load_rubric

ui.header("采集", "各机关网站的年报栏目里，今年的年报找到了没有？栏目列表显示哪天发布？比法定期限晚了几天？")

years = queries.run("collection_years")["year"].to_list()
if not years:
    st.info(
        "数据仓库不是由网站采集结果构建的。先运行 `python -m etl collect SOURCES.csv --out DIR`，"
        "再运行 `python -m etl build DIR --out 数据仓库目录`。"
    )
    st.stop()
year = st.selectbox("报告年度", years, index=0, key="collect_year")
rows = queries.run("collection", year=year)
params = load_rubric().indicator("timeliness").params
_GOV = re.compile(r"(人民政府|政府|管委会|管理委员会|办事处)$")


def late(r: dict) -> int | None:
    """Days the listed date (else the report's own) is past the deadline for the agency's kind; negative = early."""
    when = r["list_date"] or r["publish_date"]
    if when is None:
        return None
    kind = r["agency_kind"] or ("government" if _GOV.search(r["agency"]) else "department")
    return (when - deadline_for(year, kind, params)[0]).days


table = rows.with_columns(pl.Series("late", [late(r) for r in rows.iter_rows(named=True)], dtype=pl.Int64))
found, total = int(table["found"].sum()), table.height
failed = table.filter(~pl.col("found") & (pl.col("status") == "failed")).height
c1, c2, c3, c4 = st.columns(4)
ui.metric(c1, "机关（来源）", f"{total:,}")
ui.metric(c2, f"找到 {year} 年度报告", f"{found:,}")
ui.metric(
    c3,
    "栏目中未找到",
    f"{total - found - failed:,}",
    help="网站可以访问，但年报栏目里没有这一年的报告；网站无法采集的来源不计在内",
)
ui.metric(
    c4,
    "逾期发布",
    f"{table.filter(pl.col('late') > 0).height:,}",
    help="栏目列表显示的日期晚于法定期限（《条例》第四十九条：部门 1 月 31 日、人民政府 3 月 31 日）",
)
if failed:
    st.warning(f"{failed} 个来源本次未能采集（网站无法访问、页面不存在、超时、robots.txt 禁止等），见下表“采集情况”。")

STATUS = {"ok": "正常", "partial": "部分页面出错", "failed": "采集失败"}
SOURCE = {"report": "报告所写", "listing": "栏目列表", "page": "报告页面"}
shown = table.select(
    pl.col("agency").alias("机关"),
    pl.when(pl.col("found"))
    .then(pl.lit("找到"))
    .when(pl.col("status") == "failed")
    .then(pl.lit("无法采集"))
    .otherwise(pl.lit("未找到"))
    .alias(f"{year}年度报告"),
    pl.col("title").alias("标题"),
    pl.col("list_date").alias("列表日期"),
    pl.col("late").alias("逾期天数"),
    pl.col("publish_date").alias("入库发布日期"),
    pl.col("publish_date_source").replace_strict(SOURCE, default=None).alias("日期来源"),
    pl.col("url").alias("报告网址"),
    pl.col("source_url").alias("年报栏目"),
    pl.col("status").replace_strict(STATUS, default=None).alias("采集情况"),
    pl.col("error").alias("说明"),
)
ui.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        "列表日期": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "入库发布日期": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "逾期天数": st.column_config.NumberColumn(help="列表日期减法定期限；负数 = 提前", format="%d"),
        "报告网址": st.column_config.LinkColumn(),
        "年报栏目": st.column_config.LinkColumn(),
    },
)
st.caption(
    "逾期天数按栏目列表显示的日期计（列表没有日期时按报告所写日期）；“入库发布日期”是数据仓库和考核评分用的日期："
    "报告本身写明的优先，没有写明时取栏目列表的日期（日期来源 = 栏目列表）。网址只作为链接显示，不显示网站页面。"
    "本页列出采集清单上的全部来源，不受左侧筛选影响。"
)
export.downloads(f"采集情况_{year}", shown)
