"""Report metadata: who reported, for which year, at which level and place, when, and over what scope."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from etl.gazetteer import AMBIGUOUS, Gazetteer, Place, gazetteer
from etl.model import Document
from warehouse.text import nfkc

_TITLE = re.compile(
    r"(?P<name>[\u4e00-\u9fff（）()]{2,40}?)\s*(?P<year>(?:19|20)\d{2}|[二〇○零一两三四五六七八九]{4})\s*年度?\s*"
    r"(?:政府)?(?:信息公开|政务公开)"
)
_TITLE_YEAR_FIRST = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年度?(?P<name>[\u4e00-\u9fff]{2,30}?)(?:政府)?信息公开")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0", "两": "2"}
_GOV_SUFFIX = re.compile(r"(人民政府|管委会|管理委员会|办事处|行政公署|政府)$")
_DEPT_SUFFIX = re.compile(r"(局|委|委员会|办|办公室|办公厅|厅|中心|署|院|所|站|队|会|公司|部)$")
# words of department names that end like a place (住房和城乡建设局, 社区矫正管理局, 工业园区管委会) and the
# department suffixes themselves (自然资源局兴庆区分局): a piece holding one is never a place of its own
_NOT_PLACE = re.compile(r"城乡|社区|园区|景区|林区|矿区|辖区|[局委厅署]")
_LEVEL_SUFFIXES = [
    ("township", r"(镇|乡|街道|苏木)$"),
    ("county", r"(区|县|旗|县级市)$"),
    ("prefecture", r"(市|州|盟|地区)$"),
    ("province", r"(省|自治区)$"),
]


@dataclass
class Meta:
    year: int | None = None
    agency: str | None = None
    agency_short: str | None = None
    agency_id: str | None = None
    agency_kind: str | None = None
    level: str | None = None
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    township: str | None = None
    parent: str | None = None
    scope: str = "self"
    publish_date: date | None = None


PLACES_ENV = "ETL_PLACES"  # extra gazetteer files (same columns as etl/places.csv), os.pathsep-separated


def extra_places() -> list[Path]:
    """The gazetteers given with `etl build --places` (a national list of places, or a synthetic corpus's)."""
    return [Path(p) for p in os.environ.get(PLACES_ENV, "").split(os.pathsep) if p]


PLACE_COLUMNS = ("name", "level", "province", "prefecture", "county")


def gazetteer_problem(path: str) -> str | None:
    """Why a --places file cannot be used (None when it can)."""
    try:
        with open(path, encoding="utf-8") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError) as e:
        return f"cannot read it as UTF-8 CSV ({e})"
    missing = [c for c in PLACE_COLUMNS if c not in header]
    return f"missing columns {', '.join(missing)} (expected those of etl/places.csv)" if missing else None


def use_places(paths: list[str]) -> None:
    """Extend the gazetteer of this build (and of its worker processes, which inherit the environment)."""
    os.environ[PLACES_ENV] = os.pathsep.join(str(Path(p).resolve()) for p in paths)


def _gazetteer() -> Gazetteer:
    return _gazetteer_for(os.environ.get(PLACES_ENV, ""))


@lru_cache(maxsize=8)
def _gazetteer_for(places: str) -> Gazetteer:  # keyed by the variable: two look-ups a report
    return gazetteer((LOCAL_PLACES, *extra_places()))


def load_gazetteer() -> None:
    """Load this build's gazetteer now: worker processes forked afterwards share it instead of each loading it."""
    _gazetteer()


LOCAL_PLACES = Path(__file__).parent.parent / "places.csv"
# a place no gazetteer knows, read from its suffix; its stem has two characters at least (城市管理局 is no place)
_PIECE = re.compile(r"^(.{2,10}?)(省|自治区|市|州|盟|地区|区|县|旗|镇|乡|街道)")


def _places_in(name: str) -> tuple[list[tuple[str, Place]], str]:
    """The places a name starts with, outermost first, as (printed piece, place), and the rest of the name:
    '江苏省淮安市洪泽区财政局' -> ([江苏省, 淮安市, 洪泽区], '财政局'). Each piece is looked up within the place before
    it (a county name repeats across provinces; a prefix tells them apart); a piece the gazetteers cannot tell
    apart, or do not know, becomes a place of its suffix's level under the pieces before it."""
    g = _gazetteer()
    pieces: list[tuple[str, Place]] = []
    pos = 0
    while pos < len(name):
        scope = pieces[-1][1] if pieces else None
        place, n = g.find(name[pos:], scope)
        if place is None and scope is not None and not scope.code:
            place, n = g.find(name[pos:], None)  # under a place only a --places row (or no gazetteer) knows
        if place is None:
            place, n = _zone(g, name[pos:], scope)
        if place is AMBIGUOUS:
            piece = name[pos : pos + n]
        elif place is None:
            m = _PIECE.match(name[pos:])
            piece = m.group(0) if m and not _NOT_PLACE.search(m.group(0)) else ""
        if place is None or place is AMBIGUOUS:
            if not any(re.search(pat, piece) for _, pat in _LEVEL_SUFFIXES):
                break
            place, n = _suffix_place(piece, scope), len(piece)
        pieces.append((name[pos : pos + n], place))
        pos += n
    return pieces, name[pos:]


