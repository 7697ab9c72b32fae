"""Reading a roster (机构名录) file: CSV or Excel whose header row names the columns in Chinese or English.

Every row is checked (a name, a place the gazetteer knows, a valid code, a known level and kind, years that are
years, no name twice); a file with any bad row is refused whole with a message naming each bad line, so nothing is
half-imported. What a row leaves empty is read from the agency's name as a report title prints it (etl/extract/
metadata.py): its level, kind, place and the government it belongs to. The agency's id is the one the warehouse
gives a report of that agency (its place, and for a department its name there), so that a roster keeps the ids,
fates and links the warehouse already has.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

from audit.roster import ALIAS_SEP, RosterAgency
from etl.extract.metadata import _DEPT_SUFFIX, _GOV_SUFFIX, _gazetteer, _places_in, _short, describe_agency
from etl.gazetteer import HERE, Place
from warehouse.text import nfkc

MAX_ROWS = 1_000_000
MAX_ERRORS = 20  # the message lists this many bad lines, then how many more
FIRST_YEAR, LAST_YEAR = 2008, 2100

# column -> the headers that name it (Chinese, English)
HEADERS = {
    "name": ("机构名称", "名称", "name"),
    "aliases": ("别名", "aliases"),
    "level": ("层级", "level"),
    "kind": ("机关类型", "类型", "kind"),
    "region_code": ("行政区划代码", "行政区划", "region_code", "region"),
    "parent": ("所属政府", "parent"),
    "url": ("年报栏目", "url"),
    "deadline": ("期限类型", "deadline"),
    "from_year": ("设立年份", "from_year"),
    "to_year": ("撤销年份", "to_year"),
    "merged_into": ("并入机构", "merged_into"),
}
_HEADER_OF = {h.lower(): col for col, hs in HEADERS.items() for h in hs}
# Chinese and English values of level and kind (the vocabulary's codes and labels, and the common short forms)
LEVELS = {
    "national": "national",
    "国家": "national",
    "国家级": "national",
    "中央": "national",
    "province": "province",
    "省": "province",
    "省级": "province",
    "prefecture": "prefecture",
    "市": "prefecture",
    "地市": "prefecture",
    "地级": "prefecture",
    "地市级": "prefecture",
    "市级": "prefecture",
    "county": "county",
    "县": "county",
    "县级": "county",
    "区县": "county",
    "township": "township",
    "乡镇": "township",
    "乡级": "township",
    "乡镇（街道）": "township",
    "乡镇(街道)": "township",
}
KINDS = {
    "government": "government",
    "政府": "government",
    "人民政府": "government",
    "department": "department",
    "部门": "department",
    "政府部门": "department",
    "township": "township",
    "乡镇": "township",
    "乡镇政府": "township",
    "街道": "township",
    "乡镇（街道）": "township",
    "zone": "zone",
    "开发区": "zone",
    "园区": "zone",
    "管委会": "zone",
    "开发区（管委会）": "zone",
}
DEADLINES = {"government": "government", "政府": "government", "department": "department", "部门": "department"}


class RosterError(ValueError):
    """A roster file that cannot be imported: the message (Chinese) names every bad line; nothing was imported."""


def read_roster(path: str | Path, data: bytes | None = None) -> list[RosterAgency]:
    """The agencies of a roster file (.csv, .xlsx; `data`: its bytes when uploaded), checked whole."""
    name = Path(path).name
    raw = data if data is not None else Path(path).read_bytes()
    rows = _excel_rows(raw, name) if raw[:2] == b"PK" else _csv_rows(raw, name)
    return parse_rows(rows, name)


def _csv_rows(raw: bytes, name: str) -> list[tuple[int, list[str]]]:
    if b"\0" in raw[:4096]:
        raise RosterError(f"“{name}”不是表格文件：请上传 CSV 或 Excel（.xlsx）格式的机构名录。")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError(f"“{name}”无法按 UTF-8 或 GB18030 编码读取：请另存为 UTF-8 编码的 CSV。")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t")
    except csv.Error:
        dialect = csv.excel
    return [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]


def _excel_rows(raw: bytes, name: str) -> list[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise RosterError(f"“{name}”不是可读的 Excel 表格（{type(e).__name__}）：请上传 .xlsx 或 CSV 文件。") from None
    ws = wb.worksheets[0]
    out = []
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        out.append(
            (i, ["" if v is None else (str(int(v)) if isinstance(v, float) and v == int(v) else str(v)) for v in row])
        )
        if i > MAX_ROWS + 1:
            break
    wb.close()
    return out


def parse_rows(rows: list[tuple[int, list[str]]], name: str = "名录") -> list[RosterAgency]:
    """Check and read the (line number, cells) of a roster table; the first non-empty row is the header."""
    rows = [(i, [nfkc(c or "").strip() for c in r]) for i, r in rows]
    rows = [(i, r) for i, r in rows if any(r)]
    if not rows:
        raise RosterError(f"“{name}”是空的：第一行应是表头（机构名称、别名、层级……），其后每行一家机构。")
    head_line, header = rows[0]
    cols = {j: _HEADER_OF.get(h.lower()) for j, h in enumerate(header)}
    if "name" not in cols.values():
        raise RosterError(
            f"“{name}”第 {head_line} 行不是名录的表头：找不到“机构名称”（name）列。"
            f"可用的列：{'、'.join(f'{hs[0]}/{hs[-1]}' for hs in HEADERS.values())}。"
        )
    if len(rows) - 1 > MAX_ROWS:
        raise RosterError(f"“{name}”有 {len(rows) - 1} 行，超过上限 {MAX_ROWS} 行。")
    errors: list[str] = []
    out: list[RosterAgency] = []
    seen_name: dict[str, int] = {}
    seen_id: dict[str, tuple[int, str]] = {}
    for line, cells in rows[1:]:
        values = {col: cells[j] for j, col in cols.items() if col and j < len(cells) and cells[j]}
        try:
            agency = agency_of(values, line)
        except RosterError as e:
            errors.append(str(e))
            continue
        if agency.name in seen_name:
            errors.append(f"第 {line} 行：机构名称“{agency.name}”与第 {seen_name[agency.name]} 行重复。")
            continue
        if agency.agency_id in seen_id:
            other_line, other = seen_id[agency.agency_id]
            errors.append(
                f"第 {line} 行：“{agency.name}”与第 {other_line} 行“{other}”是同一机构（{agency.agency_id}）："
                "请合并为一行，另一个名称写入“别名”。"
            )
            continue
        seen_name[agency.name] = line
        seen_id[agency.agency_id] = (line, agency.name)
        out.append(agency)
    if errors:
        more = f"\n……另有 {len(errors) - MAX_ERRORS} 处错误。" if len(errors) > MAX_ERRORS else ""
        raise RosterError(
            f"“{name}”有 {len(errors)} 处错误，未导入任何机构：\n" + "\n".join(errors[:MAX_ERRORS]) + more
        )
    if not out:
        raise RosterError(f"“{name}”只有表头，没有机构。")
    return out


def _year(values: dict, col: str, line: int) -> int | None:
    v = values.get(col)
    if v is None:
        return None
    m = re.fullmatch(r"((?:19|20)\d{2})(?:年)?(?:\.0)?", v)
    if not m or not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        label = "设立年份" if col == "from_year" else "撤销年份"
        raise RosterError(f"第 {line} 行：{label}“{v}”不是 {FIRST_YEAR}–{LAST_YEAR} 之间的年份。")
    return int(m.group(1))


def region_of(value: str, line: int) -> Place:
    """The gazetteer's place for a code (2, 4, 6 or 9 digits; the 12-digit form padded with zeros too) or a name."""
    g = _gazetteer()
    if value.isdigit():
        if len(value) not in (2, 4, 6, 9, 12):
            raise RosterError(f"第 {line} 行：行政区划代码“{value}”不是有效代码（应为 2、4、6、9 或 12 位数字）。")
        # the code padded with zeros (310000 or 350128000000) is the longest known prefix followed by zeros only
        for n in (9, 6, 4, 2):
            if n > len(value) or value[n:].strip("0"):
                continue
            code = value[:n]
            if code in g.by_code:
                return g.by_code[code]
            if n == 9 and code in _townships() and code[:6] in g.by_code:
                return _town(g, code, _townships()[code])
        raise RosterError(f"第 {line} 行：行政区划代码“{value}”在区划表中不存在。")
    pieces, rest = _places_in(value)
    if not pieces or rest or any(p.code is None for _, p in pieces):
        raise RosterError(f"第 {line} 行：行政区划“{value}”在区划表中找不到（请填写行政区划代码，或完整的地名）。")
    return pieces[-1][1]


