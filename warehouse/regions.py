"""The provinces and prefectures a user's region may name: those of the national gazetteer (NBS 统计用区划代码,
etl/gazetteer/divisions.csv, read here as data) by name or by code, plus the places a warehouse itself holds (the
demo's 演示… provinces). A region is compared with the names the warehouse stores, so a name that is not one of
these ("福建" for 福建省) would limit a user to nothing at all: it is refused, with the full name suggested."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

DIVISIONS = Path(__file__).resolve().parent.parent / "etl" / "gazetteer" / "divisions.csv"


class RegionError(ValueError):
    """A province or prefecture no gazetteer knows (the message is the user's, in Chinese)."""


@cache
def _national() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(province code -> name, prefecture code -> (province name, prefecture name))."""
    provinces: dict[str, str] = {}
    prefectures: dict[str, tuple[str, str]] = {}
    with open(DIVISIONS, encoding="utf-8") as f:
        rows = [(r["code"], r["name"]) for r in csv.DictReader(f) if len(r["code"]) in (2, 4)]
    for code, name in rows:
        if len(code) == 2:
            provinces[code] = name
    for code, name in rows:
        if len(code) == 4 and code[:2] in provinces:
            prefectures[code] = (provinces[code[:2]], name)
    return provinces, prefectures


def _suggest(name: str, choices: Iterable[str]) -> str:
    hits = sorted({c for c in choices if c.startswith(name) or name.startswith(c[:2])}, key=len)[:3]
    return f"是否为“{'”或“'.join(hits)}”？" if hits else "请写全称（如 福建省、宁夏回族自治区）或 2 位区划代码。"


def resolve(
    province: str | None, prefecture: str | None = None, known: Iterable[tuple[str | None, str | None]] = ()
) -> tuple[str | None, str | None]:
    """(province, prefecture) as the warehouse names them: a code is turned into its name (35 -> 福建省, 3501 ->
    福州市); a name must be a province of the gazetteer or of `known` (the warehouse's own places), and a
    prefecture one of that province. Raises RegionError otherwise."""
    provinces, prefectures = _national()
    known = [(p, c) for p, c in known if p]
    province, prefecture = (province or "").strip() or None, (prefecture or "").strip() or None
    if province is None:
        if prefecture:
            raise RegionError("限定地级市时也要写明所在省份。")
        return None, None
    province = provinces.get(province, province)
    if province not in provinces.values() and province not in {p for p, _ in known}:
        names = set(provinces.values()) | {p for p, _ in known}
        raise RegionError(f"“{province}”不是省级行政区的名称。{_suggest(province, names)}")
    if prefecture is None:
        return province, None
    if prefecture in prefectures and prefectures[prefecture][0] == province:
        prefecture = prefectures[prefecture][1]
    under = {c for p, c in prefectures.values() if p == province} | {c for p, c in known if p == province and c}
    if prefecture not in under:
        raise RegionError(f"“{prefecture}”不是{province}的地级行政区。{_suggest(prefecture, under)}")
    return province, prefecture
