"""机构对比: two to five chosen agencies side by side — every headline figure of one year as a table (a column per
agency, 本级 and 汇总 reports apart), and one figure across the years. Reads agency_trend.sql (the same headline
figures the pages compare, app/compare.MEASURES) through the query layer, so it is region-limited like every page."""

from __future__ import annotations

import polars as pl

from app import ui
from app.compare import MEASURES
from app.queries import Filters

MIN_AGENCIES, MAX_AGENCIES = 2, 5


def agency_options(options: pl.DataFrame, f: Filters) -> pl.DataFrame:
    """The agencies one may choose (agency_id, agency_name), by level then name: those of the filter options (the
    user's region) within the sidebar's places, levels and agency kinds."""
    for col, chosen in (
        ("province", f.provinces),
        ("prefecture", f.prefectures),
        ("county", f.counties),
        ("level", f.levels),
        ("agency_kind", f.kinds),
    ):
        if chosen:
            options = options.filter(pl.col(col).is_in(list(chosen)))
    return (
        options.select("agency_id", "agency_name", "level_rank")
        .unique("agency_id")
        .sort("level_rank", "agency_name", "agency_id")
        .select("agency_id", "agency_name")
    )


def named_like(o: pl.DataFrame, q: str, kept: list[str], limit: int) -> pl.DataFrame:
    """The first `limit` agencies whose name or place holds `q` (none when `q` is empty), and those in `kept`."""
    hit = pl.col("agency_name").str.contains(q, literal=True) | pl.col("agency_id").str.contains(q, literal=True)
    found = o.filter(hit).head(limit) if q else o.clear()
    return pl.concat([o.filter(pl.col("agency_id").is_in(kept)), found]).unique("agency_id", maintain_order=True)


def shown(v, rate: bool) -> str:
    """A figure as the table prints it: “—” for a blank (never 0), a ratio as a percentage, counts grouped."""
    if v is None:
        return ui.BLANK
    if rate:
        return f"{v:.1%}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def with_series(t: pl.DataFrame) -> pl.DataFrame:
    """A column `series` naming each agency's report line: its label (兴庆区（汇总）), with its place added where two
    chosen agencies share a label (two 审批服务管理局 of different counties)."""
    clash = t.group_by("label").agg(pl.col("agency_id").n_unique().alias("n")).filter(pl.col("n") > 1)["label"]
    return t.with_columns(
        pl.when(pl.col("label").is_in(clash.implode()))
        .then(pl.col("label") + "（" + pl.col("agency_id") + "）")
        .otherwise(pl.col("label"))
        .alias("series")
    )


def year_table(t: pl.DataFrame, year: int) -> pl.DataFrame:
    """Every headline figure of `year`: a row per figure (指标, 单位), a column per agency's report line; “—” where
    the report left the figure blank or the agency has no report that year."""
    d = t.filter(pl.col("year") == year)
    series = d["series"].unique(maintain_order=True).to_list()
    rows = []
    for key, m in MEASURES.items():
        row = {"指标": m.title, "单位": m.unit}
        for s in series:
            v = d.filter(pl.col("series") == s)[key]
            row[s] = shown(v[0] if v.len() else None, m.rate)
        rows.append(row)
    return pl.DataFrame(rows, schema={"指标": pl.Utf8, "单位": pl.Utf8, **{s: pl.Utf8 for s in series}})


def year_data(t: pl.DataFrame, year: int) -> pl.DataFrame:
    """The same figures as numbers, one row per agency line and figure (the CSV and Excel download)."""
    d = t.filter(pl.col("year") == year)
    return (
        d.select("series", "year", *MEASURES)
        .unpivot(index=["series", "year"], variable_name="key", value_name="value")
        .with_columns(
            pl.col("key").replace_strict({k: m.title for k, m in MEASURES.items()}).alias("指标"),
            pl.col("key").replace_strict({k: m.unit for k, m in MEASURES.items()}).alias("单位"),
            pl.when(pl.col("key").is_in([k for k, m in MEASURES.items() if m.rate]))
            .then(pl.col("value") * 100)
            .otherwise(pl.col("value"))
            .alias("value"),
        )
        .select(
            pl.col("series").alias("机构"),
            pl.col("year").alias("年度"),
            "指标",
            "单位",
            pl.col("value").alias("数值"),
        )
    )


def trend_table(t: pl.DataFrame, key: str) -> pl.DataFrame:
    """One figure across the years: a row per agency line, a column per year (“—” where there is none)."""
    m = MEASURES[key]
    years = sorted(t["year"].unique().to_list())
    rows = []
    for s in t["series"].unique(maintain_order=True).to_list():
        d = t.filter(pl.col("series") == s)
        by_year = dict(zip(d["year"].to_list(), d[key].to_list()))
        rows.append({"机构": s, **{f"{y}年": shown(by_year.get(y), m.rate) for y in years}})
    return pl.DataFrame(rows, schema={"机构": pl.Utf8, **{f"{y}年": pl.Utf8 for y in years}})
