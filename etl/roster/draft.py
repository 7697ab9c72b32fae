"""A draft roster for a region, for a supervisor to complete: every county and township government the gazetteer
lists under a prefecture (or a county, or a province's prefectures and counties), and the agencies the warehouse
holds reports of there. Written as the CSV the roster import reads (Chinese headers), so a draft is edited in Excel
and imported back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from etl.roster.read import HEADERS, RosterError, _town, _townships, region_of
from warehouse.db import connect, literal
from warehouse.paths import table_path

COLUMNS = list(HEADERS)
_GOV = {"province": "人民政府", "prefecture": "人民政府", "county": "人民政府", "township": "人民政府"}


def _government(name: str, level: str) -> str:
    if name.endswith(("开发区", "新区", "园区", "实验区")):
        return name + "管委会"
    if level == "township" and name.endswith("街道"):
        return name + "办事处"
    if level == "prefecture" and name.endswith(("地区", "盟")):
        return name + "行政公署"
    return name + _GOV[level]


def from_gazetteer(region: str) -> list[dict]:
    """The governments under `region` (a code or a name the gazetteer knows): the region's own, its prefectures and
    counties, and their townships."""
    from etl.extract.metadata import _gazetteer

    try:
        place = region_of(region, 0)
    except RosterError:
        raise RosterError(f"地区“{region}”在区划表中找不到：请填写行政区划代码或完整地名。") from None
    g, code = _gazetteer(), place.code
    rows = []
    for c, p in sorted(g.by_code.items()):
        if c.startswith(code) and p.level != "province":
            prefix = "" if p.level == "prefecture" else (p.prefecture or p.province or "")
            name = _government(prefix + p.name if p.level == "county" else p.name, p.level)
            rows.append(_row(name, p.level, c, "开发区" if name.endswith("管委会") else "政府", p))
    for c, name in sorted(_townships().items()):
        if c.startswith(code):
            county = g.by_code.get(c[:6])
            town = _town(g, c, name) if county else None
            rows.append(
                _row(_government((county.name if county else "") + name, "township"), "township", c, "乡镇", town)
            )
    return rows


def _row(name: str, level: str, code: str, kind: str = "政府", place=None) -> dict:
    key = "/".join(x for x in (place.province, place.prefecture, place.county, place.township) if x) if place else code
    return {
        "name": name,
        "level": level,
        "kind": "乡镇" if level == "township" else kind,
        "region_code": code,
        "_id": key,
    }


def from_warehouse(wh: Path, region: str | None = None) -> list[dict]:
    """The agencies the warehouse holds reports of (within `region`, a code or a name the gazetteer knows), with the
    first year they reported as 设立年份 for the supervisor to check."""
    con = connect()
    where = "WHERE agency IS NOT NULL AND parse_status <> 'failed' AND duplicate_of IS NULL"
    params = []
    if region:
        place = region_of(region, 0)
        where += f" AND {place.level} = ?"  # the column of the place's level: province, prefecture, county, township
        params = [place.name]
    rows = con.execute(
        f"SELECT agency_id, arg_max(agency, year), any_value(level), any_value(agency_kind), min(year) "
        f"FROM read_parquet({literal(table_path(wh, 'reports'))}) {where} GROUP BY agency_id ORDER BY 1",
        params,
    ).fetchall()
    con.close()
    return [
        {
            "name": name,
            "level": level,
            "kind": "部门" if kind == "department" else "政府",
            "from_year": first,
            "_id": aid,
        }
        for aid, name, level, kind, first in rows
    ]


def draft_csv(rows: list[dict]) -> str:
    """The rows as a roster CSV with Chinese headers, one row an agency (the gazetteer's row keeps its name and code
    where the warehouse holds the same agency, which adds the first year it reported)."""
    merged: dict[str, dict] = {}
    for r in rows:
        held = merged.setdefault(r.get("_id") or r["name"], {})
        held.update({k: v for k, v in r.items() if v is not None and k not in held})
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([HEADERS[c][0] for c in COLUMNS])
    for r in merged.values():
        w.writerow([r.get(c, "") for c in COLUMNS])
    return out.getvalue()
