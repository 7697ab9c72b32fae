"""Score every report of a warehouse: points per indicator, total (0-100), grade, rank in its peer group,
change on the agency's previous year, and the evidence for every deduction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from etl.recognise import recognise
from scoring import similarity as sim
from scoring.indicators import ReportContext, evaluate
from scoring.rubric import Rubric, load_rubric
from warehouse.contract import APPLICANT_ZH, catalogue
from warehouse.labels import KIND_ZH, LEVEL_ZH
from warehouse.paths import ROOT as REPO_ROOT
from warehouse.sources import resolve
from warehouse.tables import is_remote, read_table
from warehouse.tables import warehouse_dir as _warehouse_dir

METRIC_COLUMNS = ["report_id", "metric", "applicant", "basis", "value", "source"]  # what the indicators read
LARGE_YEAR = 5000  # the page asks before scoring more reports of one year than this, no place chosen
SECONDS_PER_REPORT = 0.007  # measured: 7 800 reports (with last year's texts) in 54 s on 2 cores; a national
# year of 78 274 in 6 min, peak 3.6 GB
# the columns the ranking needs, for a scope without reports (a place that had none that year)
_EMPTY_SCORES = {
    "report_id": pl.String,
    "agency_id": pl.String,
    "agency": pl.String,
    "year": pl.Int32,
    "peer_group": pl.String,
    "total": pl.Float64,
    "grade": pl.String,
    "corrected": pl.String,
}


@dataclass
class Scorecard:
    rubric: Rubric
    scores: pl.DataFrame  # one row per scored report
    evidence: pl.DataFrame  # one row per deduction (or noteworthy fact)

    def indicator_columns(self) -> list[tuple[str, str]]:
        """(column, label) of the per-indicator points columns, in rubric order."""
        return [(f"pts_{i.id}", i.label) for i in self.rubric.indicators]

    def peer_groups(self) -> list[str]:
        return sorted(self.scores["peer_group"].unique().to_list())


# ---------------------------------------------------------------------------------------------- warehouse


def warehouse_dir() -> Path:
    """The warehouse the dashboard uses: WAREHOUSE_DIR, or data/warehouse."""
    return Path(_warehouse_dir())


def read_text(source_file: str | None, bases: list[Path]) -> str | None:
    path = resolve(source_file, bases)
    if path is None:
        return None
    try:
        from etl.read import read_document

        return read_document(path).text
    except Exception:
        return None


# ---------------------------------------------------------------------------------------------- scoring


def peer_label(row: dict, by: tuple[str, ...]) -> str:
    parts = []
    for col in by:
        v = row.get(col)
        if col == "level":
            v = LEVEL_ZH.get(v, v)
        elif col == "agency_kind":
            v = KIND_ZH.get(v, v)
        elif col == "parent" and not v and row.get("level") in ("province", "national"):
            v = "全国"  # provinces and central departments answer to no place
        parts.append(v or "未知")
    return " · ".join(parts) if parts else "全部"


def report_years(wh: str | Path) -> dict[int, int]:
    """Reports of each year a warehouse holds, newest year first."""
    ids = read_table(wh if is_remote(wh) else Path(wh), "reports", columns=["year", "report_id"])
    counts = ids.drop_nulls("year").group_by("year").len()
    return dict(sorted(zip(counts["year"].to_list(), counts["len"].to_list()), reverse=True))


def score_warehouse(
    wh: str | Path,
    rubric: Rubric | None = None,
    read_texts: bool = True,
    base_dirs: list[Path] | None = None,
    years: list[int] | None = None,
    places: dict[str, list[str]] | None = None,
    waived: set[tuple[str, str, str]] | None = None,
) -> Scorecard:
    """Score a warehouse in a local folder or on object storage (the report texts are then looked for locally).
    `waived`: failed checks a supervisor marked 规则误报（不扣分）, as (file_sha256, rule, message): not deducted.
    `years`: score only the reports of these years (the year before them is read as well, for the comparison
    with last year's text) — a national warehouse is scored a year at a time. `places`: only the reports of
    these places ({"province": [...], "prefecture": [...], "county": [...]}); ranks are then within them."""
    wh = wh if is_remote(wh) else Path(wh)
    local = [] if is_remote(wh) else [wh.parent]
    scope = {k: v for k, v in (places or {}).items() if v}
    scored = {**scope, "year": sorted(years)} if years is not None else scope
    reports = read_table(
        wh, "reports", {**scope, "year": sorted({*years, min(years) - 1})} if years is not None else scope or None
    )  # the year before: its texts only
    metrics = read_table(wh, "metrics", scored or None, columns=METRIC_COLUMNS)
    checks = read_table(wh, "checks", scored or None)
    return score_tables(
        reports,
        metrics,
        checks,
        rubric,
        read_texts,
        base_dirs or [Path.cwd(), REPO_ROOT, *local],
        years=years,
        unpublished=unpublished(wh, scored),
        waived=waived,
    )


UNPUBLISHED = "未发布年报"


def unpublished(wh: str | Path, scope: dict[str, list]) -> pl.DataFrame | None:
    """The roster's agency-years without a report (coverage: 缺报 or 网站未找到, etl/roster) within `scope`; None when
    the warehouse was built without a roster (then only the reports held are scored)."""
    path = None if is_remote(wh) else Path(wh) / "coverage.parquet"
    if path is None or not path.exists():
        return None
    cov = pl.read_parquet(path).filter(pl.col("status").is_in(["missing", "not_found"]))
    for col, values in scope.items():
        cov = cov.filter(pl.col(col).is_in(list(values)))
    return cov


def _unpublished_row(rubric: Rubric, u: dict) -> tuple[dict, dict]:
    """An agency of the roster that published no report that year: 0 points on every indicator."""
    row = {
        "report_id": None,
        "agency_id": u["agency_id"],
        "agency": u["agency"],
        "agency_short": u["agency"],
        "year": u["year"],
        "agency_kind": "department" if u["kind"] == "department" else "government",
        "level": u["level"],
        "parent": u["parent"],
        "publish_date": None,
        "province": u["province"],
    }
    row["peer_group"] = peer_label(row, rubric.peer_by)
    for ind in rubric.indicators:
        row[f"pts_{ind.id}"] = 0.0
        row[f"max_{ind.id}"] = float(ind.weight)
        row[f"val_{ind.id}"] = None
    maxed = float(sum(ind.weight for ind in rubric.indicators))
    row |= dict(corrected=None, points=0.0, max_points=maxed, total=0.0, grade=rubric.grade_for(0.0))
    reason = "网站年报栏目中没有这一年的报告" if u["status"] == "not_found" else "机构名录中的机构，这一年没有发布年报"
    evidence = {
        "report_id": None,
        "agency": u["agency"],
        "year": u["year"],
        "peer_group": row["peer_group"],
        "indicator": "published",
        "indicator_label": UNPUBLISHED,
        **{"kind": "unpublished", "message": f"{UNPUBLISHED}：{reason}（缺报），各项均为 0 分", "lost": maxed},
        "this": None,
        "other": None,
        "source": None,
    }
    row.pop("province")
    return row, evidence


def score_tables(
    reports: pl.DataFrame,
    metrics: pl.DataFrame,
    checks: pl.DataFrame,
    rubric: Rubric | None = None,
    read_texts: bool = True,
    base_dirs: list[Path] | None = None,
    texts: dict[str, str | None] | None = None,
    years: list[int] | None = None,
    unpublished: pl.DataFrame | None = None,
    waived: set[tuple[str, str, str]] | None = None,
) -> Scorecard:
    """`years`: score only the reports of these years; the other reports given serve as last year's text.
    `waived`: (file_sha256, rule, message) of failed checks marked 规则误报（不扣分）: left out, so not deducted.

    Reports are scored one year and province at a time (the same-year comparison is within them): the texts,
    shingles and figures of one group are held at once, never those of a whole national year. `unpublished`: the
    roster's agency-years without a report (unpublished()): each scores 0, reason 未发布年报, ranked with its peers."""
    rubric = rubric or load_rubric()
    base_dirs = base_dirs or [Path.cwd(), REPO_ROOT]
    if waived and not checks.is_empty():
        dropped = pl.DataFrame(
            sorted(waived), schema={"file_sha256": pl.String, "rule": pl.String, "message": pl.String}, orient="row"
        )
        checks = (
            checks.join(reports.select("report_id", "file_sha256"), on="report_id", how="left")
            .join(dropped, on=["file_sha256", "rule", "message"], how="anti")
            .drop("file_sha256")
        )
    reps = reports.filter(pl.col("duplicate_of").is_null() & pl.col("year").is_not_null())
    reps = reps.with_columns(
        pl.coalesce("agency_id", "agency", "report_id").alias("agency_id"),
        pl.coalesce("agency", "agency_id").alias("agency"),
    )
    reps = reps.sort("agency_id", "year", "report_id").unique(["agency_id", "year"], keep="first", maintain_order=True)
    rows = reps.to_dicts()
    by_id = {r["report_id"]: r for r in rows}

    # previous report of the same agency (most recent earlier year)
    prev: dict[str, str] = {}
    last: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: (r["agency_id"], r["year"])):
        if r["agency_id"] in last:
            prev[r["report_id"]] = last[r["agency_id"]]["report_id"]
        last[r["agency_id"]] = r

    def text_of(rid: str) -> str | None:
        if texts is not None:
            return texts.get(rid)
        return read_text(by_id[rid].get("source_file"), base_dirs) if read_texts else None

    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if years is None or r["year"] in years:
            groups.setdefault((r["year"], r.get("province") or ""), []).append(r)
    out_rows, evidence = [], []
    for group in groups.values():
        ids = [r["report_id"] for r in group]
        m_by = _by_report(metrics, ids)
        c_by = _by_report(checks, ids)
        group_texts = {rid: text_of(rid) for rid in dict.fromkeys([*ids, *(prev[i] for i in ids if i in prev)])}
        matches = _similarity(rubric, [by_id[i] for i in group_texts], group, group_texts, prev, by_id)
        for r in group:
            row, found = _score_report(rubric, r, m_by, c_by, group_texts.get(r["report_id"]), matches)
            out_rows.append(row)
            evidence += found

    for u in unpublished.to_dicts() if unpublished is not None else []:
        if years is None or u["year"] in years:
            row, found = _unpublished_row(rubric, u)
            out_rows.append(row)
            evidence.append(found)
    scores = pl.DataFrame(out_rows, infer_schema_length=None) if out_rows else pl.DataFrame(schema=_EMPTY_SCORES)
    scores = scores.with_columns(pl.col("year").cast(pl.Int32))
    scores = scores.with_columns(
        pl.col("total").rank("min", descending=True).over("peer_group", "year").cast(pl.Int32).alias("rank"),
        pl.len().over("peer_group", "year").cast(pl.Int32).alias("group_size"),
    )
    prev_total = scores.select(
        pl.col("agency_id"), (pl.col("year") + 1).alias("year"), pl.col("total").alias("prev_total")
    )
    scores = scores.join(prev_total, on=["agency_id", "year"], how="left")
    scores = scores.with_columns((pl.col("total") - pl.col("prev_total")).round(1).alias("change"))
    scores = scores.sort("year", "peer_group", "rank", "agency", descending=[True, False, False, False])
    ev_schema = {
        "report_id": pl.String,
        "agency": pl.String,
        "year": pl.Int32,
        "peer_group": pl.String,
        "indicator": pl.String,
        "indicator_label": pl.String,
        "kind": pl.String,
        "message": pl.String,
        "lost": pl.Float64,
        "this": pl.String,
        "other": pl.String,
        "source": pl.String,
    }
    evidence_df = pl.DataFrame(evidence, schema=ev_schema) if evidence else pl.DataFrame(schema=ev_schema)
    return Scorecard(rubric, scores, evidence_df)


