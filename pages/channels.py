"""主动公开渠道: how much each agency published and through which channels (old format); section 二 of newer formats.
Lists show their first rows with the total; charts draw one bar per report for a short list and sum by year and
level for a long one."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import charts, compare, export, queries, ui

f = ui.header("主动公开渠道", "各机构主动公开了多少条政府信息？各渠道（公报、网站、微博、微信、其他）占多大比重？")
YEAR = {"年度": st.column_config.NumberColumn(format="%d")}
CHANNELS = {
    "gazette": ("政府公报", "channel.gazette"),
    "website": ("政府网站", "channel.website"),
    "weibo": ("政务微博", "channel.weibo"),
    "wechat": ("政务微信", "channel.wechat"),
    "channel_other": ("其他", "channel.other"),
}
TABLE = {
    "label": "机构",
    "year": "年度",
    "level_zh": "层级",
    "scope_zh": "范围",
    "active_total": "主动公开总数",
    **{c: zh for c, (zh, _) in CHANNELS.items()},
}


def table(d: pl.DataFrame) -> pl.DataFrame:
    return d.select(list(TABLE)).rename(TABLE)


df, total = queries.run_page("channels", f)
if not df.is_empty():
    if ui.many(total):
        by = queries.run("channels_by_year", f).with_columns(pl.col("year").cast(pl.Utf8).alias("年度"))
        st.subheader("主动公开政府信息数（按年度、层级合计）")
        st.caption(
            f"所选 {total:,} 份报告按年度和层级合计（汇总报告替代其覆盖的下级报告，不重复相加）。"
            "筛选到 40 份以内时按机构逐份比较。"
        )
        levels = [lv for lv in charts.LEVEL_ORDER_ZH if lv in set(by["level_zh"].to_list())]
        export.show(
            charts.stacked_shares(by, "年度", "level_zh", "active_total", levels, normalize=False),
            by.select("year", "level_zh", "n_reports", "active_total"),
            "主动公开政府信息数_按年度层级",
        )
        st.subheader("渠道构成（按年度合计）")
        mix = by.unpivot(index=["年度", "year"], on=list(CHANNELS), variable_name="c", value_name="value").with_columns(
            pl.col("c").replace_strict({c: zh for c, (zh, _) in CHANNELS.items()}).alias("category")
        )
        mode = st.segmented_control("显示", ["占比（100%）", "数量"], default="占比（100%）", key="chan_mode")
        export.show(
            charts.stacked_shares(
                mix, "年度", "category", "value", charts.ORDER["channel"], normalize=(mode != "数量")
            ),
            mix.group_by("year", "category").agg(pl.col("value").sum()).sort("year", "category"),
            "渠道构成_按年度",
        )
    else:
        rows = ui.with_year_label(df)
        long = ui.to_long(
            rows, {"active_total": ("主动公开总数", "active.total"), **CHANNELS}, "category", text_col="channel_text"
        )
        tot_rows = long.filter(pl.col("metric") == "active.total")
        st.subheader("主动公开政府信息数（同层级并列比较）")
        export.show(
            charts.ranked_bars(tot_rows, "value", label="bar", value_title="条", source="source_zh", row="level_zh"),
            tot_rows.select("label", "year", "level_zh", "value", "source_zh"),
            "主动公开政府信息数",
        )
        st.subheader("渠道构成")
        chan = long.filter(pl.col("metric") != "active.total")
        mode = st.segmented_control("显示", ["占比（100%）", "数量"], default="占比（100%）", key="chan_mode")
        chart = charts.stacked_shares(
            chan, "bar", "category", "value", charts.ORDER["channel"], normalize=(mode != "数量"), source="source_zh"
        )
        if (chan["source_zh"] == "据正文").any():
            st.caption("浅色虚线框的色块 = 据正文（该年表格无此数，取自报告正文）。")
        export.show(chart, chan.select("label", "year", "category", "value", "source_zh"), "渠道构成")
        # trend: one line per agency and scope (本级 and 汇总 apart) with figures in two or more years; a missing
        # year is a gap
        tr = (
            tot_rows.filter(pl.col("value").is_not_null())
            .with_columns((pl.col("agency_name") + "·" + pl.col("scope_zh")).alias("机构"))
            .filter(pl.len().over("机构") > 1)
        )
        if not tr.is_empty():
            st.subheader("历年趋势（有两年以上数字的机构）")
            st.caption("本级与汇总报告分为两条线；某年没有报告处断开。")
            export.show(
                charts.gapped_trend(tr, "value", "机构", y_title="主动公开信息数（条）"),
                tr.select("agency_name", "year", "scope_zh", "value", "source_zh").sort("agency_name", "year"),
                "主动公开趋势",
            )
    st.caption("各渠道重复公开同一信息时分别计数，渠道之和可大于主动公开总数。")
    st.subheader("明细（每份报告）")
    ui.paged_table(table(df), total, "主动公开渠道明细", lambda: table(queries.run_all("channels", f)), YEAR)
    st.caption(ui.BLANK_NOTE)
else:
    st.info("当前筛选下没有旧格式（2018年及以前）报告的主动公开统计。2019年起的格式不再按渠道统计，见下方。")

ITEMS = {"license_decisions": "行政许可", "penalty_decisions": "行政处罚", "coercion_decisions": "行政强制"}
DOCS = {
    "made": "本年制发/新制作",
    "published": "本年新公开",
    "public_total": "对外公开总数",
    "repealed": "本年废止",
    "in_force": "现行有效",
}


def docs_table(d: pl.DataFrame) -> pl.DataFrame:
    parts = [
        d.select(
            pl.col("label").alias("机构"),
            pl.col("year").alias("年度"),
            pl.lit(zh).alias("文件类别"),
            *[pl.col(f"{kind}_{m}").alias(name) for m, name in DOCS.items()],
        )
        for kind, zh in (("rules", "规章"), ("normative", "规范性文件"))
    ]
    return pl.concat(parts).sort("机构", "年度", "文件类别")


def items_table(d: pl.DataFrame) -> pl.DataFrame:
    return d.select(
        pl.col("label").alias("机构"),
        pl.col("year").alias("年度"),
        pl.col("template_zh").alias("格式"),
        *[
            pl.col(f"{k}_{m}").alias(f"{zh}{name}")
            for k, zh in (("rules", "规章"), ("normative", "规范性文件"))
            for m, name in (("made", "制发"), ("in_force", "现行有效"))
        ],
        *[pl.col(c).alias(f"{zh}决定数") for c, zh in ITEMS.items()],
    )


nf, nf_total = queries.run_page("new_format_items", f)
if not nf.is_empty():
    st.subheader("2019 年起新格式：规章、规范性文件与行政许可、处罚、强制")
    if ui.many(nf_total):
        by = queries.run("new_format_by_year", f).with_columns(pl.col("year").cast(pl.Utf8).alias("年度"))
        dec = by.unpivot(index=["年度", "year"], on=list(ITEMS), variable_name="c", value_name="value").with_columns(
            pl.col("c").replace_strict(ITEMS).alias("item")
        )
        chart = charts.grouped_bars(
            dec, "年度", "item", "value", list(ITEMS.values()), title="处理决定数量（按年度合计）", x_title="件"
        )
        export.show(chart, dec.select("year", "item", "value"), "许可处罚强制决定数_按年度")
    else:
        rows = ui.with_year_label(nf)
        dec = ui.to_long(rows, {c: (zh, c) for c, zh in ITEMS.items()}, "item")
        chart = charts.grouped_bars(
            dec, "bar", "item", "value", list(ITEMS.values()), title="处理决定数量", x_title="件"
        )
        export.show(chart, dec.select("label", "year", "item", "value"), "许可处罚强制决定数")
        st.markdown("**规章、规范性文件**（本年制发 / 新公开 / 废止 / 现行有效）")
        ui.dataframe(docs_table(nf), hide_index=True, width="stretch", column_config=YEAR)
    st.markdown("**明细（每份报告）**")
    ui.paged_table(
        items_table(nf),
        nf_total,
        "规章规范性文件与决定数",
        lambda: items_table(queries.run_all("new_format_items", f)),
        YEAR,
    )

compare.peer_section(f, ["active_total"], "channels")
compare.trend_section(f, ["active_total"], "channels")
