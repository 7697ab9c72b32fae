"""Altair builders. One palette: the same category has the same colour on every page, in the app and in PNGs."""

from __future__ import annotations

import altair as alt
import polars as pl

from warehouse.labels import APPLICANT_ZH

FONT = "Noto Sans CJK SC"

# category -> colour, mirrored in .streamlit/config.toml (chartCategoricalColors)
PALETTE: dict[str, str] = {
    # channels of 主动公开
    "政府公报": "#4e79a7",
    "政府网站": "#f28e2b",
    "政务微博": "#e15759",
    "政务微信": "#59a14f",
    "其他": "#9c755f",
    "主动公开总数": "#76b7b2",
    # outcomes of requests (comparable set)
    "予以公开": "#59a14f",
    "部分公开": "#8cd17d",
    "不予公开": "#e15759",
    "无法提供": "#bab0ac",
    # review / litigation results
    "维持": "#4e79a7",
    "纠正": "#e15759",
    "其他结果": "#9c755f",
    "尚未审结": "#bab0ac",
    "行政复议": "#4e79a7",
    "行政诉讼": "#f28e2b",
    "未经复议直接起诉": "#f28e2b",
    "复议后起诉": "#ffbe7d",
    "行政诉讼（旧格式）": "#d37295",
    # applicants
    "自然人": "#4e79a7",
    "商业企业": "#f28e2b",
    "科研机构": "#76b7b2",
    "社会公益组织": "#59a14f",
    "法律服务机构": "#edc948",  # other_org reads 其他 (warehouse.labels.APPLICANT_ZH), coloured as above
    # staffing
    "专职人员": "#4e79a7",
    "兼职人员": "#a0cbe8",
    # coverage / status
    "已解析": "#59a14f",
    "有核对问题": "#edc948",
    "部分解析": "#f28e2b",
    "解析失败": "#e15759",
    "缺失": "#c9c9c9",
    "网站未找到": "#d7b5d8",
    "报告期外": "#f7f7f7",
    "已撤销": "#cdd5e3",  # marked by a reviewer (audit/fates.py): not missing
    "已并入": "#c9e6e0",
    # where a figure comes from
    "表格": "#4e79a7",
    "据正文": "#b07aa1",
    # severities
    "错误": "#e15759",
    "警告": "#f28e2b",
    "提示": "#bab0ac",
    # levels (charts summed by level when too many reports are selected to draw one bar each)
    "国家": "#1f3b5c",
    "省级": "#4e79a7",
    "地市级": "#f28e2b",
    "县级": "#59a14f",
    "乡镇（街道）": "#b07aa1",
    "未知": "#bab0ac",
    # 2019/2021 section 二
    "规章": "#4e79a7",
    "规范性文件": "#f28e2b",
    "行政许可": "#59a14f",
    "行政处罚": "#e15759",
    "行政强制": "#b07aa1",
}
ORDER = {
    "channel": ["政府公报", "政府网站", "政务微博", "政务微信", "其他"],
    "outcome": ["予以公开", "部分公开", "不予公开", "无法提供"],
    "result": ["维持", "纠正", "其他结果", "尚未审结"],
    "applicant": [zh for code, zh in APPLICANT_ZH.items() if code != "total"],
    "status": ["已解析", "有核对问题", "部分解析", "解析失败", "缺失", "网站未找到", "报告期外", "已撤销", "已并入"],
    "source": ["表格", "据正文"],
}
LABEL_LIMIT = 420


def scale(categories: list[str] | None = None) -> alt.Scale:
    cats = categories or list(PALETTE)
    return alt.Scale(domain=cats, range=[PALETTE.get(c, "#999999") for c in cats])


