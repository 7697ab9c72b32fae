"""数据质量: every failed consistency check by report and rule, with its Chinese message; drill down to a report.
Lists show their first rows with the total; downloads fetch every row."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import audit_ui, charts, export, queries, ui
from etl.checks.cells import check_key
from warehouse import labels

f = ui.header("数据质量", "哪些报告自相矛盾或数字可疑？违反了哪条核对规则？")
YEAR = {"年度": st.column_config.NumberColumn(format="%d")}
COLS = {
    "label": "机构",
    "year": "年度",
    "rule_zh": "规则",
    "severity_zh": "严重程度",
    "message": "说明",
    "expected": "应为",
    "actual": "实为",
    "source_file": "文件",
    "link": "在报告中标出",
    "rule": "规则编号",
}
LINK = {"在报告中标出": st.column_config.LinkColumn(display_text="标出单元格")}


summary = queries.run("check_summary", f)
counts = queries.run("report_counts", f)
c1, c2, c3, c4 = st.columns(4)
ui.metric(c1, "报告数", f"{counts['n_reports'].sum():,}")
ui.metric(c2, "未通过核对项", f"{summary['n_fail'].sum():,}")
ui.metric(c3, "其中错误（自相矛盾）", f"{summary.filter(pl.col('severity') == 'error')['n_fail'].sum():,}")
problems = queries.run("problem_counts", f).row(0, named=True)
ui.metric(
    c4,
    "解析失败/部分解析文件",
    f"{problems['n_failed'] + problems['n_partial']:,}",
    help=f"解析失败 {problems['n_failed']:,} 个，部分解析 {problems['n_partial']:,} 个（含同一报告的重复副本；"
    "未读出机构和年度的失败文件不受筛选限制，总是列出）。",
)

failing = summary.filter(pl.col("n_fail") > 0)
if not summary.is_empty():
    st.subheader("各规则未通过次数")
    # the rule's Chinese name beside its id and the severity in Chinese come with the query (the labels table)
    s = failing.with_columns(pl.col("severity_zh").alias("严重程度"))
    if s.is_empty():
        st.success("当前筛选下所有规则均通过（或因数据缺失未核对）。")
    else:
        export.show(
            charts.ranked_bars(s, "n_fail", label="rule_zh", value_title="未通过次数", color="严重程度"),
            summary.select(
                pl.col("rule_zh").alias("规则"),
                pl.col("severity_zh").alias("严重程度"),
                pl.col("n_fail").alias("未通过"),
                pl.col("n_pass").alias("通过"),
                pl.col("n_skipped").alias("未核对"),
                pl.col("rule").alias("规则编号"),
            ),
            "核对规则汇总",
            title="各规则未通过次数",
            unit="次",
        )

st.subheader("未通过的核对（逐条）")
if failing.is_empty():
    st.success("没有未通过的核对。")
else:
    rules = ["全部规则"] + sorted(failing["rule"].to_list())
    rule = st.selectbox(
        "规则",
        rules,
        key="dq_rule",
        bind="query-params",
        format_func=lambda r: r if r == "全部规则" else f"{labels.rule_zh(r)}（{r}）",
    )
    picked = None if rule in (None, "全部规则") else rule
    shown, total = queries.run_page("failed_checks", f, rule=picked)

    def table(d: pl.DataFrame) -> pl.DataFrame:
        # each finding links to 报告详情 with its cells marked in the report's tables
        link = [
            f"report?report={rid}&check={check_key(rule, message)}"
            for rid, rule, message in d.select("report_id", "rule", "message").iter_rows()
        ]
        return d.with_columns(pl.Series("link", link, dtype=pl.String)).select(list(COLS)).rename(COLS)

    ui.paged_table(
        table(shown),
        total,
        "未通过核对",
        lambda: table(queries.run_all("failed_checks", f, rule=picked)),
        {**YEAR, **LINK},
        order="错误在前，再按年度、机构",
    )

    st.markdown("**查看某份报告的原表与核对**")
    ids = shown.unique("report_id", maintain_order=True)
    names = dict(zip(ids["report_id"].to_list(), (ids["label"] + " " + ids["year"].cast(pl.Utf8)).to_list()))
    rid = st.selectbox("报告", list(names), format_func=names.get, key="dq_report")
    if rid:
        st.page_link(
            "pages/report.py",
            label=f"打开报告详情：{ui.md_escape(names[rid])}",
            icon=":material/open_in_new:",
            query_params={"report": rid},
        )

bad, n_bad = queries.run_page("problem_reports", f)
st.subheader("解析失败或部分解析的文件")
if bad.is_empty():
    st.success("当前筛选下没有解析失败或部分解析的文件。")
else:
    st.caption(
        "解析失败的文件不计入任何统计；部分解析的报告计入已读出的数字，留空的单元格见“原因”。"
        "“重复副本”= 同一报告的另一份文件（如 HTML 与文本各一份），统计只计入其中一份。"
    )
    cols = {
        "label": "机构或文件",
        "year": "年度",
        "status_zh": "状态",
        "copy_zh": "是否计入",
        "error": "原因",
        "source_file": "文件",
    }
    ui.paged_table(
        bad.select(list(cols)).rename(cols),
        n_bad,
        "解析失败或部分解析",
        lambda: queries.run_all("problem_reports", f).select(list(cols)).rename(cols),
        YEAR,
    )

audit_ui.check_actions(st.session_state.get("dq_report"))
