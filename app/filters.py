"""Global filters in the sidebar, bound to URL query params so a view can be shared as a link.
Every page reads the same Filters object (`current()`), computed once per run by the router (app/router.py); it
carries the signed-in user's region limit, which no choice here can widen."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import queries
from app.queries import Filters
from warehouse.labels import KIND_ZH, LEVEL_ORDER, LEVEL_ZH, TEMPLATE_ZH, VARIANT_ZH  # noqa: F401  (re-exported)

SCOPES = {"all": "全部（逐份列出）", "self": "本级报告", "aggregate": "汇总报告"}
KEYS = ("year", "province", "prefecture", "county", "level", "kind", "template", "agency", "scope")
AGENCY_LIST_MAX = 1000  # a longer agency list (a national warehouse) is searched by name before it is offered


def _opts(df: pl.DataFrame, col: str) -> list:
    return sorted(v for v in df[col].unique().to_list() if v is not None)


def sidebar() -> Filters:
    """Draw the filters and return the selection. Options narrow with the place chosen above them."""
    options = queries.run("filter_options")
    _codes_in_link(options)
    sb = st.sidebar
    sb.markdown("### 筛选")
    years = sb.multiselect(
        "年度", _opts(options, "year"), key="year", bind="query-params", select_all=False, placeholder="全部年度"
    )
    provinces = sb.multiselect(
        "省（区、市）",
        _opts(options, "province"),
        key="province",
        bind="query-params",
        select_all=False,
        placeholder="全部",
    )
    o = options.filter(pl.col("province").is_in(provinces)) if provinces else options
    prefectures = sb.multiselect(
        "地市", _opts(o, "prefecture"), key="prefecture", bind="query-params", select_all=False, placeholder="全部"
    )
    o = o.filter(pl.col("prefecture").is_in(prefectures)) if prefectures else o
    counties = sb.multiselect(
        "县区", _opts(o, "county"), key="county", bind="query-params", select_all=False, placeholder="全部"
    )
    o = o.filter(pl.col("county").is_in(counties)) if counties else o
    levels_present = [lv for lv in LEVEL_ORDER if lv in set(options["level"].to_list())]
    levels = sb.multiselect(
        "层级",
        levels_present,
        format_func=lambda v: LEVEL_ZH.get(v, v),
        key="level",
        bind="query-params",
        select_all=False,
        placeholder="全部层级",
    )
    kinds = sb.multiselect(
        "机关类型",
        _opts(options, "agency_kind"),
        format_func=lambda v: KIND_ZH.get(v, v),
        key="kind",
        bind="query-params",
        select_all=False,
        placeholder="政府和部门",
    )
    templates = sb.multiselect(
        "报告格式",
        _opts(options, "template"),
        format_func=lambda v: TEMPLATE_ZH.get(v, v),
        key="template",
        bind="query-params",
        select_all=False,
        placeholder="全部格式",
    )
    if levels:
        o = o.filter(pl.col("level").is_in(levels))
    if kinds:
        o = o.filter(pl.col("agency_kind").is_in(kinds))
    agencies = _agency_picker(sb, options, o)
    scope = sb.radio(
        "报告范围",
        list(SCOPES),
        format_func=SCOPES.get,
        key="scope",
        bind="query-params",
        help="汇总报告（本报告由…汇总编制）包含下级机关的数字。合计时，汇总报告替代其覆盖范围内的各份报告，"
        "绝不与之相加；逐份列出时以“（汇总）”标明。",
    )
    f = Filters(
        years=tuple(years),
        provinces=tuple(provinces),
        prefectures=tuple(prefectures),
        counties=tuple(counties),
        levels=tuple(levels),
        kinds=tuple(kinds),
        templates=tuple(templates),
        agencies=tuple(agencies),
        scope=scope or "all",
        region=queries.session_region(),
    )
    st.session_state["_filters"] = f
    return f


# URL key -> code -> the value the widget keeps in the URL (its Chinese label): a link may use either
_LINK_CODES = {"level": LEVEL_ZH, "kind": KIND_ZH, "template": TEMPLATE_ZH, "scope": SCOPES}


def _codes_in_link(options: pl.DataFrame) -> None:
    """A shared link may name filter values by code (?level=county&kind=government&scope=aggregate, an agency by its
    id) as well as in Chinese. The widgets keep Chinese labels in the URL, so on the first load of a link with codes
    their values are set from the codes (the widgets' own option values) before they are drawn."""
    qp = st.query_params
    for key, zh in _LINK_CODES.items():
        values = qp.get_all(key)
        if key in st.session_state or not any(v in zh for v in values):
            continue
        back = {label: code for code, label in zh.items()}
        codes = [v if v in zh else back.get(v) for v in values]
        codes = [c for c in codes if c is not None]
        st.session_state[key] = codes[0] if key == "scope" else codes
    ids = qp.get_all("agency")
    if ids and "agency" not in st.session_state:
        known = set(options["agency_id"].to_list())
        if any(a in known for a in ids):
            st.session_state["agency"] = [a for a in ids if a in known]


def _agency_picker(sb, options: pl.DataFrame, o: pl.DataFrame) -> list:
    """The 机构 multiselect. Up to AGENCY_LIST_MAX agencies are offered as they are; beyond that (every agency of a
    province or of the country) a search by name or place narrows the list first, so the browser is never sent 100,000 names.
    Agencies already chosen stay offered whatever the search (the URL holds them by name)."""
    o = o.select("agency_id", "agency_name").unique()
    if o.height > AGENCY_LIST_MAX:
        total = o.height
        q = sb.text_input(
            "搜索机构",
            key="agency_q",
            placeholder="输入机构或地名中的字词",
            help=f"符合上面筛选的机构共 {total:,} 个：输入机构名称或所在地名中的字词，再在下面选择。",
        ).strip()
        hit = pl.col("agency_name").str.contains(q, literal=True) | pl.col("agency_id").str.contains(q, literal=True)
        o = o.filter(hit).sort("agency_name") if q else o.clear()
        more = o.height > AGENCY_LIST_MAX
        o = o.head(AGENCY_LIST_MAX)
        sb.caption(
            f"名称含“{q}”的机构{'超过' if more else '共'} {o.height:,} 个" + ("，请输入更多字词" if more else "")
            if q
            else f"共 {total:,} 个机构，输入名称后选择"
        )
        chosen = set(st.session_state.get("agency") or [])
        by_name = set(st.query_params.get_all("agency"))
        o = pl.concat(
            [
                o,
                options.filter(pl.col("agency_id").is_in(chosen) | pl.col("agency_name").is_in(by_name)).select(
                    "agency_id", "agency_name"
                ),
            ]
        ).unique(maintain_order=True)
    names = dict(zip(o["agency_id"].to_list(), o["agency_name"].to_list()))
    return sb.multiselect(
        "机构",
        sorted(names, key=lambda a: names[a]),
        format_func=lambda a: names.get(a, a),
        key="agency",
        bind="query-params",
        select_all=False,
        placeholder="全部机构",
    )


def current() -> Filters:
    return st.session_state.get("_filters") or Filters()


def agency_names(ids) -> list[str]:
    """The display names of agencies chosen by id (the filter options hold them)."""
    if not ids:
        return []
    try:
        o = queries.run("filter_options").select("agency_id", "agency_name").unique("agency_id")
        names = dict(zip(o["agency_id"].to_list(), o["agency_name"].to_list()))
    except Exception:
        names = {}
    return [names.get(a, a) for a in ids]


def describe(f: Filters, names: bool = True) -> str:
    """The filter in words, agencies named: '筛选：2020年，县级，1 个机构：平潭综合实验区'."""
    parts = []
    if f.years:
        parts.append("、".join(str(y) for y in f.years) + "年")
    parts += list(f.provinces) + list(f.prefectures) + list(f.counties)
    parts += [LEVEL_ZH.get(v, v) for v in f.levels] + [KIND_ZH.get(v, v) for v in f.kinds]
    parts += [TEMPLATE_ZH.get(v, v) for v in f.templates]
    if f.agencies:
        shown = agency_names(f.agencies[:5]) if names else []
        more = f"等 {len(f.agencies)} 个" if len(f.agencies) > 5 else ""
        parts.append(f"{len(f.agencies)} 个机构" + (f"：{'、'.join(shown)}{more}" if shown else ""))
    if f.scope != "all":
        parts.append(SCOPES[f.scope])
    limit = (
        f"（您的账号限于{' / '.join(p for p in (f.region.province, f.region.prefecture) if p)}）" if f.region else ""
    )
    return "筛选：" + ("，".join(parts) if parts else "全部报告") + limit


def places(f: Filters) -> dict[str, list[str]] | None:
    """The places a selection names, the region limit included, for readers outside the query layer (the
    scorecard reads the warehouse's tables by place): {"province": [...], "prefecture": [...], "county": [...]}.
    None when the choice and the limit exclude each other (no report)."""
    chosen = {"province": list(f.provinces), "prefecture": list(f.prefectures), "county": list(f.counties)}
    for col, limit in (("province", f.region.province), ("prefecture", f.region.prefecture)):
        if limit:
            if chosen[col] and limit not in chosen[col]:
                return None
            chosen[col] = [limit]
    return {k: v for k, v in chosen.items() if v}


def year_ranges(years) -> str:
    """[2011, 2012, 2013, 2015] -> '2011–2013、2015'."""
    ys = sorted(int(y) for y in years)
    out, start = [], None
    for i, y in enumerate(ys):
        if start is None:
            start = y
        if i + 1 == len(ys) or ys[i + 1] != y + 1:
            out.append(str(start) if start == y else f"{start}–{y}")
            start = None
    return "、".join(out)


def year_ranges_of(years: pl.Series) -> pl.Series:
    """`year_ranges` of every list in a list column, vectorised (no Python callback inside Polars)."""
    rows = pl.DataFrame({"_row": pl.int_range(len(years), eager=True), "y": years}).explode("y").drop_nulls("y")
    runs = (
        rows.sort("_row", "y")
        .with_columns(run=pl.col("y") - pl.int_range(pl.len()).over("_row"))
        .group_by("_row", "run")
        .agg(lo=pl.col("y").min(), hi=pl.col("y").max())
        .sort("_row", "lo")
        .with_columns(
            text=pl.when(pl.col("lo") == pl.col("hi"))
            .then(pl.col("lo").cast(pl.Utf8))
            .otherwise(pl.format("{}–{}", "lo", "hi"))
        )
        .group_by("_row", maintain_order=True)
        .agg(pl.col("text").str.join("、"))
    )
    joined = pl.DataFrame({"_row": pl.int_range(len(years), eager=True)}).join(runs, on="_row", how="left")
    return joined.sort("_row")["text"].fill_null("").alias(years.name)
