"""依申请公开: requests received, who asked, what they got (counts and rates), on-time rate (old format).
Lists show their first rows with the total; charts draw one bar per report for a short list and sum by year (and
level) for a long one."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import charts, compare, export, queries, ui
from warehouse import labels

f = ui.header(
    "依申请公开", "各机构收到多少政府信息公开申请？谁在申请？结果如何（公开、部分公开、不予公开、无法提供）？"
)
YEAR = {
    "年度": st.column_config.NumberColumn(format="%d"),
    "按时办结率": st.column_config.NumberColumn(format="percent"),
}
REQ = {
    "label": "机构",
    "year": "年度",
    "level_zh": "层级",
    "template_zh": "格式",
    "received": "收到申请",
    "carried_in": "上年结转",
    "answered": "答复总数",
    "closed": "办结数",
    "on_time": "按时办结",
    "on_time_rate": "按时办结率",
}
OUT = {"granted": "予以公开", "partial": "部分公开", "denied": "不予公开", "unable": "无法提供"}
APPLICANTS = {code: zh for code, zh in labels.APPLICANT_ZH.items() if code != "total"}


def req_table(d: pl.DataFrame) -> pl.DataFrame:
    return d.select(list(REQ)).rename(REQ)


def out_table(d: pl.DataFrame) -> pl.DataFrame:
    return d.select(
        pl.col("label").alias("机构"),
        pl.col("year").alias("年度"),
        pl.col("template_zh").alias("格式"),
        pl.col("answered").alias("答复总数"),
        *[pl.col(c).alias(zh) for c, zh in OUT.items()],
    )


def app_table(d: pl.DataFrame) -> pl.DataFrame:
    return d.select(
        pl.col("label").alias("机构"),
        pl.col("year").alias("年度"),
        *[pl.col(c).alias(zh) for c, zh in APPLICANTS.items()],
    )


req, total = queries.run_page("requests", f)
if ui.empty(req, "依申请公开数据"):
    st.stop()
big = ui.many(total)
by = queries.run("requests_by_year", f).with_columns(pl.col("year").cast(pl.Utf8).alias("年度")) if big else None

st.subheader("收到申请数（按年度、层级合计）" if big else "收到申请数（同层级并列比较）")
st.caption("旧格式为“收到申请数”；2019 年起为“本年新收政府信息公开申请数量”（总计）。")
if big:
    st.caption(
        f"所选 {total:,} 份报告按年度和层级合计（汇总报告替代其覆盖的下级报告）。筛选到 40 份以内时按机构逐份比较。"
    )
    levels = [lv for lv in charts.LEVEL_ORDER_ZH if lv in set(by["level_zh"].to_list())]
    export.show(
        charts.stacked_shares(by, "年度", "level_zh", "received", levels, normalize=False),
        by.select("year", "level_zh", "n_reports", "received", "closed", "on_time"),
        "收到申请数_按年度层级",
    )
else:
    rows = ui.with_year_label(req)
    export.show(
        charts.ranked_bars(rows, "received", label="bar", value_title="件", row="level_zh"),
        rows.select("label", "year", "level_zh", "template_zh", "received", "carried_in", "answered"),
        "收到申请数",
    )
ui.paged_table(req_table(req), total, "依申请公开明细", lambda: req_table(queries.run_all("requests", f)), YEAR)

st.subheader("办理结果（可比口径）")
out, out_total = queries.run_page("outcomes", f)
st.caption(
    "新旧格式统一为四类：予以公开（旧：同意公开＋属于已主动公开范围）、部分公开、不予公开、"
    "无法提供（旧：不属于本机关＋信息不存在；新：本机关不掌握＋需另行制作）。无法对应的类别不列入，"
    "比率以全部答复数为分母，所以四类之和可小于 100%。"
)
if not out.is_empty():
    tab_rate, tab_count = st.tabs(["比率（看结构）", "件数"])
    with tab_rate:
        if ui.many(out_total):
            oy = queries.run("outcomes_by_year", f)
            if oy.is_empty():
                st.info("所选报告的答复总数均为 0 或未填报，无法计算比率。")
            else:
                rates = oy.unpivot(
                    index=["year", "answered"], on=list(OUT), variable_name="c", value_name="value"
                ).with_columns(
                    pl.col("c").replace_strict(OUT).alias("category"),
                    (pl.col("value") / pl.col("answered")).alias("rate"),
                )
                export.show(
                    charts.trend(
                        rates,
                        "rate",
                        "category",
                        y_title="占全部答复比例（按年度合计）",
                        rate=True,
                        domain=charts.ORDER["outcome"],
                    ),
                    rates.select("year", "category", "value", "answered", "rate").sort("year", "category"),
                    "办理结果比率_按年度",
                )
        else:
            rows = ui.with_year_label(out).filter(pl.col("answered") > 0)
            if rows.is_empty():
                st.info("所选报告的答复总数均为 0 或未填报，无法计算比率。")
            else:
                rates = ui.to_long(rows, {f"{c}_rate": (zh, c) for c, zh in OUT.items()}, "category")
                chart = charts.stacked_shares(
                    rates.rename({"value": "share"}),
                    "bar",
                    "category",
                    "share",
                    charts.ORDER["outcome"],
                    normalize=False,
                ).encode(
                    x=charts.alt.X(
                        "sum(share):Q",
                        title="占全部答复的比例",
                        axis=charts.share_axis(),
                        scale=charts.alt.Scale(domain=[0, 1], nice=False),
                    )
                )
                export.show(chart, rates.select("label", "year", "category", "value"), "办理结果比率")
    with tab_count:
        ui.paged_table(
            out_table(out), out_total, "办理结果件数", lambda: out_table(queries.run_all("outcomes", f)), YEAR
        )
        st.caption(ui.BLANK_NOTE)

app_df, app_total = queries.run_page("applicants", f)
if not app_df.is_empty():
    st.subheader("申请人类型（2019 年起新格式）")
    if ui.many(app_total):
        ay = queries.run("applicants_by_year", f).with_columns(pl.col("year").cast(pl.Utf8).alias("年度"))
        long = ay.unpivot(
            index=["年度", "year"], on=list(APPLICANTS), variable_name="c", value_name="value"
        ).with_columns(pl.col("c").replace_strict(APPLICANTS).alias("applicant_zh"))
        label, keep, name = "年度", ["year"], "申请人类型_按年度"
    else:
        long = ui.to_long(ui.with_year_label(app_df), {c: (zh, c) for c, zh in APPLICANTS.items()}, "applicant_zh")
        label, keep, name = "bar", ["label", "year"], "申请人类型"
    if export.has_figures(long) and not (long["value"].fill_null(0) != 0).any():  # shares of nothing: no bar
        st.info("所选报告的各类申请人均为 0 件，没有可画的占比。")
    else:
        export.show(
            charts.stacked_shares(long, label, "applicant_zh", "value", charts.ORDER["applicant"]),
            long.select(*keep, "applicant_zh", "value"),
            name,
        )
    ui.paged_table(
        app_table(app_df), app_total, "申请人类型明细", lambda: app_table(queries.run_all("applicants", f)), YEAR
    )

old = req.filter(pl.col("closed").is_not_null())
if big and by["closed"].is_not_null().any():
    st.subheader("按时办结率（旧格式，按年度合计）")
    st.caption("按时办结数 ÷ 申请办结数，按年度和层级合计。办结数为 0 或未填报的报告不计入。")
    export.show(
        charts.trend(
            by.filter(pl.col("on_time_rate").is_not_null()), "on_time_rate", "level_zh", y_title="按时办结率", rate=True
        ),
        by.select("year", "level_zh", "closed", "on_time", "on_time_rate"),
        "按时办结率_按年度层级",
    )
elif not big and not old.is_empty():
    st.subheader("按时办结率（旧格式）")
    st.caption("按时办结数 ÷ 申请办结数。办结数为 0 或未填报时不计算比率（显示“无法计算”），不当作 0%。")
    old = ui.with_year_label(old)
    export.show(
        charts.ranked_bars(old, "on_time_rate", label="bar", value_title="按时办结率", rate=True, row="level_zh"),
        old.select("label", "year", "closed", "on_time", "on_time_rate"),
        "按时办结率",
    )

compare.peer_section(f, ["received", "granted_share", "denied_share", "on_time_rate"], "requests")
compare.trend_section(f, ["received", "granted_share", "denied_share", "on_time_rate"], "requests")
