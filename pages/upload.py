"""导入报告: upload report files or a zip; parse them into the warehouse with a progress bar; per-file outcome."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import audit_ui, demo, importer, queries, ui, warehouse
from audit.store import AuditError

st.title("导入报告")
st.caption("上传年度报告文件（或打包成 zip），解析后并入数据仓库。已在库中的报告不会丢失。")
audit_ui.require_import_role()
EXTS = importer.extensions()
st.info(
    f"限制：每个文件不超过 {importer.MAX_FILE_MB} MB；每次最多 {importer.MAX_FILES} 个文件（含 zip 内文件）；"
    f"每次解压后合计不超过 {importer.MAX_TOTAL_MB} MB；zip 内压缩比超过 {importer.MAX_RATIO}:1 的文件、"
    f"加密文件和嵌套压缩包会被拒绝。支持格式：{'、'.join(EXTS)}、zip。上传文件保存在 data/uploads/。"
)

files = st.file_uploader("选择文件", type=EXTS + ["zip"], accept_multiple_files=True, key="upload_files")
remote = warehouse.is_remote(warehouse.warehouse_dir())
is_demo = demo.is_demo()
missing = [] if remote or is_demo else importer.missing_inputs()
if is_demo:
    st.warning(
        "当前是演示数据仓库，不接受导入：正式报告不应与合成报告混在一起。请换用正式数据仓库（WAREHOUSE_DIR）后再导入。"
    )
elif remote:
    st.warning(
        f"当前数据仓库在对象存储上（{warehouse.warehouse_dir()}），本页不能直接导入。请在有原始文件的机器上运行 "
        f"`python -m etl build 报告目录 --out {warehouse.warehouse_dir()}` 发布新版本，仪表板会自动读取。"
    )
elif missing:
    st.warning(
        f"当前数据仓库的 {len(missing)} 个原始文件已不在磁盘上（如 {missing[0]}），重建会丢失这些报告，"
        "因此暂停导入。请恢复这些文件，或换用新的 WAREHOUSE_DIR。"
    )
go = st.button("解析并导入", type="primary", disabled=not files or bool(missing) or remote or is_demo)
with st.expander("想先试用？生成演示数据"):
    st.markdown(
        "演示数据是合成的年报（机构名称均以“演示”开头，数字均为虚构），覆盖 2008—2024 年的三种格式和各种版面损坏，"
        "用于在较大数据量上试用本工具。在命令行运行："
    )
    st.code(
        "python -m etl demo --reports 2000\nWAREHOUSE_DIR=data/demo/warehouse streamlit run dashboard.py",
        language="bash",
    )
    st.caption("演示数据仓库的每一页、每张图表和每个下载文件都标有“演示数据”。")

LABELS = {
    "parsed": "已解析",
    "partial": "部分解析",
    "failed": "解析失败",
    "rejected": "已拒绝",
    "unchanged": "未变（已在库中）",
    "duplicate": "重复报告",
    "replaced": "已替换同一年度的报告",
    "pending": "待确认替换",
    "accepted": "已确认替换",
    "staged": "待解析",
}
if not (remote or is_demo):
    importer.resume_interrupted()  # imports a server restart stopped mid-way
if go and files:
    batch = importer.batch_dir()
    staged = importer.stage([(f.name, f.getvalue()) for f in files], batch)
    # the import runs in the server, apart from this session: it lands even if the user leaves the page now
    st.session_state["upload_job"] = importer.start(staged, batch, user=audit_ui.signed_in()).id


@st.fragment(run_every=2)
def job_status(job_id: str) -> None:
    job = importer.job(job_id)
    if job is None:
        return
    if job.state == "running":
        n = sum(1 for o in job.files if o.path)
        step = {"probe": "识别报告（机构、年度、地区）", "build": "并入数据仓库"}.get(job.phase, "准备中")
        st.info(
            f"正在后台导入 {n} 个文件（已用 {job.seconds:.0f} 秒）：{step}"
            + (f"，已完成 {job.done}/{job.total} 个文件" if job.total else "")
            + "。可以离开本页或关闭浏览器，导入会继续完成；完成后各页面即显示新报告。"
        )
        if job.total:
            st.progress(job.done / job.total)
        return
    res = pl.DataFrame(
        {
            "文件": [o.name for o in job.files],
            "结果": [LABELS.get(o.status, o.status) for o in job.files],
            "原因": [o.reason for o in job.files],
            "报告编号": [o.report_id or "" for o in job.files],
        }
    )
    counts = res.group_by("结果").len().sort("结果")
    st.subheader("导入结果")
    st.write(
        f"用时 {job.seconds:.0f} 秒。" + "；".join(f"{r['结果']} {r['len']} 个" for r in counts.iter_rows(named=True))
    )
    ui.dataframe(res, hide_index=True, width="stretch")
    if st.session_state.get("upload_shown") != job_id:  # once: the rest of the page shows the new counts
        st.session_state["upload_shown"] = job_id
        st.rerun()


if "upload_job" in st.session_state:
    job_status(st.session_state["upload_job"])


def replacements() -> None:
    """Files held because they would replace a report of the warehouse: both copies, and accept or refuse (for a
    reviewer of the report's region)."""
    user = audit_ui.signed_in()
    waiting = importer.pending(user)
    if flash := st.session_state.pop("upload_decided", None):
        st.success(flash)
    if not waiting:
        return
    st.subheader("待确认的替换")
    st.caption(
        "下列文件与数据仓库中同一机构、同一年度的报告内容不同，导入会替换原报告或与它并存，因此暂未导入。"
        "请核对两份的数字，确认后才导入；每次确认或拒绝都记入审核日志。"
    )
    pick = st.selectbox(
        "文件",
        range(len(waiting)),
        format_func=lambda i: (
            f"{waiting[i].file.agency or ''} {waiting[i].file.year or ''}：{waiting[i].file.name}"
            f"（{waiting[i].by} 上传）"
        ),
        key="upload_pending_pick",
    )
    p = waiting[pick]
    st.caption(
        f"已有报告：{p.file.replaces_file}（{p.file.replaces}）；新文件：{p.file.name}（sha256 {p.file.sha256}）"
    )
    both = importer.copies(p)
    n = both["differs"].sum()
    st.write(f"两份共 {both.height} 个单元格，{n} 个不同（不同的排在前面；“—”= 该份报告没有这一格）。")
    st.dataframe(
        both.select(
            pl.col("label_zh").alias("指标"),
            pl.col("applicant_zh").fill_null("").alias("申请人"),
            pl.col("raw").fill_null("—").alias("已有报告"),
            pl.col("raw_new").fill_null("—").alias("新文件"),
            pl.when("differs").then(pl.lit("不同")).otherwise(pl.lit("")).alias("比较"),
            pl.col("metric").alias("指标代码"),
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form(f"upload_decide_{p.batch.name}_{p.file.sha256}"):
        note = st.text_input("说明", placeholder="如：核对原件，新文件为更正后的版本")
        a, b = st.columns(2)
        yes = a.form_submit_button("接受替换并导入", type="primary")
        no = b.form_submit_button("拒绝，不导入")
    if not (yes or no):
        return
    try:
        job = importer.decide(p, user, accept=yes, note=note)
    except AuditError as e:
        st.error(str(e))
        return
    if job is not None:
        st.session_state["upload_job"] = job.id
    st.session_state["upload_decided"] = "已接受替换，正在后台导入。" if yes else "已拒绝，文件未导入。"
    st.rerun()


replacements()

st.divider()
wh = warehouse.warehouse_dir()
n_reports = queries.run("report_counts")["n_reports"].sum()
st.caption(f"数据仓库：{wh}；当前共 {n_reports:,} 份报告（去除重复）。")
