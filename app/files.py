"""What a download holds, as bytes (no widgets): a chart as a slide-ready PNG (vl-convert, with the CJK font),
a table as CSV with BOM (Excel-friendly) or .xlsx with Chinese column names and ratios as percentages, and the
file's name. app/export.py puts them behind buttons; app/page_pdf.py puts the slides into the page's PDF.

A chart's PNG is a slide: SLIDE_PX (1920 × 1080, 16:9) whatever the chart, its title, the filter in words (the
agencies named), unit and years above it and the source line under it; the chart is fitted inside, never clipped
or widened (a chart Vega cannot fit, a faceted one, is scaled down onto the slide)."""

from __future__ import annotations

import io
import re
import threading
from functools import lru_cache
from pathlib import Path

import altair as alt
import polars as pl

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


# Altair's data transformer is one setting of the whole process, which Streamlit switches for a moment, under this
# lock, whenever it draws a chart: a chart's spec read in another session's thread meanwhile can catch it half
# switched (TypeError … 'datasets'), so every spec the dashboard reads is read under the same lock
try:
    from streamlit.elements.vega_charts import _altair_globals_lock as _ALTAIR_LOCK
except ImportError:  # a Streamlit without it: a lock of our own still orders our own readers
    _ALTAIR_LOCK = threading.Lock()


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, read while no session's chart drawing has Altair's settings switched."""
    with _ALTAIR_LOCK:
        return chart.to_dict()


def slide_spec(chart: alt.TopLevelMixin, title: str = "", subtitle: list[str] | None = None) -> dict:
    """The chart's Vega-Lite spec laid out for a slide: fitted into 960 × 540 with its title lines and source."""
    spec = chart_spec(chart)
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


# columns a download leaves out: ids and sort keys, no figure a user reads
INTERNAL_COLUMNS = ("bar", "report_id", "agency_id", "level_rank", "list_order")


def for_download(df: pl.DataFrame) -> pl.DataFrame:
    """A chart's or table's data as a user downloads it: Chinese column names (labels.COLUMN_ZH), ratios as
    percentages (0.3379 -> 33.79 in a column named …（%）), internal columns dropped."""
    from warehouse.labels import COLUMN_ZH, RATE_COLUMNS

    out = df.drop([c for c in df.columns if c.startswith("_") or c in INTERNAL_COLUMNS])
    exprs = []
    for c in out.columns:
        zh = COLUMN_ZH.get(c, c)
        if c in RATE_COLUMNS or (zh.endswith("率") and out.schema[c].is_float()):
            exprs.append((pl.col(c) * 100).round(2).alias(f"{zh}（%）"))
        elif out.schema[c].is_float() and _whole(out[c]):  # a count: 859, never 859.0
            exprs.append(pl.col(c).cast(pl.Int64).alias(zh))
        else:
            exprs.append(pl.col(c).alias(zh))
    return out.select(exprs)


def _whole(s: pl.Series) -> bool:
    v = s.drop_nulls()
    return bool(v.len()) and bool(v.is_finite().all()) and bool((v == v.round(0)).all()) and v.abs().max() < 2**53


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
