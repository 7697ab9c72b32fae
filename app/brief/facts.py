"""What a 通报 says, gathered before anything is written: the region's coverage for the year (app/coverage.py), its
headline figures from the dashboard's own named queries (app/sql: headline, headline_change, outcomes_by_year,
review_by_year, failed_checks), the scorecard's ranking and deductions (scoring/), the problems of each unit with
their evidence, the slide-ready charts (app/charts.py, app/files.py) and, when tracked, each unit's 整改 items.

The queries run on a connection limited to the region exactly as a signed-in user's pages are
(app/queries.restrict), with the filters a user of the dashboard would set (that year, that province/prefecture), so
every figure equals the dashboard's on the same filter. A blank stays None here (written “—”), never 0."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from app import coverage as cov
from app import queries
from app.queries import Filters, Region
from scoring.export import deduction_text
from scoring.rubric import Rubric, load_rubric
from scoring.scorecard import score_warehouse
from warehouse import labels
from warehouse.connect import connect

log = logging.getLogger(__name__)

# the headline measures of 主要数据: headline.sql's column -> (name, unit)
HEADLINE = {
    "active_total": ("主动公开政府信息", "条"),
    "received": ("收到政府信息公开申请", "件"),
    "review_total": ("行政复议", "件"),
    "litigation_total": ("行政诉讼", "件"),
}
OUTCOMES = {"granted": "予以公开", "partial": "部分公开", "denied": "不予公开", "unable": "无法提供"}
# the order of 存在的问题 (warehouse/vocabulary.csv problem_kind)
PROBLEM_ORDER = ["missing", "late", "check", "continuity", "text_agree", "format", "copied"]


@dataclass
class Problem:
    agency_id: str
    agency: str
    kind: str  # warehouse.labels.PROBLEM_ZH
    key: str  # what a 整改项 re-checks: the rule id, 'late', 'missing', the indicator …
    detail: str  # the evidence, in words and figures
    report_id: str | None = None


@dataclass
class Brief:
    year: int
    region: Region
    rubric: Rubric
    coverage: pl.DataFrame  # app/coverage.py COLUMNS
    headline: dict | None  # headline.sql's row of the year (None: no report counted)
    headline_prev: dict | None
    change: dict[str, dict]  # headline_change.sql: measure -> {n_agencies, cur, prev}
    outcomes: dict | None  # outcomes_by_year.sql's row of the year
    outcomes_prev: dict | None
    review: dict[str, dict]  # review_by_year.sql: 行政复议 / 行政诉讼 -> row of the year
    review_prev: dict[str, dict]
    scores: pl.DataFrame  # the scorecard's rows of the year
    evidence: pl.DataFrame  # its deductions of the year
    problems: list[Problem]
    charts: list[tuple[str, bytes]] = field(default_factory=list)  # (caption, slide PNG)
    chart_notes: list[str] = field(default_factory=list)  # why a chart is not there
    demo: bool = False  # the warehouse holds synthetic reports (app/demo.py): every page and chart says so
    tracking: dict[str, list[dict]] = field(default_factory=dict)  # agency_id -> its 整改 items (audit/rectify.py)
    places: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # agency_id -> province, prefecture
    counties: dict[str, str | None] = field(default_factory=dict)  # agency_id -> county
    by_place: pl.DataFrame | None = None  # headline_by_place.sql of the year (the maps)
    rostered: bool = False  # coverage from the roster (机构名录), not inferred from the reports held

    @property
    def region_zh(self) -> str:
        return "".join(p for p in (self.region.province, self.region.prefecture) if p) or "全部地区"

    @property
    def title(self) -> str:
        return f"关于{self.region_zh}{self.year}年度政府信息公开工作年度报告情况的通报"

    def filter_zh(self) -> str:
        from app.demo import NOTE

        return f"筛选：{self.year}年，{self.region_zh}" + (f"（{NOTE}）" if self.demo else "")

    def counts(self) -> dict[str, int]:
        """Agencies per coverage status, and those expected to report."""
        by = dict(self.coverage.group_by("status").len().iter_rows())
        out = {s: int(by.get(s, 0)) for s in labels.COVERAGE_ZH}
        out["expected"] = sum(out[s] for s in cov.EXPECTED)
        out["published"] = out["on_time"] + out["late"] + out["undated"]
        return out

    def problems_of(self, agency_id: str) -> list[Problem]:
        return [p for p in self.problems if p.agency_id == agency_id]


def region_filters(year: int | None, region: Region) -> Filters:
    """The dashboard's filters for a year and a region (the sidebar's 年度 and 省/地市)."""
    return Filters(
        years=(year,) if year is not None else (),
        provinces=(region.province,) if region.province else (),
        prefectures=(region.prefecture,) if region.prefecture else (),
    )


def gather(
    wh: Path | str,
    year: int,
    region: Region = Region(),
    rubric: Rubric | None = None,
    fates: str = "[]",
    tracking: dict[str, list[dict]] | None = None,
    with_charts: bool = True,
) -> Brief:
    """Everything the 通报 of `year` for `region` says. `fates`: the agencies marked abolished or merged
    (audit/fates.py fates_json); `tracking`: each agency's 整改 items."""
    rubric = rubric or load_rubric()
    con = connect(Path(wh) if not str(wh).startswith(("s3://", "http")) else wh)
    if region:
        queries.restrict(con, region)
    every = region_filters(None, region)
    f = region_filters(year, region)
    coverage = cov.coverage(con, every, year, fates, rubric)
    head = queries.execute(con, "headline", every)
    rows = {r["year"]: r for r in head.iter_rows(named=True)}
    change = {
        r["measure"]: r for r in queries.execute(con, "headline_change", every, {"year": year}).iter_rows(named=True)
    }
    oy = {r["year"]: r for r in queries.execute(con, "outcomes_by_year", every).iter_rows(named=True)}
    ry: dict[int, dict[str, dict]] = {}
    for r in queries.execute(con, "review_by_year", every).iter_rows(named=True):
        ry.setdefault(r["year"], {})[r["kind"]] = r
    places = {
        "province": [region.province] if region.province else [],
        "prefecture": [region.prefecture] if region.prefecture else [],
    }
    sc = score_warehouse(wh, rubric, years=[year - 1, year], places=places)
    scores = sc.scores.filter(pl.col("year") == year)
    evidence = sc.evidence.filter(pl.col("year") == year)
    agency_of = dict(zip(scores["report_id"].to_list(), scores["agency_id"].to_list()))
    checks = queries.execute(con, "failed_checks", f)
    ids = queries.execute(con, "published", f).select("report_id", "agency_id", "agency")
    brief = Brief(
        year=year,
        region=region,
        rubric=rubric,
        coverage=coverage,
        rostered=cov.from_roster(con),
        headline=rows.get(year),
        headline_prev=rows.get(year - 1),
        change=change,
        outcomes=oy.get(year),
        outcomes_prev=oy.get(year - 1),
        review=ry.get(year, {}),
        review_prev=ry.get(year - 1, {}),
        scores=scores,
        evidence=evidence,
        problems=_problems(coverage, checks.join(ids, on="report_id", how="left"), evidence, agency_of, year),
        tracking=tracking or {},
    )
    for r in queries.execute(con, "filter_options", every).iter_rows(named=True):
        if r["agency_id"] is not None:
            brief.places[r["agency_id"]] = (r["province"], r["prefecture"])
            brief.counties[r["agency_id"]] = r["county"]
    brief.by_place = queries.execute(con, "headline_by_place", f)
    brief.demo = bool(queries.execute(con, "demo_reports", every)["demo_reports"][0])
    if with_charts:
        from app.brief import figures

        brief.charts = figures.slides(brief, head)
    return brief


