"""The dashboard's pages and what every run does before its page: the warehouse check, the menu, the login, the
global filters (the login's region limit among them) and the demo banner.

Streamlit's multipage mechanism as documented (st.navigation / st.Page), with the page files in `pages/` where the
product's layout puts them. Streamlit documents two modes: a `pages/` folder beside the entry point makes an app
serve each file there on its own, until the entry point calls st.navigation, after which the folder is ignored. A
fresh server is still in the first mode, so a deep link such as /channels?level=county that is the very first
request it sees runs pages/channels.py directly, without dashboard.py. Rather than patch Streamlit's flag, every
page file begins with `router.page()`, which works either way: run by the router (dashboard.py) it does nothing;
run directly it does the same set-up itself — st.navigation included, which draws the router's menu and, as
documented, makes every later request go through dashboard.py — and then runs the page as the router would
(nav.run(), then st.stop() ends the direct run). Not just the rest of the file: a widget's id includes the hash of
the page script it was drawn in, which st.navigation sets to the entry point's for the rest of a direct run, and
nav.run() sets to the page's own. Drawn in the direct run, the page's widgets would have other ids than in every
later run, and the first click or upload sent for them would match no widget of the next run: lost. One function,
so no page can set up differently."""

from __future__ import annotations

import sys
from contextvars import ContextVar
from pathlib import Path

from app.preload import finish_heavy_imports

finish_heavy_imports()

import streamlit as st  # noqa: E402

from app import audit_ui, demo, filters, page_pdf, queries, ui, uploads, warehouse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("pages/overview.py", "总览", "overview", ":material/dashboard:"),
    ("pages/channels.py", "主动公开渠道", "channels", ":material/campaign:"),
    ("pages/requests.py", "依申请公开", "requests", ":material/mail:"),
    ("pages/review.py", "复议诉讼", "review", ":material/gavel:"),
    ("pages/staffing.py", "机构人员", "staffing", ":material/groups:"),
    ("pages/compare.py", "机构对比", "compare", ":material/compare_arrows:"),
    ("pages/search.py", "全文检索", "search", ":material/manage_search:"),
    ("pages/scorecard.py", "考核评分", "scorecard", ":material/grading:"),  # only when that file exists
    ("pages/tongbao.py", "年度通报", "tongbao", ":material/summarize:"),
    ("pages/rectify.py", "整改跟踪", "rectify", ":material/task_alt:"),
    ("pages/quality.py", "数据质量", "quality", ":material/rule:"),
    ("pages/precheck.py", "年报预审", "precheck", ":material/fact_check:"),
    ("pages/upload.py", "导入报告", "upload", ":material/upload_file:"),
    ("pages/collect.py", "采集", "collect", ":material/travel_explore:"),
    ("pages/report.py", "报告详情", "report", ":material/description:"),
    ("pages/audit.py", "审核", "audit", ":material/verified_user:"),
    ("pages/roster.py", "机构名录", "roster", ":material/list_alt:"),
]
URL_OF = {ROOT / f: url for f, _, url, _ in PAGES}  # a page file -> its address
# True while dashboard.py runs a page (set around nav.run(), in the run's own thread)
_routed: ContextVar[bool] = ContextVar("routed", default=False)


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


def start():
    """Everything a run does before its page; returns the page st.navigation chose (the router runs it)."""
    st.set_page_config(page_title="政府信息公开年报对比", page_icon=":material/bar_chart:", layout="wide")
    uploads.install()  # what the upload endpoint may hold: 审核 sessions only, bounded per session and server
    ui.localise_widgets()
    # absolute paths: a page file run on its own (streamlit run pages/x.py, AppTest) is then the main script. The
    # menu comes first: while the samples build on a first start it already lists the pages by their Chinese
    # titles (until st.navigation runs, Streamlit lists the files of pages/); expanded: every page listed (Streamlit
    # folds a menu of more than twelve behind an English "View more")
    nav = st.navigation(ui.navigation_pages([(str(ROOT / f), *rest) for f, *rest in PAGES], ROOT), expanded=True)
    ensure_warehouse()
    # the login, read once per run before any query: every query of this session, on every page, then stays
    # within the user's region
    queries.limit_to(audit_ui.region_of(audit_ui.sign_in()))
    filters.sidebar()
    demo.banner()
    page_pdf.reset()
    return nav


def run() -> None:
    """dashboard.py: set up, then run the chosen page."""
    _run(start())


def _run(nav) -> None:
    token = _routed.set(True)
    try:
        nav.run()
    finally:
        _routed.reset(token)
    page_pdf.offer()  # 导出本页 PDF: the charts and tables the page showed


def page() -> None:
    """The first call of every page file: when the page runs on its own (see above), the set-up, then the page run
    as the router runs it, and the direct run stopped here. A page file that is itself the main script (`streamlit
    run pages/x.py`), which the navigation does not choose, runs on below the set-up."""
    if _routed.get():
        return
    nav = start()
    caller = Path(sys._getframe(1).f_globals.get("__file__", "")).resolve()
    if nav.url_path and nav.url_path == URL_OF.get(caller):
        _run(nav)
        st.stop()
