"""年度通报: the year's 通报 of a region (app/brief) as Word and PDF, for the region the signed-in user may see. Thin:
the document is gathered and written by app/brief; this page chooses the year and the place, shows the summary
and offers the two files."""

from app import router

router.page()

import polars as pl
import streamlit as st

from app import export, maps, queries, rubric_ui, ui
from app import warehouse as wh_
from app.brief import document, tongbao
from app.files import file_stem
from app.queries import Region
from scoring.rubric import RubricError, parse_rubric
from warehouse import labels

f = ui.header(
    "年度通报", "本地区各单位的年度报告按时发布了吗？数据对得上吗？谁排在前面、谁要整改？一键生成可编辑的通报。"
)
limit = queries.session_region()
options = queries.run("filter_options")  # within the user's region (every query is)
counts = queries.run("report_counts")
if counts.is_empty():
    st.info("库中没有报告，无法生成通报。请先导入报告。")
    st.stop()
years = list(range(int(counts["year"].max()), int(counts["year"].min()) - 1, -1))  # gaps too: a year nobody reported

c1, c2, c3 = st.columns(3)
year = c1.selectbox("年度", years, index=years.index(f.years[-1]) if f.years and f.years[-1] in years else 0)


def _place(
    col, label: str, places: list[str], locked: str | None, filtered: tuple, placeholder: str, off: bool = False
):
    """A place box: the user's own region locked in, else the sidebar's one choice preselected, else none."""
    places = [locked] if locked else places
    chosen = locked or (filtered[0] if len(filtered) == 1 and filtered[0] in places else None)
    return col.selectbox(
        label,
        places,
        index=places.index(chosen) if chosen else None,
        placeholder=placeholder,
        disabled=bool(locked) or off,
    )


province = _place(
    c2,
    "省（区、市）",
    sorted(options["province"].drop_nulls().unique().to_list()),
    limit.province,
    f.provinces,
    "全部地区",
)
prefs = options.filter(pl.col("province") == province)["prefecture"].drop_nulls().unique().to_list() if province else []
prefecture = _place(
    c3,
    "地市",
    sorted(prefs),
    limit.prefecture,
    f.prefectures,
    "全部地市（省级通报）" if province else "请先选择省份",
    off=not province,
)
region = Region(province or limit.province, prefecture or limit.prefecture)

rubric_text, rubric_name = rubric_ui.in_force()
try:
    rubric = parse_rubric(rubric_text, rubric_name)
except RubricError as e:
    st.error(str(e))
    st.stop()
st.caption(
    f"通报依据考核细则“{rubric.name}”；数字与各页面在相同筛选（{year}年、"
    f"{''.join(p for p in (region.province, region.prefecture) if p) or '全部地区'}）下的数字一致，未填报的写作“—”。"
)


@st.cache_data(show_spinner="正在生成通报（评分、作图）……", max_entries=8)
def _build(wh: str, version: str, audit_stamp: str, year: int, region: Region, rubric_text: str, rubric_name: str):
    brief, docx = tongbao.build(wh, year, region, parse_rubric(rubric_text, rubric_name))
    return brief, docx


@st.cache_data(show_spinner="正在转换为 PDF……", max_entries=4)
def _pdf(docx: bytes) -> bytes:
    return document.pdf_bytes(docx)


# the document stays on the page after the click, until the year or the place changes
choice = (year, region)
if st.button("生成通报", type="primary", icon=":material/summarize:", key="tongbao_go"):
    st.session_state["tongbao_for"] = choice
if st.session_state.get("tongbao_for") != choice:
    st.stop()
wh = wh_.warehouse_dir()
stamp = repr(tongbao.audit_inputs(wh))  # a new mark or 整改 step writes a new document
brief, docx = _build(str(wh), wh_.version(wh), stamp, year, region, rubric_text, rubric_name)
name = file_stem(f"{brief.region_zh}{year}年度政府信息公开工作年度报告情况通报")

c = brief.counts()
cols = st.columns(5)
for col, (label, n) in zip(
    cols,
    [
        ("应发布（家）", c["expected"]),
        ("已发布（家）", c["published"]),
        ("按时发布（家）", c["on_time"]),
        ("迟报（家）", c["late"]),
        ("未发布（家）", c["missing"] + c["not_found"]),
    ],
):
    col.metric(label, f"{n:,}")
if brief.problems:
    st.markdown("**存在的问题**")
    ui.dataframe(
        pl.DataFrame(
            {
                "类别": [labels.PROBLEM_ZH[p.kind] for p in brief.problems],
                "单位": [p.agency for p in brief.problems],
                "问题与依据": [p.detail for p in brief.problems],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.success("未发现需要通报的问题。")
d1, d2 = st.columns(2)
d1.download_button(
    "下载通报 Word",
    docx,
    file_name=f"{name}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    icon=":material/description:",
    on_click="ignore",
    help="可编辑；页面、字体与样式取自模板 app/brief/template.docx（可替换）",
)
if document.soffice() is None:
    d2.warning(document.NO_SOFFICE)
else:
    d2.download_button(
        "下载通报 PDF",
        lambda: _pdf(docx),
        file_name=f"{name}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
    )

st.subheader("地图")
level, within = maps.level_for(brief.region.province, brief.region.prefecture)
measure = st.selectbox("指标", list(maps.MEASURES), format_func=lambda m: maps.MEASURES[m][0], key="tongbao_map")
shown = maps.values(brief, level, measure)
st.caption(
    f"按{maps.LEVEL_NAME[level]}着色；灰色 = 无数据（没有报告，或报告的地点不在区划代码中），不是 0。"
    f"{maps.MAP_SOURCE}。"
)
export.show(
    maps.choropleth(shown, level, within, measure),
    shown.with_columns(pl.lit(year).alias("year")),
    f"{brief.region_zh}{year}年{maps.MEASURES[measure][0]}_地图",
    title=f"{brief.region_zh}{year}年{maps.MEASURES[measure][0]}（按{maps.LEVEL_NAME[level]}）",
    unit=maps.MEASURES[measure][1],
)
