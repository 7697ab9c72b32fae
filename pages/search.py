"""全文检索: the reports whose full text holds a phrase — agency, year, hits and an excerpt, each linking to its report."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import export, page_pdf, queries, ui

f = ui.header("全文检索", "哪些机构、哪一年的报告原文提到了某个词句？（按左侧筛选和账号地区限定范围）")

phrase = st.text_input(
    "检索词句",
    key="q",
    bind="query-params",
    max_chars=queries.PHRASE_MAX,
    placeholder="例如：政府信息公开指南、依申请公开、行政复议",
    help="在报告原文（含表格文字）中查找这段文字；不区分英文大小写，原文中因换行断开的中文视为相连。",
).strip()
if len(phrase) < 2:
    st.info("请输入至少 2 个字的检索词句。")
    st.stop()

with st.spinner("正在检索报告原文……"):
    hits = queries.search_text(phrase, f)
if hits.in_selection > queries.SEARCH_REPORTS:
    st.info(
        f"当前范围内有 {hits.in_selection:,} 份报告，超过一次检索的上限 {queries.SEARCH_REPORTS:,} 份。"
        "请用左侧筛选缩小范围（如选择年度、地区或层级）后再检索。"
    )
    st.stop()
note = f"在 {hits.searched:,} 份报告的原文中检索。" + (
    f"另有 {hits.unread:,} 份报告的原文在本服务器上无法读取（扫描件、文件不在本机或无法打开），未检索。"
    if hits.unread
    else ""
)
if not hits.total:
    st.info(f"没有报告的原文含“{phrase}”。" + note)
    st.stop()
st.markdown(
    f"**{hits.total:,}** 份报告的原文含“{ui.md_escape(phrase)}”"
    + (f"，列出前 {hits.rows.height:,} 份（按年度由新到旧）" if hits.total > hits.rows.height else "")
    + "。"
)
st.caption(note + "摘录为原文片段（纯文本），【】内为检索到的文字；点击机构名称打开该报告的详情。")
for r in hits.rows.iter_rows(named=True):
    with st.container(border=True):
        st.page_link(
            "pages/report.py",
            label=f"{r['label']} {r['year']}（出现 {r['n_hits']} 次）",
            icon=":material/description:",
            query_params={"report": r["report_id"]},
        )
        st.caption(ui.md_escape(r["excerpt"]))  # the report's words as plain text, never its markup
table = hits.rows.select(
    pl.col("label").alias("机构"),
    pl.col("year").alias("年度"),
    pl.col("n_hits").alias("出现次数"),
    pl.col("excerpt").alias("摘录"),
)
page_pdf.add_table(f"含“{phrase}”的报告", table, hits.total)
export.downloads(f"全文检索_{phrase}", table)
