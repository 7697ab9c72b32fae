"""Which roster agency each report is: by a reviewer's decision (the 待匹配 queue, audit/roster.py), by the id its
title gives (place and name, as the roster's ids are made), by its name or an alias, told apart by place where
several agencies bear it, and by the website column it was collected from.

A matched report takes the roster's agency_id, level, kind, place and parent in `reports`; what its title said is
kept in the `roster_matches` table with the disagreements. A report kept from the last build is first given back
what its title said (from that build's `roster_matches`), so a changed or removed roster never leaves stale values.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from audit.roster import RosterAgency
from warehouse.contract import COLLECTION, MATCHES, MATCHES_SCHEMA
from warehouse.db import connect, literal
from warehouse.labels import LEVEL_ZH
from warehouse.paths import table_path
from warehouse.text import nfkc

log = logging.getLogger(__name__)
_GOV = re.compile(r"(人民政府|政府|管理委员会|管委会|办事处|行政公署)$")
TITLE_COLUMNS = ("agency_id", "level", "agency_kind", "province", "prefecture", "county", "township", "parent")
SEP = "；"


def name_key(name: str | None) -> str:
    """A name as matching compares it: NFKC, no spaces, without the government suffix (兴庆区 = 兴庆区人民政府)."""
    key = re.sub(r"\s+", "", nfkc(name or "")).replace("(", "（").replace(")", "）")
    return _GOV.sub("", key) or key


@dataclass
class Matched:
    matched: int = 0
    reviewed: int = 0
    queued: int = 0


class RosterIndex:
    """The roster looked up by id, by name and alias, and by the URL of its 年报 column."""

    def __init__(self, roster: list[RosterAgency]):
        self.by_id = {a.agency_id: a for a in roster}
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.by_url: dict[str, str] = {}
        for a in roster:
            for n in (a.name, *a.aliases):
                self.by_name[name_key(n)].add(a.agency_id)
            if a.url:
                self.by_url[a.url.rstrip("/")] = a.agency_id

    def match(self, report: dict, decided: str | None, site: str | None) -> tuple[str | None, str, str, list[str]]:
        """(agency_id, status, method, candidates) of one report (its title's values)."""
        if decided and decided in self.by_id:
            return decided, "reviewed", "reviewer", [decided]
        tid = report["agency_id"]
        if tid and tid in self.by_id:
            return tid, "matched", "title", [tid]
        names = set()
        method = "name"
        for n in (report["agency"], report["agency_short"]):
            hits = self.by_name.get(name_key(n), set())
            if hits:
                names = hits
                method = "name" if any(name_key(self.by_id[h].name) == name_key(n) for h in hits) else "alias"
                break
        site_id = self.by_url.get((site or "").rstrip("/"))
        if site_id and (not names or site_id in names):
            return site_id, "matched", "website", [site_id]
        if len(names) > 1:  # several agencies bear the name: the place the title names tells them apart
            placed = [h for h in names if _same_place(report, self.by_id[h])]
            if len(placed) == 1:
                return placed[0], "matched", method, sorted(names)
        if len(names) == 1:
            (only,) = names
            if _same_place(report, self.by_id[only]) or not report["province"]:
                return only, "matched", method, [only]
            return None, "ambiguous", method, [only]  # the name, but another place: a reviewer decides
        return None, ("ambiguous" if names else "unmatched"), method, sorted(names)


def _same_place(report: dict, a: RosterAgency) -> bool:
    """The title's place does not contradict the roster's (a place the title leaves out is no contradiction)."""
    return all(not report[k] or not getattr(a, k) or report[k] == getattr(a, k) for k in ("province", "prefecture"))


def _differences(title: dict, a: RosterAgency) -> str | None:
    out = []
    kind = "department" if a.kind == "department" else "government"
    if title["level"] and a.level and title["level"] != a.level:
        out.append(
            f"层级：标题为{LEVEL_ZH.get(title['level'], title['level'])}，名录为{LEVEL_ZH.get(a.level, a.level)}"
        )
    if title["agency_kind"] and title["agency_kind"] != kind:
        out.append(
            f"类型：标题为{'部门' if title['agency_kind'] == 'department' else '政府'}，名录为{'部门' if kind == 'department' else '政府'}"
        )
    own = {name_key(n) for n in (a.name, *a.aliases)}  # a title printing the agency's alias is no disagreement
    for k, zh in (("province", "省"), ("prefecture", "地市"), ("county", "县区")):
        if title[k] and getattr(a, k) and title[k] != getattr(a, k) and name_key(title[k]) not in own:
            out.append(f"{zh}：标题为{title[k]}，名录为{getattr(a, k)}")
    return "；".join(out) or None


def apply_roster(folder: Path, previous: Path | None, roster: list[RosterAgency], decisions: dict[str, str]) -> Matched:
    """Match the reports in `folder` to `roster` (empty: only give kept reports back their titles' values) and write
    `roster_matches`; `previous`: the last build's warehouse; `decisions`: file_sha256 -> roster agency_id."""
    before = table_path(previous, MATCHES) if previous is not None else None
    if not roster and (before is None or not before.exists()):
        return Matched()  # no roster now or before: the reports hold what their titles said
    con = connect()
    reports = table_path(folder, "reports")
    con.execute(f"CREATE TABLE reports AS SELECT * FROM read_parquet({literal(reports)})")
    if before is not None and before.exists():  # kept reports: what their titles said, before the last roster
        sets = ", ".join(f"{c} = m.title_{'kind' if c == 'agency_kind' else c}" for c in TITLE_COLUMNS)
        con.execute(
            f"UPDATE reports SET {sets} FROM read_parquet({literal(before)}) m WHERE reports.report_id = m.report_id"
        )
    out = Matched()
    rows = []
    if roster:
        index = RosterIndex(roster)
        sites = _sites(con, folder)
        cols = ["report_id", "file_sha256", "source_file", "agency", "agency_short", *TITLE_COLUMNS]
        for values in con.execute(f"SELECT {', '.join(cols)} FROM reports WHERE agency IS NOT NULL").fetchall():
            r = dict(zip(cols, values))
            aid, status, method, cands = index.match(r, decisions.get(r["file_sha256"]), sites.get(r["source_file"]))
            a = index.by_id.get(aid) if aid else None
            rows.append(
                dict(
                    report_id=r["report_id"],
                    agency_id=aid,
                    status=status,
                    method=method,
                    candidates=SEP.join(cands) or None,
                    **{f"title_{'kind' if c == 'agency_kind' else c}": r[c] for c in TITLE_COLUMNS},
                    differences=_differences(r, a) if a else None,
                )
            )
            out.matched += status == "matched"
            out.reviewed += status == "reviewed"
            out.queued += status in ("ambiguous", "unmatched")
        con.register("matched", pa.Table.from_pylist(rows, schema=MATCHES_SCHEMA))
        con.register("roster", pa.Table.from_pylist([_roster_row(a) for a in roster]))
        con.execute("""
            UPDATE reports SET agency_id = g.agency_id, level = g.level, agency_kind = g.agency_kind,
                   province = g.province, prefecture = g.prefecture, county = g.county, township = g.township,
                   parent = coalesce(g.parent, reports.parent)
            FROM matched m JOIN roster g USING (agency_id)
            WHERE reports.report_id = m.report_id""")
        con.execute(
            f"COPY (SELECT * FROM matched ORDER BY report_id) TO {literal(table_path(folder, MATCHES))} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        log.info("roster: %d reports matched, %d by reviewers, %d to review", out.matched, out.reviewed, out.queued)
    tmp = reports.with_suffix(".roster.parquet")
    con.execute(f"COPY (SELECT * FROM reports ORDER BY report_id) TO {literal(tmp)} (FORMAT parquet, COMPRESSION zstd)")
    con.close()
    tmp.replace(reports)
    return out


def _roster_row(a: RosterAgency) -> dict:
    return dict(
        agency_id=a.agency_id,
        level=a.level,
        agency_kind="department" if a.kind == "department" else "government",
        province=a.province,
        prefecture=a.prefecture,
        county=a.county,
        township=a.township,
        parent=a.parent,
    )


def _sites(con, folder: Path) -> dict[str, str]:
    """source_file -> the URL of the 年报 column `etl collect` found it on."""
    path = table_path(folder, COLLECTION)
    if not path.exists():
        return {}
    q = f"SELECT source_file, any_value(source_url) FROM read_parquet({literal(path)}) WHERE source_file IS NOT NULL GROUP BY 1"
    return dict(con.execute(q).fetchall())
