"""Invented places and agencies, enumerated lazily so a corpus of any size never holds the hierarchy.

Every place name starts with the fixed prefix 演示 ("demo") followed by two invented characters, so no
synthetic name can be mistaken for a real one (no real Chinese place is called 演示…).
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "演示"
# characters that are not administrative suffixes (省市州盟区县旗镇乡街道地) nor department suffixes
_POOL = "澜桐禾岚溪栎蔚琮璟珂瑶芷萱渚泓澈霁砚箐樾岑岫峦漪沅湄汀洵淇澍濂琨瑜璞棠榆"
_N = len(_POOL)

PROVINCES_AT_ONCE = 3
PREFECTURES_PER_PROVINCE = 5
COUNTIES_PER_PREFECTURE = 5
TOWNSHIPS_PER_COUNTY = 6
DEPTS_PROVINCE = ["教育厅", "财政厅", "自然资源厅", "生态环境厅", "交通运输厅", "卫生健康委员会"]
DEPTS_LOCAL = [
    "教育局",
    "财政局",
    "自然资源局",
    "生态环境局",
    "交通运输局",
    "卫生健康委员会",
    "市场监督管理局",
    "审批服务管理局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
]


def _name(i: int, suffix: str) -> str:
    """The i-th name of a level: two invented characters for the first len(_POOL)² names, three for the next
    len(_POOL)³ and so on, so no two places of a level ever share a name (a national corpus has thousands)."""
    width = 2
    while i >= _N**width:
        i -= _N**width
        width += 1
    chars = []
    for _ in range(width):
        i, r = divmod(i, _N)
        chars.append(_POOL[r])
    return PREFIX + "".join(chars) + suffix


@dataclass(frozen=True)
class Agency:
    key: str  # stable id inside the synthetic corpus
    name: str  # full name as printed in the title
    kind: str  # government | department
    level: str  # province | prefecture | county | township
    province: str
    prefecture: str | None
    county: str | None
    township: str | None
    fujian: bool  # the province fills the Fujian-style old table (本年度 / 历年累计)


def _block_agencies(b: int) -> list[Agency]:
    """The agencies of county block b: the county, its townships and departments (plus the prefecture's and
    the province's own agencies in the first block under them)."""
    # provinces vary fastest, so even a small corpus mixes national- and Fujian-style provinces
    p_low, rest = b % PROVINCES_AT_ONCE, b // PROVINCES_AT_ONCE
    c = rest % COUNTIES_PER_PREFECTURE
    f = (rest // COUNTIES_PER_PREFECTURE) % PREFECTURES_PER_PROVINCE
    p = rest // (COUNTIES_PER_PREFECTURE * PREFECTURES_PER_PROVINCE) * PROVINCES_AT_ONCE + p_low
    prov = _name(p, "省")
    pref = _name(p * 7 + f, "市")
    county = _name(b, "县" if (b + c) % 3 else "区")  # block b is one county
    fujian = p % 3 == 1
    out: list[Agency] = []
    if f == 0 and c == 0:
        out.append(Agency(f"p{p}", prov + "人民政府", "government", "province", prov, None, None, None, fujian))
        out += [
            Agency(f"p{p}d{i}", prov + d, "department", "province", prov, None, None, None, fujian)
            for i, d in enumerate(DEPTS_PROVINCE)
        ]
    if c == 0:
        out.append(Agency(f"p{p}f{f}", pref + "人民政府", "government", "prefecture", prov, pref, None, None, fujian))
        out += [
            Agency(f"p{p}f{f}d{i}", pref + d, "department", "prefecture", prov, pref, None, None, fujian)
            for i, d in enumerate(DEPTS_LOCAL[:6])
        ]
    out.append(Agency(f"b{b}", pref + county + "人民政府", "government", "county", prov, pref, county, None, fujian))
    out += [
        Agency(f"b{b}d{i}", county + d, "department", "county", prov, pref, county, None, fujian)
        for i, d in enumerate(DEPTS_LOCAL)
    ]
    for t in range(TOWNSHIPS_PER_COUNTY):
        town = _name(b * 11 + t, "镇" if t % 2 == 0 else "乡")
        out.append(
            Agency(f"b{b}t{t}", county + town + "人民政府", "government", "township", prov, pref, county, town, fujian)
        )
    return out


def agencies():
    """Every synthetic agency, in a fixed order, without end."""
    b = 0
    while True:
        yield from _block_agencies(b)
        b += 1
