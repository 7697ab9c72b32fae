"""总览: coverage (who is missing), headline figures with change on the previous year, reports with failed checks."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import audit_ui, charts, compare, export, filters, queries, ui

f = ui.header("总览", "库里有哪些机构、哪些年份的报告？谁缺报？总体数字比上年增减多少？哪些报告没通过核对？")

counts = queries.run("report_counts", f)
if ui.empty(counts, "报告"):
    st.stop()
head = queries.run("headline", f)
years = head["year"].to_list()
latest = max(years)
prev = latest - 1 if (latest - 1) in years else None
cur_row = head.filter(pl.col("year") == latest).row(0, named=True)
prev_row = head.filter(pl.col("year") == prev).row(0, named=True) if prev else None

st.subheader(f"{latest} 年主要数字")
KPIS = [
    ("active_total", "主动公开信息（条）", "n_active"),
    ("received", "收到申请（件）", "n_received"),
    ("review_total", "行政复议（件）", "n_review"),
    ("litigation_total", "行政诉讼（件）", "n_litigation"),
]
change = queries.run("headline_change", f, year=latest) if prev is not None else None
cols = st.columns(len(KPIS) + 1)
n_rep = counts.filter(pl.col("year") == latest)["n_reports"].sum()
n_prev = counts.filter(pl.col("year") == prev)["n_reports"].sum() if prev else None
ui.metric(
    cols[0],
    "报告数（份）",
    f"{n_rep:,}",
    delta=(n_rep - n_prev) if prev else None,
    delta_color="off",
    help="去除重复文件后的报告份数",
)
for col, (key, title, nkey) in zip(cols[1:], KPIS):
    v = cur_row[key]
    delta, note = None, ""
    if prev is not None and v is not None:
        # change over the agencies that have the figure in both years: coverage changes never show as a trend
        both = change.filter(pl.col("measure") == key)
        if both.height and both["n_agencies"][0]:
            delta = f"{both['cur'][0] - both['prev'][0]:+,.0f}（同口径）"
            note = f"较 {prev} 年的增减只比较两年都有此数的 {both['n_agencies'][0]:,} 家机构。"
        else:
            note = f"{prev} 年没有同一机构的可比数字，不计算变化。"
    ui.metric(
        col,
        title,
        "—" if v is None else f"{v:,.0f}",
        delta=delta,
        help=(
            f"{cur_row[nkey]} 份报告有此数；合计时汇总报告替代其覆盖的下级报告，不重复相加。"
            + ("“—”= 所选报告的格式没有此项（如 2019 年起不再统计主动公开总条数）。" if v is None else "")
            + note
        ),
    )
if prev is None:
    st.caption(f"库中没有 {latest - 1} 年的报告，无法计算同比变化。")
st.caption("增减按“同口径”计算：只比较两年都有此数的同一批机构，报告覆盖范围变化不会被当成增减。")

new_years = [y for y in years if y >= 2019]
if new_years:  # 2019 on, the formats count 主动公开 by what was made and decided, not as one total
    items = queries.run("new_format_by_year", f)
    st.caption(
        "主动公开信息（条）：2019 年起的新格式不再填报主动公开信息总条数（这些年度显示“—”），改为按《条例》第二十条"
        "填报规章、规范性文件的制发件数和行政许可、行政处罚、行政强制的处理决定数，各年合计如下"
        "（汇总报告替代其覆盖的下级报告）。"
    )
    if items.is_empty():
        st.caption("所选的 2019 年起报告都没有读出第二十条各项。")
    else:
        ui.dataframe(
            items.select(
                pl.col("year").alias("年度"),
                pl.col("n_reports").alias("报告数"),
                pl.col("rules_made").alias("规章制发（件）"),
                pl.col("normative_made").alias("规范性文件制发（件）"),
                pl.col("license_decisions").alias("行政许可决定（件）"),
                pl.col("penalty_decisions").alias("行政处罚决定（件）"),
                pl.col("coercion_decisions").alias("行政强制决定（件）"),
            ),
            column_config={"年度": st.column_config.NumberColumn(format="%d")},
            pdf_title="2019 年起主动公开：第二十条各项",
        )

with st.expander("各年合计（按汇总去重）", expanded=False):
    ui.dataframe(
        head.rename(
            {
                "year": "年度",
                "n_counted": "计入报告数",
                "active_total": "主动公开",
                "received": "收到申请",
                "review_total": "行政复议",
                "litigation_total": "行政诉讼",
            }
        ).select("年度", "计入报告数", "主动公开", "收到申请", "行政复议", "行政诉讼"),
        hide_index=True,
    )

roster = queries.run("roster_counts", f)  # empty without a roster (机构名录, docs/roster.md)
if roster.height:
    by = {r["status"]: r for r in roster.iter_rows(named=True)}
    n_of = lambda s: by[s]["n"] if s in by else 0
    st.subheader("名录口径：谁缺报、谁迟报")
    st.caption(
        f"按机构名录的 {roster['n_roster'][0]:,} 家机构计算：应报 "
        f"{sum(n_of(s) for s in ('on_time', 'late', 'undated', 'missing', 'not_found')):,} 个机构年度，"
        f"按时 {n_of('on_time'):,}、迟报 {n_of('late'):,}、缺报 {n_of('missing') + n_of('not_found'):,}"
        + (f"（其中网站未找到 {n_of('not_found'):,}）" if n_of("not_found") else "")
        + (f"、已发布但日期不明 {n_of('undated'):,}" if n_of("undated") else "")
        + "。期限按《条例》第四十九条：政府部门次年1月31日前，人民政府次年3月31日前。"
    )
    left, right = st.columns(2)
    with left:
        miss = queries.run("roster_missing", f)
        never = miss.filter(pl.col("n_published") == 0)
        st.markdown(f"**缺报**（{miss.height:,} 家）")
        if never.height:
            st.markdown(
                f"从未发布年报的机构（{never.height:,} 家）："
                + "、".join(never["agency"].head(50).to_list())
                + ("……" if never.height > 50 else "")
            )
        ui.dataframe(
            miss.select(
                pl.col("agency").alias("机构"),
                pl.col("level_zh").alias("层级"),
                filters.year_ranges_of(miss["missing"]).alias("缺报年度"),
                pl.col("n_missing").alias("年数"),
            ),
            pdf_title="缺报清单（名录口径）",
            hide_index=True,
            width="stretch",
        )
    with right:
        late = queries.run("roster_late", f)
        st.markdown(f"**迟报**（{late.height:,} 份）")
        ui.dataframe(
            late.select(
                pl.col("agency").alias("机构"),
                pl.col("year").alias("年度"),
                pl.col("days_late").alias("迟报天数"),
                pl.col("publish_date").dt.strftime("%Y-%m-%d").alias("发布日期"),
                pl.col("deadline").dt.strftime("%Y-%m-%d").alias("期限"),
            ),
            pdf_title="迟报清单（名录口径）",
            hide_index=True,
            width="stretch",
        )
else:
    st.info(
        "尚未导入机构名录：下面的缺报只统计库中已有报告的机构（各机构首末报告年度之间的空缺），"
        "从未发布年报的机构不在其中。管理员可在“机构名录”页导入名录。"
    )

st.subheader("报告覆盖：机构 × 年度")
fates = audit_ui.fates_param()  # agencies a reviewer marked abolished or merged: not missing from that year on
# the first 30 agencies (by level, then name), every year: the roster's when there is one, else those seen
cov = queries.run("roster_matrix", f) if roster.height else queries.run("coverage", f, fates=fates)
summ = queries.run("coverage_summary", f, fates=fates)
n_ag = summ["n_agencies"][0] if summ.height else 0
found = (
    "“网站未找到” = 采集时该机构网站的年报栏目里没有这一年的报告（见“采集”页）。"
    if (cov["status"] == "网站未找到").any()
    else ""
)
if roster.height:
    n_ag = cov["n_agencies"][0] if cov.height else 0
    st.caption(
        "按机构名录：灰色 = 缺失（名录中的机构该年没有报告）；浅色 = 报告期外（设立年份之前）；已撤销/已并入 = "
        "名录的撤销年份起（或审核人员标记的撤并年度起）；格内数字 = 同一年有多份报告。"
        + found
        + (
            f"矩阵显示前 {cov['agency_id'].n_unique():,} 家机构（共 {n_ag:,} 家，按层级、名称排序）；"
            "请用左侧筛选缩小范围。"
            if n_ag > cov["agency_id"].n_unique()
            else ""
        )
    )
else:
    st.caption(
        "灰色 = 缺失（在这家机构第一份与最后一份报告之间、该年没有报告）；浅色 = 报告期外（第一份报告之前或最后一份之后，"
        "如机构尚未设立或已撤并，不算缺报）；已撤销/已并入 = 审核人员标记的撤并年度起（见下方“机构撤销与合并”）；"
        "格内数字 = 同一年有多份报告（如本级与汇总各一份）。仅统计库中有报告的机构（未导入机构名录）。" + found
    )
    if summ.height:
        st.caption(
            f"共 {n_ag:,} 家机构、{summ['n_years'][0]} 个年度；按各机构自己的首末报告年度"
            + (f"（{summ['n_marked'][0]} 家标记撤并的机构到撤并前一年）" if summ["n_marked"][0] else "")
            + "，应报 "
            f"{summ['n_expected'][0]:,} 个机构年度，缺报 {summ['n_missing_total'][0]:,} 个。"
            + (
                f"矩阵显示前 {cov['agency_id'].n_unique():,} 家机构（按层级、名称排序）；请用左侧筛选缩小范围。"
                if n_ag > cov["agency_id"].n_unique()
                else ""
            )
        )
export.show(charts.coverage_matrix(cov), cov, "报告覆盖")
missing = summ.filter(pl.col("n_missing") > 0)
if not missing.is_empty() and not roster.height:  # with a roster, its 缺报 list above says it
    st.markdown("**缺报清单**" + (f"（缺报最多的前 {missing.height} 家）" if missing.height >= 200 else ""))
    ui.dataframe(
        missing.select(
            pl.col("agency_name").alias("机构"),
            pl.col("level_zh").alias("层级"),
            filters.year_ranges_of(missing["missing"]).alias("缺报年度"),
            pl.col("n_missing").alias("缺报年数"),
            pl.col("fate_zh").alias("撤并"),
        ),
        pdf_title="缺报清单",
        hide_index=True,
        width="stretch",
    )
audit_ui.agency_fate_actions(f)

st.subheader("未通过核对的报告")
by_report, n_bad = queries.run_page("failed_by_report", f)
if by_report.is_empty():
    st.success("当前筛选下所有报告均通过核对。")
else:

    def table(d: pl.DataFrame) -> pl.DataFrame:
        return d.select(
            pl.col("label").alias("机构"),
            pl.col("year").alias("年度"),
            pl.col("n_failed").alias("未通过项数"),
            pl.col("n_errors").alias("其中错误"),
        )

    ui.paged_table(
        table(by_report),
        n_bad,
        "未通过核对的报告",
        lambda: table(queries.run_all("failed_by_report", f)),
        {"年度": st.column_config.NumberColumn(format="%d")},
        order="未通过项最多的在前",
    )
    st.page_link("pages/quality.py", label="到“数据质量”查看每条核对规则", icon=":material/rule:")

compare.peer_section(f, ["received", "active_total", "review_total", "lit_total"], "overview")
compare.trend_section(f, ["received", "active_total", "review_total", "lit_total"], "overview")