@cache
def _townships() -> dict[str, str]:
    """code -> name of every township (the gazetteer indexes them only under a county a title names)."""
    with open(HERE / "divisions.csv", encoding="utf-8") as f:
        return {r["code"]: r["name"] for r in csv.DictReader(f) if len(r["code"]) == 9}


def _town(g, code: str, name: str) -> Place:
    county = g.by_code[code[:6]]
    return Place(name, "township", county.province, county.prefecture, county.name, name, code)


def _path(place: Place) -> list[str]:
    return [p for p in (place.province, place.prefecture, place.county, place.township) if p]


def agency_of(values: dict, line: int) -> RosterAgency:
    """One roster agency from a row's values (column -> text), its gaps filled from its name."""
    name = values.get("name")
    if not name:
        raise RosterError(f"第 {line} 行：缺少机构名称。")
    name = re.sub(r"\s+", "", name)
    level = values.get("level")
    if level is not None and level not in LEVELS and level.lower() not in LEVELS:
        raise RosterError(f"第 {line} 行：层级“{level}”无法识别（可填 省级、地市级、县级、乡镇 等）。")
    kind = values.get("kind")
    if kind is not None and kind not in KINDS and kind.lower() not in KINDS:
        raise RosterError(f"第 {line} 行：机关类型“{kind}”无法识别（可填 政府、部门、乡镇、开发区）。")
    deadline = values.get("deadline")
    if deadline is not None and deadline.lower() not in DEADLINES and deadline not in DEADLINES:
        raise RosterError(f"第 {line} 行：期限类型“{deadline}”无法识别（可填 政府 或 部门）。")
    from_year, to_year = _year(values, "from_year", line), _year(values, "to_year", line)
    if from_year and to_year and to_year <= from_year:
        raise RosterError(f"第 {line} 行：撤销年份 {to_year} 不晚于设立年份 {from_year}。")
    region = region_of(values["region_code"], line) if values.get("region_code") else None
    level = LEVELS.get(level) or LEVELS.get((level or "").lower())
    kind = KINDS.get(kind) or KINDS.get((kind or "").lower())
    if region is not None:  # the place is known: the id from it, without reading the name's places (fast)
        kind = kind or _kind_of(name, "department" if _is_department(name) else "government", region.level)
        path = _path(region)
        place = dict(
            province=region.province, prefecture=region.prefecture, county=region.county, township=region.township
        )
        own = _without_places(name, path)
        if kind == "department":
            agency_id = "/".join(path + [own])
        elif kind == "zone":
            agency_id = "/".join(path + [_GOV_SUFFIX.sub("", own) or own])
        else:
            agency_id = "/".join(path)
        level = level or region.level
        code = region.code
        parent = values.get("parent") or (_government_of(region) if kind == "department" else _government_above(region))
    else:  # read from the name, as a report's title is
        meta = describe_agency(name)
        kind = kind or _kind_of(name, meta.agency_kind, meta.level)
        place = dict(province=meta.province, prefecture=meta.prefecture, county=meta.county, township=meta.township)
        agency_id = meta.agency_id or name
        level = level or meta.level
        code = None
        parent = values.get("parent") or meta.parent
    if kind in ("government", "township", "zone") and level == "township":
        kind = "township"
    aliases = tuple(dict.fromkeys(a.strip() for a in re.split(r"[；;]", values.get("aliases", "")) if a.strip()))
    return RosterAgency(
        agency_id=agency_id,
        name=name,
        aliases=tuple(a for a in aliases if a != name and ALIAS_SEP not in a),
        level=level,
        kind=kind,
        region_code=code,
        **place,
        parent=parent,
        url=values.get("url"),
        deadline=DEADLINES.get((deadline or "").lower()) or DEADLINES.get(deadline or "") or _deadline(kind),
        from_year=from_year,
        to_year=to_year,
        merged_into=values.get("merged_into"),
        line=line,
    )


