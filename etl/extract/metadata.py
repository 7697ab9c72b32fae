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
from etl.read.site_text import opening_lines, without_pinyin
from warehouse.text import nfkc

_TITLE = re.compile(
    r"(?P<name>[\u4e00-\u9fff（）()]{2,40}?)\s*(?P<year>(?:19|20)\d{2}|[二〇○零一两三四五六七八九]{4})\s*年度?\s*"
    r"(?:政府|政务)?(?:信息公开|政务公开)"
)
_TITLE_YEAR_FIRST = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年度?(?P<name>[\u4e00-\u9fff]{2,30}?)(?:政府|政务)?信息公开"
)
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0", "两": "2"}
# a 管委会 governs a zone (开发区管委会, 产业园管理委员会); a 国有资产监督管理委员会 is a department
_GOV_WORD = "(?:人民政府|管委会|管理委员会|办事处|行政公署|政府)"
_GOV_SUFFIX = re.compile(r"(人民政府|(?<=[区园城港岛])(?:管委会|管理委员会)|办事处|行政公署|政府)$")
_DEPT_SUFFIX = re.compile(r"(局|委|委员会|办|办公室|办公厅|厅|室|中心|署|院|所|站|队|会|公司|部)$")
# words of department names that end like a place (住房和城乡建设局, 社区矫正管理局, 工业园区管委会) and the
# department suffixes themselves (自然资源局兴庆区分局): a piece holding one is never a place of its own
_NOT_PLACE = re.compile(r"城乡|社区|园区|景区|林区|矿区|辖区|经济区|[局委厅署]")
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


def _places_in(name: str) -> tuple[tuple[tuple[str, Place], ...], str]:
    """The places a name starts with, outermost first, as (printed piece, place), and the rest of the name:
    '江苏省淮安市洪泽区财政局' -> ([江苏省, 淮安市, 洪泽区], '财政局'). Each piece is looked up within the place before
    it (a county name repeats across provinces; a prefix tells them apart); a piece the gazetteers cannot tell
    apart, or do not know, becomes a place of its suffix's level under the pieces before it."""
    return _places_under(name, os.environ.get(PLACES_ENV, ""))


@lru_cache(maxsize=1024)  # a report looks its names up several times (title candidates, agency, place, parts)
def _places_under(name: str, places: str) -> tuple[tuple[tuple[str, Place], ...], str]:
    """_places_in with the gazetteer of `places` (the build's --places, keyed as _gazetteer_for is)."""
    g = _gazetteer_for(places)
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
    return tuple(pieces), name[pos:]


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
        and re.fullmatch(_GOV_WORD, text[m.end() :] or "政府")
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
_REPORT_WORD = re.compile("[报報\U0002f857]告")


def _title(doc: Document) -> tuple[str, int] | None:
    """The report's name and year from the title candidates (the document's title, its first lines without the site's
    around them, a title line broken in two, a title inside the opening sentence: "现公布X2022年…年度报告"), chosen
    by what a title is: a name that is no verb, no menu word and not generic ("县政府办", "我旗"), best one the
    gazetteer places; position decides only between equals."""
    lines = opening_lines(doc.first_lines(40), most=15)  # a title stands at the top
    candidates = [without_pinyin(doc.title or "")]
    for i, ln in enumerate(lines):
        if _NAMES_REPORT.search(ln):
            joined = i and not _REPORT_WORD.search(lines[i - 1])  # a title broken in two: its first half above
            candidates += [(lines[i - 1] + ln) if joined else ln, ln]
    fallback = None
    for text in candidates:
        text = "".join(nfkc(text).split()).replace("(", "（").replace(")", "）")  # str.split: \s, faster
        for m in [*_TITLE.finditer(text), *_TITLE_YEAR_FIRST.finditer(text)]:
            if _cited(text, m.start(), m.end()):
                continue
            name = _clean_name(m["name"], text[m.start("name") - 1 : m.start("name")])
            if len(name) < 2 or re.search(r"关于|通知|印发|^政府", name) or _GENERIC.match(name):
                continue
            placed = _placed(name)
            if placed == 2:
                return name, _cn_year(m["year"])
            if placed or fallback is None or not fallback[2]:
                fallback = fallback if fallback and fallback[2] >= placed else (name, _cn_year(m["year"]), placed)
    return fallback[:2] if fallback else None


