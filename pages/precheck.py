"""年报预审: an agency uploads its draft and sees, before publishing, what every rule of the warehouse finds in it —
the template, the figures read with the failing cells marked, each finding with its cells and what to change. The
draft is read from memory and never written: not to the warehouse, not to disk (etl/precheck.py)."""

from app import router

router.page()

import hashlib
import html
from pathlib import Path

import polars as pl
import streamlit as st

from app import audit_ui, files, importer, page_pdf, uploads, warehouse
from etl.precheck import MAX_DRAFT_PAGES, Unreadable, figure_tables, precheck

MAX_MB = importer.MAX_FILE_MB
st.title("年报预审")
st.caption(
    "发布前先查一遍：上传年度报告草稿，按数据仓库的全部规则核对（表内勾稽、文表一致、与上年报告衔接、"
    "六个部分及格式、汇总与下级报告），列出每个问题涉及的单元格和修改建议。"
)
audit_ui.require_precheck_access()
st.session_state[uploads.DRAFT_KEY] = True  # the upload endpoint takes this session's draft (app/uploads.py)
st.info(
    f"草稿只在本次会话的内存中核对，不写入数据仓库，也不保存；关闭页面即丢弃。"
    f"限制：文件不超过 {MAX_MB} MB，PDF 不超过 {MAX_DRAFT_PAGES} 页。支持格式：{'、'.join(importer.extensions())}。"
)
upload = st.file_uploader("上传年报草稿", type=importer.extensions(), key="precheck_file")
if upload is None:
    st.stop()
data = upload.getvalue()
if len(data) > MAX_MB * 2**20:
    st.error(f"文件超过 {MAX_MB} MB，不像一份年度报告，未预审。")
    st.stop()

wh = warehouse.warehouse_dir()
local = None if warehouse.is_remote(wh) else Path(wh)
key = hashlib.sha256(data).hexdigest()
held = st.session_state.get("precheck_result")
if held is None or held[0] != (key, upload.name):
    try:
        with st.spinner("正在核对……"):
            held = ((key, upload.name), precheck(Path(upload.name), data=data, warehouse=local, name=upload.name))
    except Unreadable as e:
        st.session_state.pop("precheck_result", None)
        st.error(f"无法预审：{e}")
        st.stop()
    st.session_state["precheck_result"] = held  # this session only: a rerun does not parse it again
result = held[1]
r = result.report
page_pdf.start(f"年报预审：{r.get('agency') or upload.name} {r.get('year') or ''}", f"草稿：{upload.name}")

n_block = sum(f.blocks for f in result.findings)
cols = st.columns(3)
cols[0].metric("读出数字", f"{len(result.figures())} 个")
cols[1].metric("阻断", n_block)
cols[2].metric("提醒", len(result.findings) - n_block)
st.markdown(
    f"**识别的模板**：{html.escape(result.template_zh)}　**机关**：{html.escape(r.get('agency') or '未识别')}　"
    f"**年度**：{r.get('year') or '未识别'}　**范围**：{'汇总' if r.get('scope') == 'aggregate' else '本级'}"
)
if result.last_year:
    copied = "" if result.copied is None else f"；正文与上年报告相同的文字占 {result.copied:.0%}（数字不计）"
    st.caption(
        f"对照上年报告：{html.escape(str(result.last_year.get('agency')))} {result.last_year.get('year')}年{copied}"
    )
elif local is not None:
    st.caption("数据仓库中没有这个机关上一年的报告，未核对跨年衔接。")
if n_block:
    st.error(f"有 {n_block} 项阻断问题，请修改后再发布。")
elif result.findings:
    st.warning("未发现阻断问题；有提醒事项，请核实。")
else:
    st.success("未发现问题。")

findings = pl.DataFrame(
    {
        "级别": [f.level for f in result.findings],
        "规则": [f.rule_zh for f in result.findings],
        "说明": [f.message for f in result.findings],
        "涉及单元格": ["；".join(c.shown() for c in f.cells) for f in result.findings],
        "修改建议": [f.fix or "" for f in result.findings],
        "规则编号": [f.rule for f in result.findings],
    },
    schema={k: pl.String for k in ("级别", "规则", "说明", "涉及单元格", "修改建议", "规则编号")},
)
st.subheader("发现的问题")
if findings.is_empty():
    st.caption("没有未通过的规则。")
else:
    st.dataframe(findings, hide_index=True, width="stretch")
    page_pdf.add_table("发现的问题", findings)
    stem = files.file_stem(f"年报预审_{Path(upload.name).stem}")
    c1, c2 = st.columns(2)
    c1.download_button(
        "下载 Excel", files.xlsx_bytes(findings, "预审"), f"{stem}.xlsx", on_click="ignore", key="precheck_xlsx"
    )
    font = page_pdf.cjk_font()
    if font is not None:
        c2.download_button(
            "下载 PDF",
            data=lambda: page_pdf.pdf_bytes(
                f"年报预审：{r.get('agency') or upload.name}",
                f"草稿：{upload.name}；阻断 {n_block} 项，提醒 {len(result.findings) - n_block} 项",
                [page_pdf.Table("发现的问题", findings, findings.height)],
            ),
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            on_click="ignore",
            key="precheck_pdf",
        )

st.subheader("读出的统计表")
st.caption("按模板排列；红底的单元格是未通过的规则涉及的数字。“空白”指报告中该格未填（不等于 0）。")
tables = figure_tables(result)
if not tables:
    st.caption("没有读出统计表。")
STYLE = (
    "<style>table.precheck{border-collapse:collapse;margin-bottom:1em;font-size:0.85em}"
    "table.precheck td,table.precheck th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
    "table.precheck td:first-child,table.precheck th:first-child{text-align:left}"
    "table.precheck td.bad{background:#fde2e2;color:#a00;font-weight:bold}</style>"
)
for title, heads, rows in tables:
    # report text is escaped: the draft's words are shown as text, never as markup
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="bad" title="未通过的规则涉及此格">{html.escape(t)}</td>'
            if bad
            else f"<td>{html.escape(t)}</td>"
            for t, bad in row
        )
        + "</tr>"
        for row in rows
    )
    st.markdown(f"**{html.escape(title)}**")
    st.markdown(f'{STYLE}<table class="precheck"><tr>{head}</tr>{body}</table>', unsafe_allow_html=True)
