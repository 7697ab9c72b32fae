"""Comparison at any scale, shared by the pages: one agency against its peer group (the same level and 本级/汇总
scope, one year) as a ranked strip with median and quartiles, its rank and percentile in words; the year-on-year
change of every peer with unusual jumps flagged; and per-agency trends of the page's headline figures.

A page names its measures: {column of peers.sql / agency_trend.sql: Measure}."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import polars as pl
import streamlit as st

from app import charts, export, page_pdf, queries, ui
from app.queries import Filters


@dataclass(frozen=True)
class Measure:
    title: str  # 行政诉讼案件数
    unit: str  # 件
    rate: bool = False  # a 0–1 ratio, shown as a percentage


# headline measures the pages compare (columns of peers.sql and agency_trend.sql)
MEASURES = {
    "active_total": Measure("主动公开信息数", "条"),
    "received": Measure("收到申请数", "件"),
    "on_time_rate": Measure("按时办结率", "%", rate=True),
    "granted_share": Measure("予以公开占答复比例", "%", rate=True),
    "denied_share": Measure("不予公开占答复比例", "%", rate=True),
    "review_total": Measure("行政复议案件数", "件"),
    "lit_total": Measure("行政诉讼案件数", "件"),
    "review_per_100": Measure("每百件申请的行政复议", "件/百件申请"),
    "lit_per_100": Measure("每百件申请的行政诉讼", "件/百件申请"),
    "review_rate": Measure("行政复议纠错率", "%", rate=True),
    "staff_total": Measure("信息公开工作人员", "人"),
}
# how a peer group is formed: the same level and kind (county governments with county governments; a report matched
# to the roster has the roster's level and kind), or the same level only; 本级 and 汇总 reports are never mixed
GROUPINGS = {"kind": "同层级、同类型", "level": "仅同层级"}


def _group_label(by_kind: bool) -> pl.Expr:
    parts = (
        [pl.col("level_zh"), pl.col("kind_zh"), pl.col("scope_zh")]
        if by_kind
        else [pl.col("level_zh"), pl.col("scope_zh")]
    )
    return pl.concat_str(parts, separator="·")


# a jump is flagged when a figure of at least JUMP_MIN grew or shrank by this factor on the year before
JUMP_FACTOR = 3
JUMP_MIN = 10


def _fmt(v, rate: bool) -> str:
    if v is None:
        return ui.BLANK
    return f"{v:.1%}" if rate else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")


def peer_stats(values: pl.Series) -> dict:
    """Median and quartiles of a peer group's figures (blanks left out)."""
    v = values.drop_nulls()
    return {"n": v.len(), "median": v.median(), "q1": v.quantile(0.25, "linear"), "q3": v.quantile(0.75, "linear")}


def rank_of(d: pl.DataFrame, value: str, label: str, who: str) -> tuple[int, int, float] | None:
    """(rank from the top, peers with the figure, percentile: the share of the other peers it is above)."""
    v = d.filter(pl.col(value).is_not_null())
    mine = v.filter(pl.col(label) == who)
    if mine.is_empty():
        return None
    x = mine[value][0]
    n = v.height
    above = v.filter(pl.col(value) > x).height
    below = v.filter(pl.col(value) < x).height
    return above + 1, n, (below / (n - 1) if n > 1 else 1.0)


def ranked(d: pl.DataFrame, value: str, who: str | None) -> pl.DataFrame:
    """The peer group as its download holds it: rank from the top (ties share one), percentile (the share of the
    other peers it is above, as `rank_of` says it), the highlighted agency marked; by rank, blanks last."""
    v = pl.col(value)
    n = d.filter(v.is_not_null()).height
    return d.select(
        pl.col("label"),
        "level_zh",
        "scope_zh",
        "year",
        v.alias("value"),
        v.rank("min", descending=True).cast(pl.Int64).alias("rank"),
        ((v.rank("min") - 1) / (n - 1) if n > 1 else pl.when(v.is_not_null()).then(1.0)).alias("percentile"),
        pl.when(pl.col("label") == (who or "")).then(pl.lit("是")).alias("highlight"),  # else blank
    ).sort("rank", "label", nulls_last=True)


