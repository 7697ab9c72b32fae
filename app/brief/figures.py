"""The 通报's charts: the dashboard's chart builders (app/charts.py) exported as its slides (app/files.py: 1920×1080,
title, filter, unit, years and source line), in the order the document shows them."""

from __future__ import annotations

import logging

import polars as pl

from app import charts, maps
from app.files import chart_png
from warehouse import labels

log = logging.getLogger(__name__)


def _lines(brief, unit: str, years: str | None = None) -> list[str]:
    return [brief.filter_zh(), f"单位：{unit}；年度：{years or brief.year}年"]


def slides(brief, head: pl.DataFrame) -> list[tuple[str, bytes]]:
    """(caption, PNG) of each chart the data allows; a chart without data is left out (the text says why)."""
    out: list[tuple[str, bytes]] = []
    counts = brief.counts()
    status = pl.DataFrame(
        {
            "label": [labels.COVERAGE_ZH[s] for s in labels.COVERAGE_ZH if counts[s]],
            "value": [counts[s] for s in labels.COVERAGE_ZH if counts[s]],
        },
        schema={"label": pl.String, "value": pl.Int64},
    )
    if status.height:
        title = f"{brief.region_zh}{brief.year}年度报告发布情况"
        out.append(
            (
                title,
                chart_png(
                    charts.ranked_bars(status, "value", value_title="家"), title=title, subtitle=_lines(brief, "家")
                ),
            )
        )
    long = (
        head.filter(pl.col("year") <= brief.year)
        .unpivot(
            index="year", on=["received", "review_total", "litigation_total"], variable_name="m", value_name="value"
        )
        .with_columns(pl.col("m").replace_strict({k: v[0] for k, v in _MEASURES.items()}).alias("measure"))
    )
    if long.filter(pl.col("value").is_not_null()).height:
        years = f"{long['year'].min()}–{long['year'].max()}" if long["year"].n_unique() > 1 else str(brief.year)
        title = f"{brief.region_zh}依申请公开与复议诉讼历年变化"
        chart = charts.gapped_trend(long, "value", "measure", y_title="件")  # a year without reports is a gap
        out.append((title, chart_png(chart, title=title, subtitle=_lines(brief, "件", years))))
    scored = brief.scores.filter(pl.col("total").is_not_null())
    if scored.height:
        title = f"{brief.region_zh}{brief.year}年度报告考核得分"
        bars = scored.select(pl.col("agency_short").alias("label"), "total", "peer_group").sort(
            "total", descending=True
        )
        chart = charts.ranked_bars(bars, "total", value_title="分")
        out.append((title, chart_png(chart, title=title, subtitle=_lines(brief, "分"))))
    level, within = maps.level_for(brief.region.province, brief.region.prefecture)
    cover = maps.values(brief, level, "coverage")
    if cover.height:
        title = f"{brief.region_zh}{brief.year}年度报告发布率（按{maps.LEVEL_NAME[level]}）"
        chart = maps.choropleth(cover, level, within, "coverage")
        out.append((title, chart_png(chart, title=title, subtitle=_lines(brief, "已发布 ÷ 应发布"))))
    else:
        brief.chart_notes.append(
            f"地图：{brief.region_zh}应发布报告的单位没有一家能对应到{maps.LEVEL_NAME[level]}的区划代码"
            "（单位所在地未登记到这一级，或地名不在区划代码中），未绘制。"
        )
    return out


_MEASURES = {"received": ("收到申请",), "review_total": ("行政复议",), "litigation_total": ("行政诉讼",)}
