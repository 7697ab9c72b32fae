"""报告详情: one report — metadata, its tables as printed, every value beside its source text, its checks."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import audit_ui, export, page_pdf, queries, ui
from app.queries import Filters
from etl.checks.cells import cells_of_checks, check_key
from etl.checks.structure import metric_name
from etl.model import Metric
from warehouse import labels

MARK = "background-color: #fde2e2; color: #a00000; font-weight: bold"

st.title("报告详情")
st.caption("一份报告的全部数字：按原表排列，并列出每个数字在原文中的写法和位置，以及核对结果。")

f = ui.filters.current()
PICK_ROWS = 1000  # the picker lists the first reports of the selection; the filters narrow it
listing, n_listed = queries.run_page("report_list", f, limit=PICK_ROWS)
if listing.is_empty():
    listing, n_listed = queries.run_page("report_list", Filters(), limit=PICK_ROWS)
wanted = st.query_params.get("report")
refused = False
if wanted and wanted not in listing["report_id"].to_list():
    listing = pl.concat([queries.run("report_list", Filters(), report_id=wanted), listing])
    refused = wanted not in listing["report_id"].to_list()  # an unknown id, or a report outside the user's region
    if refused:
        st.warning(f"找不到编号为 {ui.md_escape(wanted)} 的报告，或它不在您的账号可查看的地区内。请在下面选择报告。")
if ui.empty(listing, "报告"):
    st.stop()
if n_listed > PICK_ROWS:
    st.caption(
        f"共 {n_listed:,} 份报告，下拉列表列出前 {PICK_ROWS:,} 份（按层级、机构、年度排序）；请用左侧筛选缩小范围。"
    )
names = dict(
    zip(
        listing["report_id"].to_list(),
        (listing["label"] + " " + listing["year"].cast(pl.Utf8) + "（" + listing["template_zh"] + "）").to_list(),
    )
)
ids = list(names)
# the URL carries the report_id itself (?report=<id>), so links from other pages can point at one report
rid = st.selectbox(
    "报告",
    ids,
    index=ids.index(wanted) if wanted in ids else (None if refused else 0),
    format_func=names.get,
    key=f"report_pick_{wanted}",
    placeholder="选择报告",
)
if not rid:
    st.stop()
if st.query_params.get("report") != rid:
    st.query_params["report"] = rid

meta = queries.run("report_meta", report_id=rid)
m = meta.row(0, named=True)
page_pdf.start(f"报告详情：{m['agency'] or m['source_file']} {m['year'] or ''}", f"报告：{names[rid]}")
STATUS_ZH = labels.STATUS_ZH
fields = [
    ("机构全称", m["agency"]),
    ("简称", m["agency_short"]),
    ("年度", m["year"]),
    ("层级", ui.filters.LEVEL_ZH.get(m["level"], m["level"])),
    ("机关类型", ui.filters.KIND_ZH.get(m["agency_kind"], m["agency_kind"])),
    ("所在地", " / ".join(x for x in [m["province"], m["prefecture"], m["county"], m["township"]] if x)),
    ("上级", m["parent"]),
    ("范围", "汇总" if m["scope"] == "aggregate" else "本级"),
    (
        "格式",
        ui.filters.TEMPLATE_ZH.get(m["template"], m["template"])
        + (
            f"（{ui.filters.VARIANT_ZH.get(m['template_variant'], m['template_variant'])}）"
            if m["template_variant"]
            else ""
        ),
    ),
    ("发布日期", m["publish_date"]),
    ("解析状态", STATUS_ZH.get(m["parse_status"], m["parse_status"])),
    ("问题", m["error"]),
    ("文件", m["source_file"]),
    ("文件格式", m["file_format"]),
    ("报告编号", m["report_id"]),
    ("重复于", m["duplicate_of"]),
]
ui.dataframe(
    pl.DataFrame({"项目": [k for k, _ in fields], "内容": ["" if v is None else str(v) for _, v in fields]}),
    pdf_title="报告信息",
    hide_index=True,
    width="stretch",
)
if m["duplicate_of"]:
    st.warning("这份文件与另一份报告重复，不计入统计。")
copies = queries.run("duplicate_choice", report_id=rid)
if copies.height > 1:  # the build keeps the copy that read the most (a statistics table, cells, status)
    st.caption(
        "同一报告的副本（保留读出表格数字最多的一份）："
        + "；".join(
            f"{'保留' if c['kept'] else '重复'} {ui.md_escape(c['source_file'])}（表格数字 {c['cells']} 个，"
            f"{STATUS_ZH.get(c['parse_status'], c['parse_status'])}）"
            for c in copies.iter_rows(named=True)
        )
    )

vals = queries.run("report_metrics", report_id=rid)
APPLICANTS = labels.APPLICANT_ZH
chk = queries.run("report_checks", report_id=rid)
failing = chk.filter(pl.col("status") == "fail")
# the cells each failed check involves, found again from the report's figures (etl/checks/cells.py)
involved = cells_of_checks(
    m["template"],
    m["template_variant"],
    [
        Metric(
            r["metric"],
            r["value"],
            r["raw"] or "",
            r["locator"] or "",
            r["applicant"],
            r["basis"],
            r["unit"],
            r["source"],
        )
        for r in vals.iter_rows(named=True)
    ],
    [(r["rule"], r["message"], r["actual"]) for r in failing.iter_rows(named=True)],
)
by_key = {check_key(rule, msg): (rule, msg) for rule, msg in involved}
shown_check = by_key.get(st.query_params.get("check") or "")
shown = [shown_check] if shown_check else list(involved)
if shown_check:  # a finding's link: its cells only
    st.info(f"统计表中标红的是这项核对涉及的单元格：{labels.rule_zh(shown_check[0])}——{shown_check[1]}")
marked = {k for c in shown for k in involved[c]}
# a figure the prose states (据正文) is marked only for the prose rule
marked_text = {k for c in shown if c[0] == "text.table_agree" for k in involved[c]}


def _cell_name(metric: str, applicant: str | None, basis: str) -> str:
    return (
        metric_name(metric)
        + (f"（{APPLICANTS.get(applicant, applicant)}）" if applicant else "")
        + ("（历年累计）" if basis == "cumulative" else "")
    )


tab_table, tab_source, tab_checks = st.tabs(["统计表（按原表排列）", "数字与原文", "核对结果"])
with tab_table:
    if vals.is_empty():
        st.info("这份报告没有读出统计表数字。")
    if marked:
        st.caption("标红的单元格是未通过的核对涉及的数字（在“核对结果”中点“标出单元格”只标出一项）。")
    for section in vals["section"].unique(maintain_order=True).to_list():
        part = vals.filter(pl.col("section") == section)
        st.markdown(f"**{ui.md_escape(section)}**")
        if part["applicant"].is_not_null().any():
            grid = part.filter(pl.col("applicant").is_not_null()).with_columns(
                pl.col("applicant").replace(APPLICANTS).alias("col")
            )
            cols = [c for c in APPLICANTS.values() if c in set(grid["col"].to_list())]
        else:
            grid = part.with_columns(
                pl.when(pl.col("basis") == "cumulative")
                .then(pl.lit("历年累计"))
                .when(pl.col("source") == "text")
                .then(pl.lit("据正文"))
                .otherwise(pl.lit("本年"))
                .alias("col")
            )
            cols = [c for c in ["本年", "历年累计", "据正文"] if c in set(grid["col"].to_list())]
        wide = (
            grid.pivot(on="col", index=["ord", "label_zh", "unit"], values="value", aggregate_function="first")
            .sort("ord")
            .drop("ord")
            .rename({"label_zh": "指标", "unit": "单位"})
        ).select(["指标", "单位"] + cols)
        keys = grid.select("metric", "applicant", "basis", "source").iter_rows()
        is_marked = [
            (metric, who, basis) in (marked_text if src == "text" else marked) for metric, who, basis, src in keys
        ]
        grid = grid.with_columns(pl.Series("marked", is_marked, dtype=pl.Boolean))
        if not grid["marked"].any():
            ui.dataframe(wide, pdf_title=f"统计表：{section}", hide_index=True, width="stretch")
            continue
        mask = (
            grid.pivot(on="col", index=["ord", "label_zh", "unit"], values="marked", aggregate_function="max")
            .sort("ord")
            .select(
                pl.lit(False).alias("指标"), pl.lit(False).alias("单位"), *[pl.col(c).fill_null(False) for c in cols]
            )
            .to_pandas()
        )
        page_pdf.add_table(f"统计表：{section}", wide)
        st.dataframe(
            wide.to_pandas()
            .style.apply(lambda _, mask=mask: mask.map(lambda b: MARK if b else "").values, axis=None)
            .format(lambda v: ui.BLANK if v is None or v != v else f"{v:g}", subset=cols),
            placeholder=ui.BLANK,
            hide_index=True,
            width="stretch",
        )
        hit = grid.filter(pl.col("marked"))
        st.caption(
            "标红："
            + "；".join(
                f"{_cell_name(r['metric'], r['applicant'], r['basis'])} = "
                + (ui.BLANK if r["value"] is None else f"{r['value']:g}")
                for r in hit.iter_rows(named=True)
            )
        )
    st.caption(ui.BLANK_NOTE)
with tab_source:
    src = vals.with_columns(pl.col("applicant").replace(APPLICANTS).fill_null("")).select(  # "": no applicant column
        pl.col("label_zh").alias("指标"),
        pl.col("applicant").alias("申请人"),
        pl.col("basis").replace({"year": "本年", "cumulative": "历年累计"}).alias("口径"),
        pl.col("value").alias("数值"),
        pl.col("raw").alias("原文"),
        pl.col("unit").alias("单位"),
        pl.col("source").replace({"table": "表格", "text": "正文"}).alias("来源"),
        pl.col("locator").alias("位置"),
        pl.col("metric").alias("指标代码"),
    )
    lines = ui.source_lines(m["source_file"], m["file_format"])
    if lines:
        src = src.with_columns(ui.lines_at(lines, pl.col("位置")).alias("原文所在行"))
    ui.dataframe(src, pdf_title="每个数字的原文与位置", hide_index=True, width="stretch")
    st.caption(
        "“原文”是报告中印出的写法（空白、0、“/”、“无”各不相同）；“位置”指向原文行号或表格单元格；"
        "“原文所在行”是文本报告中该行的文字（纯文本显示）。"
    )
    export.downloads(f"报告数字_{rid}", src)
with tab_checks:
    if chk.is_empty():
        st.info("这份报告没有核对记录。")
    else:
        cells_of = [involved.get((r["rule"], r["message"]), ()) for r in chk.iter_rows(named=True)]
        chk = chk.with_columns(
            pl.Series("cells", ["；".join(_cell_name(*k) for k in c) for c in cells_of], pl.String),
            pl.Series(
                "link",
                [
                    f"report?report={rid}&check={check_key(r['rule'], r['message'])}" if c else None
                    for r, c in zip(chk.iter_rows(named=True), cells_of)
                ],
                pl.String,
            ),
        )
        ui.dataframe(
            chk.select(
                pl.col("rule_zh").alias("规则"),
                pl.col("severity_zh").alias("严重程度"),
                pl.col("status_zh").alias("结果"),
                pl.col("expected").alias("应为"),
                pl.col("actual").alias("实为"),
                pl.col("message").alias("说明"),
                pl.col("cells").alias("涉及单元格"),
                pl.col("link").alias("在统计表中标出"),
                pl.col("rule").alias("规则编号"),
            ),
            column_config={"在统计表中标出": st.column_config.LinkColumn(display_text="标出单元格")},
            pdf_title="核对结果",
        )

audit_ui.report_actions(rid)
