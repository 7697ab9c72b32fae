"""考核评分: score every report by the rubric, rank within peer groups, show the evidence for each deduction.
Thin page: all logic lives in scoring/."""

from __future__ import annotations

from app import router

router.page()

from datetime import date

import polars as pl
import streamlit as st

from app import rubric_ui, ui
from scoring.export import deduction_text, write_excel
from scoring.rubric import RubricError, parse_rubric
from scoring.scorecard import (
    LARGE_YEAR,
    SECONDS_PER_REPORT,
    UNPUBLISHED,
    Scorecard,
    report_years,
    score_warehouse,
    warehouse_dir,
    with_params,
)

try:
    from app import filters as _filters
    from app import page_pdf, queries
    from app import warehouse as _wh
    from app.export import file_stem as _file_stem  # 演示数据_… for the demo dataset
    from app.ui import BLANK as _BLANK
    from warehouse.labels import LEVEL_ZH
except Exception:
    _filters = _wh = page_pdf = None
    LEVEL_ZH = {}
    _file_stem = str
    _BLANK = "—"


@st.cache_data(show_spinner="正在评分……", max_entries=8)
def _score(
    wh: str,
    version: str,
    rubric_text: str,
    rubric_name: str,
    deadline: str | None,
    year: int,
    places: tuple[tuple[str, tuple[str, ...]], ...],
    waived: frozenset[tuple[str, str, str]] = frozenset(),
) -> Scorecard:
    """The reports of `year` and of the year before it (for 较上年), in the places chosen in the sidebar: a large
    warehouse is scored a year and a region at a time. `waived`: the checks marked 规则误报（不扣分）."""
    return score_warehouse(
        wh,
        _rubric(rubric_text, rubric_name, deadline),
        years=[year - 1, year],
        places={k: list(v) for k, v in places},
        waived=set(waived),
    )


def _rule_errors() -> frozenset[tuple[str, str, str]]:
    """The checks supervisors marked 规则误报（不扣分） in the audit database (none without one)."""
    try:
        from app import audit_ui
        from audit import store

        eng = audit_ui.engine()
        return frozenset(store.rule_errors(eng)) if eng is not None else frozenset()
    except Exception:  # the command-line scorecard and a page without the app: no audit database
        return frozenset()


def _rubric(rubric_text: str, rubric_name: str, deadline: str | None):
    rubric = parse_rubric(rubric_text, rubric_name)
    return with_params(rubric, "timeliness", deadline_override=deadline) if deadline else rubric


@st.cache_data(max_entries=8)
def _years(wh: str, version: str) -> dict[int, int]:
    return report_years(wh)


def _version(wh) -> str:
    if _wh is not None:
        try:
            return _wh.version(wh)
        except Exception:
            pass
    return ""


st.title("考核评分")
st.caption(
    "按考核细则为每份年报打分：按时发布、格式规范、内部计算、跨年衔接、文表一致、原创性（雷同检测），"
    "并在同级同上级的机关之间排名。选中一个机关可查看每一处扣分的依据。"
)
if page_pdf is not None:  # 导出本页 PDF stands here
    page_pdf.start("考核评分", _filters.describe(_filters.current(), names=True))

# ---------------------------------------------------------------------------------------------- rubric
with st.expander("考核细则（权重与参数）", expanded=False):
    rubric_ui.editor()
    rubric_ui.describe()  # after the editor: a version saved there is the one described
    up = st.file_uploader(
        "试算：上传一份考核细则（TOML，只用于本次查看，不保存、不影响他人）", type=["toml"], key="rubric_file"
    )
    st.download_button(
        "下载当前考核细则",
        rubric_ui.in_force()[0].encode("utf-8"),
        file_name="rubric.toml",
        mime="text/plain",
        on_click="ignore",
    )
    use_deadline = st.checkbox("指定统一的发布期限（覆盖法定期限）", key="use_deadline")
    deadline = st.date_input(
        "发布期限", value=date(date.today().year, 1, 31), key="deadline", disabled=not use_deadline
    )
rubric_text, rubric_name = (
    (up.getvalue().decode("utf-8-sig", errors="replace"), up.name) if up else rubric_ui.in_force()
)
deadline_text = deadline.isoformat() if use_deadline else None
try:
    rubric = _rubric(rubric_text, rubric_name, deadline_text)
except RubricError as e:
    st.error(str(e))
    st.stop()
weights = {f"pts_{i.id}": i.weight for i in rubric.indicators}
with st.expander("当前细则", expanded=False):
    ui.dataframe(
        pl.DataFrame(
            {"指标": [i.label for i in rubric.indicators], "权重（分）": [i.weight for i in rubric.indicators]}
        ),
        hide_index=True,
    )
    st.caption(
        "总分 = 各适用指标得分之和 ÷ 适用指标权重之和 × 100；无法评判的指标（如首份报告的跨年衔接、"
        "未写发布日期）不计入。等级："
        + "，".join(f"{g.name} ≥ {g.min:g}" for g in rubric.grades)
        + f"。同组 = 相同的 {'、'.join(rubric.peer_by) or '全部'}。原创性与上年本机关报告、"
        "同年同省（区、市）其他机关报告比较。"
    )