@alt.theme.register("gov", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "axis": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelLimit": LABEL_LIMIT,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelOverlap": "greedy",
                "labelSeparation": 6,
            },
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelLimit": 300, "orient": "bottom"},
            "header": {"labelFont": FONT, "titleFont": FONT, "labelLimit": LABEL_LIMIT, "labelFontSize": 12},
            "title": {"font": FONT, "fontSize": 14, "anchor": "start"},
            "text": {"font": FONT},
            "mark": {"font": FONT},
            "range": {"category": [PALETTE[c] for c in ORDER["channel"]] + ["#76b7b2", "#edc948", "#b07aa1"]},
            "view": {"stroke": None},
        }
    }


def _fmt(v) -> str:
    if v is None:
        return "未填报"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _grouped(digits: pl.Expr) -> pl.Expr:
    """'1234567' -> '1,234,567' (digits only)."""
    return digits.str.reverse().str.replace_all(r"(\d{3})", "${1},").str.reverse().str.strip_chars_start(",")


def _formatted(v: pl.Expr, rate: bool = False) -> pl.Expr:
    """The bar labels of `_fmt` (or f"{v:.1%}" for a rate) as one vectorised expression: no Python callback runs
    inside Polars' thread pool (a callback there deadlocks a multi-session server against `to_pandas`)."""
    v = v.cast(pl.Float64)
    sign = pl.when(v < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    if rate:
        tenths = (v.abs() * 1000).round(0).cast(pl.Int64)
        return pl.when(v.is_finite()).then(
            pl.format("{}{}.{}%", sign, _grouped((tenths // 10).cast(pl.Utf8)), tenths % 10)
        )
    cents = (v.abs() * 100).round(0).cast(pl.Int64)
    whole = _grouped((cents // 100).cast(pl.Utf8))
    return (
        pl.when(~v.is_finite())
        .then(None)
        .when(v.round(0) == v)
        .then(pl.format("{}{}", sign, whole))
        .otherwise(pl.format("{}{}.{}", sign, whole, (cents % 100).cast(pl.Utf8).str.zfill(2)))
    )


def share_axis(top: float = 1.0, title: str | None = None) -> alt.Axis:
    """The axis of a share (0–1 shown as %): ticks every 10 % (20 % or more past 200 %) up to and including 100 %
    (or the top of a wider domain), so the end of a 100 % bar is labelled."""
    step = 0.1 if top <= 2 else 0.1 * (int(top / 2) + 1)
    n = int(round(top / step + 1e-9))
    ticks = [round(i * step, 4) for i in range(n + 1)]
    if ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 4))
    return alt.Axis(format=".0%", values=ticks, labelOverlap=True, **({"title": title} if title else {}))


def _height(n: int) -> int:
    return max(60, 24 * n)


def ranked_bars(
    df: pl.DataFrame,
    value: str,
    label: str = "label",
    title: str = "",
    value_title: str = "",
    color: str | None = None,
    source: str | None = None,
    rate: bool = False,
    tooltip: list | None = None,
    row: str | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars, largest first. A blank (null) value is labelled 未填报 instead of drawing a 0.
    With `source`, figures taken from the report's prose carry the label 据正文. With `row` (e.g. level_zh),
    one panel per group, each ranked on its own scale: peers of the same level side by side."""
    d = df.with_columns(
        pl.col(value).fill_null(0).alias("_x"),
        _formatted(pl.col(value), rate).fill_null("无法计算（分母为0或未填报）" if rate else "未填报").alias("_text"),
    )
    if source:
        d = d.with_columns(
            pl.when(pl.col(source) == "据正文")
            .then(pl.col("_text") + "（据正文）")
            .otherwise(pl.col("_text"))
            .alias("_text")
        )
    fmt = ".1%" if rate else ",.0f"
    tips = tooltip or [
        alt.Tooltip(f"{label}:N", title="机构"),
        alt.Tooltip(f"{value}:Q", title=value_title or "数值", format=fmt),
    ]
    if source and not tooltip:
        tips.append(alt.Tooltip(f"{source}:N", title="来源"))
    # one agency over several years reads as a time line: its bars in year order, not ranked by value
    one_agency = "year" in d.columns and "label" in d.columns and label != "label" and d["label"].n_unique() == 1
    order = (
        alt.EncodingSortField(field="year", op="min", order="ascending")
        if one_agency
        else alt.EncodingSortField(field="_x", op="max", order="descending")
    )
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    present = set(d[color].to_list()) if color else set()
    enc_color = (
        alt.Color(
            f"{color}:N", scale=scale([c for c in PALETTE if c in present] + sorted(present - set(PALETTE))), title=None
        )
        if color
        else alt.value(PALETTE["予以公开"] if rate else PALETTE["政府公报"])
    )
    base = alt.Chart(d.to_pandas()).encode(y=y)
    integral = not rate and all(float(v).is_integer() for v in d["_x"].to_list())
    # a rate past 100 % (a report contradicting itself) widens the axis to show it, never draws past the axis
    top = max(1.0, float(d["_x"].max() or 0)) if d.height else 1.0
    axis = (
        share_axis(top)
        if rate
        else alt.Axis(format=fmt if integral else ",.2~f", tickMinStep=1 if integral else alt.Undefined)
    )
    xscale = alt.Scale(domain=[0, top], nice=False) if rate else alt.Undefined
    bars = base.mark_bar().encode(
        x=alt.X("_x:Q", title=value_title, axis=axis, scale=xscale), color=enc_color, tooltip=tips
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(x="_x:Q", text="_text:N")
    layer = (bars + text).properties(height=alt.Step(24))
    if row and d[row].n_unique() > 1:
        order = [v for v in LEVEL_ORDER_ZH if v in set(d[row].to_list())] or sorted(d[row].unique().to_list())
        chart = (
            layer.properties(width=620)
            .facet(
                row=alt.Row(
                    f"{row}:N",
                    sort=order,
                    title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"),
                ),
            )
            .resolve_scale(y="independent", x="independent")
        )
        return chart.properties(title=title) if title else chart
    layer = layer.properties(width="container")
    return layer.properties(title=title) if title else layer


LEVEL_ORDER_ZH = ["国家", "省级", "地市级", "县级", "乡镇（街道）", "未知"]


def stacked_shares(
    df: pl.DataFrame,
    label: str,
    category: str,
    value: str,
    order: list[str],
    normalize: bool = True,
    title: str = "",
    source: str | None = None,
) -> alt.Chart:
    """One horizontal bar per agency/year split by category; normalize=True gives 100 % shares."""
    # blank cells (null) are left out rather than drawn as 0 (a null would also break Vega's stacking)
    d = df.filter(pl.col(category).is_in(order) & pl.col(value).is_not_null()).with_columns(
        pl.col(category).replace_strict(order, range(len(order)), return_dtype=pl.Int64).alias("_ord")
    )
    stack = "normalize" if normalize else "zero"
    x = alt.X(
        f"sum({value}):Q",
        stack=stack,
        title="占比" if normalize else "数量",
        axis=share_axis() if normalize else alt.Axis(format=",.0f", tickMinStep=1),  # counts: whole ticks
        scale=alt.Scale(domain=[0, 1], nice=False) if normalize else alt.Undefined,
    )
    chart = (
        alt.Chart(d.to_pandas(), title=title or alt.Undefined)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT), sort=None),
            x=x,
            color=alt.Color(f"{category}:N", scale=scale(order), title=None, sort=order),
            order=alt.Order("_ord:Q"),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="机构"),
                alt.Tooltip(f"{category}:N", title="类别"),
                alt.Tooltip(f"{value}:Q", title="数量", format=",.0f"),
            ]
            + ([alt.Tooltip(f"{source}:N", title="来源")] if source else []),
        )
        .properties(height=alt.Step(24), width="container")
    )
    if source:  # segments taken from the prose (据正文) are drawn paler and hatched by a dashed outline
        chart = chart.encode(
            opacity=alt.condition(alt.datum[source] == "据正文", alt.value(0.5), alt.value(1.0)),
            strokeDash=alt.condition(alt.datum[source] == "据正文", alt.value([3, 2]), alt.value([1, 0])),
            stroke=alt.condition(alt.datum[source] == "据正文", alt.value("#333333"), alt.value(None)),
        )
    return chart


def trend(
    df: pl.DataFrame,
    y: str,
    color: str,
    title: str = "",
    y_title: str = "",
    rate: bool = False,
    source: str | None = None,
    domain: list[str] | None = None,
) -> alt.LayerChart:
    """Lines over years, one per category/agency; points taken from prose are hollow and labelled 据正文. A single
    year is drawn as labelled bars, one per category (a line of one point reads as a scatter of dots)."""
    d = df.filter(pl.col(y).is_not_null())
    fmt = ".0%" if rate else ",.0f"
    sc = scale(domain) if domain else alt.Undefined
    if d["year"].n_unique() == 1:
        return _one_year_bars(d, y, color, title, y_title, fmt, sc, domain)
    base = alt.Chart(d.to_pandas(), title=title or alt.Undefined).encode(
        x=alt.X("year:O", title="年度", axis=alt.Axis(labelAngle=0), scale=_dodged(rate)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=fmt)),
        color=alt.Color(f"{color}:N", title=None, scale=sc, legend=alt.Legend(labelLimit=300, columns=3)),
    )
    if rate:
        base = base.encode(xOffset=alt.XOffset(f"{color}:N"))
    tips = [
        alt.Tooltip("year:O", title="年度"),
        alt.Tooltip(f"{color}:N", title="类别"),
        alt.Tooltip(f"{y}:Q", title=y_title or "数值", format=".1%" if rate else ",.2f"),
    ]
    if source:
        tips.append(alt.Tooltip(f"{source}:N", title="来源"))
    layers = [base.mark_line(point=alt.OverlayMarkDef(filled=True, size=50)).encode(tooltip=tips)]
    if source and (d[source] == "据正文").any():
        layers.append(
            base.transform_filter(alt.datum[source] == "据正文")
            .mark_text(dy=-10, fontSize=11)
            .encode(text=alt.value("据正文"))
        )
    return alt.layer(*layers).properties(height=280, width="container")


def _dodged(rate: bool, domain: list | None = None) -> alt.Scale:
    """The year axis of a trend: for a rate (where equal values, 0 % or 100 %, are common) a band per year in which
    each series is nudged sideways (xOffset), so equal points of different series sit side by side, not on top."""
    if not rate:
        return alt.Scale(domain=domain) if domain is not None else alt.Undefined
    return alt.Scale(type="band", paddingInner=0.2, **({"domain": domain} if domain is not None else {}))


def _one_year_bars(d, y, color, title, y_title, fmt, sc, domain) -> alt.LayerChart:
    """`trend` of one year: a bar per category, its value written at its end, the year in the axis title."""
    year = d["year"][0]
    base = alt.Chart(d.to_pandas(), title=title or alt.Undefined).encode(
        y=alt.Y(f"{color}:N", title=None, sort=domain or "-x", axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X(f"{y}:Q", title=f"{y_title}（{year}年）" if y_title else f"{year}年", axis=alt.Axis(format=fmt)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(f"{color}:N", title=None, scale=sc, legend=None),
        tooltip=[
            alt.Tooltip("year:O", title="年度"),
            alt.Tooltip(f"{color}:N", title="类别"),
            alt.Tooltip(f"{y}:Q", title=y_title or "数值", format=".1%" if fmt == ".0%" else ",.2f"),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(text=alt.Text(f"{y}:Q", format=fmt))
    return alt.layer(bars, text).properties(height=alt.Step(28), width="container")


def coverage_matrix(df: pl.DataFrame) -> alt.LayerChart:
    """Agency × year; each cell coloured by what the warehouse holds, 缺失 where no report was found."""
    order = ORDER["status"]
    d = df.with_columns(pl.col("n_reports").cast(pl.Utf8).alias("_n"))
    y = alt.Y(
        "agency_name:N",
        title=None,
        sort=alt.EncodingSortField("level_rank", op="min"),
        axis=alt.Axis(labelLimit=LABEL_LIMIT),
    )
    base = alt.Chart(d.to_pandas()).encode(
        x=alt.X("year:O", title="年度", axis=alt.Axis(labelAngle=0, orient="top")), y=y
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("status:N", scale=scale(order), sort=order, title=None),
        tooltip=[
            alt.Tooltip("agency_name:N", title="机构"),
            alt.Tooltip("level_zh:N", title="层级"),
            alt.Tooltip("year:O", title="年度"),
            alt.Tooltip("status:N", title="状态"),
            alt.Tooltip("scopes:N", title="范围"),
            alt.Tooltip("n_failed_checks:Q", title="未通过核对"),
            *([alt.Tooltip("fate_zh:N", title="撤并")] if "fate_zh" in df.columns else []),
        ],
    )
    text = base.transform_filter("datum.n_reports > 1").mark_text(fontSize=10).encode(text="_n:N")
    return (rect + text).properties(height=alt.Step(26), width="container")


def grouped_bars(
    df: pl.DataFrame, label: str, category: str, value: str, order: list[str], title: str = "", x_title: str = "数量"
) -> alt.Chart:
    """Side-by-side bars per agency (yOffset by category) for counts that must not be stacked."""
    d = df.filter(pl.col(category).is_in(order))
    return (
        alt.Chart(d.to_pandas(), title=title or alt.Undefined)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT), sort=None),
            yOffset=alt.YOffset(f"{category}:N", sort=order),
            x=alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(format=",.0f", tickMinStep=1)),  # whole counts
            color=alt.Color(f"{category}:N", scale=scale(order), sort=order, title=None),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="机构"),
                alt.Tooltip(f"{category}:N", title="类别"),
                alt.Tooltip(f"{value}:Q", title="数量", format=",.2f"),
            ],
        )
        .properties(height=alt.Step(12), width="container")
    )  # 12 px a bar, whatever the agency count


HIGHLIGHT = "#e15759"
PEER = "#a0cbe8"


def peer_band(n: int) -> int:
    """Pixels a bar of a peer strip of `n` agencies: roomy for a small group (its names and the highlight legible),
    12 up to 80 peers, then the whole strip ~960 px."""
    if n <= 80:
        return max(12, min(PEER_BAND_MAX, 480 // max(n, 1)))
    return max(1, 960 // n)


PEER_BAND_MAX = 28


def peer_ranking(
    df: pl.DataFrame,
    value: str,
    label: str,
    highlight: str | None,
    named: list[str],
    stats: dict,
    value_title: str = "",
    rate: bool = False,
) -> alt.LayerChart:
    """A whole peer group as one sorted bar strip (largest first), any size: the chosen agency in red, the median
    (solid) and quartiles (dashed) as rules across it, and only the agencies in `named` (top, bottom, chosen)
    labelled, so the labels never collide however many peers there are. A click on a bar selects its report."""
    d = (
        df.filter(pl.col(value).is_not_null())
        .sort(value, descending=True)
        .with_columns((pl.col(label) == (highlight or "")).alias("_chosen"))
    )
    n = d.height
    band = peer_band(n)
    names = [x for x in named if x]
    label_expr = (
        ("indexof(" + str(names).replace("'", '"') + ", datum.value) >= 0 ? datum.value : ''") if names else "''"
    )
    integral = bool(n) and all(float(x).is_integer() for x in d[value].to_list())
    fmt = ".1%" if rate else (",.0f" if integral else ",.2~f")
    top = max(1.0, float(d[value].max() or 0)) if n else 1.0  # a share's axis runs to 100 % (or past it)
    pick = alt.selection_point(fields=["report_id"], name="pick")
    y = alt.Y(
        f"{label}:N",
        sort=alt.EncodingSortField(field=value, order="descending"),
        title=None,
        axis=alt.Axis(
            labelExpr=label_expr,
            labelFontSize=11 if band >= 20 else 10,
            ticks=False,
            labelOverlap=False,
            labelLimit=LABEL_LIMIT,
        ),
    )
    base = alt.Chart(d.to_pandas())
    bars = (
        base.mark_bar()
        .encode(
            y=y,
            x=alt.X(
                f"{value}:Q",
                title=value_title,
                axis=share_axis(top)
                if rate
                else alt.Axis(format=fmt, tickMinStep=alt.Undefined if not integral else 1),
                scale=alt.Scale(domain=[0, top], nice=False) if rate else alt.Undefined,
            ),
            color=alt.condition("datum._chosen", alt.value(HIGHLIGHT), alt.value(PEER)),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="机构"),
                alt.Tooltip(f"{value}:Q", title=value_title or "数值", format=".1%" if rate else ",.2f"),
            ],
        )
        .add_params(pick)
    )
    rules = pl.DataFrame(
        {"v": [stats["q1"], stats["median"], stats["q3"]], "what": ["下四分位数", "中位数", "上四分位数"]}
    )
    rule = (
        alt.Chart(rules.to_pandas())
        .mark_rule(color="#333333")
        .encode(
            x="v:Q",
            strokeDash=alt.condition(alt.datum.what == "中位数", alt.value([1, 0]), alt.value([4, 3])),
            tooltip=[alt.Tooltip("what:N", title="统计量"), alt.Tooltip("v:Q", title="数值", format=fmt)],
        )
    )
    rule_text = (
        alt.Chart(rules.filter(pl.col("what") == "中位数").to_pandas())
        .mark_text(align="left", dx=4, dy=-4, fontSize=11, color="#333333", baseline="bottom")
        .encode(x="v:Q", y=alt.value(0), text=alt.value("中位数"))
    )
    # the height is the bars' own (a step a bar), never a fixed total that the title and axis would eat into
    return alt.layer(bars, rule, rule_text).properties(height=alt.Step(band), width="container")


def gapped_trend(
    df: pl.DataFrame, y: str, series: str, y_title: str = "", rate: bool = False, years: list[int] | None = None
) -> alt.LayerChart:
    """Lines over years in order, one per series (an agency's 本级 and 汇总 reports are separate series); a year
    without a figure is a gap in its line, never bridged. `df` holds one row per series and year present."""
    d = df.filter(pl.col(y).is_not_null()).sort(series, "year")
    # consecutive years of a series share a segment; a missing year starts a new one (the line breaks there)
    d = d.with_columns((pl.col("year") - pl.col("year").rank("ordinal").over(series)).alias("_seg"))
    d = d.with_columns((pl.col(series) + "#" + pl.col("_seg").cast(pl.Utf8)).alias("_segment"))
    fmt = ".0%" if rate else ",.0f"
    domain = years or (list(range(int(d["year"].min()), int(d["year"].max()) + 1)) if d.height else [])
    base = alt.Chart(d.to_pandas()).encode(
        x=alt.X("year:O", title="年度", scale=_dodged(rate, domain), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=fmt)),
        color=alt.Color(f"{series}:N", title=None, legend=alt.Legend(labelLimit=300, columns=2)),
        tooltip=[
            alt.Tooltip("year:O", title="年度"),
            alt.Tooltip(f"{series}:N", title="机构"),
            alt.Tooltip(f"{y}:Q", title=y_title or "数值", format=".1%" if rate else ",.2f"),
        ],
    )
    if rate:
        base = base.encode(xOffset=alt.XOffset(f"{series}:N"))
    lines = base.mark_line().encode(detail="_segment:N")
    points = base.mark_point(filled=True, size=50)
    return alt.layer(lines, points).properties(height=300, width="container")
