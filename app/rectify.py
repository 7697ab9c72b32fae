"""整改 between the warehouse and the audit database: the problems a 通报 names as items can be issued
(audit/rectify.py Problem), the re-check of the open items against the current build, and the item list as a user
reads and downloads it."""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl

from app.brief import facts
from app.queries import Region
from audit import rectify
from scoring.rubric import Rubric
from warehouse import labels

log = logging.getLogger(__name__)


def problems(brief: facts.Brief) -> list[rectify.Problem]:
    """The 通报's problems as items can be issued: one per unit, year, kind and rule (a rule failing in two columns
    is one problem, its evidence joined)."""
    out: dict[tuple, rectify.Problem] = {}
    for p in brief.problems:
        province, prefecture = brief.places.get(p.agency_id, (None, None))
        ident = (p.agency_id, brief.year, p.kind, p.key)
        if ident in out:
            prior = out[ident]
            out[ident] = rectify.Problem(**{**prior.__dict__, "detail": prior.detail + "；" + p.detail})
            continue
        out[ident] = rectify.Problem(
            p.agency_id, p.agency, province, prefecture, brief.year, p.kind, p.key, p.detail, p.report_id
        )
    return list(out.values())


def recheck(eng, wh: Path | str, version: str, rubric: Rubric | None = None, fates: str = "[]") -> int:
    """Re-check the items not yet closed against the warehouse as built now (each year that has such items, every
    place: an item's unit is judged where the build holds it). Returns the number of items whose finding changed."""
    open_years = sorted({r["year"] for r in rectify.items(eng) if r["state"] != rectify.CLOSED})
    briefs = [facts.gather(wh, year, Region(), rubric, fates, with_charts=False) for year in open_years]
    return recheck_against(eng, version, briefs)


def recheck_against(eng, version: str, briefs: list[facts.Brief]) -> int:
    """`recheck` with the facts already gathered (a 通报 re-checks the items of its own year and region)."""
    found: set[tuple] = set()
    judged: set[tuple[str, int]] = set()
    for brief in briefs:
        found |= {p.ident for p in problems(brief)}
        judged |= {(r["agency_id"], brief.year) for r in brief.coverage.iter_rows(named=True)}
        judged |= {(aid, brief.year) for aid in brief.scores["agency_id"].to_list()}
    return rectify.recheck(eng, version, found, judged) if briefs else 0


def table(rows: list[dict]) -> pl.DataFrame:
    """The items as the page lists them and Excel holds them: Chinese columns, blanks as blanks."""
    return pl.DataFrame(
        {
            "编号": [r["id"] for r in rows],
            "单位": [r["agency"] for r in rows],
            "年度": [r["year"] for r in rows],
            "问题类别": [labels.PROBLEM_ZH.get(r["kind"], r["kind"]) for r in rows],
            "问题与依据": [r["problem"] for r in rows],
            "整改要求": [r["requirement"] for r in rows],
            "整改期限": [r["due"] for r in rows],
            "状态": [labels.RECTIFY_ZH[r["state"]] for r in rows],
            "逾期": ["逾期" if r["overdue"] else "" for r in rows],
            "单位反馈": [r["feedback"] for r in rows],
            "佐证材料": [r["evidence"] for r in rows],
            "复核意见": [r["review_note"] for r in rows],
            "重新核查": [labels.RECHECK_ZH.get(r["recheck"] or "", None) for r in rows],
        },
        schema_overrides={"整改期限": pl.Date, "年度": pl.Int32},
    )