def jumps(d: pl.DataFrame, value: str) -> pl.DataFrame:
    """Year-on-year change per agency, unusual jumps flagged (×JUMP_FACTOR either way on a figure ≥ JUMP_MIN, or
    from 0 to ≥ JUMP_MIN)."""
    prev, cur = pl.col(f"prev_{value}"), pl.col(value)
    big = pl.max_horizontal(prev, cur) >= JUMP_MIN
    jump = big & ((prev == 0) | (cur == 0) | (cur >= JUMP_FACTOR * prev) | (cur * JUMP_FACTOR <= prev))
    return (
        d.filter(prev.is_not_null() & cur.is_not_null())
        .select(
            "report_id",
            "label",
            "level_zh",
            "scope_zh",
            prev.alias("prev"),
            cur.alias("cur"),
            (cur - prev).alias("change"),
            pl.when(prev != 0).then((cur - prev) / prev).otherwise(None).alias("change_rate"),
            pl.when(jump).then(pl.lit("异常变动")).otherwise(pl.lit("")).alias("jump"),
        )
        .sort(pl.col("jump") == "", (pl.col("change").abs()), descending=[False, True])
    )


def latest_year_with(f: Filters, m: str, years: list[int], tries: int = 4) -> int:
    """The latest of `years` (newest first) in which some report has measure `m` (主动公开 has no total from
    2019 on, so its comparison opens on the last year that has one); the newest year when none of the first
    `tries` has it."""
    for y in years[:tries]:
        if queries.run("peers", f, year=int(y))[m].is_not_null().any():
            return y
    return years[0]