def _cited(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies inside 《…》 naming another document (《…关于做好2017年…年度报告有关事项的通知》);
    a report's own title in 《》 (现发布《X2022年…年度报告》) is no citation."""
    opened = text.rfind("《", 0, start)
    if opened < 0 or text.rfind("》", 0, start) > opened:
        return False
    closed = text.find("》", end)
    return bool(_CITED.search(text[opened : closed if closed > 0 else len(text)]))


_CITED = re.compile(r"关于|通知|意见|办法|规定|要点|条例|格式")
# after a name inside a sentence: the verb ("绍兴市越城区东湖街道特编制2023年…"); after a name in a title: another
# name for it in brackets ("黔南州人民政府（州政府办公室）")
_TRAIL = re.compile(r"(?:(?:特|现|已|拟)?(?:编制|公布|发布|编写)了?|（[^（）]{1,12}）)$")


def _clean_name(name: str, before: str) -> str:
    name = _LEAD.sub("", re.sub(r"^(标题:?|名称:?)", "", name))
    if before.isdigit():  # "2023年黔南州…": the year's 年 of a line above is no part of the name
        name = re.sub(r"^年度?", "", name)
    name = _TRAIL.sub("", name)
    # "渠江镇人民政府信息公开": the 政府 the title regex gave to 政府信息公开 is the name's own
    return name + "政府" if name.endswith("人民") else name


# what stands before a name inside a sentence or a page line: a verb introducing the title, a word of the site
_LEAD = re.compile(
    r"^.*?(?:现向社会公布|特向社会公布|向社会公布|现公布|现发布|现公开|现将|公布了?|发布了?|编制了?|特编制|"
    r"无障碍|地方政务|正文|年度报告|工作报告|年报|全文)(?=[\u4e00-\u9fff]{2})"
)
# names that say no one in particular: 我旗, 本机关, 县政府办, 市政府
_GENERIC = re.compile(
    r"^(?:(?:我|本|全|各)[\u4e00-\u9fff]{0,4}|"
    r"(?:省|自治区|市|州|盟|县|区|旗|镇|乡|街道)?(?:人民)?政府(?:办公[室厅]|办)?|自治区[\u4e00-\u9fff]{0,2}|本级政府|本机关)$"
)


def _placed(name: str) -> int:
    """Whether the gazetteer places the name: 2 where the name prints its places by their own names, 1 where by
    another name the gazetteer knows (辽宁 for 辽宁省), 0 where it knows none of them."""
    pieces, _ = _places_in(name)
    g = _gazetteer()
    known = [(printed, p) for printed, p in pieces if p.code or g.find(printed, None)[0] == p]  # not a suffix's guess
    if not known:
        return 0
    return 2 if all(printed.endswith(p.name) for printed, p in known) else 1


# where else a report names its agency, in its opening lines (tried in this order when its title does not)
_DEFINED = re.compile(r"([\u4e00-\u9fff]{4,40}?)[（(]以下简称[\"“]?([\u4e00-\u9fff]{2,20}?)[\"”]?[)）]")
_COMPILER = re.compile(
    r"(?:由|本(?:年度)?报告(?:是)?由)(?P<x>[\u4e00-\u9fff]{4,40}?"
    r"(?:办公室|办公厅|政府|局|委员会|委|厅|办|中心|小组|办事处|管委会|管理委员会|科))"
    r"(?=结合|根据|按照|综合|汇总|组织|负责|牵头|编制|[(（])"
)
_OPENING = re.compile(
    r"(?:^|\n)[\s?]*(?:[(（]?[一二三四五六七八九十]+[)）、][^\n]{0,12}?)?(?:19|20)\d{2}年度?[,，]*"
    r"(?:在[^,，。\n]{0,30}下[,，])?"
    r"(?P<x>[\u4e00-\u9fff]{2,30}?)(?:坚持|认真|深入|严格|按照|紧紧|全面|始终|高度|积极|切实|持续|以习近平|紧扣)"
)
_DEPT_OFFICE = re.compile(r"(?P<dept>[\u4e00-\u9fff]{4,36}?(?:委员会|局|厅))办公室")
# "结合来宾市卫生健康委员会政府信息公开工作实际，现编制…": whose work the report is
_WORK_OF = re.compile(r"结合(?P<x>[\u4e00-\u9fff]{4,30}?)(?:政府信息公开|信息公开|政务公开)工作实际")
_SITE_OWNER = re.compile(r"(?P<x>[\u4e00-\u9fff]{2,20}?)(?:人民)?政府(?:门户|信息公开)?网站")
_SIGN_OFF = re.compile(r"^(?P<x>[\u4e00-\u9fff]{3,30}?(?:人民政府|办公室|办公厅|局|委员会|办事处|管委会))$")
_OFFICE = re.compile(
    r"(?:党政|综合)?(?:办公室|办公厅|办)?(?:[\u4e00-\u9fff]{1,4}科)?|"
    r"(?:政务公开|信息公开|政府信息公开)[\u4e00-\u9fff]{0,10}?(?:办公室|小组)"
)


def _government_of_office(name: str) -> str | None:
    """The government whose office (办公室, 党政办公室综合科, 信息公开工作领导小组办公室) a compiler is: the places the
    name holds ("无锡市锡山区人民政府厚桥街道党政办公室综合科" -> 无锡市锡山区厚桥街道), else None."""
    pieces, rest = _places_in(re.sub(r"人民政府|政府", "", name))
    return "".join(p for p, _ in pieces) if pieces and _OFFICE.fullmatch(rest) else None


def _named_in_text(doc: Document, text: str, aggregate: bool) -> str | None:
    """The agency a report names outside its title: who compiled it ("由X编制", "本报告由X根据…"; a government's
    office compiles its government's report), who the opening sentence is about ("2025年，X坚持…"), whose work it
    reports ("结合X政府信息公开工作实际"), the 落款 at the end, or whose website carries it ("可在X人民政府网站下载"),
    in that order; None when it names none. `text`: the report's opening lines (`_opening`)."""
    found = []
    m = _COMPILER.search(text)
    if m:
        government = _government_of_office(m["x"])
        if government and (aggregate or not _DEPT_NAMED.search(text)):
            found.append(government)
        else:  # 由福州市大数据发展管理委员会办公室编制: the committee's report, compiled by its office
            found.append(o["dept"] if (o := _DEPT_OFFICE.fullmatch(m["x"])) else m["x"])
    m = _OPENING.search(text)
    if m:
        found.append(m["x"])
    m = _WORK_OF.search(text)
    if m:
        found.append(m["x"] + "政府" if m["x"].endswith("人民") else m["x"])
    spoken = list(found)  # who the report's own sentences say compiled it or acts in it
    tail = [nfkc(ln).strip() for ln in doc.last_lines(12) if ln.strip()]
    found += [m["x"] for ln in tail if (m := _SIGN_OFF.match(ln))]
    found += [re.split(r"可在|在|从|于|和|及|与|的", m["x"])[-1] + "人民政府" for m in _SITE_OWNER.finditer(text)]
    for name in found:
        name = _LEAD.sub("", name)
        if _GENERIC.match(name):
            continue
        if _placed(name):
            return name
        if told := _told_apart(name, text):
            return told
    # a name the gazetteer cannot place (a township named without its county) is still the agency's name
    return next(
        (n for n in spoken if not _GENERIC.match(n) and (_GOV_SUFFIX.search(n) or _DEPT_SUFFIX.search(n))), None
    )


_MENTION = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:区|县|旗|市)(?=政府|人民政府|网站|门户网站)")