def number(v, unit: str = "") -> str:
    """A figure as the document prints it: 1,234 (or 12.5), '—' for a blank (never 0)."""
    if v is None:
        return "—"
    v = float(v)
    text = f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
    return text + unit


def rate(v) -> str:
    return "—" if v is None else f"{float(v):.1%}"


def _day(d) -> str:
    return f"{d:%Y年%m月%d日}" if d is not None else "—"


def _problems(
    coverage: pl.DataFrame, checks: pl.DataFrame, evidence: pl.DataFrame, agency_of: dict, year: int
) -> list[Problem]:
    out: list[Problem] = []
    for c in coverage.iter_rows(named=True):
        if c["status"] == "late":
            out.append(
                Problem(
                    c["agency_id"],
                    c["agency"],
                    "late",
                    "late",
                    f"应于{_day(c['deadline'])}前发布（{c['deadline_basis']}），实际发布于{_day(c['publish_date'])}，"
                    f"迟报 {c['days_late']} 天",
                    c["report_id"],
                )
            )
        elif c["status"] in ("missing", "not_found"):
            why = "采集时其网站年报栏目中没有该年度报告" if c["status"] == "not_found" else "库中没有该年度报告"
            out.append(Problem(c["agency_id"], c["agency"], "missing", "missing", f"未发布{year}年度报告（{why}）"))
    for r in checks.iter_rows(named=True):
        family = r["rule"].split(".", 1)[0]
        kind = {"xyear": "continuity", "text": "text_agree"}.get(family, "check")
        figures = ""
        if r["expected"] is not None and r["actual"] is not None:
            figures = f"（核对得 {number(r['expected'])} ≠ 报告填写 {number(r['actual'])}）"
        out.append(
            Problem(
                r["agency_id"] or r["report_id"],
                r["agency"] or r["agency_name"],
                kind,
                r["rule"],
                f"{r['rule_zh']}（{r['severity_zh']}）：{r['message']}{figures}",
                r["report_id"],
            )
        )
    lost = evidence.filter((pl.col("lost") > 0) & pl.col("indicator").is_in(["format", "originality"]))
    for e in lost.iter_rows(named=True):
        kind = "format" if e["indicator"] == "format" else "copied"
        aid = agency_of.get(e["report_id"], e["report_id"])
        out.append(Problem(aid, e["agency"], kind, e["indicator"], deduction_text(e["message"]), e["report_id"]))
    return sorted(out, key=lambda p: PROBLEM_ORDER.index(p.kind))