def _by_report(table: pl.DataFrame, ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in table.filter(pl.col("report_id").is_in(ids)).to_dicts():
        out.setdefault(row["report_id"], []).append(row)
    return out


def _score_report(
    rubric: Rubric, r: dict, m_by: dict, c_by: dict, text: str | None, matches: dict[str, list[dict]]
) -> tuple[dict, list[dict]]:
    """One report's row of the scorecard (points per indicator, total, grade) and its evidence."""
    rid = r["report_id"]
    recognised = recognise(text) if text else None
    ctx = ReportContext(
        r, m_by.get(rid, []), c_by.get(rid, []), text, recognised.name if recognised else None, matches.get(rid, [])
    )
    group = peer_label(r, rubric.peer_by)
    row = {
        "report_id": rid,
        "agency_id": r["agency_id"],
        "agency": r["agency"],
        "agency_short": r.get("agency_short") or r["agency"],
        "year": r["year"],
        "agency_kind": r.get("agency_kind"),
        "level": r.get("level"),
        "parent": r.get("parent"),
        "publish_date": r.get("publish_date"),
        "peer_group": group,
    }
    evidence = []
    got = maxed = 0.0
    for ind in rubric.indicators:
        res = evaluate(ctx, ind)
        row[f"pts_{ind.id}"] = res.points if res.max_points > 0 else None
        row[f"max_{ind.id}"] = res.max_points
        row[f"val_{ind.id}"] = res.value
        got += res.points
        maxed += res.max_points
        for e in res.evidence:
            evidence.append(
                {
                    "report_id": rid,
                    "agency": r["agency"],
                    "year": r["year"],
                    "peer_group": group,
                    "indicator": ind.id,
                    "indicator_label": ind.label,
                    **e,
                }
            )
    row["corrected"] = corrected_cells(ctx.metrics)
    row["points"] = round(got, 2)
    row["max_points"] = maxed
    row["total"] = round(100 * got / maxed, 1) if maxed > 0 else None
    row["grade"] = rubric.grade_for(row["total"])
    return row, evidence


def corrected_cells(metrics: list[dict]) -> str | None:
    """The cells corrected on the 审核 page (source = 'manual') that the scores used, e.g. 收到申请数 = 12."""

    def fmt(v):
        return "空" if v is None else (str(int(v)) if v == int(v) else f"{v:g}")

    names = catalogue()
    cells = [
        f"{names[m['metric']].label_zh if m['metric'] in names else m['metric']}"
        f"{'（' + APPLICANT_ZH.get(m['applicant'], m['applicant']) + '）' if m.get('applicant') else ''}"
        f"{'（历年累计）' if m.get('basis') == 'cumulative' else ''} = {fmt(m['value'])}"
        for m in metrics
        if m.get("source") == "manual"
    ]
    return "；".join(cells) or None


def _similarity(
    rubric: Rubric, rows: list[dict], scored: list[dict], texts: dict, prev: dict[str, str], by_id: dict[str, dict]
) -> dict[str, list[dict]]:
    """Matches of the `scored` reports: with their agency's previous report (among `rows`) and with the other
    reports of their year and province."""
    try:
        ind = rubric.indicator("originality")
    except StopIteration:
        return {}
    p = ind.params
    k, num_perm = int(p.get("shingle_size", 8)), int(p.get("num_perm", 128))
    prepared = {}
    for r in rows:
        t = texts.get(r["report_id"])
        if t:
            names = [r.get("agency"), r.get("agency_short"), r.get("township"), r.get("county"), r.get("prefecture")]
            prepared[r["report_id"]] = sim.prepare(r["report_id"], t, [n for n in names if n], k, num_perm)
    previous = (
        {r["report_id"]: prev[r["report_id"]] for r in scored if r["report_id"] in prev}
        if p.get("compare_previous_year", True)
        else {}
    )
    groups: list[list[str]] = []
    if p.get("compare_same_year_peers", True):  # the reports of one year and one province
        by_year: dict[tuple, list[str]] = {}
        for r in scored:
            by_year.setdefault((r["year"], r.get("province") or ""), []).append(r["report_id"])
        groups = list(by_year.values())
    found = sim.find_matches(prepared, previous, groups, num_perm=num_perm)
    suspect = p.get("suspect_threshold", 0.6)
    out: dict[str, list[dict]] = {}
    for m in found:
        a, b = by_id[m.report_id], by_id[m.source_id]
        if m.kind == "same_year" and a["agency_id"] == b["agency_id"]:
            continue
        d = {
            "kind": m.kind,
            "similarity": m.similarity,
            "source_id": m.source_id,
            "source_agency": b["agency"],
            "source_year": b["year"],
            "passages": [],
        }
        if m.similarity >= suspect:
            d["passages"] = sim.copied_passages(prepared[m.report_id], prepared[m.source_id], k)
        out.setdefault(m.report_id, []).append(d)
    return out


def with_params(rubric: Rubric, indicator_id: str, **params) -> Rubric:
    """A copy of the rubric with some of one indicator's parameters (or its weight) changed."""
    inds = []
    for i in rubric.indicators:
        if i.id == indicator_id:
            weight = params.pop("weight", i.weight)
            i = replace(i, weight=float(weight), params={**i.params, **params})
        inds.append(i)
    return replace(rubric, indicators=tuple(inds))