def peer_section(f: Filters, measures: list[str], key: str) -> None:
    """The peer comparison of a page: pick a measure, a year, a peer group and an agency to highlight."""
    st.subheader("同级比较：排名与分布")
    st.caption(
        "同一年度、同一层级、同一类型（政府与政府、部门与部门；已导入机构名录时按名录）、同为本级（或同为汇总）报告的"
        "机构为一组，全组按数值由高到低排列；红色为所选机构，"
        "实线为中位数，虚线为上下四分位数。点击条形可打开该份报告。筛选中的“机构”只决定突出显示哪家，不缩小比较组。"
    )
    years = queries.run("report_counts", f)["year"].to_list()
    if not years:
        st.info("当前筛选下没有报告。")
        return
    c1, c2, c3, c4 = st.columns([2, 1, 2, 2])  # the group names level, kind and scope
    m = c1.selectbox("指标", measures, format_func=lambda k: MEASURES[k].title, key=f"{key}_measure")
    group_f = replace(f, agencies=(), years=())
    years = sorted(years, reverse=True)
    first = latest_year_with(group_f, m, years)
    year = c2.selectbox("年度", years, index=years.index(first), key=f"{key}_year_{m}")
    peers = queries.run("peers", group_f, year=int(year))
    if peers.is_empty():
        st.info(f"{year} 年没有可比较的报告。")
        return
    by_kind = (
        st.radio(
            "比较组按",
            list(GROUPINGS),
            format_func=GROUPINGS.get,
            horizontal=True,
            key=f"{key}_grouping",
            index=list(GROUPINGS).index(st.query_params.get("peer_by", "kind"))
            if st.query_params.get("peer_by") in GROUPINGS
            else 0,
        )
        == "kind"
    )
    peers = peers.with_columns(group=_group_label(by_kind))
    groups = peers.group_by("level_rank", "group").agg(pl.len().alias("n")).sort("level_rank", "group")
    chosen_ids = set(f.agencies)
    mine = peers.filter(pl.col("agency_id").is_in(list(chosen_ids))) if chosen_ids else peers.clear()
    options = groups["group"].to_list()
    counts = dict(zip(groups["group"].to_list(), groups["n"].to_list()))
    linked = st.query_params.get("peer_group")
    default = (
        linked if linked in options else (mine["group"][0] if mine.height else max(options, key=lambda o: counts[o]))
    )
    group = c3.selectbox(
        "比较组",
        options,
        index=options.index(default),
        key=f"{key}_group_{year}_{by_kind}",
        format_func=lambda o: f"{o}（{counts[o]} 家）",
    )
    d = peers.filter(pl.col("group") == group)
    labels = sorted(d["label"].to_list())
    pre = [x for x in mine.filter(pl.col("group") == group)["label"].to_list() if x in labels]
    by_id = dict(zip(d["agency_id"].to_list(), d["label"].to_list()))
    if not pre and st.query_params.get("peer_agency") in by_id:
        pre = [by_id[st.query_params["peer_agency"]]]
    who = c4.selectbox(
        "突出显示的机构",
        labels,
        index=labels.index(pre[0]) if pre else None,
        key=f"{key}_who_{year}_{group}",
        placeholder="选择一家机构",
    )
    # the group and the highlighted agency stay in the page's link, so a shared link shows the same comparison
    st.query_params["peer_by"] = "kind" if by_kind else "level"
    st.query_params["peer_group"] = group
    if who:
        st.query_params["peer_agency"] = d.filter(pl.col("label") == who)["agency_id"][0]
    elif "peer_agency" in st.query_params:
        del st.query_params["peer_agency"]
    meas = MEASURES[m]
    stats = peer_stats(d[m])
    if not stats["n"]:
        st.info(f"{year} 年{group}的报告都没有“{meas.title}”。")
        return
    v = d.filter(pl.col(m).is_not_null()).sort(m, descending=True)
    top, bottom = v["label"].head(3).to_list(), v["label"].tail(3).to_list()
    n_blank = d.height - stats["n"]
    lines = [
        f"{year} 年{group}报告 {d.height} 份，其中 {stats['n']} 份有此数"
        + (f"（{n_blank} 份未填报，不参与排名）" if n_blank else "")
        + f"；中位数 {_fmt(stats['median'], meas.rate)}，四分位 {_fmt(stats['q1'], meas.rate)}–"
        f"{_fmt(stats['q3'], meas.rate)}。",
        f"最高：{'、'.join(top)}；最低：{'、'.join(reversed(bottom))}。",
    ]
    if who:
        r = rank_of(d, m, "label", who)
        row = d.filter(pl.col("label") == who).row(0, named=True)
        if r:
            rank, n, pct = r
            prev = row.get(f"prev_{m}")
            yoy = (
                ""
                if prev is None
                else f"；较上年{'增加' if row[m] >= prev else '减少'} {_fmt(abs(row[m] - prev), meas.rate)}"
            )
            lines.insert(
                0,
                f"**{ui.md_escape(who)}**：{_fmt(row[m], meas.rate)}（{meas.unit}），"
                f"在 {n} 家中排第 {rank} 位（由高到低），高于 {pct:.0%} 的同组机构{yoy}。",
            )
        else:
            lines.insert(0, f"**{ui.md_escape(who)}**：未填报“{meas.title}”，不参与排名。")
    st.markdown("  \n".join(lines))
    page_pdf.add_text(f"同级比较：{meas.title}", [re.sub(r"\\(.)", r"\1", line.replace("**", "")) for line in lines])
    # the chart names the highest, the lowest and the chosen agency (more names would collide on a slide)
    chart = charts.peer_ranking(
        d, m, "label", who, [top[0], bottom[-1], who], stats, value_title=f"{meas.title}（{meas.unit}）", rate=meas.rate
    )
    from app import demo

    if demo.is_demo():
        chart = demo.mark_chart(chart)
    event = st.altair_chart(chart, theme=None, width="stretch", on_select="rerun", key=f"{key}_rank_{m}_{year}_{group}")
    picked = [p.get("report_id") for p in (event.selection.get("pick") or [])] if event and event.selection else []
    if picked and picked[0]:
        name = d.filter(pl.col("report_id") == picked[0])["label"].to_list()
        st.page_link(
            "pages/report.py",
            label=f"打开报告详情：{ui.md_escape(name[0] if name else picked[0])} {year}",
            icon=":material/open_in_new:",
            query_params={"report": picked[0]},
        )
    table = ranked(d, m, who)
    if meas.rate:  # a ratio is downloaded as a percentage, as the page shows it
        table = table.rename({"value": "rate"})
    export.downloads(
        f"同级比较_{meas.title}_{year}",
        table,
        chart,
        title=f"{year} 年{group}报告{meas.title}排名",
        subtitle=[
            f"比较组：{year} 年{group}，{d.height} 家；突出显示：{who or '无'}",
            (
                f"单位：{meas.unit}；中位数 {_fmt(stats['median'], meas.rate)}，四分位 "
                f"{_fmt(stats['q1'], meas.rate)}–{_fmt(stats['q3'], meas.rate)}"
            ),
            f"最高：{'、'.join(top)}；最低：{'、'.join(reversed(bottom))}",
        ],
    )
    _change_table(d, m, meas, year, key)


