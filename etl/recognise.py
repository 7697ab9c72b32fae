"""Recognise a report's template from its table signature (formats.md §5.9), never from what it cites."""

from __future__ import annotations

import re

from etl.labels import compact
from etl.specs import FUJIAN_2009, FUJIAN_2014, NATIONAL, SPEC_2019, SPEC_2021, TableSpec

_SIGNATURES: list[tuple[TableSpec, str]] = [
    (SPEC_2021, r"本年制发件数|本年废止件数|现行有效件数|逾期未按收费通知要求缴纳费用|本年收费金额"),
    (SPEC_2019, r"本年新制作数量|本年新公开数量|第二十条第\(九\)项|本年新收政府信息公开申请数量"),
    (FUJIAN_2014, r"历年累计.{0,400}?(主动公开文件数|信函、传真申请数|其他类型答复数)"),
    (FUJIAN_2009, r"历年累计|主动公开信息数"),
    (NATIONAL, r"主动公开政府信息数|一、主动公开情况|收到申请数.{0,40}当面申请数|从事政府信息公开工作人员数"),
]


def recognise(text: str) -> TableSpec | None:
    """The table spec whose signature the report's text carries, or None (no statistics table)."""
    flat = compact(text)
    for spec, signature in _SIGNATURES:
        if re.search(signature, flat):
            return spec
    return None


def template_for_year(year: int | None) -> str:
    """The official template in force for a report covering `year` (for reports without a table)."""
    if year is None:
        return "unknown"
    return "old" if year <= 2018 else "2019" if year <= 2020 else "2021"
