"""政府信息公开工作年度报告 — comparison dashboard. Router only: warehouse check, global filters, navigation.

streamlit run dashboard.py          # reads data/warehouse (built from data/samples when missing)
WAREHOUSE_DIR=/path streamlit run dashboard.py
python -m etl demo && WAREHOUSE_DIR=data/demo/warehouse streamlit run dashboard.py   # marked 演示数据
"""

from __future__ import annotations

import os
from pathlib import Path

# one Polars thread pool for the whole server, shared by every session (read when polars is first imported):
# as many threads as cores, at most 4, so that many sessions' small queries do not oversubscribe the machine
os.environ.setdefault("POLARS_MAX_THREADS", str(min(4, os.cpu_count() or 1)))

import streamlit as st

ROOT = Path(__file__).resolve().parent  # `streamlit run` puts this folder on sys.path itself

from app import boot  # noqa: E402

boot.finish_heavy_imports()
from app import demo, filters, page_pdf, ui, warehouse  # noqa: E402

PAGES = [
    ("pages/overview.py", "总览", "overview", ":material/dashboard:"),
    ("pages/channels.py", "主动公开渠道", "channels", ":material/campaign:"),
    ("pages/requests.py", "依申请公开", "requests", ":material/mail:"),
    ("pages/review.py", "复议诉讼", "review", ":material/gavel:"),
    ("pages/staffing.py", "机构人员", "staffing", ":material/groups:"),
    ("pages/scorecard.py", "考核评分", "scorecard", ":material/grading:"),  # only when that file exists
    ("pages/quality.py", "数据质量", "quality", ":material/rule:"),
    ("pages/upload.py", "导入报告", "upload", ":material/upload_file:"),
    ("pages/collect.py", "采集", "collect", ":material/travel_explore:"),
    ("pages/report.py", "报告详情", "report", ":material/description:"),
    ("pages/audit.py", "审核", "audit", ":material/verified_user:"),
]


def ensure_warehouse() -> None:
    wh = warehouse.warehouse_dir()
    if warehouse.is_built(wh):
        return
    with st.status("首次启动：正在从样例报告构建数据仓库……", expanded=True) as status:
        done = []

        def progress(row: dict) -> None:
            done.append(row)
            status.write(
                f"已解析：{row.get('agency') or row.get('source_file')} {row.get('year') or ''}"
                f"（{row.get('parse_status')}）"
            )

        warehouse.ensure_built(wh, on_progress=progress)
        status.update(label=f"数据仓库已建好：{len(done)} 份报告", state="complete", expanded=False)


def run() -> None:
    boot.leave_legacy_mode()
    st.set_page_config(page_title="政府信息公开年报对比", page_icon=":material/bar_chart:", layout="wide")
    ensure_warehouse()
    nav = st.navigation(ui.navigation_pages(PAGES, ROOT))
    filters.sidebar()
    demo.banner()
    page_pdf.reset()
    nav.run()
    page_pdf.offer()  # 导出本页 PDF: the charts and tables the page showed


if __name__ == "__main__":
    run()
