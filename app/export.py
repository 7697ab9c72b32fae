"""Downloads for every chart: a slide-ready PNG (vl-convert, with the CJK font), CSV with BOM (Excel-friendly) and
.xlsx with Chinese column names and ratios as percentages.

A chart's PNG is a slide: SLIDE_PX (1920 × 1080, 16:9) whatever the chart, its title, the filter in words (the
agencies named), unit and years above it and the source line under it; the chart is fitted inside, never clipped
or widened (a chart Vega cannot fit, a faceted one, is scaled down onto the slide)."""

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
            except Exception:  # already registered / unreadable: the system fonts still apply
                pass


SLIDE_PX = (1920, 1080)  # the PNG of every chart: 16:9, drawn at scale 2 from a 960 × 540 layout
SOURCE_LINE = "数据来源：各机关政府信息公开工作年度报告（统计表数字）；制图：政府信息公开年报对比"


def _fix_width(spec: dict, width: int) -> None:
    if spec.get("width") == "container":
        spec["width"] = width
    for layer in spec.get("layer", []):
        _fix_width(layer, width)


def _band_rows(spec: dict) -> int:
    """How many bands (agencies, years) the chart's nominal y axis has: its label size follows."""
    enc = spec.get("encoding") or next(
        (lay.get("encoding") for lay in spec.get("layer", []) if lay.get("encoding")), {}
    )
    y = (enc or {}).get("y") or {}
    if y.get("type") not in ("nominal", "ordinal") or "field" not in y:
        return 0
    rows = next(iter(spec.get("datasets", {}).values()), [])
    return len({r.get(y["field"]) for r in rows})


def slide_spec(chart: alt.TopLevelMixin, title: str = "", subtitle: list[str] | None = None) -> dict:
    """The chart's Vega-Lite spec laid out for a slide: fitted into 960 × 540 with its title lines and source."""
    spec = chart.to_dict()
    w, h = SLIDE_PX[0] // 2, SLIDE_PX[1] // 2
    lines = [x for x in (subtitle or []) if x] + [SOURCE_LINE]
    old = spec.get("title")
    text = title or (old.get("text") if isinstance(old, dict) else old) or ""
    demo_note = old.get("subtitle") if isinstance(old, dict) else None
    if demo_note:
        lines = [demo_note] + lines
    spec["title"] = {
        "text": text,
        "subtitle": lines,
        "anchor": "start",
        "fontSize": 18,
        "subtitleFontSize": 11,
        "subtitleColor": "#444444",
        "subtitlePadding": 4,
        "offset": 10,
    }
    if "facet" in spec or "vconcat" in spec or "hconcat" in spec:
        _fix_width(spec.get("spec", spec), w - 260)
        return spec
    rows = _band_rows(spec)
    _fix_width(spec, w)
    spec["width"], spec["height"] = w, h
    for layer in spec.get("layer", []):
        layer.pop("height", None)
        layer.pop("width", None)
    spec["autosize"] = {"type": "fit", "contains": "padding"}
    if rows > 18:  # many agencies on a slide: smaller labels, so that none overlaps its neighbour
        cfg = spec.setdefault("config", {})
        cfg.setdefault("axisY", {})["labelFontSize"] = max(5, min(12, int(300 / rows)))
        size = max(5, min(11, int(300 / rows)))
        cfg.setdefault("text", {})["fontSize"] = size
        for layer in spec.get("layer", []):
            mark = layer.get("mark")
            if isinstance(mark, dict) and mark.get("type") == "text":
                mark["fontSize"] = size
    return spec


def chart_png(chart: alt.TopLevelMixin, width: int = 900, title: str = "", subtitle: list[str] | None = None) -> bytes:
    """The chart as a slide: exactly SLIDE_PX pixels, white, the chart fitted in (scaled down only if Vega could
    not fit it, never stretched)."""
    import vl_convert as vlc
    from PIL import Image

    _fonts()
    png = vlc.vegalite_to_png(slide_spec(chart, title, subtitle), scale=2)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    if img.size != SLIDE_PX:
        img.thumbnail(SLIDE_PX, Image.Resampling.LANCZOS)
        slide = Image.new("RGB", SLIDE_PX, "white")
        slide.paste(img, (0, 0))
        img = slide
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def for_download(df: pl.DataFrame) -> pl.DataFrame:
    """A chart's or table's data as a user downloads it: Chinese column names (labels.COLUMN_ZH), ratios as
    percentages (0.3379 -> 33.79 in a column named …（%）), internal columns dropped."""
    from warehouse.labels import COLUMN_ZH, RATE_COLUMNS

    out = df.drop(
        [
            c
            for c in df.columns
            if c.startswith("_") or c in ("bar", "report_id", "agency_id", "level_rank", "list_order")
        ]
    )
    exprs = []
    for c in out.columns:
        zh = COLUMN_ZH.get(c, c)
        if c in RATE_COLUMNS or (zh.endswith("率") and out.schema[c].is_float()):
            exprs.append((pl.col(c) * 100).round(2).alias(f"{zh}（%）"))
        else:
            exprs.append(pl.col(c).alias(zh))
    return out.select(exprs)


def csv_bytes(df: pl.DataFrame) -> bytes:
    return for_download(df).write_csv(include_bom=True).encode("utf-8")


def xlsx_bytes(df: pl.DataFrame, sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    for_download(df).write_excel(buf, worksheet=sheet[:31], autofit=True)
    return buf.getvalue()


def _safe(name: str) -> str:
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "_", name).strip("_") or "data"


def file_stem(name: str) -> str:
    """A download's file name (without extension); 演示数据_… for the demo dataset."""
    from app import demo

    return _safe(demo.mark_name(name) if demo.is_demo() else name)


def downloads(
    name: str,
    df: pl.DataFrame,
    chart: alt.TopLevelMixin | None = None,
    title: str = "",
    subtitle: list[str] | None = None,
) -> None:
    """A row of download buttons; files are produced only when clicked (no rerun). A chart's slide is also part of
    the page's PDF (app/page_pdf.py)."""
    from app import page_pdf

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
    from app.ui import year_ranges

    if "year" not in df.columns:
        return ""
    ys = [y for y in df["year"].unique().to_list() if y is not None]
    return (year_ranges(ys) + "年") if ys else ""


def slide_lines(df: pl.DataFrame, unit: str = "") -> list[str]:
    """The lines a PNG carries under its title: the filter in words (agencies named), unit and years."""
    from app import filters

    f = filters.current()
    years = _years(df) or ("、".join(str(y) for y in f.years) + "年" if f.years else "")
    tail = "；".join(x for x in (f"单位：{unit}" if unit else "", f"年度：{years}" if years else "") if x)
    return [filters.describe(f, names=True), tail]


def show(chart: alt.TopLevelMixin, df: pl.DataFrame, name: str, title: str = "", unit: str = "") -> None:
    """Draw a chart (theme=None so the screen matches the PNG) with its downloads under it; an empty one is a
    message, never bare axes. The PNG is a slide titled `title` (else the download name)."""
    from app import demo

    if df.is_empty():
        st.info("当前筛选下没有可画的数据。请放宽左侧筛选条件。")
        return
    if demo.is_demo():
        chart = demo.mark_chart(chart)
    st.altair_chart(chart, theme=None, width="stretch")
    unit = unit or _unit(chart.to_dict())
    title = title or name.replace("_", "（", 1) + ("）" if "_" in name else "")
    subtitle = slide_lines(df, unit)
    downloads(name, df, chart, title=title, subtitle=subtitle)