def _change_table(d: pl.DataFrame, m: str, meas: Measure, year: int, key: str) -> None:
    ch = jumps(d, m)
    if ch.is_empty():
        st.caption(
            f"比较组中没有机构同时有 {year - 1} 年和 {year} 年（同为本级或同为汇总）的“{meas.title}”，无法计算同比变化。"
        )
        return
    n_jump = ch.filter(pl.col("jump") != "").height
    with st.expander(f"较上年变化（{ch.height} 家，其中异常变动 {n_jump} 家）", expanded=n_jump > 0):
        st.caption(
            f"同一机构、同为本级或同为汇总的 {year - 1} 年与 {year} 年报告相比；“异常变动”= 数值至少 {JUMP_MIN} 且"
            f"增减到 {JUMP_FACTOR} 倍以上或 1/{JUMP_FACTOR} 以下（或由 0 变为非 0），请核对原报告。"
        )
        cfg = {"较上年变化率": st.column_config.NumberColumn(format="percent")}
        if meas.rate:
            cfg.update(
                {c: st.column_config.NumberColumn(format="percent") for c in (f"{year - 1}年", f"{year}年", "增减")}
            )
        ui.dataframe(
            ch.select(
                pl.col("label").alias("机构"),
                pl.col("prev").alias(f"{year - 1}年"),
                pl.col("cur").alias(f"{year}年"),
                pl.col("change").alias("增减"),
                pl.col("change_rate").alias("较上年变化率"),
                pl.col("jump").alias("提示"),
            ),
            column_config=cfg,
        )


def trend_section(f: Filters, measures: list[str], key: str) -> None:
    """Per-agency trends of the page's headline figures: 本级 and 汇总 as separate series, gaps where a year has no
    report, years in order."""
    st.subheader("历年趋势（按机构）")
    st.caption(
        "每家机构一条线；本级报告与汇总报告分开成两条线（汇总含下级数字，不能与本级相连）；某年没有报告或未填报处断开，不连线。"
    )
    o = queries.run("filter_options").select("agency_id", "agency_name").unique("agency_id").sort("agency_name")
    names = dict(zip(o["agency_id"].to_list(), o["agency_name"].to_list()))
    default = [a for a in f.agencies if a in names][:5]
    if not default:
        col = measures[0]
        years = sorted(queries.run("report_counts", f)["year"].to_list(), reverse=True)
        latest = (
            queries.run(
                "peers",
                replace(f, agencies=(), years=()),
                year=int(latest_year_with(replace(f, agencies=(), years=()), col, years)),
            )
            if years
            else queries.run("peers", replace(f, agencies=()))
        )
        default = (
            latest.filter(pl.col(col).is_not_null())
            .sort(col, descending=True)["agency_id"]
            .unique(maintain_order=True)
            .head(3)
            .to_list()
        )
    c1, c2 = st.columns([3, 1])
    chosen = c1.multiselect(
        "机构（最多 8 家）",
        list(names),
        default=default,
        format_func=names.get,
        max_selections=8,
        key=f"{key}_trend_agencies",
        placeholder="选择机构",
        select_all=False,
    )
    m = c2.selectbox("指标", measures, format_func=lambda k: MEASURES[k].title, key=f"{key}_trend_measure")
    if not chosen:
        st.info("请选择要看趋势的机构。")
        return
    meas = MEASURES[m]
    t = queries.run("agency_trend", replace(f, agencies=tuple(chosen), years=()))
    t = t.with_columns((pl.col("agency_name") + "·" + pl.col("scope_zh")).alias("series"))
    t = t.filter(pl.col(m).is_not_null())
    if t.is_empty():
        st.info(f"所选机构没有“{meas.title}”。")
        return
    years = list(range(int(t["year"].min()), int(t["year"].max()) + 1))
    chart = charts.gapped_trend(t, m, "series", y_title=f"{meas.title}（{meas.unit}）", rate=meas.rate, years=years)
    export.show(
        chart,
        t.select("agency_name", "scope_zh", "year", pl.col(m).alias("rate" if meas.rate else "value")),
        f"历年趋势_{meas.title}",
        title=f"{meas.title}历年趋势",
        unit=meas.unit,
    )
