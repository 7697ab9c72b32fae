"""Downloads for every chart: PNG (vl-convert, with the CJK font), CSV with BOM (Excel-friendly) and .xlsx."""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import altair as alt
import polars as pl
import streamlit as st

FONT_DIRS = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto"]


@lru_cache(maxsize=1)
def _fonts() -> None:
    import vl_convert as vlc
    for d in FONT_DIRS:
        if Path(d).is_dir():
            try:
                vlc.register_font_directory(d)
            except Exception:        # already registered / unreadable: the system fonts still apply
                pass


def chart_png(chart: alt.TopLevelMixin, width: int = 900) -> bytes:
    import vl_convert as vlc
    _fonts()
    spec = chart.to_dict()
    if spec.get("width") == "container":
        spec["width"] = width
    for layer in spec.get("layer", []):
        if layer.get("width") == "container":
            layer["width"] = width
    return vlc.vegalite_to_png(spec, scale=2)


def csv_bytes(df: pl.DataFrame) -> bytes:
    return df.write_csv(include_bom=True).encode("utf-8")


def xlsx_bytes(df: pl.DataFrame, sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    df.write_excel(buf, worksheet=sheet[:31], autofit=True)
    return buf.getvalue()


def _safe(name: str) -> str:
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "_", name).strip("_") or "data"


def file_stem(name: str) -> str:
    """A download's file name (without extension); 演示数据_… for the demo dataset."""
    from app import demo
    return _safe(demo.mark_name(name) if demo.is_demo() else name)


def downloads(name: str, df: pl.DataFrame, chart: alt.TopLevelMixin | None = None) -> None:
    """A row of download buttons; files are produced only when clicked (no rerun)."""
    fname = file_stem(name)
    cols = st.columns(3 if chart is not None else 2)
    i = 0
    if chart is not None:
        cols[0].download_button("下载图表 PNG", data=lambda: chart_png(chart), file_name=f"{fname}.png",
                                mime="image/png", on_click="ignore", key=f"png_{fname}", icon=":material/image:")
        i = 1
    cols[i].download_button("下载数据 CSV", data=lambda: csv_bytes(df), file_name=f"{fname}.csv",
                            mime="text/csv", on_click="ignore", key=f"csv_{fname}", icon=":material/table:")
    cols[i + 1].download_button("下载数据 Excel", data=lambda: xlsx_bytes(df), file_name=f"{fname}.xlsx",
                                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                on_click="ignore", key=f"xlsx_{fname}", icon=":material/download:")


def show(chart: alt.TopLevelMixin, df: pl.DataFrame, name: str) -> None:
    """Draw a chart (theme=None so the screen matches the PNG) with its downloads under it."""
    from app import demo
    if demo.is_demo():
        chart = demo.mark_chart(chart)
    st.altair_chart(chart, theme=None, width="stretch")
    downloads(name, df, chart)
