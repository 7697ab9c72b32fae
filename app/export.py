"""Charts on a page with their downloads under them: a slide-ready PNG, CSV and Excel (the bytes are made by
app/files.py, only when a button is clicked), each chart also registered for the page's PDF (app/page_pdf.py)."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from app import filters, page_pdf
from app.files import chart_png, chart_spec, csv_bytes, file_stem, xlsx_bytes


def downloads(
    name: str,
    df: pl.DataFrame,
    chart: alt.TopLevelMixin | None = None,
    title: str = "",
    subtitle: list[str] | None = None,
) -> None:
    """A row of download buttons; files are produced only when clicked (no rerun). A chart's slide is also part of
    the page's PDF (app/page_pdf.py)."""
    fname = file_stem(name)
    if chart is not None:
        page_pdf.add_chart(chart, title or name, subtitle or [])
    cols = st.columns(3 if chart is not None else 2)
    i = 0
    if chart is not None:
        cols[0].download_button(
            "下载图表 PNG",
            data=lambda: chart_png(chart, title=title, subtitle=subtitle),
            file_name=f"{fname}.png",
            mime="image/png",
            on_click="ignore",
            key=f"png_{fname}",
            icon=":material/image:",
            help="幻灯片尺寸（1920×1080），含标题、筛选条件、单位、年度和数据来源",
        )
        i = 1
    cols[i].download_button(
        "下载数据 CSV",
        data=lambda: csv_bytes(df),
        file_name=f"{fname}.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"csv_{fname}",
        icon=":material/table:",
    )
    cols[i + 1].download_button(
        "下载数据 Excel",
        data=lambda: xlsx_bytes(df),
        file_name=f"{fname}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key=f"xlsx_{fname}",
        icon=":material/download:",
    )


def _unit(spec: dict) -> str:
    """The unit a chart's value axis names (its quantitative axis title: 件, 条, 纠错率…)."""
    encs = [spec.get("encoding") or {}] + [lay.get("encoding") or {} for lay in spec.get("layer", [])]
    spec_inner = spec.get("spec") or {}
    encs += [spec_inner.get("encoding") or {}] + [lay.get("encoding") or {} for lay in spec_inner.get("layer", [])]
    for enc in encs:
        for ch in ("x", "y"):
            e = enc.get(ch) or {}
            if e.get("type") == "quantitative" and isinstance(e.get("title"), str) and e["title"]:
                return e["title"]
    return ""


def _years(df: pl.DataFrame) -> str:
    if "year" not in df.columns:
        return ""
    ys = [y for y in df["year"].unique().to_list() if y is not None]
    return (filters.year_ranges(ys) + "年") if ys else ""


def slide_lines(df: pl.DataFrame, unit: str = "") -> list[str]:
    """The lines a PNG carries under its title: the filter in words (agencies named), unit and years."""
    f = filters.current()
    years = _years(df) or ("、".join(str(y) for y in f.years) + "年" if f.years else "")
    tail = "；".join(x for x in (f"单位：{unit}" if unit else "", f"年度：{years}" if years else "") if x)
    return [filters.describe(f, names=True), tail]


def has_figures(df: pl.DataFrame) -> bool:
    """Whether a chart's data holds any figure: a number column (other than the year) with a value. Rows whose
    every figure is blank draw bare axes, so they are a message instead."""
    figures = [c for c, t in df.schema.items() if t.is_numeric() and c not in ("year", "rank")]
    return not figures or any(df[c].drop_nulls().len() for c in figures)


def show(chart: alt.TopLevelMixin, df: pl.DataFrame, name: str, title: str = "", unit: str = "") -> None:
    """Draw a chart (theme=None so the screen matches the PNG) with its downloads under it; an empty one is a
    message, never bare axes. The PNG is a slide titled `title` (else the download name)."""
    from app import demo

    if df.is_empty():
        st.info("当前筛选下没有可画的数据。请放宽左侧筛选条件。")
        return
    if not has_figures(df):
        st.info("所选报告在这一项都未填报（空白、无或“/”），没有可画的数字。")
        return
    if demo.is_demo():
        chart = demo.mark_chart(chart)
    st.altair_chart(chart, theme=None, width="stretch")
    unit = unit or _unit(chart_spec(chart))
    title = title or name.replace("_", "（", 1) + ("）" if "_" in name else "")
    subtitle = slide_lines(df, unit)
    downloads(name, df, chart, title=title, subtitle=subtitle)
