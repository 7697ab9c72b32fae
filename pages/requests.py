"""依申请公开: requests received, who asked, what they got (counts and rates), on-time rate (old format)."""
from app.boot import ensure_router

ensure_router()

import polars as pl
import streamlit as st

from app import charts, export, queries, ui

f = ui.header("依申请公开", "各机构收到多少政府信息公开申请？谁在申请？结果如何（公开、部分公开、不予公开、无法提供）？")

req = ui.with_year_label(queries.run("requests", f))
if ui.empty(req, "依申请公开数据"):
    st.stop()

st.subheader("收到申请数（同层级并列比较）")
st.caption("旧格式为“收到申请数”；2019 年起为“本年新收政府信息公开申请数量”（总计）。")
export.show(charts.ranked_bars(req, "received", label="bar", value_title="件", row="level_zh"),
            req.select("label", "year", "level_zh", "template_zh", "received", "carried_in", "answered"), "收到申请数")
st.dataframe(req.select("label", "year", "level_zh", "template_zh", "received", "carried_in", "answered", "closed",
                        "on_time", "on_time_rate")
             .rename({"label": "机构", "year": "年度", "level_zh": "层级", "template_zh": "格式", "received": "收到申请",
                      "carried_in": "上年结转", "answered": "答复总数", "closed": "办结数", "on_time": "按时办结",
                      "on_time_rate": "按时办结率"}),
             hide_index=True, width="stretch", column_config={"年度": st.column_config.NumberColumn(format="%d"),
                                                              "按时办结率": st.column_config.NumberColumn(format="percent")})

st.subheader("办理结果（可比口径）")
out = ui.with_year_label(queries.run("outcomes", f))
st.caption("新旧格式统一为四类：予以公开（旧：同意公开＋属于已主动公开范围）、部分公开、不予公开、"
           "无法提供（旧：不属于本机关＋信息不存在；新：本机关不掌握＋需另行制作）。无法对应的类别不列入，"
           "比率以全部答复数为分母，所以四类之和可小于 100%。")
if not out.is_empty():
    tab_rate, tab_count = st.tabs(["比率（看结构）", "件数"])
    with tab_rate:
        rates = out.filter(pl.col("answered") > 0)
        if rates.is_empty():
            st.info("所选报告的答复总数均为 0 或未填报，无法计算比率。")
        else:
            chart = charts.stacked_shares(rates.with_columns(pl.col("rate").alias("share")), "bar", "category",
                                          "share", charts.ORDER["outcome"], normalize=False) \
                .encode(x=charts.alt.X("sum(share):Q", title="占全部答复的比例",
                                       axis=charts.alt.Axis(format=".0%"), scale=charts.alt.Scale(domain=[0, 1])))
            export.show(chart, rates.select("label", "year", "category", "value", "answered", "rate"), "办理结果比率")
    with tab_count:
        wide = out.pivot(on="category", index=["label", "year", "template_zh", "answered"], values="value",
                         aggregate_function="first").sort("label", "year")
        cols = ["label", "year", "template_zh", "answered"] + [c for c in charts.ORDER["outcome"] if c in wide.columns]
        wide = wide.select(cols).rename({"label": "机构", "year": "年度", "template_zh": "格式", "answered": "答复总数"})
        st.dataframe(wide, hide_index=True, width="stretch",
                     column_config={"年度": st.column_config.NumberColumn(format="%d")})
        st.caption(ui.BLANK_NOTE)
        export.downloads("办理结果件数", wide)

    multi = out.group_by("agency_name").agg(pl.col("year").n_unique().alias("n")).filter(pl.col("n") > 1)
    if not multi.is_empty():
        st.subheader("办理结果趋势（跨越 2018→2019 格式变化）")
        names = multi.sort("n", descending=True)["agency_name"].to_list()
        who = st.selectbox("机构", names, key="req_trend_agency")
        tr = out.filter((pl.col("agency_name") == who) & (pl.col("answered") > 0))
        if tr.is_empty():
            st.info("该机构各年答复总数均为 0 或未填报。")
        else:
            tr = tr.group_by("year", "category").agg(pl.col("value").sum(), pl.col("answered").first()) \
                .with_columns((pl.col("value") / pl.col("answered")).alias("rate"))
            export.show(charts.trend(tr, "rate", "category", y_title="占全部答复比例", rate=True,
                                     domain=charts.ORDER["outcome"]), tr.sort("year", "category"), f"办理结果趋势_{who}")

app_df = ui.with_year_label(queries.run("applicants", f))
if not app_df.is_empty():
    st.subheader("申请人类型（2019 年起新格式）")
    export.show(charts.stacked_shares(app_df, "bar", "applicant_zh", "value", charts.ORDER["applicant"]),
                app_df.select("label", "year", "applicant_zh", "value", "raw"), "申请人类型")

old = req.filter(pl.col("closed").is_not_null())
if not old.is_empty():
    st.subheader("按时办结率（旧格式）")
    st.caption("按时办结数 ÷ 申请办结数。办结数为 0 或未填报时不计算比率（显示“无法计算”），不当作 0%。")
    export.show(charts.ranked_bars(old, "on_time_rate", label="bar", value_title="按时办结率", rate=True,
                                   row="level_zh"),
                old.select("label", "year", "closed", "on_time", "on_time_rate"), "按时办结率")