wh = warehouse_dir()
try:
    per_year = _years(str(wh), _version(wh))
    years = list(per_year)
except FileNotFoundError as e:
    st.error(f"找不到数据仓库：{e}")
    st.stop()
# the sidebar's years, places and agencies narrow what is scored and listed
f = _filters.current() if _filters is not None else None
if f is not None and f.years:
    years = [y for y in years if y in f.years] or years
if not years:
    st.info("仓库中没有可评分的报告。")
    st.stop()

c1, c2 = st.columns([1, 3])
year = c1.selectbox("年度", years, key="sc_year")
# the sidebar's places within the signed-in user's region (a limited user's scores are its region's only)
chosen = _filters.places(f) if f is not None else {}
if chosen is None:
    st.info("所选地区不在您的账号负责的地区内，没有可评分的报告。")
    st.stop()
places = tuple((col, tuple(v)) for col, v in chosen.items())
# a large year is scored only when asked; the answer is kept in the address, so a page that reconnects during the
# long first scoring (or is reloaded) finds it, and the cached scores, again
if per_year[year] > LARGE_YEAR and not places and st.query_params.get("score_all") != str(year):
    gate = st.empty()
    with gate.container():
        minutes = (per_year[year] + per_year.get(year - 1, 0)) * SECONDS_PER_REPORT / 60  # with the year before
        st.info(
            f"{year} 年共 {per_year[year]:,} 份报告。全部评分要读每份原文并比对雷同（连同上一年度，用于较上年），"
            f"约需 {max(1, round(minutes))} 分钟；可先在左侧选择省（区、市）、地市或县区缩小范围。"
        )
        asked = st.button(f"仍为全部 {per_year[year]:,} 份评分", key=f"sc_all_btn_{year}")
    if not asked:
        st.stop()
    gate.empty()
    st.query_params["score_all"] = str(year)
sc = _score(str(wh), _version(wh), rubric_text, rubric_name, deadline_text, year, places, _rule_errors())
ind_cols = sc.indicator_columns()

in_year = sc.scores.filter(pl.col("year") == year)
if f is not None and f.agencies:
    in_year = in_year.filter(pl.col("agency_id").is_in(list(f.agencies)))
if in_year.is_empty():
    st.info(f"{year} 年没有可评分的报告。")
    st.stop()
if places:
    st.caption("只为左侧所选地区的报告评分，排名与同组人数均在所选地区之内。")
# ---------------------------------------------------------------------------------------------- ranking
# one ranking of every scored agency (总排名), narrowed by level, place and peer group; 组内排名 beside it
if _filters is not None:
    places_of = (
        queries.run("filter_options").select("agency_id", "province", "prefecture").unique("agency_id", keep="first")
    )
    in_year = in_year.join(places_of, on="agency_id", how="left")
else:
    in_year = in_year.with_columns(pl.lit(None, pl.Utf8).alias("province"), pl.lit(None, pl.Utf8).alias("prefecture"))
in_year = in_year.with_columns(pl.col("level").replace_strict(LEVEL_ZH, default=pl.col("level")).alias("level_zh"))
f1, f2, f3 = st.columns(3)
levels_here = [lv for lv in LEVEL_ZH.values() if lv in set(in_year["level_zh"].to_list())]
pick_levels = f1.multiselect("层级", levels_here, key="sc_level", placeholder="全部层级", select_all=False)
provinces_here = sorted(p for p in in_year["province"].unique().to_list() if p)
pick_places = f2.multiselect("省（区、市）", provinces_here, key="sc_place", placeholder="全部地区", select_all=False)
shown = in_year
if pick_levels:
    shown = shown.filter(pl.col("level_zh").is_in(pick_levels))
if pick_places:
    shown = shown.filter(pl.col("province").is_in(pick_places))
sizes = dict(shown.group_by("peer_group").len().iter_rows())
ALL = "全部同组"
groups = [ALL] + sorted(sizes, key=lambda g: (-sizes[g], g))
if st.session_state.get("group") not in groups:
    st.session_state.pop("group", None)
group = f3.selectbox(
    "同组（同级、同上级）",
    groups,
    key="group",
    bind="query-params",
    help="同组 = 同一层级、同一上级的机关；组内排名在组内计算。",
)
st.caption(
    f"{year} 年共评分 {in_year.height:,} 个机关，当前列出 {shown.height:,} 个，分属 {len(sizes):,} 个同组"
    + (f"；所选同组“{group}”{sizes.get(group, 0)} 个机关" if group != ALL else "")
    + "。点击列名可排序。"
)
if group != ALL:
    shown = shown.filter(pl.col("peer_group") == group)
table = shown.with_columns(pl.col("total").rank("min", descending=True).cast(pl.Int32).alias("overall_rank")).sort(
    "overall_rank", "agency"
)
if table.is_empty():
    st.info("所选层级、地区和同组下没有评分结果。")
    st.stop()