# a development zone or new area named after the city it lies in (南宁经济技术开发区, 淮安工业园区)
_ZONE = re.compile(r"^[\u4e00-\u9fff]{0,8}?(?:开发区|新区|园区|实验区|高新区)")


def _zone(g: Gazetteer, text: str, scope: Place | None) -> tuple[Place | None, int]:
    """A zone no gazetteer lists, under the place printed before it (淮安市工业园区管委会) or the prefecture or
    county whose name it starts with, without 市 (淮安工业园区)."""
    m = _ZONE.match(text)
    if (
        scope is not None
        and scope.level in ("province", "prefecture", "county")
        and m
        and _GOV_SUFFIX.fullmatch(text[m.end() :] or "政府")
        and not re.search(r"[局委厅署办]", m.group(0))
    ):
        # one name whichever way the title prints it: 淮安市工业园区 is 淮安工业园区
        name = (scope.name[:-1] if scope.level != "province" and scope.name[-1] in "市县" else "") + m.group(0)
        return Place(name, "county", scope.province, scope.prefecture, name), m.end()
    for k in (2, 3, 4):
        above, n = g.find(text[:k] + "市", scope)
        if above is None or above is AMBIGUOUS or n != k + 1 or above.level not in ("prefecture", "county"):
            continue
        m = _ZONE.match(text[k:])
        if m and not re.search(r"[局委厅署办]", m.group(0)):
            piece = text[: k + m.end()]
            return Place(piece, "county", above.province, above.prefecture, piece), len(piece)
    return None, 0


def _suffix_place(piece: str, above: Place | None) -> Place:
    """A place no gazetteer knows (or several places bear that name): its level from its suffix, what lies above
    it from the place before it."""
    level = next(lv for lv, pat in _LEVEL_SUFFIXES if re.search(pat, piece))
    if level == "prefecture" and above is not None and above.level == "prefecture":
        level = "county"  # a county-level city under a prefecture
    fields = {lv: getattr(above, lv) if above else None for lv in ("province", "prefecture", "county")}
    fields[level] = piece
    return Place(
        piece, level, fields["province"], fields["prefecture"], fields["county"], piece if level == "township" else None
    )


def _cn_year(text: str) -> int:
    return int("".join(_CN_DIGITS.get(c, c) for c in text))


# 报告 or 年报 as nfkc prints them: nfkc turns a character into 报, 告 or 年 only from these (found by normalising
# every code point: the character itself, the traditional 報, compatibility ideographs) and never drops one in
# between, so a line is tested as printed instead of normalised (a flattened table's long line costs most)
_NAMES_REPORT = re.compile("[报報\U0002f857]告|[年\uf98e][报報\U0002f857]")


def _title(doc: Document) -> tuple[str, int] | None:
    lines = [ln.strip() for ln in doc.lines[:200] if ln.strip()][:15]  # a title stands at the top
    candidates = [doc.title or ""]
    for i, ln in enumerate(lines):
        if _NAMES_REPORT.search(ln):
            candidates += [(lines[i - 1] + ln) if i else ln, ln]
    for text in candidates:
        text = re.sub(r"\s+", "", nfkc(text)).replace("(", "（").replace(")", "）")
        m = _TITLE.search(text) or _TITLE_YEAR_FIRST.search(text)
        if m and not re.search(r"关于|通知|印发|^政府", m["name"]):
            return re.sub(r"^(标题:?)", "", m["name"]), _cn_year(m["year"])
    return None


def _year_from_period(text: str) -> int | None:
    m = re.search(r"统计期限.{0,10}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", text)
    return int(m.group(1)) if m else None


def _split_place(name: str) -> tuple[str | None, str | None]:
    """(place, department): '兴庆区审批服务管理局' -> ('兴庆区', '审批服务管理局')."""
    pieces, rest = _places_in(name)
    return ("".join(p for p, _ in pieces) or None), (rest or None)


def _place_parts(place: str) -> dict[str, str]:
    """Administrative parts of a place name, resolved through the gazetteer where it knows them."""
    pieces, _ = _places_in(place)
    if not pieces:
        return {}
    printed, last = pieces[-1]
    for above in (last.province, last.prefecture, last.county):
        if above and above != last.name and printed.startswith(above):
            printed = printed[len(above) :]  # an alias with its prefix (银川市兴庆区)
    parts = {lv: getattr(last, lv) for lv in ("province", "prefecture", "county", "township") if getattr(last, lv)}
    # the short name as the title prints it where the country knows the place (洪泽县 in 2015, 洪泽区 since)
    return parts | {"_level": last.level, "_last": last.name, "_printed": printed if last.code else last.name}