def _told_apart(name: str, text: str) -> str | None:
    """A name several places bear (东港镇), a town named bare, or a department named by its level alone (县乡村振兴局)
    placed by a place the report names around it ("锡山区政府网站", "中山市政府信息公开规定", "青川县门户网站"): that
    place before the name (in place of the level's word), where the gazetteer then knows it."""
    mentions = [m[0] for m in _MENTION.finditer(text)]
    bare = _GOV_SUFFIX.sub("", name)
    if len(bare) >= 2 and bare in text:  # the places printed before the name itself ("益阳市安化县渠江镇渠江社区")
        mentions += re.findall(r"([\u4e00-\u9fff]{2,6}?(?:区|县|旗|市))" + re.escape(bare), text)
    for mention in mentions:
        for k in range(len(mention) - 2):
            above = mention[k:]
            if name[0] == above[-1] and _DEPT_SUFFIX.search(name) and _placed(above + name[1:]):
                return above + name[1:]
            if above not in name and _placed(above + name):
                return above + name
    return None


# an office's report of its own ("本机关", "我办", "我厅"): not its government's
_DEPT_NAMED = re.compile(r"本(?:机关|办|厅|局)|我(?:办|厅|局|委)")


def _expand(name: str, doc: Document) -> str:
    """A short name the report itself defines ("X（以下简称自治区北部湾办）") as its full name."""
    if "以下简称" not in doc.text[:3000]:
        return name
    for full, short in _definitions(nfkc(doc.text[:3000])):
        if short == name:
            return _LEAD.sub("", re.split(r"[，。,：:、]", full)[-1].removeprefix("由"))
    return name


def _definitions(text: str):
    """_DEFINED.findall(text), tried only around each 以下简称 (its match has one at most 41 characters after its
    start and ends at most 27 after it): the lazy name tried at every character of the text costs more than the
    rest of the metadata."""
    pos, k = 0, text.find("以下简称")
    while k >= 0:
        m = _DEFINED.search(text, max(pos, k - 41), k + 30)
        if m:
            yield m.groups()
            pos = m.end()
        k = text.find("以下简称", max(pos, k + 1))