def _is_department(name: str) -> bool:
    return bool(_DEPT_SUFFIX.search(name)) and not _GOV_SUFFIX.search(name)


def _without_places(name: str, path: list[str]) -> str:
    """A department's own name, as the warehouse's id holds it: the name without the places of its region that
    it starts with (包头市东河区财政局 -> 财政局); 人民政府办公厅 keeps its government's place (上海市政府办公厅)."""
    rest, last = name, None
    for p in path:
        for form in dict.fromkeys((p, _short(p))):
            if form and rest.startswith(form):
                rest, last = rest[len(form) :], p
                break
    if rest.startswith("人民政府") and last:
        return _short(last) + rest.replace("人民政府", "政府", 1)
    return rest or name


def _kind_of(name: str, title_kind: str | None, level: str | None) -> str:
    if title_kind == "department":
        return "department"
    if re.search(r"(开发区|园区|新区|实验区|高新区)(管委会|管理委员会)?$", name):
        return "zone"
    return "township" if level == "township" else "government"


def _deadline(kind: str | None) -> str:
    """条例 第四十九条: a 政府部门 by 1月31日; a people's government (and a township, a zone's 管委会) by 3月31日."""
    return "department" if kind == "department" else "government"


def _government_of(place: Place) -> str:
    if place.level == "township":
        return place.name + ("办事处" if place.name.endswith("街道") else "人民政府")
    return place.name + ("行政公署" if place.name.endswith(("地区", "盟")) else "人民政府")


def _government_above(place: Place) -> str | None:
    above = {"township": place.county, "county": place.prefecture or place.province, "prefecture": place.province}
    name = above.get(place.level)
    return name + "人民政府" if name else None
