"""主动公开渠道: how much each agency published and through which channels (old format); section 二 of newer formats."""
from app.boot import ensure_router

ensure_router()

import polars as pl
import streamlit as st

from app import charts, export, queries, ui

f = ui.header("主动公开渠道", "各机构主动公开了多少条政府信息？各渠道（公报、网站、微博、微信、其他）占多大比重？")

df = ui.with_year_label(queries.run("channels", f))
if not df.is_empty():
    total = df.filter(pl.col("metric") == "active.total")
    st.subheader("主动公开政府信息数（同层级并列比较）")
    if not total.is_empty():
        chart = charts.ranked_bars(total, "value", label="bar", value_title="条", source="source_zh",
                                   row="level_zh")
        export.show(chart, total.select("label", "year", "level_zh", "value", "raw", "source_zh", "locator"),
                    "主动公开政府信息数")

    st.subheader("渠道构成")
    chan = df.filter(pl.col("metric") != "active.total")
    mode = st.segmented_control("显示", ["占比（100%）", "数量"], default="占比（100%）", key="chan_mode")
    chart = charts.stacked_shares(chan, "bar", "category", "value", charts.ORDER["channel"],
                                  normalize=(mode != "数量"), source="source_zh")
    if (chan["source_zh"] == "据正文").any():
        st.caption("浅色虚线框的色块 = 据正文（该年表格无此数，取自报告正文）。")
    export.show(chart, chan.select("label", "year", "category", "value", "raw", "source_zh", "locator"), "渠道构成")
    st.caption("各渠道重复公开同一信息时分别计数，渠道之和可大于主动公开总数。")

    wide = (df.pivot(on="category", index=["label", "year", "level_zh"], values="value", aggregate_function="first")
            .sort("level_zh", "label", "year"))
    order = ["label", "year", "level_zh"] + [c for c in ["主动公开总数"] + charts.ORDER["channel"] if c in wide.columns]
    wide = wide.select(order).rename({"label": "机构", "year": "年度", "level_zh": "层级"})
    st.dataframe(wide, hide_index=True, width="stretch",
                 column_config={"年度": st.column_config.NumberColumn(format="%d")})
    st.caption(ui.BLANK_NOTE)
    export.downloads("主动公开渠道明细", wide)

    # trend: one line per agency with figures in two or more years; where an agency has both a 本级 and a 汇总
    # report for one year, the 汇总 figure is drawn (it is the one covering the whole area)
    tr = (total.filter(pl.col("value").is_not_null())
          .sort("scope_zh", descending=False)            # 本级 < 汇总 in sort order: keep the last (汇总)
          .group_by("agency_name", "year").agg(pl.all().last())
          .filter(pl.len().over("agency_name") > 1)
          .with_columns(pl.col("agency_name").alias("机构")))
    if not tr.is_empty():
        st.subheader("历年趋势（有两年以上数字的机构）")
        export.show(charts.trend(tr, "value", "机构", y_title="主动公开信息数（条）", source="source_zh"),
                    tr.select("agency_name", "year", "scope_zh", "value", "source_zh").sort("agency_name", "year"),
                    "主动公开趋势")
else:
    st.info("当前筛选下没有旧格式（2018年及以前）报告的主动公开统计。2019年起的格式不再按渠道统计，见下方。")

nf = queries.run("new_format_items", f)
if not nf.is_empty():
    st.subheader("2019 年起新格式：规章、规范性文件与行政许可、处罚、强制")
    nf = ui.with_year_label(nf)
    docs = nf.filter(pl.col("item").is_in(["规章", "规范性文件"]))
    if not docs.is_empty():
        st.markdown("**规章、规范性文件**（本年制发 / 新公开 / 废止 / 现行有效）")
        pv = docs.pivot(on="measure", index=["label", "year", "item"], values="value", aggregate_function="first") \
                 .sort("label", "year", "item").rename({"label": "机构", "year": "年度", "item": "文件类别"})
        st.dataframe(pv, hide_index=True, width="stretch",
                     column_config={"年度": st.column_config.NumberColumn(format="%d")})
        export.downloads("规章规范性文件", pv)
    dec = nf.filter(pl.col("measure") == "处理决定数")
    if not dec.is_empty():
        chart = charts.grouped_bars(dec, "bar", "item", "value", ["行政许可", "行政处罚", "行政强制"],
                                    title="处理决定数量", x_title="件")
        export.show(chart, dec.select("label", "year", "item", "value", "raw", "locator"), "许可处罚强制决定数")