_PERIOD = re.compile(r"统计(?:期限|时限|时间|期|时段).{0,10}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_OPENING = re.compile(
    r"(?:^|\n)[\s?(（]*(?:[一二三四五六七八九十]+[)）]\S{0,10}?)?((?:19|20)\d{2})年度?(?:[,，]|(?=[\u4e00-\u9fff]))|"
    r"((?:19|20)\d{2})年度?[,，]?(?:我|本)(?:乡|镇|县|区|市|旗|局|办|委|厅|街道|单位|机关)"
)


def _year_from_period(text: str) -> int | None:
    """The year the report's statistics period or its opening sentence ("2022年，我县…") names."""
    head = nfkc(without_pinyin(text[:3000]))
    m = _PERIOD.search(head) or _YEAR_OPENING.search(head)
    return int(next(g for g in m.groups() if g)) if m else None


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


def _opening(doc: Document) -> str:
    """The report's own opening lines, normalised, without spaces and tabs: where its body names the agency."""
    return re.sub(r"[ \t]+", "", nfkc("\n".join(opening_lines(doc.first_lines(60), 60))))


def read_metadata(doc: Document) -> Meta:
    meta = Meta()
    found = _title(doc)
    text = doc.text
    if found:
        name, meta.year = found
        name = _expand(name, doc)
    else:
        name = None
    meta.year = meta.year or _year_from_period(text)
    aggregate = _is_aggregate(text)
    if name is None or not _placed(name):
        head = _opening(doc)
        told = name and _told_apart(name, head)
        named = None if told else _named_in_text(doc, head, aggregate)
        # the body's name replaces the title's only where the gazetteer places it (neither placed: the title's)
        name = told or (named if name is None or (named and _placed(named)) else name)
    if name:
        _describe(meta, re.split(r"[，。：:、]", name)[-1], text)
    meta.scope = "aggregate" if aggregate else "self"
    meta.publish_date = _publish_date(doc)
    return meta


def describe_agency(name: str) -> Meta:
    """Who an agency is, read from its name as a title prints it (level, kind, place, parent, agency_id): what a
    report titled with `name` would get. The roster (etl/roster) reads its agencies' names so."""
    meta = Meta()
    _describe(meta, name, "")
    return meta


def _describe(meta: Meta, name: str, text: str) -> None:
    place, dept = _split_place(_GOV_SUFFIX.sub("", name) if not _DEPT_SUFFIX.search(name) else name)
    parts = _place_parts(place or "")
    meta.province, meta.prefecture = parts.get("province"), parts.get("prefecture")
    meta.county, meta.township = parts.get("county"), parts.get("township")
    if dept and _DEPT_SUFFIX.search(dept) and not _GOV_SUFFIX.search(name):  # 开发区|管理委员会: the zone
        meta.agency_kind = "department"
        meta.agency = name
        meta.agency_short = (_short(place) + dept.replace("人民政府", "政府")) if dept.startswith("人民政府") else dept
        meta.level = parts.get("_level")
        meta.parent = _gov_name(place, parts) if place else None
    else:
        meta.agency_kind = "government"
        meta.level = parts.get("_level")
        meta.agency = name if _GOV_SUFFIX.search(name) else _full_name(name, text)
        meta.agency_short = _short(parts.get("_printed") or place or name)
        meta.parent = _parent(parts)
    meta.agency_id = _agency_id(meta, dept, parts.get("_last"))


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


_AGGREGATE = re.compile(
    r"(?:本报告|年度报告)[^。]{0,80}汇总|汇总[^。]{0,100}编制|报告汇总全[省市县区旗]|"
    r"(?:各|所属|下属)[^。]{0,30}(?:政府信息公开(?:工作)?年度报告|工作情况)[^。]{0,8}编制|"
    # a region's summary: "综合各市…的年度报告…而成", "在各市…年度报告基础上编制", "根据各区政府…年度报告内容编制"
    r"(?:综合|汇总|根据|在)[^。]{0,80}?各[^。]{0,80}?(?:年度报告|年度工作报告|工作报告|统计数据|(?:工作|公开)(?:情况|状况)|"
    r"相关情况和数据)[^。]{0,20}?(?:编制|而成|基础上)|"
    r"总结全[省市县区旗州盟][^。]{0,30}?工作[^。]{0,4}?基础上编制"
)


# every wording _AGGREGATE knows holds one of these: most reports have none, and are not searched
_AGGREGATE_WORDS = ("汇总", "编制", "而成", "基础上")


def _is_aggregate(text: str) -> bool:
    head = nfkc(without_pinyin(text[:3000]))
    return any(w in head for w in _AGGREGATE_WORDS) and bool(_AGGREGATE.search(head))


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