# ---------------------------------------------------------------------------------------------- ranking table
NARROW = {"width": "small"}
view = table.select(
    pl.col("overall_rank").alias("总排名"),
    pl.col("agency").alias("机关"),
    pl.col("level_zh").alias("层级"),
    pl.col("province").alias("省份"),
    pl.col("total").alias("总分"),
    pl.col("grade").alias("等级"),
    pl.col("change").alias("较上年"),
    pl.col("rank").alias("组内排名"),
    pl.col("group_size").alias("组内机关数"),
    *[pl.col(c).alias(label) for c, label in ind_cols if c in table.columns],
    pl.col("peer_group").alias("同组"),
    pl.col("publish_date").alias("发布日期"),
    pl.col("corrected").alias("采用人工更正值"),
)
st.subheader(f"{year} 年 · {'全部机关' if group == ALL else group}")
event = ui.dataframe(
    view,
    placeholder=_BLANK,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="sc_table",
    height="content" if view.height <= ui.WHOLE_ROWS else 20 * 35 + 38,  # 20 rows in view, not 10
    column_config={
        "总排名": st.column_config.NumberColumn("总排名", width="small"),
        "机关": st.column_config.TextColumn("机关", width="large", pinned=True),
        "总分": st.column_config.ProgressColumn("总分", min_value=0, max_value=100, format="%.1f", width="small"),
        "较上年": st.column_config.NumberColumn("较上年", format="%+.1f", width="small"),
        "组内排名": st.column_config.NumberColumn("组内排名", width="small"),
        **{
            label: st.column_config.NumberColumn(label, width="small", help=f"满分 {weights[c]:g} 分")
            for c, label in ind_cols
            if c in table.columns
        },
    },
)
if page_pdf is not None:
    page_pdf.add_table(f"{year} 年考核评分排名 · {'全部机关' if group == ALL else group}", view)
st.caption(
    f"“{_BLANK}”= 该指标无法评判，不计入总分（与 0 分不同）；较上年 = 与该机关上一年度总分之差；"
    "各指标列的满分见列名的提示。"
)

st.download_button(
    "导出 Excel（总排名一页带筛选 + 每组一页 + 扣分明细）",
    data=lambda: write_excel(sc, year=year),
    file_name=f"{_file_stem(f'考核评分_{year}')}.xlsx",
    on_click="ignore",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

# ---------------------------------------------------------------------------------------------- evidence
agencies = table["agency"].to_list()
picked = None
try:
    rows = event.selection.rows if event is not None else []
    picked = agencies[rows[0]] if rows else None
except (AttributeError, IndexError):
    picked = None
if picked in agencies and st.session_state.get("_sc_picked") != picked:  # a new row clicked in the table
    st.session_state["sc_agency"] = picked
st.session_state["_sc_picked"] = picked
if st.session_state.get("sc_agency") not in agencies:
    st.session_state.pop("sc_agency", None)
agency = st.selectbox("查看扣分依据（或在上表点选一行）", agencies, key="sc_agency")
rep = table.filter(pl.col("agency") == agency).row(0, named=True)
ev = sc.evidence.filter(pl.col("report_id") == rep["report_id"])

st.subheader(f"{agency} {year} 年：{rep['total']} 分（{rep['grade']}），组内第 {rep['rank']} / {rep['group_size']} 名")
if rep["report_id"] is None:  # an agency of the roster that published no report that year (etl/roster)
    st.warning(f"{UNPUBLISHED}：机构名录中的这家机构没有发布 {year} 年的年报（缺报），各项均为 0 分。")
    st.stop()
for ind in sc.rubric.indicators:
    pts, mx = rep.get(f"pts_{ind.id}"), rep.get(f"max_{ind.id}")
    rows_ind = ev.filter(pl.col("indicator") == ind.id)
    if ind.weight == 0 and rows_ind.is_empty():
        continue
    head = f"**{ind.label}**：" + ("不计分" if not mx else f"{pts:g} / {mx:g} 分")
    lost = rows_ind.filter(pl.col("lost") > 0)
    with st.expander(head, expanded=not lost.is_empty()):
        if rows_ind.is_empty():
            st.write("无扣分。")
        printed: list[str] = []
        for e in rows_ind.sort("lost", descending=True).iter_rows(named=True):
            message = deduction_text(e["message"])
            if not e["lost"] and any(message in p for p in printed):
                continue  # the detail of a deduction already printed
            printed.append(message)
            st.text((f"扣 {e['lost']:g} 分：" if e["lost"] else "") + message)
            if ind.id == "originality" and (e["this"] or e["other"]):
                a, b = st.columns(2)
                a.caption("本报告")
                a.text(e["this"] or "")
                b.caption("雷同来源")
                b.text(e["other"] or "")
            elif ind.id == "timeliness" and e["this"]:
                a, b = st.columns(2)
                a.metric("发布日期", e["this"])
                b.metric("期限", e["other"] or "")
            elif e["this"] and e["this"] not in message:  # the detail, unless the message already says it
                st.text(e["this"])