def read_metadata(doc: Document) -> Meta:
    meta = Meta()
    found = _title(doc)
    text = doc.text
    if found:
        name, meta.year = found
    else:
        name = None
    meta.year = meta.year or _year_from_period(text)
    if name:
        name = re.split(r"[，。：:、]", name)[-1]
        place, dept = _split_place(_GOV_SUFFIX.sub("", name) if not _DEPT_SUFFIX.search(name) else name)
        parts = _place_parts(place or "")
        meta.province, meta.prefecture = parts.get("province"), parts.get("prefecture")
        meta.county, meta.township = parts.get("county"), parts.get("township")
        if dept and _DEPT_SUFFIX.search(dept) and not _GOV_SUFFIX.search(dept):
            meta.agency_kind = "department"
            meta.agency = name
            meta.agency_short = (
                (_short(place) + dept.replace("人民政府", "政府")) if dept.startswith("人民政府") else dept
            )
            meta.level = parts.get("_level")
            meta.parent = _gov_name(place, parts) if place else None
        else:
            meta.agency_kind = "government"
            meta.level = parts.get("_level")
            meta.agency = name if _GOV_SUFFIX.search(name) else _full_name(name, text)
            meta.agency_short = _short(parts.get("_printed") or place or name)
            meta.parent = _parent(parts)
        meta.agency_id = _agency_id(meta, dept, parts.get("_last"))
    meta.scope = "aggregate" if _is_aggregate(text) else "self"
    meta.publish_date = _publish_date(doc)
    return meta


def _full_name(name: str, text: str) -> str:
    """The title's name with the government suffix the report itself uses for it (兴庆区 -> 兴庆区人民政府)."""
    for suffix in ("人民政府", "办事处"):
        if name + suffix in text[:5000]:
            return name + suffix
    return name


def _gov_name(place: str, parts: dict) -> str:
    if place.endswith("街道"):
        return place + "办事处"
    if place.endswith("盟") or place.endswith("地区"):
        return place + "行政公署"
    if place.endswith("综合实验区") or place.endswith("开发区") or place.endswith("新区"):
        return place + "管委会"
    return place + "人民政府"


def _short(place: str) -> str:
    for long, _short in (("回族自治区", ""), ("维吾尔自治区", ""), ("壮族自治区", ""), ("自治区", "")):
        if place.endswith(long) and len(place) > len(long):
            return place[: -len(long)]
    return place


def _parent(parts: dict) -> str | None:
    order = ["province", "prefecture", "county", "township"]
    level = parts.get("_level")
    if level not in order:
        return None
    above = [parts[k] for k in order[: order.index(level)] if parts.get(k)]
    return _gov_name(above[-1], parts) if above else None


def _agency_id(meta: Meta, dept: str | None, last: str | None) -> str:
    path = [p for p in (meta.province, meta.prefecture, meta.county, meta.township) if p]
    if last and last not in path:
        path.append(last)
    place = "/".join(path)
    if meta.agency_kind == "department":
        return f"{place}/{meta.agency_short}" if place else (meta.agency or "")
    return place or _GOV_SUFFIX.sub("", meta.agency or "")


def _is_aggregate(text: str) -> bool:
    head = text[:3000]
    return bool(
        re.search(
            r"(?:本报告|年度报告)[^。]{0,80}汇总|汇总[^。]{0,100}编制|"
            r"(?:各|所属|下属)[^。]{0,30}(?:政府信息公开(?:工作)?年度报告|工作情况)[^。]{0,8}编制",
            head,
        )
    )


_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_CN_DATE = re.compile(r"([二〇○零一三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def _cn_num(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        a, _, b = text.partition("十")
        return (int(_CN_DIGITS[a]) if a else 1) * 10 + (int(_CN_DIGITS[b]) if b else 0)
    return int(_CN_DIGITS[text])


def _publish_date(doc: Document) -> date | None:
    if doc.published:
        m = _DATE.search(doc.published)
        if m:
            return _safe_date(*map(int, m.groups()))
    text = nfkc(doc.text)
    m = re.search(r"发布(?:日期|时间)[:：]\s*" + _DATE.pattern, text)
    if m:
        return _safe_date(*map(int, m.groups()))
    tail = text[-600:]
    dates = [(_cn_year(a), _cn_num(b), _cn_num(c)) for a, b, c in _CN_DATE.findall(tail)]
    dates += [tuple(map(int, g)) for g in _DATE.findall(tail)]
    return _safe_date(*dates[-1]) if dates else None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None
